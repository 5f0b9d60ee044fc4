//! EigenLayer, slashing era (ELIP-002): StrategyManager and strategies, DelegationManager,
//! AllocationManager and PermissionController, with the contracts' math and rounding.
//!
//! ```text
//!  staker ──deposit──► strategy pool (shares) ──delegate──► operator shares
//!                                                             │ allocate magnitude
//!                                                             ▼
//!                        AVS operator set ──slash──► max magnitude ↓ (O(1) in stakers)
//! ```
//!
//! A staker's withdrawable shares are `s · k · m`: deposit shares `s`, the staker's deposit
//! scaling factor `k`, and the operator's max magnitude `m`. A slash lowers `m` once, and with it
//! every delegated staker's withdrawable shares and every queued withdrawal still in its delay,
//! without visiting a single staker. See `docs/core/accounting/SharesAccounting.md` upstream.
//!
//! Each call is handled in two phases: everything that can fail is checked and computed first,
//! then the state is written. A rejected call therefore changes nothing.

mod allocation;
pub mod calls;
mod delegation;
pub mod errors;
pub mod events;
pub mod invariants;
pub mod params;
mod permissions;
#[cfg(test)]
mod pod_tests;
pub mod pods;
pub mod rewards;
pub mod state;
mod strategies;
pub mod views;

use alloy_primitives::{Address, U256};

pub use self::{
    calls::EigenLayerCall,
    delegation::withdrawal_root,
    errors::EigenLayerError,
    events::EigenLayerEvent,
    params::Params,
    state::{EigenLayer, OperatorSet, Withdrawal},
    strategies::{shares_for_deposit, underlying_for_shares},
    views::EigenLayerView,
};
use crate::{
    accounts::{BEACON_CHAIN_ETH_STRATEGY, derived_address},
    beacon::{BeaconChain, BeaconEvent},
    ledger::Ledger,
    math::{self, WAD, WAD_U64},
};

/// What a call sees of the world besides EigenLayer itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Env {
    /// `block.number`.
    pub block: u64,
    /// `block.timestamp`.
    pub timestamp: u64,
    /// The world's admin: owner of the StrategyManager and StrategyFactory.
    pub admin: Address,
}

/// The address of one of EigenLayer's core contracts in a Rampart world.
pub fn contract_address(contract: &str) -> Address {
    derived_address("rampart.eigenlayer", contract)
}

type Result<T, E = EigenLayerError> = std::result::Result<T, E>;
type Events = Vec<EigenLayerEvent>;

