//! The vault program's instructions (`vault_program/src/*.rs`), one function each. Each works
//! on a copy of the vault and writes it back only once every check and the one fallible token
//! movement passed, so a rejected instruction changes nothing.

use std::collections::BTreeMap;

use alloy_primitives::{Address, U256};

use super::{
    E, Ev, Jito, Result, account_address,
    calls::{VaultAdminRole, VaultNcn, VaultOperator, VaultOperatorAmount},
    slot_toggle::{SlotToggle, get_epoch},
    state::{
        DelegationState, MAX_BPS, MAX_REWARD_DELTA_BPS, UpdateStateTracker, Vault, VaultAdmins,
        VaultOperatorDelegation, WithdrawalTicket,
    },
};
use crate::{accounts::derived_address, ledger::Ledger};

/// `InitializeVault`'s arguments.
pub(super) struct NewVault {
    pub supported_mint: Address,
    pub deposit_fee_bps: u16,
    pub withdrawal_fee_bps: u16,
    pub reward_fee_bps: u16,
    pub decimals: u8,
    pub initialize_token_amount: u64,
    pub vrt_symbol: Option<String>,
}

fn amount(value: u64) -> U256 {
    U256::from(value)
}

/// `check_mint_burn_admin`: if the vault has a mint/burn admin, it must co-sign.
fn check_mint_burn_admin(vault: &Vault, cosigner: Option<Address>) -> Result<()> {
    let required = vault.admins.mint_burn_admin;
    if required != Address::ZERO && cosigner != Some(required) {
        return Err(E::VaultMintBurnAdminInvalid);
    }
    Ok(())
}

impl Jito {
    fn vault_and_epoch_length(&self, target: Address) -> Result<(Vault, u64)> {
        let epoch_length = self.epoch_length()?;
        Ok((self.vault(target)?.clone(), epoch_length))
    }

    /// `InitializeVault`: the admin's initial deposit is minted 1:1, fee-free, to the burn vault.
    pub(super) fn initialize_vault(
        &mut self,
        ledger: &mut Ledger,
        slot: u64,
        admin: Address,
        args: NewVault,
    ) -> Result<Ev> {
        let config = self.config()?.clone();
        if args.initialize_token_amount == 0 {
            return Err(E::VaultInitialAmountFailed);
        }
        if args.deposit_fee_bps > config.deposit_withdrawal_fee_cap_bps
            || args.withdrawal_fee_bps > config.deposit_withdrawal_fee_cap_bps
            || args.reward_fee_bps > MAX_BPS
        {
            return Err(E::VaultFeeCapExceeded);
        }
        let index = config.num_vaults;
        let num_vaults = index.checked_add(1).ok_or(E::ArithmeticOverflow)?;
        let address = account_address("vault", index);
        let burn_vault = account_address("burn_vault", index);
        let mut vault = Vault {
            vault_index: index,
            vrt_mint: Address::ZERO,
            supported_mint: args.supported_mint,
            burn_vault,
            vrt_supply: 0,
            tokens_deposited: 0,
            deposit_capacity: u64::MAX,
            delegation_state: DelegationState::default(),
            additional_assets_need_unstaking: 0,
            vrt_enqueued_for_cooldown_amount: 0,
            vrt_cooling_down_amount: 0,
            vrt_ready_to_claim_amount: 0,
            admins: VaultAdmins {
                admin,
                delegation_admin: admin,
                operator_admin: admin,
                ncn_admin: admin,
                slasher_admin: admin,
                capacity_admin: admin,
                fee_admin: admin,
                delegate_asset_admin: admin,
                fee_wallet: admin,
                mint_burn_admin: Address::ZERO,
                metadata_admin: admin,
            },
            ncn_tickets: BTreeMap::new(),
            operator_delegations: BTreeMap::new(),
            slasher_tickets: BTreeMap::new(),
            withdrawal_tickets: BTreeMap::new(),
            withdrawal_ticket_nonce: 0,
            update_trackers: BTreeMap::new(),
            last_fee_change_slot: slot,
            last_full_state_update_slot: slot,
            last_start_state_update_slot: slot,
            deposit_fee_bps: 0, // overridden to 0 for the initial mint, restored below
            withdrawal_fee_bps: args.withdrawal_fee_bps,
            next_withdrawal_fee_bps: args.withdrawal_fee_bps,
            reward_fee_bps: args.reward_fee_bps,
            program_fee_bps: config.program_fee_bps,
            is_paused: false,
        };
        let minted =
            vault.mint_with_fee(args.initialize_token_amount, args.initialize_token_amount)?;
        if minted.vrt_to_depositor != args.initialize_token_amount || minted.vrt_to_fee_wallet != 0
        {
            return Err(E::VaultInitialAmountFailed);
        }
        vault.deposit_fee_bps = args.deposit_fee_bps;
        ledger.check_transfer(args.supported_mint, admin, amount(args.initialize_token_amount))?;
        let symbol = args.vrt_symbol.unwrap_or_else(|| format!("VRT{index}"));
        // The last fallible step: registering can fail (symbol taken) before anything moved.
        let vrt_mint = ledger.register_token(&symbol, args.decimals)?;
        vault.vrt_mint = vrt_mint;
        let initial = amount(args.initialize_token_amount);
        ledger.transfer(args.supported_mint, admin, address, initial)?;
        ledger.mint(vrt_mint, burn_vault, initial)?;
        self.vaults.insert(address, vault);
        self.config.as_mut().expect("checked").num_vaults = num_vaults;
        Ok(Ev::InitializeVault {
            vault: address,
            vrt_mint,
            supported_mint: args.supported_mint,
            admin,
            initialize_token_amount: args.initialize_token_amount,
        })
    }

