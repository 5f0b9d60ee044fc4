//! The manager's unwind: bringing restaked ETH back to the pool to pay queued withdrawals, as
//! an LRT's operations team does with its operator delegators (Renzo's OperatorDelegator,
//! Kelp's NodeDelegator, Puffer's and ether.fi's EigenPod owners).
//!
//! `lrt.unwind` starts it: the delegators' idle ETH goes back to the pool and enough of their
//! validators are asked to exit (credentials proven first, so their ETH is the pod's). From
//! there ETH moves only with time — the exit queue, the withdrawability delay, the sweep, then
//! EigenLayer's withdrawal delay — so `lrt.process_unwind` advances whatever is ready each time
//! it is called: it checkpoints pods holding new ETH, queues EigenLayer withdrawals of the
//! beaconChainETH shares the pods can pay, completes the withdrawals whose delay is over, and
//! moves what the delegators then hold back to the pool. Each step is the call the contracts
//! take, made as the delegator, so every EigenLayer and beacon-chain rule and event applies.

use alloy_primitives::{Address, U256};
use serde_json::json;

use super::{Lrt, LrtError, LrtEvent};
use crate::{
    Action, Call, Event, Rejection, World,
    accounts::{BEACON_CHAIN_ETH_STRATEGY, NATIVE_ETH},
    beacon::{SHARD_COMMITTEE_PERIOD, SLOTS_PER_EPOCH, state::FAR_FUTURE_EPOCH},
    eigenlayer::{
        calls::{CompleteQueuedWithdrawal, EigenLayerCall},
        pods::{ValidatorStatus, pod_address},
    },
    math::{self, GWEI, Rounding},
};

impl World {
    /// ETH already on its way back to `lrt`'s pool: its delegators' idle ETH, the ETH in their
    /// pods (what queued beaconChainETH withdrawals are paid from, so they add nothing to it),
    /// the balances of their validators that are exiting and not yet swept, and what Lido owes
    /// the pool and its delegators for stETH in its withdrawal queue.
    pub(super) fn lrt_returning_eth(&self, lrt: &Lrt, pool: Address) -> Result<U256, Rejection> {
        let mut total = lrt.lido_withdrawals(pool, &self.lrt_env())?;
        for delegator in &lrt.delegators {
            let od = delegator.address;
            let pod_eth = self.ledger.balance_of(NATIVE_ETH, pod_address(od));
            let exiting = self
                .beacon
                .by_credentials
                .get(&pod_address(od))
                .into_iter()
                .flatten()
                .map(|&i| &self.beacon.validators[i])
                .filter(|v| v.exit_epoch != FAR_FUTURE_EPOCH && v.balance > 0)
                .try_fold(U256::ZERO, |sum, v| math::add(sum, U256::from(v.balance) * GWEI))
                .map_err(LrtError::from)?;
            for part in [self.ledger.balance_of(NATIVE_ETH, od), pod_eth, exiting] {
                total = math::add(total, part).map_err(LrtError::from)?;
            }
        }
        Ok(total)
    }

    /// The withdrawable ETH of `staker`'s queued beaconChainETH withdrawals.
    fn queued_beacon_eth(&self, staker: Address) -> Result<U256, Rejection> {
        let Some(record) = self.eigenlayer.stakers.get(&staker) else { return Ok(U256::ZERO) };
        let mut total = U256::ZERO;
        for root in &record.queued_withdrawals {
            let (withdrawal, shares) =
                self.eigenlayer.shares_by_withdrawal_root(self.clock.block, *root)?;
            for (strategy, shares) in withdrawal.strategies.iter().zip(shares) {
                if *strategy == BEACON_CHAIN_ETH_STRATEGY {
                    total = math::add(total, shares).map_err(LrtError::from)?;
                }
            }
        }
        Ok(total)
    }

