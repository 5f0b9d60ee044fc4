//! Attacks: checking one exactly, and searching for the most profitable one.
//!
//! An attack is a set of services `A` and a coalition `B` that controls each of them; each
//! operator of `B` loses `min(σ_v, Σ_{s∈A} w(s,v))`, and the attack pays when `π_A` exceeds
//! the sum (Durvasula–Roughgarden Eq. 1–2, with elastic allocations). The search is exact:
//! a max-flow when every threshold is 1, otherwise an integer program (checked exactly
//! afterwards), or brute force on tiny networks.

use good_lp::{
    Expression, ProblemVariables, Solution, SolverModel, Variable, constraint, microlp, variable,
};
use num_rational::BigRational;
use num_traits::{One, ToPrimitive, Zero};
use rampart_engine::U256;
use serde::Serialize;

use crate::{
    flow::FlowNetwork,
    graph::Network,
    number::{Amount, UNIT, integer},
};

/// A coalition and the services it corrupts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attack {
    /// Services corrupted (indices).
    pub services: Vec<usize>,
    /// Operators of the coalition (indices).
    pub operators: Vec<usize>,
    /// `π_A`, base units.
    pub profit: Amount,
    /// What the coalition loses, base units.
    pub cost: Amount,
}

/// How the search decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Max-flow (every threshold is 1): exact.
    MaxFlow,
    /// Every subset tried: exact.
    BruteForce,
    /// Mixed-integer program (floating point; any attack found is re-checked exactly).
    IntegerProgram,
}

/// The outcome of a search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Search {
    /// The most profitable valid attack, if any attack pays.
    pub attack: Option<Attack>,
    /// How it was found.
    pub method: Method,
    /// Whether "no attack" is proven: false when the integer program failed or its answer did
    /// not check exactly (floating-point tolerance), so the search settled nothing.
    pub conclusive: bool,
}

impl Network {
    /// The cost and validity of corrupting `services` with `operators` (masks).
    pub fn evaluate(&self, services: &[bool], operators: &[bool]) -> Option<Attack> {
        if !services.iter().any(|&s| s) {
            return None;
        }
        for (s, &attacked) in services.iter().enumerate() {
            if attacked && !self.controls(operators, s) {
                return None;
            }
        }
        let cost: Amount = (0..self.operators.len())
            .filter(|&v| operators[v])
            .map(|v| self.operator_cost(v, services))
            .sum();
        let profit: Amount = (0..self.services.len())
            .filter(|&s| services[s])
            .map(|s| self.services[s].profit_from_corruption)
            .sum();
        Some(Attack { services: indices(services), operators: indices(operators), profit, cost })
    }

    /// Whether every threshold is 1 (the max-flow case).
    pub fn all_thresholds_one(&self) -> bool {
        self.services.iter().all(|s| s.attack_threshold.is_one())
    }

    /// The most profitable valid attack with profit scaled by `scale` (1 + γ): it "pays" when
    /// `scale · π_A > cost`. Exact when the thresholds are all 1 or the network is tiny.
    pub fn search(&self, scale: &BigRational) -> Search {
        if self.all_thresholds_one() {
            Search {
                attack: self.max_flow_attack(scale),
                method: Method::MaxFlow,
                conclusive: true,
            }
        } else if self.operators.len() + self.services.len() <= 16 {
            Search {
                attack: self.brute_force_attack(scale),
                method: Method::BruteForce,
                conclusive: true,
            }
        } else {
            let (attack, conclusive) = self.integer_program(scale);
            Search { attack, method: Method::IntegerProgram, conclusive }
        }
    }

    fn pays(attack: &Attack, scale: &BigRational) -> bool {
        scale * integer(attack.profit) > integer(attack.cost)
    }

    /// Max-flow: the min cut's source side is the attack with the largest `scale·π_A − cost`.
    pub fn max_flow_attack(&self, scale: &BigRational) -> Option<Attack> {
        let (m, n) = (self.services.len(), self.operators.len());
        let (source, sink) = (m + n, m + n + 1);
        let (numer, denom) = (big_to_u256(scale.numer()), big_to_u256(scale.denom()));
        let mut flow = FlowNetwork::new(m + n + 2);
        for (s, service) in self.services.iter().enumerate() {
            flow.add_edge(source, s, U256::from(service.profit_from_corruption) * numer);
            for &(v, w) in &self.securing[s] {
                flow.add_edge(s, m + v, U256::from(w) * denom);
            }
        }
        for (v, operator) in self.operators.iter().enumerate() {
            flow.add_edge(m + v, sink, U256::from(operator.stake) * denom);
        }
        flow.max_flow(source, sink);
        let side = flow.source_side(source);
        let services: Vec<bool> = (0..m).map(|s| side[s]).collect();
        // With α = 1 the coalition is every operator of the attacked services.
        let mut operators = vec![false; n];
        for (s, &attacked) in services.iter().enumerate() {
            if attacked {
                for &(v, _) in &self.securing[s] {
                    operators[v] = true;
                }
            }
        }
        self.evaluate(&services, &operators).filter(|a| Self::pays(a, scale))
    }

