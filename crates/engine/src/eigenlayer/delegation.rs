//! DelegationManager: operators, delegation, and the slashable withdrawal queue.

use std::collections::BTreeMap;

use alloy_primitives::{Address, B256, Signature, U256, keccak256};
use alloy_sol_types::{SolStruct, SolValue, eip712_domain, sol};

use super::{
    EigenLayer, EigenLayerError, Env, Events, Result,
    calls::{
        DelegateTo, ModifyOperatorDetails, QueuedWithdrawalParams, Redelegate, RegisterAsOperator,
        SignatureWithExpiry, TokenList, UpdateOperatorMetadataUri,
    },
    contract_address,
    events::EigenLayerEvent as Ev,
    state::{AllocationDelayInfo, Operator, Position, Staker, Withdrawal},
    withdrawable_shares,
};
use crate::{
    accounts::{BEACON_CHAIN_ETH_STRATEGY, NATIVE_ETH},
    ledger::Ledger,
    math::{self, WAD, WAD_U64},
};

sol! {
    /// `IDelegationManagerTypes.Withdrawal`, for its ABI encoding (the withdrawal root).
    struct WithdrawalAbi {
        address staker;
        address delegatedTo;
        address withdrawer;
        uint256 nonce;
        uint32 startBlock;
        address[] strategies;
        uint256[] scaledShares;
    }

    /// The EIP-712 struct a delegation approver signs.
    struct DelegationApproval {
        address delegationApprover;
        address staker;
        address operator;
        bytes32 salt;
        uint256 expiry;
    }
}

/// `calculateWithdrawalRoot`: `keccak256(abi.encode(withdrawal))`.
pub fn withdrawal_root(withdrawal: &Withdrawal) -> B256 {
    let encoded = WithdrawalAbi {
        staker: withdrawal.staker,
        delegatedTo: withdrawal.delegated_to,
        withdrawer: withdrawal.withdrawer,
        nonce: withdrawal.nonce,
        startBlock: withdrawal.start_block,
        strategies: withdrawal.strategies.clone(),
        scaledShares: withdrawal.scaled_shares.clone(),
    }
    .abi_encode();
    keccak256(encoded)
}

/// A checked addition of shares to a staker's position, ready to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AddedShares {
    pub(crate) staker: Address,
    pub(crate) strategy: Address,
    pub(crate) added: U256,
    pub(crate) position: Position,
    /// The delegated operator and its new shares in the strategy.
    pub(crate) operator_shares: Option<(Address, U256)>,
}

/// A checked delegation, ready to write.
struct DelegationPlan {
    staker: Address,
    operator: Address,
    /// Per held strategy: the new deposit scaling factor and the shares the operator gains.
    positions: Vec<(Address, U256, U256)>,
}

/// A checked undelegation, ready to write.
struct Undelegation {
    staker: Address,
    operator: Address,
    forced: bool,
    queue: QueuePlan,
}

/// Checked withdrawals, ready to write.
struct QueuePlan {
    staker: Address,
    record: Staker,
    operator: Option<Address>,
    /// Per strategy: the operator's new shares and new cumulative scaled shares.
    operator_strategies: BTreeMap<Address, (U256, U256)>,
    withdrawals: Vec<(B256, Withdrawal)>,
    events: Events,
}

impl EigenLayer {
    /// The EIP-712 digest a delegation approver signs (`calculateDelegationApprovalDigestHash`).
    pub fn delegation_approval_digest_hash(
        &self,
        staker: Address,
        operator: Address,
        approver: Address,
        approver_salt: B256,
        expiry: u64,
    ) -> B256 {
        let domain = eip712_domain! {
            name: "EigenLayer",
            version: "1",
            chain_id: self.params.chain_id,
            verifying_contract: contract_address("DelegationManager"),
        };
        DelegationApproval {
            delegationApprover: approver,
            staker,
            operator,
            salt: approver_salt,
            expiry: U256::from(expiry),
        }
        .eip712_signing_hash(&domain)
    }

