//! `/api/v1/articles`: the knowledge base. List, write (create, edit the
//! draft, start a revision), move versions (submit, send back, publish,
//! retire, discard), read (the rendered, sanitised text in both languages),
//! feedback, the journal, deflection figures; and from a problem's side,
//! the articles documenting it.

use super::article_dto::*;
use super::dto::JournalEntryJson;
use super::incidents::version;
use crate::{AppState, auth::ApiActor, error::ApiError, error::Problem, json::Json, query::Query};
use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::Response,
};
use serde::Deserialize;
use steward_app::{
    Actor,
    articles::{self, Article, ArticleListParams, VersionMove},
    incidents::encode_cursor,
};
use utoipa::IntoParams;

/// The articles resource: its routes and their OpenAPI description.
pub const RESOURCE: super::Resource = super::Resource { routes, doc: <Doc as utoipa::OpenApi>::openapi };

super::links::kind_links!(
    steward_domain::number::RecordKind::Article,
    "articles",
    "e.g. KB0000042",
    "/articles/{number}/links",
    "/articles/{number}/links/{link}/{record}",
    "/api/v1/articles/{number}/links",
    "/api/v1/articles/{number}/links/{link}/{record}",
    "list_article_links",
    "link_article",
    "unlink_article_record"
);

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    links::list,
    links::add,
    links::remove,
    list,
    create,
    get_one,
    update,
    start_version,
    transition,
    journal,
    feedback,
    give_feedback,
    deflections,
    of_problem
))]
struct Doc;

fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .merge(links::routes())
        .route("/articles", get(list).post(create))
        .route("/articles/deflections", get(deflections))
        .route("/articles/{number}", get(get_one).patch(update))
        .route("/articles/{number}/versions", post(start_version))
        .route("/articles/{number}/transition", post(transition))
        .route("/articles/{number}/journal", get(journal))
        .route("/articles/{number}/feedback", get(feedback).post(give_feedback))
        .route("/problems/{number}/articles", get(of_problem))
}

/// The article after a change, as the actor reads the version the change
/// touched (the one being written, else the published, else the newest),
/// with its `ETag`.
async fn answer(s: &AppState, actor: &Actor, a: Article, status: StatusCode) -> Result<Response, ApiError> {
    let touched = a.open_version().or(a.published()).or(a.versions.last()).map(|v| v.number);
    let read = s.app.get_article(actor, &articles::number(a.record.number), touched).await?;
    let mut resp = super::incidents::json_with_etag(status, read.article.record.version, ArticleJson::from(read));
    if status == StatusCode::CREATED {
        resp = super::incidents::located(resp, &format!("/api/v1/articles/{}", articles::number(a.record.number)));
    }
    Ok(resp)
}

#[utoipa::path(get, operation_id = "list_articles", path = "/api/v1/articles", tag = "knowledge",
    params(
        ("state" = Option<String>, Query, description = "Comma-separated states (draft, in_review, published, retired); `open` = draft, in_review. Requesters always get published articles for requesters"),
        ("category" = Option<String>, Query),
        ("audience" = Option<String>, Query, description = "`requesters` or `staff`"),
        ("text" = Option<String>, Query, description = "Words in the title or summary"),
        ("sort" = Option<String>, Query, description = "-updated (default), updated, -opened, opened, -number, number"),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page"),
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 200, description = "1–200, default 50"),
    ),
    responses((status = 200, body = ArticlePage)))]
pub async fn list(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(params): Query<ArticleListParams>,
) -> Result<axum::Json<ArticlePage>, ApiError> {
    let filter = s.app.article_filter(&actor, &params).await?;
    let sort = filter.sort;
    let count = s.app.count_articles(&actor, &filter);
    let ((rows, more), count) =
        futures_util::future::try_join(s.app.list_articles(&actor, filter.clone()), count).await?;
    let next_cursor = if more { rows.last().map(|a| encode_cursor(&sort.key(&a.record))) } else { None };
    Ok(axum::Json(ArticlePage {
        items: rows.into_iter().map(ArticleItemJson::from).collect(),
        next_cursor,
        count: count.count,
        count_capped: count.capped,
    }))
}

