//! `/changes/cab?group=CAB`: an approval group's agenda — its next meeting
//! in the viewer's zone and the changes awaiting its decision, soonest
//! window first, those starting before the meeting marked. Managers and
//! admins set when the group meets below it.

use super::cab_texts::CabMsg;
use super::change_list::badges;
use super::{Ctx, OrPage, UiResult, area, fmt, html, see_other, staff_only, widgets};
use crate::{AppState, i18n};
use axum::{
    Form,
    extract::{Query, State},
    http::StatusCode,
};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::{
    AppError,
    cab::{CabAgenda, NewMeeting},
};
use steward_domain::Role;

pub const PATH: &str = "/changes/cab";

pub const AREA: area::Area = area::Area {
    routes,
    // Reached from the changes' list; "Changes" stays marked.
    nav: &[],
};

fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route(PATH, get(show))
        .route("/changes/cab/meeting", post(save))
        .route("/changes/cab/meeting/remove", post(remove))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AgendaQuery {
    pub group: String,
    /// A flash message's key after a post.
    pub m: String,
}

/// The meeting form as typed (`days` repeats).
#[derive(Default)]
struct MeetingForm {
    group: String,
    days: Vec<String>,
    start: String,
    minutes: String,
    time_zone: String,
}

impl MeetingForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut f = MeetingForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "group" => f.group = v,
                "days" => f.days.push(v),
                "start" => f.start = v,
                "minutes" => f.minutes = v,
                "time_zone" => f.time_zone = v,
                _ => {}
            }
        }
        f
    }
}

async fn show(State(s): State<AppState>, ctx: Ctx, Query(q): Query<AgendaQuery>) -> UiResult {
    staff_only(&ctx)?;
    page(&s, &ctx, &q.group, &q.m, None).await
}

async fn page(
    s: &AppState,
    ctx: &Ctx,
    asked: &str,
    flash: &str,
    draft: Option<(MeetingForm, widgets::Errors)>,
) -> UiResult {
    let groups: Vec<String> = s.app.list_groups().await.or_page(ctx)?.into_iter().map(|g| g.name).collect();
    let group = match asked.trim() {
        "" => groups.iter().find(|g| g.as_str() == "CAB").or(groups.first()).cloned(),
        g => Some(g.to_owned()),
    };
    let agenda = match &group {
        Some(g) => Some(s.app.cab_agenda(&ctx.actor, g).await.or_page(ctx)?),
        None => None,
    };
    let status = if draft.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let flash = match flash {
        "saved" => Some(CabMsg::Saved),
        "removed" => Some(CabMsg::Removed),
        _ => None,
    };
    let body = html! {
        div.page-head { h1 { (ctx.t(CabMsg::Title)) } }
        @if let Some(m) = flash { (widgets::notice(ctx.t(m))) }
        form.filters #cab-group method="get" action=(PATH) {
            div.field {
                label for="cab-group-name" { (ctx.t(CabMsg::Group)) }
                select #cab-group-name name="group" {
                    @for g in &groups { option value=(g) selected[group.as_deref() == Some(g.as_str())] { (g) } }
                }
            }
            div.filter-actions { button.btn type="submit" { (ctx.t(CabMsg::Show)) } }
        }
        @match &agenda {
            Some(a) => {
                (meeting(ctx, a))
                (items(ctx, a))
                @if matches!(ctx.actor.role, Role::Manager | Role::Admin) { (meeting_form(ctx, a, draft)) }
            }
            None => p.empty { (ctx.t(CabMsg::NoGroups)) },
        }
    };
    Ok(html(status, super::layout::page(ctx, ctx.t(CabMsg::Title), body)))
}

fn meeting(ctx: &Ctx, a: &CabAgenda) -> Markup {
    let tz = fmt::zone();
    let lang = ctx.lang;
    html! {
        section.panel.cab-meeting #cab-meeting {
            h2 { (a.group) }
            @match (&a.meeting, a.next) {
                (Some(m), next) => {
                    @if let Some(n) = next {
                        p #cab-next { strong { (i18n::tf(lang, CabMsg::Next, &[("when", &format!("{} – {}", fmt::absolute_in(lang, n.start, &tz), fmt::absolute_in(lang, n.end, &tz)))])) } }
                    }
                    p.muted {
                        (i18n::tf(lang, CabMsg::Meets, &[("days", &day_names(ctx, &m.days)), ("start", &m.start_time),
                            ("minutes", &m.minutes.to_string()), ("zone", &m.time_zone)]))
                    }
                }
                (None, _) => p.muted #cab-no-meeting { (ctx.t(CabMsg::NoMeeting)) },
            }
        }
    }
}

