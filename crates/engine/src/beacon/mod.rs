//! The Ethereum beacon chain after Electra, in gwei: deposits through the pending-deposit
//! churn, activation, voluntary exits through the exit churn ([`churn`]), the withdrawal sweep
//! (16 a block), slashing with the initial and correlation penalties, per-epoch consensus
//! rewards and penalties ([`rewards`]: attestations, proposals, the sync committee, the
//! inactivity leak), and justification and finality ([`finality`]).
//!
//! Time is the world's: a slot is a world block (12 s) and an epoch 32 of them. The chain is
//! processed when the world's clock moves ([`BeaconChain::process_until`]), epoch by epoch and
//! block by block, so a call always meets a chain that is up to date and stays atomic.
//!
//! Validators perform their duties by a deterministic schedule ([`Validator::perform_duties`]):
//! every epoch by default, or a share of epochs the admin sets per validator or per operator.
//! Those that miss an epoch pay the spec's penalties; finality needs two thirds of the active
//! balance, so enough missed duties stall it, delay deposits and activations, and start the
//! inactivity leak.
//!
//! Simplifications, documented: proposals and sync-committee seats are paid in expected value
//! by effective-balance share, not to RANDAO-chosen validators (see [`rewards`]); an epoch's
//! duties are all-or-nothing (a validator that performs them attests with all three flags on
//! time, proposes its expected blocks and signs in its expected sync seats); its rewards are
//! paid when the epoch ends; the chain starts finalized, and an epoch without active
//! validators counts as justified (the rest of the network is not modelled). Deposits' BLS
//! signatures and whistleblower rewards are not modelled. ETH is the ledger's native ETH held
//! at the deposit contract: rewards mint there, penalties burn from it, withdrawals pay out of
//! it.

pub mod calls;
pub mod churn;
pub mod errors;
pub mod events;
pub mod finality;
pub mod rewards;
pub mod state;
#[cfg(test)]
mod tests;

use alloy_primitives::{Address, B256, U256};

pub use self::{
    calls::{BeaconCall, BeaconView},
    errors::BeaconError,
    events::BeaconEvent,
    finality::Finality,
    state::{BeaconChain, FAR_FUTURE_EPOCH, FULL_PARTICIPATION_BPS, WithdrawalCredentials},
};
use self::{
    churn::{GWEI_PER_ETH, activation_exit_churn_limit},
    rewards::EpochBalances,
    state::{PendingDeposit, Validator},
};
use crate::{
    accounts::{NATIVE_ETH, derived_address},
    ledger::Ledger,
};

/// `MIN_ACTIVATION_BALANCE`: 32 ETH.
pub const MIN_ACTIVATION_BALANCE: u64 = 32 * GWEI_PER_ETH;
/// `MAX_EFFECTIVE_BALANCE_ELECTRA`: 2,048 ETH.
pub const MAX_EFFECTIVE_BALANCE_ELECTRA: u64 = 2048 * GWEI_PER_ETH;
/// `EJECTION_BALANCE`: 16 ETH.
pub const EJECTION_BALANCE: u64 = 16 * GWEI_PER_ETH;
/// Slots per epoch.
pub const SLOTS_PER_EPOCH: u64 = 32;
/// `SHARD_COMMITTEE_PERIOD`: epochs of activity before a voluntary exit.
pub const SHARD_COMMITTEE_PERIOD: u64 = 256;
/// `EPOCHS_PER_SLASHINGS_VECTOR`.
pub const EPOCHS_PER_SLASHINGS_VECTOR: u64 = 8192;
/// `MIN_SLASHING_PENALTY_QUOTIENT_ELECTRA`.
pub const MIN_SLASHING_PENALTY_QUOTIENT: u64 = 4096;
/// `PROPORTIONAL_SLASHING_MULTIPLIER_BELLATRIX`.
pub const PROPORTIONAL_SLASHING_MULTIPLIER: u64 = 3;
/// `BASE_REWARD_FACTOR`.
pub const BASE_REWARD_FACTOR: u64 = 64;
/// Source, target and head weights, and their denominator (Altair).
pub const ATTESTATION_WEIGHTS: [u64; 3] = [14, 26, 14];
/// `WEIGHT_DENOMINATOR`.
pub const WEIGHT_DENOMINATOR: u64 = 64;
/// `MAX_WITHDRAWALS_PER_PAYLOAD`.
pub const MAX_WITHDRAWALS_PER_PAYLOAD: usize = 16;
/// `MAX_VALIDATORS_PER_WITHDRAWALS_SWEEP`.
pub const MAX_VALIDATORS_PER_WITHDRAWALS_SWEEP: usize = 16_384;
/// `MAX_PENDING_DEPOSITS_PER_EPOCH`.
pub const MAX_PENDING_DEPOSITS_PER_EPOCH: usize = 16;

