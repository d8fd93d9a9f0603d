//! The activity stream: the incident's journal as one timeline of
//! comments, work notes (set apart: requesters never get them from the
//! app), field changes ("Priority P3 → P2") and state changes.

use super::{fmt, layout::initials, widgets};
use crate::i18n::{self, Label, Lang, Msg};
use maud::{Markup, html};
use steward_domain::{
    HoldReason, IncidentState, ResolutionCode,
    journal::{Action, FieldChange},
};
use steward_store::journal::Entry;

/// Long texts are summarised in a change line; the full text is elsewhere.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let cut: String = s.chars().take(max).collect();
    format!("{}…", cut.trim_end())
}

/// A field's value as people read it.
pub fn value(lang: Lang, field: &str, v: Option<&str>) -> String {
    let Some(v) = v.filter(|v| !v.is_empty()) else { return i18n::t(lang, Msg::Empty).to_owned() };
    let label = |m| i18n::t(lang, m).to_owned();
    // A problem's states, codes and analysis (an incident's come first).
    let incident_value = match field {
        "state" => v.parse::<IncidentState>().is_ok(),
        "resolution_code" => v.parse::<ResolutionCode>().is_ok(),
        _ => false,
    };
    if !incident_value
        && let Some(p) = super::problem_texts::value(lang, field, v)
            .or_else(|| super::change_texts::value(lang, field, v))
            .or_else(|| super::task_texts::value(lang, field, v))
    {
        return p;
    }
    match field {
        "state" => v.parse::<IncidentState>().map_or_else(|_| v.to_owned(), |s| i18n::state(lang, s).to_owned()),
        "hold_reason" => {
            v.parse::<HoldReason>().map_or_else(|_| v.to_owned(), |r| i18n::hold_reason(lang, r).to_owned())
        }
        "resolution_code" => {
            v.parse::<ResolutionCode>().map_or_else(|_| v.to_owned(), |c| i18n::resolution_code(lang, c).to_owned())
        }
        "priority" => format!("P{v}"),
        "impact" | "urgency" => match v {
            "1" => label(Msg::Level1),
            "2" => label(Msg::Level2),
            "3" => label(Msg::Level3),
            other => other.to_owned(),
        },
        "major" => label(if v == "1" { Msg::Yes } else { Msg::No }),
        "description"
        | "resolution_notes"
        | "title"
        | "root_cause"
        | "workaround"
        | "cancel_reason"
        | "implementation_plan"
        | "backout_plan"
        | "test_plan"
        | "review_notes"
        | "approval_comment" => shorten(v, 120),
        _ => v.to_owned(),
    }
}

fn changes_of(e: &Entry) -> Vec<FieldChange> {
    // Written by the app as JSON; an unreadable entry still shows its head.
    serde_json::from_str(&e.changes).unwrap_or_default()
}

fn what(lang: Lang, action: Option<Action>) -> &'static str {
    i18n::t(
        lang,
        match action {
            Some(Action::Created) => Msg::EvCreated,
            Some(Action::Updated) => Msg::EvUpdated,
            Some(Action::StateChanged) => Msg::EvStateChanged,
            Some(Action::Comment) => Msg::EvComment,
            Some(Action::WorkNote) => Msg::EvWorkNote,
            Some(Action::Attachment) => Msg::EvAttachment,
            Some(Action::SlaAttached) => Msg::EvSlaAttached,
            Some(Action::SlaRetargeted) => Msg::EvSlaRetargeted,
            Some(Action::SlaWarning) => Msg::EvSlaWarning,
            Some(Action::SlaBreached) => Msg::EvSlaBreached,
            Some(Action::Escalated) => Msg::EvEscalated,
            Some(Action::Linked) => Msg::EvLinked,
            Some(Action::Unlinked) => Msg::EvUnlinked,
            Some(Action::Feedback) => Msg::EvFeedback,
            None => Msg::EvUpdated,
        },
    )
}

#[cfg(test)]
fn entry(lang: Lang, e: &Entry, now: i64) -> Markup {
    entry_of(lang, e, now, &Msg::EvCreated)
}

