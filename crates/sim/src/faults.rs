//! Service faults through each protocol's real slash path, and what the services can slash.
//!
//! A fault of operator `o` in service `s` of `bps` becomes the calls that service would send:
//!
//! - EigenLayer: `eigenlayer.slash_operator` by the set's slasher, `bps` of the operator's
//!   allocated magnitude in stETH.
//! - Symbiotic: in every slashable vault that gives the subnetwork stake, `bps` of what the
//!   operator had at stake at the capture (the block before: `now − 1`, the most recent
//!   capture a slash may name) less what was slashed since (`slashableStake`), by the network's
//!   middleware. An instant `Slasher` takes it at once (`symbiotic.slasher.slash`); a
//!   `VetoSlasher` records a request (`veto_slasher.request_slash`) that the middleware
//!   executes as soon as the slasher allows: at once when the subnetwork has no resolver,
//!   else once the veto deadline has passed (`veto_slasher.execute_slash`, from
//!   [`settle`]), and only while the capture is within an epoch — a request whose window
//!   closed before a step reached it is lost, as on chain.
//! - Karak: `karak.core.request_slashing` by the DSS of every vault the operator has staked to
//!   it, each by `bps` as a WAD percentage capped at the DSS's maximum; [`settle`] finalizes it
//!   (`karak.core.finalize_slashing`) once the 2-day veto window has passed, taking that
//!   percentage of the vaults' assets then. A DSS may request once per 2 days per operator:
//!   faults in between are rejected.
//!
//! A rejected call (nothing slashable, the cooldown, a closed window) costs nothing, as on
//! chain. The requests waiting for their window are the protocols' own state (a veto slasher's
//! requests, Karak's queued slashings), so a path keeps no list of its own: [`settle`] reads
//! them, and only those the path made (not the starting world's).
//!
//! Stakes are in wei of the collateral. The simulator is ETH-denominated: ETH, stETH, rETH and
//! cbETH collateral counts at par ([`counted_at_par`]); other collateral is slashed all the same
//! but left out of the stake columns and the slashed totals.

use rampart_engine::{
    Address, U256, World,
    karak::state::{HUNDRED_PERCENT_WAD, SLASHING_VETO_WINDOW},
    math::{Rounding, WAD, mul_div},
    symbiotic::{SlasherKind, Subnetwork, vault::At},
};

use crate::{
    Prepared,
    act::{self, send},
    cast::{ServiceKind, counted_at_par},
};

/// A fault of operator `o` in service `s`: `wads` (a WAD fraction) of what the service can
/// slash of it, through the service's protocol.
pub fn slash(world: &mut World, prepared: &Prepared, o: usize, s: usize, wads: U256) {
    if wads.is_zero() {
        return;
    }
    let operator = prepared.cast.operators[o].address;
    match &prepared.cast.services[s].kind {
        ServiceKind::EigenLayer { set, slasher } => {
            // Rejected when the operator is no longer slashable by the set (deallocated, or
            // its allocation already slashed to zero): that fault then costs nothing.
            let strategy = prepared.cast.steth_strategy;
            let _ = send(world, *slasher, act::slash_operator(*set, operator, strategy, wads));
        }
        ServiceKind::Symbiotic { subnetwork, middleware, vaults } => {
            for &vault in vaults {
                symbiotic_slash(world, *subnetwork, *middleware, vault, operator, wads);
            }
        }
        ServiceKind::Karak { dss } => karak_slash(world, *dss, operator, wads),
    }
}

