//! Symbiotic's calls, named `contract.function` in snake_case (`vault.deposit`,
//! `delegator.set_network_limit`, `veto_slasher.request_slash`). Calls to a contract with many
//! instances carry `target`: the vault (its delegator's, slasher's or rewards contract's
//! address works too).

use alloy_primitives::{Address, B256, U256};
use serde::{Deserialize, Serialize};

use super::state::Subnetwork;
use crate::serde_ext;

/// A Symbiotic call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "function", content = "args", deny_unknown_fields)]
#[allow(missing_docs)] // each variant is documented by its argument struct
pub enum SymbioticCall {
    #[serde(rename = "network_registry.register_network")]
    RegisterNetwork(NoArgs),
    #[serde(rename = "operator_registry.register_operator")]
    RegisterOperator(NoArgs),
    #[serde(rename = "network_middleware_service.set_middleware")]
    SetMiddleware(SetMiddleware),
    #[serde(rename = "operator_vault_opt_in_service.opt_in")]
    OptInVault(OptIn),
    #[serde(rename = "operator_vault_opt_in_service.opt_out")]
    OptOutVault(OptIn),
    #[serde(rename = "operator_network_opt_in_service.opt_in")]
    OptInNetwork(OptIn),
    #[serde(rename = "operator_network_opt_in_service.opt_out")]
    OptOutNetwork(OptIn),
    #[serde(rename = "vault_configurator.create")]
    CreateVault(Box<CreateVault>),
    #[serde(rename = "vault.deposit")]
    Deposit(Deposit),
    #[serde(rename = "vault.withdraw")]
    Withdraw(Withdraw),
    #[serde(rename = "vault.redeem")]
    Redeem(Redeem),
    #[serde(rename = "vault.claim")]
    Claim(Claim),
    #[serde(rename = "vault.claim_batch")]
    ClaimBatch(ClaimBatch),
    #[serde(rename = "vault.set_deposit_whitelist")]
    SetDepositWhitelist(SetFlag),
    #[serde(rename = "vault.set_depositor_whitelist_status")]
    SetDepositorWhitelistStatus(SetDepositorWhitelistStatus),
    #[serde(rename = "vault.set_is_deposit_limit")]
    SetIsDepositLimit(SetFlag),
    #[serde(rename = "vault.set_deposit_limit")]
    SetDepositLimit(SetDepositLimit),
    #[serde(rename = "vault.grant_role")]
    GrantVaultRole(GrantRole),
    #[serde(rename = "delegator.grant_role")]
    GrantDelegatorRole(GrantRole),
    #[serde(rename = "delegator.set_max_network_limit")]
    SetMaxNetworkLimit(SetMaxNetworkLimit),
    #[serde(rename = "delegator.set_network_limit")]
    SetNetworkLimit(SetNetworkLimit),
    #[serde(rename = "delegator.set_operator_network_shares")]
    SetOperatorNetworkShares(SetOperatorNetworkShares),
    #[serde(rename = "delegator.set_operator_network_limit")]
    SetOperatorNetworkLimit(SetOperatorNetworkLimit),
    #[serde(rename = "slasher.slash")]
    Slash(Slash),
    #[serde(rename = "veto_slasher.request_slash")]
    RequestSlash(Slash),
    #[serde(rename = "veto_slasher.execute_slash")]
    ExecuteSlash(SlashIndex),
    #[serde(rename = "veto_slasher.veto_slash")]
    VetoSlash(SlashIndex),
    #[serde(rename = "veto_slasher.set_resolver")]
    SetResolver(SetResolver),
    #[serde(rename = "staker_rewards.create")]
    CreateStakerRewards(CreateStakerRewards),
    #[serde(rename = "staker_rewards.distribute_rewards")]
    DistributeStakerRewards(DistributeStakerRewards),
    #[serde(rename = "staker_rewards.claim_rewards")]
    ClaimStakerRewards(ClaimStakerRewards),
    #[serde(rename = "staker_rewards.claim_admin_fee")]
    ClaimAdminFee(ClaimAdminFee),
    #[serde(rename = "staker_rewards.set_admin_fee")]
    SetAdminFee(SetAdminFee),
    #[serde(rename = "staker_rewards.grant_role")]
    GrantStakerRewardsRole(GrantRole),
    #[serde(rename = "operator_rewards.distribute_rewards")]
    DistributeOperatorRewards(DistributeOperatorRewards),
    #[serde(rename = "operator_rewards.claim_rewards")]
    ClaimOperatorRewards(ClaimOperatorRewards),
}

