//! The demo and bulk loaders against a real SQLite database.

// A failed unwrap is a failed test, which is what it should be.
#![allow(clippy::unwrap_used)]

use super::*;
use crate::AppConfig;
use std::net::IpAddr;
use steward_store::{Store, StoreOptions, accounts, records::Sort};

async fn app(dir: &tempfile::TempDir) -> App {
    let url = format!("sqlite://{}/t.db", dir.path().display());
    let store = Store::connect(&url, &StoreOptions::default()).await.unwrap();
    store.migrate().await.unwrap();
    App::new(store, AppConfig { data_dir: dir.path().to_owned(), ..Default::default() })
}

async fn all_incidents(app: &App) -> Vec<Incident> {
    let mut conn = app.store.pool().acquire().await.unwrap();
    let f = records::Filter { sort: Sort::Number, limit: 10_000_000, ..Default::default() };
    records::list(&mut conn, app.store.dialect(), &f).await.unwrap().0
}

/// opened < first response < resolved < closed, all before now, and the
/// fields each state needs (and only those).
fn check_row(inc: &Incident, now: i64) {
    let n = &inc.id;
    if let Some(f) = inc.first_response_at {
        assert!(inc.opened_at < f, "{n}: first response before opening");
    }
    if let Some(r) = inc.resolved_at {
        assert!(inc.first_response_at.is_some_and(|f| f < r), "{n}: resolved before first response");
    }
    if let Some(c) = inc.closed_at {
        assert!(inc.resolved_at.is_some_and(|r| r < c), "{n}: closed before resolved");
    }
    let last = [Some(inc.opened_at), inc.first_response_at, inc.resolved_at, inc.closed_at].into_iter().flatten().max();
    assert!(last.is_some_and(|l| l <= inc.updated_at) && inc.updated_at < now, "{n}: updated_at");
    let state: IncidentState = inc.state.parse().unwrap();
    let resolved = matches!(state, IncidentState::Resolved | IncidentState::Closed);
    assert_eq!(inc.resolved_at.is_some(), resolved, "{n}: resolved_at in {state}");
    assert_eq!(inc.resolution_code.is_some() && inc.resolution_notes.is_some(), resolved, "{n}: resolution in {state}");
    assert_eq!(inc.closed_at.is_some(), state == IncidentState::Closed, "{n}: closed_at in {state}");
    assert_eq!(inc.hold_reason.is_some(), state == IncidentState::OnHold, "{n}: hold_reason in {state}");
    if state != IncidentState::New && state != IncidentState::Cancelled {
        assert!(inc.assignee_id.is_some() && inc.first_response_at.is_some(), "{n}: worked on without assignee");
    }
    if state == IncidentState::New {
        assert!(inc.assignee_id.is_none() && inc.first_response_at.is_none(), "{n}: new but picked up");
    }
    if inc.assignee_id.is_some() {
        assert!(inc.assignment_group_id.is_some(), "{n}: assignee without group");
    }
    let p = story::priority(&steward_domain::PriorityMatrix::default(), inc.impact, inc.urgency);
    assert_eq!(inc.priority, p, "{n}: priority off the matrix");
}

#[tokio::test]
async fn demo_fills_an_empty_database() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(&dir).await;
    let summary = demo(&app, 300).await.unwrap();
    check_demo(&app, &summary).await;
    check_calendar(&app).await;
}

