//! What a thin event's fetches return, typed: `ThinEventData` (the `data` of the event fetched
//! from `/v2/core/events/{id}`, one variant per thin event type) and `RelatedResource` (the
//! related object fetched from its `url`, one variant per resource the thin spec describes).
//! Both keep what does not fit as raw JSON with the reason (`Untyped`), as `EventObject` does.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::ir::{ThinIr, Ty};

use super::Ctx;
use super::docs::doc;
use super::types::rust_type;

/// `ThinEventData`, `RelatedResource` and their parsers, for the `thin` module.
/// `variants` are the `ThinEventType` variants of `thin.events`, `resource_variants` the
/// `RelatedObjectType` variants of `thin.resources`.
pub fn emit_fetched(
    cx: &Ctx<'_>,
    thin: &ThinIr,
    variants: &[Ident],
    resource_variants: &[Ident],
) -> TokenStream {
    let data = emit_data(cx, thin, variants);
    let resource = emit_resource(cx, thin, resource_variants);
    quote! {
        #data
        #resource
    }
}

/// The enum of a fetched part: one boxed variant per entry of `typed`, then `Raw` and
/// `Untyped`, with `parse_typed` keyed by `key` (`ThinEventType` or `RelatedObjectType`).
struct Fetched<'a> {
    name: Ident,
    key: Ident,
    /// The accessor that gives the `key` of a typed variant.
    key_fn: Ident,
    doc: &'a str,
    raw_doc: &'a str,
    /// Variant, its doc, and the type it boxes.
    typed: Vec<(&'a Ident, String, TokenStream)>,
}

fn emit_data(cx: &Ctx<'_>, thin: &ThinIr, variants: &[Ident]) -> TokenStream {
    let typed = thin
        .events
        .iter()
        .zip(variants)
        .map(|(e, v)| {
            let ty = match &e.data {
                Some(ty) => rust_type(cx, cx.space, ty),
                None => quote!(::serde_json::Value),
            };
            let d = format!("The `data` of a fetched `{}` event.", e.def.event_type);
            (v, d, ty)
        })
        .collect();
    emit_enum(
        cx,
        &Fetched {
            name: super::ident("ThinEventData"),
            key: super::ident("ThinEventType"),
            key_fn: super::ident("event_type"),
            doc: "The `data` of a thin event as fetched from `/v2/core/events/{id}`, typed by the \
                  event's type: one variant per [`ThinEventType`] (named alike), plus \
                  [`ThinEventData::Raw`] for a type this build does not know and \
                  [`ThinEventData::Untyped`] for data that did not fit its type.",
            raw_doc: "The `data` of an event type this build does not know, as received (a number \
                      beyond `f64`'s range as a string of its text).",
            typed,
        },
    )
}

fn emit_resource(cx: &Ctx<'_>, thin: &ThinIr, resource_variants: &[Ident]) -> TokenStream {
    let typed = thin
        .resources
        .iter()
        .zip(&thin.resource_types)
        .zip(resource_variants)
        .filter_map(|((r, ty), v)| {
            let ty = ty.as_ref()?;
            let name = match ty {
                Ty::Named(id) => cx.space.item(*id).name.clone(),
                _ => return None,
            };
            let d = format!("A `{r}` ([`{name}`]).");
            Some((v, d, rust_type(cx, cx.space, ty)))
        })
        .collect();
    emit_enum(
        cx,
        &Fetched {
            name: super::ident("RelatedResource"),
            key: super::ident("RelatedObjectType"),
            key_fn: super::ident("resource_type"),
            doc: "A thin event's related object as fetched from its `url`, typed by its \
                  resource: one variant per [`RelatedObjectType`] (named alike) that the v2 spec \
                  describes, plus [`RelatedResource::Raw`] for the others (v1 resources such as \
                  `billing.meter`, which the v2 spec does not describe, and resources this build \
                  does not know) and [`RelatedResource::Untyped`] for an object that did not fit \
                  its type.",
            raw_doc: "An object of a resource this build has no type for, as received (a number \
                      beyond `f64`'s range as a string of its text).",
            typed,
        },
    )
}

fn emit_enum(cx: &Ctx<'_>, f: &Fetched<'_>) -> TokenStream {
    let rt = &cx.runtime;
    let Fetched {
        name,
        key,
        key_fn,
        typed,
        ..
    } = f;
    let defs = typed.iter().map(|(v, d, ty)| {
        let d = doc(d);
        quote!(#d #v(::std::boxed::Box<#ty>),)
    });
    let parse_arms: Vec<_> = typed
        .iter()
        .map(|(v, _, _)| quote!(#key::#v => Self::#v(#rt::json::boxed(p)?),))
        .collect();
    // One `Some` around a `match` whose other arms return `None` (as `EventObject`'s); plain
    // when nothing is typed, where that `match` would have no value.
    let parse_body = if parse_arms.is_empty() {
        quote! {
            let _ = (key, p);
            ::std::result::Result::Ok(::std::option::Option::None)
        }
    } else {
        quote! {
            ::std::result::Result::Ok(::std::option::Option::Some(match key {
                #(#parse_arms)*
                _ => return ::std::result::Result::Ok(::std::option::Option::None),
            }))
        }
    };
    let key_arms: Vec<_> = typed
        .iter()
        .map(|(v, _, _)| quote!(Self::#v(_) => #key::#v,))
        .collect();
    let key_body = if key_arms.is_empty() {
        quote!(match self {
            Self::Raw(_) | Self::Untyped(_) => ::std::option::Option::None,
        })
    } else {
        quote!(::std::option::Option::Some(match self {
            #(#key_arms)*
            Self::Raw(_) | Self::Untyped(_) => return ::std::option::Option::None,
        }))
    };
    let enum_doc = doc(f.doc);
    let raw_doc = doc(f.raw_doc);
    let key_fn_doc = format!(" The [`{key}`] of a typed variant (`None` for `Raw` and `Untyped`).");
    quote! {
        #enum_doc
        #[derive(Debug, Clone)]
        #[cfg_attr(feature = "serialize", derive(::serde::Serialize), serde(untagged))]
        #[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
        #[non_exhaustive]
        pub enum #name {
            #(#defs)*
            #raw_doc
            Raw(::std::boxed::Box<::serde_json::Value>),
            /// What did not fit its generated type, kept as raw JSON with the reason.
            Untyped(::std::boxed::Box<#rt::UntypedJson>),
        }

        impl #name {
            /// Parses the value for `key` into its typed variant; `None` when this build has no
            /// type for it.
            pub(crate) fn parse_typed(key: &#key, p: &mut #rt::json::Parser<'_>) -> ::std::result::Result<::std::option::Option<Self>, #rt::json::Error> {
                #parse_body
            }

            #[doc = #key_fn_doc]
            pub fn #key_fn(&self) -> ::std::option::Option<#key> {
                #key_body
            }
        }
    }
}
