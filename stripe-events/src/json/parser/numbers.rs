//! Numbers: scanning and validating the JSON grammar, integers of each width, and `f64`.

use super::Parser;
use super::scan::*;
use crate::json::error::{Error, ErrorKind, Kind};

/// Parses the digits of an unsigned JSON integer (already validated) into a
/// `u64`, or `None` on overflow.
pub(super) fn digits_to_u64(digits: &[u8]) -> Option<u64> {
    if digits.len() <= 19 {
        Some(digits.iter().fold(0u64, |v, &d| v * 10 + (d - b'0') as u64))
    } else {
        digits.iter().try_fold(0u64, |v, &d| {
            v.checked_mul(10)?.checked_add((d - b'0') as u64)
        })
    }
}

/// Converts a validated JSON number to the nearest `f64` (infinite when it is
/// out of range).
pub(in crate::json) fn number_to_f64(text: &[u8]) -> f64 {
    // Small integers convert exactly without going through the float parser.
    let (neg, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    if digits.len() <= 15 && digits.iter().all(u8::is_ascii_digit) {
        let v = digits_to_u64(digits).unwrap_or(0) as f64;
        return if neg { -v } else { v };
    }
    std::str::from_utf8(text)
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(f64::NAN)
}

impl<'a> Parser<'a> {
    /// Scans one or more ASCII digits starting at `i` (a fraction's or an exponent's), and
    /// returns the index after them.
    pub(super) fn digits(&self, mut i: usize) -> Result<usize, Error> {
        let input = self.input;
        match input.get(i) {
            Some(b) if b.is_ascii_digit() => {}
            Some(_) => return Err(syntax("invalid number", i)),
            None => return Err(self.eof()),
        }
        while input.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        Ok(i)
    }

    /// Consumes a number starting at the current position, validating the
    /// JSON grammar. Returns true when it is an integer (no fraction or
    /// exponent).
    pub(in crate::json) fn scan_number(&mut self) -> Result<bool, Error> {
        let input = self.input;
        let mut i = self.pos;
        if input.get(i) == Some(&b'-') {
            i += 1;
        }
        match input.get(i) {
            Some(b'0') => {
                i += 1;
                if input.get(i).is_some_and(u8::is_ascii_digit) {
                    return Err(syntax("invalid number", i));
                }
            }
            Some(b'1'..=b'9') => {
                i += 1;
                while input.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
            }
            Some(_) => return Err(syntax("invalid number", i)),
            None => return Err(self.eof()),
        }
        let mut integer = true;
        if input.get(i) == Some(&b'.') {
            integer = false;
            i += 1;
            i = self.digits(i)?;
        }
        if let Some(b'e' | b'E') = input.get(i) {
            integer = false;
            i += 1;
            if let Some(b'+' | b'-') = input.get(i) {
                i += 1;
            }
            i = self.digits(i)?;
        }
        self.pos = i;
        Ok(integer)
    }

    /// Error for a number at `start` that is not an integer (or a syntax
    /// error if it is malformed).
    #[cold]
    pub(super) fn not_an_integer(&mut self, start: usize) -> Error {
        self.pos = start;
        match self.scan_number() {
            Err(e) => e,
            Ok(_) => Error::new(
                ErrorKind::Type {
                    expected: "an integer",
                    found: Kind::Number,
                },
                start,
            ),
        }
    }

    /// Parses a JSON integer into its sign and magnitude. Returns the start
    /// offset too, for range errors. `ty` names the target type.
    #[inline]
    pub(super) fn parse_integer(&mut self, ty: &'static str) -> Result<(bool, u64, usize), Error> {
        self.skip_ws();
        let input = self.input;
        let start = self.pos;
        let mut i = start;
        let neg = input.get(i) == Some(&b'-');
        if neg {
            i += 1;
        }
        let first = match input.get(i) {
            Some(&b) if b.is_ascii_digit() => b,
            Some(_) if neg => return Err(syntax("invalid number", i)),
            None if neg => return Err(self.eof()),
            _ => return Err(self.unexpected("an integer")),
        };
        let digits_start = i;
        let mut v: u64 = 0;
        while let Some(&b) = input.get(i) {
            let d = b.wrapping_sub(b'0');
            if d > 9 {
                break;
            }
            v = v.wrapping_mul(10).wrapping_add(d as u64);
            i += 1;
        }
        if first == b'0' && i - digits_start > 1 {
            return Err(syntax("invalid number", digits_start + 1));
        }
        if let Some(b'.' | b'e' | b'E') = input.get(i) {
            return Err(self.not_an_integer(start));
        }
        if i - digits_start > 19 {
            match digits_to_u64(&input[digits_start..i]) {
                Some(x) => v = x,
                None => {
                    return Err(Error::new(
                        ErrorKind::NumberOutOfRange { expected: ty },
                        start,
                    ));
                }
            }
        }
        self.pos = i;
        Ok((neg, v, start))
    }

    /// Parses a JSON integer in `min..=max`; `ty` names the target type in
    /// range errors (e.g. `"i32"`).
    #[inline(never)]
    pub(crate) fn parse_signed(
        &mut self,
        min: i64,
        max: i64,
        ty: &'static str,
    ) -> Result<i64, Error> {
        let (neg, mag, start) = self.parse_integer(ty)?;
        let v = if neg {
            if mag > 1 << 63 {
                None
            } else {
                Some((mag as i64).wrapping_neg())
            }
        } else {
            i64::try_from(mag).ok()
        };
        match v {
            Some(v) if v >= min && v <= max => Ok(v),
            _ => Err(Error::new(
                ErrorKind::NumberOutOfRange { expected: ty },
                start,
            )),
        }
    }

    /// Parses a non-negative JSON integer up to `max` (`-0` is accepted as
    /// 0); `ty` names the target type in range errors (e.g. `"u32"`).
    #[inline(never)]
    pub(crate) fn parse_unsigned(&mut self, max: u64, ty: &'static str) -> Result<u64, Error> {
        let (neg, mag, start) = self.parse_integer(ty)?;
        if (neg && mag != 0) || mag > max {
            return Err(Error::new(
                ErrorKind::NumberOutOfRange { expected: ty },
                start,
            ));
        }
        Ok(mag)
    }

    /// Parses a JSON integer that fits an `i64`. Numbers with a fraction or
    /// exponent (`1.5`, `1e3`) are a type error ("expected an integer").
    pub fn parse_i64(&mut self) -> Result<i64, Error> {
        self.parse_signed(i64::MIN, i64::MAX, "i64")
    }

    /// Parses a non-negative JSON integer that fits a `u64`.
    pub fn parse_u64(&mut self) -> Result<u64, Error> {
        self.parse_unsigned(u64::MAX, "u64")
    }

    /// Parses any JSON number into the nearest `f64`. Numbers too large for
    /// an `f64` (e.g. `1e400`) are a range error.
    #[inline(never)]
    pub fn parse_f64(&mut self) -> Result<f64, Error> {
        self.skip_ws();
        match self.byte() {
            Some(b'-' | b'0'..=b'9') => {}
            _ => return Err(self.unexpected("a number")),
        }
        let start = self.pos;
        self.scan_number()?;
        let v = number_to_f64(&self.input[start..self.pos]);
        if v.is_finite() {
            Ok(v)
        } else {
            Err(Error::new(
                ErrorKind::NumberOutOfRange { expected: "f64" },
                start,
            ))
        }
    }
}
