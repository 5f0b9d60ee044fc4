//! EigenLayer's state-changing functions and their arguments.
//!
//! Function names are the contracts' in snake_case (`depositIntoStrategy` →
//! `deposit_into_strategy`), argument and struct field names likewise, nested as in the real
//! signatures. Which contract a function lives on is recorded by [`EigenLayerCall::contract`].
//!
//! One deviation, documented in the README: PermissionController appointees are granted a
//! function by name (`"modify_allocations"`) rather than by `(target, selector)`, since every
//! EigenLayer function name is unique across the core contracts.

use alloy_primitives::{Address, B256, Bytes, U256};
use serde::{Deserialize, Serialize};

use super::state::{OperatorSet, Withdrawal};
use crate::serde_ext;

/// A call to one of EigenLayer's core contracts.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::VariantNames,
)]
#[serde(tag = "function", content = "args", rename_all = "snake_case", deny_unknown_fields)]
#[strum(serialize_all = "snake_case")]
#[allow(missing_docs)] // each variant is documented by its argument struct
pub enum EigenLayerCall {
    DeployNewStrategy(DeployNewStrategy),
    AddStrategiesToDepositWhitelist(StrategyList),
    RemoveStrategiesFromDepositWhitelist(StrategyList),
    DepositIntoStrategy(DepositIntoStrategy),
    ClearBurnOrRedistributableShares(ClearBurnOrRedistributableShares),
    ClearBurnOrRedistributableSharesByStrategy(ClearBurnOrRedistributableSharesByStrategy),
    RegisterAsOperator(RegisterAsOperator),
    ModifyOperatorDetails(ModifyOperatorDetails),
    UpdateOperatorMetadataUri(UpdateOperatorMetadataUri),
    DelegateTo(DelegateTo),
    Undelegate(Undelegate),
    Redelegate(Redelegate),
    QueueWithdrawals(QueueWithdrawals),
    CompleteQueuedWithdrawal(CompleteQueuedWithdrawal),
    CompleteQueuedWithdrawals(CompleteQueuedWithdrawals),
    UpdateAvsMetadataUri(UpdateAvsMetadataUri),
    CreateOperatorSets(CreateOperatorSets),
    CreateRedistributingOperatorSets(CreateRedistributingOperatorSets),
    AddStrategiesToOperatorSet(OperatorSetStrategies),
    RemoveStrategiesFromOperatorSet(OperatorSetStrategies),
    UpdateSlasher(UpdateSlasher),
    RegisterForOperatorSets(RegisterForOperatorSets),
    DeregisterFromOperatorSets(DeregisterFromOperatorSets),
    SetAllocationDelay(SetAllocationDelay),
    ModifyAllocations(ModifyAllocations),
    ClearDeallocationQueue(ClearDeallocationQueue),
    SlashOperator(SlashOperator),
    AddPendingAdmin(AccountAdmin),
    RemovePendingAdmin(AccountAdmin),
    AcceptAdmin(AcceptAdmin),
    RemoveAdmin(AccountAdmin),
    SetAppointee(Appointee),
    RemoveAppointee(Appointee),
    CreatePod(NoArgs),
    Stake(Stake),
    SetProofSubmitter(SetProofSubmitter),
    VerifyWithdrawalCredentials(PodValidators),
    StartCheckpoint(StartCheckpoint),
    VerifyCheckpointProofs(PodValidators),
    VerifyStaleBalance(VerifyStaleBalance),
    RequestWithdrawal(RequestWithdrawal),
    #[serde(rename = "create_avs_rewards_submission")]
    CreateAvsRewardsSubmission(RewardsSubmissions),
    #[serde(rename = "create_operator_directed_avs_rewards_submission")]
    CreateOperatorDirectedAvsRewardsSubmission(OperatorDirectedAvsSubmissions),
    CreateOperatorDirectedOperatorSetRewardsSubmission(OperatorDirectedSetSubmissions),
    CreateUniqueStakeRewardsSubmission(OperatorSetSubmissions),
    CreateTotalStakeRewardsSubmission(OperatorSetSubmissions),
    SubmitRoot(SubmitRoot),
    DisableRoot(DisableRoot),
    ProcessClaim(Box<ProcessClaim>),
    ProcessClaims(ProcessClaims),
    SetClaimerFor(SetClaimerFor),
    #[serde(rename = "set_operator_avs_split")]
    SetOperatorAvsSplit(SetOperatorAvsSplit),
    SetOperatorSetSplit(SetOperatorSetSplit),
    #[serde(rename = "set_operator_pi_split")]
    SetOperatorPiSplit(SetOperatorPiSplit),
    SetDefaultOperatorSplit(SetDefaultOperatorSplit),
    SetRewardsUpdater(SetRewardsUpdater),
    SetFeeRecipient(SetFeeRecipient),
    SetOptInForProtocolFee(SetOptInForProtocolFee),
}