    /// `InitializeVaultNcnTicket`, by the vault's NCN admin; the NCN's ticket must exist.
    pub(super) fn initialize_vault_ncn_ticket(
        &mut self,
        slot: u64,
        sender: Address,
        args: &VaultNcn,
    ) -> Result<Ev> {
        let (mut vault, epoch_length) = self.vault_and_epoch_length(args.target)?;
        if !self.ncn(args.ncn)?.vault_tickets.contains_key(&args.target) {
            return Err(E::missing("NCN vault ticket for vault", args.target));
        }
        if vault.ncn_tickets.contains_key(&args.ncn) {
            return Err(E::exists("vault NCN ticket"));
        }
        if vault.admins.ncn_admin != sender {
            return Err(E::VaultNcnAdminInvalid);
        }
        vault.check_update_state_ok(slot, epoch_length)?;
        vault.check_is_paused()?;
        vault.ncn_tickets.insert(args.ncn, SlotToggle::new(slot));
        self.vaults.insert(args.target, vault);
        Ok(Ev::Ticket {
            instruction: "initialize_vault_ncn_ticket".into(),
            from: args.target,
            to: args.ncn,
            slot,
        })
    }

    /// `WarmupVaultNcnTicket` / `CooldownVaultNcnTicket`, by the vault's NCN admin.
    pub(super) fn vault_toggle_ncn(
        &mut self,
        slot: u64,
        sender: Address,
        args: &VaultNcn,
        warm_up: bool,
    ) -> Result<Ev> {
        let (mut vault, epoch_length) = self.vault_and_epoch_length(args.target)?;
        self.ncn(args.ncn)?;
        let mut toggle = *vault
            .ncn_tickets
            .get(&args.ncn)
            .ok_or_else(|| E::missing("vault NCN ticket for NCN", args.ncn))?;
        if vault.admins.ncn_admin != sender {
            return Err(E::VaultNcnAdminInvalid);
        }
        vault.check_update_state_ok(slot, epoch_length)?;
        vault.check_is_paused()?;
        toggle.turn(
            slot,
            epoch_length,
            warm_up,
            [E::VaultNcnTicketFailedWarmup, E::VaultNcnTicketFailedCooldown],
        )?;
        let name = if warm_up { "warmup_vault_ncn_ticket" } else { "cooldown_vault_ncn_ticket" };
        vault.ncn_tickets.insert(args.ncn, toggle);
        self.vaults.insert(args.target, vault);
        Ok(Ev::Ticket { instruction: name.into(), from: args.target, to: args.ncn, slot })
    }

