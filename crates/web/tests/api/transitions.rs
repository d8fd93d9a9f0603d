//! The incident lifecycle over HTTP: every state, its timestamps and the
//! journal entry each move leaves.

use crate::both;
use crate::helpers::*;
use serde_json::{Value, json};

/// The journal's `changes` of one entry as (field, old, new) triples.
fn changes(entry: &Value) -> Vec<(String, Option<String>, Option<String>)> {
    let text = |v: &Value| v.as_str().map(str::to_owned);
    entry["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["field"].as_str().unwrap().to_owned(), text(&c["old"]), text(&c["new"])))
        .collect()
}

fn ch(field: &str, old: Option<&str>, new: Option<&str>) -> (String, Option<String>, Option<String>) {
    (field.to_owned(), old.map(str::to_owned), new.map(str::to_owned))
}

both!(lifecycle_from_new_to_closed, |t| {
    let inc = t.incident(&t.agent, json!({"title": "Laptop won't boot", "requester": "requester"})).await;
    let n = num(&inc);
    let opened = micros(&inc["opened_at"]);

    let inc = t.move_to(&n, &t.agent, json!({"version": 1, "state": "in_progress"})).await;
    assert_eq!((inc["state"].as_str(), inc["version"].as_i64()), (Some("in_progress"), Some(2)));
    assert!(inc["first_response_at"].is_null(), "moving is not a response");
    let inc =
        t.move_to(&n, &t.agent, json!({"version": 2, "state": "on_hold", "hold_reason": "awaiting_vendor"})).await;
    assert_eq!((inc["state"].as_str(), inc["hold_reason"].as_str()), (Some("on_hold"), Some("awaiting_vendor")));
    let inc = t.move_to(&n, &t.agent, json!({"version": 3, "state": "in_progress"})).await;
    assert!(inc["hold_reason"].is_null(), "the reason goes with the hold");

    // The first assignment is the first response.
    let body = json!({"version": 4, "assignment_group": "Service Desk", "assignee": "agent"});
    let inc: Value = t.patch(&format!("/api/v1/incidents/{n}"), &t.agent, body).await.json().await.unwrap();
    assert_eq!(inc["first_response_at"], inc["updated_at"]);
    let first_response = inc["first_response_at"].clone();

    let r = t
        .transition(&n, &t.agent, json!({"version": 5, "state": "resolved", "resolution_code": "solved", "resolution_notes": "replaced the SSD"}))
        .await;
    assert_eq!(r.headers()["etag"], "\"6\"");
    let inc: Value = r.json().await.unwrap();
    assert_eq!(
        (inc["resolution_code"].as_str(), inc["resolution_notes"].as_str()),
        (Some("solved"), Some("replaced the SSD"))
    );
    assert_eq!(inc["resolved_at"], inc["updated_at"]);
    assert!(micros(&inc["resolved_at"]) > opened);
    assert!(inc["closed_at"].is_null());

    // The requester says it is not fixed: a reopen clears the resolution.
    let inc =
        t.move_to(&n, &t.requester, json!({"version": 6, "state": "in_progress", "comment": "still broken"})).await;
    assert_eq!((inc["state"].as_str(), inc["reopen_count"].as_i64()), (Some("in_progress"), Some(1)));
    for cleared in ["resolved_at", "resolution_code", "resolution_notes"] {
        assert!(inc[cleared].is_null(), "{cleared}: {inc}");
    }
    assert_eq!(inc["first_response_at"], first_response, "set once");

    let inc = t
        .move_to(&n, &t.agent, json!({"version": 7, "state": "resolved", "resolution_code": "workaround", "resolution_notes": "use the dock"}))
        .await;
    let resolved_at = inc["resolved_at"].clone();
    let inc = t.move_to(&n, &t.requester, json!({"version": 8, "state": "closed"})).await;
    assert_eq!((inc["state"].as_str(), inc["version"].as_i64()), (Some("closed"), Some(9)));
    assert_eq!(inc["closed_at"], inc["updated_at"]);
    assert_eq!(inc["resolved_at"], resolved_at, "closing keeps the resolution");
    assert_eq!(inc["resolution_code"], "workaround");
    assert_eq!(inc["reopen_count"], 1);
    assert!(micros(&inc["closed_at"]) >= micros(&resolved_at));
    assert_eq!(t.get(&format!("/api/v1/incidents/{n}"), &t.agent).await.headers()["etag"], "\"9\"");

    // One journal entry per change, in order, with who did it and what changed.
    let j = t.journal(&n, &t.agent).await;
    let entries = j.as_array().unwrap();
    let seqs: Vec<i64> = entries.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, (1..=9).collect::<Vec<_>>());
    let times: Vec<i64> = entries.iter().map(|e| micros(&e["at"])).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    let actions: Vec<&str> = entries.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        [
            "created",
            "state_changed",
            "state_changed",
            "state_changed",
            "updated",
            "state_changed",
            "state_changed",
            "state_changed",
            "state_changed"
        ]
    );
    let actors: Vec<&str> = entries.iter().map(|e| e["actor"]["name"].as_str().unwrap()).collect();
    assert_eq!(actors[6], "requester user");
    assert_eq!(actors[8], "requester user");
    assert!(actors.iter().enumerate().all(|(i, a)| *a == "agent user" || i == 6 || i == 8), "{actors:?}");
    assert_eq!(changes(&entries[1]), [ch("state", Some("new"), Some("in_progress"))]);
    assert_eq!(
        changes(&entries[2]),
        [ch("state", Some("in_progress"), Some("on_hold")), ch("hold_reason", None, Some("awaiting_vendor"))]
    );
    assert_eq!(
        changes(&entries[3]),
        [ch("state", Some("on_hold"), Some("in_progress")), ch("hold_reason", Some("awaiting_vendor"), None)]
    );
    assert_eq!(
        changes(&entries[4]),
        [ch("assignment_group", None, Some("Service Desk")), ch("assignee", None, Some("agent user"))]
    );
    assert_eq!(
        changes(&entries[5]),
        [
            ch("state", Some("in_progress"), Some("resolved")),
            ch("resolution_code", None, Some("solved")),
            ch("resolution_notes", None, Some("replaced the SSD")),
        ]
    );
    assert_eq!(
        changes(&entries[6]),
        [
            ch("state", Some("resolved"), Some("in_progress")),
            ch("resolution_code", Some("solved"), None),
            ch("resolution_notes", Some("replaced the SSD"), None),
            ch("reopen_count", Some("0"), Some("1")),
        ]
    );
    assert_eq!(entries[6]["body"], "still broken", "the comment sent with the move");
    assert_eq!(changes(&entries[8]), [ch("state", Some("resolved"), Some("closed"))]);
    assert_eq!(t.journal(&n, &t.requester).await, j, "no work notes here: the requester sees the same");
    let comments = t.json(&format!("/api/v1/incidents/{n}/comments"), &t.agent).await;
    assert_eq!(comments[0]["body"], "still broken");
    assert_eq!(comments[0]["internal"], false);
});

