//! Parsing received mail as real clients and mail systems write it.

use steward_channels::inbound::{InboundError, parse};

const LIMIT: usize = 10 * 1024 * 1024;
const DOMAIN: &str = "steward.example.com";

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/channels/mail/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn thunderbird_reply_with_quotes() {
    let m = parse(&fixture("thunderbird_reply.eml"), LIMIT).unwrap();
    assert_eq!(m.from.email, "anna.nowak@example.org");
    assert_eq!(m.from.name.as_deref(), Some("Anna Nowak"));
    assert_eq!(m.subject, "Re: [INC0000123] Printer on fire");
    assert_eq!(m.message_id.as_deref(), Some("5c1f0a7e-2b1d-4c8e-9a53-0d1e2f3a4b5c@example.org"));
    assert_eq!(m.in_reply_to, ["a1b2c3d4e5f60718.INC0000123@steward.example.com"]);
    assert_eq!(m.references, ["INC0000123@steward.example.com", "a1b2c3d4e5f60718.INC0000123@steward.example.com"]);
    assert_eq!(m.record_number(DOMAIN).as_deref(), Some("INC0000123"));
    assert_eq!(m.reply_text, "Thanks, the smoke is gone.\nThe paper tray still jams though.");
    assert!(m.text.contains("> Please switch it off and on again."), "{}", m.text);
    assert_eq!(m.loop_reason(), None);
    assert!(!m.suppress_auto_reply);
    assert!(m.attachments.is_empty());
}

#[test]
fn outlook_html_only_reply() {
    let m = parse(&fixture("outlook_html_reply.eml"), LIMIT).unwrap();
    assert_eq!(m.from.email, "Piotr.Kowalski@contoso.com");
    assert_eq!(m.from.name.as_deref(), Some("Kowalski, Piotr"));
    // No threading headers: the subject names the record.
    assert!(m.in_reply_to.is_empty() && m.references.is_empty());
    assert_eq!(m.record_number(DOMAIN).as_deref(), Some("INC0000123"));
    assert!(m.text.contains("I replaced the toner & the fuser, it works now."), "{}", m.text);
    assert!(m.text.contains("-----Original Message-----"), "{}", m.text);
    assert!(!m.text.contains("<p") && !m.text.contains("MsoNormal"), "{}", m.text);
    assert!(m.reply_text.starts_with("Hi,"), "{}", m.reply_text);
    assert!(m.reply_text.contains("I replaced the toner & the fuser, it works now."), "{}", m.reply_text);
    assert!(m.reply_text.ends_with("Piotr"), "{:?}", m.reply_text);
    assert!(!m.reply_text.contains("Original") && !m.reply_text.contains("assigned"), "{}", m.reply_text);
    // Outlook asks not to be auto-answered, but a person wrote this.
    assert_eq!(m.loop_reason(), None);
    assert!(m.suppress_auto_reply);
}

#[test]
fn polish_gmail_reply() {
    let m = parse(&fixture("gmail_polish_reply.eml"), LIMIT).unwrap();
    assert_eq!(m.from.email, "pawel.zak@gmail.com");
    assert_eq!(m.from.name.as_deref(), Some("Paweł Żak"));
    assert_eq!(m.subject, "Re: [INC0000123] Drukarka nie działa");
    assert_eq!(m.in_reply_to, ["0f1e2d3c4b5a6978.INC0000123@steward.example.com"]);
    assert_eq!(m.record_number(DOMAIN).as_deref(), Some("INC0000123"));
    assert_eq!(m.record_number("other.example.com").as_deref(), Some("INC0000123"), "from the subject");
    assert_eq!(m.reply_text, "Nadal nie działa. Drukarka pokazuje błąd E-05.\nSpróbuję jutro ponownie.");
    assert_eq!(m.loop_reason(), None);
}

