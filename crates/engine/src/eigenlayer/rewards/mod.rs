//! The RewardsCoordinator: AVSs submit rewards, the rewards updater posts cumulative merkle
//! roots, earners claim against them.
//!
//! ```text
//!  AVS ──create_*_rewards_submission──► tokens escrowed here (minus the opt-in protocol fee)
//!        every day at 00:00 UTC: the distribution of each live submission (distribution.rs)
//!  rewards updater ──submit_root(root, calc end)──► claimable after the activation delay
//!  earner / claimer ──process_claim(proofs)──► cumulative − already claimed, per token
//! ```
//!
//! On mainnet the distribution is computed off-chain by the Sidecar; here the world computes
//! it deterministically at each daily snapshot, and views build the tree and the claim proofs.

pub mod distribution;
pub mod merkle;
#[cfg(test)]
mod tests;
pub mod types;

use std::collections::{BTreeMap, BTreeSet};

use alloy_primitives::{Address, B256, U256};
use serde::{Deserialize, Serialize};

pub use self::types::*;
use super::{
    EigenLayer, EigenLayerError, Env, Events, OperatorSet, Result, contract_address,
    events::EigenLayerEvent as Ev,
};
use crate::{accounts::BEACON_CHAIN_ETH_STRATEGY, ledger::Ledger, math, serde_ext};

/// `SNAPSHOT_CADENCE`: one distribution a day, at 00:00 UTC.
pub const SNAPSHOT_CADENCE: u64 = 86_400;
/// `PROTOCOL_FEE_BIPS`: 20% of a submission from an opted-in submitter.
pub const PROTOCOL_FEE_BIPS: u64 = 2_000;
/// `ONE_HUNDRED_IN_BIPS`.
pub const ONE_HUNDRED_IN_BIPS: u64 = 10_000;

/// `MAX_REWARDS_AMOUNT` = 1e38 − 1.
pub fn max_rewards_amount() -> U256 {
    U256::from(10u8).pow(U256::from(38u8)) - U256::from(1u8)
}

/// The RewardsCoordinator's immutables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RewardsParams {
    /// `CALCULATION_INTERVAL_SECONDS`: starts and durations are multiples of it.
    pub calculation_interval_seconds: u64,
    /// `MAX_REWARDS_DURATION`.
    pub max_rewards_duration: u64,
    /// `MAX_RETROACTIVE_LENGTH`.
    pub max_retroactive_length: u64,
    /// `MAX_FUTURE_LENGTH`.
    pub max_future_length: u64,
    /// `GENESIS_REWARDS_TIMESTAMP`.
    pub genesis_rewards_timestamp: u64,
    /// `activationDelay`: seconds before a root can be claimed, and a split takes effect.
    pub activation_delay: u64,
    /// `defaultOperatorSplitBips` at deployment.
    pub default_operator_split_bips: u16,
}

impl RewardsParams {
    /// `script/configs/mainnet.json`.
    pub const MAINNET: Self = Self {
        calculation_interval_seconds: 604_800,
        max_rewards_duration: 6_048_000,
        max_retroactive_length: 14_515_200,
        max_future_length: 2_592_000,
        genesis_rewards_timestamp: 1_710_979_200,
        activation_delay: 604_800,
        default_operator_split_bips: 1_000,
    };

    /// `RewardsCoordinatorUnit.t.sol`'s setup: daily intervals, so a scenario can pay and claim
    /// rewards within days rather than weeks (the activation delay is 7 days, as there).
    pub const TESTNET: Self = Self {
        calculation_interval_seconds: 86_400,
        max_rewards_duration: 6_048_000,
        max_retroactive_length: 7_257_600,
        max_future_length: 2_419_200,
        genesis_rewards_timestamp: 1_712_188_800,
        activation_delay: 604_800,
        default_operator_split_bips: 1_000,
    };
}

/// A submission the distribution still has days to pay for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveSubmission {
    /// What it pays for.
    #[serde(flatten)]
    pub kind: SubmissionKind,
    /// The AVS (refunds go back to it).
    #[serde(with = "serde_ext::account")]
    pub avs: Address,
    /// Its hash.
    pub hash: B256,
    /// Strategies with multipliers.
    pub strategies_and_multipliers: Vec<StrategyAndMultiplier>,
    /// The token.
    #[serde(with = "serde_ext::token")]
    pub token: Address,
    /// The amount after the protocol fee (stake-weighted kinds).
    #[serde(with = "serde_ext::amount")]
    pub amount: U256,
    /// Amounts after the protocol fee (operator-directed kinds).
    pub operator_rewards: Vec<OperatorReward>,
    /// Start.
    pub start_timestamp: u64,
    /// Duration.
    pub duration: u64,
    /// The next snapshot it pays for.
    pub next_snapshot: u64,
}

impl LiveSubmission {
    /// Its last snapshot: `start + duration`.
    pub fn last_snapshot(&self) -> u64 {
        self.start_timestamp + self.duration
    }

    /// Snapshots it pays in all: `duration / 1 day`.
    pub fn days(&self) -> u64 {
        self.duration / SNAPSHOT_CADENCE
    }
}

/// Where an earner's rewards come from, per (AVS, token).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarningsBreakdown {
    /// As an operator: its split of its stakers' rewards, and operator-directed amounts.
    #[serde(with = "serde_ext::amount")]
    pub as_operator: U256,
    /// As a staker (an operator delegated to itself earns this too).
    #[serde(with = "serde_ext::amount")]
    pub as_staker: U256,
    /// Refunds to the AVS of days nobody was eligible for.
    #[serde(with = "serde_ext::amount")]
    pub refunded: U256,
}

