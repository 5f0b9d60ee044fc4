//! Applying Babylon's messages. Each checks everything first and then writes.

use alloy_primitives::{Address, B256, U256, keccak256};

use super::{
    Babylon, BabylonEnv, BabylonError, Result, burn_address,
    calls::*,
    eots, escrow_address,
    events::BabylonEvent as Ev,
    miners_address, rewards_address,
    state::{
        BABYLON_GENESIS, BtcDelegation, DelegationStatus, FinalityProvider, Outflows, PPM,
        Slashing, Vote,
    },
};
use crate::{
    accounts::token_address,
    ledger::Ledger,
    math::{self, Rounding},
};

/// Parses a fraction like `"0.05"` (up to six decimals) into parts per million.
fn parse_ppm(text: &str) -> Option<u64> {
    let (whole, fraction) = text.trim().split_once('.').unwrap_or((text.trim(), ""));
    if fraction.len() > 6
        || !whole.chars().chain(fraction.chars()).all(|c| c.is_ascii_digit())
        || whole.is_empty() && fraction.is_empty()
    {
        return None;
    }
    let whole: u64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let fraction: u64 =
        if fraction.is_empty() { 0 } else { format!("{fraction:0<6}").parse().ok()? };
    whole.checked_mul(PPM)?.checked_add(fraction)
}

fn btc() -> Address {
    token_address("BTC")
}

impl Babylon {
    /// Applies a message from `sender`. On error nothing changed.
    pub fn apply(
        &mut self,
        ledger: &mut Ledger,
        env: &BabylonEnv,
        sender: Address,
        call: &BabylonCall,
    ) -> Result<Vec<Ev>> {
        let mut events = Vec::new();
        match call {
            BabylonCall::RegisterConsumer(args) => {
                self.register_consumer(env, sender, args, &mut events)?
            }
            BabylonCall::UpdateParams(args) => {
                self.update_params(env, sender, args, &mut events)?
            }
            BabylonCall::CreateFinalityProvider(args) => {
                self.create_finality_provider(env, sender, args, &mut events)?
            }
            BabylonCall::CommitPubRandList(args) => {
                self.commit_pub_rand_list(sender, args, &mut events)?
            }
            BabylonCall::AddFinalitySig(args) => {
                self.add_finality_sig(ledger, env, args, &mut events)?
            }
            BabylonCall::HandleLiveness(args) => self.handle_liveness(env, args, &mut events)?,
            BabylonCall::UnjailFinalityProvider(args) => {
                self.unjail(env, sender, args.fp_btc_pk, &mut events)?
            }
            BabylonCall::CreateBtcDelegation(args) => {
                self.create_btc_delegation(ledger, env, sender, args, &mut events)?
            }
            BabylonCall::AddCovenantSigs(args) => {
                self.add_covenant_sigs(env, sender, args.staking_tx_hash, &mut events)?
            }
            BabylonCall::AddBtcDelegationInclusionProof(args) => {
                self.add_inclusion_proof(env, args, &mut events)?
            }
            BabylonCall::BtcUndelegate(args) => {
                self.btc_undelegate(ledger, env, sender, args, &mut events)?
            }
            BabylonCall::WithdrawStake(args) => {
                self.withdraw_stake(ledger, env, sender, args.staking_tx_hash, &mut events)?
            }
            BabylonCall::DistributeRewards(args) => {
                self.distribute_rewards(ledger, env, sender, args, &mut events)?
            }
            BabylonCall::WithdrawReward(args) => {
                self.withdraw_reward(ledger, sender, args.token, &mut events)?
            }
        }
        Ok(events)
    }

    fn register_consumer(
        &mut self,
        env: &BabylonEnv,
        sender: Address,
        args: &RegisterConsumer,
        events: &mut Vec<Ev>,
    ) -> Result<()> {
        if sender != env.admin {
            return Err(BabylonError::Unauthorized("babylon.register_consumer"));
        }
        if self.consumers.contains_key(&args.consumer_id) {
            return Err(BabylonError::ConsumerAlreadyRegistered(args.consumer_id.clone()));
        }
        self.consumers.insert(args.consumer_id.clone(), args.name.clone());
        events.push(Ev::ConsumerRegistered { consumer_id: args.consumer_id.clone() });
        Ok(())
    }

