//! Native restaking end to end: random sequences of pod, beacon-chain and EigenLayer calls
//! over a world whose beacon chain runs on its own clock.
//!
//! After every step: ETH is conserved exactly (the supply moves only by the beacon chain's
//! reported rewards and penalties, and every wei sits in an account: the deposit contract holds
//! every validator balance and pending deposit, pods hold at least what they count as
//! restaked); every module's invariants hold; a refused call changes nothing.

use alloy_primitives::{Address, U256};
use proptest::prelude::*;
use rampart_engine::{
    Action, Call, World,
    accounts::{NATIVE_ETH, named_address},
    beacon::{BeaconEvent, SLOTS_PER_EPOCH, calls::validator_key},
    eigenlayer::{EigenLayerEvent, Params, pods::ValidatorStatus},
    world::Event,
};
use serde_json::{Value, json};

const OWNERS: u8 = 3;
const KEYS_PER_OWNER: u8 = 2;
const GWEI: u64 = 1_000_000_000;

#[derive(Debug, Clone)]
enum Op {
    Stake { owner: u8, key: u8 },
    Advance { epochs: u64 },
    Verify { owner: u8, key: u8 },
    Checkpoint { owner: u8 },
    Prove { owner: u8 },
    BeaconSlash { owner: u8, key: u8 },
    Participation { owner: u8, key: u8, participation_bps: u16 },
    StaleBalance { owner: u8, key: u8 },
    RequestExit { owner: u8, key: u8 },
    AvsSlash { percent: u8 },
    Queue { owner: u8, eighths: u8 },
    Complete { owner: u8, as_tokens: bool },
}

fn op() -> impl Strategy<Value = Op> {
    let owner = 0..OWNERS;
    let key = 0..KEYS_PER_OWNER;
    prop_oneof![
        2 => (owner.clone(), key.clone()).prop_map(|(owner, key)| Op::Stake { owner, key }),
        4 => prop_oneof![0u64..3, 3u64..40, 200u64..2_000]
            .prop_map(|epochs| Op::Advance { epochs }),
        3 => (owner.clone(), key.clone()).prop_map(|(owner, key)| Op::Verify { owner, key }),
        3 => owner.clone().prop_map(|owner| Op::Checkpoint { owner }),
        1 => owner.clone().prop_map(|owner| Op::Prove { owner }),
        1 => (owner.clone(), key.clone()).prop_map(|(owner, key)| Op::BeaconSlash { owner, key }),
        1 => (owner.clone(), key.clone(), prop_oneof![Just(0u16), Just(5_000), Just(10_000)])
            .prop_map(|(owner, key, bps)| Op::Participation { owner, key, participation_bps: bps }),
        1 => (owner.clone(), key.clone()).prop_map(|(owner, key)| Op::StaleBalance { owner, key }),
        1 => (owner.clone(), key).prop_map(|(owner, key)| Op::RequestExit { owner, key }),
        1 => (1u8..=100).prop_map(|percent| Op::AvsSlash { percent }),
        2 => (owner.clone(), 1u8..=8).prop_map(|(owner, eighths)| Op::Queue { owner, eighths }),
        2 => (owner, any::<bool>()).prop_map(|(owner, as_tokens)| Op::Complete { owner, as_tokens }),
    ]
}

fn owner_name(owner: u8) -> String {
    format!("owner{owner}")
}

fn key_name(owner: u8, key: u8) -> String {
    format!("owner{owner}-v{key}")
}

fn call(world: &mut World, from: &str, name: &str, args: Value) -> Result<Vec<Event>, String> {
    let action = Action::parse(name, args).map_err(|e| e.to_string())?;
    world.apply(&Call { sender: named_address(from), action }).map_err(|e| e.name().to_owned())
}

/// The change of ETH supply an event reports, in gwei (+ minted, − burned).
fn supply_change(event: &Event) -> i128 {
    match event {
        Event::Beacon(BeaconEvent::EpochRewards { rewards_gwei, penalties_gwei, .. }) => {
            i128::from(*rewards_gwei) - i128::from(*penalties_gwei)
        }
        Event::Beacon(
            BeaconEvent::ValidatorSlashed { penalty_gwei, .. }
            | BeaconEvent::CorrelationPenalty { penalty_gwei, .. },
        ) => -i128::from(*penalty_gwei),
        _ => 0,
    }
}

