//! Struct parsing driven by a table of the struct's fields.
//!
//! A generated struct does not get a parser of its own: its `FromJson` impl is one call to
//! [`struct_from_json!`](crate::json::struct_from_json), whose `from_json_in` builds a static
//! table (each member's key, the field's offset and a function for the field's type) and hands
//! it to one shared loop, [`parse_struct`]. The loop writes every field straight into the struct's place
//! and keeps a bit per field that it has written, so that on an error it drops exactly those.
//!
//! That is what keeps the crate quick to compile: the code per struct is a table of constants,
//! and the code per field *type* (`required` and `optional` below, one instance per type) is
//! shared by every field of that type in every struct. A parser per struct, with a local and a
//! drop flag per field, was most of the LLVM IR the compiler generated for the crate.
//!
//! The table is proved right by the macro, not trusted: the struct is destructured with a
//! pattern that names every field exactly once (no `..`), and each name is checked to have the
//! type its table entry was made for. A table that left a field out, listed one twice or
//! disagreed about a type would not compile.

use std::mem::MaybeUninit;

use super::error::{Error, ErrorKind};
use super::from_json::FromJson;
use super::parser::Parser;
use super::{check_written, missing_field};

/// The most fields one struct may have (one bit each while it is parsed). Stripe's largest
/// object has fewer than 100; [`struct_from_json!`](crate::json::struct_from_json) refuses more
/// at compile time.
pub const MAX_FIELDS: usize = 256;

/// What [`parse_struct`] asks a field's [`SlotFn`] to do with the field at the pointer.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Parse the value at the parser into the field, which holds nothing yet.
    Parse,
    /// Drop the value the field holds.
    Drop,
    /// Write the value of an absent member (`None`) into the field, which holds nothing yet.
    Absent,
}

/// The function of one field type: does an [`Action`] to a field of that type at the pointer.
///
/// # Safety
///
/// The pointer points to a field of the type the function was made for, holding a value for
/// [`Action::Drop`] and nothing (but writable) for the others.
#[doc(hidden)]
pub type SlotFn = unsafe fn(Action, &mut Parser<'_>, *mut u8) -> Result<(), Error>;

/// What a table entry stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A field that must be present (its type may still be an `Option`, for `null`).
    Required,
    /// An `Option` field: `None` when the member is absent or `null`.
    Optional,
    /// A member that is recognised and skipped.
    Skipped,
    /// The struct's `object` member, whose value must be the struct's tag (the one string its
    /// schema allows there, given to [`parse_struct`]).
    Tag,
}

/// One entry of a struct's table: a member's key, and where and how its value is stored.
/// Built only by [`struct_from_json!`](crate::json::struct_from_json).
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct Field {
    key: &'static str,
    offset: usize,
    slot: SlotFn,
    kind: Kind,
}

impl Field {
    /// A field of type `T` at `offset` that must be present.
    pub const fn required<T: FromJson>(key: &'static str, offset: usize) -> Self {
        Self {
            key,
            offset,
            slot: required::<T>,
            kind: Kind::Required,
        }
    }

    /// A field of type `Option<T>` at `offset`: `None` when absent or `null`.
    pub const fn optional<T: FromJson>(key: &'static str, offset: usize) -> Self {
        Self {
            key,
            offset,
            slot: optional::<T>,
            kind: Kind::Optional,
        }
    }

    /// A member that is recognised and skipped; it has no field.
    pub const fn skipped(key: &'static str) -> Self {
        Self {
            key,
            offset: 0,
            slot: skipped,
            kind: Kind::Skipped,
        }
    }

    /// The struct's `object` member (`key`), whose value must be the tag given to
    /// [`parse_struct`]; it has no field.
    pub const fn tag(key: &'static str) -> Self {
        Self {
            key,
            offset: 0,
            slot: skipped,
            kind: Kind::Tag,
        }
    }

    /// The member's key.
    pub const fn key(&self) -> &'static str {
        self.key
    }
}

impl AsRef<str> for Field {
    fn as_ref(&self) -> &str {
        self.key
    }
}

/// Field types for the type checks of [`struct_from_json!`](crate::json::struct_from_json): the
/// type of a field, by the kind of its entry.
#[doc(hidden)]
#[allow(non_camel_case_types)]
pub mod kind {
    /// A required field of type `T`.
    pub type required<T> = T;
    /// An optional field, of type `Option<T>`.
    pub type optional<T> = Option<T>;
}

