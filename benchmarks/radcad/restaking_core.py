"""The restaking core in radCAD, the same model as rampart_sim::cadcad::restaking_core.

Five operators securing three services (two links each); a fault on each link with
probability fault_ppm/1e6 a step slashes severity_bps of the operator's stake; stakers ask
to exit 2% of everything slashed so far each step; the rest of the network asks up to
demand_max; the exit queue drains `churn` a step. Amounts in gwei (integers).

    pip install radcad typing_extensions
    RADCAD_BACKEND=SINGLE_PROCESS python benchmarks/radcad/restaking_core.py [TIMESTEPS]

prints state rows per second (radCAD defaults otherwise: deepcopy on).
"""
import random
import sys
import time

from radcad import Engine, Experiment, Model, Simulation
from radcad.engine import Backend

OPERATORS = 5
LINKS = [[0, 1], [1, 2], [2, 0], [0, 1], [1, 2]]
rng = random.Random(1)


def faults(params, substep, history, state):
    signal = {f"slash_{o}": 0 for o in range(OPERATORS)}
    for o, services in enumerate(LINKS):
        for _ in services:
            if rng.getrandbits(64) % 1_000_000 < params["fault_ppm"]:
                signal[f"slash_{o}"] += state[f"stake_{o}"] * params["severity_bps"] // 10_000
    return signal


def network_demand(params, substep, history, state):
    return {"demand": rng.getrandbits(64) % (params["demand_max"] + 1)}


def loss_driven_exits(params, substep, history, state):
    return {"demand": state["slashed"] * 2 // 100}


def stake_update(o):
    def update(params, substep, history, state, signal):
        return f"stake_{o}", state[f"stake_{o}"] - signal[f"slash_{o}"]
    return update


def slashed(params, substep, history, state, signal):
    return "slashed", state["slashed"] + sum(signal[f"slash_{o}"] for o in range(OPERATORS))


def queue(params, substep, history, state, signal):
    waiting = state["exit_queue"] + signal["demand"]
    return "exit_queue", waiting - min(waiting, params["churn"])


def exited(params, substep, history, state, signal):
    return "exited", state["exited"] + min(state["exit_queue"] + signal["demand"], params["churn"])


initial_state = {f"stake_{o}": 32_000_000_000_000 for o in range(OPERATORS)}
initial_state.update(slashed=0, exit_queue=0, exited=0)
blocks = [
    {"policies": {"faults": faults},
     "variables": {**{f"stake_{o}": stake_update(o) for o in range(OPERATORS)}, "slashed": slashed}},
    {"policies": {"network": network_demand, "stakers": loss_driven_exits},
     "variables": {"exit_queue": queue, "exited": exited}},
]
params = {
    "fault_ppm": [1_000, 5_000, 20_000],
    "severity_bps": [100],
    "demand_max": [100_000_000_000_000],
    "churn": [57_600_000_000_000],
}

if __name__ == "__main__":
    timesteps = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    sim = Simulation(model=Model(initial_state=initial_state, state_update_blocks=blocks, params=params),
                     timesteps=timesteps, runs=1)
    experiment = Experiment([sim])
    experiment.engine = Engine(backend=Backend.SINGLE_PROCESS)
    start = time.perf_counter()
    result = experiment.run()
    seconds = time.perf_counter() - start
    print(f"radCAD: {len(result)} rows in {seconds:.2f} s = {len(result) / seconds:,.0f} state rows/s")
