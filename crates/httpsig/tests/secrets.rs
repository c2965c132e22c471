//! The private scalar never shows in `Debug`, `Display` or error text, in any encoding.

mod support;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use chainsig_httpsig::{P384SigningKey, RequestSigner};
use support::file;

/// Every encoding of the scalar (and of its first 12 bytes, so a partial leak is caught too).
fn encodings(scalar: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    for bytes in [scalar, &scalar[..12]] {
        out.push(hex::encode(bytes));
        out.push(hex::encode_upper(bytes));
        for engine in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
            out.push(engine.encode(bytes).trim_end_matches('=').to_owned());
        }
        let decimal: Vec<String> = bytes.iter().map(u8::to_string).collect();
        out.push(decimal.join(","));
        out.push(decimal.join(", "));
        out.push(format!("{bytes:?}").trim_end_matches(']').to_owned());
        out.push(format!("{bytes:02x?}").trim_end_matches(']').to_owned());
    }
    out.push(bs58::encode(scalar).into_string());
    out.push(serde_json::to_string(scalar).expect("json"));
    out
}

fn assert_clean(what: &str, text: &str, scalar: &[u8]) {
    for enc in encodings(scalar) {
        assert!(
            !text.contains(&enc),
            "{what} leaks the scalar as {enc}: {text}"
        );
    }
}

#[test]
fn debug_of_keys_and_signers_shows_no_secret() {
    let f = file();
    let scalar = hex::decode(&f.key.private_scalar_hex).unwrap();
    let key = P384SigningKey::from_pem(&f.key.private_key_sec1_pem).unwrap();
    assert_clean("Debug", &format!("{key:?}"), &scalar);
    assert_clean("alternate Debug", &format!("{key:#?}"), &scalar);
    assert!(format!("{key:?}").contains("P384SigningKey"));
    let key = key.with_rfc6979();
    assert_clean("Debug (rfc6979)", &format!("{key:#?}"), &scalar);
    let signer = RequestSigner::new(key, "k");
    assert_clean("signer Debug", &format!("{signer:?} {signer:#?}"), &scalar);

    let generated = P384SigningKey::generate().unwrap();
    let pem = generated.to_pkcs8_pem().unwrap();
    let der_scalar = {
        // Recover the generated scalar from its SEC1 PEM (bytes 8..56 of the DER).
        let sec1 = generated.to_sec1_pem().unwrap();
        let b64: String = sec1.lines().filter(|l| !l.starts_with("-----")).collect();
        STANDARD.decode(b64).unwrap()[8..56].to_vec()
    };
    assert_eq!(
        P384SigningKey::from_slice(&der_scalar)
            .unwrap()
            .verifying_key(),
        generated.verifying_key()
    );
    assert_clean(
        "generated Debug",
        &format!("{generated:?} {generated:#?}"),
        &der_scalar,
    );
    drop(pem);
}

#[test]
fn key_errors_show_no_secret() {
    let f = file();
    let scalar = hex::decode(&f.key.private_scalar_hex).unwrap();
    let pem = &f.key.private_key_sec1_pem;
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let mut broken = vec![
        // Truncated, a character changed, wrong label, label replaced by the body, raw body.
        pem[..pem.len() / 2].to_owned(),
        pem.replacen('K', "!", 1),
        pem.replace("EC PRIVATE KEY", "SECRET STUFF"),
        pem.replace("EC PRIVATE KEY", &body[..40]),
        body.clone(),
        format!("-----BEGIN {body}-----\n{body}\n-----END {body}-----\n"),
        f.key
            .private_key_pkcs8_pem
            .replace("PRIVATE KEY", "RSA PRIVATE KEY"),
    ];
    // Every single-character truncation of the DER.
    let der = STANDARD.decode(&body).unwrap();
    for cut in [10, 20, 40, 60, 100, der.len() - 1] {
        broken.push(format!(
            "-----BEGIN EC PRIVATE KEY-----\n{}\n-----END EC PRIVATE KEY-----\n",
            STANDARD.encode(&der[..cut])
        ));
    }
    for text in &broken {
        let err = P384SigningKey::from_pem(text).unwrap_err();
        assert_clean("KeyError", &format!("{err} {err:?} {err:#?}"), &scalar);
        let err = chainsig_httpsig::P384VerifyingKey::from_public_key_pem(text).unwrap_err();
        assert_clean("KeyError (public)", &format!("{err} {err:?}"), &scalar);
    }
    for bad in [&der[..], &der[..20]] {
        let err = P384SigningKey::from_pkcs8_der(bad).unwrap_err();
        assert_clean("KeyError (pkcs8 der)", &format!("{err} {err:?}"), &scalar);
        if let Err(err) = P384SigningKey::from_sec1_der(bad) {
            assert_clean("KeyError (sec1 der)", &format!("{err} {err:?}"), &scalar);
        }
    }
}