fn validator_index(world: &World, owner: u8, key: u8) -> u64 {
    let pubkey = validator_key::resolve(&key_name(owner, key)).unwrap();
    // An unknown key stands for an index past the registry, which no proof can reach.
    world.beacon.index_of.get(&pubkey).map_or(u64::MAX, |&i| i as u64)
}

struct Run {
    world: World,
    supply_gwei: i128,
    /// What happened, for the generator check.
    checkpoints: usize,
    pod_payouts: usize,
    beacon_factor_drops: usize,
}

impl Run {
    fn new() -> Self {
        let mut world = World::new(Params::TESTNET);
        world.set_block(100).unwrap();
        let avs = json!({ "avs": "avs" });
        call(&mut world, "avs", "eigenlayer.update_avs_metadata_uri", avs).unwrap();
        let sets = json!({ "avs": "avs", "params": [
            { "operator_set_id": 1, "strategies": ["beaconChainETH"], "slasher": "avs" }
        ]});
        call(&mut world, "avs", "eigenlayer.create_operator_sets", sets).unwrap();
        let register = json!({ "allocation_delay": 0 });
        call(&mut world, "op", "eigenlayer.register_as_operator", register).unwrap();
        let join = json!({ "operator": "op", "params": { "avs": "avs", "operator_set_ids": [1] } });
        call(&mut world, "op", "eigenlayer.register_for_operator_sets", join).unwrap();
        world.advance_blocks(1).unwrap();
        let allocate = json!({ "operator": "op", "params": [{
            "operator_set": { "avs": "avs", "id": 1 },
            "strategies": ["beaconChainETH"], "new_magnitudes": ["1 wad"],
        }]});
        call(&mut world, "op", "eigenlayer.modify_allocations", allocate).unwrap();
        // Two owners restake through the operator; the third stays undelegated.
        for owner in 0..2 {
            let delegate = json!({ "operator": "op" });
            call(&mut world, &owner_name(owner), "eigenlayer.delegate_to", delegate).unwrap();
        }
        for owner in 0..OWNERS {
            let mint = json!({ "to": owner_name(owner), "token": "ETH", "amount": "64 ether" });
            call(&mut world, "admin", "token.mint", mint).unwrap();
        }
        let supply = world.ledger.token(NATIVE_ETH).unwrap().total_supply / U256::from(GWEI);
        Self {
            world,
            supply_gwei: i128::try_from(supply).unwrap(),
            checkpoints: 0,
            pod_payouts: 0,
            beacon_factor_drops: 0,
        }
    }

