//! Extractable one-time signatures (EOTS): BIP-340 Schnorr over secp256k1 with a nonce
//! committed in advance.
//!
//! A finality provider commits, per Babylon height, the x-coordinate of `R = r·G` for a secret
//! randomness `r`. Its vote for a block at that height is the BIP-340 signature `s = r + e·x`
//! with `e = H_BIP0340/challenge(R.x ‖ P.x ‖ m)`. One vote reveals nothing; two votes for
//! different blocks under the same `R` reveal the key: `x = (s₁ − s₂) / (e₁ − e₂)`. That is
//! what makes double-signing slashable on Bitcoin.
//!
//! Keys are x-only (BIP-340): a secret whose public point has an odd y is negated, and so is a
//! nonce, so that every public point used has an even y.

use alloy_primitives::{B256, keccak256};
use k256::{
    AffinePoint, ProjectivePoint, Scalar,
    elliptic_curve::{
        PrimeField,
        group::GroupEncoding,
        ops::Reduce,
        point::{AffineCoordinates, DecompressPoint},
        subtle::Choice,
    },
};
use sha2::{Digest, Sha256};

/// Why an EOTS operation failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EotsError {
    /// A 32-byte value is not a valid secret scalar (zero or ≥ n).
    #[error("not a valid secp256k1 secret")]
    InvalidSecret,
    /// A 32-byte x-coordinate is not on the curve.
    #[error("not the x-coordinate of a secp256k1 point")]
    InvalidPoint,
    /// A signature scalar is not below the group order.
    #[error("the signature is not a valid scalar")]
    InvalidSignature,
    /// The two signatures do not equivocate (same message, or different randomness).
    #[error("the two signatures do not reveal a key: they sign the same message")]
    NotEquivocation,
}

fn tagged_hash(tag: &str, parts: &[&[u8]]) -> [u8; 32] {
    let tag_hash = Sha256::digest(tag.as_bytes());
    let mut hasher = Sha256::new();
    hasher.update(tag_hash);
    hasher.update(tag_hash);
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}

fn scalar_from(bytes: &B256) -> Option<Scalar> {
    Option::from(Scalar::from_repr(bytes.0.into())).filter(|s: &Scalar| !bool::from(s.is_zero()))
}

fn x_only(point: &AffinePoint) -> B256 {
    B256::from_slice(&point.x())
}

/// The point with x-coordinate `x` and an even y (BIP-340's `lift_x`).
fn lift_x(x: &B256) -> Result<AffinePoint, EotsError> {
    Option::from(AffinePoint::decompress(&x.0.into(), Choice::from(0)))
        .ok_or(EotsError::InvalidPoint)
}

/// A secret normalized so that its public point has an even y, and that point's x.
fn normalized(secret: Scalar) -> (Scalar, B256) {
    let point = (ProjectivePoint::GENERATOR * secret).to_affine();
    let secret = if bool::from(point.y_is_odd()) { -secret } else { secret };
    (secret, x_only(&point))
}

/// The x-only public key of a 32-byte secret.
pub fn public_key(secret: &B256) -> Result<B256, EotsError> {
    let scalar = scalar_from(secret).ok_or(EotsError::InvalidSecret)?;
    Ok(normalized(scalar).1)
}

/// The message a finality vote signs: `sha256(height as 8 bytes big-endian ‖ block hash)`.
pub fn vote_message(height: u64, block_hash: &B256) -> B256 {
    let mut hasher = Sha256::new();
    hasher.update(height.to_be_bytes());
    hasher.update(block_hash);
    B256::from(<[u8; 32]>::from(hasher.finalize()))
}

fn challenge(public_randomness: &B256, public_key: &B256, message: &B256) -> Scalar {
    let hash = tagged_hash(
        "BIP0340/challenge",
        &[public_randomness.as_slice(), public_key.as_slice(), message.as_slice()],
    );
    <Scalar as Reduce<k256::U256>>::reduce_bytes(&hash.into())
}

/// Signs `message` with `secret` under the committed randomness `randomness` (the `r` whose
/// `R.x` was committed): returns `s` as 32 bytes.
pub fn sign(secret: &B256, randomness: &B256, message: &B256) -> Result<B256, EotsError> {
    let (secret, public) = normalized(scalar_from(secret).ok_or(EotsError::InvalidSecret)?);
    let (nonce, public_randomness) =
        normalized(scalar_from(randomness).ok_or(EotsError::InvalidSecret)?);
    let s = nonce + challenge(&public_randomness, &public, message) * secret;
    Ok(B256::from_slice(&s.to_bytes()))
}

/// The public randomness `R.x` for a secret randomness `r`.
pub fn public_randomness(randomness: &B256) -> Result<B256, EotsError> {
    public_key(randomness)
}

/// Checks a vote: `s·G − e·P = R` with `P` and `R` lifted to even y.
pub fn verify(
    public_key: &B256,
    public_randomness: &B256,
    message: &B256,
    signature: &B256,
) -> Result<bool, EotsError> {
    let point = lift_x(public_key)?;
    let nonce_point = lift_x(public_randomness)?;
    let s = Option::<Scalar>::from(Scalar::from_repr(signature.0.into()))
        .ok_or(EotsError::InvalidSignature)?;
    let e = challenge(public_randomness, public_key, message);
    let expected = ProjectivePoint::GENERATOR * s - ProjectivePoint::from(point) * e;
    Ok(expected == ProjectivePoint::from(nonce_point))
}

