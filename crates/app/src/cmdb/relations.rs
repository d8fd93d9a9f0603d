//! Relations one at a time (add, remove) and their journal entries, which
//! go on the CI the relation starts from.

use crate::{Actor, App, error::AppError};
use std::collections::BTreeMap;
use steward_domain::access;
use steward_domain::journal::FieldChange;
use steward_store::cmdb::{self, Relation};
use steward_store::{Conn, journal::NewEntry, now_micros};

/// How a relation reads in a journal: `runs_on CI 12`.
fn describe(r: &Relation) -> String {
    format!("{} CI {}", r.kind, r.to_id)
}

/// A CI's journal entry.
pub(crate) fn entry<'a>(id: i64, action: &'a str, changes: &str, actor_id: Option<i64>, now: i64) -> NewEntry<'a> {
    NewEntry {
        record_kind: "ci",
        record_id: id,
        at: now,
        actor_id,
        action,
        changes: changes.to_owned(),
        comment_id: None,
    }
}

/// One entry per CI the relations start from.
pub(crate) async fn journal_relations(
    c: &mut Conn,
    rels: &[Relation],
    action: &str,
    actor_id: Option<i64>,
    now: i64,
) -> Result<(), AppError> {
    let mut by_ci: BTreeMap<i64, Vec<FieldChange>> = BTreeMap::new();
    for r in rels {
        let (old, new) = if action == "relation_added" { (None, Some(describe(r))) } else { (Some(describe(r)), None) };
        by_ci.entry(r.from_id).or_default().push(FieldChange { field: "relation".into(), old, new });
    }
    let changes: Vec<(i64, String)> = by_ci
        .into_iter()
        .map(|(id, c)| serde_json::to_string(&c).map(|s| (id, s)))
        .collect::<Result<_, _>>()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let entries: Vec<NewEntry> =
        changes.iter().map(|(id, changes)| entry(*id, action, changes, actor_id, now)).collect();
    cmdb::journal_many(c, &entries, false).await?;
    Ok(())
}

impl App {
    /// Ends a live relation; it stays in history.
    pub async fn remove_relation(&self, actor: &Actor, id: i64) -> Result<Relation, AppError> {
        access::can_edit_cmdb(actor.role)?;
        let actor_id = actor.id;
        let removed = self
            .store
            .write(move |c| {
                Box::pin(async move {
                    let rev = cmdb::bump_rev(c).await?;
                    let now = now_micros();
                    let Some(r) = cmdb::remove_relation(c, id, now, rev).await? else {
                        return Err(AppError::NotFound("relation"));
                    };
                    journal_relations(c, std::slice::from_ref(&r), "relation_removed", Some(actor_id), now).await?;
                    Ok(r)
                })
            })
            .await;
        self.cmdb.written();
        removed
    }
}