    /// `lrt.unwind`: returns the delegators' idle ETH and exits validators until `amount` (by
    /// default what queued requests are owed beyond what the pool holds and awaits) is on its
    /// way back.
    pub(super) fn lrt_unwind(
        &mut self,
        sender: Address,
        pool: Address,
        amount: Option<U256>,
    ) -> Result<Vec<Event>, Rejection> {
        let lrt = self.lrts.lrt(pool)?.clone();
        if sender != lrt.admin {
            return Err(LrtError::NotManager("unwind").into());
        }
        let needed = match amount {
            Some(amount) => amount,
            None => {
                let owed: U256 = lrt.withdrawals.values().map(|w| w.owed).sum();
                let held = self.ledger.balance_of(NATIVE_ETH, pool);
                owed.saturating_sub(held).saturating_sub(self.lrt_returning_eth(&lrt, pool)?)
            }
        };
        if needed.is_zero() {
            return Err(LrtError::NothingToUnwind("the pool holds or awaits what is owed").into());
        }
        let mut events = Vec::new();
        let returned = self.return_to_pool(&lrt, pool, &mut events)?;
        // The default `needed` already counts idle ETH as on its way; an asked `amount` does not.
        let mut remaining = if amount.is_some() { needed.saturating_sub(returned) } else { needed };
        let epoch = self.clock.block / SLOTS_PER_EPOCH;
        let (mut validators_exited, mut exiting) = (0u64, U256::ZERO);
        for delegator in &lrt.delegators {
            if remaining.is_zero() {
                break;
            }
            let od = delegator.address;
            let indices =
                self.beacon.by_credentials.get(&pod_address(od)).cloned().unwrap_or_default();
            for index in indices {
                if remaining.is_zero() {
                    break;
                }
                let v = &self.beacon.validators[index];
                let may_exit = v.is_active(epoch)
                    && v.exit_epoch == FAR_FUTURE_EPOCH
                    && epoch >= v.activation_epoch + SHARD_COMMITTEE_PERIOD;
                if !may_exit {
                    continue;
                }
                let (pubkey, balance) = (v.pubkey, U256::from(v.balance) * GWEI);
                let pod = self.eigenlayer.pods.get(&od);
                let proven = pod.is_some_and(|pod| {
                    pod.validators
                        .get(&pubkey)
                        .is_some_and(|p| p.status != ValidatorStatus::Inactive)
                });
                // A proof must be newer than the pod's last checkpoint; in the block of one, the
                // validator exits unproven, and the checkpoint after its sweep credits its ETH.
                let now = self.clock.timestamp();
                let provable = pod.is_none_or(|pod| {
                    now > pod.last_checkpoint_timestamp && now > pod.current_checkpoint_timestamp
                });
                if !proven && provable {
                    events.extend(self.lrt_inner(
                        od,
                        "eigenlayer.verify_withdrawal_credentials",
                        json!({ "validator_indices": [index] }),
                    )?);
                }
                events.extend(self.lrt_inner(
                    od,
                    "beacon.voluntary_exit",
                    json!({ "pubkey": pubkey.to_string() }),
                )?);
                validators_exited += 1;
                exiting = math::add(exiting, balance).map_err(LrtError::from)?;
                remaining = remaining.saturating_sub(balance);
            }
        }
        if returned.is_zero() && validators_exited == 0 {
            return Err(
                LrtError::NothingToUnwind("no idle ETH and no validator may exit now").into()
            );
        }
        events.push(Event::Lrt(LrtEvent::UnwindStarted {
            lrt: pool,
            needed,
            returned,
            validators_exited,
            exiting,
            unmet: remaining,
        }));
        Ok(events)
    }

    /// `lrt.process_unwind`: advances every step that is ready, for every delegator.
    pub(super) fn lrt_process_unwind(
        &mut self,
        sender: Address,
        pool: Address,
    ) -> Result<Vec<Event>, Rejection> {
        let lrt = self.lrts.lrt(pool)?.clone();
        if sender != lrt.admin {
            return Err(LrtError::NotManager("process_unwind").into());
        }
        let mut events = Vec::new();
        let (mut checkpoints, mut queued, mut completed) = (0u64, U256::ZERO, 0u64);
        for delegator in &lrt.delegators {
            let od = delegator.address;
            // A pod whose checkpoint cannot go through now (its owner fully slashed, say) must
            // not hold up the other delegators: that delegator's checkpoint waits.
            let saved = self.clone();
            let mut produced = Vec::new();
            match self.checkpoint_new_eth(od, &mut produced) {
                Ok(started) => {
                    events.extend(produced);
                    checkpoints += u64::from(started);
                }
                Err(_) => *self = saved,
            }
            queued =
                math::add(queued, self.queue_pod_eth(od, &mut events)?).map_err(LrtError::from)?;
            completed += self.complete_matured(od, &mut events)?;
        }
        let returned = self.return_to_pool(&lrt, pool, &mut events)?;
        if checkpoints == 0 && queued.is_zero() && completed == 0 && returned.is_zero() {
            return Err(LrtError::NothingToUnwind(
                "nothing to checkpoint, queue, complete or return yet",
            )
            .into());
        }
        events.push(Event::Lrt(LrtEvent::UnwindProcessed {
            lrt: pool,
            checkpoints,
            queued,
            withdrawals_completed: completed,
            returned,
        }));
        Ok(events)
    }

    /// Checkpoints `od`'s pod if it holds ETH no checkpoint has credited (exits swept into it,
    /// or skimmed rewards), proving every active validator's balance. Whether it started one.
    fn checkpoint_new_eth(
        &mut self,
        od: Address,
        events: &mut Vec<Event>,
    ) -> Result<bool, Rejection> {
        let Some(pod) = self.eigenlayer.pods.get(&od) else { return Ok(false) };
        let credited = U256::from(pod.restaked_execution_layer_gwei) * GWEI;
        let uncredited = self.ledger.balance_of(NATIVE_ETH, pod.address).saturating_sub(credited);
        // A checkpoint counts whole gwei: less than one is nothing to credit.
        let started = pod.current_checkpoint.is_none() && uncredited >= GWEI;
        if started {
            events.extend(self.lrt_inner(
                od,
                "eigenlayer.start_checkpoint",
                json!({ "revert_if_no_balance": false }),
            )?);
        }
        let pod = &self.eigenlayer.pods[&od];
        if pod.current_checkpoint.is_some() {
            let at = pod.current_checkpoint_timestamp;
            let pending: Vec<u64> = pod
                .validators
                .values()
                .filter(|v| v.status == ValidatorStatus::Active && v.last_checkpointed_at < at)
                .map(|v| v.validator_index)
                .collect();
            if !pending.is_empty() {
                events.extend(self.lrt_inner(
                    od,
                    "eigenlayer.verify_checkpoint_proofs",
                    json!({ "validator_indices": pending }),
                )?);
            }
        }
        Ok(started)
    }

