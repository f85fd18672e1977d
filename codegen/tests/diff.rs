//! `stripe-events-codegen diff OLD NEW`: a Markdown report of event and payload changes, each
//! marked breaking or not; exit 0 when nothing breaks, 1 when something does, 2 on bad input.
//! Checked on real pairs of Stripe specs (specific changes known from them) and on fragments.

use std::path::PathBuf;
use std::process::{Command, Output};

fn shared(version: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../../shared/stripe-openapi/spec-{version}.json"))
        .to_str()
        .unwrap()
        .to_owned()
}

fn diff(old: &str, new: &str) -> (Output, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_stripe-events-codegen"))
        .args(["diff", old, new])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    (out, text)
}

/// The lines of the section `## heading`.
fn section<'a>(report: &'a str, heading: &str) -> Vec<&'a str> {
    let start = report
        .find(&format!("\n## {heading}\n"))
        .unwrap_or_else(|| panic!("no section {heading}"));
    report[start + 1..]
        .lines()
        .skip(1)
        .take_while(|l| !l.starts_with("## "))
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn from_2023_08_16_to_2024_04_10() {
    let (out, report) = diff(&shared("2023-08-16"), &shared("2024-04-10"));
    assert_eq!(out.status.code(), Some(1), "breaking changes exist");
    assert!(report.starts_with("# Stripe API changes: 2023-08-16 -> 2024-04-10\n"));
    let events = section(&report, "event types");
    assert!(events.contains(&"- not breaking: `entitlements.active_entitlement_summary.updated` added (payload raw JSON (no schema))"));
    assert!(
        events.contains(&"- not breaking: `issuing_token.created` added (payload `issuing.token`)")
    );
    assert!(events.contains(&"- **breaking**: `sku.created` removed"));
    assert!(events.contains(&"- **breaking**: `recipient.updated` removed"));
    let product = section(&report, "`product`");
    assert_eq!(
        product,
        [
            "- not breaking: field `marketing_features` added (array of `product_marketing_feature`)",
            "- **breaking**: field `features` removed",
        ]
    );
    let invoice = section(&report, "`invoice`");
    assert!(
        invoice.contains(&"- **breaking**: field `rendering_options` removed"),
        "{invoice:#?}"
    );
    assert!(
        invoice.contains(&"- not breaking: field `issuer` added (`connect_account_reference`)"),
        "{invoice:#?}"
    );
    assert!(
        invoice.iter().any(|l| l.starts_with(
            "- **breaking**: field `discounts` changed from optional or nullable to always present"
        )),
        "{invoice:#?}"
    );
}

#[test]
fn from_2020_08_27_to_2023_08_16() {
    let (out, report) = diff(&shared("2020-08-27"), &shared("2023-08-16"));
    assert_eq!(out.status.code(), Some(1));
    let product = section(&report, "`product`");
    assert!(
        product.contains(&"- not breaking: field `default_price` added (`price` or ID)"),
        "{product:#?}"
    );
    let events = section(&report, "event types");
    assert!(
        events
            .iter()
            .any(|l| l.contains("`customer.subscription.paused` added")),
        "{events:#?}"
    );
}

fn write(name: &str, json: &str) -> String {
    let dir = std::env::temp_dir().join(format!("stripe-events-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, json).unwrap();
    path.to_str().unwrap().to_owned()
}

fn fragment(version: &str, events: &[&str], widget_props: &str, required: &str) -> String {
    let list = events
        .iter()
        .map(|e| format!("{e:?}"))
        .collect::<Vec<_>>()
        .join(",");
    format!(
        r#"{{"openapi": "3.0.0", "info": {{"version": "{version}"}},
        "paths": {{"/v1/webhook_endpoints": {{"post": {{"requestBody": {{"content": {{"application/x-www-form-urlencoded": {{"schema": {{"properties": {{"enabled_events": {{"items": {{"enum": ["*", {list}]}}}}}}}}}}}}}}}}}}}},
        "components": {{"schemas": {{"widget": {{"type": "object", "x-resourceId": "widget", "required": [{required}], "properties": {{{widget_props}}}}}}}}}}}"#
    )
}

#[test]
fn fragments_additions_only_do_not_break() {
    let old = write(
        "old.json",
        &fragment(
            "1",
            &["widget.created"],
            r#""id": {"type": "string"}, "size": {"type": "string", "enum": ["s", "m"]}"#,
            r#""id""#,
        ),
    );
    let new = write(
        "new.json",
        &fragment(
            "2",
            &["widget.created", "widget.updated"],
            r#""id": {"type": "string"}, "size": {"type": "string", "enum": ["s", "m", "l"]}, "color": {"type": "string"}"#,
            r#""id""#,
        ),
    );
    let (out, report) = diff(&old, &new);
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert_eq!(
        section(&report, "event types"),
        ["- not breaking: `widget.updated` added (payload `widget`)"]
    );
    assert_eq!(
        section(&report, "`widget`"),
        [
            "- not breaking: field `color` added (string)",
            "- not breaking: field `size`: enum values added `l`"
        ]
    );
    let (same, text) = diff(&old, &old);
    assert_eq!(same.status.code(), Some(0));
    assert!(text.contains("No changes"), "{text}");
}

#[test]
fn fragments_breaking_changes() {
    let old = write(
        "old-b.json",
        &fragment(
            "1",
            &["widget.created", "widget.deleted"],
            r#""id": {"type": "string"}, "size": {"type": "integer"}, "kind": {"type": "string", "enum": ["a", "b"]}, "note": {"type": "string"}"#,
            r#""id", "size""#,
        ),
    );
    let new = write(
        "new-b.json",
        &fragment(
            "2",
            &["widget.created"],
            r#""id": {"type": "string"}, "size": {"type": "integer", "nullable": true}, "kind": {"type": "string", "enum": ["a"]}, "note": {"type": "integer"}"#,
            r#""id", "size""#,
        ),
    );
    let (out, report) = diff(&old, &new);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert_eq!(
        section(&report, "event types"),
        ["- **breaking**: `widget.deleted` removed"]
    );
    assert_eq!(
        section(&report, "`widget`"),
        [
            "- **breaking**: field `kind`: enum values removed `b`",
            "- **breaking**: field `note` changed type from string to integer",
            "- **breaking**: field `size` changed from always present to optional or nullable (its Rust type changes between `T` and `Option<T>`)",
        ]
    );
}

#[test]
fn bad_input_exits_2() {
    let good = shared("2024-04-10");
    let garbage = write("garbage.json", "{nope");
    let (out, _) = diff(&garbage, &good);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("garbage.json"));
    let (out, _) = diff(&good, "/no/such/spec.json");
    assert_eq!(out.status.code(), Some(2));
}
