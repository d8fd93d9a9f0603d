//! Webhook signatures, so that a receiver can tell our calls from forged ones
//! and from replays.
//!
//! # The scheme
//!
//! A target with a secret gets every call with the header
//!
//! ```text
//! X-Steward-Signature: t=1764000000,v1=ece4ac47663d3ad88bb0892d55cacbb8177c0af8203f4a4e2e1e25c47ec628d5
//! ```
//!
//! (this one for the body `{"a":1}` and the secret `s3cret`), where `t` is
//! the time of sending in seconds since the Unix epoch and `v1`
//! the lowercase hex HMAC-SHA256, keyed with the shared secret (its UTF-8
//! bytes), of the string `"<t>.<body>"`: the decimal timestamp, a full stop,
//! then the raw request body byte for byte (verify before parsing the JSON).
//!
//! To verify: split the header at commas into `key=value` pairs; compute the
//! HMAC over `"<t>." + body` and compare it with each `v1` value in constant
//! time (there may be several while a secret is being rotated); reject the
//! call if none matches, or if `t` is further from your clock than a few
//! minutes, which stops an old call being replayed. [`verify`] does exactly
//! this. In Python:
//!
//! ```text
//! expected = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
//! ok = hmac.compare_digest(expected, v1) and abs(time.time() - int(t)) <= 300
//! ```

use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "X-Steward-Signature";

fn mac(secret: &str, timestamp: u64, body: &[u8]) -> Option<Hmac<Sha256>> {
    // HMAC accepts keys of any length; the error case cannot happen.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).ok()?;
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Some(mac)
}

/// The [`SIGNATURE_HEADER`] value for `body` sent at `timestamp` (Unix
/// seconds): `t=<timestamp>,v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`.
pub fn sign(secret: &str, timestamp: u64, body: &[u8]) -> String {
    let v1 = mac(secret, timestamp, body).map(|m| hex::encode(m.finalize().into_bytes())).unwrap_or_default();
    format!("t={timestamp},v1={v1}")
}

/// Whether `header` is a valid signature of `body` with `secret`, made no
/// more than `tolerance` away from `now` (Unix seconds). Compares in constant
/// time; accepts the header if any of its `v1` values matches.
pub fn verify(secret: &str, header: &str, body: &[u8], now: u64, tolerance: Duration) -> bool {
    let mut timestamp = None;
    let mut candidates = Vec::new();
    for pair in header.split(',') {
        match pair.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<u64>().ok(),
            Some(("v1", v)) => candidates.push(v),
            _ => {}
        }
    }
    let Some(t) = timestamp else { return false };
    if now.abs_diff(t) > tolerance.as_secs() {
        return false;
    }
    candidates.into_iter().filter_map(|v| hex::decode(v).ok()).any(|expected| {
        // `verify_slice` compares in constant time.
        mac(secret, t, body).is_some_and(|m| m.verify_slice(&expected).is_ok())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIVE_MIN: Duration = Duration::from_secs(300);

    #[test]
    fn known_vector() {
        // Checked with: printf '1764000000.{"a":1}' | openssl dgst -sha256 -hmac s3cret
        assert_eq!(
            sign("s3cret", 1_764_000_000, br#"{"a":1}"#),
            "t=1764000000,v1=ece4ac47663d3ad88bb0892d55cacbb8177c0af8203f4a4e2e1e25c47ec628d5"
        );
    }

    #[test]
    fn round_trip_and_tampering() {
        let body = br#"{"event":"incident.created"}"#;
        let header = sign("s3cret", 1000, body);
        assert!(verify("s3cret", &header, body, 1000, FIVE_MIN));
        assert!(verify("s3cret", &header, body, 1299, FIVE_MIN));
        assert!(!verify("s3cret", &header, body, 1301, FIVE_MIN), "too old: a replay");
        assert!(!verify("s3cret", &header, body, 699, FIVE_MIN), "from the future");
        assert!(!verify("other", &header, body, 1000, FIVE_MIN));
        assert!(!verify("s3cret", &header, br#"{"event":"incident.deleted"}"#, 1000, FIVE_MIN));
        let moved = header.replace("t=1000", "t=1001");
        assert!(!verify("s3cret", &moved, body, 1000, FIVE_MIN), "timestamp is signed too");
    }

    #[test]
    fn rotation_and_garbage() {
        let body = b"x";
        let new = sign("new", 5, body);
        let old_v1 = sign("old", 5, body).split_once("v1=").unwrap().1.to_owned();
        let both = format!("{new}, v1={old_v1}");
        assert!(verify("new", &both, body, 5, FIVE_MIN));
        assert!(verify("old", &both, body, 5, FIVE_MIN));
        for bad in ["", "t=5", "v1=00", "t=x,v1=00", "t=5,v1=zz", "garbage"] {
            assert!(!verify("new", bad, body, 5, FIVE_MIN), "{bad}");
        }
    }
}
