//! What `sign`, `verify` and `parse` share: reading the body, and the one-line description of
//! a parsed event.

use std::io::Read;
use std::path::PathBuf;

use stripe_events::{
    Event, EventNotification, EventObject, ParseError, ReceivedEvent, ThinEventType,
};

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

/// A body of either kind, unverified: its `object` decides.
pub fn parse_any(body: &[u8]) -> Result<ReceivedEvent, ParseError> {
    match Event::from_slice(body) {
        Ok(event) => Ok(ReceivedEvent::Snapshot(event)),
        Err(ParseError::ThinEvent) => EventNotification::from_slice(body).map(ReceivedEvent::Thin),
        Err(e) => Err(e),
    }
}

/// [`describe`] or [`describe_thin`], and whether the event is raw (exit 3 for `parse`).
pub fn describe_any(received: &ReceivedEvent) -> (String, bool) {
    match received {
        ReceivedEvent::Snapshot(event) => (describe(event), raw_reason(event).is_some()),
        ReceivedEvent::Thin(n) => (
            describe_thin(n),
            matches!(n.type_, ThinEventType::Unknown(_)),
        ),
    }
}

/// `type<TAB>id<TAB>thin` for a thin event of a type this build knows, else
/// `type<TAB>id<TAB>raw<TAB>reason`.
pub fn describe_thin(n: &EventNotification) -> String {
    match &n.type_ {
        ThinEventType::Unknown(_) => format!(
            "{}\t{}\traw\tunknown thin event type for this build{}",
            n.type_,
            n.id,
            match stripe_events::thin::API_VERSION {
                Some(v2) => format!(" (v2 spec {v2})"),
                None => " (built without a v2 spec)".to_owned(),
            }
        ),
        _ => format!("{}\t{}\tthin", n.type_, n.id),
    }
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
