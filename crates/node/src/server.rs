//! The node: recovery from the log, the single writer with group commit, and the HTTP API.
//!
//! ```text
//!  HTTP handlers ──verify signature──► mpsc ──► writer thread: apply batch to NodeState,
//!       ▲                                          append batch to redb (one fsync), then ack
//!       └──────────── oneshot receipts ◄───────────┘        └──► broadcast ──► SSE streams
//! ```
//!
//! One thread writes, so calls are totally ordered and the log is the state's history. Views
//! read the in-memory state under a read lock. A call is acknowledged only after the batch that
//! holds it is durable, so a crash can lose unacknowledged calls but never an acknowledged one.

use std::{
    convert::Infallible,
    net::SocketAddr,
    path::PathBuf,
    sync::{
        Arc, RwLock,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use alloy_primitives::{Address, B256};
use axum::{
    Json, Router,
    body::Bytes,
    extract::{DefaultBodyLimit, Path, Query, Request, State, rejection::BytesRejection},
    http::{HeaderMap, Method, StatusCode, header},
    middleware::{self, Next},
    response::{
        IntoResponse, Response,
        sse::{Event as SseEvent, KeepAlive, Sse},
    },
    routing::{get, post},
};
use futures_util::stream::{self, Stream, StreamExt};
use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::{conn::auto, graceful::GracefulShutdown},
    service::TowerToHyperService,
};
use rampart_engine::{View, accounts::parse_hex_address, serde_ext};
use rampart_store::{Store, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::sync::{broadcast, mpsc, oneshot};
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_swagger_ui::SwaggerUi;

use crate::{
    auth::{self, AuthError, Payload, SignedCall},
    chain::{ChainError, Genesis, LogEntry, NodeCall, NodeState},
};

/// The largest request body accepted.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The largest batch body accepted.
pub const MAX_BATCH_BODY_BYTES: usize = 1024 * 1024;
/// The most calls one group commit carries.
const MAX_BATCH: usize = 4096;
/// The most events one events page carries (and the most entries it reads).
pub const MAX_PAGE: usize = 1000;
/// The most events a receipt carries; the rest are on `/v1/events` (see [`Receipt`]).
pub const MAX_RECEIPT_EVENTS: usize = 100;

/// How to run a node.
#[derive(Debug, Clone)]
pub struct NodeConfig {
    /// Where the log lives.
    pub data_dir: PathBuf,
    /// Where to listen.
    pub listen: SocketAddr,
    /// The genesis of a new data directory (an existing one keeps its own).
    pub genesis: Genesis,
    /// A snapshot every this many entries.
    pub snapshot_every: u64,
    /// Replay the whole log at start and compare state hashes.
    pub verify_on_start: bool,
    /// How long clients may take to send a request.
    pub limits: ServerLimits,
    /// Finished `rampart sim` output folders the dashboard's simulations page shows.
    pub sim_outputs: Vec<PathBuf>,
}

/// How long the node waits on a client before it closes the connection: a client that sends
/// part of a request and then nothing (slowloris) must not hold a connection for ever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerLimits {
    /// The request line and headers must arrive within this. It also bounds how long an idle
    /// keep-alive connection stays open, since waiting for the next request is reading headers.
    pub header_read: Duration,
    /// A request body must have arrived within this of the request's start; otherwise the
    /// node answers 408 `BodyTimeout` and closes the connection.
    pub body_read: Duration,
    /// How long a stopping node waits for open connections to finish.
    pub shutdown_grace: Duration,
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self {
            header_read: Duration::from_secs(10),
            body_read: Duration::from_secs(30),
            shutdown_grace: Duration::from_secs(5),
        }
    }
}

/// What the node found in its data directory at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovery {
    /// The data directory.
    pub data_dir: PathBuf,
    /// Whether it was new: genesis was written to it now.
    pub created: bool,
    /// Log entries in it (genesis entries included).
    pub entries: u64,
    /// The snapshot the state was rebuilt from: the number of entries it covers.
    pub snapshot: Option<u64>,
    /// Entries replayed on top of the snapshot (or of genesis, without one).
    pub replayed: u64,
    /// Whether a replay of the whole log from genesis reached the same state hash.
    pub verified: bool,
}

impl std::fmt::Display for Recovery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let dir = self.data_dir.display();
        if self.created {
            return write!(
                f,
                "new data directory {dir}: genesis written ({} entries)",
                self.entries
            );
        }
        write!(f, "recovered {} log entries from {dir}: ", self.entries)?;
        match self.snapshot {
            Some(at) => {
                write!(f, "snapshot at entry {at}, {} entries replayed after it", self.replayed)?
            }
            None => write!(f, "no snapshot, {} entries replayed from genesis", self.replayed)?,
        }
        if self.verified {
            write!(f, "; a replay of the whole log reached the same state hash")?;
        }
        Ok(())
    }
}

/// What went wrong starting or running a node.
#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] rampart_store::StoreError),
    /// The log or a snapshot cannot be read back.
    #[error("the log cannot be recovered: {0}")]
    Recovery(String),
    /// Another program listens on the address already.
    #[error(
        "{0} is in use by another program (another rampart node?); stop it or choose another \
         address with --listen"
    )]
    AddressInUse(SocketAddr),
    /// Another node holds the data directory.
    #[error(
        "the data directory {} is in use by another rampart node; stop that node or choose \
         another directory with --data-dir",
        .0.display()
    )]
    DataDirInUse(PathBuf),
    /// The address could not be bound or served.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The data directory was written by a build whose state or arithmetic differs.
    #[error(
        "the data directory {} was written by a rampart build of state format {found}; this \
         build has format {expected}, whose events or state encoding differ, so its log would \
         not replay to the same state. Start with a new --data-dir, or run a build of format \
         {found} on it",
        .data_dir.display()
    )]
    FormatMismatch {
        /// The directory.
        data_dir: PathBuf,
        /// The format it was written in (1: before formats were recorded).
        found: u32,
        /// This build's.
        expected: u32,
    },
}

/// The state format this build writes: raised whenever a change makes an existing log replay
/// to different events or a different state hash (new rewards, a new encoding), so that an old
/// data directory is refused by name instead of failing replay as "not deterministic".
/// 1: before formats were recorded; 2: proposer and sync rewards, the inactivity leak,
/// EnumerableSet storage order, the clock's timestamp offset, Jito.
pub const STATE_FORMAT: u32 = 2;

