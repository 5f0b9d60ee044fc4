//! Beacon-chain operations: deposits, exits, slashing evidence, validators' participation.

use alloy_primitives::{Address, B256, U256};
use serde::{Deserialize, Serialize};

use super::state::WithdrawalCredentials;
use crate::serde_ext;

/// A beacon-chain operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr)]
#[serde(tag = "function", content = "args", rename_all = "snake_case", deny_unknown_fields)]
#[strum(serialize_all = "snake_case")]
#[allow(missing_docs)] // each variant is documented by its argument struct
pub enum BeaconCall {
    /// A deposit (EIP-6110 request): a new validator or a top-up.
    Deposit(Deposit),
    /// A voluntary exit, signed by the validator's operator.
    VoluntaryExit(ValidatorRef),
    /// A full-exit request from the withdrawal address (EIP-7002, amount 0).
    WithdrawalRequest(ValidatorRef),
    /// Slashing evidence (the admin stands in for the proposer that includes it).
    SlashValidator(ValidatorRef),
    /// How often a validator performs its duties (the admin, standing in for its uptime).
    SetParticipation(SetParticipation),
    /// How often every validator of an operator performs its duties, and its later ones.
    SetOperatorParticipation(SetOperatorParticipation),
    /// Nothing but processing up to the current block (which every clock move does anyway).
    ProcessSlots(ProcessSlots),
}

/// A key: 0x 32-byte hex, or a name standing for `keccak256("validator:" ‖ name)`.
pub mod validator_key {
    use alloy_primitives::{B256, keccak256};
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    /// Resolves hex or a name.
    pub fn resolve(text: &str) -> Result<B256, String> {
        if let Some(hex) = text.strip_prefix("0x") {
            return hex.parse::<B256>().map_err(|e| format!("{text:?} is not a 32-byte key: {e}"));
        }
        if text.is_empty() || text.chars().any(char::is_whitespace) {
            return Err(format!("{text:?} is neither a 0x key nor a name"));
        }
        Ok(keccak256(format!("validator:{text}")))
    }

    /// Serializes as 0x hex.
    pub fn serialize<S: Serializer>(value: &B256, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(value)
    }

    /// Deserializes hex or a name.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<B256, D::Error> {
        resolve(&String::deserialize(deserializer)?).map_err(D::Error::custom)
    }
}

/// A deposit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deposit {
    /// The validator's key.
    #[serde(with = "validator_key")]
    pub pubkey: B256,
    /// Its withdrawal credentials (kept from the first deposit).
    pub withdrawal_credentials: WithdrawalCredentials,
    /// Wei: whole gwei, at least 1 ETH.
    #[serde(with = "serde_ext::amount")]
    pub amount: U256,
}

/// A validator by key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidatorRef {
    /// The validator's key.
    #[serde(with = "validator_key")]
    pub pubkey: B256,
}

/// A validator's participation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetParticipation {
    /// The validator's key.
    #[serde(with = "validator_key")]
    pub pubkey: B256,
    /// Basis points of epochs in which it performs its duties (10,000: every one, 0: offline).
    pub participation_bps: u16,
}

/// An operator's participation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetOperatorParticipation {
    /// The operator: the validators' first depositor.
    #[serde(with = "serde_ext::account")]
    pub operator: Address,
    /// Basis points of epochs in which its validators perform their duties.
    pub participation_bps: u16,
}

/// No arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessSlots {}

/// A beacon-chain query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "function", content = "args", rename_all = "snake_case", deny_unknown_fields)]
pub enum BeaconView {
    /// A validator: balances, epochs, status.
    Validator(ValidatorRef),
    /// The entry and exit queues and the churn.
    Queues {},
    /// Justification, finality and the inactivity leak.
    Finality {},
    /// When a new exit of `amount` would leave, from the exit queue as it stands.
    ExitWait {
        /// The exit's size (wei, or with a unit).
        #[serde(with = "serde_ext::amount")]
        amount: U256,
    },
}
