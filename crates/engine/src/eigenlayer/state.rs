//! EigenLayer's state: what the StrategyManager, DelegationManager, AllocationManager and
//! PermissionController hold on chain, as plain data.
//!
//! Per-staker records live in hash maps because a world has millions of stakers and every call
//! reads one; they are never iterated by a state transition and serialize sorted. Everything an
//! operator or AVS owns is small and lives in ordered maps.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use alloy_primitives::{Address, B256, U256};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use smallvec::SmallVec;

use super::params::Params;
use crate::{
    enumerable::{EnumerableMap, EnumerableSet},
    math::WAD_U64,
    serde_ext,
};

/// An operator set: an AVS and a 32-bit id (`OperatorSetLib.OperatorSet`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorSet {
    /// The AVS that owns the set.
    #[serde(with = "serde_ext::account")]
    pub avs: Address,
    /// The set's id within the AVS.
    #[serde(with = "serde_ext::int")]
    pub id: u32,
}

impl std::fmt::Display for OperatorSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}#{}", self.avs, self.id)
    }
}

/// A share pool over one underlying token (`StrategyBase`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Strategy {
    /// The underlying token; the strategy's token balance lives in the ledger.
    #[serde(with = "serde_ext::token")]
    pub token: Address,
    /// Shares in existence (`totalShares`).
    #[serde(with = "serde_ext::amount")]
    pub total_shares: U256,
    /// Whether deposits are accepted (`strategyIsWhitelistedForDeposit`).
    pub whitelisted: bool,
}

/// A staker's holding in one strategy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// The strategy.
    #[serde(with = "serde_ext::strategy")]
    pub strategy: Address,
    /// Deposit shares `s` (`stakerDepositShares`).
    #[serde(with = "serde_ext::amount")]
    pub deposit_shares: U256,
    /// The deposit scaling factor `k` as stored: zero reads as WAD.
    #[serde(with = "serde_ext::amount")]
    pub deposit_scaling_factor: U256,
}

/// Everything EigenLayer keeps per staker.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Staker {
    /// The operator the staker is delegated to (`delegatedTo`); operators point to themselves.
    pub delegated_to: Option<Address>,
    /// `cumulativeWithdrawalsQueued`: the next withdrawal nonce.
    pub withdrawal_nonce: u64,
    /// Positions in `stakerStrategyList` order: appended when shares go 0 → >0, swap-removed
    /// when they return to 0. At most 32. Most stakers hold one, which lives inline.
    pub positions: SmallVec<[Position; 1]>,
    /// Roots of the staker's queued withdrawals (an EnumerableSet: add appends, remove swaps).
    pub queued_withdrawals: Vec<B256>,
}

impl Staker {
    /// The index of the position in `strategy`, if the staker holds one.
    pub fn position_index(&self, strategy: Address) -> Option<usize> {
        self.positions.iter().position(|p| p.strategy == strategy)
    }

    /// Deposit shares in `strategy` (zero if none).
    pub fn deposit_shares(&self, strategy: Address) -> U256 {
        self.position_index(strategy).map_or(U256::ZERO, |i| self.positions[i].deposit_shares)
    }

    /// The stored deposit scaling factor for `strategy` (zero means WAD).
    pub fn stored_scaling_factor(&self, strategy: Address) -> U256 {
        self.position_index(strategy)
            .map_or(U256::ZERO, |i| self.positions[i].deposit_scaling_factor)
    }

    /// Whether the record holds nothing and can be dropped.
    pub fn is_empty(&self) -> bool {
        self.delegated_to.is_none()
            && self.withdrawal_nonce == 0
            && self.positions.is_empty()
            && self.queued_withdrawals.is_empty()
    }
}

/// Every staker's record: a dense table with an address index.
///
/// A world may hold millions of stakers, and a hash map of 150-byte records wastes up to half
/// its memory on empty buckets; a hash index of 4-byte slots into a dense vector does not.
/// Lookups never iterate the index, and the table serializes sorted by address, so neither the
/// hash nor the slot order can reach the state hash.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StakerTable {
    index: FxHashMap<Address, u32>,
    records: Vec<(Address, Staker)>,
}

