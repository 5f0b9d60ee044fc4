//! Every way out of an LRT position, with its time and cost, composed from the buffer, the
//! protocol's cooldown, the EigenLayer withdrawal delay, the beacon chain's exit queue, the
//! withdrawability delay and the withdrawal sweep.

use alloy_primitives::{Address, U256};
use serde::{Deserialize, Serialize};

use super::{LrtEnv, Lrts, Result};
use crate::{
    accounts::NATIVE_ETH,
    beacon::{
        BeaconChain, MAX_WITHDRAWALS_PER_PAYLOAD,
        churn::{GWEI_PER_ETH, MIN_VALIDATOR_WITHDRAWABILITY_DELAY, SECONDS_PER_EPOCH},
    },
    clock::SECONDS_PER_BLOCK,
    ledger::Ledger,
    serde_ext,
};

/// One way out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExitRoute {
    /// `instant`, `queued` or `direct_restaking`.
    pub route: String,
    /// Whether it can be taken now.
    pub available: bool,
    /// Why not, if not.
    pub why_not: Option<String>,
    /// Seconds until the ETH is in hand.
    pub seconds: u64,
    /// What arrives, in wei (at today's rate; a queued exit pays at most this).
    #[serde(with = "serde_ext::amount")]
    pub receive: U256,
    /// What the route costs, in wei.
    #[serde(with = "serde_ext::amount")]
    pub cost: U256,
    /// How the time is made up.
    pub parts: Vec<(String, u64)>,
}

/// How long an exit of `wei` of native ETH takes through the beacon chain now, behind
/// `ahead_wei` of exits the same owner must make first: the wait until its validators may
/// exit (`eligible_epoch`: activated for `SHARD_COMMITTEE_PERIOD` epochs), the exit queue, the
/// withdrawability delay and one withdrawal sweep.
pub fn beacon_exit_seconds(
    beacon: &BeaconChain,
    block: u64,
    ahead_wei: U256,
    wei: U256,
    eligible_epoch: u64,
) -> Vec<(String, u64)> {
    let epoch = block / crate::beacon::SLOTS_PER_EPOCH;
    let total = beacon.total_active_balance(epoch);
    let gwei = |w: U256| u64::try_from(w / U256::from(GWEI_PER_ETH)).unwrap_or(u64::MAX);
    let start = epoch.max(eligible_epoch);
    let mut queue = beacon.exit_queue;
    if !ahead_wei.is_zero() {
        queue.compute_exit_epoch_and_update_churn(gwei(ahead_wei), start, total);
    }
    let exit_epoch = queue.compute_exit_epoch_and_update_churn(gwei(wei), start, total);
    let sweep_blocks =
        (beacon.validators.len().max(1) as u64).div_ceil(MAX_WITHDRAWALS_PER_PAYLOAD as u64);
    vec![
        ("until the validators may exit".into(), (start - epoch) * SECONDS_PER_EPOCH),
        ("beacon exit queue".into(), (exit_epoch - start) * SECONDS_PER_EPOCH),
        ("withdrawability delay".into(), MIN_VALIDATOR_WITHDRAWABILITY_DELAY * SECONDS_PER_EPOCH),
        ("withdrawal sweep".into(), sweep_blocks * SECONDS_PER_BLOCK),
    ]
}

/// The earliest epoch the LRT's validators (those its delegators' pods are credentials of) may
/// exit: activated `SHARD_COMMITTEE_PERIOD` epochs before; one still waiting to be activated
/// counts from the end of the entry queue.
fn eligible_exit_epoch(lrt: &super::Lrt, env: &LrtEnv<'_>) -> u64 {
    use crate::{
        beacon::{SHARD_COMMITTEE_PERIOD, churn, state::FAR_FUTURE_EPOCH},
        eigenlayer::pods::pod_address,
    };
    let epoch = env.block / crate::beacon::SLOTS_PER_EPOCH;
    let pods: Vec<Address> = lrt.delegators.iter().map(|d| pod_address(d.address)).collect();
    let pending: u64 = env.beacon.pending_deposits.iter().map(|d| d.amount).sum();
    let total = env.beacon.total_active_balance(epoch);
    let entry = churn::entry_wait_epochs(pending, 0, total) + churn::ACTIVATION_EXIT_DELAY_EPOCHS;
    let mut earliest = u64::MAX;
    let ours = pods.iter().filter_map(|pod| env.beacon.by_credentials.get(pod)).flatten();
    for v in ours.map(|&i| &env.beacon.validators[i]) {
        let active_from =
            if v.activation_epoch == FAR_FUTURE_EPOCH { epoch + entry } else { v.activation_epoch };
        earliest = earliest.min(active_from + SHARD_COMMITTEE_PERIOD);
    }
    if env.beacon.pending_deposits.iter().any(|d| pods.contains(&d.credentials.address)) {
        earliest = earliest.min(epoch + entry + SHARD_COMMITTEE_PERIOD);
    }
    if earliest == u64::MAX { epoch } else { earliest }
}

