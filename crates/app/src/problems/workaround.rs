//! Applying a known error's workaround to an incident linked to it: a
//! work note on the incident with the workaround (and what the agent adds),
//! journaled with the problem's number, in one checked write.

use super::KIND;
use crate::Code;
use crate::{Actor, App, error::AppError, incidents, records};
use steward_domain::{
    access,
    journal::{Action, FieldChange},
    number::RecordKind,
    problem::can_change_known_error,
    text,
};
use steward_store::{journal as store_journal, now_micros, problems as store_problems, records as store_records};

impl App {
    /// Applies the workaround of `problem` (a published known error the
    /// incident is linked to) to the incident; answers the work note.
    pub async fn apply_workaround(
        &self,
        actor: &Actor,
        incident: &str,
        problem: &str,
        note: Option<&str>,
    ) -> Result<store_journal::Comment, AppError> {
        can_change_known_error(actor.role)?;
        let n = incidents::parse_number(incident)?;
        let p = RecordKind::Problem.seq_of(problem).ok_or_else(|| {
            let text = format!("{:?}", problem.trim());
            AppError::field(
                "problem",
                Code::NotProblemNumber.msg(format!("{text} is not a problem number")).with("text", text),
            )
        })?;
        let note = note
            .filter(|t| !t.trim().is_empty())
            .map(|t| text::check(t, text::COMMENT).map_err(|e| AppError::field("note", e)))
            .transpose()?;
        let (dialect, ctx, actor) = (self.store.dialect(), self.notify_ctx(), actor.clone());
        let check_actor = actor.clone();
        self.store
            .write_checked(
                move |c| {
                    Box::pin(async move {
                        let inc = records::lock(c, dialect, incidents::KIND, n).await?;
                        access::can_comment(incidents::viewer(&check_actor, &inc), true)?;
                        let prb = store_records::by_number(c, KIND, p)
                            .await?
                            .ok_or_else(|| AppError::field("problem", Code::NoSuchProblem.msg("no such problem")))?;
                        let linked = store_problems::problems_of(c, inc.id).await?;
                        if !linked.iter().any(|l| l.id == prb.id) {
                            return Err(AppError::field(
                                "problem",
                                Code::NotLinkedProblem.msg("is not linked to this incident"),
                            ));
                        }
                        let d = store_problems::details(c, prb.id).await?.ok_or(AppError::NotFound(KIND))?;
                        if d.known_error == 0 {
                            return Err(AppError::field(
                                "problem",
                                Code::NotKnownError.msg("is not a published known error"),
                            ));
                        }
                        let workaround = d
                            .workaround
                            .filter(|w| !w.trim().is_empty())
                            .ok_or_else(|| AppError::field("problem", Code::NoWorkaround.msg("has no workaround")))?;
                        Ok::<_, AppError>((inc, super::number(prb.number), workaround))
                    })
                },
                move |c, (inc, number, workaround)| {
                    Box::pin(async move {
                        let now = now_micros();
                        let body = match &note {
                            Some(n) => format!("{workaround}\n\n{n}"),
                            None => workaround,
                        };
                        let cid = store_journal::insert_comment(c, inc.id, actor.id, &body, true, now).await?;
                        store_records::touch(c, inc.id, now, false).await?;
                        let changes: Vec<FieldChange> =
                            FieldChange::new("workaround", None, Some(number)).into_iter().collect();
                        records::journal(c, &inc, now, Some(actor.id), Action::WorkNote, &changes, Some(cid)).await?;
                        let by = crate::notify::Author::user(actor.id, &actor.display_name);
                        crate::notify::hooks::on_comment(c, &ctx, &inc, &by, &body, true).await?;
                        store_journal::comment(c, cid).await?.ok_or(AppError::NotFound("comment"))
                    })
                },
            )
            .await
    }
}
