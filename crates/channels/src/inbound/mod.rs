//! Received email, parsed into plain data. Matching it to a record, creating
//! incidents and storing attachments are the app's business; this module only
//! reads the message, finds what was newly written, and says when a message
//! must not be processed at all ([`InboundMessage::loop_reason`]).

mod html;
mod numbers;
mod reply;

pub use numbers::{is_record_number, record_number_in, thread_record};
pub use reply::reply_text;

use mail_parser::{HeaderValue, MessageParser, MimeHeaders, PartType};

use crate::email::MARKER_HEADER;

/// An address as the sender wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// As written; compare case-insensitively.
    pub email: String,
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The sender's file name, or `attachment-<n>` when it has none.
    pub filename: String,
    /// Lowercase `type/subtype`, e.g. `image/png`.
    pub content_type: String,
    /// Decoded content.
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundMessage {
    pub from: Address,
    pub to: Vec<Address>,
    pub cc: Vec<Address>,
    pub subject: String,
    /// Message ids are without angle brackets, as mail-parser gives them.
    pub message_id: Option<String>,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    /// The whole body as text, lines separated by `\n`: the text/plain part,
    /// or else the HTML part turned into text (blockquotes as `> ` lines).
    pub text: String,
    /// Only what the sender newly wrote: see [`reply_text`].
    pub reply_text: String,
    pub attachments: Vec<Attachment>,
    /// The sender asked not to be answered automatically
    /// (`X-Auto-Response-Suppress: All`/`AutoReply`, as Outlook and
    /// Exchange send on some messages): process the message, but send no
    /// automatic acknowledgement.
    pub suppress_auto_reply: bool,
    loop_reason: Option<&'static str>,
}

impl InboundMessage {
    /// Why this message must not be processed, if it must not: it is
    /// automatic (an autoreply, a bounce, bulk or list mail), or one of our
    /// own notifications coming back. Answering such a message, or adding it
    /// as a comment that sends a notification, is how mail loops start.
    pub fn loop_reason(&self) -> Option<&'static str> {
        self.loop_reason
    }

    /// The record this message is about: from our threading ids (see
    /// [`thread_record`]), else from the subject ([`record_number_in`]).
    pub fn record_number(&self, domain: &str) -> Option<String> {
        thread_record(self.in_reply_to.iter().chain(&self.references), domain)
            .or_else(|| record_number_in(&self.subject))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InboundError {
    #[error("the message is larger than the limit of {limit} bytes")]
    TooLarge { limit: usize },
    #[error("the message cannot be read: {0}")]
    Malformed(String),
    #[error("the message has no usable sender address")]
    NoSender,
}

/// Parses a raw RFC 5322 message of at most `max_bytes`.
///
/// mail-parser is lenient by design (it reads what real clients send, broken
/// encodings included) and never panics; on top of it a message must have at
/// least one of the headers every mail has, and a From address.
pub fn parse(raw: &[u8], max_bytes: usize) -> Result<InboundMessage, InboundError> {
    if raw.len() > max_bytes {
        return Err(InboundError::TooLarge { limit: max_bytes });
    }
    let message = MessageParser::default()
        .parse(raw)
        .ok_or_else(|| InboundError::Malformed("no message headers found".into()))?;
    let any_of = ["From", "To", "Subject", "Date", "Message-ID"];
    if !message.headers().iter().any(|h| any_of.iter().any(|n| h.name().eq_ignore_ascii_case(n))) {
        return Err(InboundError::Malformed("none of From, To, Subject, Date or Message-ID is present".into()));
    }
    let from = message.from().and_then(|a| a.first()).and_then(address).ok_or(InboundError::NoSender)?;
    let text = match message.text_part(0).map(|part| &part.body) {
        Some(PartType::Text(text)) => text.replace("\r\n", "\n"),
        Some(PartType::Html(html)) => html::to_text(html),
        _ => String::new(),
    };
    let header = |name: &str| {
        message.headers().iter().find(|h| h.name().eq_ignore_ascii_case(name)).and_then(|h| h.value().as_text())
    };
    let loop_reason = loop_reason(&from, header(MARKER_HEADER), header("Auto-Submitted"), header("Precedence"))
        .or_else(|| message.content_type().filter(|ct| is_report(ct)).map(|_| "a delivery or read report"));
    let suppress_auto_reply = header("X-Auto-Response-Suppress").is_some_and(|v| {
        let v = v.to_ascii_lowercase();
        v.contains("all") || v.contains("autoreply")
    });
    let attachments = message
        .attachments()
        .enumerate()
        .map(|(n, part)| Attachment {
            filename: part.attachment_name().map_or_else(|| format!("attachment-{}", n + 1), str::to_owned),
            content_type: part
                .content_type()
                .map(|ct| match ct.subtype() {
                    Some(sub) => format!("{}/{sub}", ct.ctype()),
                    None => ct.ctype().to_owned(),
                })
                .unwrap_or_else(|| "application/octet-stream".into())
                .to_ascii_lowercase(),
            bytes: part.contents().to_vec(),
        })
        .collect();
    Ok(InboundMessage {
        to: message.to().map(|a| a.iter().filter_map(address).collect()).unwrap_or_default(),
        cc: message.cc().map(|a| a.iter().filter_map(address).collect()).unwrap_or_default(),
        subject: message.subject().unwrap_or_default().trim().to_owned(),
        message_id: message.message_id().map(str::to_owned),
        in_reply_to: ids(message.in_reply_to()),
        references: ids(message.references()),
        reply_text: reply_text(&text),
        text,
        attachments,
        suppress_auto_reply,
        loop_reason,
        from,
    })
}

/// A usable address: `local@domain`, both parts present, no spaces.
fn address(a: &mail_parser::Addr<'_>) -> Option<Address> {
    let email = a.address()?.trim();
    let (local, domain) = email.rsplit_once('@')?;
    if local.is_empty() || domain.is_empty() || email.contains(char::is_whitespace) {
        return None;
    }
    let name = a.name().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
    Some(Address { email: email.to_owned(), name })
}

fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(id) => vec![id.to_string()],
        HeaderValue::TextList(ids) => ids.iter().map(|id| id.to_string()).collect(),
        _ => Vec::new(),
    }
}

fn is_report(ct: &mail_parser::ContentType<'_>) -> bool {
    ct.ctype().eq_ignore_ascii_case("multipart") && ct.subtype().is_some_and(|s| s.eq_ignore_ascii_case("report"))
}

/// Only headers meant for this decide: our own marker, `Auto-Submitted`
/// (RFC 3834) and `Precedence`. Not `X-Auto-Response-Suppress`, which Outlook
/// puts on ordinary messages people write (see
/// [`InboundMessage::suppress_auto_reply`]).
fn loop_reason(
    from: &Address,
    marker: Option<&str>,
    auto_submitted: Option<&str>,
    precedence: Option<&str>,
) -> Option<&'static str> {
    let first_word = |v: &str| v.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if marker.is_some() {
        return Some("one of our own notifications");
    }
    if auto_submitted.is_some_and(|v| first_word(v) != "no") {
        return Some("an automatic message (Auto-Submitted)");
    }
    if precedence.is_some_and(|v| matches!(first_word(v).as_str(), "bulk" | "junk" | "list")) {
        return Some("bulk or list mail (Precedence)");
    }
    let local = from.email.rsplit_once('@').map(|(l, _)| l.to_ascii_lowercase()).unwrap_or_default();
    if matches!(local.as_str(), "mailer-daemon" | "postmaster") {
        return Some("a delivery report (sent by a mail system)");
    }
    None
}
