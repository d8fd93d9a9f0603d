//! Steward's HTTP layer: the JSON API under `/api/v1` with its OpenAPI
//! document, the server-rendered HTML UI, authentication, health checks.
//!
//! Only this crate knows HTTP. Handlers parse and validate input, call one
//! use case in `steward_app` and render its answer.

pub mod access_log;
pub mod alert_hooks;
pub mod alertmanager;
pub mod api;
pub mod auth;
pub mod client;
pub mod error;
pub mod feeds;
#[doc(hidden)]
pub mod fuzz_entry;
pub mod i18n;
pub mod i18n_codes;
pub mod json;
pub mod layers;
pub mod markdown;
pub mod metrics;
pub mod query;
pub mod ui;

use axum::{Router, middleware::from_fn_with_state, routing::get};
use std::{future::Future, sync::Arc, time::Duration};
use steward_app::App;
use tower_http::{limit::RequestBodyLimitLayer, timeout::TimeoutLayer, trace::TraceLayer};

/// Settings of the HTTP layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure`: set when Steward is served over https.
    pub secure_cookies: bool,
    pub request_timeout: Duration,
    /// The largest request body accepted (attachments included).
    pub max_body_bytes: usize,
    /// Proxies whose `X-Forwarded-For` names the client (see `client`).
    pub trusted_proxies: steward_domain::net::Networks,
    /// A connection that has not sent its request headers within this long
    /// is closed (slow-header attacks).
    pub header_read_timeout: Duration,
    /// Also serve the Alertmanager API (`/api/v2/…`, `/-/healthy`,
    /// `/-/ready`) under this path (`/alertmanager`), as Alertmanager's
    /// `--web.route-prefix` does; checked by [`alertmanager::check_prefix`].
    pub alertmanager_prefix: Option<String>,
    /// Serve `/metrics` on the main address to a bearer of this token
    /// (`metrics.token`); none: not there (see [`metrics`]).
    pub metrics_token: Option<String>,
    /// `serve --no-workers`: this node runs no background work (see
    /// `background`).
    pub no_workers: bool,
    /// How long a stopping node stays up answering `/readyz` with 503
    /// (`drain_secs`; see [`drain`]).
    pub drain: Duration,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            request_timeout: Duration::from_secs(30),
            max_body_bytes: 12 * 1024 * 1024,
            trusted_proxies: Default::default(),
            header_read_timeout: Duration::from_secs(10),
            alertmanager_prefix: None,
            metrics_token: None,
            no_workers: false,
            drain: Duration::ZERO,
        }
    }
}

/// What every handler gets.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub web: Arc<WebConfig>,
    /// Request latencies by route, since this node started (`/metrics`).
    pub http_metrics: Arc<metrics::http::HttpMetrics>,
    /// When this node started, in microseconds since the epoch.
    pub started_at: i64,
    /// Set when the node is stopping: `/readyz` answers 503 and every
    /// answer closes its connection, so clients and proxies go elsewhere.
    pub draining: Arc<std::sync::atomic::AtomicBool>,
}

impl AppState {
    pub fn new(app: App, web: WebConfig) -> Self {
        Self {
            app,
            web: Arc::new(web),
            http_metrics: Arc::default(),
            started_at: steward_store::now_micros(),
            draining: Arc::default(),
        }
    }

    /// The language of users who chose none and whose browser asks for
    /// none we speak (`site.language`).
    pub fn site_lang(&self) -> i18n::Lang {
        i18n::Lang::from_code(&self.app.config.site.language).unwrap_or_default()
    }
}

pub fn router(state: AppState) -> Router {
    let limit = state.web.max_body_bytes;
    let timeout = state.web.request_timeout;
    Router::new()
        .route("/healthz", get(api::health::healthz))
        .route("/readyz", get(api::health::readyz))
        .nest("/api/v1", api::routes())
        .merge(alertmanager::routes())
        .merge(alertmanager::prefixed(state.web.alertmanager_prefix.as_deref()))
        .merge(alert_hooks::routes())
        .merge(feeds::routes())
        .merge(metrics::routes())
        // Every state-changing request a browser can send passes the CSRF
        // guard; every page shows times in its viewer's zone.
        .merge(
            ui::routes()
                .route_layer(from_fn_with_state(state.clone(), auth::csrf_guard))
                .route_layer(from_fn_with_state(state.clone(), ui::viewer_zone)),
        )
        .layer(RequestBodyLimitLayer::new(limit))
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, timeout))
        // Exports run past a page's timeout (a layer applies to the routes
        // already in): they bring a limit of their own.
        .merge(api::exports::routes())
        .layer(from_fn_with_state(state.clone(), layers::audit_refusals))
        .layer(from_fn_with_state(state.clone(), layers::api_problems))
        .layer(from_fn_with_state(state.clone(), layers::security_headers))
        .layer(from_fn_with_state(state.clone(), layers::close_when_draining))
        .layer(TraceLayer::new_for_http())
        .layer(from_fn_with_state(state.clone(), access_log::access_log))
        .with_state(state)
}

