//! A custody team's signer: the wallet key lives in a remote signing service, and chainsig reaches
//! it through a small adapter. Onboards a Solana customer with it against the in-process sandbox.
//!
//! `cargo run --example custody_signer`
//!
//! The "remote service" is simulated by a separate tokio task that owns the key and answers
//! requests arriving over an mpsc channel with a oneshot reply, after network latency and an
//! operator's approval. The only code a custody team writes is the adapter, [`CustodyKey`]: an
//! [`Ed25519Signer`] (public key + "sign these bytes"). Wrapping it in
//! [`Ed25519ChallengeSigner`] gives a `ChallengeSigner` that verifies every signature the service
//! returns before it is used (a bad signature submitted to OffBlocks would burn the challenge).
//! Wrapping that in a [`PolicySigner`] puts chainsig's challenge policy in front of the service:
//! only what the policy allows (here the strict default: OffBlocks' Sign-In-with-X message for
//! this wallet, a session-key UUID, a PEM key) ever reaches it, and every decision goes to the
//! audit trail. For an EVM key behind a digest-only KMS, implement `chainsig::evm::DigestSigner`
//! and wrap it in `chainsig::evm::KmsSigner` the same way.

use std::sync::Arc;
use std::time::Duration;

use chainsig::api::{FlowEvent, FlowOptions};
use chainsig::core::{MemoryAuditSink, async_trait};
use chainsig::solana::{Ed25519ChallengeSigner, Ed25519Signer, LocalSolanaSigner};
use chainsig::{Challenge, ChallengeSigner, PolicySigner, SignerError, StandardPolicy};
use chainsig_sandbox::{Sandbox, SandboxConfig};
use tokio::sync::{mpsc, oneshot};

// ---------------------------------------------------------------------------------------------
// The simulated custody service (in real life: another process, another machine, an HSM).
// ---------------------------------------------------------------------------------------------

/// What the service answers.
type Reply = Result<[u8; 64], ServiceError>;

/// A request to the service.
enum Request {
    PublicKey(oneshot::Sender<[u8; 32]>),
    Sign {
        message: Vec<u8>,
        reply: oneshot::Sender<Reply>,
    },
}

/// The service's errors, as its API would report them.
#[derive(Debug)]
enum ServiceError {
    /// The policy engine or the operator said no.
    Denied(String),
}

const NETWORK_LATENCY: Duration = Duration::from_millis(30);
const OPERATOR_DELAY: Duration = Duration::from_millis(120);

/// Starts the service. It owns the key; the rest of the program only holds a channel to it.
fn spawn_custody_service(key: LocalSolanaSigner) -> mpsc::Sender<Request> {
    let (tx, mut rx) = mpsc::channel::<Request>(16);
    tokio::spawn(async move {
        while let Some(request) = rx.recv().await {
            tokio::time::sleep(NETWORK_LATENCY).await;
            match request {
                Request::PublicKey(reply) => {
                    let _ = reply.send(key.pubkey());
                }
                Request::Sign { message, reply } => {
                    // The operator looks at the request and approves it.
                    println!("  [custody] operator approves {} bytes", message.len());
                    tokio::time::sleep(OPERATOR_DELAY).await;
                    let answer = key
                        .sign_bytes(&message)
                        .await
                        .map_err(|e| ServiceError::Denied(e.to_string()));
                    let _ = reply.send(answer);
                }
            }
        }
    });
    tx
}

// ---------------------------------------------------------------------------------------------
// The adapter: what a custody team writes to plug its service into chainsig.
// ---------------------------------------------------------------------------------------------

/// A key held by the custody service.
#[derive(Debug)]
struct CustodyKey {
    service: mpsc::Sender<Request>,
    /// Fetched once, when the adapter is built.
    pubkey: [u8; 32],
    /// How long to wait for the service (latency + approval) before giving up.
    timeout: Duration,
}