/// Refuses a data directory of another state format; records this build's in a new one.
fn check_state_format(store: &Store, data_dir: &std::path::Path) -> Result<(), NodeError> {
    let found = match store.meta("state_format")? {
        Some(bytes) => std::str::from_utf8(&bytes).ok().and_then(|text| text.parse().ok()),
        None if store.next_seq()? > 0 => Some(1),
        None => {
            store.set_meta("state_format", STATE_FORMAT.to_string().as_bytes())?;
            return Ok(());
        }
    };
    let found = found.ok_or_else(|| NodeError::Recovery("unreadable state_format".into()))?;
    if found != STATE_FORMAT {
        return Err(NodeError::FormatMismatch {
            data_dir: data_dir.to_owned(),
            found,
            expected: STATE_FORMAT,
        });
    }
    Ok(())
}

/// Counters for `/metrics`.
#[derive(Debug, Default)]
struct Metrics {
    calls_accepted: AtomicU64,
    calls_rejected: AtomicU64,
    batches: AtomicU64,
    batch_calls_max: AtomicU64,
    views: AtomicU64,
}

struct Submission {
    sender: Address,
    nonce: u64,
    call: NodeCall,
    reply: oneshot::Sender<Result<Receipt, ApiError>>,
}

/// What the handlers share.
pub(crate) struct Shared {
    pub(crate) state: RwLock<NodeState>,
    store: Store,
    pub(crate) genesis: Genesis,
    /// The writer's inbox; taken away at shutdown so the writer sees its channel close.
    submit: RwLock<Option<mpsc::Sender<Submission>>>,
    entries: broadcast::Sender<Arc<Value>>,
    metrics: Metrics,
    recovered_hash: B256,
    verified: bool,
    /// The state hash at a log position: hashing walks the whole state, so it is computed once
    /// per position however often `/health` is asked.
    hash_cache: std::sync::Mutex<Option<(u64, B256)>>,
    /// Flips to `true` when the node stops, ending the live streams so shutdown can finish.
    stopping: tokio::sync::watch::Receiver<bool>,
    /// Names seen in calls, to show addresses by (the dashboard).
    pub(crate) names: RwLock<crate::dashboard::Names>,
    /// The dashboard's summaries of the current log position.
    pub(crate) dashboard: crate::dashboard::Cache,
    /// The `rampart sim` output folders the node may read (and nothing else on disk).
    pub(crate) sim_outputs: Vec<PathBuf>,
}

/// A running node's address and a way to stop it (for tests and embedding).
pub struct NodeHandle {
    /// The address it listens on.
    pub listen: SocketAddr,
    shutdown: Option<tokio::sync::watch::Sender<bool>>,
    task: tokio::task::JoinHandle<Result<(), NodeError>>,
    shared: Arc<Shared>,
    writer: std::thread::JoinHandle<()>,
    /// What the start found in the data directory.
    pub recovery: Recovery,
}

impl std::fmt::Debug for NodeHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NodeHandle").field("listen", &self.listen).finish_non_exhaustive()
    }
}

impl NodeHandle {
    /// Stops serving, lets the writer finish what it was given, and closes the store.
    pub async fn stop(mut self) -> Result<(), NodeError> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(true);
        }
        let served = self.task.await.map_err(|e| NodeError::Recovery(e.to_string()));
        self.shared.submit.write().expect("not poisoned").take();
        let writer = self.writer;
        tokio::task::spawn_blocking(move || writer.join())
            .await
            .map_err(|e| NodeError::Recovery(e.to_string()))?
            .map_err(|_| NodeError::Recovery("the writer panicked".into()))?;
        // Connection tasks that outlive the server's future still hold the handlers' state, and
        // with it the store: wait (a bounded while) for them to let go, so that when `stop`
        // returns the data directory can be opened again at once (a restart, a backup).
        for _ in 0..500 {
            if Arc::strong_count(&self.shared) == 1 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        served?
    }
}

/// Opens (or creates) the data directory, recovers, and serves until `shutdown` resolves.
pub async fn start(config: NodeConfig) -> Result<NodeHandle, NodeError> {
    // Both checks that another node is running come before the (possibly long) recovery.
    let listener = tokio::net::TcpListener::bind(config.listen).await.map_err(|error| {
        if error.kind() == std::io::ErrorKind::AddrInUse {
            NodeError::AddressInUse(config.listen)
        } else {
            NodeError::Io(error)
        }
    })?;
    std::fs::create_dir_all(&config.data_dir)?;
    let store =
        Store::open(&config.data_dir.join("rampart.redb")).map_err(|error| match error {
            StoreError::InUse => NodeError::DataDirInUse(config.data_dir.clone()),
            other => NodeError::Store(other),
        })?;
    check_state_format(&store, &config.data_dir)?;
    let genesis = load_genesis(&store, &config.genesis)?;
    let (state, recovered_hash, mut recovery) = recover(&store, &genesis, config.verify_on_start)?;
    recovery.data_dir.clone_from(&config.data_dir);
    let verified = recovery.verified;
    let recovered_seq = state.next_seq;
    let (submit, receive) = mpsc::channel(MAX_BATCH * 4);
    let (entries, _) = broadcast::channel(16_384);
    let (shutdown_send, stopping) = tokio::sync::watch::channel(false);
    let shared = Arc::new(Shared {
        state: RwLock::new(state),
        store,
        genesis,
        submit: RwLock::new(Some(submit)),
        entries,
        metrics: Metrics::default(),
        recovered_hash,
        verified,
        hash_cache: std::sync::Mutex::new(Some((recovered_seq, recovered_hash))),
        stopping,
        names: RwLock::default(),
        dashboard: crate::dashboard::Cache::default(),
        sim_outputs: config.sim_outputs.clone(),
    });
    let writer_shared = Arc::clone(&shared);
    let snapshot_every = config.snapshot_every.max(1);
    let writer = std::thread::Builder::new()
        .name("rampart-writer".into())
        .spawn(move || writer(&writer_shared, receive, snapshot_every))?;
    let listen = listener.local_addr()?;
    let shutdown_receive = shutdown_send.subscribe();
    let app = router(Arc::clone(&shared), config.limits);
    let task = tokio::spawn(serve(listener, app, config.limits, shutdown_receive));
    Ok(NodeHandle { listen, shutdown: Some(shutdown_send), task, shared, writer, recovery })
}

/// Accepts connections until told to stop. Unlike `axum::serve`, hyper gets a timer, so a
/// client that does not finish its headers within [`ServerLimits::header_read`] is cut off.
async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    limits: ServerLimits,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> Result<(), NodeError> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_read);
    builder.http2().timer(TokioTimer::new()).keep_alive_interval(Some(limits.header_read));
    let graceful = GracefulShutdown::new();
    let stopped = async move {
        let _ = stop.wait_for(|stop| *stop).await;
    };
    let mut stopped = std::pin::pin!(stopped);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: wait a little rather than spin.
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stopped => break,
        };
        tracing::trace!(%peer, "connection accepted");
        let service = TowerToHyperService::new(app.clone());
        let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
        let connection = graceful.watch(connection.into_owned());
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%peer, %error, "connection closed with an error");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(limits.shutdown_grace, graceful.shutdown()).await.is_err() {
        tracing::warn!("connections still open after the shutdown grace period; closing them");
    }
    Ok(())
}

