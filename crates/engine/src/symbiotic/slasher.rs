//! Slashers: the instant `Slasher` and the `VetoSlasher` (requests, resolver vetoes, execution
//! inside the window), with `BaseSlasher`'s bookkeeping of what was slashed since a capture.

use alloy_primitives::{Address, U256};

use super::{
    Result, Symbiotic, SymbioticError as E, SymbioticEvent as Ev,
    delegator::subnetwork,
    state::{DelegatorKind, SlashRequest, Slasher, SlasherKind, Subnetwork, Vault},
    vault::At,
};
use crate::{checkpoints::Checkpoints, ledger::Ledger, math};

impl Slasher {
    /// Slashed so far of `operator` by `subnetwork`, latest or at a timestamp.
    pub fn cumulative_slash(&self, subnetwork: Subnetwork, operator: Address, at: At) -> U256 {
        self.cumulative_slash
            .get(&(subnetwork, operator))
            .map(|trace| at.read(trace))
            .unwrap_or_default()
    }

    /// The resolver of `subnetwork` at `at` (zero if none).
    pub fn resolver(&self, subnetwork: Subnetwork, at: At) -> Address {
        match &self.kind {
            SlasherKind::Veto { resolver, .. } => {
                resolver.get(&subnetwork).map(|trace| at.read(trace)).unwrap_or_default()
            }
            SlasherKind::Instant => Address::ZERO,
        }
    }
}

impl Symbiotic {
    /// `slashableStake(subnetwork, operator, captureTimestamp)`: the stake at the capture less
    /// what was slashed since; zero outside `[now − epochDuration, now)` or before the latest
    /// slashed capture.
    pub fn slashable_stake(
        &self,
        vault_address: Address,
        vault: &Vault,
        subnetwork: Subnetwork,
        operator: Address,
        capture_timestamp: u64,
        now: u64,
    ) -> Result<U256> {
        let Some(slasher) = &vault.slasher else { return Ok(U256::ZERO) };
        let latest = slasher
            .latest_slashed_capture_timestamp
            .get(&(subnetwork, operator))
            .copied()
            .unwrap_or_default();
        if capture_timestamp < now.saturating_sub(vault.epoch_duration)
            || capture_timestamp >= now
            || capture_timestamp < latest
        {
            return Ok(U256::ZERO);
        }
        let stake =
            self.stake(vault_address, vault, subnetwork, operator, At::Time(capture_timestamp))?;
        let since = math::sub(
            slasher.cumulative_slash(subnetwork, operator, At::Latest),
            slasher.cumulative_slash(subnetwork, operator, At::Time(capture_timestamp)),
        )?;
        Ok(stake - since.min(stake))
    }

    /// The most `subnetwork` can slash of `operator` in `vault` by any capture in
    /// `[now − epochDuration, now]`: [`Symbiotic::slashable_stake`] for captures before `now`
    /// (slashable in this block), and the stake in force at `now`, which becomes capturable in
    /// the next one.
    ///
    /// `slashableStake(t)` is `stakeAt(t)` less the slashes executed since `t`, and zero before
    /// the latest slashed capture; it is a step function of `t` that only moves at the
    /// checkpoints of the traces it reads (opt-ins, active stake, the delegator's limits and
    /// shares, the cumulative slash) and at the latest slashed capture. Its maximum over the
    /// window is therefore reached at the window's start or at one of those points inside it.
    pub fn max_slashable_stake(
        &self,
        vault_address: Address,
        vault: &Vault,
        subnetwork: Subnetwork,
        operator: Address,
        now: u64,
    ) -> Result<U256> {
        let Some(slasher) = &vault.slasher else { return Ok(U256::ZERO) };
        let start = now.saturating_sub(vault.epoch_duration);
        let mut times = std::collections::BTreeSet::from([start, now]);
        let mut add = |trace: Option<&Checkpoints<_>>| {
            times.extend(trace.into_iter().flat_map(|trace| trace.keys_in(start, now)));
        };
        let delegator = &vault.delegator;
        add(Some(&vault.active_stake));
        add(delegator.max_network_limit.get(&subnetwork));
        add(slasher.cumulative_slash.get(&(subnetwork, operator)));
        match &delegator.kind {
            DelegatorKind::NetworkRestake {
                network_limit,
                operator_network_shares,
                total_operator_network_shares,
            } => {
                add(network_limit.get(&subnetwork));
                add(operator_network_shares.get(&(subnetwork, operator)));
                add(total_operator_network_shares.get(&subnetwork));
            }
            DelegatorKind::FullRestake { network_limit, operator_network_limit } => {
                add(network_limit.get(&subnetwork));
                add(operator_network_limit.get(&(subnetwork, operator)));
            }
            DelegatorKind::OperatorSpecific { network_limit, .. } => {
                add(network_limit.get(&subnetwork));
            }
            DelegatorKind::OperatorNetworkSpecific { .. } => {}
        }
        for trace in [
            self.vault_opt_ins.get(&(operator, vault_address)),
            self.network_opt_ins.get(&(operator, subnetwork.network)),
        ]
        .into_iter()
        .flatten()
        {
            times.extend(trace.keys_in(start, now));
        }
        if let Some(&latest) = slasher.latest_slashed_capture_timestamp.get(&(subnetwork, operator))
            && (start..=now).contains(&latest)
        {
            times.insert(latest);
        }
        let mut most = U256::ZERO;
        for t in times {
            let value = if t < now {
                self.slashable_stake(vault_address, vault, subnetwork, operator, t, now)?
            } else {
                // Nothing was slashed since `now`, and every slashed capture is before it.
                self.stake(vault_address, vault, subnetwork, operator, At::Latest)?
            };
            most = most.max(value);
        }
        Ok(most)
    }

