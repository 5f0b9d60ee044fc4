//! A Rampart world with Jito restaking becomes a security graph: each NCN is a service that can
//! slash its operators' delegations, but only under the config's slashing switch (the vault
//! program has had no slash instruction since PR #141).

use rampart_engine::{Action, Call, World, accounts::named_address, jito::JitoEvent, world::Event};
use rampart_risk::world::{Inputs, from_world};
use serde_json::{Value, json};

fn apply(world: &mut World, sender: &str, name: &str, args: Value) -> Vec<Event> {
    let call = Call { sender: named_address(sender), action: Action::parse(name, args).unwrap() };
    world.apply(&call).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn created(events: &[Event]) -> String {
    events
        .iter()
        .find_map(|e| match e {
            Event::Jito(JitoEvent::InitializeVault { vault, .. }) => Some(vault.to_string()),
            Event::Jito(JitoEvent::InitializeNcn { ncn, .. }) => Some(ncn.to_string()),
            Event::Jito(JitoEvent::InitializeOperator { operator, .. }) => {
                Some(operator.to_string())
            }
            _ => None,
        })
        .unwrap()
}

/// A vault with 110 JitoSOL (9 decimals), 60 of them delegated to one operator, and an NCN whose
/// handshakes with both, and a slasher's, are active two epochs later.
fn world(slashing_enabled: bool) -> World {
    let mut w = World::default();
    w.advance_blocks(1).unwrap();
    apply(&mut w, "admin", "token.register_token", json!({"symbol": "JitoSOL", "decimals": 9}));
    for (to, amount) in [("vault_admin", "10000000000"), ("alice", "100000000000")] {
        apply(
            &mut w,
            "admin",
            "token.mint",
            json!({"to": to, "token": "JitoSOL", "amount": amount}),
        );
    }
    apply(
        &mut w,
        "config_admin",
        "jito.initialize_config",
        json!({"slashing_enabled": slashing_enabled}),
    );
    let vault = created(&apply(
        &mut w,
        "vault_admin",
        "jito.initialize_vault",
        json!({"supported_mint": "JitoSOL", "initialize_token_amount": "10000000000"}),
    ));
    let ncn = created(&apply(&mut w, "ncn", "jito.initialize_ncn", json!({})));
    let op = created(&apply(&mut w, "op", "jito.initialize_operator", json!({})));
    apply(&mut w, "ncn", "jito.initialize_ncn_vault_ticket", json!({"ncn": ncn, "vault": vault}));
    apply(
        &mut w,
        "vault_admin",
        "jito.initialize_vault_ncn_ticket",
        json!({"target": vault, "ncn": ncn}),
    );
    apply(&mut w, "ncn", "jito.initialize_ncn_operator_state", json!({"ncn": ncn, "operator": op}));
    apply(
        &mut w,
        "op",
        "jito.initialize_operator_vault_ticket",
        json!({"operator": op, "vault": vault}),
    );
    apply(
        &mut w,
        "vault_admin",
        "jito.initialize_vault_operator_delegation",
        json!({"target": vault, "operator": op}),
    );
    let ncn_slasher = json!({"ncn": ncn, "vault": vault, "slasher": "slasher"});
    let mut init = ncn_slasher.clone();
    init["max_slashable_per_epoch"] = json!("1000000000000");
    apply(&mut w, "ncn", "jito.initialize_ncn_vault_slasher_ticket", init);
    let vault_slasher = json!({"target": vault, "ncn": ncn, "slasher": "slasher"});
    apply(&mut w, "vault_admin", "jito.initialize_vault_ncn_slasher_ticket", vault_slasher.clone());
    w.advance_blocks(1).unwrap();
    apply(&mut w, "ncn", "jito.warmup_ncn_vault_slasher_ticket", ncn_slasher);
    apply(&mut w, "vault_admin", "jito.warmup_vault_ncn_slasher_ticket", vault_slasher);
    apply(&mut w, "ncn", "jito.warmup_ncn_vault_ticket", json!({"ncn": ncn, "vault": vault}));
    apply(
        &mut w,
        "vault_admin",
        "jito.warmup_vault_ncn_ticket",
        json!({"target": vault, "ncn": ncn}),
    );
    apply(&mut w, "ncn", "jito.ncn_warmup_operator", json!({"ncn": ncn, "operator": op}));
    apply(&mut w, "op", "jito.operator_warmup_ncn", json!({"ncn": ncn, "operator": op}));
    apply(
        &mut w,
        "op",
        "jito.warmup_operator_vault_ticket",
        json!({"operator": op, "vault": vault}),
    );
    apply(&mut w, "alice", "jito.mint_to", json!({"target": vault, "amount_in": "100000000000"}));
    apply(
        &mut w,
        "vault_admin",
        "jito.add_delegation",
        json!({"target": vault, "operator": op, "amount": "60000000000"}),
    );
    // Epoch 2: every ticket active; the vault must be cranked but the stake is what it is.
    w.advance_blocks(2 * 14_400).unwrap();
    w
}

#[test]
fn an_ncn_is_a_service_only_under_the_slashing_switch() {
    let inputs = Inputs::parse("unit = \"SOL\"\n[prices]\nJitoSOL = \"1\"\n").unwrap();
    let name = |a: rampart_engine::Address| a.to_string();
    let off = from_world(&world(false), &name, &inputs).unwrap();
    assert!(off.services.iter().all(|s| !s.name.starts_with("jito:")), "no slashing path");
    let on = from_world(&world(true), &name, &inputs).unwrap();
    let service = on.services.iter().position(|s| s.name.starts_with("jito:")).expect("the NCN");
    // 60 JitoSOL delegated, in 1e-18 SOL.
    assert_eq!(on.securing[service], vec![(0, 60 * 1_000_000_000_000_000_000)]);
    assert_eq!(on.operators[0].stake, 60 * 1_000_000_000_000_000_000);
}
