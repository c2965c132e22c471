//! The place for a webhook signature check.

use std::fmt;

/// Checks a webhook delivery before it is parsed: its headers and raw body.
///
/// OffBlocks does not document webhook signing, so the default, [`AcceptAll`], checks nothing;
/// implement this trait when a scheme is documented (or to check a shared secret your proxy
/// adds). Return `Err` with a reason (it is logged and answered as 401, never printed to a
/// terminal unsanitized).
pub trait WebhookVerifier: Send + Sync + fmt::Debug {
    /// `Ok(())` to accept the delivery.
    fn verify(&self, headers: &http::HeaderMap, body: &[u8]) -> Result<(), String>;
}

/// The default verifier: accepts every delivery, because OffBlocks does not document webhook
/// signing. Anyone who can reach the receiver can post events to it: keep it on a private
/// address, and treat an event as a hint to re-read the record (as the flows do), not as proof.
#[derive(Debug, Default, Clone, Copy)]
pub struct AcceptAll;

impl WebhookVerifier for AcceptAll {
    fn verify(&self, _headers: &http::HeaderMap, _body: &[u8]) -> Result<(), String> {
        Ok(())
    }
}
