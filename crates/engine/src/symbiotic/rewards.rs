//! Rewards (symbioticfi/rewards): `DefaultStakerRewards`, which shares each distribution pro
//! rata to the vault's active shares at a past timestamp after the curator's admin fee, and
//! `DefaultOperatorRewards`, cumulative claims against a merkle root per (network, token).

use alloy_primitives::{Address, B256, U256, keccak256};

use super::{
    Result, Symbiotic, SymbioticError as E, SymbioticEvent as Ev,
    delegator::require_role,
    operator_rewards_address,
    state::{Amount, RewardDistribution, Role, Roles, StakerRewards},
    vault::At,
};
use crate::{
    accounts::derived_address,
    ledger::Ledger,
    math::{self, Rounding},
};

/// Basis points in 100%.
pub const ADMIN_FEE_BASE: u64 = 10_000;

impl Symbiotic {
    /// `DefaultStakerRewardsFactory.create(…)`: a staker-rewards contract for `vault`.
    pub(super) fn create_staker_rewards(
        &mut self,
        vault: Address,
        admin_fee: u64,
        roles: Roles,
    ) -> Result<Ev> {
        self.vault(vault)?;
        // DefaultStakerRewards.initialize, before _setAdminFee's bound: without a default admin,
        // a fee needs someone to claim it; with no fee, the claim and set roles come together
        // (both or neither).
        let held = |role: Role| roles.0.get(&role).is_some_and(|holders| !holders.is_empty());
        if !held(Role::DefaultAdminRole) {
            let (claim, set) = (held(Role::AdminFeeClaimRole), held(Role::AdminFeeSetRole));
            if admin_fee == 0 && claim != set {
                let missing = if claim { Role::AdminFeeSetRole } else { Role::AdminFeeClaimRole };
                return Err(E::MissingRoles(missing.into()));
            }
            if admin_fee != 0 && !claim {
                return Err(E::MissingRoles(Role::AdminFeeClaimRole.into()));
            }
        }
        if admin_fee > ADMIN_FEE_BASE {
            return Err(E::InvalidAdminFee(admin_fee));
        }
        let address = derived_address(
            "rampart.symbiotic.staker-rewards",
            &self.staker_rewards.len().to_string(),
        );
        self.staker_rewards.insert(
            address,
            StakerRewards {
                vault,
                admin_fee,
                roles,
                rewards: Default::default(),
                last_unclaimed_reward: Default::default(),
                active_shares_cache: Default::default(),
                claimable_admin_fee: Default::default(),
            },
        );
        Ok(Ev::StakerRewardsCreated { staker_rewards: address, vault, admin_fee })
    }

    fn rewards_contract(&self, address: Address) -> Result<&StakerRewards> {
        self.staker_rewards
            .get(&address)
            .ok_or(E::UnknownContract { kind: "DefaultStakerRewards", address })
    }

