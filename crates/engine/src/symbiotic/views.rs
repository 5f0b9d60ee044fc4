//! Symbiotic's view functions, named as in the contracts (`activeStake`, `stakeAt`,
//! `slashableStake`, `withdrawalsOf`, `cumulativeSlash`, …). A view with an optional
//! `timestamp` is the contract's `…At` variant when one is given.

use alloy_primitives::{Address, U256};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{
    Result, Symbiotic, SymbioticError as E,
    rewards::{merkle_tree, operator_leaf},
    state::{DelegatorKind, SlasherKind, Subnetwork},
    vault::At,
};
use crate::serde_ext;

/// A Symbiotic view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "function", content = "args", deny_unknown_fields)]
#[allow(missing_docs)] // named as the contracts' view functions
pub enum SymbioticView {
    #[serde(rename = "vault.info")]
    VaultInfo(Target),
    #[serde(rename = "vault.total_stake")]
    TotalStake(Target),
    #[serde(rename = "vault.active_stake")]
    ActiveStake(TargetAt),
    #[serde(rename = "vault.active_shares")]
    ActiveShares(TargetAt),
    #[serde(rename = "vault.active_shares_of")]
    ActiveSharesOf(AccountAt),
    #[serde(rename = "vault.active_balance_of")]
    ActiveBalanceOf(AccountAt),
    #[serde(rename = "vault.slashable_balance_of")]
    SlashableBalanceOf(AccountAt),
    #[serde(rename = "vault.withdrawals")]
    Withdrawals(EpochArgs),
    #[serde(rename = "vault.withdrawal_shares")]
    WithdrawalShares(EpochArgs),
    #[serde(rename = "vault.withdrawals_of")]
    WithdrawalsOf(EpochAccount),
    #[serde(rename = "vault.is_withdrawals_claimed")]
    IsWithdrawalsClaimed(EpochAccount),
    #[serde(rename = "vault.current_epoch")]
    CurrentEpoch(Target),
    #[serde(rename = "vault.epoch_at")]
    EpochAt(TargetAt),
    #[serde(rename = "vault.current_epoch_start")]
    CurrentEpochStart(Target),
    #[serde(rename = "vault.next_epoch_start")]
    NextEpochStart(Target),
    #[serde(rename = "delegator.stake")]
    Stake(SubnetworkOperator),
    #[serde(rename = "delegator.stake_at")]
    StakeAt(SubnetworkOperator),
    #[serde(rename = "delegator.max_network_limit")]
    MaxNetworkLimit(SubnetworkAt),
    #[serde(rename = "delegator.network_limit")]
    NetworkLimit(SubnetworkAt),
    #[serde(rename = "delegator.operator_network_shares")]
    OperatorNetworkShares(SubnetworkOperator),
    #[serde(rename = "delegator.total_operator_network_shares")]
    TotalOperatorNetworkShares(SubnetworkAt),
    #[serde(rename = "delegator.operator_network_limit")]
    OperatorNetworkLimit(SubnetworkOperator),
    #[serde(rename = "slasher.slashable_stake")]
    SlashableStake(Capture),
    #[serde(rename = "slasher.cumulative_slash")]
    CumulativeSlash(SubnetworkOperator),
    #[serde(rename = "slasher.latest_slashed_capture_timestamp")]
    LatestSlashedCaptureTimestamp(SubnetworkOperator),
    #[serde(rename = "veto_slasher.slash_requests")]
    SlashRequests(SlashIndexArgs),
    #[serde(rename = "veto_slasher.resolver")]
    Resolver(SubnetworkAt),
    #[serde(rename = "operator_vault_opt_in_service.is_opted_in")]
    IsOptedInVault(OptInAt),
    #[serde(rename = "operator_network_opt_in_service.is_opted_in")]
    IsOptedInNetwork(OptInAt),
    #[serde(rename = "staker_rewards.claimable")]
    Claimable(ClaimableArgs),
    #[serde(rename = "operator_rewards.claimed")]
    OperatorRewardsClaimed(OperatorRewardsArgs),
    #[serde(rename = "operator_rewards.balance")]
    OperatorRewardsBalance(OperatorRewardsArgs),
    #[serde(rename = "operator_rewards.merkle_tree")]
    MerkleTree(MerkleTreeArgs),
}

/// The vault (or its delegator, slasher or rewards contract).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// The contract.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
}

/// A contract and an optional timestamp.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetAt {
    /// The contract.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// When (the latest value if omitted).
    #[serde(default, with = "opt_int")]
    pub timestamp: Option<u64>,
}

