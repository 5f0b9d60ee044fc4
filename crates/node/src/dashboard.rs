//! The web dashboard: its static assets, built from `web/` by `build.rs` and embedded in the
//! binary, and the read-only endpoints it reads (documented in the OpenAPI like the rest).
//!
//! The endpoints summarise the world on the server, where it lives: the security graph of
//! every protocol (the risk engine's [`from_world`]), per-service cost of corruption, LRT
//! balance sheets and exit routes, queues. A derived summary is computed once per log position
//! and shared by every request until the next call lands, so a page that refreshes on each
//! event of a busy stream costs one computation per entry at most.
//!
//! Addresses show by the names people used in calls: a name is `keccak256(name)`'s address,
//! so every word of a call's arguments that looks like a name is remembered (in memory only:
//! names are a presentation aid and never part of the state).

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex, RwLock},
};

use axum::{
    Json, Router,
    extract::{Path, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use include_dir::{Dir, include_dir};
use rampart_engine::{
    Address, U256, View, World,
    accounts::BEACON_CHAIN_ETH_STRATEGY,
    eigenlayer::OperatorSet,
    lrt::views::{LrtView, SharesArg, Target},
};
use rampart_risk::{
    graph::Network,
    metrics::{cost_of_corruption, hhi, nakamoto_coefficient},
    number::{Amount, decimal, integer},
    report::{Options, analyse},
    world::{Inputs, from_world},
};
use rampart_scenario::NameBook;
use rustc_hash::FxHashSet;
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::{OpenApi, ToSchema};

use crate::{
    chain::DEV_ACCOUNTS,
    server::{ApiError, ErrorBody, Shared},
};

/// The dashboard's compiled assets (`web/dist`, built by `build.rs`).
static ASSETS: Dir<'static> = include_dir!("$OUT_DIR/web-dist");

/// The most queued withdrawals `/v1/queues` lists (the soonest to mature).
const MAX_LISTED_WITHDRAWALS: usize = 500;

/// Names seen in calls, and the book that shows addresses by them.
#[derive(Debug)]
pub(crate) struct Names {
    seen: FxHashSet<String>,
    book: NameBook,
    /// Accounts, tokens and strategies by the names learned, for `/v1/names`.
    listed: BTreeMap<Address, String>,
}

impl Names {
    fn learn(&mut self, word: &str) {
        self.book.learn(word);
        self.seen.insert(word.to_owned());
        let plausible =
            word.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
                && !word.is_empty()
                && !word.starts_with(|c: char| c.is_ascii_digit());
        if plausible {
            use rampart_engine::accounts::{named_address, strategy_address, token_address};
            for address in [named_address(word), token_address(word), strategy_address(word)] {
                if let Some(name) = self.book.name_of(&address) {
                    self.listed.insert(address, name.to_owned());
                }
            }
        }
    }
}

impl Default for Names {
    fn default() -> Self {
        let mut names =
            Self { seen: FxHashSet::default(), book: NameBook::new(), listed: BTreeMap::new() };
        let defaults = rampart_engine::ledger::DEFAULT_TOKENS.iter().map(|(symbol, _)| *symbol);
        for name in DEV_ACCOUNTS.into_iter().chain(defaults).chain(["admin"]) {
            names.learn(name);
        }
        names
    }
}

/// Remembers the plausible names in a call's arguments. Hashing a name costs a few keccaks,
/// so words already seen are skipped under the read lock (the common case under load).
pub(crate) fn learn_names(names: &RwLock<Names>, args: &Value) {
    let mut words = Vec::new();
    collect_words(args, &mut words);
    let unseen: Vec<&str> = {
        let known = names.read().expect("not poisoned");
        words.into_iter().filter(|w| !known.seen.contains(*w)).collect()
    };
    if unseen.is_empty() {
        return;
    }
    let mut names = names.write().expect("not poisoned");
    for word in unseen {
        names.learn(word);
    }
}

fn collect_words<'a>(value: &'a Value, words: &mut Vec<&'a str>) {
    match value {
        Value::String(text) if text.len() <= 64 && !text.starts_with("0x") => words.push(text),
        Value::Array(items) => items.iter().for_each(|item| collect_words(item, words)),
        Value::Object(map) => map.values().for_each(|item| collect_words(item, words)),
        _ => {}
    }
}

/// Summaries derived from the world at one log position.
#[derive(Debug, Default)]
pub(crate) struct Cache {
    derived: Mutex<Option<(u64, Arc<Derived>)>>,
    risk: tokio::sync::Mutex<Option<(u64, Arc<Value>)>>,
}

#[derive(Debug)]
struct Derived {
    network: Network,
    /// Per service: its AVS or network, and its slashing conditions (read from the world).
    descriptions: Vec<(Option<String>, String)>,
    /// The service rows: the cost of corruption is a search, made only when asked for and
    /// never under the state's lock (the writer waits for readers).
    services: std::sync::OnceLock<Vec<Value>>,
    operators: Vec<Value>,
    overview: Overview,
}

impl Derived {
    fn services(&self) -> &[Value] {
        self.services.get_or_init(|| {
            let rows = self.descriptions.iter().enumerate();
            rows.map(|(s, (avs, slashing))| service_row(&self.network, s, avs.as_deref(), slashing))
                .collect()
        })
    }
}

/// The world at a glance.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Overview {
    /// The current block.
    pub block: u64,
    /// Its timestamp (seconds).
    pub timestamp: u64,
    /// Log entries so far.
    pub entries: u64,
    /// The chain id.
    pub chain_id: u64,
    /// Per protocol and asset: `{ protocol, asset, amount }`, the amount in the asset's base
    /// units (wei for ETH and its derivatives) as a decimal string.
    #[schema(value_type = Vec<Object>)]
    pub totals: Vec<Value>,
    /// How many services, operators, links, LRTs, validators and queued withdrawals.
    #[schema(value_type = Object)]
    pub counts: Value,
}

