//! Jito's read-only queries: the accounts as the programs store them, and each toggle's state
//! at the current slot.

use alloy_primitives::Address;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{E, Jito, JitoEnv, Result, slot_toggle::get_epoch};
use crate::serde_ext;

/// A Jito view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "function", content = "args", rename_all = "snake_case", deny_unknown_fields)]
pub enum JitoView {
    /// The Solana slot and NCN epoch now (with the default epoch length before any config).
    Clock {},
    /// Both configs.
    GetConfig {},
    /// A vault account (with `epoch` and `is_update_needed` now).
    GetVault {
        /// The vault.
        #[serde(with = "serde_ext::account")]
        target: Address,
    },
    /// A `VaultOperatorDelegation`.
    GetVaultOperatorDelegation {
        /// The vault.
        #[serde(with = "serde_ext::account")]
        target: Address,
        /// The operator.
        #[serde(with = "serde_ext::account")]
        operator: Address,
    },
    /// A withdrawal ticket (with `is_withdrawable` now).
    GetWithdrawalTicket {
        /// The vault.
        #[serde(with = "serde_ext::account")]
        target: Address,
        /// The ticket.
        #[serde(with = "serde_ext::account")]
        ticket: Address,
    },
    /// An NCN account.
    GetNcn {
        /// The NCN.
        #[serde(with = "serde_ext::account")]
        ncn: Address,
    },
    /// An operator account.
    GetOperator {
        /// The operator.
        #[serde(with = "serde_ext::account")]
        operator: Address,
    },
    /// Both opt-in states of an `NcnOperatorState` now.
    NcnOperatorState {
        /// The NCN.
        #[serde(with = "serde_ext::account")]
        ncn: Address,
        /// The operator.
        #[serde(with = "serde_ext::account")]
        operator: Address,
    },
    /// The state of an `NcnVaultTicket` now.
    NcnVaultTicketState {
        /// The NCN.
        #[serde(with = "serde_ext::account")]
        ncn: Address,
        /// The vault.
        #[serde(with = "serde_ext::account")]
        vault: Address,
    },
    /// The state of an `OperatorVaultTicket` now.
    OperatorVaultTicketState {
        /// The operator.
        #[serde(with = "serde_ext::account")]
        operator: Address,
        /// The vault.
        #[serde(with = "serde_ext::account")]
        vault: Address,
    },
    /// The state of a `VaultNcnTicket` now.
    VaultNcnTicketState {
        /// The vault.
        #[serde(with = "serde_ext::account")]
        target: Address,
        /// The NCN.
        #[serde(with = "serde_ext::account")]
        ncn: Address,
    },
}

fn to_json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("Jito state serializes")
}

impl Jito {
    /// Answers a view.
    pub fn view(&self, env: &JitoEnv, view: &JitoView) -> Result<Value> {
        use JitoView as V;
        let slot = env.slot;
        let epoch_length = || self.config().map(|c| c.epoch_length);
        Ok(match view {
            V::Clock {} => {
                // The clock exists before any config: the default epoch length until then.
                let length = epoch_length().unwrap_or(super::slot_toggle::DEFAULT_SLOTS_PER_EPOCH);
                json!({ "slot": slot, "epoch": get_epoch(slot, length)?, "epoch_length": length })
            }
            V::GetConfig {} => to_json(self.config()?),
            V::GetVault { target } => {
                let vault = self.vault(*target)?;
                let mut value = to_json(vault);
                value["is_update_needed"] = json!(vault.is_update_needed(slot, epoch_length()?)?);
                value["epoch"] = json!(get_epoch(slot, epoch_length()?)?);
                value
            }
            V::GetVaultOperatorDelegation { target, operator } => to_json(
                self.vault(*target)?
                    .operator_delegations
                    .get(operator)
                    .ok_or_else(|| E::missing("vault operator delegation for", *operator))?,
            ),
            V::GetWithdrawalTicket { target, ticket } => {
                let entry = self
                    .vault(*target)?
                    .withdrawal_tickets
                    .get(ticket)
                    .ok_or_else(|| E::missing("withdrawal ticket", *ticket))?;
                let length = epoch_length()?;
                let withdrawable =
                    get_epoch(slot, length)? > get_epoch(entry.slot_unstaked, length)? + 1;
                let mut value = to_json(entry);
                value["is_withdrawable"] = json!(withdrawable);
                value
            }
            V::GetNcn { ncn } => to_json(self.ncn(*ncn)?),
            V::GetOperator { operator } => to_json(self.operator(*operator)?),
            V::NcnOperatorState { ncn, operator } => {
                let state = self
                    .ncn(*ncn)?
                    .operator_states
                    .get(operator)
                    .ok_or_else(|| E::missing("NCN operator state for", *operator))?;
                let length = epoch_length()?;
                json!({
                    "ncn_opt_in_state": to_json(&state.ncn_opt_in_state.state(slot, length)?),
                    "operator_opt_in_state": to_json(&state.operator_opt_in_state.state(slot, length)?),
                })
            }
            V::NcnVaultTicketState { ncn, vault } => {
                let toggle = self
                    .ncn(*ncn)?
                    .vault_tickets
                    .get(vault)
                    .ok_or_else(|| E::missing("NCN vault ticket for", *vault))?;
                to_json(&toggle.state(slot, epoch_length()?)?)
            }
            V::OperatorVaultTicketState { operator, vault } => {
                let toggle = self
                    .operator(*operator)?
                    .vault_tickets
                    .get(vault)
                    .ok_or_else(|| E::missing("operator vault ticket for", *vault))?;
                to_json(&toggle.state(slot, epoch_length()?)?)
            }
            V::VaultNcnTicketState { target, ncn } => {
                let toggle = self
                    .vault(*target)?
                    .ncn_tickets
                    .get(ncn)
                    .ok_or_else(|| E::missing("vault NCN ticket for", *ncn))?;
                to_json(&toggle.state(slot, epoch_length()?)?)
            }
        })
    }
}

