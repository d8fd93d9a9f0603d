//! Suggestions while an incident is typed: the known errors and articles
//! that match the words of its title and description, so the desk applies
//! a workaround instead of starting over and a requester may find the
//! answer before reporting (deflection: `articles::feedback`).

use crate::search::{RecordHit, record_hit};
use crate::{Actor, App, error::AppError};
use steward_domain::number::RecordKind;
use steward_domain::search::words_of;
use steward_store::{
    StoreError, articles,
    fulltext::{self, SuggestScope},
};

/// Suggestions shown unless fewer or more are asked for.
pub const SHOWN: i64 = 5;
/// The most suggestions answered at once.
pub const MAX_SHOWN: i64 = 20;

impl App {
    /// The best matches for a report being typed, best first, articles in
    /// `lang` (`en`, `pl`) where they are written in it: for staff the
    /// known errors (not closed or cancelled) and every published article;
    /// for requesters the published articles written for them. Nothing to
    /// look for yet (empty, only common words) is no suggestion, not an
    /// error: the form is half-typed.
    pub async fn suggestions(
        &self,
        actor: &Actor,
        title: &str,
        description: &str,
        limit: Option<i64>,
        lang: &str,
    ) -> Result<Vec<RecordHit>, AppError> {
        let limit = match limit {
            None => SHOWN,
            Some(n) if (1..=MAX_SHOWN).contains(&n) => n,
            Some(_) => return Err(AppError::field("limit", crate::error::between(1, MAX_SHOWN))),
        };
        let Some(words) = words_of(title, description) else {
            return Ok(Vec::new());
        };
        let scope = SuggestScope { requesters_only: !actor.is_staff() };
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let mut hits = fulltext::suggest(&mut conn, self.store.dialect(), &words, scope, limit).await?;
        // An article reads in the reader's language where it is written in it.
        for h in hits.iter_mut().filter(|h| h.kind == RecordKind::Article.as_str()) {
            let Some(shown) = articles::details(&mut conn, h.id).await?.and_then(|d| d.published_version) else {
                continue;
            };
            if let Some(t) = articles::texts(&mut conn, h.id, shown).await?.into_iter().find(|t| t.lang == lang) {
                (h.title, h.description) = (t.title, t.body);
            }
        }
        let marks = words.marks();
        Ok(hits.into_iter().map(|h| record_hit(h, &marks)).collect())
    }
}
