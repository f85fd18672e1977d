//! The subcommands, their output formats and exit codes:
//!
//! * `sign`: prints a valid `Stripe-Signature` header for the body; exit 0.
//! * `verify`: `ok<TAB>type<TAB>id<TAB>typed` (or `raw<TAB>reason`), exit 0; a signature or
//!   header failure, or a body that is not an event, is printed on stderr with exit 1.
//! * `parse`: `type<TAB>id<TAB>typed` (or `raw<TAB>reason`); exit 0 typed, 3 raw, 1 not an event.
//! * `serve`, `worker`, `trigger`, `events`, `objects`, `demo`: see their modules.
//!
//! Bad usage (unknown flags, unreadable input) exits 2. Each command lives in its own module;
//! this one only declares the command line and hands each command to its module.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use stripe_events::receiver::{Processing, ReceiverConfig};
use stripe_events::store::Status;

use crate::store::Db;

/// The command line.
#[derive(Parser)]
#[command(
    name = "stripe-events",
    version,
    about = "Sign, verify and parse Stripe webhook deliveries"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print a valid Stripe-Signature header for a body.
    Sign {
        /// The endpoint secret (`whsec_...`).
        #[arg(long)]
        secret: String,
        /// The signature's timestamp (unix seconds); default: now.
        #[arg(long)]
        timestamp: Option<i64>,
        /// The body: a file, or `-` (the default) for standard input.
        file: Option<PathBuf>,
    },
    /// Verify a body's Stripe-Signature header, then parse it.
    Verify {
        /// An endpoint secret; repeat for several (secret rotation).
        #[arg(long = "secret", required = true)]
        secrets: Vec<String>,
        /// The Stripe-Signature header value.
        #[arg(long)]
        header: String,
        /// Allowed distance between the signed timestamp and now, in seconds.
        #[arg(long, default_value_t = 300)]
        tolerance: u64,
        /// Check the timestamp against this time (unix seconds) instead of now.
        #[arg(long)]
        now: Option<i64>,
        /// The body: a file, or `-` (the default) for standard input.
        file: Option<PathBuf>,
    },
    /// Parse a body as an event without verifying it.
    Parse {
        /// The body: a file, or `-` (the default) for standard input.
        file: Option<PathBuf>,
    },
    /// Run a webhook receiver (POST /webhook) that verifies, stores (SQLite by default), and
    /// logs every event in one line.
    ///
    /// Inline (the default), the handler runs in the request and its result is the answer.
    /// With `--processing queue`, a delivery is answered 200 as soon as it is stored, and
    /// workers run the handler afterwards, retrying failures with exponential backoff (10 s
    /// doubling to 1 h, with jitter) and marking an event dead after 12 attempts
    /// (`events list --status dead`, `events replay`).
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:4242")]
        addr: String,
        #[arg(long, help = crate::store::HELP)]
        db: Option<PathBuf>,
        /// An endpoint secret; repeat for several (rotation). Default: `STRIPE_WEBHOOK_SECRET`
        /// (several separated by commas); without either, a development secret for local
        /// testing only is generated and printed.
        #[arg(long = "secret")]
        secrets: Vec<String>,
        /// When the handler runs: `inline` (in the request) or `queue` (answer 200 once stored,
        /// workers run it).
        #[arg(long, value_enum, default_value_t = ProcessingArg::Inline)]
        processing: ProcessingArg,
        /// Workers in this process (queue mode only; default 16). 0: none, the endpoint only
        /// stores and `stripe-events worker` processes on the same store run the handler.
        #[arg(long, value_name = "N")]
        workers: Option<usize>,
        /// How long a claim on an event lasts (`90s`, `5m`): a process that dies while
        /// running a handler leaves its event to others once this is over. Longer than the
        /// slowest handler, or it may run twice.
        #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = lease)]
        lease: Duration,
        #[command(flatten)]
        mirror: MirrorArgs,
        /// Validate every event against Stripe's API before its handler runs: fetch it again
        /// by id (`/v1/events/{id}`, `/v2/core/events/{id}`) with the secret key in
        /// `STRIPE_SECRET_KEY`, and run the handler only when Stripe has it with the same type
        /// and object. A denied event is answered 200, never run, and listed as `denied`; when
        /// the API cannot be reached the event is kept (500 inline, so Stripe retries;
        /// retried by the workers in queue mode).
        #[arg(long)]
        validate: bool,
        /// The base URL of Stripe's API for `--validate` and `--refetch` (default
        /// https://api.stripe.com): a stand-in or a proxy; `http://` is accepted.
        #[arg(long, value_name = "URL")]
        stripe_api: Option<String>,
    },
    /// Run queue workers alone on an existing store (deliveries stored by `serve --processing
    /// queue`, in this or other processes), with the same built-in handler as `serve`.
    /// Ctrl-C or SIGTERM stops it; each worker finishes the job it holds first.
    Worker {
        #[arg(long, help = crate::store::HELP)]
        db: Option<PathBuf>,
        /// How many workers.
        #[arg(long, value_name = "N", default_value_t = ReceiverConfig::DEFAULT_WORKERS)]
        workers: usize,
        /// How long a claim on an event lasts (`90s`, `5m`): a process that dies while
        /// running a handler leaves its event to others once this is over. Longer than the
        /// slowest handler, or it may run twice.
        #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = lease)]
        lease: Duration,
        #[command(flatten)]
        mirror: MirrorArgs,
        /// The base URL of Stripe's API for `--refetch` (default https://api.stripe.com).
        #[arg(long, value_name = "URL")]
        stripe_api: Option<String>,
    },
    /// Build an event of a type from Stripe's example objects, sign it and POST it (the offline
    /// `stripe trigger`).
    Trigger {
        /// The event type, e.g. `customer.created` (with `--thin`, a thin one:
        /// `v2.core.event_destination.ping`).
        event_type: String,
        /// The receiver's URL (default: `serve`'s default address).
        #[arg(long, default_value = "http://127.0.0.1:4242/webhook")]
        url: String,
        /// The endpoint secret to sign with.
        #[arg(long)]
        secret: String,
        /// How many events to send.
        #[arg(long, default_value_t = 1)]
        count: usize,
        /// Stripe's example objects (`fixtures-<version>.json`); default: ../shared/stripe-openapi.
        #[arg(long)]
        fixtures: Option<PathBuf>,
        /// Set a field of the payload: `PATH=VALUE`, PATH dot-separated inside `data.object`
        /// (`name`, `metadata.plan`, `items.data.0.quantity`; with `--thin`, inside the
        /// notification: `context`, `related_object.id`), VALUE as JSON when it parses
        /// (`3`, `true`, `null`, `{"a":1}`), else a string. Repeat for several.
        #[arg(long = "override", value_name = "PATH=VALUE")]
        overrides: Vec<String>,
        /// Send a thin event notification (`"object": "v2.core.event"`) of a thin event type
        /// (`v2.core.event_destination.ping`): its related object built from the generated
        /// tables, no fixtures needed.
        #[arg(long)]
        thin: bool,
    },
    /// The stored deliveries.
    Events {
        #[command(subcommand)]
        command: EventsCommand,
    },
    /// The mirror of Stripe objects kept by `serve --mirror`.
    Objects {
        #[command(subcommand)]
        command: ObjectsCommand,
    },
    /// Run a receiver on loopback and send it a few triggered events, end to end.
    Demo {
        /// Stripe's example objects; default: ../shared/stripe-openapi.
        #[arg(long)]
        fixtures: Option<PathBuf>,
    },
}