/// The demo's change calendar: every type and the states around now, the
/// failed change with its incident, maintenance windows in the span.
async fn check_calendar(app: &App) {
    let (manager, _) = app.login("manager", DEMO_PASSWORD, IpAddr::from([127, 0, 0, 1])).await.unwrap();
    let now = now_micros();
    let cal = app.change_calendar(&manager, now - 14 * DAY, now + 29 * DAY).await.unwrap();
    let has = |ty: &str, state: &str| cal.changes.iter().any(|c| c.entry.change_type == ty && c.entry.state == state);
    assert!(has("standard", "scheduled") && has("standard", "closed") && has("normal", "scheduled"));
    assert!(has("normal", "authorization") && has("normal", "implementing") && has("emergency", "closed"));
    let failed = cal.changes.iter().find(|c| c.entry.close_code.as_deref() == Some("failed")).expect("a failed change");
    // Where it happened, in the past, not when the demo was made.
    assert!(failed.actual && failed.end < now - DAY, "{failed:?}");
    let links = app.record_links(&manager, steward_domain::number::RecordKind::Change, &failed.number).await.unwrap();
    assert!(links.iter().any(|l| l.record.kind == steward_domain::number::RecordKind::Incident), "{links:?}");
    assert!(cal.windows.len() >= 3 && cal.windows.iter().all(|w| !w.occurrences.is_empty()));
    // The standard change catalogue: four templates, one retired; every
    // standard change made from one.
    let templates = app.change_templates(&manager, false).await.unwrap();
    assert_eq!(templates.len(), 4);
    assert_eq!(templates.iter().filter(|t| !t.is_active()).count(), 1);
    for c in cal.changes.iter().filter(|c| c.entry.change_type == "standard") {
        let change = app.get_change(&manager, &c.number).await.unwrap();
        assert!(change.details.template_name.is_some(), "{} has no template", c.number);
    }
}

async fn check_demo(app: &App, summary: &DemoSummary) {
    assert_eq!((summary.incidents, summary.agents, summary.managers, summary.admins), (300, 25, 2, 1));
    assert_eq!((summary.requesters, summary.groups, summary.organisations), (60, 8, 6));
    assert!(summary.to_string().contains("steward-demo"));
    let all = all_incidents(app).await;
    assert_eq!(all.len(), 300);
    let now = now_micros();
    for s in IncidentState::ALL {
        assert!(all.iter().any(|i| i.state == s.as_str()), "no incident is {s}");
    }
    let old: Vec<_> = all.iter().filter(|i| now - i.opened_at > 30 * DAY).collect();
    let old_final = old.iter().filter(|i| i.state == "closed" || i.state == "cancelled").count();
    assert!(old_final * 100 >= old.len() * 90, "old incidents should be mostly closed");
    assert!(all.iter().any(|i| i.major == 1));
    let mut conn = app.store.pool().acquire().await.unwrap();
    for inc in &all {
        check_row(inc, now);
        if let (Some(g), Some(a)) = (inc.assignment_group_id, inc.assignee_id) {
            assert!(accounts::is_member(&mut conn, g, a).await.unwrap(), "{}: assignee outside group", inc.id);
        }
        if let Some(parent) = inc.parent_id {
            assert!(all.iter().any(|p| p.id == parent && p.major == 1 && p.opened_at < inc.opened_at));
        }
        check_journal(&mut conn, inc).await;
    }
    assert!(all.iter().any(|i| i.parent_id.is_some()));
    assert!(all.iter().any(|i| i.reopen_count == 1), "some incidents were reopened");
    drop(conn);
    let ip = IpAddr::from([127, 0, 0, 1]);
    for l in DEMO_LOGINS {
        let (actor, _) = app.login(l.username, DEMO_PASSWORD, ip).await.unwrap();
        assert_eq!(actor.role.as_str(), l.role);
        if l.username == "agent" {
            let groups = app.list_groups().await.unwrap();
            let names: Vec<_> =
                groups.iter().filter(|g| actor.group_ids.contains(&g.id)).map(|g| g.name.as_str()).collect();
            assert_eq!(names, ["Network", "Service Desk"]);
            // Canned replies to try: the shared ones and the Service Desk's.
            let titles: Vec<String> = app.canned_replies(&actor).await.unwrap().into_iter().map(|r| r.title).collect();
            assert_eq!(titles, ["Need more details", "Resolved, please confirm", "We are on it", "Password reset"]);
        }
    }
    check_knowledge(app, summary).await;
    check_problems(app, summary).await;
    assert!(matches!(demo(app, 10).await, Err(AppError::Forbidden(_))), "a second demo must be refused");
}