fn load_genesis(store: &Store, configured: &Genesis) -> Result<Genesis, NodeError> {
    match store.meta("genesis")? {
        Some(bytes) => {
            let stored: Genesis = serde_json::from_slice(&bytes)
                .map_err(|e| NodeError::Recovery(format!("genesis: {e}")))?;
            if stored != *configured {
                eprintln!(
                    "warning: this data directory keeps the genesis it was created with (chain {}, \
                     block time {} s, {} funded accounts); the options given now do not change it",
                    stored.chain_id,
                    stored.block_time_seconds,
                    stored.funded.len()
                );
            }
            Ok(stored)
        }
        None => {
            let bytes = serde_json::to_vec(configured).expect("genesis serializes");
            store.set_meta("genesis", &bytes)?;
            Ok(configured.clone())
        }
    }
}

/// Rebuilds the state from the newest snapshot and the log after it; with `verify`, also from
/// genesis through the whole log, and requires both to agree.
fn recover(
    store: &Store,
    genesis: &Genesis,
    verify: bool,
) -> Result<(NodeState, B256, Recovery), NodeError> {
    let created = store.next_seq()? == 0;
    if created {
        let mut state = NodeState::new(genesis);
        let admin = state.world.admin;
        let mut batch = Vec::new();
        for call in genesis.calls() {
            let entry = state
                .apply(0, admin, None, &call)
                .map_err(|e| NodeError::Recovery(format!("genesis: {e}")))?;
            batch.push((entry.seq, serde_json::to_vec(&entry).expect("entries serialize")));
        }
        store.append(&batch)?;
    }
    // The log is the truth; a snapshot only saves replay time. One that cannot be read or does
    // not continue the log is set aside, loudly, and the state rebuilt from genesis.
    let snapshot = store.latest_snapshot()?.and_then(|(seq, bytes)| {
        serde_json::from_slice::<NodeState>(&bytes)
            .map_err(|e| {
                eprintln!("warning: snapshot at {seq} is unreadable ({e}); replaying the whole log")
            })
            .ok()
    });
    let mut used_snapshot = snapshot.is_some();
    let mut state = snapshot.unwrap_or_else(|| NodeState::new(genesis));
    let mut start = state.next_seq;
    if let Err(error) = replay_from(store, &mut state) {
        if !used_snapshot {
            return Err(error);
        }
        eprintln!(
            "warning: the log does not continue the snapshot ({error}); replaying the whole log"
        );
        state = NodeState::new(genesis);
        (used_snapshot, start) = (false, 0);
        replay_from(store, &mut state)?;
    }
    let recovery = Recovery {
        data_dir: PathBuf::new(),
        created,
        entries: state.next_seq,
        snapshot: used_snapshot.then_some(start),
        replayed: state.next_seq - start,
        verified: verify,
    };
    let hash = state.state_hash();
    if verify && used_snapshot {
        let mut replica = NodeState::new(genesis);
        replay_from(store, &mut replica)?;
        let replayed = replica.state_hash();
        if replayed != hash {
            return Err(NodeError::Recovery(format!(
                "the snapshot and the log disagree: state hash {hash} after the snapshot, \
                 {replayed} replaying from genesis (the engine may not be deterministic)"
            )));
        }
    }
    Ok((state, hash, recovery))
}

fn replay_from(store: &Store, state: &mut NodeState) -> Result<(), NodeError> {
    loop {
        let entries = store.entries(state.next_seq, 10_000)?;
        if entries.is_empty() {
            return Ok(());
        }
        for (seq, bytes) in entries {
            let entry: LogEntry = serde_json::from_slice(&bytes)
                .map_err(|e| NodeError::Recovery(format!("entry {seq}: {e}")))?;
            state.replay(&entry).map_err(NodeError::Recovery)?;
        }
    }
}

/// The writer: applies batches in order, commits each durably, then acknowledges.
fn writer(shared: &Shared, receive: mpsc::Receiver<Submission>, snapshot_every: u64) {
    // A panic here would leave a half-applied batch behind a poisoned lock: a node that is up
    // but cannot serve. Stop instead; recovery rebuilds the state from the log.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        write_batches(shared, receive, snapshot_every);
    }));
    if outcome.is_err() {
        eprintln!("fatal: the writer panicked; stopping so that recovery rebuilds from the log");
        std::process::abort();
    }
}

fn write_batches(shared: &Shared, mut receive: mpsc::Receiver<Submission>, snapshot_every: u64) {
    let block_time = shared.genesis.block_time_seconds;
    // With wall-clock blocks the clock moves one block per `block_time` seconds on top of
    // wherever it stands (admin advances included); time while the node is down is not counted.
    let mut anchor = Instant::now();
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = receive.blocking_recv() {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match receive.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        let mut outcomes = Vec::with_capacity(batch.len());
        let mut durable = Vec::with_capacity(batch.len());
        {
            // Held until the batch is durable, so no reader sees what a crash could undo.
            let mut state = shared.state.write().expect("not poisoned");
            let wall_block = match block_time {
                0 => 0,
                seconds => {
                    let elapsed = anchor.elapsed().as_secs() / seconds;
                    anchor += Duration::from_secs(elapsed * seconds);
                    state.world.clock.block + elapsed
                }
            };
            for submission in &batch {
                let outcome = state.apply(
                    wall_block,
                    submission.sender,
                    Some(submission.nonce),
                    &submission.call,
                );
                if let Ok(entry) = &outcome {
                    durable
                        .push((entry.seq, serde_json::to_vec(entry).expect("entries serialize")));
                }
                outcomes.push(outcome);
            }
            // Durability before acknowledgement. If the disk fails, the in-memory state is ahead
            // of the log and must not be served: stop, and let recovery rebuild from the log.
            if let Err(error) = shared.store.append(&durable) {
                eprintln!("fatal: cannot append to the log: {error}");
                std::process::abort();
            }
        }
        shared.metrics.batches.fetch_add(1, Ordering::Relaxed);
        shared.metrics.batch_calls_max.fetch_max(batch.len() as u64, Ordering::Relaxed);
        for (submission, outcome) in batch.drain(..).zip(outcomes) {
            let reply = match outcome {
                Ok(entry) => {
                    shared.metrics.calls_accepted.fetch_add(1, Ordering::Relaxed);
                    if shared.entries.receiver_count() > 0 {
                        let _ = shared.entries.send(Arc::new(entry_json(&entry)));
                    }
                    Ok(Receipt::from_entry(&entry))
                }
                Err(error) => {
                    shared.metrics.calls_rejected.fetch_add(1, Ordering::Relaxed);
                    Err(ApiError::from(error))
                }
            };
            let _ = submission.reply.send(reply);
        }
        maybe_snapshot(
            shared,
            snapshot_every,
            durable.first().map(|d| d.0),
            durable.last().map(|d| d.0),
        );
    }
}

