//! Several receivers on one PostgreSQL database, as separate processes (issue 19): thousands
//! of signed deliveries, duplicates sent to different instances at the same moment, one
//! instance killed with SIGKILL in the middle of a burst, PostgreSQL restarted in the middle
//! of another. The built-in handler prints one line per run, so the lines of every process
//! say how often each event's handlers ran.
//!
//! Needs a PostgreSQL server (`STRIPE_EVENTS_TEST_POSTGRES`, default the one at
//! 127.0.0.1:5432); without one each test says, visibly, that it was skipped.

mod support;

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use stripe_events::signature::generate_test_header;
use stripe_events::testing::event_envelope;
use support::http::Conn;
use support::pg::{OwnServer, Schema, with_schema};
use support::serve::{Process, handler_runs};

const SECRET: &str = "whsec_scale_out";

/// `count` events (`evt_{tag}_{i}`) and their bodies.
fn events(tag: &str, count: usize) -> Vec<(String, Vec<u8>)> {
    (0..count)
        .map(|i| {
            let id = format!("evt_{tag}_{i}");
            let object = serde_json::json!({"id": format!("cus_{i}"), "object": "customer"});
            let body = event_envelope(&id, "customer.created", &object).to_string();
            (id, body.into_bytes())
        })
        .collect()
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .try_into()
        .unwrap()
}

/// What a burst of deliveries got.
#[derive(Debug, Default)]
struct Sent {
    /// The event ids that got a 200 from some instance.
    acknowledged: HashSet<String>,
    /// How many answers of each status (0: connection failed).
    statuses: HashMap<u16, usize>,
}

/// Delivers every event as Stripe would, from `threads` threads: event `i` to instance
/// `i % n`, and every `duplicate_every`-th also to the next instance on another connection at
/// the same moment (both requests written before either answer is read). An event that does
/// not get a 200 is delivered again (409 and 500 after a pause; a connection that fails, to
/// the next instance), up to `deadline`. `acks` counts the 200s as they come.
fn deliver(
    addrs: &[String],
    events: &[(String, Vec<u8>)],
    duplicate_every: usize,
    threads: usize,
    acks: &AtomicUsize,
    deadline: Instant,
) -> Sent {
    let sent = Mutex::new(Sent::default());
    let n = addrs.len();
    std::thread::scope(|scope| {
        for t in 0..threads {
            let sent = &sent;
            scope.spawn(move || {
                let mut conns: Vec<Conn> = addrs.iter().map(|a| Conn::new(a)).collect();
                let mut statuses: HashMap<u16, usize> = HashMap::new();
                let mut acknowledged = Vec::new();
                for (i, (id, body)) in events.iter().enumerate().skip(t).step_by(threads) {
                    let header = generate_test_header(body, SECRET, unix_now());
                    let mut targets = vec![i % n];
                    if n > 1 && i % duplicate_every == 0 {
                        targets.push((i + 1) % n);
                    }
                    let mut done = false;
                    while !done && Instant::now() < deadline {
                        let written: Vec<(usize, bool)> = targets
                            .iter()
                            .map(|&k| (k, conns[k].send(&header, body).is_ok()))
                            .collect();
                        let mut failed_over = Vec::new();
                        for (k, ok) in written {
                            let status = if ok { conns[k].read().unwrap_or(0) } else { 0 };
                            *statuses.entry(status).or_default() += 1;
                            if status == 200 {
                                done = true;
                            } else if status == 0 {
                                failed_over.push((k + 1) % n);
                            }
                        }
                        if !done {
                            if !failed_over.is_empty() {
                                targets = failed_over;
                            }
                            std::thread::sleep(Duration::from_millis(25));
                        }
                    }
                    if done {
                        acks.fetch_add(1, Ordering::Relaxed);
                        acknowledged.push(id.clone());
                    }
                }
                let mut sent = sent.lock().unwrap();
                sent.acknowledged.extend(acknowledged);
                for (status, count) in statuses {
                    *sent.statuses.entry(status).or_default() += count;
                }
            });
        }
    });
    sent.into_inner().unwrap()
}

