//! Where a scenario runs: an in-memory [`World`], or (from the node crate) a running node.
//!
//! The runner speaks to a backend in the scenario format's own terms — `protocol.function`
//! names and JSON arguments, events as JSON — so the same file runs the same way against
//! either, and its expectations compare the same values.

use rampart_engine::{Action, Address, B256, Call, View, World};
use serde_json::{Value, json};

/// A call or view the backend refused, with the contract error name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reverted {
    /// The error name (`InsufficientMagnitude`), or for malformed input `BadCall`.
    pub name: String,
    /// What it means.
    pub message: String,
}

/// Something a scenario can run against.
pub trait Backend {
    /// Applies `name(args)` sent by `sender` (whose scenario name is `sender_name`); returns
    /// the events as JSON.
    fn apply(
        &mut self,
        sender_name: &str,
        sender: Address,
        name: &str,
        args: Value,
    ) -> Result<Vec<Value>, Reverted>;
    /// Reads a view.
    fn view(&mut self, name: &str, args: Value) -> Result<Value, Reverted>;
    /// Moves the clock to `block`; returns the events time produced (the beacon chain's).
    fn set_block(&mut self, block: u64) -> Result<Vec<Value>, String>;
    /// Moves the clock forward; returns the events time produced.
    fn advance_blocks(&mut self, blocks: u64) -> Result<Vec<Value>, String>;
    /// Sets the timestamp, leaving the block (Foundry's `vm.warp`).
    fn warp(&mut self, timestamp: u64) -> Result<Vec<Value>, String>;
    /// Sets the block number, leaving the timestamp (Foundry's `vm.roll`).
    fn roll(&mut self, block: u64) -> Result<Vec<Value>, String>;
    /// The current block.
    fn block(&mut self) -> u64;
    /// The current block's timestamp.
    fn timestamp(&mut self) -> u64;
    /// Checks every invariant, where the backend can (an in-memory world can).
    fn check_invariants(&mut self) -> Result<(), String>;
    /// A commitment to the whole state, where the backend has one.
    fn state_hash(&mut self) -> Option<B256>;
}

/// A scenario's own in-memory world.
#[derive(Debug, Clone)]
pub struct LocalBackend {
    /// The world.
    pub world: World,
}

fn bad_call(error: &dyn std::fmt::Display) -> Reverted {
    Reverted { name: "BadCall".into(), message: error.to_string() }
}

impl Backend for LocalBackend {
    fn apply(
        &mut self,
        _sender_name: &str,
        sender: Address,
        name: &str,
        args: Value,
    ) -> Result<Vec<Value>, Reverted> {
        let action = Action::parse(name, args).map_err(|e| bad_call(&e))?;
        let events = self
            .world
            .apply(&Call { sender, action })
            .map_err(|r| Reverted { name: r.name().to_owned(), message: r.to_string() })?;
        Ok(events.iter().map(|e| json!(e)).collect())
    }

    fn view(&mut self, name: &str, args: Value) -> Result<Value, Reverted> {
        let view = View::parse(name, args).map_err(|e| bad_call(&e))?;
        self.world
            .view(&view)
            .map_err(|r| Reverted { name: r.name().to_owned(), message: r.to_string() })
    }

    fn set_block(&mut self, block: u64) -> Result<Vec<Value>, String> {
        let events = self.world.set_block(block).map_err(|e| e.to_string())?;
        Ok(events.iter().map(|e| json!(e)).collect())
    }

    fn advance_blocks(&mut self, blocks: u64) -> Result<Vec<Value>, String> {
        let events = self.world.advance_blocks(blocks).map_err(|e| e.to_string())?;
        Ok(events.iter().map(|e| json!(e)).collect())
    }

    fn warp(&mut self, timestamp: u64) -> Result<Vec<Value>, String> {
        let events = self.world.warp(timestamp).map_err(|e| e.to_string())?;
        Ok(events.iter().map(|e| json!(e)).collect())
    }

    fn roll(&mut self, block: u64) -> Result<Vec<Value>, String> {
        let events = self.world.roll(block).map_err(|e| e.to_string())?;
        Ok(events.iter().map(|e| json!(e)).collect())
    }

    fn block(&mut self) -> u64 {
        self.world.clock.block
    }

    fn timestamp(&mut self) -> u64 {
        self.world.clock.timestamp()
    }

    fn check_invariants(&mut self) -> Result<(), String> {
        self.world.check_invariants()
    }

    fn state_hash(&mut self) -> Option<B256> {
        Some(self.world.state_hash())
    }
}