impl CustodyKey {
    async fn connect(service: mpsc::Sender<Request>) -> Result<Self, SignerError> {
        let (reply, answer) = oneshot::channel();
        service
            .send(Request::PublicKey(reply))
            .await
            .map_err(|_| unavailable("the custody service is not running"))?;
        let pubkey = answer
            .await
            .map_err(|_| unavailable("the custody service dropped the request"))?;
        Ok(Self {
            service,
            pubkey,
            timeout: Duration::from_secs(10),
        })
    }
}

fn unavailable(reason: &str) -> SignerError {
    SignerError::Unavailable {
        reason: reason.to_owned(),
        retryable: true,
    }
}

#[async_trait]
impl Ed25519Signer for CustodyKey {
    fn pubkey(&self) -> [u8; 32] {
        self.pubkey
    }

    async fn sign_bytes(&self, message: &[u8]) -> Result<[u8; 64], SignerError> {
        let (reply, answer) = oneshot::channel();
        let request = Request::Sign {
            message: message.to_vec(),
            reply,
        };
        self.service
            .send(request)
            .await
            .map_err(|_| unavailable("the custody service is not running"))?;
        match tokio::time::timeout(self.timeout, answer).await {
            Err(_) => Err(unavailable("no answer from the custody service in time")),
            Ok(Err(_)) => Err(unavailable("the custody service dropped the request")),
            Ok(Ok(Err(ServiceError::Denied(reason)))) => Err(SignerError::Rejected(reason)),
            // Ed25519ChallengeSigner verifies this signature before anyone uses it.
            Ok(Ok(Ok(signature))) => Ok(signature),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Onboarding with it.
// ---------------------------------------------------------------------------------------------

#[path = "support/mod.rs"]
mod support;

// `pub(crate)`: tests/examples.rs runs it.
#[tokio::main]
pub(crate) async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let service = spawn_custody_service(LocalSolanaSigner::random());
    let audit = Arc::new(MemoryAuditSink::new());
    // One line: the custody key behind chainsig's strict policy, every decision audited.
    let signer = PolicySigner::new(
        Ed25519ChallengeSigner::new(CustodyKey::connect(service).await?)?,
        StandardPolicy::strict(),
    )
    .with_audit(audit.clone());
    println!("custody wallet {}\n", signer.account());

    // The policy at work: bytes it does not expect never reach the service.
    let junk = Challenge::from_bytes(b"transfer 100 SOL to Mallory".to_vec())?;
    match signer.sign_challenge(&junk).await {
        Err(e) => println!("unexpected message refused: {e}\n"),
        Ok(_) => return Err("the policy signed an unexpected message".into()),
    }

    let sandbox = Sandbox::start(SandboxConfig::default()).await?;
    let (client, _key_id) = support::registered_client(&sandbox).await?;

    let options = FlowOptions::default().on_event(|event| match event {
        FlowEvent::CustomerCreated { customer_id, .. } => {
            println!("customer {customer_id} created; asking custody to sign in")
        }
        FlowEvent::AccountCreated { account_id, .. } => {
            println!("account {account_id} created; asking custody to sign the session key")
        }
        FlowEvent::SignatureAccepted { subject, .. } => {
            println!("signature for {subject} accepted")
        }
        _ => {}
    });
    // The sandbox's simulator stands in for KYC (examples/support/mod.rs).
    let (customer, account) =
        support::onboard_with_simulated_kyc(&client, &signer, "custody-example", &options).await?;

    println!(
        "\ncustomer {} is {}\naccount  {} is {}, smart account {}",
        customer.id,
        client.get_customer(&customer.id).await?.status,
        account.id,
        account.status,
        account.chain_id.as_deref().unwrap_or("-"),
    );
    println!("\naudit trail:");
    for event in audit.events() {
        println!(
            "  {:<11} {:<8} {:<8} {} ({})",
            event.purpose.as_str(),
            event.kind.as_str(),
            format!("{:?}", event.verdict).to_lowercase(),
            event.rule,
            &event.challenge_sha256[..16],
        );
    }
    sandbox.shutdown().await;
    Ok(())
}
