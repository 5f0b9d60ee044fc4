//! Rampart's durable log: an append-only sequence of entries, snapshots, and a little metadata,
//! in one redb file.
//!
//! The node appends every accepted call with its events as one entry, numbered from 0 without
//! gaps. [`Store::append`] writes a whole batch in one transaction and returns only once redb
//! has made it durable (checksummed commit, fsync): group commit, so many calls share one sync.
//! A crash loses at most the batch in flight, never an acknowledged one, and never leaves half a
//! batch: redb's commits are atomic.
//!
//! Entries and snapshots are opaque bytes here; the node decides their encoding. That keeps the
//! store's one job — order and durability — testable on its own.

use std::path::Path;

use redb::{Database, Durability, ReadableDatabase, ReadableTable, TableDefinition};

const LOG: TableDefinition<'_, u64, &[u8]> = TableDefinition::new("log");
const SNAPSHOTS: TableDefinition<'_, u64, &[u8]> = TableDefinition::new("snapshots");
const META: TableDefinition<'_, &str, &[u8]> = TableDefinition::new("meta");

/// A storage failure: the file could not be opened, read or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// redb reported an error.
    #[error("storage error: {0}")]
    Redb(String),
    /// An append did not continue the log without a gap.
    #[error("log entries must be appended in order: expected {expected}, got {got}")]
    OutOfOrder {
        /// The next sequence number the log expects.
        expected: u64,
        /// The one offered.
        got: u64,
    },
    /// Another process (another node) holds the database open.
    #[error("the database is held by another process")]
    InUse,
}

macro_rules! from_redb {
    ($($error:ty),*) => {$(
        impl From<$error> for StoreError {
            fn from(error: $error) -> Self {
                Self::Redb(error.to_string())
            }
        }
    )*};
}
from_redb!(
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError,
    redb::SetDurabilityError
);

/// The log, its snapshots and metadata.
#[derive(Debug)]
pub struct Store {
    db: Database,
}

impl Store {
    /// Opens the store at `path`, creating it if missing.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        // redb locks the file: a second node on the same data would otherwise get a generic
        // storage error where the person needs to hear "another node is using it".
        let db = Database::create(path).map_err(|error| match error {
            redb::DatabaseError::DatabaseAlreadyOpen => StoreError::InUse,
            other => other.into(),
        })?;
        // Create the tables so that readers never meet a missing one.
        let write = db.begin_write()?;
        write.open_table(LOG)?;
        write.open_table(SNAPSHOTS)?;
        write.open_table(META)?;
        write.commit()?;
        Ok(Self { db })
    }

    /// The sequence number the next entry must have (0 for an empty log).
    pub fn next_seq(&self) -> Result<u64, StoreError> {
        let read = self.db.begin_read()?;
        let table = read.open_table(LOG)?;
        Ok(table.last()?.map_or(0, |(seq, _)| seq.value() + 1))
    }

    /// Appends entries `(seq, bytes)` that continue the log, durably, in one transaction.
    pub fn append(&self, entries: &[(u64, Vec<u8>)]) -> Result<(), StoreError> {
        if entries.is_empty() {
            return Ok(());
        }
        let mut write = self.db.begin_write()?;
        write.set_durability(Durability::Immediate)?;
        {
            let mut table = write.open_table(LOG)?;
            let next = table.last()?.map_or(0, |(seq, _)| seq.value() + 1);
            for ((seq, bytes), expected) in entries.iter().zip(next..) {
                if *seq != expected {
                    return Err(StoreError::OutOfOrder { expected, got: *seq });
                }
                table.insert(*seq, bytes.as_slice())?;
            }
        }
        write.commit()?;
        Ok(())
    }

    /// Up to `limit` entries with sequence numbers from `from` on, in order.
    pub fn entries(&self, from: u64, limit: usize) -> Result<Vec<(u64, Vec<u8>)>, StoreError> {
        let read = self.db.begin_read()?;
        let table = read.open_table(LOG)?;
        let mut out = Vec::new();
        for item in table.range(from..)?.take(limit) {
            let (seq, bytes) = item?;
            out.push((seq.value(), bytes.value().to_vec()));
        }
        Ok(out)
    }

    /// Stores a snapshot of the state after entry `seq - 1` (that is, with `seq` entries applied).
    pub fn write_snapshot(&self, seq: u64, bytes: &[u8]) -> Result<(), StoreError> {
        let mut write = self.db.begin_write()?;
        write.set_durability(Durability::Immediate)?;
        {
            let mut table = write.open_table(SNAPSHOTS)?;
            table.insert(seq, bytes)?;
            // Keep the two newest: one may be in use while the next is written.
            let keep_from = table.iter()?.rev().nth(1).transpose()?.map(|(s, _)| s.value());
            if let Some(keep_from) = keep_from {
                table.retain(|s, _| s >= keep_from)?;
            }
        }
        write.commit()?;
        Ok(())
    }

    /// The newest snapshot: `(entries applied, bytes)`.
    pub fn latest_snapshot(&self) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
        let read = self.db.begin_read()?;
        let table = read.open_table(SNAPSHOTS)?;
        Ok(table.last()?.map(|(seq, bytes)| (seq.value(), bytes.value().to_vec())))
    }

    /// A metadata value.
    pub fn meta(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let read = self.db.begin_read()?;
        let table = read.open_table(META)?;
        Ok(table.get(key)?.map(|v| v.value().to_vec()))
    }

    /// Sets a metadata value, durably.
    pub fn set_meta(&self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        let mut write = self.db.begin_write()?;
        write.set_durability(Durability::Immediate)?;
        write.open_table(META)?.insert(key, value)?;
        write.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(seq: u64) -> (u64, Vec<u8>) {
        (seq, format!("entry {seq}").into_bytes())
    }

    #[test]
    fn appends_in_order_and_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.redb");
        {
            let store = Store::open(&path).unwrap();
            assert_eq!(store.next_seq().unwrap(), 0);
            store.append(&[entry(0), entry(1)]).unwrap();
            store.append(&[entry(2)]).unwrap();
            assert!(matches!(
                store.append(&[entry(5)]),
                Err(StoreError::OutOfOrder { expected: 3, got: 5 })
            ));
            store.write_snapshot(2, b"state after 2").unwrap();
            store.set_meta("genesis", b"{}").unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.next_seq().unwrap(), 3);
        assert_eq!(store.entries(1, 10).unwrap(), vec![entry(1), entry(2)]);
        assert_eq!(store.entries(0, 1).unwrap(), vec![entry(0)]);
        assert_eq!(store.latest_snapshot().unwrap(), Some((2, b"state after 2".to_vec())));
        assert_eq!(store.meta("genesis").unwrap(), Some(b"{}".to_vec()));
        assert_eq!(store.meta("missing").unwrap(), None);
    }

    #[test]
    fn a_rejected_batch_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("log.redb")).unwrap();
        store.append(&[entry(0)]).unwrap();
        assert!(store.append(&[entry(1), entry(3)]).is_err());
        assert_eq!(store.next_seq().unwrap(), 1);
    }

    #[test]
    fn only_the_two_newest_snapshots_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("log.redb")).unwrap();
        for seq in [10, 20, 30] {
            store.write_snapshot(seq, &seq.to_be_bytes()).unwrap();
        }
        let read = store.db.begin_read().unwrap();
        let table = read.open_table(SNAPSHOTS).unwrap();
        let kept: Vec<u64> = table.iter().unwrap().map(|e| e.unwrap().0.value()).collect();
        assert_eq!(kept, vec![20, 30]);
    }
}
