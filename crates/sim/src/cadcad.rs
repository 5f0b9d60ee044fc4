//! A cadCAD-style interface for modellers who bring their own policies: state variables,
//! partial state update blocks (policies whose signals are summed, then update functions that
//! all see the same pre-block state), parameters with sweeps, Monte Carlo runs, and radCAD's
//! results table (state columns in model order, then `simulation, subset, run, substep,
//! timestep`; run 1-based; the initial state as `substep = 0, timestep = 0`; every substep a
//! row; runs outer, subsets inner).
//!
//! State and signals are integers (`i64`: wei would overflow, so models keep gwei or their own
//! units), so a model stays as deterministic as the engine; each path's policies draw from a
//! [`Stream`] keyed by (model name, seed, path), never from the thread that runs them.

use std::{ops::Range, sync::Arc};

use arrow::{
    array::{ArrayRef, Int64Array, RecordBatch},
    datatypes::{DataType, Field, Schema},
};
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::rng::{PathKey, Stream};

/// A policy: reads the parameters, the substep and the state, draws from the path's stream,
/// and adds its signal into `signal` (policies of a block are summed, as cadCAD's default).
pub type Policy<P> =
    fn(params: &P, substep: usize, state: &[i64], rng: &mut Stream, signal: &mut [i64]);

/// A state update: the new value of one variable from the pre-block state and the summed
/// signal.
pub type Update<P> = fn(params: &P, substep: usize, state: &[i64], signal: &[i64]) -> i64;

/// A partial state update block.
#[derive(Debug, Clone)]
pub struct Block<P> {
    /// Its policies.
    pub policies: Vec<Policy<P>>,
    /// `(variable index, update)`.
    pub updates: Vec<(usize, Update<P>)>,
}

/// A model: named state variables with their initial values, the signal's width, the blocks,
/// and one parameter set per subset.
#[derive(Debug, Clone)]
pub struct CadModel<P> {
    /// Its name (part of every stream's seed).
    pub name: String,
    /// State variable names, in column order.
    pub state: Vec<String>,
    /// Initial values.
    pub initial: Vec<i64>,
    /// Signal slots.
    pub signals: usize,
    /// The blocks, one substep each.
    pub blocks: Vec<Block<P>>,
    /// Parameters of each subset (the sweep, expanded).
    pub subsets: Vec<P>,
}

/// One simulation: how long and how many runs.
#[derive(Debug, Clone, Copy)]
pub struct Simulation {
    /// Timesteps.
    pub timesteps: u64,
    /// Monte Carlo runs per subset.
    pub runs: u64,
    /// Master seed.
    pub seed: u64,
}

impl<P: Sync> CadModel<P> {
    fn key(&self, p: u64) -> PathKey {
        let subsets = self.subsets.len().max(1) as u64;
        PathKey { simulation: 0, subset: p % subsets, run: p / subsets + 1 }
    }

    /// Rows of one path, flat (state columns then the five indices, per row).
    fn path(&self, sim: Simulation, hash: &[u8; 32], p: u64) -> Vec<i64> {
        let key = self.key(p);
        let params = &self.subsets[usize::try_from(key.subset).expect("a subset index")];
        let mut rng = Stream::new(hash, sim.seed, key, "policies");
        let width = self.state.len() + 5;
        let rows = 1 + sim.timesteps as usize * self.blocks.len();
        let mut out = Vec::with_capacity(rows * width);
        let index = |out: &mut Vec<i64>, substep: usize, t: u64| {
            out.extend([0, key.subset as i64, key.run as i64, substep as i64, t as i64]);
        };
        let mut state = self.initial.clone();
        out.extend_from_slice(&state);
        index(&mut out, 0, 0);
        let mut signal = vec![0i64; self.signals];
        let mut next = state.clone();
        for t in 1..=sim.timesteps {
            for (b, block) in self.blocks.iter().enumerate() {
                let substep = b + 1;
                signal.iter_mut().for_each(|s| *s = 0);
                for policy in &block.policies {
                    policy(params, substep, &state, &mut rng, &mut signal);
                }
                next.copy_from_slice(&state);
                for (var, update) in &block.updates {
                    next[*var] = update(params, substep, &state, &signal);
                }
                std::mem::swap(&mut state, &mut next);
                out.extend_from_slice(&state);
                index(&mut out, substep, t);
            }
        }
        out
    }

