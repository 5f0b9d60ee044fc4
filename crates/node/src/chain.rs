//! The node's replicated state machine: the world, per-account nonces, and the log entries that
//! move it. Pure: no I/O, no clock; the writer feeds it and the store persists what it returns.

use std::collections::BTreeMap;

use alloy_primitives::{Address, B256, U256};
use rampart_engine::{
    Action, Call, Event, ParseError, World,
    accounts::{ADMIN_NAME, named_address, token_address},
    beacon::BeaconEvent,
    eigenlayer::Params,
    serde_ext,
    world::{ParseErrorKind, Rejection, TokenCall},
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A call the node accepts: a world call, or a clock move (admin only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeCall {
    /// A call to a protocol of the world.
    World(Action),
    /// `node.advance_blocks`: move the clock forward.
    AdvanceBlocks(u64),
    /// `node.warp`: set the timestamp, leaving the block (Foundry's `vm.warp`).
    Warp(u64),
    /// `node.roll`: set the block number, leaving the timestamp (Foundry's `vm.roll`).
    Roll(u64),
}

/// Reads the one integer argument of a `node.*` clock call.
fn clock_arg(name: &str, field: &str, args: Value) -> Result<u64, String> {
    let Value::Object(mut map) = args else {
        return Err(format!("{name} takes {{ \"{field}\": N }}"));
    };
    let value = map.remove(field).ok_or_else(|| format!("{name}: missing field `{field}`"))?;
    if let Some(unknown) = map.keys().next() {
        return Err(format!("{name}: unknown field `{unknown}`, expected `{field}`"));
    }
    #[derive(Deserialize)]
    #[serde(transparent)]
    struct Int(#[serde(with = "serde_ext::int")] u64);
    serde_json::from_value::<Int>(value).map(|n| n.0).map_err(|e| format!("{name}: {e}"))
}

impl NodeCall {
    /// Reads `protocol.function` and its arguments; `node.advance_blocks` takes `{ blocks }`.
    pub fn parse(name: &str, args: Value) -> Result<Self, ParseError> {
        let clock = match name {
            "node.advance_blocks" => clock_arg(name, "blocks", args).map(Self::AdvanceBlocks),
            "node.warp" => clock_arg(name, "timestamp", args).map(Self::Warp),
            "node.roll" => clock_arg(name, "block", args).map(Self::Roll),
            _ => return Action::parse(name, args).map(Self::World),
        };
        clock.map_err(|message| ParseError { kind: ParseErrorKind::BadArguments, message })
    }

    /// `protocol.function`.
    pub fn name(&self) -> String {
        match self {
            Self::World(action) => action.name(),
            Self::AdvanceBlocks(_) => "node.advance_blocks".into(),
            Self::Warp(_) => "node.warp".into(),
            Self::Roll(_) => "node.roll".into(),
        }
    }

    /// The arguments as JSON.
    pub fn args(&self) -> Value {
        match self {
            Self::World(action) => action.args(),
            Self::AdvanceBlocks(blocks) => serde_json::json!({ "blocks": blocks }),
            Self::Warp(timestamp) => serde_json::json!({ "timestamp": timestamp }),
            Self::Roll(block) => serde_json::json!({ "block": block }),
        }
    }

    /// `node.warp` and `node.roll` set the clock themselves: no wall-clock time passes before
    /// them, so a replay reaches the same state from the entry alone.
    fn sets_the_clock(&self) -> bool {
        matches!(self, Self::Warp(_) | Self::Roll(_))
    }
}

impl Serialize for NodeCall {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serde_json::json!({ "call": self.name(), "args": self.args() }).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for NodeCall {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            call: String,
            #[serde(default)]
            args: Value,
        }
        let raw = Raw::deserialize(deserializer)?;
        Self::parse(&raw.call, raw.args).map_err(serde::de::Error::custom)
    }
}

/// One accepted call, as the log keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// Position in the log, from 0.
    pub seq: u64,
    /// The block the call ran in.
    pub block: u64,
    /// Who sent it (recovered from its signature).
    #[serde(with = "serde_ext::account")]
    pub sender: Address,
    /// The sender's nonce it used; `None` for genesis entries.
    pub nonce: Option<u64>,
    /// What was called.
    #[serde(flatten)]
    pub call: NodeCall,
    /// What it emitted, with repetitive time-driven events summarised ([`summarise`]).
    pub events: Vec<LoggedEvent>,
}

/// One event as a log entry keeps it: the engine's event, or a summary of many alike.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum LoggedEvent {
    /// Many repetitive events in one entry, summed up.
    Summary(Summary),
    /// An event as the engine emitted it.
    Engine(Event),
}

