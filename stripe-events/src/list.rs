//! Stripe's list object.

use crate::json::{Error, FromJson, Parser, missing_field};

/// A page of a Stripe list (`{"object": "list", "data": [...], "has_more": ..., "url": ...}`),
/// as embedded in objects (a subscription's items, an invoice's lines).
#[derive(Debug, Clone)]
#[cfg_attr(
    feature = "serialize",
    derive(serde::Serialize),
    serde(tag = "object", rename = "list")
)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct List<T> {
    /// The items on this page.
    pub data: Vec<T>,
    /// Whether more items exist beyond this page.
    pub has_more: bool,
    /// The URL that lists all items.
    pub url: String,
}

impl<T: FromJson> FromJson for List<T> {
    fn from_json(p: &mut Parser<'_>) -> Result<Self, Error> {
        let (mut data, mut has_more, mut url) = (None, None, None);
        p.begin_object()?;
        while let Some(key) = p.next_key()? {
            match &*key {
                "data" => data = Some(crate::json::field(p, "data")?),
                "has_more" => has_more = Some(crate::json::field(p, "has_more")?),
                "url" => url = Some(crate::json::field(p, "url")?),
                _ => p.skip_value()?,
            }
        }
        Ok(Self {
            data: data.ok_or_else(|| missing_field("data", p))?,
            has_more: has_more.ok_or_else(|| missing_field("has_more", p))?,
            url: url.ok_or_else(|| missing_field("url", p))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_items_and_reports_missing_fields() {
        let l: List<i64> = crate::json::from_slice(
            br#"{"object":"list","data":[1,2],"has_more":false,"url":"/v1/x"}"#,
        )
        .unwrap();
        assert_eq!(l.data, [1, 2]);
        assert!(!l.has_more);
        let err =
            crate::json::from_slice::<List<i64>>(br#"{"data":[],"url":"/v1/x"}"#).unwrap_err();
        assert!(err.reason().contains("has_more"), "{err}");
        let err =
            crate::json::from_slice::<List<i64>>(br#"{"data":[1,"x"],"has_more":true,"url":""}"#)
                .unwrap_err();
        assert_eq!(err.path(), "$.data[1]");
    }
}
