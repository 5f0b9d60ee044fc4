//! How Rampart's values look in JSON and TOML.
//!
//! Ethereum conventions: amounts are decimal strings (`"1000000000000000000"`), addresses are
//! EIP-55 hex. On input the same fields are forgiving in the ways a scenario author needs:
//! an amount may carry a unit (`"32 ETH"`, `"1.5 ether"`, `"7 gwei"`, `"50%"` of WAD), an account
//! may be a name (`"alice"`), a token or strategy a symbol (`"stETH"`).
//!
//! Each submodule is a `#[serde(with = "…")]` adapter named after what the field holds.

use alloy_primitives::{Address, U256};
use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

use crate::accounts::{named_address, parse_hex_address, strategy_address, token_address};

/// Parses an amount: a decimal or `0x` integer, or a decimal number with a unit.
///
/// Units: `wei`, `kwei`, `mwei`, `gwei`, `szabo`, `finney`, `ether`/`eth`, `wad` (= 1e18), and
/// `%` (a percentage of WAD, for magnitudes and slashing fractions). Underscores separate digits.
pub fn parse_amount(text: &str) -> Result<U256, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("an empty string is not an amount".into());
    }
    if let Some(hex) = trimmed.strip_prefix("0x") {
        return U256::from_str_radix(hex, 16).map_err(|e| format!("bad hex amount {text:?}: {e}"));
    }
    let (number, decimals) = split_unit(trimmed)?;
    let number: String = number.chars().filter(|c| *c != '_').collect();
    let (whole, fraction) = match number.split_once('.') {
        Some((whole, fraction)) => (whole, fraction),
        None => (number.as_str(), ""),
    };
    let digits_ok = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty() || !digits_ok(whole) || !digits_ok(fraction) {
        return Err(format!(
            "{text:?} is not an amount (expected e.g. \"100\", \"32 ETH\", \"1.5 ether\", \"50%\")"
        ));
    }
    let fraction_trimmed = fraction.trim_end_matches('0');
    let fraction_digits = u32::try_from(fraction_trimmed.len()).unwrap_or(u32::MAX);
    if fraction_digits > decimals {
        return Err(format!(
            "{text:?} has more decimal places than its unit allows (at most {decimals})"
        ));
    }
    let scaled = format!(
        "{}{}{}",
        if whole.is_empty() { "0" } else { whole },
        fraction_trimmed,
        "0".repeat((decimals - fraction_digits) as usize)
    );
    U256::from_str_radix(&scaled, 10).map_err(|_| format!("{text:?} does not fit in 256 bits"))
}

fn split_unit(text: &str) -> Result<(&str, u32), String> {
    if let Some(number) = text.strip_suffix('%') {
        // 1% of WAD is 1e16.
        return Ok((number.trim(), 16));
    }
    let split_at = text.find(|c: char| c.is_ascii_alphabetic() || c.is_whitespace());
    let Some(split_at) = split_at else { return Ok((text, 0)) };
    let (number, unit) = text.split_at(split_at);
    let decimals = match unit.trim().to_ascii_lowercase().as_str() {
        "wei" => 0,
        "kwei" => 3,
        "mwei" => 6,
        "gwei" => 9,
        "szabo" => 12,
        "finney" => 15,
        "ether" | "eth" | "wad" => 18,
        other => {
            return Err(format!(
                "unknown unit {other:?} in {text:?} (use wei, gwei, ether, ETH, wad or %)"
            ));
        }
    };
    Ok((number.trim(), decimals))
}

/// An untyped scalar as scenario files and JSON bodies give it.
#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    Integer(u64),
    Negative(i64),
    Text(String),
    Float(f64),
}

/// JSON readers take an integer beyond 64 bits as a binary float, whose digits are no longer
/// the ones written: such a number is refused without being echoed back as another number.
const FLOAT_EXACT_LIMIT: f64 = 18_446_744_073_709_551_616.0; // 2^64

