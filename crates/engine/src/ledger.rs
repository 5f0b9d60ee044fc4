//! The token ledger: balances of every token held by every account and contract.
//!
//! One ledger serves every protocol, the way ERC20 balances serve every contract on Ethereum:
//! a strategy's tokens are the ledger balance of the strategy's address, burned tokens sit at the
//! burn address, LRT shares are a token like any other. Value only changes hands through
//! [`Ledger::transfer`]; only [`Ledger::mint`] and [`Ledger::burn`] change a supply. So for every
//! token, the sum of balances equals the total supply, which [`Ledger::check_invariants`] asserts.

use std::collections::BTreeMap;

use alloy_primitives::{Address, U256};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::{
    accounts::{NATIVE_ETH, token_address},
    math, serde_ext,
};

/// The tokens every new world starts with: native ETH, the three large LSTs, EIGEN, BTC (in
/// satoshi, 8 decimals) and Babylon's BABY (6 decimals).
pub const DEFAULT_TOKENS: [(&str, u8); 7] = [
    ("ETH", 18),
    ("stETH", 18),
    ("rETH", 18),
    ("cbETH", 18),
    ("EIGEN", 18),
    ("BTC", 8),
    ("BABY", 6),
];

/// The tokens with an EigenLayer strategy in a new world.
pub const DEFAULT_STRATEGY_TOKENS: [&str; 4] = ["stETH", "rETH", "cbETH", "EIGEN"];

/// What the ledger knows of a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    /// The symbol scenarios use to name it.
    pub symbol: String,
    /// Decimal places of its display unit (18 for ETH and the LSTs).
    pub decimals: u8,
    /// Every unit in existence: minted minus burned.
    #[serde(with = "serde_ext::amount")]
    pub total_supply: U256,
}

/// A rejected ledger operation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, strum::IntoStaticStr)]
pub enum LedgerError {
    /// No token is registered at this address.
    #[error("no token is registered at {0}")]
    UnknownToken(Address),
    /// A token with this symbol already exists.
    #[error("a token with symbol {0:?} is already registered")]
    TokenAlreadyRegistered(String),
    /// The sender holds less than it tries to move.
    #[error("{account} holds {available} of {symbol} but {needed} is needed")]
    InsufficientBalance {
        /// The account that lacks the balance.
        account: Address,
        /// The token's symbol.
        symbol: String,
        /// What the operation needed.
        needed: U256,
        /// What the account holds.
        available: U256,
    },
    /// A mint would push the total supply past 2^256 - 1.
    #[error("minting would overflow the total supply of {0}")]
    SupplyOverflow(String),
    /// The symbol is empty, too long, or has characters other than letters, digits, `.`, `-`, `_`.
    #[error("{0:?} is not a valid token symbol (1 to 16 letters, digits, '.', '-' or '_')")]
    InvalidSymbol(String),
}

/// Balances of every token, keyed by (token, holder).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ledger {
    #[serde(with = "serde_ext::pairs")]
    tokens: BTreeMap<Address, TokenInfo>,
    // A hash map because a world holds millions of balances and every call reads one; it is
    // never iterated by a state transition, and serializes sorted (see `serde_ext::sorted_pairs`).
    #[serde(with = "serde_ext::sorted_pairs")]
    balances: FxHashMap<(Address, Address), U256>,
}

impl Ledger {
    /// A ledger with the [`DEFAULT_TOKENS`] registered and no balances.
    pub fn with_default_tokens() -> Self {
        let mut ledger = Self::default();
        for (symbol, decimals) in DEFAULT_TOKENS {
            ledger.register_token(symbol, decimals).expect("default tokens are valid and distinct");
        }
        ledger
    }