/// The RewardsCoordinator's state, and the distribution the world computes for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RewardsCoordinator {
    /// Immutables.
    pub params: RewardsParams,
    /// `rewardsUpdater`: who posts roots (the world's admin until changed).
    #[serde(with = "serde_ext::account_opt")]
    pub rewards_updater: Option<Address>,
    /// `defaultOperatorSplitBips`.
    pub default_operator_split_bips: u16,
    /// `feeRecipient` (the admin until changed).
    #[serde(with = "serde_ext::account_opt")]
    pub fee_recipient: Option<Address>,
    /// `isOptedInForProtocolFee`.
    pub opted_in_for_protocol_fee: BTreeSet<Address>,
    /// `submissionNonce` per AVS (or submitter).
    #[serde(with = "serde_ext::pairs")]
    pub submission_nonce: BTreeMap<Address, u64>,
    /// Hashes of accepted submissions, with their kind's name (`isAVSRewardsSubmissionHash`...).
    pub submission_hashes: BTreeSet<(Address, B256)>,
    /// `_distributionRoots`.
    pub distribution_roots: Vec<DistributionRoot>,
    /// `currRewardsCalculationEndTimestamp`.
    pub curr_rewards_calculation_end_timestamp: u64,
    /// `cumulativeClaimed[earner][token]`.
    #[serde(with = "serde_ext::pairs")]
    pub cumulative_claimed: BTreeMap<(Address, Address), U256>,
    /// `claimerFor`.
    #[serde(with = "serde_ext::pairs")]
    pub claimer_for: BTreeMap<Address, Address>,
    /// Operator splits per (operator, AVS).
    #[serde(with = "serde_ext::pairs")]
    pub operator_avs_splits: BTreeMap<(Address, Address), OperatorSplit>,
    /// Operator splits per (operator, set).
    #[serde(with = "serde_ext::pairs")]
    pub operator_set_splits: BTreeMap<(Address, OperatorSet), OperatorSplit>,
    /// Operators' programmatic-incentive splits.
    #[serde(with = "serde_ext::pairs")]
    pub operator_pi_splits: BTreeMap<Address, OperatorSplit>,
    /// Submissions with days left to pay.
    pub live_submissions: Vec<LiveSubmission>,
    /// Earnings per (snapshot, earner, token), as computed at each snapshot.
    #[serde(with = "serde_ext::pairs")]
    pub earnings: BTreeMap<(u64, Address, Address), U256>,
    /// Per (earner, AVS, token): where the earnings came from.
    #[serde(with = "serde_ext::pairs")]
    pub breakdown: BTreeMap<(Address, Address, Address), EarningsBreakdown>,
    /// Per token: everything submitted (after fees) and everything distributed so far.
    #[serde(with = "serde_ext::pairs")]
    pub totals: BTreeMap<Address, (U256, U256)>,
}

impl RewardsCoordinator {
    /// A coordinator with `params`, nothing submitted.
    pub fn new(params: RewardsParams) -> Self {
        Self {
            params,
            rewards_updater: None,
            default_operator_split_bips: params.default_operator_split_bips,
            fee_recipient: None,
            opted_in_for_protocol_fee: BTreeSet::new(),
            submission_nonce: BTreeMap::new(),
            submission_hashes: BTreeSet::new(),
            distribution_roots: Vec::new(),
            curr_rewards_calculation_end_timestamp: 0,
            cumulative_claimed: BTreeMap::new(),
            claimer_for: BTreeMap::new(),
            operator_avs_splits: BTreeMap::new(),
            operator_set_splits: BTreeMap::new(),
            operator_pi_splits: BTreeMap::new(),
            live_submissions: Vec::new(),
            earnings: BTreeMap::new(),
            breakdown: BTreeMap::new(),
            totals: BTreeMap::new(),
        }
    }

    /// No live submission: time changes nothing here.
    pub fn is_idle(&self) -> bool {
        self.live_submissions.is_empty()
    }

    /// Cumulative earnings per (earner, token) over snapshots up to `end` (inclusive).
    pub fn cumulative_earnings(&self, end: u64) -> BTreeMap<(Address, Address), U256> {
        let mut cumulative: BTreeMap<(Address, Address), U256> = BTreeMap::new();
        for (&(_, earner, token), &amount) in
            self.earnings.range(..=(end, Address::repeat_byte(0xff), Address::repeat_byte(0xff)))
        {
            let entry = cumulative.entry((earner, token)).or_default();
            *entry = math::add(*entry, amount).expect("bounded by the submitted supply");
        }
        cumulative
    }

    /// `getCurrentClaimableDistributionRoot`'s index: the newest enabled, activated root.
    pub fn current_claimable_root(&self, now: u64) -> Option<usize> {
        (0..self.distribution_roots.len()).rev().find(|&i| {
            !self.distribution_roots[i].disabled && now >= self.distribution_roots[i].activated_at
        })
    }
}

/// The RewardsCoordinator's address (it escrows every submitted token).
pub fn coordinator_address() -> Address {
    contract_address("RewardsCoordinator")
}

/// What a claim would show, from a distribution's tree.
#[derive(Debug, Clone)]
pub struct Distribution {
    /// Earners ascending, each with its tokens ascending and cumulative amounts.
    pub earners: Vec<(Address, Vec<(Address, U256)>)>,
    /// Each earner's token tree.
    pub token_trees: Vec<merkle::Tree>,
    /// The earner tree.
    pub earner_tree: merkle::Tree,
}

