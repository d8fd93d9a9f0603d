//! Saved and scheduled reports (issue 14), through the real mail path: a
//! report scheduled for two staff users reaches each at its moment with
//! its file attached (CSV read back, XLSX read by openpyxl), exactly once
//! however often the scheduler passes; a report runs with its owner's
//! rights and stops when the owner goes; staff see their own reports,
//! managers everyone's; bad questions, schedules and recipients are
//! refused beside their fields with nothing stored.

use crate::exports::read_xlsx;
use crate::helpers::*;
use crate::notifications::{mail_config, sent_to, set_mail, smtp_port};
use crate::smtpd::{SmtpServer, free_port};
use crate::{both, both_with};
use serde_json::{Value, json};

const DAY: i64 = 86_400_000_000;

/// The moment a scheduled run is asked at: past every recipient's next.
fn later(days: i64) -> i64 {
    steward_store::now_micros() + days * DAY
}

both_with!(a_scheduled_report_reaches_each_recipient_once_with_its_file, mail_config(free_port()), |t| {
    let smtp = SmtpServer::start_on(smtp_port(&t));
    for (title, impact) in [("Mail down", 1), ("VPN slow", 2), ("Printer", 3)] {
        t.incident(&t.agent, json!({"title": title, "impact": impact, "urgency": impact})).await;
    }
    // Addresses after the incidents: their acknowledgements go nowhere.
    set_mail(&t, "manager", "manager@example.org", Some("pl")).await;
    set_mail(&t, "agent", "agent@example.org", None).await;
    t.app.count_reports().await.unwrap();

    let body = json!({
        "name": "Weekly load by priority", "subject": "measures",
        "measures": {"period": "month_to_date", "by": "priority", "kind": "incident"},
        "schedule": {"frequency": "weekly", "weekday": 1, "hour": 7},
        "recipients": ["manager@example.org", "Agent@Example.org"],
    });
    let r = t.post("/api/v1/reports/saved", &t.manager, body).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let saved: Value = r.json().await.unwrap();
    assert_eq!(saved["schedule"], json!({"frequency": "weekly", "hour": 7, "weekday": 1, "monthday": null}));
    let recipients = saved["recipients"].as_array().unwrap();
    assert_eq!(recipients.len(), 2);
    // Each next moment is a Monday, 07:00 where the recipient is (UTC here).
    for p in recipients {
        let at: jiff::Timestamp = p["next_run_at"].as_str().unwrap().parse().unwrap();
        let utc = at.to_zoned(jiff::tz::TimeZone::UTC);
        assert_eq!((utc.weekday(), utc.hour(), utc.minute()), (jiff::civil::Weekday::Monday, 7, 0), "{p}");
    }

    // Nothing is due yet.
    let r = t.app.run_scheduled_reports(steward_store::now_micros()).await.unwrap();
    assert_eq!(r.sent, 0);
    // A week on, both are due: one e-mail each, the file attached.
    let r = t.app.run_scheduled_reports(later(8)).await.unwrap();
    assert_eq!((r.sent, r.skipped, r.failed), (2, 0, 0));
    // The scheduler passing again at the same moment (another node) sends nothing.
    assert_eq!(t.app.run_scheduled_reports(later(8)).await.unwrap().sent, 0);
    t.app.deliver_due_now().await.unwrap();
    let to_manager = sent_to(&smtp, "manager@example.org");
    let to_agent = sent_to(&smtp, "agent@example.org");
    assert_eq!((to_manager.len(), to_agent.len()), (1, 1));
    assert_eq!(to_manager[0].subject, "[Raport] Weekly load by priority");
    assert_eq!(to_agent[0].subject, "[Report] Weekly load by priority");
    assert!(to_agent[0].text.contains("Scheduled by"), "{}", to_agent[0].text);
    let files = &to_agent[0].attachments;
    assert_eq!(files.len(), 1);
    assert!(files[0].filename.starts_with("weekly-load-by-priority-") && files[0].filename.ends_with(".csv"));
    assert_eq!(files[0].content_type, "text/csv");
    let csv = String::from_utf8(files[0].bytes.clone()).unwrap();
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert!(lines[0].starts_with("priority,from,to,arrivals,resolved,mtta_mean_hours,"), "{csv}");
    // Impact and urgency 1, 2, 3 make three priorities, one arrival each.
    assert_eq!(lines.len(), 4, "{csv}");
    for line in &lines[1..] {
        let cells: Vec<&str> = line.split(',').collect();
        assert!(cells[0].starts_with('P'), "{line}");
        assert_eq!(cells[3], "1", "{line}");
    }

    // The next moments moved on a week; the run is noted.
    let read = t.json(&location, &t.manager).await;
    assert!(read["last_run_at"].is_string() && read["last_error"].is_null(), "{read}");
    for (before, after) in recipients.iter().zip(read["recipients"].as_array().unwrap()) {
        assert!(micros(&after["next_run_at"]) > micros(&before["next_run_at"]), "{read}");
    }
    // Only the file's files are dropped once sent.
    let left: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM outbox_files").fetch_one(t.app.store.pool()).await.unwrap();
    assert_eq!(left.0, 0);
});