/// A bounded stand-in for repetitive events (see [`summarise`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event")]
pub enum Summary {
    /// A validator's partial withdrawals (the sweep paying out its balance above the maximum
    /// effective balance) within one log entry: how many, their total, and their slots.
    PartialWithdrawals {
        /// The validator.
        validator_index: u64,
        /// Where they were paid.
        #[serde(with = "serde_ext::account")]
        address: Address,
        /// How many `Withdrawal`s (each with `full: false`) this stands for.
        withdrawals: u64,
        /// Their total.
        amount_gwei: u64,
        /// The slot of the first.
        first_slot: u64,
        /// The slot of the last.
        last_slot: u64,
    },
}

/// Bounds what time-driven processing adds to one entry. Over a long clock move the beacon
/// chain's sweep pays every validator's excess balance once per epoch or so: 100,800 blocks
/// with a few dozen validators are ~100,000 `Withdrawal` events, a 100 MB entry. A validator
/// paid by more than one partial withdrawal in an entry gets one [`Summary::PartialWithdrawals`]
/// in place of its first, and its others are dropped; full withdrawals and a lone partial one
/// stay as they are. Only the record changes: the state is what the engine made it.
///
/// Idempotent (summaries pass through), so it also brings entries logged before it existed
/// to the form a replay produces.
pub fn summarise(events: Vec<LoggedEvent>) -> Vec<LoggedEvent> {
    let partial = |event: &LoggedEvent| match event {
        LoggedEvent::Engine(Event::Beacon(BeaconEvent::Withdrawal {
            validator_index,
            address,
            amount_gwei,
            full: false,
            slot,
        })) => Some((*validator_index, *address, *amount_gwei, *slot)),
        _ => None,
    };
    let mut counts: BTreeMap<(u64, Address), u64> = BTreeMap::new();
    for (validator, address, ..) in events.iter().filter_map(partial) {
        *counts.entry((validator, address)).or_default() += 1;
    }
    if counts.values().all(|count| *count < 2) {
        return events;
    }
    // Where each summarised validator's summary sits in the output.
    let mut placed: BTreeMap<(u64, Address), usize> = BTreeMap::new();
    let mut kept = Vec::with_capacity(events.len());
    for event in events {
        let Some((validator, address, amount, slot)) = partial(&event) else {
            kept.push(event);
            continue;
        };
        let key = (validator, address);
        if counts[&key] < 2 {
            kept.push(event);
            continue;
        }
        match placed.get(&key) {
            None => {
                placed.insert(key, kept.len());
                kept.push(LoggedEvent::Summary(Summary::PartialWithdrawals {
                    validator_index: validator,
                    address,
                    withdrawals: 1,
                    amount_gwei: amount,
                    first_slot: slot,
                    last_slot: slot,
                }));
            }
            Some(&at) => {
                let LoggedEvent::Summary(Summary::PartialWithdrawals {
                    withdrawals,
                    amount_gwei,
                    last_slot,
                    ..
                }) = &mut kept[at]
                else {
                    unreachable!("a placed summary stays a summary")
                };
                *withdrawals += 1;
                *amount_gwei = amount_gwei.saturating_add(amount);
                *last_slot = slot;
            }
        }
    }
    kept
}

/// How a node's world begins: parameters, chain id, and the accounts funded at genesis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Genesis {
    /// Who mints, registers tokens, moves the clock and acts as Babylon's governance.
    #[serde(with = "serde_ext::account")]
    pub admin: Address,
    /// EigenLayer's parameter set.
    pub params: Params,
    /// The chain id signatures commit to.
    pub chain_id: u64,
    /// Accounts funded at genesis with `amount` of every default token.
    pub funded: Vec<FundedAccount>,
    /// Seconds per block of wall-clock time (0: the clock moves only by `node.advance_blocks`).
    pub block_time_seconds: u64,
}

