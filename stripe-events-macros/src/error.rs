//! Compile errors at the offending tokens: `compile_error!` invocations whose tokens carry the
//! spans of the first and last token they are about, so the compiler underlines that range
//! (the way `syn::Error::new_spanned` does it, without `syn`).

use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};

/// One or more compile errors, reported in order.
#[derive(Debug)]
pub struct Error {
    messages: Vec<Message>,
}

#[derive(Debug)]
struct Message {
    start: Span,
    end: Span,
    text: String,
}

impl Error {
    /// An error at `span`.
    pub fn new(span: Span, text: impl Into<String>) -> Self {
        Self::range(span, span, text)
    }

    /// An error covering `tokens` (the call site when there are none).
    pub fn spanned(tokens: &[TokenTree], text: impl Into<String>) -> Self {
        match (tokens.first(), tokens.last()) {
            (Some(first), Some(last)) => Self::range(first.span(), last.span(), text),
            _ => Self::new(Span::call_site(), text),
        }
    }

    fn range(start: Span, end: Span, text: impl Into<String>) -> Self {
        Self {
            messages: vec![Message {
                start,
                end,
                text: text.into(),
            }],
        }
    }

    /// Adds `other`'s errors after these.
    pub fn combine(&mut self, other: Error) {
        self.messages.extend(other.messages);
    }

    /// `::core::compile_error! { "..." }` for each error: the path at the first token, the
    /// message at the last, so that the compiler reports the range between them.
    pub fn into_compile_error(self) -> TokenStream {
        self.messages
            .into_iter()
            .flat_map(|m| {
                let punct = |c: char, spacing: Spacing| {
                    let mut p = Punct::new(c, spacing);
                    p.set_span(m.start);
                    TokenTree::Punct(p)
                };
                let mut text = Literal::string(&m.text);
                text.set_span(m.end);
                let mut body = Group::new(Delimiter::Brace, TokenTree::Literal(text).into());
                body.set_span(m.end);
                [
                    punct(':', Spacing::Joint),
                    punct(':', Spacing::Alone),
                    TokenTree::Ident(Ident::new("core", m.start)),
                    punct(':', Spacing::Joint),
                    punct(':', Spacing::Alone),
                    TokenTree::Ident(Ident::new("compile_error", m.start)),
                    punct('!', Spacing::Alone),
                    TokenTree::Group(body),
                ]
            })
            .collect()
    }

    /// The messages, for tests.
    #[cfg(test)]
    pub fn texts(&self) -> Vec<&str> {
        self.messages.iter().map(|m| m.text.as_str()).collect()
    }
}

/// The result of the macro's checks.
pub type Result<T> = std::result::Result<T, Error>;

/// Combines a list of errors into one, if there are any.
pub fn combine_all(errors: Vec<Error>) -> Option<Error> {
    errors.into_iter().reduce(|mut a, b| {
        a.combine(b);
        a
    })
}
