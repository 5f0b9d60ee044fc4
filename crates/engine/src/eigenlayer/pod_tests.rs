//! EigenPod accounting against `docs/core/accounting/DualSlashingEdgeCase.md` and the
//! contracts' own tests, on a beacon chain whose balances are set by hand to the documents'
//! figures (a checkpoint proves whatever the beacon state says, so this is exactly the state
//! the documents draw; the clock stays inside one epoch, so no reward moves a balance).

use alloy_primitives::{Address, U256};
use serde_json::{Value, json};

use super::{EigenLayer, EigenLayerCall, EigenLayerError, Env, Params, pods::pod_address};
use crate::{
    accounts::{BEACON_CHAIN_ETH_STRATEGY, NATIVE_ETH, named_address},
    beacon::{
        BeaconChain, FAR_FUTURE_EPOCH, FULL_PARTICIPATION_BPS, WithdrawalCredentials,
        calls::validator_key, state::Validator,
    },
    ledger::Ledger,
    math::WAD,
};

const GWEI: u64 = 1_000_000_000;

fn eth(amount: u64) -> U256 {
    U256::from(amount) * U256::from(GWEI) * U256::from(GWEI)
}

struct Harness {
    eigenlayer: EigenLayer,
    ledger: Ledger,
    beacon: BeaconChain,
    block: u64,
}

impl Harness {
    fn new() -> Self {
        let mut eigenlayer = EigenLayer::new(Params::TESTNET);
        let ledger = Ledger::with_default_tokens();
        for symbol in crate::ledger::DEFAULT_STRATEGY_TOKENS {
            eigenlayer.deploy_strategy(&ledger, crate::accounts::token_address(symbol)).unwrap();
        }
        Self { eigenlayer, ledger, beacon: BeaconChain::default(), block: 1000 }
    }

    fn env(&self) -> Env {
        Env { block: self.block, timestamp: 1_700_000_000 + 12 * self.block, admin: Address::ZERO }
    }

    #[allow(clippy::needless_pass_by_value)] // calls read as values at every call site
    fn call(&mut self, from: &str, function: &str, args: Value) -> Result<(), EigenLayerError> {
        let call: EigenLayerCall =
            serde_json::from_value(json!({ "function": function, "args": args })).unwrap();
        let env = self.env();
        let mut beacon_events = Vec::new();
        self.eigenlayer.apply(
            &mut self.ledger,
            &mut self.beacon,
            &env,
            named_address(from),
            &call,
            &mut beacon_events,
        )?;
        self.eigenlayer.check_invariants().unwrap();
        Ok(())
    }

    fn next_block(&mut self) {
        self.block += 1;
    }

    /// An active validator of `owner`'s pod with `balance` and an effective balance of 32 ETH.
    fn add_validator(&mut self, owner: &str, name: &str) -> u64 {
        let pubkey = validator_key::resolve(name).unwrap();
        let index = self.beacon.validators.len();
        self.beacon.validators.push(Validator {
            pubkey,
            operator: named_address(owner),
            credentials: WithdrawalCredentials {
                compounding: false,
                address: pod_address(named_address(owner)),
            },
            effective_balance: 32 * GWEI,
            balance: 32 * GWEI,
            activation_eligibility_epoch: 0,
            activation_epoch: 1,
            exit_epoch: FAR_FUTURE_EPOCH,
            withdrawable_epoch: FAR_FUTURE_EPOCH,
            slashed: false,
            participation_bps: FULL_PARTICIPATION_BPS,
            participation_credit: 0,
            performed_duties: false,
            inactivity_score: 0,
        });
        self.beacon.index_of.insert(pubkey, index);
        index as u64
    }

    fn validator(&mut self, index: u64) -> &mut Validator {
        &mut self.beacon.validators[usize::try_from(index).unwrap()]
    }

    fn set_balance(&mut self, index: u64, gwei: u64) {
        self.validator(index).balance = gwei;
    }

    /// Sends ETH to the pod, as the withdrawal sweep would.
    fn pay_pod(&mut self, owner: &str, amount: U256) {
        self.ledger.mint(NATIVE_ETH, pod_address(named_address(owner)), amount).unwrap();
    }

