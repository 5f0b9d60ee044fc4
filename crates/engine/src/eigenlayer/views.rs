//! EigenLayer's view functions, named as in the contracts.
//!
//! A view with one return value gives that value; a view with named returns gives an object of
//! them (`get_withdrawable_shares` → `{withdrawable_shares, deposit_shares}`). Amounts and
//! magnitudes are decimal strings, addresses EIP-55 hex.

use alloy_primitives::{Address, B256, U256};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{
    EigenLayer, EigenLayerError, Env, Result,
    delegation::{ordered_positions, withdrawal_root},
    state::{Allocation, OperatorSet, Withdrawal},
    strategies::{shares_for_deposit, underlying_for_shares},
    withdrawable_shares,
};
use crate::{
    accounts::BEACON_CHAIN_ETH_STRATEGY,
    ledger::Ledger,
    math::{self, WAD_U64},
    serde_ext,
};

/// A call to one of EigenLayer's view functions.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::VariantNames,
)]
#[serde(tag = "function", content = "args", rename_all = "snake_case", deny_unknown_fields)]
#[strum(serialize_all = "snake_case")]
#[allow(missing_docs)] // each variant mirrors the contract's view of the same name
pub enum EigenLayerView {
    GetWithdrawableShares(StakerStrategies),
    GetDepositedShares(Staker),
    DepositScalingFactor(StakerStrategy),
    OperatorShares(OperatorStrategy),
    GetOperatorShares(OperatorStrategies),
    DelegatedTo(Staker),
    IsDelegated(Staker),
    IsOperator(Operator),
    DelegationApprover(Operator),
    GetMaxMagnitude(OperatorStrategy),
    GetMaxMagnitudes(OperatorStrategies),
    GetMaxMagnitudesAtBlock(OperatorStrategiesAtBlock),
    GetEncumberedMagnitude(OperatorStrategy),
    GetAllocatableMagnitude(OperatorStrategy),
    GetAllocation(OperatorSetStrategy),
    GetStrategyAllocations(OperatorStrategy),
    GetAllocatedSets(Operator),
    GetAllocatedStrategies(OperatorInSet),
    GetAllocationDelay(Operator),
    GetMinimumSlashableStake(MinimumSlashableStake),
    GetAllocatedStake(AllocatedStake),
    GetSlashableSharesInQueue(OperatorStrategy),
    GetQueuedWithdrawals(Staker),
    GetQueuedWithdrawal(WithdrawalRoot),
    GetQueuedWithdrawalRoots(Staker),
    CumulativeWithdrawalsQueued(Staker),
    CalculateWithdrawalRoot(WithdrawalArg),
    CalculateDelegationApprovalDigestHash(DelegationApprovalDigest),
    MinWithdrawalDelayBlocks(NoArgs),
    IsOperatorSlashable(OperatorInSet),
    IsMemberOfOperatorSet(OperatorInSet),
    IsOperatorSet(OperatorSetArg),
    GetMembers(OperatorSetArg),
    GetMemberCount(OperatorSetArg),
    GetRegisteredSets(Operator),
    GetStrategiesInOperatorSet(OperatorSetArg),
    GetSlasher(OperatorSetArg),
    GetRedistributionRecipient(OperatorSetArg),
    IsRedistributingOperatorSet(OperatorSetArg),
    GetSlashCount(OperatorSetArg),
    GetBurnOrRedistributableShares(SlashRef),
    GetBurnOrRedistributableCount(SlashRef),
    GetPendingOperatorSets(NoArgs),
    GetPendingSlashIds(OperatorSetArg),
    TotalShares(StrategyArg),
    SharesToUnderlyingView(SharesOfStrategy),
    UnderlyingToSharesView(UnderlyingOfStrategy),
    StrategyIsWhitelistedForDeposit(StrategyArg),
    CanCall(CanCall),
    GetPod(PodOwner),
    HasPod(PodOwner),
    /// The whole pod: validators, checkpoint, restaked execution-layer gwei.
    EigenPod(PodOwner),
    WithdrawableRestakedExecutionLayerGwei(PodOwner),
    ValidatorStatus(PodValidator),
    BeaconChainSlashingFactor(PodOwner),
    /// The RewardsCoordinator's address (it escrows submitted rewards).
    RewardsCoordinator(NoArgs),
    GetDistributionRootsLength(NoArgs),
    GetDistributionRootAtIndex(RootIndex),
    GetCurrentDistributionRoot(NoArgs),
    GetCurrentClaimableDistributionRoot(NoArgs),
    GetRootIndexFromHash(RootHash),
    CumulativeClaimed(EarnerToken),
    ClaimerFor(Earner),
    #[serde(rename = "get_operator_avs_split")]
    GetOperatorAvsSplit(OperatorAvs),
    GetOperatorSetSplit(OperatorInSet),
    #[serde(rename = "get_operator_pi_split")]
    GetOperatorPiSplit(Operator),
    DefaultOperatorSplitBips(NoArgs),
    SubmissionNonce(Avs),
    IsOptedInForProtocolFee(Submitter),
    CalculateEarnerLeafHash(EarnerLeafArg),
    CalculateTokenLeafHash(TokenLeafArg),
    CheckClaim(ClaimArg),
    /// Rampart's Sidecar: the root of cumulative earnings up to a snapshot.
    CalculateDistributionRoot(CalculationEnd),
    /// Rampart's Sidecar: a claim with its proofs against a posted root (by default the
    /// newest claimable one).
    GetClaim(ClaimRequest),
    /// Where an earner's rewards came from, per AVS and token, and what it has claimed.
    ExplainEarnings(Earner),
}

