//! `stripe-events events list|replay`: the stored deliveries.

use std::path::Path;

use stripe_events::receiver::Outcome;
use stripe_events::store::{EventStore, Status, StoredDelivery};

/// One delivery: `event id<TAB>event type<TAB>signature valid<TAB>status<TAB>attempts`.
pub fn row(d: &StoredDelivery) -> String {
    format!(
        "{}\t{}\t{}\t{}\t{}",
        d.event_id.as_deref().unwrap_or("-"),
        d.event_type.as_deref().unwrap_or("-"),
        d.signature_valid,
        d.status.as_str(),
        d.attempts
    )
}

/// `events list`.
pub fn list(db: &Path, status: Option<Status>) -> Result<(), String> {
    let store = stripe_events::store::SqliteStore::open(db)
        .map_err(|e| format!("{}: {e}", db.display()))?;
    for d in store.list(status).map_err(|e| e.to_string())? {
        println!("{}", row(&d));
    }
    Ok(())
}

/// `events replay`: re-runs the handlers of one stored event, or of every failed (or pending)
/// one. Prints `event id<TAB>outcome`; `Ok(false)` when any did not end processed.
pub fn replay(db: &Path, id: Option<&str>, status: Status) -> Result<bool, String> {
    let receiver = crate::receive::receiver(db, &[])?;
    crate::receive::runtime()?.block_on(async {
        let outcomes = match id {
            Some(id) => vec![(
                id.to_owned(),
                receiver.replay(id).await.map_err(|e| e.to_string())?,
            )],
            None => receiver.replay_all(status, crate::trigger::now()).await,
        };
        let mut all_ok = true;
        for (id, outcome) in &outcomes {
            all_ok &= matches!(
                outcome,
                Outcome::Processed { .. } | Outcome::Unhandled | Outcome::Duplicate
            );
            println!("{id}\t{outcome:?}");
        }
        Ok(all_ok)
    })
}
