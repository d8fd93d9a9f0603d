//! The desk's new-incident and edit pages. A rejected form comes back with
//! the user's input and each message beside its field; an edit based on
//! an old version is refused with a way to load the new one.

use super::{
    Ctx, OrPage, UiResult, cmdb_widgets, html, incident_cis,
    incident_form::{self, Choices, IncidentForm, Mode},
    layout, see_other, staff_only, suggestions, widgets,
};
use crate::{
    AppState,
    i18n::{self, Msg},
};
use axum::{
    Form,
    extract::{Path, State},
    http::StatusCode,
};
use futures_util::future::try_join_all;
use maud::html;
use steward_app::{AppError, incidents::number, search::RecordHit};

/// The options, with the CIs of the service `v` names.
async fn choices(s: &AppState, ctx: &Ctx, v: &IncidentForm) -> Result<Choices, AppError> {
    choices_for(s, ctx, &v.service, &v.chosen_cis()).await
}

/// The options of a record form whose service is `service` and whose
/// chosen CIs are `chosen` (the incident's and the problem's forms).
pub(super) async fn choices_for(s: &AppState, ctx: &Ctx, service: &str, chosen: &[i64]) -> Result<Choices, AppError> {
    let groups = s.app.list_groups().await?;
    // One read per group: groups are few, and there is no bulk membership
    // query in the store yet.
    let members = try_join_all(groups.iter().map(|g| s.app.group_members(g.id))).await?;
    let users = s.app.list_users(Some(&ctx.actor)).await?.into_iter().filter(|u| u.active != 0).collect();
    let groups =
        groups.into_iter().zip(members).map(|(g, m)| (g, m.into_iter().filter(|u| u.active != 0).collect())).collect();
    let services = s.app.catalog(&ctx.actor, None).await?;
    let classes = cmdb_widgets::Classes::load(s).await?;
    let picker = incident_cis::load(s, ctx, &services, service, chosen).await?;
    Ok(Choices { groups, users, services, classes, picker })
}

/// The form as posted: its fields and the ticked CIs (a repeated key,
/// which `axum::Form` cannot put in a struct).
fn posted(pairs: Vec<(String, String)>) -> Result<IncidentForm, AppError> {
    let (mut v, cis): (IncidentForm, _) =
        incident_cis::split_form(pairs, "cis").map_err(|e| AppError::field("query", crate::error::malformed(e)))?;
    v.cis = cis;
    Ok(v)
}

/// One showing of the form: 200 at first, 422 or 409 when refused.
struct View<'a> {
    mode: Mode<'a>,
    values: &'a IncidentForm,
    errors: widgets::Errors,
    stale: bool,
    status: StatusCode,
    /// A new incident's suggestions, once looked up.
    suggested: Option<Vec<RecordHit>>,
}

impl<'a> View<'a> {
    fn first(mode: Mode<'a>, values: &'a IncidentForm) -> Self {
        View { mode, values, errors: widgets::Errors::default(), stale: false, status: StatusCode::OK, suggested: None }
    }
}

fn page(ctx: &Ctx, s: &AppState, c: &Choices, view: View) -> UiResult {
    let View { mode, values: v, errors, stale, status, suggested } = view;
    // "None match" only once there were words to look up.
    let asked = suggested.is_some() && !(v.title.trim().is_empty() && v.description.trim().is_empty());
    let title = match &mode {
        Mode::New => ctx.t(Msg::NewIncidentTitle).to_owned(),
        Mode::Edit { number } => i18n::tf(ctx.lang, Msg::EditIncidentTitle, &[("number", number)]),
    };
    let reload = match &mode {
        Mode::Edit { number } => format!("/incidents/{number}/edit"),
        Mode::New => String::new(),
    };
    let body = html! {
        div.page-head {
            h1 { (title) }
            @if let Mode::Edit { number } = &mode { a href={ "/incidents/" (number) } { "← " (number) } }
        }
        @if stale {
            (widgets::alert(&format!("{} {}", ctx.t(Msg::StaleEdit), ctx.t(Msg::StaleKept)), Some((&reload, ctx.t(Msg::ReloadLatest)))))
        }
        (incident_form::render(ctx, &s.app.config.priority_matrix, mode, v, &errors, c, (suggested.as_deref().unwrap_or_default(), asked)))
    };
    Ok(html(status, layout::page(ctx, &title, body)))
}