impl SymbioticCall {
    /// `contract.function`.
    pub fn name(&self) -> String {
        let value = serde_json::to_value(self).expect("calls serialize");
        value["function"].as_str().expect("tagged").to_owned()
    }
}

/// No arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoArgs {}

/// `setMiddleware(middleware)`, by a network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetMiddleware {
    /// The middleware.
    #[serde(with = "serde_ext::account")]
    pub middleware: Address,
}

/// `optIn(where)` / `optOut(where)`, by an operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptIn {
    /// The vault or network.
    #[serde(rename = "where", with = "serde_ext::account")]
    pub place: Address,
}

/// `VaultConfigurator.create`: a vault, its delegator and (optionally) its slasher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateVault {
    /// The VaultFactory version (1 = `Vault`, 2 = `VaultTokenized`; both behave alike here).
    #[serde(default = "one")]
    pub version: u64,
    /// The vault's parameters.
    pub vault_params: VaultParams,
    /// 0 network-restake, 1 full-restake, 2 operator-specific, 3 operator-network-specific.
    pub delegator_index: u64,
    /// The delegator's parameters.
    #[serde(default)]
    pub delegator_params: DelegatorParams,
    /// Whether the vault is slashable.
    #[serde(default)]
    pub with_slasher: bool,
    /// 0 instant, 1 veto.
    #[serde(default)]
    pub slasher_index: u64,
    /// The slasher's parameters.
    #[serde(default)]
    pub slasher_params: SlasherParams,
}

fn one() -> u64 {
    1
}

/// `Vault.InitParams`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VaultParams {
    /// The collateral token.
    #[serde(with = "serde_ext::token")]
    pub collateral: Address,
    /// Where slashed collateral goes.
    #[serde(default = "dead", with = "serde_ext::account")]
    pub burner: Address,
    /// Seconds per epoch.
    #[serde(with = "serde_ext::int")]
    pub epoch_duration: u64,
    /// Whether deposits are whitelisted.
    #[serde(default)]
    pub deposit_whitelist: bool,
    /// Whether deposits are capped.
    #[serde(default)]
    pub is_deposit_limit: bool,
    /// The cap.
    #[serde(default, with = "serde_ext::amount")]
    pub deposit_limit: U256,
    /// Holds every role's admin.
    #[serde(default, with = "serde_ext::account_opt")]
    pub default_admin_role_holder: Option<Address>,
    /// May switch the whitelist.
    #[serde(default, with = "serde_ext::account_opt")]
    pub deposit_whitelist_set_role_holder: Option<Address>,
    /// May whitelist depositors.
    #[serde(default, with = "serde_ext::account_opt")]
    pub depositor_whitelist_role_holder: Option<Address>,
    /// May switch the limit.
    #[serde(default, with = "serde_ext::account_opt")]
    pub is_deposit_limit_set_role_holder: Option<Address>,
    /// May set the limit.
    #[serde(default, with = "serde_ext::account_opt")]
    pub deposit_limit_set_role_holder: Option<Address>,
}

fn dead() -> Address {
    crate::accounts::DEFAULT_BURN_ADDRESS
}

/// The delegator's init parameters (the fields its type uses).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DelegatorParams {
    /// Holds every role's admin.
    #[serde(default, with = "serde_ext::account_opt")]
    pub default_admin_role_holder: Option<Address>,
    /// May set network limits (types 0–2).
    #[serde(default, with = "serde_ext::accounts")]
    pub network_limit_set_role_holders: Vec<Address>,
    /// May set operator-network shares (type 0).
    #[serde(default, with = "serde_ext::accounts")]
    pub operator_network_shares_set_role_holders: Vec<Address>,
    /// May set operator-network limits (type 1).
    #[serde(default, with = "serde_ext::accounts")]
    pub operator_network_limit_set_role_holders: Vec<Address>,
    /// The operator (types 2 and 3).
    #[serde(default, with = "serde_ext::account_opt")]
    pub operator: Option<Address>,
    /// The network (type 3).
    #[serde(default, with = "serde_ext::account_opt")]
    pub network: Option<Address>,
}

