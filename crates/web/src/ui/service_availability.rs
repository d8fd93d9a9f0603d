//! A service's availability on its page (`/cmdb/{id}` for staff): the
//! share of its checks' results in which it answered over the last 7, 30
//! and 90 days (as `GET /api/v1/services/{name}/availability` counts it),
//! with a link to its checks; or that no check watches it.

use super::check_page::percent;
use super::check_texts::CheckMsg;
use super::{Ctx, fmt};
use crate::{AppState, i18n};
use maud::{Markup, html};
use steward_app::{AppError, checks::history::Availability};

/// The periods shown, in days.
pub const DAYS: [i64; 3] = [7, 30, 90];

/// The service's availability over each of [`DAYS`] (staff only).
pub async fn load(s: &AppState, ctx: &Ctx, id: i64) -> Result<Vec<Availability>, AppError> {
    let name = id.to_string();
    let mut out = Vec::with_capacity(DAYS.len());
    for days in DAYS {
        out.push(s.app.service_availability(&ctx.actor, &name, days).await?);
    }
    Ok(out)
}

pub fn section(ctx: &Ctx, id: i64, shown: &[Availability]) -> Markup {
    let checks = shown.first().map_or(0, |a| a.checks);
    let link = format!("/checks{}", fmt::query(&[("service", &id.to_string())]));
    html! {
        section.panel #service-availability aria-labelledby="service-availability-title" {
            h2 #service-availability-title { (ctx.t(CheckMsg::Availability)) }
            @if checks == 0 {
                p.muted #no-service-checks { (ctx.t(CheckMsg::NoChecksWatch)) }
            } @else {
                dl.facts {
                    @for a in shown {
                        div data-days=(a.days) {
                            dt { (i18n::tf(ctx.lang, CheckMsg::LastDays, &[("n", &a.days.to_string())])) }
                            dd.availability {
                                @match a.availability {
                                    Some(v) => (percent(v)),
                                    None => span.muted { (ctx.t(CheckMsg::NoResultsShort)) },
                                }
                            }
                        }
                    }
                }
                p { a #service-checks href=(link) { (ctx.t(CheckMsg::ItsChecks)) " (" (checks) ")" } }
            }
        }
    }
}
