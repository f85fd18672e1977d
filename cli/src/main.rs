//! `stripe-events`: sign, verify and parse Stripe webhook deliveries from the command line.
//! Argument parsing and output only; the work is done by the `stripe-events` library.

mod commands;
mod demo;
mod events;
mod input;
mod logging;
mod objects;
mod parse;
mod receive;
mod secret;
mod sign;
mod store;
mod trigger;
mod verify;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    commands::run(commands::Cli::parse())
}
