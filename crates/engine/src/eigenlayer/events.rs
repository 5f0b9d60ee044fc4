//! The events EigenLayer's contracts emit, with the contracts' names and fields (snake_case).

use alloy_primitives::{Address, B256, U256};
use serde::{Deserialize, Serialize};

use super::{
    rewards::{OperatorDirectedRewardsSubmission, RewardsSubmission},
    state::{OperatorSet, Withdrawal},
};
use crate::serde_ext;

/// An event emitted by one of EigenLayer's core contracts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event")]
#[allow(missing_docs)] // field names are the contracts' event parameters
pub enum EigenLayerEvent {
    StrategyAddedToDepositWhitelist {
        #[serde(with = "serde_ext::strategy")]
        strategy: Address,
    },
    StrategyRemovedFromDepositWhitelist {
        #[serde(with = "serde_ext::strategy")]
        strategy: Address,
    },
    StrategySetForToken {
        #[serde(with = "serde_ext::token")]
        token: Address,
        #[serde(with = "serde_ext::strategy")]
        strategy: Address,
    },
    Deposit {
        #[serde(with = "serde_ext::account")]
        staker: Address,
        #[serde(with = "serde_ext::strategy")]
        strategy: Address,
        #[serde(with = "serde_ext::amount")]
        shares: U256,
    },
    DepositScalingFactorUpdated {
        #[serde(with = "serde_ext::account")]
        staker: Address,
        #[serde(with = "serde_ext::strategy")]
        strategy: Address,
        #[serde(with = "serde_ext::amount")]
        new_deposit_scaling_factor: U256,
    },
    OperatorRegistered {
        #[serde(with = "serde_ext::account")]
        operator: Address,
        #[serde(with = "serde_ext::account")]
        delegation_approver: Address,
    },
    DelegationApproverUpdated {
        #[serde(with = "serde_ext::account")]
        operator: Address,
        #[serde(with = "serde_ext::account")]
        new_delegation_approver: Address,
    },
    #[serde(rename = "OperatorMetadataURIUpdated")]
    OperatorMetadataUriUpdated {
        #[serde(with = "serde_ext::account")]
        operator: Address,
        metadata_uri: String,
    },
    StakerDelegated {
        #[serde(with = "serde_ext::account")]
        staker: Address,
        #[serde(with = "serde_ext::account")]
        operator: Address,
    },
    StakerUndelegated {
        #[serde(with = "serde_ext::account")]
        staker: Address,
        #[serde(with = "serde_ext::account")]
        operator: Address,
    },
    StakerForceUndelegated {
        #[serde(with = "serde_ext::account")]
        staker: Address,
        #[serde(with = "serde_ext::account")]
        operator: Address,
    },
    OperatorSharesIncreased {
        #[serde(with = "serde_ext::account")]
        operator: Address,
        #[serde(with = "serde_ext::account")]
        staker: Address,
        #[serde(with = "serde_ext::strategy")]
        strategy: Address,
        #[serde(with = "serde_ext::amount")]
        shares: U256,
    },
    OperatorSharesDecreased {
        #[serde(with = "serde_ext::account")]
        operator: Address,
        #[serde(with = "serde_ext::account")]
        staker: Address,
        #[serde(with = "serde_ext::strategy")]
        strategy: Address,
        #[serde(with = "serde_ext::amount")]
        shares: U256,
    },
    SlashingWithdrawalQueued {
        withdrawal_root: B256,
        withdrawal: Box<Withdrawal>,
        #[serde(with = "serde_ext::amounts")]
        shares_to_withdraw: Vec<U256>,
    },
    SlashingWithdrawalCompleted {
        withdrawal_root: B256,
    },
    OperatorSharesSlashed {
        #[serde(with = "serde_ext::account")]
        operator: Address,
        #[serde(with = "serde_ext::strategy")]
        strategy: Address,
        #[serde(with = "serde_ext::amount")]
        total_slashed_shares: U256,
    },
    BurnOrRedistributableSharesIncreased {
        operator_set: OperatorSet,
        #[serde(with = "serde_ext::int")]
        slash_id: u64,
        #[serde(with = "serde_ext::strategy")]
        strategy: Address,
        #[serde(with = "serde_ext::amount")]
        shares: U256,
    },
    BurnOrRedistributableSharesDecreased {
        operator_set: OperatorSet,
        #[serde(with = "serde_ext::int")]
        slash_id: u64,
        #[serde(with = "serde_ext::strategy")]
        strategy: Address,
        #[serde(with = "serde_ext::amount")]
        shares: U256,
    },
    #[serde(rename = "AVSMetadataURIUpdated")]
    AvsMetadataUriUpdated {
        #[serde(with = "serde_ext::account")]
        avs: Address,
        metadata_uri: String,
    },
    OperatorSetCreated {
        operator_set: OperatorSet,
    },
    RedistributionAddressSet {
        operator_set: OperatorSet,
        #[serde(with = "serde_ext::account")]
        redistribution_recipient: Address,
    },
    StrategyAddedToOperatorSet {
        operator_set: OperatorSet,
        #[serde(with = "serde_ext::strategy")]
        strategy: Address,
    },
    StrategyRemovedFromOperatorSet {
        operator_set: OperatorSet,
        #[serde(with = "serde_ext::strategy")]
        strategy: Address,
    },
    SlasherUpdated {
        operator_set: OperatorSet,
        #[serde(with = "serde_ext::account")]
        slasher: Address,
        effect_block: u64,
    },
    OperatorAddedToOperatorSet {
        #[serde(with = "serde_ext::account")]
        operator: Address,
        operator_set: OperatorSet,
    },
    OperatorRemovedFromOperatorSet {
        #[serde(with = "serde_ext::account")]
        operator: Address,
        operator_set: OperatorSet,
    },
    AllocationDelaySet {
        #[serde(with = "serde_ext::account")]
        operator: Address,
        delay: u32,
        effect_block: u64,
    },
    AllocationUpdated {
        #[serde(with = "serde_ext::account")]
        operator: Address,
        operator_set: OperatorSet,
        #[serde(with = "serde_ext::strategy")]
        strategy: Address,
        #[serde(with = "serde_ext::int")]
        magnitude: u64,
        effect_block: u64,
    },
    EncumberedMagnitudeUpdated {
        #[serde(with = "serde_ext::account")]
        operator: Address,
        #[serde(with = "serde_ext::strategy")]
        strategy: Address,
        #[serde(with = "serde_ext::int")]
        encumbered_magnitude: u64,
    },
    MaxMagnitudeUpdated {
        #[serde(with = "serde_ext::account")]
        operator: Address,
        #[serde(with = "serde_ext::strategy")]
        strategy: Address,
        #[serde(with = "serde_ext::int")]
        max_magnitude: u64,
    },
    OperatorSlashed {
        #[serde(with = "serde_ext::account")]
        operator: Address,
        operator_set: OperatorSet,
        #[serde(with = "serde_ext::strategies")]
        strategies: Vec<Address>,
        #[serde(with = "serde_ext::amounts")]
        wad_slashed: Vec<U256>,
        description: String,
        slash_id: u64,
    },
    PendingAdminAdded {
        #[serde(with = "serde_ext::account")]
        account: Address,
        #[serde(with = "serde_ext::account")]
        admin: Address,
    },
    PendingAdminRemoved {
        #[serde(with = "serde_ext::account")]
        account: Address,
        #[serde(with = "serde_ext::account")]
        admin: Address,
    },
    AdminSet {
        #[serde(with = "serde_ext::account")]
        account: Address,
        #[serde(with = "serde_ext::account")]
        admin: Address,
    },
    AdminRemoved {
        #[serde(with = "serde_ext::account")]
        account: Address,
        #[serde(with = "serde_ext::account")]
        admin: Address,
    },
    AppointeeSet {
        #[serde(with = "serde_ext::account")]
        account: Address,
        #[serde(with = "serde_ext::account")]
        appointee: Address,
        function: String,
    },
    AppointeeRemoved {
        #[serde(with = "serde_ext::account")]
        account: Address,
        #[serde(with = "serde_ext::account")]
        appointee: Address,
        function: String,
    },
    // ----- EigenPodManager and EigenPods -----
    PodDeployed {
        #[serde(with = "serde_ext::account")]
        eigen_pod: Address,
        #[serde(with = "serde_ext::account")]
        pod_owner: Address,
    },
    EigenPodStaked {
        pubkey_hash: B256,
    },
    ProofSubmitterUpdated {
        #[serde(with = "serde_ext::account")]
        prev_proof_submitter: Address,
        #[serde(with = "serde_ext::account")]
        new_proof_submitter: Address,
    },
    ValidatorRestaked {
        pubkey_hash: B256,
    },
    ValidatorBalanceUpdated {
        pubkey_hash: B256,
        balance_timestamp: u64,
        new_validator_balance_gwei: u64,
    },
    CheckpointCreated {
        checkpoint_timestamp: u64,
        validator_count: u64,
    },
    ValidatorCheckpointed {
        checkpoint_timestamp: u64,
        pubkey_hash: B256,
    },
    ValidatorWithdrawn {
        checkpoint_timestamp: u64,
        pubkey_hash: B256,
    },
    CheckpointFinalized {
        checkpoint_timestamp: u64,
        #[serde(with = "serde_ext::signed")]
        total_share_delta_wei: i128,
    },
    PodSharesUpdated {
        #[serde(with = "serde_ext::account")]
        pod_owner: Address,
        #[serde(with = "serde_ext::amount")]
        shares_delta: U256,
    },
    NewTotalShares {
        #[serde(with = "serde_ext::account")]
        pod_owner: Address,
        #[serde(with = "serde_ext::amount")]
        new_total_shares: U256,
    },
    BeaconChainSlashingFactorDecreased {
        #[serde(with = "serde_ext::account")]
        staker: Address,
        #[serde(with = "serde_ext::int")]
        prev_beacon_chain_slashing_factor: u64,
        #[serde(with = "serde_ext::int")]
        new_beacon_chain_slashing_factor: u64,
    },
    ExitRequested {
        validator_pubkey_hash: B256,
    },
    #[serde(rename = "RestakedBeaconChainETHWithdrawn")]
    RestakedBeaconChainEthWithdrawn {
        #[serde(with = "serde_ext::account")]
        recipient: Address,
        #[serde(with = "serde_ext::amount")]
        amount: U256,
    },
    // ----- RewardsCoordinator -----
    #[serde(rename = "AVSRewardsSubmissionCreated")]
    AvsRewardsSubmissionCreated {
        #[serde(with = "serde_ext::account")]
        avs: Address,
        submission_nonce: u64,
        rewards_submission_hash: B256,
        rewards_submission: Box<RewardsSubmission>,
    },
    #[serde(rename = "OperatorDirectedAVSRewardsSubmissionCreated")]
    OperatorDirectedAvsRewardsSubmissionCreated {
        #[serde(with = "serde_ext::account")]
        caller: Address,
        #[serde(with = "serde_ext::account")]
        avs: Address,
        operator_directed_rewards_submission_hash: B256,
        submission_nonce: u64,
        operator_directed_rewards_submission: Box<OperatorDirectedRewardsSubmission>,
    },
    OperatorDirectedOperatorSetRewardsSubmissionCreated {
        #[serde(with = "serde_ext::account")]
        caller: Address,
        operator_directed_rewards_submission_hash: B256,
        operator_set: OperatorSet,
        submission_nonce: u64,
        operator_directed_rewards_submission: Box<OperatorDirectedRewardsSubmission>,
    },
    UniqueStakeRewardsSubmissionCreated {
        #[serde(with = "serde_ext::account")]
        caller: Address,
        rewards_submission_hash: B256,
        operator_set: OperatorSet,
        submission_nonce: u64,
        rewards_submission: Box<RewardsSubmission>,
    },
    TotalStakeRewardsSubmissionCreated {
        #[serde(with = "serde_ext::account")]
        caller: Address,
        rewards_submission_hash: B256,
        operator_set: OperatorSet,
        submission_nonce: u64,
        rewards_submission: Box<RewardsSubmission>,
    },
    DistributionRootSubmitted {
        root_index: u32,
        root: B256,
        rewards_calculation_end_timestamp: u64,
        activated_at: u64,
    },
    DistributionRootDisabled {
        root_index: u32,
    },
    RewardsClaimed {
        root: B256,
        #[serde(with = "serde_ext::account")]
        earner: Address,
        #[serde(with = "serde_ext::account")]
        claimer: Address,
        #[serde(with = "serde_ext::account")]
        recipient: Address,
        #[serde(with = "serde_ext::token")]
        token: Address,
        #[serde(with = "serde_ext::amount")]
        claimed_amount: U256,
    },
    ClaimerForSet {
        #[serde(with = "serde_ext::account")]
        earner: Address,
        #[serde(with = "serde_ext::account")]
        old_claimer: Address,
        #[serde(with = "serde_ext::account")]
        claimer: Address,
    },
    #[serde(rename = "OperatorAVSSplitBipsSet")]
    OperatorAvsSplitBipsSet {
        #[serde(with = "serde_ext::account")]
        caller: Address,
        #[serde(with = "serde_ext::account")]
        operator: Address,
        #[serde(with = "serde_ext::account")]
        avs: Address,
        activated_at: u64,
        old_operator_avs_split_bips: u16,
        new_operator_avs_split_bips: u16,
    },
    OperatorSetSplitBipsSet {
        #[serde(with = "serde_ext::account")]
        caller: Address,
        #[serde(with = "serde_ext::account")]
        operator: Address,
        operator_set: OperatorSet,
        activated_at: u64,
        old_operator_set_split_bips: u16,
        new_operator_set_split_bips: u16,
    },
    #[serde(rename = "OperatorPISplitBipsSet")]
    OperatorPiSplitBipsSet {
        #[serde(with = "serde_ext::account")]
        caller: Address,
        #[serde(with = "serde_ext::account")]
        operator: Address,
        activated_at: u64,
        old_operator_pi_split_bips: u16,
        new_operator_pi_split_bips: u16,
    },
    DefaultOperatorSplitBipsSet {
        old_default_operator_split_bips: u16,
        new_default_operator_split_bips: u16,
    },
    RewardsUpdaterSet {
        #[serde(with = "serde_ext::account")]
        old_rewards_updater: Address,
        #[serde(with = "serde_ext::account")]
        new_rewards_updater: Address,
    },
    FeeRecipientSet {
        #[serde(with = "serde_ext::account")]
        old_fee_recipient: Address,
        #[serde(with = "serde_ext::account")]
        new_fee_recipient: Address,
    },
    OptInForProtocolFeeSet {
        #[serde(with = "serde_ext::account")]
        submitter: Address,
        old_value: bool,
        new_value: bool,
    },
}
