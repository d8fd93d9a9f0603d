//! `/cmdb/import`: a CSV file, tried with a dry run or imported; once it
//! is uploaded, a form maps each of its columns to a field
//! ([`super::cmdb_import_map`]). The report says row by row what happens (create,
//! update, unchanged, rejected and why); a real run with a rejected row
//! writes nothing, and the page says so beside the same report.
//!
//! After a dry run a small file is kept in the form (as text), so that
//! "Import" needs no second upload.

use super::cmdb_import_map::{self as column_map, Chosen};
use super::{Ctx, UiResult, cmdb_texts::CmdbMsg, cmdb_widgets::Classes, cmdb_words, html, layout, staff_only, widgets};
use crate::error::malformed;
use crate::i18n_codes::ui;
use crate::{
    AppState,
    api::cmdb::CSV_MAX_BYTES,
    i18n::{self, Msg},
};
use axum::{
    extract::{Multipart, State, multipart::MultipartRejection},
    http::StatusCode,
};
use maud::{Markup, html};
use steward_app::Code;
use steward_app::{
    AppError, FieldError,
    cmdb::import::{ImportReport, ImportRow},
};

/// Largest file kept in the form after a dry run.
pub const KEEP_MAX: usize = 1024 * 1024;
/// What the route accepts: a file, a kept file, a mapping and a little more.
pub const BODY_MAX: usize = CSV_MAX_BYTES + KEEP_MAX + 256 * 1024;
const MAPPING_MAX: usize = 64 * 1024;

/// The form as sent.
#[derive(Default)]
pub struct ImportForm {
    pub mapping: String,
    pub file: Vec<u8>,
    pub file_name: String,
    /// A file kept from a dry run, and its name.
    pub kept: String,
    pub kept_name: String,
    /// `import` for the real run; anything else is a dry run.
    pub run: String,
    /// The column mapping chosen in the form.
    pub chosen: Chosen,
}

/// The uploaded file's columns and what each may fill, for the mapping form.
struct Columns {
    headers: Vec<String>,
    targets: Vec<(String, String)>,
    classes: Vec<(String, String)>,
}

/// What the page shows after a post.
#[derive(Default)]
struct Outcome {
    report: Option<ImportReport>,
    /// The real run was refused because of rejected rows.
    refused: bool,
    errors: widgets::Errors,
}

/// Reads every part; a file over the limit is a message for the field.
async fn read(m: &mut Multipart) -> Result<ImportForm, FieldError> {
    let too_large = || FieldError::new("file", ui(Code::FileTooLarge, &[("size", &i18n::size(CSV_MAX_BYTES as u64))]));
    let mut f = ImportForm::default();
    loop {
        let field = match m.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Ok(f),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
            Err(e) => return Err(FieldError::new("file", malformed(e.body_text()))),
        };
        let name = field.name().unwrap_or("").to_owned();
        let file_name = field.file_name().unwrap_or("").to_owned();
        let bytes = field.bytes().await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                too_large()
            } else {
                FieldError::new("file", malformed(e.body_text()))
            }
        })?;
        let text = || String::from_utf8_lossy(&bytes).into_owned();
        match name.as_str() {
            "file" if bytes.len() > CSV_MAX_BYTES => return Err(too_large()),
            "file" => (f.file, f.file_name) = (bytes.to_vec(), file_name),
            "mapping" if bytes.len() > MAPPING_MAX => {
                return Err(FieldError::new(
                    "mapping",
                    Code::TooLong
                        .msg(format!("is too long: at most {MAPPING_MAX} characters, got {}", bytes.len()))
                        .with("max", MAPPING_MAX)
                        .with("got", bytes.len()),
                ));
            }
            "mapping" => f.mapping = text(),
            "kept" if bytes.len() <= KEEP_MAX => f.kept = text(),
            "kept_name" => f.kept_name = text(),
            "run" => f.run = text(),
            n if n.starts_with("map_") && bytes.len() <= MAPPING_MAX => {
                f.chosen.take(n, text());
            }
            _ => {}
        }
    }
}