/// "mon,thu" as the viewer's weekday names.
fn day_names(ctx: &Ctx, days: &str) -> String {
    let labels = super::change_calendar::weekday_labels();
    days.split(',')
        .map(|d| {
            steward_domain::change::conflicts::DAYS.iter().position(|(n, _)| *n == d).map_or(d, |i| ctx.t(labels[i]))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn items(ctx: &Ctx, a: &CabAgenda) -> Markup {
    let lang = ctx.lang;
    let tz = fmt::zone();
    html! {
        section.panel #cab-items aria-label=(ctx.t(CabMsg::Title)) {
            @if a.items.is_empty() {
                p.empty #cab-nothing { (ctx.t(CabMsg::Nothing)) }
            } @else {
                div.table-wrap {
                    table.incidents.cab-table {
                        thead { tr {
                            th scope="col" { (ctx.t(i18n::Msg::Number)) }
                            th scope="col" { (ctx.t(i18n::Msg::Title)) }
                            th scope="col" { (ctx.t(CabMsg::Window)) }
                            th scope="col" { (ctx.t(CabMsg::WaitingFor)) }
                        } }
                        tbody {
                            @for i in &a.items {
                                @let c = &i.change;
                                @let n = steward_app::changes::number(c.record.number);
                                tr id={ "cab-" (n) } class=[i.before_meeting.then_some("cab-before")] {
                                    td { a href={ "/changes/" (n) } { (n) } }
                                    td.title-cell {
                                        (c.record.title) " " (badges(lang, c))
                                        @if i.before_meeting { p.field-error.cab-flag { (ctx.t(CabMsg::Before)) } }
                                    }
                                    td {
                                        @match (c.details.planned_start, c.details.planned_end) {
                                            (Some(s), Some(e)) => { (fmt::absolute_in(lang, s, &tz)) " – " (fmt::absolute_in(lang, e, &tz)) }
                                            _ => span.muted { (ctx.t(CabMsg::NoWindow)) },
                                        }
                                    }
                                    td { (waiting_for(&i.round)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn waiting_for(r: &steward_app::changes::Round) -> String {
    let mut names: Vec<&str> = Vec::new();
    for (_, u) in &r.awaiting {
        let name = r.names.get(u).map_or("?", String::as_str);
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names.join(", ")
}

fn meeting_form(ctx: &Ctx, a: &CabAgenda, draft: Option<(MeetingForm, widgets::Errors)>) -> Markup {
    let (f, errors) = draft.unwrap_or_else(|| {
        let f = match &a.meeting {
            Some(m) => MeetingForm {
                group: a.group.clone(),
                days: m.days.split(',').map(str::to_owned).collect(),
                start: m.start_time.clone(),
                minutes: m.minutes.to_string(),
                time_zone: m.time_zone.clone(),
            },
            None => MeetingForm {
                group: a.group.clone(),
                days: vec!["tue".into()],
                start: "10:00".into(),
                minutes: "60".into(),
                time_zone: fmt::zone_name(&fmt::zone()).to_owned(),
            },
        };
        (f, widgets::Errors::default())
    });
    html! {
        section.panel #cab-set aria-labelledby="cab-set-title" {
            h2 #cab-set-title { (ctx.t(CabMsg::SetTitle)) }
            form.cal-form #cab-meeting-form method="post" action="/changes/cab/meeting" {
                (widgets::csrf(&ctx.csrf))
                input type="hidden" name="group" value=(f.group);
                @if !errors.is_empty() { (widgets::alert(ctx.t(CabMsg::FormErrors), None)) }
                (super::calendar_keep::weekly_fields(ctx, "cab", &errors, (&f.days, &f.start, &f.minutes, &f.time_zone)))
                button.btn.btn-primary type="submit" { (ctx.t(CabMsg::Save)) }
            }
            @if a.meeting.is_some() {
                form.inline method="post" action="/changes/cab/meeting/remove" {
                    (widgets::csrf(&ctx.csrf))
                    input type="hidden" name="group" value=(a.group);
                    button.btn.btn-quiet type="submit" { (ctx.t(CabMsg::Remove)) }
                }
            }
        }
    }
}

fn back(group: &str, flash: &str) -> UiResult {
    see_other(&format!("{PATH}{}", fmt::query(&[("group", group), ("m", flash)])))
}

async fn save(State(s): State<AppState>, ctx: Ctx, Form(pairs): Form<Vec<(String, String)>>) -> UiResult {
    let f = MeetingForm::from_pairs(pairs);
    let minutes = f.minutes.trim().parse::<i64>();
    let m = NewMeeting {
        days: f.days.clone(),
        start: f.start.clone(),
        minutes: *minutes.as_ref().unwrap_or(&0),
        time_zone: f.time_zone.clone(),
    };
    let result = match minutes {
        Ok(_) => s.app.set_cab_meeting(&ctx.actor, &f.group, m).await.map(|_| ()),
        Err(_) => Err(AppError::field("minutes", steward_app::Code::NotWhole.msg("must be a whole number"))),
    };
    match result {
        Ok(()) => back(&f.group, "saved"),
        Err(AppError::Invalid(bad)) => {
            let group = f.group.clone();
            page(&s, &ctx, &group, "", Some((f, widgets::Errors(bad)))).await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

#[derive(Deserialize)]
struct RemoveForm {
    group: String,
}

async fn remove(State(s): State<AppState>, ctx: Ctx, Form(f): Form<RemoveForm>) -> UiResult {
    s.app.delete_cab_meeting(&ctx.actor, &f.group).await.or_page(&ctx)?;
    back(&f.group, "removed")
}
