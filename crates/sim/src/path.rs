//! One path: a copy of the starting world driven through one random future.
//!
//! Each step the generators (one stream per process, [`crate::rng`]) draw the market, the
//! faults and the flows; the path turns the draws into the calls an oracle, a slasher, an
//! operator, a holder or an LRT manager would send, and the world applies them with all its
//! rules (a rejected call is simply what happened: a full buffer, a paused LRT, a cap). The
//! row recorded after each step reads the world's state. Order within a step is fixed:
//! clock, market and oracle, rewards, faults, operator exits, network demand, unwinds that are
//! ready, claims, holders, strategies, the managers' new unwinds, restaking.
//!
//! Faults slash through each service's own protocol ([`crate::faults`]): EigenLayer's
//! `slash_operator`; Symbiotic's instant `slash`, or a veto slasher's `request_slash` executed
//! after the veto period; Karak's `request_slashing` finalized after the 2-day veto window. The
//! second steps of earlier faults are sent when their window allows, just before the step's
//! faults, and count in that step's `slashed`.

use crate::{
    Prepared,
    act::{self, send},
    cast::{rewards_account, steth},
    queue::ExitQueue,
    reference::buy_steth,
    rng::{PathKey, Stream, bps_to_wad, eth_to_wei, wei_to_eth},
    table::{Cell, PathOutput},
};
use std::collections::BTreeMap;

use rampart_engine::{
    Address, U256, World,
    accounts::NATIVE_ETH,
    accounts::token_address,
    beacon::{
        SLOTS_PER_EPOCH,
        churn::{GWEI_PER_ETH, MIN_VALIDATOR_WITHDRAWABILITY_DELAY},
    },
    eigenlayer::state::Withdrawal,
    lrt::{LrtCall, Preset, RateState, calls as lrt_calls},
    math::WAD,
};

const YEAR_SECONDS: f64 = 365.0 * 86_400.0;

/// The partial state update blocks of a step, in order (cadCAD's substeps): market (prices,
/// oracles, rewards), faults, operators (exits, the network's demand), settlement (unwinds,
/// claims), behaviour (holders, strategies), managers (unwinds, restaking). The end of a
/// step is its last block.
pub const SUBSTEPS: u64 = 6;
/// Flows smaller than this are not sent (a holder does not pay gas for dust).
const MIN_FLOW_WEI: u128 = 10_000_000_000_000_000;

/// An exit that completed: a holder's or a strategy's way out of an LRT, or a direct unwind.
#[derive(Debug, Clone, PartialEq)]
pub struct Exit {
    /// The LRT (symbol) or `direct`.
    pub via: String,
    /// Who left.
    pub holder: String,
    /// `instant`, `queued`, `direct`.
    pub route: &'static str,
    /// The step it was asked for.
    pub asked: u64,
    /// Steps until paid.
    pub steps: u64,
    /// What was paid, wei.
    pub paid: U256,
}

/// A catastrophic shock and the cascade the risk engine finds after it.
#[derive(Debug, Clone, PartialEq)]
pub struct CascadeCheck {
    /// The step.
    pub step: u64,
    /// Share of all stake the shock removed, ppm.
    pub shock_ppm: u64,
    /// Share the cascade lost, shock included, ppm.
    pub loss_ppm: u64,
    /// Durvasula–Roughgarden bound `(1 + 1/γ) ψ`, ppm (1,000,000: no guarantee).
    pub bound_ppm: u64,
    /// Whether the loss is within the bound (compared exactly, as rationals).
    pub within_bound: bool,
}

/// What a strategy ended with.
#[derive(Debug, Clone, PartialEq)]
pub struct StrategyOutcome {
    /// Its name.
    pub name: String,
    /// Value at the end, wei.
    pub final_value: U256,
    /// The step its stress exit started, if one did.
    pub exit_asked: Option<u64>,
    /// Steps its stress exit took, if it finished.
    pub exit_steps: Option<u64>,
}

/// stETH on its way out: queued in EigenLayer, then redeemed at Lido (whose oracle finalizes
/// a request once the validators behind it have left the beacon exit queue), then claimed.
struct Unwind {
    pool: Option<Address>,
    staker: Address,
    delegator: Option<usize>,
    withdrawal: Withdrawal,
    amount: U256,
    /// When EigenLayer's withdrawal delay is over.
    el_ready: u64,
    /// When the validators behind it have exited and are withdrawable.
    beacon_ready: u64,
    /// Its Lido withdrawal requests, once it is out of EigenLayer.
    requests: Vec<u64>,
}

struct LrtState {
    peak_rate: U256,
    discount_bps: f64,
    paid_out: U256,
}

struct StrategyState {
    peak: U256,
    asked: Option<u64>,
    done: Option<u64>,
    queued_direct: U256,
}

struct HolderState {
    initial: U256,
    deposited: U256,
}

/// The generators of one path.
struct Streams {
    market: Stream,
    depegs: Stream,
    faults: Stream,
    operators: Stream,
    network: Stream,
    flows: Stream,
}

/// Runs one path.
pub fn run(prepared: &Prepared, key: PathKey) -> Result<PathOutput, String> {
    run_with_world(prepared, key).map(|(out, _)| out)
}

