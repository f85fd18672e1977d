//! Running webhook handlers: route each [`Event`](crate::Event) to the functions registered
//! for its type.
//!
//! A handler is a function annotated with `#[webhook_handler("product.created")]` (crate
//! `stripe-events-macros`); the attribute registers a [`Handler`] in a registry (the
//! `inventory` crate's, filled before `main` starts) that [`Dispatcher::new`] reads. [`Dispatcher::from_handlers`] takes an explicit
//! list instead, which is also how the examples here build one by hand.
//!
//! ```
//! use stripe_events::dispatch::{BoxError, Dispatcher, Handler, HandlerFn, Invocation};
//! use stripe_events::{Event, EventObject};
//!
//! fn on_product_created(inv: &Invocation<'_>) -> Result<(), BoxError> {
//!     let EventObject::ProductCreated(product) = &inv.event().data.object else {
//!         return Err("not a typed product.created event".into());
//!     };
//!     assert_eq!(product.name, "Gold");
//!     Ok(())
//! }
//!
//! static MY_HANDLERS: [Handler; 1] = [Handler {
//!     event_type: "product.created",
//!     name: "my_app::on_product_created",
//!     state: None,
//!     call: HandlerFn::Sync(on_product_created),
//! }];
//!
//! let dispatcher = Dispatcher::from_handlers(&MY_HANDLERS);
//! dispatcher.check()?; // at startup: every handler's state is there
//!
//! let product = serde_json::json!({
//!     "id": "prod_1", "object": "product", "active": true, "created": 1712345678,
//!     "images": [], "livemode": false, "marketing_features": [], "metadata": {},
//!     "name": "Gold", "updated": 1712345678,
//! });
//! let body = stripe_events::testing::event_envelope("evt_1", "product.created", &product);
//! let event = Event::from_slice(body.to_string().as_bytes())?;
//!
//! let dispatched = dispatcher.dispatch_blocking(&event)?; // or `.dispatch(&event).await`
//! assert_eq!(dispatched.ran, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Routing
//!
//! Each [`Handler`] names an [`event_type`](Handler::event_type): an event type string
//! (`"product.created"`), [`"*"`](Handler::ANY) (every event) or [`"raw"`](Handler::RAW)
//! (events that could not be typed).
//!
//! * An event whose payload is typed runs the handlers registered for its type string, then
//!   the `"*"` handlers.
//! * An event that could not be typed ([`EventObject::Unknown`](crate::EventObject::Unknown):
//!   a type this build does not know; [`EventObject::Untyped`](crate::EventObject::Untyped):
//!   a payload that did not fit its type) runs the `"raw"` handlers, then the `"*"` handlers,
//!   and never the typed handlers of its type (they would have no payload to take). A `"raw"`
//!   handler reads it through [`Invocation::raw`].
//! * When typed handlers exist for an event's type but its payload did not fit
//!   (`Untyped`), the dispatch says so: [`Dispatched::skipped`] counts them, unless a `"raw"`
//!   handler is registered, which takes over every payload that did not fit (registering one
//!   is how an application says it handles those itself). `"*"` handlers run either way but
//!   never count as handling it: the receiver then records the event as `untyped`, not
//!   processed, logs a warning with the JSON path and reason, and it can be replayed once
//!   the application is rebuilt with types that fit.
//! * Within each of these groups handlers run sorted by [`name`](Handler::name) (their full
//!   path), ties in registration order: the order is defined, and does not depend on the
//!   order in which the registry collected them. [`Dispatcher::handlers_for_event`] lists it.
//! * The table is built once, in the constructor: finding an event's handlers is one hash
//!   lookup, whatever the number of handlers. Dispatching a typed event to a sync handler
//!   allocates nothing (see `benches/dispatch.rs`).
//! * A thin event notification ([`Dispatcher::dispatch_notification`]) runs the handlers
//!   registered for its thin type (`"v2.core.event_destination.ping"`), in the same order; `"*"`
//!   and `"raw"` handlers take a snapshot event and never run for it, and a thin type this
//!   build does not know runs no handler. A handler's `event_type` names a snapshot type or a
//!   thin one (the specs never share a type string); [`Invocation::notification`] is what
//!   a thin handler reads.
//! * An event no handler wants is not an error: [`Dispatched::ran`] is 0 (a receiver still
//!   answers 2xx, so Stripe does not retry it, and may log it).
//!
//! # Running
//!
//! * Sync handlers ([`HandlerFn::Sync`]) are called inline. Async handlers
//!   ([`HandlerFn::Async`]) are awaited one after another, in order, never concurrently.
//! * [`Dispatcher::dispatch`] is an `async fn` that works under any executor, and its future
//!   is `Send`. [`Dispatcher::dispatch_blocking`] runs the same handlers from synchronous code,
//!   driving async handlers with a minimal built-in executor (it parks the thread until the
//!   handler's future is woken): fine for futures woken by other threads (channels, locks,
//!   blocking clients), but not for ones that need their runtime's reactor on this thread
//!   (tokio timers and sockets need `dispatch` awaited inside that runtime).
//! * Every handler runs, even after an earlier one failed. A handler fails when it returns an
//!   error ([`FailureKind::Error`], with the error's source chain), panics
//!   ([`FailureKind::Panic`]; panics are caught with `catch_unwind`, for async handlers around
//!   every poll, so they never escape `dispatch`; the panic hook still prints them as usual,
//!   and with `panic = "abort"` there is nothing to catch), or needs a state the dispatcher
//!   does not have ([`FailureKind::MissingState`]; the handler is then not called). The result
//!   is [`DispatchError`], listing every failure with the handler's name and the event's id,
//!   or else [`Dispatched`]. A receiver typically answers 5xx on `DispatchError` so that
//!   Stripe retries the delivery: handlers should therefore be idempotent.
//!
//! # State
//!
//! A handler can take shared state (a database pool, a client): its
//! [`state`](Handler::state) names the type, [`Dispatcher::with_state`] provides one value
//! per type, and the handler reads it with [`Invocation::state`]. [`Dispatcher::check`]
//! reports, at startup, every handler whose state is missing (and every handler registered
//! for an event type this build does not know, which could never run).

