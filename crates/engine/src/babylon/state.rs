//! Babylon's state: parameter versions, finality providers, BTC delegations, committed
//! randomness, finality votes and their power tables, rewards.

use std::collections::{BTreeMap, BTreeSet};

use alloy_primitives::{Address, B256, U256};
use serde::{Deserialize, Serialize};

use crate::serde_ext;

/// The network id of Babylon Genesis itself.
pub const BABYLON_GENESIS: &str = "bbn-1";

/// Parts per million: commissions and the slashing rate.
pub const PPM: u64 = 1_000_000;

/// One version of the BTC staking parameters, in force from a BTC height on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BabylonParams {
    /// The BTC height from which this version applies (to stakes included from then on).
    #[serde(with = "serde_ext::int")]
    pub btc_activation_height: u64,
    /// The covenant committee's members.
    #[serde(with = "serde_ext::accounts")]
    pub covenant_members: Vec<Address>,
    /// Covenant signatures a delegation needs.
    pub covenant_quorum: u32,
    /// Smallest stake, in satoshi.
    #[serde(with = "serde_ext::int")]
    pub min_staking_value_sat: u64,
    /// Largest stake, in satoshi.
    #[serde(with = "serde_ext::int")]
    pub max_staking_value_sat: u64,
    /// Shortest timelock, in BTC blocks.
    #[serde(with = "serde_ext::int")]
    pub min_staking_time_blocks: u64,
    /// Longest timelock, in BTC blocks (below 65,535).
    #[serde(with = "serde_ext::int")]
    pub max_staking_time_blocks: u64,
    /// Blocks between an unbonding (or slashing) transaction and the funds' release.
    #[serde(with = "serde_ext::int")]
    pub unbonding_time_blocks: u64,
    /// The exact fee of an unbonding transaction, in satoshi.
    #[serde(with = "serde_ext::int")]
    pub unbonding_fee_sat: u64,
    /// Fraction of a stake burned by a slash, in parts per million (1,000 = 0.1%).
    #[serde(with = "serde_ext::int")]
    pub slashing_rate_ppm: u64,
    /// The slashing transaction's fee, in satoshi.
    #[serde(with = "serde_ext::int")]
    pub min_slashing_tx_fee_sat: u64,
    /// The lowest commission a finality provider may charge, in parts per million.
    #[serde(with = "serde_ext::int")]
    pub min_commission_rate_ppm: u64,
    /// How deep a staking transaction must be before its inclusion is accepted (k).
    #[serde(with = "serde_ext::int")]
    pub btc_confirmation_depth: u64,
    /// Finality providers with power per network and height (the top N by power).
    pub max_active_finality_providers: u32,
    /// Heights over which liveness is judged (`signed_blocks_window`).
    #[serde(with = "serde_ext::int")]
    pub signed_blocks_window: u64,
    /// The share of the window a provider must vote in, in parts per million (0.2 on mainnet).
    #[serde(with = "serde_ext::int")]
    pub min_signed_per_window_ppm: u64,
    /// Babylon blocks a sluggish provider stays jailed (`jail_duration`: 600 s of 10 s blocks).
    #[serde(with = "serde_ext::int")]
    pub jail_duration_blocks: u64,
    /// Heights a vote may still arrive after its block before liveness judges it
    /// (`finality_sig_timeout`).
    #[serde(with = "serde_ext::int")]
    pub finality_sig_timeout: u64,
}

/// A finality provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinalityProvider {
    /// The Babylon account that registered it and receives its commission.
    #[serde(with = "serde_ext::account")]
    pub owner: Address,
    /// The network it finalizes (`bbn-1` or a consumer network).
    pub consumer_id: String,
    /// Its commission, in parts per million.
    pub commission_ppm: u64,
    /// A label.
    pub moniker: String,
    /// The BTC height at which it was slashed, with the key its double vote revealed.
    pub slashed: Option<Slashing>,
    /// Jailed for missing votes until this Babylon height: no power, no votes, no rewards.
    pub jailed_until: Option<u64>,
    /// Heights (of its network) whose votes it missed, within the current window.
    pub missed_heights: BTreeSet<u64>,
}

