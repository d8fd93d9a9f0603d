//! A certificate's validity period, read straight from its DER.
//!
//! The TLS check needs one field of one structure, so a small reader of
//! the path `Certificate → tbsCertificate → validity` (RFC 5280 §4.1)
//! stands in for a full X.509 library and its eight crates.

use jiff::Timestamp;

/// When a certificate starts and stops being valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity {
    pub not_before: Timestamp,
    pub not_after: Timestamp,
}

const SEQUENCE: u8 = 0x30;
const UTC_TIME: u8 = 0x17;
const GENERALIZED_TIME: u8 = 0x18;

/// The validity of a DER-encoded certificate; the error says which part
/// could not be read.
pub fn validity(der: &[u8]) -> Result<Validity, String> {
    let (cert, _) = element(der, SEQUENCE, "certificate")?;
    let (tbs, _) = element(cert, SEQUENCE, "tbsCertificate")?;
    let mut rest = tbs;
    // [0] EXPLICIT version, absent in v1 certificates.
    if rest.first() == Some(&0xA0) {
        rest = any(rest, "version")?.2;
    }
    rest = any(rest, "serialNumber")?.2;
    rest = any(rest, "signature")?.2;
    rest = any(rest, "issuer")?.2;
    let (validity, _) = element(rest, SEQUENCE, "validity")?;
    let (not_before, rest) = time(validity, "notBefore")?;
    let (not_after, _) = time(rest, "notAfter")?;
    Ok(Validity { not_before, not_after })
}

/// One element of any tag: its content and what follows it.
fn any<'a>(der: &'a [u8], what: &str) -> Result<(u8, &'a [u8], &'a [u8]), String> {
    let cut = || format!("the certificate is cut short in {what}");
    let (&tag, after_tag) = der.split_first().ok_or_else(cut)?;
    let (&first, after_len) = after_tag.split_first().ok_or_else(cut)?;
    let (len, body) = if first < 0x80 {
        (usize::from(first), after_len)
    } else {
        let n = usize::from(first & 0x7F);
        if n == 0 || n > 4 || after_len.len() < n {
            return Err(format!("the certificate has a bad length in {what}"));
        }
        let len = after_len[..n].iter().fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (len, &after_len[n..])
    };
    if body.len() < len {
        return Err(cut());
    }
    Ok((tag, &body[..len], &body[len..]))
}

fn element<'a>(der: &'a [u8], tag: u8, what: &str) -> Result<(&'a [u8], &'a [u8]), String> {
    match any(der, what)? {
        (t, content, rest) if t == tag => Ok((content, rest)),
        (t, ..) => Err(format!("the certificate's {what} has tag 0x{t:02x}, expected 0x{tag:02x}")),
    }
}

fn time<'a>(der: &'a [u8], what: &str) -> Result<(Timestamp, &'a [u8]), String> {
    let (tag, content, rest) = any(der, what)?;
    let text = std::str::from_utf8(content).map_err(|_| format!("the certificate's {what} is not text"))?;
    let bad = || format!("the certificate's {what} {text:?} is not a time");
    let digits = text.strip_suffix('Z').filter(|d| d.bytes().all(|b| b.is_ascii_digit())).ok_or_else(bad)?;
    // UTCTime has two-digit years: 50–99 are 19xx, 00–49 are 20xx.
    let full = match (tag, digits.len()) {
        (UTC_TIME, 12) => format!("{}{digits}", if digits < "50" { "20" } else { "19" }),
        (GENERALIZED_TIME, 14) => digits.to_owned(),
        _ => return Err(bad()),
    };
    let n = |r: std::ops::Range<usize>| full[r].parse::<i16>().map_err(|_| bad());
    let dt = jiff::civil::DateTime::new(
        n(0..4)?,
        n(4..6)? as i8,
        n(6..8)? as i8,
        n(8..10)? as i8,
        n(10..12)? as i8,
        n(12..14)? as i8,
        0,
    )
    .map_err(|_| bad())?;
    let ts = dt.to_zoned(jiff::tz::TimeZone::UTC).map_err(|_| bad())?.timestamp();
    Ok((ts, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A DER element of `tag` around `content`.
    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        let n = content.len();
        if n < 0x80 {
            out.push(n as u8);
        } else if n < 0x100 {
            out.extend([0x81, n as u8]);
        } else {
            out.extend([0x82, (n >> 8) as u8, n as u8]);
        }
        out.extend_from_slice(content);
        out
    }

    /// A certificate's outline: what the reader walks, with filler where
    /// it only skips.
    fn cert(version: bool, not_before: (u8, &str), not_after: (u8, &str), issuer_len: usize) -> Vec<u8> {
        let mut tbs = Vec::new();
        if version {
            tbs.extend(tlv(0xA0, &tlv(0x02, &[2])));
        }
        tbs.extend(tlv(0x02, &[0x01, 0x02, 0x03]));
        tbs.extend(tlv(SEQUENCE, &tlv(0x06, &[0x2a, 0x86, 0x48])));
        tbs.extend(tlv(SEQUENCE, &vec![0x41; issuer_len]));
        let mut validity = tlv(not_before.0, not_before.1.as_bytes());
        validity.extend(tlv(not_after.0, not_after.1.as_bytes()));
        tbs.extend(tlv(SEQUENCE, &validity));
        tbs.extend(tlv(SEQUENCE, b"subject and the rest"));
        let mut body = tlv(SEQUENCE, &tbs);
        body.extend(tlv(SEQUENCE, b"sigalg"));
        body.extend(tlv(0x03, b"sig"));
        tlv(SEQUENCE, &body)
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn reads_utc_and_generalized_times() {
        let v = validity(&cert(true, (UTC_TIME, "250101000000Z"), (GENERALIZED_TIME, "20510630235959Z"), 300)).unwrap();
        assert_eq!(v, Validity { not_before: ts("2025-01-01T00:00:00Z"), not_after: ts("2051-06-30T23:59:59Z") });
        let v = validity(&cert(false, (UTC_TIME, "991231120000Z"), (UTC_TIME, "491231120000Z"), 10)).unwrap();
        assert_eq!((v.not_before, v.not_after), (ts("1999-12-31T12:00:00Z"), ts("2049-12-31T12:00:00Z")));
    }

    #[test]
    fn broken_certificates_are_errors_not_panics() {
        let good = cert(true, (UTC_TIME, "250101000000Z"), (UTC_TIME, "260101000000Z"), 200);
        for n in 0..good.len() {
            assert!(validity(&good[..n]).is_err(), "cut at {n}");
        }
        let e = validity(&cert(true, (UTC_TIME, "2501010000Z"), (UTC_TIME, "260101000000Z"), 1)).unwrap_err();
        assert_eq!(e, "the certificate's notBefore \"2501010000Z\" is not a time");
        let e = validity(&cert(true, (UTC_TIME, "250101000000Z"), (UTC_TIME, "261301000000Z"), 1)).unwrap_err();
        assert_eq!(e, "the certificate's notAfter \"261301000000Z\" is not a time");
        assert!(validity(&cert(true, (0x04, "250101000000Z"), (UTC_TIME, "260101000000Z"), 1)).is_err());
        assert_eq!(validity(b"\x04\x00").unwrap_err(), "the certificate's certificate has tag 0x04, expected 0x30");
        assert_eq!(
            validity(&[0x30, 0x85, 1, 1, 1, 1, 1]).unwrap_err(),
            "the certificate has a bad length in certificate"
        );
        for junk in [&b""[..], b"\x30", b"\x30\x80", b"\x30\x02\x30\xff"] {
            assert!(validity(junk).is_err());
        }
    }
}
