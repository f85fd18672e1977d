//! Parsing of the `Stripe-Signature` header.

use super::error::SignatureError;
use super::hex::decode_hex32;

/// Longest `Stripe-Signature` header accepted, in bytes (8 KiB). Longer
/// headers are rejected as malformed before any parsing. Real headers are
/// about 150 bytes (a timestamp and one or two signatures); the limit
/// leaves room for well over a hundred signatures.
pub const MAX_HEADER_LEN: usize = 8 * 1024;

const TOO_LONG: &str = "header is longer than 8192 bytes";
const NOT_KEY_VALUE: &str = "an item is not a key=value pair";
const MISSING_TIMESTAMP: &str = "missing timestamp (t=)";
const DUPLICATE_TIMESTAMP: &str = "duplicate timestamp (t=)";
const TIMESTAMP_NOT_INTEGER: &str = "timestamp (t=) is not a non-negative decimal integer";
const TIMESTAMP_OUT_OF_RANGE: &str = "timestamp (t=) is out of range";
const NO_USABLE_V1: &str = "no v1 signature is 64 hexadecimal digits";

fn malformed(reason: &'static str) -> SignatureError {
    SignatureError::MalformedHeader { reason }
}

/// A parsed `Stripe-Signature` header: `t=<unix seconds>,v1=<hex>[,v1=<hex>...]`.
///
/// Produced by [`parse_header`]. It borrows the well-formed `v1` values from
/// the header text; parsing says nothing about whether they are authentic,
/// that is [`Verifier`](super::Verifier)'s job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHeader<'a> {
    /// The `t=` value: when Stripe signed the payload, in unix seconds.
    pub timestamp: i64,
    /// The `v1=` values that are exactly 64 hex digits, in header order.
    v1: Vec<&'a str>,
    /// How many `v1=` values were not 64 hex digits (and so can never match).
    unusable_v1: usize,
}

impl<'a> SignatureHeader<'a> {
    /// The usable `v1` signatures (each exactly 64 hex digits, either case,
    /// surrounding whitespace removed), in the order they appear.
    /// Never empty.
    #[must_use]
    pub fn v1_signatures(&self) -> &[&'a str] {
        &self.v1
    }

    /// How many `v1` entries were ignored because they are not exactly 64
    /// hex digits. Such entries can never match any MAC.
    #[must_use]
    pub fn unusable_v1_count(&self) -> usize {
        self.unusable_v1
    }

    /// The usable signatures decoded to bytes.
    pub(crate) fn decoded_v1(&self) -> impl Iterator<Item = [u8; 32]> + '_ {
        // Every stored value was checked by `decode_hex32` while parsing.
        self.v1.iter().filter_map(|sig| decode_hex32(sig))
    }
}

/// Parses a `Stripe-Signature` header without checking any signature.
///
/// Rules, in the order they are applied:
///
/// 1. A header longer than [`MAX_HEADER_LEN`] bytes is
///    [`MalformedHeader`](SignatureError::MalformedHeader), before anything
///    else is looked at.
/// 2. An empty or all-whitespace header is
///    [`MissingHeader`](SignatureError::MissingHeader).
/// 3. The header is split into items at `,`; ASCII whitespace around each
///    item is ignored and empty items (e.g. from a trailing comma) are
///    skipped. Every other item must contain `=`: it is split at the first
///    `=` into a key and a value, each trimmed of ASCII whitespace. Keys are
///    case-sensitive.
/// 4. `t` is the timestamp: ASCII digits only (no sign), fitting in `i64`.
///    A second `t` is rejected even if it has the same value, because it
///    makes the header ambiguous.
/// 5. `v1` values are collected; a value that is not exactly 64 hex digits
///    (either case) is ignored, since it can never match. Every other key
///    (`v0`, `v2`, anything unknown, the empty key) is ignored.
/// 6. No `t` is `MalformedHeader`; no `v1` entry at all is
///    [`NoV1Signature`](SignatureError::NoV1Signature); `v1` entries of which
///    none is 64 hex digits is `MalformedHeader`.
///
/// This function is total: it never panics, whatever the input.
///
/// # Errors
///
/// [`SignatureError::MissingHeader`], [`SignatureError::MalformedHeader`] or
/// [`SignatureError::NoV1Signature`], as described above.
///
/// ```
/// use stripe_events::signature::parse_header;
///
/// let text = "t=1492774577, v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd, v0=abc";
/// let header = parse_header(text).unwrap();
/// assert_eq!(header.timestamp, 1492774577);
/// assert_eq!(
///     header.v1_signatures(),
///     ["5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd"]
/// );
/// ```
pub fn parse_header(header: &str) -> Result<SignatureHeader<'_>, SignatureError> {
    if header.len() > MAX_HEADER_LEN {
        return Err(malformed(TOO_LONG));
    }
    if header.trim_ascii().is_empty() {
        return Err(SignatureError::MissingHeader);
    }

    let mut timestamp = None;
    let mut v1 = Vec::new();
    let mut unusable_v1 = 0usize;

    for item in header.split(',') {
        let item = item.trim_ascii();
        if item.is_empty() {
            continue;
        }
        let Some((key, value)) = item.split_once('=') else {
            return Err(malformed(NOT_KEY_VALUE));
        };
        let value = value.trim_ascii();
        match key.trim_ascii() {
            "t" => {
                if timestamp.is_some() {
                    return Err(malformed(DUPLICATE_TIMESTAMP));
                }
                timestamp = Some(parse_timestamp(value)?);
            }
            "v1" => {
                if decode_hex32(value).is_some() {
                    v1.push(value);
                } else {
                    unusable_v1 += 1;
                }
            }
            _ => {}
        }
    }

    let Some(timestamp) = timestamp else {
        return Err(malformed(MISSING_TIMESTAMP));
    };
    if v1.is_empty() {
        return Err(if unusable_v1 == 0 {
            SignatureError::NoV1Signature
        } else {
            malformed(NO_USABLE_V1)
        });
    }
    Ok(SignatureHeader {
        timestamp,
        v1,
        unusable_v1,
    })
}

