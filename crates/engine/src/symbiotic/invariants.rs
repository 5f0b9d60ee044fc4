//! Symbiotic's invariants: every vault holds what it owes (active stake and unclaimed buckets),
//! shares add up to their totals, limits stay under their maxima, cumulative slashes only
//! grow, and reward contracts hold what they owe.

use std::collections::BTreeMap;

use alloy_primitives::{Address, U256};

use super::{Symbiotic, operator_rewards_address, state::DelegatorKind, vault::At};
use crate::ledger::Ledger;

impl Symbiotic {
    /// Checks every invariant against the ledger.
    pub fn check_invariants(&self, ledger: &Ledger) -> Result<(), String> {
        for (address, vault) in &self.vaults {
            let fail = |what: String| Err(format!("symbiotic vault {address}: {what}"));
            let balance = ledger.balance_of(vault.collateral, *address);
            let flows = &vault.totals;
            let out = flows.claimed.checked_add(flows.slashed).ok_or("overflow")?;
            let expected =
                flows.deposited.checked_sub(out).ok_or("paid out more than deposited")?;
            if balance < expected {
                return fail(format!(
                    "holds {balance}, less than deposited − claimed − slashed = {expected}"
                ));
            }
            let mut owed = vault.active_stake(At::Latest);
            for (epoch, bucket) in &vault.withdrawals {
                let claimed = flows.claimed_by_epoch.get(epoch).map(|a| a.0).unwrap_or_default();
                let Some(left) = bucket.0.checked_sub(claimed) else {
                    return fail(format!(
                        "epoch {epoch}: claimed {claimed} from a bucket of {}",
                        bucket.0
                    ));
                };
                owed = owed.checked_add(left).ok_or("overflow")?;
            }
            if balance < owed {
                return fail(format!("holds {balance} but owes {owed} (active stake and buckets)"));
            }
            let held: U256 = vault.active_shares_of.values().map(|trace| trace.latest()).sum();
            if held != vault.active_shares(At::Latest) {
                return fail(format!("active shares of holders sum to {held}, not the total"));
            }
            let mut bucket_shares: BTreeMap<u64, U256> = BTreeMap::new();
            for ((epoch, _), shares) in &vault.withdrawal_shares_of {
                *bucket_shares.entry(*epoch).or_default() += shares.0;
            }
            for (epoch, shares) in &bucket_shares {
                if *shares != vault.withdrawal_shares(*epoch) {
                    return fail(format!(
                        "epoch {epoch}: claimers' bucket shares do not sum to the total"
                    ));
                }
            }
            let delegator = &vault.delegator;
            let max = |sub: &super::Subnetwork| {
                delegator.max_network_limit.get(sub).map(|t| t.latest()).unwrap_or_default()
            };
            match &delegator.kind {
                DelegatorKind::NetworkRestake {
                    network_limit,
                    operator_network_shares,
                    total_operator_network_shares,
                } => {
                    check_limits(network_limit, max)?;
                    let mut sums: BTreeMap<_, U256> = BTreeMap::new();
                    for ((sub, _), trace) in operator_network_shares {
                        *sums.entry(*sub).or_default() += trace.latest();
                    }
                    for (sub, total) in total_operator_network_shares {
                        if sums.get(sub).copied().unwrap_or_default() != total.latest() {
                            return fail(format!(
                                "total operator shares of {sub:?} are not their sum"
                            ));
                        }
                    }
                }
                DelegatorKind::FullRestake { network_limit, .. }
                | DelegatorKind::OperatorSpecific { network_limit, .. } => {
                    check_limits(network_limit, max)?
                }
                DelegatorKind::OperatorNetworkSpecific { .. } => {}
            }
            if let Some(slasher) = &vault.slasher {
                for (key, trace) in &slasher.cumulative_slash {
                    let values: Vec<U256> = trace.iter().map(|(_, v)| *v).collect();
                    if values.windows(2).any(|w| w[1] < w[0]) {
                        return fail(format!("cumulative slash of {key:?} decreased"));
                    }
                }
            }
        }
        for (address, rewards) in &self.staker_rewards {
            for (token, fee) in &rewards.claimable_admin_fee {
                if ledger.balance_of(*token, *address) < fee.0 {
                    return Err(format!("staker rewards {address}: holds less than its admin fee"));
                }
            }
        }
        let mut owed: BTreeMap<Address, U256> = BTreeMap::new();
        for ((_, token), balance) in &self.operator_rewards.balance {
            *owed.entry(*token).or_default() += balance.0;
        }
        for (token, amount) in owed {
            if ledger.balance_of(token, operator_rewards_address()) < amount {
                return Err(format!("operator rewards hold less {token} than their balances"));
            }
        }
        Ok(())
    }
}

fn check_limits(
    limits: &BTreeMap<super::Subnetwork, crate::checkpoints::Checkpoints<U256>>,
    max: impl Fn(&super::Subnetwork) -> U256,
) -> Result<(), String> {
    for (sub, trace) in limits {
        if trace.latest() > max(sub) {
            return Err(format!("the network limit of {sub:?} exceeds its maximum"));
        }
    }
    Ok(())
}
