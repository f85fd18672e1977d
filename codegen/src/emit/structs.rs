//! Structs and their `FromJson` impls.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Field, Item, Ty, TypeSpace};

use super::docs::{described, doc};
use super::types::rust_type;
use super::{Ctx, derives, ident};

/// A struct item and its parser.
pub fn emit_struct(
    cx: &Ctx<'_>,
    space: &TypeSpace,
    item: &Item,
    fields: &[Field],
    object_tag: Option<&str>,
) -> TokenStream {
    let rt = &cx.runtime;
    let name = ident(&item.name);
    let item_doc = struct_doc(item);
    let tag_attr = object_tag.map(|tag| {
        quote! {
            #[cfg_attr(feature = "serialize", serde(tag = "object", rename = #tag))]
            #[cfg_attr(feature = "schemars", schemars(transform = #rt::schema::ObjectTag(#tag)))]
        }
    });
    let derive = derives(false);

    // A field the spec does not describe gets no doc comment (rather than its own name
    // again); the struct then allows that.
    let allow_undocumented = fields
        .iter()
        .any(|f| described(f.doc.as_deref()).is_none())
        .then(|| quote!(#[allow(missing_docs)]));
    let defs = fields.iter().map(|f| {
        let fident = ident(&f.ident);
        let ty = rust_type(cx, space, &f.ty);
        let fdoc = described(f.doc.as_deref()).map(doc);
        let json = &f.json_name;
        let rename = (f.ident != f.json_name)
            .then(|| quote!(#[cfg_attr(feature = "serialize", serde(rename = #json))]));
        quote! { #fdoc #rename pub #fident: #ty, }
    });

    let parser = parser_body(cx, space, &name, fields, object_tag);
    // A Stripe object (its `object` member a constant): the runtime's mirror reads it back
    // typed by that value (`Mirror::get_typed::<Product>`).
    let object_impl = object_tag.map(|tag| {
        quote! {
            impl #rt::StripeObject for #name {
                const OBJECT: &'static str = #tag;
            }
        }
    });
    let field_consts = field_consts(cx, space, &name, fields, object_tag);
    quote! {
        #item_doc
        #derive
        #tag_attr
        #allow_undocumented
        pub struct #name {
            #(#defs)*
        }

        #parser
        #object_impl
        #field_consts
    }
}

/// One associated constant per field, named after it in upper case (`Subscription::STATUS`):
/// a `Field<Self, T>` holding the JSON key, which `PreviousAttributes::get` reads an
/// `*.updated` event's previous value of that field with (`T` without the field's `Option`,
/// as a previous `null` is `Previous::Null`, and without the `Box` of a recursive type). Constants only, no function per field: this is
/// what typed `previous_attributes` cost the generated code (BENCHMARKS.md). A tagged struct's
/// `object` member gets none, so that `Product::OBJECT` stays the `StripeObject` constant.
fn field_consts(
    cx: &Ctx<'_>,
    space: &TypeSpace,
    name: &proc_macro2::Ident,
    fields: &[Field],
    object_tag: Option<&str>,
) -> TokenStream {
    let rt = &cx.runtime;
    let consts: Vec<TokenStream> = fields
        .iter()
        .filter(|f| !(object_tag.is_some() && f.json_name == "object"))
        .map(|f| {
            let name = ident(&f.ident.trim_start_matches("r#").to_uppercase());
            // Without the field's `Option` and the `Box` of a recursive type: the previous
            // value is returned by value, and `nested` reads the struct's own fields.
            let ty = match &f.ty {
                Ty::Option(inner) => inner,
                ty => ty,
            };
            let ty = match ty {
                Ty::Boxed(inner) => rust_type(cx, space, inner),
                ty => rust_type(cx, space, ty),
            };
            let key = &f.json_name;
            let doc = format!(" The field `{key}`, for `PreviousAttributes::get`.");
            quote! {
                #[doc = #doc]
                pub const #name: #rt::Field<Self, #ty> = #rt::Field::new(#key);
            }
        })
        .collect();
    if consts.is_empty() {
        return TokenStream::new();
    }
    quote! {
        impl #name {
            #(#consts)*
        }
    }
}

/// A struct's doc: the spec's description, then its schema name for a component schema;
/// without a description, the schema name alone, or what the struct is ([`Item::origin`]).
fn struct_doc(item: &Item) -> TokenStream {
    let schema = item.schema.as_ref().map(|s| format!("Schema: `{s}`."));
    match (described(item.doc.as_deref()), schema) {
        (Some(text), Some(schema)) => {
            let (text, schema) = (doc(text), doc(&format!("\n{schema}")));
            quote!(#text #schema)
        }
        (Some(text), None) => doc(text),
        (None, Some(schema)) => doc(&schema),
        (None, None) => doc(item
            .origin
            .as_deref()
            .unwrap_or("A part of an event payload (the spec gives no description).")),
    }
}

/// A struct's `FromJson` impl. A struct is parsed where it ends up (`from_json_in`: into its
/// `Box`, its `Vec`'s buffer or its field in a bigger struct) by the runtime's one table-driven
/// loop ([`struct_from_json!`], which writes the impl): this emits the table, in key order, and
/// no parser of its own, which is what keeps the crate quick to compile.
///
/// [`struct_from_json!`]: https://docs.rs/stripe-events/latest/stripe_events/json/macro.struct_from_json.html
fn parser_body(
    cx: &Ctx<'_>,
    space: &TypeSpace,
    name: &proc_macro2::Ident,
    fields: &[Field],
    object_tag: Option<&str>,
) -> TokenStream {
    let rt = &cx.runtime;
    if fields.is_empty() {
        return quote! {
            impl #rt::json::FromJson for #name {
                fn from_json(p: &mut #rt::json::Parser<'_>) -> ::std::result::Result<Self, #rt::json::Error> {
                    p.skip_value()?;
                    ::std::result::Result::Ok(Self {})
                }
            }
        };
    }
    // Keys sorted, as the runtime's lookup wants them. The constant `object` member of a
    // tagged struct is listed too, with its value: every object has one, a listed key is
    // recognised in place, and the runtime checks the value (a product is not a customer).
    let mut sorted: Vec<(&str, Option<&Field>)> = fields
        .iter()
        .map(|f| (f.json_name.as_str(), Some(f)))
        .collect();
    if object_tag.is_some() && !fields.iter().any(|f| f.json_name == "object") {
        sorted.push(("object", None));
    }
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    // Keys are recognised by their bytes in the input, which is only right for keys with
    // nothing to escape. Property names in Stripe's specs are identifiers; anything else stops
    // the build with the reason rather than parsing wrongly.
    if let Some((key, _)) = sorted.iter().find(|(k, _)| k.contains(['"', '\\'])) {
        let message = format!(
            "stripe-events-codegen: property name {key:?} contains a quote or a backslash, \
             which the generated parsers cannot match in place"
        );
        return quote! {
            ::std::compile_error!(#message);
        };
    }
    let entries = sorted.iter().map(|(key, f)| {
        let Some(f) = f else {
            return match object_tag {
                Some(tag) => quote!(#key => tag = #tag),
                None => quote!(#key => skipped),
            };
        };
        let fident = ident(&f.ident);
        match &f.ty {
            Ty::Option(inner) if is_optional(f) => {
                let ty = rust_type(cx, space, inner);
                quote!(#key => optional #fident: #ty)
            }
            ty => {
                let ty = rust_type(cx, space, ty);
                quote!(#key => required #fident: #ty)
            }
        }
    });
    quote! {
        #rt::json::struct_from_json!(#name { #(#entries),* });
    }
}

/// A field that reads as `None` when absent or `null`.
fn is_optional(f: &Field) -> bool {
    !f.required && matches!(f.ty, Ty::Option(_))
}
