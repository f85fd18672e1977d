//! Structs and their `FromJson` impls.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Field, Item, TypeSpace};

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

    let locals = fields.iter().map(|f| {
        let local = local_ident(f);
        let ty = rust_type(cx, space, &f.ty);
        if f.required {
            quote!(let mut #local: ::std::option::Option<#ty> = ::std::option::Option::None;)
        } else {
            quote!(let mut #local: #ty = ::std::option::Option::None;)
        }
    });
    let arms = fields.iter().map(|f| {
        let local = local_ident(f);
        let json = &f.json_name;
        if f.required {
            quote!(#json => #local = ::std::option::Option::Some(#rt::json::field(p, #json)?),)
        } else {
            quote!(#json => #local = #rt::json::field(p, #json)?,)
        }
    });
    let inits = fields.iter().map(|f| {
        let fident = ident(&f.ident);
        let local = local_ident(f);
        let json = &f.json_name;
        if f.required {
            quote!(#fident: match #local { ::std::option::Option::Some(v) => v, ::std::option::Option::None => return ::std::result::Result::Err(#rt::json::missing_field(#json, p)) },)
        } else {
            quote!(#fident: #local,)
        }
    });
    let key_binding = if fields.is_empty() {
        quote!(_key)
    } else {
        quote!(key)
    };
    let matcher = if fields.is_empty() {
        quote!(p.skip_value()?;)
    } else {
        quote! {
            match &*key {
                #(#arms)*
                _ => p.skip_value()?,
            }
        }
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
                #(#locals)*
                p.begin_object()?;
                while let ::std::option::Option::Some(#key_binding) = p.next_key()? {
                    #matcher
                }
                ::std::result::Result::Ok(Self { #(#inits)* })
            }
        }
    }
}

fn local_ident(f: &Field) -> proc_macro2::Ident {
    ident(&format!("f_{}", f.ident.trim_end_matches('_')))
}
