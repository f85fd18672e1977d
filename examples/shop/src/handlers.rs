//! The shop's webhook handlers. Nothing registers them by hand: the attribute does, at compile
//! time, and a misspelt event type or a wrong payload type does not compile.

use stripe_events::{Customer, EventContext, Invoice, Product, RawEvent, webhook_handler};

use crate::Shop;

#[webhook_handler("customer.created")]
fn customer_created(shop: &Shop, customer: &Customer) {
    shop.customers
        .lock()
        .unwrap()
        .insert(customer.id.clone(), customer.email.clone());
}

#[webhook_handler("product.created")]
fn product_created(
    shop: &Shop,
    ctx: &EventContext,
    product: &Product,
) -> Result<(), std::io::Error> {
    println!("product {} created (event {})", product.name, ctx.id);
    shop.products
        .lock()
        .unwrap()
        .insert(product.id.clone(), product.name.clone());
    Ok(())
}

#[webhook_handler("invoice.paid")]
async fn invoice_paid(
    shop: &Shop,
    invoice: &Invoice,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let customer = invoice
        .customer
        .as_ref()
        .and_then(|c| c.as_id())
        .unwrap_or("?");
    let known = shop.customers.lock().unwrap().contains_key(customer);
    println!("invoice paid by {customer} (known customer: {known})");
    Ok(())
}

#[webhook_handler("raw")]
fn could_not_type(raw: &RawEvent) {
    eprintln!(
        "event {} ({}) kept raw: {:?}",
        raw.id,
        raw.event_type,
        raw.reason.map(|r| r.to_string())
    );
}
