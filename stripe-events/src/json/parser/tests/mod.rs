//! Tests of the parser, by part (as the parser is split).

use super::*;

fn skip_all(s: &[u8]) -> Result<(), Error> {
    let mut p = Parser::new(s);
    p.skip_value()?;
    p.end()
}

fn f64_all(s: &str) -> Result<f64, Error> {
    let mut p = Parser::new(s.as_bytes());
    let v = p.parse_f64()?;
    p.end()?;
    Ok(v)
}

fn i64_all(s: &str) -> Result<i64, Error> {
    let mut p = Parser::new(s.as_bytes());
    let v = p.parse_i64()?;
    p.end()?;
    Ok(v)
}

fn u64_all(s: &str) -> Result<u64, Error> {
    let mut p = Parser::new(s.as_bytes());
    let v = p.parse_u64()?;
    p.end()?;
    Ok(v)
}

fn str_all(s: &[u8]) -> Result<Cow<'_, str>, Error> {
    let mut p = Parser::new(s);
    let v = p.parse_str()?;
    p.end()?;
    Ok(v)
}

fn syntax_msg(e: &Error) -> &'static str {
    match e.kind() {
        ErrorKind::Syntax(m) => m,
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

mod numbers;
mod scan;
mod strings;
mod structure;
