//! The in-process examples run to completion: their sources are included here and their `main`
//! called (each builds its own runtime, so these are plain tests, not tokio tests).
//! `examples/onboard.rs` has its own tests in `onboard_example.rs`.

// Each example includes `examples/support/mod.rs` itself, as it does when built alone.
#![allow(clippy::duplicate_mod)]

#[path = "../examples/alloy_signer.rs"]
mod alloy_signer;

#[path = "../examples/custody_signer.rs"]
mod custody_signer;

#[path = "../examples/quickstart.rs"]
mod quickstart;

#[path = "../examples/sign_challenge.rs"]
mod sign_challenge;

#[test]
fn alloy_signer_example_runs() {
    alloy_signer::main().expect("examples/alloy_signer.rs");
}

#[test]
fn custody_signer_example_runs() {
    custody_signer::main().expect("examples/custody_signer.rs");
}

#[test]
fn quickstart_example_runs() {
    quickstart::main().expect("examples/quickstart.rs");
}

#[test]
fn sign_challenge_example_runs() {
    sign_challenge::main().expect("examples/sign_challenge.rs");
}
