//! EigenPods and the EigenPodManager: native restaking of beacon-chain ETH.
//!
//! A staker's pod is the withdrawal address of its validators. Proving a validator's withdrawal
//! credentials credits its effective balance as beacon-chain ETH shares; a checkpoint later
//! proves every active validator's balance plus the ETH sitting in the pod, and reconciles:
//!
//! ```text
//!   prev  = restakedExecutionLayerGwei + Σ restaked balances at the last proofs
//!   delta = pod ETH since the last checkpoint + Σ (proven balance − restaked balance)
//!   delta > 0: new deposit shares (through DelegationManager.increaseDelegatedShares)
//!   delta < 0: the beacon-chain slashing factor l ← ⌊l · (prev + delta) / prev⌋
//! ```
//!
//! A staker's withdrawable beacon-chain ETH is `s · k · m · l`, so a beacon-chain loss and an
//! AVS slash compound, and which one is recorded first decides how a later deposit is valued
//! (`docs/core/accounting/DualSlashingEdgeCase.md`).
//!
//! Rampart holds the beacon chain itself, so a proof is reduced to what it proves: the state
//! of the beacon chain at the call's block (credentials, effective balance, exit and slashing
//! status), and for a checkpoint the balances as they were when it started, which the
//! checkpoint records. Proofs name validators by index, as the contracts' proofs do.

use std::collections::BTreeMap;

use alloy_primitives::{Address, B256, U256};
use serde::{Deserialize, Serialize};

use super::{
    EigenLayer, EigenLayerError, Env, Events, Result, delegation::AddedShares,
    events::EigenLayerEvent as Ev, withdrawable_shares,
};
use crate::{
    accounts::{BEACON_CHAIN_ETH_STRATEGY, NATIVE_ETH, derived_address},
    beacon::{BeaconChain, BeaconEvent, ExitPath, FAR_FUTURE_EPOCH, WithdrawalCredentials},
    ledger::Ledger,
    math::{self, WAD_U64},
    serde_ext,
};

/// Wei per gwei (`GWEI_TO_WEI`).
pub const GWEI_TO_WEI: u64 = 1_000_000_000;
/// `EigenPodManager.stake` takes exactly one validator's deposit.
pub const STAKE_AMOUNT_GWEI: u64 = 32 * GWEI_TO_WEI;

/// The address of `owner`'s pod (`getPod`): fixed before the pod exists, like CREATE2 with the
/// owner as salt, so validators can point their credentials at it in advance.
pub fn pod_address(owner: Address) -> Address {
    derived_address("rampart.eigenpod", &owner.to_string())
}

/// The validator a proof about `index` shows; a proof of an index the chain does not have
/// cannot verify.
fn proven_validator(beacon: &BeaconChain, index: u64) -> Result<&crate::beacon::state::Validator> {
    usize::try_from(index)
        .ok()
        .and_then(|i| beacon.validators.get(i))
        .ok_or(EigenLayerError::InvalidProof)
}

/// `IEigenPodTypes.VALIDATOR_STATUS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ValidatorStatus {
    /// Never proven (the default).
    Inactive,
    /// Credentials proven; its balance is restaked.
    Active,
    /// A checkpoint proved a zero balance: fully withdrawn.
    Withdrawn,
}

/// `IEigenPodTypes.ValidatorInfo`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PodValidator {
    /// The validator's index on the beacon chain.
    pub validator_index: u64,
    /// The balance last credited, in gwei.
    pub restaked_balance_gwei: u64,
    /// The checkpoint (or credential proof) timestamp of that balance.
    pub last_checkpointed_at: u64,
    /// Its status in the pod.
    pub status: ValidatorStatus,
}

/// `IEigenPodTypes.Checkpoint`, with the beacon state its proofs are checked against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Balances (gwei) at the checkpoint's block of the validators active in the pod then, by
    /// index: what the checkpoint's beacon block root commits to.
    #[serde(with = "serde_ext::pairs")]
    pub balances: BTreeMap<u64, u64>,
    /// Validators still to prove.
    pub proofs_remaining: u64,
    /// ETH in the pod not yet restaked, in gwei.
    pub pod_balance_gwei: u64,
    /// Σ (proven − restaked balance) so far, in gwei.
    pub balance_deltas_gwei: i64,
    /// Σ restaked balances of the validators proven so far (and verified meanwhile), in gwei.
    pub prev_beacon_balance_gwei: u64,
}

