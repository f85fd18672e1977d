//! The spec pin (`spec/stripe-api.toml`) and finding the spec files it pins.
//!
//! The pin names one v1 spec (snapshot events: `version`, `sha256`) and, optionally, one v2
//! spec (thin events: `v2_version`, `v2_sha256`). Each is searched for in the same order:
//! 1. an environment variable naming a path ([`SPEC_ENV`] for the v1 spec, [`SPEC_V2_ENV`]
//!    for the v2 one; the user's own file, so no checksum check);
//! 2. `spec/<file>` beside the pin (ignored by git);
//! 3. `../shared/stripe-openapi/<file>` beside the project root;
//!
//! where `<file>` is `spec-<version>.json` for the v1 spec and `spec-v2-<version>.json` for
//! the v2 one ([`SpecKind::file_name`]). A pinned file (2 or 3) must match the pin's SHA-256.
//! Without `v2_version` in the pin and without [`SPEC_V2_ENV`], no v2 spec is used.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::spec::sha256_hex;

/// Environment variable naming a spec file to use instead of the pinned one.
pub const SPEC_ENV: &str = "STRIPE_OPENAPI_SPEC";
/// Environment variable naming a v2 spec file (thin events) to use instead of the pinned one.
pub const SPEC_V2_ENV: &str = "STRIPE_OPENAPI_SPEC_V2";
/// Environment variable naming an extra-events TOML file.
pub const EXTRA_ENV: &str = "STRIPE_EVENTS_EXTRA";
/// Environment variable naming compatible API versions for one build (comma-separated
/// versions or spec paths; `none` for none), instead of the pin's `compatible` list.
pub const COMPATIBLE_ENV: &str = "STRIPE_EVENTS_COMPATIBLE";
/// Environment variable that, when set (not empty), makes the build print a short summary of
/// what the compatible versions changed (as cargo warnings: the only build output cargo shows).
pub const COMPAT_REPORT_ENV: &str = "STRIPE_EVENTS_COMPAT_REPORT";
/// File name of the pin inside `spec/`.
pub const PIN_FILE: &str = "stripe-api.toml";

/// Which of the two specs a pin entry is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecKind {
    /// Stripe's v1 spec: snapshot events (`spec-<version>.json`).
    V1,
    /// Stripe's v2 SDK spec: thin events (`spec-v2-<version>.json`).
    V2,
}

impl SpecKind {
    /// The environment variable that names the user's own file of this kind.
    pub fn env(self) -> &'static str {
        match self {
            Self::V1 => SPEC_ENV,
            Self::V2 => SPEC_V2_ENV,
        }
    }

    /// The file name a pinned spec of this kind has: `spec-<version>.json` or
    /// `spec-v2-<version>.json`.
    pub fn file_name(self, version: &str) -> String {
        match self {
            Self::V1 => format!("spec-{version}.json"),
            Self::V2 => format!("spec-v2-{version}.json"),
        }
    }

    /// The pin's keys for this kind: version, checksum, upstream.
    pub(crate) fn keys(self) -> [&'static str; 3] {
        match self {
            Self::V1 => ["version", "sha256", "source"],
            Self::V2 => ["v2_version", "v2_sha256", "v2_source"],
        }
    }

    /// What the messages call a spec of this kind.
    fn what(self) -> &'static str {
        match self {
            Self::V1 => "Stripe OpenAPI spec",
            Self::V2 => "Stripe v2 OpenAPI spec (thin events)",
        }
    }
}

/// One pinned spec: its API version, checksum and upstream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinnedSpec {
    /// v1 or v2.
    pub kind: SpecKind,
    /// The Stripe API version (`info.version` of the spec).
    pub version: String,
    /// SHA-256 (lowercase hex) of the spec file.
    pub sha256: String,
    /// Where the file comes from upstream.
    pub source: Option<String>,
}

impl PinnedSpec {
    /// The file name the pinned spec has ([`SpecKind::file_name`]).
    pub fn file_name(&self) -> String {
        self.kind.file_name(&self.version)
    }
}

