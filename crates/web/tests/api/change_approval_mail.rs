//! Approval by e-mail, through the real mail path: the request goes out
//! through aiosmtpd with a single-use code, the approver's reply comes back
//! in as mail does (`ingest_mail`, which the pipe and IMAP feed) and
//! decides — only from the approver's own address, only once, only while
//! the request is open.

use crate::both_with;
use crate::helpers::*;
use crate::notifications::{mail_config, sent_to, set_mail, smtp_port};
use crate::smtpd::{SmtpServer, free_port};
use serde_json::{Value, json};
use steward_app::mail_in::MailOutcome;

/// A reply from `from` to the request `to_reply` with `first` written above
/// the quoted request.
fn reply(from: &str, id: &str, to_reply: &steward_channels::inbound::InboundMessage, first: &str) -> Vec<u8> {
    let quoted: String = to_reply.text.lines().map(|l| format!("> {l}\r\n")).collect();
    format!(
        "From: {from}\r\nTo: desk@steward.test\r\nSubject: Re: {}\r\nMessage-ID: <{id}@example.org>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{first}\r\n\r\nOn Monday, Steward wrote:\r\n{quoted}",
        to_reply.subject
    )
    .into_bytes()
}

both_with!(an_approver_decides_by_replying_to_the_request, mail_config(free_port()), |t| {
    let smtp = SmtpServer::start_on(smtp_port(&t));
    set_mail(&t, "manager", "manager@example.org", None).await;
    set_mail(&t, "agent2", "agent2@example.org", Some("pl")).await;
    set_mail(&t, "agent", "agent@example.org", None).await;
    let body = json!({"name": "Two steps", "stages": [
        {"name": "Owner", "users": ["manager"]}, {"name": "CAB", "users": ["agent2"]}]});
    assert_eq!(t.post("/api/v1/approval-policies", &t.admin, body).await.status(), 201);
    let r = t
        .post(
            "/api/v1/changes",
            &t.agent,
            json!({"title": "Upgrade the mail relays",
        "planned_start": "2030-03-01T22:00:00Z", "planned_end": "2030-03-01T23:00:00Z"}),
        )
        .await;
    let n = num(&r.json::<Value>().await.unwrap());
    for (v, state) in [(1, "assessment"), (2, "authorization")] {
        let r =
            t.post(&format!("/api/v1/changes/{n}/transition"), &t.agent, json!({"version": v, "state": state})).await;
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    }
    t.app.deliver_due_now().await.unwrap();
    // Only the first stage is asked.
    assert!(sent_to(&smtp, "agent2@example.org").is_empty());
    let asked = sent_to(&smtp, "manager@example.org");
    assert_eq!(asked.len(), 1);
    let request = &asked[0];
    assert!(
        request.subject.starts_with(&format!("[{n}] Approval requested: Upgrade the mail relays [APV-")),
        "{}",
        request.subject
    );
    assert!(request.text.contains("Reply with APPROVE or REJECT"), "{}", request.text);
    assert!(request.text.contains("2030-03-01 22:00 UTC – 2030-03-01 23:00 UTC"), "{}", request.text);

    // Someone else's reply with the manager's code: refused, nothing decided.
    let out = t.app.ingest_mail(&reply("agent@example.org", "r1", request, "APPROVE")).await.unwrap();
    let MailOutcome::Refused(why) = out else { panic!("{out:?}") };
    assert!(why.contains("accepted only from the approver's own address"), "{why}");
    // A reply that says neither.
    let out = t.app.ingest_mail(&reply("manager@example.org", "r2", request, "Let me think")).await.unwrap();
    assert!(matches!(&out, MailOutcome::Refused(w) if w.contains("does not start with APPROVE")), "{out:?}");
    let a = t.json(&format!("/api/v1/changes/{n}/approvals"), &t.agent).await;
    assert_eq!(a["stages"][0]["state"], "open");

    // The approver's reply decides, with what they wrote under the word.
    let out = t
        .app
        .ingest_mail(&reply("Manager <manager@example.org>", "r3", request, "Approve\r\nBack-out plan looks solid"))
        .await;
    assert_eq!(out.unwrap(), MailOutcome::Decided(format!("{n} approved")));
    let a = t.json(&format!("/api/v1/changes/{n}/approvals"), &t.agent).await;
    assert_eq!(a["stages"][0]["approvers"][0]["comment"], "Back-out plan looks solid");
    assert_eq!(a["stages"][1]["state"], "open");
    // The code works once.
    let out = t.app.ingest_mail(&reply("manager@example.org", "r4", request, "APPROVE")).await.unwrap();
    assert!(matches!(&out, MailOutcome::Refused(w) if w.contains("used already")), "{out:?}");

    // The next stage's approver is asked now, in their language, and rejects.
    t.app.deliver_due_now().await.unwrap();
    let asked = sent_to(&smtp, "agent2@example.org");
    assert_eq!(asked.len(), 1);
    assert!(asked[0].subject.contains("Prośba o zatwierdzenie"), "{}", asked[0].subject);
    assert!(asked[0].text.contains("ZATWIERDZAM"), "{}", asked[0].text);
    let out = t.app.ingest_mail(&reply("agent2@example.org", "r5", &asked[0], "ODRZUCAM: brak okna serwisowego")).await;
    assert_eq!(out.unwrap(), MailOutcome::Decided(format!("{n} rejected")));
    let c = t.json(&format!("/api/v1/changes/{n}"), &t.agent).await;
    assert_eq!((c["state"].as_str(), c["approved"].as_bool()), (Some("assessment"), Some(false)));
    let j = t.json(&format!("/api/v1/changes/{n}/journal"), &t.agent).await;
    let last = j.as_array().unwrap().last().unwrap();
    let fields: Vec<(&str, &str)> = last["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| Some((c["field"].as_str()?, c["new"].as_str()?)))
        .collect();
    assert!(fields.contains(&("approval", "rejected in CAB")), "{fields:?}");
    assert!(fields.contains(&("approval_comment", "brak okna serwisowego")), "{fields:?}");
    // A code of a round that is over no longer decides anything.
    let out = t.app.ingest_mail(&reply("agent2@example.org", "r6", &asked[0], "APPROVE")).await.unwrap();
    assert!(matches!(out, MailOutcome::Refused(_)), "{out:?}");
    // The log keeps each message's fate.
    let log = t.json("/api/v1/mail/inbound", &t.admin).await;
    let outcomes: Vec<&str> = log.as_array().unwrap().iter().map(|m| m["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes.iter().filter(|o| **o == "decided").count(), 2, "{outcomes:?}");
});