/// An entry whose creation reads `created` ("opened the incident", "created it").
fn entry_of(lang: Lang, e: &Entry, now: i64, created: Label) -> Markup {
    let action = Action::parse(&e.action);
    let internal = action.is_some_and(Action::is_internal);
    let name = e.actor_name.clone().unwrap_or_else(|| i18n::t(lang, Msg::SystemActor).to_owned());
    // Creation lists every field it set; the page header shows them already.
    let changes = if action == Some(Action::Created) { Vec::new() } else { changes_of(e) };
    let state_change = changes.iter().find(|c| c.field == "state");
    // A comment may bring several files: each is named in its head.
    let files: Vec<&str> =
        changes.iter().filter(|c| c.field == "attachment").filter_map(|c| c.new.as_deref()).collect();
    html! {
        li class={ "entry entry-" (e.action) @if internal { " internal" } } #{ "entry-" (e.seq) } {
            span.avatar aria-hidden="true" { (initials(&name)) }
            div.entry-card {
                div.entry-head {
                    strong { (name) } " " span.what {
                        (if action == Some(Action::Created) { i18n::t(lang, created) } else { what(lang, action) })
                    }
                    @for f in &files { " " span.file-name { (f) } }
                    @if internal { " " span.badge.note-badge { (i18n::t(lang, Msg::WorkNote)) } }
                    @if let Some(c) = state_change {
                        " " (widgets::state_badge(lang, c.old.as_deref().unwrap_or(""))) " → " (widgets::state_badge(lang, c.new.as_deref().unwrap_or("")))
                    }
                    span.entry-time { (widgets::time(lang, e.at, now)) }
                }
                @let rest: Vec<&FieldChange> = changes.iter().filter(|c| c.field != "state" && c.field != "attachment").collect();
                @if !rest.is_empty() {
                    ul.changes {
                        @for c in rest {
                            li {
                                span.field-name { (i18n::field(lang, &c.field)) } ": "
                                // A first value needs no "— →" before it.
                                @if c.old.as_deref().is_some_and(|o| !o.is_empty()) {
                                    del { (value(lang, &c.field, c.old.as_deref())) } " → "
                                }
                                ins { (value(lang, &c.field, c.new.as_deref())) }
                            }
                        }
                    }
                }
                @if let Some(body) = &e.body { div.entry-body { (body) } }
            }
        }
    }
}

/// The history of a setting (a calendar, an SLA definition): the same
/// timeline, worded for something set up rather than opened.
pub fn settings_stream(lang: Lang, entries: &[Entry]) -> Markup {
    let now = fmt::now_micros();
    html! { ol.timeline { @for e in entries { (entry_of(lang, e, now, &Msg::EvSettingCreated)) } } }
}

/// The stream of a record whose creation reads `created` ("raised the problem").
pub fn stream_of(lang: Lang, entries: &[Entry], created: Label) -> Markup {
    let now = fmt::now_micros();
    html! {
        @if entries.is_empty() {
            p.empty { (i18n::t(lang, Msg::NoActivity)) }
        } @else {
            ol.timeline { @for e in entries { (entry_of(lang, e, now, created)) } }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(action: &str, changes: &str, body: Option<&str>) -> Entry {
        Entry {
            seq: 2,
            at: 0,
            actor_id: Some(1),
            actor_name: Some("Ada Lovelace".into()),
            action: action.into(),
            changes: changes.into(),
            comment_id: None,
            body: body.map(String::from),
        }
    }

    #[test]
    fn field_changes_read_as_old_to_new() {
        let out =
            entry(Lang::En, &e("updated", r#"[{"field":"priority","old":"3","new":"2"}]"#, None), 0).into_string();
        assert!(out.contains("Priority</span>: <del>P3</del> → <ins>P2</ins>"), "{out}");
        let out = entry(Lang::Pl, &e("state_changed", r#"[{"field":"state","old":"new","new":"resolved"}]"#, None), 0)
            .into_string();
        assert!(out.contains("Nowy</span> → <span class=\"badge state state-resolved\">Rozwiązany"), "{out}");
    }

    #[test]
    fn work_notes_are_set_apart() {
        let out = entry(Lang::En, &e("work_note", "[]", Some("<script>x</script>")), 0).into_string();
        assert!(out.contains(r#"class="entry entry-work_note internal""#), "{out}");
        assert!(out.contains("&lt;script&gt;x&lt;/script&gt;"), "{out}");
    }

    #[test]
    fn a_comment_names_each_of_its_files() {
        let changes =
            r#"[{"field":"attachment","old":null,"new":"a.png"},{"field":"attachment","old":null,"new":"b.png"}]"#;
        let out = entry(Lang::En, &e("comment", changes, Some("See both")), 0).into_string();
        assert!(out.contains(r#"<span class="file-name">a.png</span> <span class="file-name">b.png</span>"#), "{out}");
    }

    #[test]
    fn values_are_labelled() {
        assert_eq!(value(Lang::Pl, "hold_reason", Some("awaiting_vendor")), "Oczekuje na dostawcę");
        assert_eq!(value(Lang::En, "major", Some("1")), "Yes");
        assert_eq!(value(Lang::En, "assignee", None), "—");
        assert_eq!(value(Lang::En, "description", Some(&"x".repeat(200))).chars().count(), 121);
    }
}
