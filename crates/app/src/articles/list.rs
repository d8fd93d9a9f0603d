//! The article list's filters as the API and the pages take them (text):
//! the incident list's where they apply (category, words, sort,
//! cursor, limit), read by the same code, plus the article's own states
//! and its audience.

use super::KIND;
use crate::{
    Actor, App,
    error::{AppError, Errors},
    incidents::ListParams,
};
use serde::{Deserialize, Serialize};
use steward_domain::knowledge::{ArticleState, Audience};
use steward_store::{articles as store_articles, records::Filter};

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleListParams {
    /// Comma-separated states; `open` means draft and in_review.
    pub state: Option<String>,
    pub category: Option<String>,
    /// `requesters` or `staff`.
    pub audience: Option<String>,
    /// Words in the title or summary.
    pub text: Option<String>,
    /// -updated (default), updated, opened, -opened, number, -number
    pub sort: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

impl App {
    /// Checks and resolves article list parameters, every bad one named at
    /// once. Requesters' lists are narrowed further by `list_articles`.
    pub async fn article_filter(&self, actor: &Actor, p: &ArticleListParams) -> Result<Filter, AppError> {
        let mut errs = Errors::default();
        let states = crate::incidents::kind_states::<ArticleState>(&mut errs, p.state.as_deref());
        let extra = match p.audience.as_deref().map(str::trim) {
            None => None,
            Some(a) => match errs.check("audience", a.parse::<Audience>()) {
                Some(Audience::Requesters) => Some(store_articles::FOR_REQUESTERS),
                Some(Audience::Staff) => Some(store_articles::FOR_STAFF),
                None => None,
            },
        };
        let sort = p.sort.as_deref().map(str::trim).filter(|s| !s.is_empty());
        if let Some(s) = sort {
            if !SORTS.contains(&s) {
                errs.add("sort", crate::error::one_of(&SORTS));
            }
        }
        let shared = ListParams {
            category: p.category.clone(),
            text: p.text.clone(),
            sort: Some(sort.filter(|s| SORTS.contains(s)).unwrap_or("-updated").to_owned()),
            cursor: p.cursor.clone(),
            limit: p.limit,
            ..ListParams::default()
        };
        self.kind_filter(actor, &shared, (KIND, states, extra), errs).await
    }
}

/// The orders an article list offers (priority and SLA mean nothing here).
const SORTS: [&str; 6] = ["-updated", "updated", "-opened", "opened", "-number", "number"];
