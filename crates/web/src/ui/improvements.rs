//! `/reports/improvements`: the continual improvement register (issue 14):
//! each improvement's aim, its progress from the live measure, its owner
//! and the records that should move it. Staff read it; managers and
//! admins add, edit and delete improvements here (or through the API).

use super::report_texts::RepMsg;
use super::{Ctx, OrPage, UiResult, html as page_html, layout, see_other, staff_only, widgets};
use crate::{AppState, i18n};
use axum::{
    Form,
    extract::{Path, Query, State},
};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::AppError;
use steward_app::reports::improvements::{ImprovementInput, ImprovementView};
use steward_domain::Role;
use steward_domain::number::RecordKind;
use steward_domain::report::improvement::MEASURES;

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

fn keeps(ctx: &Ctx) -> bool {
    matches!(ctx.actor.role, Role::Manager | Role::Admin)
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
            @if keeps(ctx) {
                td.actions-cell {
                    a.btn.btn-small href={ (PATH) "/" (r.id) } { (ctx.t(RepMsg::ImpEdit)) }
                    form.inline method="post" action={ (PATH) "/" (r.id) "/delete" } data-confirm=(ctx.t(RepMsg::ImpConfirmDelete)) {
                        (widgets::csrf(&ctx.csrf))
                        button.btn.btn-small.btn-quiet type="submit" { (ctx.t(RepMsg::SavedDelete)) }
                    }
                }
            }
        }
    }
}

/// The form as typed; names are the API's, so its errors land beside them.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ImprovementForm {
    title: String,
    description: String,
    measure: String,
    kind: String,
    service: String,
    group: String,
    priority: String,
    baseline: String,
    target: String,
    target_date: String,
    owner: String,
    state: String,
    /// Record numbers, separated by commas or spaces.
    records: String,
    version: String,
}

impl ImprovementForm {
    fn of(v: &ImprovementView) -> Self {
        let r = &v.row;
        let id = |x: Option<i64>| x.map(|x| x.to_string()).unwrap_or_default();
        ImprovementForm {
            title: r.title.clone(),
            description: r.description.clone(),
            measure: r.measure.clone(),
            kind: r.kind.clone().unwrap_or_default(),
            service: id(r.service_id),
            group: id(r.group_id),
            priority: id(r.priority),
            baseline: number(r.baseline),
            target: number(r.target),
            target_date: r.target_date.clone(),
            owner: String::new(),
            state: r.state.clone(),
            records: v.records.iter().map(|l| l.number.clone()).collect::<Vec<_>>().join(", "),
            version: r.version.to_string(),
        }
    }

    /// What the use case takes. A number that is not one is sent as one
    /// the checks refuse (NaN, -1), so it is named rather than dropped.
    fn input(&self) -> ImprovementInput {
        let id = |s: &str| (!s.trim().is_empty()).then(|| s.trim().parse::<i64>().unwrap_or(-1));
        let real = |s: &str| s.trim().replace(',', ".").parse::<f64>().unwrap_or(f64::NAN);
        let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        ImprovementInput {
            title: self.title.clone(),
            description: self.description.clone(),
            measure: self.measure.clone(),
            kind: text(&self.kind),
            service: id(&self.service),
            group: id(&self.group),
            priority: id(&self.priority),
            baseline: real(&self.baseline),
            target: real(&self.target),
            target_date: self.target_date.clone(),
            owner: text(&self.owner),
            state: text(&self.state),
            records: self
                .records
                .split([',', ' ', '\n'])
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_owned)
                .collect(),
        }
    }
}

/// Names for the form's choices: groups and services (id, name).
struct Choices {
    groups: Vec<(String, String)>,
    services: Vec<(String, String)>,
}

async fn choices(s: &AppState, ctx: &Ctx) -> Result<Choices, super::Failure> {
    let groups = s.app.list_groups().await.or_page(ctx)?.into_iter().map(|g| (g.id.to_string(), g.name)).collect();
    let services = s
        .app
        .cmdb_view(|v| {
            let mut all: Vec<(String, String)> = v
                .cis
                .iter()
                .filter(|(_, b)| b.class.ends_with("_service"))
                .map(|(id, b)| (id.to_string(), b.name.clone()))
                .collect();
            all.sort_by(|a, b| a.1.cmp(&b.1));
            all
        })
        .await
        .or_page(ctx)?;
    Ok(Choices { groups, services })
}

