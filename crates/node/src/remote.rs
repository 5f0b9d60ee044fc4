//! Running a scenario against a node (`rampart run FILE --node URL`).
//!
//! Calls are signed with the named senders' keys (a name's key is `keccak256(name)`), clock
//! steps become the admin's `node.advance_blocks`, and views go to `/v1/views`, so a scenario
//! checks a running node exactly as it checks an in-memory world. Clock steps need the node's
//! admin key to be the dev admin's, and exact block placement needs `--block-time 0`.
//!
//! A scenario describes a world from its genesis, so it runs on the node's state as it finds
//! it and says what it assumes: [`RemoteBackend::check_fits`] refuses before the first step
//! when the node's EigenLayer parameters differ from the scenario's or its clock is already
//! past the scenario's first block, and notes when the node holds earlier entries (dev
//! funding, other runs) that the scenario's expectations do not know about.

use std::collections::BTreeMap;

use alloy_primitives::{Address, B256};
use rampart_engine::accounts::{ADMIN_NAME, named_signing_key, parse_hex_address};
use rampart_scenario::{Backend, Reverted, Scenario, StepKind};
use serde_json::{Value, json};

use crate::client::{Client, ClientError};

/// A node as a scenario backend.
#[derive(Debug)]
pub struct RemoteBackend {
    client: Client,
    chain_id: u64,
    nonces: BTreeMap<Address, u64>,
}

impl RemoteBackend {
    /// Connects to the node at `url`.
    pub fn connect(url: &str) -> Result<Self, ClientError> {
        let client = Client::new(url);
        let chain_id = client.health()?.chain_id;
        Ok(Self { client, chain_id, nonces: BTreeMap::new() })
    }

    /// Whether `scenario` can run on the node as it is: `Err` says why not, before anything
    /// is sent; `Ok(Some(note))` says what the run assumes of the node's earlier state.
    pub fn check_fits(&mut self, scenario: &Scenario) -> Result<Option<String>, String> {
        let health = self.client.health().map_err(|e| e.to_string())?;
        let wanted = scenario.params.min_withdrawal_delay_blocks;
        let has = self
            .client
            .view("eigenlayer.min_withdrawal_delay_blocks", json!({}))
            .map_err(|e| e.to_string())?
            .value
            .as_u64()
            .ok_or("the node's min_withdrawal_delay_blocks is not a number")?;
        if has != wanted {
            let name = |blocks| match blocks {
                50 => "testnet",
                100_800 => "mainnet",
                _ => "custom",
            };
            return Err(format!(
                "the scenario needs {} EigenLayer parameters ({wanted}-block withdrawal delay) but \
                 the node runs {} ones ({has} blocks): start a node with `--params {}`",
                name(wanted),
                name(has),
                name(wanted),
            ));
        }
        let first_block = scenario.steps.iter().find_map(|step| match step.kind {
            StepKind::AtBlock(block) => Some(block),
            _ => None,
        });
        if let Some(block) = first_block
            && block < health.block
        {
            return Err(format!(
                "the scenario places its steps from block {block} on, but the node is already at \
                 block {}: run it on a fresh node (a new `--data-dir`)",
                health.block
            ));
        }
        Ok((health.entries > 0).then(|| {
            format!(
                "the node already holds {} log entries (dev funding or earlier calls); the \
                 scenario's expectations assume the world it builds from genesis, so balances \
                 and counts it checks may differ. A node started without --dev (and with a new \
                 --data-dir) is empty.",
                health.entries
            )
        }))
    }

    fn submit(
        &mut self,
        sender_name: &str,
        call: &str,
        args: Value,
    ) -> Result<Vec<Value>, Reverted> {
        if parse_hex_address(sender_name).is_some() {
            return Err(Reverted {
                name: "BadCall".into(),
                message: "a scenario run against a node signs with named accounts' keys; use a name, not an address, in `from`".into(),
            });
        }
        let key = named_signing_key(sender_name);
        let sender = Address::from_private_key(&key);
        let nonce = match self.nonces.get(&sender) {
            Some(nonce) => *nonce,
            None => self.client.nonce(sender).map_err(reverted)?,
        };
        match self.client.submit(&key, self.chain_id, Some(nonce), call, args) {
            Ok(receipt) => {
                self.nonces.insert(sender, nonce + 1);
                // A long clock move's receipt carries only its first events: fetch the rest.
                self.client.all_events(&receipt).map_err(reverted)
            }
            Err(error) => {
                // Someone else may have used the account: ask again next time.
                self.nonces.remove(&sender);
                Err(reverted(error))
            }
        }
    }
}

fn reverted(error: ClientError) -> Reverted {
    match error {
        ClientError::Api { code, revert, message, .. } => {
            let name = match (code.as_str(), revert) {
                (_, Some(revert)) => revert,
                ("UnknownCall" | "BadArguments" | "MalformedPayload", None) => "BadCall".into(),
                (_, None) => code,
            };
            Reverted { name, message }
        }
        ClientError::Transport(message) => Reverted { name: "Transport".into(), message },
    }
}

impl Backend for RemoteBackend {
    fn apply(
        &mut self,
        sender_name: &str,
        _sender: Address,
        name: &str,
        args: Value,
    ) -> Result<Vec<Value>, Reverted> {
        self.submit(sender_name, name, args)
    }

    fn view(&mut self, name: &str, args: Value) -> Result<Value, Reverted> {
        self.client.view(name, args).map(|response| response.value).map_err(reverted)
    }

    fn set_block(&mut self, block: u64) -> Result<Vec<Value>, String> {
        let current = self.client.health().map_err(|e| e.to_string())?.block;
        if block < current {
            return Err(format!(
                "cannot move the clock back from block {current} to block {block}"
            ));
        }
        if block == current { Ok(Vec::new()) } else { self.advance_blocks(block - current) }
    }

    fn advance_blocks(&mut self, blocks: u64) -> Result<Vec<Value>, String> {
        self.submit(ADMIN_NAME, "node.advance_blocks", json!({ "blocks": blocks }))
            .map_err(|e| format!("{}: {}", e.name, e.message))
    }

    fn warp(&mut self, timestamp: u64) -> Result<Vec<Value>, String> {
        self.submit(ADMIN_NAME, "node.warp", json!({ "timestamp": timestamp }))
            .map_err(|e| format!("{}: {}", e.name, e.message))
    }

    fn roll(&mut self, block: u64) -> Result<Vec<Value>, String> {
        self.submit(ADMIN_NAME, "node.roll", json!({ "block": block }))
            .map_err(|e| format!("{}: {}", e.name, e.message))
    }

    fn block(&mut self) -> u64 {
        self.client.health().map_or(0, |h| h.block)
    }

    fn timestamp(&mut self) -> u64 {
        self.client.health().map_or(0, |h| h.timestamp)
    }

    fn check_invariants(&mut self) -> Result<(), String> {
        // The node checks its own state; a client sees only views.
        Ok(())
    }

    fn state_hash(&mut self) -> Option<B256> {
        self.client.health().ok().and_then(|h| h.state_hash.parse().ok())
    }
}
