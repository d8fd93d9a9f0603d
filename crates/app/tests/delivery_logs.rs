//! What delivery failures write to the log: a warning per failed attempt
//! (message id, attempt, reason) and an error when a message goes dead.
//! The log is captured with a `tracing_subscriber` writing into a buffer.
//! Both backends.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;
use steward_app::notify::{NotifyConfig, WebhookInput};
use steward_app::{Actor, AppConfig, incidents::NewIncident};

/// A log writer into a shared buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn lines(&self) -> Vec<String> {
        String::from_utf8_lossy(&self.0.lock().unwrap()).lines().map(str::to_owned).collect()
    }
}

both!(failed_deliveries_warn_and_dead_messages_are_errors, |pg| async move {
    let log = Captured::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .finish();
    // The test runs on one thread: everything it awaits logs here.
    let _guard = tracing::subscriber::set_default(subscriber);

    let notify = NotifyConfig {
        max_attempts: 2,
        backoff_base: Duration::ZERO,
        worker: false,
        webhook_allow: steward_domain::net::Networks::parse(&["127.0.0.0/8"]).unwrap(),
        ..Default::default()
    };
    let (app, _d) = common::app(pg, AppConfig { notify, ..Default::default() }).await;
    // A receiver that is not there: every call is refused (a transient failure).
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let op = Actor::operator();
    let hook = WebhookInput { name: "gone".into(), url: format!("http://127.0.0.1:{port}/hook"), ..Default::default() };
    app.create_webhook(&op, hook).await.unwrap();
    let agent = app.login("agent", "a long password", [127, 0, 0, 1].into()).await.unwrap().0;
    app.create_incident(&agent, NewIncident { title: "Disk full".into(), ..Default::default() }).await.unwrap();
    let id = app.list_outbox(&op, "pending", None, 10).await.unwrap().items[0].id;

    let r = app.deliver_due_now().await.unwrap();
    assert_eq!((r.retried, r.dead), (1, 0));
    let warn = log.lines().into_iter().find(|l| l.contains("delivery failed")).expect("a warning");
    assert!(warn.contains(" WARN "), "{warn}");
    for part in [format!("message_id={id}"), "attempt=1".to_owned(), "channel=webhook".to_owned(), "reason=".into()] {
        assert!(warn.contains(&part), "{part}: {warn}");
    }
    assert!(!log.lines().iter().any(|l| l.contains(" ERROR ")), "not dead yet");

    tokio::time::sleep(Duration::from_millis(5)).await;
    let r = app.deliver_due_now().await.unwrap();
    assert_eq!((r.retried, r.dead), (0, 1));
    let dead = log.lines().into_iter().find(|l| l.contains(" ERROR ")).expect("an error line");
    assert!(dead.contains("the message is dead"), "{dead}");
    for part in [format!("message_id={id}"), "attempt=2".to_owned(), "reason=".into()] {
        assert!(dead.contains(&part), "{part}: {dead}");
    }
});
