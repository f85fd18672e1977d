//! The concrete, non-generic JSON pull parser.

use std::borrow::Cow;
use std::fmt;

use super::MAX_DEPTH;
use super::error::{Error, ErrorKind, Kind};

/// A pull parser over a complete JSON document held in memory.
///
/// Callers drive it value by value: [`peek`](Parser::peek) at the next value,
/// parse scalars with the `parse_*` methods, walk objects with
/// [`begin_object`](Parser::begin_object) / [`next_key`](Parser::next_key) and
/// arrays with [`begin_array`](Parser::begin_array) /
/// [`next_element`](Parser::next_element), and
/// [`skip_value`](Parser::skip_value) whatever is not needed. Whitespace
/// before a value is skipped by every method.
///
/// Nesting of objects and arrays is limited to [`MAX_DEPTH`] levels for every
/// operation, so hostile input cannot overflow the stack.
#[derive(Clone)]
pub struct Parser<'a> {
    input: &'a [u8],
    pos: usize,
    depth: u32,
    /// True right after `{` or `[` was consumed: the next `next_key` /
    /// `next_element` call must not expect a `,`.
    after_open: bool,
}

/// A saved parser state (position, nesting depth and container state), taken
/// with [`Parser::checkpoint`] and put back with [`Parser::restore`]. Unlike
/// [`Parser::set_position`], restoring a checkpoint is correct even when the
/// code in between entered objects or arrays or failed half-way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checkpoint {
    pos: usize,
    depth: u32,
    after_open: bool,
}

/// What [`Parser::peek_discriminator`] found among the top-level members of an
/// object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Discriminator<'a> {
    /// The string value of the top-level `"object"` key, if present and a
    /// string (when the key is repeated, the last one wins).
    pub object: Option<Cow<'a, str>>,
    /// True when the object has a top-level `"deleted"` key whose value is `true`.
    pub deleted: bool,
}

impl fmt::Debug for Parser<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Parser")
            .field("len", &self.input.len())
            .field("pos", &self.pos)
            .field("depth", &self.depth)
            .finish()
    }
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// High bit set in each byte of `x` that may be `"`, `\` or a control
/// character; the lowest set byte is always exact (higher ones may be false
/// positives caused by borrows, which only happen above a real match).
#[inline(always)]
fn special_mask(x: u64) -> u64 {
    let quote = (x ^ (LO * b'"' as u64)).wrapping_sub(LO);
    let backslash = (x ^ (LO * b'\\' as u64)).wrapping_sub(LO);
    let control = x.wrapping_sub(LO * 0x20);
    (quote | backslash | control) & !x & HI
}

/// Index of the first `"`, `\` or control byte at or after `i` (or
/// `input.len()`), and whether a non-ASCII byte was seen before it.
#[inline(always)]
fn find_special(input: &[u8], mut i: usize) -> (usize, bool) {
    let mut high = 0u64;
    while let Some(chunk) = input.get(i..i + 8) {
        let x = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        let m = special_mask(x);
        if m != 0 {
            let k = (m.trailing_zeros() / 8) as usize;
            high |= x & ((1u64 << (8 * k)) - 1);
            return (i + k, high & HI != 0);
        }
        high |= x;
        i += 8;
    }
    while let Some(&b) = input.get(i) {
        if b == b'"' || b == b'\\' || b < 0x20 {
            break;
        }
        high |= b as u64;
        i += 1;
    }
    (i, high & HI != 0)
}

/// `a == b` for slices of the same length, without a `memcmp` call for the short ones (object
/// keys): two overlapping loads from each end.
#[inline(always)]
pub(super) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    debug_assert_eq!(a.len(), b.len());
    let n = a.len();
    if n > 16 || n != b.len() {
        return a == b;
    }
    if n >= 8 {
        let word =
            |s: &[u8], i: usize| u64::from_le_bytes(s[i..i + 8].try_into().unwrap_or([0; 8]));
        word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8)
    } else if n >= 4 {
        let word =
            |s: &[u8], i: usize| u32::from_le_bytes(s[i..i + 4].try_into().unwrap_or([0; 4]));
        word(a, 0) == word(b, 0) && word(a, n - 4) == word(b, n - 4)
    } else {
        a.iter().zip(b).all(|(x, y)| x == y)
    }
}

#[inline(always)]
fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t')
}

/// Index of the first non-whitespace byte at or after `i` (or `input.len()`).
/// Runs of spaces (indentation) are skipped eight bytes at a time.
#[inline]
fn skip_ws_from(input: &[u8], mut i: usize) -> usize {
    const SPACES: u64 = LO * b' ' as u64;
    loop {
        if let Some(chunk) = input.get(i..i + 8) {
            let x = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8])) ^ SPACES;
            if x == 0 {
                i += 8;
                continue;
            }
            i += (x.trailing_zeros() / 8) as usize;
        }
        match input.get(i) {
            Some(&b) if is_ws(b) => i += 1,
            _ => return i,
        }
    }
}

/// The kind of value that starts with byte `b`, if any.
#[inline]
fn kind_of(b: u8) -> Option<Kind> {
    Some(match b {
        b'"' => Kind::String,
        b'{' => Kind::Object,
        b'[' => Kind::Array,
        b't' | b'f' => Kind::Bool,
        b'n' => Kind::Null,
        b'-' | b'0'..=b'9' => Kind::Number,
        _ => return None,
    })
}

#[cold]
fn syntax(msg: &'static str, offset: usize) -> Error {
    Error::new(ErrorKind::Syntax(msg), offset)
}

/// Converts bytes that `find_special` reported as pure ASCII to a `str`
/// without validating them again (`str::from_utf8` is an out-of-line call,
/// which costs noticeably on the many short keys and values of a document).
#[inline(always)]
#[allow(unsafe_code)]
fn ascii_str(bytes: &[u8]) -> &str {
    debug_assert!(bytes.is_ascii());
    // SAFETY: the caller checked that every byte is below 0x80 (the high-bit
    // accumulator of `find_special` is zero), and ASCII is valid UTF-8.
    unsafe { std::str::from_utf8_unchecked(bytes) }
}