    fn require_middleware(&self, sender: Address, network: Address) -> Result<()> {
        if self.middleware.get(&network) == Some(&sender) {
            Ok(())
        } else {
            Err(E::NotNetworkMiddleware)
        }
    }

    /// `Slasher.slash(subnetwork, operator, amount, captureTimestamp)`, by the network's
    /// middleware: takes `min(amount, slashable stake)` at once.
    pub(super) fn slash(
        &mut self,
        ledger: &mut Ledger,
        now: u64,
        sender: Address,
        vault_address: Address,
        args: &super::calls::Slash,
    ) -> Result<Vec<Ev>> {
        let super::calls::Slash { subnetwork, operator, amount, capture_timestamp, .. } = *args;
        self.require_middleware(sender, subnetwork.network)?;
        let vault = self.vault(vault_address)?;
        let slasher = slasher_of(vault, "slash")?;
        if !matches!(slasher.kind, SlasherKind::Instant) {
            return Err(E::NoSuchFunction { function: "slash", kind: "VetoSlasher" });
        }
        if capture_timestamp < now.saturating_sub(vault.epoch_duration) || capture_timestamp >= now
        {
            return Err(E::InvalidCaptureTimestamp);
        }
        let slashable = self.slashable_stake(
            vault_address,
            vault,
            subnetwork,
            operator,
            capture_timestamp,
            now,
        )?;
        let slashed = amount.min(slashable);
        if slashed.is_zero() {
            return Err(E::InsufficientSlash);
        }
        let vault_event = self.apply_slash(
            ledger,
            now,
            vault_address,
            (subnetwork, operator),
            slashed,
            capture_timestamp,
        )?;
        let slasher = self.vault(vault_address)?.slasher.as_ref().expect("checked above").address;
        Ok(vec![
            vault_event,
            Ev::Slash { slasher, subnetwork, operator, slashed_amount: slashed, capture_timestamp },
        ])
    }

    /// The state changes of a slash, common to both slashers: the capture bookkeeping, the
    /// cumulative slash, then the vault's `onSlash`.
    fn apply_slash(
        &mut self,
        ledger: &mut Ledger,
        now: u64,
        vault_address: Address,
        (subnetwork, operator): (Subnetwork, Address),
        slashed: U256,
        capture_timestamp: u64,
    ) -> Result<Ev> {
        let vault = self.vault(vault_address)?;
        // Check the vault's part before writing anything, so a revert there changes nothing.
        vault.slash_split(now, capture_timestamp, slashed)?;
        let slasher = vault.slasher.as_ref().expect("a slashing vault has a slasher");
        let cumulative =
            math::add(slasher.cumulative_slash(subnetwork, operator, At::Latest), slashed)?;
        let vault = self.vault_mut(vault_address)?;
        let slasher = vault.slasher.as_mut().expect("checked above");
        let latest =
            slasher.latest_slashed_capture_timestamp.entry((subnetwork, operator)).or_default();
        *latest = (*latest).max(capture_timestamp);
        slasher
            .cumulative_slash
            .entry((subnetwork, operator))
            .or_default()
            .push(now, cumulative)?;
        let (_, event) = vault.on_slash(ledger, vault_address, now, capture_timestamp, slashed)?;
        Ok(event)
    }

