//! `/settings/service-levels`: business calendars and SLA definitions.
//! Staff read them (to know what the clocks measure); managers and admins
//! also get the forms to add calendars, holidays and definitions. What the
//! forms post is parsed in [`super::service_levels_forms`].

use super::service_levels_forms::{CalendarDraft, SlaDraft};
use super::{
    Ctx, OrPage, UiResult, clocks, html, layout,
    service_level_texts::{SlaMsg, SlaPlural},
    staff_only, widgets,
};
use crate::{
    AppState,
    i18n::{self, Lang, Msg},
};
use axum::http::StatusCode;
use maud::{Markup, html};
use steward_app::sla::admin::{CalendarView, SlaView};
use steward_domain::{access, calendar::Interval};

/// The service-level settings (calendars and SLA definitions): routes, no
/// navigation entry (settings links to them).
pub const AREA: super::area::Area = super::area::Area { routes, nav: &[] };

fn routes() -> axum::Router<AppState> {
    use super::{service_levels_edit as edit, service_levels_forms as forms};
    use axum::{
        extract::DefaultBodyLimit,
        routing::{get, post},
    };
    axum::Router::new()
        .route(PATH, get(forms::show))
        .route("/settings/service-levels/calendars", post(forms::create_calendar))
        .route("/settings/service-levels/calendars/{id}", get(edit::edit_calendar).post(edit::update_calendar))
        .route("/settings/service-levels/calendars/{id}/poland", post(forms::add_poland))
        .route(
            "/settings/service-levels/calendars/{id}/ical",
            post(forms::import_ical).layer(DefaultBodyLimit::max(steward_domain::calendar::ICAL_MAX_BYTES + 64 * 1024)),
        )
        .route("/settings/service-levels/slas", post(forms::create_sla))
        .route("/settings/service-levels/slas/{id}", get(edit::edit).post(edit::update))
}

pub const PATH: &str = "/settings/service-levels";

/// What the page shows besides the settings: a notice, a problem, and the
/// input of a refused form with its messages.
#[derive(Default)]
pub struct View {
    pub notice: Option<String>,
    pub problem: Option<String>,
    pub calendar: CalendarDraft,
    pub calendar_errors: widgets::Errors,
    pub sla: SlaDraft,
    pub sla_errors: widgets::Errors,
    /// A refused holiday import: the calendar and its messages.
    pub holiday_errors: Option<(i64, widgets::Errors)>,
    /// The SLA definition the form edits (id, version read), if not a new one.
    pub editing: Option<(i64, i64)>,
    /// The calendar the form edits (id, version read), if not a new one.
    pub editing_calendar: Option<(i64, i64)>,
    /// The journal of the calendar or SLA definition being edited.
    pub history: Vec<steward_store::journal::Entry>,
}

pub const DAYS: [(&str, SlaMsg); 7] = [
    ("monday", SlaMsg::Monday),
    ("tuesday", SlaMsg::Tuesday),
    ("wednesday", SlaMsg::Wednesday),
    ("thursday", SlaMsg::Thursday),
    ("friday", SlaMsg::Friday),
    ("saturday", SlaMsg::Saturday),
    ("sunday", SlaMsg::Sunday),
];

fn hours(ivs: &[Interval]) -> String {
    ivs.iter().map(|i| format!("{}–{}", i.start, i.end)).collect::<Vec<_>>().join(", ")
}

fn calendar_rows(ctx: &Ctx, cals: &[CalendarView], can_change: bool, v: &View) -> Markup {
    let lang = ctx.lang;
    html! {
        div.table-wrap { table.incidents.sla-table #calendars {
            thead { tr {
                th scope="col" { (ctx.t(Msg::Name)) }
                th scope="col" { (ctx.t(Msg::TimeZone)) }
                th scope="col" { (ctx.t(Msg::WorkingHours)) }
                th scope="col" { (ctx.t(Msg::Holidays)) }
            } }
            tbody {
                @for c in cals {
                    tr data-calendar=(c.id) {
                        td {
                            (c.name)
                            @if can_change { " " a.edit-link #{ "edit-calendar-" (c.id) } href={ (PATH) "/calendars/" (c.id) } aria-label={ (ctx.t(Msg::Edit)) " " (c.name) } { (ctx.t(Msg::Edit)) } }
                        }
                        td { (c.spec.time_zone) }
                        td.hours {
                            @for ((_, day), (_, ivs)) in DAYS.iter().zip(c.spec.week.days()) {
                                div { (ctx.t(*day)) ": " @if ivs.is_empty() { span.muted { (ctx.t(SlaMsg::DayOff)) } } @else { (hours(ivs)) } }
                            }
                        }
                        td {
                            span.holiday-count { (i18n::tn(lang, SlaPlural::HolidayCount, c.spec.holidays.len() as u64)) }
                            @if can_change { (holiday_forms(ctx, c, v)) }
                        }
                    }
                }
            }
        } }
    }
}

