//! The reference network: EigenLayer-shaped services and operators with stake concentrated as
//! on mainnet, direct restakers, and the four LRT presets at the sizes and buffers the model
//! gives, all built by the same calls a scenario makes (mainnet parameters: EigenLayer's
//! 14-day withdrawal and deallocation delays, the 17.5-day allocation configuration delay).
//!
//! Capital is stETH restaked in EigenLayer's stETH strategy (as most LRT collateral was in
//! 2024–26), and each LRT keeps its buffer in ETH; so the beacon chain holds no simulated
//! validators, and the stETH an unwind redeems meets the beacon exit queue through
//! [`crate::queue`].

use std::collections::BTreeMap;

use rampart_engine::{
    Address, U256, World,
    accounts::named_address,
    eigenlayer::params::Params as ElParams,
    lrt::{Preset, pool_address},
    math::WAD,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::{
    cast::{HolderSpec, call, mint},
    rng::eth_to_wei,
};

/// Sizes of the reference network.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferenceSpec {
    /// Services (AVSs, one operator set each).
    #[serde(default = "d_services")]
    pub services: usize,
    /// Operators.
    #[serde(default = "d_operators")]
    pub operators: usize,
    /// The largest operators…
    #[serde(default = "d_top")]
    pub top_operators: usize,
    /// …hold this share of the direct stake, bps.
    #[serde(default = "d_top_share")]
    pub top_share_bps: u64,
    /// Services each operator is allocated to (unique stake split evenly, 90% allocated).
    #[serde(default = "d_links")]
    pub services_per_operator: usize,
    /// stETH restaked directly (not through an LRT), ETH.
    #[serde(default = "d_direct")]
    pub direct_eth: f64,
    /// The LRTs.
    #[serde(default = "d_lrts")]
    pub lrt: Vec<LrtSpec>,
    /// Holder cohorts of every LRT: (share of supply in bps, sensitivity).
    #[serde(default = "d_cohorts")]
    pub cohorts: Vec<(u64, f64)>,
}

/// One LRT of the reference network.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LrtSpec {
    /// The preset.
    pub preset: Preset,
    /// Its size, ETH.
    pub supply_eth: f64,
    /// Its ETH buffer, bps of NAV.
    pub buffer_bps: u64,
    /// Operators it delegates to.
    pub operators: usize,
}

fn d_services() -> usize {
    40
}
fn d_operators() -> usize {
    60
}
fn d_top() -> usize {
    7
}
fn d_top_share() -> u64 {
    7_500
}
fn d_links() -> usize {
    4
}
fn d_direct() -> f64 {
    1_300_000.0
}
fn d_lrts() -> Vec<LrtSpec> {
    vec![
        LrtSpec { preset: Preset::EtherFi, supply_eth: 1_500_000.0, buffer_bps: 300, operators: 8 },
        LrtSpec { preset: Preset::Renzo, supply_eth: 600_000.0, buffer_bps: 100, operators: 6 },
        LrtSpec { preset: Preset::Kelp, supply_eth: 500_000.0, buffer_bps: 100, operators: 6 },
        LrtSpec { preset: Preset::Puffer, supply_eth: 400_000.0, buffer_bps: 50, operators: 4 },
    ]
}
fn d_cohorts() -> Vec<(u64, f64)> {
    vec![(5_000, 0.5), (3_500, 1.0), (1_500, 3.0)]
}

impl Default for ReferenceSpec {
    fn default() -> Self {
        toml::from_str("").expect("every field has a default")
    }
}

/// The names of the reference network's accounts.
fn service_name(s: usize) -> String {
    format!("avs-{:03}", s + 1)
}

fn operator_name(o: usize) -> String {
    format!("op-{:03}", o + 1)
}

/// A built world with its holder cohorts and account names.
pub type Built = (World, Vec<HolderSpec>, BTreeMap<Address, String>);

/// Builds the reference world.
pub fn build(spec: &ReferenceSpec) -> Result<Built, String> {
    if spec.services == 0 || spec.operators == 0 {
        return Err("the reference network needs services and operators".into());
    }
    let mut world = World::new(ElParams::MAINNET);
    let mut names = BTreeMap::new();
    world.set_block(1).map_err(|e| e.to_string())?;
    for s in 0..spec.services {
        let avs = service_name(s);
        let a = named_address(&avs);
        names.insert(a, avs.clone());
        call(&mut world, a, "eigenlayer.update_avs_metadata_uri", json!({ "avs": avs }))?;
        call(
            &mut world,
            a,
            "eigenlayer.create_operator_sets",
            json!({ "avs": avs, "params": [{ "operator_set_id": 0, "strategies": ["stETH"], "slasher": avs }] }),
        )?;
    }
    let links = spec.services_per_operator.clamp(1, spec.services);
    for o in 0..spec.operators {
        let op = operator_name(o);
        let a = named_address(&op);
        names.insert(a, op.clone());
        call(&mut world, a, "eigenlayer.register_as_operator", json!({ "allocation_delay": 0 }))?;
        for s in operator_services(o, links, spec.services) {
            call(
                &mut world,
                a,
                "eigenlayer.register_for_operator_sets",
                json!({ "operator": op, "params": { "avs": service_name(s), "operator_set_ids": [0] } }),
            )?;
        }
    }
    // The allocation delay set at registration takes effect after the configuration delay.
    let delay = world.eigenlayer.params.allocation_configuration_delay_blocks;
    world.advance_blocks(delay + 1).map_err(|e| e.to_string())?;
    let magnitude = WAD * U256::from(9u64) / U256::from(10u64 * links as u64);
    for o in 0..spec.operators {
        let op = operator_name(o);
        let params: Vec<_> = operator_services(o, links, spec.services)
            .into_iter()
            .map(|s| json!({ "operator_set": { "avs": service_name(s), "id": 0 }, "strategies": ["stETH"], "new_magnitudes": [magnitude.to_string()] }))
            .collect();
        call(
            &mut world,
            named_address(&op),
            "eigenlayer.modify_allocations",
            json!({ "operator": op, "params": params }),
        )?;
    }
    world.advance_blocks(1).map_err(|e| e.to_string())?;
    direct_stakers(&mut world, spec, &mut names)?;
    let holders = lrts(&mut world, spec, &mut names)?;
    Ok((world, holders, names))
}