/// Services of every protocol, as the risk engine sees them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ServicesPage {
    /// The block read.
    pub block: u64,
    /// One per service: name, protocol, slashing conditions, securing stake (wei), operators
    /// with what each can lose to it, attack threshold, cost of corruption and its coalition.
    #[schema(value_type = Vec<Object>)]
    pub services: Vec<Value>,
}

/// Operators of every protocol.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OperatorsPage {
    /// The block read.
    pub block: u64,
    /// One per operator: name, address, stake (wei), and per service what it can lose.
    #[schema(value_type = Vec<Object>)]
    pub operators: Vec<Value>,
}

/// Liquid restaking tokens.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LrtsPage {
    /// The block read.
    pub block: u64,
    /// One per LRT: `info` (NAV, supply, rate, pending withdrawals), `nav` (backing by
    /// component, the buffer among them) and `exit_routes` for one whole token.
    #[schema(value_type = Vec<Object>)]
    pub lrts: Vec<Value>,
}

/// Queues: the beacon chain's entry and exit queues, EigenLayer withdrawals maturing.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QueuesPage {
    /// The block read.
    pub block: u64,
    /// `beacon.queues` and `beacon.finality`.
    #[schema(value_type = Object)]
    pub beacon: Value,
    /// `{ total, delay_blocks, listed: [...] }`, the soonest to mature first.
    #[schema(value_type = Object)]
    pub withdrawals: Value,
}

/// Names people used for accounts, tokens and strategies in calls to this node.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NamesPage {
    /// Address (checksummed) to name.
    pub names: BTreeMap<String, String>,
}

/// The names people used in calls since the node started (a name stands for the address of
/// the key `keccak256(name)`), with the dev accounts and default tokens: to show addresses by.
#[utoipa::path(get, path = "/v1/names", responses((status = 200, body = NamesPage)))]
async fn names(State(shared): State<Arc<Shared>>) -> Json<NamesPage> {
    let names = shared.names.read().expect("not poisoned");
    let names = names.listed.iter().map(|(a, n)| (a.to_checksum(None), n.clone())).collect();
    Json(NamesPage { names })
}

/// The world at a glance: the clock, totals per protocol and asset, counts.
#[utoipa::path(get, path = "/v1/overview", responses((status = 200, body = Overview)))]
async fn overview(State(shared): State<Arc<Shared>>) -> Result<Json<Overview>, ApiError> {
    Ok(Json(derived(&shared).await?.overview.clone()))
}

