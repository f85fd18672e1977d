//! The dispatcher: the routing table, the state, and running handlers.

use std::any::Any;
use std::mem::Discriminant;
use std::panic::{AssertUnwindSafe, catch_unwind};

use super::block_on::block_on;
use super::catch_unwind::CatchUnwind;
use super::error::{error_chain, panic_message};
use super::state::{FastMap, StateMap};
use super::{
    BoxError, DispatchError, DispatchSetupError, Dispatched, FailureKind, Handler, HandlerFailure,
    HandlerFn, HandlerFuture, Invocation, SetupProblem,
};
use crate::{Event, EventNotification, EventObject, EventType, ReceivedEvent, ThinEventType};

type Group = Box<[&'static Handler]>;

/// Routes events to their handlers (see the [module documentation](super) for the rules).
///
/// Build it once at startup ([`Dispatcher::new`], then [`with_state`](Self::with_state) for
/// each state type, then [`check`](Self::check)), and share it (it is `Send + Sync`).
pub struct Dispatcher {
    /// Every handler, in registration order.
    handlers: Vec<&'static Handler>,
    /// For each event type that has typed handlers: them, then the `"*"` handlers.
    typed: FastMap<Discriminant<EventType>, Group>,
    /// The `"*"` handlers: for typed events without typed handlers.
    any: Group,
    /// The `"raw"` handlers, then the `"*"` handlers: for events that could not be typed.
    raw: Group,
    /// How many of `raw` are `"raw"` handlers (the rest are `"*"`).
    raw_only: usize,
    /// For each thin event type that has handlers: them (thin events run no `"*"` or `"raw"`
    /// handler: those take a snapshot `&Event`).
    thin: FastMap<Discriminant<ThinEventType>, Group>,
    states: StateMap,
}

impl Dispatcher {
    /// A dispatcher for every handler registered with `#[webhook_handler]` in the program.
    pub fn new() -> Self {
        inventory::iter::<Handler>().collect()
    }

    /// A dispatcher for `handlers` only (registered handlers are ignored).
    pub fn from_handlers(handlers: &'static [Handler]) -> Self {
        handlers.iter().collect()
    }

    fn build(handlers: Vec<&'static Handler>) -> Self {
        let mut sorted = handlers.clone();
        sorted.sort_by_key(|h| h.name); // stable: ties keep registration order
        let of = |event_type: &'static str| {
            let sorted = &sorted;
            sorted
                .iter()
                .copied()
                .filter(move |h| h.event_type == event_type)
        };
        let any: Group = of(Handler::ANY).collect();
        let raw_only = of(Handler::RAW).count();
        let raw: Group = of(Handler::RAW).chain(any.iter().copied()).collect();
        let mut typed: FastMap<Discriminant<EventType>, Vec<&'static Handler>> = FastMap::default();
        for &h in &sorted {
            if let Some(event_type) = typed_event_type(h) {
                typed
                    .entry(std::mem::discriminant(&event_type))
                    .or_default()
                    .push(h);
            }
        }
        let typed = typed
            .into_iter()
            .map(|(key, mut group)| {
                group.extend(any.iter().copied());
                (key, group.into_boxed_slice())
            })
            .collect();
        let mut thin: FastMap<Discriminant<ThinEventType>, Vec<&'static Handler>> =
            FastMap::default();
        for &h in &sorted {
            if let Some(event_type) = thin_event_type(h) {
                thin.entry(std::mem::discriminant(&event_type))
                    .or_default()
                    .push(h);
            }
        }
        let thin = thin
            .into_iter()
            .map(|(key, group)| (key, group.into_boxed_slice()))
            .collect();
        Self {
            handlers,
            typed,
            any,
            raw,
            raw_only,
            thin,
            states: StateMap::default(),
        }
    }

    /// Adds a state value that handlers read with [`Invocation::state`]: one value per type, a
    /// second call for the same type replaces the first.
    pub fn with_state<T: Any + Send + Sync>(mut self, state: T) -> Self {
        self.states.insert(state);
        self
    }

    /// Checks that every handler can run: the state it needs is there, and its event type is
    /// one this build knows. Call it at startup.
    ///
    /// ```
    /// use stripe_events::dispatch::{BoxError, Dispatcher, Handler, HandlerFn, Invocation, StateRequirement};
    ///
    /// struct Db;
    /// fn save(inv: &Invocation<'_>) -> Result<(), BoxError> {
    ///     let _db = inv.state::<Db>();
    ///     Ok(())
    /// }
    /// static HANDLERS: [Handler; 1] = [Handler {
    ///     event_type: "product.created",
    ///     name: "my_app::save",
    ///     state: Some(StateRequirement::of::<Db>()),
    ///     call: HandlerFn::Sync(save),
    /// }];
    ///
    /// let err = Dispatcher::from_handlers(&HANDLERS).check().unwrap_err();
    /// assert!(err.to_string().contains("handler `my_app::save` needs state of type"));
    /// assert!(Dispatcher::from_handlers(&HANDLERS).with_state(Db).check().is_ok());
    /// ```
    pub fn check(&self) -> Result<(), DispatchSetupError> {
        let mut problems = Vec::new();
        for h in &self.handlers {
            if let Some(state) = h.state.filter(|s| !self.states.contains(s.id())) {
                let wrapped = self.states.type_names().into_iter().find(|given| {
                    given.ends_with(&format!("<{}>", state.name())) && given.contains('<')
                });
                problems.push(SetupProblem::MissingState {
                    handler: h.name,
                    type_name: state.name(),
                    wrapped,
                });
            }
            let special = h.event_type == Handler::ANY || h.event_type == Handler::RAW;
            if !special && typed_event_type(h).is_none() && thin_event_type(h).is_none() {
                problems.push(SetupProblem::UnknownEventType {
                    handler: h.name,
                    event_type: h.event_type,
                });
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(DispatchSetupError { problems })
        }
    }

    /// The handlers an event of type `event_type` whose payload was typed runs, in run order.
    /// For [`EventType::Unknown`], the handlers of an event this build could not type.
    /// ([`handlers_for_event`](Self::handlers_for_event) also tells an event whose payload
    /// did not fit its type.)
    pub fn handlers_for<'s>(
        &'s self,
        event_type: &EventType,
    ) -> impl Iterator<Item = &'static Handler> + use<'s> {
        let group = match event_type {
            EventType::Unknown(_) => &self.raw,
            known => self.typed_group(known),
        };
        group.iter().copied()
    }

    /// The handlers `event` runs, in run order. (The iterator borrows the dispatcher, not
    /// `event`.)
    pub fn handlers_for_event<'s>(
        &'s self,
        event: &Event,
    ) -> impl Iterator<Item = &'static Handler> + use<'s> {
        self.route(event).iter().copied()
    }

    /// The handlers a thin event notification of type `event_type` runs, in run order (none
    /// for [`ThinEventType::Unknown`]).
    pub fn handlers_for_thin<'s>(
        &'s self,
        event_type: &ThinEventType,
    ) -> impl Iterator<Item = &'static Handler> + use<'s> {
        self.thin_group(event_type).iter().copied()
    }

    /// Every handler, in registration order.
    pub fn handlers(&self) -> impl Iterator<Item = &'static Handler> {
        self.handlers.iter().copied()
    }

    /// Runs `event`'s handlers, awaiting async ones one after another. Every handler runs even
    /// if an earlier one failed; errors and panics are collected in the [`DispatchError`],
    /// never propagated.
    pub async fn dispatch(&self, event: &Event) -> Result<Dispatched, DispatchError> {
        let invocation = Invocation::with_states(event, &self.states);
        let run = run_group(self.route(event), &invocation).await;
        run.finish(&event.id, event.type_.as_str(), self.skipped(event))
    }

    /// Runs the handlers of the thin event notification `notification`: those registered for
    /// its type (`#[webhook_handler("v2.core.account.created")]`), as
    /// [`dispatch`](Self::dispatch) runs a snapshot event's. `"*"` and `"raw"` handlers take
    /// a snapshot `&Event` and never run for a thin event; a notification of a type this
    /// build does not know runs no handler ([`Dispatched::is_unhandled`]).
    ///
    /// # Errors
    ///
    /// As [`dispatch`](Self::dispatch).
    pub async fn dispatch_notification(
        &self,
        notification: &EventNotification,
    ) -> Result<Dispatched, DispatchError> {
        let invocation = Invocation::thin_with_states(notification, &self.states);
        let run = run_group(self.thin_group(&notification.type_), &invocation).await;
        run.finish(&notification.id, notification.type_.as_str(), 0)
    }

    /// [`dispatch`](Self::dispatch) or [`dispatch_notification`](Self::dispatch_notification),
    /// as `received` is.
    ///
    /// # Errors
    ///
    /// As [`dispatch`](Self::dispatch).
    pub async fn dispatch_received(
        &self,
        received: &ReceivedEvent,
    ) -> Result<Dispatched, DispatchError> {
        match received {
            ReceivedEvent::Snapshot(event) => self.dispatch(event).await,
            ReceivedEvent::Thin(notification) => self.dispatch_notification(notification).await,
        }
    }

    /// [`dispatch`](Self::dispatch) from synchronous code: sync handlers run inline, async
    /// ones on a minimal built-in executor that parks this thread until their future is woken
    /// (see the [module documentation](super#running) for what that cannot run).
    pub fn dispatch_blocking(&self, event: &Event) -> Result<Dispatched, DispatchError> {
        let invocation = Invocation::with_states(event, &self.states);
        let run = run_group_blocking(self.route(event), &invocation);
        run.finish(&event.id, event.type_.as_str(), self.skipped(event))
    }

    /// [`dispatch_notification`](Self::dispatch_notification) from synchronous code, as
    /// [`dispatch_blocking`](Self::dispatch_blocking) runs a snapshot event's handlers.
    ///
    /// # Errors
    ///
    /// As [`dispatch`](Self::dispatch).
    pub fn dispatch_notification_blocking(
        &self,
        notification: &EventNotification,
    ) -> Result<Dispatched, DispatchError> {
        let invocation = Invocation::thin_with_states(notification, &self.states);
        let run = run_group_blocking(self.thin_group(&notification.type_), &invocation);
        run.finish(&notification.id, notification.type_.as_str(), 0)
    }

    /// How many typed handlers `event` would have run had its payload fit its type (0 when it
    /// did, or when a `"raw"` handler takes such events).
    pub fn skipped_for_event(&self, event: &Event) -> usize {
        self.skipped(event)
    }

    #[inline]
    fn skipped(&self, event: &Event) -> usize {
        match &event.data.object {
            EventObject::Untyped(_) if self.raw_only == 0 => self
                .typed
                .get(&std::mem::discriminant(&event.type_))
                .map_or(0, |group| group.len() - self.any.len()),
            _ => 0,
        }
    }

    pub(crate) fn states(&self) -> &StateMap {
        &self.states
    }

    #[inline]
    fn route(&self, event: &Event) -> &[&'static Handler] {
        match &event.data.object {
            EventObject::Unknown(_) | EventObject::Untyped(_) => &self.raw,
            // Every payload is raw in a build without event groups.
            #[allow(unreachable_patterns)]
            _ => self.typed_group(&event.type_),
        }
    }

    #[inline]
    fn thin_group(&self, event_type: &ThinEventType) -> &[&'static Handler] {
        match event_type {
            ThinEventType::Unknown(_) => &[],
            known => self
                .thin
                .get(&std::mem::discriminant(known))
                .map_or(&[], |group| group),
        }
    }

    #[inline]
    fn typed_group(&self, event_type: &EventType) -> &[&'static Handler] {
        if self.typed.is_empty() {
            return &self.any;
        }
        match self.typed.get(&std::mem::discriminant(event_type)) {
            Some(group) => group,
            None => &self.any,
        }
    }
}

