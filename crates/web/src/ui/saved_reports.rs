//! `/reports/saved`: saved and scheduled reports (issue 14). Staff see and
//! keep their own (managers and admins everyone's): download the file,
//! send it now, delete it, and make a new one — the measures of a rolling
//! period broken down one way, or an incident list's filters (the list's
//! "Save as report" fills them in), mailed on a schedule to staff users.

use super::report_texts::RepMsg;
use super::{Ctx, OrPage, UiResult, html, layout, see_other, staff_only, widgets};
use crate::{AppState, i18n};
use axum::{
    Form,
    extract::{Path, Query, State},
};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::AppError;
use steward_app::reports::saved::{MeasureParams, SavedReportInput, SavedReportView};
use steward_domain::report::saved::{BREAKDOWNS, PERIODS, ScheduleInput};

pub const PATH: &str = "/reports/saved";

/// The form as typed: every value a string, so a bad one is shown back
/// beside its field. Names are the API's field names, so its errors land
/// beside the right control.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ReportForm {
    name: String,
    subject: String,
    format: String,
    #[serde(rename = "measures.period")]
    period: String,
    #[serde(rename = "measures.by")]
    by: String,
    #[serde(rename = "measures.kind")]
    kind: String,
    #[serde(rename = "measures.group")]
    group: String,
    /// The record list's query string, e.g. `state=open&priority=1`.
    filters: String,
    #[serde(rename = "schedule.frequency")]
    frequency: String,
    #[serde(rename = "schedule.hour")]
    hour: String,
    #[serde(rename = "schedule.weekday")]
    weekday: String,
    #[serde(rename = "schedule.monthday")]
    monthday: String,
    /// Addresses, one per line or separated by commas.
    recipients: String,
    /// The version an edit read.
    version: String,
}

impl ReportForm {
    fn blank() -> Self {
        ReportForm {
            subject: "measures".into(),
            format: "csv".into(),
            period: "last_7_days".into(),
            by: "none".into(),
            hour: "8".into(),
            weekday: "1".into(),
            monthday: "1".into(),
            ..Default::default()
        }
    }

    /// The form of a saved report, to edit it.
    fn of(v: &SavedReportView) -> Self {
        let r = &v.row;
        let m = v.measures.clone().unwrap_or_default();
        let filters = match &v.filters {
            Some(serde_json::Value::Object(f)) => f
                .iter()
                .map(|(k, val)| format!("{k}={}", crate::auth::urlencode(val.as_str().unwrap_or_default())))
                .collect::<Vec<_>>()
                .join("&"),
            _ => String::new(),
        };
        let blank = ReportForm::blank();
        ReportForm {
            name: r.name.clone(),
            subject: r.subject.clone(),
            format: r.format.clone(),
            period: if m.period.is_empty() { blank.period } else { m.period },
            by: if m.by.is_empty() { blank.by } else { m.by },
            kind: m.kind.unwrap_or_default(),
            group: m.group.map(|g| g.to_string()).unwrap_or_default(),
            filters,
            frequency: r.frequency.clone().unwrap_or_default(),
            hour: r.hour.to_string(),
            weekday: r.weekday.map_or(blank.weekday, |d| d.to_string()),
            monthday: r.monthday.map_or(blank.monthday, |d| d.to_string()),
            recipients: v.recipients.iter().filter_map(|p| p.email.clone()).collect::<Vec<_>>().join(", "),
            version: r.version.to_string(),
        }
    }

    /// What the use case takes; a number that is none is sent as one the
    /// checks refuse, so it is named rather than dropped.
    fn input(&self) -> SavedReportInput {
        let number = |s: &str| {
            let s = s.trim();
            if s.is_empty() { None } else { Some(s.parse::<i64>().unwrap_or(-1)) }
        };
        let filters: serde_json::Map<String, serde_json::Value> = self
            .filters
            .trim()
            .trim_start_matches('?')
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                (decode(k), serde_json::Value::String(decode(v)))
            })
            .collect();
        let schedule = (!self.frequency.is_empty()).then(|| ScheduleInput {
            frequency: self.frequency.clone(),
            hour: number(&self.hour),
            weekday: (self.frequency == "weekly").then(|| number(&self.weekday)).flatten(),
            monthday: (self.frequency == "monthly").then(|| number(&self.monthday)).flatten(),
        });
        SavedReportInput {
            name: self.name.clone(),
            subject: self.subject.clone(),
            format: Some(self.format.clone()),
            measures: MeasureParams {
                period: self.period.clone(),
                by: self.by.clone(),
                kind: Some(self.kind.clone()).filter(|k| !k.is_empty()),
                group: number(&self.group),
                ..Default::default()
            },
            filters: (self.subject != "measures").then_some(serde_json::Value::Object(filters)),
            schedule,
            recipients: self
                .recipients
                .split([',', '\n', ';'])
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_owned)
                .collect(),
        }
    }
}

