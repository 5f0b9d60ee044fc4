//! Babylon Bitcoin staking: finality providers, BTC delegations through their states, EOTS
//! finality votes whose double-signing reveals the key and slashes every delegation to the
//! provider, multi-staking across networks, and rewards.
//!
//! BTC is the ledger's `BTC` token in satoshi. Registering a delegation moves the staked
//! satoshi into the module's escrow (the Taproot staking output); they leave it only as a burn
//! (a slash's OP_RETURN output), a fee to Bitcoin miners (unbonding and slashing
//! transactions), or a return to the staker. So for every delegation
//! `value = still locked + burned + fees + returned`, which `invariants` checks.
//!
//! Babylon keeps its own clocks, derived here from the world's: a Bitcoin block every 600 s
//! (50 Ethereum blocks) from `btc_genesis_height` at the world's block 0.
//!
//! Not modelled: the BTC light client (inclusion proofs are reduced to the including block's
//! height, which must be k blocks below the tip) and the covenant's adaptor signatures
//! (covenant members sign by sending a message).

pub mod calls;
mod calls_impl;
pub mod eots;
pub mod errors;
pub mod events;
pub mod invariants;
pub mod state;
pub mod views;

use alloy_primitives::{Address, B256};

pub use self::{
    calls::BabylonCall,
    errors::BabylonError,
    events::BabylonEvent,
    state::{Babylon, BabylonParams, BtcDelegation, DelegationStatus, FinalityProvider},
    views::BabylonView,
};
use crate::accounts::{derived_address, named_address};

/// Ethereum blocks per Bitcoin block (600 s / 12 s).
pub const ETHEREUM_BLOCKS_PER_BTC_BLOCK: u64 = 50;

/// The BTC height at the default genesis (2026-01-01).
pub const DEFAULT_BTC_GENESIS_HEIGHT: u64 = 930_000;

/// Where staked satoshi wait (the staking outputs).
pub fn escrow_address() -> Address {
    derived_address("rampart.babylon", "staking-outputs")
}

/// Where slashed satoshi go (the OP_RETURN burn output).
pub fn burn_address() -> Address {
    derived_address("rampart.babylon", "burn")
}

/// Where Bitcoin transaction fees go.
pub fn miners_address() -> Address {
    derived_address("rampart.bitcoin", "miners")
}

/// Where rewards wait for their claims.
pub fn rewards_address() -> Address {
    derived_address("rampart.babylon", "rewards")
}

/// What a Babylon message sees of the world.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BabylonEnv {
    /// The BTC tip height.
    pub btc_height: u64,
    /// Babylon's own height (10 s blocks), which jail durations count.
    pub babylon_height: u64,
    /// The world's admin, acting as governance.
    pub admin: Address,
}

type Result<T, E = BabylonError> = std::result::Result<T, E>;

impl BabylonParams {
    /// Babylon Genesis mainnet (phase 2): 6-of-9 covenant, 0.005–5,000 BTC, 64,000-block
    /// timelock, 1,008-block unbonding, 0.1% slashing, k = 30.
    pub fn mainnet() -> Self {
        Self {
            btc_activation_height: 0,
            covenant_members: (0..9).map(|i| named_address(&format!("covenant{i}"))).collect(),
            covenant_quorum: 6,
            min_staking_value_sat: 500_000,
            max_staking_value_sat: 500_000_000_000,
            min_staking_time_blocks: 64_000,
            max_staking_time_blocks: 64_000,
            unbonding_time_blocks: 1_008,
            unbonding_fee_sat: 9_600,
            slashing_rate_ppm: 1_000,
            min_slashing_tx_fee_sat: 100_000,
            min_commission_rate_ppm: 30_000,
            btc_confirmation_depth: 30,
            max_active_finality_providers: 60,
            signed_blocks_window: 10_000,
            min_signed_per_window_ppm: 200_000,
            jail_duration_blocks: 60,
            finality_sig_timeout: 3,
        }
    }

