//! `/api/v1/cis`, `/api/v1/relations`, `/api/v1/impact`, `/api/v1/cmdb/*`,
//! `/api/v1/services` and `/api/v1/inventory`: the CMDB and the service
//! catalog. Staff read the CMDB and keep CIs and relations; managers own
//! catalog fields; admins define classes; requesters browse the live
//! services they may see. Every read takes `as_of` (RFC 3339) where the
//! past makes sense.

use crate::error::malformed;
use crate::{AppState, auth::ApiActor, error::ApiError, json::Json, query::Query};
use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use steward_app::AppError;
use steward_app::Code;
use steward_app::cmdb::files::{self as cmdb_files, ExportCi};
use steward_app::cmdb::{Batch, CiInput, CiRef, Direction, RelationInput, query};
use steward_app::error::too_many;
use steward_domain::code::not_one_of;
use steward_domain::code::unknown_value;
use steward_store::cmdb::{CiFields, CiFilter, CiRow};

use super::dto::{opt_time, time};
use super::schema;
use crate::error::Problem;
use utoipa::ToSchema;

/// The CMDB and the service catalog: routes and their OpenAPI description
/// (with the enums only query parameters name, which utoipa does not
/// collect).
pub const RESOURCE: super::Resource = super::Resource { routes, doc: <Doc as utoipa::OpenApi>::openapi };

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        list,
        create,
        get_one,
        update,
        journal,
        relations,
        add_relation,
        remove_relation,
        impact_of,
        dependencies_of,
        impact,
        open_incidents,
        bulk,
        import,
        classes,
        save_class,
        services,
        inventory
    ),
    components(schemas(schema::CiListFormat, schema::ImpactInclude, schema::ImpactDirection, schema::CiStatus))
)]
struct Doc;

fn routes() -> axum::Router<AppState> {
    use axum::{
        extract::DefaultBodyLimit,
        routing::{delete, get, post, put},
    };
    axum::Router::new()
        .route("/cis", get(list).post(create))
        .route("/cis/{id}", get(get_one).put(update))
        .route("/cis/{id}/journal", get(journal))
        .route("/cis/{id}/relations", get(relations))
        .route("/cis/{id}/impact", get(impact_of))
        .route("/cis/{id}/dependencies", get(dependencies_of))
        .route("/cis/{id}/incidents", get(open_incidents))
        .route("/relations", post(add_relation))
        .route("/relations/{id}", delete(remove_relation))
        .route("/impact", post(impact))
        .route("/cmdb/bulk", post(bulk).layer(DefaultBodyLimit::max(64 * 1024 * 1024)))
        .route("/cmdb/import", post(import).layer(DefaultBodyLimit::max(CSV_MAX_BYTES)))
        .route("/ci-classes", get(classes))
        .route("/ci-classes/{key}", put(save_class))
        .route("/services", get(services))
        .route("/inventory", post(inventory).layer(DefaultBodyLimit::max(steward_app::cmdb::inventory::MAX_BYTES)))
}

/// Parses `as_of`: an RFC 3339 moment, not in the future.
pub fn parse_as_of(s: Option<&str>) -> Result<Option<i64>, ApiError> {
    let Some(s) = s.map(str::trim) else { return Ok(None) };
    let t: jiff::Timestamp = s.parse().map_err(|_| {
        let m = Code::NotRfc3339.msg(format!("{s:?} is not an RFC 3339 time such as 2026-11-01T12:00:00Z"));
        ApiError::field("as_of", m.with("text", s))
    })?;
    let us = t.as_microsecond();
    if us > steward_store::now_micros() {
        return Err(ApiError::field("as_of", Code::InFuture.msg("is in the future")));
    }
    Ok(Some(us))
}

fn id_of(p: Result<Path<i64>, axum::extract::rejection::PathRejection>) -> Result<i64, ApiError> {
    p.map(|Path(id)| id).map_err(|_| ApiError::not_found("CI"))
}

