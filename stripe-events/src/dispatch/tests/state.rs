//! State, setup checks, and what a handler sees (`context()`, `raw()`).

use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::json;

use super::super::*;
use super::{
    asynch, event_from, log, product_json, take_log, typed_event, unknown_event, untyped_event,
    yield_once,
};
use crate::{EventRequest, EventType, Timestamp};

struct Counter(AtomicUsize);

struct Db {
    name: &'static str,
}

fn count(inv: &Invocation<'_>) -> Result<(), BoxError> {
    inv.state::<Counter>().0.fetch_add(1, Ordering::SeqCst);
    log("count");
    Ok(())
}

fn count_async<'a>(inv: &'a Invocation<'a>) -> HandlerFuture<'a> {
    Box::pin(async move {
        let counter = inv.state::<Counter>();
        yield_once().await;
        counter.0.fetch_add(10, Ordering::SeqCst);
        log("count_async");
        Ok(())
    })
}

fn reads_undeclared(inv: &Invocation<'_>) -> Result<(), BoxError> {
    log("reads_undeclared");
    let db = inv.state::<Db>();
    Err(db.name.into())
}

const fn with_state(mut handler: Handler, state: StateRequirement) -> Handler {
    handler.state = Some(state);
    handler
}

static STATEFUL: [Handler; 3] = [
    with_state(
        Handler {
            event_type: "product.created",
            name: "s::count",
            state: None,
            call: HandlerFn::Sync(count),
        },
        StateRequirement::of::<Counter>(),
    ),
    with_state(
        asynch("product.created", "s::count_async", count_async),
        StateRequirement::of::<Counter>(),
    ),
    Handler {
        event_type: Handler::ANY,
        name: "s::reads_undeclared",
        state: None,
        call: HandlerFn::Sync(reads_undeclared),
    },
];

#[test]
fn handlers_read_their_state_and_with_state_replaces() {
    let dispatcher = Dispatcher::from_handlers(&STATEFUL)
        .with_state(Counter(AtomicUsize::new(100)))
        .with_state(Counter(AtomicUsize::new(0)))
        .with_state(Db { name: "main" });
    assert!(dispatcher.check().is_ok());
    let err = dispatcher
        .dispatch_blocking(&typed_event("evt_state"))
        .unwrap_err();
    // The Db handler read its state and returned its name as an error, to show it.
    assert_eq!(err.failures[0].kind, FailureKind::Error("main".into()));
    assert_eq!(
        dispatcher
            .states()
            .get::<Counter>()
            .unwrap()
            .0
            .load(Ordering::SeqCst),
        11
    );
    assert_eq!(take_log(), ["count", "count_async", "reads_undeclared"]);
    let event = typed_event("evt_direct");
    let invocation = Invocation::new(&dispatcher, &event);
    assert_eq!(invocation.state::<Db>().name, "main");
    assert!(invocation.try_state::<String>().is_none());
}

#[test]
fn missing_state_is_reported_by_check_and_by_dispatch_without_panicking() {
    let dispatcher = Dispatcher::from_handlers(&STATEFUL);
    let err = dispatcher.check().unwrap_err();
    let counter = std::any::type_name::<Counter>();
    assert_eq!(
        err.problems,
        [
            SetupProblem::MissingState {
                handler: "s::count",
                type_name: counter,
                wrapped: None,
            },
            SetupProblem::MissingState {
                handler: "s::count_async",
                type_name: counter,
                wrapped: None,
            },
        ]
    );
    let text = err.to_string();
    assert!(
        text.starts_with(
            "2 webhook handlers cannot run:\n  - handler `s::count` needs state of type `"
        ),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "`{counter}`, which the dispatcher does not have: call Dispatcher::with_state"
        )),
        "{text}"
    );
    assert!(text.contains("handler `s::count_async`"), "{text}");
    // `Debug` is the message too (what `main` returning the error prints).
    assert_eq!(format!("{err:?}"), text);
    // The state given behind an `Arc`: the message says what to do.
    let err = Dispatcher::from_handlers(&STATEFUL)
        .with_state(std::sync::Arc::new(Counter(AtomicUsize::new(0))))
        .check()
        .unwrap_err();
    let arc = std::any::type_name::<std::sync::Arc<Counter>>();
    assert!(
        matches!(err.problems[0], SetupProblem::MissingState { wrapped: Some(w), .. } if w == arc),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains(&format!("(it has a `{arc}`: give the value itself")),
        "{err}"
    );

    let err = dispatcher
        .dispatch_blocking(&typed_event("evt_missing"))
        .unwrap_err();
    assert_eq!(err.ran, 1, "only the catch-all ran");
    assert_eq!(take_log(), ["reads_undeclared"]);
    let kinds: Vec<_> = err.failures.iter().map(|f| (f.handler, &f.kind)).collect();
    let FailureKind::Panic(message) = kinds[2].1 else {
        panic!("{err}")
    };
    assert_eq!(
        kinds[..2],
        [
            ("s::count", &FailureKind::MissingState(counter)),
            ("s::count_async", &FailureKind::MissingState(counter))
        ]
    );
    assert!(
        message.contains(&format!(
            "no state of type `{}`",
            std::any::type_name::<Db>()
        )),
        "{message}"
    );
    assert!(
        err.to_string()
            .contains("handler `s::count` was not run: it needs state"),
        "{err}"
    );
}

