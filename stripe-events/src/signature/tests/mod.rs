//! Tests of signature verification: known vectors, header shapes, tolerance, rotation,
//! redaction; property tests in `props`.

use super::mac::decimal;
use super::*;
use proptest::prelude::*;
use std::time::Duration;

const SECRET: &str = "whsec_test_secret";
const OTHER_SECRET: &str = "whsec_other_secret";
const T: i64 = 1_700_000_000;
const BODY: &[u8] = br#"{"id":"evt_1"}"#;
/// `HMAC-SHA256(key "whsec_test_secret", "1700000000.{\"id\":\"evt_1\"}")`,
/// computed independently with Python's `hmac` module (and OpenSSL).
const VECTOR: &str = "248a374f50f943a28b0f6ab50faf9a7e7e29b710fa26df9fb1618b9bf8ea9c9a";

fn verifier_at(now: i64) -> Verifier {
    Verifier::new(SECRET).clock(FixedClock(now))
}

fn sig_hex(body: &[u8], secret: &str, t: i64) -> String {
    to_hex(&compute_signature(body, secret, t))
}

#[test]
fn known_vector_from_python_hmac() {
    // python3 -c 'import hmac,hashlib; print(hmac.new(b"whsec_test_secret",
    //   b"1700000000.{\"id\":\"evt_1\"}", hashlib.sha256).hexdigest())'
    assert_eq!(to_hex(&compute_signature(BODY, SECRET, T)), VECTOR);
    let header = format!("t=1700000000,v1={VECTOR}");
    assert_eq!(generate_test_header(BODY, SECRET, T), header);
    let ok = verifier_at(T).verify(BODY, Some(&header)).unwrap();
    assert_eq!(
        ok,
        Verified {
            timestamp: T,
            secret_index: 0
        }
    );
}

#[test]
fn more_independent_vectors() {
    // Same Python recipe: binary body, key longer than the 64-byte
    // block (hashed by HMAC), negative and zero timestamps.
    assert_eq!(
        sig_hex(b"\xff\xfe\x00\x80binary", SECRET, T),
        "9e0053745d594fc4cf9dccde5df6ae3b43831ebdca388b46d31c3f0dc8b2ba0e"
    );
    let long_key = format!("whsec_{}", "k".repeat(100));
    assert_eq!(
        sig_hex(BODY, &long_key, T),
        "49ced0291986641c660958edcfea333b1b75cd707ea4087a35ffc2d415760a16"
    );
    assert_eq!(
        sig_hex(b"", SECRET, -5),
        "3bbb022294a82c440c4e876912cfb75770f5622482d9082e8f0a001b1e3b514d"
    );
    assert_eq!(
        sig_hex(b"", SECRET, 0),
        "e359a4b07054a77815d22548b11f4936e8b16e4160347fcbc7fbeac890d07c42"
    );
}

#[test]
fn decimal_formatting() {
    let mut buf = [0u8; 20];
    for v in [0, 1, 9, 10, -1, 1_700_000_000, i64::MAX, i64::MIN] {
        assert_eq!(decimal(v, &mut buf), v.to_string().as_bytes());
    }
}

#[test]
fn second_of_several_v1_matches() {
    let wrong = sig_hex(BODY, OTHER_SECRET, T);
    let header = format!("t={T},v1={wrong},v1={VECTOR}");
    assert!(verifier_at(T).verify(BODY, Some(&header)).is_ok());
    let header = format!("t={T},v1={wrong},v1={wrong}");
    assert_eq!(
        verifier_at(T).verify(BODY, Some(&header)),
        Err(SignatureError::NoMatchingSignature)
    );
}

#[test]
fn v0_alone_is_no_v1() {
    let header = format!("t={T},v0={VECTOR}");
    assert_eq!(
        verifier_at(T).verify(BODY, Some(&header)),
        Err(SignatureError::NoV1Signature)
    );
}

#[test]
fn unknown_schemes_are_ignored() {
    let header = format!("t={T},v2=whatever,v1={VECTOR},scheme=x,v0=abc");
    assert!(verifier_at(T).verify(BODY, Some(&header)).is_ok());
    let header = format!("t={T},v2={VECTOR}");
    assert_eq!(
        verifier_at(T).verify(BODY, Some(&header)),
        Err(SignatureError::NoV1Signature)
    );
}

