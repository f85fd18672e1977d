//! The generated tokens as source text for `include!`, broken into short lines without a
//! formatter.
//!
//! `TokenStream`'s own `Display` puts a whole file on one line. The compiler does not mind, but
//! rustdoc does: for every "Source" link it computes the display column of the item's span by
//! walking its line from the start, so on a 2.7 MB line `cargo doc` spent minutes in
//! `SourceMap::lookup_char_pos` alone (BENCHMARKS.md, "cargo doc"). Here every attribute, field,
//! variant and item starts a new line; spacing is otherwise exactly `Display`'s, so the text
//! re-lexes to the same tokens. (prettyplease would do this too, but needs `syn`, which the
//! build script keeps out of its dependencies.)

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

/// `tokens` as source text: `Display`'s spacing, with a line break before each attribute,
/// after each `;`, after each `{`, after each item's closing brace, and after each `,` directly
/// inside braces.
pub fn line_broken(tokens: &TokenStream) -> String {
    let mut out = String::new();
    write_stream(&mut out, tokens.clone(), Inside::File);
    out
}

/// Where a token stream sits, which decides where a `,` or a `}` ends a line.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Inside {
    /// The top level of the file: items.
    File,
    /// A `{ ... }` body: fields, variants, statements, match arms, macro entries.
    Braces,
    /// Parentheses, brackets or an invisible group.
    Other,
}

fn write_stream(out: &mut String, stream: TokenStream, inside: Inside) {
    let tokens: Vec<TokenTree> = stream.into_iter().collect();
    let mut joint = false;
    for (i, token) in tokens.iter().enumerate() {
        if i != 0 && !joint {
            out.push(if breaks_before(&tokens, i, inside) {
                '\n'
            } else {
                ' '
            });
        }
        joint = false;
        match token {
            TokenTree::Group(group) => {
                let (open, close, inner) = match group.delimiter() {
                    Delimiter::Brace => ("{", "}", Inside::Braces),
                    Delimiter::Parenthesis => ("(", ")", Inside::Other),
                    Delimiter::Bracket => ("[", "]", Inside::Other),
                    Delimiter::None => ("", "", Inside::Other),
                };
                out.push_str(open);
                let body = group.stream();
                if group.delimiter() == Delimiter::Brace {
                    // `Display` writes `{ }` for an empty body, `{ body }` for another.
                    if !body.is_empty() {
                        out.push('\n');
                        write_stream(out, body, inner);
                    }
                    out.push(' ');
                } else {
                    write_stream(out, body, inner);
                }
                out.push_str(close);
            }
            TokenTree::Punct(punct) => {
                joint = punct.spacing() == Spacing::Joint;
                out.push(punct.as_char());
            }
            TokenTree::Ident(ident) => out.push_str(&ident.to_string()),
            TokenTree::Literal(literal) => out.push_str(&literal.to_string()),
        }
    }
}

/// Whether the separator before `tokens[i]` is a line break.
fn breaks_before(tokens: &[TokenTree], i: usize, inside: Inside) -> bool {
    let starts_attribute = matches!(&tokens[i], TokenTree::Punct(p) if p.as_char() == '#')
        && matches!(tokens.get(i + 1), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket);
    let ends_line = match &tokens[i - 1] {
        TokenTree::Punct(p) => {
            p.as_char() == ';' || (p.as_char() == ',' && inside == Inside::Braces)
        }
        TokenTree::Group(g) => g.delimiter() == Delimiter::Brace && inside == Inside::File,
        _ => false,
    };
    starts_attribute || ends_line
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn sample() -> TokenStream {
        quote! {
            #[doc = " A widget."]
            #[derive(Debug, Clone)]
            pub struct Widget {
                #[doc = " Its id."]
                pub id: ::std::string::String,
                pub sizes: ::std::collections::HashMap<String, Vec<i64>>,
                pub kind: &'static str,
            }
            crate::json::struct_from_json!(Widget { "id" => required id: String, "kind" => optional kind: Kind });
            impl Widget {
                pub fn is_big(&self) -> bool { match self.sizes.len() { 0..=3 => false, _ => true } }
            }
            pub struct Empty {}
            const _: () = compile_error!("stop");
        }
    }

    #[test]
    fn the_text_lexes_back_to_the_same_tokens() {
        let tokens = sample();
        let text = line_broken(&tokens);
        let reparsed: TokenStream = text.parse().expect("the text lexes");
        assert_eq!(reparsed.to_string(), tokens.to_string());
        // Only separators changed: the text is `Display`'s with some spaces turned into breaks.
        assert_eq!(text.replace('\n', " "), tokens.to_string());
    }

    #[test]
    fn attributes_fields_and_items_start_lines() {
        let text = line_broken(&sample());
        let lines: Vec<&str> = text.lines().collect();
        for start in [
            "# [doc = \" A widget.\"]",
            "# [derive (Debug , Clone)] pub struct Widget {",
            "# [doc = \" Its id.\"] pub id : :: std :: string :: String ,",
            "pub kind : & 'static str ,",
            "crate :: json :: struct_from_json ! (Widget {",
            "\"id\" => required id : String ,",
            "\"kind\" => optional kind : Kind })",
            "impl Widget {",
            "const _ : () = compile_error ! (\"stop\") ;",
        ] {
            assert!(
                lines.iter().any(|line| line.starts_with(start)),
                "no line starts with {start:?} in:\n{text}"
            );
        }
        assert!(lines.len() >= 12, "{text}");
    }
}
