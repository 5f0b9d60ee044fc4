//! Symbiotic (symbioticfi/core v1, symbioticfi/rewards): permissionless registries of networks
//! and operators, opt-ins with their history, vaults of one collateral whose withdrawals wait in
//! epoch buckets, four delegator types that decide what stake each (subnetwork, operator) sees,
//! instant and veto slashers, a burner, and staker and operator rewards.
//!
//! The vault holds its collateral in the shared ledger at its own address; slashed collateral
//! goes to the vault's burner. Every stake a network can slash is read at a capture timestamp
//! from checkpointed histories, so a slash costs O(1) in the number of stakers: it moves the
//! vault's totals, and each staker's loss follows from the share rates.
//!
//! Not modelled: EIP-712 signed opt-ins, delegator and burner hooks (arbitrary contracts), the
//! BurnerRouter, vault migrations; `VaultTokenized` behaves as `Vault` (its shares are not a
//! ledger token).

pub mod calls;
mod delegator;
pub mod errors;
pub mod events;
pub mod invariants;
pub mod rewards;
mod slasher;
pub mod state;
pub mod vault;
pub mod views;

use alloy_primitives::Address;

pub use self::{
    calls::SymbioticCall,
    delegator::subnetwork,
    errors::SymbioticError,
    events::SymbioticEvent,
    state::{
        Delegator, DelegatorKind, Role, Roles, Slasher, SlasherKind, Subnetwork, Symbiotic, Vault,
    },
    views::SymbioticView,
};
use crate::{accounts::derived_address, checkpoints::Checkpoints, ledger::Ledger};

type Result<T, E = SymbioticError> = std::result::Result<T, E>;

/// The largest `uint48`: the contracts keep timestamps and durations in 48 bits.
pub const MAX_UINT48: u64 = (1 << 48) - 1;

/// A `uint48` parameter, or the decoding failure the contract reverts with.
fn uint48(name: &'static str, value: u64) -> Result<u64> {
    if value > MAX_UINT48 {
        return Err(SymbioticError::DurationTooLarge { name, value });
    }
    Ok(value)
}

/// `a + b` in `uint48` arithmetic (a checked add, or SafeCast's `toUint48`): past 48 bits the
/// contract reverts.
fn add48(a: u64, b: u64) -> Result<u64> {
    a.checked_add(b)
        .filter(|sum| *sum <= MAX_UINT48)
        .ok_or(SymbioticError::Math(crate::math::MathError::Overflow))
}

/// Where DefaultOperatorRewards holds its tokens.
pub fn operator_rewards_address() -> Address {
    derived_address("rampart.symbiotic", "operator-rewards")
}

impl Symbiotic {
    /// The vault at `address`.
    pub fn vault(&self, address: Address) -> Result<&Vault> {
        self.vaults.get(&address).ok_or(SymbioticError::UnknownContract { kind: "Vault", address })
    }

    pub(crate) fn vault_mut(&mut self, address: Address) -> Result<&mut Vault> {
        self.vaults
            .get_mut(&address)
            .ok_or(SymbioticError::UnknownContract { kind: "Vault", address })
    }

    /// The vault a `target` names: the vault itself, its delegator, its slasher, or a
    /// staker-rewards contract of it.
    pub fn resolve(&self, target: Address) -> Result<(Address, &Vault)> {
        if let Some(vault) = self.vaults.get(&target) {
            return Ok((target, vault));
        }
        if let Some(rewards) = self.staker_rewards.get(&target) {
            return Ok((rewards.vault, self.vault(rewards.vault)?));
        }
        self.vaults
            .iter()
            .find(|(_, vault)| {
                vault.delegator.address == target
                    || vault.slasher.as_ref().is_some_and(|s| s.address == target)
            })
            .map(|(address, vault)| (*address, vault))
            .ok_or(SymbioticError::UnknownContract { kind: "Vault", address: target })
    }

    fn resolve_address(&self, target: Address) -> Result<Address> {
        self.resolve(target).map(|(address, _)| address)
    }

