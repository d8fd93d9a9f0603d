//! Steward's HTTP layer: the JSON API under `/api/v1` with its OpenAPI
//! document, the server-rendered HTML UI, authentication, health checks.
//!
//! Only this crate knows HTTP. Handlers parse and validate input, call one
//! use case in `steward_app` and render its answer.

pub mod api;
pub mod auth;
pub mod error;
pub mod i18n;
pub mod i18n_cmdb;
pub mod json;
pub mod ui;

use axum::{Router, routing::get};
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
}

impl Default for WebConfig {
    fn default() -> Self {
        Self { secure_cookies: false, request_timeout: Duration::from_secs(30), max_body_bytes: 12 * 1024 * 1024 }
    }
}

/// What every handler gets.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub web: Arc<WebConfig>,
}

pub fn router(state: AppState) -> Router {
    let limit = state.web.max_body_bytes;
    let timeout = state.web.request_timeout;
    Router::new()
        .route("/healthz", get(api::health::healthz))
        .route("/readyz", get(api::health::readyz))
        .nest("/api/v1", api::routes())
        // Every state-changing request a browser can send passes the CSRF
        // guard; every page shows times in its viewer's zone.
        .merge(
            ui::routes()
                .route_layer(axum::middleware::from_fn_with_state(state.clone(), auth::csrf_guard))
                .route_layer(axum::middleware::from_fn_with_state(state.clone(), ui::viewer_zone)),
        )
        .layer(RequestBodyLimitLayer::new(limit))
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, timeout))
        .layer(TraceLayer::new_for_http())
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
    let workers = tokio::spawn(steward_app::workers::run(state.app.clone(), stop_rx.clone()));
    let every = state.app.config.sla_timer_every;
    let timers = tokio::spawn(steward_app::sla::timer::run(state.app.clone(), every, stop_rx.clone()));
    let mail = tokio::spawn(steward_app::mail_in::run(state.app.clone(), stop_rx.clone()));
    let credentials = tokio::spawn(steward_app::sessions::watch_credentials(state.app.clone(), stop_rx.clone()));
    let delivery = tokio::spawn(steward_app::notify::worker::run(state.app.clone(), stop_rx));
    let app = state.app.clone();
    let router = router(state);
    let result = axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await;
    let _ = stop_tx.send(true);
    let _ = workers.await;
    let _ = timers.await;
    let _ = mail.await;
    let _ = delivery.await;
    let _ = credentials.await;
    app.store.close().await;
    result
}
