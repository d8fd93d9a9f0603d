//! A record's conversation, for every kind that takes part: public
//! comments, internal work notes and the files sent with them, each
//! journaled on the record and told to whoever follows it. One
//! implementation keyed by the record's kind and number; who may read and
//! write is `steward_domain::discussion`'s answer for the kind.

mod attachments;
mod comments;
mod folder_import;

pub use attachments::{AttachmentFile, MAX_FILES, Upload};
pub use comments::Posted;
pub use folder_import::FolderImport;

pub(crate) use crate::incidents::viewer;
use crate::{Actor, App, error::AppError};
use steward_domain::{discussion, number::RecordKind};
use steward_store::{StoreError, records};

/// The number of a record of `kind` as sent ("PRB0000042" or "42").
pub(crate) fn seq(kind: RecordKind, number: &str) -> Result<i64, AppError> {
    kind.seq_of(number).ok_or(AppError::NotFound(kind.as_str()))
}

impl App {
    /// The record of `kind` with this number, if the actor may read its
    /// conversation. A role that may read no record of the kind is refused
    /// before the record is looked up.
    pub async fn discussed_record(
        &self,
        actor: &Actor,
        kind: RecordKind,
        number: &str,
    ) -> Result<records::Record, AppError> {
        if let Some(denied) = discussion::refused_whatever_the_record(kind, actor.role) {
            return Err(denied.into());
        }
        let n = seq(kind, number)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let rec = records::by_number(&mut conn, kind.as_str(), n).await?.ok_or(AppError::NotFound(kind.as_str()))?;
        discussion::can_read(kind, viewer(actor, &rec))?;
        Ok(rec)
    }
}
