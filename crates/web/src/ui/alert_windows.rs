//! `/alerts/windows`: the maintenance windows for alerts — each with what
//! it covers (matchers, CIs), when it opens (once, weekly, monthly on a
//! zone's clock), its next opening in the viewer's zone and whether it is
//! open now — and, for managers and admins, the form to make one (times
//! typed in the viewer's zone; a refusal comes back beside its field with
//! everything typed kept) and a button to delete one.

use super::alert_console::{self as console, moment};
use super::alert_texts::AlertMsg;
use super::{Ctx, OrPage, UiResult, as_of, fmt, html, layout, see_other, widgets};
use crate::{AppState, i18n};
use axum::{
    Form,
    extract::{Path, Query, State},
    http::StatusCode,
};
use maud::{Markup, html};
use steward_app::{AppError, FieldError, alerts::AlertWindow, alerts::WindowInput};
use steward_domain::Role;
use steward_domain::alert::window::ScheduleSpec;
use steward_domain::change::conflicts::DAYS;

pub const PATH: &str = "/alerts/windows";

const DAY_NAMES: [AlertMsg; 7] = [
    AlertMsg::DayMon,
    AlertMsg::DayTue,
    AlertMsg::DayWed,
    AlertMsg::DayThu,
    AlertMsg::DayFri,
    AlertMsg::DaySat,
    AlertMsg::DaySun,
];

/// The form as typed.
#[derive(Debug, Clone, Default)]
pub struct WindowForm {
    name: String,
    comment: String,
    matchers: String,
    cis: String,
    dependents: bool,
    recurrence: String,
    starts_at: String,
    ends_at: String,
    days: Vec<String>,
    day_of_month: String,
    start_time: String,
    duration_minutes: String,
    time_zone: String,
    expires_at: String,
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect()
}

/// A number field: blank is none; anything else that is no number reads
/// as 0, which the rules refuse beside the field.
fn number(text: &str) -> Option<i64> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.parse().unwrap_or(0))
}

impl WindowForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut f = WindowForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "name" => f.name = v,
                "comment" => f.comment = v,
                "matchers" => f.matchers = v,
                "cis" => f.cis = v,
                "dependents" => f.dependents = true,
                "recurrence" => f.recurrence = v,
                "starts_at" => f.starts_at = v,
                "ends_at" => f.ends_at = v,
                "days" => f.days.push(v),
                "day_of_month" => f.day_of_month = v,
                "start_time" => f.start_time = v,
                "duration_minutes" => f.duration_minutes = v,
                "time_zone" => f.time_zone = v,
                "expires_at" => f.expires_at = v,
                _ => {}
            }
        }
        f
    }

    /// The use case's input: times typed in the viewer's zone become
    /// instants (one that does not read goes as typed, and the use case
    /// refuses it beside its field with the rest).
    fn input(&self) -> WindowInput {
        let time = |v: &str| match as_of::local(v) {
            Ok(t) => t.map(fmt::iso),
            Err(_) => Some(v.trim().to_owned()),
        };
        WindowInput {
            name: self.name.clone(),
            comment: self.comment.clone(),
            matchers: lines(&self.matchers),
            cis: lines(&self.cis),
            dependents: self.dependents,
            schedule: ScheduleSpec {
                recurrence: self.recurrence.clone(),
                days: self.days.clone(),
                day_of_month: number(&self.day_of_month),
                start_time: Some(self.start_time.clone()).filter(|s| !s.trim().is_empty()),
                duration_minutes: number(&self.duration_minutes),
                time_zone: Some(self.time_zone.clone()).filter(|s| !s.trim().is_empty()),
                ..ScheduleSpec::default()
            },
            starts_at: time(&self.starts_at),
            ends_at: time(&self.ends_at),
            expires_at: time(&self.expires_at),
        }
    }
}

fn keeper(ctx: &Ctx) -> bool {
    matches!(ctx.actor.role, Role::Manager | Role::Admin)
}

