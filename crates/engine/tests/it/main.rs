//! Integration tests of the engine, compiled as one binary (reth's layout).

mod model;
mod state_machine;
