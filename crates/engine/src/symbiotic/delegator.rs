//! Delegators: the stake a subnetwork sees from an operator in a vault, and the limits and
//! shares curators and networks set (`BaseDelegator` and its four types).
//!
//! Every value is checkpointed at the time it is set, so `stake_at(t)` never changes once `t`
//! has passed: a slash always refers to the stake the network saw at its capture timestamp.

use alloy_primitives::{Address, U256};

use super::{
    Result, Symbiotic, SymbioticError as E, SymbioticEvent as Ev,
    state::{DelegatorKind, Role, Subnetwork, Vault},
    vault::At,
};
use crate::{
    checkpoints::Checkpoints,
    math::{self, Rounding},
};

fn read<K: Ord>(map: &std::collections::BTreeMap<K, Checkpoints<U256>>, key: &K, at: At) -> U256 {
    map.get(key).map(|trace| at.read(trace)).unwrap_or_default()
}

impl Symbiotic {
    /// Whether `operator` was opted into `vault` and into `network` at `at`.
    pub fn is_opted_in(&self, operator: Address, vault: Address, network: Address, at: At) -> bool {
        let opted = |map: &std::collections::BTreeMap<(Address, Address), Checkpoints<bool>>,
                     place: Address| {
            map.get(&(operator, place)).is_some_and(|trace| at.read(trace))
        };
        opted(&self.vault_opt_ins, vault) && opted(&self.network_opt_ins, network)
    }

    /// `stake(subnetwork, operator)` / `stakeAt(…, timestamp)`: what `subnetwork` may slash of
    /// `operator` in `vault`.
    pub fn stake(
        &self,
        vault_address: Address,
        vault: &Vault,
        subnetwork: Subnetwork,
        operator: Address,
        at: At,
    ) -> Result<U256> {
        if !self.is_opted_in(operator, vault_address, subnetwork.network, at) {
            return Ok(U256::ZERO);
        }
        let active = vault.active_stake(at);
        let delegator = &vault.delegator;
        Ok(match &delegator.kind {
            DelegatorKind::NetworkRestake {
                network_limit,
                operator_network_shares,
                total_operator_network_shares,
            } => {
                let total = read(total_operator_network_shares, &subnetwork, at);
                if total.is_zero() {
                    return Ok(U256::ZERO);
                }
                let shares = read(operator_network_shares, &(subnetwork, operator), at);
                let allocated = active.min(read(network_limit, &subnetwork, at));
                math::mul_div(shares, allocated, total, Rounding::Floor)?
            }
            DelegatorKind::FullRestake { network_limit, operator_network_limit } => active
                .min(read(network_limit, &subnetwork, at))
                .min(read(operator_network_limit, &(subnetwork, operator), at)),
            DelegatorKind::OperatorSpecific { operator: only, network_limit } => {
                if operator != *only {
                    return Ok(U256::ZERO);
                }
                active.min(read(network_limit, &subnetwork, at))
            }
            DelegatorKind::OperatorNetworkSpecific { network, operator: only } => {
                if operator != *only || subnetwork.network != *network {
                    return Ok(U256::ZERO);
                }
                active.min(read(&delegator.max_network_limit, &subnetwork, at))
            }
        })
    }

    /// `setMaxNetworkLimit(identifier, amount)`, by the network itself. Lowering it clamps the
    /// subnetwork's limit.
    pub(super) fn set_max_network_limit(
        &mut self,
        now: u64,
        sender: Address,
        vault_address: Address,
        identifier: u128,
        amount: U256,
    ) -> Result<Ev> {
        if !self.networks.contains(&sender) {
            return Err(E::NotNetwork(sender));
        }
        let subnetwork = subnetwork(sender, identifier)?;
        let vault = self.vault_mut(vault_address)?;
        let delegator = &mut vault.delegator;
        // BaseDelegator checks AlreadySet before its type's `_setMaxNetworkLimit` hook, where
        // the operator-network-specific delegator rejects another network.
        if read(&delegator.max_network_limit, &subnetwork, At::Latest) == amount {
            return Err(E::AlreadySet);
        }
        if let DelegatorKind::OperatorNetworkSpecific { network, .. } = delegator.kind
            && network != sender
        {
            return Err(E::InvalidNetwork);
        }
        delegator.max_network_limit.entry(subnetwork).or_default().push(now, amount)?;
        let limits = match &mut delegator.kind {
            DelegatorKind::NetworkRestake { network_limit, .. }
            | DelegatorKind::FullRestake { network_limit, .. }
            | DelegatorKind::OperatorSpecific { network_limit, .. } => Some(network_limit),
            DelegatorKind::OperatorNetworkSpecific { .. } => None,
        };
        if let Some(limits) = limits
            && read(limits, &subnetwork, At::Latest) > amount
        {
            limits.entry(subnetwork).or_default().push(now, amount)?;
        }
        Ok(Ev::SetMaxNetworkLimit { delegator: delegator.address, subnetwork, amount })
    }

