//! Attachments: stored once per content hash under the data folder.

use super::journal;
use crate::{Actor, App, error::AppError};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use steward_domain::{
    access,
    journal::{Action, FieldChange},
};
use steward_store::{StoreError, journal as store_journal, now_micros};

/// An attachment's metadata and where its bytes are.
#[derive(Debug, Clone)]
pub struct AttachmentFile {
    pub meta: store_journal::Attachment,
    pub path: PathBuf,
}

impl App {
    fn blob_path(&self, sha: &str) -> PathBuf {
        self.config.data_dir.join("attachments").join(&sha[..2]).join(sha)
    }

    pub async fn add_attachment(
        &self,
        actor: &Actor,
        number: &str,
        filename: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> Result<store_journal::Attachment, AppError> {
        let max = self.config.attachment_max_bytes;
        if bytes.len() > max {
            return Err(AppError::TooLarge { what: "the attachment", max });
        }
        if bytes.is_empty() {
            return Err(AppError::field("file", "is empty"));
        }
        let inc = self.get_incident(actor, number).await?;
        access::can_comment(super::viewer(actor, &inc), false)?;
        let sha = hex::encode(Sha256::digest(&bytes));
        let path = self.blob_path(&sha);
        if !path.exists() {
            // Write aside and rename, so a crash never leaves half a file under its hash.
            let dir = path.parent().ok_or_else(|| AppError::Internal("attachment path".into()))?.to_owned();
            let tmp = dir.join(format!(".{sha}.tmp"));
            let io = |e: std::io::Error| AppError::Internal(format!("storing attachment: {e}"));
            tokio::fs::create_dir_all(&dir).await.map_err(io)?;
            let mut f = tokio::fs::File::create(&tmp).await.map_err(io)?;
            tokio::io::AsyncWriteExt::write_all(&mut f, &bytes).await.map_err(io)?;
            f.sync_all().await.map_err(io)?;
            tokio::fs::rename(&tmp, &path).await.map_err(io)?;
        }
        let content_type = if content_type.is_empty() || content_type.len() > 100 {
            "application/octet-stream".to_owned()
        } else {
            content_type.to_owned()
        };
        let meta = store_journal::Attachment {
            id: 0,
            incident_id: inc.id,
            sha256: sha,
            filename: steward_domain::text::file_name(filename),
            content_type,
            size: bytes.len() as i64,
            uploaded_by: actor.id,
            created_at: now_micros(),
        };
        let actor_id = actor.id;
        self.store
            .write(move |c| {
                Box::pin(async move {
                    let mut meta = meta;
                    meta.id = store_journal::insert_attachment(c, &meta).await?;
                    let change =
                        FieldChange { field: "attachment".into(), old: None, new: Some(meta.filename.clone()) };
                    journal(c, meta.incident_id, meta.created_at, Some(actor_id), Action::Attachment, &[change], None)
                        .await?;
                    Ok::<_, AppError>(meta)
                })
            })
            .await
    }

    pub async fn list_attachments(
        &self,
        actor: &Actor,
        number: &str,
    ) -> Result<Vec<store_journal::Attachment>, AppError> {
        let inc = self.get_incident(actor, number).await?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(store_journal::attachments(&mut conn, inc.id).await?)
    }

    pub async fn attachment(&self, actor: &Actor, number: &str, id: i64) -> Result<AttachmentFile, AppError> {
        let inc = self.get_incident(actor, number).await?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let meta = store_journal::attachment(&mut conn, id)
            .await?
            .filter(|a| a.incident_id == inc.id)
            .ok_or(AppError::NotFound("attachment"))?;
        let path = self.blob_path(&meta.sha256);
        Ok(AttachmentFile { meta, path })
    }
}