fn maybe_snapshot(shared: &Shared, every: u64, first: Option<u64>, last: Option<u64>) {
    let (Some(first), Some(last)) = (first, last) else { return };
    // Snapshot when the batch crossed a multiple of `every`.
    if first / every == (last + 1) / every {
        return;
    }
    let state = shared.state.read().expect("not poisoned");
    let bytes = serde_json::to_vec(&*state).expect("state serializes");
    let seq = state.next_seq;
    drop(state);
    if let Err(error) = shared.store.write_snapshot(seq, &bytes) {
        // A missing snapshot only makes the next start replay more of the log.
        eprintln!("warning: snapshot at {seq} failed: {error}");
    }
}

fn entry_json(entry: &LogEntry) -> Value {
    serde_json::to_value(entry).expect("entries serialize")
}

/// What an accepted call did.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Receipt {
    /// Its position in the log.
    pub seq: u64,
    /// The block it ran in.
    pub block: u64,
    /// The authenticated sender.
    pub sender: String,
    /// The nonce it used.
    pub nonce: Option<u64>,
    /// `protocol.function`.
    pub call: String,
    /// The events it emitted, named and shaped as the contracts' events: the first 100 of
    /// them (a long clock move emits thousands).
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<Value>,
    /// How many events it emitted in all.
    #[serde(default)]
    pub events_total: u64,
    /// When `events` holds only the first ones: the `/v1/events` query that lists the rest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub more_events: Option<String>,
}

impl Receipt {
    fn from_entry(entry: &LogEntry) -> Self {
        let total = entry.events.len();
        let more_events = (total > MAX_RECEIPT_EVENTS)
            .then(|| format!("/v1/events?from={}&index={MAX_RECEIPT_EVENTS}", entry.seq));
        Self {
            seq: entry.seq,
            block: entry.block,
            sender: entry.sender.to_checksum(None),
            nonce: entry.nonce,
            call: entry.call.name(),
            events: entry
                .events
                .iter()
                .take(MAX_RECEIPT_EVENTS)
                .map(|e| serde_json::to_value(e).expect("serializes"))
                .collect(),
            events_total: total as u64,
            more_events,
        }
    }
}

/// An error response: `{ "error": { "code", "message" } }`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// What failed.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable code: `MalformedJson`, `BodyTooLarge`, `BatchTooLarge`, `MalformedQuery`,
    /// `MalformedAddress`, `MalformedSignature`, `WrongSigner`, `WrongChain`,
    /// `MalformedPayload`, `UnknownCall`, `BadArguments`, `BadNonce`, `OnlyAdmin`, `Reverted`,
    /// `NotFound`, `ForeignOrigin` (403), `UnsupportedMediaType` (415), `BodyTimeout` (408),
    /// `MethodNotAllowed` (405), `Unavailable` (503: the node is stopping), `Storage` (500).
    pub code: String,
    /// For `Reverted`: the contract error name (`InsufficientMagnitude`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revert: Option<String>,
    /// A sentence a person understands.
    pub message: String,
}

/// A request the node refuses, with its HTTP status.
#[derive(Debug, Clone)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    revert: Option<String>,
    message: String,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, revert: None, message: message.into() }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.into(),
                revert: self.revert,
                message: self.message,
            },
        };
        (self.status, Json(body)).into_response()
    }
}

impl From<AuthError> for ApiError {
    fn from(error: AuthError) -> Self {
        let (status, code) = match error {
            AuthError::MalformedSignature(_) => (StatusCode::UNAUTHORIZED, "MalformedSignature"),
            AuthError::WrongSigner { .. } => (StatusCode::UNAUTHORIZED, "WrongSigner"),
            AuthError::MalformedPayload(_) => (StatusCode::BAD_REQUEST, "MalformedPayload"),
            AuthError::WrongChain { .. } => (StatusCode::BAD_REQUEST, "WrongChain"),
        };
        Self::new(status, code, error.to_string())
    }
}

impl From<ChainError> for ApiError {
    fn from(error: ChainError) -> Self {
        match error {
            ChainError::BadNonce { .. } => {
                Self::new(StatusCode::CONFLICT, "BadNonce", error.to_string())
            }
            ChainError::OnlyAdmin(_) => {
                Self::new(StatusCode::FORBIDDEN, "OnlyAdmin", error.to_string())
            }
            ChainError::Rejected { name, ref message } => Self {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                code: "Reverted",
                revert: Some(name.to_owned()),
                message: message.clone(),
            },
            ChainError::Clock(_) => {
                Self::new(StatusCode::UNPROCESSABLE_ENTITY, "Reverted", error.to_string())
            }
        }
    }
}

fn body_too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "BodyTooLarge",
        format!(
            "the body exceeds the endpoint's limit ({MAX_BODY_BYTES} bytes; \
             {MAX_BATCH_BODY_BYTES} for batches)"
        ),
    )
}

/// Whether reading the body failed because the client took too long to send it.
fn timed_out(rejection: &BytesRejection) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(rejection);
    while let Some(error) = source {
        if error.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        source = error.source();
    }
    false
}

fn body_json<T: serde::de::DeserializeOwned>(
    body: Result<Bytes, BytesRejection>,
) -> Result<T, ApiError> {
    let bytes = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            body_too_large()
        } else if timed_out(&rejection) {
            ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "BodyTimeout",
                "the request body did not arrive in time",
            )
        } else {
            ApiError::new(StatusCode::BAD_REQUEST, "MalformedJson", rejection.body_text())
        }
    })?;
    serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "MalformedJson", e.to_string()))
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Rampart node",
        description = "A local restaking network: signed calls, views, events."
    ),
    paths(
        submit_call,
        submit_batch,
        read_view,
        nonce_of,
        list_events,
        stream_events,
        health,
        metrics
    ),
    components(schemas(
        SignedCall,
        Payload,
        Receipt,
        BatchResult,
        ErrorBody,
        ErrorDetail,
        ViewRequest,
        ViewResponse,
        EventsPage,
        Health,
        NonceResponse
    ))
)]
struct ApiDoc;

