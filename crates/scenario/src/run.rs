//! Running a scenario against a fresh world and checking its expectations.

use std::{collections::BTreeMap, path::PathBuf};

use rampart_engine::{Address, B256, World, accounts, clock::SECONDS_PER_BLOCK};
use serde::Serialize;
use serde_json::{Value, json};

use crate::{
    backend::{Backend, LocalBackend},
    compare::matches,
    names::NameBook,
    parse::{Scenario, Step, StepKind, WarpTo},
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
    /// The block at the end.
    pub final_block: u64,
    /// The final state hash, where the backend has one.
    pub final_state_hash: Option<B256>,
    /// Names for the addresses the scenario used.
    pub names: NameBook,
}

impl Report {
    /// The final state hash (zero where the backend has none).
    pub fn state_hash(&self) -> B256 {
        self.final_state_hash.unwrap_or_default()
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
            "final_block": self.final_block,
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

struct Runner<'a, B: Backend> {
    scenario: &'a Scenario,
    backend: B,
    labels: BTreeMap<String, Value>,
    names: NameBook,
    outcomes: Vec<Outcome>,
}

/// Runs `scenario` on a fresh world; stops at the first failed expectation.
///
/// Every module's invariants are checked after every step, so a scenario also tests the engine.
pub fn run(scenario: &Scenario) -> Result<Report, Box<Failure>> {
    run_on(scenario, LocalBackend { world: World::new(scenario.params) })
}

/// Runs `scenario` on a fresh world and returns the world it leaves (for analyses of it).
pub fn run_to_world(scenario: &Scenario) -> Result<(Report, World), Box<Failure>> {
    let (report, backend) =
        run_keeping_backend(scenario, LocalBackend { world: World::new(scenario.params) })?;
    Ok((report, backend.world))
}

/// Runs `scenario` against `backend` (a fresh world, or a node).
pub fn run_on<B: Backend>(scenario: &Scenario, backend: B) -> Result<Report, Box<Failure>> {
    run_keeping_backend(scenario, backend).map(|(report, _)| report)
}

fn run_keeping_backend<B: Backend>(
    scenario: &Scenario,
    backend: B,
) -> Result<(Report, B), Box<Failure>> {
    let mut runner = Runner {
        scenario,
        backend,
        labels: BTreeMap::new(),
        names: NameBook::new(),
        outcomes: Vec::with_capacity(scenario.steps.len()),
    };
    for (index, step) in scenario.steps.iter().enumerate() {
        let outcome = runner.step(index + 1, step)?;
        if let Err(violation) = runner.backend.check_invariants() {
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
    let report = Report {
        name: scenario.name.clone(),
        path: scenario.path.clone(),
        outcomes: runner.outcomes,
        final_block: runner.backend.block(),
        final_state_hash: runner.backend.state_hash(),
        names: runner.names,
    };
    Ok((report, runner.backend))
}

impl<B: Backend> Runner<'_, B> {
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
        let clock = |what: String, result: Result<Vec<Value>, String>, runner: &mut Self| {
            let events = result.map_err(|e| runner.fail(number, step, &what, e, None, None))?;
            Ok(Outcome {
                step: number,
                line: step.line,
                block: runner.backend.block(),
                kind: "clock",
                what,
                events,
                value: None,
                rejected_with: None,
                checks: 0,
            })
        };
        match &step.kind {
            StepKind::AtBlock(block) => {
                let result = self.backend.set_block(*block);
                clock(format!("at block {block}"), result, self)
            }
            StepKind::AdvanceBlocks(blocks) => {
                let result = self.backend.advance_blocks(*blocks);
                clock(format!("advance {blocks} blocks"), result, self)
            }
            StepKind::AdvanceSeconds(seconds) => {
                // Whole blocks of 12 s, rounded up, as the world's clock moves.
                let result = self.backend.advance_blocks(seconds.div_ceil(SECONDS_PER_BLOCK));
                clock(format!("advance {seconds} s"), result, self)
            }
            StepKind::Warp(to) => {
                let timestamp = match *to {
                    WarpTo::At(timestamp) => Some(timestamp),
                    WarpTo::Later(seconds) => self.backend.timestamp().checked_add(seconds),
                };
                let result = timestamp
                    .ok_or_else(|| "the timestamp would overflow".to_owned())
                    .and_then(|timestamp| self.backend.warp(timestamp));
                let what = format!("warp to timestamp {}", timestamp.unwrap_or(u64::MAX));
                clock(what, result, self)
            }
            StepKind::Roll(block) => {
                let result = self.backend.roll(*block);
                clock(format!("roll to block {block}"), result, self)
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
        let mut args = self.substitute(&with_target(args, step));
        self.names.learn_from(&args);
        expand_shorthands(&mut self.backend, name, sender, &mut args)
            .map_err(|m| fail(self, m, None, None))?;
        let result = self.backend.apply(&sender_name, sender, name, args);
        if let Err(reverted) = &result
            && reverted.name == "BadCall"
        {
            return Err(fail(self, format!("bad call: {}", reverted.message), None, None));
        }
        let mut outcome = Outcome {
            step: number,
            line: step.line,
            block: self.backend.block(),
            kind: "call",
            what: what.clone(),
            events: Vec::new(),
            value: None,
            rejected_with: None,
            checks: 0,
        };
        let emitted = match (result, &step.expect_error) {
            (Err(rejection), Some(expected)) => {
                let shown = format!("{}: {}", rejection.name, rejection.message);
                if rejection.name != *expected && !rejection.message.contains(expected.as_str()) {
                    return Err(fail(
                        self,
                        "rejected with a different error".into(),
                        Some(expected.clone()),
                        Some(shown),
                    ));
                }
                outcome.rejected_with = Some(shown);
                outcome.checks = 1;
                return Ok(outcome);
            }
            (Err(rejection), None) => {
                let message =
                    format!("the call was rejected: {}: {}", rejection.name, rejection.message);
                return Err(fail(self, message, None, None));
            }
            (Ok(events), Some(expected)) => {
                let shown = self.names.rename(&Value::Array(events)).to_string();
                return Err(fail(
                    self,
                    "the call succeeded but was expected to fail".into(),
                    Some(expected.clone()),
                    Some(format!("success, events {shown}")),
                ));
            }
            (Ok(events), None) => events,
        };
        self.check_events(&step.expect_events, &emitted).map_err(|(message, expected)| {
            let actual = self.names.rename(&Value::Array(emitted.clone())).to_string();
            fail(self, message, Some(expected), Some(actual))
        })?;
        outcome.checks = step.expect_events.len();
        if let Some(label) = &step.label {
            let created = created_objects(&emitted);
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
        let mut args = self.substitute(&with_target(args, step));
        self.names.learn_from(&args);
        let what = format!("view {name}");
        expand_babylon(name, &mut args)
            .map_err(|m| self.fail(number, step, &what, m, None, None))?;
        let outcome = self.backend.view(name, args);
        if let Some(expected) = &step.expect_error {
            let actual = match &outcome {
                Ok(value) => format!("success: {}", self.names.rename(value)),
                Err(rejection) if &rejection.name == expected => {
                    return Ok(Outcome {
                        step: number,
                        line: step.line,
                        block: self.backend.block(),
                        kind: "view",
                        what,
                        events: Vec::new(),
                        value: None,
                        rejected_with: Some(rejection.name.clone()),
                        checks: 1,
                    });
                }
                Err(rejection) => format!("{}: {}", rejection.name, rejection.message),
            };
            let message = "the view was expected to revert".to_owned();
            return Err(self.fail(
                number,
                step,
                &what,
                message,
                Some(expected.clone()),
                Some(actual),
            ));
        }
        let value = outcome.map_err(|rejection| {
            let message = if rejection.name == "BadCall" {
                format!("bad view: {}", rejection.message)
            } else {
                format!("the view reverted: {}: {}", rejection.name, rejection.message)
            };
            self.fail(number, step, &what, message, None, None)
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
        if let Some(label) = &step.label {
            self.store_label(label, vec![value.clone()])
                .map_err(|m| self.fail(number, step, &what, m, None, None))?;
        }
        Ok(Outcome {
            step: number,
            line: step.line,
            block: self.backend.block(),
            kind: "view",
            what,
            events: Vec::new(),
            value: Some(self.names.rename(&value)),
            rejected_with: None,
            checks,
        })
    }

    /// Every expected event must match an emitted one, in order (a subsequence).
    fn check_events(
        &mut self,
        expected: &[Value],
        emitted: &[Value],
    ) -> Result<(), (String, String)> {
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
                if let Some(address) =
                    created[0].as_str().and_then(rampart_engine::accounts::parse_hex_address)
                {
                    self.names.name(address, label);
                }
                self.labels.insert(label.to_owned(), created[0].clone());
            }
            _ => {
                for (index, value) in created.iter().enumerate() {
                    if let Some(address) =
                        value.as_str().and_then(rampart_engine::accounts::parse_hex_address)
                    {
                        self.names.name(address, &format!("{label}.{index}"));
                    }
                    self.labels.insert(format!("{label}.{index}"), value.clone());
                }
                self.labels.insert(label.to_owned(), Value::Array(created));
            }
        }
        Ok(())
    }

    /// Replaces every string that is exactly a label (or `label.field`, `label.0` into what a
    /// view returned) with what it names, and `now`, `now-N`, `now+N` with the current
    /// timestamp moved by N seconds.
    fn substitute(&mut self, value: &Value) -> Value {
        match value {
            Value::String(text) => {
                if let Some(found) = self.labels.get(text) {
                    return found.clone();
                }
                if let Some(found) = self.label_path(text) {
                    return found;
                }
                if let Some(timestamp) = self.relative_time(text) {
                    return Value::from(timestamp);
                }
                value.clone()
            }
            Value::Array(items) => Value::Array(items.iter().map(|v| self.substitute(v)).collect()),
            Value::Object(map) => {
                Value::Object(map.iter().map(|(k, v)| (k.clone(), self.substitute(v))).collect())
            }
            other => other.clone(),
        }
    }

    /// `label.key.0…`: a part of what a view labelled returned.
    fn label_path(&self, text: &str) -> Option<Value> {
        let mut parts = text.split('.');
        let mut value = self.labels.get(parts.next()?)?;
        for part in parts {
            value = match value {
                Value::Object(map) => map.get(part)?,
                Value::Array(items) => items.get(part.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(value.clone())
    }

    /// `now`, `now-N` or `now+N` (seconds) as a timestamp.
    fn relative_time(&mut self, text: &str) -> Option<u64> {
        let rest = text.strip_prefix("now")?.trim();
        let now = self.backend.timestamp();
        if rest.is_empty() {
            return Some(now);
        }
        let (sign, digits) = rest.split_at(1);
        let seconds: u64 = digits.trim().replace('_', "").parse().ok()?;
        match sign {
            "-" => now.checked_sub(seconds),
            "+" => now.checked_add(seconds),
            _ => None,
        }
    }
}

/// Expands what a scenario may write in short into what the contracts take: an approver's
/// `signed_by` into its real EIP-712 signature, and Babylon's signing shorthands. Every way of
/// driving a world by name (scenario steps, the Python package) goes through this.
///
/// # Errors
/// A shorthand that cannot be expanded (a missing field, an unreadable number), with why.
pub fn expand_shorthands<B: Backend>(
    backend: &mut B,
    name: &str,
    sender: Address,
    args: &mut Value,
) -> Result<(), String> {
    sign_approvals(backend, name, sender, args)?;
    expand_babylon(name, args)
}

/// Turns `{ signed_by = "approver", expiry = N }` into the approver's real EIP-712 signature.
fn sign_approvals<B: Backend>(
    backend: &mut B,
    name: &str,
    staker: Address,
    args: &mut Value,
) -> Result<(), String> {
    let (field, operator_field) = match name {
        "eigenlayer.delegate_to" => ("approver_signature_and_expiry", "operator"),
        "eigenlayer.redelegate" => ("new_operator_approver_sig", "new_operator"),
        _ => return Ok(()),
    };
    let Some(object) = args.as_object_mut() else { return Ok(()) };
    let Some(signer) = object.get(field).and_then(|s| s.get("signed_by")).and_then(Value::as_str)
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
    let digest_args = json!({
        "staker": staker, "operator": operator, "approver": approver,
        "approver_salt": salt, "expiry": expiry.to_string(),
    });
    let digest = backend
        .view("eigenlayer.calculate_delegation_approval_digest_hash", digest_args)
        .map_err(|e| format!("cannot compute the approval digest: {}", e.message))?;
    let digest: B256 =
        serde_json::from_value(digest).map_err(|e| format!("approval digest: {e}"))?;
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

/// Scenario shorthands for Babylon's cryptography, computed with the named provider's keys:
/// `commit_pub_rand_list` with `num_pub_rand` instead of `pub_rand_list`, and
/// `add_finality_sig` with `signed_by` instead of `pub_rand` and `finality_sig`. A
/// `block_app_hash` that is not 0x hex stands for its keccak256 (`"block-10-a"`).
///
/// # Errors
/// A shorthand that cannot be expanded, with why.
pub fn expand_babylon(name: &str, args: &mut Value) -> Result<(), String> {
    use rampart_engine::babylon::eots;
    let Some(object) = args.as_object_mut() else { return Ok(()) };
    let height_of = |value: Option<&Value>, field: &str| -> Result<u64, String> {
        let value = value.ok_or_else(|| format!("`{field}` is required"))?;
        rampart_engine::serde_ext::int::deserialize::<_, u64>(value.clone())
            .map_err(|e| format!("{field}: {e}"))
    };
    if name.starts_with("babylon.")
        && let Some(text) = object.get("block_app_hash").and_then(Value::as_str)
        && !text.starts_with("0x")
    {
        let hash = alloy_primitives::keccak256(text.as_bytes());
        object.insert("block_app_hash".into(), json!(hash));
    }
    match name {
        "babylon.commit_pub_rand_list" => {
            let Some(count) = object.remove("num_pub_rand") else { return Ok(()) };
            let count = height_of(Some(&count), "num_pub_rand")?;
            let provider = object
                .get("fp_btc_pk")
                .and_then(Value::as_str)
                .ok_or("`fp_btc_pk` names the provider")?
                .to_owned();
            let start = height_of(object.get("start_height"), "start_height")?;
            let list: Result<Vec<Value>, String> = (start..start + count.min(100_000))
                .map(|height| {
                    let randomness = eots::named_randomness(&provider, height);
                    eots::public_randomness(&randomness)
                        .map(|r| json!(r))
                        .map_err(|e| e.to_string())
                })
                .collect();
            object.insert("pub_rand_list".into(), Value::Array(list?));
        }
        "babylon.add_finality_sig" => {
            let Some(signer) = object.remove("signed_by") else { return Ok(()) };
            let signer = signer.as_str().ok_or("`signed_by` names the provider")?.to_owned();
            let height = height_of(object.get("block_height"), "block_height")?;
            let block: B256 = serde_json::from_value(
                object.get("block_app_hash").cloned().unwrap_or(Value::Null),
            )
            .map_err(|e| format!("block_app_hash: {e}"))?;
            let randomness = eots::named_randomness(&signer, height);
            let public = eots::public_randomness(&randomness).map_err(|e| e.to_string())?;
            let message = eots::vote_message(height, &block);
            let signature = eots::sign(&eots::named_secret(&signer), &randomness, &message)
                .map_err(|e| e.to_string())?;
            object.insert("pub_rand".into(), json!(public));
            // An explicit signature is kept: how a scenario tests a forged vote.
            object.entry("finality_sig").or_insert(json!(signature));
        }
        _ => {}
    }
    Ok(())
}

/// `args` with the step's `target` in them.
fn with_target(args: &Value, step: &Step) -> Value {
    let Some(target) = &step.target else { return args.clone() };
    let mut args = if args.is_null() { Value::Object(Default::default()) } else { args.clone() };
    if let Value::Object(map) = &mut args {
        map.insert("target".into(), Value::String(target.clone()));
    }
    args
}

fn resolve_account(text: &str) -> Result<Address, String> {
    rampart_engine::serde_ext::account::deserialize(Value::String(text.to_owned()))
        .map_err(|e| e.to_string())
}

/// What a call created that a label can name: withdrawals, slash ids, operator sets, BTC
/// delegations, rewards submissions (their hashes), Jito NCNs, operators, vaults and
/// withdrawal tickets.
fn created_objects(events: &[Value]) -> Vec<Value> {
    events
        .iter()
        .filter_map(|event| match event["event"].as_str()? {
            "SlashingWithdrawalQueued" => Some(event["withdrawal"].clone()),
            "OperatorSlashed" => Some(event["slash_id"].clone()),
            "OperatorSetCreated" => Some(event["operator_set"].clone()),
            "BtcDelegationCreated" => Some(event["staking_tx_hash"].clone()),
            "VaultCreated" => Some(event["vault"].clone()),
            "RequestSlash" => Some(event["slash_index"].clone()),
            "StakerRewardsCreated" => Some(event["staker_rewards"].clone()),
            "DeployedVault" => Some(event["vault"].clone()),
            "RequestedSlashing" => Some(event["root"].clone()),
            "StartedRedeem" | "StartedWithdrawal" => Some(event["withdrawal_key"].clone()),
            "NodeCreated" => Some(event["node"].clone()),
            "LrtCreated" => Some(event["lrt"].clone()),
            "InitializeNcn" => Some(event["ncn"].clone()),
            "InitializeOperator" => Some(event["operator"].clone()),
            "InitializeVault" => Some(event["vault"].clone()),
            "EnqueueWithdrawal" => Some(event["ticket"].clone()),
            "WithdrawalRequested" => Some(event["request_id"].clone()),
            "AVSRewardsSubmissionCreated"
            | "UniqueStakeRewardsSubmissionCreated"
            | "TotalStakeRewardsSubmissionCreated" => {
                Some(event["rewards_submission_hash"].clone())
            }
            "OperatorDirectedAVSRewardsSubmissionCreated"
            | "OperatorDirectedOperatorSetRewardsSubmissionCreated" => {
                Some(event["operator_directed_rewards_submission_hash"].clone())
            }
            _ => None,
        })
        .collect()
}
