//! `chainsig challenge`: see what a challenge asks you to sign; recover a stuck account by hand.

use std::process::ExitCode;

use chainsig_api::{ChallengeSubject, Client, FlowOptions};
use chainsig_core::{Challenge, ChallengeClass, ChallengeKind, SiwxMessage, classify};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::cli::{ApiArgs, ChallengeCommand, Target};
use crate::error::{CliError, printable};
use crate::keys::load_signer;

pub(crate) async fn run(
    command: ChallengeCommand,
    api: &ApiArgs,
    json_output: bool,
) -> Result<ExitCode, CliError> {
    match command {
        ChallengeCommand::Inspect { challenge } => {
            let challenge = Challenge::from_base64(challenge.trim())
                .map_err(|e| CliError::input(e.to_string()))?;
            let report = inspect(&challenge);
            if json_output {
                println!("{report}");
            } else {
                print_human(&report);
            }
            Ok(ExitCode::SUCCESS)
        }
        ChallengeCommand::Fetch(target) => {
            let client = api.client().await?;
            let (text, challenge) = fetch(&client, &target.whose()).await?;
            if json_output {
                let mut report = inspect(&challenge);
                report["challenge"] = json!(text);
                println!("{report}");
            } else {
                println!("challenge: {text}");
                print_human(&inspect(&challenge));
            }
            Ok(ExitCode::SUCCESS)
        }
        ChallengeCommand::Sign {
            target,
            chain,
            key,
            allow_transaction_shaped,
            policy,
        } => {
            let signer = load_signer(&chain.chain, &key, allow_transaction_shaped)?;
            let guard = policy.load()?;
            let whose = target.whose();
            {
                let client = api.client().await?;
                let (text, _) = fetch(&client, &whose).await?;
                // The policy decides (strict by default), knowing whose challenge it is and that
                // the signer must be the customer's wallet; then sign, submit, and on a
                // rejection fetch and sign the next one, as the flows do.
                let options = guard.apply(FlowOptions::default());
                client
                    .sign_current_challenge(whose.subject(), text, signer.as_ref(), &options)
                    .await
                    .map_err(explain)?;
                let (id, status) = match &whose {
                    Whose::Account(id) => (id, client.get_account(id).await?.status.to_string()),
                    Whose::Customer(id) => (id, client.get_customer(id).await?.status.to_string()),
                };
                if json_output {
                    println!(
                        "{}",
                        json!({ "id": id, "status": status, "signer": signer.account().to_string() })
                    );
                } else {
                    println!(
                        "signed and submitted; {} is now {}",
                        printable(id),
                        printable(&status)
                    );
                }
                Ok(ExitCode::SUCCESS)
            }
        }
    }
}

/// An account's or a customer's id: `Target` once clap has checked exactly one was given.
enum Whose {
    Account(String),
    Customer(String),
}

impl Whose {
    fn subject(&self) -> ChallengeSubject<'_> {
        match self {
            Whose::Account(id) => ChallengeSubject::Account(id),
            Whose::Customer(id) => ChallengeSubject::Customer(id),
        }
    }
}

impl Target {
    fn whose(self) -> Whose {
        match (self.account, self.customer) {
            (Some(id), _) => Whose::Account(id),
            // clap's group makes one of the two required.
            (None, customer) => Whose::Customer(customer.unwrap_or_default()),
        }
    }
}

/// The current challenge (earlier ones become invalid), as sent and decoded.
async fn fetch(client: &Client, whose: &Whose) -> Result<(String, Challenge), CliError> {
    let text = match whose {
        Whose::Account(id) => client.account_challenge(id).await,
        Whose::Customer(id) => client.customer_challenge(id).await,
    }
    .map_err(explain)?;
    let challenge = Challenge::from_base64(text.as_str()).map_err(|e| CliError::Network {
        message: format!("the API sent an unusable challenge: {e}"),
        hint: None,
        transient: false,
    })?;
    Ok((text, challenge))
}

/// A challenge endpoint's error, with a hint when it is a 409 that means nothing waits for a
/// signature (not an idempotency conflict).
fn explain(error: chainsig_api::Error) -> CliError {
    let nothing_waits = matches!(
        &error,
        chainsig_api::Error::Api(api)
            if api.status.as_u16() == 409 && !api.is_idempotency_in_flight()
    );
    let mut cli_error = CliError::from(error);
    if let CliError::Network { hint, .. } = &mut cli_error
        && nothing_waits
    {
        *hint = Some(
            "nothing waits for a signature: the account or customer is past its challenge (its status tells where it is)"
                .to_owned(),
        );
    }
    cli_error
}

/// Bytes shown in a hex preview.
const PREVIEW_BYTES: usize = 64;