    /// `InitializeVaultOperatorDelegation`, by the vault's operator admin; the operator's
    /// ticket for the vault must exist (in any state: the program checks only that).
    pub(super) fn initialize_vault_operator_delegation(
        &mut self,
        slot: u64,
        sender: Address,
        args: &VaultOperator,
    ) -> Result<Ev> {
        let (mut vault, epoch_length) = self.vault_and_epoch_length(args.target)?;
        if !self.operator(args.operator)?.vault_tickets.contains_key(&args.target) {
            return Err(E::missing("operator vault ticket for vault", args.target));
        }
        if vault.operator_delegations.contains_key(&args.operator) {
            return Err(E::exists("vault operator delegation"));
        }
        if vault.admins.operator_admin != sender {
            return Err(E::VaultOperatorAdminInvalid);
        }
        vault.check_update_state_ok(slot, epoch_length)?;
        vault.check_is_paused()?;
        let index = vault.operator_delegations.len() as u64;
        vault.operator_delegations.insert(
            args.operator,
            VaultOperatorDelegation {
                index,
                delegation_state: DelegationState::default(),
                last_update_slot: slot,
            },
        );
        self.vaults.insert(args.target, vault);
        Ok(Ev::Ticket {
            instruction: "initialize_vault_operator_delegation".into(),
            from: args.target,
            to: args.operator,
            slot,
        })
    }

    /// `MintTo`.
    pub(super) fn mint_to(
        &mut self,
        ledger: &mut Ledger,
        slot: u64,
        depositor: Address,
        target: Address,
        (amount_in, min_amount_out): (u64, u64),
        mint_burn_admin: Option<Address>,
    ) -> Result<Ev> {
        let (mut vault, epoch_length) = self.vault_and_epoch_length(target)?;
        check_mint_burn_admin(&vault, mint_burn_admin)?;
        vault.check_update_state_ok(slot, epoch_length)?;
        vault.check_is_paused()?;
        if depositor == target {
            return Err(E::InvalidDepositor);
        }
        let summary = vault.mint_with_fee(amount_in, min_amount_out)?;
        if summary.vrt_to_depositor == 0 {
            return Err(E::VrtOutCannotBeZero);
        }
        ledger.transfer(vault.supported_mint, depositor, target, amount(amount_in))?;
        ledger.mint(vault.vrt_mint, depositor, amount(summary.vrt_to_depositor))?;
        ledger.mint(vault.vrt_mint, vault.admins.fee_wallet, amount(summary.vrt_to_fee_wallet))?;
        self.vaults.insert(target, vault);
        Ok(Ev::MintTo {
            vault: target,
            depositor,
            amount_in,
            vrt_to_depositor: summary.vrt_to_depositor,
            vrt_to_fee_wallet: summary.vrt_to_fee_wallet,
        })
    }

    fn operator_delegation(
        &self,
        vault: &Vault,
        operator: Address,
    ) -> Result<VaultOperatorDelegation> {
        self.operator(operator)?;
        vault
            .operator_delegations
            .get(&operator)
            .copied()
            .ok_or_else(|| E::missing("vault operator delegation for operator", operator))
    }

    /// `AddDelegation`, by the delegation admin: at most the undelegated, unreserved assets.
    pub(super) fn add_delegation(
        &mut self,
        slot: u64,
        sender: Address,
        args: &VaultOperatorAmount,
    ) -> Result<Ev> {
        let (mut vault, epoch_length) = self.vault_and_epoch_length(args.target)?;
        let mut delegation = self.operator_delegation(&vault, args.operator)?;
        if vault.admins.delegation_admin != sender {
            return Err(E::VaultDelegationAdminInvalid);
        }
        vault.check_update_state_ok(slot, epoch_length)?;
        vault.check_is_paused()?;
        vault.delegate(args.amount)?;
        delegation.delegation_state.delegate(args.amount)?;
        vault.operator_delegations.insert(args.operator, delegation);
        self.vaults.insert(args.target, vault);
        Ok(Ev::AddDelegation { vault: args.target, operator: args.operator, amount: args.amount })
    }

