//! `rampart node` and its clients: `call`, `view`, `events`, `load`.

use std::{
    path::PathBuf,
    process::ExitCode,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use alloy_primitives::Address;
use anyhow::Context;
use clap::Args;
use k256::ecdsa::SigningKey;
use rampart_engine::{
    accounts::{ADMIN_NAME, named_address, named_signing_key, parse_hex_address},
    eigenlayer::Params,
};
use rampart_node::{
    Client, DEV_ACCOUNTS, Genesis, NodeConfig,
    auth::{Payload, sign},
};
use rampart_scenario::NameBook;
use serde_json::{Value, json};

use crate::human::{Units, describe_event};

/// The dev chain id (Anvil's and Hardhat's, so wallets recognise it as local).
const DEV_CHAIN_ID: u64 = 31_337;

#[derive(Debug, Args)]
pub(crate) struct NodeArgs {
    /// Where the log and snapshots live (created if missing).
    #[arg(long, default_value = "rampart-data")]
    data_dir: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8545")]
    listen: std::net::SocketAddr,
    /// Fund the documented dev accounts at genesis and print their keys.
    #[arg(long)]
    dev: bool,
    /// EigenLayer parameters: mainnet, or testnet (50-block delays).
    #[arg(long, default_value = "mainnet")]
    params: String,
    /// The chain id signatures must commit to.
    #[arg(long, default_value_t = DEV_CHAIN_ID)]
    chain_id: u64,
    /// Seconds of wall-clock time per block; 0 moves the clock only by `node.advance_blocks`.
    #[arg(long, default_value_t = 12)]
    block_time: u64,
    /// Write a snapshot every this many log entries.
    #[arg(long, default_value_t = 10_000)]
    snapshot_every: u64,
    /// Skip replaying the whole log at start to check the recovered state hash.
    #[arg(long)]
    no_verify: bool,
    /// The admin (mints, moves the clock). Defaults to the dev admin, whose key is public, which
    /// is allowed only on loopback.
    #[arg(long)]
    admin: Option<String>,
    /// What to log to stderr: off, error, warn, info (one line per request), debug, trace, or
    /// a tracing filter (`tower_http=debug,warn`).
    #[arg(long, default_value = "warn")]
    log_level: String,
    /// A finished `rampart sim --out` folder (or a folder of them) for the dashboard's
    /// simulations page; repeatable. The node reads only these folders.
    #[arg(long = "sim-output", value_name = "DIR")]
    sim_outputs: Vec<PathBuf>,
}

/// Sends the node's log (requests at `info`) to stderr.
fn init_logging(filter: &str) -> anyhow::Result<()> {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .with_context(|| format!("--log-level {filter:?} is not a level or tracing filter"))?;
    // Colours only on a terminal: a log file or CI output should not fill with escape codes.
    let colour = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour)
        .with_writer(std::io::stderr)
        .try_init()
        .map_err(|e| anyhow::anyhow!("cannot start logging: {e}"))
}

pub(crate) fn node(args: &NodeArgs) -> anyhow::Result<ExitCode> {
    let params =
        Params::named(&args.params).with_context(|| format!("unknown params {:?}", args.params))?;
    let admin = match &args.admin {
        Some(text) => parse_hex_address(text)
            .with_context(|| format!("--admin {text:?} is not a 0x address"))?,
        None if args.listen.ip().is_loopback() => named_address(ADMIN_NAME),
        None => anyhow::bail!(
            "a node listening on {} needs --admin 0x...: the default dev admin's key is public",
            args.listen
        ),
    };
    let mut genesis = if args.dev {
        Genesis::dev(params, args.chain_id, args.block_time)
    } else {
        Genesis::empty(admin, params, args.chain_id, args.block_time)
    };
    genesis.admin = admin;
    init_logging(&args.log_level)?;
    let config = NodeConfig {
        data_dir: args.data_dir.clone(),
        listen: args.listen,
        genesis,
        snapshot_every: args.snapshot_every,
        verify_on_start: !args.no_verify,
        limits: rampart_node::ServerLimits::default(),
        sim_outputs: args.sim_outputs.clone(),
    };
    let dev = args.dev;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    // The dev accounts are printed only once the node holds its address and data directory:
    // a node that cannot start says why and nothing else.
    runtime.block_on(rampart_node::serve_until_interrupted(config, |_| {
        if dev {
            print_dev_accounts();
        }
    }))?;
    Ok(ExitCode::SUCCESS)
}

