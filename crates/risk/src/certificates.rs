//! Sufficient conditions for security with slack γ, computed exactly.
//!
//! - **EigenLayer's condition** (Durvasula–Roughgarden Claim 1 and Corollary 2): every operator
//!   `v` with `(1+γ) Σ_{s∈N(v)} w(s,v) π_s / (α_s W_s) ≤ σ_v`, and, with elastic allocations,
//!   every service `(1+γ) π_s ≤ α_s W_s`. `γ*_EL` is the largest such γ, with the operator or
//!   service that binds. O(links).
//! - **The LP certificate** (risk.md §1.8 item 5): charges `x(v,s) = λ_s w(s,v) − μ(v,s)` with
//!   `0 ≤ μ ≤ λ w`, `x ≤ w`, `Σ_s x(v,s) ≤ σ_v`, and `λ_s α_s W_s − Σ_v μ(v,s) ≥ t π_s`: every
//!   coalition attacking `s` is charged at least `t π_s`, so `t = 1 + γ` certifies γ-slack.
//!   `μ = 0` recovers EigenLayer's condition, so `γ_LP ≥ γ*_EL`. The LP is solved in floating
//!   point; the certificate reported is re-derived from its solution in exact arithmetic.

use good_lp::{
    Expression, ProblemVariables, Solution, SolverModel, Variable, constraint, microlp, variable,
};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{FromPrimitive, One, Zero};
use serde::Serialize;

use crate::{
    graph::Network,
    number::{UNIT, integer},
};

/// What binds a certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "index", rename_all = "snake_case")]
pub enum Binding {
    /// An operator's condition.
    Operator(usize),
    /// A service's own condition (elastic allocations), or a service with profit but no stake.
    Service(usize),
}

/// EigenLayer's condition: the certified γ and what binds it.
#[derive(Debug, Clone, PartialEq)]
pub struct ElCertificate {
    /// `γ*_EL`; `None` when nothing constrains it (no service has profit).
    pub gamma: Option<BigRational>,
    /// The binding operator or service.
    pub binding: Option<Binding>,
    /// Services with profit and no securing stake: attacked by the empty coalition.
    pub free_attacks: Vec<usize>,
}

/// `γ*_EL` (exact).
pub fn eigenlayer_condition(network: &Network) -> ElCertificate {
    let mut best: Option<(BigRational, Binding)> = None;
    let mut consider = |value: BigRational, binding: Binding| {
        if best.as_ref().is_none_or(|(b, _)| value < *b) {
            best = Some((value, binding));
        }
    };
    let mut free_attacks = Vec::new();
    // Per service: π_s / (α_s W_s), the "price" of a unit of its stake.
    let price: Vec<Option<BigRational>> = (0..network.services.len())
        .map(|s| {
            let service = &network.services[s];
            let securing = network.securing_stake(s);
            if service.profit_from_corruption == 0 {
                return None;
            }
            if securing == 0 {
                free_attacks.push(s);
                return None;
            }
            Some(
                integer(service.profit_from_corruption)
                    / (&service.attack_threshold * integer(securing)),
            )
        })
        .collect();
    for (s, p) in price.iter().enumerate() {
        if let Some(p) = p {
            consider(p.recip() - BigRational::one(), Binding::Service(s));
        }
    }
    for (v, operator) in network.operators.iter().enumerate() {
        if operator.stake == 0 {
            continue;
        }
        // Σ_s p_s · w_vs over a common denominator, reduced once: adding ratios one by one
        // takes a gcd per term, which was most of a γ on a mainnet-size network.
        let (mut numer, mut denom) = (BigInt::zero(), BigInt::one());
        for &(s, w) in &network.exposure[v] {
            if let Some(p) = &price[s] {
                numer = numer * p.denom() + p.numer() * BigInt::from(w) * &denom;
                denom *= p.denom();
            }
        }
        if numer.is_zero() {
            continue;
        }
        // stake / (numer / denom) − 1 = (stake · denom − numer) / numer, left unreduced:
        // comparing ratios cross-multiplies (numer > 0), and only the best is reduced.
        let gamma = BigRational::new_raw(BigInt::from(operator.stake) * &denom - &numer, numer);
        consider(gamma, Binding::Operator(v));
    }
    if !free_attacks.is_empty() {
        return ElCertificate {
            gamma: Some(-BigRational::one()),
            binding: Some(Binding::Service(free_attacks[0])),
            free_attacks,
        };
    }
    ElCertificate {
        gamma: best.as_ref().map(|(g, _)| g.reduced()),
        binding: best.map(|(_, b)| b),
        free_attacks,
    }
}

