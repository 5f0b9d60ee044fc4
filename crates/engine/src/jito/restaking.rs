//! The restaking program's instructions (`restaking_program/src/*.rs`), one function each, plus
//! the two configs' initialization and the program fee.

use std::collections::BTreeMap;

use alloy_primitives::Address;

use super::{
    E, Ev, Jito, Result, account_address,
    calls::{NcnOperator, NcnVault, NcnVaultSlasher, OperatorVault},
    slot_toggle::SlotToggle,
    state::{
        DEFAULT_FEE_BUMP_BPS, DEFAULT_FEE_RATE_OF_CHANGE_BPS, DEFAULT_FEES_CAP_BPS, JitoConfig,
        MAX_BPS, Ncn, NcnOperatorState, NcnSlasherTicket, Operator,
    },
};

fn ticket_event(instruction: &str, from: Address, to: Address, slot: u64) -> Ev {
    Ev::Ticket { instruction: instruction.to_owned(), from, to, slot }
}

impl Jito {
    /// Both programs' `InitializeConfig`.
    pub(super) fn initialize_config(
        &mut self,
        admin: Address,
        program_fee_bps: u16,
        program_fee_wallet: Address,
        epoch_length: u64,
        slashing_enabled: bool,
    ) -> Result<Ev> {
        if self.config.is_some() {
            return Err(E::exists("config"));
        }
        if epoch_length == 0 {
            return Err(E::BadEpochLength);
        }
        if program_fee_bps > MAX_BPS {
            return Err(E::VaultFeeCapExceeded);
        }
        self.config = Some(JitoConfig {
            admin,
            epoch_length,
            ncn_count: 0,
            operator_count: 0,
            num_vaults: 0,
            deposit_withdrawal_fee_cap_bps: DEFAULT_FEES_CAP_BPS,
            fee_rate_of_change_bps: DEFAULT_FEE_RATE_OF_CHANGE_BPS,
            fee_bump_bps: DEFAULT_FEE_BUMP_BPS,
            program_fee_bps,
            program_fee_wallet,
            slashing_enabled,
        });
        Ok(Ev::InitializeConfig { admin, epoch_length })
    }

    /// `SetProgramFee`: vaults pick it up at their next update start.
    pub(super) fn set_program_fee(&mut self, sender: Address, new_fee_bps: u16) -> Result<Ev> {
        let config = self.config()?;
        if sender != config.admin {
            return Err(E::ConfigAdminInvalid);
        }
        if new_fee_bps > MAX_BPS {
            return Err(E::VaultFeeCapExceeded);
        }
        self.config.as_mut().expect("checked").program_fee_bps = new_fee_bps;
        Ok(Ev::SetProgramFee { new_fee_bps })
    }

    /// `InitializeNcn`: every admin role goes to the signer.
    pub(super) fn initialize_ncn(&mut self, admin: Address) -> Result<Ev> {
        let index = self.config()?.ncn_count;
        let count = index.checked_add(1).ok_or(E::ArithmeticOverflow)?;
        let ncn = account_address("ncn", index);
        self.ncns.insert(
            ncn,
            Ncn {
                index,
                admin,
                operator_admin: admin,
                vault_admin: admin,
                slasher_admin: admin,
                operator_states: BTreeMap::new(),
                vault_tickets: BTreeMap::new(),
                slasher_tickets: BTreeMap::new(),
            },
        );
        self.config.as_mut().expect("checked").ncn_count = count;
        Ok(Ev::InitializeNcn { ncn, admin, index })
    }

    /// `InitializeOperator`: every admin role goes to the signer.
    pub(super) fn initialize_operator(&mut self, admin: Address, fee_bps: u16) -> Result<Ev> {
        let index = self.config()?.operator_count;
        if fee_bps > MAX_BPS {
            return Err(E::OperatorFeeCapExceeded);
        }
        let count = index.checked_add(1).ok_or(E::ArithmeticOverflow)?;
        let operator = account_address("operator", index);
        self.operators.insert(
            operator,
            Operator {
                index,
                admin,
                ncn_admin: admin,
                vault_admin: admin,
                operator_fee_bps: fee_bps,
                vault_tickets: BTreeMap::new(),
            },
        );
        self.config.as_mut().expect("checked").operator_count = count;
        Ok(Ev::InitializeOperator { operator, admin, index })
    }

    /// `OperatorSetFee`: the admin may change it at any time, by any amount up to 100%.
    pub(super) fn operator_set_fee(
        &mut self,
        sender: Address,
        operator: Address,
        new_fee_bps: u16,
    ) -> Result<Ev> {
        self.config()?;
        if self.operator(operator)?.admin != sender {
            return Err(E::OperatorAdminInvalid);
        }
        if new_fee_bps > MAX_BPS {
            return Err(E::OperatorFeeCapExceeded);
        }
        self.operators.get_mut(&operator).expect("checked").operator_fee_bps = new_fee_bps;
        Ok(Ev::OperatorSetFee { operator, new_fee_bps })
    }

