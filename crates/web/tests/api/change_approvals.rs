//! Approval policies over HTTP: stages one after another and at once,
//! quorums, a rejection that stops the flow and sends the change back, the
//! raiser kept out, the CAB's agenda, and every refusal of a policy naming
//! its field with nothing stored.

use crate::both;
use crate::helpers::*;
use serde_json::{Value, json};

async fn policy(t: &TestApp, body: Value) -> Value {
    let r = t.post("/api/v1/approval-policies", &t.manager, body).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    r.json().await.unwrap()
}

/// A change raised by the agent and moved to `until` through its path; its
/// number and version.
async fn raised(t: &TestApp, body: Value, path: &[&str]) -> (String, i64) {
    let r = t.post("/api/v1/changes", &t.agent, body).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let mut c: Value = r.json().await.unwrap();
    let n = num(&c);
    for state in path {
        let v = c["version"].as_i64().unwrap();
        c = t.move_to_change(&n, json!({"version": v, "state": state})).await;
    }
    (n, c["version"].as_i64().unwrap())
}

async fn decide(t: &TestApp, n: &str, token: &str, what: &str, body: Value) -> reqwest::Response {
    t.post(&format!("/api/v1/changes/{n}/{what}"), token, body).await
}

async fn approved(t: &TestApp, n: &str, token: &str, version: i64) -> Value {
    let r = decide(t, n, token, "approve", json!({"version": version, "comment": "fine"})).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    r.json().await.unwrap()
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array().unwrap().iter().map(|u| u["name"].as_str().unwrap()).collect()
}

trait Changes {
    async fn move_to_change(&self, n: &str, body: Value) -> Value;
}

impl Changes for TestApp {
    async fn move_to_change(&self, n: &str, body: Value) -> Value {
        let r = self.post(&format!("/api/v1/changes/{n}/transition"), &self.agent, body.clone()).await;
        assert_eq!(r.status(), 200, "{body}: {}", r.text().await.unwrap());
        r.json().await.unwrap()
    }
}

both!(stages_one_after_another_until_each_has_its_quorum, |t| {
    let r = t
        .post("/api/v1/cis", &t.admin, json!({"class": "business_service", "name": "Payroll", "owner": "manager"}))
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let p = policy(
        &t,
        json!({"name": "Payroll changes", "service": "Payroll", "stages": [
            {"name": "Owner", "service_owner": true},
            {"name": "CAB", "users": ["admin", "agent2", "agent"], "quorum": 2}]}),
    )
    .await;
    assert_eq!((p["position"].as_i64(), p["stages"][1]["users"][1]["username"].as_str()), (Some(1), Some("agent2")));
    let (n, v) = raised(
        &t,
        json!({"title": "Move payroll to the new cluster", "service": "Payroll"}),
        &["assessment", "authorization"],
    )
    .await;
    // The raiser is not asked; the journal says who is.
    let j = t.json(&format!("/api/v1/changes/{n}/journal"), &t.agent).await;
    let last = j.as_array().unwrap().last().unwrap()["changes"].as_array().unwrap().clone();
    let line = |f: &str| last.iter().find(|c| c["field"] == f).unwrap()["new"].as_str().unwrap().to_owned();
    assert_eq!(line("approval_policy"), "Payroll changes");
    assert_eq!(line("approvers"), "Owner: manager user; then CAB: admin user, agent2 user");
    let a = t.json(&format!("/api/v1/changes/{n}/approvals"), &t.agent).await;
    assert_eq!((a["round"].as_i64(), a["outcome"].as_str()), (Some(1), Some("pending")));
    assert_eq!((a["stages"][0]["state"].as_str(), a["stages"][1]["state"].as_str()), (Some("open"), Some("waiting")));
    assert_eq!(names(&a["awaiting"]), ["manager user"]);

    // The CAB waits for the owner; the raiser is never asked.
    let r = decide(&t, &n, &t.admin, "approve", json!({"version": v})).await;
    let p = problem(r, 409, "transition_not_allowed").await;
    assert_eq!(p["detail"], "your stage CAB opens when the stages before it are approved");
    let own = problem(decide(&t, &n, &t.agent, "approve", json!({"version": v})).await, 403, "forbidden").await;
    assert_eq!(own["detail"], "you cannot approve your own change: someone else must approve it");
    problem(decide(&t, &n, &t.requester, "approve", json!({"version": v})).await, 403, "forbidden").await;
    let c = approved(&t, &n, &t.manager, v).await;
    assert_eq!(c["approved"], false);
    let v = c["version"].as_i64().unwrap();
    let r = decide(&t, &n, &t.manager, "approve", json!({"version": v})).await;
    let p = problem(r, 409, "transition_not_allowed").await;
    assert_eq!(p["detail"], "you have given your decision on this change already");
    // The CAB's members find it waiting for them.
    let mine = t.json("/api/v1/change-approvals?approver=admin", &t.agent).await;
    assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
    assert_eq!(mine[0]["change"]["number"], n.as_str());
    assert!(t.json("/api/v1/change-approvals?approver=manager", &t.agent).await.as_array().unwrap().is_empty());
    let c = approved(&t, &n, &t.admin, v).await;
    assert_eq!(c["approved"], false, "one of two");
    let c = approved(&t, &n, &t.agent2, c["version"].as_i64().unwrap()).await;
    assert_eq!(c["approved"], true);
    let a = t.json(&format!("/api/v1/changes/{n}/approvals"), &t.agent).await;
    assert_eq!(a["outcome"], "approved");
    assert_eq!(a["stages"][1]["approvers"][0]["decision"], "approved");
    assert_eq!(a["stages"][1]["approvers"][0]["comment"], "fine");
    let j = t.json(&format!("/api/v1/changes/{n}/journal"), &t.agent).await;
    let last = j.as_array().unwrap().last().unwrap()["changes"].as_array().unwrap().clone();
    assert!(last.iter().any(|c| c["field"] == "approval" && c["new"] == "approved in CAB (2 of 2)"), "{last:?}");
    // Sent back, the approval is gone; the next round asks everyone again.
    let c = t.move_to_change(&n, json!({"version": c["version"], "state": "assessment"})).await;
    assert_eq!(c["approved"], false);
    t.move_to_change(&n, json!({"version": c["version"], "state": "authorization"})).await;
    let a = t.json(&format!("/api/v1/changes/{n}/approvals"), &t.agent).await;
    assert_eq!((a["round"].as_i64(), names(&a["awaiting"])), (Some(2), vec!["manager user"]));
});

