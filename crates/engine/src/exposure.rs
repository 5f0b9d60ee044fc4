//! Security stacking: what can slash an account, across EigenLayer, Symbiotic, Karak and Jito.
//!
//! Tokens move between protocols through the shared ledger, so one staker, operator or LRT can
//! hold positions in all three. [`World::exposure`] lists, for each service that can slash the
//! account's positions, how much at most (in the position's token) and after what delay:
//!
//! - EigenLayer: a staker's withdrawable shares in each strategy, times the magnitude its
//!   operator allocated to each operator set that can slash it, plus its queued withdrawals
//!   still inside the withdrawal delay (under the operator they were queued from, even once
//!   undelegated); an operator's delegated shares likewise. Slashes apply at once (delay 0).
//! - Symbiotic: each (subnetwork, operator) can take up to the most `slashableStake(t)` reaches
//!   over the captures `t` in `[now − epochDuration, now]` from the vault's slashable pool, which
//!   falls on holders pro rata: the account's share is that stake times its part of the pool a
//!   capture reaches (active stake and the next epoch's bucket, plus the maturing bucket for a
//!   capture in the previous epoch), the larger of the two. Delay: a veto slasher's veto period
//!   when the subnetwork has a resolver that can veto, else 0.
//! - Karak: each DSS a vault is staked to can take up to its maximum percentage of the account's
//!   assets in the vault (redemptions queued to it as beneficiary included: they are priced
//!   when they finish), after the 2-day veto window. Requests the DSS already made and that are
//!   not finalized come on top (a DSS may request again every 2 days): each entry lists their
//!   summed percentages for the vault and the earliest time one can be finalized.
//! - Jito: each NCN whose handshakes with a vault and one of its operators, and one of whose
//!   slashers' tickets, are all active or cooling down could take from that operator's
//!   delegation (every stage) what its slashers' per-epoch caps still allow, at once, under the
//!   removed slash instruction; the vault program has none since PR #141, so the amount is 0
//!   unless the config's `slashing_enabled` switch is on, and each entry's `note` says which.
//!   VRT holders bear it pro rata to the VRT they hold or have in withdrawal tickets.
//! - LRTs: an LRT is exposed through its operator delegators' positions; a holder of its token,
//!   pro rata to the value held (the position is then the LRT).

use std::collections::BTreeMap;

use alloy_primitives::{Address, U256};
use serde::{Deserialize, Serialize};

use crate::{
    World,
    accounts::BEACON_CHAIN_ETH_STRATEGY,
    eigenlayer::underlying_for_shares,
    karak::state::{HUNDRED_PERCENT_WAD, SLASHING_VETO_WINDOW},
    math::{self, MathError, Rounding},
    serde_ext,
    symbiotic::{SlasherKind, vault::At},
};

/// One service's claim on an account's positions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exposure {
    /// `eigenlayer`, `symbiotic`, `karak` or `jito`.
    pub protocol: String,
    /// The service: an AVS (with `service_id` its operator set), a network (with `service_id`
    /// its subnetwork's identifier), a DSS.
    #[serde(with = "serde_ext::account")]
    pub service: Address,
    /// The operator set id or subnetwork identifier; none for a DSS.
    pub service_id: Option<u128>,
    /// Whose stake it slashes.
    #[serde(with = "serde_ext::account")]
    pub operator: Address,
    /// The position: a strategy, a vault.
    #[serde(with = "serde_ext::account")]
    pub position: Address,
    /// The token at risk.
    #[serde(with = "serde_ext::token")]
    pub token: Address,
    /// The most the service can take from the account, in that token.
    #[serde(with = "serde_ext::amount")]
    pub slashable: U256,
    /// Seconds between a slash's request and its effect (a veto window), 0 if instant.
    pub delay_seconds: u64,
    /// Whether the account holds the position as a staker or is the operator.
    pub role: String,
    /// Karak: the sum of the percentages (WAD) this DSS's slash requests already pending
    /// against the operator name for this vault. `slashable` counts none of them: each takes
    /// its percentage of the vault's assets when it is finalized, on top of what a new
    /// request (possible once per 2-day cooldown) can take. 0 elsewhere.
    #[serde(with = "serde_ext::amount")]
    pub pending_slash_percentage_wad: U256,
    /// Karak: the earliest time (seconds) one of those pending requests can be finalized
    /// (its request time plus the 2-day veto window; possibly already past); none if none is
    /// pending, and elsewhere.
    pub pending_finalizable_at: Option<u64>,
    /// A caveat on the entry (Jito: whether slashing is enabled; omitted elsewhere).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The `world.exposure` view's arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "function", content = "args", rename_all = "snake_case", deny_unknown_fields)]
