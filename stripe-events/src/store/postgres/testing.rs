//! Tests' PostgreSQL: a fresh schema per store, dropped afterwards (also when the test
//! panics), on the server named by `STRIPE_EVENTS_TEST_POSTGRES`. Without a server, the tests
//! that need one say so on stderr and pass; under CI (`CI` set) they fail instead.

use std::io::Write as _;
use std::sync::Once;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// The variable naming the test server.
pub(crate) const ENV: &str = "STRIPE_EVENTS_TEST_POSTGRES";

/// The test server when the variable is not set (the one CI's machines run).
pub(crate) const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A schema of its own on the test server, dropped with everything in it when this is.
pub(crate) struct TestSchema {
    base: String,
    name: String,
    url: String,
}

impl TestSchema {
    /// Creates a uniquely named schema (`tag` in its name). `None`, after printing
    /// `skipped: PostgreSQL tests (...)` past the test harness's capture, when no server
    /// answers; a server that answers with an error (a missing database, say) fails the test.
    pub(crate) fn new(tag: &str) -> Option<Self> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let base = std::env::var(ENV).unwrap_or_else(|_| DEFAULT_URL.to_owned());
        let name = format!(
            "se_test_{tag}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        assert!(name.len() <= 63, "schema name too long: {name}");
        match execute(&base, &format!("CREATE SCHEMA {name}")) {
            Ok(_) => {}
            Err(e) if e.as_db_error().is_none() => {
                // CI's machines run the server (`.ci/run` checks it first): there, a skip
                // would hide that these tests did not run.
                let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
                assert!(
                    !ci,
                    "no PostgreSQL server at {base} under CI ({}); set {ENV}",
                    super::pool::with_cause(&e)
                );
                static SAID: Once = Once::new();
                SAID.call_once(|| {
                    // Straight to stderr: libtest hides what `eprintln!` prints in a passing test.
                    let _ = writeln!(
                        std::io::stderr(),
                        "skipped: PostgreSQL tests (no server at {base}; set {ENV} or start \
                         one) [{}]",
                        super::pool::with_cause(&e)
                    );
                });
                return None;
            }
            Err(e) => panic!("the test server at {base} refused to create a schema: {e:?}"),
        }
        let url = with_schema(&base, &name);
        Some(Self { base, name, url })
    }

    /// The URL of a store in this schema (its `search_path`; the schema's name as
    /// `application_name`, so a test finds the store's connections in `pg_stat_activity`).
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// The schema's name.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// Runs `sql` on a connection of its own in this schema; each row's columns as text.
    pub(crate) fn sql(&self, sql: &str) -> Vec<Vec<Option<String>>> {
        execute(&self.url, sql).unwrap_or_else(|e| panic!("{sql}: {e:?}"))
    }

    /// Closes, server-side, every connection a store in this schema has open; how many.
    pub(crate) fn terminate_connections(&self) -> usize {
        let rows = execute(
            &self.base,
            &format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                 WHERE application_name = '{}' AND pid <> pg_backend_pid()",
                self.name
            ),
        )
        .unwrap();
        // pg_terminate_backend only signals: wait until those sessions are gone.
        for _ in 0..100 {
            let left = execute(
                &self.base,
                &format!(
                    "SELECT 1 FROM pg_stat_activity WHERE application_name = '{}'",
                    self.name
                ),
            )
            .unwrap();
            if left.is_empty() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        rows.len()
    }
}

impl Drop for TestSchema {
    fn drop(&mut self) {
        if let Err(e) = execute(
            &self.base,
            &format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name),
        ) {
            let _ = writeln!(
                std::io::stderr(),
                "could not drop test schema {}: {e}",
                self.name
            );
        }
    }
}

/// `base` with the schema as search path and as application name.
fn with_schema(base: &str, schema: &str) -> String {
    if base.contains("://") {
        let sep = if base.contains('?') { '&' } else { '?' };
        format!("{base}{sep}options=-csearch_path%3D{schema}&application_name={schema}")
    } else {
        format!("{base} options='-csearch_path={schema}' application_name={schema}")
    }
}

/// Runs `sql` (simple protocol, any number of statements) on a new connection to `url`.
fn execute(url: &str, sql: &str) -> Result<Vec<Vec<Option<String>>>, tokio_postgres::Error> {
    let mut config: tokio_postgres::Config = url.parse()?;
    config.connect_timeout(Duration::from_secs(3));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let (client, connection) = config.connect(tokio_postgres::NoTls).await?;
        tokio::spawn(connection);
        let messages = client.simple_query(sql).await?;
        Ok(messages
            .into_iter()
            .filter_map(|m| match m {
                tokio_postgres::SimpleQueryMessage::Row(row) => Some(
                    (0..row.len())
                        .map(|i| row.get(i).map(str::to_owned))
                        .collect(),
                ),
                _ => None,
            })
            .collect())
    })
}

/// A PostgreSQL server of the test's own (`initdb` and `pg_ctl`, on a free port of
/// 127.0.0.1), to stop and start under a store without touching the shared server. Stopped,
/// and its directory removed, when dropped.
pub(crate) struct PrivateServer {
    dir: std::path::PathBuf,
    port: u16,
    /// Run the server's commands as `postgres` (`initdb` refuses root).
    as_postgres: bool,
}

impl PrivateServer {
    /// A new cluster, started; `None` (after saying why, past the capture) when `initdb` or
    /// `pg_ctl` is missing or fails.
    pub(crate) fn start() -> Option<Self> {
        let as_postgres = std::process::Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout.trim_ascii() == b"0");
        let dir = std::env::temp_dir().join(format!("stripe-events-pg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let server = Self {
            dir,
            port,
            as_postgres,
        };
        if as_postgres {
            server
                .run("chown", &["-R", "postgres", &server.path("")])
                .ok()?;
        }
        let data = server.path("data");
        let prepared = server
            .run(
                "initdb",
                &["-D", &data, "-U", "postgres", "--auth=trust", "-N"],
            )
            .and_then(|()| server.pg_ctl("start"));
        if let Err(e) = prepared {
            let _ = writeln!(
                std::io::stderr(),
                "skipped: the PostgreSQL restart test (cannot run a server of its own: {e})"
            );
            return None;
        }
        Some(server)
    }

    /// The URL of its `postgres` database.
    pub(crate) fn url(&self) -> String {
        format!(
            "postgres://postgres@127.0.0.1:{}/postgres?connect_timeout=5",
            self.port
        )
    }

    /// `pg_ctl start` (waiting until it accepts connections) or `stop` (fast: sessions are
    /// ended, as a restart does).
    pub(crate) fn pg_ctl(&self, action: &str) -> Result<(), String> {
        let data = self.path("data");
        let log = self.path("log");
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {}",
            self.port,
            self.path("")
        );
        self.run(
            "pg_ctl",
            &[
                "-D", &data, "-l", &log, "-o", &options, "-m", "fast", "-w", action,
            ],
        )
    }

    fn path(&self, name: &str) -> String {
        self.dir.join(name).display().to_string()
    }

    fn run(&self, program: &str, args: &[&str]) -> Result<(), String> {
        let mut command = if self.as_postgres && program != "chown" {
            let mut c = std::process::Command::new("runuser");
            c.args(["-u", "postgres", "--", program]);
            c
        } else {
            std::process::Command::new(program)
        };
        let out = command
            .args(args)
            .output()
            .map_err(|e| format!("{program}: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{program} {args:?}: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }
}

impl Drop for PrivateServer {
    fn drop(&mut self) {
        let _ = self.pg_ctl("stop");
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