/// The slasher's init parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlasherParams {
    /// Whether the burner is notified of slashes.
    #[serde(default)]
    pub is_burner_hook: bool,
    /// Seconds a request can be vetoed (veto slasher).
    #[serde(default, with = "serde_ext::int")]
    pub veto_duration: u64,
    /// Epochs before a resolver change applies (veto slasher, ≥ 3).
    #[serde(default = "three", with = "serde_ext::int")]
    pub resolver_set_epochs_delay: u64,
}

fn three() -> u64 {
    3
}

/// `deposit(onBehalfOf, amount)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deposit {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// Who receives the shares.
    #[serde(with = "serde_ext::account")]
    pub on_behalf_of: Address,
    /// Collateral.
    #[serde(with = "serde_ext::amount")]
    pub amount: U256,
}

/// `withdraw(claimer, amount)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Withdraw {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// Who may claim.
    #[serde(with = "serde_ext::account")]
    pub claimer: Address,
    /// Collateral.
    #[serde(with = "serde_ext::amount")]
    pub amount: U256,
}

/// `redeem(claimer, shares)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Redeem {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// Who may claim.
    #[serde(with = "serde_ext::account")]
    pub claimer: Address,
    /// Active shares.
    #[serde(with = "serde_ext::amount")]
    pub shares: U256,
}

/// `claim(recipient, epoch)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// Who receives.
    #[serde(with = "serde_ext::account")]
    pub recipient: Address,
    /// The bucket's epoch.
    #[serde(with = "serde_ext::int")]
    pub epoch: u64,
}

/// `claimBatch(recipient, epochs)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimBatch {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// Who receives.
    #[serde(with = "serde_ext::account")]
    pub recipient: Address,
    /// The buckets' epochs.
    #[serde(with = "serde_ext::ints")]
    pub epochs: Vec<u64>,
}

/// `setDepositWhitelist(status)` / `setIsDepositLimit(status)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetFlag {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// On or off.
    pub status: bool,
}

/// `setDepositorWhitelistStatus(account, status)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetDepositorWhitelistStatus {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// The depositor.
    #[serde(with = "serde_ext::account")]
    pub account: Address,
    /// Whitelisted or not.
    pub status: bool,
}

/// `setDepositLimit(limit)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetDepositLimit {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// The cap.
    #[serde(with = "serde_ext::amount")]
    pub limit: U256,
}

/// `grantRole(role, account)`, by the contract's default admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantRole {
    /// The vault (or the rewards contract).
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// The role, e.g. `NETWORK_LIMIT_SET_ROLE`.
    pub role: super::state::Role,
    /// Who receives it.
    #[serde(with = "serde_ext::account")]
    pub account: Address,
}

/// `setMaxNetworkLimit(identifier, amount)`, by the network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetMaxNetworkLimit {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// The subnetwork's identifier.
    #[serde(default, with = "serde_ext::int")]
    pub identifier: u128,
    /// The maximum.
    #[serde(with = "serde_ext::amount")]
    pub amount: U256,
}

/// `setNetworkLimit(subnetwork, amount)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetNetworkLimit {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// `{ network, identifier }`.
    pub subnetwork: Subnetwork,
    /// The limit.
    #[serde(with = "serde_ext::amount")]
    pub amount: U256,
}

/// `setOperatorNetworkShares(subnetwork, operator, shares)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetOperatorNetworkShares {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// `{ network, identifier }`.
    pub subnetwork: Subnetwork,
    /// The operator.
    #[serde(with = "serde_ext::account")]
    pub operator: Address,
    /// Its shares of the network's limit.
    #[serde(with = "serde_ext::amount")]
    pub shares: U256,
}

/// `setOperatorNetworkLimit(subnetwork, operator, amount)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetOperatorNetworkLimit {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// `{ network, identifier }`.
    pub subnetwork: Subnetwork,
    /// The operator.
    #[serde(with = "serde_ext::account")]
    pub operator: Address,
    /// The limit.
    #[serde(with = "serde_ext::amount")]
    pub amount: U256,
}

/// `slash(…)` / `requestSlash(subnetwork, operator, amount, captureTimestamp, hints)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Slash {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// `{ network, identifier }`.
    pub subnetwork: Subnetwork,
    /// The operator.
    #[serde(with = "serde_ext::account")]
    pub operator: Address,
    /// The amount asked for.
    #[serde(with = "serde_ext::amount")]
    pub amount: U256,
    /// The stake snapshot the slash refers to.
    #[serde(with = "serde_ext::int")]
    pub capture_timestamp: u64,
}

