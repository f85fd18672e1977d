//! A small, fast, non-generic JSON pull parser.
//!
//! Generated code parses webhook payloads straight into typed structs by
//! driving a [`Parser`] through the [`FromJson`] trait, without serde's
//! generic `Deserialize` machinery. Unknown members are skipped with
//! [`Parser::skip_value`], which validates but never allocates. A generated struct is parsed
//! where it ends up (its `Box`, its `Vec`'s buffer, its field in a bigger struct), through
//! [`FromJson::from_json_in`], instead of being built on the stack and moved there; one shared,
//! table-driven loop does that for every struct (`struct_from_json!`), so that each struct adds
//! a table of constants to the compiled code rather than a parser of its own.
//!
//! ```
//! # use stripe_events::json::{self, FromJson, Parser, Error};
//! struct Price {
//!     id: String,
//!     unit_amount: Option<i64>,
//! }
//!
//! impl FromJson for Price {
//!     fn from_json(p: &mut Parser<'_>) -> Result<Self, Error> {
//!         let mut id = None;
//!         let mut unit_amount = None;
//!         p.begin_object()?;
//!         while let Some(key) = p.next_key()? {
//!             let r = match &*key {
//!                 "id" => String::from_json(p).map(|v| id = Some(v)),
//!                 "unit_amount" => Option::<i64>::from_json(p).map(|v| unit_amount = v),
//!                 _ => p.skip_value(),
//!             };
//!             r.map_err(|e| e.at_field(&key))?;
//!         }
//!         Ok(Price {
//!             id: id.ok_or_else(|| json::missing_field("id", p))?,
//!             unit_amount,
//!         })
//!     }
//! }
//!
//! let price: Price = json::from_slice(br#"{"id": "price_1", "unit_amount": 500, "x": [1]}"#)?;
//! assert_eq!(price.id, "price_1");
//! assert_eq!(price.unit_amount, Some(500));
//! # Ok::<(), Error>(())
//! ```

/// `FromJson::from_json_in(p, out)` followed by `check_written`; returns the error from the
/// calling function. A macro rather than a generic function, so that the in-place helpers
/// below and the slot of a required struct field (`fields`) share it without adding a function
/// per type to compile. Defined before the modules so that `fields` sees it.
macro_rules! parse_into {
    ($p:expr, $out:expr) => {{
        let out: &mut MaybeUninit<_> = $out;
        let expected = &raw const *out as *const u8;
        match FromJson::from_json_in($p, out) {
            Ok(written) => check_written(written as *mut _ as *const u8, expected),
            Err(e) => return Err(e),
        }
    }};
}

mod error;
#[doc(hidden)]
pub mod fields;
mod from_json;
mod parser;
mod value;

pub use error::{Error, ErrorKind, Kind};
#[doc(hidden)]
pub use fields::{Field, parse_struct};
pub use from_json::FromJson;
pub use parser::{Checkpoint, Discriminator, Parser};

#[doc(hidden)]
pub use crate::__struct_from_json as struct_from_json;

use std::mem::MaybeUninit;

/// Maximum nesting of objects and arrays accepted by every operation.
pub const MAX_DEPTH: u32 = 128;

/// Parses one complete JSON document (only whitespace may follow the value).
pub fn from_slice<T: FromJson>(input: &[u8]) -> Result<T, Error> {
    let mut p = Parser::new(input);
    let value = T::from_json(&mut p)?;
    p.end()?;
    Ok(value)
}

/// The error for a required member `name` that was absent from the object
/// the parser just finished.
#[cold]
pub fn missing_field(name: &'static str, p: &Parser<'_>) -> Error {
    Error::new(ErrorKind::MissingField(name), p.position())
}

/// The position of `value` in `values`, if it is there. Generated string enums call this to turn
/// a string into a variant: one shared loop (comparing lengths first, then the bytes without a
/// `memcmp` call for short values) instead of a `match` on strings in every enum.
#[inline(never)]
pub fn index_of(value: &str, values: &[&str]) -> Option<usize> {
    let value = value.as_bytes();
    values
        .iter()
        .position(|v| v.len() == value.len() && parser::same_bytes(v.as_bytes(), value))
}

