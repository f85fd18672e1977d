// docs.rs (`DOCS_RS` set) generates from a small sample spec: say so first (see the README's
// "Documentation").
#![cfg_attr(stripe_events_sample_spec, doc = include_str!("docs/docs_rs_sample.md"))]
//! Typed Stripe webhook events, generated at build time from Stripe's own OpenAPI spec.
//!
//! * [`Event`]: the envelope of a webhook delivery, with `data.object` typed per event type in
//!   [`EventObject`] (one variant per event type of the pinned spec, see [`EventType`]).
//! * Every payload type reachable from an event, in [`generated`] (re-exported at the root):
//!   string enums keep values Stripe adds later (`Unrecognized`), expandable fields are
//!   [`Expandable`], polymorphic fields are enums chosen by the JSON `object` field.
//! * Nothing is lost: an event type this build does not know arrives as
//!   [`EventObject::Unknown`], a payload that does not fit its type as
//!   [`EventObject::Untyped`] with the JSON path and reason.
//! * [`Webhook`]: verify the `Stripe-Signature` of the raw body, then parse it
//!   ([`Webhook::construct_event`], like Stripe's `constructEvent`); the [`signature`] module
//!   underneath does HMAC-SHA256, constant-time compare, timestamp tolerance, several secrets.
//! * Thin events (Stripe's v2 event notifications): [`EventNotification`], verified and parsed
//!   by [`Webhook::construct_notification`] (each path refuses the other kind of event, naming
//!   the function to call); their types in [`thin`] ([`ThinEventType`]), generated from the v2
//!   spec the pin names (none without one), with the resource of each type's related object
//!   ([`RelatedObjectType`]) and the typed `data` of its fetched event.
//! * Fetching a thin event and its related object: the `client` module (feature `client`,
//!   HTTPS with `client-rustls`), as Stripe's SDKs' `fetchEvent`/`fetchRelatedObject`, with
//!   retries; the results are typed: [`FetchedEvent`] (its `data` a [`thin::ThinEventData`],
//!   one variant per type) and [`thin::RelatedResource`]. Any v1 object by type and id:
//!   `Client::retrieve_object`, at the paths of [`RETRIEVE_PATHS`].
//! * Validating events against Stripe's API (pinax-stripe's method; feature `client`): the
//!   `validation` module, as a library call or a receiver option
//!   (`ReceiverConfig::validate`): an event runs only when Stripe returns it with the same
//!   type and object.
//! * Which payload each event type carries: the table on
//!   [`EventObject`](EventObject#every-event-type-and-its-payload) (generated, like the types).
//! * [`webhook_handler`]: register a handler at compile time; its documentation lists the
//!   forms and special targets. A thin event type's handler takes the notification typed by
//!   its type, [`Notification`] (its related object typed by the resource the spec names);
//!   the receiver (module `receiver`, feature `axum`) takes both kinds on one endpoint (the body's `object`
//!   decides) and stores thin events like snapshot ones; `stripe-events trigger --thin TYPE`
//!   sends one:
//!
//! ```
//! use stripe_events::thin::{kind, resource};
//! use stripe_events::{Dispatcher, Notification, ReceivedEvent, RelatedId, Webhook, testing, webhook_handler};
//!
//! #[webhook_handler("v2.core.event_destination.ping")]
//! fn on_ping(ping: &Notification<kind::V2CoreEventDestinationPing>) {
//!     let destination: RelatedId<'_, resource::V2CoreEventDestination> = ping.related_object();
//!     println!("ping {} for destination {}", ping.id, destination.id);
//! }
//!
//! // What a delivery does: verify, parse either kind, dispatch.
//! let body = testing::thin_notification("evt_1", "v2.core.event_destination.ping").to_string();
//! let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs() as i64;
//! let header = testing::generate_test_header(body.as_bytes(), "whsec_test", now);
//! let received = Webhook::new("whsec_test").construct_any(body.as_bytes(), Some(&header))?;
//! let ReceivedEvent::Thin(notification) = &received else { unreachable!() };
//! let dispatched = Dispatcher::new().dispatch_notification_blocking(notification)?;
//! assert_eq!(dispatched.ran, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//! * [`testing`]: build signed test deliveries.
//!
//! ```
//! use stripe_events::{Event, EventObject, EventType};
//!
//! let body = br#"{
//!   "id": "evt_1", "object": "event", "api_version": "2024-04-10", "created": 1712345678,
//!   "livemode": false, "pending_webhooks": 1, "request": {"id": null, "idempotency_key": null},
//!   "type": "product.created",
//!   "data": {"object": {"id": "prod_1", "object": "product", "active": true, "created": 1712345678,
//!     "images": [], "livemode": false, "marketing_features": [], "metadata": {"plan": "gold"},
//!     "name": "Gold", "package_dimensions": null, "shippable": null, "type": "service",
//!     "updated": 1712345678, "url": null}}
//! }"#;
//! let event = Event::from_slice(body)?;
//! assert_eq!(event.type_, EventType::ProductCreated);
//! match &event.data.object {
//!     EventObject::ProductCreated(product) => {
//!         assert_eq!(product.id, "prod_1");
//!         assert_eq!(product.metadata["plan"], "gold");
//!     }
//!     other => panic!("unexpected payload {other:?}"),
//! }
//! # Ok::<(), stripe_events::ParseError>(())
//! ```
#![deny(missing_docs)]
// Proving auto traits (`Send`, `RefUnwindSafe`) of the deeply nested payload types needs more
// than the default 128 levels (rustdoc fails without it).
#![recursion_limit = "256"]