impl EigenLayerCall {
    /// The function's snake_case name (`"deposit_into_strategy"`).
    pub fn name(&self) -> &'static str {
        self.into()
    }

    /// The core contract that implements the function.
    pub fn contract(&self) -> &'static str {
        use EigenLayerCall::*;
        match self {
            DeployNewStrategy(_) => "StrategyFactory",
            AddStrategiesToDepositWhitelist(_)
            | RemoveStrategiesFromDepositWhitelist(_)
            | DepositIntoStrategy(_)
            | ClearBurnOrRedistributableShares(_)
            | ClearBurnOrRedistributableSharesByStrategy(_) => "StrategyManager",
            RegisterAsOperator(_)
            | ModifyOperatorDetails(_)
            | UpdateOperatorMetadataUri(_)
            | DelegateTo(_)
            | Undelegate(_)
            | Redelegate(_)
            | QueueWithdrawals(_)
            | CompleteQueuedWithdrawal(_)
            | CompleteQueuedWithdrawals(_) => "DelegationManager",
            AddPendingAdmin(_)
            | RemovePendingAdmin(_)
            | AcceptAdmin(_)
            | RemoveAdmin(_)
            | SetAppointee(_)
            | RemoveAppointee(_) => "PermissionController",
            CreatePod(_) | Stake(_) => "EigenPodManager",
            SetProofSubmitter(_)
            | VerifyWithdrawalCredentials(_)
            | StartCheckpoint(_)
            | VerifyCheckpointProofs(_)
            | VerifyStaleBalance(_)
            | RequestWithdrawal(_) => "EigenPod",
            CreateAvsRewardsSubmission(_)
            | CreateOperatorDirectedAvsRewardsSubmission(_)
            | CreateOperatorDirectedOperatorSetRewardsSubmission(_)
            | CreateUniqueStakeRewardsSubmission(_)
            | CreateTotalStakeRewardsSubmission(_)
            | SubmitRoot(_)
            | DisableRoot(_)
            | ProcessClaim(_)
            | ProcessClaims(_)
            | SetClaimerFor(_)
            | SetOperatorAvsSplit(_)
            | SetOperatorSetSplit(_)
            | SetOperatorPiSplit(_)
            | SetDefaultOperatorSplit(_)
            | SetRewardsUpdater(_)
            | SetFeeRecipient(_)
            | SetOptInForProtocolFee(_) => "RewardsCoordinator",
            _ => "AllocationManager",
        }
    }
}

/// `StrategyFactory.deployNewStrategy(token)`: creates and whitelists a strategy for a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeployNewStrategy {
    /// The underlying token.
    #[serde(with = "serde_ext::token")]
    pub token: Address,
}

/// A list of strategies (`addStrategiesToDepositWhitelist(strategiesToWhitelist)`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrategyList {
    /// The strategies.
    #[serde(with = "serde_ext::strategies", alias = "strategies_to_whitelist")]
    pub strategies: Vec<Address>,
}

