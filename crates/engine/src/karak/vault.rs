//! Karak vaults: ERC4626 shares over the vault's token balance (Solady, no decimals offset, so
//! `shares = a·(S+1)/(TA+1)` and `assets = s·(TA+1)/(S+1)`), 9-day redemptions whose shares
//! sit in escrow and stay slashable, and native-ETH vaults whose assets are what their nodes'
//! validators and balances have been proven to hold.

use alloy_primitives::{Address, B256, U256};

use super::{E, Ev, Karak, KarakEnv, Result, SLASHED_ASSETS_SINK, calls, state::*, withdrawal_key};
use crate::{
    accounts::{NATIVE_ETH, derived_address},
    beacon::FAR_FUTURE_EPOCH,
    ledger::Ledger,
    math::{self, GWEI, Rounding},
};

/// `a·(S+1)/(TA+1)`.
fn to_shares(assets: U256, supply: U256, total: U256, rounding: Rounding) -> Result<U256> {
    Ok(math::mul_div(
        assets,
        math::add(supply, U256::ONE)?,
        math::add(total, U256::ONE)?,
        rounding,
    )?)
}

/// `s·(TA+1)/(S+1)`.
fn to_assets(shares: U256, supply: U256, total: U256, rounding: Rounding) -> Result<U256> {
    Ok(math::mul_div(
        shares,
        math::add(total, U256::ONE)?,
        math::add(supply, U256::ONE)?,
        rounding,
    )?)
}

/// A native vault's share accounting as it concerns one node owner: the vault's supply and
/// assets, the owner's shares and restaked ETH.
#[derive(Debug, Clone, Copy)]
struct NativeBalance {
    supply: U256,
    shares: U256,
    total_assets: U256,
    restaked: U256,
}

impl NativeBalance {
    /// After crediting `amount`: shares at the rate before, then the assets.
    fn credited(self, amount: U256) -> Result<Self> {
        let minted = to_shares(amount, self.supply, self.total_assets, Rounding::Floor)?;
        Ok(Self {
            supply: math::add(self.supply, minted)?,
            shares: math::add(self.shares, minted)?,
            total_assets: math::add(self.total_assets, amount)?,
            restaked: math::add(self.restaked, amount)?,
        })
    }

    /// After debiting about `amount`: the shares it converts to (at most all the owner's), and
    /// the assets those shares are worth, which it returns.
    fn debited(self, amount: U256) -> Result<(Self, U256)> {
        let burned =
            to_shares(amount, self.supply, self.total_assets, Rounding::Floor)?.min(self.shares);
        let assets = to_assets(burned, self.supply, self.total_assets, Rounding::Floor)?;
        let after = Self {
            supply: math::sub(self.supply, burned)?,
            shares: math::sub(self.shares, burned)?,
            total_assets: math::sub(self.total_assets, assets)?,
            restaked: math::sub(self.restaked, assets)?,
        };
        Ok((after, assets))
    }
}

impl KarakVault {
    /// `balanceOf(account)`.
    pub fn balance_of(&self, account: Address) -> U256 {
        self.balances.get(&account).map(|a| a.0).unwrap_or_default()
    }

    fn set_balance(&mut self, account: Address, value: U256) {
        if value.is_zero() {
            self.balances.remove(&account);
        } else {
            self.balances.insert(account, Amount(value));
        }
    }

    fn mint_shares(&mut self, to: Address, shares: U256) -> Result<()> {
        let supply = math::add(self.total_supply, shares)?;
        let balance = math::add(self.balance_of(to), shares)?;
        self.total_supply = supply;
        self.set_balance(to, balance);
        Ok(())
    }

    fn move_shares(&mut self, from: Address, to: Address, shares: U256) -> Result<()> {
        let left = self.balance_of(from).checked_sub(shares).ok_or(E::InsufficientBalance)?;
        self.set_balance(from, left);
        let balance = math::add(self.balance_of(to), shares)?;
        self.set_balance(to, balance);
        Ok(())
    }
}

impl Karak {
    /// `totalAssets()`: the vault's token balance, or a native vault's accounted ETH.
    pub fn total_assets(&self, ledger: &Ledger, vault: Address) -> Result<U256> {
        let v = self.vault(vault)?;
        Ok(match &v.native {
            Some(native) => native.total_assets,
            None => ledger.balance_of(v.asset, vault),
        })
    }

