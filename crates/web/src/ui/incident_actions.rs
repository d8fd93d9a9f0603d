//! What the incident page posts: state changes, comments, attachments;
//! and attachment downloads. Success redirects back to the page with a
//! notice; a refusal renders the page again with the input and message.

use super::{
    Ctx, UiResult,
    conversation::{self, Sent},
    errors,
    incident::{TransitionDraft, View, respond},
    see_other, widgets,
};
use crate::{
    AppState,
    api::{discussion::serve_attachment, incidents::read_file_part},
    i18n::{self, Msg},
};
use axum::{
    Form,
    extract::{Multipart, Path, State, multipart::MultipartRejection},
    http::StatusCode,
};
use steward_app::Code;
use steward_app::Message;
use steward_app::{
    AppError,
    incidents::{TransitionInput, number},
};
use steward_domain::number::RecordKind;

fn opt(s: &str) -> Option<String> {
    (!s.trim().is_empty()).then(|| s.to_owned())
}

fn back(n: &str, m: &str) -> String {
    let n = steward_app::incidents::parse_number(n).map(number).unwrap_or_else(|_| n.to_owned());
    format!("/incidents/{n}?m={m}")
}

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
    let result = s.app.transition_incident(&ctx.actor, &n, f.version.trim().parse().ok(), input).await;
    let (view, status) = match result {
        Ok(_) => return see_other(&back(&n, "state")),
        Err(AppError::Invalid(errors)) => {
            let (field_errors, other): (Vec<_>, Vec<_>) = errors.into_iter().partition(|e| e.field != "state");
            let problem = other.first().map(|e| (widgets::sentence(&i18n::app_message(ctx.lang, e)), false));
            (
                View { problem, transition: Some((f, widgets::Errors(field_errors))), ..View::default() },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(AppError::Stale { .. } | AppError::VersionRequired) => {
            let problem = Some((ctx.t(Msg::StaleAction).to_owned(), true));
            (
                View { problem, transition: Some((f, widgets::Errors::default())), ..View::default() },
                StatusCode::CONFLICT,
            )
        }
        Err(AppError::Transition { .. }) => (
            View { problem: Some((ctx.t(Msg::TransitionRefused).to_owned(), true)), ..View::default() },
            StatusCode::CONFLICT,
        ),
        Err(e) => return Err(ctx.fail(e)),
    };
    respond(&s, &ctx, &n, view, status).await
}

/// The comment form; `insert` adds a canned reply to the draft instead.
pub async fn comment(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(n): Path<String>,
    req: axum::extract::Request,
) -> UiResult {
    let (draft, status) = match conversation::send(&s, &ctx, RecordKind::Incident, &n, req).await {
        Ok(Sent::Posted { files_only }) => return conversation::posted(RecordKind::Incident, &n, files_only),
        Ok(Sent::Insert { mut draft, reply }) => {
            // Without JavaScript: the page again, the reply added to the draft.
            let d = super::incident::load(&s, &ctx, &n).await.map_err(|e| ctx.fail(e))?;
            draft.comment = super::desk::with_reply(&draft.comment, &d.replies, &reply);
            (draft, StatusCode::OK)
        }
        Ok(Sent::Refused(draft, status)) => (draft, status),
        Err(e) => return Err(ctx.fail(e)),
    };
    respond(&s, &ctx, &n, View { draft, ..View::default() }, status).await
}

/// "The file is too large: at most 10 MB."
fn too_large(max: usize) -> Message {
    crate::i18n_codes::ui(Code::FileTooLarge, &[("size", &i18n::size(max as u64))])
}

/// Multipart upload; the CSRF guard has read the form's `_csrf` part.
pub async fn upload(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(n): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> UiResult {
    let max = s.app.config.attachment_max_bytes;
    let too_large = || (StatusCode::PAYLOAD_TOO_LARGE, too_large(max));
    let no_file = || (StatusCode::UNPROCESSABLE_ENTITY, crate::i18n_codes::ui(Code::FileRequired, &[]));
    let read = match multipart {
        Ok(mut m) => read_file_part(&mut m, max)
            .await
            .map_err(|e| if e.status == StatusCode::PAYLOAD_TOO_LARGE { too_large() } else { no_file() }),
        Err(_) => Err(no_file()),
    };
    let (status, message) = match read {
        Ok((name, content_type, bytes)) => {
            match s.app.add_attachment(&ctx.actor, RecordKind::Incident, &n, &name, &content_type, bytes).await {
                Ok(_) => return see_other(&back(&n, "uploaded")),
                Err(AppError::TooLarge { .. }) => too_large(),
                // An empty file: the browser sends a part without content when none was chosen.
                Err(AppError::Invalid(_)) => no_file(),
                Err(e) => return Err(ctx.fail(e)),
            }
        }
        Err(problem) => problem,
    };
    respond(&s, &ctx, &n, View { upload_error: Some(message), ..View::default() }, status).await
}

pub async fn download(State(s): State<AppState>, ctx: Ctx, Path((n, id)): Path<(String, i64)>) -> UiResult {
    serve_attachment(&s, &ctx.actor, RecordKind::Incident, &n, id).await.map_err(|e| errors::api_error(&ctx, e).into())
}
