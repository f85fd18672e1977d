//! `serve` and `demo`: a real receiver on the embedded defaults (SQLite file, axum on
//! loopback), with a built-in handler that logs every event in one readable line.

use std::path::Path;
use std::time::Duration;

use stripe_events::receiver::{Receiver, ReceiverConfig};
use stripe_events::store::SqliteStore;
use stripe_events::{Dispatcher, Event, EventObject, webhook_handler};

/// The built-in handler: one line per event, typed or not.
#[webhook_handler("*")]
fn log_event(event: &Event) {
    println!("{}", describe(event));
}

/// `customer.created evt_1 -> cus_1 (typed)`, or the reason it is raw.
pub fn describe(event: &Event) -> String {
    let object = event.data.object.object_id().unwrap_or("-");
    match &event.data.object {
        EventObject::Untyped(u) => format!("{} {} -> raw: {}", event.type_, event.id, u.error),
        EventObject::Unknown(_) => {
            format!("{} {} -> raw: unknown event type", event.type_, event.id)
        }
        _ => format!("{} {} -> {object} (typed)", event.type_, event.id),
    }
}

/// The application name the command's receivers bind their stores to: a store written by
/// `stripe-events serve` belongs to it, and the command never runs its built-in handler on
/// another application's store.
pub const APPLICATION: &str = "stripe-events";

/// A receiver with the built-in handlers over the SQLite file `db` (which must be writable).
pub fn receiver(db: &Path, secrets: &[String]) -> Result<Receiver, String> {
    let webhook = crate::secret::webhook(secrets)?;
    let store = SqliteStore::open(db).map_err(|e| e.to_string())?;
    let dispatcher = Dispatcher::new();
    dispatcher.check().map_err(|e| e.to_string())?;
    Ok(Receiver::new(
        ReceiverConfig::new(webhook)
            .store(store)
            .lease(Duration::from_secs(60))
            .application(APPLICATION),
        dispatcher,
    ))
}

/// `serve`: runs until interrupted. Secrets: `--secret`, else `STRIPE_WEBHOOK_SECRET`, else a
/// generated development secret (printed, for local testing only).
pub fn serve(addr: &str, db: &Path, mut secrets: Vec<String>) -> Result<(), String> {
    crate::logging::init();
    if secrets.is_empty() {
        if let Some(from_env) = crate::secret::from_env() {
            secrets = from_env;
        } else {
            let secret = crate::secret::generate();
            println!(
                "no --secret or {} given; development secret for local testing only: {secret}",
                crate::secret::ENV
            );
            secrets.push(secret);
        }
    }
    let receiver = receiver(db, &secrets)?;
    runtime()?.block_on(async move {
        receiver.ready().await.map_err(|e| e.to_string())?;
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| format!("{addr}: {e}"))?;
        let local = listener.local_addr().map_err(|e| e.to_string())?;
        println!(
            "listening on http://{local}/webhook (events stored in {})",
            db.display()
        );
        // Ctrl-C (or SIGTERM) stops accepting, finishes the requests in flight, and returns.
        stripe_events::receiver::serve_with_shutdown(listener, receiver, shutdown_signal())
            .await
            .map_err(|e| e.to_string())
    })
}

/// Completes on Ctrl-C, or on SIGTERM (what process managers send) on unix.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    eprintln!("stripe-events: shutting down (finishing deliveries in flight)");
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
}
