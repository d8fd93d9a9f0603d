//! `/changes/{number}`: the change page. The header with its type and
//! risk; the description, the planned and actual window in the viewer's
//! zone, the plans, the risk answers, the conflicts of its window
//! (`change_conflicts`), the review and the activity with the comment box;
//! the side holds the state moves its type's path allows, the approval,
//! the fields, the CIs, the files and the related records.
//!
//! Posts from this page (`change_actions`, `record_actions`,
//! `record_links`) that are refused render it again through
//! [`ChangePage`]'s `respond` with the user's input and the messages.

use super::change_risk_texts::RiskMsg;
use super::change_texts::{self, ChgMsg};
use super::{
    Ctx, Failure, OrPage, UiResult, change_conflicts, change_list, change_side, conversation, fmt,
    record_page::{self, RecordPage},
    widgets,
};
use crate::{
    AppState,
    i18n::{self, Label},
};
use axum::http::StatusCode;
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::{
    AppError,
    changes::{Change, ChangeConflicts, number},
    cmdb::impact::CiRef,
};
use steward_domain::{
    Lifecycle,
    change::{ChangeState, Questionnaire},
    number::RecordKind,
};
use steward_store::journal::{Attachment, Entry};

/// Everything the page shows of one change.
pub struct Data {
    pub c: Change,
    pub number: String,
    pub journal: Vec<Entry>,
    /// The CIs it changes.
    pub cis: Vec<CiRef>,
    pub attachments: Vec<Attachment>,
    pub watching: bool,
    pub links: Vec<steward_app::links::RecordLink>,
    /// What its planned window collides with, while it is open and has
    /// one (a check that failed says why instead).
    pub conflicts: Option<Result<ChangeConflicts, AppError>>,
    /// The current round of approval.
    pub approval: steward_app::changes::Round,
    /// Its tasks in step order.
    pub tasks: Vec<steward_app::tasks::Task>,
    /// The groups a task may be given to, by name.
    pub groups: Vec<String>,
    /// What a failure of its CIs would affect; none when it could not be read.
    pub impact: Option<steward_app::cmdb::Impact>,
    /// The risk questionnaire in force, for the questions' words.
    pub risk: Questionnaire,
    /// The alerts seen during its window and its flags; none when they
    /// could not be read.
    pub alerts: Option<steward_app::alerts::ChangeAlerts>,
}

impl Data {
    pub fn state(&self) -> Option<ChangeState> {
        self.c.record.state.parse().ok()
    }
    /// The page's path, where its forms post.
    pub fn page(&self) -> String {
        conversation::page_path(RecordKind::Change, self.c.record.number)
    }
    /// The viewer raised or requested it (so may not approve it).
    pub fn is_own(&self, ctx: &Ctx) -> bool {
        self.c.record.requester_id == ctx.actor.id || self.c.record.created_by == ctx.actor.id
    }
}

pub async fn load(s: &AppState, ctx: &Ctx, n: &str) -> Result<Data, AppError> {
    let c = s.app.get_change(&ctx.actor, n).await?;
    let number = number(c.record.number);
    let (journal, cis, attachments, watching, links, approval, tasks, groups, risk) = futures_util::try_join!(
        s.app.change_journal(&ctx.actor, &number),
        s.app.incident_cis(&ctx.actor, c.record.id),
        s.app.list_attachments(&ctx.actor, RecordKind::Change, &number),
        s.app.is_watching(&ctx.actor, RecordKind::Change, c.record.id),
        super::record_links::load(s, ctx, RecordKind::Change, &number),
        s.app.change_approval(&ctx.actor, &number),
        s.app.change_tasks(&ctx.actor, &number),
        s.app.list_groups(),
        s.app.risk_questionnaire(&ctx.actor),
    )?;
    let groups = groups.into_iter().map(|g| g.name).collect();
    let planned = c.details.planned_start.is_some() && c.details.planned_end.is_some();
    let open = c.record.state.parse::<ChangeState>().is_ok_and(|s| s.is_open());
    let conflicts = if planned && open { Some(s.app.change_conflicts(&ctx.actor, &number).await) } else { None };
    // The panel is extra: a walk that fails leaves the page without it.
    let ids: Vec<i64> = cis.iter().map(|c| c.id).collect();
    let impact = s.app.impact_of_change_cis(&ctx.actor, &ids).await.ok();
    let alerts = s.app.change_alerts(&ctx.actor, &number).await.ok();
    Ok(Data {
        c,
        number,
        journal,
        cis,
        attachments,
        watching,
        links,
        conflicts,
        approval,
        tasks,
        groups,
        impact,
        risk,
        alerts,
    })
}

