#!/usr/bin/env bash
# The Python package (python/, crates/py): builds it into a virtualenv with maturin and runs
# python/tests — the World API, exact integers, scenarios, risk reports, simulation tables and
# the Ray backend's equality with a local run on a local Ray instance — and the README's Python.
#
# CI builds the extension with cargo's dev profile, reusing what `cargo test` just compiled;
# set RAMPART_PY_RELEASE=1 for an optimised build (what `pip install ./python` makes).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
venv="${RAMPART_PY_VENV:-${CARGO_TARGET_DIR:-$root/target}/python-venv}"
python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check -r python/requirements-ci.txt
profile=()
if [ "${RAMPART_PY_RELEASE:-0}" = 1 ]; then profile=(--release); fi
(cd python && VIRTUAL_ENV="$venv" PATH="$venv/bin:$PATH" maturin develop --locked "${profile[@]}" -q)
"$venv/bin/python" -m pytest -q python/tests
