//! The demo's own checks (issue 13): HTTP and TCP checks against the demo
//! server itself, standing in for the Web Shop and the sign-in service
//! (they stay up), and the shop's checkout port, which nothing serves: a
//! closed port on 127.0.0.1, so the check goes down a few seconds after
//! the server starts and its alert joins the Web Shop's incident through
//! the checks' alerts. Only 127.0.0.1 is ever checked. Apart from
//! [`super::demo`]: the checks need the address the demo is served on.

use crate::checks::NewCheck;
use crate::{App, error::AppError};
use std::net::SocketAddr;
use std::time::Duration;
use steward_domain::check::definition::{CheckDef, CheckKind, HttpCheck, HttpMethod, TcpCheck};

/// The loopback address checked.
const HOST: &str = "127.0.0.1";
/// Ports nothing should serve (well-known, unprivileged programs cannot
/// take them): the first that refuses a connection is the checkout's.
const CLOSED: [u16; 4] = [9, 1, 7, 19];

/// Whether something on 127.0.0.1 takes connections on `port`.
async fn serves(port: u16) -> bool {
    let connect = tokio::net::TcpStream::connect((HOST, port));
    matches!(tokio::time::timeout(Duration::from_millis(500), connect).await, Ok(Ok(_)))
}

/// A port of [`CLOSED`] that refuses connections now (or the first).
async fn closed_port() -> u16 {
    for port in CLOSED {
        if !serves(port).await {
            return port;
        }
    }
    CLOSED[0]
}

fn http(port: u16, path: &str, body: &str) -> CheckKind {
    CheckKind::Http(HttpCheck {
        url: format!("http://{HOST}:{port}{path}"),
        method: HttpMethod::Get,
        expected_status: Vec::new(),
        body_contains: Some(body.to_owned()),
        json_condition: None,
        max_response_ms: Some(2_000),
    })
}

fn tcp(port: u16) -> CheckKind {
    CheckKind::Tcp(TcpCheck { host: HOST.to_owned(), port })
}

/// A check to make: name, kind, interval (s), retries, CI, service.
type Planned = (&'static str, CheckKind, u32, u8, Option<&'static str>, &'static str);

/// Makes the demo's checks (as the manager) against the demo served at
/// `server`: the self-checks only when it listens on 127.0.0.1 or on
/// every address. How many were made; none without the demo's manager or
/// when the checks are there already.
pub async fn demo_checks(app: &App, server: SocketAddr) -> Result<usize, AppError> {
    let Some(manager) = super::problems::actor(app, "manager").await? else { return Ok(0) };
    let (existing, _) = app.checks(&manager, crate::checks::CheckFilter::default()).await?;
    if !existing.is_empty() {
        return Ok(0);
    }
    let port = server.port();
    let reachable = server.ip().is_unspecified() || server.ip() == std::net::IpAddr::from([127, 0, 0, 1]);
    let mut checks: Vec<Planned> = Vec::new();
    if reachable {
        checks.extend([
            ("Web Shop storefront", http(port, "/healthz", "ok"), 30, 2, Some("shop-frontend"), "Web Shop"),
            ("Web Shop load balancer", tcp(port), 30, 2, None, "Web Shop"),
            ("Identity (SSO) health", http(port, "/-/healthy", "OK"), 60, 2, Some("keycloak"), "Identity (SSO)"),
        ]);
    }
    checks.push(("Web Shop checkout port", tcp(closed_port().await), 10, 1, Some("shop-checkout"), "Web Shop"));
    let made = checks.len();
    for (name, kind, interval_secs, retries, ci, service) in checks {
        let definition = CheckDef { kind, interval_secs, timeout_ms: 2_000, retries };
        let new = NewCheck {
            name: name.to_owned(),
            definition,
            ci: ci.map(str::to_owned),
            service: Some(service.to_owned()),
            enabled: Some(true),
        };
        app.add_check(&manager, new).await?;
    }
    Ok(made)
}
