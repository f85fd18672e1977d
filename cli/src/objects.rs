//! `stripe-events objects get|list` on a store written by `serve --mirror` (`--db`: a SQLite
//! file or a PostgreSQL URL; never created):
//!
//! * `get TYPE ID`: the stored object's JSON, as Stripe rendered it, on one line; exit 0, or 1
//!   (saying so on stderr) when the mirror has no such object. A deleted object is printed
//!   too (it is stored), with a note on stderr.
//! * `list TYPE`: one line per object of the type, by id, tab-separated:
//!   `id<TAB>event id<TAB>event created (unix seconds)<TAB>deleted|live`.

use std::io::Write;
use std::process::ExitCode;

use stripe_events::mirror::Mirror;

use crate::store::Db;

/// `get`.
pub fn get(db: &Db, object_type: &str, id: &str) -> Result<ExitCode, String> {
    let mirror = Mirror::new(db.open_existing_objects()?);
    let Some(object) = mirror.get(object_type, id).map_err(|e| e.to_string())? else {
        eprintln!(
            "stripe-events: no {object_type} {id} in the mirror of {}",
            db.display()
        );
        return Ok(ExitCode::from(1));
    };
    if object.deleted {
        eprintln!(
            "stripe-events: {object_type} {id} was deleted (by {})",
            object.event_id
        );
    }
    println!("{}", object.json);
    Ok(ExitCode::SUCCESS)
}

/// `list`.
pub fn list(db: &Db, object_type: &str) -> Result<ExitCode, String> {
    let mirror = Mirror::new(db.open_existing_objects()?);
    let mut out = std::io::stdout().lock();
    for object in mirror.list(object_type).map_err(|e| e.to_string())? {
        writeln!(out, "{}", line(&object)).map_err(|e| e.to_string())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `id<TAB>event id<TAB>created<TAB>deleted|live`.
pub fn line(object: &stripe_events::mirror::MirroredObject) -> String {
    format!(
        "{}\t{}\t{}\t{}",
        object.id,
        object.event_id,
        object.event_created,
        object.state()
    )
}
