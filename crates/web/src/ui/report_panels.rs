//! Dashboards made of panels (issue 14): one panel drawn by its name, so
//! the service dashboard (`/reports`, every panel) and each user's own
//! (`/reports/mine`, the panels they chose, each over its kind) are the
//! same drawing; the viewer's own work, counted live; and the form that
//! composes one's dashboard from the panel list.

use super::report_charts as charts;
use super::report_texts::RepMsg;
use super::reports::{self, DashQuery, Links, MINE, Which};
use super::{Ctx, UiResult, fmt, html as page_html, layout, see_other, staff_only, widgets};
use crate::AppState;
use axum::{
    Form,
    extract::{Query, State, rejection::QueryRejection},
};
use maud::{Markup, html};
use steward_app::{AppError, reports::dashboard::Dashboard, reports::panels::KindWork};
use steward_domain::Role;
use steward_domain::report::panels::{KINDS, MAX_PANELS, PANELS, Panel};

/// Where one composes one's dashboard.
pub const EDIT: &str = "/reports/mine/edit";

/// The panels that take the page's whole width.
const WIDE: [&str; 6] = ["figures", "my_work", "series", "backlog", "kinds", "heat"];

/// One panel, drawn from the dashboard of its kind.
pub(super) fn panel(ctx: &Ctx, p: &Panel, d: &Dashboard, links: &Links, work: &[KindWork], service: &str) -> Markup {
    let inner = match p.panel.as_str() {
        "figures" => reports::headline(ctx, d, links),
        "my_work" => my_work(ctx, work),
        "series" => html! {
            section.panel #report-series aria-labelledby="report-series-title" {
                h2 #report-series-title { a href=(links.opened(None)) { (ctx.t(RepMsg::Series)) } }
                p.hint { (ctx.t(RepMsg::SeriesHint)) }
                div.chart-wrap { (reports::series(ctx, d, links)) }
            }
        },
        "by_group" => {
            reports::breakdown(ctx, "report-groups", RepMsg::ByGroup, &d.by_group, RepMsg::NoGroup, |b| links.group(b))
        }
        "by_service" => {
            reports::breakdown(ctx, "report-services", RepMsg::ByService, &d.by_service, RepMsg::NoService, |b| {
                links.service(b)
            })
        }
        "by_priority" => {
            reports::breakdown(ctx, "report-priorities", RepMsg::ByPriority, &d.by_priority, RepMsg::NoGroup, |b| {
                links.priority(b)
            })
        }
        "sla" => reports::sla_table(ctx, d, links),
        "backlog" => reports::backlog(ctx, d, links),
        "kinds" => super::report_kinds::kinds(ctx, d, service),
        "availability" => super::report_kinds::availability(ctx, d),
        "heat" => html! {
            section.panel #report-heat aria-labelledby="report-heat-title" {
                h2 #report-heat-title { (ctx.t(RepMsg::Heat)) }
                p.hint { (ctx.t(RepMsg::HeatHint)) }
                div.chart-wrap {
                    (charts::heat(&d.heat, reports::weekdays(ctx), ctx.t(RepMsg::Heat), &links.opened(None)))
                }
            }
        },
        _ => return html! {},
    };
    let wide = WIDE.contains(&p.panel.as_str());
    html! { div class=(if wide { "slot wide" } else { "slot" }) { (inner) } }
}

/// The list a kind's records are on, and the parameters that narrow it to
/// the viewer's own.
fn own_list(kind: &str) -> (&'static str, (&'static str, &'static str)) {
    match kind {
        "problem" => ("/problems", ("assignee", "me")),
        "change" => ("/changes", ("assignee", "me")),
        "task" => ("/tasks", ("assigned", "me")),
        _ => ("/incidents", ("assignee", "me")),
    }
}

fn kind_label(kind: &str) -> RepMsg {
    match kind {
        "problem" => RepMsg::KindProblem,
        "change" => RepMsg::KindChange,
        "task" => RepMsg::KindTask,
        _ => RepMsg::KindIncident,
    }
}

