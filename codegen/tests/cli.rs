//! The `stripe-events-codegen` command on Stripe's real specs (from `../shared`) and on bad
//! input. Output formats and exit codes are part of the interface.

use std::path::PathBuf;
use std::process::{Command, Output};

fn shared(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/stripe-openapi")
        .join(file)
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stripe-events-codegen"))
        .args(args)
        .output()
        .unwrap()
}

fn events(version: &str) -> Vec<(String, String, String)> {
    let spec = shared(&format!("spec-{version}.json"));
    let out = run(&["events", "--spec", spec.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 3, "three tab-separated columns: {l:?}");
            (cols[0].to_owned(), cols[1].to_owned(), cols[2].to_owned())
        })
        .collect()
}

fn payload_of<'a>(events: &'a [(String, String, String)], event_type: &str) -> &'a str {
    &events
        .iter()
        .find(|e| e.0 == event_type)
        .unwrap_or_else(|| panic!("{event_type} listed"))
        .1
}

#[test]
fn lists_229_event_types_for_2024_04_10_sorted_with_payload_and_variant() {
    let events = events("2024-04-10");
    assert_eq!(events.len(), 229);
    let types: Vec<&str> = events.iter().map(|e| e.0.as_str()).collect();
    let mut sorted = types.clone();
    sorted.sort();
    assert_eq!(types, sorted);
    assert!(!types.contains(&"*"));
    let row = |t: &str| events.iter().find(|e| e.0 == t).cloned().unwrap();
    assert_eq!(
        row("customer.subscription.trial_will_end"),
        (
            "customer.subscription.trial_will_end".into(),
            "subscription".into(),
            "CustomerSubscriptionTrialWillEnd".into()
        )
    );
    assert_eq!(row("product.created").1, "product");
    assert_eq!(row("charge.dispute.funds_withdrawn").1, "dispute");
    assert_eq!(row("issuing_card.created").1, "issuing.card");
    assert_eq!(row("checkout.session.completed").1, "checkout.session");
    assert_eq!(
        row("sigma.scheduled_query_run.created").1,
        "scheduled_query_run"
    );
    assert_eq!(row("customer.tax_id.updated").1, "tax_id");
    assert_eq!(row("tax.settings.updated").1, "tax.settings");
    assert_eq!(
        row("entitlements.active_entitlement_summary.updated"),
        (
            "entitlements.active_entitlement_summary.updated".into(),
            "-".into(),
            "EntitlementsActiveEntitlementSummaryUpdated".into()
        )
    );
}

