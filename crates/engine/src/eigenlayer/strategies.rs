//! StrategyFactory, StrategyManager and StrategyBase: share pools, deposits and the exit of
//! slashed shares.

use alloy_primitives::{Address, U256};

use super::{
    EigenLayer, EigenLayerError, Env, Events, Result,
    calls::DepositIntoStrategy,
    delegation::AddedShares,
    events::EigenLayerEvent as Ev,
    state::{OperatorSet, Position, Strategy},
};
use crate::{
    accounts::{BEACON_CHAIN_ETH_STRATEGY, DEFAULT_BURN_ADDRESS, strategy_address},
    enumerable::NestedSets,
    ledger::Ledger,
    math::{self, Rounding},
};

/// `SHARES_OFFSET` and `BALANCE_OFFSET`: virtual shares and tokens that defeat share-inflation
/// attacks on empty strategies.
pub(crate) const VIRTUAL_OFFSET: U256 = U256::from_limbs([1000, 0, 0, 0]);

/// `MAX_TOTAL_SHARES`: 1e38 - 1.
pub(crate) const MAX_TOTAL_SHARES: U256 =
    U256::from_limbs([0x098a_2240_0000_0000 - 1, 0x4b3b_4ca8_5a86_c47a, 0, 0]);

/// At most this many strategies per staker (`MAX_STAKER_STRATEGY_LIST_LENGTH`).
pub(crate) const MAX_STAKER_STRATEGY_LIST_LENGTH: usize = 32;

/// Shares minted for `amount` tokens into a pool holding `balance` (before the deposit) and
/// `total_shares`: `⌊amount · (T + 1000) / (B + 1000)⌋` (StrategyBase.deposit).
pub fn shares_for_deposit(amount: U256, total_shares: U256, balance: U256) -> Result<U256> {
    let virtual_shares = math::add(total_shares, VIRTUAL_OFFSET)?;
    let virtual_balance = math::add(balance, VIRTUAL_OFFSET)?;
    // StrategyBase multiplies on 256 bits (a checked `*`, then `/`): an overflow reverts.
    math::mul(amount, virtual_shares)?;
    Ok(math::mul_div(amount, virtual_shares, virtual_balance, Rounding::Floor)?)
}

/// Tokens paid for `shares` out of a pool: `⌊(B + 1000) · shares / (T + 1000)⌋`
/// (StrategyBase.withdraw and `sharesToUnderlyingView`).
pub fn underlying_for_shares(shares: U256, total_shares: U256, balance: U256) -> Result<U256> {
    let virtual_shares = math::add(total_shares, VIRTUAL_OFFSET)?;
    let virtual_balance = math::add(balance, VIRTUAL_OFFSET)?;
    math::mul(virtual_balance, shares)?;
    Ok(math::mul_div(virtual_balance, shares, virtual_shares, Rounding::Floor)?)
}

impl EigenLayer {
    /// Creates and whitelists the default strategy of a registered token (genesis setup and
    /// `StrategyFactory.deployNewStrategy`).
    pub fn deploy_strategy(&mut self, ledger: &Ledger, token: Address) -> Result<Address> {
        let symbol = ledger.token(token)?.symbol.clone();
        let strategy = strategy_address(&symbol);
        if self.strategies.contains_key(&strategy) || strategy == BEACON_CHAIN_ETH_STRATEGY {
            return Err(EigenLayerError::StrategyAlreadyExists(token));
        }
        self.strategies
            .insert(strategy, Strategy { token, total_shares: U256::ZERO, whitelisted: true });
        Ok(strategy)
    }

    pub(super) fn deploy_new_strategy(
        &mut self,
        ledger: &Ledger,
        _env: &Env,
        _sender: Address,
        args: &super::calls::DeployNewStrategy,
        events: &mut Events,
    ) -> Result<()> {
        let strategy = self.deploy_strategy(ledger, args.token)?;
        events.push(Ev::StrategySetForToken { token: args.token, strategy });
        events.push(Ev::StrategyAddedToDepositWhitelist { strategy });
        Ok(())
    }