/// The demo's problems run under the problems' SLA, and the desk has
/// written comments and work notes on some of them.
async fn check_problems(app: &App, summary: &DemoSummary) {
    assert_eq!(summary.problems, 7);
    let (agent, _) = app.login("agent", DEMO_PASSWORD, IpAddr::from([127, 0, 0, 1])).await.unwrap();
    let f = records::Filter { kind: crate::problems::KIND, sort: Sort::Number, limit: 100, ..Default::default() };
    let (problems, _) = app.list_problems(&agent, f).await.unwrap();
    let kind = steward_domain::number::RecordKind::Problem;
    let mut notes = 0;
    for p in &problems {
        let number = crate::problems::number(p.record.number);
        let clocks = app.problem_clocks(&agent, &number).await.unwrap();
        let of_sla: Vec<&str> = clocks
            .iter()
            .filter(|c| c.sla_name.as_deref() == Some("Problems, office hours"))
            .map(|c| c.kind.as_str())
            .collect();
        assert_eq!(of_sla, ["response", "resolution"], "{number}: {clocks:?}");
        let comments = app.list_comments(&agent, kind, &number).await.unwrap();
        notes += comments.iter().filter(|c| c.internal != 0).count();
        assert!(comments.iter().all(|c| !c.body.is_empty()));
    }
    assert_eq!(notes, 3, "the demo's work notes on problems");
}

/// Requesters read the published articles for them, in English and
/// Polish; staff see every article, tied to its service.
async fn check_knowledge(app: &App, summary: &DemoSummary) {
    assert_eq!(summary.articles, 6);
    let ip = IpAddr::from([127, 0, 0, 1]);
    let (requester, _) = app.login("requester", DEMO_PASSWORD, ip).await.unwrap();
    let f = app.article_filter(&requester, &Default::default()).await.unwrap();
    let (list, _) = app.list_articles(&requester, f).await.unwrap();
    assert_eq!(list.len(), 4, "four published for requesters");
    for a in &list {
        let read = app.get_article(&requester, &crate::articles::number(a.record.number), None).await.unwrap();
        let langs: Vec<&str> = read.texts.iter().map(|t| t.lang.as_str()).collect();
        assert_eq!(langs, ["en", "pl"]);
        assert_eq!(read.shown.state, "published");
    }
    let (agent, _) = app.login("agent", DEMO_PASSWORD, ip).await.unwrap();
    let f = app.article_filter(&agent, &Default::default()).await.unwrap();
    let (all, _) = app.list_articles(&agent, f).await.unwrap();
    let states: Vec<&str> = all.iter().map(|a| a.record.state.as_str()).collect();
    assert_eq!(states.iter().filter(|s| **s == "published").count(), 4, "{states:?}");
    assert!(states.contains(&"in_review") && states.contains(&"draft"));
    let vpn = all.iter().find(|a| a.record.title.contains("VPN")).unwrap();
    let read = app.get_article(&agent, &crate::articles::number(vpn.record.number), None).await.unwrap();
    assert_eq!(read.services.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["VPN"]);
}

#[tokio::test]
async fn a_small_demo_still_shows_every_state() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(&dir).await;
    demo(&app, 25).await.unwrap();
    let all = all_incidents(&app).await;
    assert_eq!(all.len(), 25);
    let mut conn = app.store.pool().acquire().await.unwrap();
    for s in IncidentState::ALL {
        assert!(all.iter().any(|i| i.state == s.as_str()), "no incident is {s}");
    }
    for inc in &all {
        check_row(inc, now_micros());
        check_journal(&mut conn, inc).await;
    }
}

