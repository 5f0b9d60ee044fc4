//! Jito's accounts, as the two programs store them (minus PDA bumps, reserved space and the
//! SPL plumbing): the configs, NCNs, operators and their relationship tickets (restaking
//! program), and vaults with their NCN tickets, operator delegations, withdrawal tickets and
//! update trackers (vault program).
//!
//! Solana pubkeys are Rampart addresses: a named signer's address is its name's (as for every
//! Rampart account), and a program-derived account's address is derived from its kind and a
//! counter ([`crate::accounts::derived_address`]), as a PDA is from its seeds. Accounts that
//! belong to a pair (an NCN's ticket for a vault) are stored inside their first seed's account.

use std::collections::BTreeMap;

use alloy_primitives::Address;
use serde::{Deserialize, Serialize};

use super::{errors::JitoError, slot_toggle::SlotToggle};
use crate::serde_ext;

/// `MAX_BPS`: 100% in basis points.
pub const MAX_BPS: u16 = 10_000;
/// `Config::DEFAULT_FEES_CAP_BPS`: deposit and withdrawal fees are capped at 20%.
pub const DEFAULT_FEES_CAP_BPS: u16 = 2_000;
/// `Config::DEFAULT_FEE_RATE_OF_CHANGE_BPS`: a fee may rise by at most 25% of itself per change.
pub const DEFAULT_FEE_RATE_OF_CHANGE_BPS: u16 = 2_500;
/// `Config::DEFAULT_FEE_BUMP_BPS`: rises up to 10 bps are always allowed.
pub const DEFAULT_FEE_BUMP_BPS: u16 = 10;
/// `Vault::MAX_REWARD_DELTA_BPS`: the effective reward fee must be within 0.5% of the rate.
pub const MAX_REWARD_DELTA_BPS: u16 = 50;
/// `Vault::DEFAULT_INITIALIZATION_TOKEN_AMOUNT`: the admin's initial deposit, minted to the
/// burn vault as permanent dead shares.
pub const DEFAULT_INITIALIZATION_TOKEN_AMOUNT: u64 = 10_000;

/// Jito's two programs in one world.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jito {
    /// Both programs' configs (none until `jito.initialize_config`).
    pub config: Option<JitoConfig>,
    /// NCNs by address.
    pub ncns: BTreeMap<Address, Ncn>,
    /// Operators by address.
    pub operators: BTreeMap<Address, Operator>,
    /// Vaults by address.
    pub vaults: BTreeMap<Address, Vault>,
}

impl Jito {
    /// Whether nothing Jito exists (a world without Jito keeps its state hash).
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// The restaking program's `Config` and the vault program's `Config`, created together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JitoConfig {
    /// Both configs' admin.
    #[serde(with = "serde_ext::account")]
    pub admin: Address,
    /// Slots per NCN epoch (both programs).
    pub epoch_length: u64,
    /// Restaking: NCNs created so far.
    pub ncn_count: u64,
    /// Restaking: operators created so far.
    pub operator_count: u64,
    /// Vault: vaults created so far.
    pub num_vaults: u64,
    /// Vault: cap on deposit and withdrawal fees.
    pub deposit_withdrawal_fee_cap_bps: u16,
    /// Vault: most a fee may rise per change, relative to itself.
    pub fee_rate_of_change_bps: u16,
    /// Vault: a rise up to this many bps is always allowed.
    pub fee_bump_bps: u16,
    /// Vault: the program's withdrawal fee, copied into vaults at each update start.
    pub program_fee_bps: u16,
    /// Vault: who receives program fees (in VRT).
    #[serde(with = "serde_ext::account")]
    pub program_fee_wallet: Address,
    /// Rampart's switch for the removed `Slash` instruction (PR #141): off by default, as on
    /// chain; on, it applies the last published semantics (commit `956e88f6^`).
    #[serde(default)]
    pub slashing_enabled: bool,
}

