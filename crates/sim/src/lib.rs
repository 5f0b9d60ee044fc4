//! Rampart's Monte Carlo simulator: many copies of the real world driven through seeded
//! random futures.
//!
//! A [`Model`] (a TOML file) names the starting world, the horizon and step, the processes'
//! [`Params`] (with sweeps) and the strategy question. [`prepare`] builds the starting world
//! once; [`run_paths`] runs a range of path indices and returns their rows; [`run`] runs them
//! all on a rayon pool. Every path is a pure function of (model, seed, path key): its random
//! streams are keyed by the path alone ([`rng`]), and the rows come back in path order, so the
//! concatenation of `run_paths` over consecutive ranges is a single run row for row, whatever
//! the thread count or the chunking (what a Python binding or a Ray task relies on).
//!
//! ```text
//!  model.toml ─► prepare ─► Prepared { world, cast, subsets }
//!                               │  path p = (simulation 0, subset p mod S, run p div S + 1)
//!                               ▼
//!          streams(model hash, seed, p, process) ─► draws ─► calls ─► World::apply
//!                               │
//!                        rows (radCAD shape) ─► Arrow ─► Parquet / CSV ─► summary, plots
//! ```

// The samplers turn floats into integers on purpose, each clamped to its range first (see
// `rng`): that is where randomness becomes the integers the world receives.
#![allow(clippy::cast_possible_truncation)]

pub mod act;
pub mod cadcad;
pub mod cast;
pub mod faults;
pub mod model;
pub mod path;
pub mod plots;
pub mod queue;
pub mod reference;
pub mod risk;
pub mod rng;
pub mod summary;
pub mod table;

use std::{collections::BTreeMap, ops::Range, path::Path};

use arrow::array::RecordBatch;
use rampart_engine::{Address, U256, World, accounts::named_address};
use rayon::prelude::*;
use serde_json::json;

pub use model::{Model, Params};
pub use rng::PathKey;
pub use table::PathOutput;

use crate::cast::{Cast, Strategy, call};

/// A model ready to run: its starting world, cast and subsets.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The model.
    pub model: Model,
    /// Its hash (part of every stream's seed).
    pub hash: [u8; 32],
    /// Each subset's parameters.
    pub subsets: Vec<Params>,
    /// The starting world (every path clones it).
    pub world: World,
    /// Who acts.
    pub cast: Cast,
    /// Every (operator, service slot) link, for picking a faulty link uniformly.
    pub links: Vec<(usize, usize)>,
    /// The risk engine's inputs per subset.
    pub risk_inputs: Vec<rampart_risk::world::Inputs>,
}

impl Prepared {
    /// Paths in all: runs × subsets.
    pub fn path_count(&self) -> u64 {
        self.model.runs * self.subsets.len() as u64
    }

    /// The key of path index `p`: radCAD's order, runs outer, subsets inner.
    pub fn key(&self, p: u64) -> PathKey {
        let subsets = self.subsets.len() as u64;
        PathKey { simulation: 0, subset: p % subsets, run: p / subsets + 1 }
    }
}

/// Reads a model file; paths in it are relative to its folder.
pub fn load(path: &Path) -> Result<Prepared, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let model = Model::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    prepare(model, path.parent().unwrap_or(Path::new(".")))
}

