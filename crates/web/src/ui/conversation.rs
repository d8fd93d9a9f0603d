//! A record's conversation on its page, for every kind that takes
//! comments (the incident and the problem page): the comment box (text and
//! files in one form, public or a work note), the files panel, and what
//! the box posts. The page around them is the kind's own; a refused post
//! comes back as a [`Draft`] for the page to render again (the handlers
//! are `record_actions`').

use super::{Ctx, fmt, widgets};
use crate::{
    AppState,
    api::incidents::read_form,
    i18n::{self, Msg},
};
use axum::http::StatusCode;
use maud::{Markup, html};
use steward_app::{AppError, Code, Message, desk::FilledReply};
use steward_domain::{RecordNumber, number::RecordKind};
use steward_store::journal::Attachment;

/// What was typed into the comment box, and why it was refused.
#[derive(Default, Debug, Clone)]
pub struct Draft {
    pub comment: String,
    pub internal: bool,
    pub comment_error: Option<Message>,
    /// Why the files sent with it were refused.
    pub files_error: Option<Message>,
}

/// The page of the record, `/incidents/INC0000042`: where the forms post.
pub fn page_path(kind: RecordKind, seq: i64) -> String {
    format!("/{}/{}", kind.paths().0, RecordNumber { kind, seq })
}

/// The comment box posting to `{page}/comments` (multipart; the CSRF
/// guard reads its `_csrf` part), with a canned reply to insert when
/// `replies` offers any; Ctrl+Enter sends it and the `c` key comes here.
pub fn comment_form(ctx: &Ctx, s: &AppState, page: &str, replies: &[FilledReply], v: &Draft) -> Markup {
    let mut errs = Vec::new();
    if let Some(e) = &v.comment_error {
        errs.push(steward_app::FieldError::new("body", e.clone()));
    }
    if let Some(e) = &v.files_error {
        errs.push(steward_app::FieldError::new("file", e.clone()));
    }
    let errors = super::desk::errors(errs);
    let body = widgets::Field::new(ctx.lang, "comment-body", "body", ctx.t(Msg::Comment), &errors);
    let max = i18n::size(s.app.config.attachment_max_bytes as u64);
    let hint = i18n::tf(ctx.lang, Msg::AttachFilesHint, &[("size", &max)]);
    let files = widgets::Field {
        kind: Some("file"),
        hint: Some(&hint),
        ..widgets::Field::new(ctx.lang, "comment-files", "file", ctx.t(Msg::AttachFiles), &errors)
    };
    let too_large = i18n::tf(ctx.lang, Msg::TooLarge, &[("size", &max)]);
    html! {
        form.comment-form #add-comment method="post" enctype="multipart/form-data"
            action={ (page) "/comments" }
            data-max-bytes=(s.app.config.attachment_max_bytes) data-too-large=(too_large) {
            h3.visually-hidden { (ctx.t(Msg::AddComment)) }
            (widgets::csrf(&ctx.csrf))
            (super::desk::reply_picker(ctx, replies))
            (widgets::Field { required: true, ..body }.textarea(&v.comment, 4))
            div.comment-files { (files.input_multiple()) }
            div.comment-actions {
                @if ctx.actor.is_staff() {
                    fieldset.visibility {
                        legend.visually-hidden { (ctx.t(Msg::CommentVisibility)) }
                        label { input type="radio" name="visibility" value="public" checked[!v.internal]; " " (ctx.t(Msg::PublicComment)) }
                        label.note-choice { input type="radio" name="visibility" value="internal" checked[v.internal]; " " (ctx.t(Msg::WorkNoteChoice)) }
                    }
                }
                span.hint.keys-hint { (ctx.t(Msg::CtrlEnterHint)) }
                button.btn.btn-primary #send-comment type="submit" { (ctx.t(Msg::AddComment)) }
            }
        }
    }
}

