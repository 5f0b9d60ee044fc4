//! The daily distribution, as the Sidecar computes it (`pkg/rewards/*`, `calculation.md`).
//!
//! A submission starting at `S` for `D` seconds pays the snapshots `S + 1 day … S + D`, each
//! `⌊amount / (D / 1 day)⌋` (its tokens per day), over the stake of that snapshot: the state
//! just before 00:00 UTC, which is the state when the world's clock crosses midnight.
//!
//! - **AVS submissions** (v1): operators registered to the AVS, and the stakers delegated to
//!   them, weighted by `Σ multiplier · shares` over the strategies the operator restakes for
//!   the AVS. A row's payout is `⌊⌊weight / Σweight · 1e15⌋ / 1e15 · tokensPerDay⌋`; the operator
//!   takes `⌊payout · split / 10000⌋` of each of its stakers' rows. A day nobody is eligible
//!   for pays nobody.
//! - **Operator-directed** (v2, v2.1): each operator's amount per day; the operator takes its
//!   split, its stakers share the rest by weight. A day the operator is not registered (to the
//!   AVS, or to the set) is refunded to the AVS.
//! - **Unique stake and total stake** (v2.2): operators of the set weighted by allocated
//!   (`shares · magnitude / maxMagnitude`) or delegated shares, times the multipliers;
//!   `⌊tokensPerDay · w / Σw⌋` each, then the set split and the stakers as above.
//!
//! Retroactive days (already past when submitted) are paid over the stake when the clock next
//! moves: Rampart keeps no history of past stake.

use std::collections::BTreeMap;

use alloy_primitives::{Address, U256};

use super::{LiveSubmission, OperatorSplit, SNAPSHOT_CADENCE, SubmissionKind};
use crate::{
    eigenlayer::{EigenLayer, OperatorSet, withdrawable_shares},
    math,
};

/// `1e15`: the Sidecar truncates stake proportions to 15 decimals.
const PROPORTION_PRECISION: u64 = 1_000_000_000_000_000;

/// In what capacity an earner is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Operator,
    Staker,
    Refund,
}

/// One day's payouts of one submission.
type Payouts = Vec<(Address, Role, U256)>;

/// The stakers delegated to each operator (one pass over the staker table).
type Delegators = BTreeMap<Address, Vec<Address>>;

/// An operator's `(allocated magnitude, max magnitude)` per strategy, for unique stake.
type Allocated = BTreeMap<Address, (u64, u64)>;

impl EigenLayer {
    /// Pays every live submission for every snapshot up to `timestamp`.
    pub fn process_rewards_until(&mut self, block: u64, timestamp: u64) {
        if self.rewards.is_idle() {
            return;
        }
        let snapshot = timestamp / SNAPSHOT_CADENCE * SNAPSHOT_CADENCE;
        if self.rewards.live_submissions.iter().all(|s| s.next_snapshot > snapshot) {
            return;
        }
        let delegators = self.delegators();
        let mut live = std::mem::take(&mut self.rewards.live_submissions);
        for submission in &mut live {
            let last = submission.last_snapshot().min(snapshot);
            while submission.next_snapshot <= last {
                let day = submission.next_snapshot;
                let payouts = self.day_payouts(submission, &delegators, block, day);
                self.record_payouts(submission, day, payouts);
                submission.next_snapshot += SNAPSHOT_CADENCE;
            }
        }
        live.retain(|s| s.next_snapshot <= s.last_snapshot());
        self.rewards.live_submissions = live;
    }

    fn delegators(&self) -> Delegators {
        let mut by_operator: Delegators = BTreeMap::new();
        for (staker, record) in self.stakers.iter() {
            if let Some(operator) = record.delegated_to {
                by_operator.entry(operator).or_default().push(*staker);
            }
        }
        for stakers in by_operator.values_mut() {
            stakers.sort_unstable();
        }
        by_operator
    }

