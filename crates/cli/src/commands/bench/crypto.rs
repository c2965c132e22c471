//! What the cryptography of one request and one challenge costs on this machine, measured in the
//! bench's own process before and after its run.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chainsig_core::{ChainId, Challenge, ChallengeSigner, ChallengeVerifier};
use chainsig_httpsig::P384SigningKey;

use crate::chain::registry;
use crate::error::CliError;
use crate::keys::key_loader;

/// Median cost of `op`, timed over `n` runs after a warm-up.
fn median_cost(n: usize, mut op: impl FnMut()) -> Duration {
    for _ in 0..n / 10 + 1 {
        op();
    }
    let mut samples: Vec<Duration> = (0..n)
        .map(|_| {
            let start = Instant::now();
            op();
            start.elapsed()
        })
        .collect();
    samples.sort();
    samples[samples.len() / 2]
}

/// Cost of the cryptography of one request (client signs, server verifies) and of one challenge
/// per chain (wallet signs, server verifies), measured on this machine.
pub(super) struct CryptoCosts {
    pub(super) request_sign: Duration,
    pub(super) request_verify: Duration,
    /// By CAIP-2 namespace, for every registered chain.
    pub(super) challenge_sign: BTreeMap<&'static str, Duration>,
    pub(super) challenge_verify: BTreeMap<&'static str, Duration>,
}

impl CryptoCosts {
    /// The cheaper of two measurements of each operation. Measured before and after the run, on a
    /// shared machine: the lower cost gives the tighter bound, so the achieved / bound printed
    /// is never flattered by a slow measurement.
    pub(super) fn lowest(self, other: Self) -> Self {
        let lowest = |mut mine: BTreeMap<&'static str, Duration>, theirs: BTreeMap<_, Duration>| {
            for (namespace, cost) in theirs {
                mine.entry(namespace)
                    .and_modify(|c| *c = (*c).min(cost))
                    .or_insert(cost);
            }
            mine
        };
        Self {
            request_sign: self.request_sign.min(other.request_sign),
            request_verify: self.request_verify.min(other.request_verify),
            challenge_sign: lowest(self.challenge_sign, other.challenge_sign),
            challenge_verify: lowest(self.challenge_verify, other.challenge_verify),
        }
    }

    /// A request's sign + verify.
    pub(super) fn request(&self) -> Duration {
        self.request_sign + self.request_verify
    }

    /// A challenge's sign + verify, by namespace.
    pub(super) fn challenge(&self) -> BTreeMap<&'static str, Duration> {
        self.challenge_sign
            .iter()
            .map(|(namespace, sign)| {
                let verify = self
                    .challenge_verify
                    .get(namespace)
                    .copied()
                    .unwrap_or_default();
                (*namespace, *sign + verify)
            })
            .collect()
    }
}

/// Measures every cost. Async because the wallets are `dyn ChallengeSigner`s from the key
/// registry: their futures are awaited on the bench's runtime, as the flows await them.
pub(super) async fn measure_crypto() -> Result<CryptoCosts, CliError> {
    let key = P384SigningKey::generate().map_err(|e| CliError::input(e.to_string()))?;
    let verifying = key.verifying_key().clone();
    let base = vec![b'x'; 400]; // a typical signature base
    let signature = key
        .sign_randomized(&base)
        .map_err(|e| CliError::input(e.to_string()))?;
    let p384_sign = median_cost(200, || {
        let _ = key.sign_randomized(&base);
    });
    let p384_verify = median_cost(200, || {
        let _ = verifying.verify(&base, &signature);
    });
    let challenge = Challenge::from_bytes(uuid::Uuid::new_v4().to_string().into_bytes())
        .map_err(|e| CliError::input(e.to_string()))?;
    let (mut challenge_sign, mut challenge_verify) = (BTreeMap::new(), BTreeMap::new());
    for chain in registry().chains() {
        let signer = wallet(&chain.default_chain())?;
        let account = signer.account().clone();
        let signature = signer
            .sign_challenge(&challenge)
            .await
            .map_err(CliError::Signer)?;
        let sign = median_async(200, || async {
            let _ = signer.sign_challenge(&challenge).await;
        })
        .await;
        let verify = median_cost(200, || {
            let _ = chain.verify(&account, challenge.bytes(), &signature);
        });
        challenge_sign.insert(chain.namespace(), sign);
        challenge_verify.insert(chain.namespace(), verify);
    }
    Ok(CryptoCosts {
        request_sign: p384_sign,
        request_verify: p384_verify,
        challenge_sign,
        challenge_verify,
    })
}

/// A new random wallet on `chain`.
pub(super) fn wallet(chain: &ChainId) -> Result<Arc<dyn ChallengeSigner>, CliError> {
    Ok(key_loader(chain)?
        .generate(chain)
        .map_err(|e| CliError::input(e.to_string()))?
        .signer)
}

/// Median cost of the future `op` makes, timed over `n` runs after a warm-up.
async fn median_async<F: std::future::Future<Output = ()>>(
    n: usize,
    mut op: impl FnMut() -> F,
) -> Duration {
    for _ in 0..n / 10 + 1 {
        op().await;
    }
    let mut samples = Vec::with_capacity(n);
    for _ in 0..n {
        let start = Instant::now();
        op().await;
        samples.push(start.elapsed());
    }
    median(samples)
}

pub(super) fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}
