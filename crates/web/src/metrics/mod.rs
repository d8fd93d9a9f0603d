//! `/metrics` for Prometheus (issue 14): records by kind, state and
//! priority and SLA/OLA clock outcomes (standing totals the measures'
//! worker keeps, never a count over the records), the outbox, alerts and
//! checks, the group-commit writers and request latencies by route.
//!
//! Who may read it is the admin's choice: with `metrics.token` set, the
//! main address serves it to a bearer of that token; with
//! `metrics.listen` set, an address of its own serves it to anyone who can
//! reach that address (a port the scraper alone reaches). With neither,
//! the main address answers 404.

pub mod http;
pub mod text;

use crate::AppState;
use axum::{
    Router,
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use sha2::{Digest, Sha256};
use steward_app::reports::metrics::Metrics;
use text::Exposition;

/// `/metrics` on the main address: with the configured token only.
pub fn routes() -> Router<AppState> {
    Router::new().route("/metrics", get(guarded))
}

/// The router of `metrics.listen`: `/metrics`, open.
pub fn open_router(state: AppState) -> Router {
    Router::new().route("/metrics", get(scrape)).with_state(state)
}

async fn guarded(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(token) = state.web.metrics_token.as_deref() else {
        return (StatusCode::NOT_FOUND, "metrics are off here: set metrics.token or metrics.listen\n").into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    // Compared as hashes, so the time taken says nothing of the token.
    if Sha256::digest(given.trim().as_bytes()) != Sha256::digest(token.as_bytes()) {
        let mut r = (StatusCode::UNAUTHORIZED, "a bearer token (metrics.token) is needed\n").into_response();
        r.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer realm=\"metrics\""));
        return r;
    }
    scrape(State(state)).await
}

async fn scrape(State(state): State<AppState>) -> Response {
    let m = match state.app.metrics().await {
        Ok(m) => m,
        Err(e) => {
            tracing::warn!(error = %e, "reading the metrics failed");
            return (StatusCode::SERVICE_UNAVAILABLE, "the database did not answer\n").into_response();
        }
    };
    let body = render(&m, &state);
    ([(header::CONTENT_TYPE, text::CONTENT_TYPE), (header::CACHE_CONTROL, "no-store")], body).into_response()
}