both_with!(an_incident_list_report_runs_with_its_owners_rights, mail_config(free_port()), |t| {
    let smtp = SmtpServer::start_on(smtp_port(&t));
    let body = json!({"title": "Mine, assigned", "assignment_group": "Service Desk", "assignee": "agent"});
    let mine = num(&t.incident(&t.agent, body).await);
    t.incident(&t.agent, json!({"title": "Someone else's"})).await;
    set_mail(&t, "agent", "agent@example.org", None).await;
    set_mail(&t, "manager", "manager@example.org", None).await;

    // The agent's report of their own queue, as XLSX, for the manager.
    let body = json!({
        "name": "My queue", "subject": "incidents", "format": "xlsx",
        "filters": {"assignee": "me", "state": "open"}, "recipients": ["manager@example.org"],
    });
    let r = t.post("/api/v1/reports/saved", &t.agent, body).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let saved: Value = r.json().await.unwrap();
    let id = saved["id"].as_i64().unwrap();
    assert!(saved["schedule"].is_null());
    assert!(saved["recipients"][0]["next_run_at"].is_null());

    // Downloaded: "me" is the owner, whoever asks.
    for token in [&t.agent, &t.manager] {
        let r = t.get(&format!("/api/v1/reports/saved/{id}/file"), token).await;
        assert_eq!(r.status(), 200);
        let bytes = r.bytes().await.unwrap();
        let book = read_xlsx(&bytes);
        let rows = book["sheets"][0]["rows"].as_array().unwrap();
        assert_eq!(book["sheets"][0]["title"], "My queue");
        assert_eq!(rows.len(), 2, "{book}");
        assert_eq!(rows[1][0], json!(mine));
    }
    // Sent now, by hand: the manager gets it with the sheet attached.
    let r = t.post(&format!("/api/v1/reports/saved/{id}/send"), &t.agent, json!({})).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"sent": 1, "skipped": 0}));
    t.app.deliver_due_now().await.unwrap();
    let got = sent_to(&smtp, "manager@example.org");
    assert_eq!(got.len(), 1);
    let file = &got[0].attachments[0];
    assert!(file.filename.ends_with(".xlsx"), "{}", file.filename);
    assert_eq!(read_xlsx(&file.bytes)["sheets"][0]["rows"].as_array().unwrap().len(), 2);

    // Staff see their own; managers everyone's; requesters none.
    assert_eq!(t.json("/api/v1/reports/saved", &t.agent).await.as_array().unwrap().len(), 1);
    assert_eq!(t.json("/api/v1/reports/saved", &t.agent2).await.as_array().unwrap().len(), 0);
    assert_eq!(t.json("/api/v1/reports/saved", &t.manager).await.as_array().unwrap().len(), 1);
    problem(t.get(&format!("/api/v1/reports/saved/{id}"), &t.agent2).await, 404, "not_found").await;
    problem(t.get("/api/v1/reports/saved", &t.requester).await, 403, "forbidden").await;

    // The owner leaves: the report no longer runs, and says why.
    let body = json!({"version": 1, "name": "My queue", "subject": "incidents", "format": "xlsx",
        "filters": {"assignee": "me"}, "schedule": {"frequency": "daily", "hour": 6},
        "recipients": ["manager@example.org"]});
    let r = t.put_json(&format!("/api/v1/reports/saved/{id}"), &t.agent, body).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    sqlx::query("UPDATE users SET active = 0 WHERE username = 'agent'").execute(t.app.store.pool()).await.unwrap();
    let r = t.app.run_scheduled_reports(later(2)).await.unwrap();
    assert_eq!((r.sent, r.failed), (0, 1));
    t.app.deliver_due_now().await.unwrap();
    assert_eq!(sent_to(&smtp, "manager@example.org").len(), 1, "nothing more was sent");
    let read = t.json(&format!("/api/v1/reports/saved/{id}"), &t.manager).await;
    assert!(read["last_error"].as_str().unwrap().contains("no longer active"), "{read}");

    // Deleted by a manager; gone.
    assert_eq!(t.delete(&format!("/api/v1/reports/saved/{id}"), &t.manager).await.status(), 204);
    problem(t.get(&format!("/api/v1/reports/saved/{id}"), &t.manager).await, 404, "not_found").await;
});

