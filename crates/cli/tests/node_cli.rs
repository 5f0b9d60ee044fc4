//! `rampart node` and its clients as a user runs them: a node that cannot start says why once,
//! a node that starts says what it recovered, and a week of blocks on a busy beacon chain is
//! something `rampart call` and `rampart events` handle.

use std::{
    io::{BufRead, BufReader},
    path::Path,
    process::{Child, Command, Output, Stdio},
    time::{Duration, Instant},
};

use rampart_engine::accounts::named_signing_key;
use rampart_node::Client;
use serde_json::{Value, json};

fn rampart() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rampart"))
}

/// A dev node started by the binary; killed when dropped.
struct Node {
    child: Child,
    url: String,
    /// What it printed to stderr before it listened.
    said: Vec<String>,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(data_dir: &Path) -> Node {
    let mut child = rampart()
        .args(["node", "--dev", "--block-time", "0", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("the node starts");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut said = Vec::new();
    let url = loop {
        assert!(Instant::now() < deadline, "the node did not start listening: {said:?}");
        let line = lines.next().expect("the node prints where it listens").unwrap();
        if let Some(rest) = line.strip_prefix("listening on ") {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
        said.push(line);
    };
    // Keep draining stderr so the node never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Node { child, url, said }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_node_that_cannot_start_says_why_once_and_one_that_can_says_what_it_recovered() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let node = start(&data);
    assert!(node.said.iter().any(|l| l.starts_with("new data directory ")), "{:?}", node.said);
    let listen = node.url.strip_prefix("http://").unwrap().to_owned();

    // The same data directory, another port.
    let out = rampart()
        .args(["node", "--dev", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(&data)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let said = stderr(&out);
    assert_eq!(said.matches("in use by another rampart node").count(), 1, "{said}");
    assert!(!said.contains("dev accounts"), "no banner before the error: {said}");
    assert!(!said.contains("listening"), "{said}");

    // The same port, another data directory (which is not even created).
    let other = dir.path().join("other");
    let out = rampart()
        .args(["node", "--dev", "--listen", &listen, "--data-dir"])
        .arg(&other)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let said = stderr(&out);
    assert_eq!(said.matches(&format!("{listen} is in use")).count(), 1, "{said}");
    assert!(!said.contains("dev accounts"), "no banner before the error: {said}");
    assert!(!other.exists());

    drop(node);
    let node = start(&data);
    let recovered = node.said.iter().find(|l| l.starts_with("recovered ")).cloned();
    let recovered = recovered.unwrap_or_else(|| panic!("{:?}", node.said));
    assert!(recovered.contains("recovered 40 log entries from "), "{recovered}");
    assert!(recovered.contains(&data.display().to_string()), "{recovered}");
    assert!(recovered.contains("replayed"), "{recovered}");
}

#[test]
fn call_and_events_handle_a_week_of_blocks_with_dozens_of_validators() {
    let dir = tempfile::tempdir().unwrap();
    let node = start(dir.path());
    let api = Client::new(&node.url);
    let alice = named_signing_key("alice");
    for index in 0..36 {
        let deposit = json!({
            "pubkey": format!("validator-{index}"),
            "withdrawal_credentials": { "address": "alice", "compounding": false },
            "amount": "32 ether",
        });
        api.submit(&alice, 31_337, None, "beacon.deposit", deposit).unwrap();
    }
    let out = rampart()
        .args(["call", "--json", "--node", &node.url, "--from", "admin", "node.advance_blocks"])
        .arg(r#"{"blocks":100800}"#)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let receipt: Value = serde_json::from_slice(&out.stdout).unwrap();
    let total = receipt["events_total"].as_u64().unwrap();
    assert!(total > 100, "{receipt}");
    assert_eq!(receipt["events"].as_array().unwrap().len(), 100);
    assert!(receipt["more_events"].as_str().unwrap().starts_with("/v1/events?from="));

    let seq = receipt["seq"].as_u64().unwrap();
    let out = rampart()
        .args(["events", "--json", "--node", &node.url, "--from", &seq.to_string()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len() as u64, total, "every event of the entry, once");
    assert!(lines.iter().enumerate().all(|(i, e)| e["seq"] == seq && e["index"] == i));
}

/// `call` and `events` print as `rampart run` does: names for the accounts, tokens and
/// strategies a person knows, amounts in ether, exact integers with `--wei`.
#[test]
fn call_and_events_print_names_and_ether() {
    let dir = tempfile::tempdir().unwrap();
    let node = start(dir.path());
    let deposit = r#"{"strategy":"stETH","token":"stETH","amount":"5 ether"}"#;
    let out = rampart()
        .args(["call", "--node", &node.url, "--from", "alice", "eigenlayer.deposit_into_strategy"])
        .arg(deposit)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        printed.starts_with("accepted: eigenlayer.deposit_into_strategy by alice"),
        "{printed}"
    );
    assert!(
        printed.contains("Deposit(staker=alice, strategy=stETH strategy, shares=5 ether)"),
        "{printed}"
    );
    let out = rampart()
        .args(["events", "--node", &node.url, "--event", "Deposit", "--wei"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(printed.contains("shares=5000000000000000000)"), "{printed}");
    assert!(printed.contains("staker=alice"), "{printed}");
}
