//! Signed calls, Ethereum style.
//!
//! A client signs the exact bytes of a JSON payload — chain id, sender, nonce, call and
//! arguments — with `personal_sign` (EIP-191) and its secp256k1 key, and posts
//! `{ "payload": "<that JSON as a string>", "signature": "0x<65 bytes>" }`. The node recovers
//! the signer from the signature, requires it to equal the payload's `from`, and only then
//! reads the call. Signing the payload's bytes rather than a re-encoding of parsed JSON means
//! there is no canonical form to get wrong: what was signed is exactly what runs.

use alloy_primitives::{Address, hex};
use k256::ecdsa::SigningKey;
use rampart_engine::serde_ext;
use secp256k1::{
    Message, SECP256K1, SecretKey,
    ecdsa::{RecoverableSignature, RecoveryId},
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The body of `POST /v1/calls`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignedCall {
    /// The JSON text of a [`Payload`], exactly as signed.
    pub payload: String,
    /// `personal_sign(payload)`: 65 bytes `r ‖ s ‖ v` as 0x hex.
    #[schema(pattern = "^(0x)?[0-9a-fA-F]{130}$")]
    pub signature: String,
}

/// What a signed call says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Payload {
    /// The node's chain id (31337 for dev nodes): a signature for one chain is void on another.
    pub chain_id: u64,
    /// The sender; must be the signer.
    #[serde(with = "serde_ext::account")]
    #[schema(value_type = String, example = "0x328809Bc894f92807417D2dAD6b7C998c1aFdac6")]
    pub from: Address,
    /// The sender's next nonce (see `GET /v1/nonces/{address}`).
    pub nonce: u64,
    /// `protocol.function`, as in scenario files (`eigenlayer.deposit_into_strategy`).
    pub call: String,
    /// The arguments, as in scenario files.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub args: Value,
}

/// Why a signed call could not be authenticated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// The signature is not 65 bytes of hex or does not recover.
    #[error("the signature is malformed: {0}")]
    MalformedSignature(String),
    /// The payload is not a JSON payload object.
    #[error("the payload is not valid: {0}")]
    MalformedPayload(String),
    /// The signer is not the payload's sender.
    #[error("the payload is signed by {signer}, not by its sender {from}")]
    WrongSigner {
        /// Who signed.
        signer: Address,
        /// Who the payload says sends it.
        from: Address,
    },
    /// Signed for another chain.
    #[error("the payload is for chain {got}, this node is chain {expected}")]
    WrongChain {
        /// This node's chain id.
        expected: u64,
        /// The payload's.
        got: u64,
    },
}

/// `secp256k1n / 2`, big-endian.
const HALF_ORDER: [u8; 32] = [
    0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0x5D, 0x57, 0x6E, 0x73, 0x57, 0xA4, 0x50, 0x1D, 0xDF, 0xE9, 0x2F, 0x46, 0x68, 0x1B, 0x20, 0xA0,
];

/// Signs a payload with `key` (client side).
pub fn sign(key: &SigningKey, payload: &Payload) -> SignedCall {
    let text = serde_json::to_string(payload).expect("payloads serialize");
    let digest = alloy_primitives::eip191_hash_message(text.as_bytes());
    let secret = SecretKey::from_byte_array(key.to_bytes().into())
        .expect("a k256 key is a valid secp256k1 key");
    let signature = SECP256K1.sign_ecdsa_recoverable(Message::from_digest(digest.0), &secret);
    let (recovery, compact) = signature.serialize_compact();
    let mut bytes = compact.to_vec();
    bytes.push(27 + u8::try_from(i32::from(recovery)).expect("recovery ids are 0..=3"));
    SignedCall { payload: text, signature: format!("0x{}", hex::encode(bytes)) }
}

