//! `baseline`: the Stripe webhook receiver a team writes without stripe-events, for issue 19's
//! benchmark to measure the crate against. axum, `serde_json::Value`, `hmac` + `sha2`, and one
//! `INSERT ... ON CONFLICT DO NOTHING` per delivery, committed before the 200:
//!
//! * SQLite (`--db PATH`): rusqlite (bundled), one connection behind a mutex, WAL with
//!   `synchronous = NORMAL`, as stripe-events' `SqliteStore` opens its file; the blocking call
//!   runs on tokio's blocking pool (`spawn_blocking`), as the tokio docs advise.
//! * PostgreSQL (`--db postgres://...`): tokio-postgres through a deadpool pool (`--pool`,
//!   default 16), server defaults (`synchronous_commit = on`: the commit is on disk).
//!
//! Signature check as Stripe documents it: `t=` within 300 s of now, any `v1=` equal (in
//! constant time) to the HMAC-SHA256 of `"{t}.{body}"` under the endpoint secret. Writes
//! nothing per delivery to its logs. Deliberately a single file a team would recognise.

use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use stripe_events_load::args::Args;

const HELP: &str = "\
baseline: a plain axum + serde_json::Value + hmac Stripe webhook receiver (POST /webhook).

  baseline --db PATH|postgres://URL --secret whsec_... [--addr 127.0.0.1:4343] [--pool 16]";

/// Stripe's default tolerance for the signed timestamp.
const TOLERANCE_SECS: i64 = 300;

enum Db {
    Sqlite(Arc<Mutex<rusqlite::Connection>>),
    Postgres(deadpool_postgres::Pool),
}

struct AppState {
    secret: String,
    db: Db,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("baseline: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let mut args = Args::from_env()?;
    if args.flag("help")? {
        println!("{HELP}");
        return Ok(());
    }
    let addr = args.get("addr", "127.0.0.1:4343".to_owned())?;
    let db = args
        .opt("db")?
        .ok_or("give --db PATH or --db postgres://URL")?;
    let secret = args
        .opt("secret")?
        .or_else(|| std::env::var("STRIPE_WEBHOOK_SECRET").ok())
        .ok_or("give --secret (or STRIPE_WEBHOOK_SECRET)")?;
    let pool = args.get("pool", 16usize)?;
    args.finish()?;

    // What `#[tokio::main]` builds: a worker thread per core.
    let rt = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    rt.block_on(async move {
        let db = if db.starts_with("postgres://") || db.starts_with("postgresql://") {
            Db::Postgres(open_postgres(&db, pool).await?)
        } else {
            Db::Sqlite(Arc::new(Mutex::new(open_sqlite(&db)?)))
        };
        let state = Arc::new(AppState { secret, db });
        let app = Router::new()
            .route("/webhook", post(webhook))
            .with_state(state);
        let listener = tokio::net::TcpListener::bind(&addr)
            .await
            .map_err(|e| format!("{addr}: {e}"))?;
        println!(
            "listening on http://{}/webhook",
            listener.local_addr().map_err(|e| e.to_string())?
        );
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown())
            .await
            .map_err(|e| e.to_string())
    })
}

fn open_sqlite(path: &str) -> Result<rusqlite::Connection, String> {
    let conn = rusqlite::Connection::open(path).map_err(|e| format!("{path}: {e}"))?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         PRAGMA busy_timeout = 5000;
         CREATE TABLE IF NOT EXISTS stripe_events (
             id          TEXT PRIMARY KEY,
             type        TEXT NOT NULL,
             body        TEXT NOT NULL,
             received_at INTEGER NOT NULL
         );",
    )
    .map_err(|e| format!("{path}: {e}"))?;
    Ok(conn)
}

async fn open_postgres(url: &str, size: usize) -> Result<deadpool_postgres::Pool, String> {
    let mut config = deadpool_postgres::Config::new();
    config.url = Some(url.to_owned());
    config.pool = Some(deadpool_postgres::PoolConfig::new(size));
    config.manager = Some(deadpool_postgres::ManagerConfig {
        recycling_method: deadpool_postgres::RecyclingMethod::Fast,
    });
    let pool = config
        .create_pool(
            Some(deadpool_postgres::Runtime::Tokio1),
            tokio_postgres::NoTls,
        )
        .map_err(|e| e.to_string())?;
    let client = pool.get().await.map_err(|e| format!("{url}: {e}"))?;
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS stripe_events (
                 id          TEXT PRIMARY KEY,
                 type        TEXT NOT NULL,
                 body        TEXT NOT NULL,
                 received_at BIGINT NOT NULL
             )",
        )
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    Ok(pool)
}

