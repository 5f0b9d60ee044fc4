//! Karak's events, named as the v2 contracts'.

use alloy_primitives::{Address, B256, U256};
use serde::{Deserialize, Serialize};

use crate::serde_ext;

/// An event of the Karak module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event")]
#[allow(missing_docs)] // fields are named as the contracts' event arguments
pub enum KarakEvent {
    DSSRegistered {
        #[serde(with = "serde_ext::account")]
        dss: Address,
        #[serde(with = "serde_ext::amount")]
        max_slashable_percentage_wad: U256,
    },
    AllowlistedAssets {
        #[serde(with = "serde_ext::tokens")]
        assets: Vec<Address>,
    },
    RolesGranted {
        #[serde(with = "serde_ext::account")]
        user: Address,
        roles: Vec<String>,
    },
    DeployedVault {
        #[serde(with = "serde_ext::account")]
        operator: Address,
        #[serde(with = "serde_ext::account")]
        vault: Address,
        #[serde(with = "serde_ext::token")]
        asset: Address,
    },
    RegisteredOperatorToDSS {
        #[serde(with = "serde_ext::account")]
        operator: Address,
        #[serde(with = "serde_ext::account")]
        dss: Address,
    },
    UnregisteredOperatorToDSS {
        #[serde(with = "serde_ext::account")]
        operator: Address,
        #[serde(with = "serde_ext::account")]
        dss: Address,
    },
    RequestedStakeUpdate {
        update: super::state::QueuedStakeUpdate,
    },
    FinishedStakeUpdate {
        update: super::state::QueuedStakeUpdate,
    },
    RequestedSlashing {
        root: B256,
        slashing: super::state::QueuedSlashing,
    },
    CancelledSlashing {
        root: B256,
    },
    FinalizedSlashing {
        root: B256,
    },
    SkippedSlashing {
        #[serde(with = "serde_ext::account")]
        vault: Address,
    },
    /// A vault's `Slashed(amount)`.
    Slashed {
        #[serde(with = "serde_ext::account")]
        vault: Address,
        #[serde(with = "serde_ext::amount")]
        amount: U256,
    },
    /// ERC4626 `Deposit`.
    Deposit {
        #[serde(with = "serde_ext::account")]
        vault: Address,
        #[serde(with = "serde_ext::account")]
        by: Address,
        #[serde(with = "serde_ext::account")]
        owner: Address,
        #[serde(with = "serde_ext::amount")]
        assets: U256,
        #[serde(with = "serde_ext::amount")]
        shares: U256,
    },
    /// Shares moved between holders.
    Transfer {
        #[serde(with = "serde_ext::account")]
        vault: Address,
        #[serde(with = "serde_ext::account")]
        from: Address,
        #[serde(with = "serde_ext::account")]
        to: Address,
        #[serde(with = "serde_ext::amount")]
        value: U256,
    },
    StartedRedeem {
        #[serde(with = "serde_ext::account")]
        vault: Address,
        #[serde(with = "serde_ext::account")]
        staker: Address,
        withdrawal_key: B256,
        #[serde(with = "serde_ext::amount")]
        shares: U256,
    },
    FinishedRedeem {
        #[serde(with = "serde_ext::account")]
        vault: Address,
        withdrawal_key: B256,
        #[serde(with = "serde_ext::account")]
        beneficiary: Address,
        #[serde(with = "serde_ext::amount")]
        shares: U256,
        #[serde(with = "serde_ext::amount")]
        assets: U256,
    },
    NodeCreated {
        #[serde(with = "serde_ext::account")]
        vault: Address,
        #[serde(with = "serde_ext::account")]
        owner: Address,
        #[serde(with = "serde_ext::account")]
        node: Address,
    },
    ValidatorRestaked {
        #[serde(with = "serde_ext::account")]
        vault: Address,
        #[serde(with = "serde_ext::account")]
        owner: Address,
        validator_index: u64,
        #[serde(with = "serde_ext::amount")]
        credited: U256,
    },
    SnapshotFinished {
        #[serde(with = "serde_ext::account")]
        vault: Address,
        #[serde(with = "serde_ext::account")]
        owner: Address,
        #[serde(with = "serde_ext::amount")]
        swept_slashed: U256,
        #[serde(with = "serde_ext::amount")]
        node_balance_credited: U256,
        #[serde(with = "serde_ext::signed")]
        balance_delta: i128,
    },
    StartedWithdrawal {
        #[serde(with = "serde_ext::account")]
        vault: Address,
        #[serde(with = "serde_ext::account")]
        owner: Address,
        withdrawal_key: B256,
        #[serde(with = "serde_ext::amount")]
        assets: U256,
    },
    FinishedWithdrawal {
        #[serde(with = "serde_ext::account")]
        vault: Address,
        withdrawal_key: B256,
        #[serde(with = "serde_ext::account")]
        to: Address,
        #[serde(with = "serde_ext::amount")]
        assets: U256,
    },
}
