//! The `thin` module: thin event types (Stripe's v2 event notifications) and the typed `data`
//! of each one's fetched event. Emitted in a module of its own, so that the names of its
//! types, which come from another spec than the snapshot types', never clash with theirs.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::discover::{RelatedObject, is_v2_resource};
use crate::ir::{ThinEvent, ThinIr, Ty};

use super::events::type_enum::{TypeEnum, emit_type_enum};
use super::types::rust_type;
use super::{Ctx, ident, items};

/// `pub mod thin { ... }` for `thin`, whose `data` types live in `cx.space`.
pub fn emit_thin(cx: &Ctx<'_>, thin: &ThinIr) -> TokenStream {
    let variants: Vec<Ident> = thin.events.iter().map(|e| ident(&e.def.variant)).collect();
    let mut resource_names: Vec<String> = thin
        .resources
        .iter()
        .map(|r| crate::naming::type_name(r))
        .collect();
    crate::naming::dedupe_variants(&mut resource_names);
    let resource_variants: Vec<Ident> = resource_names.iter().map(|n| ident(n)).collect();
    let resource_of = |resource: &str| {
        let i = thin.resources.iter().position(|r| r == resource)?;
        Some(&resource_variants[i])
    };
    let event_type = emit_type_enum(
        cx,
        &TypeEnum {
            name: ident("ThinEventType"),
            doc: "Every thin event type the v2 spec defines (none when this build has no v2 \
                  spec), plus [`ThinEventType::Unknown`] for any other.",
            what: "thin event type",
            variants: &variants,
            strs: thin
                .events
                .iter()
                .map(|e| e.def.event_type.as_str())
                .collect(),
            variant_docs: thin
                .events
                .iter()
                .map(|e| variant_doc(cx, e, resource_of))
                .collect(),
        },
    );
    let related_arms = thin.events.iter().zip(&variants).map(|(e, v)| {
        match e.def.related_object.resource().and_then(resource_of) {
            Some(r) => quote!(Self::#v => ::std::option::Option::Some(RelatedObjectType::#r),),
            None => quote!(Self::#v => ::std::option::Option::None,),
        }
    });
    let has_related_arms = thin.events.iter().zip(&variants).map(|(e, v)| {
        let has = e.def.related_object != RelatedObject::None;
        quote!(Self::#v => #has,)
    });
    let resource_type = emit_type_enum(
        cx,
        &TypeEnum {
            name: ident("RelatedObjectType"),
            doc: "The resources the related objects of thin events are (their `related_object.type`), \
                  plus [`RelatedObjectType::Unknown`] for any other.",
            what: "resource",
            variants: &resource_variants,
            strs: thin.resources.iter().map(String::as_str).collect(),
            variant_docs: thin
                .resources
                .iter()
                .map(|r| {
                    let api = if is_v2_resource(r) { "v2" } else { "v1" };
                    format!("`{r}` (a {api} resource)")
                })
                .collect(),
        },
    );
    let v2_arms = thin.resources.iter().zip(&resource_variants).map(|(r, v)| {
        let v2 = is_v2_resource(r);
        quote!(Self::#v => #v2,)
    });
    let api_version = match &thin.api_version {
        Some(v) => quote!(::std::option::Option::Some(#v)),
        None => quote!(::std::option::Option::None),
    };
    let data_items = items(cx);
    let markers = super::thin_markers::emit_thin_markers(cx, thin, &variants, &resource_variants);
    let fetched = super::fetched::emit_fetched(cx, thin, &variants, &resource_variants);
    quote! {
        /// Thin events: Stripe's v2 event notifications (`"object": "v2.core.event"`), which
        /// carry a reference to the object they are about rather than a copy of it.
        ///
        /// [`ThinEventType`] lists the types of the v2 spec this build was generated from
        /// ([`API_VERSION`]), [`ThinEventType::related_object_type`] says which resource each
        /// type's related object is, and `<Variant>Data` is the typed `data` of each type's
        /// event as fetched from `/v2/core/events/{id}` ([`ThinEventData`], in a
        /// [`FetchedEvent`](crate::FetchedEvent)). [`RelatedResource`] is a related object as
        /// fetched from its `url`: typed for the v2 resources the spec describes, raw JSON for
        /// the others.
        pub mod thin {
            /// The API version of the spec the thin event types come from (`info.version` of
            /// the v2 spec), or `None` when this build has no thin event types.
            pub const API_VERSION: ::std::option::Option<&str> = #api_version;

            #event_type

            impl ThinEventType {
                /// The resource of this event type's related object; `None` for a type whose
                /// notifications carry none (or whose resource the spec does not name), and
                /// for [`ThinEventType::Unknown`].
                pub fn related_object_type(&self) -> ::std::option::Option<RelatedObjectType> {
                    match self {
                        #(#related_arms)*
                        Self::Unknown(_) => ::std::option::Option::None,
                    }
                }

                /// Whether notifications of this type carry a related object (`false` for
                /// [`ThinEventType::Unknown`], which may still have one).
                pub fn has_related_object(&self) -> bool {
                    match self {
                        #(#has_related_arms)*
                        Self::Unknown(_) => false,
                    }
                }
            }

            #resource_type

            impl RelatedObjectType {
                /// Whether this is a v2 resource (`v2.core.account`, fetched from `/v2/...`)
                /// rather than a v1 one (`billing.meter`). An unknown resource is v2 when its
                /// name starts with `v2.`.
                pub fn is_v2(&self) -> bool {
                    match self {
                        #(#v2_arms)*
                        Self::Unknown(other) => other.starts_with("v2."),
                    }
                }
            }

            #markers
            #fetched

            #(#data_items)*
        }
    }
}

/// The doc of a `ThinEventType` variant: the type, its related object and its data type.
fn variant_doc<'a>(
    cx: &Ctx<'_>,
    e: &ThinEvent,
    resource_of: impl Fn(&str) -> Option<&'a Ident>,
) -> String {
    let related = match &e.def.related_object {
        RelatedObject::None => "none".to_owned(),
        RelatedObject::Unnamed => "one whose resource the spec does not name".to_owned(),
        RelatedObject::Resource(r) => match resource_of(r) {
            Some(v) => format!("[`{r}`](RelatedObjectType::{v})"),
            None => format!("`{r}`"),
        },
    };
    let data = match &e.data {
        Some(Ty::Named(id)) => format!("[`{}`]", cx.space.item(*id).name),
        Some(ty) => format!("`{}`", rust_type(cx, cx.space, ty)),
        None => "none (the spec gives none)".to_owned(),
    };
    format!(
        "`{}`\n\nRelated object: {related}. Fetched event's `data`: {data}.",
        e.def.event_type
    )
}
