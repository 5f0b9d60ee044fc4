//! `rampart._native`: the engine, scenarios and the risk engine as a Python extension module.
//!
//! The Python package (`python/src/rampart`) re-exports what is here and adds the pure-Python
//! parts (the simulator's Ray backend). Values cross the boundary as JSON-shaped Python objects,
//! with one rule that keeps money exact: the engine writes every integer as a decimal string
//! (a `U256` does not fit a JSON number), and Python receives those strings as `int`; Python
//! `int`s go in as numbers when they fit 64 bits and as decimal strings when they do not.
//! Floats are refused: an amount is wei, or a string with a unit (`"1.5 ether"`).

mod convert;
mod risk;
mod sim;
mod world;

use pyo3::prelude::*;

pyo3::create_exception!(
    _native,
    Rejected,
    pyo3::exceptions::PyException,
    "A call or view the world rejected; nothing changed. `.name` is the protocol's error name \
     (`InsufficientMagnitude`), `.message` says what failed."
);
pyo3::create_exception!(
    _native,
    BadCall,
    pyo3::exceptions::PyValueError,
    "A call or view that could not be read: an unknown `protocol.function`, or arguments that \
     do not fit it. Nothing changed."
);
pyo3::create_exception!(
    _native,
    ScenarioFailed,
    pyo3::exceptions::PyException,
    "A scenario stopped at a failed step. `.step`, `.line` and `.message` say where and why."
);

/// The extension module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("Rejected", py.get_type::<Rejected>())?;
    m.add("BadCall", py.get_type::<BadCall>())?;
    m.add("ScenarioFailed", py.get_type::<ScenarioFailed>())?;
    m.add_class::<world::PyWorld>()?;
    m.add_class::<sim::PySimulation>()?;
    m.add_function(wrap_pyfunction!(world::run_scenario, m)?)?;
    m.add_function(wrap_pyfunction!(world::address, m)?)?;
    m.add_function(wrap_pyfunction!(risk::risk, m)?)?;
    Ok(())
}
