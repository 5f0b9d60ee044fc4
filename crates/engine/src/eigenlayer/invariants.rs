//! EigenLayer's invariants, checked by tests after every call.
//!
//! They restate the contracts' formal-verification and integration-test properties
//! (`certora/specs/core/*`, `check_MaxMag_Invariants`): magnitudes within bounds and never
//! rising, encumbered magnitude equal to what allocations hold, the deallocation queue in
//! effect-block order, registrations consistent with set membership, operator shares covering
//! every delegated staker's withdrawable shares, and withdrawal records consistent with roots.
//! The checks walk the whole state, so they are for tests, not for every call in production.

use std::collections::{BTreeMap, BTreeSet};

use alloy_primitives::{Address, U256};

use super::{EigenLayer, delegation::withdrawal_root, strategies::MAX_STAKER_STRATEGY_LIST_LENGTH};
use crate::{
    accounts::BEACON_CHAIN_ETH_STRATEGY,
    math::{self, WAD_U64},
};

impl EigenLayer {
    /// Checks every invariant; the error says which one failed and where.
    pub fn check_invariants(&self) -> Result<(), String> {
        self.check_magnitudes()?;
        self.check_registrations()?;
        self.check_stakers_and_operator_shares()?;
        self.check_withdrawals()
    }

    fn check_magnitudes(&self) -> Result<(), String> {
        for (operator, record) in &self.operators {
            for (strategy, entry) in &record.strategies {
                let at = format!("operator {operator}, strategy {strategy}");
                let history = entry.max_magnitude_history.entries();
                let mut previous = (0u64, WAD_U64);
                for &(block, magnitude) in history {
                    if block < previous.0 || magnitude > previous.1 {
                        return Err(format!(
                            "{at}: max magnitude rose or history went back in time"
                        ));
                    }
                    previous = (block, magnitude);
                }
                let max = entry.max_magnitude();
                let mut expected = 0i128;
                for ((_, s), allocation) in &record.allocations {
                    if s != strategy {
                        continue;
                    }
                    if allocation.current_magnitude > max {
                        return Err(format!("{at}: an allocation exceeds the max magnitude"));
                    }
                    if allocation.pending_diff < 0
                        && allocation.pending_diff.unsigned_abs()
                            > u128::from(allocation.current_magnitude)
                    {
                        return Err(format!("{at}: a deallocation exceeds its allocation"));
                    }
                    expected +=
                        i128::from(allocation.current_magnitude) + allocation.pending_diff.max(0);
                }
                if i128::from(entry.encumbered_magnitude) != expected {
                    return Err(format!(
                        "{at}: encumbered magnitude {} but allocations hold {expected}",
                        entry.encumbered_magnitude
                    ));
                }
                if entry.encumbered_magnitude > max {
                    return Err(format!(
                        "{at}: encumbered {} > max {max}",
                        entry.encumbered_magnitude
                    ));
                }
                let mut seen = BTreeSet::new();
                let mut last_effect = 0;
                for operator_set in &entry.deallocation_queue {
                    if !seen.insert(*operator_set) {
                        return Err(format!("{at}: {operator_set} is queued twice"));
                    }
                    let effect = record.allocation(*operator_set, *strategy).effect_block;
                    if effect != 0 && effect < last_effect {
                        return Err(format!(
                            "{at}: the deallocation queue is out of effect-block order"
                        ));
                    }
                    last_effect = last_effect.max(effect);
                }
            }
        }
        Ok(())
    }

    fn check_registrations(&self) -> Result<(), String> {
        for (operator_set, info) in &self.operator_sets {
            for member in &info.members {
                let registered = self
                    .operators
                    .get(member)
                    .and_then(|o| o.registrations.get(operator_set))
                    .is_some_and(|s| s.registered);
                if !registered {
                    return Err(format!(
                        "{member} is a member of {operator_set} without being registered"
                    ));
                }
            }
        }
        for (operator, record) in &self.operators {
            for (operator_set, status) in &record.registrations {
                let member = self
                    .operator_sets
                    .get(operator_set)
                    .is_some_and(|s| s.members.contains(operator));
                if status.registered != member {
                    return Err(format!(
                        "{operator}: registration with {operator_set} disagrees with membership"
                    ));
                }
            }
        }
        Ok(())
    }

    fn check_stakers_and_operator_shares(&self) -> Result<(), String> {
        let mut delegated: BTreeMap<(Address, Address), U256> = BTreeMap::new();
        for (staker, record) in self.stakers.iter() {
            if self.is_operator(*staker) && record.delegated_to != Some(*staker) {
                return Err(format!("operator {staker} is not delegated to itself"));
            }
            let listed =
                record.positions.iter().filter(|p| p.strategy != BEACON_CHAIN_ETH_STRATEGY).count();
            if listed > MAX_STAKER_STRATEGY_LIST_LENGTH {
                return Err(format!("{staker} holds {listed} strategies"));
            }
            let mut strategies = BTreeSet::new();
            for position in &record.positions {
                if !strategies.insert(position.strategy) || position.deposit_shares.is_zero() {
                    return Err(format!(
                        "{staker}: duplicate or empty position in {}",
                        position.strategy
                    ));
                }
                let Some(operator) = record.delegated_to else { continue };
                let factor = self
                    .slashing_factor(*staker, Some(operator), position.strategy)
                    .map_err(|e| e.to_string())?;
                let shares = super::withdrawable_shares(
                    position.deposit_shares,
                    position.deposit_scaling_factor,
                    factor,
                )
                .map_err(|e| e.to_string())?;
                let sum = delegated.entry((operator, position.strategy)).or_default();
                *sum = math::add(*sum, shares).map_err(|e| e.to_string())?;
            }
        }
        for ((operator, strategy), withdrawable) in delegated {
            let shares = self.operator_shares(operator, strategy);
            if shares < withdrawable {
                return Err(format!(
                    "operator {operator} has {shares} shares of {strategy} but its stakers can withdraw {withdrawable}"
                ));
            }
        }
        Ok(())
    }

    fn check_withdrawals(&self) -> Result<(), String> {
        let mut listed = 0usize;
        for (staker, record) in self.stakers.iter() {
            for root in &record.queued_withdrawals {
                let Some(withdrawal) = self.withdrawals.get(root) else {
                    return Err(format!("{staker} lists withdrawal {root}, which is not queued"));
                };
                if withdrawal.staker != *staker || withdrawal_root(withdrawal) != *root {
                    return Err(format!(
                        "withdrawal {root} does not hash to its root or belongs to another staker"
                    ));
                }
                listed += 1;
            }
        }
        if listed != self.withdrawals.len() {
            return Err(format!(
                "{} withdrawals are queued but stakers list {listed}",
                self.withdrawals.len()
            ));
        }
        Ok(())
    }
}
