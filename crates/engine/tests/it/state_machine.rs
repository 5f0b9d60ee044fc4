//! Property test: random sequences of valid and invalid calls keep every invariant.
//!
//! Goal: find any call sequence after which an invariant of the reference model fails, a
//! rejected call leaves a trace, or a replay of the same inputs ends in another state.
//! Method: proptest draws a sequence of abstract operations over a small cast (five stakers,
//! three operators, two AVSs with two operator sets each, one of them redistributing). Each
//! operation becomes a concrete call against the current world — indices may point at things
//! that do not exist, amounts may be too large, senders may be the wrong role, so many calls
//! are rejected, as they must be. After every step the model checks the world.

use std::collections::BTreeMap;

use proptest::prelude::*;
use rampart_engine::{
    Action, Address, Call, U256, World,
    accounts::{named_address, strategy_address, token_address},
    eigenlayer::{
        EigenLayerCall as C, OperatorSet, Params,
        calls::{
            AllocateParams, ClearBurnOrRedistributableShares, ClearDeallocationQueue,
            CompleteQueuedWithdrawal, CreateOperatorSets, CreateRedistributingOperatorSets,
            CreateSetParams, DelegateTo, DepositIntoStrategy, DeregisterFromOperatorSets,
            DeregisterParams, ModifyAllocations, OperatorSetStrategies, QueueWithdrawals,
            QueuedWithdrawalParams, Redelegate, RegisterAsOperator, RegisterForOperatorSets,
            RegisterParams, SetAllocationDelay, SlashOperator, SlashingParams, Undelegate,
            UpdateAvsMetadataUri,
        },
    },
    world::TokenCall,
};

use crate::model::Model;

const ETHER: u128 = 1_000_000_000_000_000_000;
const SYMBOLS: [&str; 3] = ["stETH", "rETH", "cbETH"];

/// One abstract operation; indices wrap around the cast.
#[derive(Debug, Clone)]
enum Op {
    Deposit { staker: u8, asset: u8, amount: u128 },
    Transfer { from: u8, to: u8, asset: u8, amount: u128 },
    RegisterOperator { operator: u8, delay: u32 },
    Delegate { staker: u8, operator: u8 },
    Undelegate { staker: u8, caller: u8 },
    Redelegate { staker: u8, operator: u8 },
    Queue { staker: u8, asset: u8, eighths: u8 },
    Complete { index: u8, as_tokens: bool, wrong_sender: bool },
    Register { operator: u8, set: u8 },
    Deregister { operator: u8, set: u8, by_avs: bool },
    Allocate { operator: u8, set: u8, asset: u8, percent: u8 },
    ClearQueue { operator: u8, asset: u8 },
    Slash { set: u8, operator: u8, assets: u8, percent: u8, wrong_caller: bool },
    SetDelay { operator: u8, delay: u32 },
    Advance { blocks: u8 },
    ClearBurn { set: u8, slash_id: u8 },
    ChangeSetStrategies { set: u8, asset: u8, add: bool },
}

