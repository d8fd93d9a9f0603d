//! `/problems/{number}`: the problem page. The header; the description,
//! the root cause (category, analysis, 5-whys), the workaround with the
//! known error, the fix, the linked incidents and the activity with the
//! comment box; the side holds the state changes, the fields, the
//! affected services and CIs with what they affect (the CMDB's impact
//! analysis) and the files sent with comments.
//!
//! Posts from this page (`problem_actions`) that are refused render it
//! again through [`respond`] with the user's input and the messages.

use super::{
    Ctx, OrPage, UiResult, activity, clocks, conversation, fmt, html, layout, problem_list, problem_side, widgets,
};
use crate::{
    AppState,
    i18n::{self, Msg},
    i18n_problems,
};
use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::{
    AppError,
    cmdb::{Direction, impact::CiRef, impact::Impact},
    incidents,
    problems::{Linked, Problem, number},
};
use steward_domain::{IncidentState, number::RecordKind, problem::ProblemState};
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
    /// The files sent with its comments and work notes.
    pub attachments: Vec<Attachment>,
    /// The viewer watches it.
    pub watching: bool,
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
    let (journal, incidents, cis, clocks, attachments, watching) = futures_util::try_join!(
        s.app.problem_journal(&ctx.actor, &number),
        s.app.problem_incidents(&ctx.actor, &number),
        s.app.incident_cis(&ctx.actor, p.record.id),
        s.app.problem_clocks(&ctx.actor, &number),
        s.app.list_attachments(&ctx.actor, RecordKind::Problem, &number),
        s.app.is_watching(&ctx.actor, RecordKind::Problem, p.record.id),
    )?;
    let mut starts: Vec<i64> = cis.iter().map(|c| c.id).collect();
    starts.extend(p.record.service_id);
    let impact = if starts.is_empty() {
        None
    } else {
        Some(s.app.impact(&ctx.actor, &starts, IMPACT_DEPTH, None, Direction::Upstream, IMPACT_LISTED).await?)
    };
    Ok(Data { p, number, journal, incidents, cis, impact, clocks, attachments, watching })
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

/// What the page shows besides the problem: a notice, a page-wide
/// problem, and the input of a refused post with its messages.
#[derive(Default)]
pub struct View {
    pub notice: Option<String>,
    /// A page-wide message; with `true` it offers to load the latest version.
    pub alert: Option<(String, bool)>,
    pub transition: Option<(TransitionDraft, widgets::Errors)>,
    /// The numbers typed into "Link incidents" and why they were refused.
    pub link: Option<(String, widgets::Errors)>,
    /// Why publishing or withdrawing the known error was refused.
    pub known_error: widgets::Errors,
    /// The comment box as typed, with its messages.
    pub draft: conversation::Draft,
}