/// A configuration item.
#[derive(Serialize, ToSchema)]
pub struct CiJson {
    pub id: i64,
    pub class: String,
    pub name: String,
    #[schema(value_type = schema::CiStatus)]
    pub status: String,
    #[schema(value_type = schema::Criticality)]
    pub criticality: String,
    pub owner_group: Option<super::dto::Ref>,
    pub location: Option<super::dto::Ref>,
    pub vendor: Option<String>,
    pub description: String,
    /// The class's attributes by name.
    pub attributes: Map<String, Value>,
    /// A service's owner.
    pub owner: Option<super::dto::Ref>,
    pub support_calendar_id: Option<i64>,
    pub tier: Option<i64>,
    #[schema(value_type = Option<schema::PortfolioStatus>)]
    pub portfolio_status: Option<String>,
    pub requester_visible: bool,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
    /// When an inventory agent last reported it.
    #[schema(format = DateTime)]
    pub inventory_at: Option<String>,
    pub version: i64,
    /// Set when read as of a past moment.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime, required = false)]
    pub as_of: Option<String>,
}

impl CiJson {
    /// The row, with the fields as of the moment read.
    pub fn new(row: &CiRow, f: &CiFields, as_of: Option<i64>) -> CiJson {
        let r = |id: Option<i64>, name: &Option<String>, same: bool| {
            id.map(|id| super::dto::Ref {
                id,
                name: if same { name.clone().unwrap_or_default() } else { String::new() },
            })
        };
        CiJson {
            id: row.id,
            class: f.class.clone(),
            name: f.name.clone(),
            status: f.status.clone(),
            criticality: f.criticality.clone(),
            owner_group: r(f.owner_group_id, &row.owner_group, f.owner_group_id == row.owner_group_id),
            location: r(f.location_id, &row.location, f.location_id == row.location_id),
            vendor: f.vendor.clone(),
            description: f.description.clone(),
            attributes: serde_json::from_str(&f.attributes).unwrap_or_default(),
            owner: r(f.owner_id, &row.owner_name, f.owner_id == row.owner_id),
            support_calendar_id: f.support_calendar_id,
            tier: f.tier,
            portfolio_status: f.portfolio_status.clone(),
            requester_visible: f.requester_visible,
            created_at: time(row.created_at),
            updated_at: time(row.updated_at),
            inventory_at: opt_time(row.inventory_at),
            version: row.version,
            as_of: opt_time(as_of),
        }
    }

    pub fn of(row: &CiRow) -> CiJson {
        CiJson::new(row, &CiFields::of(row), None)
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// A class key; classes extending it are included.
    class: Option<String>,
    #[param(value_type = Option<schema::CiStatus>)]
    status: Option<String>,
    /// Part of the name.
    q: Option<String>,
    /// A group name.
    owner_group: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
    /// 1–1000, default 50 (a page; the other formats take every matching CI).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<i64>,
    /// `json` (default, a page), or every matching CI as `csv` or `json_all`.
    #[param(value_type = Option<schema::CiListFormat>)]
    format: Option<String>,
}

/// A page of CIs.
#[derive(Serialize, ToSchema)]
pub struct CiPageJson {
    items: Vec<CiJson>,
    /// Pass as `cursor` for the next page; null on the last page.
    next_cursor: Option<String>,
}

/// A CI as exported with `format=json_all`: the fields an import reads back.
#[derive(Serialize, ToSchema)]
pub struct CiExportJson {
    id: i64,
    class: String,
    name: String,
    #[schema(value_type = schema::CiStatus)]
    status: String,
    #[schema(value_type = schema::Criticality)]
    criticality: String,
    owner_group: Option<String>,
    location: Option<String>,
    vendor: Option<String>,
    attributes: Map<String, Value>,
}

/// `format=json` gives a page; `format=json_all` every matching CI.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum CiListJson {
    Page(CiPageJson),
    All(Vec<CiExportJson>),
}

/// Rows one export may hold.
const EXPORT_MAX: i64 = 200_000;

#[utoipa::path(get, operation_id = "list_cis", path = "/api/v1/cis", tag = "cmdb",
    params(ListQuery),
    responses((status = 200, description = "A page `{items, next_cursor}`, or every matching CI as CSV or JSON",
        content((CiListJson = "application/json"), (String = "text/csv"))), (status = 403, body = Problem)))]
