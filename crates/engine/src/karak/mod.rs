//! Karak v2 (karak-network/v2-contracts, Core + DSS): operators deploy one vault per asset
//! (ERC4626 over any token, or native ETH through nodes), register to DSSs whose maximum
//! slashable percentage is fixed at registration, and stake or unstake whole vaults to a DSS
//! after a 9-day delay. A DSS requests a slash as percentages of named vaults, at most once
//! per 2 days per operator; the veto committee may cancel it, and after 2 days anyone may
//! finalize it, which takes the percentage of each vault's assets at that moment. Stakers'
//! redemptions wait 9 days with their shares escrowed in the vault, so they stay slashable.
//!
//! Slashed tokens leave the vault to its asset's slashing handler, which forwards them to
//! address(0). Requests are stored by their root (`keccak256` of the queued struct's JSON
//! encoding here, of its ABI encoding on chain) and named by it, so calls name a root instead
//! of re-supplying the struct. A vault's pending stake update is named by the vault (it has at
//! most one).
//!
//! Not modelled: DSS hooks (arbitrary contracts), pausing, vault implementations and upgrades,
//! share allowances (`startRedeem` escrows the sender's own shares directly). Native vaults
//! read their validators from the world's beacon chain, so a snapshot completes in one call.

pub mod calls;
pub mod errors;
pub mod events;
pub mod invariants;
pub mod state;
mod vault;
pub mod views;

use alloy_primitives::{Address, B256, U256, keccak256};

use self::state::*;
pub use self::{
    calls::KarakCall,
    errors::KarakError,
    events::KarakEvent,
    state::{Karak, KarakVault, OperatorState, QueuedSlashing, QueuedStakeUpdate},
    views::KarakView,
};
use crate::{
    accounts::{NATIVE_ETH, derived_address},
    beacon::BeaconChain,
    ledger::Ledger,
    math::{self, Rounding},
};

type Result<T, E = KarakError> = std::result::Result<T, E>;
type E = KarakError;
type Ev = KarakEvent;

/// Where the default slashing handler (Karak's `SlashingHandler`) forwards slashed assets:
/// address(0). A non-default handler keeps what it pulls.
pub const SLASHED_ASSETS_SINK: Address = Address::ZERO;

/// The default slashing handler of an allowlisted asset.
pub fn default_slashing_handler() -> Address {
    derived_address("rampart.karak", "slashing-handler")
}

/// What a Karak call sees of the world.
#[derive(Debug, Clone, Copy)]
pub struct KarakEnv<'a> {
    /// `block.timestamp`.
    pub now: u64,
    /// The Core's owner (the world's admin).
    pub owner: Address,
    /// The beacon chain, for native vaults.
    pub beacon: &'a BeaconChain,
}

impl Karak {
    /// The vault at `address`.
    pub fn vault(&self, address: Address) -> Result<&KarakVault> {
        self.vaults.get(&address).ok_or(E::UnknownVault(address))
    }

    fn vault_mut(&mut self, address: Address) -> Result<&mut KarakVault> {
        self.vaults.get_mut(&address).ok_or(E::UnknownVault(address))
    }

    fn require_dss(&self, dss: Address) -> Result<U256> {
        self.dss_max_slashable_percentage_wad.get(&dss).map(|p| p.0).ok_or(E::DSSNotRegistered(dss))
    }

    fn require_registered(&self, operator: Address, dss: Address) -> Result<&OperatorState> {
        self.require_dss(dss)?;
        self.operators
            .get(&operator)
            .filter(|state| state.dss.contains(&dss))
            .ok_or(E::OperatorNotValidatingForDSS)
    }

    /// Whether `vault` is staked to `dss`.
    pub fn is_staked(&self, vault: Address, dss: Address) -> bool {
        self.vaults.get(&vault).is_some_and(|v| {
            self.operators.get(&v.operator).is_some_and(|state| {
                state.vaults_staked_in_dss.get(&dss).is_some_and(|set| set.contains(&vault))
            })
        })
    }

    /// The DSSs `vault` is staked to.
    pub fn dss_of_vault(&self, vault: Address) -> Vec<Address> {
        let Some(v) = self.vaults.get(&vault) else { return Vec::new() };
        let Some(state) = self.operators.get(&v.operator) else { return Vec::new() };
        state
            .vaults_staked_in_dss
            .iter()
            .filter(|(dss, set)| set.contains(&vault) && state.dss.contains(*dss))
            .map(|(dss, _)| *dss)
            .collect()
    }