/// `--processing`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ProcessingArg {
    /// The handler runs in the request; its result is the answer.
    Inline,
    /// Answer 200 once stored; workers run the handler.
    Queue,
}

/// The `--db` help of the `events` commands (never created by them).
const EVENTS_DB_HELP: &str = "The event store (never created by this command): a SQLite file, \
                              or a postgres:// (postgresql://) URL. Default: DATABASE_URL, else \
                              stripe-events.sqlite3";

#[derive(Subcommand)]
enum EventsCommand {
    /// One stored delivery per line: event id, type, signature valid, status, attempts, last
    /// error.
    List {
        #[arg(long, help = EVENTS_DB_HELP)]
        db: Option<PathBuf>,
        /// Only deliveries with this status (`pending`, `processed`, `failed`, `untyped`,
        /// `dead`).
        #[arg(long)]
        status: Option<Status>,
    },
    /// Everything stored about one delivery.
    Show {
        #[arg(long, help = EVENTS_DB_HELP)]
        db: Option<PathBuf>,
        /// The event id.
        event_id: String,
        /// Print the stored body too.
        #[arg(long)]
        body: bool,
    },
    /// Re-run the built-in handler of an event stored by `stripe-events serve`, or of every
    /// failed and dead one (`--pending`: unfinished ones; `--status S`: those with status S).
    /// A store of another application is refused: replay from that application's binary
    /// (`stripe_events::manage`).
    Replay {
        #[arg(long, help = EVENTS_DB_HELP)]
        db: Option<PathBuf>,
        /// One event id; without it, every failed then every dead event (or those with
        /// `--status`).
        event_id: Option<String>,
        /// Replay events left pending (a crash between receipt and processing, or queued).
        #[arg(long)]
        pending: bool,
        /// Replay events with this status (`failed`, `dead`, `pending`, `untyped`).
        #[arg(long, conflicts_with = "pending")]
        status: Option<Status>,
    },
    /// Delete processed deliveries received longer ago than an age; never pending, failed,
    /// untyped, dead, denied or rejected ones. Prints how many were removed.
    ///
    /// Keep at least 3 days: Stripe retries a delivery for up to 3 days, and a redelivery of
    /// a pruned event is new to the store, so its handlers run again.
    Prune {
        #[arg(long, help = EVENTS_DB_HELP)]
        db: Option<PathBuf>,
        /// The age: a whole number and a unit, d, h, m or s (`30d`, `12h`, `90m`, `45s`).
        #[arg(
            long,
            value_name = "AGE",
            value_parser = stripe_events::manage::parse_age,
            allow_hyphen_values = true
        )]
        older_than: Duration,
    },
}

