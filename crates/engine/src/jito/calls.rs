//! Jito's instructions, named as the programs' instruction enums in snake_case
//! (`jito.mint_to`, `jito.crank_vault_update_state_tracker`). The signer is the call's sender;
//! vault-program instructions name the vault as `target`. A co-signer the vault may require
//! (its `mint_burn_admin`) is named in the arguments: a Rampart call carries one signature.

use alloy_primitives::Address;
use serde::{Deserialize, Serialize};

use super::state::DEFAULT_INITIALIZATION_TOKEN_AMOUNT;
use crate::serde_ext;

/// A Jito instruction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr)]
#[serde(tag = "function", content = "args", rename_all = "snake_case", deny_unknown_fields)]
#[strum(serialize_all = "snake_case")]
pub enum JitoCall {
    /// Both programs' `InitializeConfig` (the signer becomes both configs' admin).
    InitializeConfig {
        /// The vault program's withdrawal fee (the programs' tests use 0 or 10).
        #[serde(default, with = "serde_ext::int")]
        program_fee_bps: u16,
        /// Who receives it (the signer if omitted).
        #[serde(default, with = "serde_ext::account_opt")]
        program_fee_wallet: Option<Address>,
        /// Slots per NCN epoch: 432 000 (two days) unless a scenario wants shorter epochs.
        #[serde(default)]
        epoch_length: Option<u64>,
        /// Rampart's switch for the removed slash instruction (off, as on chain).
        #[serde(default)]
        slashing_enabled: bool,
    },
    /// `SetProgramFee`, by the config admin.
    SetProgramFee {
        /// At most 10 000.
        #[serde(with = "serde_ext::int")]
        new_fee_bps: u16,
    },
    /// Restaking `InitializeNcn`: the signer becomes every NCN admin.
    InitializeNcn {},
    /// Restaking `InitializeOperator`: the signer becomes every operator admin.
    InitializeOperator {
        /// The operator's fee (≤ 10 000).
        #[serde(default, with = "serde_ext::int")]
        operator_fee_bps: u16,
    },
    /// `OperatorSetFee`, by the operator's admin.
    OperatorSetFee {
        /// The operator.
        #[serde(with = "serde_ext::account")]
        operator: Address,
        /// At most 10 000.
        #[serde(with = "serde_ext::int")]
        new_fee_bps: u16,
    },
    /// `InitializeNcnOperatorState`, by the NCN's operator admin.
    InitializeNcnOperatorState(NcnOperator),
    /// `NcnWarmupOperator`, by the NCN's operator admin.
    NcnWarmupOperator(NcnOperator),
    /// `NcnCooldownOperator`, by the NCN's operator admin.
    NcnCooldownOperator(NcnOperator),
    /// `OperatorWarmupNcn`, by the operator's NCN admin.
    OperatorWarmupNcn(NcnOperator),
    /// `OperatorCooldownNcn`, by the operator's NCN admin.
    OperatorCooldownNcn(NcnOperator),
    /// `InitializeNcnVaultTicket`, by the NCN's vault admin.
    InitializeNcnVaultTicket(NcnVault),
    /// `WarmupNcnVaultTicket`, by the NCN's vault admin.
    WarmupNcnVaultTicket(NcnVault),
    /// `CooldownNcnVaultTicket`, by the NCN's vault admin.
    CooldownNcnVaultTicket(NcnVault),
    /// `InitializeOperatorVaultTicket`, by the operator's vault admin.
    InitializeOperatorVaultTicket(OperatorVault),
    /// `WarmupOperatorVaultTicket`, by the operator's vault admin.
    WarmupOperatorVaultTicket(OperatorVault),
    /// `CooldownOperatorVaultTicket`, by the operator's vault admin.
    CooldownOperatorVaultTicket(OperatorVault),
    /// `InitializeNcnVaultSlasherTicket`, by the NCN's slasher admin (the NCN's vault ticket
    /// must exist).
    InitializeNcnVaultSlasherTicket {
        /// The NCN.
        #[serde(with = "serde_ext::account")]
        ncn: Address,
        /// The vault.
        #[serde(with = "serde_ext::account")]
        vault: Address,
        /// The slasher (a signer).
        #[serde(with = "serde_ext::account")]
        slasher: Address,
        /// The most it may slash one operator of the vault per NCN epoch.
        #[serde(with = "serde_ext::int")]
        max_slashable_per_epoch: u64,
    },
    /// `WarmupNcnVaultSlasherTicket`, by the NCN's slasher admin.
    WarmupNcnVaultSlasherTicket(NcnVaultSlasher),
    /// `CooldownNcnVaultSlasherTicket`, by the NCN's slasher admin.
    CooldownNcnVaultSlasherTicket(NcnVaultSlasher),
    /// `InitializeVaultNcnSlasherTicket`, by the vault's slasher admin.
    InitializeVaultNcnSlasherTicket(VaultNcnSlasher),
    /// `WarmupVaultNcnSlasherTicket`, by the vault's slasher admin.
    WarmupVaultNcnSlasherTicket(VaultNcnSlasher),
    /// `CooldownVaultNcnSlasherTicket`, by the vault's slasher admin.
    CooldownVaultNcnSlasherTicket(VaultNcnSlasher),
    /// `InitializeVaultNcnSlasherOperatorTicket`: this epoch's record of what the slasher took
    /// from the operator (permissionless).
    InitializeVaultNcnSlasherOperatorTicket {
        /// The vault.
        #[serde(with = "serde_ext::account")]
        target: Address,
        /// The NCN.
        #[serde(with = "serde_ext::account")]
        ncn: Address,
        /// The slasher.
        #[serde(with = "serde_ext::account")]
        slasher: Address,
        /// The operator.
        #[serde(with = "serde_ext::account")]
        operator: Address,
    },
    /// The removed `Slash` (PR #141), by the slasher: only with the config's slashing switch on.
    Slash {
        /// The vault.
        #[serde(with = "serde_ext::account")]
        target: Address,
        /// The NCN.
        #[serde(with = "serde_ext::account")]
        ncn: Address,
        /// The operator slashed.
        #[serde(with = "serde_ext::account")]
        operator: Address,
        /// Supported tokens taken (to the slasher).
        #[serde(with = "serde_ext::int")]
        slash_amount: u64,
    },
    /// Vault `InitializeVault`: the signer is the admin and makes the initial deposit.
    InitializeVault {
        /// The supported token (a ledger token; register SPL tokens with 9 decimals).
        #[serde(with = "serde_ext::token")]
        supported_mint: Address,
        /// Deposit fee (≤ the config cap).
        #[serde(default, with = "serde_ext::int")]
        deposit_fee_bps: u16,
        /// Withdrawal fee (≤ the config cap).
        #[serde(default, with = "serde_ext::int")]
        withdrawal_fee_bps: u16,
        /// Reward fee (≤ 10 000).
        #[serde(default, with = "serde_ext::int")]
        reward_fee_bps: u16,
        /// The VRT's decimals (9 in the programs' tests).
        #[serde(default = "nine", with = "serde_ext::int")]
        decimals: u8,
        /// The admin's initial deposit, minted 1:1 to the burn vault.
        #[serde(default = "initial_amount", with = "serde_ext::int")]
        initialize_token_amount: u64,
        /// The VRT's ledger symbol (`VRT<index>` if omitted).
        #[serde(default)]
        vrt_symbol: Option<String>,
    },
    /// `InitializeVaultNcnTicket`, by the vault's NCN admin (the NCN's ticket must exist).
    InitializeVaultNcnTicket(VaultNcn),
    /// `WarmupVaultNcnTicket`, by the vault's NCN admin.
    WarmupVaultNcnTicket(VaultNcn),
    /// `CooldownVaultNcnTicket`, by the vault's NCN admin.
    CooldownVaultNcnTicket(VaultNcn),
    /// `InitializeVaultOperatorDelegation`, by the vault's operator admin (the operator's
    /// ticket must exist).
    InitializeVaultOperatorDelegation(VaultOperator),
    /// `MintTo`: deposit supported tokens, receive VRT.
    MintTo {
        /// The vault.
        #[serde(with = "serde_ext::account")]
        target: Address,
        /// Supported tokens in.
        #[serde(with = "serde_ext::int")]
        amount_in: u64,
        /// Least VRT to receive.
        #[serde(default, with = "serde_ext::int")]
        min_amount_out: u64,
        /// The co-signing mint/burn admin, if the vault has one.
        #[serde(default, with = "serde_ext::account_opt")]
        mint_burn_admin: Option<Address>,
    },
    /// `AddDelegation`, by the vault's delegation admin.
    AddDelegation(VaultOperatorAmount),
    /// `CooldownDelegation`, by the vault's delegation admin.
    CooldownDelegation(VaultOperatorAmount),
    /// `EnqueueWithdrawal`: escrow VRT in a new ticket (label it to burn it later).
    EnqueueWithdrawal {
        /// The vault.
        #[serde(with = "serde_ext::account")]
        target: Address,
        /// VRT to withdraw.
        #[serde(with = "serde_ext::int")]
        vrt_amount: u64,
        /// The co-signing mint/burn admin, if the vault has one.
        #[serde(default, with = "serde_ext::account_opt")]
        mint_burn_admin: Option<Address>,
    },
    /// `ChangeWithdrawalTicketOwner`, by the ticket's staker.
    ChangeWithdrawalTicketOwner {
        /// The vault.
        #[serde(with = "serde_ext::account")]
        target: Address,
        /// The ticket.
        #[serde(with = "serde_ext::account")]
        ticket: Address,
        /// The new staker.
        #[serde(with = "serde_ext::account")]
        new_owner: Address,
    },
    /// `BurnWithdrawalTicket` (anyone may send it; the assets go to the ticket's staker).
    BurnWithdrawalTicket {
        /// The vault.
        #[serde(with = "serde_ext::account")]
        target: Address,
        /// The ticket.
        #[serde(with = "serde_ext::account")]
        ticket: Address,
        /// The co-signing mint/burn admin, if the vault has one.
        #[serde(default, with = "serde_ext::account_opt")]
        mint_burn_admin: Option<Address>,
    },
    /// `UpdateVaultBalance`: account for tokens that arrived (rewards), minting the reward fee.
    UpdateVaultBalance(Target),
    /// `InitializeVaultUpdateStateTracker` (permissionless; `Greedy` allocation).
    InitializeVaultUpdateStateTracker {
        /// The vault.
        #[serde(with = "serde_ext::account")]
        target: Address,
        /// Only `greedy` exists.
        #[serde(default)]
        withdrawal_allocation_method: WithdrawalAllocationMethod,
    },
    /// `CrankVaultUpdateStateTracker` for one operator (permissionless, in index order).
    CrankVaultUpdateStateTracker(VaultOperator),
    /// `CloseVaultUpdateStateTracker` (permissionless).
    CloseVaultUpdateStateTracker {
        /// The vault.
        #[serde(with = "serde_ext::account")]
        target: Address,
        /// The tracker's NCN epoch.
        #[serde(with = "serde_ext::int")]
        ncn_epoch: u64,
    },
    /// `SetFees`, by the vault's fee admin (at least one fee).
    SetFees {
        /// The vault.
        #[serde(with = "serde_ext::account")]
        target: Address,
        /// New deposit fee (applies at once).
        #[serde(default)]
        deposit_fee_bps: Option<u16>,
        /// New withdrawal fee (applies at the next update start).
        #[serde(default)]
        withdrawal_fee_bps: Option<u16>,
        /// New reward fee (applies at once).
        #[serde(default)]
        reward_fee_bps: Option<u16>,
    },
    /// `SetDepositCapacity`, by the vault's capacity admin.
    SetDepositCapacity {
        /// The vault.
        #[serde(with = "serde_ext::account")]
        target: Address,
        /// The new capacity.
        #[serde(with = "serde_ext::int")]
        amount: u64,
    },
    /// `SetIsPaused`, by the vault's admin.
    SetIsPaused {
        /// The vault.
        #[serde(with = "serde_ext::account")]
        target: Address,
        /// Paused or not.
        is_paused: bool,
    },
    /// `SetSecondaryAdmin`, by the vault's admin.
    SetSecondaryAdmin {
        /// The vault.
        #[serde(with = "serde_ext::account")]
        target: Address,
        /// The new holder of the role.
        #[serde(with = "serde_ext::account")]
        new_admin: Address,
        /// The role.
        role: VaultAdminRole,
    },
}

