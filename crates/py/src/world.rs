//! `rampart.World`, `rampart.run_scenario` and `rampart.address`.

use std::{collections::BTreeMap, path::PathBuf};

use pyo3::{
    exceptions::{PyAssertionError, PyValueError},
    prelude::*,
    types::{PyDict, PyList},
};
use rampart_engine::{Address, World, eigenlayer::Params};
use rampart_scenario::{
    Backend, LocalBackend, NameBook, Reverted, expand_babylon, expand_shorthands,
};
use serde_json::Value;

use crate::{
    BadCall, Rejected, ScenarioFailed,
    convert::{dict_to_json, from_python, to_python},
};

/// A deterministic world: EigenLayer, the beacon chain, Symbiotic, Karak, Jito, Babylon, the
/// LRTs and Lido, driven by calls.
///
/// Names work wherever an address does (`"alice"`, `"op1"`), and symbols wherever a token or a
/// strategy does (`"stETH"`). Amounts are `int` wei or strings with a unit (`"32 ether"`).
/// A rejected call raises `rampart.Rejected` and changes nothing.
#[pyclass(module = "rampart._native", name = "World")]
pub(crate) struct PyWorld {
    backend: LocalBackend,
    names: NameBook,
    /// Senders already resolved: a name or a checksummed address costs a keccak256 to
    /// resolve, and a loop sends from the same few accounts.
    senders: BTreeMap<String, Address>,
}

#[pymethods]
impl PyWorld {
    /// A world at block 0 with the default tokens and strategies. `params` is `"mainnet"`
    /// (EigenLayer's real delays) or `"testnet"` (short delays).
    #[new]
    #[pyo3(signature = (params = "mainnet"))]
    fn new(params: &str) -> PyResult<Self> {
        let params = match params {
            "mainnet" => Params::MAINNET,
            "testnet" => Params::TESTNET,
            other => {
                return Err(PyValueError::new_err(format!(
                    "unknown params {other:?}: use \"mainnet\" or \"testnet\""
                )));
            }
        };
        Ok(Self::wrap(World::new(params)))
    }

    /// The world a saved-world JSON text describes (what `to_json` and `rampart node` save).
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        let world: World = serde_json::from_str(text)
            .map_err(|e| PyValueError::new_err(format!("not a saved world: {e}")))?;
        Ok(Self::wrap(world))
    }

    /// The world a scenario file leaves when it has run (every expectation checked).
    #[staticmethod]
    fn from_scenario(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let (report, world) = py.detach(|| run_file(&path))?;
        Ok(Self { backend: LocalBackend { world }, names: report.names, senders: BTreeMap::new() })
    }

    /// The whole state as JSON, which `World.from_json` reads back.
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.backend.world)
            .map_err(|e| PyValueError::new_err(format!("the world did not serialize: {e}")))
    }

    /// An independent copy: a what-if that leaves this world as it is.
    fn copy(&self) -> Self {
        Self {
            backend: self.backend.clone(),
            names: self.names.clone(),
            senders: self.senders.clone(),
        }
    }

    fn __copy__(&self) -> Self {
        self.copy()
    }

    fn __deepcopy__(&self, _memo: &Bound<'_, PyAny>) -> Self {
        self.copy()
    }

    /// Applies `protocol.function` sent by `sender` (a name or an address) with the keyword
    /// arguments; returns the events it emitted, as dicts. Raises `Rejected` (nothing changed)
    /// or `BadCall` (an unknown name or arguments that do not fit).
    #[pyo3(signature = (name, sender, /, **args))]
    fn call<'py>(
        &mut self,
        py: Python<'py>,
        name: &str,
        sender: &str,
        args: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let sender_address = self.sender(sender)?;
        let mut args = arguments(args)?;
        self.names.learn_from(&args);
        expand_shorthands(&mut self.backend, name, sender_address, &mut args)
            .map_err(BadCall::new_err)?;
        let events = self.backend.apply(sender, sender_address, name, args).map_err(raise)?;
        values_to_list(py, &events)
    }

    /// Reads `protocol.function` (or `world.…`) with the keyword arguments.
    #[pyo3(signature = (name, /, **args))]
    fn view<'py>(
        &mut self,
        py: Python<'py>,
        name: &str,
        args: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut args = arguments(args)?;
        self.names.learn_from(&args);
        expand_babylon(name, &mut args).map_err(BadCall::new_err)?;
        let value = self.backend.view(name, args).map_err(raise)?;
        to_python(py, &value)
    }

    /// Moves the clock forward `blocks` blocks; returns the events time produced (epochs,
    /// the withdrawal sweep).
    fn advance_blocks<'py>(
        &mut self,
        py: Python<'py>,
        blocks: u64,
    ) -> PyResult<Bound<'py, PyList>> {
        let events = self.backend.advance_blocks(blocks).map_err(PyValueError::new_err)?;
        values_to_list(py, &events)
    }

    /// Moves the clock forward by `seconds`, in whole 12-second blocks (rounded up).
    fn advance_seconds<'py>(
        &mut self,
        py: Python<'py>,
        seconds: u64,
    ) -> PyResult<Bound<'py, PyList>> {
        let blocks = seconds.div_ceil(rampart_engine::clock::SECONDS_PER_BLOCK);
        self.advance_blocks(py, blocks)
    }

    /// Moves the clock to `block` (never backwards).
    fn set_block<'py>(&mut self, py: Python<'py>, block: u64) -> PyResult<Bound<'py, PyList>> {
        let events = self.backend.set_block(block).map_err(PyValueError::new_err)?;
        values_to_list(py, &events)
    }

    /// Sets the timestamp and leaves the block (Foundry's `vm.warp`).
    fn warp<'py>(&mut self, py: Python<'py>, timestamp: u64) -> PyResult<Bound<'py, PyList>> {
        let events = self.backend.warp(timestamp).map_err(PyValueError::new_err)?;
        values_to_list(py, &events)
    }

    /// Sets the block number and leaves the timestamp (Foundry's `vm.roll`).
    fn roll<'py>(&mut self, py: Python<'py>, block: u64) -> PyResult<Bound<'py, PyList>> {
        let events = self.backend.roll(block).map_err(PyValueError::new_err)?;
        values_to_list(py, &events)
    }

    /// The current block.
    #[getter]
    fn block(&self) -> u64 {
        self.backend.world.clock.block
    }

    /// The current block's timestamp (seconds).
    #[getter]
    fn timestamp(&self) -> u64 {
        self.backend.world.clock.timestamp()
    }

    /// A keccak256 commitment to the whole state, as 0x hex: the same inputs give the same
    /// hash on every machine.
    fn state_hash(&self) -> String {
        self.backend.world.state_hash().to_string()
    }

    /// Checks every module's invariants; raises `AssertionError` naming the one violated.
    fn check_invariants(&self) -> PyResult<()> {
        self.backend.world.check_invariants().map_err(PyAssertionError::new_err)
    }

    /// `value` (an event, a view's result) with every address this world has seen named
    /// replaced by its name, for display.
    fn rename<'py>(
        &self,
        py: Python<'py>,
        value: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.names.rename(&from_python(value)?))
    }

    fn __repr__(&self) -> String {
        format!("World(block={}, state_hash={})", self.block(), self.state_hash())
    }
}