    fn withdrawable(&self, staker: &str) -> U256 {
        let staker = named_address(staker);
        let record = self.eigenlayer.stakers.get(&staker);
        let operator = record.and_then(|r| r.delegated_to);
        let factor =
            self.eigenlayer.slashing_factor(staker, operator, BEACON_CHAIN_ETH_STRATEGY).unwrap();
        record.map_or(U256::ZERO, |r| {
            super::withdrawable_shares(
                r.deposit_shares(BEACON_CHAIN_ETH_STRATEGY),
                r.stored_scaling_factor(BEACON_CHAIN_ETH_STRATEGY),
                factor,
            )
            .unwrap()
        })
    }

    fn scaling_factor(&self, staker: &str) -> U256 {
        let record = self.eigenlayer.stakers.get(&named_address(staker)).unwrap();
        super::scaling_factor(record.stored_scaling_factor(BEACON_CHAIN_ETH_STRATEGY))
    }

    fn bcsf(&self, staker: &str) -> U256 {
        self.eigenlayer.beacon_chain_slashing_factor(named_address(staker))
    }

    /// An operator in a set that can slash beacon-chain ETH, with all of it allocated.
    fn slashable_operator(&mut self) {
        self.call("avs", "update_avs_metadata_uri", json!({ "avs": "avs" })).unwrap();
        let sets =
            json!([{ "operator_set_id": 1, "strategies": ["beaconChainETH"], "slasher": "avs" }]);
        self.call("avs", "create_operator_sets", json!({ "avs": "avs", "params": sets })).unwrap();
        self.call("op", "register_as_operator", json!({ "allocation_delay": 0 })).unwrap();
        let register = json!({ "avs": "avs", "operator_set_ids": [1] });
        self.call(
            "op",
            "register_for_operator_sets",
            json!({ "operator": "op", "params": register }),
        )
        .unwrap();
        self.next_block();
        let allocation = json!([{
            "operator_set": { "avs": "avs", "id": 1 },
            "strategies": ["beaconChainETH"],
            "new_magnitudes": ["1 wad"],
        }]);
        self.call("op", "modify_allocations", json!({ "operator": "op", "params": allocation }))
            .unwrap();
        self.next_block();
    }

    fn slash_operator(&mut self, wad: &str) {
        let params = json!({
            "operator": "op", "operator_set_id": 1, "strategies": ["beaconChainETH"],
            "wads_to_slash": [wad], "description": "test",
        });
        self.call("avs", "slash_operator", json!({ "avs": "avs", "params": params })).unwrap();
    }

    fn checkpoint(&mut self, owner: &str, indices: &[u64]) -> Result<(), EigenLayerError> {
        self.call(owner, "start_checkpoint", json!({}))?;
        self.call(owner, "verify_checkpoint_proofs", json!({ "validator_indices": indices }))
    }

    /// Alice's pod with one verified 32 ETH validator, delegated to an operator that an AVS
    /// then slashes by `wad`; returns the validator's index.
    fn alice_slashed_by_avs(&mut self, wad: &str) -> u64 {
        self.slashable_operator();
        self.call("alice", "create_pod", json!({})).unwrap();
        let first = self.add_validator("alice", "a1");
        self.call(
            "alice",
            "verify_withdrawal_credentials",
            json!({ "validator_indices": [first] }),
        )
        .unwrap();
        self.call("alice", "delegate_to", json!({ "operator": "op" })).unwrap();
        assert_eq!(self.withdrawable("alice"), eth(32));
        self.next_block();
        self.slash_operator(wad);
        first
    }
}

#[test]
fn dual_slashing_checkpoint_after_a_new_validator_loses_25_percent() {
    // DualSlashingEdgeCase.md, scenario A: AVS slash 75%, beacon chain slash 16 ETH, then a
    // second 32 ETH validator verified before the checkpoint that proves the loss.
    let mut h = Harness::new();
    let first = h.alice_slashed_by_avs("0.75 wad");
    assert_eq!(h.withdrawable("alice"), eth(8));
    h.set_balance(first, 16 * GWEI);
    h.next_block();
    let second = h.add_validator("alice", "a2");
    h.call("alice", "verify_withdrawal_credentials", json!({ "validator_indices": [second] }))
        .unwrap();
    assert_eq!(h.scaling_factor("alice"), U256::from(2_500_000_000_000_000_000u64));
    assert_eq!(h.withdrawable("alice"), eth(40));
    h.next_block();
    h.checkpoint("alice", &[first, second]).unwrap();
    assert_eq!(h.bcsf("alice"), U256::from(750_000_000_000_000_000u64));
    assert_eq!(h.withdrawable("alice"), eth(30));
}

