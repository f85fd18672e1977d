//! [`Ty`] -> Rust type tokens.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Ty, TypeSpace};

use super::{Ctx, ident};

/// The Rust type for `ty`.
pub fn rust_type(cx: &Ctx<'_>, space: &TypeSpace, ty: &Ty) -> TokenStream {
    let rt = &cx.runtime;
    match ty {
        Ty::Bool => quote!(bool),
        Ty::I64 => quote!(i64),
        Ty::F64 => quote!(f64),
        Ty::String => quote!(#rt::CompactString),
        Ty::Timestamp => quote!(#rt::Timestamp),
        Ty::DateTime => quote!(#rt::DateTime),
        Ty::Json => quote!(::serde_json::Value),
        Ty::Named(id) => {
            let name = ident(&space.item(*id).name);
            quote!(#name)
        }
        Ty::Option(inner) => {
            let inner = rust_type(cx, space, inner);
            quote!(::std::option::Option<#inner>)
        }
        Ty::Vec(inner) => {
            let inner = rust_type(cx, space, inner);
            quote!(::std::vec::Vec<#inner>)
        }
        Ty::Map(inner) => {
            let inner = rust_type(cx, space, inner);
            quote!(::std::collections::HashMap<#rt::CompactString, #inner>)
        }
        Ty::Expandable(inner) => {
            let inner = rust_type(cx, space, inner);
            quote!(#rt::Expandable<#inner>)
        }
        Ty::List(inner) => {
            let inner = rust_type(cx, space, inner);
            quote!(#rt::List<#inner>)
        }
        Ty::Boxed(inner) => {
            let inner = rust_type(cx, space, inner);
            quote!(::std::boxed::Box<#inner>)
        }
    }
}
