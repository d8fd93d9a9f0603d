//! Reading articles: one as its reader may read it, a filtered page, the
//! journal and the feedback.

use super::{Article, KIND, parse_number, state_of};
use crate::{Actor, App, error::AppError};
use serde::Serialize;
use steward_domain::knowledge::{Audience, can_read_version, can_write_articles};
use steward_store::{
    StoreError,
    articles::{self as store_articles, Feedback, Linked, Tally, Text, Version},
    cmdb, journal, records,
};

/// A service an article is about.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ServiceRef {
    pub id: i64,
    pub name: String,
}

/// An article as one reader reads it: the version shown with its texts.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ArticleRead {
    /// Requesters get only the version they read in `versions`.
    pub article: Article,
    pub shown: Version,
    /// By language (en before pl).
    pub texts: Vec<Text>,
    /// The problems and known errors it documents (staff only).
    pub problems: Vec<Linked>,
    pub services: Vec<ServiceRef>,
    /// Readers' answers about the version shown.
    pub tally: Tally,
    /// This reader's own answer about it.
    pub mine: Option<Feedback>,
}

impl App {
    /// The article with this number as the actor may read it: the version
    /// asked for, else the published one, else (staff) the one being
    /// written, else the newest.
    pub async fn get_article(
        &self,
        actor: &Actor,
        number: &str,
        version: Option<i64>,
    ) -> Result<ArticleRead, AppError> {
        let n = parse_number(number)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let record = records::by_number(&mut conn, KIND, n).await?.ok_or(AppError::NotFound(KIND))?;
        let details = store_articles::details(&mut conn, record.id).await?.ok_or(AppError::NotFound(KIND))?;
        let versions = store_articles::versions(&mut conn, record.id).await?;
        let mut article = Article { record, details, versions };
        let shown = match version {
            Some(v) => article.versions.iter().find(|x| x.number == v).ok_or(AppError::NotFound("article version"))?,
            None => article
                .published()
                .or_else(|| article.open_version().filter(|_| actor.is_staff()))
                .or(article.versions.last())
                .ok_or(AppError::NotFound(KIND))?,
        }
        .clone();
        let audience: Audience =
            shown.audience.parse().map_err(|e: steward_domain::code::Message| AppError::Internal(e.text))?;
        can_read_version(actor.role, shown.author_id == actor.id, audience, state_of(&shown))?;
        let texts = store_articles::texts(&mut conn, article.record.id, shown.number).await?;
        let tally = store_articles::tallies(&mut conn, article.record.id)
            .await?
            .into_iter()
            .find(|t| t.version == shown.number)
            .unwrap_or(Tally { version: shown.number, ..Tally::default() });
        let mine = store_articles::feedback_of(&mut conn, article.record.id, shown.number, actor.id).await?;
        let (problems, service_ids) = if actor.is_staff() {
            (
                store_articles::problems_of(&mut conn, article.record.id).await?,
                cmdb::record_cis(&mut conn, article.record.id).await?,
            )
        } else {
            (Vec::new(), Vec::new())
        };
        drop(conn);
        let services = self
            .cmdb_view(|v| {
                service_ids
                    .iter()
                    .filter_map(|id| v.ci(*id).map(|c| ServiceRef { id: *id, name: c.name.clone() }))
                    .collect()
            })
            .await?;
        if !actor.is_staff() {
            article.versions.retain(|v| v.number == shown.number);
        }
        Ok(ArticleRead { article, shown, texts, problems, services, tally, mine })
    }

    /// A page of articles with their details (no versions).
    pub async fn list_articles(&self, actor: &Actor, q: records::Filter) -> Result<(Vec<Article>, bool), AppError> {
        let q = self.visible_articles(actor, q);
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let (rows, more) = records::list(&mut conn, self.store.dialect(), &q).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut details = store_articles::details_many(&mut conn, &ids).await?;
        let list = rows
            .into_iter()
            .map(|record| {
                let at = details.iter().position(|d| d.record_id == record.id);
                let details = at.map(|i| details.swap_remove(i)).unwrap_or_default();
                Article { record, details, versions: Vec::new() }
            })
            .collect();
        Ok((list, more))
    }

    /// How many articles the list finds (its cursor aside), exact up to
    /// [`records::COUNT_CAP`].
    pub async fn count_articles(&self, actor: &Actor, q: &records::Filter) -> Result<records::Count, AppError> {
        let q = self.visible_articles(actor, q.clone());
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(records::count(&mut conn, self.store.dialect(), &q).await?)
    }

    /// The filter as the actor may run it: requesters read published
    /// articles written for requesters, whatever they asked for.
    fn visible_articles(&self, actor: &Actor, q: records::Filter) -> records::Filter {
        let mut q = records::Filter { kind: KIND, limit: q.limit.clamp(1, crate::incidents::MAX_PAGE), ..q };
        if !actor.is_staff() {
            q.states = vec!["published".to_owned()];
            q.extra = Some(store_articles::FOR_REQUESTERS);
        }
        q
    }

    /// The article's journal (staff only).
    pub async fn article_journal(&self, actor: &Actor, number: &str) -> Result<Vec<journal::Entry>, AppError> {
        can_write_articles(actor.role)?;
        let id = self.article_id(number).await?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(journal::entries(&mut conn, KIND, id, true).await?)
    }

    /// Every reader's answer about the article, newest first (staff only).
    pub async fn article_feedback(&self, actor: &Actor, number: &str) -> Result<Vec<Feedback>, AppError> {
        can_write_articles(actor.role)?;
        let id = self.article_id(number).await?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(store_articles::feedback(&mut conn, id).await?)
    }

    /// The articles documenting a problem (staff: every state; what the
    /// problem page lists).
    pub async fn problem_articles(&self, actor: &Actor, problem: &str) -> Result<Vec<Linked>, AppError> {
        let p = self.get_problem(actor, problem).await?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(store_articles::articles_of(&mut conn, p.record.id).await?)
    }

    async fn article_id(&self, number: &str) -> Result<i64, AppError> {
        let n = parse_number(number)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        records::id_of(&mut conn, KIND, n).await?.ok_or(AppError::NotFound(KIND))
    }
}