/// Builds the starting world of `model` (relative paths from `base`).
pub fn prepare(model: Model, base: &Path) -> Result<Prepared, String> {
    let subsets = model.subsets()?;
    let (mut world, holders, names) = if let Some(spec) = &model.world.reference {
        reference::build(spec)?
    } else if let Some(file) = &model.world.scenario {
        let file = base.join(file);
        let scenario = rampart_scenario::parse_file(&file).map_err(|e| e.to_string())?;
        let (report, world) = rampart_scenario::run_to_world(&scenario)
            .map_err(|f| format!("{}: the scenario fails: {}", file.display(), f.message))?;
        let names = scenario_names(&world, &report.names);
        (world, model.holder.clone(), names)
    } else {
        let file = base.join(model.world.saved.as_ref().expect("checked at parse"));
        let text =
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let world: World = serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a saved world: {e}", file.display()))?;
        (world, model.holder.clone(), BTreeMap::new())
    };
    let mut cast = Cast::discover(&world, &holders, names)?;
    // Lido holds the ETH behind every stETH that exists (reference worlds already do).
    let steth_supply =
        world.ledger.token(cast::steth()).map(|t| t.total_supply).unwrap_or_default();
    let lido_eth = world.ledger.balance_of(rampart_engine::accounts::NATIVE_ETH, cast::lido());
    if steth_supply > lido_eth {
        cast::mint(&mut world, cast::lido(), "ETH", steth_supply - lido_eth)?;
    }
    if let Some(spec) = &model.strategy {
        cast.strategies = strategies(&mut world, &cast, spec)?;
        for s in &cast.strategies {
            cast.names.insert(s.address, format!("strategy-{}", s.name));
        }
    }
    let links = cast
        .operators
        .iter()
        .enumerate()
        .flat_map(|(o, op)| (0..op.services.len()).map(move |k| (o, k)))
        .collect();
    let names = cast.names.clone();
    let name = move |a: Address| names.get(&a).cloned().unwrap_or_else(|| a.to_string());
    let risk_inputs =
        subsets.iter().map(|p| risk::inputs(&world, &name, p.profit_from_corruption_bps)).collect();
    let hash = model.hash();
    Ok(Prepared { model, hash, subsets, world, cast, links, risk_inputs })
}

/// Names the scenario gave the accounts the simulator reads (services, operators, LRTs).
fn scenario_names(world: &World, book: &rampart_scenario::NameBook) -> BTreeMap<Address, String> {
    let mut addresses: Vec<Address> = Vec::new();
    for (set, info) in &world.eigenlayer.operator_sets {
        addresses.push(set.avs);
        addresses.extend(info.members.iter().copied());
    }
    let sym = &world.symbiotic;
    addresses.extend(sym.networks.iter().copied());
    addresses.extend(sym.middleware.values().copied());
    addresses.extend(sym.vaults.keys().copied());
    addresses.extend(sym.vault_opt_ins.keys().map(|(operator, _)| *operator));
    let karak = &world.karak;
    addresses.extend(karak.dss_max_slashable_percentage_wad.keys().copied());
    addresses.extend(karak.operators.keys().copied());
    addresses.extend(karak.vaults.keys().copied());
    for (pool, lrt) in &world.lrts.instances {
        addresses.push(*pool);
        addresses.extend(lrt.delegators.iter().map(|d| d.operator));
    }
    addresses.into_iter().filter_map(|a| book.name_of(&a).map(|n| (a, n.to_string()))).collect()
}

/// The three strategies, funded with the same amount of new stETH.
fn strategies(
    world: &mut World,
    cast: &Cast,
    spec: &model::StrategySpec,
) -> Result<Vec<Strategy>, String> {
    let lrt = cast.lrt_index(&spec.lrt)?;
    let operator = cast
        .operators
        .iter()
        .position(|o| o.name == spec.operator)
        .ok_or_else(|| format!("strategy: no operator {:?} in the world", spec.operator))?;
    let amount = rng::eth_to_wei(spec.amount_eth);
    if amount.is_zero() {
        return Err("strategy: amount_eth must be positive".into());
    }
    let in_lrt = amount * U256::from(spec.hybrid_lrt_bps.min(10_000)) / U256::from(10_000u64);
    let plans = [
        ("lrt", amount, U256::ZERO),
        ("direct", U256::ZERO, amount),
        ("hybrid", in_lrt, amount - in_lrt),
    ];
    let pool = cast.lrts[lrt].pool.to_string();
    let op = cast.operators[operator].address.to_string();
    let mut out = Vec::new();
    for (name, lrt_part, direct_part) in plans {
        let address = named_address(&format!("strategy-{name}"));
        reference::buy_steth(world, address, amount)?;
        if !lrt_part.is_zero() {
            call(
                world,
                address,
                "lrt.deposit",
                json!({ "target": pool, "asset": "stETH", "amount": lrt_part.to_string() }),
            )?;
        }
        if !direct_part.is_zero() {
            call(
                world,
                address,
                "eigenlayer.deposit_into_strategy",
                json!({ "strategy": "stETH", "token": "stETH", "amount": direct_part.to_string() }),
            )?;
            call(world, address, "eigenlayer.delegate_to", json!({ "operator": op }))?;
        }
        out.push(Strategy {
            name: name.to_string(),
            address,
            lrt: (!lrt_part.is_zero()).then_some(lrt),
            operator: (!direct_part.is_zero()).then_some(operator),
            amount,
        });
    }
    Ok(out)
}