pub async fn new(State(s): State<AppState>, ctx: Ctx) -> UiResult {
    if !ctx.actor.is_staff() {
        return see_other("/portal/report");
    }
    let v = IncidentForm::blank();
    let c = choices(&s, &ctx, &v).await.or_page(&ctx)?;
    page(&ctx, &s, &c, View::first(Mode::New, &v))
}

pub async fn create(State(s): State<AppState>, ctx: Ctx, Form(pairs): Form<Vec<(String, String)>>) -> UiResult {
    staff_only(&ctx)?;
    let v = posted(pairs).or_page(&ctx)?;
    if !v.suggest.is_empty() {
        // "Find matching answers" without JavaScript: the form again, with them.
        let c = choices(&s, &ctx, &v).await.or_page(&ctx)?;
        let suggested = Some(suggestions::for_form(&s, &ctx, &v.title, &v.description).await);
        return page(&ctx, &s, &c, View { suggested, ..View::first(Mode::New, &v) });
    }
    let result = match v.to_new() {
        Ok(n) => s.app.create_incident(&ctx.actor, n).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(inc) => see_other(&format!("/incidents/{}?m=created", number(inc.number))),
        Err(AppError::Invalid(errors)) => {
            let c = choices(&s, &ctx, &v).await.or_page(&ctx)?;
            let suggested = Some(suggestions::for_form(&s, &ctx, &v.title, &v.description).await);
            let view = View {
                errors: widgets::Errors(errors),
                status: StatusCode::UNPROCESSABLE_ENTITY,
                suggested,
                ..View::first(Mode::New, &v)
            };
            page(&ctx, &s, &c, view)
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

pub async fn edit(State(s): State<AppState>, ctx: Ctx, Path(n): Path<String>) -> UiResult {
    let inc = s.app.get_incident(&ctx.actor, &n).await.or_page(&ctx)?;
    let viewer =
        steward_domain::access::Viewer { role: ctx.actor.role, is_requester: inc.requester_id == ctx.actor.id };
    steward_domain::access::can_edit(viewer).map_err(AppError::from).or_page(&ctx)?;
    let users = s.app.list_users(Some(&ctx.actor)).await.or_page(&ctx)?;
    let cis: Vec<i64> = s.app.incident_cis(&ctx.actor, inc.id).await.or_page(&ctx)?.into_iter().map(|c| c.id).collect();
    let v = IncidentForm::from_incident(&inc, &cis, &users);
    let c = choices(&s, &ctx, &v).await.or_page(&ctx)?;
    let n = number(inc.number);
    page(&ctx, &s, &c, View::first(Mode::Edit { number: &n }, &v))
}

pub async fn update(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(n): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> UiResult {
    let v = posted(pairs).or_page(&ctx)?;
    let result = match v.to_patch() {
        Ok((version, patch)) => s.app.update_incident(&ctx.actor, &n, version, patch).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    let (errors, stale, status) = match result {
        Ok(inc) => return see_other(&format!("/incidents/{}?m=saved", number(inc.number))),
        Err(AppError::Invalid(errors)) => (errors, false, StatusCode::UNPROCESSABLE_ENTITY),
        // Keep the version they loaded: sending the form again must fail
        // again until they have seen what changed.
        Err(AppError::Stale { .. } | AppError::VersionRequired) => (Vec::new(), true, StatusCode::CONFLICT),
        Err(e) => return Err(ctx.fail(e)),
    };
    let inc = s.app.get_incident(&ctx.actor, &n).await.or_page(&ctx)?;
    let c = choices(&s, &ctx, &v).await.or_page(&ctx)?;
    let n = number(inc.number);
    page(
        &ctx,
        &s,
        &c,
        View {
            mode: Mode::Edit { number: &n },
            values: &v,
            errors: widgets::Errors(errors),
            stale,
            status,
            suggested: None,
        },
    )
}
