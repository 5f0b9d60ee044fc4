//! Lido's invariants.
//!
//! - The queue: request amounts within [100 wei, 1000 stETH] (cumulative stETH rises by each),
//!   timestamps in order, the finalized prefix within the queue, only finalized requests
//!   claimed, and `requestsByOwner` listing exactly the unclaimed requests of each owner.
//! - Locked ether is exactly the stETH of finalized, unclaimed requests (the share rate is 1,
//!   so nothing is discounted), and the queue holds at least that ETH.
//! - The queue holds at least the stETH of unfinalized requests: it is burnt at finalization,
//!   as Lido's report burns the queue's shares.
//! - Backing: ETH leaves Lido's buffer only to the queue at finalization, and stETH Lido minted
//!   is destroyed only there, so `buffer + finalized ≥ submitted` and
//!   `stETH supply + finalized ≥ submitted`. Hence `buffer ≥ supply − (stETH minted outside
//!   Lido, by token.mint)`; in a world whose stETH all came from `lido.submit` and whose Lido
//!   received no other ETH, `buffer == supply` exactly (checked by the tests).
//!
//! The bounds on ledger balances are inequalities because anyone may send tokens to a
//! contract's address (stranded there, as on chain).

use alloy_primitives::U256;

use super::{
    Lido, MAX_STETH_WITHDRAWAL_AMOUNT, MIN_STETH_WITHDRAWAL_AMOUNT, lido_address, steth,
    withdrawal_queue_address,
};
use crate::{accounts::NATIVE_ETH, ledger::Ledger};

impl Lido {
    /// Checks every invariant.
    pub fn check_invariants(&self, ledger: &Ledger) -> Result<(), String> {
        let fail = |what: String| Err(format!("lido: {what}"));
        if self.last_finalized_request_id > self.last_request_id() {
            return fail("the last finalized request is past the last request".into());
        }
        let (mut previous, mut last_timestamp) = (U256::ZERO, 0u64);
        let (mut locked, mut unclaimed) = (U256::ZERO, 0usize);
        for (index, request) in self.queue.iter().enumerate() {
            let id = index as u64 + 1;
            let Some(amount) = request.cumulative_steth.checked_sub(previous) else {
                return fail(format!("request {id}'s cumulative stETH falls"));
            };
            if amount < MIN_STETH_WITHDRAWAL_AMOUNT || amount > MAX_STETH_WITHDRAWAL_AMOUNT {
                return fail(format!("request {id} is for {amount} wei, outside the bounds"));
            }
            if request.timestamp < last_timestamp {
                return fail(format!("request {id} is older than its predecessor"));
            }
            let finalized = id <= self.last_finalized_request_id;
            if request.claimed && !finalized {
                return fail(format!("request {id} was claimed before it was finalized"));
            }
            let listed =
                self.requests_by_owner.get(&request.owner).is_some_and(|ids| ids.contains(&id));
            if listed == request.claimed {
                return fail(format!("request {id} is (un)listed under its owner wrongly"));
            }
            if !request.claimed {
                unclaimed += 1;
                if finalized {
                    locked = locked.saturating_add(amount);
                }
            }
            (previous, last_timestamp) = (request.cumulative_steth, request.timestamp);
        }
        let listed: usize = self.requests_by_owner.values().map(|ids| ids.len()).sum();
        if listed != unclaimed {
            return fail(format!("{listed} requests listed by owner, {unclaimed} unclaimed"));
        }
        if locked != self.locked_ether {
            return fail(format!(
                "locked ether is {} but finalized, unclaimed requests are for {locked}",
                self.locked_ether
            ));
        }
        let queue = withdrawal_queue_address();
        if ledger.balance_of(NATIVE_ETH, queue) < self.locked_ether {
            return fail("the queue holds less ETH than is locked".into());
        }
        if ledger.balance_of(steth(), queue) < self.unfinalized_steth() {
            return fail("the queue holds less stETH than unfinalized requests".into());
        }
        let finalized = self.cumulative_steth(self.last_finalized_request_id);
        let buffer = ledger.balance_of(NATIVE_ETH, lido_address());
        if buffer.saturating_add(finalized) < self.total_submitted {
            return fail(format!(
                "the buffer ({buffer}) lost ETH other than the {finalized} finalized of {} \
                 submitted",
                self.total_submitted
            ));
        }
        let supply = ledger.token(steth()).map_err(|e| e.to_string())?.total_supply;
        if supply.saturating_add(finalized) < self.total_submitted {
            return fail(format!(
                "stETH supply {supply} lost more than the {finalized} burnt at finalization"
            ));
        }
        Ok(())
    }
}