/// One operator's delegation from a vault that an NCN could slash under the removed program's
/// rules: every handshake between the three (NCN↔vault both sides, NCN↔operator both sides,
/// operator→vault) and at least one slasher's tickets (NCN and vault sides) active or cooling
/// down, as the last published `Slash` required.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlashableStake {
    /// The NCN (the service).
    pub ncn: Address,
    /// The operator.
    pub operator: Address,
    /// The vault.
    pub vault: Address,
    /// The vault's supported token.
    pub token: Address,
    /// The delegation's security: staked, enqueued and cooling down (all slashable).
    pub security: u64,
    /// What the NCN's live slashers may still take from it this epoch: the least of the
    /// security and the sum of their per-epoch caps less what they took this epoch.
    pub slashable_this_epoch: u64,
}

impl Jito {
    /// Every (NCN, operator, vault) whose delegation an NCN could slash at `slot` if slashing
    /// were enabled (see [`super::state::JitoConfig::slashing_enabled`]).
    pub fn slashable_stakes(&self, slot: u64) -> Vec<SlashableStake> {
        let Ok(length) = self.config().map(|c| c.epoch_length) else { return Vec::new() };
        let Ok(epoch) = get_epoch(slot, length) else { return Vec::new() };
        let live = |toggle: Option<&super::SlotToggle>| {
            toggle.is_some_and(|t| t.is_active_or_cooldown(slot, length).unwrap_or(false))
        };
        let mut out = Vec::new();
        for (&vault_address, vault) in &self.vaults {
            for (&operator_address, delegation) in &vault.operator_delegations {
                let Ok(security) = delegation.delegation_state.total_security() else { continue };
                let Some(operator) = self.operators.get(&operator_address) else { continue };
                if security == 0 || !live(operator.vault_tickets.get(&vault_address)) {
                    continue;
                }
                for (&ncn_address, ncn) in &self.ncns {
                    let opted_in = ncn.operator_states.get(&operator_address).is_some_and(|s| {
                        live(Some(&s.ncn_opt_in_state)) && live(Some(&s.operator_opt_in_state))
                    });
                    if !opted_in
                        || !live(ncn.vault_tickets.get(&vault_address))
                        || !live(vault.ncn_tickets.get(&ncn_address))
                    {
                        continue;
                    }
                    let mut remaining: Option<u64> = None;
                    let slashers = ncn.slasher_tickets.get(&vault_address).into_iter().flatten();
                    for (slasher, ncn_side) in slashers {
                        let vault_side =
                            vault.slasher_tickets.get(&ncn_address).and_then(|s| s.get(slasher));
                        let Some(vault_side) = vault_side else { continue };
                        if !live(Some(&ncn_side.state)) || !live(Some(&vault_side.state)) {
                            continue;
                        }
                        let taken = vault_side
                            .slashed
                            .get(&(operator_address, epoch))
                            .copied()
                            .unwrap_or(0);
                        let left = vault_side.max_slashable_per_epoch.saturating_sub(taken);
                        remaining = Some(remaining.unwrap_or(0).saturating_add(left));
                    }
                    let Some(remaining) = remaining else { continue };
                    out.push(SlashableStake {
                        ncn: ncn_address,
                        operator: operator_address,
                        vault: vault_address,
                        token: vault.supported_mint,
                        security,
                        slashable_this_epoch: security.min(remaining),
                    });
                }
            }
        }
        out
    }
}
