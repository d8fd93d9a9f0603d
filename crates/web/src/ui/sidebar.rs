//! The incident page's side panels: the state changes the viewer may make
//! (with the fields each needs), the fields, related
//! incidents; and the requester's confirm / reopen / cancel card.

use super::incident_texts::IncMsg;
use super::{
    Ctx, fmt,
    incident::{Data, View},
    record_page,
    state_moves::{self, Mover},
    widgets,
};
use crate::i18n::{self, Label, Msg};
use maud::{Markup, html};
use steward_app::incidents::number;
use steward_domain::{HoldReason, IncidentState, ResolutionCode, access};

/// The button text for a move, from where it starts and who makes it.
fn verb(from: IncidentState, to: IncidentState, staff: bool) -> Label {
    use IncidentState::*;
    match (from, to, staff) {
        (New, InProgress, _) => &IncMsg::ActStart,
        (OnHold, InProgress, _) => &IncMsg::ActResume,
        (Resolved, InProgress, true) => &IncMsg::ActReopen,
        (Resolved, InProgress, false) => &IncMsg::ActNotFixed,
        (Resolved, Closed, false) => &IncMsg::ActConfirm,
        (_, Closed, _) => &Msg::ActClose,
        (_, OnHold, _) => &IncMsg::ActHold,
        (_, Resolved, _) => &Msg::ActResolve,
        (_, Cancelled, true) => &IncMsg::ActCancel,
        (_, Cancelled, false) => &IncMsg::ActCancelMine,
        (_, New | InProgress, _) => &IncMsg::ActStart,
    }
}

/// The moves this viewer may make now, in the order the state machine lists them.
fn moves(ctx: &Ctx, d: &Data) -> Vec<(IncidentState, IncidentState)> {
    let v = d.viewer(ctx);
    state_moves::moves(d.state(), |from, to| access::can_transition(v, from, to).is_ok())
}

fn mover<'a>(ctx: &'a Ctx, d: &Data, page: &'a str) -> Mover<'a> {
    Mover { ctx, page, version: d.inc.version }
}

/// A move that needs nothing but a click; cancelling asks first.
fn simple(ctx: &Ctx, m: &Mover, from: IncidentState, to: IncidentState, class: &str) -> Markup {
    let confirm = (to == IncidentState::Cancelled).then(|| ctx.t(IncMsg::ConfirmCancel));
    m.button(to.as_str(), ctx.t(verb(from, to, ctx.actor.is_staff())), class, confirm)
}

/// A move that needs fields (on hold: a reason; resolved: code and notes).
fn with_fields(ctx: &Ctx, m: &Mover, v: &View, from: IncidentState, to: IncidentState) -> Markup {
    let lang = ctx.lang;
    let t = state_moves::tried(&v.transition, to.as_str(), |t| t.state.as_str());
    let [hold_id, code_id, notes_id, comment_id] =
        state_moves::field_ids(to.as_str(), ["hold", "code", "notes", "comment"]);
    let holds = state_moves::choose_one(
        ctx,
        HoldReason::ALL.iter().map(|r| (r.as_str().to_owned(), i18n::hold_reason(lang, *r).to_owned())),
    );
    let codes = state_moves::choose_one(
        ctx,
        ResolutionCode::ALL.iter().map(|c| (c.as_str().to_owned(), i18n::resolution_code(lang, *c).to_owned())),
    );
    let fields = html! {
        @if to == IncidentState::OnHold {
            (t.required(lang, &hold_id, "hold_reason", ctx.t(Msg::HoldReason)).select(&holds, &t.draft.hold_reason))
        }
        @if to == IncidentState::Resolved {
            (t.required(lang, &code_id, "resolution_code", ctx.t(Msg::ResolutionCode)).select(&codes, &t.draft.resolution_code))
            (t.required(lang, &notes_id, "resolution_notes", ctx.t(Msg::ResolutionNotes)).textarea(&t.draft.resolution_notes, 4))
        }
        (widgets::Field::new(lang, &comment_id, "comment", ctx.t(IncMsg::CommentOptional), &t.errors).textarea(&t.draft.comment, 2))
    };
    m.with_fields(to.as_str(), ctx.t(verb(from, to, true)), "", t.open, fields)
}

pub fn staff_actions(ctx: &Ctx, d: &Data, v: &View) -> Markup {
    let page = d.page();
    let m = mover(ctx, d, &page);
    let moves: Vec<Markup> = moves(ctx, d)
        .into_iter()
        .map(|(from, to)| match to {
            IncidentState::OnHold | IncidentState::Resolved => with_fields(ctx, &m, v, from, to),
            IncidentState::Cancelled => simple(ctx, &m, from, to, "btn-danger-quiet"),
            _ => simple(ctx, &m, from, to, ""),
        })
        .collect();
    state_moves::panel(ctx, IncMsg::FinalState, &moves, html! {}, html! {})
}

