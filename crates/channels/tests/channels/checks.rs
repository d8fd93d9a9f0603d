//! The check executors against real targets on 127.0.0.1: an axum server,
//! TCP listeners, a server that accepts and never answers, a DNS responder
//! (UDP and TCP) written here, a TLS server with certificates made here,
//! the kernel's ICMP echo, and Debian's Nagios plugins with scripts that
//! hang, stay silent or flood.

use serde_json::json;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use steward_channels::checks::{Limits, Runner};
use steward_domain::check::{CheckDef, Outcome, Status};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, UdpSocket};

const PLUGINS: &str = "/usr/lib/nagios/plugins";

fn runner(limits: Limits) -> Runner {
    steward_channels::ensure_crypto_provider();
    Runner::new(limits).unwrap()
}

fn def(kind: serde_json::Value, timeout_ms: u32) -> CheckDef {
    let mut v = json!({"interval_secs": 60, "timeout_ms": timeout_ms});
    for (k, x) in kind.as_object().unwrap() {
        v[k] = x.clone();
    }
    let d: CheckDef = serde_json::from_value(v).unwrap();
    d.validate().unwrap();
    d
}

async fn run(r: &Runner, kind: serde_json::Value, timeout_ms: u32) -> Outcome {
    r.run(&def(kind, timeout_ms)).await
}

/// A port nothing listens on (bound, then released).
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Accepts connections and never says a word.
async fn silent_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = listener.accept().await {
            held.push(s);
        }
    });
    addr
}

// --- HTTP -------------------------------------------------------------------

async fn http_server() -> String {
    use axum::{Router, http::StatusCode, routing::get};
    let app = Router::new()
        .route("/ok", get(|| async { "<p>all good</p>" }))
        .route("/json", get(|| async { axum::Json(json!({"db": {"ok": true}, "queue": [{"depth": 7}]})) }))
        .route("/fail", get(|| async { (StatusCode::SERVICE_UNAVAILABLE, "down") }))
        .route("/moved", get(|| async { (StatusCode::FOUND, [("location", "/ok")]) }))
        .route("/big", get(|| async { "x".repeat(3 * 1024 * 1024) }))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                "late"
            }),
        );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

#[tokio::test]
async fn http_checks_status_body_json_and_time() {
    let base = http_server().await;
    let r = runner(Limits::default());
    let o = run(
        &r,
        json!({"kind": "http", "url": format!("{base}/ok"), "body_contains": "all good", "max_response_ms": 2000}),
        3000,
    )
    .await;
    assert_eq!(o.status, Status::Ok, "{o:?}");
    assert!(o.message.starts_with("HTTP 200 in "), "{}", o.message);
    assert_eq!(o.perfdata.iter().find(|p| p.label == "size").and_then(|p| p.value), Some(15.0));

    let o = run(&r, json!({"kind": "http", "url": format!("{base}/ok"), "body_contains": "degraded"}), 3000).await;
    assert_eq!(
        (o.status, o.message.as_str()),
        (Status::Critical, "HTTP 200, but the body does not contain \"degraded\"")
    );

    let json_ok = json!({"kind": "http", "url": format!("{base}/json"), "json_condition": "$.queue[0].depth < 10"});
    assert_eq!(run(&r, json_ok, 3000).await.status, Status::Ok);
    let o = run(&r, json!({"kind": "http", "url": format!("{base}/json"), "json_condition": "$.db.ok == false"}), 3000)
        .await;
    assert_eq!((o.status, o.message.as_str()), (Status::Critical, "HTTP 200, but $.db.ok is true, expected == false"));

    let o = run(&r, json!({"kind": "http", "url": format!("{base}/fail")}), 3000).await;
    assert_eq!((o.status, o.message.as_str()), (Status::Critical, "HTTP 503, expected 200-399"));
    let o = run(&r, json!({"kind": "http", "url": format!("{base}/fail"), "expected_status": ["503"]}), 3000).await;
    assert_eq!(o.status, Status::Ok);
    // Redirects are answers, not followed.
    let o = run(
        &r,
        json!({"kind": "http", "url": format!("{base}/moved"), "method": "HEAD", "expected_status": ["200"]}),
        3000,
    )
    .await;
    assert_eq!(o.message, "HTTP 302, expected 200");
}