impl Distribution {
    /// The trees over cumulative earnings (`eigenlayer-rewards-proofs`' layout).
    pub fn new(cumulative: &BTreeMap<(Address, Address), U256>) -> Option<Self> {
        let mut earners: Vec<(Address, Vec<(Address, U256)>)> = Vec::new();
        for (&(earner, token), &amount) in cumulative {
            match earners.last_mut() {
                Some((last, tokens)) if *last == earner => tokens.push((token, amount)),
                _ => earners.push((earner, vec![(token, amount)])),
            }
        }
        if earners.is_empty() {
            return None;
        }
        let token_trees: Vec<merkle::Tree> = earners
            .iter()
            .map(|(_, tokens)| {
                merkle::Tree::new(
                    tokens.iter().map(|&(t, a)| merkle::token_leaf_hash(t, a)).collect(),
                )
            })
            .collect();
        let earner_tree = merkle::Tree::new(
            earners
                .iter()
                .zip(&token_trees)
                .map(|((earner, _), tree)| merkle::earner_leaf_hash(*earner, tree.root()))
                .collect(),
        );
        Some(Self { earners, token_trees, earner_tree })
    }

    /// The claim of `earner` for `tokens` (all its tokens if empty) against root `root_index`,
    /// leaving out tokens with nothing above `claimed` (the contract would revert on them).
    pub fn claim(
        &self,
        root_index: u32,
        earner: Address,
        tokens: &[Address],
        claimed: &BTreeMap<(Address, Address), U256>,
    ) -> Option<RewardsMerkleClaim> {
        let earner_index = self.earners.iter().position(|(e, _)| *e == earner)?;
        let (_, held) = &self.earners[earner_index];
        let tree = &self.token_trees[earner_index];
        let mut claim = RewardsMerkleClaim {
            root_index,
            earner_index: u32::try_from(earner_index).ok()?,
            earner_tree_proof: self.earner_tree.proof(earner_index),
            earner_leaf: EarnerTreeMerkleLeaf { earner, earner_token_root: tree.root() },
            token_indices: Vec::new(),
            token_tree_proofs: Vec::new(),
            token_leaves: Vec::new(),
        };
        for (index, &(token, amount)) in held.iter().enumerate() {
            if !tokens.is_empty() && !tokens.contains(&token) {
                continue;
            }
            if amount <= claimed.get(&(earner, token)).copied().unwrap_or_default() {
                continue;
            }
            claim.token_indices.push(u32::try_from(index).ok()?);
            claim.token_tree_proofs.push(tree.proof(index));
            claim.token_leaves.push(TokenTreeMerkleLeaf { token, cumulative_earnings: amount });
        }
        (!claim.token_leaves.is_empty()).then_some(claim)
    }
}

impl EigenLayer {
    fn rewards_nonce(&mut self, avs: Address) -> u64 {
        let nonce = self.rewards.submission_nonce.entry(avs).or_insert(0);
        let current = *nonce;
        *nonce += 1;
        current
    }

    /// `_validateCommonRewardsSubmission`, steps 1–7, in the contract's order.
    fn validate_common(
        &self,
        env: &Env,
        strategies: &[StrategyAndMultiplier],
        start: u64,
        duration: u64,
    ) -> Result<()> {
        let params = self.rewards.params;
        if strategies.is_empty() {
            return Err(EigenLayerError::InputArrayLengthZero);
        }
        if duration > params.max_rewards_duration {
            return Err(EigenLayerError::DurationExceedsMax);
        }
        if !duration.is_multiple_of(params.calculation_interval_seconds) {
            return Err(EigenLayerError::InvalidDurationRemainder);
        }
        if duration == 0 {
            return Err(EigenLayerError::DurationIsZero);
        }
        if !start.is_multiple_of(params.calculation_interval_seconds) {
            return Err(EigenLayerError::InvalidStartTimestampRemainder);
        }
        let earliest = env
            .timestamp
            .checked_sub(params.max_retroactive_length)
            .ok_or(math::MathError::Underflow)?;
        if earliest > start || params.genesis_rewards_timestamp > start {
            return Err(EigenLayerError::StartTimestampTooFarInPast);
        }
        let mut previous = Address::ZERO;
        for entry in strategies {
            let whitelisted = entry.strategy == BEACON_CHAIN_ETH_STRATEGY
                || self.strategies.get(&entry.strategy).is_some_and(|s| s.whitelisted);
            if !whitelisted {
                return Err(EigenLayerError::StrategyNotWhitelisted(entry.strategy));
            }
            if entry.strategy <= previous {
                return Err(EigenLayerError::StrategiesNotInAscendingOrder);
            }
            previous = entry.strategy;
        }
        Ok(())
    }

    /// `_validateRewardsSubmission`: steps 1–10.
    fn validate_rewards_submission(&self, env: &Env, submission: &RewardsSubmission) -> Result<()> {
        let start = u64::from(submission.start_timestamp);
        self.validate_common(
            env,
            &submission.strategies_and_multipliers,
            start,
            u64::from(submission.duration),
        )?;
        if submission.amount.is_zero() {
            return Err(EigenLayerError::AmountIsZero);
        }
        if submission.amount > max_rewards_amount() {
            return Err(EigenLayerError::AmountExceedsMax);
        }
        if start > env.timestamp + self.rewards.params.max_future_length {
            return Err(EigenLayerError::StartTimestampTooFarInFuture);
        }
        Ok(())
    }