both_with!(bad_reports_are_refused_beside_their_fields, mail_config(free_port()), |t| {
    set_mail(&t, "manager", "manager@example.org", None).await;
    set_mail(&t, "requester", "requester@example.org", None).await;
    let post = |body: Value| t.post("/api/v1/reports/saved", &t.manager, body);
    let base = json!({"name": "Weekly", "subject": "measures", "recipients": ["manager@example.org"],
        "schedule": {"frequency": "daily"}});
    let with = |k: &str, v: Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    // A schedule to an invalid address, or to one who may not see reports.
    let msg = invalid(post(with("recipients", json!(["not an address"]))).await, &["recipients[0]"]).await;
    assert!(!msg.is_empty());
    let msg = invalid(
        post(with("recipients", json!(["manager@example.org", "requester@example.org"]))).await,
        &["recipients[1]"],
    )
    .await;
    assert!(msg.contains("no active staff user's address"), "{msg}");
    invalid(post(with("recipients", json!(["nobody@example.org"]))).await, &["recipients[0]"]).await;
    invalid(post(with("recipients", json!([]))).await, &["recipients"]).await;
    // Schedules.
    invalid(post(with("schedule", json!({"frequency": "weekly"}))).await, &["schedule.weekday"]).await;
    invalid(post(with("schedule", json!({"frequency": "monthly", "monthday": 32}))).await, &["schedule.monthday"])
        .await;
    invalid(post(with("schedule", json!({"frequency": "daily", "hour": 24}))).await, &["schedule.hour"]).await;
    invalid(post(with("schedule", json!({"frequency": "hourly"}))).await, &["schedule.frequency"]).await;
    // Questions.
    invalid(
        post(with("measures", json!({"period": "fortnight", "by": "colour"}))).await,
        &["measures.period", "measures.by"],
    )
    .await;
    invalid(post(with("measures", json!({"kind": "widget"}))).await, &["measures.kind"]).await;
    invalid(post(with("measures", json!({"priority": 9}))).await, &["measures.priority"]).await;
    invalid(post(with("subject", json!("alerts"))).await, &["subject"]).await;
    invalid(post(with("format", json!("pdf"))).await, &["format"]).await;
    invalid(post(with("name", json!(""))).await, &["name"]).await;
    let list = |filters: Value| {
        let mut b = with("subject", json!("incidents"));
        b["filters"] = filters;
        b
    };
    invalid(post(list(json!({"colour": "red"}))).await, &["filters"]).await;
    invalid(post(list(json!({"priority": "9"}))).await, &["filters.priority"]).await;
    invalid(post(list(json!({"limit": 5}))).await, &["filters.limit"]).await;
    invalid(post(list(json!("state=open"))).await, &["filters"]).await;
    // An unknown field of the body itself.
    let r = post(with("colour", json!("red"))).await;
    assert_eq!(r.status(), 422);
    // Nothing was kept.
    assert_eq!(t.json("/api/v1/reports/saved", &t.manager).await, json!([]));
    // A stale or missing version.
    let r = post(base.clone()).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let path = format!("/api/v1/reports/saved/{id}");
    problem(t.put_json(&path, &t.manager, base.clone()).await, 428, "version_required").await;
    problem(t.put_json(&path, &t.manager, with("version", json!(7))).await, 409, "version_conflict").await;
    problem(t.get("/api/v1/reports/saved/x", &t.manager).await, 404, "not_found").await;
});

