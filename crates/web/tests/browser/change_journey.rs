//! Change enablement in a real browser, through the UI only: an agent (in
//! Warsaw) raises a normal change (after being told its window ends before
//! it starts), sends it to assessment, answers the risk questions (a high
//! risk: the CAB), asks for authorization and cannot schedule it yet; a
//! manager (in New York, so the same window reads in her zone) approves it
//! with a comment, schedules it, implements it and closes it as
//! successful. The page and the journal are checked at each step. A second
//! test sees a conflict with a change on a CI its CI runs on, explained
//! with the chain of CIs, and the next free slot.

use crate::journey::{choose, click, fill, go, path, text, wait};
use crate::{
    cmdb_journey::{Estate, sign_in},
    driver, server,
};
use fantoccini::Client;
use futures_util::FutureExt;
use std::panic::AssertUnwindSafe;
use steward_app::{
    Actor,
    changes::{ChangeTransitionInput, NewChange, number},
};

/// Sets a `datetime-local` input as a person picking a moment would (its
/// typing order depends on the browser's locale).
async fn pick_time(c: &Client, css: &str, value: &str) {
    wait(c, css).await;
    let js = "document.querySelector(arguments[0]).value = arguments[1];";
    c.execute(js, vec![css.into(), value.into()]).await.unwrap();
}

/// The journal's last entry.
async fn last_entry(c: &Client) -> String {
    text(c, ".timeline li.entry:last-child").await
}

async fn state(c: &Client) -> String {
    text(c, "#change-state").await
}

