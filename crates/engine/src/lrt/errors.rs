//! Why an LRT call reverts. Names follow the protocols' errors where they share one.

use alloy_primitives::{Address, U256};

use crate::{ledger::LedgerError, math::MathError};

/// A rejected LRT call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, strum::IntoStaticStr)]
pub enum LrtError {
    /// No LRT at this address.
    #[error("{0} is not an LRT")]
    UnknownLrt(Address),
    /// Only the LRT's manager (or the world's admin, to create one) may do this.
    #[error("only the manager may call {0}")]
    NotManager(&'static str),
    /// The preset does not have this function.
    #[error("{function} does not exist on a {preset} LRT")]
    NotSupported {
        /// The function.
        function: &'static str,
        /// The preset.
        preset: &'static str,
    },
    /// The asset is not accepted.
    #[error("{0} is not an accepted deposit asset")]
    UnsupportedAsset(Address),
    /// Deposits and withdrawals are paused (by the manager or the circuit breaker).
    #[error("the LRT is paused")]
    Paused,
    /// A zero amount.
    #[error("the amount is zero")]
    InvalidZeroInput,
    /// The deposit mints nothing, or fewer shares than asked.
    #[error("the deposit mints {minted} shares, below the minimum {minimum}")]
    MinimumAmountToReceiveNotMet {
        /// Minted.
        minted: U256,
        /// Asked for.
        minimum: U256,
    },
    /// The deposit would push NAV above its cap.
    #[error("the deposit would exceed the TVL cap")]
    MaxTVLReached,
    /// No such withdrawal request.
    #[error("no withdrawal request {0}")]
    WithdrawalNotFound(u64),
    /// The request is someone else's.
    #[error("withdrawal request {0} is not the sender's")]
    NotOwner(u64),
    /// Claimed before the cooldown ended.
    #[error("the cooldown ends at {0}")]
    EarlyClaim(u64),
    /// The buffer cannot pay now: the manager must bring liquidity back from restaking.
    #[error("the buffer holds {available} wei of ETH, {needed} are needed")]
    InsufficientLiquidity {
        /// Needed.
        needed: U256,
        /// In the buffer (not reserved).
        available: U256,
    },
    /// A deposit that would mint no shares.
    #[error("the deposit mints no shares")]
    InvalidTokenAmount,
    /// Renzo: the instant exit would draw the buffer below its allowed floor.
    #[error("the instant exit would draw the buffer below its allowed floor")]
    BelowAllowedLimit,
    /// ether.fi: the pool would fall below its low watermark.
    #[error("the instant exit would take the pool below its low watermark")]
    ExceededRedeemable,
    /// ether.fi: the bucket does not hold enough.
    #[error("the rate limit's bucket holds {available} wei")]
    RateLimitExceeded {
        /// In the bucket.
        available: U256,
    },
    /// Instant redemption beyond the day's cap.
    #[error("instant redemptions are capped at {cap} wei a day; {used} are used")]
    DailyLimitExceeded {
        /// The cap.
        cap: U256,
        /// Used today.
        used: U256,
    },
    /// A price update above the allowed change (stored-price regime).
    #[error("the new price moves more than the allowed limit")]
    PriceAboveLimit,
    /// An oracle price of zero.
    #[error("the price must be positive")]
    InvalidPrice,
    /// Weights that do not fit.
    #[error("operator weights must sum to at most 10000 bps")]
    InvalidWeights,
    /// A deposit beyond the asset's limit.
    #[error("the deposit would take {asset} beyond its limit of {limit}")]
    MaxTokenTVLReached {
        /// The asset.
        asset: Address,
        /// The limit.
        limit: U256,
    },
    /// A deposit or withdrawal request outside the protocol's bounds (says which, and them).
    #[error("{0}")]
    AmountOutOfBounds(String),
    /// More fee shares than a day allows.
    #[error("price updates may mint {cap} fee shares a day; {used} are minted today")]
    FeeMintLimitExceeded {
        /// The daily cap.
        cap: U256,
        /// Minted today before this update.
        used: U256,
    },
    /// An unwind with nothing to start or advance.
    #[error("nothing to unwind: {0}")]
    NothingToUnwind(&'static str),
    /// An inner call the manager may not make through the LRT.
    #[error("the LRT cannot call {0}")]
    ForbiddenCall(String),
    /// Creation with a symbol or parameters that do not fit.
    #[error("invalid LRT: {0}")]
    InvalidParams(String),
    /// A token transfer failed.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// Arithmetic overflow or underflow.
    #[error(transparent)]
    Math(#[from] MathError),
}

impl LrtError {
    /// The error's name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Ledger(inner) => inner.into(),
            Self::Math(_) => "ArithmeticError",
            other => other.into(),
        }
    }
}
