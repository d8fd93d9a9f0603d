//! In a real browser over the demo: the Breached queue on the desk's home,
//! and each incident's SLA line saying the same on the home queue, the
//! list and the incident page.

use crate::journey::{go, path, text, wait};
use crate::{driver, server};
use fantoccini::{Client, Locator};
use futures_util::FutureExt;
use std::panic::AssertUnwindSafe;

/// Each row's number and SLA line, words only.
async fn rows(c: &Client, table: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for row in c.find_all(Locator::Css(&format!("{table} tbody tr"))).await.unwrap() {
        let n = row.find(Locator::Css("td.num")).await.unwrap().text().await.unwrap();
        let line = row.find(Locator::Css("td.sla-cell")).await.unwrap().text().await.unwrap();
        out.push((n, words(&line)));
    }
    out
}

fn words(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn journey(c: &Client, t: &server::TestServer) {
    c.goto(&t.url("/login")).await.unwrap();
    crate::journey::fill(c, "#username", "agent").await;
    crate::journey::fill(c, "#password", steward_app::seed::DEMO_PASSWORD).await;
    go(c, ".login-card button[type=submit]").await;
    assert_eq!(path(c).await, "/home");
    assert!(text(c, "#queue-0").await.starts_with("Breached"), "the first queue");
    assert!(text(c, "#queue-1").await.starts_with("Breaching soon"));
    let breached = rows(c, "section[aria-labelledby=queue-0] table").await;
    assert!(!breached.is_empty(), "the demo has breached incidents");
    c.goto(&t.url("/incidents?state=open&sla=breached")).await.unwrap();
    let listed = rows(c, "table.incidents").await;
    for (n, line) in breached.iter().take(4) {
        // A breached clock speaks, named, in business time, with its moment.
        assert!(line.contains("overdue by") && line.contains(": ") && line.contains(" Due "), "{n}: {line}");
        let in_list = listed.iter().find(|(m, _)| m == n).map(|(_, l)| l.as_str());
        assert_eq!(in_list, Some(line.as_str()), "{n}: the list says what the queue says");
        c.goto(&t.url(&format!("/incidents/{n}"))).await.unwrap();
        let on_page = words(&wait(c, "#sla .sla-headline").await.text().await.unwrap());
        assert_eq!(&on_page, line, "{n}: the page says what the list says");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_breached_queue_and_every_sla_line_agree() {
    let t = server::spawn_demo(300).await;
    let b = driver::start().await;
    let outcome = AssertUnwindSafe(journey(&b.client, &t)).catch_unwind().await;
    b.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
