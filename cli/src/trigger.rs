//! `stripe-events trigger`: the offline `stripe trigger`. Builds a realistic event of a type
//! from Stripe's example objects (fixtures), signs it and POSTs it.

use std::path::{Path, PathBuf};

use stripe_events::EventType;
use stripe_events::signature::{Clock, SystemClock};

/// Where Stripe's example objects are looked for when no file is given.
pub fn default_fixtures() -> Vec<PathBuf> {
    let name = format!("fixtures-{}.json", stripe_events::API_VERSION);
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

/// Stripe's example objects (`{"resources": {name: object}}`).
pub struct Fixtures {
    resources: serde_json::Map<String, serde_json::Value>,
}

impl Fixtures {
    /// Reads `path`, or the first default location that exists.
    pub fn load(path: Option<&Path>) -> Result<Self, String> {
        let candidates = match path {
            Some(p) => vec![p.to_owned()],
            None => default_fixtures(),
        };
        let found = candidates.iter().find(|p| p.is_file()).ok_or_else(|| {
            let tried: Vec<String> = candidates.iter().map(|p| p.display().to_string()).collect();
            format!(
                "no fixtures file found (tried {}); pass --fixtures FILE",
                tried.join(", ")
            )
        })?;
        let text =
            std::fs::read_to_string(found).map_err(|e| format!("{}: {e}", found.display()))?;
        let mut doc: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", found.display()))?;
        match doc["resources"].take() {
            serde_json::Value::Object(resources) => Ok(Self { resources }),
            _ => Err(format!("{}: no \"resources\" object", found.display())),
        }
    }

    /// A complete, unsigned event body of `event_type` with id `event_id`, around the example
    /// object of its payload.
    pub fn event(&self, event_type: &str, event_id: &str) -> Result<Vec<u8>, String> {
        let known = EventType::from_known(event_type).ok_or_else(|| {
            format!(
                "unknown event type {event_type:?} for API version {}",
                stripe_events::API_VERSION
            )
        })?;
        let (_, object) = stripe_events::testing::example_object(&self.resources, &known)
            .ok_or_else(|| format!("the fixtures have no example object for {event_type}"))?;
        let mut envelope = stripe_events::testing::event_envelope(event_id, event_type, object);
        envelope["created"] = now().into();
        Ok(envelope.to_string().into_bytes())
    }
}

/// Now, in unix seconds.
pub fn now() -> i64 {
    SystemClock.now()
}

/// A unique-enough event id for triggered events.
pub fn event_id(n: usize) -> String {
    format!("evt_trigger_{}_{n}", crate::secret::random_hex(6))
}

/// Signs `body` with `secret` (timestamp now) and POSTs it to `url`; returns the status code.
pub fn post(url: &str, secret: &str, body: &[u8]) -> Result<u16, String> {
    let header = stripe_events::testing::generate_test_header(body, secret, now());
    post_with_header(url, &header, body)
}

/// POSTs `body` with a given `Stripe-Signature` header.
pub fn post_with_header(url: &str, header: &str, body: &[u8]) -> Result<u16, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let response = agent
        .post(url)
        .header("Stripe-Signature", header)
        .header("Content-Type", "application/json")
        .send(body)
        .map_err(|e| format!("POST {url}: {e}"))?;
    Ok(response.status().as_u16())
}

/// `stripe-events trigger`: sends `count` signed events of `event_type` to `url`, printing
/// `type<TAB>event id<TAB>HTTP status` per event; exit 1 when any was not answered 2xx.
pub fn run(
    event_type: &str,
    url: &str,
    secret: &str,
    count: usize,
    fixtures: Option<&Path>,
) -> Result<std::process::ExitCode, String> {
    crate::secret::check(secret)?;
    let fixtures = Fixtures::load(fixtures)?;
    let mut all_ok = true;
    for i in 0..count {
        let id = event_id(i);
        let status = post(url, secret, &fixtures.event(event_type, &id)?)?;
        println!("{event_type}\t{id}\t{status}");
        all_ok &= (200..300).contains(&status);
    }
    Ok(if all_ok {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::from(1)
    })
}
