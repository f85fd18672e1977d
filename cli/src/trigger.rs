//! `stripe-events trigger`: the offline `stripe trigger`. Builds a realistic event of a type
//! from Stripe's example objects (fixtures), signs it and POSTs it; with `--thin`, a thin
//! event notification of a thin type, built from the generated tables (no fixtures).

use std::path::{Path, PathBuf};

use stripe_events::signature::{Clock, SystemClock};
use stripe_events::{DateTime, EventType, ThinEventType};

/// Where Stripe's example objects are looked for when no file is given.
pub fn default_fixtures() -> Vec<PathBuf> {
    let name = format!("fixtures-{}.json", stripe_events::API_VERSION);
    let mut candidates = Vec::new();
    if let Some(path) = std::env::var_os("STRIPE_EVENTS_FIXTURES") {
        candidates.push(PathBuf::from(path));
    }
    candidates.push(Path::new("../shared/stripe-openapi").join(&name));
    candidates.push(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/stripe-openapi")
            .join(&name),
    );
    candidates
}

/// Stripe's example objects (`{"resources": {name: object}}`).
pub struct Fixtures {
    resources: serde_json::Map<String, serde_json::Value>,
}

impl Fixtures {
    /// Reads `path`, or the first default location that exists.
    pub fn load(path: Option<&Path>) -> Result<Self, String> {
        let candidates = match path {
            Some(p) => vec![p.to_owned()],
            None => default_fixtures(),
        };
        let found = candidates.iter().find(|p| p.is_file()).ok_or_else(|| {
            let tried: Vec<String> = candidates.iter().map(|p| p.display().to_string()).collect();
            format!(
                "no fixtures file found (tried {}); pass --fixtures FILE",
                tried.join(", ")
            )
        })?;
        let text =
            std::fs::read_to_string(found).map_err(|e| format!("{}: {e}", found.display()))?;
        let mut doc: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", found.display()))?;
        match doc["resources"].take() {
            serde_json::Value::Object(resources) => Ok(Self { resources }),
            _ => Err(format!("{}: no \"resources\" object", found.display())),
        }
    }

    /// A complete, unsigned event body of `event_type` with id `event_id`, around the example
    /// object of its payload; `*.updated` events carry `previous_attributes`.
    pub fn event(&self, event_type: &str, event_id: &str) -> Result<Vec<u8>, String> {
        self.event_with(event_type, event_id, &[])
    }

    /// [`event`](Self::event) with `overrides` (`PATH=VALUE`) applied to the payload.
    pub fn event_with(
        &self,
        event_type: &str,
        event_id: &str,
        overrides: &[String],
    ) -> Result<Vec<u8>, String> {
        let known = EventType::from_known(event_type).ok_or_else(|| {
            let hint = closest(event_type)
                .map(|t| format!("; did you mean {t}?"))
                .unwrap_or_default();
            format!(
                "unknown event type {event_type:?} for API version {}{hint}",
                stripe_events::API_VERSION
            )
        })?;
        let (_, object) = stripe_events::testing::example_object(&self.resources, &known)
            .ok_or_else(|| format!("the fixtures have no example object for {event_type}"))?;
        let mut object = object.clone();
        for spec in overrides {
            apply_override(&mut object, spec)?;
        }
        let mut envelope = stripe_events::testing::event_envelope(event_id, event_type, &object);
        envelope["created"] = now().into();
        if event_type.ends_with(".updated") {
            if let Some(previous) = previous_attributes(&object) {
                envelope["data"]["previous_attributes"] = previous;
            }
        }
        Ok(envelope.to_string().into_bytes())
    }
}

/// The known event type closest to a misspelt `name` (edit distance, at most a third of it).
pub fn closest(name: &str) -> Option<&'static str> {
    EventType::ALL
        .iter()
        .map(EventType::as_str)
        .map(|t| (strsim::levenshtein(name, t), t))
        .filter(|(distance, _)| *distance <= name.len().max(3) / 3)
        .min()
        .map(|(_, t)| t)
}

/// The known thin event type closest to a misspelt `name` (as [`closest`]).
pub fn closest_thin(name: &str) -> Option<&'static str> {
    ThinEventType::ALL
        .iter()
        .map(ThinEventType::as_str)
        .map(|t| (strsim::levenshtein(name, t), t))
        .filter(|(distance, _)| *distance <= name.len().max(3) / 3)
        .min()
        .map(|(_, t)| t)
}

