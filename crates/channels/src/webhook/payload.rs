//! Request bodies for the three webhook formats.
//!
//! - [`WebhookFormat::Json`]: the event as the app gives it, for receivers
//!   that process it (automation, other tools).
//! - [`WebhookFormat::Slack`]: an incoming-webhook message with a fallback
//!   `text` (shown in notifications) and one mrkdwn section with a link.
//! - [`WebhookFormat::Teams`]: a legacy Office 365 connector `MessageCard`,
//!   which both Teams incoming webhooks and Power Automate "workflows"
//!   (the connectors' successor) accept.
//!
//! The chat formats show a [`Notice`], a short human summary; build it from
//! an email event with [`Notice::from_event`] so chat and email say the same.

use serde_json::{Value, json};

use super::WebhookFormat;
use crate::email::{EmailEvent, Locale};

/// How urgent a notice looks in chat (the colour of a Teams card).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Info,
    Success,
    Warning,
    Critical,
}

impl Severity {
    fn color(self) -> &'static str {
        match self {
            Severity::Info => "0052CC",
            Severity::Success => "36B37E",
            Severity::Warning => "FFAB00",
            Severity::Critical => "DE350B",
        }
    }
}

/// A short human summary of an event for chat messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// E.g. `INC0000123: Printer on fire`.
    pub title: String,
    /// One or a few lines: what happened, and a comment or reason if any.
    pub text: String,
    pub link: Option<String>,
    /// The link's label, e.g. `View INC0000123`.
    pub link_label: String,
    pub severity: Severity,
}

/// Chat messages stay short: the rest is one click away.
const MAX_TEXT_CHARS: usize = 1500;

impl Notice {
    /// The notice for an email event, in `locale`, with the email's words.
    pub fn from_event(event: &EmailEvent, locale: Locale) -> Self {
        let c = crate::email::templates::content(event, locale);
        let mut text = c.heading;
        if let Some((_, quote)) = c.quote {
            text.push('\n');
            text.push_str(quote.trim());
        }
        let severity = match event {
            EmailEvent::SlaBreached { .. } => Severity::Critical,
            EmailEvent::SlaWarning { .. } | EmailEvent::Escalated { .. } => Severity::Warning,
            EmailEvent::Resolved { .. } => Severity::Success,
            EmailEvent::AlertGroup { firing, more_firing, .. } if firing.len() + more_firing > 0 => Severity::Critical,
            EmailEvent::AlertGroup { .. } => Severity::Success,
            _ => Severity::Info,
        };
        let link = Some(c.link).filter(|l| !l.is_empty());
        Notice { title: c.headline, text, link, link_label: c.button, severity }
    }
}

/// The body for `format`: `event` itself for JSON, else `notice` laid out for
/// the chat service.
pub fn payload(format: WebhookFormat, event: &Value, notice: &Notice) -> Value {
    match format {
        WebhookFormat::Json => event.clone(),
        WebhookFormat::Slack => slack(notice),
        WebhookFormat::Teams => teams(notice),
    }
}

/// Slack's mrkdwn treats `&`, `<` and `>` as control characters; everything
/// else is shown as typed (a stray `*` may embolden, which is harmless).
fn slack_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn shorten(s: &str) -> String {
    match s.char_indices().nth(MAX_TEXT_CHARS) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_owned(),
    }
}

/// `{"text": …, "blocks": [section]}`: the title in bold (a link when there
/// is one), then the text.
pub fn slack(n: &Notice) -> Value {
    let title = slack_escape(&n.title);
    let heading = match &n.link {
        Some(link) => format!("*<{}|{title}>*", slack_escape(link)),
        None => format!("*{title}*"),
    };
    let text = slack_escape(&shorten(&n.text));
    json!({
        "text": format!("{title}: {}", slack_escape(n.text.lines().next().unwrap_or_default())),
        "blocks": [
            { "type": "section", "text": { "type": "mrkdwn", "text": format!("{heading}\n{text}") } }
        ]
    })
}

