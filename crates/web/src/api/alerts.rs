//! Alerts for the desk (`/api/v1/alerts`): a page of them newest first
//! with filters, one alert with its history, acknowledging and assigning.
//! Tools post alerts through the Alertmanager-compatible `/api/v2`.

use super::dto::{Ref, time};
use crate::{AppState, auth::ApiActor, error::ApiError, error::Problem, json::Json, query::Query};
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use steward_app::alerts::{AlertPageQuery, HandledAlert, HistoryEntry, MutedBy};
use steward_domain::alert::{Matchers, fingerprint_text, parse_matchers};
use steward_store::now_micros;
use utoipa::{IntoParams, ToSchema};

pub const RESOURCE: super::Resource = super::Resource { routes, doc: <Doc as utoipa::OpenApi>::openapi };

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(list_alerts, get_alert, alert_history, acknowledge_alert, assign_alert),
    components(schemas(super::schema::AlertScope))
)]
struct Doc;

fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post, put};
    axum::Router::new()
        .route("/alerts", get(list_alerts))
        .route("/alerts/{fingerprint}", get(get_alert))
        .route("/alerts/{fingerprint}/history", get(alert_history))
        .route("/alerts/{fingerprint}/acknowledge", post(acknowledge_alert))
        .route("/alerts/{fingerprint}/assignee", put(assign_alert))
}

/// Who acknowledged an alert, and when.
#[derive(Serialize, ToSchema)]
pub struct AckJson {
    pub by: Ref,
    #[schema(format = DateTime)]
    pub at: String,
}

/// What mutes an alert besides a silence.
#[derive(Serialize, ToSchema)]
pub struct MutedByJson {
    /// `window` (a maintenance window, `/api/v1/alert-windows/{id}`) or
    /// `change` (a change whose window is open on the alert's CI).
    #[schema(value_type = MutedByKind)]
    pub kind: String,
    pub id: i64,
    /// The window's name or the change's number.
    pub name: String,
}

/// What mutes an alert.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum MutedByKind {
    Window,
    Change,
}

impl From<MutedBy> for MutedByJson {
    fn from(m: MutedBy) -> Self {
        match m {
            MutedBy::Window { id, name } => Self { kind: "window".into(), id, name },
            MutedBy::Change { id, number } => Self { kind: "change".into(), id, name: number },
        }
    }
}

/// An alert as the desk sees it.
#[derive(Serialize, ToSchema)]
pub struct AlertJson {
    /// Alertmanager's fingerprint of its labels: 16 hex digits.
    pub fingerprint: String,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    /// `active`, `suppressed` (silenced, or muted by a window or a change)
    /// or `resolved`.
    pub state: String,
    #[schema(format = DateTime)]
    pub starts_at: String,
    #[schema(format = DateTime)]
    pub ends_at: String,
    /// When a tool last sent it.
    #[schema(format = DateTime)]
    pub updated_at: String,
    /// When this episode (firing since it last resolved) was first received.
    #[schema(format = DateTime)]
    pub received_at: String,
    pub generator_url: String,
    /// The active silences that mute it.
    pub silenced_by: Vec<String>,
    /// The open maintenance windows and changes that mute it (Steward's
    /// own: `/api/v2` lists silences only, and says `suppressed`).
    pub muted_by: Vec<MutedByJson>,
    /// The changes it fired during (their window open, on their CIs or next
    /// to them): their numbers, on one alert's read (empty in lists).
    pub changes: Vec<String>,
    pub acknowledged: Option<AckJson>,
    pub assignee: Option<Ref>,
    /// The CI its labels map to by the CI label rules
    /// (`/api/v1/alert-ci-rules`); null while not mapped yet (correlation
    /// maps new alerts in its next pass) or when no rule finds a CI.
    pub ci: Option<Ref>,
}

impl From<HandledAlert> for AlertJson {
    fn from(h: HandledAlert) -> Self {
        let now = now_micros();
        let state = if h.firing(now) { h.view.state() } else { "resolved" };
        let a = h.view.alert;
        Self {
            fingerprint: fingerprint_text(a.fingerprint),
            state: state.to_owned(),
            labels: a.labels.into_map(),
            annotations: a.annotations.into_map(),
            starts_at: time(a.starts_at),
            ends_at: time(a.ends_at),
            updated_at: time(a.updated_at),
            received_at: time(h.view.received_at),
            generator_url: a.generator_url,
            silenced_by: h.view.silenced_by,
            muted_by: h.view.muted_by.into_iter().map(MutedByJson::from).collect(),
            changes: h.changes,
            acknowledged: h.acked.map(|(id, name, at)| AckJson { by: Ref { id, name }, at: time(at) }),
            assignee: h.assignee.map(|(id, name)| Ref { id, name }),
            ci: h.ci.map(|(id, name)| Ref { id, name }),
        }
    }
}

