//! Events delivered through a cloud event bus instead of a webhook endpoint: Amazon EventBridge
//! (Stripe's partner event source; the event in `detail`) and Azure Event Grid (CloudEvents 1.0;
//! the event in `data`). Either kind of event, snapshot or thin, comes in either envelope.
//!
//! These deliveries carry no `Stripe-Signature`: the cloud authenticates them (an EventBridge
//! rule on Stripe's partner event bus, an Event Grid subscription with its own credentials), so
//! [`Webhook::parse_cloud`] only parses, with the webhook's [API version
//! policy](crate::ApiVersionPolicy). Accept such bodies only from the cloud's own delivery
//! path, never on a public endpoint.
//!
//! ```
//! use stripe_events::cloud::CloudEnvelope;
//! use stripe_events::{ReceivedEvent, Webhook, testing};
//!
//! let event = testing::event_envelope("evt_1", "customer.created", &serde_json::json!({"id": "cus_1"}));
//! let body = serde_json::json!({
//!     "version": "0", "id": "5f1c", "detail-type": "customer.created",
//!     "source": "aws.partner/stripe.com/ed_123", "account": "111122223333",
//!     "time": "2026-12-01T12:00:00Z", "region": "eu-west-1", "resources": [],
//!     "detail": event,
//! });
//! let webhook = Webhook::new("whsec_unused_here");
//! let delivery = webhook.parse_cloud(body.to_string().as_bytes())?;
//! assert!(matches!(delivery.envelope, CloudEnvelope::EventBridge { .. }));
//! assert!(matches!(delivery.event, ReceivedEvent::Snapshot(_)));
//! assert_eq!(delivery.event.id(), "evt_1");
//! # Ok::<(), stripe_events::cloud::CloudError>(())
//! ```

use std::fmt;

use serde_json::Value;

use crate::{ReceivedEvent, Webhook, WebhookError};

/// The envelope a cloud delivery came in, with the fields that identify it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CloudEnvelope {
    /// Amazon EventBridge: the event is the envelope's `detail`.
    EventBridge {
        /// The EventBridge event id (not the Stripe event's).
        id: String,
        /// `source`: for Stripe, `aws.partner/stripe.com/<event destination id>`.
        source: String,
        /// `detail-type`: the Stripe event's type.
        detail_type: String,
    },
    /// CloudEvents 1.0 (Azure Event Grid's CloudEvents schema): the event is the envelope's
    /// `data`.
    CloudEvent {
        /// The CloudEvent id (not the Stripe event's).
        id: String,
        /// `source`.
        source: String,
        /// `type`: the Stripe event's type.
        type_: String,
    },
}

/// A Stripe event delivered in a cloud envelope ([`Webhook::parse_cloud`]).
#[derive(Debug, Clone)]
pub struct CloudDelivery {
    /// The envelope, and what identifies it.
    pub envelope: CloudEnvelope,
    /// The Stripe event in it, of either kind.
    pub event: ReceivedEvent,
}

/// Why a body is not a Stripe event in a cloud envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CloudError {
    /// The body is not JSON (the reason).
    NotJson(String),
    /// JSON, but neither envelope: an EventBridge envelope has `detail-type` and an object
    /// `detail`; a CloudEvent has `specversion` and an object `data` (a `data_base64` payload
    /// is not read). Says what was missing.
    NotAnEnvelope(String),
    /// The envelope's event did not parse (as [`Webhook::parse_any`] says).
    Event(WebhookError),
}

impl fmt::Display for CloudError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotJson(why) => write!(f, "cloud delivery is not JSON: {why}"),
            Self::NotAnEnvelope(why) => {
                write!(f, "not an EventBridge or CloudEvents envelope: {why}")
            }
            Self::Event(e) => write!(f, "the event in the cloud envelope: {e}"),
        }
    }
}

impl std::error::Error for CloudError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Event(e) => Some(e),
            Self::NotJson(_) | Self::NotAnEnvelope(_) => None,
        }
    }
}

impl Webhook {
    /// Parses a Stripe event of either kind from an Amazon EventBridge or a CloudEvents (Azure
    /// Event Grid) envelope, told apart by their members (see the [module documentation](crate::cloud):
    /// there is no signature to verify).
    ///
    /// # Errors
    ///
    /// [`CloudError`]: not JSON, neither envelope, or the event inside did not parse.
    pub fn parse_cloud(&self, body: &[u8]) -> Result<CloudDelivery, CloudError> {
        let value: Value =
            serde_json::from_slice(body).map_err(|e| CloudError::NotJson(e.to_string()))?;
        let Value::Object(mut members) = value else {
            return Err(CloudError::NotAnEnvelope(
                "the body is not a JSON object".into(),
            ));
        };
        let text = |members: &serde_json::Map<String, Value>, key: &str| {
            members
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let (envelope, inner) = if members.contains_key("detail-type") {
            let envelope = CloudEnvelope::EventBridge {
                id: text(&members, "id"),
                source: text(&members, "source"),
                detail_type: text(&members, "detail-type"),
            };
            (envelope, members.remove("detail"))
        } else if members.contains_key("specversion") {
            let envelope = CloudEnvelope::CloudEvent {
                id: text(&members, "id"),
                source: text(&members, "source"),
                type_: text(&members, "type"),
            };
            (envelope, members.remove("data"))
        } else {
            return Err(CloudError::NotAnEnvelope(
                "no `detail-type` (EventBridge) or `specversion` (CloudEvents) member".into(),
            ));
        };
        let member = match envelope {
            CloudEnvelope::EventBridge { .. } => "detail",
            CloudEnvelope::CloudEvent { .. } => "data",
        };
        let inner = match inner {
            Some(inner @ Value::Object(_)) => inner,
            Some(_) => {
                return Err(CloudError::NotAnEnvelope(format!(
                    "`{member}` is not a JSON object"
                )));
            }
            None => {
                return Err(CloudError::NotAnEnvelope(format!("no `{member}` member")));
            }
        };
        // Written out again for the event parser (one pass more than a webhook's body; a
        // cloud delivery is not the receiver's hot path).
        let event_body =
            serde_json::to_vec(&inner).map_err(|e| CloudError::NotJson(e.to_string()))?;
        let event = self.parse_any(&event_body).map_err(CloudError::Event)?;
        Ok(CloudDelivery { envelope, event })
    }
}

#[cfg(test)]
mod tests;
