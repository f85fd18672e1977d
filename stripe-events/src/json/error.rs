//! Error type returned by the JSON parser and by [`FromJson`](super::FromJson) impls.

use std::fmt;

/// The JSON type of a value, as seen by [`Parser::peek`](super::Parser::peek).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `null`
    Null,
    /// `true` or `false`
    Bool,
    /// A number.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

impl Kind {
    /// The human description used in error messages, e.g. `"a string"`.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool => "a boolean",
            Kind::Number => "a number",
            Kind::String => "a string",
            Kind::Array => "an array",
            Kind::Object => "an object",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// What went wrong.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub enum ErrorKind {
    /// Unexpected end of input.
    Eof,
    /// The input is not valid JSON; the text says what was expected.
    Syntax(&'static str),
    /// A string contains bytes that are not valid UTF-8.
    InvalidUtf8,
    /// Objects and arrays are nested deeper than [`MAX_DEPTH`](super::MAX_DEPTH).
    DepthLimit,
    /// Well-formed JSON of the wrong type.
    Type {
        /// What the caller wanted, e.g. `"a string"`.
        expected: &'static str,
        /// What the input contained.
        found: Kind,
    },
    /// A number that does not fit the requested type.
    NumberOutOfRange {
        /// The requested type, e.g. `"i64"`.
        expected: &'static str,
    },
    /// A required object member is absent.
    MissingField(&'static str),
    /// An object member that must appear once appears again (the error's path ends at it).
    DuplicateField(&'static str),
    /// An object's `object` member names another kind of object than the one expected there
    /// (a product where a customer should be).
    UnexpectedObject {
        /// The `object` value the type is for, e.g. `"customer"`.
        expected: &'static str,
        /// The `object` value the input has.
        found: String,
    },
    /// Any other problem, described by the text.
    Custom(String),
}

/// One step of the path to the value where an error happened.
#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Field(Box<str>),
    Index(usize),
}

#[derive(Debug, Clone, PartialEq)]
struct Inner {
    kind: ErrorKind,
    offset: usize,
    /// Innermost first: segments are pushed while the error unwinds.
    path: Vec<Segment>,
}

/// A parse error: what went wrong ([`ErrorKind`]), the byte offset where it was
/// found and the path (object keys and array indexes) to the offending value.
///
/// The data is boxed so that `Result<T, Error>` stays small: an `Error` is one
/// pointer wide.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    inner: Box<Inner>,
}

impl Error {
    /// Creates an error of the given kind found at byte `offset`, with an empty path.
    #[cold]
    pub fn new(kind: ErrorKind, offset: usize) -> Self {
        Error {
            inner: Box::new(Inner {
                kind,
                offset,
                path: Vec::new(),
            }),
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.inner.kind
    }

    /// Byte offset in the input where the problem was found.
    pub fn offset(&self) -> usize {
        self.inner.offset
    }

    /// True when the input is not valid JSON (unexpected end, syntax error,
    /// invalid UTF-8, nesting too deep); false when the JSON is well formed but
    /// does not have the expected shape (wrong type, number out of range,
    /// missing, duplicate or unexpected field, custom errors).
    pub fn is_syntax(&self) -> bool {
        matches!(
            self.inner.kind,
            ErrorKind::Eof | ErrorKind::Syntax(_) | ErrorKind::InvalidUtf8 | ErrorKind::DepthLimit
        )
    }

    /// Prepends an object-key segment to the path. Call while unwinding, so
    /// the innermost key is added first.
    #[cold]
    pub fn at_field(mut self, name: &str) -> Self {
        self.inner.path.push(Segment::Field(name.into()));
        self
    }

    /// Prepends an array-index segment to the path. Call while unwinding, so
    /// the innermost index is added first.
    #[cold]
    pub fn at_index(mut self, index: usize) -> Self {
        self.inner.path.push(Segment::Index(index));
        self
    }

    /// The path to the offending value, outermost first, in JSONPath style:
    /// `$` for the root, e.g. `$.data.object.lines.data[0].price`. Keys that
    /// are not made only of ASCII letters, digits and `_` are written as
    /// `["key"]` with JSON string escaping.
    pub fn path(&self) -> String {
        let mut out = String::from("$");
        for seg in self.inner.path.iter().rev() {
            match seg {
                Segment::Index(i) => {
                    out.push('[');
                    out.push_str(&i.to_string());
                    out.push(']');
                }
                Segment::Field(name) => {
                    let plain = !name.is_empty()
                        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
                    if plain {
                        out.push('.');
                        out.push_str(name);
                    } else {
                        out.push('[');
                        push_json_string(&mut out, name);
                        out.push(']');
                    }
                }
            }
        }
        out
    }

    /// Human-readable description of the kind, e.g.
    /// `"expected a string, found a number"` or ``"missing field `id`"``.
    pub fn reason(&self) -> String {
        match &self.inner.kind {
            ErrorKind::Eof => "unexpected end of input".to_owned(),
            ErrorKind::Syntax(msg) => (*msg).to_owned(),
            ErrorKind::InvalidUtf8 => "invalid UTF-8 in string".to_owned(),
            ErrorKind::DepthLimit => {
                format!("nesting too deep (more than {} levels)", super::MAX_DEPTH)
            }
            ErrorKind::Type { expected, found } => format!("expected {expected}, found {found}"),
            ErrorKind::NumberOutOfRange { expected } => {
                format!("number out of range for {expected}")
            }
            ErrorKind::MissingField(name) => format!("missing field `{name}`"),
            ErrorKind::DuplicateField(name) => format!("duplicate field `{name}`"),
            ErrorKind::UnexpectedObject { expected, found } => {
                format!("expected {expected:?}, found {found:?}")
            }
            ErrorKind::Custom(msg) => msg.clone(),
        }
    }
}

/// Writes `s` as a JSON string literal (with quotes) into `out`.
fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at {} (byte {})",
            self.reason(),
            self.path(),
            self.inner.offset
        )
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_pointer_sized() {
        assert_eq!(size_of::<Error>(), size_of::<usize>());
        assert!(size_of::<Result<u64, Error>>() <= 2 * size_of::<usize>());
    }

