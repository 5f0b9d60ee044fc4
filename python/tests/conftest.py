import pathlib

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def repo() -> pathlib.Path:
    return REPO


def golden_hash(repo: pathlib.Path, scenario: str) -> str:
    """The state hash the Rust scenario tests pin for `scenario`."""
    for line in (repo / "crates/scenario/tests/golden_state_hashes.txt").read_text().splitlines():
        path, _, digest = line.partition(" ")
        if path == scenario:
            return digest
    raise KeyError(scenario)
