//! A blocking client of the node's API, for the CLI, scenario runs against a node, and tests.

use std::time::Duration;

use alloy_primitives::Address;
use k256::ecdsa::SigningKey;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{
    auth::{Payload, sign},
    server::{ErrorBody, EventsPage, Health, NonceResponse, Receipt, ViewResponse},
};

/// The largest answer the client reads. The node bounds its answers (receipts carry at most
/// 100 events, event pages at most 1000) far below this; ureq's own default (10 MB) is about
/// requests, not a node's answers, and must not turn an accepted call into a reported failure.
const MAX_RESPONSE_BYTES: u64 = 256 * 1024 * 1024;

/// A failed request.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ClientError {
    /// The node answered with an error.
    #[error("{status} {code}{}: {message}", revert.as_ref().map(|r| format!(" ({r})")).unwrap_or_default())]
    Api {
        /// The HTTP status.
        status: u16,
        /// The node's error code (`BadNonce`, `Reverted`, ...).
        code: String,
        /// For `Reverted`, the contract error name.
        revert: Option<String>,
        /// The node's message.
        message: String,
    },
    /// The node could not be reached or answered something unreadable.
    #[error("cannot talk to the node: {0}")]
    Transport(String),
}

impl ClientError {
    /// The contract error name of a reverted call, or the node's error code.
    pub fn name(&self) -> &str {
        match self {
            Self::Api { revert: Some(revert), .. } => revert,
            Self::Api { code, .. } => code,
            Self::Transport(_) => "Transport",
        }
    }
}

/// A client of one node.
#[derive(Debug, Clone)]
pub struct Client {
    base: String,
    agent: ureq::Agent,
}

impl Client {
    /// A client of the node at `url` (`http://127.0.0.1:8545`).
    pub fn new(url: &str) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        Self { base: url.trim_end_matches('/').to_owned(), agent }
    }

    fn read<T: DeserializeOwned>(
        response: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<T, ClientError> {
        let mut response = response.map_err(|e| ClientError::Transport(e.to_string()))?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_RESPONSE_BYTES)
            .read_to_vec()
            .map_err(|e| ClientError::Transport(e.to_string()))?;
        if status >= 400 {
            let error: ErrorBody = serde_json::from_slice(&body).map_err(|_| {
                ClientError::Transport(format!("HTTP {status}: {}", String::from_utf8_lossy(&body)))
            })?;
            return Err(ClientError::Api {
                status,
                code: error.error.code,
                revert: error.error.revert,
                message: error.error.message,
            });
        }
        serde_json::from_slice(&body)
            .map_err(|e| ClientError::Transport(format!("unreadable answer: {e}")))
    }

    fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        Self::read(self.agent.get(format!("{}{path}", self.base)).call())
    }

    fn post<T: DeserializeOwned>(&self, path: &str, body: &Value) -> Result<T, ClientError> {
        Self::read(self.agent.post(format!("{}{path}", self.base)).send_json(body))
    }

    /// `GET /health`.
    pub fn health(&self) -> Result<Health, ClientError> {
        self.get("/health")
    }

    /// The account's next nonce.
    pub fn nonce(&self, account: Address) -> Result<u64, ClientError> {
        Ok(self.get::<NonceResponse>(&format!("/v1/nonces/{account}"))?.nonce)
    }

    /// Signs and submits a call; with no `nonce`, asks the node for the next one.
    pub fn submit(
        &self,
        key: &SigningKey,
        chain_id: u64,
        nonce: Option<u64>,
        call: &str,
        args: Value,
    ) -> Result<Receipt, ClientError> {
        let from = Address::from_private_key(key);
        let nonce = match nonce {
            Some(nonce) => nonce,
            None => self.nonce(from)?,
        };
        let signed = sign(key, &Payload { chain_id, from, nonce, call: call.to_owned(), args });
        self.submit_signed(&serde_json::to_value(&signed).expect("serializes"))
    }

    /// Posts an already signed call (or anything else, for tests of bad input).
    pub fn submit_signed(&self, body: &Value) -> Result<Receipt, ClientError> {
        self.post("/v1/calls", body)
    }

    /// Posts a batch of signed calls; one result per call.
    pub fn submit_batch(
        &self,
        calls: &[Value],
    ) -> Result<Vec<crate::server::BatchResult>, ClientError> {
        self.post("/v1/calls/batch", &Value::Array(calls.to_vec()))
    }

    /// Reads a view.
    pub fn view(&self, view: &str, args: Value) -> Result<ViewResponse, ClientError> {
        let mut body = serde_json::Map::new();
        body.insert("view".into(), Value::String(view.to_owned()));
        body.insert("args".into(), args);
        self.post("/v1/views", &Value::Object(body))
    }

    /// A page of at most `limit` events from log position `from`.
    pub fn events(
        &self,
        from: u64,
        limit: usize,
        event: Option<&str>,
        address: Option<Address>,
    ) -> Result<EventsPage, ClientError> {
        self.events_at((from, 0), limit, event, address)
    }

    /// A page of at most `limit` events from event `index` of log entry `from`.
    pub fn events_at(
        &self,
        (from, index): (u64, u64),
        limit: usize,
        event: Option<&str>,
        address: Option<Address>,
    ) -> Result<EventsPage, ClientError> {
        let mut path = format!("/v1/events?from={from}&index={index}&limit={limit}");
        if let Some(event) = event {
            path.push_str(&format!("&event={event}"));
        }
        if let Some(address) = address {
            path.push_str(&format!("&address={address}"));
        }
        self.get(&path)
    }

    /// All the events of a receipt, shaped as the receipt's own: those it carries, then the
    /// rest from `/v1/events` when a long clock move emitted more than a receipt holds.
    pub fn all_events(&self, receipt: &Receipt) -> Result<Vec<Value>, ClientError> {
        let mut events = receipt.events.clone();
        let total = usize::try_from(receipt.events_total).unwrap_or(usize::MAX);
        while events.len() < total {
            let cursor = (receipt.seq, events.len() as u64);
            let page = self.events_at(cursor, crate::server::MAX_PAGE, None, None)?;
            let of_this_entry: Vec<Value> = page
                .events
                .into_iter()
                .take_while(|event| event["seq"].as_u64() == Some(receipt.seq))
                .map(|mut event| {
                    // Shaped like the receipt's own: without the page's position fields.
                    if let Some(object) = event.as_object_mut() {
                        for key in ["seq", "block", "index"] {
                            object.remove(key);
                        }
                    }
                    event
                })
                .collect();
            if of_this_entry.is_empty() {
                break;
            }
            events.extend(of_this_entry);
        }
        Ok(events)
    }

    /// The raw text of a GET (for `/metrics`, `/openapi.json`).
    pub fn get_text(&self, path: &str) -> Result<(u16, String), ClientError> {
        let mut response = self
            .agent
            .get(format!("{}{path}", self.base))
            .call()
            .map_err(|e| ClientError::Transport(e.to_string()))?;
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .read_to_string()
            .map_err(|e| ClientError::Transport(e.to_string()))?;
        Ok((status, text))
    }

    /// Posts raw bytes (for tests of malformed and oversized bodies).
    pub fn post_raw(&self, path: &str, body: &[u8]) -> Result<(u16, String), ClientError> {
        let mut response = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .send(body)
            .map_err(|e| ClientError::Transport(e.to_string()))?;
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .read_to_string()
            .map_err(|e| ClientError::Transport(e.to_string()))?;
        Ok((status, text))
    }
}