/// The raw outputs of the paths with indices in `range`, in index order (in parallel on the
/// current rayon pool).
pub fn run_outputs(
    prepared: &Prepared,
    range: Range<u64>,
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<PathOutput>, String> {
    let end = range.end.min(prepared.path_count());
    (range.start..end)
        .into_par_iter()
        .map(|p| {
            let out = path::run(prepared, prepared.key(p));
            progress();
            out
        })
        .collect()
}

/// The paths table (radCAD's shape) of the paths with indices in `range`.
pub fn run_paths(prepared: &Prepared, range: Range<u64>) -> Result<RecordBatch, String> {
    table::paths_batch(prepared, &run_outputs(prepared, range, &|| ())?)
}

/// Everything a whole run produced.
#[derive(Debug, Clone)]
pub struct Results {
    /// Per path outputs, in path order.
    pub outputs: Vec<PathOutput>,
    /// The paths table.
    pub paths: RecordBatch,
    /// The exits table.
    pub exits: RecordBatch,
    /// The subsets table.
    pub subsets: RecordBatch,
    /// The summary across paths.
    pub summary: summary::Summary,
}

/// Runs every path on `threads` threads (0: rayon's default).
pub fn run(
    prepared: &Prepared,
    threads: usize,
    progress: &(dyn Fn() + Sync),
) -> Result<Results, String> {
    let pool =
        rayon::ThreadPoolBuilder::new().num_threads(threads).build().map_err(|e| e.to_string())?;
    let outputs = pool.install(|| run_outputs(prepared, 0..prepared.path_count(), progress))?;
    let paths = table::paths_batch(prepared, &outputs)?;
    let exits = table::exits_batch(&outputs)?;
    let subsets = table::subsets_batch(prepared)?;
    let summary = summary::summarize(prepared, &outputs);
    Ok(Results { outputs, paths, exits, subsets, summary })
}

/// Writes `paths.parquet`, `paths.csv`, `exits.parquet`, `exits.csv`, `subsets.csv`,
/// `summary.json` and the plots into `dir`.
pub fn write_outputs(
    prepared: &Prepared,
    results: &Results,
    dir: &Path,
) -> Result<Vec<String>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let meta = [
        ("rampart.model_hash", hex(&prepared.hash)),
        ("rampart.seed", prepared.model.seed.to_string()),
        ("rampart.model", prepared.model.name.clone()),
    ];
    let files = ["paths.parquet", "paths.csv", "exits.parquet", "exits.csv", "subsets.csv"];
    let mut written: Vec<String> = files.iter().map(|f| (*f).to_string()).collect();
    let put = |name: &str| dir.join(name);
    // The writers are independent and a year of 1,000 paths is a gigabyte of CSV: the
    // Parquet files, the CSV files and the plots go on separate threads.
    let ((parquet, csv), plots) = rayon::join(
        || {
            rayon::join(
                || {
                    table::write_parquet(&put("paths.parquet"), &results.paths, &meta)?;
                    table::write_parquet(&put("exits.parquet"), &results.exits, &meta)
                },
                || {
                    table::write_csv(&put("paths.csv"), &results.paths)?;
                    table::write_csv(&put("exits.csv"), &results.exits)?;
                    table::write_csv(&put("subsets.csv"), &results.subsets)
                },
            )
        },
        || plots::draw(prepared, results, dir),
    );
    parquet?;
    csv?;
    let json = serde_json::to_string_pretty(&results.summary).map_err(|e| e.to_string())?;
    std::fs::write(put("summary.json"), json + "\n").map_err(|e| e.to_string())?;
    written.push("summary.json".into());
    written.extend(plots?);
    Ok(written)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