/// `executeSlash(slashIndex)` / `vetoSlash(slashIndex)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlashIndex {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// The request.
    #[serde(with = "serde_ext::int")]
    pub slash_index: u64,
}

/// `setResolver(identifier, resolver)`, by the network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetResolver {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// The subnetwork's identifier.
    #[serde(default, with = "serde_ext::int")]
    pub identifier: u128,
    /// The resolver (zero removes it).
    #[serde(with = "serde_ext::account")]
    pub resolver: Address,
}

/// `DefaultStakerRewardsFactory.create(InitParams)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateStakerRewards {
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub vault: Address,
    /// The curator's fee in basis points.
    #[serde(default, with = "serde_ext::int")]
    pub admin_fee: u64,
    /// Holds every role's admin.
    #[serde(default, with = "serde_ext::account_opt")]
    pub default_admin_role_holder: Option<Address>,
    /// May claim the fee.
    #[serde(default, with = "serde_ext::account_opt")]
    pub admin_fee_claim_role_holder: Option<Address>,
    /// May change the fee.
    #[serde(default, with = "serde_ext::account_opt")]
    pub admin_fee_set_role_holder: Option<Address>,
}

/// `distributeRewards(network, token, amount, data = (timestamp, maxAdminFee))`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DistributeStakerRewards {
    /// The rewards contract.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// The network paying.
    #[serde(with = "serde_ext::account")]
    pub network: Address,
    /// The reward token.
    #[serde(with = "serde_ext::token")]
    pub token: Address,
    /// The amount.
    #[serde(with = "serde_ext::amount")]
    pub amount: U256,
    /// The snapshot of active shares it is shared by (in the past).
    #[serde(with = "serde_ext::int")]
    pub timestamp: u64,
    /// The highest admin fee the network accepts.
    #[serde(default = "all_bps", with = "serde_ext::int")]
    pub max_admin_fee: u64,
}

fn all_bps() -> u64 {
    super::rewards::ADMIN_FEE_BASE
}

/// `claimRewards(recipient, token, data = (network, maxRewards))`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimStakerRewards {
    /// The rewards contract.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// Who receives.
    #[serde(with = "serde_ext::account")]
    pub recipient: Address,
    /// The reward token.
    #[serde(with = "serde_ext::token")]
    pub token: Address,
    /// The network whose distributions to claim.
    #[serde(with = "serde_ext::account")]
    pub network: Address,
    /// At most this many distributions.
    #[serde(default = "many", with = "serde_ext::int")]
    pub max_rewards: u64,
}

fn many() -> u64 {
    u64::from(u32::MAX)
}

/// `claimAdminFee(recipient, token)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimAdminFee {
    /// The rewards contract.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// Who receives.
    #[serde(with = "serde_ext::account")]
    pub recipient: Address,
    /// The token.
    #[serde(with = "serde_ext::token")]
    pub token: Address,
}

/// `setAdminFee(adminFee)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetAdminFee {
    /// The rewards contract.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// Basis points.
    #[serde(with = "serde_ext::int")]
    pub admin_fee: u64,
}

/// `DefaultOperatorRewards.distributeRewards(network, token, amount, root)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DistributeOperatorRewards {
    /// The network paying.
    #[serde(with = "serde_ext::account")]
    pub network: Address,
    /// The token.
    #[serde(with = "serde_ext::token")]
    pub token: Address,
    /// Added to the pool.
    #[serde(with = "serde_ext::amount")]
    pub amount: U256,
    /// The new root of cumulative claims.
    pub root: B256,
}

/// `DefaultOperatorRewards.claimRewards(recipient, network, token, totalClaimable, proof)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimOperatorRewards {
    /// Who receives.
    #[serde(with = "serde_ext::account")]
    pub recipient: Address,
    /// The network.
    #[serde(with = "serde_ext::account")]
    pub network: Address,
    /// The token.
    #[serde(with = "serde_ext::token")]
    pub token: Address,
    /// The cumulative amount the root grants the sender.
    #[serde(with = "serde_ext::amount")]
    pub total_claimable: U256,
    /// Sibling hashes up to the root.
    #[serde(default)]
    pub proof: Vec<B256>,
}