#[test]
fn attachments_are_decoded_with_their_names() {
    let m = parse(&fixture("attachment.eml"), LIMIT).unwrap();
    assert_eq!(m.subject, "Screen goes black");
    assert_eq!(m.record_number(DOMAIN), None);
    assert_eq!(m.to.len(), 1);
    assert_eq!(m.to[0].email, "helpdesk@steward.example.com");
    assert_eq!(m.reply_text, "My screen goes black every few minutes. Screenshot and log attached.");
    assert_eq!(m.attachments.len(), 2, "{:?}", m.attachments.iter().map(|a| &a.filename).collect::<Vec<_>>());
    let png = &m.attachments[0];
    assert_eq!(png.filename, "zrzut ekranu łącza.png");
    assert_eq!(png.content_type, "image/png");
    assert!(png.bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{:?}", &png.bytes[..8.min(png.bytes.len())]);
    assert_eq!(png.bytes.len(), 70);
    let log = &m.attachments[1];
    assert_eq!(log.filename, "display.log");
    assert_eq!(log.content_type, "text/plain");
    assert_eq!(log.bytes, b"09:01 link down\n09:02 link up\n");
}

#[test]
fn automatic_mail_is_recognised() {
    let auto = parse(&fixture("autoreply.eml"), LIMIT).unwrap();
    assert_eq!(auto.loop_reason(), Some("an automatic message (Auto-Submitted)"));
    // It still names the record: the app may log it against the record.
    assert_eq!(auto.record_number(DOMAIN).as_deref(), Some("INC0000123"));

    let bulk = parse(&fixture("bulk.eml"), LIMIT).unwrap();
    assert_eq!(bulk.loop_reason(), Some("bulk or list mail (Precedence)"));

    let bounce = parse(&fixture("bounce.eml"), LIMIT).unwrap();
    assert_eq!(bounce.from.email, "MAILER-DAEMON@mx.example.org");
    assert_eq!(bounce.loop_reason(), Some("a delivery report (sent by a mail system)"));
}

#[test]
fn our_own_notification_coming_back_is_recognised() {
    let raw = String::from_utf8(fixture("thunderbird_reply.eml")).unwrap().replacen(
        "MIME-Version: 1.0\n",
        "MIME-Version: 1.0\nX-Steward-Message: yes\n",
        1,
    );
    let m = parse(raw.as_bytes(), LIMIT).unwrap();
    assert_eq!(m.loop_reason(), Some("one of our own notifications"));
}

#[test]
fn auto_submitted_no_is_a_person() {
    let raw = String::from_utf8(fixture("autoreply.eml")).unwrap().replace("auto-replied", "no");
    assert_eq!(parse(raw.as_bytes(), LIMIT).unwrap().loop_reason(), None);
}

#[test]
fn unusable_input_gives_clear_errors() {
    let garbage: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    assert!(matches!(parse(&garbage, LIMIT), Err(InboundError::Malformed(_))), "{:?}", parse(&garbage, LIMIT));
    assert!(matches!(parse(b"", LIMIT), Err(InboundError::Malformed(_))));
    assert!(matches!(parse(b"\xff\xfe\x00\x01not mail at all", LIMIT), Err(InboundError::Malformed(_))));

    let raw = fixture("attachment.eml");
    let err = parse(&raw, 512).unwrap_err();
    assert_eq!(err, InboundError::TooLarge { limit: 512 });
    assert_eq!(err.to_string(), "the message is larger than the limit of 512 bytes");

    let err = parse(&fixture("no_from.eml"), LIMIT).unwrap_err();
    assert_eq!(err, InboundError::NoSender);
    assert_eq!(err.to_string(), "the message has no usable sender address");
    let bad_from = b"From: not an address\nSubject: x\n\nbody\n";
    assert_eq!(parse(bad_from, LIMIT).unwrap_err(), InboundError::NoSender);
}

#[test]
fn html_only_reply_with_blockquote() {
    // Apple Mail style: no text part, the quote in a <blockquote type="cite">.
    let raw = "From: Ewa Lis <ewa@example.org>\r\nTo: steward@steward.example.com\r\n\
               Subject: Re: [INC0000123] Printer\r\nMIME-Version: 1.0\r\n\
               Content-Type: text/html; charset=utf-8\r\n\r\n\
               <html><body><div>Works now,</div><div>thank you!</div><div><br>\
               <blockquote type=\"cite\"><div>On 24 Nov 2026, at 10:00, Steward wrote:</div>\
               <div>Your request has been resolved</div></blockquote></div></body></html>\r\n";
    let m = parse(raw.as_bytes(), LIMIT).unwrap();
    assert_eq!(
        m.text,
        "Works now,\nthank you!\n\n> On 24 Nov 2026, at 10:00, Steward wrote:\n> Your request has been resolved"
    );
    assert_eq!(m.reply_text, "Works now,\nthank you!");
}