/// The journal tells the row's story: created first, sequence without
/// gaps, the last state change lands on the row's state, comments linked.
async fn check_journal(conn: &mut Conn, inc: &Incident) {
    let entries = journal::entries(conn, "incident", inc.id, true).await.unwrap();
    let n = inc.id;
    assert!(!entries.is_empty(), "{n}: no journal");
    assert_eq!(entries[0].action, "created", "{n}");
    assert_eq!(entries[0].at, inc.opened_at, "{n}");
    assert!(entries[0].changes.contains(r#""field":"title""#), "{n}: {}", entries[0].changes);
    for (i, e) in entries.iter().enumerate() {
        assert_eq!(e.seq, i as i64 + 1, "{n}: seq");
        if i > 0 {
            assert!(entries[i - 1].at <= e.at, "{n}: journal out of order");
        }
        if e.action == "comment" || e.action == "work_note" {
            assert!(e.body.is_some(), "{n}: {} without its text", e.action);
        }
    }
    // SLA entries are the clocks' news, and a link to a problem the
    // problem's (as over the API): neither is an edit, both leave updated_at.
    let last_edit = entries.iter().rev().find(|e| !e.action.starts_with("sla_") && e.action != "linked");
    assert_eq!(last_edit.map(|e| e.at), Some(inc.updated_at), "{n}: updated_at is the last edit");
    let last_state = entries
        .iter()
        .rev()
        .filter(|e| e.action == "state_changed")
        .find_map(|e| {
            let changes: Vec<steward_domain::journal::FieldChange> = serde_json::from_str(&e.changes).unwrap();
            changes.into_iter().find(|c| c.field == "state").and_then(|c| c.new)
        })
        .unwrap_or_else(|| "new".to_owned());
    assert_eq!(last_state, inc.state, "{n}: journal ends in another state");
    let comments = journal::comments(conn, n, true).await.unwrap();
    let linked = entries.iter().filter(|e| e.comment_id.is_some()).count();
    assert_eq!(comments.len(), linked, "{n}: every comment is journaled once");
}

#[tokio::test]
async fn bulk_adds_to_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(&dir).await;
    demo(&app, 300).await.unwrap();
    let seen = std::sync::Mutex::new(Vec::new());
    bulk_incidents(&app, 5_000, |n| seen.lock().unwrap().push(n)).await.unwrap();
    assert_eq!(seen.lock().unwrap().last(), Some(&5_000));
    let all = all_incidents(&app).await;
    assert_eq!(all.len(), 5_300);
    let bulk: Vec<_> = all.iter().filter(|i| i.id > 300).collect();
    let open = bulk.iter().filter(|i| i.state.parse::<IncidentState>().unwrap().is_open()).count();
    assert!((400..=850).contains(&open), "{open} of 5,000 open");
    let now = now_micros();
    let mut conn = app.store.pool().acquire().await.unwrap();
    for inc in bulk.iter().step_by(25) {
        check_row(inc, now);
        assert!(now - inc.opened_at < 366 * DAY);
        if let (Some(g), Some(a)) = (inc.assignment_group_id, inc.assignee_id) {
            assert!(accounts::is_member(&mut conn, g, a).await.unwrap());
        }
        let entries = journal::entries(&mut conn, "incident", inc.id, true).await.unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!((entries[0].action.as_str(), entries[0].at), ("created", inc.opened_at));
    }
}

#[tokio::test]
async fn bulk_brings_its_own_people_to_an_empty_database() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(&dir).await;
    bulk_incidents(&app, 1_200, |_| {}).await.unwrap();
    bulk_incidents(&app, 800, |_| {}).await.unwrap();
    let all = all_incidents(&app).await;
    assert_eq!(all.len(), 2_000);
    assert_eq!(all.last().map(|i| i.id), Some(2_000));
    let users = app.list_users(None).await.unwrap();
    assert_eq!(users.len(), 212, "the second run reuses the first run's people");
    let now = now_micros();
    for inc in &all {
        check_row(inc, now);
    }
}

/// The clocks' entries sit at their own moments among the story's, not
/// after it: the SLA is attached as the incident opens, each breach is
/// journaled when its clock ran out, and the journal stays in time order.
#[tokio::test]
async fn the_demo_journal_has_sla_entries_at_their_moments() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(&dir).await;
    let summary = demo(&app, 120).await.unwrap();
    let all = all_incidents(&app).await;
    let open: Vec<_> = all.iter().filter(|i| i.state.parse::<IncidentState>().unwrap().is_open()).collect();
    assert_eq!(summary.with_clocks, open.len());
    let mut conn = app.store.pool().acquire().await.unwrap();
    let (mut attached, mut breaches) = (0, 0);
    for inc in open {
        let entries = journal::entries(&mut conn, "incident", inc.id, true).await.unwrap();
        let n = inc.id;
        assert!(entries.windows(2).all(|w| w[0].at <= w[1].at), "{n}: journal out of order");
        let clocks = steward_store::sla::clocks_of(&mut conn, "incident", &[n]).await.unwrap();
        for e in entries.iter().filter(|e| e.action.starts_with("sla_")) {
            assert_eq!(e.actor_id, None, "{n}: the demo's clocks are the system's");
            match e.action.as_str() {
                "sla_attached" => {
                    assert_eq!((e.seq, e.at), (2, inc.opened_at), "{n}: attached as it opened");
                    attached += 1;
                }
                "sla_breached" => {
                    let field = |k: &str| crate::sla::field_of(k).to_owned();
                    let clock = clocks.iter().find(|c| e.changes.contains(&format!("\"{}\"", field(&c.kind))));
                    assert_eq!(Some(e.at), clock.and_then(|c| c.breached_at), "{n}: breached when it ran out");
                    breaches += 1;
                }
                _ => {}
            }
        }
    }
    assert!(attached > 0 && breaches > 0, "{attached} attached, {breaches} breaches");
}

