//! `serve` and `demo`: a real receiver on the embedded defaults (SQLite file, axum on
//! loopback), with a built-in handler that logs every event in one readable line.

use std::path::Path;
use std::time::Duration;

use stripe_events::receiver::{Receiver, ReceiverConfig};
use stripe_events::store::SqliteStore;
use stripe_events::{Dispatcher, Event, EventObject, Webhook, webhook_handler};

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

/// A receiver with the built-in handlers over the SQLite file `db`.
pub fn receiver(db: &Path, secrets: &[String]) -> Result<Receiver, String> {
    let store = SqliteStore::open(db).map_err(|e| format!("{}: {e}", db.display()))?;
    let mut webhook = Webhook::try_new(secrets.first().cloned().unwrap_or_default())
        .map_err(|e| e.to_string())?;
    for s in secrets.iter().skip(1) {
        webhook = webhook
            .try_add_secret(s.clone())
            .map_err(|e| e.to_string())?;
    }
    let dispatcher = Dispatcher::new();
    dispatcher.check().map_err(|e| e.to_string())?;
    Ok(Receiver::new(
        ReceiverConfig::new(webhook)
            .store(store)
            .lease(Duration::from_secs(60)),
        dispatcher,
    ))
}

/// `serve`: runs until interrupted.
pub fn serve(addr: &str, db: &Path, mut secrets: Vec<String>) -> Result<(), String> {
    if secrets.is_empty() {
        let secret = crate::secret::generate();
        println!("no --secret given; development secret: {secret}");
        secrets.push(secret);
    }
    let receiver = receiver(db, &secrets)?;
    runtime()?.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| format!("{addr}: {e}"))?;
        let local = listener.local_addr().map_err(|e| e.to_string())?;
        println!(
            "listening on http://{local}/webhook (events stored in {})",
            db.display()
        );
        stripe_events::receiver::serve(listener, receiver)
            .await
            .map_err(|e| e.to_string())
    })
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
}
