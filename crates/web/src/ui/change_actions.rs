//! What the change page posts of its own: the approval; and its state
//! change (the handler, comments, files and downloads are every kind's:
//! `record_actions`). A refusal renders the page again with the input and
//! the reason; a stale version offers the latest one.

use super::change_texts::ChgMsg;
use super::{
    Ctx, OrPage, UiResult,
    change::{ChangePage, TransitionDraft, View},
    record_actions::{Refused, StateChange, done},
    record_form::opt,
    record_page::RecordPage,
    widgets,
};
use crate::AppState;
use axum::{
    Form,
    extract::{Path, State},
    http::StatusCode,
};
use serde::Deserialize;
use steward_app::{AppError, FieldError, changes::ChangeTransitionInput};
use steward_domain::number::RecordKind;

/// The page again after a refused post, `fill`ed from the refusal.
fn refusal(ctx: &Ctx, refused: Refused, fill: impl FnOnce(&mut View, widgets::Errors)) -> View {
    let mut view = View::default();
    match refused {
        Refused::Fields(errs) => fill(&mut view, super::desk::errors(errs)),
        Refused::Move(message) => fill(&mut view, super::desk::errors(vec![FieldError::new("state", message)])),
        Refused::Stale => view.alert = Some((ctx.t(ChgMsg::StaleChange).to_owned(), true)),
    }
    view
}

impl StateChange for ChangePage {
    async fn change(s: &AppState, ctx: &Ctx, n: &str, f: &TransitionDraft) -> Result<i64, AppError> {
        let input = ChangeTransitionInput {
            state: f.state.clone(),
            close_code: opt(&f.close_code),
            review_notes: opt(&f.review_notes),
            cancel_reason: opt(&f.cancel_reason),
        };
        Ok(s.app.transition_change(&ctx.actor, n, f.version.trim().parse().ok(), input).await?.record.number)
    }

    fn refused(ctx: &Ctx, f: TransitionDraft, refused: Refused) -> View {
        refusal(ctx, refused, |v, errs| v.transition = Some((f, errs)))
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ApproveForm {
    version: String,
    comment: String,
    /// `approve` (the default) or `reject`.
    decision: String,
}

/// Approves the change: back to the page, or the page again with the
/// comment and why not (not in authorization, one's own change, a role
/// that may not approve).
pub async fn approve(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(n): Path<String>,
    Form(f): Form<ApproveForm>,
) -> UiResult {
    ChangePage::may_post(&ctx)?;
    let version = f.version.trim().parse().ok();
    let decided = if f.decision == "reject" {
        s.app.reject_change(&ctx.actor, &n, version, opt(&f.comment)).await.map(|c| (c, "rejected"))
    } else {
        let approved = s.app.approve_change(&ctx.actor, &n, version, opt(&f.comment)).await;
        approved.map(|c| {
            let flash = if c.is_approved() { "approved" } else { "decided" };
            (c, flash)
        })
    };
    let e = match decided {
        Ok((c, flash)) => return done(RecordKind::Change, c.record.number, flash),
        Err(e) => e,
    };
    // Refused by role or relation: the reason goes beside the form.
    let (refused, status) = match e {
        AppError::Forbidden(why) => (Refused::Fields(vec![FieldError::new("approve", why)]), StatusCode::FORBIDDEN),
        e => {
            let refused = Refused::of(e).or_page(&ctx)?;
            let status = refused.status();
            (refused, status)
        }
    };
    let view = refusal(&ctx, refused, |v, errs| v.own.approve = Some((f.comment, errs)));
    ChangePage::respond(&s, &ctx, &n, view, status).await
}