pub async fn list(State(s): State<AppState>, ctx: Ctx, Query(f): Query<super::alert_page::Flash>) -> UiResult {
    super::staff_only(&ctx)?;
    page(&s, &ctx, f.flash(), None).await
}

async fn page(s: &AppState, ctx: &Ctx, flash: &str, draft: Option<(WindowForm, widgets::Errors)>) -> UiResult {
    let windows = s.app.alert_windows(&ctx.actor).await.or_page(ctx)?;
    let status = if draft.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let now = fmt::now_micros();
    let body = html! {
        nav.crumbs aria-label="Breadcrumb" { a href=(console::PATH) { (ctx.t(AlertMsg::Title)) } }
        div.page-head { h1 { (ctx.t(AlertMsg::WindowsTitle)) } }
        p.hint { (ctx.t(AlertMsg::WindowsIntro)) }
        @if let Some(m) = flash_of(flash) { (widgets::notice(ctx.t(m))) }
        section.panel #windows aria-labelledby="windows-title" {
            h2 #windows-title { (ctx.t(AlertMsg::WindowsList)) }
            @if windows.is_empty() { p.muted #no-windows { (ctx.t(AlertMsg::NoWindows)) } }
            @else { (table(ctx, &windows, now)) }
        }
        @if keeper(ctx) { (form(ctx, draft)) }
    };
    Ok(html(status, layout::page(ctx, ctx.t(AlertMsg::WindowsTitle), body)))
}

fn flash_of(key: &str) -> Option<AlertMsg> {
    Some(match key {
        "window_added" => AlertMsg::FlashWindowAdded,
        "window_deleted" => AlertMsg::FlashWindowDeleted,
        _ => return None,
    })
}

/// When a window opens, in words.
fn schedule(ctx: &Ctx, w: &AlertWindow, now: i64) -> Markup {
    let s = &w.schedule;
    let clock = |what: &str| {
        let minutes = s.duration_minutes.unwrap_or_default().to_string();
        let params = [
            ("what", what),
            ("time", s.start_time.as_deref().unwrap_or_default()),
            ("minutes", minutes.as_str()),
            ("zone", s.time_zone.as_deref().unwrap_or_default()),
        ];
        i18n::tf(ctx.lang, AlertMsg::WinClock, &params)
    };
    html! {
        @match s.recurrence.as_str() {
            "once" => {
                (moment(ctx, s.starts_at.unwrap_or_default(), now)) " – " (moment(ctx, s.ends_at.unwrap_or_default(), now))
            }
            "weekly" => {
                @let days: Vec<&str> = s.days.iter().filter_map(|d| {
                    DAYS.iter().position(|(n, _)| n == d).map(|i| ctx.t(DAY_NAMES[i]))
                }).collect();
                (clock(&days.join(", ")))
            }
            _ => {
                @let day = i18n::tf(ctx.lang, AlertMsg::WinMonthDay, &[("day", &s.day_of_month.unwrap_or_default().to_string())]);
                (clock(&day))
            }
        }
    }
}

