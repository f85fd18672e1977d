//! `serve`, `worker` and `demo`: a real receiver (SQLite file by default, axum on loopback),
//! with a built-in handler that logs every event in one readable line. `serve` runs the
//! handler inline, or in queue mode with workers beside the endpoint; `worker` runs workers
//! alone on the same store.

use std::path::Path;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use stripe_events::client::Client;
use stripe_events::mirror::{Mirror, ObjectStore};

use crate::commands::MirrorArgs;
use stripe_events::receiver::{Processing, Receiver, ReceiverConfig};
use stripe_events::store::{EventStore, SqliteStore};

use crate::store::Db;
use stripe_events::dispatch::{BoxError, Handler, HandlerFn, Invocation};
use stripe_events::{
    Dispatcher, Event, EventNotification, EventObject, ThinEventType, webhook_handler,
};

/// The built-in handler: one line per event, typed or not.
#[webhook_handler("*")]
fn log_event(event: &Event) {
    println!("{}", describe(event));
}

/// The built-in handler of thin events: one line per notification.
fn log_thin(inv: &Invocation<'_>) -> Result<(), BoxError> {
    if let Some(n) = inv.notification() {
        println!("{}", describe_thin(n));
    }
    Ok(())
}

/// [`log_thin`] registered for every thin event type of this build (`"*"` handlers take
/// snapshot events only).
static THIN_HANDLERS: LazyLock<Vec<Handler>> = LazyLock::new(|| {
    ThinEventType::ALL
        .iter()
        .map(|t| Handler {
            event_type: t.as_str(),
            name: "stripe_events_cli::receive::log_thin",
            state: None,
            call: HandlerFn::Sync(log_thin),
        })
        .collect()
});

