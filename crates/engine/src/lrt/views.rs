//! LRT views: the rate and NAV, balances, requests, exit routes, and the comparison of holding
//! an LRT with restaking directly.

use alloy_primitives::{Address, U256};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{LrtEnv, Lrts, RateState, Result};
use crate::{ledger::Ledger, serde_ext};

/// An LRT view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr)]
#[serde(tag = "function", content = "args", rename_all = "snake_case", deny_unknown_fields)]
#[allow(missing_docs)] // each variant is documented by its argument struct
pub enum LrtView {
    Info(Target),
    Rate(Target),
    Nav(Target),
    BalanceOf(Account),
    Withdrawal(Request),
    ExitRoutes(SharesArg),
    CompareStrategies(Compare),
}

/// The LRT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// The LRT.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
}

/// The LRT and a holder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// The LRT.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// The holder.
    #[serde(with = "serde_ext::account")]
    pub account: Address,
}

/// A withdrawal request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// The LRT.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// Its id.
    #[serde(with = "serde_ext::int")]
    pub request_id: u64,
}

/// An amount of shares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharesArg {
    /// The LRT.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// Shares.
    #[serde(with = "serde_ext::amount")]
    pub shares: U256,
}

/// The brief's three strategies for one staker and one amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Compare {
    /// The LRT.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// The amount of ETH to place.
    #[serde(with = "serde_ext::amount")]
    pub amount: U256,
    /// The operator a direct restaker would delegate to.
    #[serde(with = "serde_ext::account")]
    pub operator: Address,
    /// The hybrid's share in the LRT, in bps (half by default).
    #[serde(default = "half", with = "serde_ext::int")]
    pub lrt_share_bps: u64,
    /// The gross restaking yield assumed, in bps a year (staking plus AVS rewards).
    #[serde(with = "serde_ext::int")]
    pub gross_apr_bps: u64,
}

fn half() -> u64 {
    5_000
}

impl Lrts {
    /// Answers the views that need only the LRTs and what [`LrtEnv`] shows.
    pub fn view(&self, ledger: &Ledger, env: &LrtEnv<'_>, view: &LrtView) -> Result<Value> {
        Ok(match view {
            LrtView::Info(a) => {
                let lrt = self.lrt(a.target)?;
                let (nav, supply) = self.accounted(a.target, ledger, env)?;
                let live = lrt.live_nav(a.target, ledger, env)?;
                let pending: U256 = lrt.withdrawals.values().map(|w| w.shares).sum();
                json!({
                    "preset": lrt.preset,
                    "token": lrt.token.to_checksum(None),
                    "nav": nav.to_string(),
                    "live_nav": live.total.to_string(),
                    "supply": supply.to_string(),
                    "rate": self.rate(a.target, ledger, env)?.to_string(),
                    "regime": lrt.rate,
                    "paused": lrt.paused,
                    "pending_withdrawal_shares": pending.to_string(),
                    "delegators": lrt.delegators,
                    "params": lrt.params,
                })
            }
            LrtView::Rate(a) => Value::String(self.rate(a.target, ledger, env)?.to_string()),
            LrtView::Nav(a) => {
                let lrt = self.lrt(a.target)?;
                json!(lrt.live_nav(a.target, ledger, env)?)
            }
            LrtView::BalanceOf(a) => {
                let lrt = self.lrt(a.target)?;
                let mut shares = ledger.balance_of(lrt.token, a.account);
                if let Some(wrapper) = lrt.wrapper {
                    shares += ledger.balance_of(wrapper, a.account);
                }
                Value::String(self.shares_value(a.target, ledger, env, shares)?.to_string())
            }
            LrtView::Withdrawal(a) => json!(self.lrt(a.target)?.withdrawals.get(&a.request_id)),
            LrtView::ExitRoutes(a) => json!(self.exit_routes(a.target, ledger, env, a.shares)?),
            LrtView::CompareStrategies(_) => unreachable!("answered by the world"),
        })
    }

    /// Whether the LRT recognises value only through reports or price updates.
    pub fn is_discrete(&self, pool: Address) -> bool {
        self.instances.get(&pool).is_some_and(|l| !matches!(l.rate, RateState::Live))
    }
}
