//! The concrete, non-generic JSON pull parser.
//!
//! In parts, the way `serde_json` keeps reading bytes apart from parsing: [`Parser`] and its
//! state here, with the few methods every part uses; byte scanning in `scan`; strings and escapes
//! in `strings`; numbers in `numbers`; objects and arrays in `structure`; skipping values
//! without building them in `skip`. Each part adds methods to [`Parser`]; the tests are in
//! `tests/`, one file per part.

use std::borrow::Cow;
use std::fmt;

use super::error::{Error, ErrorKind, Kind};

mod numbers;
mod scan;
mod skip;
mod strings;
mod structure;

pub(in crate::json) use numbers::number_to_f64;
pub(in crate::json) use scan::same_bytes;
use scan::*;

/// A pull parser over a complete JSON document held in memory.
///
/// Callers drive it value by value: [`peek`](Parser::peek) at the next value,
/// parse scalars with the `parse_*` methods, walk objects with
/// [`begin_object`](Parser::begin_object) / [`next_key`](Parser::next_key) and
/// arrays with [`begin_array`](Parser::begin_array) /
/// [`next_element`](Parser::next_element), and
/// [`skip_value`](Parser::skip_value) whatever is not needed. Whitespace
/// before a value is skipped by every method.
///
/// Nesting of objects and arrays is limited to [`MAX_DEPTH`](super::MAX_DEPTH) levels for every
/// operation, so hostile input cannot overflow the stack.
#[derive(Clone)]
pub struct Parser<'a> {
    input: &'a [u8],
    pos: usize,
    depth: u32,
    /// True right after `{` or `[` was consumed: the next `next_key` /
    /// `next_element` call must not expect a `,`.
    after_open: bool,
}

/// A saved parser state (position, nesting depth and container state), taken
/// with [`Parser::checkpoint`] and put back with [`Parser::restore`]. Unlike
/// [`Parser::set_position`], restoring a checkpoint is correct even when the
/// code in between entered objects or arrays or failed half-way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checkpoint {
    pos: usize,
    depth: u32,
    after_open: bool,
}

/// What [`Parser::peek_discriminator`] found among the top-level members of an
/// object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Discriminator<'a> {
    /// The string value of the top-level `"object"` key, if present and a
    /// string (when the key is repeated, the last one wins).
    pub object: Option<Cow<'a, str>>,
    /// True when the object has a top-level `"deleted"` key whose value is `true`.
    pub deleted: bool,
}

impl fmt::Debug for Parser<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Parser")
            .field("len", &self.input.len())
            .field("pos", &self.pos)
            .field("depth", &self.depth)
            .finish()
    }
}

impl<'a> Parser<'a> {
    /// Creates a parser positioned at the start of `input`.
    pub fn new(input: &'a [u8]) -> Self {
        Parser {
            input,
            pos: 0,
            depth: 0,
            after_open: false,
        }
    }

    /// The whole input.
    pub fn input(&self) -> &'a [u8] {
        self.input
    }

    /// The current byte offset in the input.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Moves to byte offset `pos` (e.g. to rewind after a look-ahead). The
    /// nesting depth is not changed, so only rewind to a point at the same
    /// nesting level; [`checkpoint`](Parser::checkpoint) /
    /// [`restore`](Parser::restore) save and restore the full state.
    pub fn set_position(&mut self, pos: usize) {
        self.pos = pos.min(self.input.len());
    }

    /// Saves the full parser state.
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            pos: self.pos,
            depth: self.depth,
            after_open: self.after_open,
        }
    }

    /// Restores a state saved with [`checkpoint`](Parser::checkpoint).
    pub fn restore(&mut self, checkpoint: Checkpoint) {
        self.pos = checkpoint.pos;
        self.depth = checkpoint.depth;
        self.after_open = checkpoint.after_open;
    }

    /// The number of objects and arrays currently open.
    pub fn depth(&self) -> u32 {
        self.depth
    }

    #[inline(always)]
    pub(in crate::json) fn skip_ws(&mut self) {
        match self.input.get(self.pos) {
            Some(&b) if is_ws(b) => self.pos = skip_ws_from(self.input, self.pos),
            _ => {}
        }
    }

    #[inline(always)]
    fn byte(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    #[cold]
    pub(in crate::json) fn eof(&self) -> Error {
        Error::new(ErrorKind::Eof, self.input.len())
    }

    /// The error for a value at the current position (whitespace already
    /// skipped) that is not what the caller expected. When the value is
    /// itself malformed, the syntax error wins, so that `Type` errors are only
    /// reported for well-formed JSON.
    #[cold]
    #[inline(never)]
    pub(in crate::json) fn unexpected(&self, expected: &'static str) -> Error {
        let Some(b) = self.byte() else {
            return self.eof();
        };
        let Some(found) = kind_of(b) else {
            return syntax("expected value", self.pos);
        };
        let mut probe = self.clone();
        if let Err(e) = probe.skip_value() {
            return e;
        }
        Error::new(ErrorKind::Type { expected, found }, self.pos)
    }

    /// The kind of the next value, without consuming it (whitespace before it
    /// is skipped). Only the first byte is looked at.
    pub fn peek(&mut self) -> Result<Kind, Error> {
        self.skip_ws();
        match self.byte() {
            Some(b) => kind_of(b).ok_or_else(|| syntax("expected value", self.pos)),
            None => Err(self.eof()),
        }
    }

    /// Consumes `lit` at the current position.
    #[inline]
    fn eat_literal(&mut self, lit: &'static [u8]) -> Result<(), Error> {
        let rest = &self.input[self.pos..];
        if rest.starts_with(lit) {
            self.pos += lit.len();
            Ok(())
        } else if lit.starts_with(rest) {
            Err(self.eof())
        } else {
            Err(syntax("invalid literal", self.pos))
        }
    }

    /// If the next value is `null`, consumes it and returns true; otherwise
    /// consumes nothing (but whitespace) and returns false.
    pub fn eat_null(&mut self) -> Result<bool, Error> {
        self.skip_ws();
        if self.byte() == Some(b'n') {
            self.eat_literal(b"null")?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// Parses `true` or `false`.
    pub fn parse_bool(&mut self) -> Result<bool, Error> {
        self.skip_ws();
        match self.byte() {
            Some(b't') => self.eat_literal(b"true").map(|()| true),
            Some(b'f') => self.eat_literal(b"false").map(|()| false),
            _ => Err(self.unexpected("a boolean")),
        }
    }

    /// Checks that only whitespace remains; errors with "trailing
    /// characters" otherwise.
    pub fn end(&mut self) -> Result<(), Error> {
        self.skip_ws();
        if self.pos < self.input.len() {
            return Err(syntax("trailing characters", self.pos));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
