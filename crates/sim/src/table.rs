//! The results tables as Arrow record batches, and their files.
//!
//! `paths`: radCAD's shape — one row per (simulation, subset, run, timestep, substep), the
//! state variables first in model order, then `simulation, subset, run, substep, timestep`
//! (int64; run 1-based; the initial state is `timestep = 0, substep = 0`). A step runs
//! [`crate::path::SUBSTEPS`] partial state update blocks; the end of a step is its last,
//! `substep = 6`, and a model with `substeps = true` records every block's row as cadCAD does.
//! Amounts are exact wei as `Decimal128(38, 0)`.
//! `exits`: one row per completed exit. `subsets`: the parameters of each subset.

use std::{fs::File, path::Path, sync::Arc};

use arrow::{
    array::{
        ArrayRef, Decimal128Builder, Float64Builder, Int64Builder, RecordBatch, StringBuilder,
    },
    datatypes::{DataType, Field, Schema, SchemaRef},
};
use parquet::{
    arrow::ArrowWriter, basic::Compression, file::metadata::KeyValue,
    file::properties::WriterProperties,
};
use rampart_engine::U256;

use crate::{
    Prepared,
    path::{CascadeCheck, Exit, StrategyOutcome},
    rng::PathKey,
};

/// One value of a row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    /// A count, a block, days.
    Int(i64),
    /// Wei.
    Wei(U256),
    /// Signed wei (profit and loss).
    SignedWei(i128),
    /// A sampler's float (ETH/USD) or a reading (γ), absent when not read.
    Float(Option<f64>),
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// int64.
    Int,
    /// Decimal128(38, 0) wei.
    Wei,
    /// float64, nullable.
    Float,
}

/// Everything one path produced.
#[derive(Debug, Clone, PartialEq)]
pub struct PathOutput {
    /// Its key.
    pub key: PathKey,
    /// One row per timestep (the initial state first): the end of each step.
    pub rows: Vec<Vec<Cell>>,
    /// With `substeps = true`, the rows after blocks 1 to 5 of every step, in order
    /// (`SUBSTEPS − 1` per step); empty otherwise.
    pub partial: Vec<Vec<Cell>>,
    /// Exits that completed.
    pub exits: Vec<Exit>,
    /// Catastrophic shocks and their cascades.
    pub cascades: Vec<CascadeCheck>,
    /// The strategies' outcomes.
    pub strategies: Vec<StrategyOutcome>,
    /// The world's invariants at the end (`None`: they hold).
    pub final_world_check: Option<String>,
}

impl PathOutput {
    /// An empty output for `key`.
    pub fn new(key: PathKey) -> Self {
        Self {
            key,
            rows: Vec::new(),
            partial: Vec::new(),
            exits: Vec::new(),
            cascades: Vec::new(),
            strategies: Vec::new(),
            final_world_check: None,
        }
    }
}

/// The state columns, in order, for a cast.
pub fn state_columns(prepared: &Prepared) -> Vec<(String, Kind)> {
    let mut cols: Vec<(String, Kind)> = [
        ("block", Kind::Int),
        ("eth_usd", Kind::Float),
        ("steth_price", Kind::Wei),
        ("network_exit_queue", Kind::Wei),
        ("exit_wait_days", Kind::Int),
        ("network_entry_queue", Kind::Wei),
        ("slashed", Kind::Wei),
        ("slashed_total", Kind::Wei),
        ("operators_exited", Kind::Int),
        ("gamma", Kind::Float),
        ("cascade_loss_ppm", Kind::Int),
    ]
    .into_iter()
    .map(|(n, k)| (n.to_string(), k))
    .collect();
    for l in &prepared.cast.lrts {
        let s = &l.symbol;
        for (name, kind) in [
            ("nav", Kind::Wei),
            ("backing", Kind::Wei),
            ("rate", Kind::Wei),
            ("supply", Kind::Wei),
            ("buffer", Kind::Wei),
            ("queued", Kind::Wei),
            ("requests", Kind::Int),
            ("oldest_request_days", Kind::Int),
            ("unwinding", Kind::Wei),
            ("discount_bps", Kind::Int),
            ("paid_out", Kind::Wei),
        ] {
            cols.push((format!("{name}_{s}"), kind));
        }
    }
    for h in &prepared.cast.holders {
        cols.push((format!("value_{}", h.name), Kind::Wei));
        cols.push((format!("pnl_{}", h.name), Kind::Wei));
    }
    for s in &prepared.cast.strategies {
        cols.push((format!("value_strategy_{}", s.name), Kind::Wei));
        cols.push((format!("exited_strategy_{}", s.name), Kind::Int));
    }
    for s in &prepared.cast.services {
        cols.push((format!("stake_{}", s.name), Kind::Wei));
    }
    cols
}

/// The five cadCAD index columns, after the state.
pub const INDEX_COLUMNS: [&str; 5] = ["simulation", "subset", "run", "substep", "timestep"];