    /// Queues a withdrawal of the beaconChainETH shares that the ETH credited in `od`'s pod
    /// (and not already queued) can pay. Returns the withdrawable shares queued.
    fn queue_pod_eth(&mut self, od: Address, events: &mut Vec<Event>) -> Result<U256, Rejection> {
        let Some(pod) = self.eigenlayer.pods.get(&od) else { return Ok(U256::ZERO) };
        let credited = U256::from(pod.restaked_execution_layer_gwei) * GWEI;
        let unqueued = credited.saturating_sub(self.queued_beacon_eth(od)?);
        if unqueued.is_zero() {
            return Ok(U256::ZERO);
        }
        let (withdrawable, deposit) =
            self.eigenlayer.get_withdrawable_shares(od, &[BEACON_CHAIN_ETH_STRATEGY])?;
        let (withdrawable, deposit) = (withdrawable[0], deposit[0]);
        if withdrawable.is_zero() {
            return Ok(U256::ZERO);
        }
        // Deposit shares whose withdrawable value the pod's credited ETH covers (rounded down,
        // so the completion never asks the pod for more than it holds).
        let shares =
            math::mul_div(unqueued.min(withdrawable), deposit, withdrawable, Rounding::Floor)
                .map_err(LrtError::from)?
                .min(deposit);
        if shares.is_zero() {
            return Ok(U256::ZERO);
        }
        events.extend(self.lrt_inner(
            od,
            "eigenlayer.queue_withdrawals",
            json!({ "params": [{ "strategies": [BEACON_CHAIN_ETH_STRATEGY.to_string()], "deposit_shares": [shares.to_string()] }] }),
        )?);
        Ok(unqueued.min(withdrawable))
    }

    /// Completes, as ETH, `od`'s queued beaconChainETH withdrawals whose delay is over and which
    /// its pod can pay now, oldest first. Withdrawals of other strategies (the manager's own,
    /// through `lrt.execute`) are left to the manager; one the pod cannot pay yet waits.
    fn complete_matured(&mut self, od: Address, events: &mut Vec<Event>) -> Result<u64, Rejection> {
        let Some(record) = self.eigenlayer.stakers.get(&od) else { return Ok(0) };
        let delay = self.eigenlayer.params.min_withdrawal_delay_blocks;
        let mut payable = self
            .eigenlayer
            .pods
            .get(&od)
            .map_or(U256::ZERO, |pod| U256::from(pod.restaked_execution_layer_gwei) * GWEI);
        let mut ready = Vec::new();
        for root in &record.queued_withdrawals {
            let withdrawal = &self.eigenlayer.withdrawals[root];
            let native = withdrawal.strategies == [BEACON_CHAIN_ETH_STRATEGY];
            if !native || self.clock.block <= u64::from(withdrawal.start_block) + delay {
                continue;
            }
            // What it pays, at the slashing factor it completes with, in whole gwei.
            let (_, shares) = self.eigenlayer.shares_by_withdrawal_root(self.clock.block, *root)?;
            let wei = shares[0] / GWEI * GWEI;
            if wei > payable {
                continue;
            }
            payable -= wei;
            ready.push(withdrawal.clone());
        }
        for withdrawal in &ready {
            let action = Action::EigenLayer(EigenLayerCall::CompleteQueuedWithdrawal(
                CompleteQueuedWithdrawal {
                    withdrawal: withdrawal.clone(),
                    tokens: vec![NATIVE_ETH],
                    receive_as_tokens: true,
                },
            ));
            events.extend(self.apply(&Call { sender: od, action })?);
        }
        Ok(ready.len() as u64)
    }

    /// Moves the ETH and accepted LSTs the delegators hold idle to the pool; the ETH moved.
    fn return_to_pool(
        &mut self,
        lrt: &Lrt,
        pool: Address,
        events: &mut Vec<Event>,
    ) -> Result<U256, Rejection> {
        let mut returned = U256::ZERO;
        for delegator in &lrt.delegators {
            let od = delegator.address;
            for asset in std::iter::once(NATIVE_ETH).chain(lrt.prices.keys().copied()) {
                let balance = self.ledger.balance_of(asset, od);
                if balance.is_zero() {
                    continue;
                }
                events.extend(self.lrt_inner(
                    od,
                    "token.transfer",
                    json!({ "to": pool.to_string(), "token": asset.to_string(), "amount": balance.to_string() }),
                )?);
                if asset == NATIVE_ETH {
                    returned = math::add(returned, balance).map_err(LrtError::from)?;
                }
            }
        }
        Ok(returned)
    }
}
