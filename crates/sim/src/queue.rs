//! The beacon chain's exit queue under the whole network's demand, in gwei and epochs.
//!
//! Post-Electra the exit queue is a balance queue: each epoch lets at most the activation/exit
//! churn limit leave (`min(256 ETH, max(128 ETH, total active / 65,536))`, the engine's
//! [`activation_exit_churn_limit`]), first come first served, and an exit initiated in epoch
//! `e` leaves no earlier than `e + 5` (`compute_activation_exit_epoch`: `e + 1 + 4`). The rest of
//! Ethereum's exits and the simulated stakers' unwinds share it: an exit's epoch is where the
//! queue ahead of it ends. Withdrawable 256 epochs later.
//!
//! [`activation_exit_churn_limit`]: rampart_engine::beacon::churn::activation_exit_churn_limit

use rampart_engine::beacon::churn::{
    ACTIVATION_EXIT_DELAY_EPOCHS, MIN_VALIDATOR_WITHDRAWABILITY_DELAY, activation_exit_churn_limit,
};

/// The queue: the epoch the last queued exit leaves in and how much of that epoch's churn it
/// used, as the beacon state's `earliest_exit_epoch` and `exit_balance_to_consume` track it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExitQueue {
    /// Churn per epoch, gwei.
    pub churn_per_epoch: u64,
    /// The epoch the queue's tail leaves in.
    pub earliest_exit_epoch: u64,
    /// Churn left in that epoch, gwei.
    pub balance_to_consume: u64,
}

impl ExitQueue {
    /// An empty queue for `total_active_gwei` of active stake.
    pub fn new(total_active_gwei: u64) -> Self {
        let churn = activation_exit_churn_limit(total_active_gwei);
        Self { churn_per_epoch: churn, earliest_exit_epoch: 0, balance_to_consume: churn }
    }

    /// Queues an exit of `gwei` initiated in epoch `now`; returns the epoch it exits in
    /// (`compute_exit_epoch_and_update_churn`).
    pub fn exit(&mut self, now: u64, gwei: u64) -> u64 {
        let floor = now + ACTIVATION_EXIT_DELAY_EPOCHS;
        if self.earliest_exit_epoch < floor {
            self.earliest_exit_epoch = floor;
            self.balance_to_consume = self.churn_per_epoch;
        }
        if gwei > self.balance_to_consume {
            let beyond = gwei - self.balance_to_consume;
            let extra_epochs = (beyond - 1) / self.churn_per_epoch + 1;
            self.earliest_exit_epoch += extra_epochs;
            self.balance_to_consume += extra_epochs * self.churn_per_epoch;
        }
        self.balance_to_consume -= gwei;
        self.earliest_exit_epoch
    }

    /// The epoch an exit of `gwei` is withdrawable in if initiated now (without queueing it).
    pub fn withdrawable_epoch(&self, now: u64, gwei: u64) -> u64 {
        self.clone().exit(now, gwei) + MIN_VALIDATOR_WITHDRAWABILITY_DELAY
    }

    /// Gwei waiting to leave after epoch `now` (the queue ahead of a new exit).
    pub fn backlog(&self, now: u64) -> u64 {
        let floor = now + ACTIVATION_EXIT_DELAY_EPOCHS;
        if self.earliest_exit_epoch < floor {
            return 0;
        }
        let epochs = self.earliest_exit_epoch - floor + 1;
        epochs * self.churn_per_epoch - self.balance_to_consume
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ETH: u64 = 1_000_000_000;

    /// The engine's own queue: 896 ETH under a 128 ETH churn from epoch 3,375 leaves 4
    /// validators an epoch from 3,380 to 3,386 (scenarios/lrt/03_bank_run_small_buffer.toml).
    #[test]
    fn matches_the_engine_scenario() {
        let mut q = ExitQueue::new(896 * ETH);
        assert_eq!(q.churn_per_epoch, 128 * ETH);
        let epochs: Vec<u64> = (0..28).map(|_| q.exit(3_375, 32 * ETH)).collect();
        assert_eq!(epochs[0], 3_380);
        assert_eq!(epochs[4], 3_381);
        assert_eq!(epochs[27], 3_386);
    }

    proptest! {
        /// Against a naive reference: per-epoch capacity filled forward, first come first
        /// served, from the first epoch each exit may use. The queue's epoch is where the
        /// reference puts the exit's last gwei; no epoch carries more than the churn; the
        /// backlog is what the reference still has to let out.
        #[test]
        fn fifo_within_the_churn(exits in prop::collection::vec((0u64..50, 1u64..2_000), 1..60)) {
            let mut q = ExitQueue::new(34_000_000 * ETH);
            let churn = q.churn_per_epoch;
            let mut used = std::collections::BTreeMap::<u64, u64>::new();
            let mut cursor = 0u64;
            let mut now = 0;
            for (advance, eth) in exits {
                now += advance;
                let mut left = eth * ETH;
                let mut epoch = cursor.max(now + 5);
                loop {
                    let u = used.entry(epoch).or_default();
                    let take = left.min(churn - *u);
                    *u += take;
                    left -= take;
                    if left == 0 { break; }
                    epoch += 1;
                }
                cursor = epoch;
                prop_assert_eq!(q.exit(now, eth * ETH), epoch);
                prop_assert!(used.values().all(|&u| u <= churn));
                let waiting: u64 = used.range(now + 5..).map(|(_, u)| u).sum();
                prop_assert_eq!(q.backlog(now), waiting);
            }
        }
    }
}