/// A named dev account funded at genesis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundedAccount {
    /// Its name (its key is `keccak256(name)`).
    pub name: String,
    /// Its address.
    #[serde(with = "serde_ext::account")]
    pub address: Address,
    /// What it holds of each default token.
    #[serde(with = "serde_ext::amount")]
    pub amount: U256,
}

/// The documented dev accounts of `rampart node --dev`.
pub const DEV_ACCOUNTS: [&str; 8] =
    ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"];

/// The tokens genesis funds accounts with.
pub const GENESIS_TOKENS: [&str; 5] = ["ETH", "stETH", "rETH", "cbETH", "EIGEN"];

impl Genesis {
    /// A development genesis: the dev accounts hold 10,000 of every default token.
    pub fn dev(params: Params, chain_id: u64, block_time_seconds: u64) -> Self {
        let amount = U256::from(10_000u64) * U256::from(10u64).pow(U256::from(18u64));
        let funded = DEV_ACCOUNTS
            .iter()
            .map(|name| FundedAccount {
                name: (*name).to_owned(),
                address: named_address(name),
                amount,
            })
            .collect();
        Self { admin: named_address(ADMIN_NAME), params, chain_id, funded, block_time_seconds }
    }

    /// A genesis with no funded accounts and the given admin.
    pub fn empty(admin: Address, params: Params, chain_id: u64, block_time_seconds: u64) -> Self {
        Self { admin, params, chain_id, funded: Vec::new(), block_time_seconds }
    }

    /// The genesis calls: the admin mints each funded account's tokens.
    pub fn calls(&self) -> Vec<NodeCall> {
        let mut calls = Vec::new();
        for account in &self.funded {
            for symbol in GENESIS_TOKENS {
                let mint = TokenCall::Mint {
                    to: account.address,
                    token: token_address(symbol),
                    amount: account.amount,
                };
                calls.push(NodeCall::World(Action::Token(mint)));
            }
        }
        calls
    }
}

/// Why the state machine refused a call (nothing changed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// The nonce is not the sender's next one.
    #[error("nonce {got} is not {sender}'s next nonce {expected}")]
    BadNonce {
        /// The sender.
        sender: Address,
        /// The nonce expected.
        expected: u64,
        /// The nonce given.
        got: u64,
    },
    /// Only the admin may move the clock.
    #[error("only the admin may call {0}")]
    OnlyAdmin(String),
    /// The world rejected the call.
    #[error("{name}: {message}")]
    Rejected {
        /// The contract error name.
        name: &'static str,
        /// What it means.
        message: String,
    },
    /// The clock cannot move there.
    #[error("{0}")]
    Clock(String),
}

/// The world plus what the node adds: nonces and the log position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeState {
    /// The world.
    pub world: World,
    /// Next nonce per account.
    pub nonces: BTreeMap<Address, u64>,
    /// The next log sequence number.
    pub next_seq: u64,
}

impl NodeState {
    /// The state before genesis.
    pub fn new(genesis: &Genesis) -> Self {
        let mut world = World::new(genesis.params);
        world.admin = genesis.admin;
        Self { world, nonces: BTreeMap::new(), next_seq: 0 }
    }

    /// The sender's next nonce.
    pub fn nonce(&self, sender: Address) -> u64 {
        self.nonces.get(&sender).copied().unwrap_or(0)
    }