#[test]
fn dual_slashing_checkpoint_before_a_new_validator_loses_50_percent() {
    // Scenario B: the same events with the checkpoint first. The document's heading says
    // 40 ETH; its own arithmetic, and the contracts, give 36.
    let mut h = Harness::new();
    let first = h.alice_slashed_by_avs("0.75 wad");
    h.set_balance(first, 16 * GWEI);
    h.next_block();
    h.checkpoint("alice", &[first]).unwrap();
    assert_eq!(h.bcsf("alice"), U256::from(500_000_000_000_000_000u64));
    assert_eq!(h.withdrawable("alice"), eth(4));
    h.next_block();
    let second = h.add_validator("alice", "a2");
    h.call("alice", "verify_withdrawal_credentials", json!({ "validator_indices": [second] }))
        .unwrap();
    assert_eq!(h.scaling_factor("alice"), U256::from(4_500_000_000_000_000_000u64));
    assert_eq!(h.withdrawable("alice"), eth(36));
}

#[test]
fn dual_slashing_with_undelegation_locks_24_eth_in_the_pod() {
    // The document's undelegation variant, step by step.
    let mut h = Harness::new();
    let first = h.alice_slashed_by_avs("1 wad"); // (1)-(2): the operator is slashed fully
    assert_eq!(h.withdrawable("alice"), U256::ZERO);
    h.set_balance(first, 16 * GWEI); // (3): the beacon chain slashes 16 ETH, unproven
    h.call("alice", "undelegate", json!({ "staker": "alice" })).unwrap(); // (4)
    let undelegation =
        h.eigenlayer.stakers.get(&named_address("alice")).unwrap().queued_withdrawals[0];
    let undelegation = h.eigenlayer.withdrawals[&undelegation].clone();
    assert_eq!(undelegation.scaled_shares, vec![eth(32)]);
    h.next_block();
    let second = h.add_validator("alice", "a2"); // (5)
    h.call("alice", "verify_withdrawal_credentials", json!({ "validator_indices": [second] }))
        .unwrap();
    assert_eq!(h.withdrawable("alice"), eth(32));
    // (6): the slashed validator exits, 16 ETH reach the pod, the checkpoint proves it.
    h.set_balance(first, 0);
    h.pay_pod("alice", eth(16));
    h.next_block();
    h.checkpoint("alice", &[first, second]).unwrap();
    assert_eq!(h.bcsf("alice"), U256::from(750_000_000_000_000_000u64));
    assert_eq!(h.withdrawable("alice"), eth(24));
    let pod = h.eigenlayer.pod(named_address("alice")).unwrap();
    assert_eq!(pod.restaked_execution_layer_gwei, 16 * GWEI);
    // (7): the old withdrawal completes as shares: the operator's magnitude was 0, so nothing.
    h.block += Params::TESTNET.min_withdrawal_delay_blocks + 1;
    let complete = json!({
        "withdrawal": undelegation, "tokens": ["ETH"], "receive_as_tokens": false,
    });
    h.call("alice", "complete_queued_withdrawal", complete).unwrap();
    assert_eq!(h.withdrawable("alice"), eth(24));
    // (8): the new validator exits; its 32 ETH reach the pod; the checkpoint's delta is 0.
    h.set_balance(second, 0);
    h.pay_pod("alice", eth(32));
    h.next_block();
    h.checkpoint("alice", &[second]).unwrap();
    let pod = h.eigenlayer.pod(named_address("alice")).unwrap();
    assert_eq!(pod.restaked_execution_layer_gwei, 48 * GWEI);
    assert_eq!(h.withdrawable("alice"), eth(24));
    // (9)-(10): withdraw everything: 24 ETH paid, 24 ETH stay in the pod for good.
    let queue =
        json!({ "params": [{ "strategies": ["beaconChainETH"], "deposit_shares": ["32 ether"] }] });
    h.call("alice", "queue_withdrawals", queue).unwrap();
    let root = h.eigenlayer.stakers.get(&named_address("alice")).unwrap().queued_withdrawals[0];
    let withdrawal = h.eigenlayer.withdrawals[&root].clone();
    h.block += Params::TESTNET.min_withdrawal_delay_blocks + 1;
    let complete =
        json!({ "withdrawal": withdrawal, "tokens": ["ETH"], "receive_as_tokens": true });
    h.call("alice", "complete_queued_withdrawal", complete).unwrap();
    assert_eq!(h.ledger.balance_of(NATIVE_ETH, named_address("alice")), eth(24));
    let pod = h.eigenlayer.pod(named_address("alice")).unwrap();
    assert_eq!(h.ledger.balance_of(NATIVE_ETH, pod.address), eth(24));
    assert_eq!(pod.restaked_execution_layer_gwei, 24 * GWEI);
}

