//! OpenZeppelin's `EnumerableSet` and `EnumerableMap`, in their storage order.
//!
//! The contracts return the contents of these structures in the order they sit in storage,
//! and clients index into those arrays (`getMembers(set)[i]`). That order is insertion order,
//! except that a removal moves the last element into the removed one's slot and pops the end
//! (swap-and-pop). Sorting would give the same elements in a different order, so these types
//! keep the values exactly as the contract's `_values` array holds them, with an ordered index
//! beside it so that `contains` and `remove` do not scan.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer, de::Error as _};

/// An `EnumerableSet`: values in storage order, with swap-and-pop removal.
#[derive(Debug, Clone)]
pub struct EnumerableSet<T> {
    /// `_values`: the storage order.
    values: Vec<T>,
    /// `_positions`: each value's index in `values` (0-based here, 1-based on chain).
    positions: BTreeMap<T, usize>,
}

impl<T> Default for EnumerableSet<T> {
    fn default() -> Self {
        Self { values: Vec::new(), positions: BTreeMap::new() }
    }
}

impl<T: Ord + Copy> EnumerableSet<T> {
    /// `add`: appends `value` unless present; whether it was added.
    pub fn add(&mut self, value: T) -> bool {
        if self.positions.contains_key(&value) {
            return false;
        }
        self.positions.insert(value, self.values.len());
        self.values.push(value);
        true
    }

    /// `remove`: moves the last value into `value`'s slot and pops the end; whether it was
    /// present.
    pub fn remove(&mut self, value: &T) -> bool {
        let Some(index) = self.positions.remove(value) else { return false };
        let last = self.values.len() - 1;
        if index != last {
            let moved = self.values[last];
            self.values[index] = moved;
            self.positions.insert(moved, index);
        }
        self.values.pop();
        true
    }

    /// `contains`.
    pub fn contains(&self, value: &T) -> bool {
        self.positions.contains_key(value)
    }

    /// `length`.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// `values`: every value, in storage order.
    pub fn values(&self) -> &[T] {
        &self.values
    }

    /// The values in storage order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.values.iter()
    }
}

impl<'a, T> IntoIterator for &'a EnumerableSet<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.values.iter()
    }
}

impl<T: Ord + Copy> FromIterator<T> for EnumerableSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut set = Self::default();
        for value in iter {
            set.add(value);
        }
        set
    }
}

/// Two sets are equal when their storage is: the same values in the same order.
impl<T: PartialEq> PartialEq for EnumerableSet<T> {
    fn eq(&self, other: &Self) -> bool {
        self.values == other.values
    }
}

impl<T: Eq> Eq for EnumerableSet<T> {}

/// Serializes as the values array, in storage order: the order is part of the state.
impl<T: Serialize> Serialize for EnumerableSet<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.values.serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de> + Ord + Copy> Deserialize<'de> for EnumerableSet<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let values = Vec::<T>::deserialize(deserializer)?;
        let count = values.len();
        let set: Self = values.into_iter().collect();
        if set.len() != count {
            return Err(D::Error::custom("an enumerable set holds each value once"));
        }
        Ok(set)
    }
}

/// A set of keys with, per key, a set of values, kept as the contracts keep such pairs (the
/// sets an operator allocated to and each one's strategies; the operator sets with pending
/// slashes and each one's slash ids): `key` is listed while its own set is not empty.
#[derive(Debug)]
pub struct NestedSets<'a, K, V> {
    /// The keys, in storage order.
    pub keys: &'a mut EnumerableSet<K>,
    /// Each key's values.
    pub values: &'a mut BTreeMap<K, EnumerableSet<V>>,
}

impl<K: Ord + Copy, V: Ord + Copy> NestedSets<'_, K, V> {
    /// Adds `value` under `key`, listing `key` if it was not.
    pub fn add(&mut self, key: K, value: V) {
        self.values.entry(key).or_default().add(value);
        self.keys.add(key);
    }

    /// Removes `value` from under `key`; a key left with no values is unlisted (checked even
    /// when `value` was absent, as the contracts check the length after every removal).
    pub fn remove(&mut self, key: K, value: &V) {
        let emptied = self.values.get_mut(&key).is_none_or(|set| {
            set.remove(value);
            set.is_empty()
        });
        if emptied {
            self.values.remove(&key);
            self.keys.remove(&key);
        }
    }
}

