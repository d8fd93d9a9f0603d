//! Change tasks in the UI: the Tasks section of the change page (step,
//! number, title, group, assignee, state, blocked tasks marked, and the
//! "Add task" form), `/tasks` (the open tasks of my groups, or mine: the
//! changes area's, no navigation entry of its own), and the routes of the
//! task page.

use super::change::{Data as ChangeData, View as ChangeView};
use super::change_texts::ChgMsg;
use super::task_texts::TaskMsg;
use super::{
    Ctx, OrPage, UiResult, layout, record_actions,
    record_form::opt,
    record_page::{self, RecordPage},
    see_other, task, widgets,
};
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
    AppError,
    tasks::{NewTask, Queue, Task, number},
};
use steward_domain::{change::ChangeState, task::can_add_task};

/// The tasks' pages and posts; their navigation is the changes'.
pub const AREA: super::area::Area = super::area::Area { routes, nav: &[] };

fn routes() -> axum::Router<AppState> {
    use axum::{
        extract::DefaultBodyLimit,
        routing::{get, post},
    };
    axum::Router::new()
        .route("/tasks", get(queue))
        .route("/changes/{number}/tasks", post(add))
        .route("/tasks/{number}", get(record_page::show::<task::TaskPage>))
        .route("/tasks/{number}/state", post(record_actions::transition::<task::TaskPage>))
        .route(
            "/tasks/{number}/comments",
            post(record_actions::comment::<task::TaskPage>).layer(DefaultBodyLimit::disable()),
        )
}

/// The "Add task" form as typed.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct AddTask {
    pub title: String,
    pub description: String,
    pub step: String,
    pub assignment_group: String,
    pub assignee: String,
    /// `datetime-local` values, in the viewer's zone.
    pub planned_start: String,
    pub planned_end: String,
}

impl AddTask {
    /// The task as the use case takes it, or the messages the form itself
    /// finds (a step or a time it cannot read).
    fn to_new(&self) -> Result<NewTask, Vec<steward_app::FieldError>> {
        let mut errors = Vec::new();
        // A step that is not a whole number is refused as one out of range.
        let step = match self.step.trim() {
            "" => None,
            v => Some(v.parse::<i64>().unwrap_or(0)),
        };
        let mut read = |field: &str, v: &str| match super::as_of::local(v) {
            Ok(at) => at.map(super::fmt::iso),
            Err(m) => {
                errors.push(steward_app::FieldError::new(field, m));
                None
            }
        };
        let (planned_start, planned_end) =
            (read("planned_start", &self.planned_start), read("planned_end", &self.planned_end));
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(NewTask {
            title: self.title.clone(),
            description: opt(&self.description),
            step,
            assignment_group: opt(&self.assignment_group),
            assignee: opt(&self.assignee),
            planned_start,
            planned_end,
        })
    }
}

