//! The receiver against hostile clients: real, raw HTTP/1.1 over loopback TCP (slow headers,
//! stalled and slow-drip bodies, oversized bodies, too many connections, idle keep-alive,
//! floods of forged deliveries), with short configured limits. Every client read has a
//! safety timeout, so a limit that does not work fails the test instead of hanging it.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use stripe_events::receiver::{Receiver, ReceiverConfig, serve, serve_with_shutdown};
use stripe_events::signature::{Clock, SystemClock};
use stripe_events::testing::{event_envelope, generate_test_header};
use stripe_events::{Dispatcher, Webhook};

const SECRET: &str = "whsec_hostile_test";
/// How long a client waits for an answer that must come (a failure, never a pass, beyond it).
const SAFETY: Duration = Duration::from_secs(10);

/// A receiver served on 127.0.0.1 by its own thread (ends with the test process).
struct Server {
    addr: SocketAddr,
    receiver: Receiver,
}

impl Server {
    fn start(config: impl FnOnce(ReceiverConfig) -> ReceiverConfig) -> Self {
        let receiver = Receiver::new(
            config(ReceiverConfig::new(Webhook::new(SECRET))),
            Dispatcher::new(),
        );
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let served = receiver.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                serve(listener, served).await
            })
        });
        Self { addr, receiver }
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.addr).unwrap();
        stream.set_read_timeout(Some(SAFETY)).unwrap();
        stream
    }

    fn stored(&self) -> Vec<stripe_events::store::StoredDelivery> {
        self.receiver.store().list(None).unwrap()
    }
}

/// The head of a POST /webhook with `extra` header lines (each ending in CRLF).
fn head(extra: &str) -> String {
    format!("POST /webhook HTTP/1.1\r\nHost: localhost\r\n{extra}\r\n")
}

/// A whole POST /webhook of `body`, with a `Stripe-Signature` if given.
fn request(body: &[u8], signature: Option<&str>) -> Vec<u8> {
    let signature = signature
        .map(|s| format!("Stripe-Signature: {s}\r\n"))
        .unwrap_or_default();
    let mut request = head(&format!("{signature}Content-Length: {}\r\n", body.len())).into_bytes();
    request.extend_from_slice(body);
    request
}

/// A signed delivery of an event no handler wants (answered 200).
fn signed_request(id: &str) -> Vec<u8> {
    let body = event_envelope(id, "coupon.created", &serde_json::json!({"id": "co_1"}))
        .to_string()
        .into_bytes();
    let header = generate_test_header(&body, SECRET, SystemClock.now());
    request(&body, Some(&header))
}

/// A response read off the wire.
struct Reply {
    status: u16,
    /// Lower-case names.
    headers: Vec<(String, String)>,
    text: String,
}

impl Reply {
    fn has_header(&self, name: &str, value: &str) -> bool {
        self.headers.iter().any(|(k, v)| k == name && v == value)
    }
}

/// One response; `None` if the connection closed (or was reset) before a whole response head
/// arrived.
fn read_response(stream: &mut TcpStream) -> Option<Reply> {
    let mut data = Vec::new();
    let mut byte = [0u8; 1];
    while !data.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(0) => return None,
            Ok(_) => data.push(byte[0]),
            Err(e) if e.kind() == ErrorKind::ConnectionReset => return None,
            Err(e) => panic!("no response within {SAFETY:?}: {e}"),
        }
    }
    let text = String::from_utf8(data).unwrap();
    let mut lines = text.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .map_or(0, |(_, v)| v.parse().unwrap());
    let mut body = vec![0; length];
    stream.read_exact(&mut body).unwrap();
    Some(Reply {
        status,
        headers,
        text: String::from_utf8(body).unwrap(),
    })
}

/// Whether the server closed `stream` (EOF or reset) within the safety timeout.
fn closed(stream: &mut TcpStream) -> bool {
    let mut rest = Vec::new();
    match stream.read_to_end(&mut rest) {
        Ok(_) => true,
        Err(e) => e.kind() == ErrorKind::ConnectionReset,
    }
}

