//! Per-service figures: securing stake, cost of corruption, concentration; and the network's
//! restaking degree.

use num_rational::BigRational;
use num_traits::Zero;
use serde::Serialize;

use crate::{
    graph::Network,
    number::{Amount, integer},
};

/// The cheapest coalition that reaches a service's threshold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Corruption {
    /// What it loses (base units): the cost of corruption.
    pub cost: Amount,
    /// Its operators.
    pub operators: Vec<usize>,
    /// Whether the search proved it cheapest (it stops after 20,000 nodes).
    pub exact: bool,
}

/// Search nodes before the cost-of-corruption search settles for the best found (the threshold
/// `⌈α W⌉` stays a proven lower bound).
const NODE_LIMIT: u64 = 20_000;

/// The cost of corrupting service `s` alone: the least total slashable stake of a coalition
/// holding at least `α_s W_s` (a minimum subset sum, by branch and bound).
pub fn cost_of_corruption(network: &Network, s: usize) -> Corruption {
    let alpha = &network.services[s].attack_threshold;
    let total = network.securing_stake(s);
    // The smallest integer amount that reaches α·W.
    let needed = alpha * integer(total);
    let target: Amount =
        num_traits::ToPrimitive::to_u128(&needed.ceil().to_integer()).unwrap_or(Amount::MAX);
    let mut items: Vec<(Amount, usize)> =
        network.securing[s].iter().map(|&(v, w)| (w, v)).collect();
    items.sort_unstable_by(|a, b| b.cmp(a));
    let suffix: Vec<Amount> = {
        let mut sums = vec![0; items.len() + 1];
        for i in (0..items.len()).rev() {
            sums[i] = sums[i + 1] + items[i].0;
        }
        sums
    };
    // Greedy largest-first: an upper bound to start from.
    let mut best_cost = Amount::MAX;
    let mut best = Vec::new();
    let mut greedy = (0, Vec::new());
    for &(w, v) in &items {
        if greedy.0 >= target {
            break;
        }
        greedy.0 += w;
        greedy.1.push(v);
    }
    if greedy.0 >= target {
        best_cost = greedy.0;
        best = greedy.1;
    }
    let mut nodes = 0u64;
    let mut chosen = Vec::new();
    let exact =
        branch(&items, &suffix, target, 0, 0, &mut chosen, &mut best_cost, &mut best, &mut nodes);
    best.sort_unstable();
    Corruption {
        cost: if best_cost == Amount::MAX { 0 } else { best_cost },
        operators: best,
        exact,
    }
}

#[allow(clippy::too_many_arguments)]
fn branch(
    items: &[(Amount, usize)],
    suffix: &[Amount],
    target: Amount,
    index: usize,
    sum: Amount,
    chosen: &mut Vec<usize>,
    best_cost: &mut Amount,
    best: &mut Vec<usize>,
    nodes: &mut u64,
) -> bool {
    *nodes += 1;
    if *nodes > NODE_LIMIT {
        return false;
    }
    if sum >= target {
        if sum < *best_cost {
            *best_cost = sum;
            *best = chosen.clone();
        }
        return true;
    }
    if index == items.len() || sum + suffix[index] < target || sum >= *best_cost {
        return true;
    }
    // Any completion costs at least the target.
    if target >= *best_cost {
        return true;
    }
    let (w, v) = items[index];
    chosen.push(v);
    let mut complete =
        branch(items, suffix, target, index + 1, sum + w, chosen, best_cost, best, nodes);
    chosen.pop();
    complete &= branch(items, suffix, target, index + 1, sum, chosen, best_cost, best, nodes);
    complete
}

/// The Nakamoto coefficient: the fewest operators holding at least `α_s W_s` of service `s`.
pub fn nakamoto_coefficient(network: &Network, s: usize) -> usize {
    let mut amounts: Vec<Amount> = network.securing[s].iter().map(|&(_, w)| w).collect();
    amounts.sort_unstable_by(|a, b| b.cmp(a));
    let needed = &network.services[s].attack_threshold * integer(network.securing_stake(s));
    let mut held = 0;
    for (count, w) in amounts.iter().enumerate() {
        if integer(held) >= needed {
            return count;
        }
        held += w;
    }
    amounts.len()
}

/// The Herfindahl–Hirschman index of shares `amounts`, on the 0–10,000 scale.
pub fn hhi(amounts: impl IntoIterator<Item = Amount>) -> BigRational {
    let amounts: Vec<Amount> = amounts.into_iter().collect();
    let total: Amount = amounts.iter().sum();
    if total == 0 {
        return BigRational::zero();
    }
    amounts
        .iter()
        .map(|&a| {
            let share = integer(a) * integer(100) / integer(total);
            &share * &share
        })
        .fold(BigRational::zero(), |x, y| x + y)
}

/// The restaking degree: `Σ_s W_s / σ_V`, how many times each unit of stake is reused.
pub fn restaking_degree(network: &Network) -> BigRational {
    let total = network.total_stake();
    if total == 0 {
        return BigRational::zero();
    }
    let secured: Amount = (0..network.services.len()).map(|s| network.securing_stake(s)).sum();
    integer(secured) / integer(total)
}
