//! Reference networks from a documented, seeded distribution, shaped like EigenLayer's mainnet
//! operator–AVS graph (a December 2024 snapshot: about 40 AVSs, 360 operators, 1,600 links;
//! half the operators on one AVS, at most 23; a few operators holding most of the stake).
//!
//! - Operator stake: rank `r` gets weight `r^-1.5` (the top seven hold about 75%), times a
//!   seeded factor in [0.9, 1.1], scaled to the total stake.
//! - Operator degree: 1 with probability 50%, 2 with 12%, else `3 + ⌊X·Y/15⌋` for X, Y uniform
//!   in 0..=20 (mean about 4.4 services), at most 23; the 30 largest operators run at least 10.
//! - Which services: drawn without replacement with popularity `1/(j + 2)`.
//! - Pooled security (before unique stake): every service can slash an operator's whole stake.
//! - Profit from corruption: 5–40% of the service's securing stake; thresholds 1/3 (60%) or
//!   2/3 (40%).
//!
//! Everything is integer arithmetic on a SplitMix64 stream, so a seed gives the same network
//! on every machine.

use num_rational::BigRational;
use rampart_engine::workload::SplitMix64;

use crate::{
    graph::{Network, Operator, Service},
    number::{Amount, UNIT, show_amount},
};

/// A reference size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    /// Services.
    pub services: usize,
    /// Operators.
    pub operators: usize,
    /// Total stake, whole units.
    pub total_stake: u64,
}

impl Size {
    /// EigenLayer mainnet scale.
    pub const MAINNET: Self = Self { services: 40, operators: 360, total_stake: 4_500_000 };
    /// Ten times larger.
    pub const TEN_TIMES: Self = Self { services: 400, operators: 3_600, total_stake: 45_000_000 };
}

fn isqrt(n: u128) -> u128 {
    // Newton's method from above: exact, integers only.
    if n < 2 {
        return n;
    }
    let mut x = n;
    let mut y = x.div_ceil(2);
    while y < x {
        x = y;
        y = (x + n / x) / 2;
    }
    x
}

/// Generates a reference network.
pub fn generate(size: Size, seed: u64) -> Network {
    let mut rng = SplitMix64::new(seed);
    let n = size.operators;
    let m = size.services;
    let weights: Vec<u128> = (1..=n as u128)
        .map(|r| {
            let base = 10u128.pow(24) / (r * isqrt(r * 10u128.pow(12)));
            base * u128::from(90 + rng.below(21)) / 100
        })
        .collect();
    let sum: u128 = weights.iter().sum();
    let total = u128::from(size.total_stake) * UNIT;
    let operators: Vec<Operator> = weights
        .iter()
        .enumerate()
        .map(|(i, &w)| Operator {
            name: format!("operator-{:04}", i + 1),
            stake: total / sum * w + (total % sum) * w / sum,
        })
        .collect();
    let popularity: Vec<u64> = (0..m as u64).map(|j| 1_000_000 / (j + 2)).collect();
    let mut links = Vec::new();
    for (v, operator) in operators.iter().enumerate() {
        let roll = rng.below(100);
        let mut degree = if roll < 50 {
            1
        } else if roll < 62 {
            2
        } else {
            3 + (rng.below(21) * rng.below(21) / 15) as usize
        };
        if v < 30 {
            degree = degree.max(10);
        }
        let degree = degree.min(23).min(m);
        let mut chosen = vec![false; m];
        for _ in 0..degree {
            let left: u64 = (0..m).filter(|&j| !chosen[j]).map(|j| popularity[j]).sum();
            let mut pick = rng.below(left);
            for j in 0..m {
                if chosen[j] {
                    continue;
                }
                if pick < popularity[j] {
                    chosen[j] = true;
                    break;
                }
                pick -= popularity[j];
            }
        }
        for (s, &c) in chosen.iter().enumerate() {
            if c {
                links.push((s, v, operator.stake));
            }
        }
    }
    let mut securing = vec![0u128; m];
    for &(s, _, w) in &links {
        securing[s] += w;
    }
    let services: Vec<Service> = (0..m)
        .map(|j| {
            let percent = u128::from(5 + rng.below(36));
            let third = rng.below(100) < 60;
            Service {
                name: format!("service-{:03}", j + 1),
                profit_from_corruption: securing[j] * percent / 100 / UNIT * UNIT,
                attack_threshold: BigRational::new(if third { 1 } else { 2 }.into(), 3.into()),
            }
        })
        .collect();
    Network::new("ETH", services, operators, links).expect("generated networks are well formed")
}

/// Writes a network as a network file (TOML).
pub fn to_toml(network: &Network, header: &str) -> String {
    let mut out = String::new();
    for line in header.lines() {
        out.push_str(&format!("# {line}\n"));
    }
    out.push_str(&format!("unit = \"{}\"\n\n", network.unit));
    for service in &network.services {
        out.push_str(&format!(
            "[[service]]\nname = \"{}\"\nprofit_from_corruption = \"{}\"\nattack_threshold = \"{}/{}\"\n\n",
            service.name,
            show_amount(service.profit_from_corruption),
            service.attack_threshold.numer(),
            service.attack_threshold.denom()
        ));
    }
    for (v, operator) in network.operators.iter().enumerate() {
        let pooled = network.exposure[v].iter().all(|&(_, w)| w == operator.stake);
        assert!(pooled, "to_toml writes pooled-security networks");
        let secures: Vec<String> = network.exposure[v]
            .iter()
            .map(|&(s, _)| format!("\"{}\"", network.services[s].name))
            .collect();
        out.push_str(&format!(
            "[[operator]]\nname = \"{}\"\nstake = \"{}\"\nsecures = [{}]\n\n",
            operator.name,
            show_amount(operator.stake),
            secures.join(", ")
        ));
    }
    out
}

/// Whole-unit stake of an amount (for summaries).
pub fn whole(amount: Amount) -> u128 {
    amount / UNIT
}
