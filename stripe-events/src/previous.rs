//! Typed `previous_attributes`: the old value of one field of an `*.updated` event's payload
//! ([`PreviousAttributes`]).

use std::fmt;
use std::marker::PhantomData;

use crate::PayloadError;
use crate::json::{self, FromJson};

/// One field of the generated struct `S`, whose values are of type `T`: its JSON key and
/// nothing else. The generator gives each payload struct one per field, as an associated
/// constant named after the field (`Subscription::STATUS`, `Subscription::CANCEL_AT`); for an
/// `Option<X>` field, `T` is `X` (a `null` is [`Previous::Null`]), and for the `Box<X>` of a
/// recursive type, `X`.
///
/// `S` only ties the constant to its struct, so that [`PreviousAttributes<S>`] accepts the
/// fields of `S` and no others.
pub struct Field<S, T> {
    key: &'static str,
    // `fn() -> ...`: the marker owns no `S` or `T`, and is `Send`, `Sync` and `Copy` whatever
    // they are.
    marker: PhantomData<fn() -> (S, T)>,
}

impl<S, T> Field<S, T> {
    /// The field whose JSON key is `key` (what the generated constants are made with).
    pub const fn new(key: &'static str) -> Self {
        Self {
            key,
            marker: PhantomData,
        }
    }

    /// The field's JSON key.
    ///
    /// ```
    /// assert_eq!(stripe_events::Subscription::STATUS.key(), "status");
    /// ```
    pub const fn key(&self) -> &'static str {
        self.key
    }
}

impl<S, T> Clone for Field<S, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S, T> Copy for Field<S, T> {}

impl<S, T> fmt::Debug for Field<S, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Field({:?})", self.key)
    }
}

/// The previous value of one field, as [`PreviousAttributes::get`] read it.
#[derive(Debug, Clone, PartialEq)]
pub enum Previous<T> {
    /// The field did not change: `previous_attributes` has no member for it (or the event has
    /// no `previous_attributes` at all).
    Unchanged,
    /// The field changed, and was `null` before.
    Null,
    /// The field changed; this was its value before.
    Was(T),
    /// The field changed, but its previous value did not fit the field's type (rendered for
    /// another API version, say, or a part of a nested object: Stripe sends only the changed
    /// members of some nested objects, and a struct-typed field then misses required ones;
    /// [`PreviousAttributes::nested`] reads those). Where and why, and the raw value.
    Untyped {
        /// Where (`$.data.previous_attributes.status`) and why it did not fit.
        error: PayloadError,
        /// The previous value as received.
        raw: serde_json::Value,
    },
}

impl<T> Previous<T> {
    /// Whether the field did not change.
    pub fn is_unchanged(&self) -> bool {
        matches!(self, Self::Unchanged)
    }

    /// Whether the field changed (whatever its previous value was, typed or not).
    pub fn is_changed(&self) -> bool {
        !self.is_unchanged()
    }

    /// The typed previous value: `Some` for [`Previous::Was`] only.
    ///
    /// ```
    /// # use stripe_events::Previous;
    /// assert_eq!(Previous::Was(3).was(), Some(&3));
    /// assert_eq!(Previous::<i64>::Null.was(), None);
    /// ```
    pub fn was(&self) -> Option<&T> {
        match self {
            Self::Was(value) => Some(value),
            _ => None,
        }
    }

    /// The previous value as the field's own type would hold it: `Ok(None)` for
    /// [`Previous::Null`] (and [`Previous::Unchanged`]), `Ok(Some(..))` for [`Previous::Was`],
    /// the error for [`Previous::Untyped`].
    ///
    /// # Errors
    ///
    /// The [`PayloadError`] of a previous value that did not fit the field's type.
    pub fn into_result(self) -> Result<Option<T>, PayloadError> {
        match self {
            Self::Unchanged | Self::Null => Ok(None),
            Self::Was(value) => Ok(Some(value)),
            Self::Untyped { error, .. } => Err(error),
        }
    }
}

