//! `/reports/improvements`: the continual improvement register (issue 14),
//! read-only for now: each improvement's aim, its progress from the live
//! measure, its owner and the records that should move it. Staff only.
//! (Managers record them through the API until the forms are there.)

use super::report_texts::RepMsg;
use super::{Ctx, UiResult, layout, staff_only};
use crate::{AppState, i18n};
use axum::extract::State;
use maud::{Markup, html};
use steward_app::reports::improvements::ImprovementView;
use steward_domain::number::RecordKind;

pub const PATH: &str = "/reports/improvements";

fn measure(ctx: &Ctx, name: &str) -> String {
    let m = match name {
        "mtta_hours" => RepMsg::ImpMtta,
        "mttr_hours" => RepMsg::ImpMttr,
        "mttr_business_hours" => RepMsg::ImpMttrBusiness,
        "first_contact_rate" => RepMsg::ImpFcr,
        "reopen_rate" => RepMsg::ImpReopen,
        "sla_compliance" => RepMsg::ImpSla,
        "arrivals" => RepMsg::ImpArrivals,
        "escalations" => RepMsg::ImpEscalations,
        _ => RepMsg::ImpBacklog,
    };
    ctx.t(m).to_owned()
}

fn status(ctx: &Ctx, s: &str) -> (&'static str, String) {
    let (class, m) = match s {
        "achieved" => ("badge-ok", RepMsg::ImpAchieved),
        "on_track" => ("badge-ok", RepMsg::ImpOnTrack),
        "behind" => ("badge-warn", RepMsg::ImpBehind),
        "overdue" => ("badge-bad", RepMsg::ImpOverdue),
        _ => ("badge-muted", RepMsg::ImpNoData),
    };
    (class, ctx.t(m).to_owned())
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v:.1}") }
}

fn row(ctx: &Ctx, v: &ImprovementView) -> Markup {
    let r = &v.row;
    let (class, said) = status(ctx, v.progress.status);
    let percent = v.progress.percent.unwrap_or(0.0);
    html! {
        tr {
            td {
                strong { (r.title) }
                @if !r.description.is_empty() { div.hint { (r.description) } }
                @if r.state != "open" { div.hint { (r.state) } }
            }
            td { (measure(ctx, &r.measure)) }
            td.num { (number(r.baseline)) " → " (number(r.target)) div.hint { (r.target_date) } }
            td.num { (v.progress.current.map(number).unwrap_or_else(|| "–".into())) }
            td {
                // A progress element: an inline width would need a style
                // attribute, which the content security policy refuses.
                progress.progress value=(format!("{percent:.0}")) max="100"
                    aria-label=(i18n::tf(ctx.lang, RepMsg::ImpProgressOf, &[("title", &r.title)])) {
                    (format!("{percent:.0} %"))
                }
                span.badge.(class) { (said) " · " (format!("{percent:.0} %")) }
            }
            td { (r.owner_name.as_deref().unwrap_or("–")) }
            td {
                @for l in &v.records {
                    @let path = RecordKind::named(&l.kind).map_or("incidents", |k| k.paths().0);
                    a href=(format!("/{path}/{}", l.number)) title=(l.title) { (l.number) } " "
                }
            }
        }
    }
}

pub async fn show(State(s): State<AppState>, ctx: Ctx) -> UiResult {
    staff_only(&ctx)?;
    let all = s.app.improvements(&ctx.actor).await.map_err(|e| ctx.fail(e))?;
    let body = html! {
        div.page-head {
            h1 { (ctx.t(RepMsg::ImpTitle)) }
            div.actions { a.btn href=(super::reports::PATH) { (ctx.t(RepMsg::Title)) } }
        }
        p.muted { (ctx.t(RepMsg::ImpIntro)) }
        @if all.is_empty() {
            p.empty #improvements-empty { (ctx.t(RepMsg::ImpNone)) }
        } @else {
            div.table-wrap {
                table.incidents #improvements {
                    caption.visually-hidden { (ctx.t(RepMsg::ImpTitle)) }
                    thead { tr {
                        th scope="col" { (ctx.t(RepMsg::ImpColTitle)) }
                        th scope="col" { (ctx.t(RepMsg::ImpColMeasure)) }
                        th scope="col" { (ctx.t(RepMsg::ImpColAim)) }
                        th scope="col" { (ctx.t(RepMsg::ImpColNow)) }
                        th scope="col" { (ctx.t(RepMsg::ImpColProgress)) }
                        th scope="col" { (ctx.t(RepMsg::ImpColOwner)) }
                        th scope="col" { (ctx.t(RepMsg::ImpColRecords)) }
                    } }
                    tbody { @for v in &all { (row(&ctx, v)) } }
                }
            }
        }
    };
    super::ok(layout::page(&ctx, ctx.t(RepMsg::ImpTitle), body))
}
