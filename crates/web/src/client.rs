//! Who the client is: the connecting address, or, when that is a trusted
//! proxy, the address the proxies name in `X-Forwarded-For`.
//!
//! Each proxy appends the address it was reached from, so the header is
//! read from the right: the first address that is not a trusted proxy is
//! the client. Anything further left was written by the client itself and
//! proves nothing. Without trusted proxies the header is ignored, so a
//! client cannot pick its own address to dodge sign-in throttling.

use axum::{extract::ConnectInfo, http::request::Parts};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use steward_domain::net::{Networks, canonical};

pub const FORWARDED_FOR: &str = "x-forwarded-for";

/// The client's address for throttling and the audit log.
pub fn client_ip(parts: &Parts, trusted: &Networks) -> IpAddr {
    // `serve` always provides the peer; a router run without it counts as
    // one local client.
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |c| canonical(c.0.ip()));
    let forwarded = parts.headers.get_all(FORWARDED_FOR).iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>();
    from_chain(peer, &forwarded.join(","), trusted)
}

fn from_chain(peer: IpAddr, forwarded_for: &str, trusted: &Networks) -> IpAddr {
    let mut client = peer;
    if !trusted.contains(client) {
        return client;
    }
    for hop in forwarded_for.rsplit(',').map(str::trim) {
        match hop.parse::<IpAddr>() {
            Ok(ip) => {
                client = canonical(ip);
                if !trusted.contains(client) {
                    break;
                }
            }
            // A hop that is no address ends what can be believed.
            Err(_) => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let none = Networks::default();
        let proxies = Networks::parse(&["10.0.0.0/8"]).unwrap();
        // Straight from the client: the header is the client's own claim.
        assert_eq!(from_chain(ip("203.0.113.9"), "1.2.3.4", &none), ip("203.0.113.9"));
        assert_eq!(from_chain(ip("203.0.113.9"), "1.2.3.4", &proxies), ip("203.0.113.9"));
        // Through one trusted proxy, or two.
        assert_eq!(from_chain(ip("10.0.0.2"), "198.51.100.7", &proxies), ip("198.51.100.7"));
        assert_eq!(from_chain(ip("10.0.0.2"), "198.51.100.7, 10.0.0.5", &proxies), ip("198.51.100.7"));
        // A client that forges the left of the header gains nothing.
        assert_eq!(from_chain(ip("10.0.0.2"), "1.1.1.1, 198.51.100.7", &proxies), ip("198.51.100.7"));
        // No header, or garbage: the proxy is all that is known.
        assert_eq!(from_chain(ip("10.0.0.2"), "", &proxies), ip("10.0.0.2"));
        assert_eq!(from_chain(ip("10.0.0.2"), "unknown", &proxies), ip("10.0.0.2"));
        assert_eq!(from_chain(ip("::ffff:10.0.0.2"), "::ffff:198.51.100.7", &proxies), ip("198.51.100.7"));
    }
}
