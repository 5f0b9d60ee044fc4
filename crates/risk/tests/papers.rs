//! The papers' constructions, exactly.

use num_rational::BigRational;
use num_traits::{One, Zero};
use rampart_risk::{
    attack::{Method, exact_gamma},
    cascade::{largest_first_shock, loss_bound, simulate, worst_case_loss_brute_force},
    certificates::{Binding, eigenlayer_condition, lp_certificate},
    file::parse_network,
    metrics::{cost_of_corruption, nakamoto_coefficient},
    number::parse_ratio,
};

fn r(text: &str) -> BigRational {
    parse_ratio(text).unwrap()
}

/// Theorem 2 (slack is necessary): one service x with π = 1, α = 1, secured by a (stake ε)
/// and b (stake 1 − ε). Secure, meets EigenLayer's condition with γ = 0; a shock removing a
/// alone lets b take x, and everything is lost.
#[test]
fn two_validators_secure_without_slack_lose_everything_to_a_small_shock() {
    let network = parse_network(
        r#"
[[service]]
name = "x"
profit_from_corruption = "1"
attack_threshold = "1"

[[operator]]
name = "a"
stake = "0.01"
secures = ["x"]

[[operator]]
name = "b"
stake = "0.99"
secures = ["x"]
"#,
        false,
    )
    .unwrap();
    assert_eq!(network.search(&BigRational::one()).attack, None, "1 > 1 is false: secure");
    assert_eq!(eigenlayer_condition(&network).gamma, Some(BigRational::zero()));
    let (gamma, method) = exact_gamma(&network);
    assert_eq!((gamma, method), (Some(BigRational::zero()), Method::MaxFlow));
    let shock = largest_first_shock(&network, &r("1/100"));
    assert_eq!(shock, vec![true, false]);
    let cascade = simulate(&network, &shock);
    assert_eq!(cascade.rounds.len(), 1);
    assert_eq!(cascade.loss_fraction, BigRational::one());
    assert_eq!(worst_case_loss_brute_force(&network, &r("1/100")), BigRational::one());
    assert_eq!(
        loss_bound(Some(&BigRational::zero()), &r("1/100")),
        BigRational::one(),
        "γ = 0 promises nothing"
    );
}

/// Theorem 8 with n = 6: one "6-service" on all six validators, two "3-services" on halves,
/// π = 2, α = 1, σ = 1. Every T_v = 2/6 + 2/3 = 1: tight. Secure (attacking everything costs
/// 6 = π_S), but after any one validator is removed, attacking everything pays (6 > 5).
#[test]
fn six_validators_tight_everywhere_fall_after_one_removal() {
    let mut text = String::new();
    for (name, _) in [("six", 0), ("left", 1), ("right", 2)] {
        text.push_str(&format!(
            "[[service]]\nname = \"{name}\"\nprofit_from_corruption = \"2\"\nattack_threshold = \"1\"\n\n"
        ));
    }
    for v in 0..6 {
        let half = if v < 3 { "left" } else { "right" };
        text.push_str(&format!(
            "[[operator]]\nname = \"v{v}\"\nstake = \"1\"\nsecures = [\"six\", \"{half}\"]\n\n"
        ));
    }
    let network = parse_network(&text, false).unwrap();
    let el = eigenlayer_condition(&network);
    assert_eq!(el.gamma, Some(BigRational::zero()));
    assert!(matches!(el.binding, Some(Binding::Operator(_))));
    assert_eq!(network.search(&BigRational::one()).attack, None);
    assert_eq!(exact_gamma(&network).0, Some(BigRational::zero()));
    let lp = lp_certificate(&network).unwrap();
    assert!(lp >= -r("1/1000000") && lp <= r("1/1000000"), "the LP certifies γ = 0 too: {lp}");
    let mut removed = vec![false; 6];
    removed[0] = true;
    let cascade = simulate(&network, &removed);
    assert_eq!(cascade.loss_fraction, BigRational::one(), "one removal loses everything");
    let attack = &cascade.rounds[0].attack;
    assert_eq!(attack.services.len(), 3);
    assert_eq!(
        (attack.profit, attack.cost),
        (6 * rampart_risk::number::UNIT, 5 * rampart_risk::number::UNIT)
    );
}

/// The abstract: 10% slack caps the loss after a 0.1% shock at 1.1%.
#[test]
fn ten_percent_slack_caps_a_tenth_of_a_percent_shock_at_one_point_one() {
    assert_eq!(loss_bound(Some(&r("1/10")), &r("1/1000")), r("11/1000"));
}

/// Figure 4 (left): green (π = 1) has a dedicated validator of stake 100, 99× overcollateralised
/// locally; blue (π = 101) is backed by stakes 1 and 99, so the network is not secure.
#[test]
fn local_overcollateralisation_does_not_make_a_network_secure() {
    let network = parse_network(
        r#"
[[service]]
name = "green"
profit_from_corruption = "1"
attack_threshold = "1"

[[service]]
name = "blue"
profit_from_corruption = "101"
attack_threshold = "1"

[[operator]]
name = "g"
stake = "100"
secures = ["green"]

[[operator]]
name = "b1"
stake = "1"
secures = ["blue"]

[[operator]]
name = "b99"
stake = "99"
secures = ["blue"]
"#,
        false,
    )
    .unwrap();
    let attack = network.search(&BigRational::one()).attack.expect("blue pays 101 > 100");
    assert_eq!(attack.services, vec![1]);
    assert_eq!(attack.operators, vec![1, 2]);
    assert_eq!(exact_gamma(&network).0, Some(r("100/101") - BigRational::one()));
    assert_eq!(eigenlayer_condition(&network).gamma, Some(r("100/101") - BigRational::one()));
    assert_eq!(cost_of_corruption(&network, 0).cost, 100 * rampart_risk::number::UNIT);
}

/// A third of a service's stake: the cheapest coalition and the fewest operators differ.
#[test]
fn cost_of_corruption_is_the_cheapest_coalition_past_the_threshold() {
    let network = parse_network(
        r#"
[[service]]
name = "s"
profit_from_corruption = "10"
attack_threshold = "1/3"

[[operator]]
name = "a"
stake = "50"
secures = ["s"]

[[operator]]
name = "b"
stake = "26"
secures = ["s"]

[[operator]]
name = "c"
stake = "24"
secures = ["s"]
"#,
        false,
    )
    .unwrap();
    // α W = 100/3: one operator needs a (50); b + c cost 50 too; the cheapest is 50 either way,
    // but no single smaller operator reaches 33.34.
    let coc = cost_of_corruption(&network, 0);
    assert_eq!(coc.cost, 50 * rampart_risk::number::UNIT);
    assert!(coc.exact);
    assert_eq!(nakamoto_coefficient(&network, 0), 1);
}
