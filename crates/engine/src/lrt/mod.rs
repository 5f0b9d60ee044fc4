//! Liquid restaking tokens: one share-token model over a NAV, with presets that follow Renzo
//! (ezETH), ether.fi (eETH and its wrapper weETH), Kelp (rsETH) and Puffer (pufETH).
//!
//! An LRT is a pool contract (which holds the buffer and escrowed shares) with a share token in
//! the shared ledger, so its tokens move, and can be restaked again, anywhere. Deposits mint at
//! the rate before the deposit; a queued withdrawal escrows its shares and pays
//! `min(value at the request, value at the claim)`; instant redemption pays at once from the
//! buffer, less a fee, within a daily cap. The rate moves by the preset's regime: a live NAV read
//! from the world (Renzo, Puffer), oracle reports capped per report (ether.fi), or a stored price
//! behind a circuit breaker that pauses (Kelp). The protocol fee on rewards is skimmed before
//! rewards reach NAV (Renzo) or minted as shares to the treasury (ether.fi, Kelp).
//!
//! The LRT restakes through operator delegators, each an EigenLayer staker of its own delegated
//! to one operator: its manager adds them with weights, `restake` moves the buffer above its
//! target into them (LSTs into strategies, ETH into validators of their EigenPods), and
//! `execute` makes any other EigenLayer, beacon-chain or token call as the pool or a delegator
//! (queue withdrawals, verify credentials, exit validators). NAV reads their positions at their
//! withdrawable value, so a slash of any operator the LRT uses lowers NAV by exactly the slashed
//! value, for every holder, pending withdrawers included.

pub mod calls;
pub mod errors;
pub mod events;
pub mod exit;
pub mod invariants;
pub mod nav;
pub mod state;
mod unwind;
pub mod views;
mod world_ops;

use alloy_primitives::{Address, U256};
use serde::{Deserialize, Serialize};

pub use self::{
    calls::LrtCall,
    errors::LrtError,
    events::LrtEvent,
    nav::NavBreakdown,
    state::{
        FeeStyle, InstantExit, InstantLimit, Lrt, LrtParams, Lrts, OperatorDelegator, Preset,
        RateState, WithdrawalRequest,
    },
    views::LrtView,
};
use crate::{
    accounts::{NATIVE_ETH, derived_address, named_address},
    beacon::BeaconChain,
    eigenlayer::EigenLayer,
    ledger::Ledger,
    lido::Lido,
    math::{self, Rounding, WAD},
    serde_ext,
};

type Result<T, E = LrtError> = std::result::Result<T, E>;
type E = LrtError;
type Ev = LrtEvent;

/// Basis points in 100%.
pub const BPS: u64 = 10_000;
const DAY: u64 = 86_400;

/// What an instant redemption pays and charges.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstantQuote {
    /// ETH to the redeemer.
    #[serde(with = "serde_ext::amount")]
    pub paid: U256,
    /// The whole fee, in ETH.
    #[serde(with = "serde_ext::amount")]
    pub fee: U256,
    /// The fee's part paid to the treasury in ETH.
    #[serde(with = "serde_ext::amount")]
    pub treasury_eth: U256,
    /// The fee's part moved to the treasury as shares (ether.fi).
    #[serde(with = "serde_ext::amount")]
    pub treasury_shares: U256,
    /// What the instant limit counts: ether.fi the eETH redeemed, fee included; Puffer (V2's
    /// daily limit) and Renzo the ETH paid out.
    #[serde(with = "serde_ext::amount")]
    pub limited: U256,
}

/// A `U256` that serializes as a decimal string (for map values).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Amount(#[serde(with = "serde_ext::amount")] pub U256);

/// What an LRT call sees of the world.
#[derive(Debug, Clone, Copy)]
pub struct LrtEnv<'a> {
    /// `block.timestamp`.
    pub now: u64,
    /// `block.number`.
    pub block: u64,
    /// The world's admin (creates LRTs).
    pub admin: Address,
    /// EigenLayer, whose positions NAV reads.
    pub eigenlayer: &'a EigenLayer,
    /// The beacon chain, for ETH on its way to validators.
    pub beacon: &'a BeaconChain,
    /// Lido, for stETH the LRT is redeeming through its withdrawal queue.
    pub lido: &'a Lido,
}

impl Preset {
    /// The protocol's rules.
    pub fn params(self) -> LrtParams {
        let ether = |n: u64| U256::from(n) * WAD;
        let base = LrtParams {
            protocol_fee_bps: 1_000,
            fee_style: FeeStyle::Mint,
            cooldown_seconds: 7 * DAY,
            instant: None,
            deposit_cap: U256::ZERO,
            max_positive_rebase_bps: 0,
            max_negative_rebase_bps: 0,
            max_rebase_apr_bps: 0,
            price_change_limit_bps: 0,
            max_fee_mint_per_day: U256::ZERO,
            min_deposit: U256::ZERO,
            min_withdrawal: U256::ZERO,
            max_withdrawal: U256::ZERO,
            buffer_target_bps: 1_000,
        };
        let flat = |fee_bps| InstantExit {
            fee_bps,
            max_fee_bps: fee_bps,
            buffer_target: U256::ZERO,
            allowed_drawdown_bps: 0,
            treasury_fee_bps: 0,
            low_watermark_bps: 0,
            limit: InstantLimit::None,
        };
        match self {
            // DepositQueue skims 10% of incoming rewards; 7-day cooldown; InstantWithdrawer's
            // fee slides from 10 to 100 bps as the buffer nears its drawdown floor (flat 10 bps
            // until a buffer target is set) and goes to the fee address.
            Self::Renzo => LrtParams {
                fee_style: FeeStyle::Skim,
                instant: Some(InstantExit { max_fee_bps: 100, ..flat(10) }),
                ..base
            },
            // EtherFiAdmin's per-report caps (+25 / −3 bps) and its APR band (at most the
            // immutable 1,000 bps a year); fee shares minted at rebase;
            // finalization about daily; EtherFiRedemptionManager: 30 bps, a tenth of it to the
            // treasury, a 1% low watermark and a 2,000 ETH bucket refilled over a day.
            Self::EtherFi => LrtParams {
                cooldown_seconds: DAY,
                instant: Some(InstantExit {
                    treasury_fee_bps: 1_000,
                    low_watermark_bps: 100,
                    limit: InstantLimit::Bucket {
                        capacity: ether(2_000),
                        // 23,148 units of 1e12 wei a second: 2,000 ETH a day.
                        refill_per_second: U256::from(23_148u64) * U256::from(10u64.pow(12)),
                    },
                    ..flat(30)
                }),
                max_positive_rebase_bps: 25,
                max_negative_rebase_bps: 3,
                max_rebase_apr_bps: 1_000,
                ..base
            },
            // LRTOracle: a 1% price limit against the high-water mark, fee shares on each rise;
            // 8-day withdrawal delay (57,600 blocks); no instant exit in the contracts.
            Self::Kelp => {
                LrtParams { cooldown_seconds: 8 * DAY, price_change_limit_bps: 100, ..base }
            }
            // PufferVault: no reward fee on NAV (revenue comes from validator tickets); a 1% exit
            // fee kept by the vault; V2's daily withdrawal limit of 100 ETH; ~14-day queue whose
            // requests are at least 0.01 pufETH.
            Self::Puffer => LrtParams {
                protocol_fee_bps: 0,
                fee_style: FeeStyle::None,
                cooldown_seconds: 14 * DAY,
                min_withdrawal: U256::from(10u64.pow(16)),
                instant: Some(InstantExit {
                    limit: InstantLimit::DailyWindow { cap: ether(100) },
                    ..flat(100)
                }),
                ..base
            },
        }
    }

