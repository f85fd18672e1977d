//! Cost of dispatching one typed event to one trivial sync handler, against calling the
//! handler directly. Std only: median over several runs after a warm-up.
//!
//! `cargo bench -p stripe-events --bench dispatch` prints `name<TAB>value<TAB>unit` lines.

mod support;

use std::hint::black_box;

use stripe_events::dispatch::{
    BoxError, Dispatcher, Handler, HandlerFn, HandlerFuture, Invocation,
};
use stripe_events::{Event, EventType};
use support::{allocations_per_call, median_secs, report};

#[global_allocator]
static GLOBAL: support::CountingAlloc = support::CountingAlloc;

fn trivial(inv: &Invocation<'_>) -> Result<(), BoxError> {
    black_box(inv.event());
    Ok(())
}

fn trivial_async<'a>(inv: &'a Invocation<'a>) -> HandlerFuture<'a> {
    Box::pin(async move {
        black_box(inv.event());
        Ok(())
    })
}

static ONE: [Handler; 1] = [Handler {
    event_type: "product.created",
    name: "bench::trivial",
    state: None,
    call: HandlerFn::Sync(trivial),
}];

static ONE_ASYNC: [Handler; 1] = [Handler {
    event_type: "product.created",
    name: "bench::trivial_async",
    state: None,
    call: HandlerFn::Async(trivial_async),
}];

const BODY: &[u8] = br#"{
  "id": "evt_1", "object": "event", "api_version": "2024-04-10", "created": 1712345678,
  "livemode": false, "pending_webhooks": 1, "request": {"id": null, "idempotency_key": null},
  "type": "product.created",
  "data": {"object": {"id": "prod_1", "object": "product", "active": true, "created": 1712345678,
    "images": [], "livemode": false, "marketing_features": [], "metadata": {}, "name": "Gold",
    "updated": 1712345678}}
}"#;

const RUNS: usize = 11;
const ITERS: u32 = 2_000_000;

/// Median over `RUNS` runs of `ITERS` calls, in ns per call, after one warm-up run.
fn median_ns(mut f: impl FnMut()) -> f64 {
    median_secs(RUNS, || {
        for _ in 0..ITERS {
            f();
        }
    }) * 1e9
        / f64::from(ITERS)
}

fn main() {
    let event = Event::from_slice(BODY).expect("a product.created event");
    let dispatcher = Dispatcher::from_handlers(&ONE);
    dispatcher.check().expect("no state needed");
    assert_eq!(dispatcher.dispatch_blocking(&event).unwrap().ran, 1);

    let invocation = Invocation::new(&dispatcher, &event);
    let handler: fn(&Invocation<'_>) -> Result<(), BoxError> = black_box(trivial);
    report(
        "direct_call_ns",
        median_ns(|| black_box(handler(black_box(&invocation))).unwrap()),
        "ns",
    );

    let dispatch = || {
        black_box(dispatcher.dispatch_blocking(black_box(&event))).unwrap();
    };
    let allocations = allocations_per_call(1000, dispatch);
    report("dispatch_ns", median_ns(dispatch), "ns");
    report("dispatch_allocations", allocations, "per call");
    assert_eq!(allocations, 0.0, "dispatching to a sync handler allocated");

    // One handler for every event type of the spec: the lookup does not depend on how many.
    let every_type: Dispatcher = EventType::ALL
        .iter()
        .map(|t| {
            &*Box::leak(Box::new(Handler {
                event_type: t.as_str(),
                name: "bench::trivial",
                state: None,
                call: HandlerFn::Sync(trivial),
            }))
        })
        .collect();
    assert_eq!(every_type.dispatch_blocking(&event).unwrap().ran, 1);
    report(
        &format!("dispatch_{}_handlers_ns", EventType::ALL.len()),
        median_ns(|| {
            black_box(every_type.dispatch_blocking(black_box(&event))).unwrap();
        }),
        "ns",
    );

    // An async handler: one boxed future per call, run by the built-in executor.
    let async_dispatcher = Dispatcher::from_handlers(&ONE_ASYNC);
    report(
        "dispatch_async_handler_ns",
        median_ns(|| {
            black_box(async_dispatcher.dispatch_blocking(black_box(&event))).unwrap();
        }),
        "ns",
    );
}