fn print_dev_accounts() {
    eprintln!(
        "dev accounts (10,000 of ETH, stETH, rETH, cbETH and EIGEN each; key = keccak256(name)):"
    );
    for name in std::iter::once(ADMIN_NAME).chain(DEV_ACCOUNTS) {
        let key = named_signing_key(name);
        eprintln!(
            "  {name:<6} {}  key 0x{}",
            named_address(name),
            alloy_primitives::hex::encode(key.to_bytes())
        );
    }
    eprintln!(
        "  (admin mints, registers tokens and moves the clock; these keys are public: local use only)"
    );
}

#[derive(Debug, Args)]
pub(crate) struct Sender {
    /// The sender: a dev account's name (its key is keccak256(name)).
    #[arg(long, conflicts_with = "key")]
    from: Option<String>,
    /// The sender's private key, 0x hex.
    #[arg(long)]
    key: Option<String>,
}

impl Sender {
    /// The sender's name, when it was given by name.
    fn name(&self) -> String {
        self.from.clone().unwrap_or_default()
    }

    fn key(&self) -> anyhow::Result<SigningKey> {
        match (&self.from, &self.key) {
            (Some(name), None) => Ok(named_signing_key(name)),
            (None, Some(hex)) => {
                let bytes = alloy_primitives::hex::decode(hex).context("--key is not hex")?;
                SigningKey::from_slice(&bytes).context("--key is not a secp256k1 private key")
            }
            _ => anyhow::bail!("say who sends the call: --from NAME or --key 0x..."),
        }
    }
}

#[derive(Debug, Args)]
pub(crate) struct CallArgs {
    /// The node.
    #[arg(long, env = "RAMPART_NODE", default_value = "http://127.0.0.1:8545")]
    node: String,
    #[command(flatten)]
    sender: Sender,
    /// Use this nonce instead of asking the node for the next one.
    #[arg(long)]
    nonce: Option<u64>,
    /// Print the signed request body (for curl) instead of sending it.
    #[arg(long)]
    sign_only: bool,
    #[command(flatten)]
    output: Output,
    /// `protocol.function`, e.g. eigenlayer.deposit_into_strategy.
    call: String,
    /// The arguments as JSON, as in scenario files.
    #[arg(default_value = "{}")]
    args: String,
}

