//! `loadgen`: sends a bounded number of signed Stripe webhook deliveries to loopback receivers
//! over keep-alive HTTP/1 connections, and prints one line of results. See `HELP`.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::rc::Rc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use stripe_events_load::args::Args;
use stripe_events_load::events::{Templates, event_id};
use stripe_events_load::target::Target;
use stripe_events_load::{SplitMix, cpu_seconds, percentile, signature_header, unix_now};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const HELP: &str = "\
loadgen: signed Stripe webhook deliveries to loopback receivers, bounded in count and time.

  loadgen --url http://127.0.0.1:4242/webhook [--url URL ...] --secret whsec_...
          [--count 20000] [--max-seconds 20] [--connections 50] [--duplicates 0.1]
          [--client raw|hyper] [--fixtures FILE] [--ok-ids FILE] [--seed N]

Bodies (a few common event types around Stripe's example objects, distinct event ids) are
built and signed before the clock starts. --count is the number of requests, duplicates
included; --duplicates F (0 to 0.5) makes that fraction of them re-sends of an event id sent
at the same moment on another connection (to the next --url when there are several).
Connections are spread over the URLs in turn. Requests still unanswered 5 s after
--max-seconds count as failed, so a run never outlasts it by more. Prints one line:
  deliveries= duplicates= seconds= rate= p50_ms= p99_ms= max_ms= status_NNN= errors= unsent=
latency is from writing the request to reading the whole response. --ok-ids FILE writes the
ids of the events that got at least one 200, one a line. Exit status 0 if every request sent got
a response (whatever its status), 1 if some failed at the connection level (or timed out) or
none was answered, 2 on bad usage.";

/// How long past --max-seconds a request already sent may still take before it counts as
/// failed: the run's wall time is bounded even when a receiver stops answering.
const GRACE: Duration = Duration::from_secs(5);

/// No run sends more than this many requests.
const MAX_COUNT: usize = 2_000_000;
/// Nor runs longer: signatures are made before the clock starts, and receivers accept them for
/// 300 s.
const MAX_SECONDS: f64 = 240.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Client {
    /// A minimal HTTP/1.1 writer and response reader on the socket (the default: cheapest).
    Raw,
    /// hyper's client connection (`hyper::client::conn::http1`).
    Hyper,
}

#[derive(Debug)]
struct Options {
    targets: Vec<Target>,
    secret: String,
    count: usize,
    max_seconds: f64,
    connections: usize,
    duplicates: f64,
    client: Client,
    fixtures: Option<PathBuf>,
    ok_ids: Option<PathBuf>,
    seed: u64,
}

fn options() -> Result<Option<Options>, String> {
    let mut args = Args::from_env()?;
    if args.flag("help")? {
        return Ok(None);
    }
    let urls = args.all("url")?;
    if urls.is_empty() {
        return Err("give at least one --url".into());
    }
    let targets = urls
        .iter()
        .flat_map(|u| u.split(','))
        .map(Target::parse)
        .collect::<Result<Vec<_>, _>>()?;
    let secret = args
        .opt("secret")?
        .or_else(|| std::env::var("STRIPE_WEBHOOK_SECRET").ok())
        .ok_or("give --secret (or STRIPE_WEBHOOK_SECRET)")?;
    let count = args.get("count", 20_000usize)?;
    let max_seconds = args.get("max-seconds", 20.0f64)?;
    let connections = args.get("connections", 50usize)?;
    let duplicates = args.get("duplicates", 0.0f64)?;
    let client = match args.opt("client")?.as_deref() {
        None | Some("raw") => Client::Raw,
        Some("hyper") => Client::Hyper,
        Some(other) => return Err(format!("--client {other:?}: raw or hyper")),
    };
    let fixtures = args.opt("fixtures")?.map(PathBuf::from);
    let ok_ids = args.opt("ok-ids")?.map(PathBuf::from);
    let seed = args.get("seed", 0u64)?;
    args.finish()?;
    if count == 0 || count > MAX_COUNT {
        return Err(format!("--count must be 1 to {MAX_COUNT}"));
    }
    if !(max_seconds > 0.0 && max_seconds <= MAX_SECONDS) {
        return Err(format!(
            "--max-seconds must be above 0 and at most {MAX_SECONDS}"
        ));
    }
    if connections == 0 || connections > 10_000 {
        return Err("--connections must be 1 to 10000".into());
    }
    if !(0.0..=0.5).contains(&duplicates) {
        return Err("--duplicates must be 0 to 0.5".into());
    }
    Ok(Some(Options {
        targets,
        secret,
        count,
        max_seconds,
        connections,
        duplicates,
        client,
        fixtures,
        ok_ids,
        seed,
    }))
}

fn main() -> ExitCode {
    let opts = match options() {
        Ok(Some(opts)) => opts,
        Ok(None) => {
            println!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("loadgen: {e}\n\n{HELP}");
            return ExitCode::from(2);
        }
    };
    match run(opts) {
        Ok(summary) if summary.errors == 0 && summary.answered > 0 => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(e) => {
            eprintln!("loadgen: {e}");
            ExitCode::from(2)
        }
    }
}

/// One request to send: which event it carries, and how.
#[derive(Debug, Clone)]
struct Item {
    event: u32,
    payload: Payload,
}

#[derive(Debug, Clone)]
enum Payload {
    /// The whole HTTP/1.1 request.
    Raw(Bytes),
    /// The body and the `Stripe-Signature` value, for hyper.
    Hyper { body: Bytes, signature: String },
}

/// What is sent where: one queue per target, and the event ids.
#[derive(Debug)]
struct Plan {
    queues: Vec<Vec<Item>>,
    ids: Vec<String>,
    duplicates: usize,
}

/// Builds and signs every request. `count` requests in all, `round(count * duplicates)` of them
/// second copies: the copy of event `i` goes right after it in the queue of the target after
/// `i`'s own, so two connections send the pair at about the same moment.
fn plan(opts: &Options, templates: &Templates, nonce: u64, timestamp: i64) -> Plan {
    let dups = (opts.count as f64 * opts.duplicates).round() as usize;
    let originals = opts.count - dups;
    let ntargets = opts.targets.len();
    let mut queues: Vec<Vec<Item>> = vec![Vec::with_capacity(opts.count / ntargets + 1); ntargets];
    let mut ids = Vec::with_capacity(originals);
    let mut rng = SplitMix(opts.seed ^ nonce);
    for i in 0..originals {
        let id = event_id(nonce, i as u64);
        let shape = (rng.next_u64() % templates.len() as u64) as usize;
        let body = templates.body(shape, &id);
        let signature = signature_header(&opts.secret, timestamp, &body);
        let target = i % ntargets;
        let duplicated = (i + 1) * dups / originals > i * dups / originals;
        let payload_for = |t: &Target| match opts.client {
            Client::Raw => Payload::Raw(raw_request(t, &signature, &body)),
            Client::Hyper => Payload::Hyper {
                body: Bytes::from(body.clone()),
                signature: signature.clone(),
            },
        };
        let event = u32::try_from(i).expect("count is bounded");
        queues[target].push(Item {
            event,
            payload: payload_for(&opts.targets[target]),
        });
        if duplicated {
            let other = (target + 1) % ntargets;
            queues[other].push(Item {
                event,
                payload: payload_for(&opts.targets[other]),
            });
        }
        ids.push(id);
    }
    Plan {
        queues,
        ids,
        duplicates: dups,
    }
}

/// The request Stripe sends, as bytes.
fn raw_request(target: &Target, signature: &str, body: &[u8]) -> Bytes {
    let mut req = Vec::with_capacity(body.len() + 300);
    write!(
        req,
        "POST {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: Stripe/1.0 (+https://stripe.com/docs/webhooks)\r\n\
         Accept: */*; q=0.5, application/xml\r\nCache-Control: no-cache\r\n\
         Content-Type: application/json; charset=utf-8\r\nStripe-Signature: {signature}\r\n\
         Content-Length: {}\r\n\r\n",
        target.path,
        target.host,
        body.len()
    )
    .expect("writing to a Vec");
    req.extend_from_slice(body);
    Bytes::from(req)
}

/// What the connections share (one thread: `Rc`, `Cell`).
struct Shared {
    plan: Plan,
    targets: Vec<Target>,
    next: Vec<Cell<usize>>,
    deadline: Cell<Option<Instant>>,
    latencies_us: RefCell<Vec<u32>>,
    statuses: RefCell<BTreeMap<u16, u64>>,
    errors: Cell<u64>,
    first_error: RefCell<Option<String>>,
    ok: RefCell<Vec<bool>>,
}

impl Shared {
    /// The next request for `target`, unless its queue is empty or time is up.
    fn take(&self, target: usize) -> Option<Item> {
        if self.deadline.get().is_some_and(|d| Instant::now() >= d) {
            return None;
        }
        let i = self.next[target].get();
        let item = self.plan.queues[target].get(i)?;
        self.next[target].set(i + 1);
        Some(item.clone())
    }

    fn record(&self, item: &Item, started: Instant, status: u16) {
        let us = started.elapsed().as_micros().min(u128::from(u32::MAX)) as u32;
        self.latencies_us.borrow_mut().push(us);
        *self.statuses.borrow_mut().entry(status).or_default() += 1;
        if status == 200 {
            self.ok.borrow_mut()[item.event as usize] = true;
        }
    }

    /// When a request sent now must have its answer: the run's deadline plus [`GRACE`].
    fn answer_by(&self) -> tokio::time::Instant {
        let deadline = self.deadline.get().unwrap_or_else(Instant::now);
        tokio::time::Instant::from_std(deadline + GRACE)
    }

    fn error(&self, what: String) {
        self.errors.set(self.errors.get() + 1);
        self.first_error.borrow_mut().get_or_insert(what);
    }
}

/// What a run came to (also printed; the tests read all of it).
#[derive(Debug)]
#[cfg_attr(not(test), allow(dead_code))]
struct Summary {
    answered: usize,
    errors: u64,
    unsent: usize,
    statuses: BTreeMap<u16, u64>,
    seconds: f64,
}

fn run(opts: Options) -> Result<Summary, String> {
    let timestamp = unix_now();
    let templates = match Templates::load(opts.fixtures.as_deref(), timestamp) {
        Ok(t) => t,
        Err(e) if opts.fixtures.is_none() => {
            eprintln!("loadgen: {e}; using small built-in objects instead");
            Templates::built_in(timestamp)
        }
        Err(e) => return Err(e),
    };
    // Distinct per run, so that ids never repeat across runs against one store.
    let nonce = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
        ^ (u64::from(std::process::id()) << 40);
    let plan = plan(&opts, &templates, nonce, timestamp);
    let events = plan.ids.len();
    let shared = Rc::new(Shared {
        next: plan.queues.iter().map(|_| Cell::new(0)).collect(),
        ok: RefCell::new(vec![false; events]),
        plan,
        targets: opts.targets.clone(),
        deadline: Cell::new(None),
        latencies_us: RefCell::new(Vec::with_capacity(opts.count)),
        statuses: RefCell::new(BTreeMap::new()),
        errors: Cell::new(0),
        first_error: RefCell::new(None),
    });

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let local = tokio::task::LocalSet::new();
    let (seconds, cpu) = local.block_on(&rt, async {
        // Every connection is opened before the clock starts.
        let barrier = Rc::new(tokio::sync::Barrier::new(opts.connections + 1));
        let mut tasks = Vec::with_capacity(opts.connections);
        for c in 0..opts.connections {
            let target = c % opts.targets.len();
            let (shared, barrier) = (shared.clone(), barrier.clone());
            tasks.push(tokio::task::spawn_local(async move {
                match opts.client {
                    Client::Raw => raw_connection(shared, target, barrier).await,
                    Client::Hyper => hyper_connection(shared, target, barrier).await,
                }
            }));
        }
        barrier.wait().await;
        let (start, cpu_start) = (Instant::now(), cpu_seconds());
        shared
            .deadline
            .set(Some(start + Duration::from_secs_f64(opts.max_seconds)));
        for task in tasks {
            let _ = task.await;
        }
        (start.elapsed().as_secs_f64(), cpu_seconds() - cpu_start)
    });

    let mut lat = shared.latencies_us.take();
    lat.sort_unstable();
    let answered = lat.len();
    let queued: usize = shared.plan.queues.iter().map(Vec::len).sum();
    let sent: usize = shared.next.iter().map(Cell::get).sum();
    let errors = shared.errors.get();
    let ms = |us: u32| f64::from(us) / 1000.0;
    let mut line = format!(
        "deliveries={answered} events={events} duplicates={} connections={} targets={} \
         seconds={seconds:.3} rate={:.0} p50_ms={:.2} p99_ms={:.2} max_ms={:.2}",
        shared.plan.duplicates,
        opts.connections,
        opts.targets.len(),
        answered as f64 / seconds,
        ms(percentile(&lat, 0.50)),
        ms(percentile(&lat, 0.99)),
        ms(lat.last().copied().unwrap_or(0)),
    );
    for (status, n) in shared.statuses.borrow().iter() {
        line.push_str(&format!(" status_{status}={n}"));
    }
    line.push_str(&format!(
        " errors={errors} unsent={} client={} loadgen_cpu_s={cpu:.3} loadgen_cpu_us_per_delivery={:.1}",
        queued - sent,
        match opts.client {
            Client::Raw => "raw",
            Client::Hyper => "hyper",
        },
        cpu * 1e6 / answered.max(1) as f64
    ));
    println!("{line}");
    if let Some(e) = shared.first_error.borrow().as_ref() {
        eprintln!("loadgen: {errors} request(s) failed; the first: {e}");
    }
    if queued > sent {
        eprintln!(
            "loadgen: stopped at --max-seconds {} with {} request(s) unsent",
            opts.max_seconds,
            queued - sent
        );
    }
    if let Some(path) = &opts.ok_ids {
        let ok = shared.ok.borrow();
        let mut out = String::new();
        for (id, _) in shared.plan.ids.iter().zip(ok.iter()).filter(|(_, ok)| **ok) {
            out.push_str(id);
            out.push('\n');
        }
        std::fs::write(path, out).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    eprintln!("loadgen: bodies from {}", templates.source);
    Ok(Summary {
        answered,
        errors,
        unsent: queued - sent,
        statuses: shared.statuses.take(),
        seconds,
    })
}

async fn connect(shared: &Shared, target: usize) -> Option<TcpStream> {
    let addr = shared.targets[target].addr;
    match TcpStream::connect(addr).await {
        Ok(stream) => {
            let _ = stream.set_nodelay(true);
            Some(stream)
        }
        Err(e) => {
            shared.error(format!("connecting to {addr}: {e}"));
            None
        }
    }
}

/// One keep-alive connection writing whole requests and reading responses itself.
async fn raw_connection(shared: Rc<Shared>, target: usize, barrier: Rc<tokio::sync::Barrier>) {
    let mut stream = connect(&shared, target).await;
    barrier.wait().await;
    let mut buf = Vec::with_capacity(4096);
    while let Some(item) = shared.take(target) {
        let Payload::Raw(request) = &item.payload else {
            unreachable!("raw connections get raw payloads")
        };
        if stream.is_none() {
            stream = connect(&shared, target).await;
        }
        let Some(s) = stream.as_mut() else {
            // Counted as an error by connect; the item is not retried.
            continue;
        };
        let started = Instant::now();
        let answered = tokio::time::timeout_at(shared.answer_by(), exchange(s, request, &mut buf));
        match answered.await.unwrap_or_else(|_| Err(timed_out())) {
            Ok(response) => {
                shared.record(&item, started, response.status);
                if !response.keep_alive {
                    stream = None;
                }
            }
            Err(e) => {
                shared.error(format!("{}: {e}", shared.targets[target].url));
                stream = None;
            }
        }
    }
}

fn timed_out() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::TimedOut,
        format!("no response by --max-seconds + {} s", GRACE.as_secs()),
    )
}

