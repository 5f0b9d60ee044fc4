//! LRT events.

use alloy_primitives::{Address, U256};
use serde::{Deserialize, Serialize};

use crate::serde_ext;

/// An event of the LRT module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event")]
#[allow(missing_docs)] // fields are named for what they carry
pub enum LrtEvent {
    LrtCreated {
        #[serde(with = "serde_ext::account")]
        lrt: Address,
        #[serde(with = "serde_ext::token")]
        token: Address,
        preset: super::Preset,
    },
    Deposited {
        #[serde(with = "serde_ext::account")]
        lrt: Address,
        #[serde(with = "serde_ext::account")]
        depositor: Address,
        #[serde(with = "serde_ext::token")]
        asset: Address,
        #[serde(with = "serde_ext::amount")]
        amount: U256,
        #[serde(with = "serde_ext::amount")]
        value: U256,
        #[serde(with = "serde_ext::amount")]
        shares: U256,
    },
    WithdrawalRequested {
        #[serde(with = "serde_ext::account")]
        lrt: Address,
        request_id: u64,
        #[serde(with = "serde_ext::account")]
        owner: Address,
        #[serde(with = "serde_ext::amount")]
        shares: U256,
        #[serde(with = "serde_ext::amount")]
        owed: U256,
        claimable_at: u64,
    },
    WithdrawalClaimed {
        #[serde(with = "serde_ext::account")]
        lrt: Address,
        request_id: u64,
        #[serde(with = "serde_ext::account")]
        owner: Address,
        #[serde(with = "serde_ext::amount")]
        owed: U256,
        #[serde(with = "serde_ext::amount")]
        value_now: U256,
        #[serde(with = "serde_ext::amount")]
        paid: U256,
    },
    InstantRedeemed {
        #[serde(with = "serde_ext::account")]
        lrt: Address,
        #[serde(with = "serde_ext::account")]
        owner: Address,
        #[serde(with = "serde_ext::amount")]
        shares: U256,
        #[serde(with = "serde_ext::amount")]
        fee: U256,
        #[serde(with = "serde_ext::amount")]
        paid: U256,
    },
    RewardsReceived {
        #[serde(with = "serde_ext::account")]
        lrt: Address,
        #[serde(with = "serde_ext::amount")]
        amount: U256,
        #[serde(with = "serde_ext::amount")]
        fee: U256,
    },
    /// An oracle report (reported regime): `accrued` is what holders gained (negative: lost).
    Rebased {
        #[serde(with = "serde_ext::account")]
        lrt: Address,
        #[serde(with = "serde_ext::signed")]
        accrued: i128,
        #[serde(with = "serde_ext::amount")]
        fee_shares: U256,
        #[serde(with = "serde_ext::amount")]
        nav: U256,
        #[serde(with = "serde_ext::signed")]
        unrecognised: i128,
    },
    PriceUpdated {
        #[serde(with = "serde_ext::account")]
        lrt: Address,
        #[serde(with = "serde_ext::amount")]
        old_price: U256,
        #[serde(with = "serde_ext::amount")]
        new_price: U256,
        #[serde(with = "serde_ext::amount")]
        fee_shares: U256,
    },
    /// The circuit breaker paused the LRT instead of repricing it.
    CircuitBreakerTripped {
        #[serde(with = "serde_ext::account")]
        lrt: Address,
        #[serde(with = "serde_ext::amount")]
        stored_price: U256,
        #[serde(with = "serde_ext::amount")]
        observed_price: U256,
    },
    Paused {
        #[serde(with = "serde_ext::account")]
        lrt: Address,
        paused: bool,
    },
    AssetPriceSet {
        #[serde(with = "serde_ext::account")]
        lrt: Address,
        #[serde(with = "serde_ext::token")]
        asset: Address,
        #[serde(with = "serde_ext::amount")]
        price: U256,
    },
    DepositLimitSet {
        #[serde(with = "serde_ext::account")]
        lrt: Address,
        #[serde(with = "serde_ext::token")]
        asset: Address,
        #[serde(with = "serde_ext::amount")]
        limit: U256,
    },
    DelegatorWeightSet {
        #[serde(with = "serde_ext::account")]
        lrt: Address,
        #[serde(with = "serde_ext::account")]
        delegator: Address,
        weight_bps: u64,
    },
    DelegatorAdded {
        #[serde(with = "serde_ext::account")]
        lrt: Address,
        #[serde(with = "serde_ext::account")]
        delegator: Address,
        #[serde(with = "serde_ext::account")]
        operator: Address,
        weight_bps: u64,
    },
    Wrapped {
        #[serde(with = "serde_ext::account")]
        lrt: Address,
        #[serde(with = "serde_ext::account")]
        owner: Address,
        #[serde(with = "serde_ext::amount")]
        shares: U256,
        unwrap: bool,
    },
    /// `lrt.unwind`: ETH the delegators held idle moved to the pool, and validators asked to
    /// exit.
    UnwindStarted {
        #[serde(with = "serde_ext::account")]
        lrt: Address,
        /// What the unwind is for.
        #[serde(with = "serde_ext::amount")]
        needed: U256,
        /// Idle ETH moved from the delegators to the pool.
        #[serde(with = "serde_ext::amount")]
        returned: U256,
        /// Validators asked to exit.
        validators_exited: u64,
        /// Their balances.
        #[serde(with = "serde_ext::amount")]
        exiting: U256,
        /// What no exit could cover.
        #[serde(with = "serde_ext::amount")]
        unmet: U256,
    },
    /// `lrt.process_unwind`: pods checkpointed, EigenLayer withdrawals queued and completed,
    /// and ETH moved back to the pool.
    UnwindProcessed {
        #[serde(with = "serde_ext::account")]
        lrt: Address,
        checkpoints: u64,
        /// beaconChainETH withdrawable shares queued for withdrawal.
        #[serde(with = "serde_ext::amount")]
        queued: U256,
        withdrawals_completed: u64,
        /// ETH moved from the delegators to the pool.
        #[serde(with = "serde_ext::amount")]
        returned: U256,
    },
}
