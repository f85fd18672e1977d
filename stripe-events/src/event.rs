//! The event envelope and parsing a webhook body into it.

use crate::generated::{EventObject, EventType};
use crate::json::{self, Error as JsonError, ErrorKind, Parser};
use crate::payload::{PayloadError, UnknownPayload, UntypedPayload};
use crate::timestamp::Timestamp;

/// A Stripe event: the envelope of a webhook delivery, with its payload typed per event type.
///
/// ```
/// use stripe_events::{Event, EventObject, EventType};
///
/// let body = br#"{"id": "evt_1", "object": "event", "created": 1712345678, "livemode": false,
///     "pending_webhooks": 1, "type": "some.future_event", "data": {"object": {"id": "x_1"}}}"#;
/// let event = Event::from_slice(body)?;
/// assert_eq!(event.id, "evt_1");
/// assert_eq!(event.type_, EventType::Unknown("some.future_event".into()));
/// assert!(matches!(event.data.object, EventObject::Unknown(_)));
/// # Ok::<(), stripe_events::ParseError>(())
/// ```
#[derive(Debug, Clone)]
#[cfg_attr(
    feature = "serialize",
    derive(serde::Serialize),
    serde(tag = "object", rename = "event")
)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Event {
    /// Unique identifier (`evt_...`).
    pub id: String,
    /// The API version the payload was rendered with (absent on very old events).
    pub api_version: Option<String>,
    /// When the event was created.
    pub created: Timestamp,
    /// Live mode (`true`) or test mode (`false`).
    pub livemode: bool,
    /// Webhooks not yet delivered successfully for this event.
    pub pending_webhooks: i64,
    /// The API request that caused the event, if any.
    pub request: Option<EventRequest>,
    /// The connected account the event is about (Connect).
    pub account: Option<String>,
    /// The event type.
    #[cfg_attr(feature = "serialize", serde(rename = "type"))]
    pub type_: EventType,
    /// The payload.
    pub data: EventData,
}

/// `data` of an event.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serialize", derive(serde::Serialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct EventData {
    /// The object the event is about, typed per event type.
    pub object: EventObject,
    /// For `*.updated` events: the changed attributes and their previous values.
    pub previous_attributes: Option<serde_json::Map<String, serde_json::Value>>,
}

/// `request` of an event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serialize", derive(serde::Serialize))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct EventRequest {
    /// The request ID (`req_...`); `None` for automatic events.
    pub id: Option<String>,
    /// The idempotency key the request was sent with.
    pub idempotency_key: Option<String>,
}

/// Why a body could not be parsed as an event at all. (A body that is an event but whose
/// payload does not fit is not an error: see [`EventObject::Untyped`].)
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseError {
    /// The body is not valid JSON.
    NotJson {
        /// What is wrong and where (byte offset).
        reason: String,
        /// Byte offset in the body.
        offset: usize,
    },
    /// The body is JSON but not an event envelope: not an object; `id`, `type`, `created` or
    /// `data.object` missing or of the wrong type; or `id`, `object`, `type`, `data` or
    /// `data.object` given twice (Stripe never repeats them, and a body that does could be read
    /// two ways). The path says which member, e.g. `$.type`.
    NotAnEvent(PayloadError),
    /// The body is a thin event notification (`"object": "v2.core.event"`) given to the
    /// snapshot path ([`Event::from_slice`], [`Webhook::parse`](crate::Webhook::parse),
    /// [`Webhook::construct`](crate::Webhook::construct)): parse it with
    /// [`EventNotification::from_slice`](crate::EventNotification::from_slice) or
    /// [`Webhook::parse_notification`](crate::Webhook::parse_notification) (verified:
    /// [`Webhook::construct_notification`](crate::Webhook::construct_notification)).
    ThinEvent,
    /// The body is a snapshot event (`"object": "event"`) given to the thin path
    /// ([`EventNotification::from_slice`](crate::EventNotification::from_slice),
    /// [`Webhook::parse_notification`](crate::Webhook::parse_notification),
    /// [`Webhook::construct_notification`](crate::Webhook::construct_notification)): parse it
    /// with [`Event::from_slice`] or [`Webhook::parse`](crate::Webhook::parse) (verified:
    /// [`Webhook::construct`](crate::Webhook::construct)).
    SnapshotEvent,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotJson { reason, offset } => {
                write!(f, "body is not valid JSON: {reason} at byte {offset}")
            }
            Self::NotAnEvent(e) => write!(f, "body is JSON but not a Stripe event: {e}"),
            Self::ThinEvent => f.write_str(
                "body is a thin event notification (\"object\": \"v2.core.event\"), not a snapshot \
                 event: parse it with Webhook::parse_notification or EventNotification::from_slice \
                 (verify and parse: Webhook::construct_notification)",
            ),
            Self::SnapshotEvent => f.write_str(
                "body is a snapshot event (\"object\": \"event\"), not a thin event notification: \
                 parse it with Webhook::parse or Event::from_slice (verify and parse: \
                 Webhook::construct or Webhook::construct_event)",
            ),
        }
    }
}