/// Every service (EigenLayer operator set, Symbiotic subnetwork, Karak DSS, Jito NCN): its
/// securing stake and operators, slashing conditions and cost of corruption.
#[utoipa::path(get, path = "/v1/services", responses((status = 200, body = ServicesPage)))]
async fn services(State(shared): State<Arc<Shared>>) -> Result<Json<ServicesPage>, ApiError> {
    let derived = derived(&shared).await?;
    let services = tokio::task::spawn_blocking(move || ServicesPage {
        block: derived.overview.block,
        services: derived.services().to_vec(),
    })
    .await
    .map_err(|e| internal(e.to_string()))?;
    Ok(Json(services))
}

/// Every operator: its stake and what each service can slash of it.
#[utoipa::path(get, path = "/v1/operators", responses((status = 200, body = OperatorsPage)))]
async fn operators(State(shared): State<Arc<Shared>>) -> Result<Json<OperatorsPage>, ApiError> {
    let derived = derived(&shared).await?;
    Ok(Json(OperatorsPage { block: derived.overview.block, operators: derived.operators.clone() }))
}

/// Every LRT: NAV, rate, backing, buffer, pending withdrawals and its exit routes now.
#[utoipa::path(get, path = "/v1/lrts", responses((status = 200, body = LrtsPage)))]
async fn lrts(State(shared): State<Arc<Shared>>) -> Json<LrtsPage> {
    let state = shared.state.read().expect("not poisoned");
    let world = &state.world;
    let names = shared.names.read().expect("not poisoned");
    let lrts = world
        .lrts
        .instances
        .iter()
        .map(|(&address, lrt)| {
            let target = Target { target: address };
            let one_token =
                SharesArg { target: address, shares: U256::from(10u64).pow(U256::from(18u64)) };
            json!({
                "address": address.to_checksum(None),
                "name": names.book.name_of(&address).unwrap_or(&lrt.symbol),
                "symbol": lrt.symbol,
                "preset": lrt.preset,
                "info": view_or_error(world, &View::Lrt(LrtView::Info(target.clone()))),
                "nav": view_or_error(world, &View::Lrt(LrtView::Nav(target))),
                "exit_routes": view_or_error(world, &View::Lrt(LrtView::ExitRoutes(one_token))),
            })
        })
        .collect();
    Json(LrtsPage { block: world.clock.block, lrts })
}

/// The beacon chain's queues and finality, and EigenLayer's queued withdrawals by maturity.
#[utoipa::path(get, path = "/v1/queues", responses((status = 200, body = QueuesPage)))]
async fn queues(State(shared): State<Arc<Shared>>) -> Json<QueuesPage> {
    use rampart_engine::beacon::calls::BeaconView;
    let state = shared.state.read().expect("not poisoned");
    let world = &state.world;
    let names = shared.names.read().expect("not poisoned");
    let show = |address: Address| show_address(&names.book, address);
    let beacon = json!({
        "queues": view_or_error(world, &View::Beacon(BeaconView::Queues {})),
        "finality": view_or_error(world, &View::Beacon(BeaconView::Finality {})),
        "validators": world.beacon.validators.len(),
    });
    let el = &world.eigenlayer;
    let delay = el.params.min_withdrawal_delay_blocks;
    let mut pending: Vec<_> = el.withdrawals.iter().collect();
    pending.sort_unstable_by_key(|(root, w)| (w.start_block, **root));
    let listed: Vec<Value> = pending
        .iter()
        .take(MAX_LISTED_WITHDRAWALS)
        .map(|(root, w)| {
            let matures = u64::from(w.start_block) + delay + 1;
            json!({
                "root": root.to_string(),
                "staker": show(w.staker),
                "delegated_to": show(w.delegated_to),
                "start_block": w.start_block,
                "completable_at_block": matures,
                "blocks_left": matures.saturating_sub(world.clock.block),
                "strategies": w.strategies.iter().map(|&s| show(s)).collect::<Vec<_>>(),
                "scaled_shares": w.scaled_shares.iter().map(U256::to_string).collect::<Vec<_>>(),
            })
        })
        .collect();
    let withdrawals = json!({ "total": pending.len(), "delay_blocks": delay, "listed": listed });
    Json(QueuesPage { block: world.clock.block, beacon, withdrawals })
}

