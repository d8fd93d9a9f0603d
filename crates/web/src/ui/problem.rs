//! `/problems/{number}`: the problem page. The header; the description,
//! the root cause (category, analysis, 5-whys), the workaround with the
//! known error, the fix, the linked incidents and the activity with the
//! comment box; the side holds the state changes, the fields, the
//! affected services and CIs with what they affect (the CMDB's impact
//! analysis) and the files, sent with comments or on their own.
//!
//! Posts from this page (`problem_actions`, `record_actions`) that are
//! refused render it again through [`ProblemPage`]'s `respond` with the
//! user's input and the messages.

use super::problem_texts::{self, PrbMsg};
use super::{
    Ctx, Failure, OrPage, UiResult, clocks, conversation, problem_list, problem_side,
    record_page::{self, RecordPage},
    widgets,
};
use crate::{AppState, i18n::Label};
use axum::http::StatusCode;
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::{
    AppError,
    cmdb::{Direction, impact::CiRef, impact::Impact},
    incidents,
    problems::{Linked, Problem, number},
};
use steward_domain::{IncidentState, links::LinkType, number::RecordKind, problem::ProblemState};
use steward_store::journal::{Attachment, Entry};

/// How far up the impact analysis looks, and how many services it names.
const IMPACT_DEPTH: u32 = 5;
const IMPACT_LISTED: usize = 50;

/// Everything the page shows of one problem.
pub struct Data {
    pub p: Problem,
    pub number: String,
    pub journal: Vec<Entry>,
    pub incidents: Vec<Linked>,
    /// The CIs it names.
    pub cis: Vec<CiRef>,
    /// What the service and CIs affect (none when it names neither).
    pub impact: Option<Impact>,
    /// The SLA clocks.
    pub clocks: Vec<steward_app::sla::ClockView>,
    /// Its files, sent with comments and work notes or on their own.
    pub attachments: Vec<Attachment>,
    /// The viewer watches it.
    pub watching: bool,
    /// Its links to other records.
    pub links: Vec<steward_app::links::RecordLink>,
}

impl Data {
    pub fn state(&self) -> Option<ProblemState> {
        self.p.record.state.parse().ok()
    }
    /// The page's path, where its forms post.
    pub fn page(&self) -> String {
        conversation::page_path(RecordKind::Problem, self.p.record.number)
    }
    /// The linked incidents still open (what resolving may resolve).
    pub fn open_incidents(&self) -> usize {
        self.incidents.iter().filter(|i| i.state.parse::<IncidentState>().is_ok_and(|s| s.is_open())).count()
    }
}

pub async fn load(s: &AppState, ctx: &Ctx, n: &str) -> Result<Data, AppError> {
    let p = s.app.get_problem(&ctx.actor, n).await?;
    let number = number(p.record.number);
    let (journal, incidents, cis, clocks, attachments, watching, links) = futures_util::try_join!(
        s.app.problem_journal(&ctx.actor, &number),
        s.app.problem_incidents(&ctx.actor, &number),
        s.app.incident_cis(&ctx.actor, p.record.id),
        s.app.problem_clocks(&ctx.actor, &number),
        s.app.list_attachments(&ctx.actor, RecordKind::Problem, &number),
        s.app.is_watching(&ctx.actor, RecordKind::Problem, p.record.id),
        super::record_links::load(s, ctx, RecordKind::Problem, &number),
    )?;
    let mut starts: Vec<i64> = cis.iter().map(|c| c.id).collect();
    starts.extend(p.record.service_id);
    let impact = if starts.is_empty() {
        None
    } else {
        Some(s.app.impact(&ctx.actor, &starts, IMPACT_DEPTH, None, Direction::Upstream, IMPACT_LISTED).await?)
    };
    Ok(Data { p, number, journal, incidents, cis, impact, clocks, attachments, watching, links })
}

/// A state change someone tried, kept to show it again with its messages.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct TransitionDraft {
    pub state: String,
    pub version: String,
    pub resolution_code: String,
    pub resolution_notes: String,
    pub cancel_reason: String,
    pub resolve_incidents: Option<String>,
    pub incident_notes: String,
}

/// What only the problem page shows again after a refusal.
#[derive(Default)]
pub struct PanelForms {
    /// The numbers typed into "Link incidents" and why they were refused.
    pub link: Option<(String, widgets::Errors)>,
    /// Why publishing or withdrawing the known error was refused.
    pub known_error: widgets::Errors,
}

/// What the page shows besides the problem.
pub type View = record_page::View<TransitionDraft, PanelForms>;

/// The problem page, for the handlers every kind's page shares.
pub struct ProblemPage;

