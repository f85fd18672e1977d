//! Realistic Stripe event bodies with distinct ids: a few common event types, each wrapped
//! around Stripe's example object of its payload, read at run time from the OpenAPI fixtures
//! (`fixtures-2024-04-10.json`; never copied into this repository). Without the fixtures, small
//! objects written here stand in, and the load generator says so.

use std::path::{Path, PathBuf};

/// The API version of the envelopes (and of the fixtures file looked for).
pub const API_VERSION: &str = "2024-04-10";

/// The event types sent, in turn, and the fixture resource of each one's payload: the events
/// a shop's webhook endpoint receives most (sizes from about 0.8 to 4.5 kB).
pub const SHAPES: &[(&str, &str)] = &[
    ("customer.created", "customer"),
    ("payment_intent.succeeded", "payment_intent"),
    ("charge.succeeded", "charge"),
    ("invoice.paid", "invoice"),
    ("checkout.session.completed", "checkout.session"),
    ("customer.subscription.updated", "subscription"),
];

/// Length of an event id: `evt_` and 24 characters, as Stripe's.
pub const ID_LEN: usize = 28;
const PLACEHOLDER: &str = "evt_@@@@@@@@@@@@@@@@@@@@@@@@";

/// One serialized event per shape, with a placeholder id to overwrite.
#[derive(Debug)]
pub struct Templates {
    shapes: Vec<Template>,
    /// Where the payload objects came from (a fixtures path, or "built-in").
    pub source: String,
}

#[derive(Debug)]
struct Template {
    event_type: &'static str,
    bytes: Vec<u8>,
    id_at: usize,
}

impl Templates {
    /// Templates from the fixtures at `path`, or else the first default location that exists
    /// (`STRIPE_EVENTS_FIXTURES`, `../shared/stripe-openapi/`, the same beside this crate's
    /// checkout); `created` is `created`.
    pub fn load(path: Option<&Path>, created: i64) -> Result<Self, String> {
        let candidates = match path {
            Some(p) => vec![p.to_owned()],
            None => default_fixtures(),
        };
        let Some(found) = candidates.iter().find(|p| p.is_file()) else {
            let tried: Vec<String> = candidates.iter().map(|p| p.display().to_string()).collect();
            return Err(format!("no fixtures file (tried {})", tried.join(", ")));
        };
        let text =
            std::fs::read_to_string(found).map_err(|e| format!("{}: {e}", found.display()))?;
        let doc: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", found.display()))?;
        let resources = &doc["resources"];
        let mut shapes = Vec::new();
        for &(event_type, resource) in SHAPES {
            let object = resources
                .get(resource)
                .ok_or_else(|| format!("{}: no example object {resource:?}", found.display()))?;
            shapes.push(Template::new(event_type, object.clone(), created));
        }
        Ok(Self {
            shapes,
            source: found.display().to_string(),
        })
    }

    /// Small stand-in objects, for a machine without the fixtures.
    pub fn built_in(created: i64) -> Self {
        let customer = serde_json::json!({
            "id": "cus_LoadTest0000001", "object": "customer", "balance": 0, "created": created,
            "currency": "usd", "delinquent": false, "description": "load test",
            "email": "buyer@example.com", "invoice_prefix": "LT0001", "livemode": false,
            "metadata": {}, "name": "Load Test", "preferred_locales": [], "tax_exempt": "none",
            "invoice_settings": { "custom_fields": null, "default_payment_method": null,
                                  "footer": null, "rendering_options": null },
        });
        let payment_intent = serde_json::json!({
            "id": "pi_LoadTest0000001", "object": "payment_intent", "amount": 2000,
            "amount_capturable": 0, "amount_received": 2000, "capture_method": "automatic",
            "confirmation_method": "automatic", "created": created, "currency": "usd",
            "livemode": false, "metadata": {}, "payment_method_types": ["card"],
            "status": "succeeded", "customer": "cus_LoadTest0000001",
        });
        Self {
            shapes: vec![
                Template::new("customer.created", customer, created),
                Template::new("payment_intent.succeeded", payment_intent, created),
            ],
            source: "built-in stand-in objects".to_owned(),
        }
    }

    /// How many shapes there are.
    pub fn len(&self) -> usize {
        self.shapes.len()
    }

    /// Whether there are none (never, once built).
    pub fn is_empty(&self) -> bool {
        self.shapes.is_empty()
    }

