//! The API client (feature `client`) against a loopback stand-in of Stripe's API that records
//! the requests it gets: every thin event type of the v2 spec this build was generated from is
//! fetched (the event, typed, and its related object), with the headers Stripe's SDKs send;
//! retries, Stripe's error bodies, timeouts and refused requests.
//!
//! Examples come from the spec (`stripe_events_codegen::example`), so the same tests cover
//! whichever v2 spec is configured: scripts/check-versions.sh runs them with the preview spec.

use std::time::Duration;

use stripe_api_stand_in::{DEFAULT_API_KEY, Recorded, Reply, StandIn};
use stripe_events::client::{Client, ClientError, RequestOptions, RetryPolicy};
use stripe_events::thin::{RelatedResource, ThinEventData};
use stripe_events::{EventNotification, ThinEventType};
use stripe_events_codegen::Spec;
use stripe_events_codegen::discover::{ThinEventDef, discover_thin};
use stripe_events_codegen::example;

const KEY: &str = DEFAULT_API_KEY;

fn reply(status: u16, body: impl Into<String>) -> Reply {
    Reply::new(status, body)
}

trait ClientOf {
    fn client(&self) -> Client;
}

impl ClientOf for StandIn {
    fn client(&self) -> Client {
        Client::builder(KEY)
            .base_url(self.base_url())
            .retry(fast_retries(2))
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap()
    }
}

fn fast_retries(max_retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        ..RetryPolicy::default()
    }
}

/// The v2 spec this build's thin types come from (the build script says which), or `None`
/// for a build without one.
fn v2_spec() -> Option<Spec> {
    let path = option_env!("STRIPE_EVENTS_SPEC_V2_PATH").filter(|p| !p.is_empty())?;
    Some(Spec::load(path.as_ref()).expect("the v2 spec the build used"))
}

fn notification_of(spec: &Spec, def: &ThinEventDef, id: &str) -> EventNotification {
    let body = example::notification(spec, def, id).to_string();
    EventNotification::from_slice(body.as_bytes()).unwrap()
}

#[tokio::test]
async fn every_thin_type_is_fetched_typed_with_the_headers_stripes_sdks_send() {
    let Some(spec) = v2_spec() else {
        assert!(ThinEventType::ALL.is_empty());
        return;
    };
    let defs = discover_thin(&spec);
    let types: Vec<&str> = defs.iter().map(|d| d.event_type.as_str()).collect();
    let generated: Vec<&str> = ThinEventType::ALL.iter().map(|t| t.as_str()).collect();
    assert_eq!(types, generated, "the spec's thin types are the build's");
    let server = StandIn::start().await;
    let client = server.client();
    let mut typed_resources = 0;
    for (i, def) in defs.iter().enumerate() {
        let id = format!("evt_{i}");
        let n = notification_of(&spec, def, &id);
        assert_eq!(n.type_.as_str(), def.event_type);
        let fetched = example::fetched_event(&spec, def, &id);
        server.route(
            &format!("/v2/core/events/{id}"),
            [reply(200, fetched.to_string())],
        );
        let event = client.fetch_event(&n).await.unwrap();
        assert_eq!(
            event.data.event_type(),
            Some(n.type_.clone()),
            "{}: data typed as its type, got {:?}",
            def.event_type,
            event.data
        );
        assert_eq!(event.notification(), n);
        assert_eq!(event.changes.is_some(), fetched.get("changes").is_some());
        let [got] = &server.take_requests()[..] else {
            panic!("one request for the event")
        };
        assert_eq!(got.path, format!("/v2/core/events/{id}"));
        check_headers(got, &id, stripe_events::thin::API_VERSION);

        let Some(related) = &n.related_object else {
            assert!(client.fetch_related_object(&n).await.unwrap().is_none());
            assert!(
                server.take_requests().is_empty(),
                "no request without a related object"
            );
            continue;
        };
        let resource = related.type_.as_str();
        let object = example::resource_example(&spec, resource, &related.id);
        let served = object.clone().unwrap_or_else(
            || serde_json::json!({"id": related.id, "object": resource, "extra": [1, 2]}),
        );
        server.route(&related.url, [reply(200, served.to_string())]);
        let fetched = client.fetch_related_object(&n).await.unwrap().unwrap();
        match (&object, &fetched) {
            // Described by the spec: typed as its resource.
            (Some(_), f) => {
                assert_eq!(
                    f.resource_type(),
                    Some(related.type_.clone()),
                    "{resource}: {f:?}"
                );
                typed_resources += 1;
            }
            (None, RelatedResource::Raw(json)) => assert_eq!(**json, served),
            (None, other) => panic!("{resource}: expected raw JSON, got {other:?}"),
        }
        let [got] = &server.take_requests()[..] else {
            panic!("one request for the related object")
        };
        assert_eq!(got.path, related.url);
        let version = if related.type_.is_v2() {
            stripe_events::thin::API_VERSION
        } else {
            Some(stripe_events::API_VERSION)
        };
        check_headers(got, &id, version);
    }
    eprintln!(
        "{} thin types fetched, {typed_resources} related objects typed",
        defs.len()
    );
}

