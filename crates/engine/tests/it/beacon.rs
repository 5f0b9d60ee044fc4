//! Random operation sequences against the beacon chain: ETH is conserved exactly (every
//! change of supply is an event), and the registry's own invariants hold after every step,
//! missed duties and inactivity leaks included.

use alloy_primitives::{Address, U256};
use proptest::prelude::*;
use rampart_engine::{
    accounts::{NATIVE_ETH, derived_address},
    beacon::{
        BeaconCall, BeaconChain, BeaconEvent, SLOTS_PER_EPOCH,
        calls::{Deposit, SetParticipation, ValidatorRef, validator_key},
        state::{FAR_FUTURE_EPOCH, WithdrawalCredentials},
    },
    ledger::Ledger,
};

const GWEI: u64 = 1_000_000_000;
const KEYS: usize = 6;

#[derive(Debug, Clone)]
enum Op {
    Deposit { key: usize, eth: u64, compounding: bool },
    Advance { epochs: u64 },
    VoluntaryExit { key: usize },
    WithdrawalRequest { key: usize },
    Slash { key: usize },
    Participation { key: usize, participation_bps: u16 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..KEYS, 1u64..80, any::<bool>())
            .prop_map(|(key, eth, compounding)| Op::Deposit { key, eth, compounding }),
        4 => prop_oneof![0u64..4, 4u64..300].prop_map(|epochs| Op::Advance { epochs }),
        1 => (0..KEYS).prop_map(|key| Op::VoluntaryExit { key }),
        1 => (0..KEYS).prop_map(|key| Op::WithdrawalRequest { key }),
        1 => (0..KEYS).prop_map(|key| Op::Slash { key }),
        2 => (0..KEYS, prop_oneof![Just(0u16), Just(5_000), Just(10_000)])
            .prop_map(|(key, participation_bps)| Op::Participation { key, participation_bps }),
    ]
}

fn admin() -> Address {
    derived_address("beacon-test", "admin")
}
fn operator() -> Address {
    derived_address("beacon-test", "operator")
}
fn pod(key: usize) -> Address {
    derived_address("beacon-test", &format!("pod-{key}"))
}
fn pubkey(key: usize) -> alloy_primitives::B256 {
    validator_key::resolve(&format!("v{key}")).unwrap()
}
fn wei(gwei: u64) -> U256 {
    U256::from(gwei) * U256::from(GWEI)
}

/// The change of ETH supply an event reports, in gwei (+ minted, − burned).
fn supply_change(event: &BeaconEvent) -> i128 {
    match event {
        BeaconEvent::EpochRewards { rewards_gwei, penalties_gwei, .. } => {
            i128::from(*rewards_gwei) - i128::from(*penalties_gwei)
        }
        BeaconEvent::ValidatorSlashed { penalty_gwei, .. }
        | BeaconEvent::CorrelationPenalty { penalty_gwei, .. } => -i128::from(*penalty_gwei),
        _ => 0,
    }
}

fn check_registry(beacon: &BeaconChain, epoch: u64) -> Result<(), TestCaseError> {
    for (index, v) in beacon.validators.iter().enumerate() {
        prop_assert!(
            v.effective_balance % GWEI == 0,
            "validator {index}: effective balance in whole ETH"
        );
        prop_assert!(
            v.effective_balance <= v.max_effective_balance(),
            "validator {index}: above the cap"
        );
        prop_assert!(
            v.activation_epoch >= v.activation_eligibility_epoch
                || v.activation_epoch == FAR_FUTURE_EPOCH
        );
        prop_assert!(
            v.exit_epoch <= v.withdrawable_epoch,
            "validator {index}: withdrawable before exit"
        );
        if v.exit_epoch != FAR_FUTURE_EPOCH {
            prop_assert!(
                v.withdrawable_epoch >= v.exit_epoch + 256,
                "validator {index}: withdrawal delay"
            );
        }
        if v.slashed {
            prop_assert!(
                v.exit_epoch != FAR_FUTURE_EPOCH,
                "validator {index}: slashed but not exiting"
            );
        }
        if v.withdrawable_epoch < epoch {
            prop_assert_eq!(
                v.balance,
                0,
                "validator {}: a withdrawable balance was not swept",
                index
            );
        }
    }
    Ok(())
}

/// What a run reached.
struct Run {
    /// Validators slashed.
    slashed: usize,
    /// Validators withdrawn in full.
    withdrawn: usize,
    /// Inactivity leaks started.
    leaks: usize,
}

