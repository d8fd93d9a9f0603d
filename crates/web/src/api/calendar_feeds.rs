//! `/api/v1/me/calendar-feeds`: the caller's iCalendar feeds of the change
//! calendar. A new feed's URL (its secret inside) is shown once; the list
//! shows when each was made, last read and revoked.

use super::desk::id_of;
use super::dto::{opt_time, time};
use crate::{AppState, auth::ApiActor, error::ApiError, error::Problem};
use axum::{
    extract::{Path, State, rejection::PathRejection},
    http::StatusCode,
};
use serde::Serialize;
use steward_store::calendar_feeds::Feed;
use utoipa::ToSchema;

pub const RESOURCE: super::Resource = super::Resource { routes, doc: <Doc as utoipa::OpenApi>::openapi };

#[derive(utoipa::OpenApi)]
#[openapi(paths(list_calendar_feeds, create_calendar_feed, revoke_calendar_feed))]
struct Doc;

fn routes() -> axum::Router<AppState> {
    use axum::routing::{delete, get};
    axum::Router::new()
        .route("/me/calendar-feeds", get(list_calendar_feeds).post(create_calendar_feed))
        .route("/me/calendar-feeds/{id}", delete(revoke_calendar_feed))
}

#[derive(Serialize, ToSchema)]
pub struct CalendarFeedJson {
    pub id: i64,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

impl From<Feed> for CalendarFeedJson {
    fn from(f: Feed) -> Self {
        Self {
            id: f.id,
            created_at: time(f.created_at),
            last_used_at: opt_time(f.last_used_at),
            revoked_at: opt_time(f.revoked_at),
        }
    }
}

/// A feed just made.
#[derive(Serialize, ToSchema)]
pub struct NewCalendarFeedJson {
    #[serde(flatten)]
    pub feed: CalendarFeedJson,
    /// The URL to subscribe to, secret included: shown only now.
    pub url: String,
}

#[utoipa::path(get, path = "/api/v1/me/calendar-feeds", tag = "accounts", operation_id = "list_calendar_feeds",
    responses((status = 200, description = "Your feeds, newest first", body = Vec<CalendarFeedJson>)))]
pub async fn list_calendar_feeds(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<axum::Json<Vec<CalendarFeedJson>>, ApiError> {
    Ok(axum::Json(s.app.calendar_feeds(&actor).await?.into_iter().map(Into::into).collect()))
}

#[utoipa::path(post, path = "/api/v1/me/calendar-feeds", tag = "accounts", operation_id = "create_calendar_feed",
    responses((status = 201, description = "The feed, with its URL shown once", body = NewCalendarFeedJson),
        (status = 403, body = Problem, description = "Requesters see no changes")))]
pub async fn create_calendar_feed(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<(StatusCode, axum::Json<NewCalendarFeedJson>), ApiError> {
    let made = s.app.create_calendar_feed(&actor).await?;
    Ok((StatusCode::CREATED, axum::Json(NewCalendarFeedJson { feed: made.feed.into(), url: made.url })))
}

#[utoipa::path(delete, path = "/api/v1/me/calendar-feeds/{id}", tag = "accounts",
    operation_id = "revoke_calendar_feed", params(("id" = i64, Path)),
    responses((status = 204, description = "Revoked: its URL answers 404 from now on")))]
pub async fn revoke_calendar_feed(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    s.app.revoke_calendar_feed(&actor, id_of(id, "calendar feed")?).await?;
    Ok(StatusCode::NO_CONTENT)
}