pub enum WorldView {
    /// Every service that can slash `account`, across the restaking protocols.
    Exposure {
        /// The staker, operator or LRT.
        #[serde(with = "serde_ext::account")]
        account: Address,
    },
}

impl World {
    /// Every service that can slash `account`'s positions, across the three protocols.
    pub fn exposure(&self, account: Address) -> Result<Vec<Exposure>, MathError> {
        let mut out = Vec::new();
        self.eigenlayer_exposure(account, &mut out)?;
        self.symbiotic_exposure(account, &mut out)?;
        self.karak_exposure(account, &mut out)?;
        self.jito_exposure(account, &mut out)?;
        self.lrt_exposure(account, &mut out)?;
        Ok(out)
    }

    /// An LRT is exposed through its operator delegators; its holders, pro rata to the value
    /// of the tokens they hold (weETH included).
    fn lrt_exposure(&self, account: Address, out: &mut Vec<Exposure>) -> Result<(), MathError> {
        let env = self.lrt_env();
        for (&pool, lrt) in &self.lrts.instances {
            let mut held = self.ledger.balance_of(lrt.token, account);
            if let Some(wrapper) = lrt.wrapper {
                held = math::add(held, self.ledger.balance_of(wrapper, account))?;
            }
            let (nav, supply) =
                self.lrts.accounted(pool, &self.ledger, &env).map_err(|_| MathError::Overflow)?;
            let (numerator, denominator, role) = if account == pool {
                (U256::ONE, U256::ONE, "lrt")
            } else if !held.is_zero() && !supply.is_zero() {
                let value = self
                    .lrts
                    .shares_value(pool, &self.ledger, &env, held)
                    .map_err(|_| MathError::Overflow)?;
                (value, nav.max(U256::ONE), "lrt holder")
            } else {
                continue;
            };
            for delegator in &lrt.delegators {
                let mut inner = Vec::new();
                self.eigenlayer_exposure(delegator.address, &mut inner)?;
                self.symbiotic_exposure(delegator.address, &mut inner)?;
                self.karak_exposure(delegator.address, &mut inner)?;
                self.jito_exposure(delegator.address, &mut inner)?;
                for mut e in inner {
                    e.slashable =
                        math::mul_div(e.slashable, numerator, denominator, Rounding::Floor)?;
                    e.position = pool;
                    e.role = role.into();
                    out.push(e);
                }
            }
        }
        Ok(())
    }

