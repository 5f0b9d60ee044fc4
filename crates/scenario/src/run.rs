//! Running a scenario against a fresh world and checking its expectations.

use std::{collections::BTreeMap, path::PathBuf};

use rampart_engine::{
    Action, Address, B256, Call, Event, View, World, accounts, eigenlayer::EigenLayerEvent,
};
use serde::Serialize;
use serde_json::{Value, json};

use crate::{
    compare::matches,
    names::NameBook,
    parse::{Scenario, Step, StepKind},
};

/// What one step did.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// 1-based step number.
    pub step: usize,
    /// The line the step starts on.
    pub line: usize,
    /// The block the step ran in (after it, for clock steps).
    pub block: u64,
    /// `call` / `view` / `clock`.
    pub kind: &'static str,
    /// What was called, e.g. `alice: eigenlayer.delegate_to`.
    pub what: String,
    /// Events a call emitted, with addresses shown by name.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<Value>,
    /// A view's value, with addresses shown by name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// The expected rejection a call met.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rejected_with: Option<String>,
    /// How many expectations the step checked.
    pub checks: usize,
}

/// A scenario that ran to the end with every expectation met.
#[derive(Debug, Clone)]
pub struct Report {
    /// The scenario.
    pub name: String,
    /// Its file.
    pub path: PathBuf,
    /// Per step.
    pub outcomes: Vec<Outcome>,
    /// The world at the end.
    pub world: World,
    /// Names for the addresses the scenario used.
    pub names: NameBook,
}

impl Report {
    /// The final state hash.
    pub fn state_hash(&self) -> B256 {
        self.world.state_hash()
    }

    /// Expectations checked in all.
    pub fn checks(&self) -> usize {
        self.outcomes.iter().map(|o| o.checks).sum()
    }

    /// The report as JSON (`rampart run --json`).
    pub fn to_json(&self) -> Value {
        json!({
            "scenario": self.name,
            "path": self.path.display().to_string(),
            "ok": true,
            "state_hash": self.state_hash(),
            "final_block": self.world.clock.block,
            "steps": self.outcomes,
        })
    }
}

/// The first step whose expectation failed, or that could not run.
#[derive(Debug, Clone, thiserror::Error, Serialize)]
#[error("{path}:{line}: step {step} ({what}): {message}{}{}",
    expected.as_ref().map(|e| format!("\n    expected: {e}")).unwrap_or_default(),
    actual.as_ref().map(|a| format!("\n    actual:   {a}")).unwrap_or_default())]
pub struct Failure {
    /// The file.
    pub path: String,
    /// 1-based step number.
    pub step: usize,
    /// Its line.
    pub line: usize,
    /// What the step did.
    pub what: String,
    /// What went wrong.
    pub message: String,
    /// The expectation, when there was one.
    pub expected: Option<String>,
    /// What happened instead.
    pub actual: Option<String>,
}

struct Runner<'a> {
    scenario: &'a Scenario,
    world: World,
    labels: BTreeMap<String, Value>,
    names: NameBook,
    outcomes: Vec<Outcome>,
}

/// Runs `scenario` on a fresh world; stops at the first failed expectation.
///
/// Every module's invariants are checked after every step, so a scenario also tests the engine.
pub fn run(scenario: &Scenario) -> Result<Report, Box<Failure>> {
    let mut runner = Runner {
        scenario,
        world: World::new(scenario.params),
        labels: BTreeMap::new(),
        names: NameBook::new(),
        outcomes: Vec::with_capacity(scenario.steps.len()),
    };
    for (index, step) in scenario.steps.iter().enumerate() {
        let outcome = runner.step(index + 1, step)?;
        if let Err(violation) = runner.world.check_invariants() {
            return Err(runner.fail(
                index + 1,
                step,
                &outcome.what,
                format!("invariant violated: {violation}"),
                None,
                None,
            ));
        }
        runner.outcomes.push(outcome);
    }
    Ok(Report {
        name: scenario.name.clone(),
        path: scenario.path.clone(),
        outcomes: runner.outcomes,
        world: runner.world,
        names: runner.names,
    })
}

