//! Shocks and cascades: the proven bound on the worst-case loss, a round-by-round simulation,
//! and (for tiny networks) the exact worst case.
//!
//! Durvasula–Roughgarden Theorem 1: a network secure with slack γ > 0 loses less than
//! `(1 + 1/γ) ψ` of all stake after any shock removing a share ψ of it, whatever cascade
//! follows. By their Corollary 1 every cascade after a shock `D` collapses to one valid attack
//! on the network without `D`, so the exact worst case is one search per shock.

use num_rational::BigRational;
use num_traits::{One, Zero};
use serde::Serialize;

use crate::{
    attack::Attack,
    graph::Network,
    number::{Amount, integer},
};

/// `min(1, (1 + 1/γ) ψ)` for γ > 0; 1 (no guarantee) otherwise.
pub fn loss_bound(gamma: Option<&BigRational>, shock: &BigRational) -> BigRational {
    match gamma {
        Some(g) if *g > BigRational::zero() => {
            (&(BigRational::one() + g.recip()) * shock).min(BigRational::one())
        }
        // No profit anywhere: nothing can cascade beyond the shock itself.
        None => shock.clone().min(BigRational::one()),
        _ => BigRational::one(),
    }
}

/// One round of a cascade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Round {
    /// The attack of this round (on the network as the earlier rounds left it).
    pub attack: Attack,
    /// Stake lost in the round (base units).
    pub lost: Amount,
}

/// A simulated cascade.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cascade {
    /// Operators removed by the shock.
    pub shock: Vec<usize>,
    /// Stake the shock removed.
    pub shock_stake: Amount,
    /// The rounds.
    pub rounds: Vec<Round>,
    /// Shock plus every round's loss, as a share of all stake.
    #[serde(serialize_with = "crate::report::ratio_text")]
    pub loss_fraction: BigRational,
    /// Whether each round took the most profitable attack (exact search) rather than the
    /// greedy finder's (large networks with thresholds below 1).
    pub exact_rounds: bool,
}

/// The operators an adversarial shock of share `psi` removes: the largest first, while they fit.
pub fn largest_first_shock(network: &Network, psi: &BigRational) -> Vec<bool> {
    let budget = psi * integer(network.total_stake());
    let mut order: Vec<usize> = (0..network.operators.len()).collect();
    order.sort_by(|&a, &b| {
        network.operators[b].stake.cmp(&network.operators[a].stake).then(a.cmp(&b))
    });
    let mut removed = vec![false; network.operators.len()];
    let mut used: Amount = 0;
    for v in order {
        let stake = network.operators[v].stake;
        if integer(used + stake) <= budget {
            used += stake;
            removed[v] = true;
        }
    }
    removed
}

/// Runs the cascade after removing `shock`: each round the most profitable valid attack on
/// what is left is carried out (its coalition slashed, its services corrupted for good). On
/// large networks with thresholds below 1 the rounds use the greedy finder.
pub fn simulate(network: &Network, shock: &[bool]) -> Cascade {
    let shock_stake: Amount = (0..network.operators.len())
        .filter(|&v| shock[v])
        .map(|v| network.operators[v].stake)
        .sum();
    let mut removed = shock.to_vec();
    let mut current = network.without(&removed);
    let mut rounds = Vec::new();
    let mut lost_total = shock_stake;
    let mut all_exact = true;
    for _ in 0..=network.operators.len() + network.services.len() {
        let (found, exact) = current.quick_attack(&BigRational::one());
        all_exact &= exact;
        let Some(attack) = found else { break };
        let lost = attack.cost;
        for &v in &attack.operators {
            removed[v] = true;
        }
        let corrupted = attack.services.clone();
        lost_total += lost;
        rounds.push(Round { attack, lost });
        current = network.without(&removed);
        // A corrupted service's profit is collected once.
        for s in corrupted {
            current.services[s].profit_from_corruption = 0;
        }
        for round in &rounds {
            for &s in &round.attack.services {
                current.services[s].profit_from_corruption = 0;
            }
        }
    }
    let total = network.total_stake();
    let loss_fraction =
        if total == 0 { BigRational::zero() } else { integer(lost_total) / integer(total) };
    Cascade {
        shock: (0..shock.len()).filter(|&v| shock[v]).collect(),
        shock_stake,
        rounds,
        loss_fraction,
        exact_rounds: all_exact,
    }
}

