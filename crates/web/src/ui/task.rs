//! `/tasks/{number}`: a change task's page. Its change, step, group and
//! assignee, planned start and end, how it ended; the moves its state
//! allows (closing asks for the close code), what it waits for, and its
//! activity with the comment box. Refused posts render it again through
//! [`TaskPage`]'s `respond`.

use super::task_texts::{self, TaskMsg};
use super::{
    Ctx, Failure, OrPage, UiResult, conversation, fmt,
    record_actions::{Refused, StateChange},
    record_form::opt,
    record_page::{self, RecordPage},
    state_moves::{self, Mover},
    widgets,
};
use crate::{
    AppState,
    i18n::{self, Label, Msg},
};
use axum::http::StatusCode;
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::{
    AppError, FieldError,
    tasks::{Task, TaskTransitionInput, number},
};
use steward_domain::{
    Lifecycle,
    number::RecordKind,
    task::{TaskCloseCode, TaskState, can_edit_task},
};
use steward_store::journal::Entry;

/// Everything the page shows of one task.
pub struct Data {
    pub t: Task,
    pub number: String,
    pub journal: Vec<Entry>,
}

impl Data {
    fn page(&self) -> String {
        conversation::page_path(RecordKind::Task, self.t.record.number)
    }
}

pub async fn load(s: &AppState, ctx: &Ctx, n: &str) -> Result<Data, AppError> {
    let t = s.app.get_task(&ctx.actor, n).await?;
    let number = number(t.record.number);
    let journal = s.app.task_journal(&ctx.actor, &number).await?;
    Ok(Data { t, number, journal })
}

/// A move someone tried, kept to show it again with its messages.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct TaskMove {
    pub state: String,
    pub version: String,
    pub close_code: String,
    pub close_notes: String,
}

pub type View = record_page::View<TaskMove, ()>;

/// The task page, for the handlers every kind's page shares.
pub struct TaskPage;

impl RecordPage for TaskPage {
    const KIND: RecordKind = RecordKind::Task;
    const NOTICES: &'static [(&'static str, Label)] = &[];
    type Draft = TaskMove;
    type Own = ();

    async fn respond(s: &AppState, ctx: &Ctx, n: &str, view: View, status: StatusCode) -> UiResult {
        super::staff_only(ctx)?;
        let d = load(s, ctx, n).await.or_page(ctx)?;
        record_page::page(ctx, &d.number, &d.t.record.title, render(ctx, s, &d, &view), status)
    }

    fn may_post(ctx: &Ctx) -> Result<(), Failure> {
        super::staff_only(ctx)
    }
}

impl StateChange for TaskPage {
    async fn change(s: &AppState, ctx: &Ctx, n: &str, f: &TaskMove) -> Result<i64, AppError> {
        let input = TaskTransitionInput {
            state: f.state.clone(),
            close_code: opt(&f.close_code),
            close_notes: opt(&f.close_notes),
        };
        Ok(s.app.transition_task(&ctx.actor, n, f.version.trim().parse().ok(), input).await?.record.number)
    }

    fn refused(ctx: &Ctx, f: TaskMove, refused: Refused) -> View {
        let mut view = View::default();
        match refused {
            Refused::Fields(errs) => view.transition = Some((f, super::desk::errors(errs))),
            Refused::Move(m) => view.transition = Some((f, super::desk::errors(vec![FieldError::new("state", m)]))),
            Refused::Stale => view.alert = Some((ctx.t(TaskMsg::StaleTask).to_owned(), true)),
        }
        view
    }
}

/// The state's words as a badge.
pub fn state_badge(ctx: &Ctx, state: &str) -> Markup {
    let label = state.parse::<TaskState>().map_or(state, |s| task_texts::state(ctx.lang, s));
    html! { span class={ "badge state state-" (state) } { (label) } }
}

/// "Blocked" with what it waits for.
pub fn blocked_badge(ctx: &Ctx, t: &Task) -> Markup {
    let waits: Vec<String> = t.blocked_by.iter().map(|n| number(*n)).collect();
    let tip = i18n::tf(ctx.lang, TaskMsg::WaitsFor, &[("tasks", &waits.join(", "))]);
    html! { @if t.is_blocked() { span.badge.blocked title=(tip) { (ctx.t(TaskMsg::Blocked)) } } }
}

