use super::*;

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
