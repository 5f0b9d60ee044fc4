//! The vault: active shares over active stake, epoch withdrawal buckets, and how a slash is
//! spread over both (`Vault.sol`).
//!
//! Shares use ERC4626Math with one virtual share and one virtual asset:
//! `shares = assets·(S+1)/(A+1)` and `assets = shares·(A+1)/(S+1)`, rounded down for deposits
//! and redemptions and up for the shares a withdrawal burns.

use alloy_primitives::{Address, U256};

use super::{
    Result, SymbioticError as E, SymbioticEvent as Ev,
    state::{Amount, Vault},
};
use crate::{
    ledger::Ledger,
    math::{self, Rounding},
};

/// Which value of a history to read: the latest, or the one at a timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// The current value.
    Latest,
    /// The value at this timestamp.
    Time(u64),
}

impl At {
    /// Reads `trace` at this point.
    pub fn read<T: Clone + Default + PartialEq>(
        self,
        trace: &crate::checkpoints::Checkpoints<T>,
    ) -> T {
        match self {
            Self::Latest => trace.latest(),
            Self::Time(t) => trace.upper_lookup(t),
        }
    }
}

/// `assets·(S+1)/(A+1)`.
pub fn to_shares(assets: U256, shares: U256, stake: U256, rounding: Rounding) -> Result<U256> {
    Ok(math::mul_div(
        assets,
        math::add(shares, U256::ONE)?,
        math::add(stake, U256::ONE)?,
        rounding,
    )?)
}

/// `shares·(A+1)/(S+1)`.
pub fn to_assets(shares: U256, stake: U256, total: U256, rounding: Rounding) -> Result<U256> {
    Ok(math::mul_div(shares, math::add(stake, U256::ONE)?, math::add(total, U256::ONE)?, rounding)?)
}

impl Vault {
    /// The epoch containing `timestamp`.
    pub fn epoch_at(&self, timestamp: u64) -> Result<u64> {
        let since = timestamp
            .checked_sub(self.epoch_duration_init)
            .ok_or(E::InvalidTimestamp(timestamp))?;
        Ok(since / self.epoch_duration)
    }

    /// When epoch `epoch` starts.
    pub fn epoch_start(&self, epoch: u64) -> Result<u64> {
        let offset = epoch.checked_mul(self.epoch_duration).ok_or(math::MathError::Overflow)?;
        Ok(self.epoch_duration_init.checked_add(offset).ok_or(math::MathError::Overflow)?)
    }

    /// Active stake (latest or at a timestamp).
    pub fn active_stake(&self, at: At) -> U256 {
        at.read(&self.active_stake)
    }

    /// Active shares outstanding.
    pub fn active_shares(&self, at: At) -> U256 {
        at.read(&self.active_shares)
    }

    /// `account`'s active shares.
    pub fn active_shares_of(&self, account: Address, at: At) -> U256 {
        self.active_shares_of.get(&account).map(|trace| at.read(trace)).unwrap_or_default()
    }

    /// `account`'s active shares in assets (`previewRedeem`).
    pub fn active_balance_of(&self, account: Address, at: At) -> Result<U256> {
        to_assets(
            self.active_shares_of(account, at),
            self.active_stake(at),
            self.active_shares(at),
            Rounding::Floor,
        )
    }

    /// Assets in epoch `epoch`'s withdrawal bucket.
    pub fn withdrawals(&self, epoch: u64) -> U256 {
        self.withdrawals.get(&epoch).map(|a| a.0).unwrap_or_default()
    }

    /// Shares of epoch `epoch`'s bucket.
    pub fn withdrawal_shares(&self, epoch: u64) -> U256 {
        self.withdrawal_shares.get(&epoch).map(|a| a.0).unwrap_or_default()
    }