#[tokio::test]
async fn http_bodies_are_read_up_to_the_cap() {
    let base = http_server().await;
    let r = runner(Limits { http_body_cap: 4096, ..Limits::default() });
    let started = Instant::now();
    let o = run(&r, json!({"kind": "http", "url": format!("{base}/big")}), 3000).await;
    assert_eq!(o.status, Status::Ok, "{o:?}");
    assert_eq!(o.perfdata.iter().find(|p| p.label == "size").and_then(|p| p.value), Some(4096.0));
    let o = run(&r, json!({"kind": "http", "url": format!("{base}/big"), "json_condition": "$.a == 1"}), 3000).await;
    assert_eq!(o.message, "HTTP 200, but the body is longer than 4096 bytes, too long to read as JSON");
    let o = run(&r, json!({"kind": "http", "url": format!("{base}/big"), "body_contains": "y"}), 3000).await;
    assert_eq!(o.message, "HTTP 200, but the body does not contain \"y\" (in the first 4096 bytes read)");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn http_timeouts_and_unreachable_targets_are_critical() {
    let base = http_server().await;
    let r = runner(Limits::default());
    let started = Instant::now();
    let o = run(&r, json!({"kind": "http", "url": format!("{base}/slow")}), 300).await;
    assert_eq!((o.status, o.message.as_str()), (Status::Critical, "no answer within 300 ms"));
    assert!(started.elapsed() < Duration::from_millis(1500), "{:?}", started.elapsed());

    let silent = silent_server().await;
    let started = Instant::now();
    let o = run(&r, json!({"kind": "http", "url": format!("http://{silent}/")}), 300).await;
    assert_eq!((o.status, o.message.as_str()), (Status::Critical, "no answer within 300 ms"));
    assert!(started.elapsed() < Duration::from_millis(1500));

    let o = run(&r, json!({"kind": "http", "url": format!("http://127.0.0.1:{}/", closed_port())}), 2000).await;
    assert_eq!(o.status, Status::Critical);
    assert!(o.message.starts_with("no answer: ") && o.message.contains("onnection refused"), "{}", o.message);
}

// --- TCP --------------------------------------------------------------------

#[tokio::test]
async fn tcp_connects_refuses_and_times_out() {
    let r = runner(Limits::default());
    let open = silent_server().await;
    let o = run(&r, json!({"kind": "tcp", "host": "127.0.0.1", "port": open.port()}), 2000).await;
    assert_eq!(o.status, Status::Ok, "{o:?}");
    assert!(o.message.starts_with(&format!("127.0.0.1:{} accepted a connection in ", open.port())));
    let port = closed_port();
    let o = run(&r, json!({"kind": "tcp", "host": "127.0.0.1", "port": port}), 2000).await;
    assert_eq!(o.status, Status::Critical);
    assert!(o.message.starts_with(&format!("cannot connect to 127.0.0.1:{port}: Connection refused")), "{}", o.message);
    // A listener whose accept queue is full drops new SYNs: the connect
    // hangs as it would to a blackholed host (this sandbox answers for any
    // outside address, so 10.255.255.1 will not do).
    let (full, _queued) = full_listener().await;
    let started = Instant::now();
    let o = run(&r, json!({"kind": "tcp", "host": "127.0.0.1", "port": full.port()}), 300).await;
    assert_eq!(
        (o.status, o.message),
        (Status::Critical, format!("no connection to 127.0.0.1:{} within 300 ms", full.port()))
    );
    assert!(started.elapsed() < Duration::from_millis(1500));
}

/// A listener that never accepts, with its backlog filled.
async fn full_listener() -> (SocketAddr, (socket2::Socket, Vec<tokio::net::TcpStream>)) {
    let s = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    s.bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into()).unwrap();
    s.listen(0).unwrap();
    let addr = s.local_addr().unwrap().as_socket().unwrap();
    let mut queued = Vec::new();
    for _ in 0..8 {
        match tokio::time::timeout(Duration::from_millis(100), tokio::net::TcpStream::connect(addr)).await {
            Ok(Ok(c)) => queued.push(c),
            _ => break,
        }
    }
    (addr, (s, queued))
}

