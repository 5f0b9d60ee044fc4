//! An epoch's consensus rewards and penalties (Altair accounting, Bellatrix's inactivity
//! quotient): attestation flags, block proposals, the sync committee, and the inactivity leak.
//!
//! Attestations follow `get_flag_index_deltas` and `get_inactivity_penalty_deltas` exactly,
//! validator by validator. Proposals and the sync committee are paid in **expected value**:
//! Rampart has no RANDAO, so it cannot pick the spec's proposers and committees bit for bit,
//! and any pseudo-random pick of its own would make a small chain's yield lumpy and its
//! numbers impossible to check by hand. Instead, when epoch `e` ends:
//!
//! - **Proposals.** The spec pays a block's proposer
//!   `Σ base_reward × weight // ((WEIGHT_DENOMINATOR − PROPOSER_WEIGHT) × WEIGHT_DENOMINATOR
//!   // PROPOSER_WEIGHT)` over the flags its attestations newly set (`process_attestation`),
//!   plus `participant_reward × PROPOSER_WEIGHT // (WEIGHT_DENOMINATOR − PROPOSER_WEIGHT)` per
//!   sync-committee signature (`process_sync_aggregate`). The epoch's pool is the first sum
//!   over every timely attester of `e` (floored once per epoch, not per block) plus the second
//!   over the expected signatures of the epoch's 32 slots. The proposers of `e` are the
//!   validators that perform their duties in `e`, unslashed (a slashed proposer's block is
//!   invalid); `compute_proposer_index` (Electra) accepts a candidate with probability
//!   `effective_balance / MAX_EFFECTIVE_BALANCE_ELECTRA`, so each gets
//!   `⌊pool × effective_balance / Σ effective_balance⌋`. A missed proposal's attestations are
//!   taken to be included, with their flags, by the next proposer.
//! - **Sync committee.** 512 seats a slot for 256-epoch periods, drawn from the active
//!   validators with the same effective-balance weighting (`get_next_sync_committee_indices`),
//!   so each active validator holds `512 × effective_balance / Σ active effective balance`
//!   seats in expectation and earns, or when it misses its duties loses, `participant_reward`
//!   per seat and slot: `⌊32 × 512 × participant_reward × effective_balance / Σ⌋` an epoch.
//!   Slashing does not remove a validator from its committee (the spec pays a slashed member
//!   that signs), so this follows its duty schedule alone.
//!
//! Each `⌊·⌋` drops less than a gwei per validator per epoch, which is not minted (the spec's
//! per-block floors drop a little too). At full participation an epoch issues
//! `Σ base_reward × (54 + 54 × 8/56 + 2 + 2 × 8/56) / 64 = Σ base_reward` up to those floors:
//! the weights 14 + 26 + 14 + 2 + 8 make 64/64.

use super::{
    ATTESTATION_WEIGHTS, BASE_REWARD_FACTOR, BeaconChain, SLOTS_PER_EPOCH, WEIGHT_DENOMINATOR,
    churn::GWEI_PER_ETH,
};

/// `PROPOSER_WEIGHT`.
pub const PROPOSER_WEIGHT: u64 = 8;
/// `SYNC_REWARD_WEIGHT`.
pub const SYNC_REWARD_WEIGHT: u64 = 2;
/// `SYNC_COMMITTEE_SIZE`: seats a slot.
pub const SYNC_COMMITTEE_SIZE: u64 = 512;
/// `EPOCHS_PER_SYNC_COMMITTEE_PERIOD`: how long a committee serves (smoothed away by the
/// expected value).
pub const EPOCHS_PER_SYNC_COMMITTEE_PERIOD: u64 = 256;
/// `INACTIVITY_SCORE_BIAS`: what a missed target vote adds to the score.
pub const INACTIVITY_SCORE_BIAS: u64 = 4;
/// `INACTIVITY_SCORE_RECOVERY_RATE`: what an epoch without a leak takes off the score.
pub const INACTIVITY_SCORE_RECOVERY_RATE: u64 = 16;
/// `INACTIVITY_PENALTY_QUOTIENT_BELLATRIX`: 2^24.
pub const INACTIVITY_PENALTY_QUOTIENT: u64 = 1 << 24;
/// `TIMELY_HEAD_FLAG_INDEX`: the flag a missed attestation is not penalised for.
const TIMELY_HEAD_FLAG_INDEX: usize = 2;

