//! The RewardsCoordinator's rules, against the contract's checks and the Sidecar's arithmetic.

use alloy_primitives::U256;
use serde_json::{Value, json};

use crate::{
    Action, Call, World,
    accounts::named_address,
    eigenlayer::Params,
    world::{Event, Rejection},
};

const DAY: u64 = 86_400;
const E18: u128 = 1_000_000_000_000_000_000;

/// A testnet world (daily intervals) with an AVS, one operator set over stETH and rETH, and
/// operators o1 (staker s1: 30 stETH; itself: 10 stETH) and o2 (s2: 60 rETH), all registered.
fn world() -> World {
    let mut world = World::new(Params::TESTNET);
    world.set_block(1_000).unwrap();
    let setup = [
        ("admin", "token.mint", json!({ "to": "avs", "token": "EIGEN", "amount": "10000 ether" })),
        ("admin", "token.mint", json!({ "to": "s1", "token": "stETH", "amount": "30 ether" })),
        ("admin", "token.mint", json!({ "to": "o1", "token": "stETH", "amount": "10 ether" })),
        ("admin", "token.mint", json!({ "to": "s2", "token": "rETH", "amount": "60 ether" })),
        ("avs", "eigenlayer.update_avs_metadata_uri", json!({ "avs": "avs" })),
        (
            "avs",
            "eigenlayer.create_operator_sets",
            json!({ "avs": "avs", "params": [
                { "operator_set_id": 1, "strategies": ["stETH", "rETH"], "slasher": "avs" }
            ]}),
        ),
        ("o1", "eigenlayer.register_as_operator", json!({ "allocation_delay": 0 })),
        ("o2", "eigenlayer.register_as_operator", json!({ "allocation_delay": 0 })),
        (
            "o1",
            "eigenlayer.register_for_operator_sets",
            json!({ "operator": "o1", "params": { "avs": "avs", "operator_set_ids": [1] } }),
        ),
        (
            "o2",
            "eigenlayer.register_for_operator_sets",
            json!({ "operator": "o2", "params": { "avs": "avs", "operator_set_ids": [1] } }),
        ),
        (
            "s1",
            "eigenlayer.deposit_into_strategy",
            json!({ "strategy": "stETH", "token": "stETH", "amount": "30 ether" }),
        ),
        (
            "o1",
            "eigenlayer.deposit_into_strategy",
            json!({ "strategy": "stETH", "token": "stETH", "amount": "10 ether" }),
        ),
        (
            "s2",
            "eigenlayer.deposit_into_strategy",
            json!({ "strategy": "rETH", "token": "rETH", "amount": "60 ether" }),
        ),
        ("s1", "eigenlayer.delegate_to", json!({ "operator": "o1" })),
        ("s2", "eigenlayer.delegate_to", json!({ "operator": "o2" })),
    ];
    for (from, name, args) in setup {
        call(&mut world, from, name, args).unwrap();
    }
    world
}

#[allow(clippy::needless_pass_by_value)] // calls read as values at every call site
fn call(world: &mut World, from: &str, name: &str, args: Value) -> Result<Vec<Event>, Rejection> {
    let action = Action::parse(name, args).unwrap();
    let result = world.apply(&Call { sender: named_address(from), action });
    world.check_invariants().unwrap();
    result
}

fn error(result: Result<Vec<Event>, Rejection>) -> &'static str {
    result.expect_err("the call must be rejected").name()
}

fn view(world: &World, name: &str, args: Value) -> Value {
    world.view(&crate::View::parse(name, args).unwrap()).unwrap()
}

/// The strategies in ascending address order, each with a 1e18 multiplier.
fn multipliers() -> Value {
    let mut strategies = ["stETH", "rETH"].map(|s| (crate::accounts::strategy_address(s), s));
    strategies.sort();
    Value::Array(
        strategies.iter().map(|(_, s)| json!({ "strategy": s, "multiplier": "1 ether" })).collect(),
    )
}

fn today(world: &World) -> u64 {
    world.clock.timestamp() / DAY * DAY
}

fn submission(start: u64, duration: u64, amount: &str) -> Value {
    json!({
        "strategies_and_multipliers": multipliers(), "token": "EIGEN", "amount": amount,
        "start_timestamp": start, "duration": duration,
    })
}

fn earned(world: &World, earner: &str) -> U256 {
    let report = view(world, "eigenlayer.explain_earnings", json!({ "earner": earner }));
    report["tokens"]
        .as_array()
        .unwrap()
        .first()
        .map_or(U256::ZERO, |t| t["earned"].as_str().unwrap().parse().unwrap())
}