// --- DNS --------------------------------------------------------------------

/// A DNS server for the zone `test.`, on UDP and TCP at one port.
async fn dns_server() -> SocketAddr {
    let (udp, tcp) = loop {
        let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        if let Ok(tcp) = TcpListener::bind(udp.local_addr().unwrap()).await {
            break (udp, tcp);
        }
    };
    let addr = udp.local_addr().unwrap();
    tokio::spawn(async move {
        let mut buf = [0u8; 512];
        while let Ok((n, from)) = udp.recv_from(&mut buf).await {
            if let Some(reply) = dns_answer(&buf[..n], false) {
                udp.send_to(&reply, from).await.unwrap();
            }
        }
    });
    tokio::spawn(async move {
        while let Ok((mut s, _)) = tcp.accept().await {
            tokio::spawn(async move {
                let len = s.read_u16().await.unwrap();
                let mut q = vec![0u8; usize::from(len)];
                s.read_exact(&mut q).await.unwrap();
                let reply = dns_answer(&q, true).unwrap();
                s.write_u16(reply.len() as u16).await.unwrap();
                s.write_all(&reply).await.unwrap();
            });
        }
    });
    addr
}

fn encode_name(name: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for l in name.split('.') {
        out.push(l.len() as u8);
        out.extend(l.as_bytes());
    }
    out.push(0);
    out
}

/// The answer to a query, or `None` to stay silent.
fn dns_answer(q: &[u8], over_tcp: bool) -> Option<Vec<u8>> {
    let mut at = 12;
    let mut labels = Vec::new();
    while q[at] != 0 {
        let l = usize::from(q[at]);
        labels.push(String::from_utf8_lossy(&q[at + 1..at + 1 + l]).into_owned());
        at += 1 + l;
    }
    let name = labels.join(".").to_ascii_lowercase();
    let qtype = u16::from_be_bytes([q[at + 1], q[at + 2]]);
    let question = &q[12..at + 5];
    let txt = |parts: &[&str]| {
        parts.iter().flat_map(|p| std::iter::once(p.len() as u8).chain(p.bytes())).collect::<Vec<u8>>()
    };
    let mut rcode = 0;
    let mut truncated = false;
    let records: Vec<(u16, Vec<u8>)> = match (name.as_str(), qtype) {
        ("slow.test", _) => return None,
        ("missing.test", _) => {
            rcode = 3;
            vec![]
        }
        ("www.test", 1) => vec![(1, vec![192, 0, 2, 10]), (1, vec![192, 0, 2, 11])],
        ("www.test", 28) => vec![(28, "2001:db8::10".parse::<std::net::Ipv6Addr>().unwrap().octets().to_vec())],
        // A CNAME chain answering an A query: the A records are what count.
        ("alias.test", 1) => vec![(5, encode_name("www.test")), (1, vec![192, 0, 2, 10])],
        ("alias.test", 5) => vec![(5, encode_name("www.test"))],
        ("test", 15) => vec![(15, [vec![0, 10], encode_name("mx1.test")].concat())],
        ("test", 16) => vec![(16, txt(&["v=spf1 ", "-all"]))],
        ("big.test", 16) if !over_tcp => {
            truncated = true;
            vec![]
        }
        ("big.test", 16) => vec![(16, txt(&["x".repeat(200).as_str(), "y".repeat(200).as_str(), "tcp-only"]))],
        _ => vec![],
    };
    let flags: u16 = 0x8180 | rcode | if truncated { 0x0200 } else { 0 };
    let mut out = q[..2].to_vec();
    out.extend(flags.to_be_bytes());
    out.extend([0, 1]);
    out.extend((records.len() as u16).to_be_bytes());
    out.extend([0, 0, 0, 0]);
    out.extend(question);
    for (t, data) in records {
        out.extend([0xC0, 12]);
        out.extend(t.to_be_bytes());
        out.extend([0, 1, 0, 0, 0, 60]);
        out.extend((data.len() as u16).to_be_bytes());
        out.extend(data);
    }
    Some(out)
}

