//! `stripe-events events list|show|replay` on a SQLite file, through the library's
//! [`stripe_events::manage`] commands (the same an application offers from its own binary).
//!
//! `list` and `show` only read, and never create a database. `replay` runs this command's
//! built-in handler, so it only replays a store that `stripe-events serve` itself wrote:
//! any other store belongs to an application whose own handlers must run them.

use std::path::Path;
use std::process::ExitCode;

use stripe_events::manage::{self, Command};
use stripe_events::store::{EventStore, SqliteStore, Status};

/// `list` or `show`.
pub fn read(db: &Path, command: &Command) -> Result<ExitCode, String> {
    let store = SqliteStore::open_existing(db).map_err(|e| e.to_string())?;
    let mut out = std::io::stdout().lock();
    match manage::read_only(&store, command, &mut out) {
        Ok(true) => Ok(ExitCode::SUCCESS),
        Ok(false) => Ok(ExitCode::from(1)),
        Err(e) => Err(e.to_string()),
    }
}

/// `replay`: one event, or every one with `status`; exit 1 when any did not end done.
pub fn replay(db: &Path, id: Option<&str>, status: Status) -> Result<ExitCode, String> {
    let store = SqliteStore::open_existing(db).map_err(|e| e.to_string())?;
    let owner = store.application().map_err(|e| e.to_string())?;
    if owner.as_deref() != Some(crate::receive::APPLICATION) {
        let whose = owner.map_or_else(
            || "an application (it was not written by `stripe-events serve`)".to_owned(),
            |name| format!("application `{name}`"),
        );
        return Err(format!(
            "{}: this store belongs to {whose}; replaying here would run this command's \
             logging handler instead of the application's own and mark its events processed. \
             Replay from the application's binary (stripe_events::manage: `<app> events replay`)",
            db.display()
        ));
    }
    drop(store);
    let receiver = crate::receive::receiver(db, &[crate::secret::generate()])?;
    crate::receive::runtime()?.block_on(async {
        let mut out = std::io::stdout().lock();
        match manage::replay(&receiver, id, status, &mut out).await {
            Ok(true) => Ok(ExitCode::SUCCESS),
            Ok(false) => Ok(ExitCode::from(1)),
            Err(e) => Err(e.to_string()),
        }
    })
}
