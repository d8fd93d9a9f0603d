//! Saved and scheduled reports (issue 14). Staff keep their own; managers
//! and admins see and keep everyone's. A report is run with its owner's
//! rights (the owner as they are now: a deactivated owner's reports stop),
//! and goes only to active staff users: recipients are named by e-mail
//! address, each must be such a user's, and each is checked again at every
//! send.
//!
//! Sending is exactly once across nodes: a recipient's next moment is
//! moved forward in the same write that enqueues their e-mail, and only if
//! it is still the moment read (another node that got there first wins).

use super::{Filter, MeasureQuery};
use crate::changes::{Change, ChangeListParams};
use crate::export::{ExportPages, Exported};
use crate::incidents::ListParams;
use crate::notify::EMAIL;
use crate::problems::{Problem, ProblemListParams};
use crate::tasks::{Queue, Task, task_filter};
use crate::{Actor, App, Code, error::AppError, error::Errors};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use steward_channels::email::{self, EmailEvent, Locale};
use steward_channels::sheets::{self, Cell};
use steward_domain::Role;
use steward_domain::report::saved::{
    self, BREAKDOWNS, FORMATS, MAX_RECIPIENTS, PERIODS, SUBJECTS, Schedule, ScheduleInput,
};
use steward_domain::report::{Counts, Period, can_view_reports, measures::date_of};
use steward_store::outbox::{self, File, NewMessage};
use steward_store::saved_reports::{self as store, Recipient, SavedReportRow};
use steward_store::{StoreError, accounts, now_micros, records::Incident, reports::By};

/// The largest file a report makes (mailed or downloaded): beyond it the
/// e-mail says to open the report in Steward, and a download is refused
/// with the streaming exports named.
pub const MAX_FILE_BYTES: usize = 25 * 1024 * 1024;
/// Due sends handled per pass of the worker.
const DUE_BATCH: i64 = 200;

/// A measures report's question: a rolling period, the narrowing (as the
/// reporting API takes it) and the breakdown of its rows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureParams {
    pub period: String,
    pub by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i64>,
}

/// A report as sent to make or replace one.
#[derive(Debug, Clone, Default)]
pub struct SavedReportInput {
    pub name: String,
    /// `measures`, or a record list: `incidents`, `problems`, `changes`, `tasks`.
    pub subject: String,
    /// `csv` (default) or `xlsx`.
    pub format: Option<String>,
    /// For `measures` (default: the last 7 days, one row).
    pub measures: MeasureParams,
    /// For `incidents`: the incident list's parameters, as a JSON object
    /// (`{"state": "open", "priority": "1,2"}`).
    pub filters: Option<serde_json::Value>,
    /// None: kept, not mailed.
    pub schedule: Option<ScheduleInput>,
    /// E-mail addresses of active staff users.
    pub recipients: Vec<String>,
}

/// A report with its recipients.
#[derive(Debug, Clone)]
pub struct SavedReportView {
    pub row: SavedReportRow,
    pub measures: Option<MeasureParams>,
    pub filters: Option<serde_json::Value>,
    pub recipients: Vec<Recipient>,
}

/// A report's file, made now.
#[derive(Debug, Clone)]
pub struct ReportFile {
    pub name: String,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    pub rows: usize,
    /// The days it covers (measures).
    pub period: Option<Period>,
}

/// Why a file could not be made.
#[derive(Debug)]
pub enum FileError {
    /// Larger than [`MAX_FILE_BYTES`], or more rows than a sheet holds.
    TooLarge,
    App(AppError),
}

impl From<AppError> for FileError {
    fn from(e: AppError) -> Self {
        FileError::App(e)
    }
}

fn may_see(actor: &Actor, row: &SavedReportRow) -> bool {
    row.owner_id == actor.id || matches!(actor.role, Role::Manager | Role::Admin)
}

impl App {
    /// The reports the caller may see: their own, or everyone's for
    /// managers and admins.
    pub async fn saved_reports(&self, actor: &Actor) -> Result<Vec<SavedReportView>, AppError> {
        can_view_reports(actor.role)?;
        let all = matches!(actor.role, Role::Manager | Role::Admin);
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let rows = store::list(&mut conn, (!all).then_some(actor.id)).await?;
        let mut recipients = store::recipients(&mut conn, None).await?;
        drop(conn);
        Ok(rows
            .into_iter()
            .map(|row| {
                let mine: Vec<Recipient> = recipients.extract_if(.., |r| r.report_id == row.id).collect();
                view(row, mine)
            })
            .collect())
    }

