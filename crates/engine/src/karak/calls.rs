//! Karak's calls, named `contract.function` in snake_case: `core.*` for the singleton Core,
//! `vault.*` and `native_vault.*` with `target` naming the vault.

use alloy_primitives::{Address, B256, U256};
use serde::{Deserialize, Serialize};

use crate::serde_ext;

/// A Karak call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "function", content = "args", deny_unknown_fields)]
#[allow(missing_docs)] // each variant is documented by its argument struct
pub enum KarakCall {
    #[serde(rename = "core.register_dss")]
    RegisterDss(RegisterDss),
    #[serde(rename = "core.allowlist_assets")]
    AllowlistAssets(AllowlistAssets),
    #[serde(rename = "core.grant_roles")]
    GrantRoles(GrantRoles),
    #[serde(rename = "core.deploy_vaults")]
    DeployVaults(DeployVaults),
    #[serde(rename = "core.register_operator_to_dss")]
    RegisterOperatorToDss(Dss),
    #[serde(rename = "core.unregister_operator_from_dss")]
    UnregisterOperatorFromDss(Dss),
    #[serde(rename = "core.request_update_vault_stake_in_dss")]
    RequestUpdateVaultStakeInDss(StakeUpdate),
    #[serde(rename = "core.finalize_update_vault_stake_in_dss")]
    FinalizeUpdateVaultStakeInDss(VaultArg),
    #[serde(rename = "core.request_slashing")]
    RequestSlashing(SlashRequest),
    #[serde(rename = "core.cancel_slashing")]
    CancelSlashing(Root),
    #[serde(rename = "core.finalize_slashing")]
    FinalizeSlashing(Root),
    #[serde(rename = "vault.deposit")]
    Deposit(Deposit),
    #[serde(rename = "vault.mint")]
    Mint(Mint),
    #[serde(rename = "vault.transfer")]
    Transfer(Transfer),
    #[serde(rename = "vault.start_redeem")]
    StartRedeem(StartRedeem),
    #[serde(rename = "vault.finish_redeem")]
    FinishRedeem(WithdrawalKey),
    #[serde(rename = "native_vault.create_node")]
    CreateNode(Target),
    #[serde(rename = "native_vault.validate_withdrawal_credentials")]
    ValidateWithdrawalCredentials(ValidateCredentials),
    #[serde(rename = "native_vault.start_snapshot")]
    StartSnapshot(StartSnapshot),
    #[serde(rename = "native_vault.validate_expired_snapshot")]
    ValidateExpiredSnapshot(NodeOwner),
    #[serde(rename = "native_vault.start_withdrawal")]
    StartWithdrawal(StartWithdrawal),
    #[serde(rename = "native_vault.finish_withdrawal")]
    FinishWithdrawal(WithdrawalKey),
}

impl KarakCall {
    /// `contract.function`.
    pub fn name(&self) -> String {
        let value = serde_json::to_value(self).expect("calls serialize");
        value["function"].as_str().expect("tagged").to_owned()
    }
}

/// `registerDSS(maxSlashablePercentageWad)`, by the DSS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterDss {
    /// WAD percentage (`"30%"` works).
    #[serde(with = "serde_ext::amount")]
    pub max_slashable_percentage_wad: U256,
}

/// `allowlistAssets(assets, slashingHandlers)`, by the owner or a manager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowlistAssets {
    /// The assets.
    #[serde(with = "serde_ext::tokens")]
    pub assets: Vec<Address>,
    /// Their slashing handlers (a default handler each if omitted).
    #[serde(default, with = "serde_ext::accounts")]
    pub slashing_handlers: Vec<Address>,
}

/// `grantRoles(user, roles)`, by the owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantRoles {
    /// Who.
    #[serde(with = "serde_ext::account")]
    pub user: Address,
    /// `MANAGER_ROLE`, `VETO_COMMITTEE_ROLE`.
    pub roles: Vec<KarakRole>,
}

/// Core's roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum KarakRole {
    /// Allowlists assets, pauses.
    ManagerRole,
    /// Cancels slash requests.
    VetoCommitteeRole,
}

