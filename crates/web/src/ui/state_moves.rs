//! The state panel of every record kind's page (the incident's and the
//! problem's; the next kind's too): the moves the viewer may make now,
//! each a button, or a disclosure with the fields the move needs (so the
//! page works without JavaScript), all posting to the page's `/state` with
//! the version shown. The kind says which moves there are, what each is
//! called and what it asks for; this draws them.

use super::{Ctx, change_texts, problem_texts, widgets};
use crate::i18n::{self, Lang, Msg, Text};
use maud::{Markup, html};
use steward_domain::{IncidentState, Lifecycle, change::ChangeState, problem::ProblemState};

/// A kind's states as its pages name them.
pub trait StateLabel: Lifecycle {
    fn label(self, lang: Lang) -> &'static str;
}

impl StateLabel for IncidentState {
    fn label(self, lang: Lang) -> &'static str {
        i18n::state(lang, self)
    }
}

impl StateLabel for ProblemState {
    fn label(self, lang: Lang) -> &'static str {
        problem_texts::state(lang, self)
    }
}

impl StateLabel for ChangeState {
    fn label(self, lang: Lang) -> &'static str {
        change_texts::state(lang, self)
    }
}

/// The moves `allowed` lets the viewer make from the record's state (none
/// when it cannot be read), in the order the state machine lists them.
pub fn moves<S: Lifecycle>(from: Option<S>, allowed: impl Fn(S, S) -> bool) -> Vec<(S, S)> {
    let Some(from) = from else { return Vec::new() };
    from.allowed_targets().iter().copied().filter(|to| allowed(from, *to)).map(|to| (from, to)).collect()
}

/// A move's form as the page shows it: the refused try of this move (its
/// draft and messages), or nothing typed.
pub struct Tried<T> {
    pub draft: T,
    pub errors: widgets::Errors,
    /// It was tried and refused: its disclosure opens again.
    pub open: bool,
}

/// The form of the move to `to`, from the refused try on the page (whose
/// target `state` reads).
pub fn tried<T: Clone + Default>(
    transition: &Option<(T, widgets::Errors)>,
    to: &str,
    state: impl Fn(&T) -> &str,
) -> Tried<T> {
    match transition {
        Some((t, e)) if state(t) == to => Tried { draft: t.clone(), errors: e.clone(), open: true },
        _ => Tried { draft: T::default(), errors: widgets::Errors::default(), open: false },
    }
}

impl<T> Tried<T> {
    /// A required field of the move's form, with its message.
    pub fn required<'a>(&self, lang: Lang, id: &'a str, name: &'a str, label: &'a str) -> widgets::Field<'a> {
        widgets::Field { required: true, ..widgets::Field::new(lang, id, name, label, &self.errors) }
    }
}

/// The ids of the fields of the move to `to`: `resolved-notes` for `notes`
/// (each move's form is on the page at once).
pub fn field_ids<const N: usize>(to: &str, ends: [&str; N]) -> [String; N] {
    ends.map(|end| format!("{to}-{end}"))
}

/// A select's options with "Choose one" first.
pub fn choose_one(ctx: &Ctx, options: impl IntoIterator<Item = (String, String)>) -> Vec<(String, String)> {
    let mut out = vec![(String::new(), ctx.t(Msg::ChooseOne).to_owned())];
    out.extend(options);
    out
}

/// The forms of one record's moves: where they post and the version the
/// page showed (a move from an older one is refused as stale).
pub struct Mover<'a> {
    pub ctx: &'a Ctx,
    /// The record's page, `/incidents/INC0000042`.
    pub page: &'a str,
    pub version: i64,
}

/// A button's classes: `btn` and the kind's `extra`.
fn classes(extra: &str) -> String {
    if extra.is_empty() { "btn".to_owned() } else { format!("btn {extra}") }
}

impl Mover<'_> {
    fn hidden(&self, to: &str) -> Markup {
        html! {
            (widgets::csrf(&self.ctx.csrf))
            input type="hidden" name="version" value=(self.version);
            input type="hidden" name="state" value=(to);
        }
    }

    /// A move that needs nothing but a click; `confirm` is asked first
    /// (where scripts run).
    pub fn button(&self, to: &str, verb: &str, class: &str, confirm: Option<&str>) -> Markup {
        html! {
            form.state-form method="post" action={ (self.page) "/state" } data-confirm=[confirm] {
                (self.hidden(to))
                button class=(classes(class)) type="submit" #{ "to-" (to) } { (verb) }
            }
        }
    }

    /// A move that needs `fields`, folded into a disclosure (open again
    /// after a refused try) so the page works without JavaScript.
    pub fn with_fields(&self, to: &str, verb: &str, class: &str, open: bool, fields: Markup) -> Markup {
        html! {
            details.state-panel open[open] #{ "panel-" (to) } {
                summary class=(classes(class)) { (verb) }
                form.state-form method="post" action={ (self.page) "/state" } {
                    (self.hidden(to))
                    (fields)
                    button.btn.btn-primary type="submit" #{ "submit-" (to) } { (verb) }
                }
            }
        }
    }
}

/// The panel: the `moves` (each drawn by the kind), or `none` when the
/// state is final; `before` and `after` the list (a refusal, a hint).
pub fn panel(ctx: &Ctx, none: impl Text, moves: &[Markup], before: Markup, after: Markup) -> Markup {
    html! {
        section.panel.actions aria-labelledby="actions-title" {
            h2 #actions-title { (ctx.t(Msg::ChangeState)) }
            @if moves.is_empty() { p.muted { (ctx.t(none)) } }
            (before)
            div.action-list { @for m in moves { (m) } }
            (after)
        }
    }
}
