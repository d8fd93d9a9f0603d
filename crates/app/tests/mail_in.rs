//! Mail in, below the pipe and IMAP: replies become comments, new mail
//! becomes incidents, loops and strangers are kept out, each message once.
//! Both backends.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::app;
use steward_app::accounts::NewUser;
use steward_app::mail_in::{InboundConfig, MailOutcome};
use steward_app::{App, AppConfig};

async fn user(app: &App, name: &str, role: &str, email: &str) {
    let u = NewUser {
        username: name.into(),
        role: role.into(),
        email: Some(email.into()),
        display_name: Some(format!("{name} display")),
        ..Default::default()
    };
    app.add_user(None, u).await.unwrap();
}

fn mail(headers: &str, body: &str) -> Vec<u8> {
    format!("{headers}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n").into_bytes()
}

both!(replies_become_comments_and_new_mail_becomes_incidents, |pg| async move {
    let (app, _d) = app(pg, AppConfig::default()).await;
    user(&app, "anna", "requester", "Anna.Nowak@example.com").await;
    user(&app, "olek", "requester", "olek@example.com").await;
    let op = steward_app::Actor::operator();

    let first = mail(
        "From: Anna Nowak <anna.nowak@example.com>\r\nTo: desk@example.com\r\nSubject: Printer on 3rd floor jams\r\nMessage-ID: <m1@example.com>",
        "It jams on every second page.",
    );
    let MailOutcome::Created(number) = app.ingest_mail(&first).await.unwrap() else { panic!("not created") };
    let inc = app.get_incident(&op, &number).await.unwrap();
    assert_eq!(
        (inc.title.as_str(), inc.requester_name.as_deref()),
        ("Printer on 3rd floor jams", Some("anna display"))
    );
    assert!(inc.description.contains("every second page"));
    assert_eq!(app.ingest_mail(&first).await.unwrap(), MailOutcome::Duplicate("created".into()), "once");

    // A reply to our notification: threading headers find the record, the quote is dropped.
    let domain = app.mail_domain();
    let reply = mail(
        &format!(
            "From: anna.nowak@example.com\r\nSubject: Re: Printer on 3rd floor jams\r\nMessage-ID: <m2@example.com>\r\nIn-Reply-To: <a1b2.{number}@{domain}>\r\nReferences: <{number}@{domain}>"
        ),
        "It works again, thanks!\r\n\r\nOn Mon, 23 Nov 2026 at 10:00, Steward wrote:\r\n> We replaced the roller.",
    );
    assert_eq!(app.ingest_mail(&reply).await.unwrap(), MailOutcome::Commented(number.clone()));
    let comments = app.list_comments(&op, steward_domain::number::RecordKind::Incident, &number).await.unwrap();
    assert_eq!(comments.last().unwrap().body, "It works again, thanks!");

    // No threading headers: the number in the subject will do.
    let by_subject = mail(
        &format!("From: anna.nowak@example.com\r\nSubject: {number} one more thing\r\nMessage-ID: <m3@example.com>"),
        "Also the tray is cracked.",
    );
    assert_eq!(app.ingest_mail(&by_subject).await.unwrap(), MailOutcome::Commented(number.clone()));

    // Someone else's record number does not let a stranger comment on it.
    let other = mail(
        &format!("From: olek@example.com\r\nSubject: Re: [{number}] printer\r\nMessage-ID: <m4@example.com>"),
        "Mine jams too.",
    );
    let MailOutcome::Created(second) = app.ingest_mail(&other).await.unwrap() else { panic!("a new incident") };
    assert_ne!(second, number);
    assert_eq!(
        app.list_comments(&op, steward_domain::number::RecordKind::Incident, &number).await.unwrap().len(),
        2,
        "nothing added to Anna's"
    );
});