    fn record_payouts(&mut self, submission: &LiveSubmission, day: u64, payouts: Payouts) {
        let token = submission.token;
        // The Sidecar's unique- and total-stake tables end a day before the others
        // (`global_end_inclusive = cutoff - 1 day`): a root covers their days up to its end
        // less one, so they are filed one snapshot later.
        let filed = match submission.kind {
            SubmissionKind::UniqueStake { .. } | SubmissionKind::TotalStake { .. } => {
                day + SNAPSHOT_CADENCE
            }
            _ => day,
        };
        for (earner, role, amount) in payouts {
            // Rows of zero are kept: they are leaves of the tree like any other.
            let earned = self.rewards.earnings.entry((filed, earner, token)).or_default();
            *earned = math::add(*earned, amount).expect("bounded by the submission");
            let source = self.rewards.breakdown.entry((earner, submission.avs, token)).or_default();
            let slot = match role {
                Role::Operator => &mut source.as_operator,
                Role::Staker => &mut source.as_staker,
                Role::Refund => &mut source.refunded,
            };
            *slot += amount;
            let totals = self.rewards.totals.entry(token).or_default();
            totals.1 += amount;
        }
    }

    /// A staker's weight: `Σ multiplier · withdrawable shares` over `strategies`.
    fn staker_weight(
        &self,
        staker: Address,
        operator: Address,
        strategies: &[(Address, U256)],
        allocated: Option<&Allocated>,
    ) -> U256 {
        let Some(record) = self.stakers.get(&staker) else { return U256::ZERO };
        strategies.iter().fold(U256::ZERO, |weight, &(strategy, multiplier)| {
            let Some(index) = record.position_index(strategy) else { return weight };
            let position = &record.positions[index];
            let factor =
                self.slashing_factor(staker, Some(operator), strategy).unwrap_or(U256::ZERO);
            let shares = withdrawable_shares(
                position.deposit_shares,
                position.deposit_scaling_factor,
                factor,
            )
            .unwrap_or(U256::ZERO);
            let mut counted = shares.saturating_mul(multiplier);
            // Unique stake: `shares · magnitude / maxMagnitude · multiplier`.
            if let Some(allocated) = allocated {
                let (magnitude, max) = allocated.get(&strategy).copied().unwrap_or((0, 1));
                counted = counted.saturating_mul(U256::from(magnitude)) / U256::from(max.max(1));
            }
            weight.saturating_add(counted)
        })
    }