/// The address whose key made `signature` (65 bytes `r ‖ s ‖ v`) over `message`, as Ethereum's
/// `ecrecover` of its EIP-191 hash finds it. libsecp256k1 recovers several times faster than a
/// pure-Rust curve, and recovery is the node's main cost per call.
fn recover_signer(signature: &[u8], message: &[u8]) -> Result<Address, AuthError> {
    let malformed = |why: &str| AuthError::MalformedSignature(why.to_owned());
    let (compact, v) = match signature {
        [compact @ .., v] if compact.len() == 64 => (compact, *v),
        _ => return Err(malformed("expected 65 bytes r ‖ s ‖ v")),
    };
    let recovery = match v {
        27 | 28 => v - 27,
        0 | 1 => v,
        _ => return Err(malformed("v must be 27, 28, 0 or 1")),
    };
    let recovery =
        RecoveryId::try_from(i32::from(recovery)).map_err(|e| malformed(&e.to_string()))?;
    // EIP-2: only the low-s form is valid, so every signature has exactly one encoding.
    if compact[32..] > HALF_ORDER[..] {
        return Err(malformed("s is above n/2 (EIP-2)"));
    }
    let signature = RecoverableSignature::from_compact(compact, recovery)
        .map_err(|e| malformed(&e.to_string()))?;
    let digest = alloy_primitives::eip191_hash_message(message);
    let public = SECP256K1
        .recover_ecdsa(Message::from_digest(digest.0), &signature)
        .map_err(|e| malformed(&e.to_string()))?;
    let uncompressed = public.serialize_uncompressed();
    Ok(Address::from_raw_public_key(&uncompressed[1..]))
}

/// Authenticates a signed call (node side): the payload, with its sender proven.
pub fn verify(signed: &SignedCall, chain_id: u64) -> Result<Payload, AuthError> {
    let bytes =
        hex::decode(&signed.signature).map_err(|e| AuthError::MalformedSignature(e.to_string()))?;
    let signer = recover_signer(&bytes, signed.payload.as_bytes())?;
    let payload: Payload = serde_json::from_str(&signed.payload)
        .map_err(|e| AuthError::MalformedPayload(e.to_string()))?;
    if signer != payload.from {
        return Err(AuthError::WrongSigner { signer, from: payload.from });
    }
    if payload.chain_id != chain_id {
        return Err(AuthError::WrongChain { expected: chain_id, got: payload.chain_id });
    }
    Ok(payload)
}

#[cfg(test)]
mod tests {
    use rampart_engine::accounts::{named_address, named_signing_key};
    use serde_json::json;

    use super::*;

    fn payload(from: &str) -> Payload {
        Payload {
            chain_id: 31337,
            from: named_address(from),
            nonce: 0,
            call: "token.transfer".into(),
            args: json!({ "to": "bob" }),
        }
    }

    #[test]
    fn a_signed_payload_verifies_and_a_tampered_one_does_not() {
        let signed = sign(&named_signing_key("alice"), &payload("alice"));
        assert_eq!(verify(&signed, 31337).unwrap(), payload("alice"));
        assert!(matches!(verify(&signed, 1), Err(AuthError::WrongChain { .. })));

        let tampered = SignedCall {
            payload: signed.payload.replace("\"nonce\":0", "\"nonce\":1"),
            ..signed.clone()
        };
        assert!(matches!(verify(&tampered, 31337), Err(AuthError::WrongSigner { .. })));

        let impostor = sign(&named_signing_key("mallory"), &payload("alice"));
        assert!(matches!(verify(&impostor, 31337), Err(AuthError::WrongSigner { .. })));

        let garbage = SignedCall { signature: "0x1234".into(), ..signed };
        assert!(matches!(verify(&garbage, 31337), Err(AuthError::MalformedSignature(_))));
    }

    #[test]
    fn signatures_agree_with_alloys_ecrecover() {
        // The node's fast path must recover exactly what alloy's k256 ecrecover recovers.
        let signed = sign(&named_signing_key("carol"), &payload("carol"));
        let bytes = hex::decode(&signed.signature).unwrap();
        let alloy = alloy_primitives::Signature::try_from(bytes.as_slice()).unwrap();
        let expected = alloy.recover_address_from_msg(signed.payload.as_bytes()).unwrap();
        assert_eq!(expected, named_address("carol"));
        assert_eq!(recover_signer(&bytes, signed.payload.as_bytes()).unwrap(), expected);
    }
}
