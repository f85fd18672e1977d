//! What fetching a thin event gives: the [`FetchedEvent`] (`GET /v2/core/events/{id}`), whose
//! `data` is typed by the event's type ([`ThinEventData`]), and the related object
//! ([`RelatedResource`], `GET` its `url`), typed by its resource when the v2 spec describes it.
//! Parsing only: the [`client`](crate::client) module (feature `client`) does the requests.

use crate::date_time::DateTime;
use crate::event::ParseError;
use crate::generated::thin::{RelatedObjectType, RelatedResource, ThinEventData, ThinEventType};
use crate::json::{self, Error as JsonError, Parser};
use crate::notification::{EventNotification, EventReason, RelatedObject};
use crate::payload::PayloadError;

/// A thin event as `GET /v2/core/events/{id}` returns it: the notification's envelope plus the
/// event's `data`, typed per event type, and its `changes`.
///
/// ```
/// use stripe_events::thin::ThinEventData;
/// use stripe_events::{FetchedEvent, ThinEventType};
///
/// let body = br#"{"id": "evt_1", "object": "v2.core.event", "type": "v2.core.event_destination.ping",
///     "created": "2025-12-15T09:30:00.000Z", "livemode": false, "data": {},
///     "related_object": {"id": "ed_1", "type": "v2.core.event_destination",
///         "url": "/v2/core/event_destinations/ed_1"}}"#;
/// let event = FetchedEvent::from_slice(body)?;
/// assert_eq!(event.type_, ThinEventType::V2CoreEventDestinationPing);
/// assert!(matches!(event.data, ThinEventData::V2CoreEventDestinationPing(_)));
/// assert_eq!(event.data.event_type(), Some(event.type_.clone()));
/// # Ok::<(), stripe_events::ParseError>(())
/// ```
#[derive(Debug, Clone)]
#[cfg_attr(
    feature = "serialize",
    derive(serde::Serialize),
    serde(tag = "object", rename = "v2.core.event")
)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct FetchedEvent {
    /// Unique identifier (`evt_...`).
    pub id: String,
    /// The event type; [`ThinEventType::Unknown`] for a type this build does not know.
    #[cfg_attr(feature = "serialize", serde(rename = "type"))]
    pub type_: ThinEventType,
    /// When the event was created.
    pub created: DateTime,
    /// Live mode (`true`) or test mode (`false`).
    pub livemode: bool,
    /// The account context the event belongs to.
    pub context: Option<String>,
    /// Why the event happened.
    pub reason: Option<EventReason>,
    /// The object the event is about, when it has one.
    pub related_object: Option<RelatedObject>,
    /// The event's data: the variant of [`ThinEventData`] named like its type
    /// ([`ThinEventData::Raw`] for an unknown type, [`ThinEventData::Untyped`] for data that
    /// did not fit its type).
    pub data: ThinEventData,
    /// Before and after values of the related object's changed fields, as JSON, for the types
    /// that have them.
    pub changes: Option<serde_json::Value>,
}

/// JSON that did not fit its generated type (a fetched event's `data`, a fetched related
/// object), kept as received with the reason.
#[derive(Debug, Clone, PartialEq)]
pub struct UntypedJson {
    /// The JSON as received (a number beyond `f64`'s range as a string of its text).
    pub raw: serde_json::Value,
    /// Where and why typing failed: the path from the top of the fetched body
    /// (`$.data.reason.error_count` in an event, `$.status` in a related object).
    pub error: PayloadError,
}

#[cfg(feature = "serialize")]
impl serde::Serialize for UntypedJson {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(serializer)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for UntypedJson {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "UntypedJson".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        true.into()
    }
}

impl FetchedEvent {
    /// Parses the body of `GET /v2/core/events/{id}`. The envelope is read as
    /// [`EventNotification::from_slice`] reads it; then `data` is parsed as the type the
    /// event's `type` names (in whatever order the members come).
    ///
    /// # Errors
    ///
    /// Those of [`EventNotification::from_slice`]; [`ParseError::NotAnEvent`] when `data` is
    /// missing for a known type or is given twice. Data that does not fit its type is not an
    /// error: it is [`ThinEventData::Untyped`].
    pub fn from_slice(body: &[u8]) -> Result<Self, ParseError> {
        let n = EventNotification::from_slice(body)?;
        let (data, changes) = parse_data_and_changes(body, &n.type_)
            .map_err(|e| crate::event::classify(body, e, crate::event::Expected::Thin))?;
        Ok(Self {
            id: n.id,
            type_: n.type_,
            created: n.created,
            livemode: n.livemode,
            context: n.context,
            reason: n.reason,
            related_object: n.related_object,
            data,
            changes,
        })
    }

