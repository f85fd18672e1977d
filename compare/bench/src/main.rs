//! stripe-events vs async-stripe-webhook, side by side on the same machine and the same bodies.
//!
//! One compact, signed body per event type, built exactly as `stripe-events/benches/report.rs`
//! builds them (from `../shared/stripe-openapi/fixtures-2024-04-10.json`), then both libraries'
//! verify + typed-parse entry points over (a) every body and (b) the bodies both parse into a
//! typed event. Figures go to stdout as `name<TAB>value<TAB>unit` lines, each throughput the
//! median of several runs after a warm-up; which bodies a library could not type, and why, go
//! to stderr.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use stripe_events::signature::FixedClock;
use stripe_events::testing::{event_envelope, example_object, generate_test_header};
use stripe_events::{EventObject, EventType, Webhook};
use stripe_webhook::WebhookError as TheirError;

/// The secret report.rs signs with.
const SECRET: &str = "whsec_bench_report";
const RUNS: usize = 9;
/// Passes over the bodies per run (report.rs makes 20; more here, as async-stripe's runs over
/// ~0.3 MB are short).
const PASSES: usize = 50;
/// async-stripe's fixed timestamp tolerance (`construct_event` checks against the wall clock).
const THEIR_TOLERANCE_SECS: u64 = 300;

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/stripe-openapi")
}

struct Body {
    event_type: &'static str,
    json: String,
}

/// A compact body for every event type with an example object, as report.rs builds them.
fn bodies() -> Vec<Body> {
    let path = shared().join("fixtures-2024-04-10.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (the fixtures live beside the project)",
            path.display()
        )
    });
    let fixtures: serde_json::Value = serde_json::from_str(&text).unwrap();
    let resources = fixtures["resources"].as_object().unwrap();
    EventType::ALL
        .iter()
        .filter_map(|t| {
            let (_, object) = example_object(resources, t)?;
            Some(Body {
                event_type: t.as_str(),
                json: event_envelope("evt_bench", t.as_str(), object).to_string(),
            })
        })
        .collect()
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// One library's verify + parse of one delivery (body, `Stripe-Signature` header); returns
/// whether the signature was accepted. Every one must be: a parse failure is a result, a
/// signature failure a broken measurement.
type Call<'a> = Box<dyn FnMut(&str, &str) -> bool + 'a>;

/// The seconds each of `calls` takes for `PASSES` passes over `bodies`, in `RUNS` rounds after
/// a warm-up round; `times[call][round]`. The calls take turns within each round (in rotating
/// order), so load on the machine falls on all of them alike. The bodies are signed with the current time just
/// before, for signatures made at that time (`make(t)`).
fn interleaved(bodies: &[&Body], make: impl FnOnce(i64) -> Vec<Call<'static>>) -> Vec<Vec<f64>> {
    let t = now();
    let headers: Vec<String> = bodies
        .iter()
        .map(|b| generate_test_header(b.json.as_bytes(), SECRET, t))
        .collect();
    let mut calls = make(t);
    let mut rejected = 0usize;
    let mut times = vec![Vec::with_capacity(RUNS); calls.len()];
    for round in 0..=RUNS {
        // Each round starts with the next call, so none is always first.
        let n = calls.len();
        for i in (0..n).map(|i| (i + round) % n) {
            let (call, times) = (&mut calls[i], &mut times[i]);
            let start = Instant::now();
            for _ in 0..PASSES {
                for (body, header) in bodies.iter().zip(&headers) {
                    if !call(black_box(&body.json), black_box(header)) {
                        rejected += 1;
                    }
                }
            }
            if round > 0 {
                times.push(start.elapsed().as_secs_f64());
            }
        }
    }
    assert_eq!(
        rejected,
        0,
        "signatures rejected during the measurement (took {} s; async-stripe allows {THEIR_TOLERANCE_SECS} s)",
        now() - t
    );
    times
}

