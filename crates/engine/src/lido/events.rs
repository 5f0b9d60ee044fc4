//! Lido's events, named as the contracts' (fields in snake_case). The ERC20 `Transfer` /
//! `TransferShares` of stETH and the ERC721 `Transfer` of a request's NFT are not emitted: the
//! ledger's balances and these events carry the same facts.

use alloy_primitives::{Address, U256};
use serde::{Deserialize, Serialize};

use crate::serde_ext;

/// An event of the Lido module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event")]
#[allow(missing_docs)] // fields are named as the contracts' event arguments
pub enum LidoEvent {
    /// `Submitted(sender, amount, referral)`, with the shares minted (one per wei here).
    Submitted {
        #[serde(with = "serde_ext::account")]
        sender: Address,
        #[serde(with = "serde_ext::amount")]
        amount: U256,
        #[serde(with = "serde_ext::account")]
        referral: Address,
        #[serde(with = "serde_ext::amount")]
        shares: U256,
    },
    /// `WithdrawalRequested(requestId, requestor, owner, amountOfStETH, amountOfShares)`.
    WithdrawalRequested {
        request_id: u64,
        #[serde(with = "serde_ext::account")]
        requestor: Address,
        #[serde(with = "serde_ext::account")]
        owner: Address,
        #[serde(with = "serde_ext::amount")]
        amount_of_steth: U256,
        #[serde(with = "serde_ext::amount")]
        amount_of_shares: U256,
    },
    /// `WithdrawalsFinalized(from, to, amountOfETHLocked, sharesToBurn, timestamp)`: the
    /// batch's stETH is burnt and its ETH locked in the queue.
    WithdrawalsFinalized {
        from: u64,
        to: u64,
        #[serde(with = "serde_ext::amount")]
        amount_of_eth_locked: U256,
        #[serde(with = "serde_ext::amount")]
        shares_to_burn: U256,
        timestamp: u64,
    },
    /// `WithdrawalClaimed(requestId, owner, receiver, amountOfETH)`.
    WithdrawalClaimed {
        request_id: u64,
        #[serde(with = "serde_ext::account")]
        owner: Address,
        #[serde(with = "serde_ext::account")]
        receiver: Address,
        #[serde(with = "serde_ext::amount")]
        amount_of_eth: U256,
    },
    /// `StakingPaused()`.
    StakingPaused {},
    /// `StakingResumed()`.
    StakingResumed {},
    /// The finalizer's role moved (`RoleRevoked` then `RoleGranted` of `FINALIZE_ROLE`).
    FinalizerSet {
        #[serde(with = "serde_ext::account")]
        finalizer: Address,
    },
}
