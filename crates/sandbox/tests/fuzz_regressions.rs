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

/// `sandbox_request`: `HEAD /` (the input was just `HEAD`) answered 404 with an empty body, which
/// the target's JSON-shape check refused. HTTP forbids a body in a response to HEAD, so this is
/// right; the target now checks HEAD answers for an empty body with the status and JSON content
/// type that GET would have, as this test does over a real socket.
#[tokio::test]
async fn head_gets_the_status_and_headers_of_get_without_a_body() {
    let env = Env::start().await;
    for path in ["/", "/v1/nowhere", "/v1/customers"] {
        let url = format!("http://{}{path}", env.sandbox.local_addr());
        let get = env.http.get(&url).send().await.unwrap();
        let head = env.http.head(&url).send().await.unwrap();
        assert_eq!(head.status(), get.status(), "{path}");
        assert_eq!(
            head.headers().get("content-type"),
            get.headers().get("content-type"),
            "{path}"
        );
        let get_body: serde_json::Value = get.json().await.unwrap();
        support::assert_error_shape(&get_body);
        assert!(head.bytes().await.unwrap().is_empty(), "{path}");
    }
}