pub async fn list(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let mut filter = CiFilter { q: q.q.clone(), ..CiFilter::default() };
    if let Some(st) = &q.status {
        steward_domain::cmdb::CiStatus::parse(st).map_err(|e| ApiError::field("status", e))?;
        filter.status = Some(st.clone());
    }
    if let Some(g) = &q.owner_group {
        filter.owner_group_id = Some(
            s.app
                .group_id(g)
                .await
                .map_err(|_| ApiError::field("owner_group", Code::NoSuchGroup.msg("no such group")))?,
        );
    }
    let after = match &q.cursor {
        Some(c) => Some(
            query::parse_cursor(c)
                .ok_or_else(|| ApiError::field("cursor", Code::BadCursor.msg("is not a cursor from this list")))?,
        ),
        None => None,
    };
    let limit = q.limit.unwrap_or(50);
    if !(1..=query::MAX_PAGE).contains(&limit) {
        return Err(ApiError::field(
            "limit",
            Code::FromTo.msg(format!("must be 1 to {}", query::MAX_PAGE)).with("max", query::MAX_PAGE),
        ));
    }
    match q.format.as_deref().unwrap_or("json") {
        "json" => {
            let page = s.app.list_cis(&actor, filter, q.class.as_deref(), after, limit).await?;
            Ok(axum::Json(CiPageJson { items: page.items.iter().map(CiJson::of).collect(), next_cursor: page.next })
                .into_response())
        }
        f @ ("csv" | "json_all") => {
            // Every matching CI, page by page.
            let mut rows: Vec<CiRow> = Vec::new();
            let mut after = after;
            loop {
                let page = s.app.list_cis(&actor, filter.clone(), q.class.as_deref(), after, query::MAX_PAGE).await?;
                rows.extend(page.items);
                if rows.len() as i64 > EXPORT_MAX {
                    return Err(ApiError::field(
                        "format",
                        too_many(format!("more than {EXPORT_MAX} CIs; narrow the list"), EXPORT_MAX as usize),
                    ));
                }
                match page.next.as_deref().and_then(query::parse_cursor) {
                    Some(next) => after = Some(next),
                    None => break,
                }
            }
            if f == "csv" {
                return Ok(export_csv(&rows));
            }
            let cis: Vec<ExportCi> = rows.iter().map(export_ci).collect();
            Ok(([(header::CONTENT_TYPE, "application/json")], cmdb_files::write_json(&cis)).into_response())
        }
        other => Err(ApiError::field("format", not_one_of(other, &["json", "csv", "json_all"]))),
    }
}

fn export_ci(r: &CiRow) -> ExportCi {
    ExportCi {
        id: r.id,
        class: r.class.clone(),
        name: r.name.clone(),
        status: r.status.clone(),
        criticality: r.criticality.clone(),
        owner_group: r.owner_group.clone(),
        location: r.location.clone(),
        vendor: r.vendor.clone(),
        attributes: serde_json::from_str(&r.attributes).unwrap_or_default(),
    }
}

/// A CSV of the rows, one column per attribute any of them has.
fn export_csv(rows: &[CiRow]) -> Response {
    let cis: Vec<ExportCi> = rows.iter().map(export_ci).collect();
    let mut columns: Vec<String> = cis.iter().flat_map(|c| c.attributes.keys().cloned()).collect();
    columns.sort();
    columns.dedup();
    let body = cmdb_files::write_csv(&cis, &columns);
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"cis.csv\""),
        ],
        body,
    )
        .into_response()
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AsOfQuery {
    /// RFC 3339, not in the future: as it was then.
    #[param(format = DateTime)]
    as_of: Option<String>,
}

#[utoipa::path(get, operation_id = "get_ci", path = "/api/v1/cis/{id}", tag = "cmdb",
    params(("id" = i64, Path), AsOfQuery),
    responses((status = 200, description = "The CI (as it was at `as_of`)", body = CiJson), (status = 403, body = Problem)))]
pub async fn get_one(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    Query(q): Query<AsOfQuery>,
) -> Result<axum::Json<CiJson>, ApiError> {
    let d = s.app.ci(&actor, id_of(id)?, parse_as_of(q.as_of.as_deref())?).await?;
    Ok(axum::Json(CiJson::new(&d.row, &d.fields, d.as_of)))
}

async fn save(
    s: &AppState,
    actor: &steward_app::Actor,
    item: CiInput,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let report = s
        .app
        .upsert_cis(actor, Batch { items: vec![item], relations: vec![] })
        .await
        .map_err(|e| e.unprefixed("items[0]."))?;
    let id = report.items.first().map(|i| i.id).ok_or_else(|| ApiError::not_found("CI"))?;
    let d = s.app.ci(actor, id, None).await?;
    let resp = (status, axum::Json(CiJson::of(&d.row))).into_response();
    Ok(super::incidents::located(resp, &format!("/api/v1/cis/{id}")))
}