fn symbiotic_slash(
    world: &mut World,
    subnetwork: Subnetwork,
    middleware: Address,
    vault_address: Address,
    operator: Address,
    wads: U256,
) {
    let now = world.clock.timestamp();
    let Some(capture) = now.checked_sub(1) else { return };
    let sym = &world.symbiotic;
    let Some(vault) = sym.vaults.get(&vault_address) else { return };
    let Some(slasher) = &vault.slasher else { return };
    let instant = matches!(slasher.kind, SlasherKind::Instant);
    let slashable = sym
        .slashable_stake(vault_address, vault, subnetwork, operator, capture, now)
        .unwrap_or_default();
    let amount = mul_div(slashable, wads, WAD, Rounding::Floor).unwrap_or_default();
    if amount.is_zero() {
        return;
    }
    let call = act::symbiotic_slash(instant, vault_address, subnetwork, operator, amount, capture);
    if send(world, middleware, call).is_err() || instant {
        return;
    }
    // Executable at once when nobody can veto it; otherwise `settle` executes it after the
    // deadline (this attempt is then rejected, changing nothing).
    let index = veto_requests(world, vault_address).saturating_sub(1);
    let _ = send(world, middleware, act::symbiotic_execute_slash(vault_address, index as u64));
}

fn karak_slash(world: &mut World, dss: Address, operator: Address, wads: U256) {
    let karak = &world.karak;
    let Some(max) = karak.dss_max_slashable_percentage_wad.get(&dss).map(|p| p.0) else { return };
    let vaults: Vec<Address> = karak
        .operators
        .get(&operator)
        .and_then(|state| state.vaults_staked_in_dss.get(&dss))
        .map(|set| set.values().to_vec())
        .unwrap_or_default();
    // WAD percentages: 100% is 100e18, so a WAD fraction times 100.
    let percentage = (wads * U256::from(100u8)).min(max);
    if vaults.is_empty() || percentage.is_zero() {
        return;
    }
    let _ = send(world, dss, act::karak_request_slashing(operator, vaults, percentage));
}

/// A veto slasher's request count (0 for another vault).
fn veto_requests(world: &World, vault: Address) -> usize {
    world.symbiotic.vaults.get(&vault).and_then(|v| v.slasher.as_ref()).map_or(0, |slasher| {
        match &slasher.kind {
            SlasherKind::Veto { slash_requests, .. } => slash_requests.len(),
            SlasherKind::Instant => 0,
        }
    })
}

/// The second step of the slashes this path requested, once their windows allow: each veto
/// slasher request past its deadline is executed by the middleware (while its capture is
/// within an epoch), each Karak request past the veto window is finalized (by its DSS; anyone
/// may). Requests of the starting world are left as they were.
pub fn settle(world: &mut World, prepared: &Prepared) {
    let now = world.clock.timestamp();
    let mut calls = Vec::new();
    let mut karak = false;
    for service in &prepared.cast.services {
        match &service.kind {
            ServiceKind::Symbiotic { subnetwork, middleware, vaults } => {
                for &vault_address in vaults {
                    let Some(vault) = world.symbiotic.vaults.get(&vault_address) else { continue };
                    let Some(SlasherKind::Veto { slash_requests, .. }) =
                        vault.slasher.as_ref().map(|s| &s.kind)
                    else {
                        continue;
                    };
                    let start = veto_requests(&prepared.world, vault_address);
                    // Newest first: captures only grow, so the first expired one ends the scan.
                    for (index, request) in slash_requests.iter().enumerate().skip(start).rev() {
                        if now.saturating_sub(request.capture_timestamp) > vault.epoch_duration {
                            break;
                        }
                        if request.completed
                            || request.subnetwork != *subnetwork
                            || request.veto_deadline > now
                        {
                            continue;
                        }
                        let execute = act::symbiotic_execute_slash(vault_address, index as u64);
                        calls.push((*middleware, execute));
                    }
                }
            }
            ServiceKind::Karak { .. } => karak = true,
            ServiceKind::EigenLayer { .. } => {}
        }
    }
    // Oldest request first: executions in request order.
    calls.reverse();
    if karak {
        let dss: Vec<Address> = prepared
            .cast
            .services
            .iter()
            .filter_map(|s| match s.kind {
                ServiceKind::Karak { dss } => Some(dss),
                _ => None,
            })
            .collect();
        let started = &prepared.world.karak.slashing_requests;
        for (root, request) in &world.karak.slashing_requests {
            if dss.contains(&request.dss)
                && !started.contains_key(root)
                && request.timestamp + SLASHING_VETO_WINDOW <= now
            {
                calls.push((request.dss, act::karak_finalize_slashing(*root)));
            }
        }
    }
    for (sender, call) in calls {
        let _ = send(world, sender, call);
    }
}

