//! Seeded workloads for benchmarks: a large world and a realistic stream of calls against it.
//!
//! Used by `rampart bench` and the criterion benches. Nothing here is part of a state
//! transition: the generator draws from its own seeded SplitMix64 and only produces [`Call`]s,
//! which go through [`World::apply`] like any other input.

use std::collections::VecDeque;

use alloy_primitives::{Address, U256};

use crate::{
    Action, Call, Event, Rejection, World,
    accounts::{strategy_address, token_address},
    eigenlayer::{
        EigenLayerCall as C, EigenLayerEvent, OperatorSet, Params, Withdrawal,
        calls::{
            AllocateParams, ClearDeallocationQueue, CreateOperatorSets, CreateSetParams,
            DelegateTo, DepositIntoStrategy, ModifyAllocations, QueueWithdrawals,
            QueuedWithdrawalParams, RegisterAsOperator, RegisterForOperatorSets, RegisterParams,
            SlashOperator, SlashingParams, Undelegate, UpdateAvsMetadataUri,
        },
    },
    math::WAD_U64,
    world::TokenCall,
};

/// The size of a benchmark world.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkloadConfig {
    /// Stakers, each with one position delegated to an operator.
    pub stakers: u32,
    /// Operators.
    pub operators: u32,
    /// Operator sets (five per AVS).
    pub operator_sets: u32,
    /// The generator's seed.
    pub seed: u64,
}

/// The delays of benchmark worlds: short, so withdrawals and deallocations complete during a run.
pub const BENCH_PARAMS: Params = Params {
    deallocation_delay_blocks: 50,
    allocation_configuration_delay_blocks: 75,
    min_withdrawal_delay_blocks: 50,
    chain_id: 31_337,
    rewards: crate::eigenlayer::rewards::RewardsParams::TESTNET,
};

/// Calls per block in the mixed workload (a busy chain carries a few hundred restaking calls a
/// block at most; 20 keeps withdrawals maturing during a run).
const CALLS_PER_BLOCK: u64 = 20;

const SETS_PER_AVS: u32 = 5;
const SYMBOLS: [&str; 3] = ["stETH", "rETH", "cbETH"];
const ONE_ETHER: u128 = 1_000_000_000_000_000_000;

/// SplitMix64: tiny, seedable, and the same on every machine.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator with this seed.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (bound > 0), by multiply-shift.
    pub fn below(&mut self, bound: u64) -> u64 {
        let scaled = (u128::from(self.next_u64()) * u128::from(bound)) >> 64;
        u64::try_from(scaled).expect("below bound")
    }

    /// A number in `0..bound` (bound > 0).
    pub fn below_u32(&mut self, bound: u32) -> u32 {
        u32::try_from(self.below(u64::from(bound))).expect("below a u32 bound")
    }

    /// An index into a collection of `len` items (len > 0).
    pub fn index(&mut self, len: usize) -> usize {
        usize::try_from(self.below(len as u64)).expect("below a usize bound")
    }
}

/// The address of the benchmark's `index`-th staker (synthetic: deriving named keys for a
/// million stakers would dominate the setup).
pub fn staker_address(index: u32) -> Address {
    let mut bytes = [0u8; 20];
    bytes[0] = 0x5a;
    bytes[16..].copy_from_slice(&index.to_be_bytes());
    Address::from(bytes)
}

/// The address of the benchmark's `index`-th operator.
pub fn operator_address(index: u32) -> Address {
    let mut bytes = [0u8; 20];
    bytes[0] = 0x0b;
    bytes[16..].copy_from_slice(&index.to_be_bytes());
    Address::from(bytes)
}

/// The address of the benchmark's `index`-th AVS.
pub fn avs_address(index: u32) -> Address {
    let mut bytes = [0u8; 20];
    bytes[0] = 0xa5;
    bytes[16..].copy_from_slice(&index.to_be_bytes());
    Address::from(bytes)
}

/// A large world and a generator of mixed calls against it.
#[derive(Debug)]
pub struct Workload {
    /// The world.
    pub world: World,
    config: WorkloadConfig,
    /// (token, strategy) per symbol, derived once: addresses are hashes.
    assets: [(Address, Address); 3],
    /// The slashable strategies, sorted as `slashOperator` wants them.
    sorted_strategies: Vec<Address>,
    rng: SplitMix64,
    queued: VecDeque<Withdrawal>,
    sets: Vec<OperatorSet>,
    calls: u64,
}

fn call(sender: Address, action: C) -> Call {
    Call { sender, action: Action::EigenLayer(action) }
}

