//! Notification texts in English and Polish, as plain text and HTML.
//!
//! Each event is first turned into one [`Content`] (subject, heading,
//! paragraphs, a quoted block, facts, a link) in the recipient's language;
//! the plain-text and HTML parts are both laid out from it, so they never say
//! different things. HTML is built with maud, which escapes every value, and
//! styled inline only: no external images, fonts or style sheets, which mail
//! clients block or which would tell a tracker that the message was opened.
//!
//! Subjects start with `[INC0000123]`, so that people can find a record's
//! mail and a reply with a changed `In-Reply-To` still names the record. The
//! two events in the conversation with the requester (created, comment) keep
//! the bare record title as subject: Gmail threads only messages whose
//! subjects match, and the requester should see one conversation.

use std::time::Duration;

use maud::{DOCTYPE, Markup, html};

/// The recipient's language. Anything but Polish gets English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    En,
    Pl,
}

impl Locale {
    /// From a language tag such as `pl`, `pl-PL` or `en-GB`.
    pub fn from_tag(tag: &str) -> Self {
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("pl") { Locale::Pl } else { Locale::En }
    }

    fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Pl => "pl",
        }
    }
}

/// What every notification shows about its record. `state` and `priority`
/// are display labels already in the recipient's language (the app's i18n
/// owns those words); `link` is the record's page in the UI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordInfo {
    pub number: String,
    pub title: String,
    pub state: String,
    pub priority: String,
    pub link: String,
}

/// An SLA target of a record: its name (e.g. "Resolution P2"), the agreed
/// time, and when it is (or was) due, in the recipient's time zone.
#[derive(Debug, Clone, PartialEq)]
pub struct SlaInfo {
    pub name: String,
    pub target: Duration,
    pub due: jiff::Zoned,
}

/// The events that send email, with what their texts need.
#[derive(Debug, Clone, PartialEq)]
pub enum EmailEvent {
    /// Acknowledgement to the requester of a new incident.
    IncidentCreated {
        record: RecordInfo,
    },
    /// A public comment, sent to the requester and watchers.
    CommentAdded {
        record: RecordInfo,
        author: String,
        comment: String,
    },
    /// To the new assignee or the members of the new group (`assignee` is the
    /// person's or group's name); `actor` made the change.
    Assigned {
        record: RecordInfo,
        actor: String,
        assignee: String,
    },
    /// To the requester, with the resolution notes.
    Resolved {
        record: RecordInfo,
        actor: String,
        notes: String,
    },
    /// Any other move of state than resolving (a problem closed or
    /// cancelled), to the people working the record; `state` is the new
    /// state's label, `note` what the move said (a cancel reason).
    StateChanged {
        record: RecordInfo,
        actor: String,
        state: String,
        note: Option<String>,
    },
    /// `percent` of the SLA time has elapsed without meeting it.
    SlaWarning {
        record: RecordInfo,
        sla: SlaInfo,
        percent: u8,
    },
    SlaBreached {
        record: RecordInfo,
        sla: SlaInfo,
    },
    /// `actor` is a person's name or the system's ("Steward").
    Escalated {
        record: RecordInfo,
        actor: String,
        reason: String,
    },
    /// To an approver whose stage of a change's approval opened: what the
    /// change is and the single-use `code` a reply carries (APPROVE or
    /// REJECT on its first line). `facts` are label/value pairs already in
    /// the recipient's language (type, risk, window).
    ApprovalRequested {
        record: RecordInfo,
        stage: String,
        code: String,
        facts: Vec<(String, String)>,
        description: String,
    },
    /// An alert group's notification (a routing receiver's e-mail target):
    /// `group` is the group's labels (`alertname="DiskFull", site="waw"`),
    /// `firing` and `resolved` the alerts listed (each a line, capped by
    /// the caller), `more_firing`/`more_resolved` those left out, `link`
    /// the alert console.
    AlertGroup {
        receiver: String,
        group: String,
        firing: Vec<String>,
        resolved: Vec<String>,
        more_firing: usize,
        more_resolved: usize,
        link: String,
    },
    /// A scheduled report, its file attached: `period` the days it covers
    /// (none for a record list), `rows` how many the file holds, `owner`
    /// who scheduled it, `link` the report in Steward, `note` why the file
    /// is missing (too large to mail).
    Report {
        name: String,
        period: Option<String>,
        rows: usize,
        file: String,
        owner: String,
        link: String,
        note: Option<String>,
    },
}

