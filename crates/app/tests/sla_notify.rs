//! The entry point the SLA engine calls: `notify::incident_event` inside a
//! write, for warnings (optional: opt-outs apply), breaches and escalations
//! (not optional). Run on SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use steward_app::notify::{self, Author, IncidentEvent, Recipients, SlaNotice};
use steward_app::{App, AppConfig, AppError, accounts::NewUser, incidents::NewIncident};
use steward_store::{outbox, records};

async fn app(pg: bool) -> (App, tempfile::TempDir) {
    let (app, dir) = common::empty_app(pg, AppConfig::default()).await;
    app.add_group(None, "Desk", "").await.unwrap();
    for (name, role, locale) in [
        ("agent", "agent", None),
        ("agent2", "agent", Some("pl")),
        ("boss", "manager", None),
        ("req", "requester", None),
    ] {
        let u = NewUser {
            username: name.into(),
            role: role.into(),
            email: Some(format!("{name}@example.org")),
            groups: if role == "agent" { vec!["Desk".into()] } else { vec![] },
            locale: locale.map(str::to_owned),
            ..Default::default()
        };
        app.add_user(None, u).await.unwrap();
    }
    (app, dir)
}

async fn sla_events_reach_who_the_engine_names(pg: bool) {
    let (app, _dir) = app(pg).await;
    let token = |name: &'static str| {
        let app = app.clone();
        async move { app.token_actor(&app.create_token(None, name, "t").await.unwrap().token).await.unwrap() }
    };
    let (agent, agent2) = (token("agent").await, token("agent2").await);
    app.set_my_optouts(&agent2, vec![notify::SLA_WARNING.into()]).await.unwrap();
    let n = NewIncident {
        title: "Payroll export fails".into(),
        requester: Some("req".into()),
        assignment_group: Some("Desk".into()),
        assignee: Some("agent".into()),
        ..Default::default()
    };
    let inc = app.create_incident(&agent, n).await.unwrap();
    let boss = app.list_users(None).await.unwrap().into_iter().find(|u| u.username == "boss").unwrap().id;
    let before = {
        let mut c = app.store.pool().acquire().await.unwrap();
        outbox::for_record(&mut c, "incident", inc.id).await.unwrap().len()
    };

    let ctx = app.notify_ctx();
    let id = inc.id;
    let sla = SlaNotice {
        name: "Resolution P3".into(),
        target_us: 8 * 3_600_000_000,
        due_at: inc.opened_at + 8 * 3_600_000_000,
    };
    app.store
        .write(move |c| {
            Box::pin(async move {
                let inc = records::get(c, id).await?.ok_or(AppError::NotFound("incident"))?;
                let by = Author::system();
                let warn = IncidentEvent::SlaWarning { sla: sla.clone(), percent: 75 };
                notify::incident_event(c, &ctx, &inc, &by, &warn, &[Recipients::Assignee, Recipients::GroupMembers])
                    .await?;
                let breach = IncidentEvent::SlaBreached { sla: sla.clone() };
                notify::incident_event(
                    c,
                    &ctx,
                    &inc,
                    &by,
                    &breach,
                    &[Recipients::GroupMembers, Recipients::Users(vec![boss])],
                )
                .await?;
                let esc = IncidentEvent::Escalated { reason: "Breached resolution SLA".into() };
                notify::incident_event(c, &ctx, &inc, &by, &esc, &[Recipients::Users(vec![boss])]).await?;
                Ok::<_, AppError>(())
            })
        })
        .await
        .unwrap();

    let mut c = app.store.pool().acquire().await.unwrap();
    let msgs = outbox::for_record(&mut c, "incident", inc.id).await.unwrap();
    let sent = |event: &str| {
        let mut to: Vec<String> =
            msgs[before..].iter().filter(|m| m.event == event).map(|m| m.target.clone()).collect();
        to.sort();
        to
    };
    assert_eq!(sent(notify::SLA_WARNING), ["agent@example.org"], "agent2 turned warnings off; each person once");
    assert_eq!(
        sent(notify::SLA_BREACHED),
        ["agent2@example.org", "agent@example.org", "boss@example.org"],
        "a breach cannot be turned off"
    );
    assert_eq!(sent(notify::ESCALATED), ["boss@example.org"]);
    // Rendered in each recipient's language, waiting for SMTP (not configured here).
    let breach_pl =
        msgs[before..].iter().find(|m| m.event == notify::SLA_BREACHED && m.target.starts_with("agent2")).unwrap();
    let payload: serde_json::Value = serde_json::from_str(&breach_pl.payload).unwrap();
    let number = steward_app::incidents::number(inc.number);
    assert!(payload["subject"].as_str().unwrap().starts_with(&format!("[{number}]")), "{payload}");
    assert!(payload["text"].as_str().unwrap().contains("SLA"), "{payload}");
    assert_eq!(payload["thread"], format!("<{number}@steward.invalid>"));
    assert!(breach_pl.last_error.as_deref().unwrap().starts_with("SMTP is not configured"));
    // Nobody can opt out of a breach.
    let err = app.set_my_optouts(&agent2, vec![notify::SLA_BREACHED.into()]).await.unwrap_err();
    assert!(matches!(err, AppError::Invalid(ref f) if f[0].field == "optouts"), "{err:?}");
}

#[tokio::test]
async fn sla_events_reach_who_the_engine_names_sqlite() {
    sla_events_reach_who_the_engine_names(false).await
}

#[tokio::test]
async fn sla_events_reach_who_the_engine_names_postgres() {
    sla_events_reach_who_the_engine_names(true).await
}