/// Waits (at most a minute) until `count` deliveries of the store behind `url` are processed.
fn wait_processed(url: &str, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let out = support::pg::psql(
            url,
            "SELECT count(*) FROM stripe_events_deliveries WHERE status = 'processed'",
        );
        let done: usize = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
        if done >= count {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "only {done} of {count} deliveries processed after a minute"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Inline, or queue with two workers; a 2 s lease (a dead process's claims are taken over
/// quickly).
fn serve_args(processing: &str) -> Vec<&str> {
    serve_args_with(processing, "2s")
}

fn serve_args_with<'a>(processing: &'a str, lease: &'a str) -> Vec<&'a str> {
    let mut args = vec!["--processing", processing, "--lease", lease];
    if processing == "queue" {
        args.extend(["--workers", "2"]);
    }
    args
}

/// `instances` receivers on one schema, 2,000 events, a quarter of them delivered twice at
/// once to two instances: every event acknowledged, processed, and its handler run once.
fn several_receivers(test: &str, instances: usize, processing: &str) {
    let Some(schema) = Schema::new(test) else {
        return;
    };
    let db = schema.url();
    let mut servers: Vec<Process> = (0..instances)
        .map(|_| Process::serve(&db, SECRET, &serve_args(processing)))
        .collect();
    let addrs: Vec<String> = servers.iter().map(|s| s.addr.clone()).collect();
    let events = events(test, 2_000);
    let acks = AtomicUsize::new(0);
    let deadline = Instant::now() + Duration::from_secs(120);
    let sent = deliver(&addrs, &events, 4, 8, &acks, deadline);
    assert_eq!(
        sent.acknowledged.len(),
        events.len(),
        "not every event was acknowledged: {:?}",
        sent.statuses
    );
    wait_processed(&schema.url(), events.len());
    for server in &mut servers {
        server.stop();
    }
    let runs = handler_runs(&mut servers);
    let wrong: Vec<_> = events
        .iter()
        .filter(|(id, _)| runs.get(id) != Some(&1))
        .map(|(id, _)| (id, runs.get(id)))
        .collect();
    assert!(wrong.is_empty(), "handlers not run exactly once: {wrong:?}");
    assert_eq!(
        schema.query("SELECT count(*) FROM stripe_events_deliveries"),
        events.len().to_string(),
        "one row per event id"
    );
}

#[test]
fn two_inline_receivers_process_each_event_once() {
    several_receivers("two_inline", 2, "inline");
}

#[test]
fn four_queue_receivers_process_each_event_once() {
    several_receivers("four_queue", 4, "queue");
}

/// Two queue receivers; one is killed with SIGKILL in the middle of a burst. Every event
/// that got a 200 (from either) ends processed; its handler ran once, or twice for the few
/// the killed process was running when it died (at most its worker count), never zero times.
#[test]
fn a_receiver_killed_mid_burst_loses_nothing() {
    let Some(schema) = Schema::new("killed") else {
        return;
    };
    let db = schema.url();
    let mut servers = vec![
        Process::serve(&db, SECRET, &serve_args("queue")),
        Process::serve(&db, SECRET, &serve_args("queue")),
    ];
    let addrs: Vec<String> = servers.iter().map(|s| s.addr.clone()).collect();
    let events = events("killed", 2_000);
    let acks = AtomicUsize::new(0);
    let deadline = Instant::now() + Duration::from_secs(120);
    let pid = servers[0].pid();
    let sent = std::thread::scope(|scope| {
        let load = scope.spawn(|| deliver(&addrs, &events, 4, 8, &acks, deadline));
        while acks.load(Ordering::Relaxed) < 600 && !load.is_finished() {
            std::thread::sleep(Duration::from_millis(5));
        }
        let status = std::process::Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        load.join().unwrap()
    });
    assert!(
        sent.statuses.get(&0).copied().unwrap_or(0) > 0,
        "the kill fell after the burst: {:?}",
        sent.statuses
    );
    assert_eq!(sent.acknowledged.len(), events.len(), "{:?}", sent.statuses);
    // The survivor's workers take over what the dead one held, once its 2 s lease is over.
    wait_processed(&schema.url(), events.len());
    servers[0].kill();
    servers[1].stop();
    let runs = handler_runs(&mut servers);
    let never: Vec<_> = events
        .iter()
        .filter(|(id, _)| !runs.contains_key(id))
        .collect();
    assert!(never.is_empty(), "{} events never handled", never.len());
    let twice: Vec<_> = runs.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        twice.len() <= 2 && twice.iter().all(|(_, n)| **n == 2),
        "handlers ran again beyond the killed process's 2 running jobs: {twice:?}"
    );
}

/// Two queue receivers on a PostgreSQL server of the test's own, restarted in the middle of
/// a burst: deliveries during the restart are answered 500 (Stripe retries them), every
/// event that got a 200 ends processed, and no handler ran twice: a worker whose handler ran
/// while the server was down keeps trying to record the result within its lease (10 s here,
/// longer than the restart), so nobody else runs it again.
#[test]
fn a_postgres_restart_mid_burst_loses_nothing() {
    let Some(server) = OwnServer::start("restart") else {
        return;
    };
    let db = with_schema(&server.url(), "public");
    let mut servers = vec![
        Process::serve(&db, SECRET, &serve_args_with("queue", "10s")),
        Process::serve(&db, SECRET, &serve_args_with("queue", "10s")),
    ];
    let addrs: Vec<String> = servers.iter().map(|s| s.addr.clone()).collect();
    let events = events("restart", 1_500);
    let acks = AtomicUsize::new(0);
    let deadline = Instant::now() + Duration::from_secs(120);
    let sent = std::thread::scope(|scope| {
        let load = scope.spawn(|| deliver(&addrs, &events, 4, 8, &acks, deadline));
        while acks.load(Ordering::Relaxed) < 500 && !load.is_finished() {
            std::thread::sleep(Duration::from_millis(5));
        }
        server.restart();
        load.join().unwrap()
    });
    assert!(
        sent.statuses.get(&500).copied().unwrap_or(0) > 0,
        "the restart was not noticed: {:?}",
        sent.statuses
    );
    assert_eq!(sent.acknowledged.len(), events.len(), "{:?}", sent.statuses);
    wait_processed(&db, events.len());
    for process in &mut servers {
        process.stop();
    }
    let runs = handler_runs(&mut servers);
    let wrong: Vec<_> = events
        .iter()
        .filter(|(id, _)| runs.get(id) != Some(&1))
        .map(|(id, _)| (id, runs.get(id)))
        .collect();
    assert!(wrong.is_empty(), "handlers not run exactly once: {wrong:?}");
}
