//! Who acts in a simulated world: the services that slash, the operators they slash, the LRTs,
//! the holders whose behaviour makes the flows, and the three strategy holders. Read from the
//! world's own state, so a scenario or a saved world is simulated exactly like the reference
//! network: EigenLayer's operator sets over stETH, Symbiotic's subnetworks (each with its
//! network's middleware and the slashable vaults that give it stake), Karak's DSSs, and the LRT
//! instances. Services come in a fixed order (EigenLayer, Symbiotic, Karak, each in address
//! order); an operator is one address, whichever protocols it runs in, with every service that
//! can slash it, so a fault picks among the links of all three.

use std::{collections::BTreeMap, sync::LazyLock};

use rampart_engine::{
    Address, Call, U256, World,
    accounts::{named_address, token_address},
    eigenlayer::state::OperatorSet,
    lrt::Preset,
    symbiotic::{DelegatorKind, Subnetwork, vault::At},
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// A service: something that can slash operators, through its protocol's own slash path.
#[derive(Debug, Clone)]
pub struct Service {
    /// `avs/id` (EigenLayer), `symbiotic:network#id`, `karak:dss` (the risk engine's names).
    pub name: String,
    /// Which protocol, and what the slash path needs.
    pub kind: ServiceKind,
}

/// A service's protocol and the accounts its slashes go through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceKind {
    /// An EigenLayer operator set over stETH, slashed by its slasher
    /// (`eigenlayer.slash_operator`).
    EigenLayer {
        /// The set.
        set: OperatorSet,
        /// Who may slash it.
        slasher: Address,
    },
    /// A Symbiotic subnetwork, slashed by its network's middleware in every vault (with a
    /// slasher) whose delegator gives it stake: at once by an instant `Slasher`
    /// (`symbiotic.slasher.slash`), or by a `VetoSlasher` request executed after the veto
    /// period (`symbiotic.veto_slasher.request_slash`, then `.execute_slash`).
    Symbiotic {
        /// The network and identifier.
        subnetwork: Subnetwork,
        /// The network's middleware (the only account that may slash).
        middleware: Address,
        /// The slashable vaults whose delegator has a limit for the subnetwork, in address
        /// order.
        vaults: Vec<Address>,
    },
    /// A Karak DSS: `karak.core.request_slashing` of the operator's vaults staked to it, then
    /// `karak.core.finalize_slashing` after the 2-day veto window.
    Karak {
        /// The DSS.
        dss: Address,
    },
}

impl Service {
    /// The EigenLayer operator set, for an EigenLayer service.
    pub fn eigenlayer_set(&self) -> Option<OperatorSet> {
        match self.kind {
            ServiceKind::EigenLayer { set, .. } => Some(set),
            _ => None,
        }
    }

    /// `eigenlayer`, `symbiotic` or `karak`.
    pub fn protocol(&self) -> &'static str {
        match self.kind {
            ServiceKind::EigenLayer { .. } => "eigenlayer",
            ServiceKind::Symbiotic { .. } => "symbiotic",
            ServiceKind::Karak { .. } => "karak",
        }
    }
}

/// Whether the simulator counts `token` as ETH, at par: ETH and the ETH staking tokens the
/// risk engine prices at par (stETH, rETH, cbETH). Collateral in any other token is slashed
/// all the same, but left out of the stake columns and the slashed totals, which are ETH.
pub fn counted_at_par(token: Address) -> bool {
    static AT_PAR: LazyLock<[Address; 4]> =
        LazyLock::new(|| ["ETH", "stETH", "rETH", "cbETH"].map(token_address));
    AT_PAR.contains(&token)
}

/// An operator (one address, whichever protocols it runs in) and the services that can slash it.
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
    /// Services: EigenLayer operator sets, then Symbiotic subnetworks, then Karak DSSs, each
    /// in address order.
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
        // Each service with the operators it can slash.
        let mut found: Vec<(Service, Vec<Address>)> = el
            .operator_sets
            .iter()
            .filter(|(_, info)| info.strategies.contains(&steth_strategy))
            .map(|(set, info)| {
                let service = Service {
                    name: format!("{}/{}", name_of(&set.avs), set.id),
                    kind: ServiceKind::EigenLayer { set: *set, slasher: info.slasher.slasher },
                };
                (service, info.members.iter().copied().collect())
            })
            .collect();
        found.extend(symbiotic_services(world, &name_of));
        found.extend(karak_services(world, &name_of));
        let services: Vec<Service> = found.iter().map(|(s, _)| s.clone()).collect();
        let mut by_operator: BTreeMap<Address, Vec<usize>> = BTreeMap::new();
        for (i, (_, members)) in found.iter().enumerate() {
            for member in members {
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

/// Symbiotic's services: every subnetwork some slashable vault's delegator has a maximum
/// limit for (the network set it), with a middleware to slash it. Its operators: those opted
/// into the network and into one of those vaults (only the delegator's own operator for an
/// operator-specific one), as at the start.
fn symbiotic_services(
    world: &World,
    name_of: &dyn Fn(&Address) -> String,
) -> Vec<(Service, Vec<Address>)> {
    let sym = &world.symbiotic;
    let mut vaults_of: BTreeMap<Subnetwork, Vec<Address>> = BTreeMap::new();
    for (&address, vault) in &sym.vaults {
        if vault.slasher.is_none() {
            continue;
        }
        for &subnetwork in vault.delegator.max_network_limit.keys() {
            vaults_of.entry(subnetwork).or_default().push(address);
        }
    }
    let mut out = Vec::new();
    for (subnetwork, vaults) in vaults_of {
        let Some(&middleware) = sym.middleware.get(&subnetwork.network) else { continue };
        let mut members = std::collections::BTreeSet::new();
        for &vault_address in &vaults {
            let vault = &sym.vaults[&vault_address];
            let only = match &vault.delegator.kind {
                DelegatorKind::OperatorSpecific { operator, .. } => Some(*operator),
                DelegatorKind::OperatorNetworkSpecific { network, operator } => {
                    (*network == subnetwork.network).then_some(*operator)
                }
                _ => None,
            };
            for &(operator, place) in sym.vault_opt_ins.keys() {
                if place == vault_address
                    && only.is_none_or(|o| o == operator)
                    && sym.is_opted_in(operator, vault_address, subnetwork.network, At::Latest)
                {
                    members.insert(operator);
                }
            }
        }
        let service = Service {
            name: format!("symbiotic:{}#{}", name_of(&subnetwork.network), subnetwork.identifier),
            kind: ServiceKind::Symbiotic { subnetwork, middleware, vaults },
        };
        out.push((service, members.into_iter().collect()));
    }
    out
}

/// Karak's services: every registered DSS, with the operators registered to it.
fn karak_services(
    world: &World,
    name_of: &dyn Fn(&Address) -> String,
) -> Vec<(Service, Vec<Address>)> {
    let karak = &world.karak;
    karak
        .dss_max_slashable_percentage_wad
        .keys()
        .map(|&dss| {
            let members: Vec<Address> = karak
                .operators
                .iter()
                .filter(|(_, state)| state.dss.contains(&dss))
                .map(|(operator, _)| *operator)
                .collect();
            (
                Service {
                    name: format!("karak:{}", name_of(&dss)),
                    kind: ServiceKind::Karak { dss },
                },
                members,
            )
        })
        .collect()
}
