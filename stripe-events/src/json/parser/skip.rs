//! Skipping a value (validating it without building anything) and taking its exact text.

use super::Parser;
use super::scan::*;
use crate::json::MAX_DEPTH;
use crate::json::error::{Error, ErrorKind};

impl<'a> Parser<'a> {
    /// Skips a `"key":` whose opening quote is at the current position.
    #[inline]
    pub(super) fn skip_key(&mut self) -> Result<(), Error> {
        self.skip_str()?;
        self.skip_ws();
        match self.byte() {
            Some(b':') => {
                self.pos += 1;
                Ok(())
            }
            Some(_) => Err(syntax("expected `:`", self.pos)),
            None => Err(self.eof()),
        }
    }

    /// Skips one complete value, validating its syntax (strings with their
    /// escapes and UTF-8, numbers, literals, nesting up to [`MAX_DEPTH`]).
    /// Never allocates (except for an error).
    pub fn skip_value(&mut self) -> Result<(), Error> {
        let base = self.depth;
        // Bit `i` is set when relative level `i` is an object.
        let mut stack: u128 = 0;
        let mut n: u32 = 0;
        loop {
            // A value is expected here.
            self.skip_ws();
            let Some(b) = self.byte() else {
                return Err(self.eof());
            };
            match b {
                b'"' => self.skip_str()?,
                b'{' | b'[' => {
                    if base + n >= MAX_DEPTH {
                        return Err(Error::new(ErrorKind::DepthLimit, self.pos));
                    }
                    self.pos += 1;
                    self.skip_ws();
                    let close = if b == b'{' { b'}' } else { b']' };
                    match self.byte() {
                        Some(c) if c == close => self.pos += 1,
                        None => return Err(self.eof()),
                        Some(c) => {
                            if b == b'{' {
                                if c != b'"' {
                                    return Err(syntax("expected a string key or `}`", self.pos));
                                }
                                stack |= 1 << n;
                                n += 1;
                                self.skip_key()?;
                            } else {
                                stack &= !(1 << n);
                                n += 1;
                            }
                            continue;
                        }
                    }
                }
                b't' => self.eat_literal(b"true")?,
                b'f' => self.eat_literal(b"false")?,
                b'n' => self.eat_literal(b"null")?,
                b'-' | b'0'..=b'9' => {
                    self.scan_number()?;
                }
                _ => return Err(syntax("expected value", self.pos)),
            }
            // A value is complete: close containers until a `,` is found.
            loop {
                if n == 0 {
                    return Ok(());
                }
                self.skip_ws();
                let in_object = (stack >> (n - 1)) & 1 == 1;
                match self.byte() {
                    Some(b',') => {
                        self.pos += 1;
                        self.skip_ws();
                        match self.byte() {
                            Some(b'"') if in_object => self.skip_key()?,
                            Some(b'}') if in_object => {
                                return Err(syntax("trailing comma", self.pos));
                            }
                            Some(_) if in_object => {
                                return Err(syntax("expected a string key", self.pos));
                            }
                            Some(b']') => return Err(syntax("trailing comma", self.pos)),
                            _ => {}
                        }
                        break;
                    }
                    Some(b'}') if in_object => {
                        self.pos += 1;
                        n -= 1;
                    }
                    Some(b']') if !in_object => {
                        self.pos += 1;
                        n -= 1;
                    }
                    Some(_) => {
                        let msg = if in_object {
                            "expected `,` or `}`"
                        } else {
                            "expected `,` or `]`"
                        };
                        return Err(syntax(msg, self.pos));
                    }
                    None => return Err(self.eof()),
                }
            }
        }
    }

    /// Skips one value and returns its exact text (without surrounding
    /// whitespace).
    pub fn raw_value(&mut self) -> Result<&'a str, Error> {
        self.skip_ws();
        let start = self.pos;
        self.skip_value()?;
        to_str(self.input, start, self.pos)
    }
}
