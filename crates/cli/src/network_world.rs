//! `rampart load --network FILE`: builds a network file's restaking graph on a node as an
//! EigenLayer world, through signed calls like any client's, so the node (and its dashboard)
//! can be looked at with a mainnet-size network (`scenarios/networks/eigenlayer_mainnet.toml`).
//!
//! Each service becomes an AVS (named as in the file) with one operator set over stETH; each
//! operator registers, deposits its stake in stETH (minted by the dev admin) and allocates all
//! of its magnitude, split evenly, to the sets it secures. EigenLayer's stake is unique, so
//! where the file's graph lets every service slash an operator's whole stake (pooled
//! security), the world lets each slash its even share: the same links, smaller amounts.

use std::{path::Path, process::ExitCode, time::Instant};

use anyhow::Context;
use rampart_engine::accounts::{ADMIN_NAME, named_address, named_signing_key};
use rampart_node::{
    Client,
    auth::{Payload, sign},
    server::{BatchResult, MAX_BATCH_CALLS},
};
use rampart_risk::{file::parse_network, graph::Network};
use serde_json::{Value, json};

/// WAD: a whole magnitude.
const WAD: u64 = 1_000_000_000_000_000_000;

/// One call to send: (sender name, `protocol.function`, arguments).
type Planned = (String, &'static str, Value);

/// Builds the network file's world on the node at `node`.
pub(crate) fn load_network(node: &str, path: &Path) -> anyhow::Result<ExitCode> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let json = path.extension().is_some_and(|e| e == "json");
    let network =
        parse_network(&text, json).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let calls = plan(&network);
    let client = Client::new(node);
    let chain_id = client.health()?.chain_id;
    let started = Instant::now();
    let mut nonces = std::collections::BTreeMap::new();
    let mut bodies = Vec::with_capacity(calls.len());
    for (sender, call, args) in &calls {
        let from = named_address(sender);
        let nonce = match nonces.get_mut(sender) {
            Some(next) => next,
            None => nonces.entry(sender.clone()).or_insert(client.nonce(from)?),
        };
        let payload =
            Payload { chain_id, from, nonce: *nonce, call: (*call).to_owned(), args: args.clone() };
        *nonce += 1;
        bodies.push(serde_json::to_value(sign(&named_signing_key(sender), &payload))?);
    }
    for (chunk_index, chunk) in bodies.chunks(MAX_BATCH_CALLS).enumerate() {
        for (offset, result) in client.submit_batch(chunk)?.into_iter().enumerate() {
            if let BatchResult::Error(error) = result {
                let (sender, call, args) = &calls[chunk_index * MAX_BATCH_CALLS + offset];
                anyhow::bail!(
                    "{sender} {call} {args} was refused: {} {} (a network loads into a node \
                     started with the dev admin, on a fresh data directory)",
                    error.code,
                    error.message
                );
            }
        }
    }
    println!(
        "built {}: {} services, {} operators, {} links, in {} signed calls ({:.1} s)",
        path.display(),
        network.services.len(),
        network.operators.len(),
        network.link_count(),
        calls.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// The calls that build `network`, in an order the contracts accept.
fn plan(network: &Network) -> Vec<Planned> {
    // An allocation made at block 0 would have effect block 0, which EigenLayer reads as
    // "nothing pending": it would never apply. One block on, allocations apply at once.
    let mut calls: Vec<Planned> =
        vec![(ADMIN_NAME.to_owned(), "node.advance_blocks", json!({ "blocks": 1 }))];
    for service in &network.services {
        let avs = &service.name;
        let uri = json!({ "avs": avs, "metadata_uri": format!("https://{avs}.example") });
        calls.push((avs.clone(), "eigenlayer.update_avs_metadata_uri", uri));
        let set = json!({ "operator_set_id": 0, "strategies": ["stETH"], "slasher": avs });
        let sets = json!({ "avs": avs, "params": [set] });
        calls.push((avs.clone(), "eigenlayer.create_operator_sets", sets));
    }
    for (v, operator) in network.operators.iter().enumerate() {
        let name = &operator.name;
        let stake = operator.stake.to_string();
        let mint = json!({ "to": name, "token": "stETH", "amount": stake });
        calls.push((ADMIN_NAME.to_owned(), "token.mint", mint));
        calls.push((
            name.clone(),
            "eigenlayer.register_as_operator",
            json!({ "allocation_delay": 0 }),
        ));
        let deposit = json!({ "strategy": "stETH", "token": "stETH", "amount": stake });
        calls.push((name.clone(), "eigenlayer.deposit_into_strategy", deposit));
        let secured = &network.exposure[v];
        if secured.is_empty() {
            continue;
        }
        let share = WAD / secured.len() as u64;
        let mut allocations = Vec::new();
        for &(s, _) in secured {
            let avs = &network.services[s].name;
            let params = json!({ "avs": avs, "operator_set_ids": [0] });
            let register = json!({ "operator": name, "params": params });
            calls.push((name.clone(), "eigenlayer.register_for_operator_sets", register));
            allocations.push(json!({
                "operator_set": { "avs": avs, "id": 0 },
                "strategies": ["stETH"],
                "new_magnitudes": [share.to_string()],
            }));
        }
        let allocate = json!({ "operator": name, "params": allocations });
        calls.push((name.clone(), "eigenlayer.modify_allocations", allocate));
    }
    calls
}
