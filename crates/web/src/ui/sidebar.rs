//! The incident page's side panels: the state changes the viewer may make
//! (with the fields each needs), the fields, related
//! incidents; and the requester's confirm / reopen / cancel card.

use super::{
    Ctx, fmt,
    incident::{Data, View},
    widgets,
};
use crate::i18n::{self, Msg};
use maud::{Markup, html};
use steward_app::incidents::number;
use steward_domain::{HoldReason, IncidentState, ResolutionCode, access};

/// The button text for a move, from where it starts and who makes it.
fn verb(from: IncidentState, to: IncidentState, staff: bool) -> Msg {
    use IncidentState::*;
    match (from, to, staff) {
        (New, InProgress, _) => Msg::ActStart,
        (OnHold, InProgress, _) => Msg::ActResume,
        (Resolved, InProgress, true) => Msg::ActReopen,
        (Resolved, InProgress, false) => Msg::ActNotFixed,
        (Resolved, Closed, false) => Msg::ActConfirm,
        (_, Closed, _) => Msg::ActClose,
        (_, OnHold, _) => Msg::ActHold,
        (_, Resolved, _) => Msg::ActResolve,
        (_, Cancelled, true) => Msg::ActCancel,
        (_, Cancelled, false) => Msg::ActCancelMine,
        (_, New | InProgress, _) => Msg::ActStart,
    }
}

/// The moves this viewer may make now, in the order the state machine lists them.
fn moves(ctx: &Ctx, d: &Data) -> Vec<(IncidentState, IncidentState)> {
    let Some(from) = d.state() else { return Vec::new() };
    let v = d.viewer(ctx);
    from.allowed_targets()
        .iter()
        .copied()
        .filter(|to| access::can_transition(v, from, *to).is_ok())
        .map(|to| (from, to))
        .collect()
}

fn hidden(ctx: &Ctx, d: &Data, to: IncidentState) -> Markup {
    html! {
        (super::widgets::csrf(&ctx.csrf))
        input type="hidden" name="version" value=(d.inc.version);
        input type="hidden" name="state" value=(to.as_str());
    }
}

/// A move that needs nothing but a click.
fn simple(ctx: &Ctx, d: &Data, from: IncidentState, to: IncidentState, class: &str) -> Markup {
    let confirm = (to == IncidentState::Cancelled).then(|| ctx.t(Msg::ConfirmCancel));
    html! {
        form.state-form method="post" action={ "/incidents/" (d.number) "/state" } data-confirm=[confirm] {
            (hidden(ctx, d, to))
            button class={ "btn " (class) } type="submit" #{ "to-" (to.as_str()) } { (ctx.t(verb(from, to, ctx.actor.is_staff()))) }
        }
    }
}

fn select_options<T: Copy>(
    ctx: &Ctx,
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(crate::i18n::Lang, T) -> &'static str,
) -> Vec<(String, String)> {
    let mut out = vec![(String::new(), ctx.t(Msg::ChooseOne).to_owned())];
    out.extend(all.iter().map(|v| (code(*v).to_owned(), label(ctx.lang, *v).to_owned())));
    out
}

/// A move that needs fields (on hold: a reason; resolved: code and notes),
/// folded into a disclosure so the page works without JavaScript.
fn with_fields(ctx: &Ctx, d: &Data, v: &View, from: IncidentState, to: IncidentState) -> Markup {
    let (draft, errors) = match &v.transition {
        Some((t, e)) if t.state == to.as_str() => (t.clone(), e.clone()),
        _ => Default::default(),
    };
    let open = !draft.state.is_empty();
    let id = |f: &str| format!("{}-{f}", to.as_str());
    let (hold_id, code_id, notes_id, comment_id) = (id("hold"), id("code"), id("notes"), id("comment"));
    let field =
        |id, name, label| widgets::Field { required: true, ..widgets::Field::new(ctx.lang, id, name, label, &errors) };
    html! {
        details.state-panel open[open] #{ "panel-" (to.as_str()) } {
            summary.btn { (ctx.t(verb(from, to, true))) }
            form.state-form method="post" action={ "/incidents/" (d.number) "/state" } {
                (hidden(ctx, d, to))
                @if to == IncidentState::OnHold {
                    (field(&hold_id, "hold_reason", ctx.t(Msg::HoldReason))
                        .select(&select_options(ctx, HoldReason::ALL, HoldReason::as_str, i18n::hold_reason), &draft.hold_reason))
                }
                @if to == IncidentState::Resolved {
                    (field(&code_id, "resolution_code", ctx.t(Msg::ResolutionCode))
                        .select(&select_options(ctx, ResolutionCode::ALL, ResolutionCode::as_str, i18n::resolution_code), &draft.resolution_code))
                    (field(&notes_id, "resolution_notes", ctx.t(Msg::ResolutionNotes)).textarea(&draft.resolution_notes, 4))
                }
                (widgets::Field::new(ctx.lang, &comment_id, "comment", ctx.t(Msg::CommentOptional), &errors).textarea(&draft.comment, 2))
                button.btn.btn-primary type="submit" #{ "submit-" (to.as_str()) } { (ctx.t(verb(from, to, true))) }
            }
        }
    }
}

