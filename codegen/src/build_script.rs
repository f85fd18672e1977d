//! What the build scripts do: find the pinned spec, generate, write to `OUT_DIR` only when the
//! content changed, and tell cargo exactly when to rerun. `stripe-events` gets the typed code
//! ([`main`]); `stripe-events-macros` gets the table of known event types ([`macros_main`]),
//! from the same spec and extra events.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::discover::EventDef;
use crate::error::{Error, Result};
use crate::extra::ExtraEvents;
use crate::ir::CompatReport;
use crate::pin::{
    self, COMPAT_REPORT_ENV, COMPATIBLE_ENV, EXTRA_ENV, PIN_FILE, Pin, PinnedSpec, SPEC_ENV,
    SPEC_V2_ENV,
};
use crate::sample_spec::{self, DOCS_RS_ENV};
use crate::{Settings, Spec, generate_events};

/// File name of the generated code inside `OUT_DIR`.
pub const OUT_FILE: &str = "stripe_events_generated.rs";
/// The cfg `stripe-events` is compiled with when its types come from the docs.rs
/// [sample spec](sample_spec).
pub const SAMPLE_CFG: &str = "stripe_events_sample_spec";
/// File name of the macro's event table inside its `OUT_DIR`.
pub const EVENT_TABLE_FILE: &str = "event_types.rs";

/// Where the build looks for things.
#[derive(Debug, Clone)]
pub struct BuildPaths {
    /// The `spec/` directory holding the pin.
    pub spec_dir: PathBuf,
    /// `../shared/stripe-openapi` beside the project root.
    pub shared_dir: PathBuf,
    /// Where to write the output.
    pub out_file: PathBuf,
}

impl BuildPaths {
    /// Paths for a crate at `manifest_dir` inside the workspace rooted at its parent, writing
    /// `out_file` in `out_dir`.
    pub fn for_workspace_member(manifest_dir: &Path, out_dir: &Path, out_file: &str) -> Self {
        let root = manifest_dir.parent().unwrap_or(manifest_dir);
        Self {
            spec_dir: root.join("spec"),
            shared_dir: root.join("..").join("shared").join("stripe-openapi"),
            out_file: out_dir.join(out_file),
        }
    }
}

/// Reads an environment variable (tests supply their own).
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The inputs of a build: the specs and extra events the pin and environment select, and the
/// `cargo:` lines that make the build rerun when any of them changes.
struct Inputs {
    spec: Spec,
    /// The v2 spec (thin events), when the pin or [`SPEC_V2_ENV`] names one.
    thin_spec: Option<Spec>,
    extra: ExtraEvents,
    /// The compatible API versions' specs (the pin's `compatible`, or [`COMPATIBLE_ENV`]).
    compatible: Vec<Spec>,
    cargo: Vec<String>,
    /// Whether `spec` is the docs.rs [sample](sample_spec) rather than the pinned spec.
    sample: bool,
}

