//! Random submits, withdrawal requests (some out of bounds, some for others), finalizations
//! (some out of order, some short of ETH) and claims (some twice, by the wrong account or
//! unfinalized) against a naive model of Lido that keeps every request as a plain record: after
//! every call the world must have accepted or refused exactly as the model did, with the same
//! error, and agree with it on every balance, every request's status, the locked ether and the
//! unfinalized stETH. A refused call changes nothing; every invariant holds throughout. Some
//! stETH is minted by the admin without ETH (scenario setup) and some ETH is sent to Lido
//! without stETH, and the buffer is exactly the stETH supply less the first plus the second.

use alloy_primitives::U256;
use proptest::prelude::*;
use rampart_engine::{
    World,
    accounts::{NATIVE_ETH, named_address, token_address},
    eigenlayer::Params,
    lido::{lido_address, withdrawal_queue_address},
};
use serde_json::{Value, json};

use super::support::{apply, try_apply, view};

const PEOPLE: [&str; 3] = ["p0", "p1", "p2"];
const MILLI: u128 = 1_000_000_000_000_000;

#[derive(Debug, Clone)]
enum Op {
    /// `milli` thousandths of an ether (0 is a zero deposit).
    Submit { who: u8, milli: u32 },
    /// Amounts as (thousandths of an ether, extra wei): 0 milli and few wei is below the minimum.
    Request { who: u8, owner: Option<u8>, amounts: Vec<(u32, u16)> },
    /// Finalize up to the last finalized id plus `ahead` (0 is already finalized).
    Finalize { ahead: u8 },
    /// Claim request `id` (1-based; may be 0, unfinalized or past the end).
    Claim { who: u8, id: u8, to: Option<u8> },
    /// The admin mints stETH without ETH behind it (`token.mint`).
    MintSteth { who: u8, milli: u32 },
    /// The admin mints ETH to Lido (what its vaults would bring in at a report).
    Fund { milli: u32 },
}

fn op() -> impl Strategy<Value = Op> {
    let amount = (0..1_100_000u32, 0..300u16);
    prop_oneof![
        3 => (any::<u8>(), 0..3_000_000u32).prop_map(|(who, milli)| Op::Submit { who, milli }),
        4 => (any::<u8>(), proptest::option::of(any::<u8>()), prop::collection::vec(amount, 0..4))
            .prop_map(|(who, owner, amounts)| Op::Request { who, owner, amounts }),
        2 => (0..4u8).prop_map(|ahead| Op::Finalize { ahead }),
        4 => (any::<u8>(), 0..12u8, proptest::option::of(any::<u8>()))
            .prop_map(|(who, id, to)| Op::Claim { who, id, to }),
        1 => (any::<u8>(), 1..2_000_000u32).prop_map(|(who, milli)| Op::MintSteth { who, milli }),
        1 => (1..2_000_000u32).prop_map(|milli| Op::Fund { milli }),
    ]
}

#[derive(Debug, Clone)]
struct Request {
    amount: U256,
    owner: usize,
    claimed: bool,
}

/// Lido as a list of records.
#[derive(Debug, Default)]
struct Model {
    eth: [U256; 3],
    steth: [U256; 3],
    buffer: U256,
    queue_eth: U256,
    requests: Vec<Request>,
    finalized: usize,
    minted: U256,
    funded: U256,
}

fn person(i: u8) -> usize {
    usize::from(i) % PEOPLE.len()
}