    /// Applies a call at `block` (the clock first moves there if behind). On error nothing
    /// changed; on success the returned entry is what the log must keep.
    pub fn apply(
        &mut self,
        block: u64,
        sender: Address,
        nonce: Option<u64>,
        call: &NodeCall,
    ) -> Result<LogEntry, ChainError> {
        if let Some(got) = nonce {
            let expected = self.nonce(sender);
            if got != expected {
                return Err(ChainError::BadNonce { sender, expected, got });
            }
        }
        let block = if call.sets_the_clock() {
            self.world.clock.block
        } else {
            block.max(self.world.clock.block)
        };
        // Time passes before the call, and a rejected call undoes it too. Without validators
        // the beacon chain is idle and only the clock moves; with them, epochs and the sweep
        // change balances, so the world is kept whole (cheap on a local network's scale).
        let undo = if self.world.is_idle_in_time() {
            Undo::Clock(self.world.clock)
        } else {
            Undo::World(Box::new(self.world.clone()))
        };
        let outcome =
            self.world.set_block(block).map_err(|e| ChainError::Clock(e.to_string())).and_then(
                |mut events| {
                    events.extend(self.apply_call(sender, call)?);
                    Ok(events)
                },
            );
        let events = match outcome {
            Ok(events) => events,
            Err(error) => {
                // A rejected call changes nothing, not even the clock.
                match undo {
                    Undo::Clock(clock) => self.world.clock = clock,
                    Undo::World(world) => self.world = *world,
                }
                return Err(error);
            }
        };
        if nonce.is_some() {
            *self.nonces.entry(sender).or_default() += 1;
        }
        let entry = LogEntry {
            seq: self.next_seq,
            block: self.world.clock.block,
            sender,
            nonce,
            call: call.clone(),
            events: summarise(events.into_iter().map(LoggedEvent::Engine).collect()),
        };
        self.next_seq += 1;
        Ok(entry)
    }

    /// Re-applies a logged entry; it must succeed and emit exactly what was logged.
    pub fn replay(&mut self, entry: &LogEntry) -> Result<(), String> {
        if entry.seq != self.next_seq {
            return Err(format!("log entry {} follows {}", entry.seq, self.next_seq));
        }
        let block = match entry.call {
            // The entry records the block after advancing.
            NodeCall::AdvanceBlocks(blocks) => {
                entry.block.checked_sub(blocks).ok_or("bad advance entry")?
            }
            NodeCall::Warp(_) | NodeCall::Roll(_) => self.world.clock.block,
            NodeCall::World(_) => entry.block,
        };
        let replayed = self
            .apply(block, entry.sender, entry.nonce, &entry.call)
            .map_err(|e| format!("log entry {} no longer applies: {e}", entry.seq))?;
        // Entries logged before summaries existed carry every event: compare in summary form.
        let logged = LogEntry { events: summarise(entry.events.clone()), ..entry.clone() };
        if replayed != logged {
            return Err(format!(
                "log entry {} replays to different events: the engine is not deterministic",
                entry.seq
            ));
        }
        Ok(())
    }

    fn apply_call(&mut self, sender: Address, call: &NodeCall) -> Result<Vec<Event>, ChainError> {
        match call {
            NodeCall::World(action) => {
                self.world.apply(&Call { sender, action: action.clone() }).map_err(|r| match r {
                    // Minting and registering tokens are the node's admin's, as its clock
                    // moves are: the same 403 for all of them.
                    Rejection::OnlyAdmin(_) => ChainError::OnlyAdmin(call.name()),
                    r => ChainError::Rejected { name: r.name(), message: r.to_string() },
                })
            }
            NodeCall::AdvanceBlocks(blocks) => {
                if sender != self.world.admin {
                    return Err(ChainError::OnlyAdmin(call.name()));
                }
                self.world.advance_blocks(*blocks).map_err(|e| ChainError::Clock(e.to_string()))
            }
            NodeCall::Warp(timestamp) => {
                if sender != self.world.admin {
                    return Err(ChainError::OnlyAdmin(call.name()));
                }
                self.world.warp(*timestamp).map_err(|e| ChainError::Clock(e.to_string()))
            }
            NodeCall::Roll(block) => {
                if sender != self.world.admin {
                    return Err(ChainError::OnlyAdmin(call.name()));
                }
                self.world.roll(*block).map_err(|e| ChainError::Clock(e.to_string()))
            }
        }
    }

    /// The commitment to the whole node state: the world's hash with the nonces and position.
    pub fn state_hash(&self) -> B256 {
        let mut hasher = alloy_primitives::Keccak256::new();
        hasher.update(self.world.state_hash());
        hasher.update(serde_json::to_vec(&self.nonces).expect("serializes"));
        hasher.update(self.next_seq.to_be_bytes());
        hasher.finalize()
    }
}