    /// The concrete calls of one operation.
    fn calls(&self, op: &Op) -> Vec<(String, &'static str, Value)> {
        let world = &self.world;
        match *op {
            Op::Advance { .. } => Vec::new(),
            Op::Stake { owner, key } => vec![(
                owner_name(owner),
                "eigenlayer.stake",
                json!({ "pubkey": key_name(owner, key) }),
            )],
            Op::Verify { owner, key } => vec![(
                owner_name(owner),
                "eigenlayer.verify_withdrawal_credentials",
                json!({ "validator_indices": [validator_index(world, owner, key)] }),
            )],
            Op::Checkpoint { owner } => {
                vec![(owner_name(owner), "eigenlayer.start_checkpoint", json!({}))]
            }
            Op::Prove { owner } => {
                let indices: Vec<u64> = (0..KEYS_PER_OWNER)
                    .map(|key| validator_index(world, owner, key))
                    .filter(|&i| i != u64::MAX)
                    .collect();
                vec![(
                    "prover".into(),
                    "eigenlayer.verify_checkpoint_proofs",
                    json!({ "pod_owner": owner_name(owner), "validator_indices": indices }),
                )]
            }
            Op::BeaconSlash { owner, key } => vec![(
                "admin".into(),
                "beacon.slash_validator",
                json!({ "pubkey": key_name(owner, key) }),
            )],
            Op::Participation { owner, key, participation_bps } => vec![(
                "admin".into(),
                "beacon.set_participation",
                json!({ "pubkey": key_name(owner, key), "participation_bps": participation_bps }),
            )],
            Op::StaleBalance { owner, key } => vec![(
                "prover".into(),
                "eigenlayer.verify_stale_balance",
                json!({
                    "pod_owner": owner_name(owner),
                    "validator_index": validator_index(world, owner, key),
                }),
            )],
            Op::RequestExit { owner, key } => vec![(
                owner_name(owner),
                "eigenlayer.request_withdrawal",
                json!({ "requests": [{ "pubkey": key_name(owner, key) }] }),
            )],
            Op::AvsSlash { percent } => vec![(
                "avs".into(),
                "eigenlayer.slash_operator",
                json!({ "avs": "avs", "params": {
                    "operator": "op", "operator_set_id": 1, "strategies": ["beaconChainETH"],
                    "wads_to_slash": [format!("{percent}%")], "description": "test",
                }}),
            )],
            Op::Queue { owner, eighths } => {
                let staker = named_address(&owner_name(owner));
                let held = world.eigenlayer.stakers.get(&staker).map_or(U256::ZERO, |r| {
                    r.deposit_shares(rampart_engine::accounts::BEACON_CHAIN_ETH_STRATEGY)
                });
                let amount = held * U256::from(eighths) / U256::from(8u8);
                vec![(
                    owner_name(owner),
                    "eigenlayer.queue_withdrawals",
                    json!({ "params": [{
                        "strategies": ["beaconChainETH"], "deposit_shares": [amount.to_string()],
                    }]}),
                )]
            }
            Op::Complete { owner, as_tokens } => {
                let staker = named_address(&owner_name(owner));
                let Some(record) = world.eigenlayer.stakers.get(&staker) else { return Vec::new() };
                let Some(root) = record.queued_withdrawals.first() else { return Vec::new() };
                let withdrawal = world.eigenlayer.withdrawals[root].clone();
                vec![(
                    owner_name(owner),
                    "eigenlayer.complete_queued_withdrawal",
                    json!({
                        "withdrawal": withdrawal, "tokens": ["ETH"],
                        "receive_as_tokens": as_tokens,
                    }),
                )]
            }
        }
    }

    /// The owner whose pod `op` may touch.
    fn pod_owner(op: &Op) -> Option<Address> {
        match *op {
            Op::Stake { owner, .. }
            | Op::Verify { owner, .. }
            | Op::Checkpoint { owner }
            | Op::Prove { owner }
            | Op::StaleBalance { owner, .. }
            | Op::RequestExit { owner, .. }
            | Op::Queue { owner, .. }
            | Op::Complete { owner, .. } => Some(named_address(&owner_name(owner))),
            _ => None,
        }
    }

    /// `(restakedExecutionLayerGwei, what finalizing a checkpoint now would add to it)`.
    fn pod_accounts(&self, owner: Address) -> Option<(u64, u64)> {
        let pod = self.world.eigenlayer.pods.get(&owner)?;
        let pending = match &pod.current_checkpoint {
            Some(checkpoint) => checkpoint.pod_balance_gwei,
            None => {
                let held = self.world.ledger.balance_of(NATIVE_ETH, pod.address) / U256::from(GWEI);
                u64::try_from(held).unwrap() - pod.restaked_execution_layer_gwei
            }
        };
        Some((pod.restaked_execution_layer_gwei, pending))
    }

