//! The beacon chain's state: validators, the deposit and exit queues, the slashings vector.

use std::collections::{BTreeMap, VecDeque};

use alloy_primitives::{Address, B256};
use serde::{Deserialize, Serialize};

use super::churn::ExitQueue;
use crate::serde_ext;

/// `FAR_FUTURE_EPOCH`.
pub const FAR_FUTURE_EPOCH: u64 = u64::MAX;

/// Where a validator's withdrawals go, and how much it may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WithdrawalCredentials {
    /// 0x02 (compounding, up to 2,048 ETH) rather than 0x01 (32 ETH, excess skimmed).
    #[serde(default)]
    pub compounding: bool,
    /// The execution address withdrawals pay (an EigenPod, an LRT, a staker).
    #[serde(with = "serde_ext::account")]
    pub address: Address,
}

/// A validator and its balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validator {
    /// Its key (a 32-byte id standing for the BLS key).
    pub pubkey: B256,
    /// Who operates it (signs voluntary exits): its first depositor.
    #[serde(with = "serde_ext::account")]
    pub operator: Address,
    /// Its withdrawal credentials.
    pub credentials: WithdrawalCredentials,
    /// Effective balance in gwei (whole ETH).
    pub effective_balance: u64,
    /// Balance in gwei.
    pub balance: u64,
    /// `activation_eligibility_epoch`.
    pub activation_eligibility_epoch: u64,
    /// `activation_epoch`.
    pub activation_epoch: u64,
    /// `exit_epoch`.
    pub exit_epoch: u64,
    /// `withdrawable_epoch`.
    pub withdrawable_epoch: u64,
    /// Whether it was slashed.
    pub slashed: bool,
}

impl Validator {
    /// `is_active_validator`.
    pub fn is_active(&self, epoch: u64) -> bool {
        self.activation_epoch <= epoch && epoch < self.exit_epoch
    }

    /// `get_max_effective_balance`.
    pub fn max_effective_balance(&self) -> u64 {
        if self.credentials.compounding {
            super::MAX_EFFECTIVE_BALANCE_ELECTRA
        } else {
            super::MIN_ACTIVATION_BALANCE
        }
    }
}

/// A deposit waiting for the deposit churn (`PendingDeposit`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingDeposit {
    /// The validator's key.
    pub pubkey: B256,
    /// Who deposited.
    #[serde(with = "serde_ext::account")]
    pub depositor: Address,
    /// Credentials for a new validator.
    pub credentials: WithdrawalCredentials,
    /// Gwei.
    pub amount: u64,
    /// The slot (world block) of its inclusion.
    pub slot: u64,
}

/// The beacon chain.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BeaconChain {
    /// Validators by index.
    pub validators: Vec<Validator>,
    /// Index by key.
    #[serde(with = "serde_ext::pairs")]
    pub index_of: BTreeMap<B256, usize>,
    /// Validator indices by the address their withdrawal credentials name, so that an EigenPod
    /// or an LRT finds its validators without scanning the whole set.
    #[serde(default)]
    pub by_credentials: BTreeMap<Address, Vec<usize>>,
    /// `pending_deposits`.
    pub pending_deposits: VecDeque<PendingDeposit>,
    /// `deposit_balance_to_consume`.
    pub deposit_balance_to_consume: u64,
    /// `(earliest_exit_epoch, exit_balance_to_consume)`.
    pub exit_queue: ExitQueue,
    /// `slashings` by `epoch % EPOCHS_PER_SLASHINGS_VECTOR` (absent: 0).
    #[serde(with = "serde_ext::pairs")]
    pub slashings: BTreeMap<u64, u64>,
    /// `next_withdrawal_validator_index`.
    pub next_withdrawal_validator_index: usize,
    /// The next epoch whose start has to be processed.
    pub next_epoch: u64,
    /// The next block whose withdrawals have to be swept.
    pub next_block: u64,
}
