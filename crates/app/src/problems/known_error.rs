//! Publishing a problem as a known error (its cause and workaround for
//! the desk to see on every linked incident), and withdrawing it.

use super::{KIND, Problem, details_diff, update::api_field};
use crate::{Actor, App, error::AppError, records::Writing};
use steward_domain::{
    journal::Action,
    problem::{
        KnownErrorError, ProblemState, can_change_known_error, can_publish_known_error, can_unpublish_known_error,
    },
};
use steward_store::{now_micros, problems as store_problems};

fn refused(e: KnownErrorError) -> AppError {
    match &e {
        KnownErrorError::Missing { field } | KnownErrorError::Cleared { field } => AppError::field(api_field(field), e),
        KnownErrorError::NotInState { .. } => AppError::field("state", e),
        KnownErrorError::NotPublished => AppError::field("known_error", e),
    }
}

impl App {
    /// Publishes (`publish`) or withdraws the problem's known error, if
    /// the problem is still at `version`.
    pub async fn set_known_error(
        &self,
        actor: &Actor,
        number: &str,
        version: Option<i64>,
        publish: bool,
    ) -> Result<Problem, AppError> {
        can_change_known_error(actor.role)?;
        let n = super::parse_number(number)?;
        let version = version.ok_or(AppError::VersionRequired)?;
        let (dialect, actor) = (self.store.dialect(), actor.clone());
        let (snap, ctx) = (self.sla_snapshot().await?, self.notify_ctx());
        let by = crate::notify::Author::user(actor.id, &actor.display_name);
        self.store
            .write_checked(
                move |c| {
                    Box::pin(async move {
                        let old = super::lock_at(c, dialect, n, Some(version)).await?;
                        let d = store_problems::details(c, old.id).await?.ok_or(AppError::NotFound(KIND))?;
                        if publish {
                            let state: ProblemState = old
                                .state
                                .parse()
                                .map_err(|e: steward_domain::code::Message| AppError::Internal(e.text))?;
                            can_publish_known_error(state, d.root_cause.as_deref(), d.workaround.as_deref())
                                .map_err(refused)?;
                        } else {
                            can_unpublish_known_error(d.known_error != 0).map_err(refused)?;
                        }
                        Ok::<_, AppError>((old, d))
                    })
                },
                move |c, (old, old_details)| {
                    Box::pin(async move {
                        // Publishing again changes nothing.
                        if publish && old_details.known_error != 0 {
                            return Ok(Problem { record: old, details: old_details });
                        }
                        let now = now_micros();
                        let mut details = old_details.clone();
                        (details.known_error, details.known_error_at) =
                            if publish { (1, Some(now)) } else { (0, None) };
                        let changes = details_diff(&old_details, &details);
                        let new = old.clone();
                        let w = Writing { dialect, snap: &snap, ctx: &ctx, by: &by, actor: &actor };
                        super::write_change(c, &w, &old, new, details, (version, now), (Action::Updated, &changes))
                            .await
                    })
                },
            )
            .await
    }
}
