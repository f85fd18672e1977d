//! Dispatch results and errors.

use std::fmt;

/// A dispatch in which no handler failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dispatched {
    /// How many handlers ran; 0 means no handler wants this event.
    pub ran: usize,
    /// How many typed handlers of the event's type could not run because its payload did not
    /// fit its generated type ([`EventObject::Untyped`](crate::EventObject::Untyped)) and no
    /// `"raw"` handler took the event instead. Not 0 means the application's own code for this
    /// event did not run: a receiver records the event as `untyped` (`store::Status::Untyped`,
    /// feature `store`), not processed.
    pub skipped: usize,
}

impl Dispatched {
    /// No handler wants this event. Not an error: a receiver still answers 2xx (so Stripe does
    /// not retry it), and may log it.
    pub fn is_unhandled(&self) -> bool {
        self.ran == 0 && self.skipped == 0
    }
}

/// A dispatch in which at least one handler failed. Every handler ran nevertheless (except
/// those whose state was missing); each failure is listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DispatchError {
    /// The event's id.
    pub event_id: String,
    /// The event's type string.
    pub event_type: String,
    /// How many handlers ran, failed ones included (not those skipped for missing state).
    pub ran: usize,
    /// Every failure, in run order.
    pub failures: Vec<HandlerFailure>,
}

impl fmt::Display for DispatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.failures.len();
        write!(
            f,
            "event {} ({}): {n} webhook handler{} failed",
            self.event_id,
            self.event_type,
            if n == 1 { "" } else { "s" }
        )?;
        for (i, failure) in self.failures.iter().enumerate() {
            f.write_str(if i == 0 { ": " } else { "; " })?;
            failure.fmt(f)?;
        }
        Ok(())
    }
}

impl std::error::Error for DispatchError {}

/// One handler's failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandlerFailure {
    /// The handler's name (its full path).
    pub handler: &'static str,
    /// What went wrong.
    pub kind: FailureKind,
}

impl fmt::Display for HandlerFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "handler `{}` {}", self.handler, self.kind)
    }
}

/// What went wrong in a handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailureKind {
    /// It returned an error: its message, then its sources', joined by `": "`.
    Error(String),
    /// It panicked: the panic message.
    Panic(String),
    /// It was not called: it needs state of this type (its name), which the dispatcher does
    /// not have.
    MissingState(&'static str),
}

impl fmt::Display for FailureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Error(message) => write!(f, "returned an error: {message}"),
            Self::Panic(message) => write!(f, "panicked: {message}"),
            Self::MissingState(type_name) => write!(
                f,
                "was not run: it needs state `{type_name}`, which the dispatcher does not have \
                 (call Dispatcher::with_state)"
            ),
        }
    }
}

/// Why a [`Dispatcher`](super::Dispatcher) is not ready: what [`check`] found. Its `Debug` is
/// its message, so `fn main() -> Result<(), Box<dyn Error>>` prints it for people.
///
/// [`check`]: super::Dispatcher::check
#[derive(Clone, PartialEq, Eq)]
pub struct DispatchSetupError {
    /// Every problem, in handler order.
    pub problems: Vec<SetupProblem>,
}

impl fmt::Display for DispatchSetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "{n} webhook handler{} cannot run:",
            if n == 1 { "" } else { "s" }
        )?;
        for problem in &self.problems {
            write!(f, "\n  - {problem}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for DispatchSetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for DispatchSetupError {}

/// One problem [`Dispatcher::check`](super::Dispatcher::check) found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SetupProblem {
    /// A handler needs state the dispatcher does not have.
    MissingState {
        /// The handler's name.
        handler: &'static str,
        /// The state type's name.
        type_name: &'static str,
        /// A state that was given wrapped (`Arc<Db>` where the handler takes `&Db`), if any.
        wrapped: Option<&'static str>,
    },
    /// A handler is registered for an event type this build does not know: it would never run
    /// (events of unknown types go to the `"raw"` handlers).
    UnknownEventType {
        /// The handler's name.
        handler: &'static str,
        /// Its event type string.
        event_type: &'static str,
    },
}

impl fmt::Display for SetupProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingState {
                handler,
                type_name,
                wrapped,
            } => {
                write!(
                    f,
                    "handler `{handler}` needs state of type `{type_name}`, which the \
                     dispatcher does not have: call Dispatcher::with_state with a `{type_name}`"
                )?;
                if let Some(wrapped) = wrapped {
                    write!(
                        f,
                        " (it has a `{wrapped}`: give the value itself, the dispatcher already \
                         shares it between handlers, or take `&{wrapped}` in the handler)"
                    )?;
                }
                Ok(())
            }
            Self::UnknownEventType {
                handler,
                event_type,
            } => write!(
                f,
                "handler `{handler}` is registered for event type `{event_type}`, which this \
                 build does not know (API version {}): it would never run",
                crate::API_VERSION
            ),
        }
    }
}

/// `error`'s message, then its sources', joined by `": "`. A source whose message the chain
/// already ends with (an error that prints its source itself) is not repeated.
pub(crate) fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        let next = e.to_string();
        if !next.is_empty() && !message.ends_with(&next) {
            message.push_str(": ");
            message.push_str(&next);
        }
        source = e.source();
    }
    message
}

/// The message of a panic payload (`panic!` gives a `&str` or a `String`).
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(a panic payload that is not a string)".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Wrap(&'static str, Option<Box<Wrap>>);

    impl fmt::Display for Wrap {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Wrap {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|e| e as _)
        }
    }

    #[test]
    fn chains_sources_without_repeating_them() {
        let e = Wrap(
            "saving",
            Some(Box::new(Wrap("db", Some(Box::new(Wrap("eof", None)))))),
        );
        assert_eq!(error_chain(&e), "saving: db: eof");
        let e = Wrap("saving: db", Some(Box::new(Wrap("db", None))));
        assert_eq!(error_chain(&e), "saving: db");
    }

    #[test]
    fn panic_messages() {
        assert_eq!(panic_message(&"static"), "static");
        assert_eq!(panic_message(&String::from("owned")), "owned");
        assert!(panic_message(&42u8).contains("not a string"));
    }
}
