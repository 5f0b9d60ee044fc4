//! Karak's invariants: shares add up to the supply, escrow covers queued redemptions, pending
//! slash counts match the live requests, staked vaults belong to registered operators, and a
//! native vault's accounted assets never exceed what its nodes restaked.

use std::collections::BTreeMap;

use alloy_primitives::{Address, U256};

use super::Karak;
use crate::ledger::Ledger;

impl Karak {
    /// Checks every invariant.
    pub fn check_invariants(&self, _ledger: &Ledger) -> Result<(), String> {
        for (address, vault) in &self.vaults {
            let fail = |what: String| Err(format!("karak vault {address}: {what}"));
            let held: U256 = vault.balances.values().map(|a| a.0).sum();
            if held != vault.total_supply {
                return fail(format!("balances sum to {held}, supply is {}", vault.total_supply));
            }
            if vault.native.is_none() {
                let escrowed: U256 = vault.withdrawals.values().map(|w| w.amount).sum();
                if vault.balance_of(*address) < escrowed {
                    return fail("escrow holds fewer shares than the queued redemptions".into());
                }
            }
            if let Some(native) = &vault.native {
                let restaked: U256 = native.nodes.values().map(|n| n.total_restaked_eth).sum();
                // Sweeps leave each node at least what its owner's shares are worth, which the
                // floor of each conversion may put a wei per node below the total.
                let dust = U256::from(native.nodes.len());
                if native.total_assets > restaked + dust {
                    return fail(format!(
                        "accounts {} of assets but its nodes restaked {restaked}",
                        native.total_assets
                    ));
                }
            }
            let owner = self.operators.get(&vault.operator);
            if !owner.is_some_and(|s| s.vaults.contains(address)) {
                return fail("is not in its operator's vault set".into());
            }
        }
        let mut counts: BTreeMap<(Address, Address), u64> = BTreeMap::new();
        for request in self.slashing_requests.values() {
            for vault in &request.vaults {
                *counts.entry((request.operator, *vault)).or_default() += 1;
            }
        }
        for (operator, state) in &self.operators {
            for (vault, count) in &state.pending_slashings_in_vault {
                if counts.get(&(*operator, *vault)) != Some(count) {
                    return Err(format!("karak: pending slash count of {vault} is off"));
                }
            }
            for (dss, vaults) in &state.vaults_staked_in_dss {
                if !vaults.is_empty() && !state.dss.contains(dss) {
                    return Err(format!(
                        "karak: {operator} has vaults staked to {dss} without being registered"
                    ));
                }
                if vaults.iter().any(|v| !state.vaults.contains(v)) {
                    return Err(format!("karak: {operator} stakes a vault it does not own"));
                }
            }
        }
        let live: usize = self.operators.values().map(|s| s.pending_slashings_in_vault.len()).sum();
        let expected = counts.len();
        if live != expected {
            return Err("karak: a live slash request's vault has no pending count".into());
        }
        Ok(())
    }
}
