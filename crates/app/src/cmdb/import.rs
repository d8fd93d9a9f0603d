//! CSV import: a dry run that says, row by row, what would be created,
//! updated, left unchanged or rejected and why; and the real run, which
//! writes the whole file in one transaction or nothing.

use super::upsert::{self, Batch, CiInput, Outcome};
use crate::{Actor, App, FieldError, error::AppError};
use serde::Serialize;
use steward_channels::cmdb_files::{self, FileError, Mapping};
use steward_domain::access;

/// Most rows one file may hold.
pub const MAX_ROWS: usize = 50_000;

#[derive(Debug, Clone, Serialize)]
pub struct ImportRow {
    /// The row's line in the file (the header is line 1).
    pub line: usize,
    pub name: String,
    /// `create`, `update`, `unchanged` or `reject`.
    pub outcome: &'static str,
    pub id: Option<i64>,
    pub problems: Vec<FieldError>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    pub dry_run: bool,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: usize,
    pub rows: Vec<ImportRow>,
}

fn file_error(e: FileError) -> AppError {
    let field = match e {
        FileError::Mapping(_) | FileError::BadTarget { .. } => "mapping",
        _ => "file",
    };
    AppError::field(field, e.to_string())
}

/// The item index a prepared error names (`items[3].class` → 3 and `class`).
fn item_of(field: &str) -> Option<(usize, String)> {
    let rest = field.strip_prefix("items[")?;
    let (n, tail) = rest.split_once(']')?;
    Some((n.parse().ok()?, tail.trim_start_matches('.').to_owned()))
}

impl App {
    /// Reads a CSV file with `mapping` (None: the file's headers are the
    /// field names, as in an export) and imports it, or only says what an
    /// import would do.
    pub async fn import_csv(
        &self,
        actor: &Actor,
        bytes: &[u8],
        mapping: Option<&str>,
        dry_run: bool,
    ) -> Result<ImportReport, AppError> {
        access::can_edit_cmdb(actor.role)?;
        let mapping = match mapping {
            Some(json) => Mapping::from_json(json).map_err(file_error)?,
            None => Mapping::identity(&cmdb_files::read_headers(bytes).map_err(file_error)?),
        };
        let rows = self
            .cmdb_view(|v| cmdb_files::read_csv(bytes, &mapping, &v.schema, &|id| v.class_of(id), MAX_ROWS))
            .await?
            .map_err(file_error)?;
        let mut report = ImportRow::list(&rows);
        // Rows whose content passed the file's checks go on to name
        // resolution and reconciliation; their problems land on their row.
        let mut good: Vec<usize> = (0..rows.len()).filter(|i| rows[*i].result.is_ok()).collect();
        let prepared = loop {
            let items: Vec<CiInput> =
                good.iter().filter_map(|i| rows[*i].result.clone().ok()).map(CiInput::from).collect();
            match self.prepare(Batch { items, relations: vec![] }).await {
                Ok(p) => break p,
                Err(AppError::Invalid(errs)) => {
                    let mut bad: Vec<usize> = Vec::new();
                    for e in errs {
                        let Some((i, field)) = item_of(&e.field) else { return Err(AppError::Invalid(vec![e])) };
                        let row = good[i];
                        report[row].reject(FieldError { field, message: e.message });
                        bad.push(row);
                    }
                    good.retain(|r| !bad.contains(r));
                }
                Err(e) => return Err(e),
            }
        };
        let mut conn = self.store.pool().acquire().await.map_err(steward_store::StoreError::from)?;
        match upsert::preview(&mut conn, &prepared).await {
            Ok(outcomes) => {
                for (row, (outcome, id)) in good.iter().zip(outcomes) {
                    report[*row].outcome = match outcome {
                        Outcome::Created => "create",
                        Outcome::Updated => "update",
                        Outcome::Unchanged => "unchanged",
                    };
                    report[*row].id = id;
                }
            }
            Err(AppError::Invalid(errs)) => {
                for e in errs {
                    if let Some((i, field)) = item_of(&e.field) {
                        report[good[i]].reject(FieldError { field, message: e.message });
                    }
                }
            }
            Err(e) => return Err(e),
        }
        drop(conn);
        let mut out = ImportReport { dry_run, rows: report, ..ImportReport::default() };
        out.count();
        if dry_run {
            return Ok(out);
        }
        if out.rejected > 0 {
            return Err(AppError::Invalid(
                out.rows
                    .iter()
                    .flat_map(|r| {
                        r.problems.iter().map(|p| FieldError::new(&format!("rows[{}].{}", r.line, p.field), &p.message))
                    })
                    .collect(),
            ));
        }
        let written = self.upsert_prepared(actor, prepared).await?;
        for (row, item) in good.iter().zip(written.items) {
            out.rows[*row].id = Some(item.id);
            out.rows[*row].outcome = match item.outcome {
                Outcome::Created => "create",
                Outcome::Updated => "update",
                Outcome::Unchanged => "unchanged",
            };
        }
        out.count();
        Ok(out)
    }
}

impl ImportRow {
    fn list(rows: &[cmdb_files::Row]) -> Vec<ImportRow> {
        rows.iter()
            .map(|r| match &r.result {
                Ok(d) => {
                    ImportRow { line: r.line, name: d.name.clone(), outcome: "create", id: None, problems: vec![] }
                }
                Err(problems) => ImportRow {
                    line: r.line,
                    name: String::new(),
                    outcome: "reject",
                    id: None,
                    problems: problems.iter().map(|p| FieldError::new(&p.field, &p.reason)).collect(),
                },
            })
            .collect()
    }

    fn reject(&mut self, e: FieldError) {
        self.outcome = "reject";
        self.problems.push(e);
    }
}

impl ImportReport {
    fn count(&mut self) {
        let n = |o: &str| self.rows.iter().filter(|r| r.outcome == o).count();
        (self.created, self.updated, self.unchanged, self.rejected) =
            (n("create"), n("update"), n("unchanged"), n("reject"));
    }
}
