//! Random call sequences against Symbiotic and Karak, checking after every call: a rejected call
//! changes nothing; every invariant holds; every token is conserved. Symbiotic: each slash takes
//! exactly what an independent record predicts (the delegator's stake at the capture less the
//! slashes executed since), total stake moves only by deposits and slashes, the holders'
//! slashable balances add up to the total stake within rounding, and the staker-rewards
//! contract stays solvent. Karak: a slash never exceeds the DSS's maximum percentage and falls
//! on escrowed shares as on the others.

use proptest::prelude::*;
use rampart_engine::{
    Action, Address, Call, U256, World,
    accounts::{named_address, token_address},
    eigenlayer::Params,
    karak::KarakEvent,
    symbiotic::{Subnetwork, SymbioticEvent, vault::At},
    world::Event,
};
use serde_json::{Value, json};

use super::support::{apply, call, deployed_karak_vaults, register_symbiotic_network, view};

const STAKERS: [&str; 3] = ["s0", "s1", "s2"];
const OPERATORS: [&str; 2] = ["op0", "op1"];
const MINTED: u64 = 1_000_000;

fn steth() -> Address {
    token_address("stETH")
}

// ---------------------------------------------------------------------------------------------
// Symbiotic

#[derive(Debug, Clone)]
enum SymOp {
    Deposit {
        staker: u8,
        vault: u8,
        amount: u32,
    },
    Withdraw {
        staker: u8,
        vault: u8,
        amount: u32,
    },
    Redeem {
        staker: u8,
        vault: u8,
        percent: u8,
    },
    Claim {
        staker: u8,
        vault: u8,
        back: u8,
    },
    /// The delegator's per-operator knob: a full-restake limit, network-restake shares, or an
    /// operator-specific vault's network limit.
    SetOperatorLimit {
        vault: u8,
        sub: u8,
        operator: u8,
        amount: u32,
    },
    SetNetworkLimit {
        vault: u8,
        sub: u8,
        amount: u32,
    },
    SetMaxNetworkLimit {
        vault: u8,
        sub: u8,
        amount: u32,
    },
    /// Opt an operator in or out of a vault (`place` < 3) or of the network.
    Opt {
        operator: u8,
        place: u8,
        opt_in: bool,
    },
    Slash {
        vault: u8,
        sub: u8,
        operator: u8,
        amount: u32,
        back: u16,
    },
    Execute {
        index: u8,
    },
    Veto {
        index: u8,
    },
    Distribute {
        amount: u32,
        back: u8,
    },
    ClaimRewards {
        staker: u8,
    },
    ClaimAdminFee,
    Advance {
        blocks: u16,
    },
}

fn sym_op() -> impl Strategy<Value = SymOp> {
    prop_oneof![
        4 => (any::<u8>(), any::<u8>(), 1..200_000u32).prop_map(|(staker, vault, amount)| SymOp::Deposit { staker, vault, amount }),
        2 => (any::<u8>(), any::<u8>(), 1..100_000u32).prop_map(|(staker, vault, amount)| SymOp::Withdraw { staker, vault, amount }),
        1 => (any::<u8>(), any::<u8>(), 1..=100u8).prop_map(|(staker, vault, percent)| SymOp::Redeem { staker, vault, percent }),
        2 => (any::<u8>(), any::<u8>(), 0..4u8).prop_map(|(staker, vault, back)| SymOp::Claim { staker, vault, back }),
        1 => (any::<u8>(), any::<u8>(), any::<u8>(), 0..300_000u32).prop_map(|(vault, sub, operator, amount)| SymOp::SetOperatorLimit { vault, sub, operator, amount }),
        1 => (any::<u8>(), any::<u8>(), 0..500_000u32).prop_map(|(vault, sub, amount)| SymOp::SetNetworkLimit { vault, sub, amount }),
        1 => (any::<u8>(), any::<u8>(), 0..500_000u32).prop_map(|(vault, sub, amount)| SymOp::SetMaxNetworkLimit { vault, sub, amount }),
        1 => (any::<u8>(), 0..4u8, prop::bool::weighted(0.6)).prop_map(|(operator, place, opt_in)| SymOp::Opt { operator, place, opt_in }),
        4 => (any::<u8>(), any::<u8>(), any::<u8>(), 1..150_000u32, 1..400u16).prop_map(|(vault, sub, operator, amount, back)| SymOp::Slash { vault, sub, operator, amount, back }),
        2 => any::<u8>().prop_map(|index| SymOp::Execute { index }),
        1 => any::<u8>().prop_map(|index| SymOp::Veto { index }),
        1 => (1..100_000u32, 1..60u8).prop_map(|(amount, back)| SymOp::Distribute { amount, back }),
        1 => any::<u8>().prop_map(|staker| SymOp::ClaimRewards { staker }),
        1 => Just(SymOp::ClaimAdminFee),
        2 => (1..400u16).prop_map(|blocks| SymOp::Advance { blocks }),
    ]
}

/// The network's two subnetworks.
const SUBNETWORKS: [u128; 2] = [0, 7];
/// EIGEN minted to the network for staker rewards.
const REWARDS: u64 = 100_000_000;

fn subnetwork(i: u8) -> Subnetwork {
    Subnetwork { network: named_address("net"), identifier: SUBNETWORKS[usize::from(i) % 2] }
}

fn subnetwork_json(i: u8) -> Value {
    json!({ "network": "net", "identifier": SUBNETWORKS[usize::from(i) % 2] })
}