/// The known event type of a typed handler; `None` for `"*"`, `"raw"` and unknown types.
fn typed_event_type(h: &Handler) -> Option<EventType> {
    EventType::from_known(h.event_type)
}

/// The known thin event type of a thin-event handler; `None` for any other.
fn thin_event_type(h: &Handler) -> Option<ThinEventType> {
    ThinEventType::from_known(h.event_type)
}

/// Runs `group`'s handlers for `invocation`, awaiting async ones one after another.
async fn run_group(group: &[&'static Handler], invocation: &Invocation<'_>) -> Run {
    let mut run = Run::default();
    for &handler in group {
        match start(handler, invocation) {
            Step::Done(ran, result) => run.record(handler, ran, result),
            Step::Pending(future) => {
                let result = CatchUnwind::new(future).await;
                run.record(handler, true, settle(result));
            }
        }
    }
    run
}

/// [`run_group`] from synchronous code.
fn run_group_blocking(group: &[&'static Handler], invocation: &Invocation<'_>) -> Run {
    let mut run = Run::default();
    for &handler in group {
        match start(handler, invocation) {
            Step::Done(ran, result) => run.record(handler, ran, result),
            Step::Pending(future) => {
                let result = block_on(CatchUnwind::new(future));
                run.record(handler, true, settle(result));
            }
        }
    }
    run
}

impl Default for Dispatcher {
    /// [`Dispatcher::new`].
    fn default() -> Self {
        Self::new()
    }
}

impl FromIterator<&'static Handler> for Dispatcher {
    /// A dispatcher for these handlers (in this registration order).
    fn from_iter<I: IntoIterator<Item = &'static Handler>>(handlers: I) -> Self {
        Self::build(handlers.into_iter().collect())
    }
}

