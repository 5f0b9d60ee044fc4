//! Property tests: the exact search against brute force on small random networks, and every
//! simulated cascade against the proven bound.

use num_rational::BigRational;
use num_traits::{One, Zero};
use proptest::prelude::*;
use rampart_risk::{
    attack::exact_gamma,
    cascade::{largest_first_shock, loss_bound, simulate, worst_case_loss_brute_force},
    certificates::{eigenlayer_condition, lp_certificate},
    graph::{Network, Operator, Service},
    number::UNIT,
};

/// A small network: up to 4 services and 6 operators, integer stakes and profits, thresholds
/// from {1/3, 1/2, 2/3, 1}, each operator securing a random subset (all stake, or an
/// allocation when `elastic`).
fn network() -> impl Strategy<Value = Network> {
    (1usize..=4, 1usize..=6, any::<bool>()).prop_flat_map(|(m, n, elastic)| {
        (
            prop::collection::vec((0u64..40, 0usize..4), m),
            prop::collection::vec(1u64..30, n),
            prop::collection::vec(prop::collection::vec((any::<bool>(), 1u64..30), m), n),
            Just(elastic),
        )
            .prop_map(|(services, stakes, links, elastic)| {
                let thresholds = [(1, 3), (1, 2), (2, 3), (1, 1)];
                let services = services
                    .iter()
                    .enumerate()
                    .map(|(s, &(profit, t))| Service {
                        name: format!("s{s}"),
                        profit_from_corruption: u128::from(profit) * UNIT,
                        attack_threshold: BigRational::new(
                            thresholds[t].0.into(),
                            thresholds[t].1.into(),
                        ),
                    })
                    .collect();
                let operators: Vec<Operator> = stakes
                    .iter()
                    .enumerate()
                    .map(|(v, &stake)| Operator {
                        name: format!("v{v}"),
                        stake: u128::from(stake) * UNIT,
                    })
                    .collect();
                let mut edges = Vec::new();
                for (v, row) in links.iter().enumerate() {
                    for (s, &(linked, amount)) in row.iter().enumerate() {
                        if linked {
                            let stake = operators[v].stake;
                            let w = if elastic {
                                (u128::from(amount) * UNIT).min(stake)
                            } else {
                                stake
                            };
                            edges.push((s, v, w));
                        }
                    }
                }
                Network::new("ETH", services, operators, edges).unwrap()
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, ..ProptestConfig::default() })]

    /// The integer program and (with every threshold 1) the max-flow never call a network
    /// secure that brute force finds attackable, and every attack they report is valid.
    #[test]
    fn the_exact_search_agrees_with_brute_force(network in network()) {
        let one = BigRational::one();
        let truth = network.brute_force_attack(&one);
        let program = network.integer_program_attack(&one);
        prop_assert_eq!(truth.is_some(), program.is_some(), "integer program vs brute force");
        if network.all_thresholds_one() {
            let flow = network.max_flow_attack(&one);
            prop_assert_eq!(truth.is_some(), flow.is_some(), "max-flow vs brute force");
        }
        // Certificates are sound: a certified γ ≥ 0 means no attack.
        if let Some(gamma) = eigenlayer_condition(&network).gamma {
            prop_assert!(gamma < BigRational::zero() || truth.is_none(), "EL certified an attackable network");
        }
        if let Some(gamma) = lp_certificate(&network) {
            prop_assert!(gamma < BigRational::zero() || truth.is_none(), "the LP certified an attackable network");
            if let Some(el) = eigenlayer_condition(&network).gamma {
                // The LP is at least as strong as EigenLayer's condition (up to solver noise).
                prop_assert!(gamma >= el - BigRational::new(1.into(), 1_000_000.into()));
            }
        }
    }

    /// Every cascade, simulated or worst possible, stays within `(1 + 1/γ)ψ`.
    #[test]
    fn cascades_stay_within_the_proven_bound(network in network(), percent in 1i64..=40) {
        let psi = BigRational::new(percent.into(), 100.into());
        let (gamma, _) = exact_gamma(&network);
        let gamma = gamma.filter(|g| *g > BigRational::zero());
        let Some(gamma) = gamma else { return Ok(()) };
        let bound = loss_bound(Some(&gamma), &psi);
        let cascade = simulate(&network, &largest_first_shock(&network, &psi));
        prop_assert!(cascade.loss_fraction <= bound, "simulated {} > bound {}", cascade.loss_fraction, bound);
        let worst = worst_case_loss_brute_force(&network, &psi);
        prop_assert!(worst <= bound, "worst {} > bound {}", worst, bound);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// The worst-case-loss integer program gives brute force's exact value.
    #[test]
    fn the_worst_case_program_matches_brute_force(network in network(), percent in 0i64..=50) {
        let psi = BigRational::new(percent.into(), 100.into());
        let exact = worst_case_loss_brute_force(&network, &psi);
        let program = rampart_risk::cascade::worst_case_loss_program(&network, &psi);
        prop_assert_eq!(program, Some(exact));
    }
}
