//! AllocationManager: AVSs and operator sets, registration, magnitudes, and slashing.

use std::collections::{BTreeMap, VecDeque};

use alloy_primitives::{Address, U256};

use super::{
    EigenLayer, EigenLayerError, Env, Events, Result,
    calls::{
        ClearDeallocationQueue, CreateSetParams, DeregisterParams, ModifyAllocations,
        OperatorSetStrategies, RegisterForOperatorSets, SetAllocationDelay, SlashOperator,
        UpdateAvsMetadataUri, UpdateSlasher,
    },
    events::EigenLayerEvent as Ev,
    slashed_amount,
    state::{
        Allocation, Avs, Operator, OperatorSet, OperatorSetInfo, RegistrationStatus, SlasherInfo,
    },
};
use crate::{
    accounts::{BEACON_CHAIN_ETH_STRATEGY, DEFAULT_BURN_ADDRESS, strategy_address},
    enumerable::{EnumerableSet, NestedSets},
    math::{self, WAD},
};

/// The most deallocations one call clears per strategy (`type(uint16).max`).
const MAX_DEALLOCATIONS_CLEARED: usize = u16::MAX as usize;

/// Working copies of the allocation state one `modifyAllocations` call touches, written back
/// only when every change has been checked.
#[derive(Default)]
struct AllocationScratch {
    allocations: ScratchAllocations,
    strategies: BTreeMap<Address, (u64, VecDeque<OperatorSet>)>,
}

/// Allocations being changed, and every write in the order the contract makes it: the
/// operator's `allocatedSets` and `allocatedStrategies` follow each write, so their storage
/// order depends on that sequence, not only on the final values.
#[derive(Default)]
struct ScratchAllocations {
    current: BTreeMap<(OperatorSet, Address), Allocation>,
    writes: Vec<(OperatorSet, Address, Allocation)>,
}

impl ScratchAllocations {
    fn get(&self, operator_set: OperatorSet, strategy: Address) -> Allocation {
        self.current[&(operator_set, strategy)]
    }

    /// Stores `allocation` as `_updateAllocationInfo` does.
    fn write(&mut self, operator_set: OperatorSet, strategy: Address, allocation: Allocation) {
        self.current.insert((operator_set, strategy), allocation);
        self.writes.push((operator_set, strategy, allocation));
    }
}

/// `_updateAllocationInfo`'s bookkeeping: a pending change lists the (set, strategy) among the
/// operator's allocations; a settled zero allocation unlists it, and the set with its last
/// strategy. Anything else leaves both lists as they are.
fn track_allocation(
    record: &mut Operator,
    operator_set: OperatorSet,
    strategy: Address,
    allocation: Allocation,
) {
    let mut allocated =
        NestedSets { keys: &mut record.allocated_sets, values: &mut record.allocated_strategies };
    if allocation.pending_diff != 0 {
        allocated.add(operator_set, strategy);
    } else if allocation.current_magnitude == 0 {
        allocated.remove(operator_set, &strategy);
    }
}

impl AllocationScratch {
    fn load(&mut self, operator: &Operator, operator_set: OperatorSet, strategy: Address) {
        self.allocations
            .current
            .entry((operator_set, strategy))
            .or_insert_with(|| operator.allocation(operator_set, strategy));
        self.strategies.entry(strategy).or_insert_with(|| {
            let entry = operator.strategies.get(&strategy);
            (
                entry.map_or(0, |s| s.encumbered_magnitude),
                entry.map(|s| s.deallocation_queue.clone()).unwrap_or_default(),
            )
        });
    }

    /// Loads every allocation in the strategy's deallocation queue, so clearing can read them.
    fn load_queue(&mut self, operator: &Operator, strategy: Address) {
        let queued: Vec<OperatorSet> = self.strategies[&strategy].1.iter().copied().collect();
        for operator_set in queued {
            self.load(operator, operator_set, strategy);
        }
    }
}

/// `_updateAllocationInfo`'s event: the encumbered magnitude, only when it changed.
fn encumbered_event(
    events: &mut Events,
    operator: Address,
    strategy: Address,
    before: u64,
    after: u64,
) {
    if before != after {
        events.push(Ev::EncumberedMagnitudeUpdated {
            operator,
            strategy,
            encumbered_magnitude: after,
        });
    }
}

