//! `rampart beacon`: the beacon chain's entry and exit queues, computed with the consensus
//! spec's churn state machine.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use rampart_engine::{
    beacon::churn::{self, GWEI_PER_ETH, SECONDS_PER_EPOCH},
    serde_ext::parse_amount,
};
use serde_json::json;

#[derive(Debug, Args)]
pub(crate) struct BeaconArgs {
    #[command(subcommand)]
    command: BeaconCommand,
}

#[derive(Debug, Subcommand)]
enum BeaconCommand {
    /// When a new exit of AMOUNT leaves the validator set, behind QUEUE of exits already waiting.
    ExitWait(WaitArgs),
    /// When a new deposit of AMOUNT is applied, behind QUEUE of pending deposits.
    ///
    /// Assumes the churn binds, not the limit of 16 deposits an epoch: true for a queue of
    /// 32 ETH deposits; a queue of many small top-ups waits longer than this says.
    EntryWait(WaitArgs),
}

#[derive(Debug, Args)]
struct WaitArgs {
    /// ETH already waiting (`"10000"`, `"10000 ETH"`).
    #[arg(long, default_value = "0")]
    queue: String,
    /// The new exit's or deposit's size.
    #[arg(long)]
    amount: String,
    /// Total active stake, which sets the churn (256 ETH per epoch above 16.8M ETH).
    #[arg(long, default_value = "34000000")]
    total_stake: String,
    /// The current epoch (only changes the epoch numbers printed).
    #[arg(long, default_value_t = 400_000)]
    epoch: u64,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// ETH (a plain number means ETH here) to gwei.
fn gwei(text: &str) -> anyhow::Result<u64> {
    let with_unit = if text.trim().chars().all(|c| c.is_ascii_digit() || c == '.' || c == '_') {
        format!("{text} ETH")
    } else {
        text.to_owned()
    };
    let wei = parse_amount(&with_unit).map_err(anyhow::Error::msg)?;
    let gwei = wei / rampart_engine::U256::from(GWEI_PER_ETH);
    u64::try_from(gwei).map_err(|_| anyhow::anyhow!("{text} is more ETH than exists"))
}

fn duration(epochs: u64) -> String {
    let hours = epochs * SECONDS_PER_EPOCH / 3600;
    if hours >= 48 {
        format!("{:.1} days", hours as f64 / 24.0)
    } else {
        format!("{hours} h {} min", epochs * SECONDS_PER_EPOCH % 3600 / 60)
    }
}

pub(crate) fn beacon(args: &BeaconArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        BeaconCommand::ExitWait(wait) => {
            let (queue, amount, total) =
                (gwei(&wait.queue)?, gwei(&wait.amount)?, gwei(&wait.total_stake)?);
            anyhow::ensure!(amount > 0, "the exit amount must be positive");
            let result = churn::exit_wait(queue, amount, wait.epoch, total);
            if wait.json {
                println!("{}", serde_json::to_string_pretty(&result)?);
            } else {
                println!(
                    "exit churn {} ETH per epoch; an exit of {} ETH behind {} ETH requested in epoch {}:",
                    result.churn_per_epoch_gwei / GWEI_PER_ETH,
                    amount as f64 / GWEI_PER_ETH as f64,
                    queue as f64 / GWEI_PER_ETH as f64,
                    result.current_epoch
                );
                println!(
                    "  exits in epoch {} ({} epochs, {})",
                    result.exit_epoch,
                    result.epochs_to_exit,
                    duration(result.epochs_to_exit)
                );
                println!(
                    "  withdrawable in epoch {} ({} epochs, {}); the sweep pays it within one pass over the validators",
                    result.withdrawable_epoch,
                    result.epochs_to_withdrawable,
                    duration(result.epochs_to_withdrawable)
                );
            }
        }
        BeaconCommand::EntryWait(wait) => {
            let (queue, amount, total) =
                (gwei(&wait.queue)?, gwei(&wait.amount)?, gwei(&wait.total_stake)?);
            anyhow::ensure!(amount > 0, "the deposit amount must be positive");
            let queue_epochs = churn::entry_wait_epochs(queue, amount, total);
            let total_epochs = queue_epochs + churn::ENTRY_PIPELINE_EPOCHS;
            if wait.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&json!({
                        "queue_epochs": queue_epochs,
                        "pipeline_epochs": churn::ENTRY_PIPELINE_EPOCHS,
                        "epochs_to_activation": total_epochs,
                        "churn_per_epoch_gwei": churn::activation_exit_churn_limit(total),
                    }))?
                );
            } else {
                println!(
                    "deposit churn {} ETH per epoch; a deposit of {} ETH behind {} ETH:",
                    churn::activation_exit_churn_limit(total) / GWEI_PER_ETH,
                    amount as f64 / GWEI_PER_ETH as f64,
                    queue as f64 / GWEI_PER_ETH as f64
                );
                println!(
                    "  applied after {queue_epochs} epochs of deposit budget ({})",
                    duration(queue_epochs)
                );
                println!(
                    "  active after about {total_epochs} epochs ({}), with the {}-epoch finality and activation pipeline",
                    duration(total_epochs),
                    churn::ENTRY_PIPELINE_EPOCHS
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
