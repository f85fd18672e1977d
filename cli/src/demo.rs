//! `stripe-events demo`: the quick start's main job. Starts a real receiver on loopback over a
//! fresh SQLite file, triggers events of several types from Stripe's example objects (plus a
//! duplicate and a forged delivery), and prints what the receiver did and stored.

use std::path::Path;

use crate::receive::{receiver, runtime};
use crate::trigger::{Fixtures, event_id, now, post, post_with_header};

/// Event types the demo sends.
const TYPES: &[&str] = &[
    "customer.created",
    "product.created",
    "price.created",
    "charge.succeeded",
    "invoice.paid",
    "customer.subscription.updated",
];

/// Runs the demo; `Err` when the receiver did not answer as expected.
pub fn demo(fixtures: Option<&Path>) -> Result<(), String> {
    crate::logging::init();
    let fixtures = Fixtures::load(fixtures)?;
    let dir = std::env::temp_dir().join(format!(
        "stripe-events-demo-{}",
        crate::secret::random_hex(4)
    ));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let db = dir.join("events.sqlite3");
    let secret = crate::secret::generate();
    let receiver = receiver(&db, std::slice::from_ref(&secret))?;
    let rt = runtime()?;
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .map_err(|e| e.to_string())?;
    let url = format!(
        "http://{}/webhook",
        listener.local_addr().map_err(|e| e.to_string())?
    );
    rt.block_on(receiver.ready()).map_err(|e| e.to_string())?;
    rt.spawn(stripe_events::receiver::serve(listener, receiver.clone()));
    println!(
        "receiver listening on {url}; events stored in {}\n",
        db.display()
    );

    let mut unexpected = Vec::new();
    let mut check = |what: String, status: u16, expected: u16| {
        println!("  POST {what} -> {status}");
        if status != expected {
            unexpected.push(format!("{what}: {status}, expected {expected}"));
        }
    };
    let mut first = None;
    for (i, event_type) in TYPES.iter().enumerate() {
        let body = fixtures.event(event_type, &event_id(i))?;
        check(event_type.to_string(), post(&url, &secret, &body)?, 200);
        first.get_or_insert(body);
    }
    let first = first.unwrap_or_default();
    check(
        "the first event again (duplicate: handlers do not run twice)".into(),
        post(&url, &secret, &first)?,
        200,
    );
    let header =
        stripe_events::testing::generate_test_header(&first, "whsec_not_the_secret", now());
    check(
        "a forged delivery (wrong secret)".into(),
        post_with_header(&url, &header, &first)?,
        400,
    );

    println!(
        "\nstored deliveries (event id, type, signature valid, status, attempts, last error):"
    );
    for d in receiver.store().list(None).map_err(|e| e.to_string())? {
        println!("  {}", stripe_events::manage::row(&d));
    }
    rt.shutdown_background();
    if unexpected.is_empty() {
        println!("\nall deliveries answered as expected");
        Ok(())
    } else {
        Err(format!("unexpected answers: {}", unexpected.join("; ")))
    }
}
