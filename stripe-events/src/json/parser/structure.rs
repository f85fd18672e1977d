//! Objects and arrays: entering and leaving them (with the nesting limit), keys, the table-driven
//! member lookup of generated structs, elements, and the `object`/`deleted` discriminator.

use std::borrow::Cow;

use super::scan::*;
use super::{Discriminator, Parser};
use crate::json::MAX_DEPTH;
use crate::json::error::{Error, ErrorKind};

impl<'a> Parser<'a> {
    /// Counts one more level of nesting; the current byte is the opener.
    #[inline]
    pub(super) fn enter(&mut self) -> Result<(), Error> {
        if self.depth >= MAX_DEPTH {
            return Err(Error::new(ErrorKind::DepthLimit, self.pos));
        }
        self.depth += 1;
        self.pos += 1;
        self.after_open = true;
        Ok(())
    }

    #[inline]
    pub(super) fn leave(&mut self) {
        self.pos += 1;
        self.depth = self.depth.saturating_sub(1);
    }

    /// Consumes the `{` that starts an object. Then call
    /// [`next_key`](Parser::next_key) until it returns `None`.
    pub fn begin_object(&mut self) -> Result<(), Error> {
        self.skip_ws();
        if self.byte() != Some(b'{') {
            return Err(self.unexpected("an object"));
        }
        self.enter()
    }

