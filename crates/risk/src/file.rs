//! Network files: a restaking graph without a world (DESIGN.md, "Network files"), in TOML or
//! JSON. Numbers are exact decimals or fractions, as strings or integers.

use serde::Deserialize;

use crate::{
    graph::{Network, Operator, Service},
    number::{parse_amount, parse_ratio},
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNetwork {
    #[serde(default = "default_unit")]
    unit: String,
    #[serde(default, rename = "service")]
    services: Vec<RawService>,
    #[serde(default, rename = "operator")]
    operators: Vec<RawOperator>,
    #[serde(default, rename = "allocation")]
    allocations: Vec<RawAllocation>,
    #[serde(default, rename = "holding")]
    holdings: Vec<RawHolding>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHolding {
    holder: String,
    operator: String,
    amount: Number,
}

fn default_unit() -> String {
    "ETH".into()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawService {
    name: String,
    profit_from_corruption: Number,
    attack_threshold: Number,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOperator {
    name: String,
    stake: Number,
    #[serde(default)]
    secures: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAllocation {
    operator: String,
    service: String,
    amount: Number,
}

/// A number as written: a string (`"1/3"`, `"12.5"`) or an integer.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Number {
    Text(String),
    Integer(u64),
}

impl Number {
    fn text(&self) -> String {
        match self {
            Self::Text(text) => text.clone(),
            Self::Integer(value) => value.to_string(),
        }
    }
}

/// Reads a network file; `json` picks the syntax.
pub fn parse_network(text: &str, json: bool) -> Result<Network, String> {
    let raw: RawNetwork = if json {
        serde_json::from_str(text).map_err(|e| format!("not a network file: {e}"))?
    } else {
        toml::from_str(text).map_err(|e| format!("not a network file: {e}"))?
    };
    let mut services = Vec::with_capacity(raw.services.len());
    for s in &raw.services {
        let at = |field: &str, e: String| format!("service {:?}: {field}: {e}", s.name);
        services.push(Service {
            name: s.name.clone(),
            profit_from_corruption: parse_amount(&s.profit_from_corruption.text())
                .map_err(|e| at("profit_from_corruption", e))?,
            attack_threshold: parse_ratio(&s.attack_threshold.text())
                .map_err(|e| at("attack_threshold", e))?,
        });
    }
    let service_index = |name: &str| {
        services
            .iter()
            .position(|s| s.name == name)
            .ok_or_else(|| format!("unknown service {name:?}"))
    };
    let mut operators = Vec::with_capacity(raw.operators.len());
    let mut links = Vec::new();
    for (index, o) in raw.operators.iter().enumerate() {
        let stake = parse_amount(&o.stake.text())
            .map_err(|e| format!("operator {:?}: stake: {e}", o.name))?;
        operators.push(Operator { name: o.name.clone(), stake });
        for service in &o.secures {
            links.push((
                service_index(service).map_err(|e| format!("operator {:?}: {e}", o.name))?,
                index,
                stake,
            ));
        }
    }
    for a in &raw.allocations {
        let operator = operators
            .iter()
            .position(|o| o.name == a.operator)
            .ok_or_else(|| format!("allocation: unknown operator {:?}", a.operator))?;
        let amount = parse_amount(&a.amount.text())
            .map_err(|e| format!("allocation of {:?}: {e}", a.operator))?;
        links.push((
            service_index(&a.service).map_err(|e| format!("allocation: {e}"))?,
            operator,
            amount,
        ));
    }
    let mut holders: Vec<crate::graph::Holder> = Vec::new();
    for h in &raw.holdings {
        let operator = operators.iter().position(|o| o.name == h.operator).ok_or_else(|| {
            format!("holding of {:?}: unknown operator {:?}", h.holder, h.operator)
        })?;
        let amount = parse_amount(&h.amount.text())
            .map_err(|e| format!("holding of {:?}: {e}", h.holder))?;
        match holders.iter_mut().find(|x| x.name == h.holder) {
            Some(holder) => holder.positions.push((operator, amount)),
            None => holders.push(crate::graph::Holder {
                name: h.holder.clone(),
                positions: vec![(operator, amount)],
            }),
        }
    }
    Network::new(raw.unit, services, operators, links)
        .and_then(|n| n.with_holders(holders))
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_design_example_reads() {
        let text = r#"
unit = "ETH"

[[service]]
name = "oracle"
profit_from_corruption = "120"
attack_threshold = "1/3"

[[service]]
name = "bridge"
profit_from_corruption = 50
attack_threshold = "2/3"

[[operator]]
name = "op1"
stake = "100"
secures = ["oracle", "bridge"]

[[operator]]
name = "op2"
stake = "80"

[[allocation]]
operator = "op2"
service = "oracle"
amount = "40"
"#;
        let network = parse_network(text, false).unwrap();
        assert_eq!(network.securing_stake(0), 140 * crate::number::UNIT);
        assert_eq!(network.securing_stake(1), 100 * crate::number::UNIT);
        assert_eq!(network.link_count(), 3);
    }

    #[test]
    fn bad_files_say_what_is_wrong() {
        let unknown = "[[operator]]\nname = \"a\"\nstake = \"1\"\nsecures = [\"x\"]\n";
        assert!(parse_network(unknown, false).unwrap_err().contains("unknown service \"x\""));
        let float =
            "[[service]]\nname = \"x\"\nprofit_from_corruption = 1.5\nattack_threshold = \"1\"\n";
        assert!(parse_network(float, false).is_err());
        let threshold = "[[service]]\nname = \"x\"\nprofit_from_corruption = \"1\"\nattack_threshold = \"3/2\"\n";
        assert!(parse_network(threshold, false).unwrap_err().contains("(0, 1]"));
        let above = "[[service]]\nname = \"x\"\nprofit_from_corruption = \"1\"\nattack_threshold = \"1\"\n\
                     [[operator]]\nname = \"a\"\nstake = \"1\"\n[[allocation]]\noperator = \"a\"\nservice = \"x\"\namount = \"2\"\n";
        assert!(parse_network(above, false).unwrap_err().contains("more than its stake"));
    }
}