/// `StrategyManager.depositIntoStrategy(strategy, token, amount)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DepositIntoStrategy {
    /// The strategy.
    #[serde(with = "serde_ext::strategy")]
    pub strategy: Address,
    /// Its underlying token.
    #[serde(with = "serde_ext::token")]
    pub token: Address,
    /// Tokens to deposit.
    #[serde(with = "serde_ext::amount")]
    pub amount: U256,
}

/// `StrategyManager.clearBurnOrRedistributableShares(operatorSet, slashId)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClearBurnOrRedistributableShares {
    /// The set that slashed.
    pub operator_set: OperatorSet,
    /// The slash.
    #[serde(with = "serde_ext::int")]
    pub slash_id: u64,
}

/// `StrategyManager.clearBurnOrRedistributableSharesByStrategy(operatorSet, slashId, strategy)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClearBurnOrRedistributableSharesByStrategy {
    /// The set that slashed.
    pub operator_set: OperatorSet,
    /// The slash.
    #[serde(with = "serde_ext::int")]
    pub slash_id: u64,
    /// The strategy to clear.
    #[serde(with = "serde_ext::strategy")]
    pub strategy: Address,
}

/// `DelegationManager.registerAsOperator(initDelegationApprover, allocationDelay, metadataURI)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterAsOperator {
    /// Who must sign delegations to this operator; zero (the default) lets anyone delegate.
    #[serde(with = "serde_ext::account", default)]
    pub init_delegation_approver: Address,
    /// Blocks between an allocation and its taking effect; in force immediately.
    #[serde(with = "serde_ext::int")]
    pub allocation_delay: u32,
    /// Operator metadata.
    #[serde(default)]
    pub metadata_uri: String,
}

/// `DelegationManager.modifyOperatorDetails(operator, newDelegationApprover)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModifyOperatorDetails {
    /// The operator.
    #[serde(with = "serde_ext::account")]
    pub operator: Address,
    /// The new approver (zero: none).
    #[serde(with = "serde_ext::account")]
    pub new_delegation_approver: Address,
}

/// `DelegationManager.updateOperatorMetadataURI(operator, metadataURI)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateOperatorMetadataUri {
    /// The operator.
    #[serde(with = "serde_ext::account")]
    pub operator: Address,
    /// The new URI.
    pub metadata_uri: String,
}

/// `ISignatureUtilsMixinTypes.SignatureWithExpiry`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureWithExpiry {
    /// A 65-byte `r ‖ s ‖ v` ECDSA signature.
    #[serde(default)]
    pub signature: Bytes,
    /// The last timestamp at which the signature is valid.
    #[serde(with = "serde_ext::int", default)]
    pub expiry: u64,
}

/// `DelegationManager.delegateTo(operator, approverSignatureAndExpiry, approverSalt)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DelegateTo {
    /// The operator.
    #[serde(with = "serde_ext::account")]
    pub operator: Address,
    /// The approver's signature, if the operator has an approver.
    #[serde(default)]
    pub approver_signature_and_expiry: SignatureWithExpiry,
    /// A salt the approver has not used before.
    #[serde(default)]
    pub approver_salt: B256,
}

/// `DelegationManager.undelegate(staker)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Undelegate {
    /// The staker to undelegate.
    #[serde(with = "serde_ext::account")]
    pub staker: Address,
}

/// `DelegationManager.redelegate(newOperator, newOperatorApproverSig, approverSalt)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Redelegate {
    /// The new operator.
    #[serde(with = "serde_ext::account")]
    pub new_operator: Address,
    /// The new operator's approver signature.
    #[serde(default)]
    pub new_operator_approver_sig: SignatureWithExpiry,
    /// A salt the approver has not used before.
    #[serde(default)]
    pub approver_salt: B256,
}