/// Runs one path; returns the world at the end too (for checks).
pub fn run_with_world(prepared: &Prepared, key: PathKey) -> Result<(PathOutput, World), String> {
    let subset = usize::try_from(key.subset).expect("a subset index");
    let params = &prepared.subsets[subset];
    let stream = |label: &str| Stream::new(&prepared.hash, prepared.model.seed, key, label);
    let mut rng = Streams {
        market: stream("market"),
        depegs: stream("depegs"),
        faults: stream("faults"),
        operators: stream("operators"),
        network: stream("network"),
        flows: stream("flows"),
    };
    let cast = &prepared.cast;
    let mut world = prepared.world.clone();
    let step_seconds = prepared.model.step.seconds();
    let dt_years = step_seconds as f64 / YEAR_SECONDS;
    let active_gwei = (params.total_active_eth.max(0.0) as u64).saturating_mul(GWEI_PER_ETH);
    let mut exit_queue = ExitQueue::new(active_gwei);
    let mut entry_queue = ExitQueue::new(active_gwei);
    let mut lrts: Vec<LrtState> = cast
        .lrts
        .iter()
        .map(|l| LrtState {
            peak_rate: lrt_rate(&world, l.pool),
            discount_bps: params.lrt_discount_mean_bps,
            paid_out: U256::ZERO,
        })
        .collect();
    let start = marks(&world, prepared);
    let opening_owed = owed_by_owner(&world, prepared);
    let admin = world.admin;
    let mut holders: Vec<HolderState> = cast
        .holders
        .iter()
        .map(|h| HolderState {
            initial: holder_value(&world, prepared, &start, &opening_owed, h.address),
            deposited: U256::ZERO,
        })
        .collect();
    let mut strategies: Vec<StrategyState> = cast
        .strategies
        .iter()
        .map(|s| StrategyState {
            peak: s.amount,
            asked: None,
            done: None,
            queued_direct: U256::ZERO,
        })
        .collect();
    let mut unwinds: Vec<Unwind> = Vec::new();
    let mut out = PathOutput::new(key);
    let mut eth_log_price = libm::log(params.eth_usd_start.max(1e-9));
    let mut steth_discount = params.steth_discount_mean_bps;
    let mut slashed_total = U256::ZERO;
    let mut exited_operators = 0i64;
    let mut gamma = crate::risk::gamma(prepared, &world, subset);
    // The step, what it slashed, its cascade and its market: read by every row of the step.
    let (mut t, mut slashed, mut cascade) = (0u64, U256::ZERO, 0u64);
    let mut market = Market::at_start(params);
    // The row of the state now, valued at `$marks`.
    macro_rules! row_now {
        ($marks:expr, $gamma:expr) => {
            row(
                prepared,
                &world,
                $marks,
                &market,
                &lrts,
                &holders,
                &strategies,
                &unwinds,
                &exit_queue,
                &entry_queue,
                t,
                slashed,
                slashed_total,
                exited_operators,
                $gamma,
                cascade,
            )
        };
    }
    // With `substeps = true`, the state after each of the first five blocks of a step, as
    // cadCAD records every partial state update block (γ is read only at the step's end).
    macro_rules! record_partial {
        ($substep:expr) => {
            if prepared.model.substeps {
                let now = marks(&world, prepared);
                out.partial.push(row_now!(&now, None));
                debug_assert_eq!(
                    out.partial.len() as u64 % (SUBSTEPS - 1),
                    $substep % (SUBSTEPS - 1)
                );
            }
        };
    }
    out.rows.push(row_now!(&start, gamma));

    let mut evening = start;
    for step in 1..=prepared.model.timesteps {
        (t, slashed, cascade) = (step, U256::ZERO, 0);
        world.advance_seconds(step_seconds).map_err(|e| e.to_string())?;
        let epoch = world.clock.block / SLOTS_PER_EPOCH;
        // Market: ETH jump-diffusion, stETH and LRT discounts (mean-reverting, with depegs
        // likelier on a crash day).
        let sigma = params.eth_vol_bps / 10_000.0;
        let z = rng.market.normal();
        let jumps = rng.market.poisson(params.eth_jumps_per_year * dt_years);
        let mut jump = 0.0;
        for _ in 0..jumps {
            jump += (params.eth_jump_mean_bps + params.eth_jump_sd_bps * rng.market.normal())
                / 10_000.0;
        }
        eth_log_price += -0.5 * sigma * sigma * dt_years + sigma * libm::sqrt(dt_years) * z + jump;
        let crash = jump < -0.05;
        let boost = if crash { params.depeg_on_crash_multiplier } else { 1.0 };
        let revert = 1.0
            - libm::exp2(
                -(step_seconds as f64 / 86_400.0) / params.discount_half_life_days.max(1e-9),
            );
        steth_discount += revert * (params.steth_discount_mean_bps - steth_discount)
            + params.discount_noise_bps * rng.depegs.normal();
        if rng.depegs.bernoulli(params.steth_depegs_per_year * dt_years * boost) {
            steth_discount += rng.depegs.exponential(params.steth_depeg_mean_bps);
        }
        steth_discount = steth_discount.clamp(0.0, 9_000.0);
        for l in &mut lrts {
            l.discount_bps += revert * (params.lrt_discount_mean_bps - l.discount_bps)
                + params.discount_noise_bps * rng.depegs.normal();
            if rng.depegs.bernoulli(params.lrt_depegs_per_year * dt_years * boost) {
                l.discount_bps += rng.depegs.exponential(params.lrt_depeg_mean_bps);
            }
            l.discount_bps = l.discount_bps.clamp(-100.0, 9_000.0);
        }
        let steth_price = WAD - bps_to_wad(steth_discount);
        market = Market { eth_usd: libm::exp(eth_log_price), steth_price };
        for l in &cast.lrts {
            // The oracle: a rejected update (a paused LRT) leaves the old price.
            let _ = send(&mut world, l.manager, act::set_asset_price(l.pool, steth(), steth_price));
        }
        // Rewards: new issuance on restaked capital, to each LRT (on the backing it opened the
        // day with) and to direct positions.
        for (l, opening) in cast.lrts.iter().zip(&evening) {
            let amount =
                eth_to_wei(wei_to_eth(opening.live) * params.reward_apr_bps / 10_000.0 * dt_years);
            if !amount.is_zero() {
                send(&mut world, admin, act::mint(rewards_account(), NATIVE_ETH, amount))?;
                let _ = send(
                    &mut world,
                    rewards_account(),
                    act::lrt(LrtCall::ReceiveRewards(lrt_calls::Amount { target: l.pool, amount })),
                );
            }
            oracle_update(&mut world, l.pool, l.manager);
        }
        for (s, st) in cast.strategies.iter().zip(&strategies) {
            if st.asked.is_some() || s.operator.is_none() {
                continue;
            }
            let restaked = restaked_value(&world, prepared, s.address);
            let amount =
                eth_to_wei(wei_to_eth(restaked) * params.reward_apr_bps / 10_000.0 * dt_years);
            if !amount.is_zero() {
                send(&mut world, admin, act::mint(s.address, NATIVE_ETH, amount))?;
            }
        }
        record_partial!(1);
        // Faults: objective, catastrophic and correlated outages, through the real slash path.
        let before = total_operator_stake(&world, prepared);
        crate::faults::settle(&mut world, prepared); // veto-slasher and Karak second steps
        let links: usize = cast.operators.iter().map(|o| o.services.len()).sum();
        let objective = rng.faults.poisson(params.fault_rate * links as f64 * dt_years);
        let catastrophic = rng.faults.poisson(params.catastrophic_rate * links as f64 * dt_years);
        let outages =
            rng.faults.poisson(params.outage_rate * cast.operators.len() as f64 * dt_years);
        cascade = 0;
        if catastrophic > 0 && links > 0 {
            let mut hits = Vec::new();
            for _ in 0..catastrophic {
                let (o, s) = pick_link(prepared, &mut rng.faults);
                let bps =
                    rng.faults.between(params.catastrophic_min_bps, params.catastrophic_max_bps);
                hits.push((o, s, bps));
            }
            let shocked: Vec<usize> = hits.iter().map(|h| h.0).collect();
            if let Some(check) = crate::risk::cascade_check(prepared, &world, subset, &shocked, t) {
                cascade = check.loss_ppm;
                out.cascades.push(check);
            }
            for (o, s, bps) in hits {
                slash(&mut world, prepared, o, s, bps);
            }
        }
        for _ in 0..objective {
            if links == 0 {
                break;
            }
            let (o, s) = pick_link(prepared, &mut rng.faults);
            let bps =
                rng.faults.between(params.fault_severity_min_bps, params.fault_severity_max_bps);
            slash(&mut world, prepared, o, s, bps);
        }
        for _ in 0..outages {
            let o = rng.faults.index(cast.operators.len());
            let bps =
                rng.faults.between(params.fault_severity_min_bps, params.fault_severity_max_bps);
            for &s in &cast.operators[o].services {
                slash(&mut world, prepared, o, s, bps);
            }
        }
        slashed = before.saturating_sub(total_operator_stake(&world, prepared));
        slashed_total += slashed;
        record_partial!(2);
        // Operators leave: deallocate from every service (slashable for the deallocation delay).
        for _ in 0..rng
            .operators
            .poisson(params.operator_exit_rate * cast.operators.len() as f64 * dt_years)
        {
            let o = &cast.operators[rng.operators.index(cast.operators.len())];
            let sets: Vec<_> =
                o.services.iter().filter_map(|&s| cast.services[s].eigenlayer_set()).collect();
            if send(&mut world, o.address, act::deallocate(o.address, &sets, cast.steth_strategy))
                .is_ok()
            {
                exited_operators += 1;
            }
        }
        // The rest of Ethereum: exits and entries sharing the churn.
        let stress = rng.network.poisson(params.network_stress_per_year * dt_years * boost);
        let mut network_exit = rng
            .network
            .exponential(params.network_exit_eth_per_day * step_seconds as f64 / 86_400.0);
        for _ in 0..stress {
            network_exit += rng.network.exponential(params.network_stress_mean_eth);
        }
        let entry = rng
            .network
            .exponential(params.network_entry_eth_per_day * step_seconds as f64 / 86_400.0);
        exit_queue.exit(epoch, eth_gwei(network_exit));
        entry_queue.exit(epoch, eth_gwei(entry));
        record_partial!(3);
        // Unwinds whose EigenLayer delay and beacon exit are both over: complete, redeem, pay.
        complete_unwinds(&mut world, prepared, &mut unwinds, &mut strategies)?;
        // Claims, first come first served, while the pool can pay.
        for (i, l) in cast.lrts.iter().enumerate() {
            claim_ready(
                &mut world,
                prepared,
                l.pool,
                t,
                step_seconds,
                &mut lrts[i],
                &mut out.exits,
            );
        }
        record_partial!(4);
        // Holders: deposits in calm markets, withdrawals that grow with losses, discount, queue.
        // Holders and strategies act on the last close (yesterday's evening marks): a day's
        // reaction lag, and a third of a path's NAV reads saved.
        let close = &evening;
        let signals: Vec<Signals> = cast
            .lrts
            .iter()
            .zip(&lrts)
            .zip(close)
            .map(|((l, s), m)| signals(&world, l.pool, s, m))
            .collect();
        for (h, hs) in cast.holders.iter().zip(&mut holders) {
            let sig = &signals[h.lrt];
            let pool = cast.lrts[h.lrt].pool;
            let noise = libm::exp(
                params.flow_noise * rng.flows.normal()
                    - 0.5 * params.flow_noise * params.flow_noise,
            );
            let deposit_noise = libm::exp(
                params.flow_noise * rng.flows.normal()
                    - 0.5 * params.flow_noise * params.flow_noise,
            );
            let stressed = params.withdraw_per_loss_bps * sig.drawdown_bps
                + params.withdraw_per_discount_bps
                    * (sig.discount_bps - params.lrt_discount_mean_bps).max(0.0)
                + params.withdraw_per_queue_bps * sig.queue_bps;
            let ppm = ((params.withdraw_base_ppm_per_day + h.sensitivity * stressed)
                * step_seconds as f64
                / 86_400.0
                * noise)
                .min(params.withdraw_cap_ppm_per_day);
            let shares = token_balance(&world, lrt_token(&world, pool), h.address);
            let out_shares = shares * U256::from(ppm.max(0.0) as u64) / U256::from(1_000_000u64);
            if out_shares > U256::from(MIN_FLOW_WEI) {
                leave(
                    &mut world,
                    pool,
                    h.address,
                    &h.name,
                    out_shares,
                    t,
                    &mut lrts[h.lrt],
                    &mut out.exits,
                    &cast.lrts[h.lrt].symbol,
                );
            }
            if sig.drawdown_bps <= 0.0
                && sig.discount_bps < 2.0 * params.lrt_discount_mean_bps.max(10.0)
            {
                // Sized at the last close's rate.
                let value = value_at(&world, pool, &close[h.lrt], shares);
                let amount = value
                    * U256::from(
                        (params.deposit_ppm_per_day * step_seconds as f64 / 86_400.0
                            * deposit_noise)
                            .max(0.0) as u64,
                    )
                    / U256::from(1_000_000u64);
                if amount > U256::from(MIN_FLOW_WEI) {
                    buy_steth(&mut world, h.address, amount)?;
                    hs.deposited += amount;
                    let _ = send(&mut world, h.address, act::lrt_deposit(pool, steth(), amount));
                }
            }
        }
        // Strategies: run for the exit once the value is down by the trigger from its peak.
        // Each is valued before it acts, and no strategy's exit touches another's requests.
        let owed = owed_by_owner(&world, prepared);
        for (s, st) in cast.strategies.iter().zip(&mut strategies) {
            let value = strategy_value(&world, prepared, close, &owed, s.address, st);
            st.peak = st.peak.max(value);
            let trigger = st.peak
                * U256::from(
                    10_000u64.saturating_sub(params.stress_exit_trigger_bps.max(0.0) as u64),
                )
                / U256::from(10_000u64);
            if st.asked.is_none() && value < trigger {
                st.asked = Some(t);
                if let Some(l) = s.lrt {
                    let pool = cast.lrts[l].pool;
                    let shares = token_balance(&world, lrt_token(&world, pool), s.address);
                    if !shares.is_zero() {
                        let symbol = cast.lrts[l].symbol.clone();
                        leave(
                            &mut world,
                            pool,
                            s.address,
                            &s.name,
                            shares,
                            t,
                            &mut lrts[l],
                            &mut out.exits,
                            &symbol,
                        );
                    }
                }
                if s.operator.is_some()
                    && let Some(u) = queue_direct(
                        &mut world,
                        prepared,
                        s.address,
                        None,
                        None,
                        U256::MAX,
                        epoch,
                        &mut exit_queue,
                    )?
                {
                    st.queued_direct = u.amount;
                    unwinds.push(u);
                }
            }
            if st.asked.is_some()
                && st.done.is_none()
                && strategy_exited(&world, prepared, s.address, st)
            {
                st.done = Some(t);
                out.exits.push(Exit {
                    via: "strategy".into(),
                    holder: s.name.clone(),
                    route: "stress",
                    asked: st.asked.unwrap_or(t),
                    steps: t - st.asked.unwrap_or(t),
                    paid: value,
                });
            }
        }
        record_partial!(5);
        // Managers: unwind what the queue is owed beyond the ETH at hand or on its way.
        for l in &cast.lrts {
            manage_liquidity(&mut world, prepared, l, epoch, &mut exit_queue, &mut unwinds)?;
            restake_idle_steth(&mut world, l, cast.steth_strategy);
        }
        if params.gamma_every >= 1.0 && t % (params.gamma_every as u64) == 0 {
            gamma = crate::risk::gamma(prepared, &world, subset);
        } else {
            gamma = None;
        }
        evening = marks(&world, prepared);
        out.rows.push(row_now!(&evening, gamma));
        for (s, m) in lrts.iter_mut().zip(&evening) {
            s.peak_rate = s.peak_rate.max(m.rate);
        }
    }
    let end = marks(&world, prepared);
    let owed = owed_by_owner(&world, prepared);
    for (s, st) in cast.strategies.iter().zip(&strategies) {
        out.strategies.push(StrategyOutcome {
            name: s.name.clone(),
            final_value: strategy_value(&world, prepared, &end, &owed, s.address, st),
            exit_asked: st.asked,
            exit_steps: st.done.zip(st.asked).map(|(d, a)| d - a),
        });
    }
    out.final_world_check = world.check_invariants().err();
    Ok((out, world))
}

