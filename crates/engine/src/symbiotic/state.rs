//! Symbiotic's state: registries, opt-ins, and every vault with its delegator, slasher and
//! staker-rewards contract. Histories that the contracts checkpoint are [`Checkpoints`].

use std::collections::{BTreeMap, BTreeSet};

use alloy_primitives::{Address, B256, U256};
use serde::{Deserialize, Serialize};

use crate::{checkpoints::Checkpoints, serde_ext};

/// A network's subnetwork: `network << 96 | identifier` on chain. Limits, slashes, resolvers
/// and rewards are keyed by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Subnetwork {
    /// The network (its address in the NetworkRegistry).
    #[serde(with = "serde_ext::account")]
    pub network: Address,
    /// The identifier (96 bits on chain).
    #[serde(default, with = "serde_ext::int")]
    pub identifier: u128,
}

impl Subnetwork {
    /// The largest identifier a `uint96` holds.
    pub const MAX_IDENTIFIER: u128 = (1 << 96) - 1;

    /// The 32-byte id the contracts use: `network << 96 | identifier`.
    pub fn id(&self) -> B256 {
        let mut bytes = [0u8; 32];
        bytes[..20].copy_from_slice(self.network.as_slice());
        bytes[20..].copy_from_slice(&self.identifier.to_be_bytes()[4..]);
        B256::from(bytes)
    }
}

/// The roles of Symbiotic's AccessControl contracts.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, strum::IntoStaticStr,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
#[allow(missing_docs)] // named as the contracts' role constants
pub enum Role {
    DefaultAdminRole,
    DepositWhitelistSetRole,
    DepositorWhitelistRole,
    IsDepositLimitSetRole,
    DepositLimitSetRole,
    NetworkLimitSetRole,
    OperatorNetworkSharesSetRole,
    OperatorNetworkLimitSetRole,
    AdminFeeSetRole,
    AdminFeeClaimRole,
}

/// Who holds which role.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roles(#[serde(with = "serde_ext::pairs")] pub BTreeMap<Role, BTreeSet<Address>>);

impl Roles {
    /// Whether `account` holds `role`.
    pub fn has(&self, role: Role, account: Address) -> bool {
        self.0.get(&role).is_some_and(|holders| holders.contains(&account))
    }

    /// Gives `role` to `account` (the zero address is ignored, as the initializers skip it).
    pub fn grant(&mut self, role: Role, account: Address) {
        if account != Address::ZERO {
            self.0.entry(role).or_default().insert(account);
        }
    }

    /// Whether anybody can ever exercise `role`: a holder, or a default admin who can grant it.
    pub fn is_reachable(&self, role: Role) -> bool {
        [role, Role::DefaultAdminRole]
            .iter()
            .any(|r| self.0.get(r).is_some_and(|holders| !holders.is_empty()))
    }
}

/// All of Symbiotic in one world.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Symbiotic {
    /// NetworkRegistry: registered networks (the set only grows).
    pub networks: BTreeSet<Address>,
    /// OperatorRegistry: registered operators (the set only grows).
    pub operators: BTreeSet<Address>,
    /// NetworkMiddlewareService: each network's middleware.
    pub middleware: BTreeMap<Address, Address>,
    /// OperatorVaultOptInService: (operator, vault) → opted in, by timestamp.
    #[serde(with = "serde_ext::pairs")]
    pub vault_opt_ins: BTreeMap<(Address, Address), Checkpoints<bool>>,
    /// OperatorNetworkOptInService: (operator, network) → opted in, by timestamp.
    #[serde(with = "serde_ext::pairs")]
    pub network_opt_ins: BTreeMap<(Address, Address), Checkpoints<bool>>,
    /// Every vault (VaultFactory's entities), by address.
    pub vaults: BTreeMap<Address, Vault>,
    /// DefaultStakerRewards contracts, by address.
    pub staker_rewards: BTreeMap<Address, StakerRewards>,
    /// The DefaultOperatorRewards singleton.
    pub operator_rewards: OperatorRewards,
}

