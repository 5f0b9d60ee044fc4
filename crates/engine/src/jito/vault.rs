//! The vault's arithmetic (`vault_core/src/vault.rs`): VRT mint and burn with their fees,
//! delegation limits, the reward fee, the update gate and fee governance. Pure functions of a
//! [`Vault`]; the instructions in [`super::vault_program`] call them before writing anything.
//!
//! Rounding as the program does it: u128 intermediates, conversions and prices floored, fees
//! rounded up (`div_ceil`), no virtual shares (the burn vault's dead VRT prevents the empty
//! case).

use super::{
    errors::JitoError,
    slot_toggle::get_epoch,
    state::{DelegationState, MAX_BPS, UpdateStateTracker, Vault},
};

type Result<T, E = JitoError> = std::result::Result<T, E>;
type E = JitoError;

/// What a deposit mints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MintSummary {
    /// VRT to the depositor.
    pub vrt_to_depositor: u64,
    /// VRT to the vault's fee wallet.
    pub vrt_to_fee_wallet: u64,
}

/// What burning VRT pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BurnSummary {
    /// VRT to the program fee wallet.
    pub program_fee_amount: u64,
    /// VRT to the vault fee wallet.
    pub vault_fee_amount: u64,
    /// VRT burned.
    pub burn_amount: u64,
    /// Supported tokens to the staker.
    pub out_amount: u64,
}

/// `⌈amount · bps / 10 000⌉` (every Jito fee).
pub fn fee(amount: u64, bps: u16) -> Result<u64> {
    let wide = u128::from(amount) * u128::from(bps);
    u64::try_from(wide.div_ceil(u128::from(MAX_BPS))).map_err(|_| E::VaultOverflow)
}

/// `⌊a · b / c⌋` in u128 (`VaultOverflow` on a zero divisor or a result past u64).
fn mul_div_floor(a: u64, b: u64, c: u64) -> Result<u64> {
    (u128::from(a) * u128::from(b))
        .checked_div(u128::from(c))
        .and_then(|x| u64::try_from(x).ok())
        .ok_or(E::VaultOverflow)
}

impl Vault {
    /// `is_update_needed`: the last completed update is from an earlier epoch.
    pub fn is_update_needed(&self, slot: u64, epoch_length: u64) -> Result<bool> {
        Ok(get_epoch(self.last_full_state_update_slot, epoch_length)?
            < get_epoch(slot, epoch_length)?)
    }

    /// `check_update_state_ok`: `VaultUpdateNeeded` until this epoch's update completed.
    pub fn check_update_state_ok(&self, slot: u64, epoch_length: u64) -> Result<()> {
        if self.is_update_needed(slot, epoch_length)? {
            return Err(E::VaultUpdateNeeded);
        }
        Ok(())
    }

    /// `check_is_paused`.
    pub fn check_is_paused(&self) -> Result<()> {
        if self.is_paused {
            return Err(E::VaultIsPaused);
        }
        Ok(())
    }

    /// VRT for `amount` supported tokens: 1:1 into an empty vault, else pro rata, floored.
    pub fn calculate_vrt_mint_amount(&self, amount: u64) -> Result<u64> {
        if self.tokens_deposited == 0 {
            return Ok(amount);
        }
        mul_div_floor(amount, self.vrt_supply, self.tokens_deposited)
    }

    /// `mint_with_fee`: capacity, price, deposit fee (in VRT, rounded up), slippage.
    pub fn mint_with_fee(&mut self, amount_in: u64, min_amount_out: u64) -> Result<MintSummary> {
        if amount_in == 0 {
            return Err(E::VaultMintZero);
        }
        let deposited = self.tokens_deposited.checked_add(amount_in).ok_or(E::VaultOverflow)?;
        if deposited > self.deposit_capacity {
            return Err(E::VaultCapacityExceeded);
        }
        let vrt = self.calculate_vrt_mint_amount(amount_in)?;
        let vrt_to_fee_wallet = fee(vrt, self.deposit_fee_bps)?;
        let vrt_to_depositor = vrt.checked_sub(vrt_to_fee_wallet).ok_or(E::VaultUnderflow)?;
        if vrt_to_depositor < min_amount_out {
            return Err(E::SlippageError);
        }
        self.vrt_supply = self.vrt_supply.checked_add(vrt).ok_or(E::VaultOverflow)?;
        self.tokens_deposited = deposited;
        Ok(MintSummary { vrt_to_depositor, vrt_to_fee_wallet })
    }

