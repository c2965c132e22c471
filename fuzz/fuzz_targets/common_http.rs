// Shared by the sandbox targets (included with `include!`, not a module of its own).

/// Parses `METHOD SP URI LF (NAME ":" VALUE LF)* LF BODY` into a request; parts that are not a
/// valid method, URI or header are skipped.
#[allow(dead_code)] // sandbox_signed builds its own requests
fn build_request(data: &[u8]) -> http::Request<Vec<u8>> {
    let split = data.windows(2).position(|w| w == b"\n\n");
    let (head, body) = match split {
        Some(i) => (&data[..i], data[i + 2..].to_vec()),
        None => (data, Vec::new()),
    };
    let mut lines = head.split(|&b| b == b'\n');
    let mut request = http::Request::new(body);
    if let Some(first) = lines.next() {
        let mut it = first.splitn(2, |&b| b == b' ');
        if let Some(m) = it.next().and_then(|m| http::Method::from_bytes(m).ok()) {
            *request.method_mut() = m;
        }
        if let Some(u) = it.next().and_then(|u| http::Uri::try_from(u).ok()) {
            *request.uri_mut() = u;
        }
    }
    for line in lines {
        let mut it = line.splitn(2, |&b| b == b':');
        let (Some(name), Some(value)) = (it.next(), it.next()) else { continue };
        let value = value.strip_prefix(b" ").unwrap_or(value);
        if let (Ok(n), Ok(v)) = (
            http::HeaderName::from_bytes(name),
            http::HeaderValue::from_bytes(value),
        ) {
            request.headers_mut().append(n, v);
        }
    }
    request
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("runtime")
    })
}

/// Sends `request` to the router in process; the status and the body bytes.
fn send(router: &axum::Router, request: http::Request<Vec<u8>>) -> (http::StatusCode, Vec<u8>) {
    use http_body_util::BodyExt as _;
    use tower::ServiceExt as _;
    runtime().block_on(async {
        let response = router
            .clone()
            .oneshot(request.map(axum::body::Body::from))
            .await
            .expect("the router is infallible");
        let status = response.status();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("an in-memory body")
            .to_bytes()
            .to_vec();
        (status, bytes)
    })
}

/// No 5xx without injected faults, and every error has the JSON shape `{"error", "message"}`;
/// an answer to HEAD has no body (RFC 9110 9.3.2; `crates/sandbox/tests/fuzz_regressions.rs`).
fn check_response(method: &http::Method, status: http::StatusCode, body: &[u8]) {
    assert!(
        !status.is_server_error(),
        "server error {status}: {}",
        String::from_utf8_lossy(body)
    );
    if method == http::Method::HEAD {
        assert!(body.is_empty(), "a body in an answer to HEAD");
    } else if status.is_client_error() {
        let json: serde_json::Value = serde_json::from_slice(body)
            .unwrap_or_else(|_| panic!("{status} without a JSON body: {}", String::from_utf8_lossy(body)));
        let object = json.as_object().expect("an error object");
        assert_eq!(object.len(), 2, "error body: {json}");
        assert!(object["error"].as_str().is_some_and(|s| !s.is_empty()), "error body: {json}");
        assert!(object["message"].as_str().is_some_and(|s| !s.is_empty()), "error body: {json}");
    }
}
