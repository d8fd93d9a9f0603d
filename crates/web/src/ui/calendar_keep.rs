//! Below the change calendar, for managers and admins: the freezes of the
//! span shown and every maintenance window, each removable, and the forms
//! that add them (`App::add_freeze`, `App::add_maintenance_window`). A
//! refused form comes back beside the calendar with each message beside
//! its field. Times are typed on the viewer's clock.

use super::calendar_texts::CalMsg;
use super::change_calendar::{CalendarQuery, PATH, Page};
use super::{Ctx, OrPage, UiResult, fmt, html, see_other, widgets};
use crate::{AppState, i18n::Msg};
use axum::{
    Form,
    extract::{Path, State},
    http::StatusCode,
};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::{
    AppError,
    change_calendar::{NewFreeze, NewWindow},
};
use steward_domain::Role;

pub fn routes() -> axum::Router<AppState> {
    use axum::routing::post;
    axum::Router::new()
        .route("/change-calendar/freezes", post(add_freeze))
        .route("/change-calendar/freezes/{id}/remove", post(remove_freeze))
        .route("/change-calendar/windows", post(add_window))
        .route("/change-calendar/windows/{id}/remove", post(remove_window))
}

fn keeps(ctx: &Ctx) -> bool {
    matches!(ctx.actor.role, Role::Manager | Role::Admin)
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct FreezeForm {
    /// The view to come back to (`month=2027-01`).
    view: String,
    name: String,
    starts_at: String,
    ends_at: String,
    services: String,
    note: String,
}

/// The maintenance window form (read from its pairs: `days` repeats).
#[derive(Default, Clone)]
pub struct WindowForm {
    view: String,
    name: String,
    service: String,
    days: Vec<String>,
    start: String,
    minutes: String,
    time_zone: String,
}

impl WindowForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut w = WindowForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "view" => w.view = v,
                "name" => w.name = v,
                "service" => w.service = v,
                "days" => w.days.push(v),
                "start" => w.start = v,
                "minutes" => w.minutes = v,
                "time_zone" => w.time_zone = v,
                _ => {}
            }
        }
        w
    }
}

/// Forms as sent and refused, shown again.
#[derive(Default)]
pub struct Drafts {
    pub freeze: Option<(FreezeForm, widgets::Errors)>,
    pub window: Option<(WindowForm, widgets::Errors)>,
}

/// The section, empty for agents.
pub async fn section(s: &AppState, ctx: &Ctx, page: &Page, drafts: Drafts) -> Result<Markup, super::Failure> {
    if !keeps(ctx) {
        return Ok(html! {});
    }
    let windows = s.app.maintenance_windows(&ctx.actor, None).await.or_page(ctx)?;
    let view = page.view.href().split_once('?').map(|(_, q)| q.to_owned()).unwrap_or_default();
    let back = |id: i64, what: &str| format!("{PATH}/{what}/{id}/remove");
    let tz = fmt::zone();
    Ok(html! {
        section.panel.cal-keep aria-labelledby="cal-keep-title" {
            h2 #cal-keep-title { (ctx.t(CalMsg::CalKeepTitle)) }
            h3 { (ctx.t(CalMsg::CalFreezesShown)) }
            @if page.cal.freezes.is_empty() { p.muted { (ctx.t(CalMsg::CalNoFreezes)) } } @else {
                ul.cal-keep-list #freezes {
                    @for f in &page.cal.freezes {
                        li {
                            strong { (f.freeze.name) } " · "
                            (fmt::absolute_in(ctx.lang, f.freeze.starts_at, &tz)) " – " (fmt::absolute_in(ctx.lang, f.freeze.ends_at, &tz))
                            " · " (if f.services.is_empty() { ctx.t(CalMsg::CalEveryService).to_owned() } else { f.services.join(", ") })
                            (remove(ctx, &back(f.freeze.id, "freezes"), &view, &f.freeze.name))
                        }
                    }
                }
            }
            h3 { (ctx.t(CalMsg::CalWindowsAll)) }
            @if windows.is_empty() { p.muted { (ctx.t(CalMsg::CalNoWindows)) } } @else {
                ul.cal-keep-list #windows {
                    @for w in &windows {
                        li {
                            strong { (w.name) } " · "
                            (w.service.clone().unwrap_or_else(|| ctx.t(CalMsg::CalEveryService).to_owned())) " · "
                            (w.days.replace(',', ", ")) " " (w.start_time) " (" (w.minutes) " min, " (w.time_zone) ")"
                            (remove(ctx, &back(w.id, "windows"), &view, &w.name))
                        }
                    }
                }
            }
            div.cal-keep-forms {
                (freeze_form(ctx, &view, drafts.freeze))
                (window_form(ctx, &view, drafts.window))
            }
        }
    })
}