/// A saved report's CSV, downloaded: the first column of each row after
/// the header.
async fn report_numbers(t: &TestApp, id: i64, token: &str) -> (Vec<String>, Vec<String>) {
    let r = t.get(&format!("/api/v1/reports/saved/{id}/file"), token).await;
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    let mut read = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    let rows: Vec<Vec<String>> = read.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
    (rows[0].clone(), rows[1..].iter().map(|r| r[0].clone()).collect())
}

/// Creates a saved report on `subject` with `filters` as `token`: its id.
async fn list_report(t: &TestApp, token: &str, subject: &str, filters: Value) -> i64 {
    let body = json!({"name": format!("{subject} report"), "subject": subject, "filters": filters});
    let r = t.post("/api/v1/reports/saved", token, body).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

both!(reports_on_the_problem_change_and_task_lists_follow_those_lists, |t| {
    let raise = |path: String, body: Value| {
        let t = &t;
        async move {
            let r = t.post(&path, &t.agent, body).await;
            assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
            num(&r.json::<Value>().await.unwrap())
        }
    };
    let p1 = raise("/api/v1/problems".into(), json!({"title": "DHCP leases run out", "impact": 1, "urgency": 1})).await;
    raise("/api/v1/problems".into(), json!({"title": "Printer queue stalls"})).await;
    let c1 =
        raise("/api/v1/changes".into(), json!({"title": "Replace the core switch", "change_type": "emergency"})).await;
    raise("/api/v1/changes".into(), json!({"title": "Patch the mail relay", "change_type": "normal"})).await;
    let task = |title: &str, assignee: Option<&str>| {
        let mut body = json!({"title": title, "step": 1, "assignment_group": "Service Desk"});
        if let Some(a) = assignee {
            body["assignee"] = json!(a);
        }
        raise(format!("/api/v1/changes/{c1}/tasks"), body)
    };
    let mine = task("Pack the racks", Some("agent")).await;
    task("Unpack the racks", None).await;

    // Each report holds what its list holds, with the kind's own columns.
    let id = list_report(&t, &t.agent, "problems", json!({"priority": "1", "sort": "number"})).await;
    let (header, numbers) = report_numbers(&t, id, &t.agent).await;
    assert_eq!(numbers, vec![p1]);
    assert!(header.contains(&"known_error".to_owned()), "{header:?}");
    let id = list_report(&t, &t.manager, "changes", json!({"change_type": "emergency"})).await;
    let (header, numbers) = report_numbers(&t, id, &t.manager).await;
    assert_eq!(numbers, vec![c1.clone()]);
    assert!(header.contains(&"change_type".to_owned()), "{header:?}");
    // The task queue: "me" is the owner, whoever downloads it.
    let id = list_report(&t, &t.agent, "tasks", json!({"assigned": "me"})).await;
    assert_eq!(report_numbers(&t, id, &t.manager).await.1, vec![mine]);
    let id = list_report(&t, &t.agent, "tasks", json!({})).await;
    assert_eq!(report_numbers(&t, id, &t.agent).await.1.len(), 2, "the default is the owner's groups' queue");
    let read = t.json(&format!("/api/v1/reports/saved/{id}"), &t.agent).await;
    assert_eq!((read["subject"].as_str(), read["filters"].clone()), (Some("tasks"), json!({})));

    // Each list's own refusals, beside `filters.<name>`; nothing kept.
    let before = t.json("/api/v1/reports/saved", &t.manager).await.as_array().unwrap().len();
    let post = |subject: &str, filters: Value| {
        t.post("/api/v1/reports/saved", &t.manager, json!({"name": "Bad", "subject": subject, "filters": filters}))
    };
    invalid(post("problems", json!({"known_error": "maybe"})).await, &["filters.known_error"]).await;
    invalid(post("problems", json!({"colour": "red"})).await, &["filters"]).await;
    invalid(post("changes", json!({"risk_level": "huge"})).await, &["filters.risk_level"]).await;
    invalid(post("changes", json!({"cursor": "abc"})).await, &["filters.cursor"]).await;
    invalid(post("tasks", json!({"assigned": "everyone"})).await, &["filters.assigned"]).await;
    invalid(post("tasks", json!({"limit": "5"})).await, &["filters"]).await;
    assert_eq!(t.json("/api/v1/reports/saved", &t.manager).await.as_array().unwrap().len(), before);
});