/// Who starts an exit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitPath {
    /// A voluntary exit, signed by the validator's operator.
    Voluntary,
    /// An EIP-7002 full-exit request from the withdrawal address.
    Request,
}

/// Participation is the admin's to set (it stands in for the validators' uptime), at most
/// 10,000 basis points.
fn check_participation(admin: Address, sender: Address, bps: u16) -> Result<(), BeaconError> {
    if sender != admin {
        return Err(BeaconError::OnlyAdmin);
    }
    if bps > FULL_PARTICIPATION_BPS {
        return Err(BeaconError::InvalidParticipation(bps));
    }
    Ok(())
}

/// The deposit contract, which holds every staked wei.
pub fn deposit_contract() -> Address {
    derived_address("rampart.beacon", "deposit-contract")
}

fn wei(gwei: u64) -> U256 {
    U256::from(gwei) * U256::from(GWEI_PER_ETH)
}

type Events = Vec<BeaconEvent>;

impl BeaconChain {
    /// Sum of the effective balances of validators active in `epoch`, at least 1 ETH.
    pub fn total_active_balance(&self, epoch: u64) -> u64 {
        let total: u64 = self
            .validators
            .iter()
            .filter(|v| v.is_active(epoch))
            .map(|v| v.effective_balance)
            .sum();
        total.max(GWEI_PER_ETH)
    }

    /// No validators and no deposits: time changes nothing, so processing is skipped and the
    /// state does not move with the clock (a world without validators hashes the same at any
    /// block, and a rejected call that moved the clock has nothing to undo here).
    pub fn is_idle(&self) -> bool {
        self.validators.is_empty() && self.pending_deposits.is_empty()
    }

    /// Processes every epoch start and every block's withdrawals up to and including `block`.
    pub fn process_until(&mut self, ledger: &mut Ledger, block: u64) -> Events {
        let mut events = Events::new();
        if self.is_idle() {
            return events;
        }
        while self.next_block <= block {
            let slot = self.next_block;
            if slot.is_multiple_of(SLOTS_PER_EPOCH) && slot / SLOTS_PER_EPOCH == self.next_epoch {
                if self.next_epoch > 0 {
                    self.process_epoch(ledger, self.next_epoch - 1, &mut events);
                }
                self.next_epoch += 1;
            }
            self.process_withdrawals(ledger, slot, &mut events);
            self.next_block += 1;
            // Nothing is paid in the blocks of an epoch without withdrawable balances: skip
            // them, moving the sweep's start as each empty block would (by 16,384 mod n).
            if !self.any_withdrawable(slot / SLOTS_PER_EPOCH) {
                let epoch_end = (slot / SLOTS_PER_EPOCH + 1) * SLOTS_PER_EPOCH;
                let target = self.next_block.max(epoch_end.min(block + 1));
                let skipped =
                    usize::try_from(target - self.next_block).expect("less than an epoch");
                let count = self.validators.len();
                if count > 0 {
                    let step = MAX_VALIDATORS_PER_WITHDRAWALS_SWEEP % count;
                    self.next_withdrawal_validator_index =
                        (self.next_withdrawal_validator_index + step * skipped) % count;
                }
                self.next_block = target;
            }
        }
        events
    }

    fn any_withdrawable(&self, epoch: u64) -> bool {
        self.validators.iter().any(|v| {
            (v.withdrawable_epoch <= epoch && v.balance > 0)
                || (v.effective_balance == v.max_effective_balance()
                    && v.balance > v.max_effective_balance())
        })
    }

