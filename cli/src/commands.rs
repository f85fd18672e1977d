//! The subcommands, their output formats and exit codes:
//!
//! * `sign`: prints a valid `Stripe-Signature` header for the body; exit 0.
//! * `verify`: `ok<TAB>type<TAB>id<TAB>typed` (or `raw<TAB>reason`), exit 0; a signature or
//!   header failure, or a body that is not an event, is printed on stderr with exit 1.
//! * `parse`: `type<TAB>id<TAB>typed` (or `raw<TAB>reason`); exit 0 typed, 3 raw, 1 not an event.
//! * `serve`, `trigger`, `events`, `demo`: see their modules.
//!
//! Bad usage (unknown flags, unreadable input) exits 2. Each command lives in its own module;
//! this one only declares the command line and hands each command to its module.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use stripe_events::store::Status;

/// The command line.
#[derive(Parser)]
#[command(
    name = "stripe-events",
    version,
    about = "Sign, verify and parse Stripe webhook deliveries"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print a valid Stripe-Signature header for a body.
    Sign {
        /// The endpoint secret (`whsec_...`).
        #[arg(long)]
        secret: String,
        /// The signature's timestamp (unix seconds); default: now.
        #[arg(long)]
        timestamp: Option<i64>,
        /// The body: a file, or `-` (the default) for standard input.
        file: Option<PathBuf>,
    },
    /// Verify a body's Stripe-Signature header, then parse it.
    Verify {
        /// An endpoint secret; repeat for several (secret rotation).
        #[arg(long = "secret", required = true)]
        secrets: Vec<String>,
        /// The Stripe-Signature header value.
        #[arg(long)]
        header: String,
        /// Allowed distance between the signed timestamp and now, in seconds.
        #[arg(long, default_value_t = 300)]
        tolerance: u64,
        /// Check the timestamp against this time (unix seconds) instead of now.
        #[arg(long)]
        now: Option<i64>,
        /// The body: a file, or `-` (the default) for standard input.
        file: Option<PathBuf>,
    },
    /// Parse a body as an event without verifying it.
    Parse {
        /// The body: a file, or `-` (the default) for standard input.
        file: Option<PathBuf>,
    },
    /// Run a webhook receiver (POST /webhook) that verifies, stores in SQLite, and logs every
    /// event in one line.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:4242")]
        addr: String,
        /// The SQLite file deliveries are stored in.
        #[arg(long, default_value = "stripe-events.sqlite3")]
        db: PathBuf,
        /// An endpoint secret; repeat for several (rotation). Default: `STRIPE_WEBHOOK_SECRET`
        /// (several separated by commas); without either, a development secret for local
        /// testing only is generated and printed.
        #[arg(long = "secret")]
        secrets: Vec<String>,
    },
    /// Build an event of a type from Stripe's example objects, sign it and POST it (the offline
    /// `stripe trigger`).
    Trigger {
        /// The event type, e.g. `customer.created`.
        event_type: String,
        /// The receiver's URL (default: `serve`'s default address).
        #[arg(long, default_value = "http://127.0.0.1:4242/webhook")]
        url: String,
        /// The endpoint secret to sign with.
        #[arg(long)]
        secret: String,
        /// How many events to send.
        #[arg(long, default_value_t = 1)]
        count: usize,
        /// Stripe's example objects (`fixtures-<version>.json`); default: ../shared/stripe-openapi.
        #[arg(long)]
        fixtures: Option<PathBuf>,
        /// Set a field of the payload: `PATH=VALUE`, PATH dot-separated inside `data.object`
        /// (`name`, `metadata.plan`, `items.data.0.quantity`), VALUE as JSON when it parses
        /// (`3`, `true`, `null`, `{"a":1}`), else a string. Repeat for several.
        #[arg(long = "override", value_name = "PATH=VALUE")]
        overrides: Vec<String>,
    },
    /// The stored deliveries.
    Events {
        #[command(subcommand)]
        command: EventsCommand,
    },
    /// Run a receiver on loopback and send it a few triggered events, end to end.
    Demo {
        /// Stripe's example objects; default: ../shared/stripe-openapi.
        #[arg(long)]
        fixtures: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum EventsCommand {
    /// One stored delivery per line: event id, type, signature valid, status, attempts, last
    /// error.
    List {
        /// The SQLite file (never created by this command).
        #[arg(long, default_value = "stripe-events.sqlite3")]
        db: PathBuf,
        /// Only deliveries with this status (`pending`, `processed`, `failed`, `untyped`).
        #[arg(long)]
        status: Option<Status>,
    },
    /// Everything stored about one delivery.
    Show {
        /// The SQLite file (never created by this command).
        #[arg(long, default_value = "stripe-events.sqlite3")]
        db: PathBuf,
        /// The event id.
        event_id: String,
        /// Print the stored body too.
        #[arg(long)]
        body: bool,
    },
    /// Re-run the built-in handler of an event stored by `stripe-events serve`, or of every
    /// failed (`--pending`: unfinished) one. A store of another application is refused:
    /// replay from that application's binary (`stripe_events::manage`).
    Replay {
        /// The SQLite file (never created by this command).
        #[arg(long, default_value = "stripe-events.sqlite3")]
        db: PathBuf,
        /// One event id; without it, every event with `--status` (default failed).
        event_id: Option<String>,
        /// Replay events left pending (a crash between receipt and processing).
        #[arg(long)]
        pending: bool,
        /// Replay events with this status (`failed`, `pending`, `untyped`).
        #[arg(long, conflicts_with = "pending")]
        status: Option<Status>,
    },
}

/// Runs the command and returns its exit code.
pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Sign {
            secret,
            timestamp,
            file,
        } => crate::sign::run(&secret, timestamp, file.as_ref()),
        Command::Verify {
            secrets,
            header,
            tolerance,
            now,
            file,
        } => crate::verify::run(&secrets, &header, tolerance, now, file.as_ref()),
        Command::Parse { file } => crate::parse::run(file.as_ref()),
        Command::Serve { addr, db, secrets } => {
            crate::receive::serve(&addr, &db, secrets).map(|()| ExitCode::SUCCESS)
        }
        Command::Trigger {
            event_type,
            url,
            secret,
            count,
            fixtures,
            overrides,
        } => crate::trigger::run(
            &crate::trigger::Request {
                event_type: &event_type,
                url: &url,
                secret: &secret,
                count,
                overrides: &overrides,
            },
            fixtures.as_deref(),
        ),
        Command::Events { command } => match command {
            EventsCommand::List { db, status } => {
                crate::events::read(&db, &stripe_events::manage::Command::List { status })
            }
            EventsCommand::Show { db, event_id, body } => crate::events::read(
                &db,
                &stripe_events::manage::Command::Show { event_id, body },
            ),
            EventsCommand::Replay {
                db,
                event_id,
                pending,
                status,
            } => {
                let status = match (pending, status) {
                    (true, _) => Status::Pending,
                    (false, status) => status.unwrap_or(Status::Failed),
                };
                crate::events::replay(&db, event_id.as_deref(), status)
            }
        },
        Command::Demo { fixtures } => {
            crate::demo::demo(fixtures.as_deref()).map(|()| ExitCode::SUCCESS)
        }
    };
    result.unwrap_or_else(|e| {
        eprintln!("stripe-events: {e}");
        ExitCode::from(1)
    })
}