    /// `CooldownDelegation`, by the delegation admin.
    pub(super) fn cooldown_delegation(
        &mut self,
        slot: u64,
        sender: Address,
        args: &VaultOperatorAmount,
    ) -> Result<Ev> {
        let (mut vault, epoch_length) = self.vault_and_epoch_length(args.target)?;
        let mut delegation = self.operator_delegation(&vault, args.operator)?;
        if vault.admins.delegation_admin != sender {
            return Err(E::VaultDelegationAdminInvalid);
        }
        vault.check_update_state_ok(slot, epoch_length)?;
        vault.check_is_paused()?;
        delegation.delegation_state.cooldown(args.amount)?;
        vault.delegation_state.cooldown(args.amount)?;
        vault.operator_delegations.insert(args.operator, delegation);
        self.vaults.insert(args.target, vault);
        Ok(Ev::CooldownDelegation {
            vault: args.target,
            operator: args.operator,
            amount: args.amount,
        })
    }

    /// `EnqueueWithdrawal`: the VRT moves into a new ticket; its price is set at burn time.
    pub(super) fn enqueue_withdrawal(
        &mut self,
        ledger: &mut Ledger,
        slot: u64,
        staker: Address,
        target: Address,
        vrt_amount: u64,
        mint_burn_admin: Option<Address>,
    ) -> Result<Ev> {
        let (mut vault, epoch_length) = self.vault_and_epoch_length(target)?;
        check_mint_burn_admin(&vault, mint_burn_admin)?;
        vault.check_update_state_ok(slot, epoch_length)?;
        vault.check_is_paused()?;
        if vrt_amount == 0 {
            return Err(E::VaultEnqueueWithdrawalAmountZero);
        }
        let nonce = vault.withdrawal_ticket_nonce;
        let ticket =
            derived_address("rampart.jito.withdrawal_ticket", &format!("{target}:{nonce}"));
        vault.withdrawal_ticket_nonce = nonce.checked_add(1).ok_or(E::ArithmeticOverflow)?;
        vault.vrt_enqueued_for_cooldown_amount = vault
            .vrt_enqueued_for_cooldown_amount
            .checked_add(vrt_amount)
            .ok_or(E::VaultOverflow)?;
        vault
            .withdrawal_tickets
            .insert(ticket, WithdrawalTicket { staker, vrt_amount, slot_unstaked: slot });
        ledger.transfer(vault.vrt_mint, staker, ticket, amount(vrt_amount))?;
        self.vaults.insert(target, vault);
        Ok(Ev::EnqueueWithdrawal { vault: target, ticket, staker, vrt_amount, slot_unstaked: slot })
    }

    /// `ChangeWithdrawalTicketOwner`, by the ticket's staker.
    pub(super) fn change_withdrawal_ticket_owner(
        &mut self,
        sender: Address,
        target: Address,
        ticket: Address,
        new_owner: Address,
    ) -> Result<Ev> {
        let (mut vault, _) = self.vault_and_epoch_length(target)?;
        let entry = vault
            .withdrawal_tickets
            .get_mut(&ticket)
            .ok_or_else(|| E::missing("withdrawal ticket", ticket))?;
        if entry.staker != sender {
            return Err(E::VaultStakerWithdrawalTicketInvalidStaker);
        }
        entry.staker = new_owner;
        self.vaults.insert(target, vault);
        Ok(Ev::ChangeWithdrawalTicketOwner { ticket, new_owner })
    }

