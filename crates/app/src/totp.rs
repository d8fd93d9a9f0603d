//! Time-based one-time passwords (RFC 6238, over HOTP, RFC 4226) as every
//! authenticator app computes them: HMAC-SHA1, 30-second steps, 6 digits.
//! The secret travels as RFC 4648 base32 in an `otpauth://` URI (the
//! de-facto format of Google Authenticator, which all apps read).

use hmac::{Hmac, Mac};

/// Seconds per step.
pub const STEP_SECS: i64 = 30;
/// Digits of a code.
pub const DIGITS: u32 = 6;
/// Steps either side of now that are accepted: a phone's clock a little
/// off, or a code typed just as it turned.
pub const WINDOW: i64 = 1;
/// Bytes of a new secret (160 bits, RFC 4226's recommendation).
pub const SECRET_BYTES: usize = 20;

/// The HOTP value of `secret` at `counter`, with `digits` digits.
pub fn hotp(secret: &[u8], counter: u64, digits: u32) -> u32 {
    // HMAC takes a key of any length: this cannot fail.
    let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(secret) else { return 0 };
    mac.update(&counter.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let offset = usize::from(h[19] & 0x0f);
    let bin = (u32::from(h[offset]) & 0x7f) << 24
        | u32::from(h[offset + 1]) << 16
        | u32::from(h[offset + 2]) << 8
        | u32::from(h[offset + 3]);
    bin % 10u32.pow(digits)
}

/// The step a moment (seconds since the epoch) falls in.
pub fn step_of(unix_secs: i64) -> i64 {
    unix_secs.div_euclid(STEP_SECS)
}

/// The code of `secret` for `step`, as the app shows it.
pub fn code(secret: &[u8], step: i64) -> String {
    let value = hotp(secret, u64::try_from(step).unwrap_or(0), DIGITS);
    format!("{value:0width$}", width = DIGITS as usize)
}

/// The step whose code `typed` is, within [`WINDOW`] of `now` and after
/// `used` (the newest step already used: no code works twice); none if it
/// is no such code. Spaces and dashes in `typed` are ignored.
pub fn check(secret: &[u8], typed: &str, unix_secs: i64, used: i64) -> Option<i64> {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    if digits.len() != DIGITS as usize || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_of(unix_secs);
    (now - WINDOW..=now + WINDOW)
        .filter(|s| *s > used)
        .find(|s| constant_eq(code(secret, *s).as_bytes(), digits.as_bytes()))
}

/// Compares without stopping at the first difference.
fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding, as `otpauth://` URIs carry secrets.
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(BASE32[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(BASE32[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// The bytes of base32 text (any case; spaces and padding ignored); none
/// if a character is not base32.
pub fn from_base32(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=') {
        let v = BASE32.iter().position(|&x| x == c.to_ascii_uppercase())?;
        buffer = (buffer << 5) | v as u32;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Some(out)
}

/// The secret in groups of four, easier to type into an app by hand.
pub fn grouped(secret_b32: &str) -> String {
    let chars: Vec<char> = secret_b32.chars().collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
}

/// The `otpauth://totp/…` URI an authenticator app reads from the QR code.
pub fn uri(issuer: &str, account: &str, secret_b32: &str) -> String {
    let (i, a) = (percent(issuer), percent(account));
    format!("otpauth://totp/{i}:{a}?secret={secret_b32}&issuer={i}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}")
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238, appendix B (SHA-1; 8 digits there, the last 6 here too).
    #[test]
    fn rfc_6238_vectors() {
        let secret = b"12345678901234567890";
        for (t, want) in [
            (59, 94287082),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
            (20000000000, 65353130),
        ] {
            assert_eq!(hotp(secret, u64::try_from(step_of(t)).unwrap(), 8), want, "T={t}");
            assert_eq!(code(secret, step_of(t)), format!("{:06}", want % 1_000_000), "T={t}");
        }
    }

    /// RFC 4226, appendix D.
    #[test]
    fn rfc_4226_vectors() {
        let want = [755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489];
        for (counter, w) in want.into_iter().enumerate() {
            assert_eq!(hotp(b"12345678901234567890", counter as u64, 6), w);
        }
    }

    #[test]
    fn a_code_works_in_its_window_once() {
        let secret = b"12345678901234567890";
        let now = 1_700_000_000;
        let step = step_of(now);
        assert_eq!(check(secret, &code(secret, step), now, 0), Some(step));
        assert_eq!(check(secret, &code(secret, step - 1), now, 0), Some(step - 1), "a step late");
        assert_eq!(check(secret, &code(secret, step + 1), now, 0), Some(step + 1), "a step early");
        assert_eq!(check(secret, &code(secret, step - 2), now, 0), None, "too old");
        assert_eq!(check(secret, &code(secret, step), now, step), None, "used already");
        assert_eq!(check(secret, &code(secret, step - 1), now, step), None, "older than one used");
        let spaced = code(secret, step);
        assert_eq!(check(secret, &format!("{} {}", &spaced[..3], &spaced[3..]), now, 0), Some(step));
        for bad in ["", "12345", "1234567", "abcdef", "12 34 5x"] {
            assert_eq!(check(secret, bad, now, 0), None, "{bad:?}");
        }
    }

    #[test]
    fn base32_round_trips() {
        // RFC 4648 section 10.
        for (raw, enc) in [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ] {
            assert_eq!(base32(raw.as_bytes()), enc);
            assert_eq!(from_base32(enc).unwrap(), raw.as_bytes());
            assert_eq!(from_base32(&enc.to_lowercase()).unwrap(), raw.as_bytes());
        }
        assert_eq!(from_base32("MZXW 6YTB OI======").unwrap(), b"foobar");
        assert_eq!(from_base32("MZ1W"), None, "1 is not base32");
        assert_eq!(grouped("ABCDEFGHIJ"), "ABCD EFGH IJ");
    }

    #[test]
    fn the_uri_names_issuer_and_account() {
        assert_eq!(
            uri("Steward Desk", "anna@x", "MZXW6"),
            "otpauth://totp/Steward%20Desk:anna%40x?secret=MZXW6&issuer=Steward%20Desk&algorithm=SHA1&digits=6&period=30"
        );
    }
}