    /// The end of `epoch` (`process_epoch`, in the spec's order for what is modelled), after
    /// the duties its blocks carried.
    fn process_epoch(&mut self, ledger: &mut Ledger, epoch: u64, events: &mut Events) {
        self.perform_duties(epoch);
        let balances = EpochBalances::of(self, epoch);
        self.process_justification_and_finalization(epoch, &balances, events);
        if epoch > 0 {
            let leaking = self.finality().in_inactivity_leak();
            self.process_inactivity_updates(epoch, leaking);
            self.process_rewards_and_penalties(ledger, epoch, &balances, leaking, events);
        }
        self.process_registry_updates(epoch, events);
        self.process_slashings(ledger, epoch, events);
        self.process_pending_deposits(epoch, events);
        self.process_effective_balance_updates();
        self.slashings.remove(&((epoch + 1) % EPOCHS_PER_SLASHINGS_VECTOR));
    }

    /// Decides, by each validator's schedule, who performs its duties in `epoch`.
    fn perform_duties(&mut self, epoch: u64) {
        for validator in &mut self.validators {
            if validator.is_active(epoch) {
                validator.perform_duties();
            } else {
                validator.performed_duties = false;
            }
        }
    }

    /// Justification and finality as processed so far (a healthy chain before the first
    /// epoch is processed).
    pub fn finality(&self) -> Finality {
        self.finality.unwrap_or_else(|| Finality::healthy_before(self.next_epoch.saturating_sub(1)))
    }

    /// `process_justification_and_finalization`, and an event when a leak starts or ends.
    /// An epoch without active validators counts as justified: the chain Rampart models is
    /// the world's validators, and before any is active nothing could otherwise finalize.
    fn process_justification_and_finalization(
        &mut self,
        epoch: u64,
        balances: &EpochBalances,
        events: &mut Events,
    ) {
        let mut finality = self.finality.unwrap_or_else(|| Finality::healthy_before(epoch));
        let was_leaking = finality.in_inactivity_leak();
        let target =
            if balances.active == 0 { balances.total_active } else { balances.participating };
        finality.weigh(epoch, target, balances.total_active);
        let leaking = finality.in_inactivity_leak();
        if leaking != was_leaking {
            events.push(BeaconEvent::InactivityLeak {
                epoch,
                leaking,
                finalized_epoch: finality.finalized_epoch,
            });
        }
        self.finality = Some(finality);
    }

    /// Pays `epoch`'s rewards and takes its penalties ([`rewards`]): rewards mint at the
    /// deposit contract, penalties burn there.
    fn process_rewards_and_penalties(
        &mut self,
        ledger: &mut Ledger,
        epoch: u64,
        balances: &EpochBalances,
        leaking: bool,
        events: &mut Events,
    ) {
        let accounts = self.apply_rewards_and_penalties(epoch, balances, leaking);
        let (rewards, penalties) = (accounts.rewards(), accounts.penalties());
        ledger.mint(NATIVE_ETH, deposit_contract(), wei(rewards)).expect("issuance fits");
        ledger
            .burn(NATIVE_ETH, deposit_contract(), wei(penalties))
            .expect("the contract holds every balance");
        if rewards > 0 || penalties > 0 {
            events.push(BeaconEvent::EpochRewards {
                epoch,
                rewards_gwei: rewards,
                penalties_gwei: penalties,
                attestation_rewards_gwei: accounts.attestation,
                proposer_rewards_gwei: accounts.proposer,
                sync_rewards_gwei: accounts.sync,
                attestation_penalties_gwei: accounts.attestation_penalties,
                sync_penalties_gwei: accounts.sync_penalties,
                inactivity_penalties_gwei: accounts.inactivity_penalties,
                in_inactivity_leak: leaking,
            });
        }
    }

