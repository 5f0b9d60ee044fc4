//! The `rampart` binary as a user runs it.

use std::{path::Path, process::Command};

fn rampart() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rampart"))
}

fn repo(relative: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(relative).display().to_string()
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn version_and_help_are_available_everywhere() {
    let version = rampart().arg("--version").output().unwrap();
    assert!(version.status.success());
    assert!(String::from_utf8_lossy(&version.stdout).starts_with("rampart "));
    for args in [vec!["--help"], vec!["run", "--help"], vec!["bench", "--help"]] {
        let out = rampart().args(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("Usage"), "{args:?}");
    }
}

#[test]
fn run_prints_what_happened_and_exits_zero() {
    let out =
        rampart().args(["run", &repo("scenarios/01_deposit_and_delegate.toml")]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("OperatorSharesIncreased(operator=op1, staker=alice"), "{stdout}");
    assert!(stdout.contains("1 passed, 0 failed"), "{stdout}");
}

#[test]
fn run_takes_directories_and_prints_json() {
    let out = rampart().args(["run", "--json", &repo("scenarios")]).output().unwrap();
    assert!(out.status.success());
    let reports: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let reports = reports.as_array().unwrap();
    // Subdirectories too (every protocol's scenarios), network files passed over.
    assert!(reports.len() >= 50, "{} scenarios", reports.len());
    assert!(reports.iter().all(|r| r["ok"] == true));
    assert!(reports[0]["steps"].as_array().unwrap().iter().any(|s| s["events"].is_array()));
}

#[test]
fn a_failed_expectation_exits_one_and_names_the_step() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        &dir,
        "bad.toml",
        r#"name = "bad"

[[step]]
view = "token.total_supply"
args = { token = "stETH" }
expect = "1"
"#,
    );
    let out = rampart().args(["run", &file]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad.toml:3: step 1 (view token.total_supply)"), "{stderr}");
    assert!(stderr.contains("expected: \"1\""), "{stderr}");
    assert!(stderr.contains("actual:   \"0\""), "{stderr}");
}

#[test]
fn a_malformed_file_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        &dir,
        "broken.toml",
        "name = \"broken\"\n\n[[step]]\ncall = \"token.mint\"\nargs = { to = \"alice\" \n",
    );
    let out = rampart().args(["run", &file]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("broken.toml:5"), "{stderr}");
}

