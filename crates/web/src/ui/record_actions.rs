//! What every record kind's page posts alike, as handlers generic over the
//! page ([`RecordPage`]): a state change (the kind's own part is its
//! [`StateChange`]), the comment box (through `conversation`), a file on
//! its own, and the files' downloads; and what each kind's own posts
//! share: the way back to the page with its notice, and the refusals a
//! page shows again ([`Refused`]). The incident and the problem page use
//! them; the next kind's page does too.

use super::{
    Ctx, OrPage, UiResult,
    conversation::{self, Sent},
    errors,
    record_page::{RecordPage, View},
    see_other,
};
use crate::{
    AppState,
    api::{discussion::serve_attachment, incidents::read_file_part},
    i18n,
};
use axum::{
    Form,
    extract::{Multipart, Path, Request, State, multipart::MultipartRejection},
    http::StatusCode,
};
use steward_app::{AppError, Code, FieldError, Message};
use steward_domain::number::RecordKind;

/// The page of the record of `kind` numbered `n` (as typed: written as the
/// kind's number when it reads as one) with the notice `m`.
pub fn back(kind: RecordKind, n: &str, m: &str) -> String {
    let page =
        kind.seq_of(n).map_or_else(|| format!("/{}/{n}", kind.paths().0), |seq| conversation::page_path(kind, seq));
    format!("{page}?m={m}")
}

/// Back to the page of the record `seq` of `kind` after a post, with the
/// notice `m`.
pub fn done(kind: RecordKind, seq: i64, m: &str) -> UiResult {
    see_other(&format!("{}?m={m}", conversation::page_path(kind, seq)))
}

/// The refusals a post on a record's page shows on the page again; any
/// other is an error page.
pub enum Refused {
    /// Messages about what was sent (422).
    Fields(Vec<FieldError>),
    /// The move is not allowed from the record's state (409).
    Move(Message),
    /// The page showed an older version (409).
    Stale,
}

impl Refused {
    pub fn of(e: AppError) -> Result<Self, AppError> {
        match e {
            AppError::Invalid(errors) => Ok(Refused::Fields(errors)),
            AppError::Transition { message, .. } => Ok(Refused::Move(message)),
            AppError::Stale { .. } | AppError::VersionRequired => Ok(Refused::Stale),
            e => Err(e),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Refused::Fields(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Refused::Move(_) | Refused::Stale => StatusCode::CONFLICT,
        }
    }
}

/// A kind's state change, as the handler every kind shares sees it; the
/// kind's `*_actions` module implements it.
pub trait StateChange: RecordPage {
    /// Makes the change `draft` asks for: the record's number after it.
    fn change(
        s: &AppState,
        ctx: &Ctx,
        n: &str,
        draft: &Self::Draft,
    ) -> impl Future<Output = Result<i64, AppError>> + Send;

    /// The page after the change was refused, with `draft` again.
    fn refused(ctx: &Ctx, draft: Self::Draft, refused: Refused) -> View<Self::Draft, Self::Own>;
}

/// A state change from the page's panel: back to the page, or the page
/// again with the draft and why not.
pub async fn transition<P: StateChange>(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(n): Path<String>,
    Form(draft): Form<P::Draft>,
) -> UiResult {
    let refused = match P::change(&s, &ctx, &n, &draft).await {
        Ok(seq) => return done(P::KIND, seq, "state"),
        Err(e) => Refused::of(e).or_page(&ctx)?,
    };
    let status = refused.status();
    P::respond(&s, &ctx, &n, P::refused(&ctx, draft, refused), status).await
}

/// The comment box (multipart: a comment or work note, with files): back
/// to the page (at the box when a comment was added), or the page again
/// with the draft and its messages. Without JavaScript, "Insert" adds the
/// chosen canned reply to the draft instead.
pub async fn comment<P: RecordPage>(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(n): Path<String>,
    req: Request,
) -> UiResult {
    P::may_post(&ctx)?;
    let (draft, status) = match conversation::send(&s, &ctx, P::KIND, &n, req).await {
        Ok(Sent::Posted { files_only: true }) => return see_other(&back(P::KIND, &n, "uploaded")),
        Ok(Sent::Posted { files_only: false }) => {
            return see_other(&format!("{}#add-comment", back(P::KIND, &n, "commented")));
        }
        Ok(Sent::Insert { mut draft, reply }) => {
            let replies = P::replies(&s, &ctx, &n).await.or_page(&ctx)?;
            draft.comment = super::desk::with_reply(&draft.comment, &replies, &reply);
            (draft, StatusCode::OK)
        }
        Ok(Sent::Refused(draft, status)) => (draft, status),
        Err(e) => return Err(ctx.fail(e)),
    };
    P::respond(&s, &ctx, &n, View { draft, ..View::default() }, status).await
}

/// "The file is too large: at most 10 MB."
fn too_large(max: usize) -> Message {
    crate::i18n_codes::ui(Code::FileTooLarge, &[("size", &i18n::size(max as u64))])
}

/// One file sent on its own (multipart; the CSRF guard has read the
/// form's `_csrf` part): back to the page, or the page again with why not.
pub async fn upload<P: RecordPage>(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(n): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> UiResult {
    P::may_post(&ctx)?;
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
            match s.app.add_attachment(&ctx.actor, P::KIND, &n, &name, &content_type, bytes).await {
                Ok(_) => return see_other(&back(P::KIND, &n, "uploaded")),
                Err(AppError::TooLarge { .. }) => too_large(),
                // An empty file: the browser sends a part without content when none was chosen.
                Err(AppError::Invalid(_)) => no_file(),
                Err(e) => return Err(ctx.fail(e)),
            }
        }
        Err(problem) => problem,
    };
    P::respond(&s, &ctx, &n, View { upload_error: Some(message), ..View::default() }, status).await
}

/// A file of the record, as an attachment (never rendered).
pub async fn download<P: RecordPage>(
    State(s): State<AppState>,
    ctx: Ctx,
    Path((n, id)): Path<(String, i64)>,
) -> UiResult {
    serve_attachment(&s, &ctx.actor, P::KIND, &n, id).await.map_err(|e| errors::api_error(&ctx, e).into())
}
