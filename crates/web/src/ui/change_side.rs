//! The change page's side panels: the state moves its type's path allows
//! the viewer (closing asks for the close code and the review notes,
//! cancelling for a reason), the approval, and the fields with the CIs.

use super::change_texts::{self, ChgMsg};
use super::{
    Ctx,
    change::{Data, View},
    cmdb_widgets, fmt, record_page,
    state_moves::{self, Mover},
    widgets,
};
use crate::i18n::{self, Label, Msg};
use maud::{Markup, html};
use steward_domain::{
    Role,
    change::{ChangeState, CloseCode, can_transition_change, targets},
};

/// The button text for a move.
fn verb(ctx: &Ctx, from: ChangeState, to: ChangeState) -> String {
    use ChangeState::*;
    let m: Label = match (from, to) {
        (Draft, Assessment) => &ChgMsg::ActAssess,
        (Draft | Assessment, Authorization) => &ChgMsg::ActAuthorize,
        (Draft | Authorization, Scheduled) => &ChgMsg::ActSchedule,
        (_, Implementing) => &ChgMsg::ActImplement,
        (_, Review) => &ChgMsg::ActReview,
        (_, Closed) => &ChgMsg::ActClose,
        (_, Cancelled) => &ChgMsg::ActCancel,
        (_, back) => return i18n::tf(ctx.lang, ChgMsg::ActBack, &[("state", change_texts::state(ctx.lang, back))]),
    };
    ctx.t(m).to_owned()
}

/// The moves its type's path allows from here that this viewer may make.
fn moves(ctx: &Ctx, d: &Data) -> Vec<(ChangeState, ChangeState)> {
    let ty = d.c.change_type();
    state_moves::moves(d.state(), |from, to| {
        targets(ty, from).contains(&to) && can_transition_change(ctx.actor.role, from, to).is_ok()
    })
}

/// Closing (code and review notes) or cancelling (a reason).
fn with_fields(ctx: &Ctx, m: &Mover, v: &View, from: ChangeState, to: ChangeState) -> Markup {
    let lang = ctx.lang;
    let t = state_moves::tried(&v.transition, to.as_str(), |t| t.state.as_str());
    let (draft, errors) = (&t.draft, &t.errors);
    let [code_id, notes_id, reason_id] = state_moves::field_ids(to.as_str(), ["code", "notes", "reason"]);
    let codes = state_moves::choose_one(
        ctx,
        CloseCode::ALL.iter().map(|c| (c.as_str().to_owned(), change_texts::close_code(lang, *c).to_owned())),
    );
    let notes = widgets::Field {
        hint: Some(ctx.t(ChgMsg::ReviewNotesHint)),
        ..widgets::Field::new(lang, &notes_id, "review_notes", ctx.t(ChgMsg::ReviewNotes), errors)
    };
    let fields = html! {
        @if to == ChangeState::Closed {
            (t.required(lang, &code_id, "close_code", ctx.t(ChgMsg::CloseCode)).select(&codes, &draft.close_code))
            (notes.textarea(&draft.review_notes, 4))
        }
        @if to == ChangeState::Cancelled {
            (t.required(lang, &reason_id, "cancel_reason", ctx.t(ChgMsg::CancelReason)).textarea(&draft.cancel_reason, 3))
        }
        @for e in errors.others(&["close_code", "review_notes", "cancel_reason"]) {
            p.field-error { (i18n::field(lang, &e.field)) ": " (i18n::app_message(lang, e)) }
        }
    };
    let class = if to == ChangeState::Cancelled { "btn-danger-quiet" } else { "" };
    m.with_fields(to.as_str(), &verb(ctx, from, to), class, t.open, fields)
}

