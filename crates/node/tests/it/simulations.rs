//! The simulations page's endpoints on a tiny `rampart sim` run made here with the simulator's
//! library (scenarios/sim/tiny.toml, cut to 4 paths of 6 days so it stays fast in debug).

use std::path::Path;

use rampart_node::NodeConfig;
use serde_json::Value;

use crate::dev_config;

fn write_tiny_run(out: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let model_file = root.join("scenarios/sim/tiny.toml");
    let text = std::fs::read_to_string(&model_file).unwrap();
    let mut model = rampart_sim::Model::parse(&text).unwrap();
    model.runs = 4;
    model.timesteps = 6;
    let prepared = rampart_sim::prepare(model, model_file.parent().unwrap()).unwrap();
    let results = rampart_sim::run(&prepared, 1, &|| ()).unwrap();
    rampart_sim::write_outputs(&prepared, &results, out).unwrap();
}

async fn get(listen: std::net::SocketAddr, path: &str) -> (u16, Value) {
    let url = format!("http://{listen}{path}");
    tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent =
            ureq::Agent::config_builder().http_status_as_error(false).build().into();
        let mut response = agent.get(&url).call().expect("the node answers");
        let status = response.status().as_u16();
        (status, serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap())
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_finished_run_shows_its_summary_and_fan_charts() {
    let runs = tempfile::tempdir().unwrap();
    write_tiny_run(&runs.path().join("tiny-run"));
    std::fs::create_dir(runs.path().join("not-a-run")).unwrap();
    let data = tempfile::tempdir().unwrap();
    let config =
        NodeConfig { sim_outputs: vec![runs.path().to_owned()], ..dev_config(data.path()) };
    let node = rampart_node::start(config).await.unwrap();

    let (status, list) = get(node.listen, "/v1/simulations").await;
    assert_eq!(status, 200);
    assert_eq!(list["configured"], 1);
    let listed = list["runs"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "only folders holding a summary.json are runs: {list}");
    assert_eq!(listed[0]["name"], "tiny-run");
    assert_eq!(listed[0]["model"], "tiny");
    assert_eq!(listed[0]["paths"], 4);
    assert_eq!(listed[0]["timesteps"], 6);

    let (status, run) = get(node.listen, "/v1/simulations/tiny-run").await;
    assert_eq!(status, 200);
    let written: Value = serde_json::from_str(
        &std::fs::read_to_string(runs.path().join("tiny-run/summary.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(run["summary"], written, "the summary is served as the simulator wrote it");
    let fans = run["fans"].as_array().unwrap();
    let of = |kind: &str| -> Vec<&str> {
        fans.iter().filter(|f| f["kind"] == kind).map(|f| f["of"].as_str().unwrap()).collect()
    };
    assert_eq!(of("nav"), ["ezETH", "pufETH"], "a fan per LRT of the tiny model");
    assert!(!of("strategy").is_empty(), "a fan per strategy");
    for fan in fans {
        let timesteps: Vec<i64> = (0..=6).collect();
        assert_eq!(fan["timestep"], serde_json::json!(timesteps), "the start and each step");
        for t in 0..timesteps.len() {
            let (p5, p50, p95) = (
                fan["p5"][t].as_f64().unwrap(),
                fan["p50"][t].as_f64().unwrap(),
                fan["p95"][t].as_f64().unwrap(),
            );
            assert!(p5 <= p50 && p50 <= p95, "quantiles in order at {t}: {fan}");
        }
    }
    // Every path starts from the same world, so the band is closed at timestep 0 and the
    // NAV there is the model's (ezETH: 10,000 ETH of supply at the preset's rate, a little
    // above 1).
    let ez = fans.iter().find(|f| f["column"] == "nav_ezETH").unwrap();
    assert_eq!(ez["p5"][0], ez["p95"][0]);
    assert!((ez["p50"][0].as_f64().unwrap() - 10_000.0).abs() < 200.0, "{ez}");

    // Only listed names open a run: a folder without a summary, or a path, is not one.
    for name in ["nope", "not-a-run", "..%2F..%2Fetc", "tiny-run%2Fsummary.json"] {
        let (status, error) = get(node.listen, &format!("/v1/simulations/{name}")).await;
        assert_eq!(status, 404, "{name}: {error}");
        assert!(error["error"]["code"].is_string(), "{name}: a JSON error: {error}");
    }
    let (_, error) = get(node.listen, "/v1/simulations/not-a-run").await;
    assert_eq!(error["error"]["code"], "UnknownSimulation", "{error}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_node_without_sim_output_lists_none() {
    let data = tempfile::tempdir().unwrap();
    let node = rampart_node::start(dev_config(data.path())).await.unwrap();
    let (status, list) = get(node.listen, "/v1/simulations").await;
    assert_eq!(status, 200);
    assert_eq!(list, serde_json::json!({ "configured": 0, "runs": [] }));
}
