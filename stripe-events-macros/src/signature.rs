//! The handler function: which of the accepted forms it has, or errors at the offending tokens.
//!
//! Accepted forms (the payload always comes last):
//!
//! * `fn(payload: &Payload)`
//! * `fn(ctx: &EventContext, payload: &Payload)`
//! * `fn(state: &S, payload: &Payload)`
//! * `fn(state: &S, ctx: &EventContext, payload: &Payload)`
//!
//! each plain or `async`, returning `()` or `Result<(), E>`.
//!
//! Only the function's head is read (attributes, visibility, qualifiers, name, generics,
//! parameters, return type); the body is passed through untouched, and anything the compiler
//! itself rejects is left for it to report.

use proc_macro2::{Delimiter, Ident, Span, TokenStream, TokenTree};

use crate::error::{Error, Result, combine_all};
use crate::tokens::{
    closes_angle, is_ident, is_punct, last_path_ident, referent, span_of, split_top_level,
};

const FORMS: &str = "a #[webhook_handler] takes the event's payload by reference as its last parameter (`&Product`), \
                     optionally preceded by `&EventContext`, and before that optionally your state `&S`";

const NOT_A_FUNCTION: &str = "#[webhook_handler] applies to a function";

/// A checked handler function.
pub struct Handler {
    /// The function, unchanged.
    pub func: TokenStream,
    /// Its name.
    pub name: Ident,
    /// `async fn`.
    pub is_async: bool,
    /// `S` of a `&S` state parameter, and where the parameter's type is.
    pub state: Option<(TokenStream, Span)>,
    /// Takes `&EventContext`.
    pub context: bool,
    /// The payload parameter's type (`&Product`).
    pub payload: TokenStream,
    /// Where the payload parameter's type is.
    pub payload_span: Span,
    /// The return type, if written (`-> T`).
    pub ret: Option<TokenStream>,
    /// Where the return type is (or the name, for `()`).
    pub ret_span: Span,
}