#[derive(Subcommand)]
enum ObjectsCommand {
    /// Print the stored object's JSON as Stripe rendered it (exit 1 when there is none).
    Get {
        #[arg(long, help = EVENTS_DB_HELP)]
        db: Option<PathBuf>,
        /// The object type, its `object` value (`product`, `subscription`).
        object_type: String,
        /// The object id.
        id: String,
    },
    /// One line per stored object of a type, by id, tab-separated: id, the id of the event
    /// that set it, that event's `created` (unix seconds), `deleted` or `live`.
    List {
        #[arg(long, help = EVENTS_DB_HELP)]
        db: Option<PathBuf>,
        /// The object type, its `object` value (`product`, `subscription`).
        object_type: String,
    },
}

/// Runs an `objects` command.
fn objects(command: ObjectsCommand) -> Result<ExitCode, String> {
    match command {
        ObjectsCommand::Get {
            db,
            object_type,
            id,
        } => crate::objects::get(&Db::resolve(db.map(Into::into))?, &object_type, &id),
        ObjectsCommand::List { db, object_type } => {
            crate::objects::list(&Db::resolve(db.map(Into::into))?, &object_type)
        }
    }
}

/// Runs an `events` command.
fn events(command: EventsCommand) -> Result<ExitCode, String> {
    use stripe_events::manage::Command as Manage;
    match command {
        EventsCommand::List { db, status } => {
            crate::events::read(&Db::resolve(db.map(Into::into))?, &Manage::List { status })
        }
        EventsCommand::Show { db, event_id, body } => crate::events::read(
            &Db::resolve(db.map(Into::into))?,
            &Manage::Show { event_id, body },
        ),
        EventsCommand::Replay {
            db,
            event_id,
            pending,
            status,
        } => {
            let status = if pending {
                Some(Status::Pending)
            } else {
                status
            };
            crate::events::replay(
                &Db::resolve(db.map(Into::into))?,
                event_id.as_deref(),
                status,
            )
        }
        EventsCommand::Prune { db, older_than } => {
            crate::events::prune(&Db::resolve(db.map(Into::into))?, older_than)
        }
    }
}