fn form(ctx: &Ctx, f: &ImprovementForm, c: &Choices, id: Option<i64>, errs: &widgets::Errors) -> Markup {
    let field = |id, name, label| widgets::Field::new(ctx.lang, id, name, label, errs);
    let any = |label: RepMsg, rest: &[(String, String)]| {
        let mut o = vec![(String::new(), ctx.t(label).to_owned())];
        o.extend(rest.iter().cloned());
        o
    };
    let measures: Vec<(String, String)> = MEASURES.iter().map(|(m, _, _)| ((*m).to_owned(), measure(ctx, m))).collect();
    let kinds: Vec<(String, String)> =
        ["incident", "problem", "change", "task"].iter().map(|k| ((*k).to_owned(), (*k).to_owned())).collect();
    let priorities: Vec<(String, String)> = (1..=5).map(|p| (p.to_string(), format!("P{p}"))).collect();
    let states: Vec<(String, String)> =
        [("open", RepMsg::ImpStateOpen), ("done", RepMsg::ImpStateDone), ("dropped", RepMsg::ImpStateDropped)]
            .iter()
            .map(|(v, m)| ((*v).to_owned(), ctx.t(*m).to_owned()))
            .collect();
    let action = id.map_or_else(|| PATH.to_owned(), |id| format!("{PATH}/{id}"));
    html! {
        form.saved-report-form method="post" action=(action) {
            (widgets::csrf(&ctx.csrf))
            input type="hidden" name="version" value=(f.version);
            (widgets::Field { required: true, ..field("imp-title", "title", ctx.t(RepMsg::ImpColTitle)) }.input(&f.title))
            (field("imp-description", "description", ctx.t(RepMsg::ImpDescription)).textarea(&f.description, 2))
            div.field-row.wide-row {
                (widgets::Field { required: true, ..field("imp-measure", "measure", ctx.t(RepMsg::ImpColMeasure)) }.select(&measures, &f.measure))
                (widgets::Field { required: true, kind: Some("number"), ..field("imp-baseline", "baseline", ctx.t(RepMsg::ImpBaseline)) }.input(&f.baseline))
                (widgets::Field { required: true, kind: Some("number"), ..field("imp-target", "target", ctx.t(RepMsg::ImpTarget)) }.input(&f.target))
                (widgets::Field { required: true, kind: Some("date"), ..field("imp-target-date", "target_date", ctx.t(RepMsg::ImpTargetDate)) }.input(&f.target_date))
            }
            fieldset {
                legend { (ctx.t(RepMsg::ImpNarrow)) }
                div.field-row.wide-row {
                    (field("imp-kind", "kind", ctx.t(RepMsg::SavedKind)).select(&any(RepMsg::SavedAllKinds, &kinds), &f.kind))
                    (field("imp-service", "service", ctx.t(RepMsg::Service)).select(&any(RepMsg::Any, &c.services), &f.service))
                    (field("imp-group", "group", ctx.t(RepMsg::SavedGroup)).select(&any(RepMsg::SavedAllGroups, &c.groups), &f.group))
                    (field("imp-priority", "priority", ctx.t(RepMsg::ImpPriority)).select(&any(RepMsg::Any, &priorities), &f.priority))
                }
            }
            div.field-row.wide-row {
                (widgets::Field { hint: Some(ctx.t(RepMsg::ImpOwnerHint)), ..field("imp-owner", "owner", ctx.t(RepMsg::ImpColOwner)) }.input(&f.owner))
                @if id.is_some() { (field("imp-state", "state", ctx.t(RepMsg::ImpState)).select(&states, &f.state)) }
            }
            (widgets::Field { hint: Some(ctx.t(RepMsg::ImpRecordsHint)), placeholder: Some("PRB0000012, CHG0000040"),
                ..field("imp-records", "records", ctx.t(RepMsg::ImpColRecords)) }.input(&f.records))
            div.form-actions {
                button.btn.btn-primary #save-improvement type="submit" { (ctx.t(RepMsg::ImpSave)) }
                @if id.is_some() { a.btn.btn-quiet href=(PATH) { (ctx.t(RepMsg::ImpCancel)) } }
            }
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PageQuery {
    m: Option<String>,
}

pub async fn show(State(s): State<AppState>, ctx: Ctx, Query(q): Query<PageQuery>) -> UiResult {
    staff_only(&ctx)?;
    let notice = match q.m.as_deref() {
        Some("saved") => Some(ctx.t(RepMsg::ImpFlashSaved)),
        Some("deleted") => Some(ctx.t(RepMsg::ImpFlashDeleted)),
        _ => None,
    };
    register(&s, &ctx, &ImprovementForm::default(), widgets::Errors::default(), notice).await
}

async fn register(
    s: &AppState,
    ctx: &Ctx,
    f: &ImprovementForm,
    errs: widgets::Errors,
    notice: Option<&str>,
) -> UiResult {
    let status = errs.status(false);
    let all = s.app.improvements(&ctx.actor).await.map_err(|e| ctx.fail(e))?;
    let c = if keeps(ctx) { Some(choices(s, ctx).await?) } else { None };
    let body = html! {
        div.page-head {
            h1 { (ctx.t(RepMsg::ImpTitle)) }
            div.actions { a.btn href=(super::reports::PATH) { (ctx.t(RepMsg::Title)) } }
        }
        p.muted { (ctx.t(RepMsg::ImpIntro)) }
        @if let Some(n) = notice { (widgets::notice(n)) }
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
                        @if keeps(ctx) { th scope="col" { span.visually-hidden { (ctx.t(RepMsg::SavedActions)) } } }
                    } }
                    tbody { @for v in &all { (row(ctx, v)) } }
                }
            }
        }
        @if let Some(c) = &c {
            section.new-report aria-labelledby="new-improvement-title" {
                h2 #new-improvement-title { (ctx.t(RepMsg::ImpNew)) }
                (form(ctx, f, c, None, &errs))
            }
        }
    };
    Ok(page_html(status, layout::page(ctx, ctx.t(RepMsg::ImpTitle), body)))
}