/// Parses `item` as a handler function, reporting every problem at once.
pub fn check(item: TokenStream) -> Result<Handler> {
    let tokens: Vec<TokenTree> = item.clone().into_iter().collect();
    let mut errors = Vec::new();
    let mut i = skip_attributes_and_visibility(&tokens);
    let head = i;
    let mut is_async = false;
    // Qualifiers before `fn`, in any order (the compiler checks the order).
    while let Some(tt) = tokens.get(i) {
        match tt {
            TokenTree::Ident(q) if q == "async" => is_async = true,
            TokenTree::Ident(q) if q == "const" || q == "unsafe" || q == "extern" => {
                errors.push(Error::new(
                    q.span(),
                    format!("a #[webhook_handler] cannot be `{q}`"),
                ));
            }
            // An ABI string after `extern`.
            TokenTree::Literal(_) if i > head && is_ident(&tokens[i - 1], "extern") => {}
            _ => break,
        }
        i += 1;
    }
    let name = match (tokens.get(i), tokens.get(i + 1)) {
        (Some(f), Some(TokenTree::Ident(name))) if is_ident(f, "fn") => name.clone(),
        _ => {
            let end = tokens.len().min(head + 2);
            return Err(Error::spanned(&tokens[head..end], NOT_A_FUNCTION));
        }
    };
    i += 2;
    // Generics: `<...>` up to the matching `>`.
    if tokens.get(i).is_some_and(|t| is_punct(t, '<')) {
        let end = matching_angle(&tokens, i);
        errors.push(Error::spanned(
            &tokens[i..end],
            "a #[webhook_handler] cannot be generic: it is called with one concrete payload type",
        ));
        i = end;
    }
    let params: Vec<TokenTree> = match tokens.get(i) {
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => {
            g.stream().into_iter().collect()
        }
        _ => return Err(Error::spanned(&tokens[head..i], NOT_A_FUNCTION)),
    };
    i += 1;
    // `-> T` up to a `where` clause or the body (the last token).
    let body = tokens.len().saturating_sub(1).max(i);
    let ret_end = (i..body)
        .find(|&j| is_ident(&tokens[j], "where"))
        .unwrap_or(body);
    let ret = (tokens.get(i).is_some_and(|t| is_punct(t, '-'))
        && tokens.get(i + 1).is_some_and(|t| is_punct(t, '>')))
    .then(|| &tokens[i + 2..ret_end]);
    if ret_end < body {
        errors.push(Error::spanned(
            &tokens[ret_end..body],
            "a #[webhook_handler] cannot be generic: it is called with one concrete payload type",
        ));
    }

    let mut types: Vec<&[TokenTree]> = Vec::new();
    let mut receiver = false;
    for param in split_top_level(&params, ',') {
        let param = skip_attributes(param);
        if is_receiver(param) {
            receiver = true;
            errors.push(Error::spanned(
                param,
                "a #[webhook_handler] is a free function, not a method: it cannot take `self`",
            ));
            continue;
        }
        let pattern = split_top_level(param, ':').first().map_or(0, |p| p.len());
        types.push(param.get(pattern + 1..).unwrap_or_default());
    }
    let mut state = None;
    let mut context = false;
    match types.len() {
        0 if !receiver => errors.push(Error::new(
            name.span(),
            format!("{FORMS}; this function takes no parameters"),
        )),
        0 | 1 => {}
        2 => {
            if is_event_context(types[0]) {
                context = true;
            } else {
                state = state_type(types[0], &mut errors);
            }
        }
        3 => {
            state = state_type(types[0], &mut errors);
            if is_event_context(types[1]) {
                context = true;
            } else {
                errors.push(Error::spanned(
                    types[1],
                    "with three parameters the second must be `&EventContext` (state, context, payload)",
                ));
            }
        }
        n => errors.push(Error::spanned(
            &params,
            format!("{FORMS}; this function takes {n} parameters (at most 3)"),
        )),
    }
    let payload = types.last().copied();
    if let Some(p) = payload.filter(|p| is_event_context(p)) {
        errors.push(Error::spanned(
            p,
            "the last parameter must be the payload, not `&EventContext`",
        ));
    } else if let Some(p) = payload.filter(|p| !p.is_empty()) {
        match referent(p) {
            Some((_, false)) => {}
            Some((elem, true)) => errors.push(Error::spanned(
                p,
                format!(
                    "take the payload by shared reference, `&{}`: handlers borrow the event's \
                     payload, they cannot change it",
                    tokens_text(elem)
                ),
            )),
            None => errors.push(Error::spanned(
                p,
                format!(
                    "take the payload by reference, `&{}`: handlers borrow the event's payload \
                     (the dispatcher keeps it for the other handlers)",
                    tokens_text(p)
                ),
            )),
        }
    }
    if let Some(error) = combine_all(errors) {
        return Err(error);
    }
    let payload = payload.expect("checked: at least one parameter");
    Ok(Handler {
        func: item,
        is_async,
        state,
        context,
        payload: payload.iter().cloned().collect(),
        payload_span: span_of(payload),
        ret: ret.map(|r| r.iter().cloned().collect()),
        ret_span: ret.map_or_else(|| name.span(), span_of),
        name,
    })
}

/// The index after outer attributes (`#[...]`) and a visibility (`pub`, `pub(crate)`).
fn skip_attributes_and_visibility(tokens: &[TokenTree]) -> usize {
    let mut i = tokens.len() - skip_attributes(tokens).len();
    if tokens.get(i).is_some_and(|t| is_ident(t, "pub")) {
        i += 1;
        if matches!(tokens.get(i), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis)
        {
            i += 1;
        }
    }
    i
}

/// `tokens` without the outer attributes they start with.
fn skip_attributes(mut tokens: &[TokenTree]) -> &[TokenTree] {
    while let [hash, TokenTree::Group(g), rest @ ..] = tokens {
        if !is_punct(hash, '#') || g.delimiter() != Delimiter::Bracket {
            break;
        }
        tokens = rest;
    }
    tokens
}

/// The index after the `>` that closes the `<` at `open` (the end, if none does).
fn matching_angle(tokens: &[TokenTree], open: usize) -> usize {
    let mut depth = 0usize;
    for (j, tt) in tokens.iter().enumerate().skip(open) {
        if is_punct(tt, '<') {
            depth += 1;
        } else if closes_angle(tokens, j) {
            depth -= 1;
            if depth == 0 {
                return j + 1;
            }
        }
    }
    tokens.len()
}

