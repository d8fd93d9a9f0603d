//! The desk's home shows a Breached queue beside Breaching soon, and each
//! row's badge names the clock that speaks for it.

use crate::both;
use crate::helpers::*;
use serde_json::{Value, json};

/// The HTML of one queue on `/home`, from its heading to its end.
fn queue<'a>(home: &'a str, title: &str) -> &'a str {
    let from = home.find(&format!(">{title}<span class=\"count\">")).unwrap_or_else(|| panic!("no {title}: {home}"));
    let rest = &home[from..];
    &rest[..rest.find("</section>").unwrap()]
}

both!(breached_incidents_have_their_own_queue, |t| {
    let targets: Vec<Value> = (1..=5).map(|p| json!({"priority": p, "response": "1m", "resolution": "8h"})).collect();
    let sla = json!({"name": "Tight", "position": 10, "calendar_id": 1, "targets": targets, "thresholds": [50]});
    assert_eq!(t.post("/api/v1/slas", &t.manager, sla).await.status(), 201);
    let late = num(&t.incident(&t.agent, json!({"title": "Nobody answered"})).await);
    // The timer, two minutes on: the first response is overdue.
    let fired = t.app.run_sla_timers_at(steward_store::now_micros() + 120_000_000).await.unwrap();
    assert_eq!(fired.iter().filter(|a| a.event == steward_domain::sla::ClockEvent::Breach).count(), 1);
    let fresh = num(&t.incident(&t.agent, json!({"title": "Just in"})).await);
    assert_eq!(t.numbers(&[("sla", "breached"), ("state", "open")], &t.agent).await, std::slice::from_ref(&late));

    let (_, session) = t.app.login("agent", PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    let home = |lang: &'static str| {
        t.client
            .get(format!("{}/home", t.base))
            .header("cookie", format!("steward_session={}", session.token))
            .header("accept-language", lang)
            .send()
    };
    let body = home("en").await.unwrap().text().await.unwrap();
    let breached = queue(&body, "Breached");
    assert!(breached.contains(&format!("/incidents/{late}")) && !breached.contains(&fresh), "{breached}");
    assert!(breached.contains("?state=open&amp;sla=breached"), "{breached}");
    assert!(breached.contains(r#"data-kind="response""#) && breached.contains("First response: "), "{breached}");
    assert!(breached.contains("badge sla sla-breached"), "the breached clock speaks for the row: {breached}");
    let soon = queue(&body, "Breaching soon");
    assert!(soon.contains(&format!("/incidents/{fresh}")), "{soon}");
    let body = home("pl").await.unwrap().text().await.unwrap();
    assert!(queue(&body, "Naruszone SLA").contains(&format!("/incidents/{late}")));
});
