//! The change pages over plain HTTP: what each refused form shows beside
//! its field (a window that ends before it starts, a risk answer the
//! question does not offer, a time that does not read), with nothing
//! stored; an approval of one's own change refused with the reason; and
//! requesters kept out.

use crate::server::{self, get, post};
use reqwest::{StatusCode, header};
use steward_app::changes::{ChangeTransitionInput, NewChange, number};

pub async fn body(r: reqwest::Response, status: StatusCode) -> String {
    assert_eq!(r.status(), status, "status of {}", r.url());
    r.text().await.unwrap()
}

/// The text of the element with this id (up to its first tag inside).
pub fn at<'a>(page: &'a str, id: &str) -> &'a str {
    let open = format!(r#"id="{id}""#);
    let start = page.find(&open).unwrap_or_else(|| panic!("no #{id} in {page}"));
    let rest = &page[start..];
    let text = &rest[rest.find('>').unwrap() + 1..];
    &text[..text.find('<').unwrap()]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_change_forms_say_why_beside_the_field_and_store_nothing() {
    let t = server::spawn().await;
    let (cookie, csrf) = t.session("agent").await;
    let form = [
        ("_csrf", csrf.as_str()),
        ("title", "Rotate the TLS certificates"),
        ("change_type", "normal"),
        ("impact", "2"),
        ("urgency", "3"),
        ("planned_start", "2030-01-10T10:00"),
        ("planned_end", "2030-01-10T09:00"),
        ("answers.services_affected", "one"),
        ("answers.user_impact", "nobody"),
        ("answers.back_out", "easy"),
        ("answers.tested", "partly"),
        ("answers.outage", "forever"),
    ];
    let page = body(post(&t, "/changes", &cookie, &form).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(at(&page, "planned_end-error"), "The planned end must be after the planned start");
    assert_eq!(at(&page, "answer-outage-error"), "&quot;forever&quot; is not one of none, in_window, outside_window");
    assert!(page.contains(r#"value="Rotate the TLS certificates""#), "the title is kept");
    assert!(page.contains(r#"<option value="forever" selected>forever</option>"#), "the answer is kept");
    assert!(page.contains(r#"value="2030-01-10T09:00""#), "the end is kept");
    let list = body(get(&t, "/changes", &cookie).await, StatusCode::OK).await;
    assert!(list.contains(r#"id="no-changes""#), "nothing was stored");

    // An edit with a time that does not read, and a half-answered
    // questionnaire: each message beside its field.
    let (agent, _) = t.app.login("agent", server::PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    let n = NewChange { title: "Patch the mail relay".into(), ..NewChange::default() };
    let c = t.app.create_change(&agent, n).await.unwrap();
    let chg = number(c.record.number);
    let version = c.record.version.to_string();
    let edit = [
        ("_csrf", csrf.as_str()),
        ("version", version.as_str()),
        ("title", "Patch the mail relay"),
        ("change_type", "normal"),
        ("impact", "3"),
        ("urgency", "3"),
        ("planned_start", "next tuesday"),
        ("planned_end", ""),
        ("answers.outage", "none"),
    ];
    let page =
        body(post(&t, &format!("/changes/{chg}/edit"), &cookie, &edit).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(at(&page, "planned_start-error").contains("is not a date and time"), "{page}");
    let edit: Vec<(&str, &str)> =
        edit.iter().map(|(k, v)| if *k == "planned_start" { (*k, "") } else { (*k, *v) }).collect();
    let page =
        body(post(&t, &format!("/changes/{chg}/edit"), &cookie, &edit).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(at(&page, "answer-tested-error"), "Is required");
    let stored = t.app.get_change(&agent, &chg).await.unwrap();
    assert_eq!((stored.record.version, stored.details.risk_answers.as_str()), (c.record.version, "[]"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approval_of_ones_own_change_is_refused_with_the_reason_and_requesters_are_kept_out() {
    let t = server::spawn().await;
    let (admin, _) = t.app.login("admin", server::PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    let mut c = t
        .app
        .create_change(&admin, NewChange { title: "Renew the wildcard certificate".into(), ..NewChange::default() })
        .await
        .unwrap();
    let chg = number(c.record.number);
    for state in ["assessment", "authorization"] {
        let to = ChangeTransitionInput { state: state.into(), ..Default::default() };
        c = t.app.transition_change(&admin, &chg, Some(c.record.version), to).await.unwrap();
    }
    let (cookie, csrf) = t.session("admin").await;
    let page = body(get(&t, &format!("/changes/{chg}"), &cookie).await, StatusCode::OK).await;
    assert_eq!(at(&page, "approval-own"), "You raised this change: another manager must approve it.");
    assert!(!page.contains(r#"id="approve""#), "no button to approve one's own change");
    let version = c.record.version.to_string();
    let form = [("_csrf", csrf.as_str()), ("version", version.as_str()), ("comment", "Looks fine to me.")];
    let page = body(post(&t, &format!("/changes/{chg}/approve"), &cookie, &form).await, StatusCode::FORBIDDEN).await;
    assert_eq!(at(&page, "approval-error"), "You cannot approve your own change: someone else must approve it");
    assert!(!t.app.get_change(&admin, &chg).await.unwrap().is_approved(), "nothing was stored");

    // Sent back to assessment, an approval from the page as it was is
    // refused with the reason on the page; watching it works as on any record.
    t.add_manager().await;
    let (mona_cookie, mona_csrf) = t.session("mona").await;
    let back = ChangeTransitionInput { state: "assessment".into(), ..Default::default() };
    let moved = t.app.transition_change(&admin, &chg, Some(c.record.version), back).await.unwrap();
    let moved_version = moved.record.version.to_string();
    let form = [("_csrf", mona_csrf.as_str()), ("version", moved_version.as_str()), ("comment", "")];
    let page =
        body(post(&t, &format!("/changes/{chg}/approve"), &mona_cookie, &form).await, StatusCode::CONFLICT).await;
    assert!(at(&page, "approval-error").contains("only in authorization"), "{page}");
    let r = post(&t, &format!("/changes/{chg}/watch"), &mona_cookie, &[("_csrf", &mona_csrf), ("on", "1")]).await;
    assert_eq!(r.headers()[header::LOCATION], format!("/changes/{chg}?m=watching"));
    let page = body(get(&t, &format!("/changes/{chg}?m=watching"), &mona_cookie).await, StatusCode::OK).await;
    assert!(page.contains(r#"aria-pressed="true""#), "the button says she watches it");

    // Requesters see no changes: the list sends them to the portal, a
    // change's page is refused.
    let (requester, _) = t.session("requester").await;
    let r = get(&t, "/changes", &requester).await;
    assert_eq!(r.headers()[header::LOCATION], "/portal");
    body(get(&t, &format!("/changes/{chg}"), &requester).await, StatusCode::FORBIDDEN).await;
    body(get(&t, "/changes/new", &requester).await, StatusCode::FORBIDDEN).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_approvers_a_policy_asks_decide_on_the_page_and_a_rejection_needs_its_reason() {
    use steward_app::approval_policies::{PolicyInput, StageInput};
    let t = server::spawn().await;
    let (admin, _) = t.app.login("admin", server::PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    let stage = StageInput { name: "Network leads".into(), users: Some(vec!["netagent".into()]), ..Default::default() };
    let policy = PolicyInput { name: "Network".into(), stages: vec![stage], ..Default::default() };
    t.app.add_approval_policy(&admin, policy).await.unwrap();
    let (agent, _) = t.app.login("agent", server::PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    let n = NewChange { title: "Replace the core switch".into(), ..NewChange::default() };
    let mut c = t.app.create_change(&agent, n).await.unwrap();
    let chg = number(c.record.number);
    for state in ["assessment", "authorization"] {
        let to = ChangeTransitionInput { state: state.into(), ..Default::default() };
        c = t.app.transition_change(&agent, &chg, Some(c.record.version), to).await.unwrap();
    }
    // The raiser sees the round and waits; the asked approver gets the buttons.
    let (cookie, _) = t.session("agent").await;
    let page = body(get(&t, &format!("/changes/{chg}"), &cookie).await, StatusCode::OK).await;
    assert!(page.contains("Network leads") && page.contains("Waiting for the approvers the policy asks now."));
    assert!(!page.contains(r#"id="reject""#));
    let (nora, csrf) = t.session("netagent").await;
    let page = body(get(&t, &format!("/changes/{chg}"), &nora).await, StatusCode::OK).await;
    assert!(page.contains(r#"id="reject""#) && page.contains(r#"id="approve""#), "{page}");
    let version = c.record.version.to_string();
    let bare = [("_csrf", csrf.as_str()), ("version", version.as_str()), ("comment", ""), ("decision", "reject")];
    let page =
        body(post(&t, &format!("/changes/{chg}/approve"), &nora, &bare).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(page.contains("Say why the change is rejected"), "{page}");
    let why = [
        ("_csrf", csrf.as_str()),
        ("version", version.as_str()),
        ("comment", "No back-out plan for the uplinks"),
        ("decision", "reject"),
    ];
    let r = post(&t, &format!("/changes/{chg}/approve"), &nora, &why).await;
    assert_eq!(r.headers()[header::LOCATION], format!("/changes/{chg}?m=rejected"));
    let page = body(get(&t, &format!("/changes/{chg}?m=rejected"), &nora).await, StatusCode::OK).await;
    assert!(page.contains("Change rejected and sent back."), "{page}");
    assert!(page.contains("No back-out plan for the uplinks"), "the comment on the round");
    assert_eq!(t.app.get_change(&agent, &chg).await.unwrap().record.state, "assessment");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_change_review_shows_the_rate_and_the_failed_change_with_its_incident() {
    use steward_app::{incidents::NewIncident, links::LinkRequest};
    use steward_domain::number::RecordKind;
    let t = server::spawn().await;
    let (agent, _) = t.app.login("agent", server::PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    let (admin, _) = t.app.login("admin", server::PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    // Two emergency changes: one successful, one failed with an incident.
    let mut numbers = Vec::new();
    for (title, code) in [("Patch the VPN gateway", "successful"), ("Hotfix the payment plug-in", "failed")] {
        let n = NewChange { title: title.into(), change_type: Some("emergency".into()), ..NewChange::default() };
        let mut c = t.app.create_change(&agent, n).await.unwrap();
        let chg = number(c.record.number);
        for state in ["authorization", "approve", "implementing", "review", "closed"] {
            c = if state == "approve" {
                t.app.approve_change(&admin, &chg, Some(c.record.version), None).await.unwrap()
            } else {
                let closing = state == "closed";
                let to = ChangeTransitionInput {
                    state: state.into(),
                    close_code: closing.then(|| code.into()),
                    review_notes: closing.then(|| "Checkout broke for an hour".into()),
                    ..Default::default()
                };
                t.app.transition_change(&agent, &chg, Some(c.record.version), to).await.unwrap()
            };
        }
        numbers.push(chg);
    }
    let inc = t
        .app
        .create_incident(&agent, NewIncident { title: "Card payments refused".into(), ..NewIncident::default() })
        .await
        .unwrap();
    let inc = steward_app::incidents::number(inc.number);
    let link = LinkRequest { link: "caused_by_change".into(), record: numbers[1].clone(), version: None };
    t.app.link_record(&agent, RecordKind::Incident, &inc, &link).await.unwrap();

    let (cookie, _) = t.session("agent").await;
    let list = body(get(&t, "/changes", &cookie).await, StatusCode::OK).await;
    assert!(list.contains(r#"id="change-review-link" href="/changes/review""#), "reached from the list");
    let page = body(get(&t, "/changes/review", &cookie).await, StatusCode::OK).await;
    assert!(page.contains("<dt>Success rate</dt><dd>50.0 %</dd>"), "{page}");
    assert!(page.contains(r#"<a href="/changes?state=closed&amp;change_type=emergency">Emergency</a>"#), "{page}");
    let failed = &page[page.find(&format!(r#"id="failed-{}""#, numbers[1])).expect("the failed change is listed")..];
    assert!(failed.contains("Hotfix the payment plug-in") && failed.contains("Checkout broke for an hour"));
    assert!(failed.contains(&format!(r#"<a href="/incidents/{inc}">{inc}</a>"#)), "with its incident");
    assert!(!page.contains(&format!(r#"id="failed-{}""#, numbers[0])), "the successful one is not");
    // A bad period is said beside its field; requesters are kept out.
    let page = body(get(&t, "/changes/review?days=0", &cookie).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(at(&page, "days-error"), "Must be 1 to 730");
    let (requester, _) = t.session("requester").await;
    body(get(&t, "/changes/review", &requester).await, StatusCode::FORBIDDEN).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cab_agenda_sets_meetings_and_marks_changes_before_them() {
    use steward_app::approval_policies::{PolicyInput, StageInput};
    let t = server::spawn().await;
    let (manager, _) = t.app.login("admin", server::PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    let (agent, _) = t.app.login("agent", server::PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    let stage = StageInput { name: "CAB".into(), group: Some("Service Desk".into()), ..StageInput::default() };
    let p = PolicyInput {
        name: "CAB".into(),
        change_type: Some("normal".into()),
        stages: vec![stage],
        ..PolicyInput::default()
    };
    t.app.add_approval_policy(&manager, p).await.unwrap();
    // Waiting since long before any meeting: its window has begun.
    let start = (jiff::Timestamp::now() - jiff::SignedDuration::from_hours(48)).to_string();
    let n = NewChange {
        title: "Replace the core router".into(),
        planned_start: Some(start),
        planned_end: Some("2030-01-01T00:00:00Z".into()),
        ..NewChange::default()
    };
    let mut c = t.app.create_change(&agent, n).await.unwrap();
    let chg = number(c.record.number);
    for state in ["assessment", "authorization"] {
        let to = ChangeTransitionInput { state: state.into(), ..Default::default() };
        c = t.app.transition_change(&agent, &chg, Some(c.record.version), to).await.unwrap();
    }

    let (cookie, csrf) = t.session("admin").await;
    let list = body(get(&t, "/changes", &cookie).await, StatusCode::OK).await;
    assert!(list.contains(r#"id="cab-agenda-link" href="/changes/cab""#), "reached from the list");
    let page = body(get(&t, "/changes/cab?group=Service%20Desk", &cookie).await, StatusCode::OK).await;
    assert!(page.contains(r#"id="cab-no-meeting""#) && page.contains(&format!(r#"id="cab-{chg}""#)), "{page}");
    // A refused schedule says why beside each field and stores nothing.
    let bad = [
        ("_csrf", csrf.as_str()),
        ("group", "Service Desk"),
        ("start", "25:00"),
        ("minutes", "0"),
        ("time_zone", "Mars/Base"),
    ];
    let page = body(post(&t, "/changes/cab/meeting", &cookie, &bad).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(at(&page, "cab-start-error"), "&quot;25:00&quot; is not a time of day: use HH:MM, e.g. 01:00");
    assert!(page.contains("Name at least one day"), "{page}");
    assert!(page.contains(r#"id="cab-no-meeting""#), "nothing stored");
    // Every day at midnight UTC: the next meeting is within a day, and the
    // change that has begun already is marked.
    let mut good = vec![("_csrf", csrf.as_str()), ("group", "Service Desk")];
    for d in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] {
        good.push(("days", d));
    }
    good.extend([("start", "00:00"), ("minutes", "60"), ("time_zone", "UTC")]);
    let r = post(&t, "/changes/cab/meeting", &cookie, &good).await;
    assert_eq!(r.headers()[header::LOCATION], "/changes/cab?group=Service%20Desk&m=saved");
    let page = body(get(&t, "/changes/cab?group=Service%20Desk&m=saved", &cookie).await, StatusCode::OK).await;
    assert!(page.contains(r#"id="cab-next""#) && page.contains("The meetings are saved."), "{page}");
    assert!(page.contains(&format!(r#"<tr id="cab-{chg}" class="cab-before">"#)), "{page}");
    // Agents read the agenda but have no form.
    let (agent_cookie, _) = t.session("agent").await;
    let page = body(get(&t, "/changes/cab?group=Service%20Desk", &agent_cookie).await, StatusCode::OK).await;
    assert!(page.contains(r#"id="cab-next""#) && !page.contains(r#"id="cab-meeting-form""#));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_risk_questionnaire_is_shown_replaced_on_the_page_and_used_by_the_change_form() {
    let t = server::spawn().await;
    let (cookie, csrf) = t.session("admin").await;
    let form = body(get(&t, "/changes/new", &cookie).await, StatusCode::OK).await;
    assert!(form.contains(r#"id="risk-how" href="/changes/risk""#), "reached from the change form");
    let page = body(get(&t, "/changes/risk", &cookie).await, StatusCode::OK).await;
    assert!(page.contains(r#"id="question-services_affected""#) && page.contains("The highest possible score is 21."));
    assert!(page.contains(r#"id="risk-json""#), "admins may replace it");

    // JSON that does not read, and one that reads but does not hold: each
    // problem named, nothing stored.
    let bad = [("_csrf", csrf.as_str()), ("questionnaire", r#"{"questions": 3}"#)];
    let page = body(post(&t, "/changes/risk", &cookie, &bad).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(page.contains("<code>questions</code>: not JSON as the questionnaire needs it"), "{page}");
    assert!(page.contains(r#"{&quot;questions&quot;: 3}"#), "what was typed stays: {page}");
    let holds_not = r#"{"questions": [{"key": "Reach", "text_en": "Reach?", "text_pl": "Zasięg?", "answers": []}],
        "levels": [{"min_score": 0, "level": "low"}], "cab_from": "high"}"#;
    let bad = [("_csrf", csrf.as_str()), ("questionnaire", holds_not)];
    let page = body(post(&t, "/changes/risk", &cookie, &bad).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    for said in ["<code>questions[0].key</code>", "<code>questions[0].answers</code>", "<code>cab_from</code>"] {
        assert!(page.contains(said), "{said} in {page}");
    }
    assert!(page.contains(r#"id="question-services_affected""#), "the built-in one stays in force");

    let good = r#"{"questions": [{"key": "reach", "text_en": "How far does it reach?", "text_pl": "Jak daleko sięga?",
        "answers": [{"key": "team", "text_en": "One team", "text_pl": "Jeden zespół", "weight": 0},
                    {"key": "all", "text_en": "Everyone", "text_pl": "Wszyscy", "weight": 9}]}],
        "levels": [{"min_score": 0, "level": "low"}, {"min_score": 9, "level": "very_high"}], "cab_from": "very_high"}"#;
    let r = post(&t, "/changes/risk", &cookie, &[("_csrf", csrf.as_str()), ("questionnaire", good)]).await;
    assert_eq!(r.headers()[header::LOCATION], "/changes/risk?m=saved");
    let page = body(get(&t, "/changes/risk?m=saved", &cookie).await, StatusCode::OK).await;
    assert!(page.contains(r#"id="question-reach""#) && !page.contains(r#"id="question-services_affected""#));
    // The change form asks the new question.
    let form = body(get(&t, "/changes/new", &cookie).await, StatusCode::OK).await;
    assert!(form.contains(r#"name="answers.reach""#) && !form.contains(r#"name="answers.tested""#), "{form}");
    let (agent, agent_csrf) = t.session("agent").await;
    let page = body(get(&t, "/changes/risk", &agent).await, StatusCode::OK).await;
    assert!(page.contains(r#"id="question-reach""#) && !page.contains(r#"id="risk-json""#), "agents read it only");
    let r = post(&t, "/changes/risk", &agent, &[("_csrf", agent_csrf.as_str()), ("questionnaire", good)]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let r = post(&t, "/changes/risk/reset", &cookie, &[("_csrf", csrf.as_str())]).await;
    assert_eq!(r.headers()[header::LOCATION], "/changes/risk?m=reset");
    let page = body(get(&t, "/changes/risk", &cookie).await, StatusCode::OK).await;
    assert!(page.contains(r#"id="question-services_affected""#));
}