/// The [`SlotFn`] of a required field of type `T`: parsed in place.
#[allow(unsafe_code)]
unsafe fn required<T: FromJson>(
    action: Action,
    p: &mut Parser<'_>,
    at: *mut u8,
) -> Result<(), Error> {
    let at = at.cast::<T>();
    match action {
        Action::Parse => {
            // SAFETY: `at` points to a writable field of type `T` (the caller's contract), which
            // `MaybeUninit<T>` has the layout of.
            let out = unsafe { &mut *at.cast::<MaybeUninit<T>>() };
            parse_into!(p, out);
            Ok(())
        }
        // SAFETY: the field holds a `T` (the caller's contract).
        Action::Drop => unsafe {
            at.drop_in_place();
            Ok(())
        },
        Action::Absent => unreachable!("a required field has no value when absent"),
    }
}

/// The [`SlotFn`] of an optional field of type `Option<T>`.
#[allow(unsafe_code)]
unsafe fn optional<T: FromJson>(
    action: Action,
    p: &mut Parser<'_>,
    at: *mut u8,
) -> Result<(), Error> {
    let at = at.cast::<Option<T>>();
    let value = match action {
        Action::Parse => match p.eat_null() {
            Ok(true) => None,
            Ok(false) => match T::from_json(p) {
                Ok(v) => Some(v),
                Err(e) => return Err(e),
            },
            Err(e) => return Err(e),
        },
        Action::Absent => None,
        Action::Drop => {
            // SAFETY: the field holds an `Option<T>` (the caller's contract).
            unsafe { at.drop_in_place() };
            return Ok(());
        }
    };
    // SAFETY: `at` points to a writable field of type `Option<T>` (the caller's contract).
    unsafe { at.write(value) };
    Ok(())
}

/// The [`SlotFn`] of a skipped member: skips its value.
fn skipped(action: Action, p: &mut Parser<'_>, _: *mut u8) -> Result<(), Error> {
    match action {
        Action::Parse => p.skip_value(),
        Action::Drop | Action::Absent => Ok(()),
    }
}

/// Checks the value of a struct's `object` member against the struct's tag: a product is not
/// read as a customer because the other members happen to fit.
#[cold]
fn unexpected_object(found: &str, expected: &'static str, at: usize) -> Error {
    let found = found.to_owned();
    Error::new(ErrorKind::UnexpectedObject { expected, found }, at)
}

/// The value of the `object` member, which must be `expected`.
fn check_tag(p: &mut Parser<'_>, expected: &'static str) -> Result<(), Error> {
    p.skip_ws();
    let at = p.position();
    let found = p.parse_str()?;
    if *found == *expected {
        Ok(())
    } else {
        Err(unexpected_object(&found, expected, at))
    }
}

/// One bit per table entry: the fields [`parse_struct`] has written.
struct Written([u64; MAX_FIELDS / 64]);

impl Written {
    fn has(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }

    fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }

    fn clear(&mut self, i: usize) {
        self.0[i / 64] &= !(1 << (i % 64));
    }
}

/// Parses a JSON object into the struct at `out`, as its table `fields` says: each member whose
/// key is in the table into its field (a repeated member replaces the earlier value, as in
/// `serde_json`), other members skipped, absent optional fields `None`, an absent required
/// field an error. The value of a [`Field::tag`] member, when present, must be `tag`. On `Ok` every field of the struct is written; on `Err` none is (those written
/// before the error are dropped again).
///
/// # Safety
///
/// `out` points to writable memory for a struct whose fields are exactly the table's entries
/// other than skipped ones, each at its entry's offset and of the type its entry was made for,
/// and `fields` is sorted by key and has at most [`MAX_FIELDS`] entries.
/// [`struct_from_json!`](crate::json::struct_from_json) proves all of that at compile time.
#[doc(hidden)]
#[allow(unsafe_code)]
pub unsafe fn parse_struct(
    p: &mut Parser<'_>,
    fields: &[Field],
    tag: Option<&'static str>,
    out: *mut u8,
) -> Result<(), Error> {
    assert!(fields.len() <= MAX_FIELDS, "too many fields for one struct");
    let mut written = Written([0; MAX_FIELDS / 64]);
    // SAFETY: the caller's contract, passed on.
    let result = unsafe { members(p, fields, tag, out, &mut written) };
    if result.is_err() {
        for (i, f) in fields.iter().enumerate() {
            if written.has(i) {
                // SAFETY: the field was written and not dropped since.
                let _ = unsafe { (f.slot)(Action::Drop, p, out.add(f.offset)) };
            }
        }
    }
    result
}

