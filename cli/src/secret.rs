//! Development secrets.

use std::hash::{BuildHasher, Hasher};

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
