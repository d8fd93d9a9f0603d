//! CI forms in a real browser: an agent creates a server (a CPU count that
//! is not a whole number is refused beside its field, and nothing is
//! created), edits its status, relates an application to it, sees a second
//! identical relation and one to no CI refused, and removes the relation.

use crate::cmdb_journey::sign_in;
use crate::journey::{choose, fill, go, path, text, wait};
use crate::{driver, server};
use fantoccini::Client;
use futures_util::FutureExt;
use std::panic::AssertUnwindSafe;
use steward_app::{
    Actor,
    cmdb::{Batch, CiInput},
};

async fn exists(t: &server::TestServer, name: &str) -> bool {
    t.app.cmdb_view(|v| v.cis.values().any(|b| b.name == name)).await.unwrap()
}

async fn journey(c: &Client, t: &server::TestServer) {
    let app = CiInput { class: "application".into(), name: "billing".into(), ..CiInput::default() };
    let report = t.app.upsert_cis(&Actor::operator(), Batch { items: vec![app], relations: vec![] }).await.unwrap();
    let billing = report.items[0].id;

    sign_in(c, t, "agent").await;
    go(c, ".mainnav a[href='/cmdb']").await;
    go(c, "#new-ci").await;
    assert_eq!(path(c).await, "/cmdb/new");
    fill(c, "#name", "web-07").await;
    fill(c, "#attr-cpu_count", "2.5").await;
    go(c, "#save-ci").await;
    assert!(text(c, "#attr-cpu_count-error").await.contains("whole number"));
    assert!(!exists(t, "web-07").await, "a refused form creates nothing");

    fill(c, "#attr-cpu_count", "4").await;
    go(c, "#save-ci").await;
    let page = path(c).await;
    assert!(page.starts_with("/cmdb/") && page != "/cmdb/new", "{page}");
    assert_eq!(text(c, "#ci-name").await, "web-07");
    assert!(text(c, ".notice.success").await.contains("created"));
    // Attributes go by their labels, not their keys.
    let fields = text(c, "#ci-fields").await;
    assert!(fields.contains("CPUs") && !fields.contains("cpu_count"), "{fields}");

    go(c, "#edit-ci").await;
    choose(c, "#status", "maintenance").await;
    go(c, "#save-ci").await;
    assert_eq!(path(c).await, page);
    assert!(text(c, ".head-badges .ci-status").await.to_lowercase().contains("maintenance"));

    // billing runs on web-07: the relation comes in from the other CI,
    // chosen by name from the suggestions typing brings.
    choose(c, "#rel-direction", "in").await;
    choose(c, "#rel-kind", "runs_on").await;
    fill(c, "#rel-other", "bill").await;
    wait(c, "#rel-other-names option[value='billing']").await;
    fill(c, "#rel-other", "Billing").await;
    go(c, "#add-relation-submit").await;
    let relate = async || {
        choose(c, "#rel-direction", "in").await;
        choose(c, "#rel-kind", "runs_on").await;
        fill(c, "#rel-other", &format!("#{billing}")).await;
        go(c, "#add-relation-submit").await;
    };
    let rels = text(c, "#ci-relations").await;
    assert!(rels.contains("billing") && rels.contains("runs on"), "{rels}");
    relate().await;
    assert!(text(c, ".notice.error").await.contains("already exists"));

    fill(c, "#rel-other", "no-such-thing").await;
    go(c, "#add-relation-submit").await;
    assert!(text(c, ".notice.error").await.contains("not added"));
    assert_eq!(text(c, "#rel-other-error").await, "No configuration item is named “no-such-thing”.");
    assert_eq!(wait(c, "#rel-other").await.prop("value").await.unwrap().as_deref(), Some("no-such-thing"));

    go(c, "#ci-relations .remove-relation").await;
    assert!(text(c, ".notice.success").await.contains("removed"));
    assert!(text(c, "#ci-relations").await.contains("No relations"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_creates_edits_and_relates_a_server() {
    let t = server::spawn().await;
    let b = driver::start().await;
    let outcome = AssertUnwindSafe(journey(&b.client, &t)).catch_unwind().await;
    b.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
