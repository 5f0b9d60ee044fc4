//! Solana's clock as Jito reads it, and `SlotToggle`, the warm-up/cool-down state of every
//! relationship ticket (`core/src/slot_toggle.rs` in jito-foundation/restaking).
//!
//! Rampart's world moves in Ethereum blocks of 12 s; Solana slots last 400 ms. The Solana slot
//! is derived from the world's timestamp, `slot = (timestamp − genesis) · 1000 / 400`, i.e.
//! `30 · block`, so one scenario moves both chains and every slot Rampart reaches is a multiple
//! of 30. The default NCN epoch of 432 000 slots is then exactly 14 400 blocks (two days).

use serde::{Deserialize, Serialize};

use super::errors::JitoError;

/// Milliseconds per Solana slot.
pub const MILLIS_PER_SLOT: u64 = 400;
/// `DEFAULT_SLOTS_PER_EPOCH`: the default NCN epoch length of both programs' configs.
pub const DEFAULT_SLOTS_PER_EPOCH: u64 = 432_000;

/// The Solana slot at a world timestamp (saturating at genesis).
pub fn slot_at(timestamp: u64, genesis_timestamp: u64) -> u64 {
    // u128: no overflow for any u64 timestamp; the quotient fits back in u64 (× 2.5).
    let millis = u128::from(timestamp.saturating_sub(genesis_timestamp)) * 1000;
    u64::try_from(millis / u128::from(MILLIS_PER_SLOT)).unwrap_or(u64::MAX)
}

/// `get_epoch(slot, epoch_length) = slot / epoch_length` (checked: a zero length is an error).
pub fn get_epoch(slot: u64, epoch_length: u64) -> Result<u64, JitoError> {
    slot.checked_div(epoch_length).ok_or(JitoError::BadEpochLength)
}

/// Where a toggle is at a slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SlotToggleState {
    /// Never activated, or cooled down.
    Inactive,
    /// Activated in this or the previous epoch.
    WarmUp,
    /// Activated at least one full epoch ago.
    Active,
    /// Deactivated in this or the previous epoch: still accountable.
    Cooldown,
}

/// The slots at which a relationship was last activated and deactivated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotToggle {
    /// The slot of the last activation (the creation slot until the first one).
    pub slot_added: u64,
    /// The slot of the last deactivation (the creation slot until the first one).
    pub slot_removed: u64,
}

impl SlotToggle {
    /// A toggle created at `slot`: both slots equal, so inactive.
    pub fn new(slot: u64) -> Self {
        Self { slot_added: slot, slot_removed: slot }
    }

    /// The state at `slot`. Warm-up and cool-down last until the end of the epoch after the
    /// one of the change: `E(now) > E(changed) + 1` ends them, so they take one **full** epoch
    /// plus the rest of the current one (the fix of issue #17; #87 fixed its off-by-one).
    pub fn state(&self, slot: u64, epoch_length: u64) -> Result<SlotToggleState, JitoError> {
        let now = get_epoch(slot, epoch_length)?;
        let past = |changed: u64| -> Result<bool, JitoError> {
            let then = get_epoch(changed, epoch_length)?;
            Ok(now > then.checked_add(1).ok_or(JitoError::ArithmeticOverflow)?)
        };
        Ok(match self.slot_added.cmp(&self.slot_removed) {
            std::cmp::Ordering::Equal => SlotToggleState::Inactive,
            std::cmp::Ordering::Less if past(self.slot_removed)? => SlotToggleState::Inactive,
            std::cmp::Ordering::Less => SlotToggleState::Cooldown,
            std::cmp::Ordering::Greater if past(self.slot_added)? => SlotToggleState::Active,
            std::cmp::Ordering::Greater => SlotToggleState::WarmUp,
        })
    }

    /// Activates at `slot` if inactive, and not in the slot the toggle was created or last
    /// activated in (a toggle whose two slots are equal would read as inactive again). Returns
    /// whether it changed: callers turn `false` into their own `…FailedWarmup` error.
    pub fn activate(&mut self, slot: u64, epoch_length: u64) -> Result<bool, JitoError> {
        if self.state(slot, epoch_length)? != SlotToggleState::Inactive || self.slot_added == slot {
            return Ok(false);
        }
        self.slot_added = slot;
        Ok(true)
    }

    /// Warms up (`warm_up`) or cools down, as every ticket instruction does; a toggle that
    /// cannot move that way fails with the program's error for the direction,
    /// `[failed_warmup, failed_cooldown]`.
    pub fn turn(
        &mut self,
        slot: u64,
        epoch_length: u64,
        warm_up: bool,
        [failed_warmup, failed_cooldown]: [JitoError; 2],
    ) -> Result<(), JitoError> {
        if warm_up {
            self.activate(slot, epoch_length)?.then_some(()).ok_or(failed_warmup)
        } else {
            self.deactivate(slot, epoch_length)?.then_some(()).ok_or(failed_cooldown)
        }
    }

    /// Deactivates at `slot` if active (not while warming up). Returns whether it changed.
    pub fn deactivate(&mut self, slot: u64, epoch_length: u64) -> Result<bool, JitoError> {
        if self.state(slot, epoch_length)? != SlotToggleState::Active {
            return Ok(false);
        }
        self.slot_removed = slot;
        Ok(true)
    }

