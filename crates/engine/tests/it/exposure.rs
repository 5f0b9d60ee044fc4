//! `world.exposure`: what each service can take, checked against what a slash then takes.

use rampart_engine::{
    U256, World, accounts::named_address, eigenlayer::Params, exposure::Exposure,
    symbiotic::SymbioticEvent, world::Event,
};
use serde_json::json;

use super::support::{
    apply, deposit_and_stake_karak_vault, karak_vault_world, register_symbiotic_network, try_apply,
};

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
    register_symbiotic_network(&mut world, "net");
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
    let early = early.unwrap_err().to_string();
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

fn eigenlayer(world: &World, account: &str) -> Vec<Exposure> {
    let all = world.exposure(named_address(account)).unwrap();
    all.into_iter().filter(|e| e.protocol == "eigenlayer").collect()
}

fn ether(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18))
}

#[test]
fn queued_eigenlayer_withdrawals_stay_exposed_through_the_delay_even_undelegated() {
    let mut world = World::new(Params::TESTNET);
    world.set_block(1000).unwrap();
    let steps = [
        ("avs1", "eigenlayer.update_avs_metadata_uri", json!({ "avs": "avs1" })),
        (
            "avs1",
            "eigenlayer.create_operator_sets",
            json!({ "avs": "avs1", "params": [{ "operator_set_id": 0, "strategies": ["stETH"], "slasher": "avs1" }] }),
        ),
        ("op1", "eigenlayer.register_as_operator", json!({ "allocation_delay": 0 })),
        (
            "op1",
            "eigenlayer.register_for_operator_sets",
            json!({ "operator": "op1", "params": { "avs": "avs1", "operator_set_ids": [0] } }),
        ),
        (
            "op1",
            "eigenlayer.modify_allocations",
            json!({ "operator": "op1", "params": [{ "operator_set": { "avs": "avs1", "id": 0 }, "strategies": ["stETH"], "new_magnitudes": ["50%"] }] }),
        ),
        ("admin", "token.mint", json!({ "to": "alice", "token": "stETH", "amount": "100 ether" })),
        (
            "alice",
            "eigenlayer.deposit_into_strategy",
            json!({ "strategy": "stETH", "token": "stETH", "amount": "100 ether" }),
        ),
        ("alice", "eigenlayer.delegate_to", json!({ "operator": "op1" })),
        (
            "alice",
            "eigenlayer.queue_withdrawals",
            json!({ "params": [{ "strategies": ["stETH"], "deposit_shares": ["40 ether"] }] }),
        ),
    ];
    for (sender, name, args) in steps {
        apply(&mut world, sender, name, args);
    }
    // 60 withdrawable and 40 queued, both under op1's half allocated to avs1.
    let exposure = eigenlayer(&world, "alice");
    assert_eq!(exposure.len(), 1, "{exposure:?}");
    assert_eq!(exposure[0].slashable, ether(50));
    world.advance_blocks(5).unwrap();
    apply(&mut world, "alice", "eigenlayer.undelegate", json!({ "staker": "alice" }));
    let exposure = eigenlayer(&world, "alice");
    assert_eq!(exposure.len(), 1, "{exposure:?}");
    assert_eq!((exposure[0].operator, exposure[0].slashable), (named_address("op1"), ether(50)));
    // avs1 takes all it can: half of each queued withdrawal, 50 in all.
    apply(
        &mut world,
        "avs1",
        "eigenlayer.slash_operator",
        json!({ "avs": "avs1", "params": { "operator": "op1", "operator_set_id": 0, "strategies": ["stETH"], "wads_to_slash": ["100%"], "description": "all of it" } }),
    );
    let queued = rampart_engine::View::parse(
        "eigenlayer.get_queued_withdrawals",
        json!({ "staker": "alice" }),
    )
    .unwrap();
    let queued = world.view(&queued).unwrap();
    let left: U256 = queued["shares"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|w| w.as_array().unwrap().iter())
        .map(|s| s.as_str().unwrap().parse::<U256>().unwrap())
        .sum();
    assert_eq!(left, ether(50), "the slash took what the view said");
    // Past both withdrawals' delay, nothing is exposed.
    world.advance_blocks(60).unwrap();
    assert!(eigenlayer(&world, "alice").is_empty());
}

