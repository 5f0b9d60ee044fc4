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

fn set_participation(chain: &mut Chain, name: &str, participation_bps: u16) {
    let args = calls::SetParticipation { pubkey: key(name), participation_bps };
    chain.call(admin(), BeaconCall::SetParticipation(args)).unwrap();
}

fn finality(chain: &Chain) -> serde_json::Value {
    chain.beacon.view(chain.block, &BeaconView::Finality {}).unwrap()
}

/// Four 32 ETH 0x02 validators, active from epoch 8 (one deposit churn of 128 ETH).
fn four_validators() -> Chain {
    let mut chain = Chain::new();
    for i in 0..4 {
        chain.deposit(&format!("v{i}"), 32, true);
    }
    chain.advance_to_epoch(10);
    chain
}

#[test]
fn participation_is_the_admins_to_set_and_at_most_10000_basis_points() {
    let mut chain = four_validators();
    let args = |bps| calls::SetParticipation { pubkey: key("v0"), participation_bps: bps };
    assert_eq!(
        chain.call(operator(), BeaconCall::SetParticipation(args(5_000))),
        Err(BeaconError::OnlyAdmin)
    );
    assert_eq!(
        chain.call(admin(), BeaconCall::SetParticipation(args(10_001))),
        Err(BeaconError::InvalidParticipation(10_001))
    );
    let unknown = calls::SetParticipation { pubkey: key("nobody"), participation_bps: 0 };
    assert_eq!(
        chain.call(admin(), BeaconCall::SetParticipation(unknown)),
        Err(BeaconError::UnknownValidator(key("nobody")))
    );
    // An operator's rate reaches all its validators, and those it deposits later.
    let by_operator =
        calls::SetOperatorParticipation { operator: operator(), participation_bps: 9_000 };
    chain.call(admin(), BeaconCall::SetOperatorParticipation(by_operator)).unwrap();
    assert!(chain.beacon.validators.iter().all(|v| v.participation_bps == 9_000));
    chain.deposit("late", 32, true);
    // Its slot (in epoch 10) is final when epoch 11 ends.
    chain.advance_to_epoch(12);
    assert_eq!(chain.validator("late").participation_bps, 9_000);
    let view = BeaconView::Validator(ValidatorRef { pubkey: key("v0") });
    assert_eq!(chain.beacon.view(chain.block, &view).unwrap()["participation_bps"], 9_000);
}

#[test]
fn a_validator_at_7500_basis_points_misses_one_epoch_in_four() {
    let mut chain = four_validators();
    set_participation(&mut chain, "v1", 7_500);
    let mut performed = Vec::new();
    for epoch in 11..19 {
        chain.advance_to_epoch(epoch);
        performed.push(chain.validator("v1").performed_duties);
    }
    // v1's credit starts at 1 × 6,180 (duty_schedule_phase) and goes 13,680 − 10,000 = 3,680
    // (hit), 11,180 → 1,180 (hit), 8,680 (miss), 16,180 → 6,180 (hit), then again:
    // ⌊(6,180 + 8 × 7,500) / 10,000⌋ = 6 epochs of 8.
    assert_eq!(performed, [true, true, false, true, true, true, false, true]);
}

#[test]
fn a_missed_epoch_costs_source_target_and_sync_and_shrinks_the_others_rewards() {
    let mut chain = four_validators();
    set_participation(&mut chain, "v3", 0);
    let (online, offline) = (chain.validator("v0").balance, chain.validator("v3").balance);
    chain.advance_to_epoch(11);
    // Epoch 10, 128 ETH active, 96 ETH attesting: isqrt(128e9) = 357,770;
    // get_base_reward_per_increment = 64e9 // 357,770 = 178,885; get_base_reward = 5,724,320.
    // v3, offline (get_flag_index_deltas): source 5,724,320 × 14 // 64 = 1,252,195 and target
    //   × 26 // 64 = 2,325,505, no head penalty; process_sync_aggregate: participant_reward =
    //   178,885 × 128 × 2 // 64 // 32 // 512 = 43, its quarter of 32 × 512 seats:
    //   704,512 / 4 = 176,128 lost; process_inactivity_updates: 4 − min(16, 4) = 0, so
    //   get_inactivity_penalty_deltas takes 0. 1,252,195 + 2,325,505 + 176,128 = 3,753,828.
    assert_eq!(offline - chain.validator("v3").balance, 3_753_828);
    assert_eq!(chain.validator("v3").inactivity_score, 0);
    // v0: flags scaled by 96 of 128 increments: 5,724,320 × {14, 26, 14} × 96 // (128 × 64)
    //   = 939,146 + 1,744,128 + 939,146 = 3,622,420; proposals, a third of
    //   178,885 × 96 × 54 // 448 = 2,069,955 plus 32 × 512 × (43 × 8 // 56 = 6) × 96/128
    //   = 73,728: 2,143,683 // 3 = 714,561; sync 176,128. 4,513,109 in all.
    assert_eq!(chain.validator("v0").balance - online, 4_513_109);
    // Three quarters attest: epoch 10 is justified, 9 finalized; no leak.
    let view = finality(&chain);
    assert_eq!(view["finalized_epoch"], 9);
    assert_eq!(view["in_inactivity_leak"], false);
}