/// The exception table, one entry at a time, on every spec that lists the event: the payload
/// per spec (the first candidate the spec has).
#[test]
fn exceptions_hold_on_every_spec() {
    const PAYMENT_SOURCE: &str = "account,bank_account,card,source";
    const PAYMENT_SOURCE_2020: &str =
        "account,alipay_account,bank_account,bitcoin_receiver,card,source";
    let cases: &[(&str, &[&str], &str)] = &[
        ("account.application.authorized", &[], "application"),
        ("account.application.deauthorized", &[], "application"),
        ("account.external_account.created", &[], "bank_account,card"),
        ("account.external_account.deleted", &[], "bank_account,card"),
        ("account.external_account.updated", &[], "bank_account,card"),
        (
            "customer.source.created",
            &["2023-08-16", "2024-04-10"],
            PAYMENT_SOURCE,
        ),
        (
            "customer.source.deleted",
            &["2023-08-16", "2024-04-10"],
            PAYMENT_SOURCE,
        ),
        (
            "customer.source.updated",
            &["2023-08-16", "2024-04-10"],
            PAYMENT_SOURCE,
        ),
        (
            "customer.source.expiring",
            &["2023-08-16", "2024-04-10"],
            PAYMENT_SOURCE,
        ),
        (
            "customer.source.created",
            &["2020-08-27"],
            PAYMENT_SOURCE_2020,
        ),
        (
            "customer.source.expiring",
            &["2020-08-27"],
            PAYMENT_SOURCE_2020,
        ),
        (
            "customer.source.created",
            &["2018-11-08"],
            "bank_account,card,source",
        ),
        (
            "customer.source.expiring",
            &["2018-11-08"],
            "bank_account,card,source",
        ),
        ("customer.source.contact_cardholder", &[], "card,source"),
        ("application_fee.refund.updated", &[], "fee_refund"),
        ("customer.discount.created", &[], "discount"),
        ("customer.discount.deleted", &[], "discount"),
        ("customer.discount.updated", &[], "discount"),
        ("invoice.upcoming", &[], "invoice"),
    ];
    let mut seen = 0;
    for version in ["2018-11-08", "2020-08-27", "2023-08-16", "2024-04-10"] {
        let events = events(version);
        for (event_type, versions, payload) in cases {
            let applies = versions.is_empty() || versions.contains(&version);
            if applies && events.iter().any(|e| e.0 == *event_type) {
                assert_eq!(
                    payload_of(&events, event_type),
                    *payload,
                    "{event_type} on {version}"
                );
                seen += 1;
            }
        }
        // Inferred: resources named by the whole type, by the type's resource part with its
        // dots read as `_`, and child resources.
        assert_eq!(
            payload_of(&events, "source.mandate_notification"),
            "source_mandate_notification",
            "{version}"
        );
        assert_eq!(
            payload_of(&events, "source.transaction.created"),
            "source_transaction",
            "{version}"
        );
        assert_eq!(
            payload_of(&events, "charge.refund.updated"),
            "refund",
            "{version}"
        );
        assert_eq!(
            payload_of(&events, "customer.subscription.updated"),
            "subscription",
            "{version}"
        );
        assert_eq!(
            payload_of(&events, "issuing_authorization.request"),
            "issuing.authorization",
            "{version}"
        );
    }
    assert!(seen >= 50, "exceptions checked {seen} times");
}

#[test]
fn counts_per_spec_match_enabled_events() {
    for (version, count) in [
        ("2018-11-08", 172),
        ("2020-08-27", 188),
        ("2023-08-16", 222),
        ("2024-04-10", 229),
    ] {
        assert_eq!(events(version).len(), count, "{version}");
    }
}