/// A thin event notification of `event_type` with id `event_id`, created now (RFC 3339), its
/// related object of the resource the generated table names for the type with a plausible id
/// and URL ([`stripe_events::testing::thin_notification`]), then `overrides` applied to the
/// notification itself (`context=acct_1`, `related_object.id=acct_2`).
pub fn thin_event(
    event_type: &str,
    event_id: &str,
    overrides: &[String],
) -> Result<Vec<u8>, String> {
    if ThinEventType::from_known(event_type).is_none() {
        let hint = closest_thin(event_type)
            .map(|t| format!("; did you mean {t}?"))
            .unwrap_or_default();
        let known = match stripe_events::thin::API_VERSION {
            Some(v2) => format!("the v2 spec {v2}"),
            None => "this build (it has no v2 spec)".to_owned(),
        };
        return Err(format!(
            "unknown thin event type {event_type:?} for {known}{hint}"
        ));
    }
    let mut n = stripe_events::testing::thin_notification(event_id, event_type);
    if let Some(created) = DateTime::from_unix(now(), 0) {
        n["created"] = created.to_string().into();
    }
    if let Some(related) = n.get_mut("related_object") {
        // A fresh object id per event, like the event id.
        let suffix = event_id.trim_start_matches("evt_");
        let resource = related["type"].as_str().unwrap_or_default().to_owned();
        *related = stripe_events::testing::related_object_for(&resource, suffix);
    }
    for spec in overrides {
        apply_override(&mut n, spec)?;
    }
    Ok(n.to_string().into_bytes())
}

/// Sets `PATH=VALUE` in `object`: PATH dot-separated (array elements by index), VALUE as JSON
/// when it parses, else a string. Missing object keys are created; a missing array element
/// or a path through a scalar is an error.
pub fn apply_override(object: &mut serde_json::Value, spec: &str) -> Result<(), String> {
    let (path, value) = spec
        .split_once('=')
        .ok_or_else(|| format!("--override {spec:?}: expected PATH=VALUE"))?;
    let value = serde_json::from_str(value).unwrap_or_else(|_| value.into());
    let mut at = object;
    for key in path.split('.') {
        at = match at {
            serde_json::Value::Object(map) => map.entry(key).or_insert(serde_json::Value::Null),
            serde_json::Value::Array(items) => key
                .parse::<usize>()
                .ok()
                .and_then(|i| items.get_mut(i))
                .ok_or_else(|| format!("--override {spec:?}: no element {key} in {path}"))?,
            serde_json::Value::Null => {
                *at = serde_json::Value::Object(serde_json::Map::new());
                at.as_object_mut()
                    .unwrap()
                    .entry(key)
                    .or_insert(serde_json::Value::Null)
            }
            _ => return Err(format!("--override {spec:?}: {key} is inside a scalar")),
        };
    }
    *at = value;
    Ok(())
}

/// A plausible `previous_attributes` for an update of `object`: the old value of the first
/// of a few commonly updated fields it has (a status, a name...), changed by its type.
fn previous_attributes(object: &serde_json::Value) -> Option<serde_json::Value> {
    use serde_json::Value;
    const FIELDS: [&str; 6] = [
        "status",
        "name",
        "description",
        "email",
        "active",
        "metadata",
    ];
    let map = object.as_object()?;
    let (field, now) = FIELDS.iter().find_map(|f| map.get(*f).map(|v| (*f, v)))?;
    let old = match now {
        Value::Bool(b) => Value::Bool(!b),
        Value::Number(n) => Value::from(n.as_i64().map_or(0, |n| n.saturating_sub(1))),
        Value::String(s) if field == "status" && s != "incomplete" => "incomplete".into(),
        Value::String(s) if field == "status" => format!("{s}_old").into(),
        Value::String(s) => format!("previous {s}").into(),
        Value::Object(_) => serde_json::json!({"updated_by": "stripe-events trigger"}),
        Value::Null | Value::Array(_) => Value::Null,
    };
    let mut previous = serde_json::Map::new();
    previous.insert(field.to_owned(), old);
    Some(Value::Object(previous))
}

/// Now, in unix seconds.
pub fn now() -> i64 {
    SystemClock.now()
}

/// A unique-enough event id for triggered events.
pub fn event_id(n: usize) -> String {
    format!("evt_trigger_{}_{n}", crate::secret::random_hex(6))
}

/// Signs `body` with `secret` (timestamp now) and POSTs it to `url`; returns the status code.
pub fn post(url: &str, secret: &str, body: &[u8]) -> Result<u16, String> {
    let header = stripe_events::testing::generate_test_header(body, secret, now());
    post_with_header(url, &header, body)
}

/// POSTs `body` with a given `Stripe-Signature` header.
pub fn post_with_header(url: &str, header: &str, body: &[u8]) -> Result<u16, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let response = agent
        .post(url)
        .header("Stripe-Signature", header)
        .header("Content-Type", "application/json")
        .send(body)
        .map_err(|e| format!("POST {url}: {e}"))?;
    Ok(response.status().as_u16())
}

