//! Values with a history keyed by timestamp, as OpenZeppelin's `Checkpoints` (Trace208/256)
//! that Symbiotic uses for stake, shares, limits, opt-ins and resolvers.
//!
//! A write at time `t` is visible to every read at `t` or later and never rewrites the past, so
//! "the stake at the capture timestamp" stays what it was however the state moves on.

use serde::{Deserialize, Serialize};

/// A history of values of `T`, ordered by strictly increasing key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Checkpoints<T> {
    points: Vec<(u64, T)>,
}

impl<T> Default for Checkpoints<T> {
    fn default() -> Self {
        Self { points: Vec::new() }
    }
}

/// A write dated before the latest checkpoint (the contracts revert with `CheckpointUnorderedInsertion`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("checkpoint at {key} is before the latest at {latest}")]
pub struct UnorderedInsertion {
    /// The key written.
    pub key: u64,
    /// The latest key.
    pub latest: u64,
}

impl<T: Clone + Default + PartialEq> Checkpoints<T> {
    /// Records `value` from `key` on: appends, or overwrites a checkpoint already at `key`.
    pub fn push(&mut self, key: u64, value: T) -> Result<(), UnorderedInsertion> {
        match self.points.last_mut() {
            Some((latest, _)) if *latest > key => Err(UnorderedInsertion { key, latest: *latest }),
            Some((latest, current)) if *latest == key => {
                *current = value;
                Ok(())
            }
            _ => {
                self.points.push((key, value));
                Ok(())
            }
        }
    }

    /// The value at `key`: that of the last checkpoint at or before it, or the default.
    pub fn upper_lookup(&self, key: u64) -> T {
        let after = self.points.partition_point(|(at, _)| *at <= key);
        after.checked_sub(1).map(|i| self.points[i].1.clone()).unwrap_or_default()
    }

    /// The latest value, or the default.
    pub fn latest(&self) -> T {
        self.points.last().map(|(_, value)| value.clone()).unwrap_or_default()
    }

    /// The key of the latest checkpoint, if any.
    pub fn latest_key(&self) -> Option<u64> {
        self.points.last().map(|(key, _)| *key)
    }

    /// Removes and returns the latest checkpoint (VetoSlasher replaces a pending resolver so).
    pub fn pop(&mut self) -> Option<(u64, T)> {
        self.points.pop()
    }

    /// Number of checkpoints.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Whether nothing was ever written.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// Every checkpoint, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &(u64, T)> {
        self.points.iter()
    }

    /// The keys of the checkpoints written in `from..=to`, oldest first.
    pub fn keys_in(&self, from: u64, to: u64) -> impl Iterator<Item = u64> + '_ {
        let start = self.points.partition_point(|(at, _)| *at < from);
        self.points[start..].iter().map(|(key, _)| *key).take_while(move |key| *key <= to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_last_value_at_or_before_a_key_and_never_rewrites_the_past() {
        let mut trace = Checkpoints::<u32>::default();
        assert_eq!(trace.upper_lookup(5), 0);
        trace.push(10, 1).unwrap();
        trace.push(20, 2).unwrap();
        trace.push(20, 3).unwrap();
        assert_eq!(trace.len(), 2);
        assert_eq!(trace.upper_lookup(9), 0);
        assert_eq!(trace.upper_lookup(10), 1);
        assert_eq!(trace.upper_lookup(19), 1);
        assert_eq!(trace.upper_lookup(20), 3);
        assert_eq!(trace.upper_lookup(u64::MAX), 3);
        assert_eq!(trace.latest(), 3);
        assert_eq!(trace.push(15, 9), Err(UnorderedInsertion { key: 15, latest: 20 }));
        assert_eq!(trace.upper_lookup(15), 1);
    }
}