struct Market {
    eth_usd: f64,
    steth_price: U256,
}

impl Market {
    fn at_start(params: &crate::Params) -> Self {
        Self {
            eth_usd: params.eth_usd_start,
            steth_price: WAD - bps_to_wad(params.steth_discount_mean_bps),
        }
    }
}

/// An LRT's accounting at one moment, read once and used for every valuation made at that
/// moment: each read walks every delegator's EigenLayer positions, and a step values every
/// holder and strategy in every LRT.
#[derive(Debug, Clone, Copy, Default)]
struct Mark {
    /// Accounted NAV and supply (what the rate is computed from).
    nav: U256,
    supply: U256,
    /// The live backing (the accounted NAV for a live rate).
    live: U256,
    /// Value of one share.
    rate: U256,
}

fn mark(world: &World, pool: Address) -> Mark {
    let (nav, supply) = accounted_nav(world, pool);
    let Some(lrt) = world.lrts.instances.get(&pool) else { return Mark::default() };
    let live = if lrt.rate == RateState::Live { nav } else { live_backing(world, pool) };
    let rate = if supply.is_zero() {
        WAD
    } else {
        lrt.shares_value_at(nav, supply, WAD).unwrap_or_default()
    };
    Mark { nav, supply, live, rate }
}

fn marks(world: &World, prepared: &Prepared) -> Vec<Mark> {
    prepared.cast.lrts.iter().map(|l| mark(world, l.pool)).collect()
}

