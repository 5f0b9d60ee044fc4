//! Babylon's queries.

use alloy_primitives::{Address, B256};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{Babylon, BabylonEnv, BabylonError, Result, calls::btc_key, state::PPM};
use crate::serde_ext;

/// A Babylon query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "function", content = "args", rename_all = "snake_case", deny_unknown_fields)]
#[allow(missing_docs)] // each variant is documented by its arguments
pub enum BabylonView {
    /// The BTC tip and the world block it corresponds to.
    BtcTip {},
    /// A delegation: status, heights, voting-power window, where its satoshi went.
    GetBtcDelegation { staking_tx_hash: B256 },
    /// A staker's delegations.
    GetBtcDelegations {
        #[serde(with = "serde_ext::account")]
        staker: Address,
    },
    /// A finality provider: power, slashing status and exposure.
    GetFinalityProvider {
        #[serde(with = "btc_key")]
        fp_btc_pk: B256,
    },
    /// The voting power table of a network at a height (recorded at its first vote, or as it
    /// would be now).
    VotingPowerTable {
        #[serde(default = "genesis")]
        consumer_id: String,
        #[serde(with = "serde_ext::int")]
        height: u64,
    },
    /// Whether a block has votes from more than 2/3 of its height's voting power.
    IsFinalized {
        #[serde(default = "genesis")]
        consumer_id: String,
        #[serde(with = "serde_ext::int")]
        height: u64,
        block_app_hash: B256,
    },
    /// The parameters in force at a BTC height (the tip if omitted).
    GetParams {
        #[serde(default, with = "opt_height")]
        btc_height: Option<u64>,
    },
    /// Rewards an account can withdraw.
    RewardBalance {
        #[serde(with = "serde_ext::account")]
        account: Address,
        #[serde(with = "serde_ext::token")]
        token: Address,
    },
}

fn genesis() -> String {
    super::state::BABYLON_GENESIS.to_owned()
}

mod opt_height {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(
        value: &Option<u64>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => serializer.serialize_u64(*v),
            None => serializer.serialize_none(),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<u64>, D::Error> {
        #[derive(Deserialize)]
        struct Wrapper(#[serde(with = "crate::serde_ext::int")] u64);
        Ok(Option::<Wrapper>::deserialize(deserializer)?.map(|w| w.0))
    }
}

impl Babylon {
    /// Answers a query.
    pub fn view(&self, env: &BabylonEnv, world_block: u64, view: &BabylonView) -> Result<Value> {
        let tip = env.btc_height;
        Ok(match view {
            BabylonView::BtcTip {} => json!({ "btc_height": tip, "world_block": world_block }),
            BabylonView::GetBtcDelegation { staking_tx_hash } => {
                self.delegation_json(*staking_tx_hash, tip)?
            }
            BabylonView::GetBtcDelegations { staker } => Value::Array(
                self.delegations
                    .iter()
                    .filter(|(_, d)| d.staker == *staker)
                    .map(|(hash, _)| self.delegation_json(*hash, tip))
                    .collect::<Result<_>>()?,
            ),
            BabylonView::GetFinalityProvider { fp_btc_pk } => {
                let provider = self
                    .finality_providers
                    .get(fp_btc_pk)
                    .ok_or(BabylonError::FpNotFound(*fp_btc_pk))?;
                let power = self
                    .current_power(&provider.consumer_id, tip)
                    .get(fp_btc_pk)
                    .copied()
                    .unwrap_or(0);
                // What a slash would burn now: the rate of every stake still exposed.
                let exposed: u64 = self
                    .delegations
                    .values()
                    .filter(|d| {
                        d.fp_btc_pks.contains(fp_btc_pk) && d.slashed_at.is_none() && !d.withdrawn
                    })
                    .map(|d| d.value_sat - d.outflows.fees_sat)
                    .sum();
                let rate = self.params(self.params_version_at(tip)).slashing_rate_ppm;
                json!({
                    "owner": provider.owner.to_checksum(None),
                    "consumer_id": provider.consumer_id,
                    "commission_ppm": provider.commission_ppm,
                    "moniker": provider.moniker,
                    "voting_power_sat": power,
                    "slashed": provider.slashed,
                    "jailed_until": provider.jailed_until,
                    "missed_votes_in_window": provider.missed_heights.len(),
                    "exposed_sat": exposed,
                    "slashing_exposure_sat": u128::from(exposed) * u128::from(rate) / u128::from(PPM),
                })
            }
            BabylonView::VotingPowerTable { consumer_id, height } => {
                let recorded = self.power_tables.get(&(consumer_id.clone(), *height));
                let table = recorded
                    .cloned()
                    .unwrap_or_else(|| self.power_table(consumer_id, *height, tip));
                let total: u64 = table.values().sum();
                let rows: Vec<Value> = table
                    .iter()
                    .map(|(fp, power)| json!({ "fp_btc_pk": fp, "voting_power_sat": power }))
                    .collect();
                json!({ "recorded": recorded.is_some(), "total_sat": total, "finality_providers": rows })
            }
            BabylonView::IsFinalized { consumer_id, height, block_app_hash } => {
                let Some(table) = self.power_tables.get(&(consumer_id.clone(), *height)) else {
                    return Ok(json!({ "finalized": false, "voted_sat": 0, "total_sat": 0 }));
                };
                let total: u64 = table.values().sum();
                let voted: u64 = table
                    .iter()
                    .filter(|(fp, _)| {
                        self.votes
                            .get(&(consumer_id.clone(), *height, **fp))
                            .is_some_and(|v| v.block_hash == *block_app_hash)
                    })
                    .map(|(_, power)| power)
                    .sum();
                json!({ "finalized": 3 * u128::from(voted) > 2 * u128::from(total), "voted_sat": voted, "total_sat": total })
            }
            BabylonView::GetParams { btc_height } => {
                let version = self.params_version_at(btc_height.unwrap_or(tip));
                json!({ "version": version, "params": self.params(version) })
            }
            BabylonView::RewardBalance { account, token } => Value::String(
                self.rewards.get(&(*account, *token)).copied().unwrap_or_default().to_string(),
            ),
        })
    }

    fn delegation_json(&self, hash: B256, tip: u64) -> Result<Value> {
        let delegation =
            self.delegations.get(&hash).ok_or(BabylonError::BtcDelegationNotFound(hash))?;
        let params = self.params(delegation.params_version);
        let status: &'static str = self.status(delegation, tip).into();
        let end = delegation.start_height.map(|start| start + delegation.staking_time_blocks);
        Ok(json!({
            "staking_tx_hash": hash,
            "status": status,
            "staker": delegation.staker.to_checksum(None),
            "fp_btc_pks": delegation.fp_btc_pks,
            "value_sat": delegation.value_sat,
            "staking_time": delegation.staking_time_blocks,
            "covenant_signatures": delegation.covenant_signers.len(),
            "covenant_quorum": params.covenant_quorum,
            "params_version": delegation.params_version,
            "start_height": delegation.start_height,
            "end_height": end,
            // Power from the start, until `unbonding_time` before the timelock ends.
            "voting_power_from": delegation.start_height,
            "voting_power_until": end.map(|e| e - params.unbonding_time_blocks),
            "unlock_height": self.unlock_height(delegation),
            "burned_sat": delegation.outflows.burned_sat,
            "fees_sat": delegation.outflows.fees_sat,
            "returned_sat": delegation.outflows.returned_sat,
        }))
    }
}
