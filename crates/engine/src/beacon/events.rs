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
    /// `rewards_gwei` is everything minted (the sum of the three reward parts) and
    /// `penalties_gwei` everything burned (the sum of the three penalty parts).
    EpochRewards {
        epoch: u64,
        rewards_gwei: u64,
        penalties_gwei: u64,
        #[serde(default)]
        attestation_rewards_gwei: u64,
        #[serde(default)]
        proposer_rewards_gwei: u64,
        #[serde(default)]
        sync_rewards_gwei: u64,
        #[serde(default)]
        attestation_penalties_gwei: u64,
        #[serde(default)]
        sync_penalties_gwei: u64,
        #[serde(default)]
        inactivity_penalties_gwei: u64,
        #[serde(default)]
        in_inactivity_leak: bool,
    },
    /// The finality delay crossed `MIN_EPOCHS_TO_INACTIVITY_PENALTY` (a leak starts) or came
    /// back under it (the leak ends), at the end of `epoch`.
    InactivityLeak {
        epoch: u64,
        leaking: bool,
        finalized_epoch: u64,
    },
    ParticipationSet {
        validator_index: u64,
        participation_bps: u16,
    },
}