    fn update_params(
        &mut self,
        env: &BabylonEnv,
        sender: Address,
        params: &super::BabylonParams,
        events: &mut Vec<Ev>,
    ) -> Result<()> {
        if sender != env.admin {
            return Err(BabylonError::Unauthorized("babylon.update_params"));
        }
        params.validate()?;
        let last = self.params.last().expect("at least one version").btc_activation_height;
        if params.btc_activation_height <= last || params.btc_activation_height < env.btc_height {
            return Err(BabylonError::InvalidParams(format!(
                "a new version must activate after {last} and not before the tip {}",
                env.btc_height
            )));
        }
        self.params.push(params.clone());
        let version = u32::try_from(self.params.len() - 1).expect("few versions");
        events.push(Ev::ParamsUpdated {
            version,
            btc_activation_height: params.btc_activation_height,
        });
        Ok(())
    }

    fn create_finality_provider(
        &mut self,
        env: &BabylonEnv,
        sender: Address,
        args: &CreateFinalityProvider,
        events: &mut Vec<Ev>,
    ) -> Result<()> {
        if !self.consumers.contains_key(&args.consumer_id) {
            return Err(BabylonError::ConsumerNotRegistered(args.consumer_id.clone()));
        }
        if self.finality_providers.contains_key(&args.btc_pk) {
            return Err(BabylonError::FpAlreadyExists(args.btc_pk));
        }
        if !eots::is_point(&args.btc_pk) {
            return Err(BabylonError::InvalidFpKey(args.btc_pk));
        }
        let minimum = self.params(self.params_version_at(env.btc_height)).min_commission_rate_ppm;
        let commission_ppm = parse_ppm(&args.commission).ok_or_else(|| {
            BabylonError::InvalidCommission(format!(
                "{:?} is not a fraction with up to 6 decimals",
                args.commission
            ))
        })?;
        if commission_ppm > PPM || commission_ppm < minimum {
            return Err(BabylonError::InvalidCommission(format!(
                "{} must be in [{minimum} ppm, 1]",
                args.commission
            )));
        }
        let provider = FinalityProvider {
            owner: sender,
            consumer_id: args.consumer_id.clone(),
            commission_ppm,
            moniker: args.moniker.clone(),
            slashed: None,
            jailed_until: None,
            missed_heights: Default::default(),
        };
        self.finality_providers.insert(args.btc_pk, provider);
        events.push(Ev::FinalityProviderCreated {
            btc_pk: args.btc_pk,
            owner: sender,
            consumer_id: args.consumer_id.clone(),
            commission_ppm,
        });
        Ok(())
    }

    fn provider(&self, fp: B256) -> Result<&FinalityProvider> {
        self.finality_providers.get(&fp).ok_or(BabylonError::FpNotFound(fp))
    }

    fn commit_pub_rand_list(
        &mut self,
        sender: Address,
        args: &CommitPubRandList,
        events: &mut Vec<Ev>,
    ) -> Result<()> {
        let provider = self.provider(args.fp_btc_pk)?;
        if provider.owner != sender {
            return Err(BabylonError::NotFpOwner);
        }
        if provider.slashed.is_some() {
            return Err(BabylonError::FpAlreadySlashed(args.fp_btc_pk));
        }
        if args.pub_rand_list.is_empty() || args.pub_rand_list.len() > 100_000 {
            return Err(BabylonError::InvalidPubRand("commit between 1 and 100,000 values".into()));
        }
        if args.start_height.checked_add(args.pub_rand_list.len() as u64).is_none() {
            return Err(BabylonError::InvalidPubRand("the heights overflow".into()));
        }
        for (height, value) in (args.start_height..).zip(&args.pub_rand_list) {
            if self.public_randomness.contains_key(&(args.fp_btc_pk, height)) {
                return Err(BabylonError::InvalidPubRand(format!(
                    "height {height} already has committed randomness"
                )));
            }
            if !eots::is_point(value) {
                return Err(BabylonError::InvalidPubRand(format!(
                    "{value} is not the x-coordinate of a point"
                )));
            }
        }
        for (height, value) in (args.start_height..).zip(&args.pub_rand_list) {
            self.public_randomness.insert((args.fp_btc_pk, height), *value);
        }
        let count = args.pub_rand_list.len() as u64;
        events.push(Ev::PubRandCommitted {
            fp_btc_pk: args.fp_btc_pk,
            start_height: args.start_height,
            count,
        });
        Ok(())
    }

