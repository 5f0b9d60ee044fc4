//! The beacon chain's state: validators, the deposit and exit queues, the slashings vector.

use std::collections::{BTreeMap, VecDeque};

use alloy_primitives::{Address, B256};
use serde::{Deserialize, Serialize};

use super::{churn::ExitQueue, finality::Finality};
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
    /// How often it performs its duties, in basis points of epochs (10,000: every epoch). See
    /// [`Validator::perform_duties`] for which epochs it misses.
    #[serde(default = "full_participation")]
    pub participation_bps: u16,
    /// The duty schedule's accumulator: basis points carried to the next active epoch. It
    /// starts at [`duty_schedule_phase`] of the validator's index.
    #[serde(default)]
    pub participation_credit: u16,
    /// Whether it performed its duties (attested, proposed, signed for the sync committee) in
    /// the last epoch processed.
    #[serde(default)]
    pub performed_duties: bool,
    /// `inactivity_scores[index]` (Altair).
    #[serde(default)]
    pub inactivity_score: u64,
}

/// The duty schedule's starting credit for the validator at `index`: `index × 6,180 mod
/// 10,000`, a golden-ratio sequence that spreads validators' missed epochs evenly.
pub fn duty_schedule_phase(index: usize) -> u16 {
    let phase = (index as u64 % 10_000) * 6_180 % u64::from(FULL_PARTICIPATION_BPS);
    u16::try_from(phase).expect("below 10,000")
}

fn full_participation() -> u16 {
    FULL_PARTICIPATION_BPS
}

/// Participation in basis points: 10,000 performs every duty.
pub const FULL_PARTICIPATION_BPS: u16 = 10_000;

impl Validator {
    /// `is_active_validator`.
    pub fn is_active(&self, epoch: u64) -> bool {
        self.activation_epoch <= epoch && epoch < self.exit_epoch
    }

    /// Whether it performs its duties in the epoch being processed, advancing its schedule.
    ///
    /// The schedule is a Bresenham accumulator, deterministic and without randomness: each
    /// active epoch adds `participation_bps` to the credit, and the validator performs its duties
    /// when the credit reaches 10,000 (which it then gives back). Over `n` active epochs from a
    /// credit `c` it performs exactly `⌊(c + n · participation_bps) / 10,000⌋` times, spread
    /// evenly: at 7,500 it misses one epoch in four, at 5,000 every other one. Validators start
    /// at different credits ([`duty_schedule_phase`]) so that those at the same rate do not all
    /// miss the same epochs.
    pub fn perform_duties(&mut self) -> bool {
        self.participation_credit += self.participation_bps;
        self.performed_duties = self.participation_credit >= FULL_PARTICIPATION_BPS;
        if self.performed_duties {
            self.participation_credit -= FULL_PARTICIPATION_BPS;
        }
        self.performed_duties
    }

    /// In `get_unslashed_participating_indices` for every flag: active, unslashed, and it
    /// performed its duties in the epoch just processed.
    pub fn is_unslashed_participating(&self, epoch: u64) -> bool {
        self.is_active(epoch) && !self.slashed && self.performed_duties
    }

    /// `get_eligible_validator_indices`: active, or slashed and not yet withdrawable.
    pub fn is_eligible(&self, epoch: u64) -> bool {
        self.is_active(epoch) || (self.slashed && epoch + 1 < self.withdrawable_epoch)
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
    /// Justification and finality; `None` until the first epoch is processed, which starts
    /// from a chain that has always finalized (see [`Finality::healthy_before`]).
    #[serde(default)]
    pub finality: Option<Finality>,
    /// Participation set for an operator's validators (`beacon.set_operator_participation`):
    /// its validators deposited later start with it too.
    #[serde(default)]
    pub operator_participation: BTreeMap<Address, u16>,
}