/// The inputs of both build steps (the typed code and the macros' event table read the same
/// specs, so that a handler's event type is checked against the types that are generated).
fn inputs(paths: &BuildPaths, env: Env<'_>) -> Result<Inputs> {
    let mut cargo = vec![
        format!("cargo:rerun-if-env-changed={SPEC_ENV}"),
        format!("cargo:rerun-if-env-changed={EXTRA_ENV}"),
        format!("cargo:rerun-if-env-changed={DOCS_RS_ENV}"),
    ];
    cargo.push(format!("cargo:rerun-if-env-changed={SPEC_V2_ENV}"));
    cargo.push(format!("cargo:rerun-if-env-changed={COMPATIBLE_ENV}"));
    cargo.push(format!("cargo:rerun-if-env-changed={COMPAT_REPORT_ENV}"));
    let env_path = |name: &str| env(name).filter(|s| !s.is_empty()).map(PathBuf::from);
    let env_spec = env_path(SPEC_ENV);
    let env_v2 = env_path(SPEC_V2_ENV);
    if env_spec.is_none() && on_docs_rs(env) {
        // docs.rs: no network, no spec beside the crate, no `spec/` pin in the package. The
        // sample has thin events of its own; a v2 spec named explicitly replaces them.
        return Ok(Inputs {
            spec: sample_spec::sample_spec()?,
            thin_spec: env_v2.as_deref().map(Spec::load).transpose()?,
            extra: ExtraEvents::none(),
            compatible: Vec::new(),
            cargo,
            sample: true,
        });
    }
    cargo.push(format!(
        "cargo:rerun-if-changed={}",
        paths.spec_dir.display()
    ));
    let pin = Pin::load(&paths.spec_dir.join(PIN_FILE))?;
    let spec = load_pinned(paths, &pin.spec, env_spec.as_deref(), &mut cargo)?;
    let thin_spec = match (&pin.v2, env_v2) {
        (Some(v2), env_v2) => Some(load_pinned(paths, v2, env_v2.as_deref(), &mut cargo)?),
        (None, Some(own)) => {
            cargo.push(format!("cargo:rerun-if-changed={}", own.display()));
            Some(Spec::load(&own)?)
        }
        (None, None) => None,
    };
    let extra_path = env(EXTRA_ENV)
        .filter(|s| !s.is_empty())
        .map(PathBuf::from)
        .or_else(|| pin.extra_events.as_ref().map(|p| paths.spec_dir.join(p)));
    let extra = match &extra_path {
        Some(p) => {
            cargo.push(format!("cargo:rerun-if-changed={}", p.display()));
            ExtraEvents::load(p)?
        }
        None => ExtraEvents::none(),
    };
    let compatible = compatible_specs(paths, &pin, env, &mut cargo)?;
    Ok(Inputs {
        spec,
        thin_spec,
        extra,
        compatible,
        cargo,
        sample: false,
    })
}

/// The specs of the compatible API versions: [`COMPATIBLE_ENV`] when set (paths relative to
/// the project root), else the pin's `compatible` (paths relative to `spec/`).
fn compatible_specs(
    paths: &BuildPaths,
    pin: &Pin,
    env: Env<'_>,
    cargo: &mut Vec<String>,
) -> Result<Vec<Spec>> {
    let root = paths.spec_dir.parent().unwrap_or(&paths.spec_dir);
    let (entries, base) = match env(COMPATIBLE_ENV).filter(|s| !s.trim().is_empty()) {
        Some(value) => (pin::parse_compatible_env(&value), root),
        None => (pin.compatible.clone(), paths.spec_dir.as_path()),
    };
    entries
        .iter()
        .map(|entry| {
            let path = pin::locate_compatible(entry, base, &paths.spec_dir, &paths.shared_dir)?;
            cargo.push(format!("cargo:rerun-if-changed={}", path.display()));
            Spec::load(&path)
        })
        .collect()
}

/// The event types of the build, and the spec to generate from: the pinned spec, or with
/// compatible versions the pinned spec with theirs merged in, and what that changed.
fn events_and_spec(
    spec: Spec,
    extra: &ExtraEvents,
    compatible: &[Spec],
) -> Result<(Spec, Vec<EventDef>, Option<CompatReport>)> {
    let events = crate::discover::discover(&spec, extra)?;
    if compatible.is_empty() {
        return Ok((spec, events, None));
    }
    let merged = crate::ir::merge_compatible(spec, events, compatible)?;
    Ok((merged.spec, merged.events, Some(merged.report)))
}

/// Finds ([`pin::locate`]) and loads the spec `pinned` describes (or the user's own file,
/// `env_override`), checking that a pinned file is of the pinned API version.
fn load_pinned(
    paths: &BuildPaths,
    pinned: &PinnedSpec,
    env_override: Option<&Path>,
    cargo: &mut Vec<String>,
) -> Result<Spec> {
    let located = pin::locate(pinned, &paths.spec_dir, &paths.shared_dir, env_override)?;
    cargo.push(format!("cargo:rerun-if-changed={}", located.path.display()));
    let spec = Spec::load(&located.path)?;
    if located.pinned && spec.doc.info.version != pinned.version {
        let [key, ..] = pinned.kind.keys();
        return Err(Error::Pin {
            path: paths.spec_dir.join(PIN_FILE),
            reason: format!(
                "pins {key} {} but {} is version {}",
                pinned.version,
                located.path.display(),
                spec.doc.info.version
            ),
        });
    }
    Ok(spec)
}

