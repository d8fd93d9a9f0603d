//! The real `fusioninventory-agent` from Debian's packages
//! (`scripts/install-inventory.sh`) inventories this machine and posts it
//! to the test server twice, authenticating with HTTP Basic (a token as the
//! password) after the server's challenge: one computer CI, updated.

use crate::both;
use crate::helpers::*;
use serde_json::Value;
use std::time::Duration;

/// Runs the agent once against the server.
async fn run_agent(t: &TestApp) {
    let url = format!("{}/api/v1/inventory", t.base);
    let run = tokio::process::Command::new("fusioninventory-agent")
        .args(["--server", &url, "--user", "agent", "--password", &t.agent])
        .args(["--tasks=inventory", "--force", "--no-category=printer,environment,process"])
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(180), run)
        .await
        .expect("the agent did not finish within 180 s")
        .expect("fusioninventory-agent is not installed: run scripts/install-inventory.sh");
    let said = String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "agent failed: {said}");
    assert!(!said.contains("[error]"), "agent reported an error: {said}");
}

async fn computers(t: &TestApp) -> Vec<Value> {
    let mut all = Vec::new();
    for class in ["server"] {
        let page = t.json(&format!("/api/v1/cis?class={class}"), &t.agent).await;
        all.extend(page["items"].as_array().unwrap().iter().cloned());
    }
    all
}

both!(the_real_agent_run_twice_gives_one_computer_updated, |t| {
    run_agent(&t).await;
    let first = computers(&t).await;
    assert_eq!(first.len(), 1, "one computer: {first:?}");
    let ci = &first[0];
    let id = ci["id"].as_i64().unwrap();
    assert!(ci["attributes"]["hostname"].is_string(), "{ci}");
    assert!(ci["attributes"]["operating_system"].is_string(), "{ci}");
    let taken_at = ci["inventory_at"].as_str().unwrap().to_owned();

    tokio::time::sleep(Duration::from_millis(20)).await;
    run_agent(&t).await;
    let second = computers(&t).await;
    assert_eq!(second.len(), 1, "the second run updates the same CI: {second:?}");
    assert_eq!(second[0]["id"].as_i64(), Some(id));
    assert_ne!(second[0]["inventory_at"].as_str().unwrap(), taken_at, "the inventory was taken again");
    let journal = t.json(&format!("/api/v1/cis/{id}/journal"), &t.agent).await;
    assert_eq!(journal[0]["action"], "created");
    assert_eq!(journal.as_array().unwrap().iter().filter(|e| e["action"] == "created").count(), 1);
});
