//! The risk report: every figure of a network, as JSON (named plainly) and as markdown.

use num_rational::BigRational;
use num_traits::{One, Zero};
use serde::{Serialize, Serializer};
use serde_json::{Value, json};

use crate::{
    attack::{Attack, Method, exact_gamma},
    cascade::{largest_first_shock, loss_bound, simulate, worst_case_loss_brute_force},
    certificates::{Binding, eigenlayer_condition, lp_certificate},
    graph::Network,
    metrics::{cost_of_corruption, hhi, nakamoto_coefficient, restaking_degree},
    number::{decimal, integer, show_amount},
};

/// Serializes a rational as a decimal string with 6 places (and keeps it exact in `_exact`
/// fields where it matters).
pub fn ratio_text<S: Serializer>(value: &BigRational, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&decimal(value, 6))
}

fn ratio(value: &BigRational) -> Value {
    Value::String(decimal(value, 6))
}

fn optional(value: Option<&BigRational>) -> Value {
    value.map_or(Value::Null, ratio)
}

/// What to compute.
#[derive(Debug, Clone)]
pub struct Options {
    /// Shock sizes ψ (shares of all stake) for the worst-case loss.
    pub shocks: Vec<BigRational>,
    /// Run the exact attack search.
    pub exact_search: bool,
}

impl Default for Options {
    fn default() -> Self {
        let shock = |n: i64, d: i64| BigRational::new(n.into(), d.into());
        Self {
            shocks: vec![shock(1, 1000), shock(1, 100), shock(5, 100), shock(1, 10)],
            exact_search: true,
        }
    }
}

/// An attack with names, for reports.
pub fn attack_json(network: &Network, attack: &Attack) -> Value {
    json!({
        "services": attack.services.iter().map(|&s| network.services[s].name.clone()).collect::<Vec<_>>(),
        "operators": attack.operators.iter().map(|&v| network.operators[v].name.clone()).collect::<Vec<_>>(),
        "profit": show_amount(attack.profit),
        "cost": show_amount(attack.cost),
    })
}

fn binding_json(network: &Network, binding: Option<&Binding>) -> Value {
    match binding {
        Some(Binding::Operator(v)) => json!({ "operator": network.operators[*v].name }),
        Some(Binding::Service(s)) => json!({ "service": network.services[*s].name }),
        None => Value::Null,
    }
}

/// Builds the report; with `options.exact_search`, [`exact_figures`] merged in.
pub fn analyse(network: &Network, options: &Options) -> Value {
    // The LP is the slowest figure: it runs on its own thread while the rest is computed.
    let mut report = std::thread::scope(|scope| {
        let lp = scope.spawn(|| lp_certificate(network));
        analyse_with(network, options, || lp.join().expect("the LP thread does not panic"))
    });
    if options.exact_search {
        merge_exact(&mut report, &exact_figures(network, &options.shocks));
    }
    report
}

/// The figures that need the exact search (it may take long: callers can run it apart, with
/// a time limit): `secure`, `search_method`, `attack`, `gamma_exact`, per shock the exact
/// worst-case loss (small networks) and the bound from `gamma_exact`, `robustness` (up to 10
/// services), and holders looked through under the attack found.
pub fn exact_figures(network: &Network, shocks: &[BigRational]) -> Value {
    let search = network.search(&BigRational::one());
    let exact = match search.method {
        Method::MaxFlow | Method::BruteForce => exact_gamma(network).0,
        Method::IntegerProgram => None,
    };
    let secure = match &search {
        search if search.attack.is_some() => Value::Bool(false),
        search if search.conclusive => Value::Bool(true),
        _ => Value::Null,
    };
    let tiny = network.operators.len() <= 12 && network.services.len() <= 8;
    // The worst-case program is exact but exponential in the worst case: medium networks only.
    let medium = network.operators.len() <= 40 && network.link_count() <= 200;
    let losses: Vec<Value> = shocks
        .iter()
        .map(|psi| {
            let worst = if tiny {
                Some(worst_case_loss_brute_force(network, psi))
            } else if medium {
                crate::cascade::worst_case_loss_program(network, psi)
            } else {
                None
            };
            json!({
                "exact": optional(worst.as_ref()),
                "bound": exact.as_ref().map_or(Value::Null, |g| ratio(&loss_bound(Some(g), psi))),
            })
        })
        .collect();
    // Bar-Zur–Eyal robustness: exhaustive over service subsets, so small networks only.
    let robustness = if network.services.len() <= 10 {
        match crate::elastic::robustness(network) {
            Some((share, byzantine)) => json!({
                "byzantine_share": ratio(&share),
                "byzantine_services": byzantine.iter().map(|&s| network.services[s].name.clone()).collect::<Vec<_>>(),
            }),
            None => {
                json!({ "byzantine_share": null, "note": "secure with all but one service Byzantine" })
            }
        }
    } else {
        Value::Null
    };
    let per_holder = if network.holders.is_empty() {
        Value::Null
    } else {
        Value::Array(crate::lookthrough::look_through(network, search.attack.as_ref()))
    };
    json!({
        "secure": secure,
        "search_method": search.method,
        "attack": search.attack.as_ref().map(|a| attack_json(network, a)),
        "gamma_exact": optional(exact.as_ref()),
        "worst_case_loss": losses,
        "robustness": robustness,
        "per_holder": per_holder,
    })
}