    /// `calculate_burn_summary`: the program fee has priority over the vault fee when they
    /// would exceed the amount together; a staker who is a fee wallet pays no such fee.
    pub fn calculate_burn_summary(
        &self,
        is_staker_program_fee_wallet: bool,
        is_staker_vault_fee_wallet: bool,
        amount_in: u64,
    ) -> Result<BurnSummary> {
        let mut program_fee_amount = fee(amount_in, self.program_fee_bps)?;
        let mut vault_fee_amount = fee(amount_in, self.withdrawal_fee_bps)?;
        if program_fee_amount.checked_add(vault_fee_amount).ok_or(E::VaultOverflow)? > amount_in {
            vault_fee_amount =
                amount_in.checked_sub(program_fee_amount).ok_or(E::VaultUnderflow)?;
        }
        if is_staker_program_fee_wallet {
            program_fee_amount = 0;
        }
        if is_staker_vault_fee_wallet {
            vault_fee_amount = 0;
        }
        let burn_amount = amount_in
            .checked_sub(program_fee_amount)
            .and_then(|x| x.checked_sub(vault_fee_amount))
            .ok_or(E::VaultUnderflow)?;
        let out_amount = mul_div_floor(burn_amount, self.tokens_deposited, self.vrt_supply)?;
        Ok(BurnSummary { program_fee_amount, vault_fee_amount, burn_amount, out_amount })
    }

    /// `burn_with_fee`: at most the supply, and no more out than is undelegated.
    pub fn burn_with_fee(
        &mut self,
        is_staker_program_fee_wallet: bool,
        is_staker_vault_fee_wallet: bool,
        amount_in: u64,
    ) -> Result<BurnSummary> {
        if amount_in == 0 {
            return Err(E::VaultBurnZero);
        }
        if amount_in > self.vrt_supply {
            return Err(E::VaultInsufficientFunds);
        }
        let summary = self.calculate_burn_summary(
            is_staker_program_fee_wallet,
            is_staker_vault_fee_wallet,
            amount_in,
        )?;
        let max_withdrawable = self
            .tokens_deposited
            .checked_sub(self.delegation_state.total_security()?)
            .ok_or(E::VaultUnderflow)?;
        if summary.out_amount > max_withdrawable {
            return Err(E::VaultUnderflow);
        }
        let supply = self.vrt_supply.checked_sub(summary.burn_amount).ok_or(E::VaultUnderflow)?;
        let deposited =
            self.tokens_deposited.checked_sub(summary.out_amount).ok_or(E::VaultUnderflow)?;
        self.vrt_supply = supply;
        self.tokens_deposited = deposited;
        Ok(summary)
    }

    /// Assets owed to every queued withdrawal (enqueued, cooling down, ready), net of fees.
    pub fn calculate_supported_assets_requested_for_withdrawal(&self) -> Result<u64> {
        if self.vrt_supply == 0 {
            return Ok(0);
        }
        let queued = self
            .vrt_enqueued_for_cooldown_amount
            .checked_add(self.vrt_cooling_down_amount)
            .and_then(|x| x.checked_add(self.vrt_ready_to_claim_amount))
            .ok_or(E::VaultOverflow)?;
        Ok(self.calculate_burn_summary(false, false, queued)?.out_amount)
    }

    /// What the update starting now must force into cool-down: the assets owed to queued
    /// withdrawals less what will be idle or already on its way out after the epochs elapsed.
    pub fn calculate_additional_supported_assets_needed_to_unstake(
        &self,
        slot: u64,
        epoch_length: u64,
    ) -> Result<u64> {
        let requested = self.calculate_supported_assets_requested_for_withdrawal()?;
        let last = get_epoch(self.last_full_state_update_slot, epoch_length)?;
        let now = get_epoch(slot, epoch_length)?;
        let mut after = self.delegation_state;
        after.update_epochs(now.checked_sub(last).ok_or(E::ArithmeticUnderflow)?);
        let idle =
            self.tokens_deposited.checked_sub(after.total_security()?).ok_or(E::VaultUnderflow)?;
        let leaving = after
            .enqueued_for_cooldown_amount
            .checked_add(after.cooling_down_amount)
            .ok_or(E::VaultOverflow)?;
        let available = idle.checked_add(leaving).ok_or(E::VaultOverflow)?;
        Ok(requested.saturating_sub(available))
    }

    /// `Vault::delegate`: at most what is neither delegated nor reserved for withdrawals.
    pub fn delegate(&mut self, amount: u64) -> Result<()> {
        if amount == 0 {
            return Err(E::VaultDelegationZero);
        }
        if self.tokens_deposited == 0 || self.vrt_supply == 0 {
            return Err(E::VaultUnderflow);
        }
        let reserve = self.calculate_supported_assets_requested_for_withdrawal()?;
        let available = self
            .tokens_deposited
            .checked_sub(self.delegation_state.total_security()?)
            .and_then(|x| x.checked_sub(reserve))
            .ok_or(E::VaultUnderflow)?;
        if amount > available {
            return Err(E::VaultInsufficientFunds);
        }
        self.delegation_state.delegate(amount)
    }