    /// The operator's stakers with positive weight.
    fn staker_rows(
        &self,
        delegators: &Delegators,
        operator: Address,
        strategies: &[(Address, U256)],
        allocated: Option<&Allocated>,
    ) -> Vec<(Address, U256)> {
        delegators
            .get(&operator)
            .map(|stakers| {
                stakers
                    .iter()
                    .map(|&s| (s, self.staker_weight(s, operator, strategies, allocated)))
                    .filter(|(_, w)| !w.is_zero())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The sets of `avs` the operator is registered for.
    fn registered_sets(&self, operator: Address, avs: Address) -> Vec<OperatorSet> {
        self.operator_sets
            .iter()
            .filter(|(set, info)| set.avs == avs && info.members.contains(&operator))
            .map(|(set, _)| *set)
            .collect()
    }

    fn split_for(&self, operator: Address, kind: &SubmissionKind, avs: Address, day: u64) -> U256 {
        let default = self.rewards.default_operator_split_bips;
        // The Sidecar's split snapshots start the day after activation:
        // `date_trunc('day', activated_at) + 1 day`.
        let day = day - 1;
        let split = match kind {
            SubmissionKind::Avs | SubmissionKind::OperatorDirectedAvs => OperatorSplit::effective(
                self.rewards.operator_avs_splits.get(&(operator, avs)),
                day,
                default,
            ),
            SubmissionKind::OperatorDirectedOperatorSet { operator_set }
            | SubmissionKind::UniqueStake { operator_set }
            | SubmissionKind::TotalStake { operator_set } => OperatorSplit::effective(
                self.rewards.operator_set_splits.get(&(operator, *operator_set)),
                day,
                default,
            ),
        };
        U256::from(split)
    }

    fn day_payouts(
        &self,
        submission: &LiveSubmission,
        delegators: &Delegators,
        block: u64,
        day: u64,
    ) -> Payouts {
        let strategies: Vec<(Address, U256)> = submission
            .strategies_and_multipliers
            .iter()
            .map(|s| (s.strategy, s.multiplier))
            .collect();
        let days = U256::from(submission.days());
        let mut payouts = Payouts::new();
        match &submission.kind {
            SubmissionKind::Avs => {
                let tokens_per_day = submission.amount / days;
                // Operators registered to the AVS; each restakes the strategies of its sets.
                let mut rows: Vec<(Address, Address, U256)> = Vec::new();
                let mut operators: Vec<Address> = self
                    .operator_sets
                    .iter()
                    .filter(|(set, _)| set.avs == submission.avs)
                    .flat_map(|(_, info)| info.members.iter().copied())
                    .collect();
                operators.sort_unstable();
                operators.dedup();
                for operator in operators {
                    let restaked: Vec<Address> = self
                        .registered_sets(operator, submission.avs)
                        .iter()
                        .flat_map(|set| self.operator_sets[set].strategies.iter().copied())
                        .collect();
                    let counted: Vec<(Address, U256)> =
                        strategies.iter().copied().filter(|(s, _)| restaked.contains(s)).collect();
                    for (staker, weight) in self.staker_rows(delegators, operator, &counted, None) {
                        rows.push((staker, operator, weight));
                    }
                }
                let total = rows.iter().fold(U256::ZERO, |sum, (_, _, w)| sum + *w);
                if total.is_zero() {
                    return payouts;
                }
                for (staker, operator, weight) in rows {
                    let payout = proportional(weight, total, tokens_per_day);
                    let split = self.split_for(operator, &submission.kind, submission.avs, day);
                    let operator_cut = payout * split / U256::from(super::ONE_HUNDRED_IN_BIPS);
                    payouts.push((operator, Role::Operator, operator_cut));
                    payouts.push((staker, Role::Staker, payout - operator_cut));
                }
            }
            SubmissionKind::OperatorDirectedAvs
            | SubmissionKind::OperatorDirectedOperatorSet { .. } => {
                let set = match &submission.kind {
                    SubmissionKind::OperatorDirectedOperatorSet { operator_set } => {
                        Some(*operator_set)
                    }
                    _ => None,
                };
                for reward in &submission.operator_rewards {
                    let per_day = reward.amount / days;
                    let operator = reward.operator;
                    let (registered, counted) = match set {
                        None => (
                            !self.registered_sets(operator, submission.avs).is_empty(),
                            strategies.clone(),
                        ),
                        Some(set) => {
                            let info = &self.operator_sets[&set];
                            let counted = strategies
                                .iter()
                                .copied()
                                .filter(|(s, _)| info.strategies.contains(s))
                                .collect();
                            (info.members.contains(&operator), counted)
                        }
                    };
                    if !registered {
                        payouts.push((submission.avs, Role::Refund, per_day));
                        continue;
                    }
                    let split = self.split_for(operator, &submission.kind, submission.avs, day);
                    // v2.1 refunds the stakers' part when none of the submission's strategies
                    // is in the set; otherwise an operator without staker weight leaves it in
                    // the coordinator, as the Sidecar does.
                    let refund_rest = set.is_some() && counted.is_empty();
                    self.pay_operator_and_stakers(
                        &mut payouts,
                        delegators,
                        OperatorDay { avs: submission.avs, operator, amount: per_day, split },
                        &counted,
                        None,
                        refund_rest,
                    );
                }
            }
            SubmissionKind::UniqueStake { operator_set }
            | SubmissionKind::TotalStake { operator_set } => {
                let tokens_per_day = submission.amount / days;
                let unique = matches!(submission.kind, SubmissionKind::UniqueStake { .. });
                let info = &self.operator_sets[operator_set];
                // Unique stake counts the set's strategies (allocations exist only there);
                // total stake counts every strategy of the submission.
                let counted: Vec<(Address, U256)> = strategies
                    .iter()
                    .copied()
                    .filter(|(s, _)| !unique || info.strategies.contains(s))
                    .collect();
                let mut weights: Vec<(Address, U256, Option<Allocated>)> = Vec::new();
                // The Sidecar's own order: by address, whatever the set's storage order.
                let mut members = info.members.values().to_vec();
                members.sort_unstable();
                for operator in members {
                    let record = &self.operators[&operator];
                    let allocated: Option<Allocated> = unique.then(|| {
                        counted
                            .iter()
                            .map(|&(strategy, _)| {
                                let magnitude = self
                                    .get_allocation(block, operator, *operator_set, strategy)
                                    .current_magnitude;
                                (strategy, (magnitude, record.max_magnitude(strategy)))
                            })
                            .collect()
                    });
                    let weight = counted.iter().fold(U256::ZERO, |sum, &(strategy, multiplier)| {
                        let mut stake = record.shares(strategy).saturating_mul(multiplier);
                        if let Some((magnitude, max)) =
                            allocated.as_ref().and_then(|a| a.get(&strategy)).copied()
                        {
                            stake = stake.saturating_mul(U256::from(magnitude))
                                / U256::from(max.max(1));
                        }
                        sum.saturating_add(stake)
                    });
                    if !weight.is_zero() {
                        weights.push((operator, weight, allocated));
                    }
                }
                let total = weights.iter().fold(U256::ZERO, |sum, (_, w, _)| sum + *w);
                let before = payouts.len();
                for (operator, weight, allocated) in weights {
                    let share = tokens_per_day * weight / total;
                    let split = self.split_for(operator, &submission.kind, submission.avs, day);
                    self.pay_operator_and_stakers(
                        &mut payouts,
                        delegators,
                        OperatorDay { avs: submission.avs, operator, amount: share, split },
                        &counted,
                        allocated.as_ref(),
                        false,
                    );
                }
                // A day that paid nobody anything is refunded in full.
                if payouts[before..].iter().all(|(_, _, amount)| amount.is_zero()) {
                    payouts.push((submission.avs, Role::Refund, tokens_per_day));
                }
            }
        }
        payouts
    }

    /// The operator takes its split of the day's amount; its stakers share the rest by weight
    /// (with the 1e-15 truncation). Without staker weight the rest stays in the coordinator,
    /// or is refunded to the AVS when `refund_rest`.
    fn pay_operator_and_stakers(
        &self,
        payouts: &mut Payouts,
        delegators: &Delegators,
        day: OperatorDay,
        strategies: &[(Address, U256)],
        allocated: Option<&Allocated>,
        refund_rest: bool,
    ) {
        let operator_cut = day.amount * day.split / U256::from(super::ONE_HUNDRED_IN_BIPS);
        payouts.push((day.operator, Role::Operator, operator_cut));
        let rest = day.amount - operator_cut;
        let rows = self.staker_rows(delegators, day.operator, strategies, allocated);
        let total = rows.iter().fold(U256::ZERO, |sum, (_, w)| sum + *w);
        if total.is_zero() {
            if refund_rest {
                payouts.push((day.avs, Role::Refund, rest));
            }
            return;
        }
        for (staker, weight) in rows {
            payouts.push((staker, Role::Staker, proportional(weight, total, rest)));
        }
    }
}

/// One operator's amount for one day, and its split.
#[derive(Debug, Clone, Copy)]
struct OperatorDay {
    avs: Address,
    operator: Address,
    amount: U256,
    split: U256,
}

/// `⌊⌊weight / total · 1e15⌋ / 1e15 · amount⌋`.
fn proportional(weight: U256, total: U256, amount: U256) -> U256 {
    let precision = U256::from(PROPORTION_PRECISION);
    let proportion =
        math::mul_div(weight, precision, total, math::Rounding::Floor).expect("total ≥ weight");
    math::mul_div(proportion, amount, precision, math::Rounding::Floor).expect("proportion ≤ 1")
}