impl StakerTable {
    /// The staker's record.
    #[inline]
    pub fn get(&self, staker: &Address) -> Option<&Staker> {
        self.index.get(staker).map(|&slot| &self.records[slot as usize].1)
    }

    /// The staker's record, mutably.
    #[inline]
    pub fn get_mut(&mut self, staker: &Address) -> Option<&mut Staker> {
        self.index.get(staker).map(|&slot| &mut self.records[slot as usize].1)
    }

    /// Whether the staker has a record.
    pub fn contains_key(&self, staker: &Address) -> bool {
        self.index.contains_key(staker)
    }

    /// The staker's record, created empty if missing.
    pub fn entry_or_default(&mut self, staker: Address) -> &mut Staker {
        let slot = match self.index.get(&staker) {
            Some(&slot) => slot,
            None => {
                let slot = u32::try_from(self.records.len()).expect("fewer than 2^32 stakers");
                self.records.push((staker, Staker::default()));
                self.index.insert(staker, slot);
                slot
            }
        };
        &mut self.records[slot as usize].1
    }

    /// Sets the staker's record.
    pub fn insert(&mut self, staker: Address, record: Staker) {
        *self.entry_or_default(staker) = record;
    }

    /// Removes the staker's record; the last record moves into its slot.
    pub fn remove(&mut self, staker: &Address) -> Option<Staker> {
        let slot = self.index.remove(staker)? as usize;
        let (_, record) = self.records.swap_remove(slot);
        if let Some((moved, _)) = self.records.get(slot) {
            self.index.insert(*moved, u32::try_from(slot).expect("fits"));
        }
        Some(record)
    }

    /// Number of stakers with a record.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether no staker has a record.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Every record, in table order (deterministic, but not sorted).
    pub fn iter(&self) -> impl Iterator<Item = (&Address, &Staker)> {
        self.records.iter().map(|(address, record)| (address, record))
    }
}

impl Serialize for StakerTable {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut sorted: Vec<&(Address, Staker)> = self.records.iter().collect();
        sorted.sort_unstable_by_key(|(address, _)| *address);
        serializer.collect_seq(sorted)
    }
}

impl<'de> Deserialize<'de> for StakerTable {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut table = Self::default();
        for (address, record) in Vec::<(Address, Staker)>::deserialize(deserializer)? {
            table.insert(address, record);
        }
        Ok(table)
    }
}

/// A snapshot history keyed by block (`Snapshots.DefaultWadHistory` / `DefaultZeroHistory`).
///
/// Keys never decrease; a push at the same block overwrites the last entry. The latest value
/// is kept beside the entries: every deposit and withdrawal reads it, while only historical
/// lookups need the list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct History<T> {
    entries: Vec<(u64, T)>,
    last: Option<T>,
}

impl<T: Copy + PartialEq + std::fmt::Debug> History<T> {
    /// The value at the latest snapshot, or `default` if there is none.
    #[inline]
    pub fn latest(&self, default: T) -> T {
        debug_assert_eq!(self.last, self.entries.last().map(|e| e.1));
        self.last.unwrap_or(default)
    }

    /// The value of the last snapshot taken at or before `block` (`upperLookup`).
    pub fn upper_lookup(&self, block: u64, default: T) -> T {
        let after = self.entries.partition_point(|entry| entry.0 <= block);
        if after == 0 { default } else { self.entries[after - 1].1 }
    }

    /// Records `value` at `block`, which must not be before the last snapshot.
    pub fn push(&mut self, block: u64, value: T) {
        match self.entries.last_mut() {
            Some(last) if last.0 == block => last.1 = value,
            Some(last) => {
                assert!(last.0 < block, "snapshot keys must not decrease");
                self.entries.push((block, value));
            }
            None => self.entries.push((block, value)),
        }
        self.last = Some(value);
    }

    /// All snapshots, oldest first.
    pub fn entries(&self) -> &[(u64, T)] {
        &self.entries
    }
}

/// An operator's per-strategy state across the DelegationManager and AllocationManager.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorStrategy {
    /// `operatorShares[operator][strategy]`.
    #[serde(with = "serde_ext::amount")]
    pub shares: U256,
    /// `maxMagnitudeHistory`: starts at WAD (no entries) and only decreases.
    pub max_magnitude_history: History<u64>,
    /// `encumberedMagnitude`.
    pub encumbered_magnitude: u64,
    /// `deallocationQueue`: sets with a pending deallocation, in effect-block order.
    pub deallocation_queue: VecDeque<OperatorSet>,
    /// `cumulativeScaledSharesHistory`: scaled shares ever queued for withdrawal while delegated.
    pub cumulative_scaled_shares: History<U256>,
}