/// What `shares` of the LRT at `pool` are worth at `mark` (the engine's own rounding).
fn value_at(world: &World, pool: Address, mark: &Mark, shares: U256) -> U256 {
    if shares.is_zero() {
        return U256::ZERO;
    }
    world
        .lrts
        .instances
        .get(&pool)
        .and_then(|l| l.shares_value_at(mark.nav, mark.supply, shares).ok())
        .unwrap_or_default()
}

struct Signals {
    drawdown_bps: f64,
    discount_bps: f64,
    queue_bps: f64,
}

fn signals(world: &World, pool: Address, s: &LrtState, mark: &Mark) -> Signals {
    let rate = mark.rate;
    let drawdown_bps = if s.peak_rate.is_zero() || rate >= s.peak_rate {
        0.0
    } else {
        wei_to_eth((s.peak_rate - rate) * U256::from(10_000u64)) / wei_to_eth(s.peak_rate)
    };
    let queue_bps = if mark.live.is_zero() {
        0.0
    } else {
        10_000.0 * wei_to_eth(owed(world, pool)) / wei_to_eth(mark.live)
    };
    Signals { drawdown_bps, discount_bps: s.discount_bps, queue_bps }
}

fn eth_gwei(eth: f64) -> u64 {
    if !eth.is_finite() || eth <= 0.0 { 0 } else { (eth.min(1e9) * 1e9) as u64 }
}

