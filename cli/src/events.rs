//! `stripe-events events list|show|replay|prune` on a store (`--db`: a SQLite file or a
//! PostgreSQL URL), through the library's [`stripe_events::manage`] commands (the same an
//! application offers from its own binary).
//!
//! None of them creates a database. `list` and `show` only read. `prune` deletes processed
//! deliveries past an age (it runs no handler, so any application's store may be pruned).
//! `replay` runs this command's built-in handler, so it only replays a store that
//! `stripe-events serve` itself wrote: any other store belongs to an application whose own
//! handlers must run them.

use std::process::ExitCode;
use std::time::Duration;

use stripe_events::manage::{self, Command};
use stripe_events::signature::{Clock, SystemClock};
use stripe_events::store::{EventStore, Status};

use crate::store::Db;

/// `list` or `show`.
pub fn read(db: &Db, command: &Command) -> Result<ExitCode, String> {
    let store = db.open_existing()?;
    let mut out = std::io::stdout().lock();
    match manage::read_only(&*store, command, &mut out) {
        Ok(true) => Ok(ExitCode::SUCCESS),
        Ok(false) => Ok(ExitCode::from(1)),
        Err(e) => Err(e.to_string()),
    }
}

/// `prune`: prints how many processed deliveries were removed (a warning on stderr first when
/// the age is under Stripe's three-day retry window).
pub fn prune(db: &Db, older_than: Duration) -> Result<ExitCode, String> {
    if let Some(warning) = manage::prune_warning(older_than) {
        eprintln!("stripe-events: {warning}");
    }
    let store = db.open_existing()?;
    let mut out = std::io::stdout().lock();
    manage::prune(&*store, older_than, SystemClock.now(), &mut out)
        .map(|_| ExitCode::SUCCESS)
        .map_err(|e| e.to_string())
}

/// `replay`: one event, or every one with `status` (`None`: failed, then dead); exit 1 when
/// any did not end done.
pub fn replay(db: &Db, id: Option<&str>, status: Option<Status>) -> Result<ExitCode, String> {
    let store = db.open_existing_writable()?;
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
    // Replaying only parses stored bodies, verified when they arrived: no secret is used.
    let webhook = crate::secret::webhook(&[crate::secret::generate()])?;
    let receiver = crate::receive::receiver_on(webhook, store, |config| config)?;
    crate::receive::runtime()?.block_on(async {
        let mut out = std::io::stdout().lock();
        match manage::replay(&receiver, id, status, &mut out).await {
            Ok(true) => Ok(ExitCode::SUCCESS),
            Ok(false) => Ok(ExitCode::from(1)),
            Err(e) => Err(e.to_string()),
        }
    })
}