/// Every family, in a fixed order.
fn render(m: &Metrics, state: &AppState) -> String {
    let mut e = Exposition::default();
    let version = env!("CARGO_PKG_VERSION");
    e.family("steward_build_info", "gauge", "Steward's version and database backend (always 1).").sample(
        "steward_build_info",
        &[("version", version), ("backend", m.backend)],
        1.0,
    );
    e.family("steward_start_time_seconds", "gauge", "When this node started, in seconds since the Unix epoch.").sample(
        "steward_start_time_seconds",
        &[],
        state.started_at as f64 / 1e6,
    );
    totals(&mut e, m);
    e.family(
        "steward_measures_behind_entries",
        "gauge",
        "Journal entries the measures' worker has not taken as read (it rereads the last 30 s).",
    )
    .sample("steward_measures_behind_entries", &[], m.gauges.measures_behind as f64);
    e.family(
        "steward_outbox_messages",
        "gauge",
        "Outgoing messages waiting to be sent (pending) or given up on (dead).",
    )
    .sample("steward_outbox_messages", &[("state", "pending")], m.gauges.outbox_pending as f64)
    .sample("steward_outbox_messages", &[("state", "dead")], m.gauges.outbox_dead as f64);
    let age = m.gauges.outbox_oldest_at.map_or(0.0, |at| ((m.now - at).max(0)) as f64 / 1e6);
    e.family(
        "steward_outbox_oldest_pending_age_seconds",
        "gauge",
        "How long the oldest waiting message has waited (0: none waits).",
    )
    .sample("steward_outbox_oldest_pending_age_seconds", &[], age);
    e.family("steward_alerts_firing", "gauge", "Alerts firing now.").sample(
        "steward_alerts_firing",
        &[],
        m.gauges.alerts_firing as f64,
    );
    e.family(
        "steward_alert_labels_queued",
        "gauge",
        "Alerts the label index does not hold yet (lists read them one by one meanwhile).",
    )
    .sample("steward_alert_labels_queued", &[], m.gauges.alert_labels_queued as f64);
    e.family("steward_alert_groups_open", "gauge", "Correlated alert groups not yet resolved.").sample(
        "steward_alert_groups_open",
        &[],
        m.gauges.alert_groups_open as f64,
    );
    e.family("steward_silences_active", "gauge", "Alert silences in effect now.").sample(
        "steward_silences_active",
        &[],
        m.gauges.silences_active as f64,
    );
    let c = &m.counters;
    e.family(
        "steward_alerts_received_total",
        "counter",
        "Alerts this node took in since it started (new or repeated), by outcome.",
    )
    .sample("steward_alerts_received_total", &[("outcome", "kept")], c.alerts_kept as f64)
    .sample("steward_alerts_received_total", &[("outcome", "refused")], c.alerts_refused as f64);
    e.family("steward_check_results_total", "counter", "Check results this node ran since it started, by outcome.")
        .sample("steward_check_results_total", &[("outcome", "recorded")], c.check_results as f64)
        .sample("steward_check_results_total", &[("outcome", "dropped")], c.check_results_dropped as f64);
    e.family("steward_checks", "gauge", "Enabled checks by their confirmed status.");
    for (status, n) in &m.gauges.checks {
        e.sample("steward_checks", &[("status", status)], *n as f64);
    }
    writer(&mut e, m);
    e.family("steward_db_connections", "gauge", "This node's read pool connections, by state.")
        .sample("steward_db_connections", &[("state", "open")], f64::from(m.connections.0))
        .sample("steward_db_connections", &[("state", "idle")], m.connections.1 as f64);
    let name = "steward_http_request_duration_seconds";
    e.family(
        name,
        "histogram",
        "HTTP requests to this node by route template, method and status, and how long they took.",
    );
    for r in state.http_metrics.read() {
        let status = r.status.to_string();
        e.histogram(name, &[("route", &r.route), ("method", r.method), ("code", &status)], &r.le, r.sum, r.count);
    }
    e.finish()
}

/// Records by state and clock outcomes, from the worker's standing totals.
fn totals(e: &mut Exposition, m: &Metrics) {
    let families = [
        (
            "records",
            "steward_records",
            "gauge",
            "Records by kind, state and priority (0: none), as the measures' worker last counted them.",
        ),
        (
            "sla_met",
            "steward_sla_clocks_met_total",
            "counter",
            "SLA and OLA clocks that ended within their target, by kind, target (response, resolution, group) and priority.",
        ),
        (
            "sla_breached",
            "steward_sla_breaches_total",
            "counter",
            "SLA and OLA clocks that breached, by kind, target (response, resolution, group) and priority.",
        ),
    ];
    for (total, name, kind, help) in families {
        e.family(name, kind, help);
        let label = if total == "records" { "state" } else { "target" };
        for (k, _, l, priority, n) in m.gauges.totals.iter().filter(|t| t.1 == total) {
            let priority = priority.to_string();
            e.sample(name, &[("kind", k), (label, l), ("priority", &priority)], *n as f64);
        }
    }
}

/// The group-commit writers: batch sizes, time spent, failures, queue.
fn writer(e: &mut Exposition, m: &Metrics) {
    let w = &m.writer;
    let le: Vec<(f64, u64)> = w.le.iter().map(|(b, n)| (*b as f64, *n)).collect();
    e.family(
        "steward_writer_batch_jobs",
        "histogram",
        "Writes per committed batch of the group-commit writers (one transaction, one flush).",
    );
    e.histogram("steward_writer_batch_jobs", &[], &le, w.jobs as f64, w.batches);
    e.family("steward_writer_busy_seconds_total", "counter", "Time the writers spent running and committing batches.")
        .sample("steward_writer_busy_seconds_total", &[], w.micros as f64 / 1e6);
    e.family(
        "steward_writer_failed_batches_total",
        "counter",
        "Batches whose commit failed (their writes were refused).",
    )
    .sample("steward_writer_failed_batches_total", &[], w.failed as f64);
    e.family("steward_writer_queued_jobs", "gauge", "Writes waiting for a writer now.").sample(
        "steward_writer_queued_jobs",
        &[],
        w.queued as f64,
    );
}
