//! What the integration tests share: calls and views by name, made as a named account, with a
//! rejection checked to have changed nothing.

use rampart_engine::{
    Action, Address, Call, Rejection, View, World, accounts::named_address, karak::KarakEvent,
    world::Event,
};
use serde_json::Value;

/// `name` (`protocol.function`) with `args`, sent by the account named `sender`.
pub(crate) fn call(sender: &str, name: &str, args: Value) -> Call {
    Call { sender: named_address(sender), action: Action::parse(name, args).expect("valid call") }
}

/// Applies a call; a rejected call must leave the world exactly as it was.
pub(crate) fn try_apply(
    world: &mut World,
    sender: &str,
    name: &str,
    args: Value,
) -> Result<Vec<Event>, Rejection> {
    let before = world.state_hash();
    let result = world.apply(&call(sender, name, args));
    if result.is_err() {
        assert_eq!(world.state_hash(), before, "a rejected {name} changed the state");
    }
    result
}

/// Applies a call that must succeed.
pub(crate) fn apply(world: &mut World, sender: &str, name: &str, args: Value) -> Vec<Event> {
    try_apply(world, sender, name, args).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Applies a call that must be rejected; the error's name (the contract's).
pub(crate) fn reject(world: &mut World, sender: &str, name: &str, args: Value) -> String {
    match try_apply(world, sender, name, args) {
        Ok(events) => panic!("{name} must be rejected, but emitted {events:?}"),
        Err(rejection) => rejection.name().to_owned(),
    }
}

/// A view that must answer.
pub(crate) fn view(world: &World, name: &str, args: Value) -> Value {
    let view = View::parse(name, args).expect("valid view");
    world.view(&view).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The Karak vaults `karak.core.deploy_vaults` deployed, in order.
pub(crate) fn deployed_karak_vaults(events: &[Event]) -> Vec<Address> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Karak(KarakEvent::DeployedVault { vault, .. }) => Some(*vault),
            _ => None,
        })
        .collect()
}

/// [`try_apply`], with a rejection as the contract error's name.
pub(crate) fn attempt(
    world: &mut World,
    sender: &str,
    name: &str,
    args: Value,
) -> Result<Vec<Event>, String> {
    try_apply(world, sender, name, args).map_err(|e| e.name().to_owned())
}

/// A world where `op`, registered to one DSS `dss` that may slash `max_percentage` (`"20 wad"`),
/// has deployed one stETH vault (returned), with `handlers` as the asset's slashing handlers
/// (`[]`: the default), and `alice` holds 1000 wei of stETH.
pub(crate) fn karak_vault_world(max_percentage: &str, handlers: &Value) -> (World, String) {
    let mut world = World::new(rampart_engine::eigenlayer::Params::TESTNET);
    world.set_block(100).unwrap();
    let mint = serde_json::json!({ "to": "alice", "token": "stETH", "amount": "1000" });
    apply(&mut world, "admin", "token.mint", mint);
    let allow = serde_json::json!({ "assets": ["stETH"], "slashing_handlers": handlers });
    apply(&mut world, "admin", "karak.core.allowlist_assets", allow);
    let dss = serde_json::json!({ "max_slashable_percentage_wad": max_percentage });
    apply(&mut world, "dss", "karak.core.register_dss", dss);
    let op = serde_json::json!({ "dss": "dss" });
    apply(&mut world, "op", "karak.core.register_operator_to_dss", op);
    let configs = serde_json::json!({ "configs": [{ "asset": "stETH" }] });
    let events = apply(&mut world, "op", "karak.core.deploy_vaults", configs);
    let vault = deployed_karak_vaults(&events)[0].to_string();
    (world, vault)
}

/// `alice` deposits her 1000 into `vault`, and `op` stakes it to `dss` (requested, then
/// finalized after Karak's 9-day update delay).
pub(crate) fn deposit_and_stake_karak_vault(world: &mut World, vault: &str) {
    let deposit = serde_json::json!({ "target": vault, "assets": "1000", "to": "alice" });
    apply(world, "alice", "karak.vault.deposit", deposit);
    let stake = serde_json::json!({ "vault": vault, "dss": "dss", "to_stake": true });
    apply(world, "op", "karak.core.request_update_vault_stake_in_dss", stake);
    world.advance_seconds(777_600).unwrap();
    let finalize = serde_json::json!({ "vault": vault });
    apply(world, "anyone", "karak.core.finalize_update_vault_stake_in_dss", finalize);
}

/// Registers the Symbiotic network `name`, its own middleware (so it can slash directly).
pub(crate) fn register_symbiotic_network(world: &mut World, name: &str) {
    apply(world, name, "symbiotic.network_registry.register_network", serde_json::json!({}));
    let middleware = serde_json::json!({ "middleware": name });
    apply(world, name, "symbiotic.network_middleware_service.set_middleware", middleware);
}
