//! Values as a person reads them: `Name(field=value, ...)` for events, amounts in ether and
//! magnitudes in percent, exactly (no digit is rounded away), or raw wei on request.
//!
//! Which unit a number has is not in the JSON, so it is read from the field or view it sits
//! in: a name with `magnitude`, `wad` or `scaling_factor` in it is a fraction of WAD (1e18 =
//! 100%); any other decimal string of 13 digits or more is an 18-decimal token amount, shown
//! in ether (1e18 base units, the scenario format's own `"1.5 ether"`). Shorter numbers (ids,
//! small test amounts) and JSON numbers (blocks, gwei, satoshi) stay as they are.

use rampart_engine::accounts::parse_hex_address;
use rampart_scenario::NameBook;
use serde_json::Value;

/// How amounts are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Units {
    /// Ether and percent.
    Readable,
    /// The exact integers, as the engine emits them.
    Wei,
}

/// `Name(field=value, ...)`.
pub(crate) fn describe_event(event: &Value, units: Units) -> String {
    let Some(object) = event.as_object() else { return event.to_string() };
    let name = object.get("event").and_then(Value::as_str).unwrap_or("?");
    let fields: Vec<String> = object
        .iter()
        .filter(|(key, _)| key.as_str() != "event")
        .map(|(key, value)| format!("{key}={}", compact(value, key, units)))
        .collect();
    format!("{name}({})", fields.join(", "))
}

/// A value on one line; `context` is the field or view it belongs to (for its unit).
pub(crate) fn compact(value: &Value, context: &str, units: Units) -> String {
    match value {
        Value::String(text) => amount(text, context, units),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(|item| compact(item, context, units)).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(map)
            if map.contains_key("avs") && map.contains_key("id") && map.len() == 2 =>
        {
            format!("{}#{}", compact(&map["avs"], "avs", units), compact(&map["id"], "id", units))
        }
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{k}: {}", compact(v, k, units)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}

/// `text` with every 0x address the book knows replaced by its name (error messages quote
/// addresses inside prose, where [`NameBook::rename`] cannot reach).
pub(crate) fn rename_in_text(text: &str, names: &NameBook) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("0x") {
        out.push_str(&rest[..at]);
        let candidate = rest.get(at..at + 42);
        let name = candidate
            .filter(|_| !rest[at + 42..].starts_with(|ch: char| ch.is_ascii_hexdigit()))
            .and_then(parse_hex_address)
            .and_then(|address| names.name_of(&address));
        match name {
            Some(name) => {
                out.push_str(name);
                rest = &rest[at + 42..];
            }
            None => {
                out.push_str("0x");
                rest = &rest[at + 2..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_wad_fraction(context: &str) -> bool {
    ["magnitude", "wad", "scaling_factor"].iter().any(|word| context.contains(word))
}

fn amount(text: &str, context: &str, units: Units) -> String {
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    if units == Units::Wei || !digits {
        return text.to_owned();
    }
    if is_wad_fraction(context) {
        // 1e18 is 100%: the percentage has 16 decimals.
        return format!("{}%", scaled(text, 16));
    }
    if text.len() >= 13 { format!("{} ether", scaled(text, 18)) } else { text.to_owned() }
}

/// `digits / 10^decimals` as an exact decimal, trailing zeros trimmed (`"15"`, `"0.85"`).
fn scaled(digits: &str, decimals: usize) -> String {
    let padded = format!("{digits:0>width$}", width = decimals + 1);
    let (whole, fraction) = padded.split_at(padded.len() - decimals);
    let whole = whole.trim_start_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() { whole.to_owned() } else { format!("{whole}.{fraction}") }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn amounts_read_in_ether_and_magnitudes_in_percent_exactly() {
        let event = json!({
            "event": "AllocationUpdated",
            "operator": "op1",
            "magnitude": "150000000000000000",
            "shares": "49999999999999999930",
            "wad_slashed": ["850000000000000000"],
            "assets": "1000",
            "effect_block": 1000,
        });
        assert_eq!(
            describe_event(&event, Units::Readable),
            "AllocationUpdated(operator=op1, magnitude=15%, shares=49.99999999999999993 ether, \
             wad_slashed=[85%], assets=1000, effect_block=1000)"
        );
        assert_eq!(
            describe_event(&event, Units::Wei),
            "AllocationUpdated(operator=op1, magnitude=150000000000000000, \
             shares=49999999999999999930, wad_slashed=[850000000000000000], assets=1000, \
             effect_block=1000)"
        );
        assert_eq!(scaled("1", 18), "0.000000000000000001");
        let mut names = NameBook::new();
        names.learn("op1");
        let op1 = rampart_engine::accounts::named_address("op1");
        assert_eq!(
            rename_in_text(&format!("{op1} may not; 0x12 nor {op1}0"), &names),
            format!("op1 may not; 0x12 nor {op1}0"),
            "whole addresses only"
        );
        assert_eq!(scaled("32000000000000000000", 18), "32");
        assert_eq!(
            compact(&json!("0x00000000000000000000000000000000000000aa"), "to", Units::Readable),
            "0x00000000000000000000000000000000000000aa"
        );
    }
}
