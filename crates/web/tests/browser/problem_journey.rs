//! Problem management in a real browser: from an incident an agent raises
//! a problem (what is known is copied and the two are linked), records the
//! root cause, a 5-whys step and the workaround (after being told a step
//! needs its answer), moves it to assessment, publishes the known error
//! and writes a work note on it;
//! back on the incident the workaround shows and is applied (a work note);
//! the problem is then fixed and resolved together with its open incident.

use crate::journey::{choose, click, fill, go, path, text, wait};
use crate::{driver, server};
use fantoccini::Client;
use futures_util::FutureExt;
use std::panic::AssertUnwindSafe;
use steward_app::{
    Actor,
    incidents::{NewIncident, number},
    problems::{NewProblem, ProblemTransitionInput},
};
use steward_domain::problem::WhyStep;

/// A published known error in assessment, linked to `incident`, naming
/// the CI `ci`; its number (for the accessibility pages).
pub(crate) async fn known_error(t: &server::TestServer, agent: &Actor, incident: &str, ci: i64) -> String {
    let n = NewProblem {
        title: "Checkout pool recycles under load".into(),
        description: Some("Checkout answers 502 while the pool recycles.".into()),
        service: Some("Web Shop".into()),
        cis: vec![ci],
        cause_category: Some("software".into()),
        root_cause: Some("The health check does not see the pool recycling.".into()),
        whys: vec![WhyStep { question: "Why 502?".into(), answer: "The node closes connections.".into() }],
        workaround: Some("Drain the node before recycling the pool.".into()),
        incidents: vec![incident.into()],
        ..NewProblem::default()
    };
    let p = t.app.create_problem(agent, n).await.unwrap();
    let number = steward_app::problems::number(p.record.number);
    let to = ProblemTransitionInput { state: "assessment".into(), ..Default::default() };
    let p = t.app.transition_problem(agent, &number, Some(p.record.version), to).await.unwrap();
    t.app.set_known_error(agent, &number, Some(p.record.version), true).await.unwrap();
    number
}

async fn journey(c: &Client, t: &server::TestServer) {
    let (requester, _) = t.app.login("requester", server::PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    let n = NewIncident {
        title: "Wi-Fi drops in meeting room 4".into(),
        description: Some("Every meeting, after about ten minutes.".into()),
        category: Some("network".into()),
        ..NewIncident::default()
    };
    let inc = number(t.app.create_incident(&requester, n).await.unwrap().number);
    crate::cmdb_journey::sign_in(c, t, "agent").await;

    // From the incident: a problem with what is known, linked to it.
    c.goto(&t.url(&format!("/incidents/{inc}"))).await.unwrap();
    assert!(text(c, "#incident-problems").await.contains("Not linked to a problem."));
    go(c, "#create-problem").await;
    let prb = path(c).await.trim_start_matches("/problems/").to_owned();
    assert!(prb.starts_with("PRB"), "{prb}");
    assert_eq!(text(c, "#problem-title").await, "Wi-Fi drops in meeting room 4");
    assert!(text(c, ".notice.success").await.contains(&prb));
    assert!(text(c, "#linked-incidents").await.contains(&inc));

    // The analysis: a step without its answer is refused beside it.
    go(c, "#edit-problem").await;
    choose(c, "#cause_category", "capacity").await;
    fill(c, "#root_cause", "One access point serves the whole room.").await;
    fill(c, "#why_q_0", "Why does the Wi-Fi drop?").await;
    fill(c, "#workaround", "Connect to Corp-5G instead of Corp.").await;
    go(c, "#save-problem").await;
    assert!(text(c, "#why_a_0-error").await.starts_with("Is required"), "the answer is required");
    assert_eq!(
        wait(c, "#workaround").await.prop("value").await.unwrap().as_deref(),
        Some("Connect to Corp-5G instead of Corp.")
    );
    fill(c, "#why_a_0", "The access point is overloaded.").await;
    go(c, "#save-problem").await;
    assert_eq!(text(c, ".notice.success").await, "Changes saved.");
    assert!(text(c, "#whys").await.contains("The access point is overloaded."));
    assert_eq!(text(c, "#cause-category").await, "Capacity");

    // Assessed, it is published as a known error.
    go(c, "#to-assessment").await;
    assert_eq!(text(c, "#problem-state").await, "Assessment");
    go(c, "#publish-known-error").await;
    assert_eq!(text(c, ".notice.success").await, "Published as a known error.");
    assert!(text(c, "#known-error-flag").await.contains("Known error"));

    // A work note on the problem, from the comment box the incident has.
    fill(c, "#comment-body", "Measured 38 clients on one access point.").await;
    click(c, "input[name='visibility'][value='internal']").await;
    go(c, "#send-comment").await;
    assert_eq!(text(c, ".notice.success").await, "Comment added.");
    let note = text(c, ".timeline li.entry-work_note:last-child").await;
    assert!(note.contains("Measured 38 clients on one access point."), "{note}");

    // A new incident about the same thing suggests the known error as it
    // is typed.
    c.goto(&t.url("/incidents/new")).await.unwrap();
    fill(c, "#title", "Wi-Fi drops again in meeting").await;
    let suggested = wait(c, &format!("#suggestions a[href='/problems/{prb}']")).await;
    assert!(suggested.text().await.unwrap().contains("Wi-Fi drops in meeting room 4"));
    assert!(text(c, "#suggestions").await.contains("known error"));

    // On the incident the desk sees the workaround and applies it.
    c.goto(&t.url(&format!("/incidents/{inc}"))).await.unwrap();
    assert!(text(c, &format!("#known-error-{prb}")).await.contains("Connect to Corp-5G instead of Corp."));
    fill(c, "#apply-note-0", "Moved the projector laptop to Corp-5G.").await;
    go(c, &format!("#apply-{prb}")).await;
    assert_eq!(text(c, ".notice.success").await, "Workaround applied; a work note records it.");
    let note = text(c, ".timeline li.entry-work_note:last-child").await;
    assert!(
        note.contains("Connect to Corp-5G instead of Corp.") && note.contains("Moved the projector laptop"),
        "{note}"
    );
    assert!(note.contains(&prb), "the note names the problem: {note}");

    // Fixed: resolving the problem resolves its open incident with one note.
    c.goto(&t.url(&format!("/problems/{prb}"))).await.unwrap();
    go(c, "#to-root_cause_analysis").await;
    go(c, "#to-fix_in_progress").await;
    assert_eq!(text(c, "#problem-state").await, "Fix in progress");
    click(c, "#panel-resolved summary").await;
    choose(c, "#resolved-code", "fixed").await;
    fill(c, "#resolved-notes", "A second access point is in the room.").await;
    click(c, "#resolve-incidents").await;
    go(c, "#submit-resolved").await;
    assert_eq!(text(c, "#problem-state").await, "Resolved");
    assert!(text(c, "#linked-incidents").await.contains("Resolved"), "the incident was resolved with it");
    c.goto(&t.url(&format!("/incidents/{inc}"))).await.unwrap();
    assert_eq!(text(c, "#incident-state").await, "Resolved");
    assert!(text(c, "#resolution").await.contains("A second access point is in the room."));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_raises_a_problem_publishes_a_known_error_and_applies_it() {
    let t = server::spawn().await;
    let b = driver::start().await;
    let outcome = AssertUnwindSafe(journey(&b.client, &t)).catch_unwind().await;
    b.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
