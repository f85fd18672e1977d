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

use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;
use syn::{FnArg, Item, ItemFn, ReturnType, Type};

const FORMS: &str = "a #[webhook_handler] takes the event's payload by reference as its last parameter (`&Product`), \
                     optionally preceded by `&EventContext`, and before that optionally your state `&S`";

/// A checked handler function.
pub struct Handler {
    /// The function, unchanged.
    pub func: ItemFn,
    /// `async fn`.
    pub is_async: bool,
    /// `S` of a `&S` state parameter.
    pub state: Option<Type>,
    /// Takes `&EventContext`.
    pub context: bool,
    /// The payload parameter's type (`&Product`).
    pub payload: Type,
    /// Where the return type is (or the signature, for `()`).
    pub ret_span: Span,
}

/// Parses `item` as a handler function, reporting every problem at once.
pub fn check(item: TokenStream) -> syn::Result<Handler> {
    let func = match syn::parse2::<Item>(item.clone()) {
        Ok(Item::Fn(f)) => f,
        Ok(other) => {
            return Err(syn::Error::new_spanned(
                item_head(&other),
                "#[webhook_handler] applies to a function",
            ));
        }
        Err(_) => {
            return Err(syn::Error::new_spanned(
                item,
                "#[webhook_handler] applies to a function",
            ));
        }
    };
    let sig = &func.sig;
    let mut errors: Vec<syn::Error> = Vec::new();
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        errors.push(syn::Error::new_spanned(
            &sig.generics,
            "a #[webhook_handler] cannot be generic: it is called with one concrete payload type",
        ));
    }
    for (token, what) in [
        (sig.constness.map(|t| t.span), "const"),
        (
            match sig.safety {
                syn::Safety::Unsafe(t) => Some(t.span),
                _ => None,
            },
            "unsafe",
        ),
        (sig.abi.as_ref().map(|a| a.extern_token.span), "extern"),
    ] {
        if let Some(span) = token {
            errors.push(syn::Error::new(
                span,
                format!("a #[webhook_handler] cannot be `{what}`"),
            ));
        }
    }
    if let Some(variadic) = &sig.variadic {
        errors.push(syn::Error::new_spanned(
            variadic,
            "a #[webhook_handler] cannot be variadic",
        ));
    }
    let mut types = Vec::new();
    for input in &sig.inputs {
        match input {
            FnArg::Receiver(r) => errors.push(syn::Error::new_spanned(
                r,
                "a #[webhook_handler] is a free function, not a method: it cannot take `self`",
            )),
            FnArg::Typed(t) => types.push((*t.ty).clone()),
        }
    }
    let mut state = None;
    let mut context = false;
    let payload = types.last().cloned();
    match types.len() {
        0 if sig.receiver().is_none() => errors.push(syn::Error::new_spanned(
            &sig.ident,
            format!("{FORMS}; this function takes no parameters"),
        )),
        0 | 1 => {}
        2 => {
            if is_event_context(&types[0]) {
                context = true;
            } else {
                state = Some(state_type(&types[0], &mut errors));
            }
        }
        3 => {
            state = Some(state_type(&types[0], &mut errors));
            if is_event_context(&types[1]) {
                context = true;
            } else {
                errors.push(syn::Error::new_spanned(
                    &types[1],
                    "with three parameters the second must be `&EventContext` (state, context, payload)",
                ));
            }
        }
        n => errors.push(syn::Error::new_spanned(
            &sig.inputs,
            format!("{FORMS}; this function takes {n} parameters (at most 3)"),
        )),
    }
    if let Some(p) = &payload {
        if is_event_context(p) {
            errors.push(syn::Error::new_spanned(
                p,
                "the last parameter must be the payload, not `&EventContext`",
            ));
        }
    }
    if let Some(first) = errors.into_iter().reduce(|mut a, b| {
        a.combine(b);
        a
    }) {
        return Err(first);
    }
    let ret_span = match &sig.output {
        ReturnType::Default => sig.ident.span(),
        ReturnType::Type(_, ty) => ty.span(),
    };
    Ok(Handler {
        is_async: sig.asyncness.is_some(),
        state: state.flatten(),
        context,
        payload: payload.expect("checked: at least one parameter"),
        ret_span,
        func,
    })
}

/// `T` of `&T`, or an error at the type.
fn state_type(ty: &Type, errors: &mut Vec<syn::Error>) -> Option<Type> {
    match ty {
        Type::Reference(r) if r.mutability.is_none() => Some((*r.elem).clone()),
        _ => {
            errors.push(syn::Error::new_spanned(
                ty,
                "the state parameter must be a shared reference `&S` (register the value with `Dispatcher::with_state`)",
            ));
            None
        }
    }
}

/// `&EventContext` (any path ending in `EventContext`, any lifetime).
fn is_event_context(ty: &Type) -> bool {
    let Type::Reference(r) = ty else { return false };
    let Type::Path(p) = &*r.elem else {
        return false;
    };
    p.path
        .segments
        .last()
        .is_some_and(|s| s.ident == "EventContext")
}

/// The first tokens of an item, to point an error at (`struct Foo`, not its whole body).
fn item_head(item: &Item) -> TokenStream {
    use quote::ToTokens;
    let tokens = item.to_token_stream();
    tokens.into_iter().take(2).collect()
}