    pub(super) fn set_deposit_whitelist(
        &mut self,
        env: &Env,
        sender: Address,
        strategies: &[Address],
        whitelisted: bool,
        events: &mut Events,
    ) -> Result<()> {
        if sender != env.admin {
            return Err(EigenLayerError::OnlyAdmin("the strategy whitelist"));
        }
        if let Some(unknown) = strategies.iter().find(|s| !self.strategies.contains_key(*s)) {
            return Err(EigenLayerError::StrategyNotWhitelisted(*unknown));
        }
        for strategy in strategies {
            let entry = self.strategies.get_mut(strategy).expect("checked above");
            // Already in the wanted state: skipped silently, as the StrategyManager does.
            if entry.whitelisted != whitelisted {
                entry.whitelisted = whitelisted;
                events.push(if whitelisted {
                    Ev::StrategyAddedToDepositWhitelist { strategy: *strategy }
                } else {
                    Ev::StrategyRemovedFromDepositWhitelist { strategy: *strategy }
                });
            }
        }
        Ok(())
    }

    /// `StrategyManager.depositIntoStrategy`.
    pub(super) fn deposit_into_strategy(
        &mut self,
        ledger: &mut Ledger,
        staker: Address,
        args: &DepositIntoStrategy,
        events: &mut Events,
    ) -> Result<()> {
        let DepositIntoStrategy { strategy, token, amount } = *args;
        let pool = match self.strategies.get(&strategy) {
            Some(pool) if pool.whitelisted => pool,
            _ => return Err(EigenLayerError::StrategyNotWhitelisted(strategy)),
        };
        ledger.check_transfer(token, staker, amount)?;
        if token != pool.token {
            return Err(EigenLayerError::OnlyUnderlyingToken { strategy, token });
        }
        let balance = ledger.balance_of(token, strategy);
        let new_shares = shares_for_deposit(amount, pool.total_shares, balance)?;
        if new_shares.is_zero() {
            return Err(EigenLayerError::NewSharesZero(amount));
        }
        let total_shares = math::add(pool.total_shares, new_shares)?;
        if total_shares > MAX_TOTAL_SHARES {
            return Err(EigenLayerError::TotalSharesExceedsMax);
        }
        let added = self.plan_add_shares(staker, strategy, new_shares)?;

        // Everything is checked: write.
        ledger.transfer(token, staker, strategy, amount).expect("checked above");
        self.strategies.get_mut(&strategy).expect("checked above").total_shares = total_shares;
        events.push(Ev::Deposit { staker, strategy, shares: new_shares });
        self.commit_added_shares(added, events);
        Ok(())
    }

    /// Pays out `shares` of `strategy` to `recipient` in tokens (StrategyBase.withdraw).
    pub(super) fn plan_strategy_withdrawal(
        &self,
        ledger: &Ledger,
        strategy: Address,
        token: Address,
        shares: U256,
    ) -> Result<StrategyWithdrawal> {
        let pool = self
            .strategies
            .get(&strategy)
            .ok_or(EigenLayerError::StrategyNotWhitelisted(strategy))?;
        if token != pool.token {
            return Err(EigenLayerError::OnlyUnderlyingToken { strategy, token });
        }
        if shares > pool.total_shares {
            return Err(EigenLayerError::WithdrawalAmountExceedsTotalDeposits {
                requested: shares,
                total: pool.total_shares,
            });
        }
        let balance = ledger.balance_of(token, strategy);
        let amount = underlying_for_shares(shares, pool.total_shares, balance)?;
        // The virtual offsets make `amount <= balance` hold for any shares <= total shares.
        assert!(amount <= balance, "a strategy never pays out more than it holds");
        Ok(StrategyWithdrawal { strategy, token, shares, amount })
    }

