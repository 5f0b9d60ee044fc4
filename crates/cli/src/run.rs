//! `rampart run`: scenarios, with a readable account of what happened.

use std::{path::PathBuf, process::ExitCode};

use clap::Args;
use rampart_scenario::{Outcome, Report, parse_file, run as run_scenario};
use serde_json::{Value, json};

use crate::human::{Units, compact, describe_event, rename_in_text};

#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// Scenario files, or directories of them (searched with their subdirectories).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Print the steps, events and views of every scenario as JSON.
    #[arg(long)]
    json: bool,
    /// Print one line per scenario instead of every step.
    #[arg(long, short)]
    quiet: bool,
    /// Print amounts as the exact integers the engine keeps (wei, WAD) instead of in ether
    /// and percent.
    #[arg(long)]
    wei: bool,
    /// Run against a running node instead of a fresh world. The scenario runs on the node's
    /// state: start an empty node with the scenario's parameters and a manual clock
    /// (`rampart node --params testnet --block-time 0 --data-dir NEW_DIR`). A node with other
    /// parameters, or whose clock is past the scenario's first block, is refused before the
    /// first step; a node with earlier entries (--dev funding) gets a note.
    #[arg(long, value_name = "URL")]
    node: Option<String>,
}

pub(crate) fn run(args: &RunArgs) -> anyhow::Result<ExitCode> {
    let (files, networks) = crate::scenario_files(&args.paths)?;

    let mut reports = Vec::new();
    let mut failures = 0usize;
    for file in &files {
        let outcome =
            parse_file(file).map_err(|e| e.to_string()).and_then(|scenario| match &args.node {
                None => run_scenario(&scenario).map_err(|failure| failure.to_string()),
                Some(url) => {
                    let mut backend = rampart_node::remote::RemoteBackend::connect(url)
                        .map_err(|e| e.to_string())?;
                    let note = backend
                        .check_fits(&scenario)
                        .map_err(|why| format!("{}: cannot run on {url}: {why}", file.display()))?;
                    if let Some(note) = &note {
                        eprintln!("note: {note}");
                    }
                    rampart_scenario::run_on(&scenario, backend).map_err(|failure| match &note {
                        Some(note) => format!("{failure}\n(note: {note})"),
                        None => failure.to_string(),
                    })
                }
            });
        match outcome {
            Ok(report) => {
                if args.json {
                    reports.push(report.to_json());
                } else {
                    let units = if args.wei { Units::Wei } else { Units::Readable };
                    print_report(&report, args.quiet, units);
                }
            }
            Err(message) => {
                failures += 1;
                if args.json {
                    reports.push(json!({ "path": file.display().to_string(), "ok": false, "error": message }));
                } else {
                    println!("FAIL {}", file.display());
                }
                eprintln!("{message}");
            }
        }
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&Value::Array(reports))?);
    } else {
        let passed = files.len() - failures;
        println!("\n{passed} passed, {failures} failed");
        if networks > 0 {
            println!("({networks} network files passed over: `rampart risk FILE` reads them)");
        }
    }
    Ok(if failures == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn print_report(report: &Report, quiet: bool, units: Units) {
    let steps = report.outcomes.len();
    let checks = report.checks();
    if quiet {
        println!(
            "ok   {} — {} ({steps} steps, {checks} checks)",
            report.path.display(),
            report.name
        );
        return;
    }
    println!("\n━━ {} — {}", report.path.display(), report.name);
    for outcome in &report.outcomes {
        print_outcome(outcome, units, &report.names);
    }
    println!(
        "ok   {steps} steps, {checks} checks, block {}, state {}",
        report.final_block,
        short_hash(&report.state_hash().to_string())
    );
}

fn print_outcome(outcome: &Outcome, units: Units, names: &rampart_scenario::NameBook) {
    let head = format!("  {:>3}  block {:<7}", outcome.step, outcome.block);
    match outcome.kind {
        "clock" => {
            println!("{head} ⏱  {}", outcome.what);
            print_time_events(&outcome.events, units);
        }
        "view" => {
            let value = outcome.value.as_ref().map(|v| compact(v, &outcome.what, units));
            let value = value.unwrap_or_default();
            let check = if outcome.checks > 0 { " ✓" } else { "" };
            println!("{head} 👁  {} = {value}{check}", outcome.what.trim_start_matches("view "));
        }
        _ => match &outcome.rejected_with {
            Some(error) => println!(
                "{head} ✗  {} → rejected as expected: {}",
                outcome.what,
                rename_in_text(error, names)
            ),
            None => {
                println!("{head} →  {}", outcome.what);
                for event in &outcome.events {
                    println!("{:>20}{}", "", describe_event(event, units));
                }
            }
        },
    }
}

/// What time did (the beacon chain's epochs and sweep). A jump of months emits an event an
/// epoch and a withdrawal a block: kinds that repeat that much are counted, the rest (an
/// activation, an exit, a penalty) are printed in full, in order.
fn print_time_events(events: &[Value], units: Units) {
    const ROUTINE: usize = 16;
    let kind = |event: &Value| event.get("event").and_then(Value::as_str).unwrap_or("?").to_owned();
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for event in events {
        *counts.entry(kind(event)).or_default() += 1;
    }
    for event in events.iter().filter(|event| counts[&kind(event)] < ROUTINE) {
        println!("{:>20}{}", "", describe_event(event, units));
    }
    let routine: Vec<String> = counts
        .iter()
        .filter(|(_, count)| **count >= ROUTINE)
        .map(|(kind, count)| format!("{kind} ×{count}"))
        .collect();
    if !routine.is_empty() {
        println!("{:>20}... and {}", "", routine.join(", "));
    }
}

fn short_hash(hash: &str) -> String {
    hash.chars().take(18).collect()
}