    pub async fn saved_report(&self, actor: &Actor, id: i64) -> Result<SavedReportView, AppError> {
        can_view_reports(actor.role)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let row = store::get(&mut conn, id).await?.filter(|r| may_see(actor, r));
        let row = row.ok_or(AppError::NotFound("saved report"))?;
        let recipients = store::recipients(&mut conn, Some(id)).await?;
        Ok(view(row, recipients))
    }

    pub async fn add_saved_report(&self, actor: &Actor, input: SavedReportInput) -> Result<SavedReportView, AppError> {
        can_view_reports(actor.role)?;
        let (row, recipients) = self.checked_report(actor, input, None).await?;
        let id = self
            .store
            .write(move |c| {
                Box::pin(async move {
                    let id = store::insert(c, &row).await?;
                    store::set_recipients(c, id, &recipients).await?;
                    Ok::<_, StoreError>(id)
                })
            })
            .await?;
        self.saved_report(actor, id).await
    }

    /// Replaces a report if it is still at `version`; the recipients'
    /// next moments are worked out again from the new schedule.
    pub async fn edit_saved_report(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        input: SavedReportInput,
    ) -> Result<SavedReportView, AppError> {
        let old = self.saved_report(actor, id).await?.row;
        if old.version != version {
            return Err(AppError::Stale { sent: version, current: old.version });
        }
        let (mut row, recipients) = self.checked_report(actor, input, Some(&old)).await?;
        row.id = id;
        let done = self
            .store
            .write(move |c| {
                Box::pin(async move {
                    if !store::update(c, &row, version).await? {
                        return Ok::<_, StoreError>(false);
                    }
                    store::set_recipients(c, id, &recipients).await?;
                    Ok(true)
                })
            })
            .await?;
        if !done {
            return Err(AppError::Stale { sent: version, current: old.version + 1 });
        }
        self.saved_report(actor, id).await
    }

    pub async fn delete_saved_report(&self, actor: &Actor, id: i64) -> Result<(), AppError> {
        self.saved_report(actor, id).await?;
        let gone = self.store.write(move |c| Box::pin(async move { store::delete(c, id).await })).await?;
        if gone { Ok(()) } else { Err(AppError::NotFound("saved report")) }
    }

    /// The report's file as it would be mailed now, made with its owner's
    /// rights.
    pub async fn saved_report_file(&self, actor: &Actor, id: i64) -> Result<ReportFile, AppError> {
        let row = self.saved_report(actor, id).await?.row;
        let owner = self.report_owner(&row).await?;
        match self.report_file(&owner, &row).await {
            Ok(f) => Ok(f),
            Err(FileError::TooLarge) => Err(too_large(&row)),
            Err(FileError::App(e)) => Err(e),
        }
    }

