//! What the multi-process tests share: a tiny keep-alive HTTP client, `serve` processes whose
//! handler lines are collected, PostgreSQL schemas and a PostgreSQL server of the test's own.

#![allow(dead_code)] // each test file uses part of it

pub mod http;
pub mod pg;
pub mod serve;

use std::process::Command;

/// The `stripe-events` binary under test.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_stripe-events"))
}

/// A free TCP port on 127.0.0.1 (bound, read, released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