/// One staker's EigenPod.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EigenPod {
    /// Its address, where its validators' withdrawals arrive.
    #[serde(with = "serde_ext::account")]
    pub address: Address,
    /// Who may prove for the owner (zero: nobody else).
    #[serde(with = "serde_ext::account")]
    pub proof_submitter: Address,
    /// ETH in the pod already counted by a checkpoint, withdrawable through the
    /// DelegationManager, in gwei (`withdrawableRestakedExecutionLayerGwei`).
    pub restaked_execution_layer_gwei: u64,
    /// Proven validators by key (`validatorPubkeyHashToInfo`).
    #[serde(with = "serde_ext::pairs")]
    pub validators: BTreeMap<B256, PodValidator>,
    /// Validators with status ACTIVE.
    pub active_validator_count: u64,
    /// The running checkpoint's timestamp (0: none).
    pub current_checkpoint_timestamp: u64,
    /// The last finalized checkpoint's timestamp.
    pub last_checkpoint_timestamp: u64,
    /// The running checkpoint.
    pub current_checkpoint: Option<Checkpoint>,
    /// Gwei of validators proven fully withdrawn, per checkpoint timestamp.
    #[serde(with = "serde_ext::pairs")]
    pub checkpoint_balance_exited_gwei: BTreeMap<u64, u64>,
}

impl EigenPod {
    fn new(owner: Address) -> Self {
        Self {
            address: pod_address(owner),
            proof_submitter: Address::ZERO,
            restaked_execution_layer_gwei: 0,
            validators: BTreeMap::new(),
            active_validator_count: 0,
            current_checkpoint_timestamp: 0,
            last_checkpoint_timestamp: 0,
            current_checkpoint: None,
            checkpoint_balance_exited_gwei: BTreeMap::new(),
        }
    }
}

/// A checked `recordBeaconChainETHBalanceUpdate`, ready to write.
enum BalanceUpdate {
    None,
    Increase { added: AddedShares, new_total: U256 },
    Decrease(SlashingFactorDecrease),
}

struct SlashingFactorDecrease {
    owner: Address,
    previous: u64,
    new: u64,
    /// The delegated operator, the shares it loses and what it keeps.
    operator: Option<(Address, U256, U256)>,
}

/// A validator's withdrawal request through the pod (EIP-7002): `amount_gwei` 0 is a full exit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WithdrawalRequest {
    /// The validator's key.
    #[serde(with = "crate::beacon::calls::validator_key")]
    pub pubkey: B256,
    /// Gwei to withdraw; 0 requests a full exit.
    #[serde(with = "serde_ext::int", default)]
    pub amount_gwei: u64,
}

impl EigenLayer {
    /// A staker's beacon-chain slashing factor (`beaconChainSlashingFactor`), WAD until a
    /// checkpoint records a loss.
    pub fn beacon_chain_slashing_factor(&self, staker: Address) -> U256 {
        U256::from(self.beacon_chain_slashing_factors.get(&staker).copied().unwrap_or(WAD_U64))
    }

    /// `owner`'s pod, or `EigenPodNotDeployed`.
    pub fn pod(&self, owner: Address) -> Result<&EigenPod> {
        self.pods.get(&owner).ok_or(EigenLayerError::EigenPodNotDeployed(owner))
    }

    /// `EigenPodManager.createPod`.
    pub(super) fn create_pod(&mut self, owner: Address, events: &mut Events) -> Result<()> {
        if self.pods.contains_key(&owner) {
            return Err(EigenLayerError::EigenPodAlreadyExists);
        }
        self.deploy_pod(owner, events);
        Ok(())
    }

    fn deploy_pod(&mut self, owner: Address, events: &mut Events) {
        let pod = EigenPod::new(owner);
        events.push(Ev::PodDeployed { eigen_pod: pod.address, pod_owner: owner });
        self.pods.insert(owner, pod);
    }

