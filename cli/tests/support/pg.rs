//! PostgreSQL for the multi-process tests: a fresh schema of the shared server per test
//! (dropped at the end), and a server of the test's own that it may restart.

use std::net::{TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

/// The server the tests use: `STRIPE_EVENTS_TEST_POSTGRES`, else the one CI machines run.
pub fn server_url() -> String {
    std::env::var("STRIPE_EVENTS_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// `host:port` of a `postgres://user@host:port/db` URL.
fn host_port(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, rest)| rest);
    let host = rest.split(['/', '?']).next().unwrap_or(rest);
    if host.contains(':') {
        host.to_owned()
    } else {
        format!("{host}:5432")
    }
}

fn reachable(url: &str) -> bool {
    host_port(url)
        .to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.next())
        .is_some_and(|addr| TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_ok())
}

/// Says, visibly, that a test was skipped: written to the process's stderr directly, which
/// the test harness does not capture (it captures `eprintln!`), so plain `cargo test` shows
/// it even though the test passes. Under CI (`CI` set) nothing may be skipped: it fails.
pub fn skipped(what: &str) {
    use std::io::Write;
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must run every PostgreSQL test, but cannot run {what}"
    );
    let _ = writeln!(std::io::stderr().lock(), "skipped: {what}");
}

/// Runs one SQL statement with `psql` (which every machine with the server has).
pub fn psql(url: &str, sql: &str) -> Output {
    let out = Command::new("psql")
        .args([url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-c", sql])
        .output()
        .expect("psql (PostgreSQL's client) must be installed to run the PostgreSQL tests");
    assert!(
        out.status.success(),
        "psql {url} -c {sql:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A schema of its own on the shared server, dropped with everything in it when the test
/// ends (also when it fails).
pub struct Schema {
    base: String,
    name: String,
}

impl Schema {
    /// A fresh schema named after the test, or `None` (with a visible message) when no
    /// server is reachable.
    pub fn new(test: &str) -> Option<Self> {
        let base = server_url();
        if !reachable(&base) {
            skipped(&format!(
                "PostgreSQL test `{test}` (no server at {}; start one, or set \
                 STRIPE_EVENTS_TEST_POSTGRES to a postgres:// URL, to run it)",
                host_port(&base)
            ));
            return None;
        }
        let name = format!("se_{test}_{}", std::process::id());
        psql(
            &base,
            &format!("DROP SCHEMA IF EXISTS {name} CASCADE; CREATE SCHEMA {name}"),
        );
        Some(Self { base, name })
    }

    /// The URL whose connections use this schema.
    pub fn url(&self) -> String {
        with_schema(&self.base, &self.name)
    }

    /// One value of a query run in this schema.
    pub fn query(&self, sql: &str) -> String {
        let out = psql(&self.url(), sql);
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        let _ = Command::new("psql")
            .args([
                &self.base,
                "-X",
                "-q",
                "-c",
                &format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name),
            ])
            .output();
    }
}

/// `url` with `search_path` set to `schema` for every connection.
pub fn with_schema(url: &str, schema: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options=-csearch_path%3D{schema}")
}

/// A PostgreSQL server of the test's own (`initdb`, `pg_ctl`) on a free port, in a temp
/// directory, stopped and removed when dropped: the test may restart it without touching
/// the server other tests use. As root, the server runs as the `postgres` user.
pub struct OwnServer {
    dir: PathBuf,
    port: u16,
    bin: PathBuf,
}

impl OwnServer {
    /// Starts one, or `None` (with a visible message) when PostgreSQL's server programs are
    /// not installed.
    pub fn start(test: &str) -> Option<Self> {
        let Some(bin) = server_bin() else {
            skipped(&format!(
                "PostgreSQL test `{test}` (initdb and pg_ctl not found on PATH or in \
                 /usr/lib/postgresql/*/bin; install PostgreSQL's server to run it)"
            ));
            return None;
        };
        let dir = std::env::temp_dir().join(format!("se-pg-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let server = Self {
            port: super::free_port(),
            dir,
            bin,
        };
        if is_root() {
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&server.dir)
                .status()
                .unwrap();
            assert!(status.success(), "chown postgres {}", server.dir.display());
        }
        let data = server.dir.join("data");
        server.run(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
            ],
        );
        server.pg_ctl("start");
        Some(server)
    }

    /// `postgres://postgres@127.0.0.1:PORT/postgres`.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Stops it (fast: open connections are closed) and starts it again, waiting for both.
    pub fn restart(&self) {
        self.pg_ctl("restart");
    }

    fn pg_ctl(&self, action: &str) {
        let data = self.dir.join("data");
        let log = self.dir.join("server.log");
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.display()
        );
        self.run(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-l",
                log.to_str().unwrap(),
                "-o",
                &options,
                "-m",
                "fast",
                "-w",
                action,
            ],
        );
    }

    fn run(&self, program: &str, args: &[&str]) {
        let program = self.bin.join(program);
        let mut command = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        let out = command.args(args).current_dir(&self.dir).output().unwrap();
        assert!(
            out.status.success(),
            "{} {args:?}: {}{}",
            program.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for OwnServer {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let _ = Command::new(self.bin.join("pg_ctl"))
            .args(["-D", data.to_str().unwrap(), "-m", "immediate", "stop"])
            .output();
        if is_root() {
            let _ = Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(self.bin.join("pg_ctl"))
                .args(["-D", data.to_str().unwrap(), "-m", "immediate", "stop"])
                .output();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout.starts_with(b"0\n"))
}

/// The directory holding `initdb` and `pg_ctl`.
fn server_bin() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .and_then(|path| std::env::split_paths(&path).find(|dir| dir.join("initdb").is_file()));
    on_path
        .or_else(|| {
            let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
                .ok()?
                .filter_map(|entry| Some(entry.ok()?.path().join("bin")))
                .filter(|bin| bin.join("initdb").is_file())
                .collect();
            versions.sort();
            versions.pop()
        })
        .filter(|dir: &PathBuf| Path::new(dir).join("pg_ctl").is_file())
}
