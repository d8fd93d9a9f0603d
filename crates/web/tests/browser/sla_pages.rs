//! The service-level pages over plain HTTP: who may see and change them,
//! the message beside each mistyped field, and the clocks on the incident
//! page, in the list and in the agent's queues.

use crate::server::{self, client, get, post};
use reqwest::{Response, header};
use steward_app::incidents::NewIncident;

const PAGE: &str = "/settings/service-levels";

async fn page(r: Response, status: u16) -> String {
    assert_eq!(r.status().as_u16(), status, "status of {}", r.url());
    r.text().await.unwrap()
}

fn redirected(r: &Response, to: &str) {
    assert_eq!(r.status().as_u16(), 303, "{}", r.url());
    assert_eq!(r.headers()[header::LOCATION], to);
}

fn calendar<'a>(csrf: &'a str, name: &'a str, monday: &'a str, zone: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![("_csrf", csrf), ("name", name), ("time_zone", zone), ("monday", monday)];
    for day in ["tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] {
        f.push((day, "00:00-24:00"));
    }
    f
}

#[tokio::test]
async fn staff_read_and_managers_change_service_levels() {
    let t = server::spawn().await;
    t.add_manager().await;
    let (req, _) = t.session("requester").await;
    assert_eq!(get(&t, PAGE, &req).await.status(), 403);
    let (agent, agent_csrf) = t.session("agent").await;
    let body = page(get(&t, "/settings", &agent).await, 200).await;
    assert!(body.contains(r#"href="/settings/service-levels""#), "linked from the settings");
    let body = page(get(&t, PAGE, &agent).await, 200).await;
    assert!(body.contains("24×7") && body.contains("Only managers and administrators can change these settings."));
    assert!(!body.contains("calendar-form"), "no forms for agents");
    let r = post(&t, &format!("{PAGE}/calendars"), &agent, &calendar(&agent_csrf, "X", "08:00-16:00", "UTC")).await;
    assert_eq!(r.status(), 403);

    let (boss, csrf) = t.session("mona").await;
    // Each mistake beside its field, the input kept, nothing stored.
    let bad = calendar(&csrf, "Warsaw office", "08:00-12:00, 11:00-16:00", "Europe/Nowhere");
    let body = page(post(&t, &format!("{PAGE}/calendars"), &boss, &bad).await, 422).await;
    assert!(body.contains(r#"id="cal-monday-error">Overlaps week.monday[0]"#), "{body}");
    assert!(body.contains(r#"id="cal-zone-error">Unknown time zone"#), "{body}");
    assert!(body.contains(r#"value="08:00-12:00, 11:00-16:00""#));
    let r = client()
        .post(t.url(&format!("{PAGE}/calendars")))
        .header(header::COOKIE, &boss)
        .header(header::ACCEPT_LANGUAGE, "pl")
        .form(&bad)
        .send()
        .await
        .unwrap();
    let body = page(r, 422).await;
    assert!(body.contains(r#"id="cal-monday-error">Nakłada się na week.monday[0]"#), "{body}");
    assert!(body.contains("Nieznana strefa czasowa") && body.contains("Kalendarze robocze"), "{body}");
    let typo = calendar(&csrf, "Warsaw office", "8 to 4", "Europe/Warsaw");
    let body = page(post(&t, &format!("{PAGE}/calendars"), &boss, &typo).await, 422).await;
    assert!(body.contains("8 to 4 is not a time range; write it as 08:00-16:00"), "{body}");
    assert_eq!(
        t.app
            .list_calendars(&t.app.session_actor(&boss["steward_session=".len()..]).await.unwrap().0)
            .await
            .unwrap()
            .len(),
        1
    );

    let good = calendar(&csrf, "Warsaw office", "00:00-24:00", "Europe/Warsaw");
    redirected(&post(&t, &format!("{PAGE}/calendars"), &boss, &good).await, "/settings/service-levels?m=calendar");
    let r = post(&t, &format!("{PAGE}/calendars/2/poland"), &boss, &[("_csrf", &csrf), ("version", "1")]).await;
    redirected(&r, "/settings/service-levels?m=holidays");
    let body = page(get(&t, &format!("{PAGE}?m=holidays"), &boss).await, 200).await;
    assert!(body.contains("Holidays added.") && body.contains("14 holidays"), "{body}");
    // The same button on a stale page changes nothing and says why.
    let r = post(&t, &format!("{PAGE}/calendars/2/poland"), &boss, &[("_csrf", &csrf), ("version", "1")]).await;
    assert!(page(r, 422).await.contains("Someone else changed this calendar"));
    // A calendar that is not there is not found, whatever the path says.
    for bad in ["99", "abc"] {
        let r = post(&t, &format!("{PAGE}/calendars/{bad}/poland"), &boss, &[("_csrf", &csrf), ("version", "1")]).await;
        assert_eq!(r.status(), 404, "{bad}");
    }
    // An iCalendar file that is not one is refused beside the upload.
    let part = reqwest::multipart::Part::bytes(b"hello".to_vec()).file_name("days.ics");
    let r = client()
        .post(t.url(&format!("{PAGE}/calendars/2/ical?version=2")))
        .header(header::COOKIE, &boss)
        .multipart(reqwest::multipart::Form::new().text("_csrf", csrf.clone()).part("file", part))
        .send()
        .await
        .unwrap();
    let body = page(r, 422).await;
    assert!(body.contains(r#"id="ical-2-error">"#) && body.contains("no BEGIN:VCALENDAR"), "{body}");

    // An SLA with a mistyped and a negative target, and a bad threshold.
    let mut sla = vec![("_csrf", csrf.as_str()), ("name", "Standard"), ("position", "10"), ("calendar_id", "2")];
    sla.extend([("active", "on"), ("thresholds", "50, 150"), ("response_5", "soon"), ("resolution_5", "8h")]);
    let body = page(post(&t, &format!("{PAGE}/slas"), &boss, &sla).await, 422).await;
    assert!(
        body.contains(r#"id="sla-response_5-error">Soon is not a duration; write it as 30m, 4h or 1h 30m"#),
        "{body}"
    );
    sla[6] = ("response_5", "-1h");
    let body = page(post(&t, &format!("{PAGE}/slas"), &boss, &sla).await, 422).await;
    assert!(body.contains(r#"id="sla-response_5-error">Must be longer than zero"#), "{body}");
    assert!(body.contains(r#"id="sla-thresholds-error">150 % is not between 1 and 99"#), "{body}");
    sla[5] = ("thresholds", "50, 75");
    sla[6] = ("response_5", "30m");
    redirected(&post(&t, &format!("{PAGE}/slas"), &boss, &sla).await, "/settings/service-levels?m=sla");
    let body = page(get(&t, PAGE, &agent).await, 200).await;
    assert!(body.contains(r#"title="Planning">P5</span> 30 min / 8 h"#) && body.contains("Standard"), "{body}");

    // A definition for P1 only says so once: "P1", not "PP1".
    let targets = serde_json::json!([{"priority": 1, "response": "15m", "resolution": "4h"}]);
    let critical = serde_json::json!({"name": "Critical", "position": 5, "calendar_id": 1, "targets": targets,
        "conditions": {"priorities": [1]}});
    let r = server::client()
        .post(t.url("/api/v1/slas"))
        .header(reqwest::header::COOKIE, &boss)
        .header("x-csrf-token", &csrf)
        .json(&critical)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201, "{}", r.text().await.unwrap());
    let body = page(get(&t, PAGE, &agent).await, 200).await;
    assert!(body.contains("<td>P1</td>") && !body.contains("PP1"), "{body}");

    // The incident's clocks, its list badge and the breaching-soon queue.
    let actor = t.app.session_actor(&agent["steward_session=".len()..]).await.unwrap().0;
    let inc = t
        .app
        .create_incident(&actor, NewIncident { title: "Scanner offline".into(), ..Default::default() })
        .await
        .unwrap();
    let n = steward_app::incidents::number(inc.number);
    let body = page(get(&t, &format!("/incidents/{n}"), &agent).await, 200).await;
    assert!(body.contains("Service levels") && body.contains("Standard · First response"), "{body}");
    assert!(body.contains("Standard · Resolution") && body.contains(" left"), "{body}");
    let line = |body: &str| {
        let from = body.find(r#"<span class="sla-line""#).unwrap_or_else(|| panic!("no SLA line: {body}"));
        let to = from + body[from..].find(" UTC</span></span>").expect("the due moment");
        body[from..to].to_owned()
    };
    let on_page = line(&body);
    let body = page(get(&t, "/incidents?sla=breaching_soon&sort=sla_due", &agent).await, 200).await;
    assert!(body.contains(&format!("/incidents/{n}")), "{body}");
    assert_eq!(line(&body), on_page, "the list and the page say the same");
    assert!(on_page.contains("First response: 29 min left") && on_page.contains("badge sla sla-ok"), "{on_page}");
    assert!(body.contains(r#"<option value="breaching_soon" selected>"#), "the filter shows what is applied");
    let body = page(get(&t, "/incidents?sla=late", &agent).await, 200).await;
    assert!(body.contains(r#"id="f-sla-error""#), "{body}");
    let body = page(get(&t, "/home", &agent).await, 200).await;
    assert!(
        body.contains("Breaching soon") && body.contains("?state=open&amp;sla=breaching_soon&amp;sort=sla_due"),
        "{body}"
    );
    // And in Polish.
    let r = client()
        .get(t.url(&format!("/incidents/{n}")))
        .header(header::COOKIE, &agent)
        .header(header::ACCEPT_LANGUAGE, "pl")
        .send()
        .await
        .unwrap();
    let body = page(r, 200).await;
    assert!(
        body.contains("Poziomy usług") && body.contains("Standard · Pierwsza odpowiedź") && body.contains("zostało"),
        "{body}"
    );
}
