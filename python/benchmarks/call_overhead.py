"""What a call from Python costs above the engine's own cost of the same call.

Run against a release build of the package (`pip install ./python`), beside the engine's
criterion benchmark of the same call (`cargo bench -p rampart-engine --bench engine -- one_call`):

    python python/benchmarks/call_overhead.py

prints nanoseconds per `World.call` of `token.transfer` (1 wei, alice to bob) and per
`World.view` of `token.balance_of`, the median of several rounds.
"""

import statistics
import time

import rampart

ROUNDS = 7
CALLS = 20_000


def per_call(function) -> float:
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter_ns()
        for _ in range(CALLS):
            function()
        samples.append((time.perf_counter_ns() - start) / CALLS)
    return statistics.median(samples)


def main() -> None:
    world = rampart.World()
    world.call("token.mint", "admin", to="alice", token="stETH", amount=10**30)
    alice = rampart.address("alice")
    bob = rampart.address("bob")

    def transfer():
        world.call("token.transfer", alice, token="stETH", to=bob, amount=1)

    def balance():
        world.view("token.balance_of", token="stETH", account=alice)

    print(f"World.call token.transfer: {per_call(transfer):8.0f} ns")
    print(f"World.view token.balance_of: {per_call(balance):8.0f} ns")


if __name__ == "__main__":
    main()