/// The live world's risk report (as `rampart risk` on a saved world, without the exact
/// search): certificates, cost of corruption per service, cascades after shocks. Profit from
/// corruption is not on chain: each service counts 0, so the report bounds costs, not margins.
#[utoipa::path(get, path = "/v1/risk", responses((status = 200, description = "The risk report", body = Object)))]
async fn risk(State(shared): State<Arc<Shared>>) -> Result<Json<Value>, ApiError> {
    let seq = shared.state.read().expect("not poisoned").next_seq;
    // One report at a time: a burst of requests waits for the first instead of each computing.
    let mut cached = shared.dashboard.risk.lock().await;
    if let Some((at, report)) = cached.as_ref()
        && *at == seq
    {
        return Ok(Json((**report).clone()));
    }
    let derived = derived(&shared).await?;
    let report = tokio::task::spawn_blocking(move || {
        let options = Options { exact_search: false, ..Options::default() };
        let mut report = analyse(&derived.network, &options);
        report["block"] = derived.overview.block.into();
        report
    })
    .await
    .map_err(|e| internal(e.to_string()))?;
    let report = Arc::new(report);
    *cached = Some((seq, Arc::clone(&report)));
    Ok(Json((*report).clone()))
}

fn internal(message: String) -> ApiError {
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal", message)
}

fn view_or_error(world: &World, view: &View) -> Value {
    world.view(view).unwrap_or_else(|rejection| json!({ "error": rejection.to_string() }))
}

fn show_address(book: &NameBook, address: Address) -> String {
    book.name_of(&address).map_or_else(|| address.to_checksum(None), str::to_owned)
}

/// The summaries at the current log position, computed once per position.
async fn derived(shared: &Arc<Shared>) -> Result<Arc<Derived>, ApiError> {
    let seq = shared.state.read().expect("not poisoned").next_seq;
    if let Some((at, derived)) = shared.dashboard.derived.lock().expect("not poisoned").as_ref()
        && *at == seq
    {
        return Ok(Arc::clone(derived));
    }
    let shared = Arc::clone(shared);
    tokio::task::spawn_blocking(move || {
        let state = shared.state.read().expect("not poisoned");
        let names = shared.names.read().expect("not poisoned");
        let derived =
            Arc::new(derive(&state.world, &names.book, state.next_seq, shared.genesis.chain_id)?);
        *shared.dashboard.derived.lock().expect("not poisoned") =
            Some((state.next_seq, Arc::clone(&derived)));
        Ok(derived)
    })
    .await
    .map_err(|e| internal(e.to_string()))?
}

fn derive(
    world: &World,
    book: &NameBook,
    entries: u64,
    chain_id: u64,
) -> Result<Derived, ApiError> {
    let show = |address: Address| show_address(book, address);
    let inputs = Inputs { unit: "ETH".into(), ..Inputs::default() };
    let network = from_world(world, &show, &inputs).map_err(internal)?;
    let set_of_service = eigenlayer_sets(world, &show);
    let descriptions = network
        .services
        .iter()
        .map(|service| {
            let set = set_of_service.get(&service.name);
            (set.map(|set| show(set.avs)), slashing_conditions(world, &service.name, set, &show))
        })
        .collect();
    let operators = operator_rows(world, &network, &show);
    let overview = Overview {
        block: world.clock.block,
        timestamp: world.clock.timestamp(),
        entries,
        chain_id,
        totals: totals(world, &show),
        counts: json!({
            "services": network.services.len(),
            "operators": network.operators.len(),
            "links": network.link_count(),
            "lrts": world.lrts.instances.len(),
            "validators": world.beacon.validators.len(),
            "queued_withdrawals": world.eigenlayer.withdrawals.len(),
        }),
    };
    Ok(Derived { network, descriptions, services: Default::default(), operators, overview })
}

/// EigenLayer operator sets by the name the risk graph gives them (`avs/id`).
fn eigenlayer_sets(
    world: &World,
    show: &dyn Fn(Address) -> String,
) -> BTreeMap<String, OperatorSet> {
    world
        .eigenlayer
        .operator_sets
        .keys()
        .map(|set| (format!("{}/{}", show(set.avs), set.id), *set))
        .collect()
}

fn protocol_of(service: &str) -> &'static str {
    match service.split_once(':').map(|(p, _)| p) {
        Some("symbiotic") => "symbiotic",
        Some("karak") => "karak",
        Some("jito") => "jito",
        _ => "eigenlayer",
    }
}

