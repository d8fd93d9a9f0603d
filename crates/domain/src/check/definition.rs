//! What a check is: its kind with that kind's settings, how often it runs,
//! how long a run may take and how many failed runs make a state change.
//!
//! As JSON a definition is flat: `{"kind": "tcp", "host": "db1", "port":
//! 5432, "interval_secs": 60, "timeout_ms": 5000, "retries": 2}`.
//! [`CheckDef::validate`] names each bad field by that JSON name.

use super::json_path::JsonCondition;
use crate::code::{Code, Message};
use crate::sla::Problem;
use crate::text;
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, SocketAddr};

pub const MIN_INTERVAL_SECS: u32 = 10;
pub const MAX_INTERVAL_SECS: u32 = 86_400;
pub const MIN_TIMEOUT_MS: u32 = 100;
pub const MAX_RETRIES: u8 = 10;
pub const MAX_PLUGIN_ARGS: usize = 64;
/// A plugin argument and an expected text: long enough for any real use.
const TEXT_MAX: usize = 1_000;
const URL_MAX: usize = 2_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckDef {
    #[serde(flatten)]
    pub kind: CheckKind,
    /// Seconds between runs: 10 s to one day.
    pub interval_secs: u32,
    /// How long one run may take; shorter than the interval.
    pub timeout_ms: u32,
    /// Failed runs in a row, after the first, before a problem is a hard
    /// state (Nagios's `max_check_attempts` is this plus one).
    #[serde(default)]
    pub retries: u8,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CheckKind {
    Http(HttpCheck),
    Tcp(TcpCheck),
    Dns(DnsCheck),
    Tls(TlsCheck),
    Ping(PingCheck),
    Plugin(PluginCheck),
}

impl CheckKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            CheckKind::Http(_) => "http",
            CheckKind::Tcp(_) => "tcp",
            CheckKind::Dns(_) => "dns",
            CheckKind::Tls(_) => "tls",
            CheckKind::Ping(_) => "ping",
            CheckKind::Plugin(_) => "plugin",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HttpCheck {
    pub url: String,
    #[serde(default)]
    pub method: HttpMethod,
    /// Statuses that count as up; empty means 200–399.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expected_status: Vec<StatusRange>,
    /// Text the body must contain (case-sensitive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_contains: Option<String>,
    /// A [`JsonCondition`] the body must meet, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json_condition: Option<String>,
    /// A slower answer is a warning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_response_ms: Option<u32>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    #[default]
    Get,
    Head,
}

impl HttpMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Head => "HEAD",
        }
    }
}

/// HTTP statuses from `from` to `to`, both included; written `200-299`,
/// or `301` for one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StatusRange {
    pub from: u16,
    pub to: u16,
}

impl StatusRange {
    pub const DEFAULT: StatusRange = StatusRange { from: 200, to: 399 };

    pub fn contains(self, status: u16) -> bool {
        (self.from..=self.to).contains(&status)
    }

    /// `200`, `200-299` (spaces allowed around the dash).
    pub fn parse(text: &str) -> Result<StatusRange, Message> {
        let bad = || bad_range(text);
        let (a, b) = text.split_once('-').unwrap_or((text, text));
        let (Ok(from), Ok(to)) = (a.trim().parse::<u16>(), b.trim().parse::<u16>()) else { return Err(bad()) };
        let range = StatusRange { from, to };
        if range.is_valid() { Ok(range) } else { Err(bad()) }
    }

    /// A form's comma-separated list: `200-299, 301`.
    pub fn parse_list(text: &str) -> Result<Vec<StatusRange>, Message> {
        text.split(',').map(str::trim).filter(|p| !p.is_empty()).map(StatusRange::parse).collect()
    }

    pub fn is_valid(self) -> bool {
        (100..=599).contains(&self.from) && (100..=599).contains(&self.to) && self.from <= self.to
    }
}

fn bad_range(text: &str) -> Message {
    Code::HttpStatusRange
        .msg(format!("{text:?} is not an HTTP status or range such as 200-299 (100 to 599)"))
        .with("text", format!("{text:?}"))
}

impl TryFrom<String> for StatusRange {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        StatusRange::parse(&s).map_err(|m| m.text)
    }
}

impl From<StatusRange> for String {
    fn from(r: StatusRange) -> String {
        r.to_string()
    }
}

