//! Property test of the Babylon module: random sequences of registrations, covenant
//! signatures, inclusions, unbondings, withdrawals, votes and double votes.
//!
//! After every step: BTC is conserved (for every delegation, staked = still locked + burned +
//! fees + returned, and the escrow holds exactly what is locked — `Babylon::check_invariants`),
//! a rejected message changes nothing, and a double vote touches only the delegations of the
//! provider that double-voted.

use proptest::prelude::*;
use rampart_engine::{
    Action, Address, B256, Call, U256, World,
    accounts::{named_address, token_address},
    babylon::{BabylonCall, calls::*, eots},
    eigenlayer::Params,
    world::TokenCall,
};

const PROVIDERS: [&str; 3] = ["fp0", "fp1", "fp2"];
const STAKERS: [&str; 4] = ["s0", "s1", "s2", "s3"];

#[derive(Debug, Clone)]
enum Op {
    Delegate { staker: u8, provider: u8, value: u64, time: u64 },
    Sign { delegation: u8, member: u8 },
    Include { delegation: u8, depth: u8 },
    Undelegate { delegation: u8, depth: u8 },
    Withdraw { delegation: u8 },
    Vote { provider: u8, height: u8, block: u8 },
    Advance { btc_blocks: u8 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (any::<u8>(), any::<u8>(), 5_000u64..2_000_000, 1u64..1200).prop_map(|(staker, provider, value, time)| Op::Delegate { staker, provider, value, time }),
        4 => (any::<u8>(), any::<u8>()).prop_map(|(delegation, member)| Op::Sign { delegation, member }),
        3 => (any::<u8>(), 0u8..4).prop_map(|(delegation, depth)| Op::Include { delegation, depth }),
        1 => (any::<u8>(), 0u8..8).prop_map(|(delegation, depth)| Op::Undelegate { delegation, depth }),
        2 => any::<u8>().prop_map(|delegation| Op::Withdraw { delegation }),
        3 => (any::<u8>(), 1u8..6, 0u8..3).prop_map(|(provider, height, block)| Op::Vote { provider, height, block }),
        2 => (1u8..40).prop_map(|btc_blocks| Op::Advance { btc_blocks }),
    ]
}

fn babylon(sender: Address, call: BabylonCall) -> Call {
    Call { sender, action: Action::Babylon(call) }
}

fn setup() -> World {
    let mut world = World::new(Params::TESTNET);
    let admin = world.admin;
    for name in PROVIDERS {
        let create = CreateFinalityProvider {
            btc_pk: eots::public_key(&eots::named_secret(name)).unwrap(),
            commission: "0.1".into(),
            consumer_id: "bbn-1".into(),
            moniker: String::new(),
        };
        world
            .apply(&babylon(named_address(name), BabylonCall::CreateFinalityProvider(create)))
            .unwrap();
        let fp = eots::public_key(&eots::named_secret(name)).unwrap();
        let list = (1..6)
            .map(|h| eots::public_randomness(&eots::named_randomness(name, h)).unwrap())
            .collect();
        world
            .apply(&babylon(
                named_address(name),
                BabylonCall::CommitPubRandList(CommitPubRandList {
                    fp_btc_pk: fp,
                    start_height: 1,
                    pub_rand_list: list,
                }),
            ))
            .unwrap();
    }
    for name in STAKERS {
        let mint = TokenCall::Mint {
            to: named_address(name),
            token: token_address("BTC"),
            amount: U256::from(100_000_000u64),
        };
        world.apply(&Call { sender: admin, action: Action::Token(mint) }).unwrap();
    }
    world
}

fn pick<T: Copy>(items: &[T], index: u8) -> Option<T> {
    (!items.is_empty()).then(|| items[usize::from(index) % items.len()])
}