/// A `MessageCard` with the severity's colour and an "open" button. Its
/// `text` is Markdown with some HTML, so `<`, `>` and `&` are escaped and
/// lines become paragraphs (single newlines would be joined).
pub fn teams(n: &Notice) -> Value {
    let escape = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let text = shorten(&n.text).lines().map(escape).collect::<Vec<_>>().join("\n\n");
    let mut card = json!({
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        "themeColor": n.severity.color(),
        "summary": n.title,
        "title": escape(&n.title),
        "text": text,
    });
    if let Some(link) = &n.link {
        card["potentialAction"] = json!([{
            "@type": "OpenUri",
            "name": n.link_label,
            "targets": [{ "os": "default", "uri": link }]
        }]);
    }
    card
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::email::RecordInfo;

    fn notice() -> Notice {
        Notice {
            title: "INC0000123: Printer <on> fire & smoke".into(),
            text: "New reply from Jan\nIt *still* burns".into(),
            link: Some("https://steward.example.com/incidents/INC0000123".into()),
            link_label: "View INC0000123".into(),
            severity: Severity::Warning,
        }
    }

    #[test]
    fn json_is_the_event_as_given() {
        let event = json!({"event": "incident.created", "number": "INC0000123"});
        assert_eq!(payload(WebhookFormat::Json, &event, &notice()), event);
    }

    #[test]
    fn slack_message() {
        let v = payload(WebhookFormat::Slack, &json!({}), &notice());
        assert_eq!(v["text"], "INC0000123: Printer &lt;on&gt; fire &amp; smoke: New reply from Jan");
        assert_eq!(v["blocks"][0]["type"], "section");
        assert_eq!(v["blocks"][0]["text"]["type"], "mrkdwn");
        assert_eq!(
            v["blocks"][0]["text"]["text"],
            "*<https://steward.example.com/incidents/INC0000123|INC0000123: Printer &lt;on&gt; fire &amp; smoke>*\n\
             New reply from Jan\nIt *still* burns"
        );
    }

    #[test]
    fn teams_card() {
        let v = payload(WebhookFormat::Teams, &json!({}), &notice());
        assert_eq!(v["@type"], "MessageCard");
        assert_eq!(v["@context"], "https://schema.org/extensions");
        assert_eq!(v["themeColor"], "FFAB00");
        assert_eq!(v["summary"], "INC0000123: Printer <on> fire & smoke");
        assert_eq!(v["title"], "INC0000123: Printer &lt;on&gt; fire &amp; smoke");
        assert_eq!(v["text"], "New reply from Jan\n\nIt *still* burns");
        let action = &v["potentialAction"][0];
        assert_eq!(action["@type"], "OpenUri");
        assert_eq!(action["name"], "View INC0000123");
        assert_eq!(action["targets"][0]["uri"], "https://steward.example.com/incidents/INC0000123");
    }

    #[test]
    fn long_text_is_cut_and_no_link_means_no_button() {
        let n = Notice { text: "ż".repeat(5000), link: None, ..notice() };
        let card = teams(&n);
        assert!(card.get("potentialAction").is_none());
        assert_eq!(card["text"].as_str().unwrap().chars().count(), MAX_TEXT_CHARS + 1);
        let slack = slack(&n);
        assert!(slack["blocks"][0]["text"]["text"].as_str().unwrap().starts_with("*INC0000123: Printer"));
    }

    #[test]
    fn notice_from_an_email_event() {
        let record = RecordInfo {
            number: "INC0000123".into(),
            title: "Printer".into(),
            state: "New".into(),
            priority: "3".into(),
            link: "https://s.example.com/incidents/INC0000123".into(),
        };
        let event = EmailEvent::CommentAdded { record, author: "Jan".into(), comment: "Still broken\n".into() };
        let n = Notice::from_event(&event, Locale::Pl);
        assert_eq!(n.title, "INC0000123: Printer");
        assert_eq!(n.text, "Nowa odpowiedź od: Jan\nStill broken");
        assert_eq!(n.link_label, "Otwórz INC0000123");
        assert_eq!(n.severity, Severity::Info);
    }
}