    fn add_finality_sig(
        &mut self,
        ledger: &mut Ledger,
        env: &BabylonEnv,
        args: &AddFinalitySig,
        events: &mut Vec<Ev>,
    ) -> Result<()> {
        let fp = args.fp_btc_pk;
        let provider = self.provider(fp)?;
        if provider.slashed.is_some() {
            return Err(BabylonError::FpAlreadySlashed(fp));
        }
        if provider.jailed_until.is_some() {
            return Err(BabylonError::FpJailed(fp));
        }
        if args.block_height > env.babylon_height {
            return Err(BabylonError::BlockNotFound {
                height: args.block_height,
                tip: env.babylon_height,
            });
        }
        let consumer = provider.consumer_id.clone();
        let key = (consumer.clone(), args.block_height);
        let table = match self.power_tables.get(&key) {
            Some(table) => table.clone(),
            None => self.power_table(&consumer, args.block_height, env.btc_height),
        };
        if !table.contains_key(&fp) {
            return Err(BabylonError::FpHasNoVotingPower(fp));
        }
        let committed = self.public_randomness.get(&(fp, args.block_height));
        if committed != Some(&args.pub_rand) {
            return Err(BabylonError::InvalidPubRand(format!(
                "nothing matching was committed for height {}",
                args.block_height
            )));
        }
        let message = eots::vote_message(args.block_height, &args.block_app_hash);
        if !eots::verify(&fp, &args.pub_rand, &message, &args.finality_sig).unwrap_or(false) {
            return Err(BabylonError::InvalidFinalitySig);
        }
        let vote_key = (consumer.clone(), args.block_height, fp);
        if let Some(previous) = self.votes.get(&vote_key) {
            if previous.block_hash == args.block_app_hash {
                return Err(BabylonError::DuplicatedFinalitySig);
            }
            // Two valid votes for different blocks under one randomness: the key is out.
            let first = eots::vote_message(args.block_height, &previous.block_hash);
            let secret = eots::extract(
                &fp,
                &args.pub_rand,
                (&first, &previous.signature),
                (&message, &args.finality_sig),
            )
            .expect("two verified votes for different blocks under one randomness reveal the key");
            self.slash_finality_provider(ledger, env, fp, args.block_height, secret, events);
            return Ok(());
        }
        self.power_tables.entry(key).or_insert(table);
        self.votes.insert(
            vote_key,
            Vote { block_hash: args.block_app_hash, signature: args.finality_sig },
        );
        events.push(Ev::FinalitySigAdded {
            fp_btc_pk: fp,
            consumer_id: consumer,
            block_height: args.block_height,
            block_app_hash: args.block_app_hash,
        });
        Ok(())
    }