    /// `account`'s claim on epoch `epoch`'s bucket, in assets.
    pub fn withdrawals_of(&self, epoch: u64, account: Address) -> Result<U256> {
        let shares =
            self.withdrawal_shares_of.get(&(epoch, account)).map(|a| a.0).unwrap_or_default();
        to_assets(shares, self.withdrawals(epoch), self.withdrawal_shares(epoch), Rounding::Floor)
    }

    /// Active stake plus the current and the next epoch's buckets: all still slashable.
    pub fn total_stake(&self, now: u64) -> Result<U256> {
        let current = self.epoch_at(now)?;
        let buckets = math::add(self.withdrawals(current), self.withdrawals(current + 1))?;
        Ok(math::add(self.active_stake(At::Latest), buckets)?)
    }

    /// What `account` could lose to a slash now: its active balance and its two live buckets.
    pub fn slashable_balance_of(&self, account: Address, now: u64) -> Result<U256> {
        let current = self.epoch_at(now)?;
        let active = self.active_balance_of(account, At::Latest)?;
        let buckets = math::add(
            self.withdrawals_of(current, account)?,
            self.withdrawals_of(current + 1, account)?,
        )?;
        Ok(math::add(active, buckets)?)
    }

    /// `deposit(onBehalfOf, amount)`: pulls `amount` of collateral from `sender` and mints active
    /// shares at the rate before the deposit.
    pub(super) fn deposit(
        &mut self,
        ledger: &mut Ledger,
        vault: Address,
        now: u64,
        sender: Address,
        on_behalf_of: Address,
        amount: U256,
    ) -> Result<Ev> {
        if on_behalf_of == Address::ZERO {
            return Err(E::InvalidOnBehalfOf);
        }
        if self.deposit_whitelist && !self.whitelisted_depositors.contains(&sender) {
            return Err(E::NotWhitelistedDepositor);
        }
        if amount.is_zero() {
            return Err(E::InsufficientDeposit);
        }
        let stake = self.active_stake(At::Latest);
        let new_stake = math::add(stake, amount)?;
        if self.is_deposit_limit && new_stake > self.deposit_limit {
            return Err(E::DepositLimitReached);
        }
        let shares = self.active_shares(At::Latest);
        let minted = to_shares(amount, shares, stake, Rounding::Floor)?;
        let new_shares = math::add(shares, minted)?;
        let holder = math::add(self.active_shares_of(on_behalf_of, At::Latest), minted)?;
        let deposited = math::add(self.totals.deposited, amount)?;
        ledger.check_transfer(self.collateral, sender, amount)?;
        // Checked: nothing below can fail except the transfer, which was just checked.
        ledger.transfer(self.collateral, sender, vault, amount)?;
        self.active_stake.push(now, new_stake)?;
        self.active_shares.push(now, new_shares)?;
        self.active_shares_of.entry(on_behalf_of).or_default().push(now, holder)?;
        self.totals.deposited = deposited;
        Ok(Ev::Deposit { vault, depositor: sender, on_behalf_of, amount, shares: minted })
    }

    /// `withdraw(claimer, amount)`: burns the active shares worth `amount` (rounded up) and puts
    /// `amount` into the next epoch's bucket for `claimer`.
    pub(super) fn withdraw(
        &mut self,
        vault: Address,
        now: u64,
        sender: Address,
        claimer: Address,
        amount: U256,
    ) -> Result<Ev> {
        if claimer == Address::ZERO {
            return Err(E::InvalidClaimer);
        }
        if amount.is_zero() {
            return Err(E::InsufficientWithdrawal);
        }
        let burned = to_shares(
            amount,
            self.active_shares(At::Latest),
            self.active_stake(At::Latest),
            Rounding::Ceil,
        )?;
        if burned > self.active_shares_of(sender, At::Latest) {
            return Err(E::TooMuchWithdraw);
        }
        self.move_to_bucket(vault, now, sender, claimer, amount, burned)
    }

