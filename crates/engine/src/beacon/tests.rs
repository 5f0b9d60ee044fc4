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
fn full_participation_pays_attestations_proposals_and_the_sync_committee() {
    let mut chain = Chain::new();
    // Compounding, so that the reward stays in the balance instead of being skimmed.
    chain.deposit("alice", 32, true);
    chain.advance_to_epoch(9);
    let before = chain.validator("alice").balance;
    chain.advance_to_epoch(10);
    // total 32 ETH: isqrt(32e9) = 178,885; get_base_reward_per_increment = 64e9 / 178,885
    // = 357,771 gwei; get_base_reward = 32 × 357,771 = 11,448,672.
    // get_flag_index_deltas, everyone participating: 14, 26, 14 of 64, each floored:
    //   2,504,397 + 4,651,023 + 2,504,397 = 9,659,817.
    // Proposals (process_attestation): 11,448,672 × 54 // ((64 − 8) × 64 // 8 = 448)
    //   = 618,228,288 // 448 = 1,379,973; alice proposes every block.
    // process_sync_aggregate: total_base_rewards = 357,771 × 32 = 11,448,672;
    //   max_participant_rewards = 11,448,672 × 2 // 64 // 32 = 11,180;
    //   participant_reward = 11,180 // 512 = 21, so 32 slots × 512 seats × 21 = 344,064;
    //   the proposer's 21 × 8 // 56 = 3 a signature: 32 × 512 × 3 = 49,152.
    // 9,659,817 + 1,379,973 + 344,064 + 49,152 = 11,433,006 gwei.
    assert_eq!(chain.validator("alice").balance - before, 11_433_006);
    let rewards = chain.events.iter().rev().find_map(|e| match e {
        BeaconEvent::EpochRewards {
            epoch: 9,
            rewards_gwei,
            attestation_rewards_gwei,
            proposer_rewards_gwei,
            sync_rewards_gwei,
            penalties_gwei,
            ..
        } => Some((
            *rewards_gwei,
            *attestation_rewards_gwei,
            *proposer_rewards_gwei,
            *sync_rewards_gwei,
            *penalties_gwei,
        )),
        _ => None,
    });
    assert_eq!(rewards, Some((11_433_006, 9_659_817, 1_379_973 + 49_152, 344_064, 0)));
    // Rewards are ETH minted at the deposit contract, not numbers out of thin air.
    assert_eq!(
        chain.ledger.balance_of(NATIVE_ETH, deposit_contract()),
        wei(chain.validator("alice").balance)
    );
}

/// A chain of `count` active 0x02 validators of `eth` each, built directly (the deposit churn
/// would take years to fill it), processed up to the start of epoch 1.
fn chain_of(count: usize, eth: u64) -> Chain {
    let mut chain = Chain::new();
    for i in 0..count {
        let pubkey = key(&format!("big{i}"));
        let credentials = WithdrawalCredentials { compounding: true, address: pod() };
        chain.beacon.validators.push(Validator {
            pubkey,
            operator: operator(),
            credentials,
            effective_balance: eth * ETH,
            balance: eth * ETH,
            activation_eligibility_epoch: 0,
            activation_epoch: 0,
            exit_epoch: FAR_FUTURE_EPOCH,
            withdrawable_epoch: FAR_FUTURE_EPOCH,
            slashed: false,
            participation_bps: FULL_PARTICIPATION_BPS,
            participation_credit: 0,
            performed_duties: false,
            inactivity_score: 0,
        });
        chain.beacon.index_of.insert(pubkey, i);
        chain.beacon.by_credentials.entry(pod()).or_default().push(i);
    }
    let staked = U256::from(count as u64 * eth) * wei(ETH);
    chain.ledger.mint(NATIVE_ETH, deposit_contract(), staked).unwrap();
    chain.beacon.next_epoch = 1;
    chain.beacon.next_block = 0;
    chain.advance_to_epoch(1);
    chain
}

fn epoch_rewards(chain: &Chain, epoch: u64) -> (u64, u64) {
    chain
        .events
        .iter()
        .find_map(|e| match e {
            BeaconEvent::EpochRewards { epoch: e, rewards_gwei, penalties_gwei, .. }
                if *e == epoch =>
            {
                Some((*rewards_gwei, *penalties_gwei))
            }
            _ => None,
        })
        .expect("the epoch paid rewards")
}

#[test]
fn the_consensus_apr_at_34_million_eth_is_the_specs() {
    // 17,000 validators of 2,000 ETH: 34,000,000 ETH active.
    let mut chain = chain_of(17_000, 2_000);
    chain.advance_to_epoch(2);
    // isqrt(34e15) = 184,390,889; get_base_reward_per_increment = 64e9 // 184,390,889 = 347;
    // get_base_reward = 2,000 × 347 = 694,000 a validator (the spec's ideal issuance per
    // epoch is 34e6 × 347 = 11,798,000,000 gwei).
    // get_flag_index_deltas: 694,000 × {14, 26, 14} // 64 = 151,812 + 281,937 + 151,812
    //   = 585,561 (all that Rampart paid before: 84.4% of the base reward).
    // Proposals: 17,000 × 694,000 × 54 // 448 = 1,422,080,357 for attestations, plus the
    //   sync aggregates' 32 × 512 × 3,214 = 52,658,176 (participant_reward below, × 8 // 56
    //   = 3,214): 1,474,738,533 shared by effective balance, 1/17,000 each = 86,749.
    // process_sync_aggregate: total_base_rewards = 347 × 34e6 = 11,798,000,000;
    //   × 2 // 64 // 32 = 11,521,484; // 512 = 22,502 a seat and slot; 32 × 512 × 22,502
    //   = 368,672,768 an epoch, 1/17,000 each = 21,686.
    // A validator: 585,561 + 86,749 + 21,686 = 693,996 gwei; the chain 11,797,932,000 (the
    // spec's 11,798,000,000 less 68,000 of per-validator flooring).
    let alice = chain.beacon.validators[0].balance - 2_000 * ETH;
    assert_eq!(alice, 693_996);
    assert_eq!(epoch_rewards(&chain, 1), (11_797_932_000, 0));
    // APR = 693,996 × 82,181.25 epochs a year (225 a day × 365.25) / 2,000 ETH = 2.8517%,
    // in basis points ⌊693,996 × 328,725 × 10,000 / (4 × 2,000e9)⌋ = 285 (the spec notes'
    // 166.3 / √34e6 = 2.85%); attestations alone gave 2.41%.
    let apr_bps = u128::from(alice) * 328_725 * 10_000 / (4 * 2_000 * u128::from(ETH));
    assert_eq!(apr_bps, 285);
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