/// Merges [`exact_figures`] into a report: the search's answers replace the certificates',
/// and per shock the smaller of the two proven bounds is kept.
pub fn merge_exact(report: &mut Value, exact: &Value) {
    for key in ["secure", "search_method", "attack", "gamma_exact", "robustness"] {
        report[key] = exact[key].clone();
    }
    if !exact["per_holder"].is_null() {
        report["per_holder"] = exact["per_holder"].clone();
    }
    let number = |v: &Value| v.as_str().and_then(|s| s.parse::<f64>().ok());
    if let (Some(losses), Some(exact)) =
        (report["worst_case_loss"].as_array_mut(), exact["worst_case_loss"].as_array())
    {
        for (loss, exact) in losses.iter_mut().zip(exact) {
            loss["exact"] = exact["exact"].clone();
            // Both bounds are proven; show the tighter (the comparison is only a choice).
            if let (Some(a), Some(b)) = (number(&exact["bound"]), number(&loss["bound"]))
                && a < b
            {
                loss["bound"] = exact["bound"].clone();
            }
        }
    }
}

fn analyse_with(
    network: &Network,
    options: &Options,
    lp: impl FnOnce() -> Option<BigRational>,
) -> Value {
    let el = eigenlayer_condition(network);
    let services: Vec<Value> = (0..network.services.len())
        .map(|s| {
            let service = &network.services[s];
            let coc = cost_of_corruption(network, s);
            let profit_to_cost = if coc.cost == 0 {
                Value::Null
            } else {
                ratio(&(integer(service.profit_from_corruption) / integer(coc.cost)))
            };
            json!({
                "name": service.name,
                "profit_from_corruption": show_amount(service.profit_from_corruption),
                "attack_threshold": ratio(&service.attack_threshold),
                "securing_stake": show_amount(network.securing_stake(s)),
                "operators": network.securing[s].len(),
                "cost_of_corruption": show_amount(coc.cost),
                "cost_of_corruption_exact": coc.exact,
                // Any corrupting coalition holds at least ⌈α W⌉: a proven lower bound.
                "cost_of_corruption_lower_bound": show_amount(
                    num_traits::ToPrimitive::to_u128(
                        &(&service.attack_threshold * integer(network.securing_stake(s))).ceil().to_integer()
                    )
                    .unwrap_or(0)
                ),
                "corrupting_coalition": coc.operators.iter().map(|&v| network.operators[v].name.clone()).collect::<Vec<_>>(),
                "profit_to_cost": profit_to_cost,
                "nakamoto_coefficient": nakamoto_coefficient(network, s),
                "hhi": ratio(&hhi(network.securing[s].iter().map(|&(_, w)| w))),
            })
        })
        .collect();
    // Shocks are independent: simulate them two at a time (the LP may hold the other core).
    let cascades: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = options
            .shocks
            .chunks(options.shocks.len().div_ceil(2).max(1))
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|psi| simulate(network, &largest_first_shock(network, psi)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("simulations do not panic")).collect()
    });
    let lp = lp();
    // The best proven slack of the certificates (the exact search may prove more).
    let certified = [el.gamma.clone(), lp.clone()].into_iter().flatten().max();
    let secure = match &certified {
        Some(g) if *g >= BigRational::zero() => Value::Bool(true),
        _ => Value::Null,
    };
    let losses: Vec<Value> = options
        .shocks
        .iter()
        .zip(&cascades)
        .map(|(psi, cascade)| {
            json!({
                "shock": ratio(psi),
                "bound": ratio(&loss_bound(certified.as_ref(), psi)),
                "simulated": ratio(&cascade.loss_fraction),
                "simulated_rounds": cascade.rounds.len(),
                "simulated_exact_rounds": cascade.exact_rounds,
                "exact": null,
            })
        })
        .collect();
    // Without the exact search holders are looked through under the greedy finder's attack.
    let per_holder = if network.holders.is_empty() {
        Value::Null
    } else {
        let attack = network.greedy_attack(&BigRational::one());
        Value::Array(crate::lookthrough::look_through(network, attack.as_ref()))
    };
    json!({
        "unit": network.unit,
        "robustness": null,
        "per_holder": per_holder,
        "services": network.services.len(),
        "operators": network.operators.len(),
        "links": network.link_count(),
        "total_stake": show_amount(network.total_stake()),
        "restaking_degree": ratio(&restaking_degree(network)),
        "operator_hhi": ratio(&hhi(network.operators.iter().map(|o| o.stake))),
        "secure": secure,
        "gamma_el": optional(el.gamma.as_ref()),
        "gamma_el_binding": binding_json(network, el.binding.as_ref()),
        "gamma_lp": optional(lp.as_ref()),
        "gamma_exact": null,
        "free_attacks": el.free_attacks.iter().map(|&s| network.services[s].name.clone()).collect::<Vec<_>>(),
        "search_method": null,
        "attack": null,
        "per_service": services,
        "worst_case_loss": losses,
    })
}

