//! `/feeds/changes/{secret}.ics`: a user's change calendar as iCalendar,
//! read by calendar programs, which send no headers: the secret in the
//! path is the credential. Whatever is wrong with it (unknown, revoked,
//! its owner deactivated), the answer is the same 404.

use crate::AppState;
use axum::{
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use steward_app::AppError;

pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/feeds/changes/{file}", axum::routing::get(change_feed))
}

/// The access log's path for a feed: the secret left out.
pub fn redact(path: &str) -> &str {
    if path.starts_with("/feeds/changes/") { "/feeds/changes/…" } else { path }
}

async fn change_feed(State(s): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(secret) = file.strip_suffix(".ics").filter(|s| !s.is_empty()) else { return not_found() };
    match s.app.calendar_feed(secret).await {
        Ok(text) => (
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                (header::CACHE_CONTROL, "private, max-age=300"),
                (header::CONTENT_DISPOSITION, "inline; filename=\"changes.ics\""),
            ],
            text,
        )
            .into_response(),
        Err(AppError::NotFound(_)) => not_found(),
        Err(e) => {
            tracing::error!(error = %e, "the change feed failed");
            (StatusCode::SERVICE_UNAVAILABLE, "The feed cannot be read now; try again later.\n").into_response()
        }
    }
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, [(header::CACHE_CONTROL, "no-store")], "No such feed.\n").into_response()
}
