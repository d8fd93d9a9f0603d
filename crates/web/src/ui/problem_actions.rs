//! What the problem page posts: a state change, publishing or withdrawing
//! the known error, linking and unlinking incidents, comments (through
//! `conversation`, as the incident page's); and its files' downloads. A refusal renders the
//! page again with the input and the messages; a stale version offers the
//! latest one.

use super::{
    Ctx, UiResult,
    conversation::{self, Sent},
    errors,
    problem::{self, TransitionDraft, View},
    see_other, widgets,
};
use crate::{AppState, api::discussion::serve_attachment, i18n::Msg};
use axum::{
    Form,
    extract::{Path, State},
    http::StatusCode,
};
use serde::Deserialize;
use steward_app::{
    AppError,
    problems::{ProblemTransitionInput, number},
};
use steward_domain::number::RecordKind;

fn opt(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

/// A refused post: the page again, with `view` filled from the error.
async fn refused(
    s: &AppState,
    ctx: &Ctx,
    n: &str,
    e: AppError,
    fill: impl FnOnce(&mut View, widgets::Errors),
) -> UiResult {
    let mut view = View::default();
    let status = match e {
        AppError::Invalid(errs) => {
            fill(&mut view, super::desk::errors(errs));
            StatusCode::UNPROCESSABLE_ENTITY
        }
        AppError::Transition { message, .. } => {
            let errs = vec![steward_app::FieldError::new("state", message)];
            fill(&mut view, super::desk::errors(errs));
            StatusCode::CONFLICT
        }
        AppError::Stale { .. } | AppError::VersionRequired => {
            view.alert = Some((ctx.t(Msg::StaleProblem).to_owned(), true));
            StatusCode::CONFLICT
        }
        e => return Err(ctx.fail(e)),
    };
    problem::respond(s, ctx, n, view, status).await
}

pub async fn transition(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(n): Path<String>,
    Form(f): Form<TransitionDraft>,
) -> UiResult {
    let input = ProblemTransitionInput {
        state: f.state.clone(),
        resolution_code: opt(&f.resolution_code),
        resolution_notes: opt(&f.resolution_notes),
        cancel_reason: opt(&f.cancel_reason),
        resolve_incidents: f.resolve_incidents.as_deref().is_some_and(|v| !v.is_empty()),
        incident_notes: opt(&f.incident_notes),
    };
    match s.app.transition_problem(&ctx.actor, &n, f.version.trim().parse().ok(), input).await {
        Ok(p) => see_other(&format!("/problems/{}?m=state", number(p.record.number))),
        Err(e) => refused(&s, &ctx, &n, e, |v, errs| v.transition = Some((f, errs))).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct KnownErrorForm {
    version: String,
    /// "1" publishes, anything else withdraws.
    publish: String,
}

pub async fn known_error(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(n): Path<String>,
    Form(f): Form<KnownErrorForm>,
) -> UiResult {
    let publish = f.publish == "1";
    match s.app.set_known_error(&ctx.actor, &n, f.version.trim().parse().ok(), publish).await {
        Ok(p) => {
            let m = if publish { "published" } else { "withdrawn" };
            see_other(&format!("/problems/{}?m={m}", number(p.record.number)))
        }
        Err(e) => refused(&s, &ctx, &n, e, |v, errs| v.known_error = errs).await,
    }
}

/// Incident numbers as typed: separated by spaces, commas or new lines.
pub fn numbers(typed: &str) -> Vec<String> {
    typed
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LinkForm {
    incidents: String,
}

/// The comment box: a comment or work note, with files.
pub async fn comment(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(n): Path<String>,
    req: axum::extract::Request,
) -> UiResult {
    super::staff_only(&ctx)?;
    let (draft, status) = match conversation::send(&s, &ctx, RecordKind::Problem, &n, req).await {
        Ok(Sent::Posted { files_only }) => return conversation::posted(RecordKind::Problem, &n, files_only),
        // The problem page offers no canned replies: the draft as it was.
        Ok(Sent::Insert { draft, .. }) => (draft, StatusCode::OK),
        Ok(Sent::Refused(draft, status)) => (draft, status),
        Err(e) => return Err(ctx.fail(e)),
    };
    problem::respond(&s, &ctx, &n, View { draft, ..View::default() }, status).await
}

pub async fn download(State(s): State<AppState>, ctx: Ctx, Path((n, id)): Path<(String, i64)>) -> UiResult {
    serve_attachment(&s, &ctx.actor, RecordKind::Problem, &n, id).await.map_err(|e| errors::api_error(&ctx, e).into())
}

pub async fn link(State(s): State<AppState>, ctx: Ctx, Path(n): Path<String>, Form(f): Form<LinkForm>) -> UiResult {
    match s.app.link_incidents(&ctx.actor, &n, None, &numbers(&f.incidents)).await {
        Ok(_) => see_other(&format!("/problems/{n}?m=linked")),
        Err(e) => refused(&s, &ctx, &n, e, |v, errs| v.link = Some((f.incidents, errs))).await,
    }
}

pub async fn unlink(State(s): State<AppState>, ctx: Ctx, Path((n, incident)): Path<(String, String)>) -> UiResult {
    match s.app.unlink_incident(&ctx.actor, &n, &incident, None).await {
        Ok(_) => see_other(&format!("/problems/{n}?m=unlinked")),
        Err(e) => refused(&s, &ctx, &n, e, |v, errs| v.link = Some((String::new(), errs))).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_split_however_they_are_typed() {
        assert_eq!(numbers(" INC0000001, INC0000002;3\nINC0000004 "), ["INC0000001", "INC0000002", "3", "INC0000004"]);
        assert!(numbers("  ,, ").is_empty());
    }
}
