//! The world: one clock, one token ledger, and every protocol module, behind one entry point.
//!
//! [`World::apply`] routes a [`Call`] to its protocol and applies it atomically: it returns the
//! events it emitted, or a [`Rejection`] naming what failed, in which case nothing changed.
//! [`World::state_hash`] commits to the whole state; replaying the same calls on any machine
//! gives the same hash.

use std::io::Write;

use alloy_primitives::{Address, B256, Keccak256, U256};
use serde::{Deserialize, Serialize, de::Error as _};
use serde_json::{Value, json};

use crate::{
    accounts::{ADMIN_NAME, named_address},
    babylon::{
        Babylon, BabylonCall, BabylonEnv, BabylonError, BabylonEvent, BabylonParams, BabylonView,
    },
    beacon::{BeaconCall, BeaconChain, BeaconError, BeaconEvent, BeaconView},
    clock::{Clock, ClockError},
    eigenlayer::{
        self, EigenLayer, EigenLayerCall, EigenLayerError, EigenLayerEvent, EigenLayerView, Env,
        Params,
    },
    exposure::WorldView,
    jito::{Jito, JitoCall, JitoEnv, JitoError, JitoEvent, JitoView},
    karak::{Karak, KarakCall, KarakEnv, KarakError, KarakEvent, KarakView},
    ledger::{Ledger, LedgerError},
    lido::{Lido, LidoCall, LidoEnv, LidoError, LidoEvent, LidoView},
    lrt::{LrtCall, LrtError, LrtEvent, LrtView, Lrts},
    serde_ext,
    symbiotic::{Symbiotic, SymbioticCall, SymbioticError, SymbioticEvent, SymbioticView},
};

/// A state-changing call: who sends it and what it does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Call {
    /// `msg.sender`.
    #[serde(with = "serde_ext::account")]
    pub sender: Address,
    /// The function and its arguments.
    #[serde(flatten)]
    pub action: Action,
}

/// A function of one protocol with its arguments, e.g. `eigenlayer.deposit_into_strategy`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// The shared token ledger.
    Token(TokenCall),
    /// EigenLayer's core contracts.
    EigenLayer(EigenLayerCall),
    /// Babylon's BTC staking and finality modules.
    Babylon(BabylonCall),
    /// The beacon chain: deposits, exits, slashing evidence.
    Beacon(BeaconCall),
    /// Symbiotic's registries, vaults, delegators, slashers and rewards.
    Symbiotic(SymbioticCall),
    /// Karak's Core and vaults.
    Karak(KarakCall),
    /// Jito's restaking and vault programs (Solana).
    Jito(JitoCall),
    /// Liquid restaking tokens.
    Lrt(LrtCall),
    /// Lido: stETH and its withdrawal queue.
    Lido(LidoCall),
}

/// Calls of the `token` protocol: the shared ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr)]
#[serde(tag = "function", content = "args", rename_all = "snake_case", deny_unknown_fields)]
#[strum(serialize_all = "snake_case")]
pub enum TokenCall {
    /// Creates tokens (the world's admin only: scenario setup and dev nodes).
    Mint {
        /// Receiver.
        #[serde(with = "serde_ext::account")]
        to: Address,
        /// Token.
        #[serde(with = "serde_ext::token")]
        token: Address,
        /// Amount.
        #[serde(with = "serde_ext::amount")]
        amount: U256,
    },
    /// Moves the sender's tokens.
    Transfer {
        /// Receiver.
        #[serde(with = "serde_ext::account")]
        to: Address,
        /// Token.
        #[serde(with = "serde_ext::token")]
        token: Address,
        /// Amount.
        #[serde(with = "serde_ext::amount")]
        amount: U256,
    },
    /// Registers a new token (the world's admin only).
    RegisterToken {
        /// Its symbol; its address is derived from it.
        symbol: String,
        /// Decimal places.
        #[serde(default = "eighteen")]
        decimals: u8,
    },
}

fn eighteen() -> u8 {
    18
}

/// A read-only call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum View {
    /// The shared token ledger.
    Token(TokenView),
    /// EigenLayer's view functions.
    EigenLayer(EigenLayerView),
    /// Babylon's queries.
    Babylon(BabylonView),
    /// The beacon chain's queries.
    Beacon(BeaconView),
    /// Symbiotic's view functions.
    Symbiotic(SymbioticView),
    /// Karak's view functions.
    Karak(KarakView),
    /// Jito's account queries.
    Jito(JitoView),
    /// LRT views.
    Lrt(LrtView),
    /// Lido's views.
    Lido(LidoView),
    /// Views across protocols (`world.exposure`).
    World(WorldView),
}

