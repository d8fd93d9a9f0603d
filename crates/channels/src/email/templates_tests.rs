use super::*;

fn record() -> RecordInfo {
    RecordInfo {
        number: "INC0000123".into(),
        title: "Printer <on> fire & smoke".into(),
        state: "In progress".into(),
        priority: "2 - High".into(),
        link: "https://steward.example.com/incidents/INC0000123".into(),
    }
}

fn sla() -> SlaInfo {
    SlaInfo {
        name: "Resolution P2".into(),
        target: Duration::from_secs(8 * 3600),
        due: "2026-11-24T14:30[Europe/Warsaw]".parse().unwrap(),
    }
}

fn events() -> Vec<EmailEvent> {
    use EmailEvent::*;
    vec![
        IncidentCreated { record: record() },
        CommentAdded {
            record: record(),
            author: "Jan Kowalski".into(),
            comment: "Line one\n<script>x</script>".into(),
        },
        Assigned { record: record(), actor: "Ewa Lis".into(), assignee: "Service Desk".into() },
        Resolved { record: record(), actor: "Ewa Lis".into(), notes: "Replaced the fuser.".into() },
        SlaWarning { record: record(), sla: sla(), percent: 75 },
        SlaBreached { record: record(), sla: sla() },
        Escalated { record: record(), actor: "Steward".into(), reason: "No response for 4 h".into() },
    ]
}

fn all(locale: Locale) -> [Rendered; 7] {
    events().iter().map(|e| render(e, locale)).collect::<Vec<_>>().try_into().unwrap()
}

/// Asserts that each of `lines` occurs in the plain text.
fn has(rendered: &Rendered, lines: &[&str]) {
    for line in lines {
        assert!(rendered.text.contains(line), "missing {line:?} in text:\n{}", rendered.text);
    }
}

#[test]
fn english_texts() {
    let [created, comment, assigned, resolved, warning, breached, escalated] = all(Locale::En);
    assert_eq!(created.subject, "[INC0000123] Printer <on> fire & smoke");
    has(
        &created,
        &[
            "We have received your request\n",
            "Your request “Printer <on> fire & smoke” has been recorded as INC0000123.",
            "State:    In progress\n",
            "Priority: 2 - High\n",
            "View INC0000123: https://steward.example.com/incidents/INC0000123\n",
            "\n-- \nSent automatically by Steward.\nReply to this email to add a comment to INC0000123.\n",
        ],
    );
    assert_eq!(comment.subject, "[INC0000123] Printer <on> fire & smoke");
    has(&comment, &["New reply from Jan Kowalski\n", "Comment:\nLine one\n<script>x</script>\n"]);
    assert_eq!(assigned.subject, "[INC0000123] Assigned: Printer <on> fire & smoke");
    has(&assigned, &["INC0000123 is assigned to Service Desk\n", "Assigned by: Ewa Lis\n"]);
    assert_eq!(resolved.subject, "[INC0000123] Resolved: Printer <on> fire & smoke");
    has(
        &resolved,
        &[
            "Your request has been resolved\n",
            "Resolution:\nReplaced the fuser.\n",
            "Resolved by: Ewa Lis\n",
            "If the problem persists, reply to this email",
        ],
    );
    assert_eq!(warning.subject, "[INC0000123] SLA 75% elapsed: Printer <on> fire & smoke");
    has(
        &warning,
        &[
            "75% of the “Resolution P2” time has elapsed\n",
            "SLA:      Resolution P2\n",
            "Target:   8 h\n",
            "Due:      2026-11-24 14:30 CET\n",
        ],
    );
    assert_eq!(breached.subject, "[INC0000123] SLA breached: Printer <on> fire & smoke");
    has(&breached, &["The “Resolution P2” target has been missed\n"]);
    assert_eq!(escalated.subject, "[INC0000123] Escalated: Printer <on> fire & smoke");
    has(&escalated, &["INC0000123 has been escalated\n", "Reason:\nNo response for 4 h\n", "Escalated by: Steward\n"]);
}