/// `IDelegationManagerTypes.QueuedWithdrawalParams`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueuedWithdrawalParams {
    /// Strategies to withdraw from.
    #[serde(with = "serde_ext::strategies")]
    pub strategies: Vec<Address>,
    /// Deposit shares to withdraw, per strategy.
    #[serde(with = "serde_ext::amounts")]
    pub deposit_shares: Vec<U256>,
    /// Ignored since the slashing release (the withdrawer is always the staker).
    #[serde(with = "serde_ext::account", default, rename = "__deprecated_withdrawer")]
    pub deprecated_withdrawer: Address,
}

/// `DelegationManager.queueWithdrawals(params)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueWithdrawals {
    /// One withdrawal per entry.
    pub params: Vec<QueuedWithdrawalParams>,
}

/// `DelegationManager.completeQueuedWithdrawal(withdrawal, tokens, receiveAsTokens)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompleteQueuedWithdrawal {
    /// The withdrawal as queued (a scenario may name it by its label).
    pub withdrawal: Withdrawal,
    /// The underlying token of each strategy (used when receiving tokens).
    #[serde(with = "serde_ext::tokens", default)]
    pub tokens: Vec<Address>,
    /// Tokens out (`true`), or shares back into the staker's position (`false`).
    pub receive_as_tokens: bool,
}

/// `DelegationManager.completeQueuedWithdrawals(withdrawals, tokens, receiveAsTokens)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompleteQueuedWithdrawals {
    /// The withdrawals.
    pub withdrawals: Vec<Withdrawal>,
    /// Tokens per withdrawal.
    pub tokens: Vec<TokenList>,
    /// Per withdrawal: tokens or shares.
    pub receive_as_tokens: Vec<bool>,
}

/// A list of tokens (an element of `completeQueuedWithdrawals`' `tokens`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TokenList(#[serde(with = "serde_ext::tokens")] pub Vec<Address>);

/// `AllocationManager.updateAVSMetadataURI(avs, metadataURI)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateAvsMetadataUri {
    /// The AVS.
    #[serde(with = "serde_ext::account")]
    pub avs: Address,
    /// Its metadata URI.
    #[serde(default)]
    pub metadata_uri: String,
}

/// `IAllocationManagerTypes.CreateSetParamsV2`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateSetParams {
    /// The new set's id.
    #[serde(with = "serde_ext::int")]
    pub operator_set_id: u32,
    /// Strategies the set can slash.
    #[serde(with = "serde_ext::strategies", default)]
    pub strategies: Vec<Address>,
    /// The set's slasher; the legacy overload (omitted here) defaults to the AVS.
    #[serde(with = "serde_ext::account_opt", default)]
    pub slasher: Option<Address>,
}

/// `AllocationManager.createOperatorSets(avs, params)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateOperatorSets {
    /// The AVS.
    #[serde(with = "serde_ext::account")]
    pub avs: Address,
    /// The sets.
    pub params: Vec<CreateSetParams>,
}

/// `AllocationManager.createRedistributingOperatorSets(avs, params, redistributionRecipients)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateRedistributingOperatorSets {
    /// The AVS.
    #[serde(with = "serde_ext::account")]
    pub avs: Address,
    /// The sets.
    pub params: Vec<CreateSetParams>,
    /// Per set, who receives slashed funds.
    #[serde(with = "serde_ext::accounts")]
    pub redistribution_recipients: Vec<Address>,
}

/// `addStrategiesToOperatorSet` / `removeStrategiesFromOperatorSet(avs, operatorSetId, strategies)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorSetStrategies {
    /// The AVS.
    #[serde(with = "serde_ext::account")]
    pub avs: Address,
    /// The set's id.
    #[serde(with = "serde_ext::int")]
    pub operator_set_id: u32,
    /// The strategies.
    #[serde(with = "serde_ext::strategies")]
    pub strategies: Vec<Address>,
}

