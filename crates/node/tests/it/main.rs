//! The node over real HTTP on loopback: what a newcomer does, and what bad input gets.

mod bad_input;
mod dashboard;
mod hostile;
mod large_entries;
mod lifecycle;
mod scenarios;
mod simulations;

use std::path::Path;

use rampart_engine::eigenlayer::Params;
use rampart_node::{Client, Genesis, NodeConfig, NodeHandle, ServerLimits};

/// A dev node on a free loopback port with its data in `dir`; the clock moves only by
/// `node.advance_blocks`.
pub(crate) async fn start_node(dir: &Path) -> NodeHandle {
    start_node_with(dir, ServerLimits::default()).await
}

/// [`start_node`] with its own client timeouts (short ones, for tests of slow clients).
pub(crate) async fn start_node_with(dir: &Path, limits: ServerLimits) -> NodeHandle {
    let config = NodeConfig { limits, ..dev_config(dir) };
    rampart_node::start(config).await.expect("the node starts")
}

/// The dev node's configuration, with its data in `dir`.
pub(crate) fn dev_config(dir: &Path) -> NodeConfig {
    NodeConfig {
        data_dir: dir.to_owned(),
        listen: "127.0.0.1:0".parse().unwrap(),
        genesis: Genesis::dev(Params::TESTNET, 31_337, 0),
        snapshot_every: 7,
        verify_on_start: true,
        limits: ServerLimits::default(),
        sim_outputs: Vec::new(),
    }
}

/// A blocking client of `node`, for use inside `spawn_blocking`.
pub(crate) fn client(node: &NodeHandle) -> Client {
    Client::new(&format!("http://{}", node.listen))
}