    /// Short times for scenarios (the code defaults' spirit): 2-of-3 covenant, 10–1,000-block
    /// timelocks, 5-block unbonding, 10% slashing, k = 2.
    pub fn testnet() -> Self {
        Self {
            btc_activation_height: 0,
            covenant_members: (0..3).map(|i| named_address(&format!("covenant{i}"))).collect(),
            covenant_quorum: 2,
            min_staking_value_sat: 10_000,
            max_staking_value_sat: 1_000_000_000,
            min_staking_time_blocks: 10,
            max_staking_time_blocks: 1_000,
            unbonding_time_blocks: 5,
            unbonding_fee_sat: 1_000,
            slashing_rate_ppm: 100_000,
            min_slashing_tx_fee_sat: 1_000,
            min_commission_rate_ppm: 0,
            btc_confirmation_depth: 2,
            max_active_finality_providers: 10,
            signed_blocks_window: 10,
            min_signed_per_window_ppm: 200_000,
            jail_duration_blocks: 30,
            finality_sig_timeout: 3,
        }
    }

    /// Checks the chain's parameter rules.
    pub fn validate(&self) -> Result<()> {
        let fail = |why: &str| Err(BabylonError::InvalidParams(why.to_owned()));
        let members = u32::try_from(self.covenant_members.len()).unwrap_or(u32::MAX);
        if self.covenant_quorum == 0 || self.covenant_quorum > members {
            return fail("the covenant quorum must be between 1 and the number of members");
        }
        if self.min_staking_value_sat == 0
            || self.min_staking_value_sat > self.max_staking_value_sat
        {
            return fail("staking values must satisfy 0 < min <= max");
        }
        if self.min_staking_time_blocks == 0
            || self.min_staking_time_blocks > self.max_staking_time_blocks
            || self.max_staking_time_blocks >= 65_535
        {
            return fail("staking times must satisfy 0 < min <= max < 65535");
        }
        if self.unbonding_time_blocks == 0 || self.unbonding_time_blocks >= 65_535 {
            return fail("the unbonding time must be in [1, 65535)");
        }
        if self.unbonding_fee_sat >= self.min_staking_value_sat {
            return fail("the unbonding fee must be below the minimum stake");
        }
        // Every output of the smallest stake's unbonding and slashing paths must stay positive.
        if self.min_slashing_tx_fee_sat.saturating_add(self.unbonding_fee_sat)
            >= self.min_staking_value_sat
        {
            return fail("the minimum stake must exceed the unbonding and slashing fees");
        }
        if self.slashing_rate_ppm == 0 || self.slashing_rate_ppm >= state::PPM {
            return fail("the slashing rate must be in (0, 1)");
        }
        if self.min_commission_rate_ppm > state::PPM {
            return fail("the minimum commission must be at most 1");
        }
        if self.btc_confirmation_depth == 0 || self.max_active_finality_providers == 0 {
            return fail("the confirmation depth and the active set must be positive");
        }
        if self.signed_blocks_window == 0 || self.min_signed_per_window_ppm > state::PPM {
            return fail("the liveness window must be positive and the minimum share at most 1");
        }
        Ok(())
    }
}

impl Babylon {
    /// A Babylon with one parameter version and only Babylon Genesis registered.
    pub fn new(params: BabylonParams) -> Self {
        params.validate().expect("built-in parameters are valid");
        let mut consumers = std::collections::BTreeMap::new();
        consumers.insert(state::BABYLON_GENESIS.to_owned(), "Babylon Genesis".to_owned());
        Self {
            params: vec![params],
            btc_genesis_height: DEFAULT_BTC_GENESIS_HEIGHT,
            consumers,
            finality_providers: Default::default(),
            delegations: Default::default(),
            delegation_count: 0,
            public_randomness: Default::default(),
            votes: Default::default(),
            power_tables: Default::default(),
            liveness_next: Default::default(),
            rewards: Default::default(),
        }
    }

    /// Babylon's height at the world's `block` (10 s Babylon blocks).
    pub fn babylon_height_at(&self, block: u64) -> u64 {
        block * 12 / 10
    }

