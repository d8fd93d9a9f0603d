//! `/cmdb/new` and `/cmdb/{id}/edit`: a CI's fields and one input per
//! attribute of its class, typed by kind. Both post to the app's upsert; a
//! refused form comes back with the input and each message beside its
//! field. Catalog fields are shown for services to managers and admins.

use super::cmdb_draft::{ATTR, CiForm, form_field};
use super::{
    Ctx, OrPage, UiResult,
    cmdb_texts::CmdbMsg,
    cmdb_widgets::{Classes, sort_by_name},
    cmdb_words, html, layout, see_other, staff_only, widgets,
};
use crate::{
    AppState,
    i18n::{self, Msg},
};
use axum::{
    Form,
    extract::{Path, Query, State, rejection::PathRejection},
    http::StatusCode,
};
use maud::{Markup, html};
use serde::Deserialize;
use std::sync::Arc;
use steward_app::{
    AppError, FieldError,
    cmdb::{Batch, Outcome},
};
use steward_domain::cmdb::{AttrType, Attribute, CiStatus, Criticality, PortfolioStatus, Schema, is_service};

/// The options the form offers.
struct Choices {
    schema: Arc<Schema>,
    classes: Classes,
    groups: Vec<(String, String)>,
    calendars: Vec<(String, String)>,
    organisations: Vec<String>,
    /// Whether the catalog fields are shown and sent.
    catalog: bool,
}

async fn choices(s: &AppState, ctx: &Ctx, class: &str) -> Result<Choices, AppError> {
    let schema = s.app.cmdb_view(|v| v.schema.clone()).await?;
    let catalog = is_service(&schema, class) && steward_domain::access::can_manage_catalog(ctx.actor.role).is_ok();
    let (calendars, organisations) = if catalog {
        let cal = s.app.support_hours_names().await?.into_iter().map(|(id, n)| (id.to_string(), n)).collect();
        (cal, s.app.list_organisations().await?.into_iter().map(|o| o.name).collect())
    } else {
        (Vec::new(), Vec::new())
    };
    let (mut calendars, mut organisations) = (calendars, organisations);
    let mut groups: Vec<(String, String)> =
        s.app.list_groups().await?.into_iter().map(|g| (g.name.clone(), g.name)).collect();
    sort_by_name(&mut groups, |g| &g.1);
    sort_by_name(&mut calendars, |c: &(String, String)| &c.1);
    sort_by_name(&mut organisations, |o: &String| o);
    Ok(Choices { classes: Classes::load(s).await?, groups, schema, calendars, organisations, catalog })
}

fn with_none(ctx: &Ctx, options: impl IntoIterator<Item = (String, String)>) -> Vec<(String, String)> {
    std::iter::once((String::new(), ctx.t(Msg::NoneOption).to_owned())).chain(options).collect()
}

fn words<T: Copy>(all: &[T], key: fn(T) -> &'static str, label: impl Fn(&str) -> String) -> Vec<(String, String)> {
    all.iter().map(|w| (key(*w).to_owned(), label(key(*w)))).collect()
}

/// One attribute's control, by kind.
fn attribute(ctx: &Ctx, a: &Attribute, value: &str, errors: &widgets::Errors) -> Markup {
    let (id, name) = (format!("attr-{}", a.name), format!("{ATTR}{}", a.name));
    let label = super::cmdb_words::attribute(ctx.lang, &a.name, a.label.as_deref());
    let hint = match &a.kind {
        AttrType::Reference { class } => Some(i18n::tf(ctx.lang, CmdbMsg::ReferenceHint, &[("class", class)])),
        _ => None,
    };
    let field = widgets::Field {
        required: a.required,
        hint: hint.as_deref(),
        kind: match a.kind {
            AttrType::Integer | AttrType::Decimal | AttrType::Reference { .. } => Some("number"),
            AttrType::Date => Some("date"),
            _ => None,
        },
        ..widgets::Field::new(ctx.lang, &id, &name, &label, errors)
    };
    match &a.kind {
        AttrType::Enum { values } => {
            field.select(&with_none(ctx, values.iter().map(|v| (v.clone(), v.clone()))), value)
        }
        AttrType::Boolean => html! {
            div class={ "field" @if field.error.is_some() { " has-error" } } {
                label.check { input type="checkbox" id=(id) name=(name) value="true" checked[value == "true"]; " " (label) }
                @if let Some(e) = &field.error { p.field-error id={ (id) "-error" } { (e) } }
            }
        },
        _ => field.input(value),
    }
}

