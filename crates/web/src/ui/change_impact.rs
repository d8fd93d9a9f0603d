//! The change page's Impact panel: what a failure of the CIs it changes
//! would affect (`App::change_impact`) — the services, each with the chain
//! of relations that explains it, and the organisations that use them —
//! so approvers see what is at stake before they decide.

use super::cmdb_texts::CmdbMsg;
use super::{Ctx, change::Data, cmdb_impact::path_words, cmdb_widgets};
use crate::i18n::Msg;
use maud::{Markup, html};

pub fn panel(ctx: &Ctx, d: &Data) -> Markup {
    let Some(impact) = &d.impact else { return html! {} };
    if impact.starts.is_empty() {
        return html! {};
    }
    let name = |id: i64| {
        impact
            .starts
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.name.clone())
            .or_else(|| impact.cis.iter().find(|c| c.ci.id == id).map(|c| c.ci.name.clone()))
            .unwrap_or_else(|| format!("#{id}"))
    };
    // Where a chain starts: the starting CI at its first step.
    let start = |s: &steward_app::cmdb::impact::ReachedCi| match s.path.first() {
        Some(step) if impact.starts.iter().any(|c| c.id == step.from) => step.from,
        Some(step) => step.to,
        None => s.ci.id,
    };
    html! {
        section.panel #change-impact aria-labelledby="change-impact-title" {
            h2 #change-impact-title { (ctx.t(CmdbMsg::ImpactTitle)) }
            h3 { (ctx.t(Msg::ServicesAffected)) }
            @if impact.services.is_empty() {
                p.muted { (ctx.t(Msg::NoServicesAffected)) }
            } @else {
                ul.impact-list #change-services-affected {
                    @for s in &impact.services {
                        li {
                            (cmdb_widgets::ci_link(s.ci.id, &s.ci.name, None))
                            @if !s.path.is_empty() {
                                br;
                                span.path title=(ctx.t(Msg::ImpactPath)) { (path_words(ctx.lang, start(s), &s.path, name)) }
                            }
                        }
                    }
                }
            }
            h3 { (ctx.t(CmdbMsg::OrganisationsAffected)) }
            @if impact.organisations.is_empty() {
                p.muted { (ctx.t(CmdbMsg::NoOrganisationsAffected)) }
            } @else {
                ul.files #change-organisations-affected { @for o in &impact.organisations { li { (o.name) } } }
            }
        }
    }
}