/// An event's `data.previous_attributes`, read as the previous values of the fields of the
/// payload type `S`. Made by [`EventContext::previous`](crate::EventContext::previous) in a
/// handler, by [`Event::previous`](crate::Event::previous), or from a map with
/// [`PreviousAttributes::new`].
///
/// On `*.updated` events Stripe sends, in `data.previous_attributes`, the previous values of
/// the fields that changed. Every generated payload struct has one associated constant per
/// field (`Subscription::STATUS`, a [`Field<Subscription, SubscriptionStatus>`](Field) holding
/// the JSON key `status`); [`PreviousAttributes::get`] reads that one key of the raw map with
/// the field type's own parser and says which of four things happened ([`Previous`]).
///
/// Only the field that is asked for is parsed, when it is asked for: nothing is parsed for
/// events nobody reads the previous values of, and the generated code gains a constant per
/// field rather than a second struct per payload type (BENCHMARKS.md, "Typed
/// `previous_attributes`", has the figures behind that choice).
///
/// ```
/// use stripe_events::{Previous, PreviousAttributes, Subscription, SubscriptionStatus};
///
/// let raw = serde_json::json!({"status": "trialing", "cancel_at": null});
/// let previous = PreviousAttributes::<Subscription>::new(raw.as_object().unwrap());
/// assert_eq!(previous.get(Subscription::STATUS), Previous::Was(SubscriptionStatus::Trialing));
/// assert_eq!(previous.get(Subscription::CANCEL_AT), Previous::Null);
/// assert!(previous.get(Subscription::CUSTOMER).is_unchanged());
/// ```
///
/// Thin events (v2 event notifications) carry no previous values: this applies to snapshot
/// events only.
pub struct PreviousAttributes<'a, S> {
    raw: &'a serde_json::Map<String, serde_json::Value>,
    /// The keys of the nested objects `raw` is in, outermost first ([`Self::nested`]), for
    /// error paths (`$.data.previous_attributes.<these>.<key>`).
    within: Vec<&'static str>,
    marker: PhantomData<fn() -> S>,
}

impl<'a, S> PreviousAttributes<'a, S> {
    /// The previous attributes in `raw` (an event's `data.previous_attributes`).
    pub fn new(raw: &'a serde_json::Map<String, serde_json::Value>) -> Self {
        Self {
            raw,
            within: Vec::new(),
            marker: PhantomData,
        }
    }

    /// The raw map, as received.
    pub fn raw(&self) -> &'a serde_json::Map<String, serde_json::Value> {
        self.raw
    }

    /// Whether `field` changed (its key is in the map).
    pub fn changed<T>(&self, field: Field<S, T>) -> bool {
        self.raw.contains_key(field.key)
    }

    /// The previous value of `field`: [`Previous::Unchanged`] when its key is absent,
    /// [`Previous::Null`] for `null`, else the value parsed with the field type's own parser
    /// ([`Previous::Was`]), or the error and the raw value when it does not fit
    /// ([`Previous::Untyped`]). Parses that one value, each time it is called.
    ///
    /// A number beyond `f64`'s range is kept as a string of its text in the raw map (see
    /// [`Event`](crate::Event)), so it does not fit a number field: `Untyped`.
    pub fn get<T: FromJson>(&self, field: Field<S, T>) -> Previous<T> {
        let Some(value) = self.raw.get(field.key) else {
            return Previous::Unchanged;
        };
        if value.is_null() {
            return Previous::Null;
        }
        // The field type's own parser reads bytes: the value is written out again (a few
        // bytes for most fields; BENCHMARKS.md has the cost).
        let text = serde_json::to_vec(value).expect("a serde_json::Value always serializes");
        match json::from_slice::<T>(&text) {
            Ok(typed) => Previous::Was(typed),
            Err(e) => {
                let e = self
                    .within
                    .iter()
                    .rev()
                    .chain(["previous_attributes", "data"].iter())
                    .fold(e.at_field(field.key), |e, member| e.at_field(member));
                Previous::Untyped {
                    error: PayloadError::from(&e),
                    raw: value.clone(),
                }
            }
        }
    }

    /// The previous values inside the struct-typed field `field`, when Stripe sent only the
    /// changed members of a nested object (`{"pause_collection": {"behavior": "void"}}`):
    /// `None` when the field did not change or its previous value is not an object.
    ///
    /// ```
    /// use stripe_events::{Previous, PreviousAttributes, Subscription, SubscriptionAutomaticTax};
    /// let raw = serde_json::json!({"automatic_tax": {"liability": null}});
    /// let previous = PreviousAttributes::<Subscription>::new(raw.as_object().unwrap());
    /// // The whole nested struct does not parse: its required `enabled` was not sent.
    /// let Previous::Untyped { error, .. } = previous.get(Subscription::AUTOMATIC_TAX) else {
    ///     panic!("a part of the struct is not the struct")
    /// };
    /// assert_eq!(error.path, "$.data.previous_attributes.automatic_tax");
    /// // Its members do, one by one.
    /// let tax = previous.nested(Subscription::AUTOMATIC_TAX).unwrap();
    /// assert!(matches!(tax.get(SubscriptionAutomaticTax::LIABILITY), Previous::Null));
    /// assert_eq!(tax.get(SubscriptionAutomaticTax::ENABLED), Previous::Unchanged);
    /// ```
    pub fn nested<T>(&self, field: Field<S, T>) -> Option<PreviousAttributes<'a, T>> {
        let raw = self.raw.get(field.key)?.as_object()?;
        let mut within = self.within.clone();
        within.push(field.key);
        Some(PreviousAttributes {
            raw,
            within,
            marker: PhantomData,
        })
    }
}