    /// Checks what was sent; the row to write and the recipients with
    /// their next moments.
    async fn checked_report(
        &self,
        actor: &Actor,
        i: SavedReportInput,
        old: Option<&SavedReportRow>,
    ) -> Result<(SavedReportRow, Vec<(i64, Option<i64>)>), AppError> {
        let mut errs = Errors::default();
        let name = errs.check("name", steward_domain::text::check(&i.name, steward_domain::text::TITLE));
        let format = i.format.clone().unwrap_or_else(|| "csv".into());
        if !FORMATS.contains(&format.as_str()) {
            errs.add("format", steward_domain::code::not_one_of(&format, &FORMATS));
        }
        let params = match i.subject.as_str() {
            "measures" => {
                let m = i.measures.clone();
                match self.check_measure_params(actor, &m) {
                    Ok(()) => serde_json::to_string(&m).ok(),
                    Err(AppError::Invalid(fs)) => {
                        errs.0.extend(fs);
                        None
                    }
                    Err(e) => return Err(e),
                }
            }
            list if LISTS.contains(&list) => {
                let v = i.filters.clone().unwrap_or_else(|| serde_json::json!({}));
                match self.list_pages(actor, list, &v).await {
                    Ok(_) => Some(v.to_string()),
                    Err(AppError::Invalid(fs)) => {
                        errs.0.extend(fs);
                        None
                    }
                    Err(e) => return Err(e),
                }
            }
            other => {
                errs.add("subject", steward_domain::code::not_one_of(other, &SUBJECTS));
                None
            }
        };
        let schedule = match &i.schedule {
            None => None,
            Some(s) => match saved::check_schedule(s) {
                Ok(s) => Some(s),
                Err(bad) => {
                    bad.into_iter().for_each(|(field, m)| errs.add(&format!("schedule.{field}"), m));
                    None
                }
            },
        };
        if i.recipients.len() > MAX_RECIPIENTS {
            errs.add(
                "recipients",
                Code::TooMany
                    .msg(format!("at most {MAX_RECIPIENTS} recipients"))
                    .with("max", MAX_RECIPIENTS.to_string()),
            );
        }
        if i.schedule.is_some() && i.recipients.is_empty() {
            errs.add("recipients", Code::Required.msg("a scheduled report needs at least one recipient"));
        }
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let mut users: Vec<accounts::User> = Vec::new();
        for (n, raw) in i.recipients.iter().enumerate().take(MAX_RECIPIENTS) {
            let field = format!("recipients[{n}]");
            let Some(address) = errs.check(&field, steward_domain::email::Email::parse(raw)) else { continue };
            match accounts::user_by_email(&mut conn, address.as_str()).await? {
                Some(u) if u.active != 0 && u.role != "requester" => {
                    if !users.iter().any(|o| o.id == u.id) {
                        users.push(u);
                    }
                }
                _ => errs.add(
                    &field,
                    Code::NotReportRecipient
                        .msg(format!(
                            "{:?} is no active staff user's address: reports go only to those who may see them",
                            address.as_str()
                        ))
                        .with("text", format!("{:?}", address.as_str())),
                ),
            }
        }
        drop(conn);
        errs.finish()?;
        let now = now_micros();
        let recipients = users.iter().map(|u| (u.id, self.next_for(schedule, now, Some(u)))).collect();
        let (frequency, weekday, monthday) = match schedule {
            Some(s) => {
                let (f, w, m) = s.parts();
                (Some(f.to_owned()), w, m)
            }
            None => (None, None, None),
        };
        let row = SavedReportRow {
            id: 0,
            name: name.unwrap_or_default(),
            owner_id: old.map_or(actor.id, |o| o.owner_id),
            subject: i.subject,
            params: params.unwrap_or_default(),
            format,
            frequency,
            hour: schedule.map_or(8, |s| i64::from(s.hour)),
            weekday,
            monthday,
            last_run_at: old.and_then(|o| o.last_run_at),
            last_error: old.and_then(|o| o.last_error.clone()),
            created_at: old.map_or(now, |o| o.created_at),
            updated_at: now,
            version: old.map_or(1, |o| o.version),
            owner_name: None,
        };
        Ok((row, recipients))
    }

    /// A measures question is checked as the reporting API checks one.
    fn check_measure_params(&self, actor: &Actor, m: &MeasureParams) -> Result<(), AppError> {
        let mut errs = Errors::default();
        if !PERIODS.contains(&m.period.as_str()) {
            errs.add("measures.period", steward_domain::code::not_one_of(&m.period, &PERIODS));
        }
        if !BREAKDOWNS.contains(&m.by.as_str()) {
            errs.add("measures.by", steward_domain::code::not_one_of(&m.by, &BREAKDOWNS));
        }
        if let Err(e) = self.measure_query(actor, &measure_query(m, None)) {
            match e.prefixed("measures.") {
                AppError::Invalid(fs) => errs.0.extend(fs),
                other => return Err(other),
            }
        }
        errs.finish()
    }

    /// A record list's parameters (`subject` is one of [`LISTS`]) from a
    /// JSON object, read as that list reads them for `actor`: the pages a
    /// report of it reads.
    async fn list_pages(&self, actor: &Actor, subject: &str, v: &serde_json::Value) -> Result<ExportPages, AppError> {
        let pages = match subject {
            "problems" => {
                let p: ProblemListParams = filters(v)?;
                whole(p.cursor.is_some(), p.limit.is_some())?;
                ExportPages::from(self.problem_filter(actor, &p).await.map_err(|e| e.prefixed("filters."))?)
            }
            "changes" => {
                let p: ChangeListParams = filters(v)?;
                whole(p.cursor.is_some(), p.limit.is_some())?;
                ExportPages::from(self.change_filter(actor, &p).await.map_err(|e| e.prefixed("filters."))?)
            }
            "tasks" => {
                let p: TaskListParams = filters(v)?;
                let queue = match p.assigned.as_deref().map(str::trim) {
                    None => Queue::Group,
                    Some(a) => Queue::parse(a).ok_or_else(|| {
                        AppError::field("filters.assigned", steward_domain::code::not_one_of(a, &["me", "group"]))
                    })?,
                };
                ExportPages::from(task_filter(actor, queue)?)
            }
            _ => {
                let p: ListParams = filters(v)?;
                whole(p.cursor.is_some(), p.limit.is_some())?;
                ExportPages::from(self.incident_filter(actor, &p).await.map_err(|e| e.prefixed("filters."))?)
            }
        };
        Ok(pages)
    }