/// The exact worst-case loss after a shock of share `psi`, over every shock and every attack
/// that follows (tiny networks only: it enumerates operator subsets).
pub fn worst_case_loss_brute_force(network: &Network, psi: &BigRational) -> BigRational {
    let n = network.operators.len();
    assert!(n <= 12, "exhaustive worst case is for tiny networks");
    let total = network.total_stake();
    if total == 0 {
        return BigRational::zero();
    }
    let budget = psi * integer(total);
    let mut worst = BigRational::zero();
    for bits in 0u32..(1 << n) {
        let shock: Vec<bool> = (0..n).map(|v| bits >> v & 1 == 1).collect();
        let shocked: Amount =
            (0..n).filter(|&v| shock[v]).map(|v| network.operators[v].stake).sum();
        if integer(shocked) > budget {
            continue;
        }
        let reduced = network.without(&shock);
        let lost = most_costly_attack(&reduced).unwrap_or(0);
        let fraction = (integer(shocked + lost) / integer(total)).min(BigRational::one());
        if fraction > worst {
            worst = fraction;
        }
    }
    worst
}

/// The largest cost among valid attacks (what the cascade can destroy at most).
fn most_costly_attack(network: &Network) -> Option<Amount> {
    let (m, n) = (network.services.len(), network.operators.len());
    let mut worst = None;
    for service_bits in 1u32..(1 << m) {
        let services: Vec<bool> = (0..m).map(|s| service_bits >> s & 1 == 1).collect();
        for operator_bits in 0u32..(1 << n) {
            let operators: Vec<bool> = (0..n).map(|v| operator_bits >> v & 1 == 1).collect();
            if let Some(attack) = network.evaluate(&services, &operators)
                && attack.profit > attack.cost
            {
                worst = Some(worst.unwrap_or(0).max(attack.cost));
            }
        }
    }
    worst
}

/// `(shock, services, coalition)` masks.
type Masks = (Vec<bool>, Vec<bool>, Vec<bool>);