pub(crate) fn call(args: &CallArgs) -> anyhow::Result<ExitCode> {
    let call_args: Value =
        serde_json::from_str(&args.args).context("the arguments are not JSON")?;
    let key = args.sender.key()?;
    let client = Client::new(&args.node);
    let chain_id = if args.sign_only && args.nonce.is_some() {
        DEV_CHAIN_ID
    } else {
        client.health()?.chain_id
    };
    let from = Address::from_private_key(&key);
    let nonce = match args.nonce {
        Some(nonce) => nonce,
        None => client.nonce(from)?,
    };
    if args.sign_only {
        let signed = sign(
            &key,
            &Payload { chain_id, from, nonce, call: args.call.clone(), args: call_args },
        );
        println!("{}", serde_json::to_string(&signed)?);
        return Ok(ExitCode::SUCCESS);
    }
    match client.submit(&key, chain_id, Some(nonce), &args.call, call_args) {
        Ok(receipt) if args.output.json => {
            println!("{}", serde_json::to_string_pretty(&receipt)?);
            Ok(ExitCode::SUCCESS)
        }
        Ok(receipt) => {
            let names = args.output.names(&[&args.sender.name(), &args.args]);
            println!(
                "accepted: {} by {}, log entry {}, block {}",
                receipt.call,
                crate::human::rename_in_text(&receipt.sender, &names),
                receipt.seq,
                receipt.block
            );
            for event in &receipt.events {
                println!("  {}", args.output.event(event, &names));
            }
            if let Some(more) = &receipt.more_events {
                let shown = receipt.events.len();
                println!(
                    "  ... {} more events: rampart events --from {} ({more})",
                    receipt.events_total.saturating_sub(shown as u64),
                    receipt.seq
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(error @ rampart_node::ClientError::Api { .. }) => {
            eprintln!("rejected: {error}");
            Ok(ExitCode::FAILURE)
        }
        // No answer is not a refusal: the call may have been applied.
        Err(error) => {
            eprintln!("{error}; the call may have been accepted: check `rampart events`");
            Ok(ExitCode::FAILURE)
        }
    }
}

#[derive(Debug, Args)]
pub(crate) struct ViewArgs {
    /// The node.
    #[arg(long, env = "RAMPART_NODE", default_value = "http://127.0.0.1:8545")]
    node: String,
    /// `protocol.function`, e.g. eigenlayer.get_withdrawable_shares.
    view: String,
    /// The arguments as JSON.
    #[arg(default_value = "{}")]
    args: String,
}

pub(crate) fn view(args: &ViewArgs) -> anyhow::Result<ExitCode> {
    let view_args: Value =
        serde_json::from_str(&args.args).context("the arguments are not JSON")?;
    match Client::new(&args.node).view(&args.view, view_args) {
        Ok(response) => {
            println!("{}", serde_json::to_string_pretty(&response.value)?);
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            eprintln!("{error}");
            Ok(ExitCode::FAILURE)
        }
    }
}

#[derive(Debug, Args)]
pub(crate) struct EventsArgs {
    /// The node.
    #[arg(long, env = "RAMPART_NODE", default_value = "http://127.0.0.1:8545")]
    node: String,
    /// First log position.
    #[arg(long, default_value_t = 0)]
    from: u64,
    /// Only events with this name.
    #[arg(long)]
    event: Option<String>,
    /// Only events mentioning this account (name or 0x address).
    #[arg(long)]
    address: Option<String>,
    /// Keep watching for new events.
    #[arg(long, short)]
    follow: bool,
    #[command(flatten)]
    output: Output,
}

/// How `call` and `events` print: like `rampart run` (names, ether) or as the node's JSON.
#[derive(Debug, Args)]
pub(crate) struct Output {
    /// Print the node's JSON as it is (one object per line for `events`).
    #[arg(long)]
    json: bool,
    /// Print amounts as the exact integers (wei, WAD) instead of in ether and percent.
    #[arg(long)]
    wei: bool,
}

impl Output {
    /// The names a person used: the dev accounts, the default tokens and strategies, and every
    /// word in `texts` (the sender, the arguments).
    fn names(&self, texts: &[&str]) -> NameBook {
        let mut names = NameBook::new();
        for name in rampart_node::DEV_ACCOUNTS {
            names.learn(name);
        }
        for text in texts {
            match serde_json::from_str::<Value>(text) {
                Ok(value) => names.learn_from(&value),
                Err(_) => names.learn(text),
            }
        }
        names
    }

    /// `entry.index  block B  Event(...)` for an event of the log.
    fn logged_event(&self, event: &Value, names: &NameBook) -> String {
        let mut shown = event.clone();
        let position = shown.as_object_mut().map(|object| {
            let field = |object: &mut serde_json::Map<String, Value>, key| {
                object.remove(key).map(|v| v.to_string()).unwrap_or_default()
            };
            (field(object, "seq"), field(object, "index"), field(object, "block"))
        });
        let (seq, index, block) = position.unwrap_or_default();
        format!("{seq:>6}.{index:<4} block {block:<8} {}", self.event(&shown, names))
    }

    fn event(&self, event: &Value, names: &NameBook) -> String {
        let units = if self.wei { Units::Wei } else { Units::Readable };
        describe_event(&names.rename(event), units)
    }
}

pub(crate) fn events(args: &EventsArgs) -> anyhow::Result<ExitCode> {
    let client = Client::new(&args.node);
    let address =
        args.address.as_deref().map(|a| parse_hex_address(a).unwrap_or_else(|| named_address(a)));
    let names = args.output.names(&[args.address.as_deref().unwrap_or_default()]);
    // The cursor is (entry, event within it): one entry's events can span pages.
    let mut cursor = (args.from, 0);
    loop {
        let page = client.events_at(cursor, 1000, args.event.as_deref(), address)?;
        for event in &page.events {
            if args.output.json {
                println!("{}", serde_json::to_string(event)?);
            } else {
                println!("{}", args.output.logged_event(event, &names));
            }
        }
        let next = (page.next, page.next_index);
        let caught_up = next == cursor;
        cursor = next;
        if caught_up {
            if !args.follow {
                return Ok(ExitCode::SUCCESS);
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }
}

#[derive(Debug, Args)]
pub(crate) struct LoadArgs {
    /// The node (started with --dev).
    #[arg(long, env = "RAMPART_NODE", default_value = "http://127.0.0.1:8545")]
    node: String,
    /// Signed calls to send.
    #[arg(long, default_value_t = 50_000)]
    calls: u64,
    /// Concurrent clients (each a dev account sending token transfers).
    #[arg(long, default_value_t = 64)]
    concurrency: u64,
    /// Target calls per second in all (0: as fast as the node goes).
    #[arg(long, default_value_t = 0)]
    rate: u64,
    /// Calls per request: 1 posts each to /v1/calls, more posts batches to /v1/calls/batch.
    #[arg(long, default_value_t = 1)]
    batch: usize,
    /// Instead of transfers, build this network file's graph as an EigenLayer world
    /// (`scenarios/networks/eigenlayer_mainnet.toml`: 40 services, 360 operators).
    #[arg(long, value_name = "FILE")]
    network: Option<PathBuf>,
}

/// Sends signed transfers from many accounts and reports throughput and latency.
pub(crate) fn load(args: &LoadArgs) -> anyhow::Result<ExitCode> {
    if let Some(network) = &args.network {
        return crate::network_world::load_network(&args.node, network);
    }
    let client = Client::new(&args.node);
    let chain_id = client.health()?.chain_id;
    // Each client is its own account so nonces never collide; the admin funds them first.
    let admin = named_signing_key(ADMIN_NAME);
    let senders: Vec<String> = (0..args.concurrency).map(|i| format!("load{i}")).collect();
    for name in &senders {
        let args = json!({ "to": name, "token": "ETH", "amount": "1000 ether" });
        client.submit(&admin, chain_id, None, "token.mint", args)?;
    }
    let per_client = args.calls / args.concurrency.max(1);
    let batch = args.batch.clamp(1, rampart_node::server::MAX_BATCH_CALLS);
    let interval = (args.rate > 0).then(|| {
        Duration::from_secs_f64(args.concurrency as f64 * batch as f64 / args.rate as f64)
    });
    let latencies =
        Arc::new(Mutex::new(Vec::with_capacity(usize::try_from(args.calls).unwrap_or(0))));
    let start_line = Arc::new(std::sync::Barrier::new(senders.len() + 1));
    let clients = senders.len();
    let threads: Vec<_> = senders
        .into_iter()
        .enumerate()
        .map(|(client_index, name)| {
            let client = Client::new(&args.node);
            let latencies = Arc::clone(&latencies);
            let start_line = Arc::clone(&start_line);
            std::thread::spawn(move || -> anyhow::Result<()> {
                let key = named_signing_key(&name);
                let from = Address::from_private_key(&key);
                let first = client.nonce(from)?;
                // Sign everything first: the node's throughput is measured, not the client's.
                let bodies: Vec<Value> = (0..per_client)
                    .map(|i| {
                        let call = "token.transfer".to_owned();
                        let args = json!({ "to": "alice", "token": "ETH", "amount": "1" });
                        let payload = Payload { chain_id, from, nonce: first + i, call, args };
                        serde_json::to_value(sign(&key, &payload)).expect("serializes")
                    })
                    .collect();
                start_line.wait();
                let mut own = Vec::with_capacity(bodies.len());
                let begin = Instant::now();
                for (i, chunk) in bodies.chunks(batch).enumerate() {
                    if let Some(interval) = interval {
                        // Clients are spread evenly over the interval, not fired together.
                        let phase = interval.mul_f64(client_index as f64 / clients as f64);
                        let due = begin + phase + interval * u32::try_from(i).unwrap_or(u32::MAX);
                        if let Some(wait) = due.checked_duration_since(Instant::now()) {
                            std::thread::sleep(wait);
                        }
                    }
                    let sent = Instant::now();
                    if let [single] = chunk {
                        client.submit_signed(single)?;
                    } else {
                        let results = client.submit_batch(chunk)?;
                        if let Some(rampart_node::server::BatchResult::Error(error)) = results
                            .iter()
                            .find(|r| matches!(r, rampart_node::server::BatchResult::Error(_)))
                        {
                            anyhow::bail!(
                                "a batched call was refused: {} {}",
                                error.code,
                                error.message
                            );
                        }
                    }
                    // Every call of a request waited as long as the request.
                    own.extend(std::iter::repeat_n(sent.elapsed(), chunk.len()));
                }
                latencies.lock().expect("not poisoned").extend(own);
                Ok(())
            })
        })
        .collect();
    start_line.wait();
    let started = Instant::now();
    for thread in threads {
        thread.join().map_err(|_| anyhow::anyhow!("a load thread panicked"))??;
    }
    let elapsed = started.elapsed();
    let mut latencies = latencies.lock().expect("not poisoned").clone();
    latencies.sort();
    let total = latencies.len();
    let at = |per_mille: usize| latencies[(total * per_mille / 1000).min(total.saturating_sub(1))];
    println!(
        "{total} signed calls acknowledged durably in {:.2} s: {:.0} calls/s; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64(),
        at(500).as_secs_f64() * 1e3,
        at(990).as_secs_f64() * 1e3,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
    Ok(ExitCode::SUCCESS)
}