/// The OpenAPI document of the node's API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
        .merge_from(crate::dashboard::DashboardApi::openapi())
        .merge_from(crate::simulations::SimulationsApi::openapi())
}

fn router(shared: Arc<Shared>, limits: ServerLimits) -> Router {
    // Only the POST endpoints take bodies: the others answer other methods with 405.
    let posts = Router::new()
        .route("/v1/calls", post(submit_call))
        .route(
            "/v1/calls/batch",
            post(submit_batch).layer(DefaultBodyLimit::max(MAX_BATCH_BODY_BYTES)),
        )
        .route("/v1/views", post(read_view))
        .route_layer(middleware::from_fn(guard_posts));
    Router::new()
        .merge(posts)
        .route("/v1/nonces/{address}", get(nonce_of))
        .route("/v1/events", get(list_events))
        .route("/v1/events/stream", get(stream_events))
        .route("/health", get(health))
        .route("/metrics", get(metrics))
        .merge(crate::dashboard::routes())
        .merge(crate::simulations::routes())
        .merge(SwaggerUi::new("/docs").url("/openapi.json", openapi()))
        .fallback(|| async {
            ApiError::new(StatusCode::NOT_FOUND, "NotFound", "no such endpoint; see /docs")
        })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "MethodNotAllowed",
                "this endpoint does not take that method; see /docs",
            )
        })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(tower_http::timeout::RequestBodyDeadlineLayer::new(limits.body_read))
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                .make_span_with(
                    tower_http::trace::DefaultMakeSpan::new().level(tracing::Level::INFO),
                )
                .on_request(tower_http::trace::DefaultOnRequest::new().level(tracing::Level::DEBUG))
                .on_response(
                    tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO),
                ),
        )
        .with_state(shared)
}

/// Refuses what a browser may send cross-site without asking first, and bodies known to be
/// too large before a byte of them is read.
///
/// A web page can make a browser POST a "simple" request (`text/plain`, a form) to
/// `127.0.0.1:8545` with no CORS preflight; signed calls make a forged one useless, but views
/// and anything a future endpoint adds should not depend on that. So a POST must say it is
/// JSON, and one that names an origin must name the node's own (the docs page's "try it").
/// Answering 413 from `Content-Length` lets a client that waits for `100 Continue` (curl does
/// for large bodies) read the answer instead of having its connection reset mid-upload.
async fn guard_posts(request: Request, next: Next) -> Response {
    if request.method() == Method::POST {
        let headers = request.headers();
        if let Some(origin) = headers.get(header::ORIGIN)
            && !same_origin(origin.as_bytes(), headers)
        {
            let origin = String::from_utf8_lossy(origin.as_bytes());
            let message =
                format!("cross-origin requests are refused: Origin {origin:?} is not this node's");
            return ApiError::new(StatusCode::FORBIDDEN, "ForeignOrigin", message).into_response();
        }
        if !is_json(headers) {
            let message = "a POST body must be JSON, sent with Content-Type: application/json";
            return ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "UnsupportedMediaType",
                message,
            )
            .into_response();
        }
        let limit = if request.uri().path() == "/v1/calls/batch" {
            MAX_BATCH_BODY_BYTES
        } else {
            MAX_BODY_BYTES
        };
        let declared = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|length| length > limit as u64) {
            let mut response = body_too_large().into_response();
            // The body is left unread: the connection cannot carry another request.
            response.headers_mut().insert(header::CONNECTION, "close".parse().expect("valid"));
            return response;
        }
    }
    let mut response = next.run(request).await;
    if response.status() == StatusCode::REQUEST_TIMEOUT {
        response.headers_mut().insert(header::CONNECTION, "close".parse().expect("valid"));
    }
    response
}

/// `Origin` is `http://` (or `https://`) and the `Host` the request was sent to.
fn same_origin(origin: &[u8], headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).map(|h| h.as_bytes()) else {
        return false;
    };
    [&b"http://"[..], b"https://"].iter().any(|scheme| {
        origin.len() == scheme.len() + host.len()
            && origin[..scheme.len()].eq_ignore_ascii_case(scheme)
            && origin[scheme.len()..].eq_ignore_ascii_case(host)
    })
}

/// `Content-Type: application/json`, with parameters (`; charset=utf-8`) or not.
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// Submit a signed call. It is acknowledged once durable in the log.
#[utoipa::path(post, path = "/v1/calls", request_body = SignedCall, responses(
    (status = 200, description = "Accepted and durable", body = Receipt),
    (status = 400, description = "Malformed JSON, payload or call, or wrong chain", body = ErrorBody),
    (status = 401, description = "Bad signature", body = ErrorBody),
    (status = 403, description = "Only the admin may do this, or a cross-origin request", body = ErrorBody),
    (status = 408, description = "The body did not arrive in time", body = ErrorBody),
    (status = 409, description = "Not the sender's next nonce", body = ErrorBody),
    (status = 413, description = "Body too large", body = ErrorBody),
    (status = 415, description = "The body is not sent as application/json", body = ErrorBody),
    (status = 422, description = "The protocol reverted; nothing changed", body = ErrorBody),
))]
async fn submit_call(
    State(shared): State<Arc<Shared>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Receipt>, ApiError> {
    let signed: SignedCall = body_json(body)?;
    let receive = enqueue(&shared, &signed).await?;
    let receipt = receive.await.map_err(|_| {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "Unavailable", "the writer has stopped")
    })??;
    Ok(Json(receipt))
}

/// A call or view that could not be read: `UnknownCall` for a name no protocol has,
/// `BadArguments` for a known function whose arguments do not fit it.
fn unreadable_call(error: rampart_engine::ParseError) -> ApiError {
    let code = match error.kind {
        rampart_engine::world::ParseErrorKind::UnknownCall => "UnknownCall",
        rampart_engine::world::ParseErrorKind::BadArguments => "BadArguments",
    };
    ApiError::new(StatusCode::BAD_REQUEST, code, error.message)
}

/// Authenticates a signed call and hands it to the writer; the receiver yields its receipt.
async fn enqueue(
    shared: &Shared,
    signed: &SignedCall,
) -> Result<oneshot::Receiver<Result<Receipt, ApiError>>, ApiError> {
    // libsecp256k1 recovers in ~30 µs: cheaper inline than a hand-off to a blocking thread.
    let verified = auth::verify(signed, shared.genesis.chain_id)?;
    crate::dashboard::learn_names(&shared.names, &verified.args);
    let call = NodeCall::parse(&verified.call, verified.args).map_err(unreadable_call)?;
    let (reply, receive) = oneshot::channel();
    let submission = Submission { sender: verified.from, nonce: verified.nonce, call, reply };
    let inbox = shared.submit.read().expect("not poisoned").clone().ok_or_else(|| {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "Unavailable", "the node is stopping")
    })?;
    inbox.send(submission).await.map_err(|_| {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "Unavailable", "the writer has stopped")
    })?;
    Ok(receive)
}

