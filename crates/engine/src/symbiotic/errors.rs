//! Why a Symbiotic call reverts, named as the contracts' custom errors.

use alloy_primitives::Address;

use crate::{checkpoints::UnorderedInsertion, ledger::LedgerError, math::MathError};

/// A reverted Symbiotic call. Variants without fields carry the contract's error exactly.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, strum::IntoStaticStr)]
pub enum SymbioticError {
    // Registries, opt-in services, middleware service.
    /// The network registered before.
    #[error("{0} is already a registered network")]
    NetworkAlreadyRegistered(Address),
    /// The operator registered before.
    #[error("{0} is already a registered operator")]
    OperatorAlreadyRegistered(Address),
    /// The network is not registered in the NetworkRegistry.
    #[error("{0} is not a registered network")]
    NotNetwork(Address),
    /// The operator is not registered in the OperatorRegistry (OptInService's `NotWho`).
    #[error("{0} is not a registered operator")]
    NotWho(Address),
    /// The vault or network opted into is not a registered entity.
    #[error("{0} is not a registered vault or network")]
    NotWhereEntity(Address),
    /// The pair is already opted in.
    #[error("already opted in")]
    AlreadyOptedIn,
    /// The pair is not opted in.
    #[error("not opted in")]
    NotOptedIn,
    /// An opt-out in the same block as the last opt-in or opt-out.
    #[error("cannot opt out in the block of the last opt change")]
    OptOutCooldown,
    /// A setter that would change nothing.
    #[error("the value is already set")]
    AlreadySet,
    /// Only the network's middleware may call this.
    #[error("only the network's middleware may call this")]
    NotNetworkMiddleware,