    fn step(&mut self, op: &Op) -> Result<(), TestCaseError> {
        let owner = Self::pod_owner(op);
        let accounts_before = owner.and_then(|owner| self.pod_accounts(owner));
        let mut events = Vec::new();
        if let Op::Advance { epochs } = *op {
            let blocks = epochs * SLOTS_PER_EPOCH + epochs % 5;
            events.extend(self.world.advance_blocks(blocks).unwrap());
        }
        for (from, name, args) in self.calls(op) {
            let before = self.world.state_hash();
            match call(&mut self.world, &from, name, args) {
                Ok(emitted) => events.extend(emitted),
                Err(_) => prop_assert_eq!(
                    self.world.state_hash(),
                    before,
                    "a refused {} changed the world",
                    name
                ),
            }
        }
        self.supply_gwei += events.iter().map(supply_change).sum::<i128>();
        for event in &events {
            match event {
                Event::EigenLayer(EigenLayerEvent::CheckpointFinalized { .. }) => {
                    self.checkpoints += 1
                }
                Event::EigenLayer(EigenLayerEvent::RestakedBeaconChainEthWithdrawn { .. }) => {
                    self.pod_payouts += 1
                }
                Event::EigenLayer(EigenLayerEvent::BeaconChainSlashingFactorDecreased {
                    ..
                }) => self.beacon_factor_drops += 1,
                _ => {}
            }
        }
        // The pod model: checkpointed ETH grows only by what a finalized checkpoint counted
        // in the pod, and shrinks only by whole gwei paid out.
        if let (Some(owner), Some((restaked, pending))) = (owner, accounts_before) {
            let finalized = events.iter().any(|e| {
                matches!(e, Event::EigenLayer(EigenLayerEvent::CheckpointFinalized { .. }))
            });
            let paid: u64 = events
                .iter()
                .filter_map(|e| match e {
                    Event::EigenLayer(EigenLayerEvent::RestakedBeaconChainEthWithdrawn {
                        amount,
                        ..
                    }) => Some(u64::try_from(*amount / U256::from(GWEI)).unwrap()),
                    _ => None,
                })
                .sum();
            let expected = restaked + if finalized { pending } else { 0 } - paid;
            let actual = self.world.eigenlayer.pods[&owner].restaked_execution_layer_gwei;
            prop_assert_eq!(actual, expected, "after {:?}: the pod's restaked ETH is off", op);
        }
        self.check(op)
    }

    fn check(&self, op: &Op) -> Result<(), TestCaseError> {
        let world = &self.world;
        world.check_invariants().map_err(|e| TestCaseError::fail(format!("after {op:?}: {e}")))?;
        let supply = world.ledger.token(NATIVE_ETH).unwrap().total_supply;
        let expected = U256::from(u64::try_from(self.supply_gwei).unwrap()) * U256::from(GWEI);
        prop_assert_eq!(supply, expected, "after {:?}: the ETH supply is off its events", op);
        for (owner, pod) in &world.eigenlayer.pods {
            for (pubkey, info) in &pod.validators {
                let validator =
                    &world.beacon.validators[usize::try_from(info.validator_index).unwrap()];
                prop_assert_eq!(
                    validator.pubkey,
                    *pubkey,
                    "pod of {}: index and key disagree",
                    owner
                );
                prop_assert_eq!(
                    validator.credentials.address,
                    pod.address,
                    "pod of {}: a validator proven with foreign credentials",
                    owner
                );
                if info.status == ValidatorStatus::Withdrawn {
                    prop_assert_eq!(info.restaked_balance_gwei, 0);
                }
            }
        }
        Ok(())
    }
}

fn run(ops: &[Op]) -> Result<Run, TestCaseError> {
    let mut run = Run::new();
    for op in ops {
        run.step(op)?;
    }
    Ok(run)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn eth_is_conserved_across_validators_pods_and_withdrawals(
        ops in prop::collection::vec(op(), 1..50)
    ) {
        run(&ops)?;
    }
}

#[test]
fn the_generator_reaches_checkpoints_payouts_and_beacon_losses() {
    use proptest::{strategy::ValueTree, test_runner::TestRunner};
    let mut runner = TestRunner::deterministic();
    let ops = prop::collection::vec(op(), 300).new_tree(&mut runner).unwrap().current();
    let run = run(&ops).unwrap();
    assert!(run.checkpoints > 0, "a long random run finalizes checkpoints");
    assert!(run.pod_payouts > 0, "a long random run pays ETH out of a pod");
    assert!(run.beacon_factor_drops > 0, "a long random run proves a beacon-chain loss");
}