    /// `_validateOperatorDirectedRewardsSubmission`; returns the pre-fee total.
    fn validate_operator_directed(
        &self,
        env: &Env,
        submission: &OperatorDirectedRewardsSubmission,
    ) -> Result<U256> {
        let start = u64::from(submission.start_timestamp);
        let duration = u64::from(submission.duration);
        self.validate_common(env, &submission.strategies_and_multipliers, start, duration)?;
        if submission.operator_rewards.is_empty() {
            return Err(EigenLayerError::InputArrayLengthZero);
        }
        if start + duration >= env.timestamp {
            return Err(EigenLayerError::SubmissionNotRetroactive);
        }
        let mut total = U256::ZERO;
        let mut previous = Address::ZERO;
        for reward in &submission.operator_rewards {
            if reward.operator == Address::ZERO {
                return Err(EigenLayerError::InvalidAddressZero);
            }
            if reward.operator <= previous {
                return Err(EigenLayerError::OperatorsNotInAscendingOrder);
            }
            previous = reward.operator;
            if reward.amount.is_zero() {
                return Err(EigenLayerError::AmountIsZero);
            }
            total = math::add(total, reward.amount)?;
        }
        if total > max_rewards_amount() {
            return Err(EigenLayerError::AmountExceedsMax);
        }
        Ok(total)
    }

    fn protocol_fee(&self, submitter: Address, amount: U256) -> Result<U256> {
        if !self.rewards.opted_in_for_protocol_fee.contains(&submitter) {
            return Ok(U256::ZERO);
        }
        Ok(amount * U256::from(PROTOCOL_FEE_BIPS) / U256::from(ONE_HUNDRED_IN_BIPS))
    }

    fn fee_recipient(&self, env: &Env) -> Address {
        self.rewards.fee_recipient.unwrap_or(env.admin)
    }

    /// Escrows `amount` from `payer` and sends `fee` of it to the fee recipient.
    fn escrow(
        &self,
        ledger: &mut Ledger,
        env: &Env,
        payer: Address,
        token: Address,
        amount: U256,
        fee: U256,
    ) -> Result<()> {
        ledger.transfer(token, payer, coordinator_address(), amount)?;
        if !fee.is_zero() {
            ledger
                .transfer(token, coordinator_address(), self.fee_recipient(env), fee)
                .expect("the fee is part of what was just escrowed");
        }
        Ok(())
    }

    fn record_live(&mut self, submission: LiveSubmission) {
        let total: U256 = if submission.operator_rewards.is_empty() {
            submission.amount
        } else {
            submission.operator_rewards.iter().map(|r| r.amount).fold(U256::ZERO, |a, b| a + b)
        };
        let entry = self.rewards.totals.entry(submission.token).or_default();
        entry.0 = math::add(entry.0, total).expect("at most 1e38 per submission");
        self.rewards.live_submissions.push(submission);
    }

    /// `createAVSRewardsSubmission` (the AVS is the sender), and the v2.2 unique-stake and
    /// total-stake submissions for an operator set (`kind` carries the set).
    pub(super) fn create_rewards_submissions(
        &mut self,
        ledger: &mut Ledger,
        env: &Env,
        sender: Address,
        kind: &SubmissionKind,
        submissions: &[RewardsSubmission],
        events: &mut Events,
    ) -> Result<()> {
        let avs = match kind {
            SubmissionKind::Avs => sender,
            SubmissionKind::UniqueStake { operator_set }
            | SubmissionKind::TotalStake { operator_set } => {
                let function = match kind {
                    SubmissionKind::UniqueStake { .. } => "create_unique_stake_rewards_submission",
                    _ => "create_total_stake_rewards_submission",
                };
                self.check_can_call(operator_set.avs, sender, function)?;
                if !self.operator_sets.contains_key(operator_set) {
                    return Err(EigenLayerError::InvalidOperatorSet(*operator_set));
                }
                operator_set.avs
            }
            _ => unreachable!("operator-directed kinds have their own entry point"),
        };
        // A loop of independent submissions: check them all before writing any.
        let mut planned = Vec::with_capacity(submissions.len());
        let mut spent: BTreeMap<Address, U256> = BTreeMap::new();
        for submission in submissions {
            self.validate_rewards_submission(env, submission)?;
            let needed = spent.entry(submission.token).or_default();
            *needed = math::add(*needed, submission.amount)?;
            ledger.check_transfer(submission.token, sender, *needed)?;
            planned.push(submission.clone());
        }
        for mut submission in planned {
            let fee = self.protocol_fee(sender, submission.amount)?;
            self.escrow(ledger, env, sender, submission.token, submission.amount, fee)?;
            submission.amount -= fee;
            let nonce = self.rewards_nonce(avs);
            let hash = submission_hash(avs, nonce, &submission);
            self.rewards.submission_hashes.insert((avs, hash));
            events.push(match kind {
                SubmissionKind::Avs => Ev::AvsRewardsSubmissionCreated {
                    avs,
                    submission_nonce: nonce,
                    rewards_submission_hash: hash,
                    rewards_submission: Box::new(submission.clone()),
                },
                SubmissionKind::UniqueStake { operator_set } => {
                    Ev::UniqueStakeRewardsSubmissionCreated {
                        caller: sender,
                        rewards_submission_hash: hash,
                        operator_set: *operator_set,
                        submission_nonce: nonce,
                        rewards_submission: Box::new(submission.clone()),
                    }
                }
                _ => Ev::TotalStakeRewardsSubmissionCreated {
                    caller: sender,
                    rewards_submission_hash: hash,
                    operator_set: match kind {
                        SubmissionKind::TotalStake { operator_set } => *operator_set,
                        _ => unreachable!(),
                    },
                    submission_nonce: nonce,
                    rewards_submission: Box::new(submission.clone()),
                },
            });
            let start = u64::from(submission.start_timestamp);
            self.record_live(LiveSubmission {
                kind: kind.clone(),
                avs,
                hash,
                strategies_and_multipliers: submission.strategies_and_multipliers,
                token: submission.token,
                amount: submission.amount,
                operator_rewards: Vec::new(),
                start_timestamp: start,
                duration: u64::from(submission.duration),
                next_snapshot: start + SNAPSHOT_CADENCE,
            });
        }
        Ok(())
    }

