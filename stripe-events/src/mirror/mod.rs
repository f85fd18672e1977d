//! A typed mirror of Stripe objects: the current state of each object, kept up to date from
//! the events that carry it, correct whatever order Stripe delivers them in (feature `store`;
//! kept in SQLite with `sqlite`, in PostgreSQL with `postgres`).
//!
//! A [`Mirror`] applies each snapshot event whose `data.object` has an `id` to a table of
//! objects, one row per object type (the payload's `object`: `"product"`,
//! `"subscription"`...) and id: the JSON of `data.object` byte for byte as Stripe rendered it,
//! the id and `created` of the event that set it, and whether the object was deleted. It reads
//! them back raw ([`Mirror::get`], [`Mirror::list`]) or typed with the generated types
//! ([`Mirror::get_typed`]: `mirror.get_typed::<Product>("prod_1")`, any type that implements
//! [`StripeObject`]), raw with the reason when the JSON does not fit the type. The table lives
//! in the event store's own database: [`MemoryStore`](crate::store::MemoryStore),
//! `SqliteStore` and `PostgresStore` implement [`ObjectStore`].
//!
//! # The order guarantee
//!
//! Events are ordered by (event `created`, [`Rank`], event id), where the rank of a
//! `*.created` event is below any other's and a `*.deleted` event's above; a deleted object
//! stays deleted (a `*.deleted` event takes precedence over any other event, and no
//! later-dated update brings the object back). An event writes only when it comes after the
//! one that set the stored object in that order, in one atomic compare-and-write of the store
//! (one `INSERT ... ON CONFLICT DO UPDATE ... WHERE` statement in SQLite and PostgreSQL), so a
//! late retry never writes stale data over fresh, a duplicate changes nothing, and two
//! receivers applying events at once cannot interleave: whatever the delivery order, the
//! mirror ends in the state of the last event in that order. **Why ties are safe**: Stripe's
//! `created` is in whole seconds, and two events about one object often share a second; both
//! carry the full object, so either is a real state of the object, the pick between them is
//! fixed (by rank, then event id) whatever the order they arrive in, so every receiver
//! converges to the same one, and the next event dated a later second overwrites it. Within
//! that one second the mirror may keep the earlier of two states; an application that cannot
//! accept that needs the exact alternative: fetch the current object from Stripe's API for
//! each event (dj-stripe's way), whose result does not depend on the events' order at all:
//! re-fetch mode, `Mirror::refetching` (feature `client`; a later fetch replaces an earlier
//! one, see [`ObjectWrite::replaces`]).
//!
//! # Handlers first, then the mirror
//!
//! With [`ReceiverConfig::mirror`](crate::receiver::ReceiverConfig::mirror) (feature
//! `axum`), the receiver applies each snapshot event to the mirror after its handlers
//! succeeded and before it marks the event processed; a failure to apply it fails the attempt,
//! which is retried like a handler's failure. So a handler still reads the state *before* the
//! event: the receiver gives handlers the mirror as dispatcher state (`&Mirror` as a
//! handler's state parameter). A handler that keeps a table of its own in sync:
//!
//! ```standalone_crate
//! use std::collections::HashMap;
//! use std::sync::Mutex;
//! use stripe_events::mirror::Mirror;
//! use stripe_events::store::MemoryStore;
//! use stripe_events::{Product, testing, webhook_handler, Dispatcher, Event};
//!
//! /// The application's table: product id -> name.
//! static NAMES: Mutex<Option<HashMap<String, String>>> = Mutex::new(None);
//!
//! #[webhook_handler("product.updated")]
//! fn on_product_updated(mirror: &Mirror, product: &Product) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//!     // Runs before the mirror applies this event: the stored object is the previous one.
//!     let previous = mirror.get_typed::<Product>(&product.id)?;
//!     if let Some(previous) = previous.as_ref().and_then(|p| p.object.as_ref().ok()) {
//!         println!("{} renamed from {}", product.id, previous.name);
//!     }
//!     NAMES.lock().unwrap().get_or_insert_default().insert(product.id.to_string(), product.name.to_string());
//!     Ok(())
//! }
//!
//! # fn product(name: &str) -> serde_json::Value {
//! #     serde_json::json!({"id": "prod_1", "object": "product", "active": true, "created": 1,
//! #         "images": [], "livemode": false, "marketing_features": [], "metadata": {},
//! #         "name": name, "updated": 1})
//! # }
//! let mirror = Mirror::new(MemoryStore::new());
//! let dispatcher = Dispatcher::new().with_state(mirror.clone());
//! // What the receiver does with each delivery: handlers, then the mirror.
//! for (id, created, name) in [("evt_2", 20, "Gold"), ("evt_1", 10, "Silver")] {
//!     let mut envelope = testing::event_envelope(id, "product.updated", &product(name));
//!     envelope["created"] = created.into();
//!     let body = envelope.to_string();
//!     let event = Event::from_slice(body.as_bytes())?;
//!     dispatcher.dispatch_blocking(&event)?;
//!     mirror.apply(&event, body.as_bytes())?;
//! }
//! // evt_1 came late and is older: the mirror kept evt_2's product.
//! let product = mirror.get_typed::<Product>("prod_1")?.unwrap();
//! assert_eq!(product.event_id, "evt_2");
//! assert_eq!(product.object.unwrap().name, "Gold");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Thin events carry no object: the mirror skips them.
//!
//! # Which objects, and the table
//!
//! Every snapshot event whose `data.object` has a string `id` and `object` (read from the JSON,
//! so typed, untyped and unknown payloads alike), or only the types given to
//! [`Mirror::only`]. A store keeps, per object type and id: the JSON, the event's id,
//! `created` and [`Rank`], the deleted flag, and `fetched_at` (unix microseconds), set only by
//! a write of an object fetched from Stripe's API ([`ObjectWrite::fetched_at`]; `None` for
//! the objects events carry). Every write, whatever its source, goes through the one
//! compare-and-write of [`ObjectStore::put_object`].