    fn process_registry_updates(&mut self, epoch: u64, events: &mut Events) {
        let finalized = self.finality().finalized_epoch;
        for index in 0..self.validators.len() {
            let validator = &self.validators[index];
            if validator.activation_eligibility_epoch == FAR_FUTURE_EPOCH
                && validator.effective_balance >= MIN_ACTIVATION_BALANCE
            {
                self.validators[index].activation_eligibility_epoch = epoch + 1;
            } else if validator.is_active(epoch) && validator.effective_balance <= EJECTION_BALANCE
            {
                self.initiate_validator_exit(index, epoch, events);
            } else if validator.activation_eligibility_epoch <= finalized
                && validator.activation_epoch == FAR_FUTURE_EPOCH
            {
                let activation_epoch = epoch + churn::ACTIVATION_EXIT_DELAY_EPOCHS;
                self.validators[index].activation_epoch = activation_epoch;
                events.push(BeaconEvent::ValidatorActivated {
                    validator_index: index as u64,
                    activation_epoch,
                });
            }
        }
    }

    /// `initiate_validator_exit`: through the exit churn, withdrawable 256 epochs later.
    fn initiate_validator_exit(&mut self, index: usize, epoch: u64, events: &mut Events) {
        if self.validators[index].exit_epoch != FAR_FUTURE_EPOCH {
            return;
        }
        let total = self.total_active_balance(epoch);
        let balance = self.validators[index].effective_balance;
        let exit_epoch = self.exit_queue.compute_exit_epoch_and_update_churn(balance, epoch, total);
        let validator = &mut self.validators[index];
        validator.exit_epoch = exit_epoch;
        validator.withdrawable_epoch = exit_epoch + churn::MIN_VALIDATOR_WITHDRAWABILITY_DELAY;
        events.push(BeaconEvent::ExitInitiated {
            validator_index: index as u64,
            exit_epoch,
            withdrawable_epoch: validator.withdrawable_epoch,
        });
    }

    /// The correlation penalty (Electra's integer order), halfway through the slashed exit.
    fn process_slashings(&mut self, ledger: &mut Ledger, epoch: u64, events: &mut Events) {
        let total = self.total_active_balance(epoch);
        let slashed_sum: u64 = self.slashings.values().sum();
        let adjusted = (slashed_sum * PROPORTIONAL_SLASHING_MULTIPLIER).min(total);
        let per_increment = adjusted / (total / GWEI_PER_ETH);
        let mut burned = 0;
        for (index, validator) in self.validators.iter_mut().enumerate() {
            if validator.slashed
                && epoch + EPOCHS_PER_SLASHINGS_VECTOR / 2 == validator.withdrawable_epoch
            {
                let penalty = (per_increment * (validator.effective_balance / GWEI_PER_ETH))
                    .min(validator.balance);
                validator.balance -= penalty;
                burned += penalty;
                events.push(BeaconEvent::CorrelationPenalty {
                    validator_index: index as u64,
                    penalty_gwei: penalty,
                });
            }
        }
        ledger
            .burn(NATIVE_ETH, deposit_contract(), wei(burned))
            .expect("the contract holds every balance");
    }

    /// `process_pending_deposits`: in order, within the deposit churn, once finalized.
    fn process_pending_deposits(&mut self, epoch: u64, events: &mut Events) {
        let next_epoch = epoch + 1;
        let available = self.deposit_balance_to_consume
            + activation_exit_churn_limit(self.total_active_balance(epoch));
        let finalized_slot = self.finality().finalized_epoch * SLOTS_PER_EPOCH;
        let (mut processed, mut taken, mut hit) = (0u64, 0usize, false);
        let mut postponed = Vec::new();
        while let Some(deposit) = self.pending_deposits.get(taken) {
            if deposit.slot > finalized_slot || taken >= MAX_PENDING_DEPOSITS_PER_EPOCH {
                break;
            }
            let existing = self.index_of.get(&deposit.pubkey).map(|i| &self.validators[*i]);
            let withdrawn = existing.is_some_and(|v| v.withdrawable_epoch < next_epoch);
            let exited = existing.is_some_and(|v| v.exit_epoch < FAR_FUTURE_EPOCH);
            if withdrawn {
                let deposit = deposit.clone();
                self.apply_pending_deposit(&deposit, epoch, events);
            } else if exited {
                postponed.push(deposit.clone());
            } else {
                hit = processed + deposit.amount > available;
                if hit {
                    break;
                }
                processed += deposit.amount;
                let deposit = deposit.clone();
                self.apply_pending_deposit(&deposit, epoch, events);
            }
            taken += 1;
        }
        self.pending_deposits.drain(..taken);
        self.pending_deposits.extend(postponed);
        self.deposit_balance_to_consume = if hit { available - processed } else { 0 };
    }

