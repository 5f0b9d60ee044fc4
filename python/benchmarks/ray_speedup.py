"""Throughput of one sweep on a local Ray instance with 2 workers against one process.

    python python/benchmarks/ray_speedup.py [MODEL] [RUNS]

Runs the same paths (default: the reference 2026 model, 8 runs) once in this process on one
thread, and once as Ray tasks on a local Ray instance with 2 CPUs; prints paths per second of
each and the ratio. Use a release build of the package (`pip install ./python`).
"""

import sys
import time

import ray

import rampart.sim

MODEL = sys.argv[1] if len(sys.argv) > 1 else "scenarios/sim/reference_2026.toml"
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 8


def timed(**options):
    start = time.perf_counter()
    table = rampart.sim.run(MODEL, runs=RUNS, **options)
    return table, time.perf_counter() - start


def main() -> None:
    local, local_seconds = timed(backend="local", threads=1)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    timed(backend="ray", chunks=2)  # warm-up: workers start and import the package
    distributed, ray_seconds = timed(backend="ray", chunks=RUNS)
    assert distributed.equals(local)
    print(f"one process, one thread: {RUNS / local_seconds:6.2f} paths/s")
    print(f"Ray, 2 workers:          {RUNS / ray_seconds:6.2f} paths/s")
    print(f"speed-up:                {local_seconds / ray_seconds:6.2f}x")


if __name__ == "__main__":
    main()
