//! Event parsing never panics: any input is an event (typed, unknown or untyped) or a typed
//! error; and whatever parses as an event, or as JSON that is not an event (or is a thin one), is JSON that
//! serde_json accepts too (except numbers beyond f64's range, like `1E1111`: valid JSON by
//! RFC 8259, which serde_json refuses and our parser skips).
//!
//! And an event agrees with the bytes, read independently by serde_json: every envelope member
//! is what serde_json reads for that key (serde_json keeps the last of duplicate keys; the
//! parser refuses duplicates of `id`, `object`, `type`, `data` and `data.object`, and keeps the
//! last of the others), the payload's variant is the one of the event's `type`, a raw payload is
//! `data.object` as serde_json reads it, and a typed payload's `object` is the one in the body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use stripe_events::{Event, EventObject, ParseError};

fuzz_target!(|data: &[u8]| {
    let parsed = Event::from_slice(data);
    let reference = serde_json::from_slice::<Value>(data);
    match (&parsed, &reference) {
        (Ok(_) | Err(ParseError::NotAnEvent(_) | ParseError::ThinEvent), Err(e)) => {
            assert!(e.to_string().starts_with("number out of range"), "{e}");
        }
        _ => {}
    }
    if let (Ok(event), Ok(v)) = (&parsed, &reference) {
        check_envelope(event, v);
    }
    if let Ok(event) = &parsed {
        check_variant(event);
    }
});

/// Each envelope member is what serde_json reads for its key.
fn check_envelope(event: &Event, v: &Value) {
    assert_eq!(v["id"].as_str(), Some(event.id.as_str()), "id");
    assert_eq!(v["type"].as_str(), Some(event.type_.as_str()), "type");
    assert!(
        matches!(v.get("object"), None | Some(Value::String(_))),
        "object"
    );
    if let Some(object) = v.get("object") {
        assert_eq!(object, "event");
    }
    assert_eq!(
        v["api_version"].as_str(),
        event.api_version.as_deref(),
        "api_version"
    );
    assert!(
        same_integer(&v["created"], event.created.as_secs()),
        "created"
    );
    assert_eq!(
        v.get("livemode").map_or(Some(false), Value::as_bool),
        Some(event.livemode)
    );
    match v.get("pending_webhooks") {
        Some(n) => assert!(same_integer(n, event.pending_webhooks), "pending_webhooks"),
        None => assert_eq!(event.pending_webhooks, 0),
    }
    assert_eq!(v["account"].as_str(), event.account.as_deref(), "account");
    match (&v["request"], &event.request) {
        (Value::Null, None) => {}
        (Value::String(id), Some(r)) => {
            assert_eq!(
                (Some(id.as_str()), None),
                (r.id.as_deref(), r.idempotency_key.as_deref())
            );
        }
        (Value::Object(o), Some(r)) => {
            let get = |k: &str| o.get(k).and_then(Value::as_str);
            assert_eq!(get("id"), r.id.as_deref(), "request.id");
            assert_eq!(
                get("idempotency_key"),
                r.idempotency_key.as_deref(),
                "request.idempotency_key"
            );
        }
        (other, ours) => panic!("request: {other:?} vs {ours:?}"),
    }
    let payload = &v["data"]["object"];
    match &event.data.previous_attributes {
        None => assert!(
            v["data"]
                .get("previous_attributes")
                .is_none_or(Value::is_null)
        ),
        Some(p) => assert!(same(
            &Value::Object(p.clone()),
            &v["data"]["previous_attributes"]
        )),
    }
    match &event.data.object {
        EventObject::Unknown(u) => assert!(same(&u.raw, payload), "unknown payload"),
        EventObject::Untyped(u) => assert!(same(&u.raw, payload), "untyped payload"),
        typed => {
            // The `object` the typed payload stands for (its type's tag) is the body's.
            let ours = serde_json::to_value(typed).expect("a typed payload serialises");
            if let (Some(tag), Some(found)) = (ours.get("object"), payload.get("object")) {
                assert_eq!(tag, found, "payload object");
            }
        }
    }
}

/// The payload's variant is the event type's.
fn check_variant(event: &Event) {
    match &event.data.object {
        EventObject::Unknown(u) => {
            assert_eq!(u.event_type, event.type_.as_str());
            assert!(
                !event.type_.is_typed(),
                "{:?} has a payload type",
                event.type_
            );
        }
        EventObject::Untyped(u) => assert_eq!(u.event_type, event.type_),
        typed => assert_eq!(typed.event_type().as_ref(), Some(&event.type_)),
    }
}

/// An integer field against serde_json's reading (which makes `-0` a float).
fn same_integer(v: &Value, n: i64) -> bool {
    v.as_i64() == Some(n) || (n == 0 && v.as_f64() == Some(0.0))
}

/// JSON equality, with floats equal within one unit in the last place (serde_json's default
/// float parsing is not always correctly rounded; ours is).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(fx), Some(fy)) if x.is_f64() || y.is_f64() => {
                fx == fy || fx.to_bits().abs_diff(fy.to_bits()) <= 1
            }
            _ => x == y,
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, a)| y.get(k).is_some_and(|b| same(a, b)))
        }
        _ => a == b,
    }
}
