use serde_json::{Value, json};

use super::*;
use crate::testing::{event_envelope, thin_notification};
use crate::{EventType, ParseError, ThinEventType};

fn eventbridge(event: &Value) -> Value {
    json!({
        "version": "0",
        "id": "eb-1",
        "detail-type": event["type"],
        "source": "aws.partner/stripe.com/ed_test_1",
        "account": "111122223333",
        "time": "2026-12-01T12:00:00Z",
        "region": "eu-west-1",
        "resources": [],
        "detail": event,
    })
}

fn cloudevent(event: &Value) -> Value {
    json!({
        "specversion": "1.0",
        "id": "ce-1",
        "source": "/stripe/ed_test_1",
        "type": event["type"],
        "time": "2026-12-01T12:00:00Z",
        "datacontenttype": "application/json",
        "data": event,
    })
}

fn parse(body: &Value) -> Result<CloudDelivery, CloudError> {
    Webhook::new("whsec_unused").parse_cloud(body.to_string().as_bytes())
}

#[test]
fn both_kinds_of_event_come_out_of_both_envelopes() {
    let snapshot = event_envelope(
        "evt_snap",
        "customer.created",
        &json!({"id": "cus_1", "object": "customer"}),
    );
    let thin_type = ThinEventType::ALL[0].as_str();
    let thin = thin_notification("evt_thin", thin_type);
    for wrap in [eventbridge, cloudevent] {
        let delivery = parse(&wrap(&snapshot)).unwrap();
        let ReceivedEvent::Snapshot(event) = &delivery.event else {
            panic!("{delivery:?}");
        };
        assert_eq!(
            (event.id.as_str(), &event.type_),
            ("evt_snap", &EventType::CustomerCreated)
        );

        // Every thin type of the build's v2 spec.
        for t in ThinEventType::ALL {
            let delivery = parse(&wrap(&thin_notification("evt_thin", t.as_str()))).unwrap();
            let ReceivedEvent::Thin(n) = &delivery.event else {
                panic!("{delivery:?}");
            };
            assert_eq!((n.id.as_str(), &n.type_), ("evt_thin", t));
        }
    }
    assert_eq!(
        parse(&eventbridge(&snapshot)).unwrap().envelope,
        CloudEnvelope::EventBridge {
            id: "eb-1".into(),
            source: "aws.partner/stripe.com/ed_test_1".into(),
            detail_type: "customer.created".into(),
        }
    );
    assert_eq!(
        parse(&cloudevent(&thin)).unwrap().envelope,
        CloudEnvelope::CloudEvent {
            id: "ce-1".into(),
            source: "/stripe/ed_test_1".into(),
            type_: thin_type.into(),
        }
    );
}

#[test]
fn what_is_not_an_envelope_says_why() {
    let webhook = Webhook::new("whsec_unused");
    assert!(matches!(
        webhook.parse_cloud(b"{not json"),
        Err(CloudError::NotJson(_))
    ));
    let snapshot = event_envelope("evt_1", "customer.created", &json!({"id": "cus_1"}));
    // A bare event (a webhook body) is not an envelope.
    let err = parse(&snapshot).unwrap_err();
    assert!(
        err.to_string()
            .contains("no `detail-type` (EventBridge) or `specversion`"),
        "{err}"
    );
    let mut no_detail = eventbridge(&snapshot);
    no_detail.as_object_mut().unwrap().remove("detail");
    assert_eq!(
        parse(&no_detail).unwrap_err(),
        CloudError::NotAnEnvelope("no `detail` member".into())
    );
    let mut text_data = cloudevent(&snapshot);
    text_data["data"] = json!("evt_1");
    assert_eq!(
        parse(&text_data).unwrap_err(),
        CloudError::NotAnEnvelope("`data` is not a JSON object".into())
    );
    // An envelope whose payload is not a Stripe event: the event parser's own error.
    let err = parse(&eventbridge(&json!({"hello": "world"}))).unwrap_err();
    assert!(
        matches!(
            err,
            CloudError::Event(WebhookError::Parse(ParseError::NotAnEvent(_)))
        ),
        "{err:?}"
    );
    assert!(std::error::Error::source(&err).is_some());
}
