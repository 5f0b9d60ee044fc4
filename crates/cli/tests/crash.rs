//! Crash test: kill -9 the node at random moments under load, then restart it on the same data.
//!
//! Goal: no acknowledged call is ever lost or changed, and the recovered state equals a replay
//! of the log. Method: eight clients send signed transfers one at a time, each of an amount
//! that names its sender and nonce, and keep the receipts the node acknowledged; the node is
//! killed with SIGKILL after a random delay; on restart each client's account must have at
//! least as many calls applied as were acknowledged (nonces only move with accepted, logged
//! calls), the log entry at each acknowledged receipt's position must hold exactly the events
//! the receipt reported (that transfer, that amount, from that sender), and the node must
//! report that its state rebuilt from the snapshot and the log equals a replay of the whole
//! log from genesis. The test suite runs a
//! short form; `RAMPART_CRASH_ITERATIONS=100 cargo test -p rampart-cli --release --test crash`
//! runs the full one.

use std::{
    collections::BTreeMap,
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use alloy_primitives::Address;
use rampart_engine::{
    accounts::{named_address, named_signing_key},
    workload::SplitMix64,
};
use rampart_node::{Client, DEV_ACCOUNTS};
use serde_json::{Value, json};

/// An acknowledged call: where its receipt said it is, and what it said it did.
#[derive(Debug, Clone)]
struct Acknowledged {
    seq: u64,
    sender: Address,
    amount: u64,
    events: Vec<Value>,
}

/// A transfer amount (in wei) that no other call of the test uses: it names sender and nonce.
fn amount_of(account_index: usize, nonce: u64) -> u64 {
    nonce * 64 + account_index as u64 + 1
}

/// Every event in the log by entry, shaped as receipts show them (without position fields).
fn logged_events(client: &Client) -> BTreeMap<u64, Vec<Value>> {
    let mut by_entry: BTreeMap<u64, Vec<Value>> = BTreeMap::new();
    let mut cursor = (0, 0);
    loop {
        let page = client.events_at(cursor, 1000, None, None).expect("events are served");
        for mut event in page.events {
            let seq = event["seq"].as_u64().unwrap();
            let object = event.as_object_mut().unwrap();
            for key in ["seq", "block", "index"] {
                object.remove(key);
            }
            by_entry.entry(seq).or_default().push(event);
        }
        if (page.next, page.next_index) == cursor {
            return by_entry;
        }
        cursor = (page.next, page.next_index);
    }
}

/// Each acknowledged call's entry is in the log, with the events its receipt reported, and
/// those are the transfer that was signed: its sender, its amount.
fn check_contents(client: &Client, acknowledged: &[Acknowledged], iteration: u64) {
    let logged = logged_events(client);
    for call in acknowledged {
        let events = logged.get(&call.seq).unwrap_or_else(|| {
            panic!("iteration {iteration}: entry {} of an acknowledged call is gone", call.seq)
        });
        assert_eq!(
            *events, call.events,
            "iteration {iteration}: entry {} differs from its receipt",
            call.seq
        );
        let transfer = &events[0];
        assert_eq!(transfer["event"], "Transfer");
        assert_eq!(transfer["from"], call.sender.to_checksum(None));
        assert_eq!(transfer["value"], call.amount.to_string());
    }
}

fn start(data_dir: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args([
            "node",
            "--dev",
            "--block-time",
            "0",
            "--snapshot-every",
            "50",
            "--listen",
            "127.0.0.1:0",
        ])
        .arg("--data-dir")
        .arg(data_dir)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("the node starts");
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let deadline = Instant::now() + Duration::from_secs(60);
    let url = loop {
        assert!(Instant::now() < deadline, "the node did not start listening");
        let line = lines.next().expect("the node prints where it listens").unwrap();
        if let Some(rest) = line.strip_prefix("listening on ") {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    // Keep draining stderr so the node never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, url)
}

#[test]
fn acknowledged_calls_survive_kill_minus_nine() {
    let iterations: u64 =
        std::env::var("RAMPART_CRASH_ITERATIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
    let dir = tempfile::tempdir().unwrap();
    let mut rng = SplitMix64::new(0xC0FFEE);
    let accounts: Vec<&str> = DEV_ACCOUNTS.to_vec();
    let acknowledged: Arc<Vec<AtomicU64>> =
        Arc::new(accounts.iter().map(|_| AtomicU64::new(0)).collect());
    let receipts: Arc<Mutex<Vec<Acknowledged>>> = Arc::new(Mutex::new(Vec::new()));
    let mut total_acknowledged = 0;
    for iteration in 0..iterations {
        let (mut child, url) = start(dir.path());
        let client = Client::new(&url);
        let health = client.health().expect("healthy after restart");
        assert!(
            health.verified,
            "iteration {iteration}: the start did not verify against a replay"
        );
        assert_eq!(health.state_hash, health.recovered_state_hash);
        for (index, name) in accounts.iter().enumerate() {
            let applied = client.nonce(named_address(name)).unwrap();
            let acked = acknowledged[index].load(Ordering::SeqCst);
            assert!(
                applied >= acked,
                "iteration {iteration}: {name} had {acked} acknowledged calls but only {applied} survived"
            );
            // Unacknowledged calls that made it to the log count too: continue from there.
            acknowledged[index].store(applied, Ordering::SeqCst);
        }
        check_contents(&client, &receipts.lock().unwrap(), iteration);
        total_acknowledged = acknowledged.iter().map(|a| a.load(Ordering::SeqCst)).sum::<u64>();

        let stop = Arc::new(AtomicBool::new(false));
        let clients: Vec<_> = accounts
            .iter()
            .enumerate()
            .map(|(index, name)| {
                let (url, stop, acknowledged) = (url.clone(), Arc::clone(&stop), Arc::clone(&acknowledged));
                let receipts = Arc::clone(&receipts);
                let key = named_signing_key(name);
                std::thread::spawn(move || {
                    let client = Client::new(&url);
                    let from = Address::from_private_key(&key);
                    let mut nonce = acknowledged[index].load(Ordering::SeqCst);
                    while !stop.load(Ordering::SeqCst) {
                        let amount = amount_of(index, nonce);
                        let args = json!({ "to": "0x000000000000000000000000000000000000dEaD", "token": "ETH", "amount": amount.to_string() });
                        match client.submit(&key, 31_337, Some(nonce), "token.transfer", args) {
                            Ok(receipt) => {
                                nonce += 1;
                                acknowledged[index].store(nonce, Ordering::SeqCst);
                                let call = Acknowledged { seq: receipt.seq, sender: from, amount, events: receipt.events };
                                receipts.lock().unwrap().push(call);
                            }
                            Err(_) => return,
                        }
                    }
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(50 + rng.below(400)));
        child.kill().expect("SIGKILL");
        child.wait().unwrap();
        stop.store(true, Ordering::SeqCst);
        for client in clients {
            client.join().unwrap();
        }
    }
    // One last start checks the final round.
    let (mut child, url) = start(dir.path());
    let client = Client::new(&url);
    assert!(client.health().unwrap().verified);
    for (index, name) in accounts.iter().enumerate() {
        assert!(
            client.nonce(named_address(name)).unwrap()
                >= acknowledged[index].load(Ordering::SeqCst)
        );
    }
    let receipts = receipts.lock().unwrap();
    check_contents(&client, &receipts, iterations);
    assert!(!receipts.is_empty() || iterations == 0, "some calls were acknowledged");
    let entries = client.health().unwrap().entries;
    child.kill().unwrap();
    child.wait().unwrap();
    eprintln!(
        "{iterations} kills, {total_acknowledged} calls acknowledged before the last round, {entries} log entries"
    );
    assert!(total_acknowledged > 0 || iterations == 0, "the load got calls through");
}
