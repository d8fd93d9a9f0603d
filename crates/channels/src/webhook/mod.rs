//! Webhooks out: one signed HTTP POST per event, in plain JSON, Slack or
//! Microsoft Teams form.
//!
//! Every call carries
//! - `Content-Type: application/json`,
//! - `X-Steward-Event: <event name>`, e.g. `incident.created`,
//! - `X-Steward-Delivery: <id>`: the same id on every retry of one delivery,
//!   so a receiver can drop duplicates,
//! - `X-Steward-Signature` when the target has a secret (see [`signature`]
//!   for the scheme and how to verify it).
//!
//! [`deliver`] never takes longer than the target's timeout, whatever the
//! endpoint does, so a dead endpoint cannot hold a worker; its outcome says
//! whether a retry may help. Calls to internal addresses are refused unless
//! the allow-list names them ([`guard`]).

pub mod guard;
mod payload;
pub mod signature;

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub use guard::{AddressPolicy, RefusedAddress};

pub use payload::{Notice, Severity, payload, slack, teams};
pub use signature::{SIGNATURE_HEADER, sign, verify};

use crate::DeliveryError;

pub const EVENT_HEADER: &str = "X-Steward-Event";
pub const DELIVERY_HEADER: &str = "X-Steward-Delivery";

/// At most this much of an answer is kept, for the delivery log.
pub const EXCERPT_BYTES: usize = 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookFormat {
    Json,
    Slack,
    Teams,
}

/// Where and how to call.
#[derive(Clone)]
pub struct WebhookTarget {
    pub url: String,
    /// Shown as `<redacted>` in `Debug`.
    pub secret: Option<String>,
    pub format: WebhookFormat,
    /// The longest one call may take: connecting, sending, and the answer's
    /// status and first bytes.
    pub timeout: Duration,
}

impl std::fmt::Debug for WebhookTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookTarget")
            .field("url", &self.url)
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .field("format", &self.format)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// What happened to one call, for the delivery log and the retry decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryOutcome {
    /// The HTTP status, when the endpoint answered at all.
    pub status: Option<u16>,
    pub duration: Duration,
    /// The start of the answer's body ([`EXCERPT_BYTES`] at most), lossy
    /// UTF-8.
    pub response_excerpt: String,
    /// `None` on success (a 2xx answer).
    pub error: Option<DeliveryError>,
}

impl DeliveryOutcome {
    pub fn is_success(&self) -> bool {
        self.error.is_none()
    }
}

/// The HTTP client could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot build the webhook HTTP client: {0}")]
pub struct ClientError(pub String);

/// An HTTP client suited to webhooks: redirects are not followed (a webhook
/// URL that redirects is misconfigured, and following it could lead a
/// signed call somewhere else), every address is checked against the
/// [`AddressPolicy`], and calls name Steward as user agent. Share one
/// client between calls: it keeps connections alive.
#[derive(Clone)]
pub struct WebhookClient {
    http: reqwest::Client,
    policy: Arc<AddressPolicy>,
}

/// Builds the [`WebhookClient`].
///
/// Needs the process-wide rustls crypto provider (the binary installs ring at
/// start); without one this fails instead of panicking inside reqwest.
pub fn client(policy: AddressPolicy) -> Result<WebhookClient, ClientError> {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        return Err(ClientError("no TLS crypto provider is installed".into()));
    }
    let policy = Arc::new(policy);
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .dns_resolver(Arc::new(guard::GuardedResolver(policy.clone())))
        .user_agent(concat!("Steward/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| ClientError(e.to_string()))?;
    Ok(WebhookClient { http, policy })
}

/// POSTs `payload` to `target`, signed if it has a secret.
///
/// 2xx is success; 408, 429, 5xx, timeouts and connection failures are
/// transient; other answers (4xx, and 3xx since redirects are not followed)
/// are permanent, and so is an address the policy refuses. Returns within
/// `target.timeout`.
pub async fn deliver(
    client: &WebhookClient,
    target: &WebhookTarget,
    event_name: &str,
    delivery_id: &str,
    payload: &serde_json::Value,
) -> DeliveryOutcome {
    let started = Instant::now();
    let deadline = tokio::time::Instant::from_std(started) + target.timeout;
    let outcome = |status, excerpt, error| DeliveryOutcome {
        status,
        duration: started.elapsed(),
        response_excerpt: excerpt,
        error,
    };
    let body = match serde_json::to_vec(payload) {
        Ok(body) => body,
        Err(e) => return outcome(None, String::new(), Some(DeliveryError::permanent(format!("bad payload: {e}")))),
    };
    if let Err(refused) = client.policy.check_literal(&target.url) {
        return outcome(None, String::new(), Some(DeliveryError::permanent(refused.to_string())));
    }
    let mut request = client
        .http
        .post(&target.url)
        .timeout(target.timeout)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(EVENT_HEADER, event_name)
        .header(DELIVERY_HEADER, delivery_id);
    if let Some(secret) = &target.secret {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default();
        request = request.header(SIGNATURE_HEADER, sign(secret, now, &body));
    }
    // reqwest's own timeout should fire first; this one is the guarantee.
    let response = match tokio::time::timeout_at(deadline, request.body(body).send()).await {
        Ok(Ok(response)) => response,
        Ok(Err(e)) => return outcome(None, String::new(), Some(request_error(&e, target.timeout))),
        Err(_) => return outcome(None, String::new(), Some(timed_out(target.timeout))),
    };
    let status = response.status();
    let location = response.headers().get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
    // The status is what counts; a body that is slow or cut short only
    // shortens the excerpt.
    let excerpt = tokio::time::timeout_at(deadline, excerpt(response)).await.unwrap_or_default();
    outcome(Some(status.as_u16()), excerpt, status_error(status, location.as_deref()))
}

async fn excerpt(mut response: reqwest::Response) -> String {
    let mut bytes = Vec::new();
    while bytes.len() < EXCERPT_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            Ok(None) | Err(_) => break,
        }
    }
    bytes.truncate(EXCERPT_BYTES);
    String::from_utf8_lossy(&bytes).into_owned()
}