/// Who may slash, how much and how fast, in a sentence per protocol.
fn slashing_conditions(
    world: &World,
    service: &str,
    set: Option<&OperatorSet>,
    show: &dyn Fn(Address) -> String,
) -> String {
    match (
        protocol_of(service),
        set.and_then(|s| world.eigenlayer.operator_sets.get(s).map(|i| (s, i))),
    ) {
        ("eigenlayer", Some((_, info))) => {
            let strategies: Vec<String> =
                info.strategies.values().iter().map(|&s| show(s)).collect();
            format!(
                "{} may slash each member's allocated magnitude of {} at once (no veto); queued \
                 withdrawals stay slashable for the withdrawal delay; {} slashes so far",
                show(info.slasher.effective(world.clock.block)),
                if strategies.is_empty() { "no strategy".into() } else { strategies.join(", ") },
                info.slash_count,
            )
        }
        ("symbiotic", _) => {
            "the vaults' slashers (instant, or after a veto window) may slash up to the \
             stake each vault's delegator shows the subnetwork for an operator, at a capture \
             timestamp inside the epoch"
                .into()
        }
        ("karak", _) => {
            "slash requests up to the DSS's maximum slashable percentage of each staked \
             vault's assets, executed after the veto window"
                .into()
        }
        ("jito", _) => {
            "the NCN's slashers may take an operator's delegation from each vault, up to \
             their per-epoch caps (the slashing switch is on)"
                .into()
        }
        _ => "an operator set no longer in the world".into(),
    }
}

fn amount(value: Amount) -> Value {
    Value::String(value.to_string())
}

fn service_row(network: &Network, s: usize, avs: Option<&str>, slashing: &str) -> Value {
    let service = &network.services[s];
    let coc = cost_of_corruption(network, s);
    let securing = network.securing_stake(s);
    let members: Vec<Value> = network.securing[s]
        .iter()
        .map(|&(v, w)| json!({ "operator": network.operators[v].name, "slashable": amount(w) }))
        .collect();
    json!({
        "name": service.name,
        "protocol": protocol_of(&service.name),
        "avs": avs,
        "slashing": slashing,
        "securing_stake": amount(securing),
        "operators": members.len(),
        "attack_threshold": decimal(&service.attack_threshold, 6),
        "profit_from_corruption": amount(service.profit_from_corruption),
        "cost_of_corruption": amount(coc.cost),
        "cost_of_corruption_exact": coc.exact,
        // Cost minus profit: what an attacker would lose; profit is off chain (0 unless given).
        "margin": amount(coc.cost.saturating_sub(service.profit_from_corruption)),
        "corrupting_coalition": coc.operators.iter().map(|&v| network.operators[v].name.clone()).collect::<Vec<_>>(),
        "nakamoto_coefficient": nakamoto_coefficient(network, s),
        "hhi": decimal(&hhi(network.securing[s].iter().map(|&(_, w)| w)), 6),
        "members": members,
    })
}

fn operator_rows(world: &World, network: &Network, show: &dyn Fn(Address) -> String) -> Vec<Value> {
    let by_name: BTreeMap<String, Address> = world
        .eigenlayer
        .operators
        .keys()
        .chain(world.karak.vaults.values().map(|v| &v.operator))
        .map(|&a| (show(a), a))
        .collect();
    network
        .operators
        .iter()
        .enumerate()
        .map(|(v, operator)| {
            let allocations: Vec<Value> = network.exposure[v]
                .iter()
                .map(|&(s, w)| json!({ "service": network.services[s].name, "slashable": amount(w) }))
                .collect();
            let slashable: Amount = network.exposure[v].iter().map(|&(_, w)| w).sum();
            let address = by_name.get(&operator.name).copied().or_else(|| rampart_engine::accounts::parse_hex_address(&operator.name));
            let strategies: Vec<Value> = address
                .and_then(|a| world.eigenlayer.operators.get(&a))
                .map(|record| {
                    record
                        .strategies
                        .iter()
                        .filter(|(_, e)| !e.shares.is_zero())
                        .map(|(&s, e)| json!({ "strategy": show(s), "shares": e.shares.to_string(), "max_magnitude": record.max_magnitude(s).to_string() }))
                        .collect()
                })
                .unwrap_or_default();
            json!({
                "name": operator.name,
                "address": address.map(|a| a.to_checksum(None)),
                "stake": amount(operator.stake),
                "services": allocations.len(),
                "slashable_total": amount(slashable),
                "restaking_degree": if operator.stake == 0 { Value::Null } else {
                    Value::String(decimal(&(integer(slashable) / integer(operator.stake)), 4))
                },
                "allocations": allocations,
                "eigenlayer_strategies": strategies,
            })
        })
        .collect()
}

