//! The probable-cause panel of an incident that correlation opened (staff
//! only, and only when the incident has an alert group): the probable
//! cause, each affected CI with the chain of relations from its cause (as
//! `alert::correlate` gives it over today's CMDB), and the alerts of each
//! CI, firing or resolved, linked to their pages.

use super::alert_console::{moment, name_of};
use super::check_texts::CheckMsg;
use super::service_map::relation_text;
use super::{Ctx, fmt};
use crate::i18n;
use maud::{Markup, html};
use steward_app::alerts::{GroupMember, GroupView};
use steward_domain::alert::fingerprint_text;

fn name(g: &GroupView, ci: i64) -> String {
    g.names.get(&ci).filter(|n| !n.is_empty()).cloned().unwrap_or_else(|| format!("#{ci}"))
}

/// The relations from the cause up to the CI, each as a sentence.
fn path(ctx: &Ctx, g: &GroupView, m: &GroupMember) -> Markup {
    html! {
        ol.cause-path {
            @for s in &m.path {
                li { (relation_text(ctx.lang, s.relation.kind, &name(g, s.relation.from), &name(g, s.relation.to))) }
            }
        }
    }
}

fn alerts(ctx: &Ctx, m: &GroupMember, now: i64) -> Markup {
    html! {
        @if m.alerts.is_empty() {
            p.muted { (ctx.t(CheckMsg::NoAlertsKept)) }
        } @else {
            ul.cause-alerts {
                @for a in &m.alerts {
                    @let firing = !a.resolved(now);
                    li data-state=(if firing { "firing" } else { "resolved" }) {
                        a href={ "/alerts/" (fingerprint_text(a.fingerprint)) } { (name_of(ctx, &a.labels)) }
                        " "
                        span class={ "badge alert-state " (if firing { "alert-active" } else { "alert-resolved" }) } {
                            (ctx.t(if firing { CheckMsg::Firing } else { CheckMsg::Resolved }))
                        }
                        " · " (moment(ctx, a.starts_at, now))
                    }
                }
            }
        }
    }
}

pub fn panel(ctx: &Ctx, g: &GroupView) -> Markup {
    let now = fmt::now_micros();
    html! {
        section.panel.cause-panel #probable-cause aria-labelledby="probable-cause-title" {
            h2 #probable-cause-title { (ctx.t(CheckMsg::CauseTitle)) }
            p.hint { (ctx.t(CheckMsg::CauseIntro)) }
            @if g.group.resolved_at.is_some() { p.muted #group-resolved { (ctx.t(CheckMsg::GroupResolved)) } }
            @for m in g.causes() {
                div.cause-ci data-ci=(m.ci) data-role="cause" {
                    h3 { a href={ "/cmdb/" (m.ci) } { (name(g, m.ci)) } }
                    (alerts(ctx, m, now))
                }
            }
            h3 { (ctx.t(CheckMsg::Symptoms)) }
            @if g.symptoms().next().is_none() {
                p.muted { (ctx.t(CheckMsg::NoSymptoms)) }
            } @else {
                ul.cause-symptoms {
                    @for m in g.symptoms() {
                        li.cause-ci data-ci=(m.ci) data-role="symptom" {
                            strong { a href={ "/cmdb/" (m.ci) } { (name(g, m.ci)) } }
                            @if let Some(c) = m.cause {
                                div.cause-via {
                                    span.muted { (i18n::tf(ctx.lang, CheckMsg::PathTo, &[("cause", &name(g, c))])) ": " }
                                    (path(ctx, g, m))
                                }
                            }
                            (alerts(ctx, m, now))
                        }
                    }
                }
            }
        }
    }
}
