//! The benchmark report: `cargo bench -p stripe-events --bench report` prints one
//! `name<TAB>value<TAB>unit` line per figure, on the signed payloads of every event type (built
//! from `../shared/stripe-openapi/fixtures-2024-04-10.json`).
//!
//! The throughputs are measured interleaved: HMAC, `serde_json::Value` parse, sonic-rs `Value`
//! parse (the fastest untyped parser, issue 21's yardstick), typed parse and
//! verify + parse take turns within each of `ROUNDS` rounds (after a warm-up round), and are
//! timed by the thread's CPU time, which leaves out the waits while other processes have the
//! CPU (on an idle machine it is the wall-clock time). Each throughput is the median over the
//! rounds. The ratios between them are taken per round, from times measured moments apart, so
//! that load which drifts during the run moves both sides of a ratio alike: each ratio's line
//! is the median over the rounds, and `<ratio>_min`, `_q1`, `_q3`, `_max` lines say how far the
//! rounds spread. `<ratio>_wall` is the same median from wall-clock times, and `cpu_share` the
//! share of the timed wall-clock time the thread was on a CPU (1.00 on an idle machine).
//! `dispatch_ns` and `codegen_ms` are medians of wall-clock runs.
//!
//! `-- --callgrind SIDE [PASSES]` (SIDE: `hmac`, `value_parse`, `sonic_value_parse`, `typed_parse`, `verify_parse`)
//! times nothing: after a warm-up pass it runs PASSES passes (default 1) of that side over the
//! bodies inside `callgrind_measured`, for `scripts/callgrind.sh` to count its instructions.

mod support;

use std::hint::black_box;

use stripe_events::dispatch::{BoxError, Dispatcher, Handler, HandlerFn, Invocation};
use stripe_events::signature::{FixedClock, compute_signature};
use stripe_events::{Event, EventType, Webhook};
use support::bodies::{Delivery, shared, signed_deliveries};
use support::rounds::{Spread, Times, interleaved, per_round, report_spread, sum_per_round};
use support::{allocations_per_call, median_secs, report};

#[global_allocator]
static GLOBAL: support::CountingAlloc = support::CountingAlloc;

const SECRET: &str = "whsec_bench_report";
const NOW: i64 = 1_712_345_678;
/// Timed runs of the dispatch and generator figures.
const RUNS: usize = 9;
/// Rounds of the interleaved throughputs; each side makes `PASSES` passes over all bodies per
/// round (from under a millisecond to a few on an idle machine, so the sides of a round run
/// moments apart).
const ROUNDS: usize = 61;
const PASSES: usize = 5;

/// One side of the throughput figures: one delivery's worth of work.
type Side = fn(&Webhook, &Delivery);

fn hmac(_: &Webhook, d: &Delivery) {
    black_box(compute_signature(black_box(&d.body), SECRET, NOW));
}

fn value_parse(_: &Webhook, d: &Delivery) {
    black_box(serde_json::from_slice::<serde_json::Value>(black_box(&d.body)).unwrap());
}

/// The fastest untyped parser in Rust (issue 21's yardstick): sonic-rs into its `Value`.
fn sonic_value_parse(_: &Webhook, d: &Delivery) {
    black_box(sonic_rs::from_slice::<sonic_rs::Value>(black_box(&d.body)).unwrap());
}

/// Our parser validating the body without building anything: the floor of its scanning.
fn skip_parse(_: &Webhook, d: &Delivery) {
    let mut p = stripe_events::json::Parser::new(black_box(&d.body));
    p.skip_value().unwrap();
    black_box(p.position());
}

fn typed_parse(_: &Webhook, d: &Delivery) {
    black_box(Event::from_slice(black_box(&d.body)).unwrap());
}

fn verify_parse(webhook: &Webhook, d: &Delivery) {
    black_box(
        webhook
            .construct(black_box(&d.body), Some(black_box(&d.header)))
            .unwrap(),
    );
}

const SIDES: [(&str, Side); 6] = [
    ("hmac", hmac),
    ("value_parse", value_parse),
    ("sonic_value_parse", sonic_value_parse),
    ("skip_parse", skip_parse),
    ("typed_parse", typed_parse),
    ("verify_parse", verify_parse),
];

/// `passes` passes of `side` over every delivery. Generic, so that each side's work is inlined
/// into its own loop rather than called through a pointer.
fn passes(
    passes: usize,
    webhook: &Webhook,
    deliveries: &[Delivery],
    side: impl Fn(&Webhook, &Delivery),
) {
    for _ in 0..passes {
        for d in deliveries {
            side(webhook, d);
        }
    }
}

/// What `scripts/callgrind.sh` counts: instrumentation is on only inside this function. (It calls
/// `side` through a pointer, a few instructions per body more than the timed loops.)
#[inline(never)]
fn callgrind_measured(n: usize, webhook: &Webhook, deliveries: &[Delivery], side: Side) {
    passes(n, webhook, deliveries, side);
}

