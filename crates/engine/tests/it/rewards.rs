//! Random rewards histories: submissions of every kind, stake that moves and gets slashed,
//! roots posted and claims made, over days of the world's clock.
//!
//! After every step: rewards distributed never exceed rewards submitted (per token), the
//! coordinator holds at least what was submitted and not claimed, an earner's cumulative
//! earnings never decrease, and every claim pays exactly its cumulative amount minus what the
//! earner had claimed before, never more than it earned.

use std::collections::BTreeMap;

use alloy_primitives::{Address, U256};
use proptest::prelude::*;
use rampart_engine::{
    Action, Call, View, World,
    accounts::{named_address, strategy_address, token_address},
    eigenlayer::{EigenLayerEvent, Params},
    world::Event,
};
use serde_json::{Value, json};

const DAY: u64 = 86_400;
const STAKERS: [&str; 4] = ["s0", "s1", "s2", "s3"];
const OPERATORS: [&str; 2] = ["o0", "o1"];

#[derive(Debug, Clone)]
enum Op {
    Deposit { staker: u8, eth: u8, reth: bool },
    Delegate { staker: u8, operator: u8 },
    Withdraw { staker: u8 },
    Allocate { operator: u8, percent: u8 },
    Slash { operator: u8, percent: u8 },
    Split { operator: u8, bips: u16 },
    Submit { kind: u8, days: u8, back: u8, amount: u16, fee: bool },
    Advance { days: u8 },
    PostRoot,
    Claim { earner: u8, by_claimer: bool },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0u8..4, 1u8..50, any::<bool>()).prop_map(|(staker, eth, reth)| Op::Deposit { staker, eth, reth }),
        2 => (0u8..4, 0u8..2).prop_map(|(staker, operator)| Op::Delegate { staker, operator }),
        1 => (0u8..4).prop_map(|staker| Op::Withdraw { staker }),
        1 => (0u8..2, 0u8..=100).prop_map(|(operator, percent)| Op::Allocate { operator, percent }),
        1 => (0u8..2, 1u8..=100).prop_map(|(operator, percent)| Op::Slash { operator, percent }),
        1 => (0u8..2, 0u16..=10_000).prop_map(|(operator, bips)| Op::Split { operator, bips }),
        3 => (0u8..5, 1u8..5, 0u8..4, 1u16..1000, any::<bool>())
            .prop_map(|(kind, days, back, amount, fee)| Op::Submit { kind, days, back, amount, fee }),
        3 => (0u8..4).prop_map(|days| Op::Advance { days }),
        2 => Just(Op::PostRoot),
        3 => (0u8..8, any::<bool>()).prop_map(|(earner, by_claimer)| Op::Claim { earner, by_claimer }),
    ]
}

fn call(world: &mut World, from: &str, name: &str, args: Value) -> Result<Vec<Event>, String> {
    let action = Action::parse(name, args).map_err(|e| e.to_string())?;
    world.apply(&Call { sender: named_address(from), action }).map_err(|e| e.name().to_owned())
}

fn view(world: &World, name: &str, args: Value) -> Result<Value, String> {
    let view = View::parse(name, args).map_err(|e| e.to_string())?;
    world.view(&view).map_err(|e| e.name().to_owned())
}

fn multipliers(reth_weight: u8) -> Value {
    let mut strategies =
        [("stETH", 1u8), ("rETH", reth_weight)].map(|(s, w)| (strategy_address(s), s, w));
    strategies.sort();
    Value::Array(
        strategies
            .iter()
            .map(|(_, s, w)| json!({ "strategy": s, "multiplier": format!("{w} ether") }))
            .collect(),
    )
}

fn earners() -> Vec<&'static str> {
    STAKERS.iter().chain(OPERATORS.iter()).copied().chain(["avs", "nobody"]).collect()
}

struct Run {
    world: World,
    /// What each (earner, token) has claimed, by the model.
    claimed: BTreeMap<(Address, Address), U256>,
    /// Cumulative earnings seen so far, to check they never decrease.
    earned: BTreeMap<(Address, Address), U256>,
    claims: usize,
}