pub fn actions(ctx: &Ctx, d: &Data, v: &View) -> Markup {
    let page = d.page();
    let m = Mover { ctx, page: &page, version: d.c.record.version };
    let moves = moves(ctx, d);
    // A refused simple move (scheduling before the approval) says why here.
    let simple_errors = match &v.transition {
        Some((t, e)) if !matches!(t.state.as_str(), "closed" | "cancelled") => Some(e),
        _ => None,
    };
    let buttons: Vec<Markup> = moves
        .iter()
        .map(|(from, to)| match to {
            ChangeState::Closed | ChangeState::Cancelled => with_fields(ctx, &m, v, *from, *to),
            _ => m.button(to.as_str(), &verb(ctx, *from, *to), "", None),
        })
        .collect();
    let refusal = html! {
        @if let Some(errors) = simple_errors {
            div.notice.error role="alert" #state-error {
                @for e in &errors.0 { p { (i18n::field(ctx.lang, &e.field)) ": " (i18n::app_message(ctx.lang, e)) } }
            }
        }
    };
    let waits = moves.iter().any(|(from, to)| *from == ChangeState::Authorization && *to == ChangeState::Scheduled)
        && !d.c.is_approved();
    let hint = html! { @if waits { p.hint { (ctx.t(ChgMsg::ApproveFirst)) } } };
    state_moves::panel(ctx, ChgMsg::FinalState, &buttons, refusal, hint)
}

/// The approval: when it was given; the round its policy planned (each
/// stage, who was asked and what they decided); and, in authorization, the
/// form for those who may decide now (without a policy: a manager or an
/// admin, never on their own change), and why a decision was refused.
pub fn approval(ctx: &Ctx, d: &Data, v: &View) -> Markup {
    let lang = ctx.lang;
    let det = &d.c.details;
    let round = &d.approval;
    let waiting = d.state() == Some(ChangeState::Authorization);
    // Outside authorization the panel shows an approval given, the last
    // round, or why a decision was refused (the page was older than the change).
    if !waiting && !d.c.is_approved() && v.own.approve.is_none() && round.plan.is_none() {
        return html! {};
    }
    let may_decide = match &round.plan {
        Some(_) => round.awaiting.iter().any(|(_, u)| *u == ctx.actor.id),
        None => matches!(ctx.actor.role, Role::Manager | Role::Admin) && !d.is_own(ctx),
    };
    let (typed, errors) = v.own.approve.clone().unwrap_or_default();
    html! {
        section.panel #approval aria-labelledby="approval-title" {
            h2 #approval-title { (ctx.t(ChgMsg::ApprovalTitle)) }
            @if d.c.is_approved() {
                p #approval-status {
                    span.badge.approved { "✓ " (ctx.t(ChgMsg::Approved)) } " "
                    (widgets::opt_time(lang, det.approved_at, fmt::now_micros()))
                }
            } @else {
                p.muted #approval-status { (ctx.t(ChgMsg::NotApproved)) }
            }
            @if let Some(plan) = &round.plan { (stages(ctx, round, plan)) }
            @for e in errors.others(&["comment"]) {
                p.field-error role="alert" #approval-error { (widgets::sentence(&i18n::app_message(lang, e))) }
            }
            @if waiting && !d.c.is_approved() {
                @if may_decide {
                    form.approve-form method="post" action={ (d.page()) "/approve" } {
                        (widgets::csrf(&ctx.csrf))
                        input type="hidden" name="version" value=(d.c.record.version);
                        (widgets::Field::new(lang, "approval-comment", "comment", ctx.t(ChgMsg::ApprovalComment), &errors).textarea(&typed, 2))
                        p.hint { (ctx.t(ChgMsg::RejectNeedsComment)) }
                        div.actions {
                            button.btn.btn-primary #approve type="submit" name="decision" value="approve" { (ctx.t(ChgMsg::ApproveButton)) }
                            " "
                            button.btn #reject type="submit" name="decision" value="reject" { (ctx.t(ChgMsg::RejectButton)) }
                        }
                    }
                } @else if round.plan.is_some() {
                    p.hint { (ctx.t(ChgMsg::ApprovalNotAsked)) }
                } @else if d.is_own(ctx) && matches!(ctx.actor.role, Role::Manager | Role::Admin) {
                    p.hint #approval-own { (ctx.t(ChgMsg::ApproveOwn)) }
                } @else {
                    p.hint { (ctx.t(ChgMsg::ApproveWaits)) }
                }
            }
        }
    }
}

