//! `fetch-spec`: download a spec from Stripe's public OpenAPI repository (or any mirror with
//! the same layout), check it, save it as `spec-<version>.json` and record it in the pin.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::pin::PIN_FILE;
use crate::spec::{Spec, sha256_hex};

/// Raw files of Stripe's public OpenAPI repository: `<base>/<ref>/openapi/spec3.json`.
pub const DEFAULT_BASE_URL: &str = "https://raw.githubusercontent.com/stripe/openapi";

/// What was fetched.
#[derive(Debug)]
pub struct Fetched {
    /// Where the spec was saved.
    pub path: PathBuf,
    /// Its API version.
    pub version: String,
    /// Its SHA-256.
    pub sha256: String,
    /// The URL it came from.
    pub url: String,
}

/// Downloads `<base_url>/<reference>/openapi/spec3.json`, where `reference` is a tag or branch
/// of the repository, or an API version (`2024-04-10`, which must then be the spec's
/// `info.version`). Refuses a download whose SHA-256 differs from `expected_sha256`, or that is
/// not a spec. Saves it as `<out_dir>/spec-<version>.json` and writes `version` and `sha256`
/// into `<out_dir>/stripe-api.toml` (created if missing; other settings kept).
pub fn fetch(
    reference: &str,
    out_dir: &Path,
    base_url: &str,
    expected_sha256: Option<&str>,
) -> Result<Fetched> {
    let url = format!(
        "{}/{reference}/openapi/spec3.json",
        base_url.trim_end_matches('/')
    );
    let bytes = download(&url)?;
    let sha256 = sha256_hex(&bytes);
    if let Some(expected) = expected_sha256 {
        if !expected.eq_ignore_ascii_case(&sha256) {
            return Err(Error::SpecNotFound(format!(
                "refusing {url}: its SHA-256 is {sha256}, not the expected {expected}; nothing was written"
            )));
        }
    }
    let spec = Spec::from_bytes(Path::new(&url), &bytes)?;
    let version = spec.doc.info.version.clone();
    let looks_like_version = reference.len() == 10 && reference.as_bytes()[4] == b'-';
    if looks_like_version && version != reference {
        return Err(Error::SpecNotFound(format!(
            "{url} is API version {version}, not {reference}; nothing was written"
        )));
    }
    std::fs::create_dir_all(out_dir).map_err(|source| Error::Write {
        path: out_dir.to_owned(),
        source,
    })?;
    let path = out_dir.join(format!("spec-{version}.json"));
    std::fs::write(&path, &bytes).map_err(|source| Error::Write {
        path: path.clone(),
        source,
    })?;
    write_pin(&out_dir.join(PIN_FILE), &version, &sha256, &url)?;
    Ok(Fetched {
        path,
        version,
        sha256,
        url,
    })
}

fn download(url: &str) -> Result<Vec<u8>> {
    let fail = |reason: String| Error::SpecNotFound(format!("cannot download {url}: {reason}"));
    let mut response = ureq::get(url).call().map_err(|e| fail(e.to_string()))?;
    response
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_vec()
        .map_err(|e| fail(e.to_string()))
}

/// Sets `version`, `sha256` and `source` in the pin file, keeping its other lines.
fn write_pin(path: &Path, version: &str, sha256: &str, url: &str) -> Result<()> {
    let old = std::fs::read_to_string(path).unwrap_or_default();
    let mut lines: Vec<String> = Vec::new();
    let mut set =
        [("version", version), ("sha256", sha256), ("source", url)].map(|(k, v)| (k, v, false));
    for line in old.lines() {
        let key = line.split('=').next().unwrap_or("").trim();
        match set.iter_mut().find(|(k, _, _)| *k == key) {
            Some((k, v, done)) => {
                lines.push(format!("{k} = {v:?}"));
                *done = true;
            }
            None => lines.push(line.to_owned()),
        }
    }
    for (k, v, done) in set {
        if !done {
            lines.push(format!("{k} = {v:?}"));
        }
    }
    let text = lines.join("\n") + "\n";
    std::fs::write(path, text).map_err(|source| Error::Write {
        path: path.to_owned(),
        source,
    })
}
