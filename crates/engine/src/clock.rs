//! The world's clock: Ethereum blocks of 12 seconds, moved only by inputs.
//!
//! Post-merge Ethereum produces a block every 12 s slot. Rampart assumes no missed slots, so a
//! block number fixes the timestamp: `timestamp = genesis_timestamp + 12 · block`. Delays that
//! protocols count in blocks (EigenLayer) and in seconds (rewards, Symbiotic epochs) therefore
//! agree, and a scenario can place every call exactly.
//!
//! Contract tests also move the two apart, as Foundry's cheatcodes do: `vm.warp(t)` sets the
//! timestamp and leaves the block number, `vm.roll(n)` sets the block number and leaves the
//! timestamp ([`Clock::warp`], [`Clock::roll`]). The clock keeps how far the timestamp stands
//! from the 12-second grid, so `timestamp = genesis_timestamp + 12 · block + offset`, and the
//! ordinary moves (`advance_blocks`, `set_block`) keep that offset. Unlike Foundry, neither
//! moves backwards: time-driven state (beacon epochs, reward days) cannot be undone.

use serde::{Deserialize, Serialize};

/// Seconds per block (one beacon-chain slot).
pub const SECONDS_PER_BLOCK: u64 = 12;

/// The default genesis: 2026-01-01T00:00:00Z.
pub const DEFAULT_GENESIS_TIMESTAMP: u64 = 1_767_225_600;

/// The current block and how to turn blocks into timestamps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    /// The current block number; a new world starts at block 0.
    pub block: u64,
    /// The timestamp of block 0.
    pub genesis_timestamp: u64,
    /// Seconds the timestamp stands from `genesis_timestamp + 12 · block`, moved only by
    /// [`Clock::warp`] and [`Clock::roll`] (absent, and so not in the state hash, when zero).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub timestamp_offset: i64,
}

fn is_zero(offset: &i64) -> bool {
    *offset == 0
}

impl Default for Clock {
    fn default() -> Self {
        Self { block: 0, genesis_timestamp: DEFAULT_GENESIS_TIMESTAMP, timestamp_offset: 0 }
    }
}

/// A clock move that would go backwards or overflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    /// `at_block` named a block before the current one.
    #[error("cannot move the clock back from block {current} to block {requested}")]
    Backwards {
        /// The current block.
        current: u64,
        /// The block asked for.
        requested: u64,
    },
    /// The block number would not fit in 64 bits.
    #[error("block number overflow")]
    Overflow,
    /// `warp` named a timestamp before the current one.
    #[error("cannot move the clock back from timestamp {current} to timestamp {requested}")]
    TimestampBackwards {
        /// The current timestamp.
        current: u64,
        /// The timestamp asked for.
        requested: u64,
    },
}

impl Clock {
    /// The current block's timestamp.
    pub fn timestamp(&self) -> u64 {
        Self::timestamp_at(self.genesis_timestamp, self.block, self.timestamp_offset)
            .expect("every move checks the timestamp it makes")
    }

    /// `genesis + 12 · block + offset`, if it is a timestamp.
    fn timestamp_at(genesis: u64, block: u64, offset: i64) -> Option<u64> {
        let grid = i128::from(genesis) + i128::from(SECONDS_PER_BLOCK) * i128::from(block);
        u64::try_from(grid + i128::from(offset)).ok()
    }

    /// Sets the timestamp, leaving the block number (Foundry's `vm.warp`).
    pub fn warp(&mut self, timestamp: u64) -> Result<(), ClockError> {
        let current = self.timestamp();
        if timestamp < current {
            return Err(ClockError::TimestampBackwards { current, requested: timestamp });
        }
        let moved = i64::try_from(timestamp - current).map_err(|_| ClockError::Overflow)?;
        self.timestamp_offset =
            self.timestamp_offset.checked_add(moved).ok_or(ClockError::Overflow)?;
        Ok(())
    }