#[test]
fn submissions_are_validated_in_the_contracts_order() {
    let mut world = world();
    let start = today(&world);
    let submit = |world: &mut World, s: Value| {
        call(
            world,
            "avs",
            "eigenlayer.create_avs_rewards_submission",
            json!({ "rewards_submissions": [s] }),
        )
    };
    let mut no_strategies = submission(start, DAY, "1 ether");
    no_strategies["strategies_and_multipliers"] = json!([]);
    assert_eq!(error(submit(&mut world, no_strategies)), "InputArrayLengthZero");
    assert_eq!(
        error(submit(&mut world, submission(start, 6_048_000 + DAY, "1 ether"))),
        "DurationExceedsMax"
    );
    assert_eq!(
        error(submit(&mut world, submission(start, DAY + 1, "1 ether"))),
        "InvalidDurationRemainder"
    );
    assert_eq!(error(submit(&mut world, submission(start, 0, "1 ether"))), "DurationIsZero");
    assert_eq!(
        error(submit(&mut world, submission(start + 1, DAY, "1 ether"))),
        "InvalidStartTimestampRemainder"
    );
    assert_eq!(
        error(submit(&mut world, submission(start - 85 * DAY, DAY, "1 ether"))),
        "StartTimestampTooFarInPast"
    );
    let mut unsorted = submission(start, DAY, "1 ether");
    unsorted["strategies_and_multipliers"].as_array_mut().unwrap().reverse();
    assert_eq!(error(submit(&mut world, unsorted)), "StrategiesNotInAscendingOrder");
    let mut unknown = submission(start, DAY, "1 ether");
    unknown["strategies_and_multipliers"][0]["strategy"] =
        json!("0x00000000000000000000000000000000000000aa");
    assert_eq!(error(submit(&mut world, unknown)), "StrategyNotWhitelisted");
    assert_eq!(error(submit(&mut world, submission(start, DAY, "0"))), "AmountIsZero");
    let too_much = "100000000000000000000000000000000000000";
    assert_eq!(error(submit(&mut world, submission(start, DAY, too_much))), "AmountExceedsMax");
    assert_eq!(
        error(submit(&mut world, submission(start + 29 * DAY, DAY, "1 ether"))),
        "StartTimestampTooFarInFuture"
    );
    assert_eq!(
        error(submit(&mut world, submission(start, DAY, "100000 ether"))),
        "InsufficientBalance"
    );
    submit(&mut world, submission(start, DAY, "1 ether")).unwrap();
}

#[test]
fn a_stake_weighted_day_follows_the_sidecar_formula() {
    // Weights: s1 30, o1 10 (self), s2 60 of 100. 700 EIGEN over 7 days: 100 a day.
    let mut world = world();
    let start = today(&world) + DAY;
    call(
        &mut world,
        "avs",
        "eigenlayer.create_avs_rewards_submission",
        json!({ "rewards_submissions": [submission(start, 7 * DAY, "700 ether")] }),
    )
    .unwrap();
    world.advance_seconds(2 * DAY + 12).unwrap(); // the first snapshot, start + 1 day
    let e = |x: u128| U256::from(x);
    // Default split 10%: s1 keeps 27 of its 30, o1 earns 3 + 1 (its own row's cut) + 9.
    assert_eq!(earned(&world, "s1"), e(27 * E18));
    assert_eq!(earned(&world, "o1"), e(13 * E18));
    assert_eq!(earned(&world, "s2"), e(54 * E18));
    assert_eq!(earned(&world, "o2"), e(6 * E18));
    world.advance_seconds(6 * DAY).unwrap();
    assert_eq!(earned(&world, "s1"), e(7 * 27 * E18));
    assert!(world.eigenlayer.rewards.live_submissions.is_empty(), "paid in full");
    let (submitted, distributed) =
        world.eigenlayer.rewards.totals[&crate::accounts::token_address("EIGEN")];
    assert_eq!(submitted, distributed);
}