#[test]
fn tampered_body_byte_fails() {
    let header = generate_test_header(BODY, SECRET, T);
    let mut tampered = BODY.to_vec();
    tampered[7] ^= 0x01; // "evt_1" -> "dvt_1"
    assert_eq!(
        verifier_at(T).verify(&tampered, Some(&header)),
        Err(SignatureError::NoMatchingSignature)
    );
    // Appending or truncating fails too.
    assert!(
        verifier_at(T)
            .verify(&BODY[..BODY.len() - 1], Some(&header))
            .is_err()
    );
    let mut longer = BODY.to_vec();
    longer.push(b'\n');
    assert!(verifier_at(T).verify(&longer, Some(&header)).is_err());
}

#[test]
fn wrong_secret_fails() {
    let header = generate_test_header(BODY, SECRET, T);
    let verifier = Verifier::new(OTHER_SECRET).clock(FixedClock(T));
    assert_eq!(
        verifier.verify(BODY, Some(&header)),
        Err(SignatureError::NoMatchingSignature)
    );
    // A key differing only by prefix or trailing newline is a different key.
    for near in ["test_secret", "whsec_test_secret\n", "WHSEC_test_secret"] {
        let verifier = Verifier::new(near).clock(FixedClock(T));
        assert_eq!(
            verifier.verify(BODY, Some(&header)),
            Err(SignatureError::NoMatchingSignature),
            "{near:?}"
        );
    }
}

#[test]
fn rotation_reports_which_secret_matched() {
    let header = generate_test_header(BODY, SECRET, T);
    let verifier = Verifier::new(OTHER_SECRET)
        .add_secret(SECRET)
        .clock(FixedClock(T));
    assert_eq!(
        verifier.verify(BODY, Some(&header)),
        Ok(Verified {
            timestamp: T,
            secret_index: 1
        })
    );
    // Header signed with both (as Stripe does during a roll): first secret wins.
    let both = format!("t={T},v1={},v1={VECTOR}", sig_hex(BODY, OTHER_SECRET, T));
    assert_eq!(verifier.verify(BODY, Some(&both)).unwrap().secret_index, 0);
    let third = Verifier::new("whsec_a")
        .add_secret("whsec_b")
        .add_secret(SECRET)
        .clock(FixedClock(T));
    assert_eq!(third.verify(BODY, Some(&header)).unwrap().secret_index, 2);
}

#[test]
fn tolerance_boundaries_past_and_future() {
    let header = generate_test_header(BODY, SECRET, T);
    for (now, ok) in [
        (T, true),
        (T + 299, true),
        (T + 300, true),
        (T + 301, false),
        (T - 299, true),
        (T - 300, true),
        (T - 301, false),
    ] {
        let result = verifier_at(now).verify(BODY, Some(&header));
        if ok {
            assert_eq!(
                result,
                Ok(Verified {
                    timestamp: T,
                    secret_index: 0
                }),
                "now={now}"
            );
        } else {
            assert_eq!(
                result,
                Err(SignatureError::TimestampOutsideTolerance {
                    timestamp: T,
                    now,
                    tolerance_secs: 300
                }),
                "now={now}"
            );
        }
    }
}

#[test]
fn custom_tolerance() {
    let header = generate_test_header(BODY, SECRET, T);
    let tight = |now| {
        Verifier::new(SECRET)
            .tolerance(Duration::from_millis(10_999)) // counts as 10 s
            .clock(FixedClock(now))
            .verify(BODY, Some(&header))
    };
    assert!(tight(T + 10).is_ok());
    assert!(tight(T - 10).is_ok());
    assert!(matches!(
        tight(T + 11),
        Err(SignatureError::TimestampOutsideTolerance {
            tolerance_secs: 10,
            ..
        })
    ));
    let zero = Verifier::new(SECRET).tolerance(Duration::ZERO);
    assert!(
        zero.clone()
            .clock(FixedClock(T))
            .verify(BODY, Some(&header))
            .is_ok()
    );
    assert!(
        zero.clock(FixedClock(T + 1))
            .verify(BODY, Some(&header))
            .is_err()
    );
    // Extreme values do not overflow.
    let huge = Verifier::new(SECRET).tolerance(Duration::MAX);
    assert!(
        huge.clone()
            .clock(FixedClock(i64::MIN))
            .verify(BODY, Some(&header))
            .is_ok()
    );
    let max_t = generate_test_header(BODY, SECRET, i64::MAX);
    assert!(matches!(
        verifier_at(i64::MIN).verify(BODY, Some(&max_t)),
        Err(SignatureError::TimestampOutsideTolerance { .. })
    ));
    assert!(
        huge.clock(FixedClock(i64::MIN))
            .verify(BODY, Some(&max_t))
            .is_ok()
    );
}

