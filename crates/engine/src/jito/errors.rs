//! Why a Jito instruction fails, named as the programs name it: `VaultError` (vault_sdk),
//! `RestakingError` (restaking_sdk), `CoreError` (jito-jsm-core) and the Solana runtime's
//! `ProgramError` for account checks. Names shared by both programs (`ArithmeticOverflow`,
//! `ConfigAdminInvalid`, …) appear once.

use alloy_primitives::Address;

use crate::ledger::LedgerError;

/// A failed Jito instruction. Nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, strum::IntoStaticStr)]
#[allow(missing_docs)] // the variants are the programs' own error names, documented there
pub enum JitoError {
    // ---- VaultError (1000+) ----
    #[error("slash amount exceeds the total security")]
    VaultSlashUnderflow,
    #[error("the initial deposit failed (zero, or minted other than 1:1)")]
    VaultInitialAmountFailed,
    #[error("insufficient funds in the vault")]
    VaultInsufficientFunds,
    #[error("vault arithmetic overflow")]
    VaultOverflow,
    #[error("the signer is not the vault's operator admin")]
    VaultOperatorAdminInvalid,
    #[error("the signer is not the vault's admin")]
    VaultAdminInvalid,
    #[error("the signer is not the vault's capacity admin")]
    VaultCapacityAdminInvalid,
    #[error("the vault's mint/burn admin did not co-sign")]
    VaultMintBurnAdminInvalid,
    #[error("the signer is not the vault's delegation admin")]
    VaultDelegationAdminInvalid,
    #[error("the deposit would exceed the vault's capacity")]
    VaultCapacityExceeded,
    #[error("the signer is not the vault's NCN admin")]
    VaultNcnAdminInvalid,
    #[error("the signer is not the vault's slasher admin")]
    VaultSlasherAdminInvalid,
    #[error("the signer is not the vault's fee admin")]
    VaultFeeAdminInvalid,
    #[error("the signer is not the config admin")]
    ConfigAdminInvalid,
    #[error("a fee exceeds its cap")]
    VaultFeeCapExceeded,
    #[error("fees changed less than one full epoch ago")]
    VaultFeeChangeTooSoon,
    #[error("the fee increase exceeds the bump and the rate-of-change limits")]
    VaultFeeBumpTooLarge,
    #[error("vault arithmetic underflow (or more than is undelegated)")]
    VaultUnderflow,
    #[error("the vault must complete this epoch's update first")]
    VaultUpdateNeeded,
    #[error("the vault is already up to date in this epoch")]
    VaultIsUpdated,
    #[error("the operator delegation was already updated in this epoch")]
    VaultOperatorDelegationIsUpdated,
    #[error("operators must be cranked in order from ncn_epoch % operator_count")]
    VaultUpdateIncorrectIndex,
    #[error("not every operator delegation was cranked")]
    VaultUpdateStateNotFinishedUpdating,
    #[error("delegation state overflow")]
    VaultSecurityOverflow,
    #[error("delegation state underflow")]
    VaultSecurityUnderflow,
    #[error("the slash could not be applied in full")]
    VaultSlashIncomplete,
    #[error("fewer tokens out than the minimum")]
    SlippageError,
    #[error("the ticket is withdrawable only after one full epoch")]
    VaultStakerWithdrawalTicketNotWithdrawable,
    #[error("the vault's NCN ticket could not cool down (not active)")]
    VaultNcnTicketFailedCooldown,
    #[error("the vault's NCN ticket could not warm up (not inactive, or created this slot)")]
    VaultNcnTicketFailedWarmup,
    #[error("the vault's slasher ticket could not cool down")]
    VaultNcnSlasherTicketFailedCooldown,
    #[error("the vault's slasher ticket could not warm up")]
    VaultNcnSlasherTicketFailedWarmup,
    #[error("the vault's NCN ticket is neither active nor cooling down")]
    VaultNcnTicketUnslashable,
    #[error("the operator's vault ticket is neither active nor cooling down")]
    OperatorVaultTicketUnslashable,
    #[error("the NCN-operator opt-ins are neither active nor cooling down")]
    NcnOperatorStateUnslashable,
    #[error("the vault's slasher ticket is neither active nor cooling down")]
    VaultNcnSlasherTicketUnslashable,
    #[error("the NCN's vault ticket is neither active nor cooling down")]
    NcnVaultTicketUnslashable,
    #[error("the NCN's slasher ticket is neither active nor cooling down")]
    NcnVaultSlasherTicketUnslashable,
    #[error("the slash exceeds the slasher's maximum for this epoch")]
    VaultMaxSlashedPerOperatorExceeded,
    #[error("the staker does not own the ticket")]
    VaultStakerWithdrawalTicketInvalidStaker,
    #[error("delegating zero")]
    VaultDelegationZero,
    #[error("cooling down zero")]
    VaultCooldownZero,
    #[error("burning zero")]
    VaultBurnZero,
    #[error("enqueuing a withdrawal of zero")]
    VaultEnqueueWithdrawalAmountZero,
    #[error("minting from zero")]
    VaultMintZero,
    #[error("the vault is paused")]
    VaultIsPaused,
    #[error("the depositor cannot be the vault")]
    InvalidDepositor,
    #[error("the effective reward fee is too far from the vault's rate")]
    VaultRewardFeeDeltaTooLarge,
    #[error("a non-zero reward fee on non-zero rewards minted no VRT")]
    VaultRewardFeeIsZero,
    #[error("the deposit mints no VRT to the depositor")]
    VrtOutCannotBeZero,
    #[error("assets still need unstaking to cover the withdrawals")]
    NonZeroAdditionalAssetsNeededForWithdrawalAtEndOfUpdate,
    // ---- RestakingError ----
    #[error("the signer is not the NCN's operator admin")]
    NcnOperatorAdminInvalid,
    #[error("the NCN could not cool down the operator (not active)")]
    NcnCooldownOperatorFailed,
    #[error("the signer is not the NCN's slasher admin")]
    NcnSlasherAdminInvalid,
    #[error("the signer is not the NCN's vault admin")]
    NcnVaultAdminInvalid,
    #[error("the NCN's slasher ticket could not cool down")]
    NcnVaultSlasherTicketFailedCooldown,
    #[error("the NCN's vault ticket could not cool down (not active)")]
    NcnVaultTicketFailedCooldown,
    #[error("the NCN could not warm up the operator (not inactive, or created this slot)")]
    NcnWarmupOperatorFailed,
    #[error("the NCN's slasher ticket could not warm up")]
    NcnVaultSlasherTicketFailedWarmup,
    #[error("the NCN's vault ticket could not warm up (not inactive, or created this slot)")]
    NcnVaultTicketFailedWarmup,
    #[error("the signer is not the operator's NCN admin")]
    OperatorNcnAdminInvalid,
    #[error("the signer is not the operator's vault admin")]
    OperatorVaultAdminInvalid,
    #[error("the signer is not the operator's admin")]
    OperatorAdminInvalid,
    #[error("the operator could not cool down the NCN (not active)")]
    OperatorCooldownNcnFailed,
    #[error("the operator's vault ticket could not cool down (not active)")]
    OperatorVaultTicketFailedCooldown,
    #[error("the operator's vault ticket could not warm up (not inactive, or created this slot)")]
    OperatorVaultTicketFailedWarmup,
    #[error("the operator could not warm up the NCN (not inactive, or created this slot)")]
    OperatorWarmupNcnFailed,
    #[error("the operator fee exceeds 10 000 bps")]
    OperatorFeeCapExceeded,
    // ---- shared: VaultError/RestakingError 3000+, CoreError ----
    #[error("arithmetic overflow")]
    ArithmeticOverflow,
    #[error("arithmetic underflow")]
    ArithmeticUnderflow,
    #[error("division by zero")]
    DivisionByZero,
    #[error("the epoch length is zero")]
    BadEpochLength,
    // ---- Solana runtime (ProgramError) ----
    /// An account that must exist does not (on chain it is still owned by the system
    /// program), or one that must be created already exists.
    #[error("{0}")]
    InvalidAccountOwner(String),
    /// An account is not the one expected (e.g. `InitializeOperatorVaultTicket` signed by
    /// someone other than the operator's vault admin).
    #[error("{0}")]
    InvalidAccountData(&'static str),
    /// `SetFees` with no fee to set.
    #[error("no fee given")]
    InvalidInstructionData,
    // ---- Rampart ----
    /// The slashing switch is off: the vault program has no slash instruction since PR #141.
    #[error("slashing was removed from the vault program (PR #141); enable the switch to model it")]
    SlashingDisabled,
    /// The account is no Jito vault.
    #[error("{0} is not a Jito vault")]
    UnknownVault(Address),
    /// A token transfer, mint or burn failed (SPL Token's own errors).
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

impl JitoError {
    /// The error's name as the program returns it.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Ledger(inner) => inner.into(),
            other => other.into(),
        }
    }

    /// `InvalidAccountOwner` for an account that does not exist yet.
    pub(crate) fn missing(what: &str, address: Address) -> Self {
        Self::InvalidAccountOwner(format!("no {what} at {address}"))
    }

    /// `InvalidAccountOwner` for an account that must be created but exists.
    pub(crate) fn exists(what: &str) -> Self {
        Self::InvalidAccountOwner(format!("the {what} already exists"))
    }
}