fn op_strategy() -> impl Strategy<Value = Op> {
    let amount =
        prop_oneof![1u128..2_000, (1u128..50).prop_map(|n| n * ETHER), 1u128..(200 * ETHER)];
    prop_oneof![
        4 => (any::<u8>(), any::<u8>(), amount.clone()).prop_map(|(staker, asset, amount)| Op::Deposit { staker, asset, amount }),
        1 => (any::<u8>(), any::<u8>(), any::<u8>(), amount).prop_map(|(from, to, asset, amount)| Op::Transfer { from, to, asset, amount }),
        2 => (any::<u8>(), 0u32..4).prop_map(|(operator, delay)| Op::RegisterOperator { operator, delay }),
        3 => (any::<u8>(), any::<u8>()).prop_map(|(staker, operator)| Op::Delegate { staker, operator }),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(staker, caller)| Op::Undelegate { staker, caller }),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(staker, operator)| Op::Redelegate { staker, operator }),
        3 => (any::<u8>(), any::<u8>(), 1u8..=10).prop_map(|(staker, asset, eighths)| Op::Queue { staker, asset, eighths }),
        3 => (any::<u8>(), any::<bool>(), prop::bool::weighted(0.1)).prop_map(|(index, as_tokens, wrong_sender)| Op::Complete { index, as_tokens, wrong_sender }),
        2 => (any::<u8>(), any::<u8>()).prop_map(|(operator, set)| Op::Register { operator, set }),
        1 => (any::<u8>(), any::<u8>(), any::<bool>()).prop_map(|(operator, set, by_avs)| Op::Deregister { operator, set, by_avs }),
        3 => (any::<u8>(), any::<u8>(), any::<u8>(), 0u8..=110).prop_map(|(operator, set, asset, percent)| Op::Allocate { operator, set, asset, percent }),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(operator, asset)| Op::ClearQueue { operator, asset }),
        3 => (any::<u8>(), any::<u8>(), 1u8..8, 0u8..=101, prop::bool::weighted(0.1)).prop_map(|(set, operator, assets, percent, wrong_caller)| Op::Slash { set, operator, assets, percent, wrong_caller }),
        1 => (any::<u8>(), 0u32..4).prop_map(|(operator, delay)| Op::SetDelay { operator, delay }),
        3 => (1u8..70).prop_map(|blocks| Op::Advance { blocks }),
        1 => (any::<u8>(), 1u8..5).prop_map(|(set, slash_id)| Op::ClearBurn { set, slash_id }),
        1 => (any::<u8>(), any::<u8>(), any::<bool>()).prop_map(|(set, asset, add)| Op::ChangeSetStrategies { set, asset, add }),
    ]
}

/// The fixed cast of a test world.
struct Cast {
    stakers: Vec<Address>,
    operators: Vec<Address>,
    avss: Vec<Address>,
    sets: Vec<OperatorSet>,
    strategies: Vec<Address>,
    tokens: Vec<Address>,
}

impl Cast {
    fn new() -> Self {
        let names = |prefix: &str, n: usize| {
            (0..n).map(|i| named_address(&format!("{prefix}{i}"))).collect::<Vec<_>>()
        };
        let avss = names("avs", 2);
        let sets = vec![
            OperatorSet { avs: avss[0], id: 0 },
            OperatorSet { avs: avss[0], id: 1 },
            OperatorSet { avs: avss[1], id: 0 },
            OperatorSet { avs: avss[1], id: 7 },
        ];
        Self {
            stakers: names("staker", 5),
            operators: names("operator", 3),
            avss,
            sets,
            strategies: SYMBOLS.iter().map(|s| strategy_address(s)).collect(),
            tokens: SYMBOLS.iter().map(|s| token_address(s)).collect(),
        }
    }

    fn pick<T: Copy>(items: &[T], index: u8) -> T {
        items[usize::from(index) % items.len()]
    }
}

/// An input to the world: a call, or a clock move.
#[derive(Debug, Clone)]
enum Input {
    Call(Call),
    Advance(u64),
}

fn el(sender: Address, call: C) -> Call {
    Call { sender, action: Action::EigenLayer(call) }
}

fn setup(cast: &Cast, model: &mut Model) -> Vec<Input> {
    let admin = named_address("admin");
    let mut inputs = vec![Input::Advance(100)];
    for &avs in &cast.avss {
        inputs.push(Input::Call(el(
            avs,
            C::UpdateAvsMetadataUri(UpdateAvsMetadataUri { avs, metadata_uri: String::new() }),
        )));
    }
    let params = |id: u32, assets: &[usize]| CreateSetParams {
        operator_set_id: id,
        strategies: assets.iter().map(|&i| cast.strategies[i]).collect(),
        slasher: None,
    };
    let avs0 = cast.avss[0];
    inputs.push(Input::Call(el(
        avs0,
        C::CreateOperatorSets(CreateOperatorSets {
            avs: avs0,
            params: vec![params(0, &[0, 1]), params(1, &[2, 0])],
        }),
    )));
    let avs1 = cast.avss[1];
    inputs.push(Input::Call(el(
        avs1,
        C::CreateOperatorSets(CreateOperatorSets { avs: avs1, params: vec![params(0, &[1])] }),
    )));
    inputs.push(Input::Call(el(
        avs1,
        C::CreateRedistributingOperatorSets(CreateRedistributingOperatorSets {
            avs: avs1,
            params: vec![params(7, &[0, 2])],
            redistribution_recipients: vec![named_address("treasury")],
        }),
    )));
    for &staker in &cast.stakers {
        for &token in &cast.tokens {
            let amount = U256::from(1_000 * ETHER);
            model.minted(token, amount);
            inputs.push(Input::Call(Call {
                sender: admin,
                action: Action::Token(TokenCall::Mint { to: staker, token, amount }),
            }));
        }
    }
    inputs
}

