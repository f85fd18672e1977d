//! The [`FromJson`] trait and its impls for standard types.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;
use std::mem::MaybeUninit;

use super::error::Error;
use super::parser::Parser;

/// Types that can be parsed from JSON by driving a [`Parser`].
///
/// Implementations consume exactly one value (with the whitespace before
/// it) and add path segments to errors coming from nested values with
/// [`Error::at_field`] / [`Error::at_index`].
pub trait FromJson: Sized {
    /// Parses one value.
    fn from_json(p: &mut Parser<'_>) -> Result<Self, Error>;

    /// Parses one value into `out` and returns the reference that [`MaybeUninit::write`] gives
    /// back for it. Generated structs implement this one (with
    /// [`struct_from_json!`](crate::json::struct_from_json); their `from_json` calls
    /// [`in_place`](super::in_place)), so that they are built where they end up (their `Box`,
    /// their `Vec`'s buffer, their field in a bigger struct) rather than moved there; the
    /// default calls `from_json`.
    ///
    /// On `Ok`, the reference must be `out`'s: [`boxed`](super::boxed),
    /// [`in_place`](super::in_place) and `Vec<T>`'s parser check that (and panic otherwise).
    #[inline]
    fn from_json_in<'o>(
        p: &mut Parser<'_>,
        out: &'o mut MaybeUninit<Self>,
    ) -> Result<&'o mut Self, Error> {
        Ok(out.write(Self::from_json(p)?))
    }
}

impl FromJson for bool {
    fn from_json(p: &mut Parser<'_>) -> Result<Self, Error> {
        p.parse_bool()
    }
}

impl FromJson for i64 {
    fn from_json(p: &mut Parser<'_>) -> Result<Self, Error> {
        p.parse_i64()
    }
}

impl FromJson for u64 {
    fn from_json(p: &mut Parser<'_>) -> Result<Self, Error> {
        p.parse_u64()
    }
}

macro_rules! narrow_ints {
    ($($signed:ty),* ; $($unsigned:ty),*) => {
        $(
            impl FromJson for $signed {
                fn from_json(p: &mut Parser<'_>) -> Result<Self, Error> {
                    let v = p.parse_signed(
                        <$signed>::MIN as i64,
                        <$signed>::MAX as i64,
                        stringify!($signed),
                    )?;
                    Ok(v as $signed)
                }
            }
        )*
        $(
            impl FromJson for $unsigned {
                fn from_json(p: &mut Parser<'_>) -> Result<Self, Error> {
                    let v = p.parse_unsigned(<$unsigned>::MAX as u64, stringify!($unsigned))?;
                    Ok(v as $unsigned)
                }
            }
        )*
    };
}

narrow_ints!(i8, i16, i32, isize; u8, u16, u32, usize);

impl FromJson for f64 {
    fn from_json(p: &mut Parser<'_>) -> Result<Self, Error> {
        p.parse_f64()
    }
}

impl FromJson for String {
    fn from_json(p: &mut Parser<'_>) -> Result<Self, Error> {
        p.parse_string()
    }
}

/// Inline up to 24 bytes, so most of Stripe's ids and names are parsed without an allocation;
/// a string with escapes keeps the `String` it was decoded into.
impl FromJson for compact_str::CompactString {
    #[inline]
    fn from_json(p: &mut Parser<'_>) -> Result<Self, Error> {
        Ok(match p.parse_str()? {
            Cow::Borrowed(s) => Self::new(s),
            Cow::Owned(s) => Self::from(s),
        })
    }
}

