//! The notification pages over plain HTTP: the Watch button on an incident,
//! and the admins' outbox page with its Retry button.

use crate::server::{self, get, post};
use reqwest::{Response, header};
use steward_app::incidents::NewIncident;
use steward_store::outbox::{self, NewMessage};

async fn page(r: Response, status: u16) -> String {
    assert_eq!(r.status().as_u16(), status, "status of {}", r.url());
    r.text().await.unwrap()
}

fn location(r: &Response) -> String {
    r.headers()[header::LOCATION].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn watch_and_unwatch_an_incident() {
    let t = server::spawn().await;
    let (requester, _) = t.session("requester").await;
    let actor = t.app.session_actor(&requester["steward_session=".len()..]).await.unwrap().0;
    let n = NewIncident { title: "Projector flickers".into(), ..NewIncident::default() };
    let n = steward_app::incidents::number(t.app.create_incident(&actor, n).await.unwrap().number);
    let (cookie, csrf) = t.session("agent").await;
    let path = format!("/incidents/{n}");
    let body = page(get(&t, &path, &cookie).await, 200).await;
    assert!(body.contains(r#"id="watch" type="submit" aria-pressed="false">Watch</button>"#), "{body}");
    let r = post(&t, &format!("{path}/watch"), &cookie, &[("_csrf", &csrf), ("on", "1")]).await;
    assert_eq!((r.status().as_u16(), location(&r)), (303, format!("{path}?m=watching")));
    let body = page(get(&t, &format!("{path}?m=watching"), &cookie).await, 200).await;
    assert!(body.contains("You are watching this incident: its updates will come by email."), "{body}");
    assert!(body.contains(r#"aria-pressed="true">Stop watching</button>"#), "{body}");
    let r = post(&t, &format!("{path}/watch"), &cookie, &[("_csrf", &csrf), ("on", "0")]).await;
    assert_eq!(location(&r), format!("{path}?m=unwatched"));
    assert!(page(get(&t, &path, &cookie).await, 200).await.contains(">Watch</button>"));
    // Without the CSRF token nothing happens.
    let r = post(&t, &format!("{path}/watch"), &cookie, &[("on", "1")]).await;
    assert_eq!(r.status().as_u16(), 403);
    assert!(t.app.watchers(&actor, steward_domain::number::RecordKind::Incident, &n).await.unwrap().is_empty());
}

#[tokio::test]
async fn admins_see_the_outbox_and_retry_undeliverable_mail() {
    let t = server::spawn().await;
    let (agent, _) = t.session("agent").await;
    let body = page(get(&t, "/admin/notifications", &agent).await, 403).await;
    assert!(body.contains("Only admins can see the outbox"), "{body}");
    assert!(!page(get(&t, "/home", &agent).await, 200).await.contains("/admin/notifications"));

    let (requester, _) = t.session("requester").await;
    let actor = t.app.session_actor(&requester["steward_session=".len()..]).await.unwrap().0;
    let n = NewIncident { title: "Printer offline".into(), ..NewIncident::default() };
    let inc = t.app.create_incident(&actor, n).await.unwrap();
    // Only the dead letter below is in the outbox: not the new incident's mail.
    sqlx::query("DELETE FROM outbox").execute(t.app.store.pool()).await.unwrap();
    let dead = NewMessage {
        channel: "email".into(),
        event: "incident.created".into(),
        record_kind: Some("incident".into()),
        record_id: Some(inc.id),
        target: "gone@example.org".into(),
        payload: "{}".into(),
        last_error: None,
    };
    let id = t
        .app
        .store
        .write(move |c| {
            Box::pin(async move {
                let id = outbox::enqueue(c, &dead, 1).await?;
                outbox::mark_dead(c, id, 8, "550 mailbox unavailable").await?;
                Ok::<_, steward_store::StoreError>(id)
            })
        })
        .await
        .unwrap();
    let (admin, csrf) = t.session("admin").await;
    let r = post(&t, "/settings", &admin, &[("_csrf", &csrf), ("locale", "pl")]).await;
    assert_eq!(r.status().as_u16(), 303);
    let body = page(get(&t, "/admin/notifications", &admin).await, 200).await;
    assert!(body.contains(r#"href="/admin/notifications" aria-current="page">Powiadomienia</a>"#), "{body}");
    assert!(body.contains("Niedostarczone wiadomości"), "{body}");
    assert!(body.contains(r#"<dd id="count-dead">1</dd>"#), "{body}");
    assert!(
        body.contains("550 mailbox unavailable") && body.contains(&steward_app::incidents::number(inc.number)),
        "{body}"
    );
    assert!(body.contains(&format!(r#"id="retry-{id}" type="submit">Ponów</button>"#)), "{body}");
    let r = post(&t, &format!("/admin/notifications/{id}/retry"), &admin, &[("_csrf", &csrf)]).await;
    assert_eq!((r.status().as_u16(), location(&r)), (303, "/admin/notifications?m=retried".to_owned()));
    let body = page(get(&t, "/admin/notifications?m=retried", &admin).await, 200).await;
    assert!(body.contains("Wiadomość zostanie wysłana ponownie."), "{body}");
    assert!(body.contains(r#"<dd id="count-pending">1</dd>"#) && body.contains("Brak niedostarczonych wiadomości."));
    // Retrying it again is refused with the reason.
    let r = post(&t, &format!("/admin/notifications/{id}/retry"), &admin, &[("_csrf", &csrf)]).await;
    assert_eq!(r.status().as_u16(), 422);
    let r = post(&t, "/admin/notifications/abc/retry", &admin, &[("_csrf", &csrf)]).await;
    assert_eq!(r.status().as_u16(), 404);
}

#[tokio::test]
async fn users_choose_their_optional_notifications_in_settings() {
    let t = server::spawn().await;
    let (cookie, csrf) = t.session("agent").await;
    let body = page(get(&t, "/settings", &cookie).await, 200).await;
    for name in ["commented", "work_note", "assigned", "sla_warning"] {
        assert!(body.contains(&format!(r#"id="opt-{name}" checked>"#)), "{name} is on by default: {body}");
    }
    let r = post(&t, "/settings/notifications", &cookie, &[("_csrf", &csrf), ("commented", "1")]).await;
    assert_eq!((r.status().as_u16(), location(&r)), (303, "/settings?m=saved".to_owned()));
    let actor = t.app.session_actor(&cookie["steward_session=".len()..]).await.unwrap().0;
    assert_eq!(
        t.app.my_optouts(&actor).await.unwrap(),
        ["incident.assigned", "incident.sla_warning", "incident.work_note"]
    );
    let body = page(get(&t, "/settings?m=saved", &cookie).await, 200).await;
    assert!(body.contains(r#"id="opt-commented" checked>"#), "{body}");
    assert!(body.contains(r#"id="opt-assigned">"#) && !body.contains(r#"id="opt-assigned" checked"#), "{body}");
}
