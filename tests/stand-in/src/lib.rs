//! A loopback stand-in of Stripe's API for tests: a plain-HTTP server on `127.0.0.1` that
//!
//! * serves objects at their retrieve paths: Stripe's example objects
//!   ([`StandIn::load_fixtures`], read at run time from a fixtures file the test names) and
//!   any object a test registers ([`StandIn::object`]);
//! * serves events: a snapshot event at `GET /v1/events/{id}`, a thin one at
//!   `GET /v2/core/events/{id}` ([`StandIn::event`]);
//! * answers 404 with Stripe's error body (`resource_missing`) for anything else;
//! * fails on demand: the next N requests of a path get 429 (with `Retry-After`) or 500
//!   ([`StandIn::fail_next`]), or any canned answers ([`StandIn::route`]);
//! * checks the API key: a request without `Authorization: Bearer <key>` gets 401 with
//!   Stripe's error body ([`StandIn::set_api_key`]);
//! * records every request, method, path and headers ([`StandIn::requests`]), so that tests
//!   check `Authorization`, `Stripe-Version`, `Stripe-Account` and `Stripe-Context`.
//!
//! It runs on the caller's tokio runtime ([`StandIn::start`], for async tests) or on a thread
//! with a runtime of its own ([`StandIn::start_on_thread`], for tests that start other
//! processes and wait for them synchronously). It stops when dropped.
//!
//! ```
//! use stripe_api_stand_in::{StandIn, DEFAULT_API_KEY};
//! use std::io::{Read, Write};
//!
//! let stand_in = StandIn::start_on_thread();
//! stand_in.object("/v1/customers/cus_1", &serde_json::json!({"id": "cus_1", "object": "customer"}));
//! stand_in.fail_next("/v1/customers/cus_1", 429, 1);
//!
//! let get = |path: &str| {
//!     let mut conn = std::net::TcpStream::connect(stand_in.addr()).unwrap();
//!     write!(conn, "GET {path} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {DEFAULT_API_KEY}\r\n\
//!                   connection: close\r\n\r\n").unwrap();
//!     let mut answer = String::new();
//!     conn.read_to_string(&mut answer).unwrap();
//!     answer
//! };
//! assert!(get("/v1/customers/cus_1").starts_with("HTTP/1.1 429"));
//! assert!(get("/v1/customers/cus_1").starts_with("HTTP/1.1 200"));
//! assert!(get("/v1/customers/cus_2").starts_with("HTTP/1.1 404"));
//! assert_eq!(stand_in.requests().len(), 3);
//! assert_eq!(stand_in.requests()[0].header("authorization"), Some(&*format!("Bearer {DEFAULT_API_KEY}")));
//! ```

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};

/// The API key a new stand-in accepts (see [`StandIn::set_api_key`]).
pub const DEFAULT_API_KEY: &str = "sk_test_stand_in";

/// One canned answer ([`StandIn::route`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// Headers besides `content-type: application/json`.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: String,
    /// How long to wait before answering.
    pub delay: Duration,
}

impl Reply {
    /// `status` with `body`, at once, no extra headers.
    pub fn new(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: body.into(),
            delay: Duration::ZERO,
        }
    }

    /// With the header `name: value` too.
    #[must_use]
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    /// Answered after `delay`.
    #[must_use]
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Stripe's error body for `status`: `{"error": {"type", "code", "message"}}` (no `code`
    /// when it is empty), with the
    /// `Request-Id` header Stripe sends; 429 also with `Retry-After: 0`.
    pub fn stripe_error(status: u16, code: &str, message: &str) -> Self {
        let type_ = match status {
            401 => "invalid_request_error",
            429 => "rate_limit_error",
            400..=499 => "invalid_request_error",
            _ => "api_error",
        };
        let mut body = json!({"error": {"type": type_, "message": message}});
        if !code.is_empty() {
            body["error"]["code"] = json!(code);
        }
        let reply = Self::new(status, body.to_string()).header("request-id", "req_stand_in");
        if status == 429 {
            reply.header("retry-after", "0")
        } else {
            reply
        }
    }
}

/// A request the stand-in received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// `GET`, `POST`...
    pub method: String,
    /// The path with its query (`/v1/events/evt_1`).
    pub path: String,
    /// The headers, names in lower case (a repeated header: its last value).
    pub headers: HashMap<String, String>,
}

