//! `rampart node`: a durable local restaking network.
//!
//! AVS and LRT teams run it the way EVM developers run a local chain: one command, no server to
//! install. Calls are signed with secp256k1 keys and authenticated like transactions
//! ([`auth`]); a single writer applies them to the world in order and appends each batch to the
//! redb log before acknowledging it ([`server`]); on start the node rebuilds its state from the
//! newest snapshot and the log, and checks it against a replay from genesis ([`chain`]).

pub mod auth;
pub mod chain;
pub mod client;
pub mod dashboard;
pub mod remote;
pub mod server;
mod simulations;

pub use chain::{DEV_ACCOUNTS, Genesis, LogEntry, LoggedEvent, NodeCall, NodeState, Summary};
pub use client::{Client, ClientError};
pub use server::{
    NodeConfig, NodeError, NodeHandle, Recovery, STATE_FORMAT, ServerLimits, openapi,
    serve_until_interrupted, start,
};
