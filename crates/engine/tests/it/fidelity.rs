//! Symbiotic and Karak edge cases where the engine must revert, or not, as the contracts do.

use rampart_engine::{
    Address, World, accounts::named_address, eigenlayer::Params, symbiotic::SymbioticEvent,
    world::Event,
};
use serde_json::{Value, json};

use super::support::{
    apply, attempt, deposit_and_stake_karak_vault, karak_vault_world, register_symbiotic_network,
    reject,
};

// ---------------------------------------------------------------------------------------------
// Symbiotic

const MAX_UINT48: u64 = (1 << 48) - 1;

fn symbiotic_world() -> World {
    let mut world = World::new(Params::TESTNET);
    world.set_block(100).unwrap();
    register_symbiotic_network(&mut world, "net");
    world
}

fn create_vault(world: &mut World, epoch: u64, veto: u64, delay: u64) -> Result<Address, String> {
    let events = attempt(
        world,
        "admin",
        "symbiotic.vault_configurator.create",
        json!({
            "vault_params": { "collateral": "stETH", "epoch_duration": epoch, "burner": "burner" },
            "delegator_index": 0,
            "delegator_params": { "default_admin_role_holder": "curator" },
            "with_slasher": true, "slasher_index": 1,
            "slasher_params": { "veto_duration": veto, "resolver_set_epochs_delay": delay.to_string() },
        }),
    )?;
    let Event::Symbiotic(SymbioticEvent::VaultCreated { vault, .. }) = &events[0] else {
        panic!("a vault")
    };
    Ok(*vault)
}

#[test]
fn symbiotic_durations_are_uint48() {
    let mut world = symbiotic_world();
    assert_eq!(create_vault(&mut world, MAX_UINT48 + 1, 600, 3).unwrap_err(), "DurationTooLarge");
    // A veto duration that does not decode fails before it is compared with the epoch.
    assert_eq!(
        create_vault(&mut world, MAX_UINT48, MAX_UINT48 + 1, 3).unwrap_err(),
        "DurationTooLarge"
    );
    assert_eq!(create_vault(&mut world, 3600, 3600, 3).unwrap_err(), "InvalidVetoDuration");
    create_vault(&mut world, MAX_UINT48, 600, 3).unwrap();
}

#[test]
fn the_first_resolver_applies_at_once_however_long_the_epochs() {
    let mut world = symbiotic_world();
    // The resolver delay is a uint256 on chain: three epochs or 2^64 − 1 of them.
    let vault = create_vault(&mut world, MAX_UINT48, 600, u64::MAX).unwrap().to_string();
    let now = world.clock.timestamp();
    let events = apply(
        &mut world,
        "net",
        "symbiotic.veto_slasher.set_resolver",
        json!({ "target": vault, "identifier": 0, "resolver": "resolver" }),
    );
    let Event::Symbiotic(SymbioticEvent::SetResolver { effective_at, .. }) = &events[0] else {
        panic!("SetResolver")
    };
    assert_eq!(*effective_at, now);
    // A change would be due that many epochs on, past uint48: toUint48 reverts.
    world.advance_blocks(1).unwrap();
    let error = reject(
        &mut world,
        "net",
        "symbiotic.veto_slasher.set_resolver",
        json!({ "target": vault, "identifier": 0, "resolver": "other" }),
    );
    assert_eq!(error, "ArithmeticError");
    // requestSlash computes now + vetoDuration − epochDuration, which underflows.
    let error = reject(
        &mut world,
        "net",
        "symbiotic.veto_slasher.request_slash",
        json!({ "target": vault, "subnetwork": { "network": "net" }, "operator": "op", "amount": "1", "capture_timestamp": now }),
    );
    assert_eq!(error, "ArithmeticError");
}