impl PyWorld {
    fn wrap(world: World) -> Self {
        Self { backend: LocalBackend { world }, names: NameBook::new(), senders: BTreeMap::new() }
    }

    fn sender(&mut self, text: &str) -> PyResult<Address> {
        if let Some(address) = self.senders.get(text) {
            return Ok(*address);
        }
        let address = account(text)?;
        self.names.learn(text);
        self.senders.insert(text.to_owned(), address);
        Ok(address)
    }

    /// The world, for the other Rust parts of the package (the risk report).
    pub(crate) fn world(&self) -> &World {
        &self.backend.world
    }

    /// Names for the addresses this world has seen.
    pub(crate) fn names(&self) -> &NameBook {
        &self.names
    }
}

/// Runs a scenario file and returns its report (what `rampart run --json` prints): every
/// step, its events and views, the final block and state hash. Raises `ScenarioFailed` at the
/// first failed expectation.
#[pyfunction]
pub(crate) fn run_scenario<'py>(py: Python<'py>, path: PathBuf) -> PyResult<Bound<'py, PyAny>> {
    let (report, _) = py.detach(|| run_file(&path))?;
    to_python(py, &report.to_json())
}

/// The address Rampart gives the account `name` (EIP-55 hex), as every call resolves it.
#[pyfunction]
pub(crate) fn address(name: &str) -> PyResult<String> {
    account(name).map(|a| a.to_checksum(None))
}

fn run_file(path: &std::path::Path) -> PyResult<(rampart_scenario::Report, World)> {
    let scenario =
        rampart_scenario::parse_file(path).map_err(|e| PyValueError::new_err(e.to_string()))?;
    rampart_scenario::run_to_world(&scenario)
        .map_err(|failure| Python::attach(|py| scenario_failed(py, &failure)))
}

/// `ScenarioFailed` with the step, line, message and what was expected and found.
fn scenario_failed(py: Python<'_>, failure: &rampart_scenario::Failure) -> PyErr {
    let error = ScenarioFailed::new_err(format!(
        "{}: step {} (line {}), {}: {}",
        failure.path, failure.step, failure.line, failure.what, failure.message
    ));
    let value = error.value(py);
    let details = value
        .setattr("step", failure.step)
        .and_then(|()| value.setattr("line", failure.line))
        .and_then(|()| value.setattr("message", &failure.message))
        .and_then(|()| value.setattr("expected", failure.expected.as_deref()))
        .and_then(|()| value.setattr("actual", failure.actual.as_deref()));
    details.err().unwrap_or(error)
}

fn account(text: &str) -> PyResult<Address> {
    rampart_engine::serde_ext::account::deserialize(Value::String(text.to_owned()))
        .map_err(|e| PyValueError::new_err(format!("{text:?} is not an account: {e}")))
}

fn arguments(args: Option<&Bound<'_, PyDict>>) -> PyResult<Value> {
    Ok(Value::Object(match args {
        Some(dict) => dict_to_json(dict)?,
        None => serde_json::Map::new(),
    }))
}

fn values_to_list<'py>(py: Python<'py>, values: &[Value]) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for value in values {
        list.append(to_python(py, value)?)?;
    }
    Ok(list)
}

/// A backend's refusal as the Python exception a caller catches.
fn raise(reverted: Reverted) -> PyErr {
    if reverted.name == "BadCall" {
        return BadCall::new_err(reverted.message);
    }
    Python::attach(|py| {
        let error = Rejected::new_err(format!("{}: {}", reverted.name, reverted.message));
        let value = error.value(py);
        let details = value
            .setattr("name", &reverted.name)
            .and_then(|()| value.setattr("message", &reverted.message));
        details.err().unwrap_or(error)
    })
}
