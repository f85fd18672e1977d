//! Events that come without a signature (through Amazon EventBridge or a CloudEvents bus,
//! `Webhook::parse_cloud`) validated against Stripe's API without a receiver
//! (`Validation::validate`), on the loopback stand-in of Stripe's API (`tests/stand-in`).

use serde_json::{Value, json};
use stripe_api_stand_in::{DEFAULT_API_KEY, StandIn};
use stripe_events::Webhook;
use stripe_events::client::Client;
use stripe_events::testing::{event_envelope, thin_notification};
use stripe_events::validation::{Denial, Validation, Verdict};

fn eventbridge(event: &Value) -> Vec<u8> {
    json!({
        "version": "0", "id": "eb-1", "detail-type": event["type"],
        "source": "aws.partner/stripe.com/ed_test_1", "account": "111122223333",
        "time": "2026-12-01T12:00:00Z", "region": "eu-west-1", "resources": [],
        "detail": event,
    })
    .to_string()
    .into_bytes()
}

fn cloudevent(event: &Value) -> Vec<u8> {
    json!({
        "specversion": "1.0", "id": "ce-1", "source": "/stripe/ed_test_1",
        "type": event["type"], "time": "2026-12-01T12:00:00Z",
        "datacontenttype": "application/json", "data": event,
    })
    .to_string()
    .into_bytes()
}

#[tokio::test]
async fn cloud_deliveries_run_only_when_stripes_api_confirms_them() {
    let stand_in = StandIn::start().await;
    let client = Client::builder(DEFAULT_API_KEY)
        .base_url(stand_in.base_url())
        .build()
        .unwrap();
    let validation = Validation::new(client);
    let webhook = Webhook::try_new("whsec_unused_for_cloud_deliveries").unwrap();

    // A Connect event through EventBridge: fetched as the connected account, confirmed.
    let mut event = event_envelope("evt_eb_1", "customer.created", &json!({"id": "cus_1"}));
    event["account"] = json!("acct_1");
    stand_in.event(&event);
    let delivery = webhook.parse_cloud(&eventbridge(&event)).unwrap();
    assert_eq!(
        validation.validate(&delivery.event).await.unwrap(),
        Verdict::Valid
    );
    let [request] = &stand_in.take_requests()[..] else {
        panic!("one request")
    };
    assert_eq!(request.path, "/v1/events/evt_eb_1");
    assert_eq!(request.header("stripe-account"), Some("acct_1"));

    // A body put on the bus by someone else: Stripe has no such event.
    let forged = event_envelope("evt_eb_forged", "customer.created", &json!({"id": "cus_1"}));
    let delivery = webhook.parse_cloud(&eventbridge(&forged)).unwrap();
    let verdict = validation.validate(&delivery.event).await.unwrap();
    assert_eq!(
        verdict,
        Verdict::Denied(Denial::NotFound {
            event_id: "evt_eb_forged".into()
        })
    );

    // A thin event through a CloudEvents bus: the v2 fetch, with its context.
    let mut thin = thin_notification("evt_ce_1", "v2.core.event_destination.ping");
    thin["context"] = json!("acct_ctx");
    let mut fetched = thin.clone();
    fetched["data"] = json!({});
    stand_in.event(&fetched);
    stand_in.take_requests();
    let delivery = webhook.parse_cloud(&cloudevent(&thin)).unwrap();
    assert!(
        validation
            .validate(&delivery.event)
            .await
            .unwrap()
            .is_valid()
    );
    let [request] = &stand_in.take_requests()[..] else {
        panic!("one request")
    };
    assert_eq!(request.path, "/v2/core/events/evt_ce_1");
    assert_eq!(request.header("stripe-context"), Some("acct_ctx"));

    // The API failing is an error, never a verdict.
    stand_in.fail_next("/v2/core/events/evt_ce_1", 500, 10);
    let e = validation.validate(&delivery.event).await.unwrap_err();
    assert_eq!(e.api().unwrap().status, 500);
}