#[test]
fn signature_is_checked_before_timestamp() {
    // A forged header with a stale timestamp is reported as a bad
    // signature, not as a stale one.
    let forged = format!("t={},v1={}", T - 10_000, "00".repeat(32));
    assert_eq!(
        verifier_at(T).verify(BODY, Some(&forged)),
        Err(SignatureError::NoMatchingSignature)
    );
}

#[test]
fn changed_timestamp_fails() {
    let header = format!("t={},v1={VECTOR}", T + 1);
    assert_eq!(
        verifier_at(T).verify(BODY, Some(&header)),
        Err(SignatureError::NoMatchingSignature)
    );
}

#[test]
fn leading_zeros_in_t_sign_the_same_value() {
    // Like Stripe's libraries, the MAC covers the timestamp's canonical
    // decimal form.
    let header = format!("t=0{T},v1={VECTOR}");
    assert!(verifier_at(T).verify(BODY, Some(&header)).is_ok());
}

#[test]
fn duplicate_timestamp_is_malformed() {
    let header = format!("t={T},t={T},v1={VECTOR}");
    assert_eq!(
        verifier_at(T).verify(BODY, Some(&header)),
        Err(SignatureError::MalformedHeader {
            reason: "duplicate timestamp (t=)"
        })
    );
}

#[test]
fn missing_and_empty_headers() {
    let v = verifier_at(T);
    assert_eq!(v.verify(BODY, None), Err(SignatureError::MissingHeader));
    assert_eq!(v.verify(BODY, Some("")), Err(SignatureError::MissingHeader));
    assert_eq!(
        v.verify(BODY, Some("  ")),
        Err(SignatureError::MissingHeader)
    );
    assert_eq!(
        v.verify_header(BODY, ""),
        Err(SignatureError::MissingHeader)
    );
}

#[test]
fn malformed_headers() {
    let v = verifier_at(T);
    for header in ["t=abc,v1=00", "v1=00", "t=1,v1=zz", "t=1,nonsense"] {
        assert!(
            matches!(
                v.verify(BODY, Some(header)),
                Err(SignatureError::MalformedHeader { .. })
            ),
            "{header:?}"
        );
    }
}

#[test]
fn whitespace_around_items_is_accepted() {
    let header = format!("  t = {T} ,\t v1 = {VECTOR}\t ,  ");
    assert!(verifier_at(T).verify(BODY, Some(&header)).is_ok());
}

#[test]
fn upper_case_hex_is_the_same_mac() {
    let header = format!("t={T},v1={}", VECTOR.to_ascii_uppercase());
    assert!(verifier_at(T).verify(BODY, Some(&header)).is_ok());
    let mixed: String = VECTOR
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i % 2 == 0 {
                c.to_ascii_uppercase()
            } else {
                c
            }
        })
        .collect();
    let header = format!("t={T},v1={mixed}");
    assert!(verifier_at(T).verify(BODY, Some(&header)).is_ok());
}

#[test]
fn huge_header_is_malformed() {
    let header = format!("t={T},v1={VECTOR},{}", "v0=x,".repeat(2000));
    assert!(header.len() > 8 * 1024);
    assert_eq!(
        verifier_at(T).verify(BODY, Some(&header)),
        Err(SignatureError::MalformedHeader {
            reason: "header is longer than 8192 bytes"
        })
    );
}

#[test]
fn non_utf8_body_verifies() {
    let body: Vec<u8> = vec![0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, b'{', b'}'];
    assert!(std::str::from_utf8(&body).is_err());
    let body = body.as_slice();
    let header = generate_test_header(body, SECRET, T);
    assert!(verifier_at(T).verify(body, Some(&header)).is_ok());
    let empty = generate_test_header(b"", SECRET, T);
    assert!(verifier_at(T).verify(b"", Some(&empty)).is_ok());
}

