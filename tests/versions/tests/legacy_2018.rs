//! The legacy 2018-11-08 spec (with `extra-events-2018.toml`): every event type the Django
//! Stripe apps of that time listed is a typed event here, and the extra Bitcoin events work
//! like any other, in the macro too. Built only by `scripts/check-versions.sh` (feature
//! `legacy-2018`, `STRIPE_EVENTS_EXTRA`).
#![cfg(feature = "legacy-2018")]

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use stripe_events::{
    BitcoinReceiver, Dispatcher, Event, EventObject, EventType, Sku, testing::event_envelope,
    webhook_handler,
};

/// Event types listed by the webhook docs of a Django Stripe app of 2018 (`shared/seeds`).
const DJANGO_APP_EVENTS: &[&str] = &[
    "account.updated",
    "account.application.deauthorized",
    "account.external_account.created",
    "account.external_account.deleted",
    "account.external_account.updated",
    "application_fee.created",
    "application_fee.refunded",
    "application_fee.refund.updated",
    "balance.available",
    "bitcoin.receiver.created",
    "bitcoin.receiver.filled",
    "bitcoin.receiver.updated",
    "bitcoin.receiver.transaction.created",
    "charge.captured",
    "charge.failed",
    "charge.refunded",
    "charge.succeeded",
    "charge.updated",
    "charge.dispute.closed",
    "charge.dispute.created",
    "charge.dispute.funds_reinstated",
    "charge.dispute.funds_withdrawn",
    "charge.dispute.updated",
    "coupon.created",
    "coupon.deleted",
    "coupon.updated",
    "customer.created",
    "customer.deleted",
    "customer.updated",
    "customer.discount.created",
    "customer.discount.deleted",
    "customer.discount.updated",
    "customer.source.created",
    "customer.source.deleted",
    "customer.source.updated",
    "customer.subscription.created",
    "customer.subscription.deleted",
    "customer.subscription.trial_will_end",
    "customer.subscription.updated",
    "invoice.created",
    "invoice.payment_failed",
    "invoice.payment_succeeded",
    "invoice.updated",
    "invoiceitem.created",
    "invoiceitem.deleted",
    "invoiceitem.updated",
    "order.created",
    "order.payment_failed",
    "order.payment_succeeded",
    "order.updated",
    "plan.created",
    "plan.deleted",
    "plan.updated",
    "product.created",
    "product.updated",
    "recipient.created",
    "recipient.deleted",
    "recipient.updated",
    "sku.created",
    "sku.updated",
    "transfer.created",
    "transfer.failed",
    "transfer.paid",
    "transfer.reversed",
    "transfer.updated",
    "ping",
];

#[test]
fn every_event_of_the_django_apps_is_known_with_a_payload() {
    assert_eq!(stripe_events::API_VERSION, "2018-11-08");
    for name in DJANGO_APP_EVENTS {
        let event_type =
            EventType::from_known(name).unwrap_or_else(|| panic!("{name} is not a typed event"));
        // Every one carries a typed payload, except `ping`, for which no spec has a schema.
        assert_eq!(
            event_type.payload_schemas().is_empty(),
            *name == "ping",
            "{name}"
        );
    }
    assert_eq!(
        EventType::from_known("bitcoin.receiver.transaction.created")
            .unwrap()
            .payload_schemas(),
        ["bitcoin_transaction"]
    );
}

static RECEIVERS: AtomicUsize = AtomicUsize::new(0);
static SKUS: AtomicUsize = AtomicUsize::new(0);

#[webhook_handler("bitcoin.receiver.filled")]
fn on_receiver_filled(receiver: &BitcoinReceiver) {
    assert!(receiver.filled);
    RECEIVERS.fetch_add(1, Ordering::SeqCst);
}

#[webhook_handler("sku.created")]
fn on_sku(sku: &Sku) {
    assert!(!sku.id.is_empty());
    SKUS.fetch_add(1, Ordering::SeqCst);
}

#[test]
fn extra_and_legacy_events_dispatch_to_typed_handlers() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/stripe-openapi/fixtures-2018-11-08.json");
    let fixtures: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut receiver = fixtures["resources"]["bitcoin_receiver"].clone();
    receiver["filled"] = true.into();
    let dispatcher = Dispatcher::new();
    for (event_type, object) in [
        ("bitcoin.receiver.filled", receiver),
        ("sku.created", fixtures["resources"]["sku"].clone()),
    ] {
        let event = Event::from_slice(
            event_envelope("evt_2018", event_type, &object)
                .to_string()
                .as_bytes(),
        )
        .unwrap();
        assert!(
            event.untyped_reason().is_none(),
            "{event_type}: {:?}",
            event.untyped_reason()
        );
        assert!(!matches!(event.data.object, EventObject::Unknown(_)));
        dispatcher.dispatch_blocking(&event).unwrap();
    }
    assert_eq!(
        (
            RECEIVERS.load(Ordering::SeqCst),
            SKUS.load(Ordering::SeqCst)
        ),
        (1, 1)
    );
}
