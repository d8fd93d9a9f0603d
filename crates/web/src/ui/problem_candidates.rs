//! The problem queue's "Problem candidates": incidents that repeat with
//! the same service, CI or category in a period and no open problem for
//! them (`App::problem_candidates`). Each offers "Create problem", which
//! opens the new-problem form filled from the group, linking its incidents.

use super::problem_texts::PrbMsg;
use super::{Ctx, problem_list::ProblemQuery, widgets};
use crate::{
    AppState,
    i18n::{self, Msg, Plural},
};
use maud::{Markup, html};
use steward_app::Code;
use steward_app::{
    AppError, FieldError,
    problems::candidates::{Candidates, group_param},
};
use steward_domain::problem::GroupKey;

/// The candidates for the period the address asks for; a bad period is
/// a message beside its field and the defaults' candidates.
pub struct Shown {
    pub found: Candidates,
    pub errors: widgets::Errors,
}

pub async fn load(s: &AppState, ctx: &Ctx, days: &str, min: &str) -> Result<Shown, AppError> {
    let mut errors = Vec::new();
    let mut read = |field: &str, v: &str| match v.trim() {
        "" => None,
        v => v
            .parse::<i64>()
            .map_err(|_| errors.push(FieldError::new(field, Code::NotWhole.msg("must be a whole number"))))
            .ok(),
    };
    let (days, min) = (read("days", days), read("min", min));
    match s.app.problem_candidates(&ctx.actor, days, min).await {
        Ok(found) => Ok(Shown { found, errors: widgets::Errors(errors) }),
        Err(AppError::Invalid(mut bad)) => {
            bad.extend(errors);
            let found = s.app.problem_candidates(&ctx.actor, None, None).await?;
            Ok(Shown { found, errors: widgets::Errors(bad) })
        }
        Err(e) => Err(e),
    }
}

fn what(lang: i18n::Lang, g: &GroupKey) -> &'static str {
    i18n::t(
        lang,
        match g {
            GroupKey::Service(_) => Msg::Service,
            GroupKey::Ci(_) => Msg::ConfigurationItem,
            GroupKey::Category(_) => Msg::Category,
        },
    )
}

/// Where a group's incidents are listed (the incident list filters by
/// service and category; a CI's page lists the incidents on it).
fn incidents_link(g: &GroupKey, name: &str) -> String {
    match g {
        GroupKey::Service(_) => format!("/incidents{}", super::fmt::query(&[("service", name)])),
        GroupKey::Ci(id) => format!("/cmdb/{id}"),
        GroupKey::Category(c) => format!("/search{}", super::fmt::query(&[("q", c)])),
    }
}

pub fn section(ctx: &Ctx, q: &ProblemQuery, shown: &Shown) -> Markup {
    let lang = ctx.lang;
    let c = &shown.found;
    let (days, min) = (c.days.to_string(), c.min.to_string());
    let f = |id, name, label| widgets::Field {
        kind: Some("number"),
        ..widgets::Field::new(lang, id, name, label, &shown.errors)
    };
    html! {
        section.panel.candidates #candidates aria-labelledby="candidates-title" {
            h2 #candidates-title { (ctx.t(PrbMsg::CandidatesTitle)) }
            p.muted { (i18n::tf(lang, PrbMsg::CandidatesIntro, &[("min", &min), ("days", &days)])) }
            form.filters.candidate-period method="get" action="/problems#candidates" {
                // The list's own filters stay as they are.
                @for (k, v) in q.filters_and_sort() {
                    @if !v.is_empty() { input type="hidden" name=(k) value=(v); }
                }
                (f("c-days", "days", ctx.t(PrbMsg::CandidateDays)).input(if q.days.is_empty() { &days } else { &q.days }))
                (f("c-min", "min", ctx.t(PrbMsg::CandidateMin)).input(if q.min.is_empty() { &min } else { &q.min }))
                div.filter-actions { button.btn type="submit" { (ctx.t(Msg::Apply)) } }
            }
            @if c.items.is_empty() {
                p.empty #no-candidates { (ctx.t(PrbMsg::NoCandidates)) }
            } @else {
                div.table-wrap {
                    table.incidents.candidate-table {
                        thead { tr {
                            th scope="col" { (ctx.t(PrbMsg::CandidateBy)) }
                            th scope="col" { (ctx.t(Msg::Name)) }
                            th scope="col" { (ctx.t(PrbMsg::FieldIncidents)) }
                            th scope="col" { span.visually-hidden { (ctx.t(PrbMsg::CreateProblem)) } }
                        } }
                        tbody {
                            @for (i, item) in c.items.iter().enumerate() {
                                @let g = &item.candidate.what;
                                tr.candidate {
                                    td { (what(lang, g)) }
                                    td.title-cell { (item.name) }
                                    td { a href=(incidents_link(g, &item.name)) { (i18n::tn(lang, Plural::Incidents, u64::from(item.candidate.incidents))) } }
                                    td {
                                        a.btn.btn-small #{ "candidate-" (i) }
                                            href={ "/problems/new" (super::fmt::query(&[("from", &group_param(g)), ("days", &days)])) }
                                            aria-label={ (ctx.t(PrbMsg::CreateProblem)) ": " (item.name) } { (ctx.t(PrbMsg::CreateProblem)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