/// Waits (bounded) until `condition` holds.
fn eventually(what: &str, condition: impl Fn() -> bool) {
    let start = Instant::now();
    while !condition() {
        assert!(start.elapsed() < SAFETY, "never happened: {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn slow_headers_are_cut_after_the_header_timeout() {
    let timeout = Duration::from_millis(300);
    let server = Server::start(|c| c.header_timeout(timeout));
    let mut client = server.connect();
    let started = Instant::now();
    client
        .write_all(b"POST /webhook HTTP/1.1\r\nHost: local")
        .unwrap();
    assert!(closed(&mut client), "the connection is closed");
    assert!(
        started.elapsed() >= timeout,
        "not before the header timeout"
    );
}

#[test]
fn an_idle_keep_alive_connection_is_closed_after_the_header_timeout() {
    let timeout = Duration::from_millis(300);
    let server = Server::start(|c| c.header_timeout(timeout));
    let mut client = server.connect();
    client.write_all(&signed_request("evt_keep_1")).unwrap();
    assert_eq!(read_response(&mut client).unwrap().status, 200);
    // Still open for the next request...
    client.write_all(&signed_request("evt_keep_2")).unwrap();
    assert_eq!(read_response(&mut client).unwrap().status, 200);
    // ...but not forever once idle.
    let idle_since = Instant::now();
    assert!(closed(&mut client), "the idle connection is closed");
    assert!(idle_since.elapsed() >= timeout, "not before the timeout");
    assert_eq!(server.stored().len(), 2);
}

#[test]
fn a_stalled_body_is_cut_after_the_idle_timeout() {
    let server =
        Server::start(|c| c.body_timeouts(Duration::from_millis(300), Duration::from_secs(30)));
    let mut client = server.connect();
    let started = Instant::now();
    client
        .write_all(head("Content-Length: 100\r\n").as_bytes())
        .unwrap();
    client.write_all(&[b'x'; 10]).unwrap();
    let reply = read_response(&mut client).unwrap();
    assert_eq!((reply.status, reply.text.as_str()), (408, "body stalled"));
    assert!(reply.has_header("connection", "close"));
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(closed(&mut client));
    assert_eq!(
        server.receiver.buffered_bytes(),
        0,
        "its reservation is given back"
    );
    assert!(
        server.stored().is_empty(),
        "nothing of it reached the handler"
    );
}

#[test]
fn a_slow_drip_body_is_cut_by_the_deadline() {
    let deadline = Duration::from_millis(800);
    let server = Server::start(|c| c.body_timeouts(Duration::from_millis(400), deadline));
    let mut client = server.connect();
    let started = Instant::now();
    client
        .write_all(head("Content-Length: 100\r\n").as_bytes())
        .unwrap();
    // A byte every 50 ms: never idle for 400 ms, but 100 bytes would take 5 s.
    let mut drip = client.try_clone().unwrap();
    let dripping = std::thread::spawn(move || {
        for _ in 0..100 {
            if drip.write_all(b"x").is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    });
    let Reply { status, text, .. } = read_response(&mut client).unwrap();
    assert_eq!((status, text.as_str()), (408, "body not received in time"));
    assert!(started.elapsed() >= deadline);
    assert!(closed(&mut client));
    // Ends the dripping now (its clone shares the socket), not when the server stops draining.
    client.shutdown(std::net::Shutdown::Both).unwrap();
    dripping.join().unwrap();
}

#[test]
fn an_oversized_content_length_is_refused_before_any_body_byte() {
    let server = Server::start(|c| c.body_limit(1024));
    for expect in ["", "Expect: 100-continue\r\n"] {
        let mut client = server.connect();
        // The head only: the server must answer without waiting for a byte of the body.
        let extra = format!("{expect}Content-Length: 1048576\r\n");
        client.write_all(head(&extra).as_bytes()).unwrap();
        let Reply { status, text, .. } = read_response(&mut client).unwrap();
        assert_eq!(
            (status, text.as_str()),
            (413, "body over the limit"),
            "the first answer is the 413 (no 100 Continue), with {expect:?}"
        );
        assert!(closed(&mut client));
    }
    // A body within the limit still goes through (400: not signed).
    let mut client = server.connect();
    client.write_all(&request(&[b'x'; 1024], None)).unwrap();
    assert_eq!(read_response(&mut client).unwrap().status, 400);
    // Chunked (no declared length) and over the limit: 413 once the limit is passed.
    let mut client = server.connect();
    let mut chunked = head("Transfer-Encoding: chunked\r\n").into_bytes();
    chunked.extend_from_slice(format!("{:x}\r\n", 2000).as_bytes());
    chunked.extend_from_slice(&[b'x'; 2000]);
    chunked.extend_from_slice(b"\r\n0\r\n\r\n");
    client.write_all(&chunked).unwrap();
    assert_eq!(read_response(&mut client).unwrap().status, 413);
}

#[test]
fn connections_beyond_the_limit_wait_until_one_closes() {
    let server = Server::start(|c| c.max_connections(3));
    let mut held: Vec<TcpStream> = (0..3).map(|_| server.connect()).collect();
    for client in &mut held {
        client.write_all(b"POST /webhook HTTP/1.1\r\n").unwrap();
    }
    eventually("3 connections served", || {
        server.receiver.open_connections() == 3
    });
    let mut extra = server.connect();
    extra.write_all(&request(b"{}", None)).unwrap();
    extra
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let mut byte = [0u8; 1];
    let waited = extra.read(&mut byte).unwrap_err();
    assert!(
        matches!(waited.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
        "no answer while the limit is reached: {waited}"
    );
    assert_eq!(server.receiver.open_connections(), 3);
    drop(held.pop());
    extra.set_read_timeout(Some(SAFETY)).unwrap();
    assert_eq!(
        read_response(&mut extra).unwrap().status,
        400,
        "served once a connection closed"
    );
    assert_eq!(server.receiver.open_connections(), 3);
}

#[test]
fn bodies_in_flight_never_exceed_the_budget_and_the_rest_get_503_at_once() {
    const LIMIT: usize = 16 * 1024;
    const BUDGET: usize = 4 * LIMIT;
    let server = Server::start(|c| {
        c.body_limit(LIMIT)
            .body_budget(BUDGET)
            .body_timeouts(Duration::from_secs(30), Duration::from_secs(30))
    });
    // 12 clients each declare a full-size body and send 1 KiB of it: 4 fit.
    let mut clients: Vec<TcpStream> = (0..12).map(|_| server.connect()).collect();
    for client in &mut clients {
        client
            .write_all(head(&format!("Content-Length: {LIMIT}\r\n")).as_bytes())
            .unwrap();
        client.write_all(&[b'x'; 1024]).unwrap();
    }
    eventually("8 refused", || server.receiver.refused_busy() == 8);
    assert_eq!(server.receiver.buffered_bytes(), BUDGET);
    // A chunked body finds no room either.
    let mut chunked = server.connect();
    let mut request = head("Transfer-Encoding: chunked\r\n").into_bytes();
    request.extend_from_slice(b"10\r\n0123456789abcdef\r\n");
    chunked.write_all(&request).unwrap();
    let reply = read_response(&mut chunked).unwrap();
    assert_eq!(reply.status, 503);
    assert!(reply.has_header("retry-after", "1"));

    let mut held = Vec::new();
    for mut client in clients {
        client
            .set_read_timeout(Some(Duration::from_millis(500)))
            .unwrap();
        let mut first = [0u8; 12];
        match client.read_exact(&mut first) {
            Ok(()) => assert_eq!(&first, b"HTTP/1.1 503"),
            Err(e) => {
                assert!(matches!(
                    e.kind(),
                    ErrorKind::WouldBlock | ErrorKind::TimedOut
                ));
                held.push(client);
            }
        }
    }
    assert_eq!(held.len(), 4, "the 4 that fit are still being read");
    // The held bodies complete: unsigned, so 400, and their bytes are given back.
    for client in &mut held {
        client.set_read_timeout(Some(SAFETY)).unwrap();
        client.write_all(&vec![b'x'; LIMIT - 1024]).unwrap();
        assert_eq!(read_response(client).unwrap().status, 400);
    }
    eventually("all bytes given back", || {
        server.receiver.buffered_bytes() == 0
    });
    assert_eq!(server.receiver.buffered_bytes_peak(), BUDGET);
    assert_eq!(server.receiver.body_budget(), BUDGET);
    let mut client = server.connect();
    client.write_all(&signed_request("evt_after")).unwrap();
    assert_eq!(
        read_response(&mut client).unwrap().status,
        200,
        "serving again"
    );
}

#[test]
fn a_flood_of_forged_deliveries_stores_at_most_the_budget() {
    const FLOOD: u64 = 2_000;
    let server = Server::start(|c| {
        c.forged_prefix(100)
            .forged_budget(1_000, 50, Duration::from_secs(3600))
    });
    let mut client = server.connect();
    let body = vec![b'f'; 1024];
    let forged = request(&body, Some("t=1,v1=00"));
    for _ in 0..FLOOD {
        client.write_all(&forged).unwrap();
        assert_eq!(read_response(&mut client).unwrap().status, 400);
    }
    let stored = server.stored();
    // 1,000 bytes of 100-byte prefixes (the refill over the test's few seconds is < 1 byte).
    assert_eq!(stored.len(), 10);
    assert!(
        stored
            .iter()
            .all(|d| d.body.len() == 100 && !d.signature_valid)
    );
    assert_eq!(server.receiver.rejected_not_stored(), FLOOD - 10);
    // Authentic but unusable: not forged, kept whole although the budget is spent.
    let header = generate_test_header(&body, SECRET, SystemClock.now());
    client.write_all(&request(&body, Some(&header))).unwrap();
    assert_eq!(read_response(&mut client).unwrap().status, 400);
    let stored = server.stored();
    assert_eq!(stored.len(), 11);
    assert!(
        stored
            .iter()
            .any(|d| d.signature_valid && d.body.len() == 1024)
    );
    assert_eq!(server.receiver.rejected_not_stored(), FLOOD - 10);
}

#[test]
fn an_oversized_head_is_refused_without_being_buffered() {
    let server = Server::start(|c| c);
    let mut client = server.connect();
    let junk = "j".repeat(100 * 1024);
    // The server may answer (431) and close before the whole head is written.
    let _ = client.write_all(head(&format!("X-Junk: {junk}\r\n")).as_bytes());
    // Closed (or reset) without an answer is fine too; anything but 431 is not.
    if let Some(reply) = read_response(&mut client) {
        assert_eq!(reply.status, 431);
    }
    assert!(closed(&mut client));
    assert!(server.stored().is_empty());
}

#[test]
fn a_client_that_sends_a_refused_body_anyway_still_reads_the_answer() {
    let server = Server::start(|c| c.body_limit(1024));
    let mut client = server.connect();
    // No `Expect: 100-continue`, and the whole body written before reading the answer, as
    // most clients do; larger than the socket buffers, so the server has to take it.
    const SENT: usize = 8 * 1024 * 1024;
    client
        .write_all(head(&format!("Content-Length: {SENT}\r\n")).as_bytes())
        .unwrap();
    client
        .write_all(&vec![b'x'; SENT])
        .expect("the refused body is drained, not cut off with a reset");
    let reply = read_response(&mut client).expect("the 413, not a connection reset");
    assert_eq!(
        (reply.status, reply.text.as_str()),
        (413, "body over the limit")
    );
    assert!(closed(&mut client));
}

#[test]
fn shutdown_finishes_the_request_in_flight_closes_idle_connections_and_returns() {
    let config = ReceiverConfig::new(Webhook::new(SECRET)).header_timeout(Duration::from_secs(60));
    let receiver = Receiver::new(config, Dispatcher::new());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = receiver.clone();
    let serving = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener)?;
            serve_with_shutdown(listener, served, async move {
                let _ = stopped.await;
            })
            .await
        })
    });
    let connect = || {
        let stream = TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(SAFETY)).unwrap();
        stream
    };
    // A keep-alive connection, idle after one request (the header timeout is a minute away).
    let mut idle = connect();
    idle.write_all(&signed_request("evt_before")).unwrap();
    assert_eq!(read_response(&mut idle).unwrap().status, 200);
    // A request in flight: its head and half its body.
    let mut busy = connect();
    let whole = signed_request("evt_during");
    let (first, rest) = whole.split_at(whole.len() - 20);
    busy.write_all(first).unwrap();
    eventually("the body is being read", || receiver.buffered_bytes() > 0);

    stop.send(()).unwrap();
    assert!(closed(&mut idle), "the idle connection is closed at once");
    busy.write_all(rest).unwrap();
    assert_eq!(
        read_response(&mut busy).unwrap().status,
        200,
        "the request in flight is answered"
    );
    assert!(closed(&mut busy));
    drop((idle, busy)); // so that the server's lingering closes end now
    serving
        .join()
        .unwrap()
        .expect("serve_with_shutdown returns Ok");
    assert!(TcpStream::connect(addr).is_err(), "no longer listening");
    assert_eq!(receiver.open_connections(), 0);
    assert_eq!(receiver.store().list(None).unwrap().len(), 2);
}