fn scalar_to_amount(scalar: Scalar) -> Result<U256, String> {
    match scalar {
        Scalar::Integer(value) => Ok(U256::from(value)),
        Scalar::Negative(value) => Err(format!("{value} is negative: amounts are at least 0")),
        Scalar::Text(text) => parse_amount(&text),
        Scalar::Float(value) if value < 0.0 => {
            Err("a negative number: amounts are at least 0".into())
        }
        Scalar::Float(value) if value >= FLOAT_EXACT_LIMIT => {
            Err("a number at or above 2^64 cannot be read exactly from a JSON or TOML number: \
             write it as a decimal string, e.g. \"100 ether\" or its digits in quotes"
                .into())
        }
        Scalar::Float(value) => Err(format!(
            "{value} is a binary float; write amounts as integers or strings like \"1.5 ether\""
        )),
    }
}

/// `U256` as a decimal string; accepts integers, decimal or hex strings and amounts with units.
pub mod amount {
    use super::*;

    /// Serializes as a decimal string.
    pub fn serialize<S: Serializer>(value: &U256, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(value)
    }

    /// Deserializes any amount form [`parse_amount`] understands.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<U256, D::Error> {
        scalar_to_amount(Scalar::deserialize(deserializer)?).map_err(D::Error::custom)
    }
}

/// `Vec<U256>`, each element as [`amount`].
pub mod amounts {
    use super::*;

    /// Serializes as a list of decimal strings.
    pub fn serialize<S: Serializer>(values: &[U256], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(values.iter().map(ToString::to_string))
    }

    /// Deserializes a list of amounts.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<U256>, D::Error> {
        Vec::<Scalar>::deserialize(deserializer)?
            .into_iter()
            .map(|s| scalar_to_amount(s).map_err(D::Error::custom))
            .collect()
    }
}

/// An unsigned integer narrower than 256 bits (blocks, ids, magnitudes): accepts numbers and
/// strings, serializes as a JSON number when it is exactly representable in a double, else as a
/// decimal string (so JavaScript readers never lose precision).
pub mod int {
    use super::*;

    /// Serializes as a number below 2^53, else as a decimal string.
    pub fn serialize<S: Serializer, T: Copy + Into<u128>>(
        value: &T,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let wide: u128 = (*value).into();
        match u64::try_from(wide) {
            Ok(small) if small < (1 << 53) => serializer.serialize_u64(small),
            _ => serializer.collect_str(&wide),
        }
    }

    /// Deserializes a number or an amount string that fits the target type.
    pub fn deserialize<'de, D: Deserializer<'de>, T: TryFrom<U256>>(
        deserializer: D,
    ) -> Result<T, D::Error> {
        let wide =
            scalar_to_amount(Scalar::deserialize(deserializer)?).map_err(D::Error::custom)?;
        T::try_from(wide).map_err(|_| {
            D::Error::custom(format!("{wide} is out of range for {}", std::any::type_name::<T>()))
        })
    }
}

/// `Vec` of narrow unsigned integers, each as [`int`].
pub mod ints {
    use super::*;

    /// Serializes each element as [`int::serialize`] does.
    pub fn serialize<S: Serializer, T: Copy + Into<u128>>(
        values: &[T],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(Some(values.len()))?;
        for value in values {
            let wide: u128 = (*value).into();
            match u64::try_from(wide) {
                Ok(small) if small < (1 << 53) => seq.serialize_element(&small)?,
                _ => seq.serialize_element(&wide.to_string())?,
            }
        }
        seq.end()
    }

    /// Deserializes a list of numbers or amount strings.
    pub fn deserialize<'de, D: Deserializer<'de>, T: TryFrom<U256>>(
        deserializer: D,
    ) -> Result<Vec<T>, D::Error> {
        Vec::<Scalar>::deserialize(deserializer)?
            .into_iter()
            .map(|s| {
                let wide = scalar_to_amount(s).map_err(D::Error::custom)?;
                T::try_from(wide).map_err(|_| {
                    D::Error::custom(format!(
                        "{wide} is out of range for {}",
                        std::any::type_name::<T>()
                    ))
                })
            })
            .collect()
    }
}

fn resolve_with(text: &str, by_name: fn(&str) -> Address) -> Result<Address, String> {
    if let Some(address) = parse_hex_address(text) {
        return Ok(address);
    }
    if text.starts_with("0x") {
        return Err(format!("{text:?} is not a 20-byte hex address"));
    }
    if text.is_empty() || text.chars().any(char::is_whitespace) {
        return Err(format!("{text:?} is neither a 0x address nor a name"));
    }
    Ok(by_name(text))
}