/// A response's status and whether the connection stays open.
#[derive(Debug, PartialEq, Eq)]
struct Response {
    status: u16,
    keep_alive: bool,
}

/// Writes `request` and reads one whole response into `buf`.
async fn exchange(
    stream: &mut TcpStream,
    request: &[u8],
    buf: &mut Vec<u8>,
) -> std::io::Result<Response> {
    stream.write_all(request).await?;
    buf.clear();
    loop {
        buf.reserve(4096);
        if stream.read_buf(buf).await? == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "connection closed before a whole response",
            ));
        }
        if let Some(response) = parse_response(buf)? {
            return Ok(response);
        }
    }
}

/// The response in `buf` once it is complete, `None` while more bytes are needed.
fn parse_response(buf: &[u8]) -> std::io::Result<Option<Response>> {
    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
    let Some(head_len) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Ok(None);
    };
    let head = std::str::from_utf8(&buf[..head_len]).map_err(|_| bad("response head not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .get(9..12)
        .and_then(|s| s.parse::<u16>().ok())
        .filter(|_| status_line.starts_with("HTTP/1."))
        .ok_or_else(|| bad("no HTTP/1 status line"))?;
    let mut keep_alive = status_line.starts_with("HTTP/1.1");
    let mut length = None;
    let mut chunked = false;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            length = Some(
                value
                    .parse::<usize>()
                    .map_err(|_| bad("bad Content-Length"))?,
            );
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = value.eq_ignore_ascii_case("chunked");
        } else if name.eq_ignore_ascii_case("connection") {
            keep_alive = !value.eq_ignore_ascii_case("close");
        }
    }
    let body = &buf[head_len + 4..];
    let complete = if chunked {
        // Small bodies and no trailers: the last chunk ends the response.
        body.ends_with(b"0\r\n\r\n")
    } else {
        match length {
            Some(n) => body.len() >= n,
            None if status == 204 || status == 304 || (100..200).contains(&status) => true,
            // Delimited by the close: count it when the head is in, and reconnect.
            None => {
                keep_alive = false;
                true
            }
        }
    };
    Ok(complete.then_some(Response { status, keep_alive }))
}

