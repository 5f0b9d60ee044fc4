//! Jito's invariants (spec §3.10): each VRT's mint supply equals the vault's `vrt_supply`; the
//! vault holds at least the tokens it accounts for; delegation never exceeds the deposits; the
//! VRT escrowed in tickets covers the withdrawal pipeline; after a completed update the vault's
//! delegation state is the sum of its operators'.

use alloy_primitives::U256;

use super::{Jito, state::DelegationState};
use crate::ledger::Ledger;

impl Jito {
    /// Checks every invariant.
    pub fn check_invariants(&self, ledger: &Ledger) -> Result<(), String> {
        for (address, vault) in &self.vaults {
            let fail = |what: String| Err(format!("jito vault {address}: {what}"));
            let supply = ledger.token(vault.vrt_mint).map(|t| t.total_supply).unwrap_or_default();
            if supply != U256::from(vault.vrt_supply) {
                return fail(format!("VRT supply {supply}, vault says {}", vault.vrt_supply));
            }
            let held = ledger.balance_of(vault.supported_mint, *address);
            if held < U256::from(vault.tokens_deposited) {
                return fail(format!("holds {held}, accounts for {}", vault.tokens_deposited));
            }
            let security = vault.delegation_state.total_security().map_err(|e| e.to_string())?;
            if security > vault.tokens_deposited {
                return fail(format!(
                    "delegates {security} of {} deposited",
                    vault.tokens_deposited
                ));
            }
            let queued = u128::from(vault.vrt_enqueued_for_cooldown_amount)
                + u128::from(vault.vrt_cooling_down_amount)
                + u128::from(vault.vrt_ready_to_claim_amount);
            let in_tickets: u128 =
                vault.withdrawal_tickets.values().map(|t| u128::from(t.vrt_amount)).sum();
            if queued != in_tickets {
                return fail(format!("pipeline holds {queued} VRT, tickets {in_tickets}"));
            }
            for ticket in vault.withdrawal_tickets.keys() {
                let amount = vault.withdrawal_tickets[ticket].vrt_amount;
                if ledger.balance_of(vault.vrt_mint, *ticket) < U256::from(amount) {
                    return fail(format!("ticket {ticket} holds less than its {amount} VRT"));
                }
            }
            // Between cycles (no tracker open, none half done) the aggregate is the sum.
            if vault.update_trackers.is_empty()
                && vault.last_start_state_update_slot <= vault.last_full_state_update_slot
            {
                let mut sum = DelegationState::default();
                for delegation in vault.operator_delegations.values() {
                    sum.accumulate(&delegation.delegation_state).map_err(|e| e.to_string())?;
                }
                if sum != vault.delegation_state {
                    return fail(format!(
                        "delegation state {:?} is not the operators' sum {sum:?}",
                        vault.delegation_state
                    ));
                }
            }
        }
        Ok(())
    }
}
