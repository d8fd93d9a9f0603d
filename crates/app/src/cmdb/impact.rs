//! Impact analysis: what a failure of some CIs affects (upstream), with the
//! services among them, the path that explains each and the organisations
//! that use those services; and what a CI stands on (downstream). Both now
//! or as of a past moment.

use crate::Code;
use crate::error::{Message, too_many};
use crate::{Actor, App, error::AppError};
use serde::Serialize;
use std::collections::BTreeMap;
use steward_domain::cmdb::Reached;
use steward_store::cmdb;

/// Deepest walk a caller may ask for.
pub const MAX_DEPTH: u32 = 20;
/// At most this many starting CIs.
pub const MAX_STARTS: usize = 1_000;
/// Reached CIs listed in full; the count is always exact.
pub const MAX_LISTED: usize = 2_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// What a failure affects.
    Upstream,
    /// What the CIs depend on.
    Downstream,
}

#[derive(Debug, Clone, Serialize)]
pub struct CiRef {
    pub id: i64,
    pub name: String,
    pub class: String,
    pub status: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PathStep {
    pub from: i64,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub to: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReachedCi {
    #[serde(flatten)]
    pub ci: CiRef,
    pub depth: u32,
    /// The relations that explain it, from a starting CI to this one.
    pub path: Vec<PathStep>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Organisation {
    pub id: i64,
    pub name: String,
    /// The affected services it uses.
    pub services: Vec<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Impact {
    pub starts: Vec<CiRef>,
    pub depth: u32,
    /// Microseconds; the web layer writes it as RFC 3339.
    #[serde(skip)]
    pub as_of: Option<i64>,
    /// Services reached (and starting CIs that are services), nearest first.
    pub services: Vec<ReachedCi>,
    /// Every CI reached, nearest first, at most [`MAX_LISTED`] (or as few
    /// as the caller asked).
    pub cis: Vec<ReachedCi>,
    pub cis_total: usize,
    /// Who uses the affected services (upstream only).
    pub organisations: Vec<Organisation>,
}

impl App {
    pub async fn impact(
        &self,
        actor: &Actor,
        starts: &[i64],
        depth: u32,
        as_of: Option<i64>,
        dir: Direction,
        listed: usize,
    ) -> Result<Impact, AppError> {
        if !actor.is_staff() {
            return Err(AppError::Forbidden(
                Code::DenyStaffOnly.msg("only agents, managers and admins can see the CMDB"),
            ));
        }
        if starts.is_empty() {
            return Err(AppError::field("cis", Code::NameACi.msg("name at least one CI")));
        }
        if starts.len() > MAX_STARTS {
            return Err(AppError::field("cis", too_many(format!("at most {MAX_STARTS} CIs"), MAX_STARTS)));
        }
        if depth == 0 || depth > MAX_DEPTH {
            return Err(AppError::field(
                "depth",
                Code::FromTo.msg(format!("must be 1 to {MAX_DEPTH}")).with("max", MAX_DEPTH),
            ));
        }
        let mut impact = self
            .cmdb
            .read(&self.store, |view| {
                let mut missing = Vec::new();
                let mut start_refs = Vec::new();
                for id in starts {
                    match view.ci(*id) {
                        Some(b) if as_of.is_none_or(|t| b.created_at <= t) => start_refs.push(CiRef {
                            id: *id,
                            name: b.name.clone(),
                            class: b.class.clone(),
                            status: b.status.clone(),
                        }),
                        Some(_) => missing.push((*id, true)),
                        None => missing.push((*id, false)),
                    }
                }
                if missing.iter().all(|(_, existed)| !existed) && !missing.is_empty() {
                    return Err(AppError::field("cis", crate::error::no_cis(missing.iter().map(|(id, _)| id))));
                }
                if !missing.is_empty() {
                    // Said as "no CI": at that moment none of them existed.
                    let each = missing.iter().map(|(id, existed)| {
                        if *existed { format!("CI {id} did not exist yet") } else { format!("no CI {id}") }
                    });
                    let text = each.collect::<Vec<_>>().join("; ");
                    let ids = missing.iter().map(|(id, _)| id);
                    return Err(AppError::field("cis", Message::wrapping(crate::error::no_cis(ids), text)));
                }
                let reached: Vec<Reached> = match dir {
                    Direction::Upstream => view.graph.impact_at(starts, depth, as_of),
                    Direction::Downstream => view.graph.dependencies_at(starts, depth, as_of),
                };
                let to_ref = |id: i64| {
                    view.ci(id).map(|b| CiRef {
                        id,
                        name: b.name.clone(),
                        class: b.class.clone(),
                        status: b.status.clone(),
                    })
                };
                let full = |r: &Reached| {
                    to_ref(r.ci).map(|ci| ReachedCi {
                        ci,
                        depth: r.depth,
                        path: r
                            .path
                            .iter()
                            .map(|s| PathStep {
                                from: s.relation.from,
                                kind: s.relation.kind.as_str(),
                                to: s.relation.to,
                            })
                            .collect(),
                    })
                };
                let mut services: Vec<ReachedCi> = start_refs
                    .iter()
                    .filter(|s| view.is_service(s.id))
                    .map(|s| ReachedCi { ci: s.clone(), depth: 0, path: vec![] })
                    .collect();
                services.extend(reached.iter().filter(|r| view.is_service(r.ci)).filter_map(full));
                let cis: Vec<ReachedCi> = reached.iter().take(listed.min(MAX_LISTED)).filter_map(full).collect();
                Ok(Impact {
                    starts: start_refs,
                    depth,
                    as_of,
                    services,
                    cis,
                    cis_total: reached.len(),
                    organisations: Vec::new(),
                })
            })
            .await??;
        if dir == Direction::Upstream && !impact.services.is_empty() {
            let ids: Vec<i64> = impact.services.iter().map(|s| s.ci.id).collect();
            let mut conn = self.store.pool().acquire().await.map_err(steward_store::StoreError::from)?;
            let mut orgs: BTreeMap<(String, i64), Vec<i64>> = BTreeMap::new();
            for c in cmdb::consumers(&mut conn, &ids).await? {
                orgs.entry((c.organisation, c.organisation_id)).or_default().push(c.service_id);
            }
            impact.organisations =
                orgs.into_iter().map(|((name, id), services)| Organisation { id, name, services }).collect();
        }
        Ok(impact)
    }
}
