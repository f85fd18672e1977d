//! Small readers over token trees: what the macro needs of Rust's syntax (a function's head,
//! its parameters, reference types, a string literal), without a full parser.

use proc_macro2::{Literal, Spacing, Span, TokenTree};

/// `tt` is the punctuation `c`.
pub fn is_punct(tt: &TokenTree, c: char) -> bool {
    matches!(tt, TokenTree::Punct(p) if p.as_char() == c)
}

/// `tt` is the identifier (or keyword) `name`.
pub fn is_ident(tt: &TokenTree, name: &str) -> bool {
    matches!(tt, TokenTree::Ident(i) if i == name)
}

/// Splits `tokens` at each `sep` punctuation outside angle brackets (`Vec<(A, B)>`'s comma is
/// inside a group; `HashMap<K, V>`'s is inside `<>`). The `>` of `->` does not close a bracket.
/// A trailing separator does not make an empty last part.
pub fn split_top_level(tokens: &[TokenTree], sep: char) -> Vec<&[TokenTree]> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, tt) in tokens.iter().enumerate() {
        if is_punct(tt, '<') {
            depth += 1;
        } else if closes_angle(tokens, i) {
            depth = depth.saturating_sub(1);
        } else if depth == 0 && is_punct(tt, sep) && !is_path_separator(tokens, i) {
            parts.push(&tokens[start..i]);
            start = i + 1;
        }
    }
    if start < tokens.len() {
        parts.push(&tokens[start..]);
    }
    parts
}

/// The token at `i` is a `>` that closes an angle bracket (not the `>` of `->`).
pub fn closes_angle(tokens: &[TokenTree], i: usize) -> bool {
    is_punct(&tokens[i], '>') && !(i > 0 && is_punct(&tokens[i - 1], '-'))
}

/// The `:` at `i` is half of a `::` (a `:` joined to the next `:`).
fn is_path_separator(tokens: &[TokenTree], i: usize) -> bool {
    let joined_colon = |j: usize| matches!(tokens.get(j), Some(TokenTree::Punct(p)) if p.as_char() == ':' && p.spacing() == Spacing::Joint);
    let colon = |j: usize| tokens.get(j).is_some_and(|t| is_punct(t, ':'));
    colon(i) && ((joined_colon(i) && colon(i + 1)) || (i > 0 && joined_colon(i - 1)))
}

/// One span for `tokens`: from the first to the last where the compiler can join spans, else
/// the first's (the call site for none).
pub fn span_of(tokens: &[TokenTree]) -> Span {
    match (tokens.first(), tokens.last()) {
        (Some(first), Some(last)) => first
            .span()
            .join(last.span())
            .unwrap_or_else(|| first.span()),
        _ => Span::call_site(),
    }
}

/// The tokens of a reference type after `&`, its lifetime and `mut`, and whether it is `mut`;
/// `None` if `ty` is not a reference.
pub fn referent(ty: &[TokenTree]) -> Option<(&[TokenTree], bool)> {
    let (first, mut rest) = ty.split_first()?;
    if !is_punct(first, '&') {
        return None;
    }
    // A lifetime is a `'` joined to an identifier.
    if rest.first().is_some_and(|t| is_punct(t, '\'')) {
        rest = rest.get(2..)?;
    }
    match rest.split_first() {
        Some((m, elem)) if is_ident(m, "mut") => Some((elem, true)),
        _ => Some((rest, false)),
    }
}

/// The last identifier of a type path (`EventContext` of `&stripe_events::EventContext<'_>`'s
/// referent), if `ty` is a path.
pub fn last_path_ident(ty: &[TokenTree]) -> Option<String> {
    let mut depth = 0usize;
    let mut last = None;
    for (i, tt) in ty.iter().enumerate() {
        match tt {
            _ if is_punct(tt, '<') => depth += 1,
            _ if closes_angle(ty, i) => depth = depth.checked_sub(1)?,
            _ if depth > 0 => {}
            TokenTree::Ident(i) => last = Some(i.to_string()),
            TokenTree::Punct(p) if p.as_char() == ':' => {}
            _ => return None,
        }
    }
    last
}