impl OperatorStrategy {
    /// The current maximum magnitude (WAD until the first slash).
    pub fn max_magnitude(&self) -> u64 {
        self.max_magnitude_history.latest(WAD_U64)
    }
}

/// One (operator, set, strategy) allocation (`Allocation`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    /// The magnitude in force.
    #[serde(with = "serde_ext::int")]
    pub current_magnitude: u64,
    /// The pending change: positive for an allocation, negative for a deallocation.
    pub pending_diff: i128,
    /// When the pending change takes effect (0 when none is pending).
    pub effect_block: u64,
}

impl Allocation {
    /// The allocation with any pending change whose effect block has passed applied
    /// (`_getUpdatedAllocation`); the lazy application of the contracts.
    pub fn updated(self, now: u64) -> Self {
        if self.effect_block != 0 && now >= self.effect_block {
            let current = i128::from(self.current_magnitude) + self.pending_diff;
            Self {
                current_magnitude: u64::try_from(current).expect("magnitudes stay in [0, WAD]"),
                pending_diff: 0,
                effect_block: 0,
            }
        } else {
            self
        }
    }
}

/// An operator's registration with one set (`RegistrationStatus`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationStatus {
    /// Whether the operator is registered.
    pub registered: bool,
    /// The last block at which a deregistered operator is still slashable.
    pub slashable_until: u64,
}

/// An operator's allocation delay (`AllocationDelayInfo`), applied lazily.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllocationDelayInfo {
    /// The delay in force, in blocks.
    pub delay: u32,
    /// Whether a delay was ever set.
    pub is_set: bool,
    /// The delay waiting to take effect.
    pub pending_delay: u32,
    /// When `pending_delay` takes effect.
    pub effect_block: u64,
}

impl AllocationDelayInfo {
    /// `(is_set, delay)` as of `now`, with a matured pending delay applied.
    pub fn effective(self, now: u64) -> (bool, u32) {
        if self.effect_block != 0 && now >= self.effect_block {
            (true, self.pending_delay)
        } else {
            (self.is_set, self.delay)
        }
    }
}

/// Everything EigenLayer keeps per operator.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operator {
    /// Who must approve delegations (zero: anyone may delegate).
    #[serde(with = "serde_ext::account")]
    pub delegation_approver: Address,
    /// The last metadata URI the operator published.
    pub metadata_uri: String,
    /// The allocation delay.
    pub allocation_delay: AllocationDelayInfo,
    /// Per-strategy shares, magnitudes, deallocation queue and queued-share history.
    #[serde(with = "serde_ext::pairs")]
    pub strategies: BTreeMap<Address, OperatorStrategy>,
    /// Allocations by (set, strategy).
    #[serde(with = "serde_ext::pairs")]
    pub allocations: BTreeMap<(OperatorSet, Address), Allocation>,
    /// Registrations by set (registered, or deregistered but still slashable, or past).
    #[serde(with = "serde_ext::pairs")]
    pub registrations: BTreeMap<OperatorSet, RegistrationStatus>,
    /// `registeredSets`: the sets the operator is registered to, in storage order.
    #[serde(default)]
    pub registered_sets: EnumerableSet<OperatorSet>,
    /// `allocatedSets`: sets with a non-zero or pending allocation, in storage order (kept as
    /// the contract keeps it: updated only where an allocation is written).
    #[serde(default)]
    pub allocated_sets: EnumerableSet<OperatorSet>,
    /// `allocatedStrategies`: per set, the strategies allocated to it, in storage order.
    #[serde(default, with = "serde_ext::pairs")]
    pub allocated_strategies: BTreeMap<OperatorSet, EnumerableSet<Address>>,
}

impl Operator {
    /// Operator shares in `strategy`.
    pub fn shares(&self, strategy: Address) -> U256 {
        self.strategies.get(&strategy).map_or(U256::ZERO, |s| s.shares)
    }

