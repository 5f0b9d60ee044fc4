//! Who acts in a simulated world: the services that slash, the operators they slash, the LRTs,
//! the holders whose behaviour makes the flows, and the three strategy holders. Read from the
//! world's own state (EigenLayer's operator sets, the LRT instances), so a scenario or a saved
//! world is simulated exactly like the reference network.

use std::{collections::BTreeMap, sync::LazyLock};

use rampart_engine::{
    Address, Call, U256, World,
    accounts::{named_address, token_address},
    eigenlayer::state::OperatorSet,
    lrt::Preset,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// A service: an EigenLayer operator set over stETH, slashed by its slasher.
#[derive(Debug, Clone)]
pub struct Service {
    /// `avs/id`.
    pub name: String,
    /// The set.
    pub set: OperatorSet,
    /// Who may slash it.
    pub slasher: Address,
}

/// An operator and the services it is allocated to.
#[derive(Debug, Clone)]
pub struct Operator {
    /// Its name.
    pub name: String,
    /// Its address.
    pub address: Address,
    /// Indices into [`Cast::services`].
    pub services: Vec<usize>,
}

/// A holder cohort of an LRT: one account whose flows follow one sensitivity.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolderSpec {
    /// The account (a name, as in scenarios).
    pub name: String,
    /// The LRT it holds (symbol).
    pub lrt: String,
    /// How strongly it runs: multiplies the loss, discount and queue terms of its withdrawals.
    #[serde(default = "one")]
    pub sensitivity: f64,
}

fn one() -> f64 {
    1.0
}

/// A holder, resolved.
#[derive(Debug, Clone)]
pub struct Holder {
    /// Its name.
    pub name: String,
    /// Its address.
    pub address: Address,
    /// Index into [`Cast::lrts`].
    pub lrt: usize,
    /// Its sensitivity.
    pub sensitivity: f64,
}

/// An LRT.
#[derive(Debug, Clone)]
pub struct Lrt {
    /// Its symbol.
    pub symbol: String,
    /// The pool (its address).
    pub pool: Address,
    /// Its manager.
    pub manager: Address,
    /// Its preset.
    pub preset: Preset,
    /// Operators behind its delegators (indices into [`Cast::operators`]).
    pub operators: Vec<usize>,
}

/// One of the three strategies.
#[derive(Debug, Clone)]
pub struct Strategy {
    /// `lrt`, `direct`, `hybrid`.
    pub name: String,
    /// Its account.
    pub address: Address,
    /// Index of its LRT, where it holds one.
    pub lrt: Option<usize>,
    /// Index of its operator, where it restakes directly.
    pub operator: Option<usize>,
    /// What it put in, wei.
    pub amount: U256,
}

/// Everyone.
#[derive(Debug, Clone)]
pub struct Cast {
    /// Services, in operator-set order.
    pub services: Vec<Service>,
    /// Operators, in address order.
    pub operators: Vec<Operator>,
    /// LRTs, in pool order.
    pub lrts: Vec<Lrt>,
    /// Holder cohorts.
    pub holders: Vec<Holder>,
    /// The strategies (empty without a strategy question).
    pub strategies: Vec<Strategy>,
    /// Names for addresses.
    pub names: BTreeMap<Address, String>,
    /// EigenLayer's stETH strategy (the one every service slashes).
    pub steth_strategy: Address,
}

/// Lido (the engine's `lido` module): its ETH balance is the buffer behind stETH, which its
/// withdrawal queue redeems at par once its oracle finalizes a request.
pub fn lido() -> Address {
    rampart_engine::lido::lido_address()
}

/// The account paying restaking rewards (new issuance, minted as paid).
pub fn rewards_account() -> Address {
    static REWARDS: LazyLock<Address> = LazyLock::new(|| named_address("restaking-rewards"));
    *REWARDS
}

/// The stETH token.
pub fn steth() -> Address {
    // Names hash into addresses (keccak); a path asks for this one thousands of times.
    static STETH: LazyLock<Address> = LazyLock::new(|| token_address("stETH"));
    *STETH
}