    /// `distributeRewards(network, token, amount, data = (timestamp, maxAdminFee))`, by the
    /// network's middleware.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn distribute_staker_rewards(
        &mut self,
        ledger: &mut Ledger,
        now: u64,
        sender: Address,
        address: Address,
        network: Address,
        token: Address,
        amount: U256,
        timestamp: u64,
        max_admin_fee: u64,
    ) -> Result<Ev> {
        let contract = self.rewards_contract(address)?;
        if self.middleware.get(&network) != Some(&sender) {
            return Err(E::NotNetworkMiddleware);
        }
        if timestamp >= now {
            return Err(E::InvalidRewardTimestamp(timestamp));
        }
        if contract.admin_fee > max_admin_fee {
            return Err(E::HighAdminFee(contract.admin_fee));
        }
        let vault = self.vault(contract.vault)?;
        let shares = vault.active_shares(At::Time(timestamp));
        if shares.is_zero() || vault.active_stake(At::Time(timestamp)).is_zero() {
            return Err(E::InvalidRewardTimestamp(timestamp));
        }
        if amount.is_zero() {
            return Err(E::InsufficientReward);
        }
        let fee = math::mul_div(
            amount,
            U256::from(contract.admin_fee),
            U256::from(ADMIN_FEE_BASE),
            Rounding::Floor,
        )?;
        let net = math::sub(amount, fee)?;
        let fees = math::add(
            contract.claimable_admin_fee.get(&token).map(|a| a.0).unwrap_or_default(),
            fee,
        )?;
        ledger.transfer(token, sender, address, amount)?;
        let contract = self.staker_rewards.get_mut(&address).expect("checked above");
        contract.active_shares_cache.entry(timestamp).or_insert(Amount(shares));
        contract.claimable_admin_fee.insert(token, Amount(fees));
        if !net.is_zero() {
            contract
                .rewards
                .entry((token, network))
                .or_default()
                .push(RewardDistribution { amount: net, timestamp });
        }
        // The event carries the amount distributed to stakers, net of the fee.
        Ok(Ev::DistributeRewards {
            staker_rewards: address,
            network,
            token,
            amount: net,
            timestamp,
            admin_fee: fee,
        })
    }

    /// What `account` would receive from the next `max_rewards` distributions of `token` by
    /// `network`, and the cursor after them.
    pub fn claimable_staker_rewards(
        &self,
        address: Address,
        account: Address,
        token: Address,
        network: Address,
        max_rewards: u64,
    ) -> Result<(U256, u64, u64)> {
        let contract = self.rewards_contract(address)?;
        let vault = self.vault(contract.vault)?;
        let list = contract.rewards.get(&(token, network)).map(Vec::as_slice).unwrap_or_default();
        let first =
            contract.last_unclaimed_reward.get(&(account, token, network)).copied().unwrap_or(0);
        let end = (list.len() as u64).min(first.saturating_add(max_rewards));
        let index = |at: u64| usize::try_from(at).expect("bounded by the list's length");
        let mut owed = U256::ZERO;
        for reward in &list[index(first.min(end))..index(end)] {
            let held = vault.active_shares_of(account, At::Time(reward.timestamp));
            let total = contract.active_shares_cache[&reward.timestamp].0;
            owed = math::add(owed, math::mul_div(held, reward.amount, total, Rounding::Floor)?)?;
        }
        Ok((owed, first, end))
    }

    /// `claimRewards(recipient, token, data = (network, maxRewards))`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn claim_staker_rewards(
        &mut self,
        ledger: &mut Ledger,
        sender: Address,
        address: Address,
        recipient: Address,
        token: Address,
        network: Address,
        max_rewards: u64,
    ) -> Result<Ev> {
        if recipient == Address::ZERO {
            return Err(E::InvalidRecipient);
        }
        let (owed, first, end) =
            self.claimable_staker_rewards(address, sender, token, network, max_rewards)?;
        if first >= end {
            return Err(E::NoRewardsToClaim);
        }
        ledger.transfer(token, address, recipient, owed)?;
        let contract = self.staker_rewards.get_mut(&address).expect("checked above");
        contract.last_unclaimed_reward.insert((sender, token, network), end);
        Ok(Ev::ClaimRewards {
            staker_rewards: address,
            token,
            network,
            claimer: sender,
            recipient,
            first_reward_index: first,
            num_rewards: end - first,
            amount: owed,
        })
    }

    /// `claimAdminFee(recipient, token)`, by a holder of `ADMIN_FEE_CLAIM_ROLE`.
    pub(super) fn claim_admin_fee(
        &mut self,
        ledger: &mut Ledger,
        sender: Address,
        address: Address,
        recipient: Address,
        token: Address,
    ) -> Result<Ev> {
        let contract = self.rewards_contract(address)?;
        require_role(&contract.roles, Role::AdminFeeClaimRole, sender)?;
        let amount = contract.claimable_admin_fee.get(&token).map(|a| a.0).unwrap_or_default();
        if amount.is_zero() {
            return Err(E::InsufficientAdminFee);
        }
        ledger.transfer(token, address, recipient, amount)?;
        let contract = self.staker_rewards.get_mut(&address).expect("checked above");
        contract.claimable_admin_fee.remove(&token);
        Ok(Ev::ClaimAdminFee { staker_rewards: address, recipient, token, amount })
    }

    /// `setAdminFee(adminFee)`, by a holder of `ADMIN_FEE_SET_ROLE`.
    pub(super) fn set_admin_fee(
        &mut self,
        sender: Address,
        address: Address,
        admin_fee: u64,
    ) -> Result<Ev> {
        let contract = self.rewards_contract(address)?;
        require_role(&contract.roles, Role::AdminFeeSetRole, sender)?;
        if contract.admin_fee == admin_fee {
            return Err(E::AlreadySet);
        }
        if admin_fee > ADMIN_FEE_BASE {
            return Err(E::InvalidAdminFee(admin_fee));
        }
        self.staker_rewards.get_mut(&address).expect("checked above").admin_fee = admin_fee;
        Ok(Ev::SetAdminFee { staker_rewards: address, admin_fee })
    }

    /// `DefaultOperatorRewards.distributeRewards(network, token, amount, root)`, by the
    /// network's middleware: adds `amount` to the pool and replaces the root.
    pub(super) fn distribute_operator_rewards(
        &mut self,
        ledger: &mut Ledger,
        sender: Address,
        network: Address,
        token: Address,
        amount: U256,
        root: B256,
    ) -> Result<Ev> {
        if self.middleware.get(&network) != Some(&sender) {
            return Err(E::NotNetworkMiddleware);
        }
        let key = (network, token);
        let balance = self.operator_rewards.balance.get(&key).map(|a| a.0).unwrap_or_default();
        let balance = math::add(balance, amount)?;
        ledger.transfer(token, sender, operator_rewards_address(), amount)?;
        self.operator_rewards.balance.insert(key, Amount(balance));
        self.operator_rewards.root.insert(key, root);
        Ok(Ev::DistributeOperatorRewards { network, token, amount, root })
    }

    /// `DefaultOperatorRewards.claimRewards(recipient, network, token, totalClaimable, proof)`:
    /// pays the part of `total_claimable` not yet claimed, if the proof shows it under the root.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn claim_operator_rewards(
        &mut self,
        ledger: &mut Ledger,
        sender: Address,
        recipient: Address,
        network: Address,
        token: Address,
        total_claimable: U256,
        proof: &[B256],
    ) -> Result<Ev> {
        let key = (network, token);
        // A root distributed as zero is as good as none (`root_ == bytes32(0)`).
        let root = self
            .operator_rewards
            .root
            .get(&key)
            .copied()
            .filter(|root| !root.is_zero())
            .ok_or(E::RootNotSet)?;
        if process_proof(proof, operator_leaf(sender, total_claimable)) != root {
            return Err(E::InvalidProof);
        }
        let claimed_key = (network, token, sender);
        let claimed =
            self.operator_rewards.claimed.get(&claimed_key).map(|a| a.0).unwrap_or_default();
        if total_claimable <= claimed {
            return Err(E::InsufficientTotalClaimable);
        }
        let amount = total_claimable - claimed;
        let balance = self.operator_rewards.balance.get(&key).map(|a| a.0).unwrap_or_default();
        if amount > balance {
            return Err(E::InsufficientBalance);
        }
        ledger.transfer(token, operator_rewards_address(), recipient, amount)?;
        self.operator_rewards.balance.insert(key, Amount(balance - amount));
        self.operator_rewards.claimed.insert(claimed_key, Amount(total_claimable));
        Ok(Ev::ClaimOperatorRewards { recipient, network, token, claimer: sender, amount })
    }
}