/// Operator `o`'s services: `links` distinct ones spread over the range.
fn operator_services(o: usize, links: usize, services: usize) -> Vec<usize> {
    let mut out = Vec::with_capacity(links);
    let mut s = (o * 7) % services;
    while out.len() < links {
        if !out.contains(&s) {
            out.push(s);
        }
        s = (s + 13) % services;
        if out.len() < links && out.contains(&s) {
            s = (s + 1) % services;
        }
    }
    out
}

/// One direct restaker per operator; the top operators share `top_share_bps` of the direct
/// stake equally, the others the rest.
fn direct_stakers(
    world: &mut World,
    spec: &ReferenceSpec,
    names: &mut BTreeMap<Address, String>,
) -> Result<(), String> {
    let top = spec.top_operators.min(spec.operators);
    let top_share = spec.top_share_bps.min(10_000) as f64 / 10_000.0;
    for o in 0..spec.operators {
        let eth = if o < top {
            spec.direct_eth * top_share / top as f64
        } else if spec.operators > top {
            spec.direct_eth * (1.0 - top_share) / (spec.operators - top) as f64
        } else {
            0.0
        };
        let amount = eth_to_wei(eth);
        if amount.is_zero() {
            continue;
        }
        let name = format!("staker-{:03}", o + 1);
        let a = named_address(&name);
        names.insert(a, name);
        buy_steth(world, a, amount)?;
        call(
            world,
            a,
            "eigenlayer.deposit_into_strategy",
            json!({ "strategy": "stETH", "token": "stETH", "amount": amount.to_string() }),
        )?;
        call(world, a, "eigenlayer.delegate_to", json!({ "operator": operator_name(o) }))?;
    }
    Ok(())
}

/// New money buys stETH: new ETH comes to `to`, which submits it to Lido (`lido.submit`), so
/// Lido's buffer holds the ETH behind every stETH its queue will redeem.
pub fn buy_steth(world: &mut World, to: Address, amount: U256) -> Result<(), String> {
    let admin = world.admin;
    crate::act::send(
        world,
        admin,
        crate::act::mint(to, rampart_engine::accounts::NATIVE_ETH, amount),
    )?;
    crate::act::send(world, to, crate::act::lido_submit(amount))
}
/// The LRTs: created with their preset and buffer, delegating to their operators, filled by
/// their cohorts (the buffer in ETH, the rest stETH) and restaked.
fn lrts(
    world: &mut World,
    spec: &ReferenceSpec,
    names: &mut BTreeMap<Address, String>,
) -> Result<Vec<HolderSpec>, String> {
    let mut holders = Vec::new();
    for (i, l) in spec.lrt.iter().enumerate() {
        let symbol = l.preset.symbol();
        let manager = format!("{symbol}-manager");
        let admin = world.admin;
        let mut params = l.preset.params();
        params.buffer_target_bps = l.buffer_bps;
        call(
            world,
            admin,
            "lrt.create",
            json!({ "preset": l.preset, "admin": manager, "assets": ["stETH"], "params": params }),
        )?;
        let pool = pool_address(symbol);
        names.insert(pool, symbol.to_string());
        let m = named_address(&manager);
        names.insert(m, manager.clone());
        for k in 0..l.operators.max(1) {
            let o = (i + k * spec.lrt.len().max(1)) % spec.operators;
            let weight = 10_000 / l.operators.max(1) as u64;
            call(
                world,
                m,
                "lrt.add_delegator",
                json!({ "target": pool.to_string(), "operator": operator_name(o), "weight_bps": weight }),
            )?;
        }
        let supply = eth_to_wei(l.supply_eth);
        let buffer = supply * U256::from(l.buffer_bps) / U256::from(10_000u64);
        let total_bps: u64 = spec.cohorts.iter().map(|c| c.0).sum::<u64>().max(1);
        for (c, &(share_bps, sensitivity)) in spec.cohorts.iter().enumerate() {
            let name = format!("{symbol}-holder-{c}");
            let a = named_address(&name);
            names.insert(a, name.clone());
            let share = U256::from(share_bps);
            let eth = buffer * share / U256::from(total_bps);
            let st = (supply - buffer) * share / U256::from(total_bps);
            if !eth.is_zero() {
                mint(world, a, "ETH", eth)?;
                call(
                    world,
                    a,
                    "lrt.deposit",
                    json!({ "target": pool.to_string(), "amount": eth.to_string() }),
                )?;
            }
            if !st.is_zero() {
                buy_steth(world, a, st)?;
                call(
                    world,
                    a,
                    "lrt.deposit",
                    json!({ "target": pool.to_string(), "asset": "stETH", "amount": st.to_string() }),
                )?;
            }
            holders.push(HolderSpec { name, lrt: symbol.to_string(), sensitivity });
        }
        call(world, m, "lrt.restake", json!({ "target": pool.to_string() }))?;
    }
    Ok(holders)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_services_are_distinct() {
        for o in 0..100 {
            let s = operator_services(o, 4, 40);
            let mut d = s.clone();
            d.sort_unstable();
            d.dedup();
            assert_eq!(d.len(), 4, "{s:?}");
        }
        assert_eq!(operator_services(0, 3, 3).len(), 3);
    }
}
