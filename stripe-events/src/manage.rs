//! Management commands for an application's own binary (feature `axum`): `events list`,
//! `events show`, `events replay` and `events prune`, run with the application's handlers
//! linked, the way a Django app gets management commands.
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
//!   event, or of every one with that status (default: the `failed` ones, then the `dead`
//!   ones); one `event id<TAB>outcome[<TAB>detail]` line each ([`Outcome::kind`]); exit 0
//!   when every one is done with ([`Outcome::is_done`]), else 1.
//! * `events prune --older-than AGE`: deletes the processed deliveries received more than
//!   `AGE` ago (`30d`, `12h`, `90m`, `45s`: [`parse_age`]), never pending, failed, untyped,
//!   dead or rejected ones ([`EventStore::prune`]); prints `removed N processed deliveries
//!   older than AGE (received before UNIX_TIME)`; exit 0. An age under three days also
//!   prints a warning on standard error: Stripe redelivers an event for up to three days,
//!   and a redelivery of a pruned event is new to the store, so its handlers run again.
//!
//! Bad usage exits 2; a store that cannot be read exits 1.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

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
        /// Which events to replay without an id; `None` (no `--status`): the
        /// [failed](Status::Failed) ones, then the [dead](Status::Dead) ones.
        status: Option<Status>,
    },
    /// `events prune --older-than AGE`.
    Prune {
        /// Processed deliveries received longer ago than this are deleted.
        older_than: Duration,
    },
}

/// The usage text.
pub const USAGE: &str = "usage: events list [--status pending|processed|failed|untyped|dead]
       events show EVENT_ID [--body]
       events replay [EVENT_ID] [--status failed|dead|pending|untyped | --pending]
       events prune --older-than AGE   (AGE: 30d, 12h, 90m, 45s)";

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
    /// use std::time::Duration;
    /// use stripe_events::manage::Command;
    /// use stripe_events::store::Status;
    ///
    /// assert_eq!(
    ///     Command::parse(&["events", "replay", "--status", "untyped"]).unwrap(),
    ///     Some(Command::Replay { event_id: None, status: Some(Status::Untyped) })
    /// );
    /// assert_eq!(
    ///     Command::parse(&["events", "prune", "--older-than", "30d"]).unwrap(),
    ///     Some(Command::Prune { older_than: Duration::from_secs(30 * 86_400) })
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
        let mut older_than = None;
        while let Some(word) = words.next() {
            match word {
                "--older-than" if sub == "prune" => {
                    let value = words
                        .next()
                        .ok_or_else(|| UsageError("--older-than needs a value".into()))?;
                    older_than = Some(parse_age(value).map_err(UsageError)?);
                }
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
                word if id.is_none() && sub != "list" && sub != "prune" => {
                    id = Some(word.to_owned());
                }
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
                status,
            })),
            "prune" if status.is_some() => Err(UsageError("`prune` takes no --status".into())),
            "prune" => Ok(Some(Self::Prune {
                older_than: older_than
                    .ok_or_else(|| UsageError("`prune` needs --older-than AGE".into()))?,
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
        Command::Prune { older_than } => {
            if let Some(warning) = prune_warning(*older_than) {
                eprintln!("{warning}");
            }
            prune(
                receiver.store(),
                *older_than,
                crate::store::unix_now(),
                &mut out,
            )
            .map(|_| true)
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
    /// A command that changes the store was given to [`read_only`] (run it with its own
    /// function: [`prune`]).
    Writes,
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
            Self::Writes => f.write_str("this command changes the store: it is not read-only"),
        }
    }
}

impl std::error::Error for CommandError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Store(e) => Some(e),
            Self::Replay(e) => Some(e),
            Self::Output(e) => Some(e),
            Self::NeedsReceiver | Self::Writes => None,
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
/// The store's, or the output's; [`CommandError::NeedsReceiver`] for `replay`,
/// [`CommandError::Writes`] for `prune`.
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
        Command::Prune { .. } => Err(CommandError::Writes),
    }
}

/// How long Stripe keeps delivering an event that was not answered 2xx: three days.
pub const STRIPE_RETRY_WINDOW: Duration = Duration::from_secs(3 * 86_400);

