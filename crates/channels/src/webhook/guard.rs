//! Which addresses a webhook may reach. A webhook URL is typed by an admin,
//! but a call to `http://169.254.169.254/` or `http://localhost:5432/`
//! would let that URL read or poke the internal network (SSRF). So every
//! address a call would connect to is checked: the URL's own IP, and each
//! address its host name resolves to, at the moment of the call (a name
//! that resolved to a public address when the webhook was saved may not
//! any more). Redirects are never followed, so an answer cannot lead the
//! call elsewhere. Internal addresses (see [`steward_domain::net::is_internal`])
//! pass only when the configured allow-list names them.

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::{net::IpAddr, net::SocketAddr, sync::Arc, time::Duration};
use steward_domain::net::{Networks, is_internal};

/// Refuses internal addresses unless `allow` names them.
#[derive(Debug, Clone, Default)]
pub struct AddressPolicy {
    pub allow: Networks,
}

/// A webhook would reach an address it may not.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{host} is {ip}, an internal address (loopback, private, link-local or reserved); webhooks may call it only if notifications.webhook_allow names it"
)]
pub struct RefusedAddress {
    pub host: String,
    pub ip: IpAddr,
}

impl AddressPolicy {
    pub fn new(allow: Networks) -> Self {
        Self { allow }
    }

    pub fn check(&self, host: &str, ip: IpAddr) -> Result<(), RefusedAddress> {
        if is_internal(ip) && !self.allow.contains(ip) {
            Err(RefusedAddress { host: host.to_owned(), ip })
        } else {
            Ok(())
        }
    }

    /// Checks a URL before it is saved: its IP, or the addresses its host
    /// resolves to now. A name that does not resolve (yet) passes: the call
    /// checks again.
    pub async fn check_url(&self, url: &str) -> Result<(), RefusedAddress> {
        match host_of(url) {
            Host::Ip(ip) => self.check(&ip.to_string(), ip),
            Host::Name(name) => {
                let lookup = tokio::net::lookup_host((name.as_str(), 0));
                match tokio::time::timeout(Duration::from_secs(2), lookup).await {
                    Ok(Ok(addrs)) => addrs.into_iter().try_for_each(|a| self.check(&name, a.ip())),
                    _ => Ok(()),
                }
            }
            Host::None => Ok(()),
        }
    }

    /// The URL's own address, when it is an IP (the resolver never sees those).
    pub(crate) fn check_literal(&self, url: &str) -> Result<(), RefusedAddress> {
        match host_of(url) {
            Host::Ip(ip) => self.check(&ip.to_string(), ip),
            _ => Ok(()),
        }
    }
}

enum Host {
    Ip(IpAddr),
    Name(String),
    None,
}

fn host_of(url: &str) -> Host {
    let Some(host) = reqwest::Url::parse(url).ok().and_then(|u| u.host_str().map(str::to_owned)) else {
        return Host::None;
    };
    match host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() {
        Ok(ip) => Host::Ip(ip),
        Err(_) => Host::Name(host),
    }
}

/// The HTTP client's resolver: the system's, with every answer checked.
/// Any refused address refuses the name, so a round-robin answer cannot
/// slip an internal address in.
pub(crate) struct GuardedResolver(pub(crate) Arc<AddressPolicy>);

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.0.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            for a in &addrs {
                policy.check(&host, a.ip())?;
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn internal_addresses_need_the_allow_list() {
        let strict = AddressPolicy::default();
        for url in [
            "http://127.0.0.1:8080/hook",
            "http://[::1]/x",
            "http://169.254.169.254/latest/meta-data/",
            "http://10.0.0.7/",
            "http://[::ffff:192.168.0.1]/",
            "http://localhost:5432/",
            "http://2130706433/",
            "http://0x7f.0.0.1/",
        ] {
            assert!(strict.check_url(url).await.is_err(), "{url}");
        }
        assert!(strict.check_literal("http://[fd00::1]/").is_err());
        assert!(strict.check_url("https://93.184.215.14/hook").await.is_ok());
        assert!(strict.check_url("https://name.invalid/hook").await.is_ok(), "checked again at the call");
        let loopback = AddressPolicy::new(Networks::parse(&["127.0.0.0/8"]).unwrap());
        assert!(loopback.check_url("http://127.0.0.1:8080/hook").await.is_ok());
        assert!(loopback.check_url("http://10.0.0.7/").await.is_err());
        let e = strict.check("localhost", "127.0.0.1".parse().unwrap()).unwrap_err();
        assert!(e.to_string().contains("notifications.webhook_allow"), "{e}");
    }
}