/// Pops matured deallocations off the front of a strategy's queue (`_clearDeallocationQueue`),
/// applying each to its allocation and to the encumbered magnitude.
#[allow(clippy::too_many_arguments)]
fn clear_queue(
    now: u64,
    operator: Address,
    strategy: Address,
    limit: usize,
    allocations: &mut ScratchAllocations,
    encumbered: &mut u64,
    queue: &mut VecDeque<OperatorSet>,
    events: &mut Events,
) {
    let mut cleared = 0;
    while cleared < limit {
        let Some(&front) = queue.front() else { break };
        let stored = allocations.get(front, strategy);
        if now < stored.effect_block {
            // FIFO by effect block: nothing behind an immature entry is mature either.
            break;
        }
        let before = *encumbered;
        if stored.pending_diff < 0 {
            *encumbered = add_signed(*encumbered, stored.pending_diff);
        }
        allocations.write(front, strategy, stored.updated(now));
        encumbered_event(events, operator, strategy, before, *encumbered);
        queue.pop_front();
        cleared += 1;
    }
}

/// `_addInt128`: magnitudes stay within `[0, WAD]`, which every caller has checked.
/// Effect blocks are `uint32` in the contracts: one past 2^32 - 1 reverts (panic 0x11).
fn uint32_block(block: u64) -> Result<u64> {
    if block > u64::from(u32::MAX) {
        return Err(EigenLayerError::Math(crate::math::MathError::Overflow));
    }
    Ok(block)
}

fn add_signed(magnitude: u64, diff: i128) -> u64 {
    u64::try_from(i128::from(magnitude) + diff).expect("magnitudes stay in [0, WAD]")
}

impl EigenLayer {
    pub(super) fn update_avs_metadata_uri(
        &mut self,
        sender: Address,
        args: &UpdateAvsMetadataUri,
        events: &mut Events,
    ) -> Result<()> {
        self.check_can_call(args.avs, sender, "update_avs_metadata_uri")?;
        self.avss.insert(args.avs, Avs { metadata_uri: args.metadata_uri.clone() });
        events.push(Ev::AvsMetadataUriUpdated {
            avs: args.avs,
            metadata_uri: args.metadata_uri.clone(),
        });
        Ok(())
    }

    /// Strategies a redistributing set may not hold: beacon-chain ETH and EIGEN.
    fn is_redistribution_forbidden(strategy: Address) -> bool {
        strategy == BEACON_CHAIN_ETH_STRATEGY || strategy == strategy_address("EIGEN")
    }

    pub(super) fn create_operator_sets(
        &mut self,
        env: &Env,
        sender: Address,
        avs: Address,
        params: &[CreateSetParams],
        recipients: Option<&[Address]>,
        events: &mut Events,
    ) -> Result<()> {
        let function = if recipients.is_some() {
            "create_redistributing_operator_sets"
        } else {
            "create_operator_sets"
        };
        self.check_can_call(avs, sender, function)?;
        if let Some(recipients) = recipients
            && recipients.len() != params.len()
        {
            return Err(EigenLayerError::InputArrayLengthMismatch(params.len(), recipients.len()));
        }
        if !self.avss.contains_key(&avs) {
            return Err(EigenLayerError::NonexistentAVSMetadata(avs));
        }
        let mut created: Vec<(OperatorSet, OperatorSetInfo)> = Vec::new();
        for (index, set_params) in params.iter().enumerate() {
            let recipient = recipients.map(|r| r[index]);
            if let Some(recipient) = recipient {
                if recipient.is_zero() {
                    return Err(EigenLayerError::InputAddressZero);
                }
                if recipient == DEFAULT_BURN_ADDRESS {
                    return Err(EigenLayerError::InvalidRedistributionRecipient(recipient));
                }
            }
            let operator_set = OperatorSet { avs, id: set_params.operator_set_id };
            let exists = self.operator_sets.contains_key(&operator_set)
                || created.iter().any(|(set, _)| *set == operator_set);
            if exists {
                return Err(EigenLayerError::InvalidOperatorSet(operator_set));
            }
            let mut strategies = EnumerableSet::default();
            for &strategy in &set_params.strategies {
                if recipient.is_some() && Self::is_redistribution_forbidden(strategy) {
                    return Err(EigenLayerError::InvalidStrategy(strategy));
                }
                if !strategies.add(strategy) {
                    return Err(EigenLayerError::StrategyAlreadyInOperatorSet {
                        operator_set,
                        strategy,
                    });
                }
            }
            // The legacy overload (no slasher given) makes the AVS its own slasher.
            let slasher = set_params.slasher.unwrap_or(avs);
            if slasher.is_zero() {
                return Err(EigenLayerError::InputAddressZero);
            }
            let info = OperatorSetInfo {
                strategies,
                members: EnumerableSet::default(),
                slasher: SlasherInfo { slasher, pending_slasher: slasher, effect_block: env.block },
                redistribution_recipient: recipient,
                slash_count: 0,
            };
            created.push((operator_set, info));
        }
        for (operator_set, info) in created {
            events.push(Ev::OperatorSetCreated { operator_set });
            if let Some(recipient) = info.redistribution_recipient {
                events.push(Ev::RedistributionAddressSet {
                    operator_set,
                    redistribution_recipient: recipient,
                });
            }
            for &strategy in &info.strategies {
                events.push(Ev::StrategyAddedToOperatorSet { operator_set, strategy });
            }
            events.push(Ev::SlasherUpdated {
                operator_set,
                slasher: info.slasher.slasher,
                effect_block: env.block,
            });
            self.operator_sets.insert(operator_set, info);
        }
        Ok(())
    }

