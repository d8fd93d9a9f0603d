//! `[metrics]`: who may read `/metrics` (Prometheus' exposition format) —
//! a bearer of a token on the main address, anyone who reaches an address
//! of its own, or both. With neither set, `/metrics` is off.

use anyhow::{Result, bail};
use serde::Deserialize;
use std::net::SocketAddr;

#[derive(Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsConfig {
    /// Serve `/metrics` on the main address to `Authorization: Bearer
    /// <token>` (at least 16 characters).
    pub token: String,
    /// Also serve `/metrics`, open, on this address (e.g. 127.0.0.1:9464).
    pub listen: String,
}

impl std::fmt::Debug for MetricsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetricsConfig")
            .field("token", &if self.token.is_empty() { "" } else { "<redacted>" })
            .field("listen", &self.listen)
            .finish()
    }
}

/// The shortest token taken: a guessable one would open the figures.
const TOKEN_MIN: usize = 16;

pub const ENV_KEYS: &[(&str, &str)] =
    &[("STEWARD_METRICS_TOKEN", "metrics.token"), ("STEWARD_METRICS_LISTEN", "metrics.listen")];

pub const EXAMPLE: &str = r#"
# /metrics in Prometheus' format: records by kind, state and priority, SLA breaches,
# the outbox, alerts and checks, the writers, request latencies by route. Off unless
# one of these is set (both may be).
[metrics]
token = ""              # serve it on the main address to "Authorization: Bearer <token>"
                        # (16 characters or more)                env: STEWARD_METRICS_TOKEN
listen = ""             # serve it, open, on an address of its own, e.g. "127.0.0.1:9464"
                        # (one only Prometheus reaches)          env: STEWARD_METRICS_LISTEN
"#;

impl MetricsConfig {
    /// The token, checked (none when empty); a bad one names its key.
    pub fn token(&self) -> Result<Option<String>> {
        let t = self.token.trim();
        if t.is_empty() {
            return Ok(None);
        }
        if t.chars().count() < TOKEN_MIN {
            bail!("metrics.token: must be at least {TOKEN_MIN} characters long");
        }
        if t.chars().any(|c| c.is_whitespace() || c.is_control()) {
            bail!("metrics.token: must not contain spaces or control characters");
        }
        Ok(Some(t.to_owned()))
    }

    /// The address of its own, checked (none when empty).
    pub fn listen(&self) -> Result<Option<SocketAddr>> {
        let l = self.listen.trim();
        if l.is_empty() {
            return Ok(None);
        }
        match l.parse() {
            Ok(a) => Ok(Some(a)),
            Err(_) => bail!("metrics.listen: {l:?} is not an address such as 127.0.0.1:9464"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_and_the_address_are_checked() {
        let c = |token: &str, listen: &str| MetricsConfig { token: token.into(), listen: listen.into() };
        assert_eq!(c("", "").token().unwrap(), None);
        assert_eq!(c("", "").listen().unwrap(), None);
        assert_eq!(c(" 0123456789abcdef ", "").token().unwrap().as_deref(), Some("0123456789abcdef"));
        assert!(c("short", "").token().unwrap_err().to_string().starts_with("metrics.token: must be at least 16"));
        assert!(c("0123456789 abcdef", "").token().unwrap_err().to_string().contains("spaces"));
        assert_eq!(c("", "127.0.0.1:9464").listen().unwrap(), Some("127.0.0.1:9464".parse().unwrap()));
        let e = c("", "localhost").listen().unwrap_err().to_string();
        assert!(e.starts_with("metrics.listen: \"localhost\" is not an address"), "{e}");
    }
}