impl RecordPage for ProblemPage {
    const KIND: RecordKind = RecordKind::Problem;
    const NOTICES: &'static [(&'static str, Label)] = &[
        ("created", &PrbMsg::FlashProblemCreated),
        ("unlinked", &PrbMsg::FlashUnlinked),
        ("published", &PrbMsg::FlashPublished),
        ("withdrawn", &PrbMsg::FlashWithdrawn),
    ];
    type Draft = TransitionDraft;
    type Own = PanelForms;

    async fn respond(s: &AppState, ctx: &Ctx, n: &str, view: View, status: StatusCode) -> UiResult {
        super::staff_only(ctx)?;
        let d = load(s, ctx, n).await.or_page(ctx)?;
        record_page::page(ctx, &d.number, &d.p.record.title, render(ctx, s, &d, &view), status)
    }

    /// The problem's pages are staff's.
    fn may_post(ctx: &Ctx) -> Result<(), Failure> {
        super::staff_only(ctx)
    }
}

fn header(ctx: &Ctx, d: &Data) -> Markup {
    let known = d.p.is_known_error();
    record_page::header(
        ctx,
        record_page::Head {
            crumb: ("/problems?state=open", ctx.t(PrbMsg::ProblemsTitle)),
            id: "problem",
            number: &d.number,
            record: &d.p.record,
            page: &d.page(),
            watching: d.watching,
            actions: html! {},
            edit: true,
            badges: html! {
                @if known { " " span #known-error-flag { (problem_list::known_error_flag(ctx.lang)) } }
            },
        },
    )
}

fn root_cause(ctx: &Ctx, d: &Data) -> Markup {
    let det = &d.p.details;
    let category = det.cause_category.as_deref().and_then(|c| c.parse().ok());
    let whys = d.p.whys();
    html! {
        section.panel #root-cause aria-labelledby="cause-title" {
            h2 #cause-title { (ctx.t(PrbMsg::RootCausePanel)) }
            @if let Some(c) = category {
                p { strong { (ctx.t(PrbMsg::CauseCategory)) ": " } span #cause-category { (problem_texts::cause_category(ctx.lang, c)) } }
            }
            (record_page::text_or(ctx, det.root_cause.as_deref(), PrbMsg::NoCause, "root-cause-text"))
            @if !whys.is_empty() {
                h3 { (ctx.t(PrbMsg::FiveWhys)) }
                ol.whys #whys {
                    @for w in &whys {
                        li {
                            @if !w.question.is_empty() { span.why-q { (w.question) } " " }
                            span.why-a { (w.answer) }
                        }
                    }
                }
            }
        }
    }
}

fn fix(ctx: &Ctx, d: &Data) -> Markup {
    let r = &d.p.record;
    let code =
        r.resolution_code.as_deref().and_then(|c| c.parse().ok()).map(|c| problem_texts::resolution(ctx.lang, c));
    html! {
        @if code.is_some() || r.resolution_notes.is_some() {
            section.panel.resolution #fix aria-labelledby="fix-title" {
                h2 #fix-title { (ctx.t(PrbMsg::TheFix)) ": " (code.unwrap_or("")) }
                @if let Some(n) = &r.resolution_notes { div.prose { (n) } }
            }
        }
        @if let Some(reason) = &d.p.details.cancel_reason {
            section.panel.resolution #cancel-reason aria-labelledby="cancel-title" {
                h2 #cancel-title { (ctx.t(PrbMsg::CancelReason)) }
                div.prose { (reason) }
            }
        }
    }
}

pub fn render(ctx: &Ctx, s: &AppState, d: &Data, v: &View) -> Markup {
    let page = d.page();
    let main = html! {
        (record_page::description(ctx, &d.p.record.description, "problem-description"))
        (root_cause(ctx, d))
        (problem_side::workaround(ctx, d, v))
        (fix(ctx, d))
        (problem_side::incidents(ctx, d, v))
        (record_page::activity(ctx, s, &page, &d.journal, &PrbMsg::EvProblemCreated, &[], &v.draft))
    };
    let side = html! {
        (problem_side::actions(ctx, d, v))
        (clocks::panel(ctx.lang, &d.clocks))
        (problem_side::details(ctx, d))
        (problem_side::affected(ctx, d))
        (conversation::files(ctx, s, &page, &d.attachments, Some(&v.upload_error)))
        (super::record_links::panel(ctx, RecordKind::Problem, d.p.record.number, &d.links, &[LinkType::Causes], &v.link))
    };
    html! {
        (header(ctx, d))
        (record_page::columns(ctx, &page, v, main, side))
    }
}

/// An incident's page address.
pub fn incident_href(n: i64) -> String {
    format!("/incidents/{}", incidents::number(n))
}
