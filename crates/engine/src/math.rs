//! Integer money math: `U256` with explicit rounding and checked arithmetic.
//!
//! Every protocol in Rampart moves value through these functions. They mirror
//! OpenZeppelin's `Math.mulDiv` and Solady's `FixedPointMathLib` as the EigenLayer contracts use
//! them: the product of two 256-bit numbers is formed on 512 bits, so `x * y / d` never overflows
//! in the middle, and the caller names the rounding direction of every division.
//!
//! `ruint`'s operators (`+`, `-`, `*`) wrap silently on overflow, so the engine never applies them
//! to amounts; it goes through [`add`], [`sub`], [`mul_div`] and friends, which return
//! [`MathError`] instead.

use alloy_primitives::{U256, U512};

/// `10^18`: the fixed-point unit of WAD math (magnitudes, scaling factors, `wadsToSlash`).
pub const WAD: U256 = U256::from_limbs([1_000_000_000_000_000_000, 0, 0, 0]);

/// `10^18` as a `u64`, for magnitudes, which the AllocationManager stores as `uint64`.
pub const WAD_U64: u64 = 1_000_000_000_000_000_000;

/// `10^9`: wei per gwei.
pub const GWEI: U256 = U256::from_limbs([1_000_000_000, 0, 0, 0]);

/// The direction a division rounds to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// Towards zero (`⌊x⌋`), the default of Solidity's integer division.
    Floor,
    /// Away from zero (`⌈x⌉`), used where rounding must favour the protocol.
    Ceil,
}

/// An arithmetic failure. On chain each of these is a revert (`panic(0x11)` or `0x12`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MathError {
    /// A result did not fit in 256 bits (or in the narrower type asked for).
    #[error("arithmetic overflow")]
    Overflow,
    /// A subtraction went below zero.
    #[error("arithmetic underflow")]
    Underflow,
    /// A division by zero.
    #[error("division by zero")]
    DivisionByZero,
}

/// `a + b`, or [`MathError::Overflow`].
#[inline]
pub fn add(a: U256, b: U256) -> Result<U256, MathError> {
    a.checked_add(b).ok_or(MathError::Overflow)
}

/// `a - b`, or [`MathError::Underflow`].
#[inline]
pub fn sub(a: U256, b: U256) -> Result<U256, MathError> {
    a.checked_sub(b).ok_or(MathError::Underflow)
}

/// `a * b`, or [`MathError::Overflow`].
#[inline]
pub fn mul(a: U256, b: U256) -> Result<U256, MathError> {
    a.checked_mul(b).ok_or(MathError::Overflow)
}

/// `x * y / denominator` on a 512-bit intermediate, rounded as asked.
///
/// Fails with [`MathError::DivisionByZero`] when `denominator` is zero and with
/// [`MathError::Overflow`] when the quotient does not fit in 256 bits, exactly where
/// OpenZeppelin's `Math.mulDiv` reverts.
pub fn mul_div(x: U256, y: U256, denominator: U256, rounding: Rounding) -> Result<U256, MathError> {
    if denominator.is_zero() {
        return Err(MathError::DivisionByZero);
    }
    // Fastest path: everything fits in 128 bits (shares of a few hundred ETH times WAD do),
    // where the CPU's native division is several times quicker than a 256-bit one.
    if let (Ok(x128), Ok(y128), Ok(d128)) =
        (u128::try_from(x), u128::try_from(y), u128::try_from(denominator))
        && let Some(product) = x128.checked_mul(y128)
    {
        let (quotient, remainder) = (product / d128, product % d128);
        return round_up_if(U256::from(quotient), U256::from(remainder), rounding);
    }
    // Fast path: the product fits in 256 bits.
    if let Some(product) = x.checked_mul(y) {
        let (quotient, remainder) = product.div_rem(denominator);
        return round_up_if(quotient, remainder, rounding);
    }
    let product: U512 = x.widening_mul(y);
    let (quotient, remainder) = product.div_rem(U512::from(denominator));
    let quotient = narrow(quotient)?;
    round_up_if(quotient, narrow(remainder)?, rounding)
}

fn round_up_if(quotient: U256, remainder: U256, rounding: Rounding) -> Result<U256, MathError> {
    match rounding {
        Rounding::Ceil if !remainder.is_zero() => add(quotient, U256::from(1)),
        _ => Ok(quotient),
    }
}

fn narrow(value: U512) -> Result<U256, MathError> {
    let limbs = value.as_limbs();
    if limbs[4..].iter().any(|limb| *limb != 0) {
        return Err(MathError::Overflow);
    }
    Ok(U256::from_limbs([limbs[0], limbs[1], limbs[2], limbs[3]]))
}

