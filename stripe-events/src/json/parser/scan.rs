//! Byte scanning: whitespace, the bytes that end a string's plain run, and the helpers every
//! other part uses to look at the input.

use crate::json::error::{Error, ErrorKind, Kind};

pub(super) const LO: u64 = 0x0101_0101_0101_0101;
pub(super) const HI: u64 = 0x8080_8080_8080_8080;

/// High bit set in each byte of `x` that may be `"`, `\` or a control
/// character; the lowest set byte is always exact (higher ones may be false
/// positives caused by borrows, which only happen above a real match).
#[inline(always)]
pub(super) fn special_mask(x: u64) -> u64 {
    let quote = (x ^ (LO * b'"' as u64)).wrapping_sub(LO);
    let backslash = (x ^ (LO * b'\\' as u64)).wrapping_sub(LO);
    let control = x.wrapping_sub(LO * 0x20);
    (quote | backslash | control) & !x & HI
}

/// Index of the first `"`, `\` or control byte at or after `i` (or
/// `input.len()`), and whether a non-ASCII byte was seen before it.
#[inline(always)]
pub(super) fn find_special(input: &[u8], mut i: usize) -> (usize, bool) {
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
pub(in crate::json) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
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
pub(super) fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t')
}

/// Index of the first non-whitespace byte at or after `i` (or `input.len()`).
/// Runs of spaces (indentation) are skipped eight bytes at a time.
#[inline]
pub(super) fn skip_ws_from(input: &[u8], mut i: usize) -> usize {
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
pub(super) fn kind_of(b: u8) -> Option<Kind> {
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
pub(super) fn syntax(msg: &'static str, offset: usize) -> Error {
    Error::new(ErrorKind::Syntax(msg), offset)
}

/// Converts bytes that `find_special` reported as pure ASCII to a `str`
/// without validating them again (`str::from_utf8` is an out-of-line call,
/// which costs noticeably on the many short keys and values of a document).
#[inline(always)]
#[allow(unsafe_code)]
pub(super) fn ascii_str(bytes: &[u8]) -> &str {
    debug_assert!(bytes.is_ascii());
    // SAFETY: the caller checked that every byte is below 0x80 (the high-bit
    // accumulator of `find_special` is zero), and ASCII is valid UTF-8.
    unsafe { std::str::from_utf8_unchecked(bytes) }
}

/// Validates `input[start..end]` as UTF-8.
#[inline]
pub(super) fn to_str(input: &[u8], start: usize, end: usize) -> Result<&str, Error> {
    std::str::from_utf8(&input[start..end])
        .map_err(|e| Error::new(ErrorKind::InvalidUtf8, start + e.valid_up_to()))
}
