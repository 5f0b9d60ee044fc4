//! The beacon chain's lifecycle against numbers worked by hand from the consensus specs.

use alloy_primitives::{Address, U256};

use super::{
    calls::{Deposit, ValidatorRef, validator_key},
    *,
};
use crate::{accounts::derived_address, ledger::Ledger};

const ETH: u64 = GWEI_PER_ETH;

struct Chain {
    beacon: BeaconChain,
    ledger: Ledger,
    block: u64,
    events: Vec<BeaconEvent>,
}

fn admin() -> Address {
    derived_address("test", "admin")
}
fn operator() -> Address {
    derived_address("test", "operator")
}
fn pod() -> Address {
    derived_address("test", "pod")
}
fn key(name: &str) -> alloy_primitives::B256 {
    validator_key::resolve(name).unwrap()
}

impl Chain {
    fn new() -> Self {
        let mut ledger = Ledger::with_default_tokens();
        ledger.mint(NATIVE_ETH, operator(), U256::from(1_000_000u64) * wei(ETH)).unwrap();
        Self { beacon: BeaconChain::default(), ledger, block: 0, events: Vec::new() }
    }

    #[allow(clippy::needless_pass_by_value)] // calls read as values at every call site
    fn call(&mut self, sender: Address, call: BeaconCall) -> Result<(), BeaconError> {
        let events = self.beacon.apply(&mut self.ledger, self.block, admin(), sender, &call)?;
        self.events.extend(events);
        self.check();
        Ok(())
    }

    fn deposit(&mut self, name: &str, eth: u64, compounding: bool) {
        let credentials = WithdrawalCredentials { compounding, address: pod() };
        let deposit = Deposit {
            pubkey: key(name),
            withdrawal_credentials: credentials,
            amount: wei(eth * ETH),
        };
        self.call(operator(), BeaconCall::Deposit(deposit)).unwrap();
    }

    /// Moves to the first block of `epoch`, processing everything before it.
    fn advance_to_epoch(&mut self, epoch: u64) {
        self.block = epoch * SLOTS_PER_EPOCH;
        let events = self.beacon.process_until(&mut self.ledger, self.block);
        self.events.extend(events);
        self.check();
    }

    fn validator(&self, name: &str) -> &Validator {
        &self.beacon.validators[self.beacon.index_of[&key(name)] as usize]
    }

    fn status(&self, name: &str) -> String {
        let view = BeaconView::Validator(ValidatorRef { pubkey: key(name) });
        self.beacon.view(self.block, &view).unwrap()["status"].as_str().unwrap().to_owned()
    }

    fn check(&self) {
        self.beacon.check_invariants(&self.ledger).unwrap();
        self.ledger.check_invariants().unwrap();
    }
}

use super::state::WithdrawalCredentials;

#[test]
fn a_deposit_activates_after_the_finality_lag_and_the_activation_delay() {
    let mut chain = Chain::new();
    chain.deposit("alice", 32, false);
    assert_eq!(chain.ledger.balance_of(NATIVE_ETH, deposit_contract()), wei(32 * ETH));
    chain.advance_to_epoch(1);
    // Applied at the end of epoch 0, eligible from epoch 1.
    assert_eq!(chain.status("alice"), "pending_initialized");
    assert_eq!(chain.validator("alice").effective_balance, 32 * ETH);
    chain.advance_to_epoch(2);
    // Registry updates run before deposits: eligibility is set when epoch 1 ends.
    assert_eq!(chain.validator("alice").activation_eligibility_epoch, 2);
    // Epoch 2 is finalized when epoch 3 ends: active from 3 + 1 + MAX_SEED_LOOKAHEAD.
    chain.advance_to_epoch(4);
    assert_eq!(chain.validator("alice").activation_epoch, 8);
    assert_eq!(chain.status("alice"), "pending_queued");
    chain.advance_to_epoch(8);
    assert_eq!(chain.status("alice"), "active_ongoing");
}

#[test]
fn full_participation_pays_the_altair_base_reward() {
    let mut chain = Chain::new();
    // Compounding, so that the reward stays in the balance instead of being skimmed.
    chain.deposit("alice", 32, true);
    chain.advance_to_epoch(9);
    let before = chain.validator("alice").balance;
    chain.advance_to_epoch(10);
    // total 32 ETH: isqrt(32e9) = 178,885; per increment 64e9 / 178,885 = 357,771 gwei;
    // base reward 32 × 357,771 = 11,448,672; flags 14, 26, 14 of 64 with everyone
    // participating: 2,504,397 + 4,651,023 + 2,504,397 = 9,659,817 gwei.
    assert_eq!(chain.validator("alice").balance - before, 9_659_817);
    // Rewards are ETH minted at the deposit contract, not numbers out of thin air.
    assert_eq!(
        chain.ledger.balance_of(NATIVE_ETH, deposit_contract()),
        wei(chain.validator("alice").balance)
    );
}

