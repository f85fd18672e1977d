//! Tests only: see `tests/fixtures.rs`.
