//! Solana key files: `from_key_file_contents`, `from_keypair_json` and `from_base58_secret` on
//! arbitrary text, plus the round trip of a real key (seed from the input) through both formats
//! with fuzzer-chosen whitespace.
#![no_main]

use chainsig_solana::LocalSolanaSigner;
use libfuzzer_sys::fuzz_target;

fn roundtrip(signer: &LocalSolanaSigner) {
    let json = signer.to_keypair_json();
    let again = LocalSolanaSigner::from_keypair_json(&json).expect("own keypair JSON loads");
    assert_eq!(again.pubkey(), signer.pubkey());
    let via_file =
        LocalSolanaSigner::from_key_file_contents(&json).expect("own JSON key file loads");
    assert_eq!(via_file.pubkey(), signer.pubkey());
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let file = LocalSolanaSigner::from_key_file_contents(text);
        let json = LocalSolanaSigner::from_keypair_json(text);
        let b58 = LocalSolanaSigner::from_base58_secret(text);
        for signer in [&file, &json, &b58].into_iter().flatten() {
            roundtrip(signer);
        }
        // The key-file loader is one of the two formats: whatever it loads, one of them loads
        // to the same key.
        if let Ok(f) = &file {
            let same = |r: &Result<LocalSolanaSigner, _>| {
                r.as_ref()
                    .is_ok_and(|s: &LocalSolanaSigner| s.pubkey() == f.pubkey())
            };
            assert!(
                same(&json) || same(&b58),
                "key file loaded, but neither format did"
            );
        }
    }
    // A real key, written with whitespace taken from the input, always loads back.
    if data.len() >= 33 {
        let mut seed = [0u8; 32];
        seed.copy_from_slice(&data[..32]);
        let signer = LocalSolanaSigner::from_seed(&seed);
        let ws: String = data[32..]
            .iter()
            .take(8)
            .map(|b| [' ', '\n', '\t', '\r'][usize::from(b % 4)])
            .collect();
        let json = format!("{ws}{}{ws}", &*signer.to_keypair_json());
        let loaded =
            LocalSolanaSigner::from_key_file_contents(&json).expect("padded JSON key file loads");
        assert_eq!(loaded.pubkey(), signer.pubkey());
        roundtrip(&signer);
    }
});