    /// The current maximum magnitude for `strategy`.
    pub fn max_magnitude(&self, strategy: Address) -> u64 {
        self.strategies.get(&strategy).map_or(WAD_U64, OperatorStrategy::max_magnitude)
    }

    /// The stored allocation for (set, strategy).
    pub fn allocation(&self, operator_set: OperatorSet, strategy: Address) -> Allocation {
        self.allocations.get(&(operator_set, strategy)).copied().unwrap_or_default()
    }

    /// Whether the operator can be slashed by `operator_set` at block `now`.
    pub fn is_slashable_by(&self, operator_set: OperatorSet, now: u64) -> bool {
        self.registrations
            .get(&operator_set)
            .is_some_and(|status| status.registered || now <= status.slashable_until)
    }
}

/// An AVS (`avsRegisteredMetadata` and its last URI).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Avs {
    /// The last metadata URI published.
    pub metadata_uri: String,
}

/// The slasher of a set and a pending change to it (`SlasherParams`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlasherInfo {
    /// The slasher in force.
    #[serde(with = "serde_ext::account")]
    pub slasher: Address,
    /// The slasher waiting to take effect.
    #[serde(with = "serde_ext::account")]
    pub pending_slasher: Address,
    /// When `pending_slasher` takes effect.
    pub effect_block: u64,
}

impl SlasherInfo {
    /// The slasher as of `now`, with a matured pending change applied.
    pub fn effective(self, now: u64) -> Address {
        if now >= self.effect_block { self.pending_slasher } else { self.slasher }
    }
}

/// An operator set's configuration and members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorSetInfo {
    /// Strategies the set can slash (`_operatorSetStrategies`), in storage order.
    pub strategies: EnumerableSet<Address>,
    /// Registered operators (`_operatorSetMembers`), in storage order.
    pub members: EnumerableSet<Address>,
    /// The slasher.
    pub slasher: SlasherInfo,
    /// Where slashed funds go; `None` burns them.
    pub redistribution_recipient: Option<Address>,
    /// The last slash id issued (`slashIds`); the first slash gets id 1.
    pub slash_count: u64,
}

/// A queued withdrawal (`IDelegationManagerTypes.Withdrawal`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Withdrawal {
    /// Whose shares are withdrawn.
    #[serde(with = "serde_ext::account")]
    pub staker: Address,
    /// The operator the staker was delegated to when queuing (zero if none).
    #[serde(with = "serde_ext::account")]
    pub delegated_to: Address,
    /// Who may complete it (always the staker since the slashing release).
    #[serde(with = "serde_ext::account")]
    pub withdrawer: Address,
    /// The staker's withdrawal nonce.
    #[serde(with = "serde_ext::amount")]
    pub nonce: U256,
    /// The block it was queued in.
    #[serde(with = "serde_ext::int")]
    pub start_block: u32,
    /// Strategies withdrawn from.
    #[serde(with = "serde_ext::strategies")]
    pub strategies: Vec<Address>,
    /// Scaled shares `q = s · k` per strategy.
    #[serde(with = "serde_ext::amounts")]
    pub scaled_shares: Vec<U256>,
}

/// Shares a slash took from one set, waiting for anyone to burn or redistribute them
/// (`_burnOrRedistributableShares[set][slashId]`: strategy → shares, in storage order).
pub type PendingSlash = EnumerableMap<Address, U256>;

/// The PermissionController's record of one account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountPermissions {
    /// Admins; empty means the account is its own sole admin.
    pub admins: BTreeSet<Address>,
    /// Admins proposed and not yet accepted.
    pub pending_admins: BTreeSet<Address>,
    /// (appointee, function) pairs allowed to act for the account.
    pub appointees: BTreeSet<(Address, String)>,
}

