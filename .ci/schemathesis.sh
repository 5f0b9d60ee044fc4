#!/usr/bin/env bash
# Fuzzes a running node's HTTP API against its own OpenAPI document with schemathesis: every
# check (server errors, undocumented statuses, schema violations either way, wrong methods).
# Fails on any failure schemathesis reports. Run by .ci/run after the cargo tests; locally:
#   .ci/schemathesis.sh
# Environment: SCHEMATHESIS_EXAMPLES (per operation, default 40), SCHEMATHESIS_SEED (default 1,
# so that a failure in CI reproduces locally).
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
node_pid=
cleanup() {
  if [ -n "$node_pid" ] && kill -0 "$node_pid" 2>/dev/null; then
    kill -INT "$node_pid" 2>/dev/null || true
    wait "$node_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# schemathesis lives in its own virtualenv: Debian's system Python refuses `pip install`.
if ! python3 -m venv "$work/venv" >/dev/null 2>&1; then
  if command -v apt-get >/dev/null; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv python3-pip >/dev/null
  fi
  python3 -m venv "$work/venv"
fi
"$work/venv/bin/pip" install -q --disable-pip-version-check schemathesis
"$work/venv/bin/schemathesis" --version

# The debug binary: `cargo test --workspace` has just built it.
cargo build --locked -q -p rampart-cli
bin="${CARGO_TARGET_DIR:-target}/debug/rampart"

# Port 0: the node picks a free port and says which.
"$bin" node --dev --block-time 0 --data-dir "$work/data" --listen 127.0.0.1:0 \
  >"$work/node.out" 2>"$work/node.err" &
node_pid=$!
url=
for _ in $(seq 1 240); do
  url=$(sed -n 's/^listening on \(http[^ ]*\).*/\1/p' "$work/node.err")
  [ -n "$url" ] && break
  if ! kill -0 "$node_pid" 2>/dev/null; then
    echo "the node did not start:" >&2
    cat "$work/node.err" >&2
    exit 1
  fi
  sleep 0.25
done
[ -n "$url" ] || { echo "the node did not say where it listens" >&2; exit 1; }
"$work/venv/bin/python" - "$url/health" <<'PY'
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=10) as response:
    assert response.status == 200, response.status
PY

status=0
"$work/venv/bin/schemathesis" --config-file .ci/schemathesis.toml run "$url/openapi.json" \
  --checks all \
  --max-examples "${SCHEMATHESIS_EXAMPLES:-40}" \
  --seed "${SCHEMATHESIS_SEED:-1}" \
  --generation-database none \
  --request-timeout 10 \
  --no-color || status=$?
if [ "$status" -ne 0 ]; then
  echo "schemathesis found failures; the node's log:" >&2
  tail -n 50 "$work/node.err" >&2
fi
exit "$status"