/// Above this many links the LP (a dense simplex in pure Rust) takes minutes; the report then
/// leaves `gamma_lp` out and keeps EigenLayer's condition.
pub const LP_LINK_LIMIT: usize = 4_000;

/// The LP certificate's γ (exactly re-derived), or `None` when the LP does not solve, no
/// service has profit, or the network has more than [`LP_LINK_LIMIT`] links.
pub fn lp_certificate(network: &Network) -> Option<BigRational> {
    if network.link_count() > LP_LINK_LIMIT {
        return None;
    }
    let profitable: Vec<usize> = (0..network.services.len())
        .filter(|&s| network.services[s].profit_from_corruption > 0)
        .collect();
    if profitable.is_empty() || profitable.iter().any(|&s| network.securing_stake(s) == 0) {
        return None;
    }
    let units = |amount: u128| amount as f64 / UNIT as f64;
    let mut vars = ProblemVariables::new();
    let t = vars.add(variable().min(0.0));
    let lambda: Vec<Variable> =
        network.services.iter().map(|_| vars.add(variable().min(0.0))).collect();
    let mut mu: Vec<Vec<Variable>> = Vec::new();
    for list in &network.securing {
        mu.push(list.iter().map(|_| vars.add(variable().min(0.0))).collect());
    }
    let mut problem = vars.maximise(t).using(microlp);
    let mut charges: Vec<Expression> = vec![Expression::from(0.0); network.operators.len()];
    for (s, list) in network.securing.iter().enumerate() {
        let service = &network.services[s];
        let alpha = num_traits::ToPrimitive::to_f64(&service.attack_threshold).unwrap_or(1.0);
        let mut cover = alpha * units(network.securing_stake(s)) * lambda[s];
        for (&(v, w), &m) in list.iter().zip(&mu[s]) {
            problem = problem.with(constraint!(m - units(w) * lambda[s] <= 0.0));
            // With the whole stake slashable the operator's own constraint implies this one.
            if w < network.operators[v].stake {
                problem = problem.with(constraint!(units(w) * lambda[s] - m <= units(w)));
            }
            charges[v] += units(w) * lambda[s] - m;
            cover -= m;
        }
        problem =
            problem.with(constraint!(cover - units(service.profit_from_corruption) * t >= 0.0));
    }
    for (v, operator) in network.operators.iter().enumerate() {
        let charge = std::mem::replace(&mut charges[v], Expression::from(0.0));
        problem = problem.with(constraint!(charge <= units(operator.stake)));
    }
    let solution = problem.solve().ok()?;
    // Exact re-derivation: clip μ into [0, λw], scale everything so each operator's and each
    // edge's charge fits, and read off the t the solution certifies.
    let exact = |x: f64| BigRational::from_f64(x.max(0.0)).unwrap_or_else(BigRational::zero);
    let lambda: Vec<BigRational> = lambda.iter().map(|&l| exact(solution.value(l))).collect();
    let mut charge_of = vec![BigRational::zero(); network.operators.len()];
    let mut factor = BigRational::one();
    let mut covers = Vec::with_capacity(network.services.len());
    for (s, list) in network.securing.iter().enumerate() {
        let mut cover =
            &network.services[s].attack_threshold * integer(network.securing_stake(s)) * &lambda[s];
        for (&(v, w), &m) in list.iter().zip(&mu[s]) {
            let full = &lambda[s] * integer(w);
            let m = exact(solution.value(m)).min(full.clone());
            let charge = &full - &m;
            if charge > integer(w) {
                factor = factor.min(integer(w) / &charge);
            }
            charge_of[v] += charge;
            cover -= m;
        }
        covers.push(cover);
    }
    for (v, operator) in network.operators.iter().enumerate() {
        if charge_of[v] > integer(operator.stake) {
            factor = factor.min(integer(operator.stake) / &charge_of[v]);
        }
    }
    let t = profitable
        .iter()
        .map(|&s| &covers[s] * &factor / integer(network.services[s].profit_from_corruption))
        .min()?;
    // EigenLayer's condition is a feasible point of this LP (μ = 0): if the solver stopped
    // at a worse vertex, that point is the certificate.
    let from_lp = t - BigRational::one();
    Some(match eigenlayer_condition(network).gamma {
        Some(el) if el > from_lp => el,
        _ => from_lp,
    })
}
