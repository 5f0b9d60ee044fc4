//! The beacon chain's entry and exit queues after Electra (EIP-7251), in gwei.
//!
//! Exits are not "queue / 256 ETH per epoch": they go through a small state machine,
//! `(earliest_exit_epoch, exit_balance_to_consume)`, that hands out each epoch's churn budget
//! (`min(256 ETH, max(128 ETH, total stake / 65,536))`, rounded down to whole ETH) in order, never
//! earlier than five epochs after the current one. A large exit spills over several epochs and
//! leaves the rest of its last epoch to the next exit. Deposits have their own budget of the
//! same size, which accumulates only while the head deposit does not fit.
//!
//! These are the consensus spec's functions (`specs/electra/beacon-chain.md`):
//! `get_balance_churn_limit`, `get_activation_exit_churn_limit`,
//! `compute_exit_epoch_and_update_churn`, and the deposit budget of `process_pending_deposits`.

use serde::{Deserialize, Serialize};

/// Gwei per ETH (`EFFECTIVE_BALANCE_INCREMENT`).
pub const GWEI_PER_ETH: u64 = 1_000_000_000;
/// `MIN_PER_EPOCH_CHURN_LIMIT_ELECTRA`: 128 ETH.
pub const MIN_PER_EPOCH_CHURN_LIMIT: u64 = 128 * GWEI_PER_ETH;
/// `MAX_PER_EPOCH_ACTIVATION_EXIT_CHURN_LIMIT`: 256 ETH.
pub const MAX_PER_EPOCH_ACTIVATION_EXIT_CHURN_LIMIT: u64 = 256 * GWEI_PER_ETH;
/// `CHURN_LIMIT_QUOTIENT`.
pub const CHURN_LIMIT_QUOTIENT: u64 = 65_536;
/// `compute_activation_exit_epoch(e) = e + 1 + MAX_SEED_LOOKAHEAD`.
pub const ACTIVATION_EXIT_DELAY_EPOCHS: u64 = 5;
/// `MIN_VALIDATOR_WITHDRAWABILITY_DELAY`: epochs from exit to withdrawable.
pub const MIN_VALIDATOR_WITHDRAWABILITY_DELAY: u64 = 256;
/// Seconds per epoch (32 slots of 12 s).
pub const SECONDS_PER_EPOCH: u64 = 384;

/// `get_balance_churn_limit`: `max(128 ETH, total / 65536)`, rounded down to whole ETH.
pub fn balance_churn_limit(total_active_gwei: u64) -> u64 {
    let churn = MIN_PER_EPOCH_CHURN_LIMIT.max(total_active_gwei / CHURN_LIMIT_QUOTIENT);
    churn - churn % GWEI_PER_ETH
}

/// `get_activation_exit_churn_limit`: `min(256 ETH, balance churn)`.
pub fn activation_exit_churn_limit(total_active_gwei: u64) -> u64 {
    MAX_PER_EPOCH_ACTIVATION_EXIT_CHURN_LIMIT.min(balance_churn_limit(total_active_gwei))
}

/// `get_consolidation_churn_limit`: what the balance churn leaves beyond the activation/exit churn.
pub fn consolidation_churn_limit(total_active_gwei: u64) -> u64 {
    balance_churn_limit(total_active_gwei) - activation_exit_churn_limit(total_active_gwei)
}

/// The exit queue's state: the next epoch with budget left, and how much is left in it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExitQueue {
    /// `earliest_exit_epoch`.
    pub earliest_exit_epoch: u64,
    /// `exit_balance_to_consume` (gwei).
    pub exit_balance_to_consume: u64,
}

impl ExitQueue {
    /// The queue as it stands when `queued_gwei` of exits were assigned from the first possible
    /// epoch (`current + 5`) on, in order: the state a user sees after others' exits.
    pub fn holding(queued_gwei: u64, current_epoch: u64, total_active_gwei: u64) -> Self {
        let mut queue = Self::default();
        if queued_gwei > 0 {
            queue.compute_exit_epoch_and_update_churn(
                queued_gwei,
                current_epoch,
                total_active_gwei,
            );
        }
        queue
    }

    /// `compute_exit_epoch_and_update_churn`: the exit epoch of an exit of `exit_gwei` requested
    /// in `current_epoch`, consuming the churn it needs.
    pub fn compute_exit_epoch_and_update_churn(
        &mut self,
        exit_gwei: u64,
        current_epoch: u64,
        total_active_gwei: u64,
    ) -> u64 {
        let mut earliest =
            self.earliest_exit_epoch.max(current_epoch + ACTIVATION_EXIT_DELAY_EPOCHS);
        let per_epoch = activation_exit_churn_limit(total_active_gwei);
        // A fresh epoch starts with its full budget.
        let mut to_consume = if self.earliest_exit_epoch < earliest {
            per_epoch
        } else {
            self.exit_balance_to_consume
        };
        if exit_gwei > to_consume {
            let balance_to_process = exit_gwei - to_consume;
            let additional_epochs = (balance_to_process - 1) / per_epoch + 1;
            earliest += additional_epochs;
            to_consume += additional_epochs * per_epoch;
        }
        self.exit_balance_to_consume = to_consume - exit_gwei;
        self.earliest_exit_epoch = earliest;
        earliest
    }
}

