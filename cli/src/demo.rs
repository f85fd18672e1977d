//! `stripe-events demo`: the quick start's main job. Starts a real receiver on loopback over a
//! fresh SQLite file, triggers events of several types from Stripe's example objects (plus a
//! duplicate and a forged delivery), and prints what the receiver did and stored. The receiver
//! keeps the mirror of Stripe objects: the demo updates one product twice and delivers the
//! newer update first, then prints the product as the mirror has it (the newer one).

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
    // One product changed twice; the newer change is delivered first, the older one after
    // it (as Stripe's retries can), so the mirror must keep the newer one.
    let updates = [
        ("newer", now() + 2, "Demo T-shirt (renamed twice)"),
        ("older", now() + 1, "Demo T-shirt (renamed once)"),
    ];
    let mut product_id = String::new();
    for (n, (which, created, name)) in updates.iter().enumerate() {
        let body = fixtures.event_with(
            "product.updated",
            &event_id(TYPES.len() + n),
            &[format!("name={name}")],
        )?;
        let mut event: serde_json::Value =
            serde_json::from_slice(&body).map_err(|e| e.to_string())?;
        event["created"] = (*created).into();
        product_id = event["data"]["object"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let body = event.to_string().into_bytes();
        check(
            format!("product.updated ({which}: {name:?}, created {created})"),
            post(&url, &secret, &body)?,
            200,
        );
    }
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
    let mirror = receiver
        .mirror()
        .ok_or("the demo's receiver keeps a mirror")?;
    println!(
        "\nthe mirror's product {product_id}, updated twice and delivered out of order \
         (id, event that set it, its created, deleted|live):"
    );
    match mirror
        .get_typed::<stripe_events::Product>(&product_id)
        .map_err(|e| e.to_string())?
    {
        Some(product) => {
            let name = match &product.object {
                Ok(p) => p.name.to_string(),
                Err(raw) => format!("(raw: {})", raw.error),
            };
            let stored = mirror
                .get("product", &product_id)
                .map_err(|e| e.to_string())?
                .ok_or("the product went away")?;
            println!("  {}", crate::objects::line(&stored));
            println!("  name: {name}");
            if name != updates[0].2 {
                unexpected.push(format!(
                    "the mirror kept {name:?}, not the newer {:?}",
                    updates[0].2
                ));
            }
        }
        None => unexpected.push(format!("the mirror has no product {product_id}")),
    }
    rt.shutdown_background();
    if unexpected.is_empty() {
        println!("\nall deliveries answered as expected");
        Ok(())
    } else {
        Err(format!("unexpected answers: {}", unexpected.join("; ")))
    }
}