    /// `setNetworkLimit(subnetwork, amount)`, by a holder of `NETWORK_LIMIT_SET_ROLE`.
    pub(super) fn set_network_limit(
        &mut self,
        now: u64,
        sender: Address,
        vault_address: Address,
        subnetwork: Subnetwork,
        amount: U256,
    ) -> Result<Ev> {
        let delegator = &mut self.vault_mut(vault_address)?.delegator;
        require_role(&delegator.roles, Role::NetworkLimitSetRole, sender)?;
        let kind_name = delegator.kind.name();
        let limits = match &mut delegator.kind {
            DelegatorKind::NetworkRestake { network_limit, .. }
            | DelegatorKind::FullRestake { network_limit, .. }
            | DelegatorKind::OperatorSpecific { network_limit, .. } => network_limit,
            DelegatorKind::OperatorNetworkSpecific { .. } => {
                return Err(E::NoSuchFunction { function: "setNetworkLimit", kind: kind_name });
            }
        };
        if amount > read(&delegator.max_network_limit, &subnetwork, At::Latest) {
            return Err(E::ExceedsMaxNetworkLimit);
        }
        if read(limits, &subnetwork, At::Latest) == amount {
            return Err(E::AlreadySet);
        }
        limits.entry(subnetwork).or_default().push(now, amount)?;
        Ok(Ev::SetNetworkLimit { delegator: delegator.address, subnetwork, amount })
    }

    /// `setOperatorNetworkShares(subnetwork, operator, shares)` (network-restake delegators),
    /// by a holder of `OPERATOR_NETWORK_SHARES_SET_ROLE`.
    pub(super) fn set_operator_network_shares(
        &mut self,
        now: u64,
        sender: Address,
        vault_address: Address,
        subnetwork: Subnetwork,
        operator: Address,
        shares: U256,
    ) -> Result<Ev> {
        let delegator = &mut self.vault_mut(vault_address)?.delegator;
        require_role(&delegator.roles, Role::OperatorNetworkSharesSetRole, sender)?;
        let kind_name = delegator.kind.name();
        let DelegatorKind::NetworkRestake {
            operator_network_shares,
            total_operator_network_shares,
            ..
        } = &mut delegator.kind
        else {
            return Err(E::NoSuchFunction {
                function: "setOperatorNetworkShares",
                kind: kind_name,
            });
        };
        let current = read(operator_network_shares, &(subnetwork, operator), At::Latest);
        if current == shares {
            return Err(E::AlreadySet);
        }
        let total = read(total_operator_network_shares, &subnetwork, At::Latest);
        let total = math::add(math::sub(total, current)?, shares)?;
        operator_network_shares.entry((subnetwork, operator)).or_default().push(now, shares)?;
        total_operator_network_shares.entry(subnetwork).or_default().push(now, total)?;
        Ok(Ev::SetOperatorNetworkShares {
            delegator: delegator.address,
            subnetwork,
            operator,
            shares,
        })
    }

    /// `setOperatorNetworkLimit(subnetwork, operator, amount)` (full-restake delegators), by a
    /// holder of `OPERATOR_NETWORK_LIMIT_SET_ROLE`.
    pub(super) fn set_operator_network_limit(
        &mut self,
        now: u64,
        sender: Address,
        vault_address: Address,
        subnetwork: Subnetwork,
        operator: Address,
        amount: U256,
    ) -> Result<Ev> {
        let delegator = &mut self.vault_mut(vault_address)?.delegator;
        require_role(&delegator.roles, Role::OperatorNetworkLimitSetRole, sender)?;
        let kind_name = delegator.kind.name();
        let DelegatorKind::FullRestake { operator_network_limit, .. } = &mut delegator.kind else {
            return Err(E::NoSuchFunction { function: "setOperatorNetworkLimit", kind: kind_name });
        };
        if read(operator_network_limit, &(subnetwork, operator), At::Latest) == amount {
            return Err(E::AlreadySet);
        }
        operator_network_limit.entry((subnetwork, operator)).or_default().push(now, amount)?;
        Ok(Ev::SetOperatorNetworkLimit {
            delegator: delegator.address,
            subnetwork,
            operator,
            amount,
        })
    }
}

/// The subnetwork `network`/`identifier`, checking the identifier fits in 96 bits.
pub fn subnetwork(network: Address, identifier: u128) -> Result<Subnetwork> {
    if identifier > Subnetwork::MAX_IDENTIFIER {
        return Err(math::MathError::Overflow.into());
    }
    Ok(Subnetwork { network, identifier })
}

/// Fails unless `account` holds `role`.
pub(super) fn require_role(
    roles: &super::state::Roles,
    role: Role,
    account: Address,
) -> Result<()> {
    if roles.has(role, account) {
        Ok(())
    } else {
        Err(E::AccessControlUnauthorizedAccount { account, role: role.into() })
    }
}
