//! The security graph: services that can be corrupted, operators whose stake secures them, and
//! for each (service, operator) how much of the operator's stake the service can slash.
//!
//! This is Durvasula and Roughgarden's restaking graph generalised as Bar-Zur and Eyal's elastic
//! networks are: an edge carries the amount `w(s,v)` the service can slash (the whole stake in
//! the classic graph, an allocation under EigenLayer's unique stake or a Symbiotic limit). A
//! coalition `B` corrupts service `s` when `Σ_{v∈B} w(s,v) ≥ α_s · Σ_v w(s,v)`; corrupting the
//! services `A` costs each operator `min(σ_v, Σ_{s∈A} w(s,v))`, what it can lose; the attack
//! pays when `π_A` exceeds that cost.

use num_rational::BigRational;
use serde::Serialize;

use crate::number::{Amount, integer};

/// A service an attacker may corrupt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Service {
    /// Its name.
    pub name: String,
    /// What corrupting it is worth to an attacker (π), in base units.
    pub profit_from_corruption: Amount,
    /// The share of its securing stake an attacker must control (α), in (0, 1].
    #[serde(serialize_with = "crate::report::ratio_text")]
    pub attack_threshold: BigRational,
}

/// An operator (a validator) with stake.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Operator {
    /// Its name.
    pub name: String,
    /// Its stake (σ), in base units.
    pub stake: Amount,
}

/// Someone who holds operators' stake through others: an LRT, a vault, a fund. Its positions
/// are parts of operators' stake; a slash of an operator reaches it pro rata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holder {
    /// Its name (`"ezETH"`).
    pub name: String,
    /// `(operator, amount of the operator's stake held)`.
    pub positions: Vec<(usize, Amount)>,
}

/// A restaking network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Network {
    /// The unit of account (`"ETH"`, `"USD"`).
    pub unit: String,
    /// Services.
    pub services: Vec<Service>,
    /// Operators.
    pub operators: Vec<Operator>,
    /// Per service: `(operator, slashable amount)`, operators ascending, amounts > 0.
    pub securing: Vec<Vec<(usize, Amount)>>,
    /// Per operator: `(service, slashable amount)`, services ascending.
    pub exposure: Vec<Vec<(usize, Amount)>>,
    /// Holders looked through (LRTs and the like); empty unless given.
    pub holders: Vec<Holder>,
}

/// Why a network is malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GraphError {
    /// Two services or two operators share a name.
    #[error("{kind} {name:?} is defined twice")]
    Duplicate {
        /// `service` or `operator`.
        kind: &'static str,
        /// The name.
        name: String,
    },
    /// A link names an unknown service or operator.
    #[error("unknown {kind} {name:?}")]
    Unknown {
        /// `service` or `operator`.
        kind: &'static str,
        /// The name.
        name: String,
    },
    /// A threshold outside (0, 1].
    #[error("service {0:?}: attack_threshold must be in (0, 1]")]
    Threshold(String),
    /// A slashable amount above the operator's stake.
    #[error("operator {operator:?}: {service:?} can slash more than its stake")]
    AboveStake {
        /// The operator.
        operator: String,
        /// The service.
        service: String,
    },
    /// Holders hold more of an operator than its stake.
    #[error("holders hold more of operator {0:?} than its stake")]
    HeldAboveStake(String),
    /// The same link twice.
    #[error("operator {operator:?} is linked to {service:?} twice")]
    DuplicateLink {
        /// The operator.
        operator: String,
        /// The service.
        service: String,
    },
}

