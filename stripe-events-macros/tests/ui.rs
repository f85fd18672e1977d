//! Compile errors of `#[webhook_handler]`, each with its `.stderr` kept in the repository
//! (`tests/ui/fail`), and the corrected versions compiling (`tests/ui/pass`).
//! Regenerate the expected output with `TRYBUILD=overwrite cargo test -p stripe-events-macros --test ui`
//! and review the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/fail/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