#[test]
fn operator_directed_rewards_refund_unregistered_days_and_charge_the_fee_per_operator() {
    let mut world = world();
    call(
        &mut world,
        "avs",
        "eigenlayer.set_opt_in_for_protocol_fee",
        json!({ "submitter": "avs", "value": true }),
    )
    .unwrap();
    world.advance_seconds(3 * DAY).unwrap();
    let start = today(&world) - 3 * DAY;
    let mut operators = [("o1", "30 ether"), ("nobody", "20 ether")]
        .map(|(op, amount)| (named_address(op), op, amount));
    operators.sort();
    let rewards: Vec<Value> =
        operators.iter().map(|(_, op, a)| json!({ "operator": op, "amount": a })).collect();
    let od = json!({
        "strategies_and_multipliers": multipliers(), "token": "EIGEN",
        "operator_rewards": rewards, "start_timestamp": start, "duration": 2 * DAY,
    });
    let args = json!({ "avs": "avs", "operator_directed_rewards_submissions": [od] });
    assert_eq!(
        error(call(
            &mut world,
            "mallory",
            "eigenlayer.create_operator_directed_avs_rewards_submission",
            args.clone()
        )),
        "InvalidPermissions"
    );
    let mut not_past = od;
    not_past["start_timestamp"] = json!(today(&world) - DAY);
    assert_eq!(
        error(call(
            &mut world,
            "avs",
            "eigenlayer.create_operator_directed_avs_rewards_submission",
            json!({ "avs": "avs", "operator_directed_rewards_submissions": [not_past] })
        )),
        "SubmissionNotRetroactive"
    );
    let events =
        call(&mut world, "avs", "eigenlayer.create_operator_directed_avs_rewards_submission", args)
            .unwrap();
    // 20% of each operator's amount goes to the fee recipient (the admin).
    let fee = view(&world, "token.balance_of", json!({ "token": "EIGEN", "account": "admin" }));
    assert_eq!(fee, json!("10000000000000000000"));
    assert!(!events.is_empty());
    world.advance_seconds(DAY).unwrap();
    // o1: 24 net over 2 days, 12 a day; 10% to o1, 10.8 shared by s1 (30) and o1 (10).
    assert_eq!(earned(&world, "s1"), U256::from(2 * 8_100_000_000_000_000_000u128));
    assert_eq!(
        earned(&world, "o1"),
        U256::from(2 * (1_200_000_000_000_000_000u128 + 2_700_000_000_000_000_000))
    );
    // "nobody" is not registered: its 16 net are refunded to the AVS, day by day.
    assert_eq!(earned(&world, "avs"), U256::from(16 * E18));
}

#[test]
fn unique_stake_pays_by_allocated_magnitude() {
    let mut world = world();
    // o1 allocates half of its stETH to the set; o2 nothing: only o1 has unique stake.
    let allocate = json!({ "operator": "o1", "params": [{
        "operator_set": { "avs": "avs", "id": 1 }, "strategies": ["stETH"], "new_magnitudes": ["0.5 wad"],
    }]});
    world.advance_blocks(1).unwrap();
    call(&mut world, "o1", "eigenlayer.modify_allocations", allocate).unwrap();
    world.advance_blocks(1).unwrap();
    let start = today(&world);
    let set = json!({ "avs": "avs", "id": 1 });
    call(
        &mut world,
        "avs",
        "eigenlayer.create_unique_stake_rewards_submission",
        json!({ "operator_set": set, "rewards_submissions": [submission(start, DAY, "10 ether")] }),
    )
    .unwrap();
    call(
        &mut world,
        "avs",
        "eigenlayer.create_total_stake_rewards_submission",
        json!({ "operator_set": set, "rewards_submissions": [submission(start, DAY, "10 ether")] }),
    )
    .unwrap();
    world.advance_seconds(DAY).unwrap();
    // Unique: all 10 to o1 (1 as its split, 9 to s1 and o1 by 30:10). Total: o1 40%, o2 60%.
    assert_eq!(
        earned(&world, "s1"),
        U256::from(6_750_000_000_000_000_000u128 + 2_700_000_000_000_000_000)
    );
    assert_eq!(
        earned(&world, "o1"),
        U256::from(3_250_000_000_000_000_000u128 + 1_300_000_000_000_000_000)
    );
    assert_eq!(earned(&world, "s2"), U256::from(5_400_000_000_000_000_000u128));
}

