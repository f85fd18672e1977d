//! `stripe-events parse`: parses a body as an event without verifying it.
//! `type<TAB>id<TAB>typed` (or `...<TAB>raw<TAB>reason`); exit 0 typed, 3 raw, 1 not an event.

use std::path::PathBuf;
use std::process::ExitCode;

use stripe_events::Event;

use crate::input::{USAGE, describe, raw_reason, read_body};

/// Parses the body of `file` (or standard input).
pub fn run(file: Option<&PathBuf>) -> Result<ExitCode, String> {
    let Some(body) = read_body(file) else {
        return Ok(ExitCode::from(USAGE));
    };
    Ok(match Event::from_slice(&body) {
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
    })
}