/// Panics unless `written`, the reference a `from_json_in` returned, is its `out`: for an
/// implementation without `unsafe`, that proves `out` was written (safe code gets a `&mut T`
/// there only by writing a `T`; a zero-sized `T` has no bytes to write). Not generic, so that
/// the helpers below add as little code as possible per type.
#[inline]
fn check_written(written: *const u8, out: *const u8) {
    assert!(
        written == out,
        "FromJson::from_json_in returned a reference other than its `out`"
    );
}

/// Parses one value with [`FromJson::from_json_in`]. A type that implements `from_json_in`
/// itself implements `from_json` with this.
#[inline]
#[allow(unsafe_code)]
pub fn in_place<T: FromJson>(p: &mut Parser<'_>) -> Result<T, Error> {
    let mut out = MaybeUninit::uninit();
    parse_into!(p, &mut out);
    // SAFETY: `from_json_in` returned a `&mut T` to `out`, so `out` holds a `T`.
    Ok(unsafe { out.assume_init() })
}

/// Parses one value straight into a new `Box` (no move of a large struct from the stack to the
/// heap): what `Box<T>`, polymorphic fields, expanded objects and event payloads use.
#[inline]
#[allow(unsafe_code)]
pub fn boxed<T: FromJson>(p: &mut Parser<'_>) -> Result<Box<T>, Error> {
    let mut out = Box::<T>::new_uninit();
    parse_into!(p, &mut out);
    // SAFETY: as in `in_place`.
    Ok(unsafe { out.assume_init() })
}

/// Parses one value straight into the spare capacity of `items` and appends it.
#[inline]
#[allow(unsafe_code)]
fn push_in_place<T: FromJson>(p: &mut Parser<'_>, items: &mut Vec<T>) -> Result<(), Error> {
    items.reserve(1);
    let len = items.len();
    parse_into!(p, &mut items.spare_capacity_mut()[0]);
    // SAFETY: as in `in_place`: element `len`, within the capacity reserved above, is
    // initialised.
    unsafe { items.set_len(len + 1) };
    Ok(())
}