impl std::fmt::Debug for Dispatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<_> = self
            .handlers
            .iter()
            .map(|h| (h.event_type, h.name))
            .collect();
        f.debug_struct("Dispatcher")
            .field("handlers", &names)
            .field("states", &self.states.type_names())
            .finish()
    }
}

/// Where a handler call stands after it was started.
enum Step<'a> {
    /// Finished: whether it ran (false: skipped for missing state), and its result.
    Done(bool, Result<(), FailureKind>),
    /// An async handler's future, to be driven.
    Pending(HandlerFuture<'a>),
}

/// Calls `handler`: a sync one to completion, an async one up to its future.
#[inline]
fn start<'a>(handler: &'static Handler, invocation: &'a Invocation<'a>) -> Step<'a> {
    if let Some(state) = handler.state {
        if !invocation.has_state(state.id()) {
            return Step::Done(false, Err(FailureKind::MissingState(state.name())));
        }
    }
    match handler.call {
        HandlerFn::Sync(f) => Step::Done(
            true,
            settle(catch_unwind(AssertUnwindSafe(|| f(invocation)))),
        ),
        HandlerFn::Async(f) => match catch_unwind(AssertUnwindSafe(|| f(invocation))) {
            Ok(future) => Step::Pending(future),
            Err(payload) => Step::Done(true, Err(FailureKind::Panic(panic_message(&*payload)))),
        },
    }
}

