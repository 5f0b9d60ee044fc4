//! `rampart sim MODEL.toml`: Monte Carlo paths of a world through random futures; tables,
//! a summary and plots.

use std::{
    io::IsTerminal,
    path::PathBuf,
    process::ExitCode,
    sync::atomic::{AtomicU64, Ordering},
    time::Instant,
};

use anyhow::anyhow;
use clap::Args;

/// Arguments of `rampart sim`.
#[derive(Debug, Args)]
pub(crate) struct SimArgs {
    /// The model file.
    model: PathBuf,
    /// Write paths.parquet/.csv, exits.parquet/.csv, subsets.csv, summary.json and the plots
    /// here.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Paths per subset (the model's `runs` otherwise).
    #[arg(long)]
    runs: Option<u64>,
    /// Steps (the model's `timesteps` otherwise).
    #[arg(long)]
    timesteps: Option<u64>,
    /// Master seed (the model's otherwise).
    #[arg(long)]
    seed: Option<u64>,
    /// Threads (0: one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) fn sim(args: &SimArgs) -> anyhow::Result<ExitCode> {
    let mut prepared = rampart_sim::load(&args.model).map_err(|e| anyhow!(e))?;
    if let Some(runs) = args.runs {
        prepared.model.runs = runs.max(1);
    }
    if let Some(t) = args.timesteps {
        prepared.model.timesteps = t.max(1);
    }
    if let Some(seed) = args.seed {
        prepared.model.seed = seed;
    }
    prepared.hash = prepared.model.hash();
    let total = prepared.path_count();
    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(total);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} paths  {per_sec}  eta {eta}",
            )
            .expect("a valid template"),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let done = AtomicU64::new(0);
    let started = Instant::now();
    let results = rampart_sim::run(&prepared, args.threads, &|| {
        done.fetch_add(1, Ordering::Relaxed);
        bar.inc(1);
    })
    .map_err(|e| anyhow!(e))?;
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    let written = match &args.out {
        Some(dir) => {
            rampart_sim::write_outputs(&prepared, &results, dir).map_err(|e| anyhow!(e))?
        }
        None => Vec::new(),
    };
    let rows = results.paths.num_rows();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&results.summary)?);
    } else {
        print!("{}", rampart_sim::summary::text(&results.summary));
        if let Some(dir) = &args.out {
            println!("wrote {} files to {}", written.len(), dir.display());
        }
    }
    eprintln!(
        "{total} paths, {rows} rows in {seconds:.2} s ({:.1} paths/s, {:.0} rows/s)",
        total as f64 / seconds.max(1e-9),
        rows as f64 / seconds.max(1e-9)
    );
    Ok(if results.summary.invariant_failures == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
