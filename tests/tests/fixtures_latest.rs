//! Forward compatibility: Stripe's example objects from an API version newer than the pinned
//! spec (`fixtures-latest.json`). New fields and new enum values never break parsing; where the
//! newer version dropped a field the 2024-04-10 spec requires, the event cannot be typed and
//! comes back raw with the JSON path and the reason. Each such case is named here.

mod common;

use std::collections::BTreeMap;

use stripe_events::{
    Event, EventObject, EventType,
    testing::{event_envelope, example_object},
};

#[test]
fn newer_objects_parse_typed_or_raw_with_the_reason() {
    let fixtures = common::fixtures("latest");
    let mut untyped = BTreeMap::new();
    let mut typed_count = 0;
    for event_type in EventType::ALL {
        let Some((_, object)) = example_object(&fixtures, event_type) else {
            continue;
        };
        let body = event_envelope("evt_latest", event_type.as_str(), object).to_string();
        let event =
            Event::from_slice(body.as_bytes()).unwrap_or_else(|e| panic!("{event_type}: {e}"));
        match &event.data.object {
            EventObject::Untyped(u) => {
                assert_eq!(&u.raw, object, "{event_type}: raw payload kept as received");
                assert_eq!(&u.event_type, event_type);
                untyped.insert(
                    event_type.as_str().to_owned(),
                    format!("{}: {}", u.error.path, u.error.reason),
                );
            }
            other => {
                assert_eq!(other.event_type().as_ref(), Some(event_type));
                typed_count += 1;
            }
        }
    }
    let untyped: Vec<(&str, &str)> = untyped
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(untyped, expected_untyped());
    assert_eq!(
        typed_count + untyped.len(),
        EventType::ALL.len() - WITHOUT_FIXTURE
    );
    assert_eq!(typed_count, 197);
}

/// Event types whose payload resource has no example in fixtures-latest.json.
const WITHOUT_FIXTURE: usize = 0;

/// The fields newer API versions dropped that the 2024-04-10 spec requires, and the events
/// whose payloads therefore cannot be typed with 2024-04-10 types.
fn expected_untyped() -> Vec<(&'static str, &'static str)> {
    // A credit note line item no longer has `tax_amounts`.
    const CREDIT_NOTE: &str = "$.data.object.lines.data[0]: missing field `tax_amounts`";
    // A discount no longer has `coupon` (it moved under `source`).
    const DISCOUNT: &str = "$.data.object: missing field `coupon`";
    const CUSTOMER_DISCOUNT: &str = "$.data.object.discount: missing field `coupon`";
    // A subscription no longer has `current_period_end` (it moved to its items).
    const SUBSCRIPTION: &str = "$.data.object: missing field `current_period_end`";
    // An invoice line item no longer has `proration`.
    const INVOICE_LINE: &str = "$.data.object.lines.data[0]: missing field `proration`";
    let mut expected = vec![
        ("credit_note.created", CREDIT_NOTE),
        ("credit_note.updated", CREDIT_NOTE),
        ("credit_note.voided", CREDIT_NOTE),
        ("customer.created", CUSTOMER_DISCOUNT),
        ("customer.deleted", CUSTOMER_DISCOUNT),
        ("customer.discount.created", DISCOUNT),
        ("customer.discount.deleted", DISCOUNT),
        ("customer.discount.updated", DISCOUNT),
        ("customer.updated", CUSTOMER_DISCOUNT),
        ("promotion_code.created", DISCOUNT),
        ("promotion_code.updated", DISCOUNT),
    ];
    for action in [
        "created",
        "deleted",
        "paused",
        "pending_update_applied",
        "pending_update_expired",
        "resumed",
        "trial_will_end",
        "updated",
    ] {
        expected.push((
            leak(format!("customer.subscription.{action}")),
            SUBSCRIPTION,
        ));
    }
    for action in [
        "created",
        "deleted",
        "finalization_failed",
        "finalized",
        "marked_uncollectible",
        "paid",
        "payment_action_required",
        "payment_failed",
        "payment_succeeded",
        "sent",
        "upcoming",
        "updated",
        "voided",
    ] {
        expected.push((leak(format!("invoice.{action}")), INVOICE_LINE));
    }
    expected.sort();
    expected
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}