/// The report as markdown.
pub fn markdown(report: &Value) -> String {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Null => "—".into(),
        other => other.to_string(),
    };
    // Amounts are exact in the JSON; a table reads better at two decimals.
    let amount = |v: &Value| match v {
        Value::String(s) => rounded_for_display(s),
        other => text(other),
    };
    let mut out = String::new();
    out.push_str(&format!(
        "# Restaking risk report\n\n{} services, {} operators, {} links; {} {} staked, reused {}× (restaking degree).\n\n\
         Amounts are rounded to 0.01 for display; the JSON report (`--json`) keeps them exact.\n\n",
        report["services"], report["operators"], report["links"], amount(&report["total_stake"]),
        text(&report["unit"]), text(&report["restaking_degree"])
    ));
    if let Value::Array(assumed) = &report["assumptions"]
        && !assumed.is_empty()
    {
        out.push_str("> **⚠ Assumed, not given** — the figures below rest on these defaults:\n");
        for assumption in assumed {
            out.push_str(&format!(">\n> - {}\n", text(assumption)));
        }
        out.push('\n');
    }
    out.push_str("## Security\n\n| figure | value |\n|---|---|\n");
    for key in ["secure", "gamma_el", "gamma_lp", "gamma_exact", "search_method"] {
        out.push_str(&format!("| `{key}` | {} |\n", text(&report[key])));
    }
    if let Value::Object(robustness) = &report["robustness"] {
        out.push_str(&format!(
            "| robustness (Byzantine share of services that breaks it) | {} |\n",
            robustness.get("byzantine_share").map_or_else(|| "—".into(), text)
        ));
    }
    if let Value::Object(binding) = &report["gamma_el_binding"] {
        for (kind, name) in binding {
            out.push_str(&format!("| `gamma_el` bound by | {kind} {} |\n", text(name)));
        }
    }
    match &report["attack"] {
        Value::Object(attack) => out.push_str(&format!(
            "\n**Attack found**: operators {} corrupt {} for a profit of {} against a cost of {}.\n",
            text(&attack["operators"]), text(&attack["services"]), amount(&attack["profit"]), amount(&attack["cost"])
        )),
        _ if report["secure"] == Value::Bool(true) => out.push_str("\nNo attack pays.\n"),
        _ => out.push_str("\nThe exact attack search was not run (or did not finish).\n"),
    }
    if let Value::String(note) = &report["search_note"] {
        out.push_str(&format!("\n{note}\n"));
    }
    out.push_str("\n## Services\n\n| service | profit | α | securing stake | operators | cost of corruption | profit / cost | Nakamoto | HHI |\n|---|---|---|---|---|---|---|---|---|\n");
    for s in report["per_service"].as_array().into_iter().flatten() {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {}{} | {} | {} | {} |\n",
            text(&s["name"]),
            amount(&s["profit_from_corruption"]),
            text(&s["attack_threshold"]),
            amount(&s["securing_stake"]),
            s["operators"],
            amount(&s["cost_of_corruption"]),
            if s["cost_of_corruption_exact"] == Value::Bool(false) { " (best found)" } else { "" },
            text(&s["profit_to_cost"]),
            s["nakamoto_coefficient"],
            text(&s["hhi"])
        ));
    }
    if let Value::Array(holders) = &report["per_holder"] {
        out.push_str("\n## Holders looked through (LRTs, vaults)\n\n| holder | held | operators | HHI | operators holding 1/3 | worst service | loss if it slashes at its cap | loss under the attack |\n|---|---|---|---|---|---|---|---|\n");
        for h in holders {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
                text(&h["name"]),
                amount(&h["held"]),
                h["operators"],
                text(&h["hhi"]),
                h["operators_holding_a_third"],
                text(&h["worst_service"]),
                amount(&h["loss_at_worst_service_cap"]),
                amount(&h["loss_under_attack"])
            ));
        }
    }
    if let Value::Array(assets) = &report["per_asset"] {
        out.push_str("\n## Assets\n\n| strategy | operators | delegated shares | HHI | operators holding 1/3 | holding 1/2 |\n|---|---|---|---|---|---|\n");
        for a in assets {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                text(&a["strategy"]),
                a["operators"],
                amount(&a["delegated_shares"]),
                text(&a["hhi"]),
                a["operators_holding_a_third"],
                a["operators_holding_half"]
            ));
        }
    }
    out.push_str("\n## Worst-case loss after a shock\n\n| shock ψ | bound (1 + 1/γ)ψ | simulated (largest first) | rounds | exact |\n|---|---|---|---|---|\n");
    for l in report["worst_case_loss"].as_array().into_iter().flatten() {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            text(&l["shock"]),
            text(&l["bound"]),
            text(&l["simulated"]),
            l["simulated_rounds"],
            text(&l["exact"])
        ));
    }
    out
}

