//! The problem page's panels: the state changes the viewer may make (with
//! the fields each needs), the fields, the affected services and CIs, the
//! workaround with its known-error switch, and the linked incidents.

use super::problem_texts::{self, PrbMsg};
use super::{
    Ctx, cmdb_impact, cmdb_widgets, fmt,
    problem::{Data, View, incident_href},
    record_page,
    state_moves::{self, Mover},
    widgets,
};
use crate::i18n::{self, Label, Msg};
use maud::{Markup, html};
use steward_app::incidents;
use steward_domain::problem::{ProblemResolution, ProblemState, can_transition_problem};

/// The button text for a move.
fn verb(ctx: &Ctx, from: ProblemState, to: ProblemState) -> String {
    use ProblemState::*;
    let m: Label = match (from, to) {
        (New, Assessment) => &PrbMsg::PrbActAssess,
        (Assessment, RootCauseAnalysis) => &PrbMsg::PrbActAnalyse,
        (RootCauseAnalysis, FixInProgress) => &PrbMsg::PrbActFix,
        (Resolved, FixInProgress) => &PrbMsg::PrbActReopen,
        (_, Resolved) => &Msg::ActResolve,
        (_, Closed) => &Msg::ActClose,
        (_, Cancelled) => &PrbMsg::PrbActCancel,
        (_, back) => return i18n::tf(ctx.lang, PrbMsg::PrbActBack, &[("state", problem_texts::state(ctx.lang, back))]),
    };
    ctx.t(m).to_owned()
}

/// The moves this viewer may make now, in the order the state machine lists them.
fn moves(ctx: &Ctx, d: &Data) -> Vec<(ProblemState, ProblemState)> {
    state_moves::moves(d.state(), |_, to| can_transition_problem(ctx.actor.role, to, None).is_ok())
}

/// Resolving (code, notes, and the linked incidents) or cancelling (a
/// reason).
fn with_fields(ctx: &Ctx, d: &Data, m: &Mover, v: &View, from: ProblemState, to: ProblemState) -> Markup {
    let lang = ctx.lang;
    let t = state_moves::tried(&v.transition, to.as_str(), |t| t.state.as_str());
    let (draft, errors) = (&t.draft, &t.errors);
    let [code_id, notes_id, reason_id, inc_notes_id] =
        state_moves::field_ids(to.as_str(), ["code", "notes", "reason", "incident-notes"]);
    let codes = state_moves::choose_one(
        ctx,
        ProblemResolution::ALL
            .iter()
            .filter(|c| c.allowed_from().contains(&from))
            .filter(|c| can_transition_problem(ctx.actor.role, to, Some(**c)).is_ok())
            .map(|c| (c.as_str().to_owned(), problem_texts::resolution(lang, *c).to_owned())),
    );
    let open_incidents = d.open_incidents();
    let fields = html! {
        @if to == ProblemState::Resolved {
            (t.required(lang, &code_id, "resolution_code", ctx.t(Msg::ResolutionCode)).select(&codes, &draft.resolution_code))
            (t.required(lang, &notes_id, "resolution_notes", ctx.t(Msg::ResolutionNotes)).textarea(&draft.resolution_notes, 4))
            @if open_incidents > 0 {
                div class={ "field checkbox" @if errors.get("resolve_incidents").is_some() { " has-error" } } {
                    label {
                        input #resolve-incidents type="checkbox" name="resolve_incidents" value="on" checked[draft.resolve_incidents.is_some()];
                        " " (i18n::tf(lang, PrbMsg::ResolveIncidentsToo, &[("n", &open_incidents.to_string())]))
                    }
                    @if let Some(e) = errors.get("resolve_incidents") { p.field-error { (widgets::sentence(&i18n::app_message(lang, e))) } }
                }
                (widgets::Field::new(lang, &inc_notes_id, "incident_notes", ctx.t(PrbMsg::IncidentNotes), errors).textarea(&draft.incident_notes, 2))
            }
        }
        @if to == ProblemState::Cancelled {
            (t.required(lang, &reason_id, "cancel_reason", ctx.t(PrbMsg::CancelReason)).textarea(&draft.cancel_reason, 3))
        }
        @for e in errors.others(&["resolution_code", "resolution_notes", "resolve_incidents", "incident_notes", "cancel_reason"]) {
            p.field-error { (i18n::field(lang, &e.field)) ": " (i18n::app_message(lang, e)) }
        }
    };
    let class = if to == ProblemState::Cancelled { "btn-danger-quiet" } else { "" };
    m.with_fields(to.as_str(), &verb(ctx, from, to), class, t.open, fields)
}