#[test]
fn a_zero_operator_rewards_root_is_not_set() {
    let mut world = symbiotic_world();
    apply(
        &mut world,
        "admin",
        "token.mint",
        json!({ "to": "net", "token": "EIGEN", "amount": "100" }),
    );
    let zero = format!("0x{}", "00".repeat(32));
    apply(
        &mut world,
        "net",
        "symbiotic.operator_rewards.distribute_rewards",
        json!({ "network": "net", "token": "EIGEN", "amount": "100", "root": zero }),
    );
    let claim =
        json!({ "recipient": "op", "network": "net", "token": "EIGEN", "total_claimable": "10" });
    let error = reject(&mut world, "op", "symbiotic.operator_rewards.claim_rewards", claim);
    assert_eq!(error, "RootNotSet");
}

#[test]
fn set_max_network_limit_checks_already_set_before_the_network() {
    let mut world = symbiotic_world();
    apply(&mut world, "net2", "symbiotic.network_registry.register_network", json!({}));
    apply(&mut world, "op", "symbiotic.operator_registry.register_operator", json!({}));
    let events = apply(
        &mut world,
        "admin",
        "symbiotic.vault_configurator.create",
        json!({
            "vault_params": { "collateral": "stETH", "epoch_duration": 3600, "burner": "burner" },
            "delegator_index": 3,
            "delegator_params": { "operator": "op", "network": "net" },
            "with_slasher": false,
        }),
    );
    let Event::Symbiotic(SymbioticEvent::VaultCreated { vault, .. }) = &events[0] else {
        panic!("a vault")
    };
    let target = vault.to_string();
    let set = |amount: &str| json!({ "target": target, "identifier": 0, "amount": amount });
    let name = "symbiotic.delegator.set_max_network_limit";
    assert_eq!(reject(&mut world, "net2", name, set("0")), "AlreadySet");
    assert_eq!(reject(&mut world, "net2", name, set("5")), "InvalidNetwork");
    apply(&mut world, "net", name, set("5"));
}

/// Creates a vault with these `vault_params` besides the collateral and epoch; the error's name.
fn init_vault(world: &mut World, extra: &Value) -> Result<Address, String> {
    let mut params = json!({ "collateral": "stETH", "epoch_duration": 3600 });
    params.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    let events = attempt(
        world,
        "admin",
        "symbiotic.vault_configurator.create",
        json!({
            "vault_params": params,
            "delegator_index": 0,
            "delegator_params": { "default_admin_role_holder": "curator" },
            "with_slasher": false,
        }),
    )?;
    let Event::Symbiotic(SymbioticEvent::VaultCreated { vault, .. }) = &events[0] else {
        panic!("a vault")
    };
    Ok(*vault)
}

#[test]
fn vault_initialization_role_checks_follow_vault_initialize() {
    let mut world = symbiotic_world();
    let missing = |world: &mut World, extra: Value| init_vault(world, &extra).unwrap_err();
    let ok = |world: &mut World, extra: Value| init_vault(world, &extra).unwrap();
    // No default admin. A fixed, non-zero limit needs nobody.
    ok(&mut world, json!({ "is_deposit_limit": true, "deposit_limit": "100" }));
    // A limit switched on at zero needs someone to raise it.
    assert_eq!(missing(&mut world, json!({ "is_deposit_limit": true })), "MissingRoles");
    ok(&mut world, json!({ "is_deposit_limit": true, "deposit_limit_set_role_holder": "c" }));
    // A limit that can never be switched on must not carry a value or a setter.
    assert_eq!(missing(&mut world, json!({ "deposit_limit": "5" })), "MissingRoles");
    let setter = json!({ "deposit_limit_set_role_holder": "c" });
    assert_eq!(missing(&mut world, setter), "MissingRoles");
    // ...unless someone can switch it on.
    ok(&mut world, json!({ "deposit_limit": "5", "is_deposit_limit_set_role_holder": "c" }));
    // A whitelist that stays on needs someone to whitelist; one that stays off, nobody.
    assert_eq!(missing(&mut world, json!({ "deposit_whitelist": true })), "MissingRoles");
    let depositor = json!({ "depositor_whitelist_role_holder": "c" });
    assert_eq!(missing(&mut world, depositor), "MissingRoles");
    ok(&mut world, json!({ "deposit_whitelist": true, "depositor_whitelist_role_holder": "c" }));
    // With a whitelist-set holder, the whitelist is checked no further.
    ok(&mut world, json!({ "deposit_whitelist": true, "deposit_whitelist_set_role_holder": "c" }));
    // A default admin can grant anything later.
    ok(
        &mut world,
        json!({ "default_admin_role_holder": "c", "deposit_whitelist": true, "is_deposit_limit": true }),
    );
}