/// A rendered notification: the subject and both body parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The language-neutral shape of one notification; also the source of a
/// webhook [`Notice`](crate::webhook::Notice).
pub(crate) struct Content {
    pub(crate) subject: String,
    /// `INC0000123: Title`.
    pub(crate) headline: String,
    pub(crate) heading: String,
    pub(crate) paragraphs: Vec<String>,
    /// A quoted block under a label: a comment, resolution notes, a reason.
    pub(crate) quote: Option<(String, String)>,
    pub(crate) facts: Vec<(String, String)>,
    pub(crate) number: String,
    pub(crate) link: String,
    pub(crate) button: String,
    pub(crate) footer: Vec<String>,
}

/// Renders `event` in `locale`.
pub fn render(event: &EmailEvent, locale: Locale) -> Rendered {
    let content = content(event, locale);
    Rendered { subject: content.subject.clone(), text: text(&content), html: page(&content, locale).into_string() }
}

/// Picks the text for `l`. Both are built; they are a few words.
fn tr(l: Locale, en: impl Into<String>, pl: impl Into<String>) -> String {
    match l {
        Locale::En => en.into(),
        Locale::Pl => pl.into(),
    }
}

pub(crate) fn content(event: &EmailEvent, l: Locale) -> Content {
    use EmailEvent::*;
    if let AlertGroup { receiver, group, firing, resolved, more_firing, more_resolved, link } = event {
        return alert_content(l, receiver, group, (firing, *more_firing), (resolved, *more_resolved), link);
    }
    let record = match event {
        IncidentCreated { record }
        | CommentAdded { record, .. }
        | Assigned { record, .. }
        | Resolved { record, .. }
        | StateChanged { record, .. }
        | SlaWarning { record, .. }
        | SlaBreached { record, .. }
        | Escalated { record, .. }
        | ApprovalRequested { record, .. } => record,
        AlertGroup { .. } => return alert_content(l, "", "", (&[], 0), (&[], 0), ""),
        Report { name, period, rows, file, owner, link, note } => {
            return report_content(l, name, period.as_deref(), (*rows, file), owner, link, note.as_deref());
        }
    };
    let n = &record.number;
    let title = &record.title;
    let state = (tr(l, "State", "Stan"), record.state.clone());
    let priority = (tr(l, "Priority", "Priorytet"), record.priority.clone());
    let reply_hint = tr(
        l,
        format!("Reply to this email to add a comment to {n}."),
        format!("Odpowiedz na tę wiadomość, aby dodać komentarz do {n}."),
    );
    let mut c = Content {
        subject: format!("[{n}] {title}"),
        headline: format!("{n}: {title}"),
        heading: String::new(),
        paragraphs: Vec::new(),
        quote: None,
        facts: vec![state, priority],
        number: n.clone(),
        link: record.link.clone(),
        button: tr(l, format!("View {n}"), format!("Otwórz {n}")),
        footer: vec![
            tr(l, "Sent automatically by Steward.", "Wiadomość wysłana automatycznie przez Steward."),
            reply_hint,
        ],
    };
    match event {
        IncidentCreated { .. } => {
            c.heading = tr(l, "We have received your request", "Otrzymaliśmy Twoje zgłoszenie");
            c.paragraphs.push(tr(
                l,
                format!("Your request “{title}” has been recorded as {n}. We will keep you informed by email."),
                format!(
                    "Twoje zgłoszenie „{title}” zarejestrowaliśmy pod numerem {n}. Będziemy informować o postępach."
                ),
            ));
        }
        CommentAdded { author, comment, .. } => {
            c.heading = tr(l, format!("New reply from {author}"), format!("Nowa odpowiedź od: {author}"));
            c.paragraphs.push(c.headline.clone());
            c.quote = Some((tr(l, "Comment", "Komentarz"), comment.clone()));
        }
        Assigned { actor, assignee, .. } => {
            c.subject = tr(l, format!("[{n}] Assigned: {title}"), format!("[{n}] Przypisano: {title}"));
            c.heading =
                tr(l, format!("{n} is assigned to {assignee}"), format!("Zgłoszenie {n} przypisano do: {assignee}"));
            c.paragraphs.push(c.headline.clone());
            c.facts.insert(0, (tr(l, "Assigned by", "Przypisane przez"), actor.clone()));
        }
        Resolved { actor, notes, .. } => {
            c.subject = tr(l, format!("[{n}] Resolved: {title}"), format!("[{n}] Rozwiązano: {title}"));
            c.heading = tr(l, "Your request has been resolved", "Twoje zgłoszenie zostało rozwiązane");
            c.paragraphs.push(c.headline.clone());
            c.quote = Some((tr(l, "Resolution", "Rozwiązanie"), notes.clone()));
            c.facts.insert(0, (tr(l, "Resolved by", "Rozwiązane przez"), actor.clone()));
            c.footer[1] = tr(
                l,
                "If the problem persists, reply to this email and we will look into it again.",
                "Jeśli problem nadal występuje, odpowiedz na tę wiadomość, a zajmiemy się nim ponownie.",
            );
        }
        StateChanged { actor, state, note, .. } => {
            c.subject = format!("[{n}] {state}: {title}");
            c.heading = tr(l, format!("{n} is now {state}"), format!("{n} ma teraz stan: {state}"));
            c.paragraphs.push(c.headline.clone());
            c.quote = note.clone().map(|note| (tr(l, "Note", "Uwaga"), note));
            c.facts.insert(0, (tr(l, "Changed by", "Zmienione przez"), actor.clone()));
        }
        SlaWarning { sla, percent, .. } => {
            let name = &sla.name;
            c.subject = tr(
                l,
                format!("[{n}] SLA {percent}% elapsed: {title}"),
                format!("[{n}] Upłynęło {percent}% SLA: {title}"),
            );
            c.heading = tr(
                l,
                format!("{percent}% of the “{name}” time has elapsed"),
                format!("Upłynęło {percent}% czasu SLA „{name}”"),
            );
            c.paragraphs.push(c.headline.clone());
            c.facts.splice(0..0, sla_facts(sla, l));
        }
        SlaBreached { sla, .. } => {
            let name = &sla.name;
            c.subject = tr(l, format!("[{n}] SLA breached: {title}"), format!("[{n}] Przekroczono SLA: {title}"));
            c.heading =
                tr(l, format!("The “{name}” target has been missed"), format!("Przekroczono termin SLA „{name}”"));
            c.paragraphs.push(c.headline.clone());
            c.facts.splice(0..0, sla_facts(sla, l));
        }
        Escalated { actor, reason, .. } => {
            c.subject = tr(l, format!("[{n}] Escalated: {title}"), format!("[{n}] Eskalacja: {title}"));
            c.heading = tr(l, format!("{n} has been escalated"), format!("Zgłoszenie {n} zostało eskalowane"));
            c.paragraphs.push(c.headline.clone());
            c.quote = Some((tr(l, "Reason", "Powód"), reason.clone()));
            c.facts.insert(0, (tr(l, "Escalated by", "Eskalowane przez"), actor.clone()));
        }
        AlertGroup { .. } | Report { .. } => {}
        ApprovalRequested { stage, code, facts, description, .. } => {
            c.subject = tr(
                l,
                format!("[{n}] Approval requested: {title} [{code}]"),
                format!("[{n}] Prośba o zatwierdzenie: {title} [{code}]"),
            );
            c.heading = tr(l, format!("Your approval is requested for {n}"), format!("Prosimy o zatwierdzenie {n}"));
            c.paragraphs.push(c.headline.clone());
            c.paragraphs.push(tr(
                l,
                "Reply with APPROVE or REJECT as the first word of your reply; after REJECT, say why. \
                 You can also decide on the change's page.",
                "Odpowiedz, zaczynając od słowa ZATWIERDZAM albo ODRZUCAM; po ODRZUCAM napisz dlaczego. \
                 Możesz też zdecydować na stronie zmiany.",
            ));
            if !description.trim().is_empty() {
                c.quote = Some((tr(l, "Description", "Opis"), description.clone()));
            }
            c.facts.insert(0, (tr(l, "Stage", "Etap"), stage.clone()));
            c.facts.extend(facts.iter().cloned());
            c.facts.push((tr(l, "Approval code", "Kod zatwierdzenia"), code.clone()));
            c.footer[1] = tr(
                l,
                format!("Keep the code {code} in your reply: it works once, and only from your address."),
                format!("Zostaw w odpowiedzi kod {code}: działa raz i tylko z Twojego adresu."),
            );
        }
    }
    c
}

