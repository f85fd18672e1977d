//! An authentic webhook body of either kind: a snapshot [`Event`] or a thin
//! [`EventNotification`], told apart by its `object`.

use crate::event::Event;
use crate::notification::EventNotification;

/// A webhook body of either kind, as [`Webhook::parse_any`](crate::Webhook::parse_any) gives
/// it: Stripe sends one kind per event destination, and two destinations (with different
/// secrets) may point at one endpoint.
#[derive(Debug, Clone)]
pub enum ReceivedEvent {
    /// A snapshot event (`"object": "event"`).
    Snapshot(Event),
    /// A thin event notification (`"object": "v2.core.event"`).
    Thin(EventNotification),
}

impl ReceivedEvent {
    /// The event's id (`evt_...`).
    pub fn id(&self) -> &str {
        match self {
            Self::Snapshot(e) => &e.id,
            Self::Thin(n) => &n.id,
        }
    }

    /// The event's type string.
    pub fn type_str(&self) -> &str {
        match self {
            Self::Snapshot(e) => e.type_.as_str(),
            Self::Thin(n) => n.type_.as_str(),
        }
    }

    /// Whether it is a thin event notification.
    pub fn is_thin(&self) -> bool {
        matches!(self, Self::Thin(_))
    }

    /// Live mode (`true`) or test mode (`false`).
    pub fn livemode(&self) -> bool {
        match self {
            Self::Snapshot(e) => e.livemode,
            Self::Thin(n) => n.livemode,
        }
    }
}

impl From<Event> for ReceivedEvent {
    fn from(event: Event) -> Self {
        Self::Snapshot(event)
    }
}

impl From<EventNotification> for ReceivedEvent {
    fn from(notification: EventNotification) -> Self {
        Self::Thin(notification)
    }
}
