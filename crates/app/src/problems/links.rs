//! Linking incidents to the problem that caused them, many at once, and
//! unlinking them. Each link is journaled on the problem (one entry for
//! the batch) and on each incident.

use super::{Linked, MAX_LINK, numbers_text};
use crate::Code;
use crate::error::too_many;
use crate::{
    Actor, App,
    error::{AppError, Errors},
    incidents, records,
};
use steward_domain::{
    journal::{Action, FieldChange},
    number::RecordKind,
    problem::{ProblemState, can_link_incident, can_link_incidents, can_view_problem},
};
use steward_store::{
    Conn, Dialect, StoreError, journal, now_micros, problems as store_problems,
    records::{self as store_records, JournalRow, Record},
};

impl App {
    /// Links up to [`MAX_LINK`] incidents (by number) to the problem;
    /// those linked already stay so. Answers every incident linked now.
    pub async fn link_incidents(
        &self,
        actor: &Actor,
        number: &str,
        version: Option<i64>,
        incidents: &[String],
    ) -> Result<Vec<Linked>, AppError> {
        can_link_incidents(actor.role)?;
        let n = super::parse_number(number)?;
        let pairs = self.incidents_named(incidents).await?;
        let (dialect, actor_id) = (self.store.dialect(), actor.id);
        self.store
            .write_checked(
                move |c| {
                    Box::pin(async move {
                        let problem = super::lock_at(c, dialect, n, version).await?;
                        let state: ProblemState = problem
                            .state
                            .parse()
                            .map_err(|e: steward_domain::code::Message| AppError::Internal(e.text))?;
                        can_link_incident(state).map_err(|e| AppError::field("incidents", e))?;
                        Ok::<_, AppError>(problem)
                    })
                },
                move |c, problem| {
                    Box::pin(async move {
                        write_links(c, dialect, &problem, &pairs, actor_id, now_micros()).await?;
                        Ok(store_problems::incidents_of(c, problem.id).await?)
                    })
                },
            )
            .await
    }

    /// The incidents (id, number) a link request names, every one found
    /// (those that do not exist are named, all at once).
    pub(crate) async fn incidents_named(&self, incidents: &[String]) -> Result<Vec<(i64, i64)>, AppError> {
        let wanted = incident_numbers(incidents)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let found = store_records::numbered(&mut conn, incidents::KIND, &wanted).await?;
        drop(conn);
        if found.len() < wanted.len() {
            let missing: Vec<String> = wanted
                .iter()
                .filter(|w| found.binary_search_by_key(*w, |f| f.number).is_err())
                .map(|w| incidents::number(*w))
                .collect();
            return Err(AppError::field(
                "incidents",
                Code::NoSuchIncidents
                    .msg(format!("no such incident: {}", missing.join(", ")))
                    .with("numbers", missing.join(", ")),
            ));
        }
        Ok(found.iter().map(|f| (f.id, f.number)).collect())
    }

    /// Removes the incident's link to the problem.
    pub async fn unlink_incident(
        &self,
        actor: &Actor,
        number: &str,
        incident: &str,
        version: Option<i64>,
    ) -> Result<Vec<Linked>, AppError> {
        can_link_incidents(actor.role)?;
        let n = super::parse_number(number)?;
        let i = incidents::parse_number(incident)?;
        let (dialect, actor_id) = (self.store.dialect(), actor.id);
        self.store
            .write_checked(
                move |c| {
                    Box::pin(async move {
                        let problem = super::lock_at(c, dialect, n, version).await?;
                        let inc = store_records::by_number(c, incidents::KIND, i)
                            .await?
                            .ok_or(AppError::NotFound("incident"))?;
                        let linked = store_problems::incidents_of(c, problem.id).await?;
                        if !linked.iter().any(|l| l.id == inc.id) {
                            return Err(AppError::NotFound("link to the incident"));
                        }
                        Ok::<_, AppError>((problem, inc))
                    })
                },
                move |c, (problem, inc)| {
                    Box::pin(async move {
                        let now = now_micros();
                        store_problems::unlink_incident(c, problem.id, inc.id).await?;
                        let (p, i) = (super::number(problem.number), incidents::number(inc.number));
                        let on_problem = FieldChange::new("incidents", Some(i), None);
                        records::journal(c, &problem, now, Some(actor_id), Action::Unlinked, &list(on_problem), None)
                            .await?;
                        let on_incident = FieldChange::new("problem", Some(p), None);
                        records::journal(c, &inc, now, Some(actor_id), Action::Unlinked, &list(on_incident), None)
                            .await?;
                        store_records::touch(c, problem.id, now, false).await?;
                        Ok(store_problems::incidents_of(c, problem.id).await?)
                    })
                },
            )
            .await
    }