fn catalog_fields(ctx: &Ctx, c: &Choices, f: &CiForm, errors: &widgets::Errors) -> Markup {
    let lang = ctx.lang;
    let field = |id: &'static str, label: CmdbMsg| widgets::Field::new(lang, id, id, ctx.t(label), errors);
    let tiers = with_none(ctx, (1..=4).map(|t| (t.to_string(), t.to_string())));
    let portfolio = with_none(
        ctx,
        words(PortfolioStatus::ALL, PortfolioStatus::as_str, |k| cmdb_words::portfolio(lang, k).into_owned()),
    );
    let consumers = field("consumers", CmdbMsg::UsedBy);
    html! {
        fieldset #catalog-fieldset {
            legend { (ctx.t(CmdbMsg::CatalogFields)) }
            (field("owner", CmdbMsg::ServiceOwner).input(&f.owner))
            (field("support_calendar_id", CmdbMsg::SupportHours).select(&with_none(ctx, c.calendars.clone()), &f.support_calendar_id))
            (field("tier", CmdbMsg::Tier).select(&tiers, &f.tier))
            (field("portfolio_status", CmdbMsg::PortfolioStatus).select(&portfolio, &f.portfolio_status))
            div.field {
                label.check {
                    input type="checkbox" id="requester_visible" name="requester_visible" value="true" checked[f.requester_visible];
                    " " (ctx.t(CmdbMsg::VisibleToRequesters))
                }
            }
            div class={ "field" @if consumers.error.is_some() { " has-error" } } {
                label for="consumers" { (ctx.t(CmdbMsg::UsedBy)) }
                select #consumers name="consumers" multiple size="5" {
                    @for o in &c.organisations { option value=(o) selected[f.consumers.contains(o)] { (o) } }
                }
                @if let Some(e) = &consumers.error { p.field-error #consumers-error { (e) } }
            }
        }
    }
}

/// The page: the class chooser (new only) and the form.
fn page(ctx: &Ctx, c: &Choices, f: &CiForm, errors: &widgets::Errors, id: Option<i64>, status: StatusCode) -> UiResult {
    let lang = ctx.lang;
    let label = |name: &str| cmdb_words::field(lang, name).into_owned();
    let names = ["name", "status", "criticality", "owner_group", "location", "vendor", "description"].map(label);
    let field = |i: usize, key: &'static str| widgets::Field::new(lang, key, key, &names[i], errors);
    let statuses = words(CiStatus::ALL, CiStatus::as_str, |k| cmdb_words::status(lang, k).into_owned());
    let crits = words(Criticality::ALL, Criticality::as_str, |k| cmdb_words::criticality(lang, k).into_owned());
    let attrs = c.schema.attributes(&f.class);
    let class_name = c.classes.name(lang, &f.class).into_owned();
    let title = match id {
        Some(_) => i18n::tf(lang, CmdbMsg::EditCiTitle, &[("name", &f.name)]),
        None => ctx.t(CmdbMsg::NewCiTitle).to_owned(),
    };
    let action = id.map_or_else(|| "/cmdb/new".to_owned(), |id| format!("/cmdb/{id}/edit"));
    let mut shown: Vec<String> =
        ["class", "name", "status", "criticality", "owner_group", "location", "vendor", "description"]
            .map(str::to_owned)
            .to_vec();
    shown.extend(attrs.iter().map(|a| format!("{ATTR}{}", a.name)));
    if c.catalog {
        shown.extend(["owner", "support_calendar_id", "tier", "portfolio_status", "consumers"].map(str::to_owned));
    }
    let shown: Vec<&str> = shown.iter().map(String::as_str).collect();
    let class_field = widgets::Field::new(lang, "class", "class", ctx.t(CmdbMsg::CiClass), errors);
    let body = html! {
        div.page-head {
            h1 { (title) }
            @if let Some(id) = id { a href={ "/cmdb/" (id) } { "← " (f.name) } }
        }
        @if !errors.is_empty() {
            div.notice.error role="alert" {
                (ctx.t(Msg::FixErrors))
                ul { @for e in errors.others(&shown) { li { (cmdb_words::field(lang, &e.field)) ": " (i18n::app_message(lang, e)) } } }
            }
        }
        @if id.is_none() {
            form.filters #class-form method="get" action="/cmdb/new" {
                (class_field.select(&c.classes.options(lang), &f.class))
                div.filter-actions { button.btn #change-class type="submit" { (ctx.t(CmdbMsg::ChangeClass)) } }
            }
        }
        form.incident-form #ci-form method="post" action=(action) novalidate {
            (widgets::csrf(&ctx.csrf))
            input type="hidden" name="class" value=(f.class);
            @if id.is_some() { p { (ctx.t(CmdbMsg::CiClass)) ": " strong #form-class { (class_name) } } }
            (widgets::Field { required: true, ..field(0, "name") }.input(&f.name))
            (field(1, "status").select(&with_none(ctx, statuses), &f.status))
            (field(2, "criticality").select(&with_none(ctx, crits), &f.criticality))
            (field(3, "owner_group").select(&with_none(ctx, c.groups.clone()), &f.owner_group))
            (widgets::Field { hint: Some(ctx.t(CmdbMsg::LocationHint)), ..field(4, "location") }.input(&f.location))
            (field(5, "vendor").input(&f.vendor))
            (field(6, "description").textarea(&f.description, 4))
            @if !attrs.is_empty() {
                fieldset #attributes-fieldset {
                    legend { (ctx.t(CmdbMsg::Attributes)) }
                    @for a in &attrs { (attribute(ctx, a, f.attribute(&a.name), errors)) }
                }
            }
            @if c.catalog { (catalog_fields(ctx, c, f, errors)) }
            div.form-actions {
                button.btn.btn-primary #save-ci type="submit" {
                    (if id.is_some() { ctx.t(Msg::SaveChanges) } else { ctx.t(CmdbMsg::CreateCi) })
                }
                a.btn.btn-quiet href=(id.map_or_else(|| "/cmdb".to_owned(), |id| format!("/cmdb/{id}"))) { (ctx.t(Msg::Cancel)) }
            }
        }
    };
    Ok(html(status, layout::page(ctx, &title, body)))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    class: String,
}