/// Reports `<prefix>ours_verify_parse_mb_s`, `<prefix>theirs_verify_parse_mb_s` (medians) and
/// `<prefix>ratio` (the median over the rounds of ours/theirs, each round's pair measured back
/// to back), and with `one_call` also ours through the one-call entry point.
fn compare(prefix: &str, bodies: &[&Body], one_call: bool) {
    let times = interleaved(bodies, |t| {
        let mut calls = vec![ours(t), theirs(t)];
        if one_call {
            calls.push(ours_one_call(t));
        }
        calls
    });
    let bytes = (bodies.iter().map(|b| b.json.len()).sum::<usize>() * PASSES) as f64;
    let mean_len = bytes / (bodies.len() * PASSES) as f64;
    let mb_s = |times: &[f64]| bytes / median(times.to_vec()) / 1e6;
    let ratio = |a: &[f64], b: &[f64]| median(a.iter().zip(b).map(|(a, b)| b / a).collect());
    report_f(
        &format!("{prefix}ours_verify_parse_mb_s"),
        mb_s(&times[0]),
        "MB/s",
    );
    report_f(
        &format!("{prefix}theirs_verify_parse_mb_s"),
        mb_s(&times[1]),
        "MB/s",
    );
    report_f(
        &format!("{prefix}ratio"),
        ratio(&times[0], &times[1]),
        "ours/theirs",
    );
    report_f(
        &format!("{prefix}ours_verify_parse_events_s"),
        mb_s(&times[0]) * 1e6 / mean_len,
        "events/s",
    );
    report_f(
        &format!("{prefix}theirs_verify_parse_events_s"),
        mb_s(&times[1]) * 1e6 / mean_len,
        "events/s",
    );
    if one_call {
        report_f(
            &format!("{prefix}ours_construct_event_mb_s"),
            mb_s(&times[2]),
            "MB/s",
        );
        report_f(
            &format!("{prefix}ratio_construct_event"),
            ratio(&times[2], &times[1]),
            "ours/theirs",
        );
    }
}

/// Ours, as report.rs calls it: one `Webhook` configured up front, `construct` per delivery.
fn ours(t: i64) -> Call<'static> {
    let webhook = Webhook::new(SECRET).clock(FixedClock(t));
    Box::new(
        move |body, header| match webhook.construct(body.as_bytes(), Some(header)) {
            Err(e) if e.is_signature_error() => false,
            result => {
                let _ = black_box(result);
                true
            }
        },
    )
}

/// Ours through the one-call entry point shaped like theirs (secret per call, system clock).
fn ours_one_call(_t: i64) -> Call<'static> {
    Box::new(
        |body, header| match Webhook::construct_event(body.as_bytes(), header, SECRET) {
            Err(e) if e.is_signature_error() => false,
            result => {
                let _ = black_box(result);
                true
            }
        },
    )
}

/// Theirs: `stripe_webhook::Webhook::construct_event(payload, sig, secret)` (system clock, 300 s).
fn theirs(_t: i64) -> Call<'static> {
    Box::new(
        |body, header| match stripe_webhook::Webhook::construct_event(body, header, SECRET) {
            Err(TheirError::BadKey | TheirError::BadHeader(_))
            | Err(TheirError::BadSignature | TheirError::BadTimestamp(_)) => false,
            result => {
                let _ = black_box(result);
                true
            }
        },
    )
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// Parsed into the library's typed struct for the event type.
    Typed,
    /// Accepted, but the payload kept as raw JSON (ours: `Untyped`/`Unknown`; theirs: `Unknown`).
    Fallback(String),
    /// Rejected (an error for a body whose signature is valid).
    Failed(String),
}

fn our_outcome(body: &Body, t: i64) -> Outcome {
    let header = generate_test_header(body.json.as_bytes(), SECRET, t);
    match Webhook::new(SECRET)
        .clock(FixedClock(t))
        .construct(body.json.as_bytes(), Some(&header))
    {
        Err(e) => Outcome::Failed(e.to_string()),
        Ok(event) => match &event.data.object {
            EventObject::Untyped(_) => {
                Outcome::Fallback(format!("kept untyped: {}", event.untyped_reason().unwrap()))
            }
            EventObject::Unknown(_) => Outcome::Fallback("unknown event type".into()),
            _ => Outcome::Typed,
        },
    }
}

fn their_result(json: &str, t: i64) -> Result<stripe_webhook::Event, TheirError> {
    let header = generate_test_header(json.as_bytes(), SECRET, t);
    stripe_webhook::Webhook::construct_event_with_timestamp(json, &header, SECRET, t)
}

