//! No secret (seed or 64-byte keypair, in any usual encoding) appears in `Debug`, `Display` or
//! the text of any error produced from a bad key input.

use chainsig_core::testkit::find_secret;
use chainsig_core::{Challenge, ChallengeSigner};
use chainsig_solana::{Ed25519ChallengeSigner, KeyError, LocalSolanaSigner};

const SEED: [u8; 32] = [
    0x4c, 0x29, 0x3f, 0xae, 0x07, 0x17, 0x83, 0x32, 0xda, 0x8f, 0xab, 0x3b, 0x60, 0x79, 0x2b, 0xff,
    0x20, 0x9b, 0x3b, 0x72, 0xbb, 0x2d, 0xf3, 0xf1, 0xee, 0x51, 0xd7, 0x5d, 0xc3, 0xc3, 0x4c, 0x53,
];

fn keypair() -> [u8; 64] {
    ed25519_dalek::SigningKey::from_bytes(&SEED).to_keypair_bytes()
}

fn assert_clean(text: &str, context: &str) {
    let kp = keypair();
    // The whole secrets, and each half of the keypair's secret part as a partial leak.
    for (name, secret) in [
        ("seed", &SEED[..]),
        ("keypair", &kp[..]),
        ("first half of the seed", &SEED[..16]),
        ("second half of the seed", &SEED[16..]),
    ] {
        if let Some(encoding) = find_secret(text, secret) {
            panic!("{context}: the {name} appears as {encoding} in {text:?}");
        }
    }
}

/// Every bad input built from the real key, each error's Display and Debug.
fn errors_from_bad_inputs() -> Vec<(String, KeyError)> {
    let kp = keypair();
    let json = |bytes: &[u8]| serde_json::to_string(bytes).expect("serializable");
    let b58 = |bytes: &[u8]| bs58::encode(bytes).into_string();
    let mut mismatched = kp;
    mismatched[63] ^= 1;
    let mut too_big: Vec<u16> = kp.iter().map(|&b| u16::from(b)).collect();
    too_big[40] = 999;
    let mut with_float = json(&kp);
    with_float.insert_str(with_float.len() - 1, ".5");
    let mut bad_char = b58(&kp);
    bad_char.replace_range(20..21, "0");
    let inputs = vec![
        json(&SEED),
        json(&kp[..63]),
        format!("{},", json(&kp)),
        json(&kp).replace(',', ";"),
        serde_json::to_string(&too_big).expect("serializable"),
        with_float,
        json(&mismatched),
        b58(&SEED),
        b58(&mismatched),
        bad_char,
        format!("{}é", b58(&kp)),
        format!("0x{}", hex::encode(SEED)),
        hex::encode(SEED),
        hex::encode(kp),
        format!("0x{}", hex::encode(&SEED[..31])),
        format!(
            "{{\"crypto\":{{\"ciphertext\":\"{}\"}}}}",
            hex::encode(SEED)
        ),
        format!("{{\"secret\":\"{}\"}}", hex::encode(SEED)),
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, kp),
    ];
    let mut out = Vec::new();
    for input in inputs {
        for result in [
            LocalSolanaSigner::from_key_file_contents(&input),
            LocalSolanaSigner::from_keypair_json(&input),
            LocalSolanaSigner::from_base58_secret(&input),
        ] {
            if let Err(err) = result {
                out.push((input.clone(), err));
            }
        }
    }
    if let Err(err) = LocalSolanaSigner::from_keypair_bytes(&mismatched) {
        out.push(("mismatched bytes".into(), err));
    }
    out
}

#[test]
fn key_errors_contain_no_key_material() {
    let errors = errors_from_bad_inputs();
    assert!(errors.len() >= 40, "only {} errors", errors.len());
    for (input, err) in &errors {
        let context = format!("error for input {:.12}…", input);
        assert_clean(&err.to_string(), &context);
        assert_clean(&format!("{err:?}"), &context);
    }
}

#[test]
fn mnemonic_errors_contain_no_words() {
    let phrase = "legal winner thank year wave sausage worth useful legal winner thank yellow";
    for bad in [
        phrase.replace("yellow", "yellowx"),
        phrase.replace("yellow", "legal"),
        phrase.replacen("legal ", "", 1),
    ] {
        let err = LocalSolanaSigner::from_mnemonic(&bad, "hunter2", None).unwrap_err();
        for text in [err.to_string(), format!("{err:?}")] {
            for word in ["legal", "winner", "yellow", "sausage", "hunter2"] {
                assert!(!text.contains(word), "{text}");
            }
        }
    }
}

#[tokio::test]
async fn signers_show_no_secret() {
    let local = LocalSolanaSigner::from_seed(&SEED);
    assert_clean(&format!("{local:?}"), "LocalSolanaSigner Debug");
    assert_clean(&format!("{local:#?}"), "LocalSolanaSigner pretty Debug");
    assert_clean(&local.to_string(), "LocalSolanaSigner Display");
    let adapter = Ed25519ChallengeSigner::new(LocalSolanaSigner::from_seed(&SEED)).unwrap();
    assert_clean(&format!("{adapter:?}"), "Ed25519ChallengeSigner Debug");

    // Signer errors too.
    let tx_like = Challenge::from_bytes(b"\xff\x00".to_vec()).unwrap();
    let err = local.sign_challenge(&tx_like).await.unwrap_err();
    assert_clean(&format!("{err} {err:?}"), "SignerError");

    // The one place the key is meant to appear.
    assert!(find_secret(&local.to_keypair_json(), &keypair()).is_some());
}