#[test]
fn a_fully_slashed_pod_cannot_finish_a_checkpoint_with_new_eth() {
    // DualSlashing.t.sol Integration_DualSlashing_FullSlashes: a full AVS slash and a full
    // beacon-chain slash, then 1000 ETH sent to the pod and a checkpoint started; the last
    // proof brings a positive delta to a zero slashing factor and reverts.
    let mut h = Harness::new();
    let first = h.alice_slashed_by_avs("1 wad");
    h.set_balance(first, 0);
    h.pay_pod("alice", eth(1000));
    h.next_block();
    h.call("alice", "start_checkpoint", json!({})).unwrap();
    let proof = json!({ "validator_indices": [first] });
    assert_eq!(
        h.call("alice", "verify_checkpoint_proofs", proof),
        Err(EigenLayerError::FullySlashed { strategy: BEACON_CHAIN_ETH_STRATEGY })
    );
    // A checkpoint cannot be cancelled: the pod's ETH is stuck behind it.
    let pod = h.eigenlayer.pod(named_address("alice")).unwrap();
    assert_eq!(pod.current_checkpoint.as_ref().map(|c| c.proofs_remaining), Some(1));
    assert_eq!(
        h.call("alice", "start_checkpoint", json!({})),
        Err(EigenLayerError::CheckpointAlreadyActive)
    );
}

#[test]
fn checkpoint_reconciles_skims_and_a_beacon_penalty() {
    // Research vector §2.11 (operator magnitude WAD): two 32 ETH validators; 0.1 ETH of skims
    // in the pod, A penalized to 31, B grown to 32.01.
    let mut h = Harness::new();
    h.call("alice", "create_pod", json!({})).unwrap();
    let a = h.add_validator("alice", "a");
    let b = h.add_validator("alice", "b");
    h.call("alice", "verify_withdrawal_credentials", json!({ "validator_indices": [a, b] }))
        .unwrap();
    assert_eq!(h.withdrawable("alice"), eth(64));
    h.pay_pod("alice", U256::from(100_000_000u64) * U256::from(GWEI));
    h.set_balance(a, 31 * GWEI);
    h.set_balance(b, 32 * GWEI + 10_000_000);
    h.next_block();
    h.checkpoint("alice", &[a, b]).unwrap();
    assert_eq!(h.bcsf("alice"), U256::from(986_093_750_000_000_000u64));
    assert_eq!(h.withdrawable("alice"), U256::from(63_110_000_000_000_000_000u128));
    assert_eq!(
        h.eigenlayer.pod(named_address("alice")).unwrap().restaked_execution_layer_gwei,
        100_000_000
    );
    // Checkpoint 2: A exits with 31 ETH, 0.02 ETH more skims, B back at 32.
    h.set_balance(a, 0);
    h.set_balance(b, 32 * GWEI);
    h.pay_pod("alice", U256::from(31_020_000_000u64) * U256::from(GWEI));
    h.next_block();
    h.checkpoint("alice", &[a, b]).unwrap();
    assert_eq!(h.scaling_factor("alice"), U256::from(1_000_002_203_149_657_406u64));
    assert_eq!(h.withdrawable("alice"), U256::from(63_119_999_999_999_999_967u128));
    assert_eq!(h.bcsf("alice"), U256::from(986_093_750_000_000_000u64));
    assert!(WAD > h.bcsf("alice"));
}