/// The contents of `spec/stripe-api.toml`.
#[derive(Debug, Clone)]
pub struct Pin {
    /// The v1 spec (`version`, `sha256`, `source`): snapshot events.
    pub spec: PinnedSpec,
    /// The v2 spec (`v2_version`, `v2_sha256`, `v2_source`), if any: thin events.
    pub v2: Option<PinnedSpec>,
    /// An extra-events TOML file, relative to the pin's directory.
    pub extra_events: Option<String>,
    /// Compatible API versions (`compatible = ["2023-08-16", "own/spec.json"]`): the generated
    /// types also accept payloads of these versions ([`crate::ir::compat`]). Each entry is an
    /// API version (its spec found as [`locate_compatible`] says) or a spec file's path
    /// (relative to the pin's directory). Empty: strict, the pinned version only.
    pub compatible: Vec<String>,
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
        use crate::toml_file::{only_keys, parse, string, string_list};
        let table = parse(text)?;
        let [v1, v2] = [SpecKind::V1, SpecKind::V2].map(SpecKind::keys);
        let known: Vec<&str> = v1
            .iter()
            .chain(&v2)
            .copied()
            .chain(["extra_events", "compatible"])
            .collect();
        only_keys(&table, &known)?;
        let entry = |kind: SpecKind| -> std::result::Result<Option<PinnedSpec>, String> {
            let [version, sha256, source] = kind.keys();
            match (string(&table, version)?, string(&table, sha256)?) {
                (Some(version), Some(sha256)) => Ok(Some(PinnedSpec {
                    kind,
                    version,
                    sha256,
                    source: string(&table, source)?,
                })),
                (None, None) if string(&table, source)?.is_none() => Ok(None),
                (None, _) => Err(format!("missing field `{version}`")),
                (Some(_), None) => Err(format!("missing field `{sha256}`")),
            }
        };
        Ok(Self {
            spec: entry(SpecKind::V1)?.ok_or("missing field `version`")?,
            v2: entry(SpecKind::V2)?,
            extra_events: string(&table, "extra_events")?,
            compatible: string_list(&table, "compatible")?.unwrap_or_default(),
        })
    }
}

/// A spec file that was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// Its path.
    pub path: PathBuf,
    /// Whether its checksum was checked against the pin (false for a file named by the
    /// environment variable).
    pub pinned: bool,
}

/// Finds the spec `pinned` describes: `env_override` (the value of its environment variable,
/// [`SpecKind::env`]), else the pinned file in `spec_dir`, else in `shared_dir`. Pinned files
/// must match `pinned.sha256`.
pub fn locate(
    pinned: &PinnedSpec,
    spec_dir: &Path,
    shared_dir: &Path,
    env_override: Option<&Path>,
) -> Result<Located> {
    let env = pinned.kind.env();
    if let Some(path) = env_override {
        if path.is_file() {
            return Ok(Located {
                path: path.to_owned(),
                pinned: false,
            });
        }
        return Err(Error::SpecNotFound(format!(
            "{env} is set to {}, which is not a file.\nUnset it to use the pinned spec (API version {}), or point it at a {} file.",
            path.display(),
            pinned.version,
            pinned.kind.what(),
        )));
    }
    let candidates = [
        spec_dir.join(pinned.file_name()),
        shared_dir.join(pinned.file_name()),
    ];
    let source = pinned
        .source
        .as_deref()
        .unwrap_or("Stripe's public openapi repository");
    for path in &candidates {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let actual = sha256_hex(&bytes);
        if actual != pinned.sha256 {
            let [_, sha_key, _] = pinned.kind.keys();
            return Err(Error::SpecNotFound(format!(
                "the spec file {} does not match the pin in spec/{PIN_FILE}:\n  pinned SHA-256 ({sha_key}): {}\n  file SHA-256:   {actual}\nReplace the file with the published spec for API version {} ({source}), \
                 or, to build against a spec of your own, set {env}=/path/to/spec.json.",
                path.display(),
                pinned.sha256,
                pinned.version,
            )));
        }
        return Ok(Located {
            path: path.clone(),
            pinned: true,
        });
    }
    let download = match pinned.kind {
        SpecKind::V1 => format!(
            "Download it with `cargo run -p stripe-events-codegen -- fetch-spec {} --out spec/` (needs network access), or from {source}",
            pinned.version
        ),
        SpecKind::V2 => format!("Download it from {source}"),
    };
    let without = match pinned.kind {
        SpecKind::V1 => String::new(),
        SpecKind::V2 => format!(
            "\nTo build without thin event types, remove `v2_version` and `v2_sha256` from spec/{PIN_FILE}."
        ),
    };
    Err(Error::SpecNotFound(format!(
        "no {} found for API version {} (pinned SHA-256 {}).\nTried:\n  ${env} (not set)\n  {}\n  {}\n\
         {download} and save it as {}, or set {env}=/path/to/spec.json.{without}",
        pinned.kind.what(),
        pinned.version,
        pinned.sha256,
        candidates[0].display(),
        candidates[1].display(),
        candidates[0].display(),
    )))
}

