//! `stripe-events parse`: parses a body as an event without verifying it.
//! `type<TAB>id<TAB>typed` (or `...<TAB>raw<TAB>reason`); a thin event notification
//! `type<TAB>id<TAB>thin` (its type unknown to this build: `...<TAB>raw<TAB>reason`); exit 0
//! typed or thin, 3 raw, 1 not an event.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::input::{USAGE, describe_any, parse_any, read_body};

/// Parses the body of `file` (or standard input).
pub fn run(file: Option<&PathBuf>) -> Result<ExitCode, String> {
    let Some(body) = read_body(file) else {
        return Ok(ExitCode::from(USAGE));
    };
    Ok(match parse_any(&body) {
        Ok(received) => {
            let (line, raw) = describe_any(&received);
            println!("{line}");
            if raw {
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