impl std::error::Error for ParseError {}

impl From<JsonError> for ParseError {
    fn from(e: JsonError) -> Self {
        if e.is_syntax() {
            Self::NotJson {
                reason: e.reason(),
                offset: e.offset(),
            }
        } else {
            Self::NotAnEvent(PayloadError::from(&e))
        }
    }
}

impl Event {
    /// Parses a webhook body (the raw bytes as received). A known event type gets its typed
    /// payload; an unknown one, or a payload that does not fit, is kept raw (see
    /// [`EventObject::Unknown`], [`EventObject::Untyped`]). Only a body that is not JSON, or
    /// not an event envelope, is an error.
    pub fn from_slice(body: &[u8]) -> Result<Self, ParseError> {
        let mut p = Parser::new(body);
        parse_envelope(&mut p)
            .and_then(|event| p.end().map(|()| event))
            .map_err(|e| classify(body, e, Expected::Snapshot))
    }

    /// The event's `api_version` when it differs from this build's [`crate::API_VERSION`] and
    /// is none of its [compatible versions](crate::compatible_api_versions), whose payloads
    /// the types accept too (an event without `api_version` is not reported).
    pub fn api_version_mismatch(&self) -> Option<&str> {
        self.api_version.as_deref().filter(|v| {
            *v != crate::API_VERSION && !crate::compatible_api_versions().any(|c| c == *v)
        })
    }

    /// The reason the payload could not be typed, if it could not.
    pub fn untyped_reason(&self) -> Option<&PayloadError> {
        match &self.data.object {
            EventObject::Untyped(u) => Some(&u.error),
            _ => None,
        }
    }
}

/// Which kind of event a body was parsed as.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expected {
    /// A snapshot [`Event`] (`"object": "event"`).
    Snapshot,
    /// A thin [`EventNotification`](crate::EventNotification) (`"object": "v2.core.event"`).
    Thin,
}

/// The [`ParseError`] for `e`, the error of parsing `body` as the `expected` kind of event.
/// "Not an event" only for valid JSON: a syntax error later in the body (past the point where
/// the envelope already failed) makes it "not JSON". And a body of the other kind, told by its
/// top-level `object`, gets the error that names the function to call; looked at only here, on
/// the error path, so a body parses in one pass whatever the order of its members.
pub(crate) fn classify(body: &[u8], e: JsonError, expected: Expected) -> ParseError {
    if e.is_syntax() {
        return e.into();
    }
    let mut whole = Parser::new(body);
    if let Err(syntax) = whole.skip_value().and_then(|()| whole.end()) {
        return syntax.into();
    }
    match (expected, top_level_object(body).as_deref()) {
        (Expected::Snapshot, Some(crate::notification::THIN_OBJECT)) => ParseError::ThinEvent,
        (Expected::Thin, Some("event")) => ParseError::SnapshotEvent,
        _ => e.into(),
    }
}