fn parse_timestamp(value: &str) -> Result<i64, SignatureError> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(malformed(TIMESTAMP_NOT_INTEGER));
    }
    value
        .parse::<i64>()
        .map_err(|_| malformed(TIMESTAMP_OUT_OF_RANGE))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SIG_A: &str = "5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd";
    const SIG_B: &str = "6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39";

    fn reason(header: &str) -> &'static str {
        match parse_header(header) {
            Err(SignatureError::MalformedHeader { reason }) => reason,
            other => panic!("expected MalformedHeader for {header:?}, got {other:?}"),
        }
    }

    #[test]
    fn parses_stripe_example() {
        let text = format!("t=1492774577,v1={SIG_A},v0={SIG_B}");
        let h = parse_header(&text).unwrap();
        assert_eq!(h.timestamp, 1_492_774_577);
        assert_eq!(h.v1_signatures(), [SIG_A]);
        assert_eq!(h.unusable_v1_count(), 0);
    }

    #[test]
    fn keeps_every_v1_in_order() {
        let text = format!("v1={SIG_B},t=5,v1={SIG_A}");
        let h = parse_header(&text).unwrap();
        assert_eq!(h.timestamp, 5);
        assert_eq!(h.v1_signatures(), [SIG_B, SIG_A]);
        assert_eq!(h.decoded_v1().count(), 2);
    }

    #[test]
    fn whitespace_around_items_keys_and_values_is_ignored() {
        let text = format!(" \t t = 12 ,\tv1 =  {SIG_A}\t, , v0= x ,");
        let h = parse_header(&text).unwrap();
        assert_eq!(h.timestamp, 12);
        assert_eq!(h.v1_signatures(), [SIG_A]);
    }

    #[test]
    fn value_is_split_at_first_equals_only() {
        // "v2==..." and "x=a=b" are unknown keys: ignored, not errors.
        let text = format!("t=1,v2==abc,x=a=b,v1={SIG_A}");
        assert!(parse_header(&text).is_ok());
        // A v1 value containing '=' is not 64 hex digits: unusable.
        let text = format!("t=1,v1={SIG_A}=,v1={SIG_B}");
        let h = parse_header(&text).unwrap();
        assert_eq!(h.v1_signatures(), [SIG_B]);
        assert_eq!(h.unusable_v1_count(), 1);
    }

    #[test]
    fn empty_and_whitespace_headers_are_missing() {
        assert_eq!(parse_header(""), Err(SignatureError::MissingHeader));
        assert_eq!(parse_header(" \t\r\n"), Err(SignatureError::MissingHeader));
    }

    #[test]
    fn timestamp_errors() {
        assert_eq!(reason(&format!("v1={SIG_A}")), MISSING_TIMESTAMP);
        assert_eq!(reason(",,,"), MISSING_TIMESTAMP);
        assert_eq!(reason(&format!("t=,v1={SIG_A}")), TIMESTAMP_NOT_INTEGER);
        assert_eq!(reason(&format!("t=abc,v1={SIG_A}")), TIMESTAMP_NOT_INTEGER);
        assert_eq!(reason(&format!("t=12.5,v1={SIG_A}")), TIMESTAMP_NOT_INTEGER);
        assert_eq!(reason(&format!("t=-1,v1={SIG_A}")), TIMESTAMP_NOT_INTEGER);
        assert_eq!(reason(&format!("t=+1,v1={SIG_A}")), TIMESTAMP_NOT_INTEGER);
        assert_eq!(reason(&format!("t=1 2,v1={SIG_A}")), TIMESTAMP_NOT_INTEGER);
        assert_eq!(reason(&format!("t=١٢,v1={SIG_A}")), TIMESTAMP_NOT_INTEGER);
        assert_eq!(
            reason(&format!("t=9223372036854775808,v1={SIG_A}")),
            TIMESTAMP_OUT_OF_RANGE
        );
        let text = format!("t=9223372036854775807,v1={SIG_A}");
        let max = parse_header(&text).unwrap();
        assert_eq!(max.timestamp, i64::MAX);
        let text = format!("t=0042,v1={SIG_A}");
        let zeros = parse_header(&text).unwrap();
        assert_eq!(zeros.timestamp, 42);
    }

    #[test]
    fn duplicate_timestamp_is_rejected() {
        assert_eq!(reason(&format!("t=1,t=2,v1={SIG_A}")), DUPLICATE_TIMESTAMP);
        assert_eq!(reason(&format!("t=1,v1={SIG_A},t=1")), DUPLICATE_TIMESTAMP);
    }

    #[test]
    fn item_without_equals_is_malformed() {
        assert_eq!(reason(&format!("t=1,v1={SIG_A},garbage")), NOT_KEY_VALUE);
        assert_eq!(reason(&format!("t=1 v1={SIG_A}")), TIMESTAMP_NOT_INTEGER);
    }

    #[test]
    fn v1_presence() {
        assert_eq!(
            parse_header(&format!("t=1,v0={SIG_A}")),
            Err(SignatureError::NoV1Signature)
        );
        assert_eq!(
            parse_header(&format!("t=1,v2={SIG_A},V1={SIG_A}")),
            Err(SignatureError::NoV1Signature)
        );
        assert_eq!(parse_header("t=1"), Err(SignatureError::NoV1Signature));
        assert_eq!(reason("t=1,v1=abc"), NO_USABLE_V1);
        assert_eq!(reason("t=1,v1="), NO_USABLE_V1);
        assert_eq!(reason(&format!("t=1,v1={SIG_A}00")), NO_USABLE_V1);
    }

    #[test]
    fn upper_case_hex_is_usable() {
        let upper = SIG_A.to_ascii_uppercase();
        let text = format!("t=1,v1={upper}");
        let h = parse_header(&text).unwrap();
        assert_eq!(h.v1_signatures(), [upper.as_str()]);
    }

    #[test]
    fn length_limit_is_checked_first() {
        let base = format!("t=1,v1={SIG_A}");
        let at_limit = format!("{base}{}", " ".repeat(MAX_HEADER_LEN - base.len()));
        assert_eq!(at_limit.len(), MAX_HEADER_LEN);
        assert!(parse_header(&at_limit).is_ok());
        let over = format!("{at_limit} ");
        assert_eq!(reason(&over), TOO_LONG);
        // Even whitespace or otherwise-missing content is "too long" first.
        assert_eq!(reason(&" ".repeat(MAX_HEADER_LEN + 1)), TOO_LONG);
        let huge = format!("t=1,{}", format!("v1={SIG_A},").repeat(200));
        assert!(huge.len() > MAX_HEADER_LEN);
        assert_eq!(reason(&huge), TOO_LONG);
    }

    #[test]
    fn malformed_reasons_do_not_echo_the_header() {
        for header in [
            format!("t=secretish,v1={SIG_A}"),
            format!("t=1,t=2,v1={SIG_A}"),
            format!("t=1,v1={SIG_A},garbage"),
            "t=1,v1=deadbeef".to_owned(),
        ] {
            let text = parse_header(&header).unwrap_err().to_string();
            assert!(!text.contains(SIG_A), "{text}");
            assert!(!text.contains("secretish"), "{text}");
            assert!(!text.contains("garbage"), "{text}");
            assert!(!text.contains("deadbeef"), "{text}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn never_panics_on_any_string(text in any::<String>()) {
            let _ = parse_header(&text);
        }

        #[test]
        fn never_panics_on_header_like_strings(
            text in "[tv01 2=,\t a-fA-F9xé-]{0,200}"
        ) {
            let _ = parse_header(&text);
        }

        #[test]
        fn parses_what_it_should(
            ts in 0i64..=i64::MAX,
            sigs in prop::collection::vec(any::<[u8; 32]>(), 1..5),
        ) {
            let mut text = format!("t={ts}");
            for s in &sigs {
                text.push_str(",v1=");
                text.push_str(&super::super::hex::to_hex(s));
            }
            let h = parse_header(&text).unwrap();
            prop_assert_eq!(h.timestamp, ts);
            prop_assert_eq!(h.decoded_v1().collect::<Vec<_>>(), sigs);
        }
    }
}
