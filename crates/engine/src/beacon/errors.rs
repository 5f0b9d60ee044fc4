//! Why a beacon-chain operation is refused (the spec's assertions, named).

use alloy_primitives::B256;

use crate::ledger::LedgerError;

/// A refused beacon-chain operation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, strum::IntoStaticStr)]
pub enum BeaconError {
    /// Deposits are whole gwei, at least 1 ETH.
    #[error("a deposit must be at least 1 ETH and a whole number of gwei")]
    InvalidDepositAmount,
    /// No validator has this key.
    #[error("no validator has key {0}")]
    UnknownValidator(B256),
    /// Only the operator (voluntary exit) or the withdrawal address (request) may.
    #[error("the sender may not exit validator {0}")]
    Unauthorized(B256),
    /// The validator is not active.
    #[error("validator {0} is not active")]
    NotActive(B256),
    /// The validator is already exiting.
    #[error("validator {0} has already initiated its exit")]
    AlreadyExiting(B256),
    /// A validator must be active 256 epochs before it may exit.
    #[error("validator {pubkey} may exit from epoch {from}")]
    TooYoungToExit {
        /// The validator.
        pubkey: B256,
        /// The first epoch it may exit.
        from: u64,
    },
    /// The validator is already slashed.
    #[error("validator {0} is already slashed")]
    AlreadySlashed(B256),
    /// Only the admin submits slashing evidence and sets participation.
    #[error("only the admin may submit slashing evidence or set participation")]
    OnlyAdmin,
    /// Participation is at most 10,000 basis points.
    #[error("participation of {0} basis points is above 10,000")]
    InvalidParticipation(u16),
    /// A token movement failed.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

impl BeaconError {
    /// The error's name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Ledger(inner) => inner.into(),
            other => other.into(),
        }
    }
}
