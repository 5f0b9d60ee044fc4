//! Finished `rampart sim` runs for the dashboard's simulations page, read from the output
//! folders the node was started with (`rampart node --sim-output DIR`).
//!
//! A folder given is either one run's output (it holds `summary.json`) or a folder of such
//! runs (its subfolders that hold one). Clients name a run only by its listed name: the node
//! never opens a path a client sent, so nothing outside the given folders can be read.
//!
//! The fan charts need per-timestep quantiles across paths; the server computes them from
//! `paths.parquet` (nearest rank, like the simulator's own summary) so the page downloads a few
//! kilobytes rather than every path.

use std::{
    collections::BTreeMap,
    path::{Path as FsPath, PathBuf},
    sync::Arc,
};

use arrow::{
    array::{Array, Decimal128Array, Int64Array},
    record_batch::RecordBatch,
};
use axum::{
    Json, Router,
    extract::{Path, State},
    http::StatusCode,
    routing::get,
};
use serde::Serialize;
use serde_json::Value;
use utoipa::{OpenApi, ToSchema};

use crate::server::{ApiError, ErrorBody, Shared};

/// The lower and upper quantiles of a fan chart's band.
const BAND: (f64, f64) = (0.05, 0.95);

/// The runs the node can show.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SimulationsPage {
    /// How many output folders the node was started with (`--sim-output`); 0: none.
    configured: usize,
    /// The finished runs found in them, by name.
    runs: Vec<RunInfo>,
}

/// One finished run, from its `summary.json`.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RunInfo {
    /// Its name: the name of its output folder.
    name: String,
    /// The model it ran.
    model: String,
    /// Paths run.
    paths: u64,
    /// Steps per path.
    timesteps: u64,
    /// Subsets of its parameter sweep.
    subsets: u64,
}

/// One run: its summary and the fan charts of its paths.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SimulationDetail {
    /// The run's name.
    name: String,
    /// Its `summary.json`, as the simulator wrote it.
    #[schema(value_type = Object)]
    summary: Value,
    /// Per LRT NAV and per strategy value, per subset: quantiles across paths per timestep.
    fans: Vec<Fan>,
}

/// The 5th, 50th and 95th percentiles across paths of one column at each timestep, in ETH.
#[derive(Debug, Serialize, ToSchema, PartialEq)]
pub(crate) struct Fan {
    /// The paths table's column (`nav_ezETH`, `value_strategy_lrt`).
    column: String,
    /// `nav` (an LRT's NAV) or `strategy` (a strategy's value).
    kind: String,
    /// What it is of: the LRT's symbol or the strategy's name.
    of: String,
    /// The sweep's subset.
    subset: i64,
    /// Timesteps, from 0 (the start).
    timestep: Vec<i64>,
    /// 5th percentile, ETH.
    p5: Vec<f64>,
    /// Median, ETH.
    p50: Vec<f64>,
    /// 95th percentile, ETH.
    p95: Vec<f64>,
}

/// The finished runs in `dirs`, by name, in the order given (a folder's runs by name); a name
/// seen twice keeps its first folder.
fn find_runs(dirs: &[PathBuf]) -> BTreeMap<String, PathBuf> {
    let mut runs = BTreeMap::new();
    for dir in dirs {
        let mut found = Vec::new();
        if dir.join("summary.json").is_file() {
            found.push(dir.clone());
        } else if let Ok(entries) = std::fs::read_dir(dir) {
            let mut subdirs: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.join("summary.json").is_file())
                .collect();
            subdirs.sort();
            found.extend(subdirs);
        }
        for run in found {
            let name = run_name(&run);
            runs.entry(name).or_insert(run);
        }
    }
    runs
}

fn run_name(dir: &FsPath) -> String {
    let absolute = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_owned());
    absolute.file_name().map_or_else(|| "run".to_owned(), |n| n.to_string_lossy().into_owned())
}

fn read_summary(dir: &FsPath) -> Result<Value, String> {
    let path = dir.join("summary.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("summary.json: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("summary.json is not JSON: {e}"))
}

fn run_info(name: &str, summary: &Value) -> RunInfo {
    let count = |key: &str| summary.get(key).and_then(Value::as_u64).unwrap_or(0);
    RunInfo {
        name: name.to_owned(),
        model: summary.get("model").and_then(Value::as_str).unwrap_or("").to_owned(),
        paths: count("paths"),
        timesteps: count("timesteps"),
        subsets: count("subsets"),
    }
}

/// Which fan a paths column feeds: LRT NAVs and strategy values.
fn fan_kind(column: &str) -> Option<(&'static str, &str)> {
    if let Some(of) = column.strip_prefix("value_strategy_") {
        Some(("strategy", of))
    } else {
        column.strip_prefix("nav_").map(|of| ("nav", of))
    }
}

/// Nearest rank, as the simulator's summary takes its quantiles: `x[⌈q·n⌉ − 1]`.
fn nearest_rank(sorted: &[i128], q: f64) -> i128 {
    #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "q·n ≤ n")]
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Wei to ETH for a chart (display only; to the gwei).
#[expect(clippy::cast_precision_loss, reason = "a chart needs no more than f64's precision")]
fn eth(wei: i128) -> f64 {
    (wei / 1_000_000_000) as f64 / 1e9
}

fn int_column<'a>(batch: &'a RecordBatch, name: &str) -> Result<&'a Int64Array, String> {
    batch
        .column_by_name(name)
        .and_then(|c| c.as_any().downcast_ref::<Int64Array>())
        .ok_or_else(|| format!("paths.parquet has no integer column {name:?}"))
}

