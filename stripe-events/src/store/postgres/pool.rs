//! The store's connections: a thread of its own running a small tokio runtime, and on it a
//! bounded pool of `tokio-postgres` clients.
//!
//! Why a thread of its own: the [`EventStore`](crate::store::EventStore) trait is synchronous
//! and is called from anywhere: tokio's blocking pool (the receiver), plain threads (tests, the
//! command line), and also from inside async code (`manage::main` lists deliveries in an
//! `async fn`; an application opens its store in `async fn main`). Blocking on a runtime there
//! (`Runtime::block_on`, `Handle::block_on`, or the `postgres` crate, which does the same)
//! panics with "Cannot start a runtime from within a runtime". So each call is spawned onto the
//! store's runtime and the caller waits on a plain channel, which blocks the calling thread
//! (as a SQLite call does) and works in every one of those places.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, mpsc};
use std::task::Poll;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, Config, NoTls, Row, Statement};

/// How long a call waits for a free connection of the pool.
pub(super) const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(30);

/// How long one call (its statements, once it has a connection) may take before it fails and
/// its connection is closed.
pub(super) const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// How long opening a connection may take, unless the URL sets `connect_timeout`.
pub(super) const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a call failed.
#[derive(Debug)]
pub(super) enum Failure {
    /// PostgreSQL's error (or the connection's).
    Db(tokio_postgres::Error),
    /// Anything else, said in words.
    Other(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // `tokio_postgres::Error` says "db error" and leaves PostgreSQL's message to its
            // source: show both.
            Self::Db(e) => match e.as_db_error() {
                Some(db) => write!(f, "{db}"),
                None => write!(f, "{}", with_cause(e)),
            },
            Self::Other(message) => f.write_str(message),
        }
    }
}

/// `error connecting to server: Connection refused (os error 111)`: the client's error and
/// the I/O error under it, which its own `Display` leaves out.
pub(super) fn with_cause(e: &tokio_postgres::Error) -> String {
    match std::error::Error::source(e) {
        Some(cause) => format!("{e}: {cause}"),
        None => e.to_string(),
    }
}

impl std::error::Error for Failure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Db(e) => Some(e),
            Self::Other(_) => None,
        }
    }
}

impl From<tokio_postgres::Error> for Failure {
    fn from(e: tokio_postgres::Error) -> Self {
        Self::Db(e)
    }
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Self::Other(message)
    }
}

/// The runtime thread and the pool on it. Dropping it stops the thread, which closes every
/// connection.
pub(super) struct Pool {
    runtime: tokio::runtime::Handle,
    shared: Arc<Shared>,
    /// Dropped with the pool: the runtime thread then returns and drops the runtime.
    _stop: tokio::sync::oneshot::Sender<()>,
}

struct Shared {
    config: Config,
    size: usize,
    permits: Arc<Semaphore>,
    idle: Mutex<Vec<Conn>>,
}

impl Pool {
    /// Starts the runtime thread; no connection is opened yet.
    pub(super) fn start(mut config: Config, size: usize) -> std::io::Result<Self> {
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("stripe-events");
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let handle = runtime.handle().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        std::thread::Builder::new()
            .name("stripe-events-postgres".to_owned())
            .spawn(move || {
                // Runs the connections' tasks and the calls until the pool is dropped; the
                // runtime is dropped here, outside any async context.
                runtime.block_on(async {
                    let _ = stopped.await;
                });
            })?;
        let size = size.max(1);
        Ok(Self {
            runtime: handle,
            shared: Arc::new(Shared {
                config,
                size,
                permits: Arc::new(Semaphore::new(size)),
                idle: Mutex::new(Vec::with_capacity(size)),
            }),
            _stop: stop,
        })
    }

    /// The most connections open at once.
    pub(super) fn size(&self) -> usize {
        self.shared.size
    }

    /// Runs `f` on a connection of the pool, on the runtime thread, and waits for its result
    /// (blocking the calling thread). Waits at most [`ACQUIRE_TIMEOUT`] for a connection, then
    /// at most [`CALL_TIMEOUT`] for `f`.
    pub(super) fn run<T, F, Fut>(&self, f: F) -> Result<T, Failure>
    where
        T: Send + 'static,
        F: FnOnce(Lease) -> Fut + Send + 'static,
        Fut: Future<Output = Result<T, Failure>> + Send + 'static,
    {
        let shared = self.shared.clone();
        let (tx, rx) = mpsc::sync_channel(1);
        self.runtime.spawn(async move {
            let result = async {
                let lease = shared.get().await?;
                match tokio::time::timeout(CALL_TIMEOUT, f(lease)).await {
                    Ok(result) => result,
                    Err(_) => Err(Failure::Other(format!(
                        "no answer from PostgreSQL within {} s (the connection was closed)",
                        CALL_TIMEOUT.as_secs()
                    ))),
                }
            }
            .await;
            let _ = tx.send(result);
        });
        rx.recv().unwrap_or_else(|_| {
            Err(Failure::Other(
                "the event store's connection thread stopped".to_owned(),
            ))
        })
    }
}

