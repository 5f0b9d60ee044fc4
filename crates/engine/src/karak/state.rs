//! Karak v2's state: the Core's registry of DSSs, operators and their vaults, the stake updates
//! and slash requests in flight, and every vault's shares and queued withdrawals.

use std::collections::{BTreeMap, BTreeSet};

use alloy_primitives::{Address, B256, U256};
use serde::{Deserialize, Serialize};

use crate::{enumerable::EnumerableSet, serde_ext};

/// Slashing can be requested up to 7 days after an unstake request (`SLASHING_WINDOW`).
pub const SLASHING_WINDOW: u64 = 7 * 86_400;
/// The veto committee's window before a slash can be finalized (`SLASHING_VETO_WINDOW`).
pub const SLASHING_VETO_WINDOW: u64 = 2 * 86_400;
/// Stake updates and withdrawals wait window + veto: 9 days.
pub const MIN_STAKE_UPDATE_DELAY: u64 = SLASHING_WINDOW + SLASHING_VETO_WINDOW;
/// Withdrawals from a vault wait 9 days.
pub const MIN_WITHDRAWAL_DELAY: u64 = MIN_STAKE_UPDATE_DELAY;
/// A DSS may request a slash of an operator once per 2 days.
pub const SLASHING_COOLDOWN: u64 = 2 * 86_400;
/// 100% in WAD (slashing percentages are WAD-scaled: 30% = 30e18).
pub const HUNDRED_PERCENT_WAD: U256 = U256::from_limbs([0x6BC7_5E2D_6310_0000, 0x5, 0, 0]);
/// An operator's vault limit, a request's vault limit, an operator's DSS limit.
pub const MAX_VAULTS_PER_OPERATOR: usize = 32;
/// The most vaults one slash request may name.
pub const MAX_SLASHABLE_VAULTS_PER_REQUEST: usize = 32;
/// The most DSSs an operator may register with.
pub const MAX_DSS_PER_OPERATOR: usize = 32;
/// A native vault's snapshots expire after 7 days.
pub const SNAPSHOT_EXPIRY: u64 = 7 * 86_400;

/// Karak's Core and vaults in one world.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Karak {
    /// Each registered DSS's maximum slashable percentage (WAD; non-zero ⇔ registered).
    pub dss_max_slashable_percentage_wad: BTreeMap<Address, Amount>,
    /// Allowlisted assets and their slashing handlers.
    pub asset_slashing_handlers: BTreeMap<Address, Address>,
    /// Holders of `MANAGER_ROLE`.
    pub managers: BTreeSet<Address>,
    /// Holders of `VETO_COMMITTEE_ROLE`.
    pub veto_committee: BTreeSet<Address>,
    /// Operators that deployed vaults or registered to a DSS.
    pub operators: BTreeMap<Address, OperatorState>,
    /// Every vault.
    pub vaults: BTreeMap<Address, KarakVault>,
    /// Slash requests awaiting finalization or veto, by root.
    pub slashing_requests: BTreeMap<B256, QueuedSlashing>,
    /// Vaults deployed so far (salts the addresses).
    pub vault_nonce: u64,
    /// Stake updates and slash requests so far.
    pub nonce: u64,
}

/// A `U256` that serializes as a decimal string (for map values).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Amount(#[serde(with = "serde_ext::amount")] pub U256);

/// What Core records of an operator.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorState {
    /// Its vaults (at most 32), in storage order (`vaults`, an `EnumerableSet`).
    pub vaults: EnumerableSet<Address>,
    /// The DSSs it is registered to (at most 32), in storage order (`dssMap`).
    pub dss: EnumerableSet<Address>,
    /// Per DSS, the vaults staked to it, in storage order (`vaultStakedInDssMap`).
    pub vaults_staked_in_dss: BTreeMap<Address, EnumerableSet<Address>>,
    /// Per DSS, when it may next request a slash.
    pub next_slashable_timestamp: BTreeMap<Address, u64>,
    /// Per vault, the pending stake update (at most one).
    pub pending_stake_updates: BTreeMap<Address, QueuedStakeUpdate>,
    /// Per vault, how many pending slash requests name it.
    pub pending_slashings_in_vault: BTreeMap<Address, u64>,
}