pub async fn create(State(s): State<AppState>, ctx: Ctx, Form(f): Form<ImprovementForm>) -> UiResult {
    match s.app.add_improvement(&ctx.actor, f.input()).await {
        Ok(_) => see_other(&format!("{PATH}?m=saved")),
        Err(AppError::Invalid(errs)) => register(&s, &ctx, &f, widgets::Errors(errs), None).await,
        Err(e) => Err(ctx.fail(e)),
    }
}

async fn edit_page(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    f: &ImprovementForm,
    errs: widgets::Errors,
    stale: bool,
) -> UiResult {
    let status = errs.status(stale);
    let c = choices(s, ctx).await?;
    let body = html! {
        div.page-head { h1 { (ctx.t(RepMsg::ImpEditTitle)) } }
        @if stale { (widgets::alert(ctx.t(crate::i18n::Msg::StaleAction), Some((&format!("{PATH}/{id}"), ctx.t(crate::i18n::Msg::ReloadLatest))))) }
        (form(ctx, f, &c, Some(id), &errs))
    };
    Ok(page_html(status, layout::page(ctx, ctx.t(RepMsg::ImpEditTitle), body)))
}

pub async fn edit(State(s): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> UiResult {
    staff_only(&ctx)?;
    steward_domain::report::improvement::can_keep_improvements(ctx.actor.role)
        .map_err(|d| ctx.fail(AppError::from(d)))?;
    let v = s.app.improvement(&ctx.actor, id).await.or_page(&ctx)?;
    edit_page(&s, &ctx, id, &ImprovementForm::of(&v), widgets::Errors::default(), false).await
}

pub async fn update(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ImprovementForm>,
) -> UiResult {
    let version = f.version.trim().parse().unwrap_or(0);
    match s.app.edit_improvement(&ctx.actor, id, version, f.input()).await {
        Ok(_) => see_other(&format!("{PATH}?m=saved")),
        Err(AppError::Invalid(errs)) => edit_page(&s, &ctx, id, &f, widgets::Errors(errs), false).await,
        Err(AppError::Stale { .. }) => edit_page(&s, &ctx, id, &f, widgets::Errors::default(), true).await,
        Err(e) => Err(ctx.fail(e)),
    }
}

pub async fn delete(State(s): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> UiResult {
    s.app.delete_improvement(&ctx.actor, id).await.or_page(&ctx)?;
    see_other(&format!("{PATH}?m=deleted"))
}
