//! A private module with an async handler.

use stripe_events::{Invoice, webhook_handler};

use crate::Recorder;

/// Async, returning a `Result` with the application's own error type.
#[webhook_handler("invoice.paid")]
async fn invoice_paid(recorder: &Recorder, invoice: &Invoice) -> Result<(), std::io::Error> {
    recorder.record("invoice_paid", &invoice.id.clone().unwrap_or_default());
    Ok(())
}