/// `Ncn`: a node consensus network (a service).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ncn {
    /// Index in the restaking config.
    pub index: u64,
    /// Admin.
    #[serde(with = "serde_ext::account")]
    pub admin: Address,
    /// Opts operators in and out.
    #[serde(with = "serde_ext::account")]
    pub operator_admin: Address,
    /// Opts vaults in and out.
    #[serde(with = "serde_ext::account")]
    pub vault_admin: Address,
    /// Adds slashers.
    #[serde(with = "serde_ext::account")]
    pub slasher_admin: Address,
    /// `NcnOperatorState` accounts, by operator.
    pub operator_states: BTreeMap<Address, NcnOperatorState>,
    /// `NcnVaultTicket` toggles, by vault.
    pub vault_tickets: BTreeMap<Address, SlotToggle>,
    /// `NcnVaultSlasherTicket` accounts, by vault then slasher.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub slasher_tickets: BTreeMap<Address, BTreeMap<Address, NcnSlasherTicket>>,
}

/// `NcnOperatorState`: both sides' opt-in toggles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NcnOperatorState {
    /// The NCN's side (its operator admin).
    pub ncn_opt_in_state: SlotToggle,
    /// The operator's side (its NCN admin).
    pub operator_opt_in_state: SlotToggle,
}

/// `NcnVaultSlasherTicket`: a slasher the NCN added for a vault, with its per-epoch cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NcnSlasherTicket {
    /// Most it may slash one operator of the vault per epoch.
    pub max_slashable_per_epoch: u64,
    /// Its toggle.
    pub state: SlotToggle,
}

/// `Operator`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operator {
    /// Index in the restaking config.
    pub index: u64,
    /// Admin.
    #[serde(with = "serde_ext::account")]
    pub admin: Address,
    /// Opts NCNs in and out.
    #[serde(with = "serde_ext::account")]
    pub ncn_admin: Address,
    /// Opts vaults in and out.
    #[serde(with = "serde_ext::account")]
    pub vault_admin: Address,
    /// Its fee (≤ 10 000 bps; the admin may change it at any time).
    pub operator_fee_bps: u16,
    /// `OperatorVaultTicket` toggles, by vault.
    pub vault_tickets: BTreeMap<Address, SlotToggle>,
}

/// `DelegationState`: stake per stage. All three stages are security (slashable).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelegationState {
    /// Active stake.
    pub staked_amount: u64,
    /// Deactivated this epoch.
    pub enqueued_for_cooldown_amount: u64,
    /// Deactivated last epoch; idle after the next update.
    pub cooling_down_amount: u64,
}

impl DelegationState {
    /// A state with these three amounts.
    pub fn new(staked: u64, enqueued: u64, cooling: u64) -> Self {
        Self {
            staked_amount: staked,
            enqueued_for_cooldown_amount: enqueued,
            cooling_down_amount: cooling,
        }
    }

    /// `staked + enqueued + cooling`.
    pub fn total_security(&self) -> Result<u64, JitoError> {
        self.staked_amount
            .checked_add(self.enqueued_for_cooldown_amount)
            .and_then(|x| x.checked_add(self.cooling_down_amount))
            .ok_or(JitoError::VaultSecurityOverflow)
    }

    /// Field-wise checked sum.
    pub fn accumulate(&mut self, other: &Self) -> Result<(), JitoError> {
        let add = |a: u64, b: u64| a.checked_add(b).ok_or(JitoError::VaultSecurityOverflow);
        *self = Self::new(
            add(self.staked_amount, other.staked_amount)?,
            add(self.enqueued_for_cooldown_amount, other.enqueued_for_cooldown_amount)?,
            add(self.cooling_down_amount, other.cooling_down_amount)?,
        );
        Ok(())
    }

    /// Field-wise checked difference.
    pub fn subtract(&mut self, other: &Self) -> Result<(), JitoError> {
        let sub = |a: u64, b: u64| a.checked_sub(b).ok_or(JitoError::VaultSecurityUnderflow);
        *self = Self::new(
            sub(self.staked_amount, other.staked_amount)?,
            sub(self.enqueued_for_cooldown_amount, other.enqueued_for_cooldown_amount)?,
            sub(self.cooling_down_amount, other.cooling_down_amount)?,
        );
        Ok(())
    }

