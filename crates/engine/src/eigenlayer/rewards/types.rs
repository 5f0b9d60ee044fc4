//! The RewardsCoordinator's structs (`IRewardsCoordinatorTypes`), field names in snake_case,
//! and the ABI encodings their hashes use.

use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
use alloy_sol_types::{SolValue, sol};
use serde::{Deserialize, Serialize};

use crate::{eigenlayer::OperatorSet, serde_ext};

/// `StrategyAndMultiplier`: a strategy and its weight (a u96, 1e18 = 1×).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrategyAndMultiplier {
    /// The strategy.
    #[serde(with = "serde_ext::strategy")]
    pub strategy: Address,
    /// Its multiplier.
    #[serde(with = "serde_ext::amount")]
    pub multiplier: U256,
}

/// `RewardsSubmission`: `amount` of `token` over `[start_timestamp, start + duration)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RewardsSubmission {
    /// Strategies that earn, ascending by address, with their multipliers.
    pub strategies_and_multipliers: Vec<StrategyAndMultiplier>,
    /// The reward token.
    #[serde(with = "serde_ext::token")]
    pub token: Address,
    /// Tokens paid over the whole duration.
    #[serde(with = "serde_ext::amount")]
    pub amount: U256,
    /// A multiple of the calculation interval.
    #[serde(with = "serde_ext::int")]
    pub start_timestamp: u32,
    /// A multiple of the calculation interval.
    #[serde(with = "serde_ext::int")]
    pub duration: u32,
}

/// `OperatorReward`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorReward {
    /// The operator.
    #[serde(with = "serde_ext::account")]
    pub operator: Address,
    /// Tokens for the operator and its stakers over the whole duration.
    #[serde(with = "serde_ext::amount")]
    pub amount: U256,
}

/// `OperatorDirectedRewardsSubmission`: amounts chosen per operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorDirectedRewardsSubmission {
    /// Strategies that earn, with their multipliers.
    pub strategies_and_multipliers: Vec<StrategyAndMultiplier>,
    /// The reward token.
    #[serde(with = "serde_ext::token")]
    pub token: Address,
    /// Operators ascending by address, with their amounts.
    pub operator_rewards: Vec<OperatorReward>,
    /// A multiple of the calculation interval.
    #[serde(with = "serde_ext::int")]
    pub start_timestamp: u32,
    /// A multiple of the calculation interval.
    #[serde(with = "serde_ext::int")]
    pub duration: u32,
    /// What the rewards are for.
    #[serde(default)]
    pub description: String,
}

/// `EarnerTreeMerkleLeaf`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EarnerTreeMerkleLeaf {
    /// The earner.
    #[serde(with = "serde_ext::account")]
    pub earner: Address,
    /// The root of the earner's token tree.
    pub earner_token_root: B256,
}

/// `TokenTreeMerkleLeaf`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenTreeMerkleLeaf {
    /// The token.
    #[serde(with = "serde_ext::token")]
    pub token: Address,
    /// Everything the earner has earned in it, ever.
    #[serde(with = "serde_ext::amount")]
    pub cumulative_earnings: U256,
}

/// `RewardsMerkleClaim`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RewardsMerkleClaim {
    /// The distribution root claimed against.
    #[serde(with = "serde_ext::int")]
    pub root_index: u32,
    /// The earner leaf's index.
    #[serde(with = "serde_ext::int")]
    pub earner_index: u32,
    /// Sibling hashes from the earner leaf to the root.
    pub earner_tree_proof: Bytes,
    /// The earner leaf.
    pub earner_leaf: EarnerTreeMerkleLeaf,
    /// Each token leaf's index in the earner's token tree.
    #[serde(with = "serde_ext::ints")]
    pub token_indices: Vec<u32>,
    /// Sibling hashes from each token leaf to the earner's token root.
    pub token_tree_proofs: Vec<Bytes>,
    /// The token leaves.
    pub token_leaves: Vec<TokenTreeMerkleLeaf>,
}

/// `DistributionRoot`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistributionRoot {
    /// The root.
    pub root: B256,
    /// The last snapshot it covers.
    pub rewards_calculation_end_timestamp: u64,
    /// When claims against it open.
    pub activated_at: u64,
    /// Disabled by the rewards updater before activation.
    pub disabled: bool,
}

