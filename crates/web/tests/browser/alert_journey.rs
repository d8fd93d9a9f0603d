//! The alert console in a real browser, without script help: from the
//! navigation to the console, filtered, an alert acknowledged from its
//! row, opened, assigned, silenced from its page with one label unticked
//! (seen suppressed), and the silence ended from the silences page.

use crate::cmdb_journey::sign_in;
use crate::journey::{choose, click, fill, go, path, text, wait};
use crate::{driver, server};
use fantoccini::Client;
use futures_util::FutureExt;
use serde_json::json;
use std::panic::AssertUnwindSafe;
use steward_app::{alerts::AlertFilter, auth::TokenScope};
use steward_domain::alert::{Matchers, fingerprint_text};

async fn journey(c: &Client, t: &server::TestServer) {
    let token = t.app.create_scoped_token(None, "agent", "prometheus", TokenScope::Alerts).await.unwrap().token;
    let down = |instance: &str| {
        json!({"labels": {"alertname": "InstanceDown", "instance": instance, "job": "node", "severity": "critical"},
            "annotations": {"summary": format!("{instance} does not answer")}})
    };
    let r = server::client()
        .post(t.url("/api/v2/alerts"))
        .bearer_auth(&token)
        .json(&json!([down("db-1:9100"), down("db-2:9100")]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (agent, _) = t.app.login("agent", server::PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    let alerts = t.app.list_alerts(&agent, &AlertFilter::default()).await.unwrap();
    let a = alerts.iter().find(|a| a.alert.labels.get("instance") == "db-1:9100").unwrap();
    let fp = fingerprint_text(a.alert.fingerprint);
    let row = format!("#alert-{fp}");

    sign_in(c, t, "agent").await;
    go(c, ".mainnav a[href='/alerts']").await;
    assert_eq!(path(c).await, "/alerts");
    fill(c, "#alert-filter", r#"{instance="db-1:9100"}"#).await;
    go(c, "#alert-filters button[type='submit']").await;
    assert_eq!(c.find_all(fantoccini::Locator::Css("#alerts tbody tr")).await.unwrap().len(), 1);

    // Acknowledged from its row: back on the filtered list.
    go(c, &format!("{row} .ack-form button")).await;
    assert!(text(c, ".notice.success").await.contains("acknowledged"));
    assert!(c.current_url().await.unwrap().query().unwrap_or_default().contains("filter="), "the filter is kept");
    assert!(text(c, &row).await.contains("Alex Agent"));

    // Opened, assigned.
    go(c, &format!("{row} .title-cell a")).await;
    assert_eq!(path(c).await, format!("/alerts/{fp}"));
    choose(c, "#alert-assignee", "netagent").await;
    go(c, "#alert-assign button").await;
    assert!(text(c, ".notice.success").await.contains("assignee is saved"));
    assert!(text(c, "#alert-history").await.contains("Assigned to netagent"));

    // Silenced for four hours without the `job` label.
    click(c, "#sil-label-2").await;
    choose(c, "#sil-duration", "4h").await;
    fill(c, "#sil-comment", "Replacing the disk").await;
    go(c, "#silence-submit").await;
    assert!(text(c, ".notice.success").await.contains("silence is in force"));
    assert_eq!(text(c, ".head-badges .alert-state").await, "Suppressed");
    let silences = t.app.list_silences(&agent, &Matchers(Vec::new())).await.unwrap();
    let names: Vec<&str> = silences[0].silence.matchers.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["alertname", "instance", "severity"]);

    // Ended from the silences page: the alert is active again.
    go(c, "#alert-silenced-by a").await;
    assert_eq!(path(c).await, "/alerts/silences");
    go(c, "#silences-live .ack-cell button").await;
    assert!(text(c, ".notice.success").await.contains("has ended"));
    wait(c, "#no-live-silences").await;
    c.goto(&t.url(&format!("/alerts/{fp}"))).await.unwrap();
    assert_eq!(text(c, ".head-badges .alert-state").await, "Active");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alert_is_acknowledged_assigned_silenced_and_unsilenced_in_a_browser() {
    let t = server::spawn().await;
    let b = driver::start().await;
    let outcome = AssertUnwindSafe(journey(&b.client, &t)).catch_unwind().await;
    b.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
