//! The standard change catalogue in the UI, in the changes area:
//! `/changes/templates` lists the templates in the catalogue, each with a
//! "Raise" button that opens the change form with it filled in (the desk's
//! page); `/changes/templates/manage` and the template form let managers
//! and admins make, edit, retire, reactivate and delete templates.

use super::change_texts::ChgMsg;
use super::{
    Ctx, OrPage, UiResult, VersionForm, cmdb_widgets, html, incident_cis, layout, see_other, staff_only, widgets,
};
use crate::{
    AppState,
    i18n::{self, Msg},
};
use axum::{
    Form,
    extract::{Path, Query, State},
    http::StatusCode,
};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::{
    AppError, Code, FieldError,
    change_templates::{NewTemplate, Removed, TemplatePatch, TemplateView},
    incidents::Patch,
};
use steward_domain::Role;

/// The catalogue, the desk's page.
pub const CATALOGUE: &str = "/changes/templates";
/// The templates with the retired ones, the managers' page.
const MANAGE: &str = "/changes/templates/manage";

pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route(CATALOGUE, get(catalogue).post(create))
        .route(MANAGE, get(manage))
        .route("/changes/templates/new", get(new))
        .route("/changes/templates/{id}", post(update))
        .route("/changes/templates/{id}/edit", get(edit))
        .route("/changes/templates/{id}/active", post(set_active))
        .route("/changes/templates/{id}/delete", post(delete))
}

fn keeps(ctx: &Ctx) -> bool {
    matches!(ctx.actor.role, Role::Manager | Role::Admin)
}

fn keepers_only(ctx: &Ctx) -> Result<(), super::Failure> {
    if keeps(ctx) {
        Ok(())
    } else {
        let text = "only managers and admins can keep the standard change catalogue";
        Err(ctx.fail(AppError::Forbidden(Code::DenyChangeTemplates.msg(text))))
    }
}

/// What a template says in a list: its category, service, duration.
fn facts(ctx: &Ctx, t: &TemplateView) -> Markup {
    let minutes = t.row.duration_minutes.map(|n| i18n::tf(ctx.lang, ChgMsg::DurationOf, &[("n", &n.to_string())]));
    let parts: Vec<String> = [t.row.category.clone(), t.service_name.clone(), minutes].into_iter().flatten().collect();
    html! { @if !parts.is_empty() { p.muted.template-facts { (parts.join(" · ")) } } }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PageQuery {
    m: String,
}

fn flash(ctx: &Ctx, m: &str) -> Option<&'static str> {
    Some(ctx.t(match m {
        "saved" => ChgMsg::FlashTemplateSaved,
        "deleted" => ChgMsg::FlashTemplateDeleted,
        "retired" => ChgMsg::FlashTemplateRetired,
        _ => return None,
    }))
}