    /// Every (services, coalition) pair; for tests and tiny networks.
    pub fn brute_force_attack(&self, scale: &BigRational) -> Option<Attack> {
        let (m, n) = (self.services.len(), self.operators.len());
        assert!(m + n <= 24, "brute force is for tiny networks");
        let mut best: Option<Attack> = None;
        for service_bits in 1u32..(1 << m) {
            let services: Vec<bool> = (0..m).map(|s| service_bits >> s & 1 == 1).collect();
            for operator_bits in 0u32..(1 << n) {
                let operators: Vec<bool> = (0..n).map(|v| operator_bits >> v & 1 == 1).collect();
                if let Some(attack) = self.evaluate(&services, &operators) {
                    keep_better(&mut best, attack, scale);
                }
            }
        }
        best
    }

    /// The integer program: maximise `scale·π·z − Σ c` over services `z`, coalition `b`,
    /// `y(s,v) ≥ b_v + z_s − 1`, `Σ_v w(s,v) b_v ≥ α_s W_s z_s`, `c_v ≥ min(σ_v, Σ_s w(s,v) y(s,v))`.
    pub fn integer_program_attack(&self, scale: &BigRational) -> Option<Attack> {
        self.integer_program(scale).0
    }

    /// The integer program's attack, and whether its answer settles the question (the solver
    /// succeeded, and a positive optimum came with an attack that checks exactly).
    fn integer_program(&self, scale: &BigRational) -> (Option<Attack>, bool) {
        let units = |amount: Amount| amount as f64 / UNIT as f64;
        let scale_f = scale.to_f64().unwrap_or(1.0);
        let mut vars = ProblemVariables::new();
        let z: Vec<Variable> =
            self.services.iter().map(|_| vars.add(variable().binary())).collect();
        let b: Vec<Variable> =
            self.operators.iter().map(|_| vars.add(variable().binary())).collect();
        let u: Vec<Variable> =
            self.operators.iter().map(|_| vars.add(variable().binary())).collect();
        let c: Vec<Variable> = self
            .operators
            .iter()
            .map(|o| vars.add(variable().min(0.0).max(units(o.stake))))
            .collect();
        let mut y = Vec::new();
        for (s, list) in self.securing.iter().enumerate() {
            for &(v, w) in list {
                y.push((s, v, w, vars.add(variable().binary())));
            }
        }
        let objective: Expression = self
            .services
            .iter()
            .zip(&z)
            .map(|(s, &zs)| scale_f * units(s.profit_from_corruption) * zs)
            .sum::<Expression>()
            - c.iter().copied().sum::<Expression>();
        let mut problem = vars.maximise(objective).using(microlp);
        problem = problem.with(constraint!(z.iter().copied().sum::<Expression>() >= 1.0));
        for (s, service) in self.services.iter().enumerate() {
            let alpha = service.attack_threshold.to_f64().unwrap_or(1.0);
            let held: Expression = self.securing[s].iter().map(|&(v, w)| units(w) * b[v]).sum();
            let needed = alpha * units(self.securing_stake(s));
            problem = problem.with(constraint!(held - needed * z[s] >= 0.0));
        }
        let mut exposed: Vec<Expression> = vec![Expression::from(0.0); self.operators.len()];
        for &(s, v, w, yv) in &y {
            problem = problem.with(constraint!(yv - b[v] - z[s] >= -1.0));
            exposed[v] += units(w) * yv;
        }
        for (v, operator) in self.operators.iter().enumerate() {
            let big = self.exposure[v].iter().map(|&(_, w)| units(w)).sum::<f64>() + 1.0;
            let x = std::mem::replace(&mut exposed[v], Expression::from(0.0));
            problem = problem.with(constraint!(c[v] - x + big * u[v] >= 0.0));
            problem = problem.with(constraint!(c[v] - units(operator.stake) * u[v] >= 0.0));
        }
        let Ok(solution) = problem.solve() else { return (None, false) };
        let optimum: f64 = self
            .services
            .iter()
            .zip(&z)
            .map(|(s, &zs)| scale_f * units(s.profit_from_corruption) * solution.value(zs))
            .sum::<f64>()
            - c.iter().map(|&cv| solution.value(cv)).sum::<f64>();
        let services: Vec<bool> = z.iter().map(|&v| solution.value(v) > 0.5).collect();
        let operators: Vec<bool> = b.iter().map(|&v| solution.value(v) > 0.5).collect();
        // Only operators linked to an attacked service matter; the check is exact.
        let operators: Vec<bool> = operators
            .iter()
            .enumerate()
            .map(|(v, &inside)| inside && self.exposure[v].iter().any(|(s, _)| services[*s]))
            .collect();
        let attack = self.evaluate(&services, &operators).filter(|a| Self::pays(a, scale));
        // A clearly positive optimum without an attack that checks: tolerance, not a proof.
        let conclusive = attack.is_some() || optimum <= 1e-6;
        (attack, conclusive)
    }
}

