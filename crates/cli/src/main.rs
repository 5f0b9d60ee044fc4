//! `rampart`: run scenarios, benchmark the engine.

mod bench;
mod run;

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Bench(args) => bench::bench(&args),
    };
    match outcome {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// Expands directories into the `*.toml` files they hold, sorted by name.
fn scenario_files(inputs: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(input)?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
                .collect();
            found.sort();
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
    Ok(files)
}
