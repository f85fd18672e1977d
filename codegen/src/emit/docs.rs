//! Spec descriptions -> doc attributes that rustdoc renders and never runs.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "..."]` for `text`, made safe for rustdoc: code fences are re-tagged as `text` and
/// leading indentation is dropped (an indented block would otherwise become a doctest).
pub fn doc(text: &str) -> TokenStream {
    let cleaned = sanitize(text);
    quote! { #[doc = #cleaned] }
}

/// The spec's description when it says something (not missing, not blank).
pub fn described(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

/// `doc(text)` when the spec has a description, else `doc(fallback)`.
pub fn doc_or(text: Option<&str>, fallback: &str) -> TokenStream {
    doc(described(text).unwrap_or(fallback))
}

/// The sanitizing rules of [`doc`], on plain text.
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (i, line) in text.trim().lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let line = line.trim_start();
        if let Some(rest) = line.strip_prefix("```") {
            out.push_str("```");
            // An opening fence gets `text`; a closing fence (nothing after it) stays bare.
            if !rest.trim().is_empty() || !out_is_in_fence(&out) {
                out.push_str("text");
            }
        } else {
            out.push(' ');
            out.push_str(line);
        }
    }
    out
}

/// Whether `out` (ending in a fence just pushed) has an odd number of fences, i.e. the fence
/// just pushed closes a block.
fn out_is_in_fence(out: &str) -> bool {
    out.matches("```").count() % 2 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_fences_become_text_and_indentation_goes() {
        let s = sanitize("Example:\n```json\n    {\"a\": 1}\n```\nDone.");
        assert_eq!(s, " Example:\n```text\n {\"a\": 1}\n```\n Done.");
        let s = sanitize("```\nx\n```");
        assert_eq!(s, "```text\n x\n```");
    }

    #[test]
    fn indented_lines_cannot_become_doctests() {
        assert_eq!(sanitize("a\n        let x = 1;"), " a\n let x = 1;");
    }
}