    pub(super) fn register_as_operator(
        &mut self,
        env: &Env,
        operator: Address,
        args: &RegisterAsOperator,
        events: &mut Events,
    ) -> Result<()> {
        if self.delegated_to(operator).is_some() {
            return Err(EigenLayerError::ActivelyDelegated(operator));
        }
        let record = Operator {
            delegation_approver: args.init_delegation_approver,
            metadata_uri: args.metadata_uri.clone(),
            // Set through the DelegationManager, the delay is in force at once (PR #1646).
            allocation_delay: AllocationDelayInfo {
                delay: args.allocation_delay,
                is_set: true,
                pending_delay: args.allocation_delay,
                effect_block: env.block,
            },
            ..Operator::default()
        };
        let plan = self.plan_delegate(operator, operator, &record)?;

        self.operators.insert(operator, record);
        events.push(Ev::AllocationDelaySet {
            operator,
            delay: args.allocation_delay,
            effect_block: env.block,
        });
        events.push(Ev::DelegationApproverUpdated {
            operator,
            new_delegation_approver: args.init_delegation_approver,
        });
        self.commit_delegate(plan, events);
        events.push(Ev::OperatorRegistered {
            operator,
            delegation_approver: args.init_delegation_approver,
        });
        events.push(Ev::OperatorMetadataUriUpdated {
            operator,
            metadata_uri: args.metadata_uri.clone(),
        });
        Ok(())
    }

    pub(super) fn modify_operator_details(
        &mut self,
        sender: Address,
        args: &ModifyOperatorDetails,
        events: &mut Events,
    ) -> Result<()> {
        self.check_can_call(args.operator, sender, "modify_operator_details")?;
        let operator = self
            .operators
            .get_mut(&args.operator)
            .ok_or(EigenLayerError::OperatorNotRegistered(args.operator))?;
        operator.delegation_approver = args.new_delegation_approver;
        events.push(Ev::DelegationApproverUpdated {
            operator: args.operator,
            new_delegation_approver: args.new_delegation_approver,
        });
        Ok(())
    }

    pub(super) fn update_operator_metadata_uri(
        &mut self,
        sender: Address,
        args: &UpdateOperatorMetadataUri,
        events: &mut Events,
    ) -> Result<()> {
        self.check_can_call(args.operator, sender, "update_operator_metadata_uri")?;
        let operator = self
            .operators
            .get_mut(&args.operator)
            .ok_or(EigenLayerError::OperatorNotRegistered(args.operator))?;
        operator.metadata_uri.clone_from(&args.metadata_uri);
        events.push(Ev::OperatorMetadataUriUpdated {
            operator: args.operator,
            metadata_uri: args.metadata_uri.clone(),
        });
        Ok(())
    }

    pub(super) fn delegate_to(
        &mut self,
        env: &Env,
        staker: Address,
        args: &DelegateTo,
        events: &mut Events,
    ) -> Result<()> {
        if self.delegated_to(staker).is_some() {
            return Err(EigenLayerError::ActivelyDelegated(staker));
        }
        let operator = self
            .operators
            .get(&args.operator)
            .ok_or(EigenLayerError::OperatorNotRegistered(args.operator))?;
        let salt = self.check_approver_signature(
            env,
            staker,
            args.operator,
            &args.approver_signature_and_expiry,
            args.approver_salt,
        )?;
        let plan = self.plan_delegate(staker, args.operator, operator)?;
        if let Some(spent) = salt {
            self.spent_salts.insert(spent);
        }
        self.commit_delegate(plan, events);
        Ok(())
    }

    /// `_checkApproverSignature`: returns the (approver, salt) to mark spent, if any.
    fn check_approver_signature(
        &self,
        env: &Env,
        staker: Address,
        operator: Address,
        signature: &SignatureWithExpiry,
        salt: B256,
    ) -> Result<Option<(Address, B256)>> {
        let approver = self.operators[&operator].delegation_approver;
        if approver.is_zero() {
            return Ok(None);
        }
        if self.spent_salts.contains(&(approver, salt)) {
            return Err(EigenLayerError::SaltSpent(salt));
        }
        if signature.expiry < env.timestamp {
            return Err(EigenLayerError::SignatureExpired {
                expiry: signature.expiry,
                now: env.timestamp,
            });
        }
        let digest = self.delegation_approval_digest_hash(
            staker,
            operator,
            approver,
            salt,
            signature.expiry,
        );
        let signer = strict_ecdsa(signature.signature.as_ref())
            .and_then(|sig| sig.recover_address_from_prehash(&digest).ok());
        if signer != Some(approver) {
            return Err(EigenLayerError::InvalidSignature(approver));
        }
        Ok(Some((approver, salt)))
    }

