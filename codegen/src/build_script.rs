//! What the build scripts do: find the pinned spec, generate, write to `OUT_DIR` only when the
//! content changed, and tell cargo exactly when to rerun. `stripe-events` gets the typed code
//! ([`main`]); `stripe-events-macros` gets the table of known event types ([`macros_main`]),
//! from the same spec and extra events.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::extra::ExtraEvents;
use crate::pin::{self, EXTRA_ENV, PIN_FILE, Pin, SPEC_ENV};
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

/// The inputs of a build: the spec and extra events the pin and environment select, and the
/// `cargo:` lines that make the build rerun when any of them changes.
struct Inputs {
    spec: Spec,
    extra: ExtraEvents,
    cargo: Vec<String>,
    /// Whether `spec` is the docs.rs [sample](sample_spec) rather than the pinned spec.
    sample: bool,
}

fn inputs(paths: &BuildPaths, env: Env<'_>) -> Result<Inputs> {
    let mut cargo = vec![
        format!("cargo:rerun-if-env-changed={SPEC_ENV}"),
        format!("cargo:rerun-if-env-changed={EXTRA_ENV}"),
        format!("cargo:rerun-if-env-changed={DOCS_RS_ENV}"),
    ];
    let env_spec = env(SPEC_ENV).filter(|s| !s.is_empty()).map(PathBuf::from);
    if env_spec.is_none() && on_docs_rs(env) {
        // docs.rs: no network, no spec beside the crate, no `spec/` pin in the package.
        return Ok(Inputs {
            spec: sample_spec::sample_spec()?,
            extra: ExtraEvents::none(),
            cargo,
            sample: true,
        });
    }
    cargo.push(format!(
        "cargo:rerun-if-changed={}",
        paths.spec_dir.display()
    ));
    let pin = Pin::load(&paths.spec_dir.join(PIN_FILE))?;
    let located = pin::locate(
        &pin,
        &paths.spec_dir,
        &paths.shared_dir,
        env_spec.as_deref(),
    )?;
    cargo.push(format!("cargo:rerun-if-changed={}", located.path.display()));
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
    let spec = Spec::load(&located.path)?;
    if located.pinned && spec.doc.info.version != pin.version {
        return Err(Error::Pin {
            path: paths.spec_dir.join(PIN_FILE),
            reason: format!(
                "pins version {} but {} is version {}",
                pin.version,
                located.path.display(),
                spec.doc.info.version
            ),
        });
    }
    Ok(Inputs {
        spec,
        extra,
        cargo,
        sample: false,
    })
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
        extra,
        mut cargo,
        sample,
    } = inputs(paths, env)?;
    // `cfg(stripe_events_sample_spec)`: the crate docs say which types a docs.rs build shows.
    cargo.push(format!("cargo:rustc-check-cfg=cfg({SAMPLE_CFG})"));
    if sample {
        cargo.push(format!("cargo:rustc-cfg={SAMPLE_CFG}"));
    }
    let events = crate::discover::discover(&spec, &extra)?;
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
    let generated = generate_events(&spec, events, &settings)?;
    write_if_changed(&paths.out_file, &generated.to_source())?;
    cargo.push(format!(
        "cargo:rustc-env=STRIPE_EVENTS_SPEC_PATH={}",
        spec.path.display()
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
/// type, `EventObject` variant), so the macro can reject unknown names and suggest the closest.
pub fn run_event_table(paths: &BuildPaths, env: Env<'_>) -> Result<Vec<String>> {
    let Inputs {
        spec, extra, cargo, ..
    } = inputs(paths, env)?;
    let events = crate::discover::discover(&spec, &extra)?;
    let rows: String = events
        .iter()
        .map(|e| format!("    ({:?}, {:?}),\n", e.event_type, e.variant))
        .collect();
    let version = &spec.doc.info.version;
    let source = format!(
        "// @generated by stripe-events-codegen. Do not edit.\n\
         /// The API version of the spec the event table comes from.\n\
         pub const API_VERSION: &str = {version:?};\n\
         /// Every known event type and its variant name, sorted by type.\n\
         pub const EVENT_TYPES: &[(&str, &str)] = &[\n{rows}];\n"
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
}
