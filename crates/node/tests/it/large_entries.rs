//! A long clock move with a busy beacon chain: what a call's answer and the event pages carry
//! stays bounded, and every event is still there to be paged through.

use rampart_engine::accounts::{ADMIN_NAME, named_signing_key};
use serde_json::{Value, json};

use crate::{client, start_node};

/// Validators alice deposits for: "a few dozen".
const VALIDATORS: usize = 36;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_week_of_blocks_with_dozens_of_validators_answers_in_bounded_pages() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path()).await;
    let api = client(&node);
    tokio::task::spawn_blocking(move || {
        let alice = named_signing_key("alice");
        for index in 0..VALIDATORS {
            let deposit = json!({
                "pubkey": format!("validator-{index}"),
                "withdrawal_credentials": { "address": "alice", "compounding": false },
                "amount": "32 ether",
            });
            api.submit(&alice, 31_337, None, "beacon.deposit", deposit).unwrap();
        }
        let admin = named_signing_key(ADMIN_NAME);
        let advance = json!({ "blocks": 100_800 });
        let receipt = api.submit(&admin, 31_337, None, "node.advance_blocks", advance).unwrap();

        // The answer holds the first events, says how many there are and where the rest are.
        let total = usize::try_from(receipt.events_total).unwrap();
        assert!(total > 100, "{total} events");
        assert_eq!(receipt.events.len(), 100);
        let rest = format!("/v1/events?from={}&index=100", receipt.seq);
        assert_eq!(receipt.more_events.as_deref(), Some(rest.as_str()));
        // Per-block sweeps are summed per validator; per-epoch rewards stay one event each.
        let all = api.all_events(&receipt).unwrap();
        assert_eq!(all.len(), total);
        assert!(all[..100] == receipt.events[..], "the receipt's events come first");
        let named = |name: &str| all.iter().filter(|e| e["event"] == name).count();
        assert!(named("PartialWithdrawals") <= VALIDATORS, "one per validator at most");
        assert!(named("PartialWithdrawals") > 0);
        assert!(named("EpochRewards") > 3000, "an EpochRewards per epoch");
        assert!(total < 4 * 3150, "{total} events: bounded by epochs, not blocks x validators");
        let summary = all.iter().find(|e| e["event"] == "PartialWithdrawals").unwrap();
        assert!(summary["withdrawals"].as_u64().unwrap() > 1, "{summary}");

        // Paging inside the one entry: small pages visit every event once, in order.
        let mut paged: Vec<Value> = Vec::new();
        let mut cursor = (receipt.seq, 0);
        loop {
            let page = api.events_at(cursor, 37, None, None).unwrap();
            assert!(page.events.len() <= 37);
            paged.extend(page.events);
            let next = (page.next, page.next_index);
            if next == cursor {
                break;
            }
            cursor = next;
        }
        assert_eq!(paged.len(), all.len());
        for (index, (from_pages, from_receipt)) in paged.iter().zip(&all).enumerate() {
            assert_eq!(from_pages["index"], index);
            assert_eq!(from_pages["seq"], receipt.seq);
            let mut without_position = from_pages.clone();
            for key in ["seq", "block", "index"] {
                without_position.as_object_mut().unwrap().remove(key);
            }
            // Compared one by one: a failure prints one event, not thousands.
            assert!(without_position == *from_receipt, "event {index} differs");
        }

        // A full page stays small; a page of 0 is refused, not read as 1.
        let (status, text) = api.get_text("/v1/events?from=0&limit=1000").unwrap();
        assert_eq!(status, 200);
        assert!(text.len() < 1024 * 1024, "a page of {} bytes", text.len());
        let (status, text) = api.get_text("/v1/events?limit=0").unwrap();
        assert_eq!(status, 400, "{text}");
    })
    .await
    .unwrap();
    node.stop().await.unwrap();
}