/// `%xx` and `+` of a query string decoded (bad escapes kept as typed).
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match (b[i], b.get(i + 1).copied().and_then(hex), b.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(hi), Some(lo)) => {
                out.push(hi * 16 + lo);
                i += 3;
            }
            (c, _, _) => {
                out.push(if c == b'+' { b' ' } else { c });
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn period_label(ctx: &Ctx, p: &str) -> String {
    ctx.t(match p {
        "yesterday" => RepMsg::SavedYesterday,
        "last_7_days" => RepMsg::SavedLast7,
        "last_30_days" => RepMsg::SavedLast30,
        "last_90_days" => RepMsg::SavedLast90,
        "previous_week" => RepMsg::SavedPrevWeek,
        "previous_month" => RepMsg::SavedPrevMonth,
        _ => RepMsg::SavedMonthToDate,
    })
    .to_owned()
}

fn by_label(ctx: &Ctx, b: &str) -> String {
    ctx.t(match b {
        "day" => RepMsg::SavedByDay,
        "service" => RepMsg::SavedByService,
        "group" => RepMsg::SavedByGroup,
        "organisation" => RepMsg::SavedByOrganisation,
        "priority" => RepMsg::SavedByPriority,
        _ => RepMsg::SavedByNone,
    })
    .to_owned()
}

fn weekday_label(ctx: &Ctx, d: i64) -> String {
    super::reports::weekdays(ctx)[(d - 1).clamp(0, 6) as usize].to_owned()
}

/// "Weekly, Monday at 08:00" in words.
fn schedule_text(ctx: &Ctx, v: &SavedReportView) -> String {
    let r = &v.row;
    let at = format!("{:02}:00", r.hour);
    match r.frequency.as_deref() {
        Some("daily") => i18n::tf(ctx.lang, RepMsg::SavedDailyAt, &[("time", &at)]),
        Some("weekly") => i18n::tf(
            ctx.lang,
            RepMsg::SavedWeeklyAt,
            &[("day", &weekday_label(ctx, r.weekday.unwrap_or(1))), ("time", &at)],
        ),
        Some("monthly") => {
            i18n::tf(ctx.lang, RepMsg::SavedMonthlyAt, &[("day", &r.monthday.unwrap_or(1).to_string()), ("time", &at)])
        }
        _ => ctx.t(RepMsg::SavedNotScheduled).to_owned(),
    }
}

/// A record list's name, by the report's subject.
fn subject_label(subject: &str) -> RepMsg {
    match subject {
        "problems" => RepMsg::SavedProblems,
        "changes" => RepMsg::SavedChanges,
        "tasks" => RepMsg::SavedTasks,
        _ => RepMsg::SavedIncidents,
    }
}

/// What a report is about, in words.
fn question(ctx: &Ctx, v: &SavedReportView) -> Markup {
    html! {
        @if let Some(m) = &v.measures {
            (ctx.t(RepMsg::SavedMeasures)) ": " (period_label(ctx, &m.period))
            @if m.by != "none" { ", " (by_label(ctx, &m.by)) }
            @if let Some(k) = &m.kind { " · " (k) }
        } @else {
            (ctx.t(subject_label(&v.row.subject)))
            @if let Some(serde_json::Value::Object(f)) = &v.filters {
                @if !f.is_empty() {
                    div.hint {
                        @for (i, (k, val)) in f.iter().enumerate() {
                            @if i > 0 { ", " }
                            (k) "=" (val.as_str().unwrap_or_default())
                        }
                    }
                }
            }
        }
    }
}

fn row(ctx: &Ctx, v: &SavedReportView) -> Markup {
    let r = &v.row;
    let base = format!("{PATH}/{}", r.id);
    html! {
        tr {
            td { strong { (r.name) } @if let Some(o) = &r.owner_name { div.hint { (o) } } }
            td { (question(ctx, v)) }
            td { (r.format.to_uppercase()) }
            td { (schedule_text(ctx, v)) }
            td {
                @for p in &v.recipients { div { (p.display_name) } }
            }
            td {
                @if let Some(at) = r.last_run_at { (super::fmt::absolute(ctx.lang, at)) }
                @if let Some(e) = &r.last_error { div.field-error { (e) } }
            }
            td.actions-cell {
                a.btn.btn-small href={ "/api/v1/reports/saved/" (r.id) "/file" } download { (ctx.t(RepMsg::SavedDownload)) }
                " "
                a.btn.btn-small href=(base) { (ctx.t(RepMsg::ImpEdit)) }
                @if !v.recipients.is_empty() {
                    form.inline method="post" action={ (base) "/send" } {
                        (widgets::csrf(&ctx.csrf))
                        button.btn.btn-small type="submit" { (ctx.t(RepMsg::SavedSendNow)) }
                    }
                }
                form.inline method="post" action={ (base) "/delete" } data-confirm=(ctx.t(RepMsg::SavedConfirmDelete)) {
                    (widgets::csrf(&ctx.csrf))
                    button.btn.btn-small.btn-quiet type="submit" { (ctx.t(RepMsg::SavedDelete)) }
                }
            }
        }
    }
}

fn form(ctx: &Ctx, f: &ReportForm, groups: &[(String, String)], id: Option<i64>, errs: &widgets::Errors) -> Markup {
    let field = |id, name, label| widgets::Field::new(ctx.lang, id, name, label, errs);
    let opts = |pairs: Vec<(&str, String)>| pairs.into_iter().map(|(v, l)| (v.to_owned(), l)).collect::<Vec<_>>();
    let subjects = opts(vec![
        ("measures", ctx.t(RepMsg::SavedMeasures).to_owned()),
        ("incidents", ctx.t(RepMsg::SavedIncidents).to_owned()),
        ("problems", ctx.t(RepMsg::SavedProblems).to_owned()),
        ("changes", ctx.t(RepMsg::SavedChanges).to_owned()),
        ("tasks", ctx.t(RepMsg::SavedTasks).to_owned()),
    ]);
    let formats = opts(vec![("csv", "CSV".into()), ("xlsx", "XLSX".into())]);
    let periods = opts(PERIODS.iter().map(|p| (*p, period_label(ctx, p))).collect());
    let bys = opts(BREAKDOWNS.iter().map(|b| (*b, by_label(ctx, b))).collect());
    let kinds = opts(vec![
        ("", ctx.t(RepMsg::SavedAllKinds).to_owned()),
        ("incident", "incident".into()),
        ("problem", "problem".into()),
        ("change", "change".into()),
        ("task", "task".into()),
    ]);
    let mut group_opts = vec![(String::new(), ctx.t(RepMsg::SavedAllGroups).to_owned())];
    group_opts.extend(groups.iter().cloned());
    let frequencies = opts(vec![
        ("", ctx.t(RepMsg::SavedNotScheduled).to_owned()),
        ("daily", ctx.t(RepMsg::SavedDaily).to_owned()),
        ("weekly", ctx.t(RepMsg::SavedWeekly).to_owned()),
        ("monthly", ctx.t(RepMsg::SavedMonthly).to_owned()),
    ]);
    let hours: Vec<(String, String)> = (0..24).map(|h| (h.to_string(), format!("{h:02}:00"))).collect();
    let weekdays: Vec<(String, String)> = (1..=7).map(|d| (d.to_string(), weekday_label(ctx, d))).collect();
    html! {
        form.saved-report-form method="post" action=(id.map_or_else(|| PATH.to_owned(), |id| format!("{PATH}/{id}"))) {
            (widgets::csrf(&ctx.csrf))
            input type="hidden" name="version" value=(f.version);
            (widgets::Field { required: true, ..field("report-name", "name", ctx.t(RepMsg::SavedName)) }.input(&f.name))
            div.field-row.wide-row {
                (field("report-subject", "subject", ctx.t(RepMsg::SavedSubject)).select(&subjects, &f.subject))
                (field("report-format", "format", ctx.t(RepMsg::SavedFormat)).select(&formats, &f.format))
            }
            fieldset.measures-only {
                legend { (ctx.t(RepMsg::SavedMeasures)) }
                div.field-row.wide-row {
                    (field("report-period", "measures.period", ctx.t(RepMsg::SavedPeriod)).select(&periods, &f.period))
                    (field("report-by", "measures.by", ctx.t(RepMsg::SavedBy)).select(&bys, &f.by))
                    (field("report-kind", "measures.kind", ctx.t(RepMsg::SavedKind)).select(&kinds, &f.kind))
                    (field("report-group", "measures.group", ctx.t(RepMsg::SavedGroup)).select(&group_opts, &f.group))
                }
            }
            fieldset.list-only {
                legend { (ctx.t(RepMsg::SavedListFilters)) }
                (widgets::Field {
                    hint: Some(ctx.t(RepMsg::SavedFiltersHint)),
                    placeholder: Some("state=open&priority=1,2"),
                    ..field("report-filters", "filters", ctx.t(RepMsg::SavedFilters))
                }.input(&f.filters))
            }
            fieldset {
                legend { (ctx.t(RepMsg::SavedSchedule)) }
                div.field-row.wide-row {
                    (field("report-frequency", "schedule.frequency", ctx.t(RepMsg::SavedFrequency)).select(&frequencies, &f.frequency))
                    (field("report-hour", "schedule.hour", ctx.t(RepMsg::SavedHour)).select(&hours, &f.hour))
                    (field("report-weekday", "schedule.weekday", ctx.t(RepMsg::SavedWeekday)).select(&weekdays, &f.weekday))
                    (widgets::Field { kind: Some("number"), ..field("report-monthday", "schedule.monthday", ctx.t(RepMsg::SavedMonthday)) }.input(&f.monthday))
                }
                (widgets::Field {
                    hint: Some(ctx.t(RepMsg::SavedRecipientsHint)),
                    ..field("report-recipients", "recipients", ctx.t(RepMsg::SavedRecipients))
                }.textarea(&f.recipients, 3))
            }
            div.form-actions {
                button.btn.btn-primary #save-report type="submit" { (ctx.t(RepMsg::SavedSave)) }
                @if id.is_some() { a.btn.btn-quiet href=(PATH) { (ctx.t(RepMsg::ImpCancel)) } }
            }
        }
    }
}

async fn page(s: &AppState, ctx: &Ctx, f: &ReportForm, errs: widgets::Errors, notice: Option<String>) -> UiResult {
    let status = errs.status(false);
    let (all, groups) = futures_util::try_join!(s.app.saved_reports(&ctx.actor), s.app.list_groups()).or_page(ctx)?;
    let groups: Vec<(String, String)> = groups.into_iter().map(|g| (g.id.to_string(), g.name)).collect();
    let body = html! {
        div.page-head {
            h1 { (ctx.t(RepMsg::SavedTitle)) }
            div.actions { a.btn href=(super::reports::PATH) { (ctx.t(RepMsg::Title)) } }
        }
        p.muted { (ctx.t(RepMsg::SavedIntro)) }
        @if let Some(n) = &notice { (widgets::notice(n)) }
        @if all.is_empty() {
            p.empty #saved-reports-empty { (ctx.t(RepMsg::SavedNone)) }
        } @else {
            div.table-wrap {
                table.incidents #saved-reports {
                    caption.visually-hidden { (ctx.t(RepMsg::SavedTitle)) }
                    thead { tr {
                        th scope="col" { (ctx.t(RepMsg::SavedName)) }
                        th scope="col" { (ctx.t(RepMsg::SavedSubject)) }
                        th scope="col" { (ctx.t(RepMsg::SavedFormat)) }
                        th scope="col" { (ctx.t(RepMsg::SavedSchedule)) }
                        th scope="col" { (ctx.t(RepMsg::SavedRecipients)) }
                        th scope="col" { (ctx.t(RepMsg::SavedLastRun)) }
                        th scope="col" { span.visually-hidden { (ctx.t(RepMsg::SavedActions)) } }
                    } }
                    tbody { @for v in &all { (row(ctx, v)) } }
                }
            }
        }
        section.new-report aria-labelledby="new-report-title" {
            h2 #new-report-title { (ctx.t(RepMsg::SavedNew)) }
            (form(ctx, f, &groups, None, &errs))
        }
    };
    Ok(html(status, layout::page(ctx, ctx.t(RepMsg::SavedTitle), body)))
}