/// A handler's outcome as a failure kind.
#[inline]
fn settle(result: std::thread::Result<Result<(), BoxError>>) -> Result<(), FailureKind> {
    match result {
        Ok(Ok(())) => Ok(()),
        Ok(Err(error)) => Err(FailureKind::Error(error_chain(&*error))),
        Err(payload) => Err(FailureKind::Panic(panic_message(&*payload))),
    }
}

/// The tally of one dispatch. Allocates only when a handler fails.
#[derive(Default)]
struct Run {
    ran: usize,
    failures: Vec<HandlerFailure>,
}

impl Run {
    #[inline]
    fn record(&mut self, handler: &'static Handler, ran: bool, result: Result<(), FailureKind>) {
        self.ran += usize::from(ran);
        if let Err(kind) = result {
            self.failures.push(HandlerFailure {
                handler: handler.name,
                kind,
            });
        }
    }

    #[inline]
    fn finish(
        self,
        event_id: &str,
        event_type: &str,
        skipped: usize,
    ) -> Result<Dispatched, DispatchError> {
        if self.failures.is_empty() {
            return Ok(Dispatched {
                ran: self.ran,
                skipped,
            });
        }
        Err(DispatchError {
            event_id: event_id.to_owned(),
            event_type: event_type.to_owned(),
            ran: self.ran,
            failures: self.failures,
        })
    }
}