    /// Applies `call` from `sender` at `now`; a rejected call changes nothing.
    pub fn apply(
        &mut self,
        ledger: &mut Ledger,
        now: u64,
        sender: Address,
        call: &SymbioticCall,
    ) -> Result<Vec<SymbioticEvent>> {
        use SymbioticCall as C;
        let one = |event| Ok(vec![event]);
        match call {
            C::RegisterNetwork(_) => one(self.register(sender, true)?),
            C::RegisterOperator(_) => one(self.register(sender, false)?),
            C::SetMiddleware(a) => one(self.set_middleware(sender, a.middleware)?),
            C::OptInVault(a) => one(self.opt(now, sender, a.place, true, true)?),
            C::OptOutVault(a) => one(self.opt(now, sender, a.place, true, false)?),
            C::OptInNetwork(a) => one(self.opt(now, sender, a.place, false, true)?),
            C::OptOutNetwork(a) => one(self.opt(now, sender, a.place, false, false)?),
            C::CreateVault(a) => one(self.create_vault(ledger, now, a)?),
            C::Deposit(a) => {
                let vault = self.resolve_address(a.target)?;
                let event = self.vault_mut(vault)?.deposit(
                    ledger,
                    vault,
                    now,
                    sender,
                    a.on_behalf_of,
                    a.amount,
                )?;
                one(event)
            }
            C::Withdraw(a) => {
                let vault = self.resolve_address(a.target)?;
                one(self.vault_mut(vault)?.withdraw(vault, now, sender, a.claimer, a.amount)?)
            }
            C::Redeem(a) => {
                let vault = self.resolve_address(a.target)?;
                one(self.vault_mut(vault)?.redeem(vault, now, sender, a.claimer, a.shares)?)
            }
            C::Claim(a) => {
                let vault = self.resolve_address(a.target)?;
                self.vault_mut(vault)?.claim(ledger, vault, now, sender, a.recipient, &[a.epoch])
            }
            C::ClaimBatch(a) => {
                let vault = self.resolve_address(a.target)?;
                self.vault_mut(vault)?.claim(ledger, vault, now, sender, a.recipient, &a.epochs)
            }
            C::SetDepositWhitelist(a) => {
                one(self.set_vault_flag(sender, a.target, &Setting::Whitelist(a.status))?)
            }
            C::SetDepositorWhitelistStatus(a) => one(self.set_vault_flag(
                sender,
                a.target,
                &Setting::Depositor(a.account, a.status),
            )?),
            C::SetIsDepositLimit(a) => {
                one(self.set_vault_flag(sender, a.target, &Setting::IsLimit(a.status))?)
            }
            C::SetDepositLimit(a) => {
                one(self.set_vault_flag(sender, a.target, &Setting::Limit(a.limit))?)
            }
            C::GrantVaultRole(a) | C::GrantDelegatorRole(a) | C::GrantStakerRewardsRole(a) => {
                one(self.grant_role(sender, call, a)?)
            }
            C::SetMaxNetworkLimit(a) => {
                let vault = self.resolve_address(a.target)?;
                one(self.set_max_network_limit(now, sender, vault, a.identifier, a.amount)?)
            }
            C::SetNetworkLimit(a) => {
                let vault = self.resolve_address(a.target)?;
                one(self.set_network_limit(now, sender, vault, a.subnetwork, a.amount)?)
            }
            C::SetOperatorNetworkShares(a) => {
                let vault = self.resolve_address(a.target)?;
                one(self.set_operator_network_shares(
                    now,
                    sender,
                    vault,
                    a.subnetwork,
                    a.operator,
                    a.shares,
                )?)
            }
            C::SetOperatorNetworkLimit(a) => {
                let vault = self.resolve_address(a.target)?;
                one(self.set_operator_network_limit(
                    now,
                    sender,
                    vault,
                    a.subnetwork,
                    a.operator,
                    a.amount,
                )?)
            }
            C::Slash(a) => {
                let vault = self.resolve_address(a.target)?;
                self.slash(ledger, now, sender, vault, a)
            }
            C::RequestSlash(a) => {
                let vault = self.resolve_address(a.target)?;
                one(self.request_slash(now, sender, vault, a)?)
            }
            C::ExecuteSlash(a) => {
                let vault = self.resolve_address(a.target)?;
                self.execute_slash(ledger, now, sender, vault, a.slash_index)
            }
            C::VetoSlash(a) => {
                let vault = self.resolve_address(a.target)?;
                one(self.veto_slash(now, sender, vault, a.slash_index)?)
            }
            C::SetResolver(a) => {
                let vault = self.resolve_address(a.target)?;
                one(self.set_resolver(now, sender, vault, a.identifier, a.resolver)?)
            }
            C::CreateStakerRewards(a) => {
                let mut roles = Roles::default();
                if let Some(admin) = a.default_admin_role_holder {
                    roles.grant(Role::DefaultAdminRole, admin);
                }
                if let Some(holder) = a.admin_fee_claim_role_holder {
                    roles.grant(Role::AdminFeeClaimRole, holder);
                }
                if let Some(holder) = a.admin_fee_set_role_holder {
                    roles.grant(Role::AdminFeeSetRole, holder);
                }
                one(self.create_staker_rewards(a.vault, a.admin_fee, roles)?)
            }
            C::DistributeStakerRewards(a) => one(self.distribute_staker_rewards(
                ledger,
                now,
                sender,
                a.target,
                a.network,
                a.token,
                a.amount,
                a.timestamp,
                a.max_admin_fee,
            )?),
            C::ClaimStakerRewards(a) => one(self.claim_staker_rewards(
                ledger,
                sender,
                a.target,
                a.recipient,
                a.token,
                a.network,
                a.max_rewards,
            )?),
            C::ClaimAdminFee(a) => {
                one(self.claim_admin_fee(ledger, sender, a.target, a.recipient, a.token)?)
            }
            C::SetAdminFee(a) => one(self.set_admin_fee(sender, a.target, a.admin_fee)?),
            C::DistributeOperatorRewards(a) => one(self.distribute_operator_rewards(
                ledger, sender, a.network, a.token, a.amount, a.root,
            )?),
            C::ClaimOperatorRewards(a) => one(self.claim_operator_rewards(
                ledger,
                sender,
                a.recipient,
                a.network,
                a.token,
                a.total_claimable,
                &a.proof,
            )?),
        }
    }