pub fn actions(ctx: &Ctx, d: &Data, v: &View) -> Markup {
    let page = d.page();
    let m = Mover { ctx, page: &page, version: d.p.record.version };
    let moves = moves(ctx, d);
    // A refused simple move (e.g. the fix without a cause) says why here.
    let simple_errors = match &v.transition {
        Some((t, e)) if !matches!(t.state.as_str(), "resolved" | "cancelled") => Some(e),
        _ => None,
    };
    let needs_cause = moves.iter().any(|(_, to)| *to == ProblemState::FixInProgress)
        && !(d.p.details.cause_category.is_some()
            && d.p.details.root_cause.as_deref().is_some_and(|c| !c.trim().is_empty()));
    let buttons: Vec<Markup> = moves
        .iter()
        .map(|(from, to)| match to {
            ProblemState::Resolved | ProblemState::Cancelled => with_fields(ctx, d, &m, v, *from, *to),
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
    let hint = html! { @if needs_cause { p.hint { (ctx.t(PrbMsg::PrbFixNeedsCause)) } } };
    state_moves::panel(ctx, PrbMsg::PrbFinalState, &buttons, refusal, hint)
}

/// The details box, with the owner.
pub fn details(ctx: &Ctx, d: &Data) -> Markup {
    let facts = record_page::Facts {
        record: &d.p.record,
        owner: (&PrbMsg::ProblemOwner, "problem-owner"),
        who: html! {},
        what: html! {},
        when: html! {},
    };
    record_page::details(ctx, facts)
}

/// The service and CIs the problem names, and the services a failure of
/// them affects, each with the chain of relations that explains it.
pub fn affected(ctx: &Ctx, d: &Data) -> Markup {
    let lang = ctx.lang;
    let r = &d.p.record;
    let name = |id: i64| {
        d.impact
            .as_ref()
            .and_then(|i| i.starts.iter().chain(i.cis.iter().map(|c| &c.ci)).find(|c| c.id == id))
            .map_or_else(|| format!("#{id}"), |c| c.name.clone())
    };
    html! {
        section.panel #affected aria-labelledby="affected-title" {
            h2 #affected-title { (ctx.t(PrbMsg::AffectedTitle)) }
            @if r.service_id.is_none() && d.cis.is_empty() { p.muted { (ctx.t(PrbMsg::NoAffected)) } }
            dl.details {
                @if let (Some(id), Some(sv)) = (r.service_id, &r.service) {
                    dt { (ctx.t(Msg::Service)) }
                    dd #problem-service { (cmdb_widgets::ci_link(id, sv, None)) }
                }
                @if !d.cis.is_empty() {
                    dt { (ctx.t(Msg::ConfigurationItems)) }
                    dd #problem-cis {
                        @for (n, c) in d.cis.iter().enumerate() {
                            @if n > 0 { ", " }
                            (cmdb_widgets::ci_link(c.id, &c.name, None)) " " (cmdb_widgets::status_badge(lang, &c.status))
                        }
                    }
                }
            }
            @if let Some(i) = &d.impact {
                // The problem's own service is named above: the others here.
                @let services: Vec<_> = i.services.iter().filter(|s| Some(s.ci.id) != r.service_id).collect();
                h3 { (ctx.t(Msg::ServicesAffected)) }
                @if services.is_empty() {
                    p.muted { (ctx.t(Msg::NoServicesAffected)) }
                } @else {
                    ul.impact-list #services-affected {
                        @for s in &services {
                            li {
                                (cmdb_widgets::ci_link(s.ci.id, &s.ci.name, None))
                                @if let Some(start) = s.path.first().map(|p| p.from) {
                                    br;
                                    span.path title=(ctx.t(Msg::ImpactPath)) { (cmdb_impact::path_words(lang, start, &s.path, name)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The workaround, and publishing it as a known error (or withdrawing it).
pub fn workaround(ctx: &Ctx, d: &Data, v: &View) -> Markup {
    let lang = ctx.lang;
    let det = &d.p.details;
    let published = d.p.is_known_error();
    let can_publish = !matches!(d.state(), Some(ProblemState::New | ProblemState::Cancelled));
    html! {
        section class={ "panel" @if published { " known-error-panel" } } #workaround aria-labelledby="workaround-title" {
            h2 #workaround-title { (ctx.t(PrbMsg::Workaround)) }
            @match det.workaround.as_deref().filter(|w| !w.trim().is_empty()) {
                Some(w) => div.prose #workaround-text { (w) },
                None => p.muted { (ctx.t(Msg::NoWorkaround)) },
            }
            @if published {
                p #known-error-status {
                    (super::problem_list::known_error_flag(lang)) " " (ctx.t(PrbMsg::KnownErrorPublished)) " "
                    (widgets::opt_time(lang, det.known_error_at, fmt::now_micros()))
                }
            } @else {
                p.hint { (ctx.t(PrbMsg::KnownErrorHint)) }
            }
            @for e in &v.own.known_error.0 {
                p.field-error role="alert" { (i18n::field(lang, &e.field)) ": " (widgets::sentence(&i18n::app_message(lang, e))) }
            }
            @if published || can_publish {
                form.inline method="post" action={ "/problems/" (d.number) "/known-error" } {
                    (widgets::csrf(&ctx.csrf))
                    input type="hidden" name="version" value=(d.p.record.version);
                    input type="hidden" name="publish" value=(if published { "0" } else { "1" });
                    @if published {
                        button.btn.btn-quiet #withdraw-known-error type="submit" { (ctx.t(PrbMsg::WithdrawKnownError)) }
                    } @else {
                        button.btn #publish-known-error type="submit" { (ctx.t(PrbMsg::PublishKnownError)) }
                    }
                }
            }
        }
    }
}

/// The linked incidents, each with "Unlink", and the form that links more.
pub fn incidents(ctx: &Ctx, d: &Data, v: &View) -> Markup {
    let lang = ctx.lang;
    let now = fmt::now_micros();
    let (typed, errors) = v.own.link.clone().unwrap_or_default();
    let field = widgets::Field {
        required: true,
        hint: Some(ctx.t(PrbMsg::LinkIncidentsHint)),
        ..widgets::Field::new(lang, "link-incidents", "incidents", ctx.t(PrbMsg::LinkIncidents), &errors)
    };
    let closed = matches!(d.state(), Some(ProblemState::Closed | ProblemState::Cancelled));
    html! {
        section.panel #linked-incidents aria-labelledby="linked-title" {
            h2 #linked-title { (ctx.t(PrbMsg::LinkedIncidents)) " " span.count { (d.incidents.len()) } }
            @if d.incidents.is_empty() {
                p.muted { (ctx.t(PrbMsg::NoLinkedIncidents)) }
            } @else {
                div.table-wrap {
                    table.incidents {
                        thead { tr {
                            th scope="col" { (ctx.t(Msg::Number)) }
                            th scope="col" { (ctx.t(Msg::Title)) }
                            th scope="col" { (ctx.t(Msg::State)) }
                            th scope="col" { (ctx.t(Msg::Priority)) }
                            th scope="col" { (ctx.t(PrbMsg::LinkedAt)) }
                            th scope="col" { span.visually-hidden { (ctx.t(PrbMsg::Unlink)) } }
                        } }
                        tbody {
                            @for i in &d.incidents {
                                @let n = incidents::number(i.number);
                                tr {
                                    td.num { a href=(incident_href(i.number)) { (n) } }
                                    td.title-cell { (i.title) }
                                    td { (widgets::state_badge(lang, &i.state)) }
                                    td { (widgets::priority_badge(lang, i.priority)) }
                                    td.time { (widgets::time(lang, i.linked_at, now)) }
                                    td {
                                        form.inline method="post" action={ "/problems/" (d.number) "/incidents/" (n) "/unlink" } {
                                            (widgets::csrf(&ctx.csrf))
                                            button.btn.btn-quiet.btn-small type="submit" aria-label=(i18n::tf(lang, PrbMsg::UnlinkNamed, &[("number", &n)])) { (ctx.t(PrbMsg::Unlink)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if !closed {
                form.link-form method="post" action={ "/problems/" (d.number) "/incidents" } {
                    (widgets::csrf(&ctx.csrf))
                    (field.input(&typed))
                    @for e in errors.others(&["incidents"]) {
                        p.field-error { (i18n::field(lang, &e.field)) ": " (i18n::app_message(lang, e)) }
                    }
                    button.btn #link-incidents-submit type="submit" { (ctx.t(PrbMsg::LinkIncidents)) }
                }
            }
        }
    }
}
