//! Reading a scenario file, with errors that name the line and what is wrong.

use std::path::{Path, PathBuf};

use rampart_engine::eigenlayer::Params;
use serde::Deserialize;
use serde_json::Value;

/// A scenario read from a file, not yet run.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Where it was read from (for messages).
    pub path: PathBuf,
    /// Its title.
    pub name: String,
    /// What it shows, if it says.
    pub description: Option<String>,
    /// EigenLayer's parameters (`params = "testnet"`; mainnet by default).
    pub params: Params,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// One step of a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The line of the file where the step starts.
    pub line: usize,
    /// What the step does.
    pub kind: StepKind,
    /// The account sending a call (the admin if omitted).
    pub from: Option<String>,
    /// The contract instance a call or view addresses (a label or an address); it travels to
    /// the engine as the `target` argument.
    pub target: Option<String>,
    /// A name for what the step created.
    pub label: Option<String>,
    /// For a view: the expected value (or some of its named returns).
    pub expect: Option<Value>,
    /// For a call: the error it must be rejected with.
    pub expect_error: Option<String>,
    /// For a call: events that must appear, in this order, among those emitted.
    pub expect_events: Vec<Value>,
}

/// What a step does.
#[derive(Debug, Clone, PartialEq)]
pub enum StepKind {
    /// A state-changing call, `protocol.function`.
    Call {
        /// `protocol.function`.
        name: String,
        /// Its arguments as written.
        args: Value,
    },
    /// A view, `protocol.function`.
    View {
        /// `protocol.function`.
        name: String,
        /// Its arguments as written.
        args: Value,
    },
    /// Move the clock to this block.
    AtBlock(u64),
    /// Move the clock forward by this many blocks.
    AdvanceBlocks(u64),
    /// Move the clock forward by at least this many seconds.
    AdvanceSeconds(u64),
    /// Set the timestamp, leaving the block (Foundry's `vm.warp`).
    Warp(WarpTo),
    /// Set the block number, leaving the timestamp (Foundry's `vm.roll`).
    Roll(u64),
}

/// Where a `warp` step moves the timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WarpTo {
    /// This timestamp.
    At(u64),
    /// This many seconds after the current timestamp (`"now+N"`).
    Later(u64),
}

/// A scenario file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct ParseError {
    /// The file.
    pub path: String,
    /// The line, when known.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    params: Option<toml::Value>,
    #[serde(default, rename = "step")]
    steps: Vec<toml::Spanned<RawStep>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    call: Option<String>,
    view: Option<String>,
    from: Option<String>,
    target: Option<String>,
    args: Option<toml::Value>,
    label: Option<String>,
    expect: Option<toml::Value>,
    expect_error: Option<String>,
    expect_events: Option<Vec<toml::Value>>,
    at_block: Option<toml::Value>,
    advance_blocks: Option<toml::Value>,
    advance_seconds: Option<toml::Value>,
    warp: Option<toml::Value>,
    roll: Option<toml::Value>,
    #[allow(dead_code)]
    note: Option<String>,
}

/// Reads a scenario file.
pub fn parse_file(path: &Path) -> Result<Scenario, ParseError> {
    let text = std::fs::read_to_string(path).map_err(|e| ParseError {
        path: path.display().to_string(),
        line: None,
        message: format!("cannot read the file: {e}"),
    })?;
    parse(&text, path)
}

/// Reads a scenario from its text; `path` is only used in messages.
pub fn parse(text: &str, path: &Path) -> Result<Scenario, ParseError> {
    let shown = path.display().to_string();
    let error =
        |line: Option<usize>, message: String| ParseError { path: shown.clone(), line, message };
    let raw: RawScenario = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|span| LineIndex::new(text).line_of(span.start));
        let mut message = e.message().trim().to_owned();
        // TOML integers are 64-bit; the parser's own words for a longer one are cryptic.
        if message.contains("integer") && message.contains("i128") {
            message.push_str(
                ": TOML integers stop at 9223372036854775807 (2^63 - 1); write larger numbers \
                 as strings, e.g. \"100000000000000000000\" or \"100 ether\"",
            );
        }
        error(line, message)
    })?;
    let params = match &raw.params {
        None => Params::MAINNET,
        Some(toml::Value::String(name)) => Params::named(name).ok_or_else(|| {
            error(None, format!("unknown params {name:?}: use \"mainnet\" or \"testnet\""))
        })?,
        Some(table @ toml::Value::Table(_)) => table
            .clone()
            .try_into()
            .map_err(|e: toml::de::Error| error(None, format!("params: {}", e.message())))?,
        Some(other) => {
            return Err(error(None, format!("params must be a name or a table, not {other}")));
        }
    };
    let lines = LineIndex::new(text);
    let mut steps = Vec::with_capacity(raw.steps.len());
    for spanned in raw.steps {
        let line = lines.line_of(spanned.span().start);
        let step =
            read_step(spanned.into_inner(), line).map_err(|message| error(Some(line), message))?;
        steps.push(step);
    }
    Ok(Scenario {
        path: path.to_owned(),
        name: raw.name,
        description: raw.description,
        params,
        steps,
    })
}

