//! What the multi-process tests share: a tiny keep-alive HTTP client, `serve` processes whose
//! handler lines are collected, PostgreSQL schemas and a PostgreSQL server of the test's own.

#![allow(dead_code)] // each test file uses part of it

pub mod http;
pub mod pg;
pub mod serve;

use std::path::PathBuf;
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

/// A temporary directory of this test process, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    /// `stripe-events-cli-NAME-PID` in the system's temporary directory, empty.
    pub fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("stripe-events-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    /// The directory.
    pub fn dir(&self) -> &std::path::Path {
        &self.0
    }

    /// `name` inside it.
    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// The event store's file inside it.
    pub fn db(&self) -> PathBuf {
        self.path("events.sqlite3")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