    /// Moves to the next member of the current object: consumes the `,`
    /// before it (if any), its key and the `:`, and returns the (unescaped)
    /// key; the caller must then consume the member's value. Returns `None`
    /// after consuming the closing `}`.
    pub fn next_key(&mut self) -> Result<Option<Cow<'a, str>>, Error> {
        if !self.key_start()? {
            return Ok(None);
        }
        let key = self.scan_str()?;
        self.colon()?;
        Ok(Some(key))
    }

    /// Consumes the `,` before the next member (if any) and stops at its key's opening quote
    /// (returns true), or consumes the closing `}` (returns false).
    #[inline(always)]
    pub(super) fn key_start(&mut self) -> Result<bool, Error> {
        self.skip_ws();
        let Some(b) = self.byte() else {
            return Err(self.eof());
        };
        if self.after_open {
            self.after_open = false;
            match b {
                b'"' => Ok(true),
                b'}' => {
                    self.leave();
                    Ok(false)
                }
                _ => Err(syntax("expected a string key or `}`", self.pos)),
            }
        } else {
            match b {
                b',' => {
                    self.pos += 1;
                    self.skip_ws();
                    match self.byte() {
                        Some(b'"') => Ok(true),
                        Some(b'}') => Err(syntax("trailing comma", self.pos)),
                        Some(_) => Err(syntax("expected a string key", self.pos)),
                        None => Err(self.eof()),
                    }
                }
                b'}' => {
                    self.leave();
                    Ok(false)
                }
                _ => Err(syntax("expected `,` or `}`", self.pos)),
            }
        }
    }

    /// Consumes the `:` after a key (and the whitespace around it).
    #[inline(always)]
    pub(super) fn colon(&mut self) -> Result<(), Error> {
        self.skip_ws();
        match self.byte() {
            Some(b':') => {
                self.pos += 1;
                Ok(())
            }
            Some(_) => Err(syntax("expected `:`", self.pos)),
            None => Err(self.eof()),
        }
    }

    /// Moves to the next member of the current object whose key is one of `keys` and returns
    /// its index in `keys` (the key and `:` consumed; the caller must then consume the value),
    /// skipping members with other keys; returns [`Parser::END`] after the closing `}`.
    ///
    /// `keys` must be sorted and must not contain `"` or `\\`. `hint` is where the next key is
    /// looked for first (the index after the previous match): members usually come in the
    /// order the keys are listed, so most keys are recognised by comparing their bytes in
    /// place with the hinted key or the next few, without reading them as strings; the others
    /// take a binary search. Start it at 0. The keys are `&str`s, or anything that holds one
    /// (the struct tables of [`struct_from_json!`](crate::json::struct_from_json)).
    #[inline(never)]
    pub fn next_field<K: AsRef<str>>(
        &mut self,
        keys: &[K],
        hint: &mut usize,
    ) -> Result<usize, Error> {
        if !self.key_start()? {
            return Ok(Self::END);
        }
        // Fast path: the input holds exactly the hinted key, or one of the few after it (the
        // keys in between being absent), unescaped.
        let rest = &self.input[self.pos + 1..];
        let mut i = *hint;
        let end = keys.len().min(i + 4);
        while i < end {
            let k = keys[i].as_ref().as_bytes();
            if rest.len() > k.len() && rest[k.len()] == b'"' && same_bytes(&rest[..k.len()], k) {
                self.pos += k.len() + 2;
                self.colon()?;
                *hint = i + 1;
                return Ok(i);
            }
            i += 1;
        }
        self.next_field_slow(keys, hint)
    }

    /// [`next_field`](Parser::next_field) for a key that is not where the hint expects it: read
    /// it as a string, look it up, skip the member when it is not one of `keys`. Kept out of
    /// line so that the fast path stays small.
    #[cold]
    #[inline(never)]
    pub(super) fn next_field_slow<K: AsRef<str>>(
        &mut self,
        keys: &[K],
        hint: &mut usize,
    ) -> Result<usize, Error> {
        loop {
            let key = self.scan_str()?;
            self.colon()?;
            if let Ok(i) = keys.binary_search_by(|k| k.as_ref().cmp(&*key)) {
                *hint = i + 1;
                return Ok(i);
            }
            self.skip_value().map_err(|e| e.at_field(&key))?;
            if !self.key_start()? {
                return Ok(Self::END);
            }
        }
    }

    /// What [`next_field`](Parser::next_field) returns at the end of the object.
    pub const END: usize = usize::MAX;

    /// Consumes the `[` that starts an array. Then call
    /// [`next_element`](Parser::next_element) until it returns false.
    pub fn begin_array(&mut self) -> Result<(), Error> {
        self.skip_ws();
        if self.byte() != Some(b'[') {
            return Err(self.unexpected("an array"));
        }
        self.enter()
    }

    /// Moves to the next element of the current array: consumes the `,`
    /// before it (if any) and returns true when an element follows (the
    /// caller must then consume it), or false after consuming the closing `]`.
    pub fn next_element(&mut self) -> Result<bool, Error> {
        self.skip_ws();
        let Some(b) = self.byte() else {
            return Err(self.eof());
        };
        if b == b']' {
            self.after_open = false;
            self.leave();
            return Ok(false);
        }
        if self.after_open {
            self.after_open = false;
            return Ok(true);
        }
        if b != b',' {
            return Err(syntax("expected `,` or `]`", self.pos));
        }
        self.pos += 1;
        self.skip_ws();
        match self.byte() {
            Some(b']') => Err(syntax("trailing comma", self.pos)),
            Some(_) => Ok(true),
            None => Err(self.eof()),
        }
    }

    /// Looks at the object that comes next without consuming anything (the
    /// full state is restored, also on error): returns the string value of
    /// its top-level `"object"` member, if any, and whether it has a
    /// top-level `"deleted": true` member. Nested members are ignored. The
    /// whole object is validated.
    pub fn peek_discriminator(&mut self) -> Result<Discriminator<'a>, Error> {
        let saved = self.checkpoint();
        let result = self.scan_discriminator();
        self.restore(saved);
        result
    }

    pub(super) fn scan_discriminator(&mut self) -> Result<Discriminator<'a>, Error> {
        self.begin_object()?;
        let mut found = Discriminator::default();
        while let Some(key) = self.next_key()? {
            self.skip_ws();
            match &*key {
                "object" if self.byte() == Some(b'"') => found.object = Some(self.scan_str()?),
                "object" => {
                    found.object = None;
                    self.skip_value()?;
                }
                "deleted" if self.input[self.pos..].starts_with(b"true") => {
                    self.pos += 4;
                    found.deleted = true;
                }
                "deleted" => {
                    found.deleted = false;
                    self.skip_value()?;
                }
                _ => self.skip_value()?,
            }
        }
        Ok(found)
    }
}
