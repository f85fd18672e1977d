//! Every name the generator invents: Rust type names, field names, variant names, and the
//! escaping that turns any JSON key or enum value into a valid identifier.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Rust keywords (strict and reserved, 2024 edition) that cannot be used as plain identifiers.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Names the generated code defines or relies on itself; a spec type with one of these names
/// gets a suffix instead of shadowing them.
pub const RESERVED_TYPE_NAMES: &[&str] = &[
    "Event",
    "EventType",
    "EventObject",
    "EventData",
    "EventRequest",
    "Expandable",
    "List",
    "Timestamp",
    "Option",
    "Result",
    "Vec",
    "String",
    "Box",
    "Some",
    "None",
    "Ok",
    "Err",
    "Self",
    "Parser",
    "FromJson",
    "Error",
    "Value",
    "Map",
    "HashMap",
    "UnknownPayload",
    "UntypedPayload",
    "DateTime",
    "ThinEventType",
    "RelatedObjectType",
    "EventNotification",
    "RelatedObject",
    "EventReason",
    "EventReasonRequest",
];

/// Replaces every character that cannot appear in an identifier with `_`.
fn identifier_chars(raw: &str) -> String {
    raw.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// `UpperCamelCase` type or variant name for any string (`issuing.card` -> `IssuingCard`,
/// `en-GB` -> `EnGb`, `3d_secure` -> `V3dSecure`, `` -> `Empty`).
pub fn type_name(raw: &str) -> String {
    let camel = identifier_chars(raw).to_upper_camel_case();
    if camel.is_empty() {
        "Empty".to_owned()
    } else if camel.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{camel}")
    } else if camel == "Self" {
        // The only keyword that is UpperCamelCase.
        "SelfValue".to_owned()
    } else {
        camel
    }
}

/// `snake_case` field name for a JSON key; keywords get a trailing `_` (`type` -> `type_`).
pub fn field_name(raw: &str) -> String {
    let mut snake = identifier_chars(raw).to_snake_case();
    if snake.is_empty() {
        snake.push_str("field");
    }
    if snake.starts_with(|c: char| c.is_ascii_digit()) {
        snake.insert(0, '_');
    }
    if KEYWORDS.contains(&snake.as_str()) || snake == "_" {
        snake.push('_');
    }
    snake
}

/// Event-type variant name: `customer.subscription.trial_will_end` ->
/// `CustomerSubscriptionTrialWillEnd`.
pub fn event_variant(event_type: &str) -> String {
    type_name(event_type)
}

/// Thin event variant name: brackets, which name a part of the object the event is about,
/// read as `Including` (as in Stripe's SDKs): `v2.core.account[requirements].updated` ->
/// `V2CoreAccountIncludingRequirementsUpdated`,
/// `v2.core.account[configuration.customer].updated` ->
/// `V2CoreAccountIncludingConfigurationCustomerUpdated`. Otherwise as [`event_variant`].
pub fn thin_event_variant(event_type: &str) -> String {
    type_name(&event_type.replace('[', ".including.").replace(']', "."))
}

/// Picks a name not yet in `taken`: `base`, then `base` + suffix, then numbered, and records it.
pub fn unique(taken: &mut std::collections::BTreeSet<String>, base: &str, suffix: &str) -> String {
    let mut candidate = base.to_owned();
    if RESERVED_TYPE_NAMES.contains(&candidate.as_str()) || taken.contains(&candidate) {
        candidate = format!("{base}{suffix}");
        let mut n = 2;
        while taken.contains(&candidate) {
            candidate = format!("{base}{suffix}{n}");
            n += 1;
        }
    }
    taken.insert(candidate.clone());
    candidate
}

/// Makes `names` (variant names derived from values) distinct by numbering later duplicates.
pub fn dedupe_variants(names: &mut [String]) {
    let mut seen = std::collections::BTreeSet::new();
    for name in names.iter_mut() {
        if !seen.insert(name.clone()) {
            let mut n = 2;
            while !seen.insert(format!("{name}{n}")) {
                n += 1;
            }
            *name = format!("{name}{n}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names() {
        assert_eq!(type_name("issuing.card"), "IssuingCard");
        assert_eq!(type_name("checkout.session"), "CheckoutSession");
        assert_eq!(type_name("en-GB"), "EnGb");
        assert_eq!(type_name("3d_secure"), "V3dSecure");
        assert_eq!(type_name(""), "Empty");
        assert_eq!(type_name("*"), "Empty");
        assert_eq!(type_name("self"), "SelfValue");
    }

    #[test]
    fn thin_event_variants_read_brackets_as_including() {
        for (event_type, variant) in [
            ("v2.core.account.created", "V2CoreAccountCreated"),
            (
                "v2.core.account[requirements].updated",
                "V2CoreAccountIncludingRequirementsUpdated",
            ),
            (
                "v2.core.account[configuration.customer].capability_status_updated",
                "V2CoreAccountIncludingConfigurationCustomerCapabilityStatusUpdated",
            ),
            (
                "v1.billing.meter.error_report_triggered",
                "V1BillingMeterErrorReportTriggered",
            ),
            ("x[a]", "XIncludingA"),
        ] {
            assert_eq!(thin_event_variant(event_type), variant, "{event_type}");
        }
    }

    #[test]
    fn field_names_escape_keywords_and_digits() {
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("amount_off"), "amount_off");
        assert_eq!(field_name("3ds"), "_3ds");
        assert_eq!(field_name("ssn_last_4"), "ssn_last_4");
    }

    #[test]
    fn unique_suffixes_reserved_and_taken_names() {
        let mut taken = std::collections::BTreeSet::new();
        assert_eq!(unique(&mut taken, "Event", "Resource"), "EventResource");
        assert_eq!(unique(&mut taken, "Card", "Resource"), "Card");
        assert_eq!(unique(&mut taken, "Card", "Resource"), "CardResource");
        assert_eq!(unique(&mut taken, "Card", "Resource"), "CardResource2");
    }

    #[test]
    fn duplicate_variants_are_numbered() {
        let mut v = vec!["AB".to_owned(), "AB".to_owned(), "C".to_owned()];
        dedupe_variants(&mut v);
        assert_eq!(v, ["AB", "AB2", "C"]);
    }
}