    /// Checks `_delegate(staker, operator)`: every held position moves to the operator with its
    /// withdrawable value, and the scaling factor absorbs the operator's past slashing.
    fn plan_delegate(
        &self,
        staker: Address,
        operator: Address,
        record: &Operator,
    ) -> Result<DelegationPlan> {
        let mut positions = Vec::new();
        if let Some(held) = self.stakers.get(&staker) {
            for position in ordered_positions(held) {
                let strategy = position.strategy;
                let undelegated = self.slashing_factor(staker, None, strategy)?;
                let shares = withdrawable_shares(
                    position.deposit_shares,
                    position.deposit_scaling_factor,
                    undelegated,
                )?;
                // The beacon strategy's operator factor is taken without the staker's own BCSF.
                let operator_factor = U256::from(record.max_magnitude(strategy));
                if operator_factor.is_zero() {
                    return Err(EigenLayerError::FullySlashed { strategy });
                }
                if shares.is_zero() {
                    continue;
                }
                let dsf = super::updated_scaling_factor(
                    position.deposit_scaling_factor,
                    U256::ZERO,
                    shares,
                    operator_factor,
                )?;
                math::add(record.shares(strategy), shares)?;
                positions.push((strategy, dsf, shares));
            }
        }
        Ok(DelegationPlan { staker, operator, positions })
    }

    fn commit_delegate(&mut self, plan: DelegationPlan, events: &mut Events) {
        let DelegationPlan { staker, operator, positions } = plan;
        let record = self.stakers.entry_or_default(staker);
        record.delegated_to = Some(operator);
        events.push(Ev::StakerDelegated { staker, operator });
        for (strategy, dsf, shares) in positions {
            let index = record.position_index(strategy).expect("planned from this record");
            record.positions[index].deposit_scaling_factor = dsf;
            events.push(Ev::DepositScalingFactorUpdated {
                staker,
                strategy,
                new_deposit_scaling_factor: dsf,
            });
            let op = self.operators.get_mut(&operator).expect("registered");
            let entry = op.strategies.entry(strategy).or_default();
            entry.shares = math::add(entry.shares, shares).expect("planned");
            events.push(Ev::OperatorSharesIncreased { operator, staker, strategy, shares });
        }
    }

    pub(super) fn undelegate(
        &mut self,
        env: &Env,
        sender: Address,
        staker: Address,
        events: &mut Events,
    ) -> Result<()> {
        let undelegation = self.plan_undelegate(env, sender, staker)?;
        self.commit_undelegate(env, undelegation, events);
        Ok(())
    }

    /// Checks `undelegate(staker)` as sent by `sender`: one withdrawal per held strategy, all
    /// deposit shares (`_undelegate`).
    fn plan_undelegate(&self, env: &Env, sender: Address, staker: Address) -> Result<Undelegation> {
        let operator =
            self.delegated_to(staker).ok_or(EigenLayerError::NotActivelyDelegated(staker))?;
        if self.is_operator(staker) {
            return Err(EigenLayerError::OperatorsCannotUndelegate);
        }
        let forced = sender != staker;
        if forced {
            let approver = self.operators[&operator].delegation_approver;
            let allowed = self.can_call(operator, sender, "undelegate") || sender == approver;
            if !allowed {
                return Err(EigenLayerError::CallerCannotUndelegate { staker, caller: sender });
            }
        }
        let record = self.stakers.get(&staker).cloned().unwrap_or_default();
        let requests: Vec<QueuedWithdrawalParams> = ordered_positions(&record)
            .map(|p| QueuedWithdrawalParams {
                strategies: vec![p.strategy],
                deposit_shares: vec![p.deposit_shares],
                deprecated_withdrawer: Address::ZERO,
            })
            .collect();
        let queue = self.plan_queue(env, staker, Some(operator), &requests)?;
        Ok(Undelegation { staker, operator, forced, queue })
    }

    fn commit_undelegate(&mut self, env: &Env, undelegation: Undelegation, events: &mut Events) {
        let Undelegation { staker, operator, forced, queue } = undelegation;
        if forced {
            events.push(Ev::StakerForceUndelegated { staker, operator });
        }
        events.push(Ev::StakerUndelegated { staker, operator });
        self.commit_queue(env, queue, events);
        let record = self.stakers.get_mut(&staker).expect("delegated stakers have a record");
        record.delegated_to = None;
        if record.is_empty() {
            self.stakers.remove(&staker);
        }
    }

