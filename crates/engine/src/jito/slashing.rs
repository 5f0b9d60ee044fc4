//! The vault side of slashing: `VaultNcnSlasherTicket`s, the per-epoch
//! `VaultNcnSlasherOperatorTicket` record, and the `Slash` instruction that PR #141 removed
//! from the vault program, with its last published semantics (commit `956e88f6^`), applied only
//! when the config's `slashing_enabled` switch is on (`SlashingDisabled` otherwise).

use std::collections::BTreeMap;

use alloy_primitives::{Address, U256};

use super::{
    E, Ev, Jito, Result,
    calls::VaultNcnSlasher,
    slot_toggle::{SlotToggle, get_epoch},
    state::VaultSlasherTicket,
};
use crate::ledger::Ledger;

impl Jito {
    /// `InitializeVaultNcnSlasherTicket`, by the vault's slasher admin: copies the NCN ticket's
    /// per-epoch cap.
    pub(super) fn initialize_vault_ncn_slasher_ticket(
        &mut self,
        slot: u64,
        sender: Address,
        args: &VaultNcnSlasher,
    ) -> Result<Ev> {
        let epoch_length = self.epoch_length()?;
        let mut vault = self.vault(args.target)?.clone();
        let ncn_ticket = *self
            .ncn(args.ncn)?
            .slasher_tickets
            .get(&args.target)
            .and_then(|s| s.get(&args.slasher))
            .ok_or_else(|| E::missing("NCN vault slasher ticket for slasher", args.slasher))?;
        if vault.slasher_tickets.get(&args.ncn).is_some_and(|s| s.contains_key(&args.slasher)) {
            return Err(E::exists("vault NCN slasher ticket"));
        }
        vault.check_is_paused()?;
        if vault.admins.slasher_admin != sender {
            return Err(E::VaultSlasherAdminInvalid);
        }
        vault.check_update_state_ok(slot, epoch_length)?;
        let ticket = VaultSlasherTicket {
            max_slashable_per_epoch: ncn_ticket.max_slashable_per_epoch,
            state: SlotToggle::new(slot),
            slashed: BTreeMap::new(),
        };
        vault.slasher_tickets.entry(args.ncn).or_default().insert(args.slasher, ticket);
        self.vaults.insert(args.target, vault);
        Ok(Ev::Ticket {
            instruction: "initialize_vault_ncn_slasher_ticket".into(),
            from: args.target,
            to: args.slasher,
            slot,
        })
    }

    /// `WarmupVaultNcnSlasherTicket` / `CooldownVaultNcnSlasherTicket`, by the slasher admin.
    pub(super) fn vault_toggle_slasher(
        &mut self,
        slot: u64,
        sender: Address,
        args: &VaultNcnSlasher,
        warm_up: bool,
    ) -> Result<Ev> {
        let epoch_length = self.epoch_length()?;
        let mut vault = self.vault(args.target)?.clone();
        self.ncn(args.ncn)?;
        if !vault.slasher_tickets.get(&args.ncn).is_some_and(|s| s.contains_key(&args.slasher)) {
            return Err(E::missing("vault NCN slasher ticket for slasher", args.slasher));
        }
        if vault.admins.slasher_admin != sender {
            return Err(E::VaultSlasherAdminInvalid);
        }
        vault.check_update_state_ok(slot, epoch_length)?;
        vault.check_is_paused()?;
        let entry = vault
            .slasher_tickets
            .get_mut(&args.ncn)
            .and_then(|s| s.get_mut(&args.slasher))
            .expect("checked");
        entry.state.turn(
            slot,
            epoch_length,
            warm_up,
            [E::VaultNcnSlasherTicketFailedWarmup, E::VaultNcnSlasherTicketFailedCooldown],
        )?;
        let name = if warm_up {
            "warmup_vault_ncn_slasher_ticket"
        } else {
            "cooldown_vault_ncn_slasher_ticket"
        };
        self.vaults.insert(args.target, vault);
        Ok(Ev::Ticket { instruction: name.into(), from: args.target, to: args.slasher, slot })
    }

    /// `InitializeVaultNcnSlasherOperatorTicket`: this epoch's record (zero slashed so far).
    pub(super) fn initialize_vault_ncn_slasher_operator_ticket(
        &mut self,
        slot: u64,
        target: Address,
        ncn: Address,
        slasher: Address,
        operator: Address,
    ) -> Result<Ev> {
        let epoch_length = self.epoch_length()?;
        let mut vault = self.vault(target)?.clone();
        self.ncn(ncn)?;
        self.operator(operator)?;
        let epoch = get_epoch(slot, epoch_length)?;
        let entry = vault
            .slasher_tickets
            .get_mut(&ncn)
            .and_then(|s| s.get_mut(&slasher))
            .ok_or_else(|| E::missing("vault NCN slasher ticket for slasher", slasher))?;
        if entry.slashed.contains_key(&(operator, epoch)) {
            return Err(E::exists("vault NCN slasher operator ticket for this epoch"));
        }
        entry.slashed.insert((operator, epoch), 0);
        vault.check_update_state_ok(slot, epoch_length)?;
        vault.check_is_paused()?;
        self.vaults.insert(target, vault);
        Ok(Ev::Ticket {
            instruction: "initialize_vault_ncn_slasher_operator_ticket".into(),
            from: slasher,
            to: operator,
            slot,
        })
    }