    fn operator_set_info(&self, operator_set: OperatorSet) -> Result<&OperatorSetInfo> {
        self.operator_sets
            .get(&operator_set)
            .ok_or(EigenLayerError::InvalidOperatorSet(operator_set))
    }

    pub(super) fn add_strategies_to_operator_set(
        &mut self,
        sender: Address,
        args: &OperatorSetStrategies,
        events: &mut Events,
    ) -> Result<()> {
        self.check_can_call(args.avs, sender, "add_strategies_to_operator_set")?;
        let operator_set = OperatorSet { avs: args.avs, id: args.operator_set_id };
        let info = self.operator_set_info(operator_set)?;
        let redistributing = info.redistribution_recipient.is_some();
        let mut strategies = info.strategies.clone();
        for &strategy in &args.strategies {
            if redistributing && Self::is_redistribution_forbidden(strategy) {
                return Err(EigenLayerError::InvalidStrategy(strategy));
            }
            if !strategies.add(strategy) {
                return Err(EigenLayerError::StrategyAlreadyInOperatorSet {
                    operator_set,
                    strategy,
                });
            }
        }
        self.operator_sets.get_mut(&operator_set).expect("checked").strategies = strategies;
        for &strategy in &args.strategies {
            events.push(Ev::StrategyAddedToOperatorSet { operator_set, strategy });
        }
        Ok(())
    }

    pub(super) fn remove_strategies_from_operator_set(
        &mut self,
        sender: Address,
        args: &OperatorSetStrategies,
        events: &mut Events,
    ) -> Result<()> {
        self.check_can_call(args.avs, sender, "remove_strategies_from_operator_set")?;
        let operator_set = OperatorSet { avs: args.avs, id: args.operator_set_id };
        let mut strategies = self.operator_set_info(operator_set)?.strategies.clone();
        for &strategy in &args.strategies {
            if !strategies.remove(&strategy) {
                return Err(EigenLayerError::StrategyNotInOperatorSet { operator_set, strategy });
            }
        }
        self.operator_sets.get_mut(&operator_set).expect("checked").strategies = strategies;
        for &strategy in &args.strategies {
            events.push(Ev::StrategyRemovedFromOperatorSet { operator_set, strategy });
        }
        Ok(())
    }

    pub(super) fn update_slasher(
        &mut self,
        env: &Env,
        sender: Address,
        args: &UpdateSlasher,
        events: &mut Events,
    ) -> Result<()> {
        let operator_set = args.operator_set;
        self.check_can_call(operator_set.avs, sender, "update_slasher")?;
        let info = self.operator_set_info(operator_set)?;
        if args.slasher.is_zero() {
            return Err(EigenLayerError::InputAddressZero);
        }
        let mut slasher = info.slasher;
        if env.block >= slasher.effect_block {
            slasher.slasher = slasher.pending_slasher;
        }
        // Proposing the slasher that is already pending does not restart its countdown.
        if slasher.pending_slasher == args.slasher && env.block < slasher.effect_block {
            return Ok(());
        }
        let delay = self.params.allocation_configuration_delay_blocks;
        slasher.pending_slasher = args.slasher;
        slasher.effect_block = env.block + delay + 1;
        self.operator_sets.get_mut(&operator_set).expect("checked").slasher = slasher;
        events.push(Ev::SlasherUpdated {
            operator_set,
            slasher: args.slasher,
            effect_block: slasher.effect_block,
        });
        Ok(())
    }

