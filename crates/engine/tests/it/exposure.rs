//! `world.exposure`: what each service can take, checked against what a slash then takes.

use rampart_engine::{
    Action, Call, U256, World, accounts::named_address, eigenlayer::Params, exposure::Exposure,
    symbiotic::SymbioticEvent, world::Event,
};
use serde_json::{Value, json};

fn apply(world: &mut World, sender: &str, name: &str, args: Value) -> Vec<Event> {
    try_apply(world, sender, name, args).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn try_apply(
    world: &mut World,
    sender: &str,
    name: &str,
    args: Value,
) -> Result<Vec<Event>, String> {
    let call = Call {
        sender: named_address(sender),
        action: Action::parse(name, args).expect("valid call"),
    };
    world.apply(&call).map_err(|e| e.to_string())
}

fn symbiotic(world: &World, account: &str) -> Vec<Exposure> {
    let all = world.exposure(named_address(account)).unwrap();
    all.into_iter().filter(|e| e.protocol == "symbiotic").collect()
}

fn slashed(events: &[Event]) -> U256 {
    events
        .iter()
        .find_map(|e| match e {
            Event::Symbiotic(SymbioticEvent::VaultSlashed { slashed_amount, .. }) => {
                Some(*slashed_amount)
            }
            _ => None,
        })
        .expect("a VaultSlashed event")
}

/// An operator-specific vault of `op` with hour-long epochs, `net` (its own middleware) limited
/// to `limit`, the given slasher (a veto one has a 600 s veto), and `alice` depositing 1000.
fn setup(slasher_index: u64, limit: u64) -> (World, String) {
    let mut world = World::new(Params::TESTNET);
    world.set_block(100).unwrap();
    for who in ["alice", "bob"] {
        apply(
            &mut world,
            "admin",
            "token.mint",
            json!({ "to": who, "token": "stETH", "amount": "10000" }),
        );
    }
    apply(&mut world, "net", "symbiotic.network_registry.register_network", json!({}));
    apply(
        &mut world,
        "net",
        "symbiotic.network_middleware_service.set_middleware",
        json!({ "middleware": "net" }),
    );
    apply(&mut world, "op", "symbiotic.operator_registry.register_operator", json!({}));
    let events = apply(
        &mut world,
        "admin",
        "symbiotic.vault_configurator.create",
        json!({
            "vault_params": { "collateral": "stETH", "epoch_duration": 3600, "burner": "burner" },
            "delegator_index": 2,
            "delegator_params": { "operator": "op", "network_limit_set_role_holders": ["curator"] },
            "with_slasher": true, "slasher_index": slasher_index,
            "slasher_params": { "veto_duration": 600 },
        }),
    );
    let Event::Symbiotic(SymbioticEvent::VaultCreated { vault, .. }) = &events[0] else {
        panic!("a vault")
    };
    let vault = vault.to_string();
    apply(
        &mut world,
        "op",
        "symbiotic.operator_vault_opt_in_service.opt_in",
        json!({ "where": vault }),
    );
    apply(
        &mut world,
        "op",
        "symbiotic.operator_network_opt_in_service.opt_in",
        json!({ "where": "net" }),
    );
    apply(
        &mut world,
        "net",
        "symbiotic.delegator.set_max_network_limit",
        json!({ "target": vault, "identifier": 0, "amount": limit.to_string() }),
    );
    apply(
        &mut world,
        "curator",
        "symbiotic.delegator.set_network_limit",
        json!({ "target": vault, "subnetwork": { "network": "net" }, "amount": limit.to_string() }),
    );
    apply(
        &mut world,
        "alice",
        "symbiotic.vault.deposit",
        json!({ "target": vault, "on_behalf_of": "alice", "amount": "1000" }),
    );
    (world, vault)
}

#[test]
fn symbiotic_exposure_outlives_an_opt_out_for_the_capture_window() {
    let (mut world, vault) = setup(1, 600);
    world.advance_blocks(10).unwrap();
    apply(
        &mut world,
        "op",
        "symbiotic.operator_network_opt_in_service.opt_out",
        json!({ "where": "net" }),
    );
    // The stake in force is now zero, but captures before the opt-out still see 600.
    for (account, role) in [("alice", "staker"), ("op", "operator")] {
        let exposure = symbiotic(&world, account);
        assert_eq!(exposure.len(), 1, "{account}: {exposure:?}");
        assert_eq!(exposure[0].slashable, U256::from(600), "{account}");
        assert_eq!(exposure[0].role, role);
        // No resolver: the request can be executed in the same block.
        assert_eq!(exposure[0].delay_seconds, 0, "{account}");
    }
    let now = world.clock.timestamp();
    apply(
        &mut world,
        "net",
        "symbiotic.veto_slasher.request_slash",
        json!({ "target": vault, "subnetwork": { "network": "net" }, "operator": "op", "amount": "400", "capture_timestamp": now - 24 }),
    );
    let events = apply(
        &mut world,
        "net",
        "symbiotic.veto_slasher.execute_slash",
        json!({ "target": vault, "slash_index": 0 }),
    );
    assert_eq!(slashed(&events), U256::from(400));
    // 200 of the captured 600 is left; once the window has passed the opt-out, nothing.
    assert_eq!(symbiotic(&world, "op")[0].slashable, U256::from(200));
    world.advance_seconds(3600).unwrap();
    assert!(symbiotic(&world, "op").is_empty());
    assert!(symbiotic(&world, "alice").is_empty());
}

#[test]
fn a_veto_slasher_delays_only_once_a_resolver_covers_every_capture() {
    let (mut world, vault) = setup(1, 600);
    world.advance_blocks(10).unwrap();
    apply(
        &mut world,
        "net",
        "symbiotic.veto_slasher.set_resolver",
        json!({ "target": vault, "identifier": 0, "resolver": "resolver" }),
    );
    // Set now: there is none at now − 1, so a request executes at once.
    assert_eq!(symbiotic(&world, "alice")[0].delay_seconds, 0);
    world.advance_blocks(1).unwrap();
    // Captures before the resolver was set can still be named, and executed at once.
    assert_eq!(symbiotic(&world, "alice")[0].delay_seconds, 0);
    let now = world.clock.timestamp();
    apply(
        &mut world,
        "net",
        "symbiotic.veto_slasher.request_slash",
        json!({ "target": vault, "subnetwork": { "network": "net" }, "operator": "op", "amount": "100", "capture_timestamp": now - 24 }),
    );
    let events = apply(
        &mut world,
        "net",
        "symbiotic.veto_slasher.execute_slash",
        json!({ "target": vault, "slash_index": 0 }),
    );
    assert_eq!(slashed(&events), U256::from(100));
    // A window later every capture has a resolver: the veto period applies.
    world.advance_seconds(3600).unwrap();
    let exposure = symbiotic(&world, "alice");
    assert_eq!(exposure[0].delay_seconds, 600);
    assert_eq!(symbiotic(&world, "op")[0].delay_seconds, 600);
    let now = world.clock.timestamp();
    apply(
        &mut world,
        "net",
        "symbiotic.veto_slasher.request_slash",
        json!({ "target": vault, "subnetwork": { "network": "net" }, "operator": "op", "amount": "100", "capture_timestamp": now - 12 }),
    );
    let early = try_apply(
        &mut world,
        "net",
        "symbiotic.veto_slasher.execute_slash",
        json!({ "target": vault, "slash_index": 1 }),
    );
    let early = early.unwrap_err();
    assert!(early.contains("veto period has not ended"), "{early}");
}

#[test]
fn a_stakers_symbiotic_share_is_of_the_pool_a_capture_reaches() {
    let (mut world, vault) = setup(0, 500);
    apply(
        &mut world,
        "bob",
        "symbiotic.vault.deposit",
        json!({ "target": vault, "on_behalf_of": "bob", "amount": "1000" }),
    );
    apply(
        &mut world,
        "bob",
        "symbiotic.vault.withdraw",
        json!({ "target": vault, "claimer": "bob", "amount": "1000" }),
    );
    // Next epoch: bob's 1000 matures at its end; a capture in it reaches only alice's 1000.
    world.advance_seconds(3600).unwrap();
    world.advance_blocks(2).unwrap();
    let exposure = symbiotic(&world, "alice");
    assert_eq!(exposure.len(), 1);
    assert_eq!(exposure[0].slashable, U256::from(500));
    assert_eq!(exposure[0].delay_seconds, 0, "an instant slasher");
    let before = world.symbiotic.vaults[&vault.parse::<rampart_engine::Address>().unwrap()]
        .active_balance_of(named_address("alice"), rampart_engine::symbiotic::vault::At::Latest)
        .unwrap();
    let now = world.clock.timestamp();
    let events = apply(
        &mut world,
        "net",
        "symbiotic.slasher.slash",
        json!({ "target": vault, "subnetwork": { "network": "net" }, "operator": "op", "amount": "500", "capture_timestamp": now - 12 }),
    );
    assert_eq!(slashed(&events), U256::from(500));
    let after = world.symbiotic.vaults[&vault.parse::<rampart_engine::Address>().unwrap()]
        .active_balance_of(named_address("alice"), rampart_engine::symbiotic::vault::At::Latest)
        .unwrap();
    assert_eq!(before - after, U256::from(500), "alice lost what the view said");
}
