//! Why a Karak call reverts, named as the v2 contracts' custom errors.

use alloy_primitives::{Address, B256};

use crate::{ledger::LedgerError, math::MathError};

/// A reverted Karak call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, strum::IntoStaticStr)]
pub enum KarakError {
    /// Only the owner (the world's admin) or a role holder may do this (Solady `Unauthorized`).
    #[error("unauthorized: {0}")]
    Unauthorized(&'static str),
    /// The DSS registered before.
    #[error("DSS {0} is already registered")]
    DSSAlreadyRegistered(Address),
    /// The DSS never registered.
    #[error("{0} is not a registered DSS")]
    DSSNotRegistered(Address),
    /// A slashing percentage of zero.
    #[error("the slashing percentage is zero")]
    ZeroSlashPercentageWad,
    /// A percentage above 100% or above the DSS's maximum.
    #[error("the slashing percentage exceeds the maximum")]
    MaxSlashPercentageWadBreached,
    /// Arrays of different lengths.
    #[error("array lengths do not match")]
    LengthsDontMatch,
    /// A zero address where one is not allowed.
    #[error("zero address")]
    ZeroAddress,
    /// The asset is not allowlisted.
    #[error("asset {0} is not allowlisted")]
    AssetNotAllowlisted(Address),
    /// The operator already has 32 vaults.
    #[error("the operator already has the maximum number of vaults")]
    MaxVaultCapacityReached,
    /// The operator is already registered to 32 DSSs.
    #[error("the operator is registered to the maximum number of DSSs")]
    MaxDSSCapacityReached,
    /// The operator is already registered to this DSS.
    #[error("the operator is already registered to the DSS")]
    OperatorAlreadyRegisteredToDSS,
    /// The operator is not registered to this DSS.
    #[error("the operator is not registered to the DSS")]
    OperatorNotValidatingForDSS,
    /// Unregistering while vaults are still staked to the DSS.
    #[error("vaults are still staked to the DSS")]
    AllVaultsNotUnstakedFromDSS,
    /// A stake update is already pending for the vault.
    #[error("a stake update is already pending for this vault")]
    PendingStakeUpdateRequest,
    /// The vault is not the operator's.
    #[error("the vault is not one of the operator's")]
    VaultNotAChildVault,
    /// Staking a vault already staked.
    #[error("the vault is already staked in the DSS")]
    VaultAlreadyStakedInDSS,
    /// Unstaking a vault not staked.
    #[error("the vault is not staked in the DSS")]
    VaultNotStakedInDSS,
    /// Finalizing a stake update before its 9-day delay.
    #[error("the stake update delay has not passed")]
    OperatorStakeUpdateDelayNotPassed,
    /// No pending stake update matches.
    #[error("no such queued stake update")]
    InvalidQueuedStakeUpdateInput,
    /// A slash request within 2 days of the last one by this DSS on this operator.
    #[error("the slashing cooldown has not passed")]
    SlashingCooldownNotPassed,
    /// More than 32 vaults in one request.
    #[error("too many vaults in one slashing request")]
    MaxSlashableVaultsPerRequestBreached,
    /// No vaults in a request.
    #[error("empty array")]
    EmptyArray,
    /// The same vault twice in one request.
    #[error("duplicate vaults in the slashing request")]
    DuplicateSlashingVaults,
    /// A vault in a slash request is not staked to the DSS.
    #[error("the vault is not staked to the DSS")]
    VaultNotStakedToDSS,
    /// No pending slash request has this root.
    #[error("no slashing request {0}")]
    InvalidSlashingParams(B256),
    /// Finalizing a slash before its 2-day veto window.
    #[error("the slashing veto window has not passed")]
    MinSlashingDelayNotPassed,
    /// No such vault.
    #[error("{0} is not a Karak vault")]
    UnknownVault(Address),
    /// A deposit of nothing.
    #[error("zero amount")]
    ZeroAmount,
    /// Minting or redeeming zero shares.
    #[error("zero shares")]
    ZeroShares,
    /// More shares than the holder has (Solady `InsufficientBalance`).
    #[error("insufficient share balance")]
    InsufficientBalance,
    /// Fewer shares than the depositor's minimum.
    #[error("the deposit mints fewer shares than the minimum")]
    NotEnoughShares,
    /// No queued withdrawal has this key.
    #[error("no withdrawal {0}")]
    WithdrawalNotFound(B256),
    /// Finishing a withdrawal before its 9-day delay.
    #[error("the withdrawal delay has not passed")]
    MinWithdrawDelayNotPassed,
    /// The function exists on the other kind of vault only.
    #[error("not implemented on this vault")]
    NotImplemented,
    /// Native-vault: the sender has no node.
    #[error("{0} has no native node")]
    NotNodeOwner(Address),
    /// Native-vault: the owner already has a node, so its deterministic address is taken
    /// (LibClone's `DeploymentFailed`; `NodeAlreadyExists` is declared but never used).
    #[error("the owner already has a node")]
    DeploymentFailed,
    /// Native-vault: the validator is already credited.
    #[error("validator {0} is already active")]
    ValidatorAlreadyActive(u64),
    /// Native-vault: the validator is exiting.
    #[error("validator {0} is exiting")]
    ValidatorExiting(u64),
    /// Native-vault: the validator's credentials point elsewhere.
    #[error("validator {0}'s withdrawal credentials are not the node's")]
    WithdrawalCredentialsMismatchWithNode(u64),
    /// Native-vault: no such validator on the beacon chain.
    #[error("no validator {0}")]
    UnknownValidator(u64),
    /// Native-vault: a snapshot in the block of the last one.
    #[error("a snapshot was already taken in this block")]
    AttemptedSnapshotInSameBlock,
    /// Native-vault: nothing changed on the node.
    #[error("no balance update to snapshot")]
    NoBalanceUpdateToSnapshot,
    /// Native-vault: the last snapshot is older than 7 days.
    #[error("the last snapshot has expired")]
    SnapshotExpired,
    /// Native-vault: the last snapshot is recent.
    #[error("the last snapshot has not expired")]
    SnapshotNotExpired,
    /// Native-vault: more than is withdrawable.
    #[error("withdrawing more than the maximum")]
    WithdrawMoreThanMax,
    /// A token transfer failed.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// Arithmetic overflow or underflow.
    #[error(transparent)]
    Math(#[from] MathError),
}

impl KarakError {
    /// The error's name as the contract would revert with it.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Ledger(inner) => inner.into(),
            Self::Math(_) => "ArithmeticError",
            other => other.into(),
        }
    }
}
