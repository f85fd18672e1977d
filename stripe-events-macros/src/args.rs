//! The attribute's argument: one string literal, an event type, `"*"` or `"raw"`.

use proc_macro2::{Span, TokenStream, TokenTree};

use crate::error::{Error, Result};
use crate::known::{self, Kind};
use crate::tokens::string_value;

/// What a handler is registered for.
pub enum Target {
    /// One event type, by its `EventObject` variant.
    Event {
        /// The type string.
        name: String,
        /// The variant / marker name.
        variant: &'static str,
    },
    /// One thin event type, by its `ThinEventType` variant: the handler takes
    /// `&Notification<thin::kind::Variant>` (or `&EventNotification`).
    Thin {
        /// The type string.
        name: String,
        /// The variant / marker name.
        variant: &'static str,
    },
    /// Every snapshot event (`"*"`): the handler takes `&Event`.
    All,
    /// Snapshot events this build could not type (`"raw"`): the handler takes `&RawEvent`.
    Raw,
}

impl Target {
    /// The string the handler is registered under.
    pub fn key(&self) -> &str {
        match self {
            Target::Event { name, .. } | Target::Thin { name, .. } => name,
            Target::All => "*",
            Target::Raw => "raw",
        }
    }
}

const USAGE: &str = "expected the event type as a string literal, e.g. #[webhook_handler(\"product.created\")] \
                     or a thin one, #[webhook_handler(\"v2.core.event_destination.ping\")], \
                     or \"*\" for every snapshot event, or \"raw\" for snapshot events that could not be typed";

/// Parses and checks the argument tokens.
pub fn parse(args: TokenStream) -> Result<Target> {
    let tokens: Vec<TokenTree> = args.into_iter().collect();
    let (lit, name) = match tokens.as_slice() {
        [] => return Err(Error::new(Span::call_site(), USAGE)),
        [TokenTree::Literal(lit)] => match string_value(lit) {
            Some(name) => (lit, name),
            None => return Err(Error::new(lit.span(), USAGE)),
        },
        [first, ..] => return Err(Error::new(first.span(), USAGE)),
    };
    match name.as_str() {
        "*" => return Ok(Target::All),
        "raw" => return Ok(Target::Raw),
        _ => {}
    }
    match known::variant(&name) {
        Some((Kind::Snapshot, variant)) => Ok(Target::Event { name, variant }),
        Some((Kind::Thin, variant)) => Ok(Target::Thin { name, variant }),
        None => Err(Error::new(lit.span(), unknown_message(&name))),
    }
}

/// The error for an event type neither spec defines, with the closest known one.
fn unknown_message(name: &str) -> String {
    let closest = known::closest(name);
    let hint = closest
        .map(|(_, c)| format!("; did you mean \"{c}\"?"))
        .unwrap_or_default();
    let thin = known::looks_thin(name) || matches!(closest, Some((Kind::Thin, _)));
    match (thin, known::THIN_API_VERSION) {
        (true, Some(v2)) => format!(
            "unknown Stripe thin event type \"{name}\": the v2 spec for API version {v2} has no such event{hint}"
        ),
        (true, None) => format!(
            "unknown Stripe thin event type \"{name}\": this build has no v2 spec, so no thin event types \
             (pin one in spec/stripe-api.toml, or set STRIPE_OPENAPI_SPEC_V2){hint}"
        ),
        (false, _) => format!(
            "unknown Stripe event type \"{name}\": the spec for API version {} has no such event{hint}",
            known::API_VERSION
        ),
    }
}
