//! EigenLayer's deployment constants, as named parameter sets.

use serde::{Deserialize, Serialize};

/// Delays and constants fixed at deployment (immutables of the core contracts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// `DEALLOCATION_DELAY`: blocks a deallocation (or deregistration) stays slashable.
    pub deallocation_delay_blocks: u64,
    /// `ALLOCATION_CONFIGURATION_DELAY`: blocks before a new allocation delay takes effect;
    /// also the slasher configuration delay.
    pub allocation_configuration_delay_blocks: u64,
    /// `MIN_WITHDRAWAL_DELAY_BLOCKS`: blocks a queued withdrawal stays slashable.
    pub min_withdrawal_delay_blocks: u64,
    /// The chain id in the EIP-712 domain of delegation approvals.
    pub chain_id: u64,
    /// The RewardsCoordinator's immutables.
    pub rewards: super::rewards::RewardsParams,
}

impl Params {
    /// Ethereum mainnet (`script/configs/mainnet.json`, `docs/core/AllocationManager.md`).
    pub const MAINNET: Self = Self {
        deallocation_delay_blocks: 100_800,
        allocation_configuration_delay_blocks: 126_000,
        min_withdrawal_delay_blocks: 100_800,
        chain_id: 1,
        rewards: super::rewards::RewardsParams::MAINNET,
    };

    /// The public testnets' short delays (preprod/testnet configs: 50, 75 and 50 blocks), so a
    /// scenario can walk through a whole lifecycle in a few hundred blocks.
    pub const TESTNET: Self = Self {
        deallocation_delay_blocks: 50,
        allocation_configuration_delay_blocks: 75,
        min_withdrawal_delay_blocks: 50,
        chain_id: 17_000,
        rewards: super::rewards::RewardsParams::TESTNET,
    };

    /// The parameter set with this name (`mainnet` or `testnet`).
    pub fn named(name: &str) -> Option<Self> {
        match name {
            "mainnet" => Some(Self::MAINNET),
            "testnet" => Some(Self::TESTNET),
            _ => None,
        }
    }

    /// Whether the parameters respect the deployment rule that deallocations and withdrawals stay
    /// slashable for the same time (`DEALLOCATION_DELAY == MIN_WITHDRAWAL_DELAY_BLOCKS`).
    pub fn is_consistent(&self) -> bool {
        self.deallocation_delay_blocks == self.min_withdrawal_delay_blocks
    }
}

impl Default for Params {
    fn default() -> Self {
        Self::MAINNET
    }
}

const _: () = assert!(
    Params::MAINNET.deallocation_delay_blocks == Params::MAINNET.min_withdrawal_delay_blocks
);
const _: () = assert!(
    Params::TESTNET.deallocation_delay_blocks == Params::TESTNET.min_withdrawal_delay_blocks
);