/// What an epoch paid and took, in gwei.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EpochAccounts {
    /// Source, target and head rewards.
    pub attestation: u64,
    /// Proposers' shares of attestation inclusion and sync aggregates.
    pub proposer: u64,
    /// Sync-committee participants' rewards.
    pub sync: u64,
    /// Source and target penalties of eligible validators that did not attest (or are slashed).
    pub attestation_penalties: u64,
    /// Sync-committee members' penalties for missed signatures.
    pub sync_penalties: u64,
    /// Inactivity penalties.
    pub inactivity_penalties: u64,
}

impl EpochAccounts {
    /// Everything minted.
    pub fn rewards(&self) -> u64 {
        self.attestation + self.proposer + self.sync
    }

    /// Everything burned.
    pub fn penalties(&self) -> u64 {
        self.attestation_penalties + self.sync_penalties + self.inactivity_penalties
    }
}

/// The balances an epoch's rewards are shares of, and the per-epoch pools.
#[derive(Debug, Clone, Copy)]
pub struct EpochBalances {
    /// `get_total_active_balance` (at least 1 ETH).
    pub total_active: u64,
    /// Σ effective balance of the active validators (the sync committee is drawn from them).
    pub active: u64,
    /// Σ effective balance of the unslashed participating validators: the target votes, and
    /// the proposers.
    pub participating: u64,
    /// Σ effective balance of the active validators that performed their duties (their sync
    /// signatures count, slashed or not).
    pub signing: u64,
    /// `get_base_reward_per_increment`.
    pub base_reward_per_increment: u64,
}

impl EpochBalances {
    /// The balances of `epoch`, whose duties were just decided.
    pub fn of(chain: &BeaconChain, epoch: u64) -> Self {
        let (mut active, mut participating, mut signing) = (0u64, 0u64, 0u64);
        for v in chain.validators.iter().filter(|v| v.is_active(epoch)) {
            active += v.effective_balance;
            if v.performed_duties {
                signing += v.effective_balance;
                if !v.slashed {
                    participating += v.effective_balance;
                }
            }
        }
        let total_active = active.max(GWEI_PER_ETH);
        Self {
            total_active,
            active,
            participating,
            signing,
            base_reward_per_increment: GWEI_PER_ETH * BASE_REWARD_FACTOR / total_active.isqrt(),
        }
    }

    /// `get_base_reward` of an effective balance.
    pub fn base_reward(&self, effective_balance: u64) -> u64 {
        effective_balance / GWEI_PER_ETH * self.base_reward_per_increment
    }

    /// `participant_reward` of `process_sync_aggregate`: one seat's reward for one slot.
    pub fn sync_participant_reward(&self) -> u64 {
        let total_base_rewards =
            self.base_reward_per_increment * (self.total_active / GWEI_PER_ETH);
        let max_participant_rewards =
            total_base_rewards * SYNC_REWARD_WEIGHT / WEIGHT_DENOMINATOR / SLOTS_PER_EPOCH;
        max_participant_rewards / SYNC_COMMITTEE_SIZE
    }

    /// Every seat's reward over the epoch's slots, which members share by effective balance.
    pub fn sync_committee_pool(&self) -> u64 {
        SLOTS_PER_EPOCH * SYNC_COMMITTEE_SIZE * self.sync_participant_reward()
    }

    /// The proposers' pool: inclusion of the epoch's timely attestations (all three flags)
    /// and of the expected sync signatures.
    pub fn proposer_pool(&self) -> u64 {
        let flag_weights: u64 = ATTESTATION_WEIGHTS.iter().sum();
        let inclusion_numerator =
            u128::from(self.base_reward(self.participating)) * u128::from(flag_weights);
        let proposer_reward_denominator = u128::from(
            (WEIGHT_DENOMINATOR - PROPOSER_WEIGHT) * WEIGHT_DENOMINATOR / PROPOSER_WEIGHT,
        );
        let inclusion = inclusion_numerator / proposer_reward_denominator;
        let per_signature = self.sync_participant_reward() * PROPOSER_WEIGHT
            / (WEIGHT_DENOMINATOR - PROPOSER_WEIGHT);
        let signatures =
            share(SLOTS_PER_EPOCH * SYNC_COMMITTEE_SIZE * per_signature, self.signing, self.active);
        to_u64(inclusion) + signatures
    }
}

