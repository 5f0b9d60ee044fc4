//! The risk engine inside a path: γ (EigenLayer's condition) read from the world at chosen
//! steps, and for every catastrophic shock the cascade the risk engine finds after it, next to
//! the Durvasula–Roughgarden bound for the same network.

use num_rational::BigRational;
use num_traits::ToPrimitive;
use rampart_engine::{Address, World};
use rampart_risk::{
    cascade::{loss_bound, simulate},
    certificates::eigenlayer_condition,
    graph::Network,
    number::Amount,
    world::{Inputs, default_threshold, from_world},
};

use crate::{Prepared, path::CascadeCheck};

/// The risk inputs of a subset: each service's profit from corruption as a share of its stake
/// in the starting world, every threshold 1/3.
pub fn inputs(world: &World, names: &dyn Fn(Address) -> String, profit_bps: f64) -> Inputs {
    let mut inputs = Inputs { unit: "ETH".into(), ..Inputs::default() };
    let Ok(network) = from_world(world, names, &inputs) else { return inputs };
    let bps = profit_bps.clamp(0.0, 1e9) as u128;
    for (s, service) in network.services.iter().enumerate() {
        let profit: Amount = network.securing_stake(s).saturating_mul(bps) / 10_000;
        inputs.services.insert(service.name.clone(), (profit, default_threshold()));
    }
    inputs
}

fn network(prepared: &Prepared, world: &World, subset: usize) -> Option<Network> {
    let names = |a: Address| prepared.cast.names.get(&a).cloned().unwrap_or_else(|| a.to_string());
    from_world(world, &names, &prepared.risk_inputs[subset]).ok()
}

/// γ of the world now (`None` when no service has profit or the network cannot be read).
pub fn gamma(prepared: &Prepared, world: &World, subset: usize) -> Option<f64> {
    let network = network(prepared, world, subset)?;
    eigenlayer_condition(&network).gamma.and_then(|g| g.to_f64())
}

fn ppm(x: &BigRational) -> u64 {
    (x * BigRational::from_integer(1_000_000.into()))
        .floor()
        .to_integer()
        .to_u64()
        .unwrap_or(u64::MAX)
}

/// The cascade after `shocked` operators (cast indices) are lost, and its bound.
pub fn cascade_check(
    prepared: &Prepared,
    world: &World,
    subset: usize,
    shocked: &[usize],
    step: u64,
) -> Option<CascadeCheck> {
    let network = network(prepared, world, subset)?;
    let total = network.total_stake();
    if total == 0 {
        return None;
    }
    let mut shock = vec![false; network.operators.len()];
    for &o in shocked {
        let name = &prepared.cast.operators[o].name;
        if let Some(v) = network.operators.iter().position(|op| &op.name == name) {
            shock[v] = true;
        }
    }
    let cascade = simulate(&network, &shock);
    let psi = BigRational::new(cascade.shock_stake.into(), total.into());
    let gamma = eigenlayer_condition(&network).gamma;
    let bound = loss_bound(gamma.as_ref(), &psi);
    Some(CascadeCheck {
        step,
        shock_ppm: ppm(&psi),
        loss_ppm: ppm(&cascade.loss_fraction),
        bound_ppm: ppm(&bound),
        within_bound: cascade.loss_fraction <= bound,
    })
}
