//! `/incidents/{number}`: the incident page for the desk and for its
//! requester. The header, the description and resolution, the activity
//! stream with the comment box; the sidebar (see `sidebar`) holds the
//! state changes, the fields, attachments and related incidents.
//!
//! Posts from this page (`incident_actions`, `record_actions`) that are
//! refused render it again through [`IncidentPage`]'s `respond` with the
//! user's input and the message.

use super::incident_texts::IncMsg;
use super::problem_texts::PrbMsg;
use super::{
    Ctx, OrPage, UiResult, clocks, conversation,
    record_page::{self, RecordPage},
    sidebar, widgets,
};
use crate::{
    AppState,
    i18n::{self, Label, Msg},
};
use axum::http::StatusCode;
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::{AppError, desk::FilledReply, incidents::number};
use steward_domain::{IncidentState, access::Viewer, links::LinkType, number::RecordKind};
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
    /// Its links to other records (staff only).
    pub links: Vec<steward_app::links::RecordLink>,
    /// The alert group that opened it, if correlation did (staff only).
    pub group: Option<steward_app::alerts::GroupView>,
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
    let links = super::record_links::load(s, ctx, RecordKind::Incident, &number).await?;
    let group = if ctx.actor.is_staff() { s.app.incident_alert_group(&ctx.actor, inc.id).await? } else { None };
    Ok(Data {
        inc,
        number,
        journal,
        attachments,
        parent,
        children,
        clocks,
        watching,
        cis,
        replies,
        problems,
        links,
        group,
    })
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

/// What only the incident page shows again after a refusal: why creating,
/// linking or applying a problem's workaround was refused, and the problem
/// number typed into "Link to problem".
#[derive(Default)]
pub struct ProblemForms {
    pub problem_errors: widgets::Errors,
    pub problem_form: Option<String>,
}

/// What the page shows besides the incident.
pub type View = record_page::View<TransitionDraft, ProblemForms>;

/// The incident page, for the handlers every kind's page shares.
pub struct IncidentPage;

impl RecordPage for IncidentPage {
    const KIND: RecordKind = RecordKind::Incident;
    const NOTICES: &'static [(&'static str, Label)] = &[
        ("created", &IncMsg::FlashCreated),
        ("reported", &IncMsg::FlashReported),
        ("assigned", &IncMsg::FlashAssigned),
        ("workaround", &PrbMsg::FlashWorkaroundApplied),
    ];
    type Draft = TransitionDraft;
    type Own = ProblemForms;

    async fn respond(s: &AppState, ctx: &Ctx, n: &str, view: View, status: StatusCode) -> UiResult {
        let d = load(s, ctx, n).await.or_page(ctx)?;
        record_page::page(ctx, &d.number, &d.inc.title, render(ctx, s, &d, &view), status)
    }

    async fn replies(s: &AppState, ctx: &Ctx, n: &str) -> Result<Vec<FilledReply>, AppError> {
        if !ctx.actor.is_staff() {
            return Ok(Vec::new());
        }
        let inc = s.app.get_incident(&ctx.actor, n).await?;
        s.app.replies_for_incident(&ctx.actor, &inc, ctx.lang.code()).await
    }
}

fn header(ctx: &Ctx, d: &Data) -> Markup {
    let lang = ctx.lang;
    let i = &d.inc;
    let back: (&str, Label) = if ctx.actor.is_staff() {
        ("/incidents?state=open", &IncMsg::NavIncidents)
    } else {
        ("/portal", &Msg::NavMyIncidents)
    };
    record_page::header(
        ctx,
        record_page::Head {
            crumb: (back.0, ctx.t(back.1)),
            id: "incident",
            number: &d.number,
            record: i,
            page: &d.page(),
            watching: d.watching,
            actions: super::desk::assign_button(ctx, d),
            edit: ctx.actor.is_staff(),
            badges: html! {
                @if i.major != 0 { " " (widgets::major_flag(lang)) }
                @if let Some(r) = i.hold_reason.as_deref().and_then(|r| r.parse().ok()) {
                    " " span.chip { (i18n::hold_reason(lang, r)) }
                }
            },
        },
    )
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
    let staff = ctx.actor.is_staff();
    let page = d.page();
    let main = html! {
        @if !staff { (sidebar::requester_actions(ctx, d, v)) }
        @if staff { (super::incident_problems::workarounds(ctx, d, v)) }
        @if let Some(g) = d.group.as_ref().filter(|_| staff) { (super::incident_cause::panel(ctx, g)) }
        (record_page::description(ctx, &d.inc.description, "incident-description"))
        (resolution(ctx, &d.inc))
        (record_page::activity(ctx, s, &page, &d.journal, &Msg::EvCreated, &d.replies, &v.draft))
    };
    let side = html! {
        @if staff { (sidebar::staff_actions(ctx, d, v)) }
        @if staff { (clocks::panel(ctx.lang, &d.clocks)) }
        (sidebar::details(ctx, d))
        @if staff { (super::incident_problems::panel(ctx, d, v)) }
        (conversation::files(ctx, s, &page, &d.attachments, Some(&v.upload_error)))
        @if staff {
            (super::record_links::panel(ctx, RecordKind::Incident, d.inc.number, &d.links, &[LinkType::CausedBy], &v.link))
        } @else {
            (sidebar::related(ctx, d))
        }
    };
    html! {
        (header(ctx, d))
        (record_page::columns(ctx, &page, v, main, side))
    }
}
