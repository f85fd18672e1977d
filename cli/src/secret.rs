//! Endpoint secrets: the ones given, from `STRIPE_WEBHOOK_SECRET`, or a development one.

use std::hash::{BuildHasher, Hasher};

use stripe_events::Webhook;
use stripe_events::signature::{Secret, SecretError};

/// The environment variable `serve` reads its secrets from when no `--secret` is given.
pub const ENV: &str = "STRIPE_WEBHOOK_SECRET";

/// `2 * bytes` hex digits from the standard library's per-process random hasher keys.
pub fn random_hex(bytes: usize) -> String {
    let mut out = String::new();
    while out.len() < bytes * 2 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_usize(out.len());
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out.truncate(bytes * 2);
    out
}

/// A fresh endpoint secret for local development (`whsec_dev_...`).
pub fn generate() -> String {
    format!("whsec_dev_{}", random_hex(24))
}

/// The library's refusal of an empty or blank secret, with what to do about it.
fn advice(e: SecretError) -> String {
    format!(
        "{e}: an empty secret would reject every delivery; give the endpoint's signing secret \
         (whsec_...)"
    )
}

/// An error for an empty or whitespace-only secret (the library's [`Secret::check`]).
pub fn check(secret: &str) -> Result<(), String> {
    Secret::from(secret).check().map_err(advice)
}

/// A webhook verifying with any of `secrets` (at least one, none empty or blank).
pub fn webhook(secrets: &[String]) -> Result<Webhook, String> {
    let (first, rest) = secrets
        .split_first()
        .ok_or("no secret given: pass --secret whsec_...")?;
    rest.iter().try_fold(
        Webhook::try_new(first.clone()).map_err(advice)?,
        |webhook, secret| webhook.try_add_secret(secret.clone()).map_err(advice),
    )
}

/// The secrets from `STRIPE_WEBHOOK_SECRET` (comma-separated for rotation), if it is set.
pub fn from_env() -> Option<Vec<String>> {
    let value = std::env::var(ENV).ok()?;
    Some(value.split(',').map(|s| s.trim().to_owned()).collect())
}