/// An exact decimal (`"-4129138.759763419917985144"`) rounded half up to two decimals, with
/// thousands separators (`"-4,129,138.76"`); text that is not a plain decimal is kept.
pub fn rounded_for_display(exact: &str) -> String {
    let (sign, digits) = exact.strip_prefix('-').map_or(("", exact), |rest| ("-", rest));
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let plain = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !plain(whole) || !plain(fraction) {
        return exact.to_owned();
    }
    // Cents as a digit string: whole ‖ the first two fraction digits, plus one if the third
    // is 5 or more (carried through the string, so any length stays exact).
    let mut cents: Vec<u8> = whole.bytes().chain(fraction.bytes().chain(*b"00").take(2)).collect();
    if fraction.as_bytes().get(2).is_some_and(|d| *d >= b'5') {
        let mut at = cents.len();
        loop {
            if at == 0 {
                cents.insert(0, b'1');
                break;
            }
            at -= 1;
            if cents[at] == b'9' {
                cents[at] = b'0';
            } else {
                cents[at] += 1;
                break;
            }
        }
    }
    let (whole, cents) = cents.split_at(cents.len() - 2);
    let whole = std::str::from_utf8(whole).expect("digits").trim_start_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    let mut grouped = String::new();
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let cents = std::str::from_utf8(cents).expect("digits");
    let sign = if whole == "0" && cents == "00" { "" } else { sign };
    format!("{sign}{grouped}.{cents}")
}

/// Keeps `Serialize` in use for downstream callers that want the raw pieces.
pub fn to_json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("serializable")
}

#[cfg(test)]
mod display_tests {
    use super::rounded_for_display;

    #[test]
    fn amounts_round_half_up_to_cents_with_separators() {
        assert_eq!(rounded_for_display("4129138.759763419917985144"), "4,129,138.76");
        assert_eq!(rounded_for_display("999999.995"), "1,000,000.00");
        assert_eq!(rounded_for_display("-1234.5"), "-1,234.50");
        assert_eq!(rounded_for_display("120"), "120.00");
        assert_eq!(rounded_for_display("0.004"), "0.00");
        assert_eq!(rounded_for_display("-0.001"), "0.00");
        assert_eq!(rounded_for_display("—"), "—");
        assert_eq!(rounded_for_display("1/3"), "1/3");
    }
}