impl Workload {
    /// Builds the world: AVSs with operator sets over stETH, rETH and cbETH; operators each
    /// registered for three sets with a fifth of their magnitude allocated to each; stakers each
    /// holding one position delegated to an operator (round robin).
    pub fn build(config: WorkloadConfig) -> Self {
        assert!(
            config.operators > 0 && config.operator_sets > 0,
            "a workload needs operators and sets"
        );
        let mut world = World::new(BENCH_PARAMS);
        world.set_block(1000).expect("forward");
        let strategies: Vec<Address> = SYMBOLS.iter().map(|s| strategy_address(s)).collect();
        let mut sets = Vec::new();
        let avs_count = config.operator_sets.div_ceil(SETS_PER_AVS);
        for avs_index in 0..avs_count {
            let avs = avs_address(avs_index);
            apply(
                &mut world,
                &call(
                    avs,
                    C::UpdateAvsMetadataUri(UpdateAvsMetadataUri {
                        avs,
                        metadata_uri: String::new(),
                    }),
                ),
            );
            let ids =
                (0..SETS_PER_AVS).filter(|i| avs_index * SETS_PER_AVS + i < config.operator_sets);
            let params: Vec<CreateSetParams> = ids
                .map(|id| {
                    sets.push(OperatorSet { avs, id });
                    CreateSetParams {
                        operator_set_id: id,
                        strategies: strategies.clone(),
                        slasher: Some(avs),
                    }
                })
                .collect();
            apply(
                &mut world,
                &call(avs, C::CreateOperatorSets(CreateOperatorSets { avs, params })),
            );
        }
        let assets = SYMBOLS.map(|s| (token_address(s), strategy_address(s)));
        let mut sorted_strategies = strategies.clone();
        sorted_strategies.sort();
        let mut workload = Self {
            world,
            config,
            assets,
            sorted_strategies,
            rng: SplitMix64::new(config.seed),
            queued: VecDeque::new(),
            sets,
            calls: 0,
        };
        for index in 0..config.operators {
            workload.add_operator(index, &strategies);
        }
        for index in 0..config.stakers {
            workload.add_staker(index);
        }
        workload.world.advance_blocks(1).expect("forward");
        workload
    }

    fn operator_sets_of(&self, operator: u32) -> Vec<OperatorSet> {
        let count = self.sets.len();
        let operator = operator as usize;
        let mut chosen: Vec<OperatorSet> =
            [1usize, 7, 13].iter().map(|k| self.sets[(operator * k + k) % count]).collect();
        chosen.sort();
        chosen.dedup();
        chosen
    }

    fn add_operator(&mut self, index: u32, strategies: &[Address]) {
        let operator = operator_address(index);
        let register = RegisterAsOperator {
            init_delegation_approver: Address::ZERO,
            allocation_delay: 0,
            metadata_uri: String::new(),
        };
        apply(&mut self.world, &call(operator, C::RegisterAsOperator(register)));
        let sets = self.operator_sets_of(index);
        for operator_set in &sets {
            let params = RegisterParams {
                avs: operator_set.avs,
                operator_set_ids: vec![operator_set.id],
                data: Default::default(),
            };
            apply(
                &mut self.world,
                &call(
                    operator,
                    C::RegisterForOperatorSets(RegisterForOperatorSets { operator, params }),
                ),
            );
        }
        let params = sets
            .iter()
            .map(|set| AllocateParams {
                operator_set: *set,
                strategies: strategies.to_vec(),
                new_magnitudes: vec![WAD_U64 / 5; strategies.len()],
            })
            .collect();
        apply(
            &mut self.world,
            &call(operator, C::ModifyAllocations(ModifyAllocations { operator, params })),
        );
    }

    fn add_staker(&mut self, index: u32) {
        let staker = staker_address(index);
        let (token, strategy) = self.assets[index as usize % SYMBOLS.len()];
        let amount = U256::from(32 * ONE_ETHER);
        let admin = self.world.admin;
        let mint = TokenCall::Mint { to: staker, token, amount };
        apply(&mut self.world, &Call { sender: admin, action: Action::Token(mint) });
        let deposit = DepositIntoStrategy { strategy, token, amount };
        apply(&mut self.world, &call(staker, C::DepositIntoStrategy(deposit)));
        let operator = operator_address(index % self.config.operators);
        apply(
            &mut self.world,
            &call(staker, C::DelegateTo(DelegateTo { operator, ..delegate_default() })),
        );
    }

    /// Gives every staker some idle tokens, so the mixed workload's deposits and transfers have
    /// something to move.
    pub fn fund_stakers(&mut self, amount: U256) {
        let admin = self.world.admin;
        for index in 0..self.config.stakers {
            let token = self.assets[index as usize % SYMBOLS.len()].0;
            let mint = TokenCall::Mint { to: staker_address(index), token, amount };
            apply(&mut self.world, &Call { sender: admin, action: Action::Token(mint) });
        }
    }