/// Creates a CI, or updates the one its identifiers name.
#[utoipa::path(post, operation_id = "create_ci", path = "/api/v1/cis", tag = "cmdb",
    request_body(content = schema::CiInput, description = "One CI (without `id`); reconciled by its identifiers like bulk"),
    responses((status = 201, description = "The CI (created, or the one its identifiers name)", body = CiJson,
        headers(("Location" = String))), (status = 403, body = Problem)))]
pub async fn create(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(item): Json<CiInput>,
) -> Result<Response, ApiError> {
    if item.id.is_some() {
        return Err(ApiError::field(
            "id",
            Code::IdByServer.msg("is given by the server; PUT /api/v1/cis/{id} updates a CI"),
        ));
    }
    save(&s, &actor, item, StatusCode::CREATED).await
}

#[utoipa::path(put, operation_id = "update_ci", path = "/api/v1/cis/{id}", tag = "cmdb", params(("id" = i64, Path)),
    request_body(content = schema::CiInput, description = "The CI's fields; fields not sent keep their values"),
    responses((status = 200, description = "The CI", body = CiJson, headers(("Location" = String))), (status = 403, body = Problem)))]
pub async fn update(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    Json(mut item): Json<CiInput>,
) -> Result<Response, ApiError> {
    let id = id_of(id)?;
    s.app.ci(&actor, id, None).await?;
    item.id = Some(id);
    save(&s, &actor, item, StatusCode::OK).await
}

#[utoipa::path(get, operation_id = "ci_journal", path = "/api/v1/cis/{id}/journal", tag = "cmdb", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<super::dto::JournalEntryJson>), (status = 403, body = Problem)))]
pub async fn journal(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> Result<axum::Json<Vec<super::dto::JournalEntryJson>>, ApiError> {
    let entries = s.app.ci_journal(&actor, id_of(id)?).await?;
    Ok(axum::Json(entries.into_iter().map(super::dto::JournalEntryJson::from).collect()))
}

/// A relation with both ends named: `from` depends on, runs on, … `to`.
#[derive(Serialize, ToSchema)]
pub struct RelationJson {
    id: i64,
    #[serde(rename = "type")]
    #[schema(value_type = schema::RelationType)]
    kind: &'static str,
    #[schema(value_type = schema::CiSummary)]
    from: steward_app::cmdb::impact::CiRef,
    #[schema(value_type = schema::CiSummary)]
    to: steward_app::cmdb::impact::CiRef,
    #[schema(format = DateTime)]
    since: String,
    /// When it was removed; null while live.
    #[schema(format = DateTime)]
    until: Option<String>,
}

#[utoipa::path(get, operation_id = "ci_relations", path = "/api/v1/cis/{id}/relations", tag = "cmdb",
    params(("id" = i64, Path), AsOfQuery),
    responses((status = 200, description = "The relations live then, with both ends named", body = Vec<RelationJson>),
        (status = 403, body = Problem)))]
pub async fn relations(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    Query(q): Query<AsOfQuery>,
) -> Result<Response, ApiError> {
    let id = id_of(id)?;
    let as_of = parse_as_of(q.as_of.as_deref())?;
    s.app.ci(&actor, id, as_of).await?;
    let list = s.app.ci_relations(&actor, id, as_of).await?;
    let out: Vec<RelationJson> = list
        .into_iter()
        .map(|r| RelationJson {
            id: r.id,
            kind: r.kind,
            from: r.from,
            to: r.to,
            since: time(r.since),
            until: opt_time(r.until),
        })
        .collect();
    Ok(axum::Json(out).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct RelationAddedJson {
    /// Relations added: 1.
    added: usize,
}

/// Adds one relation; one already live is refused.
#[utoipa::path(post, path = "/api/v1/relations", tag = "cmdb",
    request_body(content = schema::RelationInput, description = "Both ends by CI id"),
    responses((status = 201, body = RelationAddedJson), (status = 409, description = "The relation is already live", body = Problem)))]