    #[test]
    fn path_rendering() {
        let e = Error::new(ErrorKind::Eof, 3);
        assert_eq!(e.path(), "$");
        let e = Error::new(
            ErrorKind::Type {
                expected: "a string",
                found: Kind::Number,
            },
            42,
        )
        .at_field("price")
        .at_index(0)
        .at_field("data")
        .at_field("lines")
        .at_field("object")
        .at_field("data");
        assert_eq!(e.path(), "$.data.object.lines.data[0].price");
        assert_eq!(e.reason(), "expected a string, found a number");
        assert_eq!(
            e.to_string(),
            "expected a string, found a number at $.data.object.lines.data[0].price (byte 42)"
        );
        assert_eq!(e.offset(), 42);
        assert!(!e.is_syntax());
    }

    #[test]
    fn odd_keys_are_bracketed_and_escaped() {
        let e = Error::new(ErrorKind::MissingField("id"), 0)
            .at_field("")
            .at_field("a\"b\\c\n\u{1}")
            .at_field("with space")
            .at_field("héllo")
            .at_field("a-b")
            .at_index(7)
            .at_field("ok_1");
        assert_eq!(
            e.path(),
            r#"$.ok_1[7]["a-b"]["héllo"]["with space"]["a\"b\\c\n\u0001"][""]"#
        );
        assert_eq!(e.reason(), "missing field `id`");
    }

    #[test]
    fn reasons_and_syntax_classification() {
        let cases: Vec<(ErrorKind, bool, &str)> = vec![
            (ErrorKind::Eof, true, "unexpected end of input"),
            (ErrorKind::Syntax("expected `:`"), true, "expected `:`"),
            (ErrorKind::InvalidUtf8, true, "invalid UTF-8 in string"),
            (
                ErrorKind::DepthLimit,
                true,
                "nesting too deep (more than 128 levels)",
            ),
            (
                ErrorKind::Type {
                    expected: "an object",
                    found: Kind::Null,
                },
                false,
                "expected an object, found null",
            ),
            (
                ErrorKind::NumberOutOfRange { expected: "u32" },
                false,
                "number out of range for u32",
            ),
            (ErrorKind::MissingField("x"), false, "missing field `x`"),
            (ErrorKind::DuplicateField("x"), false, "duplicate field `x`"),
            (
                ErrorKind::UnexpectedObject {
                    expected: "customer",
                    found: "pro\"duct".into(),
                },
                false,
                r#"expected "customer", found "pro\"duct""#,
            ),
            (ErrorKind::Custom("boom".into()), false, "boom"),
        ];
        for (kind, syntax, reason) in cases {
            let e = Error::new(kind.clone(), 1);
            assert_eq!(e.is_syntax(), syntax, "{kind:?}");
            assert_eq!(e.reason(), reason);
            assert_eq!(e.kind(), &kind);
        }
    }

    #[test]
    fn kind_display() {
        let all = [
            (Kind::Null, "null"),
            (Kind::Bool, "a boolean"),
            (Kind::Number, "a number"),
            (Kind::String, "a string"),
            (Kind::Array, "an array"),
            (Kind::Object, "an object"),
        ];
        for (k, s) in all {
            assert_eq!(k.to_string(), s);
        }
    }
}