/// The page's query: a notice after a post, or a form filled in from a
/// list's "Save as report".
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PageQuery {
    m: Option<String>,
    n: Option<String>,
    subject: Option<String>,
    filters: Option<String>,
}

pub async fn show(State(s): State<AppState>, ctx: Ctx, Query(q): Query<PageQuery>) -> UiResult {
    staff_only(&ctx)?;
    let notice = match q.m.as_deref() {
        Some("saved") => Some(ctx.t(RepMsg::SavedFlashSaved).to_owned()),
        Some("deleted") => Some(ctx.t(RepMsg::SavedFlashDeleted).to_owned()),
        Some("sent") => Some(i18n::tf(ctx.lang, RepMsg::SavedFlashSent, &[("n", q.n.as_deref().unwrap_or("0"))])),
        _ => None,
    };
    let mut f = ReportForm::blank();
    if let Some(subject) = q.subject {
        f.subject = subject;
    }
    if let Some(filters) = q.filters {
        f.filters = filters;
    }
    page(&s, &ctx, &f, widgets::Errors::default(), notice).await
}

pub async fn create(State(s): State<AppState>, ctx: Ctx, Form(f): Form<ReportForm>) -> UiResult {
    match s.app.add_saved_report(&ctx.actor, f.input()).await {
        Ok(_) => see_other(&format!("{PATH}?m=saved")),
        Err(AppError::Invalid(errs)) => page(&s, &ctx, &f, beside(errs), None).await,
        Err(e) => Err(ctx.fail(e)),
    }
}

