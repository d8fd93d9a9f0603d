//! `/metrics` (issue 14): off without settings; with `metrics.token`, for
//! its bearer only; on an address of its own, open. What it says is valid
//! under `promtool check metrics`, counts records by kind, state and
//! priority from the worker's totals, times requests by route template,
//! and a real Prometheus scrapes it with the token.

use crate::helpers::*;
use crate::prometheus::Prometheus;
use crate::{both, both_web};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use steward_web::WebConfig;

const TOKEN: &str = "scrape-me-0123456789";

fn with_token() -> WebConfig {
    WebConfig { metrics_token: Some(TOKEN.into()), ..Default::default() }
}

/// Runs `promtool check metrics` on `text`: its errors and lint problems.
fn promtool(text: &str) -> (bool, String) {
    use std::io::Write;
    let mut child = std::process::Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("promtool is not installed ({e}): run scripts/install-alertmanager.sh"));
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), said)
}

/// The value of the sample `line` starts with (name and labels as written).
fn sample(text: &str, line: &str) -> Option<f64> {
    text.lines().find_map(|l| l.strip_prefix(line).and_then(|rest| rest.strip_prefix(' ')).and_then(|v| v.parse().ok()))
}

async fn scrape(t: &TestApp, auth: Option<&str>) -> reqwest::Response {
    let mut r = t.client.get(format!("{}/metrics", t.base));
    if let Some(a) = auth {
        r = r.header("authorization", a);
    }
    r.send().await.unwrap()
}

both!(metrics_are_off_without_a_token_or_an_address, |t| {
    let r = scrape(&t, Some(&format!("Bearer {}", t.admin))).await;
    assert_eq!(r.status(), 404);
    assert!(r.text().await.unwrap().contains("metrics.token or metrics.listen"));
});

both_web!(metrics_need_the_token_and_count_from_the_totals, Default::default(), with_token(), |t| {
    // Without the token, with another, with a user's API token: refused.
    for auth in [None, Some("Bearer wrong-token-0123456789".to_owned()), Some(format!("Bearer {}", t.admin))] {
        let r = scrape(&t, auth.as_deref()).await;
        assert_eq!(r.status(), 401, "{auth:?}");
        assert_eq!(r.headers()["www-authenticate"], "Bearer realm=\"metrics\"");
    }
    let a = num(&t.incident(&t.agent, json!({"title": "Mail down", "impact": 1, "urgency": 1})).await);
    t.incident(&t.agent, json!({"title": "VPN slow", "impact": 1, "urgency": 1})).await;
    let body = json!({"version": 1, "state": "resolved", "resolution_code": "solved", "resolution_notes": "Restarted"});
    let r = t.post(&format!("/api/v1/incidents/{a}/transitions"), &t.agent, body).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let r = t.get(&format!("/api/v1/incidents/{a}"), &t.agent).await;
    assert_eq!(r.status(), 200);
    t.app.count_reports().await.unwrap();
    // Two alerts taken in (one of them twice), one refused for its label name.
    let token = crate::alertmanager::alert_token(&t).await;
    let mut bad = crate::alertmanager::down("x:1");
    bad["labels"]["bad-name"] = json!("x");
    let batch = json!([crate::alertmanager::down("db-1:9100"), crate::alertmanager::down("db-1:9100"), bad]);
    t.post("/api/v2/alerts", &token, batch).await;
    t.post("/api/v2/alerts", &token, json!([crate::alertmanager::down("web-1:9100")])).await;

    let r = scrape(&t, Some(&format!("Bearer {TOKEN}"))).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/plain; version=0.0.4; charset=utf-8");
    let text = r.text().await.unwrap();
    let (ok, said) = promtool(&text);
    assert!(ok && said.trim().is_empty(), "promtool check metrics: {said}\n{text}");
    // Two priority-1 incidents: one resolved, one new.
    assert_eq!(
        sample(&text, "steward_records{kind=\"incident\",state=\"resolved\",priority=\"1\"}"),
        Some(1.0),
        "{text}"
    );
    assert_eq!(sample(&text, "steward_records{kind=\"incident\",state=\"new\",priority=\"1\"}"), Some(1.0), "{text}");
    // The read above, under its route's template (never the number).
    let get =
        "steward_http_request_duration_seconds_count{route=\"/api/v1/incidents/{number}\",method=\"GET\",code=\"200\"}";
    assert_eq!(sample(&text, get), Some(1.0), "{text}");
    assert!(!text.contains(&a), "no record number in a label");
    assert!(sample(&text, "steward_writer_batch_jobs_count").unwrap() >= 3.0, "{text}");
    assert_eq!(sample(&text, "steward_alerts_firing"), Some(2.0), "{text}");
    // The two new alerts wait for the label index (tests run no workers).
    assert_eq!(sample(&text, "steward_alert_labels_queued"), Some(2.0), "{text}");
    assert_eq!(sample(&text, "steward_alerts_received_total{outcome=\"kept\"}"), Some(3.0), "{text}");
    assert_eq!(sample(&text, "steward_alerts_received_total{outcome=\"refused\"}"), Some(1.0), "{text}");
    assert_eq!(sample(&text, "steward_check_results_total{outcome=\"recorded\"}"), Some(0.0), "{text}");
    let backend = if t.backend == Backend::Sqlite { "sqlite" } else { "postgres" };
    let info = format!("steward_build_info{{version=\"{}\",backend=\"{backend}\"}}", env!("CARGO_PKG_VERSION"));
    assert_eq!(sample(&text, &info), Some(1.0), "{text}");
    // A notification for the resolution waits in the outbox (no mail server).
    assert!(sample(&text, "steward_outbox_messages{state=\"pending\"}").is_some());
    // The refusals above count too, under the metrics route.
    assert!(
        sample(&text, "steward_http_request_duration_seconds_count{route=\"/metrics\",method=\"GET\",code=\"401\"}")
            .is_some_and(|n| n >= 3.0)
    );
    assert_eq!(t.app.index_alert_labels(usize::MAX).await.unwrap(), 2);
    let text = scrape(&t, Some(&format!("Bearer {TOKEN}"))).await.text().await.unwrap();
    assert_eq!(sample(&text, "steward_alert_labels_queued"), Some(0.0), "{text}");
});