    fn apply_pending_deposit(&mut self, deposit: &PendingDeposit, epoch: u64, events: &mut Events) {
        let index = match self.index_of.get(&deposit.pubkey) {
            Some(&index) => {
                self.validators[index].balance += deposit.amount;
                index
            }
            None => {
                let index = self.validators.len();
                let mut validator = Validator {
                    pubkey: deposit.pubkey,
                    operator: deposit.depositor,
                    credentials: deposit.credentials,
                    effective_balance: 0,
                    balance: deposit.amount,
                    activation_eligibility_epoch: FAR_FUTURE_EPOCH,
                    activation_epoch: FAR_FUTURE_EPOCH,
                    exit_epoch: FAR_FUTURE_EPOCH,
                    withdrawable_epoch: FAR_FUTURE_EPOCH,
                    slashed: false,
                    participation_bps: self
                        .operator_participation
                        .get(&deposit.depositor)
                        .copied()
                        .unwrap_or(FULL_PARTICIPATION_BPS),
                    participation_credit: state::duty_schedule_phase(index),
                    performed_duties: false,
                    inactivity_score: 0,
                };
                validator.effective_balance = (deposit.amount - deposit.amount % GWEI_PER_ETH)
                    .min(validator.max_effective_balance());
                self.by_credentials.entry(validator.credentials.address).or_default().push(index);
                self.validators.push(validator);
                self.index_of.insert(deposit.pubkey, index);
                index
            }
        };
        events.push(BeaconEvent::DepositApplied {
            pubkey: deposit.pubkey,
            validator_index: index as u64,
            amount_gwei: deposit.amount,
            epoch,
        });
    }

    /// Hysteresis: the effective balance follows the balance only past ±¼ and +1¼ ETH.
    fn process_effective_balance_updates(&mut self) {
        let downward = GWEI_PER_ETH / 4;
        let upward = GWEI_PER_ETH / 4 * 5;
        for validator in &mut self.validators {
            let balance = validator.balance;
            if balance + downward < validator.effective_balance
                || validator.effective_balance + upward < balance
            {
                validator.effective_balance =
                    (balance - balance % GWEI_PER_ETH).min(validator.max_effective_balance());
            }
        }
    }

    /// The sweep of one block: from the next validator, at most 16 withdrawals.
    fn process_withdrawals(&mut self, ledger: &mut Ledger, slot: u64, events: &mut Events) {
        let count = self.validators.len();
        if count == 0 {
            return;
        }
        let epoch = slot / SLOTS_PER_EPOCH;
        let mut index = self.next_withdrawal_validator_index % count;
        let mut paid = 0usize;
        for _ in 0..count.min(MAX_VALIDATORS_PER_WITHDRAWALS_SWEEP) {
            let validator = &mut self.validators[index];
            let max = validator.max_effective_balance();
            let amount = if validator.withdrawable_epoch <= epoch && validator.balance > 0 {
                Some((validator.balance, true))
            } else if validator.effective_balance == max && validator.balance > max {
                Some((validator.balance - max, false))
            } else {
                None
            };
            if let Some((amount, full)) = amount {
                validator.balance -= amount;
                let address = validator.credentials.address;
                ledger
                    .transfer(NATIVE_ETH, deposit_contract(), address, wei(amount))
                    .expect("the contract holds every balance");
                events.push(BeaconEvent::Withdrawal {
                    validator_index: index as u64,
                    address,
                    amount_gwei: amount,
                    full,
                    slot,
                });
                paid += 1;
                if paid == MAX_WITHDRAWALS_PER_PAYLOAD {
                    break;
                }
            }
            index = (index + 1) % count;
        }
        self.next_withdrawal_validator_index = if paid == MAX_WITHDRAWALS_PER_PAYLOAD {
            (index + 1) % count
        } else {
            (self.next_withdrawal_validator_index + MAX_VALIDATORS_PER_WITHDRAWALS_SWEEP) % count
        };
    }