#[test]
fn a_0x01_validator_is_skimmed_and_a_0x02_validator_compounds() {
    let mut chain = Chain::new();
    chain.deposit("skimmed", 32, false);
    chain.deposit("compounding", 64, true);
    chain.advance_to_epoch(20);
    assert_eq!(chain.validator("compounding").effective_balance, 64 * ETH);
    assert!(chain.validator("compounding").balance > 64 * ETH);
    let skims: u64 = chain
        .events
        .iter()
        .filter_map(|e| match e {
            BeaconEvent::Withdrawal { validator_index: 0, amount_gwei, full: false, .. } => {
                Some(*amount_gwei)
            }
            _ => None,
        })
        .sum();
    // Everything above 32 ETH left the 0x01 validator for its withdrawal address.
    assert!(skims > 0);
    assert_eq!(chain.ledger.balance_of(NATIVE_ETH, pod()), wei(skims));
    assert!(chain.validator("skimmed").balance >= 32 * ETH);
}

#[test]
fn a_voluntary_exit_waits_for_the_shard_committee_period_and_pays_everything_out() {
    let mut chain = Chain::new();
    chain.deposit("alice", 32, true);
    chain.advance_to_epoch(8);
    let exit = |chain: &mut Chain| {
        chain.call(operator(), BeaconCall::VoluntaryExit(ValidatorRef { pubkey: key("alice") }))
    };
    assert_eq!(
        exit(&mut chain),
        Err(BeaconError::TooYoungToExit { pubkey: key("alice"), from: 8 + 256 })
    );
    chain.advance_to_epoch(264);
    let stranger = derived_address("test", "stranger");
    assert_eq!(
        chain.call(stranger, BeaconCall::VoluntaryExit(ValidatorRef { pubkey: key("alice") })),
        Err(BeaconError::Unauthorized(key("alice")))
    );
    exit(&mut chain).unwrap();
    assert_eq!(exit(&mut chain), Err(BeaconError::AlreadyExiting(key("alice"))));
    assert_eq!(chain.validator("alice").exit_epoch, 264 + 5);
    assert_eq!(chain.validator("alice").withdrawable_epoch, 264 + 5 + 256);
    chain.advance_to_epoch(270);
    assert_eq!(chain.status("alice"), "exited_unslashed");
    let final_balance = chain.validator("alice").balance;
    chain.advance_to_epoch(526);
    assert_eq!(chain.status("alice"), "withdrawal_done");
    // No rewards after the exit: the pod receives exactly the balance at exit, and the
    // deposit contract is empty.
    assert_eq!(chain.ledger.balance_of(NATIVE_ETH, pod()), wei(final_balance));
    assert_eq!(chain.ledger.balance_of(NATIVE_ETH, deposit_contract()), U256::ZERO);
}

#[test]
fn exits_beyond_the_churn_queue_into_later_epochs() {
    let mut chain = Chain::new();
    for i in 0..10 {
        chain.deposit(&format!("v{i}"), 32, false);
    }
    // The deposit churn (128 ETH an epoch) applies four deposits an epoch, so they activate
    // in three waves.
    chain.advance_to_epoch(12);
    let activation_epochs: Vec<u64> =
        (0..10).map(|i| chain.validator(&format!("v{i}")).activation_epoch).collect();
    assert_eq!(activation_epochs, [8, 8, 8, 8, 9, 9, 9, 9, 10, 10]);
    chain.advance_to_epoch(270);
    for i in 0..10 {
        let pubkey = key(&format!("v{i}"));
        chain.call(pod(), BeaconCall::WithdrawalRequest(ValidatorRef { pubkey })).unwrap();
    }
    // 320 ETH active: the churn is its floor, 128 ETH an epoch, so four 32 ETH exits an epoch.
    let exit_epochs: Vec<u64> =
        (0..10).map(|i| chain.validator(&format!("v{i}")).exit_epoch).collect();
    assert_eq!(exit_epochs, [275, 275, 275, 275, 276, 276, 276, 276, 277, 277]);
}