fn header(ctx: &Ctx, d: &Data) -> Markup {
    let lang = ctx.lang;
    let r = &d.p.record;
    html! {
        div.incident-head {
            nav.crumbs aria-label="Breadcrumb" { a href="/problems?state=open" { (ctx.t(Msg::ProblemsTitle)) } " / " span { (d.number) } }
            div.head-row {
                h1 { span.num { (d.number) } " " span #problem-title { (r.title) } }
                div.head-actions {
                    (super::notifications::watch_button(ctx, &d.page(), d.watching))
                    a.btn #edit-problem href={ "/problems/" (d.number) "/edit" } { (ctx.t(Msg::Edit)) }
                }
            }
            div.head-badges {
                span #problem-state { (widgets::state_badge(lang, &r.state)) }
                (widgets::priority_badge(lang, r.priority)) " " span.prio-name { (i18n::priority_name(lang, r.priority)) }
                @if d.p.is_known_error() { " " span #known-error-flag { (problem_list::known_error_flag(lang)) } }
                span.head-meta {
                    (r.requester_name.as_deref().unwrap_or("")) " · " (ctx.t(Msg::Opened)) " "
                    (widgets::time(lang, r.opened_at, fmt::now_micros()))
                }
            }
        }
    }
}

fn text_or(ctx: &Ctx, text: Option<&str>, empty: Msg, id: &str) -> Markup {
    html! {
        @match text.filter(|t| !t.trim().is_empty()) {
            Some(t) => div.prose id=(id) { (t) },
            None => p.muted { (ctx.t(empty)) },
        }
    }
}

fn root_cause(ctx: &Ctx, d: &Data) -> Markup {
    let det = &d.p.details;
    let category = det.cause_category.as_deref().and_then(|c| c.parse().ok());
    let whys = d.p.whys();
    html! {
        section.panel #root-cause aria-labelledby="cause-title" {
            h2 #cause-title { (ctx.t(Msg::RootCausePanel)) }
            @if let Some(c) = category {
                p { strong { (ctx.t(Msg::CauseCategory)) ": " } span #cause-category { (i18n_problems::cause_category(ctx.lang, c)) } }
            }
            (text_or(ctx, det.root_cause.as_deref(), Msg::NoCause, "root-cause-text"))
            @if !whys.is_empty() {
                h3 { (ctx.t(Msg::FiveWhys)) }
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
        r.resolution_code.as_deref().and_then(|c| c.parse().ok()).map(|c| i18n_problems::resolution(ctx.lang, c));
    html! {
        @if code.is_some() || r.resolution_notes.is_some() {
            section.panel.resolution #fix aria-labelledby="fix-title" {
                h2 #fix-title { (ctx.t(Msg::TheFix)) ": " (code.unwrap_or("")) }
                @if let Some(n) = &r.resolution_notes { div.prose { (n) } }
            }
        }
        @if let Some(reason) = &d.p.details.cancel_reason {
            section.panel.resolution #cancel-reason aria-labelledby="cancel-title" {
                h2 #cancel-title { (ctx.t(Msg::CancelReason)) }
                div.prose { (reason) }
            }
        }
    }
}

pub fn render(ctx: &Ctx, s: &AppState, d: &Data, v: &View) -> Markup {
    html! {
        (header(ctx, d))
        @if let Some(n) = &v.notice { (widgets::notice(n)) }
        @if let Some((p, reload)) = &v.alert {
            (widgets::alert(p, reload.then_some((&*format!("/problems/{}", d.number), ctx.t(Msg::ReloadLatest)))))
        }
        div.incident-grid {
            div.incident-main {
                section.panel aria-labelledby="description-title" {
                    h2 #description-title { (ctx.t(Msg::Description)) }
                    (text_or(ctx, Some(&d.p.record.description), Msg::NoDescription, "problem-description"))
                }
                (root_cause(ctx, d))
                (problem_side::workaround(ctx, d, v))
                (fix(ctx, d))
                (problem_side::incidents(ctx, d, v))
                section #activity aria-labelledby="activity-title" {
                    h2 #activity-title { (ctx.t(Msg::Activity)) }
                    (activity::stream_of(ctx.lang, &d.journal, Msg::EvProblemCreated))
                    (conversation::comment_form(ctx, s, &d.page(), &[], &v.draft))
                }
            }
            aside.incident-side aria-label=(ctx.t(Msg::Details)) {
                (problem_side::actions(ctx, d, v))
                (clocks::panel(ctx.lang, &d.clocks))
                (problem_side::details(ctx, d))
                (problem_side::affected(ctx, d))
                (conversation::files(ctx, s, &d.page(), &d.attachments, None))
            }
        }
    }
}

/// Loads the problem and renders its page with `view`.
pub async fn respond(s: &AppState, ctx: &Ctx, n: &str, view: View, status: StatusCode) -> UiResult {
    super::staff_only(ctx)?;
    let d = load(s, ctx, n).await.or_page(ctx)?;
    let title = format!("{} {}", d.number, d.p.record.title);
    Ok(html(status, layout::page(ctx, &title, render(ctx, s, &d, &view))))
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    /// Which success message to show after a redirect.
    m: Option<String>,
}

pub async fn show(State(s): State<AppState>, ctx: Ctx, Path(n): Path<String>, Query(q): Query<PageQuery>) -> UiResult {
    let number = steward_app::problems::parse_number(&n).map(number).unwrap_or_default();
    let notice = match q.m.as_deref() {
        Some("created") => Some(i18n::tf(ctx.lang, Msg::FlashProblemCreated, &[("number", &number)])),
        Some("saved") => Some(ctx.t(Msg::FlashSaved).to_owned()),
        Some("state") => Some(ctx.t(Msg::FlashStateChanged).to_owned()),
        Some("linked") => Some(ctx.t(Msg::FlashLinked).to_owned()),
        Some("unlinked") => Some(ctx.t(Msg::FlashUnlinked).to_owned()),
        Some("published") => Some(ctx.t(Msg::FlashPublished).to_owned()),
        Some("withdrawn") => Some(ctx.t(Msg::FlashWithdrawn).to_owned()),
        Some("commented") => Some(ctx.t(Msg::FlashCommented).to_owned()),
        Some("uploaded") => Some(ctx.t(Msg::FlashUploaded).to_owned()),
        Some("watching") => Some(ctx.t(Msg::FlashWatching).to_owned()),
        Some("unwatched") => Some(ctx.t(Msg::FlashUnwatched).to_owned()),
        _ => None,
    };
    respond(&s, &ctx, &n, View { notice, ..View::default() }, StatusCode::OK).await
}

/// An incident's page address.
pub fn incident_href(n: i64) -> String {
    format!("/incidents/{}", incidents::number(n))
}