#[cfg(feature = "client")]
pub mod client;
pub mod cloud;
mod date_time;
pub mod dispatch;
mod event;
mod expandable;
mod fetched;
pub mod generated;
pub mod json;
mod list;
#[cfg(feature = "axum")]
pub mod manage;
#[cfg(feature = "store")]
pub mod mirror;
mod notification;
mod object;
mod payload;
mod previous;
mod received;
#[cfg(feature = "axum")]
pub mod receiver;
#[cfg(feature = "schemars")]
#[doc(hidden)]
pub mod schema;
pub mod signature;
#[cfg(feature = "store")]
pub mod store;
pub mod testing;
mod timestamp;
mod typed_notification;
#[cfg(feature = "client")]
pub mod validation;
mod webhook;

pub use date_time::{DateTime, DateTimeError};

/// The string type of the generated types' fields: a string of up to 24 bytes is kept inline
/// (no allocation), a longer one on the heap. It derefs to `str`, compares with `&str` and
/// `String`, and converts into a `String` (README, "Strings in the generated types").
///
/// ```
/// use stripe_events::CompactString;
/// let id = CompactString::from("prod_NWjs8kKbJWmuuc");
/// assert_eq!(id, "prod_NWjs8kKbJWmuuc");
/// assert!(!id.is_heap_allocated());
/// let owned: String = id.into();
/// assert_eq!(owned.len(), 19);
/// ```
pub use compact_str::CompactString;

/// The API versions this build's types accept beside [`API_VERSION`], oldest first: the pin's
/// `compatible` list, or `STRIPE_EVENTS_COMPATIBLE` at build time (README, "Compatible API
/// versions"). None by default (strict: the pinned version only).
///
/// ```
/// for version in stripe_events::compatible_api_versions() {
///     assert_ne!(version, stripe_events::API_VERSION);
/// }
/// ```
pub fn compatible_api_versions() -> impl Iterator<Item = &'static str> {
    env!("STRIPE_EVENTS_COMPATIBLE_VERSIONS")
        .split(',')
        .filter(|v| !v.is_empty())
}
pub use dispatch::{Dispatcher, EventContext, RawEvent};
pub use event::{Event, EventData, EventRequest, ParseError};
pub use expandable::Expandable;
pub use fetched::{FetchedEvent, UntypedJson};
pub use generated::thin::{RelatedObjectType, ThinEventType};
pub use generated::*;
pub use list::List;
pub use notification::{EventNotification, EventReason, EventReasonRequest, RelatedObject};
pub use object::{ObjectOf, StripeObject};
pub use payload::{PayloadError, UnknownPayload, UntypedPayload};
pub use previous::{Field, Previous, PreviousAttributes};
pub use received::ReceivedEvent;
pub use signature::SecretError;
#[doc = include_str!("docs/webhook_handler.md")]
pub use stripe_events_macros::webhook_handler;
pub use timestamp::Timestamp;
pub use typed_notification::{
    NoRelatedObject, Notification, NotificationMismatch, RelatedId, RelatedKind, Resource,
    ThinEventKind,
};
pub use webhook::{ApiVersionPolicy, Webhook, WebhookError};

/// Support for the code `#[webhook_handler]` expands to. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::dispatch::private::*;
    pub use crate::generated::__events as events;
    pub use crate::generated::thin::kind as thin_events;
    pub use crate::typed_notification::Notification;
    pub use inventory;
}
