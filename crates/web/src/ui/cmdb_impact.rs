//! The CI page's graph sections: what a failure of the CI affects (the
//! services, each with the chain of relations that explains it, and the
//! organisations that use them), what the CI depends on, and the open
//! incidents on it and on its dependencies.

use super::{
    Ctx,
    cmdb_ci::Data,
    cmdb_texts::{CmdbMsg, CmdbPlural},
    cmdb_widgets, cmdb_words, fmt, widgets,
};
use crate::i18n::{self, Lang, Msg};
use maud::{Markup, html};
use steward_app::{cmdb::impact::PathStep, incidents::number};

/// The chain from the failing CI to what it affects, in words:
/// "esx-01 → vm-12 (hosted on) → checkout (runs on) → Web Shop (uses)".
/// Each step names the CI reached and the relation that reached it.
pub fn path_words(lang: Lang, start: i64, steps: &[PathStep], name: impl Fn(i64) -> String) -> String {
    let mut out = name(start);
    let mut at = start;
    for s in steps {
        let next = if s.from == at { s.to } else { s.from };
        out.push_str(&format!(" → {} ({})", name(next), cmdb_words::relation(lang, s.kind)));
        at = next;
    }
    out
}

pub fn impact(ctx: &Ctx, d: &Data) -> Markup {
    let lang = ctx.lang;
    let up = &d.upstream;
    // The CI itself, when a service, is the first "affected": say so only
    // when something else is.
    let services: Vec<_> = up.services.iter().filter(|s| s.ci.id != d.id).collect();
    html! {
        section.panel #ci-impact aria-labelledby="impact-title" {
            h2 #impact-title { (ctx.t(CmdbMsg::ImpactTitle)) " " span.count { (i18n::tn(lang, CmdbPlural::ConfigurationItems, up.cis_total as u64)) } }
            h3 { (ctx.t(Msg::ServicesAffected)) }
            @if services.is_empty() {
                p.muted { (ctx.t(Msg::NoServicesAffected)) }
            } @else {
                ul.impact-list #services-affected {
                    @for s in &services {
                        li {
                            (cmdb_widgets::ci_link(s.ci.id, &s.ci.name, d.as_of()))
                            " " span.muted { "(" (d.classes.name(lang, &s.ci.class)) ")" }
                            br;
                            span.path title=(ctx.t(Msg::ImpactPath)) { (path_words(lang, d.id, &s.path, |i| d.name(i))) }
                        }
                    }
                }
            }
            h3 { (ctx.t(CmdbMsg::OrganisationsAffected)) }
            @if up.organisations.is_empty() {
                p.muted { (ctx.t(CmdbMsg::NoOrganisationsAffected)) }
            } @else {
                ul.files #organisations-affected { @for o in &up.organisations { li { (o.name) } } }
            }
        }
    }
}

pub fn depends_on(ctx: &Ctx, d: &Data) -> Markup {
    let lang = ctx.lang;
    let down = &d.downstream;
    html! {
        section.panel #ci-depends aria-labelledby="depends-title" {
            h2 #depends-title { (ctx.t(CmdbMsg::DependsOnTitle)) " " span.count { (i18n::tn(lang, CmdbPlural::ConfigurationItems, down.cis_total as u64)) } }
            @if down.cis.is_empty() {
                p.muted { (ctx.t(CmdbMsg::DependsOnNothing)) }
            } @else {
                @if down.cis_total > down.cis.len() {
                    p.muted { (i18n::tf(lang, CmdbMsg::NearestShown, &[("n", &down.cis.len().to_string())])) }
                }
                div.table-wrap { table.incidents {
                    thead { tr {
                        th scope="col" { (ctx.t(Msg::Name)) }
                        th scope="col" { (ctx.t(CmdbMsg::CiClass)) }
                        th scope="col" { (ctx.t(CmdbMsg::CiStatusLabel)) }
                        th scope="col" { (ctx.t(CmdbMsg::Distance)) }
                    } }
                    tbody {
                        @for r in &down.cis {
                            tr {
                                td.title-cell { (cmdb_widgets::ci_link(r.ci.id, &r.ci.name, d.as_of())) }
                                td { (d.classes.name(lang, &r.ci.class)) }
                                td { (cmdb_widgets::status_badge(lang, &r.ci.status)) }
                                td.num { (r.depth) }
                            }
                        }
                    }
                } }
            }
        }
    }
}

pub fn open_incidents(ctx: &Ctx, d: &Data) -> Markup {
    let lang = ctx.lang;
    let now = fmt::now_micros();
    html! {
        section.panel #ci-incidents aria-labelledby="ci-incidents-title" {
            h2 #ci-incidents-title { (ctx.t(CmdbMsg::OpenIncidentsTitle)) }
            @if d.incidents.is_empty() {
                p.muted { (ctx.t(CmdbMsg::NoOpenIncidents)) }
            } @else {
                div.table-wrap { table.incidents {
                    thead { tr {
                        th scope="col" { (ctx.t(Msg::Number)) }
                        th scope="col" { (ctx.t(Msg::Title)) }
                        th scope="col" { (ctx.t(Msg::Priority)) }
                        th scope="col" { (ctx.t(Msg::State)) }
                        th scope="col" { (ctx.t(CmdbMsg::Via)) }
                        th scope="col" { (ctx.t(Msg::Opened)) }
                    } }
                    tbody {
                        @for i in &d.incidents {
                            @let n = number(i.number);
                            tr {
                                td.num { a href={ "/incidents/" (n) } { (n) } }
                                td.title-cell { a href={ "/incidents/" (n) } { (i.title) } }
                                td { (widgets::priority_badge(lang, i.priority)) }
                                td { (widgets::state_badge(lang, &i.state)) }
                                td { @if i.ci_id == d.id { (d.name(i.ci_id)) } @else { (cmdb_widgets::ci_link(i.ci_id, &d.name(i.ci_id), None)) } }
                                td.time { (widgets::time(lang, i.opened_at, now)) }
                            }
                        }
                    }
                } }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(from: i64, kind: &'static str, to: i64) -> PathStep {
        PathStep { from, kind, to }
    }

    #[test]
    fn a_path_is_written_from_the_failure_to_the_service() {
        let names = |i: i64| ["", "esx-waw-01", "vm-12", "checkout", "Web Shop"][i as usize].to_owned();
        let path = [step(2, "hosted_on", 1), step(3, "runs_on", 2), step(4, "uses", 3)];
        assert_eq!(
            path_words(Lang::En, 1, &path, names),
            "esx-waw-01 → vm-12 (hosted on) → checkout (runs on) → Web Shop (uses)"
        );
        assert_eq!(path_words(Lang::Pl, 2, &path[1..2], names), "vm-12 → checkout (działa na)");
        // A cluster member failing reaches the cluster the other way round.
        let member = |i: i64| format!("n{i}");
        assert_eq!(path_words(Lang::En, 7, &[step(7, "member_of", 8)], member), "n7 → n8 (member of)");
        assert_eq!(path_words(Lang::En, 1, &[], names), "esx-waw-01");
    }
}