/// The whole EigenLayer state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EigenLayer {
    /// Delays and constants.
    pub params: Params,
    /// Strategies by address.
    #[serde(with = "serde_ext::pairs")]
    pub strategies: BTreeMap<Address, Strategy>,
    /// Stakers by address (operators included).
    pub stakers: StakerTable,
    /// Operators by address.
    #[serde(with = "serde_ext::sorted_pairs")]
    pub operators: FxHashMap<Address, Operator>,
    /// AVSs that registered metadata.
    #[serde(with = "serde_ext::pairs")]
    pub avss: BTreeMap<Address, Avs>,
    /// Operator sets.
    #[serde(with = "serde_ext::pairs")]
    pub operator_sets: BTreeMap<OperatorSet, OperatorSetInfo>,
    /// Queued withdrawals by root.
    #[serde(with = "serde_ext::sorted_pairs")]
    pub withdrawals: FxHashMap<B256, Withdrawal>,
    /// `burnOrRedistributableShares` per (set, slash id).
    #[serde(with = "serde_ext::pairs")]
    pub pending_slashes: BTreeMap<(OperatorSet, u64), PendingSlash>,
    /// `_pendingOperatorSets`: sets with shares waiting to be cleared, in storage order.
    #[serde(default)]
    pub pending_operator_sets: EnumerableSet<OperatorSet>,
    /// `_pendingSlashIds`: per set, its slash ids with shares waiting, in storage order.
    #[serde(default, with = "serde_ext::pairs")]
    pub pending_slash_ids: BTreeMap<OperatorSet, EnumerableSet<u64>>,
    /// Beacon-chain ETH shares slashed by AVSs (`EigenPodManager.burnableETHShares`): native ETH
    /// has no burn path, so these are only counted.
    #[serde(with = "serde_ext::amount")]
    pub burnable_beacon_chain_eth_shares: U256,
    /// The RewardsCoordinator.
    pub rewards: super::rewards::RewardsCoordinator,
    /// EigenPods by owner.
    #[serde(with = "serde_ext::pairs")]
    pub pods: BTreeMap<Address, super::pods::EigenPod>,
    /// Beacon-chain slashing factors that a checkpoint has lowered (absent: WAD).
    #[serde(with = "serde_ext::pairs")]
    pub beacon_chain_slashing_factors: BTreeMap<Address, u64>,
    /// `delegationApproverSaltIsSpent`.
    pub spent_salts: BTreeSet<(Address, B256)>,
    /// PermissionController records.
    #[serde(with = "serde_ext::pairs")]
    pub permissions: BTreeMap<Address, AccountPermissions>,
}

impl EigenLayer {
    /// An empty protocol with the given parameters.
    pub fn new(params: Params) -> Self {
        Self {
            params,
            strategies: BTreeMap::new(),
            stakers: StakerTable::default(),
            operators: FxHashMap::default(),
            avss: BTreeMap::new(),
            operator_sets: BTreeMap::new(),
            withdrawals: FxHashMap::default(),
            pending_slashes: BTreeMap::new(),
            pending_operator_sets: EnumerableSet::default(),
            pending_slash_ids: BTreeMap::new(),
            burnable_beacon_chain_eth_shares: U256::ZERO,
            rewards: super::rewards::RewardsCoordinator::new(params.rewards),
            pods: BTreeMap::new(),
            beacon_chain_slashing_factors: BTreeMap::new(),
            spent_salts: BTreeSet::new(),
            permissions: BTreeMap::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_lookups_follow_snapshots_semantics() {
        let mut history = History::default();
        assert_eq!(history.latest(7), 7);
        history.push(10, 5u64);
        history.push(10, 4);
        history.push(20, 3);
        assert_eq!(history.entries(), &[(10, 4), (20, 3)]);
        assert_eq!(history.upper_lookup(9, 99), 99);
        assert_eq!(history.upper_lookup(10, 99), 4);
        assert_eq!(history.upper_lookup(19, 99), 4);
        assert_eq!(history.upper_lookup(25, 99), 3);
        assert_eq!(history.latest(99), 3);
    }

    #[test]
    fn pending_changes_apply_lazily_at_their_effect_block() {
        let allocation = Allocation { current_magnitude: 10, pending_diff: -4, effect_block: 50 };
        assert_eq!(allocation.updated(49), allocation);
        assert_eq!(
            allocation.updated(50),
            Allocation { current_magnitude: 6, pending_diff: 0, effect_block: 0 }
        );
        let delay =
            AllocationDelayInfo { delay: 5, is_set: true, pending_delay: 9, effect_block: 100 };
        assert_eq!(delay.effective(99), (true, 5));
        assert_eq!(delay.effective(100), (true, 9));
    }
}