    /// The notification this event was fetched for (its envelope).
    pub fn notification(&self) -> EventNotification {
        EventNotification {
            id: self.id.clone(),
            type_: self.type_.clone(),
            created: self.created,
            livemode: self.livemode,
            context: self.context.clone(),
            reason: self.reason.clone(),
            related_object: self.related_object.clone(),
        }
    }
}

/// `data` (typed for `event_type`) and `changes` of a fetched event's body, whose envelope
/// already parsed.
fn parse_data_and_changes(
    body: &[u8],
    event_type: &ThinEventType,
) -> Result<(ThinEventData, Option<serde_json::Value>), JsonError> {
    let mut p = Parser::new(body);
    let mut data = None;
    let mut changes = None;
    p.begin_object()?;
    while let Some(key) = p.next_key()? {
        match &*key {
            "data" if data.is_some() => return Err(crate::event::duplicate("data", &p)),
            "data" => {
                let typed = parse_typed(&mut p, Some("data"), |p| {
                    ThinEventData::parse_typed(event_type, p)
                });
                data = Some(typed.map_err(|e| e.at_field("data"))?.unwrap_or_else(
                    |(raw, error)| match error {
                        Some(error) => ThinEventData::Untyped(Box::new(UntypedJson { raw, error })),
                        None => ThinEventData::Raw(Box::new(raw)),
                    },
                ));
            }
            "changes" => {
                let value = p.parse_raw_value().map_err(|e| e.at_field("changes"))?;
                changes = (!value.is_null()).then_some(value);
            }
            _ => p.skip_value()?,
        }
    }
    let data = match (data, event_type) {
        (Some(data), _) => data,
        (None, ThinEventType::Unknown(_)) => ThinEventData::Raw(Box::new(serde_json::Value::Null)),
        (None, _) => return Err(json::missing_field("data", &p)),
    };
    Ok((data, changes))
}