    /// The results table of paths `range` (runs × subsets in radCAD's order), in parallel on
    /// the current rayon pool; chunks concatenate to the whole run.
    pub fn run(&self, sim: Simulation, range: Range<u64>) -> Result<RecordBatch, String> {
        let hash: [u8; 32] = Sha256::digest(self.name.as_bytes()).into();
        let end = range.end.min(sim.runs * self.subsets.len() as u64);
        let paths: Vec<Vec<i64>> =
            (range.start..end).into_par_iter().map(|p| self.path(sim, &hash, p)).collect();
        let width = self.state.len() + 5;
        let mut fields: Vec<Field> =
            self.state.iter().map(|n| Field::new(n, DataType::Int64, false)).collect();
        fields.extend(
            crate::table::INDEX_COLUMNS.iter().map(|n| Field::new(*n, DataType::Int64, false)),
        );
        let columns: Vec<ArrayRef> = (0..width)
            .map(|c| {
                let values: Vec<i64> = paths
                    .iter()
                    .flat_map(|rows| rows.iter().skip(c).step_by(width).copied())
                    .collect();
                Arc::new(Int64Array::from(values)) as ArrayRef
            })
            .collect();
        RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).map_err(|e| e.to_string())
    }
}

/// The restaking core used to compare with radCAD (`benchmarks/radcad/restaking_core.py` is
/// the same model in radCAD): five operators securing three services (two each), a fault
/// on each link with probability `fault_ppm` a step slashing `severity_bps` of the operator's
/// stake; stakers of slashed operators asking to exit; the rest of the network's exit demand;
/// and the exit queue draining `churn` a step. Amounts in gwei.
pub mod restaking_core {
    use super::{Block, CadModel, Stream};

    /// Parameters.
    #[derive(Debug, Clone, Copy)]
    pub struct Params {
        /// Fault probability per link per step, ppm.
        pub fault_ppm: u64,
        /// Share of the stake a fault slashes, bps.
        pub severity_bps: i64,
        /// Most network exit demand in a step, gwei (uniform).
        pub demand_max: u64,
        /// Exit churn per step, gwei.
        pub churn: i64,
    }

    const OPERATORS: usize = 5;
    /// Each operator's two services.
    const LINKS: [[usize; 2]; OPERATORS] = [[0, 1], [1, 2], [2, 0], [0, 1], [1, 2]];
    const SLASHED: usize = OPERATORS;
    const QUEUE: usize = OPERATORS + 1;
    const EXITED: usize = OPERATORS + 2;
    const DEMAND: usize = OPERATORS;

    fn faults(p: &Params, _: usize, state: &[i64], rng: &mut Stream, signal: &mut [i64]) {
        for (o, services) in LINKS.iter().enumerate() {
            for _ in services {
                if rng.next_u64() % 1_000_000 < p.fault_ppm {
                    signal[o] += state[o] * p.severity_bps / 10_000;
                }
            }
        }
    }

    fn network_demand(p: &Params, _: usize, _: &[i64], rng: &mut Stream, signal: &mut [i64]) {
        signal[DEMAND] += i64::try_from(rng.next_u64() % (p.demand_max + 1)).unwrap_or(0);
    }

    fn loss_driven_exits(_: &Params, _: usize, state: &[i64], _: &mut Stream, signal: &mut [i64]) {
        // Stakers ask to exit twice what was slashed so far, a hundredth of it each step.
        signal[DEMAND] += state[SLASHED] * 2 / 100;
    }

