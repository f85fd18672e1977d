//! `fetch-spec` against a local HTTP server on 127.0.0.1 that serves a spec from `../shared`
//! in the layout of Stripe's repository (`<base>/<ref>/openapi/spec3.json`).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;

fn shared(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/stripe-openapi")
        .join(file)
}

/// The published checksum of a file in `../shared` (its SHA256SUMS).
fn published_sha256(file: &str) -> String {
    let sums = std::fs::read_to_string(shared("SHA256SUMS")).unwrap();
    sums.lines()
        .find(|l| l.ends_with(file))
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

/// Serves `spec-2020-08-27.json` at `/v-test/openapi/spec3.json` (and 404 elsewhere) for
/// `requests` requests, on a free loopback port.
fn serve(requests: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let body = std::fs::read(shared("spec-2020-08-27.json")).unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let mut stream = stream.unwrap();
            let mut request_line = String::new();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            reader.read_line(&mut request_line).unwrap();
            let mut header = String::new();
            while reader.read_line(&mut header).unwrap() > 2 {
                header.clear();
            }
            let path = request_line.split_whitespace().nth(1).unwrap_or("");
            // `/2023-08-16/...` deliberately serves the 2020 spec: a mirror with the wrong file.
            let served = [
                "/v-test/openapi/spec3.json",
                "/2020-08-27/openapi/spec3.json",
                "/2023-08-16/openapi/spec3.json",
            ];
            if served.contains(&path) {
                write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                )
                .unwrap();
                stream.write_all(&body).unwrap();
            } else {
                write!(
                    stream,
                    "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                )
                .unwrap();
            }
        }
    });
    format!("http://{addr}")
}

fn fetch(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_stripe-events-codegen"))
        .arg("fetch-spec")
        .args(args)
        .output()
        .unwrap()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("stripe-events-fetch-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn downloads_checks_saves_and_records_the_checksum_in_the_pin() {
    let base = serve(1);
    let out = temp_dir("ok");
    std::fs::write(
        out.join("stripe-api.toml"),
        "# my pin\nversion = \"2024-04-10\"\nsha256 = \"old\"\nextra_events = \"extra.toml\"\n",
    )
    .unwrap();
    let sha = published_sha256("spec-2020-08-27.json");
    let result = fetch(&[
        "v-test",
        "--out",
        out.to_str().unwrap(),
        "--base-url",
        &base,
        "--sha256",
        &sha,
    ]);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    assert_eq!(
        String::from_utf8(result.stdout).unwrap(),
        format!("2020-08-27\t{sha}\n")
    );
    let saved = std::fs::read(out.join("spec-2020-08-27.json")).unwrap();
    assert_eq!(
        saved,
        std::fs::read(shared("spec-2020-08-27.json")).unwrap()
    );
    let pin = std::fs::read_to_string(out.join("stripe-api.toml")).unwrap();
    assert_eq!(
        pin,
        format!(
            "# my pin\nversion = \"2020-08-27\"\nsha256 = \"{sha}\"\nextra_events = \"extra.toml\"\nsource = \"{base}/v-test/openapi/spec3.json\"\n"
        )
    );
    // The pin it wrote is one the build accepts.
    let parsed = stripe_events_codegen::pin::Pin::load(&out.join("stripe-api.toml")).unwrap();
    assert_eq!(
        (parsed.spec.version.as_str(), parsed.spec.sha256.as_str()),
        ("2020-08-27", sha.as_str())
    );
}

#[test]
fn refuses_a_download_with_another_checksum_and_writes_nothing() {
    let base = serve(1);
    let out = temp_dir("bad-sum");
    let wrong = "0".repeat(64);
    let result = fetch(&[
        "2020-08-27",
        "--out",
        out.to_str().unwrap(),
        "--base-url",
        &base,
        "--sha256",
        &wrong,
    ]);
    assert_eq!(result.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("refusing") && stderr.contains(&wrong),
        "{stderr}"
    );
    assert!(
        stderr.contains(&published_sha256("spec-2020-08-27.json")),
        "{stderr}"
    );
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
}

#[test]
fn a_version_must_match_the_spec_and_missing_files_are_errors() {
    let base = serve(3);
    let out = temp_dir("mismatch");
    // The server answers 404 for this version...
    let result = fetch(&[
        "2024-04-10",
        "--out",
        out.to_str().unwrap(),
        "--base-url",
        &base,
    ]);
    assert_eq!(result.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&result.stderr).contains("404"),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    // ...a version-named ref must hold that version...
    let result = fetch(&[
        "2023-08-16",
        "--out",
        out.to_str().unwrap(),
        "--base-url",
        &base,
    ]);
    assert_eq!(result.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains("is API version 2020-08-27, not 2023-08-16"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
    // ...and then it is saved.
    let result = fetch(&[
        "2020-08-27",
        "--out",
        out.to_str().unwrap(),
        "--base-url",
        &base,
    ]);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    assert!(out.join("spec-2020-08-27.json").is_file());
}