/// `self`, `mut self`, `&self`, `&'a mut self`, `self: Box<Self>`.
fn is_receiver(param: &[TokenTree]) -> bool {
    let param = referent(param).map_or(param, |(elem, _)| elem);
    let param = match param.split_first() {
        Some((m, rest)) if is_ident(m, "mut") => rest,
        _ => param,
    };
    param.first().is_some_and(|t| is_ident(t, "self"))
}

/// `S` of `&S` and where `&S` is, or an error at the type.
fn state_type(ty: &[TokenTree], errors: &mut Vec<Error>) -> Option<(TokenStream, Span)> {
    match referent(ty) {
        Some((elem, false)) => Some((elem.iter().cloned().collect(), span_of(ty))),
        _ => {
            errors.push(Error::spanned(
                ty,
                "the state parameter must be a shared reference `&S` (register the value with `Dispatcher::with_state`)",
            ));
            None
        }
    }
}

/// Tokens as a user wrote them, for a message: `Vec<u8>`, `stripe_events::Product`.
fn tokens_text(tokens: &[TokenTree]) -> String {
    let text = tokens.iter().cloned().collect::<TokenStream>().to_string();
    // `TokenStream`'s spacing: join what it separates inside paths and generics.
    text.replace(" :: ", "::")
        .replace(":: ", "::")
        .replace(" <", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
}

/// `&EventContext` (any path ending in `EventContext`, any lifetime).
fn is_event_context(ty: &[TokenTree]) -> bool {
    referent(ty).is_some_and(|(elem, _)| last_path_ident(elem).as_deref() == Some("EventContext"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_src(src: &str) -> Result<Handler> {
        check(src.parse().unwrap())
    }

    fn errors(src: &str) -> Vec<String> {
        match check_src(src) {
            Ok(_) => Vec::new(),
            Err(e) => e.texts().into_iter().map(str::to_owned).collect(),
        }
    }

    #[test]
    fn accepted_forms() {
        let h = check_src("#[doc = \"x\"] pub(crate) async fn f(_db: &'static Db, ctx: &se::EventContext<'_>, mut p: &Product) -> Result<(), E> { body() }").unwrap();
        assert_eq!(h.name, "f");
        assert!(h.is_async && h.context);
        assert_eq!(h.state.unwrap().0.to_string(), "Db");
        assert_eq!(h.payload.to_string(), "& Product");
        assert_eq!(h.ret.unwrap().to_string(), "Result < () , E >");
        let h = check_src("fn g(p: &Product) {}").unwrap();
        assert!(!h.is_async && !h.context && h.state.is_none() && h.ret.is_none());
        let h = check_src("fn g(ctx: &EventContext, (a, b): &(u8, u8),) {}").unwrap();
        assert!(h.context);
        assert_eq!(h.payload.to_string(), "& (u8 , u8)");
    }

    #[test]
    fn rejected_forms_say_why() {
        assert_eq!(errors("struct S;"), [NOT_A_FUNCTION]);
        assert_eq!(errors("fn f<T>(p: &T) {}").len(), 1);
        assert!(errors("fn f(p: &T) where T: Copy {}")[0].contains("cannot be generic"));
        assert_eq!(
            errors("const unsafe extern \"C\" fn f(p: &P) {}"),
            [
                "a #[webhook_handler] cannot be `const`",
                "a #[webhook_handler] cannot be `unsafe`",
                "a #[webhook_handler] cannot be `extern`"
            ]
        );
        assert_eq!(
            errors("fn f(&mut self, p: &P) {}"),
            ["a #[webhook_handler] is a free function, not a method: it cannot take `self`"]
        );
        assert!(errors("fn f(self) {}")[0].contains("cannot take `self`"));
        assert!(errors("fn f() {}")[0].ends_with("this function takes no parameters"));
        assert!(errors("fn f(a: &A, b: &B, c: &C, d: &D) {}")[0].ends_with("(at most 3)"));
        assert!(errors("fn f(db: Db, p: &P) {}")[0].starts_with("the state parameter"));
        assert!(errors("fn f(db: &mut Db, p: &P) {}")[0].starts_with("the state parameter"));
        assert!(errors("fn f(a: &A, b: &B, p: &P) {}")[0].starts_with("with three parameters"));
        assert!(errors("fn f(c: &EventContext) {}")[0].contains("not `&EventContext`"));
    }
}