    /// The event type of shape `shape`.
    pub fn event_type(&self, shape: usize) -> &'static str {
        self.shapes[shape % self.shapes.len()].event_type
    }

    /// The body of shape `shape` (modulo the number of shapes) with event id `id`.
    pub fn body(&self, shape: usize, id: &str) -> Vec<u8> {
        assert_eq!(id.len(), ID_LEN, "event ids are {ID_LEN} bytes: {id:?}");
        let t = &self.shapes[shape % self.shapes.len()];
        let mut bytes = t.bytes.clone();
        bytes[t.id_at..t.id_at + ID_LEN].copy_from_slice(id.as_bytes());
        bytes
    }
}

impl Template {
    fn new(event_type: &'static str, object: serde_json::Value, created: i64) -> Self {
        let mut envelope = serde_json::json!({
            "id": PLACEHOLDER,
            "object": "event",
            "api_version": API_VERSION,
            "created": created,
            "data": { "object": object },
            "livemode": false,
            "pending_webhooks": 1,
            "request": { "id": null, "idempotency_key": null },
            "type": event_type,
        });
        if event_type.ends_with(".updated") {
            envelope["data"]["previous_attributes"] = serde_json::json!({ "status": "incomplete" });
        }
        let bytes = envelope.to_string().into_bytes();
        let id_at = bytes
            .windows(PLACEHOLDER.len())
            .position(|w| w == PLACEHOLDER.as_bytes())
            .expect("the placeholder is in the envelope");
        Self {
            event_type,
            bytes,
            id_at,
        }
    }
}

fn default_fixtures() -> Vec<PathBuf> {
    let name = format!("fixtures-{API_VERSION}.json");
    let mut candidates = Vec::new();
    if let Some(path) = std::env::var_os("STRIPE_EVENTS_FIXTURES") {
        candidates.push(PathBuf::from(path));
    }
    candidates.push(Path::new("../shared/stripe-openapi").join(&name));
    candidates.push(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/stripe-openapi")
            .join(&name),
    );
    candidates
}

/// Event id number `seq` of a run: `evt_`, then 12 base-62 digits of the run's `nonce` and 12
/// of `seq` (24 characters, as Stripe's ids), so that ids never repeat across runs against one
/// store.
pub fn event_id(nonce: u64, seq: u64) -> String {
    let mut id = String::with_capacity(ID_LEN);
    id.push_str("evt_");
    base62(&mut id, nonce, 12);
    base62(&mut id, seq, 12);
    id
}

fn base62(out: &mut String, mut n: u64, width: usize) {
    const DIGITS: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut buf = vec![b'0'; width];
    for slot in buf.iter_mut().rev() {
        *slot = DIGITS[(n % 62) as usize];
        n /= 62;
    }
    out.push_str(std::str::from_utf8(&buf).expect("ascii"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stripe_shaped_and_distinct() {
        let a = event_id(7, 0);
        let b = event_id(7, 1);
        let c = event_id(8, 0);
        assert_eq!(a.len(), ID_LEN);
        assert!(a.starts_with("evt_") && a[4..].bytes().all(|b| b.is_ascii_alphanumeric()));
        assert!(a != b && a != c && b != c);
        assert_eq!(event_id(0, 61), "evt_00000000000000000000000z");
    }

    #[test]
    fn bodies_carry_their_id_and_type() {
        let t = Templates::built_in(1_700_000_000);
        let id = event_id(1, 2);
        for shape in 0..t.len() {
            let body: serde_json::Value = serde_json::from_slice(&t.body(shape, &id)).unwrap();
            assert_eq!(body["id"], id.as_str());
            assert_eq!(body["type"], t.event_type(shape));
            assert_eq!(body["object"], "event");
            assert_eq!(body["created"], 1_700_000_000);
            assert!(body["data"]["object"]["id"].is_string());
        }
    }

    #[test]
    fn fixtures_give_every_shape_when_present() {
        match Templates::load(None, 1) {
            Ok(t) => {
                assert_eq!(t.len(), SHAPES.len());
                let body: serde_json::Value =
                    serde_json::from_slice(&t.body(3, &event_id(0, 3))).unwrap();
                assert_eq!(body["type"], "invoice.paid");
                assert_eq!(body["data"]["object"]["object"], "invoice");
            }
            Err(e) => eprintln!("skipped: {e} (set STRIPE_EVENTS_FIXTURES to run this test)"),
        }
    }
}