fn to_call(op: &Op, world: &World) -> Option<Call> {
    let hashes: Vec<B256> = world.babylon.delegations.keys().copied().collect();
    let staker_of = |hash: B256| world.babylon.delegations[&hash].staker;
    let tip = world.babylon.btc_height_at(world.clock.block);
    Some(match *op {
        Op::Delegate { staker, provider, value, time } => {
            let fp = eots::public_key(&eots::named_secret(PROVIDERS[usize::from(provider) % 3]))
                .unwrap();
            let args = CreateBtcDelegation {
                fp_btc_pk_list: vec![fp],
                staking_time: time,
                staking_value: value,
                inclusion_height: None,
            };
            babylon(
                named_address(STAKERS[usize::from(staker) % 4]),
                BabylonCall::CreateBtcDelegation(args),
            )
        }
        Op::Sign { delegation, member } => {
            let hash = pick(&hashes, delegation)?;
            babylon(
                named_address(&format!("covenant{}", member % 4)),
                BabylonCall::AddCovenantSigs(StakingTx { staking_tx_hash: hash }),
            )
        }
        Op::Include { delegation, depth } => {
            let hash = pick(&hashes, delegation)?;
            let inclusion_height = tip.saturating_sub(u64::from(depth));
            babylon(
                named_address("vigilante"),
                BabylonCall::AddBtcDelegationInclusionProof(InclusionProof {
                    staking_tx_hash: hash,
                    inclusion_height,
                }),
            )
        }
        Op::Undelegate { delegation, depth } => {
            let hash = pick(&hashes, delegation)?;
            // The unbonding transaction was included `depth` blocks ago (before the staking
            // transaction's block, the report is refused).
            let inclusion_height = Some(tip.saturating_sub(u64::from(depth)));
            babylon(
                staker_of(hash),
                BabylonCall::BtcUndelegate(Undelegate { staking_tx_hash: hash, inclusion_height }),
            )
        }
        Op::Withdraw { delegation } => {
            let hash = pick(&hashes, delegation)?;
            babylon(
                staker_of(hash),
                BabylonCall::WithdrawStake(StakingTx { staking_tx_hash: hash }),
            )
        }
        Op::Vote { provider, height, block } => {
            let name = PROVIDERS[usize::from(provider) % 3];
            let height = u64::from(height);
            let block_app_hash = B256::repeat_byte(block + 1);
            let randomness = eots::named_randomness(name, height);
            let finality_sig = eots::sign(
                &eots::named_secret(name),
                &randomness,
                &eots::vote_message(height, &block_app_hash),
            )
            .unwrap();
            let args = AddFinalitySig {
                fp_btc_pk: eots::public_key(&eots::named_secret(name)).unwrap(),
                block_height: height,
                pub_rand: eots::public_randomness(&randomness).unwrap(),
                block_app_hash,
                finality_sig,
            };
            babylon(named_address("anyone"), BabylonCall::AddFinalitySig(args))
        }
        Op::Advance { .. } => return None,
    })
}

fn run(ops: &[Op]) -> Result<usize, TestCaseError> {
    let mut world = setup();
    let mut slashes = 0;
    for op in ops {
        if let Op::Advance { btc_blocks } = op {
            world.advance_blocks(u64::from(*btc_blocks) * 50).unwrap();
            continue;
        }
        let Some(call) = to_call(op, &world) else { continue };
        let before_hash = world.state_hash();
        let before = world.babylon.clone();
        match world.apply(&call) {
            Err(_) => prop_assert_eq!(
                world.state_hash(),
                before_hash,
                "a rejected message changed the state: {:?}",
                op
            ),
            Ok(events) => {
                let slashed: Vec<B256> = world
                    .babylon
                    .finality_providers
                    .iter()
                    .filter(|(fp, p)| {
                        p.slashed.is_some() && before.finality_providers[*fp].slashed.is_none()
                    })
                    .map(|(fp, _)| *fp)
                    .collect();
                if !slashed.is_empty() {
                    slashes += 1;
                    for (hash, delegation) in &world.babylon.delegations {
                        let was = &before.delegations[hash];
                        if !delegation.fp_btc_pks.iter().any(|fp| slashed.contains(fp)) {
                            prop_assert_eq!(
                                delegation,
                                was,
                                "a slash touched a delegation outside the slashed provider's set"
                            );
                        }
                    }
                }
                let _ = events;
            }
        }
        world.check_invariants().map_err(|e| TestCaseError::fail(format!("after {op:?}: {e}")))?;
        let supply = world.ledger.token(token_address("BTC")).unwrap().total_supply;
        prop_assert_eq!(supply, U256::from(400_000_000u64), "BTC is only minted at setup");
    }
    Ok(slashes)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn btc_is_conserved_and_slashes_stay_with_the_guilty(ops in prop::collection::vec(op(), 1..80)) {
        run(&ops)?;
    }
}

#[test]
fn the_generator_reaches_slashing() {
    use proptest::{strategy::ValueTree, test_runner::TestRunner};
    let mut runner = TestRunner::deterministic();
    let ops = prop::collection::vec(op(), 1500).new_tree(&mut runner).unwrap().current();
    let slashes = run(&ops).unwrap();
    assert!(slashes > 0, "a long random run double-votes at least once");
}
