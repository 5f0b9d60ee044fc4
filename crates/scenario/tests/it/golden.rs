//! Golden state hashes: a few shipped scenarios, one per protocol, must end in the state hash
//! recorded in `tests/golden_state_hashes.txt`. A change of the state's encoding (a renamed
//! field, a new map order) or of a protocol's arithmetic shows up here as a changed hash, on
//! purpose: durable logs and snapshots written by an older build replay to these hashes.
//!
//! When a change is meant, record the new hashes and say why in the commit:
//! `RAMPART_UPDATE_GOLDEN=1 cargo test -p rampart-scenario --test it golden`.

use std::path::{Path, PathBuf};

use rampart_scenario::{parse_file, run};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden_state_hashes.txt")
}

/// One scenario per protocol module, plus the cross-protocol one.
const SCENARIOS: &[&str] = &[
    "scenarios/01_deposit_and_delegate.toml",
    "scenarios/02_risk_isolation.toml",
    "scenarios/eigenlayer_worked_examples/enumerable_storage_order.toml",
    "scenarios/eigenpods/01_pod_checkpoints_and_a_beacon_slashing.toml",
    "scenarios/beacon/03_missed_duties_and_the_inactivity_leak.toml",
    "scenarios/babylon/02_early_unbonding.toml",
    "scenarios/symbiotic/one_second_epochs_with_warp.toml",
    "scenarios/karak/storage_order_and_pending_slashings.toml",
    "scenarios/lrt/01_renzo_restake_slash_withdraw.toml",
    "scenarios/jito/01_full_withdrawal_cycle.toml",
    "scenarios/lido/01_submit_request_finalize_claim.toml",
];

fn hashes_now() -> Vec<(String, String)> {
    SCENARIOS
        .iter()
        .map(|relative| {
            let scenario = parse_file(&repo().join(relative)).unwrap_or_else(|e| panic!("{e}"));
            let report = run(&scenario).unwrap_or_else(|failure| panic!("{failure}"));
            ((*relative).to_owned(), report.state_hash().to_string())
        })
        .collect()
}

#[test]
fn golden_state_hashes_are_unchanged() {
    let now = hashes_now();
    if std::env::var_os("RAMPART_UPDATE_GOLDEN").is_some() {
        let text: String = now.iter().map(|(path, hash)| format!("{path} {hash}\n")).collect();
        std::fs::write(fixture(), text).expect("the fixture is writable");
        return;
    }
    let recorded = std::fs::read_to_string(fixture()).expect("tests/golden_state_hashes.txt");
    let recorded: Vec<(String, String)> = recorded
        .lines()
        .filter_map(|line| line.split_once(' '))
        .map(|(path, hash)| (path.to_owned(), hash.to_owned()))
        .collect();
    for (path, hash) in &now {
        let expected = recorded.iter().find(|(p, _)| p == path).map(|(_, h)| h.as_str());
        assert_eq!(
            expected,
            Some(hash.as_str()),
            "{path} now ends in state {hash}: the state's encoding or a protocol's arithmetic \
             changed. If that is meant, run RAMPART_UPDATE_GOLDEN=1 cargo test -p \
             rampart-scenario --test it golden and say why in the commit"
        );
    }
}