/// Keeps `attack` in `best` if it pays and beats it (`scale·π − cost`).
fn keep_better(best: &mut Option<Attack>, attack: Attack, scale: &BigRational) {
    if !Network::pays(&attack, scale) {
        return;
    }
    let value = |a: &Attack| scale * integer(a.profit) - integer(a.cost);
    if best.as_ref().is_none_or(|b| value(&attack) > value(b)) {
        *best = Some(attack);
    }
}

fn indices(mask: &[bool]) -> Vec<usize> {
    mask.iter().enumerate().filter(|&(_, &x)| x).map(|(i, _)| i).collect()
}

fn big_to_u256(value: &num_bigint::BigInt) -> U256 {
    let (_, bytes) = value.to_bytes_be();
    U256::try_from_be_slice(&bytes).unwrap_or(U256::MAX)
}

/// `γ_exact = min_A cost(A)/π_A − 1` over attacking coalitions, by Dinkelbach's iteration on
/// the exact search; `None` when no coalition can attack anything (no profit anywhere).
pub fn exact_gamma(network: &Network) -> (Option<BigRational>, Method) {
    // Start from a ratio no attack beats, then lower it to each attack's cost/profit.
    let mut ratio: Option<BigRational> = None;
    let mut scale = integer(1u64 << 62);
    let mut method = Method::MaxFlow;
    for _ in 0..200 {
        let search = network.search(&scale);
        method = search.method;
        match search.attack {
            Some(attack) if attack.profit > 0 => {
                let found = BigRational::new(attack.cost.into(), attack.profit.into());
                if ratio.as_ref().is_some_and(|r| found >= *r) {
                    break;
                }
                scale = found.clone();
                ratio = Some(found);
            }
            _ => break,
        }
    }
    (ratio.map(|r| r - BigRational::one()), method)
}

/// `(services, operators)` masks of an attack.
pub fn masks(network: &Network, attack: &Attack) -> (Vec<bool>, Vec<bool>) {
    let mut services = vec![false; network.services.len()];
    let mut operators = vec![false; network.operators.len()];
    attack.services.iter().for_each(|&s| services[s] = true);
    attack.operators.iter().for_each(|&v| operators[v] = true);
    (services, operators)
}

/// Whether `value` is zero.
pub fn is_zero(value: &BigRational) -> bool {
    value.is_zero()
}

impl Network {
    /// A fast attack finder for large networks (a lower bound on what an attacker can do):
    /// the eight services with the best profit to cost of corruption seed a coalition (that
    /// cheapest coalition); it then takes, in order of profit, every other service it
    /// controls whose profit exceeds what taking it adds to the coalition's loss. The best
    /// attack found, if one pays. O(seeds · links).
    pub fn greedy_attack(&self, scale: &BigRational) -> Option<Attack> {
        const SEEDS: usize = 8;
        let m = self.services.len();
        let mut candidates: Vec<(BigRational, usize, Vec<usize>)> = (0..m)
            .filter(|&s| self.services[s].profit_from_corruption > 0)
            .map(|s| {
                let coalition = crate::metrics::cost_of_corruption(self, s);
                let ratio = integer(self.services[s].profit_from_corruption)
                    / integer(coalition.cost.max(1));
                (ratio, s, coalition.operators)
            })
            .collect();
        candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut by_profit: Vec<usize> = (0..m).collect();
        by_profit.sort_by(|&a, &b| {
            self.services[b].profit_from_corruption.cmp(&self.services[a].profit_from_corruption)
        });
        let mut best: Option<Attack> = None;
        for (_, seed, coalition) in candidates.into_iter().take(SEEDS) {
            let mut operators = vec![false; self.operators.len()];
            coalition.iter().for_each(|&v| operators[v] = true);
            let mut services = vec![false; m];
            services[seed] = true;
            if !self.controls(&operators, seed) {
                continue;
            }
            // What each coalition member already stands to lose.
            let mut exposed: Vec<Amount> = vec![0; self.operators.len()];
            for &(v, w) in &self.securing[seed] {
                exposed[v] += w;
            }
            for &t in &by_profit {
                if services[t] || !self.controls(&operators, t) {
                    continue;
                }
                let added: Amount = self.securing[t]
                    .iter()
                    .filter(|(v, _)| operators[*v])
                    .map(|&(v, w)| {
                        let stake = self.operators[v].stake;
                        (exposed[v] + w).min(stake) - exposed[v].min(stake)
                    })
                    .sum();
                if scale * integer(self.services[t].profit_from_corruption) > integer(added) {
                    services[t] = true;
                    for &(v, w) in &self.securing[t] {
                        exposed[v] += w;
                    }
                }
            }
            if let Some(attack) = self.evaluate(&services, &operators) {
                keep_better(&mut best, attack, scale);
            }
        }
        best
    }

    /// The exact search where it is cheap (every threshold 1, or a tiny network), the greedy
    /// finder otherwise; the flag says which.
    pub fn quick_attack(&self, scale: &BigRational) -> (Option<Attack>, bool) {
        if self.all_thresholds_one() || self.operators.len() + self.services.len() <= 16 {
            (self.search(scale).attack, true)
        } else {
            (self.greedy_attack(scale), false)
        }
    }
}