fn wei_type() -> DataType {
    DataType::Decimal128(38, 0)
}

/// The schema of the paths table.
pub fn paths_schema(prepared: &Prepared) -> SchemaRef {
    let mut fields: Vec<Field> = state_columns(prepared)
        .into_iter()
        .map(|(name, kind)| match kind {
            Kind::Int => Field::new(name, DataType::Int64, false),
            Kind::Wei => Field::new(name, wei_type(), false),
            Kind::Float => Field::new(name, DataType::Float64, true),
        })
        .collect();
    fields.extend(INDEX_COLUMNS.iter().map(|n| Field::new(*n, DataType::Int64, false)));
    Arc::new(Schema::new(fields))
}

fn wei_i128(x: U256) -> Result<i128, String> {
    i128::try_from(x)
        .ok()
        .filter(|v| *v < 10i128.pow(38))
        .ok_or_else(|| format!("{x} wei does not fit Decimal128(38, 0)"))
}

/// The paths table of `outputs`, in their order.
pub fn paths_batch(prepared: &Prepared, outputs: &[PathOutput]) -> Result<RecordBatch, String> {
    let schema = paths_schema(prepared);
    let cols = state_columns(prepared);
    let rows: usize = outputs.iter().map(|o| o.rows.len() + o.partial.len()).sum();
    let mut arrays: Vec<ArrayRef> = Vec::with_capacity(cols.len() + 5);
    for (c, (_, kind)) in cols.iter().enumerate() {
        let cells = outputs.iter().flat_map(|o| table_rows(o).map(move |(_, _, r)| r[c]));
        let array: ArrayRef = match kind {
            Kind::Int => {
                let mut b = Int64Builder::with_capacity(rows);
                for cell in cells {
                    let Cell::Int(v) = cell else { return Err("a column changed kind".into()) };
                    b.append_value(v);
                }
                Arc::new(b.finish())
            }
            Kind::Wei => {
                let mut b = Decimal128Builder::with_capacity(rows);
                for cell in cells {
                    match cell {
                        Cell::Wei(v) => b.append_value(wei_i128(v)?),
                        Cell::SignedWei(v) => b.append_value(v),
                        _ => return Err("a column changed kind".into()),
                    }
                }
                Arc::new(b.finish().with_precision_and_scale(38, 0).map_err(|e| e.to_string())?)
            }
            Kind::Float => {
                let mut b = Float64Builder::with_capacity(rows);
                for cell in cells {
                    let Cell::Float(v) = cell else { return Err("a column changed kind".into()) };
                    b.append_option(v);
                }
                Arc::new(b.finish())
            }
        };
        arrays.push(array);
    }
    let index = |f: &dyn Fn(&PathOutput, u64, u64) -> u64| -> ArrayRef {
        let mut b = Int64Builder::with_capacity(rows);
        for o in outputs {
            for (t, s, _) in table_rows(o) {
                b.append_value(i64::try_from(f(o, t, s)).unwrap_or(i64::MAX));
            }
        }
        Arc::new(b.finish())
    };
    arrays.push(index(&|o, _, _| o.key.simulation));
    arrays.push(index(&|o, _, _| o.key.subset));
    arrays.push(index(&|o, _, _| o.key.run));
    arrays.push(index(&|_, _, s| s));
    arrays.push(index(&|_, t, _| t));
    RecordBatch::try_new(schema, arrays).map_err(|e| e.to_string())
}

/// A path's rows in table order, each with its (timestep, substep): the initial state
/// (0, 0), then per step its recorded partial blocks and its end (substep
/// [`crate::path::SUBSTEPS`]).
fn table_rows(o: &PathOutput) -> impl Iterator<Item = (u64, u64, &Vec<Cell>)> {
    let blocks = crate::path::SUBSTEPS;
    let per_step = if o.partial.is_empty() { 0 } else { usize::try_from(blocks - 1).unwrap_or(0) };
    o.rows.iter().enumerate().flat_map(move |(t, end)| {
        let step = t as u64;
        let partial: &[Vec<Cell>] = if t == 0 || per_step == 0 {
            &[]
        } else {
            o.partial.get((t - 1) * per_step..t * per_step).unwrap_or(&[])
        };
        let last = if t == 0 { 0 } else { blocks };
        partial
            .iter()
            .zip(1u64..)
            .map(move |(row, s)| (step, s, row))
            .chain(std::iter::once((step, last, end)))
    })
}