/// What undoes a rejected call's passage of time.
enum Undo {
    /// Only the clock moved.
    Clock(rampart_engine::clock::Clock),
    /// Time-driven state moved too: the world before the call.
    World(Box<World>),
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A dev node's state after genesis.
    fn dev_state() -> NodeState {
        let genesis = Genesis::dev(Params::TESTNET, 31337, 0);
        let mut state = NodeState::new(&genesis);
        let admin = state.world.admin;
        for call in genesis.calls() {
            state.apply(0, admin, None, &call).unwrap();
        }
        state
    }

    /// alice's transfer of `amount` ETH to bob.
    fn transfer(amount: &str) -> NodeCall {
        NodeCall::parse(
            "token.transfer",
            serde_json::json!({ "to": "bob", "token": "ETH", "amount": amount }),
        )
        .unwrap()
    }

    #[test]
    fn nonces_are_checked_and_rejections_change_nothing() {
        let mut state = dev_state();
        let admin = state.world.admin;
        let alice = named_address("alice");
        let one_ether = transfer("1 ether");
        assert!(matches!(
            state.apply(5, alice, Some(1), &one_ether),
            Err(ChainError::BadNonce { expected: 0, .. })
        ));
        let entry = state.apply(5, alice, Some(0), &one_ether).unwrap();
        assert_eq!(entry.block, 5);
        assert_eq!(state.nonce(alice), 1);
        let before = state.state_hash();
        let too_much = transfer("1000000 ether");
        assert!(matches!(
            state.apply(9, alice, Some(1), &too_much),
            Err(ChainError::Rejected { name: "InsufficientBalance", .. })
        ));
        assert_eq!(state.state_hash(), before, "neither the world, the nonce nor the clock moved");
        let advance = NodeCall::AdvanceBlocks(10);
        assert!(matches!(state.apply(5, alice, Some(1), &advance), Err(ChainError::OnlyAdmin(_))));
        state.apply(5, admin, Some(0), &advance).unwrap();
        assert_eq!(state.world.clock.block, 15);
    }

    #[test]
    fn a_rejected_call_undoes_the_beacon_epochs_its_clock_move_processed() {
        let mut state = dev_state();
        let alice = named_address("alice");
        let deposit = NodeCall::parse(
            "beacon.deposit",
            serde_json::json!({
                "pubkey": "v1",
                "withdrawal_credentials": { "address": "alice", "compounding": true },
                "amount": "32 ether",
            }),
        )
        .unwrap();
        state.apply(1, alice, Some(0), &deposit).unwrap();
        let before = state.state_hash();
        let too_much = transfer("1000000 ether");
        // Ten epochs pass before the call is refused: the validator was activated and paid
        // meanwhile, and all of it is undone with the call.
        assert!(state.apply(320, alice, Some(1), &too_much).is_err());
        assert_eq!(state.state_hash(), before);
        assert!(state.world.beacon.validators.is_empty(), "the deposit is still pending");
        // The same passage of time with an accepted call does process the epochs.
        let small = transfer("1 ether");
        let entry = state.apply(320, alice, Some(1), &small).unwrap();
        assert!(entry.events.len() > 1, "the clock move's beacon events come with the call's");
        assert_eq!(state.world.beacon.validators.len(), 1);
    }

    /// alice deposits 32 ETH for each of `count` validators named v0, v1, ...
    fn deposit_validators(state: &mut NodeState, count: u64) {
        let alice = named_address("alice");
        for nonce in 0..count {
            let deposit = NodeCall::parse(
                "beacon.deposit",
                serde_json::json!({
                    "pubkey": format!("v{nonce}"),
                    "withdrawal_credentials": { "address": "alice", "compounding": false },
                    "amount": "32 ether",
                }),
            )
            .unwrap();
            state.apply(1, alice, Some(nonce), &deposit).unwrap();
        }
    }