/// An alert group's notification: Alertmanager's `[FIRING:n]` subject, the
/// group, the alerts firing and resolved (the caller caps the lists and
/// says how many more), a link to the alert console.
fn report_content(
    l: Locale,
    name: &str,
    period: Option<&str>,
    (rows, file): (usize, &str),
    owner: &str,
    link: &str,
    note: Option<&str>,
) -> Content {
    let subject = tr(l, format!("[Report] {name}"), format!("[Raport] {name}"));
    let mut paragraphs = vec![match note {
        Some(why) => why.to_owned(),
        None => tr(
            l,
            format!("The report is attached: {file}, {rows} rows."),
            format!("Raport w załączniku: {file}, wierszy: {rows}."),
        ),
    }];
    if note.is_some() {
        paragraphs.push(tr(
            l,
            "Open it in Steward to read or export it.",
            "Otwórz go w Steward, aby go przeczytać lub wyeksportować.",
        ));
    }
    let mut facts = Vec::new();
    if let Some(p) = period {
        facts.push((tr(l, "Period", "Okres"), p.to_owned()));
    }
    facts.push((tr(l, "Scheduled by", "Zaplanował(a)"), owner.to_owned()));
    Content {
        subject: subject.clone(),
        headline: subject,
        heading: name.to_owned(),
        paragraphs,
        quote: None,
        facts,
        number: tr(l, "Reports", "Raporty"),
        link: link.to_owned(),
        button: tr(l, "Open the report", "Otwórz raport"),
        footer: vec![
            tr(l, "Sent automatically by Steward.", "Wiadomość wysłana automatycznie przez Steward."),
            tr(
                l,
                format!("You get this because {owner} scheduled this report for you."),
                format!("Otrzymujesz tę wiadomość, bo {owner} zaplanował(a) dla Ciebie ten raport."),
            ),
        ],
    }
}

