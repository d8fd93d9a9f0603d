//! `/alerts/{fingerprint}`: one alert — labels, annotations (a URL a link
//! only when http(s)), times, state and the silences muting it; the
//! Acknowledge button, the assignee (a staff member), its history; and
//! the "Silence this alert" form (see [`super::alert_silence`]).

use super::alert_console::{self as console, ack_form, moment, name_of, state_badge, state_of};
use super::alert_silence::{self, SilenceForm};
use super::alert_texts::AlertMsg;
use super::check_texts::CheckMsg;
use super::{Ctx, OrPage, UiResult, fmt, html, layout, see_other, widgets};
use crate::{
    AppState,
    i18n::{self, Msg},
};
use axum::{
    Form,
    extract::{Path, Query, State},
    http::StatusCode,
};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::{
    Actor, AppError,
    alerts::{HandledAlert, HistoryEntry},
};
use steward_domain::alert::{Labels, fingerprint_text};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Flash {
    m: String,
}

impl Flash {
    pub fn flash(&self) -> &str {
        &self.m
    }
}

/// Forms sent back with their messages (422).
#[derive(Default)]
pub struct Drafts {
    pub assignee: Option<(String, widgets::Errors)>,
    pub silence: Option<(SilenceForm, widgets::Errors)>,
}

pub async fn show(State(s): State<AppState>, ctx: Ctx, Path(fp): Path<String>, Query(f): Query<Flash>) -> UiResult {
    super::staff_only(&ctx)?;
    page(&s, &ctx, &fp, &f.m, Drafts::default()).await
}

/// Active staff as (username, display name), and the username of `id`.
async fn staff(s: &AppState, actor: &Actor, id: Option<i64>) -> Result<(Vec<(String, String)>, String), AppError> {
    let users = s.app.list_users(Some(actor)).await?;
    let current = users.iter().find(|u| Some(u.id) == id).map(|u| u.username.clone()).unwrap_or_default();
    let staff = users
        .into_iter()
        .filter(|u| u.active != 0 && u.role != "requester")
        .map(|u| (u.username, u.display_name))
        .collect();
    Ok((staff, current))
}