/// `AllocationManager.updateSlasher(operatorSet, slasher)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateSlasher {
    /// The set.
    pub operator_set: OperatorSet,
    /// The new slasher.
    #[serde(with = "serde_ext::account")]
    pub slasher: Address,
}

/// `IAllocationManagerTypes.RegisterParams`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterParams {
    /// The AVS.
    #[serde(with = "serde_ext::account")]
    pub avs: Address,
    /// Sets to join.
    #[serde(with = "serde_ext::ints")]
    pub operator_set_ids: Vec<u32>,
    /// Data for the AVS's registrar (kept in the event, not interpreted).
    #[serde(default)]
    pub data: Bytes,
}

/// `AllocationManager.registerForOperatorSets(operator, params)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterForOperatorSets {
    /// The operator.
    #[serde(with = "serde_ext::account")]
    pub operator: Address,
    /// What to join.
    pub params: RegisterParams,
}

/// `IAllocationManagerTypes.DeregisterParams`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeregisterParams {
    /// The operator.
    #[serde(with = "serde_ext::account")]
    pub operator: Address,
    /// The AVS.
    #[serde(with = "serde_ext::account")]
    pub avs: Address,
    /// Sets to leave.
    #[serde(with = "serde_ext::ints")]
    pub operator_set_ids: Vec<u32>,
}

/// `AllocationManager.deregisterFromOperatorSets(params)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeregisterFromOperatorSets {
    /// What to leave.
    pub params: DeregisterParams,
}

/// `AllocationManager.setAllocationDelay(operator, delay)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetAllocationDelay {
    /// The operator.
    #[serde(with = "serde_ext::account")]
    pub operator: Address,
    /// The new delay in blocks.
    #[serde(with = "serde_ext::int")]
    pub delay: u32,
}

/// `IAllocationManagerTypes.AllocateParams`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllocateParams {
    /// The set.
    pub operator_set: OperatorSet,
    /// Strategies to (de)allocate.
    #[serde(with = "serde_ext::strategies")]
    pub strategies: Vec<Address>,
    /// The magnitude wanted per strategy.
    #[serde(with = "serde_ext::ints")]
    pub new_magnitudes: Vec<u64>,
}

/// `AllocationManager.modifyAllocations(operator, params)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModifyAllocations {
    /// The operator.
    #[serde(with = "serde_ext::account")]
    pub operator: Address,
    /// The changes.
    pub params: Vec<AllocateParams>,
}

/// `AllocationManager.clearDeallocationQueue(operator, strategies, numToClear)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClearDeallocationQueue {
    /// The operator.
    #[serde(with = "serde_ext::account")]
    pub operator: Address,
    /// The strategies.
    #[serde(with = "serde_ext::strategies")]
    pub strategies: Vec<Address>,
    /// At most this many entries per strategy.
    #[serde(with = "serde_ext::ints")]
    pub num_to_clear: Vec<u16>,
}

/// `IAllocationManagerTypes.SlashingParams`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlashingParams {
    /// The operator to slash.
    #[serde(with = "serde_ext::account")]
    pub operator: Address,
    /// The set slashing.
    #[serde(with = "serde_ext::int")]
    pub operator_set_id: u32,
    /// Strategies, strictly ascending by address.
    #[serde(with = "serde_ext::strategies")]
    pub strategies: Vec<Address>,
    /// Fraction of the allocation to slash, per strategy, in WAD (`"50%"` is accepted).
    #[serde(with = "serde_ext::amounts")]
    pub wads_to_slash: Vec<U256>,
    /// Why.
    #[serde(default)]
    pub description: String,
}

/// `AllocationManager.slashOperator(avs, params)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlashOperator {
    /// The AVS.
    #[serde(with = "serde_ext::account")]
    pub avs: Address,
    /// The slash.
    pub params: SlashingParams,
}