    /// The token's default symbol.
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Renzo => "ezETH",
            Self::EtherFi => "eETH",
            Self::Kelp => "rsETH",
            Self::Puffer => "pufETH",
        }
    }

    /// The preset's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Renzo => "Renzo",
            Self::EtherFi => "ether.fi",
            Self::Kelp => "Kelp",
            Self::Puffer => "Puffer",
        }
    }
}

/// The pool contract of the LRT whose token is `symbol`.
pub fn pool_address(symbol: &str) -> Address {
    derived_address("rampart.lrt", symbol)
}

/// The `index`th operator delegator of `pool`.
pub fn delegator_address(pool: Address, index: usize) -> Address {
    derived_address("rampart.lrt.delegator", &format!("{pool}:{index}"))
}

impl Lrts {
    /// The LRT at `pool`.
    pub fn lrt(&self, pool: Address) -> Result<&Lrt> {
        self.instances.get(&pool).ok_or(E::UnknownLrt(pool))
    }

    fn lrt_mut(&mut self, pool: Address) -> Result<&mut Lrt> {
        self.instances.get_mut(&pool).ok_or(E::UnknownLrt(pool))
    }

    /// The NAV the LRT prices its shares by (its regime's), and the share supply.
    pub fn accounted(
        &self,
        pool: Address,
        ledger: &Ledger,
        env: &LrtEnv<'_>,
    ) -> Result<(U256, U256)> {
        let lrt = self.lrt(pool)?;
        let supply = ledger.token(lrt.token)?.total_supply;
        let nav = match lrt.rate {
            RateState::Live => lrt.live_nav(pool, ledger, env)?.total,
            RateState::Reported { nav, .. } => nav,
            RateState::Stored { price, .. } => math::mul_div(price, supply, WAD, Rounding::Floor)?,
        };
        Ok((nav, supply))
    }

    /// The value of `shares` at the accounted rate (rounded down): `shares · NAV / S`, with
    /// ERC-4626's virtual share and asset for Puffer, at the stored price for Kelp.
    pub fn shares_value(
        &self,
        pool: Address,
        ledger: &Ledger,
        env: &LrtEnv<'_>,
        shares: U256,
    ) -> Result<U256> {
        let lrt = self.lrt(pool)?;
        if let RateState::Stored { .. } = lrt.rate {
            return lrt.shares_value_at(U256::ZERO, U256::ZERO, shares);
        }
        let (nav, supply) = self.accounted(pool, ledger, env)?;
        lrt.shares_value_at(nav, supply, shares)
    }

    /// The shares `value` of ETH buys (rounded down): 1:1 into an empty LRT (Renzo, ether.fi),
    /// ERC-4626's virtual offset for Puffer, the stored price for Kelp.
    pub fn shares_for(
        &self,
        pool: Address,
        ledger: &Ledger,
        env: &LrtEnv<'_>,
        value: U256,
    ) -> Result<U256> {
        let lrt = self.lrt(pool)?;
        if let RateState::Stored { .. } = lrt.rate {
            return lrt.shares_for_at(U256::ZERO, U256::ZERO, value);
        }
        let (nav, supply) = self.accounted(pool, ledger, env)?;
        lrt.shares_for_at(nav, supply, value)
    }

    /// What a queued withdrawal of `shares` is worth now, as the protocol values it at
    /// settlement: Puffer multiplies by the per-share rate `convertToAssets(1e18)`; ether.fi by
    /// the rate rounded up (`amountPerShareCeil`), its finalization rate; the others by NAV.
    pub fn settlement_value(
        &self,
        pool: Address,
        ledger: &Ledger,
        env: &LrtEnv<'_>,
        shares: U256,
    ) -> Result<U256> {
        let lrt = self.lrt(pool)?;
        match lrt.preset {
            Preset::Puffer => {
                let rate = self.shares_value(pool, ledger, env, WAD)?;
                Ok(math::mul_div(shares, rate, WAD, Rounding::Floor)?)
            }
            Preset::EtherFi => {
                let (nav, supply) = self.accounted(pool, ledger, env)?;
                if supply.is_zero() {
                    return Ok(U256::ZERO);
                }
                let rate = math::mul_div(WAD, nav, supply, Rounding::Ceil)?;
                Ok(math::mul_div(shares, rate, WAD, Rounding::Floor)?)
            }
            Preset::Renzo | Preset::Kelp => self.shares_value(pool, ledger, env, shares),
        }
    }

