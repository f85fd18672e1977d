use super::*;

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
