//! Public comments and internal work notes, with the files sent with
//! them (one form: text and files), on a record of any kind that takes
//! part.

use super::{attachments::Upload, seq, viewer};
use crate::{Actor, App, error::AppError, sla};
use steward_domain::{
    discussion,
    journal::{Action, FieldChange},
    number::RecordKind,
    text,
};
use steward_store::records::Record;
use steward_store::{StoreError, journal as store_journal, now_micros, records};

/// What one post added: the comment (none when only files were sent) and
/// the files.
#[derive(Debug, Clone)]
pub struct Posted {
    pub comment: Option<store_journal::Comment>,
    pub attachments: Vec<store_journal::Attachment>,
}

impl App {
    /// Adds a comment (or, with `internal`, a work note). On an incident the
    /// desk's first public reply is its first response.
    pub async fn add_comment(
        &self,
        actor: &Actor,
        kind: RecordKind,
        number: &str,
        body: &str,
        internal: bool,
    ) -> Result<store_journal::Comment, AppError> {
        let posted = self.post_comment(actor, kind, number, body, internal, Vec::new()).await?;
        posted.comment.ok_or(AppError::NotFound("comment"))
    }

    /// A comment with files, in one write and one journal entry. The text
    /// may be empty when files are sent; the files then stand alone.
    pub async fn post_comment(
        &self,
        actor: &Actor,
        kind: RecordKind,
        number: &str,
        body: &str,
        internal: bool,
        files: Vec<Upload>,
    ) -> Result<Posted, AppError> {
        if let Some(denied) = discussion::refused_whatever_the_record(kind, actor.role) {
            return Err(denied.into());
        }
        let n = seq(kind, number)?;
        let body = if files.is_empty() || !body.trim().is_empty() {
            Some(text::check(body, text::COMMENT).map_err(|e| AppError::field("body", e))?)
        } else {
            None
        };
        let files = if files.is_empty() {
            Vec::new()
        } else {
            // Refuse before keeping a byte for someone who may not post here.
            let rec = self.discussed_record(actor, kind, number).await?;
            discussion::can_post(kind, viewer(actor, &rec), internal)?;
            self.keep_files(actor, (rec.id, rec.number), files).await?
        };
        let actor = actor.clone();
        let dialect = self.store.dialect();
        let snap = self.sla_snapshot().await?;
        let ctx = self.notify_ctx();
        let check_actor = actor.clone();
        self.store
            .write_checked(
                move |c| {
                    Box::pin(async move {
                        let rec = crate::records::lock(c, dialect, kind.as_str(), n).await?;
                        discussion::can_post(kind, viewer(&check_actor, &rec), internal)?;
                        Ok::<_, AppError>(rec)
                    })
                },
                move |c, rec| {
                    Box::pin(async move {
                        let id = rec.id;
                        let now = now_micros();
                        let changes: Vec<FieldChange> = files
                            .iter()
                            .map(|f| FieldChange {
                                field: "attachment".into(),
                                old: None,
                                new: Some(f.filename.clone()),
                            })
                            .collect();
                        let mut comment_id = None;
                        if let Some(body) = &body {
                            let cid = store_journal::insert_comment(c, id, actor.id, body, internal, now).await?;
                            let first_response = discussion::reply_responds(kind)
                                && actor.is_staff()
                                && !internal
                                && rec.requester_id != actor.id;
                            records::touch(c, id, now, first_response).await?;
                            if first_response && rec.first_response_at.is_none() {
                                let after = Record { first_response_at: Some(now), ..rec.clone() };
                                sla::engine::sync(c, dialect, &snap, Some(&rec), &after, Some(actor.id), now).await?;
                            }
                            let action = if internal { Action::WorkNote } else { Action::Comment };
                            crate::records::journal(c, &rec, now, Some(actor.id), action, &changes, Some(cid)).await?;
                            let by = crate::notify::Author::user(actor.id, &actor.display_name);
                            crate::notify::hooks::on_comment(c, &ctx, &rec, &by, body, internal).await?;
                            comment_id = Some(cid);
                        } else {
                            crate::records::journal(c, &rec, now, Some(actor.id), Action::Attachment, &changes, None)
                                .await?;
                        }
                        let mut attachments = Vec::with_capacity(files.len());
                        for mut meta in files {
                            meta.comment_id = comment_id;
                            meta.created_at = now;
                            meta.id = store_journal::insert_attachment(c, &meta).await?;
                            attachments.push(meta);
                        }
                        let comment = match comment_id {
                            Some(cid) => {
                                Some(store_journal::comment(c, cid).await?.ok_or(AppError::NotFound("comment"))?)
                            }
                            None => None,
                        };
                        Ok(Posted { comment, attachments })
                    })
                },
            )
            .await
    }

    /// The record's comments; work notes only for those who read them.
    pub async fn list_comments(
        &self,
        actor: &Actor,
        kind: RecordKind,
        number: &str,
    ) -> Result<Vec<store_journal::Comment>, AppError> {
        let rec = self.discussed_record(actor, kind, number).await?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(store_journal::comments(&mut conn, rec.id, discussion::sees_work_notes(actor.role)).await?)
    }
}
