//! The standard change catalogue in a real browser, through the UI only: a
//! manager puts a template in the catalogue (after being told its duration
//! is too short); an agent raises a standard change from the catalogue's
//! "Raise" button (the form comes filled in from the template), gives only
//! the start (the end follows the template's duration) and schedules it
//! with no assessment nor approval. The manager then retires the template
//! and it leaves the catalogue.

use crate::journey::{choose, fill, go, path, text, wait};
use crate::{cmdb_journey::sign_in, driver, server};
use fantoccini::Client;
use futures_util::FutureExt;
use std::panic::AssertUnwindSafe;

async fn journey(c: &Client, t: &server::TestServer) {
    t.add_manager().await;
    let ip = [127, 0, 0, 1].into();
    for who in ["agent", "mona"] {
        let (a, _) = t.app.login(who, server::PASSWORD, ip).await.unwrap();
        t.app.update_profile(&a, Some("en"), Some("Europe/Warsaw")).await.unwrap();
    }

    // The manager keeps the catalogue, reached from the change list.
    sign_in(c, t, "mona").await;
    go(c, ".mainnav a[href='/changes?state=open']").await;
    go(c, "#standard-changes-link").await;
    assert!(text(c, "#no-templates").await.contains("no templates"));
    go(c, "#manage-templates").await;
    go(c, "#new-template").await;
    fill(c, "#template-name", "Renew a TLS certificate").await;
    fill(c, "#template-category", "Certificates").await;
    fill(c, "#template-duration", "10").await;
    fill(c, "#implementation_plan", "1. Order the certificate.\n2. Install it on the load balancers.").await;
    fill(c, "#backout_plan", "Put the old certificate back.").await;
    go(c, "#save-template").await;
    assert!(text(c, "#template-duration-error").await.contains("15"), "the duration is refused beside it");
    assert_eq!(
        wait(c, "#template-name").await.prop("value").await.unwrap().as_deref(),
        Some("Renew a TLS certificate"),
        "what was typed is kept"
    );
    fill(c, "#template-duration", "60").await;
    go(c, "#save-template").await;
    assert_eq!(path(c).await, "/changes/templates/manage");
    assert_eq!(text(c, ".notice.success").await, "Template saved.");
    assert!(text(c, "#template-admin").await.contains("Renew a TLS certificate"));

    // The agent raises a standard change from the catalogue.
    c.delete_all_cookies().await.unwrap();
    sign_in(c, t, "agent").await;
    c.goto(&t.url("/changes?state=open")).await.unwrap();
    go(c, "#standard-changes-link").await;
    assert!(text(c, "#template-catalogue").await.contains("Certificates · 60 min"));
    go(c, "#template-catalogue .raise-template").await;
    assert_eq!(wait(c, "#change_type").await.prop("value").await.unwrap().as_deref(), Some("standard"));
    assert_eq!(wait(c, "#title").await.prop("value").await.unwrap().as_deref(), Some("Renew a TLS certificate"));
    assert!(wait(c, "#template").await.prop("value").await.unwrap().is_some_and(|v| !v.is_empty()));
    assert!(
        wait(c, "#implementation_plan")
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
            .contains("load balancers")
    );
    fill(c, "#title", "Renew the shop's certificate").await;
    let js = "document.querySelector('#planned_start').value = '2030-03-04T22:00';";
    c.execute(js, vec![]).await.unwrap();
    go(c, "#save-change").await;
    let chg = path(c).await.trim_start_matches("/changes/").to_owned();
    assert!(chg.starts_with("CHG"), "{chg}");
    assert_eq!(text(c, "#change-type").await, "Standard");
    assert_eq!(text(c, "#change-template").await, "Renew a TLS certificate");
    assert_eq!(text(c, "#planned-end").await, "4 Mar 2030, 23:00 CET", "the start plus the template's hour");
    // Pre-approved: straight to scheduled.
    go(c, "#to-scheduled").await;
    assert_eq!(text(c, "#change-state").await, "Scheduled");

    // Normal changes are not offered a template once the type says so.
    c.goto(&t.url("/changes/new")).await.unwrap();
    assert!(!wait(c, "#template-field").await.is_displayed().await.unwrap(), "hidden for a normal change");
    choose(c, "#change_type", "standard").await;
    assert!(wait(c, "#template-field").await.is_displayed().await.unwrap());

    // Retired by the manager: out of the catalogue, kept in the admin list.
    c.delete_all_cookies().await.unwrap();
    sign_in(c, t, "mona").await;
    c.goto(&t.url("/changes/templates/manage")).await.unwrap();
    go(c, "#template-admin .template-actions button[type=submit]").await;
    assert!(text(c, "#template-admin").await.contains("Retired"));
    c.goto(&t.url("/changes/templates")).await.unwrap();
    wait(c, "#no-templates").await;
    c.goto(&t.url(&format!("/changes/{chg}"))).await.unwrap();
    assert!(text(c, "#change-template").await.contains("retired"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_standard_change_is_raised_from_the_catalogue_and_scheduled() {
    let t = server::spawn().await;
    let b = driver::start().await;
    let outcome = AssertUnwindSafe(journey(&b.client, &t)).catch_unwind().await;
    b.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
