//! Reading changes: one, a filtered page, the journal.

use super::{Change, KIND, parse_number};
use crate::{Actor, App, error::AppError, export::Exported};
use steward_domain::change::can_view_change;
use steward_store::{StoreError, changes as store_changes, journal, records};

impl App {
    /// The change with this number; requesters see no changes (403).
    pub async fn get_change(&self, actor: &Actor, number: &str) -> Result<Change, AppError> {
        can_view_change(actor.role)?;
        let n = parse_number(number)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let record = records::by_number(&mut conn, KIND, n).await?.ok_or(AppError::NotFound(KIND))?;
        let details = store_changes::details(&mut conn, record.id).await?.ok_or(AppError::NotFound(KIND))?;
        Ok(Change { record, details })
    }

    /// A page of changes with their details.
    pub async fn list_changes(&self, actor: &Actor, q: records::Filter) -> Result<(Vec<Change>, bool), AppError> {
        can_view_change(actor.role)?;
        let q = records::Filter { kind: KIND, limit: q.limit.clamp(1, crate::incidents::MAX_PAGE), ..q };
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let (rows, more) = records::list(&mut conn, self.store.dialect(), &q).await?;
        Ok((Change::read_beside(&mut conn, rows).await?, more))
    }

    /// How many changes the list finds (its cursor aside), exact up to
    /// [`records::COUNT_CAP`].
    pub async fn count_changes(&self, actor: &Actor, q: &records::Filter) -> Result<records::Count, AppError> {
        can_view_change(actor.role)?;
        let q = records::Filter { kind: KIND, ..q.clone() };
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(records::count(&mut conn, self.store.dialect(), &q).await?)
    }

    /// The change's journal, work notes included (only staff see changes).
    pub async fn change_journal(&self, actor: &Actor, number: &str) -> Result<Vec<journal::Entry>, AppError> {
        let ch = self.get_change(actor, number).await?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(journal::entries(&mut conn, KIND, ch.record.id, true).await?)
    }
}