pub async fn new(State(s): State<AppState>, ctx: Ctx, Query(q): Query<NewQuery>) -> UiResult {
    staff_only(&ctx)?;
    let class = if q.class.is_empty() { "server".to_owned() } else { q.class };
    let c = choices(&s, &ctx, &class).await.or_page(&ctx)?;
    let f = CiForm { class, ..CiForm::default() };
    page(&ctx, &c, &f, &widgets::Errors::default(), None, StatusCode::OK)
}

/// Sends the form to the upsert: the CI's id and what became of it, or
/// the form again with the messages.
async fn save(s: &AppState, ctx: &Ctx, f: &CiForm, id: Option<i64>) -> Result<(i64, Outcome), UiResult> {
    let c = choices(s, ctx, &f.class).await.or_page(ctx).map_err(Err)?;
    let attrs = c.schema.attributes(&f.class);
    let result = match f.to_input(&attrs, id, c.catalog) {
        Ok(item) => s.app.upsert_cis(&ctx.actor, Batch { items: vec![item], relations: Vec::new() }).await,
        Err(errs) => Err(AppError::Invalid(errs)),
    };
    match result {
        Ok(report) => {
            report.items.first().map(|o| (o.id, o.outcome)).ok_or_else(|| Err(ctx.fail(AppError::NotFound("CI"))))
        }
        Err(AppError::Invalid(errs)) => {
            let errs = errs.into_iter().map(|e| FieldError { field: form_field(&e.field), ..e }).collect();
            Err(page(ctx, &c, f, &widgets::Errors(errs), id, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(Err(ctx.fail(e))),
    }
}

pub async fn create(State(s): State<AppState>, ctx: Ctx, Form(pairs): Form<Vec<(String, String)>>) -> UiResult {
    staff_only(&ctx)?;
    let f = CiForm::from_pairs(pairs);
    match save(&s, &ctx, &f, None).await {
        Ok((id, Outcome::Created)) => see_other(&format!("/cmdb/{id}?m=created")),
        Ok((id, Outcome::Updated)) => see_other(&format!("/cmdb/{id}?m=matched")),
        Ok((id, Outcome::Unchanged)) => see_other(&format!("/cmdb/{id}?m=unchanged")),
        Err(page) => page,
    }
}

/// A CI id from the path; anything else names no CI.
pub fn ci_id(ctx: &Ctx, p: Result<Path<i64>, PathRejection>) -> Result<i64, super::Failure> {
    p.map(|Path(id)| id).map_err(|_| ctx.fail(AppError::NotFound("CI")))
}

pub async fn edit(State(s): State<AppState>, ctx: Ctx, id: Result<Path<i64>, PathRejection>) -> UiResult {
    staff_only(&ctx)?;
    let id = ci_id(&ctx, id)?;
    let row = s.app.ci(&ctx.actor, id, None).await.or_page(&ctx)?.row;
    let c = choices(&s, &ctx, &row.class).await.or_page(&ctx)?;
    let (owner, consumers) = if c.catalog {
        let users = s.app.list_users(Some(&ctx.actor)).await.or_page(&ctx)?;
        let owner = users.into_iter().find(|u| Some(u.id) == row.owner_id).map(|u| u.username);
        (owner, s.app.ci_extras(id).await.or_page(&ctx)?.0.into_iter().map(|c| c.organisation).collect())
    } else {
        (None, Vec::new())
    };
    let f = CiForm::from_row(&row, owner, consumers);
    page(&ctx, &c, &f, &widgets::Errors::default(), Some(id), StatusCode::OK)
}

pub async fn update(
    State(s): State<AppState>,
    ctx: Ctx,
    id: Result<Path<i64>, PathRejection>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> UiResult {
    staff_only(&ctx)?;
    let id = ci_id(&ctx, id)?;
    let row = s.app.ci(&ctx.actor, id, None).await.or_page(&ctx)?.row;
    // The class is not changed here: the form's attributes are its.
    let f = CiForm { class: row.class, ..CiForm::from_pairs(pairs) };
    match save(&s, &ctx, &f, Some(id)).await {
        Ok((id, _)) => see_other(&format!("/cmdb/{id}?m=saved")),
        Err(page) => page,
    }
}