/// The requester's choices, in the main column where they cannot be missed.
pub fn requester_actions(ctx: &Ctx, d: &Data, _v: &View) -> Markup {
    let moves = moves(ctx, d);
    let page = d.page();
    let m = mover(ctx, d, &page);
    html! {
        @if !moves.is_empty() {
            section.panel.confirm-card {
                @if d.state() == Some(IncidentState::Resolved) { p.lead { (ctx.t(IncMsg::AskConfirm)) } }
                div.action-row {
                    @for (from, to) in &moves {
                        (simple(ctx, &m, *from, *to, if *to == IncidentState::Closed { "btn-primary" } else { "" }))
                    }
                }
            }
        }
    }
}

/// The details box, with the requester and their organisation, the service
/// and CIs, and (for staff) the first response.
pub fn details(ctx: &Ctx, d: &Data) -> Markup {
    let lang = ctx.lang;
    let i = &d.inc;
    let empty = ctx.t(Msg::Empty);
    let who = html! {
        dt { (ctx.t(Msg::Requester)) }
        dd { (i.requester_name.as_deref().unwrap_or(empty)) }
        @if let Some(o) = &i.organisation_name { dt { (ctx.t(Msg::Organisation)) } dd { (o) } }
    };
    let what = html! {
        @if let Some(sv) = &i.service {
            dt { (ctx.t(Msg::Service)) }
            dd #incident-service {
                @match (i.service_id, ctx.actor.is_staff()) {
                    (Some(id), true) => a href={ "/cmdb/" (id) } { (sv) },
                    _ => (sv),
                }
            }
        }
        @if !d.cis.is_empty() {
            dt { (ctx.t(Msg::ConfigurationItems)) }
            dd #incident-cis { @for (n, c) in d.cis.iter().enumerate() { @if n > 0 { ", " } a href={ "/cmdb/" (c.id) } { (c.name) } } }
        }
    };
    let when = html! {
        @if ctx.actor.is_staff() { dt { (ctx.t(IncMsg::FirstResponse)) } dd { (widgets::opt_time(lang, i.first_response_at, fmt::now_micros())) } }
    };
    record_page::details(
        ctx,
        record_page::Facts { record: i, owner: (&Msg::Assignee, "incident-assignee"), who, what, when },
    )
}

pub fn related(ctx: &Ctx, d: &Data) -> Markup {
    let parent_number = d.inc.parent_number.map(number);
    html! {
        @if parent_number.is_some() || !d.children.is_empty() {
            section.panel aria-labelledby="related-title" {
                h2 #related-title { (ctx.t(IncMsg::Related)) }
                @if let Some(p) = &parent_number {
                    h3 { (ctx.t(Msg::ParentIncident)) }
                    p { a href={ "/incidents/" (p) } { (p) } @if let Some(pi) = &d.parent { " " (pi.title) } }
                }
                @if !d.children.is_empty() {
                    h3 { (ctx.t(IncMsg::ChildIncidents)) }
                    ul.files {
                        @for c in &d.children {
                            @let n = number(c.number);
                            li { a href={ "/incidents/" (n) } { (n) } " " (c.title) " " (widgets::state_badge(ctx.lang, &c.state)) }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use IncidentState::*;

    /// A label as the test compares it: its texts in both languages.
    fn texts(l: Label) -> (&'static str, &'static str) {
        (l.text(Lang::En), l.text(Lang::Pl))
    }

    #[test]
    fn moves_have_the_right_verbs() {
        let cases: [(IncidentState, IncidentState, bool, Label); 10] = [
            (New, InProgress, true, &IncMsg::ActStart),
            (OnHold, InProgress, true, &IncMsg::ActResume),
            (Resolved, InProgress, true, &IncMsg::ActReopen),
            (Resolved, InProgress, false, &IncMsg::ActNotFixed),
            (Resolved, Closed, false, &IncMsg::ActConfirm),
            (Resolved, Closed, true, &Msg::ActClose),
            (InProgress, OnHold, true, &IncMsg::ActHold),
            (New, Resolved, true, &Msg::ActResolve),
            (New, Cancelled, false, &IncMsg::ActCancelMine),
            (OnHold, Cancelled, true, &IncMsg::ActCancel),
        ];
        for (from, to, staff, want) in cases {
            assert!(from.allowed_targets().contains(&to));
            assert_eq!(texts(verb(from, to, staff)), texts(want), "{from} → {to}");
        }
    }
}
