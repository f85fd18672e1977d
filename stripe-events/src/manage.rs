//! Management commands for an application's own binary (feature `axum`): `events list`,
//! `events show` and `events replay`, run with the application's handlers linked, the way a
//! Django app gets management commands.
//!
//! Replaying must run the application's own handlers: the standalone `stripe-events` command
//! only has its built-in logging handler, and refuses to replay a store that belongs to
//! another application. So an application offers the commands itself:
//!
//! ```no_run
//! use std::process::ExitCode;
//! use stripe_events::receiver::{Receiver, ReceiverConfig};
//! use stripe_events::store::SqliteStore;
//! use stripe_events::{Dispatcher, Webhook};
//!
//! #[tokio::main]
//! async fn main() -> Result<ExitCode, Box<dyn std::error::Error>> {
//!     let secret = std::env::var("STRIPE_WEBHOOK_SECRET")?;
//!     let config = ReceiverConfig::new(Webhook::new(secret))
//!         .store(SqliteStore::open("shop-events.sqlite3")?);
//!     let receiver = Receiver::new(config, Dispatcher::new());
//!     // `shop events list`, `shop events show evt_1 --body`, `shop events replay --status untyped`
//!     let args: Vec<String> = std::env::args().skip(1).collect();
//!     if let Some(code) = stripe_events::manage::main(&receiver, &args).await {
//!         return Ok(code);
//!     }
//!     // ... otherwise serve as usual
//! #   Ok(ExitCode::SUCCESS)
//! }
//! ```
//!
//! The commands, their output and exit codes (the same as the `stripe-events` command's):
//!
//! * `events list [--status STATUS]`: one delivery per line,
//!   `event id<TAB>event type<TAB>signature valid<TAB>status<TAB>attempts<TAB>last error`
//!   (`-` for an unknown id or type, or no error); exit 0.
//! * `events show EVENT_ID [--body]`: everything stored about the event's delivery, one
//!   `field: value` per line, then its status history (`history: <unix time> attempt 1
//!   started`, `history: <unix time> failed (attempt 1): <error>`...), the body last with
//!   `--body`; a delivery whose signature did not verify says so on its first line. Exit 1
//!   when there is none.
//! * `events replay [EVENT_ID] [--status STATUS | --pending]`: runs the handlers of one stored
//!   event, or of every one with that status (default `failed`); one
//!   `event id<TAB>outcome[<TAB>detail]` line each ([`Outcome::kind`]); exit 0 when every one
//!   is done with ([`Outcome::is_done`]), else 1.
//!
//! Bad usage exits 2; a store that cannot be read exits 1.

use std::io::Write;
use std::process::ExitCode;

use crate::receiver::{Outcome, Receiver};
use crate::store::{EventStore, Status, StatusChange, StoreError, StoredDelivery};

/// A parsed `events ...` command.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Command {
    /// `events list [--status STATUS]`.
    List {
        /// Only deliveries with this status.
        status: Option<Status>,
    },
    /// `events show EVENT_ID [--body]`.
    Show {
        /// The event id.
        event_id: String,
        /// Print the stored body too.
        body: bool,
    },
    /// `events replay [EVENT_ID] [--status STATUS | --pending]`.
    Replay {
        /// One event; `None`: every event with `status`.
        event_id: Option<String>,
        /// Which events to replay without an id (default [`Status::Failed`]).
        status: Status,
    },
}

/// The usage text.
pub const USAGE: &str = "usage: events list [--status pending|processed|failed|untyped|dead]
       events show EVENT_ID [--body]
       events replay [EVENT_ID] [--status failed|pending|untyped | --pending]";

/// Bad usage of a command: what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}\n{USAGE}", self.0)
    }
}

impl std::error::Error for UsageError {}

impl Command {
    /// Parses the words after the program name: `None` when they are not an `events`
    /// command (the application handles them itself).
    ///
    /// ```
    /// use stripe_events::manage::Command;
    /// use stripe_events::store::Status;
    ///
    /// assert_eq!(
    ///     Command::parse(&["events", "replay", "--status", "untyped"]).unwrap(),
    ///     Some(Command::Replay { event_id: None, status: Status::Untyped })
    /// );
    /// assert_eq!(Command::parse(&["serve"]).unwrap(), None);
    /// assert!(Command::parse(&["events", "frobnicate"]).is_err());
    /// ```
    ///
    /// # Errors
    ///
    /// An `events` command with unknown words or missing values.
    pub fn parse<S: AsRef<str>>(args: &[S]) -> Result<Option<Self>, UsageError> {
        let mut words = args.iter().map(AsRef::as_ref);
        if words.next() != Some("events") {
            return Ok(None);
        }
        let sub = words
            .next()
            .ok_or_else(|| UsageError("missing command".into()))?;
        let mut status = None;
        let mut id = None;
        let mut body = false;
        while let Some(word) = words.next() {
            match word {
                "--status" => {
                    let value = words
                        .next()
                        .ok_or_else(|| UsageError("--status needs a value".into()))?;
                    status = Some(
                        value
                            .parse::<Status>()
                            .map_err(|e| UsageError(e.to_string()))?,
                    );
                }
                "--pending" if sub == "replay" => status = Some(Status::Pending),
                "--body" if sub == "show" => body = true,
                flag if flag.starts_with('-') => {
                    return Err(UsageError(format!("unknown option `{flag}` for `{sub}`")));
                }
                word if id.is_none() && sub != "list" => id = Some(word.to_owned()),
                word => return Err(UsageError(format!("unexpected `{word}`"))),
            }
        }
        match sub {
            "list" => Ok(Some(Self::List { status })),
            "show" if status.is_some() => Err(UsageError("`show` takes no --status".into())),
            "show" => Ok(Some(Self::Show {
                event_id: id.ok_or_else(|| UsageError("`show` needs an event id".into()))?,
                body,
            })),
            "replay" => Ok(Some(Self::Replay {
                event_id: id,
                status: status.unwrap_or(Status::Failed),
            })),
            other => Err(UsageError(format!("unknown command `{other}`"))),
        }
    }
}

