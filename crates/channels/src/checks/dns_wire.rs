//! The DNS wire format (RFC 1035), just what a check needs: one question
//! out, the answers of its type back. Written here rather than taking a
//! resolver crate: a check asks one server one question and must see its
//! answer as it is (no cache, no search list, no fallback to other
//! servers), which is a few hundred lines, against a resolver's dozen
//! crates.

use steward_domain::check::RecordType;

pub fn type_code(t: RecordType) -> u16 {
    match t {
        RecordType::A => 1,
        RecordType::Cname => 5,
        RecordType::Mx => 15,
        RecordType::Txt => 16,
        RecordType::Aaaa => 28,
    }
}

/// A standard query with recursion desired.
pub fn query(id: u16, name: &str, t: RecordType) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(32 + name.len());
    out.extend(id.to_be_bytes());
    out.extend([0x01, 0x00]); // RD
    out.extend([0, 1, 0, 0, 0, 0, 0, 0]); // one question
    for label in name.trim_end_matches('.').split('.') {
        if label.is_empty() || label.len() > 63 {
            return Err(format!("{name:?} is not a DNS name"));
        }
        out.push(label.len() as u8);
        out.extend(label.as_bytes());
    }
    out.push(0);
    out.extend(type_code(t).to_be_bytes());
    out.extend(1u16.to_be_bytes()); // IN
    Ok(out)
}

/// A response, as far as the check cares.
#[derive(Debug, PartialEq, Eq)]
pub struct Response {
    pub id: u16,
    pub truncated: bool,
    pub rcode: u8,
    /// Answers of the asked type, written as `verdict::dns` expects.
    pub answers: Vec<String>,
}

pub fn rcode_name(rcode: u8) -> &'static str {
    match rcode {
        1 => "FORMERR",
        2 => "SERVFAIL",
        3 => "NXDOMAIN",
        4 => "NOTIMP",
        5 => "REFUSED",
        _ => "an error",
    }
}

pub fn parse(msg: &[u8], t: RecordType) -> Result<Response, String> {
    let short = || "the answer is cut short".to_owned();
    let u16_at = |i: usize| msg.get(i..i + 2).map(|b| u16::from_be_bytes([b[0], b[1]])).ok_or_else(short);
    let id = u16_at(0)?;
    let flags = u16_at(2)?;
    if flags & 0x8000 == 0 {
        return Err("the server sent a query, not an answer".into());
    }
    let (qd, an) = (u16_at(4)?, u16_at(6)?);
    let mut at = 12;
    for _ in 0..qd {
        at = skip_name(msg, at)? + 4;
    }
    let mut answers = Vec::new();
    for _ in 0..an {
        at = skip_name(msg, at)?;
        let rtype = u16_at(at)?;
        let len = usize::from(u16_at(at + 8)?);
        let start = at + 10;
        let data = msg.get(start..start + len).ok_or_else(short)?;
        if rtype == type_code(t) {
            answers.push(rdata(msg, start, data, t)?);
        }
        at = start + len;
    }
    Ok(Response { id, truncated: flags & 0x0200 != 0, rcode: (flags & 0x000F) as u8, answers })
}

fn rdata(msg: &[u8], start: usize, data: &[u8], t: RecordType) -> Result<String, String> {
    let bad = || format!("a {} record is malformed", t.as_str());
    Ok(match t {
        RecordType::A => {
            let b: [u8; 4] = data.try_into().map_err(|_| bad())?;
            std::net::Ipv4Addr::from(b).to_string()
        }
        RecordType::Aaaa => {
            let b: [u8; 16] = data.try_into().map_err(|_| bad())?;
            std::net::Ipv6Addr::from(b).to_string()
        }
        RecordType::Cname => read_name(msg, start)?,
        RecordType::Mx => {
            let pref = data.get(..2).map(|b| u16::from_be_bytes([b[0], b[1]])).ok_or_else(bad)?;
            format!("{pref} {}", read_name(msg, start + 2)?)
        }
        RecordType::Txt => {
            // Character strings, joined as SPF and DKIM read them.
            let mut text = Vec::new();
            let mut i = 0;
            while i < data.len() {
                let n = usize::from(data[i]);
                text.extend(data.get(i + 1..i + 1 + n).ok_or_else(bad)?);
                i += 1 + n;
            }
            String::from_utf8_lossy(&text).into_owned()
        }
    })
}

