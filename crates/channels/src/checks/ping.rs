//! ICMP echo over unprivileged datagram sockets (`SOCK_DGRAM` +
//! `IPPROTO_ICMP`), as `ping` does without setuid: the kernel fills in the
//! identifier and hands back only replies to this socket. Linux allows it
//! to the groups in `net.ipv4.ping_group_range`; when this process's group
//! is outside it, the check says so and is unknown.

use super::{elapsed_ms, with_causes};
use socket2::{Domain, Protocol, Socket, Type};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};
use steward_domain::check::definition::PingCheck;
use steward_domain::check::perfdata::{PerfDatum, Uom};
use steward_domain::check::{Outcome, Status};
use tokio::net::UdpSocket;

/// Echo requests sent per run.
pub const COUNT: u16 = 3;
const RANGE_FILE: &str = "/proc/sys/net/ipv4/ping_group_range";

pub async fn run(check: &PingCheck, timeout: Duration) -> Outcome {
    let started = Instant::now();
    let deadline = tokio::time::Instant::from_std(started) + timeout;
    let ip = match tokio::time::timeout_at(deadline, resolve(&check.host)).await {
        Err(_) => {
            return Outcome::new(
                Status::Critical,
                format!("{} was not resolved in time", check.host),
                elapsed_ms(started),
            );
        }
        Ok(Err(e)) => return Outcome::new(Status::Critical, e, elapsed_ms(started)),
        Ok(Ok(ip)) => ip,
    };
    let socket = match open(ip) {
        Ok(s) => s,
        // EACCES (outside ping_group_range) and EPERM both read so.
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            return Outcome::new(Status::Unknown, refused_message(ip).await, elapsed_ms(started));
        }
        Err(e) => {
            return Outcome::new(Status::Unknown, format!("cannot open an ICMP socket: {e}"), elapsed_ms(started));
        }
    };
    let mut token = [0u8; 8];
    if getrandom::fill(&mut token).is_err() {
        token = (u64::from(std::process::id()) << 32 | u64::from(started.elapsed().subsec_nanos())).to_be_bytes();
    }
    // Requests go out evenly over the first half of the timeout; replies
    // are awaited until it ends.
    let gap = (timeout / 2 / u32::from(COUNT)).min(Duration::from_secs(1));
    let mut sent_at = Vec::with_capacity(usize::from(COUNT));
    let mut rtts: Vec<Option<Duration>> = vec![None; usize::from(COUNT)];
    let mut buf = [0u8; 1500];
    let mut next_send = tokio::time::Instant::now();
    // Bounded by the deadline in time and by this in turns (sends, replies
    // and stray packets).
    for _ in 0..1000 {
        if sent_at.len() < usize::from(COUNT) && tokio::time::Instant::now() >= next_send {
            let seq = sent_at.len() as u16;
            if let Err(e) = socket.send_to(&echo_request(ip, seq, &token), SocketAddr::new(ip, 0)).await {
                return Outcome::new(Status::Critical, format!("cannot send to {ip}: {e}"), elapsed_ms(started));
            }
            sent_at.push(Instant::now());
            next_send += gap;
            continue;
        }
        if rtts.iter().all(Option::is_some) {
            break;
        }
        let wake = if sent_at.len() < usize::from(COUNT) { next_send.min(deadline) } else { deadline };
        match tokio::time::timeout_at(wake, socket.recv_from(&mut buf)).await {
            Ok(Ok((n, _))) => {
                if let Some(seq) = echo_reply(ip, &buf[..n], &token) {
                    if let (Some(at), Some(slot)) = (sent_at.get(usize::from(seq)), rtts.get_mut(usize::from(seq))) {
                        slot.get_or_insert(at.elapsed());
                    }
                }
            }
            Ok(Err(e)) => {
                return Outcome::new(Status::Critical, format!("{ip}: {}", with_causes(&e)), elapsed_ms(started));
            }
            Err(_) if tokio::time::Instant::now() >= deadline => break,
            Err(_) => {}
        }
    }
    verdict(&check.host, ip, &rtts, elapsed_ms(started))
}

async fn resolve(host: &str) -> Result<IpAddr, String> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(ip);
    }
    let mut addrs = tokio::net::lookup_host((host, 0)).await.map_err(|e| format!("cannot resolve {host}: {e}"))?;
    addrs.next().map(|a| a.ip()).ok_or_else(|| format!("{host} has no address"))
}

fn open(ip: IpAddr) -> std::io::Result<UdpSocket> {
    let socket = match ip {
        IpAddr::V4(_) => Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::ICMPV4))?,
        IpAddr::V6(_) => Socket::new(Domain::IPV6, Type::DGRAM, Some(Protocol::ICMPV6))?,
    };
    socket.set_nonblocking(true)?;
    UdpSocket::from_std(socket.into())
}

