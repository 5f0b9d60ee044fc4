//! Babylon's invariants: every satoshi of every delegation is locked, burned, paid as a fee or
//! returned; the escrow holds exactly what is locked; only delegations of slashed providers
//! are slashed; rewards owed are in the pool.

use std::collections::BTreeMap;

use alloy_primitives::{Address, U256};

use super::{Babylon, escrow_address, rewards_address};
use crate::{accounts::token_address, ledger::Ledger};

impl Babylon {
    /// Checks every invariant against the ledger.
    pub fn check_invariants(&self, ledger: &Ledger) -> Result<(), String> {
        let mut locked_total: u128 = 0;
        for (hash, delegation) in &self.delegations {
            let out = delegation.outflows;
            let spent = u128::from(out.burned_sat)
                + u128::from(out.fees_sat)
                + u128::from(out.returned_sat);
            if spent > u128::from(delegation.value_sat) {
                return Err(format!("delegation {hash} paid out more than it staked"));
            }
            let locked =
                if delegation.withdrawn { 0 } else { u128::from(delegation.value_sat) - spent };
            if delegation.withdrawn && spent != u128::from(delegation.value_sat) {
                return Err(format!(
                    "delegation {hash}: staked = burned + fees + returned does not hold"
                ));
            }
            locked_total += locked;
            if delegation.slashed_at.is_some()
                && !delegation
                    .fp_btc_pks
                    .iter()
                    .any(|fp| self.finality_providers[fp].slashed.is_some())
            {
                return Err(format!("delegation {hash} is slashed but none of its providers is"));
            }
        }
        let escrow = ledger.balance_of(token_address("BTC"), escrow_address());
        if escrow != U256::from(locked_total) {
            return Err(format!(
                "the staking escrow holds {escrow} sat but delegations lock {locked_total}"
            ));
        }
        let mut owed: BTreeMap<Address, U256> = BTreeMap::new();
        for ((_, token), amount) in &self.rewards {
            *owed.entry(*token).or_default() += *amount;
        }
        for (token, amount) in owed {
            let pool = ledger.balance_of(token, rewards_address());
            if pool < amount {
                return Err(format!("the reward pool holds {pool} of {token} but owes {amount}"));
            }
        }
        Ok(())
    }
}