    /// `createOperatorDirectedAVSRewardsSubmission` and
    /// `createOperatorDirectedOperatorSetRewardsSubmission`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn create_operator_directed_submissions(
        &mut self,
        ledger: &mut Ledger,
        env: &Env,
        sender: Address,
        avs: Address,
        operator_set: Option<OperatorSet>,
        submissions: &[OperatorDirectedRewardsSubmission],
        events: &mut Events,
    ) -> Result<()> {
        let function = if operator_set.is_some() {
            "create_operator_directed_operator_set_rewards_submission"
        } else {
            "create_operator_directed_avs_rewards_submission"
        };
        self.check_can_call(avs, sender, function)?;
        if let Some(set) = operator_set
            && !self.operator_sets.contains_key(&set)
        {
            return Err(EigenLayerError::InvalidOperatorSet(set));
        }
        let mut spent: BTreeMap<Address, U256> = BTreeMap::new();
        for submission in submissions {
            let total = self.validate_operator_directed(env, submission)?;
            let needed = spent.entry(submission.token).or_default();
            *needed = math::add(*needed, total)?;
            ledger.check_transfer(submission.token, sender, *needed)?;
        }
        for submission in submissions {
            // The fee is taken per operator, from each operator's amount.
            let mut net = submission.clone();
            let mut total = U256::ZERO;
            let mut fees = U256::ZERO;
            for reward in &mut net.operator_rewards {
                total += reward.amount;
                let fee = self.protocol_fee(sender, reward.amount)?;
                fees += fee;
                reward.amount -= fee;
            }
            self.escrow(ledger, env, sender, submission.token, total, fees)?;
            let nonce = self.rewards_nonce(avs);
            let hash = operator_directed_hash(avs, nonce, &net);
            self.rewards.submission_hashes.insert((avs, hash));
            let kind = match operator_set {
                Some(set) => {
                    events.push(Ev::OperatorDirectedOperatorSetRewardsSubmissionCreated {
                        caller: sender,
                        operator_directed_rewards_submission_hash: hash,
                        operator_set: set,
                        submission_nonce: nonce,
                        operator_directed_rewards_submission: Box::new(net.clone()),
                    });
                    SubmissionKind::OperatorDirectedOperatorSet { operator_set: set }
                }
                None => {
                    events.push(Ev::OperatorDirectedAvsRewardsSubmissionCreated {
                        caller: sender,
                        avs,
                        operator_directed_rewards_submission_hash: hash,
                        submission_nonce: nonce,
                        operator_directed_rewards_submission: Box::new(net.clone()),
                    });
                    SubmissionKind::OperatorDirectedAvs
                }
            };
            let start = u64::from(net.start_timestamp);
            self.record_live(LiveSubmission {
                kind,
                avs,
                hash,
                strategies_and_multipliers: net.strategies_and_multipliers,
                token: net.token,
                amount: U256::ZERO,
                operator_rewards: net.operator_rewards,
                start_timestamp: start,
                duration: u64::from(net.duration),
                next_snapshot: start + SNAPSHOT_CADENCE,
            });
        }
        Ok(())
    }

    /// `submitRoot(root, rewardsCalculationEndTimestamp)` (the rewards updater).
    pub(super) fn submit_root(
        &mut self,
        env: &Env,
        sender: Address,
        root: B256,
        calculation_end: u64,
        events: &mut Events,
    ) -> Result<()> {
        if sender != self.rewards.rewards_updater.unwrap_or(env.admin) {
            return Err(EigenLayerError::UnauthorizedCaller);
        }
        if calculation_end <= self.rewards.curr_rewards_calculation_end_timestamp {
            return Err(EigenLayerError::NewRootMustBeForNewCalculatedPeriod);
        }
        if calculation_end >= env.timestamp {
            return Err(EigenLayerError::RewardsEndTimestampNotElapsed);
        }
        let activated_at = env.timestamp + self.rewards.params.activation_delay;
        let root_index = u32::try_from(self.rewards.distribution_roots.len()).expect("few roots");
        self.rewards.distribution_roots.push(DistributionRoot {
            root,
            rewards_calculation_end_timestamp: calculation_end,
            activated_at,
            disabled: false,
        });
        self.rewards.curr_rewards_calculation_end_timestamp = calculation_end;
        events.push(Ev::DistributionRootSubmitted {
            root_index,
            root,
            rewards_calculation_end_timestamp: calculation_end,
            activated_at,
        });
        Ok(())
    }

    /// `disableRoot(rootIndex)` (the rewards updater, before activation).
    pub(super) fn disable_root(
        &mut self,
        env: &Env,
        sender: Address,
        root_index: u32,
        events: &mut Events,
    ) -> Result<()> {
        if sender != self.rewards.rewards_updater.unwrap_or(env.admin) {
            return Err(EigenLayerError::UnauthorizedCaller);
        }
        let root = self
            .rewards
            .distribution_roots
            .get_mut(root_index as usize)
            .ok_or(EigenLayerError::InvalidRootIndex)?;
        if root.disabled {
            return Err(EigenLayerError::RootDisabled);
        }
        if env.timestamp >= root.activated_at {
            return Err(EigenLayerError::RootAlreadyActivated);
        }
        root.disabled = true;
        events.push(Ev::DistributionRootDisabled { root_index });
        Ok(())
    }

    /// `processClaims(claims, recipient)`: every claim checked and paid, or none.
    pub(super) fn process_claims(
        &mut self,
        ledger: &mut Ledger,
        env: &Env,
        sender: Address,
        claims: &[RewardsMerkleClaim],
        recipient: Address,
        events: &mut Events,
    ) -> Result<()> {
        // Claims in one batch may repeat an (earner, token): check on a scratch copy of the
        // claimed amounts, then pay.
        let mut claimed = BTreeMap::new();
        let mut payouts = Vec::new();
        for claim in claims {
            self.check_claim(env, sender, claim, recipient, &mut claimed, &mut payouts)?;
        }
        let mut owed: BTreeMap<Address, U256> = BTreeMap::new();
        for payout in &payouts {
            if let Ev::RewardsClaimed { token, claimed_amount, .. } = payout {
                *owed.entry(*token).or_default() += *claimed_amount;
            }
        }
        for (&token, &amount) in &owed {
            ledger.check_transfer(token, coordinator_address(), amount)?;
        }
        for payout in payouts {
            if let Ev::RewardsClaimed { token, claimed_amount, recipient, .. } = &payout {
                ledger
                    .transfer(*token, coordinator_address(), *recipient, *claimed_amount)
                    .expect("checked above");
            }
            events.push(payout);
        }
        for (key, amount) in claimed {
            self.rewards.cumulative_claimed.insert(key, amount);
        }
        Ok(())
    }

    /// `_processClaim`'s checks, in the contract's order.
    fn check_claim(
        &self,
        env: &Env,
        sender: Address,
        claim: &RewardsMerkleClaim,
        recipient: Address,
        claimed: &mut BTreeMap<(Address, Address), U256>,
        payouts: &mut Vec<Ev>,
    ) -> Result<()> {
        // `_distributionRoots[claim.rootIndex]` out of range panics (0x32).
        let root = self
            .rewards
            .distribution_roots
            .get(claim.root_index as usize)
            .ok_or(EigenLayerError::ArrayIndexOutOfBounds(claim.root_index as usize))?;
        if root.disabled {
            return Err(EigenLayerError::RootDisabled);
        }
        if env.timestamp < root.activated_at {
            return Err(EigenLayerError::RootNotActivated);
        }
        if claim.token_indices.len() != claim.token_tree_proofs.len() {
            return Err(EigenLayerError::InputArrayLengthMismatch(
                claim.token_indices.len(),
                claim.token_tree_proofs.len(),
            ));
        }
        if claim.token_tree_proofs.len() != claim.token_leaves.len() {
            return Err(EigenLayerError::InputArrayLengthMismatch(
                claim.token_tree_proofs.len(),
                claim.token_leaves.len(),
            ));
        }
        let earner = claim.earner_leaf.earner;
        if !index_fits(claim.earner_index, claim.earner_tree_proof.len()) {
            return Err(EigenLayerError::InvalidEarnerLeafIndex);
        }
        let earner_leaf = merkle::earner_leaf_hash(earner, claim.earner_leaf.earner_token_root);
        verified(merkle::verify_inclusion(
            &claim.earner_tree_proof,
            root.root,
            earner_leaf,
            u64::from(claim.earner_index),
        ))?;
        for ((&index, proof), leaf) in
            claim.token_indices.iter().zip(&claim.token_tree_proofs).zip(&claim.token_leaves)
        {
            if !index_fits(index, proof.len()) {
                return Err(EigenLayerError::InvalidTokenLeafIndex);
            }
            let hash = merkle::token_leaf_hash(leaf.token, leaf.cumulative_earnings);
            verified(merkle::verify_inclusion(
                proof,
                claim.earner_leaf.earner_token_root,
                hash,
                u64::from(index),
            ))?;
        }
        let claimer = self.rewards.claimer_for.get(&earner).copied().unwrap_or(earner);
        if sender != claimer {
            return Err(EigenLayerError::UnauthorizedCaller);
        }
        for leaf in &claim.token_leaves {
            let key = (earner, leaf.token);
            let before = claimed.get(&key).copied().unwrap_or_else(|| {
                self.rewards.cumulative_claimed.get(&key).copied().unwrap_or_default()
            });
            if leaf.cumulative_earnings <= before {
                return Err(EigenLayerError::EarningsNotGreaterThanClaimed);
            }
            claimed.insert(key, leaf.cumulative_earnings);
            payouts.push(Ev::RewardsClaimed {
                root: root.root,
                earner,
                claimer,
                recipient,
                token: leaf.token,
                claimed_amount: leaf.cumulative_earnings - before,
            });
        }
        Ok(())
    }

    /// `setClaimerFor(claimer)` for the sender, or `setClaimerFor(earner, claimer)` by an
    /// operator's or AVS's admin.
    pub(super) fn set_claimer_for(
        &mut self,
        sender: Address,
        earner: Option<Address>,
        claimer: Address,
        events: &mut Events,
    ) -> Result<()> {
        let earner = match earner {
            None => sender,
            Some(earner) => {
                self.check_can_call(earner, sender, "set_claimer_for")?;
                let has_sets = self.operator_sets.keys().any(|set| set.avs == earner);
                if !self.is_operator(earner) && !has_sets {
                    return Err(EigenLayerError::InvalidEarner);
                }
                earner
            }
        };
        let old_claimer = self.rewards.claimer_for.get(&earner).copied().unwrap_or_default();
        if claimer == Address::ZERO {
            self.rewards.claimer_for.remove(&earner);
        } else {
            self.rewards.claimer_for.insert(earner, claimer);
        }
        events.push(Ev::ClaimerForSet { earner, old_claimer, claimer });
        Ok(())
    }

    /// `_setOperatorSplit`; returns `(activatedAt, old effective split)`.
    fn updated_split(
        &self,
        env: &Env,
        current: Option<&OperatorSplit>,
        split: u16,
    ) -> Result<(OperatorSplit, u16)> {
        if u64::from(split) > ONE_HUNDRED_IN_BIPS {
            return Err(EigenLayerError::SplitExceedsMax);
        }
        if let Some(current) = current
            && env.timestamp <= current.activated_at
        {
            return Err(EigenLayerError::PreviousSplitPending);
        }
        let default = self.rewards.default_operator_split_bips;
        let shown_old = OperatorSplit::effective(current, env.timestamp, default);
        let old_split_bips = match current {
            None => SPLIT_NEVER_SET,
            Some(current) => current.new_split_bips,
        };
        let activated_at = env.timestamp + self.rewards.params.activation_delay;
        Ok((OperatorSplit { old_split_bips, new_split_bips: split, activated_at }, shown_old))
    }

    /// `setOperatorAVSSplit`, `setOperatorSetSplit` and `setOperatorPISplit`.
    pub(super) fn set_operator_split(
        &mut self,
        env: &Env,
        sender: Address,
        operator: Address,
        target: SplitTarget,
        split: u16,
        events: &mut Events,
    ) -> Result<()> {
        let function = match target {
            SplitTarget::Avs(_) => "set_operator_avs_split",
            SplitTarget::OperatorSet(_) => "set_operator_set_split",
            SplitTarget::ProgrammaticIncentives => "set_operator_pi_split",
        };
        self.check_can_call(operator, sender, function)?;
        if let SplitTarget::OperatorSet(set) = target
            && !self.operator_sets.contains_key(&set)
        {
            return Err(EigenLayerError::InvalidOperatorSet(set));
        }
        let current = match target {
            SplitTarget::Avs(avs) => self.rewards.operator_avs_splits.get(&(operator, avs)),
            SplitTarget::OperatorSet(set) => self.rewards.operator_set_splits.get(&(operator, set)),
            SplitTarget::ProgrammaticIncentives => self.rewards.operator_pi_splits.get(&operator),
        };
        let (updated, old) = self.updated_split(env, current, split)?;
        let activated_at = updated.activated_at;
        match target {
            SplitTarget::Avs(avs) => {
                self.rewards.operator_avs_splits.insert((operator, avs), updated);
                events.push(Ev::OperatorAvsSplitBipsSet {
                    caller: sender,
                    operator,
                    avs,
                    activated_at,
                    old_operator_avs_split_bips: old,
                    new_operator_avs_split_bips: split,
                });
            }
            SplitTarget::OperatorSet(set) => {
                self.rewards.operator_set_splits.insert((operator, set), updated);
                events.push(Ev::OperatorSetSplitBipsSet {
                    caller: sender,
                    operator,
                    operator_set: set,
                    activated_at,
                    old_operator_set_split_bips: old,
                    new_operator_set_split_bips: split,
                });
            }
            SplitTarget::ProgrammaticIncentives => {
                self.rewards.operator_pi_splits.insert(operator, updated);
                events.push(Ev::OperatorPiSplitBipsSet {
                    caller: sender,
                    operator,
                    activated_at,
                    old_operator_pi_split_bips: old,
                    new_operator_pi_split_bips: split,
                });
            }
        }
        Ok(())
    }

    /// The owner's settings: default split, rewards updater, fee recipient.
    pub(super) fn set_rewards_setting(
        &mut self,
        env: &Env,
        sender: Address,
        setting: &RewardsSetting,
        events: &mut Events,
    ) -> Result<()> {
        if sender != env.admin {
            return Err(EigenLayerError::OnlyAdmin("RewardsCoordinator owner functions"));
        }
        match *setting {
            RewardsSetting::DefaultOperatorSplit(split) => {
                if u64::from(split) > ONE_HUNDRED_IN_BIPS {
                    return Err(EigenLayerError::SplitExceedsMax);
                }
                events.push(Ev::DefaultOperatorSplitBipsSet {
                    old_default_operator_split_bips: self.rewards.default_operator_split_bips,
                    new_default_operator_split_bips: split,
                });
                self.rewards.default_operator_split_bips = split;
            }
            RewardsSetting::RewardsUpdater(updater) => {
                events.push(Ev::RewardsUpdaterSet {
                    old_rewards_updater: self.rewards.rewards_updater.unwrap_or(env.admin),
                    new_rewards_updater: updater,
                });
                self.rewards.rewards_updater = Some(updater);
            }
            RewardsSetting::FeeRecipient(recipient) => {
                if recipient == Address::ZERO {
                    return Err(EigenLayerError::InvalidAddressZero);
                }
                events.push(Ev::FeeRecipientSet {
                    old_fee_recipient: self.fee_recipient(env),
                    new_fee_recipient: recipient,
                });
                self.rewards.fee_recipient = Some(recipient);
            }
        }
        Ok(())
    }

    /// `setOptInForProtocolFee(submitter, value)`.
    pub(super) fn set_opt_in_for_protocol_fee(
        &mut self,
        sender: Address,
        submitter: Address,
        value: bool,
        events: &mut Events,
    ) -> Result<()> {
        self.check_can_call(submitter, sender, "set_opt_in_for_protocol_fee")?;
        let old_value = if value {
            !self.rewards.opted_in_for_protocol_fee.insert(submitter)
        } else {
            self.rewards.opted_in_for_protocol_fee.remove(&submitter)
        };
        events.push(Ev::OptInForProtocolFeeSet { submitter, old_value, new_value: value });
        Ok(())
    }
}