    /// `redelegate`: `undelegate(msg.sender)` then `delegateTo`, with the undelegation's checks
    /// first, as the contract runs them.
    pub(super) fn redelegate(
        &mut self,
        env: &Env,
        staker: Address,
        args: &Redelegate,
        events: &mut Events,
    ) -> Result<()> {
        let undelegation = self.plan_undelegate(env, staker, staker)?;
        if !self.is_operator(args.new_operator) {
            return Err(EigenLayerError::OperatorNotRegistered(args.new_operator));
        }
        let salt = self.check_approver_signature(
            env,
            staker,
            args.new_operator,
            &args.new_operator_approver_sig,
            args.approver_salt,
        )?;
        // Undelegating queued every position, so the new delegation moves no shares.
        self.commit_undelegate(env, undelegation, events);
        if let Some(spent) = salt {
            self.spent_salts.insert(spent);
        }
        let plan = DelegationPlan { staker, operator: args.new_operator, positions: Vec::new() };
        self.commit_delegate(plan, events);
        Ok(())
    }

    pub(super) fn queue_withdrawals(
        &mut self,
        env: &Env,
        staker: Address,
        params: &[QueuedWithdrawalParams],
        events: &mut Events,
    ) -> Result<()> {
        let operator = self.delegated_to(staker);
        let plan = self.plan_queue(env, staker, operator, params)?;
        self.commit_queue(env, plan, events);
        Ok(())
    }

    /// Checks `_removeSharesAndQueueWithdrawal` for each request in turn, on scratch copies of
    /// the staker and the operator's shares.
    fn plan_queue(
        &self,
        env: &Env,
        staker: Address,
        operator: Option<Address>,
        requests: &[QueuedWithdrawalParams],
    ) -> Result<QueuePlan> {
        let mut record = self.stakers.get(&staker).cloned().unwrap_or_default();
        let mut operator_strategies: BTreeMap<Address, (U256, U256)> = BTreeMap::new();
        let mut withdrawals = Vec::new();
        let mut events = Events::new();
        for request in requests {
            if request.strategies.len() != request.deposit_shares.len() {
                return Err(EigenLayerError::InputArrayLengthMismatch(
                    request.strategies.len(),
                    request.deposit_shares.len(),
                ));
            }
            if request.strategies.is_empty() {
                return Err(EigenLayerError::InputArrayLengthZero);
            }
            let mut scaled_shares = Vec::with_capacity(request.strategies.len());
            let mut withdrawable = Vec::with_capacity(request.strategies.len());
            for (&strategy, &to_withdraw) in request.strategies.iter().zip(&request.deposit_shares)
            {
                let index = record.position_index(strategy);
                let stored_dsf =
                    index.map_or(U256::ZERO, |i| record.positions[i].deposit_scaling_factor);
                let slashing_factor = self.slashing_factor(staker, operator, strategy)?;
                let shares = withdrawable_shares(to_withdraw, stored_dsf, slashing_factor)?;
                let scaled = math::mul_wad(to_withdraw, super::scaling_factor(stored_dsf))?;
                if let Some(op) = operator {
                    let (op_shares, cumulative) = match operator_strategies.get(&strategy) {
                        Some(values) => *values,
                        None => {
                            let entry = self.operators[&op].strategies.get(&strategy);
                            let shares = entry.map_or(U256::ZERO, |e| e.shares);
                            let cumulative = entry.map_or(U256::ZERO, |e| {
                                e.cumulative_scaled_shares.latest(U256::ZERO)
                            });
                            (shares, cumulative)
                        }
                    };
                    // The contract decrements operator shares before checking the staker's
                    // balance, so an oversized request by a sole delegator panics here first.
                    let op_shares = math::sub(op_shares, shares)?;
                    operator_strategies
                        .insert(strategy, (op_shares, math::add(cumulative, scaled)?));
                    events.push(Ev::OperatorSharesDecreased {
                        operator: op,
                        staker,
                        strategy,
                        shares,
                    });
                }
                let held = index.map_or(U256::ZERO, |i| record.positions[i].deposit_shares);
                if strategy == BEACON_CHAIN_ETH_STRATEGY {
                    // EigenPodManager.removeDepositShares: no zero check, `SharesNegative`.
                    if to_withdraw > held {
                        return Err(EigenLayerError::SharesNegative);
                    }
                    events.push(Ev::NewTotalShares {
                        pod_owner: staker,
                        new_total_shares: held - to_withdraw,
                    });
                } else {
                    if to_withdraw.is_zero() {
                        return Err(EigenLayerError::SharesAmountZero);
                    }
                    if to_withdraw > held {
                        return Err(EigenLayerError::SharesAmountTooHigh {
                            strategy,
                            requested: to_withdraw,
                            available: held,
                        });
                    }
                }
                let remaining = math::sub(held, to_withdraw)?;
                let Some(index) = index else {
                    // Nothing held and nothing withdrawn (the beacon strategy allows zero).
                    scaled_shares.push(scaled);
                    withdrawable.push(shares);
                    continue;
                };
                if remaining.is_zero() {
                    remove_position(&mut record, index);
                    events.push(Ev::DepositScalingFactorUpdated {
                        staker,
                        strategy,
                        new_deposit_scaling_factor: WAD,
                    });
                } else {
                    record.positions[index].deposit_shares = remaining;
                }
                scaled_shares.push(scaled);
                withdrawable.push(shares);
            }
            let withdrawal = Withdrawal {
                staker,
                delegated_to: operator.unwrap_or_default(),
                withdrawer: staker,
                nonce: U256::from(record.withdrawal_nonce),
                start_block: u32::try_from(env.block)
                    .expect("the clock keeps blocks within uint32"),
                strategies: request.strategies.clone(),
                scaled_shares,
            };
            record.withdrawal_nonce += 1;
            let root = withdrawal_root(&withdrawal);
            // Roots include the staker's nonce, so they never repeat.
            assert!(!self.withdrawals.contains_key(&root), "withdrawal roots are unique");
            record.queued_withdrawals.push(root);
            events.push(Ev::SlashingWithdrawalQueued {
                withdrawal_root: root,
                withdrawal: Box::new(withdrawal.clone()),
                shares_to_withdraw: withdrawable,
            });
            withdrawals.push((root, withdrawal));
        }
        Ok(QueuePlan { staker, record, operator, operator_strategies, withdrawals, events })
    }