    /// The reward fee in supported tokens on a new balance: `⌈(new − deposited)⁺ · bps⌉`.
    pub fn calculate_st_reward_fee(&self, new_st_supply: u64) -> Result<u64> {
        let rewards = new_st_supply.saturating_sub(self.tokens_deposited);
        if rewards == 0 {
            return Ok(0);
        }
        fee(rewards, self.reward_fee_bps)
    }

    /// `check_reward_fee_effective_rate`: the VRT minted as reward fee, re-priced with a 10⁴
    /// precision factor on the vault's new state, must be within `max_delta_bps` of the rate.
    pub fn check_reward_fee_effective_rate(
        &self,
        st_rewards: u64,
        vrt_reward_fee: u64,
        max_delta_bps: u16,
    ) -> Result<()> {
        if max_delta_bps > MAX_BPS {
            return Err(E::VaultFeeCapExceeded);
        }
        if (st_rewards == 0 || self.reward_fee_bps == 0) && vrt_reward_fee == 0 {
            return Ok(());
        }
        if vrt_reward_fee == 0 {
            return Err(E::VaultRewardFeeIsZero);
        }
        let precision = u128::from(MAX_BPS);
        let ratio = (u128::from(self.tokens_deposited) * precision)
            .checked_div(u128::from(self.vrt_supply))
            .ok_or(E::VaultOverflow)?;
        let rewards_in_vrt =
            (u128::from(st_rewards) * precision).checked_div(ratio).ok_or(E::VaultOverflow)?;
        let effective = (u128::from(vrt_reward_fee) * u128::from(MAX_BPS))
            .checked_div(rewards_in_vrt)
            .and_then(|v| u16::try_from(v).ok())
            .ok_or(E::VaultOverflow)?;
        if effective.abs_diff(self.reward_fee_bps) > max_delta_bps {
            return Err(E::VaultRewardFeeDeltaTooLarge);
        }
        Ok(())
    }

    /// `check_can_modify_fees`: one full epoch between fee changes.
    pub fn check_can_modify_fees(&self, slot: u64, epoch_length: u64) -> Result<()> {
        let now = get_epoch(slot, epoch_length)?;
        let last = get_epoch(self.last_fee_change_slot, epoch_length)?;
        if now <= last.checked_add(1).ok_or(E::ArithmeticOverflow)? {
            return Err(E::VaultFeeChangeTooSoon);
        }
        Ok(())
    }

    /// `check_fee_change_ok`: under the cap; a rise above the flat bump may be at most
    /// `fee_rate_of_change_bps` of the current fee (a rise from zero above the bump never is).
    pub fn check_fee_change_ok(
        current_fee_bps: u16,
        new_fee_bps: u16,
        fee_cap_bps: u16,
        fee_bump_bps: u16,
        fee_rate_of_change_bps: u16,
    ) -> Result<()> {
        if [current_fee_bps, new_fee_bps, fee_cap_bps, fee_bump_bps, fee_rate_of_change_bps]
            .iter()
            .any(|bps| *bps > MAX_BPS)
        {
            return Err(E::VaultFeeCapExceeded);
        }
        let delta = new_fee_bps.saturating_sub(current_fee_bps);
        if new_fee_bps > fee_cap_bps.min(MAX_BPS) {
            return Err(E::VaultFeeCapExceeded);
        }
        if delta > fee_bump_bps {
            let increase = (u128::from(delta) * u128::from(MAX_BPS))
                .checked_div(u128::from(current_fee_bps))
                .and_then(|x| u64::try_from(x).ok())
                .unwrap_or(u64::MAX);
            if increase > u64::from(fee_rate_of_change_bps) {
                return Err(E::VaultFeeBumpTooLarge);
            }
        }
        Ok(())
    }

    /// A deposit or (next) withdrawal fee: at most 100% and the config cap, and a legal rise.
    pub fn check_deposit_or_withdrawal_fee(
        current: u16,
        new: u16,
        cap: u16,
        bump: u16,
        rate_of_change: u16,
    ) -> Result<()> {
        if new > MAX_BPS || new > cap {
            return Err(E::VaultFeeCapExceeded);
        }
        Self::check_fee_change_ok(current, new, cap, bump, rate_of_change)
    }
}

