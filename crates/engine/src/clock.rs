//! The world's clock: Ethereum blocks of 12 seconds, moved only by inputs.
//!
//! Post-merge Ethereum produces a block every 12 s slot. Rampart assumes no missed slots, so a
//! block number fixes the timestamp: `timestamp = genesis_timestamp + 12 · block`. Delays that
//! protocols count in blocks (EigenLayer) and in seconds (rewards, Symbiotic epochs) therefore
//! agree, and a scenario can place every call exactly.

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
}

impl Default for Clock {
    fn default() -> Self {
        Self { block: 0, genesis_timestamp: DEFAULT_GENESIS_TIMESTAMP }
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
}

impl Clock {
    /// The current block's timestamp.
    pub fn timestamp(&self) -> u64 {
        // Cannot overflow for any block reachable through `advance_*`, which bound the block.
        self.genesis_timestamp + SECONDS_PER_BLOCK * self.block
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
}