    /// A deposit of `amount_wei` from `sender` (an EIP-6110 deposit request): a new validator
    /// with `credentials`, or a top-up of an existing one.
    pub fn deposit(
        &mut self,
        ledger: &mut Ledger,
        block: u64,
        sender: Address,
        pubkey: B256,
        credentials: WithdrawalCredentials,
        amount_wei: U256,
    ) -> Result<Events, BeaconError> {
        let mut events = Events::new();
        let gwei_per = U256::from(GWEI_PER_ETH);
        if amount_wei < wei(GWEI_PER_ETH) || !(amount_wei % gwei_per).is_zero() {
            return Err(BeaconError::InvalidDepositAmount);
        }
        let amount =
            u64::try_from(amount_wei / gwei_per).map_err(|_| BeaconError::InvalidDepositAmount)?;
        ledger.transfer(NATIVE_ETH, sender, deposit_contract(), amount_wei)?;
        if self.is_idle() {
            // The first deposit: everything up to `block` was processed, idly.
            self.next_block = block + 1;
            self.next_epoch = block / SLOTS_PER_EPOCH + 1;
        }
        self.pending_deposits.push_back(PendingDeposit {
            pubkey,
            depositor: sender,
            credentials,
            amount,
            slot: block,
        });
        events.push(BeaconEvent::DepositQueued { pubkey, amount_gwei: amount, slot: block });

        Ok(events)
    }

    /// Starts a validator's exit: a voluntary exit signed by its operator, or an EIP-7002 full
    /// exit request from its withdrawal address.
    pub fn initiate_exit(
        &mut self,
        block: u64,
        sender: Address,
        pubkey: B256,
        path: ExitPath,
    ) -> Result<Events, BeaconError> {
        let epoch = block / SLOTS_PER_EPOCH;
        let mut events = Events::new();
        let index = *self.index_of.get(&pubkey).ok_or(BeaconError::UnknownValidator(pubkey))?;
        let validator = &self.validators[index];
        let allowed = match path {
            ExitPath::Voluntary => sender == validator.operator,
            ExitPath::Request => sender == validator.credentials.address,
        };
        if !allowed {
            return Err(BeaconError::Unauthorized(pubkey));
        }
        if !validator.is_active(epoch) {
            return Err(BeaconError::NotActive(pubkey));
        }
        if validator.exit_epoch != FAR_FUTURE_EPOCH {
            return Err(BeaconError::AlreadyExiting(pubkey));
        }
        let from = validator.activation_epoch + SHARD_COMMITTEE_PERIOD;
        if epoch < from {
            return Err(BeaconError::TooYoungToExit { pubkey, from });
        }
        self.initiate_validator_exit(index, epoch, &mut events);

        Ok(events)
    }

