//! What an HTTP, DNS or TLS check's facts mean: the executors gather the
//! facts (a status code and body, the answers, a certificate's expiry) and
//! these rules turn them into an [`Outcome`], so the rules are tested
//! without a network.

use super::definition::{DnsCheck, HttpCheck, RecordType, StatusRange, TlsCheck};
use super::json_path::JsonCondition;
use super::perfdata::{PerfDatum, Uom};
use super::status::{Outcome, Status};
use jiff::Timestamp;
use std::net::IpAddr;

/// What an HTTP check saw.
#[derive(Debug, Clone, Copy)]
pub struct HttpFacts<'a> {
    pub status: u16,
    /// The body, or its first part when it was longer than the cap.
    pub body: &'a [u8],
    pub body_truncated: bool,
    pub elapsed_ms: u64,
}

/// Critical when the status is not expected, the text is missing or the
/// JSON condition fails; a warning when slower than `max_response_ms`.
pub fn http(check: &HttpCheck, facts: HttpFacts<'_>) -> Outcome {
    let perf = vec![
        datum("time", facts.elapsed_ms as f64 / 1000.0, Uom::Seconds),
        datum("size", facts.body.len() as f64, Uom::Bytes),
    ];
    let done = |status, message: String| Outcome {
        status,
        message,
        long_text: String::new(),
        latency_ms: facts.elapsed_ms,
        perfdata: perf.clone(),
    };
    let ranges: &[StatusRange] =
        if check.expected_status.is_empty() { &[StatusRange::DEFAULT] } else { &check.expected_status };
    if !ranges.iter().any(|r| r.contains(facts.status)) {
        let expected = ranges.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
        return done(Status::Critical, format!("HTTP {}, expected {expected}", facts.status));
    }
    let cut =
        if facts.body_truncated { format!(" (in the first {} bytes read)", facts.body.len()) } else { String::new() };
    if let Some(text) = &check.body_contains {
        if !contains(facts.body, text.as_bytes()) {
            return done(
                Status::Critical,
                format!("HTTP {}, but the body does not contain {text:?}{cut}", facts.status),
            );
        }
    }
    if let Some(condition) = &check.json_condition {
        let verdict = match JsonCondition::parse(condition) {
            Err(e) => Err(format!("the JSON condition is not valid: {e}")),
            Ok(_) if facts.body_truncated => {
                Err(format!("the body is longer than {} bytes, too long to read as JSON", facts.body.len()))
            }
            Ok(c) => match serde_json::from_slice::<serde_json::Value>(facts.body) {
                Err(e) => Err(format!("the body is not JSON: {e}")),
                Ok(doc) => c.check(&doc),
            },
        };
        if let Err(why) = verdict {
            return done(Status::Critical, format!("HTTP {}, but {why}", facts.status));
        }
    }
    if let Some(max) = check.max_response_ms {
        if facts.elapsed_ms > u64::from(max) {
            return done(
                Status::Warning,
                format!("HTTP {} in {} ms, slower than {max} ms", facts.status, facts.elapsed_ms),
            );
        }
    }
    done(Status::Ok, format!("HTTP {} in {} ms", facts.status, facts.elapsed_ms))
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}

fn datum(label: &str, value: f64, uom: Uom) -> PerfDatum {
    PerfDatum { label: label.into(), value: Some(value), uom, warn: None, crit: None, min: None, max: None }
}

/// The answers a DNS query got, written as their record type reads:
/// addresses, host names (no trailing dot), `10 mail.example.com` for MX,
/// the joined text for TXT.
pub fn dns(check: &DnsCheck, answers: &[String], elapsed_ms: u64) -> Outcome {
    let kind = check.record_type.as_str();
    let name = &check.name;
    let mut out = Outcome::new(Status::Ok, String::new(), elapsed_ms);
    out.perfdata.push(datum("time", elapsed_ms as f64 / 1000.0, Uom::Seconds));
    let listed = answers.join(", ");
    if answers.is_empty() {
        out.status = Status::Critical;
        out.message = format!("{name} has no {kind} record");
        return out;
    }
    if let Some(expected) = &check.expected {
        if !answers.iter().any(|a| dns_matches(check.record_type, a, expected)) {
            out.status = Status::Critical;
            out.message = format!("{name} {kind} is {listed}; expected {expected}");
            return out;
        }
    }
    out.message = format!("{name} {kind} {listed} in {elapsed_ms} ms");
    out
}

/// Addresses compare as addresses (`::1` is `0::1`), names without case
/// or the final dot, an MX by its host alone or with its preference, and
/// TXT exactly.
fn dns_matches(kind: RecordType, answer: &str, expected: &str) -> bool {
    let expected = expected.trim();
    let name = |s: &str| s.trim_end_matches('.').to_ascii_lowercase();
    match kind {
        RecordType::A | RecordType::Aaaa => match (answer.parse::<IpAddr>(), expected.parse::<IpAddr>()) {
            (Ok(a), Ok(e)) => a == e,
            _ => answer == expected,
        },
        RecordType::Cname => name(answer) == name(expected),
        RecordType::Mx => {
            let host = answer.split_once(' ').map_or(answer, |(_, h)| h);
            name(answer) == name(expected) || name(host) == name(expected)
        }
        RecordType::Txt => answer == expected,
    }
}

/// A certificate's expiry against the check's thresholds, in whole days
/// left.
pub fn tls(check: &TlsCheck, not_after: Timestamp, now: Timestamp, elapsed_ms: u64) -> Outcome {
    let secs = not_after.as_second() - now.as_second();
    let days = secs.div_euclid(86_400);
    let date = not_after.strftime("%Y-%m-%d %H:%M UTC");
    let mut out = Outcome::new(Status::Ok, String::new(), elapsed_ms);
    out.perfdata.push(PerfDatum {
        warn: Some(check.warn_days.to_string()),
        crit: Some(check.critical_days.to_string()),
        ..datum("days", days as f64, Uom::None)
    });
    if secs <= 0 {
        out.status = Status::Critical;
        out.message = format!("the certificate of {} expired on {date}", check.host);
        return out;
    }
    out.status = if days < i64::from(check.critical_days) {
        Status::Critical
    } else if days < i64::from(check.warn_days) {
        Status::Warning
    } else {
        Status::Ok
    };
    let plural = if days == 1 { "" } else { "s" };
    out.message = format!("the certificate of {} expires on {date}, in {days} day{plural}", check.host);
    out
}

#[cfg(test)]
#[path = "verdict_tests.rs"]
mod tests;