/// The members of the object, then the absent fields; `written` says which fields hold a value.
#[allow(unsafe_code)]
unsafe fn members(
    p: &mut Parser<'_>,
    fields: &[Field],
    tag: Option<&'static str>,
    out: *mut u8,
    written: &mut Written,
) -> Result<(), Error> {
    p.begin_object()?;
    let mut hint = 0;
    loop {
        let i = p.next_field(fields, &mut hint)?;
        let Some(f) = fields.get(i) else {
            break;
        };
        // SAFETY: the caller's contract: the entry's field is at `out + offset` (a skipped
        // entry's offset is 0, and its function touches nothing there).
        let at = unsafe { out.add(f.offset) };
        if written.has(i) {
            written.clear(i);
            // SAFETY: the field holds the value of an earlier member with the same key.
            let _ = unsafe { (f.slot)(Action::Drop, p, at) };
        }
        let parsed = match (f.kind, tag) {
            (Kind::Tag, Some(expected)) => check_tag(p, expected),
            // SAFETY: the field holds nothing now.
            _ => unsafe { (f.slot)(Action::Parse, p, at) },
        };
        match parsed {
            Ok(()) => written.set(i),
            Err(e) => return Err(e.at_field(f.key)),
        }
    }
    // The entries not written: a few per struct (skipped members, the tag, absent fields), so
    // they are found by their zero bits, a word at a time, rather than by testing every entry.
    for word in 0..fields.len().div_ceil(64) {
        let in_table = match fields.len() - word * 64 {
            n if n >= 64 => u64::MAX,
            n => (1 << n) - 1,
        };
        let mut missing = !written.0[word] & in_table;
        while missing != 0 {
            let i = word * 64 + missing.trailing_zeros() as usize;
            missing &= missing - 1;
            // SAFETY: entry `i` was not written, so its field holds nothing.
            unsafe { absent(p, &fields[i], out, written, i)? };
        }
    }
    Ok(())
}

/// Entry `i`, whose member the object did not have: an error for a required field, `None` for
/// an optional one, nothing for the others.
///
/// # Safety
///
/// As [`parse_struct`]'s, and entry `i`'s field holds nothing.
#[allow(unsafe_code)]
#[inline]
unsafe fn absent(
    p: &mut Parser<'_>,
    f: &Field,
    out: *mut u8,
    written: &mut Written,
    i: usize,
) -> Result<(), Error> {
    match f.kind {
        Kind::Required => return Err(missing_field(f.key, p)),
        Kind::Optional => {
            // SAFETY: the field is at `out + offset` and holds nothing (the caller's contract).
            let _ = unsafe { (f.slot)(Action::Absent, p, out.add(f.offset)) };
            written.set(i);
        }
        Kind::Skipped | Kind::Tag => {}
    }
    Ok(())
}

