//! Reading the CMDB: one CI (now or as of a moment) with its relations, a
//! page of CIs, the neighbourhood a service map draws, the service catalog
//! and the open incidents on a CI and on what it depends on.

use super::impact::CiRef;
use crate::error::Code;
use crate::{Actor, App, error::AppError};
use serde::Serialize;
use steward_domain::access;
use steward_store::cmdb::{self, CiFields, CiFilter, CiRow, OpenIncident};

/// A CI with its fields as of the moment asked (now by default).
#[derive(Debug, Clone, Serialize)]
pub struct CiDetail {
    /// The row as it is now (names of group, location and owner are now).
    pub row: CiRow,
    /// The fields at `as_of` (equal to the row's when reading now).
    #[serde(skip)]
    pub fields: CiFields,
    pub as_of: Option<i64>,
}

/// A relation seen from one CI, with the other end's name.
#[derive(Debug, Clone, Serialize)]
pub struct RelationView {
    pub id: i64,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub from: CiRef,
    pub to: CiRef,
    pub since: i64,
    pub until: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CiPage {
    pub items: Vec<CiRow>,
    pub next: Option<String>,
}

/// The CIs around one, with the relations among them.
#[derive(Debug, Clone, Serialize)]
pub struct Neighbourhood {
    pub focus: i64,
    pub nodes: Vec<CiRef>,
    pub relations: Vec<(i64, i64, &'static str)>,
    /// The walk stopped at the node limit.
    pub truncated: bool,
}

/// Largest page of CIs.
pub const MAX_PAGE: i64 = 1_000;

impl App {
    fn staff(actor: &Actor) -> Result<(), AppError> {
        if actor.is_staff() {
            Ok(())
        } else {
            Err(AppError::Forbidden(Code::DenyStaffOnly.msg("only agents, managers and admins can see the CMDB")))
        }
    }

    pub async fn ci(&self, actor: &Actor, id: i64, as_of: Option<i64>) -> Result<CiDetail, AppError> {
        let mut conn = self.store.pool().acquire().await.map_err(steward_store::StoreError::from)?;
        let row = cmdb::get(&mut conn, id).await?.ok_or(AppError::NotFound("CI"))?;
        drop(conn);
        // Requesters see live services they may see, and nothing else.
        if !actor.is_staff() && !self.visible_service(&row) {
            return Err(AppError::NotFound("CI"));
        }
        let fields = self.ci_fields_at(&row, as_of).await?.ok_or_else(|| {
            AppError::field(
                "as_of",
                Code::CiNotYet.msg(format!("CI {id} did not exist yet at that moment")).with("id", id),
            )
        })?;
        Ok(CiDetail { row, fields, as_of })
    }

    /// A live service marked visible: what requesters may see and name.
    pub(crate) fn visible_service(&self, row: &CiRow) -> bool {
        row.requester_visible != 0 && row.portfolio_status.as_deref() == Some("live")
    }

    /// The CI's organisations (if it is a service) and its inventory.
    pub async fn ci_extras(&self, id: i64) -> Result<(Vec<cmdb::Consumer>, Option<String>), AppError> {
        let mut conn = self.store.pool().acquire().await.map_err(steward_store::StoreError::from)?;
        Ok((cmdb::consumers(&mut conn, &[id]).await?, cmdb::inventory(&mut conn, id).await?))
    }

    /// The relations of a CI live at `as_of` (now by default).
    pub async fn ci_relations(
        &self,
        actor: &Actor,
        id: i64,
        as_of: Option<i64>,
    ) -> Result<Vec<RelationView>, AppError> {
        Self::staff(actor)?;
        self.cmdb
            .read(&self.store, |v| {
                let r = |id: i64| {
                    let b = v.ci(id);
                    CiRef {
                        id,
                        name: b.map(|b| b.name.clone()).unwrap_or_default(),
                        class: b.map(|b| b.class.clone()).unwrap_or_default(),
                        status: b.map(|b| b.status.clone()).unwrap_or_default(),
                    }
                };
                v.graph
                    .relations_of(id, as_of)
                    .into_iter()
                    .map(|e| RelationView {
                        id: e.id,
                        kind: e.relation.kind.as_str(),
                        from: r(e.relation.from),
                        to: r(e.relation.to),
                        since: e.since,
                        until: e.until,
                    })
                    .collect()
            })
            .await
    }

    /// A page of CIs; `class` includes the classes extending it.
    pub async fn list_cis(
        &self,
        actor: &Actor,
        mut filter: CiFilter,
        class: Option<&str>,
        after: Option<(String, i64)>,
        limit: i64,
    ) -> Result<CiPage, AppError> {
        Self::staff(actor)?;
        if let Some(class) = class {
            filter.classes = self.descendants(class).await?;
        }
        let limit = limit.clamp(1, MAX_PAGE);
        let mut conn = self.store.pool().acquire().await.map_err(steward_store::StoreError::from)?;
        let mut items = cmdb::list(&mut conn, self.store.dialect(), &filter, after, limit + 1).await?;
        let next = (items.len() as i64 > limit).then(|| {
            items.truncate(limit as usize);
            items.last().map(|l| cursor(&l.name, l.id)).unwrap_or_default()
        });
        Ok(CiPage { items, next })
    }

    /// The class and every class extending it; an unknown class is bad input.
    pub async fn descendants(&self, class: &str) -> Result<Vec<String>, AppError> {
        self.cmdb
            .read(&self.store, |v| {
                if v.schema.class(class).is_none() {
                    return Err(AppError::field("class", steward_domain::cmdb::class::no_class(class)));
                }
                Ok(v.schema.classes().filter(|c| v.schema.is_a(&c.key, class)).map(|c| c.key.clone()).collect())
            })
            .await?
    }

