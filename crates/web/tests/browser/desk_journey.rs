//! An agent's day at the desk in a real browser: assign to me by button
//! and by key, a canned reply inserted and sent with Ctrl+Enter, a bulk
//! change from the list, a saved view, and the list at 1280 px.

use crate::journey::{choose, click, fill, go, path, text, wait};
use crate::{driver, server};
use fantoccini::{
    Client, Locator,
    actions::{InputSource, KeyAction, KeyActions},
    key::Key,
};
use futures_util::FutureExt;
use std::panic::AssertUnwindSafe;
use steward_app::{
    Actor,
    desk::CannedReplyInput,
    incidents::{NewIncident, number},
};

async fn actor(t: &server::TestServer, name: &str) -> Actor {
    t.app.session_actor(&t.session(name).await.0["steward_session=".len()..]).await.unwrap().0
}

async fn incident(t: &server::TestServer, agent: &Actor, title: &str) -> String {
    let n = NewIncident {
        title: title.into(),
        requester: Some("requester".into()),
        assignment_group: Some("Service Desk".into()),
        ..NewIncident::default()
    };
    number(t.app.create_incident(agent, n).await.unwrap().number)
}

/// Presses one key with nothing focused but the page.
async fn press(c: &Client, key: char) {
    let keys =
        KeyActions::new("keyboard".into()).then(KeyAction::Down { value: key }).then(KeyAction::Up { value: key });
    c.perform_actions(keys).await.unwrap();
}

async fn js(c: &Client, script: &str) -> serde_json::Value {
    c.execute(script, vec![]).await.unwrap()
}