impl FromJson for Box<str> {
    fn from_json(p: &mut Parser<'_>) -> Result<Self, Error> {
        p.parse_string().map(String::into_boxed_str)
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(p: &mut Parser<'_>) -> Result<Self, Error> {
        if p.eat_null()? {
            Ok(None)
        } else {
            T::from_json(p).map(Some)
        }
    }
}

impl<T: FromJson> FromJson for Box<T> {
    fn from_json(p: &mut Parser<'_>) -> Result<Self, Error> {
        super::boxed(p)
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(p: &mut Parser<'_>) -> Result<Self, Error> {
        p.begin_array()?;
        let mut items = Vec::new();
        while p.next_element()? {
            // Each element is parsed straight into the vector's spare capacity.
            if let Err(e) = super::push_in_place(p, &mut items) {
                return Err(e.at_index(items.len()));
            }
        }
        Ok(items)
    }
}

impl<T: FromJson, S: BuildHasher + Default> FromJson for HashMap<String, T, S> {
    fn from_json(p: &mut Parser<'_>) -> Result<Self, Error> {
        map_from_json(p)
    }
}

impl<T: FromJson, S: BuildHasher + Default> FromJson for HashMap<compact_str::CompactString, T, S> {
    fn from_json(p: &mut Parser<'_>) -> Result<Self, Error> {
        map_from_json(p)
    }
}

impl<T: FromJson> FromJson for BTreeMap<String, T> {
    fn from_json(p: &mut Parser<'_>) -> Result<Self, Error> {
        map_from_json(p)
    }
}

/// Any string-keyed map: each member's value parsed as `T`, errors located at its key.
fn map_from_json<K: for<'k> From<Cow<'k, str>>, T: FromJson, M: Default + Extend<(K, T)>>(
    p: &mut Parser<'_>,
) -> Result<M, Error> {
    p.begin_object()?;
    let mut map = M::default();
    while let Some(key) = p.next_key()? {
        let value = match T::from_json(p) {
            Ok(v) => v,
            Err(e) => return Err(e.at_field(&key)),
        };
        map.extend(std::iter::once((K::from(key), value)));
    }
    Ok(map)
}

impl FromJson for serde_json::Value {
    fn from_json(p: &mut Parser<'_>) -> Result<Self, Error> {
        p.parse_value()
    }
}

impl FromJson for serde_json::Map<String, serde_json::Value> {
    fn from_json(p: &mut Parser<'_>) -> Result<Self, Error> {
        p.parse_object_map()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{ErrorKind, Kind, from_slice};

    #[test]
    fn scalars() {
        assert!(from_slice::<bool>(b" true ").unwrap());
        assert_eq!(from_slice::<i64>(b"-7").unwrap(), -7);
        assert_eq!(from_slice::<u64>(b"7").unwrap(), 7);
        assert_eq!(from_slice::<f64>(b"2.5").unwrap(), 2.5);
        assert_eq!(from_slice::<f64>(b"3").unwrap(), 3.0);
        assert_eq!(from_slice::<String>(br#""a\u00e9""#).unwrap(), "a\u{e9}");
        assert_eq!(&*from_slice::<Box<str>>(br#""boxed""#).unwrap(), "boxed");
        assert_eq!(*from_slice::<Box<i64>>(b"5").unwrap(), 5);
        assert_eq!(from_slice::<i32>(b"-2147483648").unwrap(), i32::MIN);
        assert_eq!(from_slice::<u32>(b"4294967295").unwrap(), u32::MAX);
        assert_eq!(from_slice::<u8>(b"255").unwrap(), 255);
        assert_eq!(from_slice::<i16>(b"-32768").unwrap(), i16::MIN);
        assert_eq!(from_slice::<usize>(b"12").unwrap(), 12);
    }

    #[test]
    fn compact_strings_inline_short_ones_and_keep_escapes() {
        use compact_str::CompactString;
        let short: CompactString = from_slice(br#""prod_NWjs8kKbJWmuuc""#).unwrap();
        assert_eq!(
            (short.as_str(), short.is_heap_allocated()),
            ("prod_NWjs8kKbJWmuuc", false)
        );
        let long: CompactString = from_slice(br#""pi_3MtwBwLkdIwHu7ix28a3tqPa_and_more""#).unwrap();
        assert!(long.is_heap_allocated());
        let escaped: CompactString = from_slice(br#""caf\u00e9 \"x\"""#).unwrap();
        assert_eq!(escaped, "caf\u{e9} \"x\"");
        let map: HashMap<CompactString, CompactString> =
            from_slice(br#"{"order": "42", "k\u00e9y": "v"}"#).unwrap();
        assert_eq!(
            (map["order"].as_str(), map["k\u{e9}y"].as_str()),
            ("42", "v")
        );
        let e = from_slice::<HashMap<CompactString, CompactString>>(br#"{"a": 1}"#).unwrap_err();
        assert_eq!(e.path(), "$.a");
    }

    #[test]
    fn narrow_integers_out_of_range() {
        let cases: [(Result<(), Error>, &str); 6] = [
            (from_slice::<i32>(b"2147483648").map(drop), "i32"),
            (from_slice::<i32>(b"-2147483649").map(drop), "i32"),
            (from_slice::<u32>(b"4294967296").map(drop), "u32"),
            (from_slice::<u32>(b"-1").map(drop), "u32"),
            (from_slice::<u8>(b"256").map(drop), "u8"),
            (from_slice::<i8>(b"-129").map(drop), "i8"),
        ];
        for (r, ty) in cases {
            let e = r.unwrap_err();
            assert_eq!(e.kind(), &ErrorKind::NumberOutOfRange { expected: ty });
            assert!(!e.is_syntax());
        }
        let e = from_slice::<i32>(b"1.0").unwrap_err();
        assert_eq!(e.reason(), "expected an integer, found a number");
    }

    #[test]
    fn options() {
        assert_eq!(from_slice::<Option<i64>>(b"null").unwrap(), None);
        assert_eq!(from_slice::<Option<i64>>(b" 5").unwrap(), Some(5));
        assert_eq!(
            from_slice::<Vec<Option<String>>>(br#"[null, "x"]"#).unwrap(),
            vec![None, Some("x".to_owned())]
        );
        let e = from_slice::<Option<i64>>(b"\"x\"").unwrap_err();
        assert_eq!(e.reason(), "expected an integer, found a string");
        assert!(from_slice::<Option<i64>>(b"nul").unwrap_err().is_syntax());
    }

    #[test]
    fn vec_errors_carry_the_index() {
        assert_eq!(from_slice::<Vec<i64>>(b"[1, 2 ,3]").unwrap(), vec![1, 2, 3]);
        assert!(from_slice::<Vec<i64>>(b"[]").unwrap().is_empty());
        let e = from_slice::<Vec<i64>>(br#"[1, 2, "x"]"#).unwrap_err();
        assert_eq!(e.path(), "$[2]");
        assert_eq!(e.offset(), 7);
        assert_eq!(
            e.to_string(),
            "expected an integer, found a string at $[2] (byte 7)"
        );
        let e = from_slice::<Vec<Vec<bool>>>(b"[[true], [false, 1]]").unwrap_err();
        assert_eq!(e.path(), "$[1][1]");
        let e = from_slice::<Vec<i64>>(b"{}").unwrap_err();
        assert_eq!(
            e.kind(),
            &ErrorKind::Type {
                expected: "an array",
                found: Kind::Object
            }
        );
        assert_eq!(e.path(), "$");
    }

    #[test]
    fn map_errors_carry_the_key() {
        let m: HashMap<String, HashMap<String, Vec<i64>>> =
            from_slice(br#"{"a": {"b": [1, 2]}, "c": {}}"#).unwrap();
        assert_eq!(m["a"]["b"], vec![1, 2]);
        assert!(m["c"].is_empty());
        let e =
            from_slice::<HashMap<String, HashMap<String, Vec<i64>>>>(br#"{"a": {"b": [1, "x"]}}"#)
                .unwrap_err();
        assert_eq!(e.path(), "$.a.b[1]");
        assert!(!e.is_syntax());
        let e = from_slice::<BTreeMap<String, i64>>(br#"{"ok": 1, "a b": "x"}"#).unwrap_err();
        assert_eq!(e.path(), r#"$["a b"]"#);
        let e = from_slice::<BTreeMap<String, i64>>(br#"{"q\"\u00e9": true}"#).unwrap_err();
        assert_eq!(e.path(), r#"$["q\"é"]"#);
    }

    #[test]
    fn map_keys_are_unescaped() {
        let m: BTreeMap<String, u32> =
            from_slice(br#"{"k\u0031": 1, "k\n2": 2, "\ud83d\ude00": 3}"#).unwrap();
        let keys: Vec<&str> = m.keys().map(String::as_str).collect();
        assert_eq!(keys, ["k\n2", "k1", "\u{1F600}"]);
        let m: HashMap<String, String> = from_slice(br#"{"a\/b": "c\/d"}"#).unwrap();
        assert_eq!(m["a/b"], "c/d");
    }

    #[test]
    fn json_values() {
        let v: serde_json::Value = from_slice(br#"{"a": [1, -1, 1.5, "s", null, true]}"#).unwrap();
        assert_eq!(v, serde_json::json!({"a": [1, -1, 1.5, "s", null, true]}));
        let m: serde_json::Map<String, serde_json::Value> = from_slice(br#"{"x": {}}"#).unwrap();
        assert!(m["x"].is_object());
        let e = from_slice::<Vec<serde_json::Value>>(b"[1, [2, {\"k\": -]}]]").unwrap_err();
        assert_eq!(e.path(), "$[1][1].k");
        assert!(e.is_syntax());
    }
}
