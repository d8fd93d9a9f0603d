//! Change tasks over HTTP: added to a change and listed in step order,
//! the steps kept in order (a task waits for the open tasks of earlier
//! steps, naming them), the change's review refused while a task is open
//! and allowed once none is, a cancelled change's open tasks cancelled
//! with it, the queues, and every bad input with the field it names and
//! nothing stored.

use crate::both;
use crate::helpers::*;
use serde_json::{Value, json};

const START: &str = "2030-03-10T22:00:00Z";
const END: &str = "2030-03-11T02:00:00Z";

/// A standard change scheduled and being implemented (version 4).
async fn implementing(t: &TestApp) -> String {
    // Names are unique among active templates: one per change here.
    static MADE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let k = MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let template = t.change_template(&format!("Patch the web farm {k}"), json!({})).await;
    let body = json!({"title": "Patch the web farm", "change_type": "standard", "template": template,
        "planned_start": START, "planned_end": END});
    let r = t.post("/api/v1/changes", &t.agent, body).await;
    assert_eq!(r.status(), 201);
    let n = num(&r.json::<Value>().await.unwrap());
    for (v, state) in [(1, "scheduled"), (2, "implementing")] {
        let r =
            t.post(&format!("/api/v1/changes/{n}/transition"), &t.agent, json!({"version": v, "state": state})).await;
        assert_eq!(r.status(), 200, "{state}: {}", r.text().await.unwrap());
    }
    n
}

async fn add(t: &TestApp, change: &str, body: Value) -> reqwest::Response {
    t.post(&format!("/api/v1/changes/{change}/tasks"), &t.agent, body).await
}

/// Adds a task; its JSON.
async fn added(t: &TestApp, change: &str, title: &str, step: i64, group: &str) -> Value {
    let r = add(t, change, json!({"title": title, "step": step, "assignment_group": group})).await;
    assert_eq!(r.status(), 201, "adding {title}: {}", r.text().await.unwrap());
    r.json().await.unwrap()
}

async fn move_task(t: &TestApp, task: &Value, body: Value) -> reqwest::Response {
    let mut body = body;
    body["version"] = task["version"].clone();
    t.post(&format!("/api/v1/tasks/{}/transitions", num(task)), &t.agent, body).await
}

/// Moves a task; its JSON, panicking unless 200.
async fn moved(t: &TestApp, task: &Value, body: Value) -> Value {
    let r = move_task(t, task, body.clone()).await;
    assert_eq!(r.status(), 200, "{body}: {}", r.text().await.unwrap());
    r.json().await.unwrap()
}

async fn tasks_of(t: &TestApp, change: &str) -> Vec<Value> {
    t.json(&format!("/api/v1/changes/{change}/tasks"), &t.agent).await.as_array().unwrap().clone()
}

fn numbers(list: &[Value]) -> Vec<String> {
    list.iter().map(num).collect()
}

/// The change's journal entries' changed fields, `field: new` each.
async fn change_notes(t: &TestApp, change: &str) -> Vec<String> {
    let j = t.json(&format!("/api/v1/changes/{change}/journal"), &t.agent).await;
    j.as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["changes"].as_array().cloned().unwrap_or_default())
        .filter(|c| c["field"] == "task" || c["field"] == "tasks_cancelled")
        .map(|c| format!("{}: {}", c["field"].as_str().unwrap(), c["new"].as_str().unwrap_or("")))
        .collect()
}