    fn commit_queue(&mut self, env: &Env, plan: QueuePlan, events: &mut Events) {
        let QueuePlan {
            staker,
            record,
            operator,
            operator_strategies,
            withdrawals,
            events: planned,
        } = plan;
        if let Some(op) = operator {
            let op_record = self.operators.get_mut(&op).expect("delegated to an operator");
            for (strategy, (shares, cumulative)) in operator_strategies {
                let entry = op_record.strategies.entry(strategy).or_default();
                entry.shares = shares;
                entry.cumulative_scaled_shares.push(env.block, cumulative);
            }
        }
        for (root, withdrawal) in withdrawals {
            self.withdrawals.insert(root, withdrawal);
        }
        if record.is_empty() {
            self.stakers.remove(&staker);
        } else {
            self.stakers.insert(staker, record);
        }
        events.extend(planned);
    }

    /// `completeQueuedWithdrawal(s)`. Each withdrawal runs in turn; if any fails, every record
    /// the call touched is restored, so the batch is all-or-nothing like a reverted transaction.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn complete_queued_withdrawals(
        &mut self,
        ledger: &mut Ledger,
        env: &Env,
        sender: Address,
        withdrawals: &[Withdrawal],
        tokens: &[TokenList],
        receive_as_tokens: &[bool],
        events: &mut Events,
    ) -> Result<()> {
        // Queued withdrawals are found by comparing with the staker's few queued records, which
        // is what matching `keccak256(abi.encode(withdrawal))` decides, without hashing.
        let roots: Vec<Option<B256>> =
            withdrawals.iter().map(|w| self.find_queued_root(w)).collect();
        let saved = self.save_for_completion(ledger, sender, withdrawals, &roots);
        let mut produced = Events::new();
        for (index, (withdrawal, root)) in withdrawals.iter().zip(&roots).enumerate() {
            // The contract indexes the other arrays per withdrawal: extra entries are ignored,
            // a missing one panics (0x32) when the loop reaches it.
            let (Some(tokens), Some(&as_tokens)) =
                (tokens.get(index), receive_as_tokens.get(index))
            else {
                self.restore_after_completion(ledger, saved);
                return Err(EigenLayerError::ArrayIndexOutOfBounds(index));
            };
            let outcome = self.complete_one(
                ledger,
                env,
                sender,
                withdrawal,
                *root,
                &tokens.0,
                as_tokens,
                &mut produced,
            );
            if let Err(error) = outcome {
                self.restore_after_completion(ledger, saved);
                return Err(error);
            }
        }
        events.extend(produced);
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn complete_one(
        &mut self,
        ledger: &mut Ledger,
        env: &Env,
        sender: Address,
        withdrawal: &Withdrawal,
        root: Option<B256>,
        tokens: &[Address],
        receive_as_tokens: bool,
        events: &mut Events,
    ) -> Result<()> {
        if tokens.len() != withdrawal.strategies.len() {
            return Err(EigenLayerError::InputArrayLengthMismatch(
                tokens.len(),
                withdrawal.strategies.len(),
            ));
        }
        if sender != withdrawal.withdrawer {
            return Err(EigenLayerError::WithdrawerNotCaller { withdrawer: withdrawal.withdrawer });
        }
        let root = root
            .filter(|root| self.withdrawals.contains_key(root))
            .ok_or_else(|| EigenLayerError::WithdrawalNotQueued(withdrawal_root(withdrawal)))?;
        let slashable_until =
            u64::from(withdrawal.start_block) + self.params.min_withdrawal_delay_blocks;
        if env.block <= slashable_until {
            return Err(EigenLayerError::WithdrawalDelayNotElapsed {
                completable_after: slashable_until,
                now: env.block,
            });
        }
        let factors = self.completion_slashing_factors(withdrawal, slashable_until)?;

        self.withdrawals.remove(&root);
        let staker = withdrawal.staker;
        let record =
            self.stakers.get_mut(&staker).expect("queued withdrawals have a staker record");
        let at = record.queued_withdrawals.iter().position(|r| *r == root).expect("listed");
        record.queued_withdrawals.swap_remove(at);
        events.push(Ev::SlashingWithdrawalCompleted { withdrawal_root: root });

        for ((&strategy, &scaled), (&token, factor)) in withdrawal
            .strategies
            .iter()
            .zip(&withdrawal.scaled_shares)
            .zip(tokens.iter().zip(factors))
        {
            let shares = math::mul_wad(scaled, factor)?;
            if shares.is_zero() {
                continue;
            }
            if receive_as_tokens {
                if strategy == BEACON_CHAIN_ETH_STRATEGY {
                    self.withdraw_restaked_beacon_chain_eth(ledger, staker, shares, events)?;
                    continue;
                }
                let payout = self.plan_strategy_withdrawal(ledger, strategy, token, shares)?;
                self.commit_strategy_withdrawal(ledger, &payout, staker);
            } else {
                let added = self.plan_add_shares(staker, strategy, shares)?;
                // StrategyManager._addShares emits Deposit; EigenPodManager._addShares emits
                // PodSharesUpdated and NewTotalShares.
                if strategy == BEACON_CHAIN_ETH_STRATEGY {
                    events.push(Ev::PodSharesUpdated { pod_owner: staker, shares_delta: shares });
                    events.push(Ev::NewTotalShares {
                        pod_owner: staker,
                        new_total_shares: added.position.deposit_shares,
                    });
                } else {
                    events.push(Ev::Deposit { staker, strategy, shares });
                }
                self.commit_added_shares(added, events);
            }
        }
        Ok(())
    }

    /// The root of the queued withdrawal equal to `withdrawal`, if one is queued.
    fn find_queued_root(&self, withdrawal: &Withdrawal) -> Option<B256> {
        let record = self.stakers.get(&withdrawal.staker)?;
        record
            .queued_withdrawals
            .iter()
            .copied()
            .find(|root| self.withdrawals.get(root) == Some(withdrawal))
    }

    /// The slashing factor of each strategy at completion: the original operator's magnitude at
    /// the last slashable block, and for beacon ETH the staker's current beacon-chain factor.
    fn completion_slashing_factors(
        &self,
        withdrawal: &Withdrawal,
        slashable_until: u64,
    ) -> Result<Vec<U256>> {
        let operator = self.operators.get(&withdrawal.delegated_to);
        withdrawal
            .strategies
            .iter()
            .map(|&strategy| {
                let magnitude =
                    operator.and_then(|op| op.strategies.get(&strategy)).map_or(WAD_U64, |s| {
                        s.max_magnitude_history.upper_lookup(slashable_until, WAD_U64)
                    });
                if strategy == BEACON_CHAIN_ETH_STRATEGY {
                    let beacon = self.beacon_chain_slashing_factor(withdrawal.staker);
                    Ok(math::mul_wad(U256::from(magnitude), beacon)?)
                } else {
                    Ok(U256::from(magnitude))
                }
            })
            .collect()
    }

    fn save_for_completion(
        &self,
        ledger: &Ledger,
        sender: Address,
        withdrawals: &[Withdrawal],
        roots: &[Option<B256>],
    ) -> SavedRecords {
        let mut saved = SavedRecords::default();
        let current_operator = self.delegated_to(sender);
        for (withdrawal, &root) in withdrawals.iter().zip(roots) {
            for staker in [sender, withdrawal.staker] {
                saved.stakers.entry(staker).or_insert_with(|| self.stakers.get(&staker).cloned());
            }
            if let Some(root) = root {
                saved
                    .withdrawals
                    .entry(root)
                    .or_insert_with(|| self.withdrawals.get(&root).cloned());
            }
            for &strategy in &withdrawal.strategies {
                if strategy == BEACON_CHAIN_ETH_STRATEGY
                    && let Some(pod) = self.pods.get(&withdrawal.staker)
                {
                    saved
                        .pods
                        .entry(withdrawal.staker)
                        .or_insert(pod.restaked_execution_layer_gwei);
                    for holder in [pod.address, withdrawal.staker] {
                        let key = (NATIVE_ETH, holder);
                        saved
                            .balances
                            .entry(key)
                            .or_insert_with(|| ledger.balance_of(NATIVE_ETH, holder));
                    }
                }
                if let Some(pool) = self.strategies.get(&strategy) {
                    saved.pools.entry(strategy).or_insert(pool.total_shares);
                    for holder in [strategy, withdrawal.staker] {
                        let key = (pool.token, holder);
                        saved
                            .balances
                            .entry(key)
                            .or_insert_with(|| ledger.balance_of(pool.token, holder));
                    }
                }
                if let Some(op) = current_operator {
                    let shares = self.operators[&op].strategies.get(&strategy).map(|s| s.shares);
                    saved.operator_shares.entry((op, strategy)).or_insert(shares);
                }
            }
        }
        saved
    }

    fn restore_after_completion(&mut self, ledger: &mut Ledger, saved: SavedRecords) {
        for (staker, record) in saved.stakers {
            match record {
                Some(record) => self.stakers.insert(staker, record),
                None => drop(self.stakers.remove(&staker)),
            }
        }
        for (root, withdrawal) in saved.withdrawals {
            match withdrawal {
                Some(withdrawal) => self.withdrawals.insert(root, withdrawal),
                None => self.withdrawals.remove(&root),
            };
        }
        for (owner, restaked) in saved.pods {
            self.pods.get_mut(&owner).expect("saved from this map").restaked_execution_layer_gwei =
                restaked;
        }
        for (strategy, total) in saved.pools {
            self.strategies.get_mut(&strategy).expect("saved from this map").total_shares = total;
        }
        for ((operator, strategy), shares) in saved.operator_shares {
            let op = self.operators.get_mut(&operator).expect("saved from this map");
            match shares {
                Some(shares) => {
                    op.strategies.get_mut(&strategy).expect("saved as present").shares = shares
                }
                // Created by the failed call: completion adds shares and nothing else to it.
                None => drop(op.strategies.remove(&strategy)),
            }
        }
        // Balances are put back by moving the difference, which keeps the supply exact.
        restore_balances(ledger, &saved.balances);
    }
}

