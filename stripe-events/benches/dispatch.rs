//! Cost of dispatching one typed event to one trivial sync handler, against calling the
//! handler directly. Std only: median over several runs after a warm-up.
//!
//! `cargo bench -p stripe-events --bench dispatch` prints `name<TAB>value<TAB>unit` lines.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use stripe_events::dispatch::{
    BoxError, Dispatcher, Handler, HandlerFn, HandlerFuture, Invocation,
};
use stripe_events::{Event, EventType};

/// Counts allocations, to show that dispatching to a sync handler makes none.
struct CountingAlloc;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to `System`, only counting.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract is `System`'s.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is `System`'s.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract is `System`'s.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

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
    let mut run = || {
        let start = Instant::now();
        for _ in 0..ITERS {
            f();
        }
        start.elapsed().as_secs_f64() * 1e9 / f64::from(ITERS)
    };
    run();
    let mut runs: Vec<f64> = (0..RUNS).map(|_| run()).collect();
    runs.sort_by(f64::total_cmp);
    runs[RUNS / 2]
}

fn allocations_per_call(mut f: impl FnMut()) -> f64 {
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for _ in 0..1000 {
        f();
    }
    (ALLOCATIONS.load(Ordering::Relaxed) - before) as f64 / 1000.0
}

fn report(name: &str, value: f64, unit: &str) {
    println!("{name}\t{value:.1}\t{unit}");
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
    let allocations = allocations_per_call(dispatch);
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