    /// Applies `call`; a rejected call changes nothing.
    pub fn apply(
        &mut self,
        ledger: &mut Ledger,
        env: &KarakEnv<'_>,
        sender: Address,
        call: &KarakCall,
    ) -> Result<Vec<Ev>> {
        use KarakCall as C;
        let now = env.now;
        match call {
            C::RegisterDss(a) => {
                Ok(vec![self.register_dss(sender, a.max_slashable_percentage_wad)?])
            }
            C::AllowlistAssets(a) => Ok(vec![self.allowlist_assets(env, sender, a)?]),
            C::GrantRoles(a) => {
                if sender != env.owner {
                    return Err(E::Unauthorized("only the owner grants roles"));
                }
                for role in &a.roles {
                    match role {
                        calls::KarakRole::ManagerRole => self.managers.insert(a.user),
                        calls::KarakRole::VetoCommitteeRole => self.veto_committee.insert(a.user),
                    };
                }
                let roles = a.roles.iter().map(|r| format!("{r:?}")).collect();
                Ok(vec![Ev::RolesGranted { user: a.user, roles }])
            }
            C::DeployVaults(a) => self.deploy_vaults(sender, a),
            C::RegisterOperatorToDss(a) => Ok(vec![self.register_operator(sender, a.dss)?]),
            C::UnregisterOperatorFromDss(a) => Ok(vec![self.unregister_operator(sender, a.dss)?]),
            C::RequestUpdateVaultStakeInDss(a) => {
                Ok(vec![self.request_stake_update(now, sender, a)?])
            }
            C::FinalizeUpdateVaultStakeInDss(a) => {
                Ok(vec![self.finalize_stake_update(now, a.vault)?])
            }
            C::RequestSlashing(a) => Ok(vec![self.request_slashing(now, sender, a)?]),
            C::CancelSlashing(a) => Ok(vec![self.cancel_slashing(sender, a.root)?]),
            C::FinalizeSlashing(a) => self.finalize_slashing(ledger, now, a.root),
            C::Deposit(a) => Ok(vec![self.deposit(ledger, sender, a)?]),
            C::Mint(a) => Ok(vec![self.mint(ledger, sender, a)?]),
            C::Transfer(a) => Ok(vec![self.transfer_shares(sender, a)?]),
            C::StartRedeem(a) => Ok(vec![self.start_redeem(ledger, now, sender, a)?]),
            C::FinishRedeem(a) => Ok(vec![self.finish_redeem(ledger, now, a)?]),
            C::CreateNode(a) => Ok(vec![self.create_node(sender, a.target)?]),
            C::ValidateWithdrawalCredentials(a) => self.validate_withdrawal_credentials(env, a),
            C::StartSnapshot(a) => Ok(vec![self.snapshot(
                ledger,
                env,
                a.target,
                sender,
                a.revert_if_no_balance_change,
                false,
            )?]),
            C::ValidateExpiredSnapshot(a) => {
                Ok(vec![self.snapshot(ledger, env, a.target, a.node_owner, false, true)?])
            }
            C::StartWithdrawal(a) => Ok(vec![self.start_withdrawal(ledger, now, sender, a)?]),
            C::FinishWithdrawal(a) => Ok(vec![self.finish_withdrawal(ledger, now, a)?]),
        }
    }

    fn register_dss(&mut self, sender: Address, max: U256) -> Result<Ev> {
        if self.dss_max_slashable_percentage_wad.contains_key(&sender) {
            return Err(E::DSSAlreadyRegistered(sender));
        }
        if max.is_zero() {
            return Err(E::ZeroSlashPercentageWad);
        }
        if max > HUNDRED_PERCENT_WAD {
            return Err(E::MaxSlashPercentageWadBreached);
        }
        self.dss_max_slashable_percentage_wad.insert(sender, Amount(max));
        Ok(Ev::DSSRegistered { dss: sender, max_slashable_percentage_wad: max })
    }

    fn allowlist_assets(
        &mut self,
        env: &KarakEnv<'_>,
        sender: Address,
        args: &calls::AllowlistAssets,
    ) -> Result<Ev> {
        if sender != env.owner && !self.managers.contains(&sender) {
            return Err(E::Unauthorized("only the owner or a manager allowlists assets"));
        }
        let handlers = if args.slashing_handlers.is_empty() {
            vec![default_slashing_handler(); args.assets.len()]
        } else {
            args.slashing_handlers.clone()
        };
        if handlers.len() != args.assets.len() {
            return Err(E::LengthsDontMatch);
        }
        if args.assets.iter().chain(&handlers).any(|a| *a == Address::ZERO) {
            return Err(E::ZeroAddress);
        }
        for (asset, handler) in args.assets.iter().zip(handlers) {
            self.asset_slashing_handlers.insert(*asset, handler);
        }
        Ok(Ev::AllowlistedAssets { assets: args.assets.clone() })
    }

