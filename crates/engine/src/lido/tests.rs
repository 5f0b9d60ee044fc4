//! Lido's calls with exact numbers: submit, the request bounds, finalization in order, claims
//! once by the owner only, the roles, and an LRT redeeming stETH through the queue with its NAV
//! flat while it waits. Every step checks every invariant; every rejection changes nothing.

use alloy_primitives::{Address, U256};
use serde_json::{Value, json};

use super::{lido_address, steth, withdrawal_queue_address};
use crate::{
    Action, Call, View, World,
    accounts::{NATIVE_ETH, named_address},
    eigenlayer::Params,
    lrt::pool_address,
    world::Event,
};

const ETHER: u128 = 1_000_000_000_000_000_000;

fn wei(n: u128) -> U256 {
    U256::from(n)
}

fn ether(n: u128) -> U256 {
    U256::from(n * ETHER)
}

fn world() -> World {
    let mut world = World::new(Params::TESTNET);
    world.set_block(100).unwrap();
    world
}

fn try_apply(
    world: &mut World,
    sender: &str,
    name: &str,
    args: Value,
) -> Result<Vec<Event>, String> {
    let call = Call {
        sender: named_address(sender),
        action: Action::parse(name, args).unwrap_or_else(|e| panic!("{name}: {e}")),
    };
    let before = world.state_hash();
    let result = world.apply(&call);
    if result.is_err() {
        assert_eq!(world.state_hash(), before, "a rejected {name} changed the state");
    }
    world.check_invariants().unwrap_or_else(|e| panic!("after {name}: {e}"));
    result.map_err(|e| e.name().to_owned())
}

fn apply(world: &mut World, sender: &str, name: &str, args: Value) -> Vec<Value> {
    let events = try_apply(world, sender, name, args).unwrap_or_else(|e| panic!("{name}: {e}"));
    events.iter().map(|e| serde_json::to_value(e).unwrap()).collect()
}

fn reject(world: &mut World, sender: &str, name: &str, args: Value) -> String {
    match try_apply(world, sender, name, args) {
        Ok(events) => panic!("{name} must be rejected, but emitted {events:?}"),
        Err(name) => name,
    }
}

