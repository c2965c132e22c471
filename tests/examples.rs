//! The in-process examples run to completion: their sources are included here and their `main`
//! called (each builds its own runtime, so these are plain tests, not tokio tests).
//! `examples/onboard.rs` has its own tests in `onboard_example.rs`.

#[path = "../examples/alloy_signer.rs"]
mod alloy_signer;

#[path = "../examples/custody_signer.rs"]
mod custody_signer;

#[test]
fn alloy_signer_example_runs() {
    alloy_signer::main().expect("examples/alloy_signer.rs");
}

#[test]
fn custody_signer_example_runs() {
    custody_signer::main().expect("examples/custody_signer.rs");
}
