//! Building `serde_json::Value`s directly from the [`Parser`].

use serde_json::{Map, Number, Value};

use super::error::{Error, ErrorKind, Kind};
use super::parser::{Parser, number_to_f64};

/// What [`Parser::parse_value`] and [`Parser::parse_raw_value`] do with a number beyond `f64`'s
/// range.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Numbers {
    /// It is an error (`serde_json`'s behaviour).
    Strict,
    /// It is kept as a string of its text.
    KeepText,
}

impl Parser<'_> {
    /// Parses the next value into a [`serde_json::Value`], with the same
    /// number representation as `serde_json`: non-negative integers that fit
    /// are `u64`, negative ones that fit are `i64`, everything else
    /// (including `-0`) is `f64`. Numbers too large for an `f64` are a range
    /// error. Duplicate keys keep the last value.
    pub fn parse_value(&mut self) -> Result<Value, Error> {
        self.value(Numbers::Strict)
    }

    /// Parses the next value, which must be an object, into a
    /// [`serde_json::Map`].
    pub fn parse_object_map(&mut self) -> Result<Map<String, Value>, Error> {
        self.object_map(Numbers::Strict)
    }

    /// As [`parse_value`](Self::parse_value), for JSON kept as received (a payload that did not
    /// fit its type): any valid JSON is accepted. A number too large for an `f64`, which
    /// [`serde_json::Value`] cannot hold, is kept as a string of its text (`1e400` becomes
    /// `"1e400"`) instead of being an error, so only malformed JSON is an error here.
    pub fn parse_raw_value(&mut self) -> Result<Value, Error> {
        self.value(Numbers::KeepText)
    }

    /// As [`parse_object_map`](Self::parse_object_map), with numbers as in
    /// [`parse_raw_value`](Self::parse_raw_value).
    pub fn parse_raw_object_map(&mut self) -> Result<Map<String, Value>, Error> {
        self.object_map(Numbers::KeepText)
    }

    fn value(&mut self, numbers: Numbers) -> Result<Value, Error> {
        match self.peek()? {
            Kind::Null => {
                self.eat_null()?;
                Ok(Value::Null)
            }
            Kind::Bool => self.parse_bool().map(Value::Bool),
            Kind::Number => self.number_value(numbers),
            Kind::String => self.scan_str().map(|s| Value::String(s.into_owned())),
            Kind::Array => {
                self.begin_array()?;
                let mut items = Vec::new();
                while self.next_element()? {
                    match self.value(numbers) {
                        Ok(v) => items.push(v),
                        Err(e) => return Err(e.at_index(items.len())),
                    }
                }
                Ok(Value::Array(items))
            }
            Kind::Object => self.object_map(numbers).map(Value::Object),
        }
    }

    fn object_map(&mut self, numbers: Numbers) -> Result<Map<String, Value>, Error> {
        self.begin_object()?;
        let mut map = Map::new();
        while let Some(key) = self.next_key()? {
            match self.value(numbers) {
                Ok(v) => {
                    map.insert(key.into_owned(), v);
                }
                Err(e) => return Err(e.at_field(&key)),
            }
        }
        Ok(map)
    }

    /// A number as a [`Value`]: a [`Number`], or for one beyond `f64`'s range an error or its
    /// text, as `numbers` says.
    fn number_value(&mut self, numbers: Numbers) -> Result<Value, Error> {
        let start = self.position();
        match self.parse_number_value() {
            Ok(n) => Ok(Value::Number(n)),
            Err(e) if numbers == Numbers::KeepText && !e.is_syntax() => {
                let text = &self.input()[start..self.position()];
                // A validated JSON number is ASCII.
                Ok(Value::String(String::from_utf8_lossy(text).into_owned()))
            }
            Err(e) => Err(e),
        }
    }

    /// Parses a number (the current byte starts it) into a
    /// [`serde_json::Number`].
    fn parse_number_value(&mut self) -> Result<Number, Error> {
        let start = self.position();
        let integer = self.scan_number()?;
        let text = &self.input()[start..self.position()];
        if integer {
            let (neg, digits) = match text.split_first() {
                Some((b'-', rest)) => (true, rest),
                _ => (false, text),
            };
            let mut mag: Option<u64> = Some(0);
            for &d in digits {
                mag = mag
                    .and_then(|m| m.checked_mul(10))
                    .and_then(|m| m.checked_add((d - b'0') as u64));
            }
            match (neg, mag) {
                (false, Some(m)) => return Ok(Number::from(m)),
                (true, Some(m)) if m != 0 && m <= 1 << 63 => {
                    return Ok(Number::from((m as i64).wrapping_neg()));
                }
                _ => {}
            }
        }
        Number::from_f64(number_to_f64(text))
            .ok_or_else(|| Error::new(ErrorKind::NumberOutOfRange { expected: "f64" }, start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::from_slice;

    /// Small deterministic PRNG (xorshift64*).
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }

        fn pick<T: Copy>(&mut self, items: &[T]) -> T {
            items[self.below(items.len() as u64) as usize]
        }
    }

    fn gen_ws(rng: &mut Rng, out: &mut String) {
        if rng.below(3) == 0 {
            out.push_str(rng.pick(&[" ", "\n  ", "\t", "\r\n", "  \n    "]));
        }
    }

    fn gen_digits(rng: &mut Rng, out: &mut String, max: u64) {
        let n = 1 + rng.below(max);
        for _ in 0..n {
            out.push((b'0' + rng.below(10) as u8) as char);
        }
    }

    fn gen_number(rng: &mut Rng, out: &mut String) {
        if rng.below(3) == 0 {
            out.push('-');
        }
        match rng.below(6) {
            0 => out.push('0'),
            1 => out.push_str(rng.pick(&[
                "9223372036854775807",
                "9223372036854775808",
                "18446744073709551615",
                "18446744073709551616",
                "123456789012345678901234567890",
            ])),
            _ => {
                out.push((b'1' + rng.below(9) as u8) as char);
                let max = if rng.below(4) == 0 { 24 } else { 6 };
                if rng.below(2) == 0 {
                    gen_digits(rng, out, max);
                }
            }
        }
        if rng.below(4) == 0 {
            out.push('.');
            gen_digits(rng, out, 18);
        }
        if rng.below(5) == 0 {
            out.push(rng.pick(&['e', 'E']));
            out.push_str(rng.pick(&["", "+", "-"]));
            if rng.below(10) == 0 {
                out.push_str(rng.pick(&["300", "307", "308", "320", "0"]));
            } else {
                gen_digits(rng, out, 2);
            }
        }
    }

    fn gen_string(rng: &mut Rng, out: &mut String) {
        out.push('"');
        let len = if rng.below(8) == 0 {
            rng.below(60)
        } else {
            rng.below(10)
        };
        for _ in 0..len {
            match rng.below(12) {
                0 => out.push_str(
                    rng.pick(&["\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t"]),
                ),
                1 => {
                    let cp = loop {
                        let c = rng.below(0x1_0000) as u32;
                        if !(0xD800..0xE000).contains(&c) {
                            break c;
                        }
                    };
                    if rng.below(2) == 0 {
                        out.push_str(&format!("\\u{cp:04x}"));
                    } else {
                        out.push_str(&format!("\\u{cp:04X}"));
                    }
                }
                2 => {
                    let cp = 0x1_0000 + rng.below(0x10_0000) as u32;
                    let v = cp - 0x1_0000;
                    out.push_str(&format!(
                        "\\u{:04x}\\u{:04X}",
                        0xD800 + (v >> 10),
                        0xDC00 + (v & 0x3FF)
                    ));
                }
                3 => out.push_str(rng.pick(&[
                    "\u{e9}",
                    "\u{2603}",
                    "\u{1F600}",
                    "\u{4e2d}",
                    "\u{7f}",
                ])),
                _ => match (b' ' + rng.below(95) as u8) as char {
                    '"' | '\\' => out.push('q'),
                    c => out.push(c),
                },
            }
        }
        out.push('"');
    }

    fn gen_value(rng: &mut Rng, depth: u32, out: &mut String) {
        gen_ws(rng, out);
        let kinds = if depth >= 6 { 4 } else { 6 };
        match rng.below(kinds) {
            0 => out.push_str(rng.pick(&["null", "true", "false"])),
            1 => gen_number(rng, out),
            2 | 3 => gen_string(rng, out),
            4 => {
                out.push('[');
                let n = rng.below(5);
                for i in 0..n {
                    if i > 0 {
                        out.push(',');
                    }
                    gen_value(rng, depth + 1, out);
                }
                gen_ws(rng, out);
                out.push(']');
            }
            _ => {
                out.push('{');
                let n = rng.below(5);
                for i in 0..n {
                    if i > 0 {
                        out.push(',');
                    }
                    gen_ws(rng, out);
                    if rng.below(3) == 0 {
                        out.push_str(rng.pick(&["\"id\"", "\"object\"", "\"a\\u0062\"", "\"\""]));
                    } else {
                        gen_string(rng, out);
                    }
                    gen_ws(rng, out);
                    out.push(':');
                    gen_value(rng, depth + 1, out);
                }
                gen_ws(rng, out);
                out.push('}');
            }
        }
        gen_ws(rng, out);
    }

    fn mutate(rng: &mut Rng, doc: &[u8]) -> Vec<u8> {
        let mut d = doc.to_vec();
        let interesting: &[u8] = b"{}[],:\"\\0-.eE+1 \n\x01\x1f\xff\xc3\xa9\xed\xa0unltfx/";
        for _ in 0..1 + rng.below(2) {
            let at = rng.below(d.len() as u64 + 1) as usize;
            match rng.below(5) {
                0 if at < d.len() => {
                    d.remove(at);
                }
                1 => d.insert(at, rng.pick(interesting)),
                2 if at < d.len() => d[at] = rng.pick(interesting),
                3 => d.truncate(at),
                _ => {
                    let end = (at + 1 + rng.below(6) as usize).min(d.len());
                    let piece = d[at.min(end)..end].to_vec();
                    d.splice(at..at, piece);
                }
            }
        }
        d
    }

    fn close_f64(a: f64, b: f64) -> bool {
        // serde_json's default float parser (without its `float_roundtrip`
        // feature) is not always correctly rounded; ours is (checked exactly
        // against `str::parse` in `floats_are_correctly_rounded`).
        a == b || (a - b).abs() <= a.abs().max(b.abs()) * 1e-14
    }

    #[test]
    fn floats_are_correctly_rounded() {
        let mut rng = Rng(42);
        let mut checked = 0;
        for _ in 0..20_000 {
            let mut text = String::new();
            gen_number(&mut rng, &mut text);
            let want: f64 = text.parse().unwrap();
            let mut p = Parser::new(text.as_bytes());
            match p.parse_f64() {
                Ok(got) => {
                    assert_eq!(got.to_bits(), want.to_bits(), "{text}");
                    checked += 1;
                }
                Err(e) => {
                    assert!(want.is_infinite(), "{text}: {e}");
                    assert_eq!(e.kind(), &ErrorKind::NumberOutOfRange { expected: "f64" });
                }
            }
        }
        assert!(checked > 19_000);
    }

    fn same(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Number(x), Value::Number(y)) => {
                (x.is_u64(), x.is_i64(), x.is_f64()) == (y.is_u64(), y.is_i64(), y.is_f64())
                    && if x.is_f64() {
                        close_f64(x.as_f64().unwrap(), y.as_f64().unwrap())
                    } else {
                        x == y
                    }
            }
            (Value::Array(x), Value::Array(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
            }
            (Value::Object(x), Value::Object(y)) => {
                x.len() == y.len()
                    && x.iter()
                        .zip(y)
                        .all(|((ka, va), (kb, vb))| ka == kb && same(va, vb))
            }
            _ => a == b,
        }
    }

    fn skip_all(doc: &[u8]) -> Result<(), Error> {
        let mut p = Parser::new(doc);
        p.skip_value()?;
        p.end()
    }

    #[test]
    fn agrees_with_serde_json_on_random_documents() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let (mut valid, mut invalid, mut eof_agree, mut out_of_range) = (0, 0, 0, 0);
        // `JSON_FUZZ_DOCS=300000 cargo test --release` runs a longer session.
        for _ in 0..std::env::var("JSON_FUZZ_DOCS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(4000)
        {
            let mut text = String::new();
            gen_value(&mut rng, 0, &mut text);
            let mut docs = vec![text.clone().into_bytes()];
            for _ in 0..3 {
                docs.push(mutate(&mut rng, text.as_bytes()));
            }
            for (i, doc) in docs.iter().enumerate() {
                let expected = serde_json::from_slice::<Value>(doc);
                let ours = from_slice::<Value>(doc);
                let skipped = skip_all(doc);
                let shown = String::from_utf8_lossy(doc);
                match expected {
                    Ok(want) => {
                        valid += 1;
                        let got = ours.unwrap_or_else(|e| panic!("{shown:?}: {e}"));
                        assert!(same(&got, &want), "{shown:?}: {got:?} != {want:?}");
                        skipped.unwrap_or_else(|e| panic!("skip {shown:?}: {e}"));
                        let mut p = Parser::new(doc);
                        assert_eq!(
                            p.raw_value().unwrap().as_bytes(),
                            shown.trim_matches(|c| " \t\r\n".contains(c)).as_bytes()
                        );
                    }
                    Err(want) => {
                        let e = ours.expect_err(&shown);
                        if want.to_string().starts_with("number out of range") {
                            // Well-formed but too large for an f64 (`1e400`).
                            assert_eq!(
                                e.kind(),
                                &ErrorKind::NumberOutOfRange { expected: "f64" },
                                "{shown:?}"
                            );
                            out_of_range += 1;
                            continue;
                        }
                        assert!(i > 0, "generator produced invalid JSON: {shown:?}: {want}");
                        invalid += 1;
                        assert!(e.is_syntax(), "{shown:?}: {e}");
                        let s = skipped.expect_err(&shown);
                        assert!(s.is_syntax(), "{shown:?}: {s}");
                        assert_eq!((s.kind(), s.offset()), (e.kind(), e.offset()), "{shown:?}");
                        // We validate UTF-8 run by run, so we may report an
                        // earlier error where serde_json reports the end of
                        // input, but never the other way round.
                        if *e.kind() == ErrorKind::Eof {
                            assert!(want.is_eof(), "{shown:?}: {want} vs {e}");
                            eof_agree += 1;
                        }
                    }
                }
            }
        }
        eprintln!("{valid} valid, {invalid} invalid, {eof_agree} eof, {out_of_range} out of range");
        assert!(
            valid > 5000 && invalid > 3000,
            "{valid} valid, {invalid} invalid"
        );
        assert!(
            eof_agree > 1000 && out_of_range > 10,
            "{eof_agree} {out_of_range}"
        );
    }

    #[test]
    fn numbers_like_serde_json() {
        let cases = [
            "0",
            "-0",
            "-0.0",
            "1",
            "-1",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "18446744073709551615",
            "18446744073709551616",
            "-18446744073709551616",
            "1.5",
            "1e2",
            "1E-2",
            "123456789012345678901234567890",
            "2.5e-308",
            "1e-400",
        ];
        for text in cases {
            let want: Value = serde_json::from_str(text).unwrap();
            let got: Value = from_slice(text.as_bytes()).unwrap();
            assert!(same(&got, &want), "{text}: {got:?} vs {want:?}");
        }
        let neg_zero: Value = from_slice(b"-0").unwrap();
        assert!(neg_zero.as_f64().unwrap().is_sign_negative());
        let e = from_slice::<Value>(b"[1, -1e400]").unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::NumberOutOfRange { expected: "f64" });
        assert_eq!(e.offset(), 4);
        assert_eq!(e.path(), "$[1]");
    }

    #[test]
    fn objects_keys_and_paths() {
        let v: Value = from_slice(br#"{"a\u0062": 1, "x": 1, "x": [true, null, "s"]}"#).unwrap();
        assert_eq!(v, serde_json::json!({"ab": 1, "x": [true, null, "s"]}));
        let e = from_slice::<Value>(br#"{"data": {"lines": [1, {"b": tru}]}}"#).unwrap_err();
        assert_eq!(e.path(), "$.data.lines[1].b");
        assert!(e.is_syntax());
        let e = from_slice::<Value>(b"[1] 2").unwrap_err();
        assert_eq!(e.path(), "$");
        assert_eq!(e.to_string(), "trailing characters at $ (byte 4)");
        let deep = format!("{}{}", "[".repeat(129), "]".repeat(129));
        let e = from_slice::<Value>(deep.as_bytes()).unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::DepthLimit);
        assert_eq!(e.path(), format!("${}", "[0]".repeat(128)));
        let ok = format!("{}{}", "[".repeat(128), "]".repeat(128));
        assert!(from_slice::<Value>(ok.as_bytes()).is_ok());
        let hostile = "{\"a\":".repeat(200_000);
        let e = from_slice::<Value>(hostile.as_bytes()).unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::DepthLimit);
        let map: Map<String, Value> = from_slice(br#"{"k": {"n": 1}}"#).unwrap();
        assert_eq!(map["k"]["n"], 1);
        let e = from_slice::<Map<String, Value>>(b"[]").unwrap_err();
        assert_eq!(e.reason(), "expected an object, found an array");
    }
}