fn read_step(raw: RawStep, line: usize) -> Result<Step, String> {
    let chosen: Vec<&str> = [
        ("call", raw.call.is_some()),
        ("view", raw.view.is_some()),
        ("at_block", raw.at_block.is_some()),
        ("advance_blocks", raw.advance_blocks.is_some()),
        ("advance_seconds", raw.advance_seconds.is_some()),
        ("warp", raw.warp.is_some()),
        ("roll", raw.roll.is_some()),
    ]
    .into_iter()
    .filter_map(|(name, present)| present.then_some(name))
    .collect();
    if chosen.len() != 1 {
        return Err(format!(
            "a step does exactly one of call, view, at_block, advance_blocks, advance_seconds, warp, roll (this one has {})",
            if chosen.is_empty() { "none".to_owned() } else { chosen.join(" and ") }
        ));
    }
    if raw.args.is_some() && raw.call.is_none() && raw.view.is_none() {
        return Err("clock steps take no `args`".into());
    }
    let args = raw.args.map(toml_to_json).transpose()?.unwrap_or(Value::Null);
    if raw.target.is_some() && args.get("target").is_some() {
        return Err("the target is given twice: as `target` and in `args`".into());
    }
    let kind = if let Some(name) = raw.call {
        StepKind::Call { name, args }
    } else if let Some(name) = raw.view {
        StepKind::View { name, args }
    } else if let Some(block) = raw.at_block {
        StepKind::AtBlock(block_count("at_block", &block)?)
    } else if let Some(blocks) = raw.advance_blocks {
        StepKind::AdvanceBlocks(block_count("advance_blocks", &blocks)?)
    } else if let Some(to) = raw.warp {
        StepKind::Warp(warp_to(&to)?)
    } else if let Some(block) = raw.roll {
        StepKind::Roll(block_count("roll", &block)?)
    } else {
        StepKind::AdvanceSeconds(block_count(
            "advance_seconds",
            &raw.advance_seconds.expect("chosen"),
        )?)
    };
    let is_call = matches!(kind, StepKind::Call { .. });
    let is_view = matches!(kind, StepKind::View { .. });
    if raw.from.is_some() && !is_call {
        return Err("`from` belongs to call steps".into());
    }
    if raw.target.is_some() && !is_call && !is_view {
        return Err("`target` belongs to call and view steps".into());
    }

    if raw.expect_error.is_some() && !is_call && !is_view {
        return Err("`expect_error` belongs to call and view steps".into());
    }
    if raw.expect_error.is_some() && raw.expect.is_some() {
        return Err("a step expects either a value or an error".into());
    }
    if raw.expect_events.is_some() && !is_call {
        return Err("`expect_events` belongs to call steps".into());
    }
    if raw.expect.is_some() && !is_view {
        return Err(
            "`expect` belongs to view steps (use expect_error or expect_events on calls)".into()
        );
    }
    if raw.label.is_some() && !is_call && !is_view {
        return Err("`label` names what a call created or what a view returned".into());
    }
    if raw.expect_error.is_some() && (raw.expect_events.is_some() || raw.label.is_some()) {
        return Err("a call expected to fail emits no events and creates nothing to label".into());
    }
    let expect_events = raw
        .expect_events
        .unwrap_or_default()
        .into_iter()
        .map(toml_to_json)
        .collect::<Result<_, _>>()?;
    Ok(Step {
        line,
        kind,
        from: raw.from,
        target: raw.target,
        label: raw.label,
        expect: raw.expect.map(toml_to_json).transpose()?,
        expect_error: raw.expect_error,
        expect_events,
    })
}

fn block_count(field: &str, value: &toml::Value) -> Result<u64, String> {
    let parsed = match value {
        toml::Value::Integer(n) => u64::try_from(*n).ok(),
        toml::Value::String(text) => text.replace('_', "").parse().ok(),
        _ => None,
    };
    parsed.ok_or_else(|| format!("{field} must be a non-negative integer, not {value}"))
}

/// `warp = 1767225601` (a timestamp), `warp = "now"` or `warp = "now+N"` (seconds from now).
fn warp_to(value: &toml::Value) -> Result<WarpTo, String> {
    if let toml::Value::String(text) = value
        && let Some(rest) = text.trim().strip_prefix("now")
    {
        let rest = rest.trim();
        if rest.is_empty() {
            return Ok(WarpTo::Later(0));
        }
        if let Some(digits) = rest.strip_prefix('+') {
            let seconds = digits.trim().replace('_', "").parse().map_err(|_| {
                format!("warp = {text:?}: the seconds after \"now+\" must be a whole number")
            })?;
            return Ok(WarpTo::Later(seconds));
        }
        return Err(format!(
            "warp = {text:?}: the clock moves forward only (\"now\", \"now+N\" or a timestamp)"
        ));
    }
    block_count("warp", value).map(WarpTo::At)
}

