//! Logging to standard error for `serve` and `demo`: the receiver's `tracing` events (one per
//! delivery, warnings, store failures), at `info` and above unless `RUST_LOG` says otherwise
//! (`RUST_LOG=warn`, `RUST_LOG=stripe_events=debug,info`: targets and levels, as
//! tracing-subscriber's `Targets` reads them).

use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Installs the stderr logger (once; later calls do nothing).
pub fn init() {
    let filter = match std::env::var("RUST_LOG") {
        Ok(spec) if !spec.trim().is_empty() => spec.parse::<Targets>().unwrap_or_else(|e| {
            eprintln!("stripe-events: ignoring RUST_LOG={spec:?} ({e}); logging at info");
            default_filter()
        }),
        _ => default_filter(),
    };
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_target(false),
        )
        .try_init();
}

fn default_filter() -> Targets {
    Targets::new().with_default(tracing_subscriber::filter::LevelFilter::INFO)
}
