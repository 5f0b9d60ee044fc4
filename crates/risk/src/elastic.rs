//! Elastic restaking (Bar-Zur and Eyal, CCS '25): symmetric networks in closed form.
//!
//! `n` validators of stake σ each allocate `a = dσ/m` to every one of `m` services (restaking
//! degree `d`: allocations may sum past the stake); every service has prize `R` and threshold
//! `θ`. An attacker takes `k = ⌊nθ⌋` whole validators and a fraction `f = nθ − k` of one more;
//! attacking `j` services costs `k·min(σ, a j) + min(f a j, σ)`, since a validator cannot lose
//! more than it has. The network is secure when no `j` pays. After `b` services turn Byzantine
//! (slashing everyone on them), stakes fall to `σ' = max(0, σ − b a)`, allocations are
//! stretched to `a' = min(σ', a)`, and `m − b` services remain. (The authors' code,
//! `restaking_network.py`, computes the same; its figures are the tests.)

use num_rational::BigRational;
use num_traits::{One, Zero};

use crate::number::integer;

/// A symmetric elastic network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symmetric {
    /// Validators.
    pub validators: u64,
    /// Services.
    pub services: u64,
    /// Restaking degree d (≥ 1): each validator allocates dσ/m to every service.
    pub degree: BigRational,
    /// Each service's prize R.
    pub prize: BigRational,
    /// Each service's threshold θ.
    pub threshold: BigRational,
}

impl Symmetric {
    fn attackers(&self) -> (BigRational, BigRational) {
        let whole = &self.threshold * integer(self.validators);
        let k = whole.floor();
        let f = &whole - &k;
        (k, f)
    }

    /// The attacker's profit from attacking `j` services when each validator has `stake`,
    /// after `byzantine` services were lost.
    pub fn profit(&self, stake: &BigRational, j: u64, byzantine: u64) -> BigRational {
        let m = integer(self.services);
        let allocation = &self.degree * stake / &m;
        let remaining = (stake - &allocation * integer(byzantine)).max(BigRational::zero());
        let allocation = allocation.min(remaining.clone());
        let (k, f) = self.attackers();
        let exposed = &allocation * integer(j);
        let mut cost = &k * exposed.clone().min(remaining.clone());
        if !f.is_zero() {
            cost += (&f * &exposed).min(remaining);
        }
        &self.prize * integer(j) - cost
    }

    /// Secure when no attack on `1..=m−b` services pays (profit < 0 for all).
    pub fn secure(&self, stake: &BigRational, byzantine: u64) -> bool {
        (1..=self.services.saturating_sub(byzantine))
            .all(|j| self.profit(stake, j, byzantine) < BigRational::zero())
    }

    /// The least stake per validator above which the network (no Byzantine service) is
    /// secure: `max_j R j / c(j)` with `c(j) = k·min(1, d j/m) + min(f d j/m, 1)`, exact.
    pub fn minimum_stake(&self) -> BigRational {
        let m = integer(self.services);
        let (k, f) = self.attackers();
        (1..=self.services)
            .map(|j| {
                let share = &self.degree * integer(j) / &m;
                let mut per_unit = &k * share.clone().min(BigRational::one());
                if !f.is_zero() {
                    per_unit += (&f * &share).min(BigRational::one());
                }
                &self.prize * integer(j) / per_unit
            })
            .max()
            .unwrap_or_else(BigRational::zero)
    }
}