    /// `InitializeNcnOperatorState`, by the NCN's operator admin: both toggles inactive.
    pub(super) fn initialize_ncn_operator_state(
        &mut self,
        slot: u64,
        sender: Address,
        ncn: Address,
        operator: Address,
    ) -> Result<Ev> {
        self.config()?;
        self.operator(operator)?;
        let state = self.ncn(ncn)?;
        if state.operator_states.contains_key(&operator) {
            return Err(E::exists("NCN operator state"));
        }
        if state.operator_admin != sender {
            return Err(E::NcnOperatorAdminInvalid);
        }
        let toggle = SlotToggle::new(slot);
        let new = NcnOperatorState { ncn_opt_in_state: toggle, operator_opt_in_state: toggle };
        self.ncns.get_mut(&ncn).expect("checked").operator_states.insert(operator, new);
        Ok(ticket_event("initialize_ncn_operator_state", ncn, operator, slot))
    }

    fn ncn_operator_state(&self, ncn: Address, operator: Address) -> Result<NcnOperatorState> {
        self.operator(operator)?;
        self.ncn(ncn)?
            .operator_states
            .get(&operator)
            .copied()
            .ok_or_else(|| E::missing("NCN operator state for operator", operator))
    }

    /// `NcnWarmupOperator` / `NcnCooldownOperator`, by the NCN's operator admin.
    pub(super) fn ncn_toggle_operator(
        &mut self,
        slot: u64,
        sender: Address,
        args: &NcnOperator,
        warm_up: bool,
    ) -> Result<Ev> {
        let epoch_length = self.epoch_length()?;
        let mut state = self.ncn_operator_state(args.ncn, args.operator)?;
        if self.ncn(args.ncn)?.operator_admin != sender {
            return Err(E::NcnOperatorAdminInvalid);
        }
        let toggle = &mut state.ncn_opt_in_state;
        toggle.turn(
            slot,
            epoch_length,
            warm_up,
            [E::NcnWarmupOperatorFailed, E::NcnCooldownOperatorFailed],
        )?;
        let name = if warm_up { "ncn_warmup_operator" } else { "ncn_cooldown_operator" };
        self.ncns.get_mut(&args.ncn).expect("checked").operator_states.insert(args.operator, state);
        Ok(ticket_event(name, args.ncn, args.operator, slot))
    }

    /// `OperatorWarmupNcn` / `OperatorCooldownNcn`, by the operator's NCN admin.
    pub(super) fn operator_toggle_ncn(
        &mut self,
        slot: u64,
        sender: Address,
        args: &NcnOperator,
        warm_up: bool,
    ) -> Result<Ev> {
        let epoch_length = self.epoch_length()?;
        let mut state = self.ncn_operator_state(args.ncn, args.operator)?;
        if self.operator(args.operator)?.ncn_admin != sender {
            return Err(E::OperatorNcnAdminInvalid);
        }
        let toggle = &mut state.operator_opt_in_state;
        toggle.turn(
            slot,
            epoch_length,
            warm_up,
            [E::OperatorWarmupNcnFailed, E::OperatorCooldownNcnFailed],
        )?;
        let name = if warm_up { "operator_warmup_ncn" } else { "operator_cooldown_ncn" };
        self.ncns.get_mut(&args.ncn).expect("checked").operator_states.insert(args.operator, state);
        Ok(ticket_event(name, args.operator, args.ncn, slot))
    }

    /// `InitializeNcnVaultTicket`, by the NCN's vault admin.
    pub(super) fn initialize_ncn_vault_ticket(
        &mut self,
        slot: u64,
        sender: Address,
        args: &NcnVault,
    ) -> Result<Ev> {
        self.config()?;
        self.vault(args.vault)?;
        let ncn = self.ncn(args.ncn)?;
        if ncn.vault_tickets.contains_key(&args.vault) {
            return Err(E::exists("NCN vault ticket"));
        }
        if ncn.vault_admin != sender {
            return Err(E::NcnVaultAdminInvalid);
        }
        let ncn = self.ncns.get_mut(&args.ncn).expect("checked");
        ncn.vault_tickets.insert(args.vault, SlotToggle::new(slot));
        Ok(ticket_event("initialize_ncn_vault_ticket", args.ncn, args.vault, slot))
    }

    /// `WarmupNcnVaultTicket` / `CooldownNcnVaultTicket`, by the NCN's vault admin.
    pub(super) fn ncn_toggle_vault(
        &mut self,
        slot: u64,
        sender: Address,
        args: &NcnVault,
        warm_up: bool,
    ) -> Result<Ev> {
        let epoch_length = self.epoch_length()?;
        let ncn = self.ncn(args.ncn)?;
        let mut toggle = *ncn
            .vault_tickets
            .get(&args.vault)
            .ok_or_else(|| E::missing("NCN vault ticket for vault", args.vault))?;
        if ncn.vault_admin != sender {
            return Err(E::NcnVaultAdminInvalid);
        }
        toggle.turn(
            slot,
            epoch_length,
            warm_up,
            [E::NcnVaultTicketFailedWarmup, E::NcnVaultTicketFailedCooldown],
        )?;
        let name = if warm_up { "warmup_ncn_vault_ticket" } else { "cooldown_ncn_vault_ticket" };
        self.ncns.get_mut(&args.ncn).expect("checked").vault_tickets.insert(args.vault, toggle);
        Ok(ticket_event(name, args.ncn, args.vault, slot))
    }