fn remove(ctx: &Ctx, action: &str, view: &str, name: &str) -> Markup {
    html! {
        form.inline method="post" action=(action) {
            (widgets::csrf(&ctx.csrf))
            input type="hidden" name="view" value=(view);
            button.btn.btn-quiet.btn-small type="submit" aria-label={ (ctx.t(CalMsg::CalRemove)) " " (name) } { (ctx.t(CalMsg::CalRemove)) }
        }
    }
}

fn others(ctx: &Ctx, errors: &widgets::Errors, shown: &[&str]) -> Markup {
    html! {
        @for e in errors.others(shown) {
            p.field-error { (e.field) ": " (widgets::sentence(&crate::i18n::app_message(ctx.lang, e))) }
        }
    }
}

fn freeze_form(ctx: &Ctx, view: &str, draft: Option<(FreezeForm, widgets::Errors)>) -> Markup {
    let (f, errors) = draft.unwrap_or_default();
    let field = |id, name, label| widgets::Field::new(ctx.lang, id, name, label, &errors);
    let when =
        |id, name, label| widgets::Field { kind: Some("datetime-local"), required: true, ..field(id, name, label) };
    html! {
        form.cal-form #add-freeze method="post" action="/change-calendar/freezes" {
            h3 { (ctx.t(CalMsg::CalAddFreeze)) }
            (widgets::csrf(&ctx.csrf))
            input type="hidden" name="view" value=(view);
            @if !errors.is_empty() { (widgets::alert(ctx.t(CalMsg::CalFormErrors), None)) }
            (widgets::Field { required: true, ..field("freeze-name", "name", ctx.t(Msg::Name)) }.input(&f.name))
            (when("freeze-starts", "starts_at", ctx.t(CalMsg::CalStarts)).input(&f.starts_at))
            (when("freeze-ends", "ends_at", ctx.t(CalMsg::CalEnds)).input(&f.ends_at))
            (widgets::Field { hint: Some(ctx.t(CalMsg::CalServicesHint)), ..field("freeze-services", "services", ctx.t(CalMsg::CalServices)) }.input(&f.services))
            (field("freeze-note", "note", ctx.t(CalMsg::CalNote)).input(&f.note))
            (others(ctx, &errors, &["name", "starts_at", "ends_at", "services", "note"]))
            button.btn.btn-primary type="submit" { (ctx.t(CalMsg::CalAddFreeze)) }
        }
    }
}

fn window_form(ctx: &Ctx, view: &str, draft: Option<(WindowForm, widgets::Errors)>) -> Markup {
    let (w, errors) = draft.unwrap_or_else(|| {
        let zone = fmt::zone_name(&fmt::zone()).to_owned();
        (
            WindowForm { minutes: "240".into(), start: "01:00".into(), time_zone: zone, ..WindowForm::default() },
            widgets::Errors::default(),
        )
    });
    let field = |id, name, label| widgets::Field::new(ctx.lang, id, name, label, &errors);
    html! {
        form.cal-form #add-window method="post" action="/change-calendar/windows" {
            h3 { (ctx.t(CalMsg::CalAddWindow)) }
            (widgets::csrf(&ctx.csrf))
            input type="hidden" name="view" value=(view);
            @if !errors.is_empty() { (widgets::alert(ctx.t(CalMsg::CalFormErrors), None)) }
            (widgets::Field { required: true, ..field("window-name", "name", ctx.t(Msg::Name)) }.input(&w.name))
            (widgets::Field { hint: Some(ctx.t(CalMsg::CalServiceHint)), ..field("window-service", "service", ctx.t(Msg::Service)) }.input(&w.service))
            (weekly_fields(ctx, "window", &errors, (&w.days, &w.start, &w.minutes, &w.time_zone)))
            (others(ctx, &errors, &["name", "service", "days", "start", "minutes", "time_zone"]))
            button.btn.btn-primary type="submit" { (ctx.t(CalMsg::CalAddWindow)) }
        }
    }
}

