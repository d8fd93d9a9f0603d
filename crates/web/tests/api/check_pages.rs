//! The check pages over HTTP on both backends: the list and its filters,
//! a check's page with its history drawn as SVG from raw results and from
//! rollups, the forms (each refusal beside its field, what was typed
//! kept, nothing stored; a stale edit; delete), who may see and keep
//! them, a service's availability on its page as the API counts it, and
//! an incident opened by correlation showing its probable cause.

use crate::both_with;
use crate::cmdb::{ids, upsert};
use crate::helpers::*;
use serde_json::{Value, json};
use steward_app::{AppConfig, checks::ChecksConfig};
use steward_store::now_micros;

/// The loop is off: the tests run checks with `run_due_checks`. Plugins
/// run from `contrib/nagios`, whose files the form offers.
fn config() -> AppConfig {
    let plugins = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../contrib/nagios");
    AppConfig {
        checks: ChecksConfig { enabled: false, plugin_dir: Some(plugins), ..ChecksConfig::default() },
        ..AppConfig::default()
    }
}

/// A TCP port that accepts connections (until the test ends).
async fn listening() -> u16 {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((s, _)) = l.accept().await {
            drop(s);
        }
    });
    port
}

/// A TCP port nothing listens on.
async fn closed_port() -> u16 {
    tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap().port()
}

