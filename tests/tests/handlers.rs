//! `#[webhook_handler]` end to end: handlers spread over modules of this test and over another
//! crate (`stripe-events-test-handlers`) are all found; every accepted signature form runs;
//! ordering, the catch-all, the raw fallback, errors, panics, and async handlers under tokio.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::json;
use stripe_events::dispatch::{Dispatcher, FailureKind};
use stripe_events::testing::event_envelope;
use stripe_events::{Event, EventContext, EventType, Price, Product, RawEvent, webhook_handler};
use stripe_events_test_handlers::Recorder;

fn product() -> serde_json::Value {
    json!({"id": "prod_1", "object": "product", "active": true, "created": 1, "images": [], "livemode": false,
           "marketing_features": [], "metadata": {}, "name": "Gold", "updated": 2})
}

fn event(id: &str, event_type: &str, object: serde_json::Value) -> Event {
    Event::from_slice(
        event_envelope(id, event_type, &object)
            .to_string()
            .as_bytes(),
    )
    .unwrap()
}

fn dispatcher() -> (Dispatcher, Recorder) {
    stripe_events_test_handlers::link();
    let recorder = Recorder::default();
    (
        Dispatcher::new()
            .with_state(SharedRecorder(recorder.clone()))
            .with_state(Recorder::default()),
        recorder,
    )
}

/// State of this test crate (a handle to a recorder the test can read afterwards).
struct SharedRecorder(Recorder);

static PAYLOAD_ONLY: AtomicUsize = AtomicUsize::new(0);

mod forms {
    //! One handler per accepted form, all for `product.created`.
    use super::*;

    #[webhook_handler("product.created")]
    fn a_payload_only(product: &Product) {
        assert_eq!(product.id, "prod_1");
        PAYLOAD_ONLY.fetch_add(1, Ordering::SeqCst);
    }

    #[webhook_handler("product.created")]
    fn b_context_and_payload(ctx: &EventContext, product: &Product) -> Result<(), std::fmt::Error> {
        assert!(ctx.id.starts_with("evt_"), "{}", ctx.id);
        assert_eq!(
            (ctx.event_type, product.name.as_str()),
            (&EventType::ProductCreated, "Gold")
        );
        assert!(!ctx.livemode);
        Ok(())
    }

    #[webhook_handler("product.created")]
    fn c_state_and_payload(state: &SharedRecorder, product: &Product) {
        state.0.record("c_state_and_payload", &product.id);
    }

    #[webhook_handler("product.created")]
    fn d_state_context_payload(
        state: &SharedRecorder,
        ctx: &EventContext<'_>,
        product: &Product,
    ) -> anyhow_like::Result {
        state.0.record(
            "d_state_context_payload",
            &format!("{}/{}", ctx.id, product.id),
        );
        Ok(())
    }

    #[webhook_handler("product.created")]
    async fn e_async(
        state: &SharedRecorder,
        product: &Product,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        tokio::task::yield_now().await;
        state.0.record("e_async", &product.id);
        Ok(())
    }

    #[webhook_handler("product.created")]
    async fn f_async_payload_only(_product: &Product) {}
}

mod anyhow_like {
    //! An application error type of its own.
    #[derive(Debug)]
    pub struct AppError;
    impl std::fmt::Display for AppError {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("app error")
        }
    }
    impl std::error::Error for AppError {}
    pub type Result = std::result::Result<(), AppError>;
}

mod catch_all {
    use super::*;

    #[webhook_handler("*")]
    fn every_event(state: &SharedRecorder, event: &Event) {
        state.0.record("every_event", &event.id);
    }

    #[webhook_handler("raw")]
    fn could_not_type(state: &SharedRecorder, raw: &RawEvent) {
        let why = raw
            .reason
            .map_or("unknown type".to_owned(), |r| r.path.clone());
        state
            .0
            .record("raw", &format!("{}/{}/{why}", raw.event_type, raw.id));
    }
}

mod failing {
    //! Handlers for `price.created`: one fails, one panics, one succeeds after them.
    use super::*;

    #[webhook_handler("price.created")]
    fn a_fails(_price: &Price) -> Result<(), std::io::Error> {
        Err(std::io::Error::other("database unavailable"))
    }

    #[webhook_handler("price.created")]
    fn b_panics(_price: &Price) {
        panic!("handler bug");
    }

    #[webhook_handler("price.created")]
    async fn c_async_panics(_price: &Price) {
        tokio::task::yield_now().await;
        panic!("async handler bug");
    }

    #[webhook_handler("price.created")]
    fn d_still_runs(state: &SharedRecorder, price: &Price) {
        state.0.record("d_still_runs", &price.id);
    }
}

#[tokio::test]
async fn handlers_across_modules_and_crates_all_run_in_name_order() {
    let (dispatcher, recorder) = dispatcher();
    dispatcher.check().unwrap();
    let names: Vec<&str> = dispatcher
        .handlers_for(&EventType::ProductCreated)
        .map(|h| h.name)
        .collect();
    assert_eq!(
        names,
        [
            "handlers::forms::a_payload_only",
            "handlers::forms::b_context_and_payload",
            "handlers::forms::c_state_and_payload",
            "handlers::forms::d_state_context_payload",
            "handlers::forms::e_async",
            "handlers::forms::f_async_payload_only",
            "stripe_events_test_handlers::billing::other_crate_product_created",
            // then the catch-all handlers
            "handlers::catch_all::every_event",
        ]
    );
    let before = PAYLOAD_ONLY.load(Ordering::SeqCst);
    let outcome = dispatcher
        .dispatch(&event("evt_forms", "product.created", product()))
        .await
        .unwrap();
    assert_eq!(outcome.ran, 8);
    assert_eq!(PAYLOAD_ONLY.load(Ordering::SeqCst), before + 1);
    assert_eq!(
        recorder.calls(),
        [
            "c_state_and_payload:prod_1",
            "d_state_context_payload:evt_forms/prod_1",
            "e_async:prod_1",
            "every_event:evt_forms"
        ]
    );
}