    /// `VetoSlasher.requestSlash(…)`, by the network's middleware: records a request whose
    /// resolver may veto until `now + vetoDuration`.
    pub(super) fn request_slash(
        &mut self,
        now: u64,
        sender: Address,
        vault_address: Address,
        args: &super::calls::Slash,
    ) -> Result<Ev> {
        let super::calls::Slash { subnetwork, operator, amount, capture_timestamp, .. } = *args;
        self.require_middleware(sender, subnetwork.network)?;
        let vault = self.vault(vault_address)?;
        let slasher = slasher_of(vault, "requestSlash")?;
        let SlasherKind::Veto { veto_duration, .. } = slasher.kind else {
            return Err(E::NoSuchFunction { function: "requestSlash", kind: "Slasher" });
        };
        // `now + vetoDuration - epochDuration` in uint48: it reverts (panics) past 48 bits or
        // below zero, as on chain.
        let veto_deadline = super::add48(now, veto_duration)?;
        let earliest =
            veto_deadline.checked_sub(vault.epoch_duration).ok_or(math::MathError::Overflow)?;
        if capture_timestamp < earliest || capture_timestamp >= now {
            return Err(E::InvalidCaptureTimestamp);
        }
        let slashable = self.slashable_stake(
            vault_address,
            vault,
            subnetwork,
            operator,
            capture_timestamp,
            now,
        )?;
        let amount = amount.min(slashable);
        if amount.is_zero() {
            return Err(E::InsufficientSlash);
        }
        let slasher_address = slasher.address;
        let SlasherKind::Veto { slash_requests, .. } =
            &mut self.vault_mut(vault_address)?.slasher.as_mut().expect("checked").kind
        else {
            unreachable!("checked above")
        };
        let slash_index = slash_requests.len() as u64;
        slash_requests.push(SlashRequest {
            subnetwork,
            operator,
            amount,
            capture_timestamp,
            veto_deadline,
            completed: false,
        });
        Ok(Ev::RequestSlash {
            slasher: slasher_address,
            slash_index,
            subnetwork,
            operator,
            slash_amount: amount,
            capture_timestamp,
            veto_deadline,
        })
    }

    pub(super) fn request_of(
        vault: &Vault,
        slash_index: u64,
        function: &'static str,
    ) -> Result<SlashRequest> {
        let slasher = slasher_of(vault, function)?;
        let SlasherKind::Veto { slash_requests, .. } = &slasher.kind else {
            return Err(E::NoSuchFunction { function, kind: "Slasher" });
        };
        usize::try_from(slash_index)
            .ok()
            .and_then(|i| slash_requests.get(i))
            .cloned()
            .ok_or(E::SlashRequestNotExist(slash_index))
    }

    fn complete(&mut self, vault_address: Address, slash_index: u64) -> Result<()> {
        let slasher = self.vault_mut(vault_address)?.slasher.as_mut().expect("checked");
        if let SlasherKind::Veto { slash_requests, .. } = &mut slasher.kind {
            let index = usize::try_from(slash_index).expect("requests were looked up by index");
            slash_requests[index].completed = true;
        }
        Ok(())
    }

    /// `VetoSlasher.executeSlash(slashIndex)`, by the network's middleware: after the veto
    /// deadline (at once if nobody can veto) and within an epoch of the capture.
    pub(super) fn execute_slash(
        &mut self,
        ledger: &mut Ledger,
        now: u64,
        sender: Address,
        vault_address: Address,
        slash_index: u64,
    ) -> Result<Vec<Ev>> {
        let vault = self.vault(vault_address)?;
        let request = Self::request_of(vault, slash_index, "executeSlash")?;
        self.require_middleware(sender, request.subnetwork.network)?;
        let slasher = vault.slasher.as_ref().expect("checked");
        let can_veto = slasher.resolver(request.subnetwork, At::Time(request.capture_timestamp))
            != Address::ZERO
            && slasher.resolver(request.subnetwork, At::Time(now.saturating_sub(1)))
                != Address::ZERO;
        if can_veto && request.veto_deadline > now {
            return Err(E::VetoPeriodNotEnded);
        }
        if now - request.capture_timestamp > vault.epoch_duration {
            return Err(E::SlashPeriodEnded);
        }
        let slashable = self.slashable_stake(
            vault_address,
            vault,
            request.subnetwork,
            request.operator,
            request.capture_timestamp,
            now,
        )?;
        let slashed = request.amount.min(slashable);
        if slashed.is_zero() {
            return Err(E::InsufficientSlash);
        }
        if request.completed {
            return Err(E::SlashRequestCompleted(slash_index));
        }
        let slasher_address = slasher.address;
        let vault_event = self.apply_slash(
            ledger,
            now,
            vault_address,
            (request.subnetwork, request.operator),
            slashed,
            request.capture_timestamp,
        )?;
        self.complete(vault_address, slash_index)?;
        Ok(vec![
            vault_event,
            Ev::ExecuteSlash { slasher: slasher_address, slash_index, slashed_amount: slashed },
        ])
    }