#[test]
fn check_reports_handlers_for_event_types_this_build_does_not_know() {
    fn noop(_: &Invocation<'_>) -> Result<(), BoxError> {
        Ok(())
    }
    static TYPO: [Handler; 2] = [
        Handler {
            event_type: "prodcut.created",
            name: "t::typo",
            state: None,
            call: HandlerFn::Sync(noop),
        },
        Handler {
            event_type: Handler::RAW,
            name: "t::raw",
            state: None,
            call: HandlerFn::Sync(noop),
        },
    ];
    let dispatcher = Dispatcher::from_handlers(&TYPO);
    let err = dispatcher.check().unwrap_err();
    assert_eq!(
        err.problems,
        [SetupProblem::UnknownEventType {
            handler: "t::typo",
            event_type: "prodcut.created"
        }]
    );
    assert!(
        err.to_string().contains(
            "registered for event type `prodcut.created`, which this build does not know"
        )
    );
    let unknown = EventType::Unknown("prodcut.created".into());
    assert_eq!(
        dispatcher
            .handlers_for(&unknown)
            .map(|h| h.name)
            .collect::<Vec<_>>(),
        ["t::raw"]
    );
}

#[test]
fn context_is_the_envelope() {
    let mut body = crate::testing::event_envelope("evt_ctx", "product.created", &product_json());
    body["account"] = json!("acct_1");
    body["request"] = json!({"id": "req_1", "idempotency_key": "idem_1"});
    body["data"]["previous_attributes"] = json!({"name": "Silver"});
    let event = event_from(&body);
    let dispatcher = Dispatcher::from_handlers(&[]);
    let context = Invocation::new(&dispatcher, &event).context();
    assert_eq!(context.id, "evt_ctx");
    assert_eq!(context.event_type, &EventType::ProductCreated);
    assert_eq!(context.api_version, Some(crate::API_VERSION));
    assert_eq!(context.created, Timestamp(1_712_345_678));
    assert!(!context.livemode);
    assert_eq!(context.account, Some("acct_1"));
    let request = EventRequest {
        id: Some("req_1".into()),
        idempotency_key: Some("idem_1".into()),
    };
    assert_eq!(context.request, Some(&request));
    assert_eq!(context.previous_attributes.unwrap()["name"], "Silver");
    assert_eq!(context, EventContext::new(&event));

    let plain = typed_event("evt_plain");
    let context = Invocation::new(&dispatcher, &plain).context();
    assert_eq!((context.account, context.previous_attributes), (None, None));
}

#[test]
fn raw_views_of_unknown_and_untyped_events() {
    let dispatcher = Dispatcher::from_handlers(&[]);
    let unknown = unknown_event("evt_unknown");
    let raw = Invocation::new(&dispatcher, &unknown).raw();
    assert_eq!(
        (raw.id, raw.event_type, raw.reason),
        ("evt_unknown", "x.unknown", None)
    );
    assert_eq!(raw.raw, &json!({"id": "x_1", "object": "x"}));
    assert!(std::ptr::eq(raw.event, &unknown));

    let untyped = untyped_event("evt_untyped");
    let raw = Invocation::new(&dispatcher, &untyped).raw();
    assert_eq!((raw.id, raw.event_type), ("evt_untyped", "product.created"));
    assert_eq!(raw.raw["id"], "prod_1");
    let reason = raw.reason.expect("a reason");
    assert!(reason.path.starts_with("$.data.object"), "{reason}");
    assert!(reason.reason.contains("name"), "{reason}");

    let typed = typed_event("evt_typed");
    assert!(Invocation::new(&dispatcher, &typed).try_raw().is_none());
    assert!(RawEvent::new(&typed).is_none());
}

#[test]
fn handler_results_and_payload_params() {
    assert!(().into_handler_result().is_ok());
    assert!(Ok::<(), std::io::Error>(()).into_handler_result().is_ok());
    let err = Err::<(), _>("plain str").into_handler_result().unwrap_err();
    assert_eq!(err.to_string(), "plain str");
    let err = Err::<(), _>(std::io::Error::other("io"))
        .into_handler_result()
        .unwrap_err();
    assert_eq!(err.to_string(), "io");
    let s: &str = PayloadParam::from_payload("payload");
    assert_eq!(s, "payload");
    assert_eq!(super::ProductCreatedKind::TYPE, "product.created");
    assert_eq!(
        format!("{:?}", StateRequirement::of::<Db>()),
        format!("StateRequirement({:?})", std::any::type_name::<Db>())
    );
    assert_eq!(format!("{:?}", STATEFUL[1].call), "Async(..)");
}