    pub(super) fn register_for_operator_sets(
        &mut self,
        env: &Env,
        sender: Address,
        args: &RegisterForOperatorSets,
        events: &mut Events,
    ) -> Result<()> {
        let operator = args.operator;
        self.check_can_call(operator, sender, "register_for_operator_sets")?;
        let record =
            self.operators.get(&operator).ok_or(EigenLayerError::InvalidOperator(operator))?;
        let mut joining = Vec::new();
        for &id in &args.params.operator_set_ids {
            let operator_set = OperatorSet { avs: args.params.avs, id };
            self.operator_set_info(operator_set)?;
            if record.is_slashable_by(operator_set, env.block) || joining.contains(&operator_set) {
                return Err(EigenLayerError::AlreadyMemberOfSet { operator, operator_set });
            }
            joining.push(operator_set);
        }
        // The AVS's registrar is the AVS itself, which accepts every registration.
        let record = self.operators.get_mut(&operator).expect("checked");
        for operator_set in joining {
            record.registrations.entry(operator_set).or_default().registered = true;
            record.registered_sets.add(operator_set);
            self.operator_sets.get_mut(&operator_set).expect("checked").members.add(operator);
            events.push(Ev::OperatorAddedToOperatorSet { operator, operator_set });
        }
        Ok(())
    }

    pub(super) fn deregister_from_operator_sets(
        &mut self,
        env: &Env,
        sender: Address,
        params: &DeregisterParams,
        events: &mut Events,
    ) -> Result<()> {
        let operator = params.operator;
        let authorized = self.can_call(operator, sender, "deregister_from_operator_sets")
            || self.can_call(params.avs, sender, "deregister_from_operator_sets");
        if !authorized {
            let id = params.operator_set_ids.first().copied().unwrap_or_default();
            let operator_set = OperatorSet { avs: params.avs, id };
            return Err(EigenLayerError::InvalidCaller { caller: sender, operator_set });
        }
        let mut leaving = Vec::new();
        for &id in &params.operator_set_ids {
            let operator_set = OperatorSet { avs: params.avs, id };
            self.operator_set_info(operator_set)?;
            let registered = self
                .operators
                .get(&operator)
                .and_then(|op| op.registrations.get(&operator_set))
                .is_some_and(|status| status.registered);
            if !registered || leaving.contains(&operator_set) {
                return Err(EigenLayerError::NotMemberOfSet { operator, operator_set });
            }
            leaving.push(operator_set);
        }
        let slashable_until = env.block + self.params.deallocation_delay_blocks;
        let record = match self.operators.get_mut(&operator) {
            Some(record) => record,
            None => return Ok(()), // nothing to leave: the id list was empty
        };
        for operator_set in leaving {
            record
                .registrations
                .insert(operator_set, RegistrationStatus { registered: false, slashable_until });
            record.registered_sets.remove(&operator_set);
            self.operator_sets.get_mut(&operator_set).expect("checked").members.remove(&operator);
            events.push(Ev::OperatorRemovedFromOperatorSet { operator, operator_set });
        }
        Ok(())
    }

    pub(super) fn set_allocation_delay(
        &mut self,
        env: &Env,
        sender: Address,
        args: &SetAllocationDelay,
        events: &mut Events,
    ) -> Result<()> {
        let operator = args.operator;
        self.check_can_call(operator, sender, "set_allocation_delay")?;
        let delay_after = self.params.allocation_configuration_delay_blocks;
        let record =
            self.operators.get_mut(&operator).ok_or(EigenLayerError::InvalidOperator(operator))?;
        let mut info = record.allocation_delay;
        if info.effect_block != 0 && env.block >= info.effect_block {
            info.delay = info.pending_delay;
            info.is_set = true;
        }
        info.pending_delay = args.delay;
        info.effect_block = env.block + delay_after + 1;
        record.allocation_delay = info;
        events.push(Ev::AllocationDelaySet {
            operator,
            delay: args.delay,
            effect_block: info.effect_block,
        });
        Ok(())
    }

