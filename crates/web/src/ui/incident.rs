//! `/incidents/{number}`: the incident page for the desk and for its
//! requester. The header, the description and resolution, the activity
//! stream with the comment box; the sidebar (see `sidebar`) holds the
//! state changes, the fields, attachments and related incidents.
//!
//! Posts from this page (`incident_actions`) that are refused render it
//! again through [`respond`] with the user's input and the message.

use super::{Ctx, OrPage, UiResult, activity, clocks, conversation, fmt, html, layout, sidebar, widgets};
use crate::{
    AppState,
    i18n::{self, Msg},
};
use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::{AppError, incidents::number};
use steward_domain::{IncidentState, access::Viewer, number::RecordKind};
use steward_store::{
    journal::{Attachment, Entry},
    records::Incident,
};

/// Everything the page shows of one incident.
pub struct Data {
    pub inc: Incident,
    pub number: String,
    pub journal: Vec<Entry>,
    pub attachments: Vec<Attachment>,
    pub parent: Option<Incident>,
    pub children: Vec<Incident>,
    /// The SLA clocks, for staff.
    pub clocks: Vec<steward_app::sla::ClockView>,
    pub watching: bool,
    /// The CIs it names, for staff.
    pub cis: Vec<steward_app::cmdb::impact::CiRef>,
    /// The canned replies offered here, filled for it (staff only).
    pub replies: Vec<steward_app::desk::FilledReply>,
    /// The problems it is linked to, with each known error's workaround
    /// (staff only).
    pub problems: Vec<steward_app::problems::IncidentProblem>,
}

impl Data {
    pub fn viewer(&self, ctx: &Ctx) -> Viewer {
        Viewer { role: ctx.actor.role, is_requester: self.inc.requester_id == ctx.actor.id }
    }
    pub fn state(&self) -> Option<IncidentState> {
        self.inc.state.parse().ok()
    }
    /// The page's path, where its forms post.
    pub fn page(&self) -> String {
        conversation::page_path(RecordKind::Incident, self.inc.number)
    }
}

pub async fn load(s: &AppState, ctx: &Ctx, n: &str) -> Result<Data, AppError> {
    let inc = s.app.get_incident(&ctx.actor, n).await?;
    let number = number(inc.number);
    let (journal, attachments, children, watching) = futures_util::future::try_join4(
        s.app.incident_journal(&ctx.actor, &number),
        s.app.list_attachments(&ctx.actor, RecordKind::Incident, &number),
        s.app.incident_children(&ctx.actor, inc.id),
        s.app.is_watching(&ctx.actor, RecordKind::Incident, inc.id),
    )
    .await?;
    // The parent may be one this user cannot see; then it is only a number.
    let parent = match inc.parent_number {
        Some(p) => s.app.get_incident(&ctx.actor, &steward_app::incidents::number(p)).await.ok(),
        None => None,
    };
    // Clocks are the desk's working aid; requesters see the incident itself.
    let cis = if ctx.actor.is_staff() { s.app.incident_cis(&ctx.actor, inc.id).await? } else { Vec::new() };
    let replies = if ctx.actor.is_staff() {
        s.app.replies_for_incident(&ctx.actor, &inc, ctx.lang.code()).await?
    } else {
        Vec::new()
    };
    let clocks = if ctx.actor.is_staff() { s.app.clocks_of_incident(inc.id).await? } else { Vec::new() };
    let problems = if ctx.actor.is_staff() { s.app.incident_problems(&ctx.actor, &number).await? } else { Vec::new() };
    Ok(Data { inc, number, journal, attachments, parent, children, clocks, watching, cis, replies, problems })
}

/// A state change someone tried, kept to show it again with its messages.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct TransitionDraft {
    pub state: String,
    pub version: String,
    pub hold_reason: String,
    pub resolution_code: String,
    pub resolution_notes: String,
    pub comment: String,
}

/// What the page shows besides the incident: a notice, a problem, and the
/// input of a refused post.
#[derive(Default)]
pub struct View {
    pub notice: Option<String>,
    /// A page-wide problem; with `true` it offers to load the latest version.
    pub problem: Option<(String, bool)>,
    /// The comment box as typed, with its messages.
    pub draft: conversation::Draft,
    pub transition: Option<(TransitionDraft, widgets::Errors)>,
    pub upload_error: Option<steward_app::Message>,
    /// Why creating, linking or applying a problem's workaround was
    /// refused, and the problem number typed into "Link to problem".
    pub problem_errors: widgets::Errors,
    pub problem_form: Option<String>,
}