/// `--callgrind SIDE [PASSES]`: a warm-up pass of SIDE, then PASSES of it in `callgrind_measured`.
fn callgrind(args: &[String], webhook: &Webhook, deliveries: &[Delivery]) {
    let name = args.first().map(String::as_str).unwrap_or_default();
    let Some(&(_, side)) = SIDES.iter().find(|(n, _)| *n == name) else {
        let names: Vec<&str> = SIDES.iter().map(|(n, _)| *n).collect();
        panic!("--callgrind takes one of {names:?}, not {name:?}");
    };
    let n: usize = args
        .get(1)
        .map(|p| p.parse().expect("PASSES is a number"))
        .unwrap_or(1);
    passes(1, webhook, deliveries, side);
    callgrind_measured(n, webhook, deliveries, side);
    report("callgrind_bodies", (deliveries.len() * n) as f64, "bodies");
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
    let deliveries = signed_deliveries(SECRET, NOW);
    assert_eq!(
        deliveries.len(),
        EventType::ALL.len(),
        "every event type has a payload"
    );
    let webhook = Webhook::new(SECRET).clock(FixedClock(NOW));
    for d in &deliveries {
        let event = webhook
            .construct(&d.body, Some(&d.header))
            .expect("verifies and parses");
        assert!(
            event.untyped_reason().is_none(),
            "{}: {:?}",
            event.type_,
            event.untyped_reason()
        );
    }

    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--callgrind") {
        callgrind(&args[at + 1..], &webhook, &deliveries);
        return;
    }

    let [hmac_t, value_t, sonic_t, skip_t, typed_t, full_t] = interleaved(
        ROUNDS,
        [
            &mut || passes(PASSES, &webhook, &deliveries, hmac),
            &mut || passes(PASSES, &webhook, &deliveries, value_parse),
            &mut || passes(PASSES, &webhook, &deliveries, sonic_value_parse),
            &mut || passes(PASSES, &webhook, &deliveries, skip_parse),
            &mut || passes(PASSES, &webhook, &deliveries, typed_parse),
            &mut || passes(PASSES, &webhook, &deliveries, verify_parse),
        ],
    );
    let bytes = (deliveries.iter().map(|d| d.body.len()).sum::<usize>() * PASSES) as f64;
    let mb_s = |t: &Times| bytes / Spread::of(t.cpu.clone()).median / 1e6;
    let mean_len = bytes / (deliveries.len() * PASSES) as f64;
    report("hmac_mb_s", mb_s(&hmac_t), "MB/s");
    report("value_parse_mb_s", mb_s(&value_t), "MB/s");
    report("sonic_value_parse_mb_s", mb_s(&sonic_t), "MB/s");
    report("skip_parse_mb_s", mb_s(&skip_t), "MB/s");
    report("typed_parse_mb_s", mb_s(&typed_t), "MB/s");
    report("verify_parse_mb_s", mb_s(&full_t), "MB/s");
    report(
        "verify_parse_events_s",
        mb_s(&full_t) * 1e6 / mean_len,
        "events/s",
    );
    // The same bytes on both sides, so a throughput ratio is the inverse ratio of the times;
    // verify + parse against the bound 1/(1/hmac + 1/typed) is (hmac + typed) / full in times.
    let typed_vs_value =
        |clock: fn(&Times) -> &[f64]| Spread::of(per_round(clock(&value_t), clock(&typed_t)));
    let typed_vs_sonic =
        |clock: fn(&Times) -> &[f64]| Spread::of(per_round(clock(&sonic_t), clock(&typed_t)));
    let vs_bound = |clock: fn(&Times) -> &[f64]| {
        let bound = sum_per_round(clock(&hmac_t), clock(&typed_t));
        Spread::of(per_round(&bound, clock(&full_t)))
    };
    report_spread("typed_vs_value", typed_vs_value(|t| &t.cpu), "ratio");
    report_spread("typed_vs_sonic", typed_vs_sonic(|t| &t.cpu), "ratio");
    report_spread("verify_parse_vs_bound", vs_bound(|t| &t.cpu), "ratio");
    report(
        "typed_vs_value_wall",
        typed_vs_value(|t| &t.wall).median,
        "ratio",
    );
    report(
        "typed_vs_sonic_wall",
        typed_vs_sonic(|t| &t.wall).median,
        "ratio",
    );
    report(
        "verify_parse_vs_bound_wall",
        vs_bound(|t| &t.wall).median,
        "ratio",
    );
    let all = [&hmac_t, &value_t, &sonic_t, &skip_t, &typed_t, &full_t];
    let total = |clock: fn(&Times) -> &[f64]| all.iter().flat_map(|t| clock(t)).sum::<f64>();
    report(
        "cpu_share",
        total(|t| &t.cpu) / total(|t| &t.wall),
        "of wall time",
    );
    report("ratio_rounds", ROUNDS as f64, "rounds");

    let event = Event::from_slice(
        &deliveries
            .iter()
            .find(|d| d.body.windows(16).any(|w| w == b"customer.created"))
            .unwrap()
            .body,
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
    let mut by_size: Vec<&Delivery> = deliveries.iter().collect();
    by_size.sort_by_key(|d| d.body.len());
    let typical = by_size[by_size.len() / 2];
    report(
        "allocs_per_event",
        allocations_per_call(1000, || {
            black_box(
                webhook
                    .construct(&typical.body, Some(&typical.header))
                    .unwrap(),
            );
        }),
        "allocations",
    );
    report("typical_event_bytes", typical.body.len() as f64, "bytes");
}
