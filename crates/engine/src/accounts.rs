//! Addresses of named accounts, tokens and strategies.
//!
//! A scenario says `"alice"`, not `0x328809bc…`. Named accounts get the address Foundry's
//! `makeAddr(name)` gives them: the private key is `keccak256(name)` and the address is the one
//! that key controls. So a named account can also sign (delegation approvals, node calls), and an
//! AVS team sees the same addresses in Rampart as in its Foundry tests.
//!
//! Tokens and strategies are named by symbol. Their addresses are derived from the symbol with a
//! domain-separated hash, so they never collide with an account's and need no registry to resolve.

use std::{cell::RefCell, collections::BTreeMap};

use alloy_primitives::{Address, B256, address, keccak256};
use k256::ecdsa::SigningKey;

/// The sentinel token address of native ETH (the convention of 1inch, Lido and EigenLayer tooling).
pub const NATIVE_ETH: Address = address!("0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE");

/// EigenLayer's virtual beacon-chain ETH strategy (`beaconChainETHStrategy`).
pub const BEACON_CHAIN_ETH_STRATEGY: Address =
    address!("0xbeaC0eeEeeeeEEeEeEEEEeeEEeEeeeEeeEEBEaC0");

/// Where EigenLayer sends slashed funds of sets without a redistribution recipient.
pub const DEFAULT_BURN_ADDRESS: Address = address!("0x00000000000000000000000000000000000E16E4");

/// The name by which scenarios refer to [`BEACON_CHAIN_ETH_STRATEGY`].
pub const BEACON_CHAIN_ETH_STRATEGY_NAME: &str = "beaconChainETH";

/// The account that owns the world: it mints in scenarios and dev nodes and whitelists strategies.
pub const ADMIN_NAME: &str = "admin";

thread_local! {
    // Deriving a key costs a scalar multiplication; scenarios resolve the same names many times.
    // A memo of a pure function cannot change any result, so this cache is no hidden state.
    static NAMED: RefCell<BTreeMap<String, Address>> = const { RefCell::new(BTreeMap::new()) };
}

/// The private key of a named account: `keccak256(name)`, as Foundry's `makeAddrAndKey`.
pub fn named_signing_key(name: &str) -> SigningKey {
    let secret = keccak256(name.as_bytes());
    // keccak256 output is a valid secp256k1 scalar except with probability ~2^-128.
    SigningKey::from_bytes(&secret.0.into()).expect("keccak256(name) is a valid secp256k1 key")
}

/// The address of a named account (Foundry's `makeAddr(name)`).
pub fn named_address(name: &str) -> Address {
    if let Some(found) = NAMED.with(|cache| cache.borrow().get(name).copied()) {
        return found;
    }
    let derived = Address::from_private_key(&named_signing_key(name));
    NAMED.with(|cache| cache.borrow_mut().insert(name.to_owned(), derived));
    derived
}

/// The address of the token with this symbol (`ETH` is [`NATIVE_ETH`]).
pub fn token_address(symbol: &str) -> Address {
    if symbol.eq_ignore_ascii_case("ETH") {
        return NATIVE_ETH;
    }
    derived_address("rampart.token", symbol)
}

/// The address of the EigenLayer strategy whose underlying token has this symbol.
pub fn strategy_address(symbol: &str) -> Address {
    if symbol == BEACON_CHAIN_ETH_STRATEGY_NAME {
        return BEACON_CHAIN_ETH_STRATEGY;
    }
    derived_address("rampart.eigenlayer.strategy", symbol)
}

/// A contract address derived from a kind and a name, for contracts that have many instances.
pub fn derived_address(kind: &str, name: &str) -> Address {
    let mut preimage = Vec::with_capacity(kind.len() + 1 + name.len());
    preimage.extend_from_slice(kind.as_bytes());
    preimage.push(b':');
    preimage.extend_from_slice(name.as_bytes());
    Address::from_word(keccak256(&preimage))
}

/// Parses `0x`-prefixed hex into an address, if the text is one.
pub fn parse_hex_address(text: &str) -> Option<Address> {
    if text.len() == 42 && (text.starts_with("0x") || text.starts_with("0X")) {
        text.parse().ok()
    } else {
        None
    }
}

/// Parses `0x`-prefixed 32-byte hex, if the text is one.
pub fn parse_hex_word(text: &str) -> Option<B256> {
    if text.len() == 66 && text.starts_with("0x") { text.parse().ok() } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_addresses_match_foundry_make_addr() {
        // forge: makeAddr("alice") == 0x328809Bc894f92807417D2dAD6b7C998c1aFdac6
        assert_eq!(named_address("alice"), address!("0x328809Bc894f92807417D2dAD6b7C998c1aFdac6"));
        // Memoized lookups give the same answer.
        assert_eq!(named_address("alice"), named_address("alice"));
        assert_ne!(named_address("alice"), named_address("bob"));
    }

    #[test]
    fn token_and_strategy_addresses_are_distinct_and_stable() {
        assert_eq!(token_address("ETH"), NATIVE_ETH);
        assert_eq!(strategy_address("beaconChainETH"), BEACON_CHAIN_ETH_STRATEGY);
        assert_ne!(token_address("stETH"), strategy_address("stETH"));
        assert_eq!(token_address("stETH"), token_address("stETH"));
    }

    #[test]
    fn hex_parsing_accepts_only_full_addresses() {
        assert_eq!(
            parse_hex_address("0x00000000000000000000000000000000000E16E4"),
            Some(DEFAULT_BURN_ADDRESS)
        );
        assert_eq!(parse_hex_address("alice"), None);
        assert_eq!(parse_hex_address("0x1234"), None);
    }
}
