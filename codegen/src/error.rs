//! Errors the generator reports: each names the file and, where it applies, the JSON pointer
//! inside it that is at fault, plus a hint on what to do.

use std::path::PathBuf;

/// Everything that can go wrong while reading a spec and generating code.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The spec (or another input) could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not JSON at all.
    #[error("{} is not valid JSON: {reason} (line {line}, column {column})", path.display())]
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
    #[error("{} is not an OpenAPI document: {reason} at {pointer}", path.display())]
    NotOpenApi {
        /// The file.
        path: PathBuf,
        /// JSON pointer (`#/info/version`) of the offending value.
        pointer: String,
        /// What is wrong there.
        reason: String,
    },
    /// A `$ref` points at a schema the document does not have.
    #[error("{}: $ref {target:?} at {pointer} points to no schema in #/components/schemas", path.display())]
    DanglingRef {
        /// The file.
        path: PathBuf,
        /// JSON pointer of the `$ref`.
        pointer: String,
        /// The `$ref` value.
        target: String,
    },
    /// The spec lists no event types (no `x-stripeEvent` schemas and no `enabled_events`).
    #[error(
        "{}: no event types found: neither `x-stripeEvent` schemas nor the `enabled_events` enum of POST /v1/webhook_endpoints ({pointer})",
        path.display()
    )]
    NoEvents {
        /// The file.
        path: PathBuf,
        /// Where the event list was looked for.
        pointer: String,
    },
    /// An extra-events file is malformed or names a schema the spec lacks.
    #[error("{}: {reason}", path.display())]
    ExtraEvents {
        /// The extra-events file.
        path: PathBuf,
        /// What is wrong, naming the entry.
        reason: String,
    },
    /// The spec pin (`spec/stripe-api.toml`) is missing or malformed.
    #[error("{}: {reason}", path.display())]
    Pin {
        /// The pin file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// No spec file was found, or the pinned one has the wrong checksum.
    #[error("{0}")]
    SpecNotFound(String),
    /// Writing generated code failed.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The generated code did not parse as Rust (a generator bug).
    #[error("generated code is not valid Rust (a bug in stripe-events-codegen): {0}")]
    InvalidOutput(String),
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
