//! The summary across paths: loss distributions (mean, quantiles, VaR, CVaR, probability of a
//! loss above thresholds) per holder and strategy, net yields, exit times, the largest
//! cascade. Quantiles are nearest-rank over integer basis points (`x[⌈q·n⌉ − 1]`), so they do
//! not depend on how paths were split across threads or machines.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::{
    Prepared,
    path::CascadeCheck,
    rng::wei_to_eth,
    table::{Cell, PathOutput, state_columns},
};

/// Distribution of a loss in bps of the starting value (positive: a loss).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LossStats {
    /// Holder or strategy.
    pub name: String,
    /// Subset.
    pub subset: usize,
    /// Paths.
    pub paths: usize,
    /// Mean loss, bps.
    pub mean_bps: f64,
    /// Median.
    pub p50_bps: i64,
    /// 95th percentile = VaR 95%.
    pub var95_bps: i64,
    /// 99th percentile = VaR 99%.
    pub var99_bps: i64,
    /// Mean of the worst 5%.
    pub cvar95_bps: f64,
    /// Mean of the worst 1%.
    pub cvar99_bps: f64,
    /// Worst path.
    pub max_bps: i64,
    /// P(loss > threshold), by threshold in bps.
    pub prob_loss_above: BTreeMap<String, f64>,
}

/// A strategy across paths.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StrategyStats {
    /// `lrt`, `direct`, `hybrid`.
    pub name: String,
    /// Subset.
    pub subset: usize,
    /// Net return over the horizon, bps: mean, p5, p50, p95.
    pub net_return_bps: [f64; 4],
    /// Its loss distribution.
    pub loss: LossStats,
    /// Share of paths in which it ran for the exit.
    pub stressed_share: f64,
    /// Steps its stress exit took (p50, p95, max) where it finished.
    pub exit_steps: Option<[i64; 3]>,
    /// Stress exits that had not finished at the horizon.
    pub exits_unfinished: usize,
    /// Services its capital can be slashed by.
    pub exposed_services: Vec<String>,
}

/// Exit times of holders.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ExitStats {
    /// Exits by route.
    pub count_by_route: BTreeMap<String, usize>,
    /// Steps from asking to being paid for queued exits: p50, p95, p99, max.
    pub queued_steps: Option<[i64; 4]>,
    /// Histogram of queued exit steps: steps → exits.
    pub histogram: BTreeMap<i64, usize>,
}

/// The summary.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Summary {
    /// Model name.
    pub model: String,
    /// Master seed.
    pub seed: u64,
    /// Paths run.
    pub paths: usize,
    /// Steps per path.
    pub timesteps: u64,
    /// Subsets of the sweep.
    pub subsets: usize,
    /// Per holder and subset.
    pub holders: Vec<LossStats>,
    /// Per strategy and subset.
    pub strategies: Vec<StrategyStats>,
    /// Exit times.
    pub exits: ExitStats,
    /// Network stake slashed over the horizon, ETH: mean, p50, p95, p99, max.
    pub slashed_eth: [f64; 5],
    /// The largest cascade the risk engine found after a catastrophic shock.
    pub largest_cascade: Option<LargestCascade>,
    /// Shocks checked against the bound, and how many stayed within it.
    pub cascades_checked: usize,
    /// …within the bound.
    pub cascades_within_bound: usize,
    /// Per LRT: worst drawdown of its rate from the start, bps (p50, p95, max).
    pub lrt_drawdown_bps: BTreeMap<String, [i64; 3]>,
    /// Per LRT: most ETH queued at once, as a share of the starting NAV, bps (p50, p95, max).
    pub lrt_peak_queue_bps: BTreeMap<String, [i64; 3]>,
    /// Paths whose world broke an invariant (always 0 unless there is a bug).
    pub invariant_failures: usize,
}

/// The largest cascade and where it happened.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LargestCascade {
    /// Subset.
    pub subset: u64,
    /// Run.
    pub run: u64,
    /// The check.
    pub step: u64,
    /// Shock, ppm of all stake.
    pub shock_ppm: u64,
    /// Loss, ppm.
    pub loss_ppm: u64,
    /// Bound, ppm.
    pub bound_ppm: u64,
}