/// What each protocol holds, per asset, in the asset's base units.
fn totals(world: &World, show: &dyn Fn(Address) -> String) -> Vec<Value> {
    let mut totals: BTreeMap<(&str, String), U256> = BTreeMap::new();
    let mut add = |protocol: &'static str, asset: String, amount: U256| {
        if !amount.is_zero() {
            let total = totals.entry((protocol, asset)).or_default();
            *total = total.saturating_add(amount);
        }
    };
    let ledger = &world.ledger;
    for (&address, pool) in &world.eigenlayer.strategies {
        add("eigenlayer", show(pool.token), ledger.balance_of(pool.token, address));
    }
    let native: U256 = world
        .eigenlayer
        .operators
        .values()
        .map(|record| record.shares(BEACON_CHAIN_ETH_STRATEGY))
        .fold(U256::ZERO, U256::saturating_add);
    add("eigenlayer", "beaconChainETH (delegated shares)".into(), native);
    for (&address, vault) in &world.symbiotic.vaults {
        add("symbiotic", show(vault.collateral), ledger.balance_of(vault.collateral, address));
    }
    for (&address, vault) in &world.karak.vaults {
        add(
            "karak",
            show(vault.asset),
            world.karak.total_assets(ledger, address).unwrap_or_default(),
        );
    }
    let gwei: u64 = world.beacon.validators.iter().map(|v| v.balance).fold(0, u64::saturating_add);
    add("beacon", "ETH".into(), U256::from(gwei) * U256::from(1_000_000_000u64));
    let btc = rampart_engine::accounts::token_address("BTC");
    add(
        "babylon",
        "BTC (satoshi)".into(),
        ledger.balance_of(btc, rampart_engine::babylon::escrow_address()),
    );
    for (&address, lrt) in &world.lrts.instances {
        let info = view_or_error(world, &View::Lrt(LrtView::Info(Target { target: address })));
        let nav = info["nav"].as_str().and_then(|n| n.parse().ok()).unwrap_or_default();
        add("lrt", format!("{} (NAV in ETH)", lrt.symbol), nav);
    }
    totals
        .into_iter()
        .map(|((protocol, asset), amount)| json!({ "protocol": protocol, "asset": asset, "amount": amount.to_string() }))
        .collect()
}

/// `/`: the dashboard's page.
async fn index() -> Response {
    asset_response("index.html")
}

/// `/assets/...`: its scripts, styles and images (hashed names: cached for good).
async fn asset(Path(path): Path<String>) -> Response {
    asset_response(&format!("assets/{path}"))
}

fn asset_response(path: &str) -> Response {
    let Some(file) = ASSETS.get_file(path) else {
        return ApiError::new(StatusCode::NOT_FOUND, "NotFound", "no such dashboard asset")
            .into_response();
    };
    let content_type = match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    };
    let cache =
        if path == "index.html" { "no-cache" } else { "public, max-age=31536000, immutable" };
    let mut response = file.contents().into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

/// The dashboard's routes: the page, its assets, and the read-only summaries.
pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/", get(index))
        .route("/assets/{*path}", get(asset))
        .route("/v1/overview", get(overview))
        .route("/v1/services", get(services))
        .route("/v1/operators", get(operators))
        .route("/v1/lrts", get(lrts))
        .route("/v1/queues", get(queues))
        .route("/v1/risk", get(risk))
        .route("/v1/names", get(names))
}

/// The dashboard endpoints' part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(overview, services, operators, lrts, queues, risk, names),
    components(schemas(
        NamesPage,
        Overview,
        ServicesPage,
        OperatorsPage,
        LrtsPage,
        QueuesPage,
        ErrorBody
    ))
)]
pub(crate) struct DashboardApi;
