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

#[cfg(test)]
mod tests {
    use super::*;

    const TOTAL: u64 = 300;

    #[test]
    fn one_epoch_without_two_thirds_delays_finality_by_two_epochs() {
        // A healthy chain processed up to the end of 99: 99 justified, 98 final.
        let mut finality = Finality::healthy_before(100);
        finality.weigh(100, TOTAL, TOTAL);
        assert_eq!((finality.current_justified_epoch, finality.finalized_epoch), (100, 99));
        // 101 gets 199 of 300 (< 2/3): bits 0b1110; "2nd/3rd justified, the 3rd as source"
        // (old previous justified 99 + 2 = 101) finalizes 99 again.
        finality.weigh(101, 199, TOTAL);
        assert_eq!(finality.justification_bits, 0b1110);
        assert_eq!((finality.current_justified_epoch, finality.finalized_epoch), (100, 99));
        // 102 is justified but 101 is not: bits 0b1101, no rule applies; delay 101 − 99 = 2.
        finality.weigh(102, 200, TOTAL);
        assert_eq!(finality.justification_bits, 0b1101);
        assert_eq!((finality.finalized_epoch, finality.finality_delay()), (99, 2));
        // 103 and 102 justified: "1st/2nd justified, the 2nd as source" finalizes 102.
        finality.weigh(103, TOTAL, TOTAL);
        assert_eq!((finality.current_justified_epoch, finality.finalized_epoch), (103, 102));
        assert_eq!(finality.finality_delay(), 0);
    }

    #[test]
    fn a_stall_leaks_once_the_delay_exceeds_four_epochs() {
        let mut finality = Finality::healthy_before(10);
        // Nothing justified from 10 on: 8 is final (the end of 10), then the delay grows by one
        // an epoch: 1 at 10, ..., 5 at 14, when is_in_inactivity_leak turns true.
        let leaks: Vec<(u64, bool)> = (10..15)
            .map(|epoch| {
                finality.weigh(epoch, 0, TOTAL);
                (finality.finality_delay(), finality.in_inactivity_leak())
            })
            .collect();
        assert_eq!(leaks, [(1, false), (2, false), (3, false), (4, false), (5, true)]);
        assert_eq!(finality.finalized_epoch, 8);
    }
}
