//! Attachments of any record that takes comments: their bytes stored once
//! per content hash in the database (`store::blobs`), so every node reads
//! them; files an older release kept in the data folder are imported.

use crate::Code;
use crate::{Actor, App, error::AppError};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use steward_domain::{discussion, number::RecordKind};
use steward_store::{StoreError, blobs, journal as store_journal, now_micros};

/// An attachment's metadata and how many chunks its bytes are in.
#[derive(Debug, Clone)]
pub struct AttachmentFile {
    pub meta: store_journal::Attachment,
    pub chunks: i64,
}

/// A file as it was sent, before it is kept.
#[derive(Debug, Clone)]
pub struct Upload {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// At most this many files go with one comment.
pub const MAX_FILES: usize = 10;

impl App {
    /// Keeps `bytes` under their hash `sha` (a blob's row and chunks in
    /// one transaction, so a crash never leaves half a file); whether they
    /// were new.
    pub(crate) async fn keep_blob(&self, sha: String, bytes: Arc<Vec<u8>>) -> Result<bool, AppError> {
        Ok(self.store.write(move |c| Box::pin(async move { blobs::put(c, &sha, &bytes, now_micros()).await })).await?)
    }

    /// One chunk of a kept file, from 0; a missing one is an internal error
    /// (the rows say it is there).
    pub async fn attachment_chunk(&self, sha: &str, seq: i64) -> Result<Vec<u8>, AppError> {
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        blobs::chunk(&mut conn, sha, seq)
            .await?
            .ok_or_else(|| AppError::Internal(format!("chunk {seq} of attachment {sha} is missing")))
    }

    /// Checks each file and keeps its bytes under their hash; returns the
    /// rows to insert with the change that brings them.
    /// `record` is the record's id and number.
    pub(crate) async fn keep_files(
        &self,
        actor: &Actor,
        record: (i64, i64),
        files: Vec<Upload>,
    ) -> Result<Vec<store_journal::Attachment>, AppError> {
        let max = self.config.attachment_max_bytes;
        if files.len() > MAX_FILES {
            return Err(AppError::field("file", Code::TooManyFiles.msg(format!("at most {MAX_FILES} files at once"))));
        }
        if files.iter().any(|f| f.bytes.len() > max) {
            return Err(AppError::TooLarge { what: "the attachment", max });
        }
        if files.iter().any(|f| f.bytes.is_empty()) {
            return Err(AppError::field("file", Code::EmptyFile.msg("is empty")));
        }
        let mut kept = Vec::with_capacity(files.len());
        for f in files {
            let sha = hex::encode(Sha256::digest(&f.bytes));
            let size = f.bytes.len() as i64;
            self.keep_blob(sha.clone(), Arc::new(f.bytes)).await?;
            let content_type = if f.content_type.is_empty() || f.content_type.len() > 100 {
                "application/octet-stream".to_owned()
            } else {
                f.content_type
            };
            kept.push(store_journal::Attachment {
                id: 0,
                record_id: record.0,
                record_number: record.1,
                sha256: sha,
                filename: steward_domain::text::file_name(&f.filename),
                content_type,
                size,
                uploaded_by: actor.id,
                created_at: now_micros(),
                comment_id: None,
            });
        }
        Ok(kept)
    }

    /// One file, journaled on its own.
    pub async fn add_attachment(
        &self,
        actor: &Actor,
        kind: RecordKind,
        number: &str,
        filename: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> Result<store_journal::Attachment, AppError> {
        let file = Upload { filename: filename.to_owned(), content_type: content_type.to_owned(), bytes };
        let posted = self.post_comment(actor, kind, number, "", false, vec![file]).await?;
        posted.attachments.into_iter().next().ok_or(AppError::NotFound("attachment"))
    }

    /// The record's files; those sent with a work note only for those who
    /// read work notes.
    pub async fn list_attachments(
        &self,
        actor: &Actor,
        kind: RecordKind,
        number: &str,
    ) -> Result<Vec<store_journal::Attachment>, AppError> {
        let rec = self.discussed_record(actor, kind, number).await?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(store_journal::attachments(&mut conn, rec.id, discussion::sees_work_notes(actor.role)).await?)
    }

    pub async fn attachment(
        &self,
        actor: &Actor,
        kind: RecordKind,
        number: &str,
        id: i64,
    ) -> Result<AttachmentFile, AppError> {
        let rec = self.discussed_record(actor, kind, number).await?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let meta = store_journal::attachment(&mut conn, id)
            .await?
            .filter(|a| a.record_id == rec.id)
            .ok_or(AppError::NotFound("attachment"))?;
        // A file sent with a work note is the desk's, like the note.
        if !discussion::sees_work_notes(actor.role) && store_journal::attachment_is_internal(&mut conn, id).await? {
            return Err(AppError::NotFound("attachment"));
        }
        let chunks = blobs::chunks(&mut conn, &meta.sha256)
            .await?
            .ok_or_else(|| AppError::Internal(format!("the bytes of attachment {id} are missing")))?;
        Ok(AttachmentFile { meta, chunks })
    }
}
