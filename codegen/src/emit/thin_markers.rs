//! `thin::kind` and `thin::resource`: one marker type per thin event type and per related
//! object resource, so that a `#[webhook_handler]` of a thin event takes a notification typed
//! by its event type (`Notification<kind::V2CoreAccountCreated>`), whose related object is of
//! the resource that type names (through the runtime's `ThinEventKind` and `RelatedKind`).

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::discover::{RelatedObject, is_v2_resource};
use crate::ir::ThinIr;

use super::Ctx;
use super::docs::doc;

/// The two marker modules; `variants` are the `ThinEventType` variants (one per event, in
/// order), `resource_variants` the `RelatedObjectType` variants (one per resource).
pub fn emit_thin_markers(
    cx: &Ctx<'_>,
    thin: &ThinIr,
    variants: &[Ident],
    resource_variants: &[Ident],
) -> TokenStream {
    let rt = &cx.runtime;
    let resources = thin.resources.iter().zip(resource_variants).map(|(r, v)| {
        let api = if is_v2_resource(r) { "v2" } else { "v1" };
        let d = doc(&format!(
            "The resource `{r}` (a {api} resource), as the related object of thin events."
        ));
        quote! {
            #d
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            pub struct #v;
            impl #rt::RelatedKind for #v {
                const RESOURCE: ::std::option::Option<&'static str> =
                    ::std::option::Option::Some(#r);
            }
            impl #rt::Resource for #v {
                const TYPE: &'static str = #r;
                fn object_type() -> super::RelatedObjectType {
                    super::RelatedObjectType::#v
                }
            }
        }
    });
    let kinds = thin.events.iter().zip(variants).map(|(e, v)| {
        let t = &e.def.event_type;
        let resource = e
            .def
            .related_object
            .resource()
            .and_then(|r| thin.resources.iter().position(|x| x == r))
            .map(|i| &resource_variants[i]);
        let (related, what) = match resource {
            Some(r) => (
                quote!(super::resource::#r),
                format!("its related object is a [`{r}`](super::resource::{r})"),
            ),
            None if e.def.related_object == RelatedObject::None => (
                quote!(#rt::NoRelatedObject),
                "it has no related object".to_owned(),
            ),
            None => (
                quote!(#rt::NoRelatedObject),
                "the spec names no resource for its related object".to_owned(),
            ),
        };
        let d = doc(&format!(
            "Marker of the thin event type `{t}` ({what}): a handler of it takes \
             `&Notification<kind::{v}>`."
        ));
        quote! {
            #d
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            pub struct #v;
            impl #rt::ThinEventKind for #v {
                const TYPE: &'static str = #t;
                type Related = #related;
                fn event_type() -> super::ThinEventType {
                    super::ThinEventType::#v
                }
            }
        }
    });
    quote! {
        /// One marker type per thin event type: a `#[webhook_handler]` of a thin event takes
        /// `&Notification<kind::Variant>` (named like the [`ThinEventType`] variant).
        pub mod kind {
            #(#kinds)*
        }

        /// One marker type per resource a thin event's related object can be (named like the
        /// [`RelatedObjectType`] variant): what `Notification::related_object` is typed by.
        pub mod resource {
            #(#resources)*
        }
    }
}