/// Converts TOML to JSON; TOML floats are refused, since amounts must be exact.
fn toml_to_json(value: toml::Value) -> Result<Value, String> {
    Ok(match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(n) => Value::from(n),
        toml::Value::Float(f) => {
            return Err(format!(
                "{f} is a float; write exact numbers as integers or strings (\"1.5 ether\")"
            ));
        }
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => {
            Value::Array(items.into_iter().map(toml_to_json).collect::<Result<_, _>>()?)
        }
        toml::Value::Table(table) => Value::Object(
            table
                .into_iter()
                .map(|(k, v)| Ok((k, toml_to_json(v)?)))
                .collect::<Result<_, String>>()?,
        ),
    })
}

/// Where each line starts, found in one pass, so that naming the line of every step costs a
/// binary search rather than a rescan of the file (which made long files quadratic).
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let newlines = text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i + 1);
        Self { starts: std::iter::once(0).chain(newlines).collect() }
    }

    /// The 1-based line holding byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Scenario, ParseError> {
        parse(text, Path::new("test.toml"))
    }

    #[test]
    fn reads_steps_with_their_lines() {
        let scenario = parse_str(
            "name = \"x\"\nparams = \"testnet\"\n\n[[step]]\nat_block = 10\n\n[[step]]\ncall = \"token.mint\"\nargs = { to = \"alice\", token = \"stETH\", amount = \"1 ether\" }\n",
        )
        .unwrap();
        assert_eq!(scenario.params, Params::TESTNET);
        assert_eq!(scenario.steps.len(), 2);
        assert_eq!(scenario.steps[0].line, 4);
        assert_eq!(scenario.steps[0].kind, StepKind::AtBlock(10));
        assert_eq!(scenario.steps[1].line, 7);
    }

    #[test]
    fn malformed_files_name_the_line_and_the_problem() {
        let err =
            parse_str("name = \"x\"\n[[step]]\ncall = \"a.b\"\nview = \"c.d\"\n").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("call and view"), "{err}");

        let err = parse_str("name = \"x\"\n[[step]]\ncal = \"a.b\"\n").unwrap_err();
        assert!(err.message.contains("unknown field"), "{err}");
        assert_eq!(err.line, Some(3));

        let err = parse_str("name = \"x\"\n[[step]\n").unwrap_err();
        assert_eq!(err.line, Some(2));

        let err =
            parse_str("name = \"x\"\n[[step]]\nview = \"a.b\"\nargs = { x = 1.5 }\n").unwrap_err();
        assert!(err.message.contains("float"), "{err}");

        let err = parse_str("name = \"x\"\nparams = \"devnet\"\n").unwrap_err();
        assert!(err.message.contains("unknown params"), "{err}");

        let err = parse_str("name = \"x\"\n[[step]]\nadvance_blocks = -3\n").unwrap_err();
        assert!(err.message.contains("non-negative"), "{err}");

        let err = parse_str(
            "name = \"x\"\n[[step]]\nview = \"a.b\"\nargs = { x = 100000000000000000000 }\n",
        )
        .unwrap_err();
        assert!(err.message.contains("write larger numbers as strings"), "{err}");
    }

    #[test]
    fn line_index_names_the_line_of_every_offset() {
        let text = "a\nbc\n\nd";
        let index = LineIndex::new(text);
        let lines: Vec<usize> = (0..text.len()).map(|offset| index.line_of(offset)).collect();
        assert_eq!(lines, [1, 1, 2, 2, 2, 3, 4]);
        assert_eq!(index.line_of(text.len()), 4, "the end of the file is on the last line");
    }

    #[test]
    fn warp_and_roll_steps_read_like_foundrys_cheatcodes() {
        let kinds = |text: &str| -> Vec<StepKind> {
            parse_str(text).unwrap().steps.into_iter().map(|step| step.kind).collect()
        };
        assert_eq!(
            kinds(
                "name = \"x\"\n[[step]]\nwarp = \"now+1\"\n[[step]]\nwarp = \"now\"\n\
                 [[step]]\nwarp = 1767225601\n[[step]]\nroll = \"12\"\n"
            ),
            [
                StepKind::Warp(WarpTo::Later(1)),
                StepKind::Warp(WarpTo::Later(0)),
                StepKind::Warp(WarpTo::At(1_767_225_601)),
                StepKind::Roll(12),
            ]
        );
        let err = parse_str("name = \"x\"\n[[step]]\nwarp = \"now-1\"\n").unwrap_err();
        assert!(err.message.contains("forward only"), "{err}");
        let err = parse_str("name = \"x\"\n[[step]]\nwarp = \"now+x\"\n").unwrap_err();
        assert!(err.message.contains("whole number"), "{err}");
        let err = parse_str("name = \"x\"\n[[step]]\nroll = 3\nwarp = 4\n").unwrap_err();
        assert!(err.message.contains("warp and roll"), "{err}");
    }
}