#[utoipa::path(post, operation_id = "create_article", path = "/api/v1/articles", tag = "knowledge",
    request_body = NewArticleJson,
    responses((status = 201, body = ArticleJson, headers(("ETag" = String), ("Location" = String))),
        (status = 403, description = "Only agents, managers and admins write articles", body = Problem)))]
pub async fn create(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(body): Json<NewArticleJson>,
) -> Result<Response, ApiError> {
    let a = s.app.create_article(&actor, body.into()).await?;
    answer(&s, &actor, a, StatusCode::CREATED).await
}

/// Which version to read.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReadQuery {
    /// A version's number; by default the published one (staff: else the
    /// one being written).
    #[param(minimum = 1)]
    pub version: Option<i64>,
}

#[utoipa::path(get, operation_id = "get_article", path = "/api/v1/articles/{number}", tag = "knowledge",
    params(("number" = String, Path, description = "e.g. KB0000042"), ReadQuery),
    responses((status = 200, body = ArticleJson, headers(("ETag" = String))),
        (status = 403, description = "Requesters read published articles for requesters; unpublished versions are their author's and the reviewers'", body = Problem)))]
pub async fn get_one(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
    Query(q): Query<ReadQuery>,
) -> Result<Response, ApiError> {
    let read = s.app.get_article(&actor, &number, q.version).await?;
    Ok(super::incidents::json_with_etag(StatusCode::OK, read.article.record.version, ArticleJson::from(read)))
}

#[utoipa::path(patch, operation_id = "update_article", path = "/api/v1/articles/{number}", tag = "knowledge",
    request_body = ArticlePatchJson,
    params(("number" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    responses((status = 200, body = ArticleJson, headers(("ETag" = String))),
        (status = 403, description = "Only a draft's author, managers and admins change it", body = Problem),
        (status = 409, description = "No draft to change (in review or published: send it back or start a new version), or a stale version", body = Problem)))]
pub async fn update(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
    headers: HeaderMap,
    Json(body): Json<ArticlePatchJson>,
) -> Result<Response, ApiError> {
    let (body_version, input) = body.split();
    let (v, used_header) = version(&headers, body_version)?;
    let a = s
        .app
        .update_article(&actor, &number, v, input)
        .await
        .map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    answer(&s, &actor, a, StatusCode::OK).await
}

#[utoipa::path(post, operation_id = "start_article_version", path = "/api/v1/articles/{number}/versions", tag = "knowledge",
    request_body(content = Option<super::problem_dto::VersionJson>, description = "Optional when `If-Match` names the version"),
    params(("number" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    responses((status = 201, description = "The new draft, copied from the published version", body = ArticleJson, headers(("ETag" = String), ("Location" = String))),
        (status = 403, body = Problem),
        (status = 409, description = "A version is being written already, or a stale version", body = Problem)))]
pub async fn start_version(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let body_version =
        super::problems::optional_body::<super::problem_dto::VersionJson>(&body)?.and_then(|b| b.version);
    let (v, used_header) = version(&headers, body_version)?;
    let a = s
        .app
        .start_article_version(&actor, &number, v)
        .await
        .map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    answer(&s, &actor, a, StatusCode::CREATED).await
}

#[utoipa::path(post, operation_id = "transition_article", path = "/api/v1/articles/{number}/transition", tag = "knowledge",
    request_body = ArticleTransitionJson,
    params(("number" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    responses((status = 200, body = ArticleJson, headers(("ETag" = String))),
        (status = 403, description = "Publishing and retiring are for managers and admins; the author may not approve their own version", body = Problem),
        (status = 409, description = "A move not allowed now (`allowed` lists those that are), or a stale version", body = Problem)))]