    // Vault.
    /// No vault, delegator, slasher or rewards contract at this address.
    #[error("no Symbiotic contract {kind} at {address}")]
    UnknownContract {
        /// What was looked for.
        kind: &'static str,
        /// The address given.
        address: Address,
    },
    /// A role-gated function called by an account without the role.
    #[error("{account} lacks the role {role}")]
    AccessControlUnauthorizedAccount {
        /// The caller.
        account: Address,
        /// The role needed.
        role: &'static str,
    },
    /// Initialization without any holder for some role.
    #[error("no holder for role {0} and no default admin")]
    MissingRoles(&'static str),
    /// The collateral is not a token of the ledger.
    #[error("the collateral is not a registered token")]
    InvalidCollateral,
    /// `epochDuration` is zero.
    #[error("the epoch duration must be positive")]
    InvalidEpochDuration,
    /// A duration that does not fit the contracts' `uint48` (the parameters fail to decode).
    #[error("{name} {value} does not fit in 48 bits")]
    DurationTooLarge {
        /// The parameter.
        name: &'static str,
        /// The value given.
        value: u64,
    },
    /// The timestamp is before the vault's start.
    #[error("timestamp {0} is before the vault was initialized")]
    InvalidTimestamp(u64),
    /// `onBehalfOf` is the zero address.
    #[error("deposit on behalf of the zero address")]
    InvalidOnBehalfOf,
    /// A deposit of nothing (or that mints no shares' worth of assets).
    #[error("the deposit is zero")]
    InsufficientDeposit,
    /// The deposit would exceed the vault's limit.
    #[error("the deposit would exceed the vault's deposit limit")]
    DepositLimitReached,
    /// The sender is not on the depositor whitelist.
    #[error("the depositor is not whitelisted")]
    NotWhitelistedDepositor,
    /// A whitelist entry for the zero address.
    #[error("the account is the zero address")]
    InvalidAccount,
    /// `claimer` is the zero address.
    #[error("the claimer is the zero address")]
    InvalidClaimer,
    /// A withdrawal of nothing.
    #[error("the withdrawal is zero")]
    InsufficientWithdrawal,
    /// A withdrawal above the sender's active balance.
    #[error("withdrawing more than the active balance")]
    TooMuchWithdraw,
    /// A redemption worth nothing.
    #[error("the redemption is worth nothing")]
    InsufficientRedemption,
    /// Redeeming more shares than held.
    #[error("redeeming more shares than held")]
    TooMuchRedeem,
    /// `recipient` is the zero address.
    #[error("the recipient is the zero address")]
    InvalidRecipient,
    /// A claim for an epoch that has not ended.
    #[error("epoch {0} has not ended")]
    InvalidEpoch(u64),
    /// The sender already claimed this epoch.
    #[error("epoch {0} is already claimed")]
    AlreadyClaimed(u64),
    /// Nothing to claim for this epoch.
    #[error("nothing to claim")]
    InsufficientClaim,
    /// `claimBatch` with no epochs.
    #[error("claim_batch needs at least one epoch")]
    InvalidLengthEpochs,
    /// The capture timestamp's epoch is neither the current nor the previous one.
    #[error("the capture timestamp is outside the current and the previous epoch")]
    InvalidCaptureEpoch,

    // Delegators.
    /// A network limit above the network's maximum.
    #[error("the limit exceeds the network's maximum")]
    ExceedsMaxNetworkLimit,
    /// The delegator is operator- or network-specific and this one is another.
    #[error("this delegator is specific to another network")]
    InvalidNetwork,
    /// The delegator is operator-specific and the operator is another.
    #[error("{0} is not a registered operator")]
    NotOperator(Address),
    /// A delegator initialized with nobody able to set its limits.
    #[error("no holder for role {0} and no default admin")]
    MissingRoleHolders(&'static str),
    /// A role holder that is the zero address.
    #[error("a role holder is the zero address")]
    ZeroAddressRoleHolder,
    /// A role holder listed twice.
    #[error("a role holder is listed twice")]
    DuplicateRoleHolder,
    /// The function does not exist on this delegator or slasher type.
    #[error("{function} does not exist on a {kind}")]
    NoSuchFunction {
        /// The function called.
        function: &'static str,
        /// The contract's type.
        kind: &'static str,
    },

    // Slashers.
    /// The capture timestamp is outside the window the slasher accepts.
    #[error("invalid capture timestamp")]
    InvalidCaptureTimestamp,
    /// The slashable stake at the capture timestamp is zero.
    #[error("nothing is slashable")]
    InsufficientSlash,
    /// `vetoDuration >= epochDuration` or a resolver delay below 3 epochs.
    #[error("veto duration must be below the epoch duration")]
    InvalidVetoDuration,
    /// `resolverSetEpochsDelay < 3`.
    #[error("the resolver delay must be at least 3 epochs")]
    InvalidResolverSetEpochsDelay,
    /// The burner hook needs a burner.
    #[error("a burner hook needs a burner")]
    NoBurner,
    /// No slash request at this index.
    #[error("no slash request {0}")]
    SlashRequestNotExist(u64),
    /// The request was executed or vetoed.
    #[error("slash request {0} is completed")]
    SlashRequestCompleted(u64),
    /// Execution before the veto deadline while a resolver can veto.
    #[error("the veto period has not ended")]
    VetoPeriodNotEnded,
    /// A veto after the deadline.
    #[error("the veto period has ended")]
    VetoPeriodEnded,
    /// Execution more than an epoch after the capture timestamp.
    #[error("the slash period has ended")]
    SlashPeriodEnded,
    /// The subnetwork has no resolver to veto.
    #[error("no resolver")]
    NoResolver,
    /// The sender is not the resolver at the capture timestamp.
    #[error("the sender is not the resolver")]
    NotResolver,

    // Rewards.
    /// The admin fee is above the distributor's maximum.
    #[error("admin fee {0} bps is above the distributor's maximum")]
    HighAdminFee(u64),
    /// An admin fee above 10,000 bps.
    #[error("admin fee {0} bps is above 100%")]
    InvalidAdminFee(u64),
    /// Rewards for a timestamp that is not in the past, or with no stake then.
    #[error("invalid reward timestamp {0}")]
    InvalidRewardTimestamp(u64),
    /// A distribution of nothing.
    #[error("the reward is zero")]
    InsufficientReward,
    /// No rewards left to claim.
    #[error("no rewards to claim")]
    NoRewardsToClaim,
    /// No admin fee to claim.
    #[error("no admin fee to claim")]
    InsufficientAdminFee,
    /// No merkle root for this network and token.
    #[error("no merkle root is set for this network and token")]
    RootNotSet,
    /// The proof does not show the claim under the root.
    #[error("the merkle proof is invalid")]
    InvalidProof,
    /// The cumulative total is not above what was claimed.
    #[error("the total claimable is not above what was claimed")]
    InsufficientTotalClaimable,
    /// The contract holds less than the claim.
    #[error("the rewards balance is short")]
    InsufficientBalance,

    // Engine.
    /// A token transfer failed.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// Arithmetic overflow or underflow.
    #[error(transparent)]
    Math(#[from] MathError),
    /// A history written out of order.
    #[error(transparent)]
    Checkpoint(#[from] UnorderedInsertion),
}

impl SymbioticError {
    /// The error's name as the contract would revert with it.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Ledger(inner) => inner.into(),
            Self::Math(_) => "ArithmeticError",
            Self::Checkpoint(_) => "CheckpointUnorderedInsertion",
            other => other.into(),
        }
    }
}