    fn deploy_vaults(&mut self, operator: Address, args: &calls::DeployVaults) -> Result<Vec<Ev>> {
        for config in &args.configs {
            if !self.asset_slashing_handlers.contains_key(&config.asset) {
                return Err(E::AssetNotAllowlisted(config.asset));
            }
        }
        let owned = self.operators.get(&operator).map_or(0, |s| s.vaults.len());
        if owned + args.configs.len() > MAX_VAULTS_PER_OPERATOR {
            return Err(E::MaxVaultCapacityReached);
        }
        let mut events = Vec::with_capacity(args.configs.len());
        for config in &args.configs {
            let mut salt = Vec::with_capacity(52);
            salt.extend_from_slice(operator.as_slice());
            salt.extend_from_slice(config.asset.as_slice());
            salt.extend_from_slice(&self.vault_nonce.to_be_bytes());
            let vault = Address::from_word(keccak256(&salt));
            self.vault_nonce += 1;
            let native = (config.asset == NATIVE_ETH).then(NativeVault::default);
            self.vaults.insert(
                vault,
                KarakVault {
                    operator,
                    asset: config.asset,
                    total_supply: U256::ZERO,
                    balances: Default::default(),
                    withdrawals: Default::default(),
                    staker_nonce: Default::default(),
                    native,
                },
            );
            self.operators.entry(operator).or_default().vaults.add(vault);
            events.push(Ev::DeployedVault { operator, vault, asset: config.asset });
        }
        Ok(events)
    }

    fn register_operator(&mut self, operator: Address, dss: Address) -> Result<Ev> {
        self.require_dss(dss)?;
        let state = self.operators.get(&operator);
        if state.is_some_and(|s| s.dss.contains(&dss)) {
            return Err(E::OperatorAlreadyRegisteredToDSS);
        }
        if state.is_some_and(|s| s.dss.len() >= MAX_DSS_PER_OPERATOR) {
            return Err(E::MaxDSSCapacityReached);
        }
        self.operators.entry(operator).or_default().dss.add(dss);
        Ok(Ev::RegisteredOperatorToDSS { operator, dss })
    }

    fn unregister_operator(&mut self, operator: Address, dss: Address) -> Result<Ev> {
        self.require_registered(operator, dss)?;
        let state = self.operators.get_mut(&operator).expect("registered above");
        if state.vaults_staked_in_dss.get(&dss).is_some_and(|set| !set.is_empty()) {
            return Err(E::AllVaultsNotUnstakedFromDSS);
        }
        state.dss.remove(&dss);
        Ok(Ev::UnregisteredOperatorToDSS { operator, dss })
    }

    fn request_stake_update(
        &mut self,
        now: u64,
        operator: Address,
        args: &calls::StakeUpdate,
    ) -> Result<Ev> {
        let state = self.require_registered(operator, args.dss)?;
        if state.pending_stake_updates.contains_key(&args.vault) {
            return Err(E::PendingStakeUpdateRequest);
        }
        if !state.vaults.contains(&args.vault) {
            return Err(E::VaultNotAChildVault);
        }
        let staked =
            state.vaults_staked_in_dss.get(&args.dss).is_some_and(|s| s.contains(&args.vault));
        if args.to_stake && staked {
            return Err(E::VaultAlreadyStakedInDSS);
        }
        if !args.to_stake && !staked {
            return Err(E::VaultNotStakedInDSS);
        }
        let update = QueuedStakeUpdate {
            nonce: self.nonce,
            start_timestamp: now,
            operator,
            vault: args.vault,
            dss: args.dss,
            to_stake: args.to_stake,
        };
        self.nonce += 1;
        let state = self.operators.get_mut(&operator).expect("registered above");
        state.pending_stake_updates.insert(args.vault, update.clone());
        Ok(Ev::RequestedStakeUpdate { update })
    }

    fn finalize_stake_update(&mut self, now: u64, vault: Address) -> Result<Ev> {
        let operator = self.vault(vault)?.operator;
        let update = self
            .operators
            .get(&operator)
            .and_then(|s| s.pending_stake_updates.get(&vault))
            .cloned()
            .ok_or(E::InvalidQueuedStakeUpdateInput)?;
        self.require_registered(update.operator, update.dss)?;
        if update.start_timestamp + MIN_STAKE_UPDATE_DELAY > now {
            return Err(E::OperatorStakeUpdateDelayNotPassed);
        }
        let state = self.operators.get_mut(&operator).expect("checked above");
        let staked = state.vaults_staked_in_dss.entry(update.dss).or_default();
        if update.to_stake {
            staked.add(vault);
        } else {
            staked.remove(&vault);
        }
        state.pending_stake_updates.remove(&vault);
        Ok(Ev::FinishedStakeUpdate { update })
    }