    /// `VetoSlasher.vetoSlash(slashIndex)`, by the resolver the subnetwork had at the capture.
    pub(super) fn veto_slash(
        &mut self,
        now: u64,
        sender: Address,
        vault_address: Address,
        slash_index: u64,
    ) -> Result<Ev> {
        let vault = self.vault(vault_address)?;
        let request = Self::request_of(vault, slash_index, "vetoSlash")?;
        let slasher = vault.slasher.as_ref().expect("checked");
        let resolver = slasher.resolver(request.subnetwork, At::Time(request.capture_timestamp));
        if resolver == Address::ZERO
            || slasher.resolver(request.subnetwork, At::Time(now.saturating_sub(1)))
                == Address::ZERO
        {
            return Err(E::NoResolver);
        }
        if sender != resolver {
            return Err(E::NotResolver);
        }
        if request.veto_deadline <= now {
            return Err(E::VetoPeriodEnded);
        }
        if request.completed {
            return Err(E::SlashRequestCompleted(slash_index));
        }
        let slasher_address = slasher.address;
        self.complete(vault_address, slash_index)?;
        Ok(Ev::VetoSlash { slasher: slasher_address, slash_index, resolver: sender })
    }

    /// `VetoSlasher.setResolver(identifier, resolver)`, by the network: the first resolver
    /// applies at once; a change applies `resolverSetEpochsDelay` epochs after the current
    /// epoch's start, and a later change replaces a pending one.
    pub(super) fn set_resolver(
        &mut self,
        now: u64,
        sender: Address,
        vault_address: Address,
        identifier: u128,
        resolver: Address,
    ) -> Result<Ev> {
        if !self.networks.contains(&sender) {
            return Err(E::NotNetwork(sender));
        }
        let subnetwork = subnetwork(sender, identifier)?;
        let vault = self.vault_mut(vault_address)?;
        let epoch_start = vault.epoch_start(vault.epoch_at(now)?)?;
        let epoch_duration = vault.epoch_duration;
        let slasher = vault.slasher.as_mut().ok_or(E::NoSuchFunction {
            function: "setResolver",
            kind: "vault without a slasher",
        })?;
        let slasher_address = slasher.address;
        let SlasherKind::Veto { resolver_set_epochs_delay, resolver: resolvers, .. } =
            &mut slasher.kind
        else {
            return Err(E::NoSuchFunction { function: "setResolver", kind: "Slasher" });
        };
        // `currentEpochStart + resolverSetEpochsDelay * epochDuration`, cast to uint48: only
        // a change computes it, so a first resolver applies at once however long the epochs.
        let delay_epochs = *resolver_set_epochs_delay;
        let delayed = || {
            let offset =
                delay_epochs.checked_mul(epoch_duration).ok_or(math::MathError::Overflow)?;
            super::add48(epoch_start, offset)
        };
        let trace = resolvers.get(&subnetwork);
        let effective = match trace {
            None => {
                if resolver == Address::ZERO {
                    return Err(E::AlreadySet);
                }
                Some(now)
            }
            Some(trace) if trace.latest_key().is_some_and(|key| key > now) => {
                // A change is pending: it is replaced, or merely cancelled when the new value
                // is the one in force.
                let mut in_force = trace.clone();
                in_force.pop();
                if in_force.latest() == resolver { None } else { Some(delayed()?) }
            }
            Some(trace) => {
                if trace.latest() == resolver {
                    return Err(E::AlreadySet);
                }
                Some(delayed()?)
            }
        };
        let trace = resolvers.entry(subnetwork).or_default();
        if trace.latest_key().is_some_and(|key| key > now) {
            trace.pop();
        }
        if let Some(at) = effective {
            trace.push(at, resolver)?;
        }
        let effective = effective.unwrap_or(now);
        Ok(Ev::SetResolver {
            slasher: slasher_address,
            subnetwork,
            resolver,
            effective_at: effective,
        })
    }
}

fn slasher_of<'a>(vault: &'a Vault, function: &'static str) -> Result<&'a Slasher> {
    vault.slasher.as_ref().ok_or(E::NoSuchFunction { function, kind: "vault without a slasher" })
}
