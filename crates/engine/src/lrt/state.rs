//! Liquid restaking tokens' state: one share token over a NAV per LRT, with the rules of the
//! protocol its preset follows.

use std::collections::BTreeMap;

use alloy_primitives::{Address, U256};
use serde::{Deserialize, Serialize};

use crate::serde_ext;

/// Every LRT of the world, by the address of its contract (the deposit pool / vault).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lrts {
    /// The LRTs.
    pub instances: BTreeMap<Address, Lrt>,
}

/// Which protocol an LRT behaves like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// Renzo ezETH: live NAV; 10% of rewards skimmed before they reach NAV; 7-day cooldown.
    Renzo,
    /// ether.fi eETH (and its wrapper weETH): NAV moves by oracle reports, each capped at
    /// +25 bps / −3 bps; 10% of rewards minted as shares to the treasury; 30 bps instant exit
    /// within a 2,000 ETH daily bucket.
    EtherFi,
    /// Kelp rsETH: a stored price updated on demand; a rise above the limit is refused, a drop
    /// below it pauses the protocol; 10% of each rise minted as fee shares; 8-day delay.
    Kelp,
    /// Puffer pufETH: an ERC-4626 vault with a live NAV; 1% instant exit fee that stays with
    /// holders, within 100 ETH a day; 14-day queue.
    Puffer,
}

/// How protocol fees are taken from rewards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeStyle {
    /// Taken from rewards as they arrive, before they count in NAV (Renzo).
    Skim,
    /// Paid by minting shares to the treasury when rewards are recognised (ether.fi, Kelp).
    Mint,
    /// None on rewards.
    None,
}

/// How the rate moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "regime", rename_all = "snake_case")]
pub enum RateState {
    /// NAV is computed from the world at every call.
    Live,
    /// NAV is what oracle reports recognised, moved by deposits and payouts in between.
    Reported {
        /// The accounted NAV (wei).
        #[serde(with = "serde_ext::amount")]
        nav: U256,
        /// When the last report was made.
        last_report: u64,
    },
    /// A stored price (wei of ETH per 1e18 shares), updated on demand.
    Stored {
        /// The price.
        #[serde(with = "serde_ext::amount")]
        price: U256,
        /// The highest price ever stored (the circuit breaker's reference).
        #[serde(with = "serde_ext::amount")]
        high_water: U256,
    },
}

/// An LRT's tunable rules (each preset sets them; creation may override).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LrtParams {
    /// Share of rewards the protocol takes, in bps.
    pub protocol_fee_bps: u64,
    /// How it takes it.
    pub fee_style: FeeStyle,
    /// Seconds between a withdrawal request and its claim.
    pub cooldown_seconds: u64,
    /// Instant redemption; none if the protocol has no instant exit.
    #[serde(default)]
    pub instant: Option<InstantExit>,
    /// The most NAV may reach through deposits, in wei (zero: no cap).
    #[serde(default, with = "serde_ext::amount")]
    pub deposit_cap: U256,
    /// Largest rise one oracle report may recognise, in bps of NAV (reported regime).
    #[serde(default)]
    pub max_positive_rebase_bps: u64,
    /// Largest fall one oracle report may recognise, in bps of NAV (reported regime).
    #[serde(default)]
    pub max_negative_rebase_bps: u64,
    /// Largest annualised rebase an oracle report may recognise, in bps of NAV a year, either
    /// way (ether.fi's `acceptableRebaseAprInBps`; zero: no such cap).
    #[serde(default)]
    pub max_rebase_apr_bps: u64,
    /// Largest price move an update may make, in bps (stored regime).
    #[serde(default)]
    pub price_change_limit_bps: u64,
    /// Most fee shares price updates may mint in one UTC day (Kelp's
    /// `maxFeeMintAmountPerDay`; zero: no cap).
    #[serde(default, with = "serde_ext::amount")]
    pub max_fee_mint_per_day: U256,
    /// Smallest deposit, in wei of value (Kelp's `minAmountToDeposit`; zero: none).
    #[serde(default, with = "serde_ext::amount")]
    pub min_deposit: U256,
    /// Smallest and largest withdrawal request, in shares (Puffer's 0.01 pufETH and
    /// `maxWithdrawalAmount`, ether.fi's and Kelp's bounds; zero: none).
    #[serde(default, with = "serde_ext::amount")]
    pub min_withdrawal: U256,
    /// See `min_withdrawal`.
    #[serde(default, with = "serde_ext::amount")]
    pub max_withdrawal: U256,
    /// Share of NAV the manager keeps liquid in the buffer when restaking, in bps.
    #[serde(default)]
    pub buffer_target_bps: u64,
}