/// The counts; in the future tense unless the file was written.
fn counts(ctx: &Ctx, r: &ImportReport, written: bool) -> Markup {
    let (created, updated) = if !written {
        (ctx.t(CmdbMsg::CountCreate), ctx.t(CmdbMsg::CountUpdate))
    } else {
        (ctx.t(CmdbMsg::CiCreated), ctx.t(Msg::Updated))
    };
    html! {
        ul.tiles.import-counts #import-counts {
            @for (label, n, class) in [(created, r.created, "create"), (updated, r.updated, "update"), (ctx.t(CmdbMsg::CountUnchanged), r.unchanged, "unchanged"), (ctx.t(CmdbMsg::CountReject), r.rejected, "reject")] {
                li.tile class={ "out-" (class) } {
                    span.tile-count { (n) }
                    span.tile-label { (label) }
                }
            }
        }
    }
}

fn row(ctx: &Ctx, r: &ImportRow, written: bool) -> Markup {
    let lang = ctx.lang;
    html! {
        tr data-line=(r.line) class={ "out-" (r.outcome) } {
            td.num { (r.line) }
            td.title-cell {
                @match (r.id, written || r.outcome == "update" || r.outcome == "unchanged") {
                    (Some(id), true) => a href={ "/cmdb/" (id) } { (r.name) },
                    _ => (r.name),
                }
            }
            td { span class={ "badge outcome out-" (r.outcome) } { (cmdb_words::outcome(lang, r.outcome)) } }
            td {
                @if !r.problems.is_empty() {
                    ul.problems {
                        @for p in &r.problems {
                            li { strong { (cmdb_words::field(lang, &p.field)) } ": " (i18n::app_message(lang, p)) }
                        }
                    }
                }
            }
        }
    }
}

fn report(ctx: &Ctx, r: &ImportReport, refused: bool) -> Markup {
    // A refused run shows the dry run's report: nothing was written.
    let written = !r.dry_run;
    html! {
        section.panel #import-report aria-labelledby="report-title" {
            h2 #report-title { (ctx.t(if r.dry_run && !refused { CmdbMsg::DryRun } else { CmdbMsg::ImportRun })) }
            @if refused {
                (widgets::alert(ctx.t(CmdbMsg::ImportRefused), None))
            } @else if r.dry_run {
                p.notice.success role="status" { (ctx.t(CmdbMsg::DryRunDone)) }
            } @else {
                p.notice.success role="status" { (ctx.t(CmdbMsg::ImportDone)) }
            }
            (counts(ctx, r, written))
            @if r.relations > 0 {
                p #import-relations { (cmdb_words::relations_count(ctx.lang, r.relations, written)) }
            }
            div.table-wrap {
                table.incidents.import-rows {
                    thead { tr {
                        th scope="col" { (ctx.t(CmdbMsg::Line)) }
                        th scope="col" { (ctx.t(Msg::Name)) }
                        th scope="col" { (ctx.t(CmdbMsg::Outcome)) }
                        th scope="col" { (ctx.t(Msg::Problems)) }
                    } }
                    tbody { @for r in &r.rows { (row(ctx, r, written)) } }
                }
            }
        }
    }
}

fn form(
    ctx: &Ctx,
    f: &ImportForm,
    keep: Option<(&str, &str)>,
    columns: Option<&Columns>,
    errors: &widgets::Errors,
) -> Markup {
    let lang = ctx.lang;
    let kept_hint = keep.map(|(name, _)| i18n::tf(lang, CmdbMsg::CsvKept, &[("name", name)]));
    let file = widgets::Field {
        kind: Some("file"),
        hint: kept_hint.as_deref(),
        required: keep.is_none(),
        ..widgets::Field::new(lang, "csv-file", "file", ctx.t(CmdbMsg::CsvFile), errors)
    };
    html! {
        form.report-form #import-form method="post" enctype="multipart/form-data" action="/cmdb/import" {
            (super::widgets::csrf(&ctx.csrf))
            (file.input(""))
            @if let Some((name, text)) = keep {
                input type="hidden" name="kept_name" value=(name);
                // The parser drops a newline right after <textarea>: give it one.
                textarea name="kept" hidden { "\n" (text) }
            }
            @if let Some(m) = errors.get("mapping") {
                p.field-error #mapping-error { (cmdb_words::field(lang, "mapping")) ": " (i18n::app_message(lang, m)) }
            }
            @match columns {
                Some(c) if !c.headers.is_empty() => (column_map::fieldset(ctx, &c.headers, &f.chosen, &c.targets, &c.classes)),
                _ => p.hint #columns-later { (ctx.t(CmdbMsg::ColumnsAfterUpload)) },
            }
            div.form-actions {
                button.btn #dry-run type="submit" name="run" value="dry" { (ctx.t(CmdbMsg::DryRun)) }
                button.btn.btn-primary #import-run type="submit" name="run" value="import" { (ctx.t(CmdbMsg::ImportRun)) }
                a.btn.btn-quiet href="/cmdb" { (ctx.t(Msg::Cancel)) }
            }
        }
    }
}