    /// A list report's file: the kind's columns, then its pages.
    async fn list_file<T: Exported>(
        &self,
        owner: &Actor,
        mut pages: ExportPages,
        xlsx: bool,
        name: &str,
    ) -> Result<Sink, FileError> {
        let columns: Vec<String> = T::COLUMNS.iter().map(|c| (*c).to_owned()).collect();
        let mut file = Sink::new(xlsx, name, &columns)?;
        while let Some(rows) = self.export_next::<T>(owner, &mut pages).await? {
            file.push(rows.iter().map(Exported::cells).collect()).await?;
        }
        Ok(file)
    }

    /// The owner as they are now; a report whose owner may no longer see
    /// reports does not run.
    async fn report_owner(&self, row: &SavedReportRow) -> Result<Actor, AppError> {
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let user = accounts::user_by_id(&mut conn, row.owner_id).await?;
        drop(conn);
        match user {
            Some(u) if u.active != 0 => {
                let a = self.actor_for(u).await?;
                can_view_reports(a.role)?;
                Ok(a)
            }
            _ => Err(AppError::Forbidden(
                Code::DenyReports.msg("the report's owner is no longer active: it no longer runs"),
            )),
        }
    }

    /// Makes the report's file as `owner` sees the data now, page by page:
    /// what is held is the file so far (at most [`MAX_FILE_BYTES`]) and one
    /// page of rows.
    async fn report_file(&self, owner: &Actor, row: &SavedReportRow) -> Result<ReportFile, FileError> {
        let tz = self.config.site.time_zone.zone();
        let today = jiff::Timestamp::now().to_zoned(tz).date();
        let xlsx = row.format == "xlsx";
        let (file, period) = match row.subject.as_str() {
            "measures" => {
                let m: MeasureParams = serde_json::from_str(&row.params).unwrap_or_default();
                let period = saved::resolve_period(&m.period, today).unwrap_or(Period { from: today, to: today });
                let (columns, rows) = self.measure_rows(owner, &m, period).await?;
                let mut file = Sink::new(xlsx, &row.name, &columns)?;
                file.push(rows).await?;
                (file, Some(period))
            }
            list => {
                let v: serde_json::Value = serde_json::from_str(&row.params).unwrap_or_default();
                let pages = self.list_pages(owner, list, &v).await?;
                let file = match list {
                    "problems" => self.list_file::<Problem>(owner, pages, xlsx, &row.name).await?,
                    "changes" => self.list_file::<Change>(owner, pages, xlsx, &row.name).await?,
                    "tasks" => self.list_file::<Task>(owner, pages, xlsx, &row.name).await?,
                    _ => self.list_file::<Incident>(owner, pages, xlsx, &row.name).await?,
                };
                (file, None)
            }
        };
        let (content_type, rows, body) = file.finish().await?;
        let extension = if xlsx { "xlsx" } else { "csv" };
        Ok(ReportFile { name: format!("{}-{today}.{extension}", slug(&row.name)), content_type, body, rows, period })
    }