both!(tasks_are_listed_in_step_order_and_wait_for_earlier_steps, |t| {
    let n = implementing(&t).await;
    let r = add(
        &t,
        &n,
        json!({"title": "Switch traffic back", "step": 2, "assignment_group": "Network", "assignee": "agent2",
            "description": "Pool B live", "planned_start": START, "planned_end": END}),
    )
    .await;
    assert_eq!(r.status(), 201);
    assert_eq!(r.headers()["location"], "/api/v1/tasks/TASK0000001");
    assert_eq!(r.headers()["etag"], "\"1\"");
    let late: Value = r.json().await.unwrap();
    assert_eq!(
        (late["number"].as_str(), late["change"].as_str(), late["state"].as_str(), late["step"].as_i64()),
        (Some("TASK0000001"), Some(n.as_str()), Some("open"), Some(2))
    );
    assert_eq!(
        (late["assignee"]["name"].as_str(), late["assignment_group"]["name"].as_str()),
        (Some("agent2 user"), Some("Network"))
    );
    assert_eq!(micros(&late["planned_end"]), micros(&json!(END)));
    let first = added(&t, &n, "Drain pool A", 1, "Service Desk").await;
    let parallel = added(&t, &n, "Back up the config", 1, "Network").await;
    assert_eq!(first["step"], 1);
    // Step order, then the order they were added.
    let list = tasks_of(&t, &n).await;
    assert_eq!(numbers(&list), ["TASK0000002", "TASK0000003", "TASK0000001"]);
    assert_eq!(list[2]["blocked_by"], json!(["TASK0000002", "TASK0000003"]));
    assert_eq!((list[2]["blocked"].as_bool(), list[0]["blocked"].as_bool()), (Some(true), Some(false)));
    assert_eq!(t.json("/api/v1/tasks/TASK0000001", &t.agent).await, list[2], "read back as listed");

    // Step 2 cannot start, nor be closed complete, while step 1 is open.
    for body in [json!({"state": "in_progress"}), json!({"state": "closed", "close_code": "complete"})] {
        let p = problem(move_task(&t, &late, body).await, 409, "transition_not_allowed").await;
        assert_eq!(p["detail"], "waits for TASK0000002, TASK0000003: a task of an earlier step is still open");
    }
    assert_eq!(t.json("/api/v1/tasks/TASK0000001", &t.agent).await["state"], "open", "nothing stored");
    // Tasks of one step run side by side.
    let first = moved(&t, &first, json!({"state": "in_progress"})).await;
    assert!(first["started_at"].is_string());
    let parallel = moved(&t, &parallel, json!({"state": "in_progress"})).await;
    let first = moved(&t, &first, json!({"state": "closed", "close_code": "complete", "close_notes": "Drained"})).await;
    assert_eq!((first["close_code"].as_str(), first["close_notes"].as_str()), (Some("complete"), Some("Drained")));
    let p = problem(move_task(&t, &late, json!({"state": "in_progress"})).await, 409, "transition_not_allowed").await;
    assert_eq!(p["detail"], "waits for TASK0000003: a task of an earlier step is still open");
    // A closed task is final; closing needs a close code.
    let p = problem(move_task(&t, &first, json!({"state": "open"})).await, 409, "transition_not_allowed").await;
    assert_eq!(p["detail"], "a task cannot go from closed to open; allowed: none, the task is final");
    invalid(move_task(&t, &parallel, json!({"state": "closed"})).await, &["close_code"]).await;
    invalid(move_task(&t, &parallel, json!({"state": "closed", "close_code": "done"})).await, &["close_code"]).await;
    moved(&t, &parallel, json!({"state": "closed", "close_code": "skipped"})).await;
    let late = moved(&t, &late, json!({"state": "in_progress"})).await;
    assert_eq!((late["blocked"].as_bool(), late["blocked_by"].clone()), (Some(false), json!([])));

    // The task's journal and the change's notes.
    let j = t.json("/api/v1/tasks/TASK0000002/journal", &t.agent).await;
    let actions: Vec<&str> = j.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["created", "state_changed", "state_changed"]);
    assert_eq!(
        change_notes(&t, &n).await,
        [
            "task: TASK0000001 Switch traffic back (step 2)",
            "task: TASK0000002 Drain pool A (step 1)",
            "task: TASK0000003 Back up the config (step 1)",
            "task: TASK0000002 closed: complete",
            "task: TASK0000003 closed: skipped",
        ]
    );

    // The queues: my groups' open tasks, and mine.
    let mine = t.json("/api/v1/tasks?assigned=me", &t.agent2).await;
    assert_eq!(numbers(mine.as_array().unwrap()), ["TASK0000001"]);
    let network = t.json("/api/v1/tasks?assigned=group", &t.agent2).await;
    assert_eq!(numbers(network.as_array().unwrap()), ["TASK0000001"]);
    assert_eq!(t.json("/api/v1/tasks", &t.agent).await, json!([]), "the desk's tasks are done");
    for bad in ["everyone", ""] {
        let r = t.get(&format!("/api/v1/tasks?assigned={bad}"), &t.agent).await;
        invalid(r, &["assigned"]).await;
    }
    forbidden(t.get("/api/v1/tasks", &t.requester).await, "only agents, managers and admins can see changes").await;
});

