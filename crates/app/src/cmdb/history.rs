//! A CI's fields as journal text, the changes between two versions, and a
//! CI read as it was at a past moment by undoing the journal entries
//! written after it.

use crate::{App, error::AppError};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use steward_domain::journal::FieldChange;
use steward_store::cmdb::{self, CiFields, CiRow};

/// Every field of a CI as text, keyed by its journal name; attributes are
/// `attributes.<name>` with the value as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot(pub BTreeMap<String, Option<String>>);

fn text<T: ToString>(v: Option<T>) -> Option<String> {
    v.map(|v| v.to_string())
}

impl Snapshot {
    pub fn of(f: &CiFields) -> Snapshot {
        let mut m = BTreeMap::new();
        m.insert("class".into(), Some(f.class.clone()));
        m.insert("name".into(), Some(f.name.clone()));
        m.insert("status".into(), Some(f.status.clone()));
        m.insert("criticality".into(), Some(f.criticality.clone()));
        m.insert("owner_group_id".into(), text(f.owner_group_id));
        m.insert("location_id".into(), text(f.location_id));
        m.insert("vendor".into(), f.vendor.clone());
        m.insert("description".into(), Some(f.description.clone()).filter(|d| !d.is_empty()));
        m.insert("owner_id".into(), text(f.owner_id));
        m.insert("support_calendar_id".into(), text(f.support_calendar_id));
        m.insert("tier".into(), text(f.tier));
        m.insert("portfolio_status".into(), f.portfolio_status.clone());
        m.insert("requester_visible".into(), Some(f.requester_visible.to_string()));
        let attrs: Map<String, Value> = serde_json::from_str(&f.attributes).unwrap_or_default();
        for (k, v) in attrs {
            m.insert(format!("attributes.{k}"), Some(v.to_string()));
        }
        Snapshot(m)
    }

    /// Back to fields; unknown names are ignored.
    pub fn fields(&self) -> CiFields {
        let get = |k: &str| self.0.get(k).cloned().flatten();
        let int = |k: &str| get(k).and_then(|v| v.parse().ok());
        let mut attrs = Map::new();
        for (k, v) in &self.0 {
            if let (Some(name), Some(v)) = (k.strip_prefix("attributes."), v) {
                attrs.insert(name.to_owned(), serde_json::from_str(v).unwrap_or(Value::String(v.clone())));
            }
        }
        CiFields {
            class: get("class").unwrap_or_default(),
            name: get("name").unwrap_or_default(),
            status: get("status").unwrap_or_default(),
            criticality: get("criticality").unwrap_or_default(),
            owner_group_id: int("owner_group_id"),
            location_id: int("location_id"),
            vendor: get("vendor"),
            attributes: Value::Object(attrs).to_string(),
            description: get("description").unwrap_or_default(),
            owner_id: int("owner_id"),
            support_calendar_id: int("support_calendar_id"),
            tier: int("tier"),
            portfolio_status: get("portfolio_status"),
            requester_visible: get("requester_visible").as_deref() == Some("true"),
        }
    }
}

/// What changed from `old` (None: nothing before) to `new`, field by field.
pub fn changes(old: Option<&Snapshot>, new: &Snapshot) -> Vec<FieldChange> {
    let empty = BTreeMap::new();
    let old = old.map(|s| &s.0).unwrap_or(&empty);
    let mut keys: Vec<&String> = old.keys().chain(new.0.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|k| FieldChange::new(k, old.get(k).cloned().flatten(), new.0.get(k).cloned().flatten()))
        .collect()
}

impl App {
    /// A CI now (`at` None) or as it was at `at`; None if it did not exist
    /// yet. Read from the current row and the journal entries after `at`.
    pub async fn ci_fields_at(&self, row: &CiRow, at: Option<i64>) -> Result<Option<CiFields>, AppError> {
        let Some(at) = at else { return Ok(Some(CiFields::of(row))) };
        if at < row.created_at {
            return Ok(None);
        }
        let mut conn = self.store.pool().acquire().await.map_err(steward_store::StoreError::from)?;
        let mut snap = Snapshot::of(&CiFields::of(row));
        for (_, action, changes) in cmdb::journal_after(&mut conn, row.id, at).await? {
            if action == "created" {
                return Ok(None);
            }
            let Ok(list) = serde_json::from_str::<Vec<FieldChange>>(&changes) else { continue };
            for c in list {
                if c.field.starts_with("relation") {
                    continue;
                }
                snap.0.insert(c.field, c.old);
            }
        }
        Ok(Some(snap.fields()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_round_trips_and_diffs_by_field() {
        let f = CiFields {
            class: "server".into(),
            name: "web01".into(),
            status: "in_use".into(),
            criticality: "high".into(),
            owner_group_id: Some(3),
            attributes: r#"{"cpu_count":4,"hostname":"web01"}"#.into(),
            ..CiFields::default()
        };
        let s = Snapshot::of(&f);
        assert_eq!(s.fields(), f);
        let mut g = f.clone();
        g.attributes = r#"{"cpu_count":8,"hostname":"web01"}"#.into();
        g.status = "maintenance".into();
        let c = changes(Some(&s), &Snapshot::of(&g));
        let got: Vec<(&str, Option<&str>, Option<&str>)> =
            c.iter().map(|c| (c.field.as_str(), c.old.as_deref(), c.new.as_deref())).collect();
        assert_eq!(
            got,
            [("attributes.cpu_count", Some("4"), Some("8")), ("status", Some("in_use"), Some("maintenance"))]
        );
    }
}
