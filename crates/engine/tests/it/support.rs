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