macro_rules! address_adapter {
    ($module:ident, $one:ident, $doc:literal, $resolve:path) => {
        #[doc = $doc]
        pub mod $module {
            use super::*;

            /// Serializes as EIP-55 checksummed hex.
            pub fn serialize<S: Serializer>(
                value: &Address,
                serializer: S,
            ) -> Result<S::Ok, S::Error> {
                serializer.collect_str(&value.to_checksum(None))
            }

            /// Deserializes hex or a name.
            pub fn deserialize<'de, D: Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Address, D::Error> {
                let text = String::deserialize(deserializer)?;
                resolve_with(&text, $resolve).map_err(D::Error::custom)
            }
        }

        #[doc = concat!("A list of what [`", stringify!($module), "`] accepts.")]
        pub mod $one {
            use super::*;

            /// Serializes as a list of EIP-55 checksummed hex strings.
            pub fn serialize<S: Serializer>(
                values: &[Address],
                serializer: S,
            ) -> Result<S::Ok, S::Error> {
                serializer.collect_seq(values.iter().map(|a| a.to_checksum(None)))
            }

            /// Deserializes a list of hex strings or names.
            pub fn deserialize<'de, D: Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Vec<Address>, D::Error> {
                Vec::<String>::deserialize(deserializer)?
                    .iter()
                    .map(|text| resolve_with(text, $resolve).map_err(D::Error::custom))
                    .collect()
            }
        }
    };
}

address_adapter!(
    account,
    accounts,
    "An account: `0x` hex or a name (Foundry's `makeAddr`).",
    named_address
);
address_adapter!(token, tokens, "A token: `0x` hex or a symbol (`ETH`, `stETH`).", token_address);
address_adapter!(
    strategy,
    strategies,
    "An EigenLayer strategy: `0x` hex or its token's symbol (`stETH`, `beaconChainETH`).",
    strategy_address
);

/// A signed integer (a share delta) as a decimal string.
pub mod signed {
    use super::*;

    /// Serializes as a decimal string.
    pub fn serialize<S: Serializer>(value: &i128, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(value)
    }

    /// Deserializes a decimal string or a JSON integer.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i128, D::Error> {
        match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(text) => text.parse().map_err(D::Error::custom),
            serde_json::Value::Number(number) => {
                number.as_i64().map(i128::from).ok_or_else(|| D::Error::custom("not an integer"))
            }
            other => Err(D::Error::custom(format!("expected a signed integer, got {other}"))),
        }
    }
}

/// An optional amount: absent or null is `None`, otherwise as [`amount`].
pub mod amount_opt {
    use super::*;

    /// Serializes as a decimal string or null.
    pub fn serialize<S: Serializer>(
        value: &Option<U256>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => serializer.collect_str(v),
            None => serializer.serialize_none(),
        }
    }

    /// Deserializes what [`amount`] accepts, or null.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<U256>, D::Error> {
        Option::<Scalar>::deserialize(deserializer)?
            .map(|s| scalar_to_amount(s).map_err(D::Error::custom))
            .transpose()
    }
}

/// An optional account: absent or null is `None`, otherwise as [`account`].
pub mod account_opt {
    use super::*;

    /// Serializes as EIP-55 hex or null.
    pub fn serialize<S: Serializer>(
        value: &Option<Address>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(address) => serializer.collect_str(&address.to_checksum(None)),
            None => serializer.serialize_none(),
        }
    }

    /// Deserializes hex, a name, or null.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Address>, D::Error> {
        Option::<String>::deserialize(deserializer)?
            .map(|text| resolve_with(&text, named_address).map_err(D::Error::custom))
            .transpose()
    }
}

/// A map serialized as a list of `[key, value]` pairs in key order, because JSON object keys
/// must be strings and many of Rampart's keys are structs.
pub mod pairs {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Serializes as `[[key, value], ...]` in key order.
    pub fn serialize<S, K, V>(map: &BTreeMap<K, V>, serializer: S) -> Result<S::Ok, S::Error>
    where
        S: Serializer,
        K: Serialize,
        V: Serialize,
    {
        serializer.collect_seq(map.iter())
    }