/// The round's stages: each one's state and quorum, its approvers and
/// their decisions with comments.
fn stages(ctx: &Ctx, round: &steward_app::changes::Round, plan: &steward_domain::change::approval::Plan) -> Markup {
    use steward_domain::change::approval::StageState;
    let lang = ctx.lang;
    let name = |u: &i64| round.names.get(u).cloned().unwrap_or_default();
    html! {
        p #approval-policy {
            (ctx.t(ChgMsg::ApprovalPolicy)) ": " strong { (plan.policy_name) } " · "
            (i18n::fill(ctx.t(ChgMsg::ApprovalRound), &[("n", &round.round.to_string())]))
        }
        ol.approval-stages {
            @for (i, s) in plan.stages.iter().enumerate() {
                @let state = round.progress.as_ref().and_then(|p| p.stages.get(i).copied());
                li.approval-stage {
                    strong { (s.name) } " — "
                    span class={ "badge stage-" (match state {
                        Some(StageState::Waiting) => "waiting",
                        Some(StageState::Approved) => "approved",
                        Some(StageState::Rejected) => "rejected",
                        _ => "open",
                    }) } {
                        (ctx.t(match state {
                            Some(StageState::Waiting) => ChgMsg::StageWaiting,
                            Some(StageState::Approved) => ChgMsg::StageApproved,
                            Some(StageState::Rejected) => ChgMsg::StageRejected,
                            _ => ChgMsg::StageOpen,
                        }))
                    }
                    " "
                    span.muted {
                        (i18n::fill(ctx.t(ChgMsg::StageQuorum), &[
                            ("quorum", &s.quorum.to_string()),
                            ("count", &s.approvers.len().to_string()),
                        ]))
                    }
                    ul {
                        @for u in &s.approvers {
                            @let d = round.decisions.iter().find(|d| d.stage == i as i64 && d.user_id == *u);
                            li {
                                (name(u)) ": "
                                @match d {
                                    Some(d) if d.approved != 0 => span.badge.approved { "✓ " (ctx.t(ChgMsg::DecisionApproved)) },
                                    Some(_) => span.badge.rejected { "✗ " (ctx.t(ChgMsg::DecisionRejected)) },
                                    None => span.muted { (ctx.t(ChgMsg::DecisionWaiting)) },
                                }
                                @if let Some(d) = d {
                                    " " (widgets::opt_time(lang, Some(d.decided_at), fmt::now_micros()))
                                    @if let Some(c) = &d.comment { blockquote { (c) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The details box with the owner, the type and risk, and the CIs.
pub fn details(ctx: &Ctx, d: &Data) -> Markup {
    let lang = ctx.lang;
    let level = d.c.details.risk_level.as_deref().and_then(|l| l.parse().ok());
    let what = html! {
        dt { (ctx.t(ChgMsg::ChangeType)) } dd #change-type { (change_texts::change_type(lang, d.c.change_type())) }
        @if let Some(name) = &d.c.details.template_name {
            dt { (ctx.t(ChgMsg::Template)) }
            dd #change-template {
                (name)
                @if d.c.details.template_active == Some(0) { " " span.badge.state-closed { (ctx.t(ChgMsg::TemplateRetiredNote)) } }
            }
        }
        dt { (ctx.t(ChgMsg::Risk)) }
        dd #change-risk {
            @match level {
                Some(l) => (change_texts::risk_level(lang, l)),
                None => span.muted { (ctx.t(Msg::Empty)) },
            }
        }
        @if let (Some(id), Some(sv)) = (d.c.record.service_id, &d.c.record.service) {
            dt { (ctx.t(Msg::Service)) } dd #change-service { (cmdb_widgets::ci_link(id, sv, None)) }
        }
        dt { (ctx.t(Msg::ConfigurationItems)) }
        dd #change-cis {
            @if d.cis.is_empty() { span.muted { (ctx.t(ChgMsg::NoCis)) } }
            @for (n, c) in d.cis.iter().enumerate() {
                @if n > 0 { ", " }
                (cmdb_widgets::ci_link(c.id, &c.name, None)) " " (cmdb_widgets::status_badge(lang, &c.status))
            }
        }
    };
    let facts = record_page::Facts {
        record: &d.c.record,
        owner: (&ChgMsg::ChangeOwner, "change-owner"),
        who: html! {},
        what,
        when: html! {},
    };
    record_page::details(ctx, facts)
}
