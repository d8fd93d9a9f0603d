//! Use cases that have no HTTP surface of their own: sign-in throttling,
//! sessions, auto-close. Run on SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::app;
use std::net::IpAddr;
use steward_app::{
    AppConfig, AppError,
    incidents::{NewIncident, TransitionInput},
};

const IP: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

both!(failed_logins_lock_the_account, |pg| async move {
    let (app, _d) = app(pg, AppConfig::default()).await;
    for _ in 0..5 {
        let e = app.login("agent", "wrong password", IP).await.unwrap_err();
        assert!(matches!(e, AppError::Unauthenticated("wrong username or password")), "{e}");
    }
    // Locked now: even the right password is refused until the lock ends.
    let e = app.login("agent", "a long password", IP).await.unwrap_err();
    match e {
        AppError::Throttled { retry_after_secs } => assert!((1..=30).contains(&retry_after_secs)),
        other => panic!("expected throttling, got {other}"),
    }
    assert!(e_string(app.login("nobody", "x", IP).await).contains("wrong username or password"));
});

fn e_string<T>(r: Result<T, AppError>) -> String {
    r.err().map(|e| e.to_string()).unwrap_or_default()
}

both!(sessions_open_and_close, |pg| async move {
    let (app, _d) = app(pg, AppConfig::default()).await;
    let (actor, s) = app.login("agent", "a long password", IP).await.unwrap();
    assert_eq!(actor.username, "agent");
    let (again, csrf) = app.session_actor(&s.token).await.unwrap();
    assert_eq!((again.id, csrf), (actor.id, s.csrf.clone()));
    app.logout(&s.token).await.unwrap();
    assert!(matches!(app.session_actor(&s.token).await, Err(AppError::Unauthenticated(_))));
    assert!(app.session_actor("made-up").await.is_err());
});

both!(resolved_incidents_close_by_themselves, |pg| async move {
    let (app, _d) = app(pg, AppConfig { auto_close_days: 0, ..Default::default() }).await;
    let (agent, _) = app.login("agent", "a long password", IP).await.unwrap();
    let inc =
        app.create_incident(&agent, NewIncident { title: "Disk full".into(), ..Default::default() }).await.unwrap();
    let open =
        app.create_incident(&agent, NewIncident { title: "Still open".into(), ..Default::default() }).await.unwrap();
    let resolved = app
        .transition_incident(
            &agent,
            &inc.id.to_string(),
            Some(inc.version),
            TransitionInput {
                state: "resolved".into(),
                resolution_code: Some("solved".into()),
                resolution_notes: Some("Cleaned up old logs".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(resolved.state, "resolved");
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    assert_eq!(app.auto_close().await.unwrap(), 1);
    let closed = app.get_incident(&agent, &inc.id.to_string()).await.unwrap();
    assert_eq!(closed.state, "closed");
    assert!(closed.closed_at.is_some());
    let journal = app.incident_journal(&agent, &inc.id.to_string()).await.unwrap();
    let last = journal.last().unwrap();
    assert_eq!((last.action.as_str(), last.actor_id), ("state_changed", None), "closed by the system");
    assert_eq!(app.get_incident(&agent, &open.id.to_string()).await.unwrap().state, "new");
    assert_eq!(app.auto_close().await.unwrap(), 0, "nothing left to close");
});

both!(a_background_pass_runs_on_one_node_and_another_takes_over, |pg| async move {
    use std::time::Duration;
    let (app, _d) = app(pg, AppConfig::default()).await;
    let hold = Duration::from_secs(60);
    // While one pass holds the lease, another node's tick skips.
    let inner = app.on_one_node("test_lease", hold, async { Ok(2) });
    let outer = app.on_one_node("test_lease", hold, inner).await.unwrap();
    assert_eq!(outer, Some(None), "the second pass skipped");
    // Given back when the pass ends: the next tick runs.
    assert_eq!(app.on_one_node("test_lease", hold, async { Ok(3) }).await.unwrap(), Some(3));
    // A node that died holding it: the lease runs out, then another takes over.
    let now = steward_store::now_micros();
    let taken = app
        .store
        .write(move |c| {
            Box::pin(async move { steward_store::settings::take_lease(c, "test_lease", now, now + 500_000).await })
        })
        .await
        .unwrap();
    assert!(taken);
    assert_eq!(app.on_one_node("test_lease", hold, async { Ok(4) }).await.unwrap(), None);
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(app.on_one_node("test_lease", hold, async { Ok(5) }).await.unwrap(), Some(5));
});

both!(a_session_unused_too_long_ends, |pg| async move {
    let (app, _d) = app(pg, AppConfig { session_idle_minutes: 30, ..AppConfig::default() }).await;
    let (_, idle) = app.login("agent", "a long password", IP).await.unwrap();
    let (_, busy) = app.login("agent", "a long password", IP).await.unwrap();
    // One last used 31 minutes ago, the other 29.
    let now = steward_store::now_micros();
    for (token, minutes) in [(&idle.token, 31), (&busy.token, 29)] {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now - minutes * 60_000_000)
            .bind(steward_app::auth::secret_hash(token))
            .execute(app.store.pool())
            .await
            .unwrap();
    }
    let e = app.session_actor(&idle.token).await.unwrap_err();
    assert!(matches!(e, AppError::Unauthenticated("your session ended after a while without use")), "{e}");
    assert!(app.session_actor(&idle.token).await.is_err(), "and it is gone");
    assert!(app.session_actor(&busy.token).await.is_ok(), "used within the limit");
    // Off (0), a session lasts its hours whatever its use.
    let (app, _d) = common::app(pg, AppConfig::default()).await;
    let (_, s) = app.login("agent", "a long password", IP).await.unwrap();
    sqlx::query("UPDATE sessions SET last_seen_at = 0").execute(app.store.pool()).await.unwrap();
    assert!(app.session_actor(&s.token).await.is_ok());
});
