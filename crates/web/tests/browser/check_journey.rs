//! The check pages in a real browser, without script help: from the
//! navigation to the checks, one check's page with its history drawn,
//! another period picked; then an incident correlation opened, its
//! probable-cause panel, and a link from it to an alert, whose page links
//! back to the incident.

use crate::cmdb_journey::{load_estate, sign_in};
use crate::journey::{go, path, text, wait};
use crate::{driver, server};
use fantoccini::{Client, Locator};
use futures_util::FutureExt;
use std::panic::AssertUnwindSafe;
use steward_app::checks::NewCheck;
use steward_domain::alert::{Labels, Posted, fingerprint_text};
use steward_domain::check::{CheckDef, CheckKind, definition::TcpCheck};

/// A TCP check of a port that answers, on the Web Shop, run twice: its id.
pub(crate) async fn check_with_history(t: &server::TestServer) -> i64 {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((s, _)) = l.accept().await {
            drop(s);
        }
    });
    let (admin, _) = t.app.login("admin", server::PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    let new = NewCheck {
        name: "shop port".into(),
        definition: CheckDef {
            kind: CheckKind::Tcp(TcpCheck { host: "127.0.0.1".into(), port }),
            interval_secs: 60,
            timeout_ms: 2000,
            retries: 1,
        },
        ci: None,
        service: Some("Web Shop".into()),
        enabled: Some(true),
    };
    let id = t.app.add_check(&admin, new).await.unwrap().row.check.id;
    for _ in 0..2 {
        sqlx::query("UPDATE check_states SET next_run_at = 0").execute(t.app.store.pool()).await.unwrap();
        t.app.run_due_checks(steward_store::now_micros()).await.unwrap();
    }
    id
}

/// Alerts on the checkout application and the VM it runs on (of
/// `load_estate`), correlated into one incident (the VM its probable cause): its number and the
/// fingerprint of the VM's alert.
pub(crate) async fn correlated_incident(t: &server::TestServer) -> (String, String) {
    let (agent, _) = t.app.login("agent", server::PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    let posted = |name: &str, instance: &str| {
        let mut labels = Labels::new();
        for (k, v) in [("alertname", name), ("instance", instance), ("severity", "critical")] {
            labels.insert(k, v);
        }
        Ok(Posted { labels, ..Posted::default() })
    };
    t.app
        .post_alerts(&agent, vec![posted("NodeDown", "vm-12:9100"), posted("CheckoutSlow", "checkout")])
        .await
        .unwrap();
    t.app.correlate_alerts().await.unwrap();
    let all = t.app.list_alerts(&agent, &Default::default()).await.unwrap();
    let vm = all.iter().find(|a| a.alert.labels.get("alertname") == "NodeDown").unwrap();
    let rows = t.app.store.pool();
    let (n,): (i64,) = sqlx::query_as(
        "SELECT r.number FROM alert_groups g JOIN records r ON r.id = g.incident_id ORDER BY g.id LIMIT 1",
    )
    .fetch_one(rows)
    .await
    .unwrap();
    (steward_app::incidents::number(n), fingerprint_text(vm.alert.fingerprint))
}

async fn journey(c: &Client, t: &server::TestServer) {
    load_estate(t).await;
    let id = check_with_history(t).await;
    let (number, fp) = correlated_incident(t).await;

    sign_in(c, t, "agent").await;
    go(c, ".mainnav a[href='/checks']").await;
    assert_eq!(path(c).await, "/checks");
    assert!(text(c, &format!("#check-{id}")).await.contains("127.0.0.1:"));
    go(c, &format!("#check-{id} .title-cell a")).await;
    assert_eq!(path(c).await, format!("/checks/{id}"));
    assert_eq!(text(c, "#check-name").await, "shop port");
    wait(c, "svg.check-chart").await;
    assert!(text(c, "#check-availability").await.starts_with("100.00% of 2 results"));
    go(c, ".periods a[href$='period=30d']").await;
    assert_eq!(wait(c, "#check-span").await.attr("data-span").await.unwrap().as_deref(), Some("hour"));
    wait(c, "svg.check-chart rect.st-ok").await;

    // The incident correlation opened: its probable cause, and an alert from it.
    c.goto(&t.url(&format!("/incidents/{number}"))).await.unwrap();
    let cause = text(c, "#probable-cause [data-role='cause']").await;
    assert!(cause.contains("vm-12") && cause.contains("NodeDown"), "{cause}");
    let symptom = text(c, "#probable-cause [data-role='symptom']").await;
    assert!(symptom.contains("checkout runs on vm-12"), "{symptom}");
    go(c, &format!("#probable-cause a[href='/alerts/{fp}']")).await;
    assert_eq!(path(c).await, format!("/alerts/{fp}"));
    assert_eq!(text(c, "#alert-name").await, "NodeDown");
    // Its CI, by the CI label rules, links to the CI's page.
    assert_eq!(text(c, "#alert-ci").await, "vm-12");
    go(c, "#alert-ci a").await;
    assert!(path(c).await.starts_with("/cmdb/"), "{}", path(c).await);
    c.back().await.unwrap();
    go(c, "#alert-incident a").await;
    assert_eq!(path(c).await, format!("/incidents/{number}"));
    assert_eq!(c.find_all(Locator::Css("#probable-cause")).await.unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_page_and_an_incidents_probable_cause_in_a_browser() {
    let t = server::spawn().await;
    let b = driver::start().await;
    let outcome = AssertUnwindSafe(journey(&b.client, &t)).catch_unwind().await;
    b.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
