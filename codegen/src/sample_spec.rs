//! The spec a docs.rs build generates from: a small sample written for this project.
//!
//! docs.rs builds without network access and without Stripe's spec beside the crate (Stripe's
//! spec is third-party data and never ships with it), so the pinned spec cannot be found
//! there. When the `DOCS_RS` environment variable is set (docs.rs sets it for every build) and
//! `STRIPE_OPENAPI_SPEC` is not, the build scripts use this sample instead of the pin: the
//! runtime (parsing, verification, dispatch, receiver, store) is documented in full, and the
//! generated part shows what every generated type looks like (a resource, an expandable
//! field, a string enum, a list, a polymorphic-free nested object) on a handful of event
//! types, and two thin event types (with their `data`) beside them. The full reference for the pinned API version is `cargo doc -p stripe-events`
//! locally (about ten seconds).
//!
//! Nothing here is cut from Stripe's spec: names follow Stripe's public API, the descriptions
//! are our own.

use std::path::Path;

use crate::Spec;
use crate::error::Result;

/// The variable docs.rs sets for its builds; with it, the build uses [`SAMPLE_SPEC`].
pub const DOCS_RS_ENV: &str = "DOCS_RS";

/// The API version the sample claims (the pinned one; a workspace test keeps them equal).
pub const SAMPLE_API_VERSION: &str = "2024-04-10";

/// The sample spec (OpenAPI JSON, event types listed in `enabled_events` of
/// `POST /v1/webhook_endpoints`, payloads inferred from the resource schemas).
pub const SAMPLE_SPEC: &str = r##"{
  "openapi": "3.0.0",
  "info": {"version": "2024-04-10", "title": "stripe-events docs.rs sample"},
  "paths": {"/v1/webhook_endpoints": {"post": {"requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": {"properties": {"enabled_events": {"items": {"enum": [
    "*",
    "customer.created", "customer.deleted", "customer.updated",
    "customer.subscription.created", "customer.subscription.deleted", "customer.subscription.updated",
    "price.created", "price.updated",
    "product.created", "product.deleted", "product.updated"
  ]}}}}}}}}}},
  "components": {"schemas": {
    "customer": {"type": "object", "x-resourceId": "customer",
      "description": "A customer of the account (sample type: the docs.rs build of stripe-events is generated from a small sample spec; build the docs locally for every type of the pinned API version).",
      "required": ["id", "object", "created", "livemode", "metadata"],
      "properties": {
        "id": {"type": "string", "description": "Unique identifier."},
        "object": {"type": "string", "enum": ["customer"]},
        "created": {"type": "integer", "format": "unix-time", "description": "When it was created."},
        "email": {"type": "string", "nullable": true, "description": "Its email address."},
        "livemode": {"type": "boolean", "description": "Live mode (true) or test mode (false)."},
        "metadata": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Key-value pairs set by the account."}
      }},
    "price": {"type": "object", "x-resourceId": "price",
      "description": "What a product costs and how often (sample type).",
      "required": ["id", "object", "active", "currency", "product", "type"],
      "properties": {
        "id": {"type": "string", "description": "Unique identifier."},
        "object": {"type": "string", "enum": ["price"]},
        "active": {"type": "boolean", "description": "Whether it can be used for new purchases."},
        "currency": {"type": "string", "description": "Three-letter ISO currency code, lowercase."},
        "product": {"anyOf": [{"type": "string"}, {"$ref": "#/components/schemas/product"}],
          "x-expansionResources": {"oneOf": [{"$ref": "#/components/schemas/product"}]},
          "description": "The product it prices: an id, or the object when expanded."},
        "recurring": {"anyOf": [{"$ref": "#/components/schemas/recurring"}], "nullable": true,
          "description": "The billing interval of a recurring price."},
        "type": {"type": "string", "enum": ["one_time", "recurring"], "description": "One-time or recurring."},
        "unit_amount": {"type": "integer", "nullable": true, "description": "Amount in the smallest currency unit."}
      }},
    "recurring": {"type": "object", "description": "A billing interval (sample type).",
      "required": ["interval", "interval_count"],
      "properties": {
        "interval": {"type": "string", "enum": ["day", "month", "week", "year"], "description": "The unit."},
        "interval_count": {"type": "integer", "description": "How many units between two bills."}
      }},
    "product": {"type": "object", "x-resourceId": "product",
      "description": "Something the account sells (sample type).",
      "required": ["id", "object", "active", "created", "livemode", "metadata", "name"],
      "properties": {
        "id": {"type": "string", "description": "Unique identifier."},
        "object": {"type": "string", "enum": ["product"]},
        "active": {"type": "boolean", "description": "Whether it is available for purchase."},
        "created": {"type": "integer", "format": "unix-time", "description": "When it was created."},
        "default_price": {"anyOf": [{"type": "string"}, {"$ref": "#/components/schemas/price"}], "nullable": true,
          "x-expansionResources": {"oneOf": [{"$ref": "#/components/schemas/price"}]},
          "description": "Its default price: an id, or the object when expanded."},
        "livemode": {"type": "boolean", "description": "Live mode (true) or test mode (false)."},
        "metadata": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Key-value pairs set by the account."},
        "name": {"type": "string", "description": "Its name, shown to customers."}
      }},
    "subscription": {"type": "object", "x-resourceId": "subscription",
      "description": "A customer's recurring purchase (sample type).",
      "required": ["id", "object", "created", "customer", "items", "livemode", "metadata", "status"],
      "properties": {
        "id": {"type": "string", "description": "Unique identifier."},
        "object": {"type": "string", "enum": ["subscription"]},
        "created": {"type": "integer", "format": "unix-time", "description": "When it was created."},
        "customer": {"anyOf": [{"type": "string"}, {"$ref": "#/components/schemas/customer"}],
          "x-expansionResources": {"oneOf": [{"$ref": "#/components/schemas/customer"}]},
          "description": "Who pays: an id, or the object when expanded."},
        "items": {"type": "object", "description": "What is subscribed to.",
          "required": ["data", "has_more", "object", "url"],
          "properties": {
            "data": {"type": "array", "items": {"$ref": "#/components/schemas/subscription_item"}},
            "has_more": {"type": "boolean"},
            "object": {"type": "string", "enum": ["list"]},
            "url": {"type": "string"}
          }},
        "livemode": {"type": "boolean", "description": "Live mode (true) or test mode (false)."},
        "metadata": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Key-value pairs set by the account."},
        "status": {"type": "string", "enum": ["active", "canceled", "incomplete", "incomplete_expired", "past_due", "paused", "trialing", "unpaid"],
          "description": "Where it is in its life cycle."}
      }},
    "subscription_item": {"type": "object", "x-resourceId": "subscription_item",
      "description": "One price in a subscription (sample type).",
      "required": ["id", "object", "price"],
      "properties": {
        "id": {"type": "string", "description": "Unique identifier."},
        "object": {"type": "string", "enum": ["subscription_item"]},
        "price": {"$ref": "#/components/schemas/price"},
        "quantity": {"type": "integer", "description": "How many."}
      }},
    "v2.core.account.created": {"type": "object",
      "description": "A v2 account was created (sample thin event: a unified spec has thin events beside its snapshot events).",
      "x-stripeEvent": {"type": "v2.core.account.created", "kind": "thin"},
      "required": ["data", "related_object", "type"],
      "properties": {
        "type": {"type": "string", "enum": ["v2.core.account.created"]},
        "related_object": {"type": "object", "required": ["type"], "description": "The account.",
          "properties": {"type": {"type": "string", "enum": ["v2.core.account"]}}},
        "data": {"type": "object", "properties": {}, "description": "Nothing more than the notification says."}
      }},
    "v2.core.account[requirements].updated": {"type": "object",
      "description": "What a v2 account must still provide changed (sample thin event).",
      "x-stripeEvent": {"type": "v2.core.account[requirements].updated", "kind": "thin"},
      "required": ["data", "related_object", "type"],
      "properties": {
        "type": {"type": "string", "enum": ["v2.core.account[requirements].updated"]},
        "related_object": {"type": "object", "required": ["type"], "description": "The account.",
          "properties": {"type": {"type": "string", "enum": ["v2.core.account"]}}},
        "data": {"type": "object", "required": ["due_at"], "description": "When the requirements are due.",
          "properties": {"due_at": {"type": "string", "format": "date-time", "description": "The deadline."}}}
      }}
  }}
}"##;