async fn webhook(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let Some(signature) = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
    else {
        return StatusCode::BAD_REQUEST;
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    if !verify(&state.secret, signature, &body, now) {
        return StatusCode::BAD_REQUEST;
    }
    let event: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(_) => return StatusCode::BAD_REQUEST,
    };
    let (Some(id), Some(event_type)) = (event["id"].as_str(), event["type"].as_str()) else {
        return StatusCode::BAD_REQUEST;
    };
    let Ok(text) = std::str::from_utf8(&body) else {
        return StatusCode::BAD_REQUEST;
    };
    let result = match &state.db {
        Db::Sqlite(conn) => {
            let conn = conn.clone();
            let (id, event_type, text) = (id.to_owned(), event_type.to_owned(), text.to_owned());
            tokio::task::spawn_blocking(move || {
                let conn = conn.lock().unwrap_or_else(|p| p.into_inner());
                conn.prepare_cached(
                    "INSERT INTO stripe_events (id, type, body, received_at) \
                     VALUES (?1, ?2, ?3, ?4) ON CONFLICT (id) DO NOTHING",
                )
                .and_then(|mut stmt| stmt.execute(rusqlite::params![id, event_type, text, now]))
                .map_err(|e| e.to_string())
            })
            .await
            .unwrap_or_else(|e| Err(e.to_string()))
            .map(|_| ())
        }
        Db::Postgres(pool) => insert_postgres(pool, id, event_type, text, now).await,
    };
    match result {
        Ok(()) => StatusCode::OK,
        Err(e) => {
            eprintln!("baseline: storing {id}: {e}");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}

async fn insert_postgres(
    pool: &deadpool_postgres::Pool,
    id: &str,
    event_type: &str,
    body: &str,
    now: i64,
) -> Result<(), String> {
    let client = pool.get().await.map_err(|e| e.to_string())?;
    let stmt = client
        .prepare_cached(
            "INSERT INTO stripe_events (id, type, body, received_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING",
        )
        .await
        .map_err(|e| e.to_string())?;
    client
        .execute(&stmt, &[&id, &event_type, &body, &now])
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// Stripe's scheme: `t=` within the tolerance, and one of the `v1=` signatures right.
fn verify(secret: &str, header: &str, body: &[u8], now: i64) -> bool {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", t)) => timestamp = t.trim().parse::<i64>().ok(),
            Some(("v1", s)) => signatures.push(s.trim()),
            _ => {}
        }
    }
    let Some(t) = timestamp else { return false };
    if (now - t).abs() > TOLERANCE_SECS {
        return false;
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    signatures
        .iter()
        .any(|s| decode_hex(s).is_some_and(|bytes| mac.clone().verify_slice(&bytes).is_ok()))
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

async fn shutdown() {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).expect("a SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stripe_events_load::signature_header;

    #[test]
    fn verifies_like_stripe() {
        let body = br#"{"id":"evt_1"}"#;
        let header = signature_header("whsec_k", 1000, body);
        assert!(verify("whsec_k", &header, body, 1000));
        assert!(verify("whsec_k", &header, body, 1300));
        assert!(
            !verify("whsec_k", &header, body, 1301),
            "past the tolerance"
        );
        assert!(!verify("whsec_other", &header, body, 1000));
        assert!(!verify("whsec_k", &header, b"{}", 1000));
        let sig = header.split_once(",v1=").unwrap().1;
        let rotated = format!("t=1000,v1={},v1={sig},v0=abc", "0".repeat(64));
        assert!(verify("whsec_k", &rotated, body, 1000));
        assert!(!verify("whsec_k", "v1=00", body, 1000));
        assert!(!verify("whsec_k", "t=1000,v1=zz", body, 1000));
    }
}