/// Evidence of a double vote and when it was acted on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slashing {
    /// BTC height of the slash.
    pub btc_height: u64,
    /// The Babylon (or consumer) height of the two votes.
    pub block_height: u64,
    /// The secret key extracted from the two votes.
    pub extracted_secret: B256,
}

/// Where a delegation's satoshis went once it left the active stake.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outflows {
    /// Burned by a slash (to the OP_RETURN output).
    pub burned_sat: u64,
    /// Paid to Bitcoin miners as unbonding or slashing fees.
    pub fees_sat: u64,
    /// Returned to the staker.
    pub returned_sat: u64,
}

/// A BTC delegation (a staking transaction and what Babylon knows of it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BtcDelegation {
    /// The staker's Babylon account, which holds the BTC on our ledger.
    #[serde(with = "serde_ext::account")]
    pub staker: Address,
    /// Finality providers, at most one per network, exactly one on Babylon Genesis.
    pub fp_btc_pks: Vec<B256>,
    /// Satoshi staked.
    pub value_sat: u64,
    /// The timelock in BTC blocks.
    pub staking_time_blocks: u64,
    /// BTC height at registration.
    pub created_btc_height: u64,
    /// Covenant members that signed.
    pub covenant_signers: BTreeSet<Address>,
    /// BTC height of the block that includes the staking transaction, once proven.
    pub start_height: Option<u64>,
    /// The parameter version in force (at inclusion once included; at registration before).
    pub params_version: u32,
    /// BTC height of the block that includes the early-unbonding transaction.
    pub unbonded_at: Option<u64>,
    /// BTC height of the slash that reached it.
    pub slashed_at: Option<u64>,
    /// Whether the staker took its funds back.
    pub withdrawn: bool,
    /// Where its satoshis went.
    pub outflows: Outflows,
}

/// A delegation's status at a BTC height (`GetStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum DelegationStatus {
    /// Waiting for the covenant quorum.
    Pending,
    /// Quorum met, inclusion not yet proven.
    Verified,
    /// Has voting power.
    Active,
    /// Unbonded early, or before its start.
    Unbonded,
    /// Its power ended `unbonding_time` before the timelock.
    Expired,
    /// Slashed with its finality provider.
    Slashed,
    /// Funds taken back.
    Withdrawn,
}

/// One finality vote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vote {
    /// The block voted for.
    pub block_hash: B256,
    /// The EOTS signature `s`.
    pub signature: B256,
}

/// The whole Babylon state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Babylon {
    /// Parameter versions, by activation height.
    pub params: Vec<BabylonParams>,
    /// The BTC height at the world's block 0.
    pub btc_genesis_height: u64,
    /// Networks finality providers may secure (Babylon Genesis and registered consumers).
    pub consumers: BTreeMap<String, String>,
    /// Finality providers by BTC public key (x-only).
    #[serde(with = "serde_ext::pairs")]
    pub finality_providers: BTreeMap<B256, FinalityProvider>,
    /// Delegations by staking transaction hash.
    #[serde(with = "serde_ext::pairs")]
    pub delegations: BTreeMap<B256, BtcDelegation>,
    /// Registrations so far (makes staking transaction hashes unique).
    pub delegation_count: u64,
    /// Committed public randomness by (provider, height).
    #[serde(with = "serde_ext::pairs")]
    pub public_randomness: BTreeMap<(B256, u64), B256>,
    /// Votes by (network, height, provider).
    #[serde(with = "serde_ext::pairs")]
    pub votes: BTreeMap<(String, u64, B256), Vote>,
    /// The voting power table of each (network, height) that has votes, fixed at its first vote.
    #[serde(with = "serde_ext::pairs")]
    pub power_tables: BTreeMap<(String, u64), BTreeMap<B256, u64>>,
    /// Per network, the next height whose liveness is to be judged (heights are judged in order).
    pub liveness_next: BTreeMap<String, u64>,
    /// Rewards each (account, token) can claim.
    #[serde(with = "serde_ext::pairs")]
    pub rewards: BTreeMap<(Address, Address), U256>,
}