both!(loops_strangers_and_bad_mail_are_kept_out_with_a_reason, |pg| async move {
    let (app, _d) = app(pg, AppConfig::default()).await;
    user(&app, "anna", "requester", "anna@example.com").await;
    let auto = mail(
        "From: anna@example.com\r\nSubject: Out of office\r\nMessage-ID: <a1@example.com>\r\nAuto-Submitted: auto-replied",
        "I am away until Monday.",
    );
    assert!(matches!(app.ingest_mail(&auto).await.unwrap(), MailOutcome::Ignored(_)));
    let stranger = mail("From: eve@elsewhere.test\r\nSubject: Help\r\nMessage-ID: <s1@elsewhere.test>", "Hi");
    let MailOutcome::Refused(why) = app.ingest_mail(&stranger).await.unwrap() else { panic!("refused") };
    assert!(why.contains("unknown sender eve@elsewhere.test"), "{why}");
    let no_sender = mail("Subject: Who am I\r\nMessage-ID: <n1@example.com>", "Nobody");
    let MailOutcome::Refused(why) = app.ingest_mail(&no_sender).await.unwrap() else { panic!("refused") };
    assert!(why.contains("no usable sender"), "{why}");
    let MailOutcome::Refused(why) = app.ingest_mail(b"\x00\x01 not mail at all").await.unwrap() else {
        panic!("refused")
    };
    assert!(!why.is_empty());

    let op = steward_app::Actor::operator();
    let log = app.inbound_mail(&op, None, 50).await.unwrap();
    let outcomes: Vec<&str> = log.iter().map(|r| r.outcome.as_str()).collect();
    assert_eq!(outcomes, ["refused", "refused", "refused", "ignored"], "newest first, each with its reason");
    assert!(log.iter().all(|r| r.reason.is_some()));
    let (n, _) =
        app.list_incidents(&op, steward_store::records::Filter { limit: 50, ..Default::default() }).await.unwrap();
    assert!(n.is_empty(), "nothing was opened");
});

both!(strangers_become_requesters_when_allowed_and_size_is_limited, |pg| async move {
    let inbound = InboundConfig { create_requesters: true, max_bytes: 4096, ..Default::default() };
    let (app, _d) = app(pg, AppConfig { inbound, ..Default::default() }).await;
    let stranger = mail(
        "From: \"Eve Kowalska\" <eve+it@elsewhere.test>\r\nSubject: VPN\r\nMessage-ID: <s1@elsewhere.test>",
        "VPN drops",
    );
    let MailOutcome::Created(number) = app.ingest_mail(&stranger).await.unwrap() else { panic!("created") };
    let op = steward_app::Actor::operator();
    let inc = app.get_incident(&op, &number).await.unwrap();
    assert_eq!(inc.requester_name.as_deref(), Some("Eve Kowalska"));
    let again = mail("From: eve+it@elsewhere.test\r\nSubject: VPN again\r\nMessage-ID: <s2@elsewhere.test>", "Still");
    let MailOutcome::Created(n2) = app.ingest_mail(&again).await.unwrap() else { panic!("created") };
    assert_eq!(app.get_incident(&op, &n2).await.unwrap().requester_id, inc.requester_id, "the same requester");
    // Addresses compare without case: the one user, not a new one.
    let shouted = mail("From: EVE+IT@Elsewhere.TEST\r\nSubject: VPN, loud\r\nMessage-ID: <s4@elsewhere.test>", "!");
    let MailOutcome::Created(n3) = app.ingest_mail(&shouted).await.unwrap() else { panic!("created") };
    assert_eq!(app.get_incident(&op, &n3).await.unwrap().requester_id, inc.requester_id, "matched without case");
    // An address no user may have is refused with the reason, not retried.
    let local = mail("From: root@localhost\r\nSubject: cron\r\nMessage-ID: <s5@elsewhere.test>", "output");
    let MailOutcome::Refused(why) = app.ingest_mail(&local).await.unwrap() else { panic!("refused") };
    assert_eq!(
        why,
        "unknown sender root@localhost, who cannot become a requester: is not an email address: the domain after the @ needs a dot, as in example.com"
    );
    let big =
        mail("From: eve+it@elsewhere.test\r\nSubject: Logs\r\nMessage-ID: <s3@elsewhere.test>", &"x".repeat(5000));
    let MailOutcome::Refused(why) = app.ingest_mail(&big).await.unwrap() else { panic!("refused") };
    assert!(why.contains("larger than 4096 bytes"), "{why}");
});