/// What is assigned to the viewer and open, per kind and priority, what of
/// it breached, and what they resolved in the period: counted live.
fn my_work(ctx: &Ctx, work: &[KindWork]) -> Markup {
    html! {
        section.panel #report-my-work aria-labelledby="report-my-work-title" {
            h2 #report-my-work-title { a href="/incidents?assignee=me" { (ctx.t(RepMsg::MyWork)) } }
            p.hint { (ctx.t(RepMsg::MyWorkHint)) }
            div.table-wrap { table.incidents #my-work-table {
                thead { tr {
                    th scope="col" { (ctx.t(RepMsg::Kind)) }
                    @for p in 1..=5 { th scope="col" { "P" (p) } }
                    th scope="col" { (ctx.t(RepMsg::MyOpen)) }
                    th scope="col" { (ctx.t(RepMsg::MyBreached)) }
                    th scope="col" { (ctx.t(RepMsg::MyResolved)) }
                } }
                tbody {
                    @for w in work {
                        @let (list, mine) = own_list(w.kind);
                        @let link = |extra: &[(&str, &str)]| {
                            let mut pairs = vec![mine];
                            pairs.extend_from_slice(extra);
                            format!("{list}{}", fmt::query(&pairs))
                        };
                        tr id={ "my-work-" (w.kind) } {
                            th scope="row" { (ctx.t(kind_label(w.kind))) }
                            @for (i, n) in w.open.iter().enumerate() {
                                td { @if *n > 0 { a href=(link(&[("priority", &(i + 1).to_string())])) { (n) } } @else { "0" } }
                            }
                            td.my-open { a href=(link(&[])) { (w.open_total()) } }
                            td.my-breached { @if w.breached > 0 { a href=(link(&[("sla", "breached")])) { (w.breached) } } @else { "0" } }
                            td.my-resolved { (w.resolved) }
                        }
                    }
                }
            } }
        }
    }
}

pub async fn mine(
    s: State<AppState>,
    ctx: Ctx,
    uri: axum::http::Uri,
    q: Result<Query<DashQuery>, QueryRejection>,
) -> UiResult {
    // An agent's own dashboard, asked nothing, counts their groups' work
    // (the form's "Any" then widens it).
    let q = match q {
        Ok(Query(mut d)) if ctx.actor.role == Role::Agent && uri.query().is_none_or(str::is_empty) => {
            d.group = reports::MY_GROUPS.to_owned();
            Ok(Query(d))
        }
        other => other,
    };
    reports::render(&s, ctx, q, Which::Mine).await
}

fn panel_label(name: &str) -> RepMsg {
    match name {
        "figures" => RepMsg::PanelFigures,
        "my_work" => RepMsg::MyWork,
        "series" => RepMsg::Series,
        "by_group" => RepMsg::ByGroup,
        "by_service" => RepMsg::ByService,
        "by_priority" => RepMsg::ByPriority,
        "sla" => RepMsg::Sla,
        "backlog" => RepMsg::BacklogTitle,
        "kinds" => RepMsg::KindsTitle,
        "availability" => RepMsg::Availability,
        _ => RepMsg::Heat,
    }
}

