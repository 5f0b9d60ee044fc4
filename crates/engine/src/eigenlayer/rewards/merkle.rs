//! The rewards merkle trees: salted keccak leaves, trees padded with zero words to a power of
//! two (`Merkle.merkleizeKeccak`), and `Merkle.verifyInclusionKeccak`.

use alloy_primitives::{Address, B256, Bytes, U256, keccak256};

/// `EARNER_LEAF_SALT`.
pub const EARNER_LEAF_SALT: u8 = 0;
/// `TOKEN_LEAF_SALT`.
pub const TOKEN_LEAF_SALT: u8 = 1;

/// `calculateEarnerLeafHash`: `keccak256(0x00 ‖ earner ‖ earnerTokenRoot)`.
pub fn earner_leaf_hash(earner: Address, earner_token_root: B256) -> B256 {
    let mut packed = Vec::with_capacity(53);
    packed.push(EARNER_LEAF_SALT);
    packed.extend_from_slice(earner.as_slice());
    packed.extend_from_slice(earner_token_root.as_slice());
    keccak256(packed)
}

/// `calculateTokenLeafHash`: `keccak256(0x01 ‖ token ‖ cumulativeEarnings)`.
pub fn token_leaf_hash(token: Address, cumulative_earnings: U256) -> B256 {
    let mut packed = Vec::with_capacity(53);
    packed.push(TOKEN_LEAF_SALT);
    packed.extend_from_slice(token.as_slice());
    packed.extend_from_slice(&cumulative_earnings.to_be_bytes::<32>());
    keccak256(packed)
}

fn hash_pair(left: B256, right: B256) -> B256 {
    let mut packed = [0u8; 64];
    packed[..32].copy_from_slice(left.as_slice());
    packed[32..].copy_from_slice(right.as_slice());
    keccak256(packed)
}

/// A tree's levels, leaves first, each padded to an even width with zero words.
#[derive(Debug, Clone)]
pub struct Tree {
    levels: Vec<Vec<B256>>,
}

impl Tree {
    /// Builds the tree over `leaves` (at least one), padding to the next power of two with
    /// zero words, as `merkleizeKeccak` does; a single leaf is its own root.
    pub fn new(leaves: Vec<B256>) -> Self {
        assert!(!leaves.is_empty(), "a tree has at least one leaf");
        let width = leaves.len().next_power_of_two();
        let mut level = leaves;
        level.resize(width, B256::ZERO);
        let mut levels = vec![level];
        while levels.last().expect("one level at least").len() > 1 {
            let next = levels
                .last()
                .expect("one level at least")
                .chunks(2)
                .map(|pair| hash_pair(pair[0], pair[1]))
                .collect();
            levels.push(next);
        }
        Self { levels }
    }

    /// The root.
    pub fn root(&self) -> B256 {
        self.levels.last().expect("one level at least")[0]
    }

    /// The sibling hashes from leaf `index` to the root.
    pub fn proof(&self, index: usize) -> Bytes {
        let mut proof = Vec::with_capacity(32 * (self.levels.len() - 1));
        let mut position = index;
        for level in &self.levels[..self.levels.len() - 1] {
            proof.extend_from_slice(level[position ^ 1].as_slice());
            position /= 2;
        }
        proof.into()
    }
}

/// Why `verifyInclusionKeccak` reverts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProofError {
    /// The root is zero.
    EmptyRoot,
    /// The proof is not whole 32-byte words.
    InvalidProofLength,
    /// The index has bits above the proof's height.
    InvalidIndex,
}

