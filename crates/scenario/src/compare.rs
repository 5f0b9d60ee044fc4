//! Comparing what a scenario expects with what the world returned.
//!
//! Expectations are written for people: `"100 ether"` for `"100000000000000000000"`, `"alice"`
//! for her address, `"stETH"` for a token or strategy, and a table naming only the returns that
//! matter. [`matches`] normalizes both sides before comparing.

use rampart_engine::{accounts, serde_ext::parse_amount};
use serde_json::Value;

/// Whether `actual` satisfies `expected`: numbers and amounts compare by value, names match the
/// address they derive to, arrays element by element, and an expected object checks only the
/// keys it names.
pub fn matches(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Object(wanted), Value::Object(got)) => {
            wanted.iter().all(|(key, value)| got.get(key).is_some_and(|a| matches(value, a)))
        }
        (Value::Array(wanted), Value::Array(got)) => {
            wanted.len() == got.len() && wanted.iter().zip(got).all(|(w, g)| matches(w, g))
        }
        (Value::Bool(w), Value::Bool(g)) => w == g,
        (Value::Null, Value::Null) => true,
        (wanted, got) => scalar_matches(wanted, got),
    }
}

fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn scalar_matches(expected: &Value, actual: &Value) -> bool {
    let (Some(wanted), Some(got)) = (as_text(expected), as_text(actual)) else { return false };
    if wanted == got {
        return true;
    }
    if let Some(got_address) = accounts::parse_hex_address(&got) {
        return accounts::parse_hex_address(&wanted) == Some(got_address)
            || accounts::named_address(&wanted) == got_address
            || accounts::token_address(&wanted) == got_address
            || accounts::strategy_address(&wanted) == got_address;
    }
    match (parse_signed(&wanted), parse_signed(&got)) {
        (Some(w), Some(g)) => w == g,
        _ => false,
    }
}

/// An amount with an optional leading minus (pending diffs are signed).
fn parse_signed(text: &str) -> Option<(bool, rampart_engine::U256)> {
    let (negative, magnitude) = match text.trim().strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let value = parse_amount(magnitude).ok()?;
    Some((negative && !value.is_zero(), value))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn amounts_compare_by_value() {
        assert!(matches(&json!("100 ether"), &json!("100000000000000000000")));
        assert!(matches(&json!(5), &json!("5")));
        assert!(matches(&json!("50%"), &json!("500000000000000000")));
        assert!(!matches(&json!("100 ether"), &json!("100000000000000000001")));
        assert!(matches(&json!("-5"), &json!("-5")));
        assert!(!matches(&json!("-5"), &json!("5")));
    }

    #[test]
    fn names_match_their_addresses() {
        let alice = accounts::named_address("alice").to_checksum(None);
        assert!(matches(&json!("alice"), &json!(alice)));
        assert!(!matches(&json!("bob"), &json!(alice)));
        let steth = accounts::strategy_address("stETH").to_checksum(None);
        assert!(matches(&json!("stETH"), &json!(steth)));
    }

    #[test]
    fn objects_check_only_named_keys_and_arrays_everything() {
        let actual = json!({ "a": ["1", "2"], "b": true });
        assert!(matches(&json!({ "a": ["1", "2"] }), &actual));
        assert!(!matches(&json!({ "a": ["1"] }), &actual));
        assert!(!matches(&json!({ "c": 1 }), &actual));
        assert!(matches(&json!({ "b": true }), &actual));
    }
}