    /// `NetworkRegistry.registerNetwork()` / `OperatorRegistry.registerOperator()`.
    fn register(&mut self, sender: Address, network: bool) -> Result<SymbioticEvent> {
        let (set, registry, taken): (_, _, fn(Address) -> SymbioticError) = if network {
            (&mut self.networks, "NetworkRegistry", SymbioticError::NetworkAlreadyRegistered)
        } else {
            (&mut self.operators, "OperatorRegistry", SymbioticError::OperatorAlreadyRegistered)
        };
        if !set.insert(sender) {
            return Err(taken(sender));
        }
        Ok(SymbioticEvent::AddEntity { registry: registry.into(), entity: sender })
    }

    /// `NetworkMiddlewareService.setMiddleware(middleware)`, by a registered network.
    fn set_middleware(&mut self, sender: Address, middleware: Address) -> Result<SymbioticEvent> {
        if !self.networks.contains(&sender) {
            return Err(SymbioticError::NotNetwork(sender));
        }
        if self.middleware.get(&sender).copied().unwrap_or_default() == middleware {
            return Err(SymbioticError::AlreadySet);
        }
        self.middleware.insert(sender, middleware);
        Ok(SymbioticEvent::SetMiddleware { network: sender, middleware })
    }

    /// `OptInService.optIn(where)` / `optOut(where)` for vaults or networks.
    fn opt(
        &mut self,
        now: u64,
        sender: Address,
        place: Address,
        vault: bool,
        opt_in: bool,
    ) -> Result<SymbioticEvent> {
        // Opting out needs no registration check: registries only grow.
        if opt_in && !self.operators.contains(&sender) {
            return Err(SymbioticError::NotWho(sender));
        }
        let registered =
            if vault { self.vaults.contains_key(&place) } else { self.networks.contains(&place) };
        if opt_in && !registered {
            return Err(SymbioticError::NotWhereEntity(place));
        }
        let service =
            if vault { "OperatorVaultOptInService" } else { "OperatorNetworkOptInService" };
        let map = if vault { &mut self.vault_opt_ins } else { &mut self.network_opt_ins };
        let trace = map.get(&(sender, place));
        let opted = trace.is_some_and(Checkpoints::latest);
        if opt_in {
            if opted {
                return Err(SymbioticError::AlreadyOptedIn);
            }
        } else {
            if !opted {
                return Err(SymbioticError::NotOptedIn);
            }
            if trace.and_then(Checkpoints::latest_key) == Some(now) {
                return Err(SymbioticError::OptOutCooldown);
            }
        }
        map.entry((sender, place)).or_default().push(now, opt_in)?;
        let service = service.to_owned();
        Ok(if opt_in {
            SymbioticEvent::OptIn { service, who: sender, place }
        } else {
            SymbioticEvent::OptOut { service, who: sender, place }
        })
    }

