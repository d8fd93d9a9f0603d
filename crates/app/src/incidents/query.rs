//! Reading incidents: one, a filtered page, the journal.

use super::{KIND, parse_number, viewer};
use crate::{Actor, App, error::AppError};
use steward_domain::access;
use steward_store::{StoreError, journal, records};

/// A list request as the API and UI take it; ids already resolved.
pub type ListQuery = records::Filter;

pub const MAX_PAGE: i64 = 200;

/// The filter as this actor may run it: requesters see only their own, and
/// asking for someone else's incidents finds none (`None`) rather than
/// silently answering with one's own.
pub(super) fn scoped(actor: &Actor, mut q: ListQuery) -> Option<ListQuery> {
    if !actor.is_staff() {
        if q.requester_id.is_some_and(|r| r != actor.id) {
            return None;
        }
        q.requester_id = Some(actor.id);
    }
    Some(q)
}

impl App {
    pub async fn get_incident(&self, actor: &Actor, number: &str) -> Result<records::Incident, AppError> {
        let n = parse_number(number)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let inc = records::by_number(&mut conn, KIND, n).await?.ok_or(AppError::NotFound("incident"))?;
        access::can_view(viewer(actor, &inc))?;
        Ok(inc)
    }

    /// A page of incidents; requesters only ever see their own.
    pub async fn list_incidents(
        &self,
        actor: &Actor,
        q: ListQuery,
    ) -> Result<(Vec<records::Incident>, bool), AppError> {
        let Some(mut q) = scoped(actor, q) else { return Ok((Vec::new(), false)) };
        q.limit = q.limit.clamp(1, MAX_PAGE);
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(records::list(&mut conn, self.store.dialect(), &q).await?)
    }

    /// How many incidents the list finds (its cursor aside), exact up to
    /// [`records::COUNT_CAP`]; requesters count only their own.
    pub async fn count_incidents(&self, actor: &Actor, q: &ListQuery) -> Result<records::Count, AppError> {
        let Some(q) = scoped(actor, q.clone()) else { return Ok(records::Count { count: 0, capped: false }) };
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(records::count(&mut conn, self.store.dialect(), &q).await?)
    }

    /// The counts of several lists, in one read (the home page's figures).
    pub async fn count_incidents_many(&self, actor: &Actor, qs: &[ListQuery]) -> Result<Vec<records::Count>, AppError> {
        let scoped: Vec<Option<ListQuery>> = qs.iter().map(|q| scoped(actor, q.clone())).collect();
        let live: Vec<ListQuery> = scoped.iter().flatten().cloned().collect();
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let mut found = records::counts(&mut conn, self.store.dialect(), &live).await?.into_iter();
        let none = records::Count { count: 0, capped: false };
        Ok(scoped.iter().map(|q| if q.is_some() { found.next().unwrap_or(none) } else { none }).collect())
    }

    /// The journal with comment texts; requesters do not see work notes.
    pub async fn incident_journal(&self, actor: &Actor, number: &str) -> Result<Vec<journal::Entry>, AppError> {
        let inc = self.get_incident(actor, number).await?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(journal::entries(&mut conn, KIND, inc.id, actor.is_staff()).await?)
    }

    pub async fn incident_children(&self, actor: &Actor, id: i64) -> Result<Vec<records::Incident>, AppError> {
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let all = records::children(&mut conn, id).await?;
        Ok(all.into_iter().filter(|c| access::can_view(viewer(actor, c)).is_ok()).collect())
    }
}
