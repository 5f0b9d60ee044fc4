//! The model file: a starting world, a horizon and a step, the parameters of the stochastic
//! processes (each a number or a list of numbers: a sweep), and what to record.
//!
//! Sweeps follow radCAD: `sweep = "zip"` (default) takes the i-th value of every list for
//! subset i, shorter lists padded with their last value; `sweep = "grid"` is the Cartesian
//! product, parameters in name order, the last name varying fastest.

use std::{collections::BTreeMap, path::PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A parsed model file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// Its name.
    pub name: String,
    /// What it is for, and where its numbers come from.
    #[serde(default)]
    pub description: String,
    /// Master seed: every path is a function of (model, seed, path key).
    #[serde(default)]
    pub seed: u64,
    /// Monte Carlo repetitions per subset.
    pub runs: u64,
    /// Steps to simulate.
    pub timesteps: u64,
    /// How long a step is.
    #[serde(default)]
    pub step: StepLength,
    /// The starting world.
    pub world: WorldSpec,
    /// How list parameters combine.
    #[serde(default)]
    pub sweep: SweepKind,
    /// The processes' parameters (see [`Params`]): a number, or a list for a sweep.
    #[serde(default)]
    pub params: BTreeMap<String, ParamValue>,
    /// The strategy question: the same amount held three ways under the same futures.
    #[serde(default)]
    pub strategy: Option<StrategySpec>,
    /// Holder cohorts in a scenario or saved world (the reference network makes its own).
    #[serde(default)]
    pub holder: Vec<crate::cast::HolderSpec>,
    /// Losses (bps of the starting value) whose probability the summary reports.
    #[serde(default = "default_thresholds")]
    pub loss_thresholds_bps: Vec<u64>,
    /// Record a row after every partial state update block of a step (cadCAD's substeps:
    /// market, faults, operators, settlement, behaviour, managers), not only at its end.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub substeps: bool,
}

fn default_thresholds() -> Vec<u64> {
    vec![100, 500, 1_000]
}

/// A step: a day (7,200 blocks), an epoch (32 blocks) or a number of blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum StepLength {
    /// 86,400 s.
    #[default]
    Day,
    /// 384 s.
    Epoch,
    /// `blocks` × 12 s.
    Blocks(u64),
}

impl StepLength {
    /// Seconds in a step.
    pub fn seconds(self) -> u64 {
        match self {
            Self::Day => 86_400,
            Self::Epoch => 384,
            Self::Blocks(n) => n.max(1) * 12,
        }
    }
}

/// Zip (radCAD) or grid (Cartesian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SweepKind {
    /// Position i takes the i-th value of every list (last value repeated).
    #[default]
    Zip,
    /// Every combination.
    Grid,
}

/// One parameter: a value or a sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ParamValue {
    /// One value.
    One(f64),
    /// A sweep.
    Many(Vec<f64>),
}

impl ParamValue {
    fn values(&self) -> Vec<f64> {
        match self {
            Self::One(v) => vec![*v],
            Self::Many(v) => v.clone(),
        }
    }
}

/// The starting world: the built-in reference network, a scenario file, or a saved world
/// (the JSON `rampart` writes).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorldSpec {
    /// Build the reference network with these sizes.
    #[serde(default)]
    pub reference: Option<crate::reference::ReferenceSpec>,
    /// Run this scenario file and start from its final world (relative to the model file).
    #[serde(default)]
    pub scenario: Option<PathBuf>,
    /// Start from this saved world (JSON).
    #[serde(default)]
    pub saved: Option<PathBuf>,
}

/// The strategy question.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrategySpec {
    /// How much each strategy holds at the start, in ETH.
    pub amount_eth: f64,
    /// The LRT (symbol) of the LRT and hybrid strategies.
    pub lrt: String,
    /// The operator of the direct and hybrid strategies (by name).
    pub operator: String,
    /// The hybrid's share in the LRT, bps.
    #[serde(default = "half")]
    pub hybrid_lrt_bps: u64,
}

fn half() -> u64 {
    5_000
}

