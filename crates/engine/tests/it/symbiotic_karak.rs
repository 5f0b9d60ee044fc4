//! Random call sequences against Symbiotic and Karak, checking after every call: a rejected call
//! changes nothing; every invariant holds; every token is conserved; a Symbiotic slash never
//! exceeds the slashable stake at its capture and total stake = active stake + the two live
//! buckets; a Karak slash never exceeds the DSS's maximum percentage and falls on escrowed
//! shares as on the others.

use proptest::prelude::*;
use rampart_engine::{
    Action, Address, Call, U256, World,
    accounts::{named_address, token_address},
    eigenlayer::Params,
    karak::KarakEvent,
    symbiotic::{Subnetwork, SymbioticEvent},
    world::Event,
};
use serde_json::{Value, json};

const STAKERS: [&str; 3] = ["s0", "s1", "s2"];
const OPERATORS: [&str; 2] = ["op0", "op1"];
const MINTED: u64 = 1_000_000;

fn call(sender: &str, name: &str, args: Value) -> Call {
    Call { sender: named_address(sender), action: Action::parse(name, args).expect("valid call") }
}

fn apply(world: &mut World, sender: &str, name: &str, args: Value) -> Vec<Event> {
    world.apply(&call(sender, name, args)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn view(world: &World, name: &str, args: Value) -> Value {
    let view = rampart_engine::View::parse(name, args).expect("valid view");
    world.view(&view).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn steth() -> Address {
    token_address("stETH")
}

// ---------------------------------------------------------------------------------------------
// Symbiotic

#[derive(Debug, Clone)]
enum SymOp {
    Deposit { staker: u8, vault: u8, amount: u32 },
    Withdraw { staker: u8, vault: u8, amount: u32 },
    Redeem { staker: u8, vault: u8, percent: u8 },
    Claim { staker: u8, vault: u8, back: u8 },
    SetLimit { vault: u8, operator: u8, amount: u32 },
    Slash { vault: u8, operator: u8, amount: u32, back: u16 },
    Execute { index: u8 },
    Veto { index: u8 },
    Advance { blocks: u16 },
}

fn sym_op() -> impl Strategy<Value = SymOp> {
    prop_oneof![
        4 => (any::<u8>(), any::<u8>(), 1..200_000u32).prop_map(|(staker, vault, amount)| SymOp::Deposit { staker, vault, amount }),
        2 => (any::<u8>(), any::<u8>(), 1..100_000u32).prop_map(|(staker, vault, amount)| SymOp::Withdraw { staker, vault, amount }),
        1 => (any::<u8>(), any::<u8>(), 1..=100u8).prop_map(|(staker, vault, percent)| SymOp::Redeem { staker, vault, percent }),
        2 => (any::<u8>(), any::<u8>(), 0..4u8).prop_map(|(staker, vault, back)| SymOp::Claim { staker, vault, back }),
        1 => (any::<u8>(), any::<u8>(), 0..300_000u32).prop_map(|(vault, operator, amount)| SymOp::SetLimit { vault, operator, amount }),
        3 => (any::<u8>(), any::<u8>(), 1..150_000u32, 1..400u16).prop_map(|(vault, operator, amount, back)| SymOp::Slash { vault, operator, amount, back }),
        1 => any::<u8>().prop_map(|index| SymOp::Execute { index }),
        1 => any::<u8>().prop_map(|index| SymOp::Veto { index }),
        2 => (1..400u16).prop_map(|blocks| SymOp::Advance { blocks }),
    ]
}

/// Two vaults (full-restake with an instant slasher, network-restake with a veto slasher),
/// epochs of an hour, one network with its own middleware, two operators opted in everywhere.
fn sym_setup() -> (World, Vec<Address>) {
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
    apply(&mut world, "net", "symbiotic.network_registry.register_network", json!({}));
    apply(
        &mut world,
        "net",
        "symbiotic.network_middleware_service.set_middleware",
        json!({ "middleware": "net" }),
    );
    let mut vaults = Vec::new();
    for (delegator, slasher) in [(1, 0), (0, 1)] {
        let events = apply(
            &mut world,
            "admin",
            "symbiotic.vault_configurator.create",
            json!({
                "vault_params": { "collateral": "stETH", "epoch_duration": 3600, "burner": "burner" },
                "delegator_index": delegator,
                "delegator_params": { "default_admin_role_holder": "curator",
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
        apply(
            &mut world,
            "net",
            "symbiotic.delegator.set_max_network_limit",
            json!({ "target": target, "identifier": 0, "amount": "10000000" }),
        );
        apply(
            &mut world,
            "curator",
            "symbiotic.delegator.set_network_limit",
            json!({ "target": target, "subnetwork": { "network": "net" }, "amount": "400000" }),
        );
    }
    apply(
        &mut world,
        "net",
        "symbiotic.veto_slasher.set_resolver",
        json!({ "target": vaults[1].to_string(), "identifier": 0, "resolver": "resolver" }),
    );
    for (i, operator) in OPERATORS.iter().enumerate() {
        apply(&mut world, operator, "symbiotic.operator_registry.register_operator", json!({}));
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
        apply(
            &mut world,
            "curator",
            "symbiotic.delegator.set_operator_network_limit",
            json!({ "target": vaults[0].to_string(), "subnetwork": { "network": "net" }, "operator": operator, "amount": (150_000 * (i + 1)).to_string() }),
        );
        apply(
            &mut world,
            "curator",
            "symbiotic.delegator.set_operator_network_shares",
            json!({ "target": vaults[1].to_string(), "subnetwork": { "network": "net" }, "operator": operator, "shares": (i + 1).to_string() }),
        );
    }
    (world, vaults)
}

fn sym_call(op: &SymOp, world: &World, vaults: &[Address]) -> Option<Call> {
    let vault = |i: u8| vaults[usize::from(i) % vaults.len()].to_string();
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
            let shares = world.symbiotic.vaults[&vaults[usize::from(v) % vaults.len()]]
                .active_shares_of(
                    named_address(staker(s)),
                    rampart_engine::symbiotic::vault::At::Latest,
                );
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
        SymOp::SetLimit { vault: v, operator: o, amount } => call(
            "curator",
            "symbiotic.delegator.set_operator_network_limit",
            json!({ "target": vault(v), "subnetwork": { "network": "net" }, "operator": operator(o), "amount": amount.to_string() }),
        ),
        SymOp::Slash { vault: v, operator: o, amount, back } => {
            let name = if usize::from(v) % vaults.len() == 0 {
                "symbiotic.slasher.slash"
            } else {
                "symbiotic.veto_slasher.request_slash"
            };
            call(
                "net",
                name,
                json!({ "target": vault(v), "subnetwork": { "network": "net" }, "operator": operator(o), "amount": amount.to_string(), "capture_timestamp": now.saturating_sub(12 * u64::from(back)) }),
            )
        }
        SymOp::Execute { index } => call(
            "net",
            "symbiotic.veto_slasher.execute_slash",
            json!({ "target": vault(1), "slash_index": index % 8 }),
        ),
        SymOp::Veto { index } => call(
            "resolver",
            "symbiotic.veto_slasher.veto_slash",
            json!({ "target": vault(1), "slash_index": index % 8 }),
        ),
        SymOp::Advance { .. } => return None,
    })
}

fn sym_run(ops: &[SymOp]) -> Result<usize, TestCaseError> {
    let (mut world, vaults) = sym_setup();
    let subnetwork = Subnetwork { network: named_address("net"), identifier: 0 };
    let mut slashes = 0;
    for op in ops {
        if let SymOp::Advance { blocks } = op {
            world.advance_blocks(u64::from(*blocks)).unwrap();
        } else if let Some(call) = sym_call(op, &world, &vaults) {
            let before = world.clone();
            match world.apply(&call) {
                Err(_) => prop_assert_eq!(
                    world.state_hash(),
                    before.state_hash(),
                    "a rejected call changed the state: {:?}",
                    op
                ),
                Ok(events) => {
                    for event in &events {
                        let Event::Symbiotic(SymbioticEvent::VaultSlashed {
                            vault,
                            capture_timestamp,
                            slashed_amount,
                            ..
                        }) = event
                        else {
                            continue;
                        };
                        slashes += 1;
                        // No more than the stake any operator showed at the capture, less earlier slashes.
                        let pool = before.symbiotic.vaults[vault]
                            .total_stake(before.clock.timestamp())
                            .unwrap();
                        prop_assert!(
                            *slashed_amount <= pool,
                            "a slash took more than the vault's slashable pool"
                        );
                        let most = OPERATORS
                            .iter()
                            .map(|o| {
                                before
                                    .symbiotic
                                    .slashable_stake(
                                        *vault,
                                        &before.symbiotic.vaults[vault],
                                        subnetwork,
                                        named_address(o),
                                        *capture_timestamp,
                                        world.clock.timestamp(),
                                    )
                                    .unwrap()
                            })
                            .max()
                            .unwrap();
                        prop_assert!(
                            *slashed_amount <= most,
                            "a slash exceeded the slashable stake at its capture"
                        );
                    }
                }
            }
        }
        world.check_invariants().map_err(|e| TestCaseError::fail(format!("after {op:?}: {e}")))?;
        let now = world.clock.timestamp();
        let mut burned = U256::ZERO;
        for (address, vault) in &world.symbiotic.vaults {
            let epoch = vault.epoch_at(now).unwrap();
            let parts = vault.active_stake(rampart_engine::symbiotic::vault::At::Latest)
                + vault.withdrawals(epoch)
                + vault.withdrawals(epoch + 1);
            prop_assert_eq!(vault.total_stake(now).unwrap(), parts);
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
    }
    let round_trip: World = serde_json::from_str(&serde_json::to_string(&world).unwrap()).unwrap();
    prop_assert_eq!(
        round_trip.state_hash(),
        world.state_hash(),
        "the state survives serialization"
    );
    Ok(slashes)
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
    let vaults = events
        .iter()
        .filter_map(|e| match e {
            Event::Karak(KarakEvent::DeployedVault { vault, .. }) => Some(*vault),
            _ => None,
        })
        .collect();
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
