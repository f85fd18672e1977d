//! Property tests: a signed body always verifies, and any change to the body, the timestamp or
//! the signature fails.

use super::*;

/// Secrets as users might configure them: non-empty, any characters.
fn secret_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        "whsec_[A-Za-z0-9+/]{1,48}",
        any::<String>().prop_filter("non-empty", |s| !s.is_empty()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn signed_body_always_verifies(
        body in prop::collection::vec(any::<u8>(), 0..512),
        secret in secret_strategy(),
        t in any::<u32>().prop_map(i64::from),
        skew in -300i64..=300,
        upper in any::<bool>(),
    ) {
        let mut header = generate_test_header(&body, &secret, t);
        if upper {
            header = header.to_ascii_uppercase().replacen("T=", "t=", 1).replacen("V1=", "v1=", 1);
        }
        let verified = Verifier::new(secret.as_str())
            .clock(FixedClock(t + skew))
            .verify(&body, Some(&header));
        prop_assert_eq!(verified, Ok(Verified { timestamp: t, secret_index: 0 }));
    }

    #[test]
    fn any_body_byte_change_fails(
        body in prop::collection::vec(any::<u8>(), 1..512),
        secret in secret_strategy(),
        index in any::<prop::sample::Index>(),
        flip in 1u8..=255,
    ) {
        let t = T;
        let header = generate_test_header(&body, &secret, t);
        let mut tampered = body.clone();
        let i = index.index(tampered.len());
        tampered[i] ^= flip;
        let result = Verifier::new(secret.as_str()).clock(FixedClock(t)).verify(&tampered, Some(&header));
        prop_assert_eq!(result, Err(SignatureError::NoMatchingSignature));
    }

    #[test]
    fn any_timestamp_change_fails(
        body in prop::collection::vec(any::<u8>(), 0..256),
        t in any::<u32>().prop_map(i64::from),
        delta in any::<i32>().prop_filter("non-zero", |d| *d != 0),
    ) {
        let sig = sig_hex(&body, SECRET, t);
        let other = t + i64::from(delta);
        let header = format!("t={other},v1={sig}");
        // The clock agrees with the claimed timestamp, so only the MAC can reject it.
        let result = Verifier::new(SECRET).clock(FixedClock(other)).verify(&body, Some(&header));
        if other >= 0 {
            prop_assert_eq!(result, Err(SignatureError::NoMatchingSignature));
        } else {
            prop_assert!(
                matches!(result, Err(SignatureError::MalformedHeader { .. })),
                "{:?}",
                result
            );
        }
    }

    #[test]
    fn any_timestamp_text_byte_change_fails(
        t in 1_000_000_000i64..=9_999_999_999,
        index in any::<prop::sample::Index>(),
        replacement in any::<u8>(),
    ) {
        let sig = sig_hex(BODY, SECRET, t);
        let mut digits = t.to_string().into_bytes();
        let i = index.index(digits.len());
        prop_assume!(digits[i] != replacement);
        digits[i] = replacement;
        // May not be UTF-8 any more; such a header cannot reach us as &str.
        if let Ok(text) = String::from_utf8(digits) {
            let header = format!("t={text},v1={sig}");
            let now = text.trim_ascii().parse::<i64>().unwrap_or(t);
            let result = Verifier::new(SECRET).clock(FixedClock(now)).verify(BODY, Some(&header));
            prop_assert!(result.is_err(), "{header}");
        }
    }

    #[test]
    fn any_signature_byte_change_fails(
        body in prop::collection::vec(any::<u8>(), 0..256),
        index in 0usize..32,
        flip in 1u8..=255,
    ) {
        let mut sig = compute_signature(&body, SECRET, T);
        sig[index] ^= flip;
        let header = format!("t={T},v1={}", to_hex(&sig));
        prop_assert_eq!(
            verifier_at(T).verify(&body, Some(&header)),
            Err(SignatureError::NoMatchingSignature)
        );
    }

    #[test]
    fn any_signature_hex_char_change_fails(
        index in 0usize..64,
        replacement in any::<char>(),
    ) {
        let original = VECTOR.as_bytes()[index] as char;
        // Changing only the letter case keeps the same byte value: allowed.
        prop_assume!(!replacement.eq_ignore_ascii_case(&original));
        let mut sig: String = VECTOR.to_owned();
        sig.replace_range(index..=index, replacement.encode_utf8(&mut [0; 4]));
        let header = format!("t={T},v1={sig}");
        prop_assert!(verifier_at(T).verify(BODY, Some(&header)).is_err(), "{header}");
    }
}
