//! Notification emails: the message itself, threading ids, templates and the
//! SMTP sender.
//!
//! Threading: every notification about a record refers to one root id,
//! [`thread_id`] (`<INC0000123@domain>`), in `In-Reply-To` and `References`,
//! and carries its own [`new_message_id`]. Mail clients then show all of a
//! record's messages as one conversation, and a reply to any of them names
//! the record in its `In-Reply-To`/`References` even when the user edits the
//! subject (see [`crate::inbound::thread_record`]).
//!
//! Loops: every message is marked `Auto-Submitted: auto-generated` (RFC 3834;
//! well-behaved autoresponders do not answer it), `X-Auto-Response-Suppress:
//! All` (the same for Exchange/Outlook) and with our own [`MARKER_HEADER`], so
//! that [`crate::inbound`] recognises it if it comes back.

mod smtp;
pub(crate) mod templates;

/// lettre's validated address (the `email` of a [`Mailbox`]); not the same as
/// [`crate::inbound::Address`], which is what a sender wrote.
pub use lettre::Address as EmailAddress;
pub use lettre::message::Mailbox;
pub use smtp::{SmtpConfig, SmtpConfigError, SmtpSender, SmtpTls};
pub use templates::{EmailEvent, Locale, RecordInfo, Rendered, SlaInfo, render};

use lettre::Message;
use lettre::message::header::{ContentDisposition, ContentTransferEncoding, ContentType, HeaderName, HeaderValue};
use lettre::message::{Body, MultiPart, SinglePart};

use crate::DeliveryError;

/// Our own marker: a message carrying it was sent by Steward, so an inbound
/// message carrying it is one of ours coming back and is never processed.
pub const MARKER_HEADER: &str = "X-Steward-Message";
/// The value of [`MARKER_HEADER`].
pub const MARKER_VALUE: &str = "yes";
/// The record a message is about, e.g. `INC0000123`, for filters and rules in
/// the recipients' mail clients.
pub const RECORD_HEADER: &str = "X-Steward-Record";

const AUTO_SUBMITTED: HeaderName = HeaderName::new_from_ascii_str("Auto-Submitted");
const SUPPRESS: HeaderName = HeaderName::new_from_ascii_str("X-Auto-Response-Suppress");
const MARKER: HeaderName = HeaderName::new_from_ascii_str(MARKER_HEADER);
const RECORD: HeaderName = HeaderName::new_from_ascii_str(RECORD_HEADER);

/// One notification email, as plain data. Build it from a [`render`]ed
/// template; [`SmtpSender::send`] delivers it.
#[derive(Debug, Clone, PartialEq)]
pub struct OutgoingEmail {
    pub from: Mailbox,
    pub to: Vec<Mailbox>,
    pub subject: String,
    pub text_body: String,
    /// When present the message is `multipart/alternative` (text, then HTML).
    pub html_body: Option<String>,
    /// With angle brackets, e.g. from [`new_message_id`].
    pub message_id: String,
    /// With angle brackets; usually [`thread_id`] of the record.
    pub in_reply_to: Option<String>,
    /// With angle brackets; usually just [`thread_id`] of the record.
    pub references: Vec<String>,
    /// The record number, e.g. `INC0000123`, sent as [`RECORD_HEADER`].
    pub record: Option<String>,
    /// Files sent with it (a scheduled report's); with any, the message is
    /// `multipart/mixed`: the body first, then each file.
    pub files: Vec<EmailFile>,
}

/// A file attached to an email.
#[derive(Debug, Clone, PartialEq)]
pub struct EmailFile {
    pub name: String,
    /// A MIME type such as `text/csv`.
    pub content_type: String,
    pub body: Vec<u8>,
}

impl OutgoingEmail {
    /// The message as lettre builds it: headers, threading, loop markers,
    /// text or text+HTML body.
    ///
    /// Fails (permanently: the same data would fail again) when there is no
    /// recipient or a header value is unusable.
    pub fn to_message(&self) -> Result<Message, DeliveryError> {
        if self.to.is_empty() {
            return Err(DeliveryError::permanent("the email has no recipient"));
        }
        let mut builder = Message::builder()
            .from(self.from.clone())
            .subject(one_line(&self.subject))
            .message_id(Some(self.message_id.clone()))
            .date_now()
            .raw_header(HeaderValue::new(AUTO_SUBMITTED, "auto-generated".into()))
            .raw_header(HeaderValue::new(SUPPRESS, "All".into()))
            .raw_header(HeaderValue::new(MARKER, MARKER_VALUE.into()));
        for to in &self.to {
            builder = builder.to(to.clone());
        }
        if let Some(id) = &self.in_reply_to {
            builder = builder.in_reply_to(id.clone());
        }
        if !self.references.is_empty() {
            builder = builder.references(self.references.join(" "));
        }
        if let Some(record) = &self.record {
            builder = builder.raw_header(HeaderValue::new(RECORD, one_line(record)));
        }
        let text = || SinglePart::builder().header(ContentType::TEXT_PLAIN).body(self.text_body.clone());
        let built = match (&self.html_body, self.files.is_empty()) {
            (Some(html), true) => {
                builder.multipart(MultiPart::alternative_plain_html(self.text_body.clone(), html.clone()))
            }
            (None, true) => builder.singlepart(text()),
            (html, false) => {
                let mut mixed = match html {
                    Some(html) => MultiPart::mixed()
                        .multipart(MultiPart::alternative_plain_html(self.text_body.clone(), html.clone())),
                    None => MultiPart::mixed().singlepart(text()),
                };
                for f in &self.files {
                    let kind = ContentType::parse(&f.content_type)
                        .map_err(|e| DeliveryError::permanent(format!("the file {:?} has a bad type: {e}", f.name)))?;
                    // Base64, whatever the type: a file arrives byte for byte
                    // (a CSV keeps its CRLF line ends, which quoted-printable
                    // leaves to the reader).
                    let body = Body::new_with_encoding(f.body.clone(), ContentTransferEncoding::Base64)
                        .map_err(|_| DeliveryError::permanent("the file cannot be encoded"))?;
                    mixed = mixed.singlepart(
                        SinglePart::builder()
                            .header(kind)
                            .header(ContentDisposition::attachment(&one_line(&f.name)))
                            .body(body),
                    );
                }
                builder.multipart(mixed)
            }
        };
        built.map_err(|e| DeliveryError::permanent(format!("cannot build the email: {e}")))
    }
}

