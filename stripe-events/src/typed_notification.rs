//! A thin event's notification typed by its event type: what a `#[webhook_handler]` of a thin
//! event takes. The markers it is typed by are generated, one per thin event type
//! ([`thin::kind`](crate::thin::kind)) and one per related object resource
//! ([`thin::resource`](crate::thin::resource)).

use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;

use crate::generated::thin::{RelatedObjectType, ThinEventType};
use crate::notification::{EventNotification, RelatedObject};

/// Ties a marker type (one per thin event type, generated in
/// [`thin::kind`](crate::thin::kind)) to its type string and the resource of its related
/// object. `#[webhook_handler("v2.core.account.created")]` checks with it, at compile time,
/// that the handler takes `&Notification<kind::V2CoreAccountCreated>` (or `&EventNotification`).
pub trait ThinEventKind: 'static {
    /// The thin event type string, e.g. `"v2.core.account.created"`.
    const TYPE: &'static str;
    /// The resource of its related object: a [`thin::resource`](crate::thin::resource) marker,
    /// or [`NoRelatedObject`] when the spec names none.
    type Related: RelatedKind;
    /// Its [`ThinEventType`] variant.
    fn event_type() -> ThinEventType;
}

/// What a thin event's related object is: a resource ([`Resource`]) or [`NoRelatedObject`].
pub trait RelatedKind: 'static {
    /// The resource id (`"v2.core.account"`), `None` for [`NoRelatedObject`].
    const RESOURCE: Option<&'static str>;
}

/// A resource a thin event's related object can be (generated in
/// [`thin::resource`](crate::thin::resource)): [`Notification::related_object`] is typed by it.
pub trait Resource: RelatedKind {
    /// The resource id, e.g. `"v2.core.account"` or `"billing.meter"`.
    const TYPE: &'static str;
    /// Its [`RelatedObjectType`] variant.
    fn object_type() -> RelatedObjectType;
}

/// The [`ThinEventKind::Related`] of a thin event type whose notifications carry no related
/// object, or one whose resource the spec does not name (read
/// [`EventNotification::related_object`] then).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NoRelatedObject;

impl RelatedKind for NoRelatedObject {
    const RESOURCE: Option<&'static str> = None;
}

/// A thin event notification of the type `K` names: what a `#[webhook_handler]` of a thin
/// event type takes by reference. It dereferences to the [`EventNotification`] (id, created,
/// context, ...); when the type's related object is a resource, [`related_object`]
/// gives it without an `Option` and typed by that resource.
///
/// ```
/// use stripe_events::thin::{kind, resource};
/// use stripe_events::{EventNotification, Notification, RelatedId};
///
/// let body = br#"{"id": "evt_1", "object": "v2.core.event", "type": "v2.core.event_destination.ping",
///     "created": "2025-12-15T09:30:00Z", "livemode": false,
///     "related_object": {"id": "ed_1", "type": "v2.core.event_destination",
///         "url": "/v2/core/event_destinations/ed_1"}}"#;
/// let n = EventNotification::from_slice(body)?;
/// let ping = Notification::<kind::V2CoreEventDestinationPing>::new(&n)?;
/// let destination: RelatedId<'_, resource::V2CoreEventDestination> = ping.related_object();
/// assert_eq!((destination.id, ping.id.as_str()), ("ed_1", "evt_1"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// [`related_object`]: Notification::related_object
pub struct Notification<'a, K> {
    notification: &'a EventNotification,
    related: Option<&'a RelatedObject>,
    kind: PhantomData<fn() -> K>,
}

impl<'a, K: ThinEventKind> Notification<'a, K> {
    /// `notification` typed as `K`.
    ///
    /// # Errors
    ///
    /// [`NotificationMismatch`] when its type is not `K`'s, or `K`'s related object is a
    /// resource and the notification has none or one of another resource.
    pub fn new(notification: &'a EventNotification) -> Result<Self, NotificationMismatch> {
        let mismatch = |found_related: Option<&str>| NotificationMismatch {
            expected_type: K::TYPE,
            expected_resource: K::Related::RESOURCE,
            found_type: notification.type_.as_str().to_owned(),
            found_resource: found_related.map(str::to_owned),
        };
        let related = notification.related_object.as_ref();
        if notification.type_.as_str() != K::TYPE {
            return Err(mismatch(related.map(|r| r.type_.as_str())));
        }
        if let Some(resource) = K::Related::RESOURCE {
            match related {
                Some(r) if r.type_.as_str() == resource => {}
                other => return Err(mismatch(other.map(|r| r.type_.as_str()))),
            }
        }
        Ok(Self {
            notification,
            related,
            kind: PhantomData,
        })
    }

    /// The notification itself.
    pub fn notification(&self) -> &'a EventNotification {
        self.notification
    }
}

impl<'a, K> Notification<'a, K>
where
    K: ThinEventKind,
    K::Related: Resource,
{
    /// The related object, of the resource `K` names (checked when this was built).
    pub fn related_object(&self) -> RelatedId<'a, K::Related> {
        let related = self
            .related
            .expect("Notification::new checked that the related object is there");
        RelatedId {
            id: &related.id,
            url: &related.url,
            resource: PhantomData,
        }
    }
}

impl<K> Deref for Notification<'_, K> {
    type Target = EventNotification;

    fn deref(&self) -> &EventNotification {
        self.notification
    }
}

impl<K> Clone for Notification<'_, K> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K> Copy for Notification<'_, K> {}

impl<K> fmt::Debug for Notification<'_, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Notification")
            .field(self.notification)
            .finish()
    }
}

/// The related object of a thin event, typed by its resource `R` (a
/// [`thin::resource`](crate::thin::resource) marker): the id of the right kind of object,
/// without looking at its `type`.
pub struct RelatedId<'a, R> {
    /// The object's id (`acct_...`, `mtr_...`).
    pub id: &'a str,
    /// Where to fetch it (a path of Stripe's API).
    pub url: &'a str,
    resource: PhantomData<fn() -> R>,
}

impl<R: Resource> RelatedId<'_, R> {
    /// The resource's [`RelatedObjectType`].
    pub fn object_type(&self) -> RelatedObjectType {
        R::object_type()
    }
}

impl<R> Clone for RelatedId<'_, R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R> Copy for RelatedId<'_, R> {}

impl<R: RelatedKind> fmt::Debug for RelatedId<'_, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RelatedId")
            .field("resource", &R::RESOURCE)
            .field("id", &self.id)
            .field("url", &self.url)
            .finish()
    }
}

/// A notification that is not of the thin event type (or related object resource) a
/// [`Notification`] was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationMismatch {
    /// The type asked for.
    pub expected_type: &'static str,
    /// The resource its related object should be, if any.
    pub expected_resource: Option<&'static str>,
    /// The notification's type.
    pub found_type: String,
    /// The resource of the notification's related object, if it has one.
    pub found_resource: Option<String>,
}

impl fmt::Display for NotificationMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.found_type != self.expected_type {
            return write!(
                f,
                "a `{}` thin event, not the `{}` this handler takes",
                self.found_type, self.expected_type
            );
        }
        let expected = self.expected_resource.unwrap_or("-");
        match &self.found_resource {
            Some(found) => write!(
                f,
                "a `{}` thin event whose related object is a `{found}`, not a `{expected}`",
                self.found_type
            ),
            None => write!(
                f,
                "a `{}` thin event without the related object (`{expected}`) it should have",
                self.found_type
            ),
        }
    }
}

impl std::error::Error for NotificationMismatch {}