/// The form: one row per panel in order, a few empty rows to add more.
fn edit_page(ctx: &Ctx, panels: &[Panel], errors: &widgets::Errors, chosen: bool) -> Markup {
    let mut names = vec![(String::new(), ctx.t(RepMsg::NoPanel).to_owned())];
    names.extend(PANELS.iter().map(|p| (p.to_string(), ctx.t(panel_label(p)).to_owned())));
    let mut kinds = vec![(String::new(), ctx.t(RepMsg::KindIncident).to_owned())];
    kinds.extend(KINDS.iter().skip(1).map(|k| (k.to_string(), ctx.t(kind_label(k)).to_owned())));
    let rows = (panels.len() + 3).min(MAX_PANELS);
    let body = html! {
        div.page-head {
            h1 { (ctx.t(RepMsg::EditPanels)) }
            div.actions { a.btn href=(MINE) { (ctx.t(RepMsg::MineTitle)) } }
        }
        p.hint { (ctx.t(RepMsg::EditPanelsHint)) }
        @if let Some(e) = errors.get("panels") { (widgets::alert(&super::widgets::sentence(&crate::i18n::app_message(ctx.lang, e)), None)) }
        form.panel-form #panels-form method="post" action=(EDIT) {
            (widgets::csrf(&ctx.csrf))
            ol.panel-rows {
                @for i in 0..rows {
                    @let p = panels.get(i);
                    @let (pn, kn) = (format!("panels[{i}].panel"), format!("panels[{i}].kind"));
                    @let (pid, kid) = (format!("pp{i}"), format!("pk{i}"));
                    @let label = crate::i18n::tf(ctx.lang, RepMsg::PanelN, &[("n", &(i + 1).to_string())]);
                    li.panel-row {
                        (widgets::Field::new(ctx.lang, &pid, &pn, &label, errors)
                            .select(&names, p.map_or("", |p| p.panel.as_str())))
                        (widgets::Field::new(ctx.lang, &kid, &kn, ctx.t(RepMsg::Kind), errors)
                            .select(&kinds, p.and_then(|p| p.kind.as_deref()).unwrap_or("")))
                    }
                }
            }
            div.form-actions {
                button.btn.btn-primary type="submit" { (ctx.t(RepMsg::SavePanels)) }
                @if chosen { button.btn type="submit" name="reset" value="1" formnovalidate { (ctx.t(RepMsg::ResetPanels)) } }
            }
        }
    };
    layout::page(ctx, ctx.t(RepMsg::EditPanels), body)
}

pub async fn edit(State(s): State<AppState>, ctx: Ctx) -> UiResult {
    staff_only(&ctx)?;
    let (panels, chosen) = s.app.my_panels(&ctx.actor).await.map_err(|e| ctx.fail(e))?;
    Ok(page_html(axum::http::StatusCode::OK, edit_page(&ctx, &panels, &widgets::Errors(vec![]), chosen)))
}

/// The rows as sent (`panels[i].panel`, `panels[i].kind`), in order, the
/// empty ones left out.
fn rows_of(pairs: &[(String, String)]) -> Vec<Panel> {
    let mut rows: std::collections::BTreeMap<usize, (String, String)> = std::collections::BTreeMap::new();
    for (k, v) in pairs {
        let Some(rest) = k.strip_prefix("panels[") else { continue };
        let Some((i, field)) = rest.split_once("].") else { continue };
        let Ok(i) = i.parse::<usize>() else { continue };
        let row = rows.entry(i).or_default();
        match field {
            "panel" => row.0 = v.trim().to_owned(),
            "kind" => row.1 = v.trim().to_owned(),
            _ => {}
        }
    }
    rows.into_values()
        .filter(|(p, _)| !p.is_empty())
        .map(|(p, k)| Panel { panel: p, kind: (!k.is_empty()).then_some(k) })
        .collect()
}

pub async fn save(State(s): State<AppState>, ctx: Ctx, Form(pairs): Form<Vec<(String, String)>>) -> UiResult {
    staff_only(&ctx)?;
    let reset = pairs.iter().any(|(k, _)| k == "reset");
    let panels = rows_of(&pairs);
    match s.app.set_my_panels(&ctx.actor, (!reset).then(|| panels.clone())).await {
        Ok(_) => see_other(MINE),
        // Shown again as sent, the empty rows dropped, so each problem
        // stands beside the row it names.
        Err(AppError::Invalid(errs)) => {
            let errors = widgets::Errors(errs);
            Ok(page_html(errors.status(false), edit_page(&ctx, &panels, &errors, true)))
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_read_in_order_without_the_empty_ones() {
        let pairs: Vec<(String, String)> = [
            ("panels[1].panel", "series"),
            ("panels[1].kind", "change"),
            ("panels[0].panel", "my_work"),
            ("panels[0].kind", ""),
            ("panels[2].panel", ""),
            ("panels[10].panel", "heat"),
            ("csrf", "x"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(
            rows_of(&pairs),
            vec![Panel::new("my_work", None), Panel::new("series", Some("change")), Panel::new("heat", None)]
        );
    }
}