macro_rules! view_args {
    ($($(#[$doc:meta])* $name:ident { $($(#[$fattr:meta])* $field:ident : $ty:ty),* $(,)? })*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(missing_docs)]
        pub struct $name { $($(#[$fattr])* pub $field: $ty),* }
    )*};
}

view_args! {
    /// No arguments.
    NoArgs {}
    /// A staker.
    Staker { #[serde(with = "serde_ext::account")] staker: Address }
    /// An operator.
    Operator { #[serde(with = "serde_ext::account")] operator: Address }
    /// A staker and strategies.
    StakerStrategies {
        #[serde(with = "serde_ext::account")] staker: Address,
        #[serde(with = "serde_ext::strategies")] strategies: Vec<Address>,
    }
    /// A staker and a strategy.
    StakerStrategy {
        #[serde(with = "serde_ext::account")] staker: Address,
        #[serde(with = "serde_ext::strategy")] strategy: Address,
    }
    /// An operator and a strategy.
    OperatorStrategy {
        #[serde(with = "serde_ext::account")] operator: Address,
        #[serde(with = "serde_ext::strategy")] strategy: Address,
    }
    /// An operator and strategies.
    OperatorStrategies {
        #[serde(with = "serde_ext::account")] operator: Address,
        #[serde(with = "serde_ext::strategies")] strategies: Vec<Address>,
    }
    /// An operator, strategies and a block.
    OperatorStrategiesAtBlock {
        #[serde(with = "serde_ext::account")] operator: Address,
        #[serde(with = "serde_ext::strategies")] strategies: Vec<Address>,
        #[serde(with = "serde_ext::int")] block_number: u64,
    }
    /// An operator, a set and a strategy.
    OperatorSetStrategy {
        #[serde(with = "serde_ext::account")] operator: Address,
        operator_set: OperatorSet,
        #[serde(with = "serde_ext::strategy")] strategy: Address,
    }
    /// `getMinimumSlashableStake(operatorSet, operators, strategies, futureBlock)`.
    MinimumSlashableStake {
        operator_set: OperatorSet,
        #[serde(with = "serde_ext::accounts")] operators: Vec<Address>,
        #[serde(with = "serde_ext::strategies")] strategies: Vec<Address>,
        #[serde(with = "serde_ext::int")] future_block: u64,
    }
    /// `getAllocatedStake(operatorSet, operators, strategies)`.
    AllocatedStake {
        operator_set: OperatorSet,
        #[serde(with = "serde_ext::accounts")] operators: Vec<Address>,
        #[serde(with = "serde_ext::strategies")] strategies: Vec<Address>,
    }
    /// A withdrawal root.
    WithdrawalRoot { withdrawal_root: B256 }
    /// A withdrawal.
    WithdrawalArg { withdrawal: Withdrawal }
    /// The inputs of a delegation approval digest.
    DelegationApprovalDigest {
        #[serde(with = "serde_ext::account")] staker: Address,
        #[serde(with = "serde_ext::account")] operator: Address,
        #[serde(with = "serde_ext::account")] approver: Address,
        approver_salt: B256,
        #[serde(with = "serde_ext::int")] expiry: u64,
    }
    /// An operator and a set.
    OperatorInSet {
        #[serde(with = "serde_ext::account")] operator: Address,
        operator_set: OperatorSet,
    }
    /// A set.
    OperatorSetArg { operator_set: OperatorSet }
    /// A slash of a set.
    SlashRef { operator_set: OperatorSet, #[serde(with = "serde_ext::int")] slash_id: u64 }
    /// A strategy.
    StrategyArg { #[serde(with = "serde_ext::strategy")] strategy: Address }
    /// Shares of a strategy.
    SharesOfStrategy {
        #[serde(with = "serde_ext::strategy")] strategy: Address,
        #[serde(with = "serde_ext::amount")] amount_shares: U256,
    }
    /// Tokens of a strategy.
    UnderlyingOfStrategy {
        #[serde(with = "serde_ext::strategy")] strategy: Address,
        #[serde(with = "serde_ext::amount")] amount_underlying: U256,
    }
    /// A pod owner.
    PodOwner { #[serde(with = "serde_ext::account")] pod_owner: Address }
    /// A validator of a pod, by key.
    PodValidator {
        #[serde(with = "serde_ext::account")] pod_owner: Address,
        #[serde(with = "crate::beacon::calls::validator_key")] pubkey: B256,
    }
    /// A root index.
    RootIndex { #[serde(with = "serde_ext::int")] index: u32 }
    /// A root hash.
    RootHash { root_hash: B256 }
    /// An earner and a token.
    EarnerToken {
        #[serde(with = "serde_ext::account")] earner: Address,
        #[serde(with = "serde_ext::token")] token: Address,
    }
    /// An earner.
    Earner { #[serde(with = "serde_ext::account")] earner: Address }
    /// An operator and an AVS.
    OperatorAvs {
        #[serde(with = "serde_ext::account")] operator: Address,
        #[serde(with = "serde_ext::account")] avs: Address,
    }
    /// An AVS.
    Avs { #[serde(with = "serde_ext::account")] avs: Address }
    /// A submitter.
    Submitter { #[serde(with = "serde_ext::account")] submitter: Address }
    /// An earner leaf.
    EarnerLeafArg { leaf: super::rewards::EarnerTreeMerkleLeaf }
    /// A token leaf.
    TokenLeafArg { leaf: super::rewards::TokenTreeMerkleLeaf }
    /// A claim.
    ClaimArg { claim: super::rewards::RewardsMerkleClaim }
    /// A calculation end timestamp.
    CalculationEnd { #[serde(with = "serde_ext::int")] rewards_calculation_end_timestamp: u64 }
    /// An earner's claim: its tokens (all if absent) against a root (the newest if absent).
    ClaimRequest {
        #[serde(with = "serde_ext::account")] earner: Address,
        #[serde(with = "serde_ext::tokens", default)] tokens: Vec<Address>,
        #[serde(default)] root_index: Option<u32>,
    }
    /// `PermissionController.canCall`, with the function named.
    CanCall {
        #[serde(with = "serde_ext::account")] account: Address,
        #[serde(with = "serde_ext::account")] caller: Address,
        function: String,
    }
}

fn amounts(values: impl IntoIterator<Item = U256>) -> Value {
    Value::Array(values.into_iter().map(|v| Value::String(v.to_string())).collect())
}

fn address(value: Address) -> Value {
    Value::String(value.to_checksum(None))
}

fn addresses(values: impl IntoIterator<Item = Address>) -> Value {
    Value::Array(values.into_iter().map(address).collect())
}

fn allocation_json(allocation: Allocation) -> Value {
    json!({
        "current_magnitude": allocation.current_magnitude.to_string(),
        "pending_diff": allocation.pending_diff.to_string(),
        "effect_block": allocation.effect_block,
    })
}

impl EigenLayer {
    /// Answers a view call.
    pub fn view(&self, ledger: &Ledger, env: &Env, view: &EigenLayerView) -> Result<Value> {
        use EigenLayerView as V;
        let now = env.block;
        Ok(match view {
            V::GetWithdrawableShares(a) => {
                let (withdrawable, deposit) =
                    self.get_withdrawable_shares(a.staker, &a.strategies)?;
                json!({ "withdrawable_shares": amounts(withdrawable), "deposit_shares": amounts(deposit) })
            }
            V::GetDepositedShares(a) => {
                let (strategies, shares): (Vec<Address>, Vec<U256>) = self
                    .stakers
                    .get(&a.staker)
                    .map(|r| ordered_positions(r).map(|p| (p.strategy, p.deposit_shares)).unzip())
                    .unwrap_or_default();
                json!({ "strategies": addresses(strategies), "shares": amounts(shares) })
            }
            V::DepositScalingFactor(a) => {
                let stored = self
                    .stakers
                    .get(&a.staker)
                    .map_or(U256::ZERO, |r| r.stored_scaling_factor(a.strategy));
                Value::String(super::scaling_factor(stored).to_string())
            }
            V::OperatorShares(a) => {
                Value::String(self.operator_shares(a.operator, a.strategy).to_string())
            }
            V::GetOperatorShares(a) => {
                amounts(a.strategies.iter().map(|s| self.operator_shares(a.operator, *s)))
            }
            V::DelegatedTo(a) => address(self.delegated_to(a.staker).unwrap_or_default()),
            V::IsDelegated(a) => Value::Bool(self.delegated_to(a.staker).is_some()),
            V::IsOperator(a) => Value::Bool(self.is_operator(a.operator)),
            V::DelegationApprover(a) => address(
                self.operators.get(&a.operator).map(|o| o.delegation_approver).unwrap_or_default(),
            ),
            V::GetMaxMagnitude(a) => {
                Value::String(self.operator_max_magnitude(Some(a.operator), a.strategy).to_string())
            }
            V::GetMaxMagnitudes(a) => amounts(
                a.strategies
                    .iter()
                    .map(|s| U256::from(self.operator_max_magnitude(Some(a.operator), *s))),
            ),
            V::GetMaxMagnitudesAtBlock(a) => amounts(a.strategies.iter().map(|s| {
                let history = self.operators.get(&a.operator).and_then(|o| o.strategies.get(s));
                U256::from(history.map_or(WAD_U64, |h| {
                    h.max_magnitude_history.upper_lookup(a.block_number, WAD_U64)
                }))
            })),
            V::GetEncumberedMagnitude(a) => Value::String(
                self.get_encumbered_magnitude(now, a.operator, a.strategy).to_string(),
            ),
            V::GetAllocatableMagnitude(a) => {
                let max = self.operator_max_magnitude(Some(a.operator), a.strategy);
                let encumbered = self.get_encumbered_magnitude(now, a.operator, a.strategy);
                Value::String((max - encumbered).to_string())
            }
            V::GetAllocation(a) => {
                allocation_json(self.get_allocation(now, a.operator, a.operator_set, a.strategy))
            }
            V::GetStrategyAllocations(a) => {
                // Every set in `allocatedSets`, in storage order, with its allocation of this
                // strategy (zero where the set holds only other strategies).
                let sets = self.operators.get(&a.operator).map(|r| r.allocated_sets.values());
                let (sets, allocations): (Vec<Value>, Vec<Value>) = sets
                    .unwrap_or_default()
                    .iter()
                    .map(|&set| {
                        let allocation = self.get_allocation(now, a.operator, set, a.strategy);
                        (json!(set), allocation_json(allocation))
                    })
                    .unzip();
                json!({ "operator_sets": sets, "allocations": allocations })
            }
            V::GetAllocatedSets(a) => json!(
                self.operators.get(&a.operator).map(|r| r.allocated_sets.values()).unwrap_or(&[])
            ),
            V::GetAllocatedStrategies(a) => addresses(
                self.operators
                    .get(&a.operator)
                    .and_then(|r| r.allocated_strategies.get(&a.operator_set))
                    .map(|strategies| strategies.values().to_vec())
                    .unwrap_or_default(),
            ),
            V::GetAllocationDelay(a) => {
                let (is_set, delay) = self
                    .operators
                    .get(&a.operator)
                    .map_or((false, 0), |o| o.allocation_delay.effective(now));
                json!({ "is_set": is_set, "delay": delay })
            }
            V::GetMinimumSlashableStake(a) => self.slashable_stake(
                now,
                a.operator_set,
                &a.operators,
                &a.strategies,
                a.future_block,
                true,
            )?,
            V::GetAllocatedStake(a) => {
                self.slashable_stake(now, a.operator_set, &a.operators, &a.strategies, now, false)?
            }
            V::GetSlashableSharesInQueue(a) => Value::String(
                self.get_slashable_shares_in_queue(now, a.operator, a.strategy)?.to_string(),
            ),
            V::GetQueuedWithdrawals(a) => {
                let roots = self
                    .stakers
                    .get(&a.staker)
                    .map(|r| r.queued_withdrawals.clone())
                    .unwrap_or_default();
                let mut withdrawals = Vec::new();
                let mut shares = Vec::new();
                for root in roots {
                    let (withdrawal, amounts_out) = self.shares_by_withdrawal_root(now, root)?;
                    withdrawals.push(json!(withdrawal));
                    shares.push(amounts(amounts_out));
                }
                json!({ "withdrawals": withdrawals, "shares": shares })
            }
            V::GetQueuedWithdrawal(a) => {
                let (withdrawal, shares) =
                    self.shares_by_withdrawal_root(now, a.withdrawal_root)?;
                json!({ "withdrawal": withdrawal, "shares": amounts(shares) })
            }
            V::GetQueuedWithdrawalRoots(a) => json!(
                self.stakers
                    .get(&a.staker)
                    .map(|r| r.queued_withdrawals.clone())
                    .unwrap_or_default()
            ),
            V::CumulativeWithdrawalsQueued(a) => Value::String(
                self.stakers.get(&a.staker).map_or(0, |r| r.withdrawal_nonce).to_string(),
            ),
            V::CalculateWithdrawalRoot(a) => json!(withdrawal_root(&a.withdrawal)),
            V::CalculateDelegationApprovalDigestHash(a) => {
                json!(self.delegation_approval_digest_hash(
                    a.staker,
                    a.operator,
                    a.approver,
                    a.approver_salt,
                    a.expiry
                ))
            }
            V::MinWithdrawalDelayBlocks(_) => json!(self.params.min_withdrawal_delay_blocks),
            V::IsOperatorSlashable(a) => Value::Bool(
                self.operators
                    .get(&a.operator)
                    .is_some_and(|o| o.is_slashable_by(a.operator_set, now)),
            ),
            V::IsMemberOfOperatorSet(a) => {
                Value::Bool(self.set(a.operator_set)?.members.contains(&a.operator))
            }
            V::IsOperatorSet(a) => Value::Bool(self.operator_sets.contains_key(&a.operator_set)),
            V::GetMembers(a) => addresses(self.set(a.operator_set)?.members.iter().copied()),
            V::GetMemberCount(a) => json!(self.set(a.operator_set)?.members.len()),
            V::GetRegisteredSets(a) => json!(
                self.operators.get(&a.operator).map(|o| o.registered_sets.values()).unwrap_or(&[])
            ),
            V::GetStrategiesInOperatorSet(a) => {
                addresses(self.set(a.operator_set)?.strategies.iter().copied())
            }
            V::GetSlasher(a) => address(self.set(a.operator_set)?.slasher.effective(now)),
            V::GetRedistributionRecipient(a) => address(
                self.set(a.operator_set)?
                    .redistribution_recipient
                    .unwrap_or(crate::accounts::DEFAULT_BURN_ADDRESS),
            ),
            V::IsRedistributingOperatorSet(a) => {
                Value::Bool(self.set(a.operator_set)?.redistribution_recipient.is_some())
            }
            V::GetSlashCount(a) => json!(self.set(a.operator_set)?.slash_count),
            V::GetBurnOrRedistributableShares(a) => {
                let pending = self.pending_slashes.get(&(a.operator_set, a.slash_id));
                let (strategies, shares): (Vec<Address>, Vec<U256>) =
                    pending.map(|p| p.iter().map(|(s, v)| (*s, *v)).unzip()).unwrap_or_default();
                json!({ "strategies": addresses(strategies), "shares": amounts(shares) })
            }
            V::GetBurnOrRedistributableCount(a) => json!(
                self.pending_slashes.get(&(a.operator_set, a.slash_id)).map_or(0, |p| p.len())
            ),
            V::GetPendingOperatorSets(_) => json!(self.pending_operator_sets.values()),
            V::GetPendingSlashIds(a) => json!(
                self.pending_slash_ids.get(&a.operator_set).map(|ids| ids.values()).unwrap_or(&[])
            ),
            V::TotalShares(a) => Value::String(self.pool(a.strategy)?.total_shares.to_string()),
            V::SharesToUnderlyingView(a) => {
                let pool = self.pool(a.strategy)?;
                let balance = ledger.balance_of(pool.token, a.strategy);
                Value::String(
                    underlying_for_shares(a.amount_shares, pool.total_shares, balance)?.to_string(),
                )
            }
            V::UnderlyingToSharesView(a) => {
                let pool = self.pool(a.strategy)?;
                let balance = ledger.balance_of(pool.token, a.strategy);
                Value::String(
                    shares_for_deposit(a.amount_underlying, pool.total_shares, balance)?
                        .to_string(),
                )
            }
            V::StrategyIsWhitelistedForDeposit(a) => {
                Value::Bool(self.strategies.get(&a.strategy).is_some_and(|s| s.whitelisted))
            }
            V::CanCall(a) => Value::Bool(self.can_call(a.account, a.caller, &a.function)),
            V::GetPod(a) => address(super::pods::pod_address(a.pod_owner)),
            V::HasPod(a) => Value::Bool(self.pods.contains_key(&a.pod_owner)),
            V::EigenPod(a) => serde_json::to_value(self.pod(a.pod_owner)?).expect("serializes"),
            V::WithdrawableRestakedExecutionLayerGwei(a) => {
                json!(self.pod(a.pod_owner)?.restaked_execution_layer_gwei)
            }
            V::ValidatorStatus(a) => json!(
                self.pod(a.pod_owner)?
                    .validators
                    .get(&a.pubkey)
                    .map_or(super::pods::ValidatorStatus::Inactive, |v| v.status)
            ),
            V::RewardsCoordinator(_) => address(super::rewards::coordinator_address()),
            V::GetDistributionRootsLength(_) => json!(self.rewards.distribution_roots.len()),
            V::GetDistributionRootAtIndex(a) => json!(
                self.rewards
                    .distribution_roots
                    .get(a.index as usize)
                    .ok_or(EigenLayerError::InvalidRootIndex)?
            ),
            V::GetCurrentDistributionRoot(_) => json!(self.rewards.distribution_roots.last()),
            V::GetCurrentClaimableDistributionRoot(_) => json!(
                self.rewards
                    .current_claimable_root(env.timestamp)
                    .map(|i| &self.rewards.distribution_roots[i])
            ),
            V::GetRootIndexFromHash(a) => json!(
                self.rewards
                    .distribution_roots
                    .iter()
                    .rposition(|r| r.root == a.root_hash)
                    .ok_or(EigenLayerError::InvalidRoot)?
            ),
            V::CumulativeClaimed(a) => Value::String(
                self.rewards
                    .cumulative_claimed
                    .get(&(a.earner, a.token))
                    .copied()
                    .unwrap_or_default()
                    .to_string(),
            ),
            V::ClaimerFor(a) => {
                address(self.rewards.claimer_for.get(&a.earner).copied().unwrap_or_default())
            }
            V::GetOperatorAvsSplit(a) => json!(super::rewards::OperatorSplit::effective(
                self.rewards.operator_avs_splits.get(&(a.operator, a.avs)),
                env.timestamp,
                self.rewards.default_operator_split_bips
            )),
            V::GetOperatorSetSplit(a) => json!(super::rewards::OperatorSplit::effective(
                self.rewards.operator_set_splits.get(&(a.operator, a.operator_set)),
                env.timestamp,
                self.rewards.default_operator_split_bips
            )),
            V::GetOperatorPiSplit(a) => json!(super::rewards::OperatorSplit::effective(
                self.rewards.operator_pi_splits.get(&a.operator),
                env.timestamp,
                self.rewards.default_operator_split_bips
            )),
            V::DefaultOperatorSplitBips(_) => json!(self.rewards.default_operator_split_bips),
            V::SubmissionNonce(a) => {
                json!(self.rewards.submission_nonce.get(&a.avs).copied().unwrap_or_default())
            }
            V::IsOptedInForProtocolFee(a) => {
                Value::Bool(self.rewards.opted_in_for_protocol_fee.contains(&a.submitter))
            }
            V::CalculateEarnerLeafHash(a) => json!(super::rewards::merkle::earner_leaf_hash(
                a.leaf.earner,
                a.leaf.earner_token_root
            )),
            V::CalculateTokenLeafHash(a) => json!(super::rewards::merkle::token_leaf_hash(
                a.leaf.token,
                a.leaf.cumulative_earnings
            )),
            V::CheckClaim(a) => Value::Bool(self.check_claim_view(env, &a.claim)?),
            V::CalculateDistributionRoot(a) => {
                let cumulative =
                    self.rewards.cumulative_earnings(a.rewards_calculation_end_timestamp);
                let root = super::rewards::Distribution::new(&cumulative)
                    .map_or(B256::ZERO, |d| d.earner_tree.root());
                json!(root)
            }
            V::GetClaim(a) => json!(self.claim_for(env, a.earner, &a.tokens, a.root_index)?),
            V::ExplainEarnings(a) => self.explain_earnings(env, a.earner),
            V::BeaconChainSlashingFactor(a) => {
                Value::String(self.beacon_chain_slashing_factor(a.pod_owner).to_string())
            }
        })
    }

    fn set(&self, operator_set: OperatorSet) -> Result<&super::state::OperatorSetInfo> {
        self.operator_sets
            .get(&operator_set)
            .ok_or(EigenLayerError::InvalidOperatorSet(operator_set))
    }

    fn pool(&self, strategy: Address) -> Result<&super::state::Strategy> {
        self.strategies.get(&strategy).ok_or(EigenLayerError::StrategyNotWhitelisted(strategy))
    }

    /// `operatorShares[operator][strategy]`.
    pub fn operator_shares(&self, operator: Address, strategy: Address) -> U256 {
        self.operators.get(&operator).map_or(U256::ZERO, |o| o.shares(strategy))
    }

    /// `getWithdrawableShares(staker, strategies)`: (withdrawable, deposit) shares.
    pub fn get_withdrawable_shares(
        &self,
        staker: Address,
        strategies: &[Address],
    ) -> Result<(Vec<U256>, Vec<U256>)> {
        let record = self.stakers.get(&staker);
        let operator = record.and_then(|r| r.delegated_to);
        let mut withdrawable = Vec::with_capacity(strategies.len());
        let mut deposit = Vec::with_capacity(strategies.len());
        for &strategy in strategies {
            let (shares, dsf) = record
                .and_then(|r| r.position_index(strategy).map(|i| &r.positions[i]))
                .map_or((U256::ZERO, U256::ZERO), |p| (p.deposit_shares, p.deposit_scaling_factor));
            let factor = self.slashing_factor(staker, operator, strategy)?;
            withdrawable.push(withdrawable_shares(shares, dsf, factor)?);
            deposit.push(shares);
        }
        Ok((withdrawable, deposit))
    }

    /// `getAllocation`: the allocation with a matured pending change applied.
    pub fn get_allocation(
        &self,
        now: u64,
        operator: Address,
        operator_set: OperatorSet,
        strategy: Address,
    ) -> Allocation {
        self.operators
            .get(&operator)
            .map_or_else(Allocation::default, |o| o.allocation(operator_set, strategy).updated(now))
    }

    /// `getEncumberedMagnitude`: the stored value with matured queued deallocations applied, as
    /// `clearDeallocationQueue` would leave it.
    pub fn get_encumbered_magnitude(&self, now: u64, operator: Address, strategy: Address) -> u64 {
        let Some(record) = self.operators.get(&operator) else { return 0 };
        let Some(entry) = record.strategies.get(&strategy) else { return 0 };
        let mut encumbered = i128::from(entry.encumbered_magnitude);
        for operator_set in &entry.deallocation_queue {
            let allocation = record.allocation(*operator_set, strategy);
            if now < allocation.effect_block {
                break;
            }
            encumbered += allocation.pending_diff;
        }
        u64::try_from(encumbered).expect("encumbered magnitude stays in [0, WAD]")
    }

    /// `getMinimumSlashableStake` (with `mask`) or `getAllocatedStake` (without, at `now`).
    fn slashable_stake(
        &self,
        now: u64,
        operator_set: OperatorSet,
        operators: &[Address],
        strategies: &[Address],
        future_block: u64,
        mask: bool,
    ) -> Result<Value> {
        let mut rows = Vec::with_capacity(operators.len());
        for &operator in operators {
            let record = self.operators.get(&operator);
            let slashable = record.is_some_and(|o| o.is_slashable_by(operator_set, now));
            let mut row = Vec::with_capacity(strategies.len());
            for &strategy in strategies {
                let max = self.operator_max_magnitude(Some(operator), strategy);
                if (mask && !slashable) || max == 0 {
                    row.push(U256::ZERO);
                    continue;
                }
                let mut allocation = self.get_allocation(now, operator, operator_set, strategy);
                if allocation.effect_block <= future_block && allocation.pending_diff < 0 {
                    allocation.current_magnitude = u64::try_from(
                        i128::from(allocation.current_magnitude) + allocation.pending_diff,
                    )
                    .expect("a deallocation never exceeds the allocation");
                }
                let proportion =
                    math::div_wad(U256::from(allocation.current_magnitude), U256::from(max))?;
                row.push(math::mul_wad(self.operator_shares(operator, strategy), proportion)?);
            }
            rows.push(amounts(row));
        }
        Ok(Value::Array(rows))
    }

    /// `getSlashableSharesInQueue`: queued shares still slashable by the operator's sets.
    pub fn get_slashable_shares_in_queue(
        &self,
        now: u64,
        operator: Address,
        strategy: Address,
    ) -> Result<U256> {
        let Some(entry) = self.operators.get(&operator).and_then(|o| o.strategies.get(&strategy))
        else {
            return Ok(U256::ZERO);
        };
        let delay = self.params.min_withdrawal_delay_blocks;
        let Some(window_start) = now.checked_sub(delay + 1) else {
            return Err(EigenLayerError::SlashBeforeFirstWithdrawalWindow {
                first_block: delay + 1,
            });
        };
        let history = &entry.cumulative_scaled_shares;
        let queued =
            math::sub(history.latest(U256::ZERO), history.upper_lookup(window_start, U256::ZERO))?;
        let max = entry.max_magnitude();
        Ok(math::mul_wad(queued, U256::from(max))?)
    }

    /// `_getSharesByWithdrawalRoot`: the withdrawal and what it would pay now (historical
    /// factors once its slashable window has closed, current ones before).
    pub fn shares_by_withdrawal_root(
        &self,
        now: u64,
        root: B256,
    ) -> Result<(Withdrawal, Vec<U256>)> {
        let withdrawal =
            self.withdrawals.get(&root).ok_or(EigenLayerError::WithdrawalNotQueued(root))?;
        Ok((withdrawal.clone(), self.withdrawal_shares(now, withdrawal)?))
    }

    /// What a queued `withdrawal` is worth in shares at block `now` (the second half of
    /// [`Self::shares_by_withdrawal_root`], for callers that hold the withdrawal already).
    pub fn withdrawal_shares(&self, now: u64, withdrawal: &Withdrawal) -> Result<Vec<U256>> {
        let slashable_until =
            u64::from(withdrawal.start_block) + self.params.min_withdrawal_delay_blocks;
        let operator = Some(withdrawal.delegated_to).filter(|op| !op.is_zero());
        let mut shares = Vec::with_capacity(withdrawal.strategies.len());
        for (&strategy, &scaled) in withdrawal.strategies.iter().zip(&withdrawal.scaled_shares) {
            let magnitude = if slashable_until < now {
                operator
                    .and_then(|op| self.operators.get(&op))
                    .and_then(|o| o.strategies.get(&strategy))
                    .map_or(WAD_U64, |s| {
                        s.max_magnitude_history.upper_lookup(slashable_until, WAD_U64)
                    })
            } else {
                self.operator_max_magnitude(operator, strategy)
            };
            let mut factor = U256::from(magnitude);
            if strategy == BEACON_CHAIN_ETH_STRATEGY {
                factor =
                    math::mul_wad(factor, self.beacon_chain_slashing_factor(withdrawal.staker))?;
            }
            shares.push(math::mul_wad(scaled, factor)?);
        }
        Ok(shares)
    }
}
