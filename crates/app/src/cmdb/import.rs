//! CSV import: a dry run that says, row by row, what would be created,
//! updated, left unchanged or rejected and why; and the real run, which
//! writes the whole file in one transaction or nothing.

use super::upsert::{self, Batch, CiInput, CiRef, Outcome, RelationInput};
use crate::error::{Code, Message};
use crate::{Actor, App, FieldError, error::AppError};
use serde::Serialize;
use std::collections::HashMap;
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
    /// Relations the file names (a dry run), or added (a real run: those
    /// that already existed are not counted).
    pub relations: usize,
    pub rows: Vec<ImportRow>,
}

fn file_error(e: FileError) -> AppError {
    let field = match e {
        FileError::Mapping(_) | FileError::BadTarget { .. } => "mapping",
        _ => "file",
    };
    AppError::field(field, Code::BadFile.msg(e.to_string()).with("detail", e))
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
        let (rows, stored) = self
            .cmdb_view(|v| {
                let rows = cmdb_files::read_csv(bytes, &mapping, &v.schema, &|id| v.class_of(id), MAX_ROWS);
                // Stored CIs by name, for relations named in the file.
                let named = rows.as_ref().is_ok_and(|r| r.iter().any(|r| !r.extra.relations.is_empty()));
                let mut stored: HashMap<String, Vec<(i64, bool)>> = HashMap::new();
                if named {
                    for (id, b) in &v.cis {
                        stored.entry(b.name.trim().to_lowercase()).or_default().push((*id, b.status == "retired"));
                    }
                }
                (rows, stored)
            })
            .await?;
        let rows = rows.map_err(file_error)?;
        if rows.iter().any(|r| r.extra.has_catalog()) {
            access::can_manage_catalog(actor.role)?;
        }
        let mut report = ImportRow::list(&rows);
        // Rows whose content passed the file's checks go on to name
        // resolution and reconciliation; their problems land on their row.
        let mut good: Vec<usize> = (0..rows.len()).filter(|i| rows[*i].result.is_ok()).collect();
        let prepared = loop {
            let items: Vec<CiInput> = good.iter().filter_map(|i| item(&rows[*i])).collect();
            let (relations, from_row) = match relations(&rows, &good, &stored) {
                Ok(r) => r,
                Err(bad) => {
                    for (row, e) in bad {
                        report[row].reject(e);
                    }
                    good.retain(|r| report[*r].outcome != "reject");
                    continue;
                }
            };
            match self.prepare(Batch { items, relations }).await {
                Ok(p) => break p,
                Err(AppError::Invalid(errs)) => {
                    for e in errs {
                        let (row, field) = if let Some((i, field)) = item_of(&e.field) {
                            (good[i], field)
                        } else if let Some(j) = relation_of(&e.field) {
                            from_row[j].clone()
                        } else {
                            return Err(AppError::Invalid(vec![e]));
                        };
                        report[row].reject(FieldError { field, ..e });
                    }
                    good.retain(|r| report[*r].outcome != "reject");
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
                        report[good[i]].reject(FieldError { field, ..e });
                    }
                }
            }
            Err(e) => return Err(e),
        }
        drop(conn);
        let mut out =
            ImportReport { dry_run, rows: report, relations: prepared.relation_count(), ..ImportReport::default() };
        out.count();
        if dry_run {
            return Ok(out);
        }
        if out.rejected > 0 {
            // Each problem names its row's line and, in the message, its CI.
            return Err(AppError::Invalid(
                out.rows
                    .iter()
                    .flat_map(|r| {
                        r.problems.iter().map(|p| {
                            let field = format!("rows[{}].{}", r.line, p.field);
                            if r.name.is_empty() {
                                FieldError { field, ..p.clone() }
                            } else {
                                FieldError { field, message: format!("{}: {}", r.name, p.message), ..p.clone() }
                            }
                        })
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
        out.relations = written.relations_added;
        out.count();
        Ok(out)
    }
}

/// The name a row is known by within the batch, for relations.
fn key(row: &cmdb_files::Row) -> String {
    format!("line {}", row.line)
}

/// A good row as a batch item.
fn item(row: &cmdb_files::Row) -> Option<CiInput> {
    let d = row.result.clone().ok()?;
    let x = &row.extra;
    Some(CiInput {
        key: Some(key(row)),
        requester_visible: x.requester_visible,
        tier: x.tier,
        portfolio_status: x.portfolio_status,
        ..CiInput::from(d)
    })
}

/// The relation index a prepared error names (`relations[3].to` → 3).
fn relation_of(field: &str) -> Option<usize> {
    field.strip_prefix("relations[")?.split_once(']')?.0.parse().ok()
}

/// Where each relation came from: (row, `relations.<type>`).
type RelationRows = Vec<(usize, String)>;

/// The relations the good rows name, each other end resolved: a row of
/// this file by name, else a stored CI by name (one not retired when
/// several share it), or `#<id>`. Every end that names no CI, or several,
/// is its row's problem.
#[allow(clippy::type_complexity)]
fn relations(
    rows: &[cmdb_files::Row],
    good: &[usize],
    stored: &HashMap<String, Vec<(i64, bool)>>,
) -> Result<(Vec<RelationInput>, RelationRows), Vec<(usize, FieldError)>> {
    let mut in_file: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        if let Ok(d) = &r.result {
            in_file.entry(d.name.trim().to_lowercase()).or_default().push(i);
        }
    }
    let (mut out, mut from_row, mut bad) = (Vec::new(), Vec::new(), Vec::new());
    for &i in good {
        let row = &rows[i];
        for (kind, other) in &row.extra.relations {
            let field = format!("relations.{}", kind.as_str());
            let problem = |m: Message| (i, FieldError::new(&field, m));
            let to = if let Some(id) = other.strip_prefix('#') {
                match id.trim().parse::<i64>() {
                    Ok(id) => CiRef::Id(id),
                    Err(_) => {
                        bad.push(problem(
                            Code::TextNotCiId
                                .msg(format!("{other:?} is not a CI id such as #12"))
                                .with("text", format!("{other:?}")),
                        ));
                        continue;
                    }
                }
            } else {
                let lower = other.to_lowercase();
                match in_file.get(&lower).map(Vec::as_slice) {
                    Some([j]) if good.contains(j) => CiRef::Ref(key(&rows[*j])),
                    Some([j]) => {
                        let line = rows[*j].line;
                        let m = Code::LineRejected.msg(format!("{other:?} is line {line}, which is rejected"));
                        bad.push(problem(m.with("text", format!("{other:?}")).with("line", line)));
                        continue;
                    }
                    Some(many) if !many.is_empty() => {
                        let lines: Vec<String> = many.iter().map(|j| rows[*j].line.to_string()).collect();
                        let lines = lines.join(", ");
                        let m = Code::NamesRows
                            .msg(format!("{other:?} names {} rows of this file (lines {lines})", many.len()));
                        bad.push(problem(
                            m.with("text", format!("{other:?}")).with("n", many.len()).with("lines", lines),
                        ));
                        continue;
                    }
                    _ => {
                        let found = stored.get(&lower).map(Vec::as_slice).unwrap_or_default();
                        let live: Vec<i64> = found.iter().filter(|(_, retired)| !retired).map(|(id, _)| *id).collect();
                        let candidates: Vec<i64> =
                            if live.is_empty() { found.iter().map(|(id, _)| *id).collect() } else { live };
                        match candidates.as_slice() {
                            [id] => CiRef::Id(*id),
                            [] => {
                                let m = Code::NoCiNamed.msg(format!("no CI named {other:?} in the CMDB or this file"));
                                bad.push(problem(m.with("name", format!("{other:?}"))));
                                continue;
                            }
                            many => {
                                let mut ids = many.to_vec();
                                ids.sort_unstable();
                                let ids: Vec<String> = ids.iter().map(|id| format!("#{id}")).collect();
                                let (n, ids) = (ids.len(), ids.join(", "));
                                let m = Code::CisNamed.msg(format!(
                                    "{n} CIs are named {other:?} ({ids}): write the one you mean by its id"
                                ));
                                bad.push(problem(m.with("n", n).with("name", format!("{other:?}")).with("ids", ids)));
                                continue;
                            }
                        }
                    }
                }
            };
            out.push(RelationInput { from: CiRef::Ref(key(row)), to, kind: kind.as_str().to_owned() });
            from_row.push((i, field));
        }
    }
    if bad.is_empty() { Ok((out, from_row)) } else { Err(bad) }
}

impl ImportRow {
    fn list(rows: &[cmdb_files::Row]) -> Vec<ImportRow> {
        rows.iter()
            .map(|r| match &r.result {
                Ok(_) => {
                    ImportRow { line: r.line, name: r.name.clone(), outcome: "create", id: None, problems: vec![] }
                }
                Err(problems) => ImportRow {
                    line: r.line,
                    name: r.name.clone(),
                    outcome: "reject",
                    id: None,
                    problems: problems.iter().map(|p| FieldError::new(&p.field, p.reason.clone())).collect(),
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
