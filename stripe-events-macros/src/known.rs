//! The event types the specs define (written by build.rs from the pinned specs: snapshot event
//! types from the v1 spec, thin event types from the v2 spec), and the closest one to a
//! misspelt name.

mod table {
    include!(concat!(env!("OUT_DIR"), "/event_types.rs"));
}

pub use table::{API_VERSION, THIN_API_VERSION};

/// Which kind of event a type string is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A snapshot event type (`product.created`): an `EventObject` variant.
    Snapshot,
    /// A thin event type (`v2.core.account.created`): a `ThinEventType` variant.
    Thin,
}

/// The kind and variant of a known event type.
pub fn variant(event_type: &str) -> Option<(Kind, &'static str)> {
    let find = |table: &'static [(&'static str, &'static str)]| {
        table
            .binary_search_by(|(t, _)| (*t).cmp(event_type))
            .ok()
            .map(|i| table[i].1)
    };
    find(table::EVENT_TYPES)
        .map(|v| (Kind::Snapshot, v))
        .or_else(|| find(table::THIN_EVENT_TYPES).map(|v| (Kind::Thin, v)))
}

/// The known event type closest to `name` (edit distance, ties broken by similarity), of
/// either kind, with its kind.
pub fn closest(name: &str) -> Option<(Kind, &'static str)> {
    let snapshot = table::EVENT_TYPES.iter().map(|(t, _)| (Kind::Snapshot, *t));
    let thin = table::THIN_EVENT_TYPES
        .iter()
        .map(|(t, _)| (Kind::Thin, *t));
    snapshot.chain(thin).min_by(|(_, a), (_, b)| {
        let key = |t: &str| {
            (
                strsim::levenshtein(name, t),
                ordered(1.0 - strsim::jaro_winkler(name, t)),
            )
        };
        key(a).cmp(&key(b))
    })
}

/// Whether `name` reads like a thin event type (`v2.core.account.created`, or the thin
/// version of a v1 event, `v1.billing.meter.no_meter_found`): snapshot types never start so.
pub fn looks_thin(name: &str) -> bool {
    name.starts_with("v2.") || name.starts_with("v1.")
}

/// An `f64` in `[0, 1]` as an orderable integer.
fn ordered(x: f64) -> u64 {
    (x * 1e9) as u64
}
