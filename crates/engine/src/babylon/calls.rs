//! Babylon's messages (`MsgCreateFinalityProvider`, `MsgCreateBTCDelegation`, ...), in snake_case.

use alloy_primitives::{Address, B256, U256};
use serde::{Deserialize, Serialize};

use super::state::BabylonParams;
use crate::serde_ext;

/// A Babylon message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr)]
#[serde(tag = "function", content = "args", rename_all = "snake_case", deny_unknown_fields)]
#[strum(serialize_all = "snake_case")]
#[allow(missing_docs)] // each variant is documented by its argument struct
pub enum BabylonCall {
    RegisterConsumer(RegisterConsumer),
    UpdateParams(BabylonParams),
    CreateFinalityProvider(CreateFinalityProvider),
    CommitPubRandList(CommitPubRandList),
    AddFinalitySig(AddFinalitySig),
    HandleLiveness(HandleLiveness),
    UnjailFinalityProvider(FinalityProviderKey),
    CreateBtcDelegation(CreateBtcDelegation),
    AddCovenantSigs(StakingTx),
    AddBtcDelegationInclusionProof(InclusionProof),
    BtcUndelegate(Undelegate),
    WithdrawStake(StakingTx),
    DistributeRewards(DistributeRewards),
    WithdrawReward(WithdrawReward),
}

/// A BTC public key: 32-byte x-only hex, or a name whose key is `keccak256("btc:" ‖ name)`.
pub mod btc_key {
    use alloy_primitives::B256;
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    use crate::babylon::eots;

    /// Resolves hex or a name.
    pub fn resolve(text: &str) -> Result<B256, String> {
        if let Some(hex) = text.strip_prefix("0x") {
            return hex
                .parse::<B256>()
                .map_err(|e| format!("{text:?} is not a 32-byte x-only key: {e}"));
        }
        if text.is_empty() || text.chars().any(char::is_whitespace) {
            return Err(format!("{text:?} is neither a 0x x-only key nor a name"));
        }
        eots::public_key(&eots::named_secret(text)).map_err(|e| e.to_string())
    }

    /// Serializes as 0x hex.
    pub fn serialize<S: Serializer>(value: &B256, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(value)
    }

    /// Deserializes hex or a name.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<B256, D::Error> {
        resolve(&String::deserialize(deserializer)?).map_err(D::Error::custom)
    }

    /// A list of keys.
    pub mod list {
        use super::*;

        /// Serializes as 0x hex strings.
        pub fn serialize<S: Serializer>(values: &[B256], serializer: S) -> Result<S::Ok, S::Error> {
            serializer.collect_seq(values.iter().map(ToString::to_string))
        }

        /// Deserializes hex strings or names.
        pub fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Vec<B256>, D::Error> {
            Vec::<String>::deserialize(deserializer)?
                .iter()
                .map(|t| resolve(t).map_err(D::Error::custom))
                .collect()
        }
    }
}

/// Registers a consumer network (BSN) that finality providers may secure (admin only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterConsumer {
    /// Its id.
    pub consumer_id: String,
    /// Its name.
    #[serde(default)]
    pub name: String,
}

/// `MsgCreateFinalityProvider`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateFinalityProvider {
    /// Its BTC (EOTS) public key.
    #[serde(with = "btc_key")]
    pub btc_pk: B256,
    /// Its commission: a fraction with up to six decimals (`"0.05"`).
    pub commission: String,
    /// The network it finalizes (default `bbn-1`).
    #[serde(default = "genesis")]
    pub consumer_id: String,
    /// A label.
    #[serde(default)]
    pub moniker: String,
}

fn genesis() -> String {
    super::state::BABYLON_GENESIS.to_owned()
}

/// `MsgCommitPubRandList`: public randomness for heights `start_height ..`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommitPubRandList {
    /// The provider.
    #[serde(with = "btc_key")]
    pub fp_btc_pk: B256,
    /// The first height.
    #[serde(with = "serde_ext::int")]
    pub start_height: u64,
    /// `R.x` per height.
    pub pub_rand_list: Vec<B256>,
}

/// `MsgAddFinalitySig`: a finality vote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddFinalitySig {
    /// The provider.
    #[serde(with = "btc_key")]
    pub fp_btc_pk: B256,
    /// The height voted on.
    #[serde(with = "serde_ext::int")]
    pub block_height: u64,
    /// The committed `R.x` for that height.
    pub pub_rand: B256,
    /// The block voted for.
    pub block_app_hash: B256,
    /// The EOTS signature `s`.
    pub finality_sig: B256,
}

/// Judges the votes of a finished height (the finality module's end-block liveness check):
/// providers in its power table that did not vote miss it, and a provider that signed less
/// than the minimum share of the window is jailed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandleLiveness {
    /// The network.
    #[serde(default = "genesis")]
    pub consumer_id: String,
    /// The height whose votes are final.
    #[serde(with = "serde_ext::int")]
    pub height: u64,
}

/// A finality provider, by key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FinalityProviderKey {
    /// The provider.
    #[serde(with = "btc_key")]
    pub fp_btc_pk: B256,
}

/// `MsgCreateBTCDelegation`: a staking transaction registered with Babylon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateBtcDelegation {
    /// The providers: exactly one on Babylon Genesis, at most one per consumer network.
    #[serde(with = "btc_key::list")]
    pub fp_btc_pk_list: Vec<B256>,
    /// The timelock in BTC blocks.
    #[serde(with = "serde_ext::int")]
    pub staking_time: u64,
    /// Satoshi (`"0.5 BTC"` is not a unit: write satoshi).
    #[serde(with = "serde_ext::int")]
    pub staking_value: u64,
    /// For a post-staking registration: the BTC height of the block that already includes the
    /// staking transaction. The stake then follows the parameters in force at that height.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inclusion_height: Option<u64>,
}

/// A delegation, by staking transaction hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StakingTx {
    /// The staking transaction's hash.
    pub staking_tx_hash: B256,
}

/// `MsgBTCUndelegate`: the staker's unbonding transaction, already on Bitcoin, reported with
/// its inclusion proof (reduced, as for staking transactions, to the including block's height).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Undelegate {
    /// The staking transaction's hash.
    pub staking_tx_hash: B256,
    /// The BTC height of the block that includes the unbonding transaction. The unbonding
    /// output's timelock (`unbonding_time`) counts from there, however late the report comes.
    /// Omitted: the current tip (the transaction was just included).
    #[serde(default)]
    pub inclusion_height: Option<u64>,
}

/// `MsgAddBTCDelegationInclusionProof`, with the proof reduced to the including block's height.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InclusionProof {
    /// The staking transaction's hash.
    pub staking_tx_hash: B256,
    /// The BTC height of the block that includes it.
    #[serde(with = "serde_ext::int")]
    pub inclusion_height: u64,
}

/// Pays a network's rewards to its finality providers and their delegators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DistributeRewards {
    /// The network.
    #[serde(default = "genesis")]
    pub consumer_id: String,
    /// The height whose voters earn the rewards.
    #[serde(with = "serde_ext::int")]
    pub height: u64,
    /// The reward token.
    #[serde(with = "serde_ext::token")]
    pub token: Address,
    /// How much, taken from the sender.
    #[serde(with = "serde_ext::amount")]
    pub amount: U256,
}

/// `MsgWithdrawReward`: claims the sender's rewards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WithdrawReward {
    /// The reward token.
    #[serde(with = "serde_ext::token")]
    pub token: Address,
}