impl Recorded {
    /// The value of the header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }
}

#[derive(Default)]
struct State {
    /// `Some(key)`: requests must carry `Authorization: Bearer key`.
    api_key: Option<String>,
    /// Path (with query) -> canned answers in order; the last one repeats.
    routes: HashMap<String, VecDeque<Reply>>,
    /// Path -> failures still to give, each `(status, count)`.
    failures: HashMap<String, VecDeque<(u16, usize)>>,
    /// Path (no query) -> the JSON served by `GET`.
    objects: HashMap<String, String>,
    received: Vec<Recorded>,
}

/// How the stand-in stops when dropped.
enum Running {
    /// A task on the caller's runtime.
    Task(tokio::task::JoinHandle<()>),
    /// A thread with its own runtime: tell it to stop, then wait for it.
    Thread(
        Option<tokio::sync::oneshot::Sender<()>>,
        Option<std::thread::JoinHandle<()>>,
    ),
}

/// Stripe's API on `127.0.0.1` (see the [crate documentation](crate)). Stops when dropped.
pub struct StandIn {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    running: Running,
}

impl std::fmt::Debug for StandIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StandIn")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl StandIn {
    /// Starts a stand-in on the current tokio runtime (accepting [`DEFAULT_API_KEY`]).
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime, or when no loopback port can be bound.
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding a loopback port for the stand-in");
        let addr = listener.local_addr().expect("the stand-in's address");
        let state = new_state();
        let task = tokio::spawn(accept(listener, Arc::clone(&state)));
        Self {
            addr,
            state,
            running: Running::Task(task),
        }
    }

    /// Starts a stand-in on a thread of its own with its own runtime: for tests that are not
    /// async, or that block (waiting for a child process, say).
    ///
    /// # Panics
    ///
    /// When no loopback port can be bound or the thread cannot start.
    pub fn start_on_thread() -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binding a loopback port");
        listener
            .set_nonblocking(true)
            .expect("a non-blocking listener");
        let addr = listener.local_addr().expect("the stand-in's address");
        let state = new_state();
        let shared = Arc::clone(&state);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("stripe-api-stand-in".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_io()
                    .enable_time()
                    .build()
                    .expect("the stand-in's runtime");
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener)
                        .expect("the stand-in's listener");
                    tokio::select! {
                        () = accept(listener, shared) => {}
                        _ = stopped => {}
                    }
                });
            })
            .expect("starting the stand-in's thread");
        Self {
            addr,
            state,
            running: Running::Thread(Some(stop), Some(thread)),
        }
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its base URL, `http://127.0.0.1:PORT`: a client's base URL.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The API key requests must carry as `Authorization: Bearer <key>` (default
    /// [`DEFAULT_API_KEY`]); any other, or none, is answered 401 with Stripe's error body.
    /// `None` accepts any request.
    pub fn set_api_key(&self, key: Option<&str>) {
        self.lock().api_key = key.map(str::to_owned);
    }

    /// Serves `object` (its JSON as given) at `GET path` (`/v1/customers/cus_1`), replacing
    /// what was there. A deleted object is served as such:
    /// `{"id": .., "object": .., "deleted": true}`.
    pub fn object(&self, path: &str, object: &Value) {
        self.lock()
            .objects
            .insert(path.to_owned(), object.to_string());
    }

    /// Serves the event `event` by its id and its `object`: a snapshot event (`"event"`) at
    /// `/v1/events/{id}`, a thin one (`"v2.core.event"`) at `/v2/core/events/{id}`.
    ///
    /// # Panics
    ///
    /// When `event` has no string `id`, or another `object`.
    pub fn event(&self, event: &Value) {
        let id = event["id"].as_str().expect("an event with an id");
        let path = match event["object"].as_str() {
            Some("event") => format!("/v1/events/{id}"),
            Some("v2.core.event") => format!("/v2/core/events/{id}"),
            other => panic!("not an event: object {other:?}"),
        };
        self.object(&path, event);
    }

    /// Serves Stripe's example objects from the fixtures file at `path`
    /// (`{"resources": {name: object}}`, e.g. `../shared/stripe-openapi/fixtures-2024-04-10.json`),
    /// each at the path `retrieve_path(object type, id)` gives (objects without a string `id`
    /// and `object`, or for which it gives `None`, are left out). Returns how many are served.
    ///
    /// # Errors
    ///
    /// When the file cannot be read or is not such JSON.
    pub fn load_fixtures(
        &self,
        path: &Path,
        retrieve_path: impl Fn(&str, &str) -> Option<String>,
    ) -> std::io::Result<usize> {
        let text = std::fs::read(path)?;
        let fixtures: Value = serde_json::from_slice(&text).map_err(|e| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{}: {e}", path.display()),
            )
        })?;
        let Some(resources) = fixtures["resources"].as_object() else {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{}: no \"resources\" object", path.display()),
            ));
        };
        let mut served = 0;
        for object in resources.values() {
            let (Some(id), Some(type_)) = (object["id"].as_str(), object["object"].as_str()) else {
                continue;
            };
            if let Some(at) = retrieve_path(type_, id) {
                self.object(&at, object);
                served += 1;
            }
        }
        Ok(served)
    }

    /// The next `times` requests of `path` (without its query) get `status` with Stripe's
    /// error body instead of what is served there: 429 with `Retry-After: 0`
    /// (`rate_limit`), 500 or any other (`api_error`). Calls add up in order.
    pub fn fail_next(&self, path: &str, status: u16, times: usize) {
        self.lock()
            .failures
            .entry(path.to_owned())
            .or_default()
            .push_back((status, times));
    }

    /// Answers requests of `path` (matched with its query first, then without) with
    /// `replies`, in order; the last one repeats. Replaces what else is served there.
    pub fn route(&self, path: &str, replies: impl IntoIterator<Item = Reply>) {
        let replies: VecDeque<Reply> = replies.into_iter().collect();
        assert!(!replies.is_empty(), "a route needs at least one reply");
        self.lock().routes.insert(path.to_owned(), replies);
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.lock().received.clone()
    }

    /// The requests received since the last call (and forgets them).
    pub fn take_requests(&self) -> Vec<Recorded> {
        std::mem::take(&mut self.lock().received)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        match &mut self.running {
            Running::Task(task) => task.abort(),
            Running::Thread(stop, thread) => {
                if let Some(stop) = stop.take() {
                    let _ = stop.send(());
                }
                if let Some(thread) = thread.take() {
                    let _ = thread.join();
                }
            }
        }
    }
}