/// `⌊x * y / WAD⌋` (Solady `mulWad`).
#[inline]
pub fn mul_wad(x: U256, y: U256) -> Result<U256, MathError> {
    mul_div(x, y, WAD, Rounding::Floor)
}

/// `⌈x * y / WAD⌉` (Solady `mulWadUp`).
#[inline]
pub fn mul_wad_up(x: U256, y: U256) -> Result<U256, MathError> {
    mul_div(x, y, WAD, Rounding::Ceil)
}

/// `⌊x * WAD / y⌋` (Solady `divWad`).
#[inline]
pub fn div_wad(x: U256, y: U256) -> Result<U256, MathError> {
    mul_div(x, WAD, y, Rounding::Floor)
}

/// Converts to `u64`, or [`MathError::Overflow`] (Solidity's `SafeCast.toUint64`).
#[inline]
pub fn to_u64(value: U256) -> Result<u64, MathError> {
    u64::try_from(value).map_err(|_| MathError::Overflow)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(value: u128) -> U256 {
        U256::from(value)
    }

    #[test]
    fn mul_div_rounds_as_asked() {
        assert_eq!(mul_div(u(10), u(10), u(3), Rounding::Floor), Ok(u(33)));
        assert_eq!(mul_div(u(10), u(10), u(3), Rounding::Ceil), Ok(u(34)));
        // Exact divisions never round up.
        assert_eq!(mul_div(u(10), u(9), u(3), Rounding::Ceil), Ok(u(30)));
        assert_eq!(mul_div(U256::ZERO, u(9), u(3), Rounding::Ceil), Ok(U256::ZERO));
    }

    #[test]
    fn mul_div_uses_a_512_bit_intermediate() {
        // MAX * MAX / MAX overflows 256 bits in the middle but not in the result.
        assert_eq!(mul_div(U256::MAX, U256::MAX, U256::MAX, Rounding::Floor), Ok(U256::MAX));
        assert_eq!(mul_div(U256::MAX, U256::MAX, U256::MAX, Rounding::Ceil), Ok(U256::MAX));
        // 2^256 - 1 is divisible by 3, so (MAX * 2) / 3 is exact although MAX * 2 is not 256-bit.
        let third = U256::MAX / u(3);
        assert_eq!(mul_div(U256::MAX, u(2), u(3), Rounding::Floor), Ok(third * u(2)));
        assert_eq!(mul_div(U256::MAX, u(2), u(3), Rounding::Ceil), Ok(third * u(2)));
    }

    #[test]
    fn mul_div_reports_overflow_and_division_by_zero() {
        assert_eq!(mul_div(U256::MAX, u(2), u(1), Rounding::Floor), Err(MathError::Overflow));
        assert_eq!(
            mul_div(u(1), u(1), U256::ZERO, Rounding::Floor),
            Err(MathError::DivisionByZero)
        );
        // A quotient of exactly MAX is fine; MAX plus a rounded-up unit is not.
        assert_eq!(mul_div(U256::MAX, u(3), u(3), Rounding::Ceil), Ok(U256::MAX));
        let just_over = mul_div(U256::MAX, U256::MAX - u(1), U256::MAX - u(1), Rounding::Ceil);
        assert_eq!(just_over, Ok(U256::MAX));
    }

    #[test]
    fn wad_helpers_match_solady() {
        // mulWad truncates, mulWadUp rounds up on any remainder.
        assert_eq!(mul_wad(u(1), u(1)), Ok(U256::ZERO));
        assert_eq!(mul_wad_up(u(1), u(1)), Ok(u(1)));
        assert_eq!(mul_wad(u(3), WAD / u(2)), Ok(u(1)));
        assert_eq!(mul_wad_up(u(3), WAD / u(2)), Ok(u(2)));
        assert_eq!(div_wad(u(1), u(3)), Ok(u(333_333_333_333_333_333)));
        assert_eq!(div_wad(u(1), U256::ZERO), Err(MathError::DivisionByZero));
    }

    #[test]
    fn checked_ops_fail_instead_of_wrapping() {
        assert_eq!(add(U256::MAX, u(1)), Err(MathError::Overflow));
        assert_eq!(sub(u(0), u(1)), Err(MathError::Underflow));
        assert_eq!(mul(U256::MAX, u(2)), Err(MathError::Overflow));
        assert_eq!(to_u64(u(u128::from(u64::MAX) + 1)), Err(MathError::Overflow));
        assert_eq!(to_u64(u(7)), Ok(7));
    }
}
