//! `SiwxMessage::parse`: a parsed message renders back to exactly the parsed text.
#![no_main]

use chainsig_core::SiwxMessage;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(message) = SiwxMessage::parse(text) {
        let rendered = message.to_string();
        assert_eq!(
            rendered, text,
            "the message does not render back to its text"
        );
        assert_eq!(SiwxMessage::parse(&rendered).expect("re-parses"), message);
        // Time parsing of the kept `Issued At` must not panic either.
        let _ = message.issued_at_time();
    }
});
