//! Thin events: the envelope of a v2 event notification (`"object": "v2.core.event"`) and
//! parsing a webhook body into it.

use crate::date_time::DateTime;
use crate::event::{Expected, ParseError, classify, duplicate};
use crate::generated::thin::{RelatedObjectType, ThinEventType};
use crate::json::{self, Error as JsonError, ErrorKind, FromJson, Parser};

/// The `object` of a thin event.
pub(crate) const THIN_OBJECT: &str = "v2.core.event";

/// A thin event notification: what Stripe sends an event destination for a v2 event (and for
/// the thin version of a v1 event). Unlike a snapshot [`Event`](crate::Event) it carries no copy
/// of the object it is about, only a reference to it ([`EventNotification::related_object`]);
/// the event's own `data` is fetched from `/v2/core/events/{id}`.
///
/// ```
/// use stripe_events::{EventNotification, RelatedObjectType, ThinEventType};
///
/// let body = br#"{"id": "evt_1", "object": "v2.core.event", "type": "v2.core.event_destination.ping",
///     "created": "2025-12-15T09:30:00.000Z", "livemode": false,
///     "related_object": {"id": "ed_1", "type": "v2.core.event_destination",
///         "url": "/v2/core/event_destinations/ed_1"}}"#;
/// let n = EventNotification::from_slice(body)?;
/// assert_eq!(n.type_, ThinEventType::V2CoreEventDestinationPing);
/// assert_eq!(n.created.unix_seconds(), 1_765_791_000);
/// let related = n.related_object.as_ref().expect("a related object");
/// assert_eq!(related.type_, RelatedObjectType::V2CoreEventDestination);
/// assert_eq!(n.type_.related_object_type(), Some(related.type_.clone()));
/// # Ok::<(), stripe_events::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serialize",
    derive(serde::Serialize),
    serde(tag = "object", rename = "v2.core.event")
)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct EventNotification {
    /// Unique identifier (`evt_...`).
    pub id: String,
    /// The event type; [`ThinEventType::Unknown`] for a type this build does not know.
    #[cfg_attr(feature = "serialize", serde(rename = "type"))]
    pub type_: ThinEventType,
    /// When the event was created (RFC 3339 in the body).
    pub created: DateTime,
    /// Live mode (`true`) or test mode (`false`).
    pub livemode: bool,
    /// The account context the event belongs to: needed (as the `Stripe-Context` header) to
    /// fetch the event or its related object. `None` for the platform's own events.
    pub context: Option<String>,
    /// Why the event happened (an API request, ...).
    pub reason: Option<EventReason>,
    /// The object the event is about; `None` for types without one
    /// ([`ThinEventType::has_related_object`]).
    pub related_object: Option<RelatedObject>,
}

/// The object a thin event is about.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serialize", derive(serde::Serialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct RelatedObject {
    /// Its id.
    pub id: String,
    /// Its resource: the one [`ThinEventType::related_object_type`] names for the event's type,
    /// or [`RelatedObjectType::Unknown`] for one this build does not know.
    #[cfg_attr(feature = "serialize", serde(rename = "type"))]
    pub type_: RelatedObjectType,
    /// Where to fetch it (a path of Stripe's API, `/v2/core/accounts/acct_...`).
    pub url: String,
}

/// Why a thin event happened.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serialize", derive(serde::Serialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct EventReason {
    /// The kind of reason: `request` (the only one Stripe documents so far).
    #[cfg_attr(feature = "serialize", serde(rename = "type"))]
    pub type_: String,
    /// The API request that caused the event, for a `request` reason.
    pub request: Option<EventReasonRequest>,
}

/// The API request that caused a thin event.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serialize", derive(serde::Serialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct EventReasonRequest {
    /// The request's id (`req_...`).
    pub id: String,
    /// The idempotency key it was sent with.
    pub idempotency_key: String,
}