#[cfg(feature = "client")]
mod refetch;
#[cfg(test)]
pub(crate) mod suite;
#[cfg(test)]
mod tests;

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

use crate::store::StoreError;
use crate::{Event, PayloadError, ReceivedEvent, StripeObject, UntypedJson};

pub use crate::object::ObjectOf;
#[cfg(feature = "client")]
pub use refetch::MirrorError;

/// Where an event sorts among the events of the same `created` second: `*.created` first,
/// `*.deleted` last, every other event type in between (see the
/// [order guarantee](self#the-order-guarantee)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rank {
    /// A `*.created` event.
    Created = 0,
    /// Any other event type (`*.updated`, `invoice.paid`...).
    Other = 1,
    /// A `*.deleted` event.
    Deleted = 2,
}

impl Rank {
    /// The rank of an event of type `event_type`, by its last segment.
    ///
    /// ```
    /// use stripe_events::mirror::Rank;
    /// assert_eq!(Rank::of("product.created"), Rank::Created);
    /// assert_eq!(Rank::of("customer.subscription.updated"), Rank::Other);
    /// assert_eq!(Rank::of("customer.subscription.deleted"), Rank::Deleted);
    /// ```
    pub fn of(event_type: &str) -> Self {
        match event_type.rsplit('.').next() {
            Some("created") => Self::Created,
            Some("deleted") => Self::Deleted,
            _ => Self::Other,
        }
    }

    /// As stored (0, 1, 2).
    pub fn as_i64(self) -> i64 {
        self as i64
    }

    /// The rank stored as `n`; `None` for a number that is no rank.
    pub fn from_i64(n: i64) -> Option<Self> {
        match n {
            0 => Some(Self::Created),
            1 => Some(Self::Other),
            2 => Some(Self::Deleted),
            _ => None,
        }
    }
}

/// One object to write ([`ObjectStore::put_object`]): the object, and what decides whether it
/// replaces the stored one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectWrite<'a> {
    /// The object's type, its `object` value (`"product"`).
    pub object_type: &'a str,
    /// The object's id (`prod_1`).
    pub id: &'a str,
    /// The object's JSON, as Stripe rendered it.
    pub json: &'a str,
    /// The id of the event that carries it.
    pub event_id: &'a str,
    /// That event's `created` (unix seconds).
    pub event_created: i64,
    /// That event's rank.
    pub rank: Rank,
    /// Whether the object is deleted from this write on.
    pub deleted: bool,
    /// When the object was fetched from Stripe's API (unix microseconds); `None` for an
    /// object that came in an event.
    pub fetched_at: Option<i64>,
}