/// One keep-alive connection through hyper's HTTP/1 client.
async fn hyper_connection(shared: Rc<Shared>, target: usize, barrier: Rc<tokio::sync::Barrier>) {
    use http_body_util::{BodyExt, Full};
    use hyper::Request;
    use hyper::header::{CONTENT_TYPE, HOST, HeaderValue, USER_AGENT};

    type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;
    async fn open(shared: &Shared, target: usize) -> Option<Sender> {
        let stream = connect(shared, target).await?;
        match hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await {
            Ok((sender, conn)) => {
                tokio::task::spawn_local(conn);
                Some(sender)
            }
            Err(e) => {
                shared.error(format!("HTTP/1 handshake: {e}"));
                None
            }
        }
    }

    let t = &shared.targets[target];
    let host = HeaderValue::from_str(&t.host).expect("a URL's host is a header value");
    let path = t.path.clone();
    let mut sender = open(&shared, target).await;
    barrier.wait().await;
    while let Some(item) = shared.take(target) {
        let Payload::Hyper { body, signature } = &item.payload else {
            unreachable!("hyper connections get hyper payloads")
        };
        if sender.as_ref().is_none_or(|s| s.is_closed()) {
            sender = open(&shared, target).await;
        }
        let Some(s) = sender.as_mut() else {
            continue;
        };
        let request = Request::post(path.as_str())
            .header(HOST, host.clone())
            .header(USER_AGENT, "Stripe/1.0 (+https://stripe.com/docs/webhooks)")
            .header(CONTENT_TYPE, "application/json; charset=utf-8")
            .header("stripe-signature", signature.as_str())
            .body(Full::new(body.clone()))
            .expect("a valid request");
        let started = Instant::now();
        let result = async {
            s.ready().await?;
            let response = s.send_request(request).await?;
            let status = response.status().as_u16();
            response.into_body().collect().await?;
            Ok::<_, hyper::Error>(status)
        };
        let result = tokio::time::timeout_at(shared.answer_by(), result).await;
        match result
            .map_err(|_| timed_out().to_string())
            .and_then(|r| r.map_err(|e| e.to_string()))
        {
            Ok(status) => shared.record(&item, started, status),
            Err(e) => {
                shared.error(format!("{}: {e}", t.url));
                sender = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses_parse_once_complete() {
        let r = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\ndate: x\r\n\r\nok";
        assert_eq!(
            parse_response(r).unwrap(),
            Some(Response {
                status: 200,
                keep_alive: true
            })
        );
        assert_eq!(parse_response(&r[..r.len() - 1]).unwrap(), None);
        assert_eq!(
            parse_response(b"HTTP/1.1 200 OK\r\ncontent-le").unwrap(),
            None
        );
        let close = b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
        assert_eq!(
            parse_response(close).unwrap(),
            Some(Response {
                status: 400,
                keep_alive: false
            })
        );
        let chunked = b"HTTP/1.1 500 X\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
        assert_eq!(parse_response(chunked).unwrap().unwrap().status, 500);
        assert!(parse_response(b"SSH-2.0\r\n\r\n").is_err());
    }

    fn options(urls: &[&str], count: usize, duplicates: f64) -> Options {
        Options {
            targets: urls.iter().map(|u| Target::parse(u).unwrap()).collect(),
            secret: "whsec_test".into(),
            count,
            max_seconds: 5.0,
            connections: 4,
            duplicates,
            client: Client::Raw,
            fixtures: None,
            ok_ids: None,
            seed: 1,
        }
    }

    #[test]
    fn plans_count_requests_with_duplicates_on_the_next_target() {
        let t = Templates::built_in(1_700_000_000);
        let o = options(&["http://127.0.0.1:1/w", "http://127.0.0.1:2/w"], 1000, 0.1);
        let p = plan(&o, &t, 42, 1_700_000_000);
        let total: usize = p.queues.iter().map(Vec::len).sum();
        assert_eq!(total, 1000);
        assert_eq!(p.duplicates, 100);
        assert_eq!(p.ids.len(), 900);
        let mut seen = BTreeMap::<u32, Vec<usize>>::new();
        for (q, queue) in p.queues.iter().enumerate() {
            for item in queue {
                seen.entry(item.event).or_default().push(q);
            }
        }
        let pairs: Vec<_> = seen.values().filter(|qs| qs.len() == 2).collect();
        assert_eq!(pairs.len(), 100);
        assert!(
            pairs.iter().all(|qs| qs[0] != qs[1]),
            "copies go to the other target"
        );
        assert!(seen.values().all(|qs| qs.len() <= 2));
    }

    /// A receiver on a loopback port, one thread per connection: answers 200 to every request
    /// whose body is `{...}` JSON, or never answers at all (`silent`).
    fn test_server(silent: bool) -> std::net::SocketAddr {
        use std::io::{BufRead, BufReader, Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let mut out = stream;
                    loop {
                        let mut length = None;
                        loop {
                            let mut line = String::new();
                            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                                return;
                            }
                            if line == "\r\n" {
                                break;
                            }
                            if let Some((name, v)) = line.split_once(':')
                                && name.eq_ignore_ascii_case("content-length")
                            {
                                length = v.trim().parse::<usize>().ok();
                            }
                        }
                        let mut body = vec![0; length.unwrap()];
                        reader.read_exact(&mut body).unwrap();
                        if silent {
                            std::thread::sleep(Duration::from_secs(30));
                            return;
                        }
                        let ok = serde_json::from_slice::<serde_json::Value>(&body).is_ok();
                        let status = if ok { "200 OK" } else { "400 Bad Request" };
                        let response = format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\n\r\n");
                        if out.write_all(response.as_bytes()).is_err() {
                            return;
                        }
                    }
                });
            }
        });
        addr
    }

    #[test]
    fn a_run_sends_every_request_and_lists_the_ids_that_got_200() {
        for client in [Client::Raw, Client::Hyper] {
            let addr = test_server(false);
            let dir = std::env::temp_dir().join(format!("loadgen-test-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            let ok_ids = dir.join(format!("ok-{client:?}.txt"));
            let mut o = options(&[&format!("http://{addr}/webhook")], 300, 0.2);
            o.client = client;
            o.ok_ids = Some(ok_ids.clone());
            let summary = run(o).unwrap();
            assert_eq!(summary.answered, 300, "{client:?}");
            assert_eq!((summary.errors, summary.unsent), (0, 0));
            assert_eq!(summary.statuses.get(&200), Some(&300));
            let ids = std::fs::read_to_string(&ok_ids).unwrap();
            assert_eq!(
                ids.lines().count(),
                240,
                "one line per event, duplicates once"
            );
            assert!(
                ids.lines()
                    .all(|id| id.len() == 28 && id.starts_with("evt_"))
            );
            std::fs::remove_dir_all(&dir).unwrap();
        }
    }

    #[test]
    fn a_receiver_that_never_answers_cannot_stretch_the_run() {
        let addr = test_server(true);
        let mut o = options(&[&format!("http://{addr}/webhook")], 20, 0.0);
        o.max_seconds = 0.5;
        let summary = run(o).unwrap();
        assert_eq!(summary.answered, 0);
        assert_eq!(summary.errors, 4, "the four connections' requests time out");
        assert_eq!(summary.unsent, 16);
        assert!(
            summary.seconds < 0.5 + GRACE.as_secs_f64() + 1.0,
            "{}",
            summary.seconds
        );
    }

    #[test]
    fn requests_are_signed_stripe_deliveries() {
        let t = Templates::built_in(1_700_000_000);
        let o = options(&["http://127.0.0.1:9/webhook"], 3, 0.0);
        let p = plan(&o, &t, 7, 1_700_000_000);
        let Payload::Raw(req) = &p.queues[0][0].payload else {
            panic!("raw")
        };
        let text = std::str::from_utf8(req).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("POST /webhook HTTP/1.1\r\nHost: 127.0.0.1:9\r\n"));
        assert!(head.contains(&format!("Content-Length: {}", body.len())));
        let sig = signature_header("whsec_test", 1_700_000_000, body.as_bytes());
        assert!(head.contains(&format!("Stripe-Signature: {sig}")));
        let event: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(event["id"], p.ids[0].as_str());
    }
}