fn pick_link(prepared: &Prepared, rng: &mut Stream) -> (usize, usize) {
    let (o, k) = prepared.links[rng.index(prepared.links.len())];
    (o, prepared.cast.operators[o].services[k])
}

/// A fault of operator `o` in service `s`: `bps` of what the service can slash of it, through
/// the service's protocol ([`crate::faults::slash`]; a rejected call costs nothing).
fn slash(world: &mut World, prepared: &Prepared, o: usize, s: usize, bps: f64) {
    crate::faults::slash(world, prepared, o, s, bps_to_wad(bps));
}

/// The capital the cast's services can slash, in every protocol
/// ([`crate::faults::total_operator_stake`]): a slash lowers it by what it took.
fn total_operator_stake(world: &World, prepared: &Prepared) -> U256 {
    crate::faults::total_operator_stake(world, prepared)
}

/// What service `s` can slash now, whatever its protocol ([`crate::faults::service_stake`]).
pub(crate) fn service_stake(world: &World, prepared: &Prepared, s: usize) -> U256 {
    crate::faults::service_stake(world, prepared, s)
}

fn token_balance(world: &World, token: Address, account: Address) -> U256 {
    world.ledger.balance_of(token, account)
}

fn lrt_token(world: &World, pool: Address) -> Address {
    world.lrts.instances.get(&pool).map_or(pool, |l| l.token)
}

fn lrt_rate(world: &World, pool: Address) -> U256 {
    world.lrts.rate(pool, &world.ledger, &world.lrt_env()).unwrap_or_default()
}

fn shares_value(world: &World, pool: Address, shares: U256) -> U256 {
    world.lrts.shares_value(pool, &world.ledger, &world.lrt_env(), shares).unwrap_or_default()
}

pub(crate) fn accounted_nav(world: &World, pool: Address) -> (U256, U256) {
    world.lrts.accounted(pool, &world.ledger, &world.lrt_env()).unwrap_or_default()
}

pub(crate) fn live_backing(world: &World, pool: Address) -> U256 {
    world
        .lrts
        .instances
        .get(&pool)
        .and_then(|l| l.live_nav(pool, &world.ledger, &world.lrt_env()).ok())
        .map_or(U256::ZERO, |n| n.total)
}

pub(crate) fn owed(world: &World, pool: Address) -> U256 {
    world.lrts.instances.get(&pool).map_or(U256::ZERO, |l| {
        l.withdrawals.values().map(|w| w.owed).fold(U256::ZERO, |a, b| a + b)
    })
}

/// The oracle's daily work for the regimes that need it: ether.fi's report, Kelp's price.
fn oracle_update(world: &mut World, pool: Address, manager: Address) {
    let Some(lrt) = world.lrts.instances.get(&pool) else { return };
    match lrt.rate {
        RateState::Reported { .. } => {
            let _ =
                send(world, manager, act::lrt(LrtCall::Report(lrt_calls::Target { target: pool })));
        }
        RateState::Stored { .. } => {
            let update = lrt_calls::UpdatePrice { target: pool, force: false };
            let _ = send(world, manager, act::lrt(LrtCall::UpdatePrice(update)));
        }
        RateState::Live => {}
    }
}

/// A holder leaves with `shares`: instantly while the buffer and the cap allow, else by the
/// protocol's queue.
#[allow(clippy::too_many_arguments)]
fn leave(
    world: &mut World,
    pool: Address,
    holder: Address,
    name: &str,
    shares: U256,
    t: u64,
    lrt: &mut LrtState,
    exits: &mut Vec<crate::path::Exit>,
    symbol: &str,
) {
    let before = token_balance(world, rampart_engine::accounts::NATIVE_ETH, holder);
    let instant = world.lrts.instances.get(&pool).is_some_and(|l| l.params.instant.is_some());
    if instant
        && send(
            world,
            holder,
            act::lrt(LrtCall::InstantRedeem(lrt_calls::Shares { target: pool, shares })),
        )
        .is_ok()
    {
        let paid = token_balance(world, rampart_engine::accounts::NATIVE_ETH, holder) - before;
        lrt.paid_out += paid;
        exits.push(Exit {
            via: symbol.to_string(),
            holder: name.to_string(),
            route: "instant",
            asked: t,
            steps: 0,
            paid,
        });
        return;
    }
    let preset = world.lrts.instances.get(&pool).map(|l| l.preset);
    let request = if preset == Some(Preset::EtherFi) {
        // ether.fi's requestWithdraw takes an eETH amount.
        let amount = Some(shares_value(world, pool, shares));
        lrt_calls::Request { target: pool, shares: None, amount }
    } else {
        lrt_calls::Request { target: pool, shares: Some(shares), amount: None }
    };
    let _ = send(world, holder, act::lrt(LrtCall::RequestWithdrawal(request)));
}