async fn add(t: &TestApp, name: &str, port: u16, service: Option<&str>) -> i64 {
    let mut body = json!({"name": name, "definition": {"kind": "tcp", "host": "127.0.0.1", "port": port,
        "interval_secs": 60, "timeout_ms": 2000, "retries": 0}});
    if let Some(s) = service {
        body["service"] = json!(s);
    }
    let r = t.post("/api/v1/checks", &t.manager, body).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

/// Every check runs once now.
async fn run_all(t: &TestApp) {
    sqlx::query("UPDATE check_states SET next_run_at = 0").execute(t.app.store.pool()).await.unwrap();
    t.app.run_due_checks(now_micros()).await.unwrap();
}

/// A browser session of `user` (the manager and admin get the password here).
async fn session(t: &TestApp, user: &str) -> (String, String) {
    if matches!(user, "manager" | "admin") {
        t.app.set_password(None, user, PASSWORD).await.unwrap();
    }
    let (_, s) = t.app.login(user, PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    (format!("steward_session={}", s.token), s.csrf)
}

async fn page(t: &TestApp, path: &str, cookie: &str) -> (u16, String) {
    let r = t.client.get(format!("{}{path}", t.base)).header("cookie", cookie).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn post(t: &TestApp, path: &str, (cookie, csrf): &(String, String), form: &[(&str, &str)]) -> reqwest::Response {
    let mut all = vec![("_csrf", csrf.as_str())];
    all.extend_from_slice(form);
    t.client.post(format!("{}{path}", t.base)).header("cookie", cookie).form(&all).send().await.unwrap()
}

/// The text inside the element with this id (to its first `<`).
fn at<'a>(page: &'a str, id: &str) -> &'a str {
    let from = page.find(&format!(r#"id="{id}""#)).unwrap_or_else(|| panic!("no #{id} in {page}"));
    let rest = &page[from..];
    let start = rest.find('>').unwrap() + 1;
    rest[start..].split('<').next().unwrap()
}

/// The ids of the checks a list page shows.
fn listed(page: &str) -> Vec<i64> {
    page.split(r#"<tr id="check-"#).skip(1).map(|r| r.split('"').next().unwrap().parse().unwrap()).collect()
}

both_with!(the_list_filters_and_a_check_page_draws_its_history, config(), |t| {
    t.services(&["Web Shop"]).await;
    let shop = add(&t, "shop port", listening().await, Some("Web Shop")).await;
    let db = add(&t, "db port", closed_port().await, None).await;
    run_all(&t).await;
    run_all(&t).await;
    let agent = session(&t, "agent").await;

    let (status, list) = page(&t, "/checks", &agent.0).await;
    assert_eq!(status, 200);
    assert_eq!(listed(&list), [shop, db]);
    assert!(list.contains(r#"href="/checks""#) && list.contains(">Checks<"), "in the menu");
    let db_row = list.split(&format!(r#"<tr id="check-{db}""#)).nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(db_row.contains(r#"data-status="critical""#) && db_row.contains("check-critical"), "{db_row}");
    assert!(db_row.contains("127.0.0.1:") && db_row.contains("TCP"), "{db_row}");
    assert!(!list.contains(r#"id="new-check""#), "agents do not keep checks");
    for (q, expected) in [
        ("status=critical", vec![db]),
        ("status=ok", vec![shop]),
        ("kind=tcp&q=SHOP", vec![shop]),
        ("service=Web%20Shop", vec![shop]),
        ("kind=http", vec![]),
    ] {
        let (status, p) = page(&t, &format!("/checks?{q}"), &agent.0).await;
        assert_eq!((status, listed(&p)), (200, expected), "{q}");
    }
    let (_, none) = page(&t, "/checks?kind=http", &agent.0).await;
    assert_eq!(at(&none, "no-checks"), "No check matches these filters.");
    let (status, bad) = page(&t, "/checks?status=down&service=Nope", &agent.0).await;
    assert_eq!(status, 422);
    assert!(at(&bad, "check-status-error").contains("down"), "{}", at(&bad, "check-status-error"));
    assert!(at(&bad, "check-service-error").contains("Nope"), "{}", at(&bad, "check-service-error"));
    assert!(bad.contains(r#"value="Nope""#) && listed(&bad).is_empty(), "kept, nothing listed");

    // One check: where it stands, its output, its history from raw results.
    let (status, p) = page(&t, &format!("/checks/{db}"), &agent.0).await;
    assert_eq!(status, 200);
    assert_eq!(at(&p, "check-name"), "db port");
    assert!(p.contains(r#"<svg xmlns="http://www.w3.org/2000/svg" class="check-chart" role="img""#), "{p}");
    assert!(p.contains(r#"data-span="raw""#) && p.contains(r#"class="st-critical""#));
    assert!(at(&p, "check-availability").starts_with("0.00% of 2 results"), "{}", at(&p, "check-availability"));
    assert!(!at(&p, "check-message").is_empty(), "the last output");
    assert!(p.contains(r#"data-kind="hard" data-to="critical""#), "the hard change");
    assert!(!p.contains(r#"id="edit-check""#) && !p.contains(r#"id="check-delete""#));
    // Longer periods are read from the rollups.
    for (period, span) in [("1h", "raw"), ("7d", "hour"), ("90d", "hour")] {
        let (status, p) = page(&t, &format!("/checks/{shop}?period={period}"), &agent.0).await;
        assert_eq!(status, 200);
        assert!(p.contains(&format!(r#"data-span="{span}""#)), "{period}");
        assert!(p.contains(r#"class="check-chart""#) && p.contains(r#"class="st-ok""#), "{period}");
        assert!(at(&p, "check-availability").starts_with("100.00% of 2 results"), "{period}");
        assert!(p.contains(&format!(r#"href="/checks/{shop}?period={period}" aria-current="page""#)));
    }
    let (status, _) = page(&t, "/checks/999999", &agent.0).await;
    assert_eq!(status, 404);

    // Requesters see no checks; agents do not keep them.
    let requester = session(&t, "requester").await;
    for path in ["/checks".to_owned(), format!("/checks/{db}"), "/checks/new".into()] {
        assert_eq!(page(&t, &path, &requester.0).await.0, 403, "{path}");
    }
    assert_eq!(page(&t, "/checks/new", &agent.0).await.0, 403);
    let r = post(&t, "/checks", &agent, &[("name", "x"), ("kind", "ping"), ("host", "a")]).await;
    assert_eq!(r.status(), 403);
    let r = post(&t, &format!("/checks/{db}/delete"), &agent, &[]).await;
    assert_eq!(r.status(), 403);
    assert_eq!(t.get(&format!("/api/v1/checks/{db}"), &t.agent).await.status(), 200, "still there");
});

both_with!(the_forms_refuse_bad_input_beside_each_field_and_keep_it, config(), |t| {
    t.services(&["Web Shop"]).await;
    let manager = session(&t, "manager").await;
    let (status, form) = page(&t, "/checks/new", &manager.0).await;
    assert_eq!(status, 200);
    assert!(form.contains(r#"<option value="steward-notify">steward-notify</option>"#), "the plugin folder's files");

    // Numbers that are not, a host that is not, a name missing.
    let bad = [
        ("name", " "),
        ("kind", "tcp"),
        ("host", "bad host!"),
        ("port", "eighty"),
        ("interval_secs", "60"),
        ("timeout_ms", "2000"),
        ("service", "Web Shop"),
    ];
    let r = post(&t, "/checks", &manager, &bad).await;
    assert_eq!(r.status(), 422);
    let p = r.text().await.unwrap();
    assert_eq!(at(&p, "check-port-error"), "&quot;eighty&quot; is not a number");
    assert!(p.contains(r#"value="eighty""#) && p.contains(r#"value="bad host!""#) && p.contains(r#"value="Web Shop""#));
    let bad = [
        ("name", " "),
        ("kind", "tcp"),
        ("host", "bad host!"),
        ("port", "80"),
        ("interval_secs", "5"),
        ("timeout_ms", "2000"),
        ("service", "Nope"),
        ("enabled", "on"),
    ];
    let r = post(&t, "/checks", &manager, &bad).await;
    assert_eq!(r.status(), 422);
    let p = r.text().await.unwrap();
    assert_eq!(at(&p, "check-name-error"), "Is required");
    assert!(at(&p, "check-host-error").contains("bad host!"), "{}", at(&p, "check-host-error"));
    assert!(at(&p, "check-interval-error").contains("between 10 and 86400"), "{}", at(&p, "check-interval-error"));
    assert!(at(&p, "check-service-error").contains("Nope"), "{}", at(&p, "check-service-error"));
    assert!(p.contains(r#"name="enabled" value="on" checked"#), "the tick is kept");
    let r = post(
        &t,
        "/checks",
        &manager,
        &[("name", "p"), ("kind", "plugin"), ("interval_secs", "60"), ("timeout_ms", "1000")],
    )
    .await;
    let p = r.text().await.unwrap();
    assert_eq!(at(&p, "check-file-error"), "Is required");
    let stored = t.json("/api/v1/checks", &t.agent).await;
    assert!(stored["items"].as_array().unwrap().is_empty(), "nothing stored");

    // Made, then edited: the fields show what it is.
    let port = listening().await.to_string();
    let good = [
        ("name", "shop port"),
        ("kind", "tcp"),
        ("host", "127.0.0.1"),
        ("port", port.as_str()),
        ("interval_secs", "60"),
        ("timeout_ms", "2000"),
        ("retries", "1"),
        ("service", "Web Shop"),
        ("enabled", "on"),
    ];
    let r = post(&t, "/checks", &manager, &good).await;
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    let id: i64 = to.trim_start_matches("/checks/").split('?').next().unwrap().parse().unwrap();
    assert_eq!(to, format!("/checks/{id}?m=created"));
    let (_, p) = page(&t, &to, &manager.0).await;
    assert!(p.contains("The check is made") && p.contains(r#"id="edit-check""#));
    let c = t.json(&format!("/api/v1/checks/{id}"), &t.agent).await;
    assert_eq!((c["service"]["name"].as_str(), c["definition"]["retries"].as_i64()), (Some("Web Shop"), Some(1)));
    let (_, edit) = page(&t, &format!("/checks/{id}/edit"), &manager.0).await;
    assert!(edit.contains(&format!(r#"value="{port}""#)) && edit.contains(r#"name="version" value="1""#));
    let path = format!("/checks/{id}/edit");
    let mut changed: Vec<(&str, &str)> = good.to_vec();
    changed.push(("version", "1"));
    changed[4] = ("interval_secs", "often");
    let r = post(&t, &path, &manager, &changed).await;
    assert_eq!(r.status(), 422);
    assert_eq!(at(&r.text().await.unwrap(), "check-interval-error"), "&quot;often&quot; is not a number");
    changed[4] = ("interval_secs", "120");
    changed[0] = ("name", "shop tcp");
    let r = post(&t, &path, &manager, &changed).await;
    assert_eq!(r.headers()["location"], format!("/checks/{id}").as_str());
    let c = t.json(&format!("/api/v1/checks/{id}"), &t.agent).await;
    assert_eq!((c["name"].as_str(), c["definition"]["interval_secs"].as_i64()), (Some("shop tcp"), Some(120)));
    // An edit from a page read before: refused, kept against the latest version.
    changed[0] = ("name", "stale name");
    let r = post(&t, &path, &manager, &changed).await;
    assert_eq!(r.status(), 409);
    let p = r.text().await.unwrap();
    assert!(p.contains("Someone changed this check meanwhile") && p.contains(r#"value="stale name""#));
    assert!(p.contains(r#"name="version" value="2""#));
    assert_eq!(t.json(&format!("/api/v1/checks/{id}"), &t.agent).await["name"], "shop tcp");

    // Deleted.
    let r = post(&t, &format!("/checks/{id}/delete"), &manager, &[]).await;
    assert_eq!(r.headers()["location"], "/checks?m=deleted");
    assert_eq!(t.get(&format!("/api/v1/checks/{id}"), &t.agent).await.status(), 404);
    let (_, list) = page(&t, "/checks?m=deleted", &manager.0).await;
    assert!(list.contains("The check is deleted") && at(&list, "no-checks") == "No checks yet.");
});

both_with!(a_service_page_shows_the_availability_the_api_gives, config(), |t| {
    let services = t.services(&["Web Shop", "Payroll"]).await;
    add(&t, "shop up", listening().await, Some("Web Shop")).await;
    add(&t, "shop down", closed_port().await, Some("Web Shop")).await;
    run_all(&t).await;
    run_all(&t).await;
    run_all(&t).await;
    let agent = session(&t, "agent").await;
    let (status, p) = page(&t, &format!("/cmdb/{}", services[0]), &agent.0).await;
    assert_eq!(status, 200);
    let section = p.split(r#"id="service-availability""#).nth(1).unwrap().split("</section>").next().unwrap();
    for days in [7, 30, 90] {
        let a = t.json(&format!("/api/v1/services/Web%20Shop/availability?days={days}"), &t.agent).await;
        let share = a["availability"].as_f64().unwrap();
        assert!((share - 0.5).abs() < 1e-9, "{a}");
        let shown = section.split(&format!(r#"data-days="{days}""#)).nth(1).unwrap();
        let figure = shown.split(r#"class="availability">"#).nth(1).unwrap().split('<').next().unwrap();
        assert_eq!(figure, format!("{:.2}%", share * 100.0), "{days} days");
    }
    assert!(section.contains(&format!(r#"href="/checks?service={}""#, services[0])) && section.contains("(2)"));
    let (_, p) = page(&t, &format!("/cmdb/{}", services[1]), &agent.0).await;
    assert_eq!(at(&p, "no-service-checks"), "No checks watch this service.");
});

fn alert(name: &str, instance: &str) -> Value {
    json!({"labels": {"alertname": name, "instance": instance, "severity": "critical"},
        "annotations": {"summary": format!("{name} on {instance}")}})
}

both_with!(an_incident_from_a_correlation_group_shows_its_probable_cause, config(), |t| {
    let r = upsert(
        &t,
        json!({"items": [
            {"ref": "shop", "class": "business_service", "name": "Web Shop", "criticality": "high",
                "owner_group": "Service Desk"},
            {"ref": "app", "class": "application", "name": "shop-app"},
            {"ref": "db", "class": "database", "name": "shop-db"}],
        "relations": [
            {"from": "shop", "to": "app", "type": "uses"},
            {"from": "app", "to": "db", "type": "uses"}]}),
    )
    .await;
    let (app, db) = (ids(&r)[1], ids(&r)[2]);
    let token = {
        let r = t.post("/api/v1/tokens", &t.agent, json!({"name": "prometheus", "scope": "alerts"})).await;
        r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
    };
    let batch = json!([alert("PostgresDown", "shop-db:5432"), alert("HighLatency", "shop-app")]);
    assert_eq!(t.post("/api/v2/alerts", &token, batch).await.status(), 200);
    t.app.correlate_alerts().await.unwrap();
    let list = t.json("/api/v1/incidents?limit=10", &t.agent).await;
    let n = list["items"][0]["number"].as_str().unwrap().to_owned();
    let alerts = t.json("/api/v2/alerts", &token).await;
    let fp = |name: &str| {
        let a = alerts.as_array().unwrap().iter().find(|a| a["labels"]["alertname"] == name).unwrap();
        a["fingerprint"].as_str().unwrap().to_owned()
    };

    let agent = session(&t, "agent").await;
    let (status, p) = page(&t, &format!("/incidents/{n}"), &agent.0).await;
    assert_eq!(status, 200);
    let panel = p.split(r#"id="probable-cause""#).nth(1).unwrap().split("</section>").next().unwrap();
    let cause = panel.split(&format!(r#"data-ci="{db}" data-role="cause""#)).nth(1).unwrap();
    assert!(cause.contains(">shop-db<") && cause.contains(&format!(r#"href="/alerts/{}""#, fp("PostgresDown"))));
    assert!(cause.contains("alert-active"), "firing");
    let symptom = panel.split(&format!(r#"data-ci="{app}" data-role="symptom""#)).nth(1).unwrap();
    assert!(symptom.contains("shop-app uses shop-db"), "the path to the cause: {symptom}");
    assert!(symptom.contains(&format!(r#"href="/alerts/{}""#, fp("HighLatency"))));
    // The alert's page links to the group's incident.
    let (_, a) = page(&t, &format!("/alerts/{}", fp("HighLatency")), &agent.0).await;
    assert!(a.contains(&format!(r#"<a href="/incidents/{n}">Correlated into {n}.</a>"#)), "{a}");
    // An incident alerts did not open has no panel.
    let other = num(&t.incident(&t.agent, json!({"title": "Printer jams"})).await);
    let (_, p) = page(&t, &format!("/incidents/{other}"), &agent.0).await;
    assert!(!p.contains(r#"id="probable-cause""#));
});