macro_rules! params {
    ($( $(#[doc = $doc:literal])* $name:ident = $default:expr ),* $(,)?) => {
        /// The processes' parameters of one subset. Rates are per year unless named per day;
        /// `_bps` are basis points; `_eth` ETH. Each is documented with its distribution in
        /// the README's simulator section and in the reference model file.
        #[derive(Debug, Clone, PartialEq, Serialize)]
        pub struct Params { $( $(#[doc = $doc])* pub $name: f64, )* }

        impl Default for Params {
            fn default() -> Self { Self { $( $name: $default, )* } }
        }

        impl Params {
            /// Every parameter name, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$( stringify!($name), )*];

            fn set(&mut self, name: &str, value: f64) -> Result<(), String> {
                match name {
                    $( stringify!($name) => self.$name = value, )*
                    other => return Err(format!(
                        "unknown parameter {other:?}; known: {}", Self::NAMES.join(", "))),
                }
                Ok(())
            }

            /// The value of `name`.
            pub fn get(&self, name: &str) -> Option<f64> {
                match name {
                    $( stringify!($name) => Some(self.$name), )*
                    _ => None,
                }
            }
        }
    };
}

params! {
    /// ETH/USD diffusion volatility, annualised (log returns), bps.
    eth_vol_bps = 5_000.0,
    /// ETH/USD jumps per year (Poisson).
    eth_jumps_per_year = 6.0,
    /// Mean log size of a jump, bps (normal).
    eth_jump_mean_bps = -200.0,
    /// Standard deviation of a jump's log size, bps.
    eth_jump_sd_bps = 1_200.0,
    /// Starting ETH/USD.
    eth_usd_start = 3_000.0,
    /// stETH's long-run discount to ETH, bps (mean reversion target).
    steth_discount_mean_bps = 5.0,
    /// Half-life of a discount, days.
    discount_half_life_days = 3.0,
    /// Daily noise of a discount, bps (normal).
    discount_noise_bps = 2.0,
    /// stETH depegs per year (Poisson; exponential size).
    steth_depegs_per_year = 0.2,
    /// Mean size of an stETH depeg, bps.
    steth_depeg_mean_bps = 150.0,
    /// An LRT's long-run market discount to its NAV, bps.
    lrt_discount_mean_bps = 20.0,
    /// LRT-specific depegs per year, each LRT (Poisson; exponential size).
    lrt_depegs_per_year = 0.3,
    /// Mean size of an LRT depeg, bps.
    lrt_depeg_mean_bps = 300.0,
    /// How much likelier a depeg is on a day ETH falls by a jump.
    depeg_on_crash_multiplier = 5.0,
    /// Objective faults per (operator, service) link per year.
    fault_rate = 0.01,
    /// Smallest share of the allocation an objective fault slashes, bps (uniform).
    fault_severity_min_bps = 10.0,
    /// Largest share of the allocation an objective fault slashes, bps.
    fault_severity_max_bps = 100.0,
    /// Catastrophic faults (key compromise, malicious service) per link per year.
    catastrophic_rate = 0.001,
    /// Smallest share a catastrophic fault slashes, bps (uniform).
    catastrophic_min_bps = 1_000.0,
    /// Largest share a catastrophic fault slashes, bps.
    catastrophic_max_bps = 10_000.0,
    /// Correlated outages per operator per year: every service of the operator slashes it
    /// for missed tasks at once, with an objective fault's severity.
    outage_rate = 0.02,
    /// Operator exits per operator per year: it deallocates from every service.
    operator_exit_rate = 0.02,
    /// Gross restaking yield paid to restaked capital, bps a year.
    reward_apr_bps = 350.0,
    /// New deposits per day, ppm of each holder's position, in calm markets (normal noise).
    deposit_ppm_per_day = 500.0,
    /// Withdrawals per day without stress, ppm of each holder's position.
    withdraw_base_ppm_per_day = 500.0,
    /// Extra withdrawals per bps of NAV drawdown from its peak, ppm a day.
    withdraw_per_loss_bps = 300.0,
    /// Extra withdrawals per bps of market discount beyond its mean, ppm a day.
    withdraw_per_discount_bps = 40.0,
    /// Extra withdrawals per bps of NAV already queued to leave, ppm a day.
    withdraw_per_queue_bps = 2.0,
    /// Most a holder withdraws in a day, ppm of its position.
    withdraw_cap_ppm_per_day = 100_000.0,
    /// Log-normal noise of daily flows (standard deviation of the log).
    flow_noise = 0.5,
    /// The rest of Ethereum: mean exit demand, ETH a day (exponential).
    network_exit_eth_per_day = 20_000.0,
    /// The rest of Ethereum: mean entry demand, ETH a day (exponential).
    network_entry_eth_per_day = 20_000.0,
    /// Stress blocks of network exits per year (Poisson; a large staker leaves at once).
    network_stress_per_year = 2.0,
    /// Mean size of a stress block, ETH (exponential).
    network_stress_mean_eth = 500_000.0,
    /// ETH staked on the beacon chain (sets the churn limit).
    total_active_eth = 34_000_000.0,
    /// A strategy holder runs for the exit once its value is this far below its peak, bps.
    stress_exit_trigger_bps = 50.0,
    /// Profit from corrupting a service, as a share of its starting stake, bps (for γ).
    profit_from_corruption_bps = 2_000.0,
    /// Steps between two readings of γ (0: only at the start).
    gamma_every = 30.0,
}

impl Model {
    /// Reads a model file.
    pub fn parse(text: &str) -> Result<Self, String> {
        let model: Self = toml::from_str(text).map_err(|e| format!("not a model file: {e}"))?;
        if model.runs == 0 || model.timesteps == 0 {
            return Err("runs and timesteps must be at least 1".into());
        }
        let sources = [
            model.world.reference.is_some(),
            model.world.scenario.is_some(),
            model.world.saved.is_some(),
        ];
        if sources.iter().filter(|&&s| s).count() != 1 {
            return Err("[world] names exactly one of reference, scenario, saved".into());
        }
        model.subsets()?;
        Ok(model)
    }

    /// A commitment to the model (its canonical JSON), part of every stream's seed.
    pub fn hash(&self) -> [u8; 32] {
        // What is recorded is not part of the model: the same futures either way.
        let model = Self { substeps: false, ..self.clone() };
        let json = serde_json::to_vec(&model).expect("a model serializes");
        Sha256::digest(&json).into()
    }

    /// Every subset's parameters, in subset order.
    pub fn subsets(&self) -> Result<Vec<Params>, String> {
        let lists: Vec<(&str, Vec<f64>)> =
            self.params.iter().map(|(k, v)| (k.as_str(), v.values())).collect();
        if let Some((name, _)) = lists.iter().find(|(_, v)| v.is_empty()) {
            return Err(format!("parameter {name:?} is an empty list"));
        }
        let rows: Vec<Vec<(&str, f64)>> = match self.sweep {
            SweepKind::Zip => {
                let n = lists.iter().map(|(_, v)| v.len()).max().unwrap_or(1);
                (0..n)
                    .map(|i| lists.iter().map(|(k, v)| (*k, v[i.min(v.len() - 1)])).collect())
                    .collect()
            }
            SweepKind::Grid => {
                let mut rows = vec![Vec::new()];
                for (name, values) in &lists {
                    rows = rows
                        .into_iter()
                        .flat_map(|row| {
                            values.iter().map(move |&v| {
                                let mut next = row.clone();
                                next.push((*name, v));
                                next
                            })
                        })
                        .collect();
                }
                rows
            }
        };
        rows.into_iter()
            .map(|row| {
                let mut params = Params::default();
                for (name, value) in row {
                    if !value.is_finite() {
                        return Err(format!("parameter {name:?} is not a finite number"));
                    }
                    params.set(name, value)?;
                }
                Ok(params)
            })
            .collect()
    }

    /// The names of the swept parameters (those the file sets), in name order.
    pub fn swept_names(&self) -> Vec<String> {
        self.params.keys().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(params: &str, sweep: &str) -> Model {
        Model::parse(&format!(
            "name = \"t\"\nruns = 1\ntimesteps = 1\nsweep = \"{sweep}\"\n[world.reference]\n[params]\n{params}"
        ))
        .unwrap()
    }

    /// radCAD's documented rule: `{"a": [1,2,3], "b": [1,2], "c": [1]}` → (1,1,1), (2,2,1),
    /// (3,2,1) (radCAD docs, "parameter sweeps").
    #[test]
    fn zip_pads_with_the_last_value() {
        let m = model("fault_rate = [1, 2, 3]\noutage_rate = [1, 2]\nflow_noise = 1", "zip");
        let subsets = m.subsets().unwrap();
        let got: Vec<_> =
            subsets.iter().map(|p| (p.fault_rate, p.outage_rate, p.flow_noise)).collect();
        assert_eq!(got, vec![(1.0, 1.0, 1.0), (2.0, 2.0, 1.0), (3.0, 2.0, 1.0)]);
    }

    #[test]
    fn grid_varies_the_last_name_fastest() {
        let m = model("fault_rate = [1, 2]\noutage_rate = [5, 6]", "grid");
        let got: Vec<_> =
            m.subsets().unwrap().iter().map(|p| (p.fault_rate, p.outage_rate)).collect();
        assert_eq!(got, vec![(1.0, 5.0), (1.0, 6.0), (2.0, 5.0), (2.0, 6.0)]);
    }

    #[test]
    fn an_unknown_parameter_is_named() {
        let err = Model::parse(
            "name = \"t\"\nruns = 1\ntimesteps = 1\n[world.reference]\n[params]\nfault_rat = 1",
        )
        .unwrap_err();
        assert!(err.contains("unknown parameter \"fault_rat\""), "{err}");
    }
}