fn table(ctx: &Ctx, windows: &[AlertWindow], now: i64) -> Markup {
    html! {
        div.table-wrap {
            table.incidents.windows.cards {
                thead { tr {
                    th scope="col" { (ctx.t(i18n::Msg::State)) }
                    th scope="col" { (ctx.t(AlertMsg::WinName)) }
                    th scope="col" { (ctx.t(AlertMsg::WinCovers)) }
                    th scope="col" { (ctx.t(AlertMsg::WinSchedule)) }
                    th scope="col" { (ctx.t(AlertMsg::WinNext)) }
                    @if keeper(ctx) { th scope="col" { span.visually-hidden { (ctx.t(AlertMsg::Actions)) } } }
                } }
                tbody {
                    @for w in windows {
                        @let (state, label) = if w.expired { ("expired", AlertMsg::WinExpired) }
                            else if w.open { ("open", AlertMsg::WinOpen) } else { ("shut", AlertMsg::WinShut) };
                        tr id={ "window-" (w.id) } data-state=(state) {
                            td { span class={ "badge window-" (state) } { (ctx.t(label)) } }
                            td data-label=(ctx.t(AlertMsg::WinName)) {
                                strong { (w.name) }
                                @if !w.comment.is_empty() { br; span.muted { (w.comment) } }
                            }
                            td.labels-cell data-label=(ctx.t(AlertMsg::WinCovers)) {
                                ul.label-chips {
                                    @for m in &w.matchers { li.label-chip { (m) } }
                                    @for (id, name) in &w.cis { li.label-chip { a href={ "/cmdb/" (id) } { (name) } } }
                                }
                                @if w.dependents { p.hint { (ctx.t(AlertMsg::WinWithDependents)) } }
                            }
                            td.time data-label=(ctx.t(AlertMsg::WinSchedule)) {
                                (schedule(ctx, w, now))
                                @if let Some(e) = w.expires_at { br; span.muted { (ctx.t(AlertMsg::WinExpiresAt)) ": " (moment(ctx, e, now)) } }
                            }
                            td.time data-label=(ctx.t(AlertMsg::WinNext)) {
                                @if let Some((a, b)) = w.next { (moment(ctx, a, now)) " – " (moment(ctx, b, now)) }
                                @else { span.muted { "—" } }
                            }
                            @if keeper(ctx) {
                                td.ack-cell {
                                    form.inline method="post" action={ (PATH) "/" (w.id) "/delete" } {
                                        (widgets::csrf(&ctx.csrf))
                                        button.btn type="submit" aria-label={ (ctx.t(AlertMsg::WinDelete)) ": " (w.name) } { (ctx.t(AlertMsg::WinDelete)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn form(ctx: &Ctx, draft: Option<(WindowForm, widgets::Errors)>) -> Markup {
    let lang = ctx.lang;
    let zone = fmt::zone();
    let (f, errors) = draft.unwrap_or_else(|| {
        let f = WindowForm {
            recurrence: "weekly".into(),
            time_zone: fmt::zone_name(&zone).to_owned(),
            duration_minutes: "60".into(),
            ..WindowForm::default()
        };
        (f, widgets::Errors::default())
    });
    let field = |id, name, label| widgets::Field::new(lang, id, name, label, &errors);
    let recurrences: Vec<(String, String)> =
        [("once", AlertMsg::RecOnce), ("weekly", AlertMsg::RecWeekly), ("monthly", AlertMsg::RecMonthly)]
            .iter()
            .map(|(v, l)| ((*v).to_owned(), ctx.t(*l).to_owned()))
            .collect();
    let zone_hint = i18n::tf(lang, AlertMsg::WinZoneHint, &[("zone", fmt::zone_name(&zone))]);
    let days_error = errors.get("days").map(|e| widgets::sentence(&i18n::app_message(lang, e)));
    html! {
        section.panel #window-new aria-labelledby="window-new-title" {
            h2 #window-new-title { (ctx.t(AlertMsg::NewWindow)) }
            @if !errors.is_empty() { (widgets::alert(ctx.t(AlertMsg::WinErrors), None)) }
            form #window-form method="post" action=(PATH) {
                (widgets::csrf(&ctx.csrf))
                (widgets::Field { required: true, ..field("win-name", "name", ctx.t(AlertMsg::WinName)) }.input(&f.name))
                (field("win-comment", "comment", ctx.t(i18n::Msg::Comment)).textarea(&f.comment, 2))
                (widgets::Field { hint: Some(ctx.t(AlertMsg::WinMatchersHint)), ..field("win-matchers", "matchers", ctx.t(AlertMsg::Matchers)) }
                    .textarea(&f.matchers, 3))
                (widgets::Field { hint: Some(ctx.t(AlertMsg::WinCisHint)), ..field("win-cis", "cis", ctx.t(AlertMsg::WinCis)) }
                    .textarea(&f.cis, 3))
                div.checkbox {
                    label { input type="checkbox" name="dependents" value="1" id="win-dependents" checked[f.dependents]; " " (ctx.t(AlertMsg::WinWithDependents)) }
                }
                (field("win-recurrence", "recurrence", ctx.t(AlertMsg::WinRecurrence)).select(&recurrences, &f.recurrence))
                (widgets::Field { kind: Some("datetime-local"), hint: Some(&zone_hint), ..field("win-starts-at", "starts_at", ctx.t(AlertMsg::WinStartsAt)) }
                    .input(&f.starts_at))
                (widgets::Field { kind: Some("datetime-local"), ..field("win-ends-at", "ends_at", ctx.t(AlertMsg::WinEndsAt)) }
                    .input(&f.ends_at))
                fieldset.window-days.has-error[days_error.is_some()] aria-describedby=[days_error.as_ref().map(|_| "win-days-error")] {
                    legend { (ctx.t(AlertMsg::WinDays)) }
                    @for (i, (code, _)) in DAYS.iter().enumerate() {
                        label.inline-check {
                            input type="checkbox" name="days" value=(code) id={ "win-day-" (code) } checked[f.days.iter().any(|d| d == code)];
                            " " (ctx.t(DAY_NAMES[i]))
                        }
                    }
                    @if let Some(e) = &days_error { p.field-error #win-days-error { (e) } }
                }
                (widgets::Field { kind: Some("number"), ..field("win-day-of-month", "day_of_month", ctx.t(AlertMsg::WinDayOfMonth)) }
                    .input(&f.day_of_month))
                (widgets::Field { kind: Some("time"), ..field("win-start-time", "start_time", ctx.t(AlertMsg::WinStartTime)) }
                    .input(&f.start_time))
                (widgets::Field { kind: Some("number"), ..field("win-duration", "duration_minutes", ctx.t(AlertMsg::WinDuration)) }
                    .input(&f.duration_minutes))
                (field("win-time-zone", "time_zone", ctx.t(AlertMsg::WinTimeZone)).input(&f.time_zone))
                (widgets::Field { kind: Some("datetime-local"), ..field("win-expires-at", "expires_at", ctx.t(AlertMsg::WinExpiresAt)) }
                    .input(&f.expires_at))
                @for e in errors.others(&["name", "comment", "matchers", "cis", "recurrence", "starts_at", "ends_at", "days",
                    "day_of_month", "start_time", "duration_minutes", "time_zone", "expires_at"]) {
                    p.field-error role="alert" { (i18n::field(lang, &e.field)) ": " (i18n::app_message(lang, e)) }
                }
                button.btn.btn-primary #window-submit type="submit" { (ctx.t(AlertMsg::WinAdd)) }
            }
        }
    }
}

/// Makes the window: back to the list, or the list with the form and
/// every message beside its field.
pub async fn create(State(s): State<AppState>, ctx: Ctx, Form(pairs): Form<Vec<(String, String)>>) -> UiResult {
    let f = WindowForm::from_pairs(pairs);
    let bad = match s.app.add_alert_window(&ctx.actor, f.input()).await {
        Ok(_) => return see_other(&format!("{PATH}?m=window_added")),
        Err(AppError::Invalid(bad)) => bad,
        Err(e) => return Err(ctx.fail(e)),
    };
    // `matchers[1]`, `cis[0]`, `days[2]`: beside the field they came from.
    let bad = bad
        .into_iter()
        .map(|e| FieldError { field: e.field.split('[').next().unwrap_or_default().to_owned(), ..e })
        .collect();
    page(&s, &ctx, "", Some((f, widgets::Errors(bad)))).await
}

pub async fn delete(State(s): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> UiResult {
    s.app.delete_alert_window(&ctx.actor, id).await.or_page(&ctx)?;
    see_other(&format!("{PATH}?m=window_deleted"))
}