#[test]
fn without_two_thirds_finality_stalls_the_leak_drains_the_offline_and_recovery_ends_it() {
    let mut chain = four_validators();
    // From epoch 10, half the stake is offline: 64 of 128 ETH < 2/3.
    set_participation(&mut chain, "v2", 0);
    set_participation(&mut chain, "v3", 0);
    chain.advance_to_epoch(11);
    // weigh_justification_and_finality at the end of 10: 9 justified (bit 1) with 8 before it,
    // 10 not: rule "2nd/3rd most recent justified, the 3rd as source" finalizes 8.
    assert_eq!(finality(&chain)["finalized_epoch"], 8);
    assert_eq!(finality(&chain)["current_justified_epoch"], 9);
    // A deposit now waits for its slot to be finalized.
    chain.block += 3;
    chain.deposit("newcomer", 32, true);
    chain.advance_to_epoch(14);
    // get_finality_delay = previous epoch − 8: 1, 2, 3, 4 at the ends of 10…13, no leak yet;
    // scores rise by 4 and recover by 16 each epoch.
    assert_eq!(finality(&chain)["finality_delay"], 4);
    assert_eq!(finality(&chain)["in_inactivity_leak"], false);
    assert_eq!(chain.validator("v3").inactivity_score, 0);
    chain.advance_to_epoch(15);
    // The end of 14: delay 5 > MIN_EPOCHS_TO_INACTIVITY_PENALTY (4): the leak starts.
    assert!(chain.events.contains(&BeaconEvent::InactivityLeak {
        epoch: 14,
        leaking: true,
        finalized_epoch: 8
    }));
    assert_eq!(chain.validator("v3").inactivity_score, 4);
    assert_eq!(chain.validator("v0").inactivity_score, 0);
    let (online, offline) = (chain.validator("v0").balance, chain.validator("v3").balance);
    chain.advance_to_epoch(16);
    // Epoch 15, leaking; 128 ETH active, 64 attesting; get_base_reward = 5,724,320.
    // v3: score 8 after process_inactivity_updates; get_inactivity_penalty_deltas:
    //   32e9 × 8 // (4 × 2^24) = 3,814; source and target 1,252,195 + 2,325,505; its
    //   sync seats 176,128: 3,757,642 in all.
    assert_eq!(chain.validator("v3").inactivity_score, 8);
    assert_eq!(offline - chain.validator("v3").balance, 3_757_642);
    // v0: no attestation rewards in a leak (get_flag_index_deltas); proposals still pay:
    //   178,885 × 64 × 54 // 448 = 1,379,970 plus 32 × 512 × 6 × 64/128 = 49,152, half each:
    //   714,561; sync 176,128: 890,689.
    assert_eq!(chain.validator("v0").balance - online, 890_689);
    // The newcomer's deposit (a slot of epoch 10) is still pending: 8 is the finalized epoch.
    assert_eq!(chain.beacon.validators.len(), 4);

    // Back online at epoch 20: after six leaking epochs (14…19) the score is 24.
    chain.advance_to_epoch(20);
    assert_eq!(chain.validator("v3").inactivity_score, 24);
    set_participation(&mut chain, "v2", 10_000);
    set_participation(&mut chain, "v3", 10_000);
    chain.advance_to_epoch(21);
    // The end of 20 justifies 20 but finalizes nothing yet (19 was not justified): still a
    // leak, the score falls by 1 only.
    assert_eq!(chain.validator("v3").inactivity_score, 23);
    assert_eq!(finality(&chain)["in_inactivity_leak"], true);
    chain.advance_to_epoch(22);
    // The end of 21: 20 and 21 justified, 20 finalized (the 1st/2nd rule); the delay is 0,
    // the leak is over and the score falls by 1 + 16.
    assert!(chain.events.contains(&BeaconEvent::InactivityLeak {
        epoch: 21,
        leaking: false,
        finalized_epoch: 20
    }));
    assert_eq!(chain.validator("v3").inactivity_score, 6);
    // Epoch 10's deposit is applied now that its slot is final.
    assert!(chain.events.iter().any(|e| matches!(
        e,
        BeaconEvent::DepositApplied { epoch: 21, pubkey, .. } if *pubkey == key("newcomer")
    )));
    chain.advance_to_epoch(23);
    assert_eq!(chain.validator("v3").inactivity_score, 0);
}