/// The offset after the name at `at` (a pointer ends it).
fn skip_name(msg: &[u8], mut at: usize) -> Result<usize, String> {
    loop {
        let len = *msg.get(at).ok_or("the answer is cut short")?;
        match len {
            0 => return Ok(at + 1),
            l if l & 0xC0 == 0xC0 => return Ok(at + 2),
            l if l & 0xC0 != 0 => return Err("the answer has a bad name".into()),
            l => at += 1 + usize::from(l),
        }
    }
}

/// The name at `at`, following compression pointers (a bounded number, so
/// a loop of pointers is an error, not a hang).
fn read_name(msg: &[u8], mut at: usize) -> Result<String, String> {
    let mut labels: Vec<String> = Vec::new();
    for _ in 0..128 {
        let len = *msg.get(at).ok_or("the answer is cut short")?;
        match len {
            0 => return Ok(labels.join(".")),
            l if l & 0xC0 == 0xC0 => {
                let low = *msg.get(at + 1).ok_or("the answer is cut short")?;
                at = (usize::from(l & 0x3F) << 8) | usize::from(low);
            }
            l if l & 0xC0 != 0 => return Err("the answer has a bad name".into()),
            l => {
                let label = msg.get(at + 1..at + 1 + usize::from(l)).ok_or("the answer is cut short")?;
                labels.push(String::from_utf8_lossy(label).into_owned());
                at += 1 + usize::from(l);
            }
        }
    }
    Err("the answer has a loop of names".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_is_laid_out_as_rfc_1035_says() {
        let q = query(0xBEEF, "www.example.com.", RecordType::Aaaa).unwrap();
        let mut want = vec![0xBE, 0xEF, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3];
        want.extend(b"www\x07example\x03com\x00\x00\x1c\x00\x01");
        assert_eq!(q, want);
        assert!(query(1, "a..b", RecordType::A).is_err());
    }

    #[test]
    fn answers_with_compression_and_other_types_mixed_in() {
        let mut m = query(7, "example.com", RecordType::Mx).unwrap();
        m[2] = 0x81;
        m[3] = 0x80; // QR RD RA, NOERROR
        m[7] = 2; // two answers
        // A CNAME (type 5) first, then an MX whose host points back at the question's name.
        m.extend([0xC0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 2, 0xC0, 12]);
        m.extend([0xC0, 12, 0, 15, 0, 1, 0, 0, 0, 60, 0, 9, 0, 10, 4]);
        m.extend(b"mail");
        m.extend([0xC0, 12]);
        let r = parse(&m, RecordType::Mx).unwrap();
        assert_eq!(r, Response { id: 7, truncated: false, rcode: 0, answers: vec!["10 mail.example.com".into()] });
        let r = parse(&m, RecordType::Cname).unwrap();
        assert_eq!(r.answers, ["example.com"]);
    }

    #[test]
    fn broken_answers_are_errors() {
        let mut m = query(7, "a.b", RecordType::Cname).unwrap();
        m[2] = 0x80;
        m[7] = 1;
        // A CNAME whose name points at itself.
        let at = m.len() as u8;
        m.extend([0xC0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 2, 0xC0, at + 12]);
        assert_eq!(parse(&m, RecordType::Cname).unwrap_err(), "the answer has a loop of names");
        for n in 0..m.len() - 2 {
            assert!(parse(&m[..n], RecordType::Cname).is_err(), "cut at {n}");
        }
        let q = query(7, "a.b", RecordType::A).unwrap();
        assert_eq!(parse(&q, RecordType::A).unwrap_err(), "the server sent a query, not an answer");
    }
}