/// Bad usage of `serve` that clap cannot see: the message and the usage on stderr, exit 2.
fn usage_error(message: &str) -> ! {
    use clap::CommandFactory;
    let mut cli = Cli::command();
    cli.build();
    let serve = cli
        .find_subcommand_mut("serve")
        .expect("the serve command is declared");
    serve
        .error(clap::error::ErrorKind::ArgumentConflict, message)
        .exit()
}

/// Runs the command and returns its exit code.
/// The mirror of Stripe objects, for `serve` and `worker`.
#[derive(clap::Args, Debug, Clone, Copy)]
pub struct MirrorArgs {
    /// Keep a mirror of the Stripe objects in the store: each event's object, applied after
    /// the handler, newest event first whatever the delivery order (`objects get`, `objects
    /// list`).
    #[arg(long)]
    pub mirror: bool,
    /// With `--mirror`: store each object as Stripe's API serves it now, fetched for every
    /// event with the secret key in `STRIPE_SECRET_KEY` (a thin event's related object too),
    /// instead of the event's copy: exact whatever the order events come in, at one API call
    /// per event.
    #[arg(long, requires = "mirror")]
    pub refetch: bool,
    /// With `--refetch`: at most this many API calls at once.
    #[arg(long, value_name = "N", default_value_t = 8, requires = "refetch")]
    pub refetch_concurrency: usize,
}

pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Sign {
            secret,
            timestamp,
            file,
        } => crate::sign::run(&secret, timestamp, file.as_ref()),
        Command::Verify {
            secrets,
            header,
            tolerance,
            now,
            file,
        } => crate::verify::run(&secrets, &header, tolerance, now, file.as_ref()),
        Command::Parse { file } => crate::parse::run(file.as_ref()),
        Command::Serve {
            addr,
            db,
            secrets,
            processing,
            workers,
            lease,
            mirror,
            validate,
            stripe_api,
        } => {
            let processing = match processing {
                ProcessingArg::Inline => Processing::Inline,
                ProcessingArg::Queue => Processing::Queue,
            };
            if workers.is_some() && processing == Processing::Inline {
                usage_error("--workers runs queue workers: it needs --processing queue");
            }
            if stripe_api.is_some() && !validate && !mirror.refetch {
                usage_error(
                    "--stripe-api is the API --validate and --refetch call: give one of them",
                );
            }
            Db::resolve(db.map(Into::into)).and_then(|db| {
                crate::receive::serve(crate::receive::Serve {
                    addr,
                    db,
                    secrets,
                    processing,
                    workers: workers.unwrap_or(ReceiverConfig::DEFAULT_WORKERS),
                    lease,
                    mirror,
                    validate,
                    stripe_api,
                })
                .map(|()| ExitCode::SUCCESS)
            })
        }
        Command::Worker {
            db,
            workers,
            lease,
            mirror,
            stripe_api,
        } => {
            if stripe_api.is_some() && !mirror.refetch {
                usage_error("--stripe-api is the API --refetch calls: give --refetch too");
            }
            Db::resolve(db.map(Into::into)).and_then(|db| {
                crate::receive::worker(&db, workers, lease, mirror, stripe_api.as_deref())
                    .map(|()| ExitCode::SUCCESS)
            })
        }
        Command::Trigger {
            event_type,
            url,
            secret,
            count,
            fixtures,
            overrides,
            thin,
        } => crate::trigger::run(
            &crate::trigger::Request {
                event_type: &event_type,
                url: &url,
                secret: &secret,
                count,
                overrides: &overrides,
                thin,
            },
            fixtures.as_deref(),
        ),
        Command::Events { command } => events(command),
        Command::Objects { command } => objects(command),
        Command::Demo { fixtures } => {
            crate::demo::demo(fixtures.as_deref()).map(|()| ExitCode::SUCCESS)
        }
    };
    result.unwrap_or_else(|e| {
        eprintln!("stripe-events: {e}");
        ExitCode::from(1)
    })
}

/// A `--lease` value: an age as `events prune` reads it (`90s`, `5m`, `1h`), not zero.
fn lease(text: &str) -> Result<Duration, String> {
    match stripe_events::manage::parse_age(text)? {
        Duration::ZERO => Err("a lease of zero would let every claim be taken over at once".into()),
        lease => Ok(lease),
    }
}
