//! The code generated from Stripe's OpenAPI spec by `build.rs`: [`EventType`], [`EventObject`],
//! [`API_VERSION`] and every payload type reachable from an event; and in [`thin`], the thin
//! event types of the v2 spec (`thin::ThinEventType`) and their fetched events' `data`.
//!
//! Descriptions come from the spec; links in them point at Stripe's documentation.
#![allow(
    clippy::all,
    clippy::pedantic,
    rustdoc::bare_urls,
    rustdoc::broken_intra_doc_links,
    rustdoc::invalid_html_tags,
    rustdoc::invalid_rust_codeblocks
)]

include!(concat!(env!("OUT_DIR"), "/stripe_events_generated.rs"));

#[cfg(all(test, feature = "all-events"))]
mod tests {
    /// The generated docs say which payload each event type carries, so nobody reads generated
    /// code to learn it.
    #[test]
    fn the_payload_table_names_each_event_types_payload() {
        let code = include_str!(concat!(env!("OUT_DIR"), "/stripe_events_generated.rs"));
        for row in [
            "| `checkout.session.completed` | [`CheckoutSessionCompleted`](EventObject::CheckoutSessionCompleted) | [`CheckoutSession`] |",
            "| `customer.subscription.updated` | [`CustomerSubscriptionUpdated`](EventObject::CustomerSubscriptionUpdated) | [`Subscription`] |",
            "| `entitlements.active_entitlement_summary.updated` | [`EntitlementsActiveEntitlementSummaryUpdated`](EventObject::EntitlementsActiveEntitlementSummaryUpdated) | `serde_json::Value` (the spec has no schema for it) |",
        ] {
            assert!(code.contains(row), "missing row {row}");
        }
        let rows = code.matches("` | [`").count(); // a typed row: event type, then its variant

        assert_eq!(rows, super::EventType::ALL.len());
    }
}
