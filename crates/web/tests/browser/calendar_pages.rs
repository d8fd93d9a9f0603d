//! The change calendar's pages over plain HTTP: who sees them, a month and
//! a week holding a change, freezes and windows kept by managers with the
//! message beside each mistyped field, and calendar feeds on the settings
//! page (the address shown once, revocable).

use crate::server::{self, get, post};
use reqwest::{Response, header};
use steward_app::changes::NewChange;

const PAGE: &str = "/change-calendar";

async fn page(r: Response, status: u16) -> String {
    assert_eq!(r.status().as_u16(), status, "status of {}", r.url());
    r.text().await.unwrap()
}

fn redirected(r: &Response, to: &str) {
    assert_eq!(r.status().as_u16(), 303, "{}", r.url());
    assert_eq!(r.headers()[header::LOCATION], to);
}

#[tokio::test]
async fn the_calendar_shows_changes_and_managers_keep_freezes_and_windows() {
    let t = server::spawn().await;
    t.add_manager().await;
    let (req, _) = t.session("requester").await;
    assert_eq!(get(&t, PAGE, &req).await.status(), 403);
    let (agent, agent_csrf) = t.session("agent").await;
    let actor = t.app.session_actor(&agent["steward_session=".len()..]).await.unwrap().0;
    let new = NewChange {
        title: "Swap the core switch".into(),
        change_type: Some("emergency".into()),
        planned_start: Some("2030-06-04T22:00:00Z".into()),
        planned_end: Some("2030-06-05T02:00:00Z".into()),
        ..NewChange::default()
    };
    let n = steward_app::changes::number(t.app.create_change(&actor, new).await.unwrap().record.number);

    // The month and the week hold it on both days it spans, linked.
    let body = page(get(&t, &format!("{PAGE}?month=2030-06"), &agent).await, 200).await;
    assert!(body.contains("Change calendar: June 2030"), "{body}");
    assert_eq!(body.matches(&format!(r#"href="/changes/{n}""#)).count(), 2, "{body}");
    assert!(body.contains("cal-change type-emergency state-draft"));
    assert!(
        body.contains(r#"href="/change-calendar?month=2030-05""#)
            && body.contains(r#"href="/change-calendar?month=2030-07""#)
    );
    assert!(!body.contains("add-freeze"), "no forms for agents");
    let body = page(get(&t, &format!("{PAGE}?week=2030-W23"), &agent).await, 200).await;
    assert!(body.contains("Week 23 of 2030") && body.contains(&n), "{body}");
    assert!(body.contains(r#"href="/change-calendar?week=2030-W24""#));
    // A mistyped view is named, and this month is shown instead.
    let body = page(get(&t, &format!("{PAGE}?month=2030-13"), &agent).await, 422).await;
    assert!(body.contains("“2030-13” is not a month: use YYYY-MM, e.g. 2027-01."), "{body}");
    let body = page(get(&t, &format!("{PAGE}?week=2030-W54"), &agent).await, 422).await;
    assert!(body.contains("“2030-W54” is not a week"), "{body}");
    let freeze = |csrf: &'static str| {
        vec![
            ("_csrf", csrf),
            ("view", "month=2030-06"),
            ("name", "Audit"),
            ("starts_at", "2030-06-10T00:00"),
            ("ends_at", "2030-06-12T00:00"),
            ("services", ""),
            ("note", ""),
        ]
    };
    let agent_csrf: &'static str = Box::leak(agent_csrf.into_boxed_str());
    assert_eq!(post(&t, &format!("{PAGE}/freezes"), &agent, &freeze(agent_csrf)).await.status(), 403);

    let (boss, csrf) = t.session("mona").await;
    let csrf: &'static str = Box::leak(csrf.into_boxed_str());
    let body = page(get(&t, &format!("{PAGE}?month=2030-06"), &boss).await, 200).await;
    assert!(body.contains("add-freeze") && body.contains("add-window"));
    // Each mistake beside its field, the input kept, nothing stored.
    let mut bad = freeze(csrf);
    bad[4] = ("ends_at", "2030-06-09T00:00");
    bad[5] = ("services", "Nowhere");
    let body = page(post(&t, &format!("{PAGE}/freezes"), &boss, &bad).await, 422).await;
    assert!(body.contains(r#"id="freeze-ends-error">Must be after starts_at"#), "{body}");
    assert!(body.contains(r#"value="Nowhere""#) && body.contains("services[0]"), "{body}");
    let boss_actor = t.app.session_actor(&boss["steward_session=".len()..]).await.unwrap().0;
    assert!(t.app.freezes(&boss_actor, 0, i64::MAX / 2).await.unwrap().is_empty());
    redirected(
        &post(&t, &format!("{PAGE}/freezes"), &boss, &freeze(csrf)).await,
        "/change-calendar?month=2030-06&m=freeze",
    );
    let body = page(get(&t, &format!("{PAGE}?month=2030-06&m=freeze"), &boss).await, 200).await;
    assert!(
        body.contains("The freeze was added.") && body.matches(r#"class="cal-freeze" title="#).count() == 2,
        "{body}"
    );

    let window = |minutes: &'static str| {
        vec![
            ("_csrf", csrf),
            ("view", "week=2030-W23"),
            ("name", "Saturday nights"),
            ("service", ""),
            ("days", "sat"),
            ("days", "sun"),
            ("start", "01:00"),
            ("minutes", minutes),
            ("time_zone", "Europe/Warsaw"),
        ]
    };
    let body = page(post(&t, &format!("{PAGE}/windows"), &boss, &window("long")).await, 422).await;
    assert!(body.contains(r#"id="window-minutes-error">Must be a whole number"#), "{body}");
    let body = page(post(&t, &format!("{PAGE}/windows"), &boss, &window("0")).await, 422).await;
    assert!(body.contains(r#"id="window-minutes-error">Must be between 1 and 1440"#), "{body}");
    redirected(
        &post(&t, &format!("{PAGE}/windows"), &boss, &window("240")).await,
        "/change-calendar?week=2030-W23&m=window",
    );
    let body = page(get(&t, &format!("{PAGE}?week=2030-W23"), &boss).await, 200).await;
    // Saturday and Sunday at 01:00 Warsaw summer time: 01:00 on a UTC viewer's clock is 23:00.
    assert_eq!(body.matches(r#"class="cal-window" title="#).count(), 2, "{body}");
    assert!(body.contains("23:00–03:00"), "{body}");

    let id = t.app.freezes(&boss_actor, 0, i64::MAX / 2).await.unwrap()[0].id;
    let r =
        post(&t, &format!("{PAGE}/freezes/{id}/remove"), &boss, &[("_csrf", csrf), ("view", "month=2030-06")]).await;
    redirected(&r, "/change-calendar?month=2030-06&m=removed");
    assert!(t.app.freezes(&boss_actor, 0, i64::MAX / 2).await.unwrap().is_empty());
}

#[tokio::test]
async fn feeds_are_made_and_revoked_on_the_settings_page() {
    let t = server::spawn().await;
    let (agent, csrf) = t.session("agent").await;
    let body = page(get(&t, "/settings", &agent).await, 200).await;
    assert!(body.contains("Calendar feeds") && body.contains("No feeds yet."), "{body}");
    let body = page(post(&t, "/settings/calendar-feeds", &agent, &[("_csrf", &csrf)]).await, 200).await;
    let at = body.find("/feeds/changes/").expect("the feed's address");
    let end = at + body[at..].find(".ics").unwrap() + 4;
    let path = &body[at..end];
    assert_eq!(get(&t, path, "").await.status(), 200);
    let body = page(get(&t, "/settings", &agent).await, 200).await;
    assert!(!body.contains(path), "shown once");
    let id =
        t.app.calendar_feeds(&t.app.session_actor(&agent["steward_session=".len()..]).await.unwrap().0).await.unwrap()
            [0]
        .id;
    redirected(
        &post(&t, &format!("/settings/calendar-feeds/{id}/revoke"), &agent, &[("_csrf", &csrf)]).await,
        "/settings?m=feed",
    );
    assert_eq!(get(&t, path, "").await.status(), 404);
    let (req, req_csrf) = t.session("requester").await;
    let body = page(get(&t, "/settings", &req).await, 200).await;
    assert!(!body.contains("Calendar feeds"));
    assert_eq!(post(&t, "/settings/calendar-feeds", &req, &[("_csrf", &req_csrf)]).await.status(), 403);
}

#[tokio::test]
async fn a_busy_day_of_the_month_shows_six_changes_and_links_the_rest_to_its_week() {
    let t = server::spawn().await;
    let (agent, _) = t.session("agent").await;
    let actor = t.app.session_actor(&agent["steward_session=".len()..]).await.unwrap().0;
    for i in 0..8 {
        let new = NewChange {
            title: format!("Patch host {i}"),
            planned_start: Some(format!("2030-09-10T1{i}:00:00Z")),
            planned_end: Some(format!("2030-09-10T1{i}:30:00Z")),
            ..NewChange::default()
        };
        t.app.create_change(&actor, new).await.unwrap();
    }
    let body = page(get(&t, &format!("{PAGE}?month=2030-09"), &agent).await, 200).await;
    assert_eq!(body.matches("Patch host").count(), 6, "{body}");
    assert!(
        body.contains(r#"<li class="cal-more"><a href="/change-calendar?week=2030-W37">+2 more: see the week</a>"#),
        "{body}"
    );
    let body = page(get(&t, &format!("{PAGE}?week=2030-W37"), &agent).await, 200).await;
    assert_eq!(body.matches("Patch host").count(), 8, "the week shows them all");
    assert!(!body.contains("cal-more"));
}