impl EigenLayer {
    /// Applies one call from `sender`. On error nothing has changed.
    /// EigenPod calls reach the beacon chain; what it emits goes to `beacon_events`.
    pub fn apply(
        &mut self,
        ledger: &mut Ledger,
        beacon: &mut BeaconChain,
        env: &Env,
        sender: Address,
        call: &EigenLayerCall,
        beacon_events: &mut Vec<BeaconEvent>,
    ) -> Result<Events> {
        use EigenLayerCall as C;
        let mut events = Events::with_capacity(4);
        match call {
            C::DeployNewStrategy(args) => {
                self.deploy_new_strategy(ledger, env, sender, args, &mut events)?
            }
            C::AddStrategiesToDepositWhitelist(args) => {
                self.set_deposit_whitelist(env, sender, &args.strategies, true, &mut events)?;
            }
            C::RemoveStrategiesFromDepositWhitelist(args) => {
                self.set_deposit_whitelist(env, sender, &args.strategies, false, &mut events)?;
            }
            C::DepositIntoStrategy(args) => {
                self.deposit_into_strategy(ledger, sender, args, &mut events)?
            }
            C::ClearBurnOrRedistributableShares(args) => {
                self.clear_burn_or_redistributable_shares(
                    ledger,
                    args.operator_set,
                    args.slash_id,
                    None,
                    &mut events,
                )?;
            }
            C::ClearBurnOrRedistributableSharesByStrategy(args) => self
                .clear_burn_or_redistributable_shares(
                    ledger,
                    args.operator_set,
                    args.slash_id,
                    Some(args.strategy),
                    &mut events,
                )?,
            C::RegisterAsOperator(args) => {
                self.register_as_operator(env, sender, args, &mut events)?
            }
            C::ModifyOperatorDetails(args) => {
                self.modify_operator_details(sender, args, &mut events)?
            }
            C::UpdateOperatorMetadataUri(args) => {
                self.update_operator_metadata_uri(sender, args, &mut events)?;
            }
            C::DelegateTo(args) => self.delegate_to(env, sender, args, &mut events)?,
            C::Undelegate(args) => self.undelegate(env, sender, args.staker, &mut events)?,
            C::Redelegate(args) => self.redelegate(env, sender, args, &mut events)?,
            C::QueueWithdrawals(args) => {
                self.queue_withdrawals(env, sender, &args.params, &mut events)?
            }
            C::CompleteQueuedWithdrawal(args) => self.complete_queued_withdrawals(
                ledger,
                env,
                sender,
                std::slice::from_ref(&args.withdrawal),
                &[calls::TokenList(args.tokens.clone())],
                &[args.receive_as_tokens],
                &mut events,
            )?,
            C::CompleteQueuedWithdrawals(args) => self.complete_queued_withdrawals(
                ledger,
                env,
                sender,
                &args.withdrawals,
                &args.tokens,
                &args.receive_as_tokens,
                &mut events,
            )?,
            C::UpdateAvsMetadataUri(args) => {
                self.update_avs_metadata_uri(sender, args, &mut events)?
            }
            C::CreateOperatorSets(args) => {
                self.create_operator_sets(env, sender, args.avs, &args.params, None, &mut events)?;
            }
            C::CreateRedistributingOperatorSets(args) => self.create_operator_sets(
                env,
                sender,
                args.avs,
                &args.params,
                Some(&args.redistribution_recipients),
                &mut events,
            )?,
            C::AddStrategiesToOperatorSet(args) => {
                self.add_strategies_to_operator_set(sender, args, &mut events)?;
            }
            C::RemoveStrategiesFromOperatorSet(args) => {
                self.remove_strategies_from_operator_set(sender, args, &mut events)?;
            }
            C::UpdateSlasher(args) => self.update_slasher(env, sender, args, &mut events)?,
            C::RegisterForOperatorSets(args) => {
                self.register_for_operator_sets(env, sender, args, &mut events)?;
            }
            C::DeregisterFromOperatorSets(args) => {
                self.deregister_from_operator_sets(env, sender, &args.params, &mut events)?;
            }
            C::SetAllocationDelay(args) => {
                self.set_allocation_delay(env, sender, args, &mut events)?
            }
            C::ModifyAllocations(args) => {
                self.modify_allocations(env, sender, args, &mut events)?
            }
            C::ClearDeallocationQueue(args) => {
                self.clear_deallocation_queue(env, args, &mut events)?
            }
            C::SlashOperator(args) => self.slash_operator(env, sender, args, &mut events)?,
            C::AddPendingAdmin(args) => self.add_pending_admin(sender, args, &mut events)?,
            C::RemovePendingAdmin(args) => self.remove_pending_admin(sender, args, &mut events)?,
            C::AcceptAdmin(args) => self.accept_admin(sender, args.account, &mut events)?,
            C::RemoveAdmin(args) => self.remove_admin(sender, args, &mut events)?,
            C::SetAppointee(args) => self.set_appointee(sender, args, true, &mut events)?,
            C::RemoveAppointee(args) => self.set_appointee(sender, args, false, &mut events)?,
            C::CreatePod(_) => self.create_pod(sender, &mut events)?,
            C::Stake(args) => {
                self.stake(ledger, beacon, env, sender, args.pubkey, &mut events, beacon_events)?
            }
            C::SetProofSubmitter(args) => {
                self.set_proof_submitter(sender, args.new_proof_submitter, &mut events)?
            }
            C::VerifyWithdrawalCredentials(args) => self.verify_withdrawal_credentials(
                beacon,
                env,
                sender,
                args.pod_owner,
                &args.validator_indices,
                &mut events,
            )?,
            C::StartCheckpoint(args) => self.start_checkpoint(
                ledger,
                beacon,
                env,
                sender,
                args.pod_owner,
                args.revert_if_no_balance,
                &mut events,
            )?,
            C::VerifyCheckpointProofs(args) => self.verify_checkpoint_proofs(
                sender,
                args.pod_owner,
                &args.validator_indices,
                &mut events,
            )?,
            C::VerifyStaleBalance(args) => self.verify_stale_balance(
                ledger,
                beacon,
                env,
                sender,
                args.pod_owner,
                args.validator_index,
                &mut events,
            )?,
            C::CreateAvsRewardsSubmission(args) => self.create_rewards_submissions(
                ledger,
                env,
                sender,
                &rewards::SubmissionKind::Avs,
                &args.rewards_submissions,
                &mut events,
            )?,
            C::CreateUniqueStakeRewardsSubmission(args) => self.create_rewards_submissions(
                ledger,
                env,
                sender,
                &rewards::SubmissionKind::UniqueStake { operator_set: args.operator_set },
                &args.rewards_submissions,
                &mut events,
            )?,
            C::CreateTotalStakeRewardsSubmission(args) => self.create_rewards_submissions(
                ledger,
                env,
                sender,
                &rewards::SubmissionKind::TotalStake { operator_set: args.operator_set },
                &args.rewards_submissions,
                &mut events,
            )?,
            C::CreateOperatorDirectedAvsRewardsSubmission(args) => self
                .create_operator_directed_submissions(
                    ledger,
                    env,
                    sender,
                    args.avs,
                    None,
                    &args.operator_directed_rewards_submissions,
                    &mut events,
                )?,
            C::CreateOperatorDirectedOperatorSetRewardsSubmission(args) => self
                .create_operator_directed_submissions(
                    ledger,
                    env,
                    sender,
                    args.operator_set.avs,
                    Some(args.operator_set),
                    &args.operator_directed_rewards_submissions,
                    &mut events,
                )?,
            C::SubmitRoot(args) => self.submit_root(
                env,
                sender,
                args.root,
                u64::from(args.rewards_calculation_end_timestamp),
                &mut events,
            )?,
            C::DisableRoot(args) => self.disable_root(env, sender, args.root_index, &mut events)?,
            C::ProcessClaim(args) => self.process_claims(
                ledger,
                env,
                sender,
                std::slice::from_ref(&args.claim),
                args.recipient,
                &mut events,
            )?,
            C::ProcessClaims(args) => {
                self.process_claims(ledger, env, sender, &args.claims, args.recipient, &mut events)?
            }
            C::SetClaimerFor(args) => {
                self.set_claimer_for(sender, args.earner, args.claimer, &mut events)?
            }
            C::SetOperatorAvsSplit(args) => self.set_operator_split(
                env,
                sender,
                args.operator,
                rewards::SplitTarget::Avs(args.avs),
                args.split,
                &mut events,
            )?,
            C::SetOperatorSetSplit(args) => self.set_operator_split(
                env,
                sender,
                args.operator,
                rewards::SplitTarget::OperatorSet(args.operator_set),
                args.split,
                &mut events,
            )?,
            C::SetOperatorPiSplit(args) => self.set_operator_split(
                env,
                sender,
                args.operator,
                rewards::SplitTarget::ProgrammaticIncentives,
                args.split,
                &mut events,
            )?,
            C::SetDefaultOperatorSplit(args) => self.set_rewards_setting(
                env,
                sender,
                &rewards::RewardsSetting::DefaultOperatorSplit(args.split),
                &mut events,
            )?,
            C::SetRewardsUpdater(args) => self.set_rewards_setting(
                env,
                sender,
                &rewards::RewardsSetting::RewardsUpdater(args.rewards_updater),
                &mut events,
            )?,
            C::SetFeeRecipient(args) => self.set_rewards_setting(
                env,
                sender,
                &rewards::RewardsSetting::FeeRecipient(args.fee_recipient),
                &mut events,
            )?,
            C::SetOptInForProtocolFee(args) => {
                self.set_opt_in_for_protocol_fee(sender, args.submitter, args.value, &mut events)?
            }
            C::RequestWithdrawal(args) => self.request_withdrawal(
                beacon,
                env,
                sender,
                args.pod_owner,
                &args.requests,
                &mut events,
                beacon_events,
            )?,
        }
        Ok(events)
    }

