//! The sandbox's request handling, unauthenticated: arbitrary method, path, headers and body sent
//! to the router in process (`tower::ServiceExt::oneshot`, no socket). Checks: no panic, no 5xx
//! (no faults are configured), every 4xx has the JSON error shape.
//!
//! Input: `METHOD SP URI LF (NAME ":" VALUE LF)* LF BODY`.
#![no_main]

use std::sync::OnceLock;

use chainsig_sandbox::{Sandbox, SandboxConfig};
use libfuzzer_sys::fuzz_target;

include!("common_http.rs");

fn router() -> &'static axum::Router {
    static R: OnceLock<axum::Router> = OnceLock::new();
    R.get_or_init(|| {
        let config = SandboxConfig {
            api_key: Some("fuzz-key".to_owned()),
            api_secret: Some("fuzz-secret".to_owned()),
            ..SandboxConfig::default()
        };
        Sandbox::router_for_fuzzing(config, ([127, 0, 0, 1], 8080).into()).0
    })
}

fuzz_target!(|data: &[u8]| {
    let request = build_request(data);
    let method = request.method().clone();
    let (status, body) = send(router(), request);
    check_response(&method, status, &body);
});
