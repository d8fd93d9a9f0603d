//! What readers tell us: "did this help?" (one answer per reader per
//! version, journaled), how often an article was read, and deflection —
//! a requester who opened an article suggested by the report form and
//! filed no report in the next 30 minutes (decided here, on the server,
//! by `steward_domain::knowledge::deflected`).

use super::{ArticleRead, KIND, lock_at, parse_number, state_of};
use crate::error::{Code, Message};
use crate::{Actor, App, error::AppError, records};
use serde::Serialize;
use steward_domain::{
    journal::{Action, FieldChange},
    knowledge::{self, Audience, VersionState, can_read_version, can_write_articles},
};
use steward_store::{StoreError, articles as store_articles, now_micros};

/// How the suggested articles opened since a moment fared.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Deflection {
    /// Openings from the report form.
    pub opened: i64,
    /// No report followed within 30 minutes.
    pub deflected: i64,
    /// A report followed within 30 minutes.
    pub reported: i64,
    /// Less than 30 minutes ago, no report yet.
    pub pending: i64,
}

impl App {
    /// Records the reader's answer about a version they may read (the
    /// published one unless `version` names another) and returns the
    /// version's tally.
    pub async fn give_article_feedback(
        &self,
        actor: &Actor,
        number: &str,
        version: Option<i64>,
        helpful: bool,
        comment: Option<&str>,
    ) -> Result<store_articles::Tally, AppError> {
        let n = parse_number(number)?;
        let fb = knowledge::Feedback::new(helpful, comment).map_err(|e| AppError::field("comment", e))?;
        let (dialect, actor_id, role) = (self.store.dialect(), actor.id, actor.role);
        self.store
            .write_checked(
                move |c| {
                    Box::pin(async move {
                        let a = lock_at(c, dialect, n, None).await?;
                        let v = match version {
                            Some(v) => a.versions.iter().find(|x| x.number == v),
                            // Nothing published: the reader's rights or the
                            // state say why not.
                            None => a.published().or(a.versions.last()),
                        }
                        .ok_or(AppError::field(
                            "version",
                            Code::NoSuchVersion.msg("the article has no such version to give feedback on"),
                        ))?;
                        let audience: Audience = v.audience.parse().map_err(|e: Message| AppError::Internal(e.text))?;
                        can_read_version(role, v.author_id == actor_id, audience, state_of(v))?;
                        if !matches!(state_of(v), VersionState::Published | VersionState::Superseded) {
                            return Err(AppError::field(
                                "version",
                                Code::FeedbackPublished.msg("feedback is about a published version"),
                            ));
                        }
                        let number = v.number;
                        Ok::<_, AppError>((a.record, number))
                    })
                },
                move |c, (rec, number)| {
                    Box::pin(async move {
                        let now = now_micros();
                        let row = store_articles::Feedback {
                            version: number,
                            user_id: actor_id,
                            helpful: i64::from(fb.helpful),
                            comment: fb.comment.clone(),
                            at: now,
                            user_name: None,
                        };
                        store_articles::set_feedback(c, rec.id, &row).await?;
                        let yes_no = if fb.helpful { "yes" } else { "no" };
                        let changes: Vec<FieldChange> = [
                            FieldChange::new(&format!("v{number}.helpful"), None, Some(yes_no.to_owned())),
                            FieldChange::new("comment", None, fb.comment.clone()),
                        ]
                        .into_iter()
                        .flatten()
                        .collect();
                        records::journal(c, &rec, now, Some(actor_id), Action::Feedback, &changes, None).await?;
                        let tally = store_articles::tallies(c, rec.id).await?.into_iter().find(|t| t.version == number);
                        Ok(tally.unwrap_or(store_articles::Tally { version: number, ..Default::default() }))
                    })
                },
            )
            .await
    }

    /// Counts a reading of the article shown; a requester who came from
    /// the report form's suggestions also leaves an opening, from which
    /// deflection is decided.
    pub async fn article_read(&self, actor: &Actor, read: &ArticleRead, from_report: bool) -> Result<(), AppError> {
        let id = read.article.record.id;
        let opening = from_report && !actor.is_staff() && state_of(&read.shown) == VersionState::Published;
        let user = actor.id;
        self.store
            .write(move |c| {
                Box::pin(async move {
                    store_articles::add_view(c, id).await?;
                    if opening {
                        store_articles::add_open(c, id, user, now_micros()).await?;
                    }
                    Ok::<_, AppError>(())
                })
            })
            .await
    }

    /// How the openings of suggested articles since `since` fared (of one
    /// article, or of all); staff only.
    pub async fn deflections(&self, actor: &Actor, since: i64, article: Option<&str>) -> Result<Deflection, AppError> {
        can_write_articles(actor.role)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let id = match article {
            // A filter naming no article is a bad filter, not a missing page.
            Some(a) => {
                let unknown = || {
                    let m = Code::NoSuchArticle.msg(format!("no knowledge article is numbered {a:?}"));
                    AppError::field("article", m.with("number", format!("{a:?}")))
                };
                let n = parse_number(a).map_err(|_| unknown())?;
                Some(steward_store::records::id_of(&mut conn, KIND, n).await?.ok_or_else(unknown)?)
            }
            None => None,
        };
        let now = now_micros();
        let mut out = Deflection::default();
        for o in store_articles::openings(&mut conn, since, id).await? {
            out.opened += 1;
            match knowledge::deflected(o.opened_at, o.next_report_at, now) {
                Some(true) => out.deflected += 1,
                Some(false) => out.reported += 1,
                None => out.pending += 1,
            }
        }
        Ok(out)
    }
}