    /// The operator's slashing factor for `strategy` as seen by `staker` (`_getSlashingFactor`):
    /// the operator's max magnitude (WAD when undelegated), times the staker's beacon-chain
    /// slashing factor for the beacon strategy.
    pub fn slashing_factor(
        &self,
        staker: Address,
        operator: Option<Address>,
        strategy: Address,
    ) -> Result<U256> {
        let magnitude = self.operator_max_magnitude(operator, strategy);
        if strategy == BEACON_CHAIN_ETH_STRATEGY {
            Ok(math::mul_wad(U256::from(magnitude), self.beacon_chain_slashing_factor(staker))?)
        } else {
            Ok(U256::from(magnitude))
        }
    }

    /// The max magnitude of `operator` for `strategy`, WAD for no operator or none recorded.
    pub fn operator_max_magnitude(&self, operator: Option<Address>, strategy: Address) -> u64 {
        operator
            .and_then(|op| self.operators.get(&op))
            .map_or(WAD_U64, |op| op.max_magnitude(strategy))
    }

    /// Whether `account` is a registered operator.
    pub fn is_operator(&self, account: Address) -> bool {
        self.operators.contains_key(&account)
    }

    /// The operator `staker` is delegated to.
    pub fn delegated_to(&self, staker: Address) -> Option<Address> {
        self.stakers.get(&staker).and_then(|s| s.delegated_to)
    }
}