    /// Slashes a provider and, atomically, every delegation to it whose slashing transaction the
    /// covenant pre-signed: the slashing rate of what is left is burned, the fee paid, and the
    /// rest returns after the unbonding time.
    fn slash_finality_provider(
        &mut self,
        ledger: &mut Ledger,
        env: &BabylonEnv,
        fp: B256,
        block_height: u64,
        secret: B256,
        events: &mut Vec<Ev>,
    ) {
        let slashed: Vec<B256> = self
            .delegations
            .iter()
            .filter(|(_, d)| d.fp_btc_pks.contains(&fp))
            .filter(|(_, d)| {
                // As Babylon's vigilante: stakes with power, and early-unbonded ones whose
                // unbonding output is still spendable by the slashing path.
                matches!(
                    self.status(d, env.btc_height),
                    DelegationStatus::Active | DelegationStatus::Unbonded
                ) && d.start_height.is_some()
            })
            .map(|(hash, _)| *hash)
            .collect();
        let provider = self.finality_providers.get_mut(&fp).expect("checked");
        provider.slashed =
            Some(Slashing { btc_height: env.btc_height, block_height, extracted_secret: secret });
        events.push(Ev::FinalityProviderSlashed {
            fp_btc_pk: fp,
            block_height,
            extracted_secret: secret,
            delegations: slashed.len() as u64,
        });
        for hash in slashed {
            let params = self.params(self.delegations[&hash].params_version).clone();
            let delegation = self.delegations.get_mut(&hash).expect("listed");
            let locked = delegation.value_sat
                - delegation.outflows.burned_sat
                - delegation.outflows.fees_sat;
            let burned = u64::try_from(
                u128::from(locked) * u128::from(params.slashing_rate_ppm) / u128::from(PPM),
            )
            .expect("below the stake");
            let fee = params.min_slashing_tx_fee_sat.min(locked - burned);
            delegation.outflows.burned_sat += burned;
            delegation.outflows.fees_sat += fee;
            delegation.slashed_at = Some(env.btc_height);
            ledger
                .transfer(btc(), escrow_address(), burn_address(), U256::from(burned))
                .expect("the escrow holds every locked stake");
            ledger
                .transfer(btc(), escrow_address(), miners_address(), U256::from(fee))
                .expect("the escrow holds every locked stake");
            let withdrawable_at = env.btc_height + params.unbonding_time_blocks;
            events.push(Ev::BtcDelegationSlashed {
                staking_tx_hash: hash,
                fp_btc_pk: fp,
                burned_sat: burned,
                fee_sat: fee,
                withdrawable_at,
            });
        }
    }

    fn handle_liveness(
        &mut self,
        env: &BabylonEnv,
        args: &HandleLiveness,
        events: &mut Vec<Ev>,
    ) -> Result<()> {
        if !self.consumers.contains_key(&args.consumer_id) {
            return Err(BabylonError::ConsumerNotRegistered(args.consumer_id.clone()));
        }
        // Heights are judged one at a time, in order, once no vote can still arrive.
        let next = self.liveness_next.get(&args.consumer_id).copied().unwrap_or(1);
        if args.height != next {
            return Err(BabylonError::InvalidLivenessHeight(
                args.height,
                format!("the next height to judge is {next}"),
            ));
        }
        let params = self.params(self.params_version_at(env.btc_height)).clone();
        if args.height.saturating_add(params.finality_sig_timeout) > env.babylon_height {
            return Err(BabylonError::InvalidLivenessHeight(
                args.height,
                format!(
                    "votes may still arrive until height {}",
                    args.height + params.finality_sig_timeout
                ),
            ));
        }
        let key = (args.consumer_id.clone(), args.height);
        let table = match self.power_tables.get(&key) {
            Some(table) => table.clone(),
            None => self.power_table(&args.consumer_id, args.height, env.btc_height),
        };
        self.power_tables.entry(key).or_insert_with(|| table.clone());
        self.liveness_next.insert(args.consumer_id.clone(), next + 1);
        let window = params.signed_blocks_window;
        // Missing more than (1 − min share) of the window jails.
        let max_missed = window - window * params.min_signed_per_window_ppm / PPM;
        for fp in table.keys() {
            let voted = self.votes.contains_key(&(args.consumer_id.clone(), args.height, *fp));
            let provider = self.finality_providers.get_mut(fp).expect("tables hold providers");
            if provider.slashed.is_some() || provider.jailed_until.is_some() {
                continue;
            }
            if !voted {
                provider.missed_heights.insert(args.height);
            }
            let from = args.height.saturating_sub(window - 1);
            provider.missed_heights.retain(|h| *h >= from);
            let missed = provider.missed_heights.len() as u64;
            if missed > max_missed {
                let jailed_until = env.babylon_height + params.jail_duration_blocks;
                provider.jailed_until = Some(jailed_until);
                provider.missed_heights.clear();
                events.push(Ev::FinalityProviderJailed {
                    fp_btc_pk: *fp,
                    missed,
                    window,
                    jailed_until,
                });
            }
        }
        Ok(())
    }