/// `secp256k1n / 2`: OpenZeppelin's `ECDSA.tryRecover` rejects signatures with a larger `s`.
const HALF_ORDER: U256 = U256::from_limbs([
    0xDFE9_2F46_681B_20A0,
    0x5D57_6E73_57A4_501D,
    0xFFFF_FFFF_FFFF_FFFF,
    0x7FFF_FFFF_FFFF_FFFF,
]);

/// A 65-byte `r ‖ s ‖ v` signature as `ECDSA.tryRecover` accepts it: `v` of 27 or 28 and a
/// low `s` (no malleable twin).
fn strict_ecdsa(bytes: &[u8]) -> Option<Signature> {
    let [.., v] = bytes else { return None };
    if bytes.len() != 65 || !matches!(v, 27 | 28) {
        return None;
    }
    let signature = Signature::try_from(bytes).ok()?;
    (signature.s() <= HALF_ORDER).then_some(signature)
}

/// Records a failed batch completion may have touched, as they were before it.
#[derive(Default)]
struct SavedRecords {
    stakers: BTreeMap<Address, Option<Staker>>,
    withdrawals: BTreeMap<B256, Option<Withdrawal>>,
    pools: BTreeMap<Address, U256>,
    /// `restakedExecutionLayerGwei` of pods paying beacon-chain ETH out.
    pods: BTreeMap<Address, u64>,
    /// `None`: the operator had no record for the strategy before the call.
    operator_shares: BTreeMap<(Address, Address), Option<U256>>,
    balances: BTreeMap<(Address, Address), U256>,
}