both_web!(a_real_prometheus_scrapes_with_the_token, Default::default(), with_token(), |t| {
    t.incident(&t.agent, json!({"title": "Printer jam", "impact": 3, "urgency": 3})).await;
    t.app.count_reports().await.unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let config = format!(
        "global:\n  scrape_interval: 1s\nscrape_configs:\n- job_name: steward\n  authorization:\n    type: Bearer\n    \
         credentials_file: token\n  static_configs:\n  - targets: ['{}']\n",
        t.addr
    );
    let _prom = Prometheus::start(&config, &[("token", TOKEN)], &format!("127.0.0.1:{port}"), &[]);
    let query = format!("http://127.0.0.1:{port}/api/v1/query");
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut last = Value::Null;
    while Instant::now() < deadline {
        let asked = t.client.get(&query).query(&[("query", "sum by (kind) (steward_records)")]).send().await;
        if let Ok(r) = asked {
            last = r.json().await.unwrap_or(Value::Null);
            if let Some(v) = last["data"]["result"].as_array().and_then(|r| r.first()) {
                assert_eq!(v["metric"]["kind"], "incident", "{last}");
                assert_eq!(v["value"][1], "1", "{last}");
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    panic!("Prometheus did not scrape Steward's records within a minute: {last}");
});

both!(an_address_of_its_own_serves_them_open, |t| {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let at = listener.local_addr().unwrap();
    let state = steward_web::AppState::new(t.app.clone(), WebConfig::default());
    tokio::spawn(steward_web::serve_metrics(state, listener, std::future::pending()));
    let r = t.client.get(format!("http://{at}/metrics")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("# TYPE steward_records gauge"));
    // Only /metrics there.
    assert_eq!(t.client.get(format!("http://{at}/api/v1/incidents")).send().await.unwrap().status(), 404);
});
