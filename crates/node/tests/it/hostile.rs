//! Clients that misbehave on purpose: slowloris connections that never finish their headers
//! or bodies, cross-site requests a web page could make a browser send, and huge bodies. Each
//! is cut off or refused with a clear status, and the node keeps serving everyone else.

use std::{
    io::{Read, Write},
    net::{SocketAddr, TcpStream},
    time::{Duration, Instant},
};

use rampart_node::ServerLimits;
use serde_json::Value;

use crate::{client, start_node, start_node_with};

/// Short limits, so the tests wait a fraction of a second rather than the defaults.
fn short_limits() -> ServerLimits {
    ServerLimits {
        header_read: Duration::from_millis(300),
        body_read: Duration::from_millis(500),
        shutdown_grace: Duration::from_secs(1),
    }
}

/// Reads until the server closes the connection; what it sent and how long that took. Fails
/// if it is still open after `patience`.
fn read_until_closed(socket: &mut TcpStream, patience: Duration) -> (String, Duration) {
    let started = Instant::now();
    socket.set_read_timeout(Some(patience)).unwrap();
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        match socket.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => received.extend_from_slice(&buffer[..n]),
            // A reset after the answer is a close too.
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(e) => panic!(
                "the connection is still open after {:?} ({e}); received {:?}",
                started.elapsed(),
                String::from_utf8_lossy(&received)
            ),
        }
    }
    (String::from_utf8_lossy(&received).into_owned(), started.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_finishes_its_headers_is_cut_off() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node_with(dir.path(), short_limits()).await;
    let listen = node.listen;
    let api = client(&node);
    tokio::task::spawn_blocking(move || {
        let mut slow = TcpStream::connect(listen).unwrap();
        slow.write_all(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ").unwrap();
        // An idle keep-alive connection is held no longer than headers may take either.
        let mut idle = TcpStream::connect(listen).unwrap();
        idle.write_all(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
        // Meanwhile everyone else is served.
        assert_eq!(api.health().unwrap().status, "ok");
        let (_, waited) = read_until_closed(&mut slow, Duration::from_secs(5));
        assert!(waited < Duration::from_secs(3), "closed after {waited:?}");
        let (answer, waited) = read_until_closed(&mut idle, Duration::from_secs(5));
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(waited < Duration::from_secs(3), "closed after {waited:?}");
    })
    .await
    .unwrap();
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_finishes_its_body_gets_408_and_is_cut_off() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node_with(dir.path(), short_limits()).await;
    let listen = node.listen;
    tokio::task::spawn_blocking(move || {
        let mut slow = TcpStream::connect(listen).unwrap();
        slow.write_all(
            b"POST /v1/views HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
              Content-Length: 100\r\n\r\n{\"view\": ",
        )
        .unwrap();
        let (answer, waited) = read_until_closed(&mut slow, Duration::from_secs(5));
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
        assert!(answer.contains("BodyTimeout"), "{answer}");
        assert!(waited < Duration::from_secs(3), "closed after {waited:?}");
    })
    .await
    .unwrap();
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_stream_outlasts_the_header_timeout() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let node = start_node_with(dir.path(), short_limits()).await;
    let listen = node.listen;
    let api = client(&node);
    tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(listen).unwrap();
        stream.write_all(b"GET /v1/events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
        std::thread::sleep(Duration::from_secs(1));
        let alice = rampart_engine::accounts::named_signing_key("alice");
        let args = serde_json::json!({ "to": "bob", "token": "ETH", "amount": "1" });
        api.submit(&alice, 31_337, None, "token.transfer", args).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let data = std::io::BufReader::new(stream)
            .lines()
            .map(Result::unwrap)
            .find(|line| line.starts_with("data:"))
            .expect("the entry arrives");
        assert!(data.contains("token.transfer"), "{data}");
    })
    .await
    .unwrap();
    node.stop().await.unwrap();
}

/// Sends `head` and `body` on a fresh connection and returns the status line and JSON body.
fn exchange(listen: SocketAddr, head: &str, body: &[u8]) -> (String, Value) {
    let mut socket = TcpStream::connect(listen).unwrap();
    socket.write_all(head.as_bytes()).unwrap();
    // The server may answer and close before taking it all: that is the point of some tests.
    let _ = socket.write_all(body);
    let (answer, _) = read_until_closed(&mut socket, Duration::from_secs(10));
    let (head, body) = answer.split_once("\r\n\r\n").expect("an HTTP answer");
    let status = head.lines().next().unwrap().to_owned();
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

fn post_head(listen: SocketAddr, path: &str, extra: &str, length: usize) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nHost: {listen}\r\n{extra}Content-Length: {length}\r\n\
         Connection: close\r\n\r\n"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_site_posts_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path()).await;
    let listen = node.listen;
    tokio::task::spawn_blocking(move || {
        let view = br#"{"view":"token.total_supply","args":{"token":"ETH"}}"#;
        // What a form or a `fetch` with `mode: "no-cors"` can send from any web page.
        let plain = "Content-Type: text/plain\r\n";
        let (status, body) =
            exchange(listen, &post_head(listen, "/v1/views", plain, view.len()), view);
        assert!(status.contains(" 415 "), "{status}");
        assert_eq!(body["error"]["code"], "UnsupportedMediaType");
        let (status, _) = exchange(listen, &post_head(listen, "/v1/views", "", view.len()), view);
        assert!(status.contains(" 415 "), "no content type at all: {status}");
        // JSON from another origin (it would need a CORS preflight, which the node never grants).
        let foreign = "Content-Type: application/json\r\nOrigin: https://evil.example\r\n";
        let (status, body) =
            exchange(listen, &post_head(listen, "/v1/views", foreign, view.len()), view);
        assert!(status.contains(" 403 "), "{status}");
        assert_eq!(body["error"]["code"], "ForeignOrigin");
        // The node's own pages (the docs' "try it out") and clients without an Origin are served.
        let own =
            format!("Content-Type: application/json; charset=utf-8\r\nOrigin: http://{listen}\r\n");
        let (status, _) = exchange(listen, &post_head(listen, "/v1/views", &own, view.len()), view);
        assert!(status.contains(" 200 "), "{status}");
        let json = "Content-Type: application/json\r\n";
        let (status, _) = exchange(listen, &post_head(listen, "/v1/views", json, view.len()), view);
        assert!(status.contains(" 200 "), "{status}");
    })
    .await
    .unwrap();
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_body_gets_413_not_a_reset() {
    let dir = tempfile::tempdir().unwrap();
    let node = start_node(dir.path()).await;
    let listen = node.listen;
    let api = client(&node);
    tokio::task::spawn_blocking(move || {
        let huge = 10 * 1024 * 1024;
        let json = "Content-Type: application/json\r\n";
        // curl waits for `100 Continue` before sending a large body: it must get the 413.
        let expect = format!("{json}Expect: 100-continue\r\n");
        let (status, body) = exchange(listen, &post_head(listen, "/v1/calls", &expect, huge), b"");
        assert!(status.contains(" 413 "), "{status}");
        assert_eq!(body["error"]["code"], "BodyTooLarge");
        // A client that starts sending at once gets the answer too, before the close.
        let (status, body) = exchange(
            listen,
            &post_head(listen, "/v1/calls/batch", json, huge),
            &vec![b' '; 256 * 1024],
        );
        assert!(status.contains(" 413 "), "{status}");
        assert_eq!(body["error"]["code"], "BodyTooLarge");
        assert_eq!(api.health().unwrap().status, "ok");
    })
    .await
    .unwrap();
    node.stop().await.unwrap();
}