/// The fields of a weekly slot (a maintenance window, a CAB's meetings):
/// the days it falls on, when it opens on the clock, how long, in which zone.
pub(super) fn weekly_fields(
    ctx: &Ctx,
    id: &str,
    errors: &widgets::Errors,
    (chosen, start, minutes, zone): (&[String], &str, &str, &str),
) -> Markup {
    let field = |id, name, label| widgets::Field::new(ctx.lang, id, name, label, errors);
    let days = steward_domain::change::conflicts::DAYS;
    let labels = super::change_calendar::weekday_labels();
    let day_error = errors.0.iter().find(|e| e.field == "days" || e.field.starts_with("days["));
    let (start_id, minutes_id, zone_id) = (format!("{id}-start"), format!("{id}-minutes"), format!("{id}-zone"));
    html! {
        fieldset.field.choices.cal-days {
            legend { (ctx.t(CalMsg::CalDays)) }
            @for (i, (d, _)) in days.iter().enumerate() {
                label.choice { input type="checkbox" name="days" value=(d) checked[chosen.iter().any(|x| x == d)]; " " (ctx.t(labels[i])) }
            }
            @if let Some(e) = day_error { p.field-error { (widgets::sentence(&crate::i18n::app_message(ctx.lang, e))) } }
        }
        (widgets::Field { kind: Some("time"), required: true, ..field(&start_id, "start", ctx.t(CalMsg::CalOpens)) }.input(start))
        (widgets::Field { kind: Some("number"), required: true, ..field(&minutes_id, "minutes", ctx.t(CalMsg::CalMinutes)) }.input(minutes))
        (widgets::Field { required: true, ..field(&zone_id, "time_zone", ctx.t(CalMsg::CalZoneField)) }.input(zone))
    }
}

/// A `datetime-local` value read on the viewer's clock, as RFC 3339; a
/// value that is not one goes on as typed, for the use case to name.
fn local_time(v: &str) -> String {
    let v = v.trim();
    v.parse::<jiff::civil::DateTime>()
        .ok()
        .and_then(|dt| dt.to_zoned(fmt::zone()).ok())
        .map(|z| z.timestamp().to_string())
        .unwrap_or_else(|| v.to_owned())
}

/// The query of the view a form came from (only its own keys survive).
fn view_query(view: &str) -> CalendarQuery {
    let mut q = CalendarQuery::default();
    // Only `month=2027-01` or `week=2027-W03`: nothing to decode.
    for (k, v) in view.split('&').filter_map(|p| p.split_once('=')) {
        match k {
            "month" => q.month = v.to_owned(),
            "week" => q.week = v.to_owned(),
            _ => {}
        }
    }
    q
}

fn back_to(view: &str, flash: &str) -> UiResult {
    let q = view_query(view);
    see_other(&format!("{PATH}{}", fmt::query(&[("month", &q.month), ("week", &q.week), ("m", flash)])))
}

/// The page again with the refused form.
async fn again(s: &AppState, ctx: &Ctx, view: &str, drafts: Drafts) -> UiResult {
    let page = Page::load(s, ctx, &view_query(view)).await?;
    let keep = section(s, ctx, &page, drafts).await?;
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, page.render(ctx, "", keep)))
}

async fn add_freeze(State(s): State<AppState>, ctx: Ctx, Form(f): Form<FreezeForm>) -> UiResult {
    let new = NewFreeze {
        name: f.name.clone(),
        starts_at: local_time(&f.starts_at),
        ends_at: local_time(&f.ends_at),
        services: f.services.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect(),
        note: Some(f.note.clone()).filter(|n| !n.trim().is_empty()),
    };
    match s.app.add_freeze(&ctx.actor, new).await {
        Ok(_) => back_to(&f.view, "freeze"),
        Err(AppError::Invalid(bad)) => {
            let view = f.view.clone();
            again(&s, &ctx, &view, Drafts { freeze: Some((f, widgets::Errors(bad))), window: None }).await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

async fn add_window(State(s): State<AppState>, ctx: Ctx, Form(pairs): Form<Vec<(String, String)>>) -> UiResult {
    let w = WindowForm::from_pairs(pairs);
    let minutes = w.minutes.trim().parse::<i64>();
    let new = NewWindow {
        name: w.name.clone(),
        service: Some(w.service.clone()),
        days: w.days.clone(),
        start: w.start.clone(),
        minutes: *minutes.as_ref().unwrap_or(&0),
        time_zone: w.time_zone.clone(),
    };
    let result = match minutes {
        Ok(_) => s.app.add_maintenance_window(&ctx.actor, new).await.map(|_| ()),
        Err(_) => Err(AppError::field("minutes", steward_app::Code::NotWhole.msg("must be a whole number"))),
    };
    match result {
        Ok(()) => back_to(&w.view, "window"),
        Err(AppError::Invalid(bad)) => {
            let view = w.view.clone();
            again(&s, &ctx, &view, Drafts { freeze: None, window: Some((w, widgets::Errors(bad))) }).await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RemoveForm {
    view: String,
}

async fn remove_freeze(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<RemoveForm>,
) -> UiResult {
    s.app.delete_freeze(&ctx.actor, id).await.or_page(&ctx)?;
    back_to(&f.view, "removed")
}

async fn remove_window(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<RemoveForm>,
) -> UiResult {
    s.app.delete_maintenance_window(&ctx.actor, id).await.or_page(&ctx)?;
    back_to(&f.view, "removed")
}