impl Model {
    /// What the call should do to the model, or the error it must be refused with.
    fn apply(&mut self, op: &Op) -> Result<(), &'static str> {
        match op {
            Op::Submit { who, milli } => {
                let (who, amount) = (person(*who), U256::from(u128::from(*milli) * MILLI));
                if amount.is_zero() {
                    return Err("ZeroDeposit");
                }
                if self.eth[who] < amount {
                    return Err("InsufficientBalance");
                }
                self.eth[who] -= amount;
                self.steth[who] += amount;
                self.buffer += amount;
            }
            Op::Request { who, owner, amounts } => {
                let who = person(*who);
                let owner = owner.map_or(who, person);
                let amounts: Vec<U256> = amounts.iter().map(|&a| wei(a)).collect();
                let mut total = U256::ZERO;
                for &amount in &amounts {
                    if amount < U256::from(100) {
                        return Err("RequestAmountTooSmall");
                    }
                    if amount > U256::from(1_000_000 * MILLI) {
                        return Err("RequestAmountTooLarge");
                    }
                    total += amount;
                    if self.steth[who] < total {
                        return Err("InsufficientBalance");
                    }
                }
                self.steth[who] -= total;
                for amount in amounts {
                    self.requests.push(Request { amount, owner, claimed: false });
                }
            }
            Op::Finalize { ahead } => {
                let last = self.finalized + usize::from(*ahead);
                if last > self.requests.len() || last <= self.finalized {
                    return Err("InvalidRequestId");
                }
                let need: U256 = self.requests[self.finalized..last].iter().map(|r| r.amount).sum();
                if self.buffer < need {
                    return Err("NotEnoughEther");
                }
                self.buffer -= need;
                self.queue_eth += need;
                self.finalized = last;
            }
            Op::Claim { who, id, to } => {
                let (who, id) = (person(*who), usize::from(*id));
                let to = to.map_or(who, person);
                if id == 0 {
                    return Err("InvalidRequestId");
                }
                if id > self.finalized {
                    return Err("RequestNotFoundOrNotFinalized");
                }
                let request = &mut self.requests[id - 1];
                if request.claimed {
                    return Err("RequestAlreadyClaimed");
                }
                if request.owner != who {
                    return Err("NotOwner");
                }
                request.claimed = true;
                self.queue_eth -= request.amount;
                self.eth[to] += request.amount;
            }
            Op::MintSteth { who, milli } => {
                let amount = U256::from(u128::from(*milli) * MILLI);
                self.steth[person(*who)] += amount;
                self.minted += amount;
            }
            Op::Fund { milli } => {
                let amount = U256::from(u128::from(*milli) * MILLI);
                self.buffer += amount;
                self.funded += amount;
            }
        }
        Ok(())
    }
}

fn wei((milli, extra): (u32, u16)) -> U256 {
    U256::from(u128::from(milli) * MILLI + u128::from(extra))
}

fn call(op: &Op) -> (&'static str, &'static str, Value) {
    match op {
        Op::Submit { who, milli } => (
            PEOPLE[person(*who)],
            "lido.submit",
            json!({ "amount": (U256::from(u128::from(*milli) * MILLI)).to_string() }),
        ),
        Op::Request { who, owner, amounts } => {
            let amounts: Vec<String> = amounts.iter().map(|&a| wei(a).to_string()).collect();
            let mut args = json!({ "amounts": amounts });
            if let Some(owner) = owner {
                args["owner"] = json!(PEOPLE[person(*owner)]);
            }
            (PEOPLE[person(*who)], "lido.request_withdrawals", args)
        }
        Op::Finalize { .. } => unreachable!("needs the world's last finalized id"),
        Op::MintSteth { who, milli } => (
            "admin",
            "token.mint",
            json!({ "to": PEOPLE[person(*who)], "token": "stETH", "amount": (U256::from(u128::from(*milli) * MILLI)).to_string() }),
        ),
        Op::Fund { milli } => (
            "admin",
            "token.mint",
            json!({ "to": lido_address().to_string(), "token": "ETH", "amount": (U256::from(u128::from(*milli) * MILLI)).to_string() }),
        ),
        Op::Claim { who, id, to } => {
            let mut args = json!({ "request_id": id });
            if let Some(to) = to {
                args["recipient"] = json!(PEOPLE[person(*to)]);
            }
            (PEOPLE[person(*who)], "lido.claim_withdrawal", args)
        }
    }
}