/// `PermissionController.addPendingAdmin / removePendingAdmin / removeAdmin(account, admin)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountAdmin {
    /// The account.
    #[serde(with = "serde_ext::account")]
    pub account: Address,
    /// The admin.
    #[serde(with = "serde_ext::account")]
    pub admin: Address,
}

/// `PermissionController.acceptAdmin(account)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptAdmin {
    /// The account.
    #[serde(with = "serde_ext::account")]
    pub account: Address,
}

/// `PermissionController.setAppointee / removeAppointee(account, appointee, target, selector)`,
/// with `(target, selector)` given as the function's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Appointee {
    /// The account.
    #[serde(with = "serde_ext::account")]
    pub account: Address,
    /// Who may act for it.
    #[serde(with = "serde_ext::account")]
    pub appointee: Address,
    /// The EigenLayer function (`"modify_allocations"`).
    pub function: String,
}

/// A function without arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoArgs {}

/// `EigenPodManager.stake(pubkey, signature, depositDataRoot)` with 32 ETH from the sender:
/// the deposit's signature and root are the beacon chain's concern, so only the key is given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stake {
    /// The new validator's key (0x hex, or a name).
    #[serde(with = "crate::beacon::calls::validator_key")]
    pub pubkey: B256,
}

/// `EigenPod.setProofSubmitter(newProofSubmitter)` on the sender's pod.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetProofSubmitter {
    /// Who may prove for the owner (zero: nobody else).
    #[serde(with = "serde_ext::account")]
    pub new_proof_submitter: Address,
}

/// Proofs about validators of a pod: `verifyWithdrawalCredentials` and
/// `verifyCheckpointProofs`, reduced to the validators they prove (the beacon chain is part
/// of the world, so what a proof would show is read from it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PodValidators {
    /// Whose pod (default: the sender's).
    #[serde(with = "serde_ext::account_opt", default)]
    pub pod_owner: Option<Address>,
    /// Beacon-chain validator indices.
    #[serde(with = "serde_ext::ints")]
    pub validator_indices: Vec<u64>,
}

/// `EigenPod.startCheckpoint(revertIfNoBalance)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartCheckpoint {
    /// Whose pod (default: the sender's).
    #[serde(with = "serde_ext::account_opt", default)]
    pub pod_owner: Option<Address>,
    /// Refuse when the pod holds no new ETH.
    #[serde(default)]
    pub revert_if_no_balance: bool,
}

/// `EigenPod.verifyStaleBalance(beaconTimestamp, stateRootProof, proof)`, anyone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyStaleBalance {
    /// Whose pod.
    #[serde(with = "serde_ext::account_opt", default)]
    pub pod_owner: Option<Address>,
    /// The slashed validator's index.
    #[serde(with = "serde_ext::int")]
    pub validator_index: u64,
}

/// `EigenPod.requestWithdrawal(requests)`: EIP-7002 requests sent by the pod.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestWithdrawal {
    /// Whose pod (default: the sender's).
    #[serde(with = "serde_ext::account_opt", default)]
    pub pod_owner: Option<Address>,
    /// The requests.
    pub requests: Vec<super::pods::WithdrawalRequest>,
}

/// `createAVSRewardsSubmission(rewardsSubmissions)`: the sender is the AVS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RewardsSubmissions {
    /// The submissions.
    pub rewards_submissions: Vec<super::rewards::RewardsSubmission>,
}

/// `createOperatorDirectedAVSRewardsSubmission(avs, operatorDirectedRewardsSubmissions)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorDirectedAvsSubmissions {
    /// The AVS (the sender must be allowed to act for it).
    #[serde(with = "serde_ext::account")]
    pub avs: Address,
    /// The submissions.
    pub operator_directed_rewards_submissions:
        Vec<super::rewards::OperatorDirectedRewardsSubmission>,
}