/// A state change someone tried, kept to show it again with its messages.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct TransitionDraft {
    pub state: String,
    pub version: String,
    pub close_code: String,
    pub review_notes: String,
    pub cancel_reason: String,
}

/// What only the change page shows again after a refusal.
#[derive(Default)]
pub struct PanelForms {
    /// The approval comment typed and why the approval was refused.
    pub approve: Option<(String, widgets::Errors)>,
    /// The "Add task" form as typed, and why the task was refused.
    pub task: Option<(super::task_list::AddTask, widgets::Errors)>,
}

/// What the page shows besides the change.
pub type View = record_page::View<TransitionDraft, PanelForms>;

/// The change page, for the handlers every kind's page shares.
pub struct ChangePage;

impl RecordPage for ChangePage {
    const KIND: RecordKind = RecordKind::Change;
    const NOTICES: &'static [(&'static str, Label)] = &[
        ("created", &ChgMsg::FlashChangeCreated),
        ("approved", &ChgMsg::FlashApproved),
        ("decided", &ChgMsg::FlashDecided),
        ("rejected", &ChgMsg::FlashRejected),
        ("task_added", &super::task_texts::TaskMsg::FlashTaskAdded),
    ];
    type Draft = TransitionDraft;
    type Own = PanelForms;

    async fn respond(s: &AppState, ctx: &Ctx, n: &str, view: View, status: StatusCode) -> UiResult {
        super::staff_only(ctx)?;
        let d = load(s, ctx, n).await.or_page(ctx)?;
        record_page::page(ctx, &d.number, &d.c.record.title, render(ctx, s, &d, &view), status)
    }

    /// The change's pages are staff's.
    fn may_post(ctx: &Ctx) -> Result<(), Failure> {
        super::staff_only(ctx)
    }
}

fn header(ctx: &Ctx, d: &Data) -> Markup {
    record_page::header(
        ctx,
        record_page::Head {
            crumb: ("/changes?state=open", ctx.t(ChgMsg::ChangesTitle)),
            id: "change",
            number: &d.number,
            record: &d.c.record,
            page: &d.page(),
            watching: d.watching,
            actions: html! {},
            edit: true,
            badges: html! { " " span #change-badges { (change_list::badges(ctx.lang, &d.c)) } },
        },
    )
}

/// A moment in the viewer's zone, or `none` in muted words.
fn moment(ctx: &Ctx, at: Option<i64>, id: &str) -> Markup {
    html! {
        @match at {
            Some(at) => time id=(id) datetime=(fmt::iso(at)) { (fmt::absolute(ctx.lang, at)) },
            None => span.muted id=(id) { "—" },
        }
    }
}

/// The planned and actual windows, in the viewer's zone.
fn window(ctx: &Ctx, d: &Data) -> Markup {
    let det = &d.c.details;
    let zone = i18n::tf(ctx.lang, ChgMsg::TimesIn, &[("zone", fmt::zone_name(&fmt::zone()))]);
    html! {
        section.panel #change-window aria-labelledby="window-title" {
            h2 #window-title { (ctx.t(ChgMsg::WindowTitle)) }
            dl.details {
                dt { (ctx.t(ChgMsg::PlannedWindow)) }
                dd {
                    @if det.planned_start.is_none() && det.planned_end.is_none() {
                        span.muted #planned-window { (ctx.t(ChgMsg::NotPlanned)) }
                    } @else {
                        (moment(ctx, det.planned_start, "planned-start")) " – " (moment(ctx, det.planned_end, "planned-end"))
                    }
                }
                dt { (ctx.t(ChgMsg::ActualWindow)) }
                dd {
                    @if det.actual_start.is_none() {
                        span.muted #actual-window { (ctx.t(ChgMsg::NotStarted)) }
                    } @else {
                        (moment(ctx, det.actual_start, "actual-start")) " – " (moment(ctx, det.actual_end, "actual-end"))
                    }
                }
            }
            p.hint { (zone) }
        }
    }
}

fn plans(ctx: &Ctx, d: &Data) -> Markup {
    let det = &d.c.details;
    let plan = |label: ChgMsg, text: &Option<String>, id: &str| {
        html! {
            h3 { (ctx.t(label)) }
            (record_page::text_or(ctx, text.as_deref(), ChgMsg::NoPlan, id))
        }
    };
    html! {
        section.panel #plans aria-labelledby="plans-title" {
            h2 #plans-title { (ctx.t(ChgMsg::PlansTitle)) }
            (plan(ChgMsg::ImplementationPlan, &det.implementation_plan, "implementation-plan"))
            (plan(ChgMsg::BackoutPlan, &det.backout_plan, "backout-plan"))
            (plan(ChgMsg::TestPlan, &det.test_plan, "test-plan"))
        }
    }
}

