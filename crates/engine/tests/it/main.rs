//! Integration tests of the engine, compiled as one binary (reth's layout).

mod babylon;
mod beacon;
mod eigenpods;
mod exposure;
mod fidelity;
mod jito;
mod lido;
mod lrt;
mod model;
mod rewards;
mod state_machine;
mod support;
mod symbiotic_karak;
