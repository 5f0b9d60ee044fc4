//! Jito restaking on Solana (jito-foundation/restaking, workspace v0.0.5): the restaking
//! program records relationships only — NCNs (node consensus networks: the services),
//! operators, their mutual opt-ins and the tickets linking each to vaults, each a
//! [`SlotToggle`] that warms up and cools down over one full NCN epoch. The vault program holds
//! the funds: a vault takes one supported SPL token, mints a VRT against it with deposit,
//! withdrawal, reward and program fees, delegates per operator through a
//! [`DelegationState`] (staked → enqueued for cool-down → cooling down), and must be cranked
//! once per epoch (initialize → crank every operator in order → close the update tracker)
//! before almost any instruction goes through. Withdrawals escrow VRT in a ticket that can be
//! burned once a full epoch has passed.
//!
//! **Clock.** Solana slots are derived from the world's clock (30 slots per 12-second block,
//! [`slot_toggle::slot_at`]), and the NCN epoch is `slot / epoch_length` (432 000 slots,
//! 14 400 blocks, by default). **Accounts.** Solana pubkeys are Rampart addresses: signers are
//! named accounts; NCNs, operators, vaults, burn vaults and withdrawal tickets get addresses
//! derived from their kind and a counter, as a PDA from its seeds ([`state`]). SPL tokens are
//! ledger tokens; amounts are u64 base units inside, as on Solana.
//!
//! **Slashing** was removed from the vault program (PR #141, October 2024). The config carries
//! Rampart's `slashing_enabled` switch, off by default as on chain: on, `jito.slash` applies
//! the last published semantics (commit `956e88f6^`) and `world.exposure` / `rampart risk`
//! count what NCNs could take; off, `jito.slash` fails with `SlashingDisabled` and exposure
//! entries say that nothing can be slashed.
//!
//! The slasher tickets (NCN and vault sides, and the per-epoch record of what a slasher took
//! from an operator) are modelled as the programs still have them, and `jito.slash` applies
//! the removed instruction's semantics ([`slashing`]) only when the switch is on.
//!
//! Not modelled: token metadata, delegate token accounts, secondary admins of NCNs and
//! operators, `InitializeVaultWithMint`, rent.

pub mod calls;
pub mod errors;
pub mod events;
pub mod invariants;
mod restaking;
mod slashing;
pub mod slot_toggle;
pub mod state;
pub mod vault;
mod vault_program;
pub mod views;

use alloy_primitives::Address;

pub use self::{
    calls::JitoCall,
    errors::JitoError,
    events::JitoEvent,
    slot_toggle::{SlotToggle, SlotToggleState},
    state::{DelegationState, Jito, JitoConfig, Ncn, Operator, Vault},
    views::JitoView,
};
use crate::{accounts::derived_address, ledger::Ledger};

type Result<T, E = JitoError> = std::result::Result<T, E>;
type E = JitoError;
type Ev = JitoEvent;

/// What a Jito instruction sees of the world.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JitoEnv {
    /// The current Solana slot (derived from the world's timestamp).
    pub slot: u64,
}

/// The address of the `index`-th account of a kind (`ncn`, `operator`, `vault`, …).
pub fn account_address(kind: &str, index: u64) -> Address {
    derived_address(&format!("rampart.jito.{kind}"), &index.to_string())
}

impl Jito {
    /// The configs, once initialized.
    pub fn config(&self) -> Result<&JitoConfig> {
        self.config.as_ref().ok_or_else(|| {
            E::InvalidAccountOwner("no Jito config: call jito.initialize_config".into())
        })
    }

    fn epoch_length(&self) -> Result<u64> {
        Ok(self.config()?.epoch_length)
    }

    /// The vault at `address`.
    pub fn vault(&self, address: Address) -> Result<&Vault> {
        self.vaults.get(&address).ok_or(E::UnknownVault(address))
    }

