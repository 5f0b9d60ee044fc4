//! `rampart._native.Simulation`: a simulator model loaded once, whose paths run in ranges and
//! come back as Arrow record batches (handed to pyarrow without a copy, through Arrow's C data
//! interface). `rampart.sim` (Python) splits the ranges, locally or over Ray.

use std::path::PathBuf;

use arrow::pyarrow::ToPyArrow;
use pyo3::{exceptions::PyValueError, prelude::*};
use rampart_sim::Prepared;

/// A simulator model ready to run: its starting world built once, every path a pure function
/// of (model, seed, path index).
#[pyclass(module = "rampart._native", name = "Simulation", frozen)]
pub(crate) struct PySimulation {
    prepared: Prepared,
}

#[pymethods]
impl PySimulation {
    /// Loads the model file at `path` (paths inside it are relative to its folder), with
    /// `runs` and `seed` overriding the file's.
    #[new]
    #[pyo3(signature = (path, /, *, runs = None, seed = None))]
    fn new(py: Python<'_>, path: PathBuf, runs: Option<u64>, seed: Option<u64>) -> PyResult<Self> {
        let prepared = py.detach(|| {
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let mut model =
                rampart_sim::Model::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            if let Some(runs) = runs {
                if runs == 0 {
                    return Err("runs must be at least 1".to_owned());
                }
                model.runs = runs;
            }
            if let Some(seed) = seed {
                model.seed = seed;
            }
            let base = path.parent().map_or_else(|| PathBuf::from("."), PathBuf::from);
            rampart_sim::prepare(model, &base)
        });
        Ok(Self { prepared: prepared.map_err(PyValueError::new_err)? })
    }

    /// Paths in all: runs × parameter subsets.
    #[getter]
    fn path_count(&self) -> u64 {
        self.prepared.path_count()
    }

    /// The model's seed.
    #[getter]
    fn seed(&self) -> u64 {
        self.prepared.model.seed
    }

    /// The model's name.
    #[getter]
    fn name(&self) -> &str {
        &self.prepared.model.name
    }

    /// Runs the paths with indices in `[start, end)` on `threads` threads (0: every core) and
    /// returns their rows (cadCAD's columns) as a `pyarrow.RecordBatch`.
    #[pyo3(signature = (start, end, /, *, threads = 0))]
    fn run_paths<'py>(
        &self,
        py: Python<'py>,
        start: u64,
        end: u64,
        threads: usize,
    ) -> PyResult<Bound<'py, PyAny>> {
        if start > end || end > self.path_count() {
            return Err(PyValueError::new_err(format!(
                "paths {start}..{end} are not within 0..{}",
                self.path_count()
            )));
        }
        let batch = py.detach(|| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .map_err(|e| e.to_string())?;
            pool.install(|| rampart_sim::run_paths(&self.prepared, start..end))
        });
        batch.map_err(PyValueError::new_err)?.to_pyarrow(py)
    }

    fn __repr__(&self) -> String {
        format!(
            "Simulation(name={:?}, seed={}, paths={})",
            self.prepared.model.name,
            self.prepared.model.seed,
            self.path_count()
        )
    }
}
