//! Every way out of an LRT position, with its time and cost, composed from the buffer, the
//! protocol's cooldown, the EigenLayer withdrawal delay, the beacon chain's exit queue, the
//! withdrawability delay and the withdrawal sweep.

use alloy_primitives::{Address, U256};
use serde::{Deserialize, Serialize};

use super::{BPS, LrtEnv, Lrts, Result};
use crate::{
    accounts::NATIVE_ETH,
    beacon::{
        BeaconChain, MAX_WITHDRAWALS_PER_PAYLOAD,
        churn::{GWEI_PER_ETH, MIN_VALIDATOR_WITHDRAWABILITY_DELAY, SECONDS_PER_EPOCH},
    },
    clock::SECONDS_PER_BLOCK,
    ledger::Ledger,
    math::{self, Rounding},
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

/// How long an exit of `wei` of native ETH takes through the beacon chain now: the exit queue,
/// the withdrawability delay and one withdrawal sweep.
pub fn beacon_exit_seconds(beacon: &BeaconChain, block: u64, wei: U256) -> Vec<(String, u64)> {
    let epoch = block / crate::beacon::SLOTS_PER_EPOCH;
    let total = beacon.total_active_balance(epoch);
    let gwei = u64::try_from(wei / U256::from(GWEI_PER_ETH)).unwrap_or(u64::MAX);
    let mut queue = beacon.exit_queue;
    let exit_epoch = queue.compute_exit_epoch_and_update_churn(gwei, epoch, total);
    let sweep_blocks =
        (beacon.validators.len() as u64).div_ceil(MAX_WITHDRAWALS_PER_PAYLOAD as u64);
    vec![
        ("beacon exit queue".into(), (exit_epoch - epoch) * SECONDS_PER_EPOCH),
        ("withdrawability delay".into(), MIN_VALIDATOR_WITHDRAWABILITY_DELAY * SECONDS_PER_EPOCH),
        ("withdrawal sweep".into(), sweep_blocks * SECONDS_PER_BLOCK),
    ]
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
        let nav = lrt.live_nav(pool, ledger, env.eigenlayer, env.beacon, env.block)?;
        let reserved: U256 = lrt.withdrawals.values().map(|w| w.owed).sum();
        let liquid = ledger.balance_of(NATIVE_ETH, pool);
        let el_delay = env.eigenlayer.params.min_withdrawal_delay_blocks * SECONDS_PER_BLOCK;
        let mut routes = Vec::new();

        if let Some(fee_bps) = lrt.params.instant_fee_bps {
            let fee = math::mul_div(value, U256::from(fee_bps), U256::from(BPS), Rounding::Ceil)?;
            let paid = value - fee;
            let day = env.now / 86_400;
            let used =
                if lrt.instant_window.0 == day { lrt.instant_window.1.0 } else { U256::ZERO };
            let cap = lrt.params.instant_daily_cap;
            let why_not = if lrt.paused {
                Some("the LRT is paused".to_owned())
            } else if paid > liquid {
                Some(format!("the buffer holds {liquid} wei of ETH"))
            } else if !cap.is_zero() && used + paid > cap {
                Some(format!("today's instant cap has {} wei left", cap.saturating_sub(used)))
            } else {
                None
            };
            routes.push(ExitRoute {
                route: "instant".into(),
                available: why_not.is_none(),
                why_not,
                seconds: 0,
                receive: paid,
                cost: fee,
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
                let beacon = beacon_exit_seconds(env.beacon, env.block, native);
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
        let beacon = beacon_exit_seconds(env.beacon, env.block, value);
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
