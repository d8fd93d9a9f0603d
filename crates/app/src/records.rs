//! What every kind of record shares in the write path: the first step of
//! every change (lock the row, load it, compare the version the writer
//! saw) and the journal entry each change leaves.
//!
//! A kind's change runs as [`steward_store::Store::write_checked`]: the
//! check (these steps, the actor's rights, the domain's decision) only
//! reads and locks, so a refusal writes nothing and costs its batch
//! nothing; the apply step then writes the row, the journal, the clocks
//! and the outbox.

use crate::error::AppError;
use steward_domain::journal::{Action, FieldChange};
use steward_store::{Conn, Dialect, StoreError, journal, records};

/// What writing a change of a record needs besides its rows: the SLA
/// rules its clocks follow and who hears of it.
pub(crate) struct Writing<'a> {
    pub dialect: Dialect,
    pub snap: &'a crate::sla::Snapshot,
    pub ctx: &'a crate::notify::compose::Ctx,
    pub by: &'a crate::notify::Author,
    pub actor: &'a crate::Actor,
}

/// A new record of `kind` in `state`, raised by `actor` at `now` (who is
/// its requester); nothing else set yet, impact and urgency low (P5).
pub(crate) fn fresh(kind: &str, state: &str, actor: &crate::Actor, now: i64) -> records::Record {
    records::Record {
        id: 0,
        kind: kind.to_owned(),
        number: 0,
        title: String::new(),
        description: String::new(),
        state: state.to_owned(),
        hold_reason: None,
        impact: 3,
        urgency: 3,
        priority: 5,
        requester_id: actor.id,
        organisation_id: None,
        category: None,
        service_id: None,
        assignment_group_id: None,
        assignee_id: None,
        major: 0,
        parent_id: None,
        resolution_code: None,
        resolution_notes: None,
        reopen_count: 0,
        opened_at: now,
        first_response_at: None,
        resolved_at: None,
        closed_at: None,
        updated_at: now,
        created_by: actor.id,
        version: 1,
        requester_name: Some(actor.display_name.clone()),
        organisation_name: None,
        group_name: None,
        assignee_name: None,
        service: None,
        parent_number: None,
        sla: Default::default(),
    }
}

/// Locks and loads the record of `kind` with this number, for a change.
pub(crate) async fn lock(
    c: &mut Conn,
    d: Dialect,
    kind: &'static str,
    number: i64,
) -> Result<records::Record, AppError> {
    records::number_for_update(c, d, kind, number).await.map_err(|e| match e {
        StoreError::NotFound => AppError::NotFound(kind),
        other => other.into(),
    })
}

/// Refuses a change made to another version than the stored one.
pub(crate) fn check_version(rec: &records::Record, sent: i64) -> Result<(), AppError> {
    if rec.version == sent { Ok(()) } else { Err(AppError::Stale { sent, current: rec.version }) }
}

/// Appends one journal entry for the record.
pub(crate) async fn journal(
    c: &mut Conn,
    rec: &records::Record,
    at: i64,
    actor: Option<i64>,
    action: Action,
    changes: &[FieldChange],
    comment_id: Option<i64>,
) -> Result<i64, AppError> {
    let changes = serde_json::to_string(changes).map_err(|e| AppError::Internal(e.to_string()))?;
    let kind = records_kind(&rec.kind)?;
    Ok(journal::append(
        c,
        &journal::NewEntry {
            record_kind: kind,
            record_id: rec.id,
            at,
            actor_id: actor,
            action: action.as_str(),
            changes,
            comment_id,
        },
    )
    .await?)
}

/// The kind's name as the journal keeps it.
fn records_kind(kind: &str) -> Result<&'static str, AppError> {
    match kind {
        crate::incidents::KIND => Ok(crate::incidents::KIND),
        crate::problems::KIND => Ok(crate::problems::KIND),
        crate::changes::KIND => Ok(crate::changes::KIND),
        crate::tasks::KIND => Ok(crate::tasks::KIND),
        crate::articles::KIND => Ok(crate::articles::KIND),
        other => Err(AppError::Internal(format!("unknown record kind {other:?}"))),
    }
}
