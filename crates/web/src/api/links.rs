//! `/api/v1/{kind}/{number}/links`: a record's links to other records
//! (parent and children, duplicate of and duplicates, related; and, read
//! only here, caused by / causes and documents / documented by), made and
//! removed from either end. The desk's: a requester is refused (403).
//!
//! A kind's API module declares its three paths with one line,
//! `kind_links!(…)`, which gives it a `links` module to list in its `Doc`
//! and merge into its routes.

use super::incidents::version;
use crate::{AppState, error::ApiError};
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use steward_app::links::{LinkRequest, RecordLink};
use steward_domain::number::RecordKind;
use utoipa::ToSchema;

/// A link as seen from the record asked about.
#[derive(Serialize, ToSchema)]
pub struct RecordLinkJson {
    /// How the other record stands to this one.
    #[schema(value_type = super::schema::LinkName)]
    pub link: &'static str,
    /// The other record's number, e.g. PRB0000042.
    pub record: String,
    #[schema(value_type = super::schema::RecordKindName)]
    pub kind: &'static str,
    pub title: String,
    pub state: String,
    #[schema(minimum = 1, maximum = 5)]
    pub priority: i64,
    /// When the link was made (a parent link has no time of its own).
    pub linked_at: Option<String>,
    /// Who made it.
    pub linked_by: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLinkJson {
    /// How the other record stands to this one: `parent` (it is this
    /// record's parent), `child`, `duplicate_of` (this record repeats it),
    /// `duplicates`, `related`.
    #[schema(value_type = super::schema::MadeLink)]
    pub link: String,
    /// The other record's number (PRB0000042; a bare number is one of this kind).
    pub record: String,
    /// This record's version you read, if you want it checked (or `If-Match`).
    pub version: Option<i64>,
}

impl From<RecordLink> for RecordLinkJson {
    fn from(l: RecordLink) -> Self {
        Self {
            link: l.link.as_str(),
            record: l.record.to_string(),
            kind: l.record.kind.as_str(),
            title: l.title,
            state: l.state,
            priority: l.priority,
            linked_at: l.linked_at.map(super::dto::time),
            linked_by: l.linked_by,
        }
    }
}

pub type Links = axum::Json<Vec<RecordLinkJson>>;

fn answer(list: Vec<RecordLink>) -> Links {
    axum::Json(list.into_iter().map(RecordLinkJson::from).collect())
}

pub async fn list(s: &AppState, actor: &steward_app::Actor, kind: RecordKind, number: &str) -> Result<Links, ApiError> {
    Ok(answer(s.app.record_links(actor, kind, number).await?))
}

pub async fn add(
    s: &AppState,
    actor: &steward_app::Actor,
    kind: RecordKind,
    number: &str,
    headers: &HeaderMap,
    body: NewLinkJson,
) -> Result<(StatusCode, Links), ApiError> {
    let (v, used_header) = version(headers, body.version)?;
    let req = LinkRequest { link: body.link, record: body.record, version: v };
    let list =
        s.app.link_record(actor, kind, number, &req).await.map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    Ok((StatusCode::OK, answer(list)))
}

pub async fn remove(
    s: &AppState,
    actor: &steward_app::Actor,
    kind: RecordKind,
    (number, link, record): (String, String, String),
    headers: &HeaderMap,
) -> Result<Links, ApiError> {
    let (v, used_header) = version(headers, None)?;
    let req = LinkRequest { link, record, version: v };
    let list = s
        .app
        .unlink_record(actor, kind, &number, &req)
        .await
        .map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    Ok(answer(list))
}

/// The three handlers of one kind's links, with their OpenAPI description
/// and routes, as a module `links` of the kind's API module.
macro_rules! kind_links {
    ($kind:expr, $tag:literal, $example:literal, $route:literal, $item_route:literal,
     $list_path:literal, $item_path:literal, $list_op:literal, $add_op:literal, $remove_op:literal) => {
        pub mod links {
            use crate::api::links::{self as shared, Links, NewLinkJson, RecordLinkJson};
            use crate::{AppState, auth::ApiActor, error::ApiError, error::Problem, json::Json};
            use axum::{
                extract::{Path, State},
                http::{HeaderMap, StatusCode},
            };

            pub fn routes() -> axum::Router<AppState> {
                use axum::routing::{delete, get};
                axum::Router::new().route($route, get(list).post(add)).route($item_route, delete(remove))
            }

            #[utoipa::path(get, operation_id = $list_op, path = $list_path, tag = $tag,
                params(("number" = String, Path, description = $example)),
                responses((status = 200, description = "Every link of the record, both ways", body = Vec<RecordLinkJson>),
                    (status = 403, description = "Requesters see no links", body = Problem),
                    (status = 404, body = Problem)))]
            pub async fn list(
                State(s): State<AppState>,
                ApiActor(actor): ApiActor,
                Path(number): Path<String>,
            ) -> Result<Links, ApiError> {
                shared::list(&s, &actor, $kind, &number).await
            }

            #[utoipa::path(post, operation_id = $add_op, path = $list_path, tag = $tag,
                request_body = NewLinkJson,
                params(("number" = String, Path, description = $example),
                    ("If-Match" = Option<String>, Header, description = "The record's ETag, if it is to be checked")),
                responses((status = 200, description = "Every link of the record now (a link made before stays as it is)",
                        body = Vec<RecordLinkJson>),
                    (status = 403, body = Problem), (status = 404, body = Problem),
                    (status = 409, description = "A stale version", body = Problem),
                    (status = 422, description = "No such record, a link to itself, a loop, a second parent or original",
                        body = Problem)))]
            pub async fn add(
                State(s): State<AppState>,
                ApiActor(actor): ApiActor,
                Path(number): Path<String>,
                headers: HeaderMap,
                Json(body): Json<NewLinkJson>,
            ) -> Result<(StatusCode, Links), ApiError> {
                shared::add(&s, &actor, $kind, &number, &headers, body).await
            }

            #[utoipa::path(delete, operation_id = $remove_op, path = $item_path, tag = $tag,
                params(("number" = String, Path, description = $example),
                    ("link" = crate::api::schema::MadeLink, Path, description = "How the other record stands to this one"),
                    ("record" = String, Path, description = "The other record's number"),
                    ("If-Match" = Option<String>, Header, description = "The record's ETag, if it is to be checked")),
                responses((status = 200, description = "The links left", body = Vec<RecordLinkJson>),
                    (status = 403, body = Problem), (status = 404, body = Problem),
                    (status = 409, description = "A stale version", body = Problem),
                    (status = 422, description = "No such link", body = Problem)))]
            pub async fn remove(
                State(s): State<AppState>,
                ApiActor(actor): ApiActor,
                Path(path): Path<(String, String, String)>,
                headers: HeaderMap,
            ) -> Result<Links, ApiError> {
                shared::remove(&s, &actor, $kind, path, &headers).await
            }
        }
    };
}
pub(crate) use kind_links;