/// A queued stake update: stake or unstake a whole vault to a DSS after 9 days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedStakeUpdate {
    /// Core's nonce at the request.
    pub nonce: u64,
    /// When it was requested.
    pub start_timestamp: u64,
    /// The operator.
    #[serde(with = "serde_ext::account")]
    pub operator: Address,
    /// The vault.
    #[serde(with = "serde_ext::account")]
    pub vault: Address,
    /// The DSS.
    #[serde(with = "serde_ext::account")]
    pub dss: Address,
    /// Stake (true) or unstake.
    pub to_stake: bool,
}

/// A queued slash: percentages of named vaults, applied to their assets at finalization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedSlashing {
    /// The DSS slashing.
    #[serde(with = "serde_ext::account")]
    pub dss: Address,
    /// When it was requested.
    pub timestamp: u64,
    /// The operator slashed.
    #[serde(with = "serde_ext::account")]
    pub operator: Address,
    /// The vaults.
    #[serde(with = "serde_ext::accounts")]
    pub vaults: Vec<Address>,
    /// Each vault's percentage (WAD).
    #[serde(with = "serde_ext::amounts")]
    pub slash_percentages_wad: Vec<U256>,
    /// Core's nonce at the request.
    pub nonce: u64,
}

/// An operator's vault for one asset: ERC4626 shares over the vault's balance, or for native
/// ETH, over the restaked ETH its nodes have proven.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KarakVault {
    /// The operator.
    #[serde(with = "serde_ext::account")]
    pub operator: Address,
    /// The asset (`ETH` for a native vault).
    #[serde(with = "serde_ext::token")]
    pub asset: Address,
    /// Shares outstanding, escrowed ones included.
    #[serde(with = "serde_ext::amount")]
    pub total_supply: U256,
    /// Shares per holder (the vault's own address holds the escrow).
    pub balances: BTreeMap<Address, Amount>,
    /// Queued redemptions by key.
    pub withdrawals: BTreeMap<B256, QueuedWithdrawal>,
    /// Per staker, the next withdrawal nonce.
    pub staker_nonce: BTreeMap<Address, u64>,
    /// The native-ETH accounting, for a native vault.
    pub native: Option<NativeVault>,
}

/// A queued redemption (`startRedeem`) or native withdrawal (`startWithdrawal`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedWithdrawal {
    /// Who queued it.
    #[serde(with = "serde_ext::account")]
    pub staker: Address,
    /// When.
    pub start: u64,
    /// Escrowed shares (ERC20 vault) or wei asked for (native vault).
    #[serde(with = "serde_ext::amount")]
    pub amount: U256,
    /// Who receives the assets.
    #[serde(with = "serde_ext::account")]
    pub beneficiary: Address,
}

/// A native vault's accounting: a virtual total of assets and one node per owner.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NativeVault {
    /// Assets the shares are worth (lowered by slashes before any ETH moves).
    #[serde(with = "serde_ext::amount")]
    pub total_assets: U256,
    /// Each owner's node.
    pub nodes: BTreeMap<Address, NativeNode>,
}

/// A node: the withdrawal-credential address of an owner's validators.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NativeNode {
    /// The node's address (`0x01 ‖ 0…0 ‖ node` credentials).
    #[serde(with = "serde_ext::account")]
    pub node_address: Address,
    /// ETH credited to the owner and not yet withdrawn or swept.
    #[serde(with = "serde_ext::amount")]
    pub total_restaked_eth: U256,
    /// ETH on the node (execution layer) that snapshots have credited.
    #[serde(with = "serde_ext::amount")]
    pub withdrawable_credited_node_eth: U256,
    /// Wei in queued withdrawals.
    #[serde(with = "serde_ext::amount")]
    pub pending_withdraw_amount: U256,
    /// When the last snapshot finished (0: never).
    pub last_snapshot_timestamp: u64,
    /// Credited validators by index, with the balance last credited (wei).
    pub validators: BTreeMap<u64, Amount>,
    /// Validators that were credited and have since left (status WITHDRAWN).
    pub withdrawn_validators: BTreeSet<u64>,
}
