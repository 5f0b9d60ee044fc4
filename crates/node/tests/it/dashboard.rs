//! The dashboard's page and its read-only summaries, after a shipped scenario ran on the node:
//! the figures are the risk engine's on that world (scenario 02's doc gives them: op1 keeps
//! 85 stETH after a 15% slash, of which the bridge set can slash 50 and the oracle set 15).

use rampart_node::NodeHandle;
use serde_json::Value;

use crate::scenarios::{empty, run, shipped, start};

const ETHER: u128 = 1_000_000_000_000_000_000;

async fn get(node: &NodeHandle, path: &str) -> (String, String) {
    let url = format!("http://{}{path}", node.listen);
    tokio::task::spawn_blocking(move || {
        let mut response = ureq::get(&url).call().expect("the request succeeds");
        let kind = response.headers().get("content-type").unwrap().to_str().unwrap().to_owned();
        (kind, response.body_mut().read_to_string().unwrap())
    })
    .await
    .unwrap()
}

async fn json(node: &NodeHandle, path: &str) -> Value {
    serde_json::from_str(&get(node, path).await.1).unwrap()
}

fn wei(ether: u128) -> String {
    (ether * ETHER).to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_dashboard_summarises_the_world_a_scenario_built() {
    let dir = tempfile::tempdir().unwrap();
    let node = start(dir.path(), empty(rampart_engine::eigenlayer::Params::TESTNET)).await;
    let url = format!("http://{}", node.listen);
    run(url, shipped("scenarios/02_risk_isolation.toml")).await.unwrap();

    let overview = json(&node, "/v1/overview").await;
    assert_eq!(overview["block"], 1000);
    assert_eq!(overview["counts"]["services"], 2);
    assert_eq!(overview["counts"]["operators"], 1);
    assert_eq!(overview["counts"]["links"], 2);
    // alice deposited 100 stETH; the slashed 15 stay in the strategy until burned.
    assert_eq!(overview["totals"][0]["protocol"], "eigenlayer");
    assert_eq!(overview["totals"][0]["asset"], "stETH");
    assert_eq!(overview["totals"][0]["amount"], wei(100));

    let services = json(&node, "/v1/services").await;
    let by_name = |name: &str| {
        services["services"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == name)
            .cloned()
            .unwrap()
    };
    let bridge = by_name("bridge/0");
    assert_eq!(bridge["avs"], "bridge", "the AVS shows by the name the scenario used");
    assert_eq!(bridge["securing_stake"], wei(50));
    // One operator: corrupting the set takes all of it.
    assert_eq!(bridge["cost_of_corruption"], wei(50));
    assert_eq!(bridge["corrupting_coalition"], serde_json::json!(["op1"]));
    let oracle = by_name("oracle/0");
    assert_eq!(oracle["securing_stake"], wei(15));
    assert!(oracle["slashing"].as_str().unwrap().contains("1 slashes so far"), "{oracle}");

    let operators = json(&node, "/v1/operators").await;
    let op1 = &operators["operators"][0];
    assert_eq!(op1["name"], "op1");
    assert_eq!(op1["stake"], wei(85));
    assert_eq!(op1["slashable_total"], wei(65));
    assert_eq!(
        op1["allocations"][1],
        serde_json::json!({ "service": "oracle/0", "slashable": wei(15) })
    );

    let names = json(&node, "/v1/names").await;
    let op1_address = op1["address"].as_str().unwrap();
    assert_eq!(names["names"][op1_address], "op1");

    let risk = json(&node, "/v1/risk").await;
    assert_eq!(risk["per_service"].as_array().unwrap().len(), 2);
    assert_eq!(risk["total_stake"], "85");

    // The page and the script it loads come from the binary.
    let (kind, page) = get(&node, "/").await;
    assert!(kind.starts_with("text/html"), "{kind}");
    let script = page.split("src=\"").nth(1).and_then(|s| s.split('"').next()).unwrap().to_owned();
    let (kind, body) = get(&node, &script).await;
    assert!(kind.starts_with("text/javascript"), "{kind}");
    assert!(body.contains("/v1/events/stream"), "the dashboard reads the live stream");
    node.stop().await.unwrap();
}
