//! Symbiotic's events, named as the contracts' (`Deposit`, `OnSlash`, `RequestSlash`, …). Each
//! names the contract instance that emitted it.

use alloy_primitives::{Address, B256, U256};
use serde::{Deserialize, Serialize};

use super::state::Subnetwork;
use crate::serde_ext;

/// An event of the Symbiotic module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event")]
#[allow(missing_docs)] // fields are named as the contracts' event arguments
pub enum SymbioticEvent {
    /// NetworkRegistry / OperatorRegistry `AddEntity`.
    AddEntity {
        registry: String,
        #[serde(with = "serde_ext::account")]
        entity: Address,
    },
    SetMiddleware {
        #[serde(with = "serde_ext::account")]
        network: Address,
        #[serde(with = "serde_ext::account")]
        middleware: Address,
    },
    OptIn {
        service: String,
        #[serde(with = "serde_ext::account")]
        who: Address,
        #[serde(rename = "where", with = "serde_ext::account")]
        place: Address,
    },
    OptOut {
        service: String,
        #[serde(with = "serde_ext::account")]
        who: Address,
        #[serde(rename = "where", with = "serde_ext::account")]
        place: Address,
    },
    /// VaultConfigurator.create: the vault with its delegator and slasher.
    VaultCreated {
        #[serde(with = "serde_ext::account")]
        vault: Address,
        #[serde(with = "serde_ext::token")]
        collateral: Address,
        #[serde(with = "serde_ext::account")]
        delegator: Address,
        delegator_type: u64,
        #[serde(with = "serde_ext::account_opt")]
        slasher: Option<Address>,
        slasher_type: Option<u64>,
        epoch_duration: u64,
    },
    Deposit {
        #[serde(with = "serde_ext::account")]
        vault: Address,
        #[serde(with = "serde_ext::account")]
        depositor: Address,
        #[serde(with = "serde_ext::account")]
        on_behalf_of: Address,
        #[serde(with = "serde_ext::amount")]
        amount: U256,
        #[serde(with = "serde_ext::amount")]
        shares: U256,
    },
    Withdraw {
        #[serde(with = "serde_ext::account")]
        vault: Address,
        #[serde(with = "serde_ext::account")]
        withdrawer: Address,
        #[serde(with = "serde_ext::account")]
        claimer: Address,
        #[serde(with = "serde_ext::amount")]
        amount: U256,
        #[serde(with = "serde_ext::amount")]
        burned_shares: U256,
        #[serde(with = "serde_ext::amount")]
        minted_shares: U256,
        /// The bucket: claimable once this epoch has ended.
        epoch: u64,
    },
    Claim {
        #[serde(with = "serde_ext::account")]
        vault: Address,
        #[serde(with = "serde_ext::account")]
        claimer: Address,
        #[serde(with = "serde_ext::account")]
        recipient: Address,
        epoch: u64,
        #[serde(with = "serde_ext::amount")]
        amount: U256,
    },
    /// Vault `OnSlash`, with how the loss split over active stake and the buckets.
    VaultSlashed {
        #[serde(with = "serde_ext::account")]
        vault: Address,
        #[serde(with = "serde_ext::amount")]
        amount: U256,
        capture_timestamp: u64,
        #[serde(with = "serde_ext::amount")]
        slashed_amount: U256,
        #[serde(with = "serde_ext::amount")]
        from_active_stake: U256,
        #[serde(with = "serde_ext::amount")]
        from_current_withdrawals: U256,
        #[serde(with = "serde_ext::amount")]
        from_next_withdrawals: U256,
    },
    VaultSettingChanged {
        #[serde(with = "serde_ext::account")]
        vault: Address,
        setting: String,
        value: String,
    },
    RoleGranted {
        #[serde(with = "serde_ext::account")]
        contract: Address,
        role: String,
        #[serde(with = "serde_ext::account")]
        account: Address,
    },
    SetMaxNetworkLimit {
        #[serde(with = "serde_ext::account")]
        delegator: Address,
        subnetwork: Subnetwork,
        #[serde(with = "serde_ext::amount")]
        amount: U256,
    },
    SetNetworkLimit {
        #[serde(with = "serde_ext::account")]
        delegator: Address,
        subnetwork: Subnetwork,
        #[serde(with = "serde_ext::amount")]
        amount: U256,
    },
    SetOperatorNetworkShares {
        #[serde(with = "serde_ext::account")]
        delegator: Address,
        subnetwork: Subnetwork,
        #[serde(with = "serde_ext::account")]
        operator: Address,
        #[serde(with = "serde_ext::amount")]
        shares: U256,
    },
    SetOperatorNetworkLimit {
        #[serde(with = "serde_ext::account")]
        delegator: Address,
        subnetwork: Subnetwork,
        #[serde(with = "serde_ext::account")]
        operator: Address,
        #[serde(with = "serde_ext::amount")]
        amount: U256,
    },
    Slash {
        #[serde(with = "serde_ext::account")]
        slasher: Address,
        subnetwork: Subnetwork,
        #[serde(with = "serde_ext::account")]
        operator: Address,
        #[serde(with = "serde_ext::amount")]
        slashed_amount: U256,
        capture_timestamp: u64,
    },
    RequestSlash {
        #[serde(with = "serde_ext::account")]
        slasher: Address,
        slash_index: u64,
        subnetwork: Subnetwork,
        #[serde(with = "serde_ext::account")]
        operator: Address,
        #[serde(with = "serde_ext::amount")]
        slash_amount: U256,
        capture_timestamp: u64,
        veto_deadline: u64,
    },
    ExecuteSlash {
        #[serde(with = "serde_ext::account")]
        slasher: Address,
        slash_index: u64,
        #[serde(with = "serde_ext::amount")]
        slashed_amount: U256,
    },
    VetoSlash {
        #[serde(with = "serde_ext::account")]
        slasher: Address,
        slash_index: u64,
        #[serde(with = "serde_ext::account")]
        resolver: Address,
    },
    SetResolver {
        #[serde(with = "serde_ext::account")]
        slasher: Address,
        subnetwork: Subnetwork,
        #[serde(with = "serde_ext::account")]
        resolver: Address,
        effective_at: u64,
    },
    StakerRewardsCreated {
        #[serde(with = "serde_ext::account")]
        staker_rewards: Address,
        #[serde(with = "serde_ext::account")]
        vault: Address,
        admin_fee: u64,
    },
    DistributeRewards {
        #[serde(with = "serde_ext::account")]
        staker_rewards: Address,
        #[serde(with = "serde_ext::account")]
        network: Address,
        #[serde(with = "serde_ext::token")]
        token: Address,
        #[serde(with = "serde_ext::amount")]
        amount: U256,
        timestamp: u64,
        #[serde(with = "serde_ext::amount")]
        admin_fee: U256,
    },
    ClaimRewards {
        #[serde(with = "serde_ext::account")]
        staker_rewards: Address,
        #[serde(with = "serde_ext::token")]
        token: Address,
        #[serde(with = "serde_ext::account")]
        network: Address,
        #[serde(with = "serde_ext::account")]
        claimer: Address,
        #[serde(with = "serde_ext::account")]
        recipient: Address,
        first_reward_index: u64,
        num_rewards: u64,
        #[serde(with = "serde_ext::amount")]
        amount: U256,
    },
    ClaimAdminFee {
        #[serde(with = "serde_ext::account")]
        staker_rewards: Address,
        #[serde(with = "serde_ext::account")]
        recipient: Address,
        #[serde(with = "serde_ext::token")]
        token: Address,
        #[serde(with = "serde_ext::amount")]
        amount: U256,
    },
    SetAdminFee {
        #[serde(with = "serde_ext::account")]
        staker_rewards: Address,
        admin_fee: u64,
    },
    DistributeOperatorRewards {
        #[serde(with = "serde_ext::account")]
        network: Address,
        #[serde(with = "serde_ext::token")]
        token: Address,
        #[serde(with = "serde_ext::amount")]
        amount: U256,
        root: B256,
    },
    ClaimOperatorRewards {
        #[serde(with = "serde_ext::account")]
        recipient: Address,
        #[serde(with = "serde_ext::account")]
        network: Address,
        #[serde(with = "serde_ext::token")]
        token: Address,
        #[serde(with = "serde_ext::account")]
        claimer: Address,
        #[serde(with = "serde_ext::amount")]
        amount: U256,
    },
}