fn concretize(op: &Op, cast: &Cast, world: &World, model: &Model) -> Input {
    match *op {
        Op::Deposit { staker, asset, amount } => {
            let (strategy, token) =
                (Cast::pick(&cast.strategies, asset), Cast::pick(&cast.tokens, asset));
            Input::Call(el(
                Cast::pick(&cast.stakers, staker),
                C::DepositIntoStrategy(DepositIntoStrategy {
                    strategy,
                    token,
                    amount: U256::from(amount),
                }),
            ))
        }
        Op::Transfer { from, to, asset, amount } => Input::Call(Call {
            sender: Cast::pick(&cast.stakers, from),
            action: Action::Token(TokenCall::Transfer {
                to: Cast::pick(&cast.stakers, to),
                token: Cast::pick(&cast.tokens, asset),
                amount: U256::from(amount),
            }),
        }),
        Op::RegisterOperator { operator, delay } => Input::Call(el(
            Cast::pick(&cast.operators, operator),
            C::RegisterAsOperator(RegisterAsOperator {
                init_delegation_approver: Address::ZERO,
                allocation_delay: delay,
                metadata_uri: String::new(),
            }),
        )),
        Op::Delegate { staker, operator } => Input::Call(el(
            Cast::pick(&cast.stakers, staker),
            C::DelegateTo(DelegateTo {
                operator: Cast::pick(&cast.operators, operator),
                approver_signature_and_expiry: Default::default(),
                approver_salt: Default::default(),
            }),
        )),
        Op::Undelegate { staker, caller } => {
            let staker = Cast::pick(&cast.stakers, staker);
            // Mostly the staker itself; sometimes its operator, sometimes a stranger.
            let sender = match caller % 4 {
                0 => Cast::pick(&cast.operators, caller),
                1 => Cast::pick(&cast.stakers, caller),
                _ => staker,
            };
            Input::Call(el(sender, C::Undelegate(Undelegate { staker })))
        }
        Op::Redelegate { staker, operator } => Input::Call(el(
            Cast::pick(&cast.stakers, staker),
            C::Redelegate(Redelegate {
                new_operator: Cast::pick(&cast.operators, operator),
                new_operator_approver_sig: Default::default(),
                approver_salt: Default::default(),
            }),
        )),
        Op::Queue { staker, asset, eighths } => {
            let staker = Cast::pick(&cast.stakers, staker);
            let strategy = Cast::pick(&cast.strategies, asset);
            let held = world
                .eigenlayer
                .stakers
                .get(&staker)
                .map_or(U256::ZERO, |r| r.deposit_shares(strategy));
            let shares = held * U256::from(eighths) / U256::from(8);
            Input::Call(el(
                staker,
                C::QueueWithdrawals(QueueWithdrawals {
                    params: vec![QueuedWithdrawalParams {
                        strategies: vec![strategy],
                        deposit_shares: vec![shares],
                        deprecated_withdrawer: Address::ZERO,
                    }],
                }),
            ))
        }
        Op::Complete { index, as_tokens, wrong_sender } => {
            if model.queued.is_empty() {
                return Input::Advance(1);
            }
            let withdrawal = model.queued[usize::from(index) % model.queued.len()].clone();
            let tokens = withdrawal
                .strategies
                .iter()
                .map(|s| world.eigenlayer.strategies[s].token)
                .collect();
            let sender = if wrong_sender {
                Cast::pick(&cast.stakers, index.wrapping_add(1))
            } else {
                withdrawal.staker
            };
            Input::Call(el(
                sender,
                C::CompleteQueuedWithdrawal(CompleteQueuedWithdrawal {
                    withdrawal,
                    tokens,
                    receive_as_tokens: as_tokens,
                }),
            ))
        }
        Op::Register { operator, set } => {
            let operator = Cast::pick(&cast.operators, operator);
            let set = Cast::pick(&cast.sets, set);
            Input::Call(el(
                operator,
                C::RegisterForOperatorSets(RegisterForOperatorSets {
                    operator,
                    params: RegisterParams {
                        avs: set.avs,
                        operator_set_ids: vec![set.id],
                        data: Default::default(),
                    },
                }),
            ))
        }
        Op::Deregister { operator, set, by_avs } => {
            let operator = Cast::pick(&cast.operators, operator);
            let set = Cast::pick(&cast.sets, set);
            let sender = if by_avs { set.avs } else { operator };
            Input::Call(el(
                sender,
                C::DeregisterFromOperatorSets(DeregisterFromOperatorSets {
                    params: DeregisterParams {
                        operator,
                        avs: set.avs,
                        operator_set_ids: vec![set.id],
                    },
                }),
            ))
        }
        Op::Allocate { operator, set, asset, percent } => {
            let operator = Cast::pick(&cast.operators, operator);
            // Past 105% ask for the largest uint64: must revert, never panic.
            let magnitude =
                if percent > 105 { u64::MAX } else { u64::from(percent) * 10_000_000_000_000_000 };
            Input::Call(el(
                operator,
                C::ModifyAllocations(ModifyAllocations {
                    operator,
                    params: vec![AllocateParams {
                        operator_set: Cast::pick(&cast.sets, set),
                        strategies: vec![Cast::pick(&cast.strategies, asset)],
                        new_magnitudes: vec![magnitude],
                    }],
                }),
            ))
        }
        Op::ClearQueue { operator, asset } => Input::Call(el(
            Cast::pick(&cast.stakers, 0),
            C::ClearDeallocationQueue(ClearDeallocationQueue {
                operator: Cast::pick(&cast.operators, operator),
                strategies: vec![Cast::pick(&cast.strategies, asset)],
                num_to_clear: vec![u16::MAX],
            }),
        )),
        Op::Slash { set, operator, assets, percent, wrong_caller } => {
            let set = Cast::pick(&cast.sets, set);
            let mut strategies: Vec<Address> =
                (0..3).filter(|i| assets & (1 << i) != 0).map(|i| cast.strategies[i]).collect();
            strategies.sort();
            let wad = U256::from(u128::from(percent) * 10_000_000_000_000_000);
            let sender = if wrong_caller { Cast::pick(&cast.stakers, operator) } else { set.avs };
            Input::Call(el(
                sender,
                C::SlashOperator(SlashOperator {
                    avs: set.avs,
                    params: SlashingParams {
                        operator: Cast::pick(&cast.operators, operator),
                        operator_set_id: set.id,
                        wads_to_slash: vec![wad; strategies.len()],
                        strategies,
                        description: String::new(),
                    },
                }),
            ))
        }
        Op::SetDelay { operator, delay } => {
            let operator = Cast::pick(&cast.operators, operator);
            Input::Call(el(operator, C::SetAllocationDelay(SetAllocationDelay { operator, delay })))
        }
        Op::Advance { blocks } => Input::Advance(u64::from(blocks)),
        Op::ClearBurn { set, slash_id } => Input::Call(el(
            Cast::pick(&cast.stakers, 1),
            C::ClearBurnOrRedistributableShares(ClearBurnOrRedistributableShares {
                operator_set: Cast::pick(&cast.sets, set),
                slash_id: u64::from(slash_id),
            }),
        )),
        Op::ChangeSetStrategies { set, asset, add } => {
            let set = Cast::pick(&cast.sets, set);
            let args = OperatorSetStrategies {
                avs: set.avs,
                operator_set_id: set.id,
                strategies: vec![Cast::pick(&cast.strategies, asset)],
            };
            Input::Call(el(
                set.avs,
                if add {
                    C::AddStrategiesToOperatorSet(args)
                } else {
                    C::RemoveStrategiesFromOperatorSet(args)
                },
            ))
        }
    }
}