    /// The removed `Slash`: the slasher signs; every ticket between the NCN, the vault, the
    /// operator and the slasher must be active or cooling down; at most the slasher's cap per
    /// operator per epoch; the amount comes out of the operator's delegation (staked, then
    /// enqueued, then cooling down) and the vault's deposits, to the slasher.
    pub(super) fn slash(
        &mut self,
        ledger: &mut Ledger,
        slot: u64,
        slasher: Address,
        target: Address,
        (ncn_address, operator_address): (Address, Address),
        slash_amount: u64,
    ) -> Result<Ev> {
        let config = self.config()?;
        if !config.slashing_enabled {
            return Err(E::SlashingDisabled);
        }
        let epoch_length = config.epoch_length;
        let mut vault = self.vault(target)?.clone();
        let ncn = self.ncn(ncn_address)?;
        let operator = self.operator(operator_address)?;
        let missing = |what: &str| E::InvalidAccountOwner(format!("no {what}"));
        let operator_state = *ncn
            .operator_states
            .get(&operator_address)
            .ok_or_else(|| missing("NCN operator state"))?;
        let ncn_vault =
            *ncn.vault_tickets.get(&target).ok_or_else(|| missing("NCN vault ticket"))?;
        let operator_vault =
            *operator.vault_tickets.get(&target).ok_or_else(|| missing("operator vault ticket"))?;
        let vault_ncn =
            *vault.ncn_tickets.get(&ncn_address).ok_or_else(|| missing("vault NCN ticket"))?;
        let mut delegation = *vault
            .operator_delegations
            .get(&operator_address)
            .ok_or_else(|| missing("vault operator delegation"))?;
        let ncn_slasher = *ncn
            .slasher_tickets
            .get(&target)
            .and_then(|s| s.get(&slasher))
            .ok_or_else(|| missing("NCN vault slasher ticket"))?;
        let epoch = get_epoch(slot, epoch_length)?;
        let vault_slasher = vault
            .slasher_tickets
            .get(&ncn_address)
            .and_then(|s| s.get(&slasher))
            .ok_or_else(|| missing("vault NCN slasher ticket"))?;
        let vault_slasher_state = vault_slasher.state;
        let max = vault_slasher.max_slashable_per_epoch;
        let slashed = *vault_slasher
            .slashed
            .get(&(operator_address, epoch))
            .ok_or_else(|| missing("vault NCN slasher operator ticket for this epoch"))?;
        vault.check_update_state_ok(slot, epoch_length)?;
        vault.check_is_paused()?;
        let live = |toggle: &SlotToggle, error: E| -> Result<()> {
            if toggle.is_active_or_cooldown(slot, epoch_length)? { Ok(()) } else { Err(error) }
        };
        live(&vault_slasher_state, E::VaultNcnSlasherTicketUnslashable)?;
        live(&ncn_slasher.state, E::NcnVaultSlasherTicketUnslashable)?;
        live(&operator_state.ncn_opt_in_state, E::NcnOperatorStateUnslashable)?;
        live(&operator_state.operator_opt_in_state, E::NcnOperatorStateUnslashable)?;
        live(&operator_vault, E::OperatorVaultTicketUnslashable)?;
        live(&vault_ncn, E::VaultNcnTicketUnslashable)?;
        live(&ncn_vault, E::NcnVaultTicketUnslashable)?;
        let after = slashed.checked_add(slash_amount).ok_or(E::ArithmeticOverflow)?;
        if after > max {
            return Err(E::VaultMaxSlashedPerOperatorExceeded);
        }
        vault.delegation_state.subtract(&delegation.delegation_state)?;
        delegation.delegation_state.slash(slash_amount)?;
        vault.delegation_state.accumulate(&delegation.delegation_state)?;
        vault.tokens_deposited =
            vault.tokens_deposited.checked_sub(slash_amount).ok_or(E::VaultUnderflow)?;
        vault.operator_delegations.insert(operator_address, delegation);
        vault
            .slasher_tickets
            .get_mut(&ncn_address)
            .and_then(|s| s.get_mut(&slasher))
            .expect("checked")
            .slashed
            .insert((operator_address, epoch), after);
        ledger.transfer(vault.supported_mint, target, slasher, U256::from(slash_amount))?;
        self.vaults.insert(target, vault);
        Ok(Ev::Slash {
            vault: target,
            ncn: ncn_address,
            operator: operator_address,
            slasher,
            slash_amount,
            ncn_epoch: epoch,
            delegation_state: delegation.delegation_state,
        })
    }
}