    fn unjail(
        &mut self,
        env: &BabylonEnv,
        sender: Address,
        fp: B256,
        events: &mut Vec<Ev>,
    ) -> Result<()> {
        let provider = self.provider(fp)?;
        if provider.owner != sender {
            return Err(BabylonError::NotFpOwner);
        }
        let Some(until) = provider.jailed_until else {
            return Err(BabylonError::CannotUnjail { fp, why: "it is not jailed".into() });
        };
        if env.babylon_height < until {
            return Err(BabylonError::CannotUnjail {
                fp,
                why: format!("jailed until Babylon height {until}, now {}", env.babylon_height),
            });
        }
        self.finality_providers.get_mut(&fp).expect("checked").jailed_until = None;
        events.push(Ev::FinalityProviderUnjailed { fp_btc_pk: fp });
        Ok(())
    }

    fn check_staking(&self, version: u32, value: u64, time: u64) -> Result<()> {
        let params = self.params(version);
        if value < params.min_staking_value_sat || value > params.max_staking_value_sat {
            return Err(BabylonError::InvalidStakingTx(format!(
                "{value} sat is outside [{}, {}]",
                params.min_staking_value_sat, params.max_staking_value_sat
            )));
        }
        if time < params.min_staking_time_blocks || time > params.max_staking_time_blocks {
            return Err(BabylonError::InvalidStakingTx(format!(
                "a timelock of {time} blocks is outside [{}, {}]",
                params.min_staking_time_blocks, params.max_staking_time_blocks
            )));
        }
        Ok(())
    }

    fn create_btc_delegation(
        &mut self,
        ledger: &mut Ledger,
        env: &BabylonEnv,
        staker: Address,
        args: &CreateBtcDelegation,
        events: &mut Vec<Ev>,
    ) -> Result<()> {
        // A post-staking registration follows the parameters in force where the transaction
        // was included; a pre-staking one those at registration.
        let version = self.params_version_at(args.inclusion_height.unwrap_or(env.btc_height));
        self.check_staking(version, args.staking_value, args.staking_time)?;
        if let Some(inclusion) = args.inclusion_height {
            self.check_inclusion(version, inclusion, args.staking_time, env.btc_height)?;
        }
        if args.fp_btc_pk_list.is_empty() {
            return Err(BabylonError::InvalidFpList("name at least one finality provider".into()));
        }
        let mut networks = std::collections::BTreeSet::new();
        for fp in &args.fp_btc_pk_list {
            let provider = self.provider(*fp)?;
            if provider.slashed.is_some() {
                return Err(BabylonError::FpAlreadySlashed(*fp));
            }
            if !networks.insert(provider.consumer_id.clone()) {
                return Err(BabylonError::InvalidFpList(format!(
                    "two providers on network {:?} (or a duplicate)",
                    provider.consumer_id
                )));
            }
        }
        if !networks.contains(BABYLON_GENESIS) {
            return Err(BabylonError::InvalidFpList(
                "exactly one provider must secure Babylon Genesis".into(),
            ));
        }
        ledger.transfer(btc(), staker, escrow_address(), U256::from(args.staking_value))?;
        let mut preimage = b"rampart.babylon.staking-tx".to_vec();
        preimage.extend_from_slice(staker.as_slice());
        preimage.extend_from_slice(&self.delegation_count.to_be_bytes());
        let hash = keccak256(preimage);
        self.delegation_count += 1;
        self.delegations.insert(
            hash,
            BtcDelegation {
                staker,
                fp_btc_pks: args.fp_btc_pk_list.clone(),
                value_sat: args.staking_value,
                staking_time_blocks: args.staking_time,
                created_btc_height: env.btc_height,
                covenant_signers: Default::default(),
                start_height: args.inclusion_height,
                params_version: version,
                unbonded_at: None,
                slashed_at: None,
                withdrawn: false,
                outflows: Outflows::default(),
            },
        );
        events.push(Ev::BtcDelegationCreated {
            staking_tx_hash: hash,
            staker,
            fp_btc_pks: args.fp_btc_pk_list.clone(),
            value_sat: args.staking_value,
            staking_time: args.staking_time,
        });
        if let Some(start_height) = args.inclusion_height {
            events.push(Ev::BtcDelegationIncluded {
                staking_tx_hash: hash,
                start_height,
                end_height: start_height + args.staking_time,
                params_version: version,
            });
        }
        Ok(())
    }

