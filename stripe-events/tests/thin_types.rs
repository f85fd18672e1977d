//! Every thin event type of the v2 spec this build was generated from (the pinned one, or
//! `STRIPE_OPENAPI_SPEC_V2`: `scripts/check-versions.sh` runs this for each v2 spec in
//! ../shared), with notifications built from the generated tables alone (type and related
//! object resource, no schema): verified and parsed, typed, and dispatched to a handler of
//! its type, and of its type only.

use std::sync::Mutex;

use stripe_events::dispatch::{BoxError, Handler, HandlerFn, Invocation};
use stripe_events::signature::FixedClock;
use stripe_events::testing::{generate_test_header, thin_notification};
use stripe_events::{Dispatcher, ReceivedEvent, RelatedObjectType, ThinEventType, Webhook};

const SECRET: &str = "whsec_thin_types";
const NOW: i64 = 1_765_791_000;

/// What the handlers saw: `"<handler's type>|<notification's type>|<id>"`.
#[derive(Default)]
struct Seen(Mutex<Vec<String>>);

fn seen(inv: &Invocation<'_>) -> Result<(), BoxError> {
    let n = inv
        .notification()
        .ok_or("a thin handler called for a snapshot event")?;
    // Whose handler this is: the dispatcher chose it by the notification's type.
    let mut seen = inv.state::<Seen>().0.lock().unwrap();
    seen.push(format!("{}|{}", n.type_, n.id));
    Ok(())
}

#[test]
fn every_thin_type_is_verified_parsed_and_dispatched_to_its_handler() {
    let types = ThinEventType::ALL;
    println!(
        "{} thin event types (v2 spec {:?})",
        types.len(),
        stripe_events::thin::API_VERSION
    );
    assert_eq!(types.is_empty(), stripe_events::thin::API_VERSION.is_none());
    let handlers: &'static [Handler] = types
        .iter()
        .map(|t| Handler {
            event_type: t.as_str(),
            name: t.as_str(),
            state: None,
            call: HandlerFn::Sync(seen),
        })
        .collect::<Vec<_>>()
        .leak();
    let dispatcher = Dispatcher::from_handlers(handlers).with_state(Seen::default());
    dispatcher.check().unwrap();
    let webhook = Webhook::new(SECRET).clock(FixedClock(NOW));
    for (i, t) in types.iter().enumerate() {
        let id = format!("evt_{i}");
        let body = thin_notification(&id, t.as_str()).to_string();
        let header = generate_test_header(body.as_bytes(), SECRET, NOW);
        let received = webhook
            .construct_any(body.as_bytes(), Some(&header))
            .unwrap();
        let ReceivedEvent::Thin(n) = received else {
            panic!("{t}: parsed as a snapshot event");
        };
        assert_eq!(&n.type_, t);
        assert_eq!(t.as_str().parse::<ThinEventType>().unwrap(), *t);
        match (t.related_object_type(), &n.related_object) {
            (Some(resource), Some(related)) => {
                assert_eq!(related.type_, resource, "{t}");
                assert!(!matches!(resource, RelatedObjectType::Unknown(_)), "{t}");
                let api = if resource.is_v2() { "/v2/" } else { "/v1/" };
                assert!(related.url.starts_with(api), "{t}: {}", related.url);
                assert!(related.url.ends_with(&related.id), "{t}: {}", related.url);
            }
            (None, None) => {}
            other => panic!("{t}: {other:?}"),
        }
        assert_eq!(dispatcher.handlers_for_thin(t).count(), 1, "{t}");
        let dispatched = dispatcher.dispatch_notification_blocking(&n).unwrap();
        assert_eq!(dispatched.ran, 1, "{t}");
    }
    let seen = dispatcher_seen(&dispatcher);
    let expected: Vec<String> = types
        .iter()
        .enumerate()
        .map(|(i, t)| format!("{t}|evt_{i}"))
        .collect();
    assert_eq!(
        seen, expected,
        "each notification ran its own type's handler once"
    );
}

fn dispatcher_seen(dispatcher: &Dispatcher) -> Vec<String> {
    // The state given to the dispatcher, read back through an invocation of it.
    let body = thin_notification("evt_probe", "v2.probe.only").to_string();
    let probe = stripe_events::EventNotification::from_slice(body.as_bytes()).unwrap();
    let inv = Invocation::for_notification(dispatcher, &probe);
    inv.state::<Seen>().0.lock().unwrap().clone()
}

#[test]
fn a_thin_type_this_build_does_not_know_runs_no_handler() {
    let body = thin_notification("evt_new", "v2.future.thing.happened").to_string();
    let n = stripe_events::EventNotification::from_slice(body.as_bytes()).unwrap();
    assert!(matches!(n.type_, ThinEventType::Unknown(_)));
    assert!(n.related_object.is_none());
    let dispatched = Dispatcher::new()
        .dispatch_notification_blocking(&n)
        .unwrap();
    assert!(dispatched.is_unhandled());
}