/// What service `s` can slash now, wei: an operator set's members' stETH shares times their
/// allocated magnitude; what a subnetwork's vaults show it of its operators (`stake`); a DSS's
/// maximum percentage of the assets of the vaults staked to it.
pub fn service_stake(world: &World, prepared: &Prepared, s: usize) -> U256 {
    match &prepared.cast.services[s].kind {
        ServiceKind::EigenLayer { set, .. } => {
            let strategy = prepared.cast.steth_strategy;
            let now = world.clock.block;
            let el = &world.eigenlayer;
            el.operator_sets.get(set).map_or(U256::ZERO, |info| {
                info.members.iter().fold(U256::ZERO, |sum, &op| {
                    let max = el.operator_max_magnitude(Some(op), strategy);
                    if max == 0 {
                        return sum;
                    }
                    let alloc = el.get_allocation(now, op, *set, strategy).current_magnitude;
                    sum + el.operator_shares(op, strategy) * U256::from(alloc) / U256::from(max)
                })
            })
        }
        ServiceKind::Symbiotic { subnetwork, vaults, .. } => {
            let sym = &world.symbiotic;
            let mut sum = U256::ZERO;
            for address in vaults {
                let Some(vault) = sym.vaults.get(address) else { continue };
                if !counted_at_par(vault.collateral) {
                    continue;
                }
                for o in prepared.cast.operators.iter().filter(|o| o.services.contains(&s)) {
                    sum += sym
                        .stake(*address, vault, *subnetwork, o.address, At::Latest)
                        .unwrap_or_default();
                }
            }
            sum
        }
        ServiceKind::Karak { dss } => {
            let karak = &world.karak;
            let max = karak.dss_max_slashable_percentage_wad.get(dss).map_or(U256::ZERO, |p| p.0);
            let mut sum = U256::ZERO;
            for state in karak.operators.values().filter(|state| state.dss.contains(dss)) {
                for vault in state.vaults_staked_in_dss.get(dss).map_or(&[][..], |set| set.values())
                {
                    if karak.vaults.get(vault).is_some_and(|v| counted_at_par(v.asset)) {
                        let assets = karak.total_assets(&world.ledger, *vault).unwrap_or_default();
                        sum += mul_div(assets, max, HUNDRED_PERCENT_WAD, Rounding::Floor)
                            .unwrap_or_default();
                    }
                }
            }
            sum
        }
    }
}

/// The capital the cast's services can slash, wei, measured so that a slash lowers it by
/// exactly what it took: stETH delegated to the cast's operators (EigenLayer operator shares),
/// the collateral held by the services' Symbiotic vaults, the assets of Karak vaults staked to
/// the services' DSSs.
pub fn total_operator_stake(world: &World, prepared: &Prepared) -> U256 {
    let cast = &prepared.cast;
    let strategy = cast.steth_strategy;
    let mut sum = cast
        .operators
        .iter()
        .map(|o| world.eigenlayer.operator_shares(o.address, strategy))
        .fold(U256::ZERO, |a, b| a + b);
    let mut symbiotic: Vec<Address> = Vec::new();
    let mut dss: Vec<Address> = Vec::new();
    for service in &cast.services {
        match &service.kind {
            ServiceKind::Symbiotic { vaults, .. } => symbiotic.extend(vaults),
            ServiceKind::Karak { dss: d } => dss.push(*d),
            ServiceKind::EigenLayer { .. } => {}
        }
    }
    symbiotic.sort_unstable();
    symbiotic.dedup();
    for address in symbiotic {
        if let Some(vault) = world.symbiotic.vaults.get(&address)
            && counted_at_par(vault.collateral)
        {
            sum += world.ledger.balance_of(vault.collateral, address);
        }
    }
    if !dss.is_empty() {
        let karak = &world.karak;
        for (&address, vault) in &karak.vaults {
            if counted_at_par(vault.asset) && dss.iter().any(|&d| karak.is_staked(address, d)) {
                sum += karak.total_assets(&world.ledger, address).unwrap_or_default();
            }
        }
    }
    sum
}