/// Views of the `token` protocol.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "function", content = "args", rename_all = "snake_case", deny_unknown_fields)]
pub enum TokenView {
    /// An account's balance.
    BalanceOf {
        /// Token.
        #[serde(with = "serde_ext::token")]
        token: Address,
        /// Holder.
        #[serde(with = "serde_ext::account")]
        account: Address,
    },
    /// A token's total supply.
    TotalSupply {
        /// Token.
        #[serde(with = "serde_ext::token")]
        token: Address,
    },
}

/// Something the world emitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Event {
    /// From the token ledger.
    Token(TokenEvent),
    /// From EigenLayer.
    EigenLayer(EigenLayerEvent),
    /// From Babylon.
    Babylon(BabylonEvent),
    /// From the beacon chain (on calls, and as the clock moves).
    Beacon(BeaconEvent),
    /// From Symbiotic.
    Symbiotic(SymbioticEvent),
    /// From Karak.
    Karak(KarakEvent),
    /// From Jito's programs.
    Jito(JitoEvent),
    /// From an LRT.
    Lrt(LrtEvent),
    /// From Lido.
    Lido(LidoEvent),
}

/// Events of the token ledger (ERC20's `Transfer`; mints come from the zero address).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event")]
pub enum TokenEvent {
    /// Tokens moved (or were minted, from the zero address).
    Transfer {
        /// Token.
        #[serde(with = "serde_ext::token")]
        token: Address,
        /// Sender (zero for mints).
        #[serde(with = "serde_ext::account")]
        from: Address,
        /// Receiver.
        #[serde(with = "serde_ext::account")]
        to: Address,
        /// Amount.
        #[serde(with = "serde_ext::amount")]
        value: U256,
    },
    /// A token was registered.
    TokenRegistered {
        /// Its address.
        #[serde(with = "serde_ext::token")]
        token: Address,
        /// Its symbol.
        symbol: String,
    },
}