/// The files panel: each file to download from `{page}/attachments/{id}`;
/// with `upload` (the refusal of the last upload, if any) a form that
/// sends one file on its own.
pub fn files(ctx: &Ctx, s: &AppState, page: &str, list: &[Attachment], upload: Option<&Option<Message>>) -> Markup {
    let lang = ctx.lang;
    let now = fmt::now_micros();
    let max = i18n::size(s.app.config.attachment_max_bytes as u64);
    let errors = match upload {
        Some(Some(e)) => widgets::Errors(vec![steward_app::FieldError::new("file", e.clone())]),
        _ => widgets::Errors::default(),
    };
    let hint = i18n::tf(lang, Msg::MaxSize, &[("size", &max)]);
    let too_large = i18n::tf(lang, Msg::TooLarge, &[("size", &max)]);
    let file = widgets::Field {
        kind: Some("file"),
        required: true,
        hint: Some(&hint),
        ..widgets::Field::new(lang, "attachment-file", "file", ctx.t(Msg::File), &errors)
    };
    html! {
        section.panel #attachments aria-labelledby="attachments-title" {
            h2 #attachments-title { (ctx.t(Msg::Attachments)) }
            @if list.is_empty() { p.muted { (ctx.t(Msg::NoAttachments)) } }
            ul.files {
                @for a in list {
                    li {
                        a href={ (page) "/attachments/" (a.id) } download { (a.filename) }
                        span.muted { " · " (i18n::size(u64::try_from(a.size).unwrap_or(0))) " · " (widgets::time(lang, a.created_at, now)) }
                    }
                }
            }
            @if upload.is_some() {
                form.upload method="post" enctype="multipart/form-data" action={ (page) "/attachments" }
                    data-max-bytes=(s.app.config.attachment_max_bytes) data-too-large=(too_large) {
                    (super::widgets::csrf(&ctx.csrf))
                    (file.input(""))
                    button.btn type="submit" { (ctx.t(Msg::Upload)) }
                }
            }
        }
    }
}

/// What a post of the comment box came to.
pub enum Sent {
    /// Posted; `files_only` when it carried files and no text.
    Posted { files_only: bool },
    /// Without JavaScript, a canned reply to add to the draft rather than
    /// sending it: the draft and the reply chosen.
    Insert { draft: Draft, reply: String },
    /// Refused: the draft with its messages, and the answer's status.
    Refused(Draft, StatusCode),
}

/// Posts the comment box (multipart: text, files, and `insert` when a
/// canned reply is to be added to the draft instead) to the record of
/// `kind` numbered `n`. A refusal the page can show comes back as
/// [`Sent::Refused`]; any other is the error.
pub async fn send(
    s: &AppState,
    ctx: &Ctx,
    kind: RecordKind,
    n: &str,
    req: axum::extract::Request,
) -> Result<Sent, AppError> {
    let max = s.app.config.attachment_max_bytes;
    let too_large = || crate::i18n_codes::ui(Code::FileTooLarge, &[("size", &i18n::size(max as u64))]);
    let parts = match read_form(req, s, max).await {
        Ok(p) => p,
        Err(e) => {
            let message = if e.status == StatusCode::PAYLOAD_TOO_LARGE {
                too_large()
            } else {
                e.errors.first().cloned().map_or_else(|| crate::error::malformed(&e.detail), Message::from)
            };
            return Ok(Sent::Refused(Draft { files_error: Some(message), ..Draft::default() }, e.status));
        }
    };
    let internal = parts.text("visibility") == "internal";
    let comment = parts.text("body").to_owned();
    if !parts.text("insert").is_empty() {
        let reply = parts.text("reply").to_owned();
        return Ok(Sent::Insert { draft: Draft { comment, internal, ..Draft::default() }, reply });
    }
    let had_files = !parts.files.is_empty();
    match s.app.post_comment(&ctx.actor, kind, n, &comment, internal, parts.files).await {
        Ok(p) => Ok(Sent::Posted { files_only: p.comment.is_none() }),
        Err(AppError::Invalid(errors)) => {
            let of = |f: &str| errors.iter().find(|e| e.field == f).cloned().map(Message::from);
            let draft = Draft { comment, internal, comment_error: of("body"), files_error: of("file") };
            Ok(Sent::Refused(draft, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(AppError::TooLarge { .. }) if had_files => {
            let draft = Draft { comment, internal, files_error: Some(too_large()), ..Draft::default() };
            Ok(Sent::Refused(draft, StatusCode::PAYLOAD_TOO_LARGE))
        }
        Err(e) => Err(e),
    }
}