/// The value of a string literal (`"..."` with its escapes, or raw `r"..."` / `r#"..."#`);
/// `None` for any other literal, including byte strings and strings with a suffix.
pub fn string_value(lit: &Literal) -> Option<String> {
    let text = lit.to_string();
    if let Some(raw) = text.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        let closing = format!("\"{}", "#".repeat(hashes));
        return raw[hashes..]
            .strip_prefix('"')?
            .strip_suffix(closing.as_str())
            .map(str::to_owned);
    }
    unescape(text.strip_prefix('"')?.strip_suffix('"')?)
}

/// The characters of a string literal's body with its escapes resolved.
fn unescape(body: &str) -> Option<String> {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            '0' => out.push('\0'),
            '\\' => out.push('\\'),
            '"' => out.push('"'),
            '\'' => out.push('\''),
            'x' => {
                let hex: String = [chars.next()?, chars.next()?].iter().collect();
                out.push(char::from(u8::from_str_radix(&hex, 16).ok()?));
            }
            'u' => {
                if chars.next()? != '{' {
                    return None;
                }
                let hex: String = chars.by_ref().take_while(|&c| c != '}').collect();
                let hex = hex.replace('_', "");
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
            }
            // A line continuation: the newline and the whitespace after it are not part of it.
            '\n' => while chars.next_if(|c| c.is_whitespace()).is_some() {},
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proc_macro2::TokenStream;

    fn tokens(src: &str) -> Vec<TokenTree> {
        src.parse::<TokenStream>().unwrap().into_iter().collect()
    }

    fn text(tokens: &[TokenTree]) -> String {
        tokens.iter().cloned().collect::<TokenStream>().to_string()
    }

    #[test]
    fn string_literals() {
        let value = |src: &str| match tokens(src).as_slice() {
            [TokenTree::Literal(l)] => string_value(l),
            other => panic!("not one literal: {other:?}"),
        };
        assert_eq!(
            value(r#""product.created""#).as_deref(),
            Some("product.created")
        );
        assert_eq!(
            value(r#""a\"b\\c\n\x41\u{e9}""#).as_deref(),
            Some("a\"b\\c\nA\u{e9}")
        );
        assert_eq!(value("\"a\\\n    b\"").as_deref(), Some("ab"));
        assert_eq!(value(r#"r"x\n""#).as_deref(), Some("x\\n"));
        assert_eq!(
            value(r###"r#"a "quoted" b"#"###).as_deref(),
            Some("a \"quoted\" b")
        );
        assert_eq!(value(r#"b"bytes""#), None);
        assert_eq!(value(r#"c"c string""#), None);
        assert_eq!(value(r#""suffixed"x"#), None);
        assert_eq!(value("7"), None);
        assert_eq!(value("'c'"), None);
    }

    #[test]
    fn top_level_splitting() {
        let t = tokens("a: HashMap<K, V>, b: &Vec<(u8, u8)>, f: fn(u8) -> Option<u8>, c: ::x::Y,");
        let parts: Vec<String> = split_top_level(&t, ',').into_iter().map(text).collect();
        assert_eq!(
            parts,
            [
                "a : HashMap < K , V >",
                "b : & Vec < (u8 , u8) >",
                "f : fn (u8) -> Option < u8 >",
                "c : :: x :: Y"
            ]
        );
        // `:` splits a parameter into pattern and type, but not at `::`.
        let t = tokens("x: ::std::string::String");
        let parts: Vec<String> = split_top_level(&t, ':').into_iter().map(text).collect();
        assert_eq!(parts, ["x", ":: std :: string :: String"]);
        assert!(split_top_level(&[], ',').is_empty());
    }

    #[test]
    fn references_and_paths() {
        let t = tokens("&'a mut stripe_events::EventContext<'a>");
        let (elem, is_mut) = referent(&t).unwrap();
        assert!(is_mut);
        assert_eq!(last_path_ident(elem).as_deref(), Some("EventContext"));
        let t = tokens("&Db");
        assert_eq!(
            referent(&t).map(|(e, m)| (text(e), m)),
            Some(("Db".into(), false))
        );
        assert!(referent(&tokens("Db")).is_none());
        assert_eq!(last_path_ident(&tokens("[u8]")), None);
        assert_eq!(last_path_ident(&tokens("(A, B)")), None);
        assert_eq!(
            last_path_ident(&tokens("Vec<EventContext>")).as_deref(),
            Some("Vec")
        );
    }
}
