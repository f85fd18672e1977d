//! The dispatcher's tests: fixtures, routing and order here; failures and async handlers in
//! `run.rs`; state and views in `state.rs`.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use serde_json::{Value, json};

use super::*;
use crate::{Event, EventObject, EventType, Product};

mod run;
mod state;

// ---- fixtures -------------------------------------------------------------------------------

thread_local! {
    static LOG: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
}

/// Notes that `name` ran (tests run handlers on their own thread).
pub(super) fn log(name: &'static str) {
    LOG.with(|l| l.borrow_mut().push(name));
}

pub(super) fn take_log() -> Vec<&'static str> {
    LOG.with(|l| std::mem::take(&mut *l.borrow_mut()))
}

pub(super) fn product_json() -> Value {
    json!({
        "id": "prod_1", "object": "product", "active": true, "created": 1712345678,
        "images": [], "livemode": false, "marketing_features": [], "metadata": {},
        "name": "Gold", "updated": 1712345678,
    })
}

pub(super) fn event_from(body: &Value) -> Event {
    Event::from_slice(body.to_string().as_bytes()).expect("an event")
}

/// A `product.created` event whose payload is typed.
pub(super) fn typed_event(id: &str) -> Event {
    let event = event_from(&crate::testing::event_envelope(
        id,
        "product.created",
        &product_json(),
    ));
    assert!(matches!(event.data.object, EventObject::ProductCreated(_)));
    event
}

/// An event of a type this build does not know.
pub(super) fn unknown_event(id: &str) -> Event {
    let object = json!({"id": "x_1", "object": "x"});
    let event = event_from(&crate::testing::event_envelope(id, "x.unknown", &object));
    assert!(matches!(event.data.object, EventObject::Unknown(_)));
    event
}

/// A `product.created` event whose payload misses `name`.
pub(super) fn untyped_event(id: &str) -> Event {
    let mut object = product_json();
    object.as_object_mut().unwrap().remove("name");
    let event = event_from(&crate::testing::event_envelope(
        id,
        "product.created",
        &object,
    ));
    assert!(matches!(event.data.object, EventObject::Untyped(_)));
    event
}

