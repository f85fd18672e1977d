//! Minimal hex encoding and decoding (no dependency needed for 32 bytes).

const LOWER: &[u8; 16] = b"0123456789abcdef";

/// Encodes bytes as lowercase hexadecimal, two digits per byte.
///
/// ```
/// assert_eq!(stripe_events::signature::to_hex(&[0x00, 0xab, 0xff]), "00abff");
/// ```
#[must_use]
pub fn to_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(LOWER[usize::from(b >> 4)]));
        out.push(char::from(LOWER[usize::from(b & 0x0f)]));
    }
    out
}

/// The value of one hex digit, either case.
fn nibble(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

/// Decodes exactly 64 hex digits (either case) into 32 bytes; anything else
/// (other length, a non-hex character, a sign, whitespace) gives `None`.
///
/// The input is attacker-supplied signature text, not secret data, so this
/// does not need to be constant time; the comparison against the MAC is.
pub(crate) fn decode_hex32(text: &str) -> Option<[u8; 32]> {
    let digits = text.as_bytes();
    if digits.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        *byte = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn encodes_lowercase() {
        assert_eq!(to_hex(&[]), "");
        assert_eq!(
            to_hex(&[0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef]),
            "0123456789abcdef"
        );
        assert_eq!(to_hex(&[0xff, 0x00]), "ff00");
    }

    #[test]
    fn decodes_either_case_and_only_64_digits() {
        let lower = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        let expected: [u8; 32] = [
            0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd,
            0xee, 0xff, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
            0xcc, 0xdd, 0xee, 0xff,
        ];
        assert_eq!(decode_hex32(lower), Some(expected));
        assert_eq!(decode_hex32(&lower.to_ascii_uppercase()), Some(expected));
        assert_eq!(decode_hex32(&lower[..62]), None);
        assert_eq!(decode_hex32(&format!("{lower}00")), None);
        assert_eq!(decode_hex32(&lower.replace('a', "g")), None);
        assert_eq!(decode_hex32(""), None);
        // 64 bytes but not 64 ASCII digits.
        assert_eq!(decode_hex32(&format!("{}é", &lower[..62])), None);
        assert_eq!(decode_hex32(&format!("+{}", &lower[1..])), None);
        assert_eq!(decode_hex32(&format!(" {}", &lower[1..])), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn round_trips(bytes in any::<[u8; 32]>()) {
            let hex = to_hex(&bytes);
            prop_assert_eq!(hex.len(), 64);
            prop_assert_eq!(decode_hex32(&hex), Some(bytes));
            prop_assert_eq!(decode_hex32(&hex.to_ascii_uppercase()), Some(bytes));
        }

        #[test]
        fn decode_is_total(text in any::<String>()) {
            let _ = decode_hex32(&text);
        }
    }
}