    /// Applies an operation at `block` (the chain is already processed up to it).
    pub fn apply(
        &mut self,
        ledger: &mut Ledger,
        block: u64,
        admin: Address,
        sender: Address,
        call: &BeaconCall,
    ) -> Result<Events, BeaconError> {
        let epoch = block / SLOTS_PER_EPOCH;
        let mut events = Events::new();
        match call {
            BeaconCall::Deposit(args) => {
                events = self.deposit(
                    ledger,
                    block,
                    sender,
                    args.pubkey,
                    args.withdrawal_credentials,
                    args.amount,
                )?
            }
            BeaconCall::VoluntaryExit(args) => {
                events = self.initiate_exit(block, sender, args.pubkey, ExitPath::Voluntary)?
            }
            BeaconCall::WithdrawalRequest(args) => {
                events = self.initiate_exit(block, sender, args.pubkey, ExitPath::Request)?
            }
            BeaconCall::SlashValidator(args) => {
                if sender != admin {
                    return Err(BeaconError::OnlyAdmin);
                }
                let index = *self
                    .index_of
                    .get(&args.pubkey)
                    .ok_or(BeaconError::UnknownValidator(args.pubkey))?;
                if self.validators[index].slashed {
                    return Err(BeaconError::AlreadySlashed(args.pubkey));
                }
                // `is_slashable_validator`: activated, and not yet withdrawable.
                let validator = &self.validators[index];
                if validator.activation_epoch > epoch || validator.withdrawable_epoch <= epoch {
                    return Err(BeaconError::NotActive(args.pubkey));
                }
                self.initiate_validator_exit(index, epoch, &mut events);
                let validator = &mut self.validators[index];
                validator.slashed = true;
                validator.withdrawable_epoch =
                    validator.withdrawable_epoch.max(epoch + EPOCHS_PER_SLASHINGS_VECTOR);
                *self.slashings.entry(epoch % EPOCHS_PER_SLASHINGS_VECTOR).or_insert(0) +=
                    validator.effective_balance;
                let penalty = (validator.effective_balance / MIN_SLASHING_PENALTY_QUOTIENT)
                    .min(validator.balance);
                validator.balance -= penalty;
                ledger
                    .burn(NATIVE_ETH, deposit_contract(), wei(penalty))
                    .expect("the contract holds every balance");
                events.push(BeaconEvent::ValidatorSlashed {
                    validator_index: index as u64,
                    penalty_gwei: penalty,
                    withdrawable_epoch: validator.withdrawable_epoch,
                });
            }
            BeaconCall::SetParticipation(args) => {
                self.set_participation(admin, sender, args, &mut events)?
            }
            BeaconCall::SetOperatorParticipation(args) => {
                self.set_operator_participation(admin, sender, args, &mut events)?
            }
            BeaconCall::ProcessSlots(_) => {}
        }
        Ok(events)
    }

    /// `beacon.set_participation`: how often one validator performs its duties, from now on.
    fn set_participation(
        &mut self,
        admin: Address,
        sender: Address,
        args: &calls::SetParticipation,
        events: &mut Events,
    ) -> Result<(), BeaconError> {
        check_participation(admin, sender, args.participation_bps)?;
        let index =
            *self.index_of.get(&args.pubkey).ok_or(BeaconError::UnknownValidator(args.pubkey))?;
        self.validators[index].participation_bps = args.participation_bps;
        events.push(BeaconEvent::ParticipationSet {
            validator_index: index as u64,
            participation_bps: args.participation_bps,
        });
        Ok(())
    }

    /// `beacon.set_operator_participation`: how often every validator of an operator (its
    /// depositor) performs its duties, now and for its validators deposited later.
    fn set_operator_participation(
        &mut self,
        admin: Address,
        sender: Address,
        args: &calls::SetOperatorParticipation,
        events: &mut Events,
    ) -> Result<(), BeaconError> {
        check_participation(admin, sender, args.participation_bps)?;
        self.operator_participation.insert(args.operator, args.participation_bps);
        for (index, validator) in self.validators.iter_mut().enumerate() {
            if validator.operator == args.operator {
                validator.participation_bps = args.participation_bps;
                events.push(BeaconEvent::ParticipationSet {
                    validator_index: index as u64,
                    participation_bps: args.participation_bps,
                });
            }
        }
        Ok(())
    }

