//! The JSON shapes of change tasks.

use super::dto::{Ref, opt_time, patch, time};
use serde::{Deserialize, Serialize};
use steward_app::{
    incidents::Patch,
    tasks::{NewTask, Task, TaskPatch, TaskTransitionInput},
};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct TaskJson {
    /// e.g. TASK0000042
    pub number: String,
    /// The change it belongs to, e.g. CHG0000042.
    pub change: String,
    /// 1, 2, …: tasks of one step run in parallel; a step starts when
    /// the steps before it are done.
    #[schema(minimum = 1, maximum = 999)]
    pub step: i64,
    pub title: String,
    pub description: String,
    #[schema(value_type = super::schema::TaskState)]
    pub state: String,
    /// Set when closed.
    #[schema(value_type = Option<super::schema::TaskCloseCode>)]
    pub close_code: Option<String>,
    pub close_notes: Option<String>,
    /// 1 (P1) … 5 (P5): the change's.
    #[schema(minimum = 1, maximum = 5)]
    pub priority: i64,
    pub assignment_group: Option<Ref>,
    pub assignee: Option<Ref>,
    /// Who added it.
    pub requester: Ref,
    pub planned_start: Option<String>,
    pub planned_end: Option<String>,
    /// The open tasks of an earlier step it waits for (numbers); it
    /// starts when there are none.
    pub blocked_by: Vec<String>,
    /// It is open and waits for an earlier step.
    pub blocked: bool,
    pub opened_at: String,
    /// When work on it began.
    pub started_at: Option<String>,
    pub closed_at: Option<String>,
    pub updated_at: String,
    /// Send it back with a change (body `version` or `If-Match`).
    pub version: i64,
}

fn reference(id: Option<i64>, name: &Option<String>) -> Option<Ref> {
    id.map(|id| Ref { id, name: name.clone().unwrap_or_default() })
}

impl From<Task> for TaskJson {
    fn from(t: Task) -> Self {
        let (blocked, change) = (t.is_blocked(), t.change_number());
        let blocked_by = t.blocked_by.iter().map(|n| steward_app::tasks::number(*n)).collect();
        let (r, d) = (t.record, t.details);
        Self {
            number: steward_app::tasks::number(r.number),
            change,
            step: d.step,
            requester: Ref { id: r.requester_id, name: r.requester_name.clone().unwrap_or_default() },
            assignment_group: reference(r.assignment_group_id, &r.group_name),
            assignee: reference(r.assignee_id, &r.assignee_name),
            planned_start: opt_time(d.planned_start),
            planned_end: opt_time(d.planned_end),
            opened_at: time(r.opened_at),
            started_at: opt_time(r.first_response_at),
            closed_at: opt_time(r.closed_at),
            updated_at: time(r.updated_at),
            title: r.title,
            description: r.description,
            state: r.state,
            close_code: r.resolution_code,
            close_notes: d.close_notes,
            priority: r.priority,
            blocked_by,
            blocked,
            version: r.version,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTaskJson {
    pub title: String,
    pub description: Option<String>,
    /// 1 (the default) to 999.
    #[schema(minimum = 1, maximum = 999)]
    pub step: Option<i64>,
    /// The group that carries it out (its name).
    pub assignment_group: String,
    /// Someone in the group (a username).
    pub assignee: Option<String>,
    /// RFC 3339 (or a date).
    pub planned_start: Option<String>,
    /// RFC 3339 (or a date); after `planned_start`.
    pub planned_end: Option<String>,
}

impl From<NewTaskJson> for NewTask {
    fn from(j: NewTaskJson) -> Self {
        NewTask {
            title: j.title,
            description: j.description,
            step: j.step,
            assignment_group: Some(j.assignment_group),
            assignee: j.assignee,
            planned_start: j.planned_start,
            planned_end: j.planned_end,
        }
    }
}

/// Absent keeps a field, `null` (or blank) clears it, a value sets it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskPatchJson {
    /// The version you read; or send `If-Match`.
    pub version: Option<i64>,
    pub title: Option<String>,
    pub description: Option<String>,
    #[schema(minimum = 1, maximum = 999)]
    pub step: Option<i64>,
    /// A task always has a group: it may be changed, not cleared.
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub assignment_group: Patch<String>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub assignee: Patch<String>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub planned_start: Patch<String>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub planned_end: Patch<String>,
}

impl TaskPatchJson {
    pub fn split(self) -> (Option<i64>, TaskPatch) {
        (
            self.version,
            TaskPatch {
                title: self.title,
                description: self.description,
                step: self.step,
                assignment_group: self.assignment_group,
                assignee: self.assignee,
                planned_start: self.planned_start,
                planned_end: self.planned_end,
            },
        )
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskTransitionJson {
    /// The target state.
    #[schema(value_type = super::schema::TaskState)]
    pub state: String,
    /// Required for closed.
    #[schema(value_type = Option<super::schema::TaskCloseCode>)]
    pub close_code: Option<String>,
    /// Closing only.
    pub close_notes: Option<String>,
    pub version: Option<i64>,
}

impl TaskTransitionJson {
    pub fn split(self) -> (Option<i64>, TaskTransitionInput) {
        (
            self.version,
            TaskTransitionInput { state: self.state, close_code: self.close_code, close_notes: self.close_notes },
        )
    }
}