    /// `EigenPodManager.stake`: a 32 ETH deposit from the owner for a new validator whose 0x01
    /// credentials point at the owner's pod, which is deployed first if need be.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn stake(
        &mut self,
        ledger: &mut Ledger,
        beacon: &mut BeaconChain,
        env: &Env,
        owner: Address,
        pubkey: B256,
        events: &mut Events,
        beacon_events: &mut Vec<BeaconEvent>,
    ) -> Result<()> {
        let credentials = WithdrawalCredentials { compounding: false, address: pod_address(owner) };
        let amount = U256::from(STAKE_AMOUNT_GWEI) * U256::from(GWEI_TO_WEI);
        // The beacon deposit is the only step that can fail, so it goes first.
        beacon_events.extend(beacon.deposit(
            ledger,
            env.block,
            owner,
            pubkey,
            credentials,
            amount,
        )?);
        if !self.pods.contains_key(&owner) {
            self.deploy_pod(owner, events);
        }
        events.push(Ev::EigenPodStaked { pubkey_hash: pubkey });
        Ok(())
    }

    /// The pod a proof or checkpoint call acts on: `pod_owner`'s (the sender's by default).
    fn pod_for(&self, sender: Address, pod_owner: Option<Address>) -> Result<(Address, EigenPod)> {
        let owner = pod_owner.unwrap_or(sender);
        Ok((owner, self.pod(owner)?.clone()))
    }

    fn only_owner_or_proof_submitter(
        sender: Address,
        owner: Address,
        pod: &EigenPod,
    ) -> Result<()> {
        if sender == owner
            || (pod.proof_submitter != Address::ZERO && sender == pod.proof_submitter)
        {
            Ok(())
        } else {
            Err(EigenLayerError::OnlyEigenPodOwnerOrProofSubmitter)
        }
    }

    /// `EigenPod.setProofSubmitter` (the owner only).
    pub(super) fn set_proof_submitter(
        &mut self,
        owner: Address,
        new_proof_submitter: Address,
        events: &mut Events,
    ) -> Result<()> {
        let pod = self.pods.get_mut(&owner).ok_or(EigenLayerError::EigenPodNotDeployed(owner))?;
        events.push(Ev::ProofSubmitterUpdated {
            prev_proof_submitter: pod.proof_submitter,
            new_proof_submitter,
        });
        pod.proof_submitter = new_proof_submitter;
        Ok(())
    }

    /// `EigenPod.verifyWithdrawalCredentials`, proven against the beacon state at this block:
    /// each validator's effective balance is credited as deposit shares.
    pub(super) fn verify_withdrawal_credentials(
        &mut self,
        beacon: &BeaconChain,
        env: &Env,
        sender: Address,
        pod_owner: Option<Address>,
        validator_indices: &[u64],
        events: &mut Events,
    ) -> Result<()> {
        let (owner, mut pod) = self.pod_for(sender, pod_owner)?;
        Self::only_owner_or_proof_submitter(sender, owner, &pod)?;
        let timestamp = env.timestamp;
        if timestamp <= pod.current_checkpoint_timestamp {
            return Err(EigenLayerError::BeaconTimestampTooFarInPast);
        }
        if timestamp <= pod.last_checkpoint_timestamp {
            return Err(EigenLayerError::BeaconTimestampBeforeLatestCheckpoint);
        }
        let mut credited_gwei = 0u64;
        let mut produced = Events::new();
        for &index in validator_indices {
            let validator = proven_validator(beacon, index)?;
            let known = pod.validators.get(&validator.pubkey);
            if known.is_some_and(|v| v.status != ValidatorStatus::Inactive) {
                return Err(EigenLayerError::CredentialsAlreadyVerified);
            }
            if validator.activation_epoch == FAR_FUTURE_EPOCH {
                return Err(EigenLayerError::ValidatorInactiveOnBeaconChain);
            }
            if validator.exit_epoch != FAR_FUTURE_EPOCH {
                return Err(EigenLayerError::ValidatorIsExitingBeaconChain);
            }
            if validator.credentials.address != pod.address {
                return Err(EigenLayerError::WithdrawalCredentialsNotForEigenPod);
            }
            let balance = validator.effective_balance;
            pod.active_validator_count += 1;
            let last_checkpointed_at = if pod.current_checkpoint_timestamp != 0 {
                pod.current_checkpoint_timestamp
            } else {
                pod.last_checkpoint_timestamp
            };
            pod.validators.insert(
                validator.pubkey,
                PodValidator {
                    validator_index: index,
                    restaked_balance_gwei: balance,
                    last_checkpointed_at,
                    status: ValidatorStatus::Active,
                },
            );
            // A running checkpoint will not prove this validator (it is already current), but its
            // balance belongs to what the checkpoint's delta is measured against.
            if let Some(checkpoint) = pod.current_checkpoint.as_mut() {
                checkpoint.prev_beacon_balance_gwei += balance;
            }
            credited_gwei = credited_gwei.checked_add(balance).ok_or(math::MathError::Overflow)?;
            produced.push(Ev::ValidatorRestaked { pubkey_hash: validator.pubkey });
            produced.push(Ev::ValidatorBalanceUpdated {
                pubkey_hash: validator.pubkey,
                balance_timestamp: last_checkpointed_at,
                new_validator_balance_gwei: balance,
            });
        }
        let update = self.plan_balance_update(owner, U256::ZERO, i128::from(credited_gwei))?;
        self.pods.insert(owner, pod);
        events.extend(produced);
        self.commit_balance_update(update, events);
        Ok(())
    }

    /// `EigenPod.startCheckpoint`: snapshots the pod's ETH and its active validators' balances;
    /// with no active validator it finalizes at once.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn start_checkpoint(
        &mut self,
        ledger: &Ledger,
        beacon: &BeaconChain,
        env: &Env,
        sender: Address,
        pod_owner: Option<Address>,
        revert_if_no_balance: bool,
        events: &mut Events,
    ) -> Result<()> {
        let (owner, pod) = self.pod_for(sender, pod_owner)?;
        Self::only_owner_or_proof_submitter(sender, owner, &pod)?;
        self.checkpoint_now(ledger, beacon, env, owner, pod, revert_if_no_balance, events)
    }

    #[allow(clippy::too_many_arguments)]
    fn checkpoint_now(
        &mut self,
        ledger: &Ledger,
        beacon: &BeaconChain,
        env: &Env,
        owner: Address,
        mut pod: EigenPod,
        revert_if_no_balance: bool,
        events: &mut Events,
    ) -> Result<()> {
        if pod.current_checkpoint_timestamp != 0 {
            return Err(EigenLayerError::CheckpointAlreadyActive);
        }
        if pod.last_checkpoint_timestamp == env.timestamp {
            return Err(EigenLayerError::CannotCheckpointTwiceInSingleBlock);
        }
        // Sub-gwei dust in the pod is never credited.
        let held_gwei = ledger.balance_of(NATIVE_ETH, pod.address) / U256::from(GWEI_TO_WEI);
        let held_gwei = u64::try_from(held_gwei)
            .map_err(|_| EigenLayerError::SafeCastOverflowedUintDowncast { bits: 64 })?;
        let pod_balance_gwei = held_gwei
            .checked_sub(pod.restaked_execution_layer_gwei)
            .ok_or(math::MathError::Underflow)?;
        if revert_if_no_balance && pod_balance_gwei == 0 {
            return Err(EigenLayerError::NoBalanceToCheckpoint);
        }
        let balances: BTreeMap<u64, u64> = pod
            .validators
            .values()
            .filter(|v| v.status == ValidatorStatus::Active)
            .map(|v| {
                let index = usize::try_from(v.validator_index).expect("proven on this chain");
                (v.validator_index, beacon.validators[index].balance)
            })
            .collect();
        let checkpoint = Checkpoint {
            proofs_remaining: pod.active_validator_count,
            balances,
            pod_balance_gwei,
            balance_deltas_gwei: 0,
            prev_beacon_balance_gwei: 0,
        };
        pod.current_checkpoint_timestamp = env.timestamp;
        let validator_count = pod.active_validator_count;
        // `_startCheckpoint` finalizes an empty checkpoint first, then emits CheckpointCreated.
        let update = self.plan_checkpoint_update(owner, &mut pod, checkpoint, events)?;
        self.pods.insert(owner, pod);
        self.commit_balance_update(update, events);
        events.push(Ev::CheckpointCreated { checkpoint_timestamp: env.timestamp, validator_count });
        Ok(())
    }

    /// `EigenPod.verifyCheckpointProofs` (anyone): proves the listed validators' balances at the
    /// checkpoint; validators not active in the pod, or already proven, are skipped.
    pub(super) fn verify_checkpoint_proofs(
        &mut self,
        sender: Address,
        pod_owner: Option<Address>,
        validator_indices: &[u64],
        events: &mut Events,
    ) -> Result<()> {
        let (owner, mut pod) = self.pod_for(sender, pod_owner)?;
        let mut checkpoint =
            pod.current_checkpoint.clone().ok_or(EigenLayerError::NoActiveCheckpoint)?;
        let checkpoint_timestamp = pod.current_checkpoint_timestamp;
        let by_index: BTreeMap<u64, B256> =
            pod.validators.iter().map(|(key, v)| (v.validator_index, *key)).collect();
        let mut exited_gwei = 0u64;
        let mut produced = Events::new();
        for index in validator_indices {
            let Some(&pubkey) = by_index.get(index) else { continue };
            let info = pod.validators.get_mut(&pubkey).expect("indexed from this map");
            if info.status != ValidatorStatus::Active
                || info.last_checkpointed_at >= checkpoint_timestamp
            {
                continue;
            }
            let proven = *checkpoint.balances.get(index).ok_or(EigenLayerError::InvalidProof)?;
            let previous = info.restaked_balance_gwei;
            let delta = i64::try_from(i128::from(proven) - i128::from(previous))
                .map_err(|_| math::MathError::Overflow)?;
            info.restaked_balance_gwei = proven;
            info.last_checkpointed_at = checkpoint_timestamp;
            // `_verifyCheckpointProof`: the balance event only on a change, then the exit,
            // then ValidatorCheckpointed.
            if proven != previous {
                produced.push(Ev::ValidatorBalanceUpdated {
                    pubkey_hash: pubkey,
                    balance_timestamp: checkpoint_timestamp,
                    new_validator_balance_gwei: proven,
                });
            }
            if proven == 0 {
                info.status = ValidatorStatus::Withdrawn;
                pod.active_validator_count -= 1;
                exited_gwei += previous;
                produced.push(Ev::ValidatorWithdrawn { checkpoint_timestamp, pubkey_hash: pubkey });
            }
            produced.push(Ev::ValidatorCheckpointed { checkpoint_timestamp, pubkey_hash: pubkey });
            checkpoint.proofs_remaining -= 1;
            checkpoint.prev_beacon_balance_gwei += previous;
            checkpoint.balance_deltas_gwei = checkpoint
                .balance_deltas_gwei
                .checked_add(delta)
                .ok_or(math::MathError::Overflow)?;
        }
        *pod.checkpoint_balance_exited_gwei.entry(checkpoint_timestamp).or_insert(0) += exited_gwei;
        events.extend(produced);
        let update = self.plan_checkpoint_update(owner, &mut pod, checkpoint, events)?;
        self.pods.insert(owner, pod);
        self.commit_balance_update(update, events);
        Ok(())
    }

    /// `EigenPod.verifyStaleBalance` (anyone): a validator slashed on the beacon chain since its
    /// last proof forces a checkpoint, so the loss reaches the owner's shares.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn verify_stale_balance(
        &mut self,
        ledger: &Ledger,
        beacon: &BeaconChain,
        env: &Env,
        sender: Address,
        pod_owner: Option<Address>,
        validator_index: u64,
        events: &mut Events,
    ) -> Result<()> {
        let (owner, pod) = self.pod_for(sender, pod_owner)?;
        let validator = proven_validator(beacon, validator_index)?;
        let info = pod.validators.get(&validator.pubkey);
        if info.is_some_and(|v| env.timestamp <= v.last_checkpointed_at) {
            return Err(EigenLayerError::BeaconTimestampTooFarInPast);
        }
        if info.is_none_or(|v| v.status != ValidatorStatus::Active) {
            return Err(EigenLayerError::ValidatorNotActiveInPod);
        }
        if !validator.slashed {
            return Err(EigenLayerError::ValidatorNotSlashedOnBeaconChain);
        }
        self.checkpoint_now(ledger, beacon, env, owner, pod, false, events)
    }

    /// `EigenPod.requestWithdrawal` (EIP-7002 through the pod): full exits of pod validators.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn request_withdrawal(
        &mut self,
        beacon: &mut BeaconChain,
        env: &Env,
        sender: Address,
        pod_owner: Option<Address>,
        requests: &[WithdrawalRequest],
        events: &mut Events,
        beacon_events: &mut Vec<BeaconEvent>,
    ) -> Result<()> {
        let (owner, pod) = self.pod_for(sender, pod_owner)?;
        Self::only_owner_or_proof_submitter(sender, owner, &pod)?;
        for request in requests {
            if pod
                .validators
                .get(&request.pubkey)
                .is_none_or(|v| v.status != ValidatorStatus::Active)
            {
                return Err(EigenLayerError::ValidatorNotActiveInPod);
            }
            if request.amount_gwei != 0 {
                return Err(EigenLayerError::PartialWithdrawalRequestNotModelled);
            }
        }
        // The predeploy takes any well-formed request; the consensus layer ignores one it
        // cannot honour (already exiting, too young...) without reverting anything.
        for request in requests {
            if let Ok(emitted) =
                beacon.initiate_exit(env.block, pod.address, request.pubkey, ExitPath::Request)
            {
                beacon_events.extend(emitted);
            }
            events.push(Ev::ExitRequested { validator_pubkey_hash: request.pubkey });
        }
        Ok(())
    }

    /// Finalizes the checkpoint if no proof remains (`_updateCheckpoint`), returning the share
    /// update it implies; otherwise stores it.
    fn plan_checkpoint_update(
        &self,
        owner: Address,
        pod: &mut EigenPod,
        checkpoint: Checkpoint,
        events: &mut Events,
    ) -> Result<BalanceUpdate> {
        if checkpoint.proofs_remaining != 0 {
            pod.current_checkpoint = Some(checkpoint);
            return Ok(BalanceUpdate::None);
        }
        let prev_restaked_gwei = pod
            .restaked_execution_layer_gwei
            .checked_add(checkpoint.prev_beacon_balance_gwei)
            .ok_or(math::MathError::Overflow)?;
        let delta_gwei =
            i128::from(checkpoint.pod_balance_gwei) + i128::from(checkpoint.balance_deltas_gwei);
        pod.restaked_execution_layer_gwei = pod
            .restaked_execution_layer_gwei
            .checked_add(checkpoint.pod_balance_gwei)
            .ok_or(math::MathError::Overflow)?;
        pod.last_checkpoint_timestamp = pod.current_checkpoint_timestamp;
        pod.current_checkpoint_timestamp = 0;
        pod.current_checkpoint = None;
        events.push(Ev::CheckpointFinalized {
            checkpoint_timestamp: pod.last_checkpoint_timestamp,
            total_share_delta_wei: delta_gwei * i128::from(GWEI_TO_WEI),
        });
        let prev_wei = U256::from(prev_restaked_gwei) * U256::from(GWEI_TO_WEI);
        self.plan_balance_update(owner, prev_wei, delta_gwei)
    }

    /// Checks `EigenPodManager.recordBeaconChainETHBalanceUpdate(owner, prev, delta)`.
    fn plan_balance_update(
        &self,
        owner: Address,
        prev_wei: U256,
        delta_gwei: i128,
    ) -> Result<BalanceUpdate> {
        let delta_wei = U256::from(delta_gwei.unsigned_abs()) * U256::from(GWEI_TO_WEI);
        if delta_gwei > 0 {
            let added = self.plan_add_shares(owner, BEACON_CHAIN_ETH_STRATEGY, delta_wei)?;
            let new_total = added.position.deposit_shares;
            return Ok(BalanceUpdate::Increase { added, new_total });
        }
        if delta_gwei == 0 {
            return Ok(BalanceUpdate::None);
        }
        // `_reduceSlashingFactor`: l ← ⌊l · (prev − |delta|) / prev⌋.
        let remaining = math::sub(prev_wei, delta_wei)?;
        let previous = self.beacon_chain_slashing_factor(owner);
        let new = math::mul_div(previous, remaining, prev_wei, math::Rounding::Floor)?;
        let decrease = math::sub(previous, new)?;
        let record = self.stakers.get(&owner);
        let operator = match record.and_then(|r| r.delegated_to) {
            None => None,
            Some(operator) => {
                // `decreaseDelegatedShares`: the operator loses s · k · m · Δl.
                let record = record.expect("delegated");
                let magnitude = U256::from(
                    self.operator_max_magnitude(Some(operator), BEACON_CHAIN_ETH_STRATEGY),
                );
                let removed = withdrawable_shares(
                    record.deposit_shares(BEACON_CHAIN_ETH_STRATEGY),
                    record.stored_scaling_factor(BEACON_CHAIN_ETH_STRATEGY),
                    math::mul_wad(magnitude, decrease)?,
                )?;
                let kept = math::sub(
                    self.operators[&operator].shares(BEACON_CHAIN_ETH_STRATEGY),
                    removed,
                )?;
                Some((operator, removed, kept))
            }
        };
        Ok(BalanceUpdate::Decrease(SlashingFactorDecrease {
            owner,
            previous: previous.to::<u64>(),
            new: new.to::<u64>(),
            operator,
        }))
    }

    fn commit_balance_update(&mut self, update: BalanceUpdate, events: &mut Events) {
        match update {
            BalanceUpdate::None => {}
            BalanceUpdate::Increase { added, new_total } => {
                events.push(Ev::PodSharesUpdated {
                    pod_owner: added.staker,
                    shares_delta: added.added,
                });
                events.push(Ev::NewTotalShares {
                    pod_owner: added.staker,
                    new_total_shares: new_total,
                });
                self.commit_added_shares(added, events);
            }
            BalanceUpdate::Decrease(decrease) => {
                self.beacon_chain_slashing_factors.insert(decrease.owner, decrease.new);
                events.push(Ev::BeaconChainSlashingFactorDecreased {
                    staker: decrease.owner,
                    prev_beacon_chain_slashing_factor: decrease.previous,
                    new_beacon_chain_slashing_factor: decrease.new,
                });
                if let Some((operator, removed, kept)) = decrease.operator {
                    let op = self.operators.get_mut(&operator).expect("delegated to an operator");
                    op.strategies.entry(BEACON_CHAIN_ETH_STRATEGY).or_default().shares = kept;
                    events.push(Ev::OperatorSharesDecreased {
                        operator,
                        staker: decrease.owner,
                        strategy: BEACON_CHAIN_ETH_STRATEGY,
                        shares: removed,
                    });
                }
            }
        }
    }

    /// `EigenPodManager.withdrawSharesAsTokens` → `EigenPod.withdrawRestakedBeaconChainETH`:
    /// pays whole gwei of checkpointed pod ETH to the staker.
    pub(super) fn withdraw_restaked_beacon_chain_eth(
        &mut self,
        ledger: &mut Ledger,
        staker: Address,
        shares: U256,
        events: &mut Events,
    ) -> Result<()> {
        let pod = self.pods.get_mut(&staker).ok_or(EigenLayerError::EigenPodNotDeployed(staker))?;
        let gwei = shares / U256::from(GWEI_TO_WEI);
        if gwei > U256::from(pod.restaked_execution_layer_gwei) {
            return Err(EigenLayerError::InsufficientWithdrawableBalance);
        }
        let gwei = gwei.to::<u64>();
        let amount = U256::from(gwei) * U256::from(GWEI_TO_WEI);
        ledger.transfer(NATIVE_ETH, pod.address, staker, amount)?;
        pod.restaked_execution_layer_gwei -= gwei;
        events.push(Ev::RestakedBeaconChainEthWithdrawn { recipient: staker, amount });
        Ok(())
    }
}