/// `/changes/templates`: the catalogue, each template with its "Raise".
pub async fn catalogue(State(s): State<AppState>, ctx: Ctx) -> UiResult {
    staff_only(&ctx)?;
    let list = s.app.change_templates(&ctx.actor, true).await.or_page(&ctx)?;
    let body = html! {
        div.page-head {
            h1 { (ctx.t(ChgMsg::StandardChanges)) }
            div.actions {
                a.btn href="/changes?state=open" { (ctx.t(ChgMsg::ChangesTitle)) }
                @if keeps(&ctx) { " " a.btn #manage-templates href=(MANAGE) { (ctx.t(ChgMsg::ManageTemplates)) } }
            }
        }
        p.lead { (ctx.t(ChgMsg::CatalogueIntro)) }
        @if list.is_empty() { p.empty #no-templates { (ctx.t(ChgMsg::CatalogueEmpty)) } }
        ul.template-list #template-catalogue {
            @for t in &list {
                li.panel.template-item {
                    div.template-head {
                        h2 { (t.row.name) }
                        a.btn.btn-primary.raise-template href={ "/changes/new?template=" (t.row.id) }
                            aria-label=(i18n::tf(ctx.lang, ChgMsg::RaiseNamed, &[("name", &t.row.name)])) {
                            (ctx.t(ChgMsg::Raise))
                        }
                    }
                    (facts(&ctx, t))
                    @if !t.row.description.is_empty() { p { (t.row.description) } }
                }
            }
        }
    };
    super::ok(layout::page(&ctx, ctx.t(ChgMsg::StandardChanges), body))
}

/// `/changes/templates/manage`: every template, retired ones last, with
/// what a keeper does to each.
pub async fn manage(State(s): State<AppState>, ctx: Ctx, Query(q): Query<PageQuery>) -> UiResult {
    keepers_only(&ctx)?;
    let list = s.app.change_templates(&ctx.actor, false).await.or_page(&ctx)?;
    let body = html! {
        div.page-head {
            h1 { (ctx.t(ChgMsg::TemplatesTitle)) }
            div.actions {
                a.btn href=(CATALOGUE) { (ctx.t(ChgMsg::StandardChanges)) }
                " "
                a.btn.btn-primary #new-template href="/changes/templates/new" { (ctx.t(ChgMsg::NewTemplate)) }
            }
        }
        p.lead { (ctx.t(ChgMsg::TemplatesIntro)) }
        @if let Some(n) = flash(&ctx, &q.m) { (widgets::notice(n)) }
        @if list.is_empty() { p.empty { (ctx.t(ChgMsg::CatalogueEmpty)) } }
        ul.template-list #template-admin {
            @for t in &list {
                @let id = t.row.id;
                li.panel.template-item.retired[!t.is_active()] {
                    div.template-head {
                        h2 { (t.row.name) }
                        span class={ "badge " (if t.is_active() { "state-open" } else { "state-closed" }) } {
                            (ctx.t(if t.is_active() { ChgMsg::TemplateActive } else { ChgMsg::TemplateRetired }))
                        }
                    }
                    (facts(&ctx, t))
                    div.template-actions {
                        a.btn.btn-small href={ "/changes/templates/" (id) "/edit" } { (ctx.t(Msg::Edit)) }
                        form.inline method="post" action={ "/changes/templates/" (id) "/active" } {
                            (widgets::csrf(&ctx.csrf))
                            input type="hidden" name="version" value=(t.row.version);
                            input type="hidden" name="active" value=(if t.is_active() { "false" } else { "true" });
                            button.btn.btn-small type="submit" {
                                (ctx.t(if t.is_active() { ChgMsg::Retire } else { ChgMsg::Reactivate }))
                            }
                        }
                        form.inline method="post" action={ "/changes/templates/" (id) "/delete" }
                            data-confirm=(ctx.t(ChgMsg::ConfirmDeleteTemplate)) {
                            (widgets::csrf(&ctx.csrf))
                            button.btn.btn-small.btn-quiet type="submit" { (ctx.t(ChgMsg::DeleteTemplate)) }
                        }
                    }
                }
            }
        }
    };
    super::ok(layout::page(&ctx, ctx.t(ChgMsg::TemplatesTitle), body))
}

/// The template form as posted (the CIs, a repeated key, apart).
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct TemplateForm {
    name: String,
    description: String,
    category: String,
    service: String,
    duration_minutes: String,
    implementation_plan: String,
    backout_plan: String,
    test_plan: String,
    version: String,
    #[serde(skip)]
    cis: Vec<String>,
}

impl TemplateForm {
    fn of(t: &TemplateView) -> Self {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let r = &t.row;
        TemplateForm {
            name: r.name.clone(),
            description: r.description.clone(),
            category: text(&r.category),
            service: text(&t.service_name),
            duration_minutes: r.duration_minutes.map(|m| m.to_string()).unwrap_or_default(),
            implementation_plan: text(&r.implementation_plan),
            backout_plan: text(&r.backout_plan),
            test_plan: text(&r.test_plan),
            version: r.version.to_string(),
            cis: t.cis.iter().map(|(id, _)| id.to_string()).collect(),
        }
    }

    fn chosen_cis(&self) -> Vec<i64> {
        self.cis.iter().filter_map(|c| c.trim().parse().ok()).collect()
    }

