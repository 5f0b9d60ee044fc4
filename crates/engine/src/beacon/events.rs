//! What the beacon chain reports.

use alloy_primitives::{Address, B256};
use serde::{Deserialize, Serialize};

use crate::serde_ext;

/// A beacon-chain event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event")]
#[allow(missing_docs)] // fields are named for what they carry
pub enum BeaconEvent {
    DepositQueued {
        pubkey: B256,
        amount_gwei: u64,
        slot: u64,
    },
    DepositApplied {
        pubkey: B256,
        validator_index: u64,
        amount_gwei: u64,
        epoch: u64,
    },
    ValidatorActivated {
        validator_index: u64,
        activation_epoch: u64,
    },
    ExitInitiated {
        validator_index: u64,
        exit_epoch: u64,
        withdrawable_epoch: u64,
    },
    ValidatorSlashed {
        validator_index: u64,
        penalty_gwei: u64,
        withdrawable_epoch: u64,
    },
    CorrelationPenalty {
        validator_index: u64,
        penalty_gwei: u64,
    },
    Withdrawal {
        validator_index: u64,
        #[serde(with = "serde_ext::account")]
        address: Address,
        amount_gwei: u64,
        full: bool,
        slot: u64,
    },
    EpochRewards {
        epoch: u64,
        rewards_gwei: u64,
        penalties_gwei: u64,
    },
}
