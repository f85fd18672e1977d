//! Enums of known type strings with an `Unknown(String)` variant for any other:
//! [`EventType`](super::event_type), and on the thin side `ThinEventType` and
//! `RelatedObjectType`. Each gets `ALL`, `as_str`, `from_known`, `FromStr` (never fails),
//! `Display`, `FromJson`, and with their features `JsonSchema` and `Serialize`.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::super::Ctx;
use super::super::docs::doc;

/// One such enum.
pub struct TypeEnum<'a> {
    /// Its name.
    pub name: Ident,
    /// Its doc text.
    pub doc: &'a str,
    /// What its strings are, for the docs of `as_str` and `Unknown`: "event type", ...
    pub what: &'a str,
    /// One variant per known string, in the order of `strs`.
    pub variants: &'a [Ident],
    /// The known strings, sorted.
    pub strs: Vec<&'a str>,
    /// The doc text of each variant.
    pub variant_docs: Vec<String>,
}

/// The enum, its inherent impl (`ALL`, `as_str`, `from_known`) and its trait impls.
pub fn emit_type_enum(cx: &Ctx<'_>, e: &TypeEnum<'_>) -> TokenStream {
    let rt = &cx.runtime;
    let TypeEnum {
        name,
        what,
        variants,
        strs,
        ..
    } = e;
    let enum_doc = doc(e.doc);
    let defs = variants.iter().zip(&e.variant_docs).map(|(v, text)| {
        let d = doc(text);
        quote!(#d #v,)
    });
    let unknown_doc = doc(&format!(
        "Any other {what}: one this build does not know, holding the string as received."
    ));
    let all_doc = doc(&format!("Every known {what}, sorted by its string."));
    let as_str_doc = doc(&format!("The {what} as Stripe writes it."));
    let from_known_doc = doc(&format!("The known {what} for `s`, or `None`."));
    // Without known strings, a `Some(match ..)` whose only arm returns would be unreachable.
    let from_known = if strs.is_empty() {
        quote! {
            let _ = s;
            ::std::option::Option::None
        }
    } else {
        quote! {
            ::std::option::Option::Some(match s {
                #(#strs => Self::#variants,)*
                _ => return ::std::option::Option::None,
            })
        }
    };
    let name_str = name.to_string();
    quote! {
        #enum_doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#defs)*
            #unknown_doc
            Unknown(::std::string::String),
        }

        impl #name {
            #all_doc
            pub const ALL: &'static [#name] = &[#(#name::#variants),*];

            #as_str_doc
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #strs,)*
                    Self::Unknown(other) => other,
                }
            }

            #from_known_doc
            pub fn from_known(s: &str) -> ::std::option::Option<Self> {
                #from_known
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(Self::from_known(s).unwrap_or_else(|| Self::Unknown(s.to_owned())))
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl #rt::json::FromJson for #name {
            fn from_json(p: &mut #rt::json::Parser<'_>) -> ::std::result::Result<Self, #rt::json::Error> {
                let s = p.parse_str()?;
                ::std::result::Result::Ok(Self::from_known(&s).unwrap_or_else(|| Self::Unknown(s.into_owned())))
            }
        }

        #[cfg(feature = "schemars")]
        impl ::schemars::JsonSchema for #name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                #name_str.into()
            }
            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                #rt::schema::string_enum(&[#(#strs),*])
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