/// An operator's split (`OperatorSplit`), changed with a delay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorSplit {
    /// The split before the last change (`u16::MAX`: never set, the default applies).
    pub old_split_bips: u16,
    /// The split after it.
    pub new_split_bips: u16,
    /// When `new_split_bips` takes effect.
    pub activated_at: u64,
}

/// The sentinel `_setOperatorSplit` stores as the old value of a split never set before.
pub const SPLIT_NEVER_SET: u16 = u16::MAX;

impl OperatorSplit {
    /// `_getOperatorSplit` at `now`, `default` standing for the default split.
    pub fn effective(split: Option<&Self>, now: u64, default: u16) -> u16 {
        match split {
            None => default,
            Some(s) if s.old_split_bips == SPLIT_NEVER_SET && now < s.activated_at => default,
            Some(s) if now >= s.activated_at => s.new_split_bips,
            Some(s) => s.old_split_bips,
        }
    }
}

sol! {
    struct StrategyAndMultiplierAbi { address strategy; uint96 multiplier; }
    struct RewardsSubmissionAbi {
        StrategyAndMultiplierAbi[] strategiesAndMultipliers;
        address token;
        uint256 amount;
        uint32 startTimestamp;
        uint32 duration;
    }
    struct OperatorRewardAbi { address operator; uint256 amount; }
    struct OperatorDirectedRewardsSubmissionAbi {
        StrategyAndMultiplierAbi[] strategiesAndMultipliers;
        address token;
        OperatorRewardAbi[] operatorRewards;
        uint32 startTimestamp;
        uint32 duration;
        string description;
    }
}

fn multipliers_abi(list: &[StrategyAndMultiplier]) -> Vec<StrategyAndMultiplierAbi> {
    list.iter()
        .map(|s| StrategyAndMultiplierAbi {
            strategy: s.strategy,
            multiplier: alloy_primitives::Uint::<96, 2>::saturating_from(s.multiplier),
        })
        .collect()
}

/// `keccak256(abi.encode(avs, nonce, submission))`.
pub fn submission_hash(avs: Address, nonce: u64, submission: &RewardsSubmission) -> B256 {
    let abi = RewardsSubmissionAbi {
        strategiesAndMultipliers: multipliers_abi(&submission.strategies_and_multipliers),
        token: submission.token,
        amount: submission.amount,
        startTimestamp: submission.start_timestamp,
        duration: submission.duration,
    };
    keccak256((avs, U256::from(nonce), abi).abi_encode_params())
}

/// `keccak256(abi.encode(avs, nonce, operatorDirectedSubmission))`.
pub fn operator_directed_hash(
    avs: Address,
    nonce: u64,
    submission: &OperatorDirectedRewardsSubmission,
) -> B256 {
    let abi = OperatorDirectedRewardsSubmissionAbi {
        strategiesAndMultipliers: multipliers_abi(&submission.strategies_and_multipliers),
        token: submission.token,
        operatorRewards: submission
            .operator_rewards
            .iter()
            .map(|r| OperatorRewardAbi { operator: r.operator, amount: r.amount })
            .collect(),
        startTimestamp: submission.start_timestamp,
        duration: submission.duration,
        description: submission.description.clone(),
    };
    keccak256((avs, U256::from(nonce), abi).abi_encode_params())
}

/// What a submission pays for, and to whom (for the distribution).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SubmissionKind {
    /// `createAVSRewardsSubmission`: stake-weighted over the AVS's operators.
    Avs,
    /// `createOperatorDirectedAVSRewardsSubmission`.
    OperatorDirectedAvs,
    /// `createOperatorDirectedOperatorSetRewardsSubmission`.
    OperatorDirectedOperatorSet {
        /// The set.
        operator_set: OperatorSet,
    },
    /// `createUniqueStakeRewardsSubmission`: weighted by allocated (slashable) stake.
    UniqueStake {
        /// The set.
        operator_set: OperatorSet,
    },
    /// `createTotalStakeRewardsSubmission`: weighted by delegated stake.
    TotalStake {
        /// The set.
        operator_set: OperatorSet,
    },
}