#[test]
fn bad_input_exits_non_zero_naming_file_and_pointer() {
    let dir = std::env::temp_dir().join(format!("stripe-events-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_owned()
    };
    let cases = [
        (
            dir.join("missing.json").to_str().unwrap().to_owned(),
            "cannot read",
        ),
        (write("garbage.json", "{not json"), "is not valid JSON"),
        (
            write("other.json", "{\"swagger\": \"2.0\"}"),
            "missing field `openapi`",
        ),
        (
            write(
                "dangling.json",
                r##"{"openapi": "3.0.0", "info": {"version": "1"}, "components": {"schemas": {"a": {"$ref": "#/components/schemas/b"}}}}"##,
            ),
            "#/components/schemas/a/$ref",
        ),
    ];
    for (path, expected) in cases {
        let out = run(&["events", "--spec", &path]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{path}: {stderr}");
        assert!(stderr.contains(&path), "{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn generate_writes_formatted_code() {
    let out_file =
        std::env::temp_dir().join(format!("stripe-events-gen-{}.rs", std::process::id()));
    let spec = shared("spec-2024-04-10.json");
    let out = run(&[
        "generate",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out_file.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let code = std::fs::read_to_string(&out_file).unwrap();
    assert!(code.starts_with("// @generated by stripe-events-codegen"));
    assert!(
        code.contains("\npub enum EventType {\n"),
        "formatted, one item per line"
    );
    assert!(code.contains("pub const API_VERSION: &str = \"2024-04-10\";"));
    assert!(code.lines().count() > 10_000);
}

#[test]
fn extra_events_add_the_2018_bitcoin_events_and_bad_entries_are_named() {
    let spec = shared("spec-2018-11-08.json");
    let extra =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/versions/extra-events-2018.toml");
    let out = run(&[
        "events",
        "--spec",
        spec.to_str().unwrap(),
        "--extra-events",
        extra.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 172 + 4);
    assert!(
        text.contains("bitcoin.receiver.created\tbitcoin_receiver\tBitcoinReceiverCreated\n"),
        "{text}"
    );
    assert!(text.contains("bitcoin.receiver.transaction.created\tbitcoin_transaction\tBitcoinReceiverTransactionCreated\n"));

    // The same file against the 2024 spec, which has no bitcoin_receiver schema.
    let newer = shared("spec-2024-04-10.json");
    let out = run(&[
        "events",
        "--spec",
        newer.to_str().unwrap(),
        "--extra-events",
        extra.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("\"bitcoin.receiver.created\" = \"bitcoin_receiver\""),
        "{stderr}"
    );
    assert!(stderr.contains("extra-events-2018.toml"), "{stderr}");
}

/// `events --spec` on a v2 spec: one row per thin type, four tab-separated columns.
fn thin_rows(file: &str) -> Vec<Vec<String>> {
    let out = run(&["events", "--spec", shared(file).to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}

#[test]
fn lists_the_thin_types_of_a_v2_spec_with_related_object_variant_and_thin() {
    let rows = thin_rows("spec-v2-2025-12-15.clover.json");
    assert_eq!(
        rows,
        [
            [
                "v1.billing.meter.error_report_triggered",
                "billing.meter",
                "V1BillingMeterErrorReportTriggered",
                "thin"
            ],
            [
                "v1.billing.meter.no_meter_found",
                "-",
                "V1BillingMeterNoMeterFound",
                "thin"
            ],
            [
                "v2.core.event_destination.ping",
                "v2.core.event_destination",
                "V2CoreEventDestinationPing",
                "thin"
            ],
        ]
    );
    let preview = thin_rows("spec-v2-2025-12-15.preview.json");
    assert_eq!(preview.len(), 58);
    assert!(preview.iter().all(|r| r.len() == 4 && r[3] == "thin"));
    assert!(
        preview.contains(
            &[
                "v2.core.account[requirements].updated",
                "v2.core.account",
                "V2CoreAccountIncludingRequirementsUpdated",
                "thin"
            ]
            .map(str::to_owned)
            .to_vec()
        )
    );
    let mut types: Vec<&str> = preview.iter().map(|r| r[0].as_str()).collect();
    let listed = types.clone();
    types.sort_unstable();
    assert_eq!(listed, types, "sorted by type");
}

#[test]
fn events_with_compatible_versions_lists_their_event_types_and_prints_the_summary() {
    let spec = shared("spec-2024-04-10.json");
    // One version by name (found beside --spec), one by path.
    let older = shared("spec-2020-08-27.json");
    let list = format!("2018-11-08,{}", older.display());
    let out = run(&[
        "events",
        "--spec",
        spec.to_str().unwrap(),
        "--compatible",
        &list,
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr
            .starts_with("compatible API versions 2018-11-08, 2020-08-27 merged into 2024-04-10: "),
        "{stderr}"
    );
    assert!(stderr.contains("added event types: "), "{stderr}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("transfer.paid\ttransfer\tTransferPaid\n"),
        "2018-11-08's transfer.paid is typed: {stdout}"
    );
    assert!(stdout.lines().count() > 229, "{stdout}");

    let strict = run(&["events", "--spec", spec.to_str().unwrap()]);
    assert!(strict.stderr.is_empty(), "no summary without --compatible");
    assert!(!String::from_utf8_lossy(&strict.stdout).contains("transfer.paid"));

    let missing = run(&[
        "events",
        "--spec",
        spec.to_str().unwrap(),
        "--compatible",
        "2011-01-01",
    ]);
    assert_eq!(missing.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(
        stderr.contains("no spec found for the compatible API version \"2011-01-01\""),
        "{stderr}"
    );
}