/// Claims every request whose cooldown is over, oldest first, until one cannot be paid.
fn claim_ready(
    world: &mut World,
    prepared: &Prepared,
    pool: Address,
    t: u64,
    step_seconds: u64,
    lrt: &mut LrtState,
    exits: &mut Vec<Exit>,
) {
    let Some(state) = world.lrts.instances.get(&pool) else { return };
    let cooldown = state.params.cooldown_seconds;
    let now = world.clock.timestamp();
    let ready: Vec<(u64, Address, u64)> = state
        .withdrawals
        .iter()
        .filter(|(_, w)| w.requested_at + cooldown <= now)
        .map(|(id, w)| (*id, w.owner, w.requested_at))
        .collect();
    let symbol = state.symbol.clone();
    for (id, owner, requested_at) in ready {
        let before = token_balance(world, rampart_engine::accounts::NATIVE_ETH, owner);
        let claim = lrt_calls::RequestId { target: pool, request_id: id };
        if send(world, owner, act::lrt(LrtCall::ClaimWithdrawal(claim))).is_err() {
            break;
        }
        let paid = token_balance(world, rampart_engine::accounts::NATIVE_ETH, owner) - before;
        lrt.paid_out += paid;
        let waited = now.saturating_sub(requested_at).div_ceil(step_seconds);
        let holder = prepared.cast.names.get(&owner).cloned().unwrap_or_else(|| owner.to_string());
        exits.push(Exit {
            via: symbol.clone(),
            holder,
            route: "queued",
            asked: t.saturating_sub(waited),
            steps: waited,
            paid,
        });
    }
}

/// Queues an EigenLayer withdrawal of up to `value` of `staker`'s stETH (as the LRT's
/// delegator when `pool` is set) and its place in the beacon exit queue (Lido redeems stETH
/// by exiting validators).
#[allow(clippy::too_many_arguments)]
fn queue_direct(
    world: &mut World,
    prepared: &Prepared,
    staker: Address,
    pool: Option<(Address, Address)>,
    delegator: Option<usize>,
    value: U256,
    epoch: u64,
    queue: &mut ExitQueue,
) -> Result<Option<Unwind>, String> {
    let strategy = prepared.cast.steth_strategy;
    let Ok((withdrawable, deposit)) = world.eigenlayer.get_withdrawable_shares(staker, &[strategy])
    else {
        return Ok(None);
    };
    let (w, d) = (withdrawable[0], deposit[0]);
    if w.is_zero() || d.is_zero() {
        return Ok(None);
    }
    let take = value.min(w);
    let deposit_shares = if take == w { d } else { (take * d).div_ceil(w).min(d) };
    let queue_call = act::queue_withdrawal(strategy, deposit_shares);
    let sent = match (pool, delegator) {
        (Some((pool, manager)), Some(i)) => {
            send(world, manager, act::execute(pool, Some(i), queue_call))
        }
        _ => send(world, staker, queue_call),
    };
    if sent.is_err() {
        return Ok(None);
    }
    let root = world
        .eigenlayer
        .stakers
        .get(&staker)
        .and_then(|r| r.queued_withdrawals.last().copied())
        .ok_or("a queued withdrawal has a root")?;
    let withdrawal =
        world.eigenlayer.withdrawals.get(&root).cloned().ok_or("a queued withdrawal is stored")?;
    let exit_epoch =
        queue.exit(epoch, u64::try_from(take / U256::from(GWEI_PER_ETH)).unwrap_or(u64::MAX));
    let beacon_ready = (exit_epoch + MIN_VALIDATOR_WITHDRAWABILITY_DELAY) * SLOTS_PER_EPOCH;
    let el_ready =
        u64::from(withdrawal.start_block) + world.eigenlayer.params.min_withdrawal_delay_blocks + 1;
    Ok(Some(Unwind {
        pool: pool.map(|p| p.0),
        staker,
        delegator,
        withdrawal,
        amount: take,
        el_ready,
        beacon_ready,
        requests: Vec::new(),
    }))
}

/// Moves every unwind along, each step by real calls:
/// 1. once EigenLayer's delay is over, the staker (a delegator, through `lrt.execute`)
///    completes the withdrawal as stETH and requests its redemption at Lido, for the pool;
/// 2. Lido's oracle finalizes requests in order once the validators behind them have left the
///    beacon exit queue (the simulated churn decides when);
/// 3. the pool (or the direct staker) claims the ETH.
fn complete_unwinds(
    world: &mut World,
    prepared: &Prepared,
    unwinds: &mut Vec<Unwind>,
    strategies: &mut [StrategyState],
) -> Result<(), String> {
    let block = world.clock.block;
    finalize_at_lido(world, unwinds, block)?;
    let mut pending = Vec::new();
    for mut u in unwinds.drain(..) {
        let pool_manager = u
            .pool
            .and_then(|p| prepared.cast.lrts.iter().find(|l| l.pool == p).map(|l| (p, l.manager)));
        // As the delegator (through its pool's manager) or as the direct staker.
        let as_staker = |world: &mut World, action| match (pool_manager, u.delegator) {
            (Some((pool, manager)), Some(i)) => {
                send(world, manager, act::execute(pool, Some(i), action))
            }
            _ => send(world, u.staker, action),
        };
        if u.requests.is_empty() {
            if u.el_ready > block
                || as_staker(world, act::complete_withdrawal(u.withdrawal.clone(), steth()))
                    .is_err()
            {
                pending.push(u);
                continue;
            }
            let st = token_balance(world, steth(), u.staker);
            if st.is_zero() {
                continue;
            }
            let first = world.lido.last_request_id() + 1;
            as_staker(world, act::lido_request_withdrawals(&st, u.pool))?;
            u.requests = (first..=world.lido.last_request_id()).collect();
            pending.push(u);
            continue;
        }
        let last = u.requests.last().copied().unwrap_or_default();
        if last > world.lido.last_finalized_request_id {
            pending.push(u);
            continue;
        }
        let claim = act::lido_claim_withdrawals(u.requests.clone());
        match pool_manager {
            Some((pool, manager)) => send(world, manager, act::execute(pool, None, claim))?,
            None => send(world, u.staker, claim)?,
        }
        if u.pool.is_none()
            && let Some(i) = prepared.cast.strategies.iter().position(|s| s.address == u.staker)
        {
            strategies[i].queued_direct = U256::ZERO;
        }
    }
    *unwinds = pending;
    Ok(())
}