/// Nearest-rank quantile of sorted values.
pub fn quantile(sorted: &[i64], q: f64) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (q * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

/// Mean of the worst `1 − q` share (at least one value).
pub fn tail_mean(sorted: &[i64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    // The tolerance keeps 0.05 × 100 at 5 (it is 5.000000000000004 in binary).
    let k = (((1.0 - q) * sorted.len() as f64 - 1e-9).ceil() as usize).clamp(1, sorted.len());
    sorted[sorted.len() - k..].iter().map(|&x| x as f64).sum::<f64>() / k as f64
}

fn loss_stats(name: &str, subset: usize, mut losses: Vec<i64>, thresholds: &[u64]) -> LossStats {
    losses.sort_unstable();
    let n = losses.len().max(1);
    LossStats {
        name: name.to_string(),
        subset,
        paths: losses.len(),
        mean_bps: losses.iter().map(|&x| x as f64).sum::<f64>() / n as f64,
        p50_bps: quantile(&losses, 0.5),
        var95_bps: quantile(&losses, 0.95),
        var99_bps: quantile(&losses, 0.99),
        cvar95_bps: tail_mean(&losses, 0.95),
        cvar99_bps: tail_mean(&losses, 0.99),
        max_bps: losses.last().copied().unwrap_or(0),
        prob_loss_above: thresholds
            .iter()
            .map(|&t| {
                let above =
                    losses.iter().filter(|&&x| x > i64::try_from(t).unwrap_or(i64::MAX)).count();
                (t.to_string(), above as f64 / n as f64)
            })
            .collect(),
    }
}

fn wei(cell: Cell) -> f64 {
    match cell {
        Cell::Wei(v) => wei_to_eth(v),
        Cell::SignedWei(v) => v as f64 / 1e18,
        Cell::Int(v) => v as f64,
        Cell::Float(v) => v.unwrap_or(0.0),
    }
}

fn bps(part: f64, whole: f64) -> i64 {
    if whole <= 0.0 { 0 } else { (part / whole * 10_000.0).round() as i64 }
}

/// Summarizes `outputs` (all paths, in order).
pub fn summarize(prepared: &Prepared, outputs: &[PathOutput]) -> Summary {
    let cols = state_columns(prepared);
    let col = |name: &str| cols.iter().position(|(n, _)| n == name).expect("a known column");
    let subsets = prepared.subsets.len();
    let thresholds = &prepared.model.loss_thresholds_bps;
    let by_subset = |s: usize| outputs.iter().filter(move |o| o.key.subset as usize == s);
    let mut holders = Vec::new();
    let mut strategies = Vec::new();
    for s in 0..subsets {
        for h in &prepared.cast.holders {
            let (v, p) = (col(&format!("value_{}", h.name)), col(&format!("pnl_{}", h.name)));
            let losses = by_subset(s)
                .filter_map(|o| o.rows.last())
                .map(|r| {
                    let (value, pnl) = (wei(r[v]), wei(r[p]));
                    bps(-pnl, value - pnl)
                })
                .collect();
            holders.push(loss_stats(&h.name, s, losses, thresholds));
        }
        for (i, st) in prepared.cast.strategies.iter().enumerate() {
            let amount = wei_to_eth(st.amount);
            let outcomes: Vec<_> = by_subset(s).filter_map(|o| o.strategies.get(i)).collect();
            let mut returns: Vec<i64> =
                outcomes.iter().map(|o| bps(wei_to_eth(o.final_value) - amount, amount)).collect();
            let losses = returns.iter().map(|r| -r).collect();
            returns.sort_unstable();
            let n = returns.len().max(1) as f64;
            let mut exits: Vec<i64> = outcomes
                .iter()
                .filter_map(|o| o.exit_steps)
                .map(|x| i64::try_from(x).unwrap_or(i64::MAX))
                .collect();
            exits.sort_unstable();
            let stressed = outcomes.iter().filter(|o| o.exit_asked.is_some()).count();
            strategies.push(StrategyStats {
                name: st.name.clone(),
                subset: s,
                net_return_bps: [
                    returns.iter().map(|&x| x as f64).sum::<f64>() / n,
                    quantile(&returns, 0.05) as f64,
                    quantile(&returns, 0.5) as f64,
                    quantile(&returns, 0.95) as f64,
                ],
                loss: loss_stats(&st.name, s, losses, thresholds),
                stressed_share: stressed as f64 / n,
                exit_steps: (!exits.is_empty()).then(|| {
                    [quantile(&exits, 0.5), quantile(&exits, 0.95), *exits.last().unwrap_or(&0)]
                }),
                exits_unfinished: stressed - exits.len(),
                exposed_services: prepared.cast.exposure(st.lrt, st.operator),
            });
        }
    }
    let mut count_by_route = BTreeMap::new();
    let mut queued: Vec<i64> = Vec::new();
    for e in outputs.iter().flat_map(|o| &o.exits) {
        *count_by_route.entry(e.route.to_string()).or_insert(0) += 1;
        if e.route == "queued" {
            queued.push(i64::try_from(e.steps).unwrap_or(i64::MAX));
        }
    }
    queued.sort_unstable();
    let mut histogram = BTreeMap::new();
    for &q in &queued {
        *histogram.entry(q).or_insert(0) += 1;
    }
    let slashed_col = col("slashed_total");
    let mut slashed: Vec<i64> = outputs
        .iter()
        .filter_map(|o| o.rows.last())
        .map(|r| (wei(r[slashed_col]) * 1_000.0).round() as i64)
        .collect();
    slashed.sort_unstable();
    let milli = |x: i64| x as f64 / 1_000.0;
    let n = slashed.len().max(1) as f64;
    let all_checks: Vec<(&PathOutput, &CascadeCheck)> =
        outputs.iter().flat_map(|o| o.cascades.iter().map(move |c| (o, c))).collect();
    let largest_cascade = all_checks
        .iter()
        .max_by_key(|(o, c)| (c.loss_ppm, std::cmp::Reverse(o.key)))
        .map(|(o, c)| LargestCascade {
            subset: o.key.subset,
            run: o.key.run,
            step: c.step,
            shock_ppm: c.shock_ppm,
            loss_ppm: c.loss_ppm,
            bound_ppm: c.bound_ppm,
        });
    let mut lrt_drawdown_bps = BTreeMap::new();
    let mut lrt_peak_queue_bps = BTreeMap::new();
    for l in &prepared.cast.lrts {
        let (rate, queued_col, nav) = (
            col(&format!("rate_{}", l.symbol)),
            col(&format!("queued_{}", l.symbol)),
            col(&format!("nav_{}", l.symbol)),
        );
        let mut dd: Vec<i64> = Vec::new();
        let mut peak_q: Vec<i64> = Vec::new();
        for o in outputs {
            let Some(first) = o.rows.first() else { continue };
            let start = wei(first[rate]);
            let low = o.rows.iter().map(|r| wei(r[rate])).fold(start, f64::min);
            dd.push(bps(start - low, start));
            let nav0 = wei(first[nav]);
            let most = o.rows.iter().map(|r| wei(r[queued_col])).fold(0.0, f64::max);
            peak_q.push(bps(most, nav0));
        }
        dd.sort_unstable();
        peak_q.sort_unstable();
        let three =
            |v: &[i64]| [quantile(v, 0.5), quantile(v, 0.95), v.last().copied().unwrap_or(0)];
        lrt_drawdown_bps.insert(l.symbol.clone(), three(&dd));
        lrt_peak_queue_bps.insert(l.symbol.clone(), three(&peak_q));
    }
    Summary {
        model: prepared.model.name.clone(),
        seed: prepared.model.seed,
        paths: outputs.len(),
        timesteps: prepared.model.timesteps,
        subsets,
        holders,
        strategies,
        exits: ExitStats {
            count_by_route,
            queued_steps: (!queued.is_empty()).then(|| {
                [
                    quantile(&queued, 0.5),
                    quantile(&queued, 0.95),
                    quantile(&queued, 0.99),
                    *queued.last().unwrap_or(&0),
                ]
            }),
            histogram,
        },
        slashed_eth: [
            slashed.iter().map(|&x| milli(x)).sum::<f64>() / n,
            milli(quantile(&slashed, 0.5)),
            milli(quantile(&slashed, 0.95)),
            milli(quantile(&slashed, 0.99)),
            milli(slashed.last().copied().unwrap_or(0)),
        ],
        largest_cascade,
        cascades_checked: all_checks.len(),
        cascades_within_bound: all_checks.iter().filter(|(_, c)| c.within_bound).count(),
        lrt_drawdown_bps,
        lrt_peak_queue_bps,
        invariant_failures: outputs.iter().filter(|o| o.final_world_check.is_some()).count(),
    }
}

/// The summary as a short text report.
pub fn text(s: &Summary) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} paths × {} steps, {} subset(s), seed {}",
        s.model, s.paths, s.timesteps, s.subsets, s.seed
    );
    let _ = writeln!(
        out,
        "\nloss of each holder over the horizon (bps of what it put in; positive = loss)"
    );
    let _ = writeln!(
        out,
        "{:<24} {:>6} {:>8} {:>8} {:>8} {:>8} {:>8}  P(loss > t)",
        "holder", "subset", "mean", "VaR95", "CVaR95", "VaR99", "max"
    );
    for h in s.holders.iter().chain(s.strategies.iter().map(|x| &x.loss)) {
        let probs: Vec<String> =
            h.prob_loss_above.iter().map(|(t, p)| format!("{t}: {p:.3}")).collect();
        let _ = writeln!(
            out,
            "{:<24} {:>6} {:>8.1} {:>8} {:>8.1} {:>8} {:>8}  {}",
            h.name,
            h.subset,
            h.mean_bps,
            h.var95_bps,
            h.cvar95_bps,
            h.var99_bps,
            h.max_bps,
            probs.join(", ")
        );
    }
    if !s.strategies.is_empty() {
        let _ = writeln!(
            out,
            "\nstrategies (net return bps: mean / p5 / p50 / p95; stress exit steps p50 / p95 / max)"
        );
        for st in &s.strategies {
            let r = st.net_return_bps;
            let exit = st
                .exit_steps
                .map_or("-".to_string(), |e| format!("{} / {} / {}", e[0], e[1], e[2]));
            let _ = writeln!(
                out,
                "{:<8} subset {}: {:.0} / {:.0} / {:.0} / {:.0}; stressed in {:.1}% of paths, exit {} ({} unfinished); exposed to {} services",
                st.name,
                st.subset,
                r[0],
                r[1],
                r[2],
                r[3],
                st.stressed_share * 100.0,
                exit,
                st.exits_unfinished,
                st.exposed_services.len()
            );
        }
    }
    let routes: Vec<String> =
        s.exits.count_by_route.iter().map(|(k, v)| format!("{k} {v}")).collect();
    let _ = writeln!(out, "\nexits: {}", routes.join(", "));
    if let Some(q) = s.exits.queued_steps {
        let _ =
            writeln!(out, "queued exit steps: p50 {} p95 {} p99 {} max {}", q[0], q[1], q[2], q[3]);
    }
    for (lrt, d) in &s.lrt_drawdown_bps {
        let q = s.lrt_peak_queue_bps.get(lrt).copied().unwrap_or_default();
        let _ = writeln!(
            out,
            "{lrt}: rate drawdown bps p50 {} p95 {} max {}; peak queue bps of NAV p50 {} p95 {} max {}",
            d[0], d[1], d[2], q[0], q[1], q[2]
        );
    }
    let sl = s.slashed_eth;
    let _ = writeln!(
        out,
        "slashed ETH: mean {:.1} p50 {:.1} p95 {:.1} p99 {:.1} max {:.1}",
        sl[0], sl[1], sl[2], sl[3], sl[4]
    );
    match &s.largest_cascade {
        Some(c) => {
            let _ = writeln!(
                out,
                "largest cascade: subset {} run {} step {}: shock {} ppm, loss {} ppm, bound {} ppm ({} of {} shocks within the bound)",
                c.subset,
                c.run,
                c.step,
                c.shock_ppm,
                c.loss_ppm,
                c.bound_ppm,
                s.cascades_within_bound,
                s.cascades_checked
            );
        }
        None => {
            let _ = writeln!(out, "no catastrophic shock in any path");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_quantiles_and_tails() {
        let v: Vec<i64> = (1..=100).collect();
        assert_eq!(quantile(&v, 0.95), 95);
        assert_eq!(quantile(&v, 0.5), 50);
        assert_eq!(quantile(&v, 0.0), 1);
        assert_eq!(quantile(&v, 1.0), 100);
        assert!((tail_mean(&v, 0.95) - 98.0).abs() < 1e-12); // mean of 96..=100
        assert!((tail_mean(&v, 0.99) - 100.0).abs() < 1e-12);
    }
}