fn status_error(status: reqwest::StatusCode, location: Option<&str>) -> Option<DeliveryError> {
    let code = status.as_u16();
    let said = format!("the endpoint answered {status}");
    match code {
        200..=299 => None,
        408 | 429 | 500..=599 => Some(DeliveryError::transient(said)),
        300..=399 => Some(DeliveryError::permanent(format!(
            "{said}, a redirect to {}; redirects are not followed: use the final URL",
            location.unwrap_or("(no location)")
        ))),
        _ => Some(DeliveryError::permanent(said)),
    }
}

fn timed_out(limit: Duration) -> DeliveryError {
    DeliveryError::transient(format!("no answer within {} s", limit.as_secs_f32()))
}

fn request_error(e: &reqwest::Error, limit: Duration) -> DeliveryError {
    if e.is_timeout() {
        return timed_out(limit);
    }
    // reqwest's message is generic; the cause ("Connection refused", "dns
    // error: …", a certificate problem) is in its sources.
    let mut reason = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        reason.push_str(": ");
        reason.push_str(&cause.to_string());
        source = cause.source();
    }
    if let Some(refused) = find_cause::<RefusedAddress>(e) {
        return DeliveryError::permanent(refused.to_string());
    }
    if e.is_builder() {
        DeliveryError::permanent(format!("the webhook URL or a header is not usable: {reason}"))
    } else if e.is_connect() {
        DeliveryError::transient(format!("could not connect: {reason}"))
    } else {
        DeliveryError::transient(reason)
    }
}

/// The first error of type `T` in `e`'s chain of causes.
fn find_cause<T: std::error::Error + 'static>(e: &reqwest::Error) -> Option<&T> {
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        if let Some(found) = cause.downcast_ref::<T>() {
            return Some(found);
        }
        source = cause.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_sort_into_retry_or_give_up() {
        let class = |code: u16| status_error(reqwest::StatusCode::from_u16(code).unwrap(), None).map(|e| e.transient);
        assert_eq!(class(200), None);
        assert_eq!(class(204), None);
        for transient in [408, 429, 500, 502, 503, 504] {
            assert_eq!(class(transient), Some(true), "{transient}");
        }
        for permanent in [301, 400, 401, 403, 404, 410, 422] {
            assert_eq!(class(permanent), Some(false), "{permanent}");
        }
    }

    #[test]
    fn client_needs_a_crypto_provider_and_says_so() {
        // Nothing else in this (unit test) binary installs one.
        if rustls::crypto::CryptoProvider::get_default().is_none() {
            let Err(err) = client(AddressPolicy::default()) else { panic!("built without a provider") };
            assert_eq!(err.to_string(), "cannot build the webhook HTTP client: no TLS crypto provider is installed");
        }
        let _ = rustls::crypto::ring::default_provider().install_default();
        assert!(client(AddressPolicy::default()).is_ok());
    }

    #[test]
    fn debug_hides_the_secret() {
        let target = WebhookTarget {
            url: "https://example.com/hook".into(),
            secret: Some("s3cret".into()),
            format: WebhookFormat::Json,
            timeout: Duration::from_secs(5),
        };
        let shown = format!("{target:?}");
        assert!(!shown.contains("s3cret") && shown.contains("<redacted>"), "{shown}");
    }
}
