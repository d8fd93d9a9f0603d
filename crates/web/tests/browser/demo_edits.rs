//! Editing changes only what the person changed: in a real browser, the
//! edit form of a demo incident of every shape (an assignee in several
//! groups, no group, closed, major, a child of a major, on hold, a
//! description of several lines) shows the incident as it is, and saving
//! it untouched writes nothing.

use crate::journey::{go, path, wait};
use crate::{driver, server};
use fantoccini::Client;
use futures_util::FutureExt;
use std::panic::AssertUnwindSafe;
use steward_app::incidents::{IncidentPatch, number};
use steward_store::records::{self, Filter, Incident};
use steward_store::{cmdb, journal};

/// What an unchanged save must leave as it was: the row and its CIs, and
/// the journal but for what the SLA timer may add meanwhile on its own.
async fn state(t: &server::TestServer, id: i64) -> (Incident, Vec<i64>, Vec<(i64, String, String)>) {
    let mut conn = t.app.store.pool().acquire().await.unwrap();
    let mut inc = records::get(&mut conn, id).await.unwrap().unwrap();
    inc.sla = Default::default();
    let cis = cmdb::record_cis(&mut conn, id).await.unwrap();
    let entries = journal::entries(&mut conn, "incident", id, true).await.unwrap();
    let people = entries.into_iter().filter(|e| e.actor_id.is_some() || !e.action.starts_with("sla_"));
    (inc, cis, people.map(|e| (e.seq, e.action, e.changes)).collect())
}

/// Gives the newest incident in progress a description of several lines,
/// as the form writes them (the demo's are one line).
async fn add_lines(t: &server::TestServer) {
    let (_, s) = t.app.login("agent", steward_app::seed::DEMO_PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    let agent = t.app.session_actor(&s.token).await.unwrap().0;
    let mut conn = t.app.store.pool().acquire().await.unwrap();
    let f = Filter { states: vec!["in_progress".into()], limit: 1, ..Default::default() };
    let inc = records::list(&mut conn, t.app.store.dialect(), &f).await.unwrap().0.remove(0);
    let description = Some(format!("{}\n\nSteps:\n1. sign in\n2. open the report", inc.description));
    let patch = IncidentPatch { description, ..Default::default() };
    t.app.update_incident(&agent, &number(inc.number), Some(inc.version), patch).await.unwrap();
}

/// One demo incident per shape, named for the failure message.
async fn shapes(t: &server::TestServer) -> Vec<(&'static str, Incident)> {
    add_lines(t).await;
    let mut conn = t.app.store.pool().acquire().await.unwrap();
    let (all, more) =
        records::list(&mut conn, t.app.store.dialect(), &Filter { limit: 500, ..Default::default() }).await.unwrap();
    assert!(!more, "one page holds the demo");
    drop(conn);
    let mut in_groups = std::collections::HashMap::<i64, usize>::new();
    for g in t.app.list_groups().await.unwrap() {
        for u in t.app.group_members(g.id).await.unwrap() {
            *in_groups.entry(u.id).or_default() += 1;
        }
    }
    type Shape<'a> = (&'static str, &'a dyn Fn(&Incident) -> bool);
    let checks: [Shape; 8] = [
        ("an assignee in several groups", &|i| i.assignee_id.is_some_and(|a| in_groups.get(&a) > Some(&1))),
        ("no group", &|i| i.assignment_group_id.is_none()),
        ("closed", &|i| i.state == "closed"),
        ("major", &|i| i.major == 1),
        ("a child of a major incident", &|i| i.parent_id.is_some()),
        ("a service", &|i| i.service.is_some() && i.category.is_some()),
        ("on hold", &|i| i.state == "on_hold"),
        ("a description of several lines", &|i| i.description.contains('\n')),
    ];
    checks
        .into_iter()
        .map(|(shape, is)| match all.iter().find(|i| is(i)) {
            Some(i) => (shape, i.clone()),
            None => panic!("the demo has no incident with {shape}"),
        })
        .collect()
}

async fn value(c: &Client, css: &str) -> String {
    wait(c, css).await.prop("value").await.unwrap().unwrap_or_default()
}

async fn journey(c: &Client, t: &server::TestServer) {
    c.goto(&t.url("/login")).await.unwrap();
    crate::journey::fill(c, "#username", "agent").await;
    crate::journey::fill(c, "#password", steward_app::seed::DEMO_PASSWORD).await;
    go(c, ".login-card button[type=submit]").await;
    assert_eq!(path(c).await, "/home");
    let users = t.app.list_users(None).await.unwrap();
    let username =
        |id: Option<i64>| id.map(|id| users.iter().find(|u| u.id == id).unwrap().username.clone()).unwrap_or_default();
    for (shape, inc) in shapes(t).await {
        let n = number(inc.number);
        let before = state(t, inc.id).await;
        c.goto(&t.url(&format!("/incidents/{n}/edit"))).await.unwrap();
        // The form shows the incident as it is.
        let shown = [
            ("#assignment_group", value(c, "#assignment_group").await, inc.group_name.clone().unwrap_or_default()),
            ("#assignee", value(c, "#assignee").await, username(inc.assignee_id)),
            ("#requester", value(c, "#requester").await, username(Some(inc.requester_id))),
            ("#service", value(c, "#service").await, inc.service.clone().unwrap_or_default()),
            ("#parent", value(c, "#parent").await, inc.parent_id.map(number).unwrap_or_default()),
        ];
        for (field, got, want) in shown {
            assert_eq!(got, want, "{n} ({shape}): {field}");
        }
        let ticked = c.find_all(fantoccini::Locator::Css("input[name=cis]:checked")).await.unwrap().len();
        assert_eq!(ticked, before.1.len(), "{n} ({shape}): every CI ticked");
        if let (Some(a), Some(group)) = (inc.assignee_id, &inc.group_name) {
            // Another of the assignee's groups keeps them chosen (app.js);
            // then back to the record's group, to save it untouched.
            for g in t.app.list_groups().await.unwrap().iter().filter(|g| g.name != *group) {
                if t.app.group_members(g.id).await.unwrap().iter().any(|u| u.id == a) {
                    crate::journey::choose(c, "#assignment_group", &g.name).await;
                    assert_eq!(value(c, "#assignee").await, username(Some(a)), "{n} ({shape}): kept under {}", g.name);
                    crate::journey::choose(c, "#assignment_group", group).await;
                    break;
                }
            }
        }
        // Saved untouched: no journal entry, no field changed, same version.
        go(c, ".incident-form button[type=submit]").await;
        assert_eq!(path(c).await, format!("/incidents/{n}"), "{n} ({shape}) saved");
        let after = state(t, inc.id).await;
        assert_eq!(after.0, before.0, "{n} ({shape}): the row is as it was");
        assert_eq!(after.1, before.1, "{n} ({shape}): the CIs are as they were");
        assert_eq!(after.2, before.2, "{n} ({shape}): nothing journaled");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_untouched_edit_of_every_demo_shape_writes_nothing() {
    let t = server::spawn_demo(400).await;
    let b = driver::start().await;
    let outcome = AssertUnwindSafe(journey(&b.client, &t)).catch_unwind().await;
    b.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