    /// `redeem(claimer, shares)`: burns `shares` and puts their worth (rounded down) into the
    /// next epoch's bucket, so a full exit cannot revert when a slash moves the rate.
    pub(super) fn redeem(
        &mut self,
        vault: Address,
        now: u64,
        sender: Address,
        claimer: Address,
        shares: U256,
    ) -> Result<Ev> {
        if claimer == Address::ZERO {
            return Err(E::InvalidClaimer);
        }
        if shares > self.active_shares_of(sender, At::Latest) {
            return Err(E::TooMuchRedeem);
        }
        let assets = to_assets(
            shares,
            self.active_stake(At::Latest),
            self.active_shares(At::Latest),
            Rounding::Floor,
        )?;
        if assets.is_zero() {
            return Err(E::InsufficientRedemption);
        }
        self.move_to_bucket(vault, now, sender, claimer, assets, shares)
    }

    fn move_to_bucket(
        &mut self,
        vault: Address,
        now: u64,
        sender: Address,
        claimer: Address,
        assets: U256,
        burned: U256,
    ) -> Result<Ev> {
        let holder = math::sub(self.active_shares_of(sender, At::Latest), burned)?;
        let shares = math::sub(self.active_shares(At::Latest), burned)?;
        let stake = math::sub(self.active_stake(At::Latest), assets)?;
        let epoch = self.epoch_at(now)? + 1;
        let bucket = self.withdrawals(epoch);
        let bucket_shares = self.withdrawal_shares(epoch);
        let minted = to_shares(assets, bucket_shares, bucket, Rounding::Floor)?;
        let new_bucket = math::add(bucket, assets)?;
        let new_bucket_shares = math::add(bucket_shares, minted)?;
        let claimer_shares = math::add(
            self.withdrawal_shares_of.get(&(epoch, claimer)).map(|a| a.0).unwrap_or_default(),
            minted,
        )?;
        // Every check passed; the pushes below are at `now`, which no history has passed.
        self.active_shares_of.entry(sender).or_default().push(now, holder)?;
        self.active_shares.push(now, shares)?;
        self.active_stake.push(now, stake)?;
        self.withdrawals.insert(epoch, Amount(new_bucket));
        self.withdrawal_shares.insert(epoch, Amount(new_bucket_shares));
        self.withdrawal_shares_of.insert((epoch, claimer), Amount(claimer_shares));
        Ok(Ev::Withdraw {
            vault,
            withdrawer: sender,
            claimer,
            amount: assets,
            burned_shares: burned,
            minted_shares: minted,
            epoch,
        })
    }

    /// `claim(recipient, epoch)` and `claimBatch(recipient, epochs)`: pays `sender`'s share of
    /// each ended epoch's bucket, in one transfer.
    pub(super) fn claim(
        &mut self,
        ledger: &mut Ledger,
        vault: Address,
        now: u64,
        sender: Address,
        recipient: Address,
        epochs: &[u64],
    ) -> Result<Vec<Ev>> {
        if recipient == Address::ZERO {
            return Err(E::InvalidRecipient);
        }
        if epochs.is_empty() {
            return Err(E::InvalidLengthEpochs);
        }
        let current = self.epoch_at(now)?;
        let mut total = U256::ZERO;
        let mut paid = Vec::with_capacity(epochs.len());
        for &epoch in epochs {
            if epoch >= current {
                return Err(E::InvalidEpoch(epoch));
            }
            let claimed_earlier = paid.iter().any(|(e, _)| *e == epoch);
            if claimed_earlier || self.withdrawals_claimed.contains(&(epoch, sender)) {
                return Err(E::AlreadyClaimed(epoch));
            }
            let amount = self.withdrawals_of(epoch, sender)?;
            if amount.is_zero() {
                return Err(E::InsufficientClaim);
            }
            total = math::add(total, amount)?;
            paid.push((epoch, amount));
        }
        let claimed = math::add(self.totals.claimed, total)?;
        ledger.transfer(self.collateral, vault, recipient, total)?;
        self.totals.claimed = claimed;
        let mut events = Vec::with_capacity(paid.len());
        for (epoch, amount) in paid {
            self.withdrawals_claimed.insert((epoch, sender));
            let by_epoch = self.totals.claimed_by_epoch.entry(epoch).or_default();
            by_epoch.0 = math::add(by_epoch.0, amount)?;
            events.push(Ev::Claim { vault, claimer: sender, recipient, epoch, amount });
        }
        Ok(events)
    }

