//! Incident use cases: create, read, list, update, transition (comments
//! and attachments are `discussion`'s, shared with other kinds). Every
//! write journals what changed in the same transaction.

use crate::Code;
use crate::error::too_many;
mod create;
pub mod export;
mod list_params;
mod query;
mod transition;
mod update;

pub(crate) use crate::records::Writing;
pub use create::NewIncident;
pub(crate) use create::{created_changes, optional_text};
pub(crate) use list_params::kind_states;
pub use list_params::{ListParams, encode_cursor, parse_time};
pub use query::{ListQuery, MAX_PAGE};
pub use transition::TransitionInput;
pub(crate) use transition::write_transition;
pub use update::{IncidentPatch, Patch};

use crate::{Actor, App, error::AppError};
use steward_domain::{RecordNumber, access::Viewer, journal::FieldChange, number::RecordKind};
use steward_store::records::Incident;

pub(crate) const KIND: &str = "incident";

pub(crate) fn viewer(actor: &Actor, inc: &Incident) -> Viewer {
    Viewer { role: actor.role, is_requester: inc.requester_id == actor.id }
}

/// Parses "INC0000042" (or "42") into the incident's number; another
/// kind's number (PRB0000042) names no incident.
pub fn parse_number(s: &str) -> Result<i64, AppError> {
    RecordKind::Incident.seq_of(s).ok_or(AppError::NotFound("incident"))
}

pub fn number(n: i64) -> String {
    RecordNumber::incident(n).to_string()
}

/// The journal's record of a change of the CIs an incident names.
pub(crate) fn cis_change(old: &[i64], new: &[i64]) -> Option<FieldChange> {
    let text = |l: &[i64]| (!l.is_empty()).then(|| l.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(", "));
    FieldChange::new("cis", text(old), text(new))
}

impl App {
    /// A service by name: its id and its name as stored.
    pub(crate) async fn resolve_service(&self, name: &str) -> Result<(i64, String), AppError> {
        let found =
            |v: &crate::cmdb::cache::View| v.service_named(name).and_then(|id| v.ci(id).map(|b| (id, b.name.clone())));
        let recent = self.cmdb.read_recent(&self.store, std::time::Duration::from_secs(1), found).await?;
        // Not known a second ago: perhaps created since, on another node.
        let hit = match recent {
            Some(hit) => Some(hit),
            None => self.cmdb_view(found).await?,
        };
        hit.ok_or_else(|| {
            AppError::field(
                "service",
                Code::NoService
                    .msg(format!("no service named {:?}", name.trim()))
                    .with("name", format!("{:?}", name.trim())),
            )
        })
    }

    /// A patch's service (id and name) and CIs, resolved; names the field
    /// of the first that is not there.
    pub(crate) async fn resolve_service_and_cis(
        &self,
        service: Patch<String>,
        cis: Option<&[i64]>,
    ) -> Result<(Patch<(i64, String)>, Option<Vec<i64>>), AppError> {
        let service = match service {
            Patch::Set(name) => Patch::Set(self.resolve_service(&name).await?),
            Patch::Clear => Patch::Clear,
            Patch::Keep => Patch::Keep,
        };
        let cis = match cis {
            Some(list) => Some(self.check_cis("cis", list).await?),
            None => None,
        };
        Ok((service, cis))
    }

    /// CI ids that exist, sorted and without repeats; `field` names them.
    pub(crate) async fn check_cis(&self, field: &str, ids: &[i64]) -> Result<Vec<i64>, AppError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        if ids.len() > 100 {
            return Err(AppError::field(field, too_many("at most 100 CIs".to_owned(), 100)));
        }
        let missing: Vec<i64> =
            self.cmdb_view(|v| ids.iter().filter(|i| v.ci(**i).is_none()).copied().collect()).await?;
        if !missing.is_empty() {
            return Err(AppError::field(field, crate::error::no_cis(missing)));
        }
        let mut out = ids.to_vec();
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }
}

/// Field changes between two versions of a row, values as text.
pub(crate) fn diff(old: &Incident, new: &Incident) -> Vec<FieldChange> {
    let i = |v: i64| Some(v.to_string());
    let oi = |v: Option<i64>| v.map(|x| x.to_string());
    let name = |id: Option<i64>, name: &Option<String>| id.map(|_| name.clone().unwrap_or_default());
    [
        FieldChange::new("title", Some(old.title.clone()), Some(new.title.clone())),
        FieldChange::new("description", Some(old.description.clone()), Some(new.description.clone())),
        FieldChange::new("state", Some(old.state.clone()), Some(new.state.clone())),
        FieldChange::new("hold_reason", old.hold_reason.clone(), new.hold_reason.clone()),
        FieldChange::new("impact", i(old.impact), i(new.impact)),
        FieldChange::new("urgency", i(old.urgency), i(new.urgency)),
        FieldChange::new("priority", i(old.priority), i(new.priority)),
        FieldChange::new("category", old.category.clone(), new.category.clone()),
        FieldChange::new("service", old.service.clone(), new.service.clone()),
        FieldChange::new(
            "assignment_group",
            name(old.assignment_group_id, &old.group_name),
            name(new.assignment_group_id, &new.group_name),
        ),
        FieldChange::new(
            "assignee",
            name(old.assignee_id, &old.assignee_name),
            name(new.assignee_id, &new.assignee_name),
        ),
        FieldChange::new(
            "requester",
            name(Some(old.requester_id), &old.requester_name),
            name(Some(new.requester_id), &new.requester_name),
        ),
        FieldChange::new("major", i(old.major), i(new.major)),
        FieldChange::new("parent", old.parent_number.map(number), new.parent_number.map(number)),
        FieldChange::new("resolution_code", old.resolution_code.clone(), new.resolution_code.clone()),
        FieldChange::new("resolution_notes", old.resolution_notes.clone(), new.resolution_notes.clone()),
        FieldChange::new("reopen_count", i(old.reopen_count), i(new.reopen_count)),
        FieldChange::new(
            "organisation",
            oi(old.organisation_id).and(old.organisation_name.clone()),
            oi(new.organisation_id).and(new.organisation_name.clone()),
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}
