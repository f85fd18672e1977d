//! String enums (which keep values Stripe adds later) and polymorphic enums (one of several
//! objects, chosen by the JSON `object` field).

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Item, PolyVariant};

use super::docs::{described, doc, doc_or};
use super::{Ctx, derives, ident};

/// A string enum: one variant per known value plus `Unrecognized(String)`.
pub fn emit_string_enum(cx: &Ctx<'_>, item: &Item, values: &[(String, String)]) -> TokenStream {
    let rt = &cx.runtime;
    let name = ident(&item.name);
    let listed = values
        .iter()
        .map(|(v, _)| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ");
    // Without a description, the list of values alone.
    let item_doc = described(item.doc.as_deref()).map(doc);
    let values_doc = doc(&format!(
        "\nKnown values: {listed}; any other value is kept in `Unrecognized`."
    ));
    let variants = values.iter().map(|(value, variant)| {
        let v = ident(variant);
        let d = doc(&format!("`{value}`"));
        quote!(#d #v,)
    });
    let to_str = values.iter().map(|(value, variant)| {
        let v = ident(variant);
        quote!(Self::#v => #value,)
    });
    let from_str = values.iter().enumerate().map(|(i, (_, variant))| {
        let v = ident(variant);
        quote!(::std::option::Option::Some(#i) => Self::#v,)
    });
    let all_values = values.iter().map(|(v, _)| v);
    let derive = derives(true);
    let name_str = item.name.as_str();
    let value_strs = values.iter().map(|(v, _)| v);
    quote! {
        #item_doc
        #values_doc
        #derive
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this build does not know (Stripe added it after this spec).
            Unrecognized(::std::string::String),
        }

        impl #name {
            /// The value as Stripe writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::Unrecognized(other) => other,
                }
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                const VALUES: &[&str] = &[#(#all_values),*];
                match #rt::json::index_of(value, VALUES) {
                    #(#from_str)*
                    _ => Self::Unrecognized(value.to_owned()),
                }
            }
        }

        impl #rt::json::FromJson for #name {
            fn from_json(p: &mut #rt::json::Parser<'_>) -> ::std::result::Result<Self, #rt::json::Error> {
                ::std::result::Result::Ok(Self::from(&*p.parse_str()?))
            }
        }

        #[cfg(feature = "schemars")]
        impl ::schemars::JsonSchema for #name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                #name_str.into()
            }
            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                #rt::schema::string_enum(&[#(#value_strs),*])
            }
        }

        #[cfg(feature = "serialize")]
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    }
}

/// A polymorphic enum: one boxed variant per object type plus `Unrecognized(Value)`.
pub fn emit_poly(cx: &Ctx<'_>, item: &Item, variants: &[PolyVariant]) -> TokenStream {
    let rt = &cx.runtime;
    let name = ident(&item.name);
    let listed = variants
        .iter()
        .map(|v| format!("`{}`", v.schema))
        .collect::<Vec<_>>()
        .join(", ");
    let item_doc = doc_or(
        item.doc.as_deref(),
        &format!("One of {listed}, chosen by the `object` field."),
    );
    let defs = variants.iter().map(|v| {
        let var = ident(&v.variant);
        let ty = ident(&cx.space.item(v.ty).name);
        let d = doc(&format!("A `{}` object.", v.schema));
        quote!(#d #var(::std::boxed::Box<#ty>),)
    });
    // `deleted` variants that share their tag with another variant match first.
    let shared = |v: &PolyVariant| {
        variants
            .iter()
            .any(|o| o.tag == v.tag && o.deleted != v.deleted)
    };
    let mut ordered: Vec<&PolyVariant> = variants.iter().collect();
    ordered.sort_by_key(|v| !v.deleted);
    let arms = ordered.iter().map(|v| {
        let var = ident(&v.variant);
        let tag = &v.tag;
        let deleted = if v.deleted && shared(v) {
            quote!(true)
        } else {
            quote!(_)
        };
        quote!((::std::option::Option::Some(#tag), #deleted) => Self::#var(#rt::json::boxed(p)?),)
    });
    let derive = derives(false);
    quote! {
        #item_doc
        #derive
        #[cfg_attr(feature = "serialize", serde(untagged))]
        #[non_exhaustive]
        pub enum #name {
            #(#defs)*
            /// An object of a type this build does not know, kept as JSON.
            Unrecognized(::std::boxed::Box<::serde_json::Value>),
        }

        impl #rt::json::FromJson for #name {
            fn from_json(p: &mut #rt::json::Parser<'_>) -> ::std::result::Result<Self, #rt::json::Error> {
                let d = p.peek_discriminator()?;
                ::std::result::Result::Ok(match (d.object.as_deref(), d.deleted) {
                    #(#arms)*
                    _ => Self::Unrecognized(::std::boxed::Box::new(p.parse_value()?)),
                })
            }
        }
    }
}
