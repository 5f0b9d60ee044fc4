//! Why a Babylon message is rejected, named as the chain's errors (`ErrFpAlreadySlashed` →
//! `FpAlreadySlashed`).

use alloy_primitives::B256;

use crate::{ledger::LedgerError, math::MathError};

/// A rejected Babylon message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, strum::IntoStaticStr)]
pub enum BabylonError {
    /// Only the world's admin (governance) may do this.
    #[error("only governance (the admin) may call {0}")]
    Unauthorized(&'static str),
    /// Parameters that break the chain's rules.
    #[error("invalid parameters: {0}")]
    InvalidParams(String),
    /// The network is not registered.
    #[error("consumer network {0:?} is not registered")]
    ConsumerNotRegistered(String),
    /// The network is already registered.
    #[error("consumer network {0:?} is already registered")]
    ConsumerAlreadyRegistered(String),
    /// A provider with this key exists.
    #[error("a finality provider with key {0} already exists")]
    FpAlreadyExists(B256),
    /// No provider has this key.
    #[error("no finality provider has key {0}")]
    FpNotFound(B256),
    /// The provider was slashed.
    #[error("finality provider {0} is slashed")]
    FpAlreadySlashed(B256),
    /// The provider is jailed for missing votes.
    #[error("finality provider {0} is jailed")]
    FpJailed(B256),
    /// The provider is not jailed, or its jail time has not passed.
    #[error("finality provider {fp} cannot be unjailed: {why}")]
    CannotUnjail {
        /// The provider.
        fp: B256,
        /// Why.
        why: String,
    },
    /// This height's liveness was already judged, or it has no votes.
    #[error("liveness of height {0} cannot be handled: {1}")]
    InvalidLivenessHeight(u64, String),
    /// The commission is malformed, above 1, or below the minimum.
    #[error("commission {0}")]
    InvalidCommission(String),
    /// Only the provider's owner may act for it.
    #[error("only the finality provider's owner may do this")]
    NotFpOwner,
    /// Randomness overlapping what was committed, or none.
    #[error("invalid public randomness: {0}")]
    InvalidPubRand(String),
    /// The signature does not verify.
    #[error("the finality signature does not verify")]
    InvalidFinalitySig,
    /// The provider already voted for this block at this height.
    #[error("duplicated finality vote")]
    DuplicatedFinalitySig,
    /// The provider has no voting power at this height.
    #[error("finality provider {0} has no voting power at this height")]
    FpHasNoVotingPower(B256),
    /// A vote for a height Babylon has not reached.
    #[error("block {height} does not exist yet (Babylon is at height {tip})")]
    BlockNotFound {
        /// The height voted on.
        height: u64,
        /// Babylon's height.
        tip: u64,
    },
    /// The staking transaction's inclusion height is before its registration.
    #[error(
        "the staking transaction is included at {inclusion}, before its registration at {registered}"
    )]
    StakingTxIncludedTooEarly {
        /// The claimed inclusion height.
        inclusion: u64,
        /// The BTC tip at registration.
        registered: u64,
    },
    /// The provider's key is not a curve point.
    #[error("{0} is not a valid BIP-340 public key")]
    InvalidFpKey(B256),
    /// The staking value or time is outside the parameters.
    #[error("invalid staking transaction: {0}")]
    InvalidStakingTx(String),
    /// The provider list breaks the multi-staking rules.
    #[error("invalid finality provider list: {0}")]
    InvalidFpList(String),
    /// No delegation has this hash.
    #[error("no BTC delegation has staking transaction {0}")]
    BtcDelegationNotFound(B256),
    /// The sender is not a covenant member.
    #[error("the sender is not a covenant committee member")]
    InvalidCovenantPk,
    /// This member already signed.
    #[error("this covenant member already signed")]
    DuplicatedCovenantSig,
    /// The staking transaction is not deep enough, or already included.
    #[error("invalid inclusion proof: {0}")]
    InvalidInclusionProof(String),
    /// The delegation is not in a state that allows this.
    #[error("the delegation is {status}, which does not allow this: {what}")]
    InvalidDelegationState {
        /// Its status.
        status: &'static str,
        /// What was attempted.
        what: &'static str,
    },
    /// Only the staker may do this.
    #[error("only the staker may do this")]
    NotStaker,
    /// Funds are still locked.
    #[error("the stake unlocks at BTC height {unlock_height}; the tip is {tip}")]
    StakeLocked {
        /// When it unlocks.
        unlock_height: u64,
        /// The BTC tip.
        tip: u64,
    },
    /// Nothing to claim.
    #[error("no rewards to withdraw")]
    NoRewards,
    /// A token movement failed.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// Arithmetic failed.
    #[error(transparent)]
    Math(#[from] MathError),
}

impl BabylonError {
    /// The error's name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Ledger(inner) => inner.into(),
            Self::Math(_) => "ArithmeticError",
            other => other.into(),
        }
    }
}