/// Waits until the address is no longer `old` (a key or Ctrl+Enter loaded a page).
async fn until_left(c: &Client, old: &str) {
    for _ in 0..400 {
        if c.current_url().await.unwrap().as_str() != old {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("still on {old} after 10 s");
}

async fn journey(c: &Client, t: &server::TestServer) {
    t.add_manager().await;
    let mona = actor(t, "mona").await;
    let reply = CannedReplyInput {
        title: "Looking into it".into(),
        body_en: "Hello {requester_first_name}, we are looking at {number}.".into(),
        ..CannedReplyInput::default()
    };
    t.app.create_canned_reply(&mona, reply).await.unwrap();
    let agent = actor(t, "agent").await;
    let first = incident(t, &agent, "Laptop will not boot").await;
    let second = incident(t, &agent, "Outlook asks for the password again and again after the update").await;
    let third = incident(t, &agent, "Printer on the third floor prints blank pages").await;

    c.goto(&t.url("/login")).await.unwrap();
    fill(c, "#username", "agent").await;
    fill(c, "#password", server::PASSWORD).await;
    go(c, ".login-card button[type=submit]").await;

    // Assign to me: the button.
    c.goto(&t.url(&format!("/incidents/{first}"))).await.unwrap();
    assert!(text(c, "#incident-keys").await.contains("i assign to me"));
    go(c, "#assign-me").await;
    assert_eq!(text(c, ".notice.success").await, "Assigned to you.");
    assert!(c.find(Locator::Css("#assign-me")).await.is_err(), "nothing left to take");

    // Assign to me: the key.
    c.goto(&t.url(&format!("/incidents/{second}"))).await.unwrap();
    wait(c, "#assign-me").await;
    let here = c.current_url().await.unwrap().to_string();
    press(c, 'i').await;
    until_left(c, &here).await;
    assert_eq!(text(c, ".notice.success").await, "Assigned to you.");
    let inc = t.app.get_incident(&agent, &second).await.unwrap();
    assert_eq!(inc.assignee_name.as_deref(), Some("Alex Agent"));

    // "c" goes to the comment box; a canned reply goes in filled; Ctrl+Enter sends.
    press(c, 'c').await;
    assert_eq!(js(c, "return document.activeElement.id").await, "comment-body");
    choose(c, "#canned-reply", "1").await;
    click(c, "#insert-reply").await;
    let filled = format!("Hello Rita, we are looking at {second}.");
    assert_eq!(js(c, "return document.getElementById('comment-body').value").await, filled.as_str());
    assert_eq!(path(c).await, format!("/incidents/{second}"), "inserted in place, nothing sent");
    let box_ = wait(c, "#comment-body").await;
    box_.send_keys(" Back soon.").await.unwrap();
    let here = c.current_url().await.unwrap().to_string();
    box_.send_keys(&format!("{}{}", char::from(Key::Control), char::from(Key::Enter))).await.unwrap();
    until_left(c, &here).await;
    assert_eq!(text(c, ".notice.success").await, "Comment added.");
    assert!(text(c, "#activity").await.contains(&format!("{filled} Back soon.")));

    // Bulk: two rows ticked, priority 1 for both.
    c.goto(&t.url("/incidents?state=open&sort=number")).await.unwrap();
    for n in [&second, &third] {
        click(c, &format!("input[name=items][value^='{n}:']")).await;
    }
    choose(c, "#bulk-priority", "1").await;
    go(c, "#bulk-apply").await;
    assert_eq!(text(c, "#bulk-summary").await, "Changed 2 of 2.");
    for n in [&second, &third] {
        assert_eq!(t.app.get_incident(&agent, n).await.unwrap().priority, 1);
    }
    assert_eq!(t.app.get_incident(&agent, &first).await.unwrap().priority, 5, "an unticked row is left alone");

    // A saved view: this list under a name, opened again from the plain list.
    c.goto(&t.url("/incidents?state=open&assignee=me&sort=-updated")).await.unwrap();
    fill(c, "#view-name", "Mine, fresh first").await;
    go(c, "#save-view").await;
    assert_eq!(text(c, ".notice.success").await, "View saved.");
    c.goto(&t.url("/incidents")).await.unwrap();
    go(c, ".view-link").await;
    let url = c.current_url().await.unwrap();
    assert_eq!(url.query(), Some("assignee=me&sort=-updated&state=open"));
    assert_eq!(text(c, "#f-assignee option:checked").await, "Me");
    let rows = c.find_all(Locator::Css("table.incidents tbody tr")).await.unwrap().len();
    assert_eq!(rows, 2, "the two assigned to me");
    go(c, ".view-list button[type=submit]").await;
    assert_eq!(text(c, ".notice.success").await, "View deleted.");
}

/// The real server over the demo data (its names, groups, SLA badges).
async fn demo_server() -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/steward.db", dir.path().display());
    let store = steward_store::Store::connect(&url, &steward_store::StoreOptions::default()).await.unwrap();
    store.migrate().await.unwrap();
    let config = steward_app::AppConfig { data_dir: dir.path().to_path_buf(), ..Default::default() };
    let app = steward_app::App::new(store, config);
    steward_app::seed::demo(&app, 400).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = steward_web::AppState::new(app, steward_web::WebConfig::default());
    tokio::spawn(steward_web::serve(state, listener, std::future::pending()));
    (format!("http://{addr}"), dir)
}

/// At 1280 px the list of open incidents fits: no scrolling sideways,
/// neither the page nor the table, in English and in Polish (longer words).
async fn fits(c: &Client, base: &str) {
    c.set_window_size(1280, 900).await.unwrap();
    c.goto(&format!("{base}/login")).await.unwrap();
    fill(c, "#username", "agent").await;
    fill(c, "#password", steward_app::seed::DEMO_PASSWORD).await;
    go(c, ".login-card button[type=submit]").await;
    for lang in ["en", "pl"] {
        c.goto(&format!("{base}/settings")).await.unwrap();
        click(c, &format!("input[name=locale][value={lang}]")).await;
        go(c, "form[action='/settings'] button[type=submit]").await;
        c.goto(&format!("{base}/incidents?state=open")).await.unwrap();
        wait(c, "table.incidents td.sla-cell").await;
        let w = js(
            c,
            "const d = document.documentElement, w = document.querySelector('.table-wrap');
             return [d.scrollWidth, d.clientWidth, w.scrollWidth, w.clientWidth];",
        )
        .await;
        let w: Vec<i64> = w.as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
        assert!(w[0] <= w[1] && w[2] <= w[3], "{lang}: page {} of {}, table {} of {}", w[0], w[1], w[2], w[3]);
        // Cells wrap between words (or at a hyphen), never inside one.
        let broken = js(
            c,
            "const bad = [];
             document.querySelectorAll('table.incidents td').forEach(td => {
               const walk = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
               for (let n = walk.nextNode(); n; n = walk.nextNode()) {
                 for (const m of n.data.matchAll(/[^\\s\\-–]+/g)) {
                   const r = document.createRange();
                   r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length);
                   const lines = new Set(Array.from(r.getClientRects()).map(x => Math.round(x.top)));
                   if (lines.size > 1) bad.push(m[0]);
                 }
               }
             });
             return bad;",
        )
        .await;
        assert_eq!(broken, serde_json::json!([]), "{lang}: words broken across lines");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_fits_1280_px_with_the_demo_data() {
    let (base, _dir) = demo_server().await;
    let b = driver::start().await;
    let outcome = AssertUnwindSafe(fits(&b.client, &base)).catch_unwind().await;
    b.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_assigns_replies_and_works_the_list() {
    let t = server::spawn().await;
    let b = driver::start().await;
    let outcome = AssertUnwindSafe(journey(&b.client, &t)).catch_unwind().await;
    b.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
