//! [`StripeObject`]: the generated types of Stripe's objects, known by their `object` value.

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