/// What `trigger` sends, and where.
pub struct Request<'a> {
    /// The event type.
    pub event_type: &'a str,
    /// The receiver's URL.
    pub url: &'a str,
    /// The secret to sign with.
    pub secret: &'a str,
    /// How many events.
    pub count: usize,
    /// `PATH=VALUE` changes to the payload (to the notification, with `thin`).
    pub overrides: &'a [String],
    /// Send a thin event notification of a thin event type.
    pub thin: bool,
}

/// `stripe-events trigger`: sends `count` signed events of `event_type` to `url`, printing
/// `type<TAB>event id<TAB>HTTP status` per event; exit 1 when any was not answered 2xx.
pub fn run(
    request: &Request<'_>,
    fixtures: Option<&Path>,
) -> Result<std::process::ExitCode, String> {
    let Request {
        event_type,
        url,
        secret,
        count,
        overrides,
        thin,
    } = *request;
    crate::secret::check(secret)?;
    let fixtures = if thin {
        None
    } else {
        Some(Fixtures::load(fixtures)?)
    };
    let mut all_ok = true;
    for i in 0..count {
        let id = event_id(i);
        let body = match &fixtures {
            Some(fixtures) => fixtures.event_with(event_type, &id, overrides)?,
            None => thin_event(event_type, &id, overrides)?,
        };
        let status = post(url, secret, &body)?;
        println!("{event_type}\t{id}\t{status}");
        all_ok &= (200..300).contains(&status);
    }
    Ok(if all_ok {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::from(1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn overrides_set_nested_fields_and_refuse_bad_paths() {
        let mut object =
            json!({"name": "Gold", "metadata": {}, "items": {"data": [{"quantity": 1}]}});
        apply_override(&mut object, "name=Silver").unwrap();
        apply_override(&mut object, "metadata.plan=pro").unwrap();
        apply_override(&mut object, "items.data.0.quantity=3").unwrap();
        apply_override(&mut object, "shipping.address.city=Paris").unwrap();
        apply_override(&mut object, "active=true").unwrap();
        assert_eq!(
            object,
            json!({"name": "Silver", "metadata": {"plan": "pro"}, "active": true,
                "items": {"data": [{"quantity": 3}]},
                "shipping": {"address": {"city": "Paris"}}})
        );
        assert!(apply_override(&mut object, "name").is_err());
        assert!(apply_override(&mut object, "items.data.5.quantity=1").is_err());
        assert!(apply_override(&mut object, "name.first=A").is_err());
    }

    #[test]
    fn previous_attributes_hold_a_different_old_value() {
        assert_eq!(
            previous_attributes(&json!({"id": "sub_1", "status": "active"})),
            Some(json!({"status": "incomplete"}))
        );
        assert_eq!(
            previous_attributes(&json!({"id": "prod_1", "name": "Gold", "active": true})),
            Some(json!({"name": "previous Gold"}))
        );
        assert_eq!(
            previous_attributes(&json!({"active": false})),
            Some(json!({"active": true}))
        );
        assert_eq!(previous_attributes(&json!({"id": "x"})), None);
    }

    #[test]
    fn a_thin_event_is_a_notification_of_the_type_with_its_related_object() {
        let body = thin_event(
            "v2.core.event_destination.ping",
            "evt_trigger_ab_0",
            &["context=acct_9".to_owned()],
        )
        .unwrap();
        let n = stripe_events::EventNotification::from_slice(&body).unwrap();
        assert_eq!(n.type_, ThinEventType::V2CoreEventDestinationPing);
        assert_eq!(n.context.as_deref(), Some("acct_9"));
        assert!((n.created.unix_seconds() - now()).abs() < 60, "created now");
        let related = n.related_object.unwrap();
        assert_eq!(related.id, "ed_trigger_ab_0");
        assert_eq!(related.url, "/v2/core/event_destinations/ed_trigger_ab_0");
        let meter = thin_event("v1.billing.meter.error_report_triggered", "evt_1", &[]).unwrap();
        let meter = stripe_events::EventNotification::from_slice(&meter).unwrap();
        assert_eq!(
            meter.related_object.unwrap().url,
            "/v1/billing/meters/mtr_1"
        );
        let err = thin_event("v2.core.event_destination.pign", "evt_1", &[]).unwrap_err();
        assert!(
            err.ends_with("did you mean v2.core.event_destination.ping?"),
            "{err}"
        );
    }

    #[test]
    fn a_misspelt_type_gets_the_closest_known_one() {
        assert_eq!(closest("custmer.created"), Some("customer.created"));
        assert_eq!(closest("invoice.payed"), Some("invoice.paid"));
        assert_eq!(closest("something.else.entirely"), None);
    }
}