/// Implements [`FromJson`] for a struct, as generated code does for each of its structs:
/// `from_json_in` parses the object in place with [`parse_struct`], from a table of the
/// struct's members in key order, and `from_json` calls it through
/// [`in_place`](crate::json::in_place). Each entry is `"key" => required field: Type`,
/// `"key" => optional field: Inner` (for a field of type `Option<Inner>`),
/// `"key" => skipped`, or, for the `object` member of a struct whose schema allows one value
/// there, `"object" => tag = "value"`: a member with another value is an error
/// ([`ErrorKind::UnexpectedObject`](crate::json::ErrorKind::UnexpectedObject)); an absent one
/// is not.
///
/// Every field of the struct must be listed, with its type: the macro checks that at compile
/// time, which is what makes the table safe to use.
///
/// ```
/// use stripe_events::json::{self, Error};
///
/// struct Price {
///     id: String,
///     unit_amount: Option<i64>,
/// }
///
/// json::struct_from_json!(Price {
///     "id" => required id: String,
///     "object" => tag = "price",
///     "unit_amount" => optional unit_amount: i64,
/// });
///
/// let price: Price = json::from_slice(br#"{"object": "price", "id": "price_1", "x": [1]}"#)?;
/// assert_eq!((price.id.as_str(), price.unit_amount), ("price_1", None));
/// let e = json::from_slice::<Price>(br#"{"unit_amount": 5}"#).err().unwrap();
/// assert_eq!(e.reason(), "missing field `id`");
/// let e = json::from_slice::<Price>(br#"{"id": "prod_1", "object": "product"}"#).err().unwrap();
/// assert_eq!((e.reason().as_str(), e.path().as_str()), (r#"expected "price", found "product""#, "$.object"));
/// # Ok::<(), Error>(())
/// ```
///
/// A table that leaves a field out does not compile (nor does one that lists a field twice):
///
/// ```compile_fail,E0027
/// struct Price { id: String, unit_amount: Option<i64> }
/// stripe_events::json::struct_from_json!(Price { "id" => required id: String });
/// ```
///
/// Nor does one that gives a field another type than its own:
///
/// ```compile_fail,E0308
/// struct Price { id: String, unit_amount: Option<i64> }
/// stripe_events::json::struct_from_json!(Price {
///     "id" => required id: String,
///     "unit_amount" => optional unit_amount: u8,
/// });
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __struct_from_json {
    ($S:ident {
        $( $key:literal => $kind:ident $( $field:ident : $ty:ty )? $( = $tag:literal )? ),* $(,)?
    }) => {
        impl $crate::json::FromJson for $S {
            fn from_json(
                p: &mut $crate::json::Parser<'_>,
            ) -> ::std::result::Result<Self, $crate::json::Error> {
                $crate::json::in_place(p)
            }

            fn from_json_in<'o>(
                p: &mut $crate::json::Parser<'_>,
                out: &'o mut ::std::mem::MaybeUninit<Self>,
            ) -> ::std::result::Result<&'o mut Self, $crate::json::Error> {
                // The proof `parse_struct` needs: this pattern names every field of the struct
                // exactly once (it has no `..`), and each field has the type its table entry is
                // made for. The closure is never called, so it adds nothing to the compiled code.
                let _ = |s: &$S| {
                    let $S { $( $( $field, )? )* } = s;
                    $( $( let _: &$crate::json::fields::kind::$kind<$ty> = $field; )? )*
                };
                static FIELDS: &[$crate::json::Field] = &[
                    $( $crate::json::Field::$kind::<$($ty)?>(
                        $key $(, ::std::mem::offset_of!($S, $field))?
                    ) ),*
                ];
                const _: () = ::std::assert!(
                    [$($key),*].len() <= $crate::json::fields::MAX_FIELDS,
                    "too many fields for one struct"
                );
                // The value of the `tag` entry, if there is one.
                const TAG: &[&str] = &[$( $( $tag, )? )*];
                #[allow(unsafe_code)]
                // SAFETY: the table is proved by the pattern above and sorted by the generator
                // (`parse_struct` looks keys up by binary search, so a wrongly sorted table only
                // misses members); on `Ok` every field is written.
                match unsafe {
                    $crate::json::parse_struct(
                        p,
                        FIELDS,
                        TAG.first().copied(),
                        out.as_mut_ptr().cast::<u8>(),
                    )
                } {
                    ::std::result::Result::Ok(()) => {
                        ::std::result::Result::Ok(unsafe { out.assume_init_mut() })
                    }
                    ::std::result::Result::Err(e) => ::std::result::Result::Err(e),
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::super::{ErrorKind, from_slice};
    use super::*;
    use std::cell::Cell;

    thread_local! {
        /// `Counted` values alive on this thread.
        static LIVE: Cell<isize> = const { Cell::new(0) };
    }

    fn live() -> isize {
        LIVE.with(Cell::get)
    }

    /// A string that counts its live instances, to catch a field dropped twice or never.
    #[derive(Debug)]
    struct Counted(String);

    impl FromJson for Counted {
        fn from_json(p: &mut Parser<'_>) -> Result<Self, Error> {
            let s = p.parse_string()?;
            LIVE.with(|l| l.set(l.get() + 1));
            Ok(Counted(s))
        }
    }

    impl Drop for Counted {
        fn drop(&mut self) {
            LIVE.with(|l| l.set(l.get() - 1));
        }
    }

    #[derive(Debug)]
    struct Inner {
        name: Counted,
        size: Option<i64>,
    }

    crate::json::struct_from_json!(Inner {
        "name" => required name: Counted,
        "size" => optional size: i64,
    });

    #[derive(Debug)]
    struct Outer {
        id: Counted,
        note: Option<Counted>,
        tags: Vec<Counted>,
        inner: Inner,
        extra: Option<Inner>,
        amount: i64,
    }

    crate::json::struct_from_json!(Outer {
        "amount" => required amount: i64,
        "extra" => optional extra: Inner,
        "id" => required id: Counted,
        "inner" => required inner: Inner,
        "note" => optional note: Counted,
        "object" => skipped,
        "tags" => required tags: Vec<Counted>,
    });

    /// Parses `doc`, drops what came out, and checks that every `Counted` made was dropped once.
    fn parse(doc: &str) -> Result<String, Error> {
        let before = live();
        let result = from_slice::<Outer>(doc.as_bytes()).map(|o| format!("{o:?}"));
        assert_eq!(live(), before, "a field was leaked or dropped twice: {doc}");
        result
    }

    #[test]
    fn every_field_is_written_in_any_member_order() {
        let doc = r#"{"tags": ["t1", "t2"], "object": "outer", "zz": {"id": "no"}, "amount": 7,
            "inner": {"size": null, "name": "in"}, "id": "o1", "extra": {"name": "x", "size": 3}}"#;
        let o: Outer = from_slice(doc.as_bytes()).unwrap();
        assert_eq!(o.id.0, "o1");
        assert!(o.note.is_none());
        let tags: Vec<&str> = o.tags.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(tags, ["t1", "t2"]);
        assert_eq!((o.inner.name.0.as_str(), o.inner.size), ("in", None));
        let extra = o.extra.as_ref().unwrap();
        assert_eq!((extra.name.0.as_str(), extra.size), ("x", Some(3)));
        assert_eq!(o.amount, 7);
        assert_eq!(live(), 5);
        drop(o);
        assert_eq!(live(), 0);
    }

    #[test]
    fn a_repeated_member_replaces_the_value_and_drops_the_old_one() {
        let doc = r#"{"id": "a", "note": "n1", "tags": [], "inner": {"name": "i"},
            "amount": 1, "id": "b", "note": null, "amount": 2}"#;
        let out = parse(doc).unwrap();
        assert!(out.contains(r#"id: Counted("b")"#), "{out}");
        assert!(out.contains("note: None"), "{out}");
        assert!(out.contains("amount: 2"), "{out}");
    }

    #[test]
    fn errors_drop_exactly_the_fields_written_before_them() {
        let cases = [
            // A wrong type after some fields are written, at the top and one level down.
            (
                r#"{"id": "a", "note": "n", "tags": ["t"], "amount": "x"}"#,
                "$.amount",
            ),
            (
                r#"{"id": "a", "inner": {"name": "i", "size": "big"}}"#,
                "$.inner.size",
            ),
            (r#"{"id": "a", "tags": ["t1", 5]}"#, "$.tags[1]"),
            (r#"{"id": "a", "extra": {"name": 1}}"#, "$.extra.name"),
            // A syntax error in a skipped member, and the end of the input.
            (r#"{"id": "a", "unknown": [1,, 2]}"#, "$.unknown"),
            (r#"{"id": "a", "object": [1,, 2]}"#, "$.object"),
            (r#"{"id": "a", "note": "n""#, "$"),
            // A repeated member whose second value is bad: the first was dropped already.
            (r#"{"id": "a", "id": 5}"#, "$.id"),
        ];
        for (doc, path) in cases {
            let e = parse(doc).unwrap_err();
            assert_eq!(e.path(), path, "{doc}: {e}");
        }
    }

    #[test]
    fn absent_required_fields_are_errors_and_absent_optional_ones_none() {
        let e = parse(r#"{"id": "a", "tags": [], "inner": {"name": "i"}}"#).unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::MissingField("amount"));
        let e = parse(r#"{"id": "a", "amount": 1, "tags": [], "inner": {}}"#).unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::MissingField("name"));
        assert_eq!(e.path(), "$.inner");
        let out = parse(r#"{"id": "a", "amount": 1, "tags": [], "inner": {"name": "i"}}"#);
        let out = out.unwrap();
        assert!(
            out.contains("note: None") && out.contains("extra: None"),
            "{out}"
        );
    }

    #[test]
    fn only_objects_are_structs() {
        for doc in ["[]", "null", r#""x""#, "1"] {
            let e = parse(doc).unwrap_err();
            assert!(e.reason().starts_with("expected an object"), "{doc}: {e}");
        }
    }

    /// A struct whose schema allows one `object` value.
    #[derive(Debug)]
    struct Tagged {
        name: Counted,
    }

    crate::json::struct_from_json!(Tagged {
        "name" => required name: Counted,
        "object" => tag = "tagged",
    });

    #[test]
    fn the_object_member_must_be_the_tag_when_present() {
        let before = live();
        let ok = from_slice::<Tagged>(br#"{"object": "tagged", "name": "a"}"#).unwrap();
        assert_eq!(ok.name.0, "a");
        drop(ok);
        let untagged = from_slice::<Tagged>(br#"{"name": "b"}"#).unwrap();
        assert_eq!(untagged.name.0, "b");
        drop(untagged);
        let e = from_slice::<Tagged>(br#"{"name": "c", "object":  "other"}"#).unwrap_err();
        assert_eq!(
            e.kind(),
            &ErrorKind::UnexpectedObject {
                expected: "tagged",
                found: "other".into()
            }
        );
        assert_eq!(e.path(), "$.object");
        assert_eq!(e.offset(), 25);
        assert!(!e.is_syntax());
        // Escapes are decoded before comparing; other types are type errors.
        assert!(from_slice::<Tagged>(br#"{"name": "d", "object": "tagge\u0064"}"#).is_ok());
        let e = from_slice::<Tagged>(br#"{"object": 5, "name": "e"}"#).unwrap_err();
        assert_eq!(
            (e.reason().as_str(), e.path().as_str()),
            ("expected a string, found a number", "$.object")
        );
        assert_eq!(live(), before, "a field was leaked or dropped twice");
    }

    #[test]
    fn tables_are_looked_up_by_key() {
        const TABLE: &[Field] = &[
            Field::required::<i64>("a", 0),
            Field::skipped("object"),
            Field::optional::<String>("zz", 8),
        ];
        let mut p = Parser::new(br#"{"zz": 1, "object": 2, "b": 3, "a": 4}"#);
        p.begin_object().unwrap();
        let mut hint = 0;
        let mut keys = Vec::new();
        loop {
            let i = p.next_field(TABLE, &mut hint).unwrap();
            if i == Parser::END {
                break;
            }
            keys.push(TABLE[i].key());
            p.skip_value().unwrap();
        }
        assert_eq!(keys, ["zz", "object", "a"]);
    }

    /// Wider than one word of `Written`: absent fields on both sides of entry 64.
    #[derive(Debug)]
    struct Wide {
        f00: Option<i64>,
        f01: Option<i64>,
        f02: Option<i64>,
        f03: Option<i64>,
        f04: Option<i64>,
        f05: Option<i64>,
        f06: Option<i64>,
        f07: Option<i64>,
        f08: Option<i64>,
        f09: Option<i64>,
        f10: Option<i64>,
        f11: Option<i64>,
        f12: Option<i64>,
        f13: Option<i64>,
        f14: Option<i64>,
        f15: Option<i64>,
        f16: Option<i64>,
        f17: Option<i64>,
        f18: Option<i64>,
        f19: Option<i64>,
        f20: Option<i64>,
        f21: Option<i64>,
        f22: Option<i64>,
        f23: Option<i64>,
        f24: Option<i64>,
        f25: Option<i64>,
        f26: Option<i64>,
        f27: Option<i64>,
        f28: Option<i64>,
        f29: Option<i64>,
        f30: Option<i64>,
        f31: Option<i64>,
        f32: Option<i64>,
        f33: Option<i64>,
        f34: Option<i64>,
        f35: Option<i64>,
        f36: Option<i64>,
        f37: Option<i64>,
        f38: Option<i64>,
        f39: Option<i64>,
        f40: Option<i64>,
        f41: Option<i64>,
        f42: Option<i64>,
        f43: Option<i64>,
        f44: Option<i64>,
        f45: Option<i64>,
        f46: Option<i64>,
        f47: Option<i64>,
        f48: Option<i64>,
        f49: Option<i64>,
        f50: Option<i64>,
        f51: Option<i64>,
        f52: Option<i64>,
        f53: Option<i64>,
        f54: Option<i64>,
        f55: Option<i64>,
        f56: Option<i64>,
        f57: Option<i64>,
        f58: Option<i64>,
        f59: Option<i64>,
        f60: Option<i64>,
        f61: Option<i64>,
        f62: Option<i64>,
        f63: Option<i64>,
        f64: Option<i64>,
        f65: Option<i64>,
        f66: Option<i64>,
        f67: Option<i64>,
        f68: Option<i64>,
        f69: Option<i64>,
        last: Counted,
    }

    crate::json::struct_from_json!(Wide {
        "f00" => optional f00: i64,
        "f01" => optional f01: i64,
        "f02" => optional f02: i64,
        "f03" => optional f03: i64,
        "f04" => optional f04: i64,
        "f05" => optional f05: i64,
        "f06" => optional f06: i64,
        "f07" => optional f07: i64,
        "f08" => optional f08: i64,
        "f09" => optional f09: i64,
        "f10" => optional f10: i64,
        "f11" => optional f11: i64,
        "f12" => optional f12: i64,
        "f13" => optional f13: i64,
        "f14" => optional f14: i64,
        "f15" => optional f15: i64,
        "f16" => optional f16: i64,
        "f17" => optional f17: i64,
        "f18" => optional f18: i64,
        "f19" => optional f19: i64,
        "f20" => optional f20: i64,
        "f21" => optional f21: i64,
        "f22" => optional f22: i64,
        "f23" => optional f23: i64,
        "f24" => optional f24: i64,
        "f25" => optional f25: i64,
        "f26" => optional f26: i64,
        "f27" => optional f27: i64,
        "f28" => optional f28: i64,
        "f29" => optional f29: i64,
        "f30" => optional f30: i64,
        "f31" => optional f31: i64,
        "f32" => optional f32: i64,
        "f33" => optional f33: i64,
        "f34" => optional f34: i64,
        "f35" => optional f35: i64,
        "f36" => optional f36: i64,
        "f37" => optional f37: i64,
        "f38" => optional f38: i64,
        "f39" => optional f39: i64,
        "f40" => optional f40: i64,
        "f41" => optional f41: i64,
        "f42" => optional f42: i64,
        "f43" => optional f43: i64,
        "f44" => optional f44: i64,
        "f45" => optional f45: i64,
        "f46" => optional f46: i64,
        "f47" => optional f47: i64,
        "f48" => optional f48: i64,
        "f49" => optional f49: i64,
        "f50" => optional f50: i64,
        "f51" => optional f51: i64,
        "f52" => optional f52: i64,
        "f53" => optional f53: i64,
        "f54" => optional f54: i64,
        "f55" => optional f55: i64,
        "f56" => optional f56: i64,
        "f57" => optional f57: i64,
        "f58" => optional f58: i64,
        "f59" => optional f59: i64,
        "f60" => optional f60: i64,
        "f61" => optional f61: i64,
        "f62" => optional f62: i64,
        "f63" => optional f63: i64,
        "f64" => optional f64: i64,
        "f65" => optional f65: i64,
        "f66" => optional f66: i64,
        "f67" => optional f67: i64,
        "f68" => optional f68: i64,
        "f69" => optional f69: i64,
        "last" => required last: Counted,
    });

    #[test]
    fn absent_fields_are_found_in_every_word_of_a_wide_table() {
        let before = live();
        let w: Wide =
            from_slice(br#"{"f00": 1, "f63": 63, "f64": 64, "f69": null, "last": "l"}"#).unwrap();
        assert_eq!(
            (w.f00, w.f01, w.f62, w.f63),
            (Some(1), None, None, Some(63))
        );
        assert_eq!((w.f64, w.f65, w.f68, w.f69), (Some(64), None, None, None));
        assert_eq!(w.last.0, "l");
        drop(w);
        // A required field missing after the first word: the error names it, and nothing leaks.
        let e = from_slice::<Wide>(br#"{"f00": 1, "f66": 2}"#).unwrap_err();
        assert_eq!(e.reason(), "missing field `last`");
        assert_eq!(live(), before, "a field was leaked or dropped twice");
    }
}