/// The string value of the first top-level `object` member of a JSON object, if it has one.
fn top_level_object(body: &[u8]) -> Option<String> {
    let mut p = Parser::new(body);
    p.begin_object().ok()?;
    while let Some(key) = p.next_key().ok()? {
        if &*key == "object" {
            return p.parse_string().ok();
        }
        p.skip_value().ok()?;
    }
    None
}

fn parse_envelope(p: &mut Parser<'_>) -> Result<Event, JsonError> {
    let mut id: Option<String> = None;
    let mut api_version: Option<String> = None;
    let mut created: Option<Timestamp> = None;
    let mut livemode = false;
    let mut pending_webhooks = 0;
    let mut request: Option<EventRequest> = None;
    let mut account: Option<String> = None;
    let mut type_: Option<EventType> = None;
    let mut data: Option<EventData> = None;
    // Where `data` starts, and the type its payload was parsed as, when `data` came first.
    let mut data_parsed_as: Option<(json::Checkpoint, Option<EventType>)> = None;
    let mut seen_object = false;
    p.begin_object()?;
    while let Some(key) = p.next_key()? {
        match &*key {
            "id" => {
                if id.is_some() {
                    return Err(duplicate("id", p));
                }
                id = Some(json::field(p, "id")?);
            }
            "object" => {
                if std::mem::replace(&mut seen_object, true) {
                    return Err(duplicate("object", p));
                }
                let object = p.parse_str().map_err(|e| e.at_field("object"))?;
                if object != "event" {
                    let kind = ErrorKind::Custom(format!("`object` is {object:?}, not \"event\""));
                    return Err(JsonError::new(kind, p.position()).at_field("object"));
                }
            }
            "api_version" => api_version = json::field(p, "api_version")?,
            "created" => created = Some(json::field(p, "created")?),
            "livemode" => livemode = json::field(p, "livemode")?,
            "pending_webhooks" => pending_webhooks = json::field(p, "pending_webhooks")?,
            "request" => request = parse_request(p).map_err(|e| e.at_field("request"))?,
            "account" => account = json::field(p, "account")?,
            "type" => {
                if type_.is_some() {
                    return Err(duplicate("type", p));
                }
                type_ = Some(json::field(p, "type")?);
            }
            "data" if data.is_some() || data_parsed_as.is_some() => {
                return Err(duplicate("data", p));
            }
            "data" => match &type_ {
                Some(t) => data = Some(parse_data(p, t).map_err(|e| e.at_field("data"))?),
                // The payload's type depends on `type`, which Stripe sends after `data`, as the
                // last member. Rather than skipping `data` and coming back to it, parse it at
                // once as the type that the end of the body names; checked below.
                None => {
                    let at = p.checkpoint();
                    let guess = type_near_end(p.input());
                    match &guess {
                        Some(t) => data = Some(parse_data(p, t).map_err(|e| e.at_field("data"))?),
                        None => p.skip_value()?,
                    }
                    data_parsed_as = Some((at, guess));
                }
            },
            _ => p.skip_value()?,
        }
    }
    let type_ = type_.ok_or_else(|| json::missing_field("type", p))?;
    if let Some((at_data, guess)) = data_parsed_as {
        if guess.as_ref() != Some(&type_) {
            let end = p.checkpoint();
            p.restore(at_data);
            data = Some(parse_data(p, &type_).map_err(|e| e.at_field("data"))?);
            p.restore(end);
        }
    }
    Ok(Event {
        id: id.ok_or_else(|| json::missing_field("id", p))?,
        api_version,
        created: created.ok_or_else(|| json::missing_field("created", p))?,
        livemode,
        pending_webhooks,
        request,
        account,
        data: data.ok_or_else(|| json::missing_field("data", p))?,
        type_,
    })
}

/// The error for a member that decides what the event is (`id`, `object`, `type`, `data`,
/// `data.object`) seen a second time. Stripe never repeats them; a body that does could be read
/// two ways (a payload typed by the first `type` under an event reporting the last), so it is
/// refused rather than read one of them.
#[cold]
pub(crate) fn duplicate(name: &'static str, p: &Parser<'_>) -> JsonError {
    JsonError::new(ErrorKind::DuplicateField(name), p.position()).at_field(name)
}

