"""rampart.run_scenario, World.from_scenario and rampart.risk against the shipped files."""

import pytest

import rampart
from conftest import golden_hash

FIRST = "scenarios/01_deposit_and_delegate.toml"


def test_a_scenario_reproduces_its_pinned_state_hash(repo):
    report = rampart.run_scenario(repo / FIRST)
    assert report["ok"] is True
    assert report["state_hash"] == golden_hash(repo, FIRST)
    assert report["steps"][0]["step"] == 1


def test_the_world_a_scenario_leaves_continues_from_there(repo):
    world = rampart.World.from_scenario(str(repo / FIRST))
    assert world.state_hash() == golden_hash(repo, FIRST)
    world.call("token.mint", "admin", to="carol", token="stETH", amount=1)
    assert world.state_hash() != golden_hash(repo, FIRST)


def test_a_failing_scenario_says_where(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(
        'name = "bad"\n\n[[step]]\ncall = "token.mint"\n'
        'args = { to = "alice", token = "stETH", amount = "1 ether" }\n\n'
        '[[step]]\nview = "token.balance_of"\nargs = { token = "stETH", account = "alice" }\n'
        'expect = "2 ether"\n'
    )
    with pytest.raises(rampart.ScenarioFailed) as caught:
        rampart.run_scenario(path)
    assert caught.value.step == 2
    assert caught.value.line == 7  # where the failed [[step]] starts


def test_risk_of_a_network_file(repo):
    report = rampart.risk(repo / "scenarios/networks/figure4_local_is_not_global.toml", exact=True)
    assert "gamma_el" in report
    assert report["secure"] in (True, False)


def test_risk_of_a_world_matches_risk_of_its_scenario(repo):
    path = repo / "scenarios/02_risk_isolation.toml"
    from_file = rampart.risk(path, exact=False)
    from_world = rampart.risk(rampart.World.from_scenario(path), exact=False)
    assert from_file["gamma_el"] == from_world["gamma_el"]
    assert from_file["operators"] == from_world["operators"]
