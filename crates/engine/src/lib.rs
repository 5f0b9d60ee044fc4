//! Rampart's engine: the deterministic world in which the restaking ecosystem lives.
//!
//! ```text
//!  Call {sender, protocol.function, args} ──► World::apply ──► Ok(events) | Err(Rejection)
//!                                               │  pure, atomic, deterministic
//!                     ┌─────────────────────────┼─────────────────────┐
//!                 clock (blocks)          ledger (tokens)       eigenlayer (…more modules)
//! ```
//!
//! Rules every module follows:
//! - no I/O, clock, randomness or floats, and no hash-map iteration in a state transition;
//!   time is an input ([`clock::Clock`]);
//! - money is `U256` with the protocol's rounding at every division ([`math`]); arithmetic is
//!   checked and an overflow is an error;
//! - a rejected call changes nothing and names what failed with the contract's error name;
//! - each module states its invariants, which tests check after every call.

#![deny(clippy::float_arithmetic)]

pub mod accounts;
pub mod babylon;
pub mod beacon;
pub mod checkpoints;
pub mod clock;
pub mod eigenlayer;
pub mod enumerable;
pub mod exposure;
pub mod jito;
pub mod karak;
pub mod ledger;
pub mod lido;
pub mod lrt;
pub mod math;
pub mod serde_ext;
pub mod symbiotic;
pub mod workload;
pub mod world;

pub use alloy_primitives::{Address, B256, U256};
pub use world::{Action, Call, Event, ParseError, Rejection, View, World};
