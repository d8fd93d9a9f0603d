//! What the incident page posts of its own: state changes. (Comments,
//! files and downloads are every kind's: `record_actions`.) Success
//! redirects back to the page with a notice; a refusal renders the page
//! again with the input and message.

use super::{
    Ctx, OrPage, UiResult,
    incident::{TransitionDraft, View, respond},
    record_actions::{Refused, done},
    record_form::opt,
    widgets,
};
use crate::{
    AppState,
    i18n::{self, Msg},
};
use axum::{
    Form,
    extract::{Path, State},
};
use steward_app::incidents::TransitionInput;
use steward_domain::number::RecordKind;

pub async fn transition(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(n): Path<String>,
    Form(f): Form<TransitionDraft>,
) -> UiResult {
    let input = TransitionInput {
        state: f.state.clone(),
        hold_reason: opt(&f.hold_reason),
        resolution_code: opt(&f.resolution_code),
        resolution_notes: opt(&f.resolution_notes),
        comment: opt(&f.comment),
    };
    let refused = match s.app.transition_incident(&ctx.actor, &n, f.version.trim().parse().ok(), input).await {
        Ok(inc) => return done(RecordKind::Incident, inc.number, "state"),
        Err(e) => Refused::of(e).or_page(&ctx)?,
    };
    let status = refused.status();
    let view = match refused {
        Refused::Fields(errors) => {
            // A message about the state itself is the page's; the others
            // go beside their fields.
            let (field_errors, other): (Vec<_>, Vec<_>) = errors.into_iter().partition(|e| e.field != "state");
            let alert = other.first().map(|e| (widgets::sentence(&i18n::app_message(ctx.lang, e)), false));
            View { alert, transition: Some((f, widgets::Errors(field_errors))), ..View::default() }
        }
        Refused::Stale => {
            let alert = Some((ctx.t(Msg::StaleAction).to_owned(), true));
            View { alert, transition: Some((f, widgets::Errors::default())), ..View::default() }
        }
        Refused::Move(_) => View { alert: Some((ctx.t(Msg::TransitionRefused).to_owned(), true)), ..View::default() },
    };
    respond(&s, &ctx, &n, view, status).await
}