/// One control each for the recipients and the list's filters: their
/// problems (`recipients[1]`, `filters.priority`) go there.
fn beside(errs: Vec<steward_app::error::FieldError>) -> widgets::Errors {
    widgets::Errors(
        errs.into_iter()
            .map(|mut e| {
                for whole in ["recipients", "filters"] {
                    if e.field.starts_with(whole) {
                        e.field = whole.to_owned();
                    }
                }
                e
            })
            .collect(),
    )
}

async fn edit_page(s: &AppState, ctx: &Ctx, id: i64, f: &ReportForm, errs: widgets::Errors, stale: bool) -> UiResult {
    let status = errs.status(stale);
    let groups: Vec<(String, String)> =
        s.app.list_groups().await.or_page(ctx)?.into_iter().map(|g| (g.id.to_string(), g.name)).collect();
    let body = html! {
        div.page-head { h1 { (ctx.t(RepMsg::SavedEditTitle)) } }
        @if stale { (widgets::alert(ctx.t(crate::i18n::Msg::StaleAction), Some((&format!("{PATH}/{id}"), ctx.t(crate::i18n::Msg::ReloadLatest))))) }
        (form(ctx, f, &groups, Some(id), &errs))
    };
    Ok(html(status, layout::page(ctx, ctx.t(RepMsg::SavedEditTitle), body)))
}

