//! JSON values ↔ Python objects, keeping every integer exact.

use pyo3::{
    exceptions::PyTypeError,
    prelude::*,
    types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple},
};
use serde_json::{Map, Number, Value};

/// The longest decimal a `U256` or an `i128` can print as, with its sign.
const MAX_INTEGER_DIGITS: usize = 79;

/// A JSON value as a Python object: objects become dicts (in order), arrays lists, and every
/// integer, whether a JSON number or a decimal string, an `int`.
pub(crate) fn to_python<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(flag) => PyBool::new(py, *flag).to_owned().into_any(),
        Value::Number(number) => number_to_python(py, number)?,
        Value::String(text) => match decimal_integer(text) {
            Some(digits) => int_from_decimal(py, digits)?,
            None => PyString::new(py, text).into_any(),
        },
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_python(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (key, item) in map {
                dict.set_item(key, to_python(py, item)?)?;
            }
            dict.into_any()
        }
    })
}

fn number_to_python<'py>(py: Python<'py>, number: &Number) -> PyResult<Bound<'py, PyAny>> {
    if let Some(unsigned) = number.as_u64() {
        return Ok(unsigned.into_pyobject(py)?.into_any());
    }
    if let Some(signed) = number.as_i64() {
        return Ok(signed.into_pyobject(py)?.into_any());
    }
    // The engine writes no fractional numbers; a report's decimal ratios are strings.
    Ok(PyFloat::new(py, number.as_f64().unwrap_or(f64::NAN)).into_any())
}

/// `text` if it is an integer in decimal (an optional `-`, then digits, no leading zeros).
fn decimal_integer(text: &str) -> Option<&str> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let plain = !digits.is_empty()
        && text.len() <= MAX_INTEGER_DIGITS
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    plain.then_some(text)
}

fn int_from_decimal<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    if let Ok(small) = text.parse::<i64>() {
        return Ok(small.into_pyobject(py)?.into_any());
    }
    if let Ok(small) = text.parse::<u64>() {
        return Ok(small.into_pyobject(py)?.into_any());
    }
    // Wider than 64 bits: Python's own `int(str)` is exact at any size.
    py.get_type::<PyInt>().call1((text,))
}

/// A Python object as a JSON value: `None`, bools, ints (exact at any size), strings, bytes
/// (as 0x hex), lists, tuples and dicts with string keys. Floats are refused: money is exact.
pub(crate) fn from_python(object: &Bound<'_, PyAny>) -> PyResult<Value> {
    if object.is_none() {
        return Ok(Value::Null);
    }
    // `bool` is a subclass of `int` in Python: ask first.
    if let Ok(flag) = object.cast::<PyBool>() {
        return Ok(Value::Bool(flag.is_true()));
    }
    if object.is_instance_of::<PyInt>() {
        return int_to_json(object);
    }
    if object.is_instance_of::<PyFloat>() {
        return Err(PyTypeError::new_err(format!(
            "{} is a float, and amounts are exact: pass an int (wei) or a string with a unit \
             (\"1.5 ether\")",
            object.repr()?
        )));
    }
    if let Ok(text) = object.cast::<PyString>() {
        return Ok(Value::String(text.to_cow()?.into_owned()));
    }
    if let Ok(bytes) = object.cast::<PyBytes>() {
        return Ok(Value::String(hex(bytes.as_bytes())));
    }
    if let Ok(dict) = object.cast::<PyDict>() {
        return dict_to_json(dict).map(Value::Object);
    }
    if object.is_instance_of::<PyList>() || object.is_instance_of::<PyTuple>() {
        let items: PyResult<Vec<Value>> =
            object.try_iter()?.map(|item| from_python(&item?)).collect();
        return items.map(Value::Array);
    }
    Err(PyTypeError::new_err(format!(
        "cannot pass a {} to Rampart: use int, str, bytes, bool, None, list, tuple or dict",
        object.get_type().name()?
    )))
}

/// Keyword arguments (or any dict with string keys) as a JSON object.
pub(crate) fn dict_to_json(dict: &Bound<'_, PyDict>) -> PyResult<Map<String, Value>> {
    let mut map = Map::with_capacity(dict.len());
    for (key, item) in dict.iter() {
        let key = key.cast::<PyString>().map_err(|_| {
            PyTypeError::new_err(format!("dict keys must be str, not {}", key.get_type()))
        })?;
        map.insert(key.to_cow()?.into_owned(), from_python(&item)?);
    }
    Ok(map)
}

fn int_to_json(object: &Bound<'_, PyAny>) -> PyResult<Value> {
    if let Ok(small) = object.extract::<i64>() {
        return Ok(Value::from(small));
    }
    if let Ok(small) = object.extract::<u64>() {
        return Ok(Value::from(small));
    }
    // Amount fields read decimal strings of any width.
    Ok(Value::String(object.str()?.to_cow()?.into_owned()))
}

fn hex(bytes: &[u8]) -> String {
    alloy_primitives::hex::encode_prefixed(bytes)
}
