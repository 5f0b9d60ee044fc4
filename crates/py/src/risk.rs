//! `rampart.risk`: the risk report of a world, a scenario's final world or a network file.

use std::path::PathBuf;

use num_rational::BigRational;
use pyo3::{exceptions::PyValueError, prelude::*};
use rampart_risk::{
    file::parse_network,
    graph::Network,
    number::parse_ratio,
    report::{Options, analyse, exact_figures, merge_exact},
    world::{Inputs, asset_concentration, from_world},
};
use rampart_scenario::NameBook;
use serde_json::Value;

use crate::{convert::to_python, world::PyWorld};

/// The risk report `rampart risk --json` prints, as a dict: certificates (`gamma_el`,
/// `gamma_lp`), the cost of corruption, cascades, concentration and, with `exact=True`, the
/// exact attack search (`gamma_exact`, the attack found, worst-case losses).
///
/// `source` is a `World`, or the path of a network file (TOML/JSON), a scenario (its final
/// world) or a saved world. `inputs` is the path of an inputs file (profit from corruption and
/// thresholds per service, prices per token) for worlds; `shocks` are shock sizes ψ
/// (`"1/100"`, `"0.05"`).
#[pyfunction]
#[pyo3(signature = (source, /, *, inputs = None, exact = true, shocks = None))]
pub(crate) fn risk<'py>(
    py: Python<'py>,
    source: &Bound<'py, PyAny>,
    inputs: Option<PathBuf>,
    exact: bool,
    shocks: Option<Vec<String>>,
) -> PyResult<Bound<'py, PyAny>> {
    let inputs = read_inputs(inputs)?;
    let mut options = Options { exact_search: false, ..Options::default() };
    if let Some(shocks) = shocks {
        options.shocks = shocks
            .iter()
            .map(|s| parse_ratio(s).map_err(PyValueError::new_err))
            .collect::<PyResult<Vec<BigRational>>>()?;
    }
    let (network, per_asset) = if let Ok(world) = source.cast::<PyWorld>() {
        let world = world.borrow();
        network_of_world(world.world(), world.names(), &inputs)?
    } else {
        let path: PathBuf = source.extract().map_err(|_| {
            PyValueError::new_err(
                "risk() takes a World or the path of a network, scenario or saved world",
            )
        })?;
        py.detach(|| load(&path, &inputs))?
    };
    let report = py.detach(|| {
        let mut report = analyse(&network, &options);
        if exact {
            merge_exact(&mut report, &exact_figures(&network, &options.shocks));
        }
        if let Some(per_asset) = per_asset {
            report["per_asset"] = per_asset;
        }
        report
    });
    to_python(py, &report)
}

fn read_inputs(path: Option<PathBuf>) -> PyResult<Inputs> {
    let Some(path) = path else { return Ok(Inputs { unit: "ETH".into(), ..Inputs::default() }) };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| PyValueError::new_err(format!("reading {}: {e}", path.display())))?;
    Inputs::parse(&text).map_err(PyValueError::new_err)
}

type Loaded = (Network, Option<Value>);

fn network_of_world(
    world: &rampart_engine::World,
    names: &NameBook,
    inputs: &Inputs,
) -> PyResult<Loaded> {
    let name = |a: rampart_engine::Address| {
        names.name_of(&a).map_or_else(|| a.to_checksum(None), str::to_owned)
    };
    let network = from_world(world, &name, inputs).map_err(PyValueError::new_err)?;
    Ok((network, Some(asset_concentration(world, &name))))
}

fn load(path: &std::path::Path, inputs: &Inputs) -> PyResult<Loaded> {
    let failed =
        |e: &dyn std::fmt::Display| PyValueError::new_err(format!("{}: {e}", path.display()));
    let text = std::fs::read_to_string(path).map_err(|e| failed(&e))?;
    let is_json = path.extension().is_some_and(|e| e == "json");
    if is_json {
        let value: Value = serde_json::from_str(&text).map_err(|e| failed(&e))?;
        if value.get("eigenlayer").is_some() {
            let world: rampart_engine::World =
                serde_json::from_value(value).map_err(|e| failed(&e))?;
            return network_of_world(&world, &NameBook::new(), inputs);
        }
        return Ok((parse_network(&text, true).map_err(|e| failed(&e))?, None));
    }
    if text.lines().any(|l| l.trim() == "[[step]]") {
        let scenario = rampart_scenario::parse(&text, path).map_err(|e| failed(&e))?;
        let (report, world) = rampart_scenario::run_to_world(&scenario).map_err(|f| {
            failed(&format!("the scenario failed at step {}: {}", f.step, f.message))
        })?;
        return network_of_world(&world, &report.names, inputs);
    }
    Ok((parse_network(&text, false).map_err(|e| failed(&e))?, None))
}