/// A page of alerts.
#[derive(Serialize, ToSchema)]
pub struct AlertPageJson {
    pub items: Vec<AlertJson>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AlertListQuery {
    /// `firing` (the default): those firing now; `all`: resolved ones too.
    #[param(value_type = Option<super::schema::AlertScope>)]
    pub state: Option<String>,
    /// Alertmanager matchers, e.g. `{severity="critical",instance=~"db-.*"}`.
    pub filter: Option<String>,
    /// true: acknowledged ones only; false: those not acknowledged.
    pub acknowledged: Option<bool>,
    /// 1 to 500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// From the `next_cursor` of the page before.
    pub cursor: Option<String>,
}

#[utoipa::path(get, operation_id = "list_alerts", path = "/api/v1/alerts", tag = "alerts", params(AlertListQuery),
    responses((status = 200, description = "Alerts newest first", body = AlertPageJson),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list_alerts(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<AlertListQuery>,
) -> Result<axum::Json<AlertPageJson>, ApiError> {
    let firing = match q.state.as_deref().map(str::trim) {
        None | Some("firing") => true,
        Some("all") => false,
        Some(v) => return Err(ApiError::field("state", steward_domain::code::not_one_of(v, &["firing", "all"]))),
    };
    let matchers = match q.filter.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
        Some(f) => parse_matchers(f).map_err(|m| ApiError::field("filter", m))?,
        None => Matchers(Vec::new()),
    };
    let limit = match q.limit {
        None => 100,
        Some(l) if (1..=500).contains(&l) => l as usize,
        Some(_) => {
            let m =
                steward_domain::code::Code::Between.msg("must be between 1 and 500").with("min", 1).with("max", 500);
            return Err(ApiError::field("limit", m));
        }
    };
    let before = match q.cursor.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => Some(c.parse::<i64>().map_err(|_| {
            ApiError::field("cursor", steward_domain::code::Code::BadCursor.msg("is not a cursor this list gave"))
        })?),
        None => None,
    };
    let query = AlertPageQuery { firing, matchers, acked: q.acknowledged, before, limit };
    let (items, next) = s.app.alert_page(&actor, &query).await?;
    Ok(axum::Json(AlertPageJson {
        items: items.into_iter().map(AlertJson::from).collect(),
        next_cursor: next.map(|n| n.to_string()),
    }))
}

#[utoipa::path(get, operation_id = "get_alert", path = "/api/v1/alerts/{fingerprint}", tag = "alerts",
    params(("fingerprint" = String, Path, description = "16 hex digits, as Alertmanager shows it")),
    responses((status = 200, body = AlertJson), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_alert(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(fp): Path<String>,
) -> Result<axum::Json<AlertJson>, ApiError> {
    Ok(axum::Json(s.app.get_alert(&actor, &fp).await?.into()))
}

/// One entry of an alert's history.
#[derive(Serialize, ToSchema)]
pub struct AlertEventJson {
    #[schema(format = DateTime)]
    pub at: String,
    /// `fired`, `resolved`, `acknowledged`, `unacknowledged` or `assigned`.
    pub kind: String,
    /// Who did it (for `fired` and `resolved`: whose token sent it).
    pub actor: Option<String>,
    /// For `assigned`: to whom (empty: to no one).
    pub detail: String,
}

impl From<HistoryEntry> for AlertEventJson {
    fn from(h: HistoryEntry) -> Self {
        Self { at: time(h.event.at), kind: h.event.kind, actor: h.actor, detail: h.event.detail }
    }
}

#[utoipa::path(get, operation_id = "alert_history", path = "/api/v1/alerts/{fingerprint}/history", tag = "alerts",
    params(("fingerprint" = String, Path)),
    responses((status = 200, description = "Oldest first", body = Vec<AlertEventJson>),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn alert_history(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(fp): Path<String>,
) -> Result<axum::Json<Vec<AlertEventJson>>, ApiError> {
    Ok(axum::Json(s.app.alert_history(&actor, &fp).await?.into_iter().map(AlertEventJson::from).collect()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AckBody {
    /// true: acknowledge; false: take the acknowledgement back.
    pub acknowledged: bool,
}

#[utoipa::path(post, operation_id = "acknowledge_alert", path = "/api/v1/alerts/{fingerprint}/acknowledge",
    tag = "alerts", params(("fingerprint" = String, Path)), request_body = AckBody,
    responses((status = 200, body = AlertJson), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn acknowledge_alert(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(fp): Path<String>,
    Json(b): Json<AckBody>,
) -> Result<axum::Json<AlertJson>, ApiError> {
    Ok(axum::Json(s.app.acknowledge_alert(&actor, &fp, b.acknowledged).await?.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssigneeBody {
    /// A staff member's username; null or empty: no one.
    pub assignee: Option<String>,
}

#[utoipa::path(put, operation_id = "assign_alert", path = "/api/v1/alerts/{fingerprint}/assignee", tag = "alerts",
    params(("fingerprint" = String, Path)), request_body = AssigneeBody,
    responses((status = 200, body = AlertJson), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn assign_alert(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(fp): Path<String>,
    Json(b): Json<AssigneeBody>,
) -> Result<axum::Json<AlertJson>, ApiError> {
    Ok(axum::Json(s.app.assign_alert(&actor, &fp, b.assignee.as_deref()).await?.into()))
}
