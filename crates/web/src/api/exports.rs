//! Record lists exported for spreadsheets and BI tools (issue 14):
//! `GET /api/v1/incidents/export.csv` and `.../export.xlsx`, with the
//! list's filters and sort. CSV streams page by page, so an export of any
//! size takes flat memory; XLSX is one sheet, built row by row into a
//! temporary file, at most 1,048,575 records (beyond: CSV only).
//!
//! Exports run longer than a page: they are served outside the request
//! timeout (see [`crate::router`]), under [`EXPORT_TIMEOUT`] of their own
//! for the XLSX build; a CSV's rows flow as they are read.

use crate::{AppState, auth::ApiActor, error::ApiError, query::Query};
use axum::{
    body::{Body, Bytes},
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use steward_app::{
    Actor, App, Code,
    incidents::{
        ListParams,
        export::{COLUMNS, cells, sheets},
    },
};
use steward_store::records::Filter;

/// Sends an export's pages in order until the last, or the first error
/// (after which the body ends short: the rows sent stand).
async fn read_pages(
    app: App,
    actor: Actor,
    mut q: Filter,
    tx: tokio::sync::mpsc::Sender<Result<Vec<steward_store::records::Record>, std::io::Error>>,
) {
    loop {
        match app.export_incidents_page(&actor, q.clone()).await {
            Ok((rows, more)) => {
                let next = rows.last().filter(|_| more).map(|last| q.sort.key(last));
                if tx.send(Ok(rows)).await.is_err() {
                    return;
                }
                match next {
                    Some(after) => q.after = Some(after),
                    None => return,
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "an export failed while streaming");
                let _ = tx.send(Err(std::io::Error::other(e.to_string()))).await;
                return;
            }
        }
    }
}

/// How long an XLSX export may take to build.
pub const EXPORT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(600);

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[derive(utoipa::OpenApi)]
#[openapi(paths(incidents_csv, incidents_xlsx))]
pub struct Doc;

/// The export routes, full paths (merged beside `/api/v1`, not under its
/// request timeout).
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/v1/incidents/export.csv", get(incidents_csv))
        .route("/api/v1/incidents/export.xlsx", get(incidents_xlsx))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, EXPORT_TIMEOUT))
}

/// The list's filter for an export: every matching record, so paging is
/// refused rather than silently ignored.
async fn filter(app: &App, actor: &Actor, p: &ListParams) -> Result<Filter, ApiError> {
    for (field, given) in [("cursor", p.cursor.is_some()), ("limit", p.limit.is_some())] {
        if given {
            return Err(ApiError::field(
                field,
                Code::ExportWhole.msg("an export takes every matching record: leave it out"),
            ));
        }
    }
    super::incidents::api_filter(app, actor, p).await
}

fn attachment(name: &str, extension: &str) -> String {
    let day = jiff::Zoned::now().date();
    format!("attachment; filename=\"{name}-{day}.{extension}\"")
}

#[utoipa::path(get, operation_id = "export_incidents_csv", path = "/api/v1/incidents/export.csv", tag = "incidents",
    description = "Every incident the list's filters find (the list's query parameters and sort; no paging), as CSV \
        (RFC 4180, a header row, times in UTC as RFC 3339), streamed. Requesters export their own.",
    responses((status = 200, content_type = "text/csv", body = String), (status = 422, body = crate::error::Problem)))]
pub async fn incidents_csv(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(params): Query<ListParams>,
) -> Result<Response, ApiError> {
    let q = filter(&s.app, &actor, &params).await?;
    // One task reads the pages while the body writes the last one out: the
    // database's work and the CSV's overlap. Two pages wait at most, and a
    // client that goes away stops the reading (the channel closes).
    let (tx, rx) = tokio::sync::mpsc::channel(2);
    tokio::spawn(read_pages(s.app.clone(), actor, q, tx));
    let pages = futures_util::stream::unfold((rx, true), |(mut rx, first)| async move {
        let page = rx.recv().await?;
        let mut out = if first { sheets::csv_header(&COLUMNS) } else { String::new() };
        let chunk = page.map(|rows: Vec<steward_store::records::Record>| {
            let cells: Vec<_> = rows.iter().map(cells).collect();
            sheets::csv_rows(&mut out, cells.iter().map(Vec::as_slice));
            Bytes::from(out)
        });
        Some((chunk, (rx, false)))
    });
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, attachment("incidents", "csv")),
        ],
        Body::from_stream(pages),
    )
        .into_response())
}

#[utoipa::path(get, operation_id = "export_incidents_xlsx", path = "/api/v1/incidents/export.xlsx", tag = "incidents",
    description = "Every incident the list's filters find, as one XLSX sheet (numbers as numbers, times in UTC as \
        dates), at most 1,048,575 records: more is a 422 that says to export as CSV.",
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 422, body = crate::error::Problem)))]
pub async fn incidents_xlsx(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(params): Query<ListParams>,
) -> Result<Response, ApiError> {
    let mut q = filter(&s.app, &actor, &params).await?;
    let mut book = sheets::Xlsx::new("Incidents", &COLUMNS).map_err(internal)?;
    loop {
        let (rows, more) = s.app.export_incidents_page(&actor, q.clone()).await?;
        let next = rows.last().filter(|_| more).map(|last| q.sort.key(last));
        // Writing rows is CPU work: on a blocking thread, not the runtime's.
        book = blocking(move || rows.iter().try_for_each(|r| book.push(&cells(r))).map(|()| book)).await?;
        match next {
            Some(after) => q.after = Some(after),
            None => break,
        }
    }
    let bytes = blocking(move || book.finish()).await?;
    Ok((
        [(header::CONTENT_TYPE, XLSX.to_owned()), (header::CONTENT_DISPOSITION, attachment("incidents", "xlsx"))],
        bytes,
    )
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

/// The export paths take the list's query parameters: copied from the
/// list's description in the document (all but its paging), so the two
/// never drift apart.
pub fn complete(doc: &mut serde_json::Value) {
    let list = doc.pointer("/paths/~1api~1v1~1incidents/get/parameters").cloned().unwrap_or_default();
    let params: Vec<serde_json::Value> = list
        .as_array()
        .map(|ps| ps.iter().filter(|p| !matches!(p["name"].as_str(), Some("cursor" | "limit"))).cloned().collect())
        .unwrap_or_default();
    for path in ["/api/v1/incidents/export.csv", "/api/v1/incidents/export.xlsx"] {
        if let Some(get) = doc.pointer_mut(&format!("/paths/{}/get", path.replace('/', "~1"))) {
            get["parameters"] = serde_json::Value::Array(params.clone());
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
}
