//! Steward's channels to the outside world for notifications:
//!
//! - [`email`]: building notification emails (threaded per record, marked as
//!   automatic), their English and Polish templates, and sending over SMTP;
//! - [`webhook`]: signed JSON, Slack and Microsoft Teams webhooks;
//! - [`inbound`]: parsing a received email into plain data (sender, the new
//!   part of a reply, attachments, threading ids, loop signals);
//! - [`inventory`]: parsing a machine inventory posted by a FusionInventory or
//!   GLPI agent into plain data for the CMDB, a CI draft made from it, and
//!   the agent protocol's replies;
//! - [`checks`]: Steward's own checks (HTTP, TCP, DNS, TLS expiry, ping,
//!   Nagios plugins), each run once into an outcome;
//! - [`cmdb_files`]: the CMDB's CSV import (with a column mapping) and its
//!   CSV and JSON export;
//! - [`sheets`]: tables out as CSV and XLSX (record exports).
//!
//! Plain data in, plain data out: this crate knows no SQL, no use cases and no
//! records beyond their numbers. The app layer decides who is notified and
//! when, stores what it needs, and retries a delivery whose error says it is
//! [`transient`](DeliveryError::transient).
//!
//! TLS (SMTP and HTTPS) runs on rustls with the ring provider, which the
//! binary installs at start.

pub mod checks;
pub mod cmdb_files;
pub mod email;
pub mod imap;
pub mod inbound;
pub mod inventory;
pub mod ldap;
pub mod sheets;
pub mod webhook;

/// Installs rustls' ring crypto provider for this process unless one is
/// installed already: the binary does it at start, but library users and
/// tests that deliver webhooks need it too, and reqwest panics without one.
pub fn ensure_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing a race to another installer is fine: one is installed.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

/// Why a delivery (an email or a webhook call) failed, and whether trying
/// again later may help.
///
/// Transient: the relay or endpoint could not be reached, timed out, or
/// answered "not now" (SMTP 4xx; HTTP 408, 429, 5xx). Permanent: it answered
/// "never" (SMTP 5xx such as 550 mailbox unavailable; other HTTP 4xx), or the
/// message or target itself is unusable. Retrying a permanent failure only
/// repeats it, so the outbox should give up and show the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct DeliveryError {
    pub transient: bool,
    pub reason: String,
}

impl DeliveryError {
    pub fn transient(reason: impl Into<String>) -> Self {
        Self { transient: true, reason: reason.into() }
    }

    pub fn permanent(reason: impl Into<String>) -> Self {
        Self { transient: false, reason: reason.into() }
    }
}

/// `n` random bytes as lowercase hex, for message and delivery ids.
///
/// Uniqueness, not secrecy, is what matters here, so if the system's random
/// source fails (it does not on Linux) the clock and a counter stand in rather
/// than failing a notification.
pub(crate) fn random_hex(n: usize) -> String {
    let mut buf = vec![0u8; n];
    if getrandom::fill(&mut buf).is_err() {
        use std::sync::atomic::{AtomicU64, Ordering};
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or_default();
        let mixed = nanos ^ COUNTER.fetch_add(1, Ordering::Relaxed).rotate_left(40) ^ u64::from(std::process::id());
        for (i, b) in buf.iter_mut().enumerate() {
            *b = (mixed >> ((i % 8) * 8)) as u8 ^ (i as u8).wrapping_mul(31);
        }
    }
    hex::encode(buf)
}
