//! The spec pin (`spec/stripe-api.toml`) and finding the spec file it pins.
//!
//! Search order:
//! 1. the `STRIPE_OPENAPI_SPEC` environment variable (a path; the user's own file, so no
//!    checksum check);
//! 2. `spec/spec-<version>.json` beside the pin (ignored by git);
//! 3. `../shared/stripe-openapi/spec-<version>.json` beside the project root.
//!
//! A pinned file (2 or 3) must match the pin's SHA-256.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::spec::sha256_hex;

/// Environment variable naming a spec file to use instead of the pinned one.
pub const SPEC_ENV: &str = "STRIPE_OPENAPI_SPEC";
/// Environment variable naming an extra-events TOML file.
pub const EXTRA_ENV: &str = "STRIPE_EVENTS_EXTRA";
/// File name of the pin inside `spec/`.
pub const PIN_FILE: &str = "stripe-api.toml";

/// The contents of `spec/stripe-api.toml`.
#[derive(Debug, Clone)]
pub struct Pin {
    /// The Stripe API version (`info.version` of the spec).
    pub version: String,
    /// SHA-256 (lowercase hex) of the spec file.
    pub sha256: String,
    /// Where the file comes from upstream.
    pub source: Option<String>,
    /// An extra-events TOML file, relative to the pin's directory.
    pub extra_events: Option<String>,
}

impl Pin {
    /// Reads a pin file.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text).map_err(|reason| Error::Pin {
            path: path.to_owned(),
            reason,
        })
    }

    fn parse(text: &str) -> std::result::Result<Self, String> {
        use crate::toml_file::{only_keys, parse, required_string, string};
        let table = parse(text)?;
        only_keys(&table, &["version", "sha256", "source", "extra_events"])?;
        Ok(Self {
            version: required_string(&table, "version")?,
            sha256: required_string(&table, "sha256")?,
            source: string(&table, "source")?,
            extra_events: string(&table, "extra_events")?,
        })
    }

    /// The file name a pinned spec has: `spec-<version>.json`.
    pub fn file_name(&self) -> String {
        format!("spec-{}.json", self.version)
    }
}

/// A spec file that was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// Its path.
    pub path: PathBuf,
    /// Whether its checksum was checked against the pin (false for `STRIPE_OPENAPI_SPEC`).
    pub pinned: bool,
}

/// Finds the spec: `env_override` (the value of `STRIPE_OPENAPI_SPEC`), else the pinned file
/// in `spec_dir`, else in `shared_dir`. Pinned files must match `pin.sha256`.
pub fn locate(
    pin: &Pin,
    spec_dir: &Path,
    shared_dir: &Path,
    env_override: Option<&Path>,
) -> Result<Located> {
    if let Some(path) = env_override {
        if path.is_file() {
            return Ok(Located {
                path: path.to_owned(),
                pinned: false,
            });
        }
        return Err(Error::SpecNotFound(format!(
            "{SPEC_ENV} is set to {}, which is not a file.\nUnset it to use the pinned spec (API version {}), or point it at a Stripe OpenAPI spec file.",
            path.display(),
            pin.version
        )));
    }
    let candidates = [
        spec_dir.join(pin.file_name()),
        shared_dir.join(pin.file_name()),
    ];
    for path in &candidates {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let actual = sha256_hex(&bytes);
        if actual != pin.sha256 {
            return Err(Error::SpecNotFound(format!(
                "the spec file {} does not match the pin in spec/{PIN_FILE}:\n  pinned SHA-256: {}\n  file SHA-256:   {actual}\nReplace the file with the published spec for API version {} ({}), \
                 or, to build against a spec of your own, set {SPEC_ENV}=/path/to/spec.json.",
                path.display(),
                pin.sha256,
                pin.version,
                pin.source
                    .as_deref()
                    .unwrap_or("Stripe's public openapi repository"),
            )));
        }
        return Ok(Located {
            path: path.clone(),
            pinned: true,
        });
    }
    Err(Error::SpecNotFound(format!(
        "no Stripe OpenAPI spec found for API version {} (pinned SHA-256 {}).\nTried:\n  ${SPEC_ENV} (not set)\n  {}\n  {}\n\
         Download it with `cargo run -p stripe-events-codegen -- fetch-spec {} --out spec/` (needs network access), \
         or from {} and save it as {}, or set {SPEC_ENV}=/path/to/spec.json.",
        pin.version,
        pin.sha256,
        candidates[0].display(),
        candidates[1].display(),
        pin.version,
        pin.source
            .as_deref()
            .unwrap_or("Stripe's public openapi repository"),
        candidates[0].display(),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("stripe-events-pin-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn pin_for(bytes: &[u8]) -> Pin {
        Pin {
            version: "2099-01-01".into(),
            sha256: sha256_hex(bytes),
            source: None,
            extra_events: None,
        }
    }

    #[test]
    fn env_override_wins_without_checksum() {
        let dir = temp_dir("env");
        let own = dir.join("mine.json");
        std::fs::write(&own, b"{}").unwrap();
        let pin = pin_for(b"something else");
        let found = locate(&pin, &dir, &dir, Some(&own)).unwrap();
        assert_eq!(
            found,
            Located {
                path: own,
                pinned: false
            }
        );
        let err = locate(&pin, &dir, &dir, Some(&dir.join("missing.json"))).unwrap_err();
        assert!(
            err.to_string().contains("STRIPE_OPENAPI_SPEC is set to"),
            "{err}"
        );
    }

    #[test]
    fn spec_dir_before_shared_and_checksums_checked() {
        let spec_dir = temp_dir("spec");
        let shared = temp_dir("shared");
        let pin = pin_for(b"{\"good\": true}");
        std::fs::write(shared.join(pin.file_name()), b"{\"good\": true}").unwrap();
        assert_eq!(
            locate(&pin, &spec_dir, &shared, None).unwrap().path,
            shared.join(pin.file_name())
        );
        std::fs::write(spec_dir.join(pin.file_name()), b"{\"tampered\": true}").unwrap();
        let err = locate(&pin, &spec_dir, &shared, None)
            .unwrap_err()
            .to_string();
        assert!(err.contains(&pin.sha256), "{err}");
        assert!(err.contains(&sha256_hex(b"{\"tampered\": true}")), "{err}");
    }

    #[test]
    fn nothing_found_names_every_path_and_the_way_out() {
        let spec_dir = temp_dir("none-spec");
        let shared = temp_dir("none-shared");
        let pin = pin_for(b"x");
        let err = locate(&pin, &spec_dir, &shared, None)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(&spec_dir.join(pin.file_name()).display().to_string()),
            "{err}"
        );
        assert!(
            err.contains(&shared.join(pin.file_name()).display().to_string()),
            "{err}"
        );
        assert!(err.contains("fetch-spec 2099-01-01 --out spec/"), "{err}");
        assert!(err.contains("STRIPE_OPENAPI_SPEC"), "{err}");
    }
}