/// A contract, an account and an optional timestamp.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountAt {
    /// The contract.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// The holder.
    #[serde(with = "serde_ext::account")]
    pub account: Address,
    /// When (the latest value if omitted).
    #[serde(default, with = "opt_int")]
    pub timestamp: Option<u64>,
}

/// A vault and an epoch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EpochArgs {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// The epoch.
    #[serde(with = "serde_ext::int")]
    pub epoch: u64,
}

/// A vault, an epoch and an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EpochAccount {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// The epoch.
    #[serde(with = "serde_ext::int")]
    pub epoch: u64,
    /// The holder.
    #[serde(with = "serde_ext::account")]
    pub account: Address,
}

/// A vault, a subnetwork, an operator and an optional timestamp.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubnetworkOperator {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// `{ network, identifier }`.
    pub subnetwork: Subnetwork,
    /// The operator.
    #[serde(with = "serde_ext::account")]
    pub operator: Address,
    /// When (the latest value if omitted).
    #[serde(default, with = "opt_int")]
    pub timestamp: Option<u64>,
}

/// A vault, a subnetwork and an optional timestamp.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubnetworkAt {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// `{ network, identifier }`.
    pub subnetwork: Subnetwork,
    /// When (the latest value if omitted).
    #[serde(default, with = "opt_int")]
    pub timestamp: Option<u64>,
}

/// `slashableStake(subnetwork, operator, captureTimestamp)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Capture {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// `{ network, identifier }`.
    pub subnetwork: Subnetwork,
    /// The operator.
    #[serde(with = "serde_ext::account")]
    pub operator: Address,
    /// The capture.
    #[serde(with = "serde_ext::int")]
    pub capture_timestamp: u64,
}

/// A veto slasher's request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlashIndexArgs {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// The request.
    #[serde(with = "serde_ext::int")]
    pub slash_index: u64,
}

/// `isOptedInAt(who, where, timestamp)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptInAt {
    /// The operator.
    #[serde(with = "serde_ext::account")]
    pub who: Address,
    /// The vault or network.
    #[serde(rename = "where", with = "serde_ext::account")]
    pub place: Address,
    /// When (now if omitted).
    #[serde(default, with = "opt_int")]
    pub timestamp: Option<u64>,
}

/// What an account can claim from a staker-rewards contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimableArgs {
    /// The rewards contract.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// The staker.
    #[serde(with = "serde_ext::account")]
    pub account: Address,
    /// The token.
    #[serde(with = "serde_ext::token")]
    pub token: Address,
    /// The network.
    #[serde(with = "serde_ext::account")]
    pub network: Address,
    /// At most this many distributions.
    #[serde(default, with = "opt_int")]
    pub max_rewards: Option<u64>,
}

/// Operator rewards of a (network, token), optionally for one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorRewardsArgs {
    /// The network.
    #[serde(with = "serde_ext::account")]
    pub network: Address,
    /// The token.
    #[serde(with = "serde_ext::token")]
    pub token: Address,
    /// The operator (for `claimed`).
    #[serde(default, with = "serde_ext::account_opt")]
    pub account: Option<Address>,
}

/// Builds the merkle tree of cumulative operator claims a middleware publishes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MerkleTreeArgs {
    /// The claims, in order; `proofs` follows it.
    pub claims: Vec<OperatorClaim>,
}

/// One cumulative claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorClaim {
    /// The operator.
    #[serde(with = "serde_ext::account")]
    pub account: Address,
    /// Everything granted so far.
    #[serde(with = "serde_ext::amount")]
    pub total_claimable: U256,
}

/// An optional integer written as a number or a decimal string.
pub mod opt_int {
    use serde::{Deserialize, Deserializer, Serializer};

    /// Serializes as a number or null.
    pub fn serialize<S: Serializer>(value: &Option<u64>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => serializer.serialize_u64(*v),
            None => serializer.serialize_none(),
        }
    }

    /// Deserializes a number, a decimal string, or null.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<u64>, D::Error> {
        #[derive(Deserialize)]
        struct Wrapped(#[serde(with = "crate::serde_ext::int")] u64);
        Ok(Option::<Wrapped>::deserialize(deserializer)?.map(|w| w.0))
    }
}

fn at(timestamp: Option<u64>) -> At {
    timestamp.map_or(At::Latest, At::Time)
}

fn amount(value: U256) -> Value {
    Value::String(value.to_string())
}

