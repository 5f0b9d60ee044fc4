//! LRT calls, `lrt.function` with `target` naming the LRT (its label).

use alloy_primitives::{Address, U256};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{LrtParams, Preset};
use crate::serde_ext;

/// An LRT call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr)]
#[serde(tag = "function", content = "args", rename_all = "snake_case", deny_unknown_fields)]
#[strum(serialize_all = "snake_case")]
#[allow(missing_docs)] // each variant is documented by its argument struct
pub enum LrtCall {
    Create(Box<Create>),
    Deposit(Deposit),
    RequestWithdrawal(Request),
    ClaimWithdrawal(RequestId),
    InstantRedeem(Shares),
    ReceiveRewards(Amount),
    Report(Target),
    UpdatePrice(UpdatePrice),
    SetAssetPrice(SetAssetPrice),
    SetPaused(SetPaused),
    SetDepositLimit(SetDepositLimit),
    Wrap(Amount),
    Unwrap(Amount),
    AddDelegator(AddDelegator),
    SetDelegatorWeight(SetDelegatorWeight),
    Restake(Target),
    Unwind(Unwind),
    ProcessUnwind(Target),
    Execute(Box<Execute>),
}

/// `lrt.create`: a new LRT following `preset` (the world's admin only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Create {
    /// Which protocol it behaves like.
    pub preset: Preset,
    /// Its token's symbol (ezETH, eETH, rsETH, pufETH by default).
    #[serde(default)]
    pub symbol: Option<String>,
    /// The manager (the sender by default).
    #[serde(default, with = "serde_ext::account_opt")]
    pub admin: Option<Address>,
    /// Where fees go (`"<symbol>-treasury"` by default).
    #[serde(default, with = "serde_ext::account_opt")]
    pub treasury: Option<Address>,
    /// Rules replacing the preset's.
    #[serde(default)]
    pub params: Option<LrtParams>,
    /// Accepted assets besides ETH, at a price of 1 ETH each unless set later.
    #[serde(default, with = "serde_ext::tokens")]
    pub assets: Vec<Address>,
}

/// A deposit of an accepted asset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deposit {
    /// The LRT.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// ETH or an accepted LST.
    #[serde(default = "eth", with = "serde_ext::token")]
    pub asset: Address,
    /// How much.
    #[serde(with = "serde_ext::amount")]
    pub amount: U256,
    /// Slippage floor.
    #[serde(default, with = "serde_ext::amount")]
    pub min_shares_out: U256,
}

fn eth() -> Address {
    crate::accounts::NATIVE_ETH
}

/// An amount of shares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shares {
    /// The LRT.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// Shares (LRT tokens).
    #[serde(with = "serde_ext::amount")]
    pub shares: U256,
}

/// A withdrawal request: of `shares` (LRT tokens), or for ether.fi of an eETH `amount`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// The LRT.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// Shares to escrow.
    #[serde(default, with = "serde_ext::amount_opt")]
    pub shares: Option<U256>,
    /// ether.fi: the eETH amount asked for (`requestWithdraw(recipient, amount)`).
    #[serde(default, with = "serde_ext::amount_opt")]
    pub amount: Option<U256>,
}

/// A withdrawal request's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestId {
    /// The LRT.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// The id `request_withdrawal` returned.
    #[serde(with = "serde_ext::int")]
    pub request_id: u64,
}

/// An amount of ETH.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Amount {
    /// The LRT.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// Wei.
    #[serde(with = "serde_ext::amount")]
    pub amount: U256,
}

/// The LRT alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// The LRT.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
}

/// `lrt.unwind`: the manager starts bringing restaked ETH back to the pool to pay queued
/// withdrawals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unwind {
    /// The LRT.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// ETH to bring back (default: what queued requests are owed beyond the ETH the pool
    /// holds and the ETH already on its way back).
    #[serde(default, with = "serde_ext::amount_opt")]
    pub amount: Option<U256>,
}

/// `lrt.set_deposit_limit`: the manager caps how much of `asset` the LRT may hold (zero: no
/// cap).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetDepositLimit {
    /// The LRT.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// ETH or an accepted LST.
    #[serde(with = "serde_ext::token")]
    pub asset: Address,
    /// The limit.
    #[serde(with = "serde_ext::amount")]
    pub limit: U256,
}

/// A stored-price update (anyone; the manager may `force` a rise above the limit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdatePrice {
    /// The LRT.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// Accept a rise above the limit (manager only).
    #[serde(default)]
    pub force: bool,
}

/// An asset's oracle price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetAssetPrice {
    /// The LRT.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// The asset.
    #[serde(with = "serde_ext::token")]
    pub asset: Address,
    /// Wei of ETH per 1e18 units (`"0.95 ether"`).
    #[serde(with = "serde_ext::amount")]
    pub price: U256,
}

/// Pause or unpause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetPaused {
    /// The LRT.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// Paused or not.
    pub paused: bool,
}

/// A new operator delegator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddDelegator {
    /// The LRT.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// The operator.
    #[serde(with = "serde_ext::account")]
    pub operator: Address,
    /// Its weight in bps.
    #[serde(with = "serde_ext::int")]
    pub weight_bps: u64,
}

/// `lrt.set_delegator_weight`: the manager re-weights an operator delegator (zero: restake no
/// more through it); the next `restake` follows the new weights.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetDelegatorWeight {
    /// The LRT.
    #[serde(with = "serde_ext::account")]
    pub target: Address,
    /// The delegator's index.
    #[serde(with = "serde_ext::int")]
    pub delegator: u64,
    /// Its new weight in bps.
    #[serde(with = "serde_ext::int")]
    pub weight_bps: u64,
}

/// A call the manager makes through the LRT: as its pool (no `delegator`) or as one of its
/// operator delegators (by index). The inner call is parsed with the outer one, so a malformed
/// one is a bad call, and a program (the simulator) builds it typed without any JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ExecuteWire", into = "ExecuteWire")]
pub struct Execute {
    /// The LRT.
    pub target: Address,
    /// Which operator delegator acts (the pool itself if omitted).
    pub delegator: Option<usize>,
    /// The call (eigenlayer, beacon, token, lido).
    pub call: crate::Action,
}

/// [`Execute`] as it is written: `call` = `protocol.function`, `args` its arguments.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExecuteWire {
    #[serde(with = "serde_ext::account")]
    target: Address,
    #[serde(default)]
    delegator: Option<usize>,
    call: String,
    #[serde(default)]
    args: Value,
}

impl TryFrom<ExecuteWire> for Execute {
    type Error = String;

    fn try_from(wire: ExecuteWire) -> Result<Self, String> {
        let call = crate::Action::parse(&wire.call, wire.args)
            .map_err(|e| format!("the executed call {}: {}", wire.call, e.message))?;
        Ok(Self { target: wire.target, delegator: wire.delegator, call })
    }
}

impl From<Execute> for ExecuteWire {
    fn from(execute: Execute) -> Self {
        Self {
            target: execute.target,
            delegator: execute.delegator,
            call: execute.call.name(),
            args: execute.call.args(),
        }
    }
}