/// The root id of a record's email thread, `<INC0000123@domain>`. Every
/// notification about the record names it in `In-Reply-To` and `References`.
/// It is never the `Message-ID` of a sent message, so all notifications hang
/// off the same (virtual) parent.
pub fn thread_id(record_number: &str, domain: &str) -> String {
    format!("<{record_number}@{domain}>")
}

/// A fresh `Message-ID` for one notification about a record:
/// `<9f2c…e1.INC0000123@domain>`, 64 random bits in hex before the record
/// number, so that a reply's `In-Reply-To` still names the record.
pub fn new_message_id(record_number: &str, domain: &str) -> String {
    format!("<{}.{record_number}@{domain}>", crate::random_hex(8))
}

/// Header values must not break lines; a title pasted with a newline would
/// otherwise end the header early.
fn one_line(s: &str) -> String {
    s.split(['\r', '\n']).filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(html: Option<&str>) -> OutgoingEmail {
        OutgoingEmail {
            from: "Steward <steward@example.com>".parse().unwrap(),
            to: vec!["Anna Nowak <anna@example.com>".parse().unwrap()],
            subject: "[INC0000123] Printer\r\nBcc: evil@example.com".into(),
            text_body: "Zażółć gęślą jaźń".into(),
            html_body: html.map(str::to_owned),
            message_id: new_message_id("INC0000123", "example.com"),
            in_reply_to: Some(thread_id("INC0000123", "example.com")),
            references: vec![thread_id("INC0000123", "example.com")],
            record: Some("INC0000123".into()),
            files: Vec::new(),
        }
    }

    #[test]
    fn ids_name_the_record_and_are_unique() {
        assert_eq!(thread_id("INC0000123", "example.com"), "<INC0000123@example.com>");
        let a = new_message_id("INC0000123", "example.com");
        let b = new_message_id("INC0000123", "example.com");
        assert_ne!(a, b);
        assert!(a.starts_with('<') && a.ends_with(".INC0000123@example.com>"), "{a}");
        assert_eq!(a.len(), "<.INC0000123@example.com>".len() + 16);
    }

    #[test]
    fn message_carries_threading_and_loop_headers() {
        let raw = String::from_utf8(email(None).to_message().unwrap().formatted()).unwrap();
        for line in [
            "Auto-Submitted: auto-generated\r\n",
            "X-Auto-Response-Suppress: All\r\n",
            "X-Steward-Message: yes\r\n",
            "X-Steward-Record: INC0000123\r\n",
            "In-Reply-To: <INC0000123@example.com>\r\n",
            "References: <INC0000123@example.com>\r\n",
            "Content-Type: text/plain; charset=utf-8\r\n",
        ] {
            assert!(raw.contains(line), "missing {line:?} in\n{raw}");
        }
        // The newline in the title did not start a new header.
        assert!(!raw.contains("\r\nBcc:"), "{raw}");
    }

    #[test]
    fn html_makes_it_multipart_alternative() {
        let raw = String::from_utf8(email(Some("<p>Hi</p>")).to_message().unwrap().formatted()).unwrap();
        assert!(raw.contains("multipart/alternative"), "{raw}");
        assert!(raw.contains("text/html"), "{raw}");
    }

    #[test]
    fn files_make_it_multipart_mixed() {
        let mut e = email(Some("<p>Hi</p>"));
        e.files.push(EmailFile {
            name: "weekly.csv".into(),
            content_type: "text/csv; charset=utf-8".into(),
            body: b"number,title\r\nINC0000001,Printer\r\n".to_vec(),
        });
        let raw = String::from_utf8(e.to_message().unwrap().formatted()).unwrap();
        for part in ["multipart/mixed", "multipart/alternative", "weekly.csv", "Content-Transfer-Encoding: base64"] {
            assert!(raw.contains(part), "missing {part:?} in\n{raw}");
        }
        e.files[0].content_type = "not a type".into();
        assert!(!e.to_message().unwrap_err().transient);
    }

    #[test]
    fn no_recipient_is_a_permanent_error() {
        let mut e = email(None);
        e.to.clear();
        let err = e.to_message().unwrap_err();
        assert!(!err.transient);
    }
}