/// One result of a batch: a receipt, or the error the call alone would have met.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BatchResult {
    /// Accepted and durable.
    Ok(Receipt),
    /// Refused; nothing of this call changed.
    Error(ErrorDetail),
}

/// The most calls in one batch.
pub const MAX_BATCH_CALLS: usize = 256;

/// Submit up to 256 signed calls at once (like a JSON-RPC batch). Each is authenticated and
/// applied on its own, in order, and answered on its own; they usually share a durable commit.
#[utoipa::path(post, path = "/v1/calls/batch", request_body = Vec<SignedCall>, responses(
    (status = 200, description = "One result per call, in order", body = Vec<BatchResult>),
    (status = 400, description = "Not a JSON array of signed calls, or too many", body = ErrorBody),
    (status = 403, description = "A cross-origin request", body = ErrorBody),
    (status = 408, description = "The body did not arrive in time", body = ErrorBody),
    (status = 413, description = "Body too large", body = ErrorBody),
    (status = 415, description = "The body is not sent as application/json", body = ErrorBody),
))]
async fn submit_batch(
    State(shared): State<Arc<Shared>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Vec<BatchResult>>, ApiError> {
    let calls: Vec<SignedCall> = body_json(body)?;
    if calls.len() > MAX_BATCH_CALLS {
        let message = format!("a batch holds at most {MAX_BATCH_CALLS} calls, not {}", calls.len());
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "BatchTooLarge", message));
    }
    // An item that is not a signed call at all (its signature not even 65 bytes of hex) makes
    // the body something other than what the endpoint takes; a signature that does not verify
    // is that call's own answer.
    if let Some(index) = calls.iter().position(|call| !well_formed_signature(&call.signature)) {
        let message = format!("call {index}: the signature is not 65 bytes of 0x hex");
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "MalformedJson", message));
    }
    let mut pending = Vec::with_capacity(calls.len());
    for signed in &calls {
        pending.push(enqueue(&shared, signed).await);
    }
    let mut results = Vec::with_capacity(pending.len());
    for outcome in pending {
        let receipt = match outcome {
            Ok(receive) => receive.await.unwrap_or_else(|_| {
                Err(ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Unavailable",
                    "the writer has stopped",
                ))
            }),
            Err(error) => Err(error),
        };
        results.push(match receipt {
            Ok(receipt) => BatchResult::Ok(receipt),
            Err(error) => BatchResult::Error(ErrorDetail {
                code: error.code.into(),
                revert: error.revert,
                message: error.message,
            }),
        });
    }
    Ok(Json(results))
}

/// 65 bytes of hex, `0x` or not: the shape [`SignedCall::signature`]'s schema states.
fn well_formed_signature(signature: &str) -> bool {
    let digits = signature.strip_prefix("0x").unwrap_or(signature);
    digits.len() == 130 && digits.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A view request: `protocol.function` and its arguments, as in scenario files.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ViewRequest {
    /// `protocol.function`, e.g. `eigenlayer.get_withdrawable_shares`.
    #[schema(pattern = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")]
    pub view: String,
    /// Its arguments.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub args: Value,
}

/// A view's value.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ViewResponse {
    /// The block it was read at.
    pub block: u64,
    /// The value.
    #[schema(value_type = Object)]
    pub value: Value,
}

/// Read any view.
#[utoipa::path(post, path = "/v1/views", request_body = ViewRequest, responses(
    (status = 200, body = ViewResponse),
    (status = 400, description = "Not a view, or arguments it does not take", body = ErrorBody),
    (status = 403, description = "A cross-origin request", body = ErrorBody),
    (status = 408, description = "The body did not arrive in time", body = ErrorBody),
    (status = 413, description = "Body too large", body = ErrorBody),
    (status = 415, description = "The body is not sent as application/json", body = ErrorBody),
    (status = 422, description = "The view reverted", body = ErrorBody),
))]
async fn read_view(
    State(shared): State<Arc<Shared>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<ViewResponse>, ApiError> {
    let request: ViewRequest = body_json(body)?;
    let view = View::parse(&request.view, request.args).map_err(unreadable_call)?;
    shared.metrics.views.fetch_add(1, Ordering::Relaxed);
    let state = shared.state.read().expect("not poisoned");
    let value = state.world.view(&view).map_err(|r| {
        ApiError::from(ChainError::Rejected { name: r.name(), message: r.to_string() })
    })?;
    Ok(Json(ViewResponse { block: state.world.clock.block, value }))
}

/// An account's next nonce.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NonceResponse {
    /// The account.
    pub address: String,
    /// Its next nonce.
    pub nonce: u64,
}

/// An account as the API takes it: a 0x address, or a name (`alice`) of ASCII letters,
/// digits, `_`, `.` and `-` that does not start with `0x`.
pub const ACCOUNT_PATTERN: &str =
    r"^(0x[0-9a-fA-F]{40}|[A-Za-z1-9_.-][A-Za-z0-9_.-]*|0([A-Za-wyz0-9_.-][A-Za-z0-9_.-]*)?)$";

/// Reads an account the way scenario files do: 0x hex, or a name whose address is that of the
/// key `keccak256(name)`. Names are kept to a plain ASCII alphabet, narrower than scenario
/// files allow, so that the server and the documented [`ACCOUNT_PATTERN`] agree on every
/// string (and a name in a URL needs no escaping).
fn parse_account(text: &str) -> Result<Address, ApiError> {
    let malformed = |why: String| ApiError::new(StatusCode::BAD_REQUEST, "MalformedAddress", why);
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-');
    if !text.chars().all(plain) {
        return Err(malformed(format!(
            "{text:?} is neither a 0x address nor a name (ASCII letters, digits, _ . -)"
        )));
    }
    serde_ext::account::deserialize(Value::String(text.to_owned()))
        .map_err(|e| malformed(e.to_string()))
}

/// The account in `/v1/nonces/{address}`.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct AccountPath {
    /// A 0x address or a name (`alice`).
    #[param(
        pattern = r"^(0x[0-9a-fA-F]{40}|[A-Za-z1-9_.-][A-Za-z0-9_.-]*|0([A-Za-wyz0-9_.-][A-Za-z0-9_.-]*)?)$"
    )]
    pub address: String,
}