/// Runs `args` (the words after the program name) if they are an `events` command, with
/// `receiver`'s store and handlers; prints to standard output and errors to standard error.
/// `None` when they are not one.
pub async fn main<S: AsRef<str>>(receiver: &Receiver, args: &[S]) -> Option<ExitCode> {
    let command = match Command::parse(args) {
        Ok(command) => command?,
        Err(e) => {
            eprintln!("{e}");
            return Some(ExitCode::from(2));
        }
    };
    let mut out = std::io::stdout().lock();
    let result = match &command {
        Command::Replay { event_id, status } => {
            replay(receiver, event_id.as_deref(), *status, &mut out).await
        }
        read => read_only(receiver.store(), read, &mut out),
    };
    Some(match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    })
}

/// Why a command failed (exit 1).
#[derive(Debug)]
#[non_exhaustive]
pub enum CommandError {
    /// The store failed, or belongs to another application.
    Store(StoreError),
    /// One event could not be replayed.
    Replay(crate::receiver::ReplayError),
    /// Writing the output failed.
    Output(std::io::Error),
    /// A command that needs the receiver's handlers was given only a store.
    NeedsReceiver,
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Store(e) => e.fmt(f),
            Self::Replay(e) => e.fmt(f),
            Self::Output(e) => write!(f, "writing the output: {e}"),
            Self::NeedsReceiver => {
                f.write_str("replaying needs the application's handlers: run it from its binary")
            }
        }
    }
}

impl std::error::Error for CommandError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Store(e) => Some(e),
            Self::Replay(e) => Some(e),
            Self::Output(e) => Some(e),
            Self::NeedsReceiver => None,
        }
    }
}

