//! A minimal executor for one future: poll, park the thread until woken, poll again.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

struct ThreadWaker(Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

fn current_thread_waker() -> Waker {
    thread_local! {
        static WAKER: Waker = Arc::new(ThreadWaker(thread::current())).into();
    }
    WAKER
        .try_with(Waker::clone)
        .unwrap_or_else(|_| Arc::new(ThreadWaker(thread::current())).into())
}

/// Runs `future` to completion on this thread. A wake-up that arrives before the thread
/// parks is not lost (`unpark` then makes the next `park` return at once); spurious wake-ups
/// only cost a poll.
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let waker = current_thread_waker();
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        thread::park();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Pending until another thread sets `done` and wakes it.
    struct WokenElsewhere {
        state: Arc<Mutex<(bool, Option<Waker>)>>,
    }

    impl Future for WokenElsewhere {
        type Output = &'static str;

        fn poll(self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
            let mut state = self.state.lock().unwrap();
            if state.0 {
                return Poll::Ready("done");
            }
            state.1 = Some(cx.waker().clone());
            Poll::Pending
        }
    }

    #[test]
    fn runs_futures_woken_by_other_threads() {
        assert_eq!(block_on(async { 7 }), 7);
        let state = Arc::new(Mutex::new((false, None::<Waker>)));
        let remote = Arc::clone(&state);
        let worker = thread::spawn(move || {
            thread::sleep(std::time::Duration::from_millis(20));
            let mut s = remote.lock().unwrap();
            s.0 = true;
            if let Some(w) = s.1.take() {
                w.wake();
            }
        });
        assert_eq!(block_on(WokenElsewhere { state }), "done");
        worker.join().unwrap();
    }
}
