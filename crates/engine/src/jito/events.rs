//! What Jito instructions emit. The programs emit no events (only log lines), so each event is
//! named after its instruction and carries what changed; scenarios label the accounts that
//! `InitializeNcn`, `InitializeOperator`, `InitializeVault` and `EnqueueWithdrawal` create.

use alloy_primitives::Address;
use serde::{Deserialize, Serialize};

use super::state::DelegationState;
use crate::serde_ext;

/// An event of the Jito module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event")]
#[allow(missing_docs)] // fields are named as the accounts' fields
pub enum JitoEvent {
    InitializeConfig {
        #[serde(with = "serde_ext::account")]
        admin: Address,
        epoch_length: u64,
    },
    SetProgramFee {
        new_fee_bps: u16,
    },
    InitializeNcn {
        #[serde(with = "serde_ext::account")]
        ncn: Address,
        #[serde(with = "serde_ext::account")]
        admin: Address,
        index: u64,
    },
    InitializeOperator {
        #[serde(with = "serde_ext::account")]
        operator: Address,
        #[serde(with = "serde_ext::account")]
        admin: Address,
        index: u64,
    },
    OperatorSetFee {
        #[serde(with = "serde_ext::account")]
        operator: Address,
        new_fee_bps: u16,
    },
    /// A relationship ticket was created, warmed up or cooled down: `instruction` names which,
    /// `slot` is when.
    Ticket {
        instruction: String,
        #[serde(with = "serde_ext::account")]
        from: Address,
        #[serde(with = "serde_ext::account")]
        to: Address,
        slot: u64,
    },
    /// The removed slash instruction, under Rampart's switch.
    Slash {
        #[serde(with = "serde_ext::account")]
        vault: Address,
        #[serde(with = "serde_ext::account")]
        ncn: Address,
        #[serde(with = "serde_ext::account")]
        operator: Address,
        #[serde(with = "serde_ext::account")]
        slasher: Address,
        slash_amount: u64,
        ncn_epoch: u64,
        delegation_state: DelegationState,
    },
    InitializeVault {
        #[serde(with = "serde_ext::account")]
        vault: Address,
        #[serde(with = "serde_ext::token")]
        vrt_mint: Address,
        #[serde(with = "serde_ext::token")]
        supported_mint: Address,
        #[serde(with = "serde_ext::account")]
        admin: Address,
        initialize_token_amount: u64,
    },
    MintTo {
        #[serde(with = "serde_ext::account")]
        vault: Address,
        #[serde(with = "serde_ext::account")]
        depositor: Address,
        amount_in: u64,
        vrt_to_depositor: u64,
        vrt_to_fee_wallet: u64,
    },
    AddDelegation {
        #[serde(with = "serde_ext::account")]
        vault: Address,
        #[serde(with = "serde_ext::account")]
        operator: Address,
        amount: u64,
    },
    CooldownDelegation {
        #[serde(with = "serde_ext::account")]
        vault: Address,
        #[serde(with = "serde_ext::account")]
        operator: Address,
        amount: u64,
    },
    EnqueueWithdrawal {
        #[serde(with = "serde_ext::account")]
        vault: Address,
        #[serde(with = "serde_ext::account")]
        ticket: Address,
        #[serde(with = "serde_ext::account")]
        staker: Address,
        vrt_amount: u64,
        slot_unstaked: u64,
    },
    ChangeWithdrawalTicketOwner {
        #[serde(with = "serde_ext::account")]
        ticket: Address,
        #[serde(with = "serde_ext::account")]
        new_owner: Address,
    },
    BurnWithdrawalTicket {
        #[serde(with = "serde_ext::account")]
        vault: Address,
        #[serde(with = "serde_ext::account")]
        ticket: Address,
        #[serde(with = "serde_ext::account")]
        staker: Address,
        program_fee_amount: u64,
        vault_fee_amount: u64,
        burn_amount: u64,
        out_amount: u64,
    },
    UpdateVaultBalance {
        #[serde(with = "serde_ext::account")]
        vault: Address,
        tokens_deposited: u64,
        vrt_reward_fee: u64,
    },
    InitializeVaultUpdateStateTracker {
        #[serde(with = "serde_ext::account")]
        vault: Address,
        ncn_epoch: u64,
        additional_assets_need_unstaking: u64,
    },
    CrankVaultUpdateStateTracker {
        #[serde(with = "serde_ext::account")]
        vault: Address,
        #[serde(with = "serde_ext::account")]
        operator: Address,
        forced_cooldown: u64,
        delegation_state: DelegationState,
    },
    CloseVaultUpdateStateTracker {
        #[serde(with = "serde_ext::account")]
        vault: Address,
        ncn_epoch: u64,
        /// Whether it completed the update (false for a stale tracker, closed without effect).
        completed: bool,
    },
    SetFees {
        #[serde(with = "serde_ext::account")]
        vault: Address,
        deposit_fee_bps: u16,
        next_withdrawal_fee_bps: u16,
        reward_fee_bps: u16,
    },
    SetDepositCapacity {
        #[serde(with = "serde_ext::account")]
        vault: Address,
        amount: u64,
    },
    SetIsPaused {
        #[serde(with = "serde_ext::account")]
        vault: Address,
        is_paused: bool,
    },
    SetSecondaryAdmin {
        #[serde(with = "serde_ext::account")]
        vault: Address,
        role: String,
        #[serde(with = "serde_ext::account")]
        new_admin: Address,
    },
}