/// Applies a call as `sender`, `protocol.function` with JSON args.
pub fn call(world: &mut World, sender: Address, name: &str, args: Value) -> Result<(), String> {
    let action = rampart_engine::Action::parse(name, args).map_err(|e| e.message)?;
    world.apply(&Call { sender, action }).map(|_| ()).map_err(|e| format!("{name}: {e}"))
}

/// Mints `amount` of `token` to `to` (setup only).
pub fn mint(world: &mut World, to: Address, token: &str, amount: U256) -> Result<(), String> {
    let admin = world.admin;
    call(
        world,
        admin,
        "token.mint",
        json!({ "to": to.to_string(), "token": token, "amount": amount.to_string() }),
    )
}

impl Cast {
    /// Reads the services, operators and LRTs of `world`, and resolves `holders`.
    pub fn discover(
        world: &World,
        holders: &[HolderSpec],
        names: BTreeMap<Address, String>,
    ) -> Result<Self, String> {
        let el = &world.eigenlayer;
        let steth_strategy = el
            .strategies
            .iter()
            .find(|(_, s)| s.token == steth())
            .map(|(a, _)| *a)
            .ok_or("the world has no stETH strategy")?;
        let name_of = |a: &Address| names.get(a).cloned().unwrap_or_else(|| a.to_string());
        let services: Vec<Service> = el
            .operator_sets
            .iter()
            .filter(|(_, info)| info.strategies.contains(&steth_strategy))
            .map(|(set, info)| Service {
                name: format!("{}/{}", name_of(&set.avs), set.id),
                set: *set,
                slasher: info.slasher.slasher,
            })
            .collect();
        let mut by_operator: BTreeMap<Address, Vec<usize>> = BTreeMap::new();
        for (i, service) in services.iter().enumerate() {
            for member in el.operator_sets[&service.set].members.iter() {
                by_operator.entry(*member).or_default().push(i);
            }
        }
        let mut operators: Vec<Operator> = by_operator
            .into_iter()
            .map(|(address, services)| Operator { name: name_of(&address), address, services })
            .collect();
        let mut lrts = Vec::new();
        for (pool, lrt) in &world.lrts.instances {
            let mut ops = Vec::new();
            for d in &lrt.delegators {
                let index = match operators.iter().position(|o| o.address == d.operator) {
                    Some(i) => i,
                    None => {
                        operators.push(Operator {
                            name: name_of(&d.operator),
                            address: d.operator,
                            services: Vec::new(),
                        });
                        operators.len() - 1
                    }
                };
                ops.push(index);
            }
            lrts.push(Lrt {
                symbol: lrt.symbol.clone(),
                pool: *pool,
                manager: lrt.admin,
                preset: lrt.preset,
                operators: ops,
            });
        }
        let holders = holders
            .iter()
            .map(|h| {
                let lrt = lrts.iter().position(|l| l.symbol == h.lrt).ok_or_else(|| {
                    format!("holder {:?}: no LRT {:?} in the world", h.name, h.lrt)
                })?;
                Ok(Holder {
                    name: h.name.clone(),
                    address: named_address(&h.name),
                    lrt,
                    sensitivity: h.sensitivity,
                })
            })
            .collect::<Result<_, String>>()?;
        Ok(Self {
            services,
            operators,
            lrts,
            holders,
            strategies: Vec::new(),
            names,
            steth_strategy,
        })
    }

    /// The LRT with `symbol`.
    pub fn lrt_index(&self, symbol: &str) -> Result<usize, String> {
        self.lrts
            .iter()
            .position(|l| l.symbol == symbol)
            .ok_or_else(|| format!("no LRT {symbol:?} in the world"))
    }

    /// The services an LRT's or an operator's capital can be slashed by, by name.
    pub fn exposure(&self, lrt: Option<usize>, operator: Option<usize>) -> Vec<String> {
        let mut ops: Vec<usize> = operator.into_iter().collect();
        if let Some(l) = lrt {
            ops.extend(&self.lrts[l].operators);
        }
        let mut services: Vec<usize> =
            ops.iter().flat_map(|&o| self.operators[o].services.iter().copied()).collect();
        services.sort_unstable();
        services.dedup();
        services.into_iter().map(|s| self.services[s].name.clone()).collect()
    }
}