/// Why a call or view was rejected. Nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// The token ledger refused.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// EigenLayer reverted.
    #[error(transparent)]
    EigenLayer(#[from] EigenLayerError),
    /// Babylon rejected the message.
    #[error(transparent)]
    Babylon(#[from] BabylonError),
    /// The beacon chain refused the operation.
    #[error(transparent)]
    Beacon(#[from] BeaconError),
    /// Symbiotic reverted.
    #[error(transparent)]
    Symbiotic(#[from] SymbioticError),
    /// Karak reverted.
    #[error(transparent)]
    Karak(#[from] KarakError),
    /// A Jito instruction failed.
    #[error(transparent)]
    Jito(#[from] JitoError),
    /// An LRT refused.
    #[error(transparent)]
    Lrt(#[from] LrtError),
    /// Lido reverted.
    #[error(transparent)]
    Lido(#[from] LidoError),
    /// Only the world's admin may do this.
    #[error("only the admin may call {0}")]
    OnlyAdmin(&'static str),
}

impl Rejection {
    /// The error's name as the contract would revert with it (`"InsufficientMagnitude"`).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Ledger(inner) => inner.into(),
            Self::EigenLayer(inner) => inner.name(),
            Self::Babylon(inner) => inner.name(),
            Self::Beacon(inner) => inner.name(),
            Self::Symbiotic(inner) => inner.name(),
            Self::Karak(inner) => inner.name(),
            Self::Jito(inner) => inner.name(),
            Self::Lrt(inner) => inner.name(),
            Self::Lido(inner) => inner.name(),
            Self::OnlyAdmin(_) => "OnlyAdmin",
        }
    }
}

/// A call or view that could not be read: unknown protocol or function, bad arguments.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    /// What was wrong: the name, or the arguments of a known function.
    pub kind: ParseErrorKind,
    /// What it means.
    pub message: String,
}

/// Whether a call's name or its arguments could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// No such protocol or function.
    UnknownCall,
    /// The function exists; its arguments do not fit it.
    BadArguments,
}

impl ParseError {
    fn unknown(message: String) -> Self {
        Self { kind: ParseErrorKind::UnknownCall, message }
    }
}

/// The protocols a call may name.
pub const PROTOCOLS: [&str; 9] =
    ["token", "eigenlayer", "babylon", "beacon", "symbiotic", "karak", "jito", "lrt", "lido"];

fn split_name(name: &str) -> Result<(&str, &str), ParseError> {
    name.split_once('.').ok_or_else(|| {
        ParseError::unknown(format!(
            "{name:?} is not protocol.function (e.g. \"eigenlayer.delegate_to\")"
        ))
    })
}

fn module_value(function: &str, args: Value) -> Value {
    let args = if args.is_null() { json!({}) } else { args };
    json!({ "function": function, "args": args })
}

fn parse_module<T: serde::de::DeserializeOwned>(
    protocol: &str,
    function: &str,
    args: Value,
) -> Result<T, ParseError> {
    serde_json::from_value(module_value(function, args)).map_err(|e| {
        // serde names an unknown tag "unknown variant"; anything else is about the arguments.
        let kind = if e.to_string().starts_with("unknown variant") {
            ParseErrorKind::UnknownCall
        } else {
            ParseErrorKind::BadArguments
        };
        ParseError { kind, message: format!("{protocol}.{function}: {e}") }
    })
}

impl Action {
    /// Reads `protocol.function` and its arguments.
    pub fn parse(name: &str, args: Value) -> Result<Self, ParseError> {
        let (protocol, function) = split_name(name)?;
        match protocol {
            "token" => parse_module(protocol, function, args).map(Self::Token),
            "eigenlayer" => parse_module(protocol, function, args).map(Self::EigenLayer),
            "babylon" => parse_module(protocol, function, args).map(Self::Babylon),
            "beacon" => parse_module(protocol, function, args).map(Self::Beacon),
            "symbiotic" => parse_module(protocol, function, args).map(Self::Symbiotic),
            "karak" => parse_module(protocol, function, args).map(Self::Karak),
            "jito" => parse_module(protocol, function, args).map(Self::Jito),
            "lrt" => parse_module(protocol, function, args).map(Self::Lrt),
            "lido" => parse_module(protocol, function, args).map(Self::Lido),
            other => Err(ParseError::unknown(format!(
                "unknown protocol {other:?}; known: {}",
                PROTOCOLS.join(", ")
            ))),
        }
    }

    /// `protocol.function`.
    pub fn name(&self) -> String {
        match self {
            Self::Token(call) => format!("token.{}", <&str>::from(call)),
            Self::EigenLayer(call) => format!("eigenlayer.{}", call.name()),
            Self::Babylon(call) => format!("babylon.{}", <&str>::from(call)),
            Self::Beacon(call) => format!("beacon.{}", <&str>::from(call)),
            Self::Symbiotic(call) => format!("symbiotic.{}", call.name()),
            Self::Karak(call) => format!("karak.{}", call.name()),
            Self::Jito(call) => format!("jito.{}", call.name()),
            Self::Lrt(call) => format!("lrt.{}", <&str>::from(call)),
            Self::Lido(call) => format!("lido.{}", <&str>::from(call)),
        }
    }

    /// The arguments as JSON.
    pub fn args(&self) -> Value {
        let full = match self {
            Self::Token(call) => serde_json::to_value(call),
            Self::EigenLayer(call) => serde_json::to_value(call),
            Self::Babylon(call) => serde_json::to_value(call),
            Self::Beacon(call) => serde_json::to_value(call),
            Self::Symbiotic(call) => serde_json::to_value(call),
            Self::Karak(call) => serde_json::to_value(call),
            Self::Jito(call) => serde_json::to_value(call),
            Self::Lrt(call) => serde_json::to_value(call),
            Self::Lido(call) => serde_json::to_value(call),
        }
        .expect("calls serialize");
        full.get("args").cloned().unwrap_or(Value::Null)
    }
}

impl Serialize for Action {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        json!({ "call": self.name(), "args": self.args() }).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Action {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            call: String,
            #[serde(default)]
            args: Value,
        }
        let raw = Raw::deserialize(deserializer)?;
        Self::parse(&raw.call, raw.args).map_err(D::Error::custom)
    }
}

impl View {
    /// Reads `protocol.function` and its arguments.
    pub fn parse(name: &str, args: Value) -> Result<Self, ParseError> {
        let (protocol, function) = split_name(name)?;
        match protocol {
            "token" => parse_module(protocol, function, args).map(Self::Token),
            "eigenlayer" => parse_module(protocol, function, args).map(Self::EigenLayer),
            "babylon" => parse_module(protocol, function, args).map(Self::Babylon),
            "beacon" => parse_module(protocol, function, args).map(Self::Beacon),
            "symbiotic" => parse_module(protocol, function, args).map(Self::Symbiotic),
            "karak" => parse_module(protocol, function, args).map(Self::Karak),
            "jito" => parse_module(protocol, function, args).map(Self::Jito),
            "lrt" => parse_module(protocol, function, args).map(Self::Lrt),
            "lido" => parse_module(protocol, function, args).map(Self::Lido),
            "world" => parse_module(protocol, function, args).map(Self::World),
            other => Err(ParseError::unknown(format!(
                "unknown protocol {other:?}; known: {}",
                PROTOCOLS.join(", ")
            ))),
        }
    }
}

/// The deterministic world.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct World {
    /// The current block.
    pub clock: Clock,
    /// Who may mint, register tokens and whitelist strategies.
    #[serde(with = "serde_ext::account")]
    pub admin: Address,
    /// Every token balance.
    pub ledger: Ledger,
    /// EigenLayer.
    pub eigenlayer: EigenLayer,
    /// Babylon.
    pub babylon: Babylon,
    /// The beacon chain, processed up to the clock's block whenever the clock moves.
    pub beacon: BeaconChain,
    /// Symbiotic.
    #[serde(default)]
    pub symbiotic: Symbiotic,
    /// Karak.
    #[serde(default)]
    pub karak: Karak,
    /// Jito (Solana). Omitted from the encoding while empty, so worlds without Jito keep
    /// their state hashes.
    #[serde(default, skip_serializing_if = "Jito::is_empty")]
    pub jito: Jito,
    /// Liquid restaking tokens.
    #[serde(default)]
    pub lrts: Lrts,
    /// Lido (stETH and its withdrawal queue). Omitted from the encoding while nothing has
    /// happened there, so worlds without Lido keep their state hashes.
    #[serde(default, skip_serializing_if = "Lido::is_empty")]
    pub lido: Lido,
}

impl Default for World {
    fn default() -> Self {
        Self::new(Params::MAINNET)
    }
}

impl World {
    /// A world at block 0 with the default tokens (ETH, stETH, rETH, cbETH, EIGEN), a
    /// whitelisted EigenLayer strategy for each ERC20 among them, and EigenLayer `params`.
    pub fn new(params: Params) -> Self {
        let ledger = Ledger::with_default_tokens();
        let mut eigenlayer = EigenLayer::new(params);
        for symbol in crate::ledger::DEFAULT_STRATEGY_TOKENS {
            let token = crate::accounts::token_address(symbol);
            eigenlayer.deploy_strategy(&ledger, token).expect("default strategies are distinct");
        }
        // One switch for every module: testnet parameters mean short delays everywhere.
        let babylon_params = if params == Params::TESTNET {
            BabylonParams::testnet()
        } else {
            BabylonParams::mainnet()
        };
        let babylon = Babylon::new(babylon_params);
        Self {
            clock: Clock::default(),
            admin: named_address(ADMIN_NAME),
            ledger,
            eigenlayer,
            babylon,
            beacon: BeaconChain::default(),
            symbiotic: Symbiotic::default(),
            karak: Karak::default(),
            jito: Jito::default(),
            lrts: Lrts::default(),
            lido: Lido::default(),
        }
    }

    /// What a call sees of the world.
    pub fn env(&self) -> Env {
        Env { block: self.clock.block, timestamp: self.clock.timestamp(), admin: self.admin }
    }

    /// Applies `call` atomically: the events it emitted, or why it was rejected (and then
    /// nothing changed).
    pub fn apply(&mut self, call: &Call) -> Result<Vec<Event>, Rejection> {
        let env = self.env();
        match &call.action {
            Action::Token(token_call) => self.apply_token(call.sender, token_call),
            Action::EigenLayer(el_call) => {
                let mut beacon_events = Vec::new();
                let events = self.eigenlayer.apply(
                    &mut self.ledger,
                    &mut self.beacon,
                    &env,
                    call.sender,
                    el_call,
                    &mut beacon_events,
                )?;
                Ok(beacon_events
                    .into_iter()
                    .map(Event::Beacon)
                    .chain(events.into_iter().map(Event::EigenLayer))
                    .collect())
            }
            Action::Babylon(babylon_call) => {
                let env = self.babylon_env();
                Ok(self
                    .babylon
                    .apply(&mut self.ledger, &env, call.sender, babylon_call)?
                    .into_iter()
                    .map(Event::Babylon)
                    .collect())
            }
            Action::Beacon(beacon_call) => Ok(self
                .beacon
                .apply(&mut self.ledger, self.clock.block, self.admin, call.sender, beacon_call)?
                .into_iter()
                .map(Event::Beacon)
                .collect()),
            Action::Symbiotic(symbiotic_call) => Ok(self
                .symbiotic
                .apply(&mut self.ledger, env.timestamp, call.sender, symbiotic_call)?
                .into_iter()
                .map(Event::Symbiotic)
                .collect()),
            Action::Karak(karak_call) => {
                let env = KarakEnv { now: env.timestamp, owner: self.admin, beacon: &self.beacon };
                Ok(self
                    .karak
                    .apply(&mut self.ledger, &env, call.sender, karak_call)?
                    .into_iter()
                    .map(Event::Karak)
                    .collect())
            }
            Action::Jito(jito_call) => {
                let env = self.jito_env();
                Ok(self
                    .jito
                    .apply(&mut self.ledger, &env, call.sender, jito_call)?
                    .into_iter()
                    .map(Event::Jito)
                    .collect())
            }
            Action::Lrt(lrt_call) => self.apply_lrt(call.sender, lrt_call),
            Action::Lido(lido_call) => {
                let env = LidoEnv { timestamp: env.timestamp, admin: self.admin };
                Ok(self
                    .lido
                    .apply(&mut self.ledger, &env, call.sender, lido_call)?
                    .into_iter()
                    .map(Event::Lido)
                    .collect())
            }
        }
    }

    fn apply_token(&mut self, sender: Address, call: &TokenCall) -> Result<Vec<Event>, Rejection> {
        match *call {
            TokenCall::Mint { to, token, amount } => {
                if sender != self.admin {
                    return Err(Rejection::OnlyAdmin("token.mint"));
                }
                self.ledger.mint(token, to, amount)?;
                Ok(vec![Event::Token(TokenEvent::Transfer {
                    token,
                    from: Address::ZERO,
                    to,
                    value: amount,
                })])
            }
            TokenCall::Transfer { to, token, amount } => {
                self.ledger.transfer(token, sender, to, amount)?;
                Ok(vec![Event::Token(TokenEvent::Transfer {
                    token,
                    from: sender,
                    to,
                    value: amount,
                })])
            }
            TokenCall::RegisterToken { ref symbol, decimals } => {
                if sender != self.admin {
                    return Err(Rejection::OnlyAdmin("token.register_token"));
                }
                let token = self.ledger.register_token(symbol, decimals)?;
                Ok(vec![Event::Token(TokenEvent::TokenRegistered {
                    token,
                    symbol: symbol.clone(),
                })])
            }
        }
    }

    /// Answers a view.
    pub fn view(&self, view: &View) -> Result<Value, Rejection> {
        match view {
            View::Token(TokenView::BalanceOf { token, account }) => {
                self.ledger.token(*token)?;
                Ok(Value::String(self.ledger.balance_of(*token, *account).to_string()))
            }
            View::Token(TokenView::TotalSupply { token }) => {
                Ok(Value::String(self.ledger.token(*token)?.total_supply.to_string()))
            }
            View::EigenLayer(el_view) => {
                Ok(self.eigenlayer.view(&self.ledger, &self.env(), el_view)?)
            }
            View::Babylon(babylon_view) => {
                Ok(self.babylon.view(&self.babylon_env(), self.clock.block, babylon_view)?)
            }
            View::Beacon(beacon_view) => Ok(self.beacon.view(self.clock.block, beacon_view)?),
            View::Symbiotic(view) => Ok(self.symbiotic.view(self.clock.timestamp(), view)?),
            View::Karak(view) => Ok(self.karak.view(&self.ledger, view)?),
            View::Jito(view) => Ok(self.jito.view(&self.jito_env(), view)?),
            View::Lrt(LrtView::CompareStrategies(args)) => self.compare_strategies(args),
            View::Lrt(view) => Ok(self.lrts.view(&self.ledger, &self.lrt_env(), view)?),
            View::Lido(view) => Ok(self.lido.view(&self.ledger, view)?),
            View::World(WorldView::Exposure { account }) => {
                let exposures =
                    self.exposure(*account).map_err(crate::eigenlayer::EigenLayerError::from)?;
                Ok(serde_json::to_value(exposures).expect("exposures serialize"))
            }
        }
    }

    /// What a Babylon message sees: the BTC tip derived from the world's clock.
    pub fn babylon_env(&self) -> BabylonEnv {
        BabylonEnv {
            btc_height: self.babylon.btc_height_at(self.clock.block),
            babylon_height: self.babylon.babylon_height_at(self.clock.block),
            admin: self.admin,
        }
    }

    /// What a Jito instruction sees: the Solana slot derived from the world's timestamp.
    pub fn jito_env(&self) -> JitoEnv {
        JitoEnv {
            slot: crate::jito::slot_toggle::slot_at(
                self.clock.timestamp(),
                self.clock.genesis_timestamp,
            ),
        }
    }

    /// Moves the clock to `block`; returns what the beacon chain did meanwhile.
    pub fn set_block(&mut self, block: u64) -> Result<Vec<Event>, ClockError> {
        self.clock.set_block(block)?;
        Ok(self.process_time())
    }

    /// Moves the clock forward by `blocks`; returns what the beacon chain did meanwhile.
    pub fn advance_blocks(&mut self, blocks: u64) -> Result<Vec<Event>, ClockError> {
        self.clock.advance_blocks(blocks)?;
        Ok(self.process_time())
    }

    /// Moves the clock forward by at least `seconds` (whole blocks of 12 s); returns what the
    /// beacon chain did meanwhile.
    pub fn advance_seconds(&mut self, seconds: u64) -> Result<Vec<Event>, ClockError> {
        self.clock.advance_seconds(seconds)?;
        Ok(self.process_time())
    }

    /// Sets the timestamp without moving the block (Foundry's `vm.warp`); returns what
    /// time-driven state did meanwhile (reward days that ended).
    pub fn warp(&mut self, timestamp: u64) -> Result<Vec<Event>, ClockError> {
        self.clock.warp(timestamp)?;
        Ok(self.process_time())
    }

    /// Sets the block number without moving the timestamp (Foundry's `vm.roll`); returns what
    /// the beacon chain, whose slots are blocks, did meanwhile.
    pub fn roll(&mut self, block: u64) -> Result<Vec<Event>, ClockError> {
        self.clock.roll(block)?;
        Ok(self.process_time())
    }

    /// Time-driven state: the beacon chain's epochs and withdrawal sweep up to the clock, so
    /// every call meets a chain that is up to date.
    fn process_time(&mut self) -> Vec<Event> {
        self.eigenlayer.process_rewards_until(self.clock.block, self.clock.timestamp());
        self.beacon
            .process_until(&mut self.ledger, self.clock.block)
            .into_iter()
            .map(Event::Beacon)
            .collect()
    }

    /// Whether moving the clock would change nothing but the clock: no validators or deposits
    /// on the beacon chain, no rewards submission with days left to distribute.
    pub fn is_idle_in_time(&self) -> bool {
        self.beacon.is_idle() && self.eigenlayer.rewards.is_idle()
    }

    /// A commitment to the whole state: keccak256 of its canonical JSON encoding, in which
    /// every map is written in key order.
    pub fn state_hash(&self) -> B256 {
        let mut writer = HashWriter(Keccak256::new());
        serde_json::to_writer(&mut writer, self).expect("the world serializes");
        writer.0.finalize()
    }

    /// Checks every module's invariants (for tests: walks the whole state).
    pub fn check_invariants(&self) -> Result<(), String> {
        self.ledger.check_invariants()?;
        self.eigenlayer.check_invariants()?;
        self.eigenlayer.check_pod_invariants(&self.ledger)?;
        self.eigenlayer.check_rewards_invariants(&self.ledger)?;
        self.babylon.check_invariants(&self.ledger)?;
        self.symbiotic.check_invariants(&self.ledger)?;
        self.karak.check_invariants(&self.ledger)?;
        self.jito.check_invariants(&self.ledger)?;
        self.lrts.check_invariants(&self.ledger)?;
        self.lido.check_invariants(&self.ledger)?;
        self.beacon.check_invariants(&self.ledger)
    }
}

struct HashWriter(Keccak256);

impl Write for HashWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Re-exported for callers that build EigenLayer calls directly.
pub use eigenlayer::calls;