fn page(
    ctx: &Ctx,
    f: &ImportForm,
    out: &Outcome,
    keep: Option<(&str, &str)>,
    columns: Option<&Columns>,
    status: StatusCode,
) -> UiResult {
    let shown = ["file", "mapping"];
    let body = html! {
        div.page-head {
            h1 { (ctx.t(CmdbMsg::ImportTitle)) }
            a href="/cmdb" { "← " (ctx.t(CmdbMsg::CmdbTitle)) }
        }
        p.lead { (ctx.t(CmdbMsg::ImportIntro)) }
        @if !out.errors.is_empty() {
            div.notice.error role="alert" {
                (ctx.t(CmdbMsg::ImportFileProblem))
                ul { @for e in out.errors.others(&shown) { li { (cmdb_words::field(ctx.lang, &e.field)) ": " (i18n::app_message(ctx.lang, e)) } } }
            }
        }
        (form(ctx, f, keep, columns, &out.errors))
        @if let Some(r) = &out.report { (report(ctx, r, out.refused)) }
    };
    Ok(html(status, layout::page(ctx, ctx.t(CmdbMsg::ImportTitle), body)))
}

pub async fn show(ctx: Ctx) -> UiResult {
    staff_only(&ctx)?;
    page(&ctx, &ImportForm::default(), &Outcome::default(), None, None, StatusCode::OK)
}

pub async fn post(State(s): State<AppState>, ctx: Ctx, multipart: Result<Multipart, MultipartRejection>) -> UiResult {
    staff_only(&ctx)?;
    let invalid = |e: FieldError| Outcome { errors: widgets::Errors(vec![e]), ..Outcome::default() };
    let f = match multipart {
        Ok(mut m) => read(&mut m).await,
        Err(e) => Err(FieldError::new("file", malformed(e.body_text()))),
    };
    let f = match f {
        Ok(f) => f,
        Err(e) => return page(&ctx, &ImportForm::default(), &invalid(e), None, None, StatusCode::UNPROCESSABLE_ENTITY),
    };
    let (bytes, name) = if !f.file.is_empty() {
        (f.file.as_slice(), f.file_name.as_str())
    } else if !f.kept.is_empty() {
        (f.kept.as_bytes(), f.kept_name.as_str())
    } else {
        let e = FieldError::new("file", ui(Code::FileRequired, &[]));
        return page(&ctx, &f, &invalid(e), None, None, StatusCode::UNPROCESSABLE_ENTITY);
    };
    // The columns chosen in the form; else a JSON mapping (as the API
    // takes); else the file's headers name the fields.
    let headers = column_map::headers(bytes);
    let chosen = f.chosen.to_json(&headers);
    let mapping = chosen.as_deref().or(Some(f.mapping.trim()).filter(|m| !m.is_empty()));
    let classes = Classes::load(&s).await.map_err(|e| ctx.fail(e))?.options(ctx.lang);
    let targets = column_map::targets(&s, &ctx).await.map_err(|e| ctx.fail(e))?;
    let columns = Columns { headers, targets, classes };
    let dry_run = f.run != "import";
    // A file worth keeping for the real run: small, and text.
    let keep = std::str::from_utf8(bytes).ok().filter(|t| t.len() <= KEEP_MAX).map(|t| (name, t));
    let (out, status) = match s.app.import_csv(&ctx.actor, bytes, mapping, dry_run).await {
        Ok(r) => (Outcome { report: Some(r), ..Outcome::default() }, StatusCode::OK),
        Err(AppError::Invalid(errs)) if !dry_run && errs.iter().all(|e| e.field.starts_with("rows[")) => {
            // The refusal names problems only; the dry run gives the same
            // rows with their names and outcomes to show beside them.
            let r = s.app.import_csv(&ctx.actor, bytes, mapping, true).await.map_err(|e| ctx.fail(e))?;
            (Outcome { report: Some(r), refused: true, ..Outcome::default() }, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(AppError::Invalid(errs)) => {
            (Outcome { errors: widgets::Errors(errs), ..Outcome::default() }, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => return Err(ctx.fail(e)),
    };
    // Once imported, the file is done with.
    let keep = keep.filter(|_| dry_run || out.refused);
    page(&ctx, &f, &out, keep, Some(&columns), status)
}
