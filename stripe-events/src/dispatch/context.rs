//! What a handler call sees: the event (or thin notification), its envelope, its raw payload,
//! the state.

use std::any::Any;

use super::state::StateMap;
use super::{Dispatcher, EventKind};
use crate::typed_notification::{Notification, NotificationMismatch, ThinEventKind};
use crate::{
    Event, EventNotification, EventObject, EventRequest, EventType, PayloadError,
    PreviousAttributes, Timestamp,
};

/// What a handler is called for.
#[derive(Clone, Copy)]
enum Subject<'a> {
    /// A snapshot event.
    Snapshot(&'a Event),
    /// A thin event notification.
    Thin(&'a EventNotification),
}

/// What a handler call sees: the event being handled (a snapshot [`Event`] or a thin
/// [`EventNotification`]) and the dispatcher's state.
#[derive(Clone, Copy)]
pub struct Invocation<'a> {
    subject: Subject<'a>,
    states: &'a StateMap,
}

impl<'a> Invocation<'a> {
    /// The invocation `dispatcher` passes its handlers for `event`: for calling a handler
    /// function directly (in a test, say) with the dispatcher's state.
    pub fn new(dispatcher: &'a Dispatcher, event: &'a Event) -> Self {
        Self::with_states(event, dispatcher.states())
    }

    /// The invocation `dispatcher` passes its thin-event handlers for `notification`.
    pub fn for_notification(
        dispatcher: &'a Dispatcher,
        notification: &'a EventNotification,
    ) -> Self {
        Self::thin_with_states(notification, dispatcher.states())
    }

    pub(crate) fn with_states(event: &'a Event, states: &'a StateMap) -> Self {
        Self {
            subject: Subject::Snapshot(event),
            states,
        }
    }

    pub(crate) fn thin_with_states(
        notification: &'a EventNotification,
        states: &'a StateMap,
    ) -> Self {
        Self {
            subject: Subject::Thin(notification),
            states,
        }
    }

    pub(crate) fn has_state(&self, type_id: std::any::TypeId) -> bool {
        self.states.contains(type_id)
    }

    /// The snapshot event.
    ///
    /// # Panics
    ///
    /// For a thin event notification (a handler of a thin event type): read it with
    /// [`Invocation::notification`]; [`Invocation::try_event`] does not panic.
    pub fn event(&self) -> &'a Event {
        match self.subject {
            Subject::Snapshot(event) => event,
            Subject::Thin(n) => panic!(
                "Invocation::event() called for the thin event notification {} ({}): use \
                 Invocation::notification()",
                n.id, n.type_
            ),
        }
    }

    /// The snapshot event, or `None` for a thin event notification.
    pub fn try_event(&self) -> Option<&'a Event> {
        match self.subject {
            Subject::Snapshot(event) => Some(event),
            Subject::Thin(_) => None,
        }
    }

    /// The thin event notification, or `None` for a snapshot event.
    pub fn notification(&self) -> Option<&'a EventNotification> {
        match self.subject {
            Subject::Thin(n) => Some(n),
            Subject::Snapshot(_) => None,
        }
    }

    /// The thin event notification typed as `K` (what a `#[webhook_handler]` of a thin event
    /// type takes).
    ///
    /// # Errors
    ///
    /// [`NotificationMismatch`] for a snapshot event, or a notification of another type (or
    /// whose related object is not of `K`'s resource).
    pub fn typed_notification<K: ThinEventKind>(
        &self,
    ) -> Result<Notification<'a, K>, NotificationMismatch> {
        match self.subject {
            Subject::Thin(n) => Notification::new(n),
            Subject::Snapshot(event) => Err(NotificationMismatch {
                expected_type: K::TYPE,
                expected_resource: <K::Related as crate::RelatedKind>::RESOURCE,
                found_type: format!("{} (a snapshot event)", event.type_),
                found_resource: None,
            }),
        }
    }

    /// The event's id (`evt_...`), of either kind.
    pub fn event_id(&self) -> &'a str {
        match self.subject {
            Subject::Snapshot(event) => &event.id,
            Subject::Thin(n) => &n.id,
        }
    }

    /// The event's type string, of either kind.
    pub fn event_type(&self) -> &'a str {
        match self.subject {
            Subject::Snapshot(event) => event.type_.as_str(),
            Subject::Thin(n) => n.type_.as_str(),
        }
    }

    /// The snapshot event's envelope: everything but the payload.
    ///
    /// # Panics
    ///
    /// For a thin event notification, which is all envelope: read
    /// [`Invocation::notification`].
    pub fn context(&self) -> EventContext<'a> {
        EventContext::new(self.event())
    }

    /// The state of type `T` given to [`Dispatcher::with_state`].
    ///
    /// # Panics
    ///
    /// When the dispatcher has no `T`. The dispatcher does not call a handler whose declared
    /// [`state`](super::Handler::state) is missing, so this only happens for a type the
    /// handler did not declare; the panic, like any handler's, is caught and reported.
    pub fn state<T: Any + Send + Sync>(&self) -> &'a T {
        match self.try_state::<T>() {
            Some(state) => state,
            None => panic!(
                "no state of type `{}` in the dispatcher: add one with Dispatcher::with_state",
                std::any::type_name::<T>()
            ),
        }
    }

    /// The state of type `T`, or `None` when the dispatcher has none.
    pub fn try_state<T: Any + Send + Sync>(&self) -> Option<&'a T> {
        self.states.get::<T>()
    }

    /// The payload, when the event is a snapshot event of kind `K` and was typed.
    pub fn payload<K: EventKind>(&self) -> Option<&'a K::Payload>
    where
        K::Payload: 'a,
    {
        K::payload(&self.try_event()?.data.object)
    }

    /// The event as an event this build could not type: what a [`"raw"`](super::Handler::RAW)
    /// handler reads.
    ///
    /// # Panics
    ///
    /// When the payload is typed (in a `"*"` handler, say), or for a thin event
    /// notification: there is no raw JSON to show then. [`Invocation::try_raw`] does not
    /// panic.
    pub fn raw(&self) -> RawEvent<'a> {
        match self.try_raw() {
            Some(raw) => raw,
            None => panic!(
                "Invocation::raw() called for event {} ({}), whose payload is typed or which \
                 is a thin event notification: use Invocation::event() or Invocation::try_raw()",
                self.event_id(),
                self.event_type()
            ),
        }
    }

    /// The event as an event this build could not type, or `None` when its payload is typed
    /// (or it is a thin event notification).
    pub fn try_raw(&self) -> Option<RawEvent<'a>> {
        RawEvent::new(self.try_event()?)
    }
}