/// `v2.core.event_destination.ping evt_1 -> ed_1 (thin)` (`-` without a related object).
pub fn describe_thin(n: &EventNotification) -> String {
    let related = n.related_object.as_ref().map_or("-", |r| r.id.as_str());
    format!("{} {} -> {related} (thin)", n.type_, n.id)
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

/// A receiver with the built-in handlers over the SQLite file `db` (which must be writable),
/// inline, keeping the mirror of Stripe objects in the same file: `demo`.
pub fn receiver(db: &Path, secrets: &[String]) -> Result<Receiver, String> {
    let webhook = crate::secret::webhook(secrets)?;
    let store = Arc::new(SqliteStore::open(db).map_err(|e| e.to_string())?);
    let objects: Arc<dyn ObjectStore> = Arc::clone(&store) as _;
    receiver_on(webhook, store, |config| {
        with_mirror(config, Some(objects), None)
    })
}

/// A receiver with the built-in handlers over `store`, configured further by `config`.
pub fn receiver_on(
    webhook: stripe_events::Webhook,
    store: Arc<dyn EventStore>,
    config: impl FnOnce(ReceiverConfig) -> ReceiverConfig,
) -> Result<Receiver, String> {
    let dispatcher: Dispatcher = Dispatcher::new()
        .handlers()
        .chain(THIN_HANDLERS.iter())
        .collect();
    dispatcher.check().map_err(|e| e.to_string())?;
    Ok(Receiver::new(
        config(
            ReceiverConfig::new(webhook)
                .store(store)
                .lease(Duration::from_secs(60))
                .application(APPLICATION),
        ),
        dispatcher,
    ))
}

/// What `serve` was asked for.
pub struct Serve {
    /// Address to listen on.
    pub addr: String,
    /// The event store.
    pub db: Db,
    /// Endpoint secrets (none: `STRIPE_WEBHOOK_SECRET`, else a generated one).
    pub secrets: Vec<String>,
    /// Inline or queue.
    pub processing: Processing,
    /// Workers beside the endpoint in queue mode.
    pub workers: usize,
    /// How long a claim on an event lasts.
    pub lease: Duration,
    /// The mirror of Stripe objects in the store, and how it is kept.
    pub mirror: MirrorArgs,
    /// Validate events against Stripe's API.
    pub validate: bool,
    /// The base URL of Stripe's API for validation and re-fetching (`None`: Stripe's).
    pub stripe_api: Option<String>,
}

/// The environment variable with the secret API key `serve --validate` uses.
pub const API_KEY_ENV: &str = "STRIPE_SECRET_KEY";

/// A client of Stripe's API with the key in `STRIPE_SECRET_KEY`, at `base_url` (default
/// Stripe's): what `serve --validate` and `--refetch` fetch with.
pub fn stripe_client(base_url: Option<&str>) -> Result<stripe_events::client::Client, String> {
    let key = std::env::var(API_KEY_ENV)
        .ok()
        .filter(|k| !k.trim().is_empty())
        .ok_or_else(|| {
            format!(
                "{API_KEY_ENV} is not set: --validate and --refetch need Stripe's secret API key there"
            )
        })?;
    let mut builder = stripe_events::client::Client::builder(key.trim());
    if let Some(url) = base_url {
        builder = builder.base_url(url);
    }
    builder.build().map_err(|e| format!("--stripe-api: {e}"))
}

/// `serve`: runs until interrupted. Secrets: `--secret`, else `STRIPE_WEBHOOK_SECRET`, else a
/// generated development secret (printed, for local testing only). The secrets are checked
/// before the store is opened, so a refused secret creates no database.
pub fn serve(options: Serve) -> Result<(), String> {
    crate::logging::init();
    let Serve {
        addr,
        db,
        mut secrets,
        processing,
        workers,
        lease,
        mirror,
        validate,
        stripe_api,
    } = options;
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
    let webhook = crate::secret::webhook(&secrets)?;
    let validation = validate
        .then(|| stripe_client(stripe_api.as_deref()))
        .transpose()?
        .map(stripe_events::validation::Validation::new);
    let refetch = refetching(mirror, stripe_api.as_deref())?;
    let (store, objects) = open(&db, mirror.mirror, Db::open, Db::open_with_objects)?;
    let validating = validation
        .as_ref()
        .map(|v| format!(", validated against {}", v.client().base_url()))
        .unwrap_or_default();
    let receiver = receiver_on(webhook, store, |config| {
        let config = with_mirror(
            config.processing(processing).workers(workers).lease(lease),
            objects,
            refetch,
        );
        match validation {
            Some(validation) => config.validate(validation),
            None => config,
        }
    })?;
    let mut mode = match processing {
        Processing::Queue => format!(", queue mode, {workers} workers"),
        _ => String::new(),
    };
    if mirror.refetch {
        mode.push_str(", objects mirrored as Stripe's API serves them");
    } else if mirror.mirror {
        mode.push_str(", objects mirrored");
    }
    mode.push_str(&validating);
    runtime()?.block_on(async move {
        receiver.ready().await.map_err(|e| e.to_string())?;
        let listener = tokio::net::TcpListener::bind(&addr)
            .await
            .map_err(|e| format!("{addr}: {e}"))?;
        let local = listener.local_addr().map_err(|e| e.to_string())?;
        println!(
            "listening on http://{local}/webhook (events stored in {}{mode})",
            db.display()
        );
        // Ctrl-C (or SIGTERM) stops accepting, finishes the requests in flight (and the jobs
        // the workers hold), and returns.
        stripe_events::receiver::serve_with_shutdown(
            listener,
            receiver,
            shutdown_signal("deliveries in flight"),
        )
        .await
        .map_err(|e| e.to_string())
    })
}

/// `worker`: runs `workers` queue workers with the built-in handler on `db` (an existing
/// store) until interrupted; each finishes the job it holds before the process ends.
pub fn worker(
    db: &Db,
    workers: usize,
    lease: Duration,
    mirror: MirrorArgs,
    stripe_api: Option<&str>,
) -> Result<(), String> {
    crate::logging::init();
    let refetch = refetching(mirror, stripe_api)?;
    let (store, objects) = open(
        db,
        mirror.mirror,
        Db::open_existing_writable,
        Db::open_existing_writable_with_objects,
    )?;
    // Workers only parse stored bodies, verified when they arrived: no secret is used.
    let webhook = crate::secret::webhook(&[crate::secret::generate()])?;
    let receiver = receiver_on(webhook, store, |config| {
        with_mirror(config.lease(lease), objects, refetch)
    })?;
    runtime()?.block_on(async move {
        receiver.ready().await.map_err(|e| e.to_string())?;
        println!("working on {} with {workers} workers", db.display());
        receiver
            .run_workers(workers, shutdown_signal("jobs in flight"))
            .await
            .map_err(|e| e.to_string())
    })
}

/// An event store, and the mirror's objects in it when asked for.
type Opened = (Arc<dyn EventStore>, Option<Arc<dyn ObjectStore>>);

/// Opens `db` with `plain`, or with `both` (the mirror's objects too) when `mirror`.
fn open(
    db: &Db,
    mirror: bool,
    plain: impl FnOnce(&Db) -> Result<Arc<dyn EventStore>, String>,
    both: impl FnOnce(&Db) -> Result<crate::store::Both, String>,
) -> Result<Opened, String> {
    if mirror {
        let (store, objects) = both(db)?;
        Ok((store, Some(objects)))
    } else {
        Ok((plain(db)?, None))
    }
}

/// Re-fetch mode's client and bound, when `mirror` asks for it.
fn refetching(
    mirror: MirrorArgs,
    stripe_api: Option<&str>,
) -> Result<Option<(Client, usize)>, String> {
    Ok(if mirror.refetch {
        Some((stripe_client(stripe_api)?, mirror.refetch_concurrency))
    } else {
        None
    })
}

/// `config` keeping the mirror of Stripe objects in `objects`, if any, re-fetching each
/// object from Stripe's API with `refetch` when given.
pub fn with_mirror(
    config: ReceiverConfig,
    objects: Option<Arc<dyn ObjectStore>>,
    refetch: Option<(Client, usize)>,
) -> ReceiverConfig {
    match (objects, refetch) {
        (Some(objects), Some((client, max))) => {
            config.mirror(Mirror::new(objects).refetching(client, max))
        }
        (Some(objects), None) => config.mirror(Mirror::new(objects)),
        (None, _) => config,
    }
}

/// Completes on Ctrl-C, or on SIGTERM (what process managers send) on unix, saying what is
/// being finished.
async fn shutdown_signal(finishing: &'static str) {
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
    eprintln!("stripe-events: shutting down (finishing {finishing})");
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
}
