//! Lido's state: stETH's staking switch, the withdrawal queue (`WithdrawalQueueBase`'s
//! cumulative requests, its finalized prefix and locked ether) and who finalizes.
//!
//! The ETH Lido holds (its buffer) and the stETH and ETH the queue holds are ledger balances of
//! [`super::lido_address`] and [`super::withdrawal_queue_address`]; the state keeps what the
//! contracts keep in storage beside them.

use std::collections::BTreeMap;

use alloy_primitives::{Address, U256};
use serde::{Deserialize, Serialize};

use crate::{enumerable::EnumerableSet, serde_ext};

/// `MIN_STETH_WITHDRAWAL_AMOUNT`: the smallest request, in wei of stETH.
pub const MIN_STETH_WITHDRAWAL_AMOUNT: U256 = U256::from_limbs([100, 0, 0, 0]);

/// `MAX_STETH_WITHDRAWAL_AMOUNT`: the largest request, 1000 stETH (`1000 * 1e18`).
pub const MAX_STETH_WITHDRAWAL_AMOUNT: U256 = U256::from_limbs([0x35C9_ADC5_DEA0_0000, 0x36, 0, 0]);

/// Lido (stETH) and its `WithdrawalQueueERC721` in one world.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lido {
    /// Who finalizes requests (the accounting oracle, whose report makes Lido call `finalize`
    /// with `FINALIZE_ROLE`); `None`: the world's admin.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "serde_ext::account_opt")]
    pub finalizer: Option<Address>,
    /// `STAKING_PAUSED`: `submit` is refused while set (`pauseStaking` / `resumeStaking`).
    #[serde(default)]
    pub staking_paused: bool,
    /// ETH received through `submit` since the world began (stETH minted the same).
    #[serde(with = "serde_ext::amount")]
    pub total_submitted: U256,
    /// The queue: request `id` is at index `id - 1` (ids start at 1; request 0 is the
    /// contract's zero sentinel).
    pub queue: Vec<WithdrawalRequest>,
    /// `getLastFinalizedRequestId`.
    pub last_finalized_request_id: u64,
    /// `getLockedEtherAmount`: ETH the queue holds for finalized, unclaimed requests.
    #[serde(with = "serde_ext::amount")]
    pub locked_ether: U256,
    /// `requestsByOwner`: each owner's unclaimed requests, in storage order (an
    /// `EnumerableSet`: a claim swaps the last id into the claimed one's slot).
    pub requests_by_owner: BTreeMap<Address, EnumerableSet<u64>>,
}

/// `WithdrawalRequest`, at a share rate of 1: the cumulative shares equal the cumulative stETH,
/// so only the stETH is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawalRequest {
    /// `cumulativeStETH`: all stETH requested up to and including this request.
    #[serde(with = "serde_ext::amount")]
    pub cumulative_steth: U256,
    /// Who may claim it.
    #[serde(with = "serde_ext::account")]
    pub owner: Address,
    /// `block.timestamp` at the request.
    pub timestamp: u64,
    /// Whether it was claimed.
    pub claimed: bool,
}

impl Lido {
    /// Whether nothing ever happened at Lido (the world then leaves it out of its encoding,
    /// so worlds without Lido keep their state hashes).
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// `getLastRequestId`.
    pub fn last_request_id(&self) -> u64 {
        self.queue.len() as u64
    }

    /// The request with this id (1-based), if it exists.
    pub fn request(&self, id: u64) -> Option<&WithdrawalRequest> {
        let index = usize::try_from(id.checked_sub(1)?).ok()?;
        self.queue.get(index)
    }

    /// `cumulativeStETH` of request `id` (0 for the sentinel request 0).
    pub fn cumulative_steth(&self, id: u64) -> U256 {
        self.request(id).map_or(U256::ZERO, |r| r.cumulative_steth)
    }

    /// The stETH of request `id` alone (its cumulative minus its predecessor's).
    pub fn amount_of(&self, id: u64) -> U256 {
        if id == 0 {
            return U256::ZERO;
        }
        self.cumulative_steth(id).saturating_sub(self.cumulative_steth(id - 1))
    }

    /// `unfinalizedStETH`.
    pub fn unfinalized_steth(&self) -> U256 {
        self.cumulative_steth(self.last_request_id())
            .saturating_sub(self.cumulative_steth(self.last_finalized_request_id))
    }

    /// The stETH of `owner`'s unclaimed requests, finalized or not: at a share rate of 1, the
    /// ETH Lido owes it.
    pub fn unclaimed_of(&self, owner: Address) -> U256 {
        self.requests_by_owner
            .get(&owner)
            .map(|ids| {
                ids.iter().fold(U256::ZERO, |sum, id| sum.saturating_add(self.amount_of(*id)))
            })
            .unwrap_or_default()
    }
}
