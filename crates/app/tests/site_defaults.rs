//! The language and time zone of e-mail: the recipient's own setting,
//! else what their browser last used (recorded at sign-in), else the
//! site's defaults; the latter also for people mail in turns into
//! requesters. Both backends.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use steward_app::mail_in::{InboundConfig, MailOutcome};
use steward_app::notify::{self, Author, IncidentEvent, Recipients, SlaNotice};
use steward_app::site::SiteConfig;
use steward_app::users::UserPatch;
use steward_app::{Actor, App, AppConfig, AppError, accounts::NewUser, incidents::NewIncident};
use steward_domain::zone::ZoneName;
use steward_store::{accounts, outbox, records};

/// Polish and Tokyo time unless a user says otherwise.
fn config() -> AppConfig {
    AppConfig {
        site: SiteConfig { language: "pl".into(), time_zone: ZoneName::parse("Asia/Tokyo").unwrap() },
        inbound: InboundConfig { create_requesters: true, ..Default::default() },
        ..Default::default()
    }
}

async fn agent(app: &App, name: &str) -> i64 {
    let u = NewUser {
        username: name.into(),
        role: "agent".into(),
        email: Some(format!("{name}@example.org")),
        groups: vec!["Desk".into()],
        ..Default::default()
    };
    app.add_user(None, u).await.unwrap()
}

/// The rendered SLA breach e-mail each user gets, by address.
async fn breach_mails(app: &App, inc_id: i64, users: Vec<i64>) -> Vec<(String, String, String)> {
    let ctx = app.notify_ctx();
    // 2026-01-15 12:00 UTC: no daylight saving anywhere below.
    let due_at = jiff::Timestamp::from_second(1_768_478_400).unwrap().as_microsecond();
    let sla = SlaNotice { name: "Resolution P3".into(), target_us: 8 * 3_600_000_000, due_at };
    app.store
        .write(move |c| {
            Box::pin(async move {
                let inc = records::get(c, inc_id).await?.ok_or(AppError::NotFound("incident"))?;
                let event = IncidentEvent::SlaBreached { sla: sla.clone() };
                notify::incident_event(c, &ctx, &inc, &Author::system(), &event, &[Recipients::Users(users)]).await?;
                Ok::<_, AppError>(())
            })
        })
        .await
        .unwrap();
    let mut c = app.store.pool().acquire().await.unwrap();
    outbox::for_record(&mut c, "incident", inc_id)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.event == notify::SLA_BREACHED)
        .map(|m| {
            let p: serde_json::Value = serde_json::from_str(&m.payload).unwrap();
            (m.target, p["subject"].as_str().unwrap().to_owned(), p["text"].as_str().unwrap().to_owned())
        })
        .collect()
}

both!(mail_follows_the_setting_then_the_browser_then_the_site, |pg| async move {
    let (app, _d) = common::empty_app(pg, config()).await;
    app.add_group(None, "Desk", "").await.unwrap();
    let chose = agent(&app, "chose").await;
    let browser = agent(&app, "browser").await;
    let plain = agent(&app, "plain").await;
    let op = Actor::operator();
    let version = app.user_detail(&op, "chose").await.unwrap().user.version;
    let own = UserPatch { locale: Some("en".into()), time_zone: Some("Europe/Warsaw".into()), ..Default::default() };
    app.update_user(&op, "chose", version, own).await.unwrap();
    // Both signed in with a Polish browser in New York, then "browser" with an English one.
    app.note_browser(chose, Some("pl"), Some("America/New_York")).await.unwrap();
    app.note_browser(browser, Some("pl"), Some("America/New_York")).await.unwrap();
    app.note_browser(browser, Some("en"), None).await.unwrap();
    // What Steward does not speak or know is not recorded; the last good value stays.
    app.note_browser(browser, Some("de"), Some("Mars/Olympus")).await.unwrap();
    let mut c = app.store.pool().acquire().await.unwrap();
    let u = accounts::user_by_id(&mut c, browser).await.unwrap().unwrap();
    assert_eq!((u.browser_locale.as_deref(), u.browser_time_zone.as_deref()), (Some("en"), Some("America/New_York")));
    assert_eq!(u.version, 1, "recording the browser is not a change to the account");
    drop(c);

    let actor = app.token_actor(&app.create_token(None, "plain", "t").await.unwrap().token).await.unwrap();
    let inc = app.create_incident(&actor, NewIncident { title: "Backups fail".into(), ..Default::default() }).await;
    let inc = inc.unwrap();
    let mails = breach_mails(&app, inc.id, vec![chose, browser, plain]).await;
    let of = |who: &str| mails.iter().find(|(to, _, _)| to.starts_with(who)).cloned().unwrap();

    let (_, subject, text) = of("chose@");
    assert!(subject.contains("SLA breached"), "their own language, English: {subject}");
    assert!(text.contains("2026-01-15 13:00 CET"), "their own zone, Warsaw: {text}");
    let (_, subject, text) = of("browser@");
    assert!(subject.contains("SLA breached"), "the browser's language, English: {subject}");
    assert!(text.contains("2026-01-15 07:00 EST"), "the browser's zone, New York: {text}");
    let (_, subject, text) = of("plain@");
    assert!(subject.contains("Przekroczono SLA"), "the site's language, Polish: {subject}");
    assert!(text.contains("2026-01-15 21:00 JST"), "the site's zone, Tokyo: {text}");
});

both!(a_sender_without_an_account_hears_in_the_sites_language, |pg| async move {
    let (app, _d) = common::empty_app(pg, config()).await;
    let m = b"From: Ewa <ewa@elsewhere.test>\r\nSubject: Drukarka\r\nMessage-ID: <e1@elsewhere.test>\r\n\r\nNie drukuje.\r\n";
    let MailOutcome::Created(number) = app.ingest_mail(m).await.unwrap() else { panic!("created") };
    let page = app.list_outbox(&Actor::operator(), "pending", None, 10).await.unwrap();
    let ack = page.items.iter().find(|m| m.target == "ewa@elsewhere.test").expect("the acknowledgement");
    let p: serde_json::Value = serde_json::from_str(&ack.payload).unwrap();
    assert!(p["subject"].as_str().unwrap().contains(&number));
    assert!(p["text"].as_str().unwrap().contains("Otrzymaliśmy Twoje zgłoszenie"), "Polish: {p}");
});