    /// `convertToShares(assets)`.
    pub fn convert_to_shares(&self, ledger: &Ledger, vault: Address, assets: U256) -> Result<U256> {
        to_shares(
            assets,
            self.vault(vault)?.total_supply,
            self.total_assets(ledger, vault)?,
            Rounding::Floor,
        )
    }

    /// `convertToAssets(shares)`.
    pub fn convert_to_assets(&self, ledger: &Ledger, vault: Address, shares: U256) -> Result<U256> {
        to_assets(
            shares,
            self.vault(vault)?.total_supply,
            self.total_assets(ledger, vault)?,
            Rounding::Floor,
        )
    }

    fn erc20_vault(&self, vault: Address) -> Result<&KarakVault> {
        let v = self.vault(vault)?;
        if v.native.is_some() {
            return Err(E::NotImplemented);
        }
        Ok(v)
    }

    pub(super) fn deposit(
        &mut self,
        ledger: &mut Ledger,
        sender: Address,
        a: &calls::Deposit,
    ) -> Result<Ev> {
        let asset = self.erc20_vault(a.target)?.asset;
        if a.assets.is_zero() {
            return Err(E::ZeroAmount);
        }
        let shares = self.convert_to_shares(ledger, a.target, a.assets)?;
        // ERC4626.deposit pulls the assets before the slippage check reverts NotEnoughShares.
        ledger.check_transfer(asset, sender, a.assets)?;
        if shares < a.min_shares_out {
            return Err(E::NotEnoughShares);
        }
        self.vault_mut(a.target)?.mint_shares(a.to, shares)?;
        ledger.transfer(asset, sender, a.target, a.assets)?;
        Ok(Ev::Deposit { vault: a.target, by: sender, owner: a.to, assets: a.assets, shares })
    }

    pub(super) fn mint(
        &mut self,
        ledger: &mut Ledger,
        sender: Address,
        a: &calls::Mint,
    ) -> Result<Ev> {
        let v = self.erc20_vault(a.target)?;
        let asset = v.asset;
        if a.shares.is_zero() {
            return Err(E::ZeroShares);
        }
        let assets = to_assets(
            a.shares,
            v.total_supply,
            self.total_assets(ledger, a.target)?,
            Rounding::Ceil,
        )?;
        ledger.check_transfer(asset, sender, assets)?;
        self.vault_mut(a.target)?.mint_shares(a.to, a.shares)?;
        ledger.transfer(asset, sender, a.target, assets)?;
        Ok(Ev::Deposit { vault: a.target, by: sender, owner: a.to, assets, shares: a.shares })
    }

    pub(super) fn transfer_shares(&mut self, sender: Address, a: &calls::Transfer) -> Result<Ev> {
        self.erc20_vault(a.target)?;
        self.vault_mut(a.target)?.move_shares(sender, a.to, a.amount)?;
        Ok(Ev::Transfer { vault: a.target, from: sender, to: a.to, value: a.amount })
    }

    pub(super) fn start_redeem(
        &mut self,
        _ledger: &Ledger,
        now: u64,
        sender: Address,
        a: &calls::StartRedeem,
    ) -> Result<Ev> {
        let v = self.erc20_vault(a.target)?;
        if a.shares.is_zero() {
            return Err(E::ZeroShares);
        }
        if a.beneficiary == Address::ZERO {
            return Err(E::ZeroAddress);
        }
        if v.balance_of(sender) < a.shares {
            return Err(E::InsufficientBalance);
        }
        let nonce = v.staker_nonce.get(&sender).copied().unwrap_or(0);
        let key = withdrawal_key(sender, nonce);
        let vault = self.vault_mut(a.target)?;
        // Escrowed in the vault itself: still in the supply, so still slashable.
        vault.move_shares(sender, a.target, a.shares)?;
        vault.staker_nonce.insert(sender, nonce + 1);
        vault.withdrawals.insert(
            key,
            QueuedWithdrawal {
                staker: sender,
                start: now,
                amount: a.shares,
                beneficiary: a.beneficiary,
            },
        );
        Ok(Ev::StartedRedeem {
            vault: a.target,
            staker: sender,
            withdrawal_key: key,
            shares: a.shares,
        })
    }

