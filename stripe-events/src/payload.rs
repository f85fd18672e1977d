//! Payloads that could not be typed: they are kept, raw, with the reason.

use crate::generated::EventType;

/// Why a payload did not fit its generated type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayloadError {
    /// JSONPath of the offending value inside the event, e.g. `$.data.object.items.data[0].price`.
    pub path: String,
    /// What was wrong there, e.g. ``missing field `id` `` or `expected a string, found a number`.
    pub reason: String,
}

impl std::fmt::Display for PayloadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at {}", self.reason, self.path)
    }
}

impl From<&crate::json::Error> for PayloadError {
    fn from(e: &crate::json::Error) -> Self {
        Self {
            path: e.path(),
            reason: e.reason(),
        }
    }
}

/// The payload of an event type this build does not know.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownPayload {
    /// The event type string as received.
    pub event_type: String,
    /// `data.object` as received. A number beyond `f64`'s range, which [`serde_json::Value`]
    /// cannot hold, is kept as a string of its text (`1e400` as `"1e400"`).
    pub raw: serde_json::Value,
}

/// The payload of a known event type that did not fit its generated type (for example an
/// event rendered for another API version, a value out of its field's range, or an object of
/// another kind than the event type carries: a product under `customer.created`, whose `object`
/// says so). Nothing is lost: the raw JSON and the reason are both here, so a handler can fall
/// back to reading the JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct UntypedPayload {
    /// The event type.
    pub event_type: EventType,
    /// `data.object` as received (a number beyond `f64`'s range as a string of its text, as in
    /// [`UnknownPayload::raw`]).
    pub raw: serde_json::Value,
    /// Where and why typing failed.
    pub error: PayloadError,
}

#[cfg(feature = "serialize")]
impl serde::Serialize for UnknownPayload {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(serializer)
    }
}

#[cfg(feature = "serialize")]
impl serde::Serialize for UntypedPayload {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(serializer)
    }
}
