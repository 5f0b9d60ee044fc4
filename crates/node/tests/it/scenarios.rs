//! `rampart run FILE --node URL`: a shipped scenario runs on an empty node as it runs on a fresh
//! world, and a node that cannot fit it is refused before anything is sent.

use std::path::Path;

use rampart_engine::{
    accounts::{ADMIN_NAME, named_address},
    eigenlayer::Params,
};
use rampart_node::{Genesis, NodeConfig, NodeHandle, remote::RemoteBackend};
use rampart_scenario::{Scenario, parse_file, run_on};

pub(crate) fn shipped(relative: &str) -> Scenario {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    parse_file(&root.join(relative)).expect("a shipped scenario parses")
}

pub(crate) async fn start(dir: &Path, genesis: Genesis) -> NodeHandle {
    let config = NodeConfig {
        data_dir: dir.to_owned(),
        listen: "127.0.0.1:0".parse().unwrap(),
        genesis,
        snapshot_every: 1_000,
        verify_on_start: true,
        limits: rampart_node::ServerLimits::default(),
        sim_outputs: Vec::new(),
    };
    rampart_node::start(config).await.expect("the node starts")
}

pub(crate) fn empty(params: Params) -> Genesis {
    Genesis::empty(named_address(ADMIN_NAME), params, 31_337, 0)
}

/// Checks that `scenario` fits the node at `url`, then runs it; the note, or why not.
pub(crate) async fn run(url: String, scenario: Scenario) -> Result<Option<String>, String> {
    tokio::task::spawn_blocking(move || {
        let mut backend = RemoteBackend::connect(&url).map_err(|e| e.to_string())?;
        let note = backend.check_fits(&scenario)?;
        run_on(&scenario, backend).map_err(|failure| failure.to_string())?;
        Ok(note)
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_scenario_runs_on_an_empty_node_and_a_node_that_cannot_fit_it_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let node = start(dir.path(), empty(Params::TESTNET)).await;
    let url = format!("http://{}", node.listen);
    let scenario = shipped("scenarios/03_slash_during_withdrawal_delay.toml");
    assert_eq!(run(url.clone(), scenario.clone()).await, Ok(None), "an empty node fits");
    // Again on the same node: its clock is past the scenario's first block.
    let refused = run(url.clone(), scenario).await.unwrap_err();
    assert!(refused.contains("already at block"), "{refused}");
    // The parameters are checked first: this scenario runs mainnet's.
    let warped = shipped("scenarios/symbiotic/one_second_epochs_with_warp.toml");
    let refused = run(url, warped.clone()).await.unwrap_err();
    assert!(refused.contains("needs mainnet EigenLayer parameters"), "{refused}");
    node.stop().await.unwrap();

    let dir = tempfile::tempdir().unwrap();
    let node = start(dir.path(), empty(Params::MAINNET)).await;
    let url = format!("http://{}", node.listen);
    // Warp and roll become the admin's node.warp and node.roll.
    assert_eq!(run(url.clone(), warped).await, Ok(None), "warp and roll run on a node");
    let refused = run(url, shipped("scenarios/02_risk_isolation.toml")).await.unwrap_err();
    assert!(refused.contains("needs testnet EigenLayer parameters"), "{refused}");
    assert!(refused.contains("--params testnet"), "{refused}");
    node.stop().await.unwrap();

    // A dev node's funding is state the scenario does not know about: it runs, with a note.
    let dir = tempfile::tempdir().unwrap();
    let node = start(dir.path(), Genesis::dev(Params::TESTNET, 31_337, 0)).await;
    let url = format!("http://{}", node.listen);
    let note = run(url, shipped("scenarios/04_deallocation_timing.toml")).await;
    let note = note.expect("the scenario checks no dev account's balance").expect("a note");
    assert!(note.contains("log entries"), "{note}");
    node.stop().await.unwrap();
}
