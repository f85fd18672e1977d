//! The event types the spec defines (written by build.rs from the pinned spec), and the
//! closest one to a misspelt name.

mod table {
    include!(concat!(env!("OUT_DIR"), "/event_types.rs"));
}

pub use table::API_VERSION;

/// The `EventObject` variant of a known event type.
pub fn variant(event_type: &str) -> Option<&'static str> {
    table::EVENT_TYPES
        .binary_search_by(|(t, _)| (*t).cmp(event_type))
        .ok()
        .map(|i| table::EVENT_TYPES[i].1)
}

/// The known event type closest to `name` (edit distance, ties broken by similarity).
pub fn closest(name: &str) -> Option<&'static str> {
    table::EVENT_TYPES.iter().map(|(t, _)| *t).min_by(|a, b| {
        let key = |t: &str| {
            (
                strsim::levenshtein(name, t),
                ordered(1.0 - strsim::jaro_winkler(name, t)),
            )
        };
        key(a).cmp(&key(b))
    })
}

/// An `f64` in `[0, 1]` as an orderable integer.
fn ordered(x: f64) -> u64 {
    (x * 1e9) as u64
}