/// Three vaults, epochs of an hour: full-restake with an instant slasher, network-restake with a
/// veto slasher (a resolver for the first subnetwork only), operator-specific (op0) with an
/// instant slasher. One network with two subnetworks and its own middleware; two operators
/// opted in everywhere; staker rewards on the first vault with a 10% admin fee.
fn sym_setup() -> (World, Vec<Address>, Address) {
    let mut world = World::new(Params::TESTNET);
    world.set_block(10).unwrap();
    for staker in STAKERS {
        apply(
            &mut world,
            "admin",
            "token.mint",
            json!({ "to": staker, "token": "stETH", "amount": MINTED.to_string() }),
        );
    }
    apply(
        &mut world,
        "admin",
        "token.mint",
        json!({ "to": "net", "token": "EIGEN", "amount": REWARDS.to_string() }),
    );
    register_symbiotic_network(&mut world, "net");
    for operator in OPERATORS {
        apply(&mut world, operator, "symbiotic.operator_registry.register_operator", json!({}));
    }
    let mut vaults = Vec::new();
    for (delegator, slasher) in [(1, 0), (0, 1), (2, 0)] {
        let events = apply(
            &mut world,
            "admin",
            "symbiotic.vault_configurator.create",
            json!({
                "vault_params": { "collateral": "stETH", "epoch_duration": 3600, "burner": "burner" },
                "delegator_index": delegator,
                "delegator_params": { "default_admin_role_holder": "curator",
                    "operator": OPERATORS[0],
                    "network_limit_set_role_holders": ["curator"],
                    "operator_network_limit_set_role_holders": if delegator == 1 { json!(["curator"]) } else { json!([]) },
                    "operator_network_shares_set_role_holders": if delegator == 0 { json!(["curator"]) } else { json!([]) } },
                "with_slasher": true, "slasher_index": slasher,
                "slasher_params": { "veto_duration": 600 },
            }),
        );
        let Event::Symbiotic(SymbioticEvent::VaultCreated { vault, .. }) = &events[0] else {
            panic!()
        };
        vaults.push(*vault);
    }
    for &vault in &vaults {
        let target = vault.to_string();
        for (i, sub) in [0u8, 1].into_iter().enumerate() {
            apply(
                &mut world,
                "net",
                "symbiotic.delegator.set_max_network_limit",
                json!({ "target": target, "identifier": SUBNETWORKS[i], "amount": "10000000" }),
            );
            apply(
                &mut world,
                "curator",
                "symbiotic.delegator.set_network_limit",
                json!({ "target": target, "subnetwork": subnetwork_json(sub), "amount": (400_000 - 150_000 * i).to_string() }),
            );
        }
    }
    apply(
        &mut world,
        "net",
        "symbiotic.veto_slasher.set_resolver",
        json!({ "target": vaults[1].to_string(), "identifier": SUBNETWORKS[0], "resolver": "resolver" }),
    );
    for (i, operator) in OPERATORS.iter().enumerate() {
        apply(
            &mut world,
            operator,
            "symbiotic.operator_network_opt_in_service.opt_in",
            json!({ "where": "net" }),
        );
        for &vault in &vaults {
            apply(
                &mut world,
                operator,
                "symbiotic.operator_vault_opt_in_service.opt_in",
                json!({ "where": vault.to_string() }),
            );
        }
        for sub in [0u8, 1] {
            apply(
                &mut world,
                "curator",
                "symbiotic.delegator.set_operator_network_limit",
                json!({ "target": vaults[0].to_string(), "subnetwork": subnetwork_json(sub), "operator": operator, "amount": (150_000 * (i + 1)).to_string() }),
            );
            apply(
                &mut world,
                "curator",
                "symbiotic.delegator.set_operator_network_shares",
                json!({ "target": vaults[1].to_string(), "subnetwork": subnetwork_json(sub), "operator": operator, "shares": (i + 1).to_string() }),
            );
        }
    }
    let events = apply(
        &mut world,
        "admin",
        "symbiotic.staker_rewards.create",
        json!({ "vault": vaults[0].to_string(), "admin_fee": 1000, "default_admin_role_holder": "curator",
            "admin_fee_claim_role_holder": "curator", "admin_fee_set_role_holder": "curator" }),
    );
    let Event::Symbiotic(SymbioticEvent::StakerRewardsCreated { staker_rewards, .. }) = &events[0]
    else {
        panic!()
    };
    (world, vaults, *staker_rewards)
}

fn sym_call(op: &SymOp, world: &World, vaults: &[Address], rewards: Address) -> Option<Call> {
    let index = |i: u8| usize::from(i) % vaults.len();
    let vault = |i: u8| vaults[index(i)].to_string();
    let staker = |i: u8| STAKERS[usize::from(i) % STAKERS.len()];
    let operator = |i: u8| OPERATORS[usize::from(i) % OPERATORS.len()];
    let now = world.clock.timestamp();
    Some(match *op {
        SymOp::Deposit { staker: s, vault: v, amount } => call(
            staker(s),
            "symbiotic.vault.deposit",
            json!({ "target": vault(v), "on_behalf_of": staker(s), "amount": amount.to_string() }),
        ),
        SymOp::Withdraw { staker: s, vault: v, amount } => call(
            staker(s),
            "symbiotic.vault.withdraw",
            json!({ "target": vault(v), "claimer": staker(s), "amount": amount.to_string() }),
        ),
        SymOp::Redeem { staker: s, vault: v, percent } => {
            let shares = world.symbiotic.vaults[&vaults[index(v)]]
                .active_shares_of(named_address(staker(s)), At::Latest);
            let shares = shares * U256::from(percent) / U256::from(100);
            call(
                staker(s),
                "symbiotic.vault.redeem",
                json!({ "target": vault(v), "claimer": staker(s), "shares": shares.to_string() }),
            )
        }
        SymOp::Claim { staker: s, vault: v, back } => {
            let epoch = view(world, "symbiotic.vault.current_epoch", json!({ "target": vault(v) }))
                .as_u64()
                .unwrap();
            call(
                staker(s),
                "symbiotic.vault.claim",
                json!({ "target": vault(v), "recipient": staker(s), "epoch": epoch.saturating_sub(u64::from(back)) }),
            )
        }
        SymOp::SetOperatorLimit { vault: v, sub, operator: o, amount } => match index(v) {
            0 => call(
                "curator",
                "symbiotic.delegator.set_operator_network_limit",
                json!({ "target": vault(v), "subnetwork": subnetwork_json(sub), "operator": operator(o), "amount": amount.to_string() }),
            ),
            1 => call(
                "curator",
                "symbiotic.delegator.set_operator_network_shares",
                json!({ "target": vault(v), "subnetwork": subnetwork_json(sub), "operator": operator(o), "shares": (amount % 4).to_string() }),
            ),
            _ => call(
                "curator",
                "symbiotic.delegator.set_network_limit",
                json!({ "target": vault(v), "subnetwork": subnetwork_json(sub), "amount": amount.to_string() }),
            ),
        },
        SymOp::SetNetworkLimit { vault: v, sub, amount } => call(
            "curator",
            "symbiotic.delegator.set_network_limit",
            json!({ "target": vault(v), "subnetwork": subnetwork_json(sub), "amount": amount.to_string() }),
        ),
        SymOp::SetMaxNetworkLimit { vault: v, sub, amount } => call(
            "net",
            "symbiotic.delegator.set_max_network_limit",
            json!({ "target": vault(v), "identifier": subnetwork(sub).identifier, "amount": amount.to_string() }),
        ),
        SymOp::Opt { operator: o, place, opt_in } => {
            let (service, place) = if usize::from(place) < vaults.len() {
                ("operator_vault_opt_in_service", vault(place))
            } else {
                ("operator_network_opt_in_service", "net".to_owned())
            };
            let verb = if opt_in { "opt_in" } else { "opt_out" };
            call(operator(o), &format!("symbiotic.{service}.{verb}"), json!({ "where": place }))
        }
        SymOp::Slash { vault: v, sub, operator: o, amount, back } => {
            let name = if index(v) == 1 {
                "symbiotic.veto_slasher.request_slash"
            } else {
                "symbiotic.slasher.slash"
            };
            call(
                "net",
                name,
                json!({ "target": vault(v), "subnetwork": subnetwork_json(sub), "operator": operator(o), "amount": amount.to_string(), "capture_timestamp": now.saturating_sub(12 * u64::from(back)) }),
            )
        }
        SymOp::Execute { index } => call(
            "net",
            "symbiotic.veto_slasher.execute_slash",
            json!({ "target": vault(1), "slash_index": recent_request(world, vaults[1], index) }),
        ),
        SymOp::Veto { index } => call(
            "resolver",
            "symbiotic.veto_slasher.veto_slash",
            json!({ "target": vault(1), "slash_index": recent_request(world, vaults[1], index) }),
        ),
        SymOp::Distribute { amount, back } => call(
            "net",
            "symbiotic.staker_rewards.distribute_rewards",
            json!({ "target": rewards.to_string(), "network": "net", "token": "EIGEN", "amount": amount.to_string(),
                "timestamp": now.saturating_sub(12 * u64::from(back)), "max_admin_fee": 1000 }),
        ),
        SymOp::ClaimRewards { staker: s } => call(
            staker(s),
            "symbiotic.staker_rewards.claim_rewards",
            json!({ "target": rewards.to_string(), "recipient": staker(s), "token": "EIGEN", "network": "net", "max_rewards": 3 }),
        ),
        SymOp::ClaimAdminFee => call(
            "curator",
            "symbiotic.staker_rewards.claim_admin_fee",
            json!({ "target": rewards.to_string(), "recipient": "curator", "token": "EIGEN" }),
        ),
        SymOp::Advance { .. } => return None,
    })
}

