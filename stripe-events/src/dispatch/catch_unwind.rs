//! A handler's future, with every poll (and its drop) guarded against panics.

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::task::{Context, Poll};

use super::{BoxError, HandlerFuture};

/// Resolves to the handler's result, or to the panic payload if polling (or dropping) the
/// future panicked.
pub(crate) struct CatchUnwind<'a> {
    future: Option<HandlerFuture<'a>>,
}

impl<'a> CatchUnwind<'a> {
    pub(crate) fn new(future: HandlerFuture<'a>) -> Self {
        Self {
            future: Some(future),
        }
    }

    /// Drops the inner future; a panic in its drop is caught and returned.
    fn drop_future(&mut self) -> std::thread::Result<()> {
        match self.future.take() {
            Some(future) => catch_unwind(AssertUnwindSafe(move || drop(future))),
            None => Ok(()),
        }
    }
}

impl Future for CatchUnwind<'_> {
    type Output = std::thread::Result<Result<(), BoxError>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let Some(future) = self.future.as_mut() else {
            panic!("CatchUnwind polled after completion");
        };
        match catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(result)) => Poll::Ready(self.drop_future().map(|()| result)),
            Err(payload) => {
                // A second panic while dropping is dropped itself: the first one is reported.
                let _ = self.drop_future();
                Poll::Ready(Err(payload))
            }
        }
    }
}

impl Drop for CatchUnwind<'_> {
    fn drop(&mut self) {
        // The dispatch future was dropped while this handler was pending (cancelled): its
        // drop must not unwind out of the dispatcher either.
        let _ = self.drop_future();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dispatch::block_on::block_on;

    struct PanicOnDrop;

    impl Drop for PanicOnDrop {
        fn drop(&mut self) {
            panic!("dropped");
        }
    }

    #[test]
    fn catches_panics_in_poll_and_in_drop() {
        let ok = CatchUnwind::new(Box::pin(async { Ok(()) }));
        assert!(matches!(block_on(ok), Ok(Ok(()))));

        let panics = CatchUnwind::new(Box::pin(async { panic!("in poll") }));
        let payload = block_on(panics).unwrap_err();
        assert_eq!(crate::dispatch::error::panic_message(&*payload), "in poll");

        let guard = PanicOnDrop;
        let drop_panics = CatchUnwind::new(Box::pin(async move {
            let _guard = guard;
            Ok(())
        }));
        let payload = block_on(drop_panics).unwrap_err();
        assert_eq!(crate::dispatch::error::panic_message(&*payload), "dropped");

        // Never polled, dropped: the panic stays inside.
        let guard = PanicOnDrop;
        drop(CatchUnwind::new(Box::pin(async move {
            let _guard = guard;
            Ok(())
        })));
    }
}