    /// One epoch boundary: the enqueued amount starts cooling down, and what was cooling down
    /// leaves the state (it is idle in the vault again).
    pub fn update(&mut self) {
        self.cooling_down_amount = self.enqueued_for_cooldown_amount;
        self.enqueued_for_cooldown_amount = 0;
    }

    /// `update()` once per epoch elapsed, at most twice (two empty the pipeline).
    pub fn update_epochs(&mut self, epochs: u64) {
        for _ in 0..epochs.min(2) {
            self.update();
        }
    }

    /// Adds active stake.
    pub fn delegate(&mut self, amount: u64) -> Result<(), JitoError> {
        if amount == 0 {
            return Err(JitoError::VaultDelegationZero);
        }
        self.staked_amount =
            self.staked_amount.checked_add(amount).ok_or(JitoError::VaultSecurityOverflow)?;
        Ok(())
    }

    /// Moves active stake to the cool-down queue.
    pub fn cooldown(&mut self, amount: u64) -> Result<(), JitoError> {
        if amount == 0 {
            return Err(JitoError::VaultCooldownZero);
        }
        let staked =
            self.staked_amount.checked_sub(amount).ok_or(JitoError::VaultSecurityUnderflow)?;
        let enqueued = self
            .enqueued_for_cooldown_amount
            .checked_add(amount)
            .ok_or(JitoError::VaultSecurityOverflow)?;
        self.staked_amount = staked;
        self.enqueued_for_cooldown_amount = enqueued;
        Ok(())
    }

    /// Takes `amount` from staked, then enqueued, then cooling down (the removed slash path).
    pub fn slash(&mut self, amount: u64) -> Result<(), JitoError> {
        if amount > self.total_security()? {
            return Err(JitoError::VaultSlashUnderflow);
        }
        let mut remaining = amount;
        for stage in [
            &mut self.staked_amount,
            &mut self.enqueued_for_cooldown_amount,
            &mut self.cooling_down_amount,
        ] {
            let take = remaining.min(*stage);
            *stage -= take;
            remaining -= take;
        }
        Ok(())
    }
}

/// `Vault`: a VRT over one supported token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vault {
    /// Index in the vault config.
    pub vault_index: u64,
    /// The VRT (a ledger token the vault mints and burns).
    #[serde(with = "serde_ext::token")]
    pub vrt_mint: Address,
    /// The supported token (an SPL token is a ledger token).
    #[serde(with = "serde_ext::token")]
    pub supported_mint: Address,
    /// The burn vault holding the initial, unspendable VRT.
    #[serde(with = "serde_ext::account")]
    pub burn_vault: Address,
    /// VRT in circulation (equals the mint's supply).
    pub vrt_supply: u64,
    /// Supported tokens accounted for.
    pub tokens_deposited: u64,
    /// Most `tokens_deposited` may reach through `mint_to`.
    pub deposit_capacity: u64,
    /// The sum of the operator delegations after the last completed update.
    pub delegation_state: DelegationState,
    /// Assets the current update must still force into cool-down.
    pub additional_assets_need_unstaking: u64,
    /// VRT in tickets enqueued this epoch.
    pub vrt_enqueued_for_cooldown_amount: u64,
    /// VRT in tickets cooling down.
    pub vrt_cooling_down_amount: u64,
    /// VRT in tickets ready to burn.
    pub vrt_ready_to_claim_amount: u64,
    /// The roles.
    pub admins: VaultAdmins,
    /// `VaultNcnTicket` toggles, by NCN.
    pub ncn_tickets: BTreeMap<Address, SlotToggle>,
    /// `VaultOperatorDelegation` accounts, by operator.
    pub operator_delegations: BTreeMap<Address, VaultOperatorDelegation>,
    /// `VaultNcnSlasherTicket` toggles, by NCN then slasher.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub slasher_tickets: BTreeMap<Address, BTreeMap<Address, VaultSlasherTicket>>,
    /// Open `VaultStakerWithdrawalTicket` accounts, by address.
    pub withdrawal_tickets: BTreeMap<Address, WithdrawalTicket>,
    /// Tickets ever created (salts their addresses).
    pub withdrawal_ticket_nonce: u64,
    /// Open `VaultUpdateStateTracker` accounts, by NCN epoch.
    pub update_trackers: BTreeMap<u64, UpdateStateTracker>,
    /// When fees last changed.
    pub last_fee_change_slot: u64,
    /// When the last update cycle completed.
    pub last_full_state_update_slot: u64,
    /// When the last update cycle started.
    pub last_start_state_update_slot: u64,
    /// Deposit fee (in VRT, rounded up).
    pub deposit_fee_bps: u16,
    /// Withdrawal fee (in VRT, rounded up).
    pub withdrawal_fee_bps: u16,
    /// Withdrawal fee from the next update start.
    pub next_withdrawal_fee_bps: u16,
    /// Fee on rewards (minted as VRT to the fee wallet).
    pub reward_fee_bps: u16,
    /// The program fee copied from the config.
    pub program_fee_bps: u16,
    /// Paused vaults refuse almost everything.
    pub is_paused: bool,
}