    pub(super) fn finish_redeem(
        &mut self,
        ledger: &mut Ledger,
        now: u64,
        a: &calls::WithdrawalKey,
    ) -> Result<Ev> {
        let v = self.erc20_vault(a.target)?;
        let asset = v.asset;
        let queued = v
            .withdrawals
            .get(&a.withdrawal_key)
            .cloned()
            .ok_or(E::WithdrawalNotFound(a.withdrawal_key))?;
        if queued.start + MIN_WITHDRAWAL_DELAY > now {
            return Err(E::MinWithdrawDelayNotPassed);
        }
        // Priced at the finish: every slash finalized meanwhile has taken its share.
        let assets = self.convert_to_assets(ledger, a.target, queued.amount)?;
        let vault = self.vault_mut(a.target)?;
        let escrow =
            vault.balance_of(a.target).checked_sub(queued.amount).ok_or(E::InsufficientBalance)?;
        vault.set_balance(a.target, escrow);
        vault.total_supply = math::sub(vault.total_supply, queued.amount)?;
        vault.withdrawals.remove(&a.withdrawal_key);
        ledger.transfer(asset, a.target, queued.beneficiary, assets)?;
        Ok(Ev::FinishedRedeem {
            vault: a.target,
            withdrawal_key: a.withdrawal_key,
            beneficiary: queued.beneficiary,
            shares: queued.amount,
            assets,
        })
    }

    /// `slashAssets(amount, handler)`: takes `min(amount, totalAssets)`. The vault approves the
    /// asset's slashing handler, which pulls the tokens: Karak's own `SlashingHandler` (the
    /// default handler here) sends them on to address(0); any other handler allowlisted for the
    /// asset is an arbitrary contract whose logic is not modelled, so the tokens stay with it.
    /// A native vault ignores the handler: it only lowers its accounted assets, and its nodes'
    /// ETH is swept at their next snapshots.
    pub(super) fn slash_assets(
        &mut self,
        ledger: &mut Ledger,
        vault: Address,
        amount: U256,
    ) -> Result<U256> {
        let taken = amount.min(self.total_assets(ledger, vault)?);
        if taken.is_zero() {
            return Ok(taken);
        }
        let asset = self.vault(vault)?.asset;
        let handler = self.asset_slashing_handlers.get(&asset).copied();
        let to = match handler {
            Some(handler) if handler != super::default_slashing_handler() => handler,
            _ => SLASHED_ASSETS_SINK,
        };
        let v = self.vault_mut(vault)?;
        match &mut v.native {
            Some(native) => native.total_assets = math::sub(native.total_assets, taken)?,
            None => ledger.transfer(v.asset, vault, to, taken)?,
        }
        Ok(taken)
    }

    fn native(&self, vault: Address) -> Result<&NativeVault> {
        self.vault(vault)?.native.as_ref().ok_or(E::NotImplemented)
    }

    fn node(&self, vault: Address, owner: Address) -> Result<&NativeNode> {
        self.native(vault)?.nodes.get(&owner).ok_or(E::NotNodeOwner(owner))
    }

    pub(super) fn create_node(&mut self, owner: Address, vault: Address) -> Result<Ev> {
        let native = self.native(vault)?;
        if native.nodes.contains_key(&owner) {
            return Err(E::DeploymentFailed);
        }
        let node_address = derived_address("rampart.karak.node", &format!("{vault}:{owner}"));
        let native = self.vault_mut(vault)?.native.as_mut().expect("checked above");
        native.nodes.insert(owner, NativeNode { node_address, ..NativeNode::default() });
        Ok(Ev::NodeCreated { vault, owner, node: node_address })
    }

    /// `owner`'s native balance as it stands.
    fn native_balance(&self, vault: Address, owner: Address) -> Result<NativeBalance> {
        let v = self.vault(vault)?;
        let native = v.native.as_ref().ok_or(E::NotImplemented)?;
        let node = native.nodes.get(&owner).ok_or(E::NotNodeOwner(owner))?;
        Ok(NativeBalance {
            supply: v.total_supply,
            shares: v.balance_of(owner),
            total_assets: native.total_assets,
            restaked: node.total_restaked_eth,
        })
    }