    /// Registers a new token; its address is derived from its symbol.
    pub fn register_token(&mut self, symbol: &str, decimals: u8) -> Result<Address, LedgerError> {
        let valid = !symbol.is_empty()
            && symbol.len() <= 16
            && symbol.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
        if !valid {
            return Err(LedgerError::InvalidSymbol(symbol.to_owned()));
        }
        let address = token_address(symbol);
        if self.tokens.contains_key(&address)
            || self.tokens.values().any(|t| t.symbol.eq_ignore_ascii_case(symbol))
        {
            return Err(LedgerError::TokenAlreadyRegistered(symbol.to_owned()));
        }
        let info = TokenInfo { symbol: symbol.to_owned(), decimals, total_supply: U256::ZERO };
        self.tokens.insert(address, info);
        Ok(address)
    }

    /// The token registered at `token`.
    pub fn token(&self, token: Address) -> Result<&TokenInfo, LedgerError> {
        self.tokens.get(&token).ok_or(LedgerError::UnknownToken(token))
    }

    /// Every registered token, by address.
    pub fn tokens(&self) -> impl Iterator<Item = (&Address, &TokenInfo)> {
        self.tokens.iter()
    }

    /// The balance of `account` in `token` (zero for unknown tokens, as an ERC20 would say).
    pub fn balance_of(&self, token: Address, account: Address) -> U256 {
        self.balances.get(&(token, account)).copied().unwrap_or_default()
    }

    /// Checks that `from` can send `amount` of `token`, without moving anything.
    pub fn check_transfer(
        &self,
        token: Address,
        from: Address,
        amount: U256,
    ) -> Result<(), LedgerError> {
        let info = self.token(token)?;
        let available = self.balance_of(token, from);
        if available < amount {
            return Err(LedgerError::InsufficientBalance {
                account: from,
                symbol: info.symbol.clone(),
                needed: amount,
                available,
            });
        }
        Ok(())
    }

    /// Moves `amount` of `token` from `from` to `to`; a rejected transfer changes nothing.
    pub fn transfer(
        &mut self,
        token: Address,
        from: Address,
        to: Address,
        amount: U256,
    ) -> Result<(), LedgerError> {
        if amount.is_zero() || from == to {
            return self.check_transfer(token, from, amount);
        }
        let sender = self.balances.get_mut(&(token, from));
        let Some(balance) = sender.filter(|balance| **balance >= amount) else {
            // The token is unknown or the balance is short: `check_transfer` says which.
            self.check_transfer(token, from, amount)?;
            unreachable!("a short balance fails check_transfer");
        };
        // Cannot fail: the sender's balance is at least `amount`, and the receiver's balance plus
        // `amount` is at most the total supply, which fits in 256 bits.
        *balance = math::sub(*balance, amount).expect("checked above");
        if balance.is_zero() {
            self.balances.remove(&(token, from));
        }
        let receiver = self.balances.entry((token, to)).or_default();
        *receiver = math::add(*receiver, amount).expect("bounded by supply");
        Ok(())
    }

    /// Creates `amount` of `token` in `to`'s balance.
    pub fn mint(&mut self, token: Address, to: Address, amount: U256) -> Result<(), LedgerError> {
        let info = self.tokens.get_mut(&token).ok_or(LedgerError::UnknownToken(token))?;
        let supply = math::add(info.total_supply, amount)
            .map_err(|_| LedgerError::SupplyOverflow(info.symbol.clone()))?;
        info.total_supply = supply;
        let balance = math::add(self.balance_of(token, to), amount).expect("bounded by supply");
        self.set_balance(token, to, balance);
        Ok(())
    }

    /// Destroys `amount` of `token` from `from`'s balance.
    pub fn burn(&mut self, token: Address, from: Address, amount: U256) -> Result<(), LedgerError> {
        self.check_transfer(token, from, amount)?;
        let balance = math::sub(self.balance_of(token, from), amount).expect("checked above");
        self.set_balance(token, from, balance);
        let info = self.tokens.get_mut(&token).expect("checked above");
        info.total_supply = math::sub(info.total_supply, amount).expect("supply >= balance");
        Ok(())
    }