/// `Merkle.verifyInclusionKeccak(proof, root, leaf, index)`.
pub fn verify_inclusion(
    proof: &[u8],
    root: B256,
    leaf: B256,
    index: u64,
) -> Result<bool, ProofError> {
    if root.is_zero() {
        return Err(ProofError::EmptyRoot);
    }
    if !proof.len().is_multiple_of(32) {
        return Err(ProofError::InvalidProofLength);
    }
    let mut computed = leaf;
    let mut index = index;
    for sibling in proof.chunks(32) {
        let sibling = B256::from_slice(sibling);
        computed = if index.is_multiple_of(2) {
            hash_pair(computed, sibling)
        } else {
            hash_pair(sibling, computed)
        };
        index /= 2;
    }
    if index != 0 {
        return Err(ProofError::InvalidIndex);
    }
    Ok(computed == root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_leaf_proves_against_the_root() {
        for count in 1..=9usize {
            let leaves: Vec<B256> = (0..count).map(|i| keccak256(i.to_be_bytes())).collect();
            let tree = Tree::new(leaves.clone());
            for (index, leaf) in leaves.iter().enumerate() {
                let proof = tree.proof(index);
                assert_eq!(verify_inclusion(&proof, tree.root(), *leaf, index as u64), Ok(true));
                assert_eq!(
                    verify_inclusion(&proof, tree.root(), keccak256([99]), index as u64),
                    Ok(false)
                );
            }
        }
    }

    #[test]
    fn a_single_leaf_is_its_own_root() {
        let leaf = token_leaf_hash(Address::repeat_byte(1), U256::from(5));
        let tree = Tree::new(vec![leaf]);
        assert_eq!(tree.root(), leaf);
        assert!(tree.proof(0).is_empty());
        assert_eq!(verify_inclusion(&[], leaf, leaf, 0), Ok(true));
    }

    #[test]
    fn malformed_proofs_are_refused_by_name() {
        assert_eq!(verify_inclusion(&[], B256::ZERO, B256::ZERO, 0), Err(ProofError::EmptyRoot));
        let root = B256::repeat_byte(7);
        assert_eq!(verify_inclusion(&[0; 31], root, root, 0), Err(ProofError::InvalidProofLength));
        assert_eq!(verify_inclusion(&[0; 32], root, root, 2), Err(ProofError::InvalidIndex));
    }

    #[test]
    fn the_contracts_single_earner_vector_verifies() {
        // processClaimProofs_SingleEarnerLeaf.json (RewardsCoordinatorUnit.t.sol): one earner,
        // so the root is the earner leaf; three of its token leaves with 3-level proofs.
        let hex = |text: &str| -> Vec<u8> { alloy_primitives::hex::decode(text).unwrap() };
        let root: B256 =
            "0xd4aa4d1bdb95eb78f061238d587609407301a05bd952334ad6b5e8ca60bb347e".parse().unwrap();
        let earner: Address = "0x0d6ba28b9919cfcdb6b233469cc5ce30b979e08e".parse().unwrap();
        let token_root: B256 =
            "0x12104ce9deb6e62ef479656476be1da6d71905234252cf9a5c9733e6cb115d77".parse().unwrap();
        assert_eq!(earner_leaf_hash(earner, token_root), root);
        assert_eq!(verify_inclusion(&[], root, earner_leaf_hash(earner, token_root), 0), Ok(true));
        let e18 = U256::from(1_000_000_000_000_000_000u64);
        let leaves = [
            (
                0,
                "0x1006dd1b8c3d0ef53489bed27577c75299f71473",
                e18,
                "0xf027f6a1f6522a5ede64f16448001378272bcc3b4d9b2660f241ea87d4cafc880d5fa8201813790dcfddb37966811813117ab78db2cce941c8b1d1f3888cccca6271c73f26f5e492cc990b25f85410beaf6f04958410162dc16eb5e3ce4791ce",
            ),
            (
                2,
                "0x43afffbe0afacdabe9ce7dbc4f07407a2b788a84",
                e18 * U256::from(3),
                "0x9ae7a20b0f244cb25a1c18339432139587ecc0058130e9ebb10a98049981395d5bef23d3c6b22f7b1265e30a68e83b675394ea57b7fa150f5ecc07bae7e3b88d6271c73f26f5e492cc990b25f85410beaf6f04958410162dc16eb5e3ce4791ce",
            ),
            (
                3,
                "0x748a3ed7e6b04239150d7ebe12d7aef3e3994a23",
                e18,
                "0x31335a07ff9047e08d712967b2ef1720f8682cb696d9df15902602b0c5eebdde5bef23d3c6b22f7b1265e30a68e83b675394ea57b7fa150f5ecc07bae7e3b88d6271c73f26f5e492cc990b25f85410beaf6f04958410162dc16eb5e3ce4791ce",
            ),
        ];
        for (index, token, amount, proof) in leaves {
            let leaf = token_leaf_hash(token.parse().unwrap(), amount);
            assert_eq!(verify_inclusion(&hex(proof), token_root, leaf, index), Ok(true));
            // The earner salt makes the same bytes a different leaf.
            let wrong_salt = earner_leaf_hash(token.parse().unwrap(), B256::from(amount));
            assert_eq!(verify_inclusion(&hex(proof), token_root, wrong_salt, index), Ok(false));
        }
    }
}
