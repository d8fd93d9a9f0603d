//! Moving a version as `plan_version` allows: submit for review, send back
//! (or withdraw) to draft, publish (reviewed where the site requires it),
//! retire, discard. Publishing supersedes the version published before and
//! makes the new one what the record shows; retiring discards an open
//! revision with it.

use super::{Article, facts, lock_at, parse_number, show_version, state_of, version_diff, write_change};
use crate::error::{Code, Message};
use crate::{Actor, App, error::AppError, incidents::diff};
use steward_domain::{
    journal::Action,
    knowledge::{VersionState, can_move_version, can_write_articles, plan_version},
};
use steward_store::{articles as store_articles, now_micros};

/// A move as callers send it.
#[derive(Debug, Clone, Default)]
pub struct VersionMove {
    /// The target: in_review, draft, published, retired or discarded.
    pub state: String,
    /// Which version; by default the open one (the published one for
    /// `retired`).
    pub version: Option<i64>,
}

impl App {
    pub async fn move_article_version(
        &self,
        actor: &Actor,
        number: &str,
        version: Option<i64>,
        m: VersionMove,
    ) -> Result<Article, AppError> {
        can_write_articles(actor.role)?;
        let n = parse_number(number)?;
        let version = version.ok_or(AppError::VersionRequired)?;
        let to: VersionState = m.state.trim().parse().map_err(|e: Message| AppError::field("state", e))?;
        if matches!(to, VersionState::Superseded) {
            return Err(AppError::field(
                "state",
                Code::SupersededByPublish.msg("superseded follows from publishing another version"),
            ));
        }
        let policy = self.review_policy();
        let (dialect, actor_id, role) = (self.store.dialect(), actor.id, actor.role);
        self.store
            .write_checked(
                move |c| {
                    Box::pin(async move {
                        let old = lock_at(c, dialect, n, Some(version)).await?;
                        let pick = match (m.version, to) {
                            (Some(v), _) => Some(v),
                            (None, VersionState::Retired) => old.published().or(old.open_version()).map(|v| v.number),
                            (None, _) => old.open_version().or(old.versions.last()).map(|v| v.number),
                        };
                        let moved = pick
                            .and_then(|p| old.versions.iter().find(|v| v.number == p))
                            .ok_or(AppError::NotFound("article version"))?;
                        can_move_version(role, moved.author_id == actor_id, to)?;
                        let number = u32::try_from(moved.number).map_err(|e| AppError::Internal(e.to_string()))?;
                        let plan = plan_version(&facts(&old.versions), number, to, actor_id, policy)
                            .map_err(super::version_error)?;
                        let texts = if plan.sets_published_at {
                            store_articles::texts(c, old.record.id, moved.number).await?
                        } else {
                            Vec::new()
                        };
                        Ok::<_, AppError>((old, plan, texts))
                    })
                },
                move |c, (old, plan, texts)| {
                    Box::pin(async move {
                        let now = now_micros();
                        let mut changes = Vec::new();
                        let mut versions = old.versions.clone();
                        let (mut rec, mut details) = (old.record.clone(), old.details.clone());
                        for v in versions.iter_mut() {
                            let before = v.clone();
                            let n = u32::try_from(v.number).ok();
                            let target = match n {
                                Some(x) if x == plan.number => plan.to,
                                Some(x) if Some(x) == plan.supersedes => VersionState::Superseded,
                                Some(x) if Some(x) == plan.discards => VersionState::Discarded,
                                _ => continue,
                            };
                            v.state = target.as_str().to_owned();
                            v.updated_at = now;
                            match target {
                                VersionState::InReview => v.submitted_at = Some(now),
                                VersionState::Draft => v.submitted_at = None,
                                VersionState::Published => {
                                    v.published_at = Some(now);
                                    v.reviewer_id = plan.reviewed_by;
                                }
                                VersionState::Superseded | VersionState::Retired | VersionState::Discarded => {
                                    v.ended_at = Some(now);
                                }
                            }
                            changes.extend(version_diff(Some(&before), v));
                            store_articles::save_version(c, v).await?;
                            if target == VersionState::Published {
                                show_version(&mut rec, &mut details, v, &texts);
                            }
                        }
                        details.published_version = plan.published_version.map(i64::from);
                        if plan.sets_published_at {
                            details.published_at = Some(now);
                        } else if plan.published_version.is_none() {
                            details.published_at = None;
                        }
                        rec.state = plan.article_state.as_str().to_owned();
                        changes.extend(diff(&old.record, &rec));
                        let what = (actor_id, Action::StateChanged, changes.as_slice());
                        let record = write_change(c, &old, rec, &details, (version, now), what).await?;
                        debug_assert!(versions.iter().filter(|v| state_of(v).is_open()).count() <= 1);
                        Ok(Article { record, details, versions })
                    })
                },
            )
            .await
    }
}
