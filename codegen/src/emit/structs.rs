//! Structs and their `FromJson` impls.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Field, Item, Ty, TypeSpace};

use super::docs::{doc, doc_or};
use super::types::rust_type;
use super::{Ctx, derives, ident};

/// A struct item and its parser.
pub fn emit_struct(
    cx: &Ctx<'_>,
    space: &TypeSpace,
    item: &Item,
    fields: &[Field],
    object_tag: Option<&str>,
    placed: bool,
) -> TokenStream {
    let rt = &cx.runtime;
    let name = ident(&item.name);
    let fallback = match &item.schema {
        Some(s) => format!("The `{s}` object (the spec gives no description)."),
        None => format!("Part of `{}` (the spec gives no description).", item.name),
    };
    let item_doc = doc_or(item.doc.as_deref(), &fallback);
    let schema_doc = item
        .schema
        .as_ref()
        .map(|s| doc(&format!("\nSchema: `{s}`.")));
    let tag_attr = object_tag.map(|tag| {
        quote! {
            #[cfg_attr(feature = "serialize", serde(tag = "object", rename = #tag))]
            #[cfg_attr(feature = "schemars", schemars(transform = #rt::schema::ObjectTag(#tag)))]
        }
    });
    let derive = derives(false);

    let defs = fields.iter().map(|f| {
        let fident = ident(&f.ident);
        let ty = rust_type(cx, space, &f.ty);
        let fdoc = doc_or(f.doc.as_deref(), &format!("`{}`", f.json_name));
        let json = &f.json_name;
        let rename = (f.ident != f.json_name)
            .then(|| quote!(#[cfg_attr(feature = "serialize", serde(rename = #json))]));
        quote! { #fdoc #rename pub #fident: #ty, }
    });

    let parser = parser_body(cx, space, fields, object_tag.is_some(), placed);
    // A struct that lives behind a pointer is parsed where it ends up (`from_json_in`, into
    // the `Box` or the `Vec`'s buffer), which saves moving it there; the others are parsed by
    // value into their field, with less code to compile.
    let (from_json_body, from_json_in) = if placed {
        let from_json_in = quote! {
            fn from_json_in<'o>(
                p: &mut #rt::json::Parser<'_>,
                out: &'o mut ::std::mem::MaybeUninit<Self>,
            ) -> ::std::result::Result<&'o mut Self, #rt::json::Error> {
                #parser
            }
        };
        (quote!(#rt::json::in_place(p)), Some(from_json_in))
    } else {
        (parser, None)
    };

    quote! {
        #item_doc
        #schema_doc
        #derive
        #tag_attr
        pub struct #name {
            #(#defs)*
        }

        impl #rt::json::FromJson for #name {
            fn from_json(p: &mut #rt::json::Parser<'_>) -> ::std::result::Result<Self, #rt::json::Error> {
                #from_json_body
            }
            #from_json_in
        }
    }
}

/// The body of a struct's `from_json`, or of its `from_json_in` when it is `placed`. Shaped
/// for compile time as much as for speed (this is most of the code the compiler sees): a
/// member's key becomes an index with one call ([`Parser::next_field`]), every member's value
/// is parsed by a call returning `Result<(), Error>` so that `?` is applied once per member,
/// not once per field type, and the required fields are checked once, after the object.
///
/// [`Parser::next_field`]: https://docs.rs/stripe-events/latest/stripe_events/json/struct.Parser.html#method.next_field
fn parser_body(
    cx: &Ctx<'_>,
    space: &TypeSpace,
    fields: &[Field],
    tagged: bool,
    placed: bool,
) -> TokenStream {
    let rt = &cx.runtime;
    // The finished struct: written into `out` by `from_json_in`, returned by `from_json`.
    let done = |value: TokenStream| {
        if placed {
            quote!(::std::result::Result::Ok(out.write(#value)))
        } else {
            quote!(::std::result::Result::Ok(#value))
        }
    };
    if fields.is_empty() {
        let done = done(quote!(Self {}));
        return quote! {
            p.skip_value()?;
            #done
        };
    }
    // Keys sorted, as `next_field` wants them; the arms are numbered in that order. The
    // constant `object` member of a tagged struct is listed too (and skipped): every object
    // has one, and a listed key is recognised in place.
    let mut sorted: Vec<(&str, Option<&Field>)> = fields
        .iter()
        .map(|f| (f.json_name.as_str(), Some(f)))
        .collect();
    if tagged && !fields.iter().any(|f| f.json_name == "object") {
        sorted.push(("object", None));
    }
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    // `next_field` recognises keys by their bytes in the input, which is only right for keys
    // with nothing to escape. Property names in Stripe's specs are identifiers; anything else
    // stops the build with the reason rather than parsing wrongly.
    if let Some((key, _)) = sorted.iter().find(|(k, _)| k.contains(['"', '\\'])) {
        let message = format!(
            "stripe-events-codegen: property name {key:?} contains a quote or a backslash, \
             which the generated parsers cannot match in place"
        );
        return quote!(::std::compile_error!(#message));
    }
    let keys = sorted.iter().map(|(k, _)| k);

    let locals = fields.iter().map(|f| {
        let local = local_ident(f);
        let slot = slot_type(cx, space, f);
        quote!(let mut #local: ::std::option::Option<#slot> = ::std::option::Option::None;)
    });
    let arms = sorted.iter().enumerate().map(|(i, (_, f))| {
        let Some(f) = f else {
            return quote!(#i => p.skip_value(),);
        };
        let local = local_ident(f);
        let json = &f.json_name;
        let put = if is_optional(f) {
            quote!(put_opt)
        } else {
            quote!(put)
        };
        quote!(#i => #rt::json::#put(p, &mut #local, #json),)
    });
    // Required fields: a missing one is an error (`let ... else`, in declaration order).
    let required = fields.iter().filter(|f| !is_optional(f)).map(|f| {
        let local = local_ident(f);
        let json = &f.json_name;
        quote! {
            let ::std::option::Option::Some(#local) = #local else {
                return ::std::result::Result::Err(#rt::json::missing_field(#json, p));
            };
        }
    });
    let inits = fields.iter().map(|f| {
        let fident = ident(&f.ident);
        let local = local_ident(f);
        quote!(#fident: #local)
    });
    let done = done(quote!(Self { #(#inits),* }));
    let finish = quote! {
        #(#required)*
        #done
    };
    quote! {
        const KEYS: &[&str] = &[#(#keys),*];
        #(#locals)*
        p.begin_object()?;
        let mut hint = 0;
        loop {
            match p.next_field(KEYS, &mut hint)? {
                #(#arms)*
                _ => break,
            }?;
        }
        #finish
    }
}

/// A field that reads as `None` when absent or `null`.
fn is_optional(f: &Field) -> bool {
    !f.required && matches!(f.ty, Ty::Option(_))
}

/// What a field's local holds while its object is parsed (the local is an `Option` of it).
fn slot_type(cx: &Ctx<'_>, space: &TypeSpace, f: &Field) -> TokenStream {
    match &f.ty {
        Ty::Option(inner) if is_optional(f) => rust_type(cx, space, inner),
        ty => rust_type(cx, space, ty),
    }
}

fn local_ident(f: &Field) -> proc_macro2::Ident {
    ident(&format!("f_{}", f.ident.trim_end_matches('_')))
}