impl Run {
    fn new() -> Self {
        let mut world = World::new(Params::TESTNET);
        world.set_block(10).unwrap();
        let set =
            json!([{ "operator_set_id": 1, "strategies": ["stETH", "rETH"], "slasher": "avs" }]);
        call(
            &mut world,
            "admin",
            "token.mint",
            json!({ "to": "avs", "token": "EIGEN", "amount": "1000000 ether" }),
        )
        .unwrap();
        call(&mut world, "avs", "eigenlayer.update_avs_metadata_uri", json!({ "avs": "avs" }))
            .unwrap();
        call(
            &mut world,
            "avs",
            "eigenlayer.create_operator_sets",
            json!({ "avs": "avs", "params": set }),
        )
        .unwrap();
        for operator in OPERATORS {
            call(
                &mut world,
                operator,
                "eigenlayer.register_as_operator",
                json!({ "allocation_delay": 0 }),
            )
            .unwrap();
            let join = json!({ "operator": operator, "params": { "avs": "avs", "operator_set_ids": [1] } });
            call(&mut world, operator, "eigenlayer.register_for_operator_sets", join).unwrap();
        }
        for staker in STAKERS {
            for token in ["stETH", "rETH"] {
                let mint = json!({ "to": staker, "token": token, "amount": "1000 ether" });
                call(&mut world, "admin", "token.mint", mint).unwrap();
            }
        }
        world.set_block(100).unwrap();
        Self { world, claimed: BTreeMap::new(), earned: BTreeMap::new(), claims: 0 }
    }

    fn step(&mut self, op: &Op) -> Result<(), TestCaseError> {
        let world = &mut self.world;
        let now = world.clock.timestamp();
        let today = now / DAY * DAY;
        let result = match *op {
            Op::Advance { days } => {
                world.advance_seconds(u64::from(days) * DAY + 12 * u64::from(days)).unwrap();
                Ok(Vec::new())
            }
            Op::Deposit { staker, eth, reth } => {
                let token = if reth { "rETH" } else { "stETH" };
                let args =
                    json!({ "strategy": token, "token": token, "amount": format!("{eth} ether") });
                call(world, STAKERS[staker as usize], "eigenlayer.deposit_into_strategy", args)
            }
            Op::Delegate { staker, operator } => call(
                world,
                STAKERS[staker as usize],
                "eigenlayer.delegate_to",
                json!({ "operator": OPERATORS[operator as usize] }),
            ),
            Op::Withdraw { staker } => {
                let name = STAKERS[staker as usize];
                call(world, name, "eigenlayer.undelegate", json!({ "staker": name }))
            }
            Op::Allocate { operator, percent } => {
                let name = OPERATORS[operator as usize];
                let args = json!({ "operator": name, "params": [{
                    "operator_set": { "avs": "avs", "id": 1 }, "strategies": ["stETH"],
                    "new_magnitudes": [format!("{percent}%")],
                }]});
                call(world, name, "eigenlayer.modify_allocations", args)
            }
            Op::Slash { operator, percent } => {
                let params = json!({
                    "operator": OPERATORS[operator as usize], "operator_set_id": 1,
                    "strategies": ["stETH"], "wads_to_slash": [format!("{percent}%")], "description": "",
                });
                call(
                    world,
                    "avs",
                    "eigenlayer.slash_operator",
                    json!({ "avs": "avs", "params": params }),
                )
            }
            Op::Split { operator, bips } => {
                let name = OPERATORS[operator as usize];
                let args = json!({ "operator": name, "operator_set": { "avs": "avs", "id": 1 }, "split": bips });
                call(world, name, "eigenlayer.set_operator_set_split", args)
            }
            Op::Submit { kind, days, back, amount, fee } => {
                call(
                    world,
                    "avs",
                    "eigenlayer.set_opt_in_for_protocol_fee",
                    json!({ "submitter": "avs", "value": fee }),
                )
                .unwrap();
                let duration = u64::from(days) * DAY;
                let start = (today + DAY).saturating_sub(u64::from(back) * DAY);
                let amount = format!("{amount} ether");
                let set = json!({ "avs": "avs", "id": 1 });
                let plain = json!({
                    "strategies_and_multipliers": multipliers(kind % 3), "token": "EIGEN",
                    "amount": amount, "start_timestamp": start, "duration": duration,
                });
                let mut directed: Vec<(Address, &str)> =
                    ["o0", "o1", "nobody"].map(|o| (named_address(o), o)).to_vec();
                directed.sort();
                let od = json!({
                    "strategies_and_multipliers": multipliers(1), "token": "EIGEN",
                    "operator_rewards": directed.iter().map(|(_, o)| json!({ "operator": o, "amount": amount })).collect::<Vec<_>>(),
                    "start_timestamp": today.saturating_sub(duration + DAY), "duration": duration,
                });
                match kind {
                    0 => call(
                        world,
                        "avs",
                        "eigenlayer.create_avs_rewards_submission",
                        json!({ "rewards_submissions": [plain] }),
                    ),
                    1 => call(
                        world,
                        "avs",
                        "eigenlayer.create_unique_stake_rewards_submission",
                        json!({ "operator_set": set, "rewards_submissions": [plain] }),
                    ),
                    2 => call(
                        world,
                        "avs",
                        "eigenlayer.create_total_stake_rewards_submission",
                        json!({ "operator_set": set, "rewards_submissions": [plain] }),
                    ),
                    3 => call(
                        world,
                        "avs",
                        "eigenlayer.create_operator_directed_avs_rewards_submission",
                        json!({ "avs": "avs", "operator_directed_rewards_submissions": [od] }),
                    ),
                    _ => call(
                        world,
                        "avs",
                        "eigenlayer.create_operator_directed_operator_set_rewards_submission",
                        json!({ "operator_set": set, "operator_directed_rewards_submissions": [od] }),
                    ),
                }
            }
            Op::PostRoot => {
                let end = today.saturating_sub(1) / DAY * DAY;
                let root = view(
                    world,
                    "eigenlayer.calculate_distribution_root",
                    json!({ "rewards_calculation_end_timestamp": end }),
                )
                .unwrap();
                call(
                    world,
                    "admin",
                    "eigenlayer.submit_root",
                    json!({ "root": root, "rewards_calculation_end_timestamp": end }),
                )
            }
            Op::Claim { earner, by_claimer } => {
                let name = earners()[earner as usize % earners().len()];
                let claim = view(world, "eigenlayer.get_claim", json!({ "earner": name }));
                match claim {
                    Err(_) => Ok(Vec::new()),
                    Ok(claim) => {
                        let from = if by_claimer { "bob" } else { name };
                        call(
                            world,
                            from,
                            "eigenlayer.process_claim",
                            json!({ "claim": claim, "recipient": name }),
                        )
                    }
                }
            }
        };
        if let Ok(events) = &result {
            for event in events {
                if let Event::EigenLayer(EigenLayerEvent::RewardsClaimed {
                    earner,
                    token,
                    claimed_amount,
                    ..
                }) = event
                {
                    let before = self.claimed.get(&(*earner, *token)).copied().unwrap_or_default();
                    let now = self.world.eigenlayer.rewards.cumulative_claimed[&(*earner, *token)];
                    prop_assert_eq!(
                        *claimed_amount,
                        now - before,
                        "a claim paid other than cumulative minus claimed"
                    );
                    self.claimed.insert((*earner, *token), now);
                    self.claims += 1;
                }
            }
        }
        self.check(op)
    }