    /// `BurnWithdrawalTicket`: withdrawable once `E(now) > E(unstaked) + 1`; pays the fees in
    /// VRT (VRT others sent to the ticket goes to the program fee wallet), burns the rest and
    /// sends its worth to the staker.
    pub(super) fn burn_withdrawal_ticket(
        &mut self,
        ledger: &mut Ledger,
        slot: u64,
        target: Address,
        ticket: Address,
        mint_burn_admin: Option<Address>,
    ) -> Result<Ev> {
        let (mut vault, epoch_length) = self.vault_and_epoch_length(target)?;
        let program_fee_wallet = self.config()?.program_fee_wallet;
        let entry = vault
            .withdrawal_tickets
            .remove(&ticket)
            .ok_or_else(|| E::missing("withdrawal ticket", ticket))?;
        check_mint_burn_admin(&vault, mint_burn_admin)?;
        vault.check_update_state_ok(slot, epoch_length)?;
        vault.check_is_paused()?;
        let unstaked_epoch = get_epoch(entry.slot_unstaked, epoch_length)?;
        if get_epoch(slot, epoch_length)?
            <= unstaked_epoch.checked_add(1).ok_or(E::ArithmeticOverflow)?
        {
            return Err(E::VaultStakerWithdrawalTicketNotWithdrawable);
        }
        let staker = entry.staker;
        let summary = vault.burn_with_fee(
            program_fee_wallet == staker,
            vault.admins.fee_wallet == staker,
            entry.vrt_amount,
        )?;
        let held = u64::try_from(ledger.balance_of(vault.vrt_mint, ticket))
            .map_err(|_| E::ArithmeticOverflow)?;
        let extra = held.checked_sub(entry.vrt_amount).ok_or(E::ArithmeticUnderflow)?;
        let program_fee =
            summary.program_fee_amount.checked_add(extra).ok_or(E::ArithmeticOverflow)?;
        vault.vrt_ready_to_claim_amount = vault
            .vrt_ready_to_claim_amount
            .checked_sub(entry.vrt_amount)
            .ok_or(E::VaultUnderflow)?;
        // The one transfer that can fail; the ticket's own VRT moves are covered by `held`.
        ledger.check_transfer(vault.supported_mint, target, amount(summary.out_amount))?;
        ledger.transfer(
            vault.vrt_mint,
            ticket,
            vault.admins.fee_wallet,
            amount(summary.vault_fee_amount),
        )?;
        ledger.transfer(vault.vrt_mint, ticket, program_fee_wallet, amount(program_fee))?;
        ledger.burn(vault.vrt_mint, ticket, amount(summary.burn_amount))?;
        ledger.transfer(vault.supported_mint, target, staker, amount(summary.out_amount))?;
        self.vaults.insert(target, vault);
        Ok(Ev::BurnWithdrawalTicket {
            vault: target,
            ticket,
            staker,
            program_fee_amount: program_fee,
            vault_fee_amount: summary.vault_fee_amount,
            burn_amount: summary.burn_amount,
            out_amount: summary.out_amount,
        })
    }

    /// `UpdateVaultBalance`: takes the vault's token balance as its deposits and mints the
    /// reward fee, priced as if the fee tokens had not arrived.
    pub(super) fn update_vault_balance(
        &mut self,
        ledger: &mut Ledger,
        slot: u64,
        target: Address,
    ) -> Result<Ev> {
        let (mut vault, epoch_length) = self.vault_and_epoch_length(target)?;
        vault.check_update_state_ok(slot, epoch_length)?;
        vault.check_is_paused()?;
        let new_balance = u64::try_from(ledger.balance_of(vault.supported_mint, target))
            .map_err(|_| E::VaultOverflow)?;
        let st_rewards = new_balance.saturating_sub(vault.tokens_deposited);
        let st_reward_fee = vault.calculate_st_reward_fee(new_balance)?;
        vault.tokens_deposited =
            new_balance.checked_sub(st_reward_fee).ok_or(E::ArithmeticUnderflow)?;
        let vrt_reward_fee = vault.calculate_vrt_mint_amount(st_reward_fee)?;
        vault.tokens_deposited = new_balance;
        vault.vrt_supply = vault.vrt_supply.checked_add(vrt_reward_fee).ok_or(E::VaultOverflow)?;
        vault.check_reward_fee_effective_rate(st_rewards, vrt_reward_fee, MAX_REWARD_DELTA_BPS)?;
        ledger.mint(vault.vrt_mint, vault.admins.fee_wallet, amount(vrt_reward_fee))?;
        self.vaults.insert(target, vault);
        Ok(Ev::UpdateVaultBalance { vault: target, tokens_deposited: new_balance, vrt_reward_fee })
    }