/// `deployVaults(configs, implementation)`, by the operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeployVaults {
    /// One vault per config.
    pub configs: Vec<VaultConfig>,
}

/// `VaultLib.Config` (the name and symbol are not modelled).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VaultConfig {
    /// The asset (`ETH` deploys a native vault).
    #[serde(with = "serde_ext::token")]
    pub asset: Address,
}

/// A DSS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dss {
    /// The DSS.
    #[serde(with = "serde_ext::account")]
    pub dss: Address,
}

/// `requestUpdateVaultStakeInDSS({vault, dss, toStake})`, by the operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StakeUpdate {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub vault: Address,
    /// The DSS.
    #[serde(with = "serde_ext::account")]
    pub dss: Address,
    /// Stake or unstake.
    pub to_stake: bool,
}

/// The vault whose pending stake update to finalize (each vault has at most one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VaultArg {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub vault: Address,
}

/// `requestSlashing({operator, slashPercentagesWad, vaults})`, by the DSS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlashRequest {
    /// The operator.
    #[serde(with = "serde_ext::account")]
    pub operator: Address,
    /// Per vault, a WAD percentage.
    #[serde(with = "serde_ext::amounts")]
    pub slash_percentages_wad: Vec<U256>,
    /// The vaults.
    #[serde(with = "serde_ext::accounts")]
    pub vaults: Vec<Address>,
}

/// A queued slash, by its root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Root {
    /// `keccak256` of the queued slashing.
    pub root: B256,
}

/// A vault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
}

/// `deposit(assets, to[, minSharesOut])`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deposit {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// Assets.
    #[serde(with = "serde_ext::amount")]
    pub assets: U256,
    /// Who receives the shares.
    #[serde(with = "serde_ext::account")]
    pub to: Address,
    /// Slippage floor.
    #[serde(default, with = "serde_ext::amount")]
    pub min_shares_out: U256,
}

/// `mint(shares, to)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mint {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// Shares.
    #[serde(with = "serde_ext::amount")]
    pub shares: U256,
    /// Who receives them.
    #[serde(with = "serde_ext::account")]
    pub to: Address,
}

/// ERC20 `transfer(to, amount)` of vault shares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// Receiver.
    #[serde(with = "serde_ext::account")]
    pub to: Address,
    /// Shares.
    #[serde(with = "serde_ext::amount")]
    pub amount: U256,
}

/// `startRedeem(shares, beneficiary)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartRedeem {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// Shares to escrow.
    #[serde(with = "serde_ext::amount")]
    pub shares: U256,
    /// Who receives the assets.
    #[serde(with = "serde_ext::account")]
    pub beneficiary: Address,
}

/// `finishRedeem(withdrawalKey)` / `finishWithdrawal(withdrawalKey)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WithdrawalKey {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// The key `startRedeem` returned.
    pub withdrawal_key: B256,
}

/// `validateWithdrawalCredentials(nodeOwner, …)`: the validators' proofs are read from the
/// world's beacon chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidateCredentials {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// The node's owner.
    #[serde(with = "serde_ext::account")]
    pub node_owner: Address,
    /// Beacon-chain validator indices.
    #[serde(with = "serde_ext::ints")]
    pub validator_indices: Vec<u64>,
}

/// `startSnapshot(revertIfNoBalanceChange)`, by the node's owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartSnapshot {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// Revert when no ETH arrived on the node.
    #[serde(default)]
    pub revert_if_no_balance_change: bool,
}

/// `validateExpiredSnapshot(nodeOwner)`, by anyone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeOwner {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// The node's owner.
    #[serde(with = "serde_ext::account")]
    pub node_owner: Address,
}

/// `startWithdrawal(to, weiAmount)`, by the node's owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartWithdrawal {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// Receiver.
    #[serde(with = "serde_ext::account")]
    pub to: Address,
    /// Wei.
    #[serde(with = "serde_ext::amount")]
    pub wei_amount: U256,
}
