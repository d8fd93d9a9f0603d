//! DNS: ask one server one question and judge the answers. UDP first, TCP
//! when the answer is truncated.

use super::dns_wire::{self, Response};
use super::{elapsed_ms, timed_out};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use steward_domain::check::definition::{self, DnsCheck};
use steward_domain::check::verdict;
use steward_domain::check::{Outcome, Status};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};

pub async fn run(check: &DnsCheck, timeout: Duration) -> Outcome {
    let started = Instant::now();
    let server = match &check.server {
        Some(s) => match definition::dns_server(s) {
            Some(addr) => addr,
            None => return Outcome::new(Status::Unknown, format!("{s:?} is not a DNS server address"), 0),
        },
        None => system_server().await,
    };
    match tokio::time::timeout(timeout, ask(server, check)).await {
        Err(_) => timed_out(&format!("no answer from {server}"), timeout, started),
        Ok(Err(e)) => Outcome::new(Status::Critical, format!("asking {server}: {e}"), elapsed_ms(started)),
        Ok(Ok(r)) if r.rcode == 3 => Outcome::new(
            Status::Critical,
            format!("{} does not exist (NXDOMAIN from {server})", check.name),
            elapsed_ms(started),
        ),
        Ok(Ok(r)) if r.rcode != 0 => {
            let said = dns_wire::rcode_name(r.rcode);
            Outcome::new(
                Status::Critical,
                format!("{server} answered {said} (rcode {}) for {}", r.rcode, check.name),
                elapsed_ms(started),
            )
        }
        Ok(Ok(r)) => verdict::dns(check, &r.answers, elapsed_ms(started)),
    }
}

/// The first `nameserver` of /etc/resolv.conf, or the resolver's own
/// default (127.0.0.1) when there is none.
async fn system_server() -> SocketAddr {
    let conf = tokio::fs::read_to_string("/etc/resolv.conf").await.unwrap_or_default();
    conf.lines()
        .filter_map(|l| l.trim().strip_prefix("nameserver"))
        .filter_map(|rest| {
            // A link-local address may carry a zone (`fe80::1%eth0`).
            let ip = rest.trim().split('%').next().unwrap_or_default();
            definition::dns_server(ip)
        })
        .next()
        .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 53)))
}

async fn ask(server: SocketAddr, check: &DnsCheck) -> Result<Response, String> {
    let mut id = [0u8; 2];
    // An unpredictable id keeps a stray or spoofed packet from passing as
    // the answer; the clock will do if the system's source fails.
    if getrandom::fill(&mut id).is_err() {
        id = (std::process::id() as u16 ^ Instant::now().elapsed().subsec_nanos() as u16).to_be_bytes();
    }
    let id = u16::from_be_bytes(id);
    let query = dns_wire::query(id, &check.name, check.record_type)?;
    let r = udp(server, id, &query, check).await?;
    if r.truncated { tcp(server, id, &query, check).await } else { Ok(r) }
}

async fn udp(server: SocketAddr, id: u16, query: &[u8], check: &DnsCheck) -> Result<Response, String> {
    let local: SocketAddr = if server.is_ipv4() { ([0, 0, 0, 0], 0).into() } else { ([0u16; 8], 0).into() };
    let socket = UdpSocket::bind(local).await.map_err(|e| e.to_string())?;
    socket.connect(server).await.map_err(|e| e.to_string())?;
    socket.send(query).await.map_err(|e| e.to_string())?;
    let mut buf = vec![0u8; 4096];
    // Packets that are not the answer (a late one to an earlier query) are
    // skipped; the caller's timeout bounds the wait, this the count.
    for _ in 0..16 {
        let n = socket.recv(&mut buf).await.map_err(|e| e.to_string())?;
        match dns_wire::parse(&buf[..n], check.record_type) {
            Ok(r) if r.id == id => return Ok(r),
            _ => continue,
        }
    }
    Err("no answer among the packets received".into())
}

async fn tcp(server: SocketAddr, id: u16, query: &[u8], check: &DnsCheck) -> Result<Response, String> {
    let mut stream = TcpStream::connect(server).await.map_err(|e| format!("over TCP: {e}"))?;
    let mut framed = (query.len() as u16).to_be_bytes().to_vec();
    framed.extend_from_slice(query);
    stream.write_all(&framed).await.map_err(|e| format!("over TCP: {e}"))?;
    let len = stream.read_u16().await.map_err(|e| format!("over TCP: {e}"))?;
    let mut buf = vec![0u8; usize::from(len)];
    stream.read_exact(&mut buf).await.map_err(|e| format!("over TCP: {e}"))?;
    let r = dns_wire::parse(&buf, check.record_type)?;
    if r.id == id { Ok(r) } else { Err("over TCP: the answer is to another query".into()) }
}