    pub(super) fn commit_strategy_withdrawal(
        &mut self,
        ledger: &mut Ledger,
        withdrawal: &StrategyWithdrawal,
        recipient: Address,
    ) {
        let pool = self.strategies.get_mut(&withdrawal.strategy).expect("planned");
        pool.total_shares = math::sub(pool.total_shares, withdrawal.shares).expect("planned");
        ledger
            .transfer(withdrawal.token, withdrawal.strategy, recipient, withdrawal.amount)
            .expect("planned: the strategy holds the amount");
    }

    /// `clearBurnOrRedistributableShares(ByStrategy)`: anyone moves the shares a slash took out
    /// of the strategies, to the set's redistribution recipient or the burn address.
    pub(super) fn clear_burn_or_redistributable_shares(
        &mut self,
        ledger: &mut Ledger,
        operator_set: OperatorSet,
        slash_id: u64,
        only: Option<Address>,
        events: &mut Events,
    ) -> Result<()> {
        let Some(pending) = self.pending_slashes.get(&(operator_set, slash_id)) else {
            // Nothing pending: the contract returns without reverting.
            return Ok(());
        };
        let recipient = self
            .operator_sets
            .get(&operator_set)
            .and_then(|set| set.redistribution_recipient)
            .unwrap_or(DEFAULT_BURN_ADDRESS);
        // Check every payout before moving anything, so a failure leaves the slash untouched.
        // The contract clears a copy of the keys in storage order, so its events come in that
        // order even though each removal swaps the last key into the gap.
        let mut payouts: Vec<(Address, Option<StrategyWithdrawal>)> = Vec::new();
        for (&strategy, &shares) in pending.iter() {
            if only.is_some_and(|wanted| wanted != strategy) {
                continue;
            }
            // A slash that took zero shares leaves an empty entry, removed without an event.
            let payout = if shares.is_zero() {
                None
            } else {
                let token = self.strategies.get(&strategy).map(|s| s.token).unwrap_or_default();
                Some(self.plan_strategy_withdrawal(ledger, strategy, token, shares)?)
            };
            payouts.push((strategy, payout));
        }
        for (strategy, payout) in payouts {
            if let Some(withdrawal) = payout {
                self.commit_strategy_withdrawal(ledger, &withdrawal, recipient);
                events.push(Ev::BurnOrRedistributableSharesDecreased {
                    operator_set,
                    slash_id,
                    strategy,
                    shares: withdrawal.shares,
                });
            }
            let entry = self.pending_slashes.get_mut(&(operator_set, slash_id)).expect("exists");
            entry.remove(&strategy);
        }
        if self.pending_slashes.get(&(operator_set, slash_id)).is_some_and(|e| e.is_empty()) {
            self.pending_slashes.remove(&(operator_set, slash_id));
            // Nothing left to clear: the slash leaves `_pendingSlashIds`, and a set with no
            // such slash leaves `_pendingOperatorSets`.
            NestedSets {
                keys: &mut self.pending_operator_sets,
                values: &mut self.pending_slash_ids,
            }
            .remove(operator_set, &slash_id);
        }
        Ok(())
    }

    /// Checks adding `shares` to the staker's deposit shares (StrategyManager._addShares followed
    /// by DelegationManager.increaseDelegatedShares), computing the new position.
    pub(super) fn plan_add_shares(
        &self,
        staker: Address,
        strategy: Address,
        shares: U256,
    ) -> Result<AddedShares> {
        let record = self.stakers.get(&staker);
        let index = record.and_then(|r| r.position_index(strategy));
        let (previous, stored_dsf) = match (record, index) {
            (Some(r), Some(i)) => {
                (r.positions[i].deposit_shares, r.positions[i].deposit_scaling_factor)
            }
            _ => (U256::ZERO, U256::ZERO),
        };
        if index.is_none() && strategy != BEACON_CHAIN_ETH_STRATEGY {
            let held = record.map_or(0, |r| {
                r.positions.iter().filter(|p| p.strategy != BEACON_CHAIN_ETH_STRATEGY).count()
            });
            if held >= MAX_STAKER_STRATEGY_LIST_LENGTH {
                return Err(EigenLayerError::MaxStrategiesExceeded);
            }
        }
        let operator = record.and_then(|r| r.delegated_to);
        let slashing_factor = self.slashing_factor(staker, operator, strategy)?;
        if slashing_factor.is_zero() {
            return Err(EigenLayerError::FullySlashed { strategy });
        }
        let deposit_scaling_factor =
            super::updated_scaling_factor(stored_dsf, previous, shares, slashing_factor)?;
        let operator_shares = match operator {
            Some(op) => Some((op, math::add(self.operators[&op].shares(strategy), shares)?)),
            None => None,
        };
        Ok(AddedShares {
            staker,
            strategy,
            added: shares,
            position: Position {
                strategy,
                deposit_shares: math::add(previous, shares)?,
                deposit_scaling_factor,
            },
            operator_shares,
        })
    }

