//! Justification and finality (phase0's `weigh_justification_and_finality`) and the
//! inactivity leak's trigger (Altair's `is_in_inactivity_leak`).
//!
//! Rampart processes an epoch's duties when that epoch ends, so when epoch `e` ends the target
//! votes of `e` are all in: `e` is justified when they carry two thirds of the active balance,
//! and `e − 1` when its own votes (kept from the epoch before) did. The four finalization rules
//! are the spec's. On a healthy chain this justifies `e` and finalizes `e − 1` at the end of
//! `e`, as the spec does, and the finality delay of `is_in_inactivity_leak` is measured at the
//! same transitions as the spec's (from the previous epoch, `e − 1`).

use serde::{Deserialize, Serialize};

/// `MIN_EPOCHS_TO_INACTIVITY_PENALTY`: a finality delay beyond this is a leak.
pub const MIN_EPOCHS_TO_INACTIVITY_PENALTY: u64 = 4;
/// `JUSTIFICATION_BITS_LENGTH`: bit `i` says whether epoch `current − i` is justified.
pub const JUSTIFICATION_BITS_LENGTH: u32 = 4;

/// The checkpoints' epochs (roots are not modelled) and the justification bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finality {
    /// The last epoch whose end updated this state.
    pub epoch: u64,
    /// `justification_bits`: bit 0 is `epoch`, bit 1 the epoch before, and so on.
    pub justification_bits: u8,
    /// `previous_justified_checkpoint.epoch`.
    pub previous_justified_epoch: u64,
    /// `current_justified_checkpoint.epoch`.
    pub current_justified_epoch: u64,
    /// `finalized_checkpoint.epoch`.
    pub finalized_epoch: u64,
    /// The balance that voted for `epoch` as its target (the next epoch's "previous epoch
    /// target balance").
    pub target_balance: u64,
}

impl Finality {
    /// The state of a chain that has justified every epoch and finalized every one but the
    /// last, as processed up to the end of `epoch − 1`. Rampart's chain starts at its first
    /// deposit, not at a genesis, so it starts healthy instead of from the spec's genesis
    /// rule (nothing justified in the first two epochs).
    pub fn healthy_before(epoch: u64) -> Self {
        let last = epoch.saturating_sub(1);
        Self {
            epoch: last,
            justification_bits: (1 << JUSTIFICATION_BITS_LENGTH) - 1,
            previous_justified_epoch: last.saturating_sub(1),
            current_justified_epoch: last,
            finalized_epoch: last.saturating_sub(1),
            // Only read to re-justify `epoch − 1`, which the bits already record as justified.
            target_balance: 0,
        }
    }

    /// `weigh_justification_and_finality` at the end of `epoch`, whose target votes carry
    /// `target_balance` of `total_active_balance`.
    pub fn weigh(&mut self, epoch: u64, target_balance: u64, total_active_balance: u64) {
        let previous_epoch = epoch.saturating_sub(1);
        let previous_target_balance = self.target_balance;
        let old_previous_justified = self.previous_justified_epoch;
        let old_current_justified = self.current_justified_epoch;
        let supermajority =
            |balance: u64| u128::from(balance) * 3 >= u128::from(total_active_balance) * 2;

        // Justifications.
        self.previous_justified_epoch = self.current_justified_epoch;
        let mask = (1u8 << JUSTIFICATION_BITS_LENGTH) - 1;
        let shift = u32::try_from(epoch.saturating_sub(self.epoch)).unwrap_or(u32::MAX);
        self.justification_bits = self.justification_bits.checked_shl(shift).unwrap_or(0) & mask;
        if supermajority(previous_target_balance) && epoch == self.epoch + 1 {
            self.current_justified_epoch = previous_epoch;
            self.justification_bits |= 0b10;
        }
        if supermajority(target_balance) {
            self.current_justified_epoch = epoch;
            self.justification_bits |= 0b1;
        }

        // Finalizations: the 2nd/3rd/4th, 2nd/3rd, 1st/2nd/3rd and 1st/2nd most recent
        // epochs justified, with the oldest of them as the source.
        let bits = |from: u32, to: u32| (from..to).all(|i| self.justification_bits >> i & 1 == 1);
        if bits(1, 4) && old_previous_justified + 3 == epoch {
            self.finalized_epoch = old_previous_justified;
        }
        if bits(1, 3) && old_previous_justified + 2 == epoch {
            self.finalized_epoch = old_previous_justified;
        }
        if bits(0, 3) && old_current_justified + 2 == epoch {
            self.finalized_epoch = old_current_justified;
        }
        if bits(0, 2) && old_current_justified + 1 == epoch {
            self.finalized_epoch = old_current_justified;
        }
        self.epoch = epoch;
        self.target_balance = target_balance;
    }

    /// `get_finality_delay` at the transition that ends `self.epoch`: the previous epoch
    /// minus the finalized one (0 on a healthy chain).
    pub fn finality_delay(&self) -> u64 {
        self.epoch.saturating_sub(1).saturating_sub(self.finalized_epoch)
    }

    /// `is_in_inactivity_leak`: finality has stalled for more than four epochs.
    pub fn in_inactivity_leak(&self) -> bool {
        self.finality_delay() > MIN_EPOCHS_TO_INACTIVITY_PENALTY
    }
}