impl EigenLayer {
    /// Pod invariants (for tests; walks every pod): the ACTIVE count matches the validators,
    /// a running checkpoint has at most that many proofs left and snapshots exactly them, and
    /// every pod holds at least the ETH it counts as restaked.
    pub fn check_pod_invariants(&self, ledger: &Ledger) -> std::result::Result<(), String> {
        for (owner, pod) in &self.pods {
            let active =
                pod.validators.values().filter(|v| v.status == ValidatorStatus::Active).count();
            if active as u64 != pod.active_validator_count {
                return Err(format!(
                    "pod of {owner}: {active} ACTIVE validators, count says {}",
                    pod.active_validator_count
                ));
            }
            if let Some(checkpoint) = &pod.current_checkpoint {
                if pod.current_checkpoint_timestamp == 0 {
                    return Err(format!("pod of {owner}: a checkpoint without a timestamp"));
                }
                if checkpoint.proofs_remaining > pod.active_validator_count
                    || checkpoint.proofs_remaining > checkpoint.balances.len() as u64
                {
                    return Err(format!("pod of {owner}: more proofs remaining than validators"));
                }
            }
            let held = ledger.balance_of(NATIVE_ETH, pod.address);
            let restaked = U256::from(pod.restaked_execution_layer_gwei) * U256::from(GWEI_TO_WEI);
            if held < restaked {
                return Err(format!(
                    "pod of {owner} holds {held} wei but counts {restaked} as restaked"
                ));
            }
            if pod.address != pod_address(*owner) {
                return Err(format!("pod of {owner} is not at its CREATE2 address"));
            }
        }
        for (staker, factor) in &self.beacon_chain_slashing_factors {
            if *factor > WAD_U64 {
                return Err(format!("{staker}: beacon-chain slashing factor {factor} above WAD"));
            }
        }
        Ok(())
    }
}