impl Symbiotic {
    /// Answers a view at `now`.
    pub fn view(&self, now: u64, view: &SymbioticView) -> Result<Value> {
        use SymbioticView as V;
        Ok(match view {
            V::VaultInfo(a) => {
                let (address, vault) = self.resolve(a.target)?;
                json!({
                    "vault": address.to_checksum(None),
                    "collateral": vault.collateral.to_checksum(None),
                    "burner": vault.burner.to_checksum(None),
                    "epoch_duration": vault.epoch_duration,
                    "epoch_duration_init": vault.epoch_duration_init,
                    "delegator": vault.delegator.address.to_checksum(None),
                    "delegator_type": vault.delegator.kind.index(),
                    "slasher": vault.slasher.as_ref().map(|s| s.address.to_checksum(None)),
                    "slasher_type": vault.slasher.as_ref().map(|s| match s.kind { SlasherKind::Instant => 0, SlasherKind::Veto { .. } => 1 }),
                    "deposit_whitelist": vault.deposit_whitelist,
                    "is_deposit_limit": vault.is_deposit_limit,
                    "deposit_limit": amount(vault.deposit_limit),
                })
            }
            V::TotalStake(a) => amount(self.resolve(a.target)?.1.total_stake(now)?),
            V::ActiveStake(a) => amount(self.resolve(a.target)?.1.active_stake(at(a.timestamp))),
            V::ActiveShares(a) => amount(self.resolve(a.target)?.1.active_shares(at(a.timestamp))),
            V::ActiveSharesOf(a) => {
                amount(self.resolve(a.target)?.1.active_shares_of(a.account, at(a.timestamp)))
            }
            V::ActiveBalanceOf(a) => {
                amount(self.resolve(a.target)?.1.active_balance_of(a.account, at(a.timestamp))?)
            }
            V::SlashableBalanceOf(a) => {
                amount(self.resolve(a.target)?.1.slashable_balance_of(a.account, now)?)
            }
            V::Withdrawals(a) => amount(self.resolve(a.target)?.1.withdrawals(a.epoch)),
            V::WithdrawalShares(a) => amount(self.resolve(a.target)?.1.withdrawal_shares(a.epoch)),
            V::WithdrawalsOf(a) => {
                amount(self.resolve(a.target)?.1.withdrawals_of(a.epoch, a.account)?)
            }
            V::IsWithdrawalsClaimed(a) => Value::Bool(
                self.resolve(a.target)?.1.withdrawals_claimed.contains(&(a.epoch, a.account)),
            ),
            V::CurrentEpoch(a) => json!(self.resolve(a.target)?.1.epoch_at(now)?),
            V::EpochAt(a) => json!(self.resolve(a.target)?.1.epoch_at(a.timestamp.unwrap_or(now))?),
            V::CurrentEpochStart(a) => {
                let vault = self.resolve(a.target)?.1;
                json!(vault.epoch_start(vault.epoch_at(now)?)?)
            }
            V::NextEpochStart(a) => {
                let vault = self.resolve(a.target)?.1;
                json!(vault.epoch_start(vault.epoch_at(now)? + 1)?)
            }
            V::Stake(a) | V::StakeAt(a) => {
                let (address, vault) = self.resolve(a.target)?;
                amount(self.stake(address, vault, a.subnetwork, a.operator, at(a.timestamp))?)
            }
            V::MaxNetworkLimit(a) => {
                let vault = self.resolve(a.target)?.1;
                amount(read(&vault.delegator.max_network_limit, &a.subnetwork, at(a.timestamp)))
            }
            V::NetworkLimit(a) => {
                let vault = self.resolve(a.target)?.1;
                amount(match &vault.delegator.kind {
                    DelegatorKind::NetworkRestake { network_limit, .. }
                    | DelegatorKind::FullRestake { network_limit, .. }
                    | DelegatorKind::OperatorSpecific { network_limit, .. } => {
                        read(network_limit, &a.subnetwork, at(a.timestamp))
                    }
                    DelegatorKind::OperatorNetworkSpecific { .. } => {
                        read(&vault.delegator.max_network_limit, &a.subnetwork, at(a.timestamp))
                    }
                })
            }
            V::OperatorNetworkShares(a) => {
                let vault = self.resolve(a.target)?.1;
                match &vault.delegator.kind {
                    DelegatorKind::NetworkRestake { operator_network_shares, .. } => amount(read(
                        operator_network_shares,
                        &(a.subnetwork, a.operator),
                        at(a.timestamp),
                    )),
                    other => {
                        return Err(E::NoSuchFunction {
                            function: "operatorNetworkShares",
                            kind: other.name(),
                        });
                    }
                }
            }
            V::TotalOperatorNetworkShares(a) => {
                let vault = self.resolve(a.target)?.1;
                match &vault.delegator.kind {
                    DelegatorKind::NetworkRestake { total_operator_network_shares, .. } => {
                        amount(read(total_operator_network_shares, &a.subnetwork, at(a.timestamp)))
                    }
                    other => {
                        return Err(E::NoSuchFunction {
                            function: "totalOperatorNetworkShares",
                            kind: other.name(),
                        });
                    }
                }
            }
            V::OperatorNetworkLimit(a) => {
                let vault = self.resolve(a.target)?.1;
                match &vault.delegator.kind {
                    DelegatorKind::FullRestake { operator_network_limit, .. } => amount(read(
                        operator_network_limit,
                        &(a.subnetwork, a.operator),
                        at(a.timestamp),
                    )),
                    other => {
                        return Err(E::NoSuchFunction {
                            function: "operatorNetworkLimit",
                            kind: other.name(),
                        });
                    }
                }
            }
            V::SlashableStake(a) => {
                let (address, vault) = self.resolve(a.target)?;
                amount(self.slashable_stake(
                    address,
                    vault,
                    a.subnetwork,
                    a.operator,
                    a.capture_timestamp,
                    now,
                )?)
            }
            V::CumulativeSlash(a) => {
                let vault = self.resolve(a.target)?.1;
                amount(vault.slasher.as_ref().map_or(U256::ZERO, |s| {
                    s.cumulative_slash(a.subnetwork, a.operator, at(a.timestamp))
                }))
            }
            V::LatestSlashedCaptureTimestamp(a) => {
                let vault = self.resolve(a.target)?.1;
                json!(vault.slasher.as_ref().map_or(0, |s| {
                    s.latest_slashed_capture_timestamp
                        .get(&(a.subnetwork, a.operator))
                        .copied()
                        .unwrap_or(0)
                }))
            }
            V::SlashRequests(a) => {
                let vault = self.resolve(a.target)?.1;
                let request = Self::request_of(vault, a.slash_index, "slashRequests")?;
                serde_json::to_value(request).expect("requests serialize")
            }
            V::Resolver(a) => {
                let vault = self.resolve(a.target)?.1;
                let resolver = vault.slasher.as_ref().map_or(Address::ZERO, |s| {
                    s.resolver(a.subnetwork, at(Some(a.timestamp.unwrap_or(now))))
                });
                Value::String(resolver.to_checksum(None))
            }
            V::IsOptedInVault(a) => Value::Bool(opted(&self.vault_opt_ins, a, now)),
            V::IsOptedInNetwork(a) => Value::Bool(opted(&self.network_opt_ins, a, now)),
            V::Claimable(a) => {
                let (owed, first, end) = self.claimable_staker_rewards(
                    a.target,
                    a.account,
                    a.token,
                    a.network,
                    a.max_rewards.unwrap_or(u64::MAX),
                )?;
                json!({ "amount": owed.to_string(), "first_reward_index": first, "num_rewards": end - first })
            }
            V::OperatorRewardsClaimed(a) => {
                let account = a.account.unwrap_or_default();
                amount(
                    self.operator_rewards
                        .claimed
                        .get(&(a.network, a.token, account))
                        .map(|x| x.0)
                        .unwrap_or_default(),
                )
            }
            V::OperatorRewardsBalance(a) => amount(
                self.operator_rewards
                    .balance
                    .get(&(a.network, a.token))
                    .map(|x| x.0)
                    .unwrap_or_default(),
            ),
            V::MerkleTree(a) => {
                let leaves: Vec<_> =
                    a.claims.iter().map(|c| operator_leaf(c.account, c.total_claimable)).collect();
                let (root, proofs) = merkle_tree(&leaves);
                json!({ "root": root, "proofs": proofs })
            }
        })
    }
}

fn read<K: Ord>(
    map: &std::collections::BTreeMap<K, crate::checkpoints::Checkpoints<U256>>,
    key: &K,
    at: At,
) -> U256 {
    map.get(key).map(|trace| at.read(trace)).unwrap_or_default()
}

fn opted(
    map: &std::collections::BTreeMap<(Address, Address), crate::checkpoints::Checkpoints<bool>>,
    args: &OptInAt,
    now: u64,
) -> bool {
    map.get(&(args.who, args.place))
        .is_some_and(|trace| trace.upper_lookup(args.timestamp.unwrap_or(now)))
}
