//! `stripe-events verify`: checks a body's `Stripe-Signature`, then parses it.
//! `ok<TAB>type<TAB>id<TAB>typed` (or `...<TAB>raw<TAB>reason`), exit 0; a thin event
//! notification `ok<TAB>type<TAB>id<TAB>thin`, exit 0, or for a thin type this build does not
//! know `ok<TAB>type<TAB>id<TAB>raw<TAB>reason`, exit 3; a signature or header failure, or a
//! body that is not an event, is printed on stderr with exit 1.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use stripe_events::signature::FixedClock;

use stripe_events::ReceivedEvent;

use crate::input::{USAGE, describe, describe_thin, read_body};

/// Verifies the body of `file` (or standard input) against `header` with any of `secrets`.
pub fn run(
    secrets: &[String],
    header: &str,
    tolerance: u64,
    now: Option<i64>,
    file: Option<&PathBuf>,
) -> Result<ExitCode, String> {
    let mut webhook = crate::secret::webhook(secrets)?.tolerance(Duration::from_secs(tolerance));
    if let Some(now) = now {
        webhook = webhook.clock(FixedClock(now));
    }
    let Some(body) = read_body(file) else {
        return Ok(ExitCode::from(USAGE));
    };
    match webhook.construct_any(&body, Some(header)) {
        Ok(ReceivedEvent::Snapshot(event)) => {
            println!("ok\t{}", describe(&event));
            Ok(ExitCode::SUCCESS)
        }
        Ok(ReceivedEvent::Thin(n)) => {
            println!("ok\t{}", describe_thin(&n));
            Ok(match n.type_ {
                stripe_events::ThinEventType::Unknown(_) => ExitCode::from(3),
                _ => ExitCode::SUCCESS,
            })
        }
        Err(e) => {
            eprintln!("stripe-events verify: {e}");
            Ok(ExitCode::from(1))
        }
    }
}