impl Runner<'_> {
    fn fail(
        &self,
        step: usize,
        at: &Step,
        what: &str,
        message: String,
        expected: Option<String>,
        actual: Option<String>,
    ) -> Box<Failure> {
        Box::new(Failure {
            path: self.scenario.path.display().to_string(),
            step,
            line: at.line,
            what: what.to_owned(),
            message,
            expected,
            actual,
        })
    }

    fn step(&mut self, number: usize, step: &Step) -> Result<Outcome, Box<Failure>> {
        let clock =
            |what: String, result: Result<(), rampart_engine::clock::ClockError>, runner: &Self| {
                result.map_err(|e| runner.fail(number, step, &what, e.to_string(), None, None))?;
                Ok(Outcome {
                    step: number,
                    line: step.line,
                    block: runner.world.clock.block,
                    kind: "clock",
                    what,
                    events: Vec::new(),
                    value: None,
                    rejected_with: None,
                    checks: 0,
                })
            };
        match &step.kind {
            StepKind::AtBlock(block) => {
                let result = self.world.set_block(*block);
                clock(format!("at block {block}"), result, self)
            }
            StepKind::AdvanceBlocks(blocks) => {
                let result = self.world.advance_blocks(*blocks);
                clock(format!("advance {blocks} blocks"), result, self)
            }
            StepKind::AdvanceSeconds(seconds) => {
                let result = self.world.advance_seconds(*seconds);
                clock(format!("advance {seconds} s"), result, self)
            }
            StepKind::Call { name, args } => self.call(number, step, name, args),
            StepKind::View { name, args } => self.view(number, step, name, args),
        }
    }

    fn call(
        &mut self,
        number: usize,
        step: &Step,
        name: &str,
        args: &Value,
    ) -> Result<Outcome, Box<Failure>> {
        let sender_name = step.from.clone().unwrap_or_else(|| accounts::ADMIN_NAME.to_owned());
        let what = format!("{sender_name}: {name}");
        let fail =
            |runner: &Self, message: String, expected: Option<String>, actual: Option<String>| {
                runner.fail(number, step, &what, message, expected, actual)
            };
        let sender = resolve_account(&sender_name).map_err(|m| fail(self, m, None, None))?;
        self.names.learn(&sender_name);
        let mut args = self.substitute(args);
        self.names.learn_from(&args);
        self.sign_approvals(name, sender, &mut args).map_err(|m| fail(self, m, None, None))?;
        let action = Action::parse(name, args)
            .map_err(|e| fail(self, format!("bad call: {e}"), None, None))?;
        let result = self.world.apply(&Call { sender, action });
        let mut outcome = Outcome {
            step: number,
            line: step.line,
            block: self.world.clock.block,
            kind: "call",
            what: what.clone(),
            events: Vec::new(),
            value: None,
            rejected_with: None,
            checks: 0,
        };
        let events = match (result, &step.expect_error) {
            (Err(rejection), Some(expected)) => {
                if rejection.name() != expected
                    && !rejection.to_string().contains(expected.as_str())
                {
                    return Err(fail(
                        self,
                        "rejected with a different error".into(),
                        Some(expected.clone()),
                        Some(format!("{}: {rejection}", rejection.name())),
                    ));
                }
                outcome.rejected_with = Some(format!("{}: {rejection}", rejection.name()));
                outcome.checks = 1;
                return Ok(outcome);
            }
            (Err(rejection), None) => {
                return Err(fail(
                    self,
                    format!("the call was rejected: {}: {rejection}", rejection.name()),
                    None,
                    None,
                ));
            }
            (Ok(events), Some(expected)) => {
                let shown = self.names.rename(&json!(events)).to_string();
                return Err(fail(
                    self,
                    "the call succeeded but was expected to fail".into(),
                    Some(expected.clone()),
                    Some(format!("success, events {shown}")),
                ));
            }
            (Ok(events), None) => events,
        };
        let emitted: Vec<Value> = events.iter().map(|e| json!(e)).collect();
        self.check_events(&step.expect_events, &emitted).map_err(|(message, expected)| {
            let actual = self.names.rename(&Value::Array(emitted.clone())).to_string();
            fail(self, message, Some(expected), Some(actual))
        })?;
        outcome.checks = step.expect_events.len();
        if let Some(label) = &step.label {
            let created = created_objects(&events);
            self.store_label(label, created).map_err(|m| fail(self, m, None, None))?;
        }
        outcome.events = emitted.iter().map(|e| self.names.rename(e)).collect();
        Ok(outcome)
    }

    fn view(
        &mut self,
        number: usize,
        step: &Step,
        name: &str,
        args: &Value,
    ) -> Result<Outcome, Box<Failure>> {
        let args = self.substitute(args);
        self.names.learn_from(&args);
        let what = format!("view {name}");
        let view = View::parse(name, args)
            .map_err(|e| self.fail(number, step, &what, format!("bad view: {e}"), None, None))?;
        let value = self.world.view(&view).map_err(|rejection| {
            self.fail(
                number,
                step,
                &what,
                format!("the view reverted: {}: {rejection}", rejection.name()),
                None,
                None,
            )
        })?;
        let mut checks = 0;
        if let Some(expected) = &step.expect {
            let expected = self.substitute(expected);
            if !matches(&expected, &value) {
                return Err(self.fail(
                    number,
                    step,
                    &what,
                    "the view returned something else".into(),
                    Some(expected.to_string()),
                    Some(self.names.rename(&value).to_string()),
                ));
            }
            checks = 1;
        }
        Ok(Outcome {
            step: number,
            line: step.line,
            block: self.world.clock.block,
            kind: "view",
            what,
            events: Vec::new(),
            value: Some(self.names.rename(&value)),
            rejected_with: None,
            checks,
        })
    }

    /// Every expected event must match an emitted one, in order (a subsequence).
    fn check_events(&self, expected: &[Value], emitted: &[Value]) -> Result<(), (String, String)> {
        let mut next = 0;
        for wanted in expected {
            let wanted = self.substitute(wanted);
            match emitted[next..].iter().position(|event| matches(&wanted, event)) {
                Some(offset) => next += offset + 1,
                None => {
                    return Err((
                        "an expected event was not emitted (in this order)".into(),
                        wanted.to_string(),
                    ));
                }
            }
        }
        Ok(())
    }

    fn store_label(&mut self, label: &str, created: Vec<Value>) -> Result<(), String> {
        if self.labels.contains_key(label) {
            return Err(format!("label {label:?} is already used by an earlier step"));
        }
        match created.len() {
            0 => {
                return Err(format!(
                    "label {label:?}: this call created nothing to label (a withdrawal, slash or operator set)"
                ));
            }
            1 => {
                self.labels.insert(label.to_owned(), created[0].clone());
            }
            _ => {
                for (index, value) in created.iter().enumerate() {
                    self.labels.insert(format!("{label}.{index}"), value.clone());
                }
                self.labels.insert(label.to_owned(), Value::Array(created));
            }
        }
        Ok(())
    }

    /// Replaces every string that is exactly a label with what the label names.
    fn substitute(&self, value: &Value) -> Value {
        match value {
            Value::String(text) => self.labels.get(text).cloned().unwrap_or_else(|| value.clone()),
            Value::Array(items) => Value::Array(items.iter().map(|v| self.substitute(v)).collect()),
            Value::Object(map) => {
                Value::Object(map.iter().map(|(k, v)| (k.clone(), self.substitute(v))).collect())
            }
            other => other.clone(),
        }
    }

    /// Turns `{ signed_by = "approver", expiry = N }` into the approver's real EIP-712 signature.
    fn sign_approvals(&self, name: &str, staker: Address, args: &mut Value) -> Result<(), String> {
        let (field, operator_field) = match name {
            "eigenlayer.delegate_to" => ("approver_signature_and_expiry", "operator"),
            "eigenlayer.redelegate" => ("new_operator_approver_sig", "new_operator"),
            _ => return Ok(()),
        };
        let Some(object) = args.as_object_mut() else { return Ok(()) };
        let Some(signer) =
            object.get(field).and_then(|s| s.get("signed_by")).and_then(Value::as_str)
        else {
            return Ok(());
        };
        let signer = signer.to_owned();
        let operator = object
            .get(operator_field)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{field}.signed_by needs `{operator_field}`"))
            .and_then(resolve_account)?;
        let salt: B256 = match object.get("approver_salt") {
            Some(value) => {
                serde_json::from_value(value.clone()).map_err(|e| format!("approver_salt: {e}"))?
            }
            None => B256::ZERO,
        };
        let expiry = object[field].get("expiry").map_or(Ok(u64::MAX), |e| {
            rampart_engine::serde_ext::int::deserialize::<_, u64>(e.clone())
                .map_err(|e| format!("expiry: {e}"))
        })?;
        let approver = accounts::named_address(&signer);
        let digest = self
            .world
            .eigenlayer
            .delegation_approval_digest_hash(staker, operator, approver, salt, expiry);
        let key = accounts::named_signing_key(&signer);
        let (signature, recovery) = key
            .sign_prehash_recoverable(digest.as_slice())
            .map_err(|e| format!("signing failed: {e}"))?;
        let mut bytes = signature.to_bytes().to_vec();
        bytes.push(27 + recovery.to_byte());
        object.insert(
            field.to_owned(),
            json!({ "signature": format!("0x{}", alloy_primitives::hex::encode(bytes)), "expiry": expiry.to_string() }),
        );
        Ok(())
    }
}

fn resolve_account(text: &str) -> Result<Address, String> {
    rampart_engine::serde_ext::account::deserialize(Value::String(text.to_owned()))
        .map_err(|e| e.to_string())
}

/// What a call created that a label can name: withdrawals, slash ids, operator sets.
fn created_objects(events: &[Event]) -> Vec<Value> {
    events
        .iter()
        .filter_map(|event| match event {
            Event::EigenLayer(EigenLayerEvent::SlashingWithdrawalQueued { withdrawal, .. }) => {
                Some(json!(withdrawal))
            }
            Event::EigenLayer(EigenLayerEvent::OperatorSlashed { slash_id, .. }) => {
                Some(json!(slash_id))
            }
            Event::EigenLayer(EigenLayerEvent::OperatorSetCreated { operator_set }) => {
                Some(json!(operator_set))
            }
            _ => None,
        })
        .collect()
}