    /// Active or cooling down: what the removed slash instruction required of every ticket.
    pub fn is_active_or_cooldown(&self, slot: u64, epoch_length: u64) -> Result<bool, JitoError> {
        Ok(matches!(
            self.state(slot, epoch_length)?,
            SlotToggleState::Active | SlotToggleState::Cooldown
        ))
    }

    /// Active.
    pub fn is_active(&self, slot: u64, epoch_length: u64) -> Result<bool, JitoError> {
        Ok(self.state(slot, epoch_length)? == SlotToggleState::Active)
    }
}

#[cfg(test)]
mod tests {
    use super::{SlotToggleState::*, *};

    const EPOCH: u64 = 150;

    /// `core/src/slot_toggle.rs::tests::test_slot_zero` and `test_new`.
    #[test]
    fn a_new_toggle_is_inactive() {
        let toggle = SlotToggle::new(0);
        for slot in [0, 10, EPOCH + 1] {
            assert_eq!(toggle.state(slot, EPOCH), Ok(Inactive));
        }
        let toggle = SlotToggle::new(100);
        assert_eq!((toggle.slot_added, toggle.slot_removed), (100, 100));
        assert_eq!(toggle.state(100, EPOCH), Ok(Inactive));
    }

    /// `test_cant_transition_same_slot_created`.
    #[test]
    fn no_transition_in_the_creation_slot() {
        let mut toggle = SlotToggle::new(100);
        assert_eq!(toggle.activate(100, EPOCH), Ok(false));
        assert_eq!(toggle.deactivate(100, EPOCH), Ok(false));
    }

    /// `test_activate_deactivate_cycle`: created at 100, activated at 101 (epoch 0), still
    /// warming up at 251 (epoch 1), active at 401; deactivated there, cooling down at 551,
    /// inactive at 701.
    #[test]
    fn activate_deactivate_cycle() {
        let mut toggle = SlotToggle::new(100);
        let mut slot = 101;
        assert_eq!(toggle.activate(slot, EPOCH), Ok(true));
        assert_eq!(toggle.state(slot, EPOCH), Ok(WarmUp));
        slot += EPOCH;
        assert_eq!(toggle.state(slot, EPOCH), Ok(WarmUp));
        assert_eq!(toggle.deactivate(slot, EPOCH), Ok(false), "not while warming up");
        slot += EPOCH;
        assert_eq!(toggle.state(slot, EPOCH), Ok(Active));
        assert_eq!(toggle.activate(slot, EPOCH), Ok(false), "already active");
        assert_eq!(toggle.deactivate(slot, EPOCH), Ok(true));
        assert_eq!(toggle.state(slot, EPOCH), Ok(Cooldown));
        slot += EPOCH;
        assert_eq!(toggle.state(slot, EPOCH), Ok(Cooldown));
        slot += EPOCH;
        assert_eq!(toggle.state(slot, EPOCH), Ok(Inactive));
    }

    /// `test_is_active_or_cooldown` and `test_is_active`.
    #[test]
    fn active_and_accountable() {
        let mut toggle = SlotToggle::new(100);
        assert!(!toggle.is_active_or_cooldown(100, EPOCH).unwrap());
        toggle.activate(101, EPOCH).unwrap();
        assert!(!toggle.is_active_or_cooldown(101, EPOCH).unwrap());
        assert!(!toggle.is_active(101 + EPOCH, EPOCH).unwrap());
        let active = 101 + 2 * EPOCH;
        assert!(toggle.is_active(active, EPOCH).unwrap());
        toggle.deactivate(active, EPOCH).unwrap();
        assert!(!toggle.is_active(active, EPOCH).unwrap());
        assert!(toggle.is_active_or_cooldown(active, EPOCH).unwrap());
        assert!(!toggle.is_active_or_cooldown(active + 2 * EPOCH, EPOCH).unwrap());
    }

    /// The boundaries exactly: `E(now) == E(added) + 1` is still warm-up (spec §4).
    #[test]
    fn boundaries_of_warm_up_and_cool_down() {
        let mut toggle = SlotToggle::new(0);
        toggle.activate(EPOCH - 1, EPOCH).unwrap(); // last slot of epoch 0
        assert_eq!(toggle.state(2 * EPOCH - 1, EPOCH), Ok(WarmUp));
        assert_eq!(toggle.state(2 * EPOCH, EPOCH), Ok(Active));
        toggle.deactivate(2 * EPOCH, EPOCH).unwrap(); // first slot of epoch 2
        assert_eq!(toggle.state(4 * EPOCH - 1, EPOCH), Ok(Cooldown));
        assert_eq!(toggle.state(4 * EPOCH, EPOCH), Ok(Inactive));
    }

    /// `get_epoch` with a zero length is `BadEpochLength`.
    #[test]
    fn zero_epoch_length_is_an_error() {
        assert_eq!(get_epoch(5, 0), Err(JitoError::BadEpochLength));
        assert_eq!(SlotToggle::new(0).state(5, 0), Err(JitoError::BadEpochLength));
    }

    /// The derived Solana clock: 30 slots per 12-second block; the default epoch is 14 400 blocks.
    #[test]
    fn solana_slots_follow_the_world_timestamp() {
        assert_eq!(slot_at(1_000, 1_000), 0);
        assert_eq!(slot_at(1_012, 1_000), 30);
        assert_eq!(slot_at(1_000 + 12 * 14_400, 1_000), DEFAULT_SLOTS_PER_EPOCH);
        assert_eq!(slot_at(5, 1_000), 0, "before genesis saturates");
    }
}