/// Whether decoded text reads as text: no control characters but tab and line breaks.
fn is_printable(text: &str) -> bool {
    !text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// What the challenge is and what each chain would sign.
fn inspect(challenge: &Challenge) -> Value {
    let bytes = challenge.bytes();
    let preview = &bytes[..bytes.len().min(PREVIEW_BYTES)];
    let text = challenge.as_text().filter(|t| is_printable(t));
    let siwx = match challenge.kind() {
        ChallengeKind::SignInWithX => text.map(SiwxMessage::parse),
        _ => None,
    };
    let class = classify(bytes);
    let shape = chainsig_solana::check_transaction_shape(bytes)
        .err()
        .map(|e| e.to_string());
    let transaction = match &class {
        ChallengeClass::Transaction(shape) => Some(shape.to_string()),
        _ => None,
    };
    let (kind, description) = match (&siwx, text) {
        (Some(Ok(m)), _) if m.chain_name == "Ethereum" => (
            "sign-in-with-ethereum",
            "a Sign-In with Ethereum message (EIP-4361): the customer ownership challenge",
        ),
        (Some(Ok(_)), _) => (
            "sign-in-with-x",
            "a Sign-In with X message (CAIP-122): the customer ownership challenge",
        ),
        (Some(Err(_)), _) => (
            "text",
            "text that starts like a Sign-In-with-X message but does not parse as one",
        ),
        (None, Some(t)) if Uuid::parse_str(t).is_ok() => (
            "session-key",
            "an account session-key challenge (a UUID as text): signing it authorizes the account's session key",
        ),
        (None, Some(_)) => ("text", "text"),
        (None, None) => ("binary", "binary data"),
    };
    let warning = transaction.as_ref().map(|shape| {
        format!(
            "these bytes look like {shape}: signing them could authorize a transaction; the default policy refuses them for every purpose"
        )
    });
    json!({
        "kind": kind,
        "description": description,
        "class": class.kind().as_str(),
        "classDescription": class.to_string(),
        "transactionShape": transaction,
        "length": bytes.len(),
        "text": text,
        "hexPreview": hex::encode(preview),
        "hexPreviewTruncated": bytes.len() > PREVIEW_BYTES,
        "signInWithX": match &siwx {
            Some(Ok(m)) => json!({
                "domain": m.domain,
                "address": m.address,
                "chain": m.chain_name,
                "chainId": m.chain_id,
                "statement": m.statement,
                "uri": m.uri,
                "version": m.version,
                "nonce": m.nonce,
                "issuedAt": m.issued_at,
                "expirationTime": m.expiration_time,
                "notBefore": m.not_before,
                "requestId": m.request_id,
                "resources": m.resources,
            }),
            _ => Value::Null,
        },
        "signInWithXError": match &siwx {
            Some(Err(e)) => json!(e.to_string()),
            _ => Value::Null,
        },
        "solanaTransactionShape": shape,
        "warning": warning,
        "wouldSign": {
            "evm": {
                "scheme": "eip191-secp256k1",
                "digest": format!("0x{}", hex::encode(chainsig_evm::eip191_hash(bytes))),
                "rule": format!("keccak256(\"\\x19Ethereum Signed Message:\\n{}\" ‖ the {} bytes)", bytes.len(), bytes.len()),
            },
            "tron": {
                "scheme": "tip191-secp256k1",
                "digest": format!("0x{}", hex::encode(chainsig_tron::tip191_hash(bytes))),
                "rule": format!("keccak256(\"\\x19TRON Signed Message:\\n{}\" ‖ the {} bytes)", bytes.len(), bytes.len()),
            },
            "solana": {
                "scheme": "ed25519",
                "rule": format!("the {} decoded bytes, as they are", bytes.len()),
                "refusedByDefault": shape.is_some(),
            },
        },
    })
}

/// Prints the report for a person. Every field may come from a server (`challenge fetch`), so
/// each is sanitized before it reaches the terminal.
fn print_human(report: &Value) {
    let s = |v: &Value| printable(v.as_str().unwrap_or("-")).into_owned();
    println!(
        "kind:    {} ({})",
        s(&report["kind"]),
        s(&report["description"])
    );
    println!(
        "class:   {} ({})",
        s(&report["class"]),
        s(&report["classDescription"])
    );
    println!("length:  {} bytes", report["length"]);
    if let Some(m) = report["signInWithX"].as_object() {
        for (label, key) in [
            ("domain", "domain"),
            ("address", "address"),
            ("chain", "chain"),
            ("chain id", "chainId"),
            ("uri", "uri"),
            ("version", "version"),
            ("nonce", "nonce"),
            ("issued", "issuedAt"),
            ("expires", "expirationTime"),
            ("not before", "notBefore"),
            ("request id", "requestId"),
            ("statement", "statement"),
        ] {
            if let Some(v) = m.get(key).and_then(Value::as_str) {
                println!("  {label:<10} {}", printable(v));
            }
        }
        if let Some(resources) = m.get("resources").and_then(Value::as_array) {
            for r in resources.iter().filter_map(Value::as_str) {
                println!("  resource   {}", printable(r));
            }
        }
    } else if let Some(text) = report["text"].as_str() {
        println!("text:    {text:?}");
    } else {
        println!(
            "hex:     {}{}",
            s(&report["hexPreview"]),
            if report["hexPreviewTruncated"] == true {
                " …"
            } else {
                ""
            }
        );
    }
    if let Some(error) = report["signInWithXError"].as_str() {
        println!(
            "note:    not a valid Sign-In-with-X message: {}",
            printable(error)
        );
    }
    if let Some(warning) = report["warning"].as_str() {
        println!("WARNING: {warning}");
    }
    println!("would sign:");
    println!(
        "  EVM     EIP-191 personal_sign, digest {}",
        s(&report["wouldSign"]["evm"]["digest"])
    );
    println!(
        "  Tron    TIP-191 signMessageV2, digest {}",
        s(&report["wouldSign"]["tron"]["digest"])
    );
    println!(
        "  Solana  ed25519 over {}{}",
        s(&report["wouldSign"]["solana"]["rule"]),
        if report["wouldSign"]["solana"]["refusedByDefault"] == true {
            " (refused by default)"
        } else {
            ""
        }
    );
}