/// A real Dovecot IMAP server on 127.0.0.1, its mail in a temporary
/// folder, any user with the password "secret"; stopped on drop.
struct Dovecot {
    dir: tempfile::TempDir,
    port: u16,
}

impl Dovecot {
    fn start() -> Dovecot {
        assert!(
            std::path::Path::new("/usr/sbin/dovecot").exists(),
            "Dovecot is required for this test: run scripts/install-mail.sh"
        );
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let d = dir.path().display();
        for sub in ["run", "state", "mail", "home"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        let conf = format!(
            "protocols = imap\nlisten = 127.0.0.1\nbase_dir = {d}/run\nstate_dir = {d}/state\nlog_path = {d}/dovecot.log\n\
             ssl = no\ndisable_plaintext_auth = no\nauth_mechanisms = plain login\nfirst_valid_uid = 1\n\
             mail_location = maildir:{d}/mail/%u\n\
             passdb {{\n  driver = static\n  args = password=secret\n}}\n\
             userdb {{\n  driver = static\n  args = uid=dovecot gid=dovecot home={d}/home/%u\n}}\n\
             service imap-login {{\n  chroot =\n  inet_listener imap {{\n    port = {port}\n  }}\n  inet_listener imaps {{\n    port = 0\n  }}\n}}\n\
             service anvil {{\n  chroot =\n}}\n"
        );
        std::fs::write(dir.path().join("dovecot.conf"), conf).unwrap();
        let dv = Dovecot { dir, port };
        dv.chown();
        // Dovecot forks into the background: its output goes to the log, not
        // to pipes that the daemon would hold open.
        let status = std::process::Command::new("/usr/sbin/dovecot")
            .arg("-c")
            .arg(dv.dir.path().join("dovecot.conf"))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "dovecot did not start: see {}/dovecot.log", dv.dir.path().display());
        let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(std::time::Instant::now() < until, "dovecot did not listen on {port}");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        dv
    }