/// An `EnumerableMap`: an [`EnumerableSet`] of keys in storage order, each with its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumerableMap<K, V> {
    keys: EnumerableSet<K>,
    values: BTreeMap<K, V>,
}

impl<K, V> Default for EnumerableMap<K, V> {
    fn default() -> Self {
        Self { keys: EnumerableSet::default(), values: BTreeMap::new() }
    }
}

impl<K: Ord + Copy, V> EnumerableMap<K, V> {
    /// `set`: inserts or overwrites; whether the key was new (an overwrite keeps its slot).
    pub fn set(&mut self, key: K, value: V) -> bool {
        self.values.insert(key, value);
        self.keys.add(key)
    }

    /// `remove`: swap-and-pop of the key; the value it held.
    pub fn remove(&mut self, key: &K) -> Option<V> {
        self.keys.remove(key);
        self.values.remove(key)
    }

    /// `tryGet`.
    pub fn get(&self, key: &K) -> Option<&V> {
        self.values.get(key)
    }

    /// `length`.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// `keys`: in storage order.
    pub fn keys(&self) -> &[K] {
        self.keys.values()
    }

    /// `(key, value)` pairs in storage order (`at(0)`, `at(1)`, ...).
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.keys.iter().map(|key| (key, &self.values[key]))
    }
}

/// Serializes as `[key, value]` pairs in storage order.
impl<K: Serialize + Ord + Copy, V: Serialize> Serialize for EnumerableMap<K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de, K, V> Deserialize<'de> for EnumerableMap<K, V>
where
    K: Deserialize<'de> + Ord + Copy,
    V: Deserialize<'de>,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut map = Self::default();
        for (key, value) in Vec::<(K, V)>::deserialize(deserializer)? {
            if !map.set(key, value) {
                return Err(D::Error::custom("an enumerable map holds each key once"));
            }
        }
        Ok(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// OpenZeppelin's `EnumerableSet` test ("removes values" / "adds and removes multiple
    /// values"): add A, B, C; remove A; C takes A's slot, so `values()` is [C, B]; adding A
    /// again appends it.
    #[test]
    fn removal_swaps_the_last_value_into_the_gap() {
        let mut set = EnumerableSet::default();
        assert!(set.add('a'));
        assert!(set.add('b'));
        assert!(set.add('c'));
        assert!(!set.add('b'), "a present value is not added twice");
        assert!(set.remove(&'a'));
        assert_eq!(set.values(), ['c', 'b']);
        assert!(!set.remove(&'a'), "removing an absent value is a no-op");
        assert!(set.add('a'));
        assert_eq!(set.values(), ['c', 'b', 'a']);
        assert!(set.remove(&'a'), "removing the last value pops it");
        assert_eq!(set.values(), ['c', 'b']);
        assert!(set.contains(&'c') && !set.contains(&'a'));
    }

    #[test]
    fn storage_order_round_trips_and_duplicates_are_refused() {
        let set: EnumerableSet<u32> = [3, 1, 2].into_iter().collect();
        let text = serde_json::to_string(&set).unwrap();
        assert_eq!(text, "[3,1,2]");
        assert_eq!(serde_json::from_str::<EnumerableSet<u32>>(&text).unwrap(), set);
        assert!(serde_json::from_str::<EnumerableSet<u32>>("[1,1]").is_err());

        let mut map = EnumerableMap::default();
        assert!(map.set(5u8, "five"));
        assert!(map.set(2u8, "two"));
        assert!(map.set(9u8, "nine"));
        assert!(!map.set(5u8, "FIVE"), "an overwrite keeps the key's slot");
        assert_eq!(map.remove(&5), Some("FIVE"));
        assert_eq!(map.keys(), [9, 2]);
        assert_eq!(
            map.iter().map(|(k, v)| (*k, *v)).collect::<Vec<_>>(),
            [(9, "nine"), (2, "two")]
        );
    }
}
