//! A newcomer starts the node, submits a signed call, sees it in the event stream, restarts
//! the node and finds everything there.

use std::time::Duration;

use futures_util::StreamExt;
use rampart_engine::accounts::{ADMIN_NAME, named_signing_key};
use serde_json::json;

use crate::{client, start_node};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_calls_are_streamed_and_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path()).await;
    assert!(node.recovery.created, "{}", node.recovery);
    assert_eq!(node.recovery.entries, 40, "the genesis mints");
    let url = format!("http://{}", node.listen);

    // Subscribe to the live stream first.
    let mut stream = reqwest_like_sse(&url).await;

    let api = client(&node);
    let (receipt, hash_before) = tokio::task::spawn_blocking(move || {
        let alice = named_signing_key("alice");
        let deposit = json!({ "strategy": "stETH", "token": "stETH", "amount": "5 ether" });
        let receipt =
            api.submit(&alice, 31_337, None, "eigenlayer.deposit_into_strategy", deposit).unwrap();
        api.submit(
            &named_signing_key(ADMIN_NAME),
            31_337,
            None,
            "node.advance_blocks",
            json!({ "blocks": 12 }),
        )
        .unwrap();
        (receipt, api.health().unwrap().state_hash)
    })
    .await
    .unwrap();
    assert_eq!(receipt.events[0]["event"], "Deposit");
    assert_eq!(receipt.events[0]["shares"], "5000000000000000000");

    // The stream delivers the entry with its events.
    let entry = tokio::time::timeout(Duration::from_secs(5), next_entry(&mut stream))
        .await
        .expect("streamed in time");
    assert_eq!(entry["seq"], receipt.seq);
    assert_eq!(entry["events"][0]["event"], "Deposit");

    node.stop().await.unwrap();

    // Restart on the same data: the deposit, the clock and the nonces are all there, and the
    // recovered state equals a replay of the whole log.
    let node = start_node(dir.path()).await;
    // And it says where it found its state: 42 entries, the snapshot taken every 7 of them.
    let recovery = &node.recovery;
    assert!(!recovery.created);
    assert_eq!((recovery.entries, recovery.snapshot, recovery.replayed), (42, Some(42), 0));
    assert!(recovery.verified);
    let said = recovery.to_string();
    assert!(said.starts_with("recovered 42 log entries from "), "{said}");
    assert!(said.contains("snapshot at entry 42"), "{said}");
    let api = client(&node);
    tokio::task::spawn_blocking(move || {
        let health = api.health().unwrap();
        assert!(health.verified);
        assert_eq!(health.state_hash, hash_before);
        assert_eq!(health.recovered_state_hash, hash_before);
        assert_eq!(health.block, 12);
        let view = api
            .view(
                "eigenlayer.get_withdrawable_shares",
                json!({ "staker": "alice", "strategies": ["stETH"] }),
            )
            .unwrap();
        assert_eq!(view.value["withdrawable_shares"][0], "5000000000000000000");
        let alice = named_signing_key("alice");
        assert_eq!(api.nonce(alloy_primitives::Address::from_private_key(&alice)).unwrap(), 1);
        let page = api.events(0, 1000, Some("Deposit"), None).unwrap();
        assert_eq!(page.events.len(), 1);
        // Past events can be replayed through the stream too; metrics and docs are served.
        let (status, metrics) = api.get_text("/metrics").unwrap();
        assert_eq!(status, 200);
        assert!(metrics.contains("rampart_log_entries"));
        let (status, openapi) = api.get_text("/openapi.json").unwrap();
        assert_eq!(status, 200);
        assert!(openapi.contains("/v1/calls/batch"));
        let (status, _) = api.get_text("/docs/").unwrap();
        assert_eq!(status, 200);
    })
    .await
    .unwrap();
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stream_replays_from_a_past_position_without_gaps() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path()).await;
    let api = client(&node);
    tokio::task::spawn_blocking(move || {
        let bob = named_signing_key("bob");
        for _ in 0..3 {
            api.submit(
                &bob,
                31_337,
                None,
                "token.transfer",
                json!({ "to": "carol", "token": "ETH", "amount": "1" }),
            )
            .unwrap();
        }
    })
    .await
    .unwrap();
    let url = format!("http://{}/v1/events/stream?from=0", node.listen);
    let mut stream = sse_stream(&url).await;
    let mut seqs = Vec::new();
    while seqs.len() < 43 {
        let entry = tokio::time::timeout(Duration::from_secs(5), next_entry(&mut stream))
            .await
            .expect("in time");
        seqs.push(entry["seq"].as_u64().unwrap());
    }
    assert_eq!(seqs, (0..43).collect::<Vec<_>>(), "40 genesis mints and 3 transfers, in order");
    node.stop().await.unwrap();
}