/// Runs `ops`.
fn run(ops: &[Op]) -> Result<Run, TestCaseError> {
    let mut ledger = Ledger::with_default_tokens();
    let initial = wei(10_000_000 * GWEI);
    ledger.mint(NATIVE_ETH, operator(), initial).unwrap();
    let mut beacon = BeaconChain::default();
    let mut block = 0u64;
    let mut supply_delta: i128 = 0;
    let mut seen = Vec::new();
    for op in ops {
        let call = match *op {
            Op::Advance { epochs } => {
                // Land anywhere in the target epoch, not only on its first slot.
                block += epochs * SLOTS_PER_EPOCH + (epochs % 7);
                let events = beacon.process_until(&mut ledger, block);
                supply_delta += events.iter().map(supply_change).sum::<i128>();
                seen.extend(events);
                check_registry(&beacon, block / SLOTS_PER_EPOCH)?;
                None
            }
            Op::Deposit { key, eth, compounding } => Some((
                operator(),
                BeaconCall::Deposit(Deposit {
                    pubkey: pubkey(key),
                    withdrawal_credentials: WithdrawalCredentials {
                        compounding,
                        address: pod(key),
                    },
                    amount: wei(eth * GWEI),
                }),
            )),
            Op::VoluntaryExit { key } => {
                Some((operator(), BeaconCall::VoluntaryExit(ValidatorRef { pubkey: pubkey(key) })))
            }
            Op::WithdrawalRequest { key } => Some((
                pod(key),
                BeaconCall::WithdrawalRequest(ValidatorRef { pubkey: pubkey(key) }),
            )),
            Op::Slash { key } => {
                Some((admin(), BeaconCall::SlashValidator(ValidatorRef { pubkey: pubkey(key) })))
            }
            Op::Participation { key, participation_bps } => Some((
                admin(),
                BeaconCall::SetParticipation(SetParticipation {
                    pubkey: pubkey(key),
                    participation_bps,
                }),
            )),
        };
        if let Some((sender, call)) = call {
            let (beacon_before, ledger_before) = (beacon.clone(), ledger.clone());
            match beacon.apply(&mut ledger, block, admin(), sender, &call) {
                Ok(events) => {
                    supply_delta += events.iter().map(supply_change).sum::<i128>();
                    seen.extend(events);
                }
                Err(_) => {
                    prop_assert_eq!(
                        &beacon,
                        &beacon_before,
                        "a refused {:?} changed the chain",
                        op
                    );
                    prop_assert_eq!(&ledger, &ledger_before, "a refused {:?} moved ETH", op);
                }
            }
        }
        beacon
            .check_invariants(&ledger)
            .map_err(|e| TestCaseError::fail(format!("after {op:?}: {e}")))?;
        ledger.check_invariants().map_err(TestCaseError::fail)?;
        let supply = ledger.token(NATIVE_ETH).unwrap().total_supply;
        let expected = i128::try_from(initial / U256::from(GWEI)).unwrap() + supply_delta;
        prop_assert_eq!(
            supply,
            wei(u64::try_from(expected).unwrap()),
            "after {:?}: ETH supply off its events",
            op
        );
    }
    let count = |event: fn(&BeaconEvent) -> bool| seen.iter().filter(|e| event(e)).count();
    Ok(Run {
        slashed: count(|e| matches!(e, BeaconEvent::ValidatorSlashed { .. })),
        withdrawn: count(|e| matches!(e, BeaconEvent::Withdrawal { full: true, .. })),
        leaks: count(|e| matches!(e, BeaconEvent::InactivityLeak { leaking: true, .. })),
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn eth_is_conserved_and_the_registry_stays_consistent(ops in prop::collection::vec(op(), 1..60)) {
        run(&ops)?;
    }
}

#[test]
fn the_generator_reaches_exits_slashings_and_leaks() {
    use proptest::{strategy::ValueTree, test_runner::TestRunner};
    let mut runner = TestRunner::deterministic();
    let ops = prop::collection::vec(op(), 400).new_tree(&mut runner).unwrap().current();
    let run = run(&ops).unwrap();
    assert!(run.slashed > 0, "a long random run slashes a validator");
    assert!(run.withdrawn > 0, "a long random run withdraws a validator in full");
    assert!(run.leaks > 0, "a long random run stalls finality into an inactivity leak");
}
