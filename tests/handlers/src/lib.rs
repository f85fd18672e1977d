//! Handlers that live in another crate of the test application, spread over modules that
//! nothing imports: registration needs no `mod` import or runtime call, only that the crate
//! is linked.

pub mod billing;

use std::sync::{Arc, Mutex};

/// Application state the test handlers record their calls into; clones share one log, so a
/// test keeps a clone to read what the dispatcher's copy recorded.
#[derive(Debug, Default, Clone)]
pub struct Recorder {
    /// `"<handler>:<event id>"`, in call order.
    calls: Arc<Mutex<Vec<String>>>,
}

impl Recorder {
    /// Records one call.
    pub fn record(&self, handler: &str, event_id: &str) {
        self.calls
            .lock()
            .unwrap()
            .push(format!("{handler}:{event_id}"));
    }

    /// The calls so far.
    pub fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }
}

/// Makes sure the crate is linked into binaries that only use it for its handlers.
pub fn link() {}