fn alert_content(
    l: Locale,
    receiver: &str,
    group: &str,
    (firing, more_firing): (&[String], usize),
    (resolved, more_resolved): (&[String], usize),
    link: &str,
) -> Content {
    let (n_firing, n_resolved) = (firing.len() + more_firing, resolved.len() + more_resolved);
    let status = if n_firing > 0 { format!("FIRING:{n_firing}") } else { format!("RESOLVED:{n_resolved}") };
    let subject = format!("[{status}] {group}");
    let list = |title: String, items: &[String], more: usize| {
        let mut out = format!("{title}\n");
        for i in items {
            out.push_str(&format!("• {i}\n"));
        }
        if more > 0 {
            out.push_str(&tr(l, format!("… and {more} more\n"), format!("… i {more} więcej\n")));
        }
        out
    };
    let mut body = String::new();
    if n_firing > 0 {
        body.push_str(&list(
            tr(l, format!("Firing ({n_firing}):"), format!("Aktywne ({n_firing}):")),
            firing,
            more_firing,
        ));
    }
    if n_resolved > 0 {
        if !body.is_empty() {
            body.push('\n');
        }
        let title = tr(l, format!("Resolved ({n_resolved}):"), format!("Rozwiązane ({n_resolved}):"));
        body.push_str(&list(title, resolved, more_resolved));
    }
    let heading = if n_firing > 0 {
        tr(l, format!("{n_firing} alerts firing"), format!("Aktywne alerty: {n_firing}"))
    } else {
        tr(l, format!("{n_resolved} alerts resolved"), format!("Rozwiązane alerty: {n_resolved}"))
    };
    Content {
        subject: subject.clone(),
        headline: subject,
        heading,
        paragraphs: vec![group.to_owned()],
        quote: Some((tr(l, "Alerts", "Alerty"), body)),
        facts: vec![(tr(l, "Receiver", "Odbiorca"), receiver.to_owned())],
        number: tr(l, "Alerts", "Alerty"),
        link: link.to_owned(),
        button: tr(l, "Open the alert console", "Otwórz konsolę alertów"),
        footer: vec![
            tr(l, "Sent automatically by Steward.", "Wiadomość wysłana automatycznie przez Steward."),
            tr(
                l,
                "You get this because an alert routing receiver names you or your group.",
                "Otrzymujesz tę wiadomość, bo odbiorca w kierowaniu alertów wskazuje Ciebie lub Twoją grupę.",
            ),
        ],
    }
}

