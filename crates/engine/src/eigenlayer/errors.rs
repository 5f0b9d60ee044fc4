//! Why an EigenLayer call is rejected.
//!
//! Each variant is named exactly as the custom error the contracts revert with, so a scenario's
//! `expect_error = "InsufficientMagnitude"` reads like a Foundry `vm.expectRevert`. The message is
//! for people: it says what failed and, where it helps, the numbers involved.

use alloy_primitives::{Address, B256, U256};

use super::state::OperatorSet;
use crate::{ledger::LedgerError, math::MathError};

/// A rejected EigenLayer call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, strum::IntoStaticStr)]
pub enum EigenLayerError {
    // ----- authorization (PermissionController) -----
    /// The caller is neither the account nor an admin or appointee allowed to act for it.
    #[error("{caller} may not call {function} on behalf of {account}")]
    InvalidPermissions {
        /// The account acted for.
        account: Address,
        /// The sender of the call.
        caller: Address,
        /// The function called.
        function: &'static str,
    },
    /// The caller is not the admin (strategy whitelister) of the world.
    #[error("only the admin may call {0}")]
    OnlyAdmin(&'static str),
    /// The caller is not an admin of the account.
    #[error("{caller} is not an admin of {account}")]
    NotAdmin {
        /// The account.
        account: Address,
        /// The sender of the call.
        caller: Address,
    },
    /// The caller is not a pending admin of the account.
    #[error("{caller} is not a pending admin of {account}")]
    AdminNotPending {
        /// The account.
        account: Address,
        /// The sender of the call.
        caller: Address,
    },
    /// The admin is already pending.
    #[error("{0} is already a pending admin")]
    AdminAlreadyPending(Address),
    /// The address is already an admin.
    #[error("{0} is already an admin")]
    AdminAlreadySet(Address),
    /// The address is not an admin of the account.
    #[error("{0} is not an admin of the account")]
    AdminNotSet(Address),
    /// The appointee does not have this permission.
    #[error("appointee {appointee} does not have permission for {function}")]
    AppointeeNotSet {
        /// The appointee.
        appointee: Address,
        /// The function.
        function: String,
    },
    /// The last admin of an account cannot be removed.
    #[error("cannot remove the last admin of {0}")]
    CannotHaveZeroAdmins(Address),
    /// The appointee already has (or does not have) this permission.
    #[error("appointee {appointee} already has that permission state for {function}")]
    AppointeeAlreadySet {
        /// The appointee.
        appointee: Address,
        /// The function.
        function: String,
    },
    /// The function name is not one the PermissionController can grant.
    #[error("{0:?} is not an EigenLayer function that can be delegated to an appointee")]
    UnknownFunction(String),

    // ----- generic input checks -----
    /// Two arrays that must be the same length are not.
    #[error("input arrays have different lengths ({0} and {1})")]
    InputArrayLengthMismatch(usize, usize),
    /// An array that must be non-empty is empty.
    #[error("the input array is empty")]
    InputArrayLengthZero,
    /// The zero address was given where an address is required.
    #[error("the zero address is not allowed here")]
    InputAddressZero,

    // ----- StrategyManager / StrategyBase -----
    /// The strategy does not exist or is not whitelisted for deposits.
    #[error("strategy {0} is not whitelisted for deposits")]
    StrategyNotWhitelisted(Address),
    /// The token is not the strategy's underlying token.
    #[error("token {token} is not the underlying token of strategy {strategy}")]
    OnlyUnderlyingToken {
        /// The strategy.
        strategy: Address,
        /// The token given.
        token: Address,
    },
    /// The deposit is too small to mint a single share.
    #[error("a deposit of {0} wei mints zero shares")]
    NewSharesZero(U256),
    /// The strategy would hold more than 1e38 - 1 shares.
    #[error("the strategy's total shares would exceed 1e38 - 1")]
    TotalSharesExceedsMax,
    /// A withdrawal asks for more shares than the strategy has issued.
    #[error("withdrawing {requested} shares but the strategy has only {total}")]
    WithdrawalAmountExceedsTotalDeposits {
        /// Shares asked for.
        requested: U256,
        /// Shares in existence.
        total: U256,
    },
    /// A staker may hold at most 32 strategies.
    #[error("a staker may hold shares in at most 32 strategies")]
    MaxStrategiesExceeded,
    /// Zero shares were asked for.
    #[error("the share amount must not be zero")]
    SharesAmountZero,
    /// More deposit shares were asked for than the staker has.
    #[error(
        "asked to withdraw {requested} deposit shares of {strategy} but the staker has {available}"
    )]
    SharesAmountTooHigh {
        /// The strategy.
        strategy: Address,
        /// Deposit shares asked for.
        requested: U256,
        /// Deposit shares held.
        available: U256,
    },
    /// The strategy is already whitelisted, or a token already has a strategy.
    #[error("a strategy for token {0} already exists")]
    StrategyAlreadyExists(Address),

    // ----- DelegationManager -----
    /// The staker is already delegated.
    #[error("{0} is already delegated")]
    ActivelyDelegated(Address),
    /// The staker is not delegated.
    #[error("{0} is not delegated to any operator")]
    NotActivelyDelegated(Address),
    /// The address is not a registered operator.
    #[error("{0} is not a registered operator")]
    OperatorNotRegistered(Address),
    /// Operators are delegated to themselves for good.
    #[error("operators cannot undelegate from themselves")]
    OperatorsCannotUndelegate,
    /// Only the staker, its operator or the operator's approver may undelegate a staker.
    #[error("{caller} may not undelegate {staker}")]
    CallerCannotUndelegate {
        /// The staker.
        staker: Address,
        /// The sender of the call.
        caller: Address,
    },
    /// The approver's salt was already used.
    #[error("the delegation approver already used salt {0}")]
    SaltSpent(B256),
    /// The approver's signature has expired.
    #[error("the approver signature expired at {expiry}, now is {now}")]
    SignatureExpired {
        /// The signature's expiry timestamp.
        expiry: u64,
        /// The current timestamp.
        now: u64,
    },
    /// The approver's signature is malformed or signed by someone else.
    #[error("the approver signature is not valid for approver {0}")]
    InvalidSignature(Address),
    /// The operator (or the staker's beacon-chain position) is slashed to zero.
    #[error("the slashing factor of {strategy} is zero: the position is fully slashed")]
    FullySlashed {
        /// The strategy.
        strategy: Address,
    },
    /// A deposit would set a zero deposit scaling factor.
    #[error("the deposit scaling factor would be zero")]
    InvalidDepositScalingFactor,
    /// No queued withdrawal has this root.
    #[error("no withdrawal with root {0} is queued")]
    WithdrawalNotQueued(B256),
    /// The withdrawal delay has not passed yet.
    #[error(
        "the withdrawal becomes completable after block {completable_after}; now is block {now}"
    )]
    WithdrawalDelayNotElapsed {
        /// The last block at which the withdrawal is still slashable.
        completable_after: u64,
        /// The current block.
        now: u64,
    },
    /// Only the withdrawer may complete a withdrawal.
    #[error("only the withdrawer {withdrawer} may complete this withdrawal")]
    WithdrawerNotCaller {
        /// The withdrawer.
        withdrawer: Address,
    },

    // ----- AllocationManager -----
    /// The AVS has not registered metadata yet.
    #[error("AVS {0} has not registered metadata (call update_avs_metadata_uri first)")]
    NonexistentAVSMetadata(Address),
    /// The operator set does not exist (or, when creating it, already exists).
    #[error("operator set {0} does not exist (or already exists, when creating it)")]
    InvalidOperatorSet(OperatorSet),
    /// The address is not an operator (AllocationManager's name for it).
    #[error("{0} is not a registered operator")]
    InvalidOperator(Address),
    /// The strategy is already part of the operator set.
    #[error("strategy {strategy} is already in operator set {operator_set}")]
    StrategyAlreadyInOperatorSet {
        /// The set.
        operator_set: OperatorSet,
        /// The strategy.
        strategy: Address,
    },
    /// The strategy is not part of the operator set.
    #[error("strategy {strategy} is not in operator set {operator_set}")]
    StrategyNotInOperatorSet {
        /// The set.
        operator_set: OperatorSet,
        /// The strategy.
        strategy: Address,
    },
    /// A strategy that redistributing sets may not hold.
    #[error("strategy {0} cannot be used in a redistributing operator set")]
    InvalidStrategy(Address),
    /// The redistribution recipient is zero or the burn address.
    #[error("{0} cannot receive redistributed funds")]
    InvalidRedistributionRecipient(Address),
    /// The operator is already registered (or still slashable) for the set.
    #[error("{operator} is already a member of (or still slashable by) {operator_set}")]
    AlreadyMemberOfSet {
        /// The operator.
        operator: Address,
        /// The set.
        operator_set: OperatorSet,
    },
    /// The operator is not registered for the set.
    #[error("{operator} is not registered for {operator_set}")]
    NotMemberOfSet {
        /// The operator.
        operator: Address,
        /// The set.
        operator_set: OperatorSet,
    },
    /// The operator has not set an allocation delay.
    #[error("{0} has no allocation delay set")]
    UninitializedAllocationDelay(Address),
    /// An allocation or deallocation is still pending for this (operator, set, strategy).
    #[error(
        "a modification of {strategy} in {operator_set} is still pending until block {effect_block}"
    )]
    ModificationAlreadyPending {
        /// The set.
        operator_set: OperatorSet,
        /// The strategy.
        strategy: Address,
        /// When the pending change takes effect.
        effect_block: u64,
    },
    /// The new magnitude equals the current one.
    #[error("the magnitude of {strategy} in {operator_set} is already {magnitude}")]
    SameMagnitude {
        /// The set.
        operator_set: OperatorSet,
        /// The strategy.
        strategy: Address,
        /// The unchanged magnitude.
        magnitude: u64,
    },
    /// The allocation exceeds the operator's free magnitude.
    #[error("allocating {strategy} would encumber {requested} but the maximum magnitude is {max}")]
    InsufficientMagnitude {
        /// The strategy.
        strategy: Address,
        /// The encumbered magnitude the change would need.
        requested: u64,
        /// The operator's maximum magnitude.
        max: u64,
    },
    /// Strategies of a slash must be strictly ascending by address.
    #[error("strategies must be sorted strictly ascending by address")]
    StrategiesMustBeInAscendingOrder,
    /// `wads_to_slash` must be in `(0, 1e18]`.
    #[error("wad to slash {0} is not in (0, 1e18]")]
    InvalidWadToSlash(U256),
    /// The operator is neither registered for the set nor within its slashable window.
    #[error("{operator} is not slashable by {operator_set}")]
    OperatorNotSlashable {
        /// The operator.
        operator: Address,
        /// The set.
        operator_set: OperatorSet,
    },
    /// The sender is not the set's slasher (or, deregistering, neither operator nor AVS).
    #[error("{caller} may not do this for {operator_set} (not its slasher, operator or AVS)")]
    InvalidCaller {
        /// The sender.
        caller: Address,
        /// The set.
        operator_set: OperatorSet,
    },

    /// A value does not fit the contract's integer type (OpenZeppelin `SafeCast`).
    #[error("the value does not fit in uint{bits}")]
    SafeCastOverflowedUintDowncast {
        /// The target width.
        bits: u32,
    },
    /// A batch argument array is shorter than the list of withdrawals (panic 0x32).
    #[error("argument array too short: index {0} is out of bounds")]
    ArrayIndexOutOfBounds(usize),
    /// `slashOperator` before block `MIN_WITHDRAWAL_DELAY_BLOCKS + 1`: the DelegationManager
    /// computes `block.number - MIN_WITHDRAWAL_DELAY_BLOCKS - 1`, which underflows (panic 0x11).
    #[error(
        "slashing reverts until block {first_block}: the DelegationManager computes \
         block.number - MIN_WITHDRAWAL_DELAY_BLOCKS - 1, which underflows before then (panic 0x11)"
    )]
    SlashBeforeFirstWithdrawalWindow {
        /// The first block at which slashing works.
        first_block: u64,
    },

    // ----- EigenPodManager and EigenPods -----
    /// The sender already has a pod.
    #[error("the sender already has an EigenPod")]
    EigenPodAlreadyExists,
    /// The account has no pod (a call to an address without code).
    #[error("{0} has no EigenPod")]
    EigenPodNotDeployed(Address),
    /// More beacon-chain shares withdrawn than held (`EigenPodManager.removeDepositShares`).
    #[error("the withdrawal would leave negative beacon-chain shares")]
    SharesNegative,
    /// Only the pod's owner may do this.
    #[error("only the pod owner may do this")]
    OnlyEigenPodOwner,
    /// Only the pod's owner or its proof submitter may do this.
    #[error("only the pod owner or its proof submitter may do this")]
    OnlyEigenPodOwnerOrProofSubmitter,
    /// The proof names a validator the beacon chain does not have.
    #[error("the proof does not verify: no such validator on the beacon chain")]
    InvalidProof,
    /// The validator's credentials were already proven to this pod.
    #[error("the validator's withdrawal credentials are already verified")]
    CredentialsAlreadyVerified,
    /// The validator has not been activated on the beacon chain.
    #[error("the validator is not active on the beacon chain yet")]
    ValidatorInactiveOnBeaconChain,
    /// The validator has initiated its exit.
    #[error("the validator is exiting the beacon chain")]
    ValidatorIsExitingBeaconChain,
    /// The validator's withdrawal credentials point elsewhere.
    #[error("the validator's withdrawal credentials are not this pod")]
    WithdrawalCredentialsNotForEigenPod,
    /// The proof is not newer than the running (or the validator's last) checkpoint.
    #[error("the proof's beacon timestamp is not after the current checkpoint")]
    BeaconTimestampTooFarInPast,
    /// The proof is not newer than the last finalized checkpoint.
    #[error("the proof's beacon timestamp is not after the latest checkpoint")]
    BeaconTimestampBeforeLatestCheckpoint,
    /// A checkpoint is running.
    #[error("a checkpoint is already active")]
    CheckpointAlreadyActive,
    /// A checkpoint was already finalized in this block.
    #[error("a checkpoint was already taken in this block")]
    CannotCheckpointTwiceInSingleBlock,
    /// `revert_if_no_balance` and no new ETH in the pod.
    #[error("the pod holds no new ETH to checkpoint")]
    NoBalanceToCheckpoint,
    /// No checkpoint is running.
    #[error("no checkpoint is active")]
    NoActiveCheckpoint,
    /// The validator is not ACTIVE in this pod.
    #[error("the validator is not active in this pod")]
    ValidatorNotActiveInPod,
    /// A stale-balance proof needs a validator slashed on the beacon chain.
    #[error("the validator is not slashed on the beacon chain")]
    ValidatorNotSlashedOnBeaconChain,
    /// The pod holds less checkpointed ETH than the withdrawal pays.
    #[error("the pod's checkpointed ETH does not cover the withdrawal")]
    InsufficientWithdrawableBalance,
    /// EIP-7002 partial withdrawals are not modelled by Rampart's beacon chain.
    #[error("partial withdrawal requests are not modelled; request a full exit (amount_gwei = 0)")]
    PartialWithdrawalRequestNotModelled,
    /// The beacon chain refused the deposit or exit the pod sent.
    #[error(transparent)]
    Beacon(#[from] crate::beacon::BeaconError),

    // ----- RewardsCoordinator -----
    /// A submission lasts longer than `MAX_REWARDS_DURATION`.
    #[error("the duration exceeds MAX_REWARDS_DURATION")]
    DurationExceedsMax,
    /// The duration is not a multiple of the calculation interval.
    #[error("the duration is not a multiple of CALCULATION_INTERVAL_SECONDS")]
    InvalidDurationRemainder,
    /// The duration is zero.
    #[error("the duration is zero")]
    DurationIsZero,
    /// The start is not a multiple of the calculation interval.
    #[error("the start timestamp is not a multiple of CALCULATION_INTERVAL_SECONDS")]
    InvalidStartTimestampRemainder,
    /// The start is before `now − MAX_RETROACTIVE_LENGTH` or before rewards genesis.
    #[error("the start timestamp is too far in the past")]
    StartTimestampTooFarInPast,
    /// The start is after `now + MAX_FUTURE_LENGTH`.
    #[error("the start timestamp is too far in the future")]
    StartTimestampTooFarInFuture,
    /// Strategies must be strictly ascending by address.
    #[error("strategies must be strictly ascending by address")]
    StrategiesNotInAscendingOrder,
    /// Operators must be strictly ascending by address.
    #[error("operators must be strictly ascending by address")]
    OperatorsNotInAscendingOrder,
    /// An amount is zero.
    #[error("the amount is zero")]
    AmountIsZero,
    /// An amount exceeds `MAX_REWARDS_AMOUNT` (1e38 − 1).
    #[error("the amount exceeds MAX_REWARDS_AMOUNT")]
    AmountExceedsMax,
    /// An operator-directed submission must end in the past.
    #[error("an operator-directed submission must end before now")]
    SubmissionNotRetroactive,
    /// The zero address where an account is needed.
    #[error("the zero address is not allowed here")]
    InvalidAddressZero,
    /// Only the rewards updater (or the claimer) may do this.
    #[error("the caller is not authorized")]
    UnauthorizedCaller,
    /// A root must cover a later period than the last one.
    #[error("a new root must be for a new calculated period")]
    NewRootMustBeForNewCalculatedPeriod,
    /// A root's calculation end must be in the past.
    #[error("the rewards calculation end timestamp has not elapsed")]
    RewardsEndTimestampNotElapsed,
    /// No root has this index.
    #[error("no distribution root has this index")]
    InvalidRootIndex,
    /// The root was disabled.
    #[error("the distribution root is disabled")]
    RootDisabled,
    /// The root is already claimable.
    #[error("the distribution root is already activated")]
    RootAlreadyActivated,
    /// The root is not claimable yet.
    #[error("the distribution root is not activated yet")]
    RootNotActivated,
    /// The earner index has bits above the proof's height.
    #[error("the earner leaf index does not fit the proof")]
    InvalidEarnerLeafIndex,
    /// The token index has bits above the proof's height.
    #[error("the token leaf index does not fit the proof")]
    InvalidTokenLeafIndex,
    /// The root is zero.
    #[error("the merkle root is empty")]
    EmptyRoot,
    /// A proof is not whole 32-byte words.
    #[error("the proof is not a whole number of 32-byte words")]
    InvalidProofLength,
    /// A proof's index does not match its height.
    #[error("the proof index does not match its height")]
    InvalidIndex,
    /// The proof does not lead to the root.
    #[error("the claim's proof does not verify against the root")]
    InvalidClaimProof,
    /// The claim is not above what was claimed before.
    #[error("cumulative earnings are not greater than what was already claimed")]
    EarningsNotGreaterThanClaimed,
    /// A split above 10,000 bips.
    #[error("the split exceeds 10000 bips")]
    SplitExceedsMax,
    /// The last split change has not taken effect yet.
    #[error("the previous split change is still pending")]
    PreviousSplitPending,
    /// No root has this hash (`getRootIndexFromHash`).
    #[error("no distribution root has this hash")]
    InvalidRoot,
    /// The earner has nothing in the root's distribution (Rampart's claim builder).
    #[error("{0} has no earnings in this distribution")]
    NothingToClaim(Address),
    /// Only operators and AVSs with operator sets can have a claimer set by an admin.
    #[error("the earner is neither an operator nor an AVS with operator sets")]
    InvalidEarner,

    // ----- below the protocol -----
    /// A token movement failed (insufficient balance, unknown token).
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// Arithmetic overflowed, underflowed or divided by zero.
    #[error(transparent)]
    Math(#[from] MathError),
}

impl EigenLayerError {
    /// The contract error name (`"InsufficientMagnitude"`), or for failures below the protocol the
    /// name of what failed (`"InsufficientBalance"`, `"Overflow"`).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Ledger(inner) => inner.into(),
            Self::Math(inner) => match inner {
                MathError::Overflow => "ArithmeticOverflow",
                MathError::Underflow => "ArithmeticUnderflow",
                MathError::DivisionByZero => "DivisionByZero",
            },
            Self::SlashBeforeFirstWithdrawalWindow { .. } => "ArithmeticUnderflow",
            Self::Beacon(inner) => inner.name(),
            other => other.into(),
        }
    }
}
