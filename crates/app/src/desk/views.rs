//! Saved views: a user names a filter and sort of the incident list and
//! finds it again beside the list. Each user sees only their own.

use crate::error::Code;
use crate::{Actor, App, error::AppError, incidents::ListParams};
use std::collections::BTreeMap;
use steward_domain::text;
use steward_store::{StoreError, desk, now_micros};

/// A user keeps at most this many views.
pub const MAX_VIEWS: usize = 50;

/// A view: its name and the list parameters it stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedView {
    pub id: i64,
    pub name: String,
    /// The list's parameters (`state`, `group`, `sort`, …), without page.
    pub filters: BTreeMap<String, String>,
    pub created_at: i64,
}

impl From<desk::SavedView> for SavedView {
    fn from(v: desk::SavedView) -> Self {
        // Written by `save_view` as a JSON object of strings.
        let filters = serde_json::from_str(&v.query).unwrap_or_default();
        SavedView { id: v.id, name: v.name, filters, created_at: v.created_at }
    }
}

/// The parameters that are set, as text, without the page position.
fn filters_of(p: &ListParams) -> BTreeMap<String, String> {
    let Ok(serde_json::Value::Object(map)) = serde_json::to_value(p) else { return BTreeMap::new() };
    map.into_iter()
        .filter(|(k, _)| k != "cursor" && k != "limit")
        .filter_map(|(k, v)| match v {
            serde_json::Value::String(s) if !s.trim().is_empty() => Some((k, s.trim().to_owned())),
            _ => None,
        })
        .collect()
}

fn desk_only(actor: &Actor) -> Result<(), AppError> {
    if actor.is_staff() {
        Ok(())
    } else {
        Err(AppError::Forbidden(Code::DenyStaffOnly.msg("saved views are for the desk's incident list")))
    }
}

impl App {
    /// The acting user's views, by name.
    pub async fn saved_views(&self, actor: &Actor) -> Result<Vec<SavedView>, AppError> {
        desk_only(actor)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(desk::views(&mut conn, actor.id).await?.into_iter().map(SavedView::from).collect())
    }

    /// Saves the list parameters under `name` for the acting user. The
    /// parameters are checked as the list checks them.
    pub async fn save_view(&self, actor: &Actor, name: &str, params: &ListParams) -> Result<SavedView, AppError> {
        desk_only(actor)?;
        let name = text::check(name, text::NAME).map_err(|e| AppError::field("name", e))?;
        self.incident_filter(actor, params).await?;
        let filters = filters_of(params);
        let query = serde_json::to_string(&filters).map_err(|e| AppError::Internal(e.to_string()))?;
        let user = actor.id;
        self.store
            .write(move |c| {
                let (name, query) = (name.clone(), query.clone());
                Box::pin(async move {
                    if desk::views(c, user).await?.len() >= MAX_VIEWS {
                        return Err(AppError::field(
                            "name",
                            Code::ViewsFull
                                .msg(format!("you have {MAX_VIEWS} views; delete one first"))
                                .with("max", MAX_VIEWS),
                        ));
                    }
                    let now = now_micros();
                    let id = desk::insert_view(c, user, &name, &query, now).await?;
                    Ok(SavedView::from(desk::SavedView { id, user_id: user, name, query, created_at: now }))
                })
            })
            .await
    }

    /// Deletes one of the acting user's views; another's is not found.
    pub async fn delete_view(&self, actor: &Actor, id: i64) -> Result<(), AppError> {
        desk_only(actor)?;
        let user = actor.id;
        let gone = self.store.write(move |c| Box::pin(async move { Ok(desk::delete_view(c, user, id).await?) })).await;
        match gone {
            Ok(true) => Ok(()),
            Ok(false) => Err(AppError::NotFound("view")),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_what_is_set_without_the_page() {
        let p = ListParams {
            state: Some("open".into()),
            group: Some(" mine ".into()),
            text: Some("  ".into()),
            cursor: Some("abc".into()),
            limit: Some(50),
            ..ListParams::default()
        };
        let f = filters_of(&p);
        assert_eq!(
            f.into_iter().collect::<Vec<_>>(),
            [("group".into(), "mine".into()), ("state".into(), "open".into())]
        );
    }
}