/// `⌊amount × part / whole⌋`, 0 for an empty whole.
pub fn share(amount: u64, part: u64, whole: u64) -> u64 {
    if whole == 0 {
        return 0;
    }
    to_u64(u128::from(amount) * u128::from(part) / u128::from(whole))
}

fn to_u64(value: u128) -> u64 {
    u64::try_from(value).expect("a share of a u64 fits a u64")
}

/// `decrease_balance`: takes at most the balance; returns what was taken.
fn decrease_balance(balance: &mut u64, penalty: u64) -> u64 {
    let taken = penalty.min(*balance);
    *balance -= taken;
    taken
}

impl BeaconChain {
    /// `process_inactivity_updates`: a missed target vote raises the score by 4, a timely one
    /// lowers it by 1, and every epoch outside a leak lowers it by up to 16.
    pub(super) fn process_inactivity_updates(&mut self, epoch: u64, leaking: bool) {
        for validator in self.validators.iter_mut().filter(|v| v.is_eligible(epoch)) {
            if validator.is_unslashed_participating(epoch) {
                validator.inactivity_score -= validator.inactivity_score.min(1);
            } else {
                validator.inactivity_score += INACTIVITY_SCORE_BIAS;
            }
            if !leaking {
                validator.inactivity_score -=
                    validator.inactivity_score.min(INACTIVITY_SCORE_RECOVERY_RATE);
            }
        }
    }

    /// Pays and takes `epoch`'s rewards and penalties, validator by validator: the block-level
    /// ones (sync committee, proposals) first, as blocks come before the epoch's end, then
    /// `get_flag_index_deltas` for each flag and `get_inactivity_penalty_deltas`.
    pub(super) fn apply_rewards_and_penalties(
        &mut self,
        epoch: u64,
        balances: &EpochBalances,
        leaking: bool,
    ) -> EpochAccounts {
        let mut accounts = EpochAccounts::default();
        let sync_pool = balances.sync_committee_pool();
        let proposer_pool = balances.proposer_pool();
        let active_increments = balances.total_active / GWEI_PER_ETH;
        let participating_increments = balances.participating.max(GWEI_PER_ETH) / GWEI_PER_ETH;
        let inactivity_denominator =
            u128::from(INACTIVITY_SCORE_BIAS * INACTIVITY_PENALTY_QUOTIENT);
        for validator in self.validators.iter_mut().filter(|v| v.is_eligible(epoch)) {
            let effective_balance = validator.effective_balance;
            let participating = validator.is_unslashed_participating(epoch);
            if validator.is_active(epoch) {
                let seats = share(sync_pool, effective_balance, balances.active);
                if validator.performed_duties {
                    validator.balance += seats;
                    accounts.sync += seats;
                } else {
                    accounts.sync_penalties += decrease_balance(&mut validator.balance, seats);
                }
            }
            if participating {
                let proposals = share(proposer_pool, effective_balance, balances.participating);
                validator.balance += proposals;
                accounts.proposer += proposals;
            }
            let base_reward = balances.base_reward(effective_balance);
            for (flag, weight) in ATTESTATION_WEIGHTS.iter().enumerate() {
                if participating {
                    if !leaking {
                        let reward = base_reward * weight * participating_increments
                            / (active_increments * WEIGHT_DENOMINATOR);
                        validator.balance += reward;
                        accounts.attestation += reward;
                    }
                } else if flag != TIMELY_HEAD_FLAG_INDEX {
                    let penalty = base_reward * weight / WEIGHT_DENOMINATOR;
                    accounts.attestation_penalties +=
                        decrease_balance(&mut validator.balance, penalty);
                }
            }
            if !participating {
                let penalty = to_u64(
                    u128::from(effective_balance) * u128::from(validator.inactivity_score)
                        / inactivity_denominator,
                );
                accounts.inactivity_penalties += decrease_balance(&mut validator.balance, penalty);
            }
        }
        accounts
    }
}