    fn eigenlayer_exposure(
        &self,
        account: Address,
        out: &mut Vec<Exposure>,
    ) -> Result<(), MathError> {
        let el = &self.eigenlayer;
        let now = self.clock.block;
        let failed = |_| MathError::Overflow;
        let is_operator = el.operators.contains_key(&account);
        let staker = el.stakers.get(&account);
        // Shares at risk per (operator whose sets can slash them, strategy, role).
        let mut holdings: BTreeMap<(Address, Address, &str), U256> = BTreeMap::new();
        let mut hold = |key, shares: U256| -> Result<(), MathError> {
            let entry = holdings.entry(key).or_default();
            *entry = math::add(*entry, shares)?;
            Ok(())
        };
        let operator = staker.and_then(|s| s.delegated_to).or(is_operator.then_some(account));
        if let Some(operator) = operator {
            if account == operator {
                if let Some(record) = el.operators.get(&operator) {
                    for (&strategy, entry) in &record.strategies {
                        hold((operator, strategy, "operator"), entry.shares)?;
                    }
                }
            } else if let Some(staker) = staker {
                let strategies: Vec<Address> =
                    staker.positions.iter().map(|p| p.strategy).collect();
                let (withdrawable, _) =
                    el.get_withdrawable_shares(account, &strategies).map_err(failed)?;
                for (strategy, shares) in strategies.into_iter().zip(withdrawable) {
                    hold((operator, strategy, "staker"), shares)?;
                }
            }
        }
        // Queued withdrawals stay slashable by the operator the staker was delegated to when
        // queuing, through the withdrawal delay (the DelegationManager slashes them from the
        // cumulative scaled shares queued since `now − delay`), undelegated or not. Their shares
        // are the scaled shares times that operator's slashing factor today.
        let delay = el.params.min_withdrawal_delay_blocks;
        for root in staker.map(|s| s.queued_withdrawals.as_slice()).unwrap_or_default() {
            let Some(withdrawal) = el.withdrawals.get(root) else { continue };
            let slashable_until =
                u64::from(withdrawal.start_block).checked_add(delay).ok_or(MathError::Overflow)?;
            if withdrawal.delegated_to == Address::ZERO || now > slashable_until {
                continue;
            }
            let operator = withdrawal.delegated_to;
            for (&strategy, &scaled) in withdrawal.strategies.iter().zip(&withdrawal.scaled_shares)
            {
                let factor = el
                    .slashing_factor(withdrawal.staker, Some(operator), strategy)
                    .map_err(failed)?;
                hold((operator, strategy, "staker"), math::mul_wad(scaled, factor)?)?;
            }
        }
        for (set, info) in &el.operator_sets {
            for (&(operator, strategy, role), &shares) in &holdings {
                let Some(record) = el.operators.get(&operator) else { continue };
                let max = record.max_magnitude(strategy);
                if max == 0 || shares.is_zero() || !info.strategies.contains(&strategy) {
                    continue;
                }
                if !info.members.contains(&operator) && !record.is_slashable_by(*set, now) {
                    continue;
                }
                let magnitude = el.get_allocation(now, operator, *set, strategy).current_magnitude;
                if magnitude == 0 {
                    continue;
                }
                let at_risk =
                    math::mul_div(shares, U256::from(magnitude), U256::from(max), Rounding::Floor)?;
                let (token, amount) = if strategy == BEACON_CHAIN_ETH_STRATEGY {
                    (crate::accounts::NATIVE_ETH, at_risk)
                } else {
                    let Some(pool) = el.strategies.get(&strategy) else { continue };
                    let balance = self.ledger.balance_of(pool.token, strategy);
                    let underlying = underlying_for_shares(at_risk, pool.total_shares, balance)
                        .map_err(failed)?;
                    (pool.token, underlying)
                };
                out.push(Exposure {
                    protocol: "eigenlayer".into(),
                    service: set.avs,
                    service_id: Some(u128::from(set.id)),
                    operator,
                    position: strategy,
                    token,
                    slashable: amount,
                    delay_seconds: 0,
                    role: role.into(),
                    pending_slash_percentage_wad: U256::ZERO,
                    pending_finalizable_at: None,
                    note: None,
                });
            }
        }
        Ok(())
    }