#[test]
fn staker_rewards_initialization_role_checks_follow_initialize() {
    let mut world = symbiotic_world();
    let vault = init_vault(&mut world, &json!({})).unwrap().to_string();
    let mut create = |fee: u64, holders: &[(&str, &str)]| {
        let mut args = json!({ "vault": vault, "admin_fee": fee });
        for (field, holder) in holders {
            args[*field] = json!(holder);
        }
        attempt(&mut world, "admin", "symbiotic.staker_rewards.create", args).map(|_| ())
    };
    let claim = ("admin_fee_claim_role_holder", "c");
    let set = ("admin_fee_set_role_holder", "c");
    // No admin and no fee: no roles, or both.
    create(0, &[]).unwrap();
    create(0, &[claim, set]).unwrap();
    assert_eq!(create(0, &[claim]).unwrap_err(), "MissingRoles");
    assert_eq!(create(0, &[set]).unwrap_err(), "MissingRoles");
    // A fee needs someone to claim it; setting it again is optional.
    create(10, &[claim]).unwrap();
    assert_eq!(create(10, &[set]).unwrap_err(), "MissingRoles");
    // The roles are checked before the fee's bound.
    assert_eq!(create(10_001, &[]).unwrap_err(), "MissingRoles");
    assert_eq!(create(10_001, &[claim]).unwrap_err(), "InvalidAdminFee");
    create(10, &[("default_admin_role_holder", "c")]).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Karak

fn karak_world(handlers: &Value) -> (World, String) {
    karak_vault_world("50 wad", handlers)
}

#[test]
fn a_karak_deposit_pulls_the_assets_before_checking_slippage() {
    let (mut world, vault) = karak_world(&json!([]));
    let deposit = |assets: &str, min: &str| json!({ "target": vault, "assets": assets, "to": "alice", "min_shares_out": min });
    // alice has 1000: a 2000 deposit fails on the transfer, whatever the slippage floor.
    let error = reject(&mut world, "alice", "karak.vault.deposit", deposit("2000", "5000"));
    assert_eq!(error, "InsufficientBalance");
    let error = reject(&mut world, "alice", "karak.vault.deposit", deposit("500", "5000"));
    assert_eq!(error, "NotEnoughShares");
}

/// Stakes the vault to the DSS, deposits 1000 and slashes 10%: returns the world after.
fn karak_slash(handlers: &Value) -> World {
    let (mut world, vault) = karak_world(handlers);
    deposit_and_stake_karak_vault(&mut world, &vault);
    let events = apply(
        &mut world,
        "dss",
        "karak.core.request_slashing",
        json!({ "operator": "op", "slash_percentages_wad": ["10 wad"], "vaults": [vault] }),
    );
    let root = events
        .iter()
        .find_map(|e| match e {
            Event::Karak(rampart_engine::karak::KarakEvent::RequestedSlashing { root, .. }) => {
                Some(root.to_string())
            }
            _ => None,
        })
        .expect("a slash request");
    world.advance_seconds(172_800).unwrap();
    apply(&mut world, "anyone", "karak.core.finalize_slashing", json!({ "root": root }));
    world
}

#[test]
fn karak_slashed_tokens_go_to_the_assets_slashing_handler() {
    let steth = rampart_engine::accounts::token_address("stETH");
    // The default handler is Karak's SlashingHandler: it burns to address(0).
    let world = karak_slash(&json!([]));
    assert_eq!(world.ledger.balance_of(steth, Address::ZERO), rampart_engine::U256::from(100));
    // A handler of the asset's own keeps what it pulls.
    let world = karak_slash(&json!(["steth_handler"]));
    let handler = named_address("steth_handler");
    assert_eq!(world.ledger.balance_of(steth, handler), rampart_engine::U256::from(100));
    assert!(world.ledger.balance_of(steth, Address::ZERO).is_zero());
}