/// Runs `prune`: deletes the processed deliveries received more than `older_than` before
/// `now` (unix seconds) with [`EventStore::prune`], prints `removed N processed deliveries
/// older than AGE (received before UNIX_TIME)`, and returns N.
///
/// # Errors
///
/// The store's, or the output's.
pub fn prune(
    store: &dyn EventStore,
    older_than: Duration,
    now: i64,
    out: &mut dyn Write,
) -> Result<u64, CommandError> {
    let age = i64::try_from(older_than.as_secs()).unwrap_or(i64::MAX);
    let before = now.saturating_sub(age);
    let removed = store.prune(before)?;
    writeln!(
        out,
        "removed {removed} processed deliveries older than {} (received before {before})",
        format_age(older_than)
    )?;
    Ok(removed)
}

/// The warning for pruning deliveries younger than [`STRIPE_RETRY_WINDOW`], if `older_than`
/// is shorter.
pub fn prune_warning(older_than: Duration) -> Option<String> {
    (older_than < STRIPE_RETRY_WINDOW).then(|| {
        format!(
            "warning: pruning deliveries younger than 3 days ({}): Stripe may still deliver \
             such an event again, and a redelivery of a pruned event is new to the store, so \
             its handlers run again",
            format_age(older_than)
        )
    })
}

/// Parses an age: a whole number and a unit, `d` (days), `h`, `m` or `s` (`30d`, `12h`, `90m`,
/// `45s`).
///
/// ```
/// use std::time::Duration;
/// use stripe_events::manage::parse_age;
///
/// assert_eq!(parse_age("12h"), Ok(Duration::from_secs(12 * 3600)));
/// assert!(parse_age("1.5h").is_err());
/// assert!(parse_age("30").is_err());
/// ```
///
/// # Errors
///
/// Anything else, with what was expected.
pub fn parse_age(text: &str) -> Result<Duration, String> {
    let bad = || {
        format!(
            "invalid age `{text}`: expected a whole number and a unit, d, h, m or s (30d, 12h, \
             90m, 45s)"
        )
    };
    let split = text.len().checked_sub(1).ok_or_else(bad)?;
    let (number, unit) = (text.get(..split).ok_or_else(bad)?, &text[split..]);
    let seconds = match unit {
        "d" => 86_400,
        "h" => 3600,
        "m" => 60,
        "s" => 1,
        _ => return Err(bad()),
    };
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let count: u64 = number.parse().map_err(|_| bad())?;
    count
        .checked_mul(seconds)
        .filter(|&secs| i64::try_from(secs).is_ok())
        .map(Duration::from_secs)
        .ok_or_else(|| format!("invalid age `{text}`: too long"))
}

/// An age in the largest unit that divides it: `30d`, `36h`, `90m`, `45s`.
fn format_age(age: Duration) -> String {
    let secs = age.as_secs();
    match secs {
        0 => "0s".to_owned(),
        _ if secs % 86_400 == 0 => format!("{}d", secs / 86_400),
        _ if secs % 3600 == 0 => format!("{}h", secs / 3600),
        _ if secs % 60 == 0 => format!("{}m", secs / 60),
        _ => format!("{secs}s"),
    }
}

