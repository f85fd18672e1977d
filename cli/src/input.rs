//! What `sign`, `verify` and `parse` share: reading the body, and the one-line description of
//! a parsed event.

use std::io::Read;
use std::path::PathBuf;

use stripe_events::{Event, EventObject};

/// Exit code for bad usage (and unreadable input).
pub const USAGE: u8 = 2;

/// The body from `file`, or standard input for `-` or none; prints the error and returns
/// `None` when it cannot be read.
pub fn read_body(file: Option<&PathBuf>) -> Option<Vec<u8>> {
    let result = match file {
        Some(path) if path.as_os_str() != "-" => {
            std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
        }
        _ => {
            let mut body = Vec::new();
            std::io::stdin()
                .read_to_end(&mut body)
                .map(|_| body)
                .map_err(|e| format!("standard input: {e}"))
        }
    };
    result
        .map_err(|e| eprintln!("stripe-events: cannot read {e}"))
        .ok()
}

/// `type<TAB>id<TAB>typed`, or `type<TAB>id<TAB>raw<TAB>reason`.
pub fn describe(event: &Event) -> String {
    match raw_reason(event) {
        None => format!("{}\t{}\ttyped", event.type_, event.id),
        Some(reason) => format!("{}\t{}\traw\t{reason}", event.type_, event.id),
    }
}

/// Why the payload is not typed, if it is not.
pub fn raw_reason(event: &Event) -> Option<String> {
    match &event.data.object {
        EventObject::Unknown(_) => Some("unknown event type for this build".to_owned()),
        EventObject::Untyped(u) => Some(u.error.to_string()),
        _ => None,
    }
}