fn nine() -> u8 {
    9
}

fn initial_amount() -> u64 {
    DEFAULT_INITIALIZATION_TOKEN_AMOUNT
}

impl JitoCall {
    /// The instruction's snake_case name.
    pub fn name(&self) -> &'static str {
        self.into()
    }
}

/// An NCN and an operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NcnOperator {
    /// The NCN.
    #[serde(with = "serde_ext::account")]
    pub ncn: Address,
    /// The operator.
    #[serde(with = "serde_ext::account")]
    pub operator: Address,
}

/// An NCN and a vault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NcnVault {
    /// The NCN.
    #[serde(with = "serde_ext::account")]
    pub ncn: Address,
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub vault: Address,
}

/// An operator and a vault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorVault {
    /// The operator.
    #[serde(with = "serde_ext::account")]
    pub operator: Address,
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub vault: Address,
}

/// An NCN, a vault and a slasher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NcnVaultSlasher {
    /// The NCN.
    #[serde(with = "serde_ext::account")]
    pub ncn: Address,
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub vault: Address,
    /// The slasher.
    #[serde(with = "serde_ext::account")]
    pub slasher: Address,
}

/// A vault (as `target`), an NCN and a slasher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VaultNcnSlasher {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// The NCN.
    #[serde(with = "serde_ext::account")]
    pub ncn: Address,
    /// The slasher.
    #[serde(with = "serde_ext::account")]
    pub slasher: Address,
}

/// A vault as `target`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
}

/// A vault and an NCN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VaultNcn {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// The NCN.
    #[serde(with = "serde_ext::account")]
    pub ncn: Address,
}

/// A vault and an operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VaultOperator {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// The operator.
    #[serde(with = "serde_ext::account")]
    pub operator: Address,
}

/// A vault, an operator and an amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VaultOperatorAmount {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// The operator.
    #[serde(with = "serde_ext::account")]
    pub operator: Address,
    /// Supported tokens.
    #[serde(with = "serde_ext::int")]
    pub amount: u64,
}

/// How the crank picks operators to force into cool-down.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WithdrawalAllocationMethod {
    /// In crank order, as much as each operator has staked.
    #[default]
    Greedy,
}

/// `VaultAdminRole`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)] // the program's role names
pub enum VaultAdminRole {
    DelegationAdmin,
    OperatorAdmin,
    NcnAdmin,
    SlasherAdmin,
    CapacityAdmin,
    FeeWallet,
    MintBurnAdmin,
    DelegateAssetAdmin,
    FeeAdmin,
    MetadataAdmin,
}