type Lines = std::pin::Pin<Box<dyn futures_util::Stream<Item = String> + Send>>;

async fn reqwest_like_sse(base: &str) -> Lines {
    sse_stream(&format!("{base}/v1/events/stream")).await
}

/// A minimal SSE reader over a raw TCP connection: yields the `data:` lines.
async fn sse_stream(url: &str) -> Lines {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut socket = tokio::net::TcpStream::connect(host).await.unwrap();
    let request =
        format!("GET /{path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n");
    socket.write_all(request.as_bytes()).await.unwrap();
    let lines = tokio_stream::wrappers::LinesStream::new(BufReader::new(socket).lines());
    Box::pin(lines.filter_map(|line| async move {
        line.ok()?.strip_prefix("data:").map(|d| d.trim().to_owned())
    }))
}

async fn next_entry(stream: &mut Lines) -> serde_json::Value {
    let data = stream.next().await.expect("the stream stays open");
    serde_json::from_str(&data).expect("entries are JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_snapshot_is_set_aside_and_the_log_replayed() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path()).await;
    let api = client(&node);
    let hash = tokio::task::spawn_blocking(move || {
        let carol = named_signing_key("carol");
        for _ in 0..3 {
            let args = json!({ "to": "dave", "token": "ETH", "amount": "1" });
            api.submit(&carol, 31_337, None, "token.transfer", args).unwrap();
        }
        api.health().unwrap().state_hash
    })
    .await
    .unwrap();
    node.stop().await.unwrap();
    {
        let store = rampart_store::Store::open(&dir.path().join("rampart.redb")).unwrap();
        let next = store.next_seq().unwrap();
        store.write_snapshot(next, b"not a snapshot").unwrap();
    }
    let node = start_node(dir.path()).await;
    let api = client(&node);
    let health = tokio::task::spawn_blocking(move || api.health().unwrap()).await.unwrap();
    assert_eq!(health.state_hash, hash, "the log alone rebuilt the same state");
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stream_filters_by_event_and_address() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path()).await;
    let api = client(&node);
    tokio::task::spawn_blocking(move || {
        let erin = named_signing_key("erin");
        api.submit(
            &erin,
            31_337,
            None,
            "token.transfer",
            json!({ "to": "frank", "token": "ETH", "amount": "1" }),
        )
        .unwrap();
        let deposit = json!({ "strategy": "rETH", "token": "rETH", "amount": "2 ether" });
        api.submit(&erin, 31_337, None, "eigenlayer.deposit_into_strategy", deposit).unwrap();
        let (status, text) = api.get_text("/v1/events/stream?address=0x1234").unwrap();
        assert_eq!(status, 400, "{text}");
    })
    .await
    .unwrap();
    let url = format!("http://{}/v1/events/stream?from=0&event=Deposit", node.listen);
    let mut stream = sse_stream(&url).await;
    let entry = tokio::time::timeout(Duration::from_secs(5), next_entry(&mut stream))
        .await
        .expect("in time");
    assert_eq!(entry["call"], "eigenlayer.deposit_into_strategy");
    assert_eq!(entry["events"].as_array().unwrap().len(), 1, "only the Deposit event is kept");
    node.stop().await.unwrap();
}

/// A data directory written by a build of another state format is refused by name before any
/// replay (it would otherwise fail as "not deterministic"); a new one records this build's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_data_directory_of_another_state_format_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path()).await;
    node.stop().await.unwrap();
    let path = dir.path().join("rampart.redb");
    {
        let store = rampart_store::Store::open(&path).unwrap();
        let recorded = store.meta("state_format").unwrap();
        assert_eq!(recorded, Some(rampart_node::STATE_FORMAT.to_string().into_bytes()));
        // What a build from before formats were recorded leaves: a log, no format.
        store.set_meta("state_format", b"1").unwrap();
    }
    let refused = rampart_node::start(crate::dev_config(dir.path())).await.unwrap_err();
    let message = refused.to_string();
    assert!(message.contains("state format 1"), "{message}");
    assert!(message.contains("new --data-dir"), "{message}");
    // Back to this build's format: it starts again, with the same log.
    {
        let store = rampart_store::Store::open(&path).unwrap();
        store.set_meta("state_format", rampart_node::STATE_FORMAT.to_string().as_bytes()).unwrap();
    }
    let node = start_node(dir.path()).await;
    node.stop().await.unwrap();
}