impl<S> Clone for PreviousAttributes<'_, S> {
    fn clone(&self) -> Self {
        Self {
            raw: self.raw,
            within: self.within.clone(),
            marker: PhantomData,
        }
    }
}

impl<S> fmt::Debug for PreviousAttributes<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreviousAttributes")
            .field("type", &std::any::type_name::<S>())
            .field("raw", self.raw)
            .finish()
    }
}

impl crate::Event {
    /// The event's `data.previous_attributes` read as previous values of the payload type
    /// `S` (see [`PreviousAttributes`]); `None` when the event has none (events other than
    /// `*.updated` ones).
    pub fn previous<S>(&self) -> Option<PreviousAttributes<'_, S>> {
        self.data
            .previous_attributes
            .as_ref()
            .map(PreviousAttributes::new)
    }
}

#[cfg(all(test, feature = "all-events"))]
mod tests {
    use super::*;
    use crate::{Subscription, SubscriptionStatus};
    use serde_json::json;

    fn map(value: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn absent_null_value_and_wrong_type_are_told_apart() {
        let raw = map(json!({"status": "trialing", "cancel_at": null, "days_until_due": "three"}));
        let previous = PreviousAttributes::<Subscription>::new(&raw);
        assert_eq!(
            previous.get(Subscription::STATUS),
            Previous::Was(SubscriptionStatus::Trialing)
        );
        assert_eq!(previous.get(Subscription::CANCEL_AT), Previous::Null);
        assert!(previous.get(Subscription::CUSTOMER).is_unchanged());
        let Previous::Untyped { error, raw } = previous.get(Subscription::DAYS_UNTIL_DUE) else {
            panic!("a string is not a number of days");
        };
        assert_eq!(error.path, "$.data.previous_attributes.days_until_due");
        assert!(error.reason.contains("expected"), "{}", error.reason);
        assert_eq!(raw, json!("three"));
        assert!(previous.changed(Subscription::DAYS_UNTIL_DUE));
        assert!(!previous.changed(Subscription::CUSTOMER));
    }

    #[test]
    fn into_result_keeps_the_error() {
        assert_eq!(Previous::Was(1).into_result(), Ok(Some(1)));
        assert_eq!(Previous::<i64>::Null.into_result(), Ok(None));
        assert_eq!(Previous::<i64>::Unchanged.into_result(), Ok(None));
        let error = PayloadError {
            path: "$.x".into(),
            reason: "no".into(),
        };
        let untyped = Previous::<i64>::Untyped {
            error: error.clone(),
            raw: json!("x"),
        };
        assert!(untyped.is_changed());
        assert_eq!(untyped.into_result(), Err(error));
    }

    #[test]
    fn errors_inside_nested_objects_name_the_whole_path() {
        let raw = map(json!({"automatic_tax": {"enabled": "yes"}}));
        let previous = PreviousAttributes::<Subscription>::new(&raw);
        let tax = previous.nested(Subscription::AUTOMATIC_TAX).unwrap();
        let Previous::Untyped { error, .. } = tax.get(crate::SubscriptionAutomaticTax::ENABLED)
        else {
            panic!("a string is not a bool");
        };
        assert_eq!(
            error.path,
            "$.data.previous_attributes.automatic_tax.enabled"
        );
        assert!(previous.nested(Subscription::STATUS).is_none());
        assert!(previous.nested(Subscription::CUSTOMER).is_none());
    }
}
