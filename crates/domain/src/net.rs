//! Networks named in the configuration, and which addresses are internal.
//!
//! Used for the proxies whose `X-Forwarded-For` is believed and for the
//! addresses webhooks may call: an outbound call to an internal address
//! (loopback, link-local and with it the cloud metadata service, private
//! ranges) is refused unless the allow-list names it.

use ipnet::IpNet;
use std::net::IpAddr;

/// A list of networks such as `["10.0.0.0/8", "192.168.1.7"]`; a bare
/// address is a network of one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Networks(Vec<IpNet>);

impl Networks {
    /// Parses each entry; the error names the first bad one.
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<Networks, String> {
        let mut nets = Vec::with_capacity(entries.len());
        for e in entries {
            let e = e.as_ref().trim();
            let net = match e.parse::<IpNet>() {
                Ok(n) => n.trunc(),
                Err(_) => e
                    .parse::<IpAddr>()
                    .map(IpNet::from)
                    .map_err(|_| format!("{e:?} is not an address or a network such as 10.0.0.0/8"))?,
            };
            nets.push(net);
        }
        Ok(Networks(nets))
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|n| n.contains(&ip))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// An IPv4 address written as IPv6 (`::ffff:10.0.0.1`) is the IPv4 one.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// Addresses an outside caller must not make Steward reach: loopback,
/// unspecified, private (RFC 1918, IPv6 unique local), link-local (with the
/// 169.254.169.254 metadata service), carrier-grade NAT, benchmarking,
/// multicast, broadcast and the reserved ranges, and IPv6 forms that embed
/// an IPv4 address (NAT64, 6to4, Teredo).
pub fn is_internal(ip: IpAddr) -> bool {
    match canonical(ip) {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || a >= 240
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (b == 18 || b == 19))
                || (a == 192 && b == 0 && v4.octets()[2] == 0)
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || (s[0] & 0xffc0) == 0xfec0
                || (s[0] == 0x64 && s[1] == 0xff9b)
                || s[0] == 0x2002
                || (s[0] == 0x2001 && s[1] == 0)
                || (s[0] == 0x2001 && s[1] == 0xdb8)
                || v6.to_ipv4().is_some_and(|v4| is_internal(IpAddr::V4(v4)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn internal_addresses() {
        for internal in [
            "127.0.0.1",
            "127.8.9.10",
            "0.0.0.0",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "fd00::1",
            "fe80::1",
            "64:ff9b::a00:1",
            "2002:a00:1::",
            "fd00:ec2::254",
        ] {
            assert!(is_internal(ip(internal)), "{internal}");
        }
        for public in ["93.184.215.14", "8.8.8.8", "172.32.0.1", "2606:4700::1111", "::ffff:1.1.1.1"] {
            assert!(!is_internal(ip(public)), "{public}");
        }
    }

    #[test]
    fn networks_parse_and_match() {
        let n = Networks::parse(&["10.0.0.0/8", "192.168.1.7", "fd00::/8", "10.1.2.3/8"]).unwrap();
        assert!(n.contains(ip("10.200.0.1")) && n.contains(ip("::ffff:10.0.0.1")));
        assert!(n.contains(ip("192.168.1.7")) && !n.contains(ip("192.168.1.8")));
        assert!(n.contains(ip("fd12::1")) && !n.contains(ip("11.0.0.1")));
        let err = Networks::parse(&["10.0.0.0/33"]).unwrap_err();
        assert!(err.contains("10.0.0.0/33"), "{err}");
        assert!(Networks::parse(&["proxy.local"]).is_err());
        assert!(Networks::parse::<&str>(&[]).unwrap().is_empty());
    }
}