/// Robustness of any network (Bar-Zur and Eyal): the smallest weighted share of services that,
/// turning Byzantine, leave a network that an attack breaks; weights `π_s / α_s`, normalised.
/// Byzantine services slash everyone on them; survivors' allocations stretch to what is left
/// (`w' = min(w, σ − Σ_{Byzantine} w)`). `None` if even all-but-one Byzantine leaves it
/// secure. Exhaustive over service subsets: at most 12 services.
pub fn robustness(network: &crate::graph::Network) -> Option<(BigRational, Vec<usize>)> {
    use crate::graph::Network;
    let m = network.services.len();
    assert!(m <= 12, "exhaustive robustness is for small networks");
    let weight: Vec<BigRational> = network
        .services
        .iter()
        .map(|s| integer(s.profit_from_corruption) / &s.attack_threshold)
        .collect();
    let total: BigRational = weight.iter().fold(BigRational::zero(), |a, b| a + b);
    if total.is_zero() {
        return None;
    }
    let mut best: Option<(BigRational, Vec<usize>)> = None;
    for bits in 0u32..(1 << m) {
        let byzantine: Vec<bool> = (0..m).map(|s| bits >> s & 1 == 1).collect();
        if byzantine.iter().all(|&b| b) {
            continue;
        }
        let share =
            (0..m).filter(|&s| byzantine[s]).fold(BigRational::zero(), |a, s| a + &weight[s])
                / &total;
        if best.as_ref().is_some_and(|(b, _)| share >= *b) {
            continue;
        }
        // The residual network: Byzantine services gone, stakes reduced, allocations stretched.
        let mut operators = network.operators.clone();
        for (v, operator) in operators.iter_mut().enumerate() {
            let lost: u128 =
                network.exposure[v].iter().filter(|(s, _)| byzantine[*s]).map(|&(_, w)| w).sum();
            operator.stake = operator.stake.saturating_sub(lost);
        }
        let mut services = network.services.clone();
        for (s, service) in services.iter_mut().enumerate() {
            if byzantine[s] {
                service.profit_from_corruption = 0;
            }
        }
        let links: Vec<(usize, usize, u128)> = (0..m)
            .filter(|&s| !byzantine[s])
            .flat_map(|s| network.securing[s].iter().map(move |&(v, w)| (s, v, w)))
            .map(|(s, v, w)| (s, v, w.min(operators[v].stake)))
            .collect();
        let residual = Network::new(network.unit.clone(), services, operators, links)
            .expect("derived from a valid network");
        if residual.search(&BigRational::one()).attack.is_some() {
            best = Some((share, (0..m).filter(|&s| byzantine[s]).collect()));
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::number::parse_ratio;

    fn r(text: &str) -> BigRational {
        parse_ratio(text).unwrap()
    }

    fn network(n: u64, degree: &str, threshold: &str) -> Symmetric {
        Symmetric {
            validators: n,
            services: n,
            degree: r(degree),
            prize: r("1"),
            threshold: r(threshold),
        }
    }

    #[test]
    fn minimum_stakes_of_figure_three() {
        // n = m = 10, R = 1: θ = 1/3 gives 3, 20/7, 30/11 and 5/2 from degree 3 on; θ = 1/2
        // gives 2 at every degree (risk.md §2.3, from the authors' code).
        assert_eq!(network(10, "1", "1/3").minimum_stake(), r("3"));
        assert_eq!(network(10, "1.5", "1/3").minimum_stake(), r("20/7"));
        assert_eq!(network(10, "2", "1/3").minimum_stake(), r("30/11"));
        for degree in ["3", "5", "10"] {
            assert_eq!(network(10, degree, "1/3").minimum_stake(), r("5/2"));
        }
        for degree in ["1", "2", "7"] {
            assert_eq!(network(10, degree, "1/2").minimum_stake(), r("2"));
        }
    }

    #[test]
    fn security_flips_at_the_minimum_stake_and_byzantine_services_weaken_it() {
        let n = network(10, "2", "1/3");
        let minimum = n.minimum_stake();
        assert!(!n.secure(&minimum, 0), "at σ_min the best attack breaks even (not < 0)");
        assert!(n.secure(&(&minimum + r("1/1000")), 0));
        // Losing services strips allocations: the same stake is no longer enough.
        let stake = &minimum + r("1/1000");
        assert!((1..10).any(|b| !n.secure(&stake, b)));
    }

    #[test]
    fn robustness_counts_the_byzantine_services_an_attack_needs() {
        use crate::file::parse_network;
        // Two validators (stake 2) allocate 1.5 to each of three services (degree 2.25 > 1).
        // Secure as it is; once service a is Byzantine, b and c are backed by stretched
        // allocations of 0.5 each, and attacking both pays 2 > 1.
        let mut text = String::new();
        for name in ["a", "b", "c"] {
            text.push_str(&format!("[[service]]\nname = \"{name}\"\nprofit_from_corruption = \"1\"\nattack_threshold = \"1\"\n"));
        }
        for v in ["v1", "v2"] {
            text.push_str(&format!("[[operator]]\nname = \"{v}\"\nstake = \"2\"\n"));
            for s in ["a", "b", "c"] {
                text.push_str(&format!(
                    "[[allocation]]\noperator = \"{v}\"\nservice = \"{s}\"\namount = \"1.5\"\n"
                ));
            }
        }
        let network = parse_network(&text, false).unwrap();
        assert!(network.search(&BigRational::one()).attack.is_none());
        let (share, byzantine) = robustness(&network).expect("not robust to one Byzantine service");
        assert_eq!(share, r("1/3"));
        assert_eq!(byzantine.len(), 1);
    }

    #[test]
    fn the_closed_form_agrees_with_the_graph_search() {
        // θ = 1/2, n = m = 4 (no fractional attacker): the symmetric formula and the exact
        // search on the same elastic graph agree on both sides of the minimum stake.
        use crate::graph::{Network, Operator, Service};
        let sym = network(4, "2", "1/2");
        let minimum = sym.minimum_stake();
        for stake in [&minimum - r("1/10"), &minimum + r("1/10")] {
            let units = crate::number::to_amount(&stake);
            let allocation = crate::number::to_amount(&(&stake * &sym.degree / integer(4)));
            let services = (0..4)
                .map(|s| Service {
                    name: format!("s{s}"),
                    profit_from_corruption: crate::number::UNIT,
                    attack_threshold: r("1/2"),
                })
                .collect();
            let operators =
                (0..4).map(|v| Operator { name: format!("v{v}"), stake: units }).collect();
            let links = (0..4).flat_map(|s| (0..4).map(move |v| (s, v, allocation)));
            let graph = Network::new("ETH", services, operators, links).unwrap();
            let attack = graph.search(&BigRational::one()).attack;
            assert_eq!(attack.is_none(), sym.secure(&stake, 0), "stake {stake}");
        }
    }
}