impl DelegationState {
    /// Whether every stage is empty.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

impl UpdateStateTracker {
    /// A tracker for `ncn_epoch` that has cranked no operator yet.
    pub fn new(ncn_epoch: u64) -> Self {
        Self {
            ncn_epoch,
            last_updated_index: u64::MAX,
            delegation_state: DelegationState::default(),
        }
    }

    /// `check_and_update_index`: operators are cranked in round-robin order from
    /// `ncn_epoch % num_operators`, so no operator is always last (and starved of the greedy
    /// method's forced cool-downs).
    pub fn check_and_update_index(&mut self, index: u64, num_operators: u64) -> Result<()> {
        let expected = if self.last_updated_index == u64::MAX {
            self.ncn_epoch.checked_rem(num_operators).ok_or(E::DivisionByZero)?
        } else {
            self.last_updated_index
                .checked_add(1)
                .and_then(|i| i.checked_rem(num_operators))
                .ok_or(E::ArithmeticOverflow)?
        };
        if index != expected {
            return Err(E::VaultUpdateIncorrectIndex);
        }
        self.last_updated_index = index;
        Ok(())
    }

    /// `all_operators_updated`: the last index cranked is the one before the start index.
    pub fn all_operators_updated(&self, num_operators: u64) -> Result<bool> {
        if self.last_updated_index == u64::MAX {
            return Ok(false);
        }
        let start = self.ncn_epoch.checked_rem(num_operators).ok_or(E::DivisionByZero)?;
        let last = if start == 0 {
            num_operators.checked_sub(1).ok_or(E::ArithmeticUnderflow)?
        } else {
            start - 1
        };
        Ok(self.last_updated_index == last)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::collections::BTreeMap;

    use alloy_primitives::Address;

    use super::*;
    use crate::jito::state::VaultAdmins;

    /// `make_test_vault(deposit_fee_bps, withdrawal_fee_bps, program_fee_bps, tokens_deposited,
    /// vrt_supply, delegation_state)` of `vault_core/src/vault.rs`'s tests.
    pub(crate) fn make_test_vault(
        deposit_fee_bps: u16,
        withdrawal_fee_bps: u16,
        program_fee_bps: u16,
        tokens_deposited: u64,
        vrt_supply: u64,
        delegation_state: DelegationState,
    ) -> Vault {
        let a = Address::repeat_byte(1);
        Vault {
            vault_index: 0,
            vrt_mint: a,
            supported_mint: a,
            burn_vault: a,
            vrt_supply,
            tokens_deposited,
            deposit_capacity: u64::MAX,
            delegation_state,
            additional_assets_need_unstaking: 0,
            vrt_enqueued_for_cooldown_amount: 0,
            vrt_cooling_down_amount: 0,
            vrt_ready_to_claim_amount: 0,
            admins: VaultAdmins {
                admin: a,
                delegation_admin: a,
                operator_admin: a,
                ncn_admin: a,
                slasher_admin: a,
                capacity_admin: a,
                fee_admin: a,
                delegate_asset_admin: a,
                fee_wallet: a,
                mint_burn_admin: Address::ZERO,
                metadata_admin: a,
            },
            ncn_tickets: BTreeMap::new(),
            operator_delegations: BTreeMap::new(),
            slasher_tickets: BTreeMap::new(),
            withdrawal_tickets: BTreeMap::new(),
            withdrawal_ticket_nonce: 0,
            update_trackers: BTreeMap::new(),
            last_fee_change_slot: 0,
            last_full_state_update_slot: 0,
            last_start_state_update_slot: 0,
            deposit_fee_bps,
            withdrawal_fee_bps,
            next_withdrawal_fee_bps: withdrawal_fee_bps,
            reward_fee_bps: 0,
            program_fee_bps,
            is_paused: false,
        }
    }

    fn vault(dep: u16, wd: u16, prog: u16, tokens: u64, vrt: u64) -> Vault {
        make_test_vault(dep, wd, prog, tokens, vrt, DelegationState::default())
    }

    fn summary(
        v: &mut Vault,
        staker_prog: bool,
        staker_vault: bool,
        amount: u64,
    ) -> (u64, u64, u64, u64) {
        let s = v.burn_with_fee(staker_prog, staker_vault, amount).unwrap();
        (s.program_fee_amount, s.vault_fee_amount, s.burn_amount, s.out_amount)
    }

    /// `test_mint_simple_ok`, `test_mint_with_deposit_fee_ok`, `test_mint_less_than_slippage_fails`,
    /// `test_mint_different_fees`, `test_mint_empty_vault`, `test_mint_slippage_protection`,
    /// `test_mint_small_fee`.
    #[test]
    fn mint_fees_round_up_and_slippage_is_checked() {
        let mut v = vault(0, 0, 0, 0, 0);
        assert_eq!(
            v.mint_with_fee(100, 100),
            Ok(MintSummary { vrt_to_depositor: 100, vrt_to_fee_wallet: 0 })
        );
        let mut v = vault(100, 0, 0, 0, 0);
        assert_eq!(v.mint_with_fee(100, 100), Err(E::SlippageError));
        assert_eq!(
            v.mint_with_fee(100, 99),
            Ok(MintSummary { vrt_to_depositor: 99, vrt_to_fee_wallet: 1 })
        );
        assert_eq!((v.tokens_deposited, v.vrt_supply), (100, 100));
        let mut v = vault(500, 0, 0, 0, 0);
        assert_eq!(
            v.mint_with_fee(1000, 950),
            Ok(MintSummary { vrt_to_depositor: 950, vrt_to_fee_wallet: 50 })
        );
        assert_eq!((v.tokens_deposited, v.vrt_supply), (1000, 1000));
        let mut v = vault(100, 0, 0, 0, 0);
        assert_eq!(v.mint_with_fee(1000, 990).unwrap().vrt_to_depositor, 990);
        assert_eq!(v.mint_with_fee(1000, 991), Err(E::SlippageError));
        let mut v = vault(1, 0, 0, 0, 0);
        assert_eq!(
            v.mint_with_fee(1, 0),
            Ok(MintSummary { vrt_to_depositor: 0, vrt_to_fee_wallet: 1 })
        );
    }

    /// `test_deposit_ratio_after_slashed_ok`, `test_deposit_ratio_after_reward_ok`,
    /// `test_mint_at_max_capacity`, `test_mint_small_amounts`.
    #[test]
    fn mint_price_and_capacity() {
        let mut v = vault(0, 0, 0, 90, 100);
        assert_eq!(v.mint_with_fee(100, 111).unwrap().vrt_to_depositor, 111);
        assert_eq!((v.tokens_deposited, v.vrt_supply), (190, 211));
        let mut v = vault(0, 0, 0, 200, 100);
        assert_eq!(v.mint_with_fee(100, 50).unwrap().vrt_to_depositor, 50);
        assert_eq!((v.tokens_deposited, v.vrt_supply), (300, 150));
        let mut v = vault(0, 0, 0, 900, 1000);
        v.deposit_capacity = 1000;
        assert_eq!(v.mint_with_fee(100, 111).unwrap().vrt_to_depositor, 111);
        assert_eq!(v.tokens_deposited, 1000);
        assert_eq!(v.mint_with_fee(1, 1), Err(E::VaultCapacityExceeded));
        let mut v = vault(0, 0, 0, 1_000_000, 1_000_000);
        assert_eq!(v.mint_with_fee(1, 1).unwrap().vrt_to_depositor, 1);
        assert_eq!((v.tokens_deposited, v.vrt_supply), (1_000_001, 1_000_001));
        assert_eq!(v.mint_with_fee(0, 0), Err(E::VaultMintZero));
    }

    /// `test_burn_with_fee_ok`, `test_burn_with_staker_as_program_fee_wallet`,
    /// `test_burn_with_staker_as_vault_fee_wallet`,
    /// `test_burn_with_staker_as_both_program_and_vault_fee_wallet`, `test_burn_with_program_fee_ok`,
    /// `test_burn_with_program_fee_priority`, `test_burn_with_max_program_fee`,
    /// `test_burn_different_fees`, `test_burn_small_fee`.
    #[test]
    fn burn_fees() {
        // (program fee, vault fee, burned, out)
        assert_eq!(summary(&mut vault(0, 100, 0, 100, 100), false, false, 100), (0, 1, 99, 99));
        assert_eq!(summary(&mut vault(0, 100, 100, 100, 100), true, false, 100), (0, 1, 99, 99));
        assert_eq!(summary(&mut vault(0, 100, 100, 100, 100), false, true, 100), (1, 0, 99, 99));
        assert_eq!(summary(&mut vault(0, 100, 100, 100, 100), true, true, 100), (0, 0, 100, 100));
        assert_eq!(summary(&mut vault(0, 100, 200, 100, 100), false, false, 100), (2, 1, 97, 97));
        assert_eq!(summary(&mut vault(0, 1500, 9000, 100, 100), false, false, 100), (90, 10, 0, 0));
        assert_eq!(summary(&mut vault(0, 0, 10_000, 100, 100), false, false, 100), (100, 0, 0, 0));
        assert_eq!(
            summary(&mut vault(0, 500, 0, 10_000, 10_000), false, false, 1000),
            (0, 50, 950, 950)
        );
        let mut v = vault(0, 1, 0, 0, 0);
        v.mint_with_fee(1, 1).unwrap();
        assert_eq!(summary(&mut v, false, false, 1), (0, 1, 0, 0));
    }

    /// `test_burn_too_much_fails`, `test_burn_zero_fails`, `test_burn_with_delegation_ok`,
    /// `test_burn_more_than_withdrawable_fails`, `test_burn_all_delegated`,
    /// `test_burn_rounding_issues`, `test_burn_max_values`.
    #[test]
    fn burn_limits() {
        assert_eq!(
            vault(0, 100, 0, 100, 100).burn_with_fee(false, false, 101),
            Err(E::VaultInsufficientFunds)
        );
        assert_eq!(
            vault(0, 100, 0, 100, 100).burn_with_fee(false, false, 0),
            Err(E::VaultBurnZero)
        );
        let mut v = make_test_vault(0, 0, 0, 100, 100, DelegationState::new(10, 10, 0));
        assert_eq!(summary(&mut v, false, false, 50), (0, 0, 50, 50));
        assert_eq!((v.tokens_deposited, v.vrt_supply), (50, 50));
        let mut v = make_test_vault(0, 0, 0, 100, 100, DelegationState::new(50, 0, 0));
        assert_eq!(v.burn_with_fee(false, false, 51), Err(E::VaultUnderflow));
        let mut v = make_test_vault(0, 0, 0, 100, 100, DelegationState::new(100, 0, 0));
        assert_eq!(v.burn_with_fee(false, false, 1), Err(E::VaultUnderflow));
        let mut v = vault(0, 0, 0, 1_000_000, 1_000_000);
        assert_eq!(v.burn_with_fee(false, false, 1).unwrap().out_amount, 1);
        assert_eq!((v.tokens_deposited, v.vrt_supply), (999_999, 999_999));
        let mut v = vault(0, 100, 0, u64::MAX, u64::MAX);
        let expected = u64::try_from((u128::from(u64::MAX) * 100).div_ceil(10_000)).unwrap();
        assert_eq!(v.burn_with_fee(false, false, u64::MAX).unwrap().vault_fee_amount, expected);
    }

    /// `test_delegate_ok` … `test_delegate_with_vrt_reserves_and_delegated_assets_cooling_down_fails`.
    #[test]
    fn delegation_limits() {
        let ds = DelegationState::new;
        assert_eq!(vault(0, 0, 0, 1000, 1000).delegate(1000), Ok(()));
        assert_eq!(vault(0, 0, 0, 1000, 1000).delegate(1001), Err(E::VaultInsufficientFunds));
        assert_eq!(
            make_test_vault(0, 0, 0, 1000, 1000, ds(500, 200, 200)).delegate(101),
            Err(E::VaultInsufficientFunds)
        );
        assert_eq!(make_test_vault(0, 0, 0, 1000, 1000, ds(500, 200, 100)).delegate(100), Ok(()));
        let reserved = |state, ready| {
            let mut v = make_test_vault(0, 0, 0, 1000, 1000, state);
            v.vrt_ready_to_claim_amount = ready;
            v
        };
        assert_eq!(reserved(ds(0, 0, 0), 100).delegate(900), Ok(()));
        assert_eq!(reserved(ds(0, 0, 0), 100).delegate(901), Err(E::VaultInsufficientFunds));
        assert_eq!(reserved(ds(100, 100, 100), 100).delegate(400), Ok(()));
        assert_eq!(reserved(ds(100, 100, 100), 100).delegate(601), Err(E::VaultInsufficientFunds));
        let mut v = make_test_vault(0, 0, 0, 900, 1000, ds(0, 500, 0));
        v.vrt_ready_to_claim_amount = 500;
        assert_eq!(v.delegate(100), Err(E::VaultUnderflow));
        assert_eq!(vault(0, 0, 0, 1000, 1000).delegate(0), Err(E::VaultDelegationZero));
    }

    /// `test_calculate_supported_assets_requested_for_withdrawal_ok`, `…_with_fee`,
    /// `test_calculate_vrt_reserve_amount_with_fee_with_assets_in_different_stages`.
    #[test]
    fn reserve_for_withdrawals() {
        let mut v = vault(0, 0, 0, 1000, 1000);
        v.vrt_cooling_down_amount = 100;
        assert_eq!(v.calculate_supported_assets_requested_for_withdrawal(), Ok(100));
        let mut v = vault(0, 100, 0, 1000, 1000);
        v.vrt_cooling_down_amount = 100;
        assert_eq!(v.calculate_supported_assets_requested_for_withdrawal(), Ok(99));
        let mut v = vault(0, 100, 0, 1000, 1000);
        (
            v.vrt_enqueued_for_cooldown_amount,
            v.vrt_cooling_down_amount,
            v.vrt_ready_to_claim_amount,
        ) = (50, 25, 25);
        assert_eq!(v.calculate_supported_assets_requested_for_withdrawal(), Ok(99));
    }

    /// `test_calculate_assets_need_undelegating_ok`, `…_with_assets_cooling_down`,
    /// `…_with_assets_cooling_down_2` (epoch length 100; last full update at slot 0).
    #[test]
    fn assets_needing_unstaking() {
        let ds = DelegationState::new;
        let mut v = make_test_vault(0, 0, 0, 1000, 1000, ds(1000, 0, 0));
        v.vrt_cooling_down_amount = 100;
        assert_eq!(v.calculate_additional_supported_assets_needed_to_unstake(100, 100), Ok(100));
        v.delegation_state = ds(900, 0, 100);
        assert_eq!(v.calculate_additional_supported_assets_needed_to_unstake(100, 100), Ok(0));
        v.vrt_cooling_down_amount = 200;
        assert_eq!(v.calculate_additional_supported_assets_needed_to_unstake(100, 100), Ok(100));

        let mut v = make_test_vault(0, 0, 0, 1000, 1000, ds(900, 0, 100));
        v.vrt_cooling_down_amount = 100;
        assert_eq!(v.calculate_additional_supported_assets_needed_to_unstake(100, 100), Ok(0));
        assert_eq!(v.calculate_additional_supported_assets_needed_to_unstake(200, 100), Ok(0));

        let mut v = make_test_vault(0, 0, 0, 1000, 1000, ds(800, 100, 100));
        v.vrt_cooling_down_amount = 300;
        assert_eq!(v.calculate_additional_supported_assets_needed_to_unstake(100, 100), Ok(100));
        assert_eq!(v.calculate_additional_supported_assets_needed_to_unstake(200, 100), Ok(100));
        v.vrt_supply += 100;
        v.tokens_deposited += 100;
        assert_eq!(v.calculate_additional_supported_assets_needed_to_unstake(200, 100), Ok(0));
    }

    /// `test_calculate_reward_fee`, `test_calculate_negative_balance`,
    /// `test_calculate_100_percent_rewards`.
    #[test]
    fn reward_fee_in_supported_tokens() {
        let mut v = vault(0, 0, 0, 0, 0);
        v.reward_fee_bps = 1000;
        assert_eq!(v.calculate_st_reward_fee(1000), Ok(100));
        v.tokens_deposited = 1000;
        assert_eq!(v.calculate_st_reward_fee(0), Ok(0));
        let mut v = vault(0, 0, 0, 0, 0);
        v.reward_fee_bps = 10_000;
        assert_eq!(v.calculate_st_reward_fee(1000), Ok(1000));
    }

    /// `test_fee_change_after_two_epochs`, `test_fee_change_within_same_epoch`,
    /// `test_fee_change_in_next_epoch`, `test_fee_change_at_epoch_boundary`.
    #[test]
    fn one_full_epoch_between_fee_changes() {
        let mut v = vault(0, 0, 0, 0, 0);
        v.last_fee_change_slot = 1;
        assert_eq!(v.check_can_modify_fees(200, 100), Ok(()));
        assert_eq!(v.check_can_modify_fees(101, 100), Err(E::VaultFeeChangeTooSoon));
        assert_eq!(v.check_can_modify_fees(100, 100), Err(E::VaultFeeChangeTooSoon));
        v.last_fee_change_slot = 101;
        assert_eq!(v.check_can_modify_fees(102, 100), Err(E::VaultFeeChangeTooSoon));
    }

    /// `test_fee_increase_within_limits` … `test_above_cap` (cap 3000, bump 10, rate 2500).
    #[test]
    fn fee_rise_limits() {
        let check = |current, new| Vault::check_fee_change_ok(current, new, 3000, 10, 2500);
        assert_eq!(check(100, 125), Ok(()), "25% rise");
        assert_eq!(check(100, 126), Err(E::VaultFeeBumpTooLarge), "26% rise");
        assert_eq!(check(1, 10), Ok(()), "within the bump");
        assert_eq!(check(1, 13), Err(E::VaultFeeBumpTooLarge), "above the bump, 1200%");
        assert_eq!(check(0, 10), Ok(()), "from zero within the bump");
        assert_eq!(check(0, 11), Err(E::VaultFeeBumpTooLarge), "from zero above the bump");
        assert_eq!(check(100, 100), Ok(()));
        assert_eq!(check(100, 50), Ok(()), "decreases are free");
        let check_cap = |current, new, cap| Vault::check_fee_change_ok(current, new, cap, 10, 2500);
        assert_eq!(check_cap(MAX_BPS, 0, 3000), Ok(()), "test_max_decrease");
        assert_eq!(check_cap(MAX_BPS - 1, MAX_BPS, MAX_BPS), Ok(()), "test_max_fee_values");
        assert!(check_cap(0, u16::MAX, u16::MAX).is_err(), "test_max_increase");
        assert_eq!(check(2999, 3000), Ok(()), "test_at_cap");
        assert_eq!(check(2999, 3001), Err(E::VaultFeeCapExceeded), "test_above_cap");
    }

    /// `vault_update_state_tracker.rs::tests::test_update_index_zero_ok`,
    /// `test_update_index_skip_zero_fails`, `test_update_index_skip_index_fails`,
    /// `test_update_index_wraparound`.
    #[test]
    fn crank_index_order() {
        assert_eq!(UpdateStateTracker::new(0).check_and_update_index(0, 1), Ok(()));
        assert_eq!(
            UpdateStateTracker::new(0).check_and_update_index(1, 2),
            Err(E::VaultUpdateIncorrectIndex)
        );
        let mut t = UpdateStateTracker::new(0);
        t.check_and_update_index(0, 4).unwrap();
        t.check_and_update_index(1, 4).unwrap();
        assert_eq!(t.check_and_update_index(3, 4), Err(E::VaultUpdateIncorrectIndex));
        let mut t = UpdateStateTracker::new(6); // starts at 6 % 4 = 2
        assert_eq!(t.check_and_update_index(0, 4), Err(E::VaultUpdateIncorrectIndex));
        for index in [2, 3, 0, 1] {
            t.check_and_update_index(index, 4).unwrap();
            assert_eq!(t.last_updated_index, index);
        }
        assert_eq!(t.all_operators_updated(4), Ok(true));
    }

    /// `vault_update_state_tracker.rs::tests::test_all_operators_updated`.
    #[test]
    fn all_operators_updated() {
        let with = |epoch: u64, last: u64| UpdateStateTracker {
            last_updated_index: last,
            ..UpdateStateTracker::new(epoch)
        };
        assert_eq!(UpdateStateTracker::new(0).all_operators_updated(4), Ok(false));
        assert_eq!(with(0, 1).all_operators_updated(4), Ok(false));
        assert_eq!(with(0, 3).all_operators_updated(4), Ok(true));
        assert_eq!(with(3, 2).all_operators_updated(4), Ok(true));
        assert_eq!(with(4, 0).all_operators_updated(4), Ok(false));
        assert_eq!(with(1, 0).all_operators_updated(4), Ok(true));
        assert_eq!(with(2, 0).all_operators_updated(1), Ok(true));
        assert_eq!(with(2, 0).all_operators_updated(0), Err(E::DivisionByZero));
    }

    /// `delegation_state.rs::tests::test_undo_self_zeroes`, `test_undo_complex`,
    /// `test_delegate`, `test_delegate_cooling_down`, `test_delegate_zero`, `test_cooldown_zero`.
    #[test]
    fn delegation_state_transitions() {
        let mut state = DelegationState::new(1, 2, 3);
        state.subtract(&state.clone()).unwrap();
        assert_eq!(state, DelegationState::default());
        let mut state = DelegationState::new(10, 20, 30);
        state.subtract(&DelegationState::new(5, 10, 15)).unwrap();
        assert_eq!(state, DelegationState::new(5, 10, 15));
        let mut state = DelegationState::default();
        state.delegate(100).unwrap();
        assert_eq!((state.staked_amount, state.total_security()), (100, Ok(100)));
        state.cooldown(50).unwrap();
        assert_eq!(state, DelegationState::new(50, 50, 0));
        state.update();
        assert_eq!(state, DelegationState::new(50, 0, 50));
        assert_eq!(state.total_security(), Ok(100));
        state.update();
        assert_eq!(state, DelegationState::new(50, 0, 0));
        assert_eq!(state.total_security(), Ok(50));
        assert_eq!(DelegationState::default().delegate(0), Err(E::VaultDelegationZero));
        assert_eq!(DelegationState::new(100, 0, 0).cooldown(0), Err(E::VaultCooldownZero));
        // The removed slash path takes staked, then enqueued, then cooling down.
        let mut state = DelegationState::new(10, 20, 30);
        state.slash(45).unwrap();
        assert_eq!(state, DelegationState::new(0, 0, 15));
        assert_eq!(state.slash(16), Err(E::VaultSlashUnderflow));
    }
}