pub async fn transition(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
    headers: HeaderMap,
    Json(body): Json<ArticleTransitionJson>,
) -> Result<Response, ApiError> {
    let (v, used_header) = version(&headers, body.version)?;
    let m = VersionMove { state: body.state, version: body.article_version };
    let a = s
        .app
        .move_article_version(&actor, &number, v, m)
        .await
        .map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    answer(&s, &actor, a, StatusCode::OK).await
}

#[utoipa::path(get, operation_id = "article_journal", path = "/api/v1/articles/{number}/journal", tag = "knowledge",
    params(("number" = String, Path)),
    responses((status = 200, body = Vec<JournalEntryJson>),
        (status = 403, description = "Staff only", body = Problem)))]
pub async fn journal(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
) -> Result<axum::Json<Vec<JournalEntryJson>>, ApiError> {
    let entries = s.app.article_journal(&actor, &number).await?;
    Ok(axum::Json(entries.into_iter().map(JournalEntryJson::from).collect()))
}

#[utoipa::path(get, operation_id = "list_article_feedback", path = "/api/v1/articles/{number}/feedback", tag = "knowledge",
    params(("number" = String, Path)),
    responses((status = 200, description = "Every reader's answer, newest first", body = Vec<FeedbackItemJson>),
        (status = 403, description = "Staff only", body = Problem)))]
pub async fn feedback(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
) -> Result<axum::Json<Vec<FeedbackItemJson>>, ApiError> {
    let list = s.app.article_feedback(&actor, &number).await?;
    Ok(axum::Json(list.into_iter().map(FeedbackItemJson::from).collect()))
}

#[utoipa::path(post, operation_id = "give_article_feedback", path = "/api/v1/articles/{number}/feedback", tag = "knowledge",
    request_body = FeedbackJson,
    params(("number" = String, Path)),
    responses((status = 200, description = "The version's tally with your answer (a second answer replaces the first)", body = TallyJson),
        (status = 403, description = "Only readers of the version answer", body = Problem)))]
pub async fn give_feedback(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
    Json(body): Json<FeedbackJson>,
) -> Result<axum::Json<TallyJson>, ApiError> {
    let tally = s
        .app
        .give_article_feedback(&actor, &number, body.article_version, body.helpful, body.comment.as_deref())
        .await?;
    Ok(axum::Json(tally.into()))
}

/// Since when deflections are counted.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeflectionQuery {
    /// RFC 3339 or YYYY-MM-DD; 30 days ago by default.
    pub since: Option<String>,
    /// One article's number; all by default.
    pub article: Option<String>,
}

#[utoipa::path(get, operation_id = "article_deflections", path = "/api/v1/articles/deflections", tag = "knowledge",
    params(DeflectionQuery),
    responses((status = 200, body = DeflectionJson),
        (status = 403, description = "Staff only", body = Problem)))]
pub async fn deflections(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<DeflectionQuery>,
) -> Result<axum::Json<DeflectionJson>, ApiError> {
    let since = match q.since.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(v) => steward_app::incidents::parse_time(v).map_err(|e| ApiError::field("since", e))?,
        None => steward_store::now_micros() - 30 * 24 * 3600 * 1_000_000,
    };
    Ok(axum::Json(s.app.deflections(&actor, since, q.article.as_deref()).await?.into()))
}

#[utoipa::path(get, operation_id = "list_problem_articles", path = "/api/v1/problems/{number}/articles", tag = "knowledge",
    params(("number" = String, Path, description = "e.g. PRB0000042")),
    responses((status = 200, description = "The articles documenting the problem", body = Vec<LinkedArticleJson>),
        (status = 403, description = "Requesters see no problems", body = Problem)))]
pub async fn of_problem(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
) -> Result<axum::Json<Vec<LinkedArticleJson>>, ApiError> {
    let list = s.app.problem_articles(&actor, &number).await?;
    Ok(axum::Json(
        list.into_iter()
            .map(|l| LinkedArticleJson { number: articles::number(l.number), title: l.title, state: l.state })
            .collect(),
    ))
}