    /// `InitializeOperatorVaultTicket`, by the operator's vault admin (any other signer fails
    /// with `InvalidAccountData`, as in the program).
    pub(super) fn initialize_operator_vault_ticket(
        &mut self,
        slot: u64,
        sender: Address,
        args: &OperatorVault,
    ) -> Result<Ev> {
        self.config()?;
        self.vault(args.vault)?;
        let operator = self.operator(args.operator)?;
        if operator.vault_tickets.contains_key(&args.vault) {
            return Err(E::exists("operator vault ticket"));
        }
        if operator.vault_admin != sender {
            return Err(E::InvalidAccountData("the signer is not the operator's vault admin"));
        }
        let operator = self.operators.get_mut(&args.operator).expect("checked");
        operator.vault_tickets.insert(args.vault, SlotToggle::new(slot));
        Ok(ticket_event("initialize_operator_vault_ticket", args.operator, args.vault, slot))
    }

    /// `WarmupOperatorVaultTicket` / `CooldownOperatorVaultTicket`, by the operator's vault admin.
    pub(super) fn operator_toggle_vault(
        &mut self,
        slot: u64,
        sender: Address,
        args: &OperatorVault,
        warm_up: bool,
    ) -> Result<Ev> {
        let epoch_length = self.epoch_length()?;
        let operator = self.operator(args.operator)?;
        let mut toggle = *operator
            .vault_tickets
            .get(&args.vault)
            .ok_or_else(|| E::missing("operator vault ticket for vault", args.vault))?;
        if operator.vault_admin != sender {
            return Err(E::OperatorVaultAdminInvalid);
        }
        toggle.turn(
            slot,
            epoch_length,
            warm_up,
            [E::OperatorVaultTicketFailedWarmup, E::OperatorVaultTicketFailedCooldown],
        )?;
        let name =
            if warm_up { "warmup_operator_vault_ticket" } else { "cooldown_operator_vault_ticket" };
        let operator = self.operators.get_mut(&args.operator).expect("checked");
        operator.vault_tickets.insert(args.vault, toggle);
        Ok(ticket_event(name, args.operator, args.vault, slot))
    }

    /// `InitializeNcnVaultSlasherTicket`, by the NCN's slasher admin: the NCN's vault ticket
    /// must exist.
    pub(super) fn initialize_ncn_vault_slasher_ticket(
        &mut self,
        slot: u64,
        sender: Address,
        args: &NcnVaultSlasher,
        max_slashable_per_epoch: u64,
    ) -> Result<Ev> {
        self.config()?;
        self.vault(args.vault)?;
        let ncn = self.ncn(args.ncn)?;
        if !ncn.vault_tickets.contains_key(&args.vault) {
            return Err(E::missing("NCN vault ticket for vault", args.vault));
        }
        if ncn.slasher_tickets.get(&args.vault).is_some_and(|s| s.contains_key(&args.slasher)) {
            return Err(E::exists("NCN vault slasher ticket"));
        }
        if ncn.slasher_admin != sender {
            return Err(E::NcnSlasherAdminInvalid);
        }
        let ticket = NcnSlasherTicket { max_slashable_per_epoch, state: SlotToggle::new(slot) };
        let ncn = self.ncns.get_mut(&args.ncn).expect("checked");
        ncn.slasher_tickets.entry(args.vault).or_default().insert(args.slasher, ticket);
        Ok(ticket_event("initialize_ncn_vault_slasher_ticket", args.ncn, args.slasher, slot))
    }

    /// `WarmupNcnVaultSlasherTicket` / `CooldownNcnVaultSlasherTicket`, by the slasher admin.
    pub(super) fn ncn_toggle_slasher(
        &mut self,
        slot: u64,
        sender: Address,
        args: &NcnVaultSlasher,
        warm_up: bool,
    ) -> Result<Ev> {
        let epoch_length = self.epoch_length()?;
        let ncn = self.ncn(args.ncn)?;
        let mut entry = *ncn
            .slasher_tickets
            .get(&args.vault)
            .and_then(|s| s.get(&args.slasher))
            .ok_or_else(|| E::missing("NCN vault slasher ticket for slasher", args.slasher))?;
        if ncn.slasher_admin != sender {
            return Err(E::NcnSlasherAdminInvalid);
        }
        entry.state.turn(
            slot,
            epoch_length,
            warm_up,
            [E::NcnVaultSlasherTicketFailedWarmup, E::NcnVaultSlasherTicketFailedCooldown],
        )?;
        let name = if warm_up {
            "warmup_ncn_vault_slasher_ticket"
        } else {
            "cooldown_ncn_vault_slasher_ticket"
        };
        let ncn = self.ncns.get_mut(&args.ncn).expect("checked");
        ncn.slasher_tickets.entry(args.vault).or_default().insert(args.slasher, entry);
        Ok(ticket_event(name, args.ncn, args.slasher, slot))
    }
}
