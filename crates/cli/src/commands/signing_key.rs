//! `chainsig signing-key`: the integrator's P-384 request-signing key (create, register, remove).

use std::process::ExitCode;

use chainsig_httpsig::P384SigningKey;
use serde_json::json;

use crate::cli::{ApiArgs, SigningKeyCommand};
use crate::error::CliError;
use crate::output::write_new_private_file;

pub(crate) async fn run(
    command: SigningKeyCommand,
    api: &ApiArgs,
    json_output: bool,
) -> Result<ExitCode, CliError> {
    match command {
        SigningKeyCommand::New {
            key_uri: Some(uri), ..
        } => {
            let pem = crate::hsm::generate_request_key(&uri)?;
            if json_output {
                println!("{}", json!({ "keyUri": uri, "publicKey": pem }));
            } else {
                println!("generated {uri}");
                print!("{pem}");
                println!(
                    "register it with: chainsig signing-key register --signing-key-uri '{uri}'"
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        SigningKeyCommand::New { out: None, .. } => {
            Err(CliError::input("give --out PATH or --key-uri PKCS11_URI"))
        }
        SigningKeyCommand::New { out: Some(out), .. } => {
            let key = P384SigningKey::generate().map_err(|e| CliError::input(e.to_string()))?;
            let pem = key
                .to_sec1_pem()
                .map_err(|e| CliError::input(e.to_string()))?;
            write_new_private_file(&out, pem.as_bytes())?;
            if json_output {
                println!(
                    "{}",
                    json!({ "keyFile": out.display().to_string(), "publicKey": key.public_key_pem() })
                );
            } else {
                println!("wrote {}", out.display());
                print!("{}", key.public_key_pem());
                println!(
                    "register it with: chainsig signing-key register --key-file {}",
                    out.display()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        SigningKeyCommand::Remove => {
            let client = api.bearer_client()?;
            client
                .remove_signing_key(chainsig_api::IdempotencyKey::new())
                .await?;
            if json_output {
                println!("{}", json!({ "removed": true }));
            } else {
                println!("removed the request-signing key: requests signed with it are refused");
                eprintln!(
                    "unset OFFBLOCKS_KEY_ID; `chainsig signing-key register` registers a key again"
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        SigningKeyCommand::Register { key_file } => {
            let mut api = api.clone();
            if key_file.is_some() {
                api.signing_key_file = key_file;
            }
            {
                let client = api.registering_client().await?;
                // The server's id, printed: sanitized like any server text.
                let key_id =
                    crate::error::printable(&client.key_id().unwrap_or_default()).into_owned();
                if json_output {
                    println!("{}", json!({ "keyId": key_id }));
                } else {
                    println!("{key_id}");
                    eprintln!("export OFFBLOCKS_KEY_ID={key_id}");
                }
                Ok(ExitCode::SUCCESS)
            }
        }
    }
}