#[tokio::test]
async fn dns_answers_from_a_local_server() {
    let server = dns_server().await.to_string();
    let r = runner(Limits::default());
    let dns = |name: &str, t: &str, expected: Option<&str>| {
        let mut k = json!({"kind": "dns", "name": name, "record_type": t, "server": server});
        if let Some(e) = expected {
            k["expected"] = json!(e);
        }
        k
    };
    let o = run(&r, dns("www.test", "A", Some("192.0.2.11")), 2000).await;
    assert_eq!(o.status, Status::Ok, "{o:?}");
    assert!(o.message.starts_with("www.test A 192.0.2.10, 192.0.2.11 in "), "{}", o.message);
    let o = run(&r, dns("www.test", "A", Some("192.0.2.99")), 2000).await;
    assert_eq!(
        (o.status, o.message.as_str()),
        (Status::Critical, "www.test A is 192.0.2.10, 192.0.2.11; expected 192.0.2.99")
    );
    assert_eq!(run(&r, dns("www.test", "AAAA", Some("2001:db8:0:0::10")), 2000).await.status, Status::Ok);
    let o = run(&r, dns("alias.test", "A", None), 2000).await;
    assert!(o.message.starts_with("alias.test A 192.0.2.10 in "), "{}", o.message);
    assert_eq!(run(&r, dns("alias.test", "CNAME", Some("www.test.")), 2000).await.status, Status::Ok);
    assert_eq!(run(&r, dns("test", "MX", Some("mx1.test")), 2000).await.status, Status::Ok);
    assert_eq!(run(&r, dns("test", "TXT", Some("v=spf1 -all")), 2000).await.status, Status::Ok);
    let o = run(&r, dns("www.test", "MX", None), 2000).await;
    assert_eq!((o.status, o.message.as_str()), (Status::Critical, "www.test has no MX record"));
    // Truncated over UDP: asked again over TCP.
    let o = run(&r, dns("big.test", "TXT", None), 2000).await;
    assert_eq!(o.status, Status::Ok, "{o:?}");
    assert!(o.message.contains("tcp-only"));
    let o = run(&r, dns("missing.test", "A", None), 2000).await;
    assert_eq!(
        (o.status, o.message.as_str()),
        (Status::Critical, format!("missing.test does not exist (NXDOMAIN from {server})").as_str())
    );
    let started = Instant::now();
    let o = run(&r, dns("slow.test", "A", None), 300).await;
    assert_eq!((o.status, o.message), (Status::Critical, format!("no answer from {server} within 300 ms")));
    assert!(started.elapsed() < Duration::from_millis(1500));
}

// --- TLS --------------------------------------------------------------------

/// A TLS server on 127.0.0.1 whose self-signed certificate ends at
/// midnight UTC of `not_after`.
async fn tls_server(not_after: jiff::civil::Date) -> SocketAddr {
    use tokio_rustls::rustls::{ServerConfig, crypto::ring, pki_types::PrivateKeyDer, pki_types::PrivatePkcs8KeyDer};
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    params.not_before = rcgen::date_time_ymd(2020, 1, 1);
    params.not_after =
        rcgen::date_time_ymd(i32::from(not_after.year()), not_after.month() as u8, not_after.day() as u8);
    let cert = params.self_signed(&key).unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let config = ServerConfig::builder_with_provider(std::sync::Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.der().clone()], key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((s, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(mut tls) = acceptor.accept(s).await {
                    let _ = tls.read(&mut [0u8; 1]).await;
                }
            });
        }
    });
    addr
}

