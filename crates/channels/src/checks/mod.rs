//! Running Steward's own checks: one executor per kind, each returning an
//! [`Outcome`] within the check's timeout, whatever the target does.
//!
//! The executors gather facts (a status code and body, a connection, DNS
//! answers, a certificate, echo replies, a plugin's output) and the pure
//! rules in `steward_domain::check` say what they mean. Checks reach
//! internal hosts by design: the webhook address guard does not apply.
//!
//! A target that cannot be reached, refuses or does not answer in time is
//! critical (it is down as far as the check can tell); a check that could
//! not be run properly (a missing plugin, ping not allowed, a plugin that
//! hangs or floods) is unknown.

pub mod dns;
mod dns_wire;
pub mod http;
pub mod ping;
pub mod plugin;
pub mod tcp;
pub mod tls;

use std::path::PathBuf;
use std::time::{Duration, Instant};
use steward_domain::check::{CheckDef, CheckKind, Outcome, Status};

/// What the caller allows checks to use.
#[derive(Debug, Clone)]
pub struct Limits {
    /// The one folder plugins are run from; without it plugin checks are
    /// refused (unknown).
    pub plugin_dir: Option<PathBuf>,
    /// Standard output a plugin may write before it is stopped.
    pub plugin_output_cap: usize,
    /// Body bytes an HTTP check reads; the rest is not read.
    pub http_body_cap: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { plugin_dir: None, plugin_output_cap: 64 * 1024, http_body_cap: 1024 * 1024 }
    }
}

/// Runs checks: holds the HTTP client (one connection pool for all HTTP
/// checks) and the limits.
#[derive(Debug, Clone)]
pub struct Runner {
    http: reqwest::Client,
    limits: Limits,
}

impl Runner {
    /// Needs the process-wide rustls crypto provider, as webhooks do.
    pub fn new(limits: Limits) -> Result<Runner, crate::webhook::ClientError> {
        Ok(Runner { http: http::client()?, limits })
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Runs `def` once. Returns within its timeout (plus a moment to kill
    /// a plugin); an executor that overstays is cut off as unknown.
    pub async fn run(&self, def: &CheckDef) -> Outcome {
        let timeout = Duration::from_millis(u64::from(def.timeout_ms));
        let started = Instant::now();
        let work = async {
            match &def.kind {
                CheckKind::Http(c) => http::run(&self.http, c, timeout, self.limits.http_body_cap).await,
                CheckKind::Tcp(c) => tcp::run(c, timeout).await,
                CheckKind::Dns(c) => dns::run(c, timeout).await,
                CheckKind::Tls(c) => tls::run(c, timeout).await,
                CheckKind::Ping(c) => ping::run(c, timeout).await,
                CheckKind::Plugin(c) => plugin::run(c, &self.limits, timeout).await,
            }
        };
        // Every executor keeps its own deadline; this is the guarantee.
        match tokio::time::timeout(timeout + GRACE, work).await {
            Ok(outcome) => outcome,
            Err(_) => Outcome::new(
                Status::Unknown,
                format!("the check did not finish within {} ms", def.timeout_ms),
                elapsed_ms(started),
            ),
        }
    }
}

/// Time a plugin gets to die after being killed, and the outer guard's
/// slack.
const GRACE: Duration = Duration::from_secs(2);

pub(crate) fn elapsed_ms(since: Instant) -> u64 {
    since.elapsed().as_millis().try_into().unwrap_or(u64::MAX)
}

/// `e` and its causes, `: `-joined (reqwest's and io's top messages are
/// generic; the cause says what happened).
pub(crate) fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let c = cause.to_string();
        if !text.contains(&c) {
            text.push_str(": ");
            text.push_str(&c);
        }
        source = cause.source();
    }
    text
}

/// "no answer within 500 ms": the same words for every kind.
pub(crate) fn timed_out(what: &str, timeout: Duration, started: Instant) -> Outcome {
    Outcome::new(Status::Critical, format!("{what} within {} ms", timeout.as_millis()), elapsed_ms(started))
}
