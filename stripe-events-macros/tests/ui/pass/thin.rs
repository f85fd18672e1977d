use stripe_events::thin::{kind, resource};
use stripe_events::{webhook_handler, EventNotification, Notification, RelatedId};

struct Db;

#[webhook_handler("v2.core.event_destination.ping")]
fn on_ping(ping: &Notification<kind::V2CoreEventDestinationPing>) {
    let _destination: RelatedId<'_, resource::V2CoreEventDestination> = ping.related_object();
}

#[webhook_handler("v1.billing.meter.error_report_triggered")]
async fn on_meter_error(
    _db: &Db,
    n: &Notification<'_, kind::V1BillingMeterErrorReportTriggered>,
) -> Result<(), String> {
    let _meter: &str = n.related_object().id;
    Ok(())
}

#[webhook_handler("v1.billing.meter.no_meter_found")]
fn on_no_meter(n: &EventNotification) {
    let _ = &n.context;
}

fn main() {}