    /// The incidents linked to the problem.
    pub async fn problem_incidents(&self, actor: &Actor, number: &str) -> Result<Vec<Linked>, AppError> {
        let p = self.get_problem(actor, number).await?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(store_problems::incidents_of(&mut conn, p.record.id).await?)
    }

    /// The problems an incident is linked to, with the workaround of each
    /// published known error (what the desk applies).
    pub async fn incident_problems(
        &self,
        actor: &Actor,
        incident: &str,
    ) -> Result<Vec<super::IncidentProblem>, AppError> {
        can_view_problem(actor.role)?;
        let inc = self.get_incident(actor, incident).await?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let problems = store_problems::problems_of(&mut conn, inc.id).await?;
        let ids: Vec<i64> = problems.iter().map(|p| p.id).collect();
        let details = store_problems::details_many(&mut conn, &ids).await?;
        Ok(problems
            .into_iter()
            .map(|problem| {
                let d = details.iter().find(|d| d.record_id == problem.id);
                let known_error = d.is_some_and(|d| d.known_error != 0);
                let workaround = d.filter(|_| known_error).and_then(|d| d.workaround.clone());
                super::IncidentProblem { problem, known_error, workaround }
            })
            .collect())
    }
}

/// The incident numbers a link request names: 1 to [`MAX_LINK`], each an
/// incident's number (a bare number is one), repeats dropped; sorted.
fn incident_numbers(sent: &[String]) -> Result<Vec<i64>, AppError> {
    if sent.is_empty() {
        return Err(AppError::field("incidents", Code::ChooseIncidents.msg("name at least one incident")));
    }
    if sent.len() > MAX_LINK {
        return Err(AppError::field(
            "incidents",
            too_many(format!("at most {MAX_LINK} incidents at once, got {}", sent.len()), MAX_LINK),
        ));
    }
    let mut errs = Errors::default();
    let mut out: Vec<i64> = Vec::with_capacity(sent.len());
    for (i, s) in sent.iter().enumerate() {
        match RecordKind::Incident.seq_of(s) {
            Some(n) => out.push(n),
            None => errs.add(
                &format!("incidents[{i}]"),
                Code::NotIncidentNumber.msg(format!("{:?} is not an incident number", s.trim())),
            ),
        }
    }
    errs.finish()?;
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

fn list(change: Option<FieldChange>) -> Vec<FieldChange> {
    change.into_iter().collect()
}

/// Links the incidents (id, number) to the problem inside a write and
/// journals the new links: one entry on the problem naming them all, one
/// on each incident naming the problem (numbered in one read, written in
/// one multi-row INSERT). Returns the ids newly linked.
pub(crate) async fn write_links(
    c: &mut Conn,
    d: Dialect,
    problem: &Record,
    incidents: &[(i64, i64)],
    actor_id: i64,
    now: i64,
) -> Result<Vec<i64>, AppError> {
    let ids: Vec<i64> = incidents.iter().map(|i| i.0).collect();
    let new = store_problems::link_incidents(c, d, problem.id, &ids, now, Some(actor_id)).await?;
    if new.is_empty() {
        return Ok(new);
    }
    let numbers = incidents.iter().filter(|i| new.binary_search(&i.0).is_ok()).map(|i| incidents::number(i.1));
    let on_problem = FieldChange::new("incidents", None, numbers_text(numbers));
    records::journal(c, problem, now, Some(actor_id), Action::Linked, &list(on_problem), None).await?;
    let on_incident = list(FieldChange::new("problem", None, Some(super::number(problem.number))));
    let changes = serde_json::to_string(&on_incident).map_err(|e| AppError::Internal(e.to_string()))?;
    let last = journal::last_seqs(c, incidents::KIND, &new).await?;
    let rows: Vec<JournalRow> = new
        .iter()
        .map(|id| JournalRow {
            record_kind: incidents::KIND,
            record_id: *id,
            seq: last.get(id).copied().unwrap_or(0) + 1,
            at: now,
            actor_id: Some(actor_id),
            action: Action::Linked.as_str(),
            changes: changes.clone(),
            comment_id: None,
        })
        .collect();
    store_records::insert_journal_many(c, d, &rows).await?;
    store_records::touch(c, problem.id, now, false).await?;
    Ok(new)
}