    /// Puts a balance back as it was before a failed multi-step call. Only for rollbacks of
    /// transfers among holders whose every balance is restored, so supplies stay exact.
    pub(crate) fn restore_balance(&mut self, token: Address, account: Address, amount: U256) {
        self.set_balance(token, account, amount);
    }

    fn set_balance(&mut self, token: Address, account: Address, amount: U256) {
        // Zero balances are removed so that a world's size tracks live positions only.
        if amount.is_zero() {
            self.balances.remove(&(token, account));
        } else {
            self.balances.insert((token, account), amount);
        }
    }

    /// Number of non-zero balances (a size measure for benchmarks).
    pub fn balance_count(&self) -> usize {
        self.balances.len()
    }

    /// Asserts conservation: for every token, the balances add up to the total supply.
    pub fn check_invariants(&self) -> Result<(), String> {
        let mut sums: BTreeMap<Address, U256> = BTreeMap::new();
        for ((token, _), amount) in &self.balances {
            if !self.tokens.contains_key(token) {
                return Err(format!("a balance exists in unregistered token {token}"));
            }
            let sum = sums.entry(*token).or_default();
            *sum = math::add(*sum, *amount).map_err(|e| format!("balances of {token}: {e}"))?;
        }
        for (token, info) in &self.tokens {
            let sum = sums.get(token).copied().unwrap_or_default();
            if sum != info.total_supply {
                return Err(format!(
                    "{}: balances add up to {sum} but the total supply is {}",
                    info.symbol, info.total_supply
                ));
            }
        }
        Ok(())
    }

    /// Whether `token` is native ETH.
    pub fn is_native_eth(token: Address) -> bool {
        token == NATIVE_ETH
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::named_address;

    #[test]
    fn transfers_conserve_supply_and_rejections_change_nothing() {
        let mut ledger = Ledger::with_default_tokens();
        let steth = token_address("stETH");
        let (alice, bob) = (named_address("alice"), named_address("bob"));
        ledger.mint(steth, alice, U256::from(100)).unwrap();
        ledger.transfer(steth, alice, bob, U256::from(30)).unwrap();
        assert_eq!(ledger.balance_of(steth, alice), U256::from(70));
        assert_eq!(ledger.balance_of(steth, bob), U256::from(30));
        let before = ledger.clone();
        let err = ledger.transfer(steth, alice, bob, U256::from(71)).unwrap_err();
        assert!(matches!(err, LedgerError::InsufficientBalance { .. }));
        assert_eq!(ledger, before);
        ledger.burn(steth, bob, U256::from(30)).unwrap();
        assert_eq!(ledger.token(steth).unwrap().total_supply, U256::from(70));
        ledger.check_invariants().unwrap();
    }

    #[test]
    fn tokens_register_once_with_valid_symbols() {
        let mut ledger = Ledger::with_default_tokens();
        assert!(ledger.register_token("ezETH", 18).is_ok());
        assert!(matches!(
            ledger.register_token("ezeth", 18),
            Err(LedgerError::TokenAlreadyRegistered(_))
        ));
        assert!(matches!(ledger.register_token("", 18), Err(LedgerError::InvalidSymbol(_))));
        assert!(matches!(ledger.register_token("a b", 18), Err(LedgerError::InvalidSymbol(_))));
        let unknown = token_address("NOPE");
        assert_eq!(
            ledger.mint(unknown, named_address("a"), U256::from(1)),
            Err(LedgerError::UnknownToken(unknown))
        );
    }

    #[test]
    fn mint_reports_supply_overflow() {
        let mut ledger = Ledger::with_default_tokens();
        let eth = NATIVE_ETH;
        ledger.mint(eth, named_address("a"), U256::MAX).unwrap();
        assert!(matches!(
            ledger.mint(eth, named_address("b"), U256::from(1)),
            Err(LedgerError::SupplyOverflow(_))
        ));
    }
}