    pub(super) fn modify_allocations(
        &mut self,
        env: &Env,
        sender: Address,
        args: &ModifyAllocations,
        events: &mut Events,
    ) -> Result<()> {
        let operator = args.operator;
        self.check_can_call(operator, sender, "modify_allocations")?;
        let Some(record) = self.operators.get(&operator) else {
            return Err(EigenLayerError::UninitializedAllocationDelay(operator));
        };
        let (is_set, delay) = record.allocation_delay.effective(env.block);
        if !is_set {
            return Err(EigenLayerError::UninitializedAllocationDelay(operator));
        }
        let now = env.block;
        let mut scratch = AllocationScratch::default();
        let mut produced = Events::new();
        for params in &args.params {
            if params.strategies.len() != params.new_magnitudes.len() {
                return Err(EigenLayerError::InputArrayLengthMismatch(
                    params.strategies.len(),
                    params.new_magnitudes.len(),
                ));
            }
            let operator_set = params.operator_set;
            let set_strategies = &self.operator_set_info(operator_set)?.strategies;
            let registered_or_slashable = record.is_slashable_by(operator_set, now);
            for (&strategy, &new_magnitude) in params.strategies.iter().zip(&params.new_magnitudes)
            {
                scratch.load(record, operator_set, strategy);
                scratch.load_queue(record, strategy);
                let (encumbered, queue) = scratch.strategies.get_mut(&strategy).expect("loaded");
                clear_queue(
                    now,
                    operator,
                    strategy,
                    MAX_DEALLOCATIONS_CLEARED,
                    &mut scratch.allocations,
                    encumbered,
                    queue,
                    &mut produced,
                );
                let stored = scratch.allocations.get(operator_set, strategy);
                let mut allocation = stored.updated(now);
                if stored.effect_block != 0 && now >= stored.effect_block && stored.pending_diff < 0
                {
                    *encumbered = add_signed(*encumbered, stored.pending_diff);
                }
                if allocation.effect_block != 0 {
                    return Err(EigenLayerError::ModificationAlreadyPending {
                        operator_set,
                        strategy,
                        effect_block: allocation.effect_block,
                    });
                }
                let slashable = set_strategies.contains(&strategy)
                    && allocation.current_magnitude != 0
                    && registered_or_slashable;
                let diff = i128::from(new_magnitude) - i128::from(allocation.current_magnitude);
                if diff == 0 {
                    return Err(EigenLayerError::SameMagnitude {
                        operator_set,
                        strategy,
                        magnitude: new_magnitude,
                    });
                }
                let before = *encumbered;
                if diff < 0 && slashable {
                    // Still slashable through the delay, so the freed magnitude waits in the queue.
                    queue.push_back(operator_set);
                    allocation.pending_diff = diff;
                    allocation.effect_block =
                        uint32_block(now + self.params.deallocation_delay_blocks + 1)?;
                } else if diff < 0 {
                    *encumbered = add_signed(*encumbered, diff);
                    allocation.current_magnitude = new_magnitude;
                    allocation.effect_block = now;
                } else {
                    let max = record.max_magnitude(strategy);
                    // `_addInt128(...).toUint64()`: SafeCast reverts before the magnitude check.
                    let requested =
                        u64::try_from(i128::from(*encumbered) + diff).map_err(|_| {
                            EigenLayerError::SafeCastOverflowedUintDowncast { bits: 64 }
                        })?;
                    if requested > max {
                        return Err(EigenLayerError::InsufficientMagnitude {
                            strategy,
                            requested,
                            max,
                        });
                    }
                    *encumbered = requested;
                    allocation.pending_diff = diff;
                    allocation.effect_block = uint32_block(now + u64::from(delay))?;
                }
                encumbered_event(&mut produced, operator, strategy, before, *encumbered);
                scratch.allocations.write(operator_set, strategy, allocation);
                produced.push(Ev::AllocationUpdated {
                    operator,
                    operator_set,
                    strategy,
                    magnitude: new_magnitude,
                    effect_block: allocation.effect_block,
                });
            }
        }
        self.commit_allocation_scratch(operator, scratch);
        events.extend(produced);
        Ok(())
    }

    fn commit_allocation_scratch(&mut self, operator: Address, scratch: AllocationScratch) {
        let record = self.operators.get_mut(&operator).expect("checked");
        for (key, allocation) in scratch.allocations.current {
            if allocation == Allocation::default() {
                record.allocations.remove(&key);
            } else {
                record.allocations.insert(key, allocation);
            }
        }
        for (operator_set, strategy, allocation) in scratch.allocations.writes {
            track_allocation(record, operator_set, strategy, allocation);
        }
        for (strategy, (encumbered, queue)) in scratch.strategies {
            let entry = record.strategies.entry(strategy).or_default();
            entry.encumbered_magnitude = encumbered;
            entry.deallocation_queue = queue;
        }
    }