/// The fan of every LRT NAV and strategy value column, per subset.
fn fans(batch: &RecordBatch) -> Result<Vec<Fan>, String> {
    let subsets = int_column(batch, "subset")?;
    let timesteps = int_column(batch, "timestep")?;
    // A run recorded with substeps has a row per partial block; a fan is drawn through each
    // step's end, its highest substep (the initial state is substep 0).
    let substeps = int_column(batch, "substep")?;
    let mut last: BTreeMap<i64, i64> = BTreeMap::new();
    for row in 0..batch.num_rows() {
        let end = last.entry(timesteps.value(row)).or_insert(0);
        *end = (*end).max(substeps.value(row));
    }
    let at_step_end = |row: usize| last.get(&timesteps.value(row)) == Some(&substeps.value(row));
    let mut fans = Vec::new();
    for (field, column) in batch.schema().fields().iter().zip(batch.columns()) {
        let Some((kind, of)) = fan_kind(field.name()) else { continue };
        let Some(values) = column.as_any().downcast_ref::<Decimal128Array>() else { continue };
        let mut cells: BTreeMap<(i64, i64), Vec<i128>> = BTreeMap::new();
        for row in 0..batch.num_rows() {
            if values.is_valid(row) && at_step_end(row) {
                let key = (subsets.value(row), timesteps.value(row));
                cells.entry(key).or_default().push(values.value(row));
            }
        }
        let mut by_subset: BTreeMap<i64, Fan> = BTreeMap::new();
        for ((subset, timestep), mut across_paths) in cells {
            across_paths.sort_unstable();
            let fan = by_subset.entry(subset).or_insert_with(|| Fan {
                column: field.name().clone(),
                kind: kind.to_owned(),
                of: of.to_owned(),
                subset,
                timestep: Vec::new(),
                p5: Vec::new(),
                p50: Vec::new(),
                p95: Vec::new(),
            });
            fan.timestep.push(timestep);
            fan.p5.push(eth(nearest_rank(&across_paths, BAND.0)));
            fan.p50.push(eth(nearest_rank(&across_paths, 0.5)));
            fan.p95.push(eth(nearest_rank(&across_paths, BAND.1)));
        }
        fans.extend(by_subset.into_values());
    }
    Ok(fans)
}

fn detail(name: &str, dir: &FsPath) -> Result<SimulationDetail, String> {
    let summary = read_summary(dir)?;
    let batch = rampart_sim::table::read_parquet(&dir.join("paths.parquet"))
        .map_err(|e| format!("paths.parquet: {e}"))?;
    Ok(SimulationDetail { name: name.to_owned(), summary, fans: fans(&batch)? })
}

/// Every finished run in the node's `--sim-output` folders.
#[utoipa::path(get, path = "/v1/simulations", responses((status = 200, body = SimulationsPage)))]
async fn list(State(shared): State<Arc<Shared>>) -> Json<SimulationsPage> {
    let dirs = shared.sim_outputs.clone();
    let runs = tokio::task::spawn_blocking(move || {
        let runs = find_runs(&dirs);
        let infos = runs.iter().filter_map(|(name, dir)| {
            read_summary(dir).ok().map(|summary| run_info(name, &summary))
        });
        (dirs.len(), infos.collect())
    })
    .await;
    let (configured, runs) = runs.unwrap_or((0, Vec::new()));
    Json(SimulationsPage { configured, runs })
}

/// One finished run: its summary and fan charts (5th, 50th, 95th percentile per timestep).
#[utoipa::path(
    get,
    path = "/v1/simulations/{name}",
    params(("name" = String, Path, description = "A run's name, as `/v1/simulations` lists it")),
    responses(
        (status = 200, body = SimulationDetail),
        (status = 404, description = "No run of that name", body = ErrorBody),
        (status = 500, description = "The run's files cannot be read", body = ErrorBody)
    )
)]
async fn show(
    State(shared): State<Arc<Shared>>,
    Path(name): Path<String>,
) -> Result<Json<SimulationDetail>, ApiError> {
    let dirs = shared.sim_outputs.clone();
    let read = tokio::task::spawn_blocking(move || {
        let Some(dir) = find_runs(&dirs).remove(&name) else {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "UnknownSimulation",
                format!("no finished run named {name:?}; see /v1/simulations"),
            ));
        };
        detail(&name, &dir).map_err(|e| {
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "SimulationUnreadable", e)
        })
    });
    let detail = read.await.map_err(|e| {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal", e.to_string())
    })??;
    Ok(Json(detail))
}

/// The simulations page's routes.
pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new().route("/v1/simulations", get(list)).route("/v1/simulations/{name}", get(show))
}

/// The simulations endpoints' part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(list, show),
    components(schemas(SimulationsPage, RunInfo, SimulationDetail, Fan, ErrorBody))
)]
pub(crate) struct SimulationsApi;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_matches_the_simulators_rule() {
        let xs: Vec<i128> = (1..=20).collect();
        assert_eq!(nearest_rank(&xs, 0.05), 1);
        assert_eq!(nearest_rank(&xs, 0.5), 10);
        assert_eq!(nearest_rank(&xs, 0.95), 19);
        assert_eq!(nearest_rank(&[7], 0.05), 7);
    }

    #[test]
    fn only_nav_and_strategy_value_columns_make_fans() {
        assert_eq!(fan_kind("nav_ezETH"), Some(("nav", "ezETH")));
        assert_eq!(fan_kind("value_strategy_lrt"), Some(("strategy", "lrt")));
        assert_eq!(fan_kind("value_alice"), None);
        assert_eq!(fan_kind("exited_strategy_lrt"), None);
    }
}