    /// Writes a balance computed by [`NativeBalance::credited`] or [`NativeBalance::debited`]:
    /// nothing here can fail, so a call computes every change first and writes them last.
    fn set_native_balance(&mut self, vault: Address, owner: Address, b: NativeBalance) {
        let v = self.vault_mut(vault).expect("read before");
        v.total_supply = b.supply;
        v.set_balance(owner, b.shares);
        let native = v.native.as_mut().expect("read before");
        native.total_assets = b.total_assets;
        native.nodes.get_mut(&owner).expect("read before").total_restaked_eth = b.restaked;
    }

    /// Credits `amount` to `owner`: shares at the rate before, then the assets.
    fn increase_balance(&mut self, vault: Address, owner: Address, amount: U256) -> Result<()> {
        let credited = self.native_balance(vault, owner)?.credited(amount)?;
        self.set_native_balance(vault, owner, credited);
        Ok(())
    }

    pub(super) fn validate_withdrawal_credentials(
        &mut self,
        env: &KarakEnv<'_>,
        a: &calls::ValidateCredentials,
    ) -> Result<Vec<Ev>> {
        let node = self.node(a.target, a.node_owner)?;
        let mut credited = Vec::with_capacity(a.validator_indices.len());
        let mut total = U256::ZERO;
        for &index in &a.validator_indices {
            let validator = usize::try_from(index)
                .ok()
                .and_then(|i| env.beacon.validators.get(i))
                .ok_or(E::UnknownValidator(index))?;
            if node.validators.contains_key(&index)
                || node.withdrawn_validators.contains(&index)
                || credited.iter().any(|(i, _)| *i == index)
            {
                return Err(E::ValidatorAlreadyActive(index));
            }
            if validator.exit_epoch != FAR_FUTURE_EPOCH {
                return Err(E::ValidatorExiting(index));
            }
            if validator.credentials.address != node.node_address {
                return Err(E::WithdrawalCredentialsMismatchWithNode(index));
            }
            let amount = math::mul(U256::from(validator.effective_balance), GWEI)?;
            total = math::add(total, amount)?;
            credited.push((index, amount));
        }
        self.increase_balance(a.target, a.node_owner, total)?;
        let native = self.vault_mut(a.target)?.native.as_mut().expect("checked above");
        let node = native.nodes.get_mut(&a.node_owner).expect("checked above");
        let mut events = Vec::with_capacity(credited.len());
        for (index, amount) in credited {
            node.validators.insert(index, Amount(amount));
            events.push(Ev::ValidatorRestaked {
                vault: a.target,
                owner: a.node_owner,
                validator_index: index,
                credited: amount,
            });
        }
        Ok(events)
    }