    /// `InitializeVaultUpdateStateTracker`: starts this epoch's update. After a completed cycle
    /// it applies the next withdrawal fee and the config's program fee and computes what must be
    /// force-unstaked; after a partial one it keeps the stored need (PR #163).
    pub(super) fn initialize_vault_update_state_tracker(
        &mut self,
        slot: u64,
        target: Address,
    ) -> Result<Ev> {
        let (mut vault, epoch_length) = self.vault_and_epoch_length(target)?;
        let program_fee_bps = self.config()?.program_fee_bps;
        let ncn_epoch = get_epoch(slot, epoch_length)?;
        if vault.update_trackers.contains_key(&ncn_epoch) {
            return Err(E::exists("update state tracker for this epoch"));
        }
        if !vault.is_update_needed(slot, epoch_length)? {
            return Err(E::VaultIsUpdated);
        }
        vault.check_is_paused()?;
        let last_start = get_epoch(vault.last_start_state_update_slot, epoch_length)?;
        let last_full = get_epoch(vault.last_full_state_update_slot, epoch_length)?;
        if last_start == last_full {
            vault.withdrawal_fee_bps = vault.next_withdrawal_fee_bps;
            vault.program_fee_bps = program_fee_bps;
            vault.additional_assets_need_unstaking = vault
                .calculate_additional_supported_assets_needed_to_unstake(slot, epoch_length)?;
        }
        vault.last_start_state_update_slot = slot;
        vault.update_trackers.insert(ncn_epoch, UpdateStateTracker::new(ncn_epoch));
        let need = vault.additional_assets_need_unstaking;
        self.vaults.insert(target, vault);
        Ok(Ev::InitializeVaultUpdateStateTracker {
            vault: target,
            ncn_epoch,
            additional_assets_need_unstaking: need,
        })
    }

    /// `CrankVaultUpdateStateTracker` for one operator, in round-robin order from
    /// `ncn_epoch % operator_count`: the greedy method forces cool-downs while assets are still
    /// needed, then the delegation advances by the epochs elapsed (at most two transitions).
    pub(super) fn crank_vault_update_state_tracker(
        &mut self,
        slot: u64,
        target: Address,
        operator: Address,
    ) -> Result<Ev> {
        let (mut vault, epoch_length) = self.vault_and_epoch_length(target)?;
        let mut delegation = self.operator_delegation(&vault, operator)?;
        let ncn_epoch = get_epoch(slot, epoch_length)?;
        let last_full = get_epoch(vault.last_full_state_update_slot, epoch_length)?;
        let operator_last = get_epoch(delegation.last_update_slot, epoch_length)?;
        let partially_updated = last_full < operator_last;
        let mut tracker = *vault.update_trackers.get(&ncn_epoch).ok_or_else(|| {
            E::InvalidAccountOwner(format!("no update state tracker for epoch {ncn_epoch}"))
        })?;
        vault.check_is_paused()?;
        if operator_last >= ncn_epoch {
            return Err(E::VaultOperatorDelegationIsUpdated);
        }
        tracker
            .check_and_update_index(delegation.index, vault.operator_delegations.len() as u64)?;
        let mut forced = 0;
        let staked = delegation.delegation_state.staked_amount;
        if !partially_updated && vault.additional_assets_need_unstaking > 0 && staked > 0 {
            forced = staked.min(vault.additional_assets_need_unstaking);
            delegation.delegation_state.cooldown(forced)?;
            vault.additional_assets_need_unstaking -= forced;
        }
        delegation.delegation_state.update_epochs(ncn_epoch - operator_last);
        delegation.last_update_slot = slot;
        tracker.delegation_state.accumulate(&delegation.delegation_state)?;
        vault.update_trackers.insert(ncn_epoch, tracker);
        vault.operator_delegations.insert(operator, delegation);
        self.vaults.insert(target, vault);
        Ok(Ev::CrankVaultUpdateStateTracker {
            vault: target,
            operator,
            forced_cooldown: forced,
            delegation_state: delegation.delegation_state,
        })
    }