    /// The duration as a number (blank: none), or its message.
    fn minutes(&self) -> Result<Option<i64>, FieldError> {
        let v = self.duration_minutes.trim();
        if v.is_empty() {
            return Ok(None);
        }
        v.parse().map(Some).map_err(|_| {
            let m = Code::Between.msg("must be between 15 and 43200 minutes").with("min", 15).with("max", 43_200);
            FieldError::new("duration_minutes", m)
        })
    }
}

fn opt(v: &str) -> Option<String> {
    let v = v.trim();
    (!v.is_empty()).then(|| v.replace("\r\n", "\n"))
}

fn patch(v: &str) -> Patch<String> {
    opt(v).map_or(Patch::Clear, Patch::Set)
}

fn posted(pairs: Vec<(String, String)>) -> Result<TemplateForm, AppError> {
    let (mut f, cis): (TemplateForm, _) =
        incident_cis::split_form(pairs, "cis").map_err(|e| AppError::field("query", crate::error::malformed(e)))?;
    f.cis = cis;
    Ok(f)
}

/// The fields the form shows beside their controls.
const OWN: [&str; 9] = [
    "name",
    "description",
    "category",
    "duration_minutes",
    "service",
    "cis",
    "implementation_plan",
    "backout_plan",
    "test_plan",
];

/// The form: new (`id` none) or an edit.
async fn form_page(
    s: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    f: &TemplateForm,
    errs: widgets::Errors,
    status: StatusCode,
) -> UiResult {
    let services = s.app.catalog(&ctx.actor, None).await.or_page(ctx)?;
    let classes = cmdb_widgets::Classes::load(s).await.or_page(ctx)?;
    let picker = incident_cis::load(s, ctx, &services, &f.service, &f.chosen_cis()).await.or_page(ctx)?;
    let field = |fid, name, label| widgets::Field::new(ctx.lang, fid, name, label, &errs);
    let title = ctx.t(if id.is_some() { ChgMsg::EditTemplate } else { ChgMsg::NewTemplate });
    let action = id.map_or(CATALOGUE.to_owned(), |id| format!("/changes/templates/{id}"));
    let body = html! {
        div.narrow {
            h1 { (title) }
            p.lead { (ctx.t(ChgMsg::TemplatesIntro)) }
            (super::record_form::summary(ctx, &errs, |f| OWN.contains(&f)))
            form.template-form #template-form method="post" action=(action) {
                (widgets::csrf(&ctx.csrf))
                input type="hidden" name="version" value=(f.version);
                (widgets::Field { required: true, ..field("template-name", "name", ctx.t(ChgMsg::TemplateName)) }.input(&f.name))
                (field("template-description", "description", ctx.t(Msg::Description)).textarea(&f.description, 3))
                (field("template-category", "category", ctx.t(Msg::Category)).input(&f.category))
                (widgets::Field { kind: Some("number"), hint: Some(ctx.t(ChgMsg::DurationHint)),
                    ..field("template-duration", "duration_minutes", ctx.t(ChgMsg::Duration)) }.input(&f.duration_minutes))
                (incident_cis::service_select(ctx, &services, &f.service, &errs))
                (incident_cis::render(ctx, &picker, &f.chosen_cis(), &classes, &errs))
                fieldset.plans {
                    legend { (ctx.t(ChgMsg::PlansTitle)) }
                    (field("implementation_plan", "implementation_plan", ctx.t(ChgMsg::ImplementationPlan)).textarea(&f.implementation_plan, 5))
                    (field("backout_plan", "backout_plan", ctx.t(ChgMsg::BackoutPlan)).textarea(&f.backout_plan, 4))
                    (field("test_plan", "test_plan", ctx.t(ChgMsg::TestPlan)).textarea(&f.test_plan, 4))
                }
                div.form-actions {
                    button.btn.btn-primary #save-template type="submit" { (ctx.t(ChgMsg::SaveTemplate)) }
                    a.btn.btn-quiet href=(MANAGE) { (ctx.t(Msg::Cancel)) }
                }
            }
        }
    };
    Ok(html(status, layout::page(ctx, title, body)))
}

pub async fn new(State(s): State<AppState>, ctx: Ctx) -> UiResult {
    keepers_only(&ctx)?;
    form_page(&s, &ctx, None, &TemplateForm::default(), widgets::Errors::default(), StatusCode::OK).await
}

