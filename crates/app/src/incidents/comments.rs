//! Public comments and internal work notes, with the files sent with
//! them (one form: text and files).

use super::{attachments::Upload, viewer};
use crate::{Actor, App, error::AppError, sla};
use steward_domain::{
    access,
    journal::{Action, FieldChange},
    text,
};
use steward_store::records::Incident;
use steward_store::{StoreError, journal as store_journal, now_micros, records};

/// What one post added: the comment (none when only files were sent) and
/// the files.
#[derive(Debug, Clone)]
pub struct Posted {
    pub comment: Option<store_journal::Comment>,
    pub attachments: Vec<store_journal::Attachment>,
}

impl App {
    /// Adds a comment (or, with `internal`, a work note). The desk's first
    /// public reply is the incident's first response.
    pub async fn add_comment(
        &self,
        actor: &Actor,
        number: &str,
        body: &str,
        internal: bool,
    ) -> Result<store_journal::Comment, AppError> {
        let posted = self.post_comment(actor, number, body, internal, Vec::new()).await?;
        posted.comment.ok_or(AppError::NotFound("comment"))
    }

    /// A comment with files, in one write and one journal entry. The text
    /// may be empty when files are sent; the files then stand alone.
    pub async fn post_comment(
        &self,
        actor: &Actor,
        number: &str,
        body: &str,
        internal: bool,
        files: Vec<Upload>,
    ) -> Result<Posted, AppError> {
        let n = super::parse_number(number)?;
        let body = if files.is_empty() || !body.trim().is_empty() {
            Some(text::check(body, text::COMMENT).map_err(|e| AppError::field("body", e))?)
        } else {
            None
        };
        let files = if files.is_empty() {
            Vec::new()
        } else {
            // Refuse before keeping a byte for someone who may not post here.
            let inc = self.get_incident(actor, number).await?;
            access::can_comment(viewer(actor, &inc), internal)?;
            self.keep_files(actor, (inc.id, inc.number), files).await?
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
                        let inc = crate::records::lock(c, dialect, super::KIND, n).await?;
                        access::can_comment(viewer(&check_actor, &inc), internal)?;
                        Ok::<_, AppError>(inc)
                    })
                },
                move |c, inc| {
                    Box::pin(async move {
                        let id = inc.id;
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
                            let first_response = actor.is_staff() && !internal && inc.requester_id != actor.id;
                            records::touch(c, id, now, first_response).await?;
                            if first_response && inc.first_response_at.is_none() {
                                let after = Incident { first_response_at: Some(now), ..inc.clone() };
                                sla::engine::sync(c, dialect, &snap, Some(&inc), &after, Some(actor.id), now).await?;
                            }
                            let action = if internal { Action::WorkNote } else { Action::Comment };
                            crate::records::journal(c, &inc, now, Some(actor.id), action, &changes, Some(cid)).await?;
                            let by = crate::notify::Author::user(actor.id, &actor.display_name);
                            crate::notify::hooks::on_comment(c, &ctx, &inc, &by, body, internal).await?;
                            comment_id = Some(cid);
                        } else {
                            crate::records::journal(c, &inc, now, Some(actor.id), Action::Attachment, &changes, None)
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

    pub async fn list_comments(&self, actor: &Actor, number: &str) -> Result<Vec<store_journal::Comment>, AppError> {
        let inc = self.get_incident(actor, number).await?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(store_journal::comments(&mut conn, inc.id, actor.is_staff()).await?)
    }
}