/// Which split a setter changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitTarget {
    /// The split for one AVS (v1 and v2 rewards).
    Avs(Address),
    /// The split for one operator set (v2.1 and v2.2 rewards).
    OperatorSet(OperatorSet),
    /// The split of programmatic incentives.
    ProgrammaticIncentives,
}

/// A setting only the owner changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RewardsSetting {
    /// `setDefaultOperatorSplit`.
    DefaultOperatorSplit(u16),
    /// `setRewardsUpdater`.
    RewardsUpdater(Address),
    /// `setFeeRecipient`.
    FeeRecipient(Address),
}

/// `index < 1 << (proofLength / 32)` in uint256: from 256 levels up the shift is 0 and
/// nothing fits.
fn index_fits(index: u32, proof_length: usize) -> bool {
    let height = proof_length / 32;
    height < 256 && (height >= 32 || u64::from(index) < 1u64 << height)
}

fn verified(result: std::result::Result<bool, merkle::ProofError>) -> Result<()> {
    match result {
        Ok(true) => Ok(()),
        Ok(false) => Err(EigenLayerError::InvalidClaimProof),
        Err(merkle::ProofError::EmptyRoot) => Err(EigenLayerError::EmptyRoot),
        Err(merkle::ProofError::InvalidProofLength) => Err(EigenLayerError::InvalidProofLength),
        Err(merkle::ProofError::InvalidIndex) => Err(EigenLayerError::InvalidIndex),
    }
}