    fn check(&mut self, op: &Op) -> Result<(), TestCaseError> {
        let world = &self.world;
        world.check_invariants().map_err(|e| TestCaseError::fail(format!("after {op:?}: {e}")))?;
        let earned = world.eigenlayer.rewards.cumulative_earnings(u64::MAX);
        for (key, &amount) in &earned {
            let before = self.earned.get(key).copied().unwrap_or_default();
            prop_assert!(amount >= before, "after {:?}: cumulative earnings decreased", op);
        }
        for (key, &claimed) in &self.claimed {
            prop_assert!(
                claimed <= earned.get(key).copied().unwrap_or_default(),
                "claimed more than earned"
            );
        }
        let eigen = token_address("EIGEN");
        if let Some(&(submitted, distributed)) = world.eigenlayer.rewards.totals.get(&eigen) {
            prop_assert!(distributed <= submitted);
        }
        self.earned = earned;
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
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn rewards_paid_never_exceed_rewards_submitted(ops in prop::collection::vec(op(), 1..60)) {
        run(&ops)?;
    }
}

#[test]
fn the_generator_reaches_claims() {
    use proptest::{strategy::ValueTree, test_runner::TestRunner};
    let mut runner = TestRunner::deterministic();
    let ops = prop::collection::vec(op(), 400).new_tree(&mut runner).unwrap().current();
    let run = run(&ops).unwrap();
    assert!(run.claims > 0, "a long random run pays claims");
    assert!(!run.world.eigenlayer.rewards.distribution_roots.is_empty());
}
