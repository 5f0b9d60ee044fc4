"""rampart.World: calls, views, rejections, exact integers, the clock and determinism."""

import copy

import pytest

import rampart

ETHER = 10**18


def funded_world() -> rampart.World:
    world = rampart.World(params="testnet")
    world.set_block(1000)
    world.call("token.mint", "admin", to="alice", token="stETH", amount=100 * ETHER)
    return world


def test_a_call_returns_its_events_with_exact_int_amounts():
    world = rampart.World(params="testnet")
    events = world.call("token.mint", "admin", to="alice", token="stETH", amount="100 ether")
    assert [e["event"] for e in events] == ["Transfer"]
    assert events[0]["value"] == 100 * ETHER
    assert type(events[0]["value"]) is int
    assert events[0]["to"] == rampart.address("alice")


def test_amounts_wider_than_64_bits_round_trip_exactly():
    world = rampart.World()
    huge = 2**200 + 12345
    world.call("token.mint", "admin", to="alice", token="stETH", amount=huge)
    balance = world.view("token.balance_of", token="stETH", account="alice")
    assert balance == huge


def test_deposit_and_view_withdrawable_shares():
    world = funded_world()
    events = world.call(
        "eigenlayer.deposit_into_strategy", "alice", strategy="stETH", token="stETH", amount=100 * ETHER
    )
    deposit = next(e for e in events if e["event"] == "Deposit")
    assert deposit["shares"] == 100 * ETHER
    shares = world.view("eigenlayer.get_withdrawable_shares", staker="alice", strategies=["stETH"])
    assert shares == {"withdrawable_shares": [100 * ETHER], "deposit_shares": [100 * ETHER]}


def test_a_rejected_call_raises_the_protocols_error_and_changes_nothing():
    world = funded_world()
    before = world.state_hash()
    with pytest.raises(rampart.Rejected) as caught:
        world.call(
            "eigenlayer.deposit_into_strategy", "alice", strategy="stETH", token="stETH", amount=101 * ETHER
        )
    assert caught.value.name == "InsufficientBalance"
    assert "InsufficientBalance" in str(caught.value)
    assert world.state_hash() == before


def test_unauthorized_calls_are_rejected_by_name():
    world = rampart.World()
    with pytest.raises(rampart.Rejected) as caught:
        world.call("token.mint", "mallory", to="mallory", token="stETH", amount=1)
    assert caught.value.name == "OnlyAdmin"


def test_unknown_names_and_bad_arguments_are_bad_calls():
    world = funded_world()
    before = world.state_hash()
    with pytest.raises(rampart.BadCall, match="unknown protocol"):
        world.call("nosuch.thing", "alice")
    with pytest.raises(rampart.BadCall):
        world.call("token.mint", "admin", to="alice", token="stETH", amount="lots")
    assert isinstance(rampart.BadCall("x"), ValueError)
    assert world.state_hash() == before


def test_floats_are_refused_because_money_is_exact():
    world = rampart.World()
    before = world.state_hash()
    with pytest.raises(TypeError, match="float"):
        world.call("token.mint", "admin", to="alice", token="stETH", amount=1.5e18)
    assert world.state_hash() == before


def test_the_clock_moves_forward_only():
    world = rampart.World()
    world.advance_blocks(10)
    assert world.block == 10
    world.advance_seconds(13)
    assert world.block == 12
    with pytest.raises(ValueError):
        world.set_block(5)
    assert world.block == 12


def test_same_calls_same_state_hash_and_copies_are_independent():
    a, b = funded_world(), funded_world()
    assert a.state_hash() == b.state_hash()
    what_if = a.copy()
    what_if.call("token.mint", "admin", to="bob", token="stETH", amount=1)
    assert what_if.state_hash() != a.state_hash()
    assert a.state_hash() == b.state_hash()
    assert copy.deepcopy(a).state_hash() == a.state_hash()


def test_a_saved_world_round_trips():
    world = funded_world()
    again = rampart.World.from_json(world.to_json())
    assert again.state_hash() == world.state_hash()
    assert again.block == 1000
    with pytest.raises(ValueError, match="not a saved world"):
        rampart.World.from_json("{}")


def test_rename_shows_names_for_display():
    world = funded_world()
    event = world.call("token.mint", "admin", to="bob", token="stETH", amount=5)[0]
    shown = world.rename(event)
    assert shown["to"] == "bob"
    assert shown["value"] == 5


def test_invariants_hold_after_calls():
    world = funded_world()
    world.check_invariants()
