//! A manager in a real browser: from the settings to the service-level
//! page, a calendar made with the form, Poland's holidays added with one
//! button, and the clocks on an incident.

use crate::journey::{go, path, text, wait};
use crate::{driver, server};
use fantoccini::Client;
use futures_util::FutureExt;
use std::panic::AssertUnwindSafe;
use steward_app::incidents::NewIncident;

async fn fill(c: &Client, css: &str, value: &str) {
    let e = wait(c, css).await;
    e.clear().await.unwrap();
    e.send_keys(value).await.unwrap();
}

async fn journey(c: &Client, t: &server::TestServer) {
    c.goto(&t.url("/login")).await.unwrap();
    fill(c, "#username", "mona").await;
    fill(c, "#password", server::PASSWORD).await;
    go(c, ".login-card button[type=submit]").await;
    go(c, "a.who").await;
    go(c, "#service-levels-link").await;
    assert_eq!(path(c).await, "/settings/service-levels");
    assert_eq!(text(c, "main h1").await, "Service levels");

    // A calendar: the form starts from an office week in Warsaw.
    fill(c, "#cal-name", "Warsaw office").await;
    fill(c, "#cal-monday", "08:00-12:00, 13:00-16:00").await;
    for day in ["saturday", "sunday"] {
        fill(c, &format!("#cal-{day}"), "10:00-14:00").await;
    }
    go(c, "#calendar-form button[type=submit]").await;
    assert_eq!(text(c, ".notice.success").await, "Calendar created.");
    let row = text(c, "tr[data-calendar='2']").await;
    assert!(
        row.contains("Europe/Warsaw") && row.contains("08:00–12:00, 13:00–16:00") && row.contains("0 holidays"),
        "{row}"
    );

    go(c, "#poland-2").await;
    assert_eq!(text(c, ".notice.success").await, "Holidays added.");
    assert!(text(c, "tr[data-calendar='2'] .holiday-count").await.contains("14 holidays"));

    // An SLA on the round-the-clock calendar, then an incident under it.
    fill(c, "#sla-name", "Standard").await;
    fill(c, "#sla-response_5", "4h").await;
    fill(c, "#sla-resolution_5", "40h").await;
    go(c, "#sla-form button[type=submit]").await;
    assert_eq!(text(c, ".notice.success").await, "SLA definition created.");

    let boss = t.app.session_actor(&t.session("mona").await.0["steward_session=".len()..]).await.unwrap().0;
    let inc = t
        .app
        .create_incident(&boss, NewIncident { title: "Badge reader down".into(), ..Default::default() })
        .await
        .unwrap();
    c.goto(&t.url(&format!("/incidents/{}", steward_app::incidents::number(inc.number)))).await.unwrap();
    let panel = text(c, "#sla").await;
    assert!(panel.contains("Service levels") && panel.contains("Standard · First response"), "{panel}");
    assert!(panel.contains("On track") && panel.contains("3 h 5") && panel.contains(" left"), "{panel}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_sets_up_service_levels_and_sees_the_clocks() {
    let t = server::spawn().await;
    t.add_manager().await;
    let b = driver::start().await;
    let outcome = AssertUnwindSafe(journey(&b.client, &t)).catch_unwind().await;
    b.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
