//! The security graph of a Rampart world: each EigenLayer operator set, Symbiotic subnetwork
//! (`symbiotic:network#id`), Karak DSS (`karak:dss`) and, when the Jito config's slashing switch
//! is on, Jito NCN (`jito:ncn`, slashing an operator's whole delegation from each vault) is a
//! service, each operator (one node
//! across the three protocols) an operator. What a service can slash from an operator: for an
//! operator set its unique stake, `shares · allocated magnitude / max magnitude` per strategy;
//! for a subnetwork the stake its vaults' delegators show; for a DSS its maximum percentage of
//! the staked vaults' assets; all in underlying tokens at the price table's rate. An operator's
//! stake is everything delegated to it in EigenLayer, the most any subnetwork sees of each of
//! its Symbiotic vaults, and the assets of its Karak vaults staked to some DSS.
//!
//! Profit from corruption and attack thresholds are not on chain: they come from an inputs file
//! (`[[service]] name = "avs/1"`, as in network files), with `[prices]` per token symbol.

use std::{collections::BTreeMap, sync::LazyLock};

use num_rational::BigRational;
use num_traits::ToPrimitive;
use rampart_engine::{
    Address, U256, World,
    accounts::{BEACON_CHAIN_ETH_STRATEGY, token_address},
    eigenlayer::underlying_for_shares,
};
use serde::Deserialize;

use crate::{
    graph::{Network, Operator, Service},
    number::{Amount, integer, parse_amount, parse_ratio, to_amount},
};