fn header(ctx: &Ctx, d: &Data) -> Markup {
    let r = &d.t.record;
    let change = d.t.change_number();
    html! {
        div.incident-head {
            nav.crumbs aria-label="Breadcrumb" {
                a href="/changes?state=open" { (ctx.t(super::change_texts::ChgMsg::ChangesTitle)) } " / "
                a href={ "/changes/" (change) "#tasks" } { (change) } " / " span { (d.number) }
            }
            div.head-row { h1 { span.num { (d.number) } " " span #task-title { (r.title) } } }
            div.head-badges {
                span #task-state { (state_badge(ctx, &r.state)) }
                (widgets::priority_badge(ctx.lang, r.priority)) " " (blocked_badge(ctx, &d.t))
                span.head-meta {
                    (r.requester_name.as_deref().unwrap_or("")) " · " (ctx.t(Msg::Opened)) " "
                    (widgets::time(ctx.lang, r.opened_at, fmt::now_micros()))
                }
            }
        }
    }
}

/// A moment in the viewer's zone, or a dash.
fn moment(ctx: &Ctx, at: Option<i64>) -> Markup {
    html! {
        @match at {
            Some(at) => time datetime=(fmt::iso(at)) { (fmt::absolute(ctx.lang, at)) },
            None => span.muted { "—" },
        }
    }
}

fn details(ctx: &Ctx, d: &Data) -> Markup {
    let (r, det) = (&d.t.record, &d.t.details);
    let change = d.t.change_number();
    let code = r.resolution_code.as_deref().and_then(|c| c.parse().ok()).map(|c| task_texts::close_code(ctx.lang, c));
    html! {
        section.panel aria-labelledby="details-title" {
            h2 #details-title { (ctx.t(Msg::Details)) }
            dl.details {
                dt { (ctx.t(TaskMsg::Change)) } dd { a #task-change href={ "/changes/" (change) } { (change) } }
                dt { (ctx.t(TaskMsg::Step)) } dd #task-step { (det.step) }
                dt { (ctx.t(Msg::Group)) } dd #task-group { (r.group_name.as_deref().unwrap_or(ctx.t(Msg::Empty))) }
                dt { (ctx.t(TaskMsg::Assignee)) } dd #task-assignee { (r.assignee_name.as_deref().unwrap_or(ctx.t(Msg::Unassigned))) }
                dt { (ctx.t(TaskMsg::PlannedStart)) } dd { (moment(ctx, det.planned_start)) }
                dt { (ctx.t(TaskMsg::PlannedEnd)) } dd { (moment(ctx, det.planned_end)) }
                @if let Some(c) = code { dt { (ctx.t(TaskMsg::CloseCode)) } dd #task-close-code { (c) } }
                @if let Some(n) = &det.close_notes { dt { (ctx.t(TaskMsg::CloseNotes)) } dd #task-close-notes { (n) } }
                @if r.closed_at.is_some() { dt { (ctx.t(Msg::ClosedAt)) } dd { (moment(ctx, r.closed_at)) } }
            }
        }
    }
}

/// The button text for a move.
fn verb(ctx: &Ctx, from: TaskState, to: TaskState) -> &'static str {
    ctx.t(match (from, to) {
        (_, TaskState::InProgress) => TaskMsg::ActStart,
        (_, TaskState::Closed) => TaskMsg::ActClose,
        (_, TaskState::Cancelled) => TaskMsg::ActCancel,
        (_, _) => TaskMsg::ActPutBack,
    })
}

/// The moves the state allows this viewer; closing asks for the close code
/// and notes; a refusal (it waits for an earlier step) is said above them.
fn actions(ctx: &Ctx, d: &Data, v: &View) -> Markup {
    let lang = ctx.lang;
    let page = d.page();
    let m = Mover { ctx, page: &page, version: d.t.record.version };
    let moves = state_moves::moves(d.t.state(), |_, _| can_edit_task(ctx.actor.role).is_ok());
    let buttons: Vec<Markup> = moves
        .iter()
        .map(|(from, to)| {
            if *to != TaskState::Closed {
                let class = if *to == TaskState::Cancelled { "btn-danger-quiet" } else { "" };
                return m.button(to.as_str(), verb(ctx, *from, *to), class, None);
            }
            let t = state_moves::tried(&v.transition, to.as_str(), |t| t.state.as_str());
            let [code_id, notes_id] = state_moves::field_ids(to.as_str(), ["code", "notes"]);
            let codes = state_moves::choose_one(
                ctx,
                TaskCloseCode::ALL.iter().map(|c| (c.as_str().to_owned(), task_texts::close_code(lang, *c).to_owned())),
            );
            let notes = widgets::Field::new(lang, &notes_id, "close_notes", ctx.t(TaskMsg::CloseNotes), &t.errors);
            let fields = html! {
                (t.required(lang, &code_id, "close_code", ctx.t(TaskMsg::CloseCode)).select(&codes, &t.draft.close_code))
                (notes.textarea(&t.draft.close_notes, 3))
                @for e in t.errors.others(&["close_code", "close_notes"]) {
                    p.field-error { (i18n::field(lang, &e.field)) ": " (i18n::app_message(lang, e)) }
                }
            };
            m.with_fields(to.as_str(), verb(ctx, *from, *to), "", t.open, fields)
        })
        .collect();
    let refusal = html! {
        @if let Some((t, errors)) = &v.transition {
            @if t.state != "closed" {
                div.notice.error role="alert" #state-error {
                    @for e in &errors.0 { p { (i18n::field(lang, &e.field)) ": " (i18n::app_message(lang, e)) } }
                }
            }
        }
    };
    let waits: Vec<String> = d.t.blocked_by.iter().map(|n| number(*n)).collect();
    let hint = html! {
        @if d.t.state().is_some_and(|s| s.is_open()) && !waits.is_empty() {
            p.hint #task-waits { (i18n::tf(lang, TaskMsg::WaitsFor, &[("tasks", &waits.join(", "))])) }
        }
    };
    state_moves::panel(ctx, TaskMsg::NoMoves, &buttons, refusal, hint)
}

pub fn render(ctx: &Ctx, s: &AppState, d: &Data, v: &View) -> Markup {
    let page = d.page();
    let main = html! {
        (record_page::description(ctx, &d.t.record.description, "task-description"))
        (record_page::activity(ctx, s, &page, &d.journal, &TaskMsg::EvTaskCreated, &[], &v.draft))
    };
    let side = html! {
        (actions(ctx, d, v))
        (details(ctx, d))
    };
    html! {
        (header(ctx, d))
        (record_page::columns(ctx, &page, v, main, side))
    }
}
