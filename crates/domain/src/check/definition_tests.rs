use super::*;
use serde_json::json;

fn def(kind: serde_json::Value) -> CheckDef {
    let mut v = json!({"interval_secs": 60, "timeout_ms": 5000, "retries": 2});
    for (k, x) in kind.as_object().unwrap() {
        v[k] = x.clone();
    }
    serde_json::from_value(v).unwrap()
}

/// `(field, code, text)` of each problem.
fn problems(d: &CheckDef) -> Vec<(String, Code, String)> {
    d.validate().err().unwrap_or_default().into_iter().map(|p| (p.field, p.reason.code, p.reason.text)).collect()
}

fn fields(d: &CheckDef) -> Vec<String> {
    problems(d).into_iter().map(|p| p.0).collect()
}

#[test]
fn good_definitions_of_every_kind_pass_and_round_trip() {
    let defs = [
        json!({"kind": "http", "url": "https://app.example.com/health", "method": "HEAD", "expected_status": ["200-299", "301"],
               "body_contains": "ok", "json_condition": "$.status == \"up\"", "max_response_ms": 800}),
        json!({"kind": "tcp", "host": "db1.internal", "port": 5432}),
        json!({"kind": "dns", "name": "_dmarc.example.com.", "record_type": "TXT", "expected": "v=DMARC1; p=none", "server": "[::1]:5353"}),
        json!({"kind": "tls", "host": "10.0.0.7", "port": 8443, "warn_days": 21, "critical_days": 7}),
        json!({"kind": "ping", "host": "fe80::1"}),
        json!({"kind": "plugin", "file": "check_disk", "args": ["-w", "10%", "-c", "5%", "-p", "/"]}),
    ];
    for kind in defs {
        let d = def(kind.clone());
        assert_eq!(problems(&d), [], "{kind}");
        let back: CheckDef = serde_json::from_value(serde_json::to_value(&d).unwrap()).unwrap();
        assert_eq!(back, d);
    }
    let tls = def(json!({"kind": "tls", "host": "a.example"}));
    assert_eq!(
        tls.kind,
        CheckKind::Tls(TlsCheck { host: "a.example".into(), port: 443, warn_days: 30, critical_days: 14 })
    );
    let http = def(json!({"kind": "http", "url": "http://x"}));
    let CheckKind::Http(h) = &http.kind else { panic!() };
    assert_eq!((h.method, h.expected_status.len()), (HttpMethod::Get, 0));
    assert_eq!(serde_json::to_value(&http).unwrap()["kind"], "http");
}

#[test]
fn interval_timeout_and_retries_have_limits() {
    let mut d = def(json!({"kind": "ping", "host": "h"}));
    d.interval_secs = 9;
    d.timeout_ms = 99;
    d.retries = 11;
    assert_eq!(
        problems(&d),
        [
            ("interval_secs".into(), Code::Between, "must be between 10 and 86400".into()),
            ("timeout_ms".into(), Code::Between, "must be between 100 and 86399999".into()),
            ("retries".into(), Code::Between, "must be between 0 and 10".into()),
        ]
    );
    d.interval_secs = 86_401;
    assert_eq!(fields(&d)[0], "interval_secs");
    d.interval_secs = 10;
    d.timeout_ms = 10_000;
    d.retries = 10;
    assert_eq!(
        problems(&d),
        [("timeout_ms".into(), Code::TimeoutBelowInterval, "must be shorter than the interval (10 s)".into())]
    );
    d.timeout_ms = 9_999;
    d.interval_secs = 86_400;
    assert_eq!(problems(&d), []);
}

#[test]
fn http_settings_are_checked() {
    let bad = def(
        json!({"kind": "http", "url": "ftp://x", "body_contains": "", "json_condition": "status == 1", "max_response_ms": 6000}),
    );
    assert_eq!(
        problems(&bad),
        [
            ("url".into(), Code::NotUrl, "must be an http:// or https:// address with a host".into()),
            ("body_contains".into(), Code::Required, "is required".into()),
            ("json_condition".into(), Code::JsonCondition, "must start with $, such as $.status == \"up\"".into()),
            ("max_response_ms".into(), Code::Between, "must be between 1 and 5000".into()),
        ]
    );
    for u in ["", "http://", "https:///path", "http://:80/", "http://a b", "https://x\n"] {
        let d = def(json!({"kind": "http", "url": u}));
        assert_eq!(fields(&d), ["url"], "{u:?}");
    }
    let mut d = def(json!({"kind": "http", "url": "HTTP://user@Host:8080/p?q#f"}));
    assert_eq!(problems(&d), []);
    if let CheckKind::Http(h) = &mut d.kind {
        h.expected_status = vec![StatusRange { from: 300, to: 200 }];
    }
    assert_eq!(
        problems(&d),
        [(
            "expected_status[0]".into(),
            Code::HttpStatusRange,
            "\"300-200\" is not an HTTP status or range such as 200-299 (100 to 599)".into()
        )]
    );
}

