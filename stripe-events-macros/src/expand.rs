//! The expansion: the function unchanged, plus, in an anonymous `const`, a `Handler` submitted
//! to the registry (`inventory`) and the glue that calls the function.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};

use crate::args::{self, Target};
use crate::error::{Error, Result};
use crate::signature::{self, Handler};

/// `#[webhook_handler(args)] item`.
pub fn webhook_handler(args: TokenStream, item: TokenStream) -> Result<TokenStream> {
    // Report argument and signature errors together.
    let target = args::parse(args);
    let handler = signature::check(item);
    let (target, handler) = match (target, handler) {
        (Ok(t), Ok(h)) => (t, h),
        (Err(mut a), Err(b)) => {
            a.combine(b);
            return Err(a);
        }
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    if matches!(target, Target::Thin { .. }) && handler.context {
        return Err(Error::new(
            handler.name.span(),
            "a #[webhook_handler] of a thin event takes no `&EventContext`: the notification \
             it takes is the whole envelope (id, created, context, related object)",
        ));
    }
    Ok(expand(&target, &handler))
}

fn expand(target: &Target, h: &Handler) -> TokenStream {
    let rt = quote!(::stripe_events::__private);
    let func = &h.func;
    let fn_name = &h.name;
    let fn_name_str = fn_name.to_string();
    let key = target.key();

    // The payload: looked up by the event's marker, or the whole event, or the raw view.
    let payload_ty = &h.payload;
    let mut group_check = quote!();
    let (fetch, payload_kind) = match target {
        Target::Event { variant, .. } => {
            let marker = format_ident!("{}", variant);
            // An event type whose group's feature is off: one error naming that feature.
            let message = group_off_message(key);
            group_check = quote! {
                const _: () = if !<#rt::events::#marker as #rt::EventKind>::TYPED {
                    ::core::panic!(#message)
                };
            };
            let kind = quote!(<#rt::events::#marker as #rt::EventKind>::Payload);
            let fetch = quote! {
                let payload = match <#rt::events::#marker as #rt::EventKind>::payload(&inv.event().data.object) {
                    ::core::option::Option::Some(p) => p,
                    ::core::option::Option::None => {
                        return ::core::result::Result::Err(::core::convert::From::from(
                            "stripe-events: handler called with an event of another type",
                        ));
                    }
                };
            };
            (fetch, kind)
        }
        Target::Thin { variant, .. } => {
            let marker = format_ident!("{}", variant);
            let fetch = quote! {
                let typed = match inv.typed_notification::<#rt::thin_events::#marker>() {
                    ::core::result::Result::Ok(n) => n,
                    ::core::result::Result::Err(e) => {
                        return ::core::result::Result::Err(::core::convert::From::from(e));
                    }
                };
                let payload = &typed;
            };
            (
                fetch,
                quote!(#rt::Notification<'_, #rt::thin_events::#marker>),
            )
        }
        Target::All => (
            quote!(let payload = inv.event();),
            quote!(::stripe_events::Event),
        ),
        Target::Raw => (
            quote!(let raw = inv.raw(); let payload = &raw;),
            quote!(::stripe_events::RawEvent<'_>),
        ),
    };
    // A payload parameter of the wrong type fails here, pointing at the parameter.
    let convert = quote_spanned! {h.payload_span=>
        let payload = <#payload_ty as #rt::PayloadParam<'_, #payload_kind>>::from_payload(payload);
    };
    let mut call_args = Vec::new();
    let mut setup = Vec::new();
    if let Some((state, span)) = &h.state {
        call_args.push(quote_spanned!(*span=> inv.state::<#state>()));
    }
    if h.context {
        setup.push(quote!(let ctx = inv.context();));
        call_args.push(quote!(&ctx));
    }
    call_args.push(quote!(payload));
    let state_req = match &h.state {
        Some((state, _)) => {
            quote!(::core::option::Option::Some(#rt::StateRequirement::of::<#state>()))
        }
        None => quote!(::core::option::Option::None),
    };
    let call_expr = if h.is_async {
        quote!(#fn_name(#(#call_args),*).await)
    } else {
        quote!(#fn_name(#(#call_args),*))
    };
    // A return type that is neither `()` nor `Result<(), E>` fails here, at the return type.
    let ret_ty = match &h.ret {
        None => quote!(()),
        Some(ty) => ty.clone(),
    };
    let result = quote_spanned! {h.ret_span=>
        <#ret_ty as #rt::IntoHandlerResult>::into_handler_result(#call_expr)
    };
    let (call_fn, call_variant) = if h.is_async {
        (
            quote! {
                fn call<'a>(inv: &'a #rt::Invocation<'a>) -> #rt::HandlerFuture<'a> {
                    ::std::boxed::Box::pin(async move {
                        #fetch
                        #convert
                        #(#setup)*
                        #result
                    })
                }
            },
            quote!(Async),
        )
    } else {
        (
            quote! {
                fn call(inv: &#rt::Invocation<'_>) -> ::core::result::Result<(), #rt::BoxError> {
                    #fetch
                    #convert
                    #(#setup)*
                    #result
                }
            },
            quote!(Sync),
        )
    };
    quote! {
        #func

        #group_check

        const _: () = {
            #rt::inventory::submit! {
                #rt::Handler {
                    event_type: #key,
                    name: ::core::concat!(::core::module_path!(), "::", #fn_name_str),
                    state: #state_req,
                    call: #rt::HandlerFn::#call_variant(call),
                }
            }
            #call_fn
        };
    }
}

/// The compile error for a handler of an event type whose payload types this build of
/// stripe-events leaves out: the feature that brings them.
fn group_off_message(event_type: &str) -> String {
    let group = event_type.split('.').next().unwrap_or(event_type);
    format!(
        "`{event_type}` has no payload types in this build of stripe-events: enable its \
         cargo feature `events-{}` (or `all-events`)",
        group.replace('_', "-")
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_group_message_names_the_feature() {
        assert!(
            super::group_off_message("payment_intent.succeeded")
                .contains("cargo feature `events-payment-intent` (or `all-events`)")
        );
    }
}
