//! Sending through a real SMTP server: aiosmtpd from Debian's
//! python3-aiosmtpd (`scripts/install-mail.sh`), run as a child process with
//! a Maildir handler, whose stored files are parsed back with our own parser.

use crate::smtpd::{SmtpServer, free_port};
use std::time::{Duration, Instant};

use steward_channels::email::{
    EmailEvent, Locale, OutgoingEmail, RecordInfo, SmtpConfig, SmtpSender, SmtpTls, new_message_id, render, thread_id,
};
use steward_channels::inbound;

const DOMAIN: &str = "steward.example.com";

/// Sends to the test server within 10 seconds.
fn config_of(server: &SmtpServer) -> SmtpConfig {
    config(server.port, Duration::from_secs(10))
}

fn config(port: u16, timeout: Duration) -> SmtpConfig {
    SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        tls: SmtpTls::None,
        username: None,
        password: None,
        from: format!("Steward <steward@{DOMAIN}>"),
        timeout,
    }
}

fn record() -> RecordInfo {
    RecordInfo {
        number: "INC0000123".into(),
        title: "Drukarka nie działa".into(),
        state: "Rozwiązane".into(),
        priority: "2 - Wysoki".into(),
        link: format!("https://{DOMAIN}/incidents/INC0000123"),
    }
}

fn email(sender: &SmtpSender, to: &str, event: &EmailEvent, locale: Locale) -> OutgoingEmail {
    let r = render(event, locale);
    OutgoingEmail {
        from: sender.sender().clone(),
        to: vec![to.parse().unwrap()],
        subject: r.subject,
        text_body: r.text,
        html_body: Some(r.html),
        message_id: new_message_id("INC0000123", sender.domain()),
        in_reply_to: Some(thread_id("INC0000123", sender.domain())),
        references: vec![thread_id("INC0000123", sender.domain())],
        record: Some("INC0000123".into()),
        files: Vec::new(),
    }
}

fn resolved() -> EmailEvent {
    EmailEvent::Resolved { record: record(), actor: "Ewa Lis".into(), notes: "Wymieniono bęben.".into() }
}

#[tokio::test]
async fn sent_mail_arrives_threaded_marked_and_multipart() {
    let server = SmtpServer::start();
    let sender = SmtpSender::new(&config_of(&server)).unwrap();
    let out = email(&sender, "Paweł Żak <pawel.zak@example.org>", &resolved(), Locale::Pl);
    sender.send(&out).await.unwrap();

    let stored = server.messages();
    assert_eq!(stored.len(), 1);
    let raw = String::from_utf8_lossy(&stored[0]);
    for header in ["Auto-Submitted: auto-generated", "X-Auto-Response-Suppress: All", "X-Steward-Record: INC0000123"] {
        assert!(raw.contains(header), "missing {header} in\n{raw}");
    }
    assert!(raw.contains("multipart/alternative"), "{raw}");
    // aiosmtpd records the envelope: the recipient got it.
    assert!(raw.contains("X-RcptTo: pawel.zak@example.org"), "{raw}");

    let m = inbound::parse(&stored[0], 1 << 20).unwrap();
    assert_eq!(m.subject, "[INC0000123] Rozwiązano: Drukarka nie działa");
    assert_eq!(m.from.email, format!("steward@{DOMAIN}"));
    assert_eq!(m.to[0].name.as_deref(), Some("Paweł Żak"));
    assert_eq!(Some(format!("<{}>", m.message_id.clone().unwrap())), Some(out.message_id.clone()));
    assert_eq!(m.in_reply_to, [format!("INC0000123@{DOMAIN}")]);
    assert_eq!(m.references, [format!("INC0000123@{DOMAIN}")]);
    assert_eq!(m.record_number(DOMAIN).as_deref(), Some("INC0000123"));
    assert!(m.text.starts_with("Twoje zgłoszenie zostało rozwiązane\n"), "{}", m.text);
    assert!(m.text.contains("Wymieniono bęben."), "{}", m.text);
    // Our own message, if it ever comes back, is not processed.
    assert_eq!(m.loop_reason(), Some("one of our own notifications"));
}

#[tokio::test]
async fn plain_text_only_mail() {
    let server = SmtpServer::start();
    let sender = SmtpSender::new(&config_of(&server)).unwrap();
    let mut out = email(&sender, "anna@example.org", &resolved(), Locale::En);
    out.html_body = None;
    out.in_reply_to = None;
    out.references.clear();
    sender.send(&out).await.unwrap();
    let stored = server.messages();
    let raw = String::from_utf8_lossy(&stored[0]);
    assert!(!raw.contains("multipart"), "{raw}");
    let m = inbound::parse(&stored[0], 1 << 20).unwrap();
    assert_eq!(m.subject, "[INC0000123] Resolved: Drukarka nie działa");
    assert!(m.in_reply_to.is_empty());
    assert!(m.text.contains("Resolved by: Ewa Lis"), "{}", m.text);
}

#[tokio::test]
async fn refused_recipient_is_permanent_deferred_one_transient() {
    let server = SmtpServer::start();
    let sender = SmtpSender::new(&config_of(&server)).unwrap();
    let err = sender.send(&email(&sender, "nobody@example.org", &resolved(), Locale::En)).await.unwrap_err();
    assert!(!err.transient, "{err:?}");
    assert!(err.reason.contains("550") && err.reason.contains("mailbox unavailable"), "{}", err.reason);
    let err = sender.send(&email(&sender, "busy@example.org", &resolved(), Locale::En)).await.unwrap_err();
    assert!(err.transient, "{err:?}");
    assert!(err.reason.contains("451"), "{}", err.reason);
    assert!(server.messages().is_empty());
}

#[tokio::test]
async fn relay_down_is_transient_and_quick() {
    let port = free_port(); // bound and released: nothing listens there
    let sender = SmtpSender::new(&config(port, Duration::from_secs(5))).unwrap();
    let started = Instant::now();
    let err = sender.send(&email(&sender, "anna@example.org", &resolved(), Locale::En)).await.unwrap_err();
    assert!(err.transient, "{err:?}");
    assert!(err.reason.contains("could not be reached") || err.reason.contains("refused"), "{}", err.reason);
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
}

#[tokio::test]
async fn silent_relay_times_out_within_the_limit() {
    // Accepts the connection, never greets.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let hold = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let sender = SmtpSender::new(&config(port, Duration::from_millis(500))).unwrap();
    let started = Instant::now();
    let err = sender.send(&email(&sender, "anna@example.org", &resolved(), Locale::En)).await.unwrap_err();
    let took = started.elapsed();
    assert!(err.transient, "{err:?}");
    assert!(took >= Duration::from_millis(450) && took < Duration::from_secs(2), "{took:?}");
    hold.abort();
}