impl Shared {
    /// A connection: an idle one that is still open, or a new one. Waits for a free slot.
    async fn get(self: &Arc<Self>) -> Result<Lease, Failure> {
        let permit = tokio::time::timeout(ACQUIRE_TIMEOUT, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| {
                format!(
                    "all {} connections of the pool stayed busy for {} s",
                    self.size,
                    ACQUIRE_TIMEOUT.as_secs()
                )
            })?
            .map_err(|_| "the pool is closed".to_owned())?;
        // Lets the connections' tasks read what arrived first: a connection the server has
        // just closed is then seen closed here, instead of failing the call.
        tokio::task::yield_now().await;
        let reused = loop {
            let conn = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
            match conn {
                // A connection the server closed (restarted, terminated it) since: dropped.
                Some(conn) if conn.client.is_closed() => continue,
                other => break other,
            }
        };
        let conn = match reused {
            Some(conn) => conn,
            None => {
                let (client, connection) = self.config.connect(NoTls).await?;
                tokio::spawn(async move {
                    // Ends when the client is dropped or the server closes the connection;
                    // the client then reports `is_closed` and is never lent again.
                    let _ = connection.await;
                });
                Conn {
                    client,
                    statements: HashMap::new(),
                }
            }
        };
        Ok(Lease {
            conn: Some(conn),
            in_flight: false,
            shared: self.clone(),
            _permit: permit,
        })
    }
}

/// One open connection and the statements prepared on it.
struct Conn {
    client: Client,
    statements: HashMap<&'static str, Statement>,
}

impl Conn {
    /// `sql` prepared on this connection: once, then from its cache.
    async fn prepared(&mut self, sql: &'static str) -> Result<Statement, tokio_postgres::Error> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(sql).await?;
        self.statements.insert(sql, statement.clone());
        Ok(statement)
    }
}

/// A connection lent by the pool, given back when dropped: kept for the next call when it is
/// open and no statement was cut off half-way (a call that timed out), else closed.
pub(super) struct Lease {
    conn: Option<Conn>,
    /// A statement was sent and its answer not read yet (or [`discard`](Self::discard)ed):
    /// the connection is closed instead of kept.
    in_flight: bool,
    shared: Arc<Shared>,
    _permit: OwnedSemaphorePermit,
}

impl Lease {
    fn conn(&mut self) -> &mut Conn {
        self.conn
            .as_mut()
            .expect("a lease holds its connection until dropped")
    }

    /// Closes the connection instead of keeping it (after a failed transaction, say).
    pub(super) fn discard(&mut self) {
        self.in_flight = true;
    }

    /// Runs `sql` (prepared once per connection) with `params`, returning its rows.
    pub(super) async fn query(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, Failure> {
        self.in_flight = true;
        let conn = self.conn();
        let statement = match conn.prepared(sql).await {
            Ok(statement) => statement,
            Err(e) => {
                self.in_flight = false;
                return Err(e.into());
            }
        };
        let rows = conn.client.query(&statement, params).await;
        // Answered (rows or an error): the connection is ready for the next statement.
        self.in_flight = false;
        Ok(rows?)
    }

    /// Runs each statement of `calls` with its parameters, pipelined: every request is sent
    /// before the first answer is read, so that the whole list costs about one round trip to
    /// the server instead of one each (tokio-postgres sends a request when its future is
    /// first polled; the server answers in order). Statements are prepared once per
    /// connection, as [`query`](Self::query) does. The first error is returned once every
    /// answer has been read; in a transaction, the statements after a failed one fail too, so
    /// the caller [`discard`](Self::discard)s the connection.
    pub(super) async fn pipeline(
        &mut self,
        calls: &[(&'static str, &[&(dyn ToSql + Sync)])],
    ) -> Result<Vec<Vec<Row>>, Failure> {
        self.in_flight = true;
        let conn = self.conn();
        let mut statements = Vec::with_capacity(calls.len());
        for (sql, _) in calls {
            statements.push(conn.prepared(sql).await?);
        }
        let client = &conn.client;
        let answers = in_order(
            statements
                .iter()
                .zip(calls)
                .map(|(statement, (_, params))| client.query(statement, params))
                .collect(),
        )
        .await;
        self.in_flight = false;
        answers
            .into_iter()
            .map(|rows| rows.map_err(Failure::from))
            .collect()
    }

    /// Runs `sql` (one or more statements, no parameters), as is.
    pub(super) async fn batch(&mut self, sql: &str) -> Result<(), Failure> {
        self.in_flight = true;
        let done = self.conn().client.batch_execute(sql).await;
        self.in_flight = false;
        Ok(done?)
    }

    /// Runs one statement with `params`, without keeping it prepared (migrations).
    pub(super) async fn query_once(
        &mut self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, Failure> {
        self.in_flight = true;
        let rows = self.conn().client.query(sql, params).await;
        self.in_flight = false;
        Ok(rows?)
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else { return };
        if self.in_flight || conn.client.is_closed() {
            return; // closed: its connection task ends, the server ends its session.
        }
        self.shared
            .idle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(conn);
    }
}

/// Polls every future once (each sends its request), then awaits them in order (the order
/// their answers arrive in), and returns their outputs in order.
async fn in_order<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut early: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        for (future, output) in futures.iter_mut().zip(early.iter_mut()) {
            if let Poll::Ready(value) = future.as_mut().poll(cx) {
                *output = Some(value);
            }
        }
        Poll::Ready(())
    })
    .await;
    let mut outputs = Vec::with_capacity(futures.len());
    for (future, output) in futures.into_iter().zip(early) {
        outputs.push(match output {
            Some(value) => value,
            None => future.await,
        });
    }
    outputs
}