async fn journey(c: &Client, t: &server::TestServer) {
    t.add_manager().await;
    let ip = [127, 0, 0, 1].into();
    let (agent, _) = t.app.login("agent", server::PASSWORD, ip).await.unwrap();
    t.app.update_profile(&agent, Some("en"), Some("Europe/Warsaw")).await.unwrap();
    let (mona, _) = t.app.login("mona", server::PASSWORD, ip).await.unwrap();
    t.app.update_profile(&mona, Some("en"), Some("America/New_York")).await.unwrap();

    // Raised from the list; a window that ends before it starts is refused
    // beside its end, with everything typed kept.
    sign_in(c, t, "agent").await;
    go(c, ".mainnav a[href='/changes?state=open']").await;
    assert!(text(c, "#no-changes").await.contains("No changes match"));
    go(c, "#new-change").await;
    fill(c, "#title", "Upgrade the core switch firmware").await;
    fill(c, "#description", "Vendor advisory: the current firmware leaks memory.").await;
    assert_eq!(wait(c, "#change_type").await.prop("value").await.unwrap().as_deref(), Some("normal"));
    assert!(text(c, "#planned_start-hint").await.contains("Europe/Warsaw"));
    pick_time(c, "#planned_start", "2030-03-04T22:00").await;
    pick_time(c, "#planned_end", "2030-03-04T21:00").await;
    fill(c, "#implementation_plan", "Load the image on the standby, fail over, load the active.").await;
    fill(c, "#backout_plan", "Boot the previous image from flash.").await;
    go(c, "#save-change").await;
    assert!(text(c, "#planned_end-error").await.contains("after"), "the end is refused beside it");
    assert_eq!(
        wait(c, "#implementation_plan").await.prop("value").await.unwrap().as_deref(),
        Some("Load the image on the standby, fail over, load the active.")
    );
    assert_eq!(wait(c, "#planned_start").await.prop("value").await.unwrap().as_deref(), Some("2030-03-04T22:00"));
    pick_time(c, "#planned_end", "2030-03-04T23:30").await;
    go(c, "#save-change").await;
    let chg = path(c).await.trim_start_matches("/changes/").to_owned();
    assert!(chg.starts_with("CHG"), "{chg}");
    assert!(text(c, ".notice.success").await.contains(&chg));
    assert_eq!(state(c).await, "Draft");
    assert_eq!(text(c, "#change-type").await, "Normal");
    assert_eq!(text(c, "#planned-start").await, "4 Mar 2030, 22:00 CET", "in the agent's zone");
    assert_eq!(text(c, "#planned-end").await, "4 Mar 2030, 23:30 CET");
    assert!(text(c, "#implementation-plan").await.contains("fail over"));
    assert!(text(c, "#risk-result").await.contains("Not assessed yet"));
    assert!(text(c, "#conflicts").await.contains("Nothing else is planned"));

    // Assessed: the risk answers give a high score, which needs the CAB.
    go(c, "#to-assessment").await;
    assert_eq!(state(c).await, "Assessment");
    assert!(last_entry(c).await.contains("Assessment"));
    go(c, "#edit-change").await;
    choose(c, "#answer-services_affected", "several").await;
    assert_eq!(text(c, "#risk-said").await, "Answer every question to get the score.");
    for (question, answer) in [
        ("services_affected", "several"),
        ("user_impact", "everyone"),
        ("back_out", "documented"),
        ("tested", "partly"),
        ("outage", "in_window"),
    ] {
        choose(c, &format!("#answer-{question}"), answer).await;
    }
    // The form says what the answers give as they are chosen.
    assert_eq!(text(c, "#risk-said").await, "Risk level: High, score 11 · Needs the CAB");
    go(c, "#save-change").await;
    assert_eq!(text(c, ".notice.success").await, "Changes saved.");
    assert!(text(c, "#risk-result").await.contains("High, score 11"));
    assert_eq!(text(c, "#risk-cab").await, "Needs the CAB");
    assert!(text(c, "#risk-answers").await.contains("The whole organisation or its customers"));
    let entry = last_entry(c).await;
    assert!(entry.contains("Risk level") && entry.contains("High") && entry.contains("Score"), "{entry}");
    // The form shows the score its saved answers give.
    go(c, "#edit-change").await;
    assert!(text(c, "#risk-summary").await.contains("High, score 11"));
    c.back().await.unwrap();

    // In authorization it waits for a manager: it cannot be scheduled yet.
    c.goto(&t.url(&format!("/changes/{chg}"))).await.unwrap();
    go(c, "#to-authorization").await;
    assert_eq!(state(c).await, "Authorization");
    assert_eq!(text(c, "#approval-status").await, "Not approved yet.");
    assert!(text(c, "#approval").await.contains("Waiting for a manager"));
    go(c, "#to-scheduled").await;
    assert!(text(c, "#state-error").await.contains("approv"), "scheduling waits for the approval");
    assert_eq!(state(c).await, "Authorization");

    // The manager sees the window in her own zone and approves it.
    c.delete_all_cookies().await.unwrap();
    sign_in(c, t, "mona").await;
    c.goto(&t.url("/changes?state=authorization")).await.unwrap();
    assert!(text(c, "#result-count").await.contains("1 change"));
    go(c, &format!("a[href='/changes/{chg}']")).await;
    assert_eq!(text(c, "#planned-start").await, "4 Mar 2030, 16:00 EST", "in the manager's zone");
    fill(c, "#approval-comment", "CAB agreed on Tuesday.").await;
    go(c, "#approve").await;
    assert_eq!(text(c, ".notice.success").await, "Change approved.");
    assert!(text(c, "#approval-status").await.contains("Approved"));
    let entry = last_entry(c).await;
    assert!(entry.contains("Approval comment") && entry.contains("CAB agreed on Tuesday."), "{entry}");

    // Scheduled, implemented (the actual start is recorded), reviewed.
    go(c, "#to-scheduled").await;
    assert_eq!(state(c).await, "Scheduled");
    go(c, "#to-implementing").await;
    assert_eq!(state(c).await, "Implementing");
    wait(c, "#actual-start").await;
    assert!(last_entry(c).await.contains("Actual start"));
    go(c, "#to-review").await;
    assert_eq!(state(c).await, "Review");
    wait(c, "#actual-end").await;

    // Closed as successful, with the review's notes.
    click(c, "#panel-closed summary").await;
    choose(c, "#closed-code", "successful").await;
    fill(c, "#closed-notes", "Both switches run the new image; no loss of traffic.").await;
    go(c, "#submit-closed").await;
    assert_eq!(state(c).await, "Closed");
    assert_eq!(text(c, "#close-code").await, "Successful");
    assert!(text(c, "#review-notes").await.contains("no loss of traffic"));
    let entry = last_entry(c).await;
    assert!(entry.contains("Review notes") && entry.contains("Closed"), "{entry}");
    assert!(text(c, "#actions-title + p").await.contains("final"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_normal_change_is_raised_assessed_approved_implemented_and_closed() {
    let t = server::spawn().await;
    let b = driver::start().await;
    let outcome = AssertUnwindSafe(journey(&b.client, &t)).catch_unwind().await;
    b.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// Raises `n` and moves it through `states`: its number.
async fn walk(t: &server::TestServer, agent: &Actor, n: NewChange, states: &[&str]) -> String {
    let mut c = t.app.create_change(agent, n).await.unwrap();
    for state in states {
        let to = ChangeTransitionInput { state: (*state).into(), ..Default::default() };
        c = t.app.transition_change(agent, &number(c.record.number), Some(c.record.version), to).await.unwrap();
    }
    number(c.record.number)
}

/// Two changes with overlapping windows: `ours` (assessed, in
/// authorization) on the checkout application, the other (in assessment)
/// on the VM it runs on. Their numbers.
pub(crate) async fn conflicting(t: &server::TestServer, e: &Estate) -> (String, String) {
    let (agent, _) = t.app.login("agent", server::PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    let raise = |title: &str, ci: i64, start: &str, end: &str| NewChange {
        title: title.into(),
        cis: vec![ci],
        planned_start: Some(start.into()),
        planned_end: Some(end.into()),
        implementation_plan: Some("Roll out node by node.".into()),
        ..NewChange::default()
    };
    let theirs = raise("Resize vm-12", e.vm, "2030-05-02T20:00:00Z", "2030-05-02T23:00:00Z");
    let theirs = walk(t, &agent, theirs, &["assessment"]).await;
    let answers = [
        ("services_affected", "one"),
        ("user_impact", "one_team"),
        ("back_out", "easy"),
        ("tested", "partly"),
        ("outage", "none"),
    ];
    let ours = NewChange {
        answers: answers.iter().map(|(q, a)| ((*q).to_owned(), (*a).to_owned())).collect(),
        ..raise("Deploy checkout 4.2", e.checkout, "2030-05-02T21:00:00Z", "2030-05-02T22:00:00Z")
    };
    let ours = walk(t, &agent, ours, &["assessment", "authorization"]).await;
    (ours, theirs)
}

async fn conflict(c: &Client, t: &server::TestServer) {
    let e = crate::cmdb_journey::load_estate(t).await;
    let (ours, theirs) = conflicting(t, &e).await;
    sign_in(c, t, "agent").await;
    c.goto(&t.url(&format!("/changes/{ours}"))).await.unwrap();
    let list = text(c, "#conflict-list").await;
    assert!(list.contains(&theirs), "{list}");
    assert!(list.contains("checkout depends on vm-12, which it changes"), "{list}");
    assert!(list.contains("checkout → vm-12 (runs on)"), "the chain by name: {list}");
    assert!(list.contains("2 May 2030, 20:00 UTC – 2 May 2030, 23:00 UTC"), "its window: {list}");
    // The next free slot is after the other change's window.
    assert_eq!(text(c, "#next-slot-window").await, "2 May 2030, 23:00 UTC – 3 May 2030, 00:00 UTC");
    go(c, &format!("#conflict-list a[href='/changes/{theirs}']")).await;
    let list = text(c, "#conflict-list").await;
    assert!(list.contains(&ours) && list.contains("checkout, which it changes, depends on vm-12"), "{list}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conflict_on_a_ci_it_depends_on_is_explained_on_the_change_page() {
    let t = server::spawn().await;
    let b = driver::start().await;
    let outcome = AssertUnwindSafe(conflict(&b.client, &t)).catch_unwind().await;
    b.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
