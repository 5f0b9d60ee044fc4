//! Babylon's events.

use alloy_primitives::{Address, B256, U256};
use serde::{Deserialize, Serialize};

use crate::serde_ext;

/// An event of the Babylon module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event")]
#[allow(missing_docs)] // fields are named for what they carry
pub enum BabylonEvent {
    ConsumerRegistered {
        consumer_id: String,
    },
    ParamsUpdated {
        version: u32,
        btc_activation_height: u64,
    },
    FinalityProviderCreated {
        btc_pk: B256,
        #[serde(with = "serde_ext::account")]
        owner: Address,
        consumer_id: String,
        commission_ppm: u64,
    },
    PubRandCommitted {
        fp_btc_pk: B256,
        start_height: u64,
        count: u64,
    },
    FinalitySigAdded {
        fp_btc_pk: B256,
        consumer_id: String,
        block_height: u64,
        block_app_hash: B256,
    },
    FinalityProviderJailed {
        fp_btc_pk: B256,
        missed: u64,
        window: u64,
        jailed_until: u64,
    },
    FinalityProviderUnjailed {
        fp_btc_pk: B256,
    },
    FinalityProviderSlashed {
        fp_btc_pk: B256,
        block_height: u64,
        extracted_secret: B256,
        delegations: u64,
    },
    BtcDelegationCreated {
        staking_tx_hash: B256,
        #[serde(with = "serde_ext::account")]
        staker: Address,
        fp_btc_pks: Vec<B256>,
        value_sat: u64,
        staking_time: u64,
    },
    CovenantSigAdded {
        staking_tx_hash: B256,
        #[serde(with = "serde_ext::account")]
        covenant_member: Address,
        signatures: u64,
        quorum_reached: bool,
    },
    BtcDelegationIncluded {
        staking_tx_hash: B256,
        start_height: u64,
        end_height: u64,
        params_version: u32,
    },
    BtcDelegationUnbonded {
        staking_tx_hash: B256,
        btc_height: u64,
        unbonding_fee_sat: u64,
        withdrawable_at: u64,
    },
    BtcDelegationSlashed {
        staking_tx_hash: B256,
        fp_btc_pk: B256,
        burned_sat: u64,
        fee_sat: u64,
        withdrawable_at: u64,
    },
    StakeWithdrawn {
        staking_tx_hash: B256,
        #[serde(with = "serde_ext::account")]
        staker: Address,
        returned_sat: u64,
    },
    RewardsDistributed {
        consumer_id: String,
        #[serde(with = "serde_ext::amount")]
        amount: U256,
        #[serde(with = "serde_ext::amount")]
        undistributed: U256,
    },
    RewardWithdrawn {
        #[serde(with = "serde_ext::account")]
        account: Address,
        #[serde(with = "serde_ext::amount")]
        amount: U256,
    },
}