    /// `startSnapshot` / `validateExpiredSnapshot`, with every validator proof read from the
    /// world's beacon chain so that the snapshot completes at once: sweeps ETH of slashes,
    /// credits ETH that arrived on the node and validator balance changes.
    pub(super) fn snapshot(
        &mut self,
        ledger: &mut Ledger,
        env: &KarakEnv<'_>,
        vault: Address,
        owner: Address,
        revert_if_no_balance_change: bool,
        expired: bool,
    ) -> Result<Ev> {
        let now = env.now;
        let node = self.node(vault, owner)?.clone();
        if expired
            && (node.last_snapshot_timestamp == 0
                || node.last_snapshot_timestamp + SNAPSHOT_EXPIRY > now)
        {
            return Err(E::SnapshotNotExpired);
        }
        if node.last_snapshot_timestamp == now {
            return Err(E::AttemptedSnapshotInSameBlock);
        }
        // _burnSlashed: ETH the owner's shares no longer cover, up to what sits on the node.
        let v = self.vault(vault)?;
        let owned = to_assets(
            v.balance_of(owner),
            v.total_supply,
            v.native.as_ref().expect("native").total_assets,
            Rounding::Floor,
        )?;
        let slashed = node.total_restaked_eth.saturating_sub(owned);
        let sweep = node.withdrawable_credited_node_eth.min(slashed);
        let on_node = ledger.balance_of(NATIVE_ETH, node.node_address);
        let node_balance = math::sub(
            math::sub(on_node, sweep)?,
            math::sub(node.withdrawable_credited_node_eth, sweep)?,
        )?;
        if revert_if_no_balance_change && node_balance.is_zero() {
            return Err(E::NoBalanceUpdateToSnapshot);
        }
        let mut delta: i128 = 0;
        let mut balances = Vec::with_capacity(node.validators.len());
        for (&index, credited) in &node.validators {
            let validator =
                &env.beacon.validators[usize::try_from(index).expect("credited validators exist")];
            let now_wei = math::mul(U256::from(validator.balance), GWEI)?;
            let change = i128::try_from(now_wei).map_err(|_| math::MathError::Overflow)?
                - i128::try_from(credited.0).map_err(|_| math::MathError::Overflow)?;
            delta = delta.checked_add(change).ok_or(math::MathError::Overflow)?;
            balances.push((index, now_wei));
        }
        // Every fallible step comes before the first write: Karak calls have no rollback.
        let node_balance_i = i128::try_from(node_balance).map_err(|_| math::MathError::Overflow)?;
        let total = node_balance_i.checked_add(delta).ok_or(math::MathError::Overflow)?;
        let mut balance = self.native_balance(vault, owner)?;
        balance.restaked = math::sub(balance.restaked, sweep)?;
        let balance = match total.cmp(&0) {
            std::cmp::Ordering::Greater => balance.credited(U256::from(total.unsigned_abs()))?,
            std::cmp::Ordering::Less => balance.debited(U256::from(total.unsigned_abs()))?.0,
            std::cmp::Ordering::Equal => balance,
        };
        let withdrawable =
            math::add(math::sub(node.withdrawable_credited_node_eth, sweep)?, node_balance)?;
        ledger.check_transfer(NATIVE_ETH, node.node_address, sweep)?;
        {
            let native = self.vault_mut(vault)?.native.as_mut().expect("native");
            let n = native.nodes.get_mut(&owner).expect("checked above");
            n.withdrawable_credited_node_eth = withdrawable;
            for (index, wei) in balances {
                if wei.is_zero() {
                    n.validators.remove(&index);
                    n.withdrawn_validators.insert(index);
                } else {
                    n.validators.insert(index, Amount(wei));
                }
            }
            n.last_snapshot_timestamp = now;
        }
        self.set_native_balance(vault, owner, balance);
        ledger.transfer(NATIVE_ETH, node.node_address, SLASHED_ASSETS_SINK, sweep)?;
        Ok(Ev::SnapshotFinished {
            vault,
            owner,
            swept_slashed: sweep,
            node_balance_credited: node_balance,
            balance_delta: delta,
        })
    }

    fn withdrawable_wei(&self, vault: Address, owner: Address) -> Result<U256> {
        let v = self.vault(vault)?;
        let native = v.native.as_ref().ok_or(E::NotImplemented)?;
        let node = native.nodes.get(&owner).ok_or(E::NotNodeOwner(owner))?;
        let owned =
            to_assets(v.balance_of(owner), v.total_supply, native.total_assets, Rounding::Floor)?;
        Ok(owned.min(node.withdrawable_credited_node_eth))
    }

    pub(super) fn start_withdrawal(
        &mut self,
        _ledger: &Ledger,
        now: u64,
        owner: Address,
        a: &calls::StartWithdrawal,
    ) -> Result<Ev> {
        let node = self.node(a.target, owner)?;
        let available =
            math::sub(self.withdrawable_wei(a.target, owner)?, node.pending_withdraw_amount)?;
        if a.wei_amount > available {
            return Err(E::WithdrawMoreThanMax);
        }
        if now >= node.last_snapshot_timestamp + SNAPSHOT_EXPIRY {
            return Err(E::SnapshotExpired);
        }
        let pending = math::add(node.pending_withdraw_amount, a.wei_amount)?;
        let v = self.vault_mut(a.target)?;
        let nonce = v.staker_nonce.get(&owner).copied().unwrap_or(0);
        let key: B256 = withdrawal_key(owner, nonce);
        v.staker_nonce.insert(owner, nonce + 1);
        v.withdrawals.insert(
            key,
            QueuedWithdrawal { staker: owner, start: now, amount: a.wei_amount, beneficiary: a.to },
        );
        v.native
            .as_mut()
            .expect("checked")
            .nodes
            .get_mut(&owner)
            .expect("checked")
            .pending_withdraw_amount = pending;
        Ok(Ev::StartedWithdrawal {
            vault: a.target,
            owner,
            withdrawal_key: key,
            assets: a.wei_amount,
        })
    }

