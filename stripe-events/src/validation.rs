//! Validating events against Stripe's API, pinax-stripe's way (feature `client`): fetch the
//! event again by its id and keep it only when Stripe returns it with the same type and about
//! the same object.
//!
//! A signature proves that a body was signed with the endpoint's secret; validation proves
//! that Stripe itself has the event, with that type, about that object: it holds for events
//! that come without a signature (through a cloud provider, [`Webhook::parse_cloud`]), and
//! against a leaked signing secret. It costs one API call per event.
//!
//! * A snapshot event is fetched with `GET /v1/events/{id}`, with `Stripe-Account` for a
//!   Connect event (its `account`); it is valid when Stripe's has the same `type` and the same
//!   `data.object.id`.
//! * A thin event is fetched with `GET /v2/core/events/{id}` ([`Client::fetch_event_with`]),
//!   with `Stripe-Context` for its `context`; it is valid when Stripe's has the same `type`
//!   and the same `related_object.id`.
//! * Stripe answers 404: [`Denial::NotFound`]. Another type or object:
//!   [`Denial::OtherType`], [`Denial::OtherObject`]. (Not a 404 saying that a similar object
//!   exists in the other mode: a test key was used for a live event, or the reverse; that is
//!   an error, so that a key of the wrong mode never denies every event.)
//! * Any other failure (no connection, a timeout, 429 or 5xx after the client's retries, 401
//!   for a wrong API key) is an error, not a denial: nobody knows yet whether the event is
//!   Stripe's. The receiver then keeps the event to try again (see
//!   `ReceiverConfig::validate`, feature `axum`).
//!
//! Without a receiver (the event came from a queue, say):
//!
//! ```no_run
//! use stripe_events::client::Client;
//! use stripe_events::validation::{Validation, Verdict};
//! use stripe_events::ReceivedEvent;
//!
//! # async fn run(event: ReceivedEvent) -> Result<(), Box<dyn std::error::Error>> {
//! let validation = Validation::new(Client::new(std::env::var("STRIPE_SECRET_KEY")?)?);
//! match validation.validate(&event).await? {
//!     Verdict::Valid => { /* handle it */ }
//!     Verdict::Denied(denial) => eprintln!("not Stripe's: {denial}"),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! [`Webhook::parse_cloud`]: crate::Webhook::parse_cloud

use std::fmt;

use crate::client::{Client, ClientError, RequestOptions};
use crate::{Event, EventNotification, EventObject, ObjectOf, ReceivedEvent};

/// Validates events against Stripe's API with a [`Client`] (see the
/// [module documentation](self)). Cheap to clone.
#[derive(Debug, Clone)]
pub struct Validation {
    client: Client,
}

/// What Stripe's API said of an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Stripe has the event, with the same type and about the same object.
    Valid,
    /// Stripe does not confirm the event: never run its handlers.
    Denied(Denial),
}

impl Verdict {
    /// Whether Stripe confirmed the event.
    pub fn is_valid(&self) -> bool {
        matches!(self, Self::Valid)
    }
}

/// Why Stripe's API does not confirm an event.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Denial {
    /// Stripe has no event with that id (404), for that account or context.
    NotFound {
        /// The event id.
        event_id: String,
    },
    /// Stripe's event with that id has another type.
    OtherType {
        /// The type delivered.
        delivered: String,
        /// The type Stripe has.
        stripe: String,
    },
    /// Stripe's event with that id is about another object (snapshot: `data.object.id`;
    /// thin: `related_object.id`).
    OtherObject {
        /// The object id delivered.
        delivered: Option<String>,
        /// The object id Stripe has.
        stripe: Option<String>,
    },
}

impl fmt::Display for Denial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let or_none = |id: &Option<String>| id.clone().unwrap_or_else(|| "none".to_owned());
        match self {
            Self::NotFound { event_id } => {
                write!(f, "denied by Stripe's API: no event {event_id} (404)")
            }
            Self::OtherType { delivered, stripe } => write!(
                f,
                "denied by Stripe's API: the event has type {stripe}, not {delivered}"
            ),
            Self::OtherObject { delivered, stripe } => write!(
                f,
                "denied by Stripe's API: the event is about object {}, not {}",
                or_none(stripe),
                or_none(delivered)
            ),
        }
    }
}

impl std::error::Error for Denial {}

impl Validation {
    /// Validation with `client` (its API key, base URL and retries).
    pub fn new(client: Client) -> Self {
        Self { client }
    }

    /// The client it fetches with.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Fetches `event` from Stripe's API by its id and compares (see the
    /// [module documentation](self)). The delivered object id of a snapshot event is read
    /// from its payload: the typed object's `id`, or the raw JSON's; a typed payload that
    /// exposes no id (a polymorphic one, such as a customer source) is compared by type
    /// only; [`validate_body`](Self::validate_body) compares it too.
    ///
    /// # Errors
    ///
    /// A [`ClientError`] when Stripe's answer is neither the event nor 404: no response, a
    /// timeout, 401 (a wrong API key), 429 or 5xx after the client's retries; or a body that
    /// is not an event.
    pub async fn validate(&self, event: &ReceivedEvent) -> Result<Verdict, ClientError> {
        match event {
            ReceivedEvent::Snapshot(e) => self.validate_snapshot(e, delivered_object(e)).await,
            ReceivedEvent::Thin(n) => self.validate_notification(n).await,
        }
    }