    /// `VaultConfigurator.create(…)`: the vault, its delegator and its slasher, at once.
    fn create_vault(
        &mut self,
        ledger: &Ledger,
        now: u64,
        args: &calls::CreateVault,
    ) -> Result<SymbioticEvent> {
        let params = &args.vault_params;
        uint48("epoch_duration", params.epoch_duration)?;
        if ledger.token(params.collateral).is_err() {
            return Err(SymbioticError::InvalidCollateral);
        }
        if params.epoch_duration == 0 {
            return Err(SymbioticError::InvalidEpochDuration);
        }
        let mut roles = Roles::default();
        let holders = [
            (Role::DefaultAdminRole, params.default_admin_role_holder),
            (Role::DepositWhitelistSetRole, params.deposit_whitelist_set_role_holder),
            (Role::DepositorWhitelistRole, params.depositor_whitelist_role_holder),
            (Role::IsDepositLimitSetRole, params.is_deposit_limit_set_role_holder),
            (Role::DepositLimitSetRole, params.deposit_limit_set_role_holder),
        ];
        for (role, holder) in holders {
            roles.grant(role, holder.unwrap_or_default());
        }
        // Vault._initialize: without a default admin, a switch nobody can flip must leave its
        // dependent role consistent: a whitelist that stays on needs someone to whitelist, one
        // that stays off must not name such a role; a limit that stays on needs a non-zero
        // limit or someone to set it, one that stays off must have neither.
        let has = |holder: Option<Address>| holder.is_some_and(|a| a != Address::ZERO);
        if !has(params.default_admin_role_holder) {
            if !has(params.deposit_whitelist_set_role_holder)
                && params.deposit_whitelist != has(params.depositor_whitelist_role_holder)
            {
                return Err(SymbioticError::MissingRoles("DEPOSITOR_WHITELIST_ROLE"));
            }
            if !has(params.is_deposit_limit_set_role_holder) {
                let setter = has(params.deposit_limit_set_role_holder);
                let limited = !params.deposit_limit.is_zero();
                let missing =
                    if params.is_deposit_limit { !limited && !setter } else { limited || setter };
                if missing {
                    return Err(SymbioticError::MissingRoles("DEPOSIT_LIMIT_SET_ROLE"));
                }
            }
        }
        let index = self.vaults.len().to_string();
        let address = derived_address("rampart.symbiotic.vault", &index);
        let delegator = self.new_delegator(address, args)?;
        let slasher =
            if args.with_slasher { Some(new_slasher(address, params, args)?) } else { None };
        let event = SymbioticEvent::VaultCreated {
            vault: address,
            collateral: params.collateral,
            delegator: delegator.address,
            delegator_type: delegator.kind.index(),
            slasher: slasher.as_ref().map(|s| s.address),
            slasher_type: slasher.as_ref().map(|s| match s.kind {
                SlasherKind::Instant => 0,
                SlasherKind::Veto { .. } => 1,
            }),
            epoch_duration: params.epoch_duration,
        };
        self.vaults.insert(
            address,
            Vault {
                collateral: params.collateral,
                burner: params.burner,
                epoch_duration_init: now,
                epoch_duration: params.epoch_duration,
                deposit_whitelist: params.deposit_whitelist,
                whitelisted_depositors: Default::default(),
                is_deposit_limit: params.is_deposit_limit,
                deposit_limit: params.deposit_limit,
                roles,
                active_stake: Checkpoints::default(),
                active_shares: Checkpoints::default(),
                active_shares_of: Default::default(),
                withdrawals: Default::default(),
                withdrawal_shares: Default::default(),
                withdrawal_shares_of: Default::default(),
                withdrawals_claimed: Default::default(),
                delegator,
                slasher,
                totals: Default::default(),
            },
        );
        Ok(event)
    }

