//! `rampart`: run scenarios, benchmark the engine.

mod beacon;
mod bench;
mod human;
mod lrt;
mod network_world;
mod node;
mod plots;
mod risk;
mod run;
mod sim;

use std::{path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};

/// Rampart: a deterministic engine of the restaking ecosystem.
#[derive(Debug, Parser)]
#[command(name = "rampart", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run scenario files (or every *.toml in directories) and check their expectations.
    ///
    /// Exits 0 when every expectation holds; otherwise prints the failing step with what was
    /// expected and what happened, and exits 1.
    Run(run::RunArgs),
    /// Measure the engine: calls per second on a large world, and the cost of one slash.
    Bench(bench::BenchArgs),
    /// The beacon chain's entry and exit queues (exit-wait, entry-wait).
    Beacon(beacon::BeaconArgs),
    /// Run a durable local restaking network with an HTTP API (docs at /docs).
    Node(node::NodeArgs),
    /// Sign and send a call to a node.
    Call(node::CallArgs),
    /// Read a view from a node.
    View(node::ViewArgs),
    /// List (and follow) a node's events.
    Events(node::EventsArgs),
    /// Load a node with signed calls and report throughput and latency.
    Load(node::LoadArgs),
    /// How secure is a restaking network: certificates, the exact attack search, cascades,
    /// concentration (from a network file, a scenario or a saved world).
    Risk(risk::RiskArgs),
    /// Liquid restaking tokens: every way out of a position, and LRT vs direct vs hybrid.
    Lrt(lrt::LrtArgs),
    /// Monte Carlo: many paths of a world through random futures (a model file); tables,
    /// summary and plots.
    Sim(sim::SimArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Bench(args) => bench::bench(&args),
        Command::Beacon(args) => beacon::beacon(&args),
        Command::Node(args) => node::node(&args),
        Command::Call(args) => node::call(&args),
        Command::View(args) => node::view(&args),
        Command::Events(args) => node::events(&args),
        Command::Load(args) => node::load(&args),
        Command::Risk(args) => risk::risk(&args),
        Command::Lrt(args) => lrt::lrt(&args),
        Command::Sim(args) => sim::sim(&args),
    };
    match outcome {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// Expands directories, and the directories inside them, into the `*.toml` scenario files they
/// hold, sorted by path. Network files met on the way (no `[[step]]`, a `[[service]]`) are
/// `rampart risk`'s input, and model files (a `[world]` table) `rampart sim`'s, not scenarios:
/// they are passed over and counted in the second value.
fn scenario_files(inputs: &[PathBuf]) -> anyhow::Result<(Vec<PathBuf>, usize)> {
    fn walk(dir: &std::path::Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                walk(&path, found)?;
            } else if path.extension().is_some_and(|ext| ext == "toml") {
                found.push(path);
            }
        }
        Ok(())
    }
    let is_network_file = |path: &std::path::Path| {
        std::fs::read_to_string(path).is_ok_and(|text| {
            let table = |name: &str| text.lines().any(|line| line.trim() == name);
            !table("[[step]]")
                && (table("[[service]]") || table("[world.reference]") || table("[world]"))
        })
    };
    let (mut files, mut networks) = (Vec::new(), 0);
    for input in inputs {
        if input.is_dir() {
            let mut found = Vec::new();
            walk(input, &mut found)?;
            found.sort();
            let before = found.len();
            found.retain(|path| !is_network_file(path));
            networks += before - found.len();
            if found.is_empty() {
                anyhow::bail!("{} holds no .toml scenario files", input.display());
            }
            files.extend(found);
        } else if input.exists() {
            files.push(input.clone());
        } else {
            anyhow::bail!("{} does not exist", input.display());
        }
    }
    Ok((files, networks))
}