    pub(super) fn clear_deallocation_queue(
        &mut self,
        env: &Env,
        args: &ClearDeallocationQueue,
        events: &mut Events,
    ) -> Result<()> {
        if args.strategies.len() != args.num_to_clear.len() {
            return Err(EigenLayerError::InputArrayLengthMismatch(
                args.strategies.len(),
                args.num_to_clear.len(),
            ));
        }
        let Some(record) = self.operators.get(&args.operator) else { return Ok(()) };
        let mut scratch = AllocationScratch::default();
        for (&strategy, &limit) in args.strategies.iter().zip(&args.num_to_clear) {
            scratch.strategies.entry(strategy).or_insert_with(|| {
                let entry = record.strategies.get(&strategy);
                (
                    entry.map_or(0, |s| s.encumbered_magnitude),
                    entry.map(|s| s.deallocation_queue.clone()).unwrap_or_default(),
                )
            });
            scratch.load_queue(record, strategy);
            let (encumbered, queue) = scratch.strategies.get_mut(&strategy).expect("loaded");
            clear_queue(
                env.block,
                args.operator,
                strategy,
                usize::from(limit),
                &mut scratch.allocations,
                encumbered,
                queue,
                events,
            );
        }
        self.commit_allocation_scratch(args.operator, scratch);
        Ok(())
    }

    pub(super) fn slash_operator(
        &mut self,
        env: &Env,
        sender: Address,
        args: &SlashOperator,
        events: &mut Events,
    ) -> Result<()> {
        let params = &args.params;
        let operator = params.operator;
        let now = env.block;
        if params.strategies.len() != params.wads_to_slash.len() {
            return Err(EigenLayerError::InputArrayLengthMismatch(
                params.strategies.len(),
                params.wads_to_slash.len(),
            ));
        }
        let operator_set = OperatorSet { avs: args.avs, id: params.operator_set_id };
        let info = self.operator_set_info(operator_set)?;
        let record = self.operators.get(&operator);
        if !record.is_some_and(|r| r.is_slashable_by(operator_set, now)) {
            return Err(EigenLayerError::OperatorNotSlashable { operator, operator_set });
        }
        let record = record.expect("slashable operators are registered");
        if sender != info.slasher.effective(now) {
            return Err(EigenLayerError::InvalidCaller { caller: sender, operator_set });
        }
        for (index, (&strategy, &wad)) in
            params.strategies.iter().zip(&params.wads_to_slash).enumerate()
        {
            if index > 0 && strategy <= params.strategies[index - 1] {
                return Err(EigenLayerError::StrategiesMustBeInAscendingOrder);
            }
            if wad.is_zero() || wad > WAD {
                return Err(EigenLayerError::InvalidWadToSlash(wad));
            }
            if !info.strategies.contains(&strategy) {
                return Err(EigenLayerError::StrategyNotInOperatorSet { operator_set, strategy });
            }
            let current = record.allocation(operator_set, strategy).updated(now).current_magnitude;
            if current != 0 && now <= self.params.min_withdrawal_delay_blocks {
                return Err(EigenLayerError::SlashBeforeFirstWithdrawalWindow {
                    first_block: self.params.min_withdrawal_delay_blocks + 1,
                });
            }
        }

        // Every check has passed; from here on the slash cannot fail.
        let set = self.operator_sets.get_mut(&operator_set).expect("checked");
        set.slash_count += 1;
        let slash_id = set.slash_count;
        let mut wad_slashed = Vec::with_capacity(params.strategies.len());
        for (&strategy, &wad) in params.strategies.iter().zip(&params.wads_to_slash) {
            wad_slashed.push(self.slash_strategy(
                now,
                operator,
                operator_set,
                slash_id,
                strategy,
                wad,
                events,
            ));
        }
        events.push(Ev::OperatorSlashed {
            operator,
            operator_set,
            strategies: params.strategies.clone(),
            wad_slashed,
            description: params.description.clone(),
            slash_id,
        });
        Ok(())
    }