    /// Sets the block number, leaving the timestamp (Foundry's `vm.roll`).
    pub fn roll(&mut self, block: u64) -> Result<(), ClockError> {
        if block < self.block {
            return Err(ClockError::Backwards { current: self.block, requested: block });
        }
        if block > u64::from(u32::MAX) {
            return Err(ClockError::Overflow);
        }
        // At most 12 · 2^32 seconds: the offset absorbs the grid's move.
        let grid_moved = i64::try_from(SECONDS_PER_BLOCK * (block - self.block))
            .map_err(|_| ClockError::Overflow)?;
        self.timestamp_offset =
            self.timestamp_offset.checked_sub(grid_moved).ok_or(ClockError::Overflow)?;
        self.block = block;
        Ok(())
    }

    /// Moves to block `block`, which may not be in the past.
    pub fn set_block(&mut self, block: u64) -> Result<(), ClockError> {
        if block < self.block {
            return Err(ClockError::Backwards { current: self.block, requested: block });
        }
        // EigenLayer stores block numbers as uint32; no world outlives that.
        if block > u64::from(u32::MAX) {
            return Err(ClockError::Overflow);
        }
        self.block = block;
        Ok(())
    }

    /// Moves forward by `blocks` blocks.
    pub fn advance_blocks(&mut self, blocks: u64) -> Result<(), ClockError> {
        let target = self.block.checked_add(blocks).ok_or(ClockError::Overflow)?;
        self.set_block(target)
    }

    /// Moves forward by at least `seconds`: whole blocks, rounded up.
    pub fn advance_seconds(&mut self, seconds: u64) -> Result<(), ClockError> {
        self.advance_blocks(seconds.div_ceil(SECONDS_PER_BLOCK))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_and_timestamps_move_together() {
        let mut clock = Clock::default();
        assert_eq!(clock.timestamp(), DEFAULT_GENESIS_TIMESTAMP);
        clock.advance_blocks(10).unwrap();
        assert_eq!(clock.timestamp(), DEFAULT_GENESIS_TIMESTAMP + 120);
        clock.advance_seconds(13).unwrap();
        assert_eq!(clock.block, 12, "13 s round up to 2 blocks");
        assert_eq!(clock.set_block(5), Err(ClockError::Backwards { current: 12, requested: 5 }));
        assert_eq!(clock.advance_blocks(u64::MAX), Err(ClockError::Overflow));
        assert_eq!(clock.block, 12, "a rejected move changes nothing");
    }

    /// Foundry's cheatcodes: `vm.warp(block.timestamp + 1)` moves one second inside a block;
    /// `vm.roll(block.number + 1)` moves one block without moving time; `vm.roll` then an
    /// ordinary block keeps the distance warp and roll made.
    #[test]
    fn warp_and_roll_move_the_timestamp_and_the_block_apart() {
        let mut clock = Clock::default();
        clock.advance_blocks(10).unwrap();
        let start = clock.timestamp();
        clock.warp(start + 1).unwrap();
        assert_eq!((clock.block, clock.timestamp()), (10, start + 1));
        clock.roll(11).unwrap();
        assert_eq!((clock.block, clock.timestamp()), (11, start + 1));
        clock.advance_blocks(2).unwrap();
        assert_eq!((clock.block, clock.timestamp()), (13, start + 25));
        assert_eq!(
            clock.warp(start),
            Err(ClockError::TimestampBackwards { current: start + 25, requested: start })
        );
        assert_eq!(clock.roll(12), Err(ClockError::Backwards { current: 13, requested: 12 }));
        assert_eq!(clock.warp(u64::MAX), Err(ClockError::Overflow));
        assert_eq!((clock.block, clock.timestamp()), (13, start + 25), "refusals change nothing");
        clock.warp(start + 25).unwrap();
        assert_eq!(clock.timestamp(), start + 25, "warping to now is allowed and changes nothing");
    }

    #[test]
    fn a_clock_without_warps_serializes_as_before() {
        let text = serde_json::to_string(&Clock::default()).unwrap();
        assert_eq!(text, r#"{"block":0,"genesis_timestamp":1767225600}"#);
    }
}