/// The exits table: simulation, subset, run, via, holder, route, asked, steps, paid.
pub fn exits_batch(outputs: &[PathOutput]) -> Result<RecordBatch, String> {
    let schema = Arc::new(Schema::new(vec![
        Field::new("simulation", DataType::Int64, false),
        Field::new("subset", DataType::Int64, false),
        Field::new("run", DataType::Int64, false),
        Field::new("via", DataType::Utf8, false),
        Field::new("holder", DataType::Utf8, false),
        Field::new("route", DataType::Utf8, false),
        Field::new("asked", DataType::Int64, false),
        Field::new("steps", DataType::Int64, false),
        Field::new("paid", wei_type(), false),
    ]));
    let (mut sim, mut sub, mut run, mut asked, mut steps) = (
        Int64Builder::new(),
        Int64Builder::new(),
        Int64Builder::new(),
        Int64Builder::new(),
        Int64Builder::new(),
    );
    let (mut via, mut holder, mut route) =
        (StringBuilder::new(), StringBuilder::new(), StringBuilder::new());
    let mut paid = Decimal128Builder::new();
    let int = |x: u64| i64::try_from(x).unwrap_or(i64::MAX);
    for o in outputs {
        for e in &o.exits {
            sim.append_value(int(o.key.simulation));
            sub.append_value(int(o.key.subset));
            run.append_value(int(o.key.run));
            via.append_value(&e.via);
            holder.append_value(&e.holder);
            route.append_value(e.route);
            asked.append_value(int(e.asked));
            steps.append_value(int(e.steps));
            paid.append_value(wei_i128(e.paid)?);
        }
    }
    let arrays: Vec<ArrayRef> = vec![
        Arc::new(sim.finish()),
        Arc::new(sub.finish()),
        Arc::new(run.finish()),
        Arc::new(via.finish()),
        Arc::new(holder.finish()),
        Arc::new(route.finish()),
        Arc::new(asked.finish()),
        Arc::new(steps.finish()),
        Arc::new(paid.finish().with_precision_and_scale(38, 0).map_err(|e| e.to_string())?),
    ];
    RecordBatch::try_new(schema, arrays).map_err(|e| e.to_string())
}

/// The subsets table: simulation, subset, then every parameter.
pub fn subsets_batch(prepared: &Prepared) -> Result<RecordBatch, String> {
    let mut fields = vec![
        Field::new("simulation", DataType::Int64, false),
        Field::new("subset", DataType::Int64, false),
    ];
    fields.extend(crate::Params::NAMES.iter().map(|n| Field::new(*n, DataType::Float64, false)));
    let n = prepared.subsets.len();
    let mut arrays: Vec<ArrayRef> = vec![
        Arc::new(Int64Builder::with_capacity(n).tap(|b| (0..n).for_each(|_| b.append_value(0)))),
        Arc::new(Int64Builder::with_capacity(n).tap(|b| {
            (0..n).for_each(|i| b.append_value(i64::try_from(i).unwrap_or(i64::MAX)));
        })),
    ];
    for name in crate::Params::NAMES {
        let mut b = Float64Builder::with_capacity(n);
        for p in &prepared.subsets {
            b.append_value(p.get(name).unwrap_or(f64::NAN));
        }
        arrays.push(Arc::new(b.finish()));
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(|e| e.to_string())
}

trait Tap: Sized {
    fn tap(self, f: impl FnOnce(&mut Self)) -> arrow::array::Int64Array;
}

impl Tap for Int64Builder {
    fn tap(mut self, f: impl FnOnce(&mut Self)) -> arrow::array::Int64Array {
        f(&mut self);
        self.finish()
    }
}

/// Writes `batch` as Parquet (snappy), with the model hash and seed as key-value metadata.
pub fn write_parquet(
    path: &Path,
    batch: &RecordBatch,
    metadata: &[(&str, String)],
) -> Result<(), String> {
    let file = File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_created_by(format!("rampart-sim {}", env!("CARGO_PKG_VERSION")))
        .set_key_value_metadata(Some(
            metadata.iter().map(|(k, v)| KeyValue::new((*k).to_string(), v.clone())).collect(),
        ))
        .build();
    let mut writer =
        ArrowWriter::try_new(file, batch.schema(), Some(props)).map_err(|e| e.to_string())?;
    writer.write(batch).map_err(|e| e.to_string())?;
    writer.close().map_err(|e| e.to_string())?;
    Ok(())
}

/// Reads a Parquet file back into one batch.
pub fn read_parquet(path: &Path) -> Result<RecordBatch, String> {
    let file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| e.to_string())?
        .build()
        .map_err(|e| e.to_string())?;
    let batches: Vec<RecordBatch> = reader.collect::<Result<_, _>>().map_err(|e| e.to_string())?;
    let schema = batches.first().map(RecordBatch::schema).ok_or("an empty Parquet file")?;
    arrow::compute::concat_batches(&schema, &batches).map_err(|e| e.to_string())
}

/// Writes `batch` as CSV with a header (decimals as integer strings).
pub fn write_csv(path: &Path, batch: &RecordBatch) -> Result<(), String> {
    let file = File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut writer = arrow::csv::WriterBuilder::new().with_header(true).build(file);
    writer.write(batch).map_err(|e| e.to_string())
}
