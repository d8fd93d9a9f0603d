//! What the problem page posts of its own: publishing or withdrawing the
//! known error, linking and unlinking incidents; and its state change
//! (the handler, comments, files and downloads are every kind's:
//! `record_actions`). A refusal renders the page again with the input and
//! the messages; a stale version offers the latest one.

use super::problem_texts::PrbMsg;
use super::{
    Ctx, OrPage, UiResult,
    problem::{ProblemPage, TransitionDraft, View},
    record_actions::{Refused, StateChange, back, done},
    record_form::opt,
    record_page::RecordPage,
    see_other, widgets,
};
use crate::AppState;
use axum::{
    Form,
    extract::{Path, State},
};
use serde::Deserialize;
use steward_app::{AppError, FieldError, problems::ProblemTransitionInput};
use steward_domain::number::RecordKind;

const KIND: RecordKind = RecordKind::Problem;

/// The page again after a refused post, `fill`ed from the refusal.
fn refusal(ctx: &Ctx, refused: Refused, fill: impl FnOnce(&mut View, widgets::Errors)) -> View {
    let mut view = View::default();
    match refused {
        Refused::Fields(errs) => fill(&mut view, super::desk::errors(errs)),
        Refused::Move(message) => fill(&mut view, super::desk::errors(vec![FieldError::new("state", message)])),
        Refused::Stale => view.alert = Some((ctx.t(PrbMsg::StaleProblem).to_owned(), true)),
    }
    view
}

/// A refused post: the page again, with `view` filled from the error.
async fn refused(
    s: &AppState,
    ctx: &Ctx,
    n: &str,
    e: AppError,
    fill: impl FnOnce(&mut View, widgets::Errors),
) -> UiResult {
    let refused = Refused::of(e).or_page(ctx)?;
    let status = refused.status();
    ProblemPage::respond(s, ctx, n, refusal(ctx, refused, fill), status).await
}

impl StateChange for ProblemPage {
    async fn change(s: &AppState, ctx: &Ctx, n: &str, f: &TransitionDraft) -> Result<i64, AppError> {
        let input = ProblemTransitionInput {
            state: f.state.clone(),
            resolution_code: opt(&f.resolution_code),
            resolution_notes: opt(&f.resolution_notes),
            cancel_reason: opt(&f.cancel_reason),
            resolve_incidents: f.resolve_incidents.as_deref().is_some_and(|v| !v.is_empty()),
            incident_notes: opt(&f.incident_notes),
        };
        Ok(s.app.transition_problem(&ctx.actor, n, f.version.trim().parse().ok(), input).await?.record.number)
    }

    fn refused(ctx: &Ctx, f: TransitionDraft, refused: Refused) -> View {
        refusal(ctx, refused, |v, errs| v.transition = Some((f, errs)))
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
        Ok(p) => done(KIND, p.record.number, if publish { "published" } else { "withdrawn" }),
        Err(e) => refused(&s, &ctx, &n, e, |v, errs| v.own.known_error = errs).await,
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

pub async fn link(State(s): State<AppState>, ctx: Ctx, Path(n): Path<String>, Form(f): Form<LinkForm>) -> UiResult {
    match s.app.link_incidents(&ctx.actor, &n, None, &numbers(&f.incidents)).await {
        Ok(_) => see_other(&back(KIND, &n, "linked")),
        Err(e) => refused(&s, &ctx, &n, e, |v, errs| v.own.link = Some((f.incidents, errs))).await,
    }
}

pub async fn unlink(State(s): State<AppState>, ctx: Ctx, Path((n, incident)): Path<(String, String)>) -> UiResult {
    match s.app.unlink_incident(&ctx.actor, &n, &incident, None).await {
        Ok(_) => see_other(&back(KIND, &n, "unlinked")),
        Err(e) => refused(&s, &ctx, &n, e, |v, errs| v.own.link = Some((String::new(), errs))).await,
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