/// Adds a task from the change page: back to its Tasks section, or the
/// page again with the form and its messages.
pub async fn add(State(s): State<AppState>, ctx: Ctx, Path(n): Path<String>, Form(f): Form<AddTask>) -> UiResult {
    super::staff_only(&ctx)?;
    let result = match f.to_new() {
        Ok(new) => s.app.create_task(&ctx.actor, &n, new).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    let errors = match result {
        Ok(t) => return see_other(&format!("/changes/{}?m=task_added#tasks", t.change_number())),
        Err(AppError::Invalid(errors)) => errors,
        Err(e) => return Err(ctx.fail(e)),
    };
    let mut view = ChangeView::default();
    view.own.task = Some((f, super::desk::errors(errors)));
    super::change::ChangePage::respond(&s, &ctx, &n, view, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// One task as a row: step, number, title, group, assignee, state.
fn row(ctx: &Ctx, t: &Task, with_change: bool) -> Markup {
    let r = &t.record;
    let n = number(r.number);
    let waits: Vec<String> = t.blocked_by.iter().map(|b| number(*b)).collect();
    html! {
        tr.task-blocked[t.is_blocked()] #{ "task-" (n) } {
            @if with_change { td { a href={ "/changes/" (t.change_number()) } { (t.change_number()) } } }
            td.task-step { (t.details.step) }
            td { a href={ "/tasks/" (n) } { (n) } }
            td { (r.title) }
            td { (r.group_name.as_deref().unwrap_or("—")) }
            td { (r.assignee_name.as_deref().unwrap_or(ctx.t(Msg::Unassigned))) }
            td {
                (task::state_badge(ctx, &r.state))
                @if t.is_blocked() {
                    " " span.badge.blocked title=(i18n::tf(ctx.lang, TaskMsg::WaitsFor, &[("tasks", &waits.join(", "))])) {
                        (ctx.t(TaskMsg::Blocked))
                    }
                }
            }
        }
    }
}

fn table(ctx: &Ctx, tasks: &[Task], with_change: bool, id: &str) -> Markup {
    html! {
        div.table-wrap {
            table.list #(id) {
                thead {
                    tr {
                        @if with_change { th scope="col" { (ctx.t(TaskMsg::Change)) } }
                        th scope="col" { (ctx.t(TaskMsg::Step)) }
                        th scope="col" { (ctx.t(TaskMsg::Number)) }
                        th scope="col" { (ctx.t(TaskMsg::TaskTitle)) }
                        th scope="col" { (ctx.t(Msg::Group)) }
                        th scope="col" { (ctx.t(TaskMsg::Assignee)) }
                        th scope="col" { (ctx.t(TaskMsg::State)) }
                    }
                }
                tbody { @for t in tasks { (row(ctx, t, with_change)) } }
            }
        }
    }
}

/// The change page's Tasks section: the tasks in step order, and the form
/// that adds one while the change's work is still ahead.
pub fn section(ctx: &Ctx, d: &ChangeData, v: &ChangeView) -> Markup {
    let lang = ctx.lang;
    let open = d.c.record.state.parse::<ChangeState>().is_ok_and(|s| can_add_task(s).is_ok());
    let (typed, errors) = v.own.task.clone().unwrap_or_default();
    // Ids of their own: the page has other forms.
    let field = |name: &'static str, label: &'static str| {
        let id: &'static str = match name {
            "title" => "new-task-title",
            "step" => "new-task-step",
            "assignment_group" => "new-task-group",
            "assignee" => "new-task-assignee",
            "planned_start" => "new-task-start",
            "planned_end" => "new-task-end",
            _ => "new-task-description",
        };
        widgets::Field::new(lang, id, name, label, &errors)
    };
    let mut groups = vec![(String::new(), ctx.t(Msg::ChooseOne).to_owned())];
    groups.extend(d.groups.iter().map(|g| (g.clone(), g.clone())));
    let time = |id: &'static str, label| widgets::Field { kind: Some("datetime-local"), ..field(id, ctx.t(label)) };
    html! {
        section.panel #tasks aria-labelledby="tasks-title" {
            h2 #tasks-title { (ctx.t(TaskMsg::TasksTitle)) }
            @if d.tasks.is_empty() { p.muted #no-tasks { (ctx.t(TaskMsg::NoTasks)) } }
            @else { (table(ctx, &d.tasks, false, "change-tasks")) }
            @if open {
                details.add-task open[v.own.task.is_some()] {
                    summary.btn #add-task { (ctx.t(TaskMsg::AddTask)) }
                    form method="post" action={ "/changes/" (d.number) "/tasks" } #add-task-form {
                        (widgets::csrf(&ctx.csrf))
                        p.hint { (ctx.t(TaskMsg::AddTaskHint)) }
                        (widgets::Field { required: true, ..field("title", ctx.t(Msg::Title)) }.input(&typed.title))
                        div.field-row {
                            (widgets::Field { kind: Some("number"), hint: Some(ctx.t(TaskMsg::StepHint)), ..field("step", ctx.t(TaskMsg::Step)) }
                                .input(if typed.step.is_empty() { "1" } else { &typed.step }))
                            (widgets::Field { required: true, ..field("assignment_group", ctx.t(Msg::Group)) }.select(&groups, &typed.assignment_group))
                        }
                        (widgets::Field { hint: Some(ctx.t(Msg::AssigneeHint)), ..field("assignee", ctx.t(TaskMsg::Assignee)) }.input(&typed.assignee))
                        div.field-row {
                            (time("planned_start", TaskMsg::PlannedStart).input(&typed.planned_start))
                            (time("planned_end", TaskMsg::PlannedEnd).input(&typed.planned_end))
                        }
                        (field("description", ctx.t(Msg::Description)).textarea(&typed.description, 3))
                        @for e in errors.others(&["title", "step", "assignment_group", "assignee", "planned_start", "planned_end", "description"]) {
                            p.field-error role="alert" { (i18n::field(lang, &e.field)) ": " (i18n::app_message(lang, e)) }
                        }
                        button.btn.btn-primary type="submit" #submit-task { (ctx.t(TaskMsg::AddTask)) }
                    }
                }
            }
            p { a href="/tasks" #my-tasks { (ctx.t(TaskMsg::MyTasksTitle)) } }
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct QueueQuery {
    /// `group` (the default) or `me`.
    assigned: String,
}

/// The queue's tasks as a file (`csv` or `xlsx`): the API's export of
/// the same queue, every task of it.
fn export_link(which: Queue, format: &str) -> String {
    format!("/api/v1/tasks/export.{format}?assigned={}", which.as_str())
}

/// `/tasks`: the open tasks of my groups, or assigned to me.
pub async fn queue(State(s): State<AppState>, ctx: Ctx, Query(q): Query<QueueQuery>) -> UiResult {
    super::staff_only(&ctx)?;
    let which = Queue::parse(&q.assigned).unwrap_or_default();
    let tasks = s.app.task_queue(&ctx.actor, which).await.or_page(&ctx)?;
    let tab = |w: Queue, label: TaskMsg| {
        let href = format!("/tasks?assigned={}", w.as_str());
        html! { a.tab href=(href) aria-current=[(w == which).then_some("page")] { (ctx.t(label)) } }
    };
    let body = html! {
        div.page-head {
            nav.crumbs aria-label="Breadcrumb" { a href="/changes?state=open" { (ctx.t(ChgMsg::ChangesTitle)) } }
            h1 { (ctx.t(TaskMsg::MyTasksTitle)) }
            div.actions {
                (super::record_list::export_buttons(&ctx, |f| export_link(which, f), ctx.t(TaskMsg::ExportHint)))
                " "
                (super::record_list::save_button(&ctx, &super::record_list::save_link("tasks", &format!("assigned={}", which.as_str()))))
            }
        }
        nav.tabs aria-label=(ctx.t(TaskMsg::TaskQueues)) { (tab(Queue::Group, TaskMsg::QueueGroups)) " " (tab(Queue::Me, TaskMsg::QueueMe)) }
        p.hint { (ctx.t(TaskMsg::QueueHint)) }
        @if tasks.is_empty() { p.muted #no-queue-tasks { (ctx.t(TaskMsg::NoQueueTasks)) } }
        @else { (table(&ctx, &tasks, true, "task-queue")) }
    };
    Ok(super::html(StatusCode::OK, layout::page(&ctx, ctx.t(TaskMsg::MyTasksTitle), body)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_export_links_name_the_queue_shown() {
        assert_eq!(export_link(Queue::Me, "csv"), "/api/v1/tasks/export.csv?assigned=me");
        assert_eq!(export_link(Queue::Group, "xlsx"), "/api/v1/tasks/export.xlsx?assigned=group");
    }
}
