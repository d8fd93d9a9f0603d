//! Record lists exported for spreadsheets and BI tools (issue 14):
//! `GET /api/v1/{incidents,problems,changes,tasks}/export.csv` and
//! `.../export.xlsx`, each with its list's filters and sort. One piece
//! serves every kind: a kind ([`Kind`]) says how its list's query becomes
//! the pages to read and what its files are called; its rows say their
//! columns and cells (`steward_app::export::Exported`). CSV streams page by
//! page, so an export of any size takes flat memory; XLSX is one sheet,
//! built row by row into a temporary file, at most 1,048,575 records
//! (beyond: CSV only).
//!
//! Exports run longer than a page: they are served outside the request
//! timeout (see [`crate::router`]), under [`EXPORT_TIMEOUT`] of their own
//! for the XLSX build; a CSV's rows flow as they are read.

use crate::{AppState, auth::ApiActor, error::ApiError, query::Query};
use axum::{
    body::{Body, Bytes},
    extract::{FromRequestParts, State},
    http::{StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
    routing::get,
};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use steward_app::{
    Actor, App, Code,
    changes::{Change, ChangeListParams},
    export::{ExportPages, Exported, sheets},
    incidents::ListParams,
    problems::{Problem, ProblemListParams},
    tasks::{Task, task_filter},
};
use steward_store::records::Incident;

/// One kind's exports: how its list's query becomes the pages to read
/// (the list's own filter reader, so filters and rights are the list's),
/// and what its files are called.
pub trait Kind: 'static {
    /// The list's query parameters.
    type Params: DeserializeOwned + Send + Sync + 'static;
    type Row: Exported;
    /// The files' name before the day: `incidents-2026-12-06.csv`.
    const FILE: &'static str;
    /// The XLSX sheet's name.
    const SHEET: &'static str;
    fn pages(app: &App, actor: &Actor, p: &Self::Params) -> impl Future<Output = Result<ExportPages, ApiError>> + Send;
}

/// An export's query: the list's parameters with its paging refused
/// beside its name (an export takes every matching record, so a cursor or
/// a limit is not silently ignored), then read as the list reads them.
pub struct Whole<P>(pub P);

impl<P: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Whole<P> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        if let Ok(axum::extract::Query(pairs)) = axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
        {
            if let Some((field, _)) = pairs.iter().find(|(name, _)| matches!(name.as_str(), "cursor" | "limit")) {
                return Err(ApiError::field(
                    field,
                    Code::ExportWhole.msg("an export takes every matching record: leave it out"),
                ));
            }
        }
        let Query(p) = Query::<P>::from_request_parts(parts, state).await?;
        Ok(Whole(p))
    }
}

/// Sends an export's pages in order until the last, or the first error
/// (after which the body ends short: the rows sent stand).
async fn read_pages<T: Exported>(
    app: App,
    actor: Actor,
    mut pages: ExportPages,
    tx: tokio::sync::mpsc::Sender<Result<Vec<T>, std::io::Error>>,
) {
    loop {
        let page = match app.export_next::<T>(&actor, &mut pages).await {
            Ok(None) => return,
            Ok(Some(rows)) => Ok(rows),
            Err(e) => {
                tracing::warn!(error = %e, "an export failed while streaming");
                Err(std::io::Error::other(e.to_string()))
            }
        };
        let failed = page.is_err();
        if tx.send(page).await.is_err() || failed {
            return;
        }
    }
}