    /// Checks an inclusion at `inclusion` under parameter `version`: k blocks deep at `tip`,
    /// and enough timelock left that the stake would have power (`tip + unbonding < end`).
    fn check_inclusion(
        &self,
        version: u32,
        inclusion: u64,
        staking_time: u64,
        tip: u64,
    ) -> Result<()> {
        let params = self.params(version);
        let deep_at = inclusion.checked_add(params.btc_confirmation_depth);
        if deep_at.is_none_or(|deep_at| deep_at > tip) {
            return Err(BabylonError::InvalidInclusionProof(format!(
                "the transaction at height {inclusion} is not {} blocks deep at tip {tip}",
                params.btc_confirmation_depth
            )));
        }
        let end = inclusion
            .checked_add(staking_time)
            .ok_or_else(|| BabylonError::InvalidStakingTx("the timelock overflows".into()))?;
        if tip + params.unbonding_time_blocks >= end {
            return Err(BabylonError::InvalidStakingTx(format!(
                "the timelock ends at {end}, too soon to give voting power at tip {tip}"
            )));
        }
        Ok(())
    }

    fn delegation(&self, hash: B256) -> Result<&BtcDelegation> {
        self.delegations.get(&hash).ok_or(BabylonError::BtcDelegationNotFound(hash))
    }

    /// The delegation, if `sender` is its staker.
    fn own_delegation(&self, hash: B256, sender: Address) -> Result<&BtcDelegation> {
        let delegation = self.delegation(hash)?;
        if delegation.staker != sender {
            return Err(BabylonError::NotStaker);
        }
        Ok(delegation)
    }

    fn add_covenant_sigs(
        &mut self,
        env: &BabylonEnv,
        sender: Address,
        hash: B256,
        events: &mut Vec<Ev>,
    ) -> Result<()> {
        let delegation = self.delegation(hash)?;
        let params = self.params(delegation.params_version);
        if !params.covenant_members.contains(&sender) {
            return Err(BabylonError::InvalidCovenantPk);
        }
        if delegation.covenant_signers.contains(&sender) {
            return Err(BabylonError::DuplicatedCovenantSig);
        }
        let status = self.status(delegation, env.btc_height);
        if !matches!(
            status,
            DelegationStatus::Pending | DelegationStatus::Verified | DelegationStatus::Active
        ) {
            return Err(BabylonError::InvalidDelegationState {
                status: status.into(),
                what: "covenant signatures",
            });
        }
        let quorum = params.covenant_quorum;
        let delegation = self.delegations.get_mut(&hash).expect("checked");
        delegation.covenant_signers.insert(sender);
        let signatures = delegation.covenant_signers.len() as u64;
        events.push(Ev::CovenantSigAdded {
            staking_tx_hash: hash,
            covenant_member: sender,
            signatures,
            quorum_reached: signatures >= u64::from(quorum),
        });
        Ok(())
    }

    fn add_inclusion_proof(
        &mut self,
        env: &BabylonEnv,
        args: &InclusionProof,
        events: &mut Vec<Ev>,
    ) -> Result<()> {
        let delegation = self.delegation(args.staking_tx_hash)?;
        if delegation.start_height.is_some() {
            return Err(BabylonError::InvalidInclusionProof(
                "the staking transaction is already included".into(),
            ));
        }
        let status = self.status(delegation, env.btc_height);
        if !matches!(status, DelegationStatus::Pending | DelegationStatus::Verified) {
            return Err(BabylonError::InvalidDelegationState {
                status: status.into(),
                what: "an inclusion proof",
            });
        }
        // Registered before it was on Bitcoin: it cannot have been included earlier.
        if args.inclusion_height < delegation.created_btc_height {
            return Err(BabylonError::StakingTxIncludedTooEarly {
                inclusion: args.inclusion_height,
                registered: delegation.created_btc_height,
            });
        }
        let version = delegation.params_version;
        self.check_inclusion(
            version,
            args.inclusion_height,
            delegation.staking_time_blocks,
            env.btc_height,
        )?;
        let delegation = self.delegations.get_mut(&args.staking_tx_hash).expect("checked");
        delegation.start_height = Some(args.inclusion_height);
        let end_height = args.inclusion_height + delegation.staking_time_blocks;
        events.push(Ev::BtcDelegationIncluded {
            staking_tx_hash: args.staking_tx_hash,
            start_height: args.inclusion_height,
            end_height,
            params_version: version,
        });
        Ok(())
    }