fn their_outcome(body: &Body, t: i64) -> Outcome {
    match their_result(&body.json, t) {
        Err(e) => {
            let mut why = e.to_string();
            if matches!(e, TheirError::BadParse(_)) {
                // Its miniserde entry point does not say which field; its serde path
                // (`deserialize` + `detailed-errors`) does.
                #[cfg(feature = "diagnose")]
                if let Err(e) = serde_json::from_str::<stripe_webhook::Event>(&body.json) {
                    why.push_str(&format!("; serde: {e}"));
                }
                #[cfg(not(feature = "diagnose"))]
                why.push_str(" (`--features diagnose` says which field)");
            }
            Outcome::Failed(why)
        }
        Ok(event) => match event.data.object {
            stripe_webhook::EventObject::Unknown(_) => {
                Outcome::Fallback("EventObject::Unknown (event type not typed)".into())
            }
            _ => Outcome::Typed,
        },
    }
}

/// A package's version in this workspace's Cargo.lock.
fn locked_version(name: &str) -> &'static str {
    let lock = include_str!("../../Cargo.lock");
    let needle = format!("name = \"{name}\"\nversion = \"");
    let start = lock.find(&needle).expect("package in Cargo.lock") + needle.len();
    let len = lock[start..].find('"').unwrap();
    &lock[start..start + len]
}

fn report(name: &str, value: impl std::fmt::Display, unit: &str) {
    println!("{name}\t{value}\t{unit}");
}

fn report_f(name: &str, value: f64, unit: &str) {
    report(name, format!("{value:.2}"), unit);
}

fn main() {
    report(
        "ours_version",
        locked_version("stripe-events"),
        "stripe-events",
    );
    report("ours_api_version", stripe_events::API_VERSION, "stripe-api");
    report(
        "theirs_version",
        locked_version("async-stripe-webhook"),
        "async-stripe-webhook",
    );
    report(
        "theirs_api_version",
        stripe_shared::version::VERSION.as_str(),
        "stripe-api",
    );

    let bodies = bodies();
    assert_eq!(
        bodies.len(),
        EventType::ALL.len(),
        "every event type has a payload"
    );
    let all: Vec<&Body> = bodies.iter().collect();
    let all_bytes: usize = all.iter().map(|b| b.json.len()).sum();
    report("events_total", all.len(), "events");
    report("bytes_total", all_bytes, "bytes");

    // What each library makes of each body (untimed).
    let t = now();
    let outcomes: Vec<(Outcome, Outcome)> = all
        .iter()
        .map(|b| (our_outcome(b, t), their_outcome(b, t)))
        .collect();
    for (who, pick) in [
        (
            "ours",
            (|o: &(Outcome, Outcome)| o.0.clone()) as fn(&_) -> Outcome,
        ),
        ("theirs", |o| o.1.clone()),
    ] {
        let (mut ok, mut fallback, mut failed) = (0, 0, 0);
        for (body, o) in all.iter().zip(&outcomes) {
            match pick(o) {
                Outcome::Typed => ok += 1,
                Outcome::Fallback(why) => {
                    fallback += 1;
                    eprintln!("{who}\t{}\tfallback\t{why}", body.event_type);
                }
                Outcome::Failed(why) => {
                    failed += 1;
                    eprintln!("{who}\t{}\tfailed\t{why}", body.event_type);
                }
            }
        }
        report(&format!("{who}_events_ok"), ok, "events");
        report(&format!("{who}_events_fallback"), fallback, "events");
        report(&format!("{who}_events_failed"), failed, "events");
    }
    let common: Vec<&Body> = all
        .iter()
        .zip(&outcomes)
        .filter(|(_, (o, t))| *o == Outcome::Typed && *t == Outcome::Typed)
        .map(|(b, _)| *b)
        .collect();

    // (a) Every body: what a receiver of all these deliveries spends (theirs includes the
    // cost of the bodies it rejects).
    compare("", &all, true);

    // (b) The bodies both libraries parse into a typed event.
    let common_bytes: usize = common.iter().map(|b| b.json.len()).sum();
    report("common_events", common.len(), "events");
    report("common_bytes", common_bytes, "bytes");
    report("common_ours_events_ok", common.len(), "events");
    report("common_theirs_events_ok", common.len(), "events");
    if !common.is_empty() {
        compare("common_", &common, false);
    }
}
