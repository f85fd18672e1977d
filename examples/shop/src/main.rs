//! A shop that keeps its own records in sync with Stripe.
//!
//! Handlers are plain annotated functions in any module ([`handlers`]); they get the shop's
//! state (`&Shop`), the event's envelope when they ask for it, and the typed payload. The
//! ready-made receiver verifies each delivery, stores it in SQLite, runs the handlers once,
//! and answers Stripe (500 when a handler failed, so that Stripe retries).
//!
//! ```sh
//! STRIPE_WEBHOOK_SECRET=whsec_... cargo run -p stripe-events-example-shop
//! stripe-events trigger customer.created --url http://127.0.0.1:4243/webhook --secret whsec_...
//! ```
//!
//! The same binary offers the management commands, run with the shop's own handlers
//! (`stripe_events::manage`): `shop events list`, `shop events show EVENT_ID --body`,
//! `shop events replay [EVENT_ID] [--status failed|pending|untyped]`. The database is
//! `shop-events.sqlite3`, or `SHOP_DB`.

mod handlers;

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::Mutex;

use stripe_events::receiver::{Receiver, ReceiverConfig};
use stripe_events::store::SqliteStore;
use stripe_events::{CompactString, Dispatcher, Webhook};

/// The shop's own state: what it knows about its customers and products (in the payloads'
/// own string type, which keeps short strings such as ids without an allocation).
#[derive(Default)]
pub struct Shop {
    /// Customer id -> email.
    pub customers: Mutex<BTreeMap<CompactString, Option<CompactString>>>,
    /// Product id -> name.
    pub products: Mutex<BTreeMap<CompactString, CompactString>>,
}

#[tokio::main]
async fn main() -> Result<ExitCode, Box<dyn std::error::Error>> {
    let secret =
        std::env::var("STRIPE_WEBHOOK_SECRET").unwrap_or_else(|_| "whsec_example_shop".to_owned());
    let db = std::env::var("SHOP_DB").unwrap_or_else(|_| "shop-events.sqlite3".to_owned());
    let dispatcher = Dispatcher::new().with_state(Shop::default());
    dispatcher.check()?; // every handler's state is there
    let config = ReceiverConfig::new(Webhook::try_new(secret)?)
        .store(SqliteStore::open(&db)?)
        .application("shop");
    let receiver = Receiver::new(config, dispatcher);
    // `shop events ...`: the management commands, with the shop's handlers.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(code) = stripe_events::manage::main(&receiver, &args).await {
        return Ok(code);
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:4243").await?;
    println!(
        "shop receiving Stripe webhooks on http://{}/webhook",
        listener.local_addr()?
    );
    stripe_events::receiver::serve(listener, receiver).await?;
    Ok(ExitCode::SUCCESS)
}