/// Parses the value of the object member `name`: on error, `name` is added to the error's path.
#[inline]
pub fn field<T: FromJson>(p: &mut Parser<'_>, name: &'static str) -> Result<T, Error> {
    match T::from_json(p) {
        Ok(v) => Ok(v),
        Err(e) => Err(e.at_field(name)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    /// What generated code looks like for a struct.
    #[derive(Debug, PartialEq)]
    struct Item {
        id: String,
        amount: Option<i64>,
        tags: Option<Vec<String>>,
    }

    struct_from_json!(Item {
        "amount" => optional amount: i64,
        "id" => required id: String,
        "tags" => optional tags: Vec<String>,
    });

    /// A tagged union dispatched with `peek_discriminator`.
    #[derive(Debug, PartialEq)]
    enum Thing {
        Item(Item),
        Deleted(String),
        Other(serde_json::Value),
    }

    impl FromJson for Thing {
        fn from_json(p: &mut Parser<'_>) -> Result<Self, Error> {
            let d = p.peek_discriminator()?;
            match (d.object.as_deref(), d.deleted) {
                (Some("item"), false) => Item::from_json(p).map(Thing::Item),
                (Some("item"), true) => {
                    let raw = p.raw_value()?;
                    Ok(Thing::Deleted(raw.to_owned()))
                }
                _ => p.parse_value().map(Thing::Other),
            }
        }
    }

    #[test]
    fn generated_style_struct() {
        let doc = br#"{
            "unknown": {"deep": [1, 2, {"x": "\u00e9\n"}], "more": null},
            "id": "it_1",
            "tags": ["a", "b\"c"],
            "amount": null
        }"#;
        let item: Item = from_slice(doc).unwrap();
        assert_eq!(
            item,
            Item {
                id: "it_1".into(),
                amount: None,
                tags: Some(vec!["a".into(), "b\"c".into()]),
            }
        );
    }

    #[test]
    fn next_field_finds_keys_in_any_order_and_skips_others() {
        const KEYS: &[&str] = &["a", "bb", "c", "d"];
        let doc = br#"{"d": 1, "x": {"a": 9}, "a": 2, "bb": 3, "c": 4, "a\u0062": 5, "zz": []}"#;
        let mut p = Parser::new(doc);
        p.begin_object().unwrap();
        let mut hint = 0;
        let mut seen = Vec::new();
        loop {
            let i = p.next_field(KEYS, &mut hint).unwrap();
            if i == Parser::END {
                break;
            }
            // `hint` points after the match: the next key in order is tried first.
            assert_eq!(hint, i + 1);
            seen.push((i, p.parse_i64().unwrap()));
        }
        p.end().unwrap();
        // "x" and "zz" (and what is inside them) are skipped; "a\u0062" is the key "ab"...
        // not one of ours either, so it is skipped too.
        assert_eq!(seen, [(3, 1), (0, 2), (1, 3), (2, 4)]);
    }

    #[test]
    fn repeated_members_keep_the_last_value_and_nulls_clear_optional_fields() {
        let item: Item =
            from_slice(br#"{"id": "a", "amount": 1, "id": "b", "amount": null}"#).unwrap();
        assert_eq!((item.id.as_str(), item.amount), ("b", None));
        let e = from_slice::<Item>(br#"{"id": null}"#).unwrap_err();
        assert_eq!(e.path(), "$.id");
    }

    #[test]
    fn index_of_finds_exact_values_only() {
        let values = [
            "open",
            "paid",
            "uncollectible",
            "void",
            "draft_and_more_than_16",
        ];
        for (i, v) in values.iter().enumerate() {
            assert_eq!(index_of(v, &values), Some(i));
        }
        for other in ["", "ope", "opens", "Paid", "draft_and_more_than_17"] {
            assert_eq!(index_of(other, &values), None, "{other}");
        }
    }

    #[test]
    fn missing_and_mistyped_fields() {
        let e = from_slice::<Vec<Item>>(br#"[{"id": "a"}, {"amount": 3}]"#).unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::MissingField("id"));
        assert_eq!(e.reason(), "missing field `id`");
        assert_eq!(e.path(), "$[1]");
        assert_eq!(e.offset(), 27);
        assert!(!e.is_syntax());

        let e = from_slice::<Vec<Item>>(br#"[{"id": "a", "tags": ["x", 5]}]"#).unwrap_err();
        assert_eq!(e.path(), "$[0].tags[1]");
        assert_eq!(
            e.to_string(),
            "expected a string, found a number at $[0].tags[1] (byte 27)"
        );

        let e = from_slice::<Item>(br#"{"id": "a", "skipped": [1, 2,]}"#).unwrap_err();
        assert!(e.is_syntax());
        assert_eq!(e.path(), "$.skipped");
    }

    #[test]
    fn discriminated_union() {
        let things: Vec<Thing> = from_slice(
            br#"[
                {"id": "i1", "object": "item"},
                {"deleted": true, "object": "item", "id": "i2"},
                {"object": "other", "data": {"object": "item"}}
            ]"#,
        )
        .unwrap();
        assert_eq!(things.len(), 3);
        assert!(matches!(&things[0], Thing::Item(i) if i.id == "i1"));
        assert_eq!(
            things[1],
            Thing::Deleted(r#"{"deleted": true, "object": "item", "id": "i2"}"#.into())
        );
        assert!(matches!(&things[2], Thing::Other(v) if v["data"]["object"] == "item"));
    }

    #[test]
    fn untagged_fallback_with_checkpoint() {
        // Try one shape, rewind on failure, try another.
        fn parse(p: &mut Parser<'_>) -> Result<Result<Item, Vec<i64>>, Error> {
            let saved = p.checkpoint();
            match Item::from_json(p) {
                Ok(item) => Ok(Ok(item)),
                Err(_) => {
                    p.restore(saved);
                    Vec::<i64>::from_json(p).map(Err)
                }
            }
        }
        let mut p = Parser::new(br#"[[1, 2], {"id": "x"}]"#);
        p.begin_array().unwrap();
        assert!(p.next_element().unwrap());
        assert_eq!(parse(&mut p).unwrap(), Err(vec![1, 2]));
        assert!(p.next_element().unwrap());
        assert!(parse(&mut p).unwrap().is_ok());
        assert!(!p.next_element().unwrap());
        p.end().unwrap();
    }

    #[test]
    fn field_adds_the_member_name() {
        let mut p = Parser::new(br#"{"amount": "x"}"#);
        p.begin_object().unwrap();
        let key = p.next_key().unwrap().unwrap();
        assert_eq!(key, "amount");
        let e = field::<i64>(&mut p, "amount").unwrap_err();
        assert_eq!(e.path(), "$.amount");
        assert_eq!(e.reason(), "expected an integer, found a string");
        let mut p = Parser::new(b"7");
        assert_eq!(field::<u32>(&mut p, "n").unwrap(), 7);
    }

    #[test]
    fn from_slice_requires_the_whole_input() {
        assert_eq!(from_slice::<i64>(b" 1 \n").unwrap(), 1);
        let e = from_slice::<i64>(b"1 1").unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::Syntax("trailing characters"));
        assert_eq!(e.offset(), 2);
        let e = from_slice::<String>(b"").unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::Eof);
        let s: Cow<'_, str> = Parser::new(b"\"x\"").parse_str().unwrap();
        assert_eq!(s, "x");
    }

    #[test]
    fn built_in_place_in_boxes_and_vectors() {
        let items: Vec<Item> =
            from_slice(br#"[{"id": "a", "tags": ["x"]}, {"id": "b", "amount": 2}]"#).unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(
            (items[0].id.as_str(), items[0].tags.as_deref()),
            ("a", Some(&["x".to_owned()][..]))
        );
        assert_eq!((items[1].id.as_str(), items[1].amount), ("b", Some(2)));
        let boxed: Box<Item> = from_slice(br#"{"id": "c"}"#).unwrap();
        assert_eq!(boxed.id, "c");
        let nested: Vec<Box<Item>> = from_slice(br#"[{"id": "d"}]"#).unwrap();
        assert_eq!(nested[0].id, "d");
        // An error inside an element leaves nothing half-built behind and says where it was.
        let e = from_slice::<Vec<Item>>(br#"[{"id": "a"}, {"amount": 1}]"#).unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::MissingField("id"));
        assert_eq!(e.path(), "$[1]");
        let e = from_slice::<Box<Item>>(br#"{"id": 5}"#).unwrap_err();
        assert_eq!(e.path(), "$.id");
    }

    /// A `from_json_in` that hands back some other value than the one it was given.
    struct Liar(#[allow(dead_code)] u64);

    impl FromJson for Liar {
        fn from_json(p: &mut Parser<'_>) -> Result<Self, Error> {
            in_place(p)
        }

        fn from_json_in<'o>(
            p: &mut Parser<'_>,
            _out: &'o mut MaybeUninit<Self>,
        ) -> Result<&'o mut Self, Error> {
            p.skip_value()?;
            Ok(Box::leak(Box::new(Liar(1))))
        }
    }

    #[test]
    #[should_panic(expected = "returned a reference other than its `out`")]
    fn a_liar_is_refused_on_the_stack() {
        let _ = from_slice::<Liar>(b"1");
    }

    #[test]
    #[should_panic(expected = "returned a reference other than its `out`")]
    fn a_liar_is_refused_in_a_box() {
        let _ = from_slice::<Box<Liar>>(b"1");
    }
}
