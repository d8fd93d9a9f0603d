//! The alert pages over plain HTTP, the whole way an agent works an
//! alert: alerts posted through `/api/v2` with a token limited to alerts,
//! the console filtered (matchers, acknowledged), paged and grouped, one
//! alert acknowledged from the list, opened, assigned, silenced from its
//! page (the refusals beside their fields first, nothing stored), seen
//! suppressed, and the silence ended from the silences page.

use crate::change_pages::{at, body};
use crate::server::{self, TestServer, get, post};
use reqwest::{StatusCode, header};
use serde_json::{Value, json};
use steward_app::{
    alerts::{AlertFilter, AlertView},
    auth::TokenScope,
};
use steward_domain::alert::{Matchers, fingerprint_text};

fn alert(name: &str, instance: &str, severity: &str) -> Value {
    json!({"labels": {"alertname": name, "instance": instance, "job": "node", "severity": severity},
        "annotations": {"summary": format!("{instance}: {name}"), "runbook_url": "https://runbooks.example/disk",
            "description": "javascript:alert(1)"},
        "generatorURL": "http://prometheus:9090/graph?g0.expr=up"})
}

async fn send(t: &TestServer, token: &str, alerts: Vec<Value>) {
    let r = server::client()
        .post(t.url("/api/v2/alerts"))
        .bearer_auth(token)
        .json(&Value::Array(alerts))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
}

/// A redirect's target.
fn location(r: &reqwest::Response) -> String {
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.url());
    r.headers()[header::LOCATION].to_str().unwrap().to_owned()
}

