//! Debian's `amtool` (Alertmanager 0.25) against Steward, unchanged: it
//! adds and queries alerts and adds, queries and expires silences, with a
//! token limited to alerts in its `--http.config.file` (as Prometheus's
//! `authorization`). `scripts/install-alertmanager.sh` installs it.

use crate::helpers::*;
use crate::{both, both_web};
use serde_json::{Value, json};
use std::process::Command;

struct Amtool {
    url: String,
    config: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Amtool {
    fn new(t: &TestApp, token: &str) -> Amtool {
        Amtool::at(t.base.clone(), token)
    }

    /// amtool told `--alertmanager.url=URL` (a path prefix in it, say).
    fn at(url: String, token: &str) -> Amtool {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("http.yml");
        std::fs::write(&config, format!("authorization:\n  type: Bearer\n  credentials: {token}\n")).unwrap();
        Amtool { url, config, _dir: dir }
    }

    /// Runs amtool; its standard output, or a panic with what it said.
    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("amtool")
            .arg(format!("--alertmanager.url={}", self.url))
            .arg(format!("--http.config.file={}", self.config.display()))
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("amtool is not installed ({e}): run scripts/install-alertmanager.sh"));
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "amtool {args:?} failed: {stdout} {stderr}");
        stdout.into_owned()
    }

    /// Runs amtool expecting it to fail; what it said.
    fn refused(&self, args: &[&str]) -> String {
        let out = Command::new("amtool")
            .arg(format!("--alertmanager.url={}", self.url))
            .arg(format!("--http.config.file={}", self.config.display()))
            .args(args)
            .output()
            .unwrap();
        assert!(!out.status.success(), "amtool {args:?} succeeded");
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    }
}

both!(amtool_adds_and_queries_alerts_and_keeps_silences, |t| {
    let r = t.post("/api/v1/tokens", &t.agent, json!({"name": "amtool", "scope": "alerts"})).await;
    let token = r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let am = Amtool::new(&t, &token);
    let am = tokio::task::spawn_blocking(move || {
        am.run(&[
            "alert",
            "add",
            "DiskFull",
            "instance=db-1:9100",
            "severity=critical",
            "--annotation=summary=disk full",
        ]);
        am.run(&["alert", "add", "alertname=DiskFull", "instance=web-1:9100"]);
        let q: Value = serde_json::from_str(&am.run(&["alert", "query", "-o", "json"])).unwrap();
        assert_eq!(q.as_array().unwrap().len(), 2, "{q}");
        let q: Value = serde_json::from_str(&am.run(&["alert", "query", "-o", "json", "instance=~db.*"])).unwrap();
        assert_eq!(q[0]["labels"]["severity"], "critical");
        assert_eq!(q[0]["annotations"]["summary"], "disk full");
        let simple = am.run(&["alert", "query"]);
        assert!(simple.contains("DiskFull"), "{simple}");

        let id = am.run(&[
            "silence",
            "add",
            "instance=db-1:9100",
            "--comment=swap the disk",
            "--author=ops",
            "--duration=2h",
        ]);
        let id = id.trim().to_owned();
        assert_eq!(id.len(), 36, "a UUID: {id}");
        let s: Value = serde_json::from_str(&am.run(&["silence", "query", "-o", "json"])).unwrap();
        assert_eq!((s[0]["id"].as_str(), s[0]["createdBy"].as_str()), (Some(id.as_str()), Some("ops")));
        let q: Value =
            serde_json::from_str(&am.run(&["alert", "query", "-o", "json", "-s", "instance=db-1:9100"])).unwrap();
        assert_eq!(q[0]["status"]["silencedBy"][0], id.as_str());
        am.run(&["silence", "expire", &id]);
        let s: Value = serde_json::from_str(&am.run(&["silence", "query", "-o", "json", "--expired"])).unwrap();
        assert_eq!(s[0]["status"]["state"], "expired");
        // A silence amtool itself refuses to send is not ours to judge; one
        // we refuse comes back with our reason.
        let said = am.refused(&["silence", "add", "job=~.*", "--comment=everything", "--author=ops"]);
        assert!(said.contains("empty"), "{said}");
        am
    })
    .await
    .unwrap();
    drop(am);
    let list = t.json("/api/v2/alerts", &token).await;
    assert_eq!(list.as_array().unwrap().len(), 2);
});

both_web!(
    amtool_reaches_the_api_under_a_path_prefix,
    steward_app::AppConfig::default(),
    steward_web::WebConfig { alertmanager_prefix: Some("/alertmanager".into()), ..Default::default() },
    |t| {
        let r = t.post("/api/v1/tokens", &t.agent, json!({"name": "amtool", "scope": "alerts"})).await;
        let token = r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
        let am = Amtool::at(format!("{}/alertmanager", t.base), &token);
        let elsewhere = Amtool::at(format!("{}/elsewhere", t.base), &token);
        tokio::task::spawn_blocking(move || {
            // amtool does go by the path: a prefix not configured is refused.
            elsewhere.refused(&["alert", "query"]);
            am.run(&["alert", "add", "DiskFull", "instance=db-1:9100", "severity=critical"]);
            let q: Value = serde_json::from_str(&am.run(&["alert", "query", "-o", "json"])).unwrap();
            assert_eq!(q[0]["labels"]["instance"], "db-1:9100", "{q}");
            let id = am.run(&["silence", "add", "instance=db-1:9100", "--comment=disk", "--author=ops"]);
            let s: Value = serde_json::from_str(&am.run(&["silence", "query", "-o", "json"])).unwrap();
            assert_eq!(s[0]["id"].as_str(), Some(id.trim()));
        })
        .await
        .unwrap();
        // The same alert at the root.
        assert_eq!(t.json("/api/v2/alerts", &token).await.as_array().unwrap().len(), 1);
    }
);