#[test]
fn handlers_in_another_crate_get_their_own_state_and_async_ones_run_blocking() {
    stripe_events_test_handlers::link();
    let other = Recorder::default();
    let dispatcher = Dispatcher::new()
        .with_state(SharedRecorder(Recorder::default()))
        .with_state(other.clone());
    dispatcher
        .dispatch_blocking(&event("evt_other", "product.created", product()))
        .unwrap();
    // An incomplete invoice goes to the raw handlers, a complete one (Stripe's example) to the
    // async handler of the other crate.
    dispatcher
        .dispatch_blocking(&event(
            "evt_inv",
            "invoice.paid",
            json!({"id": "in_1", "object": "invoice"}),
        ))
        .unwrap();
    let invoice = common::fixtures("2024-04-10")["invoice"].clone();
    let id = invoice["id"].as_str().unwrap().to_owned();
    dispatcher
        .dispatch_blocking(&event("evt_inv2", "invoice.paid", invoice))
        .unwrap();
    assert_eq!(
        other.calls(),
        [
            "other_crate:evt_other/prod_1".to_owned(),
            format!("invoice_paid:{id}")
        ]
    );
    let names: Vec<&str> = dispatcher
        .handlers_for(&EventType::InvoicePaid)
        .map(|h| h.name)
        .collect();
    assert_eq!(
        names[0],
        "stripe_events_test_handlers::billing::invoices::invoice_paid"
    );
}

#[test]
fn raw_events_go_to_raw_handlers_then_catch_all_never_to_typed_ones() {
    let (dispatcher, recorder) = dispatcher();
    let mut broken = product();
    broken.as_object_mut().unwrap().remove("name");
    let before = PAYLOAD_ONLY.load(Ordering::SeqCst);
    dispatcher
        .dispatch_blocking(&event("evt_broken", "product.created", broken))
        .unwrap();
    dispatcher
        .dispatch_blocking(&event("evt_new", "product.teleported", json!({"id": "x"})))
        .unwrap();
    assert_eq!(
        PAYLOAD_ONLY.load(Ordering::SeqCst),
        before,
        "typed handler must not see an untyped payload"
    );
    assert_eq!(
        recorder.calls(),
        [
            "raw:product.created/evt_broken/$.data.object",
            "every_event:evt_broken",
            "raw:product.teleported/evt_new/unknown type",
            "every_event:evt_new"
        ]
    );
}

#[tokio::test]
async fn errors_and_panics_are_reported_and_the_other_handlers_still_run() {
    let (dispatcher, recorder) = dispatcher();
    let price = json!({"id": "price_1", "object": "price", "active": true, "billing_scheme": "per_unit", "created": 1,
        "currency": "usd", "livemode": false, "metadata": {}, "product": "prod_1", "type": "one_time"});
    let err = dispatcher
        .dispatch(&event("evt_fail", "price.created", price))
        .await
        .unwrap_err();
    assert_eq!(err.event_id, "evt_fail");
    let failures: Vec<(&str, String)> = err
        .failures
        .iter()
        .map(|f| {
            let what = match &f.kind {
                FailureKind::Error(e) => format!("error: {e}"),
                FailureKind::Panic(p) => format!("panic: {p}"),
                other => format!("{other:?}"),
            };
            (f.handler, what)
        })
        .collect();
    assert_eq!(
        failures,
        [
            (
                "handlers::failing::a_fails",
                "error: database unavailable".to_owned()
            ),
            (
                "handlers::failing::b_panics",
                "panic: handler bug".to_owned()
            ),
            (
                "handlers::failing::c_async_panics",
                "panic: async handler bug".to_owned()
            ),
        ]
    );
    assert_eq!(
        recorder.calls(),
        ["d_still_runs:price_1", "every_event:evt_fail"]
    );
    let message = err.to_string();
    assert!(
        message.contains("evt_fail") && message.contains("handlers::failing::b_panics"),
        "{message}"
    );
}

#[test]
fn an_event_nobody_handles_is_reported_as_unhandled() {
    let dispatcher = Dispatcher::new();
    let outcome = dispatcher.dispatch_blocking(&event("evt_x", "coupon.created", json!({})));
    // Only the catch-all wants it; it needs state this dispatcher lacks.
    assert!(outcome.is_err());
    let lonely = Dispatcher::from_handlers(&[]);
    assert!(
        lonely
            .dispatch_blocking(&event("evt_y", "coupon.created", json!({})))
            .unwrap()
            .is_unhandled()
    );
}

#[test]
fn missing_state_is_found_before_any_event() {
    let err = Dispatcher::new().check().unwrap_err().to_string();
    assert!(err.contains("SharedRecorder"), "{err}");
    assert!(
        err.contains("handlers::forms::c_state_and_payload"),
        "{err}"
    );
    assert!(err.contains("with_state"), "{err}");
}