#[test]
fn slashing_burns_the_initial_penalty_now_and_the_correlation_penalty_halfway() {
    let mut chain = Chain::new();
    for i in 0..4 {
        chain.deposit(&format!("v{i}"), 32, false);
    }
    chain.advance_to_epoch(10);
    let slash = |chain: &mut Chain, sender| {
        chain.call(sender, BeaconCall::SlashValidator(ValidatorRef { pubkey: key("v0") }))
    };
    assert_eq!(slash(&mut chain, operator()), Err(BeaconError::OnlyAdmin));
    let before = chain.validator("v0").balance;
    slash(&mut chain, admin()).unwrap();
    // 32 ETH / MIN_SLASHING_PENALTY_QUOTIENT_ELECTRA (4,096) = 7,812,500 gwei.
    assert_eq!(before - chain.validator("v0").balance, 7_812_500);
    assert_eq!(chain.validator("v0").withdrawable_epoch, 10 + 8192);
    assert_eq!(slash(&mut chain, admin()), Err(BeaconError::AlreadySlashed(key("v0"))));
    chain.advance_to_epoch(10 + 4096);
    assert!(!chain.events.iter().any(|e| matches!(e, BeaconEvent::CorrelationPenalty { .. })));
    chain.advance_to_epoch(10 + 4097);
    // 32 ETH slashed × 3 = 96 ETH ≥ the 96 ETH still active: the whole effective balance goes.
    let penalty = chain.events.iter().find_map(|e| match e {
        BeaconEvent::CorrelationPenalty { validator_index: 0, penalty_gwei } => Some(*penalty_gwei),
        _ => None,
    });
    assert!(penalty.is_some_and(|p| p > 0));
    assert_eq!(chain.validator("v0").balance, 0);
}

#[test]
fn refused_operations_change_nothing() {
    let mut chain = Chain::new();
    chain.deposit("alice", 32, false);
    let before = chain.beacon.clone();
    let credentials = WithdrawalCredentials { compounding: false, address: pod() };
    let odd = Deposit {
        pubkey: key("bob"),
        withdrawal_credentials: credentials,
        amount: wei(ETH) + U256::from(1),
    };
    assert_eq!(
        chain.call(operator(), BeaconCall::Deposit(odd)),
        Err(BeaconError::InvalidDepositAmount)
    );
    let broke =
        Deposit { pubkey: key("bob"), withdrawal_credentials: credentials, amount: wei(32 * ETH) };
    assert!(matches!(chain.call(pod(), BeaconCall::Deposit(broke)), Err(BeaconError::Ledger(_))));
    assert_eq!(
        chain.call(operator(), BeaconCall::VoluntaryExit(ValidatorRef { pubkey: key("nobody") })),
        Err(BeaconError::UnknownValidator(key("nobody")))
    );
    assert_eq!(chain.beacon, before);
}

#[test]
fn only_an_activated_validator_can_be_slashed() {
    let mut chain = Chain::new();
    chain.deposit("alice", 32, false);
    chain.advance_to_epoch(2);
    let slash = BeaconCall::SlashValidator(ValidatorRef { pubkey: key("alice") });
    assert_eq!(chain.call(admin(), slash.clone()), Err(BeaconError::NotActive(key("alice"))));
    chain.advance_to_epoch(8);
    chain.call(admin(), slash).unwrap();
}

#[test]
fn skipped_blocks_move_the_sweep_as_empty_blocks_would() {
    let mut chain = Chain::new();
    for i in 0..3 {
        chain.deposit(&format!("v{i}"), 32, true);
    }
    // No balance is withdrawable (compounding, below 2,048 ETH): every block's sweep visits
    // all three validators and moves its start by 16,384 mod 3 = 1 (five blocks: two, mod 3).
    chain.advance_to_epoch(1);
    let start = chain.beacon.next_withdrawal_validator_index;
    chain.block += 5;
    chain.beacon.process_until(&mut chain.ledger, chain.block);
    assert_eq!(chain.beacon.next_withdrawal_validator_index, (start + 5) % 3);
    // Processed block by block or in one jump, the chain ends in the same state.
    let mut stepped = chain.beacon.clone();
    let mut stepped_ledger = chain.ledger.clone();
    for b in chain.block + 1..=chain.block + 100 {
        stepped.process_until(&mut stepped_ledger, b);
    }
    chain.beacon.process_until(&mut chain.ledger, chain.block + 100);
    assert_eq!(chain.beacon, stepped);
}

#[test]
fn the_entry_queue_counts_the_sixteen_deposits_an_epoch_limit() {
    let mut chain = Chain::new();
    for i in 0..20 {
        chain.deposit(&format!("v{i}"), 1, false);
    }
    // 20 ETH is a fraction of one epoch's 128 ETH churn, but only 16 deposits apply an epoch.
    let queues = chain.beacon.view(chain.block, &BeaconView::Queues {}).unwrap();
    assert_eq!(queues["entry_queue_epochs"], 2);
    chain.advance_to_epoch(1);
    assert_eq!(chain.beacon.validators.len(), 16);
    chain.advance_to_epoch(2);
    assert_eq!(chain.beacon.validators.len(), 20);
}