    /// The BTC tip at the world's `block`.
    pub fn btc_height_at(&self, block: u64) -> u64 {
        self.btc_genesis_height + block / ETHEREUM_BLOCKS_PER_BTC_BLOCK
    }

    /// The index of the parameter version in force at a BTC height.
    pub fn params_version_at(&self, btc_height: u64) -> u32 {
        let index =
            self.params.partition_point(|p| p.btc_activation_height <= btc_height).max(1) - 1;
        u32::try_from(index).expect("few versions")
    }

    /// A parameter version.
    pub fn params(&self, version: u32) -> &BabylonParams {
        &self.params[version as usize]
    }

    /// A delegation's status at a BTC height (`GetStatus`).
    pub fn status(&self, delegation: &BtcDelegation, btc_height: u64) -> DelegationStatus {
        let params = self.params(delegation.params_version);
        if delegation.withdrawn {
            return DelegationStatus::Withdrawn;
        }
        if delegation.slashed_at.is_some() {
            return DelegationStatus::Slashed;
        }
        if delegation.unbonded_at.is_some() {
            return DelegationStatus::Unbonded;
        }
        let signatures = u32::try_from(delegation.covenant_signers.len()).unwrap_or(u32::MAX);
        if signatures < params.covenant_quorum {
            return DelegationStatus::Pending;
        }
        let Some(start) = delegation.start_height else { return DelegationStatus::Verified };
        if btc_height < start {
            return DelegationStatus::Unbonded;
        }
        let end = start + delegation.staking_time_blocks;
        if btc_height + params.unbonding_time_blocks >= end {
            return DelegationStatus::Expired;
        }
        DelegationStatus::Active
    }

    /// Current voting power of every provider of a network that has any (unsorted, unbounded).
    pub fn current_power(
        &self,
        consumer_id: &str,
        btc_height: u64,
    ) -> std::collections::BTreeMap<B256, u64> {
        let mut power = std::collections::BTreeMap::new();
        for delegation in self.delegations.values() {
            if self.status(delegation, btc_height) != DelegationStatus::Active {
                continue;
            }
            for fp in &delegation.fp_btc_pks {
                let provider = &self.finality_providers[fp];
                if provider.consumer_id == consumer_id
                    && provider.slashed.is_none()
                    && provider.jailed_until.is_none()
                {
                    *power.entry(*fp).or_insert(0u64) += delegation.value_sat;
                }
            }
        }
        power
    }