/// Extracts the secret key from two votes under the same randomness for different messages,
/// and checks it against the public key. Returns the (normalized) 32-byte secret.
pub fn extract(
    public_key: &B256,
    public_randomness: &B256,
    first: (&B256, &B256),
    second: (&B256, &B256),
) -> Result<B256, EotsError> {
    let ((message_1, signature_1), (message_2, signature_2)) = (first, second);
    if message_1 == message_2 {
        return Err(EotsError::NotEquivocation);
    }
    let s1 = Option::<Scalar>::from(Scalar::from_repr(signature_1.0.into()))
        .ok_or(EotsError::InvalidSignature)?;
    let s2 = Option::<Scalar>::from(Scalar::from_repr(signature_2.0.into()))
        .ok_or(EotsError::InvalidSignature)?;
    let e1 = challenge(public_randomness, public_key, message_1);
    let e2 = challenge(public_randomness, public_key, message_2);
    let denominator =
        Option::<Scalar>::from((e1 - e2).invert()).ok_or(EotsError::NotEquivocation)?;
    let secret = (s1 - s2) * denominator;
    let derived = (ProjectivePoint::GENERATOR * secret).to_affine();
    if x_only(&derived) != *public_key || bool::from(derived.y_is_odd()) {
        return Err(EotsError::NotEquivocation);
    }
    Ok(B256::from_slice(&secret.to_bytes()))
}

/// The BTC secret key of a named finality provider or staker in scenarios and tests:
/// `keccak256("btc:" ‖ name)`. Public names make public keys: for local use only.
pub fn named_secret(name: &str) -> B256 {
    keccak256(format!("btc:{name}"))
}

/// The secret randomness a named finality provider commits for `height`:
/// `keccak256("eots-randomness:" ‖ name ‖ height)`.
pub fn named_randomness(name: &str, height: u64) -> B256 {
    keccak256(format!("eots-randomness:{name}:{height}"))
}

/// Whether `x` is the x-coordinate of a curve point (valid public randomness or key).
pub fn is_point(x: &B256) -> bool {
    lift_x(x).is_ok()
}

/// The compressed encoding of an x-only key's even-y point (for display).
pub fn compressed(public_key: &B256) -> Result<Vec<u8>, EotsError> {
    Ok(ProjectivePoint::from(lift_x(public_key)?).to_affine().to_bytes().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(text: &str) -> B256 {
        keccak256(text)
    }

    #[test]
    fn a_vote_verifies_and_two_votes_reveal_the_key() {
        let secret = named_secret("fp1");
        let public = public_key(&secret).unwrap();
        let r = named_randomness("fp1", 10);
        let big_r = public_randomness(&r).unwrap();
        let (m1, m2) = (vote_message(10, &hash("block a")), vote_message(10, &hash("block b")));
        let s1 = sign(&secret, &r, &m1).unwrap();
        let s2 = sign(&secret, &r, &m2).unwrap();
        assert!(verify(&public, &big_r, &m1, &s1).unwrap());
        assert!(verify(&public, &big_r, &m2, &s2).unwrap());
        assert!(!verify(&public, &big_r, &m2, &s1).unwrap(), "a signature is bound to its message");

        let extracted = extract(&public, &big_r, (&m1, &s1), (&m2, &s2)).unwrap();
        assert_eq!(public_key(&extracted).unwrap(), public);
        // The extracted key signs like the real one (it is the even-y normalized secret).
        let m3 = vote_message(11, &hash("block c"));
        let r11 = named_randomness("fp1", 11);
        assert_eq!(sign(&extracted, &r11, &m3).unwrap(), sign(&secret, &r11, &m3).unwrap());
    }

    #[test]
    fn votes_that_do_not_equivocate_reveal_nothing() {
        let secret = named_secret("fp2");
        let public = public_key(&secret).unwrap();
        let r = named_randomness("fp2", 5);
        let big_r = public_randomness(&r).unwrap();
        let m = vote_message(5, &hash("same block"));
        let s = sign(&secret, &r, &m).unwrap();
        assert_eq!(extract(&public, &big_r, (&m, &s), (&m, &s)), Err(EotsError::NotEquivocation));
        // Different randomness for the two votes: the "extracted" value is not the key.
        let other_r = named_randomness("fp2", 6);
        let m2 = vote_message(5, &hash("other block"));
        let s2 = sign(&secret, &other_r, &m2).unwrap();
        assert_eq!(extract(&public, &big_r, (&m, &s), (&m2, &s2)), Err(EotsError::NotEquivocation));
        // A forged second signature does not yield the key either.
        let forged = hash("forged");
        let forged = B256::from_slice(
            &<Scalar as Reduce<k256::U256>>::reduce_bytes(&forged.0.into()).to_bytes(),
        );
        assert_eq!(
            extract(&public, &big_r, (&m, &s), (&m2, &forged)),
            Err(EotsError::NotEquivocation)
        );
    }

    #[test]
    fn bip340_tagged_hash_and_lift_x_behave() {
        // BIP-340 test vector 0: secret 3, aux 0, message 0 → public key F9308A01...
        let mut secret = [0u8; 32];
        secret[31] = 3;
        let public = public_key(&B256::from(secret)).unwrap();
        assert_eq!(
            public.to_string(),
            "0xf9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9"
        );
        assert!(lift_x(&B256::repeat_byte(0xff)).is_err(), "x ≥ p is no point");
    }
}