/// The leaf of an operator's cumulative claim: `keccak256(keccak256(abi.encode(account,
/// totalClaimable)))`, hashed twice so that no leaf is also an inner node.
pub fn operator_leaf(account: Address, total_claimable: U256) -> B256 {
    let mut encoded = [0u8; 64];
    encoded[12..32].copy_from_slice(account.as_slice());
    encoded[32..].copy_from_slice(&total_claimable.to_be_bytes::<32>());
    keccak256(keccak256(encoded))
}

/// OpenZeppelin's commutative pair hash: the smaller word first.
fn hash_pair(a: B256, b: B256) -> B256 {
    let (first, second) = if a <= b { (a, b) } else { (b, a) };
    let mut both = [0u8; 64];
    both[..32].copy_from_slice(first.as_slice());
    both[32..].copy_from_slice(second.as_slice());
    keccak256(both)
}

/// OpenZeppelin's `MerkleProof.processProof`.
pub fn process_proof(proof: &[B256], leaf: B256) -> B256 {
    proof.iter().fold(leaf, |node, sibling| hash_pair(node, *sibling))
}

/// The merkle tree OpenZeppelin's `StandardMerkleTree` builds (and Symbiotic's rewards CLI
/// publishes): leaves sorted by hash, laid out as a complete binary tree in an array, parents
/// hashed commutatively. Returns the root and each leaf's proof, in the order given.
pub fn merkle_tree(leaves: &[B256]) -> (B256, Vec<Vec<B256>>) {
    if leaves.is_empty() {
        return (B256::ZERO, Vec::new());
    }
    let mut sorted: Vec<B256> = leaves.to_vec();
    sorted.sort();
    let size = 2 * sorted.len() - 1;
    let mut tree = vec![B256::ZERO; size];
    for (i, leaf) in sorted.iter().enumerate() {
        tree[size - 1 - i] = *leaf;
    }
    for i in (0..size - sorted.len()).rev() {
        tree[i] = hash_pair(tree[2 * i + 1], tree[2 * i + 2]);
    }
    let proofs = leaves
        .iter()
        .map(|leaf| {
            let rank = sorted.iter().position(|l| l == leaf).expect("every leaf is sorted in");
            let mut node = size - 1 - rank;
            let mut proof = Vec::new();
            while node > 0 {
                let sibling = if node % 2 == 1 { node + 1 } else { node - 1 };
                proof.push(tree[sibling]);
                node = (node - 1) / 2;
            }
            proof
        })
        .collect();
    (tree[0], proofs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_proof_of_a_tree_leads_to_its_root() {
        for size in 1..9u64 {
            let leaves: Vec<B256> = (0..size)
                .map(|i| {
                    operator_leaf(Address::with_last_byte(u8::try_from(i).unwrap()), U256::from(i))
                })
                .collect();
            let (root, proofs) = merkle_tree(&leaves);
            for (leaf, proof) in leaves.iter().zip(&proofs) {
                assert_eq!(process_proof(proof, *leaf), root, "size {size}");
            }
            let forged = operator_leaf(Address::with_last_byte(0), U256::from(1_000));
            assert_ne!(process_proof(&proofs[0], forged), root);
        }
    }

    /// `DefaultOperatorRewards.t.sol::test_ClaimRewardsCustom`, the CLI's example distribution.
    #[test]
    fn reproduces_the_rewards_cli_example_root() {
        let claims = [
            (1u8, 100_000_000_000_000_000u64),
            (2, 300_000_000_000_000_000),
            (3, 600_000_000_000_000_000),
        ];
        let leaves: Vec<B256> = claims
            .iter()
            .map(|(who, amount)| operator_leaf(Address::with_last_byte(*who), U256::from(*amount)))
            .collect();
        assert_eq!(
            leaves[0].to_string(),
            "0xb77d490dc0f9580cc767909bba59fd55900dec274b637ed820a391c018c8858a"
        );
        let (root, proofs) = merkle_tree(&leaves);
        assert_eq!(
            root.to_string(),
            "0x1421466e8f910cab140a44dd533adb90ebc2d87e0ab91e851737a77ecd394224"
        );
        assert_eq!(proofs[2], vec![leaves[1], leaves[0]]);
    }
}