/// How long a new exit waits, for `rampart beacon exit-wait` and views.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExitWait {
    /// The epoch the request is made in.
    pub current_epoch: u64,
    /// Its exit epoch.
    pub exit_epoch: u64,
    /// Its withdrawable epoch (exit + 256).
    pub withdrawable_epoch: u64,
    /// Epochs until exit.
    pub epochs_to_exit: u64,
    /// Epochs until withdrawable (the sweep then pays within one pass over the validators).
    pub epochs_to_withdrawable: u64,
    /// The per-epoch churn in force (gwei).
    pub churn_per_epoch_gwei: u64,
}

/// The wait of an exit of `amount_gwei` behind `queued_gwei` of exits already assigned.
pub fn exit_wait(
    queued_gwei: u64,
    amount_gwei: u64,
    current_epoch: u64,
    total_active_gwei: u64,
) -> ExitWait {
    let mut queue = ExitQueue::holding(queued_gwei, current_epoch, total_active_gwei);
    let exit_epoch =
        queue.compute_exit_epoch_and_update_churn(amount_gwei, current_epoch, total_active_gwei);
    let withdrawable_epoch = exit_epoch + MIN_VALIDATOR_WITHDRAWABILITY_DELAY;
    ExitWait {
        current_epoch,
        exit_epoch,
        withdrawable_epoch,
        epochs_to_exit: exit_epoch - current_epoch,
        epochs_to_withdrawable: withdrawable_epoch - current_epoch,
        churn_per_epoch_gwei: activation_exit_churn_limit(total_active_gwei),
    }
}

/// How long a new deposit waits to be applied, behind `queued_gwei` of pending deposits, with
/// the deposit budget empty: epochs until the epoch that applies it. Deposits apply in order
/// and the budget (the same churn as exits) accumulates while the head does not fit.
pub fn entry_wait_epochs(queued_gwei: u64, amount_gwei: u64, total_active_gwei: u64) -> u64 {
    let per_epoch = activation_exit_churn_limit(total_active_gwei);
    // The epoch that has budget for everything up to and including this deposit.
    (queued_gwei + amount_gwei).div_ceil(per_epoch)
}

/// Best case from a deposit's inclusion to activation with an empty queue (≈ 64 min): its slot
/// finalizes after one epoch, then eligibility, its finalization, and the activation delay.
pub const ENTRY_PIPELINE_EPOCHS: u64 = 10;

#[cfg(test)]
mod tests {
    use super::*;

    const G: u64 = GWEI_PER_ETH;
    const T: u64 = 34_000_000 * G;

    #[test]
    fn churn_limits_follow_total_stake() {
        // T // 65536 = 518.798828125 ETH, rounded down to 518 ETH.
        assert_eq!(balance_churn_limit(T), 518 * G);
        assert_eq!(activation_exit_churn_limit(T), 256 * G);
        assert_eq!(consolidation_churn_limit(T), 262 * G);
        // Below 8,388,608 ETH the 128 ETH floor binds.
        assert_eq!(activation_exit_churn_limit(1_000_000 * G), 128 * G);
        assert_eq!(activation_exit_churn_limit(10_000_000 * G), 152 * G);
    }

    #[test]
    fn an_exit_behind_a_queue_follows_the_state_machine_not_queue_over_256() {
        // Research example E2: 10,000 ETH queued from epoch 400,005 fills 39 epochs and 16 ETH
        // of epoch 400,044; a 2,048 ETH exit then lands at 400,052.
        let queue = ExitQueue::holding(10_000 * G, 400_000, T);
        assert_eq!(
            queue,
            ExitQueue { earliest_exit_epoch: 400_044, exit_balance_to_consume: 240 * G }
        );
        let wait = exit_wait(10_000 * G, 2_048 * G, 400_000, T);
        assert_eq!(wait.exit_epoch, 400_052);
        assert_eq!(wait.withdrawable_epoch, 400_308);
    }

    #[test]
    fn a_quiet_queue_resets_to_a_full_epoch_of_budget() {
        // Research example E3: earliest 399,990 with 17 ETH left, current epoch 400,000.
        let mut queue = ExitQueue { earliest_exit_epoch: 399_990, exit_balance_to_consume: 17 * G };
        assert_eq!(queue.compute_exit_epoch_and_update_churn(32 * G, 400_000, T), 400_005);
        assert_eq!(queue.exit_balance_to_consume, 224 * G);
        assert_eq!(queue.compute_exit_epoch_and_update_churn(500 * G, 400_000, T), 400_007);
        assert_eq!(queue.exit_balance_to_consume, 236 * G);
        assert_eq!(queue.compute_exit_epoch_and_update_churn(32 * G, 400_000, T), 400_007);
        assert_eq!(queue.exit_balance_to_consume, 204 * G);
    }

    #[test]
    fn a_large_redemption_spreads_over_epochs() {
        // Research example E4: 100,000 ETH as 48 × 2,048 + 1,696 on an empty queue.
        let mut queue = ExitQueue::default();
        let mut last = 0;
        for _ in 0..48 {
            last = queue.compute_exit_epoch_and_update_churn(2_048 * G, 400_000, T);
        }
        assert_eq!(last, 400_388);
        assert_eq!(queue.compute_exit_epoch_and_update_churn(1_696 * G, 400_000, T), 400_395);
        assert_eq!(queue.exit_balance_to_consume, 96 * G);
    }

    #[test]
    fn deposits_wait_for_budget() {
        // Research example E8: a 2,048 ETH deposit needs eight epochs of budget.
        assert_eq!(entry_wait_epochs(0, 2_048 * G, T), 8);
        assert_eq!(entry_wait_epochs(2_048 * G, 32 * G, T), 9);
        assert_eq!(entry_wait_epochs(0, 32 * G, T), 1);
    }
}