mod block_on;
mod catch_unwind;
mod context;
mod dispatcher;
mod error;
mod handler;
mod state;
#[cfg(test)]
mod tests;

pub use context::{EventContext, Invocation, RawEvent};
pub use dispatcher::Dispatcher;
pub use error::{
    DispatchError, DispatchSetupError, Dispatched, FailureKind, HandlerFailure, SetupProblem,
};
pub use handler::{Handler, HandlerFn, StateRequirement};

/// The error a handler returns: anything that converts into a boxed error.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The future an async handler returns (see [`HandlerFn::Async`]).
pub type HandlerFuture<'a> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), BoxError>> + Send + 'a>>;

/// Ties a marker type (one per event type, generated) to its event type string and payload
/// type. `#[webhook_handler]` uses it to check, at compile time, that the event type exists
/// and that the handler's payload parameter fits it. Markers of event types whose group this
/// build leaves out (its `events-<group>` feature off) have [`TYPED`](Self::TYPED) false: a
/// handler of such a type fails to compile, naming the feature to enable.
pub trait EventKind {
    /// The event type string, e.g. `"product.created"`.
    const TYPE: &'static str;
    /// Whether this build has the payload types of this event type (its group's feature is
    /// on). When false, [`Payload`](Self::Payload) is raw JSON and
    /// [`payload`](Self::payload) always `None`.
    const TYPED: bool = true;
    /// The payload type, e.g. [`Product`](crate::Product).
    type Payload;
    /// The payload of an event of this type, `None` when `object` is another variant (another
    /// event type, or a payload kept raw).
    fn payload(object: &crate::EventObject) -> Option<&Self::Payload>;
}

/// Conversion of a handler's payload argument from the event's payload. Only `&P` implements
/// it: the point is the compile error when the parameter type does not fit.
#[diagnostic::on_unimplemented(
    message = "this handler's payload parameter has type `{Self}`, but the event carries `{P}`",
    label = "expected `&{P}`",
    note = "a #[webhook_handler] takes the event's payload by reference as its last parameter"
)]
pub trait PayloadParam<'a, P: ?Sized + 'a> {
    /// The argument for `payload`.
    fn from_payload(payload: &'a P) -> Self;
}

impl<'a, P: ?Sized + 'a> PayloadParam<'a, P> for &'a P {
    fn from_payload(payload: &'a P) -> Self {
        payload
    }
}

/// A handler of a thin event type may take the untyped `&EventNotification` too.
impl<'a, K: 'a> PayloadParam<'a, crate::Notification<'a, K>> for &'a crate::EventNotification {
    fn from_payload(payload: &'a crate::Notification<'a, K>) -> Self {
        payload
    }
}

/// A handler's return value: `()` (the handler cannot fail) or `Result<(), E>` where `E`
/// converts into [`BoxError`].
#[diagnostic::on_unimplemented(
    message = "a #[webhook_handler] must return `()` or `Result<(), E>` where `E` converts into `Box<dyn Error + Send + Sync>`",
    label = "returns `{Self}`"
)]
pub trait IntoHandlerResult {
    /// The value as the dispatcher's result type.
    fn into_handler_result(self) -> Result<(), BoxError>;
}

impl IntoHandlerResult for () {
    fn into_handler_result(self) -> Result<(), BoxError> {
        Ok(())
    }
}

impl<E: Into<BoxError>> IntoHandlerResult for Result<(), E> {
    fn into_handler_result(self) -> Result<(), BoxError> {
        self.map_err(Into::into)
    }
}

/// What `#[webhook_handler]` expands to uses; re-exported as `stripe_events::__private`.
/// Not public API.
#[doc(hidden)]
pub mod private {
    pub use super::{
        BoxError, EventKind, Handler, HandlerFn, HandlerFuture, IntoHandlerResult, Invocation,
        PayloadParam, StateRequirement,
    };

    // Every handler registered with `#[webhook_handler]`: each is submitted with
    // `inventory::submit!`, and `Dispatcher::new` iterates them.
    inventory::collect!(Handler);
}