/// Off-chain inputs: per service profit and threshold, per token a price.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// Unit of account.
    pub unit: String,
    /// Per service name: (profit from corruption, attack threshold).
    pub services: BTreeMap<String, (Amount, BigRational)>,
    /// Per token address: its price in the unit.
    pub prices: BTreeMap<Address, BigRational>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInputs {
    #[serde(default)]
    unit: Option<String>,
    #[serde(default, rename = "service")]
    services: Vec<RawService>,
    #[serde(default)]
    prices: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawService {
    name: String,
    profit_from_corruption: String,
    #[serde(default = "one_third")]
    attack_threshold: String,
}

fn one_third() -> String {
    "1/3".into()
}

/// The default attack threshold for services the inputs do not name: 1/3 (a BFT liveness
/// attack).
pub fn default_threshold() -> BigRational {
    BigRational::new(1.into(), 3.into())
}

impl Inputs {
    /// Reads an inputs file (TOML).
    pub fn parse(text: &str) -> Result<Self, String> {
        let raw: RawInputs =
            toml::from_str(text).map_err(|e| format!("not an inputs file: {e}"))?;
        let mut inputs = Self { unit: raw.unit.unwrap_or_else(|| "ETH".into()), ..Self::default() };
        for s in raw.services {
            let profit = parse_amount(&s.profit_from_corruption)
                .map_err(|e| format!("service {:?}: {e}", s.name))?;
            let alpha = parse_ratio(&s.attack_threshold)
                .map_err(|e| format!("service {:?}: {e}", s.name))?;
            inputs.services.insert(s.name, (profit, alpha));
        }
        for (symbol, price) in raw.prices {
            inputs.prices.insert(
                token_address(&symbol),
                parse_ratio(&price).map_err(|e| format!("price of {symbol}: {e}"))?,
            );
        }
        Ok(inputs)
    }

    /// A token's price: the table's, else 1 for ETH and the default liquid staking tokens
    /// (priced at par), else 0.
    fn price(&self, token: Address) -> BigRational {
        if let Some(price) = self.prices.get(&token) {
            return price.clone();
        }
        // Hashing the symbols on every price read was a tenth of a network's extraction.
        static AT_PAR: LazyLock<[Address; 4]> =
            LazyLock::new(|| ["ETH", "stETH", "rETH", "cbETH"].map(token_address));
        integer(u8::from(AT_PAR.contains(&token)))
    }
}

/// `wei × price` in the unit of account, rounded down (exactly
/// `to_amount(wei · price / UNIT)`, without reducing a fraction on the way).
fn priced(wei: U256, price: &BigRational) -> Amount {
    let wei = num_bigint::BigInt::from_bytes_be(num_bigint::Sign::Plus, &wei.to_be_bytes::<32>());
    // Both are non-negative, so truncating division is the floor.
    ((wei * price.numer()) / price.denom()).to_u128().unwrap_or(Amount::MAX)
}

/// Extracts the security graph; `name` shows an address (scenario names, or hex).
pub fn from_world(
    world: &World,
    name: &dyn Fn(Address) -> String,
    inputs: &Inputs,
) -> Result<Network, String> {
    let el = &world.eigenlayer;
    let now = world.clock.block;
    let value = |strategy: Address, shares: U256| -> Amount {
        let (token, underlying) = if strategy == BEACON_CHAIN_ETH_STRATEGY {
            (token_address("ETH"), shares)
        } else {
            let Some(pool) = el.strategies.get(&strategy) else { return 0 };
            let balance = world.ledger.balance_of(pool.token, strategy);
            (
                pool.token,
                underlying_for_shares(shares, pool.total_shares, balance).unwrap_or(U256::ZERO),
            )
        };
        priced(underlying, &inputs.price(token))
    };
    // Every protocol's operators are one set: an operator who runs in EigenLayer, Symbiotic and
    // Karak is one node whose stake is the sum of what each protocol can slash.
    let sym = &world.symbiotic;
    let karak = &world.karak;
    let token_value = |token: Address, wei: U256| -> Amount { priced(wei, &inputs.price(token)) };
    let mut stake_of: BTreeMap<Address, Amount> = BTreeMap::new();
    for (&id, record) in &el.operators {
        let stake = record.strategies.iter().map(|(&s, e)| value(s, e.shares)).sum();
        stake_of.insert(id, stake);
    }
    // Symbiotic: per (subnetwork, operator), the stake each vault shows; an operator's capital
    // in a vault is the most any subnetwork sees of it (restaking shares it across networks).
    let mut symbiotic_links: BTreeMap<(String, Address), Amount> = BTreeMap::new();
    for (&address, vault) in &sym.vaults {
        if vault.slasher.is_none() {
            continue;
        }
        let operators: Vec<Address> =
            sym.vault_opt_ins.keys().filter(|(_, v)| *v == address).map(|(o, _)| *o).collect();
        for &operator in &operators {
            let mut most: Amount = 0;
            for &subnetwork in vault.delegator.max_network_limit.keys() {
                let at = rampart_engine::symbiotic::vault::At::Latest;
                let stake = sym.stake(address, vault, subnetwork, operator, at).unwrap_or_default();
                if stake.is_zero() {
                    continue;
                }
                let amount = token_value(vault.collateral, stake);
                most = most.max(amount);
                let service =
                    format!("symbiotic:{}#{}", name(subnetwork.network), subnetwork.identifier);
                *symbiotic_links.entry((service, operator)).or_default() += amount;
            }
            *stake_of.entry(operator).or_default() += most;
        }
    }
    // Karak: a vault staked to DSSs can lose each one's maximum percentage of its assets.
    let mut karak_links: BTreeMap<(String, Address), Amount> = BTreeMap::new();
    for (&address, vault) in &karak.vaults {
        let dss = karak.dss_of_vault(address);
        if dss.is_empty() {
            continue;
        }
        let assets = karak.total_assets(&world.ledger, address).unwrap_or_default();
        let amount = token_value(vault.asset, assets);
        *stake_of.entry(vault.operator).or_default() += amount;
        for service in dss {
            let max = karak
                .dss_max_slashable_percentage_wad
                .get(&service)
                .map(|p| p.0)
                .unwrap_or_default();
            let slashable = assets * max / rampart_engine::karak::state::HUNDRED_PERCENT_WAD;
            *karak_links
                .entry((format!("karak:{}", name(service)), vault.operator))
                .or_default() += token_value(vault.asset, slashable);
        }
    }
    // Jito: with the slashing switch on, an NCN with live handshakes and slashers can take an
    // operator's delegation from each vault (the removed slash instruction), as much as its
    // slashers' per-epoch caps allow this epoch; the operator's stake is its whole delegation.
    // Without the switch, Jito stake is slashable by nobody and stays out of the graph.
    let mut jito_links: BTreeMap<(String, Address), Amount> = BTreeMap::new();
    if world.jito.config().is_ok_and(|c| c.slashing_enabled) {
        let mut counted: std::collections::BTreeSet<(Address, Address)> = Default::default();
        for stake in world.jito.slashable_stakes(world.jito_env().slot) {
            // SPL amounts are in the token's base units (9 decimals for SOL tokens), not wei.
            let decimals = world.ledger.token(stake.token).map_or(18, |t| t.decimals);
            let base = integer(stake.security)
                / integer(num_bigint::BigInt::from(10u8).pow(u32::from(decimals)));
            let amount = to_amount(&(base * inputs.price(stake.token)));
            if counted.insert((stake.vault, stake.operator)) {
                *stake_of.entry(stake.operator).or_default() += amount;
            }
            *jito_links
                .entry((format!("jito:{}", name(stake.ncn)), stake.operator))
                .or_default() += amount;
        }
    }
    let operator_ids: Vec<Address> = stake_of.keys().copied().collect();
    let operators: Vec<Operator> =
        operator_ids.iter().map(|&id| Operator { name: name(id), stake: stake_of[&id] }).collect();
    let mut services = Vec::new();
    let mut links = Vec::new();
    let add_service = |services: &mut Vec<Service>, service_name: String| -> usize {
        if let Some(i) = services.iter().position(|s: &Service| s.name == service_name) {
            return i;
        }
        let (profit, alpha) =
            inputs.services.get(&service_name).cloned().unwrap_or((0, default_threshold()));
        services.push(Service {
            name: service_name,
            profit_from_corruption: profit,
            attack_threshold: alpha,
        });
        services.len() - 1
    };
    for (set, info) in &el.operator_sets {
        let index = add_service(&mut services, format!("{}/{}", name(set.avs), set.id));
        let mut members = info.members.values().to_vec();
        members.sort_unstable(); // links by operator address, whatever the storage order
        for member in &members {
            let Ok(v) = operator_ids.binary_search(member) else { continue };
            let record = &el.operators[member];
            let mut slashable: Amount = 0;
            for &strategy in &info.strategies {
                let max = record.max_magnitude(strategy);
                if max == 0 {
                    continue;
                }
                let allocated = el.get_allocation(now, *member, *set, strategy).current_magnitude;
                let shares = record.shares(strategy) * U256::from(allocated) / U256::from(max);
                slashable += value(strategy, shares);
            }
            links.push((index, v, slashable.min(operators[v].stake)));
        }
    }
    for ((service_name, operator), amount) in
        symbiotic_links.into_iter().chain(karak_links).chain(jito_links)
    {
        let index = add_service(&mut services, service_name);
        let v = operator_ids.binary_search(&operator).expect("every linked operator has stake");
        links.push((index, v, amount.min(operators[v].stake)));
    }
    for name in inputs.services.keys() {
        if !services.iter().any(|s| &s.name == name) {
            return Err(format!(
                "the inputs name service {name:?}, which is not an operator set of this world"
            ));
        }
    }
    Network::new(inputs.unit.clone(), services, operators, links).map_err(|e| e.to_string())
}

/// Concentration per asset: for each strategy, how the stake delegated in it is spread over
/// operators (HHI on the 0–10,000 scale, and how many operators hold a third and a half of it).
pub fn asset_concentration(world: &World, name: &dyn Fn(Address) -> String) -> serde_json::Value {
    use crate::{metrics::hhi, number::decimal};
    let el = &world.eigenlayer;
    let mut per_strategy: BTreeMap<Address, Vec<U256>> = BTreeMap::new();
    for record in el.operators.values() {
        for (&strategy, entry) in &record.strategies {
            if !entry.shares.is_zero() {
                per_strategy.entry(strategy).or_default().push(entry.shares);
            }
        }
    }
    let rows: Vec<serde_json::Value> = per_strategy
        .into_iter()
        .map(|(strategy, mut shares)| {
            shares.sort_unstable_by(|a, b| b.cmp(a));
            let total: U256 = shares.iter().fold(U256::ZERO, |a, b| a + b);
            let fewest = |numerator: u64, denominator: u64| {
                let mut held = U256::ZERO;
                for (count, s) in shares.iter().enumerate() {
                    if held * U256::from(denominator) >= total * U256::from(numerator) {
                        return count;
                    }
                    held += *s;
                }
                shares.len()
            };
            let amounts: Vec<u128> = shares.iter().map(|s| s.saturating_to::<u128>()).collect();
            serde_json::json!({
                "strategy": name(strategy),
                "operators": shares.len(),
                "delegated_shares": total.to_string(),
                "hhi": decimal(&hhi(amounts), 6),
                "operators_holding_a_third": fewest(1, 3),
                "operators_holding_half": fewest(1, 2),
            })
        })
        .collect();
    serde_json::Value::Array(rows)
}
