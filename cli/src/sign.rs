//! `stripe-events sign`: prints a valid `Stripe-Signature` header for a body; exit 0.

use std::path::PathBuf;
use std::process::ExitCode;

use stripe_events::signature::{Clock, SystemClock};

use crate::input::{USAGE, read_body};

/// Signs the body of `file` (or standard input) with `secret` at `timestamp` (default now).
pub fn run(
    secret: &str,
    timestamp: Option<i64>,
    file: Option<&PathBuf>,
) -> Result<ExitCode, String> {
    crate::secret::check(secret)?;
    let Some(body) = read_body(file) else {
        return Ok(ExitCode::from(USAGE));
    };
    let t = timestamp.unwrap_or_else(|| SystemClock.now());
    println!(
        "{}",
        stripe_events::testing::generate_test_header(&body, secret, t)
    );
    Ok(ExitCode::SUCCESS)
}