#[test]
fn proofs_are_checked_in_the_contracts_order() {
    let mut h = Harness::new();
    h.call("alice", "create_pod", json!({})).unwrap();
    assert_eq!(
        h.call("alice", "create_pod", json!({})),
        Err(EigenLayerError::EigenPodAlreadyExists)
    );
    let index = h.add_validator("alice", "a");
    let bob = h.add_validator("bob", "b");
    let args = json!({ "pod_owner": "alice", "validator_indices": [index] });
    assert_eq!(
        h.call("mallory", "verify_withdrawal_credentials", args),
        Err(EigenLayerError::OnlyEigenPodOwnerOrProofSubmitter)
    );
    assert_eq!(
        h.call("alice", "verify_withdrawal_credentials", json!({ "validator_indices": [bob] })),
        Err(EigenLayerError::WithdrawalCredentialsNotForEigenPod)
    );
    h.validator(index).exit_epoch = 9;
    assert_eq!(
        h.call("alice", "verify_withdrawal_credentials", json!({ "validator_indices": [index] })),
        Err(EigenLayerError::ValidatorIsExitingBeaconChain)
    );
    h.validator(index).exit_epoch = FAR_FUTURE_EPOCH;
    h.call("alice", "set_proof_submitter", json!({ "new_proof_submitter": "prover" })).unwrap();
    h.call(
        "prover",
        "verify_withdrawal_credentials",
        json!({ "pod_owner": "alice", "validator_indices": [index] }),
    )
    .unwrap();
    assert_eq!(
        h.call("alice", "verify_withdrawal_credentials", json!({ "validator_indices": [index] })),
        Err(EigenLayerError::CredentialsAlreadyVerified)
    );
    // A checkpoint: one per block, one at a time, and a stale-balance proof needs a slashing.
    h.next_block();
    assert_eq!(
        h.call("alice", "start_checkpoint", json!({ "revert_if_no_balance": true })),
        Err(EigenLayerError::NoBalanceToCheckpoint)
    );
    h.call("alice", "start_checkpoint", json!({})).unwrap();
    assert_eq!(
        h.call("alice", "start_checkpoint", json!({})),
        Err(EigenLayerError::CheckpointAlreadyActive)
    );
    assert_eq!(
        h.call(
            "anyone",
            "verify_stale_balance",
            json!({ "pod_owner": "alice", "validator_index": index })
        ),
        Err(EigenLayerError::ValidatorNotSlashedOnBeaconChain)
    );
    h.call(
        "anyone",
        "verify_checkpoint_proofs",
        json!({ "pod_owner": "alice", "validator_indices": [index] }),
    )
    .unwrap();
    assert_eq!(
        h.call("alice", "start_checkpoint", json!({})),
        Err(EigenLayerError::CannotCheckpointTwiceInSingleBlock)
    );
    assert_eq!(
        h.call(
            "anyone",
            "verify_stale_balance",
            json!({ "pod_owner": "alice", "validator_index": index })
        ),
        Err(EigenLayerError::BeaconTimestampTooFarInPast)
    );
    h.next_block();
    h.validator(index).slashed = true;
    h.call(
        "anyone",
        "verify_stale_balance",
        json!({ "pod_owner": "alice", "validator_index": index }),
    )
    .unwrap();
    assert_ne!(h.eigenlayer.pod(named_address("alice")).unwrap().current_checkpoint_timestamp, 0);
}

#[test]
fn beacon_chain_shares_leave_through_the_pod_manager_rules() {
    // EigenPodManager.removeDepositShares has no zero check and reverts SharesNegative.
    let mut h = Harness::new();
    h.call("alice", "create_pod", json!({})).unwrap();
    let index = h.add_validator("alice", "a");
    h.call("alice", "verify_withdrawal_credentials", json!({ "validator_indices": [index] }))
        .unwrap();
    let queue = |amount: &str| json!({ "params": [{ "strategies": ["beaconChainETH"], "deposit_shares": [amount] }] });
    assert_eq!(
        h.call("alice", "queue_withdrawals", queue("33 ether")),
        Err(EigenLayerError::SharesNegative)
    );
    h.call("alice", "queue_withdrawals", queue("0")).unwrap();
    h.call("bob", "queue_withdrawals", queue("0")).unwrap();
    assert_eq!(h.withdrawable("alice"), eth(32));
}
