//! The `stripe-events` command: output formats and exit codes are part of the interface.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_stripe-events"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

const PRODUCT: &str = r#"{"id": "evt_cli_1", "object": "event", "api_version": "2024-04-10", "created": 1700000000,
  "livemode": false, "pending_webhooks": 1, "request": null, "type": "product.created",
  "data": {"object": {"id": "prod_1", "object": "product", "active": true, "created": 1700000000, "images": [],
    "livemode": false, "marketing_features": [], "metadata": {}, "name": "Gold", "updated": 1700000000}}}"#;

fn signed(body: &str, secret: &str, t: i64) -> String {
    let out = run(
        &["sign", "--secret", secret, "--timestamp", &t.to_string()],
        body.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0));
    let header = stdout(&out).trim_end().to_owned();
    assert!(header.starts_with(&format!("t={t},v1=")), "{header}");
    header
}

#[test]
fn sign_then_verify_prints_ok_type_id_typed() {
    let header = signed(PRODUCT, "whsec_cli", 1_700_000_000);
    let out = run(
        &[
            "verify",
            "--secret",
            "whsec_cli",
            "--header",
            &header,
            "--now",
            "1700000100",
            "-",
        ],
        PRODUCT.as_bytes(),
    );
    assert_eq!(
        stdout(&out),
        "ok\tproduct.created\tevt_cli_1\ttyped\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn verify_accepts_any_of_several_secrets_and_reads_files() {
    let header = signed(PRODUCT, "whsec_old", 1_700_000_000);
    let path = std::env::temp_dir().join(format!(
        "stripe-events-cli-body-{}.json",
        std::process::id()
    ));
    std::fs::write(&path, PRODUCT).unwrap();
    let out = run(
        &[
            "verify",
            "--secret",
            "whsec_new",
            "--secret",
            "whsec_old",
            "--header",
            &header,
            "--now",
            "1700000000",
            path.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn verify_failures_exit_1_with_the_error_on_stderr() {
    let header = signed(PRODUCT, "whsec_cli", 1_700_000_000);
    let cases: [(&[&str], &str, &str); 4] = [
        (
            &[
                "--secret",
                "whsec_wrong",
                "--header",
                &header,
                "--now",
                "1700000000",
            ],
            PRODUCT,
            "matches",
        ),
        (
            &[
                "--secret",
                "whsec_cli",
                "--header",
                &header,
                "--now",
                "1700000301",
            ],
            PRODUCT,
            "300 s",
        ),
        (
            &[
                "--secret",
                "whsec_cli",
                "--header",
                "garbage",
                "--now",
                "1700000000",
            ],
            PRODUCT,
            "malformed",
        ),
        (
            &[
                "--secret",
                "whsec_cli",
                "--header",
                &header,
                "--now",
                "1700000000",
            ],
            &PRODUCT.replace("Gold", "Gild"),
            "matches",
        ),
    ];
    for (args, body, expected) in cases {
        let mut full = vec!["verify"];
        full.extend_from_slice(args);
        let out = run(&full, body.as_bytes());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stdout(&out).is_empty());
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("whsec_"),
            "secrets never printed: {stderr}"
        );
    }
    // Within tolerance by one second: accepted.
    let out = run(
        &[
            "verify",
            "--secret",
            "whsec_cli",
            "--header",
            &header,
            "--now",
            "1700000300",
        ],
        PRODUCT.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn bad_usage_exits_2() {
    assert_eq!(
        run(&["verify", "--header", "t=1,v1=00"], b"").status.code(),
        Some(2)
    );
    assert_eq!(run(&["frobnicate"], b"").status.code(), Some(2));
    assert_eq!(
        run(&["parse", "/no/such/file.json"], b"").status.code(),
        Some(2)
    );
}

#[test]
fn parse_reports_typed_raw_and_not_an_event() {
    let out = run(&["parse"], PRODUCT.as_bytes());
    assert_eq!(
        (stdout(&out).as_str(), out.status.code()),
        ("product.created\tevt_cli_1\ttyped\n", Some(0))
    );

    let missing_name = PRODUCT.replace(r#""name": "Gold", "#, "");
    let out = run(&["parse", "-"], missing_name.as_bytes());
    assert_eq!(
        stdout(&out),
        "product.created\tevt_cli_1\traw\tmissing field `name` at $.data.object\n"
    );
    assert_eq!(out.status.code(), Some(3));

    let unknown = PRODUCT.replace("product.created", "product.teleported");
    let out = run(&["parse"], unknown.as_bytes());
    assert_eq!(
        stdout(&out),
        "product.teleported\tevt_cli_1\traw\tunknown event type for this build\n"
    );
    assert_eq!(out.status.code(), Some(3));

    let out = run(&["parse"], b"[1, 2, 3]");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a Stripe event"));
    let out = run(&["parse"], b"{\"id\":");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not valid JSON"));
}

/// A thin notification written for the tests (type, related object), of a type the pinned v2
/// spec knows, or of `type_` when given.
fn thin(id: &str, type_: &str) -> String {
    format!(
        r#"{{"id": "{id}", "object": "v2.core.event", "type": "{type_}",
  "created": "2025-12-15T09:30:00.000Z", "livemode": false, "context": null,
  "related_object": {{"id": "mtr_1", "type": "billing.meter", "url": "/v1/billing/meters/mtr_1"}}}}"#
    )
}

#[test]
fn parse_and_verify_report_thin_events_and_unknown_thin_types() {
    let known = thin("evt_thin_1", "v1.billing.meter.error_report_triggered");
    let out = run(&["parse"], known.as_bytes());
    assert_eq!(
        (stdout(&out).as_str(), out.status.code()),
        (
            "v1.billing.meter.error_report_triggered\tevt_thin_1\tthin\n",
            Some(0)
        )
    );
    let unknown = thin("evt_thin_2", "v2.future.thing.happened");
    let out = run(&["parse"], unknown.as_bytes());
    assert_eq!(
        (stdout(&out).as_str(), out.status.code()),
        (
            "v2.future.thing.happened\tevt_thin_2\traw\tunknown thin event type for this build (v2 spec 2025-12-15.clover)\n",
            Some(3)
        )
    );

    let verify = |body: &str| {
        let header = signed(body, "whsec_cli", 1_700_000_000);
        let args = [
            "verify",
            "--secret",
            "whsec_cli",
            "--header",
            &header,
            "--now",
            "1700000100",
        ];
        run(&args, body.as_bytes())
    };
    let out = verify(&known);
    assert_eq!(
        (stdout(&out).as_str(), out.status.code()),
        (
            "ok\tv1.billing.meter.error_report_triggered\tevt_thin_1\tthin\n",
            Some(0)
        )
    );
    let out = verify(&unknown);
    assert!(
        stdout(&out).starts_with("ok\tv2.future.thing.happened\tevt_thin_2\traw\t"),
        "{}",
        stdout(&out)
    );
    assert_eq!(out.status.code(), Some(3));
    // A tampered thin body fails verification like a snapshot one.
    let header = signed(&known, "whsec_cli", 1_700_000_000);
    let tampered = known.replace("mtr_1", "mtr_2");
    let args = [
        "verify",
        "--secret",
        "whsec_cli",
        "--header",
        &header,
        "--now",
        "1700000100",
    ];
    let out = run(&args, tampered.as_bytes());
    assert_eq!((stdout(&out).as_str(), out.status.code()), ("", Some(1)));
    // The snapshot output is unchanged.
    let out = run(&["parse"], PRODUCT.as_bytes());
    assert_eq!(stdout(&out), "product.created\tevt_cli_1\ttyped\n");
}