/// A value parsed by `typed` (`Ok(Ok(value))`), or as raw JSON when `typed` has no type for it
/// (`Ok(Err((raw, None)))`) or it does not fit that type (`Ok(Err((raw, Some(why))))`, the
/// path of `why` under the member `at`). Only malformed JSON is an error.
#[allow(clippy::type_complexity)]
fn parse_typed<T>(
    p: &mut Parser<'_>,
    at: Option<&'static str>,
    typed: impl FnOnce(&mut Parser<'_>) -> Result<Option<T>, JsonError>,
) -> Result<Result<T, (serde_json::Value, Option<PayloadError>)>, JsonError> {
    let start = p.checkpoint();
    match typed(p) {
        Ok(Some(value)) => Ok(Ok(value)),
        Ok(None) => Ok(Err((p.parse_raw_value()?, None))),
        Err(e) if e.is_syntax() => Err(e),
        Err(e) => {
            p.restore(start);
            let raw = p.parse_raw_value()?;
            let e = match at {
                Some(field) => e.at_field(field),
                None => e,
            };
            Ok(Err((raw, Some(PayloadError::from(&e)))))
        }
    }
}

impl RelatedResource {
    /// Parses a related object fetched from its `url` (the response body), as the type of
    /// `resource` when this build has one: [`RelatedResource::Raw`] otherwise,
    /// [`RelatedResource::Untyped`] when it does not fit that type.
    ///
    /// ```
    /// use stripe_events::thin::RelatedResource;
    /// use stripe_events::RelatedObjectType;
    ///
    /// let meter = br#"{"id": "mtr_1", "object": "billing.meter"}"#;
    /// let r = RelatedResource::from_slice(&RelatedObjectType::BillingMeter, meter)?;
    /// // A v1 resource: the v2 spec does not describe it.
    /// assert!(matches!(r, RelatedResource::Raw(json) if json["id"] == "mtr_1"));
    /// # Ok::<(), stripe_events::json::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// Only when `body` is not JSON.
    pub fn from_slice(resource: &RelatedObjectType, body: &[u8]) -> Result<Self, JsonError> {
        let mut p = Parser::new(body);
        let parsed = parse_typed(&mut p, None, |p| Self::parse_typed(resource, p))?;
        p.end()?;
        Ok(parsed.unwrap_or_else(|(raw, error)| match error {
            Some(error) => Self::Untyped(Box::new(UntypedJson { raw, error })),
            None => Self::Raw(Box::new(raw)),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PING: &str = r#"{"data": {}, "id": "evt_1", "object": "v2.core.event",
        "created": "2025-12-15T09:30:00.000Z", "livemode": true, "context": "acct_1",
        "related_object": {"id": "ed_1", "type": "v2.core.event_destination",
            "url": "/v2/core/event_destinations/ed_1"},
        "changes": {"before": {"x": 1}}, "type": "v2.core.event_destination.ping"}"#;

    #[test]
    fn data_is_typed_by_the_type_that_comes_after_it() {
        let e = FetchedEvent::from_slice(PING.as_bytes()).unwrap();
        assert!(matches!(
            e.data,
            ThinEventData::V2CoreEventDestinationPing(_)
        ));
        assert_eq!(e.changes.unwrap()["before"]["x"], 1);
        assert_eq!(e.context.as_deref(), Some("acct_1"));
        let n = FetchedEvent::from_slice(PING.as_bytes())
            .unwrap()
            .notification();
        assert_eq!(n, EventNotification::from_slice(PING.as_bytes()).unwrap());
    }

    #[test]
    fn unknown_types_keep_raw_data_and_misfits_say_why() {
        let unknown = PING.replace("v2.core.event_destination.ping", "v2.future.x");
        let unknown = unknown.replace("\"data\": {}", "\"data\": {\"n\": 1e400}");
        let e = FetchedEvent::from_slice(unknown.as_bytes()).unwrap();
        match e.data {
            ThinEventData::Raw(raw) => assert_eq!(raw["n"], "1e400"),
            other => panic!("{other:?}"),
        }
        let misfit = PING
            .replace(
                "v2.core.event_destination.ping",
                "v1.billing.meter.no_meter_found",
            )
            .replace(
                "\"data\": {}",
                "\"data\": {\"developer_message_summary\": 5}",
            );
        match FetchedEvent::from_slice(misfit.as_bytes()).unwrap().data {
            ThinEventData::Untyped(u) => {
                assert_eq!(u.raw["developer_message_summary"], 5);
                assert_eq!(u.error.path, "$.data.developer_message_summary");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn missing_or_repeated_data_and_bad_json_are_errors() {
        let without = PING.replace("\"data\": {}, ", "");
        let e = FetchedEvent::from_slice(without.as_bytes()).unwrap_err();
        assert!(e.to_string().contains("missing field `data`"), "{e}");
        let twice = PING.replace("\"data\": {}", "\"data\": {}, \"data\": {}");
        let e = FetchedEvent::from_slice(twice.as_bytes()).unwrap_err();
        assert!(e.to_string().contains("duplicate"), "{e}");
        let unknown_without = without.replace("v2.core.event_destination.ping", "v2.future.x");
        let e = FetchedEvent::from_slice(unknown_without.as_bytes()).unwrap();
        assert!(matches!(e.data, ThinEventData::Raw(v) if v.is_null()));
        assert!(matches!(
            FetchedEvent::from_slice(b"{\"id\": "),
            Err(ParseError::NotJson { .. })
        ));
    }

    #[test]
    fn a_related_resource_the_spec_describes_is_typed() {
        let body = br#"{"id": "ed_1", "object": "v2.core.event_destination"}"#;
        let r =
            RelatedResource::from_slice(&RelatedObjectType::V2CoreEventDestination, body).unwrap();
        // The sample misses required members: kept raw with the reason.
        match &r {
            RelatedResource::Untyped(u) => assert!(u.error.reason.contains("missing field")),
            other => panic!("{other:?}"),
        }
        assert_eq!(r.resource_type(), None);
        let unknown = RelatedObjectType::Unknown("v2.future.thing".into());
        let r = RelatedResource::from_slice(&unknown, b"{\"id\": \"x\"}").unwrap();
        assert!(matches!(r, RelatedResource::Raw(_)));
        assert!(RelatedResource::from_slice(&unknown, b"{").is_err());
    }
}
