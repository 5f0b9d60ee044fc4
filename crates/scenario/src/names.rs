//! Showing addresses by the names a scenario gave them.

use std::collections::{BTreeMap, BTreeSet};

use rampart_engine::{Address, accounts};
use serde_json::Value;

/// Addresses a scenario mentioned, with the names it used for them.
#[derive(Debug, Clone, Default)]
pub struct NameBook {
    names: BTreeMap<Address, String>,
    /// Words already learned: learning one hashes it four times, and a long run (a Python
    /// loop, a 100k-step scenario) repeats the same few names.
    learned: BTreeSet<String>,
}

impl NameBook {
    /// A book that knows the built-in names (burn address, beacon strategy, default tokens).
    pub fn new() -> Self {
        let mut book = Self::default();
        book.names.insert(accounts::DEFAULT_BURN_ADDRESS, "burn".into());
        book.names.insert(Address::ZERO, "address(0)".into());
        book.names
            .insert(rampart_engine::babylon::escrow_address(), "babylon staking outputs".into());
        book.names.insert(rampart_engine::babylon::burn_address(), "babylon burn".into());
        book.names.insert(rampart_engine::babylon::miners_address(), "bitcoin miners".into());
        book.names.insert(rampart_engine::babylon::rewards_address(), "babylon rewards".into());
        book.names.insert(accounts::NATIVE_ETH, "ETH".into());
        book.names.insert(accounts::BEACON_CHAIN_ETH_STRATEGY, "beaconChainETH".into());
        book.names.insert(
            rampart_engine::lido::withdrawal_queue_address(),
            "Lido withdrawal queue".into(),
        );
        book.learn("admin");
        for (symbol, _) in rampart_engine::ledger::DEFAULT_TOKENS {
            book.learn(symbol);
        }
        book
    }

    /// Records every plain word in `value` as a possible account, token or strategy name.
    pub fn learn_from(&mut self, value: &Value) {
        match value {
            Value::String(text) => self.learn(text),
            Value::Array(items) => items.iter().for_each(|item| self.learn_from(item)),
            Value::Object(map) => map.values().for_each(|item| self.learn_from(item)),
            _ => {}
        }
    }

    /// Records `name` as an account, a token symbol and a strategy symbol.
    pub fn learn(&mut self, name: &str) {
        if self.learned.contains(name) {
            return;
        }
        let plausible = !name.is_empty()
            && name.len() <= 64
            && !name.starts_with("0x")
            && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
            && !name.chars().next().is_some_and(|c| c.is_ascii_digit());
        if !plausible {
            return;
        }
        self.learned.insert(name.to_owned());
        let account = accounts::named_address(name);
        self.names.entry(account).or_insert_with(|| name.to_owned());
        self.names
            .entry(rampart_engine::eigenlayer::pods::pod_address(account))
            .or_insert_with(|| format!("{name}'s EigenPod"));
        self.names.entry(accounts::token_address(name)).or_insert_with(|| name.to_owned());
        self.names
            .entry(accounts::strategy_address(name))
            .or_insert_with(|| format!("{name} strategy"));
    }

    /// Names `address` (a contract a step labelled) as `name`.
    pub fn name(&mut self, address: Address, name: &str) {
        self.names.insert(address, name.to_owned());
    }

    /// The name of `address`, if the scenario used one.
    pub fn name_of(&self, address: &Address) -> Option<&str> {
        self.names.get(address).map(String::as_str)
    }

    /// `value` with every known address replaced by its name.
    pub fn rename(&self, value: &Value) -> Value {
        match value {
            Value::String(text) => accounts::parse_hex_address(text)
                .and_then(|a| self.name_of(&a))
                .map_or_else(|| value.clone(), |name| Value::String(name.to_owned())),
            Value::Array(items) => Value::Array(items.iter().map(|v| self.rename(v)).collect()),
            Value::Object(map) => {
                Value::Object(map.iter().map(|(k, v)| (k.clone(), self.rename(v))).collect())
            }
            other => other.clone(),
        }
    }
}