/// A vault: one collateral, epoch withdrawal buckets, its delegator and its slasher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vault {
    /// The collateral token.
    #[serde(with = "serde_ext::token")]
    pub collateral: Address,
    /// Where slashed collateral goes.
    #[serde(with = "serde_ext::account")]
    pub burner: Address,
    /// The timestamp the vault was initialized at: epoch 0 starts there.
    pub epoch_duration_init: u64,
    /// Seconds per epoch (immutable in v1).
    pub epoch_duration: u64,
    /// Whether only whitelisted accounts may deposit.
    pub deposit_whitelist: bool,
    /// The whitelist.
    pub whitelisted_depositors: BTreeSet<Address>,
    /// Whether deposits are capped.
    pub is_deposit_limit: bool,
    /// The cap on active stake.
    #[serde(with = "serde_ext::amount")]
    pub deposit_limit: U256,
    /// Curator roles.
    pub roles: Roles,
    /// Assets backing active shares.
    pub active_stake: Checkpoints<U256>,
    /// Active shares outstanding.
    pub active_shares: Checkpoints<U256>,
    /// Active shares per holder.
    pub active_shares_of: BTreeMap<Address, Checkpoints<U256>>,
    /// Assets withdrawn into each epoch's bucket (claimable after that epoch).
    pub withdrawals: BTreeMap<u64, Amount>,
    /// Shares of each epoch's bucket.
    pub withdrawal_shares: BTreeMap<u64, Amount>,
    /// Bucket shares per (epoch, claimer).
    #[serde(with = "serde_ext::pairs")]
    pub withdrawal_shares_of: BTreeMap<(u64, Address), Amount>,
    /// (epoch, claimer) pairs that claimed.
    pub withdrawals_claimed: BTreeSet<(u64, Address)>,
    /// The delegator module.
    pub delegator: Delegator,
    /// The slasher module, if the vault is slashable.
    pub slasher: Option<Slasher>,
    /// Bookkeeping for the conservation invariant (not contract state).
    pub totals: VaultTotals,
}

/// A `U256` that serializes as a decimal string (for map values).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Amount(#[serde(with = "serde_ext::amount")] pub U256);

/// Flows through a vault since it was created, for the conservation check
/// `balance = deposited − claimed − slashed` (donations aside).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultTotals {
    /// Collateral deposited.
    #[serde(with = "serde_ext::amount")]
    pub deposited: U256,
    /// Collateral claimed out of withdrawal buckets.
    #[serde(with = "serde_ext::amount")]
    pub claimed: U256,
    /// Collateral sent to the burner.
    #[serde(with = "serde_ext::amount")]
    pub slashed: U256,
    /// Collateral claimed out of each bucket.
    pub claimed_by_epoch: BTreeMap<u64, Amount>,
}

/// A delegator: how much of the vault's active stake each (subnetwork, operator) sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delegator {
    /// The contract's address.
    #[serde(with = "serde_ext::account")]
    pub address: Address,
    /// The type and its type-specific limits.
    pub kind: DelegatorKind,
    /// Each subnetwork's maximum, set by its network.
    #[serde(with = "serde_ext::pairs")]
    pub max_network_limit: BTreeMap<Subnetwork, Checkpoints<U256>>,
    /// Curator roles.
    pub roles: Roles,
}

/// The four delegator types and their limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DelegatorKind {
    /// Type 0: a network's limit split among operators by shares; restakes across networks.
    NetworkRestake {
        /// Each subnetwork's limit.
        #[serde(with = "serde_ext::pairs")]
        network_limit: BTreeMap<Subnetwork, Checkpoints<U256>>,
        /// Shares per (subnetwork, operator).
        #[serde(with = "serde_ext::pairs")]
        operator_network_shares: BTreeMap<(Subnetwork, Address), Checkpoints<U256>>,
        /// Their sum per subnetwork.
        #[serde(with = "serde_ext::pairs")]
        total_operator_network_shares: BTreeMap<Subnetwork, Checkpoints<U256>>,
    },
    /// Type 1: a limit per subnetwork and per (subnetwork, operator); restakes across both.
    FullRestake {
        /// Each subnetwork's limit.
        #[serde(with = "serde_ext::pairs")]
        network_limit: BTreeMap<Subnetwork, Checkpoints<U256>>,
        /// Limits per (subnetwork, operator).
        #[serde(with = "serde_ext::pairs")]
        operator_network_limit: BTreeMap<(Subnetwork, Address), Checkpoints<U256>>,
    },
    /// Type 2: one operator, a limit per subnetwork.
    OperatorSpecific {
        /// The operator.
        #[serde(with = "serde_ext::account")]
        operator: Address,
        /// Each subnetwork's limit.
        #[serde(with = "serde_ext::pairs")]
        network_limit: BTreeMap<Subnetwork, Checkpoints<U256>>,
    },
    /// Type 3: one operator for one network, capped by the network's maximum.
    OperatorNetworkSpecific {
        /// The network.
        #[serde(with = "serde_ext::account")]
        network: Address,
        /// The operator.
        #[serde(with = "serde_ext::account")]
        operator: Address,
    },
}

