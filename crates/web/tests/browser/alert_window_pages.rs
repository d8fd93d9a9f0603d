//! The maintenance window pages over plain HTTP: a manager makes a window
//! from the form on `/alerts/windows` (a refusal first: back beside its
//! fields with what was typed, nothing stored), the alert it covers reads
//! as suppressed with the window named on its page, agents read the list
//! without the form, and the manager deletes it.

use crate::change_pages::body;
use crate::server::{self, get, post};
use reqwest::{StatusCode, header};
use serde_json::json;
use steward_app::auth::TokenScope;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_keeps_maintenance_windows_and_the_alert_reads_muted() {
    let t = server::spawn().await;
    t.add_manager().await;
    let token = t.app.create_scoped_token(None, "agent", "prometheus", TokenScope::Alerts).await.unwrap().token;
    let alerts = json!([{"labels": {"alertname": "BackupRunning", "instance": "backup-1:9100"}}]);
    let r = server::client().post(t.url("/api/v2/alerts")).bearer_auth(&token).json(&alerts).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let (cookie, csrf) = t.session("mona").await;
    let page = body(get(&t, "/alerts", &cookie).await, StatusCode::OK).await;
    assert!(page.contains(r#"id="to-windows" href="/alerts/windows""#), "linked from the console");
    let page = body(get(&t, "/alerts/windows", &cookie).await, StatusCode::OK).await;
    assert!(page.contains(r#"id="no-windows""#) && page.contains(r#"id="window-form""#));

    // Refused: no matchers nor CIs, a bad zone; the form comes back filled in.
    let bad = [
        ("_csrf", csrf.as_str()),
        ("name", "Backups"),
        ("recurrence", "weekly"),
        ("days", "mon"),
        ("start_time", "01:00"),
        ("duration_minutes", "60"),
        ("time_zone", "Mars/Olympus"),
    ];
    let page = body(post(&t, "/alerts/windows", &cookie, &bad).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(page.contains(r#"id="win-matchers-error""#) && page.contains(r#"id="win-cis-error""#), "{page}");
    assert!(page.contains(r#"id="win-time-zone-error""#));
    assert!(page.contains(r#"value="Backups""#), "what was typed is kept");
    assert!(
        t.app
            .alert_windows(&t.app.login("mona", server::PASSWORD, [127, 0, 0, 1].into()).await.unwrap().0)
            .await
            .unwrap()
            .is_empty()
    );

    // Made: once, open now, covering the alert.
    let good = [
        ("_csrf", csrf.as_str()),
        ("name", "Backups"),
        ("matchers", "alertname=\"BackupRunning\""),
        ("recurrence", "once"),
        ("starts_at", "2020-01-01T00:00"),
        ("ends_at", "2099-01-01T00:00"),
        ("time_zone", "Europe/Warsaw"),
    ];
    let r = post(&t, "/alerts/windows", &cookie, &good).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[header::LOCATION], "/alerts/windows?m=window_added");
    let page = body(get(&t, "/alerts/windows?m=window_added", &cookie).await, StatusCode::OK).await;
    assert!(page.contains("The maintenance window is saved."));
    let id = page.split(r#"<tr id="window-"#).nth(1).unwrap().split('"').next().unwrap().to_owned();
    assert!(page.contains(&format!(r#"id="window-{id}" data-state="open""#)), "{page}");
    let console = body(get(&t, "/alerts", &cookie).await, StatusCode::OK).await;
    let fp = console.split(r#"<tr id="alert-"#).nth(1).unwrap().split('"').next().unwrap().to_owned();
    assert!(console.contains(&format!(r#"id="alert-{fp}" data-state="suppressed""#)));
    let alert = body(get(&t, &format!("/alerts/{fp}"), &cookie).await, StatusCode::OK).await;
    assert!(alert.contains(&format!(r##"href="/alerts/windows#window-{id}">Backups</a>"##)), "{alert}");

    // Agents read the list, without the form; in Polish too.
    let (agent, _) = t.session("agent").await;
    let page = body(get(&t, "/alerts/windows", &agent).await, StatusCode::OK).await;
    assert!(page.contains(&format!(r#"id="window-{id}""#)) && !page.contains(r#"id="window-form""#));
    let pl = server::client()
        .get(t.url("/alerts/windows"))
        .header(header::COOKIE, &agent)
        .header(header::ACCEPT_LANGUAGE, "pl")
        .send()
        .await
        .unwrap();
    assert!(pl.text().await.unwrap().contains("Okna serwisowe"));

    // Deleted by the manager: the alert is loud again.
    let r = post(&t, &format!("/alerts/windows/{id}/delete"), &cookie, &[("_csrf", &csrf)]).await;
    assert_eq!(r.headers()[header::LOCATION], "/alerts/windows?m=window_deleted");
    let console = body(get(&t, "/alerts", &cookie).await, StatusCode::OK).await;
    assert!(console.contains(&format!(r#"id="alert-{fp}" data-state="active""#)));
}