pub fn staff_actions(ctx: &Ctx, d: &Data, v: &View) -> Markup {
    let moves = moves(ctx, d);
    html! {
        section.panel.actions aria-labelledby="actions-title" {
            h2 #actions-title { (ctx.t(Msg::ChangeState)) }
            @if moves.is_empty() { p.muted { (ctx.t(Msg::FinalState)) } }
            div.action-list {
                @for (from, to) in &moves {
                    @match to {
                        IncidentState::OnHold | IncidentState::Resolved => (with_fields(ctx, d, v, *from, *to)),
                        IncidentState::Cancelled => (simple(ctx, d, *from, *to, "btn-danger-quiet")),
                        _ => (simple(ctx, d, *from, *to, "")),
                    }
                }
            }
        }
    }
}

/// The requester's choices, in the main column where they cannot be missed.
pub fn requester_actions(ctx: &Ctx, d: &Data, _v: &View) -> Markup {
    let moves = moves(ctx, d);
    html! {
        @if !moves.is_empty() {
            section.panel.confirm-card {
                @if d.state() == Some(IncidentState::Resolved) { p.lead { (ctx.t(Msg::AskConfirm)) } }
                div.action-row {
                    @for (from, to) in &moves {
                        (simple(ctx, d, *from, *to, if *to == IncidentState::Closed { "btn-primary" } else { "" }))
                    }
                }
            }
        }
    }
}

pub fn details(ctx: &Ctx, d: &Data) -> Markup {
    let lang = ctx.lang;
    let i = &d.inc;
    let now = fmt::now_micros();
    let empty = ctx.t(Msg::Empty);
    let level = |n: i64| super::activity::value(lang, "impact", Some(&n.to_string()));
    html! {
        section.panel aria-labelledby="details-title" {
            h2 #details-title { (ctx.t(Msg::Details)) }
            dl.details {
                dt { (ctx.t(Msg::Priority)) }
                dd { (widgets::priority_badge(lang, i.priority)) " " (i18n::priority_name(lang, i.priority)) }
                dt { (ctx.t(Msg::Impact)) " / " (ctx.t(Msg::Urgency)) }
                dd { (level(i.impact)) " / " (level(i.urgency)) }
                dt { (ctx.t(Msg::Requester)) }
                dd { (i.requester_name.as_deref().unwrap_or(empty)) }
                @if let Some(o) = &i.organisation_name { dt { (ctx.t(Msg::Organisation)) } dd { (o) } }
                dt { (ctx.t(Msg::Group)) }
                dd { (i.group_name.as_deref().unwrap_or(empty)) }
                dt { (ctx.t(Msg::Assignee)) }
                dd #incident-assignee { (i.assignee_name.as_deref().unwrap_or(ctx.t(Msg::Unassigned))) }
                @if let Some(c) = &i.category { dt { (ctx.t(Msg::Category)) } dd { (c) } }
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
                dt { (ctx.t(Msg::Opened)) } dd { (widgets::time(lang, i.opened_at, now)) }
                @if ctx.actor.is_staff() { dt { (ctx.t(Msg::FirstResponse)) } dd { (widgets::opt_time(lang, i.first_response_at, now)) } }
                @if i.resolved_at.is_some() { dt { (ctx.t(Msg::ResolvedAt)) } dd { (widgets::opt_time(lang, i.resolved_at, now)) } }
                @if i.closed_at.is_some() { dt { (ctx.t(Msg::ClosedAt)) } dd { (widgets::opt_time(lang, i.closed_at, now)) } }
                dt { (ctx.t(Msg::Updated)) } dd { (widgets::time(lang, i.updated_at, now)) }
                @if i.reopen_count > 0 {
                    dt { (ctx.t(Msg::Reopened)) }
                    dd { (i18n::tn(lang, i18n::Plural::Times, u64::try_from(i.reopen_count).unwrap_or(0))) }
                }
            }
        }
    }
}

pub fn related(ctx: &Ctx, d: &Data) -> Markup {
    let parent_number = d.inc.parent_number.map(number);
    html! {
        @if parent_number.is_some() || !d.children.is_empty() {
            section.panel aria-labelledby="related-title" {
                h2 #related-title { (ctx.t(Msg::Related)) }
                @if let Some(p) = &parent_number {
                    h3 { (ctx.t(Msg::ParentIncident)) }
                    p { a href={ "/incidents/" (p) } { (p) } @if let Some(pi) = &d.parent { " " (pi.title) } }
                }
                @if !d.children.is_empty() {
                    h3 { (ctx.t(Msg::ChildIncidents)) }
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
    use IncidentState::*;

    #[test]
    fn moves_have_the_right_verbs() {
        let cases = [
            (New, InProgress, true, Msg::ActStart),
            (OnHold, InProgress, true, Msg::ActResume),
            (Resolved, InProgress, true, Msg::ActReopen),
            (Resolved, InProgress, false, Msg::ActNotFixed),
            (Resolved, Closed, false, Msg::ActConfirm),
            (Resolved, Closed, true, Msg::ActClose),
            (InProgress, OnHold, true, Msg::ActHold),
            (New, Resolved, true, Msg::ActResolve),
            (New, Cancelled, false, Msg::ActCancelMine),
            (OnHold, Cancelled, true, Msg::ActCancel),
        ];
        for (from, to, staff, want) in cases {
            assert!(from.allowed_targets().contains(&to));
            assert_eq!(verb(from, to, staff), want, "{from} → {to}");
        }
    }
}