#[test]
fn empty_secret_is_never_used() {
    // Anyone can compute an HMAC with the empty key.
    let forged = generate_test_header(BODY, "", T);
    let only_empty = Verifier::new("").clock(FixedClock(T));
    assert_eq!(
        only_empty.verify(BODY, Some(&forged)),
        Err(SignatureError::EmptySecret)
    );
    assert_eq!(
        only_empty.verify(BODY, None),
        Err(SignatureError::EmptySecret)
    );
    assert_eq!(
        only_empty.verify_header(BODY, &forged),
        Err(SignatureError::EmptySecret)
    );
    let mixed = Verifier::new("").add_secret(SECRET).clock(FixedClock(T));
    assert_eq!(
        mixed.verify(BODY, Some(&forged)),
        Err(SignatureError::NoMatchingSignature)
    );
    let good = generate_test_header(BODY, SECRET, T);
    assert_eq!(mixed.verify(BODY, Some(&good)).unwrap().secret_index, 1);
}

#[test]
fn debug_redacts_secrets() {
    let verifier = Verifier::new("whsec_first_very_secret")
        .add_secret("second_very_secret")
        .clock(FixedClock(T));
    for text in [format!("{verifier:?}"), format!("{verifier:#?}")] {
        assert!(!text.contains("very_secret"), "{text}");
        assert!(text.contains("redacted"), "{text}");
        assert!(text.contains("FixedClock"), "{text}");
    }
}

#[test]
fn error_display_never_contains_secret_or_signatures() {
    let secret = "whsec_display_secret_value";
    let v = Verifier::new(secret).clock(FixedClock(T));
    let good = generate_test_header(BODY, secret, T);
    let good_sig = good.split_once("v1=").unwrap().1.to_owned();
    let bad_sig = sig_hex(BODY, OTHER_SECRET, T);
    let stale = generate_test_header(BODY, secret, T - 1000);
    let cases: Vec<(Option<String>, &[u8])> = vec![
        (None, BODY),
        (Some(String::new()), BODY),
        (Some(format!("t=x,v1={good_sig}")), BODY),
        (Some(format!("t={T},t={T},v1={good_sig}")), BODY),
        (Some(format!("t={T},v0={good_sig}")), BODY),
        (Some(format!("t={T},v1={bad_sig}")), BODY),
        (Some(good.clone()), b"tampered"),
        (Some(stale), BODY),
        (Some(format!("{good},{}", "x=y,".repeat(3000))), BODY),
    ];
    for (header, body) in cases {
        let err = v.verify(body, header.as_deref()).unwrap_err();
        for text in [err.to_string(), format!("{err:?}")] {
            assert!(!text.contains("display_secret"), "{text}");
            assert!(!text.contains(&good_sig), "{text}");
            assert!(!text.contains(&bad_sig), "{text}");
        }
    }
    let empty = Verifier::new("").verify(BODY, None).unwrap_err();
    assert!(!empty.to_string().is_empty());
}

#[test]
fn verifier_is_clone_send_sync() {
    fn assert_traits<T: Clone + Send + Sync + std::fmt::Debug + 'static>() {}
    assert_traits::<Verifier>();
    assert_traits::<Verified>();
    assert_traits::<Secret>();
    let v = verifier_at(T);
    let header = generate_test_header(BODY, SECRET, T);
    let handle = std::thread::spawn({
        let v = v.clone();
        move || v.verify(BODY, Some(&header)).is_ok()
    });
    assert!(handle.join().unwrap());
}

#[test]
fn default_uses_system_clock() {
    let now = SystemClock.now();
    let header = generate_test_header(BODY, SECRET, now);
    assert!(Verifier::new(SECRET).verify(BODY, Some(&header)).is_ok());
    let old = generate_test_header(BODY, SECRET, now - 3600);
    assert!(matches!(
        Verifier::new(SECRET).verify(BODY, Some(&old)),
        Err(SignatureError::TimestampOutsideTolerance {
            tolerance_secs: 300,
            ..
        })
    ));
}

mod props;