    /// Deserializes from `[[key, value], ...]`.
    pub fn deserialize<'de, D, K, V>(deserializer: D) -> Result<BTreeMap<K, V>, D::Error>
    where
        D: Deserializer<'de>,
        K: Deserialize<'de> + Ord,
        V: Deserialize<'de>,
    {
        Ok(Vec::<(K, V)>::deserialize(deserializer)?.into_iter().collect())
    }
}

/// A hash map serialized as `[key, value]` pairs sorted by key, so that its encoding (and the
/// state hash built from it) does not depend on the hash table's iteration order.
pub mod sorted_pairs {
    use std::{collections::HashMap, hash::BuildHasher};

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Serializes as `[[key, value], ...]` sorted by key.
    pub fn serialize<S, K, V, H>(map: &HashMap<K, V, H>, serializer: S) -> Result<S::Ok, S::Error>
    where
        S: Serializer,
        K: Serialize + Ord,
        V: Serialize,
    {
        let mut entries: Vec<(&K, &V)> = map.iter().collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
        serializer.collect_seq(entries)
    }

    /// Deserializes from `[[key, value], ...]`.
    pub fn deserialize<'de, D, K, V, H>(deserializer: D) -> Result<HashMap<K, V, H>, D::Error>
    where
        D: Deserializer<'de>,
        K: Deserialize<'de> + Eq + std::hash::Hash,
        V: Deserialize<'de>,
        H: BuildHasher + Default,
    {
        Ok(Vec::<(K, V)>::deserialize(deserializer)?.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wei(text: &str) -> U256 {
        U256::from_str_radix(text, 10).unwrap()
    }

    #[test]
    fn amounts_with_units() {
        assert_eq!(parse_amount("32 ETH"), Ok(wei("32000000000000000000")));
        assert_eq!(parse_amount("1.5 ether"), Ok(wei("1500000000000000000")));
        assert_eq!(parse_amount("7 gwei"), Ok(wei("7000000000")));
        assert_eq!(parse_amount("7gwei"), Ok(wei("7000000000")));
        assert_eq!(parse_amount("50%"), Ok(wei("500000000000000000")));
        assert_eq!(parse_amount("0.25 wad"), Ok(wei("250000000000000000")));
        assert_eq!(parse_amount("1_000"), Ok(wei("1000")));
        assert_eq!(parse_amount("0x10"), Ok(wei("16")));
        assert_eq!(parse_amount(".5 ether"), Ok(wei("500000000000000000")));
        assert_eq!(parse_amount("1.50 gwei"), Ok(wei("1500000000")));
    }

    #[test]
    fn bad_amounts_are_explained() {
        assert!(parse_amount("1.5 wei").unwrap_err().contains("decimal places"));
        assert!(parse_amount("3 bananas").unwrap_err().contains("unknown unit"));
        assert!(parse_amount("-1").unwrap_err().contains("not an amount"));
        assert!(parse_amount("").unwrap_err().contains("empty"));
        assert!(parse_amount("1e18").unwrap_err().contains("unknown unit"));
        let too_big = format!("{}0", U256::MAX);
        assert!(parse_amount(&too_big).unwrap_err().contains("256 bits"));
    }

    #[test]
    fn addresses_resolve_names_and_hex() {
        #[derive(Debug, Deserialize)]
        struct Args {
            #[serde(with = "account")]
            who: Address,
            #[serde(with = "strategies")]
            strategies: Vec<Address>,
        }
        let args: Args =
            serde_json::from_str(r#"{"who": "alice", "strategies": ["stETH", "beaconChainETH"]}"#)
                .unwrap();
        assert_eq!(args.who, named_address("alice"));
        assert_eq!(
            args.strategies,
            vec![strategy_address("stETH"), crate::accounts::BEACON_CHAIN_ETH_STRATEGY]
        );
        let bad = serde_json::from_str::<Args>(r#"{"who": "0x12", "strategies": []}"#);
        assert!(bad.unwrap_err().to_string().contains("20-byte"));
    }
}
