//! The attribute's argument: one string literal, an event type, `"*"` or `"raw"`.

use proc_macro2::{Span, TokenStream, TokenTree};

use crate::error::{Error, Result};
use crate::known;
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
    /// Every event (`"*"`): the handler takes `&Event`.
    All,
    /// Events this build could not type (`"raw"`): the handler takes `&RawEvent`.
    Raw,
}

impl Target {
    /// The string the handler is registered under.
    pub fn key(&self) -> &str {
        match self {
            Target::Event { name, .. } => name,
            Target::All => "*",
            Target::Raw => "raw",
        }
    }
}

const USAGE: &str = "expected the event type as a string literal, e.g. #[webhook_handler(\"product.created\")], \
                     or \"*\" for every event, or \"raw\" for events that could not be typed";

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
        Some(variant) => Ok(Target::Event { name, variant }),
        None => {
            let hint = known::closest(&name)
                .map(|c| format!("; did you mean \"{c}\"?"))
                .unwrap_or_default();
            Err(Error::new(
                lit.span(),
                format!(
                    "unknown Stripe event type \"{name}\": the spec for API version {} has no such event{hint}",
                    known::API_VERSION
                ),
            ))
        }
    }
}
