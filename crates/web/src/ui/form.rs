//! The desk's new-incident and edit pages. A rejected form comes back with
//! the user's input and each message beside its field; an edit based on
//! an old version is refused with a way to load the new one.

use super::incident_texts::IncMsg;
use super::{
    Ctx, OrPage, UiResult,
    incident_form::{self, IncidentForm},
    record_actions::done,
    record_form::{self, Choices, Mode, Shown},
    see_other, staff_only, suggestions,
};
use crate::AppState;
use axum::{
    Form,
    extract::{Path, State},
};
use steward_app::{AppError, incidents::number, search::RecordHit};
use steward_domain::number::RecordKind;

const KIND: RecordKind = RecordKind::Incident;

async fn choices(s: &AppState, ctx: &Ctx, v: &IncidentForm) -> Result<Choices, AppError> {
    record_form::choices(s, ctx, &v.fields).await
}

/// The form as posted: its fields and the ticked CIs.
fn posted(pairs: Vec<(String, String)>) -> Result<IncidentForm, AppError> {
    record_form::posted(pairs, |f: &mut IncidentForm| &mut f.fields)
}

/// One showing of the form; a new incident's with its suggestions, once
/// looked up.
fn page(
    ctx: &Ctx,
    s: &AppState,
    c: &Choices,
    mode: Mode,
    v: &IncidentForm,
    shown: Shown,
    suggested: Option<Vec<RecordHit>>,
) -> UiResult {
    // "None match" only once there were words to look up.
    let asked = suggested.is_some() && !(v.fields.title.trim().is_empty() && v.fields.description.trim().is_empty());
    let stale = shown.stale.then_some(IncMsg::StaleEdit);
    let matrix = &s.app.config.priority_matrix;
    let form = incident_form::render(
        ctx,
        matrix,
        &mode,
        v,
        &shown.errors,
        c,
        (suggested.as_deref().unwrap_or_default(), asked),
    );
    record_form::page(ctx, KIND, &mode, IncMsg::NewIncidentTitle, stale, form, shown.status)
}

pub async fn new(State(s): State<AppState>, ctx: Ctx) -> UiResult {
    if !ctx.actor.is_staff() {
        return see_other("/portal/report");
    }
    let v = IncidentForm::blank();
    let c = choices(&s, &ctx, &v).await.or_page(&ctx)?;
    page(&ctx, &s, &c, Mode::New, &v, Shown::default(), None)
}

pub async fn create(State(s): State<AppState>, ctx: Ctx, Form(pairs): Form<Vec<(String, String)>>) -> UiResult {
    staff_only(&ctx)?;
    let v = posted(pairs).or_page(&ctx)?;
    let shown = if !v.suggest.is_empty() {
        // "Find matching answers" without JavaScript: the form again, with them.
        Shown::default()
    } else {
        let result = match v.to_new() {
            Ok(n) => s.app.create_incident(&ctx.actor, n).await,
            Err(errors) => Err(AppError::Invalid(errors)),
        };
        match result {
            Ok(inc) => return done(KIND, inc.number, "created"),
            Err(e) => Shown::refused(e, |e| e).or_page(&ctx)?,
        }
    };
    let c = choices(&s, &ctx, &v).await.or_page(&ctx)?;
    let suggested = Some(suggestions::for_form(&s, &ctx, &v.fields.title, &v.fields.description).await);
    page(&ctx, &s, &c, Mode::New, &v, shown, suggested)
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
    page(&ctx, &s, &c, Mode::Edit { number: &n }, &v, Shown::default(), None)
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
    let shown = match result {
        Ok(inc) => return done(KIND, inc.number, "saved"),
        Err(e) => Shown::refused(e, |e| e).or_page(&ctx)?,
    };
    let inc = s.app.get_incident(&ctx.actor, &n).await.or_page(&ctx)?;
    let c = choices(&s, &ctx, &v).await.or_page(&ctx)?;
    let n = number(inc.number);
    page(&ctx, &s, &c, Mode::Edit { number: &n }, &v, shown, None)
}