/// `op`'s stETH vault, staked to `dss` (20% at most) and final, with `alice`'s 1000 in it.
fn karak_setup() -> (World, String) {
    let (mut world, vault) = karak_vault_world("20 wad", &json!([]));
    deposit_and_stake_karak_vault(&mut world, &vault);
    (world, vault)
}

fn karak(world: &World, account: &str) -> Vec<Exposure> {
    let all = world.exposure(named_address(account)).unwrap();
    all.into_iter().filter(|e| e.protocol == "karak").collect()
}

#[test]
fn escrowed_karak_shares_expose_the_beneficiary_not_the_staker() {
    let (mut world, vault) = karak_setup();
    apply(
        &mut world,
        "alice",
        "karak.vault.start_redeem",
        json!({ "target": vault, "shares": "1000", "beneficiary": "bob" }),
    );
    assert!(karak(&world, "alice").is_empty(), "alice gave the assets away");
    let bob = karak(&world, "bob");
    assert_eq!(bob.len(), 1);
    assert_eq!(bob[0].slashable, U256::from(200));
}

#[test]
fn karak_exposure_lists_the_slash_requests_still_pending() {
    const TWO_DAYS: u64 = 172_800;
    let (mut world, vault) = karak_setup();
    let wad = |pct: u64| ether(pct);
    let alice = karak(&world, "alice");
    assert_eq!(alice.len(), 1);
    assert_eq!(alice[0].pending_slash_percentage_wad, U256::ZERO);
    assert_eq!(alice[0].pending_finalizable_at, None);
    let request = |world: &mut World, pct: &str| {
        try_apply(
            world,
            "dss",
            "karak.core.request_slashing",
            json!({ "operator": "op", "slash_percentages_wad": [pct], "vaults": [vault] }),
        )
    };
    let t0 = world.clock.timestamp();
    let events = request(&mut world, "10 wad").unwrap();
    let first = events
        .iter()
        .find_map(|e| match e {
            Event::Karak(rampart_engine::karak::KarakEvent::RequestedSlashing { root, .. }) => {
                Some(root.to_string())
            }
            _ => None,
        })
        .unwrap();
    // The request takes nothing yet: a new one could still take 20% of 1000, and 10% waits.
    for account in ["alice", "op"] {
        let exposure = karak(&world, account);
        assert_eq!(exposure[0].slashable, U256::from(200), "{account}");
        assert_eq!(exposure[0].pending_slash_percentage_wad, wad(10), "{account}");
        assert_eq!(exposure[0].pending_finalizable_at, Some(t0 + TWO_DAYS), "{account}");
    }
    assert!(request(&mut world, "5 wad").unwrap_err().to_string().contains("cooldown"));
    // Two days on, a second request: both pending, the first still the earliest.
    world.advance_seconds(TWO_DAYS).unwrap();
    let t1 = world.clock.timestamp();
    request(&mut world, "5 wad").unwrap();
    let alice = karak(&world, "alice");
    assert_eq!(alice[0].pending_slash_percentage_wad, wad(15));
    assert_eq!(alice[0].pending_finalizable_at, Some(t0 + TWO_DAYS));
    // The first finalized takes 10% of 1000; the second is left, finalizable two days after it.
    apply(&mut world, "anyone", "karak.core.finalize_slashing", json!({ "root": first }));
    let alice = karak(&world, "alice");
    assert_eq!(alice[0].slashable, U256::from(180));
    assert_eq!(alice[0].pending_slash_percentage_wad, wad(5));
    assert_eq!(alice[0].pending_finalizable_at, Some(t1 + TWO_DAYS));
}