pub async fn edit(State(s): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> UiResult {
    staff_only(&ctx)?;
    let v = s.app.saved_report(&ctx.actor, id).await.or_page(&ctx)?;
    edit_page(&s, &ctx, id, &ReportForm::of(&v), widgets::Errors::default(), false).await
}

pub async fn update(State(s): State<AppState>, ctx: Ctx, Path(id): Path<i64>, Form(f): Form<ReportForm>) -> UiResult {
    let version = f.version.trim().parse().unwrap_or(0);
    match s.app.edit_saved_report(&ctx.actor, id, version, f.input()).await {
        Ok(_) => see_other(&format!("{PATH}?m=saved")),
        Err(AppError::Invalid(errs)) => edit_page(&s, &ctx, id, &f, beside(errs), false).await,
        Err(AppError::Stale { .. }) => edit_page(&s, &ctx, id, &f, widgets::Errors::default(), true).await,
        Err(e) => Err(ctx.fail(e)),
    }
}

pub async fn send(State(s): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> UiResult {
    let r = s.app.send_saved_report_now(&ctx.actor, id).await.or_page(&ctx)?;
    see_other(&format!("{PATH}?m=sent&n={}", r.sent))
}

pub async fn delete(State(s): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> UiResult {
    s.app.delete_saved_report(&ctx.actor, id).await.or_page(&ctx)?;
    see_other(&format!("{PATH}?m=deleted"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_query_becomes_the_reports_filters() {
        let f = ReportForm {
            subject: "incidents".into(),
            filters: "?state=open&text=mail+server&group=Service%20Desk&bad=%zz".into(),
            ..ReportForm::blank()
        };
        let input = f.input();
        assert_eq!(
            input.filters.unwrap(),
            serde_json::json!({"state": "open", "text": "mail server", "group": "Service Desk", "bad": "%zz"})
        );
        assert_eq!(decode("50%"), "50%");
    }

    #[test]
    fn numbers_that_are_not_are_named_not_dropped() {
        let f = ReportForm { frequency: "weekly".into(), weekday: "x".into(), ..ReportForm::blank() };
        let s = f.input().schedule.unwrap();
        assert_eq!((s.hour, s.weekday, s.monthday), (Some(8), Some(-1), None));
    }
}