/// [`SAMPLE_SPEC`], parsed.
pub fn sample_spec() -> Result<Spec> {
    Spec::from_bytes(
        Path::new("<stripe-events docs.rs sample spec>"),
        SAMPLE_SPEC.as_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ExtraEvents, Settings, generate};

    #[test]
    fn the_sample_generates_every_event_type_typed() {
        let spec = sample_spec().expect("the sample parses");
        assert_eq!(spec.doc.info.version, SAMPLE_API_VERSION);
        let generated = generate(&spec, &ExtraEvents::none(), &Settings::default())
            .expect("the sample generates");
        let types: Vec<&str> = generated
            .events
            .iter()
            .map(|e| e.event_type.as_str())
            .collect();
        assert_eq!(types.len(), 11, "{types:?}");
        assert!(
            types.contains(&"customer.subscription.updated"),
            "{types:?}"
        );
        let source = generated.to_source();
        for item in [
            "pub struct Customer",
            "pub struct Subscription",
            "pub enum SubscriptionStatus",
            "pub struct Product",
            "pub struct Price",
            "pub enum RecurringInterval",
        ] {
            assert!(source.contains(item), "no `{item}` in the sample's code");
        }
        assert!(!source.contains("compile_error"), "{source}");
        let thin: Vec<&str> = generated
            .thin_events
            .iter()
            .map(|e| e.variant.as_str())
            .collect();
        assert_eq!(
            thin,
            [
                "V2CoreAccountCreated",
                "V2CoreAccountIncludingRequirementsUpdated"
            ]
        );
        assert!(source.contains("pub struct V2CoreAccountIncludingRequirementsUpdatedData"));
    }
}
