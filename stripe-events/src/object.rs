//! [`StripeObject`]: the generated types of Stripe's objects, known by their `object` value;
//! [`ObjectOf`]: the object an event carries, sliced from the body as Stripe rendered it.

use crate::json::{self, Kind, Parser};

/// A generated type of a Stripe object whose `object` member is a constant (`"product"` for
/// [`Product`](crate::Product), `"subscription"` for a subscription): the generator implements
/// it for every such type, so that code that has an object's JSON and its `object` value, like
/// the mirror's typed reads (`Mirror::get_typed`, feature `store`), can parse it as the right
/// type.
///
/// ```
/// use stripe_events::{Product, StripeObject, json};
///
/// fn parse<T: StripeObject>(object: &str, json: &[u8]) -> Option<T> {
///     (object == T::OBJECT).then(|| json::from_slice(json).ok()).flatten()
/// }
/// let product: Option<Product> = parse("product", br#"{"id": "prod_1", "object": "product",
///     "active": true, "created": 1, "images": [], "livemode": false, "marketing_features": [],
///     "metadata": {}, "name": "Gold", "package_dimensions": null, "shippable": null,
///     "updated": 1, "url": null}"#);
/// assert_eq!(product.unwrap().id, "prod_1");
/// assert_eq!(Product::OBJECT, "product");
/// ```
pub trait StripeObject: crate::json::FromJson {
    /// The value of the object's `object` member, as Stripe renders it (`"product"`).
    const OBJECT: &'static str;
}

/// The object of an event body (its `data.object`), or an object's own JSON: the exact text
/// (never re-serialized), and its `id` and `object` when they are strings.
///
/// ```
/// use stripe_events::ObjectOf;
///
/// let body = br#"{"id": "evt_1", "data": {"object": {"object": "product", "id": "prod_1",  "x": 1.50}}}"#;
/// let object = ObjectOf::body(body)?.unwrap();
/// assert_eq!(object.json, r#"{"object": "product", "id": "prod_1",  "x": 1.50}"#);
/// assert_eq!((object.object_type.as_deref(), object.id.as_deref()), (Some("product"), Some("prod_1")));
/// # Ok::<(), stripe_events::json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectOf<'a> {
    /// The object's JSON, exactly as in the input.
    pub json: &'a str,
    /// Its `id`, when it has a string one.
    pub id: Option<String>,
    /// Its `object` (its type: `"product"`), when it has a string one.
    pub object_type: Option<String>,
}

impl<'a> ObjectOf<'a> {
    /// The `data.object` of an event body; `None` when the body has none (a thin event).
    ///
    /// # Errors
    ///
    /// When the body is not a JSON object, or not valid JSON up to its `data.object`.
    pub fn body(body: &'a [u8]) -> Result<Option<Self>, json::Error> {
        let mut p = Parser::new(body);
        p.begin_object()?;
        while let Some(key) = p.next_key()? {
            if &*key != "data" || p.peek()? != Kind::Object {
                p.skip_value()?;
                continue;
            }
            p.begin_object()?;
            while let Some(key) = p.next_key()? {
                if &*key == "object" {
                    let raw = p.raw_value().map_err(|e| e.at_field("object"))?;
                    return Self::json(raw).map(Some).map_err(|e| e.at_field("data"));
                }
                p.skip_value()?;
            }
        }
        Ok(None)
    }

    /// An object's own JSON (what Stripe's API answers for it, say): its top-level `id` and
    /// `object`. A value that is not an object has neither.
    ///
    /// # Errors
    ///
    /// When `json` is not valid JSON.
    pub fn json(json: &'a str) -> Result<Self, json::Error> {
        let mut p = Parser::new(json.as_bytes());
        let (mut id, mut object_type) = (None, None);
        if p.peek()? == Kind::Object {
            p.begin_object()?;
            while let Some(key) = p.next_key()? {
                let slot = match &*key {
                    "id" => &mut id,
                    "object" => &mut object_type,
                    _ => {
                        p.skip_value()?;
                        continue;
                    }
                };
                if p.peek()? == Kind::String && slot.is_none() {
                    *slot = Some(p.parse_string()?);
                } else {
                    p.skip_value()?;
                }
            }
        } else {
            p.skip_value()?;
        }
        p.end()?;
        Ok(Self {
            json: json.trim_matches([' ', '\t', '\n', '\r']),
            id,
            object_type,
        })
    }
}