/// How long an XLSX export may take to build.
pub const EXPORT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(600);

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A kind's exports: its [`Kind`] (`This`) and its two handlers,
/// documented, `$module::csv` and `$module::xlsx` (paths and names as
/// literals, as the OpenAPI attribute takes them), and their routes.
/// `pages` reads the list's parameters as its list does; `forbidden` is
/// the 403 of the roles the list refuses.
macro_rules! kind_export {
    ($module:ident {
        params: $params:ty, row: $row:ty, file: $file:literal, sheet: $sheet:literal,
        pages: |$app:pat_param, $actor:ident, $p:ident| $pages:expr,
        tag: $tag:literal, what: $what:literal,
        csv: ($csv_op:literal, $csv_path:literal), xlsx: ($xlsx_op:literal, $xlsx_path:literal)
        $(, forbidden: $forbidden:literal)? $(,)?
    }) => {
        pub mod $module {
            use super::*;

            pub struct This;
            impl Kind for This {
                type Params = $params;
                type Row = $row;
                const FILE: &'static str = $file;
                const SHEET: &'static str = $sheet;
                async fn pages($app: &App, $actor: &Actor, $p: &$params) -> Result<ExportPages, ApiError> {
                    Ok(ExportPages::from($pages))
                }
            }

            pub fn routes() -> axum::Router<AppState> {
                axum::Router::new().route($csv_path, get(csv)).route($xlsx_path, get(xlsx))
            }

            #[utoipa::path(get, operation_id = $csv_op, path = $csv_path, tag = $tag,
                description = concat!($what, ": the list's query parameters and order, no paging; as CSV \
                    (RFC 4180, a header row, times in UTC as RFC 3339), streamed."),
                responses((status = 200, content_type = "text/csv", body = String),
                    (status = 422, body = crate::error::Problem)
                    $(, (status = 403, description = $forbidden, body = crate::error::Problem))?))]
            pub async fn csv(
                State(s): State<AppState>,
                ApiActor(actor): ApiActor,
                Whole(params): Whole<$params>,
            ) -> Result<Response, ApiError> {
                super::csv::<This>(s, actor, params).await
            }

            #[utoipa::path(get, operation_id = $xlsx_op, path = $xlsx_path, tag = $tag,
                description = concat!($what, ": the list's query parameters and order, no paging; as one XLSX \
                    sheet (numbers as numbers, times in UTC as dates), at most 1,048,575 records: more is a 422 \
                    that says to export as CSV."),
                responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
                    (status = 422, body = crate::error::Problem)
                    $(, (status = 403, description = $forbidden, body = crate::error::Problem))?))]
            pub async fn xlsx(
                State(s): State<AppState>,
                ApiActor(actor): ApiActor,
                Whole(params): Whole<$params>,
            ) -> Result<Response, ApiError> {
                super::xlsx::<This>(s, actor, params).await
            }
        }
    };
}

kind_export!(incidents {
    params: ListParams,
    row: Incident,
    file: "incidents",
    sheet: "Incidents",
    pages: |app, actor, p| crate::api::incidents::api_filter(app, actor, p).await?,
    tag: "incidents",
    what: "Every incident the list's filters find (requesters: their own)",
    csv: ("export_incidents_csv", "/api/v1/incidents/export.csv"),
    xlsx: ("export_incidents_xlsx", "/api/v1/incidents/export.xlsx"),
});
kind_export!(problems {
    params: ProblemListParams,
    row: Problem,
    file: "problems",
    sheet: "Problems",
    pages: |app, actor, p| app.problem_filter(actor, p).await?,
    tag: "problems",
    what: "Every problem the list's filters find",
    csv: ("export_problems_csv", "/api/v1/problems/export.csv"),
    xlsx: ("export_problems_xlsx", "/api/v1/problems/export.xlsx"),
    forbidden: "Requesters see no problems",
});
kind_export!(changes {
    params: ChangeListParams,
    row: Change,
    file: "changes",
    sheet: "Changes",
    pages: |app, actor, p| app.change_filter(actor, p).await?,
    tag: "changes",
    what: "Every change the list's filters find",
    csv: ("export_changes_csv", "/api/v1/changes/export.csv"),
    xlsx: ("export_changes_xlsx", "/api/v1/changes/export.xlsx"),
    forbidden: "Requesters see no changes",
});
// The task queue's export: every open task of my groups, or mine, where
// the queue's page shows the first 200.
kind_export!(tasks {
    params: crate::api::tasks::QueueQuery,
    row: Task,
    file: "tasks",
    sheet: "Tasks",
    pages: |_, actor, p| task_filter(actor, p.queue()?)?,
    tag: "changes",
    what: "Every open task of the queue (`assigned`: my groups' or mine)",
    csv: ("export_tasks_csv", "/api/v1/tasks/export.csv"),
    xlsx: ("export_tasks_xlsx", "/api/v1/tasks/export.xlsx"),
    forbidden: "Requesters see no tasks",
});

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    incidents::csv,
    incidents::xlsx,
    problems::csv,
    problems::xlsx,
    changes::csv,
    changes::xlsx,
    tasks::csv,
    tasks::xlsx
))]
pub struct Doc;

/// The lists that export, by the list's path (the exports' are below it).
const LISTS: [&str; 4] = ["/api/v1/incidents", "/api/v1/problems", "/api/v1/changes", "/api/v1/tasks"];

/// The export routes, full paths (merged beside `/api/v1`, not under its
/// request timeout).
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .merge(incidents::routes())
        .merge(problems::routes())
        .merge(changes::routes())
        .merge(tasks::routes())
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, EXPORT_TIMEOUT))
}

fn attachment(name: &str, extension: &str) -> String {
    let day = jiff::Zoned::now().date();
    format!("attachment; filename=\"{name}-{day}.{extension}\"")
}