    /// The next call of the mix: 35% deposits, 15% transfers, 15% withdrawals queued, 10%
    /// completed, 10% allocation changes, 5% undelegations, 5% delegations, 4% deallocation
    /// queue clears and 1% slashes. Some are rejected, as on a real chain.
    pub fn next_call(&mut self) -> Call {
        let staker_index = self.rng.below_u32(self.config.stakers.max(1));
        let staker = staker_address(staker_index);
        let (token, strategy) = self.assets[staker_index as usize % SYMBOLS.len()];
        let operator_index = self.rng.below_u32(self.config.operators);
        let operator = operator_address(operator_index);
        let roll = self.rng.below(100);
        match roll {
            0..35 => call(
                staker,
                C::DepositIntoStrategy(DepositIntoStrategy {
                    strategy,
                    token,
                    amount: U256::from(ONE_ETHER),
                }),
            ),
            35..50 => {
                let to = staker_address(self.rng.below_u32(self.config.stakers.max(1)));
                Call {
                    sender: staker,
                    action: Action::Token(TokenCall::Transfer {
                        to,
                        token,
                        amount: U256::from(ONE_ETHER / 10),
                    }),
                }
            }
            50..65 => call(
                staker,
                C::QueueWithdrawals(QueueWithdrawals {
                    params: vec![QueuedWithdrawalParams {
                        strategies: vec![strategy],
                        deposit_shares: vec![U256::from(ONE_ETHER / 2)],
                        deprecated_withdrawer: Address::ZERO,
                    }],
                }),
            ),
            65..75 => self.completion().unwrap_or_else(|| {
                call(
                    staker,
                    C::DepositIntoStrategy(DepositIntoStrategy {
                        strategy,
                        token,
                        amount: U256::from(ONE_ETHER),
                    }),
                )
            }),
            75..85 => {
                let sets = self.operator_sets_of(operator_index);
                let operator_set = sets[self.rng.index(sets.len())];
                let magnitude = if self.rng.below(2) == 0 { WAD_U64 / 5 } else { WAD_U64 / 10 };
                call(
                    operator,
                    C::ModifyAllocations(ModifyAllocations {
                        operator,
                        params: vec![AllocateParams {
                            operator_set,
                            strategies: vec![strategy],
                            new_magnitudes: vec![magnitude],
                        }],
                    }),
                )
            }
            85..90 => call(staker, C::Undelegate(Undelegate { staker })),
            90..95 => call(staker, C::DelegateTo(DelegateTo { operator, ..delegate_default() })),
            95..99 => call(
                operator,
                C::ClearDeallocationQueue(ClearDeallocationQueue {
                    operator,
                    strategies: vec![strategy],
                    num_to_clear: vec![u16::MAX],
                }),
            ),
            _ => {
                let sets = self.operator_sets_of(operator_index);
                let operator_set = sets[self.rng.index(sets.len())];
                let strategies = self.sorted_strategies.clone();
                let wads_to_slash = vec![U256::from(ONE_ETHER / 100); strategies.len()];
                call(
                    operator_set.avs,
                    C::SlashOperator(SlashOperator {
                        avs: operator_set.avs,
                        params: SlashingParams {
                            operator,
                            operator_set_id: operator_set.id,
                            strategies,
                            wads_to_slash,
                            description: String::new(),
                        },
                    }),
                )
            }
        }
    }

    fn completion(&mut self) -> Option<Call> {
        let delay = self.world.eigenlayer.params.min_withdrawal_delay_blocks;
        let front = self.queued.front()?;
        if u64::from(front.start_block) + delay >= self.world.clock.block {
            return None;
        }
        let withdrawal = self.queued.pop_front()?;
        let tokens = withdrawal
            .strategies
            .iter()
            .map(|s| self.world.eigenlayer.strategies[s].token)
            .collect();
        let args = crate::eigenlayer::calls::CompleteQueuedWithdrawal {
            withdrawal: withdrawal.clone(),
            tokens,
            receive_as_tokens: true,
        };
        Some(call(withdrawal.staker, C::CompleteQueuedWithdrawal(args)))
    }

    /// Generates and applies the next call, keeping track of the withdrawals it queues and
    /// moving the clock one block every few calls.
    pub fn step(&mut self) -> Result<usize, Rejection> {
        let next = self.next_call();
        let outcome = self.world.apply(&next);
        self.calls += 1;
        if self.calls.is_multiple_of(CALLS_PER_BLOCK) {
            self.world.advance_blocks(1).expect("forward");
        }
        let events = outcome?;
        for event in &events {
            if let Event::EigenLayer(EigenLayerEvent::SlashingWithdrawalQueued {
                withdrawal, ..
            }) = event
            {
                self.queued.push_back((**withdrawal).clone());
            }
        }
        Ok(events.len())
    }