both!(a_rejection_stops_the_flow_and_a_new_round_starts_afresh, |t| {
    policy(
        &t,
        json!({"name": "Emergency", "change_type": "emergency", "parallel": true, "stages": [
            {"name": "ECAB", "group": "Network"},
            {"name": "Duty manager", "users": ["manager"]}]}),
    )
    .await;
    let (n, v) =
        raised(&t, json!({"title": "Block the attacker's range", "change_type": "emergency"}), &["authorization"])
            .await;
    let a = t.json(&format!("/api/v1/changes/{n}/approvals"), &t.agent).await;
    assert_eq!((a["parallel"].as_bool(), a["stages"][0]["group"]["name"].as_str()), (Some(true), Some("Network")));
    assert_eq!(names(&a["awaiting"]), ["agent2 user", "manager user"]);
    let agenda = t.json("/api/v1/change-approvals?group=Network", &t.manager).await;
    assert_eq!(agenda.as_array().unwrap().len(), 1);
    // Both stages are open at once; a rejection needs its reason.
    let c = approved(&t, &n, &t.manager, v).await;
    let v = c["version"].as_i64().unwrap();
    let r = decide(&t, &n, &t.agent2, "reject", json!({"version": v})).await;
    assert_eq!(invalid(r, &["comment"]).await, "say why the change is rejected");
    let r = decide(&t, &n, &t.agent2, "reject", json!({"version": v, "comment": "Blocks a partner too"})).await;
    assert_eq!(r.status(), 200);
    let c: Value = r.json().await.unwrap();
    // An emergency change goes back to its draft.
    assert_eq!((c["state"].as_str(), c["approved"].as_bool()), (Some("draft"), Some(false)));
    let a = t.json(&format!("/api/v1/changes/{n}/approvals"), &t.agent).await;
    assert_eq!((a["outcome"].as_str(), a["stages"][0]["state"].as_str()), (Some("rejected"), Some("rejected")));
    assert!(t.json("/api/v1/change-approvals?group=Network", &t.manager).await.as_array().unwrap().is_empty());
    // Back in authorization: a fresh round, nobody's old decision counts.
    let c = t.move_to_change(&n, json!({"version": c["version"], "state": "authorization"})).await;
    let a = t.json(&format!("/api/v1/changes/{n}/approvals"), &t.agent).await;
    assert_eq!((a["round"].as_i64(), a["outcome"].as_str()), (Some(2), Some("pending")));
    let c = approved(&t, &n, &t.agent2, c["version"].as_i64().unwrap()).await;
    let c = approved(&t, &n, &t.manager, c["version"].as_i64().unwrap()).await;
    assert_eq!(c["approved"], true);
});

