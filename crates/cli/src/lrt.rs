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
}

fn ether(text: &str) -> anyhow::Result<String> {
    let with_unit = if text.trim().chars().all(|c| c.is_ascii_digit() || c == '.' || c == '_') {
        format!("{text} ether")
    } else {
        text.to_owned()
    };
    Ok(parse_amount(&with_unit).map_err(anyhow::Error::msg)?.to_string())
}

fn world_of(path: &std::path::Path) -> anyhow::Result<rampart_engine::World> {
    let scenario = rampart_scenario::parse_file(path)?;
    let (_, world) = rampart_scenario::run_to_world(&scenario)
        .map_err(|failure| anyhow::anyhow!("the scenario failed: {failure}"))?;
    Ok(world)
}

fn human(seconds: u64) -> String {
    if seconds == 0 {
        "now".into()
    } else if seconds >= 2 * 86_400 {
        format!("{:.1} days", seconds as f64 / 86_400.0)
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
            let world = world_of(&a.scenario)?;
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
                let status = match &route.why_not {
                    None => "available".to_owned(),
                    Some(why) => format!("not now: {why}"),
                };
                println!(
                    "  {:<17} {:>12}  receive {}  cost {}  ({status})",
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
            let world = world_of(&a.scenario)?;
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
            println!("{}", serde_json::to_string_pretty(&value)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}