/// `createOperatorDirectedOperatorSetRewardsSubmission(operatorSet, submissions)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorDirectedSetSubmissions {
    /// The set.
    pub operator_set: OperatorSet,
    /// The submissions.
    pub operator_directed_rewards_submissions:
        Vec<super::rewards::OperatorDirectedRewardsSubmission>,
}

/// `createUniqueStakeRewardsSubmission(operatorSet, rewardsSubmissions)` and the total-stake twin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorSetSubmissions {
    /// The set.
    pub operator_set: OperatorSet,
    /// The submissions.
    pub rewards_submissions: Vec<super::rewards::RewardsSubmission>,
}

/// `submitRoot(root, rewardsCalculationEndTimestamp)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmitRoot {
    /// The merkle root of cumulative earnings.
    pub root: B256,
    /// The last snapshot it covers.
    #[serde(with = "serde_ext::int")]
    pub rewards_calculation_end_timestamp: u32,
}

/// `disableRoot(rootIndex)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisableRoot {
    /// The root's index.
    #[serde(with = "serde_ext::int")]
    pub root_index: u32,
}

/// `processClaim(claim, recipient)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessClaim {
    /// The claim with its proofs.
    pub claim: super::rewards::RewardsMerkleClaim,
    /// Who receives the tokens.
    #[serde(with = "serde_ext::account")]
    pub recipient: Address,
}

/// `processClaims(claims, recipient)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessClaims {
    /// The claims.
    pub claims: Vec<super::rewards::RewardsMerkleClaim>,
    /// Who receives the tokens.
    #[serde(with = "serde_ext::account")]
    pub recipient: Address,
}

/// `setClaimerFor(claimer)`, or with `earner`, `setClaimerFor(earner, claimer)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetClaimerFor {
    /// The earner (an operator or AVS the sender acts for); the sender if absent.
    #[serde(with = "serde_ext::account_opt", default)]
    pub earner: Option<Address>,
    /// Who may claim (zero: the earner only).
    #[serde(with = "serde_ext::account")]
    pub claimer: Address,
}

/// `setOperatorAVSSplit(operator, avs, split)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetOperatorAvsSplit {
    /// The operator.
    #[serde(with = "serde_ext::account")]
    pub operator: Address,
    /// The AVS.
    #[serde(with = "serde_ext::account")]
    pub avs: Address,
    /// Bips of stakers' rewards the operator keeps.
    #[serde(with = "serde_ext::int")]
    pub split: u16,
}

/// `setOperatorSetSplit(operator, operatorSet, split)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetOperatorSetSplit {
    /// The operator.
    #[serde(with = "serde_ext::account")]
    pub operator: Address,
    /// The set.
    pub operator_set: OperatorSet,
    /// Bips.
    #[serde(with = "serde_ext::int")]
    pub split: u16,
}

/// `setOperatorPISplit(operator, split)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetOperatorPiSplit {
    /// The operator.
    #[serde(with = "serde_ext::account")]
    pub operator: Address,
    /// Bips.
    #[serde(with = "serde_ext::int")]
    pub split: u16,
}

/// `setDefaultOperatorSplit(split)` (the owner).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetDefaultOperatorSplit {
    /// Bips.
    #[serde(with = "serde_ext::int")]
    pub split: u16,
}

/// `setRewardsUpdater(rewardsUpdater)` (the owner).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetRewardsUpdater {
    /// Who posts roots.
    #[serde(with = "serde_ext::account")]
    pub rewards_updater: Address,
}

/// `setFeeRecipient(feeRecipient)` (the owner).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetFeeRecipient {
    /// Who receives protocol fees.
    #[serde(with = "serde_ext::account")]
    pub fee_recipient: Address,
}

/// `setOptInForProtocolFee(submitter, value)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetOptInForProtocolFee {
    /// The submitter (the sender must act for it).
    #[serde(with = "serde_ext::account")]
    pub submitter: Address,
    /// Opt in or out.
    pub value: bool,
}