    /// Wei of ETH per 1e18 shares.
    pub fn rate(&self, pool: Address, ledger: &Ledger, env: &LrtEnv<'_>) -> Result<U256> {
        let (_, supply) = self.accounted(pool, ledger, env)?;
        if supply.is_zero() {
            return Ok(WAD);
        }
        self.shares_value(pool, ledger, env, WAD)
    }

    /// Applies a call that touches only the LRTs and the ledger (the manager's calls through
    /// EigenLayer are the world's: [`crate::World::apply`]).
    pub fn apply(
        &mut self,
        ledger: &mut Ledger,
        env: &LrtEnv<'_>,
        sender: Address,
        call: &LrtCall,
    ) -> Result<Vec<Ev>> {
        use LrtCall as C;
        let one = |event| Ok(vec![event]);
        match call {
            C::Create(a) => one(self.create(ledger, env, sender, a)?),
            C::Deposit(a) => one(self.deposit(ledger, env, sender, a)?),
            C::RequestWithdrawal(a) => one(self.request_withdrawal(ledger, env, sender, a)?),
            C::ClaimWithdrawal(a) => one(self.claim_withdrawal(ledger, env, sender, a)?),
            C::InstantRedeem(a) => one(self.instant_redeem(ledger, env, sender, a)?),
            C::ReceiveRewards(a) => one(self.receive_rewards(ledger, sender, a.target, a.amount)?),
            C::Report(a) => one(self.report(ledger, env, sender, a.target)?),
            C::UpdatePrice(a) => one(self.update_price(ledger, env, sender, a)?),
            C::SetAssetPrice(a) => {
                let lrt = self.manager(a.target, sender, "set_asset_price")?;
                if a.price.is_zero() || a.asset == NATIVE_ETH {
                    return Err(E::InvalidPrice);
                }
                lrt.prices.insert(a.asset, Amount(a.price));
                one(Ev::AssetPriceSet { lrt: a.target, asset: a.asset, price: a.price })
            }
            C::SetDepositLimit(a) => {
                let lrt = self.manager(a.target, sender, "set_deposit_limit")?;
                if a.asset != NATIVE_ETH && !lrt.prices.contains_key(&a.asset) {
                    return Err(E::UnsupportedAsset(a.asset));
                }
                lrt.deposit_limits.insert(a.asset, Amount(a.limit));
                one(Ev::DepositLimitSet { lrt: a.target, asset: a.asset, limit: a.limit })
            }
            C::SetDelegatorWeight(a) => {
                let lrt = self.manager(a.target, sender, "set_delegator_weight")?;
                let index = usize::try_from(a.delegator).unwrap_or(usize::MAX);
                let Some(delegator) = lrt.delegators.get(index).map(|d| d.address) else {
                    return Err(E::InvalidParams(format!("no operator delegator {index}")));
                };
                let others: u64 = lrt
                    .delegators
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != index)
                    .map(|(_, d)| d.weight_bps)
                    .sum();
                if others.saturating_add(a.weight_bps) > BPS {
                    return Err(E::InvalidWeights);
                }
                lrt.delegators[index].weight_bps = a.weight_bps;
                one(Ev::DelegatorWeightSet { lrt: a.target, delegator, weight_bps: a.weight_bps })
            }
            C::SetPaused(a) => {
                self.manager(a.target, sender, "set_paused")?.paused = a.paused;
                one(Ev::Paused { lrt: a.target, paused: a.paused })
            }
            C::Wrap(a) | C::Unwrap(a) => {
                one(self.wrap(ledger, env, sender, a, matches!(call, C::Unwrap(_)))?)
            }
            C::AddDelegator(_)
            | C::Restake(_)
            | C::Unwind(_)
            | C::ProcessUnwind(_)
            | C::Execute(_) => {
                unreachable!("the world applies the manager's calls through other protocols")
            }
        }
    }

    /// The LRT at `pool`, if `sender` is its manager.
    pub(crate) fn manager(
        &mut self,
        pool: Address,
        sender: Address,
        function: &'static str,
    ) -> Result<&mut Lrt> {
        let lrt = self.lrt_mut(pool)?;
        if sender != lrt.admin {
            return Err(E::NotManager(function));
        }
        Ok(lrt)
    }

    fn create(
        &mut self,
        ledger: &mut Ledger,
        env: &LrtEnv<'_>,
        sender: Address,
        a: &calls::Create,
    ) -> Result<Ev> {
        if sender != env.admin {
            return Err(E::NotManager("create"));
        }
        let symbol = a.symbol.clone().unwrap_or_else(|| a.preset.symbol().to_owned());
        let params = a.params.clone().unwrap_or_else(|| a.preset.params());
        let instant_fees_fit = params.instant.as_ref().is_none_or(|i| {
            (i.max_fee_bps == 0 || i.fee_bps <= i.max_fee_bps)
                && i.max_fee_bps <= BPS
                && i.fee_bps.checked_add(i.treasury_fee_bps).is_some_and(|fees| fees <= BPS)
                && i.low_watermark_bps <= BPS
                && i.allowed_drawdown_bps <= BPS
        });
        if params.protocol_fee_bps > BPS || !instant_fees_fit {
            return Err(E::InvalidParams(
                "fees, the watermark and the drawdown are at most 10000 bps".into(),
            ));
        }
        // Delays are seconds a timestamp moves by: keep them within what a u64 clock can add.
        if params.cooldown_seconds > 100 * 365 * DAY {
            return Err(E::InvalidParams("the cooldown is at most 100 years".into()));
        }
        if !params.max_withdrawal.is_zero() && params.min_withdrawal > params.max_withdrawal {
            return Err(E::InvalidParams("min_withdrawal is above max_withdrawal".into()));
        }
        let pool = pool_address(&symbol);
        if self.instances.contains_key(&pool) {
            return Err(E::InvalidParams(format!("{symbol} exists")));
        }
        // eETH's wrapper is weETH; another symbol's is w<symbol>.
        let wrapper_symbol = match symbol.strip_prefix('e') {
            Some(rest) if rest.starts_with("ETH") => format!("we{rest}"),
            _ => format!("w{symbol}"),
        };
        if a.preset == Preset::EtherFi {
            // Check both symbols before registering either, so a failure changes nothing.
            let taken = |s: &str| ledger.tokens().any(|(_, t)| t.symbol.eq_ignore_ascii_case(s));
            if taken(&wrapper_symbol) {
                return Err(E::InvalidParams(format!("{wrapper_symbol} exists")));
            }
        }
        let token = ledger.register_token(&symbol, 18)?;
        let wrapper = if a.preset == Preset::EtherFi {
            Some(ledger.register_token(&wrapper_symbol, 18)?)
        } else {
            None
        };
        let rate = match a.preset {
            Preset::Renzo | Preset::Puffer => RateState::Live,
            Preset::EtherFi => RateState::Reported { nav: U256::ZERO, last_report: env.now },
            Preset::Kelp => RateState::Stored { price: WAD, high_water: WAD },
        };
        let prices = a.assets.iter().map(|asset| (*asset, Amount(WAD))).collect();
        let treasury = a.treasury.unwrap_or_else(|| named_address(&format!("{symbol}-treasury")));
        self.instances.insert(
            pool,
            Lrt {
                preset: a.preset,
                symbol,
                token,
                wrapper,
                admin: a.admin.unwrap_or(sender),
                treasury,
                params,
                prices,
                delegators: Vec::new(),
                rate,
                withdrawals: Default::default(),
                next_withdrawal_id: 0,
                instant_usage: (0, Amount::default()),
                paused: false,
                validators_staked: 0,
                deposit_limits: Default::default(),
                fee_minted_today: Default::default(),
            },
        );
        Ok(Ev::LrtCreated { lrt: pool, token, preset: a.preset })
    }

    fn deposit(
        &mut self,
        ledger: &mut Ledger,
        env: &LrtEnv<'_>,
        sender: Address,
        a: &calls::Deposit,
    ) -> Result<Ev> {
        let lrt = self.lrt(a.target)?;
        if lrt.paused {
            return Err(E::Paused);
        }
        if a.asset != NATIVE_ETH && !lrt.prices.contains_key(&a.asset) {
            return Err(E::UnsupportedAsset(a.asset));
        }
        if a.amount.is_zero() {
            return Err(E::InvalidZeroInput);
        }
        let value = lrt.value(a.asset, a.amount)?;
        if value < lrt.params.min_deposit {
            return Err(E::AmountOutOfBounds(format!(
                "a deposit worth {value} wei is below the minimum of {}",
                lrt.params.min_deposit
            )));
        }
        // One accounting serves the cap and the price (each walks every delegator's positions).
        let (nav, supply) = self.accounted(a.target, ledger, env)?;
        if !lrt.params.deposit_cap.is_zero() && math::add(nav, value)? > lrt.params.deposit_cap {
            return Err(E::MaxTVLReached);
        }
        self.check_deposit_limit(a.target, ledger, env, a.asset, a.amount)?;
        let shares = match lrt.rate {
            // `amount × assetPrice / rsETHPrice`, rounded once.
            RateState::Stored { price, .. } => {
                math::mul_div(a.amount, lrt.price(a.asset), price, Rounding::Floor)?
            }
            _ => lrt.shares_for_at(nav, supply, value)?,
        };
        if shares.is_zero() {
            return Err(E::InvalidTokenAmount);
        }
        if shares < a.min_shares_out {
            return Err(E::MinimumAmountToReceiveNotMet {
                minted: shares,
                minimum: a.min_shares_out,
            });
        }
        let token = lrt.token;
        ledger.check_transfer(a.asset, sender, a.amount)?;
        ledger.mint(token, sender, shares)?;
        ledger.transfer(a.asset, sender, a.target, a.amount)?;
        if let RateState::Reported { nav, .. } = &mut self.lrt_mut(a.target)?.rate {
            *nav = math::add(*nav, value)?;
        }
        Ok(Ev::Deposited {
            lrt: a.target,
            depositor: sender,
            asset: a.asset,
            amount: a.amount,
            value,
            shares,
        })
    }

    /// The manager's per-asset limit: Renzo's `collateralTokenTvlLimits` caps the asset's TVL
    /// in ETH with the deposit's value included; Kelp's `depositLimitByAsset` caps units of the
    /// asset with the deposit included, except for ETH, where only the total already held is
    /// checked; the others follow Kelp's LST rule.
    fn check_deposit_limit(
        &self,
        pool: Address,
        ledger: &Ledger,
        env: &LrtEnv<'_>,
        asset: Address,
        amount: U256,
    ) -> Result<()> {
        let lrt = self.lrt(pool)?;
        let Some(&Amount(limit)) = lrt.deposit_limits.get(&asset) else { return Ok(()) };
        if limit.is_zero() {
            return Ok(());
        }
        let held = lrt.asset_held(pool, ledger, env.eigenlayer, env.beacon, env.block, asset)?;
        let over = match lrt.preset {
            Preset::Renzo => math::add(lrt.value(asset, held)?, lrt.value(asset, amount)?)? > limit,
            Preset::Kelp if asset == NATIVE_ETH => held > limit,
            _ => math::add(held, amount)? > limit,
        };
        if over {
            return Err(E::MaxTokenTVLReached { asset, limit });
        }
        Ok(())
    }

    fn request_withdrawal(
        &mut self,
        ledger: &mut Ledger,
        env: &LrtEnv<'_>,
        sender: Address,
        a: &calls::Request,
    ) -> Result<Ev> {
        let lrt = self.lrt(a.target)?;
        if lrt.paused {
            return Err(E::Paused);
        }
        let (shares, owed) = match (a.shares, a.amount) {
            (Some(shares), None) => {
                // What the protocol records at the request: Puffer its per-share rate times
                // the shares; the others the shares' value.
                let owed = if lrt.preset == Preset::Puffer {
                    self.settlement_value(a.target, ledger, env, shares)?
                } else {
                    self.shares_value(a.target, ledger, env, shares)?
                };
                (shares, owed)
            }
            (None, Some(amount)) if lrt.preset == Preset::EtherFi => {
                // `requestWithdraw(recipient, amount)`: the amount is owed, its shares escrowed.
                let (nav, supply) = self.accounted(a.target, ledger, env)?;
                let shares = if nav.is_zero() {
                    U256::ZERO
                } else {
                    math::mul_div(amount, supply, nav, Rounding::Floor)?
                };
                (shares, amount)
            }
            (None, Some(_)) => {
                return Err(E::NotSupported {
                    function: "request_withdrawal by amount",
                    preset: lrt.preset.name(),
                });
            }
            _ => return Err(E::InvalidParams("give either shares or amount".into())),
        };
        if shares.is_zero() || owed.is_zero() {
            return Err(E::InvalidZeroInput);
        }
        let (min, max) = (lrt.params.min_withdrawal, lrt.params.max_withdrawal);
        if shares < min || (!max.is_zero() && shares > max) {
            return Err(E::AmountOutOfBounds(format!(
                "a request for {shares} shares is outside [{min}, {max}] (0: no upper bound)"
            )));
        }
        let token = lrt.token;
        let claimable_at =
            env.now.checked_add(lrt.params.cooldown_seconds).ok_or(math::MathError::Overflow)?;
        ledger.transfer(token, sender, a.target, shares)?;
        let lrt = self.lrt_mut(a.target)?;
        let request_id = lrt.next_withdrawal_id;
        lrt.next_withdrawal_id += 1;
        lrt.withdrawals.insert(
            request_id,
            WithdrawalRequest { owner: sender, shares, owed, requested_at: env.now },
        );
        Ok(Ev::WithdrawalRequested {
            lrt: a.target,
            request_id,
            owner: sender,
            shares,
            owed,
            claimable_at,
        })
    }

    fn claim_withdrawal(
        &mut self,
        ledger: &mut Ledger,
        env: &LrtEnv<'_>,
        sender: Address,
        a: &calls::RequestId,
    ) -> Result<Ev> {
        let lrt = self.lrt(a.target)?;
        if lrt.paused {
            return Err(E::Paused);
        }
        let request = lrt
            .withdrawals
            .get(&a.request_id)
            .cloned()
            .ok_or(E::WithdrawalNotFound(a.request_id))?;
        if request.owner != sender {
            return Err(E::NotOwner(a.request_id));
        }
        let ready = request
            .requested_at
            .checked_add(lrt.params.cooldown_seconds)
            .ok_or(math::MathError::Overflow)?;
        if env.now < ready {
            return Err(E::EarlyClaim(ready));
        }
        let value_now = self.settlement_value(a.target, ledger, env, request.shares)?;
        let paid = request.owed.min(value_now);
        let available = ledger.balance_of(NATIVE_ETH, a.target);
        if available < paid {
            return Err(E::InsufficientLiquidity { needed: paid, available });
        }
        let token = lrt.token;
        ledger.burn(token, a.target, request.shares)?;
        ledger.transfer(NATIVE_ETH, a.target, sender, paid)?;
        let lrt = self.lrt_mut(a.target)?;
        lrt.withdrawals.remove(&a.request_id);
        if let RateState::Reported { nav, .. } = &mut lrt.rate {
            *nav = nav.saturating_sub(paid);
        }
        Ok(Ev::WithdrawalClaimed {
            lrt: a.target,
            request_id: a.request_id,
            owner: sender,
            owed: request.owed,
            value_now,
            paid,
        })
    }

    fn instant_redeem(
        &mut self,
        ledger: &mut Ledger,
        env: &LrtEnv<'_>,
        sender: Address,
        a: &calls::Shares,
    ) -> Result<Ev> {
        let lrt = self.lrt(a.target)?;
        let Some(rules) = lrt.params.instant.clone() else {
            return Err(E::NotSupported { function: "instant_redeem", preset: lrt.preset.name() });
        };
        if lrt.paused {
            return Err(E::Paused);
        }
        if a.shares.is_zero() {
            return Err(E::InvalidZeroInput);
        }
        let quote = self.instant_quote(a.target, ledger, env, a.shares, &rules)?;
        let lrt = self.lrt(a.target)?;
        let (token, treasury) = (lrt.token, lrt.treasury);
        let usage = self.limit_after(a.target, env.now, &rules.limit, quote.limited)?;
        ledger.check_transfer(token, sender, a.shares)?;
        ledger.transfer(token, sender, treasury, quote.treasury_shares)?;
        ledger.burn(token, sender, a.shares - quote.treasury_shares)?;
        ledger.transfer(NATIVE_ETH, a.target, sender, quote.paid)?;
        ledger.transfer(NATIVE_ETH, a.target, treasury, quote.treasury_eth)?;
        let lrt = self.lrt_mut(a.target)?;
        lrt.instant_usage = usage;
        if let RateState::Reported { nav, .. } = &mut lrt.rate {
            *nav = nav.saturating_sub(quote.paid + quote.treasury_eth);
        }
        Ok(Ev::InstantRedeemed {
            lrt: a.target,
            owner: sender,
            shares: a.shares,
            fee: quote.fee,
            paid: quote.paid,
        })
    }

    /// What an instant redemption of `shares` pays now, by the preset's contract:
    /// - Renzo (`InstantWithdrawer`): the value less a fee sliding from the minimum to the
    ///   maximum as the buffer nears its drawdown floor, paid to the treasury; the buffer may
    ///   not fall below the floor;
    /// - ether.fi (`EtherFiRedemptionManager`): the value of the shares less the fee, the fee's
    ///   treasury share moved as shares and the rest burned; the pool keeps its low watermark;
    /// - Puffer (`PufferVault.redeem`): the value less the exit fee (kept by holders) and the
    ///   treasury's fee, each rounded up.
    ///
    /// It pays only from ETH not owed to queued requests, and within the limit.
    pub fn instant_quote(
        &self,
        pool: Address,
        ledger: &Ledger,
        env: &LrtEnv<'_>,
        shares: U256,
        rules: &InstantExit,
    ) -> Result<InstantQuote> {
        let lrt = self.lrt(pool)?;
        let bps =
            |v: U256, b: u64, rounding| math::mul_div(v, U256::from(b), U256::from(BPS), rounding);
        let reserved: U256 = lrt.withdrawals.values().map(|w| w.owed).sum();
        let available = ledger.balance_of(NATIVE_ETH, pool).saturating_sub(reserved);
        let mut quote = InstantQuote::default();
        match lrt.preset {
            Preset::Renzo => {
                let value = self.shares_value(pool, ledger, env, shares)?;
                if value > available {
                    return Err(E::InsufficientLiquidity { needed: value, available });
                }
                let mut fee_bps = rules.fee_bps;
                if !rules.buffer_target.is_zero() {
                    let floor =
                        bps(rules.buffer_target, rules.allowed_drawdown_bps, Rounding::Floor)?;
                    let after = available - value;
                    if after < floor {
                        return Err(E::BelowAllowedLimit);
                    }
                    let span = math::sub(rules.buffer_target, floor)?;
                    let remaining =
                        math::mul_div(after - floor, U256::from(BPS), span, Rounding::Floor)?;
                    if remaining <= U256::from(BPS) {
                        let slide = math::mul_div(
                            U256::from(rules.max_fee_bps.saturating_sub(rules.fee_bps)),
                            U256::from(BPS) - remaining,
                            U256::from(BPS),
                            Rounding::Floor,
                        )?;
                        fee_bps += u64::try_from(slide).unwrap_or(u64::MAX);
                    }
                }
                quote.fee = bps(value, fee_bps, Rounding::Floor)?;
                quote.paid = value - quote.fee;
                quote.treasury_eth = quote.fee;
                quote.limited = quote.paid;
            }
            Preset::EtherFi => {
                let (nav, supply) = self.accounted(pool, ledger, env)?;
                let kept = bps(shares, BPS - rules.fee_bps, Rounding::Floor)?;
                let to_user = lrt.shares_value_at(nav, supply, kept)?;
                // `canRedeem` and the rate limit count the eETH redeemed, fee included.
                let gross = lrt.shares_value_at(nav, supply, shares)?;
                let watermark = bps(nav, rules.low_watermark_bps, Rounding::Floor)?;
                if available < watermark || available - watermark < gross {
                    return Err(E::ExceededRedeemable);
                }
                quote.limited = gross;
                let burned_for_user = if nav.is_zero() {
                    shares
                } else {
                    math::mul_div(to_user, supply, nav, Rounding::Ceil)?.min(shares)
                };
                let fee_shares = shares - burned_for_user;
                quote.treasury_shares = bps(fee_shares, rules.treasury_fee_bps, Rounding::Floor)?;
                quote.fee = lrt.shares_value_at(nav, supply, fee_shares)?;
                quote.paid = to_user;
            }
            Preset::Puffer => {
                let gross = self.shares_value(pool, ledger, env, shares)?;
                let kept = bps(gross, rules.fee_bps, Rounding::Ceil)?;
                quote.treasury_eth = bps(gross, rules.treasury_fee_bps, Rounding::Ceil)?;
                quote.fee = kept + quote.treasury_eth;
                quote.paid = math::sub(gross, quote.fee)?;
                quote.limited = quote.paid;
                if quote.paid + quote.treasury_eth > available {
                    return Err(E::InsufficientLiquidity {
                        needed: quote.paid + quote.treasury_eth,
                        available,
                    });
                }
            }
            Preset::Kelp => {
                return Err(E::NotSupported {
                    function: "instant_redeem",
                    preset: lrt.preset.name(),
                });
            }
        }
        Ok(quote)
    }

    /// The limit's state after `paid` leaves instantly at `now`, or why it cannot.
    pub(crate) fn limit_after(
        &self,
        pool: Address,
        now: u64,
        limit: &InstantLimit,
        paid: U256,
    ) -> Result<(u64, Amount)> {
        let (at, value) = self.lrt(pool)?.instant_usage;
        match limit {
            InstantLimit::None => Ok((at, value)),
            InstantLimit::DailyWindow { cap } => {
                let day = now / DAY;
                let used = if at == day { value.0 } else { U256::ZERO };
                let total = math::add(used, paid)?;
                if total > *cap {
                    return Err(E::DailyLimitExceeded { cap: *cap, used });
                }
                Ok((day, Amount(total)))
            }
            InstantLimit::Bucket { capacity, refill_per_second } => {
                // A bucket that was never used starts full.
                let level = if at == 0 && value.0.is_zero() {
                    *capacity
                } else {
                    let refill = math::mul(*refill_per_second, U256::from(now.saturating_sub(at)))?;
                    math::add(value.0, refill)?.min(*capacity)
                };
                // The bucket counts in units of 1e12 wei, rounded up.
                let unit = U256::from(10u64.pow(12));
                let cost = math::mul(paid.div_ceil(unit), unit)?;
                if cost > level {
                    return Err(E::RateLimitExceeded { available: level });
                }
                Ok((now, Amount(level - cost)))
            }
        }
    }

    fn receive_rewards(
        &mut self,
        ledger: &mut Ledger,
        sender: Address,
        pool: Address,
        amount: U256,
    ) -> Result<Ev> {
        let lrt = self.lrt(pool)?;
        let fee = if lrt.params.fee_style == FeeStyle::Skim {
            math::mul_div(
                amount,
                U256::from(lrt.params.protocol_fee_bps),
                U256::from(BPS),
                Rounding::Floor,
            )?
        } else {
            U256::ZERO
        };
        ledger.check_transfer(NATIVE_ETH, sender, amount)?;
        ledger.transfer(NATIVE_ETH, sender, lrt.treasury, fee)?;
        ledger.transfer(NATIVE_ETH, sender, pool, amount - fee)?;
        Ok(Ev::RewardsReceived { lrt: pool, amount, fee })
    }

    /// An oracle report (reported regime), as `EtherFiAdmin.executeTasks` then
    /// `LiquidityPool.rebase` apply it: of the change of the live NAV since the last report,
    /// the holders' part (`accruedRewards`: a gain net of the protocol fee, or a loss) is
    /// recognised up to `+max_positive_rebase_bps` / `−max_negative_rebase_bps` of NAV and up to
    /// the annualised `max_rebase_apr_bps` over the time since the last report; the fee
    /// (`protocolFees`, its share of the recognised gross gain) is then deposited for the
    /// treasury, minting shares at the post-rebase rate.
    fn report(
        &mut self,
        ledger: &mut Ledger,
        env: &LrtEnv<'_>,
        sender: Address,
        pool: Address,
    ) -> Result<Ev> {
        let lrt = self.lrt(pool)?;
        if sender != lrt.admin {
            return Err(E::NotManager("report"));
        }
        let RateState::Reported { nav: stored, last_report } = lrt.rate else {
            return Err(E::NotSupported { function: "report", preset: lrt.preset.name() });
        };
        let p = &lrt.params;
        let live = lrt.live_nav(pool, ledger, env)?.total;
        let bps = |b: u64| math::mul_div(stored, U256::from(b), U256::from(BPS), Rounding::Floor);
        let apr_cap = if p.max_rebase_apr_bps == 0 {
            U256::MAX
        } else {
            let elapsed = U256::from(env.now.saturating_sub(last_report));
            math::mul_div(
                math::mul(stored, U256::from(p.max_rebase_apr_bps))?,
                elapsed,
                U256::from(BPS) * U256::from(365 * DAY),
                Rounding::Floor,
            )?
        };
        let fee_bps = if p.fee_style == FeeStyle::Mint { p.protocol_fee_bps } else { 0 };
        let (up, change) =
            if live >= stored { (true, live - stored) } else { (false, stored - live) };
        let (accrued, fee) = if up {
            let gross_fee =
                math::mul_div(change, U256::from(fee_bps), U256::from(BPS), Rounding::Floor)?;
            let cap = bps(p.max_positive_rebase_bps)?.min(apr_cap);
            let net = (change - gross_fee).min(cap);
            let fee = if net == change - gross_fee {
                gross_fee
            } else {
                // The fee stays the protocol's share of what is recognised: net·f / (1 − f).
                math::mul_div(
                    net,
                    U256::from(fee_bps),
                    U256::from(BPS - fee_bps.min(BPS - 1)),
                    Rounding::Floor,
                )?
                .min(change - net)
            };
            (net, fee)
        } else {
            (change.min(bps(p.max_negative_rebase_bps)?.min(apr_cap)), U256::ZERO)
        };
        let rebased = if up { math::add(stored, accrued)? } else { math::sub(stored, accrued)? };
        let supply = ledger.token(lrt.token)?.total_supply;
        // `depositToRecipient(treasury, fee)`: shares at the rate after the rebase.
        let fee_shares = if fee.is_zero() || supply.is_zero() || rebased.is_zero() {
            U256::ZERO
        } else {
            math::mul_div(fee, supply, rebased, Rounding::Floor)?
        };
        // A fee too small to buy a share is not deposited: it stays unrecognised.
        let fee = if fee_shares.is_zero() { U256::ZERO } else { fee };
        let nav = math::add(rebased, fee)?;
        let (token, treasury) = (lrt.token, lrt.treasury);
        ledger.mint(token, treasury, fee_shares)?;
        self.lrt_mut(pool)?.rate = RateState::Reported { nav, last_report: env.now };
        let signed = |v: U256| i128::try_from(v).map_err(|_| math::MathError::Overflow);
        let recognised = math::add(accrued, fee)?;
        let unrecognised = signed(change.saturating_sub(recognised))?;
        Ok(Ev::Rebased {
            lrt: pool,
            accrued: if up { signed(accrued)? } else { -signed(accrued)? },
            fee_shares,
            nav,
            unrecognised: if up { unrecognised } else { -unrecognised },
        })
    }

    /// `updateRSETHPrice` (stored regime): the price is the live NAV over the supply, less the
    /// protocol fee on the gain over `supply × price` (minted to the treasury as shares, at most
    /// `max_fee_mint_per_day` a UTC day). A rise beyond the limit above the high-water mark is
    /// refused; a drop beyond it below the high-water mark pauses the LRT instead of repricing
    /// it. The manager's forced update (`updateRSETHPriceAsManager`) ignores the pause and the
    /// rise limit and, after a drop, stores the observed price as the new high-water mark, so
    /// a loss can be recognised once the manager has looked at it; no fee is minted while
    /// paused.
    fn update_price(
        &mut self,
        ledger: &mut Ledger,
        env: &LrtEnv<'_>,
        sender: Address,
        a: &calls::UpdatePrice,
    ) -> Result<Ev> {
        let pool = a.target;
        let lrt = self.lrt(pool)?;
        let RateState::Stored { price: old, high_water } = lrt.rate else {
            return Err(E::NotSupported { function: "update_price", preset: lrt.preset.name() });
        };
        let forced = a.force && sender == lrt.admin;
        if a.force && !forced {
            return Err(E::NotManager("update_price with force"));
        }
        if lrt.paused && !forced {
            return Err(E::Paused);
        }
        let supply = ledger.token(lrt.token)?.total_supply;
        if supply.is_zero() {
            return Err(E::InvalidZeroInput);
        }
        let live = lrt.live_nav(pool, ledger, env)?.total;
        let observed = math::mul_div(live, WAD, supply, Rounding::Floor)?;
        let limit = U256::from(lrt.params.price_change_limit_bps);
        let beyond = |from: U256, to: U256| -> Result<bool> {
            let moved = if to > from { to - from } else { from - to };
            Ok(math::mul(moved, U256::from(BPS))? > math::mul(from, limit)?)
        };
        if observed < old {
            if !forced && beyond(high_water, observed)? {
                self.lrt_mut(pool)?.paused = true;
                return Ok(Ev::CircuitBreakerTripped {
                    lrt: pool,
                    stored_price: old,
                    observed_price: observed,
                });
            }
            let high_water = if forced { observed } else { high_water };
            self.lrt_mut(pool)?.rate = RateState::Stored { price: observed, high_water };
            return Ok(Ev::PriceUpdated {
                lrt: pool,
                old_price: old,
                new_price: observed,
                fee_shares: U256::ZERO,
            });
        }
        if observed > high_water && beyond(high_water, observed)? && !forced {
            return Err(E::PriceAboveLimit);
        }
        let mut new = observed;
        let mut fee_shares = U256::ZERO;
        if lrt.params.fee_style == FeeStyle::Mint && !lrt.paused {
            // The gain over `rsethSupply.mulWad(rsETHPrice)`, rounded down as Solady's mulWad.
            let at_old = math::mul_div(supply, old, WAD, Rounding::Floor)?;
            let gain = live.saturating_sub(at_old);
            let fee = math::mul_div(
                gain,
                U256::from(lrt.params.protocol_fee_bps),
                U256::from(BPS),
                Rounding::Floor,
            )?;
            new = math::mul_div(math::sub(live, fee)?, WAD, supply, Rounding::Floor)?;
            if !new.is_zero() {
                fee_shares = math::mul_div(fee, WAD, new, Rounding::Floor)?;
            }
        }
        let today = self.fee_mint_after(pool, env.now, fee_shares)?;
        let (token, treasury) = (lrt.token, lrt.treasury);
        ledger.mint(token, treasury, fee_shares)?;
        let lrt = self.lrt_mut(pool)?;
        lrt.rate = RateState::Stored { price: new, high_water: high_water.max(new) };
        lrt.fee_minted_today = today;
        Ok(Ev::PriceUpdated { lrt: pool, old_price: old, new_price: new, fee_shares })
    }

    /// The daily fee-mint counter after minting `shares` at `now`, or why it cannot
    /// (`_checkAndUpdateDailyFeeMintLimit`: the period restarts at each UTC day).
    fn fee_mint_after(&self, pool: Address, now: u64, shares: U256) -> Result<(u64, Amount)> {
        let lrt = self.lrt(pool)?;
        let day = now / DAY;
        let used =
            if lrt.fee_minted_today.0 == day { lrt.fee_minted_today.1.0 } else { U256::ZERO };
        let total = math::add(used, shares)?;
        let cap = lrt.params.max_fee_mint_per_day;
        if !cap.is_zero() && total > cap {
            return Err(E::FeeMintLimitExceeded { cap, used });
        }
        Ok((day, Amount(total)))
    }

    /// weETH: wraps eETH shares one to one (the wrapper's amount is the share count).
    fn wrap(
        &mut self,
        ledger: &mut Ledger,
        env: &LrtEnv<'_>,
        sender: Address,
        a: &calls::Amount,
        unwrap: bool,
    ) -> Result<Ev> {
        let lrt = self.lrt(a.target)?;
        let Some(wrapper) = lrt.wrapper else {
            return Err(E::NotSupported { function: "wrap", preset: lrt.preset.name() });
        };
        if a.amount.is_zero() {
            return Err(E::InvalidZeroInput);
        }
        let token = lrt.token;
        // The wrapper holds the eETH shares it issued weETH for, one for one.
        let shares = if unwrap {
            // `unwrap(weETH)` sends `eETH.transfer(getEETHByWeETH(w))`, and eETH moves
            // `sharesForAmount(amountForShare(w))` shares: both round down, so the holder may
            // get a share less than the weETH burned, and the wrapper keeps it.
            let (nav, supply) = self.accounted(a.target, ledger, env)?;
            let amount = if supply.is_zero() {
                U256::ZERO
            } else {
                math::mul_div(a.amount, nav, supply, Rounding::Floor)?
            };
            let shares = if nav.is_zero() {
                U256::ZERO
            } else {
                math::mul_div(amount, supply, nav, Rounding::Floor)?
            };
            ledger.check_transfer(wrapper, sender, a.amount)?;
            ledger.burn(wrapper, sender, a.amount)?;
            ledger.transfer(token, wrapper, sender, shares)?;
            shares
        } else {
            // `wrap(eETH amount)`: the shares that amount is (`sharesForAmount`, rounded down).
            let (nav, supply) = self.accounted(a.target, ledger, env)?;
            let shares = if nav.is_zero() {
                U256::ZERO
            } else {
                math::mul_div(a.amount, supply, nav, Rounding::Floor)?
            };
            if shares.is_zero() {
                return Err(E::InvalidZeroInput);
            }
            ledger.check_transfer(token, sender, shares)?;
            ledger.mint(wrapper, sender, shares)?;
            ledger.transfer(token, sender, wrapper, shares)?;
            shares
        };
        Ok(Ev::Wrapped { lrt: a.target, owner: sender, shares, unwrap })
    }
}