fn total(parts: &[(String, u64)]) -> u64 {
    parts.iter().map(|(_, s)| s).sum()
}

impl Lrts {
    /// The routes out of `shares` of the LRT at `pool`.
    pub fn exit_routes(
        &self,
        pool: Address,
        ledger: &Ledger,
        env: &LrtEnv<'_>,
        shares: U256,
    ) -> Result<Vec<ExitRoute>> {
        let lrt = self.lrt(pool)?;
        let value = self.shares_value(pool, ledger, env, shares)?;
        let nav = lrt.live_nav(pool, ledger, env)?;
        let reserved: U256 = lrt.withdrawals.values().map(|w| w.owed).sum();
        let liquid = ledger.balance_of(NATIVE_ETH, pool);
        let el_delay = env.eigenlayer.params.min_withdrawal_delay_blocks * SECONDS_PER_BLOCK;
        let mut routes = Vec::new();

        if let Some(rules) = lrt.params.instant.clone() {
            let quote = self.instant_quote(pool, ledger, env, shares, &rules);
            let why_not = match (&quote, lrt.paused) {
                (_, true) => Some("the LRT is paused".to_owned()),
                (Err(e), _) => Some(e.to_string()),
                (Ok(q), _) => self
                    .limit_after(pool, env.now, &rules.limit, q.limited)
                    .err()
                    .map(|e| e.to_string()),
            };
            let quote = quote.unwrap_or_default();
            routes.push(ExitRoute {
                route: "instant".into(),
                available: why_not.is_none(),
                why_not,
                seconds: 0,
                receive: quote.paid,
                cost: quote.fee,
                parts: Vec::new(),
            });
        }

        // Queued: the cooldown, and in parallel whatever unwinding the buffer cannot cover.
        let mut parts = vec![("protocol cooldown".to_owned(), lrt.params.cooldown_seconds)];
        let free = liquid.saturating_sub(reserved);
        if value > free {
            let shortfall = value - free;
            let from_lsts = shortfall.min(nav.restaked.saturating_sub(native_restaked(lrt, env)));
            let native = shortfall - from_lsts;
            if !native.is_zero() {
                // Requests already queued are served first.
                let ahead = reserved.saturating_sub(liquid);
                let eligible = eligible_exit_epoch(lrt, env);
                let beacon = beacon_exit_seconds(env.beacon, env.block, ahead, native, eligible);
                let through_beacon = total(&beacon);
                parts.push((
                    "EigenLayer withdrawal delay (in parallel)".into(),
                    el_delay.max(through_beacon),
                ));
                parts.extend(
                    beacon.into_iter().map(|(name, s)| (format!("{name} (part of the above)"), s)),
                );
            } else if !from_lsts.is_zero() {
                parts.push(("EigenLayer withdrawal delay".into(), el_delay));
            }
        }
        let seconds = parts
            .iter()
            .filter(|(n, _)| !n.ends_with("(part of the above)"))
            .map(|(_, s)| *s)
            .max()
            .unwrap_or(0);
        routes.push(ExitRoute {
            route: "queued".into(),
            available: !lrt.paused,
            why_not: lrt.paused.then(|| "the LRT is paused".to_owned()),
            seconds,
            receive: value,
            cost: U256::ZERO,
            parts,
        });

        // The same value restaked directly as native ETH: EigenLayer's delay alongside the
        // validator's exit through the beacon chain.
        // (A validator already active for 256 epochs: the exit can start now.)
        let epoch = env.block / crate::beacon::SLOTS_PER_EPOCH;
        let beacon = beacon_exit_seconds(env.beacon, env.block, U256::ZERO, value, epoch);
        let through_beacon = total(&beacon);
        let mut parts = vec![("EigenLayer withdrawal delay".to_owned(), el_delay)];
        parts.extend(beacon);
        routes.push(ExitRoute {
            route: "direct_restaking".into(),
            available: true,
            why_not: None,
            seconds: el_delay.max(through_beacon),
            receive: value,
            cost: U256::ZERO,
            parts,
        });
        Ok(routes)
    }
}

/// The part of the LRT's restaked value held as EigenPod shares.
fn native_restaked(lrt: &super::Lrt, env: &LrtEnv<'_>) -> U256 {
    lrt.delegators
        .iter()
        .map(|d| {
            env.eigenlayer
                .get_withdrawable_shares(d.address, &[crate::accounts::BEACON_CHAIN_ETH_STRATEGY])
                .map(|(w, _)| w[0])
                .unwrap_or_default()
        })
        .fold(U256::ZERO, |a, b| a.saturating_add(b))
}