#[tokio::test]
async fn tls_expiry_days_from_a_self_signed_certificate() {
    let today = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date();
    let r = runner(Limits::default());
    let tls = |addr: SocketAddr, host: &str| json!({"kind": "tls", "host": host, "port": addr.port(), "warn_days": 30, "critical_days": 7});
    // Ends at midnight 11 days ahead: 10 whole days and some hours left.
    let soon = tls_server(today.checked_add(jiff::Span::new().days(11)).unwrap()).await;
    let o = run(&r, tls(soon, "localhost"), 3000).await;
    assert_eq!(o.status, Status::Warning, "{o:?}");
    assert!(
        o.message.ends_with(", in 10 days") && o.message.starts_with("the certificate of localhost expires on "),
        "{}",
        o.message
    );
    assert_eq!(o.perfdata[0].value, Some(10.0));
    // By address (no SNI) works too.
    assert_eq!(run(&r, tls(soon, "127.0.0.1"), 3000).await.status, Status::Warning);
    let far = tls_server(today.checked_add(jiff::Span::new().days(400)).unwrap()).await;
    assert_eq!(run(&r, tls(far, "localhost"), 3000).await.status, Status::Ok);
    let close = tls_server(today.checked_add(jiff::Span::new().days(3)).unwrap()).await;
    assert_eq!(run(&r, tls(close, "localhost"), 3000).await.status, Status::Critical);
    let expired = tls_server(today.checked_sub(jiff::Span::new().days(2)).unwrap()).await;
    let o = run(&r, tls(expired, "localhost"), 3000).await;
    assert_eq!(o.status, Status::Critical);
    assert!(o.message.contains(" expired on "), "{}", o.message);
    // Not TLS at all, and a server that never answers the hello.
    let plain = silent_server().await;
    let started = Instant::now();
    let o = run(&r, tls(plain, "localhost"), 300).await;
    assert_eq!(
        (o.status, o.message.as_str()),
        (Status::Critical, format!("no TLS handshake with localhost:{} within 300 ms", plain.port()).as_str())
    );
    assert!(started.elapsed() < Duration::from_millis(1500));
    let http = http_server().await.trim_start_matches("http://").parse::<SocketAddr>().unwrap();
    let o = run(&r, tls(http, "localhost"), 2000).await;
    assert_eq!(o.status, Status::Critical);
    assert!(o.message.contains("the TLS handshake failed"), "{}", o.message);
}

// --- Ping -------------------------------------------------------------------

#[tokio::test]
async fn ping_localhost_or_say_why_not() {
    let r = runner(Limits::default());
    let o = run(&r, json!({"kind": "ping", "host": "127.0.0.1"}), 2000).await;
    let range = std::fs::read_to_string("/proc/sys/net/ipv4/ping_group_range").unwrap();
    let bounds: Vec<u32> = range.split_whitespace().map(|n| n.parse().unwrap()).collect();
    let gid = rustix_gid();
    if (bounds[0]..=bounds[1]).contains(&gid) {
        assert_eq!(o.status, Status::Ok, "{o:?}");
        assert!(o.message.starts_with("127.0.0.1: 3 of 3 replies, 0% lost, average "), "{}", o.message);
        assert!(o.perfdata.iter().any(|p| p.label == "rta"));
    } else {
        println!("datagram ICMP is refused here (ping_group_range {range:?}, gid {gid}): checking the refusal message");
        assert_eq!(o.status, Status::Unknown, "{o:?}");
        assert!(
            o.message.starts_with("the system does not allow unprivileged ping: net.ipv4.ping_group_range is ")
                && o.message.contains(&format!("Steward runs in group {gid}")),
            "{}",
            o.message
        );
    }
}