    /// Slashes one strategy of a checked `slashOperator`; returns the `wadSlashed` of the event.
    #[allow(clippy::too_many_arguments)]
    fn slash_strategy(
        &mut self,
        now: u64,
        operator: Address,
        operator_set: OperatorSet,
        slash_id: u64,
        strategy: Address,
        wad: U256,
        events: &mut Events,
    ) -> U256 {
        let delay = self.params.min_withdrawal_delay_blocks;
        let record = self.operators.get_mut(&operator).expect("checked");
        let stored = record.allocation(operator_set, strategy);
        let mut allocation = stored.updated(now);
        if allocation.current_magnitude == 0 {
            return U256::ZERO;
        }
        let entry = record.strategies.entry(strategy).or_default();
        let mut encumbered = entry.encumbered_magnitude;
        if stored.effect_block != 0 && now >= stored.effect_block && stored.pending_diff < 0 {
            encumbered = add_signed(encumbered, stored.pending_diff);
        }
        let previous_max = entry.max_magnitude();
        let current = U256::from(allocation.current_magnitude);
        let slashed = math::to_u64(math::mul_wad_up(current, wad).expect("bounded by WAD"))
            .expect("at most the current magnitude");
        let wad_slashed = math::div_wad(U256::from(slashed), U256::from(previous_max))
            .expect("max >= current > 0");
        allocation.current_magnitude -= slashed;
        let new_max = previous_max - slashed;
        let encumbered_before = entry.encumbered_magnitude;
        encumbered -= slashed;
        if allocation.pending_diff < 0 {
            let pending = U256::from(allocation.pending_diff.unsigned_abs());
            let slashed_pending = math::mul_wad_up(pending, wad).expect("bounded by WAD");
            let slashed_pending =
                i128::try_from(slashed_pending).expect("at most the pending diff");
            allocation.pending_diff += slashed_pending;
            events.push(Ev::AllocationUpdated {
                operator,
                operator_set,
                strategy,
                magnitude: add_signed(allocation.current_magnitude, allocation.pending_diff),
                effect_block: allocation.effect_block,
            });
        }
        entry.encumbered_magnitude = encumbered;
        encumbered_event(events, operator, strategy, encumbered_before, encumbered);
        record.allocations.insert((operator_set, strategy), allocation);
        track_allocation(record, operator_set, strategy, allocation);
        events.push(Ev::AllocationUpdated {
            operator,
            operator_set,
            strategy,
            magnitude: allocation.current_magnitude,
            effect_block: now,
        });
        let entry = record.strategies.get_mut(&strategy).expect("inserted above");
        entry.max_magnitude_history.push(now, new_max);
        events.push(Ev::MaxMagnitudeUpdated { operator, strategy, max_magnitude: new_max });

        // DelegationManager.slashOperatorShares: operator shares and the still-slashable queue.
        let operator_slashed =
            slashed_amount(entry.shares, previous_max, new_max).expect("bounded");
        let cumulative = &entry.cumulative_scaled_shares;
        let queued_scaled =
            cumulative.latest(U256::ZERO) - cumulative.upper_lookup(now - delay - 1, U256::ZERO);
        let queued_shares =
            math::mul_wad(queued_scaled, U256::from(previous_max)).expect("bounded");
        let queue_slashed = slashed_amount(queued_shares, previous_max, new_max).expect("bounded");
        let total = math::add(operator_slashed, queue_slashed).expect("bounded by total shares");
        entry.shares -= operator_slashed;
        events.push(Ev::OperatorSharesDecreased {
            operator,
            staker: Address::ZERO,
            strategy,
            shares: operator_slashed,
        });
        events.push(Ev::OperatorSharesSlashed { operator, strategy, total_slashed_shares: total });
        if strategy == BEACON_CHAIN_ETH_STRATEGY {
            self.burnable_beacon_chain_eth_shares =
                math::add(self.burnable_beacon_chain_eth_shares, total).expect("bounded");
        } else {
            let pending = self.pending_slashes.entry((operator_set, slash_id)).or_default();
            let fresh = pending.set(strategy, total);
            assert!(fresh, "a slash id records each strategy once (StrategyAlreadyInSlash)");
            NestedSets {
                keys: &mut self.pending_operator_sets,
                values: &mut self.pending_slash_ids,
            }
            .add(operator_set, slash_id);
            events.push(Ev::BurnOrRedistributableSharesIncreased {
                operator_set,
                slash_id,
                strategy,
                shares: total,
            });
        }
        wad_slashed
    }
}