    /// A measures report's table: a row per day, service, group,
    /// organisation or priority (or one row), each with its SLA figures.
    async fn measure_rows(
        &self,
        owner: &Actor,
        m: &MeasureParams,
        period: Period,
    ) -> Result<(Vec<String>, Vec<Vec<Cell>>), AppError> {
        let (_, filter) = self.measure_query(owner, &measure_query(m, Some(period)))?;
        let by = match m.by.as_str() {
            "day" => Some(By::Day),
            "service" => Some(By::Service),
            "group" => Some(By::Group),
            "organisation" => Some(By::Organisation),
            "priority" => Some(By::Priority),
            _ => None,
        };
        let (from, to) = period.keys();
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let sums = steward_store::reports::sums(&mut conn, from, to, &filter, by.unwrap_or(By::Priority)).await?;
        // Each row's own SLA figures: the question narrowed to the row.
        let mut rows = Vec::new();
        let ids: Vec<i64> = sums.iter().map(|(id, _)| *id).collect();
        let names = self.breakdown_names(by, ids).await?;
        let groups: Vec<(i64, Counts)> = match by {
            None => {
                let mut t = Counts::default();
                sums.iter().for_each(|(_, c)| t.add(c, 1));
                vec![(0, t)]
            }
            Some(_) => sums,
        };
        for (key, counts) in groups {
            let (narrow, days) = narrowed(&filter, by, key, (from, to));
            let sla = steward_store::reports::sla(&mut conn, days.0, days.1, &narrow).await?;
            let label = match by {
                None => None,
                Some(By::Day) => Some(date_of(key).map_or_else(|| key.to_string(), |d| d.to_string())),
                Some(_) if key == 0 => Some("(none)".to_owned()),
                Some(_) => Some(names.get(&key).cloned().unwrap_or_else(|| format!("#{key}"))),
            };
            rows.push((label, counts, sla));
        }
        drop(conn);
        let mut columns: Vec<String> = Vec::new();
        if by.is_some() {
            columns.push(m.by.clone());
        }
        columns.extend(
            [
                "from",
                "to",
                "arrivals",
                "resolved",
                "mtta_mean_hours",
                "mttr_mean_hours",
                "mttr_p90_hours",
                "mttr_business_mean_hours",
                "first_contact_rate",
                "reopen_rate",
                "escalations",
                "sla_met",
                "sla_breached",
                "sla_compliance",
            ]
            .map(String::from),
        );
        let hours = |s: Option<f64>| Cell::number(s.map(|s| (s / 3600.0 * 100.0).round() / 100.0));
        let cells = rows
            .into_iter()
            .map(|(label, c, sla)| {
                let (met, breached) = sla.iter().fold((0, 0), |(m, b), (_, s)| (m + s.met, b + s.breached));
                let rate = |a: i64, b: i64| (b > 0).then(|| a as f64 / b as f64);
                let mut r = Vec::new();
                if let Some(l) = label {
                    r.push(Cell::Text(l));
                }
                r.extend([
                    Cell::text(period.from.to_string()),
                    Cell::text(period.to.to_string()),
                    Cell::Int(c.arrivals),
                    Cell::Int(c.resolved),
                    hours(c.response.mean()),
                    hours(c.resolve.mean()),
                    hours(c.resolve.percentile(90.0)),
                    hours(c.business.mean()),
                    Cell::number(rate(c.fcr, c.resolved)),
                    Cell::number(rate(c.reopened, c.resolved)),
                    Cell::Int(c.escalations),
                    Cell::Int(met),
                    Cell::Int(breached),
                    Cell::number(rate(met, met + breached)),
                ]);
                r
            })
            .collect();
        Ok((columns, cells))
    }

    /// The names of a breakdown's ids.
    async fn breakdown_names(&self, by: Option<By>, ids: Vec<i64>) -> Result<BTreeMap<i64, String>, AppError> {
        Ok(match by {
            Some(By::Group) => self.list_groups().await?.into_iter().map(|g| (g.id, g.name)).collect(),
            Some(By::Organisation) => self.list_organisations().await?.into_iter().map(|o| (o.id, o.name)).collect(),
            Some(By::Service) => {
                self.cmdb_view(move |v| ids.iter().filter_map(|id| Some((*id, v.cis.get(id)?.name.clone()))).collect())
                    .await?
            }
            Some(By::Priority) => (1..=5).map(|p| (p, format!("P{p}"))).collect(),
            _ => BTreeMap::new(),
        })
    }
}

/// Bytes a row of an XLSX sheet takes at least, zipped: a sheet with more
/// rows than its limit over this could never fit, and stops early.
const MIN_XLSX_ROW_BYTES: usize = 50;

/// A report's file being written: CSV text, or an XLSX sheet (built on a
/// blocking thread, in constant memory). Either stops past `max` bytes
/// ([`MAX_FILE_BYTES`]).
struct Sink {
    max: usize,
    file: SinkFile,
}

enum SinkFile {
    Csv { out: String, rows: usize },
    Xlsx { book: Option<Box<sheets::Xlsx>> },
}

impl Sink {
    fn new(xlsx: bool, name: &str, columns: &[String]) -> Result<Sink, FileError> {
        Self::limited(xlsx, name, columns, MAX_FILE_BYTES)
    }

    fn limited(xlsx: bool, name: &str, columns: &[String], max: usize) -> Result<Sink, FileError> {
        let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
        if !xlsx {
            return Ok(Sink { max, file: SinkFile::Csv { out: sheets::csv_header(&columns), rows: 0 } });
        }
        // A sheet's name: at most 31 characters, none of []:*?/\.
        let sheet: String = name.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
        let sheet = if sheet.trim().is_empty() { "Report".to_owned() } else { sheet };
        let book = sheets::Xlsx::new(&sheet, &columns).map_err(xlsx_error)?;
        Ok(Sink { max, file: SinkFile::Xlsx { book: Some(Box::new(book)) } })
    }