/// How many alert rows a console page lists.
fn rows(page: &str) -> usize {
    page.matches(r#"<tr id="alert-"#).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_works_an_alert_from_the_console_to_a_silence_and_back() {
    let t = server::spawn().await;
    let token = t.app.create_scoped_token(None, "agent", "prometheus", TokenScope::Alerts).await.unwrap().token;
    let noise: Vec<Value> = (0..52).map(|i| alert("Noise", &format!("n-{i:02}"), "info")).collect();
    send(&t, &token, noise).await;
    let firing = vec![
        alert("InstanceDown", "db-1:9100", "critical"),
        alert("InstanceDown", "db-2:9100", "critical"),
        alert("DiskFull", "db-1:9100", "warning"),
    ];
    send(&t, &token, firing).await;
    let (agent, _) = t.app.login("agent", server::PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    let all = t.app.list_alerts(&agent, &AlertFilter::default()).await.unwrap();
    let fp_of = |name: &str, instance: &str| {
        let a: &AlertView = all
            .iter()
            .find(|a| a.alert.labels.get("alertname") == name && a.alert.labels.get("instance") == instance)
            .unwrap();
        fingerprint_text(a.alert.fingerprint)
    };
    let (down1, down2, disk) =
        (fp_of("InstanceDown", "db-1:9100"), fp_of("InstanceDown", "db-2:9100"), fp_of("DiskFull", "db-1:9100"));
    let (cookie, csrf) = t.session("agent").await;

    // Newest first, 50 a page, then "Older alerts".
    let page = body(get(&t, "/alerts", &cookie).await, StatusCode::OK).await;
    assert_eq!(rows(&page), 50);
    let top: Vec<&str> =
        page.split(r#"<tr id="alert-"#).skip(1).take(3).map(|r| r.split('"').next().unwrap()).collect();
    for fp in [&down1, &down2, &disk] {
        assert!(top.contains(&fp.as_str()), "the latest batch comes first: {top:?}");
    }
    assert!(page.contains(r#"<span class="badge sev sev-warning">warning</span>"#), "severity shown");
    assert!(page.contains(r#"<li class="label-chip"><span class="label-name">instance=</span>db-1:9100</li>"#));
    let older = at(&page, "alerts-older").to_owned();
    assert!(older.contains("Older alerts"));
    let href = page.split(r#"id="alerts-older" rel="next" href=""#).nth(1).unwrap().split('"').next().unwrap();
    let page2 = body(get(&t, &href.replace("&amp;", "&"), &cookie).await, StatusCode::OK).await;
    assert_eq!(rows(&page2), 5);
    assert!(!page2.contains(r#"id="alerts-older""#) && page2.contains(r#"id="alerts-newest""#));

    // Filtered by matchers; a filter that does not read is said beside it.
    let filter = "/alerts?filter=%7Balertname%3D%22InstanceDown%22%7D";
    let page = body(get(&t, filter, &cookie).await, StatusCode::OK).await;
    assert_eq!(rows(&page), 2);
    assert!(page.contains(&format!(r#"id="alert-{down1}""#)) && page.contains(&format!(r#"id="alert-{down2}""#)));
    let bad = body(get(&t, "/alerts?filter=%7Bfoo", &cookie).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(at(&bad, "alert-filter-error").contains("is not a matcher"), "{}", at(&bad, "alert-filter-error"));
    assert!(bad.contains(r#"value="{foo""#) && rows(&bad) == 0, "the filter is kept, no list shown");

    // The group view: counts per name, each a link to its alerts.
    let groups = body(get(&t, "/alerts?view=groups", &cookie).await, StatusCode::OK).await;
    let group = groups.split(r#"data-alertname="InstanceDown""#).nth(1).unwrap();
    assert!(group.contains(r#"count-firing">2<"#) && group.contains(r#"count-acked">0<"#), "{group}");
    assert!(group.contains(r#"href="/alerts?filter=%7Balertname%3D%22InstanceDown%22%7D""#), "{group}");
    assert!(groups.find(r#"data-alertname="Noise""#) < groups.find(r#"data-alertname="InstanceDown""#));

    // Acknowledged from the filtered list: back to it with the message.
    let ack = [("_csrf", csrf.as_str()), ("acknowledged", "true"), ("back", "/alerts?filter=%7Bjob%3D%22node%22%7D")];
    let r = post(&t, &format!("/alerts/{down1}/acknowledge"), &cookie, &ack).await;
    assert_eq!(location(&r), "/alerts?filter=%7Bjob%3D%22node%22%7D&m=acked");
    let page = body(get(&t, "/alerts?acknowledged=true&m=acked", &cookie).await, StatusCode::OK).await;
    assert_eq!(rows(&page), 1);
    assert!(page.contains("The alert is acknowledged.") && page.contains("Alex Agent") && page.contains("Take back"));
    let none = body(
        get(&t, "/alerts?acknowledged=true&state=all&filter=%7Balertname%3D%22DiskFull%22%7D", &cookie).await,
        StatusCode::OK,
    )
    .await;
    assert!(none.contains(r#"id="no-alerts""#));
    let groups = body(get(&t, "/alerts?view=groups", &cookie).await, StatusCode::OK).await;
    assert!(groups.split(r#"data-alertname="InstanceDown""#).nth(1).unwrap().contains(r#"count-acked">1<"#));

    // One alert: its labels, annotations (only a web address is a link), times and history.
    let page = body(get(&t, &format!("/alerts/{down1}"), &cookie).await, StatusCode::OK).await;
    assert_eq!(at(&page, "alert-name"), "InstanceDown");
    assert!(page.contains(r#"<a href="https://runbooks.example/disk" rel="noopener noreferrer">"#));
    assert!(!page.contains(r#"href="javascript"#) && page.contains("javascript:alert(1)"));
    assert!(page.contains(r#"id="alert-source" href="http://prometheus:9090/graph?g0.expr=up""#));
    assert!(at(&page, "alert-acked").starts_with("Acknowledged by Alex Agent"));
    assert!(page.contains(r#"<li data-kind="fired">"#) && page.contains(r#"<li data-kind="acknowledged">"#));
    assert_eq!(at(&page, "alert-ci"), "Not mapped yet");
    assert_eq!(get(&t, "/alerts/00000000000000ff", &cookie).await.status(), StatusCode::NOT_FOUND);

    // Assigned to a staff member; someone who is not staff is refused beside the field.
    let r =
        post(&t, &format!("/alerts/{down1}/assignee"), &cookie, &[("_csrf", &csrf), ("assignee", "netagent")]).await;
    assert_eq!(location(&r), format!("/alerts/{down1}?m=assigned"));
    let page = body(get(&t, &location(&r), &cookie).await, StatusCode::OK).await;
    assert!(page.contains(r#"<option value="netagent" selected>Nora Network</option>"#));
    assert!(page.contains("Assigned to netagent") && page.contains("The assignee is saved."));
    let r =
        post(&t, &format!("/alerts/{down1}/assignee"), &cookie, &[("_csrf", &csrf), ("assignee", "requester")]).await;
    let page = body(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(at(&page, "alert-assignee-error").contains("requester"), "{}", at(&page, "alert-assignee-error"));
    let a = t.app.get_alert(&agent, &down1).await.unwrap();
    assert_eq!(a.assignee.map(|(_, n)| n).as_deref(), Some("Nora Network"), "the assignee is kept");

    // Silencing: refusals beside their fields, what was typed kept, nothing stored.
    let action = format!("/alerts/{down1}/silence");
    let refused = [("_csrf", csrf.as_str()), ("duration", "end"), ("ends_at", "next week"), ("comment", " ")];
    let page = body(post(&t, &action, &cookie, &refused).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(at(&page, "sil-comment-error"), "Is required");
    assert!(at(&page, "sil-ends-at-error").contains("next week"), "{}", at(&page, "sil-ends-at-error"));
    assert_eq!(at(&page, "sil-matchers-error"), "A silence needs at least one matcher");
    assert!(
        page.contains(r#"value="next week""#) && !page.contains(r#"name="label" value="job" id="sil-label-2" checked"#)
    );
    let past = [
        ("_csrf", csrf.as_str()),
        ("label", "alertname"),
        ("duration", "end"),
        ("ends_at", "2020-01-01T10:00"),
        ("comment", "Maintenance"),
    ];
    let page = body(post(&t, &action, &cookie, &past).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(at(&page, "sil-ends-at-error"), "Must not be in the past");
    assert!(page.contains(r#"name="label" value="alertname" id="sil-label-0" checked"#), "the ticks are kept");
    assert!(t.app.list_silences(&agent, &Matchers(Vec::new())).await.unwrap().is_empty(), "nothing stored");

    // Silenced for an hour on its name and instance: suppressed, the other host not.
    let ok = [
        ("_csrf", csrf.as_str()),
        ("label", "alertname"),
        ("label", "instance"),
        ("duration", "1h"),
        ("comment", "Replacing the disk"),
    ];
    let r = post(&t, &action, &cookie, &ok).await;
    assert_eq!(location(&r), format!("/alerts/{down1}?m=silenced"));
    let page = body(get(&t, &location(&r), &cookie).await, StatusCode::OK).await;
    assert!(page.contains(r#"<span class="badge alert-state alert-suppressed">Suppressed</span>"#));
    let silences = t.app.list_silences(&agent, &Matchers(Vec::new())).await.unwrap();
    assert_eq!(silences.len(), 1);
    let s = &silences[0];
    assert_eq!(
        (s.silence.created_by.as_str(), s.silence.matchers.to_string()),
        ("agent", r#"{alertname="InstanceDown",instance="db-1:9100"}"#.to_owned())
    );
    let hour = s.silence.ends_at - s.silence.starts_at;
    assert!((3_599_000_000..=3_601_000_000).contains(&hour), "{hour}");
    assert!(page.contains(&format!(r##"href="/alerts/silences#silence-{}""##, s.id)));
    let list = body(get(&t, filter, &cookie).await, StatusCode::OK).await;
    assert!(list.contains(&format!(r#"id="alert-{down1}" data-state="suppressed""#)));
    assert!(list.contains(&format!(r#"id="alert-{down2}" data-state="active""#)));

    // The silences page, and the silence ended from it.
    let page = body(get(&t, "/alerts/silences", &cookie).await, StatusCode::OK).await;
    let row = page.split(&format!(r#"id="silence-{}""#, s.id)).nth(1).unwrap();
    assert!(row.starts_with(r#" data-state="active""#) && row.contains("Replacing the disk"));
    assert!(row.contains("alertname=&quot;InstanceDown&quot;"), "{row}");
    let r = post(&t, &format!("/alerts/silences/{}/expire", s.id), &cookie, &[("_csrf", &csrf)]).await;
    assert_eq!(location(&r), "/alerts/silences?m=expired");
    let page = body(get(&t, &location(&r), &cookie).await, StatusCode::OK).await;
    assert!(page.contains("The silence has ended.") && page.contains(r#"id="no-live-silences""#));
    assert!(page.contains(&format!(r#"id="silence-{}" data-state="expired""#, s.id)));
    let list = body(get(&t, filter, &cookie).await, StatusCode::OK).await;
    assert!(list.contains(&format!(r#"id="alert-{down1}" data-state="active""#)));

    // Taken back; without the form's token nothing changes; in Polish; requesters kept out.
    let back = [("_csrf", csrf.as_str()), ("acknowledged", "false"), ("back", "https://evil.example/")];
    let r = post(&t, &format!("/alerts/{down1}/acknowledge"), &cookie, &back).await;
    assert_eq!(location(&r), format!("/alerts/{down1}?m=unacked"));
    let r = post(&t, &format!("/alerts/{down2}/acknowledge"), &cookie, &[("acknowledged", "true")]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let page = body(get(&t, "/alerts?acknowledged=true", &cookie).await, StatusCode::OK).await;
    assert!(page.contains(r#"id="no-alerts""#), "nothing is acknowledged now");
    let pl = server::client()
        .get(t.url("/alerts?view=groups"))
        .header(header::COOKIE, &cookie)
        .header(header::ACCEPT_LANGUAGE, "pl")
        .send()
        .await
        .unwrap();
    let pl = body(pl, StatusCode::OK).await;
    assert!(pl.contains("<h1>Alerty</h1>") && pl.contains("Widok grup"));
    let (rc, _) = t.session("requester").await;
    assert_eq!(get(&t, "/alerts", &rc).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(get(&t, &format!("/alerts/{down1}"), &rc).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_alert_routing_is_shown_replaced_on_the_page_and_refusals_keep_what_was_typed() {
    let t = server::spawn().await;
    let (cookie, csrf) = t.session("admin").await;
    let console = body(get(&t, "/alerts", &cookie).await, StatusCode::OK).await;
    assert!(console.contains(r#"id="to-routing" href="/alerts/routing""#), "reached from the console");
    let page = body(get(&t, "/alerts/routing", &cookie).await, StatusCode::OK).await;
    assert!(page.contains(r#"id="receiver-steward""#) && page.contains("30 s / 300 s / 14400 s"), "{page}");
    assert!(page.contains(r#"id="routing-json""#), "admins may replace it");

    // JSON that does not read, and one that reads but does not hold: each
    // problem named, what was typed kept, nothing stored.
    let bad = [("_csrf", csrf.as_str()), ("routing", r#"{"route": {"receiver": 3}}"#)];
    let page = body(post(&t, "/alerts/routing", &cookie, &bad).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(page.contains("<code>route.receiver</code>: not JSON as the routing needs it"), "{page}");
    assert!(page.contains(r#"{&quot;route&quot;: {&quot;receiver&quot;: 3}}"#), "what was typed stays: {page}");
    let holds_not = r#"{"route": {"receiver": "ops", "routes": [{"matchers": ["team=~\"(\""], "receiver": "db"}]},
        "receivers": [{"name": "ops", "targets": [{"type": "group", "group": "Nobody"}]}]}"#;
    let bad = [("_csrf", csrf.as_str()), ("routing", holds_not)];
    let page = body(post(&t, "/alerts/routing", &cookie, &bad).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    for said in [
        "<code>route.routes[0].matchers[0]</code>",
        "<code>route.routes[0].receiver</code>: no receiver named &quot;db&quot;",
        "<code>receivers[0].targets[0].group</code>: no group named &quot;Nobody&quot;",
    ] {
        assert!(page.contains(said), "{said} in {page}");
    }
    assert!(page.contains(r#"id="receiver-steward""#), "the built-in one stays in force");

    let good = r#"{"route": {"receiver": "ops", "group_by": ["alertname"], "group_wait": 10,
        "routes": [{"matchers": ["team=\"db\""], "receiver": "db", "group_by": ["..."]}]},
        "receivers": [{"name": "ops", "targets": [{"type": "users", "users": ["agent"]}]},
            {"name": "db", "targets": [{"type": "chat", "format": "teams", "url": "https://example.com/teams"}]}],
        "inhibit_rules": [{"source_matchers": ["severity=\"critical\""], "target_matchers": ["severity=\"warning\""],
            "equal": ["host"]}]}"#;
    let r = post(&t, "/alerts/routing", &cookie, &[("_csrf", csrf.as_str()), ("routing", good)]).await;
    assert_eq!(r.headers()[header::LOCATION], "/alerts/routing?m=saved");
    let page = body(get(&t, "/alerts/routing?m=saved", &cookie).await, StatusCode::OK).await;
    for shown in [
        r#"id="receiver-db""#,
        "Teams message to https://example.com/teams",
        "e-mail to agent",
        "every label",
        "10 s / 300 s / 14400 s",
        "<code>severity=&quot;critical&quot;</code>",
    ] {
        assert!(page.contains(shown), "{shown} in {page}");
    }
    let (agent, agent_csrf) = t.session("agent").await;
    let page = body(get(&t, "/alerts/routing", &agent).await, StatusCode::OK).await;
    assert!(page.contains(r#"id="receiver-db""#) && !page.contains(r#"id="routing-json""#), "agents read it only");
    let r = post(&t, "/alerts/routing", &agent, &[("_csrf", agent_csrf.as_str()), ("routing", good)]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let r = post(&t, "/alerts/routing/reset", &cookie, &[("_csrf", csrf.as_str())]).await;
    assert_eq!(r.headers()[header::LOCATION], "/alerts/routing?m=reset");
    let page = body(get(&t, "/alerts/routing", &cookie).await, StatusCode::OK).await;
    assert!(page.contains(r#"id="receiver-steward""#) && !page.contains(r#"id="receiver-db""#));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ci_label_rules_are_shown_replaced_on_the_page_and_refusals_keep_what_was_typed() {
    let t = server::spawn().await;
    let (cookie, csrf) = t.session("admin").await;
    let console = body(get(&t, "/alerts", &cookie).await, StatusCode::OK).await;
    assert!(console.contains(r#"id="to-ci-rules" href="/alerts/ci-rules""#), "reached from the console");
    let page = body(get(&t, "/alerts/ci-rules", &cookie).await, StatusCode::OK).await;
    // The built-in rules: six labels against CI names, port and domain cut.
    assert!(page.contains(r#"id="ci-rule-6""#) && !page.contains(r#"id="ci-rule-7""#), "{page}");
    let first = page.split(r#"id="ci-rule-1""#).nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(first.contains("<code>ci</code>") && first.contains("the names of CIs"), "{first}");
    assert!(first.contains("without the port, the short host name"), "{first}");
    assert!(page.contains(r#"id="ci-rules-json""#), "admins may replace them");

    // JSON that does not read, and rules that read but do not hold: each
    // problem named, what was typed kept, nothing stored.
    let bad = [("_csrf", csrf.as_str()), ("rules_json", r#"{"rules": [{"label": 3}]}"#)];
    let page = body(post(&t, "/alerts/ci-rules", &cookie, &bad).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(page.contains("<code>rules[0].label</code>: not JSON as the rules need it"), "{page}");
    assert!(page.contains(r#"{&quot;rules&quot;: [{&quot;label&quot;: 3}]}"#), "what was typed stays: {page}");
    let holds_not = r#"{"rules": [{"label": "node", "match": "attribute", "attribute": "no_such_attribute"}]}"#;
    let bad = [("_csrf", csrf.as_str()), ("rules_json", holds_not)];
    let page = body(post(&t, "/alerts/ci-rules", &cookie, &bad).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(page.contains("<code>rules[0].attribute</code>"), "{page}");
    assert!(page.contains(r#"id="ci-rule-6""#), "the built-in ones stay in force");

    let good = r#"{"rules": [{"label": "node", "match": "attribute", "attribute": "hostname", "strip_port": true},
        {"label": "service", "match": "service"}]}"#;
    let r = post(&t, "/alerts/ci-rules", &cookie, &[("_csrf", csrf.as_str()), ("rules_json", good)]).await;
    assert_eq!(r.headers()[header::LOCATION], "/alerts/ci-rules?m=saved");
    let page = body(get(&t, "/alerts/ci-rules?m=saved", &cookie).await, StatusCode::OK).await;
    assert!(page.contains("The rules are saved"), "{page}");
    let first = page.split(r#"id="ci-rule-1""#).nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(first.contains("<code>node</code>") && first.contains("the CI attribute hostname"), "{first}");
    assert!(first.contains("without the port") && !first.contains("short host"), "{first}");
    let second = page.split(r#"id="ci-rule-2""#).nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(second.contains("the names of services") && second.contains("—"), "{second}");
    assert!(!page.contains(r#"id="ci-rule-3""#));

    // Agents read them only.
    let (agent, agent_csrf) = t.session("agent").await;
    let page = body(get(&t, "/alerts/ci-rules", &agent).await, StatusCode::OK).await;
    assert!(page.contains(r#"id="ci-rule-2""#) && !page.contains(r#"id="ci-rules-json""#), "agents read them only");
    let r = post(&t, "/alerts/ci-rules", &agent, &[("_csrf", agent_csrf.as_str()), ("rules_json", good)]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let r = post(&t, "/alerts/ci-rules/reset", &cookie, &[("_csrf", csrf.as_str())]).await;
    assert_eq!(r.headers()[header::LOCATION], "/alerts/ci-rules?m=reset");
    let page = body(get(&t, "/alerts/ci-rules?m=reset", &cookie).await, StatusCode::OK).await;
    assert!(page.contains(r#"id="ci-rule-6""#) && page.contains("The built-in rules are back in force."));
}
