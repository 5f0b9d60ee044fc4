//! Why a Lido call reverts, named as the contracts' errors: the withdrawal queue's custom
//! errors, and Lido's (Solidity 0.4.24) revert strings in CamelCase (`"ZERO_DEPOSIT"` →
//! `ZeroDeposit`).

use alloy_primitives::{Address, U256};

use crate::{ledger::LedgerError, math::MathError};

/// A reverted Lido call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, strum::IntoStaticStr)]
pub enum LidoError {
    /// `submit` with no ETH (`"ZERO_DEPOSIT"`).
    #[error("a submit must send ETH")]
    ZeroDeposit,
    /// `submit` while staking is paused (`"STAKING_PAUSED"`).
    #[error("staking is paused")]
    StakingPaused,
    /// The sender lacks the role (`AccessControl: account … is missing role …`; Aragon's
    /// `APP_AUTH_FAILED` for the staking switch).
    #[error("{account} is missing {role}")]
    MissingRole {
        /// The sender.
        account: Address,
        /// The role (`FINALIZE_ROLE`, `STAKING_CONTROL_ROLE`, `DEFAULT_ADMIN_ROLE`).
        role: &'static str,
    },
    /// A request below `MIN_STETH_WITHDRAWAL_AMOUNT` (100 wei).
    #[error("a request of {0} wei of stETH is below the minimum of 100 wei")]
    RequestAmountTooSmall(U256),
    /// A request above `MAX_STETH_WITHDRAWAL_AMOUNT` (1000 stETH).
    #[error("a request of {0} wei of stETH is above the maximum of 1000 stETH")]
    RequestAmountTooLarge(U256),
    /// Request id 0, an id past the last request, or (finalization) an id already finalized.
    #[error("invalid request id {0}")]
    InvalidRequestId(u64),
    /// `prefinalize` with no batches.
    #[error("no batches")]
    EmptyBatches,
    /// `prefinalize` with batch ends that do not increase.
    #[error("the batches are not sorted")]
    BatchesAreNotSorted,
    /// Claiming a request that does not exist yet or is not finalized.
    #[error("request {0} does not exist or is not finalized")]
    RequestNotFoundOrNotFinalized(u64),
    /// Claiming a request twice.
    #[error("request {0} was already claimed")]
    RequestAlreadyClaimed(u64),
    /// Claiming someone else's request.
    #[error("{sender} is not the owner {owner} of the request")]
    NotOwner {
        /// The sender.
        sender: Address,
        /// The request's owner.
        owner: Address,
    },
    /// Claiming to address(0).
    #[error("the recipient is address(0)")]
    ZeroRecipient,
    /// Lido's buffer cannot pay what finalization locks, or the queue what a claim pays.
    #[error("{needed} wei of ETH are needed, {available} are held")]
    NotEnoughEther {
        /// Needed.
        needed: U256,
        /// Held.
        available: U256,
    },
    /// A token transfer failed (the sender's stETH or ETH is short).
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// Arithmetic overflow or underflow.
    #[error(transparent)]
    Math(#[from] MathError),
}

impl LidoError {
    /// The error's name as the contract would revert with it.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Ledger(inner) => inner.into(),
            Self::Math(_) => "ArithmeticError",
            other => other.into(),
        }
    }
}
