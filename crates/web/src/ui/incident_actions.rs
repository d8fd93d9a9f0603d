//! The incident page's state change: what the panel's form asks of the use
//! case, and how a refusal shows on the page. (The handler, comments,
//! files and downloads are every kind's: `record_actions`.)

use super::incident_texts::IncMsg;
use super::{
    Ctx,
    incident::{IncidentPage, TransitionDraft, View},
    record_actions::{Refused, StateChange},
    record_form::opt,
    widgets,
};
use crate::{
    AppState,
    i18n::{self, Msg},
};
use steward_app::{AppError, incidents::TransitionInput};

impl StateChange for IncidentPage {
    async fn change(s: &AppState, ctx: &Ctx, n: &str, f: &TransitionDraft) -> Result<i64, AppError> {
        let input = TransitionInput {
            state: f.state.clone(),
            hold_reason: opt(&f.hold_reason),
            resolution_code: opt(&f.resolution_code),
            resolution_notes: opt(&f.resolution_notes),
            comment: opt(&f.comment),
        };
        Ok(s.app.transition_incident(&ctx.actor, n, f.version.trim().parse().ok(), input).await?.number)
    }

    fn refused(ctx: &Ctx, f: TransitionDraft, refused: Refused) -> View {
        match refused {
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
            Refused::Move(_) => {
                View { alert: Some((ctx.t(IncMsg::TransitionRefused).to_owned(), true)), ..View::default() }
            }
        }
    }
}