/// The page, with `drafts` (then answered 422) or the flash message.
pub async fn page(s: &AppState, ctx: &Ctx, fp: &str, flash: &str, drafts: Drafts) -> UiResult {
    let a = s.app.get_alert(&ctx.actor, fp).await.or_page(ctx)?;
    let history = s.app.alert_history(&ctx.actor, fp).await.or_page(ctx)?;
    let (staff, assignee) = staff(s, &ctx.actor, a.assignee.as_ref().map(|(id, _)| *id)).await.or_page(ctx)?;
    let incident = s.app.alert_group_incident(&ctx.actor, &a).await.or_page(ctx)?;
    let status = if drafts.assignee.is_some() || drafts.silence.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let now = fmt::now_micros();
    let alert = &a.view.alert;
    let fp = fingerprint_text(alert.fingerprint);
    let name = name_of(ctx, &alert.labels);
    let body = html! {
        div.incident-head {
            nav.crumbs aria-label="Breadcrumb" { a href=(console::PATH) { (ctx.t(AlertMsg::Title)) } }
            div.head-row {
                h1 #alert-name { (name) }
            }
            div.head-badges {
                (state_badge(ctx, state_of(&a, now)))
                (console::severity(&alert.labels))
                span.muted { (ctx.t(AlertMsg::Fingerprint)) " " code #alert-fingerprint { (fp) } }
            }
        }
        @if let Some(m) = console::flash(flash) { (widgets::notice(ctx.t(m))) }
        div.incident-grid {
            div.alert-main {
                (pairs_panel(ctx, "alert-labels", AlertMsg::Labels, &alert.labels, false))
                (pairs_panel(ctx, "alert-annotations", AlertMsg::Annotations, &alert.annotations, true))
                (times(ctx, &a, now))
                (history_panel(ctx, &history))
            }
            aside.alert-side {
                @if let Some(n) = incident { (group_incident(ctx, n)) }
                (handling(ctx, &a, &fp, &staff, &assignee, drafts.assignee))
                (silenced_by(ctx, &a))
                (muted_by(ctx, &a))
                (alert_silence::section(ctx, &a, drafts.silence))
            }
        }
    };
    Ok(html(status, layout::page(ctx, name, body)))
}

/// An http(s) address, which alone is shown as a link.
fn web_link(value: &str) -> Option<&str> {
    let v = value.trim();
    let lower = v.get(..8).unwrap_or(v).to_ascii_lowercase();
    let web = lower.starts_with("http://") || lower.starts_with("https://");
    (web && !v.contains(char::is_whitespace)).then_some(v)
}

fn pairs_panel(ctx: &Ctx, id: &str, title: AlertMsg, pairs: &Labels, links: bool) -> Markup {
    html! {
        section.panel id=(id) aria-labelledby={ (id) "-title" } {
            h2 id={ (id) "-title" } { (ctx.t(title)) }
            @if pairs.is_empty() {
                p.muted { (ctx.t(AlertMsg::NoAnnotations)) }
            } @else {
                div.table-wrap {
                    table.incidents.pairs {
                        thead { tr { th scope="col" { (ctx.t(AlertMsg::Name)) } th scope="col" { (ctx.t(AlertMsg::Value)) } } }
                        tbody {
                            @for (k, v) in pairs.iter() {
                                tr {
                                    th scope="row" { code { (k) } }
                                    td.pair-value {
                                        @match web_link(v).filter(|_| links) {
                                            Some(url) => a href=(url) rel="noopener noreferrer" { (url) },
                                            None => (v),
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
}

fn times(ctx: &Ctx, a: &HandledAlert, now: i64) -> Markup {
    let alert = &a.view.alert;
    let ends = if a.firing(now) { AlertMsg::Ends } else { AlertMsg::Ended };
    html! {
        section.panel #alert-times aria-labelledby="alert-times-title" {
            h2 #alert-times-title { (ctx.t(AlertMsg::Times)) }
            dl.facts {
                div { dt { (ctx.t(AlertMsg::Started)) } dd #alert-started { (moment(ctx, alert.starts_at, now)) } }
                div { dt { (ctx.t(ends)) } dd { (moment(ctx, alert.ends_at, now)) } }
                div { dt { (ctx.t(AlertMsg::LastSent)) } dd { (moment(ctx, alert.updated_at, now)) } }
                div { dt { (ctx.t(AlertMsg::FirstReceived)) } dd { (moment(ctx, a.view.received_at, now)) } }
                div {
                    dt { (ctx.t(AlertMsg::Ci)) }
                    dd #alert-ci {
                        @match (&a.ci, a.mapped) {
                            (Some((id, name)), _) => a href={ "/cmdb/" (id) } { (name) },
                            (None, false) => (ctx.t(AlertMsg::CiNotMapped)),
                            (None, true) => (ctx.t(AlertMsg::CiNone)),
                        }
                    }
                }
                @if !alert.generator_url.is_empty() {
                    div {
                        dt { (ctx.t(AlertMsg::Source)) }
                        dd.pair-value {
                            @match web_link(&alert.generator_url) {
                                Some(url) => a #alert-source href=(url) rel="noopener noreferrer" { (url) },
                                None => (alert.generator_url),
                            }
                        }
                    }
                }
            }
        }
    }
}

fn event_text(ctx: &Ctx, e: &HistoryEntry) -> String {
    let lang = ctx.lang;
    match e.event.kind.as_str() {
        "fired" => ctx.t(AlertMsg::EvFired).to_owned(),
        "resolved" => ctx.t(AlertMsg::EvResolved).to_owned(),
        "acknowledged" => ctx.t(AlertMsg::EvAcknowledged).to_owned(),
        "unacknowledged" => ctx.t(AlertMsg::EvUnacknowledged).to_owned(),
        "assigned" if e.event.detail.is_empty() => ctx.t(AlertMsg::EvUnassigned).to_owned(),
        "assigned" => i18n::tf(lang, AlertMsg::EvAssigned, &[("who", &e.event.detail)]),
        other => other.to_owned(),
    }
}

fn history_panel(ctx: &Ctx, history: &[HistoryEntry]) -> Markup {
    let now = fmt::now_micros();
    html! {
        section.panel #alert-history aria-labelledby="alert-history-title" {
            h2 #alert-history-title { (ctx.t(AlertMsg::History)) }
            @if history.is_empty() {
                p.muted { (ctx.t(AlertMsg::NoHistory)) }
            } @else {
                ol.alert-history {
                    @for e in history.iter().rev() {
                        li data-kind=(e.event.kind) {
                            strong { (event_text(ctx, e)) }
                            @if let Some(who) = &e.actor { " " span.muted { (i18n::tf(ctx.lang, AlertMsg::By, &[("who", who)])) } }
                            " · " (moment(ctx, e.event.at, now))
                        }
                    }
                }
            }
        }
    }
}

fn handling(
    ctx: &Ctx,
    a: &HandledAlert,
    fp: &str,
    staff: &[(String, String)],
    assignee: &str,
    draft: Option<(String, widgets::Errors)>,
) -> Markup {
    let (chosen, errors) = draft.unwrap_or_else(|| (assignee.to_owned(), widgets::Errors::default()));
    let mut options = vec![(String::new(), ctx.t(AlertMsg::NoOne).to_owned())];
    options.extend(staff.iter().cloned());
    let field = widgets::Field::new(ctx.lang, "alert-assignee", "assignee", ctx.t(Msg::Assignee), &errors);
    let back = format!("/alerts/{fp}");
    html! {
        section.panel #alert-handling aria-labelledby="alert-handling-title" {
            h2 #alert-handling-title { (ctx.t(AlertMsg::Handling)) }
            p #alert-acked {
                @match &a.acked {
                    Some((_, who, at)) => (i18n::tf(ctx.lang, AlertMsg::AckedByWhen, &[("who", who), ("when", &fmt::absolute(ctx.lang, *at))])),
                    None => (ctx.t(AlertMsg::NotAcked)),
                }
            }
            (ack_form(ctx, fp, a.acked.is_some(), &back))
            form #alert-assign method="post" action={ "/alerts/" (fp) "/assignee" } {
                (widgets::csrf(&ctx.csrf))
                (field.select(&options, &chosen))
                button.btn type="submit" { (ctx.t(AlertMsg::Assign)) }
            }
        }
    }
}

/// The incident the alert's correlation group opened.
fn group_incident(ctx: &Ctx, n: i64) -> Markup {
    let number = steward_app::incidents::number(n);
    html! {
        section.panel #alert-incident aria-labelledby="alert-incident-title" {
            h2 #alert-incident-title { (ctx.t(CheckMsg::GroupIncident)) }
            p { a href={ "/incidents/" (number) } { (i18n::tf(ctx.lang, CheckMsg::GroupIncidentText, &[("number", &number)])) } }
        }
    }
}

fn silenced_by(ctx: &Ctx, a: &HandledAlert) -> Markup {
    html! {
        section.panel #alert-silenced-by aria-labelledby="alert-silenced-by-title" {
            h2 #alert-silenced-by-title { (ctx.t(AlertMsg::SilencedBy)) }
            @if a.view.silenced_by.is_empty() {
                p.muted { (ctx.t(AlertMsg::NotSilenced)) }
            } @else {
                ul {
                    @for id in &a.view.silenced_by {
                        li { a href={ (super::alert_silences::PATH) "#silence-" (id) } { code { (id) } } }
                    }
                }
            }
            @for fp in &a.view.inhibited_by {
                p #alert-inhibited-by {
                    (ctx.t(AlertMsg::InhibitedBy)) " "
                    a href={ "/alerts/" (steward_domain::alert::fingerprint_text(*fp)) } {
                        code { (steward_domain::alert::fingerprint_text(*fp)) }
                    }
                    " (" a href=(super::alert_routing::PATH) { (ctx.t(AlertMsg::InhibitionRule)) } ")"
                }
            }
        }
    }
}

/// The maintenance windows and changes that mute it.
fn muted_by(ctx: &Ctx, a: &HandledAlert) -> Markup {
    use steward_app::alerts::MutedBy;
    html! {
        section.panel #alert-muted-by aria-labelledby="alert-muted-by-title" {
            h2 #alert-muted-by-title { (ctx.t(AlertMsg::MutedBy)) }
            @if a.view.muted_by.is_empty() {
                p.muted { (ctx.t(AlertMsg::NotMuted)) }
            } @else {
                ul {
                    @for m in &a.view.muted_by {
                        @match m {
                            MutedBy::Window { id, name } => li {
                                (ctx.t(AlertMsg::MutedWindow)) " "
                                a href={ (super::alert_windows::PATH) "#window-" (id) } { (name) }
                            },
                            MutedBy::Change { number, .. } => li {
                                (ctx.t(AlertMsg::MutedChange)) " " a href={ "/changes/" (number) } { (number) }
                            },
                        }
                    }
                }
            }
            @if !a.changes.is_empty() {
                p #alert-changes {
                    (ctx.t(AlertMsg::FiredDuring)) ": "
                    @for (i, n) in a.changes.iter().enumerate() {
                        @if i > 0 { ", " }
                        a href={ "/changes/" (n) } { (n) }
                    }
                }
            }
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AssignForm {
    assignee: String,
}

pub async fn assign(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(fp): Path<String>,
    Form(f): Form<AssignForm>,
) -> UiResult {
    match s.app.assign_alert(&ctx.actor, &fp, Some(&f.assignee)).await {
        Ok(_) => see_other(&format!("/alerts/{fp}?m=assigned")),
        Err(AppError::Invalid(bad)) => {
            let drafts = Drafts { assignee: Some((f.assignee, widgets::Errors(bad))), ..Drafts::default() };
            page(&s, &ctx, &fp, "", drafts).await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::web_link;

    #[test]
    fn only_web_addresses_are_links() {
        assert_eq!(web_link(" https://runbooks.example/disk "), Some("https://runbooks.example/disk"));
        assert_eq!(web_link("HTTP://prom:9090/graph?g0.expr=up"), Some("HTTP://prom:9090/graph?g0.expr=up"));
        for not in ["javascript:alert(1)", "ftp://x", "see https://x", "https://a b", "", "http"] {
            assert_eq!(web_link(not), None, "{not}");
        }
    }
}