json::struct_from_json!(RelatedObject {
    "id" => required id: String,
    "type" => required type_: RelatedObjectType,
    "url" => required url: String,
});

json::struct_from_json!(EventReason {
    "request" => optional request: EventReasonRequest,
    "type" => required type_: String,
});

json::struct_from_json!(EventReasonRequest {
    "id" => required id: String,
    "idempotency_key" => required idempotency_key: String,
});

impl EventNotification {
    /// Parses a webhook body (the raw bytes as received) as a thin event notification. A type
    /// this build does not know is [`ThinEventType::Unknown`], not an error; members other than
    /// the envelope's (`data`, `changes`, ...) are skipped.
    ///
    /// # Errors
    ///
    /// [`ParseError::NotJson`]; [`ParseError::SnapshotEvent`] for a snapshot event
    /// (`"object": "event"`: parse it with [`Event::from_slice`](crate::Event::from_slice));
    /// [`ParseError::NotAnEvent`] for anything else that is not a notification (`object` not
    /// `v2.core.event`; `id`, `object`, `type`, `created` or `livemode` missing or of the wrong
    /// type; `id`, `object` or `type` given twice).
    pub fn from_slice(body: &[u8]) -> Result<Self, ParseError> {
        json::from_slice::<Self>(body).map_err(|e| classify(body, e, Expected::Thin))
    }
}

