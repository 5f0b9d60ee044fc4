//! The NAV an LRT's backing is worth right now, read from the world: the buffer, each operator
//! delegator's idle funds, its EigenLayer positions at their withdrawable value (after every
//! slash), its queued EigenLayer withdrawals, ETH on its way to its EigenPod's validators, and
//! stETH it is redeeming through Lido's withdrawal queue. Every asset is priced by the LRT's
//! oracle (ETH at 1); what Lido owes is ETH at par.

use alloy_primitives::{Address, U256};
use serde::{Deserialize, Serialize};

use super::{Lrt, LrtEnv, Result};
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
    /// stETH in Lido withdrawal requests the pool or a delegator owns and has not claimed,
    /// finalized or not: ETH Lido owes, at par (the share rate is 1, so a claim pays exactly
    /// the stETH requested).
    #[serde(default, with = "serde_ext::amount")]
    pub lido_withdrawals: U256,
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

    /// `shares` of `strategy` in units of its token (beaconChainETH shares are wei).
    fn underlying(
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
        underlying_for_shares(shares, pool.total_shares, balance)
            .map_err(|_| math::MathError::Overflow.into())
    }

    fn strategy_value(
        &self,
        ledger: &Ledger,
        el: &EigenLayer,
        strategy: Address,
        shares: U256,
    ) -> Result<U256> {
        let underlying = Self::underlying(ledger, el, strategy, shares)?;
        if strategy == BEACON_CHAIN_ETH_STRATEGY {
            return Ok(underlying);
        }
        let token = el.strategies.get(&strategy).map_or(NATIVE_ETH, |s| s.token);
        self.value(token, underlying)
    }

    /// Every EigenLayer position of delegator `od`, restaked (withdrawable) and queued, as
    /// (strategy, shares, queued).
    fn positions(el: &EigenLayer, od: Address, block: u64) -> Result<Vec<(Address, U256, bool)>> {
        let mut out = Vec::new();
        let Some(staker) = el.stakers.get(&od) else { return Ok(out) };
        let strategies: Vec<Address> = staker.positions.iter().map(|p| p.strategy).collect();
        let (withdrawable, _) =
            el.get_withdrawable_shares(od, &strategies).map_err(|_| math::MathError::Overflow)?;
        out.extend(strategies.into_iter().zip(withdrawable).map(|(s, w)| (s, w, false)));
        for root in &staker.queued_withdrawals {
            let Some(withdrawal) = el.withdrawals.get(root) else {
                return Err(math::MathError::Overflow.into());
            };
            let shares =
                el.withdrawal_shares(block, withdrawal).map_err(|_| math::MathError::Overflow)?;
            out.extend(withdrawal.strategies.iter().zip(shares).map(|(s, w)| (*s, w, true)));
        }
        Ok(out)
    }

    /// ETH deposited to `od`'s validators whose credentials are not yet proven to its pod.
    fn in_flight(el: &EigenLayer, beacon: &BeaconChain, od: Address) -> Result<U256> {
        if beacon.by_credentials.is_empty() && beacon.pending_deposits.is_empty() {
            return Ok(U256::ZERO);
        }
        let proven = el.pods.get(&od);
        // A pod knows its address; deriving it costs two keccaks (checksum, then the hash).
        let credentials = proven.map_or_else(|| pod_address(od), |pod| pod.address);
        let indices =
            beacon.by_credentials.get(&credentials).map(Vec::as_slice).unwrap_or_default();
        let mut total = U256::ZERO;
        for validator in indices.iter().map(|&i| &beacon.validators[i]) {
            if proven.is_none_or(|pod| !pod.validators.contains_key(&validator.pubkey)) {
                total = math::add(total, math::mul(U256::from(validator.balance), GWEI)?)?;
            }
        }
        for deposit in &beacon.pending_deposits {
            if deposit.credentials.address == credentials {
                total = math::add(total, math::mul(U256::from(deposit.amount), GWEI)?)?;
            }
        }
        Ok(total)
    }

    /// How much of `asset` the LRT holds, in units of the asset: in the pool, with its
    /// delegators, restaked and queued in EigenLayer, and (ETH) on its way to validators.
    pub fn asset_held(
        &self,
        pool: Address,
        ledger: &Ledger,
        el: &EigenLayer,
        beacon: &BeaconChain,
        block: u64,
        asset: Address,
    ) -> Result<U256> {
        let mut held = ledger.balance_of(asset, pool);
        for delegator in &self.delegators {
            let od = delegator.address;
            held = math::add(held, ledger.balance_of(asset, od))?;
            for (strategy, shares, _) in Self::positions(el, od, block)? {
                let token = el.strategies.get(&strategy).map(|s| s.token);
                let same = if asset == NATIVE_ETH {
                    strategy == BEACON_CHAIN_ETH_STRATEGY
                } else {
                    token == Some(asset)
                };
                if same {
                    held = math::add(held, Self::underlying(ledger, el, strategy, shares)?)?;
                }
            }
            if asset == NATIVE_ETH {
                held = math::add(held, Self::in_flight(el, beacon, od)?)?;
            }
        }
        Ok(held)
    }

    /// What Lido owes the LRT at `pool`: the stETH of the unclaimed withdrawal requests the
    /// pool and its delegators own, at par.
    pub fn lido_withdrawals(&self, pool: Address, env: &LrtEnv<'_>) -> Result<U256> {
        let owners = std::iter::once(pool).chain(self.delegators.iter().map(|d| d.address));
        Ok(owners.map(|owner| env.lido.unclaimed_of(owner)).try_fold(U256::ZERO, math::add)?)
    }

    /// What the backing of `pool` (this LRT's address) is worth now.
    pub fn live_nav(
        &self,
        pool: Address,
        ledger: &Ledger,
        env: &LrtEnv<'_>,
    ) -> Result<NavBreakdown> {
        let (el, beacon, block) = (env.eigenlayer, env.beacon, env.block);
        let mut nav = NavBreakdown::default();
        (nav.buffer, nav.buffer_eth) = self.holdings(ledger, pool)?;
        for delegator in &self.delegators {
            let od = delegator.address;
            nav.delegators_idle = math::add(nav.delegators_idle, self.holdings(ledger, od)?.0)?;
            for (strategy, shares, queued) in Self::positions(el, od, block)? {
                let value = self.strategy_value(ledger, el, strategy, shares)?;
                let part = if queued { &mut nav.queued } else { &mut nav.restaked };
                *part = math::add(*part, value)?;
            }
            nav.in_flight = math::add(nav.in_flight, Self::in_flight(el, beacon, od)?)?;
        }
        nav.lido_withdrawals = self.lido_withdrawals(pool, env)?;
        nav.total = [
            nav.buffer,
            nav.delegators_idle,
            nav.restaked,
            nav.queued,
            nav.in_flight,
            nav.lido_withdrawals,
        ]
        .into_iter()
        .try_fold(U256::ZERO, math::add)?;
        Ok(nav)
    }
}