    #[test]
    fn a_long_clock_move_logs_a_bounded_entry_that_replays() {
        let mut state = dev_state();
        let admin = state.world.admin;
        let validators = 12;
        deposit_validators(&mut state, validators);
        let mut log = Vec::new();
        // Activate them, then let the sweep pay their rewards for a long while.
        log.push(state.apply(1, admin, Some(0), &NodeCall::AdvanceBlocks(32 * 20)).unwrap());
        let entry = state.apply(1, admin, Some(1), &NodeCall::AdvanceBlocks(32 * 300)).unwrap();
        log.push(entry.clone());
        let summaries: Vec<_> = entry
            .events
            .iter()
            .filter_map(|e| match e {
                LoggedEvent::Summary(Summary::PartialWithdrawals { withdrawals, .. }) => {
                    Some(*withdrawals)
                }
                _ => None,
            })
            .collect();
        assert_eq!(summaries.len(), 12, "one summary per validator");
        assert!(summaries.iter().all(|n| *n > 100), "{summaries:?}");
        let withdrawals = entry.events.iter().filter(|e| {
            matches!(e, LoggedEvent::Engine(Event::Beacon(BeaconEvent::Withdrawal { .. })))
        });
        assert_eq!(withdrawals.count(), 0, "every partial withdrawal is summed up");
        assert_eq!(summarise(entry.events.clone()), entry.events, "idempotent");
        // Entries round-trip through JSON, summaries included, and replay to the same state.
        let decoded: Vec<LogEntry> =
            serde_json::from_slice(&serde_json::to_vec(&log).unwrap()).unwrap();
        assert_eq!(decoded, log);
        let mut replica = dev_state();
        deposit_validators(&mut replica, validators);
        for entry in &decoded {
            replica.replay(entry).unwrap();
        }
        assert_eq!(replica.state_hash(), state.state_hash());
    }

    #[test]
    fn token_mint_by_anyone_but_the_admin_is_only_admin() {
        let mut state = dev_state();
        let mint = NodeCall::parse(
            "token.mint",
            serde_json::json!({ "to": "alice", "token": "ETH", "amount": "1" }),
        )
        .unwrap();
        assert_eq!(
            state.apply(1, named_address("alice"), Some(0), &mint),
            Err(ChainError::OnlyAdmin("token.mint".into()))
        );
    }

    #[test]
    fn entries_round_trip_and_replay() {
        let genesis = Genesis::dev(Params::TESTNET, 31337, 0);
        let mut state = NodeState::new(&genesis);
        let admin = state.world.admin;
        let mut log = Vec::new();
        for call in genesis.calls() {
            log.push(state.apply(0, admin, None, &call).unwrap());
        }
        let deposit = NodeCall::parse(
            "eigenlayer.deposit_into_strategy",
            serde_json::json!({ "strategy": "stETH", "token": "stETH", "amount": "3 ether" }),
        )
        .unwrap();
        log.push(state.apply(7, named_address("alice"), Some(0), &deposit).unwrap());
        log.push(state.apply(7, admin, Some(0), &NodeCall::AdvanceBlocks(3)).unwrap());
        // warp and roll take effect where the clock stands, whatever the wall clock says.
        let timestamp = state.world.clock.timestamp() + 1;
        log.push(state.apply(20, admin, Some(1), &NodeCall::Warp(timestamp)).unwrap());
        assert_eq!((state.world.clock.block, state.world.clock.timestamp()), (10, timestamp));
        log.push(state.apply(20, admin, Some(2), &NodeCall::Roll(12)).unwrap());
        assert_eq!((state.world.clock.block, state.world.clock.timestamp()), (12, timestamp));
        assert!(matches!(
            state.apply(20, admin, Some(3), &NodeCall::Roll(11)),
            Err(ChainError::Clock(_))
        ));
        assert!(matches!(
            state.apply(20, named_address("alice"), Some(1), &NodeCall::Warp(timestamp)),
            Err(ChainError::OnlyAdmin(_))
        ));
        assert_eq!(
            NodeCall::parse("node.warp", serde_json::json!({ "timestamp": "1767225601" })),
            Ok(NodeCall::Warp(1_767_225_601))
        );
        assert!(NodeCall::parse("node.roll", serde_json::json!({ "blocks": 3 })).is_err());
        let encoded = serde_json::to_vec(&log).unwrap();
        let decoded: Vec<LogEntry> = serde_json::from_slice(&encoded).unwrap();
        assert_eq!(decoded, log);
        let mut replica = NodeState::new(&genesis);
        for entry in &decoded {
            replica.replay(entry).unwrap();
        }
        assert_eq!(replica.state_hash(), state.state_hash());
    }
}