pub(super) const fn sync(
    event_type: &'static str,
    name: &'static str,
    f: fn(&Invocation<'_>) -> Result<(), BoxError>,
) -> Handler {
    Handler {
        event_type,
        name,
        state: None,
        call: HandlerFn::Sync(f),
    }
}

pub(super) const fn asynch(
    event_type: &'static str,
    name: &'static str,
    f: for<'a> fn(&'a Invocation<'a>) -> HandlerFuture<'a>,
) -> Handler {
    Handler {
        event_type,
        name,
        state: None,
        call: HandlerFn::Async(f),
    }
}

/// Pending once (waking itself at once), then ready: makes the executor poll again.
pub(super) struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

pub(super) fn yield_once() -> YieldOnce {
    YieldOnce(false)
}

/// The marker the generator emits for `product.created` (`__events::ProductCreated`).
pub(super) struct ProductCreatedKind;

impl EventKind for ProductCreatedKind {
    const TYPE: &'static str = "product.created";
    type Payload = Product;
    fn payload(object: &EventObject) -> Option<&Product> {
        match object {
            EventObject::ProductCreated(p) => Some(p),
            _ => None,
        }
    }
}

fn names(handlers: impl Iterator<Item = &'static Handler>) -> Vec<&'static str> {
    handlers.map(|h| h.name).collect()
}

// ---- routing and order ----------------------------------------------------------------------

fn typed_late(_: &Invocation<'_>) -> Result<(), BoxError> {
    log("z::typed_late");
    Ok(())
}
fn typed_early(inv: &Invocation<'_>) -> Result<(), BoxError> {
    let product = inv
        .payload::<ProductCreatedKind>()
        .ok_or("no typed payload")?;
    assert_eq!(
        <&Product as PayloadParam<'_, Product>>::from_payload(product).name,
        "Gold"
    );
    log("b::typed_early");
    Ok(())
}
fn typed_early_twin(_: &Invocation<'_>) -> Result<(), BoxError> {
    log("b::typed_early (registered second)");
    Ok(())
}
fn any(_: &Invocation<'_>) -> Result<(), BoxError> {
    log("a::any");
    Ok(())
}
fn raw(inv: &Invocation<'_>) -> Result<(), BoxError> {
    inv.raw(); // panics for a typed event
    log("m::raw");
    Ok(())
}
fn other_type(_: &Invocation<'_>) -> Result<(), BoxError> {
    log("c::other_type");
    Ok(())
}

static ROUTING: [Handler; 6] = [
    sync("product.created", "z::typed_late", typed_late),
    sync(Handler::ANY, "a::any", any),
    sync(Handler::RAW, "m::raw", raw),
    sync("product.created", "b::typed_early", typed_early),
    sync("product.updated", "c::other_type", other_type),
    sync("product.created", "b::typed_early", typed_early_twin),
];

#[test]
fn typed_events_run_their_handlers_by_name_then_the_catch_all() {
    let dispatcher = Dispatcher::from_handlers(&ROUTING);
    assert!(dispatcher.check().is_ok());
    let event = typed_event("evt_typed");
    assert_eq!(
        names(dispatcher.handlers_for(&EventType::ProductCreated)),
        [
            "b::typed_early",
            "b::typed_early",
            "z::typed_late",
            "a::any"
        ]
    );
    assert_eq!(
        names(dispatcher.handlers_for_event(&event)),
        names(dispatcher.handlers_for(&event.type_))
    );
    assert_eq!(
        dispatcher.dispatch_blocking(&event),
        Ok(Dispatched { ran: 4, skipped: 0 })
    );
    assert_eq!(
        take_log(),
        [
            "b::typed_early",
            "b::typed_early (registered second)",
            "z::typed_late",
            "a::any"
        ]
    );
}

#[test]
fn untyped_and_unknown_events_run_raw_handlers_then_the_catch_all() {
    let dispatcher = Dispatcher::from_handlers(&ROUTING);
    for event in [unknown_event("evt_unknown"), untyped_event("evt_untyped")] {
        assert_eq!(
            names(dispatcher.handlers_for_event(&event)),
            ["m::raw", "a::any"]
        );
        assert_eq!(
            dispatcher.dispatch_blocking(&event),
            Ok(Dispatched { ran: 2, skipped: 0 })
        );
        assert_eq!(take_log(), ["m::raw", "a::any"], "{}", event.id);
    }
    let unknown = EventType::Unknown("x.unknown".into());
    assert_eq!(
        names(dispatcher.handlers_for(&unknown)),
        ["m::raw", "a::any"]
    );
    // A typed event without typed handlers: only the catch-all.
    assert_eq!(
        names(dispatcher.handlers_for(&EventType::ProductDeleted)),
        ["a::any"]
    );
}

#[test]
fn an_event_nobody_handles_ran_nothing() {
    static ONLY_UPDATED: [Handler; 1] = [sync("product.updated", "c::other_type", other_type)];
    let dispatcher = Dispatcher::from_handlers(&ONLY_UPDATED);
    for event in [
        typed_event("evt_1"),
        unknown_event("evt_2"),
        untyped_event("evt_3"),
    ] {
        let dispatched = dispatcher.dispatch_blocking(&event).unwrap();
        assert_eq!(dispatched.ran, 0);
        assert!(dispatched.is_unhandled());
    }
    assert!(take_log().is_empty());
    let empty = Dispatcher::from_handlers(&[]);
    assert!(
        empty
            .dispatch_blocking(&typed_event("evt_4"))
            .unwrap()
            .is_unhandled()
    );
}

#[test]
fn calling_raw_on_a_typed_event_is_a_reported_panic() {
    static RAW_AS_ANY: [Handler; 1] = [sync(Handler::ANY, "t::raw_as_any", raw)];
    let err = Dispatcher::from_handlers(&RAW_AS_ANY)
        .dispatch_blocking(&typed_event("evt_raw"))
        .unwrap_err();
    let FailureKind::Panic(message) = &err.failures[0].kind else {
        panic!("{err}")
    };
    assert!(
        message.contains("evt_raw (product.created), whose payload is typed"),
        "{message}"
    );
}

fn registered(_: &Invocation<'_>) -> Result<(), BoxError> {
    log("registered");
    Ok(())
}

const REGISTERED: Handler = sync(
    "product.created",
    "stripe_events::dispatch::tests::registered",
    registered,
);

inventory::submit!(REGISTERED);

#[test]
fn new_finds_the_handlers_registered_with_inventory() {
    let dispatcher = Dispatcher::new();
    assert!(names(dispatcher.handlers()).contains(&REGISTERED.name));
    assert!(
        names(Dispatcher::default().handlers_for(&EventType::ProductCreated))
            .contains(&REGISTERED.name)
    );
    assert!(
        dispatcher
            .dispatch_blocking(&typed_event("evt_reg"))
            .unwrap()
            .ran
            >= 1
    );
    assert!(take_log().contains(&"registered"));
    assert!(format!("{dispatcher:?}").contains("stripe_events::dispatch::tests::registered"));
}