impl DelegatorKind {
    /// The type index in the DelegatorFactory.
    pub fn index(&self) -> u64 {
        match self {
            Self::NetworkRestake { .. } => 0,
            Self::FullRestake { .. } => 1,
            Self::OperatorSpecific { .. } => 2,
            Self::OperatorNetworkSpecific { .. } => 3,
        }
    }

    /// The contract's name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::NetworkRestake { .. } => "NetworkRestakeDelegator",
            Self::FullRestake { .. } => "FullRestakeDelegator",
            Self::OperatorSpecific { .. } => "OperatorSpecificDelegator",
            Self::OperatorNetworkSpecific { .. } => "OperatorNetworkSpecificDelegator",
        }
    }
}

/// A slasher: the instant one, or the veto one with its requests and resolvers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slasher {
    /// The contract's address.
    #[serde(with = "serde_ext::account")]
    pub address: Address,
    /// Instant or veto.
    pub kind: SlasherKind,
    /// Whether the burner is called on each slash (kept for the record; the burner is an
    /// address here, so the call has no effect beyond the transfer).
    pub is_burner_hook: bool,
    /// The latest capture timestamp slashed per (subnetwork, operator): slashes must come in
    /// non-decreasing capture order.
    #[serde(with = "serde_ext::pairs")]
    pub latest_slashed_capture_timestamp: BTreeMap<(Subnetwork, Address), u64>,
    /// Slashed so far per (subnetwork, operator), by timestamp.
    #[serde(with = "serde_ext::pairs")]
    pub cumulative_slash: BTreeMap<(Subnetwork, Address), Checkpoints<U256>>,
}

/// The two slasher types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SlasherKind {
    /// Type 0: the middleware slashes at once.
    Instant,
    /// Type 1: requests wait out a veto period in which the subnetwork's resolver may veto.
    Veto {
        /// Seconds a request can be vetoed.
        veto_duration: u64,
        /// Epochs before a resolver change takes effect (≥ 3).
        resolver_set_epochs_delay: u64,
        /// Every request, by index.
        slash_requests: Vec<SlashRequest>,
        /// Each subnetwork's resolver, by timestamp (future-dated while pending).
        #[serde(with = "serde_ext::pairs")]
        resolver: BTreeMap<Subnetwork, Checkpoints<Address>>,
    },
}

/// A veto slasher's request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlashRequest {
    /// The subnetwork slashing.
    pub subnetwork: Subnetwork,
    /// The operator slashed.
    #[serde(with = "serde_ext::account")]
    pub operator: Address,
    /// The amount asked for (capped by the slashable stake at the request).
    #[serde(with = "serde_ext::amount")]
    pub amount: U256,
    /// The stake snapshot the slash refers to.
    pub capture_timestamp: u64,
    /// Until when the resolver may veto.
    pub veto_deadline: u64,
    /// Executed or vetoed.
    pub completed: bool,
}

/// A DefaultStakerRewards contract of one vault: rewards per (token, network), paid pro rata to
/// active shares at each distribution's timestamp.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StakerRewards {
    /// The vault whose stakers earn.
    #[serde(with = "serde_ext::account")]
    pub vault: Address,
    /// The curator's fee in basis points.
    pub admin_fee: u64,
    /// Roles.
    pub roles: Roles,
    /// Distributions per (token, network): amount net of the fee, and the snapshot timestamp.
    #[serde(with = "serde_ext::pairs")]
    pub rewards: BTreeMap<(Address, Address), Vec<RewardDistribution>>,
    /// The next unclaimed distribution per (account, token, network).
    #[serde(with = "serde_ext::pairs")]
    pub last_unclaimed_reward: BTreeMap<(Address, Address, Address), u64>,
    /// The vault's active shares at each distribution timestamp, cached at first use.
    pub active_shares_cache: BTreeMap<u64, Amount>,
    /// Admin fees not yet claimed, per token.
    pub claimable_admin_fee: BTreeMap<Address, Amount>,
}

/// One staker-rewards distribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RewardDistribution {
    /// Net of the admin fee.
    #[serde(with = "serde_ext::amount")]
    pub amount: U256,
    /// The snapshot of active shares it is shared by.
    pub timestamp: u64,
}

/// DefaultOperatorRewards: cumulative claims against a merkle root per (network, token).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorRewards {
    /// The current root per (network, token).
    #[serde(with = "serde_ext::pairs")]
    pub root: BTreeMap<(Address, Address), B256>,
    /// Tokens held per (network, token).
    #[serde(with = "serde_ext::pairs")]
    pub balance: BTreeMap<(Address, Address), Amount>,
    /// Claimed so far per (network, token, account).
    #[serde(with = "serde_ext::pairs")]
    pub claimed: BTreeMap<(Address, Address, Address), Amount>,
}