impl Network {
    /// Builds a network from services, operators and links `(service, operator, amount)`.
    pub fn new(
        unit: impl Into<String>,
        services: Vec<Service>,
        operators: Vec<Operator>,
        links: impl IntoIterator<Item = (usize, usize, Amount)>,
    ) -> Result<Self, GraphError> {
        for (kind, names) in [
            ("service", services.iter().map(|s| &s.name).collect::<Vec<_>>()),
            ("operator", operators.iter().map(|o| &o.name).collect::<Vec<_>>()),
        ] {
            let mut sorted = names.clone();
            sorted.sort();
            if let Some(pair) = sorted.windows(2).find(|p| p[0] == p[1]) {
                return Err(GraphError::Duplicate { kind, name: pair[0].clone() });
            }
        }
        for service in &services {
            let alpha = &service.attack_threshold;
            if *alpha <= integer(0) || *alpha > integer(1) {
                return Err(GraphError::Threshold(service.name.clone()));
            }
        }
        let mut securing = vec![Vec::new(); services.len()];
        let mut exposure = vec![Vec::new(); operators.len()];
        for (service, operator, amount) in links {
            if amount > operators[operator].stake {
                return Err(GraphError::AboveStake {
                    operator: operators[operator].name.clone(),
                    service: services[service].name.clone(),
                });
            }
            if amount == 0 {
                continue;
            }
            securing[service].push((operator, amount));
            exposure[operator].push((service, amount));
        }
        for (service, list) in securing.iter_mut().enumerate() {
            list.sort_unstable();
            if let Some(pair) = list.windows(2).find(|p| p[0].0 == p[1].0) {
                return Err(GraphError::DuplicateLink {
                    operator: operators[pair[0].0].name.clone(),
                    service: services[service].name.clone(),
                });
            }
        }
        for list in &mut exposure {
            list.sort_unstable();
        }
        Ok(Self { unit: unit.into(), services, operators, securing, exposure, holders: Vec::new() })
    }

    /// Adds holders; together they may hold at most each operator's stake.
    pub fn with_holders(mut self, holders: Vec<Holder>) -> Result<Self, GraphError> {
        let mut held = vec![0 as Amount; self.operators.len()];
        for holder in &holders {
            for &(v, amount) in &holder.positions {
                held[v] += amount;
                if held[v] > self.operators[v].stake {
                    return Err(GraphError::HeldAboveStake(self.operators[v].name.clone()));
                }
            }
        }
        self.holders = holders;
        Ok(self)
    }

    /// `σ_N(s)`: the stake service `s` can slash in all.
    pub fn securing_stake(&self, service: usize) -> Amount {
        self.securing[service].iter().map(|&(_, w)| w).sum()
    }

    /// `σ_V`: all stake.
    pub fn total_stake(&self) -> Amount {
        self.operators.iter().map(|o| o.stake).sum()
    }

    /// Number of (service, operator) links.
    pub fn link_count(&self) -> usize {
        self.securing.iter().map(Vec::len).sum()
    }

    /// What corrupting `services` costs `operator`: `min(σ_v, Σ w(s,v))` over the services.
    pub fn operator_cost(&self, operator: usize, services: &[bool]) -> Amount {
        let exposed: Amount =
            self.exposure[operator].iter().filter(|(s, _)| services[*s]).map(|&(_, w)| w).sum();
        exposed.min(self.operators[operator].stake)
    }

    /// Whether coalition `operators` controls `service` (holds at least α of its stake).
    pub fn controls(&self, operators: &[bool], service: usize) -> bool {
        let held: Amount =
            self.securing[service].iter().filter(|(v, _)| operators[*v]).map(|&(_, w)| w).sum();
        integer(held)
            >= &self.services[service].attack_threshold * integer(self.securing_stake(service))
    }

    /// The network without `removed` operators (after they are slashed): their links go.
    pub fn without(&self, removed: &[bool]) -> Self {
        let mut reduced = self.clone();
        for list in &mut reduced.securing {
            list.retain(|(v, _)| !removed[*v]);
        }
        for (v, list) in reduced.exposure.iter_mut().enumerate() {
            if removed[v] {
                list.clear();
                reduced.operators[v].stake = 0;
            }
        }
        reduced
    }
}