both!(a_plan_no_one_could_approve_is_refused_before_anyone_is_asked, |t| {
    policy(&t, json!({"name": "Leads", "stages": [{"name": "Leads", "users": ["agent", "agent2"]}]})).await;
    let (n, v) = raised(&t, json!({"title": "Rename the file shares"}), &["assessment"]).await;
    // The raiser cannot approve their own change: one lead is left of two.
    let r = t
        .post(&format!("/api/v1/changes/{n}/transition"), &t.agent, json!({"version": v, "state": "authorization"}))
        .await;
    let p = problem(r, 409, "transition_not_allowed").await;
    assert_eq!(p["detail"], "the approval policy Leads: stage Leads needs 2 approvals but 1 people may give them");
    let c = t.json(&format!("/api/v1/changes/{n}"), &t.agent).await;
    assert_eq!((c["state"].as_str(), c["version"].as_i64()), (Some("assessment"), Some(v)));
    assert_eq!(t.json(&format!("/api/v1/changes/{n}/approvals"), &t.agent).await["round"], 0);
    // A policy that lets the raiser approve plans it.
    let id = t.json("/api/v1/approval-policies", &t.agent).await[0]["id"].as_i64().unwrap();
    let body =
        json!({"name": "Leads", "self_approval": true, "stages": [{"name": "Leads", "users": ["agent", "agent2"]}]});
    assert_eq!(t.put_json(&format!("/api/v1/approval-policies/{id}"), &t.manager, body).await.status(), 200);
    let r = t
        .post(&format!("/api/v1/changes/{n}/transition"), &t.agent, json!({"version": v, "state": "authorization"}))
        .await;
    assert_eq!(r.status(), 200);
    let c = approved(&t, &n, &t.agent, v + 1).await;
    assert_eq!(c["approved"], false);
});

both!(policies_are_kept_by_managers_and_checked_field_by_field, |t| {
    let good = json!({"name": "CAB", "min_risk": "high", "stages": [{"name": "CAB", "group": "Network"}]});
    for token in [&t.agent, &t.requester] {
        let r = t.post("/api/v1/approval-policies", token, good.clone()).await;
        assert_eq!(r.status(), 403);
    }
    assert_eq!(t.get("/api/v1/approval-policies", &t.requester).await.status(), 403);
    let cases = [
        (json!({"name": "", "stages": [{"name": "A", "group": "Network"}]}), vec!["name"]),
        (json!({"name": "P", "stages": []}), vec!["stages"]),
        (
            json!({"name": "P", "change_type": "urgent", "min_risk": "extreme", "service": "Nowhere",
            "stages": [{"name": "A", "group": "Network"}]}),
            vec!["change_type", "min_risk", "service"],
        ),
        (json!({"name": "P", "stages": [{"name": "A", "group": "Network", "users": ["manager"]}]}), vec!["stages[0]"]),
        (json!({"name": "P", "stages": [{"name": "A"}]}), vec!["stages[0]"]),
        (
            json!({"name": "P", "stages": [{"name": "A", "users": ["ghost", "requester", "manager"]}]}),
            vec!["stages[0].users[0]", "stages[0].users[1]"],
        ),
        (json!({"name": "P", "stages": [{"name": "A", "group": "Nobody"}]}), vec!["stages[0].group"]),
        (
            json!({"name": "P", "stages": [{"name": "A", "users": ["manager"], "quorum": 2},
            {"name": "B", "group": "Network", "quorum": 0}, {"name": "C", "service_owner": true, "quorum": -1}]}),
            vec!["stages[0].quorum", "stages[1].quorum", "stages[2].quorum"],
        ),
    ];
    for (body, expected) in cases {
        let r = t.post("/api/v1/approval-policies", &t.manager, body.clone()).await;
        let p = problem(r, 422, "validation_failed").await;
        assert_eq!(fields(&p), expected, "{body}");
    }
    assert!(t.json("/api/v1/approval-policies", &t.agent).await.as_array().unwrap().is_empty(), "nothing stored");
    let p = policy(&t, good.clone()).await;
    let r = t.post("/api/v1/approval-policies", &t.admin, good).await;
    assert_eq!(fields(&problem(r, 422, "validation_failed").await), ["name"]);
    let id = p["id"].as_i64().unwrap();
    assert_eq!(t.json(&format!("/api/v1/approval-policies/{id}"), &t.agent).await["min_risk"], "high");
    assert_eq!(t.delete(&format!("/api/v1/approval-policies/{id}"), &t.agent).await.status(), 403);
    assert_eq!(t.delete(&format!("/api/v1/approval-policies/{id}"), &t.manager).await.status(), 204);
    assert_eq!(t.get(&format!("/api/v1/approval-policies/{id}"), &t.agent).await.status(), 404);
    let r = t.get("/api/v1/change-approvals?approver=ghost", &t.agent).await;
    assert_eq!(fields(&problem(r, 422, "validation_failed").await), ["approver"]);
    let r = t.get("/api/v1/change-approvals?group=Nobody", &t.agent).await;
    assert_eq!(fields(&problem(r, 422, "validation_failed").await), ["group"]);
});