impl From<StoreError> for CommandError {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

impl From<std::io::Error> for CommandError {
    fn from(e: std::io::Error) -> Self {
        Self::Output(e)
    }
}

/// Runs `list` or `show` on `store` alone (no handlers needed). `Ok(false)`: `show` found
/// nothing.
///
/// # Errors
///
/// The store's, or the output's; [`CommandError::NeedsReceiver`] for `replay`.
pub fn read_only(
    store: &dyn EventStore,
    command: &Command,
    out: &mut dyn Write,
) -> Result<bool, CommandError> {
    match command {
        Command::List { status } => {
            for delivery in store.list(*status)? {
                writeln!(out, "{}", row(&delivery))?;
            }
            Ok(true)
        }
        Command::Show { event_id, body } => match store.get(event_id)? {
            Some(delivery) => {
                let history = if delivery.signature_valid {
                    store.history(event_id)?
                } else {
                    Vec::new()
                };
                show(&delivery, &history, *body, out)?;
                Ok(true)
            }
            None => {
                writeln!(out, "{event_id}: not in the event store")?;
                Ok(false)
            }
        },
        Command::Replay { .. } => Err(CommandError::NeedsReceiver),
    }
}

/// Runs `replay`: one event, or every one with `status`. `Ok(false)` when any did not end
/// done.
///
/// # Errors
///
/// The store's (listing, or not ready), one event's [`ReplayError`](crate::receiver::ReplayError)
/// when an id is given, or the output's.
pub async fn replay(
    receiver: &Receiver,
    event_id: Option<&str>,
    status: Status,
    out: &mut dyn Write,
) -> Result<bool, CommandError> {
    let outcomes = match event_id {
        Some(id) => vec![(
            id.to_owned(),
            Ok(receiver.replay(id).await.map_err(CommandError::Replay)?),
        )],
        None => receiver.replay_all(status).await?,
    };
    let mut all_done = true;
    for (id, outcome) in &outcomes {
        match outcome {
            Ok(outcome) => {
                all_done &= outcome.is_done();
                writeln!(out, "{}", replay_line(id, outcome))?;
            }
            Err(e) => {
                all_done = false;
                writeln!(out, "{id}\tNotReplayed\t{e}")?;
            }
        }
    }
    Ok(all_done)
}

/// `event id<TAB>outcome kind`, then `<TAB>detail` (the outcome's text) for outcomes that
/// carry one: `evt_1<TAB>Duplicate`, `evt_2<TAB>Processed<TAB>processed (1 handler(s) ran)`.
fn replay_line(id: &str, outcome: &Outcome) -> String {
    match outcome {
        Outcome::Unhandled | Outcome::Duplicate | Outcome::InProgress => {
            format!("{id}\t{}", outcome.kind())
        }
        other => format!("{id}\t{}\t{other}", other.kind()),
    }
}

/// One delivery: `event id<TAB>event type<TAB>signature valid<TAB>status<TAB>attempts<TAB>last
/// error` (`-` for what is unknown or none; tabs and line breaks in the error become spaces).
pub fn row(d: &StoredDelivery) -> String {
    let error = d
        .last_error
        .as_deref()
        .map_or_else(|| "-".to_owned(), |e| e.replace(['\t', '\n', '\r'], " "));
    format!(
        "{}\t{}\t{}\t{}\t{}\t{error}",
        d.event_id.as_deref().unwrap_or("-"),
        d.event_type.as_deref().unwrap_or("-"),
        d.signature_valid,
        d.status.as_str(),
        d.attempts
    )
}

/// Everything stored about a delivery, `field: value` per line.
fn show(
    d: &StoredDelivery,
    history: &[StatusChange],
    body: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    if !d.signature_valid {
        writeln!(
            out,
            "NOT AUTHENTIC: this delivery's signature did not verify (forged, or sent with \
             another secret); its contents are untrusted and it never ran"
        )?;
    }
    let or_dash = |v: Option<&str>| v.unwrap_or("-").to_owned();
    let fields = [
        ("event id", or_dash(d.event_id.as_deref())),
        ("event type", or_dash(d.event_type.as_deref())),
        ("signature valid", d.signature_valid.to_string()),
        ("status", d.status.as_str().to_owned()),
        ("attempts", d.attempts.to_string()),
        ("last error", or_dash(d.last_error.as_deref())),
        ("received at", d.received_at.to_string()),
        ("api version", or_dash(d.api_version.as_deref())),
        ("account", or_dash(d.account.as_deref())),
        (
            "livemode",
            d.livemode.map_or_else(|| "-".to_owned(), |l| l.to_string()),
        ),
        ("body bytes", d.body.len().to_string()),
    ];
    for (name, value) in fields {
        writeln!(out, "{name}: {value}")?;
    }
    for change in history {
        writeln!(out, "history: {change}")?;
    }
    if body {
        writeln!(out, "body:")?;
        out.write_all(&d.body)?;
        writeln!(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MemoryStore;

    #[test]
    fn parsing_rejects_what_it_does_not_know() {
        let parse = |words: &[&str]| Command::parse(words);
        assert_eq!(
            parse(&["events", "list"]).unwrap(),
            Some(Command::List { status: None })
        );
        assert_eq!(
            parse(&["events", "show", "evt_1", "--body"]).unwrap(),
            Some(Command::Show {
                event_id: "evt_1".into(),
                body: true
            })
        );
        assert_eq!(
            parse(&["events", "replay", "evt_1"]).unwrap(),
            Some(Command::Replay {
                event_id: Some("evt_1".into()),
                status: Status::Failed
            })
        );
        assert_eq!(
            parse(&["events", "replay", "--pending"]).unwrap(),
            Some(Command::Replay {
                event_id: None,
                status: Status::Pending
            })
        );
        for bad in [
            &["events"][..],
            &["events", "list", "evt_1"],
            &["events", "list", "--status"],
            &["events", "list", "--status", "done"],
            &["events", "show"],
            &["events", "show", "evt_1", "--status", "failed"],
            &["events", "list", "--body"],
            &["events", "replay", "evt_1", "evt_2"],
        ] {
            assert!(parse(bad).is_err(), "{bad:?} parsed");
        }
        assert_eq!(parse(&["migrate"]).unwrap(), None);
        assert_eq!(Command::parse::<&str>(&[]).unwrap(), None);
    }

    #[test]
    fn show_marks_a_forged_delivery_and_list_prints_rows() {
        let store = MemoryStore::new();
        store
            .record_rejected(
                br#"{"id": "evt_1", "type": "customer.created"}"#,
                false,
                "no signature matches",
                7,
            )
            .unwrap();
        let mut out = Vec::new();
        let show = Command::Show {
            event_id: "evt_1".into(),
            body: true,
        };
        assert!(read_only(&store, &show, &mut out).unwrap());
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("NOT AUTHENTIC"), "{text}");
        assert!(
            text.contains("\nlast error: no signature matches\n"),
            "{text}"
        );
        assert!(text.ends_with("body:\n{\"id\": \"evt_1\", \"type\": \"customer.created\"}\n"));

        let mut out = Vec::new();
        let list = Command::List { status: None };
        read_only(&store, &list, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "evt_1\tcustomer.created\tfalse\tfailed\t0\tno signature matches\n"
        );
        let mut out = Vec::new();
        let missing = Command::Show {
            event_id: "evt_2".into(),
            body: false,
        };
        assert!(!read_only(&store, &missing, &mut out).unwrap());
    }
}