fn check(world: &World, model: &Model) -> Result<(), TestCaseError> {
    let steth = token_address("stETH");
    for (i, name) in PEOPLE.iter().enumerate() {
        let account = named_address(name);
        prop_assert_eq!(world.ledger.balance_of(NATIVE_ETH, account), model.eth[i]);
        prop_assert_eq!(world.ledger.balance_of(steth, account), model.steth[i]);
    }
    let buffer = world.ledger.balance_of(NATIVE_ETH, lido_address());
    prop_assert_eq!(buffer, model.buffer);
    let supply = world.ledger.token(steth).unwrap().total_supply;
    prop_assert_eq!(supply + model.funded, buffer + model.minted);
    let queue = withdrawal_queue_address();
    prop_assert_eq!(world.ledger.balance_of(NATIVE_ETH, queue), model.queue_eth);
    prop_assert_eq!(world.lido.locked_ether, model.queue_eth);
    let unfinalized: U256 = model.requests[model.finalized..].iter().map(|r| r.amount).sum();
    prop_assert_eq!(world.ledger.balance_of(steth, queue), unfinalized);
    let lido_view = |name: &str| view(world, name, json!({}));
    prop_assert_eq!(lido_view("lido.unfinalized_steth"), json!(unfinalized.to_string()));
    prop_assert_eq!(lido_view("lido.get_last_request_id"), json!(model.requests.len()));
    prop_assert_eq!(lido_view("lido.get_last_finalized_request_id"), json!(model.finalized));
    if !model.requests.is_empty() {
        let ids: Vec<usize> = (1..=model.requests.len()).collect();
        let statuses = view(world, "lido.get_withdrawal_status", json!({ "request_ids": ids }));
        for (index, (status, request)) in
            statuses.as_array().unwrap().iter().zip(&model.requests).enumerate()
        {
            let expected = json!({
                "amount_of_steth": request.amount.to_string(),
                "amount_of_shares": request.amount.to_string(),
                "owner": named_address(PEOPLE[request.owner]).to_checksum(None),
                "timestamp": status["timestamp"],
                "is_finalized": index < model.finalized,
                "is_claimed": request.claimed,
            });
            prop_assert_eq!(status, &expected);
        }
    }
    Ok(())
}

fn run(ops: &[Op]) -> Result<[usize; 4], TestCaseError> {
    let mut world = World::new(Params::TESTNET);
    world.set_block(10).unwrap();
    let mut model = Model::default();
    for (i, name) in PEOPLE.iter().enumerate() {
        let args = json!({ "to": name, "token": "ETH", "amount": "2000 ether" });
        apply(&mut world, "admin", "token.mint", args);
        model.eth[i] = U256::from(2_000_000 * MILLI);
    }
    // Accepted finalizations, claims, and refusals with each of two errors worth reaching.
    let mut reached = [0usize; 4];
    for op in ops {
        let (sender, name, args) = match op {
            Op::Finalize { ahead } => {
                let last = world.lido.last_finalized_request_id + u64::from(*ahead);
                ("admin", "lido.finalize", json!({ "last_request_id": last }))
            }
            other => call(other),
        };
        let expected = model.apply(op);
        let got = try_apply(&mut world, sender, name, args).map_err(|e| e.name().to_owned());
        prop_assert_eq!(got.as_ref().err().map(String::as_str), expected.err(), "{:?}", op);
        match (op, &got) {
            (Op::Finalize { .. }, Ok(_)) => reached[0] += 1,
            (Op::Claim { .. }, Ok(_)) => reached[1] += 1,
            (_, Err(e)) if e == "NotEnoughEther" => reached[2] += 1,
            (_, Err(e)) if e == "NotOwner" || e == "RequestAlreadyClaimed" => reached[3] += 1,
            _ => {}
        }
        world.check_invariants().map_err(TestCaseError::fail)?;
        check(&world, &model)?;
        world.advance_blocks(1).unwrap();
    }
    Ok(reached)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn lido_matches_a_naive_queue(ops in prop::collection::vec(op(), 1..50)) {
        run(&ops)?;
    }
}

#[test]
fn the_generator_reaches_finalizations_claims_and_their_refusals() {
    use proptest::{strategy::ValueTree, test_runner::TestRunner};
    let mut runner = TestRunner::deterministic();
    let mut reached = [0usize; 4];
    for _ in 0..64 {
        let ops = prop::collection::vec(op(), 30..50).new_tree(&mut runner).unwrap().current();
        let counts = run(&ops).unwrap();
        for (total, count) in reached.iter_mut().zip(counts) {
            *total += count;
        }
    }
    assert!(
        reached.iter().all(|&n| n > 0),
        "finalize, claim, NotEnoughEther, NotOwner/claimed: {reached:?}"
    );
}