    macro_rules! stake_update {
        ($name:ident, $o:expr) => {
            fn $name(_: &Params, _: usize, state: &[i64], signal: &[i64]) -> i64 {
                state[$o] - signal[$o]
            }
        };
    }
    stake_update!(stake0, 0);
    stake_update!(stake1, 1);
    stake_update!(stake2, 2);
    stake_update!(stake3, 3);
    stake_update!(stake4, 4);

    fn slashed(_: &Params, _: usize, state: &[i64], signal: &[i64]) -> i64 {
        state[SLASHED] + signal[..OPERATORS].iter().sum::<i64>()
    }

    fn queue(p: &Params, _: usize, state: &[i64], signal: &[i64]) -> i64 {
        let waiting = state[QUEUE] + signal[DEMAND];
        waiting - waiting.min(p.churn)
    }

    fn exited(p: &Params, _: usize, state: &[i64], signal: &[i64]) -> i64 {
        state[EXITED] + (state[QUEUE] + signal[DEMAND]).min(p.churn)
    }

    /// The model with `subsets` parameter sets.
    pub fn model(subsets: Vec<Params>) -> CadModel<Params> {
        let mut state: Vec<String> = (0..OPERATORS).map(|o| format!("stake_{o}")).collect();
        state.extend(["slashed", "exit_queue", "exited"].map(String::from));
        let mut initial = vec![32_000_000_000_000i64; OPERATORS]; // 32,000 ETH each, in gwei
        initial.extend([0, 0, 0]);
        CadModel {
            name: "restaking core".into(),
            state,
            initial,
            signals: OPERATORS + 1,
            blocks: vec![
                Block {
                    policies: vec![faults],
                    updates: vec![
                        (0, stake0),
                        (1, stake1),
                        (2, stake2),
                        (3, stake3),
                        (4, stake4),
                        (SLASHED, slashed),
                    ],
                },
                Block {
                    policies: vec![network_demand, loss_driven_exits],
                    updates: vec![(QUEUE, queue), (EXITED, exited)],
                },
            ],
            subsets,
        }
    }

    /// The benchmark's three subsets (a sweep of the fault rate).
    pub fn benchmark_subsets() -> Vec<Params> {
        [1_000, 5_000, 20_000]
            .map(|fault_ppm| Params {
                fault_ppm,
                severity_bps: 100,
                demand_max: 100_000_000_000_000,
                churn: 57_600_000_000_000,
            })
            .to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radcad_shape_and_chunking() {
        let model = restaking_core::model(restaking_core::benchmark_subsets());
        let sim = Simulation { timesteps: 4, runs: 2, seed: 1 };
        let whole = model.run(sim, 0..6).unwrap();
        assert_eq!(whole.num_rows(), 6 * (1 + 4 * 2));
        let parts: Vec<_> = (0..6).map(|p| model.run(sim, p..p + 1).unwrap()).collect();
        assert_eq!(arrow::compute::concat_batches(&whole.schema(), &parts).unwrap(), whole);
        let col = |name: &str| {
            whole
                .column_by_name(name)
                .unwrap()
                .as_any()
                .downcast_ref::<Int64Array>()
                .unwrap()
                .values()
                .to_vec()
        };
        // Runs outer, subsets inner; run 1-based; substeps 0 then 1, 2.
        assert_eq!(&col("run")[..10], &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
        assert_eq!(col("subset")[9], 1);
        assert_eq!(&col("substep")[..4], &[0, 1, 2, 1]);
        assert_eq!(&col("timestep")[..4], &[0, 1, 1, 2]);
        // Conservation: stake + slashed is constant; the queue never exceeds what was asked.
        let total: Vec<i64> = (0..whole.num_rows())
            .map(|r| (0..5).map(|o| col(&format!("stake_{o}"))[r]).sum::<i64>() + col("slashed")[r])
            .collect();
        assert!(total.iter().all(|&t| t == 5 * 32_000_000_000_000));
    }
}