impl std::fmt::Display for StatusRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.from == self.to { write!(f, "{}", self.from) } else { write!(f, "{}-{}", self.from, self.to) }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TcpCheck {
    pub host: String,
    pub port: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsCheck {
    pub name: String,
    pub record_type: RecordType,
    /// A value one of the answers must equal (an address, a host name, an
    /// MX host, a TXT text); any answer will do without it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// The server to ask (`10.0.0.53` or `10.0.0.53:5353`); the system's
    /// first name server without it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum RecordType {
    A,
    Aaaa,
    Cname,
    Mx,
    Txt,
}

impl RecordType {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordType::A => "A",
            RecordType::Aaaa => "AAAA",
            RecordType::Cname => "CNAME",
            RecordType::Mx => "MX",
            RecordType::Txt => "TXT",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsCheck {
    pub host: String,
    #[serde(default = "https_port")]
    pub port: u16,
    /// Fewer days left than this is a warning.
    #[serde(default = "warn_days")]
    pub warn_days: u16,
    /// Fewer days left than this is critical.
    #[serde(default = "critical_days")]
    pub critical_days: u16,
}

fn https_port() -> u16 {
    443
}
fn warn_days() -> u16 {
    30
}
fn critical_days() -> u16 {
    14
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PingCheck {
    pub host: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginCheck {
    /// A file in the configured plugin folder, by name alone.
    pub file: String,
    /// Passed as they are, one argument each: there is no shell.
    #[serde(default)]
    pub args: Vec<String>,
}

impl CheckDef {
    pub fn validate(&self) -> Result<(), Vec<Problem>> {
        let mut problems = Vec::new();
        let mut problem = |field: &str, reason: Message| problems.push(Problem::new(field, reason));
        let interval_ok = (MIN_INTERVAL_SECS..=MAX_INTERVAL_SECS).contains(&self.interval_secs);
        if !interval_ok {
            problem("interval_secs", between(MIN_INTERVAL_SECS, MAX_INTERVAL_SECS));
        }
        if self.timeout_ms < MIN_TIMEOUT_MS {
            problem("timeout_ms", between(MIN_TIMEOUT_MS, MAX_INTERVAL_SECS * 1000 - 1));
        } else if interval_ok && u64::from(self.timeout_ms) >= u64::from(self.interval_secs) * 1000 {
            let m = format!("must be shorter than the interval ({} s)", self.interval_secs);
            problem("timeout_ms", Code::TimeoutBelowInterval.msg(m).with("interval", self.interval_secs));
        }
        if self.retries > MAX_RETRIES {
            problem("retries", between(0, MAX_RETRIES));
        }
        match &self.kind {
            CheckKind::Http(h) => {
                if let Err(m) = url(&h.url) {
                    problem("url", m);
                }
                for (i, r) in h.expected_status.iter().enumerate() {
                    if !r.is_valid() {
                        problem(&format!("expected_status[{i}]"), bad_range(&format!("{}-{}", r.from, r.to)));
                    }
                }
                if let Some(t) = &h.body_contains {
                    if let Err(e) = text::check(t, text::Limit { min: 1, max: TEXT_MAX, multiline: true }) {
                        problem("body_contains", e.into());
                    }
                }
                if let Some(c) = &h.json_condition {
                    if let Err(detail) = JsonCondition::parse(c) {
                        problem("json_condition", Code::JsonCondition.msg(detail.clone()).with("detail", detail));
                    }
                }
                if let Some(ms) = h.max_response_ms {
                    if ms == 0 || ms > self.timeout_ms {
                        problem("max_response_ms", between(1, self.timeout_ms.max(1)));
                    }
                }
            }
            CheckKind::Tcp(t) => {
                if let Err(m) = host(&t.host) {
                    problem("host", m);
                }
                if t.port == 0 {
                    problem("port", between(1, 65535));
                }
            }
            CheckKind::Dns(d) => {
                if let Err(m) = dns_name(&d.name) {
                    problem("name", m);
                }
                if let Some(e) = &d.expected {
                    if let Err(e) = text::check(e, text::Limit { min: 1, max: TEXT_MAX, multiline: false }) {
                        problem("expected", e.into());
                    }
                }
                if let Some(s) = &d.server {
                    if dns_server(s).is_none() {
                        let m = format!(
                            "{s:?} is not an IP address, with or without a port (10.0.0.53, 10.0.0.53:5353, [::1]:53)"
                        );
                        problem("server", Code::NotIpAddress.msg(m).with("text", format!("{s:?}")));
                    }
                }
            }
            CheckKind::Tls(t) => {
                if let Err(m) = host(&t.host) {
                    problem("host", m);
                }
                if t.port == 0 {
                    problem("port", between(1, 65535));
                }
                for (field, days) in [("warn_days", t.warn_days), ("critical_days", t.critical_days)] {
                    if days > 3650 {
                        problem(field, between(0, 3650));
                    }
                }
                if t.critical_days > t.warn_days {
                    let m = format!("must not be more than warn_days ({})", t.warn_days);
                    problem("critical_days", Code::TlsDaysOrder.msg(m).with("warn", t.warn_days));
                }
            }
            CheckKind::Ping(p) => {
                if let Err(m) = host(&p.host) {
                    problem("host", m);
                }
            }
            CheckKind::Plugin(p) => {
                if let Err(m) = plugin_file(&p.file) {
                    problem("file", m);
                }
                if p.args.len() > MAX_PLUGIN_ARGS {
                    problem(
                        "args",
                        Code::TooMany.msg(format!("at most {MAX_PLUGIN_ARGS} arguments")).with("max", MAX_PLUGIN_ARGS),
                    );
                }
                for (i, a) in p.args.iter().enumerate() {
                    if let Err(e) = text::check(a, text::Limit { min: 0, max: TEXT_MAX, multiline: false }) {
                        problem(&format!("args[{i}]"), e.into());
                    }
                }
            }
        }
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }
}

fn between(min: impl ToString, max: impl ToString) -> Message {
    let (min, max) = (min.to_string(), max.to_string());
    Code::Between.msg(format!("must be between {min} and {max}")).with("min", min).with("max", max)
}

/// An `http://` or `https://` URL with a host and no spaces; the executor's
/// URL parser has the last word.
pub fn url(u: &str) -> Result<(), Message> {
    let not_url = || Code::NotUrl.msg("must be an http:// or https:// address with a host");
    if u.is_empty() {
        return Err(text::TextError::Required.into());
    }
    if u.chars().count() > URL_MAX {
        return Err(text::TextError::TooLong { max: URL_MAX, got: u.chars().count() }.into());
    }
    let lower = u.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://")).ok_or_else(not_url)?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    if host_port.is_empty() || host_port.starts_with(':') || u.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(not_url());
    }
    Ok(())
}

/// A host name (letters, digits, `-`, `_`, dots) or an IP address.
pub fn host(h: &str) -> Result<(), Message> {
    if h.is_empty() {
        return Err(text::TextError::Required.into());
    }
    if h.parse::<IpAddr>().is_ok() || is_dns_name(h) {
        return Ok(());
    }
    let shown: String = h.chars().take(100).collect();
    Err(Code::NotHost.msg(format!("{shown:?} is not a host name or an IP address")).with("text", format!("{shown:?}")))
}

/// A name to look up (`_dmarc.example.com` too).
pub fn dns_name(n: &str) -> Result<(), Message> {
    if n.is_empty() {
        return Err(text::TextError::Required.into());
    }
    if is_dns_name(n) {
        return Ok(());
    }
    let shown: String = n.chars().take(100).collect();
    Err(Code::NotHost.msg(format!("{shown:?} is not a DNS name")).with("text", format!("{shown:?}")))
}

/// Dot-separated labels of letters, digits, `-` and `_` (internal names
/// and service labels use it), 63 bytes each, 253 in all.
fn is_dns_name(n: &str) -> bool {
    let n = n.strip_suffix('.').unwrap_or(n);
    !n.is_empty()
        && n.len() <= 253
        && n.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

/// A DNS server's address: an IP, with or without a port (53).
pub fn dns_server(s: &str) -> Option<SocketAddr> {
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(SocketAddr::new(ip, 53));
    }
    s.parse::<SocketAddr>().ok().filter(|a| a.port() != 0)
}

/// A plugin's file name: a name in the plugin folder and nothing more.
pub fn plugin_file(f: &str) -> Result<(), Message> {
    if f.is_empty() {
        return Err(text::TextError::Required.into());
    }
    let bad = f.contains(['/', '\\', '\0'])
        || f == "."
        || f == ".."
        || f.len() > 255
        || f.chars().any(|c| c.is_control() || text::is_bidi_control(c));
    if bad {
        return Err(Code::PluginFileName
            .msg("must be the name of a file in the plugin folder: no / or \\, not . or .., no control characters"));
    }
    Ok(())
}

#[cfg(test)]
#[path = "definition_tests.rs"]
mod tests;