/// Runs `replay`: one event, or every one with `status` (`None`: every failed one, then
/// every dead one). `Ok(false)` when any did not end done.
///
/// # Errors
///
/// The store's (listing, or not ready), one event's [`ReplayError`](crate::receiver::ReplayError)
/// when an id is given, or the output's.
pub async fn replay(
    receiver: &Receiver,
    event_id: Option<&str>,
    status: Option<Status>,
    out: &mut dyn Write,
) -> Result<bool, CommandError> {
    let outcomes = match (event_id, status) {
        (Some(id), _) => vec![(
            id.to_owned(),
            Ok(receiver.replay(id).await.map_err(CommandError::Replay)?),
        )],
        (None, Some(status)) => receiver.replay_all(status).await?,
        (None, None) => {
            let mut outcomes = receiver.replay_all(Status::Failed).await?;
            outcomes.extend(receiver.replay_all(Status::Dead).await?);
            outcomes
        }
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
        (
            "valid",
            match d.valid {
                Some(true) => "confirmed by Stripe's API".to_owned(),
                Some(false) => "denied by Stripe's API".to_owned(),
                None => "-".to_owned(),
            },
        ),
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
                status: None
            })
        );
        assert_eq!(
            parse(&["events", "replay", "--pending"]).unwrap(),
            Some(Command::Replay {
                event_id: None,
                status: Some(Status::Pending)
            })
        );
        assert_eq!(
            parse(&["events", "replay", "--status", "dead"]).unwrap(),
            Some(Command::Replay {
                event_id: None,
                status: Some(Status::Dead)
            })
        );
        assert_eq!(
            parse(&["events", "prune", "--older-than", "90m"]).unwrap(),
            Some(Command::Prune {
                older_than: Duration::from_secs(90 * 60)
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
            &["events", "prune"],
            &["events", "prune", "--older-than"],
            &["events", "prune", "--older-than", "3 days"],
            &["events", "prune", "--older-than", "30d", "evt_1"],
            &[
                "events",
                "prune",
                "--older-than",
                "30d",
                "--status",
                "processed",
            ],
            &["events", "list", "--older-than", "30d"],
        ] {
            assert!(parse(bad).is_err(), "{bad:?} parsed");
        }
        assert_eq!(parse(&["migrate"]).unwrap(), None);
        assert_eq!(Command::parse::<&str>(&[]).unwrap(), None);
    }

    #[test]
    fn ages_are_a_whole_number_and_a_unit() {
        for (text, secs) in [
            ("30d", 30 * 86_400),
            ("12h", 12 * 3600),
            ("90m", 90 * 60),
            ("45s", 45),
            ("0s", 0),
            ("007h", 7 * 3600),
        ] {
            assert_eq!(parse_age(text), Ok(Duration::from_secs(secs)), "{text}");
        }
        for bad in [
            "", "d", "30", "30x", "1.5h", "-1d", "+1d", " 1d", "1d ", "1 d", "1dd", "1D", "1é",
            "é", "30days",
        ] {
            let error = parse_age(bad).unwrap_err();
            assert!(
                error.contains("expected a whole number and a unit"),
                "{bad}: {error}"
            );
        }
        assert!(parse_age("99999999999999999999d").is_err());
        assert_eq!(
            parse_age("999999999999999d").unwrap_err(),
            "invalid age `999999999999999d`: too long"
        );
        assert_eq!(format_age(Duration::from_secs(30 * 86_400)), "30d");
        assert_eq!(format_age(Duration::from_secs(36 * 3600)), "36h");
        assert_eq!(format_age(Duration::from_secs(90 * 60)), "90m");
        assert_eq!(format_age(Duration::from_secs(61)), "61s");
        assert!(prune_warning(Duration::from_secs(2 * 86_400)).is_some());
        assert!(prune_warning(STRIPE_RETRY_WINDOW).is_none());
    }

    #[test]
    fn prune_removes_old_processed_deliveries_and_says_how_many() {
        let store = MemoryStore::new();
        let day = 86_400;
        for (id, received, done) in [
            ("evt_old", 1_000_000, true),
            ("evt_new", 1_000_000 + 20 * day, true),
            ("evt_pending", 1_000_000, false),
        ] {
            let body =
                crate::testing::event_envelope(id, "customer.created", &serde_json::json!({}))
                    .to_string();
            let event = crate::Event::from_slice(body.as_bytes()).unwrap();
            store.record(&event, body.as_bytes(), received).unwrap();
            if done {
                store.claim(id, received, Duration::from_secs(60)).unwrap();
                store.complete(id).unwrap();
            }
        }
        let now = 1_000_000 + 31 * day;
        let mut out = Vec::new();
        let removed = prune(&store, Duration::from_secs(30 * day as u64), now, &mut out).unwrap();
        assert_eq!(removed, 1);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!(
                "removed 1 processed deliveries older than 30d (received before {})\n",
                1_000_000 + day
            )
        );
        let left: Vec<_> = store
            .list(None)
            .unwrap()
            .into_iter()
            .filter_map(|d| d.event_id)
            .collect();
        assert_eq!(left, ["evt_new", "evt_pending"]);
        let prune = Command::Prune {
            older_than: Duration::ZERO,
        };
        assert!(matches!(
            read_only(&store, &prune, &mut Vec::new()),
            Err(CommandError::Writes)
        ));
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
