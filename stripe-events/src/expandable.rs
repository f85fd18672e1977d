//! Expandable references: an ID, or the whole object when the request expanded it.

use crate::json::{Error, FromJson, Kind, Parser};

/// A field Stripe sends as an object's ID, or as the object itself when it was expanded
/// (`x-expansionResources` in the spec). Webhook payloads usually carry IDs.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serialize", derive(serde::Serialize), serde(untagged))]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub enum Expandable<T> {
    /// The object's ID (`"cus_123"`).
    Id(String),
    /// The expanded object.
    Object(Box<T>),
}

impl<T> Expandable<T> {
    /// The ID if not expanded.
    pub fn as_id(&self) -> Option<&str> {
        match self {
            Self::Id(id) => Some(id),
            Self::Object(_) => None,
        }
    }

    /// The object if expanded.
    pub fn as_object(&self) -> Option<&T> {
        match self {
            Self::Id(_) => None,
            Self::Object(o) => Some(o),
        }
    }

    /// Whether the object was expanded.
    pub fn is_object(&self) -> bool {
        matches!(self, Self::Object(_))
    }
}

impl<T: FromJson> FromJson for Expandable<T> {
    fn from_json(p: &mut Parser<'_>) -> Result<Self, Error> {
        match p.peek()? {
            Kind::String => Ok(Self::Id(p.parse_string()?)),
            _ => Ok(Self::Object(crate::json::boxed(p)?)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_or_object() {
        let e: Expandable<serde_json::Value> = crate::json::from_slice(br#""cus_1""#).unwrap();
        assert_eq!(e.as_id(), Some("cus_1"));
        assert!(!e.is_object());
        let e: Expandable<serde_json::Value> =
            crate::json::from_slice(br#"{"id": "cus_1"}"#).unwrap();
        assert_eq!(e.as_object().unwrap()["id"], "cus_1");
        assert!(crate::json::from_slice::<Expandable<String>>(b"12").is_err());
    }
}