/// Lido's oracle: finalizes, in request order, every request whose validators are out of the
/// exit queue (a request waits for every earlier one, as Lido's queue does).
fn finalize_at_lido(world: &mut World, unwinds: &[Unwind], block: u64) -> Result<(), String> {
    let finalized = world.lido.last_finalized_request_id;
    let mut waiting: Vec<(u64, u64)> = unwinds
        .iter()
        .flat_map(|u| u.requests.iter().map(move |&id| (id, u.beacon_ready)))
        .filter(|&(id, _)| id > finalized)
        .collect();
    waiting.sort_unstable();
    let upto = waiting.iter().take_while(|&&(_, ready)| ready <= block).map(|&(id, _)| id).last();
    match upto {
        Some(id) => {
            let oracle = world.lido.finalizer.unwrap_or(world.admin);
            send(world, oracle, act::lido_finalize(id))
        }
        None => Ok(()),
    }
}

/// If the queue is owed more than the pool's ETH and what is already coming back, the manager
/// unwinds the difference from its delegators, largest position first.
fn manage_liquidity(
    world: &mut World,
    prepared: &Prepared,
    l: &crate::cast::Lrt,
    epoch: u64,
    queue: &mut ExitQueue,
    unwinds: &mut Vec<Unwind>,
) -> Result<(), String> {
    let owed_total = owed(world, l.pool);
    let buffer = token_balance(world, rampart_engine::accounts::NATIVE_ETH, l.pool);
    let coming: U256 = unwinds
        .iter()
        .filter(|u| u.pool == Some(l.pool))
        .map(|u| u.amount)
        .fold(U256::ZERO, |a, b| a + b);
    let Some(mut need) = owed_total.checked_sub(buffer + coming).filter(|n| !n.is_zero()) else {
        return Ok(());
    };
    let delegators: Vec<Address> = world
        .lrts
        .instances
        .get(&l.pool)
        .map(|x| x.delegators.iter().map(|d| d.address).collect())
        .unwrap_or_default();
    for (i, od) in delegators.into_iter().enumerate() {
        if need.is_zero() {
            break;
        }
        if let Some(u) = queue_direct(
            world,
            prepared,
            od,
            Some((l.pool, l.manager)),
            Some(i),
            need,
            epoch,
            queue,
        )? {
            need = need.saturating_sub(u.amount);
            unwinds.push(u);
        }
    }
    Ok(())
}

/// New stETH deposits sit in the pool until the manager restakes the day's batch through the
/// delegator furthest below its weight (as Renzo's `chooseOperatorDelegatorForDeposit` picks
/// one operator delegator per deposit): one transfer and one deposit a day, not one per
/// delegator.
fn restake_idle_steth(world: &mut World, l: &crate::cast::Lrt, strategy: Address) {
    let idle = token_balance(world, steth(), l.pool);
    if idle < U256::from(MIN_FLOW_WEI) {
        return;
    }
    let Some(lrt) = world.lrts.instances.get(&l.pool) else { return };
    let total_weight: u64 = lrt.delegators.iter().map(|d| d.weight_bps).sum();
    if total_weight == 0 {
        return;
    }
    let restaked: Vec<U256> = lrt
        .delegators
        .iter()
        .map(|d| {
            world
                .eigenlayer
                .get_withdrawable_shares(d.address, &[strategy])
                .map_or(U256::ZERO, |(w, _)| w[0])
        })
        .collect();
    let after = restaked.iter().fold(idle, |sum, r| sum + r);
    // The largest shortfall below weight × (what is restaked + the batch); the first on a tie.
    let Some((index, _)) = lrt
        .delegators
        .iter()
        .zip(&restaked)
        .map(|(d, r)| {
            (after * U256::from(d.weight_bps) / U256::from(total_weight)).saturating_sub(*r)
        })
        .enumerate()
        .rev()
        .max_by_key(|&(_, shortfall)| shortfall)
    else {
        return;
    };
    let od = rampart_engine::lrt::delegator_address(l.pool, index);
    let moved =
        send(world, l.manager, act::execute(l.pool, None, act::transfer(od, steth(), idle)));
    if moved.is_ok() {
        let deposit = act::deposit_into_strategy(strategy, steth(), idle);
        let _ = send(world, l.manager, act::execute(l.pool, Some(index), deposit));
    }
}

/// stETH restaked directly by `staker`, at its withdrawable value.
fn restaked_value(world: &World, prepared: &Prepared, staker: Address) -> U256 {
    let strategy = prepared.cast.steth_strategy;
    world.eigenlayer.get_withdrawable_shares(staker, &[strategy]).map_or(U256::ZERO, |(w, _)| w[0])
}

fn steth_price_of(world: &World, prepared: &Prepared) -> U256 {
    prepared
        .cast
        .lrts
        .first()
        .and_then(|l| world.lrts.instances.get(&l.pool))
        .map_or(WAD, |l| l.price(steth()))
}

/// Everything an account holds, marked to the LRTs' NAV and the stETH oracle: ETH, stETH,
/// LRT shares, pending LRT claims, restaked stETH.
fn holder_value(
    world: &World,
    prepared: &Prepared,
    marks: &[Mark],
    owed: &BTreeMap<Address, U256>,
    account: Address,
) -> U256 {
    let price = steth_price_of(world, prepared);
    let mut value = token_balance(world, rampart_engine::accounts::NATIVE_ETH, account);
    value += token_balance(world, steth(), account) * price / WAD;
    value += restaked_value(world, prepared, account) * price / WAD;
    for (l, mark) in prepared.cast.lrts.iter().zip(marks) {
        let shares = token_balance(world, lrt_token(world, l.pool), account);
        value += value_at(world, l.pool, mark, shares);
    }
    value + owed.get(&account).copied().unwrap_or_default()
}

