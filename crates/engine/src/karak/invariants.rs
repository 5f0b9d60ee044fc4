//! Karak's invariants: shares add up to the supply, escrow covers queued redemptions, pending
//! slash counts match the live requests, staked vaults belong to registered operators, and a
//! native vault's accounted assets are backed by its nodes (restaked ETH or shares' worth).

use std::collections::BTreeMap;

use alloy_primitives::{Address, U256};

use super::Karak;
use crate::{
    ledger::Ledger,
    math::{self, Rounding},
};

/// `⌊shares·(TA+1)/(S+1)⌋` (a result past `U256::MAX` only weakens the check).
fn convert_floor(shares: U256, vault: &super::KarakVault, total_assets: U256) -> U256 {
    let (total, supply) =
        (total_assets.saturating_add(U256::ONE), vault.total_supply.saturating_add(U256::ONE));
    math::mul_div(shares, total, supply, Rounding::Floor).unwrap_or(U256::MAX)
}

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
                // Each node backs the larger of its restaked ETH and its owner's shares' worth.
                // Not the restaked ETH alone: every conversion's floor moves a wei of value
                // between owners, and a snapshot sweeps what an owner lost that way as if it had
                // been slashed, so the sum restaked can fall below the accounted assets by a wei
                // per such conversion, without bound over time (as in Karak's NativeVault).
                let mut backed = U256::ZERO;
                for (owner, node) in &native.nodes {
                    let owned = convert_floor(vault.balance_of(*owner), vault, native.total_assets);
                    backed = backed.saturating_add(node.total_restaked_eth.max(owned));
                }
                // Σ⌊b·(TA+1)/(S+1)⌋ over owners holding all S shares is at least
                // TA − (TA−S)⁺/(S+1) − (one wei per node).
                let excess = native.total_assets.saturating_sub(vault.total_supply);
                let dust = U256::from(native.nodes.len())
                    + excess.div_ceil(vault.total_supply.saturating_add(U256::ONE));
                if native.total_assets > backed.saturating_add(dust) {
                    return fail(format!(
                        "accounts {} of assets but its nodes back only {backed}",
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
