//! An edit writes only what the person changed: a patch or a form naming
//! every field as it already is writes nothing (no journal entry, no field
//! change, no new version), whatever the incident's shape.

use crate::helpers::*;
use crate::{both, both_with};
use serde_json::{Value, json};

/// An incident in the shape that lost its assignee: assigned to someone in
/// two groups, under the second; major, a child, with a service, CIs and a
/// description of several lines. Its number and CI ids.
async fn busy_incident(t: &TestApp) -> (String, Vec<i64>) {
    t.app.add_member(None, "Network", "agent").await.unwrap();
    let cis = t.services(&["Exchange", "Mail relay"]).await;
    let parent = num(&t.incident(&t.agent, json!({"title": "Mail outage", "major": true})).await);
    let body = json!({
        "title": "Cannot send mail",
        "description": "Since 9:00.\n\nSteps:\n1. open Outlook\n2. send",
        "impact": 2, "urgency": 1, "requester": "requester", "category": "Email", "service": "Exchange",
        "assignment_group": "Network", "assignee": "agent", "major": true, "parent": parent, "cis": cis,
    });
    (num(&t.incident(&t.agent, body).await), cis)
}

both!(a_patch_of_every_field_as_it_is_writes_nothing, |t| {
    let (n, cis) = busy_incident(&t).await;
    let before = t.snapshot(&n).await;
    let inc = &before.0;
    let body = json!({
        "version": inc["version"], "title": inc["title"], "description": inc["description"],
        "impact": inc["impact"], "urgency": inc["urgency"], "requester": "requester",
        "category": inc["category"], "service": inc["service"]["name"], "assignment_group": "Network",
        "assignee": "agent", "major": inc["major"], "parent": inc["parent"], "cis": cis,
    });
    let r = t.patch(&format!("/api/v1/incidents/{n}"), &t.agent, body).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["etag"], format!("\"{}\"", inc["version"]).as_str(), "no new version");
    assert_eq!(t.snapshot(&n).await, before, "no field changed, nothing journaled");
});

both!(the_edit_form_shows_and_keeps_an_assignee_of_several_groups, |t| {
    let (n, cis) = busy_incident(&t).await;
    let (_, session) = t.app.login("agent", PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    let cookie = format!("steward_session={}", session.token);
    let page = |path: String| t.client.get(format!("{}{path}", t.base)).header("cookie", cookie.clone()).send();
    let html = page(format!("/incidents/{n}/edit")).await.unwrap().text().await.unwrap();
    // Chosen once, under the incident's group: a browser keeps the last
    // `selected`, and app.js empties the field when that is another group's.
    assert_eq!(html.matches(r#"<option value="agent" selected>"#).count(), 1, "{html}");
    let network = &html[html.find(r#"data-group="Network""#).unwrap()..];
    assert!(network[..network.find("</optgroup>").unwrap()].contains(r#"<option value="agent" selected>"#));

    // The form as the browser sends it untouched: its textarea with CRLF.
    let before = t.snapshot(&n).await;
    let inc = &before.0;
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let version = inc["version"].to_string();
    let mut form = vec![
        ("_csrf", session.csrf.clone()),
        ("version", version),
        ("title", text(&inc["title"])),
        ("description", text(&inc["description"]).replace('\n', "\r\n")),
        ("impact", inc["impact"].to_string()),
        ("urgency", inc["urgency"].to_string()),
        ("requester", "requester".into()),
        ("parent", text(&inc["parent"])),
        ("category", text(&inc["category"])),
        ("service", text(&inc["service"]["name"])),
        ("assignment_group", "Network".into()),
        ("assignee", "agent".into()),
        ("major", "on".into()),
    ];
    form.extend(cis.iter().map(|c| ("cis", c.to_string())));
    let r = t
        .client
        .post(format!("{}/incidents/{n}/edit", t.base))
        .header("cookie", cookie.clone())
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    assert_eq!(t.snapshot(&n).await, before, "no field changed, nothing journaled");
});

/// A desk whose matrix makes everything P5.
fn calm_matrix() -> steward_app::AppConfig {
    let priority_matrix = steward_domain::PriorityMatrix::from_rows([[5; 3]; 3]).unwrap();
    steward_app::AppConfig { priority_matrix, ..Default::default() }
}

both_with!(a_new_matrix_moves_no_priority_until_impact_or_urgency_changes, calm_matrix(), |t| {
    let n = num(&t.incident(&t.agent, json!({"title": "Printer", "impact": 1, "urgency": 1})).await);
    // Another node (or a restart) with ITIL's matrix saves the form untouched.
    let store = steward_store::Store::connect(&t.url, &Default::default()).await.unwrap();
    let itil = steward_app::App::new(
        store,
        steward_app::AppConfig { data_dir: t.app.config.data_dir.clone(), ..Default::default() },
    );
    let (_, s) = t.app.login("agent", PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    let agent = itil.session_actor(&s.token).await.unwrap().0;
    let patch = |impact| steward_app::incidents::IncidentPatch {
        title: Some("Printer".into()),
        impact: Some(impact),
        urgency: Some(1),
        ..Default::default()
    };
    let inc = itil.update_incident(&agent, &n, Some(1), patch(1)).await.unwrap();
    assert_eq!((inc.priority, inc.version), (5, 1), "unchanged: the priority stays as it was set");
    let inc = itil.update_incident(&agent, &n, Some(1), patch(2)).await.unwrap();
    assert_eq!((inc.priority, inc.version), (2, 2), "a new impact: the matrix of now");
    itil.store.close().await;
});