fn holiday_forms(ctx: &Ctx, c: &CalendarView, v: &View) -> Markup {
    let empty = widgets::Errors::default();
    let errors = match &v.holiday_errors {
        Some((id, e)) if *id == c.id => e,
        _ => &empty,
    };
    let file_id = format!("ical-{}", c.id);
    let file = widgets::Field {
        kind: Some("file"),
        required: true,
        ..widgets::Field::new(ctx.lang, &file_id, "ical", ctx.t(Msg::IcalFile), errors)
    };
    html! {
        form.inline-form method="post" action={ (PATH) "/calendars/" (c.id) "/poland" } {
            (super::widgets::csrf(&ctx.csrf))
            input type="hidden" name="version" value=(c.version);
            button.btn type="submit" #{ "poland-" (c.id) } { (ctx.t(SlaMsg::AddPolandHolidays)) }
        }
        form.inline-form method="post" enctype="multipart/form-data"
            action={ (PATH) "/calendars/" (c.id) "/ical?version=" (c.version) } {
            (super::widgets::csrf(&ctx.csrf))
            (file.input(""))
            button.btn type="submit" { (ctx.t(SlaMsg::ImportHolidays)) }
        }
        @for e in errors.others(&["ical"]) { p.field-error { (i18n::field(ctx.lang, &e.field)) ": " (i18n::app_message(ctx.lang, e)) } }
    }
}

fn calendar_form(ctx: &Ctx, v: &View) -> Markup {
    let (d, e) = (&v.calendar, &v.calendar_errors);
    let f = |id, name, label| widgets::Field::new(ctx.lang, id, name, label, e);
    let (title, action, submit) = match v.editing_calendar {
        Some((id, _)) => (ctx.t(SlaMsg::EditCalendar), format!("{PATH}/calendars/{id}"), ctx.t(Msg::Save)),
        None => (ctx.t(SlaMsg::NewCalendar), format!("{PATH}/calendars"), ctx.t(SlaMsg::CreateCalendar)),
    };
    html! {
        section.panel.sl-form aria-labelledby="new-calendar-title" {
            h2 #new-calendar-title { (title) }
            form #calendar-form method="post" action=(action) novalidate {
                (super::widgets::csrf(&ctx.csrf))
                @if let Some((_, version)) = v.editing_calendar { input type="hidden" name="version" value=(version); }
                (widgets::Field { required: true, ..f("cal-name", "name", ctx.t(Msg::Name)) }.input(&d.name))
                (widgets::Field { required: true, hint: Some(ctx.t(SlaMsg::TimeZoneHint)), ..f("cal-zone", "time_zone", ctx.t(Msg::TimeZone)) }.input(&d.time_zone))
                fieldset.week-grid {
                    legend { (ctx.t(Msg::WorkingHours)) }
                    p.hint { (ctx.t(SlaMsg::HoursHint)) }
                    @if let Some(m) = e.get("week") { p.field-error { (widgets::sentence(&i18n::app_message(ctx.lang, m))) } }
                    @for (day, label) in DAYS {
                        @let id = format!("cal-{day}");
                        (widgets::Field::new(ctx.lang, &id, day, ctx.t(label), e).input(d.day(day)))
                    }
                }
                button.btn.btn-primary type="submit" { (submit) }
            }
        }
    }
}

fn conditions(lang: Lang, s: &SlaView) -> String {
    let c = &s.definition.conditions;
    let mut parts: Vec<String> = Vec::new();
    let kinds = steward_domain::sla::normalise_kinds(&c.kinds);
    if kinds != [steward_domain::sla::DEFAULT_KIND] {
        parts.push(kinds.iter().map(|k| i18n::record_kind(lang, k)).collect::<Vec<_>>().join(", "));
    }
    if !c.priorities.is_empty() {
        parts.push(c.priorities.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(", "));
    }
    for (label, list) in
        [(i18n::t(lang, Msg::Services), &c.services), (i18n::t(lang, SlaMsg::Categories), &c.categories)]
    {
        if !list.is_empty() {
            parts.push(format!("{label}: {}", list.join(", ")));
        }
    }
    if parts.is_empty() { i18n::t(lang, SlaMsg::AllIncidents).to_owned() } else { parts.join("; ") }
}