both!(review_waits_for_the_tasks_and_cancelling_the_change_cancels_them, |t| {
    let n = implementing(&t).await;
    let task = added(&t, &n, "Restart the nodes", 1, "Service Desk").await;
    let review = |v: i64| json!({"version": v, "state": "review"});
    let r = t.post(&format!("/api/v1/changes/{n}/transition"), &t.agent, review(3)).await;
    let p = problem(r, 422, "validation_failed").await;
    assert_eq!(fields(&p), ["tasks"]);
    assert_eq!(p["errors"][0]["code"], "open_tasks");
    assert_eq!(t.json(&format!("/api/v1/changes/{n}"), &t.agent).await["state"], "implementing");
    moved(&t, &task, json!({"state": "closed", "close_code": "complete"})).await;
    let r = t.post(&format!("/api/v1/changes/{n}/transition"), &t.agent, review(3)).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    // A change in review takes no new task.
    let r = add(&t, &n, json!({"title": "One more", "assignment_group": "Network"})).await;
    let p = problem(r, 422, "validation_failed").await;
    assert_eq!((fields(&p), p["errors"][0]["code"].as_str()), (vec!["change".to_owned()], Some("task_change_closed")));

    // Cancelling a change cancels its open tasks, journaled on each.
    let m = implementing(&t).await;
    let open = added(&t, &m, "Swap the disks", 1, "Service Desk").await;
    let started =
        moved(&t, &added(&t, &m, "Rebuild the array", 1, "Network").await, json!({"state": "in_progress"})).await;
    let done = added(&t, &m, "Order spares", 1, "Network").await;
    moved(&t, &done, json!({"state": "closed", "close_code": "complete"})).await;
    let r = t
        .post(
            &format!("/api/v1/changes/{m}/transition"),
            &t.manager,
            json!({"version": 3, "state": "cancelled", "cancel_reason": "Vendor recalled the disks"}),
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let states: Vec<(String, String)> =
        tasks_of(&t, &m).await.iter().map(|x| (num(x), x["state"].as_str().unwrap().to_owned())).collect();
    let want = [(num(&open), "cancelled"), (num(&started), "cancelled"), (num(&done), "closed")];
    assert_eq!(states, want.map(|(a, b)| (a, b.to_owned())));
    let got = t.json(&format!("/api/v1/tasks/{}", num(&started)), &t.agent).await;
    assert_eq!(got["close_notes"], format!("{m} was cancelled: Vendor recalled the disks"));
    assert!(got["closed_at"].is_string());
    let j = t.json(&format!("/api/v1/tasks/{}/journal", num(&open)), &t.agent).await;
    assert_eq!(j.as_array().unwrap().last().unwrap()["action"], "state_changed");
    let notes = change_notes(&t, &m).await;
    assert_eq!(notes.last().unwrap(), &format!("tasks_cancelled: {}, {}", num(&open), num(&started)));
});

both!(tasks_bad_input_names_the_field_and_stores_nothing, |t| {
    let n = implementing(&t).await;
    let ok = || json!({"title": "Reboot", "assignment_group": "Network"});
    let with = |k: &str, v: Value| {
        let mut b = ok();
        b[k] = v;
        b
    };
    for (body, field, code) in [
        (with("assignment_group", json!("Nobody")), "assignment_group", "no_group"),
        (with("assignment_group", json!("")), "assignment_group", "required"),
        (with("assignee", json!("agent")), "assignee", "not_member"),
        (with("assignee", json!("ghost")), "assignee", "no_such_user"),
        (with("step", json!(0)), "step", "between"),
        (with("step", json!(-3)), "step", "between"),
        (with("step", json!(1000)), "step", "between"),
        (with("title", json!("")), "title", "required"),
        (with("planned_start", json!("soon")), "planned_start", "not_a_time"),
    ] {
        let r = add(&t, &n, body.clone()).await;
        let p = problem(r, 422, "validation_failed").await;
        assert_eq!(fields(&p), [field], "{body}: {p}");
        assert_eq!(p["errors"][0]["code"], code, "{body}: {p}");
    }
    let mut body = ok();
    body["planned_start"] = json!(END);
    body["planned_end"] = json!(START);
    let p = problem(add(&t, &n, body).await, 422, "validation_failed").await;
    assert_eq!(
        (fields(&p), p["errors"][0]["code"].as_str()),
        (vec!["planned_end".to_owned()], Some("end_before_start"))
    );
    // A step that is not a whole number, and a missing group.
    let r = add(&t, &n, with("step", json!("two"))).await;
    assert_eq!(r.status(), 422);
    let r = add(&t, &n, json!({"title": "Reboot"})).await;
    assert_eq!(r.status(), 422);
    // An unknown change is a 404; a closed one takes no task.
    problem(add(&t, "CHG0000099", ok()).await, 404, "not_found").await;
    problem(t.get("/api/v1/changes/CHG0000099/tasks", &t.agent).await, 404, "not_found").await;
    problem(t.get("/api/v1/tasks/TASK0000099", &t.agent).await, 404, "not_found").await;
    let r = t
        .post(
            &format!("/api/v1/changes/{n}/transition"),
            &t.manager,
            json!({"version": 3, "state": "cancelled", "cancel_reason": "not needed"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let p = problem(add(&t, &n, ok()).await, 422, "validation_failed").await;
    assert_eq!(p["errors"][0]["message"], "the change is cancelled: tasks are added while its work is still ahead");
    assert!(tasks_of(&t, &n).await.is_empty(), "nothing stored");
    // Requesters add none.
    let r = t.post(&format!("/api/v1/changes/{n}/tasks"), &t.requester, ok()).await;
    assert_eq!(r.status(), 403);

    // Edits: versioned, the group kept, the window checked as it will be.
    let m = implementing(&t).await;
    let task = added(&t, &m, "Reboot", 1, "Network").await;
    let url = format!("/api/v1/tasks/{}", num(&task));
    let r = t.patch(&url, &t.agent, json!({"version": 1, "planned_start": END, "planned_end": START})).await;
    invalid(r, &["planned_end"]).await;
    let r = t.patch(&url, &t.agent, json!({"version": 1, "assignment_group": null})).await;
    invalid(r, &["assignment_group"]).await;
    let r = t.patch(&url, &t.agent, json!({"version": 1, "step": 0})).await;
    invalid(r, &["step"]).await;
    let r = t.patch(&url, &t.agent, json!({"version": 1, "step": 3, "assignee": "agent2"})).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["etag"], "\"2\"");
    let got: Value = r.json().await.unwrap();
    assert_eq!((got["step"].as_i64(), got["assignee"]["name"].as_str()), (Some(3), Some("agent2 user")));
    let r = t.patch(&url, &t.agent, json!({"version": 1, "title": "Stale"})).await;
    problem(r, 409, "version_conflict").await;
    let r = t
        .req(reqwest::Method::PATCH, &url, &t.agent)
        .header("if-match", "\"1\"")
        .json(&json!({"title": "Stale"}))
        .send()
        .await
        .unwrap();
    problem(r, 412, "version_conflict").await;
});