    /// `CloseVaultUpdateStateTracker`: a stale tracker just closes; the current one needs every
    /// operator cranked and no assets left to unstake, then becomes the vault's delegation
    /// state and shifts the VRT pipeline by the epochs elapsed (at most two, PR #124).
    pub(super) fn close_vault_update_state_tracker(
        &mut self,
        slot: u64,
        target: Address,
        ncn_epoch: u64,
    ) -> Result<Ev> {
        let (mut vault, epoch_length) = self.vault_and_epoch_length(target)?;
        let tracker = vault.update_trackers.remove(&ncn_epoch).ok_or_else(|| {
            E::InvalidAccountOwner(format!("no update state tracker for epoch {ncn_epoch}"))
        })?;
        vault.check_is_paused()?;
        let current = get_epoch(slot, epoch_length)?;
        let completed = ncn_epoch == current;
        if completed {
            let count = vault.operator_delegations.len() as u64;
            if count > 0 && !tracker.all_operators_updated(count)? {
                return Err(E::VaultUpdateStateNotFinishedUpdating);
            }
            if vault.additional_assets_need_unstaking > 0 {
                return Err(E::NonZeroAdditionalAssetsNeededForWithdrawalAtEndOfUpdate);
            }
            let last = get_epoch(vault.last_full_state_update_slot, epoch_length)?;
            vault.delegation_state = tracker.delegation_state;
            vault.last_full_state_update_slot = slot;
            let elapsed = current.checked_sub(last).ok_or(E::VaultUnderflow)?;
            for _ in 0..elapsed.min(2) {
                vault.vrt_ready_to_claim_amount = vault
                    .vrt_ready_to_claim_amount
                    .checked_add(vault.vrt_cooling_down_amount)
                    .ok_or(E::VaultOverflow)?;
                vault.vrt_cooling_down_amount = vault.vrt_enqueued_for_cooldown_amount;
                vault.vrt_enqueued_for_cooldown_amount = 0;
            }
        }
        self.vaults.insert(target, vault);
        Ok(Ev::CloseVaultUpdateStateTracker { vault: target, ncn_epoch, completed })
    }

    /// `SetFees`, by the fee admin, at most once per full epoch. The deposit and reward fees
    /// apply at once; the withdrawal fee at the next update start.
    pub(super) fn set_fees(
        &mut self,
        slot: u64,
        sender: Address,
        target: Address,
        [deposit, withdrawal, reward]: [Option<u16>; 3],
    ) -> Result<Ev> {
        let (mut vault, epoch_length) = self.vault_and_epoch_length(target)?;
        let config = self.config()?;
        if vault.admins.fee_admin != sender {
            return Err(E::VaultFeeAdminInvalid);
        }
        vault.check_can_modify_fees(slot, epoch_length)?;
        if deposit.is_none() && withdrawal.is_none() && reward.is_none() {
            return Err(E::InvalidInstructionData);
        }
        let limits = (
            config.deposit_withdrawal_fee_cap_bps,
            config.fee_bump_bps,
            config.fee_rate_of_change_bps,
        );
        if let Some(fee) = deposit {
            Vault::check_deposit_or_withdrawal_fee(
                vault.deposit_fee_bps,
                fee,
                limits.0,
                limits.1,
                limits.2,
            )?;
            vault.deposit_fee_bps = fee;
        }
        if let Some(fee) = withdrawal {
            // The limiter compares with the fee in force, not a pending one.
            Vault::check_deposit_or_withdrawal_fee(
                vault.withdrawal_fee_bps,
                fee,
                limits.0,
                limits.1,
                limits.2,
            )?;
            vault.next_withdrawal_fee_bps = fee;
        }
        if let Some(fee) = reward {
            if fee > MAX_BPS {
                return Err(E::VaultFeeCapExceeded);
            }
            vault.reward_fee_bps = fee;
        }
        vault.last_fee_change_slot = slot;
        let event = Ev::SetFees {
            vault: target,
            deposit_fee_bps: vault.deposit_fee_bps,
            next_withdrawal_fee_bps: vault.next_withdrawal_fee_bps,
            reward_fee_bps: vault.reward_fee_bps,
        };
        self.vaults.insert(target, vault);
        Ok(event)
    }