/// `scalingFactor(k)`: a stored zero reads as WAD.
pub(crate) fn scaling_factor(stored: U256) -> U256 {
    if stored.is_zero() { WAD } else { stored }
}

/// Withdrawable shares `a = ⌊⌊s · k⌋ · sf⌋` (`calcWithdrawable`), rounding down at each step.
pub(crate) fn withdrawable_shares(
    deposit_shares: U256,
    stored_dsf: U256,
    slashing_factor: U256,
) -> Result<U256> {
    Ok(math::mul_wad(math::mul_wad(deposit_shares, scaling_factor(stored_dsf))?, slashing_factor)?)
}

/// The deposit scaling factor after adding `added` shares to `previous` (`SlashingLib.update`):
/// the staker's withdrawable shares grow by exactly `added` (up to rounding).
pub(crate) fn updated_scaling_factor(
    stored_dsf: U256,
    previous: U256,
    added: U256,
    slashing_factor: U256,
) -> Result<U256> {
    let updated = if previous.is_zero() {
        // A first deposit or delegation "forgives" the operator's past slashing.
        math::div_wad(scaling_factor(stored_dsf), slashing_factor)?
    } else {
        let current = withdrawable_shares(previous, stored_dsf, slashing_factor)?;
        let numerator = math::add(current, added)?;
        let denominator = math::add(previous, added)?;
        math::div_wad(math::div_wad(numerator, denominator)?, slashing_factor)?
    };
    if updated.is_zero() {
        return Err(EigenLayerError::InvalidDepositScalingFactor);
    }
    Ok(updated)
}

