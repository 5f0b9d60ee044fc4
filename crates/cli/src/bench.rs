//! `rampart bench`: throughput of a realistic call mix on a large world, memory per position,
//! and the cost of one slash as the number of delegated stakers grows.
//!
//! Wall-clock timing is right here: this is a benchmark a person runs, never a test. For
//! regression tracking use the criterion benches (`cargo bench -p rampart-engine`).

use std::{
    process::ExitCode,
    time::{Duration, Instant},
};

use clap::Args;
use rampart_engine::{
    U256,
    workload::{Workload, WorkloadConfig, single_operator_world, slash_call},
};
/// Resident memory of this process in bytes (Linux's `/proc/self/statm`, 4 KiB pages), or
/// `None` elsewhere. The world's memory is the growth across its build. A counting global
/// allocator measured it before, but it counted every allocation of every subcommand with
/// shared atomics, which cost `rampart sim` a tenth of its speed on two threads.
fn resident_bytes() -> Option<usize> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: usize = statm.split_whitespace().nth(1)?.parse().ok()?;
    pages.checked_mul(4096)
}

#[derive(Debug, Args)]
pub(crate) struct BenchArgs {
    /// Stakers in the world, each with one delegated position.
    #[arg(long, default_value_t = 1_000_000)]
    stakers: u32,
    /// Operators.
    #[arg(long, default_value_t = 2_000)]
    operators: u32,
    /// Operator sets.
    #[arg(long, default_value_t = 100)]
    operator_sets: u32,
    /// Mixed calls to run.
    #[arg(long, default_value_t = 1_000_000)]
    calls: u64,
    /// Delegated-staker counts at which to time one slash (comma separated).
    #[arg(long, value_delimiter = ',', default_values_t = [1_000u32, 1_000_000])]
    slash_stakers: Vec<u32>,
    /// Slashes to time at each size (the median is reported).
    #[arg(long, default_value_t = 2_000)]
    slashes: u32,
    /// The workload generator's seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// After the timed run, run the mix again timing each call, and print the cost per kind.
    #[arg(long)]
    breakdown: bool,
}

pub(crate) fn bench(args: &BenchArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        args.stakers > 0 && args.operators > 0 && args.operator_sets > 0,
        "sizes must be positive"
    );
    let config = WorkloadConfig {
        stakers: args.stakers,
        operators: args.operators,
        operator_sets: args.operator_sets,
        seed: args.seed,
    };
    println!(
        "world: {} stakers, {} operators, {} operator sets",
        group(u64::from(args.stakers)),
        group(u64::from(args.operators)),
        group(u64::from(args.operator_sets))
    );
    let before = resident_bytes();
    let started = Instant::now();
    let mut workload = Workload::build(config);
    let built_in = started.elapsed();
    let live_bytes =
        resident_bytes().zip(before).map_or(0, |(after, before)| after.saturating_sub(before));
    println!(
        "  built in {:.2} s ({} setup calls)",
        seconds(built_in),
        group(u64::from(args.stakers) * 3)
    );
    println!(
        "  memory: {} bytes of world state per (staker, strategy) position ({:.1} MiB in all)",
        live_bytes / args.stakers as usize,
        live_bytes as f64 / (1024.0 * 1024.0)
    );

    workload.fund_stakers(U256::from(100u128 * 1_000_000_000_000_000_000));
    let started = Instant::now();
    let mut rejected = 0u64;
    for _ in 0..args.calls {
        if workload.step().is_err() {
            rejected += 1;
        }
    }
    let elapsed = started.elapsed();
    println!(
        "mixed calls: {} in {:.2} s = {} calls/s on one core ({:.1}% rejected, as a real mix has)",
        group(args.calls),
        seconds(elapsed),
        group(per_second(args.calls, elapsed)),
        100.0 * rejected as f64 / args.calls.max(1) as f64
    );
    if args.breakdown {
        print_breakdown(&mut workload, args.calls.min(500_000));
    }
    drop(workload);

    let mut medians = Vec::new();
    for &stakers in &args.slash_stakers {
        let median = time_slash(stakers, args.slashes);
        println!(
            "slash with {} delegated stakers: {:.2} µs (median of {})",
            group(u64::from(stakers)),
            micros(median),
            args.slashes
        );
        medians.push(median);
    }
    if let (Some(first), Some(last)) = (medians.first(), medians.last())
        && medians.len() > 1
    {
        println!("slash cost ratio, largest / smallest: {:.2}", seconds(*last) / seconds(*first));
    }
    Ok(ExitCode::SUCCESS)
}

/// Times each call of the mix separately (the clock reads add ~40 ns a call) and prints the
/// count, mean cost and rejection rate per kind of call.
fn print_breakdown(workload: &mut Workload, calls: u64) {
    let mut kinds: std::collections::BTreeMap<String, (u64, Duration, u64)> = Default::default();
    for _ in 0..calls {
        let call = workload.next_call();
        let started = Instant::now();
        let accepted = workload.world.apply(&call).is_ok();
        let elapsed = started.elapsed();
        let entry = kinds.entry(call.action.name()).or_default();
        entry.0 += 1;
        entry.1 += elapsed;
        entry.2 += u64::from(!accepted);
    }
    println!("per kind of call ({} calls, each timed alone):", group(calls));
    for (kind, (count, total, rejected)) in kinds {
        let mean_ns = total.as_nanos() / u128::from(count.max(1));
        println!(
            "  {kind:<45} {:>9} calls  {mean_ns:>6} ns mean  {:>5.1}% rejected",
            group(count),
            100.0 * rejected as f64 / count.max(1) as f64
        );
    }
}

/// The median time of one slash in a world where `stakers` stakers delegate to the slashed
/// operator.
fn time_slash(stakers: u32, slashes: u32) -> Duration {
    let (mut world, slash) = single_operator_world(stakers);
    let call = slash_call(&slash);
    let mut samples = Vec::with_capacity(slashes as usize);
    for _ in 0..slashes {
        let started = Instant::now();
        let outcome = world.apply(&call);
        samples.push(started.elapsed());
        outcome.expect("the benchmark slash is valid");
        world.advance_blocks(1).expect("forward");
    }
    samples.sort();
    samples[samples.len() / 2]
}

/// `count / duration`, rounded down, for display.
fn per_second(count: u64, duration: Duration) -> u64 {
    let nanos = duration.as_nanos().max(1);
    u64::try_from(u128::from(count) * 1_000_000_000 / nanos).unwrap_or(u64::MAX)
}

fn seconds(duration: Duration) -> f64 {
    duration.as_secs_f64()
}

fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}

/// 1234567 → "1,234,567".
fn group(value: u64) -> String {
    let digits = value.to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}