    /// As [`validate`](Self::validate), with the delivered object id of a snapshot event
    /// read from `body`, the raw body `event` was parsed from (exact for every payload).
    ///
    /// # Errors
    ///
    /// As [`validate`](Self::validate).
    pub async fn validate_body(
        &self,
        event: &ReceivedEvent,
        body: &[u8],
    ) -> Result<Verdict, ClientError> {
        match event {
            ReceivedEvent::Snapshot(e) => {
                // The body's `data.object.id`, read without parsing the rest (no `data.object`:
                // no id); the payload's when the body does not read.
                let object = match ObjectOf::body(body) {
                    Ok(object) => Some(object.and_then(|o| o.id)),
                    Err(_) => delivered_object(e),
                };
                self.validate_snapshot(e, object).await
            }
            ReceivedEvent::Thin(n) => self.validate_notification(n).await,
        }
    }

    /// A snapshot event: `GET /v1/events/{id}` (with `Stripe-Account` for a Connect event).
    /// `object`: the delivered object id, `None` when it is not known.
    async fn validate_snapshot(
        &self,
        event: &Event,
        object: Option<Option<String>>,
    ) -> Result<Verdict, ClientError> {
        crate::client::check_id("event id", &event.id)?;
        let path = format!("/v1/events/{}", event.id);
        let response = match self
            .client
            .get(&path, &RequestOptions::for_event(event))
            .await
        {
            Ok(response) => response,
            Err(ClientError::Api(e)) if is_missing(&e) => {
                return Ok(Verdict::Denied(Denial::NotFound {
                    event_id: event.id.clone(),
                }));
            }
            Err(e) => return Err(e),
        };
        let parse = |reason: String| ClientError::Parse {
            request: self.client.describe(&path),
            reason,
        };
        let json: serde_json::Value =
            serde_json::from_slice(&response.body).map_err(|e| parse(e.to_string()))?;
        let (Some(type_), Some("event")) = (json["type"].as_str(), json["object"].as_str()) else {
            return Err(parse(
                "not an event (no `type`, or `object` is not \"event\")".to_owned(),
            ));
        };
        if type_ != event.type_.as_str() {
            return Ok(Verdict::Denied(Denial::OtherType {
                delivered: event.type_.as_str().to_owned(),
                stripe: type_.to_owned(),
            }));
        }
        let stripe = json["data"]["object"]["id"].as_str().map(str::to_owned);
        match object {
            Some(delivered) if delivered != stripe => {
                Ok(Verdict::Denied(Denial::OtherObject { delivered, stripe }))
            }
            _ => Ok(Verdict::Valid),
        }
    }

    /// A thin event: `GET /v2/core/events/{id}` (with its context).
    async fn validate_notification(
        &self,
        notification: &EventNotification,
    ) -> Result<Verdict, ClientError> {
        let options = RequestOptions::for_notification(notification);
        let fetched = match self
            .client
            .fetch_event_with(&notification.id, &options)
            .await
        {
            Ok(fetched) => fetched,
            Err(ClientError::Api(e)) if is_missing(&e) => {
                return Ok(Verdict::Denied(Denial::NotFound {
                    event_id: notification.id.clone(),
                }));
            }
            Err(e) => return Err(e),
        };
        if fetched.type_.as_str() != notification.type_.as_str() {
            return Ok(Verdict::Denied(Denial::OtherType {
                delivered: notification.type_.as_str().to_owned(),
                stripe: fetched.type_.as_str().to_owned(),
            }));
        }
        let delivered = notification.related_object.as_ref().map(|o| o.id.clone());
        let stripe = fetched.related_object.as_ref().map(|o| o.id.clone());
        if delivered != stripe {
            return Ok(Verdict::Denied(Denial::OtherObject { delivered, stripe }));
        }
        Ok(Verdict::Valid)
    }
}

/// Whether a 404 says that Stripe has no such event. Not when Stripe says that a similar
/// object exists in the other mode (a test key asked for a live event, or the reverse): that
/// is the key's mistake, and denying every event of that mode would drop them all.
fn is_missing(e: &crate::client::ApiError) -> bool {
    let other_mode = e
        .message
        .as_deref()
        .is_some_and(|m| m.contains("exists in live mode") || m.contains("exists in test mode"));
    e.is_not_found() && !other_mode
}

/// The delivered object id of a snapshot event: `Some(id)` when its payload says (a typed
/// object's `id`, or the raw JSON's), `None` when a typed payload exposes none.
fn delivered_object(event: &Event) -> Option<Option<String>> {
    let raw_id = |raw: &serde_json::Value| raw["id"].as_str().map(str::to_owned);
    match &event.data.object {
        EventObject::Unknown(p) => Some(raw_id(&p.raw)),
        EventObject::Untyped(p) => Some(raw_id(&p.raw)),
        other => other.object_id().map(|id| Some(id.to_owned())),
    }
}
