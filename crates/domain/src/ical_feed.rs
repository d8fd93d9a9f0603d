//! Writing an iCalendar feed (RFC 5545): a VCALENDAR of VEVENTs with UTC
//! times, text escaped (§3.3.11) and lines folded at 75 octets (§3.1)
//! without splitting a character. What goes into the events is the
//! caller's; this only gets the format right.

use jiff::Timestamp;

/// One VEVENT. Times are microseconds since the epoch (UTC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Stable across feeds for the same thing, e.g. `CHG0000042@host`.
    pub uid: String,
    /// When the thing was last revised.
    pub stamp: i64,
    pub start: i64,
    pub end: i64,
    pub summary: String,
    pub description: String,
    pub url: Option<String>,
    /// TENTATIVE, CONFIRMED or CANCELLED.
    pub status: &'static str,
    pub categories: Vec<String>,
}

/// The whole feed, CRLF line ends.
pub fn render(name: &str, events: &[Event]) -> String {
    let mut out = String::new();
    for line in ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Steward//Change calendar//EN", "CALSCALE:GREGORIAN"] {
        push(&mut out, line);
    }
    push(&mut out, &format!("X-WR-CALNAME:{}", escape(name)));
    for e in events {
        push(&mut out, "BEGIN:VEVENT");
        push(&mut out, &format!("UID:{}", escape(&e.uid)));
        push(&mut out, &format!("DTSTAMP:{}", utc(e.stamp)));
        push(&mut out, &format!("DTSTART:{}", utc(e.start)));
        push(&mut out, &format!("DTEND:{}", utc(e.end.max(e.start + 1_000_000))));
        push(&mut out, &format!("SUMMARY:{}", escape(&e.summary)));
        if !e.description.is_empty() {
            push(&mut out, &format!("DESCRIPTION:{}", escape(&e.description)));
        }
        if let Some(url) = &e.url {
            // A URI value is not TEXT: no escaping.
            push(&mut out, &format!("URL:{url}"));
        }
        push(&mut out, &format!("STATUS:{}", e.status));
        if !e.categories.is_empty() {
            let list: Vec<String> = e.categories.iter().map(|c| escape(c)).collect();
            push(&mut out, &format!("CATEGORIES:{}", list.join(",")));
        }
        push(&mut out, "END:VEVENT");
    }
    push(&mut out, "END:VCALENDAR");
    out
}

/// A time as a UTC DATE-TIME: 20270131T120000Z (seconds, truncated).
pub fn utc(micros: i64) -> String {
    Timestamp::from_microsecond(micros)
        .map(|t| t.strftime("%Y%m%dT%H%M%SZ").to_string())
        .unwrap_or_else(|_| "19700101T000000Z".to_owned())
}

/// TEXT escaped: backslash, semicolon, comma, and newlines as `\n` (a
/// carriage return dropped; other control characters too, they are not
/// allowed in TEXT).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends the content line folded: at most 75 octets a line, each
/// continuation beginning with a space, never inside a UTF-8 character.
fn push(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        // A continuation line's leading space counts towards its 75.
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(summary: &str) -> Event {
        Event {
            uid: "CHG0000001@example".into(),
            stamp: 1_800_000_000_000_000,
            start: 1_800_000_000_000_000,
            end: 1_800_003_600_000_000,
            summary: summary.into(),
            description: String::new(),
            url: None,
            status: "CONFIRMED",
            categories: vec!["normal".into()],
        }
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a,b;c\\d\ne\r"), "a\\,b\\;c\\\\d\\ne");
    }

    #[test]
    fn times_are_utc() {
        assert_eq!(utc(1_800_000_000_000_000), "20270115T080000Z");
    }

    #[test]
    fn lines_fold_at_75_octets_between_characters() {
        let long = "ż".repeat(100);
        let text = render("Changes", &[event(&long)]);
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        // Unfolded, the summary is whole again.
        let unfolded = text.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("SUMMARY:{long}\r\n")));
        assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(text.ends_with("END:VEVENT\r\nEND:VCALENDAR\r\n"));
    }

    #[test]
    fn an_event_without_length_lasts_a_second() {
        let mut e = event("x");
        e.end = e.start;
        assert!(render("c", &[e]).contains("DTEND:20270115T080001Z"));
    }
}
