//! `stripe-events-codegen`: list the event types of a Stripe OpenAPI spec and generate the
//! typed code for it. Argument parsing only; the work is in the library.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use stripe_events_codegen::{ExtraEvents, Settings, Spec, generate_events};

#[derive(Parser)]
#[command(
    name = "stripe-events-codegen",
    version,
    about = "Typed Stripe webhook events from Stripe's OpenAPI spec"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print one line per event type: type, payload schema(s) (`-` if none), Rust variant;
    /// then one line per thin event type: type, related object's resource (`-` if none), Rust
    /// variant, `thin`.
    Events {
        /// The spec file.
        #[arg(long)]
        spec: PathBuf,
        /// A TOML file of extra event types (`[events] "type" = "schema"`).
        #[arg(long)]
        extra_events: Option<PathBuf>,
        /// Compatible API versions (comma-separated spec files, or versions whose
        /// `spec-<version>.json` is beside `--spec`): list the event types of the merged types
        /// and print the compatibility summary to stderr.
        #[arg(long, value_delimiter = ',')]
        compatible: Vec<String>,
    },
    /// Print a Markdown report of what changed from OLD_SPEC to NEW_SPEC; exit 1 when a change
    /// breaks code written against OLD_SPEC, 0 when none does, 2 on bad input.
    Diff {
        /// The spec your code was written against.
        old_spec: PathBuf,
        /// The spec you are moving to.
        new_spec: PathBuf,
    },
    /// Download a spec from Stripe's public OpenAPI repository, check it, save it as
    /// `<out>/spec-<version>.json` and record its version and SHA-256 in `<out>/stripe-api.toml`.
    FetchSpec {
        /// A tag or branch of the repository (`v940`), or an API version (`2024-04-10`).
        version_or_tag: String,
        /// The directory to save into.
        #[arg(long, default_value = "spec")]
        out: PathBuf,
        /// Refuse the download unless its SHA-256 is this.
        #[arg(long)]
        sha256: Option<String>,
        /// Where the repository's raw files are.
        #[arg(long, default_value = stripe_events_codegen::fetch::DEFAULT_BASE_URL)]
        base_url: String,
    },
    /// Write the code build.rs generates, formatted for a person to read.
    Generate {
        /// The spec file.
        #[arg(long)]
        spec: PathBuf,
        /// Where to write the code.
        #[arg(long)]
        out: PathBuf,
        /// A TOML file of extra event types.
        #[arg(long)]
        extra_events: Option<PathBuf>,
        /// A v2 spec to take the thin event types from (default: those of `--spec` itself).
        #[arg(long)]
        spec_v2: Option<PathBuf>,
        /// Path of the runtime crate in the generated code.
        #[arg(long, default_value = "::stripe_events")]
        runtime_path: String,
        /// Only these event groups' payload types (comma-separated, e.g. `customer,invoice`);
        /// all when absent
        #[arg(long, value_delimiter = ',')]
        groups: Option<Vec<String>>,
        /// Compatible API versions (as for `events`): the types also accept their payloads;
        /// the compatibility summary goes to stderr.
        #[arg(long, value_delimiter = ',')]
        compatible: Vec<String>,
    },
}

fn load(
    spec: &Path,
    extra: Option<&PathBuf>,
) -> stripe_events_codegen::Result<(Spec, ExtraEvents)> {
    let spec = Spec::load(spec)?;
    let extra = match extra {
        Some(p) => ExtraEvents::load(p)?,
        None => ExtraEvents::none(),
    };
    Ok((spec, extra))
}

/// The specs `--compatible` names: each entry a spec file, or an API version whose
/// `spec-<version>.json` is in the directory of `spec`.
fn compatible_specs(spec: &Path, entries: &[String]) -> stripe_events_codegen::Result<Vec<Spec>> {
    let dir = spec.parent().unwrap_or(Path::new("."));
    entries
        .iter()
        .map(|entry| {
            let path =
                stripe_events_codegen::pin::locate_compatible(entry, Path::new("."), dir, dir)?;
            Spec::load(&path)
        })
        .collect()
}

/// The spec and event types to generate from: `spec` with the `compatible` ones merged in (the
/// summary printed to stderr), or `spec` alone.
fn merged(
    spec: Spec,
    extra: &ExtraEvents,
    compatible: &[Spec],
) -> stripe_events_codegen::Result<(Spec, Vec<stripe_events_codegen::EventDef>)> {
    let events = stripe_events_codegen::discover::discover(&spec, extra)?;
    if compatible.is_empty() {
        return Ok((spec, events));
    }
    let merged = stripe_events_codegen::ir::merge_compatible(spec, events, compatible)?;
    eprint!("{}", merged.report.summary());
    Ok((merged.spec, merged.events))
}

/// Exit code when `diff` finds a breaking change.
const BREAKING: u8 = 1;

fn run(cli: Cli) -> stripe_events_codegen::Result<ExitCode> {
    match cli.command {
        Command::FetchSpec {
            version_or_tag,
            out,
            sha256,
            base_url,
        } => {
            let f = stripe_events_codegen::fetch::fetch(
                &version_or_tag,
                &out,
                &base_url,
                sha256.as_deref(),
            )?;
            eprintln!(
                "saved {} (API version {}) from {}",
                f.path.display(),
                f.version,
                f.url
            );
            println!("{}\t{}", f.version, f.sha256);
        }
        Command::Diff { old_spec, new_spec } => {
            let report = stripe_events_codegen::diff::diff(
                &Spec::load(&old_spec)?,
                &Spec::load(&new_spec)?,
            )?;
            print!("{}", report.to_markdown());
            if report.is_breaking() {
                return Ok(ExitCode::from(BREAKING));
            }
        }
        Command::Events {
            spec,
            extra_events,
            compatible,
        } => {
            let compatible = compatible_specs(&spec, &compatible)?;
            let (spec, extra) = load(&spec, extra_events.as_ref())?;
            use stripe_events_codegen::discover::{discover_thin, table, thin_table};
            let (spec, events) = merged(spec, &extra, &compatible)?;
            print!("{}", table(&events));
            print!("{}", thin_table(&discover_thin(&spec)));
        }
        Command::Generate {
            spec,
            out,
            extra_events,
            spec_v2,
            runtime_path,
            groups,
            compatible,
        } => {
            let started = std::time::Instant::now();
            let compatible = compatible_specs(&spec, &compatible)?;
            let (spec, extra) = load(&spec, extra_events.as_ref())?;
            let thin_spec = spec_v2.as_deref().map(Spec::load).transpose()?;
            let loaded = started.elapsed();
            let (spec, events) = merged(spec, &extra, &compatible)?;
            let generated = generate_events(
                &spec,
                events,
                thin_spec.as_ref(),
                &Settings {
                    runtime_path,
                    groups: groups.map(|g| g.into_iter().collect()),
                },
            )?;
            let generated_in = started.elapsed() - loaded;
            let text = generated.to_pretty_source()?;
            let formatted_in = started.elapsed() - loaded - generated_in;
            std::fs::write(&out, text).map_err(|source| stripe_events_codegen::Error::Write {
                path: out.clone(),
                source,
            })?;
            eprintln!(
                "wrote {} ({} event types, {} thin event types, {} types, API version {}): spec read in {} ms, code generated in {} ms, formatted in {} ms",
                out.display(),
                generated.events.len(),
                generated.thin_events.len(),
                generated.type_count,
                generated.api_version,
                loaded.as_millis(),
                generated_in.as_millis(),
                formatted_in.as_millis(),
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