impl EigenLayer {
    /// `checkClaim`: whether the claim's proofs verify and its root is claimable (the claimer
    /// and amounts are checked only when claiming).
    pub(super) fn check_claim_view(&self, env: &Env, claim: &RewardsMerkleClaim) -> Result<bool> {
        let mut scratch = BTreeMap::new();
        let mut payouts = Vec::new();
        let claimer = self.rewards.claimer_for.get(&claim.earner_leaf.earner).copied();
        let sender = claimer.unwrap_or(claim.earner_leaf.earner);
        match self.check_claim(env, sender, claim, Address::ZERO, &mut scratch, &mut payouts) {
            Ok(()) | Err(EigenLayerError::EarningsNotGreaterThanClaimed) => Ok(true),
            Err(error) => Err(error),
        }
    }

    /// The claim `earner` would submit for `tokens` against root `root_index` (by default the
    /// newest claimable one).
    pub(super) fn claim_for(
        &self,
        env: &Env,
        earner: Address,
        tokens: &[Address],
        root_index: Option<u32>,
    ) -> Result<RewardsMerkleClaim> {
        let roots = &self.rewards.distribution_roots;
        let index = match root_index {
            Some(index) => index,
            None => {
                let index = self
                    .rewards
                    .current_claimable_root(env.timestamp)
                    .ok_or(EigenLayerError::RootNotActivated)?;
                u32::try_from(index).expect("few roots")
            }
        };
        let root = roots.get(index as usize).ok_or(EigenLayerError::InvalidRootIndex)?;
        let cumulative = self.rewards.cumulative_earnings(root.rewards_calculation_end_timestamp);
        Distribution::new(&cumulative)
            .and_then(|d| d.claim(index, earner, tokens, &self.rewards.cumulative_claimed))
            .ok_or(EigenLayerError::NothingToClaim(earner))
    }