    async fn push(&mut self, rows: Vec<Vec<Cell>>) -> Result<(), FileError> {
        let max = self.max;
        match &mut self.file {
            SinkFile::Csv { out, rows: n } => {
                sheets::csv_rows(out, rows.iter().map(Vec::as_slice));
                *n += rows.len();
                if out.len() > max {
                    return Err(FileError::TooLarge);
                }
            }
            SinkFile::Xlsx { book } => {
                let mut b = book.take().ok_or_else(|| FileError::App(AppError::Internal("no sheet".into())))?;
                let b = tokio::task::spawn_blocking(move || rows.iter().try_for_each(|r| b.push(r)).map(|()| b))
                    .await
                    .map_err(|e| AppError::Internal(e.to_string()))?
                    .map_err(xlsx_error)?;
                if b.rows() > max / MIN_XLSX_ROW_BYTES {
                    return Err(FileError::TooLarge);
                }
                *book = Some(b);
            }
        }
        Ok(())
    }

    /// The type, the rows and the bytes.
    async fn finish(self) -> Result<(&'static str, usize, Vec<u8>), FileError> {
        let (kind, rows, body) = match self.file {
            SinkFile::Csv { out, rows } => ("text/csv; charset=utf-8", rows, out.into_bytes()),
            SinkFile::Xlsx { book } => {
                let b = book.ok_or_else(|| FileError::App(AppError::Internal("no sheet".into())))?;
                let rows = b.rows();
                let body = tokio::task::spawn_blocking(move || b.finish())
                    .await
                    .map_err(|e| AppError::Internal(e.to_string()))?
                    .map_err(xlsx_error)?;
                ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", rows, body)
            }
        };
        if body.len() > self.max {
            return Err(FileError::TooLarge);
        }
        Ok((kind, rows, body))
    }
}

fn xlsx_error(e: sheets::XlsxError) -> FileError {
    match e {
        sheets::XlsxError::Full => FileError::TooLarge,
        e => FileError::App(AppError::Internal(e.to_string())),
    }
}

/// The question narrowed to one row of a breakdown: its filter and days.
fn narrowed(filter: &Filter, by: Option<By>, key: i64, days: (i64, i64)) -> (Filter, (i64, i64)) {
    let mut f = filter.clone();
    match by {
        Some(By::Day) => return (f, (key, key)),
        Some(By::Service) => f.service = Some(key),
        Some(By::Group) => f.group = Some(key),
        Some(By::Organisation) => f.organisation = Some(key),
        Some(By::Priority) => f.priority = Some(key),
        None => {}
    }
    (f, days)
}

fn measure_query(m: &MeasureParams, period: Option<Period>) -> MeasureQuery {
    MeasureQuery {
        from: period.map(|p| p.from.to_string()),
        to: period.map(|p| p.to.to_string()),
        kind: m.kind.clone(),
        service: m.service,
        group: m.group,
        my_groups: false,
        organisation: m.organisation,
        priority: m.priority,
    }
}

fn view(row: SavedReportRow, recipients: Vec<Recipient>) -> SavedReportView {
    let (measures, filters) = match row.subject.as_str() {
        "measures" => (serde_json::from_str(&row.params).ok(), None),
        _ => (None, serde_json::from_str(&row.params).ok()),
    };
    SavedReportView { row, measures, filters, recipients }
}

/// The record lists a report can be about (the rest of [`SUBJECTS`] is
/// `measures`).
const LISTS: [&str; 4] = ["incidents", "problems", "changes", "tasks"];

/// The task queue's parameters, as its list takes them.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TaskListParams {
    /// `group` (the default) or `me`.
    assigned: Option<String>,
}

/// A list's parameters from a report's `filters` object.
fn filters<P: serde::de::DeserializeOwned>(v: &serde_json::Value) -> Result<P, AppError> {
    serde_json::from_value(v.clone())
        .map_err(|e| AppError::field("filters", Code::Malformed.msg(e.to_string()).with("detail", e.to_string())))
}

/// A report takes every matching record: a cursor or a limit is refused
/// beside its name rather than ignored.
fn whole(cursor: bool, limit: bool) -> Result<(), AppError> {
    for (field, given) in [("cursor", cursor), ("limit", limit)] {
        if given {
            return Err(AppError::field(
                &format!("filters.{field}"),
                Code::ExportWhole.msg("a report takes every matching record: leave it out"),
            ));
        }
    }
    Ok(())
}

fn too_large(row: &SavedReportRow) -> AppError {
    let mb = MAX_FILE_BYTES / (1024 * 1024);
    let hint = if LISTS.contains(&row.subject.as_str()) {
        format!("; export the list as CSV instead (GET /api/v1/{}/export.csv streams any size)", row.subject)
    } else {
        String::new()
    };
    AppError::field(
        "format",
        Code::ReportTooLarge.msg(format!("the report's file would be over {mb} MB{hint}")).with("max", mb.to_string()),
    )
}

