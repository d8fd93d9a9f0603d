//! Problem candidates (trends): incidents that repeat with the same
//! service, CI or category within a period, which no open problem covers
//! yet. The store counts the groups; `domain::problem::candidates`
//! decides which are candidates; the CMDB cache names services and CIs.

use crate::Code;
use crate::{Actor, App, error::AppError};
use steward_domain::{
    lifecycle::open_state_names,
    problem::{Candidate, GroupCount, GroupKey, ProblemState, can_view_problem, candidates},
};
use steward_store::{
    StoreError, now_micros,
    problem_trends::{self, Group, Period},
};

/// The period looked at when none is asked for, in days.
pub const DEFAULT_DAYS: i64 = 30;
/// How many incidents make a group a candidate when none is asked for.
pub const DEFAULT_MIN: i64 = 3;
pub const MAX_DAYS: i64 = 365;
pub const MAX_MIN: i64 = 1_000;
/// At most this many candidates are shown, the largest groups first.
pub const MAX_SHOWN: usize = 20;

const DAY_MICROS: i64 = 86_400 * 1_000_000;

/// A candidate with the name of what its incidents share.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NamedCandidate {
    #[serde(flatten)]
    pub candidate: Candidate,
    /// The service's or CI's name, or the category.
    pub name: String,
}

/// The candidates of a period and what was asked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Candidates {
    pub days: i64,
    pub min: i64,
    pub items: Vec<NamedCandidate>,
}

/// The period and the threshold, checked: 1–365 days, 1–1,000 incidents.
pub fn period(days: Option<i64>, min: Option<i64>) -> Result<(i64, i64), AppError> {
    let mut errs = crate::error::Errors::default();
    let days = days.unwrap_or(DEFAULT_DAYS);
    let min = min.unwrap_or(DEFAULT_MIN);
    if !(1..=MAX_DAYS).contains(&days) {
        errs.add("days", Code::FromTo.msg(format!("must be 1 to {MAX_DAYS}")).with("max", MAX_DAYS));
    }
    if !(1..=MAX_MIN).contains(&min) {
        errs.add("min", Code::FromTo.msg(format!("must be 1 to {MAX_MIN}")).with("max", MAX_MIN));
    }
    errs.finish()?;
    Ok((days, min))
}

/// A group as an address carries it: `service:12`, `ci:40`,
/// `category:Network`.
pub fn group_param(g: &GroupKey) -> String {
    match g {
        GroupKey::Service(id) => format!("service:{id}"),
        GroupKey::Ci(id) => format!("ci:{id}"),
        GroupKey::Category(c) => format!("category:{c}"),
    }
}

pub fn parse_group(s: &str) -> Result<GroupKey, AppError> {
    let bad = || AppError::field("from", Code::GroupKeyForm.msg("must be service:<id>, ci:<id> or category:<name>"));
    let (by, key) = s.trim().split_once(':').ok_or_else(bad)?;
    match by {
        "service" => key.parse().map(GroupKey::Service).map_err(|_| bad()),
        "ci" => key.parse().map(GroupKey::Ci).map_err(|_| bad()),
        "category" if !key.trim().is_empty() => Ok(GroupKey::Category(key.trim().to_owned())),
        _ => Err(bad()),
    }
}

fn since(days: i64) -> i64 {
    now_micros() - days * DAY_MICROS
}

impl App {
    /// The problem candidates of the last `days` days: groups of at least
    /// `min` incidents with no open problem naming them.
    pub async fn problem_candidates(
        &self,
        actor: &Actor,
        days: Option<i64>,
        min: Option<i64>,
    ) -> Result<Candidates, AppError> {
        can_view_problem(actor.role)?;
        let (days, min) = period(days, min)?;
        let open = open_state_names::<ProblemState>();
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let rows =
            problem_trends::group_counts(&mut conn, &Period { since: since(days), min, open_states: &open }).await?;
        drop(conn);
        let counts: Vec<GroupCount> = rows
            .into_iter()
            .filter_map(|r| {
                let what = match (r.by.as_str(), r.id, r.category) {
                    ("service", Some(id), _) => GroupKey::Service(id),
                    ("ci", Some(id), _) => GroupKey::Ci(id),
                    ("category", _, Some(c)) => GroupKey::Category(c),
                    _ => return None,
                };
                let incidents = u32::try_from(r.incidents).unwrap_or(u32::MAX);
                Some(GroupCount { what, incidents, open_problem: r.open_problem != 0 })
            })
            .collect();
        let threshold = u32::try_from(min).unwrap_or(u32::MAX);
        let mut found = candidates(&counts, threshold);
        found.truncate(MAX_SHOWN);
        let items = self
            .cmdb
            .read(&self.store, |v| {
                found
                    .into_iter()
                    .map(|candidate| {
                        let name = match &candidate.what {
                            GroupKey::Service(id) | GroupKey::Ci(id) => {
                                v.ci(*id).map_or_else(|| format!("#{id}"), |c| c.name.clone())
                            }
                            GroupKey::Category(c) => c.clone(),
                        };
                        NamedCandidate { candidate, name }
                    })
                    .collect()
            })
            .await?;
        Ok(Candidates { days, min, items })
    }

    /// The incident numbers of one group within the last `days` days, newest
    /// first, at most [`super::MAX_LINK`]: what a problem raised from the
    /// candidate links.
    pub async fn candidate_incidents(
        &self,
        actor: &Actor,
        g: &GroupKey,
        days: Option<i64>,
    ) -> Result<Vec<String>, AppError> {
        can_view_problem(actor.role)?;
        let (days, _) = period(days, None)?;
        let group = match g {
            GroupKey::Service(id) => Group::Service(*id),
            GroupKey::Ci(id) => Group::Ci(*id),
            GroupKey::Category(c) => Group::Category(c),
        };
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let limit = i64::try_from(super::MAX_LINK).unwrap_or(1_000);
        let numbers = problem_trends::group_incidents(&mut conn, &group, since(days), limit).await?;
        Ok(numbers.into_iter().map(crate::incidents::number).collect())
    }

    /// The name of a candidate's service or CI (None: no such CI).
    pub async fn ci_name(&self, id: i64) -> Result<Option<String>, AppError> {
        self.cmdb.read(&self.store, |v| v.ci(id).map(|c| c.name.clone())).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_read_back_from_their_address() {
        for g in [GroupKey::Service(12), GroupKey::Ci(40), GroupKey::Category("Network".into())] {
            assert_eq!(parse_group(&group_param(&g)).ok(), Some(g));
        }
        for bad in ["", "service", "service:x", "ci:", "category: ", "team:4"] {
            assert!(parse_group(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_period_and_threshold_are_checked() {
        assert_eq!(period(None, None).ok(), Some((DEFAULT_DAYS, DEFAULT_MIN)));
        let Err(AppError::Invalid(e)) = period(Some(0), Some(1_001)) else { panic!("accepted") };
        assert_eq!(e.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(), ["days", "min"]);
    }
}
