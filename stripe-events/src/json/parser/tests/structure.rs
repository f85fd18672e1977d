use super::*;

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
    let doc = br#"{"a":[1,true,null,false,"x\u00e9\n",{"b":-1.5e3},[]],"c":{},"d":"\uD83D\uDE00"}"#;
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