impl Lrt {
    /// [`Lrts::shares_for`] given the accounted `(nav, supply)`.
    pub fn shares_for_at(&self, nav: U256, supply: U256, value: U256) -> Result<U256> {
        if let RateState::Stored { price, .. } = self.rate {
            return Ok(math::mul_div(value, WAD, price, Rounding::Floor)?);
        }
        if self.preset == Preset::Puffer {
            let one = U256::ONE;
            return Ok(math::mul_div(
                value,
                math::add(supply, one)?,
                math::add(nav, one)?,
                Rounding::Floor,
            )?);
        }
        if supply.is_zero() || nav.is_zero() {
            return Ok(value);
        }
        Ok(math::mul_div(value, supply, nav, Rounding::Floor)?)
    }

    /// [`Lrts::shares_value`] given the accounted `(nav, supply)` ([`Lrts::accounted`]), for a
    /// caller that values many amounts at one moment: each accounting walks every delegator's
    /// EigenLayer positions. A stored price ignores both.
    pub fn shares_value_at(&self, nav: U256, supply: U256, shares: U256) -> Result<U256> {
        if let RateState::Stored { price, .. } = self.rate {
            return Ok(math::mul_div(shares, price, WAD, Rounding::Floor)?);
        }
        if self.preset == Preset::Puffer {
            let one = U256::ONE;
            return Ok(math::mul_div(
                shares,
                math::add(nav, one)?,
                math::add(supply, one)?,
                Rounding::Floor,
            )?);
        }
        if supply.is_zero() {
            return Ok(U256::ZERO);
        }
        Ok(math::mul_div(shares, nav, supply, Rounding::Floor)?)
    }
}
