//! A real Prometheus (Debian's 2.42) lists the test server as its
//! Alertmanager, with a token limited to alerts in `authorization`, and an
//! always-firing rule: its alert arrives, and its resends (every second
//! here; a minute by default) update the one alert rather than add any.
//! `scripts/install-alertmanager.sh` installs it.

use crate::both;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// Prometheus running with `dir` as its home; killed when dropped.
pub struct Prometheus {
    child: std::process::Child,
    _dir: tempfile::TempDir,
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_prometheus(base: &str, token: &str) -> Prometheus {
    let target = base.trim_start_matches("http://").trim_end_matches('/');
    let rules = "groups:\n- name: steward\n  interval: 1s\n  rules:\n  - alert: AlwaysFiring\n    expr: vector(1)\n    \
         labels:\n      severity: warning\n      instance: prom-test:9090\n    annotations:\n      summary: \
         always firing\n";
    let config = format!(
        "global:\n  evaluation_interval: 1s\nrule_files: [rules.yml]\nalerting:\n  alertmanagers:\n  - \
         authorization:\n      type: Bearer\n      credentials_file: token\n    static_configs:\n    - targets: \
         ['{target}']\n"
    );
    // Firing alerts are sent again every resend delay (a minute by
    // default): a second keeps the test short.
    Prometheus::start(
        &config,
        &[("rules.yml", rules), ("token", token)],
        "127.0.0.1:0",
        &["--rules.alert.resend-delay=1s"],
    )
}

impl Prometheus {
    /// Starts Prometheus with `config` as its `prometheus.yml`, `files`
    /// beside it (named relative to its home), listening on `listen`.
    pub fn start(config: &str, files: &[(&str, &str)], listen: &str, args: &[&str]) -> Prometheus {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        std::fs::write(dir.path().join("prometheus.yml"), config).unwrap();
        let child = std::process::Command::new("prometheus")
            .arg(format!("--config.file={}", dir.path().join("prometheus.yml").display()))
            .arg(format!("--storage.tsdb.path={}", dir.path().join("data").display()))
            .arg(format!("--web.listen-address={listen}"))
            .args(args)
            .current_dir(dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("prometheus is not installed ({e}): run scripts/install-alertmanager.sh"));
        Prometheus { child, _dir: dir }
    }
}

both!(a_real_prometheus_sends_its_alerts_and_resends_update_them, |t| {
    let r = t.post("/api/v1/tokens", &t.agent, json!({"name": "prometheus", "scope": "alerts"})).await;
    let token = r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let prom = start_prometheus(&t.base, &token);
    let deadline = Instant::now() + Duration::from_secs(60);
    // The first post, then at least three resends of the same alert.
    let mut seen = None;
    let mut updates = std::collections::BTreeSet::new();
    while Instant::now() < deadline && updates.len() < 4 {
        let list = t.json("/api/v2/alerts", &token).await;
        if let Some(a) = list.as_array().and_then(|l| l.first()) {
            assert_eq!(list.as_array().unwrap().len(), 1, "one alert, however often it is sent: {list}");
            updates.insert(a["updatedAt"].as_str().unwrap().to_owned());
            seen = Some(a.clone());
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    drop(prom);
    let a = seen.expect("Prometheus sent no alert within a minute");
    assert!(updates.len() >= 4, "Prometheus's resends update the alert: {updates:?}");
    assert_eq!(
        a["labels"],
        json!({"alertname": "AlwaysFiring", "severity": "warning", "instance": "prom-test:9090"}),
        "{a}"
    );
    assert_eq!(a["annotations"]["summary"], "always firing");
    assert!(a["generatorURL"].as_str().unwrap().contains("vector%281%29"), "{a}");
    assert_eq!(a["status"]["state"], "active");
    // Prometheus sets the end itself (four resend delays on), so the alert
    // ends on its own once Prometheus stops sending.
    let (starts, ends) = (a["startsAt"].as_str().unwrap(), a["endsAt"].as_str().unwrap());
    assert!(ends > starts, "{a}");
    let fp = a["fingerprint"].as_str().unwrap();
    let history = t.json(&format!("/api/v1/alerts/{fp}/history"), &t.agent).await;
    let kinds: Vec<&str> = history.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["fired"], "fired once, however often resent: {history}");
});