fn rustix_gid() -> u32 {
    // The test's group, as the executor sees it.
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("Gid:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

// --- Plugins ----------------------------------------------------------------

fn plugins() -> Runner {
    runner(Limits { plugin_dir: Some(PLUGINS.into()), ..Limits::default() })
}

#[tokio::test]
async fn debian_plugins_run_unchanged() {
    assert!(Path::new(PLUGINS).join("check_dummy").exists(), "apt-get install monitoring-plugins-basic");
    let r = plugins();
    let o = run(&r, json!({"kind": "plugin", "file": "check_dummy", "args": ["0", "all fine"]}), 5000).await;
    assert_eq!((o.status, o.message.as_str()), (Status::Ok, "OK: all fine"));
    let o = run(&r, json!({"kind": "plugin", "file": "check_dummy", "args": ["2", "disk on fire"]}), 5000).await;
    assert_eq!((o.status, o.message.as_str()), (Status::Critical, "CRITICAL: disk on fire"));
    let o = run(&r, json!({"kind": "plugin", "file": "check_dummy", "args": ["1"]}), 5000).await;
    assert_eq!(o.status, Status::Warning);
    // Arguments reach the plugin as they are: no shell to expand them.
    let o = run(&r, json!({"kind": "plugin", "file": "check_dummy", "args": ["0", "$(id) ; `id` *"]}), 5000).await;
    assert_eq!(o.message, "OK: $(id) ; `id` *");

    let open = silent_server().await;
    let o = run(
        &r,
        json!({"kind": "plugin", "file": "check_tcp", "args": ["-H", "127.0.0.1", "-p", open.port().to_string()]}),
        5000,
    )
    .await;
    assert_eq!(o.status, Status::Ok, "{o:?}");
    assert!(o.message.starts_with("TCP OK - "), "{}", o.message);
    let time = o.perfdata.iter().find(|p| p.label == "time").expect("check_tcp's perfdata");
    assert_eq!(time.uom, steward_domain::check::Uom::Seconds);
    assert_eq!(time.min, Some(0.0));
    let o = run(
        &r,
        json!({"kind": "plugin", "file": "check_tcp", "args": ["-H", "127.0.0.1", "-p", closed_port().to_string()]}),
        5000,
    )
    .await;
    assert_eq!(o.status, Status::Critical, "{o:?}");
    // A usage error is the plugin's unknown (exit 3) with its own words.
    let o = run(&r, json!({"kind": "plugin", "file": "check_tcp", "args": ["--no-such-option"]}), 5000).await;
    assert_eq!(o.status, Status::Unknown, "{o:?}");
}

/// A folder of scripts standing in for misbehaving plugins.
fn script_dir(scripts: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    for (name, body) in scripts {
        let path = dir.path().join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let p = dir.path().to_owned();
    (dir, p)
}

/// Runs a script plugin; retries only the "text file busy" race (another
/// test's fork holding the script's write handle for an instant).
async fn run_script(r: &Runner, file: &str, timeout_ms: u32) -> Outcome {
    for _ in 0..10 {
        let o = run(r, json!({"kind": "plugin", "file": file}), timeout_ms).await;
        if !o.message.contains("Text file busy") {
            return o;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{file} stayed busy");
}

#[tokio::test]
async fn plugins_that_hang_stay_silent_or_flood_are_unknown() {
    let (_keep, dir) = script_dir(&[
        ("hang", "sleep 30 & echo $! > child.pid\necho 'OK - about to hang'\nsleep 30"),
        ("silent", "exit 0"),
        ("stderr_only", "echo 'check_x: cannot read config' >&2\nexit 2"),
        ("flood", "exec yes 'OK flood'"),
        ("flood_stderr", "yes 'noise' >&2 &\necho 'OK - fine'\nsleep 0.2\nkill $!\nexit 0"),
        ("exit5", "echo 'odd'\nexit 5"),
        ("perf", "printf 'OK - 3 users | users=3;5;10;0\\nlong line\\n'\nexit 0"),
    ]);
    let r = runner(Limits { plugin_dir: Some(dir.clone()), plugin_output_cap: 64 * 1024, ..Limits::default() });

    let started = Instant::now();
    let o = run_script(&r, "hang", 500).await;
    assert_eq!(o.status, Status::Unknown);
    assert_eq!(o.message, "timed out after 500 ms and was killed");
    assert!(started.elapsed() < Duration::from_millis(2500), "{:?}", started.elapsed());
    // The whole process group went: the plugin's own child too.
    let pid = std::fs::read_to_string(dir.join("child.pid")).unwrap();
    let gone = async {
        for _ in 0..50 {
            let stat = std::fs::read_to_string(format!("/proc/{}/stat", pid.trim())).unwrap_or_default();
            // Gone, or a zombie waiting for its reaper.
            if stat.is_empty() || stat.split_whitespace().nth(2) == Some("Z") {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        false
    };
    assert!(gone.await, "the plugin's child {pid} outlived the timeout");

    let o = run_script(&r, "silent", 2000).await;
    assert_eq!((o.status, o.message.as_str()), (Status::Unknown, "no output (exit code 0)"));
    let o = run_script(&r, "stderr_only", 2000).await;
    assert_eq!(
        (o.status, o.message.as_str()),
        (Status::Unknown, "no output (exit code 2); standard error: check_x: cannot read config")
    );
    let started = Instant::now();
    let o = run_script(&r, "flood", 5000).await;
    assert_eq!(
        (o.status, o.message.as_str()),
        (Status::Unknown, "wrote more than 65536 bytes of output and was stopped; it said: OK flood")
    );
    assert!(started.elapsed() < Duration::from_secs(2), "stopped at the cap, not at the timeout");
    let o = run_script(&r, "flood_stderr", 5000).await;
    assert_eq!((o.status, o.message.as_str()), (Status::Ok, "OK - fine"));
    let o = run_script(&r, "exit5", 2000).await;
    assert_eq!((o.status, o.message.as_str()), (Status::Unknown, "exit code 5 is not a plugin status (0 to 3): odd"));
    let o = run_script(&r, "perf", 2000).await;
    assert_eq!((o.status, o.message.as_str(), o.long_text.as_str()), (Status::Ok, "OK - 3 users", "long line"));
    assert_eq!(o.perfdata[0].label, "users");
}

#[tokio::test]
async fn plugins_come_from_the_plugin_folder_only() {
    let (_keep, dir) = script_dir(&[("ok", "echo OK")]);
    let r = runner(Limits { plugin_dir: Some(dir.join("sub")), ..Limits::default() });
    std::fs::create_dir(dir.join("sub")).unwrap();
    // A definition that bypassed validation still cannot leave the folder.
    let mut d = def(json!({"kind": "plugin", "file": "ok"}), 2000);
    if let steward_domain::check::CheckKind::Plugin(p) = &mut d.kind {
        p.file = "../ok".into();
    }
    let o = r.run(&d).await;
    assert_eq!(o.status, Status::Unknown);
    assert!(
        o.message.starts_with("plugin file \"../ok\" must be the name of a file in the plugin folder"),
        "{}",
        o.message
    );
    let o = run_script(&r, "ok", 2000).await;
    assert_eq!(o.status, Status::Unknown);
    assert!(o.message.starts_with(&format!("no plugin \"ok\" in {}", dir.join("sub").display())), "{}", o.message);
    let none = runner(Limits::default());
    let o = run_script(&none, "check_dummy", 2000).await;
    assert_eq!(
        (o.status, o.message.as_str()),
        (Status::Unknown, "plugin checks are off: no plugin folder is configured")
    );
}
