//! Reading problems: one, a filtered page, the journal.

use super::{KIND, Problem, parse_number};
use crate::{Actor, App, error::AppError, export::Exported};
use steward_domain::problem::can_view_problem;
use steward_store::{StoreError, journal, problems as store_problems, records};

impl App {
    /// The problem with this number; requesters see no problems (403).
    pub async fn get_problem(&self, actor: &Actor, number: &str) -> Result<Problem, AppError> {
        can_view_problem(actor.role)?;
        let n = parse_number(number)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let record = records::by_number(&mut conn, KIND, n).await?.ok_or(AppError::NotFound(KIND))?;
        let details = store_problems::details(&mut conn, record.id).await?.ok_or(AppError::NotFound(KIND))?;
        Ok(Problem { record, details })
    }

    /// A page of problems with their details.
    pub async fn list_problems(&self, actor: &Actor, q: records::Filter) -> Result<(Vec<Problem>, bool), AppError> {
        can_view_problem(actor.role)?;
        let q = records::Filter { kind: KIND, limit: q.limit.clamp(1, crate::incidents::MAX_PAGE), ..q };
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let (rows, more) = records::list(&mut conn, self.store.dialect(), &q).await?;
        Ok((Problem::read_beside(&mut conn, rows).await?, more))
    }

    /// How many problems the list finds (its cursor aside), exact up to
    /// [`records::COUNT_CAP`].
    pub async fn count_problems(&self, actor: &Actor, q: &records::Filter) -> Result<records::Count, AppError> {
        can_view_problem(actor.role)?;
        let q = records::Filter { kind: KIND, ..q.clone() };
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(records::count(&mut conn, self.store.dialect(), &q).await?)
    }

    /// The problem's journal, work notes included (only staff see problems).
    pub async fn problem_journal(&self, actor: &Actor, number: &str) -> Result<Vec<journal::Entry>, AppError> {
        let p = self.get_problem(actor, number).await?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(journal::entries(&mut conn, KIND, p.record.id, true).await?)
    }
}