/// Whether a compatible-version entry names a file rather than an API version: it ends in
/// `.json` or holds a path separator.
pub fn is_spec_path(entry: &str) -> bool {
    entry.ends_with(".json") || entry.contains('/') || entry.contains(std::path::MAIN_SEPARATOR)
}

/// The entries of [`COMPATIBLE_ENV`]'s value: comma-separated, blanks ignored; `none` for an
/// explicit empty list (a strict build even when the pin names compatible versions).
pub fn parse_compatible_env(value: &str) -> Vec<String> {
    if value.trim() == "none" {
        return Vec::new();
    }
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Finds the spec file of one compatible-version entry: a path ([`is_spec_path`]) is taken
/// relative to `base` (the pin's directory, or the working directory for the environment
/// variable); an API version is looked for as `spec-<version>.json` in `spec_dir`, then in
/// `shared_dir`. No checksum: compatible versions only widen the pinned types.
pub fn locate_compatible(
    entry: &str,
    base: &Path,
    spec_dir: &Path,
    shared_dir: &Path,
) -> Result<PathBuf> {
    let candidates = if is_spec_path(entry) {
        vec![base.join(entry)]
    } else {
        let file = SpecKind::V1.file_name(entry);
        vec![spec_dir.join(&file), shared_dir.join(&file)]
    };
    if let Some(found) = candidates.iter().find(|p| p.is_file()) {
        return Ok(found.clone());
    }
    Err(Error::SpecNotFound(format!(
        "no spec found for the compatible API version {entry:?} (from spec/{PIN_FILE} `compatible` or ${COMPATIBLE_ENV}).\nTried:\n{}\n\
         Save Stripe's spec for that version as {}, name a spec file instead, or remove the entry \
         ({COMPATIBLE_ENV}=none builds with the pinned version only).",
        candidates
            .iter()
            .map(|p| format!("  {}", p.display()))
            .collect::<Vec<_>>()
            .join("\n"),
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

    fn pin_for(bytes: &[u8]) -> PinnedSpec {
        pinned(SpecKind::V1, bytes)
    }

    fn pinned(kind: SpecKind, bytes: &[u8]) -> PinnedSpec {
        PinnedSpec {
            kind,
            version: "2099-01-01".into(),
            sha256: sha256_hex(bytes),
            source: None,
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

    #[test]
    fn the_v2_spec_is_found_the_same_way_under_its_own_name_and_variable() {
        let spec_dir = temp_dir("v2-spec");
        let shared = temp_dir("v2-shared");
        let pin = pinned(SpecKind::V2, b"{\"thin\": true}");
        assert_eq!(pin.file_name(), "spec-v2-2099-01-01.json");
        let err = locate(&pin, &spec_dir, &shared, None)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(
                "no Stripe v2 OpenAPI spec (thin events) found for API version 2099-01-01"
            ),
            "{err}"
        );
        for path in [&spec_dir, &shared] {
            let path = path.join("spec-v2-2099-01-01.json").display().to_string();
            assert!(err.contains(&path), "{err}");
        }
        assert!(err.contains("$STRIPE_OPENAPI_SPEC_V2 (not set)"), "{err}");
        assert!(err.contains("remove `v2_version` and `v2_sha256`"), "{err}");
        assert!(
            !err.contains("fetch-spec"),
            "fetch-spec downloads v1 specs only: {err}"
        );

        std::fs::write(shared.join(pin.file_name()), b"{\"thin\": true}").unwrap();
        assert_eq!(
            locate(&pin, &spec_dir, &shared, None).unwrap(),
            Located {
                path: shared.join(pin.file_name()),
                pinned: true
            }
        );
        std::fs::write(spec_dir.join(pin.file_name()), b"{}").unwrap();
        let err = locate(&pin, &spec_dir, &shared, None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("pinned SHA-256 (v2_sha256)"), "{err}");
        assert!(
            err.contains("set STRIPE_OPENAPI_SPEC_V2=/path/to/spec.json"),
            "{err}"
        );

        let own = shared.join("own.json");
        std::fs::write(&own, b"[]").unwrap();
        assert!(!locate(&pin, &spec_dir, &shared, Some(&own)).unwrap().pinned);
        let err = locate(&pin, &spec_dir, &shared, Some(&shared.join("nope.json")))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("STRIPE_OPENAPI_SPEC_V2 is set to"), "{err}");
    }

    #[test]
    fn the_pin_reads_an_optional_v2_entry_and_refuses_half_of_one() {
        let v1_only = Pin::parse("version = \"2024-04-10\"\nsha256 = \"aa\"\n").unwrap();
        assert_eq!(v1_only.spec.version, "2024-04-10");
        assert_eq!(v1_only.spec.kind, SpecKind::V1);
        assert_eq!(v1_only.v2, None);
        let both = Pin::parse(
            "version = \"2024-04-10\"\nsha256 = \"aa\"\nv2_version = \"2025-12-15.clover\"\nv2_sha256 = \"bb\"\nv2_source = \"up\"\n",
        )
        .unwrap();
        assert_eq!(
            both.v2,
            Some(PinnedSpec {
                kind: SpecKind::V2,
                version: "2025-12-15.clover".into(),
                sha256: "bb".into(),
                source: Some("up".into()),
            })
        );
        for (text, expected) in [
            (
                "version = \"x\"\nsha256 = \"a\"\nv2_version = \"y\"\n",
                "missing field `v2_sha256`",
            ),
            (
                "version = \"x\"\nsha256 = \"a\"\nv2_sha256 = \"b\"\n",
                "missing field `v2_version`",
            ),
            (
                "version = \"x\"\nsha256 = \"a\"\nv2_source = \"b\"\n",
                "missing field `v2_version`",
            ),
            ("sha256 = \"a\"\n", "missing field `version`"),
            (
                "version = \"x\"\nsha256 = \"a\"\nv2_versoin = \"y\"\n",
                "unknown field `v2_versoin`",
            ),
        ] {
            let err = Pin::parse(text).unwrap_err();
            assert!(err.starts_with(expected), "{text:?}: {err}");
        }
    }

    #[test]
    fn compatible_versions_come_from_the_pin_or_the_variable_and_are_found_or_named() {
        let pin = Pin::parse(
            "version = \"x\"\nsha256 = \"a\"\ncompatible = [\"2020-08-27\", \"own/old.json\"]\n",
        )
        .unwrap();
        assert_eq!(pin.compatible, ["2020-08-27", "own/old.json"]);
        let err = Pin::parse("version = \"x\"\nsha256 = \"a\"\ncompatible = \"2020-08-27\"\n")
            .unwrap_err();
        assert!(err.contains("array of strings"), "{err}");
        assert_eq!(
            parse_compatible_env(" 2018-11-08, ,/tmp/a.json "),
            ["2018-11-08", "/tmp/a.json"]
        );
        assert_eq!(parse_compatible_env("none"), Vec::<String>::new());

        let spec_dir = temp_dir("compat-spec");
        let shared = temp_dir("compat-shared");
        std::fs::write(shared.join("spec-2020-08-27.json"), b"{}").unwrap();
        assert_eq!(
            locate_compatible("2020-08-27", &spec_dir, &spec_dir, &shared).unwrap(),
            shared.join("spec-2020-08-27.json")
        );
        std::fs::write(spec_dir.join("spec-2020-08-27.json"), b"{}").unwrap();
        assert_eq!(
            locate_compatible("2020-08-27", &spec_dir, &spec_dir, &shared).unwrap(),
            spec_dir.join("spec-2020-08-27.json"),
            "spec/ first"
        );
        std::fs::write(spec_dir.join("mine.json"), b"{}").unwrap();
        assert_eq!(
            locate_compatible("mine.json", &spec_dir, &shared, &shared).unwrap(),
            spec_dir.join("mine.json")
        );
        let err = locate_compatible("2015-01-01", &spec_dir, &spec_dir, &shared)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("compatible API version \"2015-01-01\""),
            "{err}"
        );
        assert!(
            err.contains(&shared.join("spec-2015-01-01.json").display().to_string()),
            "{err}"
        );
        assert!(err.contains("STRIPE_EVENTS_COMPATIBLE=none"), "{err}");
    }

    #[test]
    fn the_repositorys_pin_names_both_specs_of_shared() {
        let pin = Pin::load(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../spec")
                .join(PIN_FILE),
        )
        .unwrap();
        assert_eq!(pin.spec.file_name(), "spec-2024-04-10.json");
        assert_eq!(pin.compatible, Vec::<String>::new(), "strict by default");
        assert_eq!(
            pin.v2.map(|v2| v2.file_name()).as_deref(),
            Some("spec-v2-2025-12-15.clover.json")
        );
    }
}