    /// The vault at `target` for an instruction only its `role` admin may sign (after the
    /// config exists); `not_signed` is the program's error for any other signer.
    fn vault_signed_by(
        &mut self,
        target: Address,
        sender: Address,
        role: fn(&VaultAdmins) -> Address,
        not_signed: E,
    ) -> Result<&mut Vault> {
        self.config()?;
        let vault = self.vaults.get_mut(&target).ok_or(E::UnknownVault(target))?;
        if role(&vault.admins) != sender {
            return Err(not_signed);
        }
        Ok(vault)
    }

    /// `SetDepositCapacity`, by the capacity admin.
    pub(super) fn set_deposit_capacity(
        &mut self,
        sender: Address,
        target: Address,
        amount: u64,
    ) -> Result<Ev> {
        let vault = self.vault_signed_by(
            target,
            sender,
            |a| a.capacity_admin,
            E::VaultCapacityAdminInvalid,
        )?;
        vault.deposit_capacity = amount;
        Ok(Ev::SetDepositCapacity { vault: target, amount })
    }

    /// `SetIsPaused`, by the admin.
    pub(super) fn set_is_paused(
        &mut self,
        sender: Address,
        target: Address,
        is_paused: bool,
    ) -> Result<Ev> {
        let vault = self.vault_signed_by(target, sender, |a| a.admin, E::VaultAdminInvalid)?;
        vault.is_paused = is_paused;
        Ok(Ev::SetIsPaused { vault: target, is_paused })
    }

    /// `SetSecondaryAdmin`, by the admin.
    pub(super) fn set_secondary_admin(
        &mut self,
        sender: Address,
        target: Address,
        new_admin: Address,
        role: VaultAdminRole,
    ) -> Result<Ev> {
        let vault = self.vault_signed_by(target, sender, |a| a.admin, E::VaultAdminInvalid)?;
        let admins = &mut vault.admins;
        let slot = match role {
            VaultAdminRole::DelegationAdmin => &mut admins.delegation_admin,
            VaultAdminRole::OperatorAdmin => &mut admins.operator_admin,
            VaultAdminRole::NcnAdmin => &mut admins.ncn_admin,
            VaultAdminRole::SlasherAdmin => &mut admins.slasher_admin,
            VaultAdminRole::CapacityAdmin => &mut admins.capacity_admin,
            VaultAdminRole::FeeWallet => &mut admins.fee_wallet,
            VaultAdminRole::MintBurnAdmin => &mut admins.mint_burn_admin,
            VaultAdminRole::DelegateAssetAdmin => &mut admins.delegate_asset_admin,
            VaultAdminRole::FeeAdmin => &mut admins.fee_admin,
            VaultAdminRole::MetadataAdmin => &mut admins.metadata_admin,
        };
        *slot = new_admin;
        let role = serde_json::to_value(role).expect("roles serialize");
        Ok(Ev::SetSecondaryAdmin {
            vault: target,
            role: role.as_str().unwrap_or_default().to_owned(),
            new_admin,
        })
    }
}