pub async fn add_relation(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(r): Json<RelationInput>,
) -> Result<Response, ApiError> {
    if matches!(r.from, CiRef::Ref(_)) || matches!(r.to, CiRef::Ref(_)) {
        return Err(ApiError::field(
            "from",
            Code::RefsNotHere.msg("name CIs by id here; refs are for /api/v1/cmdb/bulk"),
        ));
    }
    let batch = Batch { items: vec![], relations: vec![r] };
    let report = s.app.upsert_cis(&actor, batch).await.map_err(|e| e.unprefixed("relations[0]."))?;
    if report.relations_added == 0 {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "duplicate",
            "Duplicate relation",
            "this relation already exists",
        ));
    }
    Ok((StatusCode::CREATED, axum::Json(RelationAddedJson { added: report.relations_added })).into_response())
}

#[utoipa::path(delete, path = "/api/v1/relations/{id}", tag = "cmdb", params(("id" = i64, Path)),
    responses((status = 204, description = "Ended; it stays in history"), (status = 403, body = Problem)))]
pub async fn remove_relation(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> Result<StatusCode, ApiError> {
    let id = id.map(|Path(id)| id).map_err(|_| ApiError::not_found("relation"))?;
    s.app.remove_relation(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImpactQuery {
    /// How many relations deep to walk: 1–20, default 10.
    #[param(minimum = 1, maximum = 20)]
    depth: Option<u32>,
    /// RFC 3339, not in the future: the graph as it was then.
    #[param(format = DateTime)]
    as_of: Option<String>,
    /// `all` (default) or `services`: leave out the list of every CI reached.
    #[param(value_type = Option<schema::ImpactInclude>)]
    include: Option<String>,
}

async fn walk(
    s: &AppState,
    actor: &steward_app::Actor,
    ids: &[i64],
    depth: Option<u32>,
    as_of: Option<&str>,
    dir: Direction,
    include: Option<&str>,
) -> Result<Response, ApiError> {
    let as_of = parse_as_of(as_of)?;
    let listed = match include.unwrap_or("all") {
        "all" => steward_app::cmdb::impact::MAX_LISTED,
        "services" => 0,
        other => {
            return Err(ApiError::field(
                "include",
                unknown_value(format!("{other:?} is not all or services"), other, "all, services"),
            ));
        }
    };
    let impact = s.app.impact(actor, ids, depth.unwrap_or(10), as_of, dir, listed).await?;
    Ok(axum::Json(ImpactJson { as_of: opt_time(impact.as_of), impact }).into_response())
}

/// An impact with its moment as RFC 3339, like every time the API writes.
#[derive(Serialize)]
pub struct ImpactJson {
    #[serde(flatten)]
    impact: steward_app::cmdb::Impact,
    as_of: Option<String>,
}

impl ImpactJson {
    /// An impact as of now.
    pub fn now(impact: steward_app::cmdb::Impact) -> Self {
        Self { impact, as_of: None }
    }
}

#[utoipa::path(get, operation_id = "ci_impact", path = "/api/v1/cis/{id}/impact", tag = "cmdb",
    params(("id" = i64, Path), ImpactQuery),
    responses((status = 200, description = "Services affected with their paths, the organisations using them, every CI reached",
        body = schema::Impact), (status = 403, body = Problem)))]
pub async fn impact_of(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    Query(q): Query<ImpactQuery>,
) -> Result<Response, ApiError> {
    walk(&s, &actor, &[id_of(id)?], q.depth, q.as_of.as_deref(), Direction::Upstream, q.include.as_deref()).await
}

#[utoipa::path(get, operation_id = "ci_dependencies", path = "/api/v1/cis/{id}/dependencies", tag = "cmdb",
    params(("id" = i64, Path), ImpactQuery),
    responses((status = 200, description = "Everything the CI depends on", body = schema::Impact), (status = 403, body = Problem)))]
pub async fn dependencies_of(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    Query(q): Query<ImpactQuery>,
) -> Result<Response, ApiError> {
    walk(&s, &actor, &[id_of(id)?], q.depth, q.as_of.as_deref(), Direction::Downstream, q.include.as_deref()).await
}

/// The CIs to walk from, and how.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImpactBody {
    /// 1–1000 CI ids.
    cis: Vec<i64>,
    /// 1–20, default 10.
    #[schema(minimum = 1, maximum = 20)]
    depth: Option<u32>,
    #[schema(format = DateTime)]
    as_of: Option<String>,
    /// `upstream` (default: what the failure affects) or `downstream`.
    #[schema(value_type = Option<schema::ImpactDirection>)]
    direction: Option<String>,
    /// `all` (default) or `services`.
    #[schema(value_type = Option<schema::ImpactInclude>)]
    include: Option<String>,
}