    fn symbiotic_exposure(
        &self,
        account: Address,
        out: &mut Vec<Exposure>,
    ) -> Result<(), MathError> {
        let sym = &self.symbiotic;
        let now = self.clock.timestamp();
        let failed = |_| MathError::Overflow;
        for (&address, vault) in &sym.vaults {
            if vault.slasher.is_none() {
                continue;
            }
            // A slash captured in the current epoch reaches active stake and the next epoch's
            // bucket; one captured in the previous epoch also the bucket maturing at this
            // epoch's end (`Vault::slash_split`). The account bears each pool's slash pro rata
            // to its part of it, so its share is the larger of the two.
            let current = vault.epoch_at(now).map_err(failed)?;
            let active = vault.active_balance_of(account, At::Latest).map_err(failed)?;
            let maturing = vault.withdrawals_of(current, account).map_err(failed)?;
            let next = vault.withdrawals_of(current + 1, account).map_err(failed)?;
            let near = math::add(active, next)?;
            let held = math::add(near, maturing)?;
            let near_pool =
                math::add(vault.active_stake(At::Latest), vault.withdrawals(current + 1))?;
            let pool = math::add(near_pool, vault.withdrawals(current))?;
            let subnetworks = vault.delegator.max_network_limit.keys();
            let operators = sym.vault_opt_ins.keys().filter(|(_, place)| *place == address);
            let operators: Vec<Address> = operators.map(|(who, _)| *who).collect();
            for &subnetwork in subnetworks {
                let delay = symbiotic_delay(vault, subnetwork, now)?;
                for &operator in &operators {
                    if operator != account && held.is_zero() {
                        continue;
                    }
                    let stake = sym
                        .max_slashable_stake(address, vault, subnetwork, operator, now)
                        .map_err(failed)?;
                    if stake.is_zero() {
                        continue;
                    }
                    let (slashable, role) = if operator == account {
                        (stake, "operator")
                    } else {
                        let share = |part: U256, pool: U256| -> Result<U256, MathError> {
                            if pool.is_zero() {
                                return Ok(U256::ZERO);
                            }
                            Ok(math::mul_div(stake, part, pool, Rounding::Ceil)?.min(part))
                        };
                        (share(near, near_pool)?.max(share(held, pool)?), "staker")
                    };
                    if slashable.is_zero() {
                        continue;
                    }
                    out.push(Exposure {
                        protocol: "symbiotic".into(),
                        service: subnetwork.network,
                        service_id: Some(subnetwork.identifier),
                        operator,
                        position: address,
                        token: vault.collateral,
                        slashable,
                        delay_seconds: delay,
                        role: role.into(),
                        pending_slash_percentage_wad: U256::ZERO,
                        pending_finalizable_at: None,
                        note: None,
                    });
                }
            }
        }
        Ok(())
    }

    fn karak_exposure(&self, account: Address, out: &mut Vec<Exposure>) -> Result<(), MathError> {
        let karak = &self.karak;
        for (&address, vault) in &karak.vaults {
            let dss = karak.dss_of_vault(address);
            if dss.is_empty() {
                continue;
            }
            let escrowed: U256 = vault
                .withdrawals
                .values()
                // Escrowed shares are priced when the redemption finishes, and the assets go
                // to the beneficiary: a slash meanwhile is the beneficiary's loss.
                .filter(|w| w.beneficiary == account && vault.native.is_none())
                .map(|w| w.amount)
                .sum();
            let shares = math::add(vault.balance_of(account), escrowed)?;
            let role = if vault.operator == account { "operator" } else { "staker" };
            let assets = if role == "operator" {
                karak.total_assets(&self.ledger, address).map_err(|_| MathError::Overflow)?
            } else {
                karak
                    .convert_to_assets(&self.ledger, address, shares)
                    .map_err(|_| MathError::Overflow)?
            };
            if assets.is_zero() {
                continue;
            }
            for service in dss {
                let max = karak
                    .dss_max_slashable_percentage_wad
                    .get(&service)
                    .map(|p| p.0)
                    .unwrap_or_default();
                // Requests by this DSS against the vault's operator that name the vault.
                let mut pending_pct = U256::ZERO;
                let mut pending_at: Option<u64> = None;
                for request in karak.slashing_requests.values() {
                    if request.dss != service || request.operator != vault.operator {
                        continue;
                    }
                    let Some(i) = request.vaults.iter().position(|v| *v == address) else {
                        continue;
                    };
                    let pct = request.slash_percentages_wad.get(i).copied().unwrap_or_default();
                    pending_pct = math::add(pending_pct, pct)?;
                    let at = request
                        .timestamp
                        .checked_add(SLASHING_VETO_WINDOW)
                        .ok_or(MathError::Overflow)?;
                    pending_at = Some(pending_at.map_or(at, |t| t.min(at)));
                }
                out.push(Exposure {
                    protocol: "karak".into(),
                    service,
                    service_id: None,
                    operator: vault.operator,
                    position: address,
                    token: vault.asset,
                    slashable: math::mul_div(max, assets, HUNDRED_PERCENT_WAD, Rounding::Floor)?,
                    delay_seconds: SLASHING_VETO_WINDOW,
                    role: role.into(),
                    pending_slash_percentage_wad: pending_pct,
                    pending_finalizable_at: pending_at,
                    note: None,
                });
            }
        }
        Ok(())
    }
}

