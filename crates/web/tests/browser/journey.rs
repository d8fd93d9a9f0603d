//! An agent's day in a real browser: sign in, record an incident (after
//! being told the title is missing), find it in the list, resolve it with
//! a code and notes, read its activity, sign out.

use crate::{driver, server};
use fantoccini::{Client, Locator};
use futures_util::FutureExt;
use std::{
    panic::AssertUnwindSafe,
    time::{Duration, Instant},
};

pub(crate) async fn wait(c: &Client, css: &str) -> fantoccini::elements::Element {
    match c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css(css)).await {
        Ok(e) => e,
        Err(e) => {
            let url = c.current_url().await.map(|u| u.to_string()).unwrap_or_default();
            let source = c.source().await.unwrap_or_default();
            panic!("no {css} on {url}: {e}\n{source}")
        }
    }
}

pub(crate) async fn text(c: &Client, css: &str) -> String {
    wait(c, css).await.text().await.unwrap()
}

pub(crate) async fn path(c: &Client) -> String {
    c.current_url().await.unwrap().path().to_owned()
}

pub(crate) async fn fill(c: &Client, css: &str, value: &str) {
    let e = wait(c, css).await;
    e.clear().await.unwrap();
    e.send_keys(value).await.unwrap();
}

pub(crate) async fn choose(c: &Client, css: &str, value: &str) {
    wait(c, css).await.select_by_value(value).await.unwrap();
}

pub(crate) async fn click(c: &Client, css: &str) {
    wait(c, css).await.click().await.unwrap();
}

/// Clicks something that loads a page, and waits until the old page is
/// gone: otherwise the next lookup may find an element of the old page.
pub(crate) async fn go(c: &Client, css: &str) {
    let old = c.find(Locator::Css("html")).await.unwrap();
    click(c, css).await;
    for _ in 0..400 {
        if old.tag_name().await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("clicking {css} did not load a page within 10 s");
}

async fn journey(c: &Client, t: &server::TestServer) {
    // Signed out, every page leads to the sign-in form.
    c.goto(&t.url("/")).await.unwrap();
    wait(c, "#username").await;
    assert_eq!(path(c).await, "/login");

    // A wrong password is explained beside the form; the username stays.
    fill(c, "#username", "agent").await;
    fill(c, "#password", "not my password").await;
    go(c, ".login-card button[type=submit]").await;
    assert_eq!(text(c, "#login-error").await, "Wrong username or password.");
    assert_eq!(wait(c, "#username").await.prop("value").await.unwrap().as_deref(), Some("agent"));
    fill(c, "#password", server::PASSWORD).await;
    go(c, ".login-card button[type=submit]").await;
    assert_eq!(text(c, "main h1").await, "Queues");
    assert_eq!(path(c).await, "/home");
    assert!(text(c, ".who-name").await.contains("Alex Agent"));

    // A title of spaces is refused beside the field, the rest is kept.
    go(c, ".mainnav a[href='/incidents/new']").await;
    fill(c, "#title", "   ").await;
    fill(c, "#description", "Paper jams on every second page since the toner change.").await;
    choose(c, "#impact", "2").await;
    go(c, ".incident-form button[type=submit]").await;
    assert_eq!(text(c, "#title-error").await, "Is required");
    assert_eq!(wait(c, "#title").await.attr("aria-describedby").await.unwrap().as_deref(), Some("title-error"));
    assert_eq!(
        wait(c, "#description").await.prop("value").await.unwrap().as_deref(),
        Some("Paper jams on every second page since the toner change.")
    );
    assert_eq!(wait(c, "#impact").await.prop("value").await.unwrap().as_deref(), Some("2"));

    // Now properly, assigned within the desk.
    fill(c, "#title", "Printer on the 3rd floor jams").await;
    choose(c, "#urgency", "1").await;
    choose(c, "#assignment_group", "Service Desk").await;
    choose(c, "#assignee", "agent2").await;
    go(c, ".incident-form button[type=submit]").await;
    assert_eq!(text(c, "#incident-title").await, "Printer on the 3rd floor jams");
    let number = text(c, ".head-row .num").await;
    assert!(number.starts_with("INC"), "{number}");
    assert_eq!(text(c, ".notice.success").await, format!("Incident {number} created."));
    assert_eq!(text(c, "#incident-state").await, "New");
    assert_eq!(text(c, "#incident-assignee").await, "Blake Second");

    // It is in the list, found by a word of its title.
    go(c, ".mainnav a[href='/incidents?state=open']").await;
    fill(c, "#f-text", "printer").await;
    go(c, ".filters button[type=submit]").await;
    wait(c, "table.incidents").await;
    go(c, &format!("table.incidents a[href='/incidents/{number}']")).await;
    assert_eq!(text(c, "#incident-title").await, "Printer on the 3rd floor jams");

    // Resolve through the state panel, with a code and notes.
    click(c, "#panel-resolved > summary").await;
    choose(c, "#resolved-code", "solved").await;
    fill(c, "#resolved-notes", "Replaced the worn pickup roller.").await;
    go(c, "#submit-resolved").await;
    assert_eq!(text(c, ".notice.success").await, "State changed.");
    assert_eq!(text(c, "#incident-state").await, "Resolved");
    assert!(text(c, "#resolution").await.contains("Replaced the worn pickup roller."));

    // The activity tells the story: opened, then resolved with code and notes.
    let entries = c.find_all(Locator::Css("ol.timeline > li")).await.unwrap();
    let mut story = Vec::new();
    for e in &entries {
        // Words only: the layout puts line breaks between the parts.
        story.push(e.text().await.unwrap().split_whitespace().collect::<Vec<_>>().join(" "));
    }
    assert_eq!(entries.len(), 2, "{story:#?}");
    assert!(story[0].contains("Alex Agent opened the incident"), "{story:#?}");
    assert!(story[1].contains("changed the state New → Resolved"), "{story:#?}");
    assert!(story[1].contains("Resolution code: Solved"), "{story:#?}");
    assert!(story[1].contains("Resolution notes: Replaced the worn pickup roller."), "{story:#?}");
    // The desk may still close or reopen it.
    wait(c, "#to-closed").await;
    wait(c, "#to-in_progress").await;

    // Signing out ends the session.
    go(c, ".user form button[type=submit]").await;
    assert_eq!(text(c, ".notice.success").await, "You have signed out.");
    c.goto(&t.url("/home")).await.unwrap();
    wait(c, "#username").await;
    assert_eq!(path(c).await, "/login");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_records_finds_and_resolves_an_incident() {
    let started = Instant::now();
    let t = server::spawn().await;
    let b = driver::start().await;
    let outcome = AssertUnwindSafe(journey(&b.client, &t)).catch_unwind().await;
    // Quit Chromium and chromedriver whatever happened.
    b.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
    eprintln!("browser journey took {:.1} s", started.elapsed().as_secs_f64());
}