/// The risk: level, score and CAB need, and each question with its answer.
fn risk(ctx: &Ctx, d: &Data) -> Markup {
    let lang = ctx.lang;
    let det = &d.c.details;
    let q = &d.risk;
    let answers = d.c.risk_answers();
    let level = det.risk_level.as_deref().and_then(|l| l.parse().ok());
    let pick = |en: &str, pl: &str| if lang == i18n::Lang::Pl { pl.to_owned() } else { en.to_owned() };
    html! {
        section.panel #risk aria-labelledby="risk-title" {
            h2 #risk-title { (ctx.t(ChgMsg::RiskTitle)) }
            @match (level, det.risk_score) {
                (Some(l), Some(score)) => p #risk-result {
                    strong { (i18n::tf(lang, ChgMsg::RiskOf, &[("level", change_texts::risk_level(lang, l)), ("score", &score.to_string())])) }
                    " · " span #risk-cab { (ctx.t(if d.c.needs_cab() == Some(true) { ChgMsg::NeedsCab } else { ChgMsg::NoCab })) }
                },
                _ => p.muted #risk-result { (ctx.t(ChgMsg::RiskNotAssessed)) },
            }
            p.muted { a #risk-how href=(super::change_risk::PATH) { (ctx.t(RiskMsg::Link)) } }
            @if !answers.is_empty() {
                dl.details #risk-answers {
                    @for question in &q.questions {
                        @if let Some(a) = answers.get(&question.key) {
                            dt { (pick(&question.text_en, &question.text_pl)) }
                            dd { (question.answers.iter().find(|x| x.key == *a).map_or_else(|| a.clone(), |x| pick(&x.text_en, &x.text_pl))) }
                        }
                    }
                    // Answers to questions the questionnaire has dropped since.
                    @for (key, a) in answers.iter().filter(|(k, _)| !q.questions.iter().any(|x| x.key == **k)) {
                        dt { (key) } dd { (a) }
                    }
                }
            }
        }
    }
}

/// How it ended: the close code and review notes, or why it was cancelled.
fn review(ctx: &Ctx, d: &Data) -> Markup {
    let r = &d.c.record;
    let det = &d.c.details;
    let code = r.resolution_code.as_deref().and_then(|c| c.parse().ok()).map(|c| change_texts::close_code(ctx.lang, c));
    html! {
        @if code.is_some() || det.review_notes.is_some() {
            section.panel.resolution #review aria-labelledby="review-title" {
                h2 #review-title { (ctx.t(ChgMsg::ReviewTitle)) @if let Some(c) = code { ": " span #close-code { (c) } } }
                @if let Some(n) = &det.review_notes { div.prose #review-notes { (n) } }
            }
        }
        @if let Some(reason) = &det.cancel_reason {
            section.panel.resolution #cancel-reason aria-labelledby="cancel-title" {
                h2 #cancel-title { (ctx.t(ChgMsg::CancelReason)) }
                div.prose { (reason) }
            }
        }
    }
}

pub fn render(ctx: &Ctx, s: &AppState, d: &Data, v: &View) -> Markup {
    let page = d.page();
    let main = html! {
        (record_page::description(ctx, &d.c.record.description, "change-description"))
        (window(ctx, d))
        (change_conflicts::panel(ctx, d))
        (super::change_impact::panel(ctx, d))
        (super::task_list::section(ctx, d, v))
        (plans(ctx, d))
        (risk(ctx, d))
        (review(ctx, d))
        (record_page::activity(ctx, s, &page, &d.journal, &ChgMsg::EvChangeCreated, &[], &v.draft))
    };
    let side = html! {
        (change_side::actions(ctx, d, v))
        (change_side::approval(ctx, d, v))
        (change_side::details(ctx, d))
        (super::change_alerts::panel(ctx, d))
        (conversation::files(ctx, s, &page, &d.attachments, Some(&v.upload_error)))
        (super::record_links::panel(ctx, RecordKind::Change, d.c.record.number, &d.links, &[], &v.link))
    };
    html! {
        (header(ctx, d))
        (record_page::columns(ctx, &page, v, main, side))
    }
}