/// A refused save shows the form again with each message beside its field.
async fn refused(s: &AppState, ctx: &Ctx, id: Option<i64>, f: &TemplateForm, e: AppError) -> UiResult {
    match e {
        AppError::Invalid(errs) => {
            form_page(s, ctx, id, f, widgets::Errors(errs), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        AppError::Stale { .. } => {
            let errs = widgets::Errors(vec![FieldError::new("version", Code::VersionDiffers.msg("stale"))]);
            form_page(s, ctx, id, f, errs, StatusCode::CONFLICT).await
        }
        e => Err(ctx.fail(e)),
    }
}

pub async fn create(State(s): State<AppState>, ctx: Ctx, Form(pairs): Form<Vec<(String, String)>>) -> UiResult {
    keepers_only(&ctx)?;
    let f = posted(pairs).or_page(&ctx)?;
    let minutes = match f.minutes() {
        Ok(m) => m,
        Err(e) => return refused(&s, &ctx, None, &f, AppError::Invalid(vec![e])).await,
    };
    let new = NewTemplate {
        name: f.name.clone(),
        description: opt(&f.description),
        category: opt(&f.category),
        service: opt(&f.service),
        cis: f.chosen_cis(),
        implementation_plan: opt(&f.implementation_plan),
        backout_plan: opt(&f.backout_plan),
        test_plan: opt(&f.test_plan),
        duration_minutes: minutes,
    };
    match s.app.add_change_template(&ctx.actor, new).await {
        Ok(_) => see_other(&format!("{MANAGE}?m=saved")),
        Err(e) => refused(&s, &ctx, None, &f, e).await,
    }
}

pub async fn edit(State(s): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> UiResult {
    keepers_only(&ctx)?;
    let t = s.app.change_template(&ctx.actor, id).await.or_page(&ctx)?;
    form_page(&s, &ctx, Some(id), &TemplateForm::of(&t), widgets::Errors::default(), StatusCode::OK).await
}

pub async fn update(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> UiResult {
    keepers_only(&ctx)?;
    let f = posted(pairs).or_page(&ctx)?;
    let minutes = match f.minutes() {
        Ok(m) => m,
        Err(e) => return refused(&s, &ctx, Some(id), &f, AppError::Invalid(vec![e])).await,
    };
    let p = TemplatePatch {
        name: Some(f.name.clone()),
        description: Some(opt(&f.description).unwrap_or_default()),
        category: patch(&f.category),
        service: patch(&f.service),
        cis: Some(f.chosen_cis()),
        implementation_plan: patch(&f.implementation_plan),
        backout_plan: patch(&f.backout_plan),
        test_plan: patch(&f.test_plan),
        duration_minutes: minutes.map_or(Patch::Clear, Patch::Set),
        active: None,
    };
    match s.app.update_change_template(&ctx.actor, id, f.version.trim().parse().ok(), p).await {
        Ok(_) => see_other(&format!("{MANAGE}?m=saved")),
        Err(e) => refused(&s, &ctx, Some(id), &f, e).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ActiveForm {
    version: String,
    active: String,
}

/// Retire or reactivate; a refusal (a name taken meanwhile, a stale
/// version) is the error page with its reason.
pub async fn set_active(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ActiveForm>,
) -> UiResult {
    keepers_only(&ctx)?;
    let p = TemplatePatch { active: Some(f.active == "true"), ..TemplatePatch::default() };
    s.app.update_change_template(&ctx.actor, id, f.version.trim().parse().ok(), p).await.or_page(&ctx)?;
    see_other(&format!("{MANAGE}?m=saved"))
}

pub async fn delete(State(s): State<AppState>, ctx: Ctx, Path(id): Path<i64>, Form(_): Form<VersionForm>) -> UiResult {
    keepers_only(&ctx)?;
    match s.app.remove_change_template(&ctx.actor, id).await.or_page(&ctx)? {
        Removed::Deleted => see_other(&format!("{MANAGE}?m=deleted")),
        Removed::Retired(_) => see_other(&format!("{MANAGE}?m=retired")),
    }
}