#[utoipa::path(post, operation_id = "impact_of_cis", path = "/api/v1/impact", tag = "cmdb",
    request_body = ImpactBody,
    responses((status = 200, body = schema::Impact), (status = 403, body = Problem)))]
pub async fn impact(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(b): Json<ImpactBody>,
) -> Result<Response, ApiError> {
    let dir = match b.direction.as_deref().unwrap_or("upstream") {
        "upstream" => Direction::Upstream,
        "downstream" => Direction::Downstream,
        other => {
            let text = format!("{other:?} is not upstream or downstream");
            return Err(ApiError::field("direction", unknown_value(text, other, "upstream, downstream")));
        }
    };
    walk(&s, &actor, &b.cis, b.depth, b.as_of.as_deref(), dir, b.include.as_deref()).await
}

#[utoipa::path(get, operation_id = "ci_open_incidents", path = "/api/v1/cis/{id}/incidents", tag = "cmdb", params(("id" = i64, Path)),
    responses((status = 200, description = "Open incidents on the CI and on everything it depends on (at most 10)",
        body = Vec<CiIncidentJson>), (status = 403, body = Problem)))]
pub async fn open_incidents(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> Result<Response, ApiError> {
    let id = id_of(id)?;
    s.app.ci(&actor, id, None).await?;
    let list = s.app.open_incidents_on(&actor, id, 10).await?;
    let out: Vec<CiIncidentJson> = list
        .into_iter()
        .map(|i| CiIncidentJson {
            number: steward_app::incidents::number(i.number),
            title: i.title,
            state: i.state,
            priority: i.priority,
            opened_at: time(i.opened_at),
            via_ci: i.ci_id,
        })
        .collect();
    Ok(axum::Json(out).into_response())
}

/// An open incident on a CI or on something it depends on.
#[derive(Serialize, ToSchema)]
pub struct CiIncidentJson {
    /// e.g. INC0000042
    number: String,
    title: String,
    #[schema(value_type = schema::IncidentState)]
    state: String,
    #[schema(minimum = 1, maximum = 5)]
    priority: i64,
    #[schema(format = DateTime)]
    opened_at: String,
    /// The CI the incident names: this one or one it depends on.
    via_ci: i64,
}

/// The bulk upsert: CIs reconciled by their identifiers, and relations.
#[utoipa::path(post, operation_id = "bulk_upsert_cis", path = "/api/v1/cmdb/bulk", tag = "cmdb",
    request_body(content = schema::CiBatch, description = "At most 5,000 CIs and 20,000 relations; see the README"),
    responses((status = 200, description = "What happened to each item", body = schema::UpsertReport),
        (status = 403, body = Problem)))]
pub async fn bulk(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(b): Json<Batch>,
) -> Result<Response, ApiError> {
    Ok(axum::Json(s.app.upsert_cis(&actor, b).await?).into_response())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// Only say, row by row, what an import would do.
    dry_run: Option<bool>,
    /// The column mapping as JSON; the headers are field names without it.
    mapping: Option<String>,
}

/// Most bytes a CSV file may have.
pub const CSV_MAX_BYTES: usize = 32 * 1024 * 1024;

#[utoipa::path(post, operation_id = "import_cis_csv", path = "/api/v1/cmdb/import", tag = "cmdb",
    params(ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "At most 32 MiB and 50,000 rows"),
    responses((status = 200, description = "Row by row: create, update, unchanged or reject", body = schema::ImportReport),
        (status = 403, body = Problem)))]
pub async fn import(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    headers: HeaderMap,
    Query(q): Query<ImportQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !ct.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("text/csv") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Unsupported media type",
            "send the file as text/csv",
        ));
    }
    let r = s.app.import_csv(&actor, &body, q.mapping.as_deref(), q.dry_run.unwrap_or(false)).await?;
    Ok(axum::Json(r).into_response())
}

#[derive(Serialize)]
pub struct ClassJson {
    #[serde(flatten)]
    class: steward_domain::cmdb::Class,
    builtin: bool,
    version: Option<i64>,
}

#[utoipa::path(get, operation_id = "list_ci_classes", path = "/api/v1/ci-classes", tag = "cmdb",
    responses((status = 200, description = "Built-in and admin-defined classes", body = Vec<schema::ClassJson>)))]