/// The demo's alerts, posted through the intake, correlate in one pass
/// into one incident on the Web Shop, shop-cache its probable cause and
/// the checkout and the shop its symptoms; the silenced, the muted and
/// the unmapped alerts open none; the desk has picked up the cause.
#[tokio::test]
async fn the_demo_alerts_correlate_into_one_incident_on_the_web_shop() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(&dir).await;
    let summary = demo(&app, 30).await.unwrap();
    assert_eq!((summary.alerts_firing, summary.alerts_resolved), (10, 4));
    assert!(summary.to_string().contains("10 alerts firing (4 resolved before)"), "{summary}");
    let pass = app.correlate_alerts().await.unwrap();
    let (admin, _) = app.login("admin", DEMO_PASSWORD, IpAddr::from([127, 0, 0, 1])).await.unwrap();
    assert_eq!(pass.opened.len(), 1, "one group, one incident: {pass:?}");
    let inc = app.get_incident(&admin, &crate::incidents::number(pass.opened[0])).await.unwrap();
    let (shop, _) = app.service_by_name_or_id("Web Shop").await.unwrap();
    assert_eq!(inc.service_id, Some(shop), "{inc:?}");
    assert_eq!(inc.title, "RedisOutOfMemory on shop-cache (and 2 affected CIs)");
    assert_eq!(inc.priority, 1, "a tier-1 service, a critical alert");
    let text = &inc.description;
    assert!(text.starts_with("Probable cause: shop-cache\n"), "{text}");
    assert!(text.contains("Affected: Web Shop — depends on shop-cache (via shop-checkout)"), "{text}");
    let group = app.incident_alert_group(&admin, inc.id).await.unwrap().expect("the incident's alert group");
    let names =
        |it: &mut dyn Iterator<Item = &crate::alerts::GroupMember>| it.map(|m| m.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&mut group.causes()), ["shop-cache"]);
    let mut symptoms = names(&mut group.symptoms());
    symptoms.sort();
    assert_eq!(symptoms, ["Web Shop", "shop-checkout"]);
    let checkout = group.members.iter().find(|m| m.name == "shop-checkout").unwrap();
    assert_eq!(checkout.alerts.len(), 4, "one alert from each pod");
    // A second pass opens nothing more.
    assert!(app.correlate_alerts().await.unwrap().opened.is_empty());

    let alerts = app.list_alerts(&admin, &crate::alerts::AlertFilter::default()).await.unwrap();
    assert_eq!(alerts.len(), 10);
    let named = |n: &str| alerts.iter().find(|a| a.alert.labels.get("alertname") == n).unwrap();
    assert_eq!(named("BackupDurationHigh").silenced_by.len(), 1, "silenced");
    let muted = &named("HostDown").muted_by;
    assert!(matches!(muted.as_slice(), [crate::alerts::MutedBy::Window { .. }]), "in a maintenance window: {muted:?}");
    let fp = steward_domain::alert::fingerprint_text(named("RedisOutOfMemory").alert.fingerprint);
    let oom = app.get_alert(&admin, &fp).await.unwrap();
    let (agent, _) = app.login("agent", DEMO_PASSWORD, IpAddr::from([127, 0, 0, 1])).await.unwrap();
    assert_eq!((oom.acked.map(|a| a.0), oom.assignee.map(|a| a.0)), (Some(agent.id), Some(agent.id)));
    let kinds: Vec<String> = app.alert_history(&admin, &fp).await.unwrap().into_iter().map(|h| h.event.kind).collect();
    assert!(kinds.starts_with(&["fired".into(), "resolved".into(), "fired".into()]), "an earlier episode: {kinds:?}");
}
