"""Type stubs for the Rust extension module (crates/py)."""

from os import PathLike
from typing import Any, Dict, List, Optional, Sequence, Union

Json = Any
Event = Dict[str, Any]
StrPath = Union[str, "PathLike[str]"]

class Rejected(Exception):
    """A call or view the world rejected; nothing changed."""

    name: str
    """The protocol's error name, e.g. ``"InsufficientMagnitude"``."""
    message: str
    """What failed."""

class BadCall(ValueError):
    """An unknown ``protocol.function``, or arguments that do not fit it. Nothing changed."""

class ScenarioFailed(Exception):
    """A scenario stopped at a failed step."""

    step: int
    line: int
    message: str
    expected: Optional[str]
    actual: Optional[str]

class World:
    """A deterministic world: EigenLayer, the beacon chain, Symbiotic, Karak, Jito, Babylon
    and the LRTs, driven by calls."""

    def __init__(self, params: str = "mainnet") -> None:
        """A world at block 0; ``params`` is ``"mainnet"`` or ``"testnet"`` (short delays)."""
    @staticmethod
    def from_json(text: str) -> "World":
        """The world a saved-world JSON text describes."""
    @staticmethod
    def from_scenario(path: StrPath) -> "World":
        """The world a scenario file leaves when it has run."""
    def to_json(self) -> str:
        """The whole state as JSON."""
    def copy(self) -> "World":
        """An independent copy, for what-ifs."""
    def call(self, name: str, sender: str, /, **args: Json) -> List[Event]:
        """Applies ``protocol.function`` sent by ``sender``; returns its events.

        Raises ``Rejected`` (nothing changed) or ``BadCall``."""
    def view(self, name: str, /, **args: Json) -> Json:
        """Reads ``protocol.function`` (or ``world.…``)."""
    def advance_blocks(self, blocks: int) -> List[Event]:
        """Moves the clock forward; returns the events time produced."""
    def advance_seconds(self, seconds: int) -> List[Event]:
        """Moves the clock forward in whole 12-second blocks (rounded up)."""
    def set_block(self, block: int) -> List[Event]:
        """Moves the clock to ``block``."""
    def warp(self, timestamp: int) -> List[Event]:
        """Sets the timestamp, leaving the block."""
    def roll(self, block: int) -> List[Event]:
        """Sets the block number, leaving the timestamp."""
    @property
    def block(self) -> int:
        """The current block."""
    @property
    def timestamp(self) -> int:
        """The current block's timestamp (seconds)."""
    def state_hash(self) -> str:
        """A keccak256 commitment to the whole state (0x hex)."""
    def check_invariants(self) -> None:
        """Raises ``AssertionError`` naming a violated invariant."""
    def rename(self, value: Json) -> Json:
        """``value`` with every address this world has seen named shown by its name."""

def run_scenario(path: StrPath) -> Dict[str, Any]:
    """Runs a scenario file; returns its report (``rampart run --json``)."""

def address(name: str) -> str:
    """The address Rampart gives the account ``name`` (EIP-55 hex)."""

def risk(
    source: Union[World, StrPath],
    /,
    *,
    inputs: Optional[StrPath] = None,
    exact: bool = True,
    shocks: Optional[Sequence[str]] = None,
) -> Dict[str, Any]:
    """The risk report ``rampart risk --json`` prints, as a dict."""

class Simulation:
    """A simulator model ready to run; every path a pure function of (model, seed, index)."""

    def __init__(self, path: StrPath, /, *, runs: Optional[int] = None, seed: Optional[int] = None) -> None:
        """Loads a model file, ``runs`` and ``seed`` overriding the file's."""
    @property
    def path_count(self) -> int:
        """Paths in all: runs × parameter subsets."""
    @property
    def seed(self) -> int: ...
    @property
    def name(self) -> str: ...
    def run_paths(self, start: int, end: int, /, *, threads: int = 0) -> Any:
        """The rows of paths ``[start, end)`` as a ``pyarrow.RecordBatch``."""