    /// Writes what [`Self::plan_add_shares`] computed.
    pub(super) fn commit_added_shares(&mut self, added: AddedShares, events: &mut Events) {
        let new_deposit_scaling_factor = added.position.deposit_scaling_factor;
        let record = self.stakers.entry_or_default(added.staker);
        match record.position_index(added.strategy) {
            Some(i) => record.positions[i] = added.position,
            None => record.positions.push(added.position),
        }
        events.push(Ev::DepositScalingFactorUpdated {
            staker: added.staker,
            strategy: added.strategy,
            new_deposit_scaling_factor,
        });
        if let Some((operator, shares)) = added.operator_shares {
            let op = self.operators.get_mut(&operator).expect("delegated to an operator");
            op.strategies.entry(added.strategy).or_default().shares = shares;
            events.push(Ev::OperatorSharesIncreased {
                operator,
                staker: added.staker,
                strategy: added.strategy,
                shares: added.added,
            });
        }
    }
}

/// A checked payout of strategy shares in tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StrategyWithdrawal {
    pub(crate) strategy: Address,
    pub(crate) token: Address,
    pub(crate) shares: U256,
    pub(crate) amount: U256,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(value: u128) -> U256 {
        U256::from(value)
    }

    #[test]
    fn max_total_shares_is_1e38_minus_1() {
        assert_eq!(MAX_TOTAL_SHARES, U256::from(10u8).pow(u(38)) - u(1));
    }

    #[test]
    fn share_math_with_virtual_offsets() {
        // Research vector G23: 1e18 in, a 5e17 donation, then 1e18 more.
        let e18 = u(1_000_000_000_000_000_000);
        assert_eq!(shares_for_deposit(e18, U256::ZERO, U256::ZERO).unwrap(), e18);
        let second = shares_for_deposit(e18, e18, u(1_500_000_000_000_000_000)).unwrap();
        assert_eq!(second, u(666_666_666_666_666_888));
        let total = e18 + second;
        let out = underlying_for_shares(e18, total, u(2_500_000_000_000_000_000)).unwrap();
        assert_eq!(out, u(1_499_999_999_999_999_500));
    }

    #[test]
    fn inflation_attack_is_defeated() {
        // StrategyBaseAccounting.md with exact integers: Alice deposits 1 wei, donates 1e6;
        // Bob's deposit of 1000 mints zero shares (reverts NewSharesZero), Alice's share is 1000.
        assert_eq!(shares_for_deposit(u(1), U256::ZERO, U256::ZERO).unwrap(), u(1));
        assert_eq!(shares_for_deposit(u(1000), u(1), u(1_000_001)).unwrap(), U256::ZERO);
        assert_eq!(underlying_for_shares(u(1), u(1), u(1_000_001)).unwrap(), u(1000));
        // The variation: Alice deposits 1e6 and donates 1e6; Bob's 1000 buys 500 shares.
        let bob = shares_for_deposit(u(1000), u(1_000_000), u(2_000_000)).unwrap();
        assert_eq!(bob, u(500));
        assert_eq!(underlying_for_shares(u(500), u(1_000_500), u(2_001_000)).unwrap(), u(999));
    }
}
