//! The journal of calendars and SLA definitions: who changed what, when.
//! Each create and update appends one entry in the same write, with the
//! fields that changed (nested values shown as compact JSON).

use crate::{Actor, App, AppError};
use serde_json::Value;
use steward_domain::journal::{Action, FieldChange};
use steward_store::{Conn, StoreError, journal};

pub(crate) const CALENDAR: &str = "calendar";
pub(crate) const SLA: &str = "sla";

/// Fields that change on every write and say nothing of their own.
const BOOKKEEPING: &[&str] = &["id", "version", "created_at", "updated_at"];

/// The top-level fields that differ between two JSON objects.
pub(crate) fn changes(old: &Value, new: &Value) -> Vec<FieldChange> {
    let empty = serde_json::Map::new();
    let (old, new) = (old.as_object().unwrap_or(&empty), new.as_object().unwrap_or(&empty));
    let mut keys: Vec<&String> = old.keys().chain(new.keys()).filter(|k| !BOOKKEEPING.contains(&k.as_str())).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter().filter_map(|k| FieldChange::new(k, old.get(k).and_then(text), new.get(k).and_then(text))).collect()
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// Appends one entry; nothing when an update changed nothing.
pub(crate) async fn record(
    c: &mut Conn,
    kind: &str,
    id: i64,
    actor: &Actor,
    action: Action,
    changes: &[FieldChange],
) -> Result<(), AppError> {
    if changes.is_empty() && action == Action::Updated {
        return Ok(());
    }
    let entry = journal::NewEntry {
        record_kind: kind,
        record_id: id,
        at: steward_store::now_micros(),
        // The operator (the command line) is no user.
        actor_id: (actor.id > 0).then_some(actor.id),
        action: action.as_str(),
        changes: serde_json::to_string(changes).map_err(|e| AppError::Internal(e.to_string()))?,
        comment_id: None,
    };
    journal::append(c, &entry).await?;
    Ok(())
}

pub(crate) fn to_value<T: serde::Serialize>(v: &T) -> Result<Value, AppError> {
    serde_json::to_value(v).map_err(|e| AppError::Internal(e.to_string()))
}

impl App {
    /// A calendar's changes, oldest first.
    pub async fn calendar_history(&self, actor: &Actor, id: i64) -> Result<Vec<journal::Entry>, AppError> {
        self.get_calendar(actor, id).await?;
        self.settings_history(CALENDAR, id).await
    }

    /// An SLA definition's changes, oldest first.
    pub async fn sla_history(&self, actor: &Actor, id: i64) -> Result<Vec<journal::Entry>, AppError> {
        self.get_sla(actor, id).await?;
        self.settings_history(SLA, id).await
    }

    async fn settings_history(&self, kind: &str, id: i64) -> Result<Vec<journal::Entry>, AppError> {
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(journal::entries(&mut conn, kind, id, true).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changes_name_each_field_that_differs_and_skip_bookkeeping() {
        let old = json!({"name": "Std", "active": true, "targets": [1, 2], "version": 3, "note": null});
        let new = json!({"name": "Gold", "active": true, "targets": [1, 3], "version": 4, "extra": "x"});
        let got: Vec<(String, Option<String>, Option<String>)> =
            changes(&old, &new).into_iter().map(|c| (c.field, c.old, c.new)).collect();
        assert_eq!(
            got,
            vec![
                ("extra".into(), None, Some("x".into())),
                ("name".into(), Some("Std".into()), Some("Gold".into())),
                ("targets".into(), Some("[1,2]".into()), Some("[1,3]".into())),
            ]
        );
    }
}
