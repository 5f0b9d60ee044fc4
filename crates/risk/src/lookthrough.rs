//! Looking through holders (LRTs, vaults): what each loses when a service slashes everything it
//! can, and under an attack, and how concentrated its operators are.
//!
//! A holder owning `h` of operator `v`'s stake `σ_v` bears `h/σ_v` of any loss of `v`.

use serde_json::{Value, json};

use crate::{
    attack::{Attack, masks},
    graph::Network,
    metrics::hhi,
    number::{Amount, decimal, show_amount},
};

fn share_of(held: Amount, lost: Amount, stake: Amount) -> Amount {
    if stake == 0 {
        0
    } else {
        (rampart_engine::U256::from(held) * rampart_engine::U256::from(lost)
            / rampart_engine::U256::from(stake))
        .to::<u128>()
    }
}

/// Per holder: total held, HHI over its operators, how many operators hold a third and half
/// of it, the service whose slash at its cap costs it most (and how much), and its loss under
/// `attack`.
pub fn look_through(network: &Network, attack: Option<&Attack>) -> Vec<Value> {
    let attack_costs: Option<Vec<Amount>> = attack.map(|attack| {
        let (services, operators) = masks(network, attack);
        (0..network.operators.len())
            .map(|v| if operators[v] { network.operator_cost(v, &services) } else { 0 })
            .collect()
    });
    network
        .holders
        .iter()
        .map(|holder| {
            let total: Amount = holder.positions.iter().map(|&(_, a)| a).sum();
            let mut amounts: Vec<Amount> = holder.positions.iter().map(|&(_, a)| a).collect();
            amounts.sort_unstable_by(|a, b| b.cmp(a));
            let fewest = |numerator: u128, denominator: u128| {
                let mut held = 0;
                for (count, a) in amounts.iter().enumerate() {
                    if held * denominator >= total * numerator {
                        return count;
                    }
                    held += a;
                }
                amounts.len()
            };
            // Loss if service s slashes all it can from every operator.
            let mut worst: Option<(usize, Amount)> = None;
            for s in 0..network.services.len() {
                let lost: Amount = holder
                    .positions
                    .iter()
                    .map(|&(v, held)| {
                        let slashable = network.securing[s].iter().find(|(o, _)| *o == v).map_or(0, |&(_, w)| w);
                        share_of(held, slashable, network.operators[v].stake)
                    })
                    .sum();
                if worst.is_none_or(|(_, w)| lost > w) {
                    worst = Some((s, lost));
                }
            }
            let under_attack = attack_costs.as_ref().map(|costs| {
                holder
                    .positions
                    .iter()
                    .map(|&(v, held)| share_of(held, costs[v], network.operators[v].stake))
                    .sum::<Amount>()
            });
            json!({
                "name": holder.name,
                "held": show_amount(total),
                "operators": holder.positions.len(),
                "hhi": decimal(&hhi(amounts.iter().copied()), 6),
                "operators_holding_a_third": fewest(1, 3),
                "operators_holding_half": fewest(1, 2),
                "worst_service": worst.filter(|(_, l)| *l > 0).map(|(s, _)| network.services[s].name.clone()),
                "loss_at_worst_service_cap": show_amount(worst.map_or(0, |(_, l)| l)),
                "loss_under_attack": under_attack.map(show_amount),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::file::parse_network;

    #[test]
    fn a_holder_bears_its_share_of_each_operators_loss() {
        let network = parse_network(
            r#"
[[service]]
name = "oracle"
profit_from_corruption = "300"
attack_threshold = "1/2"

[[operator]]
name = "a"
stake = "100"
secures = ["oracle"]

[[operator]]
name = "b"
stake = "200"

[[allocation]]
operator = "b"
service = "oracle"
amount = "50"

[[holding]]
holder = "lrt"
operator = "a"
amount = "40"

[[holding]]
holder = "lrt"
operator = "b"
amount = "100"
"#,
            false,
        )
        .unwrap();
        let attack = network.brute_force_attack(&num_rational::BigRational::from_integer(1.into()));
        let report = look_through(&network, attack.as_ref());
        let lrt = &report[0];
        // The oracle slashes all of a (40% of it is the LRT's: 40) and 50 of b (half: 25).
        assert_eq!(lrt["loss_at_worst_service_cap"], "65");
        assert_eq!(lrt["worst_service"], "oracle");
        assert_eq!(lrt["held"], "140");
        // The cheapest paying attack is a alone (100 ≥ 75, profit 300 > 100); the most
        // profitable is still a alone: the LRT loses 40.
        assert_eq!(lrt["loss_under_attack"], "40");
        assert_eq!(lrt["operators_holding_half"], 1);
    }
}
