//! One registered handler, and the state type it needs.

use std::any::TypeId;
use std::fmt;

use super::{BoxError, HandlerFuture, Invocation};

/// One registered handler. `#[webhook_handler]` creates one static per annotated function;
/// tests and applications can also build them by hand for [`Dispatcher::from_handlers`].
///
/// ```
/// use stripe_events::dispatch::{BoxError, Handler, HandlerFn, Invocation, StateRequirement};
///
/// struct Db;
///
/// fn audit(inv: &Invocation<'_>) -> Result<(), BoxError> {
///     let _db: &Db = inv.state::<Db>();
///     println!("{} {}", inv.context().id, inv.context().event_type);
///     Ok(())
/// }
///
/// static AUDIT: Handler = Handler {
///     event_type: Handler::ANY,
///     name: "my_app::audit",
///     state: Some(StateRequirement::of::<Db>()),
///     call: HandlerFn::Sync(audit),
/// };
/// assert_eq!(AUDIT.state.unwrap().name(), std::any::type_name::<Db>());
/// ```
///
/// [`Dispatcher::from_handlers`]: super::Dispatcher::from_handlers
#[derive(Clone, Copy)]
pub struct Handler {
    /// The event type string it handles: a snapshot type (`"product.created"`) or a thin one
    /// (`"v2.core.event_destination.ping"`), or [`Handler::ANY`] (`"*"`, every snapshot
    /// event), or [`Handler::RAW`] (`"raw"`, snapshot events that could not be typed).
    pub event_type: &'static str,
    /// Its full path, e.g. `"my_app::billing::on_product_created"`: reported in failures, and
    /// the order handlers of one group run in.
    pub name: &'static str,
    /// The state type it reads with [`Invocation::state`], if any.
    pub state: Option<StateRequirement>,
    /// The function to call.
    pub call: HandlerFn,
}

impl Handler {
    /// The `event_type` of a handler that runs for every snapshot event (after the others;
    /// never for a thin event notification).
    pub const ANY: &'static str = "*";
    /// The `event_type` of a handler that runs for snapshot events that could not be typed (an
    /// event type this build does not know, or a payload that did not fit its type).
    pub const RAW: &'static str = "raw";
}

impl fmt::Debug for Handler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handler")
            .field("event_type", &self.event_type)
            .field("name", &self.name)
            .field("state", &self.state)
            .field("call", &self.call)
            .finish()
    }
}

/// How to call a handler.
#[derive(Clone, Copy)]
pub enum HandlerFn {
    /// A synchronous function, called inline.
    Sync(fn(&Invocation<'_>) -> Result<(), BoxError>),
    /// A function returning a future, awaited before the next handler runs.
    Async(for<'a> fn(&'a Invocation<'a>) -> HandlerFuture<'a>),
}

impl fmt::Debug for HandlerFn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Sync(_) => "Sync(..)",
            Self::Async(_) => "Async(..)",
        })
    }
}

/// The state type a handler needs (see [`Dispatcher::with_state`]).
///
/// Both fields are functions so that [`StateRequirement::of`] is a `const fn` usable in a
/// static's initializer (`std::any::type_name` is not yet `const`).
///
/// [`Dispatcher::with_state`]: super::Dispatcher::with_state
#[derive(Clone, Copy)]
pub struct StateRequirement {
    /// `TypeId::of::<T>`.
    pub type_id: fn() -> TypeId,
    /// `std::any::type_name::<T>`: see [`StateRequirement::name`].
    pub type_name: fn() -> &'static str,
}

impl StateRequirement {
    /// The requirement for state of type `T`.
    pub const fn of<T: std::any::Any + Send + Sync>() -> Self {
        Self {
            type_id: TypeId::of::<T>,
            type_name: std::any::type_name::<T>,
        }
    }

    /// The type's [`TypeId`].
    pub fn id(&self) -> TypeId {
        (self.type_id)()
    }

    /// The type's name, e.g. `"my_app::Db"`.
    pub fn name(&self) -> &'static str {
        (self.type_name)()
    }
}

impl fmt::Debug for StateRequirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("StateRequirement")
            .field(&self.name())
            .finish()
    }
}

impl PartialEq for StateRequirement {
    fn eq(&self, other: &Self) -> bool {
        self.id() == other.id()
    }
}

impl Eq for StateRequirement {}