/// What every LRT's pending requests owe each owner, summed over the LRTs: one pass over the
/// requests, where valuing each holder by scanning them was a tenth of a row.
fn owed_by_owner(world: &World, prepared: &Prepared) -> BTreeMap<Address, U256> {
    let mut owed: BTreeMap<Address, U256> = BTreeMap::new();
    for l in &prepared.cast.lrts {
        if let Some(state) = world.lrts.instances.get(&l.pool) {
            for w in state.withdrawals.values() {
                *owed.entry(w.owner).or_default() += w.owed;
            }
        }
    }
    owed
}

fn strategy_value(
    world: &World,
    prepared: &Prepared,
    marks: &[Mark],
    owed: &BTreeMap<Address, U256>,
    account: Address,
    st: &StrategyState,
) -> U256 {
    let price = steth_price_of(world, prepared);
    holder_value(world, prepared, marks, owed, account) + st.queued_direct * price / WAD
}

fn strategy_exited(
    world: &World,
    prepared: &Prepared,
    account: Address,
    st: &StrategyState,
) -> bool {
    st.queued_direct.is_zero()
        && restaked_value(world, prepared, account).is_zero()
        && prepared.cast.lrts.iter().all(|l| {
            token_balance(world, lrt_token(world, l.pool), account).is_zero()
                && world
                    .lrts
                    .instances
                    .get(&l.pool)
                    .is_none_or(|s| s.withdrawals.values().all(|w| w.owner != account))
        })
}

#[allow(clippy::too_many_arguments)]
fn row(
    prepared: &Prepared,
    world: &World,
    marks: &[Mark],
    market: &Market,
    lrts: &[LrtState],
    holders: &[HolderState],
    strategies: &[StrategyState],
    unwinds: &[Unwind],
    exit_queue: &ExitQueue,
    entry_queue: &ExitQueue,
    t: u64,
    slashed: U256,
    slashed_total: U256,
    exited_operators: i64,
    gamma: Option<f64>,
    cascade_ppm: u64,
) -> Vec<Cell> {
    let epoch = world.clock.block / SLOTS_PER_EPOCH;
    let per_day = 86_400 / 384;
    let exit_wait_epochs =
        exit_queue.withdrawable_epoch(epoch, 32 * GWEI_PER_ETH).saturating_sub(epoch);
    let mut cells = vec![
        Cell::Int(i64::try_from(world.clock.block).unwrap_or(i64::MAX)),
        Cell::Float(Some(market.eth_usd)),
        Cell::Wei(market.steth_price),
        Cell::Wei(U256::from(exit_queue.backlog(epoch)) * U256::from(GWEI_PER_ETH)),
        Cell::Int(i64::try_from(exit_wait_epochs.div_ceil(per_day)).unwrap_or(i64::MAX)),
        Cell::Wei(U256::from(entry_queue.backlog(epoch)) * U256::from(GWEI_PER_ETH)),
        Cell::Wei(slashed),
        Cell::Wei(slashed_total),
        Cell::Int(exited_operators),
        Cell::Float(gamma),
        Cell::Int(i64::try_from(cascade_ppm).unwrap_or(i64::MAX)),
    ];
    let now = world.clock.timestamp();
    for ((l, s), mark) in prepared.cast.lrts.iter().zip(lrts).zip(marks) {
        let Mark { nav, supply, live, rate } = *mark;
        let state = world.lrts.instances.get(&l.pool);
        let oldest = state
            .and_then(|x| x.withdrawals.values().map(|w| w.requested_at).min())
            .map_or(0, |r| now.saturating_sub(r) / 86_400);
        let coming: U256 = unwinds
            .iter()
            .filter(|u| u.pool == Some(l.pool))
            .map(|u| u.amount)
            .fold(U256::ZERO, |a, b| a + b);
        cells.extend([
            Cell::Wei(nav),
            Cell::Wei(live),
            Cell::Wei(rate),
            Cell::Wei(supply),
            Cell::Wei(token_balance(world, rampart_engine::accounts::NATIVE_ETH, l.pool)),
            Cell::Wei(owed(world, l.pool)),
            Cell::Int(state.map_or(0, |x| i64::try_from(x.withdrawals.len()).unwrap_or(i64::MAX))),
            Cell::Int(i64::try_from(oldest).unwrap_or(i64::MAX)),
            Cell::Wei(coming),
            Cell::Int(s.discount_bps.round() as i64),
            Cell::Wei(s.paid_out),
        ]);
    }
    let owed = owed_by_owner(world, prepared);
    for (h, hs) in prepared.cast.holders.iter().zip(holders) {
        let value = holder_value(world, prepared, marks, &owed, h.address);
        cells.push(Cell::Wei(value));
        cells.push(Cell::SignedWei(signed(value, hs.initial + hs.deposited)));
    }
    for (s, st) in prepared.cast.strategies.iter().zip(strategies) {
        cells.push(Cell::Wei(strategy_value(world, prepared, marks, &owed, s.address, st)));
        cells.push(Cell::Int(i64::from(st.done.is_some())));
    }
    for s in 0..prepared.cast.services.len() {
        cells.push(Cell::Wei(service_stake(world, prepared, s)));
    }
    let _ = t;
    let _ = token_address;
    cells
}

/// `a − b` as a signed 128-bit integer of wei (saturating far beyond any ETH amount).
fn signed(a: U256, b: U256) -> i128 {
    let to = |x: U256| i128::try_from(x).unwrap_or(i128::MAX);
    if a >= b { to(a - b) } else { -to(b - a) }
}