impl ObjectWrite<'_> {
    /// The precedence of an object that came in an event: (deleted, event `created`, rank,
    /// event id). Such a write replaces the stored object only when its precedence is
    /// greater: an older event, a duplicate, or any event after a deletion, changes nothing.
    pub fn precedence(&self) -> (bool, i64, Rank, &str) {
        (self.deleted, self.event_created, self.rank, self.event_id)
    }

    /// Whether this write replaces `stored`: the rule every [`ObjectStore`] applies
    /// atomically.
    ///
    /// * An object that came in an event (`fetched_at` is `None`) replaces a stored one of
    ///   lower [precedence](Self::precedence); over an object fetched from Stripe's API, only
    ///   when the event is also newer than that fetch (its `created` second after the fetch's
    ///   microsecond).
    /// * An object fetched from Stripe's API (re-fetch mode) is the object's state when the
    ///   request was sent: it replaces a stored one that is not deleted and is older, i.e.
    ///   fetched before (`fetched_at`), or carried by an event whose `created` is before the
    ///   fetch. Which event caused the fetch does not matter: the order of events does not.
    /// * A deleted object stays deleted: only another deleted write of greater precedence
    ///   (or a later fetch of it) replaces it.
    pub fn replaces(&self, stored: &MirroredObject) -> bool {
        // Stored: the microsecond its state is as of.
        let stored_as_of = stored
            .fetched_at
            .unwrap_or(stored.event_created.saturating_mul(1_000_000));
        match self.fetched_at {
            None => {
                let stored_precedence = (
                    stored.deleted,
                    stored.event_created,
                    stored.rank,
                    stored.event_id.as_str(),
                );
                self.precedence() > stored_precedence
                    && stored
                        .fetched_at
                        .is_none_or(|f| self.event_created.saturating_mul(1_000_000) > f)
            }
            Some(fetched_at) => (self.deleted, fetched_at) > (stored.deleted, stored_as_of),
        }
    }
}

/// An object as the mirror keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MirroredObject {
    /// Its type, its `object` value (`"product"`).
    pub object_type: String,
    /// Its id.
    pub id: String,
    /// Its JSON, byte for byte as Stripe rendered it in the event that set it.
    pub json: String,
    /// The id of the event that set it.
    pub event_id: String,
    /// That event's `created` (unix seconds).
    pub event_created: i64,
    /// That event's rank.
    pub rank: Rank,
    /// Whether a `*.deleted` event deleted it (the JSON is then the one that event carried).
    pub deleted: bool,
    /// When it was fetched from Stripe's API (unix microseconds); `None` when it came in an
    /// event.
    pub fetched_at: Option<i64>,
}

impl MirroredObject {
    /// The stored JSON parsed as `T`, or raw with the reason when it does not fit.
    ///
    /// # Errors
    ///
    /// [`UntypedJson`] when the JSON does not fit `T` (its path is from the object's top).
    pub fn parse<T: StripeObject>(&self) -> Result<T, UntypedJson> {
        crate::json::from_slice::<T>(self.json.as_bytes()).map_err(|e| UntypedJson {
            raw: serde_json::from_str(&self.json).unwrap_or(serde_json::Value::Null),
            error: PayloadError::from(&e),
        })
    }

    /// `deleted` or `live`, as `stripe-events objects list` prints it.
    pub fn state(&self) -> &'static str {
        if self.deleted { "deleted" } else { "live" }
    }
}

/// An object read back typed ([`Mirror::get_typed`]).
#[derive(Debug, Clone)]
pub struct TypedObject<T> {
    /// The object parsed with its generated type, or its raw JSON and the reason it does not
    /// fit (rendered for another API version, say).
    pub object: Result<T, UntypedJson>,
    /// The id of the event that set it.
    pub event_id: String,
    /// That event's `created` (unix seconds).
    pub event_created: i64,
    /// Whether a `*.deleted` event deleted it.
    pub deleted: bool,
}

/// What [`Mirror::apply`] did with an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// The event's object replaced the stored one (or was the first).
    Written,
    /// The stored object was set by an event that comes later in the order (or by this same
    /// event), or is deleted: nothing changed.
    Unchanged,
    /// Not an event the mirror keeps: a thin event, an object without an `id` or an
    /// `object`, or an object type outside [`Mirror::only`].
    Skipped,
}

