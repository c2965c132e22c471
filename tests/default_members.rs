//! `cargo run --bin chainsig` and `cargo build --bin chainsig` at the workspace root reach the
//! CLI: its package is a default member of the workspace, beside the facade.
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

use std::process::Command;

#[test]
fn the_cli_is_a_default_member_with_the_chainsig_binary() {
    let output = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let cli = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "chainsig-cli")
        .unwrap();
    assert!(
        cli["targets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == "chainsig" && t["kind"][0] == "bin"),
        "the CLI package builds the `chainsig` binary"
    );
    let defaults = metadata["workspace_default_members"].as_array().unwrap();
    assert!(
        defaults.iter().any(|id| id == &cli["id"]),
        "chainsig-cli is not a default member: `cargo run --bin chainsig` at the root fails"
    );
}