    fn request_slashing(
        &mut self,
        now: u64,
        dss: Address,
        args: &calls::SlashRequest,
    ) -> Result<Ev> {
        let max = self.require_dss(dss)?;
        let state = self.require_registered(args.operator, dss)?;
        if now < state.next_slashable_timestamp.get(&dss).copied().unwrap_or(0) {
            return Err(E::SlashingCooldownNotPassed);
        }
        let n = args.vaults.len();
        if args.slash_percentages_wad.len() != n {
            return Err(E::LengthsDontMatch);
        }
        if n > MAX_SLASHABLE_VAULTS_PER_REQUEST {
            return Err(E::MaxSlashableVaultsPerRequestBreached);
        }
        if n == 0 {
            return Err(E::EmptyArray);
        }
        let mut sorted = args.vaults.clone();
        sorted.sort();
        if sorted.windows(2).any(|w| w[0] == w[1]) {
            return Err(E::DuplicateSlashingVaults);
        }
        let staked = state.vaults_staked_in_dss.get(&dss);
        for (vault, pct) in args.vaults.iter().zip(&args.slash_percentages_wad) {
            if !staked.is_some_and(|set| set.contains(vault)) {
                return Err(E::VaultNotStakedToDSS);
            }
            if pct.is_zero() {
                return Err(E::ZeroSlashPercentageWad);
            }
            if *pct > max {
                return Err(E::MaxSlashPercentageWadBreached);
            }
        }
        let slashing = QueuedSlashing {
            dss,
            timestamp: now,
            operator: args.operator,
            vaults: args.vaults.clone(),
            slash_percentages_wad: args.slash_percentages_wad.clone(),
            nonce: self.nonce,
        };
        self.nonce += 1;
        let root = slashing_root(&slashing);
        let state = self.operators.get_mut(&args.operator).expect("registered above");
        for vault in &args.vaults {
            *state.pending_slashings_in_vault.entry(*vault).or_default() += 1;
        }
        state.next_slashable_timestamp.insert(dss, now + SLASHING_COOLDOWN);
        self.slashing_requests.insert(root, slashing.clone());
        Ok(Ev::RequestedSlashing { root, slashing })
    }

    fn forget_request(&mut self, root: B256) -> Result<QueuedSlashing> {
        let slashing =
            self.slashing_requests.remove(&root).ok_or(E::InvalidSlashingParams(root))?;
        let state = self.operators.get_mut(&slashing.operator).expect("requests name operators");
        for vault in &slashing.vaults {
            let count = state.pending_slashings_in_vault.get_mut(vault).expect("counted");
            *count -= 1;
            if *count == 0 {
                state.pending_slashings_in_vault.remove(vault);
            }
        }
        Ok(slashing)
    }

    fn cancel_slashing(&mut self, sender: Address, root: B256) -> Result<Ev> {
        if !self.veto_committee.contains(&sender) {
            return Err(E::Unauthorized("only the veto committee cancels slashing"));
        }
        self.forget_request(root)?;
        Ok(Ev::CancelledSlashing { root })
    }

    fn finalize_slashing(&mut self, ledger: &mut Ledger, now: u64, root: B256) -> Result<Vec<Ev>> {
        let slashing = self.slashing_requests.get(&root).ok_or(E::InvalidSlashingParams(root))?;
        self.require_registered(slashing.operator, slashing.dss)?;
        if slashing.timestamp + SLASHING_VETO_WINDOW > now {
            return Err(E::MinSlashingDelayNotPassed);
        }
        // Work out every vault's loss before moving anything, so the call stays atomic.
        let mut plan = Vec::with_capacity(slashing.vaults.len());
        for (vault, pct) in slashing.vaults.iter().zip(&slashing.slash_percentages_wad) {
            if !self.is_staked(*vault, slashing.dss) {
                plan.push((*vault, None));
                continue;
            }
            let assets = self.total_assets(ledger, *vault)?;
            let amount = math::mul_div(*pct, assets, HUNDRED_PERCENT_WAD, Rounding::Floor)?;
            plan.push((*vault, Some(amount.min(assets))));
        }
        self.forget_request(root)?;
        let mut events = Vec::with_capacity(plan.len() + 1);
        for (vault, amount) in plan {
            match amount {
                None => events.push(Ev::SkippedSlashing { vault }),
                Some(amount) => {
                    self.slash_assets(ledger, vault, amount)?;
                    events.push(Ev::Slashed { vault, amount });
                }
            }
        }
        events.push(Ev::FinalizedSlashing { root });
        Ok(events)
    }
}

/// The root a slash request is stored under.
pub fn slashing_root(slashing: &QueuedSlashing) -> B256 {
    keccak256(serde_json::to_vec(slashing).expect("requests serialize"))
}

/// `keccak256(abi.encode(staker, nonce))`: a withdrawal's key.
pub fn withdrawal_key(staker: Address, nonce: u64) -> B256 {
    let mut encoded = [0u8; 64];
    encoded[12..32].copy_from_slice(staker.as_slice());
    encoded[56..].copy_from_slice(&nonce.to_be_bytes());
    keccak256(encoded)
}
