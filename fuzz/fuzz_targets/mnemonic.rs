//! BIP-39 mnemonics with BIP-32 (EVM) and SLIP-10 (Solana) derivation paths: `from_mnemonic`
//! of both chains on arbitrary phrase, passphrase and path text.
#![no_main]

use chainsig_evm::LocalEvmSigner;
use chainsig_solana::LocalSolanaSigner;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Input: `phrase NUL path NUL passphrase`; a missing part is `None` (the default path, no
    // passphrase).
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.splitn(3, '\0');
    let phrase = parts.next().unwrap_or_default();
    let path = parts.next();
    let passphrase = parts.next();

    let evm = LocalEvmSigner::from_mnemonic(phrase, passphrase, path);
    if let Ok(signer) = &evm {
        // Deterministic, and the derived key survives its own export.
        let again = LocalEvmSigner::from_mnemonic(phrase, passphrase, path)
            .expect("a phrase that loaded once loads again");
        assert_eq!(again.address(), signer.address());
        let hex = LocalEvmSigner::from_hex(&signer.to_hex()).expect("own hex export loads");
        assert_eq!(hex.address(), signer.address());
    }

    let solana = LocalSolanaSigner::from_mnemonic(phrase, passphrase.unwrap_or_default(), path);
    if let Ok(signer) = &solana {
        let again =
            LocalSolanaSigner::from_mnemonic(phrase, passphrase.unwrap_or_default(), path)
                .expect("a phrase that loaded once loads again");
        assert_eq!(again.pubkey(), signer.pubkey());
        let json = LocalSolanaSigner::from_keypair_json(&signer.to_keypair_json())
            .expect("own keypair JSON loads");
        assert_eq!(json.pubkey(), signer.pubkey());
    }
});
