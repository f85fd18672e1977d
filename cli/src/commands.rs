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
}

/// Runs the command and returns its exit code.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
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
