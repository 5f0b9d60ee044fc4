//! Every scenario shipped in `scenarios/` (teaching examples and worked examples) passes, and
//! running one twice gives the same state hash.

use std::path::{Path, PathBuf};

use rampart_scenario::{parse_file, run};

fn scenario_dir(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(relative)
}

fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    files
}

fn run_all(relative: &str, at_least: usize) {
    let files = toml_files(&scenario_dir(relative));
    assert!(files.len() >= at_least, "expected at least {at_least} scenarios in {relative}");
    for file in files {
        let scenario = parse_file(&file).unwrap_or_else(|e| panic!("{e}"));
        let report = run(&scenario).unwrap_or_else(|failure| panic!("{failure}"));
        assert!(report.checks() > 0, "{} checks nothing", file.display());
        let again = run(&scenario).unwrap_or_else(|failure| panic!("{failure}"));
        assert_eq!(
            report.state_hash(),
            again.state_hash(),
            "{} is not deterministic",
            file.display()
        );
    }
}

#[test]
fn teaching_scenarios_pass() {
    run_all("scenarios", 6);
}

#[test]
fn babylon_scenarios_pass() {
    run_all("scenarios/babylon", 5);
}

#[test]
fn beacon_scenarios_pass() {
    run_all("scenarios/beacon", 2);
}

#[test]
fn eigenpod_scenarios_pass() {
    run_all("scenarios/eigenpods", 1);
}

#[test]
fn rewards_scenarios_pass() {
    run_all("scenarios/rewards", 2);
}

#[test]
fn eigenlayer_worked_examples_reproduce() {
    run_all("scenarios/eigenlayer_worked_examples", 12);
}

#[test]
fn symbiotic_scenarios_pass() {
    run_all("scenarios/symbiotic", 7);
}

#[test]
fn karak_scenarios_pass() {
    run_all("scenarios/karak", 5);
}

#[test]
fn jito_scenarios_pass() {
    run_all("scenarios/jito", 6);
}

#[test]
fn cross_protocol_scenarios_pass() {
    run_all("scenarios/cross_protocol", 2);
}

#[test]
fn lrt_scenarios_pass() {
    run_all("scenarios/lrt", 9);
}

#[test]
fn lido_scenarios_pass() {
    run_all("scenarios/lido", 1);
}
