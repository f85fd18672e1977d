//! The benchmark report: `cargo bench -p stripe-events --bench report` prints one
//! `name<TAB>value<TAB>unit` line per figure, each the median of several runs after a warm-up,
//! every baseline measured in the same run, on the payloads of every event type (built from
//! `../shared/stripe-openapi/fixtures-2024-04-10.json`, signed).

mod support;

use std::hint::black_box;
use std::path::{Path, PathBuf};

use stripe_events::dispatch::{BoxError, Dispatcher, Handler, HandlerFn, Invocation};
use stripe_events::signature::{FixedClock, compute_signature};
use stripe_events::testing::{event_envelope, example_object, generate_test_header};
use stripe_events::{Event, EventType, Webhook};
use support::{allocations_per_call, median_secs, report};

#[global_allocator]
static GLOBAL: support::CountingAlloc = support::CountingAlloc;

const SECRET: &str = "whsec_bench_report";
const NOW: i64 = 1_712_345_678;
const RUNS: usize = 9;
/// Passes over all bodies per run.
const PASSES: usize = 20;

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/stripe-openapi")
}

/// A compact, signed body for every event type with an example object.
fn bodies() -> Vec<(Vec<u8>, String)> {
    let text = std::fs::read_to_string(shared().join("fixtures-2024-04-10.json"))
        .expect("fixtures beside the project");
    let fixtures: serde_json::Value = serde_json::from_str(&text).unwrap();
    let resources = fixtures["resources"].as_object().unwrap();
    EventType::ALL
        .iter()
        .filter_map(|t| {
            let (_, object) = example_object(resources, t)?;
            let body = event_envelope("evt_bench", t.as_str(), object)
                .to_string()
                .into_bytes();
            let header = generate_test_header(&body, SECRET, NOW);
            Some((body, header))
        })
        .collect()
}

/// MB/s of `f` over every body, `PASSES` times per run.
fn throughput(bodies: &[(Vec<u8>, String)], mut f: impl FnMut(&[u8], &str)) -> f64 {
    let bytes: usize = bodies.iter().map(|(b, _)| b.len()).sum::<usize>() * PASSES;
    let secs = median_secs(RUNS, || {
        for _ in 0..PASSES {
            for (body, header) in bodies {
                f(black_box(body), black_box(header));
            }
        }
    });
    bytes as f64 / secs / 1e6
}

fn trivial(inv: &Invocation<'_>) -> Result<(), BoxError> {
    black_box(inv.event());
    Ok(())
}

static ONE: [Handler; 1] = [Handler {
    event_type: "customer.created",
    name: "bench::trivial",
    state: None,
    call: HandlerFn::Sync(trivial),
}];

fn main() {
    let bodies = bodies();
    assert_eq!(
        bodies.len(),
        EventType::ALL.len(),
        "every event type has a payload"
    );
    let webhook = Webhook::new(SECRET).clock(FixedClock(NOW));
    for (body, header) in &bodies {
        let event = webhook
            .construct(body, Some(header))
            .expect("verifies and parses");
        assert!(
            event.untyped_reason().is_none(),
            "{}: {:?}",
            event.type_,
            event.untyped_reason()
        );
    }

    let hmac = throughput(&bodies, |body, _| {
        black_box(compute_signature(body, SECRET, NOW));
    });
    let value = throughput(&bodies, |body, _| {
        black_box(serde_json::from_slice::<serde_json::Value>(body).unwrap());
    });
    let typed = throughput(&bodies, |body, _| {
        black_box(Event::from_slice(body).unwrap());
    });
    let full = throughput(&bodies, |body, header| {
        black_box(webhook.construct(body, Some(header)).unwrap());
    });
    let mean_len = bodies.iter().map(|(b, _)| b.len()).sum::<usize>() as f64 / bodies.len() as f64;
    report("hmac_mb_s", hmac, "MB/s");
    report("value_parse_mb_s", value, "MB/s");
    report("typed_parse_mb_s", typed, "MB/s");
    report("verify_parse_mb_s", full, "MB/s");
    report("verify_parse_events_s", full * 1e6 / mean_len, "events/s");
    report("typed_vs_value", typed / value, "ratio");
    report(
        "verify_parse_vs_bound",
        full / (1.0 / (1.0 / hmac + 1.0 / typed)),
        "ratio",
    );

    let event = Event::from_slice(
        &bodies
            .iter()
            .find(|(b, _)| b.windows(16).any(|w| w == b"customer.created"))
            .unwrap()
            .0,
    )
    .unwrap();
    let dispatcher = Dispatcher::from_handlers(&ONE);
    const CALLS: u32 = 1_000_000;
    let secs = median_secs(RUNS, || {
        for _ in 0..CALLS {
            black_box(dispatcher.dispatch_blocking(black_box(&event))).unwrap();
        }
    });
    report("dispatch_ns", secs * 1e9 / f64::from(CALLS), "ns");

    let spec_path = shared().join("spec-2024-04-10.json");
    let codegen = median_secs(5, || {
        let spec = stripe_events_codegen::Spec::load(&spec_path).unwrap();
        let code = stripe_events_codegen::generate(
            &spec,
            &stripe_events_codegen::ExtraEvents::none(),
            &Default::default(),
        )
        .unwrap();
        black_box(code.to_source());
    });
    report("codegen_ms", codegen * 1e3, "ms");

    // A typical event: the median-sized body.
    let mut by_size: Vec<&(Vec<u8>, String)> = bodies.iter().collect();
    by_size.sort_by_key(|(b, _)| b.len());
    let (body, header) = by_size[by_size.len() / 2];
    report(
        "allocs_per_event",
        allocations_per_call(1000, || {
            black_box(webhook.construct(body, Some(header)).unwrap());
        }),
        "allocations",
    );
    report("typical_event_bytes", body.len() as f64, "bytes");
}