/// Whether this is a docs.rs build (`DOCS_RS` set), which generates from the
/// [sample spec](sample_spec).
pub fn on_docs_rs(env: Env<'_>) -> bool {
    env(DOCS_RS_ENV).is_some_and(|v| !v.is_empty())
}

/// The build step of `stripe-events`: generates the typed code. Returns the `cargo:` lines to
/// print.
pub fn run(paths: &BuildPaths, env: Env<'_>) -> Result<Vec<String>> {
    let Inputs {
        spec,
        thin_spec,
        extra,
        compatible,
        mut cargo,
        sample,
    } = inputs(paths, env)?;
    // `cfg(stripe_events_sample_spec)`: the crate docs say which types a docs.rs build shows.
    cargo.push(format!("cargo:rustc-check-cfg=cfg({SAMPLE_CFG})"));
    if sample {
        cargo.push(format!("cargo:rustc-cfg={SAMPLE_CFG}"));
    }
    let (spec, events, report) = events_and_spec(spec, &extra, &compatible)?;
    // The compatible versions, for `stripe_events::COMPATIBLE_API_VERSIONS` (empty: strict).
    let versions = report
        .as_ref()
        .map_or_else(String::new, |r| r.versions.join(","));
    cargo.push(format!(
        "cargo:rustc-env=STRIPE_EVENTS_COMPATIBLE_VERSIONS={versions}"
    ));
    // The summary only when asked: a build prints nothing by default.
    if let Some(report) = report.filter(|_| env(COMPAT_REPORT_ENV).is_some_and(|v| !v.is_empty())) {
        for line in report.summary().lines() {
            cargo.push(format!("cargo:warning=stripe-events: {line}"));
        }
    }
    let groups = enabled_groups(&events, env);
    if groups.as_ref().is_some_and(|g| g.is_empty()) {
        cargo.push(
            "cargo:warning=stripe-events: no event group is enabled (features `all-events` or \
             `events-<group>`): every payload is kept raw"
                .to_owned(),
        );
    }
    let settings = Settings {
        groups,
        ..Settings::default()
    };
    let generated = generate_events(&spec, events, thin_spec.as_ref(), &settings)?;
    write_if_changed(&paths.out_file, &generated.to_source())?;
    cargo.push(format!(
        "cargo:rustc-env=STRIPE_EVENTS_SPEC_PATH={}",
        spec.path.display()
    ));
    // The v2 spec the thin types come from (empty without one): tests build their examples
    // from it.
    cargo.push(format!(
        "cargo:rustc-env=STRIPE_EVENTS_SPEC_V2_PATH={}",
        thin_spec
            .as_ref()
            .map_or_else(String::new, |s| s.path.display().to_string())
    ));
    Ok(cargo)
}

/// The groups whose payload types the cargo features of `stripe-events` ask for: `None` (all)
/// with `all-events`, else those whose `events-<group>` feature is on.
pub fn enabled_groups(events: &[crate::EventDef], env: Env<'_>) -> Option<BTreeSet<String>> {
    let on = |feature: &str| {
        env(&format!(
            "CARGO_FEATURE_{}",
            feature.to_uppercase().replace('-', "_")
        ))
        .is_some()
    };
    if on("all-events") {
        return None;
    }
    Some(
        events
            .iter()
            .map(crate::EventDef::group)
            .filter(|g| on(&crate::discover::feature_name(g)))
            .map(str::to_owned)
            .collect(),
    )
}

