//! Inputs found by `cargo fuzz` (see `fuzz/README.md`), kept so that CI runs them.

mod support;

use support::Env;

/// `sandbox_signed`: a signed request whose `{id}` segment percent-decodes to invalid UTF-8 got
/// axum's plain-text 400; every error must have the JSON shape `{"error", "message"}`.
#[tokio::test]
async fn id_segment_that_is_not_utf8_gets_the_json_error_shape() {
    let env = Env::start().await;
    for path in [
        "/customers/%cb",
        // The fuzzer's input (its `"` percent-encoded, as reqwest sends it).
        "/customers/$cnbo$uYsub%22A,%cb%22A,%ci%22A,%ci",
        "/accounts/%ff/challenge",
    ] {
        env.get(path).await.expect_error(400, "invalid_path");
    }
    env.patch("/accounts/%c3%28/activate")
        .await
        .expect_error(400, "invalid_path");
}