/// One of the veto slasher's three latest requests (or a missing one, now and then).
fn recent_request(world: &World, vault: Address, pick: u8) -> u64 {
    let slasher = world.symbiotic.vaults[&vault].slasher.as_ref().unwrap();
    let rampart_engine::symbiotic::SlasherKind::Veto { slash_requests, .. } = &slasher.kind else {
        unreachable!("the second vault has a veto slasher")
    };
    (slash_requests.len() as u64).saturating_sub(u64::from(pick % 4))
}

/// The test's own record of slashes, to predict each one without the engine's
/// `slashableStake`: the delegator's stake at the capture, less what the test saw executed
/// since for the same (vault, subnetwork, operator), and nothing before the latest capture
/// slashed.
#[derive(Default)]
struct SlashOracle {
    /// (vault, subnetwork, operator, executed at, amount).
    executed: Vec<(Address, Subnetwork, Address, u64, U256)>,
    /// The latest capture slashed per (vault, subnetwork, operator).
    latest_capture: std::collections::BTreeMap<(Address, Subnetwork, Address), u64>,
    /// The veto slasher's requests by index: (subnetwork, operator, capture, amount).
    requests: Vec<(Subnetwork, Address, u64, U256)>,
}

impl SlashOracle {
    fn slashable(
        &self,
        world: &World,
        vault: Address,
        (subnetwork, operator): (Subnetwork, Address),
        capture: u64,
    ) -> U256 {
        let now = world.clock.timestamp();
        let v = &world.symbiotic.vaults[&vault];
        if capture >= now || capture + v.epoch_duration < now {
            return U256::ZERO;
        }
        if self.latest_capture.get(&(vault, subnetwork, operator)).is_some_and(|l| capture < *l) {
            return U256::ZERO;
        }
        let stake =
            world.symbiotic.stake(vault, v, subnetwork, operator, At::Time(capture)).unwrap();
        let since: U256 = self
            .executed
            .iter()
            .filter(|(v, s, o, at, _)| {
                (*v, *s, *o) == (vault, subnetwork, operator) && *at > capture
            })
            .map(|(.., amount)| *amount)
            .sum();
        stake.saturating_sub(since)
    }

    fn record(
        &mut self,
        now: u64,
        vault: Address,
        key: (Subnetwork, Address),
        capture: u64,
        amount: U256,
    ) {
        self.executed.push((vault, key.0, key.1, now, amount));
        let latest = self.latest_capture.entry((vault, key.0, key.1)).or_default();
        *latest = (*latest).max(capture);
    }
}

/// `world.exposure` showed the operator at least `slashed` at risk to the subnetwork in the vault
/// just before the slash.
fn exposure_covers(
    before: &World,
    vault: Address,
    (subnetwork, operator): (Subnetwork, Address),
    slashed: U256,
) -> Result<(), TestCaseError> {
    let shown = before
        .exposure(operator)
        .unwrap()
        .into_iter()
        .filter(|e| e.protocol == "symbiotic" && e.position == vault)
        .filter(|e| e.service == subnetwork.network && e.service_id == Some(subnetwork.identifier))
        .map(|e| e.slashable)
        .max()
        .unwrap_or_default();
    prop_assert!(slashed <= shown, "a slash of {} exceeded the exposure shown, {}", slashed, shown);
    Ok(())
}

/// The holders' slashable balances add up to the total stake within rounding. Each of the three
/// pools (active stake, the current and the next epoch's buckets) prices a holder's shares
/// rounding down, losing less than one unit per holder with shares in it; the virtual share
/// keeps `(A − S)/(S + 1)`, under one unit while a pool's rate stays below 2. So the total
/// exceeds the sum by at most the number of (pool, holder) pairs with shares: one per holder
/// per pool, not one per holder as a single pool would give.
fn sym_holders_bound(world: &World) -> Result<(), TestCaseError> {
    let now = world.clock.timestamp();
    for vault in world.symbiotic.vaults.values() {
        let total = vault.total_stake(now).unwrap();
        let epoch = vault.epoch_at(now).unwrap();
        let mut held = U256::ZERO;
        let mut positions = 0u64;
        for staker in STAKERS.map(named_address) {
            held += vault.slashable_balance_of(staker, now).unwrap();
            positions += u64::from(!vault.active_shares_of(staker, At::Latest).is_zero());
            for e in [epoch, epoch + 1] {
                let shares = vault.withdrawal_shares_of.get(&(e, staker)).map(|a| a.0);
                positions += u64::from(shares.is_some_and(|s| !s.is_zero()));
            }
        }
        prop_assert!(held <= total, "holders' slashable balances exceed the total stake");
        prop_assert!(
            total <= held + U256::from(positions),
            "the total stake exceeds the holders' slashable balances by more than rounding: \
             {} > {} + {}",
            total,
            held,
            positions
        );
    }
    Ok(())
}

