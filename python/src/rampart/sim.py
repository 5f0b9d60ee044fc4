"""Monte Carlo runs of the simulator (``rampart sim``) from Python, locally or on Ray.

>>> import rampart.sim
>>> table = rampart.sim.run("scenarios/sim/tiny.toml", runs=4)
>>> table.to_pandas()  # cadCAD's columns: simulation, subset, run, substep, timestep, ...

Every path is a pure function of (model, seed, path index), so a run split into ranges of
paths, on one machine or on many, gives the same rows in the same order as one local run.
"""

from __future__ import annotations

import os
from typing import List, Optional, Sequence, Union

from rampart._native import Simulation

__all__ = ["Simulation", "run", "ranges"]

StrPath = Union[str, "os.PathLike[str]"]


def run(
    model: StrPath,
    *,
    runs: Optional[int] = None,
    seeds: Optional[Sequence[int]] = None,
    backend: str = "local",
    chunks: Optional[int] = None,
    threads: int = 0,
):
    """Runs every path of ``model`` and returns them as one ``pyarrow.Table``.

    ``runs`` overrides the model's number of runs. ``seeds`` runs the model once per seed, as
    cadCAD's ``simulation`` index (0, 1, …) in that order; by default, the model's own seed.
    ``backend`` is ``"local"`` (this process, ``threads`` threads, 0 for every core) or
    ``"ray"``: the paths are split into ``chunks`` ranges (default: twice the cluster's CPUs)
    run as Ray tasks on whatever cluster ``ray.init()`` connected to (a local one is started
    if none is). The model file must be readable at the same path on every Ray worker (a
    shared folder, or the repository in the job's ``runtime_env`` working directory).
    """
    import pyarrow as pa

    path = os.fspath(model)
    seeds = list(seeds) if seeds is not None else [None]
    if not seeds:
        raise ValueError("seeds is empty: give at least one seed, or None for the model's")
    tables = []
    for simulation, seed in enumerate(seeds):
        if backend == "local":
            table = _run_local(path, runs, seed, threads)
        elif backend == "ray":
            table = _run_ray(path, runs, seed, chunks)
        else:
            raise ValueError(f"unknown backend {backend!r}: 'local' or 'ray'")
        tables.append(_as_simulation(table, simulation))
    return pa.concat_tables(tables)


def ranges(count: int, chunks: int) -> List[range]:
    """``range(count)`` split into at most ``chunks`` consecutive, nearly equal ranges."""
    if chunks < 1:
        raise ValueError("chunks must be at least 1")
    chunks = min(chunks, max(count, 1))
    size, extra = divmod(count, chunks)
    out, start = [], 0
    for index in range(chunks):
        end = start + size + (1 if index < extra else 0)
        out.append(range(start, end))
        start = end
    return out


def _run_local(path: str, runs: Optional[int], seed: Optional[int], threads: int):
    import pyarrow as pa

    simulation = Simulation(path, runs=runs, seed=seed)
    batch = simulation.run_paths(0, simulation.path_count, threads=threads)
    return pa.Table.from_batches([batch])


def _run_ray(path: str, runs: Optional[int], seed: Optional[int], chunks: Optional[int]):
    import pyarrow as pa
    import ray

    if not ray.is_initialized():
        ray.init()
    count = Simulation(path, runs=runs, seed=seed).path_count
    if chunks is None:
        chunks = 2 * max(int(ray.cluster_resources().get("CPU", 1)), 1)
    task = ray.remote(num_cpus=1)(_run_range)
    pending = [task.remote(path, runs, seed, r.start, r.stop) for r in ranges(count, chunks)]
    # ray.get keeps the order of `pending`, so the rows come back in path order.
    return pa.concat_tables(ray.get(pending))


def _run_range(path: str, runs: Optional[int], seed: Optional[int], start: int, stop: int):
    """One Ray task: a range of paths on one thread (Ray gives each task one CPU)."""
    import pyarrow as pa

    simulation = Simulation(path, runs=runs, seed=seed)
    return pa.Table.from_batches([simulation.run_paths(start, stop, threads=1)])


def _as_simulation(table, simulation: int):
    """``table`` with its ``simulation`` column set to ``simulation`` (cadCAD's index of
    the run configuration: here, of the seed)."""
    import pyarrow as pa

    if "simulation" not in table.column_names:
        return table
    index = table.column_names.index("simulation")
    kind = table.schema.field(index).type
    column = pa.array([simulation] * table.num_rows, type=kind)
    return table.set_column(index, "simulation", column)

