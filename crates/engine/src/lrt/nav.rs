//! The NAV an LRT's backing is worth right now, read from the world: the buffer, each operator
//! delegator's idle funds, its EigenLayer positions at their withdrawable value (after every
//! slash), its queued EigenLayer withdrawals, and ETH on its way to its EigenPod's validators.
//! Every asset is priced by the LRT's oracle (ETH at 1).

use alloy_primitives::{Address, U256};
use serde::{Deserialize, Serialize};

use super::{Lrt, Result};
use crate::{
    accounts::{BEACON_CHAIN_ETH_STRATEGY, NATIVE_ETH},
    beacon::BeaconChain,
    eigenlayer::{EigenLayer, pods::pod_address, underlying_for_shares},
    ledger::Ledger,
    math::{self, GWEI, Rounding, WAD},
    serde_ext,
};

/// Where an LRT's backing sits, in wei of ETH.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NavBreakdown {
    /// Assets in the deposit pool (the buffer), escrowed shares aside.
    #[serde(with = "serde_ext::amount")]
    pub buffer: U256,
    /// ETH of the buffer alone (what instant and queued exits pay from).
    #[serde(with = "serde_ext::amount")]
    pub buffer_eth: U256,
    /// Assets held by operator delegators, not restaked.
    #[serde(with = "serde_ext::amount")]
    pub delegators_idle: U256,
    /// EigenLayer positions at their withdrawable value (LST strategies and EigenPod shares).
    #[serde(with = "serde_ext::amount")]
    pub restaked: U256,
    /// EigenLayer withdrawals queued and not completed (still slashable).
    #[serde(with = "serde_ext::amount")]
    pub queued: U256,
    /// ETH deposited to validators whose credentials are not yet proven to the pod.
    #[serde(with = "serde_ext::amount")]
    pub in_flight: U256,
    /// The sum.
    #[serde(with = "serde_ext::amount")]
    pub total: U256,
}

impl Lrt {
    /// The oracle price of `asset` (wei of ETH per 1e18 units); ETH is 1.
    pub fn price(&self, asset: Address) -> U256 {
        if asset == NATIVE_ETH {
            return WAD;
        }
        self.prices.get(&asset).map_or(WAD, |p| p.0)
    }

    /// `amount` of `asset` in wei of ETH (rounded down).
    pub fn value(&self, asset: Address, amount: U256) -> Result<U256> {
        Ok(math::mul_div(amount, self.price(asset), WAD, Rounding::Floor)?)
    }

    fn holdings(&self, ledger: &Ledger, holder: Address) -> Result<(U256, U256)> {
        let eth = ledger.balance_of(NATIVE_ETH, holder);
        let mut total = eth;
        for asset in self.prices.keys() {
            if *asset != NATIVE_ETH {
                total = math::add(total, self.value(*asset, ledger.balance_of(*asset, holder))?)?;
            }
        }
        Ok((total, eth))
    }

    fn strategy_value(
        &self,
        ledger: &Ledger,
        el: &EigenLayer,
        strategy: Address,
        shares: U256,
    ) -> Result<U256> {
        if strategy == BEACON_CHAIN_ETH_STRATEGY {
            return Ok(shares);
        }
        let Some(pool) = el.strategies.get(&strategy) else { return Ok(U256::ZERO) };
        let balance = ledger.balance_of(pool.token, strategy);
        let underlying = underlying_for_shares(shares, pool.total_shares, balance)
            .map_err(|_| math::MathError::Overflow)?;
        self.value(pool.token, underlying)
    }

    /// What the backing of `pool` (this LRT's address) is worth now.
    pub fn live_nav(
        &self,
        pool: Address,
        ledger: &Ledger,
        el: &EigenLayer,
        beacon: &BeaconChain,
        block: u64,
    ) -> Result<NavBreakdown> {
        let mut nav = NavBreakdown::default();
        (nav.buffer, nav.buffer_eth) = self.holdings(ledger, pool)?;
        for delegator in &self.delegators {
            let od = delegator.address;
            nav.delegators_idle = math::add(nav.delegators_idle, self.holdings(ledger, od)?.0)?;
            if let Some(staker) = el.stakers.get(&od) {
                let strategies: Vec<Address> =
                    staker.positions.iter().map(|p| p.strategy).collect();
                let (withdrawable, _) = el
                    .get_withdrawable_shares(od, &strategies)
                    .map_err(|_| math::MathError::Overflow)?;
                for (strategy, shares) in strategies.into_iter().zip(withdrawable) {
                    let value = self.strategy_value(ledger, el, strategy, shares)?;
                    nav.restaked = math::add(nav.restaked, value)?;
                }
                for root in &staker.queued_withdrawals {
                    let Ok((withdrawal, shares)) = el.shares_by_withdrawal_root(block, *root)
                    else {
                        continue;
                    };
                    for (strategy, shares) in withdrawal.strategies.iter().zip(shares) {
                        let value = self.strategy_value(ledger, el, *strategy, shares)?;
                        nav.queued = math::add(nav.queued, value)?;
                    }
                }
            }
            let credentials = pod_address(od);
            let proven = el.pods.get(&od);
            let indices =
                beacon.by_credentials.get(&credentials).map(Vec::as_slice).unwrap_or_default();
            for validator in indices.iter().map(|&i| &beacon.validators[i]) {
                let unproven =
                    proven.is_none_or(|pod| !pod.validators.contains_key(&validator.pubkey));
                if unproven {
                    let wei = math::mul(U256::from(validator.balance), GWEI)?;
                    nav.in_flight = math::add(nav.in_flight, wei)?;
                }
            }
            for deposit in &beacon.pending_deposits {
                if deposit.credentials.address == credentials {
                    let wei = math::mul(U256::from(deposit.amount), GWEI)?;
                    nav.in_flight = math::add(nav.in_flight, wei)?;
                }
            }
        }
        nav.total = [nav.buffer, nav.delegators_idle, nav.restaked, nav.queued, nav.in_flight]
            .into_iter()
            .try_fold(U256::ZERO, math::add)?;
        Ok(nav)
    }
}