impl World {
    /// Jito: each NCN with live handshakes to a vault and one of its operators, and a live
    /// slasher for the vault, could take from that operator's delegation (staked, enqueued and
    /// cooling down) what its slashers' per-epoch caps still allow this epoch, at once, under
    /// the last published slash instruction. The vault program has had no slash instruction
    /// since PR #141, so unless the config's `slashing_enabled` switch is on the entry reports
    /// 0 and says why. A VRT holder (VRT held plus VRT in its withdrawal tickets) bears its
    /// share of the vault's supply; the operator and the vault itself the whole amount.
    fn jito_exposure(&self, account: Address, out: &mut Vec<Exposure>) -> Result<(), MathError> {
        let jito = &self.jito;
        let Ok(config) = jito.config() else { return Ok(()) };
        let enabled = config.slashing_enabled;
        let note = if enabled {
            "jito slashing switch on: the removed Slash instruction's semantics (PR #141), \
             this epoch's slasher caps"
        } else {
            "jito slashing is disabled: the vault program has no Slash instruction since PR #141"
        };
        for stake in jito.slashable_stakes(self.jito_env().slot) {
            let Ok(vault) = jito.vault(stake.vault) else { continue };
            let security = U256::from(stake.slashable_this_epoch);
            let (slashable, role) = if account == stake.operator {
                (security, "operator")
            } else if account == stake.vault {
                (security, "vault")
            } else {
                let mut held = self.ledger.balance_of(vault.vrt_mint, account);
                for (ticket, entry) in &vault.withdrawal_tickets {
                    if entry.staker == account {
                        held = math::add(held, self.ledger.balance_of(vault.vrt_mint, *ticket))?;
                    }
                }
                if held.is_zero() || vault.vrt_supply == 0 {
                    continue;
                }
                let supply = U256::from(vault.vrt_supply);
                (math::mul_div(security, held.min(supply), supply, Rounding::Floor)?, "staker")
            };
            out.push(Exposure {
                protocol: "jito".into(),
                service: stake.ncn,
                service_id: None,
                operator: stake.operator,
                position: stake.vault,
                token: stake.token,
                slashable: if enabled { slashable } else { U256::ZERO },
                delay_seconds: 0,
                role: role.into(),
                pending_slash_percentage_wad: U256::ZERO,
                pending_finalizable_at: None,
                note: Some(note.into()),
            });
        }
        Ok(())
    }
}

/// The shortest wait between a slash `subnetwork` requests now and its effect. An instant
/// slasher's is 0. A veto slasher's `executeSlash` waits for the veto deadline only when the
/// subnetwork had a resolver at the capture and has one at the block before the execution, so:
/// 0 if some capture a request can name now (`[now + vetoDuration − epochDuration, now)`) had
/// none, or there is none at `now − 1`; sooner than the deadline if a pending change removes
/// the resolver before it; the veto duration otherwise.
fn symbiotic_delay(
    vault: &crate::symbiotic::Vault,
    subnetwork: crate::symbiotic::Subnetwork,
    now: u64,
) -> Result<u64, MathError> {
    let Some(slasher) = &vault.slasher else { return Ok(0) };
    let SlasherKind::Veto { veto_duration, resolver, .. } = &slasher.kind else { return Ok(0) };
    let Some(trace) = resolver.get(&subnetwork) else { return Ok(0) };
    let deadline = now.checked_add(*veto_duration).ok_or(MathError::Overflow)?;
    let first = deadline.saturating_sub(vault.epoch_duration).min(now.saturating_sub(1));
    let points = std::iter::once(first).chain(trace.keys_in(first.saturating_add(1), deadline));
    for t in points {
        if trace.upper_lookup(t) == Address::ZERO {
            // Executable at once if the gap is at a capture or at `now − 1`; else from `t + 1`.
            return Ok(if t < now { 0 } else { (t - now + 1).min(*veto_duration) });
        }
    }
    Ok(*veto_duration)
}
