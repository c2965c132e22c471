//! The request-signing key and the wallets of a run: in memory, or generated in a PKCS#11 token.

use std::sync::Arc;
use std::time::Instant;

use chainsig_core::{Challenge, ChallengeSigner};
use chainsig_httpsig::P384SigningKey;

use super::crypto::{CryptoCosts, median};
use crate::chain::registry;
use crate::cli::BenchArgs;
use crate::error::CliError;

/// The request-signing key and the wallets of a run: made in memory per flow, or in a token.
pub(super) struct Keys {
    pub(super) request: Arc<dyn chainsig_httpsig::RequestSigningKey>,
    pub(super) request_pem: String,
    /// The token's wallet keys, shared by the customers in turn (`None`: a new key per flow).
    pub(super) wallets: Option<Vec<Arc<dyn ChallengeSigner>>>,
}

/// Wallet keys a run makes in a token at most.
const HSM_WALLETS: usize = 16;

impl Keys {
    pub(super) fn in_memory() -> Result<Self, CliError> {
        let key = P384SigningKey::generate().map_err(|e| CliError::input(e.to_string()))?;
        Ok(Self {
            request_pem: key.public_key_pem(),
            request: Arc::new(key),
            wallets: None,
        })
    }

    /// Generates the run's keys inside the token `token` names.
    pub(super) fn in_token(token: &str, args: &BenchArgs) -> Result<Self, CliError> {
        let run = uuid::Uuid::new_v4().simple().to_string();
        let label = |what: &str| format!("chainsig-bench-{}-{what}", &run[..8]);
        let request_uri = crate::hsm::object_uri(token, &label("request"));
        crate::hsm::generate_request_key(&request_uri)?;
        let (request, request_pem) = crate::hsm::request_key(&request_uri)?;
        let count = args.concurrency.min(args.customers).min(HSM_WALLETS);
        let wallets = (0..count)
            .map(|i| {
                let chain = args.wallets.chain(i);
                let uri = crate::hsm::object_uri(token, &label(&format!("w{i}")));
                crate::hsm::keygen(&chain, &uri)?;
                crate::hsm::load_signer(&chain, &uri, false)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            request,
            request_pem,
            wallets: Some(wallets),
        })
    }

    /// Replaces the in-memory signing costs with the token's (verification stays local: the
    /// sandbox verifies in memory).
    pub(super) async fn measure_signing(&self, costs: &mut CryptoCosts) -> Result<(), CliError> {
        const N: usize = 50;
        let base = vec![b'x'; 400];
        let mut samples = Vec::with_capacity(N);
        for _ in 0..N {
            let start = Instant::now();
            self.request
                .sign(&base)
                .await
                .map_err(|e| CliError::input(e.to_string()))?;
            samples.push(start.elapsed());
        }
        costs.request_sign = median(samples);
        let challenge = Challenge::from_bytes(uuid::Uuid::new_v4().to_string().into_bytes())
            .map_err(|e| CliError::input(e.to_string()))?;
        let mut measured = std::collections::BTreeSet::new();
        for signer in self.wallets.iter().flatten() {
            let namespace = registry()
                .for_chain(signer.account().chain())
                .map_err(|e| CliError::input(e.to_string()))?
                .namespace();
            // One key per chain is enough: the token's keys of a curve all cost the same.
            if !measured.insert(namespace) {
                continue;
            }
            let mut samples = Vec::with_capacity(N);
            for _ in 0..N {
                let start = Instant::now();
                signer
                    .sign_challenge(&challenge)
                    .await
                    .map_err(CliError::Signer)?;
                samples.push(start.elapsed());
            }
            costs.challenge_sign.insert(namespace, median(samples));
        }
        Ok(())
    }
}
