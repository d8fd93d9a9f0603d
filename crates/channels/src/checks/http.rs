//! HTTP(S): the status, the body (text, JSON condition) and the time to
//! the last byte read. Redirects are not followed (expect a 3xx if a
//! redirect is the right answer); certificates are verified against the
//! system's trust store (the TLS check reads expiry without verifying).

use super::{elapsed_ms, timed_out, with_causes};
use crate::webhook::ClientError;
use std::time::{Duration, Instant};
use steward_domain::check::definition::{HttpCheck, HttpMethod};
use steward_domain::check::verdict::{self, HttpFacts};
use steward_domain::check::{Outcome, Status};

/// The client all HTTP checks share (its connection pool included).
pub fn client() -> Result<reqwest::Client, ClientError> {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        return Err(ClientError("no TLS crypto provider is installed".into()));
    }
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Steward-check/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| ClientError(e.to_string()))
}

pub async fn run(client: &reqwest::Client, check: &HttpCheck, timeout: Duration, body_cap: usize) -> Outcome {
    let started = Instant::now();
    let deadline = tokio::time::Instant::from_std(started) + timeout;
    let method = match check.method {
        HttpMethod::Get => reqwest::Method::GET,
        HttpMethod::Head => reqwest::Method::HEAD,
    };
    let request = client.request(method, &check.url).timeout(timeout);
    let mut response = match tokio::time::timeout_at(deadline, request.send()).await {
        Err(_) => return timed_out("no answer", timeout, started),
        Ok(Err(e)) if e.is_timeout() => return timed_out("no answer", timeout, started),
        Ok(Err(e)) if e.is_builder() => {
            return Outcome::new(
                Status::Unknown,
                format!("the URL is not usable: {}", with_causes(&e)),
                elapsed_ms(started),
            );
        }
        Ok(Err(e)) => {
            return Outcome::new(Status::Critical, format!("no answer: {}", with_causes(&e)), elapsed_ms(started));
        }
        Ok(Ok(r)) => r,
    };
    let status = response.status().as_u16();
    let mut body = Vec::new();
    let mut truncated = false;
    loop {
        match tokio::time::timeout_at(deadline, response.chunk()).await {
            Err(_) => return timed_out(&format!("HTTP {status}, but the body did not arrive"), timeout, started),
            Ok(Err(e)) => {
                let message = format!("HTTP {status}, but reading the body failed: {}", with_causes(&e));
                return Outcome::new(Status::Critical, message, elapsed_ms(started));
            }
            Ok(Ok(None)) => break,
            Ok(Ok(Some(chunk))) => {
                let room = body_cap.saturating_sub(body.len());
                if chunk.len() > room {
                    body.extend_from_slice(&chunk[..room]);
                    truncated = true;
                    break;
                }
                body.extend_from_slice(&chunk);
            }
        }
    }
    let facts = HttpFacts { status, body: &body, body_truncated: truncated, elapsed_ms: elapsed_ms(started) };
    verdict::http(check, facts)
}
