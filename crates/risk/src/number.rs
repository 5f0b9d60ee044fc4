//! Exact numbers: amounts as integers of 1e-18 of the unit of account, ratios as big rationals.
//! Inputs are decimal strings or fractions (`"120.5"`, `"1/3"`); binary floats are refused.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

/// An amount in 1e-18 of the unit of account (wei when the unit is ETH).
pub type Amount = u128;

/// Base units per whole unit.
pub const UNIT: Amount = 1_000_000_000_000_000_000;

/// Parses an exact non-negative decimal or fraction into a rational.
pub fn parse_ratio(text: &str) -> Result<BigRational, String> {
    let text = text.trim();
    if let Some((num, den)) = text.split_once('/') {
        let num = parse_ratio(num)?;
        let den = parse_ratio(den)?;
        if den.is_zero() {
            return Err(format!("{text:?}: division by zero"));
        }
        return Ok(num / den);
    }
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits_ok = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty() || !digits_ok(whole) || !digits_ok(fraction) {
        return Err(format!(
            "{text:?} is not a non-negative decimal or fraction (like \"12.5\" or \"1/3\")"
        ));
    }
    let mantissa: BigInt =
        format!("{whole}{fraction}").parse().map_err(|e| format!("{text:?}: {e}"))?;
    let scale =
        BigInt::from(10u8).pow(u32::try_from(fraction.len()).map_err(|_| "too many digits")?);
    Ok(BigRational::new(mantissa, scale))
}

/// Parses an amount of the unit of account into base units; at most 18 decimals.
pub fn parse_amount(text: &str) -> Result<Amount, String> {
    let ratio = parse_ratio(text)? * BigRational::from_integer(BigInt::from(UNIT));
    if !ratio.is_integer() {
        return Err(format!("{text:?} has more than 18 decimals"));
    }
    ratio.to_integer().to_u128().ok_or_else(|| format!("{text:?} is too large"))
}

/// A rational from an amount in base units, as whole units.
pub fn units(amount: Amount) -> BigRational {
    BigRational::new(BigInt::from(amount), BigInt::from(UNIT))
}

/// A rational from an integer.
pub fn integer(value: impl Into<BigInt>) -> BigRational {
    BigRational::from_integer(value.into())
}

/// Shows a rational with `decimals` places, rounded toward zero (`"0.142857"`).
pub fn decimal(value: &BigRational, decimals: u32) -> String {
    let negative = value.is_negative();
    let scaled = (value.abs() * integer(BigInt::from(10u8).pow(decimals))).to_integer();
    let text = scaled.to_string();
    let decimals = decimals as usize;
    let padded = format!("{text:0>width$}", width = decimals + 1);
    let (whole, fraction) = padded.split_at(padded.len() - decimals);
    let fraction = fraction.trim_end_matches('0');
    let sign = if negative && !scaled.is_zero() { "-" } else { "" };
    if fraction.is_empty() { format!("{sign}{whole}") } else { format!("{sign}{whole}.{fraction}") }
}

/// Shows an amount in whole units.
pub fn show_amount(amount: Amount) -> String {
    decimal(&units(amount), 18)
}

/// `1`.
pub fn one() -> BigRational {
    BigRational::one()
}

/// Rounds a rational in units down to base units.
pub fn to_amount(value: &BigRational) -> Amount {
    (value * integer(UNIT)).to_integer().to_u128().unwrap_or(Amount::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_and_fractions_are_exact() {
        assert_eq!(parse_ratio("1/3").unwrap(), BigRational::new(1.into(), 3.into()));
        assert_eq!(parse_ratio("0.25").unwrap(), BigRational::new(1.into(), 4.into()));
        assert_eq!(parse_amount("120.5").unwrap(), 120_500_000_000_000_000_000);
        assert!(parse_ratio("1e3").is_err());
        assert!(parse_ratio("-1").is_err());
        assert!(parse_ratio("1/0").is_err());
        assert!(parse_amount("0.0000000000000000001").is_err());
        assert_eq!(decimal(&parse_ratio("1/3").unwrap(), 4), "0.3333");
        assert_eq!(decimal(&parse_ratio("2").unwrap(), 4), "2");
        assert_eq!(decimal(&(integer(0) - parse_ratio("0.5").unwrap()), 3), "-0.5");
    }
}