/// The build step of `stripe-events-macros`: writes `API_VERSION` and `EVENT_TYPES` (event
/// type, `EventObject` variant), and `THIN_API_VERSION` and `THIN_EVENT_TYPES` (thin event
/// type, `ThinEventType` variant, from the same v2 spec as the typed code: none without one),
/// so the macro can reject unknown names and suggest the closest.
pub fn run_event_table(paths: &BuildPaths, env: Env<'_>) -> Result<Vec<String>> {
    let Inputs {
        spec,
        thin_spec,
        extra,
        compatible,
        cargo,
        ..
    } = inputs(paths, env)?;
    let (spec, events, _) = events_and_spec(spec, &extra, &compatible)?;
    let row = |t: &str, v: &str| format!("    ({t:?}, {v:?}),\n");
    let rows: String = events
        .iter()
        .map(|e| row(&e.event_type, &e.variant))
        .collect();
    let thin_from = thin_spec.as_ref().unwrap_or(&spec);
    let thin = crate::discover::discover_thin(thin_from);
    let thin_rows: String = thin
        .iter()
        .map(|e| row(&e.event_type, &e.variant))
        .collect();
    let thin_version = if thin.is_empty() {
        "None".to_owned()
    } else {
        format!("Some({:?})", thin_from.doc.info.version)
    };
    let version = &spec.doc.info.version;
    let source = format!(
        "// @generated by stripe-events-codegen. Do not edit.\n\
         /// The API version of the spec the event table comes from.\n\
         pub const API_VERSION: &str = {version:?};\n\
         /// Every known event type and its variant name, sorted by type.\n\
         pub const EVENT_TYPES: &[(&str, &str)] = &[\n{rows}];\n\
         /// The API version of the spec the thin event types come from (`None`: no thin types).\n\
         pub const THIN_API_VERSION: Option<&str> = {thin_version};\n\
         /// Every known thin event type and its `ThinEventType` variant, sorted by type.\n\
         pub const THIN_EVENT_TYPES: &[(&str, &str)] = &[\n{thin_rows}];\n"
    );
    write_if_changed(&paths.out_file, &source)?;
    Ok(cargo)
}

/// Writes `contents` unless the file already holds exactly that (keeps its mtime, so nothing
/// downstream rebuilds).
pub fn write_if_changed(path: &Path, contents: &str) -> Result<bool> {
    if std::fs::read(path).is_ok_and(|old| old == contents.as_bytes()) {
        return Ok(false);
    }
    std::fs::write(path, contents).map_err(|source| Error::Write {
        path: path.to_owned(),
        source,
    })?;
    Ok(true)
}

/// The whole `build.rs` of `stripe-events`: [`run`] with the real environment.
pub fn main() {
    main_with(OUT_FILE, run);
}

/// The whole `build.rs` of `stripe-events-macros`: [`run_event_table`].
pub fn macros_main() {
    main_with(EVENT_TABLE_FILE, run_event_table);
}