fn check_headers(got: &Recorded, event_id: &str, version: Option<&str>) {
    let h = |name: &str| got.headers.get(name).map(String::as_str);
    assert_eq!(h("authorization"), Some(&*format!("Bearer {KEY}")));
    assert_eq!(h("stripe-context"), Some(example::CONTEXT));
    assert_eq!(
        h("stripe-request-trigger"),
        Some(&*format!("event={event_id}"))
    );
    assert_eq!(h("stripe-version"), version);
    assert!(h("user-agent").unwrap().starts_with("stripe-events/"));
}

/// A notification of the pinned spec's first type with a related object, or a hand-made one.
fn some_notification(context: Option<&str>) -> EventNotification {
    let body = serde_json::json!({
        "id": "evt_1", "object": "v2.core.event", "type": "v2.core.event_destination.ping",
        "created": "2025-12-15T09:30:00Z", "livemode": false, "context": context,
        "related_object": {"id": "ed_1", "type": "v2.core.event_destination",
            "url": "/v2/core/event_destinations/ed_1"},
    });
    EventNotification::from_slice(body.to_string().as_bytes()).unwrap()
}

const PING: &str = r#"{"id": "evt_1", "object": "v2.core.event",
    "type": "v2.core.event_destination.ping", "created": "2025-12-15T09:30:00Z",
    "livemode": false, "data": {}}"#;