/// A file name from a report's name: letters, digits and dashes.
fn slug(name: &str) -> String {
    let s: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect::<String>();
    let s = s.split('-').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-");
    if s.is_empty() { "report".into() } else { s.chars().take(60).collect() }
}

/// What one pass of the scheduler did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScheduledRun {
    /// E-mails enqueued.
    pub sent: usize,
    /// Recipients skipped (no longer allowed, or no usable address).
    pub skipped: usize,
    /// Reports that failed to run (owner gone, too large: noted on the report).
    pub failed: usize,
}

impl App {
    /// Sends every scheduled report due at `now` to the recipients it is
    /// due to, each e-mail with the file, through the outbox.
    pub async fn run_scheduled_reports(&self, now: i64) -> Result<ScheduledRun, AppError> {
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let due = store::due(&mut conn, now, DUE_BATCH).await?;
        drop(conn);
        let mut by_report: BTreeMap<i64, Vec<(i64, i64)>> = BTreeMap::new();
        for (report, user, at) in due {
            by_report.entry(report).or_default().push((user, at));
        }
        let mut run = ScheduledRun::default();
        for (id, due) in by_report {
            let due: Vec<(i64, Option<i64>)> = due.into_iter().map(|(u, at)| (u, Some(at))).collect();
            let r = self.send_report(id, &due, now).await?;
            run.sent += r.sent;
            run.skipped += r.skipped;
            run.failed += r.failed;
        }
        Ok(run)
    }

    /// Sends a report to every recipient now, whatever its schedule (whose
    /// next moments stay as they are).
    pub async fn send_saved_report_now(&self, actor: &Actor, id: i64) -> Result<ScheduledRun, AppError> {
        let v = self.saved_report(actor, id).await?;
        let everyone: Vec<(i64, Option<i64>)> = v.recipients.iter().map(|r| (r.user_id, None)).collect();
        if everyone.is_empty() {
            return Err(AppError::field(
                "recipients",
                Code::Required.msg("the report has no recipients to send it to"),
            ));
        }
        self.send_report(id, &everyone, now_micros()).await
    }

    /// Sends report `id` to `due`: each recipient with the moment it was
    /// due to them (none: sent now, by hand), which moves on to the next.
    async fn send_report(&self, id: i64, due: &[(i64, Option<i64>)], now: i64) -> Result<ScheduledRun, AppError> {
        let mut run = ScheduledRun::default();
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let Some(row) = store::get(&mut conn, id).await? else { return Ok(run) };
        let mut users = Vec::new();
        for (user, _) in due {
            users.push(accounts::user_by_id(&mut conn, *user).await?);
        }
        drop(conn);
        let schedule = schedule_of(&row);
        // The file is made once for every recipient due now.
        let made = match self.report_owner(&row).await {
            Ok(owner) => self.report_file(&owner, &row).await.map(|f| (owner, f)),
            Err(e) => Err(FileError::App(e)),
        };
        let ctx = &self.notifier.ctx;
        let link = format!("{}/reports/saved", ctx.config.base_url.trim_end_matches('/'));
        let owner_name = row.owner_name.clone().unwrap_or_default();
        let (file, error) = match made {
            Ok((_, f)) => (Some(f), None),
            Err(FileError::TooLarge) => (None, Some(too_large(&row).to_string())),
            Err(FileError::App(e)) => {
                let why = match &e {
                    AppError::Forbidden(m) => m.to_string(),
                    e => e.to_string(),
                };
                tracing::warn!(report = id, error = %why, "a scheduled report could not run");
                run.failed = 1;
                // Nobody gets it this time; the next moments still move on,
                // so a broken report does not retry every pass.
                let moves: Vec<(i64, Option<i64>, Option<i64>)> = due
                    .iter()
                    .zip(&users)
                    .map(|((user, at), u)| (*user, *at, self.next_for(schedule, now, u.as_ref())))
                    .collect();
                self.store
                    .write(move |c| {
                        Box::pin(async move {
                            for (user, at, next) in &moves {
                                if let (Some(at), Some(next)) = (at, next) {
                                    store::claim(c, id, *user, *at, *next).await?;
                                }
                            }
                            store::ran(c, id, now, Some(&why)).await
                        })
                    })
                    .await?;
                return Ok(run);
            }
        };
        let mut plan = Vec::new();
        for ((user, at), u) in due.iter().zip(users) {
            let next = self.next_for(schedule, now, u.as_ref());
            let message = u.filter(|u| u.active != 0 && u.role != "requester").and_then(|u| {
                let address = u.email.as_deref()?.trim().parse::<email::EmailAddress>().ok()?;
                let locale = Locale::from_tag(&ctx.site.language_of(&u));
                let rendered = email::render(
                    &EmailEvent::Report {
                        name: row.name.clone(),
                        period: file.as_ref().and_then(|f| f.period).map(|p| format!("{} – {}", p.from, p.to)),
                        rows: file.as_ref().map_or(0, |f| f.rows),
                        file: file.as_ref().map_or_else(String::new, |f| f.name.clone()),
                        owner: owner_name.clone(),
                        link: link.clone(),
                        note: error.clone(),
                    },
                    locale,
                );
                let payload = serde_json::json!({
                    "to_name": u.display_name,
                    "to_email": address.to_string(),
                    "subject": rendered.subject,
                    "text": rendered.text,
                    "html": rendered.html,
                    "message_id": email::new_message_id(&format!("report-{id}"), &ctx.domain),
                    "files": usize::from(file.is_some()),
                });
                Some(NewMessage {
                    channel: EMAIL.into(),
                    event: "report.scheduled".into(),
                    record_kind: None,
                    record_id: None,
                    target: address.to_string(),
                    payload: payload.to_string(),
                    last_error: (!ctx.smtp).then(|| {
                        "SMTP is not configured: the message waits until a node with [mail] settings delivers it"
                            .to_owned()
                    }),
                })
            });
            match &message {
                Some(_) => run.sent += 1,
                None => run.skipped += 1,
            }
            plan.push((*user, *at, next, message));
        }
        let attached = file.map(|f| File { name: f.name, content_type: f.content_type.to_owned(), body: f.body });
        let sent = self
            .store
            .write(move |c| {
                Box::pin(async move {
                    let mut sent = 0;
                    for (user, at, next, message) in &plan {
                        // Another node may have sent this one: only the claim
                        // that moves it sends.
                        if let (Some(at), Some(next)) = (at, next) {
                            if !store::claim(c, id, *user, *at, *next).await? {
                                continue;
                            }
                        }
                        if let Some(m) = message {
                            // Due at once, whatever moment the run was asked for.
                            let mid = outbox::enqueue(c, m, now_micros()).await?;
                            if let Some(f) = &attached {
                                outbox::attach(c, mid, f).await?;
                            }
                            sent += 1;
                        }
                    }
                    store::ran(c, id, now, error.as_deref()).await?;
                    Ok::<_, StoreError>(sent)
                })
            })
            .await?;
        run.sent = sent;
        Ok(run)
    }
}

