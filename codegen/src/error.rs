//! Errors the generator reports: each names the file and, where it applies, the JSON pointer
//! inside it that is at fault, plus a hint on what to do. (`Display` is written by hand: the
//! generator runs in build scripts and keeps proc macros out of their dependencies.)

use std::path::PathBuf;

/// Everything that can go wrong while reading a spec and generating code.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The spec (or another input) could not be read.
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not JSON at all.
    NotJson {
        /// The file.
        path: PathBuf,
        /// What the JSON parser said.
        reason: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// The file is JSON but not an OpenAPI document this generator understands.
    NotOpenApi {
        /// The file.
        path: PathBuf,
        /// JSON pointer (`#/info/version`) of the offending value.
        pointer: String,
        /// What is wrong there.
        reason: String,
    },
    /// A `$ref` points at a schema the document does not have.
    DanglingRef {
        /// The file.
        path: PathBuf,
        /// JSON pointer of the `$ref`.
        pointer: String,
        /// The `$ref` value.
        target: String,
    },
    /// The spec lists no event types (no `x-stripeEvent` schemas and no `enabled_events`).
    NoEvents {
        /// The file.
        path: PathBuf,
        /// Where the event list was looked for.
        pointer: String,
    },
    /// An extra-events file is malformed or names a schema the spec lacks.
    ExtraEvents {
        /// The extra-events file.
        path: PathBuf,
        /// What is wrong, naming the entry.
        reason: String,
    },
    /// The spec pin (`spec/stripe-api.toml`) is missing or malformed.
    Pin {
        /// The pin file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// No spec file was found, or the pinned one has the wrong checksum.
    SpecNotFound(String),
    /// Writing generated code failed.
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The generated code did not parse as Rust (a generator bug).
    InvalidOutput(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Read { path, source } => write!(f, "cannot read {}: {source}", path.display()),
            Error::NotJson {
                path,
                reason,
                line,
                column,
            } => write!(
                f,
                "{} is not valid JSON: {reason} (line {line}, column {column})",
                path.display()
            ),
            Error::NotOpenApi {
                path,
                pointer,
                reason,
            } => write!(
                f,
                "{} is not an OpenAPI document: {reason} at {pointer}",
                path.display()
            ),
            Error::DanglingRef {
                path,
                pointer,
                target,
            } => write!(
                f,
                "{}: $ref {target:?} at {pointer} points to no schema in #/components/schemas",
                path.display()
            ),
            Error::NoEvents { path, pointer } => write!(
                f,
                "{}: no event types found: neither `x-stripeEvent` schemas nor the `enabled_events` enum of POST /v1/webhook_endpoints ({pointer})",
                path.display()
            ),
            Error::ExtraEvents { path, reason } | Error::Pin { path, reason } => {
                write!(f, "{}: {reason}", path.display())
            }
            Error::SpecNotFound(message) => f.write_str(message),
            Error::Write { path, source } => {
                write!(f, "cannot write {}: {source}", path.display())
            }
            Error::InvalidOutput(message) => write!(
                f,
                "generated code is not valid Rust (a bug in stripe-events-codegen): {message}"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Read { source, .. } | Error::Write { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
