//! Strings: plain runs borrowed from the input, escapes decoded into an owned copy, and strings
//! skipped without building them.

use std::borrow::Cow;

use super::Parser;
use super::scan::*;
use crate::json::error::{Error, ErrorKind};

pub(super) fn hex_val(b: u8) -> Option<u32> {
    match b {
        b'0'..=b'9' => Some((b - b'0') as u32),
        b'a'..=b'f' => Some((b - b'a' + 10) as u32),
        b'A'..=b'F' => Some((b - b'A' + 10) as u32),
        _ => None,
    }
}

/// Four hex digits at `input[j..j + 4]`.
pub(super) fn hex4(input: &[u8], j: usize) -> Result<u32, Error> {
    let mut v = 0;
    for k in j..j + 4 {
        match input.get(k) {
            None => return Err(Error::new(ErrorKind::Eof, input.len())),
            Some(&b) => match hex_val(b) {
                Some(d) => v = (v << 4) | d,
                None => return Err(syntax("invalid unicode escape", k)),
            },
        }
    }
    Ok(v)
}

/// Decodes the `\uXXXX` escape (with its low surrogate, if any) whose
/// backslash is at `input[i]`. Returns the character and the index after it.
pub(super) fn unicode_escape(input: &[u8], i: usize) -> Result<(char, usize), Error> {
    let hi = hex4(input, i + 2)?;
    let (cp, next) = match hi {
        0xD800..=0xDBFF => {
            match (input.get(i + 6), input.get(i + 7)) {
                (None, _) | (Some(b'\\'), None) => {
                    return Err(Error::new(ErrorKind::Eof, input.len()));
                }
                (Some(b'\\'), Some(b'u')) => {}
                _ => return Err(syntax("lone surrogate in unicode escape", i)),
            }
            let lo = hex4(input, i + 8)?;
            if !(0xDC00..=0xDFFF).contains(&lo) {
                return Err(syntax("lone surrogate in unicode escape", i));
            }
            (0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00), i + 12)
        }
        0xDC00..=0xDFFF => return Err(syntax("lone surrogate in unicode escape", i)),
        _ => (hi, i + 6),
    };
    match char::from_u32(cp) {
        Some(c) => Ok((c, next)),
        None => Err(syntax("invalid unicode escape", i)),
    }
}

/// Decodes the escape whose backslash is at `input[i]`. Returns the
/// character and the index after the escape.
pub(super) fn escape(input: &[u8], i: usize) -> Result<(char, usize), Error> {
    let c = match input.get(i + 1) {
        None => return Err(Error::new(ErrorKind::Eof, input.len())),
        Some(&c) => c,
    };
    let ch = match c {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => return unicode_escape(input, i),
        _ => return Err(syntax("invalid escape", i)),
    };
    Ok((ch, i + 2))
}

impl<'a> Parser<'a> {
    /// Parses a string whose opening quote is at the current position.
    /// Borrowed from the input when it has no escapes.
    #[inline]
    pub(in crate::json) fn scan_str(&mut self) -> Result<Cow<'a, str>, Error> {
        let input = self.input;
        let start = self.pos + 1;
        let (i, non_ascii) = find_special(input, start);
        match input.get(i) {
            Some(b'"') => {
                let s = if non_ascii {
                    to_str(input, start, i)?
                } else {
                    ascii_str(&input[start..i])
                };
                self.pos = i + 1;
                Ok(Cow::Borrowed(s))
            }
            Some(b'\\') => self.scan_escaped_str(start, i).map(Cow::Owned),
            Some(_) => Err(syntax("control character in string", i)),
            None => Err(self.eof()),
        }
    }

    /// Slow path of [`scan_str`](Parser::scan_str): the string body starts at
    /// `start` and has an escape at `i`.
    #[inline(never)]
    pub(super) fn scan_escaped_str(&mut self, start: usize, mut i: usize) -> Result<String, Error> {
        let input = self.input;
        let mut out = String::with_capacity(i - start + 16);
        let mut run = start;
        loop {
            match input.get(i) {
                Some(b'"') => {
                    out.push_str(to_str(input, run, i)?);
                    self.pos = i + 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    out.push_str(to_str(input, run, i)?);
                    let (c, next) = escape(input, i)?;
                    out.push(c);
                    run = next;
                    i = next;
                }
                Some(_) => return Err(syntax("control character in string", i)),
                None => return Err(self.eof()),
            }
            i = find_special(input, i).0;
        }
    }

    /// Skips a string whose opening quote is at the current position,
    /// validating escapes and UTF-8 without allocating.
    #[inline]
    pub(super) fn skip_str(&mut self) -> Result<(), Error> {
        let input = self.input;
        let mut i = self.pos + 1;
        loop {
            let (j, non_ascii) = find_special(input, i);
            let Some(&b) = input.get(j) else {
                return Err(self.eof());
            };
            if b < 0x20 {
                return Err(syntax("control character in string", j));
            }
            if non_ascii {
                to_str(input, i, j)?;
            }
            if b == b'"' {
                self.pos = j + 1;
                return Ok(());
            }
            i = escape(input, j)?.1;
        }
    }

    /// Parses a string; borrowed from the input when it has no escapes.
    #[inline(never)]
    pub fn parse_str(&mut self) -> Result<Cow<'a, str>, Error> {
        self.skip_ws();
        if self.byte() != Some(b'"') {
            return Err(self.unexpected("a string"));
        }
        self.scan_str()
    }

    /// Parses a string into an owned `String`.
    pub fn parse_string(&mut self) -> Result<String, Error> {
        self.parse_str().map(Cow::into_owned)
    }
}