/// The next nonce of an account (a 0x address or a name).
#[utoipa::path(get, path = "/v1/nonces/{address}", params(AccountPath), responses((status = 200, body = NonceResponse), (status = 400, body = ErrorBody)))]
async fn nonce_of(
    State(shared): State<Arc<Shared>>,
    Path(AccountPath { address }): Path<AccountPath>,
) -> Result<Json<NonceResponse>, ApiError> {
    let account = parse_account(&address)?;
    let nonce = shared.state.read().expect("not poisoned").nonce(account);
    Ok(Json(NonceResponse { address: account.to_checksum(None), nonce }))
}

/// Filters and cursor of `GET /v1/events`.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EventsQuery {
    /// First log sequence number to read (default 0).
    #[param(minimum = 0, nullable = false)]
    pub from: Option<u64>,
    /// The event of entry `from` to start at (default 0): one entry's events can span pages.
    #[param(minimum = 0, nullable = false)]
    pub index: Option<u64>,
    /// At most this many events: 1 to 1000 (default 1000).
    #[param(minimum = 1, maximum = 1000, nullable = false)]
    pub limit: Option<u64>,
    /// Only events with this name (`Deposit`, `OperatorSlashed`, ...).
    #[param(nullable = false)]
    pub event: Option<String>,
    /// Only events mentioning this account (a 0x address or a name) in any field.
    #[param(
        nullable = false,
        pattern = r"^(0x[0-9a-fA-F]{40}|[A-Za-z1-9_.-][A-Za-z0-9_.-]*|0([A-Za-wyz0-9_.-][A-Za-z0-9_.-]*)?)$"
    )]
    pub address: Option<String>,
}

/// A page of events.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EventsPage {
    /// Events, each with its `seq`, `block` and `index` within the call.
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<Value>,
    /// The entry where the next page starts (`from` of the next request).
    pub next: u64,
    /// The event of that entry where the next page starts (`index` of the next request).
    #[serde(default)]
    pub next_index: u64,
}

fn malformed_query(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "MalformedQuery", message)
}

/// `from` and `index` are documented as int64 (OpenAPI has no unsigned integers): refuse what
/// the schema refuses, though no log gets anywhere near.
fn check_cursor(query: &EventsQuery) -> Result<(), ApiError> {
    for (name, value) in [("from", query.from), ("index", query.index)] {
        if value.is_some_and(|v| i64::try_from(v).is_err()) {
            return Err(malformed_query(format!("{name} is at most {}", i64::MAX)));
        }
    }
    Ok(())
}

/// List events, oldest first, with filters and a cursor `(from, index)`. A page holds at most
/// `limit` events and reads at most 1000 entries; when it ends, `(next, next_index)` is where
/// to go on, and a page that ends where it began means there is nothing more yet.
#[utoipa::path(get, path = "/v1/events", params(EventsQuery), responses((status = 200, body = EventsPage), (status = 400, body = ErrorBody)))]
async fn list_events(
    State(shared): State<Arc<Shared>>,
    query: Result<Query<EventsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<EventsPage>, ApiError> {
    let Query(query) = query.map_err(|e| malformed_query(e.body_text()))?;
    let address = query.address.as_deref().map(parse_account).transpose()?;
    let limit = match query.limit {
        Some(limit @ 1..=1000) => usize::try_from(limit).expect("small"),
        Some(limit) => {
            return Err(malformed_query(format!("limit is 1 to {MAX_PAGE}, not {limit}")));
        }
        None => MAX_PAGE,
    };
    check_cursor(&query)?;
    let filter = |event: &Value| matches_filters(event, query.event.as_deref(), address);
    let cursor = (query.from.unwrap_or(0), query.index.unwrap_or(0));
    let page = read_page(&shared.store, cursor, limit, filter)
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "Storage", e.to_string()))?;
    Ok(Json(page))
}

/// Walks the log from `(seq, index)` collecting matching events until `limit` of them, the end
/// of the log, or [`MAX_PAGE`] entries read.
fn read_page(
    store: &Store,
    (mut seq, mut index): (u64, u64),
    limit: usize,
    keep: impl Fn(&Value) -> bool,
) -> Result<EventsPage, StoreError> {
    let mut events = Vec::new();
    let mut read = 0;
    'entries: while read < MAX_PAGE {
        let entries = store.entries(seq, 64.min(MAX_PAGE - read))?;
        if entries.is_empty() {
            break;
        }
        for (at, bytes) in entries {
            read += 1;
            let entry: Value = serde_json::from_slice(&bytes).expect("the log holds JSON entries");
            let all = flatten_events(&entry);
            let skip = usize::try_from(index).unwrap_or(usize::MAX);
            for (position, event) in all.iter().enumerate().skip(skip) {
                if events.len() == limit {
                    (seq, index) = (at, position as u64);
                    break 'entries;
                }
                if keep(event) {
                    events.push(event.clone());
                }
            }
            (seq, index) = (at + 1, 0);
        }
    }
    Ok(EventsPage { events, next: seq, next_index: index })
}

fn flatten_events(entry: &Value) -> Vec<Value> {
    let events = entry["events"].as_array().cloned().unwrap_or_default();
    events
        .into_iter()
        .enumerate()
        .map(|(index, mut event)| {
            if let Some(object) = event.as_object_mut() {
                object.insert("seq".into(), entry["seq"].clone());
                object.insert("block".into(), entry["block"].clone());
                object.insert("index".into(), json!(index));
            }
            event
        })
        .collect()
}

fn matches_filters(event: &Value, name: Option<&str>, address: Option<Address>) -> bool {
    let name_ok = name.is_none_or(|wanted| event["event"].as_str() == Some(wanted));
    let address_ok = address.is_none_or(|wanted| mentions(event, wanted));
    name_ok && address_ok
}

fn mentions(value: &Value, address: Address) -> bool {
    match value {
        Value::String(text) => parse_hex_address(text) == Some(address),
        Value::Array(items) => items.iter().any(|v| mentions(v, address)),
        Value::Object(map) => map.values().any(|v| mentions(v, address)),
        _ => false,
    }
}

/// Filters and start of `GET /v1/events/stream` (whole entries: no paging).
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StreamQuery {
    /// Replay the log from this sequence number first (default: only new entries).
    #[param(minimum = 0, nullable = false)]
    pub from: Option<u64>,
    /// Only events with this name, and entries that have one.
    #[param(nullable = false)]
    pub event: Option<String>,
    /// Only events mentioning this account (a 0x address or a name), and entries that have one.
    #[param(
        nullable = false,
        pattern = r"^(0x[0-9a-fA-F]{40}|[A-Za-z1-9_.-][A-Za-z0-9_.-]*|0([A-Za-wyz0-9_.-][A-Za-z0-9_.-]*)?)$"
    )]
    pub address: Option<String>,
}