fn duration(lang: Lang, d: Option<jiff::SignedDuration>) -> String {
    d.map(|d| clocks::span(lang, d.as_secs())).unwrap_or_else(|| i18n::t(lang, Msg::Empty).to_owned())
}

fn sla_rows(ctx: &Ctx, slas: &[SlaView], cals: &[CalendarView], can_change: bool) -> Markup {
    let lang = ctx.lang;
    html! {
        @if slas.is_empty() { p.muted #no-slas { (ctx.t(SlaMsg::NoSlas)) } }
        @else { div.table-wrap { table.incidents.sla-table #slas {
            thead { tr {
                th scope="col" { (ctx.t(Msg::Position)) }
                th scope="col" { (ctx.t(Msg::Name)) }
                th scope="col" { (ctx.t(Msg::Active)) }
                th scope="col" { (ctx.t(Msg::Calendar)) }
                th scope="col" { (ctx.t(Msg::AppliesTo)) }
                th scope="col" { (ctx.t(Msg::Targets)) " (" (ctx.t(Msg::SlaResponse)) " / " (ctx.t(Msg::SlaResolution)) ")" }
                th scope="col" { (ctx.t(Msg::Thresholds)) }
                @if can_change { th scope="col" { span.visually-hidden { (ctx.t(SlaMsg::EditSla)) } } }
            } }
            tbody {
                @for s in slas {
                    @let d = &s.definition;
                    tr {
                        td { (d.position) }
                        td { (d.name) }
                        td { (ctx.t(if s.active { Msg::Yes } else { Msg::No })) }
                        td { (cals.iter().find(|c| c.id == d.calendar_id).map(|c| c.name.as_str()).unwrap_or("?")) }
                        td { (conditions(lang, s)) }
                        td.hours {
                            @for t in &d.targets {
                                div { (widgets::priority_badge(lang, i64::from(t.priority.get()))) " " (duration(lang, t.response)) " / " (duration(lang, t.resolution)) }
                            }
                        }
                        td { (d.thresholds.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(", ")) }
                        @if can_change {
                            td { a #{ "edit-sla-" (d.id) } href={ (PATH) "/slas/" (d.id) } aria-label={ (ctx.t(Msg::Edit)) " " (d.name) } { (ctx.t(Msg::Edit)) } }
                        }
                    }
                }
            }
        } } }
    }
}

fn sla_form(ctx: &Ctx, cals: &[CalendarView], v: &View) -> Markup {
    let (d, e) = (&v.sla, &v.sla_errors);
    let f = |id, name, label| widgets::Field::new(ctx.lang, id, name, label, e);
    let options: Vec<(String, String)> = cals.iter().map(|c| (c.id.to_string(), c.name.clone())).collect();
    let (title, action, submit) = match v.editing {
        Some((id, _)) => (ctx.t(SlaMsg::EditSla), format!("{PATH}/slas/{id}"), ctx.t(Msg::Save)),
        None => (ctx.t(SlaMsg::NewSla), format!("{PATH}/slas"), ctx.t(SlaMsg::CreateSla)),
    };
    html! {
        section.panel.sl-form aria-labelledby="new-sla-title" {
            h2 #new-sla-title { (title) }
            @if v.editing.is_some() { p.hint { (ctx.t(SlaMsg::EditSlaHint)) } }
            form #sla-form method="post" action=(action) novalidate {
                (super::widgets::csrf(&ctx.csrf))
                @if let Some((_, version)) = v.editing { input type="hidden" name="version" value=(version); }
                (widgets::Field { required: true, ..f("sla-name", "name", ctx.t(Msg::Name)) }.input(&d.name))
                (widgets::Field { hint: Some(ctx.t(SlaMsg::PositionHint)), kind: Some("number"), ..f("sla-position", "position", ctx.t(Msg::Position)) }.input(&d.position))
                (f("sla-calendar", "calendar_id", ctx.t(Msg::Calendar)).select(&options, &d.calendar_id))
                div.field { label { input type="checkbox" name="active" value="on" checked[d.active == "on"]; " " (ctx.t(Msg::Active)) } }
                fieldset.field.choices aria-describedby="sla-kinds-hint" {
                    legend { (ctx.t(Msg::SlaRecordKinds)) }
                    p.hint #sla-kinds-hint { (ctx.t(SlaMsg::SlaRecordKindsHint)) }
                    label.choice { input #sla-kind-incident type="checkbox" name="kind_incident" value="on" checked[d.kind_incident == "on"]; " " (ctx.t(Msg::RecordKindIncidents)) }
                    label.choice { input #sla-kind-problem type="checkbox" name="kind_problem" value="on" checked[d.kind_problem == "on"]; " " (ctx.t(Msg::RecordKindProblems)) }
                    @if let Some(err) = e.get("kinds") { p.field-error { (widgets::sentence(&i18n::app_message(ctx.lang, err))) } }
                }
                (widgets::Field { hint: Some(ctx.t(Msg::ListHint)), ..f("sla-services", "services", ctx.t(Msg::Services)) }.input(&d.services))
                (widgets::Field { hint: Some(ctx.t(Msg::ListHint)), ..f("sla-categories", "categories", ctx.t(SlaMsg::Categories)) }.input(&d.categories))
                fieldset {
                    legend { (ctx.t(Msg::Targets)) }
                    p.hint { (ctx.t(SlaMsg::TargetsHint)) }
                    @if let Some(m) = e.get("targets") { p.field-error { (widgets::sentence(&i18n::app_message(ctx.lang, m))) } }
                    // One row per priority; each input keeps its full label for screen readers.
                    table.targets-table {
                        thead { tr {
                            th scope="col" { (ctx.t(Msg::Priority)) }
                            th scope="col" { (ctx.t(Msg::SlaResponse)) }
                            th scope="col" { (ctx.t(Msg::SlaResolution)) }
                        } }
                        tbody {
                            @for p in 1..=5u8 {
                                @let (rn, sn) = (format!("response_{p}"), format!("resolution_{p}"));
                                @let (ri, si) = (format!("sla-{rn}"), format!("sla-{sn}"));
                                @let label = |m: Msg| format!("P{p} {} – {}", i18n::priority_name(ctx.lang, i64::from(p)), ctx.t(m));
                                @let (rl, sl) = (label(Msg::SlaResponse), label(Msg::SlaResolution));
                                tr {
                                    th scope="row" { (widgets::priority_badge(ctx.lang, i64::from(p))) " " span.prio-name { (i18n::priority_name(ctx.lang, i64::from(p))) } }
                                    td { (widgets::Field::new(ctx.lang, &ri, &rn, &rl, e).input(d.target(p, false))) }
                                    td { (widgets::Field::new(ctx.lang, &si, &sn, &sl, e).input(d.target(p, true))) }
                                }
                            }
                        }
                    }
                }
                (widgets::Field { hint: Some(ctx.t(Msg::ThresholdsHint)), ..f("sla-thresholds", "thresholds", ctx.t(Msg::Thresholds)) }.input(&d.thresholds))
                button.btn.btn-primary type="submit" { (submit) }
            }
        }
    }
}

/// Renders the page with `v`, answering `status`.
pub async fn respond(s: &AppState, ctx: &Ctx, v: View, status: StatusCode) -> UiResult {
    staff_only(ctx)?;
    let (cals, slas) = futures_util::future::try_join(s.app.list_calendars(&ctx.actor), s.app.list_slas(&ctx.actor))
        .await
        .or_page(ctx)?;
    let can_change = access::can_manage_service_levels(ctx.actor.role).is_ok();
    let body = html! {
        div.page-head { h1 { (ctx.t(Msg::ServiceLevelsTitle)) } }
        @if let Some(n) = &v.notice { (widgets::notice(n)) }
        @if let Some(p) = &v.problem { (widgets::alert(p, None)) }
        @if !can_change { p.hint { (ctx.t(SlaMsg::ServiceLevelsReadOnly)) } }
        section.panel aria-labelledby="calendars-title" {
            div.panel-head { h2 #calendars-title { (ctx.t(SlaMsg::Calendars)) span.count { (cals.len()) } } }
            (calendar_rows(ctx, &cals, can_change, &v))
        }
        @if can_change { (calendar_form(ctx, &v)) }
        section.panel aria-labelledby="slas-title" {
            div.panel-head { h2 #slas-title { (ctx.t(SlaMsg::SlaDefinitions)) span.count { (slas.len()) } } }
            (sla_rows(ctx, &slas, &cals, can_change))
        }
        @if can_change { (sla_form(ctx, &cals, &v)) }
        @if !v.history.is_empty() {
            section.panel aria-labelledby="history-title" {
                div.panel-head { h2 #history-title { (ctx.t(SlaMsg::SettingsHistory)) } }
                (super::activity::settings_stream(ctx.lang, &v.history))
            }
        }
    };
    Ok(html(status, layout::page(ctx, ctx.t(Msg::ServiceLevelsTitle), body)))
}