pub async fn classes(State(s): State<AppState>, ApiActor(_actor): ApiActor) -> Result<Response, ApiError> {
    let list = s.app.ci_classes().await?;
    let out: Vec<ClassJson> =
        list.into_iter().map(|(class, version)| ClassJson { class, builtin: version.is_none(), version }).collect();
    Ok(axum::Json(out).into_response())
}

#[utoipa::path(put, operation_id = "save_ci_class", path = "/api/v1/ci-classes/{key}", tag = "cmdb",
    params(("key" = String, Path), ("If-Match" = Option<String>, Header, description = "The version you read, for a class that exists")),
    request_body = schema::ClassBody,
    responses((status = 200, body = ClassSavedJson), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 428, body = Problem)))]
pub async fn save_class(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(key): Path<String>,
    headers: HeaderMap,
    Json(mut v): Json<Value>,
) -> Result<Response, ApiError> {
    let version = v.as_object_mut().and_then(|o| o.remove("version")).and_then(|v| v.as_i64());
    let (version, used_header) = super::incidents::version(&headers, version)?;
    if let Some(o) = v.as_object_mut() {
        o.insert("key".into(), Value::String(key));
    }
    let class: steward_domain::cmdb::Class =
        serde_json::from_value(v).map_err(|e| ApiError::field("class", malformed(e)))?;
    let version =
        s.app.save_ci_class(&actor, class, version).await.map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    Ok(axum::Json(ClassSavedJson { version }).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct ClassSavedJson {
    /// The class's new version.
    version: i64,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CatalogQuery {
    /// Part of a service's name.
    q: Option<String>,
}

/// The service catalog as the caller may see it.
#[utoipa::path(get, operation_id = "list_services", path = "/api/v1/services", tag = "cmdb", params(CatalogQuery),
    responses((status = 200, description = "The catalog as the caller may see it: live services for requesters", body = Vec<CiJson>)))]
pub async fn services(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<CatalogQuery>,
) -> Result<Response, ApiError> {
    let rows = s.app.catalog(&actor, q.q).await?;
    Ok(axum::Json(rows.iter().map(CiJson::of).collect::<Vec<_>>()).into_response())
}

/// The agent endpoint: FusionInventory / GLPI agent XML, zlib, gzip or
/// plain; answered in XML as the agent expects.
#[utoipa::path(post, path = "/api/v1/inventory", tag = "cmdb",
    request_body(description = "A FusionInventory / GLPI agent document: plain XML, or zlib or gzip compressed",
        content((String = "application/xml"), (Vec<u8> = "application/x-compress-zlib"), (Vec<u8> = "application/x-compress-gzip"))),
    responses((status = 200, description = "The agent protocol's XML reply", content_type = "application/xml", body = String),
        (status = 401, description = "No valid credentials; challenged for Basic (agents send a token as the password)", body = Problem),
        (status = 403, body = Problem),
        (status = 422, description = "Not an inventory the agent protocol knows: an XML error reply", content_type = "application/xml", body = String)))]
pub async fn inventory(
    State(s): State<AppState>,
    actor: Result<ApiActor, ApiError>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    // Agents send a user and password only when challenged for Basic.
    let actor = match actor {
        Ok(ApiActor(a)) => a,
        Err(e) => {
            let mut resp = e.into_response();
            if resp.status() == StatusCode::UNAUTHORIZED {
                resp.headers_mut()
                    .insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Basic realm=\"steward\""));
            }
            return resp;
        }
    };
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let xml =
        |status: StatusCode, body: String| (status, [(header::CONTENT_TYPE, "application/xml")], body).into_response();
    match s.app.ingest_inventory(&actor, &body, ct).await {
        Ok(steward_app::cmdb::inventory::AgentReply::Prolog(r)) => xml(StatusCode::OK, r),
        Ok(steward_app::cmdb::inventory::AgentReply::Taken { xml: r, .. }) => xml(StatusCode::OK, r),
        Err(AppError::Invalid(errs)) => {
            let text: Vec<String> = errs.iter().map(|e| format!("{}: {}", e.field, e.message)).collect();
            xml(StatusCode::UNPROCESSABLE_ENTITY, steward_app::cmdb::inventory_error_reply(&text.join("; ")))
        }
        Err(e) => ApiError::from(e).into_response(),
    }
}