#[test]
fn splits_change_only_after_their_activation_delay() {
    let mut world = world();
    let set = |world: &mut World, split: u64| {
        call(
            world,
            "o1",
            "eigenlayer.set_operator_avs_split",
            json!({ "operator": "o1", "avs": "avs", "split": split }),
        )
    };
    assert_eq!(error(set(&mut world, 10_001)), "SplitExceedsMax");
    assert_eq!(
        error(call(
            &mut world,
            "s1",
            "eigenlayer.set_operator_avs_split",
            json!({ "operator": "o1", "avs": "avs", "split": 1 })
        )),
        "InvalidPermissions"
    );
    set(&mut world, 2_000).unwrap();
    let split = |world: &World| {
        view(world, "eigenlayer.get_operator_avs_split", json!({ "operator": "o1", "avs": "avs" }))
    };
    assert_eq!(split(&world), json!(1000), "the default until activation");
    world.advance_seconds(7 * DAY).unwrap();
    assert_eq!(split(&world), json!(2000));
    // A change in the very second of activation is still refused (`now > activatedAt`).
    let activated =
        world.eigenlayer.rewards.operator_avs_splits.values().next().unwrap().activated_at;
    world.set_block((activated - world.clock.genesis_timestamp) / 12).unwrap();
    assert_eq!(world.clock.timestamp(), activated);
    assert_eq!(error(set(&mut world, 3_000)), "PreviousSplitPending");
    world.advance_blocks(1).unwrap();
    set(&mut world, 3_000).unwrap();
    assert_eq!(split(&world), json!(2000), "the old split until the new one activates");
}

#[test]
fn roots_and_claims_are_checked_in_order_and_batches_are_atomic() {
    let mut world = world();
    let start = today(&world) + DAY;
    call(
        &mut world,
        "avs",
        "eigenlayer.create_avs_rewards_submission",
        json!({ "rewards_submissions": [submission(start, DAY, "100 ether")] }),
    )
    .unwrap();
    world.advance_seconds(3 * DAY).unwrap();
    let end = start + DAY;
    let root = view(
        &world,
        "eigenlayer.calculate_distribution_root",
        json!({ "rewards_calculation_end_timestamp": end }),
    );
    let submit = |world: &mut World, end: u64| {
        call(
            world,
            "admin",
            "eigenlayer.submit_root",
            json!({ "root": root.clone(), "rewards_calculation_end_timestamp": end }),
        )
    };
    let now = world.clock.timestamp();
    assert_eq!(error(submit(&mut world, now)), "RewardsEndTimestampNotElapsed");
    submit(&mut world, end).unwrap();
    assert_eq!(error(submit(&mut world, end)), "NewRootMustBeForNewCalculatedPeriod");
    let claim = view(&world, "eigenlayer.get_claim", json!({ "earner": "s1", "root_index": 0 }));
    let process = |world: &mut World, from: &str, claim: Value| {
        call(world, from, "eigenlayer.process_claim", json!({ "claim": claim, "recipient": from }))
    };
    assert_eq!(error(process(&mut world, "s1", claim.clone())), "RootNotActivated");
    world.advance_seconds(7 * DAY).unwrap();
    let mut forged = claim.clone();
    forged["token_leaves"][0]["cumulative_earnings"] = json!("1000 ether");
    assert_eq!(error(process(&mut world, "s1", forged.clone())), "InvalidClaimProof");
    assert_eq!(error(process(&mut world, "s2", claim.clone())), "UnauthorizedCaller");
    // A batch with one bad claim pays nothing.
    let batch = json!({ "claims": [claim, forged], "recipient": "s1" });
    assert_eq!(
        error(call(&mut world, "s1", "eigenlayer.process_claims", batch)),
        "InvalidClaimProof"
    );
    assert_eq!(
        view(&world, "token.balance_of", json!({ "token": "EIGEN", "account": "s1" })),
        json!("0")
    );
    process(&mut world, "s1", claim.clone()).unwrap();
    assert_eq!(
        view(&world, "token.balance_of", json!({ "token": "EIGEN", "account": "s1" })),
        json!("27000000000000000000")
    );
    assert_eq!(error(process(&mut world, "s1", claim)), "EarningsNotGreaterThanClaimed");
    // Disabling: only before activation.
    let late = json!({ "root": B256_ONE, "rewards_calculation_end_timestamp": end + DAY });
    call(&mut world, "admin", "eigenlayer.submit_root", late).unwrap();
    assert_eq!(
        error(call(&mut world, "mallory", "eigenlayer.disable_root", json!({ "root_index": 1 }))),
        "UnauthorizedCaller"
    );
    call(&mut world, "admin", "eigenlayer.disable_root", json!({ "root_index": 1 })).unwrap();
    assert_eq!(
        error(call(&mut world, "admin", "eigenlayer.disable_root", json!({ "root_index": 1 }))),
        "RootDisabled"
    );
    assert_eq!(
        error(call(&mut world, "admin", "eigenlayer.disable_root", json!({ "root_index": 0 }))),
        "RootAlreadyActivated"
    );
}

const B256_ONE: &str = "0x0000000000000000000000000000000000000000000000000000000000000001";
