//! Malformed JSON, unknown calls and fields, bad signatures, stale nonces, wrong chains,
//! oversized bodies and unauthorized clock moves each get a 4xx JSON error naming the problem,
//! and none of them changes the state.

use alloy_primitives::Address;
use rampart_engine::accounts::{named_address, named_signing_key};
use rampart_node::{
    Client, ClientError,
    auth::{Payload, sign},
};
use serde_json::{Value, json};

use crate::{client, start_node};

fn signed(from: &str, nonce: u64, chain_id: u64, call: &str, args: Value) -> Value {
    let payload = Payload { chain_id, from: named_address(from), nonce, call: call.into(), args };
    serde_json::to_value(sign(&named_signing_key(from), &payload)).unwrap()
}

fn expect_error(
    outcome: Result<rampart_node::server::Receipt, ClientError>,
    status: u16,
    code: &str,
) {
    match outcome {
        Err(ClientError::Api { status: got, code: got_code, message, .. }) => {
            assert_eq!((got, got_code.as_str()), (status, code), "{message}");
            assert!(!message.is_empty());
        }
        other => panic!("expected {status} {code}, got {other:?}"),
    }
}

fn raw(api: &Client, body: &[u8], status: u16, code: &str) {
    let (got, text) = api.post_raw("/v1/calls", body).unwrap();
    assert_eq!(got, status, "{text}");
    let error: Value = serde_json::from_str(&text).expect("errors are JSON");
    assert_eq!(error["error"]["code"], code, "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_bad_request_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path()).await;
    let api = client(&node);
    tokio::task::spawn_blocking(move || {
        let before = api.health().unwrap().state_hash;
        let transfer = json!({ "to": "bob", "token": "ETH", "amount": "1 ether" });

        raw(&api, b"{not json", 400, "MalformedJson");
        raw(&api, b"[1, 2]", 400, "MalformedJson");
        raw(&api, br#"{"payload": "{}", "signature": "0x00", "extra": 1}"#, 400, "MalformedJson");
        raw(&api, &vec![b' '; 70 * 1024], 413, "BodyTooLarge");

        // A signature that does not parse, or that another key made.
        let mut forged = signed("alice", 0, 31_337, "token.transfer", transfer.clone());
        forged["signature"] = json!("0x1234");
        expect_error(api.submit_signed(&forged), 401, "MalformedSignature");
        let mut impostor = signed("mallory", 0, 31_337, "token.transfer", transfer.clone());
        impostor["payload"] =
            signed("alice", 0, 31_337, "token.transfer", transfer.clone())["payload"].clone();
        expect_error(api.submit_signed(&impostor), 401, "WrongSigner");

        // Signed for another chain; unknown calls and fields; a payload that is not a payload.
        expect_error(
            api.submit_signed(&signed("alice", 0, 1, "token.transfer", transfer.clone())),
            400,
            "WrongChain",
        );
        expect_error(
            api.submit_signed(&signed("alice", 0, 31_337, "token.teleport", json!({}))),
            400,
            "UnknownCall",
        );
        let unknown_field = json!({ "to": "bob", "token": "ETH", "amount": "1", "memo": "hi" });
        expect_error(
            api.submit_signed(&signed("alice", 0, 31_337, "token.transfer", unknown_field)),
            400,
            "BadArguments",
        );
        let bad_amount = json!({ "to": "bob", "token": "ETH", "amount": "lots" });
        expect_error(
            api.submit_signed(&signed("alice", 0, 31_337, "token.transfer", bad_amount)),
            400,
            "BadArguments",
        );
        // A negative amount is negative, and a JSON number past 2^64 is not echoed back as
        // the float JSON readers turn it into.
        for (amount, says) in [(json!(-1), "-1 is negative"), (json!(1e20), "decimal string")] {
            let args = json!({ "to": "bob", "token": "ETH", "amount": amount });
            let error = api
                .submit_signed(&signed("alice", 0, 31_337, "token.transfer", args))
                .expect_err("refused");
            assert!(error.to_string().contains(says), "{error}");
            assert!(!error.to_string().contains("100000000000000000000"), "{error}");
        }

        // Replays and skipped nonces.
        expect_error(
            api.submit_signed(&signed("alice", 5, 31_337, "token.transfer", transfer.clone())),
            409,
            "BadNonce",
        );
        let first = signed("alice", 0, 31_337, "token.transfer", transfer.clone());
        let before_first = api.health().unwrap().state_hash;
        assert_eq!(before_first, before, "nothing so far changed the state");
        api.submit_signed(&first).unwrap();
        expect_error(api.submit_signed(&first), 409, "BadNonce");
        let after_first = api.health().unwrap().state_hash;

        // Protocol reverts and admin-only calls.
        let too_much = json!({ "to": "bob", "token": "ETH", "amount": "1000000 ether" });
        match api.submit_signed(&signed("alice", 1, 31_337, "token.transfer", too_much)) {
            Err(ClientError::Api { status: 422, code, revert, .. }) => {
                assert_eq!(code, "Reverted");
                assert_eq!(revert.as_deref(), Some("InsufficientBalance"));
            }
            other => panic!("expected a revert, got {other:?}"),
        }
        expect_error(
            api.submit_signed(&signed(
                "alice",
                1,
                31_337,
                "node.advance_blocks",
                json!({ "blocks": 5 }),
            )),
            403,
            "OnlyAdmin",
        );
        expect_error(
            api.submit_signed(&signed(
                "alice",
                1,
                31_337,
                "token.mint",
                json!({ "to": "alice", "token": "ETH", "amount": "1" }),
            )),
            403,
            "OnlyAdmin",
        );

        // Views and events with bad input.
        let (status, text) =
            api.post_raw("/v1/views", br#"{"view": "eigenlayer.nope", "args": {}}"#).unwrap();
        assert_eq!(status, 400, "{text}");
        let (status, _) = api.get_text("/v1/events?limit=abc").unwrap();
        assert_eq!(status, 400);
        // Accounts are names or 0x addresses everywhere, as in scenario files.
        let (status, text) = api.get_text("/v1/nonces/alice").unwrap();
        assert_eq!(status, 200, "{text}");
        let by_name: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(by_name["address"], named_address("alice").to_checksum(None));
        for bad in ["/v1/nonces/0x1234", "/v1/events?address=0xnope", "/v1/events?limit=0"] {
            let (status, text) = api.get_text(bad).unwrap();
            assert_eq!(status, 400, "{bad}: {text}");
        }
        let (status, text) = api.get_text("/v1/events?address=alice&event=Transfer").unwrap();
        assert_eq!(status, 200, "{text}");
        let page: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(page["events"].as_array().unwrap().len(), 6, "5 genesis mints, 1 transfer");
        let (status, text) = api.get_text("/no/such/endpoint").unwrap();
        assert_eq!(status, 404, "{text}");
        let (status, text) = api.post_raw("/health", b"{}").unwrap();
        assert_eq!(status, 405, "a GET endpoint: {text}");

        // The schema states what the server enforces: query parameters in the query, optional,
        // with their ranges; accounts with their pattern.
        let (_, openapi) = api.get_text("/openapi.json").unwrap();
        let openapi: Value = serde_json::from_str(&openapi).unwrap();
        let params = &openapi["paths"]["/v1/events"]["get"]["parameters"];
        let param = |name: &str| {
            params.as_array().unwrap().iter().find(|p| p["name"] == name).unwrap().clone()
        };
        assert_eq!(param("limit")["in"], "query");
        assert_eq!(param("limit")["required"], false);
        assert_eq!(param("limit")["schema"]["minimum"], 1);
        assert_eq!(param("limit")["schema"]["maximum"], 1000);
        let pattern = rampart_node::server::ACCOUNT_PATTERN;
        assert_eq!(param("address")["schema"]["pattern"], pattern);
        let nonce = &openapi["paths"]["/v1/nonces/{address}"]["get"]["parameters"];
        assert_eq!(nonce.as_array().unwrap().len(), 1);
        assert_eq!(nonce[0]["schema"]["pattern"], pattern);

        // Only the one valid transfer changed anything; alice's nonce moved once.
        assert_eq!(api.health().unwrap().state_hash, after_first);
        assert_eq!(api.nonce(named_address("alice")).unwrap(), 1);
        assert_eq!(api.nonce(Address::ZERO).unwrap(), 0);

        // A batch answers each call on its own.
        let batch = [
            signed("bob", 0, 31_337, "token.transfer", transfer.clone()),
            signed("bob", 0, 31_337, "token.transfer", transfer.clone()),
            signed("bob", 1, 31_337, "token.transfer", transfer),
        ];
        let results = api.submit_batch(&batch).unwrap();
        let codes: Vec<&str> = results
            .iter()
            .map(|r| match r {
                rampart_node::server::BatchResult::Ok(_) => "ok",
                rampart_node::server::BatchResult::Error(e) => e.code.as_str(),
            })
            .collect();
        assert_eq!(codes, vec!["ok", "BadNonce", "ok"]);
        // An item that is not a signed call at all refuses the whole batch, as a body that is
        // not an array does.
        let (status, text) =
            api.post_raw("/v1/calls/batch", br#"[{"payload": "", "signature": ""}]"#).unwrap();
        assert_eq!(status, 400, "{text}");

        // Views say which argument is out of range; arithmetic overflow is a revert, not a 500.
        let too_big = json!({
            "view": "karak.vault.convert_to_shares",
            "args": { "target": "alice", "amount": "115792089237316195423570985008687907853269984665640564039457584007913129639936" },
        });
        let (status, text) =
            api.post_raw("/v1/views", too_big.to_string().as_bytes()).unwrap();
        assert_eq!(status, 400, "{text}");
        assert!(text.contains("does not fit in 256 bits"), "{text}");
    })
    .await
    .unwrap();
    node.stop().await.unwrap();
}