fn schedule_of(row: &SavedReportRow) -> Option<Schedule> {
    let input = ScheduleInput {
        frequency: row.frequency.clone()?,
        hour: Some(row.hour),
        weekday: row.weekday,
        monthday: row.monthday,
    };
    saved::check_schedule(&input).ok()
}

impl App {
    /// The moment after `now` a schedule names for a recipient (in their
    /// zone; the site's for a user gone).
    fn next_for(&self, s: Option<Schedule>, now: i64, u: Option<&accounts::User>) -> Option<i64> {
        let zone = u.map_or_else(|| self.config.site.time_zone.zone(), |u| self.notifier.ctx.site.zone_of(u));
        let after = jiff::Timestamp::from_microsecond(now).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        s.map(|s| s.next_after(after, &zone).as_microsecond())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(n: usize) -> Vec<Vec<Cell>> {
        (0..n).map(|i| vec![Cell::text(format!("INC{i:07}")), Cell::text("Printer jams on floor 3")]).collect()
    }

    #[tokio::test]
    async fn a_file_past_its_limit_is_too_large() {
        let columns = ["number".to_owned(), "title".to_owned()];
        for xlsx in [false, true] {
            let mut small = Sink::limited(xlsx, "Queue", &columns, 100_000).unwrap();
            small.push(rows(100)).await.unwrap();
            let (_, n, body) = small.finish().await.unwrap();
            assert_eq!(n, 100);
            assert!(!body.is_empty() && body.len() <= 100_000);
            // Page after page, until the limit stops it.
            let mut big = Sink::limited(xlsx, "Queue", &columns, 100_000).unwrap();
            let mut stopped = false;
            for _ in 0..100 {
                if let Err(e) = big.push(rows(500)).await {
                    assert!(matches!(e, FileError::TooLarge), "xlsx {xlsx}");
                    stopped = true;
                    break;
                }
            }
            assert!(stopped, "xlsx {xlsx}");
        }
    }

    #[test]
    fn file_names_are_slugs() {
        assert_eq!(slug("Weekly SLA — Service Desk"), "weekly-sla-service-desk");
        assert_eq!(slug("///"), "report");
        assert_eq!(slug("Zgłoszenia P1"), "zg-oszenia-p1");
    }
}
