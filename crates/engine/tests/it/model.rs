//! A deliberately naive reference model of what must hold across any sequence of calls.
//!
//! It does not re-implement EigenLayer. It keeps its own ledger of what was minted, the highest
//! magnitude each operator ever had, what each staker could withdraw before the last call, and
//! the withdrawals queued with their start blocks; after every call it reads the world through
//! its public views and checks the invariants the issue names:
//! - conservation of every token (supply = what the model minted; balances add up to supply);
//! - operator shares ≥ the sum of their delegators' withdrawable shares;
//! - encumbered ≤ max magnitude ≤ WAD, and max magnitude never rises;
//! - a slash never raises anyone's withdrawable shares;
//! - a withdrawal completes only after its delay.

use std::collections::BTreeMap;

use rampart_engine::{
    Address, U256, View, World,
    eigenlayer::{EigenLayerEvent, Withdrawal},
    math::WAD_U64,
};
use serde_json::{Value, json};

/// What the model remembers between calls.
#[derive(Debug, Default)]
pub(crate) struct Model {
    pub(crate) minted: BTreeMap<Address, U256>,
    max_magnitudes: BTreeMap<(Address, Address), u64>,
    withdrawable: BTreeMap<(Address, Address), U256>,
    pub(crate) queued: Vec<Withdrawal>,
}

fn view(world: &World, name: &str, args: Value) -> Value {
    let parsed = View::parse(name, args).expect("the model asks well-formed views");
    world.view(&parsed).unwrap_or_else(|e| panic!("view {name} failed: {e}"))
}

fn amount(value: &Value) -> U256 {
    value.as_str().and_then(|s| U256::from_str_radix(s, 10).ok()).expect("a decimal amount")
}

impl Model {
    /// Records a mint the model itself asked for.
    pub(crate) fn minted(&mut self, token: Address, value: U256) {
        let total = self.minted.entry(token).or_default();
        *total += value;
    }

    /// Learns from the events of an accepted call.
    pub(crate) fn observe(
        &mut self,
        world: &World,
        events: &[rampart_engine::Event],
        is_slash: bool,
    ) -> Result<(), String> {
        for event in events {
            match event {
                rampart_engine::Event::EigenLayer(EigenLayerEvent::SlashingWithdrawalQueued {
                    withdrawal,
                    ..
                }) => {
                    self.queued.push((**withdrawal).clone());
                }
                rampart_engine::Event::EigenLayer(
                    EigenLayerEvent::SlashingWithdrawalCompleted { withdrawal_root },
                ) => {
                    let found = self
                        .queued
                        .iter()
                        .find(|w| {
                            rampart_engine::eigenlayer::withdrawal_root(w) == *withdrawal_root
                        })
                        .ok_or("a withdrawal the model never saw queued was completed")?;
                    let delay = world.eigenlayer.params.min_withdrawal_delay_blocks;
                    if world.clock.block <= u64::from(found.start_block) + delay {
                        return Err(format!(
                            "withdrawal queued at {} completed at block {} before its delay of {delay}",
                            found.start_block, world.clock.block
                        ));
                    }
                }
                _ => {}
            }
        }
        if is_slash {
            self.check_slash_lowered_nothing_else(world)?;
        }
        Ok(())
    }

    fn check_slash_lowered_nothing_else(&self, world: &World) -> Result<(), String> {
        for (&(staker, strategy), &before) in &self.withdrawable {
            let now = withdrawable(world, staker, strategy);
            if now > before {
                return Err(format!(
                    "a slash raised {staker}'s withdrawable {strategy} from {before} to {now}"
                ));
            }
        }
        Ok(())
    }

    /// Checks every invariant and refreshes what the model remembers.
    pub(crate) fn check(
        &mut self,
        world: &World,
        stakers: &[Address],
        operators: &[Address],
        strategies: &[Address],
    ) -> Result<(), String> {
        world.check_invariants()?;
        for (&token, &minted) in &self.minted {
            let supply = amount(&view(world, "token.total_supply", json!({ "token": token })));
            if supply != minted {
                return Err(format!(
                    "token {token}: supply {supply} but the model minted {minted}"
                ));
            }
        }
        let mut delegated: BTreeMap<(Address, Address), U256> = BTreeMap::new();
        for &staker in stakers {
            let operator = view(world, "eigenlayer.delegated_to", json!({ "staker": staker }));
            let operator: Address = serde_json::from_value(operator).expect("an address");
            for &strategy in strategies {
                let shares = withdrawable(world, staker, strategy);
                self.withdrawable.insert((staker, strategy), shares);
                if !operator.is_zero() {
                    *delegated.entry((operator, strategy)).or_default() += shares;
                }
            }
        }
        for ((operator, strategy), sum) in delegated {
            let shares = amount(&view(
                world,
                "eigenlayer.operator_shares",
                json!({ "operator": operator, "strategy": strategy }),
            ));
            if shares < sum {
                return Err(format!(
                    "operator {operator} holds {shares} of {strategy} < its delegators' {sum}"
                ));
            }
        }
        for &operator in operators {
            for &strategy in strategies {
                let args = json!({ "operator": operator, "strategy": strategy });
                let max: u64 =
                    amount(&view(world, "eigenlayer.get_max_magnitude", args.clone())).to();
                let encumbered: u64 =
                    amount(&view(world, "eigenlayer.get_encumbered_magnitude", args)).to();
                if encumbered > max || max > WAD_U64 {
                    return Err(format!(
                        "{operator}/{strategy}: encumbered {encumbered}, max {max}"
                    ));
                }
                let highest = self.max_magnitudes.entry((operator, strategy)).or_insert(WAD_U64);
                if max > *highest {
                    return Err(format!(
                        "{operator}/{strategy}: max magnitude rose from {highest} to {max}"
                    ));
                }
                *highest = max;
            }
        }
        Ok(())
    }
}

fn withdrawable(world: &World, staker: Address, strategy: Address) -> U256 {
    let result = view(
        world,
        "eigenlayer.get_withdrawable_shares",
        json!({ "staker": staker, "strategies": [strategy] }),
    );
    amount(&result["withdrawable_shares"][0])
}