/// Serves until `shutdown` resolves, then finishes the requests in flight,
/// stops the background workers and flushes queued writes.
pub async fn serve(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let background = tokio::spawn(background(state.app.clone(), state.web.no_workers, stop_rx));
    let app = state.app.clone();
    let header_read_timeout = state.web.header_read_timeout;
    let result = accept(listener, router(state), header_read_timeout, shutdown).await;
    let _ = stop_tx.send(true);
    let _ = background.await;
    app.store.close().await;
    result
}

/// The stop of a node behind a load balancer: once `signal` resolves,
/// `/readyz` answers 503 and answers close their connections for
/// `web.drain` while the node serves on, so the balancer's checks move
/// traffic away before the listener closes; `again` (a second signal) cuts
/// the wait short. Pass the result to [`serve`] as its shutdown.
pub async fn drain(state: &AppState, signal: impl Future<Output = ()>, again: impl Future<Output = ()>) {
    signal.await;
    let wait = state.web.drain;
    if wait.is_zero() {
        return;
    }
    state.draining.store(true, std::sync::atomic::Ordering::Relaxed);
    tracing::info!(secs = wait.as_secs(), "draining: /readyz answers 503 until the node stops taking connections");
    tokio::select! {
        () = tokio::time::sleep(wait) => {}
        () = again => tracing::info!("a second signal: stopping now"),
    }
}

/// How often a held node looks whether its work was resumed.
const HELD_POLL: Duration = Duration::from_secs(2);

/// The background workers, once nothing holds them: `serve --no-workers`
/// holds them until the node stops, the hold setting a restore writes
/// until `steward workers resume` clears it (looked at every
/// [`HELD_POLL`]). Until then this node sends no mail, calls no webhook,
/// polls no mailbox and fires no timer; it serves requests as usual.
async fn background(app: steward_app::App, no_workers: bool, mut stop: tokio::sync::watch::Receiver<bool>) {
    if no_workers {
        tracing::warn!("--no-workers: no mail, webhooks, mailbox polling, timers or checks on this node");
        let _ = stop.wait_for(|s| *s).await;
        return;
    }
    let mut held = false;
    loop {
        match app.workers_held().await {
            Ok(None) => break,
            Ok(Some(reason)) if !held => {
                tracing::warn!(%reason, "background work is held: no mail, webhooks, mailbox polling, timers or checks until `steward workers resume`");
                held = true;
            }
            Ok(Some(_)) => {}
            Err(e) => tracing::warn!(error = %e, "reading whether background work is held"),
        }
        tokio::select! {
            _ = tokio::time::sleep(HELD_POLL) => {}
            _ = stop.changed() => return,
        }
    }
    if held {
        tracing::info!("background work resumed");
    }
    let every = app.config.sla_timer_every;
    let tasks = [
        tokio::spawn(steward_app::workers::run(app.clone(), stop.clone())),
        tokio::spawn(steward_app::sla::timer::run(app.clone(), every, stop.clone())),
        tokio::spawn(steward_app::mail_in::run(app.clone(), stop.clone())),
        tokio::spawn(steward_app::checks::scheduler::run(app.clone(), stop.clone())),
        tokio::spawn(steward_app::notify::worker::run(app, stop)),
    ];
    for t in tasks {
        let _ = t.await;
    }
}

/// Serves `/metrics` alone, open, on an address of its own
/// (`metrics.listen`) until `shutdown` resolves.
pub async fn serve_metrics(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let header_read_timeout = state.web.header_read_timeout;
    accept(listener, metrics::open_router(state), header_read_timeout, shutdown).await
}

/// Accepts connections until `shutdown`, then lets those open finish.
/// axum::serve cannot bound how long a client may take to send its request
/// headers, so one client could hold many connections open by trickling
/// them; hyper's `header_read_timeout` closes such a connection.
async fn accept(
    listener: tokio::net::TcpListener,
    router: Router,
    header_read_timeout: Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::extract::ConnectInfo;
    use hyper_util::{rt::TokioIo, rt::TokioTimer, server::graceful::GracefulShutdown, service::TowerToHyperService};
    use tower::ServiceExt;
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(header_read_timeout);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait, go on.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = router.clone().map_request(move |req: axum::http::Request<hyper::body::Incoming>| {
            let mut req = req.map(axum::body::Body::new);
            req.extensions_mut().insert(ConnectInfo(peer));
            req
        });
        let conn = http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}