/// The exact worst-case loss after a shock of share `psi`, as one integer program (risk.md
/// §1.8 item 4: by Corollary 1 every cascade after a shock `D` collapses into one valid attack
/// on the network without `D`). Maximises `σ_D + Σ_{v∈B} min(σ_v, Σ_{s∈A} w(s,v))` over the
/// shock `D` (`σ_D ≤ ψ σ_V`), services `A` and a coalition `B` disjoint from `D` that controls
/// every service of `A` in the network without `D`, with `π_A` above the coalition's loss.
/// The solution is re-checked exactly; `None` if the solver fails or its answer does not check.
pub fn worst_case_loss_program(network: &Network, psi: &BigRational) -> Option<BigRational> {
    use good_lp::{
        Expression, ProblemVariables, Solution, SolverModel, Variable, constraint, microlp,
        variable,
    };
    use num_traits::ToPrimitive;
    let total = network.total_stake();
    if total == 0 {
        return Some(BigRational::zero());
    }
    let units = |amount: Amount| amount as f64 / crate::number::UNIT as f64;
    let budget = (psi * integer(total)).to_f64()? / crate::number::UNIT as f64;
    let (m, n) = (network.services.len(), network.operators.len());
    // `None`: the solver failed; `Some(None)`: infeasible; `Some(Some(..))`: a solution.
    let solve = |with_attack: bool| -> Option<Option<Masks>> {
        let mut vars = ProblemVariables::new();
        let d: Vec<Variable> = (0..n).map(|_| vars.add(variable().binary())).collect();
        let b: Vec<Variable> = (0..n).map(|_| vars.add(variable().binary())).collect();
        let u: Vec<Variable> = (0..n).map(|_| vars.add(variable().binary())).collect();
        let z: Vec<Variable> = (0..m).map(|_| vars.add(variable().binary())).collect();
        let c: Vec<Variable> = network
            .operators
            .iter()
            .map(|o| vars.add(variable().min(0.0).max(units(o.stake))))
            .collect();
        let mut edges = Vec::new();
        for (s, list) in network.securing.iter().enumerate() {
            for &(v, w) in list {
                edges.push((s, v, w, vars.add(variable().binary())));
            }
        }
        let shock: Expression =
            network.operators.iter().zip(&d).map(|(o, &dv)| units(o.stake) * dv).sum();
        let objective = shock.clone() + c.iter().copied().sum::<Expression>();
        let mut problem = vars.maximise(objective).using(microlp);
        problem = problem.with(constraint!(shock <= budget + 1e-9));
        for v in 0..n {
            problem = problem.with(constraint!(b[v] + d[v] <= 1.0));
        }
        if !with_attack {
            for &bv in &b {
                problem = problem.with(constraint!(bv <= 0.0));
            }
            for &zs in &z {
                problem = problem.with(constraint!(zs <= 0.0));
            }
        } else {
            problem = problem.with(constraint!(z.iter().copied().sum::<Expression>() >= 1.0));
        }
        for (s, service) in network.services.iter().enumerate() {
            let alpha = service.attack_threshold.to_f64().unwrap_or(1.0);
            let held: Expression = network.securing[s]
                .iter()
                .map(|&(v, w)| units(w) * b[v] + alpha * units(w) * d[v])
                .sum();
            let needed = alpha * units(network.securing_stake(s));
            problem = problem.with(constraint!(held - needed * z[s] >= -1e-9));
        }
        let mut exposed: Vec<Expression> = vec![Expression::from(0.0); n];
        for &(s, v, w, y) in &edges {
            problem = problem.with(constraint!(y - b[v] <= 0.0));
            problem = problem.with(constraint!(y - z[s] <= 0.0));
            problem = problem.with(constraint!(y - b[v] - z[s] >= -1.0));
            exposed[v] += units(w) * y;
        }
        for (v, operator) in network.operators.iter().enumerate() {
            let x = std::mem::replace(&mut exposed[v], Expression::from(0.0));
            let big = network.exposure[v].iter().map(|&(_, w)| units(w)).sum::<f64>() + 1.0;
            problem = problem.with(constraint!(c[v] - x.clone() <= 0.0));
            problem = problem.with(constraint!(c[v] - x + big * u[v] >= 0.0));
            problem = problem.with(constraint!(c[v] - units(operator.stake) * u[v] >= 0.0));
        }
        if with_attack {
            let profit: Expression = network
                .services
                .iter()
                .zip(&z)
                .map(|(s, &zs)| units(s.profit_from_corruption) * zs)
                .sum();
            problem =
                problem.with(constraint!(profit - c.iter().copied().sum::<Expression>() >= 1e-6));
        }
        let solution = match problem.solve() {
            Ok(solution) => solution,
            // No attack can follow any shock: a definite answer.
            Err(good_lp::ResolutionError::Infeasible) => return Some(None),
            Err(_) => return None,
        };
        let pick = |vars: &[Variable]| {
            vars.iter().map(|&x| solution.value(x) > 0.5).collect::<Vec<bool>>()
        };
        Some(Some((pick(&d), pick(&z), pick(&b))))
    };
    let check = |(shock, services, operators): Masks| -> Option<BigRational> {
        let shocked: Amount =
            (0..n).filter(|&v| shock[v]).map(|v| network.operators[v].stake).sum();
        if integer(shocked) > psi * integer(total) {
            return None;
        }
        let lost = if services.iter().any(|&s| s) {
            let reduced = network.without(&shock);
            let attack = reduced.evaluate(&services, &operators)?;
            if attack.profit <= attack.cost {
                return None;
            }
            attack.cost
        } else {
            0
        };
        Some((integer(shocked + lost) / integer(total)).min(BigRational::one()))
    };
    let shock_only = check(solve(false)??)?;
    match solve(true)? {
        None => Some(shock_only),
        // A solution that does not check exactly (solver tolerance) settles nothing.
        Some(found) => check(found).map(|with_attack| with_attack.max(shock_only)),
    }
}