fn view(world: &World, name: &str, args: Value) -> Value {
    world.view(&View::parse(name, args).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn balance(world: &World, token: Address, who: &str) -> U256 {
    world.ledger.balance_of(token, named_address(who))
}

fn buffer(world: &World) -> U256 {
    world.ledger.balance_of(NATIVE_ETH, lido_address())
}

fn steth_supply(world: &World) -> U256 {
    world.ledger.token(steth()).unwrap().total_supply
}

fn mint(world: &mut World, to: &str, token: &str, amount: U256) {
    let args = json!({ "to": to, "token": token, "amount": amount.to_string() });
    apply(world, "admin", "token.mint", args);
}

fn s(amount: U256) -> String {
    amount.to_string()
}

/// Alice submits 1002 ETH and requests 1 stETH, 500 wei and 1000 stETH.
fn three_requests() -> World {
    let mut world = world();
    mint(&mut world, "alice", "ETH", ether(2_000));
    let events = apply(&mut world, "alice", "lido.submit", json!({ "amount": "1002 ether" }));
    assert_eq!(
        events,
        [json!({
            "event": "Submitted",
            "sender": named_address("alice").to_checksum(None),
            "amount": s(ether(1_002)),
            "referral": Address::ZERO.to_checksum(None),
            "shares": s(ether(1_002)),
        })]
    );
    assert_eq!(balance(&world, steth(), "alice"), ether(1_002));
    assert_eq!(balance(&world, NATIVE_ETH, "alice"), ether(998));
    assert_eq!(buffer(&world), ether(1_002));
    assert_eq!(steth_supply(&world), buffer(&world));

    let args = json!({ "amounts": ["1 ether", "500", "1000 ether"] });
    let events = apply(&mut world, "alice", "lido.request_withdrawals", args);
    let alice = named_address("alice").to_checksum(None);
    let requested = |id: u64, amount: U256| {
        json!({
            "event": "WithdrawalRequested",
            "request_id": id,
            "requestor": alice,
            "owner": alice,
            "amount_of_steth": s(amount),
            "amount_of_shares": s(amount),
        })
    };
    assert_eq!(
        events,
        [requested(1, ether(1)), requested(2, wei(500)), requested(3, ether(1_000))]
    );
    world
}

#[test]
fn max_withdrawal_is_1000_steth() {
    assert_eq!(super::MAX_STETH_WITHDRAWAL_AMOUNT, ether(1_000));
    assert_eq!(super::MIN_STETH_WITHDRAWAL_AMOUNT, wei(100));
}

#[test]
fn requests_lock_steth_with_cumulative_amounts_and_bounds() {
    let mut world = three_requests();
    let queue = withdrawal_queue_address();
    // 1002 − 1 − 1000 stETH − 500 wei left with Alice; the rest in the queue.
    assert_eq!(balance(&world, steth(), "alice"), ether(1) - wei(500));
    assert_eq!(world.ledger.balance_of(steth(), queue), ether(1_001) + wei(500));
    let cumulative: Vec<U256> = world.lido.queue.iter().map(|r| r.cumulative_steth).collect();
    assert_eq!(cumulative, [ether(1), ether(1) + wei(500), ether(1_001) + wei(500)]);
    assert_eq!(view(&world, "lido.get_last_request_id", json!({})), json!(3));
    assert_eq!(view(&world, "lido.get_last_finalized_request_id", json!({})), json!(0));
    assert_eq!(
        view(&world, "lido.unfinalized_steth", json!({})),
        json!(s(ether(1_001) + wei(500)))
    );
    assert_eq!(view(&world, "lido.unfinalized_request_number", json!({})), json!(3));
    assert_eq!(
        view(&world, "lido.get_withdrawal_requests", json!({ "owner": "alice" })),
        json!([1, 2, 3])
    );
    let status = view(&world, "lido.get_withdrawal_status", json!({ "request_ids": [2] }));
    assert_eq!(
        status,
        json!([{
            "amount_of_steth": "500",
            "amount_of_shares": "500",
            "owner": named_address("alice").to_checksum(None),
            "timestamp": world.clock.timestamp(),
            "is_finalized": false,
            "is_claimed": false,
        }])
    );

    // The bounds, each amount on its own: one bad amount refuses the whole batch.
    mint(&mut world, "bob", "stETH", ether(2_000));
    let too_large = json!({ "amounts": ["1000.000000000000000001 ether"] });
    assert_eq!(
        reject(&mut world, "bob", "lido.request_withdrawals", too_large),
        "RequestAmountTooLarge"
    );
    let too_large = json!({ "amounts": ["1001 ether"] });
    assert_eq!(
        reject(&mut world, "bob", "lido.request_withdrawals", too_large),
        "RequestAmountTooLarge"
    );
    let too_small = json!({ "amounts": ["1 ether", "99"] });
    assert_eq!(
        reject(&mut world, "bob", "lido.request_withdrawals", too_small),
        "RequestAmountTooSmall"
    );
    let short = json!({ "amounts": ["1000 ether", "1000 ether", "1 ether"] });
    assert_eq!(reject(&mut world, "bob", "lido.request_withdrawals", short), "InsufficientBalance");
    // As on chain, each request takes its stETH before the next amount is looked at.
    let short_first = json!({ "amounts": ["1000 ether", "1000 ether", "1 ether", "99"] });
    assert_eq!(
        reject(&mut world, "bob", "lido.request_withdrawals", short_first),
        "InsufficientBalance"
    );
    // 100 wei is the smallest request; the owner may be another account.
    let smallest = json!({ "amounts": ["100"], "owner": "carol" });
    let events = apply(&mut world, "bob", "lido.request_withdrawals", smallest);
    assert_eq!(events[0]["request_id"], json!(4));
    assert_eq!(events[0]["requestor"], json!(named_address("bob").to_checksum(None)));
    assert_eq!(events[0]["owner"], json!(named_address("carol").to_checksum(None)));
    assert_eq!(
        view(&world, "lido.get_withdrawal_requests", json!({ "owner": "carol" })),
        json!([4])
    );
    assert_eq!(view(&world, "lido.get_withdrawal_requests", json!({ "owner": "bob" })), json!([]));
    // An empty batch creates nothing, as on chain.
    assert!(
        apply(&mut world, "bob", "lido.request_withdrawals", json!({ "amounts": [] })).is_empty()
    );
    // Request ids past the last are invalid in views.
    let bad = View::parse("lido.get_withdrawal_status", json!({ "request_ids": [5] })).unwrap();
    assert_eq!(world.view(&bad).unwrap_err().name(), "InvalidRequestId");
}

#[test]
fn finalization_in_order_then_claims_once_by_the_owner() {
    let mut world = three_requests();
    let queue = withdrawal_queue_address();
    let first_two = ether(1) + wei(500);

    assert_eq!(
        view(&world, "lido.prefinalize", json!({ "batches": [2] })),
        json!({ "eth_to_lock": s(first_two), "shares_to_burn": s(first_two) })
    );
    assert_eq!(
        reject(&mut world, "alice", "lido.finalize", json!({ "last_request_id": 2 })),
        "MissingRole"
    );
    assert_eq!(
        reject(&mut world, "admin", "lido.finalize", json!({ "last_request_id": 4 })),
        "InvalidRequestId"
    );
    let events = apply(&mut world, "admin", "lido.finalize", json!({ "last_request_id": 2 }));
    assert_eq!(
        events,
        [json!({
            "event": "WithdrawalsFinalized",
            "from": 1,
            "to": 2,
            "amount_of_eth_locked": s(first_two),
            "shares_to_burn": s(first_two),
            "timestamp": world.clock.timestamp(),
        })]
    );
    // The ETH moved from the buffer into the queue; the finalized stETH is burnt.
    assert_eq!(buffer(&world), ether(1_002) - first_two);
    assert_eq!(world.ledger.balance_of(NATIVE_ETH, queue), first_two);
    assert_eq!(world.lido.locked_ether, first_two);
    assert_eq!(world.ledger.balance_of(steth(), queue), ether(1_000));
    assert_eq!(steth_supply(&world), ether(1_002) - first_two);
    assert_eq!(steth_supply(&world), buffer(&world));
    assert_eq!(view(&world, "lido.get_locked_ether_amount", json!({})), json!(s(first_two)));
    assert_eq!(view(&world, "lido.unfinalized_steth", json!({})), json!(s(ether(1_000))));
    assert_eq!(
        view(&world, "lido.get_buffered_ether", json!({})),
        json!(s(ether(1_002) - first_two))
    );
    let finalized: Vec<Value> =
        view(&world, "lido.get_withdrawal_status", json!({ "request_ids": [1, 2, 3] }))
            .as_array()
            .unwrap()
            .iter()
            .map(|status| status["is_finalized"].clone())
            .collect();
    assert_eq!(finalized, [json!(true), json!(true), json!(false)]);
    assert_eq!(
        view(&world, "lido.get_claimable_ether", json!({ "request_ids": [1, 2, 3] })),
        json!([s(ether(1)), "500", "0"])
    );

    // Finalized ids are not finalized twice, nor out of order; prefinalize agrees.
    for id in [1, 2] {
        let args = json!({ "last_request_id": id });
        assert_eq!(reject(&mut world, "admin", "lido.finalize", args), "InvalidRequestId");
    }
    let bad = View::parse("lido.prefinalize", json!({ "batches": [2, 3] })).unwrap();
    assert_eq!(world.view(&bad).unwrap_err().name(), "InvalidRequestId");
    let bad = View::parse("lido.prefinalize", json!({ "batches": [] })).unwrap();
    assert_eq!(world.view(&bad).unwrap_err().name(), "EmptyBatches");

    // Claims: only finalized, only the owner, only once.
    let claim = |id: u64| json!({ "request_id": id });
    assert_eq!(
        reject(&mut world, "alice", "lido.claim_withdrawal", claim(3)),
        "RequestNotFoundOrNotFinalized"
    );
    assert_eq!(reject(&mut world, "alice", "lido.claim_withdrawal", claim(0)), "InvalidRequestId");
    assert_eq!(reject(&mut world, "bob", "lido.claim_withdrawal", claim(1)), "NotOwner");
    let zero = json!({ "request_id": 1, "recipient": Address::ZERO.to_string() });
    assert_eq!(reject(&mut world, "alice", "lido.claim_withdrawal", zero), "ZeroRecipient");
    let alice_eth = balance(&world, NATIVE_ETH, "alice");
    let events = apply(&mut world, "alice", "lido.claim_withdrawal", claim(1));
    let alice = named_address("alice").to_checksum(None);
    assert_eq!(
        events,
        [json!({
            "event": "WithdrawalClaimed",
            "request_id": 1,
            "owner": alice,
            "receiver": alice,
            "amount_of_eth": s(ether(1)),
        })]
    );
    assert_eq!(balance(&world, NATIVE_ETH, "alice"), alice_eth + ether(1));
    assert_eq!(world.lido.locked_ether, wei(500));
    // Swap-and-pop: request 3 takes request 1's slot.
    assert_eq!(
        view(&world, "lido.get_withdrawal_requests", json!({ "owner": "alice" })),
        json!([3, 2])
    );
    assert_eq!(
        reject(&mut world, "alice", "lido.claim_withdrawal", claim(1)),
        "RequestAlreadyClaimed"
    );
    // To another recipient.
    let to_carol = json!({ "request_id": 2, "recipient": "carol" });
    let events = apply(&mut world, "alice", "lido.claim_withdrawal", to_carol);
    assert_eq!(events[0]["receiver"], json!(named_address("carol").to_checksum(None)));
    assert_eq!(balance(&world, NATIVE_ETH, "carol"), wei(500));
    assert_eq!(world.lido.locked_ether, U256::ZERO);
    assert_eq!(world.ledger.balance_of(NATIVE_ETH, queue), U256::ZERO);
    assert_eq!(
        view(&world, "lido.get_withdrawal_requests", json!({ "owner": "alice" })),
        json!([3])
    );
    let status = view(&world, "lido.get_withdrawal_status", json!({ "request_ids": [2] }));
    assert_eq!(status[0]["is_claimed"], json!(true));

    // The last request: 1000 ETH from a buffer of 1000.999…9500.
    apply(&mut world, "admin", "lido.finalize", json!({ "last_request_id": 3 }));
    apply(&mut world, "alice", "lido.claim_withdrawal", claim(3));
    assert_eq!(buffer(&world), ether(1) - wei(500));
    assert_eq!(steth_supply(&world), buffer(&world));
    assert_eq!(balance(&world, steth(), "alice"), ether(1) - wei(500));
    // Alice's 2000 ETH are all accounted for: her ETH, Carol's 500 wei, Lido's buffer.
    let total = balance(&world, NATIVE_ETH, "alice")
        + balance(&world, NATIVE_ETH, "carol")
        + buffer(&world);
    assert_eq!(total, ether(2_000));
    assert!(world.lido.requests_by_owner.is_empty());
}

#[test]
fn batch_claims_are_all_or_nothing() {
    let mut world = three_requests();
    apply(&mut world, "admin", "lido.finalize", json!({ "last_request_id": 2 }));
    let twice = json!({ "request_ids": [1, 1] });
    assert_eq!(
        reject(&mut world, "alice", "lido.claim_withdrawals", twice),
        "RequestAlreadyClaimed"
    );
    let unfinalized = json!({ "request_ids": [1, 3] });
    assert_eq!(
        reject(&mut world, "alice", "lido.claim_withdrawals", unfinalized),
        "RequestNotFoundOrNotFinalized"
    );
    let both = json!({ "request_ids": [2, 1], "recipient": "dave" });
    let events = apply(&mut world, "alice", "lido.claim_withdrawals", both);
    let paid: Vec<Value> = events.iter().map(|e| e["amount_of_eth"].clone()).collect();
    assert_eq!(paid, [json!("500"), json!(s(ether(1)))]);
    assert_eq!(balance(&world, NATIVE_ETH, "dave"), ether(1) + wei(500));
}

#[test]
fn finalization_needs_the_eth_in_lidos_buffer() {
    // stETH minted by the admin (setup) has no ETH in the buffer until the admin puts it there.
    let mut world = world();
    mint(&mut world, "dave", "stETH", ether(500));
    apply(&mut world, "dave", "lido.request_withdrawals", json!({ "amounts": ["500 ether"] }));
    assert_eq!(
        reject(&mut world, "admin", "lido.finalize", json!({ "last_request_id": 1 })),
        "NotEnoughEther"
    );
    let lido = lido_address().to_string();
    apply(
        &mut world,
        "admin",
        "token.mint",
        json!({ "to": lido, "token": "ETH", "amount": "499 ether" }),
    );
    assert_eq!(
        reject(&mut world, "admin", "lido.finalize", json!({ "last_request_id": 1 })),
        "NotEnoughEther"
    );
    apply(
        &mut world,
        "admin",
        "token.mint",
        json!({ "to": lido, "token": "ETH", "amount": "1 ether" }),
    );
    apply(&mut world, "admin", "lido.finalize", json!({ "last_request_id": 1 }));
    apply(&mut world, "dave", "lido.claim_withdrawal", json!({ "request_id": 1 }));
    assert_eq!(balance(&world, NATIVE_ETH, "dave"), ether(500));
    assert_eq!(steth_supply(&world), U256::ZERO);
    assert_eq!(buffer(&world), U256::ZERO);
}

#[test]
fn staking_pause_zero_deposits_and_roles() {
    let mut world = world();
    mint(&mut world, "alice", "ETH", ether(10));
    assert_eq!(reject(&mut world, "alice", "lido.submit", json!({ "amount": "0" })), "ZeroDeposit");
    assert_eq!(
        reject(&mut world, "alice", "lido.submit", json!({ "amount": "11 ether" })),
        "InsufficientBalance"
    );
    assert_eq!(reject(&mut world, "alice", "lido.pause_staking", json!({})), "MissingRole");
    assert_eq!(
        apply(&mut world, "admin", "lido.pause_staking", json!({})),
        [json!({ "event": "StakingPaused" })]
    );
    assert_eq!(view(&world, "lido.is_staking_paused", json!({})), json!(true));
    assert_eq!(
        reject(&mut world, "alice", "lido.submit", json!({ "amount": "1 ether" })),
        "StakingPaused"
    );
    assert_eq!(reject(&mut world, "alice", "lido.submit", json!({ "amount": "0" })), "ZeroDeposit");
    // Withdrawals go on while staking is paused.
    mint(&mut world, "bob", "stETH", ether(1));
    apply(&mut world, "bob", "lido.request_withdrawals", json!({ "amounts": ["1 ether"] }));
    assert_eq!(reject(&mut world, "alice", "lido.resume_staking", json!({})), "MissingRole");
    apply(&mut world, "admin", "lido.resume_staking", json!({}));
    let referral = json!({ "amount": "3 ether", "referral": "ref" });
    let events = apply(&mut world, "alice", "lido.submit", referral);
    assert_eq!(events[0]["referral"], json!(named_address("ref").to_checksum(None)));
    assert_eq!(world.lido.total_submitted, ether(3));

    // The finalizer's role moves with set_finalizer (the admin's to give).
    assert_eq!(
        reject(&mut world, "alice", "lido.set_finalizer", json!({ "finalizer": "oracle" })),
        "MissingRole"
    );
    apply(&mut world, "admin", "lido.set_finalizer", json!({ "finalizer": "oracle" }));
    assert_eq!(
        reject(&mut world, "admin", "lido.finalize", json!({ "last_request_id": 1 })),
        "MissingRole"
    );
    apply(&mut world, "oracle", "lido.finalize", json!({ "last_request_id": 1 }));
    assert_eq!(buffer(&world), ether(2));
}

#[test]
fn calls_round_trip_and_worlds_without_lido_keep_their_encoding() {
    let args = json!({ "amounts": ["100", "1 ether"], "owner": "alice" });
    let action = Action::parse("lido.request_withdrawals", args).unwrap();
    assert_eq!(action.name(), "lido.request_withdrawals");
    assert_eq!(Action::parse(&action.name(), action.args()).unwrap(), action);
    let claim = Action::parse("lido.claim_withdrawal", json!({ "request_id": 7 })).unwrap();
    assert_eq!(claim.args(), json!({ "request_id": 7 }));
    assert!(Action::parse("lido.nope", json!({})).is_err());
    // No Lido key in the encoding of a world that never touched Lido.
    let encoded = serde_json::to_value(World::default()).unwrap();
    assert!(encoded.get("lido").is_none());
    let mut world = three_requests();
    let encoded = serde_json::to_string(&world).unwrap();
    let decoded: World = serde_json::from_str(&encoded).unwrap();
    assert_eq!(decoded, world);
    // Lido's events read back as themselves among every module's (the world's events are
    // untagged; the LRT's WithdrawalRequested and WithdrawalClaimed share their names).
    let as_call = |sender: &str, name: &str, args: Value| Call {
        sender: named_address(sender),
        action: Action::parse(name, args).unwrap(),
    };
    let request = json!({ "amounts": ["100"] });
    let mut events = world.apply(&as_call("alice", "lido.request_withdrawals", request)).unwrap();
    let finalize = json!({ "last_request_id": 4 });
    events.extend(world.apply(&as_call("admin", "lido.finalize", finalize)).unwrap());
    let claim = Action::parse("lido.claim_withdrawals", json!({ "request_ids": [1, 2, 3, 4] }));
    events.extend(
        world.apply(&Call { sender: named_address("alice"), action: claim.unwrap() }).unwrap(),
    );
    for event in events {
        let encoded = serde_json::to_value(&event).unwrap();
        assert!(matches!(event, Event::Lido(_)));
        assert_eq!(serde_json::from_value::<Event>(encoded).unwrap(), event);
    }
}

/// A Renzo LRT holding 100 stETH (bought at Lido by Alice) and 50 ETH redeems the stETH through
/// Lido's queue, as the pool and through a delegator: NAV stays exactly 150 ETH while the
/// requests wait, are finalized and are claimed, and the ETH arrives in the pool.
#[test]
fn an_lrt_redeems_steth_at_lido_with_its_nav_flat() {
    let mut world = world();
    mint(&mut world, "alice", "ETH", ether(100));
    mint(&mut world, "bob", "ETH", ether(50));
    apply(&mut world, "alice", "lido.submit", json!({ "amount": "100 ether" }));
    apply(&mut world, "admin", "lrt.create", json!({ "preset": "renzo", "assets": ["stETH"] }));
    let pool = pool_address("ezETH");
    let target = pool.to_string();
    let deposit = json!({ "target": target, "asset": "stETH", "amount": "100 ether" });
    apply(&mut world, "alice", "lrt.deposit", deposit);
    apply(&mut world, "bob", "lrt.deposit", json!({ "target": target, "amount": "50 ether" }));
    apply(&mut world, "op1", "eigenlayer.register_as_operator", json!({ "allocation_delay": 0 }));
    let delegator = json!({ "target": target, "operator": "op1", "weight_bps": 10_000 });
    apply(&mut world, "admin", "lrt.add_delegator", delegator);
    let nav = |world: &World| {
        let env = world.lrt_env();
        let live = world.lrts.lrt(pool).unwrap().live_nav(pool, &world.ledger, &env).unwrap();
        let (accounted, supply) = world.lrts.accounted(pool, &world.ledger, &env).unwrap();
        assert_eq!(accounted, live.total);
        assert_eq!(supply, ether(150));
        live
    };
    assert_eq!(nav(&world).total, ether(150));
    let delegator = world.lrts.lrt(pool).unwrap().delegators[0].address.to_string();

    // The pool requests 60 stETH for itself; through a delegator, 40 more, owned by the pool.
    let execute = |delegator: Option<usize>, call: &str, args: Value| {
        let mut a = json!({ "target": target, "call": call, "args": args });
        if let Some(i) = delegator {
            a["delegator"] = json!(i);
        }
        a
    };
    let to_delegator = json!({ "to": delegator, "token": "stETH", "amount": "40 ether" });
    apply(&mut world, "admin", "lrt.execute", execute(None, "token.transfer", to_delegator));
    let outsider = json!({ "amounts": ["60 ether"], "owner": "mallory" });
    assert_eq!(
        reject(
            &mut world,
            "admin",
            "lrt.execute",
            execute(None, "lido.request_withdrawals", outsider)
        ),
        "ForbiddenCall"
    );
    let request = json!({ "amounts": ["60 ether"] });
    let events = apply(
        &mut world,
        "admin",
        "lrt.execute",
        execute(None, "lido.request_withdrawals", request),
    );
    assert_eq!(events[0]["owner"], json!(pool.to_checksum(None)));
    let for_pool = json!({ "amounts": ["40 ether"], "owner": target });
    let events = apply(
        &mut world,
        "admin",
        "lrt.execute",
        execute(Some(0), "lido.request_withdrawals", for_pool),
    );
    assert_eq!(events[0]["requestor"], json!(delegator));
    assert_eq!(events[0]["owner"], json!(pool.to_checksum(None)));
    assert_eq!(world.ledger.balance_of(steth(), pool), U256::ZERO);
    let waiting = nav(&world);
    assert_eq!(
        (waiting.total, waiting.lido_withdrawals, waiting.buffer),
        (ether(150), ether(100), ether(50))
    );

    // A queued LRT withdrawal of 150 is owed 150: the pool's 50 ETH and Lido's 100 cover it,
    // so the manager has nothing to unwind.
    apply(
        &mut world,
        "alice",
        "lrt.request_withdrawal",
        json!({ "target": target, "shares": "100 ether" }),
    );
    apply(
        &mut world,
        "bob",
        "lrt.request_withdrawal",
        json!({ "target": target, "shares": "50 ether" }),
    );
    assert_eq!(
        reject(&mut world, "admin", "lrt.unwind", json!({ "target": target })),
        "NothingToUnwind"
    );

    apply(&mut world, "admin", "lido.finalize", json!({ "last_request_id": 2 }));
    assert_eq!(nav(&world).total, ether(150));
    assert_eq!(nav(&world).lido_withdrawals, ether(100));

    // Claims pay insiders only; the pool owns both requests.
    let to_outsider = json!({ "request_id": 1, "recipient": "mallory" });
    assert_eq!(
        reject(
            &mut world,
            "admin",
            "lrt.execute",
            execute(None, "lido.claim_withdrawal", to_outsider)
        ),
        "ForbiddenCall"
    );
    assert_eq!(
        reject(
            &mut world,
            "admin",
            "lrt.execute",
            execute(Some(0), "lido.claim_withdrawal", json!({ "request_id": 1 }))
        ),
        "NotOwner"
    );
    apply(
        &mut world,
        "admin",
        "lrt.execute",
        execute(None, "lido.claim_withdrawal", json!({ "request_id": 1 })),
    );
    let half = nav(&world);
    assert_eq!(
        (half.total, half.lido_withdrawals, half.buffer_eth),
        (ether(150), ether(40), ether(110))
    );
    let to_delegator = json!({ "request_ids": [2], "recipient": delegator });
    apply(
        &mut world,
        "admin",
        "lrt.execute",
        execute(None, "lido.claim_withdrawals", to_delegator),
    );
    let done = nav(&world);
    assert_eq!(
        (done.total, done.lido_withdrawals, done.delegators_idle),
        (ether(150), U256::ZERO, ether(40))
    );
    assert_eq!(world.ledger.balance_of(NATIVE_ETH, pool), ether(110));
    assert_eq!(steth_supply(&world), U256::ZERO);
    assert_eq!(buffer(&world), U256::ZERO);
}