    /// `BTCUndelegate`: Babylon takes the staker's unbonding spend as its intent to leave and
    /// removes the voting power at once. As in Babylon's msg server, the inclusion proof must
    /// name a block the light client knows but need not be `k` deep (an undelegation only
    /// revokes power). The unbonding output's CSV timelock is a Bitcoin rule: it runs from the
    /// block that includes the unbonding transaction, not from the report.
    fn btc_undelegate(
        &mut self,
        ledger: &mut Ledger,
        env: &BabylonEnv,
        sender: Address,
        args: &super::calls::Undelegate,
        events: &mut Vec<Ev>,
    ) -> Result<()> {
        let hash = args.staking_tx_hash;
        let delegation = self.own_delegation(hash, sender)?;
        let status = self.status(delegation, env.btc_height);
        if status != DelegationStatus::Active {
            return Err(BabylonError::InvalidDelegationState {
                status: status.into(),
                what: "early unbonding",
            });
        }
        let included_at = args.inclusion_height.unwrap_or(env.btc_height);
        if included_at > env.btc_height {
            return Err(BabylonError::InvalidInclusionProof(format!(
                "the unbonding transaction's block {included_at} is past the BTC tip {}",
                env.btc_height
            )));
        }
        let staked_at = delegation.start_height.expect("an active delegation is on Bitcoin");
        if included_at < staked_at {
            return Err(BabylonError::InvalidInclusionProof(format!(
                "the unbonding transaction's block {included_at} is before the staking \
                 transaction's block {staked_at}, whose output it spends"
            )));
        }
        let params = self.params(delegation.params_version).clone();
        ledger
            .transfer(
                btc(),
                escrow_address(),
                miners_address(),
                U256::from(params.unbonding_fee_sat),
            )
            .expect("the escrow holds the stake");
        let delegation = self.delegations.get_mut(&hash).expect("checked");
        delegation.unbonded_at = Some(included_at);
        delegation.outflows.fees_sat += params.unbonding_fee_sat;
        let withdrawable_at = included_at + params.unbonding_time_blocks;
        events.push(Ev::BtcDelegationUnbonded {
            staking_tx_hash: hash,
            btc_height: included_at,
            unbonding_fee_sat: params.unbonding_fee_sat,
            withdrawable_at,
        });
        Ok(())
    }

    /// The BTC height from which a delegation's funds can be taken back, if they are locked
    /// at all (a stake never included on Bitcoin never left the staker's control).
    pub fn unlock_height(&self, delegation: &BtcDelegation) -> Option<u64> {
        let unbonding = self.params(delegation.params_version).unbonding_time_blocks;
        if let Some(at) = delegation.slashed_at {
            return Some(at + unbonding);
        }
        if let Some(at) = delegation.unbonded_at {
            return Some(at + unbonding);
        }
        delegation.start_height.map(|start| start + delegation.staking_time_blocks)
    }

    fn withdraw_stake(
        &mut self,
        ledger: &mut Ledger,
        env: &BabylonEnv,
        sender: Address,
        hash: B256,
        events: &mut Vec<Ev>,
    ) -> Result<()> {
        let delegation = self.own_delegation(hash, sender)?;
        if delegation.withdrawn {
            return Err(BabylonError::InvalidDelegationState {
                status: "WITHDRAWN",
                what: "withdrawing again",
            });
        }
        if let Some(unlock_height) = self.unlock_height(delegation)
            && env.btc_height < unlock_height
        {
            return Err(BabylonError::StakeLocked { unlock_height, tip: env.btc_height });
        }
        let returned =
            delegation.value_sat - delegation.outflows.burned_sat - delegation.outflows.fees_sat;
        ledger
            .transfer(btc(), escrow_address(), sender, U256::from(returned))
            .expect("the escrow holds the stake");
        let delegation = self.delegations.get_mut(&hash).expect("checked");
        delegation.withdrawn = true;
        delegation.outflows.returned_sat = returned;
        events.push(Ev::StakeWithdrawn {
            staking_tx_hash: hash,
            staker: sender,
            returned_sat: returned,
        });
        Ok(())
    }

