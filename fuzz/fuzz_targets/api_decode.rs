//! The client's response decoding: `Customer` / `Account` JSON, list answers, and the error shape
//! built from a non-2xx answer. Decoded models re-serialize and decode to themselves.
#![no_main]

use chainsig_api::{Account, Customer};
use libfuzzer_sys::fuzz_target;

fn roundtrip<T>(value: &T)
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let json = serde_json::to_vec(value).expect("serializes");
    let back: T = serde_json::from_slice(&json).expect("its own JSON decodes");
    assert_eq!(&back, value);
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    if let Ok(c) = serde_json::from_slice::<Customer>(body) {
        roundtrip(&c);
    }
    if let Ok(a) = serde_json::from_slice::<Account>(body) {
        roundtrip(&a);
    }
    if let Ok(list) = chainsig_api::fuzzing::decode_list::<Customer>(body) {
        list.iter().for_each(roundtrip);
    }
    if let Ok(list) = chainsig_api::fuzzing::decode_list::<Account>(body) {
        list.iter().for_each(roundtrip);
    }
    let status = http::StatusCode::from_u16(400 + u16::from(selector) % 200).expect("4xx/5xx");
    let err = chainsig_api::fuzzing::api_error(status, body);
    assert_eq!(err.status, status);
    if serde_json::from_slice::<serde_json::Value>(body).is_err() {
        // A non-JSON body is quoted at most 512 bytes long.
        assert!(err.message.len() <= 512);
        assert!(err.code.is_none());
    }
    let _ = err.to_string();
    let _ = err.is_retryable();
});