    /// The slash `amount` captured at `capture_timestamp` would take from active stake, the
    /// current epoch's bucket and the next one's: `(active, current, next)`, summing to
    /// `min(amount, slashable pool)`.
    ///
    /// Captured in the current epoch, the current bucket (which matures at this epoch's end)
    /// is out of reach; captured in the previous one, it is in.
    pub fn slash_split(&self, now: u64, capture_timestamp: u64, amount: U256) -> Result<[U256; 3]> {
        let current = self.epoch_at(now)?;
        let capture_epoch = self.epoch_at(capture_timestamp)?;
        let active = self.active_stake(At::Latest);
        let next = self.withdrawals(current + 1);
        if capture_epoch == current {
            let pool = math::add(active, next)?;
            let slashed = amount.min(pool);
            if slashed.is_zero() {
                return Ok([U256::ZERO; 3]);
            }
            let from_active = math::mul_div(slashed, active, pool, Rounding::Floor)?;
            Ok([from_active, U256::ZERO, math::sub(slashed, from_active)?])
        } else if capture_epoch + 1 == current {
            let maturing = self.withdrawals(current);
            let pool = math::add(math::add(active, maturing)?, next)?;
            let slashed = amount.min(pool);
            if slashed.is_zero() {
                return Ok([U256::ZERO; 3]);
            }
            let from_active = math::mul_div(slashed, active, pool, Rounding::Floor)?;
            let mut from_next = math::mul_div(slashed, next, pool, Rounding::Floor)?;
            let mut from_maturing = math::sub(math::sub(slashed, from_active)?, from_next)?;
            if from_maturing > maturing {
                from_next = math::add(from_next, math::sub(from_maturing, maturing)?)?;
                from_maturing = maturing;
            }
            Ok([from_active, from_maturing, from_next])
        } else {
            Err(E::InvalidCaptureEpoch)
        }
    }

    /// `onSlash(amount, captureTimestamp)`: lowers active stake and the buckets by
    /// [`Vault::slash_split`] and sends the collateral to the burner. Shares are untouched, so
    /// the loss is shared through each pool's rate. Returns the amount taken.
    pub(super) fn on_slash(
        &mut self,
        ledger: &mut Ledger,
        vault: Address,
        now: u64,
        capture_timestamp: u64,
        amount: U256,
    ) -> Result<(U256, Ev)> {
        let [from_active, from_maturing, from_next] =
            self.slash_split(now, capture_timestamp, amount)?;
        let slashed = math::add(math::add(from_active, from_maturing)?, from_next)?;
        let event = Ev::VaultSlashed {
            vault,
            amount,
            capture_timestamp,
            slashed_amount: slashed,
            from_active_stake: from_active,
            from_current_withdrawals: from_maturing,
            from_next_withdrawals: from_next,
        };
        if slashed.is_zero() {
            return Ok((slashed, event));
        }
        let current = self.epoch_at(now)?;
        let stake = math::sub(self.active_stake(At::Latest), from_active)?;
        let maturing = math::sub(self.withdrawals(current), from_maturing)?;
        let next = math::sub(self.withdrawals(current + 1), from_next)?;
        let total_slashed = math::add(self.totals.slashed, slashed)?;
        ledger.transfer(self.collateral, vault, self.burner, slashed)?;
        self.active_stake.push(now, stake)?;
        if !from_maturing.is_zero() {
            self.withdrawals.insert(current, Amount(maturing));
        }
        if !from_next.is_zero() {
            self.withdrawals.insert(current + 1, Amount(next));
        }
        self.totals.slashed = total_slashed;
        Ok((slashed, event))
    }
}