/// A kind's CSV: the header, then its pages as they are read.
async fn csv<K: Kind>(s: AppState, actor: Actor, params: K::Params) -> Result<Response, ApiError> {
    let pages = K::pages(&s.app, &actor, &params).await?;
    // One task reads the pages while the body writes the last one out: the
    // database's work and the CSV's overlap. Two pages wait at most, and a
    // client that goes away stops the reading (the channel closes).
    let (tx, rx) = tokio::sync::mpsc::channel(2);
    tokio::spawn(read_pages::<K::Row>(s.app.clone(), actor, pages, tx));
    let header = sheets::csv_header(<K::Row as Exported>::COLUMNS);
    let pages = futures_util::stream::unfold(rx, |mut rx| async move {
        let page = rx.recv().await?;
        let chunk = page.map(|rows: Vec<K::Row>| {
            let cells: Vec<_> = rows.iter().map(Exported::cells).collect();
            let mut out = String::new();
            sheets::csv_rows(&mut out, cells.iter().map(Vec::as_slice));
            Bytes::from(out)
        });
        Some((chunk, rx))
    });
    let body = futures_util::stream::once(async move { Ok(Bytes::from(header)) }).chain(pages);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, attachment(K::FILE, "csv")),
        ],
        Body::from_stream(body),
    )
        .into_response())
}

/// A kind's XLSX: one sheet, its pages written as they are read.
async fn xlsx<K: Kind>(s: AppState, actor: Actor, params: K::Params) -> Result<Response, ApiError> {
    let mut pages = K::pages(&s.app, &actor, &params).await?;
    let mut book = sheets::Xlsx::new(K::SHEET, <K::Row as Exported>::COLUMNS).map_err(internal)?;
    while let Some(rows) = s.app.export_next::<K::Row>(&actor, &mut pages).await? {
        // Writing rows is CPU work: on a blocking thread, not the runtime's.
        book = blocking(move || rows.iter().try_for_each(|r| book.push(&r.cells())).map(|()| book)).await?;
    }
    let bytes = blocking(move || book.finish()).await?;
    Ok(([(header::CONTENT_TYPE, XLSX.to_owned()), (header::CONTENT_DISPOSITION, attachment(K::FILE, "xlsx"))], bytes)
        .into_response())
}

/// Runs XLSX work on a blocking thread; a full sheet is the caller's 422.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, sheets::XlsxError> + Send + 'static,
) -> Result<T, ApiError> {
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(sheets::XlsxError::Full)) => Err(ApiError::field(
            "format",
            Code::XlsxTooLarge
                .msg(format!(
                    "more records match than an XLSX sheet holds ({} rows): export them as CSV",
                    sheets::XLSX_MAX_ROWS
                ))
                .with("max", sheets::XLSX_MAX_ROWS.to_string()),
        )),
        Ok(Err(e)) => Err(internal(e)),
        Err(e) => Err(internal(e)),
    }
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %e, "building an XLSX export failed");
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "Internal error", "the XLSX file could not be built")
}

/// The export paths take their list's query parameters: copied from the
/// list's description in the document (all but its paging), so the two
/// never drift apart.
pub fn complete(doc: &mut serde_json::Value) {
    let pointer = |path: &str| format!("/paths/{}/get", path.replace('/', "~1"));
    for list in LISTS {
        let given = doc.pointer(&format!("{}/parameters", pointer(list))).cloned().unwrap_or_default();
        let params: Vec<serde_json::Value> = given
            .as_array()
            .map(|ps| ps.iter().filter(|p| !matches!(p["name"].as_str(), Some("cursor" | "limit"))).cloned().collect())
            .unwrap_or_default();
        for format in ["csv", "xlsx"] {
            if let Some(get) = doc.pointer_mut(&pointer(&format!("{list}/export.{format}"))) {
                get["parameters"] = serde_json::Value::Array(params.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_sheet_is_a_422_that_says_to_export_as_csv() {
        let e = blocking(|| Err::<(), _>(sheets::XlsxError::Full)).await.unwrap_err();
        let r = e.into_response();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = axum::body::to_bytes(r.into_body(), 1 << 16).await.unwrap();
        let p: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(p["errors"][0]["field"], "format", "{p}");
        assert_eq!(p["errors"][0]["code"], "xlsx_too_large", "{p}");
        let m = p["errors"][0]["message"].as_str().unwrap();
        assert_eq!(m, "more records match than an XLSX sheet holds (1048575 rows): export them as CSV");
    }

    #[test]
    fn every_export_takes_its_lists_parameters_but_the_paging() {
        let doc = crate::api::document();
        for list in LISTS {
            let names = |path: &str| -> Vec<String> {
                let ps = &doc["paths"][path]["get"]["parameters"];
                ps.as_array().into_iter().flatten().filter_map(|p| p["name"].as_str().map(str::to_owned)).collect()
            };
            let mut wanted = names(list);
            wanted.retain(|n| n != "cursor" && n != "limit");
            assert!(!wanted.is_empty(), "{list}");
            for format in ["csv", "xlsx"] {
                assert_eq!(names(&format!("{list}/export.{format}")), wanted, "{list} {format}");
            }
        }
    }
}
