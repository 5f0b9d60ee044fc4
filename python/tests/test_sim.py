"""rampart.sim: simulation tables from Python, zero-copy Arrow, and the Ray backend."""

import pyarrow as pa
import pytest

import rampart
import rampart.sim

TINY = "scenarios/sim/tiny.toml"
CADCAD = ["simulation", "subset", "run", "substep", "timestep"]


@pytest.fixture
def tiny(repo):
    return str(repo / TINY)


def test_a_run_is_a_pyarrow_table_with_cadcads_columns(tiny):
    table = rampart.sim.run(tiny, runs=2)
    assert isinstance(table, pa.Table)
    assert table.column_names[-5:] == CADCAD  # radCAD puts them after the state variables
    assert set(table.column("run").to_pylist()) == {1, 2}
    frame = table.to_pandas()
    assert len(frame) == table.num_rows > 0


def test_the_same_seed_gives_the_same_rows_and_another_seed_does_not(tiny):
    first = rampart.sim.run(tiny, runs=2, threads=1)
    again = rampart.sim.run(tiny, runs=2, threads=2)
    assert first.equals(again)
    other = rampart.sim.run(tiny, runs=2, seeds=[8])
    assert not other.equals(first)


def test_ranges_of_paths_concatenate_to_the_whole_run(tiny):
    simulation = rampart.Simulation(tiny, runs=3)
    whole = simulation.run_paths(0, simulation.path_count)
    parts = [simulation.run_paths(r.start, r.stop) for r in rampart.sim.ranges(simulation.path_count, 2)]
    assert pa.Table.from_batches(parts).equals(pa.Table.from_batches([whole]))


def test_seeds_are_cadcads_simulation_index(tiny):
    table = rampart.sim.run(tiny, runs=1, seeds=[7, 8])
    assert sorted(set(table.column("simulation").to_pylist())) == [0, 1]
    seven = rampart.sim.run(tiny, runs=1, seeds=[7])
    own = rampart.sim.run(tiny, runs=1)
    assert seven.equals(own)


def test_bad_arguments_are_explained(tiny):
    with pytest.raises(ValueError, match="backend"):
        rampart.sim.run(tiny, backend="spark")
    with pytest.raises(ValueError, match="runs"):
        rampart.Simulation(tiny, runs=0)
    simulation = rampart.Simulation(tiny, runs=1)
    with pytest.raises(ValueError, match="not within"):
        simulation.run_paths(0, simulation.path_count + 1)
    with pytest.raises(ValueError):
        rampart.Simulation("no/such/model.toml")


def test_ranges_split_evenly():
    assert [len(r) for r in rampart.sim.ranges(10, 3)] == [4, 3, 3]
    assert [list(r) for r in rampart.sim.ranges(2, 5)] == [[0], [1]]


@pytest.fixture(scope="module")
def local_ray():
    import ray  # in python/requirements-ci.txt: the Ray backend is tested for real

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


def test_a_ray_run_equals_a_local_run_row_for_row(tiny, local_ray):
    local = rampart.sim.run(tiny, runs=3, seeds=[7, 11])
    distributed = rampart.sim.run(tiny, runs=3, seeds=[7, 11], backend="ray", chunks=4)
    assert distributed.num_rows == local.num_rows
    assert distributed.equals(local)