#[test]
fn missing_paths_are_an_error() {
    let out = rampart().args(["run", "/nonexistent/scenario.toml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
}

#[test]
fn bench_runs_at_a_small_size() {
    let out = rampart()
        .args([
            "bench",
            "--stakers",
            "2000",
            "--operators",
            "20",
            "--operator-sets",
            "10",
            "--calls",
            "5000",
            "--slash-stakers",
            "100,2000",
            "--slashes",
            "20",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("calls/s"), "{stdout}");
    assert!(stdout.contains("slash cost ratio"), "{stdout}");
    assert!(stdout.contains("bytes of world state per (staker, strategy) position"), "{stdout}");
}

#[test]
fn beacon_exit_wait_follows_the_churn_state_machine() {
    let out = rampart()
        .args(["beacon", "exit-wait", "--queue", "10000", "--amount", "2048", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let wait: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(wait["exit_epoch"], 400_052);
    assert_eq!(wait["withdrawable_epoch"], 400_308);
    let out = rampart().args(["beacon", "exit-wait", "--amount", "0"]).output().unwrap();
    assert!(!out.status.success(), "a zero exit is refused");
}

#[test]
fn a_node_beyond_loopback_needs_its_own_admin() {
    let dir = tempfile::tempdir().unwrap();
    let out = rampart()
        .args(["node", "--listen", "0.0.0.0:0", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs --admin"));
}

#[test]
fn risk_finds_figure_fours_attack_and_reads_scenarios() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = rampart()
        .args(["risk", "--json"])
        .arg(root.join("scenarios/networks/figure4_local_is_not_global.toml"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["secure"], false);
    assert_eq!(report["attack"]["services"], serde_json::json!(["blue"]));
    assert_eq!(report["gamma_exact"], "-0.0099");
    assert_eq!(report["search_method"], "max_flow");
    // A scenario: its final world's operator sets become services.
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("inputs.toml");
    std::fs::write(
        &inputs,
        "[[service]]\nname = \"oracle/0\"\nprofit_from_corruption = \"1000\"\n",
    )
    .unwrap();
    let out = rampart()
        .args(["risk", "--json", "--inputs"])
        .arg(&inputs)
        .arg(root.join("scenarios/02_risk_isolation.toml"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let services = report["per_service"].as_array().unwrap();
    let oracle = services.iter().find(|s| s["name"] == "oracle/0").expect("the oracle's set");
    assert_eq!(oracle["profit_from_corruption"], "1000");
    assert_eq!(report["secure"], false, "1000 ETH of profit against at most 85 ETH of stake");
    let assumed = report["assumptions"].as_array().expect("the bridge's profit was not given");
    assert!(assumed[0].as_str().unwrap().contains("1 of 2 services (bridge/0)"), "{assumed:?}");
    // Without --inputs, nothing can pay: the report says loudly that this was assumed.
    let out = rampart().arg("risk").arg(root.join("scenarios/02_risk_isolation.toml")).output();
    let out = out.unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let markdown = String::from_utf8_lossy(&out.stdout);
    assert!(markdown.contains("Assumed, not given"), "{markdown}");
    assert!(markdown.contains("no --inputs file gave a profit"), "{markdown}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("warning: no --inputs file"));
    std::fs::write(&inputs, "[[service]]\nname = \"nowhere/9\"\nprofit_from_corruption = \"1\"\n")
        .unwrap();
    let out = rampart()
        .args(["risk", "--inputs"])
        .arg(&inputs)
        .arg(root.join("scenarios/02_risk_isolation.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an operator set"));
    let bad = rampart().args(["risk", "--generate", "huge"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn the_reference_networks_regenerate_from_their_seed() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for (size, file) in
        [("mainnet", "eigenlayer_mainnet.toml"), ("mainnet-10x", "eigenlayer_mainnet_10x.toml")]
    {
        let out = rampart().args(["risk", "--generate", size, "--seed", "1"]).output().unwrap();
        assert!(out.status.success());
        let committed =
            std::fs::read_to_string(root.join("scenarios/networks").join(file)).unwrap();
        assert!(
            String::from_utf8(out.stdout).unwrap() == committed,
            "{file} is not what seed 1 generates"
        );
    }
}

#[test]
fn risk_writes_the_report_and_its_plots() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = tempfile::tempdir().unwrap();
    let out = rampart()
        .args(["risk", "--out"])
        .arg(dir.path())
        .arg(root.join("scenarios/networks/design_example.toml"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for file in [
        "report.md",
        "report.json",
        "stake_per_service.svg",
        "exposure_heatmap.svg",
        "loss_against_shock.svg",
    ] {
        let bytes =
            std::fs::read(dir.path().join(file)).unwrap_or_else(|_| panic!("{file} missing"));
        assert!(bytes.len() > 200, "{file} is empty");
    }
    let svg = std::fs::read_to_string(dir.path().join("stake_per_service.svg")).unwrap();
    assert!(svg.contains("oracle") || svg.contains("Stake securing each service"));
    let font = std::path::Path::new("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf").exists();
    assert_eq!(
        dir.path().join("loss_against_shock.png").exists(),
        font,
        "PNGs exactly when a font is installed"
    );
}

#[test]
fn lrt_exit_and_compare_read_a_scenarios_world() {
    let scenario = repo("scenarios/lrt/05_strategy_comparison.toml");
    let out = rampart()
        .args(["lrt", "exit", &scenario, "--lrt", "ezETH", "--amount", "200"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    // 200 ETH is more than the buffer: the instant route says why not; the others say how long.
    assert!(text.contains("instant           not now"), "{text}");
    assert!(text.contains("protocol cooldown: 7.0 days"), "{text}");
    assert!(text.contains("beacon exit queue"), "{text}");

    let compare =
        ["lrt", "compare", &scenario, "--lrt", "ezETH", "--amount", "64", "--operator", "op1"];
    let out = rampart().args(compare).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("net 360 bps a year after a 1000 bps reward fee"), "{text}");
    assert!(text.contains("avs1#0 via op1 (32.000000 ETH)"), "names, not addresses: {text}");

    let out = rampart().args(compare).arg("--json").output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let strategies: Vec<&str> =
        json.as_array().unwrap().iter().map(|s| s["strategy"].as_str().unwrap()).collect();
    assert_eq!(strategies, ["lrt", "direct", "hybrid"]);
    assert_eq!(json[2]["net_apr_bps"], 380);
    assert_eq!(json[2]["exposure"].as_array().unwrap().len(), 4, "both parts' exposure");

    let out = rampart().args(compare).args(["--lrt-share-bps", "20000"]).output().unwrap();
    assert!(!out.status.success(), "a hybrid share above 100% is refused");
}