/// A guess at the event type of a body whose last member is `"type": "..."` (Stripe's order),
/// read from its last bytes. Only a guess: the envelope checks it against the real `type` and
/// parses `data` again when they differ.
fn type_near_end(input: &[u8]) -> Option<EventType> {
    const WINDOW: usize = 160;
    let tail = &input[input.len().saturating_sub(WINDOW)..];
    // The last `"type"` in the tail: only the quotes are looked at (a handful).
    let key = memchr::memrchr_iter(b'"', tail).find(|&i| tail[i..].starts_with(b"\"type\""))?;
    let rest = tail[key + 6..].trim_ascii_start().strip_prefix(b":")?;
    let rest = rest.trim_ascii_start().strip_prefix(b"\"")?;
    let value = &rest[..memchr::memchr2(b'"', b'\\', rest)?];
    if rest[value.len()] != b'"' {
        return None;
    }
    EventType::from_known(std::str::from_utf8(value).ok()?)
}

/// `request`: an object in current API versions, a bare request ID before 2017-05-25.
fn parse_request(p: &mut Parser<'_>) -> Result<Option<EventRequest>, JsonError> {
    match p.peek()? {
        json::Kind::Null => {
            p.eat_null()?;
            Ok(None)
        }
        json::Kind::String => Ok(Some(EventRequest {
            id: Some(p.parse_string()?),
            idempotency_key: None,
        })),
        _ => {
            let mut request = EventRequest::default();
            p.begin_object()?;
            while let Some(key) = p.next_key()? {
                match &*key {
                    "id" => request.id = json::field(p, "id")?,
                    "idempotency_key" => {
                        request.idempotency_key = json::field(p, "idempotency_key")?
                    }
                    _ => p.skip_value()?,
                }
            }
            Ok(Some(request))
        }
    }
}

fn parse_data(p: &mut Parser<'_>, event_type: &EventType) -> Result<EventData, JsonError> {
    let mut object = None;
    let mut previous_attributes = None;
    p.begin_object()?;
    while let Some(key) = p.next_key()? {
        match &*key {
            "object" if object.is_some() => return Err(duplicate("object", p)),
            "object" => object = Some(parse_payload(p, event_type)?),
            "previous_attributes" => {
                previous_attributes =
                    parse_previous_attributes(p).map_err(|e| e.at_field("previous_attributes"))?;
            }
            _ => p.skip_value()?,
        }
    }
    Ok(EventData {
        object: object.ok_or_else(|| json::missing_field("object", p))?,
        previous_attributes,
    })
}

/// `previous_attributes`: `null` or an object, kept like a raw payload (a number beyond `f64`'s
/// range as its text).
fn parse_previous_attributes(
    p: &mut Parser<'_>,
) -> Result<Option<serde_json::Map<String, serde_json::Value>>, JsonError> {
    if p.eat_null()? {
        return Ok(None);
    }
    p.parse_raw_object_map().map(Some)
}

/// The typed payload, or the raw one with the reason when it does not fit. Only malformed JSON
/// is an error here: the raw payload keeps any value JSON can write (see
/// [`Parser::parse_raw_value`]).
fn parse_payload(p: &mut Parser<'_>, event_type: &EventType) -> Result<EventObject, JsonError> {
    let start = p.checkpoint();
    match EventObject::parse_typed(event_type, p) {
        Ok(Some(object)) => Ok(object),
        Ok(None) => Ok(EventObject::Unknown(Box::new(UnknownPayload {
            event_type: event_type.as_str().to_owned(),
            raw: p.parse_raw_value()?,
        }))),
        Err(e) if e.is_syntax() => Err(e),
        Err(e) => {
            p.restore(start);
            let raw = p.parse_raw_value()?;
            let error = PayloadError::from(&e.at_field("object").at_field("data"));
            Ok(EventObject::Untyped(Box::new(UntypedPayload {
                event_type: event_type.clone(),
                raw,
                error,
            })))
        }
    }
}
