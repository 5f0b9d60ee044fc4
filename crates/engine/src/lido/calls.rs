//! Lido's calls, `lido.function` in snake_case: stETH's `submit` and staking switch, and the
//! withdrawal queue's `requestWithdrawals`, `finalize` and claims. Lido is a singleton: no call
//! names a target.

use alloy_primitives::{Address, U256};
use serde::{Deserialize, Serialize};

use crate::serde_ext;

/// A Lido call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr)]
#[serde(tag = "function", content = "args", rename_all = "snake_case", deny_unknown_fields)]
#[strum(serialize_all = "snake_case")]
#[allow(missing_docs)] // each variant is documented by its argument struct
pub enum LidoCall {
    Submit(Submit),
    RequestWithdrawals(RequestWithdrawals),
    Finalize(Finalize),
    ClaimWithdrawal(ClaimWithdrawal),
    ClaimWithdrawals(ClaimWithdrawals),
    PauseStaking(NoArgs),
    ResumeStaking(NoArgs),
    SetFinalizer(SetFinalizer),
}

/// `Lido.submit(_referral)` with `msg.value = amount`: the sender's ETH buys stETH one for
/// one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Submit {
    /// ETH sent (`msg.value`), in wei.
    #[serde(with = "serde_ext::amount")]
    pub amount: U256,
    /// The referral (only recorded in the event; address(0) if omitted).
    #[serde(default, with = "serde_ext::account_opt", skip_serializing_if = "Option::is_none")]
    pub referral: Option<Address>,
}

/// `WithdrawalQueue.requestWithdrawals(_amounts, _owner)`: one request per amount, the
/// sender's stETH locked in the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestWithdrawals {
    /// stETH per request, each within [100 wei, 1000 stETH].
    #[serde(with = "serde_ext::amounts")]
    pub amounts: Vec<U256>,
    /// Who may claim them (the sender if omitted or address(0)).
    #[serde(default, with = "serde_ext::account_opt", skip_serializing_if = "Option::is_none")]
    pub owner: Option<Address>,
}

/// `finalize(_lastRequestIdToBeFinalized, _maxShareRate)` as the oracle's report makes Lido
/// call it: every request up to `last_request_id` is finalized and the ETH they need moves
/// from Lido's buffer to the queue. There is no `max_share_rate`: at a share rate of 1 every
/// batch is nominal, so the discount it caps never applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finalize {
    /// The last request to finalize (above the last finalized one, at most the last one).
    #[serde(with = "serde_ext::int")]
    pub last_request_id: u64,
}

/// `claimWithdrawal(_requestId)`, or `claimWithdrawalsTo([_requestId], hints, _recipient)`
/// with a recipient: the owner takes the request's ETH. Hints are found by the engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimWithdrawal {
    /// The request.
    #[serde(with = "serde_ext::int")]
    pub request_id: u64,
    /// Who receives the ETH (the sender if omitted).
    #[serde(default, with = "serde_ext::account_opt", skip_serializing_if = "Option::is_none")]
    pub recipient: Option<Address>,
}

/// `claimWithdrawals(_requestIds, hints)` or `claimWithdrawalsTo(…, _recipient)`: several
/// claims at once, all or none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimWithdrawals {
    /// The requests.
    #[serde(with = "serde_ext::ints")]
    pub request_ids: Vec<u64>,
    /// Who receives the ETH (the sender if omitted).
    #[serde(default, with = "serde_ext::account_opt", skip_serializing_if = "Option::is_none")]
    pub recipient: Option<Address>,
}

/// No arguments (`pauseStaking()`, `resumeStaking()`, by `STAKING_CONTROL_ROLE`: the world's
/// admin).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoArgs {}

/// Gives the finalizer's role (the oracle's report) to `finalizer`, taking it from the holder
/// (the world's admin only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetFinalizer {
    /// The new finalizer.
    #[serde(with = "serde_ext::account")]
    pub finalizer: Address,
}
