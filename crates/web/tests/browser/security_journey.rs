//! Security in a real browser: a crafted sign-in link cannot send the
//! browser to another site, and the admin reads the attempt in the audit log.

use crate::journey::{choose, fill, go, path, text, wait};
use crate::{driver, server};
use fantoccini::{Client, Locator};
use futures_util::FutureExt;
use std::panic::AssertUnwindSafe;

async fn journey(c: &Client, t: &server::TestServer) {
    // The browser drops the tab, so /\t/evil.example would be //evil.example.
    c.goto(&t.url("/login?next=%2F%09%2Fevil.example%2Fsteal")).await.unwrap();
    fill(c, "#username", "admin").await;
    fill(c, "#password", "not the password").await;
    go(c, ".login-card button[type=submit]").await;
    assert_eq!(text(c, "#login-error").await, "Wrong username or password.");
    fill(c, "#password", crate::server::PASSWORD).await;
    go(c, ".login-card button[type=submit]").await;
    let url = c.current_url().await.unwrap();
    assert_eq!((url.host_str(), url.path()), (Some("127.0.0.1"), "/home"), "stayed on Steward");

    // The audit log shows both attempts; the filter narrows to the failure.
    go(c, "a[href='/admin/audit']").await;
    assert_eq!(path(c).await, "/admin/audit");
    wait(c, "#audit").await;
    let kinds = c.find_all(Locator::Css("#audit tbody tr")).await.unwrap();
    let mut seen = Vec::new();
    for row in kinds {
        seen.push(row.attr("data-kind").await.unwrap().unwrap_or_default());
    }
    assert_eq!(&seen[..2], ["sign_in", "sign_in_failed"], "{seen:?}");
    choose(c, "#f-kind", "sign_in_failed").await;
    go(c, "form.filters button[type=submit]").await;
    let rows = c.find_all(Locator::Css("#audit tbody tr")).await.unwrap();
    assert_eq!(rows.len(), 1);
    let row = rows[0].text().await.unwrap();
    assert!(row.contains("Failed sign-in") && row.contains("admin") && row.contains("127.0.0.1"), "{row}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crafted_sign_in_link_stays_on_site_and_is_audited() {
    let t = server::spawn().await;
    let b = driver::start().await;
    let outcome = AssertUnwindSafe(journey(&b.client, &t)).catch_unwind().await;
    b.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