#[tokio::test]
async fn rate_limits_and_server_errors_are_retried_with_retry_after() {
    let server = StandIn::start().await;
    let limited = reply(
        429,
        r#"{"error": {"type": "rate_limit_error", "message": "slow down"}}"#,
    )
    .header("retry-after", "0");
    server.route(
        "/v2/core/events/evt_1",
        [limited, reply(500, "{}"), reply(200, PING)],
    );
    let n = some_notification(None);
    let event = server.client().fetch_event(&n).await.unwrap();
    assert!(matches!(
        event.data,
        ThinEventData::V2CoreEventDestinationPing(_)
    ));
    let got = server.take_requests();
    assert_eq!(got.len(), 3, "two retries");
    // No context: no Stripe-Context header; the trigger on every attempt.
    assert!(
        got.iter()
            .all(|r| !r.headers.contains_key("stripe-context"))
    );
    assert!(
        got.iter()
            .all(|r| r.headers["stripe-request-trigger"] == "event=evt_1")
    );

    // Retry-After is waited for (the policy's own backoff here is a few milliseconds).
    let one_second = reply(429, "{}").header("retry-after", "1");
    server.route("/v2/core/events/evt_1", [one_second, reply(200, PING)]);
    let start = std::time::Instant::now();
    server.client().fetch_event(&n).await.unwrap();
    assert!(
        start.elapsed() >= Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(server.take_requests().len(), 2);

    // A Retry-After beyond the policy's limit is not waited for.
    let long = reply(429, "{}").header("retry-after", "3600");
    server.route("/v2/core/events/evt_1", [long, reply(200, PING)]);
    let e = server.client().fetch_event(&n).await.unwrap_err();
    assert_eq!(e.api().unwrap().status, 429);
    assert_eq!(server.take_requests().len(), 1);
}

#[tokio::test]
async fn stripes_error_body_is_returned_and_should_retry_false_is_obeyed() {
    let server = StandIn::start().await;
    let n = some_notification(Some("acct_1"));
    // Not found: not retried, Stripe's error object parsed, the Request-Id kept.
    let e = server.client().fetch_event(&n).await.unwrap_err();
    let api = e.api().unwrap();
    assert_eq!((api.status, api.attempts), (404, 1));
    assert_eq!(api.code.as_deref(), Some("resource_missing"));
    assert_eq!(api.request_id.as_deref(), Some("req_stand_in"));
    assert!(
        e.to_string()
            .contains("No such object: '/v2/core/events/evt_1'"),
        "{e}"
    );
    assert_eq!(server.take_requests().len(), 1);

    let refused = reply(
        503,
        r#"{"error": {"type": "api_error", "message": "down"}}"#,
    )
    .header("stripe-should-retry", "false");
    server.route("/v2/core/events/evt_1", [refused, reply(200, PING)]);
    let e = server.client().fetch_event(&n).await.unwrap_err();
    assert_eq!(e.api().unwrap().status, 503);
    assert_eq!(
        server.take_requests().len(),
        1,
        "Stripe-Should-Retry: false"
    );

    // Retries used up: the last error, with the number of attempts.
    server.route(
        "/v2/core/events/evt_1",
        [reply(502, "<html>bad gateway</html>")],
    );
    let e = server.client().fetch_event(&n).await.unwrap_err();
    let api = e.api().unwrap();
    assert_eq!((api.status, api.attempts), (502, 3));
    assert_eq!(api.body_text.as_deref(), Some("<html>bad gateway</html>"));
    assert_eq!(server.take_requests().len(), 3);

    // A success body that is not an event.
    server.route(
        "/v2/core/events/evt_1",
        [reply(200, r#"{"object": "list"}"#)],
    );
    let e = server.client().fetch_event(&n).await.unwrap_err();
    assert!(matches!(e, ClientError::Parse { .. }), "{e}");
}

#[tokio::test]
async fn timeouts_and_refused_connections_are_retried_then_reported() {
    let server = StandIn::start().await;
    let slow = reply(200, PING).delay(Duration::from_millis(400));
    server.route("/v2/core/events/evt_1", [slow.clone(), reply(200, PING)]);
    let client = Client::builder(KEY)
        .base_url(server.base_url())
        .retry(fast_retries(1))
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let n = some_notification(None);
    client.fetch_event(&n).await.unwrap();
    assert_eq!(
        server.take_requests().len(),
        2,
        "the slow attempt, then the retry"
    );
    server.route("/v2/core/events/evt_1", [slow]);
    match client.fetch_event(&n).await.unwrap_err() {
        ClientError::Timeout { attempts, .. } => assert_eq!(attempts, 2),
        other => panic!("{other:?}"),
    }

    // A port nobody listens on (bound, then closed).
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    let client = Client::builder(KEY)
        .base_url(format!("http://{addr}"))
        .retry(fast_retries(2))
        .build()
        .unwrap();
    match client.fetch_event(&n).await.unwrap_err() {
        ClientError::Transport { attempts, .. } => assert_eq!(attempts, 3),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_key_goes_only_to_the_base_url_and_bad_header_values_are_refused() {
    let server = StandIn::start().await;
    let client = server.client();
    assert!(
        !format!("{client:?}").contains(KEY),
        "the key is never printed"
    );
    let mut n = some_notification(None);
    for url in [
        "https://elsewhere.example/v2/x",
        "//elsewhere.example/x",
        "v2/x",
        "/v2/x y",
    ] {
        n.related_object.as_mut().unwrap().url = url.to_owned();
        let e = client.fetch_related_object(&n).await.unwrap_err();
        assert!(matches!(e, ClientError::InvalidRequest(_)), "{url}: {e}");
    }
    let n = some_notification(Some("acct_1\r\nX-Injected: 1"));
    let e = client.fetch_event(&n).await.unwrap_err();
    assert!(matches!(e, ClientError::InvalidRequest(_)), "{e}");
    let e = client
        .fetch_event_with("evt_1/../../v1/charges", &RequestOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(e, ClientError::InvalidRequest(_)), "{e}");
    assert!(server.take_requests().is_empty(), "nothing was sent");

    // A base URL with a path prefixes it; a v1 path gets the v1 Stripe-Version.
    let client = Client::builder(KEY)
        .base_url(format!("{}/proxy/", server.base_url()))
        .v1_api_version(Some("2024-04-10".into()))
        .build()
        .unwrap();
    server.route(
        "/proxy/v1/billing/meters/mtr_1",
        [reply(200, r#"{"id": "mtr_1"}"#)],
    );
    let r = client
        .get("/v1/billing/meters/mtr_1", &RequestOptions::default())
        .await
        .unwrap();
    assert_eq!(&r.body[..], br#"{"id": "mtr_1"}"#);
    let got = server.take_requests();
    assert_eq!(got[0].headers["stripe-version"], "2024-04-10");
    assert!(!got[0].headers.contains_key("stripe-request-trigger"));
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_and_the_version_can_be_chosen_per_request() {
    let server = StandIn::start().await;
    server.route("/v2/core/events/evt_1", [reply(200, PING)]);
    let client = Client::builder(KEY)
        .base_url(server.base_url())
        .retry(fast_retries(2))
        .max_response_bytes(PING.len() - 1)
        .build()
        .unwrap();
    let n = some_notification(None);
    match client.fetch_event(&n).await.unwrap_err() {
        ClientError::Parse { reason, .. } => assert!(reason.contains("limit"), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        server.take_requests().len(),
        1,
        "not retried: it would be as large again"
    );
    let options = RequestOptions {
        api_version: Some("2026-01-01.preview".into()),
        ..RequestOptions::for_notification(&n)
    };
    let r = server
        .client()
        .get("/v2/core/events/evt_1", &options)
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    let got = server.take_requests();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].headers["stripe-version"], "2026-01-01.preview");
    assert_eq!(got[0].headers["stripe-request-trigger"], "event=evt_1");
}

#[cfg(not(feature = "client-rustls"))]
#[test]
fn https_without_the_tls_feature_is_an_error_that_names_it() {
    let e = Client::new(KEY).unwrap_err();
    assert!(e.to_string().contains("client-rustls"), "{e}");
}

#[cfg(feature = "client-rustls")]
#[test]
fn https_with_the_tls_feature_builds() {
    let client = Client::new(KEY).unwrap();
    assert_eq!(client.base_url(), "https://api.stripe.com");
    assert!(
        !format!("{client:?}").contains(KEY),
        "the key is never printed"
    );
}

/// Stripe's example objects for this build's API version (`../shared/stripe-openapi`, beside
/// the repository), or `None` when that version has none there (another configured spec).
fn fixtures() -> Option<std::path::PathBuf> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/stripe-openapi")
        .join(format!("fixtures-{}.json", stripe_events::API_VERSION));
    if path.is_file() {
        Some(path)
    } else {
        eprintln!(
            "skipped: no {} for this build's API version",
            path.display()
        );
        None
    }
}

#[tokio::test]
async fn every_example_object_is_retrieved_by_type_and_id_as_stripe_rendered_it() {
    use stripe_events::client::{retrieve_path, retrieve_path_template};
    let server = StandIn::start().await;
    let client = server.client();
    let Some(file) = fixtures() else { return };
    let served = server.load_fixtures(&file, retrieve_path).unwrap();
    let text = std::fs::read(&file).unwrap();
    let fixtures: serde_json::Value = serde_json::from_slice(&text).unwrap();
    // Several examples may share a type and id: the stand-in serves the last one.
    let mut by_path = std::collections::BTreeMap::new();
    for object in fixtures["resources"].as_object().unwrap().values() {
        let (Some(id), Some(type_)) = (object["id"].as_str(), object["object"].as_str()) else {
            continue;
        };
        if let Some(path) = retrieve_path(type_, id) {
            by_path.insert(path, (type_.to_owned(), id.to_owned(), object.clone()));
        }
    }
    let mut retrieved = 0;
    for (type_, id, object) in by_path.values() {
        assert!(retrieve_path_template(type_).is_some());
        let got = client
            .retrieve_object(type_, id, &RequestOptions::default())
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{type_} {id}"));
        assert_eq!((&got.object_type, &got.id), (type_, id));
        // The examples include deleted forms (`deleted_customer`): reported as deleted.
        assert_eq!(got.deleted, object["deleted"] == true, "{type_} {id}");
        assert!(
            got.body[..] == *object.to_string().as_bytes(),
            "{type_} {id}: byte for byte"
        );
        assert_eq!(got.json().unwrap(), *object);
        retrieved += 1;
    }
    assert!(
        retrieved > 40,
        "{retrieved} example objects have a retrieve path"
    );
    assert!(served >= retrieved);
    let got = server.take_requests();
    assert_eq!(got.len(), retrieved);
    assert!(
        got.iter()
            .all(|r| r.header("stripe-version") == Some(stripe_events::API_VERSION))
    );
    eprintln!("{retrieved} example objects retrieved");
}

#[tokio::test]
async fn retrieving_an_object_reports_missing_deleted_and_unreachable_ones() {
    use stripe_events::client::retrieve_path;
    let server = StandIn::start().await;
    let client = server.client();
    let connect = RequestOptions {
        account: Some("acct_9".into()),
        ..RequestOptions::default()
    };
    // A Connect account's object: Stripe-Account sent.
    let path = retrieve_path("customer", "cus_1").unwrap();
    assert_eq!(path, "/v1/customers/cus_1");
    server.object(
        &path,
        &serde_json::json!({"id": "cus_1", "object": "customer"}),
    );
    let got = client
        .retrieve_object("customer", "cus_1", &connect)
        .await
        .unwrap()
        .unwrap();
    assert!(!got.deleted);
    assert_eq!(
        server.take_requests()[0].header("stripe-account"),
        Some("acct_9")
    );
    // Deleted: reported as such, with Stripe's body.
    server.object(
        &path,
        &serde_json::json!({"id": "cus_1", "object": "customer", "deleted": true}),
    );
    let got = client
        .retrieve_object("customer", "cus_1", &RequestOptions::default())
        .await
        .unwrap()
        .unwrap();
    assert!(got.deleted);
    assert!(
        std::str::from_utf8(&got.body)
            .unwrap()
            .contains("\"deleted\":true")
    );
    // 404: none.
    assert!(
        client
            .retrieve_object("customer", "cus_2", &RequestOptions::default())
            .await
            .unwrap()
            .is_none()
    );
    // 429 then the object: retried.
    server.fail_next(&path, 429, 1);
    assert!(
        client
            .retrieve_object("customer", "cus_1", &RequestOptions::default())
            .await
            .unwrap()
            .is_some()
    );
    // Another object at that path: not what was asked for.
    server.object(
        &path,
        &serde_json::json!({"id": "cus_other", "object": "customer"}),
    );
    let e = client
        .retrieve_object("customer", "cus_1", &RequestOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(e, ClientError::Parse { .. }), "{e}");
    server.take_requests();
    // Only under a parent, unknown, or a bad id: an error, nothing sent.
    for (type_, id) in [
        ("card", "card_1"),
        ("no_such_thing", "x_1"),
        ("customer", "cus_1/../x"),
    ] {
        let e = client
            .retrieve_object(type_, id, &RequestOptions::default())
            .await
            .unwrap_err();
        match (type_, &e) {
            ("customer", ClientError::InvalidRequest(_)) => {}
            (_, ClientError::NotRetrievable { object_type }) => {
                assert_eq!(object_type, type_);
                assert!(e.to_string().contains("under a parent"), "{e}");
            }
            _ => panic!("{type_}: {e}"),
        }
    }
    assert!(server.take_requests().is_empty(), "nothing was sent");
    // A wrong key: Stripe's 401, with its message.
    let wrong = Client::builder("sk_test_wrong")
        .base_url(server.base_url())
        .build()
        .unwrap();
    let e = wrong
        .retrieve_object("customer", "cus_1", &RequestOptions::default())
        .await
        .unwrap_err();
    assert_eq!(e.api().unwrap().status, 401);
    assert!(e.to_string().contains("Invalid API Key"), "{e}");
}

#[test]
fn the_retrieve_table_is_sorted_and_each_path_ends_in_its_one_parameter() {
    use stripe_events::client::{retrieve_path, retrieve_path_template};
    let table = stripe_events::RETRIEVE_PATHS;
    assert!(
        table.windows(2).all(|w| w[0].0 < w[1].0),
        "sorted by object type, once each (the lookup is a binary search)"
    );
    for (object_type, template) in table {
        assert_eq!(retrieve_path_template(object_type), Some(*template));
        assert!(template.starts_with("/v1/"), "{template}");
        assert_eq!(template.matches('{').count(), 1, "{template}");
        assert!(template.ends_with('}'), "{template}");
        let path = retrieve_path(object_type, "x_1").unwrap();
        assert!(path.ends_with("/x_1") && !path.contains('{'), "{path}");
    }
    assert_eq!(
        retrieve_path("customer", "cus_1").as_deref(),
        Some("/v1/customers/cus_1")
    );
    assert_eq!(retrieve_path_template("card"), None, "only under a parent");
}
