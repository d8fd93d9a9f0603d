//! The CAB's meetings and agenda: `PUT`/`DELETE /api/v1/groups/{name}/cab-meeting`
//! (when an approval group meets: managers and admins) and
//! `GET /api/v1/groups/{name}/cab-agenda` (its next meeting and the
//! changes awaiting its decision, soonest window first; staff).

use super::change_approvals::ApprovalJson;
use super::change_dto::ChangeJson;
use super::dto::time;
use crate::{AppState, auth::ApiActor, error::ApiError, error::Problem, json::Json};
use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use serde::{Deserialize, Serialize};
use steward_app::cab::{CabAgenda, NewMeeting, next_meeting};
use steward_domain::change::conflicts::Window;
use steward_store::{cab_meetings::CabMeeting, now_micros};
use utoipa::ToSchema;

pub const RESOURCE: super::Resource = super::Resource { routes, doc: <Doc as utoipa::OpenApi>::openapi };

#[derive(utoipa::OpenApi)]
#[openapi(paths(set_cab_meeting, delete_cab_meeting, read_cab_agenda))]
struct Doc;

fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, put};
    axum::Router::new()
        .route("/groups/{name}/cab-meeting", put(set_cab_meeting).delete(delete_cab_meeting))
        .route("/groups/{name}/cab-agenda", get(read_cab_agenda))
}

/// When the group meets: weekly, on the clock of a zone.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMeetingJson {
    /// `mon` … `sun`, at least one.
    pub days: Vec<String>,
    /// `HH:MM` on the clock of `time_zone`.
    pub start: String,
    /// 1 to 1,440.
    pub minutes: i64,
    /// An IANA zone, e.g. Europe/Warsaw.
    pub time_zone: String,
}

/// A meeting: from when to when.
#[derive(Serialize, ToSchema)]
pub struct MeetingTimeJson {
    #[schema(format = DateTime)]
    pub starts_at: String,
    #[schema(format = DateTime)]
    pub ends_at: String,
}

impl From<Window> for MeetingTimeJson {
    fn from(w: Window) -> Self {
        Self { starts_at: time(w.start), ends_at: time(w.end) }
    }
}

/// When a group meets, and its next meeting (one under way counts).
#[derive(Serialize, ToSchema)]
pub struct CabMeetingJson {
    pub days: Vec<String>,
    pub start: String,
    pub minutes: i64,
    pub time_zone: String,
    pub next_meeting: Option<MeetingTimeJson>,
}

impl From<CabMeeting> for CabMeetingJson {
    fn from(m: CabMeeting) -> Self {
        Self {
            next_meeting: next_meeting(&m, now_micros()).map(Into::into),
            days: m.days.split(',').map(str::to_owned).collect(),
            start: m.start_time,
            minutes: m.minutes,
            time_zone: m.time_zone,
        }
    }
}

/// A change on the agenda with its approval round.
#[derive(Serialize, ToSchema)]
pub struct AgendaItemJson {
    pub change: ChangeJson,
    pub approval: ApprovalJson,
    /// Its planned start comes before the next meeting: it needs a decision
    /// out of session, or a later window.
    pub before_meeting: bool,
}

/// A group's agenda.
#[derive(Serialize, ToSchema)]
pub struct CabAgendaJson {
    pub group: String,
    /// When the group meets; none: no schedule is set.
    pub meeting: Option<CabMeetingJson>,
    /// The changes awaiting the group's decision, soonest planned start first
    /// (those without a window last).
    pub changes: Vec<AgendaItemJson>,
}

impl From<CabAgenda> for CabAgendaJson {
    fn from(a: CabAgenda) -> Self {
        Self {
            group: a.group,
            meeting: a.meeting.map(Into::into),
            changes: a
                .items
                .into_iter()
                .map(|i| AgendaItemJson {
                    change: ChangeJson::from(i.change),
                    approval: ApprovalJson::from(i.round),
                    before_meeting: i.before_meeting,
                })
                .collect(),
        }
    }
}

#[utoipa::path(put, path = "/api/v1/groups/{name}/cab-meeting", tag = "changes", operation_id = "set_cab_meeting",
    request_body = NewMeetingJson,
    params(("name" = String, Path, description = "The approval group, e.g. CAB")),
    responses((status = 200, description = "When the group now meets", body = CabMeetingJson),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn set_cab_meeting(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(name): Path<String>,
    Json(b): Json<NewMeetingJson>,
) -> Result<axum::Json<CabMeetingJson>, ApiError> {
    let m = NewMeeting { days: b.days, start: b.start, minutes: b.minutes, time_zone: b.time_zone };
    Ok(axum::Json(s.app.set_cab_meeting(&actor, &name, m).await?.into()))
}

#[utoipa::path(delete, path = "/api/v1/groups/{name}/cab-meeting", tag = "changes", operation_id = "delete_cab_meeting",
    params(("name" = String, Path, description = "The approval group, e.g. CAB")),
    responses((status = 204, description = "The group has no schedule (whether or not it had one)"),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_cab_meeting(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    s.app.delete_cab_meeting(&actor, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/groups/{name}/cab-agenda", tag = "changes", operation_id = "read_cab_agenda",
    params(("name" = String, Path, description = "The approval group, e.g. CAB")),
    responses((status = 200, description = "The group's next meeting and the changes awaiting its decision",
            body = CabAgendaJson),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn read_cab_agenda(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(name): Path<String>,
) -> Result<axum::Json<CabAgendaJson>, ApiError> {
    Ok(axum::Json(s.app.cab_agenda(&actor, &name).await?.into()))
}