fn apply_input(world: &mut World, input: &Input) -> Result<Vec<rampart_engine::Event>, String> {
    match input {
        Input::Advance(blocks) => world.advance_blocks(*blocks).map_err(|e| e.to_string()),
        Input::Call(call) => world.apply(call).map_err(|e| format!("{}: {e}", e.name())),
    }
}

/// The variant name of an operation, for coverage counts.
fn kind(op: &Op) -> &'static str {
    let debug = format!("{op:?}");
    let name = debug.split([' ', '{']).next().unwrap_or_default().to_owned();
    Box::leak(name.into_boxed_str())
}

/// Runs the operations, checking after each; returns (accepted, rejected) per operation kind.
fn run(ops: &[Op]) -> Result<BTreeMap<&'static str, (usize, usize)>, TestCaseError> {
    let cast = Cast::new();
    let mut model = Model::default();
    let mut world = World::new(Params::TESTNET);
    let mut log = setup(&cast, &mut model);
    for input in &log {
        apply_input(&mut world, input)
            .map_err(|e| TestCaseError::fail(format!("setup failed: {e}")))?;
    }
    let mut coverage: BTreeMap<&'static str, (usize, usize)> = BTreeMap::new();
    for op in ops {
        let input = concretize(op, &cast, &world, &model);
        let before = world.state_hash();
        let outcome = apply_input(&mut world, &input);
        match outcome {
            Ok(events) => {
                coverage.entry(kind(op)).or_default().0 += 1;
                let is_slash = matches!(
                    &input,
                    Input::Call(Call { action: Action::EigenLayer(C::SlashOperator(_)), .. })
                );
                model
                    .observe(&world, &events, is_slash)
                    .map_err(|e| TestCaseError::fail(format!("{op:?}: {e}")))?;
            }
            Err(_) => {
                coverage.entry(kind(op)).or_default().1 += 1;
                prop_assert_eq!(
                    world.state_hash(),
                    before,
                    "a rejected call changed the state: {:?}",
                    op
                );
            }
        }
        model
            .check(&world, &cast.stakers, &cast.operators, &cast.strategies)
            .map_err(|e| TestCaseError::fail(format!("after {op:?}: {e}")))?;
        log.push(input);
    }
    // Replaying the same inputs on a fresh world reaches the same state.
    let mut replay = World::new(Params::TESTNET);
    for input in &log {
        let _ = apply_input(&mut replay, input);
    }
    prop_assert_eq!(replay.state_hash(), world.state_hash(), "replay diverged");
    Ok(coverage)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn random_call_sequences_keep_every_invariant(ops in prop::collection::vec(op_strategy(), 1..120)) {
        run(&ops)?;
    }
}

/// The generator is only useful if every kind of call is sometimes accepted and sometimes
/// rejected; this runs one long seeded sequence and checks that it is.
#[test]
fn the_generator_reaches_every_kind_of_call_both_ways() {
    use proptest::{strategy::ValueTree, test_runner::TestRunner};
    let mut runner = TestRunner::deterministic();
    let ops = prop::collection::vec(op_strategy(), 3000)
        .new_tree(&mut runner)
        .expect("generates")
        .current();
    let coverage = run(&ops).expect("the long sequence keeps every invariant");
    for (kind, (accepted, rejected)) in &coverage {
        assert!(*accepted > 0, "{kind} was never accepted ({rejected} rejected)");
    }
    assert!(coverage.len() >= 16, "every kind of operation was drawn: {coverage:?}");
    let rejected: usize = coverage.values().map(|c| c.1).sum();
    assert!(rejected > 100, "invalid calls are exercised too ({rejected})");
}