fn header(ctx: &Ctx, d: &Data) -> Markup {
    let lang = ctx.lang;
    let i = &d.inc;
    let back = if ctx.actor.is_staff() {
        ("/incidents?state=open", Msg::NavIncidents)
    } else {
        ("/portal", Msg::NavMyIncidents)
    };
    html! {
        div.incident-head {
            nav.crumbs aria-label="Breadcrumb" { a href=(back.0) { (ctx.t(back.1)) } " / " span { (d.number) } }
            div.head-row {
                h1 { span.num { (d.number) } " " span #incident-title { (i.title) } }
                div.head-actions {
                    (super::desk::assign_button(ctx, d))
                    (super::notifications::watch_button(ctx, &d.page(), d.watching))
                    @if ctx.actor.is_staff() { a.btn #edit-incident href={ "/incidents/" (d.number) "/edit" } { (ctx.t(Msg::Edit)) } }
                }
            }
            div.head-badges {
                span #incident-state { (widgets::state_badge(lang, &i.state)) }
                (widgets::priority_badge(lang, i.priority)) " " span.prio-name { (i18n::priority_name(lang, i.priority)) }
                @if i.major != 0 { " " (widgets::major_flag(lang)) }
                @if let Some(r) = i.hold_reason.as_deref().and_then(|r| r.parse().ok()) {
                    " " span.chip { (i18n::hold_reason(lang, r)) }
                }
                span.head-meta {
                    (i.requester_name.as_deref().unwrap_or("")) " · " (ctx.t(Msg::Opened)) " "
                    (widgets::time(lang, i.opened_at, fmt::now_micros()))
                }
            }
        }
    }
}

fn resolution(ctx: &Ctx, i: &Incident) -> Markup {
    let code = i.resolution_code.as_deref().and_then(|c| c.parse().ok()).map(|c| i18n::resolution_code(ctx.lang, c));
    html! {
        @if code.is_some() || i.resolution_notes.is_some() {
            section.panel.resolution #resolution aria-labelledby="resolution-title" {
                h2 #resolution-title { (ctx.t(Msg::ResolutionCode)) ": " (code.unwrap_or("")) }
                @if let Some(n) = &i.resolution_notes { div.prose { (n) } }
            }
        }
    }
}

pub fn render(ctx: &Ctx, s: &AppState, d: &Data, v: &View) -> Markup {
    html! {
        (header(ctx, d))
        @if let Some(n) = &v.notice { (widgets::notice(n)) }
        @if let Some((p, reload)) = &v.problem {
            (widgets::alert(p, reload.then_some((&*format!("/incidents/{}", d.number), ctx.t(Msg::ReloadLatest)))))
        }
        div.incident-grid {
            div.incident-main {
                @if !ctx.actor.is_staff() { (sidebar::requester_actions(ctx, d, v)) }
                @if ctx.actor.is_staff() { (super::incident_problems::workarounds(ctx, d, v)) }
                section.panel aria-labelledby="description-title" {
                    h2 #description-title { (ctx.t(Msg::Description)) }
                    @if d.inc.description.is_empty() {
                        p.muted { (ctx.t(Msg::NoDescription)) }
                    } @else {
                        div.prose #incident-description { (d.inc.description) }
                    }
                }
                (resolution(ctx, &d.inc))
                section #activity aria-labelledby="activity-title" {
                    h2 #activity-title { (ctx.t(Msg::Activity)) }
                    (activity::stream(ctx.lang, &d.journal))
                    (conversation::comment_form(ctx, s, &d.page(), &d.replies, &v.draft))
                }
            }
            aside.incident-side aria-label=(ctx.t(Msg::Details)) {
                @if ctx.actor.is_staff() { (sidebar::staff_actions(ctx, d, v)) }
                @if ctx.actor.is_staff() { (clocks::panel(ctx.lang, &d.clocks)) }
                (sidebar::details(ctx, d))
                @if ctx.actor.is_staff() { (super::incident_problems::panel(ctx, d, v)) }
                (conversation::files(ctx, s, &d.page(), &d.attachments, Some(&v.upload_error)))
                (sidebar::related(ctx, d))
            }
        }
    }
}

/// Loads the incident and renders its page with `view`.
pub async fn respond(s: &AppState, ctx: &Ctx, n: &str, view: View, status: StatusCode) -> UiResult {
    let d = load(s, ctx, n).await.or_page(ctx)?;
    let title = format!("{} {}", d.number, d.inc.title);
    Ok(html(status, layout::page(ctx, &title, render(ctx, s, &d, &view))))
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    /// Which success message to show after a redirect.
    m: Option<String>,
}

pub async fn show(State(s): State<AppState>, ctx: Ctx, Path(n): Path<String>, Query(q): Query<PageQuery>) -> UiResult {
    let number = steward_app::incidents::parse_number(&n).map(number).unwrap_or_default();
    let notice = match q.m.as_deref() {
        Some("created") => Some(i18n::tf(ctx.lang, Msg::FlashCreated, &[("number", &number)])),
        Some("reported") => Some(i18n::tf(ctx.lang, Msg::FlashReported, &[("number", &number)])),
        Some("saved") => Some(ctx.t(Msg::FlashSaved).to_owned()),
        Some("state") => Some(ctx.t(Msg::FlashStateChanged).to_owned()),
        Some("commented") => Some(ctx.t(Msg::FlashCommented).to_owned()),
        Some("uploaded") => Some(ctx.t(Msg::FlashUploaded).to_owned()),
        Some("assigned") => Some(ctx.t(Msg::FlashAssigned).to_owned()),
        Some("watching") => Some(ctx.t(Msg::FlashWatching).to_owned()),
        Some("unwatched") => Some(ctx.t(Msg::FlashUnwatched).to_owned()),
        Some("linked") => Some(ctx.t(Msg::FlashLinked).to_owned()),
        Some("workaround") => Some(ctx.t(Msg::FlashWorkaroundApplied).to_owned()),
        _ => None,
    };
    respond(&s, &ctx, &n, View { notice, ..View::default() }, StatusCode::OK).await
}
