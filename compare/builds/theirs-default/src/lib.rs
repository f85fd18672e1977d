//! Empty: this package only exists so `cargo build -p build-theirs-default` builds its dependency with
//! exactly the features listed in its Cargo.toml (see ../../run.sh).