#[test]
fn polish_texts() {
    let [created, comment, assigned, resolved, warning, breached, escalated] = all(Locale::Pl);
    assert_eq!(created.subject, "[INC0000123] Printer <on> fire & smoke");
    has(
        &created,
        &[
            "Otrzymaliśmy Twoje zgłoszenie\n",
            "zarejestrowaliśmy pod numerem INC0000123.",
            "Stan:      In progress\n",
            "Priorytet: 2 - High\n",
            "Otwórz INC0000123: https://steward.example.com/incidents/INC0000123\n",
            "Wiadomość wysłana automatycznie przez Steward.\nOdpowiedz na tę wiadomość, aby dodać komentarz do INC0000123.\n",
        ],
    );
    has(&comment, &["Nowa odpowiedź od: Jan Kowalski\n", "Komentarz:\nLine one\n"]);
    assert_eq!(assigned.subject, "[INC0000123] Przypisano: Printer <on> fire & smoke");
    has(&assigned, &["Zgłoszenie INC0000123 przypisano do: Service Desk\n", "Przypisane przez: Ewa Lis\n"]);
    assert_eq!(resolved.subject, "[INC0000123] Rozwiązano: Printer <on> fire & smoke");
    has(
        &resolved,
        &["Twoje zgłoszenie zostało rozwiązane\n", "Rozwiązanie:\nReplaced the fuser.\n", "zajmiemy się nim ponownie."],
    );
    assert_eq!(warning.subject, "[INC0000123] Upłynęło 75% SLA: Printer <on> fire & smoke");
    has(
        &warning,
        &["Upłynęło 75% czasu SLA „Resolution P2”\n", "Cel:       8 h\n", "Termin:    2026-11-24 14:30 CET\n"],
    );
    assert_eq!(breached.subject, "[INC0000123] Przekroczono SLA: Printer <on> fire & smoke");
    has(&breached, &["Przekroczono termin SLA „Resolution P2”\n"]);
    assert_eq!(escalated.subject, "[INC0000123] Eskalacja: Printer <on> fire & smoke");
    has(&escalated, &["Zgłoszenie INC0000123 zostało eskalowane\n", "Powód:\nNo response for 4 h\n"]);
}

#[test]
fn html_is_escaped_self_contained_and_says_the_same() {
    for locale in [Locale::En, Locale::Pl] {
        for event in events() {
            let r = render(&event, locale);
            assert!(r.html.starts_with("<!DOCTYPE html>"), "{}", r.html);
            assert!(r.html.contains(&format!("<html lang=\"{}\">", locale.tag())));
            assert!(r.html.contains("Printer &lt;on&gt; fire &amp; smoke"), "{}", r.html);
            assert!(!r.html.contains("<on>") && !r.html.contains("<script>"), "{}", r.html);
            assert!(r.html.contains("href=\"https://steward.example.com/incidents/INC0000123\""));
            // Nothing loaded from elsewhere: the only URL is the record's link.
            assert!(!r.html.contains("<img") && !r.html.contains("<link") && !r.html.contains("url("));
            let heading = r.text.lines().next().unwrap();
            let escaped = heading.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
            assert!(r.html.contains(&format!("{escaped}</h1>")), "{heading} not in {}", r.html);
        }
    }
}

#[test]
fn durations_read_naturally() {
    assert_eq!(duration(Duration::from_secs(45 * 60)), "45 min");
    assert_eq!(duration(Duration::from_secs(8 * 3600)), "8 h");
    assert_eq!(duration(Duration::from_secs(90 * 60)), "1 h 30 min");
    assert_eq!(duration(Duration::from_secs(72 * 3600)), "3 d");
    assert_eq!(duration(Duration::from_secs(30)), "1 min");
}

#[test]
fn locale_from_tag() {
    assert_eq!(Locale::from_tag("pl-PL"), Locale::Pl);
    assert_eq!(Locale::from_tag("PL"), Locale::Pl);
    assert_eq!(Locale::from_tag("en-GB"), Locale::En);
    assert_eq!(Locale::from_tag("de"), Locale::En);
    assert_eq!(Locale::from_tag(""), Locale::En);
}

#[test]
fn a_change_of_state_names_the_new_state_in_both_languages() {
    let event = |state: &str| EmailEvent::StateChanged {
        record: RecordInfo { number: "PRB0000007".into(), ..record() },
        actor: "Ewa Lis".into(),
        state: state.into(),
        note: Some("Duplicate of PRB0000003".into()),
    };
    let en = render(&event("Cancelled"), Locale::En);
    assert_eq!(en.subject, "[PRB0000007] Cancelled: Printer <on> fire & smoke");
    has(&en, &["PRB0000007 is now Cancelled\n", "Changed by: Ewa Lis\n", "Note:\nDuplicate of PRB0000003\n"]);
    assert!(en.html.contains("Printer &lt;on&gt; fire"), "{}", en.html);
    let pl = render(&event("Anulowany"), Locale::Pl);
    assert_eq!(pl.subject, "[PRB0000007] Anulowany: Printer <on> fire & smoke");
    has(&pl, &["PRB0000007 ma teraz stan: Anulowany\n", "Zmienione przez: Ewa Lis\n"]);
}
