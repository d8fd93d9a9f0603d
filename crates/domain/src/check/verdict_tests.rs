use super::*;
use crate::check::definition::HttpMethod;

fn http_check() -> HttpCheck {
    HttpCheck {
        url: "http://x".into(),
        method: HttpMethod::Get,
        expected_status: Vec::new(),
        body_contains: None,
        json_condition: None,
        max_response_ms: None,
    }
}

fn facts(status: u16, body: &[u8]) -> HttpFacts<'_> {
    HttpFacts { status, body, body_truncated: false, elapsed_ms: 12 }
}

#[test]
fn http_status_codes() {
    let c = http_check();
    let o = http(&c, facts(200, b"hi"));
    assert_eq!((o.status, o.message.as_str(), o.latency_ms), (Status::Ok, "HTTP 200 in 12 ms", 12));
    assert_eq!(
        o.perfdata.iter().map(|p| (p.label.as_str(), p.value)).collect::<Vec<_>>(),
        [("time", Some(0.012)), ("size", Some(2.0))]
    );
    assert_eq!(http(&c, facts(302, b"")).status, Status::Ok);
    let o = http(&c, facts(503, b""));
    assert_eq!((o.status, o.message.as_str()), (Status::Critical, "HTTP 503, expected 200-399"));
    let c = HttpCheck { expected_status: StatusRange::parse_list("401, 200-204").unwrap(), ..http_check() };
    assert_eq!(http(&c, facts(401, b"")).status, Status::Ok);
    assert_eq!(http(&c, facts(302, b"")).message, "HTTP 302, expected 401, 200-204");
}

#[test]
fn http_body_text_and_json() {
    let c = HttpCheck { body_contains: Some("all good".into()), ..http_check() };
    assert_eq!(http(&c, facts(200, b"<p>all good</p>")).status, Status::Ok);
    let o = http(&c, facts(200, b"<p>degraded</p>"));
    assert_eq!(
        (o.status, o.message.as_str()),
        (Status::Critical, "HTTP 200, but the body does not contain \"all good\"")
    );
    let o = http(&c, HttpFacts { body_truncated: true, ..facts(200, b"abc") });
    assert_eq!(o.message, "HTTP 200, but the body does not contain \"all good\" (in the first 3 bytes read)");

    let c = HttpCheck { json_condition: Some("$.db.ok == true".into()), ..http_check() };
    assert_eq!(http(&c, facts(200, br#"{"db": {"ok": true}}"#)).status, Status::Ok);
    assert_eq!(
        http(&c, facts(200, br#"{"db": {"ok": false}}"#)).message,
        "HTTP 200, but $.db.ok is false, expected == true"
    );
    assert!(http(&c, facts(200, b"<html>")).message.starts_with("HTTP 200, but the body is not JSON: "));
    let o = http(&c, HttpFacts { body_truncated: true, ..facts(200, b"{") });
    assert_eq!(o.message, "HTTP 200, but the body is longer than 1 bytes, too long to read as JSON");
    let c = HttpCheck { json_condition: Some("nonsense".into()), ..http_check() };
    assert_eq!(http(&c, facts(200, b"{}")).status, Status::Critical);
}

#[test]
fn http_slow_answers_warn() {
    let c = HttpCheck { max_response_ms: Some(10), ..http_check() };
    let o = http(&c, facts(200, b""));
    assert_eq!((o.status, o.message.as_str()), (Status::Warning, "HTTP 200 in 12 ms, slower than 10 ms"));
    let c = HttpCheck { max_response_ms: Some(12), ..http_check() };
    assert_eq!(http(&c, facts(200, b"")).status, Status::Ok);
}

fn dns_check(kind: RecordType, expected: Option<&str>) -> DnsCheck {
    DnsCheck { name: "example.com".into(), record_type: kind, expected: expected.map(Into::into), server: None }
}

#[test]
fn dns_answers() {
    let a = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let o = dns(&dns_check(RecordType::A, None), &a(&["192.0.2.1", "192.0.2.2"]), 3);
    assert_eq!((o.status, o.message.as_str()), (Status::Ok, "example.com A 192.0.2.1, 192.0.2.2 in 3 ms"));
    let o = dns(&dns_check(RecordType::Aaaa, None), &[], 3);
    assert_eq!((o.status, o.message.as_str()), (Status::Critical, "example.com has no AAAA record"));
    assert_eq!(dns(&dns_check(RecordType::Aaaa, Some("2001:db8:0::1")), &a(&["2001:db8::1"]), 1).status, Status::Ok);
    let o = dns(&dns_check(RecordType::A, Some("192.0.2.9")), &a(&["192.0.2.1"]), 1);
    assert_eq!((o.status, o.message.as_str()), (Status::Critical, "example.com A is 192.0.2.1; expected 192.0.2.9"));
    assert_eq!(
        dns(&dns_check(RecordType::Cname, Some("Web.Example.NET.")), &a(&["web.example.net"]), 1).status,
        Status::Ok
    );
    assert_eq!(
        dns(&dns_check(RecordType::Mx, Some("mx1.example.com")), &a(&["10 mx1.example.com"]), 1).status,
        Status::Ok
    );
    assert_eq!(
        dns(&dns_check(RecordType::Mx, Some("10 mx1.example.com")), &a(&["10 mx1.example.com"]), 1).status,
        Status::Ok
    );
    assert_eq!(
        dns(&dns_check(RecordType::Mx, Some("20 mx1.example.com")), &a(&["10 mx1.example.com"]), 1).status,
        Status::Critical
    );
    assert_eq!(dns(&dns_check(RecordType::Txt, Some("v=spf1 -all")), &a(&["v=spf1 -all"]), 1).status, Status::Ok);
    assert_eq!(dns(&dns_check(RecordType::Txt, Some("V=SPF1 -all")), &a(&["v=spf1 -all"]), 1).status, Status::Critical);
}

#[test]
fn tls_days_left() {
    let c = TlsCheck { host: "h".into(), port: 443, warn_days: 30, critical_days: 14 };
    let now: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    let at = |s: &str| s.parse::<Timestamp>().unwrap();
    let o = tls(&c, at("2026-03-01T12:00:00Z"), now, 5);
    assert_eq!(
        (o.status, o.message.as_str()),
        (Status::Ok, "the certificate of h expires on 2026-03-01 12:00 UTC, in 59 days")
    );
    assert_eq!(o.perfdata[0].value, Some(59.0));
    assert_eq!(tls(&c, at("2026-01-31T00:00:00Z"), now, 5).status, Status::Ok);
    assert_eq!(tls(&c, at("2026-01-30T23:59:59Z"), now, 5).status, Status::Warning);
    assert_eq!(tls(&c, at("2026-01-15T00:00:00Z"), now, 5).status, Status::Warning);
    assert_eq!(tls(&c, at("2026-01-14T23:00:00Z"), now, 5).status, Status::Critical);
    let o = tls(&c, at("2026-01-02T00:00:00Z"), now, 5);
    assert_eq!(o.message, "the certificate of h expires on 2026-01-02 00:00 UTC, in 1 day");
    let o = tls(&c, at("2025-12-31T00:00:00Z"), now, 5);
    assert_eq!(
        (o.status, o.message.as_str()),
        (Status::Critical, "the certificate of h expired on 2025-12-31 00:00 UTC")
    );
    assert_eq!(o.perfdata[0].value, Some(-1.0));
}