/// Runs `step` with the real environment, prints the `cargo:` lines, and on error prints the
/// message and exits 1 (no panic backtrace noise).
fn main_with(out_file: &str, step: fn(&BuildPaths, Env<'_>) -> Result<Vec<String>>) {
    let var = |name: &str| std::env::var(name).ok();
    let (Some(manifest), Some(out)) = (var("CARGO_MANIFEST_DIR"), var("OUT_DIR")) else {
        eprintln!("stripe-events-codegen: build_script must run inside a cargo build script");
        std::process::exit(1);
    };
    let paths = BuildPaths::for_workspace_member(Path::new(&manifest), Path::new(&out), out_file);
    match step(&paths, &var) {
        Ok(lines) => lines.iter().for_each(|l| println!("{l}")),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Paths like docs.rs has them: no `spec/` pin, no `../shared`, only `OUT_DIR`.
    fn docs_rs_paths(name: &str, out_file: &str) -> BuildPaths {
        let root =
            std::env::temp_dir().join(format!("stripe-events-build-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let out = root.join("out");
        std::fs::create_dir_all(&out).unwrap();
        BuildPaths {
            spec_dir: root.join("missing-spec"),
            shared_dir: root.join("missing-shared"),
            out_file: out.join(out_file),
        }
    }

    fn env_of(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn on_docs_rs_the_sample_spec_is_generated_without_pin_or_shared_spec() {
        let paths = docs_rs_paths("docs-rs", OUT_FILE);
        let env = env_of(&[("DOCS_RS", "1"), ("CARGO_FEATURE_ALL_EVENTS", "1")]);
        let cargo = run(&paths, &env).expect("a docs.rs build needs no spec file");
        assert!(
            cargo.contains(&format!("cargo:rustc-cfg={SAMPLE_CFG}")),
            "{cargo:?}"
        );
        assert!(
            !cargo.iter().any(|line| line.contains("missing-")),
            "a docs.rs build looks at no spec path: {cargo:?}"
        );
        let code = std::fs::read_to_string(&paths.out_file).unwrap();
        assert!(code.contains("pub struct Subscription"), "{code}");

        let table = docs_rs_paths("docs-rs-macros", EVENT_TABLE_FILE);
        run_event_table(&table, &env).expect("the macros' table too");
        let rows = std::fs::read_to_string(&table.out_file).unwrap();
        assert!(
            rows.contains("(\"customer.subscription.updated\", \"CustomerSubscriptionUpdated\")"),
            "{rows}"
        );
    }

    #[test]
    fn elsewhere_a_missing_pin_still_fails_and_an_explicit_spec_wins_over_the_sample() {
        let paths = docs_rs_paths("no-docs-rs", OUT_FILE);
        let err = run(&paths, &env_of(&[("CARGO_FEATURE_ALL_EVENTS", "1")])).unwrap_err();
        assert!(err.to_string().contains(PIN_FILE), "{err}");

        let paths = docs_rs_paths("docs-rs-own-spec", OUT_FILE);
        let own = paths.out_file.with_file_name("own.json");
        let mut spec = crate::sample_spec::SAMPLE_SPEC.replace("2024-04-10", "2099-09-09");
        spec = spec.replace("\"price.updated\",", "");
        std::fs::write(&own, spec).unwrap();
        std::fs::create_dir_all(&paths.spec_dir).unwrap();
        std::fs::write(
            paths.spec_dir.join(PIN_FILE),
            "version = \"2024-04-10\"\nsha256 = \"00\"\n",
        )
        .unwrap();
        let own_path = own.display().to_string();
        let vars = [
            ("DOCS_RS", "1"),
            ("CARGO_FEATURE_ALL_EVENTS", "1"),
            (SPEC_ENV, own_path.as_str()),
        ];
        let cargo = run(&paths, &env_of(&vars)).unwrap();
        assert!(
            !cargo.contains(&format!("cargo:rustc-cfg={SAMPLE_CFG}")),
            "{cargo:?}"
        );
        let code = std::fs::read_to_string(&paths.out_file).unwrap();
        assert!(code.contains("\"2099-09-09\""), "the file given is used");
        assert!(!code.contains("PriceUpdated"), "the file given is used");
    }

    /// A v2 spec with one thin event (written for this test).
    const V2_SPEC: &str = r#"{"openapi": "3.0.0", "info": {"version": "2099-12-12.test"},
        "components": {"schemas": {"v2.thing.made": {"type": "object",
            "x-stripeEvent": {"type": "v2.thing.made", "kind": "thin"},
            "properties": {"related_object": {"type": "object",
                "properties": {"type": {"type": "string", "enum": ["v2.thing"]}}}}}}}}"#;

    /// A project with a pin for the sample spec (and, with `v2`, for [`V2_SPEC`]), both
    /// files in `spec/`.
    fn pinned_project(name: &str, v2: bool) -> BuildPaths {
        let paths = docs_rs_paths(name, OUT_FILE);
        std::fs::create_dir_all(&paths.spec_dir).unwrap();
        let v1 = crate::sample_spec::SAMPLE_SPEC;
        std::fs::write(paths.spec_dir.join("spec-2024-04-10.json"), v1).unwrap();
        let mut pin = format!(
            "version = \"2024-04-10\"\nsha256 = \"{}\"\n",
            crate::spec::sha256_hex(v1.as_bytes())
        );
        if v2 {
            std::fs::write(paths.spec_dir.join("spec-v2-2099-12-12.test.json"), V2_SPEC).unwrap();
            pin.push_str(&format!(
                "v2_version = \"2099-12-12.test\"\nv2_sha256 = \"{}\"\n",
                crate::spec::sha256_hex(V2_SPEC.as_bytes())
            ));
        }
        std::fs::write(paths.spec_dir.join(PIN_FILE), pin).unwrap();
        paths
    }

    #[test]
    fn a_pinned_v2_spec_gives_thin_types_and_none_gives_none() {
        let env = env_of(&[("CARGO_FEATURE_ALL_EVENTS", "1")]);
        let paths = pinned_project("with-v2", true);
        let cargo = run(&paths, &env).unwrap();
        let v2_file = paths.spec_dir.join("spec-v2-2099-12-12.test.json");
        assert!(
            cargo.contains(&format!("cargo:rerun-if-changed={}", v2_file.display())),
            "{cargo:?}"
        );
        assert!(cargo.contains(&format!("cargo:rerun-if-env-changed={SPEC_V2_ENV}")));
        let code = std::fs::read_to_string(&paths.out_file).unwrap();
        assert!(code.contains("V2ThingMade"), "{code}");
        assert!(code.contains("\"2099-12-12.test\""), "{code}");

        let paths = pinned_project("without-v2", false);
        run(&paths, &env).expect("no v2 spec configured: still builds");
        let code = std::fs::read_to_string(&paths.out_file).unwrap();
        assert!(
            code.contains("pub enum ThinEventType"),
            "the module is there"
        );
        assert!(!code.contains("V2ThingMade"), "with no thin event type");

        // The variable names a v2 spec even without a pin entry.
        let own = paths.out_file.with_file_name("own-v2.json");
        std::fs::write(&own, V2_SPEC).unwrap();
        let own_path = own.display().to_string();
        let with_own = env_of(&[
            ("CARGO_FEATURE_ALL_EVENTS", "1"),
            (SPEC_V2_ENV, own_path.as_str()),
        ]);
        run(&paths, &with_own).unwrap();
        let code = std::fs::read_to_string(&paths.out_file).unwrap();
        assert!(code.contains("V2ThingMade"), "{code}");

        // The macros' table reads the same v2 spec: its thin types, and its version.
        let table = pinned_project("macros-v2", true);
        let cargo = run_event_table(&table, &env).unwrap();
        assert!(cargo.iter().any(|l| l.contains("spec-v2-")), "{cargo:?}");
        let rows = std::fs::read_to_string(&table.out_file).unwrap();
        assert!(
            rows.contains("(\"v2.thing.made\", \"V2ThingMade\"),"),
            "{rows}"
        );
        assert!(
            rows.contains("THIN_API_VERSION: Option<&str> = Some(\"2099-12-12.test\")"),
            "{rows}"
        );
        // Without one, those of the v1 spec, as the typed code has them (the sample, a unified
        // spec, has two).
        let without = pinned_project("macros-no-v2", false);
        run_event_table(&without, &env).unwrap();
        let rows = std::fs::read_to_string(&without.out_file).unwrap();
        assert!(
            rows.contains("THIN_API_VERSION: Option<&str> = Some(\"2024-04-10\");"),
            "{rows}"
        );
        assert!(
            rows.contains("(\"v2.core.account.created\", \"V2CoreAccountCreated\"),"),
            "{rows}"
        );
        assert!(!rows.contains("v2.thing.made"), "{rows}");
    }

    #[test]
    fn compatible_versions_from_the_pin_or_the_variable_widen_the_types_and_report_when_asked() {
        let paths = pinned_project("compatible", false);
        let older = crate::sample_spec::SAMPLE_SPEC
            .replace("2024-04-10", "2023-01-01")
            .replace(
                "\"price.updated\",",
                "\"price.updated\", \"price.vanished\",",
            );
        std::fs::write(paths.spec_dir.join("older.json"), &older).unwrap();
        let env = env_of(&[("CARGO_FEATURE_ALL_EVENTS", "1")]);
        // Strict by default: no compatible version, no summary.
        let cargo = run(&paths, &env).unwrap();
        assert!(
            !cargo.iter().any(|l| l.starts_with("cargo:warning")),
            "{cargo:?}"
        );
        assert!(cargo.contains(&"cargo:rustc-env=STRIPE_EVENTS_COMPATIBLE_VERSIONS=".to_owned()));
        let strict = std::fs::read_to_string(&paths.out_file).unwrap();
        assert!(!strict.contains("PriceVanished"));

        // The pin's list (a path relative to spec/).
        let pin_file = paths.spec_dir.join(PIN_FILE);
        let pin = std::fs::read_to_string(&pin_file).unwrap();
        std::fs::write(&pin_file, format!("{pin}compatible = [\"older.json\"]\n")).unwrap();
        let cargo = run(&paths, &env).unwrap();
        assert!(
            !cargo.iter().any(|l| l.starts_with("cargo:warning")),
            "{cargo:?}"
        );
        assert!(
            cargo.contains(
                &"cargo:rustc-env=STRIPE_EVENTS_COMPATIBLE_VERSIONS=2023-01-01".to_owned()
            )
        );
        let older_path = paths.spec_dir.join("older.json");
        assert!(cargo.contains(&format!("cargo:rerun-if-changed={}", older_path.display())));
        assert!(
            std::fs::read_to_string(&paths.out_file)
                .unwrap()
                .contains("PriceVanished")
        );

        // The variable replaces the pin's list (`none`: strict), and the summary is printed
        // only when asked.
        let none = env_of(&[("CARGO_FEATURE_ALL_EVENTS", "1"), (COMPATIBLE_ENV, "none")]);
        run(&paths, &none).unwrap();
        assert_eq!(std::fs::read_to_string(&paths.out_file).unwrap(), strict);
        let own = older_path.display().to_string();
        let asked = env_of(&[
            ("CARGO_FEATURE_ALL_EVENTS", "1"),
            (COMPATIBLE_ENV, own.as_str()),
            (COMPAT_REPORT_ENV, "1"),
        ]);
        let cargo = run(&paths, &asked).unwrap();
        let warnings: Vec<&String> = cargo
            .iter()
            .filter(|l| l.starts_with("cargo:warning"))
            .collect();
        assert!(
            warnings[0].starts_with("cargo:warning=stripe-events: compatible API versions 2023-01-01 merged into 2024-04-10: 1 event types added"),
            "{warnings:?}"
        );
        // The macros' table has the added event type too.
        let table = pinned_project("compatible-macros", false);
        std::fs::write(table.spec_dir.join("older.json"), &older).unwrap();
        // A relative path in the variable is taken from the project root.
        let relative = format!(
            "{}/older.json",
            table.spec_dir.file_name().unwrap().to_str().unwrap()
        );
        let with_older = env_of(&[
            ("CARGO_FEATURE_ALL_EVENTS", "1"),
            (COMPATIBLE_ENV, relative.as_str()),
        ]);
        run_event_table(&table, &with_older).unwrap();
        let rows = std::fs::read_to_string(&table.out_file).unwrap();
        assert!(
            rows.contains("(\"price.vanished\", \"PriceVanished\"),"),
            "{rows}"
        );
        // A version nowhere to be found fails the build naming it.
        let missing = env_of(&[
            ("CARGO_FEATURE_ALL_EVENTS", "1"),
            (COMPATIBLE_ENV, "2015-01-01"),
        ]);
        let err = run(&paths, &missing).unwrap_err().to_string();
        assert!(
            err.contains("compatible API version \"2015-01-01\""),
            "{err}"
        );
    }

    #[test]
    fn a_pinned_v2_spec_that_is_missing_or_altered_fails_the_build_naming_it() {
        let env = env_of(&[("CARGO_FEATURE_ALL_EVENTS", "1")]);
        let paths = pinned_project("v2-missing", true);
        let v2_file = paths.spec_dir.join("spec-v2-2099-12-12.test.json");
        std::fs::remove_file(&v2_file).unwrap();
        let err = run(&paths, &env).unwrap_err().to_string();
        assert!(
            err.contains("no Stripe v2 OpenAPI spec (thin events) found"),
            "{err}"
        );
        assert!(err.contains(&v2_file.display().to_string()), "{err}");

        std::fs::write(&v2_file, V2_SPEC.replace("made", "done")).unwrap();
        let err = run(&paths, &env).unwrap_err().to_string();
        assert!(err.contains("does not match the pin"), "{err}");

        // A pinned file of another version than the pin says.
        let other = V2_SPEC.replace("2099-12-12.test", "2099-01-01.other");
        std::fs::write(&v2_file, &other).unwrap();
        let pin = std::fs::read_to_string(paths.spec_dir.join(PIN_FILE)).unwrap();
        let sha = crate::spec::sha256_hex(V2_SPEC.as_bytes());
        let pin = pin.replace(&sha, &crate::spec::sha256_hex(other.as_bytes()));
        std::fs::write(paths.spec_dir.join(PIN_FILE), pin).unwrap();
        let err = run(&paths, &env).unwrap_err().to_string();
        assert!(err.contains("pins v2_version 2099-12-12.test but"), "{err}");
        assert!(err.contains("is version 2099-01-01.other"), "{err}");
    }
}