    fn distribute_rewards(
        &mut self,
        ledger: &mut Ledger,
        env: &BabylonEnv,
        sender: Address,
        args: &DistributeRewards,
        events: &mut Vec<Ev>,
    ) -> Result<()> {
        if !self.consumers.contains_key(&args.consumer_id) {
            return Err(BabylonError::ConsumerNotRegistered(args.consumer_id.clone()));
        }
        // As x/incentive: the block's voters share by their recorded voting power.
        let table = self.power_tables.get(&(args.consumer_id.clone(), args.height));
        let power: std::collections::BTreeMap<B256, u64> = table
            .map(|table| {
                table
                    .iter()
                    .filter(|(fp, _)| {
                        self.votes.contains_key(&(args.consumer_id.clone(), args.height, **fp))
                    })
                    .map(|(fp, power)| (*fp, *power))
                    .collect()
            })
            .unwrap_or_default();
        let total: u64 = power.values().sum();
        if total == 0 {
            return Err(BabylonError::InvalidDelegationState {
                status: "NO_VOTES",
                what: "distributing rewards",
            });
        }
        ledger.check_transfer(args.token, sender, args.amount)?;
        // Each provider's share by power; its commission; the rest to its active delegations
        // by satoshi. Every division rounds down; what rounding leaves stays in the pool.
        let mut credits: Vec<(Address, U256)> = Vec::new();
        for (fp, fp_power) in &power {
            let provider = &self.finality_providers[fp];
            let share = math::mul_div(
                args.amount,
                U256::from(*fp_power),
                U256::from(total),
                Rounding::Floor,
            )?;
            let commission = math::mul_div(
                share,
                U256::from(provider.commission_ppm),
                U256::from(PPM),
                Rounding::Floor,
            )?;
            credits.push((provider.owner, commission));
            let to_delegators = share - commission;
            let delegations: Vec<&BtcDelegation> = self
                .delegations
                .values()
                .filter(|d| {
                    d.fp_btc_pks.contains(fp)
                        && self.status(d, env.btc_height) == DelegationStatus::Active
                })
                .collect();
            let delegated: u64 = delegations.iter().map(|d| d.value_sat).sum();
            for delegation in delegations {
                let part = math::mul_div(
                    to_delegators,
                    U256::from(delegation.value_sat),
                    U256::from(delegated),
                    Rounding::Floor,
                )?;
                credits.push((delegation.staker, part));
            }
        }
        ledger.transfer(args.token, sender, rewards_address(), args.amount).expect("checked");
        let mut credited = U256::ZERO;
        for (account, amount) in credits.into_iter().filter(|(_, amount)| !amount.is_zero()) {
            let balance = self.rewards.entry((account, args.token)).or_default();
            *balance += amount;
            credited += amount;
        }
        events.push(Ev::RewardsDistributed {
            consumer_id: args.consumer_id.clone(),
            amount: args.amount,
            undistributed: args.amount - credited,
        });
        Ok(())
    }

    fn withdraw_reward(
        &mut self,
        ledger: &mut Ledger,
        sender: Address,
        token: Address,
        events: &mut Vec<Ev>,
    ) -> Result<()> {
        let amount = self.rewards.get(&(sender, token)).copied().unwrap_or_default();
        if amount.is_zero() {
            return Err(BabylonError::NoRewards);
        }
        ledger.transfer(token, rewards_address(), sender, amount)?;
        self.rewards.remove(&(sender, token));
        events.push(Ev::RewardWithdrawn { account: sender, amount });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commissions_parse_to_parts_per_million() {
        assert_eq!(parse_ppm("0.05"), Some(50_000));
        assert_eq!(parse_ppm("1"), Some(1_000_000));
        assert_eq!(parse_ppm(".1"), Some(100_000));
        assert_eq!(parse_ppm("0.0000001"), None);
        assert_eq!(parse_ppm("-0.1"), None);
        assert_eq!(parse_ppm(""), None);
    }
}
