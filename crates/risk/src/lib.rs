//! Rampart's risk engine: how secure is a restaking network, and what can a shock cost?
//!
//! A [`graph::Network`] holds services (profit from corruption π, attack threshold α),
//! operators (stake σ) and what each service can slash from each operator. On it:
//! certificates of security with slack γ ([`certificates`]: EigenLayer's condition, the LP
//! certificate), the exact attack search ([`attack`]: max-flow, integer program, brute force),
//! cascades after shocks ([`cascade`]), concentration and cost of corruption ([`metrics`]),
//! and the report ([`report`]). Every figure is exact (integers and rationals) except the
//! integer program and the LP, whose answers are re-checked exactly.

pub mod attack;
pub mod cascade;
pub mod certificates;
pub mod elastic;
pub mod file;
pub mod flow;
pub mod generate;
pub mod graph;
pub mod lookthrough;
pub mod metrics;
pub mod number;
pub mod report;
pub mod world;
