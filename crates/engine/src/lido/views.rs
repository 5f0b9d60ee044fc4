//! Lido's view functions: the queue's (`getWithdrawalStatus`, `getLastRequestId`,
//! `unfinalizedStETH`, `prefinalize`, …) and Lido's `getBufferedEther` and
//! `isStakingPaused`.

use alloy_primitives::{Address, U256};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{E, Lido, Result, calls::NoArgs, lido_address};
use crate::{accounts::NATIVE_ETH, ledger::Ledger, math, serde_ext};

/// A Lido view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr)]
#[serde(tag = "function", content = "args", rename_all = "snake_case", deny_unknown_fields)]
#[strum(serialize_all = "snake_case")]
#[allow(missing_docs)] // named as the contracts' view functions
pub enum LidoView {
    /// `getWithdrawalStatus(_requestIds)`: per id, `amount_of_steth`, `amount_of_shares`,
    /// `owner`, `timestamp`, `is_finalized`, `is_claimed`.
    GetWithdrawalStatus(RequestIds),
    /// `getWithdrawalRequests(_owner)`: the owner's unclaimed requests in storage order.
    GetWithdrawalRequests(Owner),
    /// `getClaimableEther(_requestIds, hints)`: what each would pay now (0 if not finalized
    /// or claimed).
    GetClaimableEther(RequestIds),
    GetLastRequestId(NoArgs),
    GetLastFinalizedRequestId(NoArgs),
    GetLockedEtherAmount(NoArgs),
    #[serde(rename = "unfinalized_steth")]
    #[strum(serialize = "unfinalized_steth")]
    UnfinalizedStEth(NoArgs),
    UnfinalizedRequestNumber(NoArgs),
    /// `prefinalize(_batches, _maxShareRate)` at a share rate of 1: `eth_to_lock` and
    /// `shares_to_burn` to finalize up to the last batch's end.
    Prefinalize(Batches),
    /// `Lido.getBufferedEther()`: the ETH Lido holds.
    GetBufferedEther(NoArgs),
    IsStakingPaused(NoArgs),
}

/// Request ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestIds {
    /// The requests.
    #[serde(with = "serde_ext::ints")]
    pub request_ids: Vec<u64>,
}

/// An owner of requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Owner {
    /// The owner.
    #[serde(with = "serde_ext::account")]
    pub owner: Address,
}

/// Finalization batches: each batch's last request id, increasing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Batches {
    /// The batch ends.
    #[serde(with = "serde_ext::ints")]
    pub batches: Vec<u64>,
}

impl Lido {
    /// `_getStatus(_requestId)`.
    fn status(&self, id: u64) -> Result<Value> {
        let request = self.request(id).ok_or(E::InvalidRequestId(id))?;
        let amount = self.amount_of(id).to_string();
        Ok(json!({
            "amount_of_steth": amount,
            "amount_of_shares": amount,
            "owner": request.owner.to_checksum(None),
            "timestamp": request.timestamp,
            "is_finalized": id <= self.last_finalized_request_id,
            "is_claimed": request.claimed,
        }))
    }

    /// `_getClaimableEther`: 0 unless finalized and unclaimed.
    fn claimable_ether(&self, id: u64) -> Result<U256> {
        let request = self.request(id).ok_or(E::InvalidRequestId(id))?;
        if id > self.last_finalized_request_id || request.claimed {
            return Ok(U256::ZERO);
        }
        Ok(self.amount_of(id))
    }

    /// `prefinalize`: checks the batches as the contract does; every batch is nominal.
    fn prefinalize(&self, batches: &[u64]) -> Result<(U256, U256)> {
        let (Some(&first), Some(&last)) = (batches.first(), batches.last()) else {
            return Err(E::EmptyBatches);
        };
        if first <= self.last_finalized_request_id {
            return Err(E::InvalidRequestId(first));
        }
        if last > self.last_request_id() {
            return Err(E::InvalidRequestId(last));
        }
        if batches.windows(2).any(|w| w[1] <= w[0]) {
            return Err(E::BatchesAreNotSorted);
        }
        let eth = math::sub(
            self.cumulative_steth(last),
            self.cumulative_steth(self.last_finalized_request_id),
        )?;
        Ok((eth, eth))
    }

    /// Answers a view.
    pub fn view(&self, ledger: &Ledger, view: &LidoView) -> Result<Value> {
        use LidoView as V;
        Ok(match view {
            V::GetWithdrawalStatus(a) => Value::Array(
                a.request_ids.iter().map(|&id| self.status(id)).collect::<Result<_>>()?,
            ),
            V::GetWithdrawalRequests(a) => json!(
                self.requests_by_owner
                    .get(&a.owner)
                    .map(|ids| ids.values().to_vec())
                    .unwrap_or_default()
            ),
            V::GetClaimableEther(a) => Value::Array(
                a.request_ids
                    .iter()
                    .map(|&id| self.claimable_ether(id).map(|v| Value::String(v.to_string())))
                    .collect::<Result<_>>()?,
            ),
            V::GetLastRequestId(_) => json!(self.last_request_id()),
            V::GetLastFinalizedRequestId(_) => json!(self.last_finalized_request_id),
            V::GetLockedEtherAmount(_) => Value::String(self.locked_ether.to_string()),
            V::UnfinalizedStEth(_) => Value::String(self.unfinalized_steth().to_string()),
            V::UnfinalizedRequestNumber(_) => {
                json!(self.last_request_id() - self.last_finalized_request_id)
            }
            V::Prefinalize(a) => {
                let (eth, shares) = self.prefinalize(&a.batches)?;
                json!({ "eth_to_lock": eth.to_string(), "shares_to_burn": shares.to_string() })
            }
            V::GetBufferedEther(_) => {
                Value::String(ledger.balance_of(NATIVE_ETH, lido_address()).to_string())
            }
            V::IsStakingPaused(_) => Value::Bool(self.staking_paused),
        })
    }
}