fn sla_facts(sla: &SlaInfo, l: Locale) -> [(String, String); 3] {
    let due = jiff::fmt::strtime::format("%Y-%m-%d %H:%M %Z", &sla.due).unwrap_or_else(|_| sla.due.to_string());
    [
        ("SLA".to_owned(), sla.name.clone()),
        (tr(l, "Target", "Cel"), duration(sla.target)),
        (tr(l, "Due", "Termin"), due),
    ]
}

/// `45 min`, `8 h`, `1 h 30 min`, `3 d`: the same abbreviations in both
/// languages.
fn duration(d: Duration) -> String {
    let minutes = d.as_secs().div_ceil(60);
    let (days, hours, mins) = (minutes / 1440, minutes / 60, minutes % 60);
    match (mins, hours) {
        (0, h) if h > 0 && h % 24 == 0 => format!("{days} d"),
        (0, h) if h > 0 => format!("{h} h"),
        (m, 0) => format!("{m} min"),
        (m, h) => format!("{h} h {m} min"),
    }
}

fn text(c: &Content) -> String {
    let mut out = format!("{}\n\n", c.heading);
    for p in &c.paragraphs {
        out.push_str(&format!("{p}\n\n"));
    }
    if let Some((label, body)) = &c.quote {
        out.push_str(&format!("{label}:\n{}\n\n", body.trim_end()));
    }
    let width = c.facts.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0) + 1;
    for (k, v) in &c.facts {
        out.push_str(&format!("{:<width$} {v}\n", format!("{k}:")));
    }
    if !c.link.is_empty() {
        out.push_str(&format!("\n{}: {}\n", c.button, c.link));
    }
    // The standard signature separator: clients grey out what follows.
    out.push_str("\n-- \n");
    for line in &c.footer {
        out.push_str(&format!("{line}\n"));
    }
    out
}

const FONT: &str = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;";

fn page(c: &Content, l: Locale) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(l.tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (c.subject) }
            }
            body style="margin:0;padding:0;background:#f4f5f7;" {
                table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f7;" {
                    tr { td align="center" style="padding:24px 12px;" {
                        table role="presentation" width="100%" cellpadding="0" cellspacing="0"
                            style={ "max-width:600px;background:#ffffff;border:1px solid #dfe1e6;border-radius:6px;color:#172b4d;" (FONT) } {
                            tr { td style="padding:14px 24px;border-bottom:1px solid #dfe1e6;font-size:13px;color:#5e6c84;" {
                                strong style="color:#172b4d;" { "Steward" } " · " (c.number)
                            } }
                            tr { td style="padding:24px;font-size:15px;line-height:1.5;" {
                                h1 style="margin:0 0 12px;font-size:20px;line-height:1.3;" { (c.heading) }
                                @for p in &c.paragraphs { p style="margin:0 0 16px;" { (p) } }
                                @if let Some((label, body)) = &c.quote {
                                    p style="margin:0 0 4px;font-size:13px;color:#5e6c84;" { (label) }
                                    div style="margin:0 0 16px;padding:8px 12px;border-left:3px solid #0052cc;background:#f4f5f7;white-space:pre-wrap;" { (body.trim_end()) }
                                }
                                table role="presentation" cellpadding="0" cellspacing="0" style="font-size:14px;margin:0 0 8px;" {
                                    @for (k, v) in &c.facts {
                                        tr {
                                            td style="padding:3px 16px 3px 0;color:#5e6c84;vertical-align:top;" { (k) }
                                            td style="padding:3px 0;" { (v) }
                                        }
                                    }
                                }
                                @if !c.link.is_empty() {
                                    p style="margin:20px 0 0;" {
                                        a href=(c.link) style="display:inline-block;padding:10px 18px;background:#0052cc;color:#ffffff;text-decoration:none;border-radius:4px;font-weight:600;" { (c.button) }
                                    }
                                }
                            } }
                            tr { td style="padding:14px 24px;border-top:1px solid #dfe1e6;font-size:12px;line-height:1.5;color:#6b778c;" {
                                @for line in &c.footer { (line) br; }
                            } }
                        }
                    } }
                }
            }
        }
    }
}

#[cfg(test)]
#[path = "templates_tests.rs"]
mod tests;
