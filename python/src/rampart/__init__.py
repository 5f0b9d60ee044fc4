"""Rampart: a deterministic engine of the restaking ecosystem, from Python.

>>> import rampart
>>> world = rampart.World(params="testnet")
>>> world.call("token.mint", "admin", to="alice", token="stETH", amount=10**18)[0]["event"]
'Transfer'

Names work wherever an address does (``"alice"``, ``"op1"``), symbols wherever a token or a
strategy does (``"stETH"``). Every integer Rampart returns is a Python ``int``, exact at any
size (the engine's amounts are 256-bit wei); pass ``int`` wei or a string with a unit
(``"32 ether"``), never a ``float``.
"""

from rampart._native import (
    BadCall,
    Rejected,
    ScenarioFailed,
    Simulation,
    World,
    address,
    risk,
    run_scenario,
)
from rampart import sim

__all__ = [
    "BadCall",
    "Rejected",
    "ScenarioFailed",
    "Simulation",
    "World",
    "address",
    "risk",
    "run_scenario",
    "sim",
]
