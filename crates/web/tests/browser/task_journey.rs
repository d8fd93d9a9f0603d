//! Change tasks in a real browser: on a change being implemented with a
//! first-step task, the agent adds a second-step task from the change
//! page (a step of 0 refused beside the field, what was typed kept), sees
//! it marked blocked, is refused the review while tasks are open and the
//! blocked task's start (naming what it waits for), writes a work note on
//! the first task, closes both in order with their close codes, and moves
//! the change to review.

use crate::cmdb_journey::sign_in;
use crate::journey::{choose, click, fill, go, path, text, wait};
use crate::{driver, server};
use fantoccini::Client;
use futures_util::FutureExt;
use std::panic::AssertUnwindSafe;
use steward_app::{
    changes::{ChangeTransitionInput, NewChange, number},
    tasks::NewTask,
};

/// A standard change being implemented, with a first-step task of the
/// Network group already added: the change's number.
async fn implementing(t: &server::TestServer) -> String {
    let (agent, _) = t.app.login("agent", server::PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    let (admin, _) = t.app.login("admin", server::PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    let template = steward_app::change_templates::NewTemplate { name: "Replace a router".into(), ..Default::default() };
    let template = t.app.add_change_template(&admin, template).await.unwrap().row.id;
    let n = NewChange {
        title: "Replace the core router".into(),
        change_type: Some("standard".into()),
        template: Some(template),
        planned_start: Some("2030-04-01T20:00:00Z".into()),
        planned_end: Some("2030-04-01T23:00:00Z".into()),
        ..NewChange::default()
    };
    let mut c = t.app.create_change(&agent, n).await.unwrap();
    for state in ["scheduled", "implementing"] {
        let to = ChangeTransitionInput { state: state.into(), ..Default::default() };
        c = t.app.transition_change(&agent, &number(c.record.number), Some(c.record.version), to).await.unwrap();
    }
    let chg = number(c.record.number);
    let first = NewTask {
        title: "Rack the new router".into(),
        step: Some(1),
        assignment_group: Some("Network".into()),
        ..NewTask::default()
    };
    t.app.create_task(&agent, &chg, first).await.unwrap();
    chg
}

async fn journey(c: &Client, t: &server::TestServer) {
    let chg = implementing(t).await;
    sign_in(c, t, "agent").await;
    c.goto(&t.url(&format!("/changes/{chg}"))).await.unwrap();
    assert!(text(c, "#change-tasks").await.contains("Rack the new router"));

    // Add the second step's task; a step of 0 is refused beside it first.
    click(c, "#add-task").await;
    fill(c, "#new-task-title", "Move the uplinks").await;
    fill(c, "#new-task-step", "0").await;
    choose(c, "#new-task-group", "Service Desk").await;
    go(c, "#submit-task").await;
    assert!(text(c, "#new-task-step-error").await.contains("between 1 and 999"));
    assert_eq!(wait(c, "#new-task-title").await.prop("value").await.unwrap().as_deref(), Some("Move the uplinks"));
    fill(c, "#new-task-step", "2").await;
    go(c, "#submit-task").await;
    assert_eq!(path(c).await, format!("/changes/{chg}"));
    assert!(text(c, ".notice.success").await.contains("Task added"));
    let row = text(c, "#task-TASK0000002").await;
    assert!(row.contains("Move the uplinks") && row.contains("Service Desk") && row.contains("Blocked"), "{row}");

    // The review waits for the tasks.
    c.goto(&t.url(&format!("/changes/{chg}"))).await.unwrap();
    go(c, "#to-review").await;
    assert!(text(c, "#state-error").await.contains("open task"), "the review is refused");

    // The second step cannot start before the first is done.
    go(c, "#task-TASK0000002 a[href='/tasks/TASK0000002']").await;
    assert_eq!(text(c, "#task-state").await, "Open");
    assert!(text(c, "#task-waits").await.contains("TASK0000001"));
    go(c, "#to-in_progress").await;
    assert!(text(c, "#state-error").await.contains("waits for TASK0000001"));

    // The first step: a work note, then started and closed complete.
    c.goto(&t.url("/tasks/TASK0000001")).await.unwrap();
    fill(c, "#comment-body", "The router arrived; rack space in row B is free.").await;
    click(c, "input[name='visibility'][value='internal']").await;
    go(c, "#send-comment").await;
    let note = text(c, ".timeline li.entry-work_note:last-child").await;
    assert!(note.contains("rack space in row B"), "{note}");
    go(c, "#to-in_progress").await;
    assert_eq!(text(c, "#task-state").await, "In progress");
    click(c, "#panel-closed summary").await;
    choose(c, "#closed-code", "complete").await;
    fill(c, "#closed-notes", "Racked and cabled in row B.").await;
    go(c, "#submit-closed").await;
    assert_eq!(text(c, "#task-state").await, "Closed");
    assert_eq!(text(c, "#task-close-code").await, "Complete");

    // The second: now free to start, closed as well.
    c.goto(&t.url("/tasks/TASK0000002")).await.unwrap();
    go(c, "#to-in_progress").await;
    click(c, "#panel-closed summary").await;
    choose(c, "#closed-code", "complete").await;
    go(c, "#submit-closed").await;
    assert_eq!(text(c, "#task-state").await, "Closed");

    // The change moves to review.
    go(c, "#task-change").await;
    go(c, "#to-review").await;
    assert_eq!(text(c, "#change-state").await, "Review");
    let entries = text(c, ".timeline").await;
    assert!(entries.contains("TASK0000002 closed: complete"), "the change's journal notes it: {entries}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_is_added_on_the_change_page_closed_and_the_change_reviewed() {
    let t = server::spawn().await;
    let b = driver::start().await;
    let outcome = AssertUnwindSafe(journey(&b.client, &t)).catch_unwind().await;
    b.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