both!(cancelled_from_new_is_final, |t| {
    let n = num(&t.incident(&t.requester, json!({"title": "Duplicate of a known outage"})).await);
    let inc = t
        .move_to(&n, &t.agent, json!({"version": 1, "state": "cancelled", "comment": "duplicate of the outage"}))
        .await;
    assert_eq!((inc["state"].as_str(), inc["version"].as_i64()), (Some("cancelled"), Some(2)));
    assert!(inc["closed_at"].is_null() && inc["resolved_at"].is_null(), "{inc}");
    assert_eq!(inc["first_response_at"], inc["updated_at"], "a public reply with the move is a first response");
    let final_state = t.snapshot(&n).await;
    for to in ["new", "in_progress", "resolved", "closed", "cancelled"] {
        let r = t
            .transition(
                &n,
                &t.admin,
                json!({"version": 2, "state": to, "resolution_code": "solved", "resolution_notes": "x"}),
            )
            .await;
        let p = problem(r, 409, "transition_not_allowed").await;
        assert_eq!(p["detail"], format!("cannot go from cancelled to {to}; allowed: none, the incident is final"));
    }
    assert_eq!(t.snapshot(&n).await, final_state);
    let j = t.journal(&n, &t.requester).await;
    assert_eq!(j.as_array().unwrap().len(), 2);
    assert_eq!(changes(&j[1]), [ch("state", Some("new"), Some("cancelled"))]);
    assert_eq!(j[1]["body"], "duplicate of the outage");
    assert_eq!(t.numbers(&[("state", "cancelled")], &t.requester).await, [n]);
    assert!(t.numbers(&[("state", "open")], &t.requester).await.is_empty());
});

both!(every_open_state_can_be_resolved_and_cancelled, |t| {
    let resolve = |v: i64| json!({"version": v, "state": "resolved", "resolution_code": "no_fault_found", "resolution_notes": "fine now"});
    let hold = |v: i64| json!({"version": v, "state": "on_hold", "hold_reason": "awaiting_caller"});
    let progress = |v: i64| json!({"version": v, "state": "in_progress"});
    // (moves to reach the state, then the last move)
    let paths: [Vec<Value>; 6] = [
        vec![resolve(1)],
        vec![json!({"version": 1, "state": "cancelled"})],
        vec![progress(1), resolve(2)],
        vec![progress(1), json!({"version": 2, "state": "cancelled"})],
        vec![hold(1), resolve(2)],
        vec![hold(1), progress(2), hold(3), json!({"version": 4, "state": "cancelled"})],
    ];
    for moves in paths {
        let n = num(&t.incident(&t.agent, json!({"title": "path"})).await);
        let mut last = Value::Null;
        for m in &moves {
            last = t.move_to(&n, &t.manager, m.clone()).await;
        }
        assert_eq!(last["version"], moves.len() as i64 + 1);
        let j = t.journal(&n, &t.agent).await;
        assert_eq!(j.as_array().unwrap().len(), moves.len() + 1, "one entry per move");
    }
});