/// Stream accepted calls live (server-sent events), optionally from a past log position.
#[utoipa::path(get, path = "/v1/events/stream", params(StreamQuery), responses(
    (status = 200, description = "text/event-stream of log entries", content_type = "text/event-stream"),
    (status = 400, description = "A malformed filter or cursor", body = ErrorBody),
))]
async fn stream_events(
    State(shared): State<Arc<Shared>>,
    query: Result<Query<StreamQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, ApiError> {
    let Query(query) = query.map_err(|e| malformed_query(e.body_text()))?;
    let address = query.address.as_deref().map(parse_account).transpose()?;
    if query.from.is_some_and(|from| i64::try_from(from).is_err()) {
        return Err(malformed_query(format!("from is at most {}", i64::MAX)));
    }
    // Subscribe before reading the past, then skip what the past already covered: no gaps.
    let live = shared.entries.subscribe();
    let mut past = Vec::new();
    if let Some(mut from) = query.from {
        loop {
            let entries = shared.store.entries(from, MAX_PAGE).unwrap_or_default();
            let Some((last, _)) = entries.last() else { break };
            from = last + 1;
            past.extend(
                entries
                    .into_iter()
                    .filter_map(|(_, bytes)| serde_json::from_slice::<Value>(&bytes).ok()),
            );
        }
    }
    let replayed_until = past.last().and_then(|e| e["seq"].as_u64());
    let past = stream::iter(past.into_iter().map(Arc::new));
    // A reader that falls more than the channel's capacity behind would silently miss entries:
    // end its stream instead, so it reconnects with `?from=` its last seq + 1 and misses nothing.
    let first_live = query.from.unwrap_or(0).max(replayed_until.map_or(0, |until| until + 1));
    let live = tokio_stream::wrappers::BroadcastStream::new(live)
        .take_while(|item| std::future::ready(item.is_ok()))
        .filter_map(move |item| async move {
            let entry = item.ok()?;
            let seq = entry["seq"].as_u64()?;
            (seq >= first_live).then_some(entry)
        });
    let mut stopping = shared.stopping.clone();
    let stopped = async move {
        let _ = stopping.wait_for(|stop| *stop).await;
    };
    // `event` and `address` keep only matching events, and entries that still have one.
    let name = query.event;
    let filtering = name.is_some() || address.is_some();
    let stream = past.chain(live).take_until(stopped).filter_map(move |entry| {
        let kept = if filtering {
            let mut entry = (*entry).clone();
            let events: Vec<Value> = entry["events"]
                .as_array()
                .map(|events| {
                    events
                        .iter()
                        .filter(|e| matches_filters(e, name.as_deref(), address))
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            (!events.is_empty()).then(|| {
                entry["events"] = Value::Array(events);
                Arc::new(entry)
            })
        } else {
            Some(entry)
        };
        std::future::ready(
            kept.map(|entry| Ok(SseEvent::default().event("entry").data(entry.to_string()))),
        )
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// The node's health.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: String,
    /// Log entries so far.
    pub entries: u64,
    /// The current block.
    pub block: u64,
    /// The current block's timestamp.
    #[serde(default)]
    pub timestamp: u64,
    /// The chain id.
    pub chain_id: u64,
    /// The state hash recovered at start.
    pub recovered_state_hash: String,
    /// Whether the start replayed the whole log and found the same hash.
    pub verified: bool,
    /// The current state hash.
    pub state_hash: String,
}

/// Liveness, position, and the state hash.
#[utoipa::path(get, path = "/health", responses((status = 200, body = Health)))]
async fn health(State(shared): State<Arc<Shared>>) -> Json<Health> {
    let state = shared.state.read().expect("not poisoned");
    let state_hash = {
        let mut cache = shared.hash_cache.lock().expect("not poisoned");
        match *cache {
            Some((seq, hash)) if seq == state.next_seq => hash,
            _ => {
                let hash = state.state_hash();
                *cache = Some((state.next_seq, hash));
                hash
            }
        }
    };
    Json(Health {
        status: "ok".into(),
        entries: state.next_seq,
        block: state.world.clock.block,
        timestamp: state.world.clock.timestamp(),
        chain_id: shared.genesis.chain_id,
        recovered_state_hash: shared.recovered_hash.to_string(),
        verified: shared.verified,
        state_hash: state_hash.to_string(),
    })
}

/// Prometheus metrics.
#[utoipa::path(get, path = "/metrics", responses((status = 200, description = "Prometheus text format", content_type = "text/plain")))]
async fn metrics(State(shared): State<Arc<Shared>>) -> String {
    let m = &shared.metrics;
    let (entries, block) = {
        let state = shared.state.read().expect("not poisoned");
        (state.next_seq, state.world.clock.block)
    };
    format!(
        "# TYPE rampart_calls_accepted_total counter\nrampart_calls_accepted_total {}\n\
         # TYPE rampart_calls_rejected_total counter\nrampart_calls_rejected_total {}\n\
         # TYPE rampart_commits_total counter\nrampart_commits_total {}\n\
         # TYPE rampart_commit_calls_max gauge\nrampart_commit_calls_max {}\n\
         # TYPE rampart_views_total counter\nrampart_views_total {}\n\
         # TYPE rampart_log_entries gauge\nrampart_log_entries {entries}\n\
         # TYPE rampart_block gauge\nrampart_block {block}\n",
        m.calls_accepted.load(Ordering::Relaxed),
        m.calls_rejected.load(Ordering::Relaxed),
        m.batches.load(Ordering::Relaxed),
        m.batch_calls_max.load(Ordering::Relaxed),
        m.views.load(Ordering::Relaxed),
    )
}

/// Serves until Ctrl-C (the `rampart node` command). `on_start` runs once the node holds its
/// address and data directory and has recovered, so that a banner is never printed by a node
/// that then fails to start.
pub async fn serve_until_interrupted(
    config: NodeConfig,
    on_start: impl FnOnce(&NodeHandle),
) -> Result<(), NodeError> {
    let handle = start(config).await?;
    on_start(&handle);
    eprintln!("{}", handle.recovery);
    eprintln!(
        "listening on http://{} (API docs at /docs, OpenAPI at /openapi.json)",
        handle.listen
    );
    eprintln!("dashboard: http://{}/", handle.listen);
    let _ = tokio::signal::ctrl_c().await;
    eprintln!("stopping");
    handle.stop().await
}