/// Where a [`Mirror`] keeps objects: one table, and its atomic compare-and-write (see the
/// [order guarantee](self#the-order-guarantee)). Implemented by the event stores
/// ([`MemoryStore`](crate::store::MemoryStore), `SqliteStore`, `PostgresStore`), each in a
/// table of its own (`objects` in SQLite, `stripe_events_objects` in PostgreSQL).
pub trait ObjectStore: Send + Sync + 'static {
    /// Writes `write` in place of the stored object of its type and id when there is none, or
    /// when `write` has the greater [precedence](ObjectWrite::precedence); atomically, so that
    /// of concurrent writes of one object the one of greatest precedence is kept whatever
    /// their order. True when it wrote.
    fn put_object(&self, write: &ObjectWrite<'_>) -> Result<bool, StoreError>;

    /// The stored object of `object_type` and `id`, deleted or not.
    fn get_object(&self, object_type: &str, id: &str)
    -> Result<Option<MirroredObject>, StoreError>;

    /// Every stored object of `object_type`, by id (byte order).
    fn list_objects(&self, object_type: &str) -> Result<Vec<MirroredObject>, StoreError>;
}

impl<S: ObjectStore + ?Sized> ObjectStore for Arc<S> {
    fn put_object(&self, write: &ObjectWrite<'_>) -> Result<bool, StoreError> {
        (**self).put_object(write)
    }

    fn get_object(
        &self,
        object_type: &str,
        id: &str,
    ) -> Result<Option<MirroredObject>, StoreError> {
        (**self).get_object(object_type, id)
    }

    fn list_objects(&self, object_type: &str) -> Result<Vec<MirroredObject>, StoreError> {
        (**self).list_objects(object_type)
    }
}

/// The mirror of Stripe objects (see the [module documentation](self)): cheap to clone, every
/// clone uses the same store.
///
/// ```
/// use stripe_events::mirror::{Applied, Mirror};
/// use stripe_events::store::MemoryStore;
/// use stripe_events::{Event, testing};
///
/// let mirror = Mirror::new(MemoryStore::new()).only(["product"]);
/// let product = serde_json::json!({"id": "prod_1", "object": "product", "active": true,
///     "created": 1, "images": [], "livemode": false, "marketing_features": [], "metadata": {},
///     "name": "Gold", "updated": 1});
/// let body = testing::event_envelope("evt_1", "product.created", &product).to_string();
/// let event = Event::from_slice(body.as_bytes())?;
/// assert_eq!(mirror.apply(&event, body.as_bytes())?, Applied::Written);
/// assert_eq!(mirror.apply(&event, body.as_bytes())?, Applied::Unchanged); // a duplicate
/// let stored = mirror.get("product", "prod_1")?.unwrap();
/// assert_eq!((stored.event_id.as_str(), stored.deleted), ("evt_1", false));
/// assert!(body.contains(&stored.json)); // byte for byte
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Mirror {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn ObjectStore>,
    /// The object types kept; `None`: all.
    only: Option<BTreeSet<String>>,
    /// Re-fetch mode's client and bound ([`Mirror::refetching`]); `None`: the events' copies.
    #[cfg(feature = "client")]
    refetch: Option<Arc<refetch::Refetch>>,
}

impl fmt::Debug for Mirror {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mirror")
            .field("only", &self.inner.only)
            .finish_non_exhaustive()
    }
}

impl Mirror {
    /// A mirror keeping every object that has an `id`, in `store` (give an `Arc` of a store
    /// that is also the receiver's event store: `Arc<S>` is an [`ObjectStore`] too).
    pub fn new(store: impl ObjectStore) -> Self {
        Self {
            inner: Arc::new(Inner {
                store: Arc::new(store),
                only: None,
                #[cfg(feature = "client")]
                refetch: None,
            }),
        }
    }