#[test]
fn status_ranges_read_and_refuse() {
    assert_eq!(
        StatusRange::parse_list("200-299, 301 ,").unwrap(),
        [StatusRange { from: 200, to: 299 }, StatusRange { from: 301, to: 301 }]
    );
    assert_eq!(StatusRange::parse(" 204 ").unwrap().to_string(), "204");
    for bad in ["", "abc", "99", "600", "200-", "-200", "299-200", "2OO"] {
        assert_eq!(StatusRange::parse(bad).unwrap_err().code, Code::HttpStatusRange, "{bad}");
    }
    assert!(StatusRange::DEFAULT.contains(302) && !StatusRange::DEFAULT.contains(404));
    let e = serde_json::from_value::<CheckDef>(
        json!({"kind": "http", "url": "http://x", "expected_status": ["700"], "interval_secs": 60, "timeout_ms": 100}),
    );
    assert!(e.unwrap_err().to_string().contains("\"700\" is not an HTTP status"));
}

#[test]
fn hosts_ports_names_and_servers() {
    for h in ["", "a b", "-lead.example", "x..y", "host/1", "é.example", &"a".repeat(64)] {
        assert_eq!(fields(&def(json!({"kind": "tcp", "host": h, "port": 1}))), ["host"], "{h:?}");
    }
    assert_eq!(
        problems(&def(json!({"kind": "tcp", "host": "a b", "port": 1})))[0].2,
        "\"a b\" is not a host name or an IP address"
    );
    assert_eq!(
        problems(&def(json!({"kind": "tcp", "host": "h", "port": 0}))),
        [("port".into(), Code::Between, "must be between 1 and 65535".into())]
    );
    for h in ["localhost", "db_1.corp", "192.168.0.1", "::1", "a-b.c."] {
        assert_eq!(fields(&def(json!({"kind": "ping", "host": h}))), Vec::<String>::new(), "{h}");
    }
    let d = def(
        json!({"kind": "dns", "name": "exa mple.com", "record_type": "A", "server": "dns.example", "expected": ""}),
    );
    assert_eq!(
        problems(&d),
        [
            ("name".into(), Code::NotHost, "\"exa mple.com\" is not a DNS name".into()),
            ("expected".into(), Code::Required, "is required".into()),
            (
                "server".into(),
                Code::NotIpAddress,
                "\"dns.example\" is not an IP address, with or without a port (10.0.0.53, 10.0.0.53:5353, [::1]:53)"
                    .into()
            ),
        ]
    );
    assert_eq!(dns_server("10.0.0.53"), Some("10.0.0.53:53".parse().unwrap()));
    assert_eq!(dns_server("10.0.0.53:5353"), Some("10.0.0.53:5353".parse().unwrap()));
    assert_eq!(dns_server("10.0.0.53:0"), None);
}

#[test]
fn tls_days() {
    let d = def(json!({"kind": "tls", "host": "h", "warn_days": 7, "critical_days": 14}));
    assert_eq!(
        problems(&d),
        [("critical_days".into(), Code::TlsDaysOrder, "must not be more than warn_days (7)".into())]
    );
    let d = def(json!({"kind": "tls", "host": "h", "warn_days": 4000, "critical_days": 0}));
    assert_eq!(fields(&d), ["warn_days"]);
}

#[test]
fn plugin_files_are_names_in_the_folder_and_args_lines() {
    for f in ["", ".", "..", "../check_x", "sub/check_x", "/usr/bin/id", "..\\x", "a\u{0}b", "a\u{202E}b"] {
        assert_eq!(fields(&def(json!({"kind": "plugin", "file": f}))), ["file"], "{f:?}");
    }
    assert_eq!(problems(&def(json!({"kind": "plugin", "file": "../x"})))[0].1, Code::PluginFileName);
    assert_eq!(
        fields(&def(json!({"kind": "plugin", "file": "..check", "args": ["a;b", "$(id)", "", "x\ny"]}))),
        ["args[3]"]
    );
    let many: Vec<String> = (0..65).map(|i| i.to_string()).collect();
    assert_eq!(
        problems(&def(json!({"kind": "plugin", "file": "c", "args": many})))[0],
        ("args".into(), Code::TooMany, "at most 64 arguments".into())
    );
}