    /// Answers a query at `block`.
    pub fn view(&self, block: u64, view: &BeaconView) -> Result<serde_json::Value, BeaconError> {
        use serde_json::json;
        let epoch = block / SLOTS_PER_EPOCH;
        let total = self.total_active_balance(epoch);
        Ok(match view {
            BeaconView::Validator(args) => {
                let index = *self
                    .index_of
                    .get(&args.pubkey)
                    .ok_or(BeaconError::UnknownValidator(args.pubkey))?;
                let v = &self.validators[index];
                let epoch_json =
                    |e: u64| if e == FAR_FUTURE_EPOCH { json!(null) } else { json!(e) };
                let status = if v.withdrawable_epoch <= epoch {
                    if v.balance == 0 { "withdrawal_done" } else { "withdrawal_possible" }
                } else if v.exit_epoch <= epoch {
                    if v.slashed { "exited_slashed" } else { "exited_unslashed" }
                } else if v.is_active(epoch) {
                    if v.slashed {
                        "active_slashed"
                    } else if v.exit_epoch != FAR_FUTURE_EPOCH {
                        "active_exiting"
                    } else {
                        "active_ongoing"
                    }
                } else if v.activation_epoch != FAR_FUTURE_EPOCH {
                    "pending_queued"
                } else {
                    "pending_initialized"
                };
                json!({
                    "index": index, "status": status, "balance_gwei": v.balance,
                    "effective_balance_gwei": v.effective_balance, "slashed": v.slashed,
                    "activation_epoch": epoch_json(v.activation_epoch), "exit_epoch": epoch_json(v.exit_epoch),
                    "withdrawable_epoch": epoch_json(v.withdrawable_epoch),
                    "participation_bps": v.participation_bps,
                    "inactivity_score": v.inactivity_score, "performed_duties": v.performed_duties,
                })
            }
            BeaconView::Queues {} => {
                let churn = activation_exit_churn_limit(total);
                let pending: u64 = self.pending_deposits.iter().map(|d| d.amount).sum();
                json!({
                    "epoch": epoch, "total_active_balance_gwei": total, "churn_per_epoch_gwei": churn,
                    "entry_queue_gwei": pending, // The churn, or the 16 deposits an epoch, whichever binds.
                    "entry_queue_epochs": pending.div_ceil(churn).max(
                        (self.pending_deposits.len() as u64).div_ceil(MAX_PENDING_DEPOSITS_PER_EPOCH as u64)
                    ),
                    "earliest_exit_epoch": self.exit_queue.earliest_exit_epoch,
                    "exit_balance_to_consume_gwei": self.exit_queue.exit_balance_to_consume,
                    "exit_queue_epochs": self.exit_queue.earliest_exit_epoch.saturating_sub(epoch),
                })
            }
            BeaconView::Finality {} => {
                let finality = self.finality();
                json!({
                    "epoch": epoch, "last_processed_epoch": finality.epoch,
                    "justification_bits": finality.justification_bits,
                    "current_justified_epoch": finality.current_justified_epoch,
                    "previous_justified_epoch": finality.previous_justified_epoch,
                    "finalized_epoch": finality.finalized_epoch,
                    "finality_delay": finality.finality_delay(),
                    "in_inactivity_leak": finality.in_inactivity_leak(),
                })
            }
            BeaconView::ExitWait { amount } => {
                let gwei = u64::try_from(*amount / U256::from(GWEI_PER_ETH)).unwrap_or(u64::MAX);
                let mut queue = self.exit_queue;
                let exit_epoch = queue.compute_exit_epoch_and_update_churn(gwei, epoch, total);
                json!({
                    "current_epoch": epoch, "exit_epoch": exit_epoch,
                    "withdrawable_epoch": exit_epoch + churn::MIN_VALIDATOR_WITHDRAWABILITY_DELAY,
                    "epochs_to_exit": exit_epoch - epoch,
                })
            }
        })
    }

    /// Conservation: the deposit contract holds every validator balance and pending deposit.
    pub fn check_invariants(&self, ledger: &Ledger) -> Result<(), String> {
        let held: u64 = self.validators.iter().map(|v| v.balance).sum::<u64>()
            + self.pending_deposits.iter().map(|d| d.amount).sum::<u64>();
        let contract = ledger.balance_of(NATIVE_ETH, deposit_contract());
        if contract != wei(held) {
            return Err(format!(
                "the deposit contract holds {contract} wei but balances and deposits add up to {held} gwei"
            ));
        }
        let indexed: usize = self.by_credentials.values().map(Vec::len).sum();
        let misfiled = self.by_credentials.iter().any(|(address, indices)| {
            indices.iter().any(|&i| self.validators[i].credentials.address != *address)
        });
        if indexed != self.validators.len() || misfiled {
            return Err("the index of validators by credentials is out of step".into());
        }
        Ok(())
    }
}