impl FromJson for EventNotification {
    fn from_json(p: &mut Parser<'_>) -> Result<Self, JsonError> {
        let mut id: Option<String> = None;
        let mut seen_object = false;
        let mut type_: Option<ThinEventType> = None;
        let mut created: Option<DateTime> = None;
        let mut livemode: Option<bool> = None;
        let mut context = None;
        let mut reason = None;
        let mut related_object = None;
        p.begin_object()?;
        while let Some(key) = p.next_key()? {
            match &*key {
                "id" if id.is_some() => return Err(duplicate("id", p)),
                "id" => id = Some(json::field(p, "id")?),
                "object" if seen_object => return Err(duplicate("object", p)),
                "object" => {
                    seen_object = true;
                    let object = p.parse_str().map_err(|e| e.at_field("object"))?;
                    if object != THIN_OBJECT {
                        let kind = ErrorKind::Custom(format!(
                            "`object` is {object:?}, not \"{THIN_OBJECT}\""
                        ));
                        return Err(JsonError::new(kind, p.position()).at_field("object"));
                    }
                }
                "type" if type_.is_some() => return Err(duplicate("type", p)),
                "type" => type_ = Some(json::field(p, "type")?),
                "created" => created = Some(json::field(p, "created")?),
                "livemode" => livemode = Some(json::field(p, "livemode")?),
                "context" => context = json::field(p, "context")?,
                "reason" => reason = json::field(p, "reason")?,
                "related_object" => related_object = json::field(p, "related_object")?,
                _ => p.skip_value()?,
            }
        }
        if !seen_object {
            return Err(json::missing_field("object", p));
        }
        Ok(Self {
            id: id.ok_or_else(|| json::missing_field("id", p))?,
            type_: type_.ok_or_else(|| json::missing_field("type", p))?,
            created: created.ok_or_else(|| json::missing_field("created", p))?,
            livemode: livemode.ok_or_else(|| json::missing_field("livemode", p))?,
            context,
            reason,
            related_object,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PING: &str = r#"{"id": "evt_1", "object": "v2.core.event",
        "type": "v2.core.event_destination.ping", "created": "2025-12-15T09:30:00.000Z",
        "livemode": true, "context": "acct_1",
        "reason": {"type": "request", "request": {"id": "req_1", "idempotency_key": "k"}},
        "related_object": {"id": "ed_1", "type": "v2.core.event_destination",
            "url": "/v2/core/event_destinations/ed_1"}, "data": {"x": 1}, "changes": {}}"#;

    #[test]
    fn a_notification_parses_with_every_envelope_member() {
        let n = EventNotification::from_slice(PING.as_bytes()).unwrap();
        assert_eq!(n.id, "evt_1");
        assert_eq!(n.type_, ThinEventType::V2CoreEventDestinationPing);
        assert_eq!(n.created.to_string(), "2025-12-15T09:30:00Z");
        assert!(n.livemode);
        assert_eq!(n.context.as_deref(), Some("acct_1"));
        let reason = n.reason.unwrap();
        assert_eq!(reason.type_, "request");
        assert_eq!(
            reason.request,
            Some(EventReasonRequest {
                id: "req_1".into(),
                idempotency_key: "k".into()
            })
        );
        assert_eq!(
            n.related_object,
            Some(RelatedObject {
                id: "ed_1".into(),
                type_: RelatedObjectType::V2CoreEventDestination,
                url: "/v2/core/event_destinations/ed_1".into(),
            })
        );
    }

    #[test]
    fn optional_members_may_be_absent_or_null_and_unknown_types_are_kept() {
        let body = br#"{"object": "v2.core.event", "id": "evt_2", "type": "v2.future.thing.done",
            "created": "2025-12-15T09:30:00Z", "livemode": false, "context": null,
            "related_object": {"id": "x_1", "type": "v2.future.thing", "url": "/v2/future/things/x_1"}}"#;
        let n = EventNotification::from_slice(body).unwrap();
        assert_eq!(
            n.type_,
            ThinEventType::Unknown("v2.future.thing.done".into())
        );
        assert_eq!((n.context, n.reason), (None, None));
        let related = n.related_object.unwrap();
        assert_eq!(
            related.type_,
            RelatedObjectType::Unknown("v2.future.thing".into())
        );
        assert!(related.type_.is_v2());
    }

    #[test]
    fn what_is_not_a_notification_is_an_error_that_says_what() {
        let not_an_event = |body: &str| match EventNotification::from_slice(body.as_bytes()) {
            Err(ParseError::NotAnEvent(e)) => e.to_string(),
            other => panic!("{body}: {other:?}"),
        };
        let without = |key: &str| {
            let mut v: serde_json::Value = serde_json::from_str(PING).unwrap();
            v.as_object_mut().unwrap().remove(key);
            v.to_string()
        };
        for key in ["id", "object", "type", "created", "livemode"] {
            let e = not_an_event(&without(key));
            assert!(e.contains(&format!("missing field `{key}`")), "{key}: {e}");
        }
        let e = not_an_event(&PING.replace("\"2025-12-15T09:30:00.000Z\"", "1765791000"));
        assert!(e.contains("$.created"), "{e}");
        let e = not_an_event(&PING.replace("\"v2.core.event\"", "\"v2.core.account\""));
        assert!(e.contains("`object` is \"v2.core.account\""), "{e}");
        for (key, value) in [
            ("id", "evt_0"),
            ("object", "v2.core.event"),
            ("type", "v2.core.event_destination.ping"),
        ] {
            let body = PING.replacen('{', &format!("{{\"{key}\": \"{value}\", "), 1);
            let e = not_an_event(&body);
            assert!(e.contains("duplicate"), "{key}: {e}");
        }
        assert!(matches!(
            EventNotification::from_slice(b"{\"id\": "),
            Err(ParseError::NotJson { .. })
        ));
    }

    #[cfg(feature = "serialize")]
    #[test]
    fn serializing_gives_back_a_notification_that_parses_the_same() {
        let n = EventNotification::from_slice(PING.as_bytes()).unwrap();
        let json = serde_json::to_vec(&n).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(v["object"], "v2.core.event");
        assert_eq!(v["type"], "v2.core.event_destination.ping");
        assert_eq!(v["created"], "2025-12-15T09:30:00Z");
        assert_eq!(v["related_object"]["type"], "v2.core.event_destination");
        assert_eq!(EventNotification::from_slice(&json).unwrap(), n);
    }
}