/// Validates `input[start..end]` as UTF-8.
#[inline]
fn to_str(input: &[u8], start: usize, end: usize) -> Result<&str, Error> {
    std::str::from_utf8(&input[start..end])
        .map_err(|e| Error::new(ErrorKind::InvalidUtf8, start + e.valid_up_to()))
}

fn hex_val(b: u8) -> Option<u32> {
    match b {
        b'0'..=b'9' => Some((b - b'0') as u32),
        b'a'..=b'f' => Some((b - b'a' + 10) as u32),
        b'A'..=b'F' => Some((b - b'A' + 10) as u32),
        _ => None,
    }
}

/// Four hex digits at `input[j..j + 4]`.
fn hex4(input: &[u8], j: usize) -> Result<u32, Error> {
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
fn unicode_escape(input: &[u8], i: usize) -> Result<(char, usize), Error> {
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
fn escape(input: &[u8], i: usize) -> Result<(char, usize), Error> {
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

/// Parses the digits of an unsigned JSON integer (already validated) into a
/// `u64`, or `None` on overflow.
fn digits_to_u64(digits: &[u8]) -> Option<u64> {
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
pub(super) fn number_to_f64(text: &[u8]) -> f64 {
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
    /// Creates a parser positioned at the start of `input`.
    pub fn new(input: &'a [u8]) -> Self {
        Parser {
            input,
            pos: 0,
            depth: 0,
            after_open: false,
        }
    }

    /// The whole input.
    pub fn input(&self) -> &'a [u8] {
        self.input
    }

    /// The current byte offset in the input.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Moves to byte offset `pos` (e.g. to rewind after a look-ahead). The
    /// nesting depth is not changed, so only rewind to a point at the same
    /// nesting level; [`checkpoint`](Parser::checkpoint) /
    /// [`restore`](Parser::restore) save and restore the full state.
    pub fn set_position(&mut self, pos: usize) {
        self.pos = pos.min(self.input.len());
    }

    /// Saves the full parser state.
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            pos: self.pos,
            depth: self.depth,
            after_open: self.after_open,
        }
    }

    /// Restores a state saved with [`checkpoint`](Parser::checkpoint).
    pub fn restore(&mut self, checkpoint: Checkpoint) {
        self.pos = checkpoint.pos;
        self.depth = checkpoint.depth;
        self.after_open = checkpoint.after_open;
    }

    /// The number of objects and arrays currently open.
    pub fn depth(&self) -> u32 {
        self.depth
    }

    #[inline(always)]
    pub(super) fn skip_ws(&mut self) {
        match self.input.get(self.pos) {
            Some(&b) if is_ws(b) => self.pos = skip_ws_from(self.input, self.pos),
            _ => {}
        }
    }

    #[inline(always)]
    fn byte(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    /// Scans one or more ASCII digits starting at `i` (a fraction's or an exponent's), and
    /// returns the index after them.
    fn digits(&self, mut i: usize) -> Result<usize, Error> {
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

    #[cold]
    pub(super) fn eof(&self) -> Error {
        Error::new(ErrorKind::Eof, self.input.len())
    }

    /// The error for a value at the current position (whitespace already
    /// skipped) that is not what the caller expected. When the value is
    /// itself malformed, the syntax error wins, so that `Type` errors are only
    /// reported for well-formed JSON.
    #[cold]
    #[inline(never)]
    pub(super) fn unexpected(&self, expected: &'static str) -> Error {
        let Some(b) = self.byte() else {
            return self.eof();
        };
        let Some(found) = kind_of(b) else {
            return syntax("expected value", self.pos);
        };
        let mut probe = self.clone();
        if let Err(e) = probe.skip_value() {
            return e;
        }
        Error::new(ErrorKind::Type { expected, found }, self.pos)
    }

    /// The kind of the next value, without consuming it (whitespace before it
    /// is skipped). Only the first byte is looked at.
    pub fn peek(&mut self) -> Result<Kind, Error> {
        self.skip_ws();
        match self.byte() {
            Some(b) => kind_of(b).ok_or_else(|| syntax("expected value", self.pos)),
            None => Err(self.eof()),
        }
    }

    /// Consumes `lit` at the current position.
    #[inline]
    fn eat_literal(&mut self, lit: &'static [u8]) -> Result<(), Error> {
        let rest = &self.input[self.pos..];
        if rest.starts_with(lit) {
            self.pos += lit.len();
            Ok(())
        } else if lit.starts_with(rest) {
            Err(self.eof())
        } else {
            Err(syntax("invalid literal", self.pos))
        }
    }

    /// If the next value is `null`, consumes it and returns true; otherwise
    /// consumes nothing (but whitespace) and returns false.
    pub fn eat_null(&mut self) -> Result<bool, Error> {
        self.skip_ws();
        if self.byte() == Some(b'n') {
            self.eat_literal(b"null")?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// Parses `true` or `false`.
    pub fn parse_bool(&mut self) -> Result<bool, Error> {
        self.skip_ws();
        match self.byte() {
            Some(b't') => self.eat_literal(b"true").map(|()| true),
            Some(b'f') => self.eat_literal(b"false").map(|()| false),
            _ => Err(self.unexpected("a boolean")),
        }
    }

    /// Consumes a number starting at the current position, validating the
    /// JSON grammar. Returns true when it is an integer (no fraction or
    /// exponent).
    pub(super) fn scan_number(&mut self) -> Result<bool, Error> {
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
    fn not_an_integer(&mut self, start: usize) -> Error {
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
    fn parse_integer(&mut self, ty: &'static str) -> Result<(bool, u64, usize), Error> {
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

    /// Parses a string whose opening quote is at the current position.
    /// Borrowed from the input when it has no escapes.
    #[inline]
    pub(super) fn scan_str(&mut self) -> Result<Cow<'a, str>, Error> {
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
    fn scan_escaped_str(&mut self, start: usize, mut i: usize) -> Result<String, Error> {
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
    fn skip_str(&mut self) -> Result<(), Error> {
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

    /// Counts one more level of nesting; the current byte is the opener.
    #[inline]
    fn enter(&mut self) -> Result<(), Error> {
        if self.depth >= MAX_DEPTH {
            return Err(Error::new(ErrorKind::DepthLimit, self.pos));
        }
        self.depth += 1;
        self.pos += 1;
        self.after_open = true;
        Ok(())
    }

    #[inline]
    fn leave(&mut self) {
        self.pos += 1;
        self.depth = self.depth.saturating_sub(1);
    }

    /// Consumes the `{` that starts an object. Then call
    /// [`next_key`](Parser::next_key) until it returns `None`.
    pub fn begin_object(&mut self) -> Result<(), Error> {
        self.skip_ws();
        if self.byte() != Some(b'{') {
            return Err(self.unexpected("an object"));
        }
        self.enter()
    }

    /// Moves to the next member of the current object: consumes the `,`
    /// before it (if any), its key and the `:`, and returns the (unescaped)
    /// key; the caller must then consume the member's value. Returns `None`
    /// after consuming the closing `}`.
    pub fn next_key(&mut self) -> Result<Option<Cow<'a, str>>, Error> {
        if !self.key_start()? {
            return Ok(None);
        }
        let key = self.scan_str()?;
        self.colon()?;
        Ok(Some(key))
    }

    /// Consumes the `,` before the next member (if any) and stops at its key's opening quote
    /// (returns true), or consumes the closing `}` (returns false).
    #[inline(always)]
    fn key_start(&mut self) -> Result<bool, Error> {
        self.skip_ws();
        let Some(b) = self.byte() else {
            return Err(self.eof());
        };
        if self.after_open {
            self.after_open = false;
            match b {
                b'"' => Ok(true),
                b'}' => {
                    self.leave();
                    Ok(false)
                }
                _ => Err(syntax("expected a string key or `}`", self.pos)),
            }
        } else {
            match b {
                b',' => {
                    self.pos += 1;
                    self.skip_ws();
                    match self.byte() {
                        Some(b'"') => Ok(true),
                        Some(b'}') => Err(syntax("trailing comma", self.pos)),
                        Some(_) => Err(syntax("expected a string key", self.pos)),
                        None => Err(self.eof()),
                    }
                }
                b'}' => {
                    self.leave();
                    Ok(false)
                }
                _ => Err(syntax("expected `,` or `}`", self.pos)),
            }
        }
    }

    /// Consumes the `:` after a key (and the whitespace around it).
    #[inline(always)]
    fn colon(&mut self) -> Result<(), Error> {
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

    /// Moves to the next member of the current object whose key is one of `keys` and returns
    /// its index in `keys` (the key and `:` consumed; the caller must then consume the value),
    /// skipping members with other keys; returns [`Parser::END`] after the closing `}`.
    ///
    /// `keys` must be sorted and must not contain `"` or `\\`. `hint` is where the next key is
    /// looked for first (the index after the previous match): members usually come in the
    /// order the keys are listed, so most keys are recognised by comparing their bytes in
    /// place with the hinted key or the next few, without reading them as strings; the others
    /// take a binary search. Start it at 0. The keys are `&str`s, or anything that holds one
    /// (the struct tables of [`struct_from_json!`](crate::json::struct_from_json)).
    #[inline(never)]
    pub fn next_field<K: AsRef<str>>(
        &mut self,
        keys: &[K],
        hint: &mut usize,
    ) -> Result<usize, Error> {
        if !self.key_start()? {
            return Ok(Self::END);
        }
        // Fast path: the input holds exactly the hinted key, or one of the few after it (the
        // keys in between being absent), unescaped.
        let rest = &self.input[self.pos + 1..];
        let mut i = *hint;
        let end = keys.len().min(i + 4);
        while i < end {
            let k = keys[i].as_ref().as_bytes();
            if rest.len() > k.len() && rest[k.len()] == b'"' && same_bytes(&rest[..k.len()], k) {
                self.pos += k.len() + 2;
                self.colon()?;
                *hint = i + 1;
                return Ok(i);
            }
            i += 1;
        }
        self.next_field_slow(keys, hint)
    }

    /// [`next_field`](Parser::next_field) for a key that is not where the hint expects it: read
    /// it as a string, look it up, skip the member when it is not one of `keys`. Kept out of
    /// line so that the fast path stays small.
    #[cold]
    #[inline(never)]
    fn next_field_slow<K: AsRef<str>>(
        &mut self,
        keys: &[K],
        hint: &mut usize,
    ) -> Result<usize, Error> {
        loop {
            let key = self.scan_str()?;
            self.colon()?;
            if let Ok(i) = keys.binary_search_by(|k| k.as_ref().cmp(&*key)) {
                *hint = i + 1;
                return Ok(i);
            }
            self.skip_value().map_err(|e| e.at_field(&key))?;
            if !self.key_start()? {
                return Ok(Self::END);
            }
        }
    }

    /// What [`next_field`](Parser::next_field) returns at the end of the object.
    pub const END: usize = usize::MAX;

    /// Consumes the `[` that starts an array. Then call
    /// [`next_element`](Parser::next_element) until it returns false.
    pub fn begin_array(&mut self) -> Result<(), Error> {
        self.skip_ws();
        if self.byte() != Some(b'[') {
            return Err(self.unexpected("an array"));
        }
        self.enter()
    }

    /// Moves to the next element of the current array: consumes the `,`
    /// before it (if any) and returns true when an element follows (the
    /// caller must then consume it), or false after consuming the closing `]`.
    pub fn next_element(&mut self) -> Result<bool, Error> {
        self.skip_ws();
        let Some(b) = self.byte() else {
            return Err(self.eof());
        };
        if b == b']' {
            self.after_open = false;
            self.leave();
            return Ok(false);
        }
        if self.after_open {
            self.after_open = false;
            return Ok(true);
        }
        if b != b',' {
            return Err(syntax("expected `,` or `]`", self.pos));
        }
        self.pos += 1;
        self.skip_ws();
        match self.byte() {
            Some(b']') => Err(syntax("trailing comma", self.pos)),
            Some(_) => Ok(true),
            None => Err(self.eof()),
        }
    }

    /// Skips a `"key":` whose opening quote is at the current position.
    #[inline]
    fn skip_key(&mut self) -> Result<(), Error> {
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

    /// Looks at the object that comes next without consuming anything (the
    /// full state is restored, also on error): returns the string value of
    /// its top-level `"object"` member, if any, and whether it has a
    /// top-level `"deleted": true` member. Nested members are ignored. The
    /// whole object is validated.
    pub fn peek_discriminator(&mut self) -> Result<Discriminator<'a>, Error> {
        let saved = self.checkpoint();
        let result = self.scan_discriminator();
        self.restore(saved);
        result
    }

    fn scan_discriminator(&mut self) -> Result<Discriminator<'a>, Error> {
        self.begin_object()?;
        let mut found = Discriminator::default();
        while let Some(key) = self.next_key()? {
            self.skip_ws();
            match &*key {
                "object" if self.byte() == Some(b'"') => found.object = Some(self.scan_str()?),
                "object" => {
                    found.object = None;
                    self.skip_value()?;
                }
                "deleted" if self.input[self.pos..].starts_with(b"true") => {
                    self.pos += 4;
                    found.deleted = true;
                }
                "deleted" => {
                    found.deleted = false;
                    self.skip_value()?;
                }
                _ => self.skip_value()?,
            }
        }
        Ok(found)
    }

    /// Checks that only whitespace remains; errors with "trailing
    /// characters" otherwise.
    pub fn end(&mut self) -> Result<(), Error> {
        self.skip_ws();
        if self.pos < self.input.len() {
            return Err(syntax("trailing characters", self.pos));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn same_bytes_agrees_with_slice_equality() {
        let words: [&[u8]; 9] = [
            b"",
            b"a",
            b"ab",
            b"abcd",
            b"abce",
            b"abcdefgh",
            b"abcdefgi",
            b"abcdefghijklmnop",
            b"abcdefghijklmnopq",
        ];
        for a in words {
            for b in words.iter().filter(|b| b.len() == a.len()) {
                assert_eq!(same_bytes(a, b), a == *b, "{a:?} {b:?}");
            }
            let mut changed = a.to_vec();
            for i in 0..changed.len() {
                changed[i] ^= 1;
                assert!(!same_bytes(a, &changed), "{a:?} at {i}");
                changed[i] ^= 1;
            }
        }
    }

    #[test]
    fn find_special_agrees_with_naive_scan() {
        let alphabet: &[u8] = b"ab\"\\\x01\x1f \x7f\xc3\xa9\xff";
        let mut seed = 0x1234_5678_9abc_def0_u64;
        for _ in 0..4000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 40) as usize;
            let mut s = Vec::with_capacity(len);
            let mut x = seed;
            for _ in 0..len {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                // Mostly plain letters so that long clean runs occur.
                let r = (x >> 33) as usize;
                s.push(if r % 4 == 0 {
                    alphabet[r / 4 % alphabet.len()]
                } else {
                    b'a' + (r % 26) as u8
                });
            }
            for start in 0..=s.len() {
                let naive = (start..s.len())
                    .find(|&i| s[i] == b'"' || s[i] == b'\\' || s[i] < 0x20)
                    .unwrap_or(s.len());
                let high = s[start..naive].iter().any(|&b| b >= 0x80);
                assert_eq!(find_special(&s, start), (naive, high), "{s:?} from {start}");
            }
        }
    }

    #[test]
    fn valid_numbers() {
        let cases: &[(&str, f64)] = &[
            ("0", 0.0),
            ("-0", -0.0),
            ("1", 1.0),
            ("-1", -1.0),
            ("0.5", 0.5),
            ("-0.0e0", -0.0),
            ("1e5", 1e5),
            ("1E+5", 1e5),
            ("1e-5", 1e-5),
            ("12.25E-2", 0.1225),
            ("123456789012345678901234567890", 1.2345678901234568e29),
            ("0.1", 0.1),
            ("2.2250738585072014e-308", 2.2250738585072014e-308),
            ("1e-400", 0.0),
            ("9007199254740993", 9007199254740992.0),
            (" \t\r\n17 \n", 17.0),
        ];
        for &(text, want) in cases {
            let got = f64_all(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(got, want, "{text}");
            assert_eq!(got.is_sign_negative(), want.is_sign_negative(), "{text}");
            skip_all(text.as_bytes()).unwrap();
        }
        let e = f64_all("1e400").unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::NumberOutOfRange { expected: "f64" });
        assert!(!e.is_syntax());
        // Syntactically fine, so skipping accepts it.
        skip_all(b"-1e400").unwrap();
    }

    #[test]
    fn invalid_numbers() {
        let cases: &[&str] = &[
            "01",
            "-01",
            "00",
            "+1",
            ".5",
            "1.",
            "1.e5",
            "1e",
            "1e+",
            "1E-",
            "-",
            "--1",
            "0x10",
            "- 1",
            "-a",
            "1ee5",
            "Infinity",
            "-Infinity",
            "NaN",
            "1_000",
            "0.e1",
        ];
        for &text in cases {
            let e = skip_all(text.as_bytes()).unwrap_err();
            assert!(e.is_syntax(), "{text}: {e}");
            let e = f64_all(text).unwrap_err();
            assert!(e.is_syntax(), "{text}: {e}");
            let e = i64_all(text).unwrap_err();
            assert!(e.is_syntax(), "{text}: {e}");
            let e = u64_all(text).unwrap_err();
            assert!(e.is_syntax(), "{text}: {e}");
        }
        assert_eq!(skip_all(b"01").unwrap_err().offset(), 1);
        // The number itself is fine, the `.` after it is not.
        assert_eq!(
            syntax_msg(&skip_all(b"1.5.").unwrap_err()),
            "trailing characters"
        );
        assert_eq!(
            syntax_msg(&f64_all("1.5.").unwrap_err()),
            "trailing characters"
        );
        assert_eq!(syntax_msg(&skip_all(b"1.x").unwrap_err()), "invalid number");
        assert_eq!(skip_all(b"1.").unwrap_err().kind(), &ErrorKind::Eof);
        assert_eq!(skip_all(b"-").unwrap_err().kind(), &ErrorKind::Eof);
        assert_eq!(i64_all("-").unwrap_err().kind(), &ErrorKind::Eof);
        assert_eq!(i64_all("1e").unwrap_err().kind(), &ErrorKind::Eof);
    }

    #[test]
    fn integers() {
        assert_eq!(i64_all("0").unwrap(), 0);
        assert_eq!(i64_all("-0").unwrap(), 0);
        assert_eq!(i64_all(" 42 ").unwrap(), 42);
        assert_eq!(i64_all("-42").unwrap(), -42);
        assert_eq!(i64_all("9223372036854775807").unwrap(), i64::MAX);
        assert_eq!(i64_all("-9223372036854775808").unwrap(), i64::MIN);
        assert_eq!(u64_all("18446744073709551615").unwrap(), u64::MAX);
        assert_eq!(u64_all("-0").unwrap(), 0);
        assert_eq!(u64_all("1234567890123456789").unwrap(), 1234567890123456789);

        let out_of_range = [
            ("9223372036854775808", "i64"),
            ("-9223372036854775809", "i64"),
            ("18446744073709551616", "i64"),
            ("99999999999999999999", "i64"),
            ("123456789012345678901234", "i64"),
        ];
        for (text, ty) in out_of_range {
            let e = i64_all(text).unwrap_err();
            assert_eq!(
                e.kind(),
                &ErrorKind::NumberOutOfRange { expected: ty },
                "{text}"
            );
            assert!(!e.is_syntax());
            assert_eq!(e.offset(), 0);
        }
        for text in ["18446744073709551616", "-1", "-18446744073709551615"] {
            let e = u64_all(text).unwrap_err();
            assert_eq!(
                e.kind(),
                &ErrorKind::NumberOutOfRange { expected: "u64" },
                "{text}"
            );
        }

        for text in [
            "1.5",
            "1e3",
            "-0.0",
            "1E+2",
            "1e400",
            "123456789012345678901.5",
        ] {
            let e = i64_all(text).unwrap_err();
            assert_eq!(
                e.kind(),
                &ErrorKind::Type {
                    expected: "an integer",
                    found: Kind::Number
                },
                "{text}"
            );
            assert_eq!(e.reason(), "expected an integer, found a number");
            assert!(!e.is_syntax());
            let e = u64_all(text).unwrap_err();
            assert!(!e.is_syntax(), "{text}");
        }

        let e = i64_all("\"5\"").unwrap_err();
        assert_eq!(e.reason(), "expected an integer, found a string");
        let e = i64_all("  null").unwrap_err();
        assert_eq!(e.reason(), "expected an integer, found null");
        assert_eq!(e.offset(), 2);

        let mut p = Parser::new(b"2147483648");
        let e = p
            .parse_signed(i32::MIN as i64, i32::MAX as i64, "i32")
            .unwrap_err();
        assert_eq!(e.reason(), "number out of range for i32");
        let mut p = Parser::new(b"-2147483648");
        assert_eq!(
            p.parse_signed(i32::MIN as i64, i32::MAX as i64, "i32")
                .unwrap(),
            i32::MIN as i64
        );
    }

    #[test]
    fn literals_and_eat_null() {
        let mut p = Parser::new(b" true false null");
        assert!(p.parse_bool().unwrap());
        assert!(!p.parse_bool().unwrap());
        assert!(p.eat_null().unwrap());
        p.end().unwrap();

        let mut p = Parser::new(b"  5");
        assert!(!p.eat_null().unwrap());
        assert_eq!(p.parse_i64().unwrap(), 5);

        let mut p = Parser::new(b"\"null\"");
        assert!(!p.eat_null().unwrap());
        assert_eq!(p.position(), 0);

        assert_eq!(
            Parser::new(b"nul").eat_null().unwrap_err().kind(),
            &ErrorKind::Eof
        );
        assert_eq!(
            syntax_msg(&Parser::new(b"nulx").eat_null().unwrap_err()),
            "invalid literal"
        );
        assert_eq!(
            Parser::new(b"tru").parse_bool().unwrap_err().kind(),
            &ErrorKind::Eof
        );
        assert!(Parser::new(b"True").parse_bool().unwrap_err().is_syntax());
        for bad in ["tru", "nul", "fals", "truee", "nulll", "TRUE", "t", "nan"] {
            assert!(skip_all(bad.as_bytes()).unwrap_err().is_syntax(), "{bad}");
        }
        let e = Parser::new(b"1").parse_bool().unwrap_err();
        assert_eq!(e.reason(), "expected a boolean, found a number");
    }

    #[test]
    fn strings_and_escapes() {
        let s = str_all(b"\"plain ascii\"").unwrap();
        assert!(matches!(s, Cow::Borrowed("plain ascii")));
        let s = str_all("\"caf\u{e9} \u{2603} \u{1F600}\"".as_bytes()).unwrap();
        assert!(matches!(s, Cow::Borrowed("caf\u{e9} \u{2603} \u{1F600}")));
        let s = str_all(b"\"\"").unwrap();
        assert!(matches!(s, Cow::Borrowed("")));
        let s = str_all(br#""a\"b\\c\/d\be\ff\ng\rh\ti""#).unwrap();
        assert!(matches!(s, Cow::Owned(_)));
        assert_eq!(s, "a\"b\\c/d\u{8}e\u{c}f\ng\rh\ti");
        assert_eq!(
            str_all(br#""\u0041\u00e9\u00E9\u2603""#).unwrap(),
            "A\u{e9}\u{e9}\u{2603}"
        );
        assert_eq!(str_all(br#""\uD83D\uDE00""#).unwrap(), "\u{1F600}");
        assert_eq!(str_all(br#""x\ud83d\ude00y""#).unwrap(), "x\u{1F600}y");
        assert_eq!(str_all(br#""\u0000""#).unwrap(), "\u{0}");
        assert_eq!(
            str_all("\"long prefix before the escape \u{e9}\\n and after \u{2603}\"".as_bytes())
                .unwrap(),
            "long prefix before the escape \u{e9}\n and after \u{2603}"
        );
        // DEL is not a control character for JSON.
        assert_eq!(str_all(b"\"\x7f\"").unwrap(), "\x7f");
        assert_eq!(Parser::new(b"\"a\"").parse_string().unwrap(), "a");
    }

    #[test]
    fn bad_strings() {
        let cases: &[(&[u8], &str)] = &[
            (br#""\uD83D""#, "lone surrogate in unicode escape"),
            (br#""\uD83Dx""#, "lone surrogate in unicode escape"),
            (br#""\uD83D\n""#, "lone surrogate in unicode escape"),
            (br#""\uD83D\u0041""#, "lone surrogate in unicode escape"),
            (br#""\uD83D\uD83D""#, "lone surrogate in unicode escape"),
            (br#""\uDE00""#, "lone surrogate in unicode escape"),
            (br#""\x""#, "invalid escape"),
            (br#""\U0041""#, "invalid escape"),
            (br#""\'""#, "invalid escape"),
            (br#""\u12G4""#, "invalid unicode escape"),
            (br#""\u-123""#, "invalid unicode escape"),
            (b"\"a\nb\"", "control character in string"),
            (b"\"a\tb\"", "control character in string"),
            (b"\"\x00\"", "control character in string"),
            (b"\"\x1f\"", "control character in string"),
            (b"\"esc \\n then raw \x01\"", "control character in string"),
        ];
        for &(input, msg) in cases {
            let e = str_all(input).unwrap_err();
            assert_eq!(syntax_msg(&e), msg, "{input:?}");
            let e = skip_all(input).unwrap_err();
            assert_eq!(syntax_msg(&e), msg, "skip {input:?}");
        }
        assert_eq!(str_all(b"\"a\nb\"").unwrap_err().offset(), 2);

        let bad_utf8: &[&[u8]] = &[
            b"\"\xff\"",
            b"\"abc\xc3\"",
            b"\"\xc0\xaf\"",
            b"\"\xed\xa0\x80\"",
            b"\"0123456789abcdef\xf5\x80\x80\x80\"",
            b"\"\\n\xe2\x98\"",
            b"\"ok \xe2\x98\x83 then \\t \x80\"",
        ];
        for &input in bad_utf8 {
            let e = str_all(input).unwrap_err();
            assert_eq!(e.kind(), &ErrorKind::InvalidUtf8, "{input:?}");
            assert!(e.is_syntax());
            let e = skip_all(input).unwrap_err();
            assert_eq!(e.kind(), &ErrorKind::InvalidUtf8, "skip {input:?}");
        }
        assert_eq!(str_all(b"\"abc\xff\"").unwrap_err().offset(), 4);

        let eofs: &[&[u8]] = &[
            b"\"",
            b"\"abc",
            b"\"abc\\",
            b"\"\\u",
            b"\"\\u12",
            b"\"\\uD83D",
            b"\"\\uD83D\\",
            b"\"\\uD83D\\u",
            b"\"\\uD83D\\uDE0",
            b"\"\\n",
            b"\"0123456789abcdefghijklmnop",
        ];
        for &input in eofs {
            let e = str_all(input).unwrap_err();
            assert_eq!(e.kind(), &ErrorKind::Eof, "{input:?}");
            assert_eq!(e.offset(), input.len());
            let e = skip_all(input).unwrap_err();
            assert_eq!(e.kind(), &ErrorKind::Eof, "skip {input:?}");
        }
    }

    #[test]
    fn whitespace_is_only_four_bytes() {
        skip_all(
            b" \t\r\n[ \t\r\n1 \t\r\n, \t\r\n{ \t\r\n\"a\" \t\r\n: \t\r\n2 \t\r\n} \t\r\n] \t\r\n",
        )
        .unwrap();
        for bad in [&b"\x0c1"[..], b"1\x0b", b"[1,\xc2\xa01]", b"\x001"] {
            assert!(skip_all(bad).unwrap_err().is_syntax(), "{bad:?}");
        }
    }

    #[test]
    fn objects_and_arrays() {
        let mut p = Parser::new(br#" { "a" : [ 1 , 2 ] , "b\u0063" : {} , "d": [] } "#);
        p.begin_object().unwrap();
        assert_eq!(p.depth(), 1);
        assert_eq!(p.next_key().unwrap().as_deref(), Some("a"));
        p.begin_array().unwrap();
        assert!(p.next_element().unwrap());
        assert_eq!(p.parse_i64().unwrap(), 1);
        assert!(p.next_element().unwrap());
        assert_eq!(p.parse_i64().unwrap(), 2);
        assert!(!p.next_element().unwrap());
        let key = p.next_key().unwrap().unwrap();
        assert_eq!(key, "bc");
        assert!(matches!(key, Cow::Owned(_)));
        p.begin_object().unwrap();
        assert_eq!(p.next_key().unwrap(), None);
        assert_eq!(p.next_key().unwrap().as_deref(), Some("d"));
        p.begin_array().unwrap();
        assert!(!p.next_element().unwrap());
        assert_eq!(p.next_key().unwrap(), None);
        assert_eq!(p.depth(), 0);
        p.end().unwrap();
    }

    fn walk(input: &[u8]) -> Result<(), Error> {
        // Drives the object/array API generically (like generated code would).
        fn value(p: &mut Parser<'_>) -> Result<(), Error> {
            match p.peek()? {
                Kind::Object => {
                    p.begin_object()?;
                    while p.next_key()?.is_some() {
                        value(p)?;
                    }
                    Ok(())
                }
                Kind::Array => {
                    p.begin_array()?;
                    while p.next_element()? {
                        value(p)?;
                    }
                    Ok(())
                }
                Kind::String => p.parse_str().map(drop),
                Kind::Number => p.parse_f64().map(drop),
                Kind::Bool => p.parse_bool().map(drop),
                Kind::Null => p.eat_null().map(drop),
            }
        }
        let mut p = Parser::new(input);
        value(&mut p)?;
        p.end()
    }

    #[test]
    fn structural_errors() {
        let cases: &[(&str, &str)] = &[
            (r#"{"a" 1}"#, "expected `:`"),
            (r#"{"a":1 "b":2}"#, "expected `,` or `}`"),
            (r#"{"a":1,}"#, "trailing comma"),
            (r#"{,}"#, "expected a string key or `}`"),
            (r#"{1:2}"#, "expected a string key or `}`"),
            (r#"{"a":1,2:3}"#, "expected a string key"),
            (r#"[1 2]"#, "expected `,` or `]`"),
            (r#"[1,]"#, "trailing comma"),
            (r#"[,1]"#, "expected value"),
            (r#"[1,,2]"#, "expected value"),
            (r#"{"a":1]"#, "expected `,` or `}`"),
            (r#"[1}"#, "expected `,` or `]`"),
            (r#"{"a":}"#, "expected value"),
            ("1 2", "trailing characters"),
            ("{} x", "trailing characters"),
            ("[]]", "trailing characters"),
            ("null,", "trailing characters"),
            ("\"a\"\"b\"", "trailing characters"),
            ("", "<eof>"),
            ("   ", "<eof>"),
            ("}", "expected value"),
            ("'a'", "expected value"),
        ];
        for &(text, msg) in cases {
            for (name, r) in [
                ("skip", skip_all(text.as_bytes())),
                ("walk", walk(text.as_bytes())),
            ] {
                let e = r.unwrap_err();
                assert!(e.is_syntax(), "{name} {text}: {e}");
                if msg == "<eof>" {
                    assert_eq!(e.kind(), &ErrorKind::Eof, "{name} {text}");
                } else {
                    assert_eq!(syntax_msg(&e), msg, "{name} {text}");
                }
            }
        }
        let e = skip_all(b"[1 2]").unwrap_err();
        assert_eq!(e.offset(), 3);
        assert_eq!(e.to_string(), "expected `,` or `]` at $ (byte 3)");
    }

    #[test]
    fn eof_in_every_construct() {
        let doc =
            br#"{"a":[1,true,null,false,"x\u00e9\n",{"b":-1.5e3},[]],"c":{},"d":"\uD83D\uDE00"}"#;
        skip_all(doc).unwrap();
        walk(doc).unwrap();
        for len in 0..doc.len() {
            let prefix = &doc[..len];
            for (name, r) in [("skip", skip_all(prefix)), ("walk", walk(prefix))] {
                let e = r.unwrap_err();
                assert_eq!(
                    e.kind(),
                    &ErrorKind::Eof,
                    "{name} {:?}",
                    String::from_utf8_lossy(prefix)
                );
                assert_eq!(e.offset(), len);
            }
        }
    }

    fn nested(depth: usize, open: &str, close: &str) -> String {
        format!("{}{}", open.repeat(depth), close.repeat(depth))
    }

    #[test]
    fn depth_limit() {
        let ok_arrays = nested(128, "[", "]");
        let ok_mixed = format!("{}1{}", "[{\"a\":".repeat(64), "}]".repeat(64));
        for doc in [&ok_arrays, &ok_mixed] {
            skip_all(doc.as_bytes()).unwrap();
            walk(doc.as_bytes()).unwrap();
        }
        let too_deep = [
            nested(129, "[", "]"),
            format!("{}1{}", "{\"a\":".repeat(129), "}".repeat(129)),
            format!("{}1{}", "[{\"a\":".repeat(65), "}]".repeat(65)),
            "[".repeat(100_000),
        ];
        for doc in &too_deep {
            let e = skip_all(doc.as_bytes()).unwrap_err();
            assert_eq!(e.kind(), &ErrorKind::DepthLimit);
            assert!(e.is_syntax());
            let e = walk(doc.as_bytes()).unwrap_err();
            assert_eq!(e.kind(), &ErrorKind::DepthLimit);
        }
        assert_eq!(
            skip_all(nested(129, "[", "]").as_bytes())
                .unwrap_err()
                .offset(),
            128
        );
        // The limit counts levels already entered through the pull API.
        let wrapped = format!("[{ok_arrays}]");
        let mut p = Parser::new(wrapped.as_bytes());
        p.begin_array().unwrap();
        assert!(p.next_element().unwrap());
        let e = p.skip_value().unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::DepthLimit);
        // ...and skipping does not change the depth.
        assert_eq!(p.depth(), 1);
    }

    #[test]
    fn type_errors_are_not_syntax_errors() {
        let mut p = Parser::new(br#"{"a": "x"}"#);
        let e = p.begin_array().unwrap_err();
        assert_eq!(
            e.kind(),
            &ErrorKind::Type {
                expected: "an array",
                found: Kind::Object
            }
        );
        assert!(!e.is_syntax());
        assert_eq!(e.offset(), 0);
        let e = Parser::new(b" [1]").begin_object().unwrap_err();
        assert_eq!(e.reason(), "expected an object, found an array");
        assert_eq!(e.offset(), 1);
        let e = Parser::new(b"true").parse_str().unwrap_err();
        assert_eq!(e.reason(), "expected a string, found a boolean");
        let e = Parser::new(b"{}").parse_f64().unwrap_err();
        assert_eq!(e.reason(), "expected a number, found an object");
        // A malformed value of the wrong type is reported as a syntax error.
        let e = Parser::new(b"[1,]").parse_str().unwrap_err();
        assert_eq!(syntax_msg(&e), "trailing comma");
        let e = Parser::new(b"tru").parse_str().unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::Eof);
        let e = Parser::new(b"@").parse_str().unwrap_err();
        assert_eq!(syntax_msg(&e), "expected value");
    }

    #[test]
    fn peek_kinds() {
        let cases: &[(&str, Kind)] = &[
            ("null", Kind::Null),
            (" true", Kind::Bool),
            ("false", Kind::Bool),
            ("-1", Kind::Number),
            ("0", Kind::Number),
            ("\"s\"", Kind::String),
            ("\n[", Kind::Array),
            ("{", Kind::Object),
        ];
        for &(text, kind) in cases {
            let mut p = Parser::new(text.as_bytes());
            assert_eq!(p.peek().unwrap(), kind, "{text}");
            let pos = p.position();
            assert_eq!(p.peek().unwrap(), kind, "{text}");
            assert_eq!(p.position(), pos);
        }
        assert_eq!(Parser::new(b"").peek().unwrap_err().kind(), &ErrorKind::Eof);
        assert!(Parser::new(b"x").peek().unwrap_err().is_syntax());
    }

    #[test]
    fn raw_value_returns_exact_text() {
        let doc = br#"{"a": {"b": [1, 2.5e3, "x\"y\u00e9"] , "c" : null}, "d": true}"#;
        let mut p = Parser::new(doc);
        p.begin_object().unwrap();
        assert_eq!(p.next_key().unwrap().as_deref(), Some("a"));
        assert_eq!(
            p.raw_value().unwrap(),
            r#"{"b": [1, 2.5e3, "x\"y\u00e9"] , "c" : null}"#
        );
        assert_eq!(p.next_key().unwrap().as_deref(), Some("d"));
        assert_eq!(p.raw_value().unwrap(), "true");
        assert_eq!(p.next_key().unwrap(), None);
        p.end().unwrap();
        let mut p = Parser::new("  \"h\u{e9}\"  ".as_bytes());
        assert_eq!(p.raw_value().unwrap(), "\"h\u{e9}\"");
        assert!(Parser::new(b"[1,").raw_value().is_err());
    }

    #[test]
    fn peek_discriminator_restores_position() {
        let doc = br#"{
            "id": "in_1",
            "nested": {"object": "card", "deleted": true, "x": [{"object": "no"}]},
            "list": [{"object": "line_item"}],
            "object": "invoice",
            "deleted": true
        }"#;
        let mut p = Parser::new(doc);
        let d = p.peek_discriminator().unwrap();
        assert_eq!(d.object.as_deref(), Some("invoice"));
        assert!(d.deleted);
        assert_eq!(p.position(), 0);
        assert_eq!(p.depth(), 0);
        // Parsing afterwards works normally.
        p.begin_object().unwrap();
        assert_eq!(p.next_key().unwrap().as_deref(), Some("id"));

        let cases: &[(&str, Option<&str>, bool)] = &[
            (
                r#"{"object": "customer", "id": "cus_1"}"#,
                Some("customer"),
                false,
            ),
            (
                r#"{"deleted": true, "id": "x", "object": "customer"}"#,
                Some("customer"),
                true,
            ),
            (
                r#"{"deleted": false, "object": "customer"}"#,
                Some("customer"),
                false,
            ),
            (
                r#"{"deleted": "true", "object": "customer"}"#,
                Some("customer"),
                false,
            ),
            (
                r#"{"data": {"object": "charge", "deleted": true}}"#,
                None,
                false,
            ),
            (r#"{"object": 5}"#, None, false),
            (r#"{"object": "cust\u006fmer"}"#, Some("customer"), false),
            (r#"{}"#, None, false),
        ];
        for &(text, object, deleted) in cases {
            let mut p = Parser::new(text.as_bytes());
            p.skip_ws();
            let d = p.peek_discriminator().unwrap();
            assert_eq!(d.object.as_deref(), object, "{text}");
            assert_eq!(d.deleted, deleted, "{text}");
            assert_eq!(p.position(), 0, "{text}");
            p.skip_value().unwrap();
            p.end().unwrap();
        }

        // Inside an array, after some whitespace: position and depth are kept.
        let mut p = Parser::new(br#"[ 1,  {"object": "price"} ]"#);
        p.begin_array().unwrap();
        assert!(p.next_element().unwrap());
        p.parse_i64().unwrap();
        assert!(p.next_element().unwrap());
        let before = p.checkpoint();
        let d = p.peek_discriminator().unwrap();
        assert_eq!(d.object.as_deref(), Some("price"));
        assert_eq!(p.checkpoint(), before);

        // Errors restore the position too.
        let mut p = Parser::new(br#"{"object": "x", "a": [1,]}"#);
        let e = p.peek_discriminator().unwrap_err();
        assert_eq!(syntax_msg(&e), "trailing comma");
        assert_eq!(p.position(), 0);
        let e = Parser::new(b"[]").peek_discriminator().unwrap_err();
        assert_eq!(e.reason(), "expected an object, found an array");
    }

    #[test]
    fn set_position_and_checkpoints() {
        let mut p = Parser::new(br#"{"a": 1, "b": "x"}"#);
        p.begin_object().unwrap();
        p.next_key().unwrap();
        let pos = p.position();
        assert!(p.parse_str().is_err());
        p.set_position(pos);
        assert_eq!(p.parse_i64().unwrap(), 1);

        let cp = p.checkpoint();
        assert_eq!(p.next_key().unwrap().as_deref(), Some("b"));
        p.skip_value().unwrap();
        assert_eq!(p.next_key().unwrap(), None);
        assert_eq!(p.depth(), 0);
        p.restore(cp);
        assert_eq!(p.depth(), 1);
        assert_eq!(p.next_key().unwrap().as_deref(), Some("b"));
        assert_eq!(p.parse_str().unwrap(), "x");
        assert_eq!(p.next_key().unwrap(), None);
        p.end().unwrap();
        assert_eq!(p.input().len(), p.position());
        p.set_position(usize::MAX);
        assert_eq!(p.position(), p.input().len());
    }
}
