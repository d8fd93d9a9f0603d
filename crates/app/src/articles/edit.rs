//! Changing an article: the open version's texts and fields (a draft
//! only), the problems and services it names, and starting a new version
//! (a revision of the published one, or reviving a retired article).

use super::{
    Article, ArticleInput, create::check_input, facts, links, lock_at, parse_number, show_version, texts_diff,
    version_diff, write_change,
};
use crate::{Actor, App, error::AppError, incidents::diff};
use steward_domain::{
    journal::Action,
    knowledge::{VersionState, can_edit_content, can_edit_version, can_write_articles, plan_new_version},
};
use steward_store::{articles as store_articles, now_micros};

impl ArticleInput {
    /// Whether it changes the version's content (not only the links).
    fn has_content(&self) -> bool {
        self.audience.is_some()
            || self.category.is_some()
            || self.review_by.is_some()
            || self.change_note.is_some()
            || self.translations.is_some()
    }
}

impl App {
    /// Edits the article's open version (a draft, by its author or a
    /// manager) and the problems and services it names.
    pub async fn update_article(
        &self,
        actor: &Actor,
        number: &str,
        version: Option<i64>,
        input: ArticleInput,
    ) -> Result<Article, AppError> {
        can_write_articles(actor.role)?;
        let n = parse_number(number)?;
        let version = version.ok_or(AppError::VersionRequired)?;
        let links = self.resolve_links(&input).await?;
        let (dialect, actor_id, role) = (self.store.dialect(), actor.id, actor.role);
        self.store
            .write_checked(
                move |c| {
                    Box::pin(async move {
                        let now = now_micros();
                        let old = lock_at(c, dialect, n, Some(version)).await?;
                        let mut content = None;
                        if input.has_content() {
                            let Some(open) = old.open_version().cloned() else {
                                return Err(AppError::Transition {
                                    message: crate::Code::KbNoOpenVersion.msg(
                                        "the article has no version being written: start a new version to change it",
                                    ),
                                    allowed: Vec::new(),
                                });
                            };
                            let f = facts(std::slice::from_ref(&open));
                            can_edit_version(role, open.author_id == actor_id)?;
                            can_edit_content(f[0]).map_err(super::version_error)?;
                            let texts = store_articles::texts(c, open.record_id, open.number).await?;
                            let checked = check_input(&input, &open, &texts, now)?;
                            content = Some((open, texts, checked));
                        }
                        let current = links::current(c, old.record.id).await?;
                        Ok::<_, AppError>((old, content, current))
                    })
                },
                move |c, (old, content, current)| {
                    Box::pin(async move {
                        let now = now_micros();
                        let (mut rec, mut details) = (old.record.clone(), old.details.clone());
                        let mut changes = Vec::new();
                        let mut versions = old.versions.clone();
                        if let Some((open, old_texts, checked)) = content {
                            changes.extend(version_diff(Some(&open), &checked.version));
                            changes.extend(texts_diff(open.number, &old_texts, &checked.texts));
                            store_articles::save_version(c, &checked.version).await?;
                            store_articles::set_texts(c, rec.id, open.number, &checked.texts).await?;
                            // Readers keep seeing the published version until
                            // this one replaces it.
                            if old.published().is_none() {
                                show_version(&mut rec, &mut details, &checked.version, &checked.texts);
                            }
                            if let Some(v) = versions.iter_mut().find(|v| v.number == open.number) {
                                *v = checked.version;
                            }
                        }
                        changes.extend(diff(&old.record, &rec));
                        changes.extend(links.changes(&current));
                        links.write(c, rec.id, now, actor_id).await?;
                        let what = (actor_id, Action::Updated, changes.as_slice());
                        let record = write_change(c, &old, rec, &details, (version, now), what).await?;
                        Ok(Article { record, details, versions })
                    })
                },
            )
            .await
    }

    /// Starts a new version, a draft copied from the published version (or,
    /// for a retired article, from its newest): one at a time.
    pub async fn start_article_version(
        &self,
        actor: &Actor,
        number: &str,
        version: Option<i64>,
    ) -> Result<Article, AppError> {
        can_write_articles(actor.role)?;
        let n = parse_number(number)?;
        let version = version.ok_or(AppError::VersionRequired)?;
        let (dialect, actor_id, name) = (self.store.dialect(), actor.id, actor.display_name.clone());
        self.store
            .write_checked(
                move |c| {
                    Box::pin(async move {
                        let old = lock_at(c, dialect, n, Some(version)).await?;
                        let plan = plan_new_version(&facts(&old.versions)).map_err(super::version_error)?;
                        let from = plan.copy_from.and_then(|f| old.versions.iter().find(|v| v.number == i64::from(f)));
                        let texts = match from {
                            Some(f) => store_articles::texts(c, f.record_id, f.number).await?,
                            None => Vec::new(),
                        };
                        let from = from.cloned();
                        Ok::<_, AppError>((old, plan, from, texts))
                    })
                },
                move |c, (old, plan, from, texts)| {
                    Box::pin(async move {
                        let now = now_micros();
                        let number = i64::from(plan.number);
                        let base = from.unwrap_or_default();
                        let new = steward_store::articles::Version {
                            record_id: old.record.id,
                            number,
                            state: VersionState::Draft.as_str().to_owned(),
                            author_id: actor_id,
                            author_name: Some(name),
                            reviewer_id: None,
                            reviewer_name: None,
                            change_note: None,
                            created_at: now,
                            updated_at: now,
                            submitted_at: None,
                            published_at: None,
                            ended_at: None,
                            ..base
                        };
                        let texts: Vec<_> =
                            texts.into_iter().map(|t| steward_store::articles::Text { version: number, ..t }).collect();
                        store_articles::save_version(c, &new).await?;
                        store_articles::set_texts(c, old.record.id, number, &texts).await?;
                        let (mut rec, mut details) = (old.record.clone(), old.details.clone());
                        rec.state = plan.article_state.as_str().to_owned();
                        if old.published().is_none() {
                            show_version(&mut rec, &mut details, &new, &texts);
                        }
                        let mut changes = version_diff(None, &new);
                        changes.extend(diff(&old.record, &rec));
                        let what = (actor_id, Action::StateChanged, changes.as_slice());
                        let record = write_change(c, &old, rec, &details, (version, now), what).await?;
                        let mut versions = old.versions.clone();
                        versions.push(new);
                        Ok(Article { record, details, versions })
                    })
                },
            )
            .await
    }
}