fn restore_balances(ledger: &mut Ledger, saved: &BTreeMap<(Address, Address), U256>) {
    // Completion only moves tokens between the saved holders, so putting each saved balance back
    // restores every balance and leaves the total supply as it was.
    for (&(token, holder), &before) in saved {
        ledger.restore_balance(token, holder, before);
    }
}

/// Positions in `getDepositedShares` order: StrategyManager strategies in list order, then
/// beacon-chain ETH last.
pub(crate) fn ordered_positions(record: &Staker) -> impl Iterator<Item = &Position> {
    let strategies = record.positions.iter().filter(|p| p.strategy != BEACON_CHAIN_ETH_STRATEGY);
    let beacon = record.positions.iter().filter(|p| p.strategy == BEACON_CHAIN_ETH_STRATEGY);
    strategies.chain(beacon)
}

/// Removes a position the way the StrategyManager removes a strategy from `stakerStrategyList`:
/// the last StrategyManager entry moves into the gap (swap-and-pop); beacon ETH is kept apart.
pub(crate) fn remove_position(record: &mut Staker, index: usize) {
    if record.positions[index].strategy == BEACON_CHAIN_ETH_STRATEGY {
        record.positions.remove(index);
        return;
    }
    let last = record
        .positions
        .iter()
        .rposition(|p| p.strategy != BEACON_CHAIN_ETH_STRATEGY)
        .expect("the removed position itself is a StrategyManager entry");
    record.positions.swap(index, last);
    record.positions.remove(last);
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{address, b256};

    use super::*;

    #[test]
    fn withdrawal_root_matches_abi_encode_of_the_struct() {
        // Research vector: keccak256(abi.encode(Withdrawal)) including the leading offset word.
        let one = address!("0x1111111111111111111111111111111111111111");
        let withdrawal = Withdrawal {
            staker: one,
            delegated_to: address!("0x3333333333333333333333333333333333333333"),
            withdrawer: one,
            nonce: U256::ZERO,
            start_block: 1003,
            strategies: vec![address!("0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")],
            scaled_shares: vec![U256::from(66_666_666_666_666_666_600u128)],
        };
        assert_eq!(
            withdrawal_root(&withdrawal),
            b256!("0x0065c146b7e9e07a84e4aaea5f9397153f559660033f467d5583385c0c976a47")
        );
    }

    #[test]
    fn delegation_approval_typehash_is_the_contracts() {
        assert_eq!(
            keccak256(DelegationApproval::eip712_encode_type().as_bytes()),
            b256!("0x14bde674c9f64b2ad00eaaee4a8bed1fabef35c7507e3c5b9cfc9436909a2dad")
        );
    }

    #[test]
    fn only_low_s_signatures_with_v_27_or_28_are_accepted() {
        // OpenZeppelin's ECDSA.tryRecover rejects the malleable twin (n - s, flipped v).
        let key = crate::accounts::named_signing_key("approver");
        let digest = keccak256("approval");
        let (signature, recovery) = key.sign_prehash_recoverable(digest.as_slice()).unwrap();
        let mut bytes = signature.to_bytes().to_vec();
        bytes.push(27 + recovery.to_byte());
        assert!(strict_ecdsa(&bytes).is_some());
        let order = U256::from_be_bytes([
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            0xFF, 0xFE, 0xBA, 0xAE, 0xDC, 0xE6, 0xAF, 0x48, 0xA0, 0x3B, 0xBF, 0xD2, 0x5E, 0x8C,
            0xD0, 0x36, 0x41, 0x41,
        ]);
        let s = U256::from_be_slice(&bytes[32..64]);
        let mut twin = bytes.clone();
        twin[32..64].copy_from_slice(&(order - s).to_be_bytes::<32>());
        twin[64] = if bytes[64] == 27 { 28 } else { 27 };
        assert!(strict_ecdsa(&twin).is_none(), "high s");
        let mut v_zero = bytes.clone();
        v_zero[64] = recovery.to_byte();
        assert!(strict_ecdsa(&v_zero).is_none(), "v must be 27 or 28");
        assert!(strict_ecdsa(&bytes[..64]).is_none(), "65 bytes");
    }

    #[test]
    fn removing_a_position_swaps_and_pops_within_strategy_manager_entries() {
        let position = |strategy| Position {
            strategy,
            deposit_shares: U256::from(1),
            deposit_scaling_factor: U256::ZERO,
        };
        let (a, b, c) =
            (Address::repeat_byte(0xa), Address::repeat_byte(0xb), Address::repeat_byte(0xc));
        let mut record = Staker {
            positions: smallvec::smallvec![
                position(a),
                position(b),
                position(c),
                position(BEACON_CHAIN_ETH_STRATEGY)
            ],
            ..Staker::default()
        };
        remove_position(&mut record, 0);
        let order: Vec<Address> = ordered_positions(&record).map(|p| p.strategy).collect();
        assert_eq!(order, vec![c, b, BEACON_CHAIN_ETH_STRATEGY]);
    }
}