    /// The service catalog: requesters see live services marked visible;
    /// staff see the whole portfolio.
    pub async fn catalog(&self, actor: &Actor, q: Option<String>) -> Result<Vec<CiRow>, AppError> {
        let filter = CiFilter {
            classes: self.service_classes().await?,
            q,
            portfolio_status: (!actor.is_staff()).then(|| "live".to_owned()),
            requester_visible: !actor.is_staff(),
            ..CiFilter::default()
        };
        let mut conn = self.store.pool().acquire().await.map_err(steward_store::StoreError::from)?;
        Ok(cmdb::list(&mut conn, self.store.dialect(), &filter, None, MAX_PAGE).await?)
    }

    /// The CIs within `hops` of `id`, at most `max_nodes`.
    pub async fn neighbourhood(
        &self,
        actor: &Actor,
        id: i64,
        hops: u32,
        as_of: Option<i64>,
        max_nodes: usize,
    ) -> Result<Neighbourhood, AppError> {
        Self::staff(actor)?;
        self.cmdb
            .read(&self.store, |v| {
                if v.ci(id).is_none() {
                    return Err(AppError::NotFound("CI"));
                }
                let (ids, rels) = v.graph.neighbourhood(id, hops, as_of, max_nodes);
                let truncated = ids.len() >= max_nodes;
                let nodes = ids
                    .iter()
                    .filter_map(|i| {
                        v.ci(*i).map(|b| CiRef {
                            id: *i,
                            name: b.name.clone(),
                            class: b.class.clone(),
                            status: b.status.clone(),
                        })
                    })
                    .collect();
                let relations = rels.iter().map(|r| (r.from, r.to, r.kind.as_str())).collect();
                Ok(Neighbourhood { focus: id, nodes, relations, truncated })
            })
            .await?
    }

    /// Open incidents on the CI itself and on everything it depends on
    /// (down to `depth`), most urgent first.
    pub async fn open_incidents_on(&self, actor: &Actor, id: i64, depth: u32) -> Result<Vec<OpenIncident>, AppError> {
        Self::staff(actor)?;
        let mut ids: Vec<i64> = self
            .cmdb
            .read(&self.store, |v| v.graph.dependencies(&[id], depth).into_iter().map(|r| r.ci).collect())
            .await?;
        ids.insert(0, id);
        let mut conn = self.store.pool().acquire().await.map_err(steward_store::StoreError::from)?;
        Ok(cmdb::open_incidents_on(&mut conn, &ids, 100).await?)
    }

    /// The CIs an incident names, in id order (the desk's view of it).
    pub async fn incident_cis(&self, actor: &Actor, incident_id: i64) -> Result<Vec<CiRef>, AppError> {
        Self::staff(actor)?;
        let mut conn = self.store.pool().acquire().await.map_err(steward_store::StoreError::from)?;
        let ids = cmdb::record_cis(&mut conn, incident_id).await?;
        drop(conn);
        self.cmdb
            .read(&self.store, |v| {
                ids.iter()
                    .filter_map(|id| {
                        v.ci(*id).map(|b| CiRef {
                            id: *id,
                            name: b.name.clone(),
                            class: b.class.clone(),
                            status: b.status.clone(),
                        })
                    })
                    .collect()
            })
            .await
    }

    /// The names of the calendars services give as support hours. The
    /// catalog shows them to everyone, requesters included, so this read
    /// is not limited to staff as the calendars themselves are.
    pub async fn support_hours_names(&self) -> Result<Vec<(i64, String)>, AppError> {
        let mut conn = self.store.pool().acquire().await.map_err(steward_store::StoreError::from)?;
        Ok(steward_store::sla::calendars(&mut conn).await?.into_iter().map(|c| (c.id, c.name)).collect())
    }

    /// A CI's journal, oldest first.
    pub async fn ci_journal(&self, actor: &Actor, id: i64) -> Result<Vec<steward_store::journal::Entry>, AppError> {
        Self::staff(actor)?;
        let mut conn = self.store.pool().acquire().await.map_err(steward_store::StoreError::from)?;
        cmdb::get(&mut conn, id).await?.ok_or(AppError::NotFound("CI"))?;
        Ok(steward_store::journal::entries(&mut conn, "ci", id, true).await?)
    }

    /// A group's id by name.
    pub async fn group_id(&self, name: &str) -> Result<i64, AppError> {
        let mut conn = self.store.pool().acquire().await.map_err(steward_store::StoreError::from)?;
        Ok(steward_store::accounts::group_by_name(&mut conn, name.trim()).await?.ok_or(AppError::NotFound("group"))?.id)
    }

    /// Who may edit CIs: checked by the web layer to show forms.
    pub fn may_edit_cmdb(actor: &Actor) -> bool {
        access::can_edit_cmdb(actor.role).is_ok()
    }
}

/// The keyset cursor after a row: `name` and id, opaque to callers.
pub fn cursor(name: &str, id: i64) -> String {
    let mut hex = String::with_capacity(name.len() * 2);
    for b in name.bytes() {
        hex.push_str(&format!("{b:02x}"));
    }
    format!("{id}.{hex}")
}

/// Reads a cursor back; None if it is not one of ours.
pub fn parse_cursor(s: &str) -> Option<(String, i64)> {
    let (id, hex) = s.split_once('.')?;
    let bytes: Option<Vec<u8>> =
        (0..hex.len()).step_by(2).map(|i| hex.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok())).collect();
    Some((String::from_utf8(bytes?).ok()?, id.parse().ok()?))
}