fn sym_run(ops: &[SymOp]) -> Result<usize, TestCaseError> {
    let (mut world, vaults, rewards) = sym_setup();
    let mut oracle = SlashOracle::default();
    let mut slashes = 0;
    for op in ops {
        if let SymOp::Advance { blocks } = op {
            world.advance_blocks(u64::from(*blocks)).unwrap();
        } else if let Some(call) = sym_call(op, &world, &vaults, rewards) {
            let before = world.clone();
            let now = world.clock.timestamp();
            let result = world.apply(&call);
            // An instant slash with stake to take at a capture in the window is never refused.
            if let (SymOp::Slash { vault: v, sub, operator: o, amount, back }, Err(e)) =
                (op, &result)
                && usize::from(*v) % vaults.len() != 1
            {
                let capture = now.saturating_sub(12 * u64::from(*back));
                let key = (subnetwork(*sub), named_address(OPERATORS[usize::from(*o) % 2]));
                let vault = vaults[usize::from(*v) % vaults.len()];
                prop_assert!(
                    *amount == 0 || oracle.slashable(&before, vault, key, capture).is_zero(),
                    "a slash with stake to take was refused: {e}"
                );
            }
            match result {
                Err(_) => prop_assert_eq!(
                    world.state_hash(),
                    before.state_hash(),
                    "a rejected call changed the state: {:?}",
                    op
                ),
                Ok(events) => {
                    let mut moved = std::collections::BTreeMap::<Address, (U256, U256)>::new();
                    for event in &events {
                        let Event::Symbiotic(event) = event else { continue };
                        match event {
                            SymbioticEvent::Deposit { vault, amount, .. } => {
                                moved.entry(*vault).or_default().0 += *amount;
                            }
                            SymbioticEvent::VaultSlashed {
                                vault, amount, slashed_amount, ..
                            } => {
                                slashes += 1;
                                prop_assert!(
                                    slashed_amount <= amount,
                                    "the vault took more than asked"
                                );
                                moved.entry(*vault).or_default().1 += *slashed_amount;
                            }
                            SymbioticEvent::Slash {
                                subnetwork,
                                operator,
                                slashed_amount,
                                capture_timestamp,
                                ..
                            } => {
                                let SymOp::Slash { vault: v, amount, .. } = op else {
                                    unreachable!()
                                };
                                let vault = vaults[usize::from(*v) % vaults.len()];
                                let key = (*subnetwork, *operator);
                                let expected = oracle
                                    .slashable(&before, vault, key, *capture_timestamp)
                                    .min(U256::from(*amount));
                                prop_assert_eq!(*slashed_amount, expected, "an instant slash");
                                exposure_covers(&before, vault, key, *slashed_amount)?;
                                oracle.record(now, vault, key, *capture_timestamp, *slashed_amount);
                            }
                            SymbioticEvent::RequestSlash {
                                slash_index,
                                subnetwork,
                                operator,
                                slash_amount,
                                capture_timestamp,
                                ..
                            } => {
                                let SymOp::Slash { amount, .. } = op else { unreachable!() };
                                let key = (*subnetwork, *operator);
                                let expected = oracle
                                    .slashable(&before, vaults[1], key, *capture_timestamp)
                                    .min(U256::from(*amount));
                                prop_assert_eq!(*slash_amount, expected, "a slash request");
                                prop_assert_eq!(*slash_index, oracle.requests.len() as u64);
                                oracle.requests.push((
                                    *subnetwork,
                                    *operator,
                                    *capture_timestamp,
                                    *slash_amount,
                                ));
                            }
                            SymbioticEvent::ExecuteSlash {
                                slash_index, slashed_amount, ..
                            } => {
                                let (subnetwork, operator, capture, asked) =
                                    oracle.requests[usize::try_from(*slash_index).unwrap()];
                                let key = (subnetwork, operator);
                                let expected =
                                    oracle.slashable(&before, vaults[1], key, capture).min(asked);
                                prop_assert_eq!(*slashed_amount, expected, "an executed slash");
                                exposure_covers(&before, vaults[1], key, *slashed_amount)?;
                                oracle.record(now, vaults[1], key, capture, *slashed_amount);
                            }
                            _ => {}
                        }
                    }
                    // Total stake moves by deposits in and slashes out, nothing else: a
                    // withdrawal or redemption only moves stake into a live bucket.
                    for &vault in &vaults {
                        let (deposited, slashed) = moved.get(&vault).copied().unwrap_or_default();
                        let was = before.symbiotic.vaults[&vault].total_stake(now).unwrap();
                        let is = world.symbiotic.vaults[&vault].total_stake(now).unwrap();
                        prop_assert_eq!(
                            is + slashed,
                            was + deposited,
                            "total stake after {:?}",
                            op
                        );
                    }
                }
            }
        }
        world.check_invariants().map_err(|e| TestCaseError::fail(format!("after {op:?}: {e}")))?;
        sym_holders_bound(&world)?;
        let mut burned = U256::ZERO;
        for (address, vault) in &world.symbiotic.vaults {
            let held = world.ledger.balance_of(steth(), *address);
            prop_assert_eq!(
                held + vault.totals.claimed + vault.totals.slashed,
                vault.totals.deposited,
                "vault flows do not balance"
            );
            burned += vault.totals.slashed;
        }
        prop_assert_eq!(
            world.ledger.balance_of(steth(), named_address("burner")),
            burned,
            "the burner holds exactly what was slashed"
        );
        prop_assert_eq!(
            world.ledger.token(steth()).unwrap().total_supply,
            U256::from(MINTED) * U256::from(3u8)
        );
        sym_check_rewards(&world, rewards)?;
    }
    let round_trip: World = serde_json::from_str(&serde_json::to_string(&world).unwrap()).unwrap();
    prop_assert_eq!(
        round_trip.state_hash(),
        world.state_hash(),
        "the state survives serialization"
    );
    Ok(slashes)
}