impl std::fmt::Debug for Invocation<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Invocation")
            .field("event", &self.event_id())
            .field("event_type", &self.event_type())
            .field("thin", &self.notification().is_some())
            .field("states", &self.states.type_names())
            .finish()
    }
}

/// The envelope of the event being handled: everything but the payload.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EventContext<'a> {
    /// The event's id (`evt_...`).
    pub id: &'a str,
    /// Its type.
    pub event_type: &'a EventType,
    /// The API version the payload was rendered with.
    pub api_version: Option<&'a str>,
    /// When it was created.
    pub created: Timestamp,
    /// Live mode (`true`) or test mode (`false`).
    pub livemode: bool,
    /// The connected account it is about (Connect).
    pub account: Option<&'a str>,
    /// The API request that caused it.
    pub request: Option<&'a EventRequest>,
    /// For `*.updated` events: the changed attributes and their previous values, raw;
    /// [`EventContext::previous`] reads them typed.
    pub previous_attributes: Option<&'a serde_json::Map<String, serde_json::Value>>,
}

impl<'a> EventContext<'a> {
    /// The envelope of `event`.
    pub fn new(event: &'a Event) -> Self {
        Self {
            id: &event.id,
            event_type: &event.type_,
            api_version: event.api_version.as_deref(),
            created: event.created,
            livemode: event.livemode,
            account: event.account.as_deref(),
            request: event.request.as_ref(),
            previous_attributes: event.data.previous_attributes.as_ref(),
        }
    }

    /// For `*.updated` events: the previous values of the fields of the payload type `S` that
    /// changed, typed one field at a time ([`PreviousAttributes::get`] with the field's
    /// constant, `Subscription::STATUS`); `None` when the event has no `previous_attributes`.
    /// Thin event notifications have none (their handlers get no `EventContext`).
    ///
    /// ```
    /// use stripe_events::{EventContext, Previous, Subscription, SubscriptionStatus, webhook_handler};
    ///
    /// #[webhook_handler("customer.subscription.updated")]
    /// fn status_changed(ctx: &EventContext, sub: &Subscription) {
    ///     let Some(previous) = ctx.previous::<Subscription>() else { return };
    ///     if let Previous::Was(old) = previous.get(Subscription::STATUS) {
    ///         println!("{}: {} -> {}", sub.id, old.as_str(), sub.status.as_str());
    ///     }
    /// }
    ///
    /// # let body = stripe_events::testing::event_envelope("evt_1", "product.updated",
    /// #     &serde_json::json!({}));
    /// # let mut body = body;
    /// body["data"]["previous_attributes"] = serde_json::json!({"status": "trialing"});
    /// # let event = stripe_events::Event::from_slice(body.to_string().as_bytes()).unwrap();
    /// let ctx = EventContext::new(&event);
    /// let previous = ctx.previous::<Subscription>().unwrap();
    /// assert_eq!(previous.get(Subscription::STATUS), Previous::Was(SubscriptionStatus::Trialing));
    /// ```
    ///
    /// [`PreviousAttributes::get`]: crate::PreviousAttributes::get
    pub fn previous<S>(&self) -> Option<PreviousAttributes<'a, S>> {
        self.previous_attributes.map(PreviousAttributes::new)
    }
}

/// An event this build could not type: an unknown event type, or a payload that did not fit
/// its type.
#[derive(Debug, Clone, Copy)]
pub struct RawEvent<'a> {
    /// The event's id.
    pub id: &'a str,
    /// The event type string.
    pub event_type: &'a str,
    /// `data.object` as received.
    pub raw: &'a serde_json::Value,
    /// `None` for an unknown event type ([`EventObject::Unknown`]); where and why typing
    /// failed for a payload that did not fit ([`EventObject::Untyped`]).
    pub reason: Option<&'a PayloadError>,
    /// The whole event.
    pub event: &'a Event,
}

impl<'a> RawEvent<'a> {
    /// The raw view of `event`, `None` when its payload is typed.
    pub fn new(event: &'a Event) -> Option<Self> {
        let (event_type, raw, reason) = match &event.data.object {
            EventObject::Unknown(u) => (u.event_type.as_str(), &u.raw, None),
            EventObject::Untyped(u) => (u.event_type.as_str(), &u.raw, Some(&u.error)),
            // Every payload is raw in a build without event groups.
            #[allow(unreachable_patterns)]
            _ => return None,
        };
        Some(Self {
            id: &event.id,
            event_type,
            raw,
            reason,
            event,
        })
    }
}