    fn new_delegator(&self, vault: Address, args: &calls::CreateVault) -> Result<Delegator> {
        let params = &args.delegator_params;
        let mut roles = Roles::default();
        roles.grant(Role::DefaultAdminRole, params.default_admin_role_holder.unwrap_or_default());
        let mut grant_all = |role: Role, holders: &[Address]| -> Result<()> {
            for (i, holder) in holders.iter().enumerate() {
                if *holder == Address::ZERO {
                    return Err(SymbioticError::ZeroAddressRoleHolder);
                }
                if holders[..i].contains(holder) {
                    return Err(SymbioticError::DuplicateRoleHolder);
                }
                roles.grant(role, *holder);
            }
            Ok(())
        };
        let kind = match args.delegator_index {
            0 => {
                grant_all(Role::NetworkLimitSetRole, &params.network_limit_set_role_holders)?;
                grant_all(
                    Role::OperatorNetworkSharesSetRole,
                    &params.operator_network_shares_set_role_holders,
                )?;
                DelegatorKind::NetworkRestake {
                    network_limit: Default::default(),
                    operator_network_shares: Default::default(),
                    total_operator_network_shares: Default::default(),
                }
            }
            1 => {
                grant_all(Role::NetworkLimitSetRole, &params.network_limit_set_role_holders)?;
                grant_all(
                    Role::OperatorNetworkLimitSetRole,
                    &params.operator_network_limit_set_role_holders,
                )?;
                DelegatorKind::FullRestake {
                    network_limit: Default::default(),
                    operator_network_limit: Default::default(),
                }
            }
            2 => {
                grant_all(Role::NetworkLimitSetRole, &params.network_limit_set_role_holders)?;
                let operator = params.operator.unwrap_or_default();
                if !self.operators.contains(&operator) {
                    return Err(SymbioticError::NotOperator(operator));
                }
                DelegatorKind::OperatorSpecific { operator, network_limit: Default::default() }
            }
            3 => {
                let operator = params.operator.unwrap_or_default();
                if !self.operators.contains(&operator) {
                    return Err(SymbioticError::NotOperator(operator));
                }
                let network = params.network.unwrap_or_default();
                if !self.networks.contains(&network) {
                    return Err(SymbioticError::NotNetwork(network));
                }
                DelegatorKind::OperatorNetworkSpecific { network, operator }
            }
            other => {
                return Err(SymbioticError::UnknownContract {
                    kind: "delegator type (0-3)",
                    address: Address::with_last_byte(u8::try_from(other).unwrap_or(u8::MAX)),
                });
            }
        };
        let needs = match kind {
            DelegatorKind::NetworkRestake { .. } => {
                &[Role::NetworkLimitSetRole, Role::OperatorNetworkSharesSetRole][..]
            }
            DelegatorKind::FullRestake { .. } => {
                &[Role::NetworkLimitSetRole, Role::OperatorNetworkLimitSetRole][..]
            }
            DelegatorKind::OperatorSpecific { .. } => &[Role::NetworkLimitSetRole][..],
            DelegatorKind::OperatorNetworkSpecific { .. } => &[][..],
        };
        for role in needs {
            if !roles.is_reachable(*role) {
                return Err(SymbioticError::MissingRoleHolders((*role).into()));
            }
        }
        Ok(Delegator {
            address: derived_address("rampart.symbiotic.delegator", &vault.to_string()),
            kind,
            max_network_limit: Default::default(),
            roles,
        })
    }