/// `calcSlashedAmount`: what a magnitude drop from `previous` to `new` takes from `shares`,
/// rounding the retained part up so a slash never takes more than its exact share.
pub(crate) fn slashed_amount(
    shares: U256,
    previous_magnitude: u64,
    new_magnitude: u64,
) -> Result<U256> {
    let retained = math::mul_div(
        shares,
        U256::from(new_magnitude),
        U256::from(previous_magnitude),
        math::Rounding::Ceil,
    )?;
    Ok(math::sub(shares, retained)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(text: &str) -> U256 {
        U256::from_str_radix(text, 10).unwrap()
    }

    #[test]
    fn scaling_factor_after_depositing_into_a_slashed_operator() {
        // Research vector G17 step 3: 100e18 deposited, operator slashed to 0.75, 50e18 more.
        let k = updated_scaling_factor(
            WAD,
            u("100000000000000000000"),
            u("50000000000000000000"),
            u("750000000000000000"),
        )
        .unwrap();
        assert_eq!(k, u("1111111111111111110"));
        let withdrawable =
            withdrawable_shares(u("150000000000000000000"), k, u("750000000000000000")).unwrap();
        assert_eq!(withdrawable, u("124999999999999999875"));
    }

    #[test]
    fn first_deposit_divides_the_existing_factor() {
        // G21: delegating 100e18 into an operator at magnitude 333333333333333333.
        let k = updated_scaling_factor(
            U256::ZERO,
            U256::ZERO,
            u("100000000000000000000"),
            u("333333333333333333"),
        )
        .unwrap();
        assert_eq!(k, u("3000000000000000003"));
        assert_eq!(
            withdrawable_shares(u("100000000000000000000"), k, u("333333333333333333")).unwrap(),
            u("99999999999999999999")
        );
    }

    #[test]
    fn zero_scaling_factor_is_rejected() {
        // G13 (SlashingLibUnit): stored k = 1, 1e18 shares, slashing factor WAD - 1, add 1.
        let err = updated_scaling_factor(U256::from(1), WAD, U256::from(1), WAD - U256::from(1));
        assert_eq!(err, Err(EigenLayerError::InvalidDepositScalingFactor));
    }

    #[test]
    fn repeated_small_deposits_drift_as_in_delegation_unit_tests() {
        // DelegationUnit.t.sol test_increaseDelegatedShares_depositRepeatedly: the operator's
        // shares and the staker's withdrawable shares drift apart by exactly 44_182_209_037_566.
        let magnitude = U256::from(999_999_999_999_990_009u64);
        let mut shares = u("44182209037560531097078597505");
        let mut dsf = updated_scaling_factor(U256::ZERO, U256::ZERO, shares, magnitude).unwrap();
        let mut operator_shares = shares;
        for _ in 0..1000 {
            dsf = updated_scaling_factor(dsf, shares, U256::from(1000), magnitude).unwrap();
            shares += U256::from(1000);
            operator_shares += U256::from(1000);
        }
        let withdrawable = withdrawable_shares(shares, dsf, magnitude).unwrap();
        assert_eq!(operator_shares - withdrawable, U256::from(44_182_209_037_566u64));
    }

    #[test]
    fn repeated_slashes_keep_operator_shares_above_withdrawable() {
        // DelegationUnit.t.sol test_slashOperatorShares_slashedRepeatedly: every one of 100
        // slashes takes exactly 44_440_000_449_046_438_731_194_137_360_795_695 shares.
        let mut magnitude = 90_009u64;
        let shares = u("40000000004182209037560531097078597505");
        let dsf =
            updated_scaling_factor(U256::ZERO, U256::ZERO, shares, U256::from(magnitude)).unwrap();
        let mut operator_shares = shares;
        for _ in 0..100 {
            let slashed = slashed_amount(operator_shares, magnitude, magnitude - 100).unwrap();
            assert_eq!(slashed, u("44440000449046438731194137360795695"));
            operator_shares -= slashed;
            magnitude -= 100;
            let withdrawable = withdrawable_shares(shares, dsf, U256::from(magnitude)).unwrap();
            assert!(withdrawable <= operator_shares);
        }
    }

    #[test]
    fn slashed_amount_rounds_the_retained_part_up() {
        assert_eq!(slashed_amount(u("100"), 3, 2).unwrap(), u("33"));
        assert_eq!(
            slashed_amount(
                u("75000000000000000050"),
                750_000_000_000_000_000,
                625_000_000_000_000_000
            )
            .unwrap(),
            u("12500000000000000008")
        );
    }
}