fn new_state() -> Arc<Mutex<State>> {
    Arc::new(Mutex::new(State {
        api_key: Some(DEFAULT_API_KEY.to_owned()),
        ..State::default()
    }))
}

/// A poisoned lock (a test panicked while holding it) is still usable: the state is plain data.
fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

async fn accept(listener: tokio::net::TcpListener, state: Arc<Mutex<State>>) {
    while let Ok((stream, _)) = listener.accept().await {
        let state = Arc::clone(&state);
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| answer(Arc::clone(&state), req));
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn answer(
    state: Arc<Mutex<State>>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let full = req
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    let path = req.uri().path().to_owned();
    let recorded = Recorded {
        method: req.method().as_str().to_owned(),
        path: full.clone(),
        headers: req
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("?").to_owned()))
            .collect(),
    };
    let reply = {
        let mut s = lock(&state);
        let reply = choose(&mut s, &recorded, &full, &path);
        s.received.push(recorded);
        reply
    };
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let mut response = Response::builder()
        .status(reply.status)
        .header("content-type", "application/json");
    for (k, v) in &reply.headers {
        response = response.header(k, v);
    }
    Ok(response
        .body(Full::new(Bytes::from(reply.body)))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::from_static(b"bad reply")))))
}

/// What to answer: 401 for a wrong key, then a pending failure, a canned route, an object,
/// and 404 for the rest.
fn choose(s: &mut State, request: &Recorded, full: &str, path: &str) -> Reply {
    if let Some(key) = &s.api_key {
        let expected = format!("Bearer {key}");
        if request.header("authorization") != Some(&*expected) {
            return Reply::stripe_error(
                401,
                "api_key_invalid",
                "Invalid API Key provided: the stand-in expects another key",
            );
        }
    }
    if let Some(queue) = s.failures.get_mut(path)
        && let Some((status, left)) = queue.front_mut()
    {
        let status = *status;
        *left -= 1;
        if *left == 0 {
            queue.pop_front();
        }
        let code = if status == 429 { "rate_limit" } else { "" };
        return Reply::stripe_error(status, code, "failing on demand");
    }
    for key in [full, path] {
        if let Some(queue) = s.routes.get_mut(key) {
            return if queue.len() > 1 {
                queue.pop_front().unwrap_or_else(|| Reply::new(500, "{}"))
            } else {
                queue[0].clone()
            };
        }
    }
    if request.method == "GET"
        && let Some(object) = s.objects.get(path)
    {
        return Reply::new(200, object.clone()).header("request-id", "req_stand_in");
    }
    Reply::stripe_error(
        404,
        "resource_missing",
        &format!("No such object: '{path}'"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    async fn get(stand_in: &StandIn, path: &str, key: &str) -> (u16, Value) {
        let mut conn = tokio::net::TcpStream::connect(stand_in.addr())
            .await
            .unwrap();
        let request = format!(
            "GET {path} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {key}\r\n\
             stripe-account: acct_1\r\nconnection: close\r\n\r\n"
        );
        conn.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        conn.read_to_string(&mut answer).await.unwrap();
        let status = answer[9..12].parse().unwrap();
        let body = answer.split("\r\n\r\n").nth(1).unwrap();
        (status, serde_json::from_str(body).unwrap_or(Value::Null))
    }

    #[tokio::test]
    async fn serves_objects_and_events_fails_on_demand_and_checks_the_key() {
        let s = StandIn::start().await;
        s.event(&json!({"id": "evt_1", "object": "event", "type": "customer.created"}));
        s.event(&json!({"id": "evt_2", "object": "v2.core.event", "type": "v2.core.x"}));
        let (status, body) = get(&s, "/v1/events/evt_1", DEFAULT_API_KEY).await;
        assert_eq!(
            (status, body["type"].as_str()),
            (200, Some("customer.created"))
        );
        let (status, body) = get(&s, "/v2/core/events/evt_2?x=1", DEFAULT_API_KEY).await;
        assert_eq!((status, body["type"].as_str()), (200, Some("v2.core.x")));

        let (status, body) = get(&s, "/v1/events/evt_3", DEFAULT_API_KEY).await;
        assert_eq!(status, 404);
        assert_eq!(body["error"]["code"], "resource_missing");

        s.fail_next("/v1/events/evt_1", 429, 2);
        s.fail_next("/v1/events/evt_1", 500, 1);
        let mut statuses = Vec::new();
        for _ in 0..4 {
            statuses.push(get(&s, "/v1/events/evt_1", DEFAULT_API_KEY).await.0);
        }
        assert_eq!(statuses, [429, 429, 500, 200]);

        let (status, body) = get(&s, "/v1/events/evt_1", "sk_test_wrong").await;
        assert_eq!(status, 401);
        assert_eq!(body["error"]["type"], "invalid_request_error");
        s.set_api_key(None);
        assert_eq!(get(&s, "/v1/events/evt_1", "sk_test_wrong").await.0, 200);

        let got = s.take_requests();
        assert_eq!(got.len(), 9);
        assert_eq!(got[1].path, "/v2/core/events/evt_2?x=1");
        assert_eq!(got[0].method, "GET");
        assert_eq!(got[0].header("Stripe-Account"), Some("acct_1"));
        assert!(s.requests().is_empty());
    }

    #[test]
    fn fixtures_are_served_at_the_paths_given_and_a_thread_stand_in_stops_when_dropped() {
        let dir = std::env::temp_dir().join(format!("stand-in-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("fixtures.json");
        let fixtures = json!({"resources": {
            "customer": {"id": "cus_1", "object": "customer"},
            "source": {"id": "src_1", "object": "source"},
            "no_id": {"object": "thing"},
        }});
        std::fs::write(&file, fixtures.to_string()).unwrap();
        let s = StandIn::start_on_thread();
        let served = s
            .load_fixtures(&file, |type_, id| {
                (type_ == "customer").then(|| format!("/v1/customers/{id}"))
            })
            .unwrap();
        assert_eq!(served, 1);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let (status, body) = runtime.block_on(get(&s, "/v1/customers/cus_1", DEFAULT_API_KEY));
        assert_eq!((status, body["id"].as_str()), (200, Some("cus_1")));
        assert!(
            s.load_fixtures(&dir.join("none.json"), |_, _| None)
                .is_err()
        );
        let addr = s.addr();
        drop(s);
        assert!(std::net::TcpStream::connect(addr).is_err(), "stopped");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