/// Reward tokens are conserved, and the staker-rewards contract can pay every staker's claim
/// and the admin fee.
fn sym_check_rewards(world: &World, rewards: Address) -> Result<(), TestCaseError> {
    let eigen = token_address("EIGEN");
    let holders = STAKERS.iter().chain(&["net", "curator"]).map(|h| named_address(h));
    let total: U256 = holders.chain([rewards]).map(|h| world.ledger.balance_of(eigen, h)).sum();
    prop_assert_eq!(total, U256::from(REWARDS), "reward tokens leaked");
    let contract = &world.symbiotic.staker_rewards[&rewards];
    let mut owed = contract.claimable_admin_fee.get(&eigen).map(|a| a.0).unwrap_or_default();
    for staker in STAKERS {
        let (amount, ..) = world
            .symbiotic
            .claimable_staker_rewards(
                rewards,
                named_address(staker),
                eigen,
                named_address("net"),
                u64::MAX,
            )
            .unwrap();
        owed += amount;
    }
    prop_assert!(
        owed <= world.ledger.balance_of(eigen, rewards),
        "the staker-rewards contract owes more than it holds"
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Karak

#[derive(Debug, Clone)]
enum KarakOp {
    Deposit { staker: u8, vault: u8, amount: u32 },
    Mint { staker: u8, vault: u8, shares: u32 },
    Transfer { from: u8, to: u8, vault: u8, percent: u8 },
    StartRedeem { staker: u8, vault: u8, percent: u8 },
    FinishRedeem { index: u8 },
    Stake { vault: u8, dss: u8, to_stake: bool },
    Unregister { dss: u8 },
    Register { dss: u8 },
    FinalizeStake { vault: u8 },
    RequestSlash { dss: u8, percents: (u8, u8), both: bool },
    FinalizeSlash { index: u8 },
    Cancel { index: u8 },
    Advance { hours: u16 },
}

fn karak_op() -> impl Strategy<Value = KarakOp> {
    prop_oneof![
        4 => (any::<u8>(), any::<u8>(), 1..200_000u32).prop_map(|(staker, vault, amount)| KarakOp::Deposit { staker, vault, amount }),
        1 => (any::<u8>(), any::<u8>(), 1..200_000u32).prop_map(|(staker, vault, shares)| KarakOp::Mint { staker, vault, shares }),
        1 => (any::<u8>(), any::<u8>(), any::<u8>(), 1..=100u8).prop_map(|(from, to, vault, percent)| KarakOp::Transfer { from, to, vault, percent }),
        2 => (any::<u8>(), any::<u8>(), 1..=100u8).prop_map(|(staker, vault, percent)| KarakOp::StartRedeem { staker, vault, percent }),
        2 => any::<u8>().prop_map(|index| KarakOp::FinishRedeem { index }),
        2 => (any::<u8>(), any::<u8>(), any::<bool>()).prop_map(|(vault, dss, to_stake)| KarakOp::Stake { vault, dss, to_stake }),
        2 => any::<u8>().prop_map(|vault| KarakOp::FinalizeStake { vault }),
        1 => any::<u8>().prop_map(|dss| KarakOp::Unregister { dss }),
        2 => any::<u8>().prop_map(|dss| KarakOp::Register { dss }),
        3 => (any::<u8>(), (1..=60u8, 1..=60u8), any::<bool>()).prop_map(|(dss, percents, both)| KarakOp::RequestSlash { dss, percents, both }),
        2 => any::<u8>().prop_map(|index| KarakOp::FinalizeSlash { index }),
        1 => any::<u8>().prop_map(|index| KarakOp::Cancel { index }),
        3 => (1..300u16).prop_map(|hours| KarakOp::Advance { hours }),
    ]
}

const DSSS: [(&str, u64); 2] = [("dss0", 50), ("dss1", 30)];

fn karak_setup() -> (World, Vec<Address>) {
    let mut world = World::new(Params::TESTNET);
    world.set_block(10).unwrap();
    for staker in STAKERS {
        apply(
            &mut world,
            "admin",
            "token.mint",
            json!({ "to": staker, "token": "stETH", "amount": MINTED.to_string() }),
        );
    }
    apply(&mut world, "admin", "karak.core.allowlist_assets", json!({ "assets": ["stETH"] }));
    apply(
        &mut world,
        "admin",
        "karak.core.grant_roles",
        json!({ "user": "committee", "roles": ["VETO_COMMITTEE_ROLE"] }),
    );
    for (dss, max) in DSSS {
        apply(
            &mut world,
            dss,
            "karak.core.register_dss",
            json!({ "max_slashable_percentage_wad": format!("{max} wad") }),
        );
        apply(&mut world, "op", "karak.core.register_operator_to_dss", json!({ "dss": dss }));
    }
    let events = apply(
        &mut world,
        "op",
        "karak.core.deploy_vaults",
        json!({ "configs": [{ "asset": "stETH" }, { "asset": "stETH" }] }),
    );
    let vaults = deployed_karak_vaults(&events);
    (world, vaults)
}

fn karak_call(op: &KarakOp, world: &World, vaults: &[Address]) -> Option<Call> {
    let vault = |i: u8| vaults[usize::from(i) % vaults.len()];
    let staker = |i: u8| STAKERS[usize::from(i) % STAKERS.len()];
    let dss = |i: u8| DSSS[usize::from(i) % DSSS.len()].0;
    let pick = |index: u8, keys: Vec<String>| {
        (!keys.is_empty()).then(|| keys[usize::from(index) % keys.len()].clone())
    };
    Some(match *op {
        KarakOp::Deposit { staker: s, vault: v, amount } => call(
            staker(s),
            "karak.vault.deposit",
            json!({ "target": vault(v).to_string(), "assets": amount.to_string(), "to": staker(s) }),
        ),
        KarakOp::Mint { staker: s, vault: v, shares } => call(
            staker(s),
            "karak.vault.mint",
            json!({ "target": vault(v).to_string(), "shares": shares.to_string(), "to": staker(s) }),
        ),
        KarakOp::Transfer { from, to, vault: v, percent } => {
            let shares = world.karak.vaults[&vault(v)].balance_of(named_address(staker(from)))
                * U256::from(percent)
                / U256::from(100);
            call(
                staker(from),
                "karak.vault.transfer",
                json!({ "target": vault(v).to_string(), "to": staker(to), "amount": shares.to_string() }),
            )
        }
        KarakOp::Unregister { dss: d } => {
            call("op", "karak.core.unregister_operator_from_dss", json!({ "dss": dss(d) }))
        }
        KarakOp::Register { dss: d } => {
            call("op", "karak.core.register_operator_to_dss", json!({ "dss": dss(d) }))
        }
        KarakOp::StartRedeem { staker: s, vault: v, percent } => {
            let shares = world.karak.vaults[&vault(v)].balance_of(named_address(staker(s)))
                * U256::from(percent)
                / U256::from(100);
            call(
                staker(s),
                "karak.vault.start_redeem",
                json!({ "target": vault(v).to_string(), "shares": shares.to_string(), "beneficiary": format!("{}-out", staker(s)) }),
            )
        }
        KarakOp::FinishRedeem { index } => {
            let keys: Vec<(Address, String)> = vaults
                .iter()
                .flat_map(|v| {
                    world.karak.vaults[v].withdrawals.keys().map(move |k| (*v, k.to_string()))
                })
                .collect();
            let (v, key) = keys.get(usize::from(index) % keys.len().max(1))?.clone();
            call(
                "anyone",
                "karak.vault.finish_redeem",
                json!({ "target": v.to_string(), "withdrawal_key": key }),
            )
        }
        KarakOp::Stake { vault: v, dss: d, to_stake } => call(
            "op",
            "karak.core.request_update_vault_stake_in_dss",
            json!({ "vault": vault(v).to_string(), "dss": dss(d), "to_stake": to_stake }),
        ),
        KarakOp::FinalizeStake { vault: v } => call(
            "anyone",
            "karak.core.finalize_update_vault_stake_in_dss",
            json!({ "vault": vault(v).to_string() }),
        ),
        KarakOp::RequestSlash { dss: d, percents: (a, b), both } => {
            let (names, pcts) = if both {
                (
                    json!([vaults[0].to_string(), vaults[1].to_string()]),
                    json!([format!("{a} wad"), format!("{b} wad")]),
                )
            } else {
                (json!([vaults[0].to_string()]), json!([format!("{a} wad")]))
            };
            call(
                dss(d),
                "karak.core.request_slashing",
                json!({ "operator": "op", "slash_percentages_wad": pcts, "vaults": names }),
            )
        }
        KarakOp::FinalizeSlash { index } => {
            let root =
                pick(index, world.karak.slashing_requests.keys().map(|k| k.to_string()).collect())?;
            call("anyone", "karak.core.finalize_slashing", json!({ "root": root }))
        }
        KarakOp::Cancel { index } => {
            let root =
                pick(index, world.karak.slashing_requests.keys().map(|k| k.to_string()).collect())?;
            call("committee", "karak.core.cancel_slashing", json!({ "root": root }))
        }
        KarakOp::Advance { .. } => return None,
    })
}

fn karak_run(ops: &[KarakOp]) -> Result<usize, TestCaseError> {
    let (mut world, vaults) = karak_setup();
    let mut slashes = 0;
    for op in ops {
        if let KarakOp::Advance { hours } = op {
            world.advance_seconds(u64::from(*hours) * 3600).unwrap();
        } else if let Some(call) = karak_call(op, &world, &vaults) {
            let before = world.clone();
            match world.apply(&call) {
                Err(_) => prop_assert_eq!(
                    world.state_hash(),
                    before.state_hash(),
                    "a rejected call changed the state: {:?}",
                    op
                ),
                Ok(events) => {
                    let request = match &call.action {
                        Action::Karak(rampart_engine::karak::KarakCall::FinalizeSlashing(a)) => {
                            before.karak.slashing_requests.get(&a.root).cloned()
                        }
                        _ => None,
                    };
                    for event in &events {
                        match event {
                            Event::Karak(KarakEvent::Slashed { vault, amount }) => {
                                slashes += 1;
                                let request = request.as_ref().expect("only finalization slashes");
                                check_karak_slash(&before, &world, request, *vault, *amount)?;
                            }
                            // A redemption is priced when it finishes, so escrowed shares bear
                            // every slash finalized while they waited.
                            Event::Karak(KarakEvent::FinishedRedeem {
                                vault,
                                shares,
                                assets,
                                ..
                            }) => {
                                let priced = before
                                    .karak
                                    .convert_to_assets(&before.ledger, *vault, *shares)
                                    .unwrap();
                                prop_assert_eq!(
                                    *assets,
                                    priced,
                                    "a redemption not priced at its finish"
                                );
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
        world.check_invariants().map_err(|e| TestCaseError::fail(format!("after {op:?}: {e}")))?;
        let holders = STAKERS
            .iter()
            .flat_map(|s| [named_address(s), named_address(&format!("{s}-out"))])
            .chain(vaults.iter().copied())
            .chain([Address::ZERO]);
        let total: U256 = holders.map(|h| world.ledger.balance_of(steth(), h)).sum();
        prop_assert_eq!(total, U256::from(MINTED) * U256::from(3u8), "stETH leaked");
    }
    Ok(slashes)
}

/// A finalized slash takes exactly `⌊pct · totalAssets / 100e18⌋` of the vault's live assets
/// (escrowed shares included, since they stay in the supply), within the DSS's maximum.
fn check_karak_slash(
    before: &World,
    after: &World,
    request: &rampart_engine::karak::QueuedSlashing,
    vault: Address,
    amount: U256,
) -> Result<(), TestCaseError> {
    let hundred = U256::from(100u128 * 10u128.pow(18));
    let assets = before.karak.total_assets(&before.ledger, vault).unwrap();
    let index = request.vaults.iter().position(|v| *v == vault).expect("a requested vault");
    let percentage = request.slash_percentages_wad[index];
    prop_assert_eq!(amount, percentage * assets / hundred, "the slash is not pct × live assets");
    let max = before.karak.dss_max_slashable_percentage_wad[&request.dss].0;
    prop_assert!(amount <= max * assets / hundred, "a slash exceeded the DSS's maximum percentage");
    prop_assert_eq!(
        after.karak.vaults[&vault].total_supply,
        before.karak.vaults[&vault].total_supply,
        "a slash burned shares"
    );
    prop_assert_eq!(after.karak.total_assets(&after.ledger, vault).unwrap(), assets - amount);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn symbiotic_conserves_tokens_and_slashes_within_the_captured_stake(ops in prop::collection::vec(sym_op(), 1..60)) {
        sym_run(&ops)?;
    }

    #[test]
    fn karak_conserves_tokens_and_slashes_within_each_dss_maximum(ops in prop::collection::vec(karak_op(), 1..60)) {
        karak_run(&ops)?;
    }
}

#[test]
fn the_generators_reach_slashing() {
    use proptest::{strategy::ValueTree, test_runner::TestRunner};
    let mut runner = TestRunner::deterministic();
    let ops = prop::collection::vec(sym_op(), 600).new_tree(&mut runner).unwrap().current();
    assert!(sym_run(&ops).unwrap() > 0, "a long Symbiotic run slashes");
    let ops = prop::collection::vec(karak_op(), 600).new_tree(&mut runner).unwrap().current();
    assert!(karak_run(&ops).unwrap() > 0, "a long Karak run slashes");
}

// ---------------------------------------------------------------------------------------------
// Karak native ETH vaults

/// The node owners' validator keys (`nk0`…): a key deposited to again is a top-up.
const NATIVE_KEYS: u8 = 20;
/// ETH minted to each node owner, and to the donor who sends ETH straight to nodes.
const NATIVE_MINTED_ETH: u64 = 2_000;
const DONOR_ETH: u64 = 100;

#[derive(Debug, Clone)]
enum NativeOp {
    CreateNode {
        owner: u8,
        vault: u8,
    },
    /// A beacon deposit of `eth` to key `nk{key}` with the withdrawal credentials of the owner's
    /// node (a top-up when the key exists: its credentials stay the first deposit's).
    BeaconDeposit {
        owner: u8,
        vault: u8,
        key: u8,
        eth: u8,
    },
    /// Proves one or two validators: mostly ones with the node's credentials (`matching`),
    /// else any.
    Validate {
        owner: u8,
        vault: u8,
        picks: (u8, u8),
        two: bool,
        matching: bool,
    },
    Snapshot {
        owner: u8,
        vault: u8,
        revert_if_no_change: bool,
    },
    ExpiredSnapshot {
        owner: u8,
        vault: u8,
    },
    /// `percent` (up to 110) of what the owner may still withdraw.
    StartWithdrawal {
        owner: u8,
        vault: u8,
        percent: u8,
    },
    FinishWithdrawal {
        index: u8,
    },
    /// ETH sent to a node outside the beacon chain.
    Donate {
        owner: u8,
        vault: u8,
        milli: u16,
    },
    VoluntaryExit {
        key: u8,
    },
    BeaconSlash {
        key: u8,
    },
    Stake {
        vault: u8,
        dss: u8,
        to_stake: bool,
    },
    FinalizeStake {
        vault: u8,
    },
    RequestSlash {
        dss: u8,
        percents: (u8, u8),
        both: bool,
    },
    FinalizeSlash {
        index: u8,
    },
    Advance {
        hours: u16,
    },
}

fn native_op() -> impl Strategy<Value = NativeOp> {
    let eth = prop_oneof![3 => Just(32u8), 1 => 1..=40u8];
    prop_oneof![
        1 => (any::<u8>(), any::<u8>()).prop_map(|(owner, vault)| NativeOp::CreateNode { owner, vault }),
        4 => (any::<u8>(), any::<u8>(), 0..NATIVE_KEYS, eth).prop_map(|(owner, vault, key, eth)| NativeOp::BeaconDeposit { owner, vault, key, eth }),
        4 => (any::<u8>(), any::<u8>(), any::<(u8, u8)>(), any::<bool>(), prop::bool::weighted(0.85)).prop_map(|(owner, vault, picks, two, matching)| NativeOp::Validate { owner, vault, picks, two, matching }),
        4 => (any::<u8>(), any::<u8>(), any::<bool>()).prop_map(|(owner, vault, revert_if_no_change)| NativeOp::Snapshot { owner, vault, revert_if_no_change }),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(owner, vault)| NativeOp::ExpiredSnapshot { owner, vault }),
        3 => (any::<u8>(), any::<u8>(), 1..=110u8).prop_map(|(owner, vault, percent)| NativeOp::StartWithdrawal { owner, vault, percent }),
        2 => any::<u8>().prop_map(|index| NativeOp::FinishWithdrawal { index }),
        1 => (any::<u8>(), any::<u8>(), 1..5_000u16).prop_map(|(owner, vault, milli)| NativeOp::Donate { owner, vault, milli }),
        1 => (0..NATIVE_KEYS).prop_map(|key| NativeOp::VoluntaryExit { key }),
        1 => (0..NATIVE_KEYS).prop_map(|key| NativeOp::BeaconSlash { key }),
        1 => (any::<u8>(), any::<u8>(), any::<bool>()).prop_map(|(vault, dss, to_stake)| NativeOp::Stake { vault, dss, to_stake }),
        1 => any::<u8>().prop_map(|vault| NativeOp::FinalizeStake { vault }),
        3 => (any::<u8>(), (1..=60u8, 1..=60u8), prop::bool::weighted(0.3)).prop_map(|(dss, percents, both)| NativeOp::RequestSlash { dss, percents, both }),
        3 => any::<u8>().prop_map(|index| NativeOp::FinalizeSlash { index }),
        4 => (1..200u16).prop_map(|hours| NativeOp::Advance { hours }),
    ]
}

/// Two native vaults of `op`, the first staked to dss0 (50%), the second to dss1 (30%), both
/// final; the node owners hold ETH, and nobody has a node yet.
fn native_setup() -> (World, Vec<Address>) {
    let mut world = World::new(Params::TESTNET);
    world.set_block(10).unwrap();
    for owner in STAKERS {
        apply(
            &mut world,
            "admin",
            "token.mint",
            json!({ "to": owner, "token": "ETH", "amount": format!("{NATIVE_MINTED_ETH} ether") }),
        );
    }
    apply(
        &mut world,
        "admin",
        "token.mint",
        json!({ "to": "donor", "token": "ETH", "amount": format!("{DONOR_ETH} ether") }),
    );
    apply(&mut world, "admin", "karak.core.allowlist_assets", json!({ "assets": ["ETH"] }));
    for (dss, max) in DSSS {
        apply(
            &mut world,
            dss,
            "karak.core.register_dss",
            json!({ "max_slashable_percentage_wad": format!("{max} wad") }),
        );
        apply(&mut world, "op", "karak.core.register_operator_to_dss", json!({ "dss": dss }));
    }
    let events = apply(
        &mut world,
        "op",
        "karak.core.deploy_vaults",
        json!({ "configs": [{ "asset": "ETH" }, { "asset": "ETH" }] }),
    );
    let vaults = deployed_karak_vaults(&events);
    for (vault, (dss, _)) in vaults.iter().zip(DSSS) {
        apply(
            &mut world,
            "op",
            "karak.core.request_update_vault_stake_in_dss",
            json!({ "vault": vault.to_string(), "dss": dss, "to_stake": true }),
        );
    }
    world.advance_seconds(9 * 86_400).unwrap();
    for vault in &vaults {
        apply(
            &mut world,
            "anyone",
            "karak.core.finalize_update_vault_stake_in_dss",
            json!({ "vault": vault.to_string() }),
        );
    }
    (world, vaults)
}

fn native_node(world: &World, vault: Address, owner: &str) -> Option<Address> {
    let native = world.karak.vaults[&vault].native.as_ref().expect("a native vault");
    native.nodes.get(&named_address(owner)).map(|n| n.node_address)
}

fn native_key(key: u8) -> String {
    format!("nk{}", key % NATIVE_KEYS)
}

fn native_call(op: &NativeOp, world: &World, vaults: &[Address]) -> Option<Call> {
    let vault = |i: u8| vaults[usize::from(i) % vaults.len()];
    let owner = |i: u8| STAKERS[usize::from(i) % STAKERS.len()];
    let dss = |i: u8| DSSS[usize::from(i) % DSSS.len()].0;
    let pick = |index: u8, keys: Vec<String>| {
        (!keys.is_empty()).then(|| keys[usize::from(index) % keys.len()].clone())
    };
    let validator = |key: u8| {
        let pubkey = rampart_engine::beacon::calls::validator_key::resolve(&native_key(key))
            .expect("a key name");
        world.beacon.index_of.get(&pubkey).map(|&i| &world.beacon.validators[i])
    };
    Some(match *op {
        NativeOp::CreateNode { owner: o, vault: v } => call(
            owner(o),
            "karak.native_vault.create_node",
            json!({ "target": vault(v).to_string() }),
        ),
        NativeOp::BeaconDeposit { owner: o, vault: v, key, eth } => {
            let node = native_node(world, vault(v), owner(o))?;
            call(
                owner(o),
                "beacon.deposit",
                json!({ "pubkey": native_key(key), "withdrawal_credentials": { "address": node.to_string() }, "amount": format!("{eth} ether") }),
            )
        }
        NativeOp::Validate { owner: o, vault: v, picks, two, matching } => {
            let native = world.karak.vaults[&vault(v)].native.as_ref().expect("native");
            let node = native.nodes.get(&named_address(owner(o)));
            // Matching: the node's validators it has not proven yet.
            let fresh = |i: u64| {
                let validator = &world.beacon.validators[usize::try_from(i).unwrap()];
                node.is_some_and(|n| {
                    validator.credentials.address == n.node_address
                        && !n.validators.contains_key(&i)
                        && !n.withdrawn_validators.contains(&i)
                })
            };
            let all = 0..world.beacon.validators.len() as u64;
            let candidates: Vec<u64> = all.filter(|&i| !matching || fresh(i)).collect();
            if candidates.is_empty() {
                return None;
            }
            let mut indices = vec![candidates[usize::from(picks.0) % candidates.len()]];
            if two {
                indices.push(candidates[usize::from(picks.1) % candidates.len()]);
            }
            call(
                "keeper",
                "karak.native_vault.validate_withdrawal_credentials",
                json!({ "target": vault(v).to_string(), "node_owner": owner(o), "validator_indices": indices }),
            )
        }
        NativeOp::Snapshot { owner: o, vault: v, revert_if_no_change } => call(
            owner(o),
            "karak.native_vault.start_snapshot",
            json!({ "target": vault(v).to_string(), "revert_if_no_balance_change": revert_if_no_change }),
        ),
        NativeOp::ExpiredSnapshot { owner: o, vault: v } => call(
            "keeper",
            "karak.native_vault.validate_expired_snapshot",
            json!({ "target": vault(v).to_string(), "node_owner": owner(o) }),
        ),
        NativeOp::StartWithdrawal { owner: o, vault: v, percent } => {
            let address = vault(v);
            let who = named_address(owner(o));
            let available = world.karak.vaults[&address]
                .native
                .as_ref()
                .and_then(|n| n.nodes.get(&who))
                .map(|node| {
                    let shares = world.karak.vaults[&address].balance_of(who);
                    let owned =
                        world.karak.convert_to_assets(&world.ledger, address, shares).unwrap();
                    owned
                        .min(node.withdrawable_credited_node_eth)
                        .saturating_sub(node.pending_withdraw_amount)
                })
                .unwrap_or_default();
            let amount = available * U256::from(percent) / U256::from(100);
            call(
                owner(o),
                "karak.native_vault.start_withdrawal",
                json!({ "target": address.to_string(), "to": format!("{}-out", owner(o)), "wei_amount": amount.to_string() }),
            )
        }
        NativeOp::FinishWithdrawal { index } => {
            let keys: Vec<(Address, String)> = vaults
                .iter()
                .flat_map(|v| {
                    world.karak.vaults[v].withdrawals.keys().map(move |k| (*v, k.to_string()))
                })
                .collect();
            let (v, key) = keys.get(usize::from(index) % keys.len().max(1))?.clone();
            call(
                "anyone",
                "karak.native_vault.finish_withdrawal",
                json!({ "target": v.to_string(), "withdrawal_key": key }),
            )
        }
        NativeOp::Donate { owner: o, vault: v, milli } => {
            let node = native_node(world, vault(v), owner(o))?;
            call(
                "donor",
                "token.transfer",
                json!({ "to": node.to_string(), "token": "ETH", "amount": format!("{milli} finney") }),
            )
        }
        NativeOp::VoluntaryExit { key } => {
            let operator = validator(key).map_or(named_address(STAKERS[0]), |v| v.operator);
            Call {
                sender: operator,
                action: Action::parse(
                    "beacon.voluntary_exit",
                    json!({ "pubkey": native_key(key) }),
                )
                .expect("valid call"),
            }
        }
        NativeOp::BeaconSlash { key } => {
            call("admin", "beacon.slash_validator", json!({ "pubkey": native_key(key) }))
        }
        NativeOp::Stake { vault: v, dss: d, to_stake } => call(
            "op",
            "karak.core.request_update_vault_stake_in_dss",
            json!({ "vault": vault(v).to_string(), "dss": dss(d), "to_stake": to_stake }),
        ),
        NativeOp::FinalizeStake { vault: v } => call(
            "anyone",
            "karak.core.finalize_update_vault_stake_in_dss",
            json!({ "vault": vault(v).to_string() }),
        ),
        NativeOp::RequestSlash { dss: d, percents: (a, b), both } => {
            let (names, pcts) = if both {
                (
                    json!([vaults[0].to_string(), vaults[1].to_string()]),
                    json!([format!("{a} wad"), format!("{b} wad")]),
                )
            } else {
                let v = usize::from(d) % vaults.len();
                (json!([vaults[v].to_string()]), json!([format!("{a} wad")]))
            };
            call(
                dss(d),
                "karak.core.request_slashing",
                json!({ "operator": "op", "slash_percentages_wad": pcts, "vaults": names }),
            )
        }
        NativeOp::FinalizeSlash { index } => {
            let root =
                pick(index, world.karak.slashing_requests.keys().map(|k| k.to_string()).collect())?;
            call("anyone", "karak.core.finalize_slashing", json!({ "root": root }))
        }
        NativeOp::Advance { .. } => return None,
    })
}

/// The change of ETH supply a beacon event reports, in wei (+ minted, − burned).
fn eth_supply_change(event: &Event) -> i128 {
    use rampart_engine::beacon::BeaconEvent as B;
    let gwei = |g: u64| i128::from(g) * 1_000_000_000;
    match event {
        Event::Beacon(B::EpochRewards { rewards_gwei, penalties_gwei, .. }) => {
            gwei(*rewards_gwei) - gwei(*penalties_gwei)
        }
        Event::Beacon(
            B::ValidatorSlashed { penalty_gwei, .. } | B::CorrelationPenalty { penalty_gwei, .. },
        ) => -gwei(*penalty_gwei),
        _ => 0,
    }
}

/// What a native run reached.
#[derive(Debug, Default)]
struct NativeStats {
    /// Snapshots that credited ETH (new ETH on the node or validator balance gains).
    credit_snapshots: usize,
    /// Snapshots that swept slashed ETH to address(0).
    sweeps: usize,
    /// Snapshots that debited (validator balance losses).
    debit_snapshots: usize,
    /// Snapshots that saw validator balances fall (beacon penalties, or exits fully withdrawn).
    balance_losses: usize,
    /// Slashes of native vaults.
    slashes: usize,
    /// Finished withdrawals that paid ETH.
    withdrawals: usize,
}

fn native_run(ops: &[NativeOp]) -> Result<NativeStats, TestCaseError> {
    let (mut world, vaults) = native_setup();
    let eth = rampart_engine::accounts::NATIVE_ETH;
    let supply = |w: &World| w.ledger.token(eth).unwrap().total_supply;
    let initial = i128::try_from(supply(&world)).unwrap();
    let mut minted: i128 = 0;
    let mut stats = NativeStats::default();
    for op in ops {
        if let NativeOp::Advance { hours } = op {
            let events = world.advance_seconds(u64::from(*hours) * 3600).unwrap();
            minted += events.iter().map(eth_supply_change).sum::<i128>();
        } else if let Some(call) = native_call(op, &world, &vaults) {
            let before = world.clone();
            match world.apply(&call) {
                Err(_) => prop_assert_eq!(
                    world.state_hash(),
                    before.state_hash(),
                    "a rejected call changed the state: {:?}",
                    op
                ),
                Ok(events) => {
                    minted += events.iter().map(eth_supply_change).sum::<i128>();
                    let request = match &call.action {
                        Action::Karak(rampart_engine::karak::KarakCall::FinalizeSlashing(a)) => {
                            // A native slash lowers the accounted assets only: no ETH moves.
                            prop_assert_eq!(
                                &world.ledger,
                                &before.ledger,
                                "a native slash moved ETH"
                            );
                            before.karak.slashing_requests.get(&a.root).cloned()
                        }
                        _ => None,
                    };
                    for event in &events {
                        match event {
                            Event::Karak(KarakEvent::Slashed { vault, amount }) => {
                                stats.slashes += 1;
                                let request = request.as_ref().expect("only finalization slashes");
                                check_karak_slash(&before, &world, request, *vault, *amount)?;
                            }
                            Event::Karak(KarakEvent::SnapshotFinished {
                                vault,
                                owner,
                                swept_slashed,
                                node_balance_credited,
                                balance_delta,
                            }) => {
                                check_native_snapshot(&before, &world, *vault, *owner)?;
                                let total =
                                    i128::try_from(*node_balance_credited).unwrap() + balance_delta;
                                stats.credit_snapshots += usize::from(total > 0);
                                stats.debit_snapshots += usize::from(total < 0);
                                stats.sweeps += usize::from(!swept_slashed.is_zero());
                                stats.balance_losses += usize::from(*balance_delta < 0);
                            }
                            Event::Karak(KarakEvent::FinishedWithdrawal { assets, .. }) => {
                                stats.withdrawals += usize::from(!assets.is_zero());
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
        world.check_invariants().map_err(|e| TestCaseError::fail(format!("after {op:?}: {e}")))?;
        // ETH changes supply only by what the beacon chain mints and burns, and stays with the
        // owners, their withdrawal receivers, the donor, the nodes, the deposit contract and
        // address(0) (where sweeps send slashed ETH).
        prop_assert_eq!(
            supply(&world),
            U256::try_from(initial + minted).unwrap(),
            "after {:?}: the ETH supply moved by more than beacon rewards and penalties",
            op
        );
        let mut holders: Vec<Address> = STAKERS
            .iter()
            .flat_map(|s| [named_address(s), named_address(&format!("{s}-out"))])
            .chain([
                named_address("donor"),
                rampart_engine::beacon::deposit_contract(),
                Address::ZERO,
            ])
            .collect();
        for vault in &vaults {
            let native = world.karak.vaults[vault].native.as_ref().unwrap();
            for node in native.nodes.values() {
                // The node holds at least the ETH snapshots credited to it.
                let held = world.ledger.balance_of(eth, node.node_address);
                prop_assert!(
                    held >= node.withdrawable_credited_node_eth,
                    "after {:?}: a node holds {} but was credited {}",
                    op,
                    held,
                    node.withdrawable_credited_node_eth
                );
                holders.push(node.node_address);
            }
        }
        let held: U256 = holders.iter().map(|h| world.ledger.balance_of(eth, *h)).sum();
        prop_assert_eq!(held, supply(&world), "after {:?}: ETH left the known holders", op);
    }
    Ok(stats)
}

/// A snapshot sweeps at most the ETH the owner's shares stopped covering (and at most what was
/// credited on the node), and moves the vault's assets by exactly what it credits, or by at
/// most what it debits.
fn check_native_snapshot(
    before: &World,
    after: &World,
    vault: Address,
    owner: Address,
) -> Result<(), TestCaseError> {
    let v0 = &before.karak.vaults[&vault];
    let n0 = &v0.native.as_ref().unwrap().nodes[&owner];
    let n1 = &after.karak.vaults[&vault].native.as_ref().unwrap().nodes[&owner];
    let owned =
        before.karak.convert_to_assets(&before.ledger, vault, v0.balance_of(owner)).unwrap();
    let eth = rampart_engine::accounts::NATIVE_ETH;
    let swept =
        after.ledger.balance_of(eth, Address::ZERO) - before.ledger.balance_of(eth, Address::ZERO);
    prop_assert!(
        swept <= n0.total_restaked_eth.saturating_sub(owned),
        "swept more than was slashed"
    );
    prop_assert!(swept <= n0.withdrawable_credited_node_eth, "swept more than was credited");
    prop_assert_eq!(n1.last_snapshot_timestamp, after.clock.timestamp());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn karak_native_vaults_conserve_eth_and_slash_within_each_dss_maximum(ops in prop::collection::vec(native_op(), 1..60)) {
        native_run(&ops)?;
    }
}

#[test]
fn the_native_generator_reaches_credits_sweeps_and_slashing() {
    use proptest::{strategy::ValueTree, test_runner::TestRunner};
    let mut runner = TestRunner::deterministic();
    let ops = prop::collection::vec(native_op(), 600).new_tree(&mut runner).unwrap().current();
    let stats = native_run(&ops).unwrap();
    assert!(stats.credit_snapshots > 0, "a long native run credits ETH at snapshots: {stats:?}");
    assert!(stats.slashes > 0, "a long native run slashes a native vault: {stats:?}");
    assert!(stats.sweeps > 0, "a long native run sweeps slashed ETH: {stats:?}");
}
