//! `Challenge::from_base64` on arbitrary text, and `Challenge::from_bytes` on arbitrary bytes.
#![no_main]

use chainsig_core::{Challenge, ChallengeKind};
use libfuzzer_sys::fuzz_target;

fn check(c: &Challenge) {
    assert_eq!(c.len(), c.bytes().len());
    assert_eq!(c.is_empty(), c.bytes().is_empty());
    assert!(c.len() <= Challenge::MAX_BYTES);
    // `as_text` is the bytes as UTF-8 exactly when they are UTF-8.
    assert_eq!(
        c.as_text().map(str::as_bytes),
        std::str::from_utf8(c.bytes()).ok().map(str::as_bytes)
    );
    assert_eq!(c.kind() == ChallengeKind::Binary, c.as_text().is_none());
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(c) = Challenge::from_base64(text)
    {
        check(&c);
        // The text is kept verbatim, and re-encoding the bytes gives it back (canonical base64).
        assert_eq!(c.as_base64(), text);
        let again = Challenge::from_bytes(c.bytes().to_vec()).expect("decoded bytes re-encode");
        assert_eq!(again.as_base64(), text);
        assert_eq!(again, c);
    }
    match Challenge::from_bytes(data.to_vec()) {
        Ok(c) => {
            check(&c);
            assert_eq!(c.bytes(), data);
            let back = Challenge::from_base64(c.as_base64()).expect("own encoding decodes");
            assert_eq!(back, c);
        }
        Err(_) => assert!(data.len() > Challenge::MAX_BYTES || data.is_empty()),
    }
});