    /// Keeps only the objects of these types (their `object` value: `"product"`,
    /// `"subscription"`); the events of other objects are [`Applied::Skipped`].
    pub fn only<I, S>(self, object_types: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            inner: Arc::new(Inner {
                store: Arc::clone(&self.inner.store),
                only: Some(object_types.into_iter().map(Into::into).collect()),
                #[cfg(feature = "client")]
                refetch: self.inner.refetch.clone(),
            }),
        }
    }

    /// Whether the mirror keeps objects of `object_type`.
    pub fn keeps(&self, object_type: &str) -> bool {
        self.inner
            .only
            .as_ref()
            .is_none_or(|only| only.contains(object_type))
    }

    /// Applies a snapshot event, given with the raw body it was parsed from (the object's
    /// JSON is sliced from it, never re-serialized): writes its `data.object` unless the
    /// stored object comes later in the [order](self#the-order-guarantee).
    ///
    /// # Errors
    ///
    /// A [`StoreError`] when the store fails, or when `body` has no `data.object` (it is not
    /// the body `event` was parsed from).
    pub fn apply(&self, event: &Event, body: &[u8]) -> Result<Applied, StoreError> {
        self.apply_parts(
            &event.id,
            event.type_.as_str(),
            event.created.as_secs(),
            body,
        )
    }

    /// [`apply`](Self::apply) from the event's id, type and `created`, and its body.
    pub(crate) fn apply_parts(
        &self,
        event_id: &str,
        event_type: &str,
        event_created: i64,
        body: &[u8],
    ) -> Result<Applied, StoreError> {
        let ctx = || format!("mirroring {event_id}");
        let Some(object) = ObjectOf::body(body).map_err(|e| StoreError::new(ctx(), e))? else {
            return Err(StoreError::new(
                ctx(),
                "the body has no data.object: it is not the body of this snapshot event",
            ));
        };
        let (Some(object_type), Some(id)) = (object.object_type.as_deref(), object.id.as_deref())
        else {
            return Ok(Applied::Skipped);
        };
        if !self.keeps(object_type) {
            return Ok(Applied::Skipped);
        }
        let rank = Rank::of(event_type);
        let write = ObjectWrite {
            object_type,
            id,
            json: object.json,
            event_id,
            event_created,
            rank,
            deleted: rank == Rank::Deleted,
            fetched_at: None,
        };
        let written = self
            .inner
            .store
            .put_object(&write)
            .map_err(|e| StoreError::new(ctx(), e))?;
        Ok(if written {
            Applied::Written
        } else {
            Applied::Unchanged
        })
    }

    /// [`Mirror::apply_received`] on tokio's blocking pool (a store call), for async callers:
    /// the receiver, and re-fetch mode for the objects it does not fetch.
    #[cfg(any(feature = "axum", feature = "client"))]
    pub(crate) async fn apply_blocking(
        &self,
        event: &ReceivedEvent,
        body: &[u8],
    ) -> Result<Applied, StoreError> {
        let ReceivedEvent::Snapshot(e) = event else {
            return Ok(Applied::Skipped);
        };
        let (mirror, body) = (self.clone(), body.to_vec());
        let (id, event_type, created) = (
            e.id.clone(),
            e.type_.as_str().to_owned(),
            e.created.as_secs(),
        );
        tokio::task::spawn_blocking(move || mirror.apply_parts(&id, &event_type, created, &body))
            .await
            .map_err(|e| StoreError::new("running a mirror call", e))?
    }

    /// [`apply`](Self::apply) for an event of either kind: a thin event carries no object
    /// and is [`Applied::Skipped`].
    ///
    /// # Errors
    ///
    /// As [`apply`](Self::apply).
    pub fn apply_received(
        &self,
        event: &ReceivedEvent,
        body: &[u8],
    ) -> Result<Applied, StoreError> {
        match event {
            ReceivedEvent::Snapshot(event) => self.apply(event, body),
            ReceivedEvent::Thin(_) => Ok(Applied::Skipped),
        }
    }

    /// The stored object of `object_type` and `id` (deleted or not), raw.
    ///
    /// # Errors
    ///
    /// When the store fails.
    pub fn get(&self, object_type: &str, id: &str) -> Result<Option<MirroredObject>, StoreError> {
        self.inner.store.get_object(object_type, id)
    }

    /// The stored object of type `T` and `id` (deleted or not), parsed as `T`, or raw with
    /// the reason when it does not fit.
    ///
    /// # Errors
    ///
    /// When the store fails.
    pub fn get_typed<T: StripeObject>(
        &self,
        id: &str,
    ) -> Result<Option<TypedObject<T>>, StoreError> {
        Ok(self.get(T::OBJECT, id)?.map(|stored| TypedObject {
            object: stored.parse::<T>(),
            event_id: stored.event_id,
            event_created: stored.event_created,
            deleted: stored.deleted,
        }))
    }

    /// Every stored object of `object_type` (deleted ones too), by id.
    ///
    /// # Errors
    ///
    /// When the store fails.
    pub fn list(&self, object_type: &str) -> Result<Vec<MirroredObject>, StoreError> {
        self.inner.store.list_objects(object_type)
    }
}