    pub(super) fn finish_withdrawal(
        &mut self,
        ledger: &mut Ledger,
        now: u64,
        a: &calls::WithdrawalKey,
    ) -> Result<Ev> {
        self.native(a.target)?;
        let queued = self
            .vault(a.target)?
            .withdrawals
            .get(&a.withdrawal_key)
            .cloned()
            .ok_or(E::WithdrawalNotFound(a.withdrawal_key))?;
        if queued.start + MIN_WITHDRAWAL_DELAY > now {
            return Err(E::MinWithdrawDelayNotPassed);
        }
        let owner = queued.staker;
        let amount = queued.amount.min(self.withdrawable_wei(a.target, owner)?);
        let node = self.node(a.target, owner)?;
        let node_address = node.node_address;
        // Every fallible step comes before the first write: Karak calls have no rollback.
        let pending = math::sub(node.pending_withdraw_amount, queued.amount)?;
        let withdrawable = math::sub(node.withdrawable_credited_node_eth, amount)?;
        let (balance, _) = self.native_balance(a.target, owner)?.debited(amount)?;
        ledger.check_transfer(NATIVE_ETH, node_address, amount)?;
        self.set_native_balance(a.target, owner, balance);
        let v = self.vault_mut(a.target)?;
        v.withdrawals.remove(&a.withdrawal_key);
        let node = v.native.as_mut().expect("checked").nodes.get_mut(&owner).expect("checked");
        node.pending_withdraw_amount = pending;
        node.withdrawable_credited_node_eth = withdrawable;
        ledger.transfer(NATIVE_ETH, node_address, queued.beneficiary, amount)?;
        Ok(Ev::FinishedWithdrawal {
            vault: a.target,
            withdrawal_key: a.withdrawal_key,
            to: queued.beneficiary,
            assets: amount,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::beacon::BeaconChain;

    /// A snapshot whose credit overflows the vault's assets after its sweep was worked out:
    /// the swept ETH must not have left the node, nor the node's accounting have moved.
    #[test]
    fn a_snapshot_that_fails_after_its_sweep_changes_nothing() {
        let (vault, owner) = (Address::repeat_byte(1), Address::repeat_byte(2));
        let node_address = Address::repeat_byte(3);
        let mut karak = Karak::default();
        let node = NativeNode {
            node_address,
            // More than the owner's shares are worth: a slash to sweep, up to the 10 credited.
            total_restaked_eth: U256::MAX,
            withdrawable_credited_node_eth: U256::from(10),
            last_snapshot_timestamp: 1,
            ..NativeNode::default()
        };
        let native = NativeVault {
            total_assets: U256::MAX - U256::from(5),
            nodes: [(owner, node)].into_iter().collect(),
        };
        karak.vaults.insert(
            vault,
            KarakVault {
                operator: Address::repeat_byte(4),
                asset: NATIVE_ETH,
                total_supply: U256::from(100),
                balances: [(owner, Amount(U256::from(100)))].into_iter().collect(),
                withdrawals: Default::default(),
                staker_nonce: Default::default(),
                native: Some(native),
            },
        );
        let mut ledger = Ledger::with_default_tokens();
        // 10 credited + 10 new: the new 10 would overflow the vault's assets.
        ledger.mint(NATIVE_ETH, node_address, U256::from(20)).unwrap();
        let beacon = BeaconChain::default();
        let env = KarakEnv { now: 100, owner: Address::ZERO, beacon: &beacon };
        let (karak_before, ledger_before) = (karak.clone(), ledger.clone());
        let result = karak.snapshot(&mut ledger, &env, vault, owner, false, false);
        assert!(matches!(result, Err(E::Math(_))), "{result:?}");
        assert_eq!(karak, karak_before, "the node's accounting moved");
        assert_eq!(ledger, ledger_before, "swept ETH left the node");
    }
}
