//! The LRT manager's calls through other protocols: adding operator delegators, restaking the
//! buffer by weight, executing EigenLayer, beacon-chain and token calls as the pool or a
//! delegator; and the comparison of the brief's three strategies. These need the whole world,
//! so they are methods of [`World`]; each is atomic (a failure restores the world).

use alloy_primitives::{Address, U256};
use serde_json::{Value, json};

use super::{
    BPS, LrtCall, LrtError, LrtEvent, OperatorDelegator, calls, delegator_address, views::Compare,
};
use crate::{
    Action, Call, Event, Rejection, World,
    accounts::NATIVE_ETH,
    beacon::MIN_ACTIVATION_BALANCE,
    beacon::calls::BeaconCall,
    lido::LidoCall,
    math::{self, GWEI, Rounding},
    world::TokenCall,
};

/// 32 ETH in wei.
fn validator_deposit() -> U256 {
    U256::from(MIN_ACTIVATION_BALANCE) * GWEI
}

impl World {
    /// What an LRT call sees of the world.
    pub fn lrt_env(&self) -> super::LrtEnv<'_> {
        super::LrtEnv {
            now: self.clock.timestamp(),
            block: self.clock.block,
            admin: self.admin,
            eigenlayer: &self.eigenlayer,
            beacon: &self.beacon,
            lido: &self.lido,
        }
    }

    /// Applies an LRT call.
    pub(crate) fn apply_lrt(
        &mut self,
        sender: Address,
        call: &LrtCall,
    ) -> Result<Vec<Event>, Rejection> {
        match call {
            LrtCall::Execute(a) => self.lrt_execute(sender, a),
            LrtCall::AddDelegator(a) => self.atomically(|world| world.lrt_add_delegator(sender, a)),
            LrtCall::Restake(a) => self.atomically(|world| world.lrt_restake(sender, a.target)),
            LrtCall::Unwind(a) => {
                self.atomically(|world| world.lrt_unwind(sender, a.target, a.amount))
            }
            LrtCall::ProcessUnwind(a) => {
                self.atomically(|world| world.lrt_process_unwind(sender, a.target))
            }
            other => {
                let env = super::LrtEnv {
                    now: self.clock.timestamp(),
                    block: self.clock.block,
                    admin: self.admin,
                    eigenlayer: &self.eigenlayer,
                    beacon: &self.beacon,
                    lido: &self.lido,
                };
                let events = self.lrts.apply(&mut self.ledger, &env, sender, other)?;
                Ok(events.into_iter().map(Event::Lrt).collect())
            }
        }
    }

    pub(super) fn atomically(
        &mut self,
        body: impl FnOnce(&mut World) -> Result<Vec<Event>, Rejection>,
    ) -> Result<Vec<Event>, Rejection> {
        let saved = self.clone();
        body(self).inspect_err(|_| *self = saved)
    }

    fn lrt_actor(
        &self,
        sender: Address,
        pool: Address,
        delegator: Option<usize>,
    ) -> Result<Address, Rejection> {
        let lrt = self.lrts.lrt(pool)?;
        if sender != lrt.admin {
            return Err(LrtError::NotManager("execute").into());
        }
        match delegator {
            None => Ok(pool),
            Some(i) => lrt.delegators.get(i).map(|d| d.address).ok_or_else(|| {
                LrtError::InvalidParams(format!("no operator delegator {i}")).into()
            }),
        }
    }

    pub(super) fn lrt_inner(
        &mut self,
        actor: Address,
        name: &str,
        args: Value,
    ) -> Result<Vec<Event>, Rejection> {
        let action = Action::parse(name, args)
            .map_err(|e| Rejection::from(LrtError::ForbiddenCall(e.to_string())))?;
        if matches!(action, Action::Lrt(_)) {
            return Err(LrtError::ForbiddenCall(name.to_owned()).into());
        }
        self.apply(&Call { sender: actor, action })
    }

    /// `lrt.execute`: an EigenLayer or beacon-chain call made as one of the LRT's delegators,
    /// a token transfer between the pool and its delegators, or a redemption of stETH at Lido
    /// by the pool or a delegator (`lido.request_withdrawals` owned by one of them,
    /// `lido.claim_withdrawal(s)` paid to one of them: NAV counts their unclaimed requests at
    /// par). Nothing leaves the LRT's backing this way: the pool makes no other call (a
    /// position in its own name would not count in NAV), tokens and claims stay among the pool
    /// and its delegators, and the LRT's own token (escrowed requests) never moves.
    fn lrt_execute(
        &mut self,
        sender: Address,
        a: &calls::Execute,
    ) -> Result<Vec<Event>, Rejection> {
        let actor = self.lrt_actor(sender, a.target, a.delegator)?;
        let lrt = self.lrts.lrt(a.target)?;
        let action = a.call.clone();
        let insider =
            |who: &Address| *who == a.target || lrt.delegators.iter().any(|d| d.address == *who);
        let allowed = match (&action, a.delegator) {
            (Action::Token(TokenCall::Transfer { to, token, .. }), _) => {
                insider(to) && *token != lrt.token && Some(*token) != lrt.wrapper
            }
            (Action::EigenLayer(call), Some(_)) => {
                use crate::eigenlayer::calls::EigenLayerCall as El;
                // A delegator's own restaking: nothing here names an outside recipient, pays
                // anyone or hands a right to someone else.
                matches!(
                    call,
                    El::DepositIntoStrategy(_)
                        | El::DelegateTo(_)
                        | El::Undelegate(_)
                        | El::Redelegate(_)
                        | El::QueueWithdrawals(_)
                        | El::CompleteQueuedWithdrawal(_)
                        | El::CompleteQueuedWithdrawals(_)
                        | El::CreatePod(_)
                        | El::Stake(_)
                        | El::VerifyWithdrawalCredentials(_)
                        | El::StartCheckpoint(_)
                        | El::VerifyCheckpointProofs(_)
                        | El::VerifyStaleBalance(_)
                        | El::RequestWithdrawal(_)
                )
            }
            // Exits of its own validators; a deposit could name outside credentials.
            (
                Action::Beacon(BeaconCall::VoluntaryExit(_) | BeaconCall::WithdrawalRequest(_)),
                Some(_),
            ) => true,
            // Redeeming stETH at Lido: the requests stay the LRT's, the ETH comes to it.
            (Action::Lido(LidoCall::RequestWithdrawals(r)), _) => {
                r.owner.is_none_or(|owner| owner.is_zero() || insider(&owner))
            }
            (Action::Lido(LidoCall::ClaimWithdrawal(c)), _) => {
                c.recipient.is_none_or(|r| insider(&r))
            }
            (Action::Lido(LidoCall::ClaimWithdrawals(c)), _) => {
                c.recipient.is_none_or(|r| insider(&r))
            }
            _ => false,
        };
        if !allowed {
            return Err(LrtError::ForbiddenCall(format!(
                "{} as {} (the pool moves tokens to its delegators and redeems stETH at Lido for itself; a delegator restakes, withdraws, proves and exits its own validators, redeems stETH at Lido for the LRT, and moves tokens within the LRT)",
                a.call.name(),
                if a.delegator.is_some() { "a delegator" } else { "the pool" }
            ))
            .into());
        }
        // The inner call is atomic by itself (every module's call is), and no call allowed
        // above can move an LRT's own token or its wrapper's backing, so nothing here can
        // break an LRT invariant: no whole-world snapshot is needed around it (one per call
        // was most of a simulated day). The check stays, as an assertion of that argument.
        let events = self.apply(&Call { sender: actor, action })?;
        debug_assert!(
            self.lrts.check_invariants(&self.ledger).is_ok(),
            "{} as an LRT insider broke an LRT invariant",
            a.call.name()
        );
        Ok(events)
    }

    fn lrt_add_delegator(
        &mut self,
        sender: Address,
        a: &calls::AddDelegator,
    ) -> Result<Vec<Event>, Rejection> {
        let lrt = self.lrts.lrt(a.target)?;
        if sender != lrt.admin {
            return Err(LrtError::NotManager("add_delegator").into());
        }
        let weights =
            lrt.delegators.iter().map(|d| d.weight_bps).sum::<u64>().saturating_add(a.weight_bps);
        if weights > BPS || a.weight_bps == 0 {
            return Err(LrtError::InvalidWeights.into());
        }
        let address = delegator_address(a.target, lrt.delegators.len());
        let mut events = self.lrt_inner(
            address,
            "eigenlayer.delegate_to",
            json!({ "operator": a.operator.to_string() }),
        )?;
        let lrt = self.lrts.instances.get_mut(&a.target).expect("checked above");
        lrt.delegators.push(OperatorDelegator {
            address,
            operator: a.operator,
            weight_bps: a.weight_bps,
        });
        events.push(Event::Lrt(LrtEvent::DelegatorAdded {
            lrt: a.target,
            delegator: address,
            operator: a.operator,
            weight_bps: a.weight_bps,
        }));
        Ok(events)
    }

    /// Moves what the buffer holds above its target (and above what pending withdrawals are
    /// owed) into the operator delegators by weight: LSTs into their EigenLayer strategies,
    /// ETH into 32-ETH validators of the delegators' EigenPods.
    fn lrt_restake(&mut self, sender: Address, pool: Address) -> Result<Vec<Event>, Rejection> {
        let env = self.lrt_env();
        let lrt = self.lrts.lrt(pool)?.clone();
        if sender != lrt.admin {
            return Err(LrtError::NotManager("restake").into());
        }
        if lrt.delegators.is_empty() {
            return Err(LrtError::InvalidParams(
                "no operator delegators to restake through".into(),
            )
            .into());
        }
        let nav = lrt.live_nav(pool, &self.ledger, &env)?;
        let target = math::mul_div(
            nav.total,
            U256::from(lrt.params.buffer_target_bps),
            U256::from(BPS),
            Rounding::Ceil,
        )
        .map_err(LrtError::from)?;
        let owed: U256 = lrt.withdrawals.values().map(|w| w.owed).sum();
        let keep = target.max(owed);
        let total_weight: u64 = lrt.delegators.iter().map(|d| d.weight_bps).sum();
        if total_weight == 0 {
            return Err(LrtError::InvalidWeights.into());
        }
        let mut events = Vec::new();
        // LSTs: all of them, split by weight (the buffer target is kept in ETH).
        for &asset in lrt.prices.keys() {
            let balance = self.ledger.balance_of(asset, pool);
            let Some(strategy) = self
                .eigenlayer
                .strategies
                .iter()
                .find(|(_, s)| s.token == asset)
                .map(|(address, _)| *address)
            else {
                continue;
            };
            let mut left = balance;
            // The rounding remainder goes to the last delegator that has a weight.
            let last = lrt.delegators.iter().rposition(|d| d.weight_bps > 0);
            for (i, delegator) in lrt.delegators.iter().enumerate() {
                let share = if Some(i) == last {
                    left
                } else {
                    balance * U256::from(delegator.weight_bps) / U256::from(total_weight)
                };
                left -= share;
                if share.is_zero() {
                    continue;
                }
                let token = asset.to_string();
                events.extend(self.lrt_inner(pool, "token.transfer", json!({ "to": delegator.address.to_string(), "token": token, "amount": share.to_string() }))?);
                events.extend(self.lrt_inner(delegator.address, "eigenlayer.deposit_into_strategy", json!({ "strategy": strategy.to_string(), "token": token, "amount": share.to_string() }))?);
            }
        }
        // ETH: whole validators, each to the delegator furthest below its weight (D'Hondt).
        let eth = self.ledger.balance_of(NATIVE_ETH, pool);
        let spare = eth.saturating_sub(keep);
        let count = usize::try_from(spare / validator_deposit()).unwrap_or(usize::MAX).min(10_000);
        let mut assigned = vec![0u64; lrt.delegators.len()];
        for _ in 0..count {
            let pick = (0..lrt.delegators.len())
                .max_by_key(|&i| {
                    (u128::from(lrt.delegators[i].weight_bps) * 1_000_000)
                        / u128::from(assigned[i] + 1)
                })
                .expect("delegators exist");
            assigned[pick] += 1;
            let delegator = lrt.delegators[pick].address;
            let lrt_state = self.lrts.instances.get_mut(&pool).expect("checked above");
            let n = lrt_state.validators_staked;
            lrt_state.validators_staked += 1;
            let key = format!("{}-validator-{n}", lrt.symbol);
            events.extend(self.lrt_inner(pool, "token.transfer", json!({ "to": delegator.to_string(), "token": "ETH", "amount": validator_deposit().to_string() }))?);
            events.extend(self.lrt_inner(
                delegator,
                "eigenlayer.stake",
                json!({ "pubkey": key }),
            )?);
        }
        Ok(events)
    }

    /// How long `value` of native ETH restaked directly takes to exit now.
    fn direct_exit_seconds(&self, value: U256) -> u64 {
        let epoch = self.clock.block / crate::beacon::SLOTS_PER_EPOCH;
        let parts = super::exit::beacon_exit_seconds(
            &self.beacon,
            self.clock.block,
            U256::ZERO,
            value,
            epoch,
        );
        let el_delay =
            self.eigenlayer.params.min_withdrawal_delay_blocks * crate::clock::SECONDS_PER_BLOCK;
        el_delay.max(parts.iter().map(|(_, s)| s).sum())
    }

    /// The brief's three strategies for one staker and one amount: holding the LRT, restaking
    /// directly with an operator, and a hybrid of both. Yields are the assumed gross yield less
    /// each route's fees; exit times and exposures are read from the world.
    pub fn compare_strategies(&self, a: &Compare) -> Result<Value, Rejection> {
        let env = self.lrt_env();
        let lrt = self.lrts.lrt(a.target)?;
        if a.lrt_share_bps > BPS || a.gross_apr_bps > 100 * BPS {
            return Err(LrtError::InvalidParams(
                "lrt_share_bps is at most 10000 and gross_apr_bps at most 1000000".into(),
            )
            .into());
        }
        let gross = a.gross_apr_bps;
        let fee = lrt.params.protocol_fee_bps;
        let lrt_apr = gross * (BPS - fee) / BPS;
        let (nav, supply) = self.lrts.accounted(a.target, &self.ledger, &env)?;
        let shares = if supply.is_zero() || nav.is_zero() {
            a.amount
        } else {
            math::mul_div(a.amount, supply, nav, Rounding::Floor).map_err(LrtError::from)?
        };
        let routes = self.lrts.exit_routes(a.target, &self.ledger, &env, shares)?;
        let fastest = routes
            .iter()
            .filter(|r| r.available && r.route != "direct_restaking")
            .min_by_key(|r| r.seconds);
        let direct = routes.iter().find(|r| r.route == "direct_restaking").expect("always offered");
        // Exposure: the LRT's delegators' slashable positions, scaled to this holder's share of
        // NAV; the direct operator's allocations applied to the amount.
        let live = lrt.live_nav(a.target, &self.ledger, &env)?.total;
        let mut lrt_slashable = Vec::new();
        for delegator in &lrt.delegators {
            for e in self.exposure(delegator.address).map_err(LrtError::from)? {
                lrt_slashable.push((e.operator, e.service, e.service_id, e.slashable));
            }
        }
        let lrt_exposure = |amount: U256| -> Result<Vec<Value>, Rejection> {
            let mut out = Vec::new();
            for (operator, service, id, slashable) in &lrt_slashable {
                let scaled = if live.is_zero() {
                    U256::ZERO
                } else {
                    math::mul_div(*slashable, amount, live, Rounding::Floor)
                        .map_err(LrtError::from)?
                };
                out.push(json!({ "operator": operator.to_checksum(None), "service": service.to_checksum(None), "service_id": id, "slashable": scaled.to_string() }));
            }
            Ok(out)
        };
        let now = self.clock.block;
        let mut direct_fraction = Vec::new();
        if let Some(record) = self.eigenlayer.operators.get(&a.operator) {
            let strategy = crate::accounts::BEACON_CHAIN_ETH_STRATEGY;
            let max = record.max_magnitude(strategy);
            for (set, info) in &self.eigenlayer.operator_sets {
                if max == 0
                    || !info.strategies.contains(&strategy)
                    || !record.is_slashable_by(*set, now)
                {
                    continue;
                }
                let m = self
                    .eigenlayer
                    .get_allocation(now, a.operator, *set, strategy)
                    .current_magnitude;
                if m != 0 {
                    direct_fraction.push((set.avs, set.id, m, max));
                }
            }
        }
        let direct_exposure = |amount: U256| -> Result<Vec<Value>, Rejection> {
            let mut out = Vec::new();
            for (avs, id, m, max) in &direct_fraction {
                let slashable =
                    math::mul_div(amount, U256::from(*m), U256::from(*max), Rounding::Floor)
                        .map_err(LrtError::from)?;
                out.push(json!({ "operator": a.operator.to_checksum(None), "service": avs.to_checksum(None), "service_id": id, "slashable": slashable.to_string() }));
            }
            Ok(out)
        };
        let part = |v: U256, bps: u64| v * U256::from(bps) / U256::from(BPS);
        let lrt_part = part(a.amount, a.lrt_share_bps);
        let hybrid_apr = (lrt_apr * a.lrt_share_bps + gross * (BPS - a.lrt_share_bps)) / BPS;
        let lrt_seconds = fastest.map_or(direct.seconds, |r| r.seconds);
        // The hybrid's two halves exit on their own: the LRT part by its fastest route, the
        // direct part through EigenLayer and the beacon chain.
        let part_shares = if supply.is_zero() || nav.is_zero() {
            lrt_part
        } else {
            math::mul_div(lrt_part, supply, nav, Rounding::Floor).map_err(LrtError::from)?
        };
        let part_routes = self.lrts.exit_routes(a.target, &self.ledger, &env, part_shares)?;
        let part_fastest = part_routes
            .iter()
            .filter(|r| r.available && r.route != "direct_restaking")
            .min_by_key(|r| r.seconds);
        let direct_part_seconds = self.direct_exit_seconds(a.amount - lrt_part);
        let hybrid_exposure =
            [lrt_exposure(lrt_part)?, direct_exposure(a.amount - lrt_part)?].concat();
        Ok(json!([
            {
                "strategy": "lrt",
                "net_apr_bps": lrt_apr,
                "protocol_fee_bps": fee,
                "fastest_exit": fastest.map(|r| r.route.clone()),
                "fastest_exit_seconds": lrt_seconds,
                "fastest_exit_cost": fastest.map_or(U256::ZERO, |r| r.cost).to_string(),
                "queued_exit_seconds": routes.iter().find(|r| r.route == "queued").map(|r| r.seconds),
                "exposure": lrt_exposure(a.amount)?,
                "liquid_token": true,
            },
            {
                "strategy": "direct",
                "net_apr_bps": gross,
                "protocol_fee_bps": 0,
                "fastest_exit": "direct_restaking",
                "fastest_exit_seconds": direct.seconds,
                "fastest_exit_cost": "0",
                "exposure": direct_exposure(a.amount)?,
                "liquid_token": false,
            },
            {
                "strategy": "hybrid",
                "lrt_share_bps": a.lrt_share_bps,
                "in_lrt": lrt_part.to_string(),
                "direct": (a.amount - lrt_part).to_string(),
                "net_apr_bps": hybrid_apr,
                "fastest_exit_for_the_lrt_part": part_fastest.map(|r| r.route.clone()),
                "fastest_exit_seconds_for_the_lrt_part": part_fastest.map_or(direct_part_seconds, |r| r.seconds),
                "exit_seconds_for_the_direct_part": direct_part_seconds,
                "exposure": hybrid_exposure,
            },
        ]))
    }
}