async fn refused_message(ip: IpAddr) -> String {
    let range = tokio::fs::read_to_string(RANGE_FILE).await.unwrap_or_default();
    let range = range.split_whitespace().collect::<Vec<_>>().join(" ");
    let gid = rustix::process::getgid().as_raw();
    let family = if ip.is_ipv4() { "" } else { " (IPv6 follows the same setting)" };
    format!(
        "the system does not allow unprivileged ping: net.ipv4.ping_group_range is \"{range}\" and Steward runs in group {gid}; \
         allow it with sysctl -w net.ipv4.ping_group_range=\"{gid} {gid}\" (or a range including {gid}){family}"
    )
}

/// An echo request: type, code, checksum, identifier (the kernel sets it),
/// sequence, then the token.
fn echo_request(ip: IpAddr, seq: u16, token: &[u8; 8]) -> Vec<u8> {
    let kind = if ip.is_ipv4() { 8 } else { 128 };
    let mut p = vec![kind, 0, 0, 0, 0, 0];
    p.extend(seq.to_be_bytes());
    p.extend(token);
    if ip.is_ipv4() {
        // The kernel computes ICMPv6 checksums itself; ICMPv4's is ours.
        let sum = checksum(&p);
        p[2..4].copy_from_slice(&sum.to_be_bytes());
    }
    p
}

/// The sequence number of an echo reply carrying our token.
fn echo_reply(ip: IpAddr, p: &[u8], token: &[u8; 8]) -> Option<u16> {
    let reply = if ip.is_ipv4() { 0 } else { 129 };
    (p.len() >= 16 && p[0] == reply && &p[8..16] == token).then(|| u16::from_be_bytes([p[6], p[7]]))
}

/// The Internet checksum (RFC 1071).
fn checksum(data: &[u8]) -> u16 {
    let mut sum: u32 = data.chunks(2).map(|c| u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))).sum();
    while sum >> 16 != 0 {
        sum = (sum & 0xFFFF) + (sum >> 16);
    }
    !(sum as u16)
}

fn verdict(host: &str, ip: IpAddr, rtts: &[Option<Duration>], latency_ms: u64) -> Outcome {
    let got: Vec<f64> = rtts.iter().flatten().map(|d| d.as_secs_f64() * 1000.0).collect();
    let lost = rtts.len() - got.len();
    let loss = lost as f64 * 100.0 / rtts.len().max(1) as f64;
    let who = if host == ip.to_string() { host.to_owned() } else { format!("{host} ({ip})") };
    let datum = |label: &str, value: f64, uom: Uom| PerfDatum {
        label: label.into(),
        value: Some(value),
        uom,
        warn: None,
        crit: None,
        min: Some(0.0),
        max: None,
    };
    let mut out = Outcome::new(Status::Ok, String::new(), latency_ms);
    out.perfdata.push(datum("pl", loss, Uom::Percent));
    if got.is_empty() {
        out.status = Status::Critical;
        out.message = format!("no echo reply from {who} ({} sent)", rtts.len());
        return out;
    }
    let avg = got.iter().sum::<f64>() / got.len() as f64;
    out.perfdata.push(datum("rta", avg, Uom::Milliseconds));
    out.status = if lost > 0 { Status::Warning } else { Status::Ok };
    out.message = format!("{who}: {} of {} replies, {loss:.0}% lost, average {avg:.2} ms", got.len(), rtts.len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_1071_checksum() {
        // RFC 1071's worked example sums to 0xddf2; the checksum is its complement.
        assert_eq!(checksum(&[0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]), !0xddf2);
        let p = echo_request(IpAddr::from([127, 0, 0, 1]), 5, &[1; 8]);
        assert_eq!(checksum(&p), 0, "a packet with its checksum sums to zero");
    }

    #[test]
    fn replies_are_matched_by_token_and_sequence() {
        let ip = IpAddr::from([127, 0, 0, 1]);
        let mut reply = echo_request(ip, 2, &[9; 8]);
        reply[0] = 0;
        assert_eq!(echo_reply(ip, &reply, &[9; 8]), Some(2));
        assert_eq!(echo_reply(ip, &reply, &[8; 8]), None);
        assert_eq!(echo_reply(ip, &reply[..10], &[9; 8]), None);
        let v = verdict("h", ip, &[Some(Duration::from_millis(2)), None, Some(Duration::from_millis(4))], 9);
        assert_eq!(
            (v.status, v.message.as_str()),
            (Status::Warning, "h (127.0.0.1): 2 of 3 replies, 33% lost, average 3.00 ms")
        );
        let v = verdict("127.0.0.1", ip, &[None, None, None], 9);
        assert_eq!((v.status, v.message.as_str()), (Status::Critical, "no echo reply from 127.0.0.1 (3 sent)"));
    }
}
