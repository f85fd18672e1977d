//! The subcommands, their output formats and exit codes:
//!
//! * `sign`: prints a valid `Stripe-Signature` header for the body; exit 0.
//! * `verify`: `ok<TAB>type<TAB>id<TAB>typed` (or `raw<TAB>reason`), exit 0; a signature or
//!   header failure, or a body that is not an event, is printed on stderr with exit 1.
//! * `parse`: `type<TAB>id<TAB>typed` (or `raw<TAB>reason`); exit 0 typed, 3 raw, 1 not an event.
//!
//! Bad usage (unknown flags, unreadable input) exits 2.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use stripe_events::signature::{Clock, FixedClock, SystemClock};
use stripe_events::{Event, EventObject, Webhook};

/// Exit code for bad usage.
const USAGE: u8 = 2;

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
        /// An endpoint secret; repeat for several. Without one, a development secret is
        /// generated and printed.
        #[arg(long = "secret")]
        secrets: Vec<String>,
    },
    /// Build an event of a type from Stripe's example objects, sign it and POST it (the offline
    /// `stripe trigger`).
    Trigger {
        /// The event type, e.g. `customer.created`.
        event_type: String,
        /// The receiver's URL.
        #[arg(long)]
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
    /// One stored delivery per line: event id, type, signature valid, status, attempts.
    List {
        /// The SQLite file.
        #[arg(long, default_value = "stripe-events.sqlite3")]
        db: PathBuf,
        /// Only deliveries with this status (`pending`, `processed`, `failed`).
        #[arg(long)]
        status: Option<stripe_events::store::Status>,
    },
    /// Re-run the handlers of a stored event, or of every failed (`--pending`: unfinished) one.
    Replay {
        /// The SQLite file.
        #[arg(long, default_value = "stripe-events.sqlite3")]
        db: PathBuf,
        /// One event id; without it, every failed event.
        event_id: Option<String>,
        /// Replay events left pending (a crash between receipt and processing).
        #[arg(long)]
        pending: bool,
    },
}

/// Runs the command and returns its exit code.
pub fn run(cli: Cli) -> ExitCode {
    let failed = |e: String| {
        eprintln!("stripe-events: {e}");
        ExitCode::from(1)
    };
    match cli.command {
        Command::Serve { addr, db, secrets } => {
            crate::receive::serve(&addr, &db, secrets).map_or_else(failed, |()| ExitCode::SUCCESS)
        }
        Command::Demo { fixtures } => {
            crate::demo::demo(fixtures.as_deref()).map_or_else(failed, |()| ExitCode::SUCCESS)
        }
        Command::Trigger {
            event_type,
            url,
            secret,
            count,
            fixtures,
        } => {
            let run = || -> Result<bool, String> {
                let fixtures = crate::trigger::Fixtures::load(fixtures.as_deref())?;
                let mut all_ok = true;
                for i in 0..count {
                    let id = crate::trigger::event_id(i);
                    let status =
                        crate::trigger::post(&url, &secret, &fixtures.event(&event_type, &id)?)?;
                    println!("{event_type}\t{id}\t{status}");
                    all_ok &= (200..300).contains(&status);
                }
                Ok(all_ok)
            };
            match run() {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::from(1),
                Err(e) => failed(e),
            }
        }
        Command::Events {
            command: EventsCommand::List { db, status },
        } => crate::store_cmd::list(&db, status).map_or_else(failed, |()| ExitCode::SUCCESS),
        Command::Events {
            command:
                EventsCommand::Replay {
                    db,
                    event_id,
                    pending,
                },
        } => {
            let which = if pending {
                stripe_events::store::Status::Pending
            } else {
                stripe_events::store::Status::Failed
            };
            match crate::store_cmd::replay(&db, event_id.as_deref(), which) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::from(1),
                Err(e) => failed(e),
            }
        }
        Command::Sign {
            secret,
            timestamp,
            file,
        } => {
            let Some(body) = read_body(file.as_ref()) else {
                return ExitCode::from(USAGE);
            };
            let t = timestamp.unwrap_or_else(|| SystemClock.now());
            println!(
                "{}",
                stripe_events::testing::generate_test_header(&body, &secret, t)
            );
            ExitCode::SUCCESS
        }
        Command::Verify {
            secrets,
            header,
            tolerance,
            now,
            file,
        } => {
            let Some(body) = read_body(file.as_ref()) else {
                return ExitCode::from(USAGE);
            };
            let mut secrets = secrets.into_iter();
            let mut webhook = Webhook::new(secrets.next().unwrap_or_default());
            for s in secrets {
                webhook = webhook.add_secret(s);
            }
            webhook = webhook.tolerance(Duration::from_secs(tolerance));
            if let Some(now) = now {
                webhook = webhook.clock(FixedClock(now));
            }
            match webhook.construct(&body, Some(&header)) {
                Ok(event) => {
                    println!("ok\t{}", describe(&event));
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("stripe-events verify: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Parse { file } => {
            let Some(body) = read_body(file.as_ref()) else {
                return ExitCode::from(USAGE);
            };
            match Event::from_slice(&body) {
                Ok(event) => {
                    println!("{}", describe(&event));
                    if raw_reason(&event).is_some() {
                        ExitCode::from(3)
                    } else {
                        ExitCode::SUCCESS
                    }
                }
                Err(e) => {
                    eprintln!("stripe-events parse: {e}");
                    ExitCode::from(1)
                }
            }
        }
    }
}

/// `type<TAB>id<TAB>typed`, or `type<TAB>id<TAB>raw<TAB>reason`.
fn describe(event: &Event) -> String {
    match raw_reason(event) {
        None => format!("{}\t{}\ttyped", event.type_, event.id),
        Some(reason) => format!("{}\t{}\traw\t{reason}", event.type_, event.id),
    }
}

/// Why the payload is not typed, if it is not.
fn raw_reason(event: &Event) -> Option<String> {
    match &event.data.object {
        EventObject::Unknown(_) => Some("unknown event type for this build".to_owned()),
        EventObject::Untyped(u) => Some(u.error.to_string()),
        _ => None,
    }
}

/// The body from `file`, or standard input for `-` or none; prints the error and returns
/// `None` when it cannot be read.
fn read_body(file: Option<&PathBuf>) -> Option<Vec<u8>> {
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
