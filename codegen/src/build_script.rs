//! What `stripe-events`' `build.rs` does: find the pinned spec, generate, write to `OUT_DIR`
//! only when the content changed, and tell cargo exactly when to rerun.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::extra::ExtraEvents;
use crate::pin::{self, EXTRA_ENV, PIN_FILE, Pin, SPEC_ENV};
use crate::{Settings, Spec, generate};

/// File name of the generated code inside `OUT_DIR`.
pub const OUT_FILE: &str = "stripe_events_generated.rs";

/// Where the build looks for things.
#[derive(Debug, Clone)]
pub struct BuildPaths {
    /// The `spec/` directory holding the pin.
    pub spec_dir: PathBuf,
    /// `../shared/stripe-openapi` beside the project root.
    pub shared_dir: PathBuf,
    /// Where to write the generated code.
    pub out_file: PathBuf,
}

impl BuildPaths {
    /// Paths for a crate at `manifest_dir` inside the workspace rooted at its parent.
    pub fn for_workspace_member(manifest_dir: &Path, out_dir: &Path) -> Self {
        let root = manifest_dir.parent().unwrap_or(manifest_dir);
        Self {
            spec_dir: root.join("spec"),
            shared_dir: root.join("..").join("shared").join("stripe-openapi"),
            out_file: out_dir.join(OUT_FILE),
        }
    }
}

/// Runs the build step; `env` reads environment variables (so tests can supply their own).
/// Returns the `cargo:` lines to print.
pub fn run(paths: &BuildPaths, env: &dyn Fn(&str) -> Option<String>) -> Result<Vec<String>> {
    let mut cargo = vec![
        format!("cargo:rerun-if-env-changed={SPEC_ENV}"),
        format!("cargo:rerun-if-env-changed={EXTRA_ENV}"),
        format!("cargo:rerun-if-changed={}", paths.spec_dir.display()),
    ];
    let pin = Pin::load(&paths.spec_dir.join(PIN_FILE))?;
    let env_spec = env(SPEC_ENV).filter(|s| !s.is_empty()).map(PathBuf::from);
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
    let generated = generate(&spec, &extra, &Settings::default())?;
    write_if_changed(&paths.out_file, &generated.to_source())?;
    cargo.push(format!(
        "cargo:rustc-env=STRIPE_EVENTS_SPEC_PATH={}",
        located.path.display()
    ));
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

/// The whole `build.rs`: runs [`run`] with the real environment, prints the `cargo:` lines,
/// and on error prints the message and exits 1 (no panic backtrace noise).
pub fn main() {
    let var = |name: &str| std::env::var(name).ok();
    let (Some(manifest), Some(out)) = (var("CARGO_MANIFEST_DIR"), var("OUT_DIR")) else {
        eprintln!("stripe-events-codegen: build_script::main must run inside a cargo build script");
        std::process::exit(1);
    };
    let paths = BuildPaths::for_workspace_member(Path::new(&manifest), Path::new(&out));
    match run(&paths, &var) {
        Ok(lines) => lines.iter().for_each(|l| println!("{l}")),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