    fn set_vault_flag(
        &mut self,
        sender: Address,
        target: Address,
        setting: &Setting,
    ) -> Result<SymbioticEvent> {
        let address = self.resolve_address(target)?;
        let vault = self.vault_mut(address)?;
        let role = match *setting {
            Setting::Whitelist(_) => Role::DepositWhitelistSetRole,
            Setting::Depositor(..) => Role::DepositorWhitelistRole,
            Setting::IsLimit(_) => Role::IsDepositLimitSetRole,
            Setting::Limit(_) => Role::DepositLimitSetRole,
        };
        delegator::require_role(&vault.roles, role, sender)?;
        let (name, value) = match *setting {
            Setting::Whitelist(status) => {
                if vault.deposit_whitelist == status {
                    return Err(SymbioticError::AlreadySet);
                }
                vault.deposit_whitelist = status;
                ("deposit_whitelist", status.to_string())
            }
            Setting::Depositor(account, status) => {
                if account == Address::ZERO {
                    return Err(SymbioticError::InvalidAccount);
                }
                if vault.whitelisted_depositors.contains(&account) == status {
                    return Err(SymbioticError::AlreadySet);
                }
                if status {
                    vault.whitelisted_depositors.insert(account);
                } else {
                    vault.whitelisted_depositors.remove(&account);
                }
                ("depositor_whitelist_status", format!("{account}: {status}"))
            }
            Setting::IsLimit(status) => {
                if vault.is_deposit_limit == status {
                    return Err(SymbioticError::AlreadySet);
                }
                vault.is_deposit_limit = status;
                ("is_deposit_limit", status.to_string())
            }
            Setting::Limit(limit) => {
                if vault.deposit_limit == limit {
                    return Err(SymbioticError::AlreadySet);
                }
                vault.deposit_limit = limit;
                ("deposit_limit", limit.to_string())
            }
        };
        Ok(SymbioticEvent::VaultSettingChanged { vault: address, setting: name.into(), value })
    }

    fn grant_role(
        &mut self,
        sender: Address,
        call: &SymbioticCall,
        args: &calls::GrantRole,
    ) -> Result<SymbioticEvent> {
        let (contract, roles) = match call {
            SymbioticCall::GrantStakerRewardsRole(_) => {
                let rewards = self.staker_rewards.get_mut(&args.target).ok_or(
                    SymbioticError::UnknownContract {
                        kind: "DefaultStakerRewards",
                        address: args.target,
                    },
                )?;
                (args.target, &mut rewards.roles)
            }
            SymbioticCall::GrantDelegatorRole(_) => {
                let address = self.resolve_address(args.target)?;
                let delegator = &mut self.vault_mut(address)?.delegator;
                (delegator.address, &mut delegator.roles)
            }
            _ => {
                let address = self.resolve_address(args.target)?;
                (address, &mut self.vault_mut(address)?.roles)
            }
        };
        delegator::require_role(roles, Role::DefaultAdminRole, sender)?;
        if roles.has(args.role, args.account) {
            return Err(SymbioticError::AlreadySet);
        }
        roles.grant(args.role, args.account);
        Ok(SymbioticEvent::RoleGranted {
            contract,
            role: <&str>::from(args.role).to_owned(),
            account: args.account,
        })
    }
}

#[derive(Clone, Copy)]
enum Setting {
    Whitelist(bool),
    Depositor(Address, bool),
    IsLimit(bool),
    Limit(alloy_primitives::U256),
}

fn new_slasher(
    vault: Address,
    params: &calls::VaultParams,
    args: &calls::CreateVault,
) -> Result<Slasher> {
    let slasher_params = &args.slasher_params;
    if slasher_params.is_burner_hook && params.burner == Address::ZERO {
        return Err(SymbioticError::NoBurner);
    }
    let kind = match args.slasher_index {
        0 => SlasherKind::Instant,
        1 => {
            uint48("veto_duration", slasher_params.veto_duration)?;
            if slasher_params.veto_duration >= params.epoch_duration {
                return Err(SymbioticError::InvalidVetoDuration);
            }
            if slasher_params.resolver_set_epochs_delay < 3 {
                return Err(SymbioticError::InvalidResolverSetEpochsDelay);
            }
            SlasherKind::Veto {
                veto_duration: slasher_params.veto_duration,
                resolver_set_epochs_delay: slasher_params.resolver_set_epochs_delay,
                slash_requests: Vec::new(),
                resolver: Default::default(),
            }
        }
        other => {
            return Err(SymbioticError::UnknownContract {
                kind: "slasher type (0-1)",
                address: Address::with_last_byte(u8::try_from(other).unwrap_or(u8::MAX)),
            });
        }
    };
    Ok(Slasher {
        address: derived_address("rampart.symbiotic.slasher", &vault.to_string()),
        kind,
        is_burner_hook: slasher_params.is_burner_hook,
        latest_slashed_capture_timestamp: Default::default(),
        cumulative_slash: Default::default(),
    })
}