    /// Per AVS and token: what the earner earned as operator, as staker, in refunds; and per
    /// token what it earned in all, what the newest claimable root covers and what it claimed.
    pub(super) fn explain_earnings(&self, env: &Env, earner: Address) -> serde_json::Value {
        use serde_json::json;
        let by_source: Vec<_> = self
            .rewards
            .breakdown
            .range(
                (earner, Address::ZERO, Address::ZERO)
                    ..=(earner, Address::repeat_byte(0xff), Address::repeat_byte(0xff)),
            )
            .map(|(&(_, avs, token), b)| {
                json!({
                    "avs": avs.to_checksum(None),
                    "token": token.to_checksum(None),
                    "as_operator": b.as_operator.to_string(),
                    "as_staker": b.as_staker.to_string(),
                    "refunded": b.refunded.to_string(),
                })
            })
            .collect();
        let earned = self.rewards.cumulative_earnings(u64::MAX);
        let claimable_end = self
            .rewards
            .current_claimable_root(env.timestamp)
            .map(|i| self.rewards.distribution_roots[i].rewards_calculation_end_timestamp);
        let in_root =
            claimable_end.map(|end| self.rewards.cumulative_earnings(end)).unwrap_or_default();
        let tokens: Vec<_> = earned
            .iter()
            .filter(|((e, _), _)| *e == earner)
            .map(|(&(_, token), &total)| {
                let claimable = in_root.get(&(earner, token)).copied().unwrap_or_default();
                let claimed = self
                    .rewards
                    .cumulative_claimed
                    .get(&(earner, token))
                    .copied()
                    .unwrap_or_default();
                json!({
                    "token": token.to_checksum(None),
                    "earned": total.to_string(),
                    "in_claimable_root": claimable.to_string(),
                    "claimed": claimed.to_string(),
                    "claimable_now": claimable.saturating_sub(claimed).to_string(),
                })
            })
            .collect();
        json!({ "by_source": by_source, "tokens": tokens })
    }
}

impl EigenLayer {
    /// Rewards invariants (for tests): per token, what the distribution paid never exceeds what
    /// was submitted, and the coordinator holds at least what was submitted minus what
    /// was claimed.
    pub fn check_rewards_invariants(&self, ledger: &Ledger) -> std::result::Result<(), String> {
        let mut claimed: BTreeMap<Address, U256> = BTreeMap::new();
        for (&(_, token), &amount) in &self.rewards.cumulative_claimed {
            *claimed.entry(token).or_default() += amount;
        }
        for (&token, &(submitted, distributed)) in &self.rewards.totals {
            if distributed > submitted {
                return Err(format!(
                    "{token}: {distributed} distributed but {submitted} submitted"
                ));
            }
            // At least: tokens sent to the coordinator directly only add to it.
            let paid = claimed.get(&token).copied().unwrap_or_default();
            let held = ledger.balance_of(token, coordinator_address());
            if held.saturating_add(paid) < submitted {
                return Err(format!(
                    "{token}: the coordinator holds {held} but {submitted} was submitted and {paid} claimed"
                ));
            }
        }
        Ok(())
    }
}
