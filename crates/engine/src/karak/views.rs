//! Karak's view functions: Core's (`getLeverage`, `isVaultQueuedForSlashing`, …) and each
//! vault's ERC4626 views.

use alloy_primitives::{Address, B256, U256};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{E, Karak, Result, state::HUNDRED_PERCENT_WAD};
use crate::{ledger::Ledger, serde_ext};

/// A Karak view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "function", content = "args", deny_unknown_fields)]
#[allow(missing_docs)] // named as the contracts' view functions
pub enum KarakView {
    #[serde(rename = "core.get_leverage")]
    GetLeverage(VaultArg),
    #[serde(rename = "core.is_vault_queued_for_slashing")]
    IsVaultQueuedForSlashing(VaultArg),
    #[serde(rename = "core.is_operator_registered_to_dss")]
    IsOperatorRegisteredToDss(OperatorDss),
    #[serde(rename = "core.fetch_vaults_staked_in_dss")]
    FetchVaultsStakedInDss(OperatorDss),
    #[serde(rename = "core.get_operator_vaults")]
    GetOperatorVaults(OperatorArg),
    /// `operatorState[operator].pendingSlashingsInVault[vault]`: no getter on chain (the
    /// contracts' tests read the storage slot); `isVaultQueuedForSlashing` is this `!= 0`.
    #[serde(rename = "core.pending_slashings_in_vault")]
    PendingSlashingsInVault(VaultArg),
    #[serde(rename = "core.pending_stake_update")]
    PendingStakeUpdate(VaultArg),
    #[serde(rename = "core.slashing_request")]
    SlashingRequest(RootArg),
    #[serde(rename = "core.next_slashable_timestamp")]
    NextSlashableTimestamp(OperatorDss),
    #[serde(rename = "core.dss_max_slashable_percentage_wad")]
    DssMaxSlashablePercentageWad(DssArg),
    #[serde(rename = "vault.total_assets")]
    TotalAssets(Target),
    #[serde(rename = "vault.total_supply")]
    TotalSupply(Target),
    #[serde(rename = "vault.balance_of")]
    BalanceOf(AccountArg),
    #[serde(rename = "vault.convert_to_shares")]
    ConvertToShares(AmountArg),
    #[serde(rename = "vault.convert_to_assets")]
    ConvertToAssets(AmountArg),
    #[serde(rename = "vault.get_queued_withdrawal")]
    GetQueuedWithdrawal(KeyArg),
    #[serde(rename = "native_vault.node")]
    Node(NodeArg),
}

/// A vault as `vault`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VaultArg {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub vault: Address,
}

/// A vault as `target`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
}

/// An operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorArg {
    /// The operator.
    #[serde(with = "serde_ext::account")]
    pub operator: Address,
}

/// An operator and a DSS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorDss {
    /// The operator.
    #[serde(with = "serde_ext::account")]
    pub operator: Address,
    /// The DSS.
    #[serde(with = "serde_ext::account")]
    pub dss: Address,
}

/// A DSS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DssArg {
    /// The DSS.
    #[serde(with = "serde_ext::account")]
    pub dss: Address,
}

/// A slash request's root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RootArg {
    /// The root.
    pub root: B256,
}

/// A vault and a holder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountArg {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// The holder.
    #[serde(with = "serde_ext::account")]
    pub account: Address,
}

/// A vault and an amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AmountArg {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// Assets or shares.
    #[serde(with = "serde_ext::amount")]
    pub amount: U256,
}

/// A vault and a withdrawal key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyArg {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// The key.
    pub withdrawal_key: B256,
}

/// A native vault and a node owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeArg {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// The owner.
    #[serde(with = "serde_ext::account")]
    pub node_owner: Address,
}

fn amount(value: U256) -> Value {
    Value::String(value.to_string())
}

impl Karak {
    /// Answers a view.
    pub fn view(&self, ledger: &Ledger, view: &KarakView) -> Result<Value> {
        use KarakView as V;
        Ok(match view {
            V::GetLeverage(a) => {
                self.vault(a.vault)?;
                let count = U256::from(self.dss_of_vault(a.vault).len());
                amount(count * HUNDRED_PERCENT_WAD)
            }
            V::IsVaultQueuedForSlashing(a) => {
                let operator = self.vault(a.vault)?.operator;
                Value::Bool(
                    self.operators
                        .get(&operator)
                        .is_some_and(|s| s.pending_slashings_in_vault.contains_key(&a.vault)),
                )
            }
            V::IsOperatorRegisteredToDss(a) => {
                Value::Bool(self.operators.get(&a.operator).is_some_and(|s| s.dss.contains(&a.dss)))
            }
            V::FetchVaultsStakedInDss(a) => json!(
                self.operators
                    .get(&a.operator)
                    .and_then(|s| s.vaults_staked_in_dss.get(&a.dss))
                    .map(|set| set.iter().map(|v| v.to_checksum(None)).collect::<Vec<_>>())
                    .unwrap_or_default()
            ),
            V::GetOperatorVaults(a) => json!(
                self.operators
                    .get(&a.operator)
                    .map(|s| s.vaults.iter().map(|v| v.to_checksum(None)).collect::<Vec<_>>())
                    .unwrap_or_default()
            ),
            V::PendingSlashingsInVault(a) => {
                let operator = self.vault(a.vault)?.operator;
                json!(
                    self.operators
                        .get(&operator)
                        .and_then(|s| s.pending_slashings_in_vault.get(&a.vault))
                        .copied()
                        .unwrap_or(0)
                )
            }
            V::PendingStakeUpdate(a) => {
                let operator = self.vault(a.vault)?.operator;
                json!(
                    self.operators
                        .get(&operator)
                        .and_then(|s| s.pending_stake_updates.get(&a.vault))
                )
            }
            V::SlashingRequest(a) => json!(self.slashing_requests.get(&a.root)),
            V::NextSlashableTimestamp(a) => json!(
                self.operators
                    .get(&a.operator)
                    .and_then(|s| s.next_slashable_timestamp.get(&a.dss).copied())
                    .unwrap_or(0)
            ),
            V::DssMaxSlashablePercentageWad(a) => amount(
                self.dss_max_slashable_percentage_wad.get(&a.dss).map(|p| p.0).unwrap_or_default(),
            ),
            V::TotalAssets(a) => amount(self.total_assets(ledger, a.target)?),
            V::TotalSupply(a) => amount(self.vault(a.target)?.total_supply),
            V::BalanceOf(a) => amount(self.vault(a.target)?.balance_of(a.account)),
            V::ConvertToShares(a) => amount(self.convert_to_shares(ledger, a.target, a.amount)?),
            V::ConvertToAssets(a) => amount(self.convert_to_assets(ledger, a.target, a.amount)?),
            V::GetQueuedWithdrawal(a) => json!(
                self.vault(a.target)?
                    .withdrawals
                    .get(&a.withdrawal_key)
                    .ok_or(E::WithdrawalNotFound(a.withdrawal_key))?
            ),
            V::Node(a) => json!(
                self.vault(a.target)?
                    .native
                    .as_ref()
                    .ok_or(E::NotImplemented)?
                    .nodes
                    .get(&a.node_owner)
                    .ok_or(E::NotNodeOwner(a.node_owner))?
            ),
        })
    }
}