    /// The NCN at `address`.
    pub fn ncn(&self, address: Address) -> Result<&Ncn> {
        self.ncns.get(&address).ok_or_else(|| E::missing("NCN", address))
    }

    /// The operator at `address`.
    pub fn operator(&self, address: Address) -> Result<&Operator> {
        self.operators.get(&address).ok_or_else(|| E::missing("operator", address))
    }

    /// Applies `call`; a rejected call changes nothing.
    pub fn apply(
        &mut self,
        ledger: &mut Ledger,
        env: &JitoEnv,
        sender: Address,
        call: &JitoCall,
    ) -> Result<Vec<Ev>> {
        use JitoCall as C;
        let slot = env.slot;
        let event = match call {
            C::InitializeConfig {
                program_fee_bps,
                program_fee_wallet,
                epoch_length,
                slashing_enabled,
            } => self.initialize_config(
                sender,
                *program_fee_bps,
                program_fee_wallet.unwrap_or(sender),
                epoch_length.unwrap_or(slot_toggle::DEFAULT_SLOTS_PER_EPOCH),
                *slashing_enabled,
            )?,
            C::SetProgramFee { new_fee_bps } => self.set_program_fee(sender, *new_fee_bps)?,
            C::InitializeNcn {} => self.initialize_ncn(sender)?,
            C::InitializeOperator { operator_fee_bps } => {
                self.initialize_operator(sender, *operator_fee_bps)?
            }
            C::OperatorSetFee { operator, new_fee_bps } => {
                self.operator_set_fee(sender, *operator, *new_fee_bps)?
            }
            C::InitializeNcnOperatorState(a) => {
                self.initialize_ncn_operator_state(slot, sender, a.ncn, a.operator)?
            }
            C::NcnWarmupOperator(a) => self.ncn_toggle_operator(slot, sender, a, true)?,
            C::NcnCooldownOperator(a) => self.ncn_toggle_operator(slot, sender, a, false)?,
            C::OperatorWarmupNcn(a) => self.operator_toggle_ncn(slot, sender, a, true)?,
            C::OperatorCooldownNcn(a) => self.operator_toggle_ncn(slot, sender, a, false)?,
            C::InitializeNcnVaultTicket(a) => self.initialize_ncn_vault_ticket(slot, sender, a)?,
            C::WarmupNcnVaultTicket(a) => self.ncn_toggle_vault(slot, sender, a, true)?,
            C::CooldownNcnVaultTicket(a) => self.ncn_toggle_vault(slot, sender, a, false)?,
            C::InitializeOperatorVaultTicket(a) => {
                self.initialize_operator_vault_ticket(slot, sender, a)?
            }
            C::WarmupOperatorVaultTicket(a) => self.operator_toggle_vault(slot, sender, a, true)?,
            C::CooldownOperatorVaultTicket(a) => {
                self.operator_toggle_vault(slot, sender, a, false)?
            }
            C::InitializeNcnVaultSlasherTicket { ncn, vault, slasher, max_slashable_per_epoch } => {
                self.initialize_ncn_vault_slasher_ticket(
                    slot,
                    sender,
                    &calls::NcnVaultSlasher { ncn: *ncn, vault: *vault, slasher: *slasher },
                    *max_slashable_per_epoch,
                )?
            }
            C::WarmupNcnVaultSlasherTicket(a) => self.ncn_toggle_slasher(slot, sender, a, true)?,
            C::CooldownNcnVaultSlasherTicket(a) => {
                self.ncn_toggle_slasher(slot, sender, a, false)?
            }
            C::InitializeVaultNcnSlasherTicket(a) => {
                self.initialize_vault_ncn_slasher_ticket(slot, sender, a)?
            }
            C::WarmupVaultNcnSlasherTicket(a) => {
                self.vault_toggle_slasher(slot, sender, a, true)?
            }
            C::CooldownVaultNcnSlasherTicket(a) => {
                self.vault_toggle_slasher(slot, sender, a, false)?
            }
            C::InitializeVaultNcnSlasherOperatorTicket { target, ncn, slasher, operator } => self
                .initialize_vault_ncn_slasher_operator_ticket(
                slot, *target, *ncn, *slasher, *operator,
            )?,
            C::Slash { target, ncn, operator, slash_amount } => {
                self.slash(ledger, slot, sender, *target, (*ncn, *operator), *slash_amount)?
            }
            C::InitializeVault {
                supported_mint,
                deposit_fee_bps,
                withdrawal_fee_bps,
                reward_fee_bps,
                decimals,
                initialize_token_amount,
                vrt_symbol,
            } => self.initialize_vault(
                ledger,
                slot,
                sender,
                vault_program::NewVault {
                    supported_mint: *supported_mint,
                    deposit_fee_bps: *deposit_fee_bps,
                    withdrawal_fee_bps: *withdrawal_fee_bps,
                    reward_fee_bps: *reward_fee_bps,
                    decimals: *decimals,
                    initialize_token_amount: *initialize_token_amount,
                    vrt_symbol: vrt_symbol.clone(),
                },
            )?,
            C::InitializeVaultNcnTicket(a) => self.initialize_vault_ncn_ticket(slot, sender, a)?,
            C::WarmupVaultNcnTicket(a) => self.vault_toggle_ncn(slot, sender, a, true)?,
            C::CooldownVaultNcnTicket(a) => self.vault_toggle_ncn(slot, sender, a, false)?,
            C::InitializeVaultOperatorDelegation(a) => {
                self.initialize_vault_operator_delegation(slot, sender, a)?
            }
            C::MintTo { target, amount_in, min_amount_out, mint_burn_admin } => self.mint_to(
                ledger,
                slot,
                sender,
                *target,
                (*amount_in, *min_amount_out),
                *mint_burn_admin,
            )?,
            C::AddDelegation(a) => self.add_delegation(slot, sender, a)?,
            C::CooldownDelegation(a) => self.cooldown_delegation(slot, sender, a)?,
            C::EnqueueWithdrawal { target, vrt_amount, mint_burn_admin } => self
                .enqueue_withdrawal(ledger, slot, sender, *target, *vrt_amount, *mint_burn_admin)?,
            C::ChangeWithdrawalTicketOwner { target, ticket, new_owner } => {
                self.change_withdrawal_ticket_owner(sender, *target, *ticket, *new_owner)?
            }
            C::BurnWithdrawalTicket { target, ticket, mint_burn_admin } => {
                self.burn_withdrawal_ticket(ledger, slot, *target, *ticket, *mint_burn_admin)?
            }
            C::UpdateVaultBalance(a) => self.update_vault_balance(ledger, slot, a.target)?,
            C::InitializeVaultUpdateStateTracker { target, .. } => {
                self.initialize_vault_update_state_tracker(slot, *target)?
            }
            C::CrankVaultUpdateStateTracker(a) => {
                self.crank_vault_update_state_tracker(slot, a.target, a.operator)?
            }
            C::CloseVaultUpdateStateTracker { target, ncn_epoch } => {
                self.close_vault_update_state_tracker(slot, *target, *ncn_epoch)?
            }
            C::SetFees { target, deposit_fee_bps, withdrawal_fee_bps, reward_fee_bps } => self
                .set_fees(
                    slot,
                    sender,
                    *target,
                    [*deposit_fee_bps, *withdrawal_fee_bps, *reward_fee_bps],
                )?,
            C::SetDepositCapacity { target, amount } => {
                self.set_deposit_capacity(sender, *target, *amount)?
            }
            C::SetIsPaused { target, is_paused } => {
                self.set_is_paused(sender, *target, *is_paused)?
            }
            C::SetSecondaryAdmin { target, new_admin, role } => {
                self.set_secondary_admin(sender, *target, *new_admin, *role)?
            }
        };
        Ok(vec![event])
    }
}