    /// The world's configuration.
    pub fn config(&self) -> WorkloadConfig {
        self.config
    }
}

fn delegate_default() -> DelegateTo {
    DelegateTo {
        operator: Address::ZERO,
        approver_signature_and_expiry: Default::default(),
        approver_salt: Default::default(),
    }
}

fn apply(world: &mut World, call: &Call) {
    if let Err(rejection) = world.apply(call) {
        panic!(
            "workload setup call {} rejected: {}: {rejection}",
            call.action.name(),
            rejection.name()
        );
    }
}

/// A world with one operator, `stakers` stakers delegated to it, and the operator fully
/// allocated to one set: the setting of the slash-cost benchmark.
pub fn single_operator_world(stakers: u32) -> (World, SlashOperator) {
    let mut world = World::new(BENCH_PARAMS);
    world.set_block(1000).expect("forward");
    let avs = avs_address(0);
    let operator = operator_address(0);
    let strategy = strategy_address("stETH");
    let setup = [
        call(
            avs,
            C::UpdateAvsMetadataUri(UpdateAvsMetadataUri { avs, metadata_uri: String::new() }),
        ),
        call(
            avs,
            C::CreateOperatorSets(CreateOperatorSets {
                avs,
                params: vec![CreateSetParams {
                    operator_set_id: 0,
                    strategies: vec![strategy],
                    slasher: Some(avs),
                }],
            }),
        ),
        call(
            operator,
            C::RegisterAsOperator(RegisterAsOperator {
                init_delegation_approver: Address::ZERO,
                allocation_delay: 0,
                metadata_uri: String::new(),
            }),
        ),
        call(
            operator,
            C::RegisterForOperatorSets(RegisterForOperatorSets {
                operator,
                params: RegisterParams { avs, operator_set_ids: vec![0], data: Default::default() },
            }),
        ),
        call(
            operator,
            C::ModifyAllocations(ModifyAllocations {
                operator,
                params: vec![AllocateParams {
                    operator_set: OperatorSet { avs, id: 0 },
                    strategies: vec![strategy],
                    new_magnitudes: vec![WAD_U64],
                }],
            }),
        ),
    ];
    for step in setup {
        apply(&mut world, &step);
    }
    let token = token_address("stETH");
    let admin = world.admin;
    for index in 0..stakers {
        let staker = staker_address(index);
        let amount = U256::from(32 * ONE_ETHER);
        apply(
            &mut world,
            &Call {
                sender: admin,
                action: Action::Token(TokenCall::Mint { to: staker, token, amount }),
            },
        );
        apply(
            &mut world,
            &call(staker, C::DepositIntoStrategy(DepositIntoStrategy { strategy, token, amount })),
        );
        apply(
            &mut world,
            &call(staker, C::DelegateTo(DelegateTo { operator, ..delegate_default() })),
        );
    }
    world.advance_blocks(1).expect("forward");
    let slash = SlashOperator {
        avs,
        params: SlashingParams {
            operator,
            operator_set_id: 0,
            strategies: vec![strategy],
            // A millionth per slash: thousands of slashes still take the full path.
            wads_to_slash: vec![U256::from(ONE_ETHER / 1_000_000)],
            description: "benchmark".into(),
        },
    };
    (world, slash)
}

/// The call that applies `slash`, sent by its AVS.
pub fn slash_call(slash: &SlashOperator) -> Call {
    call(slash.avs, C::SlashOperator(slash.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_workload_runs_and_keeps_every_invariant() {
        let mut workload = Workload::build(WorkloadConfig {
            stakers: 300,
            operators: 20,
            operator_sets: 10,
            seed: 7,
        });
        workload.fund_stakers(U256::from(100 * ONE_ETHER));
        workload.world.check_invariants().unwrap();
        let mut accepted = 0;
        for _ in 0..3000 {
            if workload.step().is_ok() {
                accepted += 1;
            }
        }
        workload.world.check_invariants().unwrap();
        assert!(accepted > 1500, "most calls of the mix are valid ({accepted} of 3000)");
    }

    #[test]
    fn slashing_the_single_operator_world_works() {
        let (mut world, slash) = single_operator_world(10);
        let events = world.apply(&slash_call(&slash)).unwrap();
        assert!(
            events
                .iter()
                .any(|e| matches!(e, Event::EigenLayer(EigenLayerEvent::OperatorSlashed { .. })))
        );
        world.check_invariants().unwrap();
    }
}