    /// The voting power table of a network at a height: the top N providers by power that
    /// committed randomness for the height (ties broken by key).
    pub fn power_table(
        &self,
        consumer_id: &str,
        height: u64,
        btc_height: u64,
    ) -> std::collections::BTreeMap<B256, u64> {
        let max =
            self.params(self.params_version_at(btc_height)).max_active_finality_providers as usize;
        let mut ranked: Vec<(B256, u64)> = self
            .current_power(consumer_id, btc_height)
            .into_iter()
            .filter(|(fp, power)| *power > 0 && self.public_randomness.contains_key(&(*fp, height)))
            .collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.into_iter().take(max).collect()
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::U256;

    use super::{calls::*, *};
    use crate::{
        Action, Call, World, accounts::token_address, eigenlayer::Params, world::TokenCall,
    };

    fn call(
        world: &mut World,
        sender: &str,
        message: BabylonCall,
    ) -> std::result::Result<(), String> {
        world
            .apply(&Call { sender: named_address(sender), action: Action::Babylon(message) })
            .map(|_| ())
            .map_err(|e| e.name().to_owned())
    }

    #[test]
    fn parameter_rules_are_enforced() {
        let good = BabylonParams::mainnet();
        assert!(good.validate().is_ok());
        let broken: [fn(&mut BabylonParams); 6] = [
            |p| p.covenant_quorum = 10,
            |p| p.min_staking_value_sat = p.max_staking_value_sat + 1,
            |p| p.max_staking_time_blocks = 70_000,
            |p| p.unbonding_fee_sat = p.min_staking_value_sat,
            |p| p.slashing_rate_ppm = 0,
            |p| p.btc_confirmation_depth = 0,
        ];
        for breaks in broken {
            let mut params = good.clone();
            breaks(&mut params);
            assert!(matches!(params.validate(), Err(BabylonError::InvalidParams(_))), "{params:?}");
        }
    }

    #[test]
    fn a_stake_is_checked_against_the_parameters_in_force_at_its_inclusion() {
        let mut world = World::new(Params::TESTNET);
        let mint = TokenCall::Mint {
            to: named_address("s"),
            token: token_address("BTC"),
            amount: U256::from(10_000_000u64),
        };
        world.apply(&Call { sender: world.admin, action: Action::Token(mint) }).unwrap();
        let fp = btc_key::resolve("fp").unwrap();
        let create = CreateFinalityProvider {
            btc_pk: fp,
            commission: "0".into(),
            consumer_id: "bbn-1".into(),
            moniker: String::new(),
        };
        call(&mut world, "op", BabylonCall::CreateFinalityProvider(create)).unwrap();
        // From BTC height 930,003 the minimum stake is 100,000 sat; only governance may say so.
        let mut stricter = BabylonParams::testnet();
        stricter.btc_activation_height = 930_003;
        stricter.min_staking_value_sat = 100_000;
        let update = BabylonCall::UpdateParams(stricter);
        assert_eq!(call(&mut world, "mallory", update.clone()), Err("Unauthorized".into()));
        call(&mut world, "admin", update.clone()).unwrap();
        assert_eq!(call(&mut world, "admin", update), Err("InvalidParams".into()));
        assert_eq!(world.babylon.params_version_at(930_002), 0);
        assert_eq!(world.babylon.params_version_at(930_003), 1);
        world.advance_blocks(50 * 6).unwrap(); // tip 930,006
        // Post-staking registrations follow the version in force where they were included.
        let register = |inclusion_height| {
            BabylonCall::CreateBtcDelegation(CreateBtcDelegation {
                fp_btc_pk_list: vec![fp],
                staking_time: 100,
                staking_value: 50_000,
                inclusion_height: Some(inclusion_height),
            })
        };
        assert_eq!(call(&mut world, "s", register(930_004)), Err("InvalidStakingTx".into()));
        assert_eq!(call(&mut world, "s", register(930_005)), Err("InvalidStakingTx".into()));
        call(&mut world, "s", register(930_002)).unwrap();
        let hash = *world.babylon.delegations.keys().next().unwrap();
        for member in ["covenant0", "covenant1"] {
            call(
                &mut world,
                member,
                BabylonCall::AddCovenantSigs(StakingTx { staking_tx_hash: hash }),
            )
            .unwrap();
        }
        let delegation = &world.babylon.delegations[&hash];
        assert_eq!(delegation.params_version, 0);
        assert_eq!(world.babylon.status(delegation, 930_006), DelegationStatus::Active);
        // Power ends unbonding_time (5) blocks before the timelock at 930,102.
        assert_eq!(world.babylon.status(delegation, 930_096), DelegationStatus::Active);
        assert_eq!(world.babylon.status(delegation, 930_097), DelegationStatus::Expired);
        // A pre-staking registration cannot claim an inclusion before it was registered.
        let pre = BabylonCall::CreateBtcDelegation(CreateBtcDelegation {
            fp_btc_pk_list: vec![fp],
            staking_time: 100,
            staking_value: 200_000,
            inclusion_height: None,
        });
        call(&mut world, "s", pre).unwrap();
        let pre_hash = *world.babylon.delegations.keys().find(|h| **h != hash).unwrap();
        let include = BabylonCall::AddBtcDelegationInclusionProof(InclusionProof {
            staking_tx_hash: pre_hash,
            inclusion_height: 930_000,
        });
        assert_eq!(call(&mut world, "v", include), Err("StakingTxIncludedTooEarly".into()));
        world.check_invariants().unwrap();
    }
}