    /// The mail folder belongs to the user Dovecot reads mail as.
    fn chown(&self) {
        let out = std::process::Command::new("chown")
            .args(["-R", "dovecot:dovecot"])
            .arg(self.dir.path().join("mail"))
            .arg(self.dir.path().join("home"))
            .output()
            .unwrap();
        assert!(out.status.success(), "chown: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// Delivers a message into `user`'s inbox, as a local delivery agent would.
    fn deliver(&self, user: &str, name: &str, raw: &[u8]) {
        let inbox = self.dir.path().join("mail").join(user);
        for sub in ["new", "cur", "tmp"] {
            std::fs::create_dir_all(inbox.join(sub)).unwrap();
        }
        std::fs::write(inbox.join("tmp").join(name), raw).unwrap();
        std::fs::rename(inbox.join("tmp").join(name), inbox.join("new").join(name)).unwrap();
        self.chown();
    }

    fn config(&self) -> steward_channels::imap::ImapConfig {
        steward_channels::imap::ImapConfig {
            host: "127.0.0.1".into(),
            port: self.port,
            tls: steward_channels::imap::ImapTls::None,
            username: "desk".into(),
            password: "secret".into(),
            folder: "INBOX".into(),
            timeout: std::time::Duration::from_secs(10),
        }
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        if let Ok(pid) = std::fs::read_to_string(self.dir.path().join("run/master.pid")) {
            let _ = std::process::Command::new("kill").arg(pid.trim()).status();
        }
    }
}

both!(an_imap_mailbox_is_polled_and_each_message_taken_once, |pg| async move {
    let (app, _d) = app(pg, AppConfig::default()).await;
    user(&app, "anna", "requester", "anna@example.com").await;
    let dv = Dovecot::start();
    dv.deliver(
        "desk",
        "1.eml",
        &mail("From: anna@example.com\r\nSubject: Laptop fan is loud\r\nMessage-ID: <i1@example.com>", "Very loud."),
    );
    dv.deliver(
        "desk",
        "2.eml",
        &mail("From: eve@elsewhere.test\r\nSubject: Spam\r\nMessage-ID: <i2@elsewhere.test>", "Buy"),
    );
    assert_eq!(app.poll_mailbox(&dv.config()).await.unwrap(), 2, "both taken in (one refused, with its reason logged)");
    assert_eq!(app.poll_mailbox(&dv.config()).await.unwrap(), 0, "seen messages are not read again");
    let op = steward_app::Actor::operator();
    let log = app.inbound_mail(&op, None, 10).await.unwrap();
    let outcomes: Vec<(&str, &str)> = log.iter().map(|r| (r.sender.as_str(), r.outcome.as_str())).collect();
    assert_eq!(outcomes, [("eve@elsewhere.test", "refused"), ("anna@example.com", "created")]);
    let wrong = steward_channels::imap::ImapConfig { password: "wrong".into(), ..dv.config() };
    assert!(app.poll_mailbox(&wrong).await.is_err(), "a refused login is an error, not a silent nothing");
});

/// The SLA every incident gets in these tests: round the clock, P2
/// responds within an hour.
fn every_incident_sla() -> steward_domain::sla::SlaDefinition {
    let targets: Vec<_> =
        (1..=5).map(|p| serde_json::json!({"priority": p, "response": "1h", "resolution": "8h"})).collect();
    serde_json::from_value(serde_json::json!({
        "id": 0, "name": "Mail", "position": 10, "calendar_id": 1, "targets": targets, "thresholds": [50]
    }))
    .unwrap()
}

both!(mail_in_defaults_route_a_new_incident_to_its_group_with_priority_and_sla, |pg| async move {
    let inbound = InboundConfig {
        default_group: Some("Desk".into()),
        default_impact: 2,
        default_urgency: 1,
        ..Default::default()
    };
    let (app, _d) = app(pg, AppConfig { inbound, ..Default::default() }).await;
    app.check_mail_defaults().await.unwrap();
    user(&app, "anna", "requester", "anna@example.com").await;
    user(&app, "desk1", "agent", "desk1@example.com").await;
    app.add_member(None, "Desk", "desk1").await.unwrap();
    let op = steward_app::Actor::operator();
    app.create_sla(&op, every_incident_sla(), true).await.unwrap();

    let m = mail(
        "From: anna@example.com\r\nSubject: Laptop will not boot\r\nMessage-ID: <d1@example.com>",
        "Black screen.",
    );
    let MailOutcome::Created(number) = app.ingest_mail(&m).await.unwrap() else { panic!("created") };
    let inc = app.get_incident(&op, &number).await.unwrap();
    assert_eq!(inc.group_name.as_deref(), Some("Desk"), "in the default group's queue");
    assert_eq!((inc.impact, inc.urgency, inc.priority), (2, 1, 2), "priority from the matrix");
    assert!(inc.sla.sla_id.is_some(), "an SLA");
    assert_eq!(inc.sla.sla_due_at, Some(inc.opened_at + 3_600_000_000), "its P2 response clock runs");
    let clocks = app.clocks_of_incident(inc.id).await.unwrap();
    assert!(clocks.iter().any(|c| c.kind == "response" && c.state == "running"), "{clocks:?}");

    // The group hears about it like any new assignment; the requester gets the receipt.
    let page = app.list_outbox(&op, "pending", None, 50).await.unwrap();
    let to = |event: &str| -> Vec<String> {
        page.items.iter().filter(|m| m.channel == "email" && m.event == event).map(|m| m.target.clone()).collect()
    };
    assert_eq!(to("incident.assigned"), ["desk1@example.com"], "{:?}", page.items);
    assert_eq!(to("incident.created"), ["anna@example.com"]);
    let assigned = page.items.iter().find(|m| m.event == "incident.assigned").unwrap();
    assert_eq!(assigned.record_id, Some(inc.id));
});

both!(an_unknown_default_group_is_named_at_start, |pg| async move {
    let inbound = InboundConfig { default_group: Some("Dsek".into()), ..Default::default() };
    let (app, _d) = app(pg, AppConfig { inbound, ..Default::default() }).await;
    let Err(steward_app::AppError::Invalid(errs)) = app.check_mail_defaults().await else { panic!("refused") };
    assert_eq!(errs[0].field, "inbound.default_group");
    assert_eq!(errs[0].message, "no group named \"Dsek\"; groups: Desk");
});