/// Instant redemption's rules. Each preset uses the fields its contract has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstantExit {
    /// The fee in bps: Renzo's minimum, ether.fi's exit fee, Puffer's exit fee (kept by holders).
    pub fee_bps: u64,
    /// Renzo: the fee at the drawdown floor; it slides from `fee_bps` as the buffer empties.
    #[serde(default)]
    pub max_fee_bps: u64,
    /// Renzo: the buffer target the slide is measured against, in wei (zero: a flat fee).
    #[serde(default, with = "serde_ext::amount")]
    pub buffer_target: U256,
    /// Renzo: how far below its target the buffer may be drawn, in bps of the target.
    #[serde(default)]
    pub allowed_drawdown_bps: u64,
    /// ether.fi: the fee's share paid to the treasury (as shares), in bps; Puffer: the treasury's
    /// own exit fee, in bps of the redemption.
    #[serde(default)]
    pub treasury_fee_bps: u64,
    /// ether.fi: ETH kept in the pool as a share of NAV (the low watermark), in bps.
    #[serde(default)]
    pub low_watermark_bps: u64,
    /// How much may leave instantly over time.
    #[serde(default)]
    pub limit: InstantLimit,
}

/// The limit on instant redemptions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InstantLimit {
    /// None but the buffer.
    #[default]
    None,
    /// A cap per UTC day (Puffer V2's `dailyWithdrawalLimit`).
    DailyWindow {
        /// Wei a day.
        #[serde(with = "serde_ext::amount")]
        cap: U256,
    },
    /// A token bucket (ether.fi's BucketLimiter): `capacity`, refilled continuously.
    Bucket {
        /// Wei the bucket holds when full.
        #[serde(with = "serde_ext::amount")]
        capacity: U256,
        /// Wei added a second.
        #[serde(with = "serde_ext::amount")]
        refill_per_second: U256,
    },
}

/// A contract through which the LRT restakes with one operator (Renzo's OperatorDelegator,
/// Kelp's NodeDelegator): an EigenLayer staker of its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorDelegator {
    /// Its address (the EigenLayer staker, the owner of its EigenPod).
    #[serde(with = "serde_ext::account")]
    pub address: Address,
    /// The operator it delegates to.
    #[serde(with = "serde_ext::account")]
    pub operator: Address,
    /// Its share of restaked funds, in bps of the total weight.
    pub weight_bps: u64,
}

/// A queued withdrawal: escrowed shares and the value they had at the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawalRequest {
    /// Who asked.
    #[serde(with = "serde_ext::account")]
    pub owner: Address,
    /// Escrowed shares.
    #[serde(with = "serde_ext::amount")]
    pub shares: U256,
    /// Their value at the request (the most the claim pays).
    #[serde(with = "serde_ext::amount")]
    pub owed: U256,
    /// When it was requested.
    pub requested_at: u64,
}

/// One liquid restaking token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lrt {
    /// The protocol it behaves like.
    pub preset: Preset,
    /// Its token's symbol.
    pub symbol: String,
    /// The share token in the shared ledger.
    #[serde(with = "serde_ext::token")]
    pub token: Address,
    /// The non-rebasing wrapper (weETH), if any.
    #[serde(with = "serde_ext::account_opt")]
    pub wrapper: Option<Address>,
    /// The manager: restakes, reports, sets prices, pauses.
    #[serde(with = "serde_ext::account")]
    pub admin: Address,
    /// Where fees go.
    #[serde(with = "serde_ext::account")]
    pub treasury: Address,
    /// The rules.
    pub params: LrtParams,
    /// Accepted deposit assets and their oracle prices (wei of ETH per 1e18 units).
    pub prices: BTreeMap<Address, super::Amount>,
    /// Where it restakes.
    pub delegators: Vec<OperatorDelegator>,
    /// How the rate moves.
    pub rate: RateState,
    /// Pending withdrawals by id.
    pub withdrawals: BTreeMap<u64, WithdrawalRequest>,
    /// The next withdrawal id.
    pub next_withdrawal_id: u64,
    /// The instant limit's state: (UTC day, wei used that day) for a daily window; (last
    /// update, wei available) for a bucket.
    pub instant_usage: (u64, super::Amount),
    /// Paused by the manager or a circuit breaker.
    pub paused: bool,
    /// Validators staked through `restake` so far (names their keys).
    pub validators_staked: u64,
    /// Per-asset deposit limits set by the manager (Renzo's `collateralTokenTvlLimits`, in ETH
    /// of value; the others', Kelp's `depositLimitByAsset`, in units of the asset).
    #[serde(default)]
    pub deposit_limits: BTreeMap<Address, super::Amount>,
    /// Fee shares minted by price updates: (UTC day, shares minted that day).
    #[serde(default)]
    pub fee_minted_today: (u64, super::Amount),
}
