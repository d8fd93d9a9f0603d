//! Public comments and internal work notes.

use super::{journal, viewer};
use crate::{Actor, App, error::AppError, sla};
use steward_domain::{access, journal::Action, text};
use steward_store::incidents::Incident;
use steward_store::{StoreError, incidents, journal as store_journal, now_micros};

impl App {
    /// Adds a comment (or, with `internal`, a work note). The desk's first
    /// public reply is the incident's first response.
    pub async fn add_comment(
        &self,
        actor: &Actor,
        number: &str,
        body: &str,
        internal: bool,
    ) -> Result<store_journal::Comment, AppError> {
        let id = super::parse_number(number)?;
        let body = text::check(body, text::COMMENT).map_err(|e| AppError::field("body", e.to_string()))?;
        let actor = actor.clone();
        let dialect = self.store.dialect();
        let snap = self.sla_snapshot().await?;
        let ctx = self.notify_ctx();
        self.store
            .write(move |c| {
                Box::pin(async move {
                    let inc = incidents::get_for_update(c, dialect, id).await.map_err(|e| match e {
                        StoreError::NotFound => AppError::NotFound("incident"),
                        other => other.into(),
                    })?;
                    let v = viewer(&actor, &inc);
                    access::can_comment(v, internal)?;
                    let now = now_micros();
                    let cid = store_journal::insert_comment(c, id, actor.id, &body, internal, now).await?;
                    let first_response = actor.is_staff() && !internal && inc.requester_id != actor.id;
                    incidents::touch(c, id, now, first_response).await?;
                    if first_response && inc.first_response_at.is_none() {
                        let after = Incident { first_response_at: Some(now), ..inc.clone() };
                        sla::engine::sync(c, dialect, &snap, Some(&inc), &after, Some(actor.id), now).await?;
                    }
                    let action = if internal { Action::WorkNote } else { Action::Comment };
                    journal(c, id, now, Some(actor.id), action, &[], Some(cid)).await?;
                    let by = crate::notify::Author::user(actor.id, &actor.display_name);
                    crate::notify::hooks::on_comment(c, &ctx, &inc, &by, &body, internal).await?;
                    store_journal::comment(c, cid).await?.ok_or(AppError::NotFound("comment"))
                })
            })
            .await
    }

    pub async fn list_comments(&self, actor: &Actor, number: &str) -> Result<Vec<store_journal::Comment>, AppError> {
        let inc = self.get_incident(actor, number).await?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(store_journal::comments(&mut conn, inc.id, actor.is_staff()).await?)
    }
}