/// A vault's roles; a new vault gives every one to its admin, except `mint_burn_admin`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)] // named as the vault's fields
pub struct VaultAdmins {
    #[serde(with = "serde_ext::account")]
    pub admin: Address,
    #[serde(with = "serde_ext::account")]
    pub delegation_admin: Address,
    #[serde(with = "serde_ext::account")]
    pub operator_admin: Address,
    #[serde(with = "serde_ext::account")]
    pub ncn_admin: Address,
    #[serde(with = "serde_ext::account")]
    pub slasher_admin: Address,
    #[serde(with = "serde_ext::account")]
    pub capacity_admin: Address,
    #[serde(with = "serde_ext::account")]
    pub fee_admin: Address,
    #[serde(with = "serde_ext::account")]
    pub delegate_asset_admin: Address,
    #[serde(with = "serde_ext::account")]
    pub fee_wallet: Address,
    /// Zero: minting and burning are permissionless; else it must co-sign them.
    #[serde(with = "serde_ext::account")]
    pub mint_burn_admin: Address,
    #[serde(with = "serde_ext::account")]
    pub metadata_admin: Address,
}

/// `VaultOperatorDelegation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultOperatorDelegation {
    /// Its index in the vault (the crank order).
    pub index: u64,
    /// Stake per stage.
    pub delegation_state: DelegationState,
    /// When the crank last updated it.
    pub last_update_slot: u64,
}

/// `VaultNcnSlasherTicket` plus the per-epoch `VaultNcnSlasherOperatorTicket` amounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultSlasherTicket {
    /// Copied from the NCN's ticket.
    pub max_slashable_per_epoch: u64,
    /// Its toggle.
    pub state: SlotToggle,
    /// Slashed per (operator, epoch).
    #[serde(with = "serde_ext::pairs")]
    pub slashed: BTreeMap<(Address, u64), u64>,
}

/// `VaultStakerWithdrawalTicket`: VRT escrowed until it can be burned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawalTicket {
    /// Who receives the assets.
    #[serde(with = "serde_ext::account")]
    pub staker: Address,
    /// VRT enqueued (the ticket's token account may hold more if someone sent some).
    pub vrt_amount: u64,
    /// When it was enqueued.
    pub slot_unstaked: u64,
}

/// `VaultUpdateStateTracker`: one epoch's crank in progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateStateTracker {
    /// The NCN epoch it updates.
    pub ncn_epoch: u64,
    /// The last operator index cranked (`u64::MAX`: none yet).
    pub last_updated_index: u64,
    /// The sum of the cranked delegations.
    pub delegation_state: DelegationState,
}
