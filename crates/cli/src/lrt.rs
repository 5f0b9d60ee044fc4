//! `rampart lrt`: every way out of an LRT position at the end of a scenario, and the brief's
//! three strategies (LRT, direct, hybrid) compared on the same world.

use std::{path::PathBuf, process::ExitCode};

use clap::{Args, Subcommand};
use rampart_engine::{
    View,
    lrt::{exit::ExitRoute, pool_address},
    serde_ext::parse_amount,
};
use serde_json::{Value, json};

#[derive(Debug, Args)]
pub(crate) struct LrtArgs {
    #[command(subcommand)]
    command: LrtCommand,
}

#[derive(Debug, Subcommand)]
enum LrtCommand {
    /// Each route out of AMOUNT of an LRT (instant, queued, as a direct restaker), with its time
    /// and cost, in the world a scenario leaves.
    Exit(ExitArgs),
    /// Holding the LRT, restaking directly with an operator, and a hybrid: yield, fees, exit
    /// time and exposure, in the world a scenario leaves.
    Compare(CompareArgs),
}

#[derive(Debug, Args)]
struct ExitArgs {
    /// The scenario that builds the world.
    scenario: PathBuf,
    /// The LRT's token symbol (`ezETH`, `eETH`, `rsETH`, `pufETH`).
    #[arg(long)]
    lrt: String,
    /// How many LRT tokens (`"100"` means 100e18; `"100 wei"`).
    #[arg(long)]
    amount: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct CompareArgs {
    /// The scenario that builds the world.
    scenario: PathBuf,
    /// The LRT's token symbol.
    #[arg(long)]
    lrt: String,
    /// ETH to place (`"64"` means 64 ETH).
    #[arg(long)]
    amount: String,
    /// The operator a direct restaker would delegate to.
    #[arg(long)]
    operator: String,
    /// The gross restaking yield assumed, in bps a year.
    #[arg(long, default_value_t = 400)]
    apr_bps: u64,
    /// The hybrid's share in the LRT, in bps.
    #[arg(long, default_value_t = 5_000)]
    lrt_share_bps: u64,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

fn ether(text: &str) -> anyhow::Result<String> {
    let with_unit = if text.trim().chars().all(|c| c.is_ascii_digit() || c == '.' || c == '_') {
        format!("{text} ether")
    } else {
        text.to_owned()
    };
    Ok(parse_amount(&with_unit).map_err(anyhow::Error::msg)?.to_string())
}

fn world_of(
    path: &std::path::Path,
) -> anyhow::Result<(rampart_engine::World, rampart_scenario::NameBook)> {
    let scenario = rampart_scenario::parse_file(path)?;
    let (report, world) = rampart_scenario::run_to_world(&scenario)
        .map_err(|failure| anyhow::anyhow!("the scenario failed: {failure}"))?;
    Ok((world, report.names))
}

/// An address as the scenario named it, or its checksummed hex.
fn named(names: &rampart_scenario::NameBook, text: &str) -> String {
    text.parse::<rampart_engine::Address>()
        .ok()
        .and_then(|address| names.name_of(&address).map(str::to_owned))
        .unwrap_or_else(|| text.to_owned())
}

fn human(seconds: u64) -> String {
    if seconds == 0 {
        "now".into()
    } else if seconds >= 2 * 86_400 {
        format!("{:.1} days", seconds as f64 / 86_400.0)
    } else if seconds < 60 {
        format!("{seconds} s")
    } else {
        format!("{} h {} min", seconds / 3600, seconds % 3600 / 60)
    }
}

fn eth(wei: &rampart_engine::U256) -> String {
    let whole = *wei / rampart_engine::U256::from(10u64.pow(18));
    let frac = *wei % rampart_engine::U256::from(10u64.pow(18));
    format!("{whole}.{:06} ETH", frac / rampart_engine::U256::from(10u64.pow(12)))
}

pub(crate) fn lrt(args: &LrtArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        LrtCommand::Exit(a) => {
            let (world, _) = world_of(&a.scenario)?;
            let pool = pool_address(&a.lrt);
            let view = View::parse(
                "lrt.exit_routes",
                json!({ "target": pool.to_string(), "shares": ether(&a.amount)? }),
            )?;
            let value = world.view(&view).map_err(|e| anyhow::anyhow!("{e}"))?;
            if a.json {
                println!("{}", serde_json::to_string_pretty(&value)?);
                return Ok(ExitCode::SUCCESS);
            }
            let routes: Vec<ExitRoute> = serde_json::from_value(value)?;
            println!("{} {} at block {}:", a.amount, a.lrt, world.clock.block);
            for route in routes {
                if let Some(why) = &route.why_not {
                    println!("  {:<17} not now: {why}", route.route);
                    continue;
                }
                println!(
                    "  {:<17} {:>12}  receive {}  cost {}",
                    route.route,
                    human(route.seconds),
                    eth(&route.receive),
                    eth(&route.cost)
                );
                for (part, seconds) in route.parts {
                    println!("      {part}: {}", human(seconds));
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        LrtCommand::Compare(a) => {
            let (world, names) = world_of(&a.scenario)?;
            let view = View::parse(
                "lrt.compare_strategies",
                json!({
                    "target": pool_address(&a.lrt).to_string(),
                    "amount": ether(&a.amount)?,
                    "operator": a.operator,
                    "gross_apr_bps": a.apr_bps,
                    "lrt_share_bps": a.lrt_share_bps,
                }),
            )?;
            let value: Value = world.view(&view).map_err(|e| anyhow::anyhow!("{e}"))?;
            if a.json {
                println!("{}", serde_json::to_string_pretty(&value)?);
            } else {
                print_comparison(&value, a, &names, world.clock.block);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The three strategies side by side: yield, the fastest way out and what it costs, and what
/// can slash the position.
fn print_comparison(
    value: &Value,
    a: &CompareArgs,
    names: &rampart_scenario::NameBook,
    block: u64,
) {
    let wei = |v: &Value| {
        v.as_str().and_then(|s| s.parse::<rampart_engine::U256>().ok()).unwrap_or_default()
    };
    let seconds = |v: &Value| match v.as_u64() {
        Some(0) => "at once".to_owned(),
        Some(s) => format!("in {}", human(s)),
        None => "-".to_owned(),
    };
    let amount = ether(&a.amount).ok().and_then(|w| w.parse().ok()).unwrap_or_default();
    println!(
        "{} with {} at block {block}, assuming a gross restaking yield of {} bps a year:",
        eth(&amount),
        a.operator,
        a.apr_bps
    );
    for s in value.as_array().into_iter().flatten() {
        let strategy = s["strategy"].as_str().unwrap_or_default();
        println!();
        match strategy {
            "hybrid" => {
                println!(
                    "  hybrid  {} in {}, {} direct: net {} bps a year",
                    eth(&wei(&s["in_lrt"])),
                    a.lrt,
                    eth(&wei(&s["direct"])),
                    s["net_apr_bps"]
                );
                println!(
                    "          exit: the {} part by {} {}, the direct part {}",
                    a.lrt,
                    s["fastest_exit_for_the_lrt_part"].as_str().unwrap_or("-"),
                    seconds(&s["fastest_exit_seconds_for_the_lrt_part"]),
                    seconds(&s["exit_seconds_for_the_direct_part"])
                );
            }
            _ => {
                let fee = s["protocol_fee_bps"].as_u64().unwrap_or_default();
                println!(
                    "  {strategy:<6}  net {} bps a year{}{}",
                    s["net_apr_bps"],
                    if fee > 0 {
                        format!(" after a {} bps reward fee", fee)
                    } else {
                        String::new()
                    },
                    if s["liquid_token"] == true { "; a liquid token" } else { "" }
                );
                println!(
                    "          fastest exit: {} {}, costing {}",
                    s["fastest_exit"].as_str().unwrap_or("-"),
                    seconds(&s["fastest_exit_seconds"]),
                    eth(&wei(&s["fastest_exit_cost"]))
                );
                if let Some(queued) = s["queued_exit_seconds"].as_u64() {
                    println!("          queued exit: {}, no fee", human(queued));
                }
            }
        }
        // One line per (service, set, operator), the hybrid's two parts added up.
        let mut by_service: std::collections::BTreeMap<
            (String, u64, String),
            rampart_engine::U256,
        > = Default::default();
        for e in s["exposure"].as_array().into_iter().flatten() {
            let key = (
                named(names, e["service"].as_str().unwrap_or_default()),
                e["service_id"].as_u64().unwrap_or_default(),
                named(names, e["operator"].as_str().unwrap_or_default()),
            );
            *by_service.entry(key).or_default() += wei(&e["slashable"]);
        }
        let exposure: Vec<String> = by_service
            .iter()
            .map(|((service, id, operator), amount)| {
                format!("{service}#{id} via {operator} ({})", eth(amount))
            })
            .collect();
        if exposure.is_empty() {
            println!("          slashable by: nothing");
        } else {
            println!("          slashable by: {}", exposure.join(", "));
        }
    }
}
